/* semctl.c: the control calls - the fourth argument, the values, the
 * counts of waiters, IPC_STAT and IPC_SET - and how long a set lives. */
#define _GNU_SOURCE
#include "sem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
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

/* --- walking the table: SEM_INFO, SEM_STAT, SEM_STAT_ANY ----------------------------- */

/* SEM_STAT takes an index of the kernel's table, 0 to the highest in use
 * (what SEM_INFO returns), and returns the id of the set there: ipcs walks
 * the table so where it cannot read /proc/sysvipc/sem. An id is its index plus a sequence number times
 * IPCMNI (32768): IPC_STAT of an index is refused, while SEM_STAT of an id
 * keeps only its index bits and finds the same set. */
START_TEST(sem_stat_takes_an_index_not_an_id)
{
    int ids[2] = { new_set(1, NULL), new_set(2, NULL) }, at[2] = { -1, -1 };
    struct semid_ds ds;
    struct seminfo info;
    int top = semctl(0, 0, SEM_INFO, (union semun){ .__buf = &info }), k;

    ck_assert_int_ge(top, 0);
    for (int i = 0; i <= top; i++) {
        int id = semctl(i, 0, SEM_STAT, (union semun){ .buf = &ds });

        for (k = 0; k < 2; k++)
            if (id == ids[k]) {
                ck_assert_uint_eq(ds.sem_nsems, (unsigned)k + 1);
                at[k] = i;
            }
    }
    ck_assert_msg(at[0] != -1 && at[1] != -1, "SEM_STAT of 0 to %d did not find %d and %d",
                  top, ids[0], ids[1]);
    k = ids[0] != at[0] ? 0 : 1;        /* the sequence numbers differ: one is not its index */
    ck_assert_int_ne(ids[k], at[k]);
    errno = 0;
    ck_assert_int_eq(semctl(at[k], 0, IPC_STAT, (union semun){ .buf = &ds }), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(semctl(ids[k], 0, SEM_STAT, (union semun){ .buf = &ds }), ids[k]);
    ck_assert_int_eq(t_rm(T_SEM, ids[0]), 0);
    ck_assert_int_eq(t_rm(T_SEM, ids[1]), 0);
}
END_TEST

/* Without CAP_IPC_OWNER, on its own set of mode 0200 (no read): SEM_STAT
 * and IPC_STAT are refused, SEM_STAT_ANY (Linux 4.17) is not. */
static int stat_any_steps(void *unused)
{
    int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0200), i;
    struct semid_ds ds;

    (void)unused;
    NEED(id != -1);
    t_track(T_SEM, id);
    NEED((i = sem_index(id)) != -1);            /* found with SEM_STAT_ANY */
    NEED(semctl(i, 0, SEM_STAT, (union semun){ .buf = &ds }) == -1 && errno == EACCES);
    NEED(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) == -1 && errno == EACCES);
    NEED_EQ(semctl(i, 0, SEM_STAT_ANY, (union semun){ .buf = &ds }), id);
    NEED_EQ(ds.sem_nsems, 3);
    NEED_EQ(ds.sem_perm.mode & 0777, 0200);
    NEED(semctl(id, 0, IPC_RMID) == 0);
    return 0;
}

START_TEST(sem_stat_any_needs_no_read_permission)
{
    ck_assert_msg(t_unprivileged(stat_any_steps, NULL) == 0, "a step failed (on stderr)");
}
END_TEST

/* CAP_IPC_OWNER passes the read check: SEM_STAT of a set of mode 0. */
START_TEST(sem_stat_of_mode_0_with_cap_ipc_owner)
{
    int id, i;
    struct semid_ds ds;

    T_NEED_CAP(CAP_IPC_OWNER, "(to read a set of mode 0)");
    id = t_get(T_SEM, IPC_PRIVATE, IPC_CREAT);
    ck_assert_int_ne(id, -1);
    ck_assert_int_ne(i = sem_index(id), -1);
    ck_assert_int_eq(semctl(i, 0, SEM_STAT, (union semun){ .buf = &ds }), id);
    ck_assert_int_eq(ds.sem_perm.mode & 0777, 0);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* What /proc/sysvipc/sem lists: how many sets, and how many semaphores in
 * all (its nsems column); the highest index is that of the last one made. */
static int proc_sem_totals(int *sets, long *sems)
{
    FILE *f = fopen("/proc/sysvipc/sem", "r");
    char line[512];
    int key, id, mode;
    long nsems;

    *sets = 0, *sems = 0;
    NEED(f != NULL);
    NEED(fgets(line, sizeof line, f) != NULL);          /* the header */
    while (fgets(line, sizeof line, f) != NULL) {
        NEED(sscanf(line, "%d %d %o %ld", &key, &id, &mode, &nsems) == 4);
        *sets += 1, *sems += nsems;
    }
    fclose(f);
    return 0;
}

/* In an IPC namespace of our own, where only our sets count: SEM_INFO's
 * semusz is the number of sets and semaem the number of semaphores, as
 * /proc/sysvipc/sem has them, and it returns the highest index in use;
 * IPC_INFO puts constants in those two fields. Both give the limits of
 * kernel.sem. */
static int sem_info_steps(void *unused)
{
    int a, b, c, sets, kernel_sem[4];
    long sems;
    struct seminfo use, lim;
    FILE *f = fopen("/proc/sys/kernel/sem", "r");

    (void)unused;
    NEED(f != NULL);
    NEED(fscanf(f, "%d %d %d %d", &kernel_sem[0], &kernel_sem[1], &kernel_sem[2],
                &kernel_sem[3]) == 4);
    fclose(f);
    NEED((a = semget(IPC_PRIVATE, 1, 0600)) != -1);     /* index 0 */
    NEED((b = semget(IPC_PRIVATE, 2, 0600)) != -1);     /* index 1 */
    NEED((c = semget(IPC_PRIVATE, 5, 0600)) != -1);     /* index 2 */
    NEED(semctl(b, 0, IPC_RMID) == 0);
    NEED(proc_sem_totals(&sets, &sems) == 0);
    NEED_EQ(sets, 2);
    NEED_EQ(sems, 6);
    NEED_EQ(semctl(0, 0, SEM_INFO, (union semun){ .__buf = &use }), 2);
    NEED_EQ(use.semusz, sets);
    NEED_EQ(use.semaem, sems);
    NEED_EQ(semctl(0, 0, IPC_INFO, (union semun){ .__buf = &lim }), 2);
    NEED_EQ(lim.semusz, 20);            /* SEMUSZ in <linux/sem.h> */
    NEED_EQ(lim.semaem, SEMVMX);        /* SEMAEM */
    NEED_EQ(use.semmsl, kernel_sem[0]);
    NEED_EQ(use.semmns, kernel_sem[1]);
    NEED_EQ(use.semopm, kernel_sem[2]);
    NEED_EQ(use.semmni, kernel_sem[3]);
    NEED_EQ(lim.semmni, use.semmni);
    NEED_EQ(use.semvmx, SEMVMX);
    NEED(semctl(a, 0, IPC_RMID) == 0);
    NEED(semctl(c, 0, IPC_RMID) == 0);
    NEED_EQ(semctl(0, 0, SEM_INFO, (union semun){ .__buf = &use }), 0);   /* none: 0 */
    NEED_EQ(use.semusz, 0);
    NEED_EQ(use.semaem, 0);
    return 0;
}

START_TEST(sem_info_totals_match_proc)
{
    T_IN_PRIVATE_IPC(sem_info_steps, NULL);
}
END_TEST

/* util-linux's ipcs reads /proc/sysvipc/sem; where it cannot, it walks the
 * table with SEM_INFO and SEM_STAT (its ipcutils.c), and lists the same
 * sets. In a namespace of our own, with an empty tmpfs over /proc/sysvipc.
 * 77: that mount cannot be made here. */
static int ipcs_without_proc_steps(void *unused)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    char line[64];
    struct t_run r;

    (void)unused;
    NEED(id != -1);
    if (mount("tmpfs", "/proc/sysvipc", "tmpfs", 0, NULL) == -1)
        return 77;
    NEED(access("/proc/sysvipc/sem", F_OK) == -1);
    t_run(&r, NULL, "/usr/bin/ipcs", "-s", NULL);
    snprintf(line, sizeof line, "0x00000000 %-10d ", id);
    NEED_EQ(r.status, 0);
    NEED(strstr(r.out, line) != NULL);
    return 0;
}

START_TEST(ipcs_lists_sets_without_proc)
{
    int status = t_private_ipc(ipcs_without_proc_steps, NULL);

    if (status == -1)
        T_SKIP(t_why_not());
    if (status == 77)
        T_SKIP("cannot mount a tmpfs over /proc/sysvipc here");
    ck_assert_msg(status == 0, "status %d (its failed step is on stderr)", status);
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
    tcase_add_test(tc, sem_stat_takes_an_index_not_an_id);
    tcase_add_test(tc, sem_stat_any_needs_no_read_permission);
    tcase_add_test(tc, sem_stat_of_mode_0_with_cap_ipc_owner);
    tcase_add_test(tc, sem_info_totals_match_proc);
    tcase_add_test(tc, ipcs_lists_sets_without_proc);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
}
