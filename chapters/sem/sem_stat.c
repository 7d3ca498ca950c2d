/* sem_stat: everything semctl(2) tells about a semaphore set.
 *
 * usage: sem_stat SEMID
 *
 * IPC_STAT fills a struct semid_ds: the ipc_perm, the number of semaphores,
 * sem_otime (the last semop, 0 if none yet) and sem_ctime (the last change
 * by semctl). Then, for each semaphore, four numbers the kernel keeps:
 *   semval   its value                                   (GETVAL)
 *   sempid   the last process that operated on it        (GETPID)
 *   semncnt  how many processes wait for it to increase  (GETNCNT)
 *   semzcnt  how many processes wait for it to be 0      (GETZCNT)
 * GETALL reads every value in one call.
 *
 * $ ./sem_stat 1310769
 * semid 1310769  key 0x00000000  nsems 2  mode 0600
 * uid 0  gid 0  cuid 0  cgid 0
 * otime 2026-11-24 09:38:13  ctime 2026-11-24 09:38:13
 * sem  semval  sempid  semncnt  semzcnt
 *   0       1    2648        0        0
 *   1       0    2648        0        0
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "semun.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <time.h>

static const char help[] =
    "usage: sem_stat SEMID\n"
    "Print the set's semid_ds (IPC_STAT) and, for each semaphore, its value,\n"
    "the pid of the last process that operated on it, and how many processes\n"
    "wait for it to increase (semncnt) or to become 0 (semzcnt).\n";

static void print_time(const char *label, time_t t)
{
    char text[32];

    if (t == 0)
        printf("%s never", label);
    else if (strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", localtime(&t)) > 0)
        printf("%s %s", label, text);
}

int main(int argc, char *argv[])
{
    unsigned short values[256];
    struct semid_ds ds;
    int semid;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind != 1)
        usage_error(argc == optind ? "missing SEMID" : "too many arguments");
    semid = (int)parse_long("semid", argv[optind], 0, INT_MAX);

    // tag::stat[]
    if (semctl(semid, 0, IPC_STAT, (union semun){ .buf = &ds }) == -1)     // <1>
        die("semctl IPC_STAT %d", semid);
    printf("semid %d  key 0x%08x  nsems %lu  mode %04o\n", semid,
           (unsigned int)ds.sem_perm.__key, (unsigned long)ds.sem_nsems,
           (unsigned int)ds.sem_perm.mode & 0777);
    printf("uid %u  gid %u  cuid %u  cgid %u\n", (unsigned int)ds.sem_perm.uid,
           (unsigned int)ds.sem_perm.gid, (unsigned int)ds.sem_perm.cuid,
           (unsigned int)ds.sem_perm.cgid);
    print_time("otime", ds.sem_otime);                                     // <2>
    print_time("  ctime", ds.sem_ctime);
    printf("\n");
    if (ds.sem_nsems > 256)
        fatal("set %d has %lu semaphores; this program shows 256 at most", semid,
              (unsigned long)ds.sem_nsems);
    if (semctl(semid, 0, GETALL, (union semun){ .array = values }) == -1)  // <3>
        die("semctl GETALL");
    printf("sem  semval  sempid  semncnt  semzcnt\n");
    for (int i = 0; i < (int)ds.sem_nsems; i++) {
        int pid = semctl(semid, i, GETPID);                                // <4>
        int ncnt = semctl(semid, i, GETNCNT);
        int zcnt = semctl(semid, i, GETZCNT);

        if (pid == -1 || ncnt == -1 || zcnt == -1)
            die("semctl GETPID/GETNCNT/GETZCNT %d", i);
        printf("%3d  %6u  %6d  %7d  %7d\n", i, values[i], pid, ncnt, zcnt);
    }
    // end::stat[]
    return EXIT_SUCCESS;
}
