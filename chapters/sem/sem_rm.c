/* sem_rm: remove semaphore sets, as ipcrm -s does.
 *
 * usage: sem_rm SEMID...
 *
 * semctl(SEMID, 0, IPC_RMID) removes a set at once, even while processes
 * wait on it: each waiter's semop fails with EIDRM. Only the owner, the
 * creator or a process with CAP_SYS_ADMIN may remove it (EPERM otherwise).
 * A failure is reported and the other ids are still removed; the exit
 * status is then 1.
 *
 * $ ./sem_rm 1310769
 * $ ./sem_rm 1310769
 * sem_rm: semctl IPC_RMID 1310769: EINVAL: Invalid argument
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>

static const char help[] =
    "usage: sem_rm SEMID...\n"
    "Remove each semaphore set (semctl IPC_RMID); processes waiting on it\n"
    "get EIDRM. Exit status 1 if any removal failed.\n";

int main(int argc, char *argv[])
{
    int status = EXIT_SUCCESS;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind == argc)
        usage_error("missing SEMID");
    for (int i = optind; i < argc; i++)     /* every id is checked first */
        parse_long("semid", argv[i], 0, INT_MAX);
    for (int i = optind; i < argc; i++) {
        int semid = (int)parse_long("semid", argv[i], 0, INT_MAX);

        if (semctl(semid, 0, IPC_RMID) == -1) {     /* no fourth argument */
            warn_errno("semctl IPC_RMID %d", semid);
            status = EXIT_CALL_FAILED;
        }
    }
    return status;
}
