/* semop.c: the rules of semop - when it subtracts, adds, waits or fails,
 * and what wakes a waiter. */
#define _GNU_SOURCE
#include "sem.h"

#include <errno.h>
#include <signal.h>

static const struct rule {
    int value, op, err, after;
} rules[] = {
    { 2, -1, 0, 1 },            /* enough: subtract at once */
    { 2, -2, 0, 0 },
    { 5, -3, 0, 2 },            /* more than enough: no wait either */
    { 1, -2, EAGAIN, 1 },       /* not enough: it would wait; nothing subtracted */
    { 0, -1, EAGAIN, 0 },
    { 0, 0, 0, 0 },             /* zero: wait-for-zero is satisfied */
    { 3, 0, EAGAIN, 3 },        /* not zero: it would wait */
    { 0, 5, 0, 5 },             /* positive: added, never waits */
    { SEMVMX - 1, 1, 0, SEMVMX },
};

/* Each row with IPC_NOWAIT: EAGAIN is what would have waited. */
START_TEST(semop_rules)
{
    const struct rule *r = &rules[_i];
    unsigned short value = (unsigned short)r->value;
    int id = new_set(1, &value);
    struct sembuf op = { .sem_num = 0, .sem_op = (short)r->op, .sem_flg = IPC_NOWAIT };

    ck_assert_int_eq(semop_errno(id, &op, 1), r->err);
    ck_assert_int_eq(getval(id, 0), r->after);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

START_TEST(negative_op_waits_then_subtracts)
{
    unsigned short one = 1;
    int id = new_set(1, &one);
    struct sembuf take2 = { 0, -2, 0 }, give1 = { 0, +1, 0 };
    struct t_proc p;

    start_semop(&p, id, &take2, 1);
    until_waiting(&p, id, 0, GETNCNT, 1);
    ck_assert_int_eq(getval(id, 0), 1);         /* nothing taken while it waits */
    ck_assert_int_eq(semop(id, &give1, 1), 0);  /* 2 >= 2: the waiter proceeds */
    ck_assert_int_eq(t_wait(&p), 0);
    ck_assert_int_eq(getval(id, 0), 0);         /* ... and subtracted 2 */
    ck_assert_int_eq(semctl(id, 0, GETPID), p.pid);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

START_TEST(zero_op_waits_for_zero)
{
    unsigned short two = 2;
    int id = new_set(1, &two);
    struct sembuf zero = { 0, 0, 0 }, take1 = { 0, -1, 0 };
    struct t_proc p;

    start_semop(&p, id, &zero, 1);
    until_waiting(&p, id, 0, GETZCNT, 1);
    ck_assert_int_eq(semop(id, &take1, 1), 0);
    ck_assert_int_eq(semctl(id, 0, GETZCNT), 1);    /* 1 is not 0: still waiting */
    ck_assert_int_eq(semop(id, &take1, 1), 0);
    ck_assert_int_eq(t_wait(&p), 0);                /* 0: it returned */
    ck_assert_int_eq(getval(id, 0), 0);
    ck_assert_int_eq(semctl(id, 0, GETPID), p.pid); /* it changed nothing, yet */
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

START_TEST(several_ops_all_or_nothing)
{
    const unsigned short values[2] = { 1, 0 };
    int id = new_set(2, values);
    struct sembuf both[2] = { { 0, -1, 0 }, { 1, -1, 0 } };
    struct sembuf nowait[2] = { { 0, -1, IPC_NOWAIT }, { 1, -1, IPC_NOWAIT } };
    struct sembuf too_much[2] = { { 0, +1, 0 }, { 1, SEMVMX, 0 } };
    struct sembuf take0 = { 0, -1, IPC_NOWAIT }, give0 = { 0, +1, 0 }, give1 = { 1, +1, 0 };
    struct sembuf take1 = { 1, -1, 0 };
    struct t_proc p;

    ck_assert_int_eq(semop_errno(id, nowait, 2), EAGAIN);
    ck_assert_int_eq(getval(id, 0), 1);             /* semaphore 0 was not taken */
    ck_assert_int_eq(semop_errno(id, &give1, 1), 0);
    ck_assert_int_eq(semop_errno(id, too_much, 2), ERANGE);     /* 1 + 32767 */
    ck_assert_int_eq(getval(id, 0), 1);             /* the +1 on 0 was not done */
    ck_assert_int_eq(semop_errno(id, &take1, 1), 0);

    /* a waiter holds nothing: semaphore 0 stays free while it waits for 1 */
    start_semop(&p, id, both, 2);
    until_waiting(&p, id, 1, GETNCNT, 1);
    ck_assert_int_eq(semop(id, &take0, 1), 0);
    ck_assert_int_eq(semop(id, &give0, 1), 0);
    ck_assert_int_eq(semop(id, &give1, 1), 0);
    ck_assert_int_eq(t_wait(&p), 0);
    ck_assert_int_eq(getval(id, 0), 0);
    ck_assert_int_eq(getval(id, 1), 0);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* The operations of one call are applied in array order, as a whole. */
START_TEST(ops_apply_in_order)
{
    unsigned short zero = 0;
    int id = new_set(1, &zero);
    struct sembuf give_take[2] = { { 0, +1, IPC_NOWAIT }, { 0, -1, IPC_NOWAIT } };
    struct sembuf take_give[2] = { { 0, -1, IPC_NOWAIT }, { 0, +1, IPC_NOWAIT } };

    ck_assert_int_eq(semop_errno(id, give_take, 2), 0);
    ck_assert_int_eq(semop_errno(id, take_give, 2), EAGAIN);
    ck_assert_int_eq(getval(id, 0), 0);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* IPC_NOWAIT counts for its own operation: the first operation that cannot
 * be done decides whether the call fails or waits. A waiter is counted once,
 * on that operation's semaphore. */
START_TEST(nowait_is_per_operation)
{
    int id = new_set(2, NULL);
    struct sembuf nowait_first[2] = { { 0, -1, IPC_NOWAIT }, { 1, -1, 0 } };
    struct sembuf nowait_second[2] = { { 0, -1, 0 }, { 1, -1, IPC_NOWAIT } };
    struct sembuf give_both[2] = { { 0, +1, 0 }, { 1, +1, 0 } };
    struct t_proc p;

    ck_assert_int_eq(semop_errno(id, nowait_first, 2), EAGAIN);
    start_semop(&p, id, nowait_second, 2);          /* 0 cannot be done: waits */
    until_waiting(&p, id, 0, GETNCNT, 1);
    ck_assert_int_eq(semctl(id, 1, GETNCNT), 0);    /* counted on 0 only */
    ck_assert_int_eq(semop(id, give_both, 2), 0);
    ck_assert_int_eq(t_wait(&p), 0);
    ck_assert_int_eq(getval(id, 0), 0);
    ck_assert_int_eq(getval(id, 1), 0);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* Who waits: _i 0, a process waiting to decrement (semaphore 0 is 0, it
 * asks for -1); _i 1, one waiting for zero (semaphore 0 is 1, it asks for
 * 0). What the kernel counts it in: GETNCNT or GETZCNT. */
static const struct waiter {
    unsigned short value;
    short op;
    int count;
} waiters[] = {
    { 0, -1, GETNCNT },
    { 1, 0, GETZCNT },
};

START_TEST(removed_set_wakes_waiter_with_eidrm)
{
    const struct waiter *w = &waiters[_i];
    int id = new_set(1, &w->value);
    struct sembuf op = { 0, w->op, 0 };
    struct t_proc p;

    start_semop(&p, id, &op, 1);
    until_waiting(&p, id, 0, w->count, 1);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
    ck_assert_int_eq(t_wait(&p), EIDRM);
}
END_TEST

static void on_usr1(int sig)
{
    (void)sig;
}

/* One operation on set ID, for a child to make. */
struct semop_wait {
    int id;
    struct sembuf op;
};

/* Makes ARG's operation with a SIGUSR1 handler set: semop's errno. */
static int wait_with_handler(void *arg)
{
    struct semop_wait *w = arg;
    /* SA_RESTART does not help: semop is never restarted (signal(7)) */
    struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };

    NEED(sigaction(SIGUSR1, &sa, NULL) == 0);
    return semop_errno(w->id, &w->op, 1);
}

START_TEST(handled_signal_interrupts_with_eintr)
{
    const struct waiter *w = &waiters[_i];
    struct semop_wait arg = { new_set(1, &w->value), { 0, w->op, 0 } };
    struct t_proc p;

    t_fork(&p, 0, wait_with_handler, &arg);
    until_waiting(&p, arg.id, 0, w->count, 1);  /* its handler is set by then */
    t_kill(&p, SIGUSR1);
    ck_assert_int_eq(t_wait(&p), EINTR);
    ck_assert_int_eq(semctl(arg.id, 0, w->count), 0);
    ck_assert_int_eq(getval(arg.id, 0), w->value);
    ck_assert_int_eq(t_rm(T_SEM, arg.id), 0);
}
END_TEST

void add_semop_tests(Suite *s)
{
    TCase *tc = tcase_create("rules");

    tcase_add_loop_test(tc, semop_rules, 0, T_ROWS(rules));
    tcase_add_test(tc, negative_op_waits_then_subtracts);
    tcase_add_test(tc, zero_op_waits_for_zero);
    tcase_add_test(tc, several_ops_all_or_nothing);
    tcase_add_test(tc, ops_apply_in_order);
    tcase_add_test(tc, nowait_is_per_operation);
    tcase_add_loop_test(tc, removed_set_wakes_waiter_with_eidrm, 0, T_ROWS(waiters));
    tcase_add_loop_test(tc, handled_signal_interrupts_with_eintr, 0, T_ROWS(waiters));
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
}
