/* pmq_unlink: remove POSIX message queues by name.
 *
 * usage: pmq_unlink NAME...
 *
 * mq_unlink() removes the name at once. Processes that have the queue open
 * keep sending and receiving on it, waiters included, and the queue and its
 * messages are freed when the last descriptor is closed. (A System V queue
 * removed with IPC_RMID is gone at once, messages and all, and its waiters
 * fail with EIDRM.) A failure on one name does not stop the others.
 *
 * $ ./pmq_unlink /jobs
 * $ ./pmq_unlink /jobs
 * pmq_unlink: mq_unlink /jobs: ENOENT: No such file or directory
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "posix_name.h"

#include <mqueue.h>
#include <stdlib.h>

static const char help[] =
    "usage: pmq_unlink NAME...\n"
    "Remove each POSIX message queue's name (mq_unlink). Who has it open keeps\n"
    "it until closing it.\n";

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
        if (mq_unlink(argv[i]) == -1) {         // <1>
            warn_errno("mq_unlink %s", argv[i]);
            status = EXIT_CALL_FAILED;
        }
        // end::unlink[]
    }
    return status;
}
