/* lib_sysv_msg.c: message-queue wrappers of libsysvipc.a (see sysvipc.h), in
 * the shape of lib_sysv_shm.c. The seeds have no queue wrapper; these take
 * the message type and the text apart, so that a caller never builds the
 * { long mtype; char mtext[]; } buffer msgsnd(2) and msgrcv(2) expect. */
#define _XOPEN_SOURCE 700
#include "sysvipc.h"
#include "ipclab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

/* What msgsnd and msgrcv move: the type, then the text. The size they take
 * counts the text only. */
struct message {
    long mtype;
    char mtext[];
};

int sysv_msgget(const char *tok, key_t fixkey, int mode)
{
    key_t key = fixkey;
    int msqid;

    if (tok != NULL && (key = ftok(tok, SYSV_FTOK_ID)) == -1) {
        warn_errno("ftok %s", tok);
        return -1;
    }
    msqid = msgget(key, IPC_CREAT | IPC_EXCL | mode);
    if (msqid == -1 && errno == EEXIST)
        msqid = msgget(key, 0);         /* someone made it first: open theirs */
    if (msqid == -1)
        warn_errno("msgget");
    return msqid;
}

/* A failure the caller expects and reports itself, or one to report here. */
static int expected(int flags)
{
    return errno == EINTR || ((flags & IPC_NOWAIT) && (errno == EAGAIN || errno == ENOMSG));
}

int sysv_msgsnd(int msqid, long mtype, const void *data, size_t len, int flags)
{
    struct message *m = malloc(sizeof *m + len);
    int rc, saved;

    if (m == NULL) {
        warn_errno("malloc %zu", sizeof *m + len);
        return -1;
    }
    m->mtype = mtype;
    memcpy(m->mtext, data, len);
    rc = msgsnd(msqid, m, len, flags);
    if (rc == -1 && !expected(flags))
        warn_errno("msgsnd %d", msqid);
    saved = errno;
    free(m);
    errno = saved;
    return rc;
}

ssize_t sysv_msgrcv(int msqid, long *mtype, void *data, size_t max, long msgtyp, int flags)
{
    struct message *m = malloc(sizeof *m + max);
    ssize_t n;
    int saved;

    if (m == NULL) {
        warn_errno("malloc %zu", sizeof *m + max);
        return -1;
    }
    n = msgrcv(msqid, m, max, msgtyp, flags);
    if (n == -1) {
        if (!expected(flags))
            warn_errno("msgrcv %d", msqid);
    } else {
        memcpy(data, m->mtext, (size_t)n);
        if (mtype != NULL)
            *mtype = m->mtype;
    }
    saved = errno;
    free(m);
    errno = saved;
    return n;
}

int sysv_msgrm(int msqid)
{
    if (msgctl(msqid, IPC_RMID, NULL) == -1) {
        warn_errno("msgctl IPC_RMID %d", msqid);
        return -1;
    }
    return 0;
}
