/* psem_unlink: remove POSIX named semaphores by name.
 *
 * usage: psem_unlink NAME...
 *
 * sem_unlink() removes the name at once (the file /dev/shm/sem.NAME goes).
 * Processes that have the semaphore open keep using it, waiters included:
 * nobody gets an error like System V's EIDRM. It is freed when the last one
 * closes it. A failure on one name does not stop the others (exit status 1).
 *
 * $ ./psem_unlink /lock
 * $ ./psem_unlink /lock
 * psem_unlink: sem_unlink /lock: ENOENT: No such file or directory
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "posix_name.h"

#include <semaphore.h>
#include <stdlib.h>

static const char help[] =
    "usage: psem_unlink NAME...\n"
    "Remove each POSIX named semaphore's name (sem_unlink). Who has it open\n"
    "keeps it until closing it.\n";

int main(int argc, char *argv[])
{
    int status = EXIT_SUCCESS;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind == argc)
        usage_error("missing NAME");
    for (int i = optind; i < argc; i++)
        posix_name(argv[i]);

    for (int i = optind; i < argc; i++) {
        // tag::unlink[]
        if (sem_unlink(argv[i]) == -1) {        // <1>
            warn_errno("sem_unlink %s", argv[i]);
            status = EXIT_CALL_FAILED;
        }
        // end::unlink[]
    }
    return status;
}
