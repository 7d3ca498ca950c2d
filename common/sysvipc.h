/* sysvipc.h: the wrapper library libsysvipc.a, in the style of seed 000's
 * lib_sysv_shm.c. Each wrapper reports a failure on stderr in the lab's
 * format and returns -1 with errno set, so a lesson reads as a list of steps.
 * Later chapters add lib_sysv_sem.c and lib_sysv_msg.c here. */
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

#endif
