/* semctl.c: the control calls - the fourth argument, the values, the
 * counts of waiters, IPC_STAT and IPC_SET - and how long a set lives. */
#define _GNU_SOURCE
#include "sem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(semctl_union_is_the_fourth_argument)
{
    /* int semctl(int semid, int semnum, int cmd, ...): the union comes fourth,
     * and only the commands that need it take it */
    _Static_assert(__builtin_types_compatible_p(__typeof__(&semctl),
                                                int (*)(int, int, int, ...)),
                   "semctl(int, int, int, ...)");
#ifndef _SEM_SEMUN_UNDEFINED
    ck_abort_msg("glibc defines union semun after all");
#endif
    int id = new_set(2, NULL);

    ck_assert_int_eq(semctl(id, 1, SETVAL, (union semun){ .val = 7 }), 0);
    ck_assert_int_eq(semctl(id, 1, GETVAL), 7);                 /* no fourth */
    ck_assert_int_eq(semctl(id, 0, IPC_RMID), 0);               /* none either */
    ck_assert(!t_exists(T_SEM, id));
}
END_TEST

START_TEST(semop_and_sembuf_types)
{
    struct sembuf b;

    _Static_assert(__builtin_types_compatible_p(__typeof__(&semget),
                                                int (*)(key_t, int, int)),
                   "semget(key_t, int, int)");
    _Static_assert(__builtin_types_compatible_p(__typeof__(&semop),
                                                int (*)(int, struct sembuf *, size_t)),
                   "semop(int, struct sembuf *, size_t)");
    _Static_assert(__builtin_types_compatible_p(__typeof__(b.sem_num), unsigned short),
                   "sem_num is unsigned short");
    _Static_assert(__builtin_types_compatible_p(__typeof__(b.sem_op), short), "sem_op");
    _Static_assert(__builtin_types_compatible_p(__typeof__(b.sem_flg), short), "sem_flg");
    b.sem_num = 40000;                  /* beyond a short: a valid number */
    ck_assert_uint_eq(b.sem_num, 40000);
}
END_TEST

START_TEST(setall_getall_getval)
{
    const unsigned short in[3] = { 3, 0, SEMVMX };
    unsigned short out[3] = { 9, 9, 9 };
    int id = new_set(3, in);

    ck_assert_int_eq(semctl(id, 0, GETALL, (union semun){ .array = out }), 0);
    ck_assert_mem_eq(in, out, sizeof in);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(getval(id, i), in[i]);
    ck_assert_int_eq(semctl(id, 2, SETVAL, (union semun){ .val = 4 }), 0);
    ck_assert_int_eq(getval(id, 2), 4);
    ck_assert_int_eq(semctl(id, 2, GETPID), getpid());      /* SETVAL counts */
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

START_TEST(getncnt_getzcnt_count_waiters)
{
    const unsigned short values[2] = { 0, 1 };
    int id = new_set(2, values);
    struct sembuf take0 = { 0, -1, 0 }, zero1 = { 1, 0, 0 };
    struct sembuf release[2] = { { 0, +2, 0 }, { 1, -1, 0 } };
    struct t_proc a, b, c;

    start_semop(&a, id, &take0, 1);
    start_semop(&b, id, &take0, 1);
    start_semop(&c, id, &zero1, 1);
    until_waiting(NULL, id, 0, GETNCNT, 2);
    until_waiting(&c, id, 1, GETZCNT, 1);
    ck_assert_int_eq(semctl(id, 0, GETZCNT), 0);
    ck_assert_int_eq(semctl(id, 1, GETNCNT), 0);
    ck_assert_int_eq(semop(id, release, 2), 0);
    ck_assert_int_eq(t_wait(&a), 0);
    ck_assert_int_eq(t_wait(&b), 0);
    ck_assert_int_eq(t_wait(&c), 0);
    ck_assert_int_eq(semctl(id, 0, GETNCNT), 0);
    ck_assert_int_eq(semctl(id, 1, GETZCNT), 0);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

START_TEST(setval_and_setall_wake_waiters)
{
    int id = new_set(2, NULL);
    unsigned short values[2] = { 0, 1 };
    struct sembuf take0 = { 0, -1, 0 }, take1 = { 1, -1, 0 };
    struct t_proc p;

    start_semop(&p, id, &take0, 1);
    until_waiting(&p, id, 0, GETNCNT, 1);
    ck_assert_int_eq(semctl(id, 0, SETVAL, (union semun){ .val = 1 }), 0);
    ck_assert_int_eq(t_wait(&p), 0);
    ck_assert_int_eq(getval(id, 0), 0);         /* it took what SETVAL gave */
    start_semop(&p, id, &take1, 1);
    until_waiting(&p, id, 1, GETNCNT, 1);
    ck_assert_int_eq(semctl(id, 0, SETALL, (union semun){ .array = values }), 0);
    ck_assert_int_eq(t_wait(&p), 0);
    ck_assert_int_eq(getval(id, 1), 0);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* sem_otime is 0 until the first semop; SETVAL and SETALL do not set it.
 * This is what the fix for the initialisation race waits on. */
START_TEST(ipc_stat_otime_only_after_semop)
{
    int id = new_set(2, NULL);
    struct semid_ds ds;
    struct sembuf give = { 1, +1, 0 };

    ck_assert_int_eq(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }), 0);
    ck_assert_uint_eq(ds.sem_nsems, 2);
    ck_assert_int_eq(ds.sem_otime, 0);
    ck_assert_int_ne(ds.sem_ctime, 0);
    ck_assert_int_eq(semctl(id, 0, SETVAL, (union semun){ .val = 1 }), 0);
    ck_assert_int_eq(semctl(id, 0, SETALL, (union semun){ .array = (unsigned short[]){ 1, 0 } }), 0);
    ck_assert_int_eq(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }), 0);
    ck_assert_int_eq(ds.sem_otime, 0);
    ck_assert_int_eq(semop(id, &give, 1), 0);
    ck_assert_int_eq(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }), 0);
    ck_assert_int_ne(ds.sem_otime, 0);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

START_TEST(ipc_set_changes_mode_and_owner)
{
    int id = new_set(1, NULL);
    struct semid_ds ds;

    ck_assert_int_eq(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }), 0);
    ds.sem_perm.mode = 0640;
    ds.sem_perm.uid = 100000;
    ck_assert_int_eq(semctl(id, 0, IPC_SET, (union semun){ .buf = &ds }), 0);
    memset(&ds, 0, sizeof ds);
    ck_assert_int_eq(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }), 0);
    ck_assert_int_eq(ds.sem_perm.mode & 0777, 0640);
    ck_assert_uint_eq(ds.sem_perm.uid, 100000);
    ck_assert_uint_eq(ds.sem_perm.cuid, geteuid());
    ck_assert_int_eq(t_rm(T_SEM, id), 0);       /* the creator may still */
}
END_TEST

/* Makes a set, records it, prints its id and exits. */
static int make_and_exit(void *unused)
{
    int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);

    (void)unused;
    NEED(id != -1);
    t_track(T_SEM, id);
    printf("%d\n", id);
    return 0;
}

START_TEST(set_outlives_its_creator)
{
    char out[32] = "";
    struct t_proc p;
    int id;

    t_fork(&p, 0, make_and_exit, NULL);
    ck_assert(t_read_until(p.out, out, sizeof out, "\n"));
    ck_assert_int_eq(t_wait(&p), 0);
    id = atoi(out);
    ck_assert(t_exists(T_SEM, id));             /* its creator is gone */
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
    ck_assert(!t_exists(T_SEM, id));
}
END_TEST

START_TEST(nsems_when_opening)
{
    key_t key = t_key(1, NULL);
    int id = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);

    ck_assert_int_ne(id, -1);
    t_track(T_SEM, id);
    ck_assert_int_eq(semget(key, 0, 0600), id);     /* 0: any size will do */
    ck_assert_int_eq(semget(key, 2, 0600), id);     /* fewer: fine */
    ck_assert_int_eq(semget(key, 3, IPC_CREAT | 0600), id);
    errno = 0;
    ck_assert_int_eq(semget(key, 4, 0600), -1);     /* more: refused */
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

void add_semctl_tests(Suite *s)
{
    TCase *tc = tcase_create("semctl");

    tcase_add_test(tc, semctl_union_is_the_fourth_argument);
    tcase_add_test(tc, semop_and_sembuf_types);
    tcase_add_test(tc, setall_getall_getval);
    tcase_add_test(tc, getncnt_getzcnt_count_waiters);
    tcase_add_test(tc, setval_and_setall_wake_waiters);
    tcase_add_test(tc, ipc_stat_otime_only_after_semop);
    tcase_add_test(tc, ipc_set_changes_mode_and_owner);
    tcase_add_test(tc, set_outlives_its_creator);
    tcase_add_test(tc, nsems_when_opening);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
}
