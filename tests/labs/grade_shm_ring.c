/* grade_shm_ring: the grader of the lab shm_ring (chapters/shm/labs/shm_ring.c,
 * statement in book/shm.adoc). See grade.h. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

enum { FREE_SLOTS = 0, FULL_SLOTS = 1, RING_SLOTS = 4 };

/* Lines "line 1" to "line N", into TEXT. */
static void lines(char *text, size_t size, int n)
{
    text[0] = '\0';
    for (int i = 1; i <= n; i++)
        snprintf(text + strlen(text), size - strlen(text), "line %d\n", i);
}

/* Wait up to 10 s (a loaded machine is slow) for semaphore NUM of the set with KEY to have WAITING
 * processes asleep on it (semncnt) and the value VALUE (-1: any). */
static bool comes_to(key_t key, int num, int waiting, int value)
{
    for (int tries = 0; tries < 1000; tries++) {
        int id = semget(key, 0, 0);

        if (id != -1 && semctl(id, num, GETNCNT) == waiting &&
            (value == -1 || semctl(id, num, GETVAL) == value))
            return true;
        usleep(10000);
    }
    return false;
}

START_TEST(passes_every_line_in_order)
{
    char path[PATH_MAX], input[4096];
    struct t_run r;

    t_key('r', path);
    lines(input, sizeof input, 200);
    g_run(&r, input, path, NULL);
    ck_assert_msg(r.status == 0, "`shm_ring PATH` with 200 lines on stdin %s:\n%s",
                  g_status(r.status, r.ended_by_limit), g_shown(r.err));
    ck_assert_msg(strcmp(r.out, input) == 0, "`shm_ring PATH` must print the 200 lines of "
                  "its input (\"line 1\" to \"line 200\"), in order, each once. It printed:\n%s",
                  g_shown(r.out));
}
END_TEST

START_TEST(the_ring_is_a_segment_and_two_semaphores)
{
    char path[PATH_MAX];
    key_t key = t_key('r', path);
    struct t_proc p;
    struct shmid_ds ds;
    int shmid, semid;

    g_start(&p, 0, (const char *[]){ path, NULL });
    ck_assert_msg(comes_to(key, FULL_SLOTS, 1, 0), "with nothing on its stdin yet, shm_ring's "
                  "consumer must wait on semaphore %d (full slots, at 0) of the set with key "
                  "ftok(PATH, 'r'): no such set, or no process waits on it", FULL_SLOTS);
    semid = semget(key, 0, 0);
    ck_assert_msg(semctl(semid, FREE_SLOTS, GETVAL) == RING_SLOTS, "at the start, semaphore %d "
                  "(free slots) must be %d, not %d", FREE_SLOTS, RING_SLOTS,
                  semctl(semid, FREE_SLOTS, GETVAL));
    shmid = shmget(key, 0, 0);
    ck_assert_msg(shmid != -1 && shmctl(shmid, IPC_STAT, &ds) == 0, "no segment with the key "
                  "ftok(PATH, 'r'): %m");
    ck_assert_msg(ds.shm_nattch == 2, "the ring's segment must be attached by the producer "
                  "and the consumer: nattch is %lu, not 2", (unsigned long)ds.shm_nattch);
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
}
END_TEST

START_TEST(the_producer_waits_while_the_ring_is_full)
{
    char path[PATH_MAX], input[256], out[512] = "";
    key_t key = t_key('r', path);
    struct t_proc p;
    pid_t consumer;
    bool waited;

    g_start(&p, 0, (const char *[]){ path, NULL });
    ck_assert_msg(comes_to(key, FULL_SLOTS, 1, 0), "with nothing on its stdin yet, shm_ring's "
                  "consumer must wait on semaphore %d (full slots)", FULL_SLOTS);
    if (t_children(p.pid, &consumer, 1) != 1)
        T_SKIP("the kernel does not list a process's children (CONFIG_PROC_CHILDREN)");
    /* A consumer that takes nothing more. It must be stopped before a line
     * comes: a slot given while it still sleeps in semop would be taken for
     * it by the kernel, and it would stop holding that slot. */
    kill(consumer, SIGSTOP);
    ck_assert_msg(t_reaches(consumer, "T"), "(the consumer, pid %d, did not stop)", (int)consumer);
    lines(input, sizeof input, 10);
    ck_assert_int_eq(write(p.in, input, strlen(input)), (ssize_t)strlen(input));
    waited = comes_to(key, FREE_SLOTS, 1, 0) && comes_to(key, FULL_SLOTS, 0, RING_SLOTS);
    kill(consumer, SIGCONT);
    t_finish(&p, out, sizeof out, (char[512]){ "" }, 512);
    ck_assert_msg(waited, "with the consumer stopped and 10 lines to put, the producer must "
                  "fill the %d slots (full slots at %d) and then wait on semaphore %d (free "
                  "slots at 0): it did not wait while the ring was full", RING_SLOTS,
                  RING_SLOTS, FREE_SLOTS);
    ck_assert_msg(strcmp(out, input) == 0, "after the consumer went on, the 10 lines must "
                  "come out in order, each once. shm_ring printed:\n%s", g_shown(out));
}
END_TEST

START_TEST(removes_both_at_the_end)
{
    char path[PATH_MAX];
    struct t_run r;

    t_key('r', path);
    g_run(&r, "one\ntwo\n", path, NULL);
    ck_assert_msg(r.status == 0, "`shm_ring PATH` %s:\n%s", g_status(r.status, r.ended_by_limit),
                  g_shown(r.err));
    /* a program that made nothing would pass what follows: it must have passed the lines */
    ck_assert_msg(strcmp(r.out, "one\ntwo\n") == 0, "`shm_ring PATH`, with two lines on stdin, must "
                  "print them. It printed:\n%s", g_shown(r.out));
    g_no_leftovers("After `shm_ring PATH` reached the end of its input");
}
END_TEST

START_TEST(ctrl_c_removes_both)
{
    char path[PATH_MAX];
    key_t key = t_key('r', path);
    struct t_proc p;

    g_start(&p, 0, (const char *[]){ path, NULL });
    ck_assert_msg(comes_to(key, FULL_SLOTS, 1, 0), "with nothing on its stdin yet, shm_ring's "
                  "consumer must wait on semaphore %d (full slots)", FULL_SLOTS);
    t_kill(&p, SIGINT);
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(p.status < 128 && !p.ended_by_limit, "after Ctrl-C, shm_ring %s",
                  g_status(p.status, p.ended_by_limit));
    g_no_leftovers("After Ctrl-C");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("shm_ring");

    g_add(s, passes_every_line_in_order);
    g_add(s, the_ring_is_a_segment_and_two_semaphores);
    g_add(s, the_producer_waits_while_the_ring_is_full);
    g_add(s, removes_both_at_the_end);
    g_add(s, ctrl_c_removes_both);
    return s;
}

int main(void)
{
    return g_main("chapters/shm/labs/shm_ring", make_suite);
}
