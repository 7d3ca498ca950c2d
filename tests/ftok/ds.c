/* ds.c: the times in the kernel's 64-bit ds structures (struct msqid64_ds,
 * shmid64_ds, semid64_ds of <asm/msgbuf.h> and the others). Where a long has 32 bits, each
 * time is two fields, the low half and a *_time_high half, and a time
 * before 2038 has a high half of 0. Where a long has 64 bits there are no
 * high halves: each time is one 64-bit long. */
#define _GNU_SOURCE
#include "ftok.h"

#include <asm/bitsperlong.h>
#include <asm/msgbuf.h>
#include <asm/sembuf.h>
#include <asm/shmbuf.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Declared here: <sys/msg.h>, <sys/sem.h> and <sys/shm.h> would bring
 * glibc's own ds structures, which hide the kernel's layout. */
extern int msgsnd(int, const void *, size_t, int);
extern int semop(int, struct sembuf *, size_t);
extern void *shmat(int, const void *, int);
extern int shmdt(const void *);

/* IPC_STAT into the kernel's own structure, with the system call: the
 * IPC_64 flag where the kernel still parses an ABI version from the
 * command (EINVAL where it does not: then without it). */
static int ctl(enum t_kind kind, int id, int cmd, void *ds)
{
    switch (kind) {
    case T_SHM: return (int)syscall(SYS_shmctl, id, cmd, ds);
    case T_SEM: return (int)syscall(SYS_semctl, id, /* semnum= */ 0, cmd, ds);
    case T_MSG: return (int)syscall(SYS_msgctl, id, cmd, ds);
    }
    return -1;
}

static int stat_64(enum t_kind kind, int id, void *ds)
{
    int rc = ctl(kind, id, IPC_STAT | 0x100 /* IPC_64 */, ds);

    if (rc == -1 && errno == EINVAL)
        rc = ctl(kind, id, IPC_STAT, ds);
    return rc;
}

#if __BITS_PER_LONG == 32
#define HIGH(ds, field) ((ds).field##_high)
#else
#define HIGH(ds, field) 0UL             /* none: the field holds all 64 bits */
#endif

/* A time of today: its low half (or the whole time) within a day of now,
 * its high half 0. */
#define NOW(ds, field) do { \
        ck_assert_uint_eq(HIGH(ds, field), 0); \
        ck_assert_msg(labs((long)(ds).field - (long)time(NULL)) < 86400, #field " is %ld", \
                      (long)(ds).field); \
    } while (0)

START_TEST(time_high_fields_zero_each_kind)
{
    int id = must_get(_i, IPC_PRIVATE, IPC_CREAT | 0600);
    struct msqid64_ds msg;
    struct semid64_ds sem;
    struct shmid64_ds shm;
    void *at;

    /* each time of the object set: a message sent; an operation; an attach
     * and a detach (the change time is the creation's) */
    switch (_i) {
    case T_MSG:
        ck_assert_int_eq(msgsnd(id, &(struct { long type; char text[1]; }){ 1, "x" }, 1, 0), 0);
        ck_assert_int_eq(stat_64(T_MSG, id, &msg), 0);
        NOW(msg, msg_stime);
        NOW(msg, msg_ctime);
        ck_assert_uint_eq(HIGH(msg, msg_rtime), 0);
        break;
    case T_SEM:
        ck_assert_int_eq(semop(id, &(struct sembuf){ 0, 1, 0 }, 1), 0);
        ck_assert_int_eq(stat_64(T_SEM, id, &sem), 0);
        NOW(sem, sem_otime);
        NOW(sem, sem_ctime);
        break;
    case T_SHM:
        ck_assert_ptr_ne(at = shmat(id, NULL, 0), (void *)-1);
        ck_assert_int_eq(shmdt(at), 0);
        ck_assert_int_eq(stat_64(T_SHM, id, &shm), 0);
        NOW(shm, shm_atime);
        NOW(shm, shm_dtime);
        NOW(shm, shm_ctime);
        break;
    }
    ck_assert_int_eq(t_rm(_i, id), 0);
#if __BITS_PER_LONG != 32
    T_SKIP("no *_time_high fields in this build: a long has 64 bits, and each time is one "
           "64-bit field (asserted: it holds today's time)");
#endif
}
END_TEST

void add_ds_tests(Suite *s)
{
    TCase *tc = tcase_create("ds");

    tcase_add_loop_test(tc, time_high_fields_zero_each_kind, T_SHM, T_MSG + 1);
    suite_add_tcase(s, tc);
}
