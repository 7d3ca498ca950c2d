/* lib_sysv_sem.c: semaphore wrappers of libsysvipc.a (see sysvipc.h), in the
 * shape of lib_sysv_shm.c. The seeds have no semaphore wrapper; these follow
 * the usual P/V helpers (Stevens, UNP vol. 2, ch. 11; Kerrisk, TLPI ch. 47),
 * written for this lab. */
#define _XOPEN_SOURCE 700
#include "sysvipc.h"
#include "ipclab.h"
#include "semun.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <time.h>


enum { INIT_WAIT_MS = 5000 };   /* how long an opener waits for the creator */

// tag::init[]
/* The creator sets every value with one semop: semop stamps sem_otime, and a
 * set whose sem_otime is still 0 has not been initialised yet. One semop
 * carries at most SEMOPM (500) operations: a larger set fails with E2BIG. */
static int init_values(int semid, int nsems, int value)
{
    struct sembuf *ops = calloc(nsems, sizeof *ops);
    int rc;

    if (ops == NULL)
        return -1;
    for (int i = 0; i < nsems; i++)     /* op 0 (wait for zero) when VALUE is 0 */
        ops[i] = (struct sembuf){ .sem_num = i, .sem_op = value, .sem_flg = 0 };
    /* no SEM_UNDO: the values must stay when the creator exits */
    rc = semop(semid, ops, nsems);                              // <1>
    free(ops);
    return rc;
}

static int wait_initialised(int semid)
{
    struct semid_ds ds;
    union semun arg = { .buf = &ds };

    for (int ms = 0; ms < INIT_WAIT_MS; ms++) {
        if (semctl(semid, 0, IPC_STAT, arg) == -1)
            return -1;
        if (ds.sem_otime != 0)                                  // <2>
            return 0;
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
    errno = ETIMEDOUT;                  /* the creator died before its semop */
    return -1;
}
// end::init[]

int sysv_semget(const char *tok, key_t fixkey, int nsems, int value, int mode)
{
    key_t key = fixkey;
    int semid;

    if (tok != NULL && (key = ftok(tok, SYSV_FTOK_ID)) == -1) {
        warn_errno("ftok %s", tok);
        return -1;
    }
    // tag::get[]
    semid = semget(key, nsems, IPC_CREAT | IPC_EXCL | mode);   // <1>
    if (semid != -1) {
        if (init_values(semid, nsems, value) == 0)
            return semid;
        warn_errno("semop (setting the values of set %d)", semid);
        semctl(semid, 0, IPC_RMID);
        return -1;
    }
    if (errno != EEXIST) {
        warn_errno("semget");
        return -1;
    }
    semid = semget(key, nsems, 0);      /* someone made it first: open theirs */
    if (semid == -1) {
        warn_errno("semget");
        return -1;
    }
    if (wait_initialised(semid) == -1) {                        // <2>
        warn_errno("semget: waiting for set %d to be initialised", semid);
        return -1;
    }
    return semid;
    // end::get[]
}

static int change(int semid, int semnum, int op)
{
    struct sembuf sop = { .sem_num = semnum, .sem_op = op, .sem_flg = SEM_UNDO };

    return semop(semid, &sop, 1);
}

int sysv_sem_reserve(int semid, int semnum)
{
    if (change(semid, semnum, -1) == -1) {
        if (errno != EINTR)             /* the caller decides what a signal means */
            warn_errno("semop P %d[%d]", semid, semnum);
        return -1;
    }
    return 0;
}

int sysv_sem_release(int semid, int semnum)
{
    if (change(semid, semnum, +1) == -1) {
        warn_errno("semop V %d[%d]", semid, semnum);
        return -1;
    }
    return 0;
}

int sysv_semrm(int semid)
{
    if (semctl(semid, 0, IPC_RMID) == -1) {
        warn_errno("semctl IPC_RMID %d", semid);
        return -1;
    }
    return 0;
}
