/* ctl.c: what msgctl, semctl and shmctl return (claims ctl-1 to ctl-3):
 * 0 for IPC_STAT, IPC_SET and IPC_RMID, something else for other commands. */
#define _GNU_SOURCE
#include "ftok.h"

#include <errno.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

/* In a child: semop SEM_NUM by OP on the set *ARG, which waits; EIDRM when
 * the set is removed under it. */
struct waiter {
    int id;
    unsigned short num;
    short op;
};

static int wait_on(void *arg)
{
    struct waiter *w = arg;

    errno = 0;
    NEED(semop(w->id, &(struct sembuf){ w->num, w->op, 0 }, 1) == -1 && errno == EIDRM);
    return 0;
}

/* Seeds 002 and 004 say the ctl calls return 0 if OK. IPC_STAT, IPC_SET and
 * IPC_RMID do; GETVAL returns the value, GETPID the pid of the last semop,
 * GETNCNT and GETZCNT the number of processes waiting, IPC_INFO and
 * *_INFO the highest index in use, *_STAT and *_STAT_ANY the id. */
START_TEST(ctl_return_values_besides_0)
{
    int sem = must_get(T_SEM, IPC_PRIVATE, IPC_CREAT | 0600);       /* 1 semaphore */
    int set = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600), msq, shm;   /* 2 */
    struct waiter decrement, zero;
    struct t_proc p1, p2;
    struct semid_ds semds;
    struct msqid_ds msqds;
    struct shmid_ds shmds;
    struct msginfo msginfo;

    ck_assert_int_ne(set, -1);
    t_track(T_SEM, set);
    msq = must_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0600);
    shm = must_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);

    ck_assert_int_eq(semctl(sem, 0, SETVAL, (union semun){ .val = 5 }), 0);
    ck_assert_int_eq(semctl(sem, 0, GETVAL), 5);
    ck_assert_int_eq(semop(sem, &(struct sembuf){ 0, -1, 0 }, 1), 0);
    ck_assert_int_eq(semctl(sem, 0, GETPID), getpid());
    ck_assert_int_eq(semctl(set, 1, SETVAL, (union semun){ .val = 1 }), 0);
    decrement = (struct waiter){ set, 0, -1 };          /* semaphore 0 is at 0 */
    zero = (struct waiter){ set, 1, 0 };                /* semaphore 1 is at 1 */
    t_fork(&p1, 0, wait_on, &decrement);
    t_fork(&p2, 0, wait_on, &zero);
    for (int ms = 0; ms < 20000 && (semctl(set, 0, GETNCNT) < 1 || semctl(set, 1, GETZCNT) < 1);
         ms += 10)
        usleep(10000);                  /* until both wait: a loaded machine is slow */
    ck_assert_int_eq(semctl(set, 0, GETNCNT), 1);
    ck_assert_int_eq(semctl(set, 1, GETZCNT), 1);
    ck_assert_int_eq(semctl(set, 0, IPC_RMID), 0);
    ck_assert_int_eq(t_wait(&p1), 0);
    ck_assert_int_eq(t_wait(&p2), 0);

    ck_assert_int_eq(msgctl(msq, IPC_STAT, &msqds), 0);
    ck_assert_int_eq(msgctl(msq, IPC_SET, &msqds), 0);
    ck_assert_int_ge(msgctl(0, IPC_INFO, (struct msqid_ds *)&msginfo), msq % IPCMNI);
    ck_assert_int_ge(msgctl(0, MSG_INFO, (struct msqid_ds *)&msginfo), msq % IPCMNI);
    ck_assert_int_eq(msgctl(msq % IPCMNI, MSG_STAT_ANY, &msqds), msq);
    ck_assert_int_eq(semctl(sem, 0, IPC_STAT, (union semun){ .buf = &semds }), 0);
    ck_assert_int_eq(semctl(sem % IPCMNI, 0, SEM_STAT_ANY, (union semun){ .buf = &semds }), sem);
    ck_assert_int_eq(shmctl(shm, IPC_STAT, &shmds), 0);
    ck_assert_int_eq(shmctl(shm % IPCMNI, SHM_STAT_ANY, &shmds), shm);
    ck_assert_int_eq(t_rm(T_SEM, sem), 0);
    ck_assert_int_eq(t_rm(T_MSG, msq), 0);
    ck_assert_int_eq(t_rm(T_SHM, shm), 0);
}
END_TEST

/* Seed 001: IPC_RMID needs no structure, "the shmid_ds may be NULL", which
 * its semctl section repeats: semctl has no shmid_ds, and takes no fourth
 * argument for IPC_RMID at all. */
START_TEST(rmid_needs_no_buffer_each_kind)
{
    int id = must_get(_i, IPC_PRIVATE, IPC_CREAT | 0600);

    switch (_i) {
    case T_SHM: ck_assert_int_eq(shmctl(id, IPC_RMID, NULL), 0); break;
    case T_SEM: ck_assert_int_eq(semctl(id, 0, IPC_RMID), 0); break;
    case T_MSG: ck_assert_int_eq(msgctl(id, IPC_RMID, NULL), 0); break;
    }
    ck_assert(!t_exists(_i, id));
}
END_TEST

void add_ctl_tests(Suite *s)
{
    TCase *tc = tcase_create("ctl");

    tcase_add_test(tc, ctl_return_values_besides_0);
    tcase_add_loop_test(tc, rmid_needs_no_buffer_each_kind, T_SHM, T_MSG + 1);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
