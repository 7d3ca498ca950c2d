/* grade_sem_lock: the grader of the lab sem_lock (chapters/sem/labs/sem_lock.c,
 * statement in book/sem.adoc). See grade.h. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sem.h>
#include <unistd.h>

START_TEST(counts_every_increment)
{
    struct t_run r;

    g_run(&r, NULL, "4", "5000", NULL);
    g_sem_set(r.out);
    ck_assert_msg(r.status == 0, "`sem_lock 4 5000` %s; it said: %s", g_status(r.status, r.ended_by_limit), r.err);
    ck_assert_msg(strstr(r.out, "counter 20000, expected 20000\n") != NULL,
                  "increments were lost: is every increment between lock() and unlock(), "
                  "and does lock() wait while another process holds the lock? "
                  "`sem_lock 4 5000` printed:\n%s", r.out);
}
END_TEST

/* A lock in name only (lock() returns at once) may still count right when
 * no two increments happen to collide. So the grader takes the lock itself,
 * as a third process would: the program's two processes must then wait for
 * it, which semctl GETNCNT counts. */
START_TEST(the_processes_wait_while_another_holds_the_lock)
{
    struct sembuf take = { 0, -1, SEM_UNDO }, give = { 0, +1, SEM_UNDO };
    struct t_proc p;
    struct semid_ds ds;
    char out[256] = "";
    int id, waiting = 0;

    g_start(&p, 0, (const char *[]){ "2", "10000000", NULL });
    ck_assert_msg(t_read_until(p.out, out, sizeof out, "\n"),
                  "`sem_lock 2 10000000` printed no first line");
    id = g_sem_set(out);
    ck_assert_msg(id >= 0, "no semaphore set: lock_create() must make the set and leave "
                  "its id in semid. `sem_lock 2 10000000` printed:\n%s", out);
    ck_assert_msg(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0 && ds.sem_nsems == 1,
                  "the lock must be a set of one semaphore: set %d %s", id,
                  errno ? "is not there" : "has more");
    ck_assert_msg(semop(id, &take, 1) == 0, "`sem_lock 2 10000000` did not wait for the lock: "
                  "its set was gone before the grader could take the lock (it ended at once)");
    for (int tries = 0; tries < 500 && waiting < 2; tries++) {
        usleep(10000);
        waiting = semctl(id, 0, GETNCNT);
    }
    semop(id, &give, 1);
    t_kill(&p, SIGINT);
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(waiting == 2, "while the grader held the lock, %d of the 2 processes of "
                  "`sem_lock 2 10000000` waited for it, not 2: lock() did not wait. It must "
                  "take the semaphore with semop(2), which waits while the value is 0",
                  waiting < 0 ? 0 : waiting);
}
END_TEST

START_TEST(survives_a_holder_that_dies)
{
    struct t_run r;

    t_limit = 10;                       /* a fraction of a second, on a quiet machine */
    g_run(&r, NULL, "--crash", "3", "4000", NULL);
    g_sem_set(r.out);
    ck_assert_msg(!r.ended_by_limit, "`sem_lock --crash 3 4000` %s after process 1 died "
                  "holding the lock: the others wait for a lock nobody will give back. Take "
                  "and give the lock with SEM_UNDO, so that the kernel gives it back when "
                  "its holder dies.", g_status(r.status, r.ended_by_limit));
    ck_assert_msg(r.status == 0 && strstr(r.out, "counter 10000, expected 10000\n"),
                  "`sem_lock --crash 3 4000` %s, where it should count 10000. It printed:\n%s%s",
                  g_status(r.status, r.ended_by_limit), r.out, r.err);
}
END_TEST

START_TEST(removes_the_set_at_exit)
{
    struct t_run r;

    g_run(&r, NULL, "2", "1000", NULL);
    ck_assert_msg(g_sem_set(r.out) >= 0, "no semaphore set: lock_create() must make the set and "
                  "leave its id in semid. `sem_lock 2 1000` printed:\n%s", r.out);
    ck_assert_msg(r.status == 0, "`sem_lock 2 1000` %s: %s", g_status(r.status, r.ended_by_limit), r.err);
    g_no_leftovers("After `sem_lock 2 1000` ended");
}
END_TEST

START_TEST(ctrl_c_removes_the_set)
{
    struct t_proc p;
    char out[256] = "";

    g_start(&p, 0, (const char *[]){ "2", "10000000", NULL });
    ck_assert_msg(t_read_until(p.out, out, sizeof out, "\n") && g_sem_set(out) >= 0,
                  "no semaphore set: lock_create() must make the set and leave its id in "
                  "semid. `sem_lock 2 10000000` printed:\n%s", out);
    t_kill(&p, SIGINT);
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(p.status < 128 && !p.ended_by_limit,
                  "after Ctrl-C, sem_lock did not end cleanly: it %s",
                  g_status(p.status, p.ended_by_limit));
    g_no_leftovers("After Ctrl-C");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("sem_lock");

    g_add(s, counts_every_increment);
    g_add(s, the_processes_wait_while_another_holds_the_lock);
    g_add(s, survives_a_holder_that_dies);
    g_add(s, removes_the_set_at_exit);
    g_add(s, ctrl_c_removes_the_set);
    return s;
}

int main(void)
{
    return g_main("chapters/sem/labs/sem_lock", make_suite);
}
