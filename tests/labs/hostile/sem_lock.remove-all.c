/* Hostile: runs ipcrm -a, then IPC_RMID on every System V object it can
 * find, of every kind, and unlinks every POSIX name. In its sandbox it
 * finds only its own: the machine's objects and other students' must
 * survive it, and it must score 0. */
#define _GNU_SOURCE
#include <dirent.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

int main(void)
{
    struct shmid_ds shm;
    struct semid_ds sem;
    struct msqid_ds msg;
    DIR *d;
    struct dirent *e;

    if (system("ipcrm -a") == -1)
        perror("ipcrm -a");
    for (int i = 0; i < 32768; i++) {   /* every index the kernel may use */
        int id;
        if ((id = shmctl(i, SHM_STAT, &shm)) != -1)
            shmctl(id, IPC_RMID, NULL);
        if ((id = semctl(i, 0, SEM_STAT, &sem)) != -1)
            semctl(id, 0, IPC_RMID);
        if ((id = msgctl(i, MSG_STAT, &msg)) != -1)
            msgctl(id, IPC_RMID, NULL);
        shmctl(i, IPC_RMID, NULL);      /* and the ids themselves, blindly */
        semctl(i, 0, IPC_RMID);
        msgctl(i, IPC_RMID, NULL);
    }
    if ((d = opendir("/dev/shm")) != NULL) {
        while ((e = readdir(d)) != NULL)
            if (e->d_name[0] != '.')
                shm_unlink(e->d_name);
        closedir(d);
    }
    if ((d = opendir("/dev/mqueue")) != NULL) {
        char name[300];
        while ((e = readdir(d)) != NULL)
            if (e->d_name[0] != '.') {
                snprintf(name, sizeof name, "/%s", e->d_name);
                mq_unlink(name);
            }
        closedir(d);
    }
    return 0;
}
