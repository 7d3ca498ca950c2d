/* msg_server: one queue, one server, many clients.
 *
 * usage: msg_server [-p | -k PATH[:ID] | -K KEY] [-v]
 *
 * The server makes a queue (default IPC_PRIVATE; with -k or -K a key the
 * clients can find, which must not have a queue yet), prints its id, and
 * serves: it takes requests of type 1, each carrying the client's pid and a
 * text, and answers each with a message whose type is that pid, so that
 * every client receives its own answer and nobody else's. The answer is the
 * text in capitals. -v reports each request on stderr.
 *
 * Ctrl-C (or kill, or a closed terminal) stops it; it removes the queue
 * then, so that a client still waiting gets EIDRM instead of waiting forever.
 * It never waits to answer: a reply that does not fit in a full queue is
 * dropped with a warning (its client times out), because a server blocked
 * on a queue full of requests would wait for itself. A request longer than
 * struct request (msg_client sends none) is cut by MSG_NOERROR: refused with
 * E2BIG, it would stop the server.
 *
 * $ ./msg_server -v -k app.conf &
 * 1389887497
 * $ ./msg_client -k app.conf hello
 * msg_server: request from pid 13600: hello
 * reply for pid 13600: HELLO
 * $ ./msg_client -k app.conf 'how are you?'
 * msg_server: request from pid 13601: how are you?
 * reply for pid 13601: HOW ARE YOU?
 * $ kill -INT %1
 * msg_server: stopped after 2 requests; queue 1389887497 removed
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "sysvipc.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>

static const char help[] =
    "usage: msg_server [-p | -k PATH[:ID] | -K KEY] [-v]\n"
    "Make a queue, print its id, and answer each request of type 1 with a\n"
    "message of the client's pid as its type. Ctrl-C stops it and removes the queue.\n"
    "  -p            IPC_PRIVATE (the default): clients need the id\n"
    "  -k PATH[:ID]  key from ftok(PATH, ID): clients use the same -k\n"
    "  -K KEY        the key itself, in hex\n"
    "  -v            report each request on stderr\n";

// tag::protocol[]
enum { REQUEST = 1, TEXT_MAX = 256 };   /* requests have type 1 */

struct request {                        /* the text of a type-1 message */
    pid_t pid;                          /* answer with this as the type */
    char text[TEXT_MAX];
};
// end::protocol[]

static int msqid = -1;
static volatile sig_atomic_t stop;

/* A signal that lands just before msgrcv starts to wait would go unseen
 * until the next request: the alarm makes sure one more comes, a second
 * later, to interrupt the wait (alarm is async-signal-safe). */
static void on_stop(int sig)
{
    (void)sig;
    stop = 1;
    alarm(1);
}

static void on_alarm(int sig)
{
    (void)sig;
}

static void remove_queue(void)
{
    if (msqid != -1 && sysv_msgrm(msqid) == 0)
        msqid = -1;
}

int main(int argc, char *argv[])
{
    int key_opt = 0, verbose = 0, opt, id;
    const char *key_arg = NULL;
    struct sigaction sa = { .sa_handler = on_stop }, alarm_sa = { .sa_handler = on_alarm };
    struct request req;
    char reply[TEXT_MAX];
    long served = 0;
    key_t key;

    while ((opt = next_option(argc, argv, "pk:K:v", help)) != -1) {
        if (opt == 'v') {
            verbose = 1;
            continue;
        }
        if (key_opt != 0)
            usage_error("give one key option");
        key_opt = opt;
        key_arg = optarg;
    }
    if (optind != argc)
        usage_error("too many arguments");
    key = parse_key_option(key_opt ? key_opt : 'p', key_arg);

    /* no SA_RESTART: a signal must end the wait (msgrcv never restarts anyway) */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGALRM, &alarm_sa, NULL);
    if ((id = msgget(key, IPC_CREAT | IPC_EXCL | 0600)) == -1)
        die("msgget");                  /* EEXIST: the key has a queue: another server? */
    msqid = id;
    atexit(remove_queue);
    printf("%d\n", id);
    if (fflush(stdout) == EOF)          /* the clients may be waiting for it */
        exit(EXIT_CALL_FAILED);         /* next_option() has it reported at exit */

    // tag::serve[]
    while (!stop) {
        ssize_t n = sysv_msgrcv(id, NULL, &req, sizeof req, REQUEST, MSG_NOERROR);  // <1>
        size_t len;

        if (n == -1 && errno == EINTR)
            continue;                                   /* a signal: stop? */
        if (n == -1) {                  /* reported; EIDRM: someone removed it */
            if (errno == EIDRM || errno == EINVAL)
                msqid = -1;             /* gone: nothing left to remove */
            exit(EXIT_CALL_FAILED);
        }
        if (n < (ssize_t)offsetof(struct request, text) || req.pid <= 0) {
            fprintf(stderr, "msg_server: a request of %zd bytes is not ours: dropped\n", n);
            continue;
        }
        len = (size_t)n - offsetof(struct request, text);
        for (size_t i = 0; i < len; i++)
            reply[i] = (char)toupper((unsigned char)req.text[i]);
        if (verbose)
            fprintf(stderr, "msg_server: request from pid %ld: %.*s\n",
                    (long)req.pid, (int)len, req.text);
        if (sysv_msgsnd(id, req.pid, reply, len, IPC_NOWAIT) == -1 && errno == EAGAIN) // <2>
            fprintf(stderr, "msg_server: the queue is full: no reply for pid %ld\n",
                    (long)req.pid);
        served++;
    }
    // end::serve[]
    remove_queue();
    fprintf(stderr, "msg_server: stopped after %ld request%s; queue %d %s\n", served,
            served == 1 ? "" : "s", id, msqid == -1 ? "removed" : "NOT removed");
    return msqid == -1 ? EXIT_SUCCESS : EXIT_CALL_FAILED;
}
