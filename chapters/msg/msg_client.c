/* msg_client: ask msg_server, and wait for the answer meant for this process.
 *
 * usage: msg_client [-w SECONDS] (-k PATH[:ID] | -K KEY | MSQID) TEXT
 *
 * The client finds the server's queue by key, or takes its id, sends a
 * request of type 1 with its own pid and TEXT, then receives with msgtyp set
 * to its pid: of all the messages on the queue, only the one the server
 * addressed to it. It does not wait forever: after SECONDS (default 5)
 * without an answer it gives up, and if the server removes the queue while
 * it waits, msgrcv fails at once with EIDRM.
 *
 * $ ./msg_client -k app.conf hello         (msg_server -k app.conf is running)
 * reply for pid 6358: HELLO
 * $ id=$(./msg_create)                      (a queue nobody serves)
 * $ ./msg_client -w 1 $id hello
 * msg_client: no reply within 1 s: is msg_server running?
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "sysvipc.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

static const char help[] =
    "usage: msg_client [-w SECONDS] (-k PATH[:ID] | -K KEY | MSQID) TEXT\n"
    "Send TEXT to msg_server as a request of type 1 carrying this pid, and\n"
    "print the reply, the message whose type is this pid.\n"
    "  -k PATH[:ID]  find the queue by ftok(PATH, ID), as the server's -k\n"
    "  -K KEY        find the queue by this key, in hex\n"
    "  -w SECONDS    give up after this long without a reply (default 5)\n";

/* The protocol, as in msg_server.c. */
enum { REQUEST = 1, TEXT_MAX = 256 };

struct request {
    pid_t pid;
    char text[TEXT_MAX];
};

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
    (void)sig;
    timed_out = 1;
}

/* A send or receive failed: the wrapper has reported it (EINVAL: no such
 * queue; EIDRM: the server removed it while we waited), unless the alarm
 * ended the wait. */
static noreturn void gave_up(long seconds)
{
    if (timed_out)
        fatal("no reply within %ld s: is msg_server running?", seconds);
    exit(EXIT_CALL_FAILED);
}

int main(int argc, char *argv[])
{
    int key_opt = 0, opt, msqid;
    const char *key_arg = NULL, *text;
    long seconds = 5, type;
    struct sigaction sa = { .sa_handler = on_alarm };
    struct request req;
    char reply[TEXT_MAX];
    ssize_t n;

    while ((opt = next_option(argc, argv, "k:K:w:", help)) != -1) {
        if (opt == 'w') {
            seconds = parse_long("seconds", optarg, 1, 3600);
            continue;
        }
        if (key_opt != 0)
            usage_error("give one key option");
        key_opt = opt;
        key_arg = optarg;
    }
    if (argc - optind < (key_opt ? 1 : 2))
        usage_error("missing %s", key_opt || optind < argc ? "TEXT" : "MSQID");
    if (argc - optind > (key_opt ? 1 : 2))
        usage_error("too many arguments");
    text = argv[argc - 1];
    if (strlen(text) > TEXT_MAX)
        usage_error("text: longer than %d bytes", TEXT_MAX);
    if (key_opt == 0)
        msqid = (int)parse_long("msqid", argv[optind], 0, INT_MAX);
    else if ((msqid = msgget(parse_key_option(key_opt, key_arg), 0)) == -1)
        die("msgget");                  /* ENOENT: no server has made it (yet) */

    sigaction(SIGALRM, &sa, NULL);      /* no SA_RESTART: the alarm ends a wait */
    alarm((unsigned int)seconds);
    // tag::ask[]
    req.pid = getpid();
    memcpy(req.text, text, strlen(text));
    if (sysv_msgsnd(msqid, REQUEST, &req,                               // <1>
                    offsetof(struct request, text) + strlen(text), 0) == -1)
        gave_up(seconds);
    n = sysv_msgrcv(msqid, &type, reply, sizeof reply, getpid(), 0);    // <2>
    if (n == -1)
        gave_up(seconds);
    printf("reply for pid %ld: %.*s\n", type, (int)n, reply);
    // end::ask[]
    return EXIT_SUCCESS;
}
