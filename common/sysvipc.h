/* sysvipc.h: the wrapper library libsysvipc.a, in the style of seed 000's
 * lib_sysv_shm.c. Each wrapper reports a failure on stderr in the lab's
 * format and returns -1 with errno set, so a lesson reads as a list of steps.
 * One file a kind: lib_sysv_shm.c, lib_sysv_sem.c and lib_sysv_msg.c. */
#ifndef SYSVIPC_H
#define SYSVIPC_H

#include <stddef.h>
#include <sys/types.h>

/* The project id the seed's wrapper passes to ftok(). Only its low 8 bits
 * count: 1234 is 0x4d2, so the key's top byte is 0xd2. */
#define SYSV_FTOK_ID 1234

/* Create a segment of SIZE bytes with permission bits MODE, or open the one
 * that already has the key. The key is ftok(TOK, SYSV_FTOK_ID) when TOK is not
 * NULL, else FIXKEY (which may be IPC_PRIVATE). Returns the shmid or -1. */
int sysv_shmget(const char *tok, key_t fixkey, size_t size, int mode);

/* Mark segment SHMID for removal (IPC_RMID). Returns 0 or -1. */
int sysv_shmrm(int shmid);

/* --- semaphores (lib_sysv_sem.c) --------------------------------------------
 * A set of NSEMS semaphores used as locks: sysv_semget creates the set with
 * every value at VALUE (1: free, 0: taken), or opens the one that has the key.
 * It closes the initialisation race: a new set holds zeros until its creator
 * sets them, so the creator sets them with a semop (which stamps sem_otime),
 * and a process that opens the set waits until sem_otime is not 0. */
int sysv_semget(const char *tok, key_t fixkey, int nsems, int value, int mode);

/* P and V: take semaphore SEMNUM (wait until it is 1, then make it 0) and
 * give it back. Both use SEM_UNDO, so a process that dies holding the lock
 * gives it back. A signal that interrupts the wait makes reserve fail with
 * EINTR, so that a demo can stop on Ctrl-C. Return 0 or -1. */
int sysv_sem_reserve(int semid, int semnum);
int sysv_sem_release(int semid, int semnum);

/* Remove the set (IPC_RMID). Returns 0 or -1. */
int sysv_semrm(int semid);

/* --- message queues (lib_sysv_msg.c) ------------------------------------------
 * Create a queue with permission bits MODE, or open the one that has the key
 * (ftok(TOK, SYSV_FTOK_ID), else FIXKEY, which may be IPC_PRIVATE).
 * Returns the msqid or -1. */
int sysv_msgget(const char *tok, key_t fixkey, int mode);

/* Send LEN bytes of DATA as one message of type MTYPE (> 0); FLAGS 0 or
 * IPC_NOWAIT. Receive the next message msgrcv(2) selects with MSGTYP (0, > 0
 * or < 0) into DATA (at most MAX bytes; FLAGS as for msgrcv), its type into
 * *MTYPE if not NULL; returns the number of bytes. Both return -1 on failure;
 * EINTR (a handled signal), and EAGAIN or ENOMSG under IPC_NOWAIT, are the
 * caller's to report: the others are reported here. */
int sysv_msgsnd(int msqid, long mtype, const void *data, size_t len, int flags);
ssize_t sysv_msgrcv(int msqid, long *mtype, void *data, size_t max, long msgtyp, int flags);

/* Remove queue MSQID (IPC_RMID); its messages go with it. Returns 0 or -1. */
int sysv_msgrm(int msqid);

#endif
