/* lib_sysv_shm.c: shared-memory wrappers of libsysvipc.a (see sysvipc.h).
 * The shape follows seed 000's wrapper; the error reports use the lab's
 * helper instead of the seed's fprintf, the size is a size_t as in shmget(2),
 * and an existing segment is opened with the size asked for, so that one
 * smaller than that is refused (EINVAL) instead of handed back. */
#define _XOPEN_SOURCE 700
#include "sysvipc.h"
#include "ipclab.h"

#include <errno.h>
#include <sys/ipc.h>
#include <sys/shm.h>

int sysv_shmget(const char *tok, key_t fixkey, size_t size, int mode)
{
    key_t key = fixkey;
    int shmid;

    if (tok != NULL && (key = ftok(tok, SYSV_FTOK_ID)) == -1) {
        warn_errno("ftok %s", tok);
        return -1;
    }
    shmid = shmget(key, size, IPC_CREAT | IPC_EXCL | mode);
    if (shmid == -1 && errno == EEXIST)
        shmid = shmget(key, size, 0);   /* someone made it first: open theirs */
    if (shmid == -1)
        warn_errno("shmget");
    return shmid;
}

int sysv_shmrm(int shmid)
{
    if (shmctl(shmid, IPC_RMID, NULL) == -1) {
        warn_errno("shmctl IPC_RMID %d", shmid);
        return -1;
    }
    return 0;
}
