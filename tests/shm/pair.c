/* pair.c: shm_writer and shm_reader, the chapter's two programs that find
 * each other through ftok(PATH, 1234): a segment for the text and a
 * semaphore as its lock. The writer runs beside the test, which types its
 * lines; a reader runs to completion (t_run), or beside the test when it
 * must wait for the lock. */
#define _GNU_SOURCE
#include "shm.h"
#include "sysvipc.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sem.h>
#include <time.h>
#include <unistd.h>

/* Start chapters/shm/PROG PATH beside the test. */
static void start(struct t_proc *p, const char *prog, const char *path)
{
    char file[64];

    snprintf(file, sizeof file, "chapters/shm/%s", prog);
    t_start(p, 0, file, (const char *const[]){ path, NULL });
}

/* Type a line to the writer; it must answer "stored message N". */
static void say(struct t_proc *w, const char *text, int n)
{
    char answer[256] = "", want[64];

    snprintf(want, sizeof want, "stored message %d\n", n);
    ck_assert(dprintf(w->in, "%s\n", text) > 0);
    ck_assert_msg(t_read_until(w->out, answer, sizeof answer, want),
                  "the writer answered \"%s\", not \"%s\"", answer, want);
    ck_assert_str_eq(answer, want);
}

/* A new file PATH whose key, ftok(PATH, 1234) as the two programs make it,
 * is recorded for the leak guard (ftok keeps the low 8 bits of the 1234). */
static key_t new_key_file(char path[PATH_MAX])
{
    return t_key(SYSV_FTOK_ID & 0xff, path);
}

/* Start shm_writer PATH and type its first line, TEXT; the segment and the
 * lock set it made, as a reader finds them with the key. */
static void start_writer(struct t_proc *w, const char *path, const char *text, int *shmid,
                         int *semid)
{
    key_t key = ftok(path, SYSV_FTOK_ID);

    start(w, "shm_writer", path);
    say(w, text, 1);
    *shmid = shmget(key, 0, 0);
    *semid = semget(key, 0, 0);
    ck_assert_msg(*shmid != -1 && *semid != -1, "segment %d, lock set %d with key 0x%x",
                  *shmid, *semid, (unsigned int)key);
    t_track(T_SHM, *shmid);
    t_track(T_SEM, *semid);
}

/* Wait until a process waits for the lock of set SEMID. */
static void until_waiting(int semid, const char *who)
{
    for (int ms = 0; semctl(semid, 0, GETNCNT) != 1; ms++) {
        ck_assert_msg(ms < 30000, "%s never waited for the lock", who);
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
}

START_TEST(writer_and_reader_share_a_segment)
{
    char path[PATH_MAX], err[1024], expect[PATH_MAX + 256];
    int shmid, semid;
    struct t_proc w;
    struct t_run r;

    new_key_file(path);
    t_run(&r, NULL, "chapters/shm/shm_reader", path, NULL);     /* no writer yet */
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "shm_reader: shmget %s: ENOENT: No such file or directory\n", path);
    ck_assert_str_eq(r.err, expect);

    start_writer(&w, path, "good morning", &shmid, &semid);
    ck_assert_int_eq(stat_of(shmid).shm_cpid, w.pid);
    ck_assert_int_eq(stat_of(shmid).shm_nattch, 1);            /* the writer's */
    t_run(&r, NULL, "chapters/shm/shm_reader", path, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "message 1: good morning\n");
    say(&w, "second line", 2);
    t_run(&r, NULL, "chapters/shm/shm_reader", path, NULL);
    ck_assert_str_eq(r.out, "message 2: second line\n");


    err[0] = '\0';
    ck_assert_int_eq(t_finish(&w, NULL, 0, err, sizeof err), 0);
    snprintf(expect, sizeof expect, "shm_writer: segment %d and lock set %d ready; "
             "type lines, Ctrl-D to end\nshm_writer: removed segment %d, removed lock set %d\n",
             shmid, semid, shmid, semid);
    ck_assert_str_eq(err, expect);
    ck_assert(!t_exists(T_SHM, shmid) && !t_exists(T_SEM, semid));
}
END_TEST

/* The reader waits while the lock is held, and reads once it is free. */
START_TEST(reader_waits_for_the_lock)
{
    char path[PATH_MAX], err[1024], line[256] = "";
    int shmid, semid;
    struct t_proc w, r;

    new_key_file(path);
    start_writer(&w, path, "under lock", &shmid, &semid);
    ck_assert_int_eq(sysv_sem_reserve(semid, 0), 0);            /* we hold it */
    start(&r, "shm_reader", path);
    until_waiting(semid, "the reader");
    ck_assert_int_eq(sysv_sem_release(semid, 0), 0);
    ck_assert_msg(t_read_until(r.out, line, sizeof line, "\n"), "the reader wrote \"%s\"", line);
    ck_assert_str_eq(line, "message 1: under lock\n");
    err[0] = '\0';
    ck_assert_int_eq(t_finish(&r, NULL, 0, err, sizeof err), 0);
    ck_assert_str_eq(err, "");

    /* Ctrl-C while it waits: one line, exit 1, nothing made or held */
    ck_assert_int_eq(sysv_sem_reserve(semid, 0), 0);
    start(&r, "shm_reader", path);
    until_waiting(semid, "the reader");
    t_kill(&r, SIGINT);
    err[0] = '\0';
    ck_assert_int_eq(t_finish(&r, NULL, 0, err, sizeof err), 1);
    ck_assert_str_eq(err, "shm_reader: interrupted while waiting for the lock\n");
    ck_assert_int_eq(sysv_sem_release(semid, 0), 0);
    ck_assert_int_eq(semctl(semid, 0, GETVAL), 1);              /* free again */


    err[0] = '\0';
    ck_assert_int_eq(t_finish(&w, NULL, 0, err, sizeof err), 0);
    ck_assert(!t_exists(T_SHM, shmid) && !t_exists(T_SEM, semid));
}
END_TEST

/* Send SIG until it ends, its stdin still open: the signal, not the end of
 * input, must end it. A signal that lands just before it goes back to
 * read() is only seen at the next line, so it is sent again every second,
 * as a user presses Ctrl-C again. */
static void stop_with(struct t_proc *p, int sig)
{
    for (int s = 0; !t_ended(p); s++) {
        ck_assert_msg(s < 30, "signal %d did not end it in 30 s", sig);
        t_kill(p, sig);
        poll(&(struct pollfd){ .fd = p->pidfd, .events = POLLIN }, 1, 1000);
    }
}

START_TEST(writer_cleans_up_on_signals)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    char path[PATH_MAX], err[1024];
    int shmid, semid;
    struct t_proc w;

    new_key_file(path);
    for (int i = 0; i < T_ROWS(sigs); i++) {
        start_writer(&w, path, "then a signal", &shmid, &semid);
        stop_with(&w, sigs[i]);                                 /* it waits on stdin */
        err[0] = '\0';
        ck_assert_int_eq(t_finish(&w, NULL, 0, err, sizeof err), 0);
        ck_assert_msg(strstr(err, "shm_writer: interrupted; removed segment"), "%s", err);
        ck_assert(!t_exists(T_SHM, shmid) && !t_exists(T_SEM, semid));
    }
}
END_TEST

/* At its end the writer takes the lock first: it waits for a holder, and a
 * signal during that wait goes on to the removal. */
START_TEST(writer_end_waits_for_the_lock)
{
    char path[PATH_MAX], err[1024];
    int shmid, semid;
    struct t_proc w;

    new_key_file(path);
    for (int interrupt = 0; interrupt < 2; interrupt++) {
        start_writer(&w, path, "last", &shmid, &semid);
        ck_assert_int_eq(sysv_sem_reserve(semid, 0), 0);        /* we hold it */
        close(w.in);                                            /* end of input */
        w.in = -1;
        until_waiting(semid, "the writer");
        ck_assert(t_exists(T_SHM, shmid));                      /* not yet removed */
        if (interrupt)
            t_kill(&w, SIGINT);
        else
            ck_assert_int_eq(sysv_sem_release(semid, 0), 0);
        err[0] = '\0';
        ck_assert_int_eq(t_finish(&w, NULL, 0, err, sizeof err), 0);
        ck_assert(!t_exists(T_SHM, shmid) && !t_exists(T_SEM, semid));
    }
}
END_TEST

/* A lock set left with the key (a writer killed by SIGKILL) is not the
 * writer's to remove: it stops, and removes only the segment it made. */
START_TEST(writer_leaves_a_stale_lock_set_alone)
{
    char path[PATH_MAX];
    key_t key = new_key_file(path);
    int stale = t_get(T_SEM, key, IPC_CREAT | IPC_EXCL | 0600);
    struct t_run r;

    ck_assert_int_ne(stale, -1);
    t_run(&r, "ignored\n", "chapters/shm/shm_writer", path, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(t_lines(r.err), 1);
    ck_assert_msg(strstr(r.err, "exists already: is another writer running?"), "%s", r.err);
    ck_assert_int_eq(shmget(key, 0, 0), -1);            /* its segment: removed */
    ck_assert(t_exists(T_SEM, stale));                  /* the set: untouched */
    ck_assert_int_eq(t_rm(T_SEM, stale), 0);
}
END_TEST

START_TEST(second_writer_leaves_the_first_alone)
{
    char path[PATH_MAX], err[1024];
    int shmid, semid;
    struct t_proc w;
    struct t_run r;

    new_key_file(path);
    start_writer(&w, path, "first", &shmid, &semid);
    t_run(&r, "ignored\n", "chapters/shm/shm_writer", path, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(t_lines(r.err), 1);
    ck_assert_msg(strstr(r.err, "is another writer running?"), "%s", r.err);
    ck_assert(t_exists(T_SHM, shmid) && t_exists(T_SEM, semid));
    t_run(&r, NULL, "chapters/shm/shm_reader", path, NULL);
    ck_assert_str_eq(r.out, "message 1: first\n");
    err[0] = '\0';
    ck_assert_int_eq(t_finish(&w, NULL, 0, err, sizeof err), 0);
    ck_assert(!t_exists(T_SHM, shmid) && !t_exists(T_SEM, semid));
}
END_TEST

/* A segment removed under the writer: it goes on, and its detach destroys it. */
START_TEST(writer_outlives_removal_of_its_segment)
{
    char path[PATH_MAX], err[1024], expect[256];
    int shmid, semid;
    struct t_proc w;
    struct t_run r;

    new_key_file(path);
    start_writer(&w, path, "one", &shmid, &semid);
    ck_assert_int_eq(t_rm(T_SHM, shmid), 0);
    t_run(&r, NULL, "chapters/shm/shm_reader", path, NULL);     /* the key is gone */
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, ": ENOENT: "), "%s", r.err);
    say(&w, "two", 2);
    err[0] = '\0';
    ck_assert_int_eq(t_finish(&w, NULL, 0, err, sizeof err), 0);
    snprintf(expect, sizeof expect, "shm_writer: detached from the removed segment %d, "
             "removed lock set %d\n", shmid, semid);
    ck_assert_msg(strstr(err, expect), "%s", err);
    ck_assert(!t_exists(T_SHM, shmid) && !t_exists(T_SEM, semid));
}
END_TEST

void add_pair_tests(Suite *s)
{
    TCase *tc = tcase_create("writer and reader");

    tcase_add_test(tc, writer_and_reader_share_a_segment);
    tcase_add_test(tc, reader_waits_for_the_lock);
    tcase_add_test(tc, writer_cleans_up_on_signals);
    tcase_add_test(tc, writer_end_waits_for_the_lock);
    tcase_add_test(tc, second_writer_leaves_the_first_alone);
    tcase_add_test(tc, writer_leaves_a_stale_lock_set_alone);
    tcase_add_test(tc, writer_outlives_removal_of_its_segment);
    tcase_set_timeout(tc, 90);
    suite_add_tcase(s, tc);
}
