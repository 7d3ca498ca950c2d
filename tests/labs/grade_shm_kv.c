/* grade_shm_kv: the grader of the lab shm_kv (chapters/shm/labs/shm_kv.c,
 * statement in book/shm.adoc). See grade.h. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

enum { TABLE_SLOTS = 24, WRITERS = 20 };

/* Run `shm_kv PATH ARGS...`; the test fails unless it exits 0. */
#define KV_OK(r, path, ...) kv_ok(r, path, (const char *[]){ __VA_ARGS__, NULL })
static void kv_ok(struct t_run *r, const char *path, const char *const args[])
{
    const char *argv[8] = { path };
    char said[256] = "";

    for (int i = 0; args[i] != NULL && i < 6; i++) {
        argv[i + 1] = args[i];
        snprintf(said + strlen(said), sizeof said - strlen(said), " %s", args[i]);
    }
    g_run(r, NULL, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], NULL);
    ck_assert_msg(r->status == 0, "`shm_kv PATH%s` %s:\n%s", said,
                  g_status(r->status, r->ended_by_limit), g_shown(r->err));
}

/* The table's objects, removed by the program's rm at the end of a test. */
static void rm(const char *path)
{
    struct t_run r;

    KV_OK(&r, path, "rm");
}

START_TEST(a_value_set_in_one_run_is_there_in_the_next)
{
    char path[PATH_MAX];
    key_t key = t_key('k', path);
    struct shmid_ds ds;
    struct t_run r;
    int shmid;

    t_limit = 5;
    KV_OK(&r, path, "set", "colour", "blue");
    KV_OK(&r, path, "set", "size", "3");
    shmid = shmget(key, 0, 0);
    ck_assert_msg(shmid != -1 && shmctl(shmid, IPC_STAT, &ds) == 0, "after `shm_kv PATH set "
                  "colour blue` ended, there is no segment with the key ftok(PATH, 'k'): the "
                  "table must stay between runs");
    ck_assert_msg(ds.shm_nattch == 0, "after `shm_kv PATH set` ended, the table's segment is "
                  "attached %lu times, not 0", (unsigned long)ds.shm_nattch);
    ck_assert_msg(semget(key, 0, 0) != -1, "after `shm_kv PATH set` ended, there is no "
                  "semaphore set with the key ftok(PATH, 'k'): the lock must stay with the table");
    g_run(&r, NULL, path, "get", "colour", NULL);
    ck_assert_msg(r.status == 0 && strcmp(r.out, "blue\n") == 0, "after `set colour blue` "
                  "ended, `shm_kv PATH get colour`, in a run of its own, must print \"blue\" "
                  "and exit 0. It %s, and printed:\n%s%s"
                  "Does the segment hold the value itself? A pointer stored there means "
                  "nothing in another run", g_status(r.status, r.ended_by_limit),
                  g_shown(r.out), r.err);
    KV_OK(&r, path, "set", "colour", "green");
    KV_OK(&r, path, "get", "colour");
    ck_assert_msg(strcmp(r.out, "green\n") == 0, "after `set colour blue` and `set colour "
                  "green`, `get colour` must print \"green\". It printed:\n%s", g_shown(r.out));
    KV_OK(&r, path, "get", "size");
    ck_assert_msg(strcmp(r.out, "3\n") == 0, "after `set size 3`, `get size` must print "
                  "\"3\". It printed:\n%s", g_shown(r.out));
    g_run(&r, NULL, path, "get", "weight", NULL);
    ck_assert_msg(r.status == 1 && r.out[0] == '\0' && t_lines(r.err) == 1,
                  "`shm_kv PATH get weight`, a name never set, must say so in one line on "
                  "stderr and exit 1. It %s, and printed:\n%s%s",
                  g_status(r.status, r.ended_by_limit), r.out, g_shown(r.err));
    rm(path);
}
END_TEST

/* 20 runs of `set` at once, each holding the lock 20 ms between finding its
 * slot and filling it: without the lock, several take the same free slot. */
START_TEST(many_sets_at_once_are_all_kept)
{
    char path[PATH_MAX], name[WRITERS][16], want[1024] = "";
    struct t_proc p[WRITERS];
    struct t_run r;
    int failed = 0;

    t_limit = 10;
    t_key('k', path);
    for (int i = 0; i < WRITERS; i++)
        snprintf(name[i], sizeof name[i], "k%02d", i);
    for (int i = 0; i < WRITERS; i++)
        g_start(&p[i], T_ERR_TO_OUT, (const char *[]){ "-w", "20", path, "set", name[i],
                                                        name[i] + 1, NULL });
    for (int i = 0; i < WRITERS; i++)
        failed += t_finish(&p[i], NULL, 0, NULL, 0) != 0;
    ck_assert_msg(failed == 0, "of %d runs of `shm_kv -w 20 PATH set kNN NN` started at once "
                  "on a new PATH, %d failed", WRITERS, failed);
    for (int i = 0; i < WRITERS; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s=%s\n", name[i],
                 name[i] + 1);
    KV_OK(&r, path, "list");
    ck_assert_msg(strcmp(r.out, want) == 0, "sets were lost: after %d runs of `shm_kv -w 20 "
                  "PATH set kNN NN` at once (k00 to k19), `list` must print the 20 names. "
                  "Does every run take the lock before it looks for a slot, and keep it "
                  "until it has filled the slot? `list` printed:\n%s", WRITERS, g_shown(r.out));
    rm(path);
}
END_TEST

/* A lock in name only may still lose nothing when no two runs collide. So
 * the grader takes the lock itself, as another run would: `set` must then
 * sleep on the semaphore (semncnt) and change nothing until it is given. */
START_TEST(set_waits_while_another_holds_the_lock)
{
    struct sembuf take = { 0, -1, SEM_UNDO }, give = { 0, +1, SEM_UNDO };
    char path[PATH_MAX];
    key_t key = t_key('k', path);
    struct t_proc p;
    struct t_run r;
    int semid, waiting = 0;

    t_limit = 5;
    KV_OK(&r, path, "set", "colour", "blue");
    semid = semget(key, 0, 0);
    ck_assert_msg(semid != -1, "after `shm_kv PATH set colour blue`, there is no semaphore "
                  "set with the key ftok(PATH, 'k')");
    ck_assert_msg(semctl(semid, 0, GETVAL) == 1, "between runs, the lock must be free: "
                  "semaphore 0 of the set with the key ftok(PATH, 'k') at 1, not %d",
                  semctl(semid, 0, GETVAL));
    ck_assert_int_eq(semop(semid, &take, 1), 0);
    g_start(&p, 0, (const char *[]){ path, "set", "colour", "red", NULL });
    for (int tries = 0; tries < 300 && waiting < 1 && !t_ended(&p); tries++) {
        usleep(10000);
        waiting = semctl(semid, 0, GETNCNT);
    }
    semop(semid, &give, 1);
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(waiting == 1, "while the grader held the lock (semaphore 0 at 0), `shm_kv "
                  "PATH set colour red` %s: it must wait for the lock with semop(2) before it "
                  "touches the table", t_ended(&p) ? "did not wait for it" : "did not wait on "
                  "semaphore 0");
    KV_OK(&r, path, "get", "colour");
    ck_assert_msg(strcmp(r.out, "red\n") == 0, "once the grader gave the lock back, `set "
                  "colour red` must have set it: `get colour` printed:\n%s", g_shown(r.out));
    rm(path);
}
END_TEST

START_TEST(del_and_list)
{
    char path[PATH_MAX];
    struct t_run r;

    t_limit = 5;
    t_key('k', path);
    KV_OK(&r, path, "set", "pear", "3");
    KV_OK(&r, path, "set", "apple", "1");
    KV_OK(&r, path, "set", "fig", "2");
    KV_OK(&r, path, "set", "Zebra", "4");
    KV_OK(&r, path, "list");
    ck_assert_msg(strcmp(r.out, "Zebra=4\napple=1\nfig=2\npear=3\n") == 0, "after `set pear "
                  "3`, `set apple 1`, `set fig 2`, `set Zebra 4`, `list` must print the four, "
                  "NAME=VALUE, in strcmp order of names (Zebra, apple, fig, pear). It "
                  "printed:\n%s", g_shown(r.out));
    KV_OK(&r, path, "del", "apple");
    KV_OK(&r, path, "list");
    ck_assert_msg(strcmp(r.out, "Zebra=4\nfig=2\npear=3\n") == 0, "after `del apple`, `list` "
                  "must print Zebra, fig and pear. It printed:\n%s", g_shown(r.out));
    g_run(&r, NULL, path, "del", "apple", NULL);
    ck_assert_msg(r.status == 1 && t_lines(r.err) == 1, "a second `del apple` must say that "
                  "apple is not there, in one line on stderr, and exit 1. It %s:\n%s",
                  g_status(r.status, r.ended_by_limit), g_shown(r.err));
    KV_OK(&r, path, "set", "kiwi", "5");
    KV_OK(&r, path, "list");
    ck_assert_msg(strcmp(r.out, "Zebra=4\nfig=2\nkiwi=5\npear=3\n") == 0, "after `del apple` "
                  "and `set kiwi 5`, `list` must print Zebra, fig, kiwi and pear. It "
                  "printed:\n%s", g_shown(r.out));
    rm(path);
}
END_TEST

START_TEST(a_full_table_says_so)
{
    char path[PATH_MAX], name[16];
    struct t_run r;

    t_limit = 5;
    t_key('k', path);
    for (int i = 0; i < TABLE_SLOTS; i++) {
        snprintf(name, sizeof name, "n%02d", i);
        KV_OK(&r, path, "set", name, "x");
    }
    g_run(&r, NULL, path, "set", "one_more", "x", NULL);
    ck_assert_msg(r.status == 1 && t_lines(r.err) == 1 && strstr(r.err, "full"),
                  "with the %d slots taken, `set one_more x` must say that the table is full, "
                  "in one line on stderr, and exit 1. It %s, and said:\n%s", TABLE_SLOTS,
                  g_status(r.status, r.ended_by_limit), g_shown(r.err));
    KV_OK(&r, path, "set", "n07", "y");
    KV_OK(&r, path, "list");
    ck_assert_msg(t_lines(r.out) == TABLE_SLOTS && strstr(r.out, "n07=y\n"), "in a full "
                  "table, a new value for a name that is there (`set n07 y`) must still be "
                  "set, and `list` print the %d names. It printed:\n%s", TABLE_SLOTS,
                  g_shown(r.out));
    rm(path);
}
END_TEST

START_TEST(rm_removes_the_segment_and_the_set)
{
    char path[PATH_MAX];
    key_t key = t_key('k', path);
    struct t_run r;

    t_limit = 5;
    KV_OK(&r, path, "set", "colour", "blue");
    ck_assert_msg(shmget(key, 0, 0) != -1 && semget(key, 0, 0) != -1, "after `shm_kv PATH "
                  "set colour blue`, there must be a segment and a semaphore set with the key "
                  "ftok(PATH, 'k'): %s", shmget(key, 0, 0) == -1 ? "no segment" : "no set");
    KV_OK(&r, path, "rm");
    ck_assert_msg(shmget(key, 0, 0) == -1, "after `shm_kv PATH rm`, the segment with the key "
                  "ftok(PATH, 'k') is still there");
    g_no_leftovers("After `shm_kv PATH rm`");
    g_run(&r, NULL, path, "get", "colour", NULL);
    ck_assert_msg(r.status == 1 && t_lines(r.err) == 1, "after `rm`, `get colour` must fail "
                  "in one line on stderr, exit 1: there is no table. It %s:\n%s%s",
                  g_status(r.status, r.ended_by_limit), r.out, g_shown(r.err));
    g_no_leftovers("After `shm_kv PATH get colour` with no table");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("shm_kv");

    g_add(s, a_value_set_in_one_run_is_there_in_the_next);
    g_add(s, many_sets_at_once_are_all_kept);
    g_add(s, set_waits_while_another_holds_the_lock);
    g_add(s, del_and_list);
    g_add(s, a_full_table_says_so);
    g_add(s, rm_removes_the_segment_and_the_set);
    return s;
}

int main(void)
{
    return g_main("chapters/shm/labs/shm_kv", make_suite);
}
