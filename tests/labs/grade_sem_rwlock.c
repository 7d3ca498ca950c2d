/* grade_sem_rwlock: the grader of the lab sem_rwlock
 * (chapters/sem/labs/sem_rwlock.c, statement in book/sem.adoc). See grade.h. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sem.h>
#include <unistd.h>

enum { READERS = 0, WRITER = 1 };

START_TEST(readers_never_see_half_a_write)
{
    char path[PATH_MAX];
    struct t_run r;

    t_key('w', path);
    g_run(&r, NULL, "-r", "3", "-w", "2", "-n", "150", path, NULL);
    ck_assert_msg(r.status == 0, "`sem_rwlock -r 3 -w 2 -n 150 PATH` %s:\n%s%s",
                  g_status(r.status, r.ended_by_limit), r.out, g_shown(r.err));
    ck_assert_msg(strstr(r.out, "writes 300 of 300, torn reads 0 of 450\n") != NULL,
                  "with the lock, no reader may see a record half written, and no write may "
                  "be lost. `sem_rwlock -r 3 -w 2 -n 150 PATH` printed:\n%s", r.out);
}
END_TEST

/* Readers hold the lock 20 ms a time: with three of them, the count of
 * readers inside (semaphore 0) must be seen above 1. */
START_TEST(readers_share_the_lock)
{
    char path[PATH_MAX];
    key_t key = t_key('w', path);
    struct t_proc p;
    int most = 0, id = -1;

    g_start(&p, 0, (const char *[]){ "-r", "3", "-w", "0", "-n", "40", "-t", "20000", path,
                                     NULL });
    for (int tries = 0; tries < 400 && most < 2; tries++) {
        if (id == -1)
            id = semget(key, 0, 0);
        if (id != -1) {
            int readers = semctl(id, READERS, GETVAL);

            most = readers > most ? readers : most;
        }
        usleep(2000);
    }
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(id != -1, "no semaphore set with the key ftok(PATH, 'w') while "
                  "`sem_rwlock -r 3 -w 0 PATH` ran");
    ck_assert_msg(most >= 2, "three readers that each hold the lock 20 ms at a time must "
                  "hold it together: semaphore 0 (the readers inside) never went above %d. "
                  "A read lock waits for the writer only", most);
}
END_TEST

/* The grader holds the lock as a reader or as the writer, in a set it made,
 * and the program must wait on the semaphore it names. */
struct held {
    int id;
    struct t_proc p;
};

static void hold(struct held *h, const char *path, key_t key, bool as_writer)
{
    struct sembuf reader[] = { { WRITER, 0, 0 }, { READERS, +1, 0 } };
    struct sembuf writer[] = { { READERS, 0, 0 }, { WRITER, +1, 0 } };

    h->id = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_msg(h->id != -1, "semget: %m");
    t_track(T_SEM, h->id);
    ck_assert_int_eq(semop(h->id, as_writer ? writer : reader, 2), 0);
    g_start(&h->p, 0, (const char *[]){ "-r", as_writer ? "1" : "0", "-w", as_writer ? "0" : "1",
                                        "-n", "1", "-t", "0", path, NULL });
}

static bool waits_on(int id, int num)
{
    for (int tries = 0; tries < 300; tries++) {
        if (semctl(id, num, GETZCNT) >= 1)
            return true;
        usleep(10000);
    }
    return false;
}

START_TEST(a_writer_waits_for_the_readers)
{
    char path[PATH_MAX], out[512] = "";
    key_t key = t_key('w', path);
    struct held h;
    bool waited;

    hold(&h, path, key, false);
    waited = waits_on(h.id, READERS);
    semop(h.id, (struct sembuf[]){ { READERS, -1, 0 } }, 1);
    t_finish(&h.p, out, sizeof out, (char[512]){ "" }, 512);
    ck_assert_msg(waited, "while the grader held the lock as a reader (semaphore 0 at 1), "
                  "`sem_rwlock -r 0 -w 1 PATH`'s writer did not wait for semaphore 0 to be "
                  "zero: a writer must wait until no reader holds the lock. It printed:\n%s",
                  g_shown(out));
    ck_assert_msg(strstr(out, "(already there)") && strstr(out, "writes 1 of 1,"),
                  "once the reader left, the writer must go on, in the set that was already "
                  "there. `sem_rwlock -r 0 -w 1 PATH` printed:\n%s", g_shown(out));
    ck_assert_msg(t_exists(T_SEM, h.id), "sem_rwlock removed a set it had not made: the "
                  "set belongs to whoever made it");
    t_rm(T_SEM, h.id);
}
END_TEST

START_TEST(a_reader_waits_for_the_writer)
{
    char path[PATH_MAX], out[512] = "";
    key_t key = t_key('w', path);
    struct held h;
    bool waited;

    hold(&h, path, key, true);
    waited = waits_on(h.id, WRITER);
    semop(h.id, (struct sembuf[]){ { WRITER, -1, 0 } }, 1);
    t_finish(&h.p, out, sizeof out, (char[512]){ "" }, 512);
    ck_assert_msg(waited, "while the grader held the lock as the writer (semaphore 1 at 1), "
                  "`sem_rwlock -r 1 -w 0 PATH`'s reader did not wait for semaphore 1 to be "
                  "zero: a reader must wait while a writer holds the lock. It printed:\n%s",
                  g_shown(out));
    ck_assert_msg(strstr(out, "torn reads 0 of 1\n"), "once the writer left, the reader must "
                  "go on. `sem_rwlock -r 1 -w 0 PATH` printed:\n%s", g_shown(out));
    t_rm(T_SEM, h.id);
}
END_TEST

START_TEST(removes_the_set_it_made)
{
    char path[PATH_MAX];
    struct t_run r;

    t_key('w', path);
    g_run(&r, NULL, "-n", "5", path, NULL);
    ck_assert_msg(r.status == 0, "`sem_rwlock -n 5 PATH` %s:\n%s", g_status(r.status,
                  r.ended_by_limit), g_shown(r.err));
    /* a program that made nothing would pass what follows: it must have run */
    ck_assert_msg(strstr(r.out, "writes 5 of 5") != NULL, "`sem_rwlock -n 5 PATH` must "
                  "report its 5 writes (\"writes 5 of 5\"). It printed:\n%s", g_shown(r.out));
    g_no_leftovers("After `sem_rwlock -n 5 PATH` ended");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("sem_rwlock");

    g_add(s, readers_never_see_half_a_write);
    g_add(s, readers_share_the_lock);
    g_add(s, a_writer_waits_for_the_readers);
    g_add(s, a_reader_waits_for_the_writer);
    g_add(s, removes_the_set_it_made);
    return s;
}

int main(void)
{
    return g_main("chapters/sem/labs/sem_rwlock", make_suite);
}
