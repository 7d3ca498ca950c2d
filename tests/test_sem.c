/* test_sem.c: semaphores (chapters/sem).
 * Each test decides one or more claims of chapters/sem/claims.tsv. The
 * tests are in tests/sem/, by section: semop.c (the rules of semop),
 * undo.c (SEM_UNDO), semctl.c, errno.c (errors and permissions) and
 * programs.c (the chapter's programs and sessions). Here: main and the
 * helpers they share.
 *
 * A test never sleeps to let a process block: it polls GETNCNT or GETZCNT
 * until the kernel counts the waiter, which happens only once it waits. */
#define _GNU_SOURCE
#include "sem/sem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int new_set(int n, const unsigned short *values)
{
    int id = semget(IPC_PRIVATE, n, IPC_CREAT | 0600);

    ck_assert_msg(id != -1, "semget: %s", strerror(errno));
    t_track(T_SEM, id);
    if (values != NULL) {
        union semun arg = { .array = (unsigned short *)values };

        ck_assert_int_eq(semctl(id, 0, SETALL, arg), 0);
    }
    return id;
}

int getval(int id, int n)
{
    return semctl(id, n, GETVAL);
}

int semop_errno(int id, struct sembuf *ops, size_t n)
{
    errno = 0;
    return semop(id, ops, n) == 0 ? 0 : errno;
}

struct semop_call {
    int id;
    struct sembuf *ops;
    size_t n;
};

static int semop_child(void *arg)
{
    const struct semop_call *c = arg;

    return semop_errno(c->id, c->ops, c->n);
}

void start_semop(struct t_proc *p, int id, struct sembuf *ops, size_t n)
{
    struct semop_call c = { id, ops, n };   /* the child has its own copy */

    t_fork(p, 0, semop_child, &c);
}

void until_waiting(struct t_proc *p, int id, int n, int cmd, int count)
{
    const char *what = cmd == GETNCNT ? "semncnt" : "semzcnt";
    struct timespec t0, now;
    int seen;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    while ((seen = semctl(id, n, cmd)) != count) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        ck_assert_msg(seen != -1, "semctl %s of %d[%d]: %s", what, id, n, strerror(errno));
        if (p != NULL && t_ended(p))
            ck_abort_msg("the waiter ended (status %d) with %s %d, not %d", t_wait(p), what,
                         seen, count);
        ck_assert_msg(now.tv_sec - t0.tv_sec < t_limit, "%s of %d[%d] is %d, not %d, after %d s",
                      what, id, n, seen, count, t_limit);
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
}

int sem_index(int id)
{
    struct seminfo info;
    struct semid_ds ds;
    int top = semctl(0, 0, SEM_INFO, (union semun){ .__buf = &info });

    for (int i = 0; i <= top; i++)
        if (semctl(i, 0, SEM_STAT_ANY, (union semun){ .buf = &ds }) == id)
            return i;
    return -1;
}

void *no_access(void)
{
    static void *page = MAP_FAILED;

    if (page == MAP_FAILED)
        page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_msg(page != MAP_FAILED, "mmap: %s", strerror(errno));
    return page;
}

static Suite *make_suite(void)
{
    Suite *s = suite_create("sem");

    add_semop_tests(s);
    add_undo_tests(s);
    add_semctl_tests(s);
    add_errno_tests(s);
    add_program_tests(s);
    return s;
}

int main(void)
{
    return t_main(make_suite);
}
