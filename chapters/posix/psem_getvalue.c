/* psem_getvalue: print the value of POSIX named semaphores.
 *
 * usage: psem_getvalue NAME...
 *
 * sem_getvalue() gives the value at the moment of the call, which may have
 * changed by the time you read it. When processes are waiting, POSIX allows
 * either 0 or minus the number of waiters; Linux (glibc) gives 0.
 *
 * $ ./psem_create /lock 3
 * $ ./psem_getvalue /lock
 * /lock 3
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "posix_name.h"

#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>

static const char help[] =
    "usage: psem_getvalue NAME...\n"
    "Print each POSIX named semaphore's name and value (sem_getvalue).\n";

int main(int argc, char *argv[])
{
    int status = EXIT_SUCCESS, value;
    sem_t *sem;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind == argc)
        usage_error("missing NAME");
    for (int i = optind; i < argc; i++)
        posix_name(argv[i]);

    for (int i = optind; i < argc; i++) {
        // tag::getvalue[]
        sem = sem_open(argv[i], 0);
        if (sem == SEM_FAILED || sem_getvalue(sem, &value) == -1) {   // <1>
            warn_errno("%s %s", sem == SEM_FAILED ? "sem_open" : "sem_getvalue", argv[i]);
            status = EXIT_CALL_FAILED;
        } else {
            printf("%s %d\n", argv[i], value);
        }
        // end::getvalue[]
        if (sem != SEM_FAILED)
            sem_close(sem);
    }
    return status;
}
