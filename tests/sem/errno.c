/* errno.c: how each call fails, one row per case (run by t_errno_case on a
 * fixture set), and what the read and write ("alter") permissions allow.
 * The cases follow the list that the Linux Test Project's tests of semget,
 * semop and semctl check (testcases/kernel/syscalls/ipc); the code is ours. */
#define _GNU_SOURCE
#include "sem.h"

#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* --- the fixture ------------------------------------------------------------------- */

struct fixture {
    key_t key;                  /* has the set id: 2 semaphores, values 1 and 0, mode 0600 */
    int id;
    key_t unused;               /* a key without a set */
    int gone;                   /* a removed set's id */
};

static void make_fixture(struct fixture *f)
{
    unsigned short values[2] = { 1, 0 };

    f->key = t_key(1, NULL);
    f->id = semget(f->key, 2, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_int_ne(f->id, -1);
    t_track(T_SEM, f->id);
    ck_assert_int_eq(semctl(f->id, 0, SETALL, (union semun){ .array = values }), 0);
    f->unused = t_key(2, NULL);
    f->gone = new_set(1, NULL);
    ck_assert_int_eq(t_rm(T_SEM, f->gone), 0);
}

/* A call that failed changed nothing: the values are still 1 and 0. */
static void remove_fixture(const struct fixture *f, const char *what)
{
    unsigned short v[2] = { 9, 9 };

    ck_assert_int_eq(semctl(f->id, 0, GETALL, (union semun){ .array = v }), 0);
    ck_assert_msg(v[0] == 1 && v[1] == 0, "%s: the values are %d and %d, not 1 and 0",
                  what, v[0], v[1]);
    ck_assert_int_eq(t_rm(T_SEM, f->id), 0);
}

/* A set a row made by mistake (the call should have failed) is recorded. */
static int tracked(int id)
{
    int saved = errno;

    if (id != -1)
        t_track(T_SEM, id);
    errno = saved;
    return id;
}

static int kernel_sem(int field)        /* 0 SEMMSL, 1 SEMMNS, 2 SEMOPM, 3 SEMMNI */
{
    int v[4] = { 0 };
    FILE *f = fopen("/proc/sys/kernel/sem", "r");

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%d %d %d %d", &v[0], &v[1], &v[2], &v[3]), 4);
    fclose(f);
    return v[field];
}

/* --- the calls, each meant to fail ---------------------------------------------------- */

static const struct fixture *fx(void *ctx)
{
    return ctx;
}

static int semget_no_set(void *ctx) { return semget(fx(ctx)->unused, 1, 0600); }
static int semget_excl(void *ctx) { return semget(fx(ctx)->key, 2, IPC_CREAT | IPC_EXCL | 0600); }
static int semget_more(void *ctx) { return semget(fx(ctx)->key, 3, 0600); }
static int semget_new_0(void *ctx)
{
    (void)ctx;
    return tracked(semget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
}
static int semget_new_above_semmsl(void *ctx)
{
    (void)ctx;
    return tracked(semget(IPC_PRIVATE, kernel_sem(0) + 1, IPC_CREAT | 0600));
}
static int semget_new_minus_1(void *ctx)
{
    (void)ctx;
    return tracked(semget(IPC_PRIVATE, -1, IPC_CREAT | 0600));
}
static int semop_sem_2(void *ctx) { return semop(fx(ctx)->id, &(struct sembuf){ 2, +1, 0 }, 1); }
static int semop_above_semopm(void *ctx)
{
    static struct sembuf ops[4096];
    int n = kernel_sem(2) + 1;          /* SEMOPM + 1 */

    ck_assert_int_le(n, T_ROWS(ops));
    for (int i = 0; i < n; i++)
        ops[i] = (struct sembuf){ 0, 0, IPC_NOWAIT };
    return semop(fx(ctx)->id, ops, (size_t)n);
}
static int semop_above_semvmx(void *ctx)        /* 1 + 32767 */
{
    return semop(fx(ctx)->id, &(struct sembuf){ 0, SEMVMX, 0 }, 1);
}
static int semop_no_ops(void *ctx) { return semop(fx(ctx)->id, &(struct sembuf){ 0, 0, 0 }, 0); }
static int semop_id_minus_1(void *ctx)
{
    (void)ctx;
    return semop(-1, &(struct sembuf){ 0, +1, 0 }, 1);
}
static int semop_gone(void *ctx) { return semop(fx(ctx)->gone, &(struct sembuf){ 0, +1, 0 }, 1); }
static int setval_32768(void *ctx)
{
    return semctl(fx(ctx)->id, 0, SETVAL, (union semun){ .val = SEMVMX + 1 });
}
static int setval_minus_1(void *ctx)
{
    return semctl(fx(ctx)->id, 0, SETVAL, (union semun){ .val = -1 });
}
static int setall_32768(void *ctx)              /* the first value fits, not the second */
{
    unsigned short values[2] = { 5, SEMVMX + 1 };

    return semctl(fx(ctx)->id, 0, SETALL, (union semun){ .array = values });
}
static int semctl_unknown(void *ctx) { return semctl(fx(ctx)->id, 0, 12345); }
static int getval_sem_2(void *ctx) { return semctl(fx(ctx)->id, 2, GETVAL); }
static int getval_gone(void *ctx) { return semctl(fx(ctx)->gone, 0, GETVAL); }

/* as nobody, on the test's set of mode 0600 */
static int semget_open(void *ctx) { return semget(fx(ctx)->key, 1, 0600); }
static int semop_give(void *ctx)
{
    return semop(fx(ctx)->id, &(struct sembuf){ 0, +1, IPC_NOWAIT }, 1);
}
static int getval_0(void *ctx) { return semctl(fx(ctx)->id, 0, GETVAL); }
static int setval_1(void *ctx) { return semctl(fx(ctx)->id, 0, SETVAL, (union semun){ .val = 1 }); }
static int ipc_set_0666(void *ctx)
{
    struct semid_ds ds = { .sem_perm = { .uid = 0, .gid = 0, .mode = 0666 } };

    return semctl(fx(ctx)->id, 0, IPC_SET, (union semun){ .buf = &ds });
}
static int ipc_rmid(void *ctx) { return semctl(fx(ctx)->id, 0, IPC_RMID); }
/* SEM_STAT of set ID, by its index (as ipcs asks without /proc) */
static int sem_stat(int id)
{
    struct semid_ds ds;
    int i = sem_index(id);

    return i == -1 ? T_SETUP_FAILED : semctl(i, 0, SEM_STAT, (union semun){ .buf = &ds });
}
static int sem_stat_0600(void *ctx) { return sem_stat(fx(ctx)->id); }

/* as a process without capabilities, on a set of its own of mode 0200 */
static int own_0200_sem_stat(void *ctx)
{
    int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0200), rc, saved;

    (void)ctx;
    if (id == -1)
        return T_SETUP_FAILED;
    t_track(T_SEM, id);
    rc = sem_stat(id);
    saved = errno;
    semctl(id, 0, IPC_RMID);
    errno = saved;
    return rc;
}

/* time runs out: semaphore 0 is 1, semaphore 1 is 0 */
static const struct timespec ten_ms = { .tv_nsec = 10000000 };
static int timed_zero(void *ctx)
{
    return semtimedop(fx(ctx)->id, &(struct sembuf){ 0, 0, 0 }, 1, &ten_ms);
}
static int timed_take(void *ctx)
{
    return semtimedop(fx(ctx)->id, &(struct sembuf){ 1, -1, 0 }, 1, &ten_ms);
}
static int timed_minus_1_s(void *ctx)
{
    return semtimedop(fx(ctx)->id, &(struct sembuf){ 1, -1, 0 }, 1,
                      &(struct timespec){ .tv_sec = -1 });
}

/* EFAULT: an address the process may not touch. glibc's semop passes sops
 * on as it is; the timeout and semctl's union go through syscall(2), so
 * that what answers is the kernel, not glibc (which may convert them). */
static int semop_bad_sops(void *ctx) { return semop(fx(ctx)->id, no_access(), 1); }
static int timed_bad_timeout(void *ctx)
{
    struct sembuf take = { 1, -1, 0 };

#ifdef SYS_semtimedop
    return (int)syscall(SYS_semtimedop, fx(ctx)->id, &take, 1, no_access());
#else
    return semtimedop(fx(ctx)->id, &take, 1, no_access());
#endif
}
static int raw_semctl(int id, int cmd, void *arg)
{
#ifdef SYS_semctl
    return (int)syscall(SYS_semctl, id, 0, cmd, arg);
#else
    return semctl(id, 0, cmd, arg);     /* through ipc(2): glibc passes it on */
#endif
}
static int ipc_stat_bad_buf(void *ctx) { return raw_semctl(fx(ctx)->id, IPC_STAT, no_access()); }
static int ipc_set_bad_buf(void *ctx) { return raw_semctl(fx(ctx)->id, IPC_SET, no_access()); }
static int getall_bad_array(void *ctx) { return raw_semctl(fx(ctx)->id, GETALL, no_access()); }

/* --- the rows ------------------------------------------------------------------------- */

static const struct t_errno_row rows[] = {
    { "semget, a key without a set", semget_no_set, ENOENT, T_OWNER },
    { "semget IPC_CREAT|IPC_EXCL, a key with a set", semget_excl, EEXIST, T_OWNER },
    { "semget, a new set of 0", semget_new_0, EINVAL, T_OWNER },
    { "semget, a new set above SEMMSL", semget_new_above_semmsl, EINVAL, T_OWNER },
    { "semget, nsems -1", semget_new_minus_1, EINVAL, T_OWNER },
    { "semget, more than the set has", semget_more, EINVAL, T_OWNER },
    { "semop, sem_num out of range", semop_sem_2, EFBIG, T_OWNER },
    { "semop, more than SEMOPM operations", semop_above_semopm, E2BIG, T_OWNER },
    { "semop, above SEMVMX", semop_above_semvmx, ERANGE, T_OWNER },
    { "semop, nsops 0", semop_no_ops, EINVAL, T_OWNER },
    { "semop, id -1", semop_id_minus_1, EINVAL, T_OWNER },
    { "semop, a removed set", semop_gone, EINVAL, T_OWNER },
    { "semctl SETVAL 32768", setval_32768, ERANGE, T_OWNER },
    { "semctl SETVAL -1", setval_minus_1, ERANGE, T_OWNER },
    { "semctl SETALL with 32768 (none is set)", setall_32768, ERANGE, T_OWNER },
    { "semctl, an unknown command", semctl_unknown, EINVAL, T_OWNER },
    { "semctl GETVAL, semnum out of range", getval_sem_2, EINVAL, T_OWNER },
    { "semctl, a removed set", getval_gone, EINVAL, T_OWNER },
    { "semtimedop waiting for zero, the time runs out (not ETIMEDOUT)", timed_zero, EAGAIN, T_OWNER },
    { "semtimedop waiting to decrement, the time runs out", timed_take, EAGAIN, T_OWNER },
    { "semtimedop, a timeout of -1 s", timed_minus_1_s, EINVAL, T_OWNER },
    { "semtimedop, a timeout at an address it may not read", timed_bad_timeout, EFAULT, T_OWNER },
    { "semop, sops at an address it may not read", semop_bad_sops, EFAULT, T_OWNER },
    { "semctl IPC_STAT, a buffer it may not write", ipc_stat_bad_buf, EFAULT, T_OWNER },
    { "semctl IPC_SET, a buffer it may not read", ipc_set_bad_buf, EFAULT, T_OWNER },
    { "semctl GETALL, an array it may not write", getall_bad_array, EFAULT, T_OWNER },
    { "semctl SEM_STAT, own set of mode 0200", own_0200_sem_stat, EACCES, T_PLAIN },
};

static const struct t_errno_row stranger_rows[] = {
    { "semget, a set of mode 0600", semget_open, EACCES, T_STRANGER },
    { "semop +1, a set of mode 0600", semop_give, EACCES, T_STRANGER },
    { "semctl GETVAL, a set of mode 0600", getval_0, EACCES, T_STRANGER },
    { "semctl SETVAL, a set of mode 0600", setval_1, EACCES, T_STRANGER },
    { "semctl IPC_SET, another's set", ipc_set_0666, EPERM, T_STRANGER },
    { "semctl IPC_RMID, another's set", ipc_rmid, EPERM, T_STRANGER },
    { "semctl SEM_STAT, a set of mode 0600", sem_stat_0600, EACCES, T_STRANGER },
};

/* Each row on a fresh fixture; the values must not have changed after it. */
START_TEST(sem_errno_cases)
{
    struct fixture f;

    make_fixture(&f);
    t_errno_case(&rows[_i], &f);
    remove_fixture(&f, rows[_i].what);
}
END_TEST

/* nobody, on the test's keyed set */
START_TEST(sem_errno_cases_as_stranger)
{
    struct fixture f;

    T_NEED_STRANGER();
    make_fixture(&f);
    t_errno_case(&stranger_rows[_i], &f);
    remove_fixture(&f, stranger_rows[_i].what);
}
END_TEST

/* --- read and alter ------------------------------------------------------------------- */

static bool refused(int rc)
{
    return rc == -1 && errno == EACCES;
}

/* Without CAP_IPC_OWNER, on its own set: read lets a process look and wait
 * for zero; write ("alter") lets it change the values, read or not. */
static int read_then_alter(void *key_arg)
{
    key_t key = *(key_t *)key_arg;
    int id = semget(key, 1, IPC_CREAT | IPC_EXCL | 0400);
    struct sembuf zero = { 0, 0, IPC_NOWAIT }, give = { 0, +1, 0 }, take = { 0, -1, 0 };
    struct semid_ds ds;
    unsigned short value = 0;

    NEED(id != -1);
    t_track(T_SEM, id);
    /* r--: it may open the set to read, look at it and wait for zero */
    NEED(semget(key, 1, 0400) == id);
    NEED(semctl(id, 0, GETVAL) == 0);
    NEED(semctl(id, 0, GETALL, (union semun){ .array = &value }) == 0);
    NEED(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0);
    NEED(semop(id, &zero, 1) == 0);
    /* ... but not open it to write, nor change a value */
    NEED(refused(semget(key, 1, 0600)));
    NEED(refused(semop(id, &give, 1)));
    NEED(refused(semctl(id, 0, SETVAL, (union semun){ .val = 1 })));
    NEED(refused(semctl(id, 0, SETALL, (union semun){ .array = &value })));
    /* the owner may change the mode, whatever it is */
    ds.sem_perm.mode = 0200;
    NEED(semctl(id, 0, IPC_SET, (union semun){ .buf = &ds }) == 0);
    /* -w-: it may change the values */
    NEED(semop(id, &give, 1) == 0);
    NEED(semop(id, &take, 1) == 0);
    NEED(semctl(id, 0, SETALL, (union semun){ .array = &value }) == 0);
    /* ... but not look at them, nor wait for zero */
    NEED(refused(semctl(id, 0, GETVAL)));
    NEED(refused(semctl(id, 0, GETALL, (union semun){ .array = &value })));
    NEED(refused(semop(id, &zero, 1)));
    NEED(semctl(id, 0, IPC_RMID) == 0);
    return 0;
}

START_TEST(alter_needs_write_read_needs_read)
{
    key_t key = t_key(1, NULL);

#if defined(SEM_A) || defined(SEM_R)
    ck_abort_msg("glibc defines SEM_A or SEM_R after all");
#endif
    ck_assert_msg(t_unprivileged(read_then_alter, &key) == 0,
                  "a step failed (on stderr)");
}
END_TEST

void add_errno_tests(Suite *s)
{
    TCase *errors = tcase_create("errno"), *perm = tcase_create("perm");

    tcase_add_loop_test(errors, sem_errno_cases, 0, T_ROWS(rows));
    tcase_set_timeout(errors, 30);
    tcase_add_loop_test(perm, sem_errno_cases_as_stranger, 0, T_ROWS(stranger_rows));
    tcase_add_test(perm, alter_needs_write_read_needs_read);
    tcase_set_timeout(perm, 30);
    suite_add_tcase(s, errors);
    suite_add_tcase(s, perm);
}
