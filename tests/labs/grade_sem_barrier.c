/* grade_sem_barrier: the grader of the lab sem_barrier
 * (chapters/sem/labs/sem_barrier.c, statement in book/sem.adoc). See grade.h. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sem.h>
#include <unistd.h>

enum { MAX_PROCS = 8, MAX_ROUNDS = 6 };

/* What the lines "process I round R" of OUT say, for NPROCS processes and
 * ROUNDS rounds: into WHY, the first thing wrong ("" if none). The first
 * line (the set) is skipped. */
static void check_lines(const char *out, int nprocs, int rounds, char *why, size_t size)
{
    int seen[MAX_PROCS + 1][MAX_ROUNDS + 1] = { { 0 } }, done[MAX_ROUNDS + 2] = { 0 };
    const char *line = strchr(out, '\n');
    int i, r, n = 0;

    why[0] = '\0';
    for (line = line ? line + 1 : out; *line != '\0'; line = strchr(line, '\n') + 1, n++) {
        int len = -1;

        if (strchr(line, '\n') == NULL || sscanf(line, "process %d round %d%n", &i, &r, &len) != 2 ||
            line[len] != '\n' || i < 1 || i > nprocs || r < 1 || r > rounds) {
            snprintf(why, size, "line %d is not \"process I round R\" with I from 1 to %d and R "
                     "from 1 to %d: %.*s", n + 2, nprocs, rounds, (int)strcspn(line, "\n"), line);
            return;
        }
        if (seen[i][r]++) {
            snprintf(why, size, "\"process %d round %d\" came twice", i, r);
            return;
        }
        if (done[r - 1] < nprocs && r > 1) {
            snprintf(why, size, "process %d started round %d before all had finished round "
                     "%d (%d of %d lines of round %d came before it)", i, r, r - 1,
                     done[r - 1], nprocs, r - 1);
            return;
        }
        done[r]++;
    }
    for (r = 1; r <= rounds; r++)
        if (done[r] != nprocs) {
            /* the lines of round R come before the barrier's use R */
            snprintf(why, size, "round %d has %d lines, not %d%s", r, done[r], nprocs,
                     r == 3 && done[2] == nprocs ? ": after round 2, no process went on: "
                     "the barrier worked once but not twice" : "");
            return;
        }
}

/* Run `sem_barrier ARGS...` and check its lines, for NPROCS and ROUNDS. */
static void run_and_check(const char *wait_ms, int nprocs, int rounds)
{
    char n[16], rs[16], why[256], said[64];
    struct t_run r;

    snprintf(n, sizeof n, "%d", nprocs);
    snprintf(rs, sizeof rs, "%d", rounds);
    snprintf(said, sizeof said, "sem_barrier%s%s %d %d", wait_ms ? " -w " : "",
             wait_ms ? wait_ms : "", nprocs, rounds);
    if (wait_ms)
        g_run(&r, NULL, "-w", wait_ms, n, rs, NULL);
    else
        g_run(&r, NULL, n, rs, NULL);
    g_sem_set(r.out);
    check_lines(r.out, nprocs, rounds, why, sizeof why);
    ck_assert_msg(why[0] == '\0', "`%s`: %s. It %s, and printed:\n%s%s", said, why,
                  g_status(r.status, r.ended_by_limit), g_shown(r.out), r.err);
    ck_assert_msg(r.status == 0, "`%s` %s:\n%s", said, g_status(r.status, r.ended_by_limit),
                  g_shown(r.err));
}

START_TEST(every_process_goes_through_every_round)
{
    t_limit = 3;                        /* it takes a fraction of a second */
    run_and_check(NULL, 8, 6);
}
END_TEST

/* Process 1 is slow in every round: without a barrier that holds the
 * others, their next round comes before its line. */
START_TEST(no_process_starts_a_round_before_all_finished_the_last)
{
    t_limit = 3;                        /* it takes a fraction of a second */
    run_and_check("40", 6, 4);
}
END_TEST

/* Start `sem_barrier -w 10000 NPROCS 2` and wait until the other NPROCS - 1
 * processes wait at the barrier, asleep in semop (the kernel counts them in
 * semncnt or semzcnt, as the design has it; a process that polls is in
 * neither): true if they do, with the set's id in *ID. */
static bool others_sleep(struct t_proc *p, int nprocs, int *id, char *why, size_t size)
{
    char n[16], out[256] = "";
    int waiting = 0;
    struct semid_ds ds;

    snprintf(n, sizeof n, "%d", nprocs);
    g_start(p, 0, (const char *[]){ "-w", "10000", n, "2", NULL });
    *id = t_read_until(p->out, out, sizeof out, "\n") ? g_sem_set(out) : -1;
    if (*id < 0) {
        snprintf(why, size, "`sem_barrier -w 10000 %d 2` named no semaphore set in its first "
                 "line: it printed:\n%s", nprocs, g_shown(out));
        return false;
    }
    for (int tries = 0; tries < 300; tries++) {
        usleep(10000);
        if (semctl(*id, 0, IPC_STAT, (union semun){ .buf = &ds }) == -1)
            break;
        waiting = 0;
        for (unsigned long s = 0; s < ds.sem_nsems; s++)
            waiting += semctl(*id, s, GETNCNT) + semctl(*id, s, GETZCNT);
        if (waiting == nprocs - 1)
            return true;
    }
    snprintf(why, size, "while process 1 of `sem_barrier -w 10000 %d 2` sleeps before its "
             "first line, the %d others must wait at the barrier asleep in semop(2): %d "
             "processes wait on the set (semncnt + semzcnt of its semaphores), not %d. Do "
             "they poll in a loop?", nprocs, nprocs - 1, waiting, nprocs - 1);
    return false;
}

START_TEST(the_others_sleep_while_they_wait)
{
    char why[512];
    struct t_proc p;
    int id;
    bool ok;

    t_limit = 8;
    ok = others_sleep(&p, 5, &id, why, sizeof why);
    t_kill(&p, SIGTERM);
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(ok, "%s", why);
}
END_TEST

START_TEST(removes_the_set_at_the_end)
{
    struct t_run r;

    t_limit = 3;
    g_run(&r, NULL, "3", "2", NULL);
    ck_assert_msg(g_sem_set(r.out) >= 0, "no semaphore set: barrier_create() must make the "
                  "set and leave its id in semid. `sem_barrier 3 2` printed:\n%s", g_shown(r.out));
    ck_assert_msg(r.status == 0, "`sem_barrier 3 2` %s:\n%s", g_status(r.status, r.ended_by_limit),
                  g_shown(r.err));
    g_no_leftovers("After `sem_barrier 3 2` ended");
}
END_TEST

/* Ctrl-C while processes wait at the barrier (or after 3 s, for a barrier
 * that does not sleep: the_others_sleep_while_they_wait says so). */
START_TEST(ctrl_c_removes_the_set)
{
    char why[512];
    struct t_proc p;
    int id;

    t_limit = 8;
    others_sleep(&p, 4, &id, why, sizeof why);
    t_kill(&p, id >= 0 ? SIGINT : SIGTERM);
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(id >= 0, "%s", why);
    ck_assert_msg(p.status < 128 && !p.ended_by_limit, "after Ctrl-C, with processes waiting "
                  "at the barrier, sem_barrier %s", g_status(p.status, p.ended_by_limit));
    g_no_leftovers("After Ctrl-C");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("sem_barrier");

    g_add(s, every_process_goes_through_every_round);
    g_add(s, no_process_starts_a_round_before_all_finished_the_last);
    g_add(s, the_others_sleep_while_they_wait);
    g_add(s, removes_the_set_at_the_end);
    g_add(s, ctrl_c_removes_the_set);
    return s;
}

int main(void)
{
    return g_main("chapters/sem/labs/sem_barrier", make_suite);
}
