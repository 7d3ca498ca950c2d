/* grade_posix_pingpong: the grader of the lab posix_pingpong
 * (chapters/posix/labs/posix_pingpong.c, statement in book/posix.adoc). See
 * grade.h. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MANY = 500 };

/* "ping 1\npong 1\n..." for ROUNDS rounds, into TEXT. */
static void turns(char *text, size_t size, int rounds)
{
    size_t len = 0;

    text[0] = '\0';
    for (int n = 1; n <= rounds; n++)
        len += (size_t)snprintf(text + len, size - len, "ping %d\npong %d\n", n, n);
}

/* Run posix_pingpong with two new names for ROUNDS rounds; it should end
 * at once. Fails the test unless it printed the turns and exited 0. */
static void play(int rounds)
{
    char ping[64], pong[64], count[16], *want = malloc(32 * (size_t)rounds + 1);
    struct t_run r;

    t_limit = 5;
    t_posix_name(ping);
    t_posix_name(pong);
    snprintf(count, sizeof count, "%d", rounds);
    turns(want, 32 * (size_t)rounds + 1, rounds);
    g_run(&r, NULL, ping, pong, count, NULL);
    if (r.ended_by_limit || strcmp(r.out, want) != 0) {
        const char *a = r.out, *b = want;
        int line = 1;

        for (; *a != '\0' && *a == *b; a++, b++)
            line += *a == '\n';
        ck_abort_msg("`posix_pingpong %s %s %d` %s. It must print \"ping N\" and \"pong N\" "
                     "in strict turns, from 1 to %d, and end; it printed %s at line %d. "
                     "A deadlock, or one process printing on alone: does each wait for its "
                     "own semaphore and then post the other's, never its own semaphore? "
                     "Its output began:\n%.200s\n%s", ping, pong, rounds,
                     g_status(r.status, r.ended_by_limit), rounds,
                     *a == '\0' ? "too little" : "something else", line,
                     g_shown(r.out), r.err);
    }
    ck_assert_msg(r.status == 0, "`posix_pingpong %s %s %d` %s after the right turns; it "
                  "must exit 0. On stderr:\n%s", ping, pong, rounds,
                  g_status(r.status, r.ended_by_limit), g_shown(r.err));
    free(want);
    g_no_leftovers("After a run that ended normally");
}

START_TEST(one_round)
{
    play(1);
}
END_TEST

START_TEST(strict_turns_over_many_rounds)
{
    play(MANY);
}
END_TEST

/* Start posix_pingpong for ever so many rounds, and read its output until
 * the child's first turn: both processes have the semaphores then. It goes
 * on until the pipe is full, and waits there. */
static void start(struct t_proc *p, char ping[64], char pong[64], char *out, size_t size)
{
    t_limit = 5;
    t_posix_name(ping);
    t_posix_name(pong);
    g_start(p, 0, (const char *[]){ ping, pong, "1000000000", NULL });
    ck_assert_msg(t_read_until(p->out, out, size, "ping 1\npong 1\n"),
                  "`posix_pingpong %s %s 1000000000` must begin with \"ping 1\" and "
                  "\"pong 1\". It printed:\n%.400s", ping, pong, g_shown(out));
}

/* The named semaphores PID has open whose names are gone: the inodes of
 * its shared mappings of "/dev/shm/sem.X (deleted)" in /proc/PID/maps (glibc
 * makes a semaphore under a name of its own and links it to the name
 * asked for, so the name X says nothing), up to 4 into INODES; how many. */
static int unlinked_sems(pid_t pid, unsigned long inodes[4])
{
    char path[64], line[512];
    int n = 0;
    FILE *maps;

    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    if ((maps = fopen(path, "r")) == NULL)
        return 0;
    while (fgets(line, sizeof line, maps) != NULL) {
        unsigned long inode;
        char perms[8];
        int seen = 0;

        if (strstr(line, "/sem.") == NULL || strstr(line, " (deleted)\n") == NULL ||
            sscanf(line, "%*s %7s %*s %*s %lu", perms, &inode) != 2 || perms[3] != 's')
            continue;
        for (int i = 0; i < n; i++)
            seen |= inodes[i] == inode;
        if (!seen && n < 4)
            inodes[n++] = inode;
    }
    fclose(maps);
    return n;
}

START_TEST(names_are_gone_once_both_have_them)
{
    char ping[64], pong[64], out[4096] = "";
    const char *names[2] = { ping, pong };
    unsigned long parent[4], child[4];
    struct t_proc p;
    pid_t child_pid;
    int n;

    start(&p, ping, pong, out, sizeof out);
    for (int i = 0; i < 2; i++) {
        sem_t *sem = sem_open(names[i], 0);

        if (sem != SEM_FAILED)
            sem_close(sem);
        ck_assert_msg(sem == SEM_FAILED && errno == ENOENT, "posix_pingpong printed \"pong 1\": "
                      "both processes have the semaphores open, but the name %s is still "
                      "there (/dev/shm/sem.%s). A crash or Ctrl-C now would leave it behind: "
                      "once the last process has opened it, unlink the name.",
                      names[i], names[i] + 1);
    }
    ck_assert_msg(t_children(p.pid, &child_pid, 1) == 1, "posix_pingpong has no child");
    n = unlinked_sems(p.pid, parent);
    ck_assert_msg(n == 2 && unlinked_sems(child_pid, child) == 2 &&
                  ((parent[0] == child[0] && parent[1] == child[1]) ||
                   (parent[0] == child[1] && parent[1] == child[0])),
                  "after \"pong 1\", the parent and the child must each have the same two "
                  "semaphores open (in /proc/PID/maps, as /dev/shm/sem.* (deleted)); the "
                  "parent has %d of them. Keep them open while playing: sem_close or "
                  "sem_unlink of a name does not end a semaphore a process still has.", n);
    t_kill(&p, SIGINT);
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    g_no_leftovers("After Ctrl-C");
}
END_TEST

START_TEST(a_name_in_use_is_not_taken)
{
    char ping[64], pong[64];
    struct t_run r;
    sem_t *theirs;
    int value = -1;

    t_limit = 5;
    t_posix_name(ping);
    t_posix_name(pong);
    theirs = sem_open(pong, O_CREAT | O_EXCL, 0600, 7);
    ck_assert_msg(theirs != SEM_FAILED, "(the grader's sem_open %s: %m)", pong);
    g_run(&r, NULL, ping, pong, "3", NULL);
    sem_getvalue(theirs, &value);
    sem_close(theirs);
    if (sem_unlink(pong) == 0)
        ck_assert_msg(value == 7, "the semaphore %s was there already, someone else's, with "
                      "value 7: posix_pingpong used it (its value is now %d). Open the names "
                      "with O_CREAT | O_EXCL: a name in use is an error (EEXIST), not a "
                      "semaphore to share. It printed:\n%s%s", pong, value, r.out, r.err);
    else
        ck_abort_msg("the semaphore %s was there already, someone else's: posix_pingpong "
                     "unlinked it. Open the names with O_CREAT | O_EXCL: a name in use is an "
                     "error (EEXIST), not a semaphore to share. It printed:\n%s%s",
                     pong, r.out, r.err);
    ck_assert_msg(r.status == 1 && t_lines(r.err) == 1 && strstr(r.err, "EEXIST") != NULL &&
                  r.out[0] == '\0', "the name %s was in use: posix_pingpong must say so in "
                  "one line on stderr (die() says \"posix_pingpong: sem_open %s: EEXIST: ...\"), "
                  "print nothing else and exit 1. It %s, and printed:\n%s%s", pong, pong,
                  g_status(r.status, r.ended_by_limit), r.out, g_shown(r.err));
    g_no_leftovers("After a name in use (the semaphore it made first must go)");
}
END_TEST

START_TEST(ctrl_c_ends_both_and_leaves_nothing)
{
    char ping[64], pong[64], out[4096] = "";
    struct t_proc p;
    pid_t child = 0;
    bool child_ended = true;

    start(&p, ping, pong, out, sizeof out);
    if (t_children(p.pid, &child, 1) == 1) {
        t_kill(&p, SIGINT);
        child_ended = false;
        for (int tries = 0; tries < 300 && !child_ended; tries++) {
            child_ended = strchr("?Z", t_state(child)) != NULL;
            usleep(10000);
        }
    } else {
        t_kill(&p, SIGINT);
    }
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(p.status < 128 && !p.ended_by_limit, "after Ctrl-C, posix_pingpong %s",
                  g_status(p.status, p.ended_by_limit));
    ck_assert_msg(child_ended, "after Ctrl-C, the child (pid %d) was still running 3 s later",
                  (int)child);
    g_no_leftovers("After Ctrl-C");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("posix_pingpong");

    g_add(s, one_round);
    g_add(s, strict_turns_over_many_rounds);
    g_add(s, names_are_gone_once_both_have_them);
    g_add(s, a_name_in_use_is_not_taken);
    g_add(s, ctrl_c_ends_both_and_leaves_nothing);
    return s;
}

int main(void)
{
    return g_main("chapters/posix/labs/posix_pingpong", make_suite);
}
