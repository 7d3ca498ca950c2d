/* msg_create: make a message queue with msgget() and print its identifier.
 *
 * usage: msg_create [-p | -k PATH[:ID] | -K KEY] [-x] [-m MODE]
 *
 * The queue is made with IPC_CREAT and the mode (default 0600); with -x also
 * IPC_EXCL, so that a key that has a queue already is an error (EEXIST)
 * instead of that queue's id. The id alone goes to stdout, so that a shell
 * can keep it: id=$(./msg_create). The queue outlives the program: remove it
 * with msg_rm (or ipcrm -q ID).
 *
 * $ ./msg_create
 * 2045182014
 * $ touch app.conf
 * $ ./msg_create -k app.conf -x
 * 2045182015
 * $ ./msg_create -k app.conf -x
 * msg_create: msgget: EEXIST: File exists
 * $ ./msg_rm 2045182014 2045182015
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>

static const char help[] =
    "usage: msg_create [-p | -k PATH[:ID] | -K KEY] [-x] [-m MODE]\n"
    "Make a message queue with msgget(IPC_CREAT) and print its id.\n"
    "  -p            IPC_PRIVATE: always a new queue (the default)\n"
    "  -k PATH[:ID]  key from ftok(PATH, ID), ID 1 to 255 (default 1)\n"
    "  -K KEY        the key itself, in hex\n"
    "  -x            add IPC_EXCL: fail with EEXIST if the key has a queue\n"
    "  -m MODE       permission bits, octal (default 0600)\n";

int main(int argc, char *argv[])
{
    int key_opt = 0, flags = IPC_CREAT, opt, msqid;
    const char *key_arg = NULL;
    mode_t mode = 0600;
    key_t key;

    while ((opt = next_option(argc, argv, "pk:K:xm:", help)) != -1) {
        switch (opt) {
        case 'p': case 'k': case 'K':
            if (key_opt != 0)
                usage_error("give one key option");
            key_opt = opt;
            key_arg = optarg;
            break;
        case 'x': flags |= IPC_EXCL; break;
        case 'm': mode = parse_mode("mode", optarg); break;
        }
    }
    if (optind != argc)
        usage_error("too many arguments");
    key = parse_key_option(key_opt ? key_opt : 'p', key_arg);

    // tag::create[]
    msqid = msgget(key, flags | (int)mode);     // <1>
    if (msqid == -1)
        die("msgget");
    printf("%d\n", msqid);                      // <2>
    // end::create[]
    /* The id could not be handed over (a full disk, say). A queue this run
     * surely made, private or under IPC_EXCL, would be left to nobody:
     * remove it. The failed write is reported at exit, with status 1. */
    if (fflush(stdout) == EOF && (key == IPC_PRIVATE || flags & IPC_EXCL))
        msgctl(msqid, IPC_RMID, NULL);
    return EXIT_SUCCESS;
}
