/* sem.c: named and unnamed semaphores. (Their errno cases: errno.c.) */
#define _GNU_SOURCE
#include "posix.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The value is set by the call that makes the semaphore; one that opens it
 * leaves it alone. */
START_TEST(sem_open_value_set_once)
{
    char name[64];
    sem_t *sem = new_sem(name, 3), *again;
    int value;

    ck_assert_int_eq(sem_getvalue(sem, &value), 0);
    ck_assert_int_eq(value, 3);
    again = sem_open(name, O_CREAT, 0600, 7);                    /* opens: 7 unused */
    ck_assert_ptr_ne(again, SEM_FAILED);
    ck_assert_int_eq(sem_getvalue(again, &value), 0);
    ck_assert_int_eq(value, 3);
    sem_close(again);
    sem_close(sem);
    ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* sem_timedwait waits until an absolute CLOCK_REALTIME time, then ETIMEDOUT
 * (at least that long: a bound that load cannot break); a time already past
 * fails at once. A bad time (tv_nsec out of range) is EINVAL, and glibc
 * checks it even when the semaphore could be taken at once (POSIX lets it
 * skip the check then): nothing is taken. */
START_TEST(sem_timedwait_etimedout)
{
    struct timespec t0, deadline;
    char name[64];
    sem_t *sem = new_sem(name, 0);
    int value;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 200000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    errno = 0;
    ck_assert_int_eq(sem_timedwait(sem, &deadline), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_msg(seconds_since(&t0) >= 0.19, "gave up after %.3f s of 0.2",
                  seconds_since(&t0));
    errno = 0;
    ck_assert_int_eq(sem_timedwait(sem, &(struct timespec){ .tv_sec = 1 }), -1);  /* 1970 */
    ck_assert_int_eq(errno, ETIMEDOUT);
    errno = 0;
    ck_assert_int_eq(sem_timedwait(sem, &(struct timespec){ .tv_nsec = 1000000000 }), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(sem_post(sem), 0);
    errno = 0;
    ck_assert_int_eq(sem_timedwait(sem, &(struct timespec){ .tv_nsec = 1000000000 }), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(sem_getvalue(sem, &value), 0);
    ck_assert_int_eq(value, 1);
    sem_close(sem);
    ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* With a process waiting, sem_getvalue says 0 on Linux (POSIX allows minus
 * the number of waiters). */
START_TEST(sem_getvalue_zero_with_waiters)
{
    char name[64];
    sem_t *sem = new_sem(name, 0);
    struct t_proc p;
    int value = -99;

    t_fork(&p, 0, wait_on_sem, sem);
    ck_assert_msg(t_blocked_in(p.pid, SYS_futex), "the child is not waiting");
    ck_assert_int_eq(sem_getvalue(sem, &value), 0);
    ck_assert_int_eq(value, 0);
    ck_assert_int_eq(sem_post(sem), 0);
    ck_assert_msg(t_wait(&p) == 0, "the waiter: status %d", p.status);
    sem_close(sem);
    ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

struct turns {
    sem_t ready, done;
    int value;
};

/* The child's side: 1000 times, wait for its turn, add 1, give the turn back. */
static int take_turns(void *arg)
{
    struct turns *sh = arg;

    for (int i = 0; i < 1000; i++) {
        NEED(sem_wait(&sh->ready) == 0);
        sh->value++;
        NEED(sem_post(&sh->done) == 0);
    }
    return 0;
}

/* An unnamed semaphore in a MAP_SHARED mapping, sem_init(pshared = 1): two
 * processes take turns through it, and nothing is listed anywhere. */
START_TEST(unnamed_sem_shared_by_two_processes)
{
    struct turns *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct t_proc p;

    ck_assert_ptr_ne(sh, MAP_FAILED);
    ck_assert_int_eq(sem_init(&sh->ready, 1, 0), 0);
    ck_assert_int_eq(sem_init(&sh->done, 1, 0), 0);
    t_fork(&p, 0, take_turns, sh);
    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(sh->value, i);
        ck_assert_int_eq(sem_post(&sh->ready), 0);
        ck_assert_int_eq(sem_wait(&sh->done), 0);
    }
    ck_assert_msg(t_wait(&p) == 0, "the child: status %d (its failed step is on stderr)",
                  p.status);
    ck_assert_int_eq(sh->value, 1000);
    ck_assert_int_eq(sem_destroy(&sh->ready), 0);
    ck_assert_int_eq(sem_destroy(&sh->done), 0);
    munmap(sh, sizeof *sh);
}
END_TEST

void add_sem_tests(Suite *s)
{
    TCase *tc = tcase_create("semaphores");

    tcase_add_test(tc, sem_open_value_set_once);
    tcase_add_test(tc, sem_timedwait_etimedout);
    tcase_add_test(tc, sem_getvalue_zero_with_waiters);
    tcase_add_test(tc, unnamed_sem_shared_by_two_processes);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
