/* undo.c: SEM_UNDO - what a process takes with it is given back when it
 * exits or is killed, as a semop would, held between 0 and SEMVMX; SETVAL
 * and SETALL forget it. The record is the process's, not a thread's. */
#define _GNU_SOURCE
#include "sem.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* A holder: a child that makes one operation on semaphore 0 of a set, says
 * "held", then exits when let go (a line on its stdin). Not at the end of
 * its stdin: a child started after it holds our end of that pipe too. */
struct holding {
    int id;
    struct sembuf op;
};

static int hold(void *arg)
{
    struct holding *h = arg;
    char byte;

    NEED(semop(h->id, &h->op, 1) == 0);
    NEED(write(1, "held\n", 5) == 5);
    NEED(read(0, &byte, 1) == 1);
    return 0;
}

static void start_holder(struct t_proc *p, int id, short op, short flags)
{
    struct holding h = { id, { 0, op, flags } };
    char out[64] = "";

    t_fork(p, 0, hold, &h);
    ck_assert_msg(t_read_until(p->out, out, sizeof out, "held\n"),
                  "the holder did not say \"held\" (status %d)", t_wait(p));
}

/* Let the holder go: it exits. Its exit status. */
static int let_go(struct t_proc *p)
{
    ck_assert_int_eq(write(p->in, "\n", 1), 1);
    return t_wait(p);
}

static const struct undo_row {
    bool keyed, undo, killed;
    int after;
} undo_rows[] = {
    { false, false, false, 0 },         /* no SEM_UNDO: the value stays taken */
    { true, false, false, 0 },
    { false, true, false, 1 },          /* SEM_UNDO: given back at exit */
    { true, true, false, 1 },           /* ... for keyed sets too */
    { false, true, true, 1 },           /* ... and when killed */
    { true, true, true, 1 },
};

START_TEST(undo_on_exit)
{
    const struct undo_row *u = &undo_rows[_i];
    unsigned short one = 1;
    int id;
    struct t_proc p;

    if (u->keyed) {
        id = t_get(T_SEM, t_key(1, NULL), IPC_CREAT | IPC_EXCL | 0600);
        ck_assert_int_ne(id, -1);
        ck_assert_int_eq(semctl(id, 0, SETVAL, (union semun){ .val = 1 }), 0);
    } else {
        id = new_set(1, &one);
    }
    start_holder(&p, id, -1, u->undo ? SEM_UNDO : 0);
    ck_assert_int_eq(getval(id, 0), 0);             /* taken */
    if (u->killed) {
        t_kill(&p, SIGKILL);
        ck_assert_int_eq(t_wait(&p), 128 + SIGKILL);
    } else {
        ck_assert_int_eq(let_go(&p), 0);
    }
    ck_assert_int_eq(getval(id, 0), u->after);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* The undo at exit changes the value as a semop would, and wakes waiters. */
START_TEST(undo_at_exit_wakes_a_waiter)
{
    unsigned short one = 1;
    int id = new_set(1, &one);
    struct sembuf take = { 0, -1, 0 };
    struct t_proc holder, waiter;

    start_holder(&holder, id, -1, SEM_UNDO);        /* its undo: +1 */
    start_semop(&waiter, id, &take, 1);
    until_waiting(&waiter, id, 0, GETNCNT, 1);
    ck_assert_int_eq(let_go(&holder), 0);
    ck_assert_int_eq(t_wait(&waiter), 0);           /* it took what the undo gave back */
    ck_assert_int_eq(getval(id, 0), 0);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

START_TEST(undo_clamps_at_zero)
{
    unsigned short zero = 0;
    int id = new_set(1, &zero);
    struct sembuf take = { 0, -1, 0 };
    struct t_proc p;

    start_holder(&p, id, +2, SEM_UNDO);             /* its undo: -2 */
    ck_assert_int_eq(semop(id, &take, 1), 0);
    ck_assert_int_eq(getval(id, 0), 1);
    ck_assert_int_eq(let_go(&p), 0);
    ck_assert_int_eq(getval(id, 0), 0);     /* 1 - 2, held at 0 (not skipped: 1) */
    ck_assert_int_eq(semctl(id, 0, GETPID), p.pid);     /* the undo counts as its op */
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

START_TEST(undo_clamps_at_semvmx)
{
    unsigned short one = 1;
    int id = new_set(1, &one);
    struct sembuf fill = { 0, SEMVMX, 0 };
    struct t_proc p;

    start_holder(&p, id, -1, SEM_UNDO);             /* its undo: +1 */
    ck_assert_int_eq(semop(id, &fill, 1), 0);
    ck_assert_int_eq(let_go(&p), 0);
    ck_assert_int_eq(getval(id, 0), SEMVMX);        /* 32767 + 1, held at 32767 */
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* _i 0: SETVAL, 1: SETALL */
START_TEST(setval_and_setall_clear_undo)
{
    unsigned short one = 1, zero = 0;
    int id = new_set(1, &one);
    struct t_proc p;

    start_holder(&p, id, -1, SEM_UNDO);             /* its undo: +1 */
    if (_i == 0)
        ck_assert_int_eq(semctl(id, 0, SETVAL, (union semun){ .val = 0 }), 0);
    else
        ck_assert_int_eq(semctl(id, 0, SETALL, (union semun){ .array = &zero }), 0);
    ck_assert_int_eq(let_go(&p), 0);
    ck_assert_int_eq(getval(id, 0), 0);             /* the +1 was forgotten */
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* The threads of a process share one undo record (clone(2), CLONE_SYSVSEM,
 * which pthread_create passes): a thread that takes the semaphore with
 * SEM_UNDO and ends gives nothing back; the process's exit does. */
static void *take_with_undo(void *id)
{
    return (void *)(intptr_t)semop_errno(*(int *)id, &(struct sembuf){ 0, -1, SEM_UNDO }, 1);
}

static int thread_takes_and_ends(void *id)
{
    pthread_t thread;
    void *err;

    NEED(pthread_create(&thread, NULL, take_with_undo, id) == 0);
    NEED(pthread_join(thread, &err) == 0);
    NEED(err == NULL);                          /* semop succeeded */
    NEED_EQ(getval(*(int *)id, 0), 0);          /* the thread is gone: still taken */
    return 0;
}

START_TEST(undo_belongs_to_the_process_not_the_thread)
{
    unsigned short one = 1;
    int id = new_set(1, &one);
    struct t_proc p;

    t_fork(&p, 0, thread_takes_and_ends, &id);
    ck_assert_int_eq(t_wait(&p), 0);
    ck_assert_int_eq(getval(id, 0), 1);         /* the process is gone: given back */
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* Many processes at once (a case on the Linux Test Project's list), on
 * three semaphores: each takes 1 of the first and 2 of the second and gives
 * 1 to the third, with SEM_UNDO, and the reverse, ROUNDS times, then takes
 * once more and exits holding. Every other one lists
 * the operations in the other order (a semop is all or nothing, so no
 * deadlock). The values allow one holder at a time: the others wait, and
 * an exit's undo is what lets the next one go. At the end every value is
 * what it was, and nobody waits. */
enum { WORKERS = 12, ROUNDS = 100 };

struct worker {
    int id;
    bool reverse;
};

static int take_and_give(void *arg)
{
    const struct worker *w = arg;
    int id = w->id;
    struct sembuf take[3] = { { 0, -1, SEM_UNDO }, { 1, -2, SEM_UNDO }, { 2, +1, SEM_UNDO } };
    struct sembuf give[3] = { { 0, +1, SEM_UNDO }, { 1, +2, SEM_UNDO }, { 2, -1, SEM_UNDO } };

    if (w->reverse) {
        struct sembuf t = take[0], g = give[0];

        take[0] = take[2], take[2] = t;
        give[0] = give[2], give[2] = g;
    }
    for (int r = 0; r < ROUNDS; r++) {
        NEED(semop(id, take, 3) == 0);
        NEED(semop(id, give, 3) == 0);
    }
    NEED(semop(id, take, 3) == 0);              /* ... and exit holding */
    return 0;
}

START_TEST(many_processes_with_undo_leave_the_values)
{
    const unsigned short values[3] = { 2, 3, 0 };
    unsigned short after[3] = { 9, 9, 9 };
    int id = new_set(3, values);
    struct t_proc p[WORKERS];

    for (int w = 0; w < WORKERS; w++)
        t_fork(&p[w], 0, take_and_give, &(struct worker){ id, w % 2 == 1 });
    for (int w = 0; w < WORKERS; w++)
        ck_assert_int_eq(t_wait(&p[w]), 0);
    ck_assert_int_eq(semctl(id, 0, GETALL, (union semun){ .array = after }), 0);
    ck_assert_mem_eq(after, values, sizeof values);
    for (int n = 0; n < 3; n++) {
        ck_assert_int_eq(semctl(id, n, GETNCNT), 0);
        ck_assert_int_eq(semctl(id, n, GETZCNT), 0);
    }
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

void add_undo_tests(Suite *s)
{
    TCase *tc = tcase_create("undo");

    tcase_add_loop_test(tc, undo_on_exit, 0, T_ROWS(undo_rows));
    tcase_add_test(tc, undo_at_exit_wakes_a_waiter);
    tcase_add_test(tc, undo_clamps_at_zero);
    tcase_add_test(tc, undo_clamps_at_semvmx);
    tcase_add_loop_test(tc, setval_and_setall_clear_undo, 0, 2);
    tcase_add_test(tc, undo_belongs_to_the_process_not_the_thread);
    tcase_add_test(tc, many_processes_with_undo_leave_the_values);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
}
