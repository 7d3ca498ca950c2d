/* shm_rm: remove segments (step 5 of 5), as ipcrm -m does.
 *
 * usage: shm_rm SHMID...
 *
 * shmctl(IPC_RMID) on each id. A segment that is still attached is not
 * destroyed at once: its key becomes 0, ipcs -m shows it as "dest", the
 * processes that have it attached go on using it, and it is destroyed when
 * the last one detaches. A failure on one id does not stop the others; the
 * exit status is then 1.
 *
 * $ ./shm_rm 2392090 2392091
 * $ ./shm_rm 2392090
 * shm_rm: shmctl IPC_RMID 2392090: EINVAL: Invalid argument
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/shm.h>

static const char help[] =
    "usage: shm_rm SHMID...\n"
    "Remove each segment (shmctl IPC_RMID). A segment still attached lives\n"
    "on, marked \"dest\", until the last process detaches it.\n";

int main(int argc, char *argv[])
{
    int status = EXIT_SUCCESS;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind == argc)
        usage_error("missing SHMID");
    for (int i = optind; i < argc; i++)         /* check them all first */
        parse_long("shmid", argv[i], 0, INT_MAX);

    for (int i = optind; i < argc; i++) {
        int id = parse_long("shmid", argv[i], 0, INT_MAX);

        // tag::rm[]
        if (shmctl(id, IPC_RMID, NULL) == -1) {   // <1>
            warn_errno("shmctl IPC_RMID %d", id);
            status = EXIT_CALL_FAILED;
        }
        // end::rm[]
    }
    return status;
}
