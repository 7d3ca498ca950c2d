/* Hostile: for five seconds, removes every System V object it can see, the
 * grader's own among them, as soon as they appear. It must score 0, and
 * remove nothing outside its sandbox. */
#define _GNU_SOURCE                     /* MSG_STAT, SEM_STAT, SHM_STAT */
#include <stdio.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>

int main(void)
{
    time_t end = time(NULL) + 5;
    struct msqid_ds msg;
    struct semid_ds sem;
    struct shmid_ds shm;

    while (time(NULL) < end)
        for (int i = 0; i < 256; i++) {
            int id;
            if ((id = msgctl(i, MSG_STAT, &msg)) != -1)
                msgctl(id, IPC_RMID, NULL);
            if ((id = semctl(i, 0, SEM_STAT, &sem)) != -1)
                semctl(id, 0, IPC_RMID);
            if ((id = shmctl(i, SHM_STAT, &shm)) != -1)
                shmctl(id, IPC_RMID, NULL);
        }
    return 0;
}
