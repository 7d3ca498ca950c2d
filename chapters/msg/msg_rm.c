/* msg_rm: remove message queues with msgctl(IPC_RMID).
 *
 * usage: msg_rm MSQID...
 *
 * The queue goes at once, with every message in it; a process blocked in
 * msgsnd or msgrcv on it wakes up with EIDRM. Each id is tried even when one
 * fails; the exit status is 1 if any did.
 *
 * $ ./msg_rm 2045182014 2045182015 2045182014
 * msg_rm: msgctl IPC_RMID 2045182014: EINVAL: Invalid argument
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>

static const char help[] =
    "usage: msg_rm MSQID...\n"
    "Remove each message queue with msgctl(IPC_RMID), with its messages.\n";

int main(int argc, char *argv[])
{
    int status = EXIT_SUCCESS, ids[256], n = 0;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind == argc)
        usage_error("missing MSQID");
    if (argc - optind > 256)
        usage_error("too many ids (at most 256)");
    for (int i = optind; i < argc; i++)         /* all checked before any goes */
        ids[n++] = (int)parse_long("msqid", argv[i], 0, INT_MAX);
    for (int i = 0; i < n; i++) {
        // tag::rm[]
        if (msgctl(ids[i], IPC_RMID, NULL) == -1) {
            warn_errno("msgctl IPC_RMID %d", ids[i]);
            status = EXIT_CALL_FAILED;
        }
        // end::rm[]
    }
    return status;
}
