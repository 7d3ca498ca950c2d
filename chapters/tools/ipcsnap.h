/* ipcsnap.h: one snapshot of the IPC objects a user may see, and of the
 * processes attached to them or asleep on them (ipcwatch shows it).
 *
 * Where each field comes from:
 *   /proc/sysvipc/shm, sem, msg   every object of the IPC namespace, to anyone
 *   semctl GETALL, GETNCNT, ...   a set's values and counts (read permission)
 *   msgrcv MSG_COPY               a queue's messages, copied, not taken
 *                                 (read permission, CONFIG_CHECKPOINT_RESTORE)
 *   /proc/PID/maps                the segments a process has attached
 *   /proc/PID/syscall             the call a process sleeps in, and its
 *                                 arguments; its memory (process_vm_readv)
 *                                 holds the sembufs or the message it points
 *                                 to (both: the rights of ptrace)
 *   /dev/shm, the mqueue mount    POSIX names, their size and QSIZE
 * What cannot be read is counted in struct blind and said, never guessed.
 */
#ifndef IPCSNAP_H
#define IPCSNAP_H

#include <stdbool.h>
#include <sys/types.h>

enum { SNAP_MAX_PIDS = 16, SNAP_MAX_SEMS = 16, SNAP_MAX_TYPES = 32, SNAP_MAX_WAITERS = 16 };

/* A process asleep in semop/semtimedop, msgsnd or msgrcv on an object. */
struct waiter {
    pid_t pid;
    char call[12];          /* "semop", "semtimedop", "msgsnd", "msgrcv" */
    char what[48];          /* its operations as sem_op writes them ("0-1 1=0"),
                             * or the type it sends or wants ("type 5");
                             * "" where its memory could not be read */
};

struct sysv {
    char kind;              /* 'm' segment, 's' set, 'q' queue (as ipcls's options) */
    int key, id;
    unsigned int mode;      /* with SHM_DEST (01000) for a segment */
    unsigned int uid, cuid;
    unsigned long size;     /* bytes; nsems; bytes queued */
    unsigned long count;    /* nattch; -; messages queued */
    pid_t pid1, pid2;       /* cpid and lpid; -; lspid and lrpid */
    /* segment: who has it attached, from /proc/PID/maps */
    int nattached, nmaps;   /* pids; attachments (a process may attach twice) */
    pid_t attached[SNAP_MAX_PIDS];
    /* set (when readable) and queue (when copied) */
    bool readable;          /* semctl or MSG_COPY worked */
    int nsems;
    struct { int value, ncnt, zcnt; pid_t pid; } sem[SNAP_MAX_SEMS];
    int ntypes;
    long types[SNAP_MAX_TYPES];
    int nwaiters;
    struct waiter waiters[SNAP_MAX_WAITERS];
};

struct posix {
    char kind[4];           /* "shm", "sem", "mq" */
    char name[256];         /* as given to shm_open, sem_open, mq_open: "/demo" */
    unsigned int uid;
    unsigned int mode;
    long long size;         /* bytes of the file; a queue's QSIZE, -1 unreadable */
};

/* What this snapshot could not see. */
struct blind {
    int procs;              /* processes whose maps or syscall we may not read */
    int sets, queues;       /* sets and queues we may not read */
    bool no_msg_copy;       /* the kernel has no MSG_COPY (ENOSYS) */
    bool no_mqueue;         /* no mqueue filesystem mounted */
    char mqueue_dir[256];   /* where it is */
};

struct snap {
    int n;
    struct sysv *obj;       /* segments, then sets, then queues, each by id */
    int nposix;
    struct posix *posix;    /* by kind and name */
    struct blind blind;
};

/* Which objects: KIND among "msqP" (all when empty), only ours (uid or cuid
 * is our euid), a key, an id (-1: any). */
struct filter {
    char kinds[8];
    bool mine;
    bool by_key;
    int key;
    int id;
};

/* Take a snapshot; errors that end the program (no /proc/sysvipc) die. */
void snap_take(struct snap *s, const struct filter *f);
void snap_free(struct snap *s);

#endif
