/* msg_recv: take one message off a queue with msgrcv().
 *
 * usage: msg_recv [-n] [-e] [-x] [-t TYPE] MSQID [MAXBYTES]
 *
 * TYPE chooses the message (msgtyp, default 0):
 *   0    the first message on the queue;
 *   > 0  the first message of that type (with -x: of any other type);
 *   < 0  the first message of the lowest type not above |TYPE|.
 * MAXBYTES (default 8192) is the room for the text: a longer message is
 * refused with E2BIG and stays on the queue, unless -e (MSG_NOERROR) cuts
 * it, and the rest is lost. With no message to take msgrcv waits; with -n
 * (IPC_NOWAIT) it fails with ENOMSG instead. It prints the type, the length
 * and the text.
 *
 * $ ./msg_send $id 3 three
 * $ ./msg_send $id 2 two
 * $ ./msg_recv -t -2 $id
 * type 2, 3 bytes: two
 * $ ./msg_recv -n -t 2 $id
 * msg_recv: msgrcv 2045214724: ENOMSG: No message of desired type
 */
#define _GNU_SOURCE                     /* MSG_EXCEPT */
#include "ipclab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/types.h>

static const char help[] =
    "usage: msg_recv [-n] [-e] [-x] [-t TYPE] MSQID [MAXBYTES]\n"
    "Receive one message with msgrcv() and print its type, length and text.\n"
    "  -t TYPE   0: the first message (default); > 0: the first of that type;\n"
    "            < 0: the first of the lowest type not above |TYPE|\n"
    "  -x        MSG_EXCEPT: the first of any type but TYPE (TYPE > 0)\n"
    "  -e        MSG_NOERROR: cut a message longer than MAXBYTES (default 8192)\n"
    "  -n        IPC_NOWAIT: fail with ENOMSG instead of waiting\n";

struct message {
    long mtype;
    char mtext[];
};

int main(int argc, char *argv[])
{
    long msgtyp = 0, max = 8192;
    int flags = 0, opt, msqid;
    struct message *m;
    ssize_t n;

    while ((opt = next_option(argc, argv, "next:", help)) != -1) {
        switch (opt) {
        case 'n': flags |= IPC_NOWAIT; break;
        case 'e': flags |= MSG_NOERROR; break;
        case 'x': flags |= MSG_EXCEPT; break;
        case 't': msgtyp = parse_long("type", optarg, LONG_MIN + 1, LONG_MAX); break;
        }
    }
    if (optind == argc)
        usage_error("missing MSQID");
    if (argc - optind > 2)
        usage_error("too many arguments");
    msqid = (int)parse_long("msqid", argv[optind], 0, INT_MAX);
    if (argc - optind == 2)
        max = parse_long("maxbytes", argv[optind + 1], 0, 1L << 20);

    if ((m = malloc(sizeof *m + (size_t)max)) == NULL)
        die("malloc");
    // tag::recv[]
    n = msgrcv(msqid, m, (size_t)max, msgtyp, flags);   // <1>
    if (n == -1)
        die("msgrcv %d", msqid);
    printf("type %ld, %zd bytes: %.*s\n", m->mtype, n, (int)n, m->mtext);  // <2>
    // end::recv[]
    free(m);
    return EXIT_SUCCESS;
}
