/* semun.h: semctl's fourth argument, declared once for the whole lab. */
#ifndef SEMUN_H
#define SEMUN_H

#include <sys/sem.h>

// tag::semun[]
/* glibc does not define union semun (it defines _SEM_SEMUN_UNDEFINED to say
 * so): semctl(2) asks the caller to. It is semctl's fourth argument. */
union semun {
    int val;                    /* SETVAL */
    struct semid_ds *buf;       /* IPC_STAT, IPC_SET */
    unsigned short *array;      /* GETALL, SETALL */
    struct seminfo *__buf;      /* IPC_INFO, SEM_INFO */
};
// end::semun[]

#endif
