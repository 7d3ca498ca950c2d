/* msg_send: put one message on a queue with msgsnd().
 *
 * usage: msg_send [-n] MSQID TYPE TEXT
 *
 * A message is a type, a long greater than 0, and a text of any bytes (here
 * the TEXT argument, without a terminating NUL). msgsnd() copies it into the
 * kernel and returns: the queue keeps it until someone receives it, even
 * after this program has exited. When the queue is full (msg_qbytes reached)
 * msgsnd waits for room; with -n (IPC_NOWAIT) it fails with EAGAIN instead.
 *
 * $ id=$(./msg_create)
 * $ ./msg_send $id 1 hello
 * $ ./msg_send $id 0 hello
 * msg_send: msgsnd 2045182014: EINVAL: Invalid argument
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

static const char help[] =
    "usage: msg_send [-n] MSQID TYPE TEXT\n"
    "Send TEXT (without a NUL) as one message of type TYPE with msgsnd().\n"
    "TYPE must be greater than 0; the kernel checks, so 0 shows EINVAL.\n"
    "  -n  IPC_NOWAIT: fail with EAGAIN instead of waiting when the queue is full\n";

// tag::message[]
struct message {
    long mtype;                 /* > 0 */
    char mtext[];               /* the bytes; msgsz counts only these */  // <1>
};
// end::message[]

int main(int argc, char *argv[])
{
    int flags = 0, opt, msqid;
    struct message *m;
    size_t len;
    long type;

    while ((opt = next_option(argc, argv, "n", help)) != -1)
        flags |= IPC_NOWAIT;
    if (argc - optind < 3)
        usage_error("missing %s", argc - optind == 0 ? "MSQID" : argc - optind == 1 ? "TYPE" : "TEXT");
    if (argc - optind > 3)
        usage_error("too many arguments");
    msqid = (int)parse_long("msqid", argv[optind], 0, INT_MAX);
    type = parse_long("type", argv[optind + 1], LONG_MIN, LONG_MAX);  /* 0: the kernel says no */
    len = strlen(argv[optind + 2]);

    if ((m = malloc(sizeof *m + len)) == NULL)
        die("malloc");
    // tag::send[]
    m->mtype = type;
    memcpy(m->mtext, argv[optind + 2], len);
    if (msgsnd(msqid, m, len, flags) == -1)     // <1>
        die("msgsnd %d", msqid);
    // end::send[]
    free(m);
    return EXIT_SUCCESS;
}
