/* msg_pidserver: msg_server's protocol, and a server that a dead client
 * cannot hurt. A lab: the statement is at the end of the book's chapter on
 * message queues; `make grade LAB=msg_pidserver` grades this file.
 *
 * usage: msg_pidserver [-d MS] [-p | -k PATH[:ID] | -K KEY]
 *
 * The server makes a queue, prints its id, and answers each request of type
 * 1 (struct request: the client's pid and a text) with the text in capitals,
 * in a message whose type is the client's pid; msg_client is its client.
 * Each request takes it MS milliseconds of work first (-d, default 0).
 *
 * A client killed while it waits never takes its reply, and that reply
 * would stay on the queue for as long as the queue lives, taking room from
 * the others. So the server remembers whom it answered, and once a second
 * takes back the replies of those who have died. Ctrl-C (or SIGTERM, SIGHUP)
 * stops it, and it removes the queue.
 *
 * $ ./msg_pidserver -d 2000 -k app.conf &
 * 1389887497
 * $ ../msg_client -k app.conf hello
 * reply for pid 13600: HELLO
 * $ ../msg_client -k app.conf 'not waiting'      (Ctrl-C at once)
 * ^C
 * $ kill -INT %1
 * msg_pidserver: 2 requests, 1 reply taken back from dead clients; queue 1389887497 removed
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <time.h>

static const char help[] =
    "usage: msg_pidserver [-d MS] [-p | -k PATH[:ID] | -K KEY]\n"
    "Make a queue, print its id, and answer each request of type 1 with a\n"
    "message of the client's pid as its type; take back the replies of clients\n"
    "that died. Ctrl-C stops it and removes the queue.\n"
    "  -d MS         work MS milliseconds on each request (default 0)\n"
    "  -p            IPC_PRIVATE (the default): clients need the id\n"
    "  -k PATH[:ID]  key from ftok(PATH, ID): clients use the same -k\n"
    "  -K KEY        the key itself, in hex\n";

/* The protocol, as in msg_server.c and msg_client.c. */
enum { REQUEST = 1, TEXT_MAX = 256 };

struct request {                        /* the text of a type-1 message */
    pid_t pid;                          /* answer with this as the type */
    char text[TEXT_MAX];
};

struct request_message {                /* what msgrcv fills: the type, then the text */
    long mtype;
    struct request req;
};

struct reply_message {
    long mtype;                         /* the client's pid */
    char text[TEXT_MAX];
};

enum { MAX_CLIENTS = 1024 };            /* clients remembered at once */

static int msqid = -1;
static volatile sig_atomic_t stop;
static pid_t answered[MAX_CLIENTS];     /* the clients that may have a reply waiting */
static int nanswered;
static long taken_back;                 /* replies of dead clients taken off the queue */

static void on_stop(int sig)
{
    (void)sig;
    stop = 1;
}

static void on_alarm(int sig)           /* ends a wait, once a second: time to sweep */
{
    (void)sig;
}

/* Wait for the oldest request and put it in *REQ: the length of its text,
 * or -1 with errno set (EINTR: a signal ended the wait). */
static ssize_t take_request(struct request *req)
{
    //> /* TODO 1: msgrcv(2) the oldest message of type REQUEST into a
    //>  * struct request_message, and copy its request into *req. Which
    //>  * msgtyp takes requests and never a reply? A request longer than
    //>  * struct request must not stop the server: MSG_NOERROR cuts it.
    //>  * Return the length of the text: what msgrcv returned, less the
    //>  * bytes of the pid in front of it (a message too short to hold a
    //>  * pid: set req->pid to 0, and main drops it). */
    //> (void)req;
    //> pause();                           /* until a signal: remove this */
    //> errno = EINTR;
    //> return -1;
    // BEGIN SOLUTION
    struct request_message m;
    ssize_t n = msgrcv(msqid, &m, sizeof m.req, REQUEST, MSG_NOERROR);

    if (n == -1)
        return -1;
    *req = m.req;
    if (n < (ssize_t)offsetof(struct request, text)) {
        req->pid = 0;                   /* too short to hold a pid: main drops it */
        return 0;
    }
    return n - (ssize_t)offsetof(struct request, text);
    // END SOLUTION
}

/* Remember that PID may have a reply waiting on the queue. */
static void remember(pid_t pid)
{
    for (int i = 0; i < nanswered; i++)
        if (answered[i] == pid)
            return;
    if (nanswered == MAX_CLIENTS) {
        fprintf(stderr, "msg_pidserver: %d clients at once: pid %ld is not remembered\n",
                MAX_CLIENTS, (long)pid);
        return;
    }
    answered[nanswered++] = pid;
}

/* Send TEXT (LEN bytes) to the client PID, without waiting: 0, or -1 when
 * the reply could not be sent (a warning on stderr says why). */
static int answer(pid_t pid, const char *text, size_t len)
{
    //> /* TODO 2: msgsnd(2) a struct reply_message of type pid with the
    //>  * text. The server must never wait for room: why? A reply that
    //>  * does not fit is dropped, with a warning (warn_errno). */
    //> (void)pid, (void)text, (void)len;
    //> return -1;
    // BEGIN SOLUTION
    struct reply_message m = { .mtype = pid };

    memcpy(m.text, text, len);
    if (msgsnd(msqid, &m, len, IPC_NOWAIT) == -1) {     /* EAGAIN: the queue is full */
        warn_errno("msgsnd: no reply for pid %ld", (long)pid);
        return -1;
    }
    return 0;
    // END SOLUTION
}

/* Take off the queue the replies of the remembered clients that have died,
 * and forget those clients. */
static void sweep(void)
{
    //> /* TODO 3: for each pid in answered[]: is the process still there?
    //>  * kill(2) with signal 0 asks without sending anything: ESRCH means
    //>  * it is gone. A dead client's reply (if it did not take it before it
    //>  * died) is the message of type pid: take it off without waiting,
    //>  * count it in taken_back, and remove the pid from answered[]. */
    // BEGIN SOLUTION
    for (int i = 0; i < nanswered; ) {
        struct reply_message m;

        if (kill(answered[i], 0) == 0 || errno != ESRCH) {
            i++;                        /* alive (EPERM: alive, someone else's) */
            continue;
        }
        while (msgrcv(msqid, &m, sizeof m.text, answered[i], IPC_NOWAIT | MSG_NOERROR) != -1)
            taken_back++;
        answered[i] = answered[--nanswered];
    }
    // END SOLUTION
}

/* Remove the queue: main() has it run at exit, also after Ctrl-C. */
static void remove_queue(void)
{
    //> /* TODO 4: remove the queue (msgctl(2) IPC_RMID), if there is one;
    //>  * warn_errno() if that fails, else set msqid to -1. */
    // BEGIN SOLUTION
    if (msqid == -1)
        return;
    if (msgctl(msqid, IPC_RMID, NULL) == -1)
        warn_errno("msgctl IPC_RMID %d", msqid);
    else
        msqid = -1;
    // END SOLUTION
}

/* Work MS milliseconds; a signal to stop cuts it short. */
static void work(long ms)
{
    struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

    while (nanosleep(&t, &t) == -1 && errno == EINTR && !stop)
        continue;                       /* the alarm: work on */
}

int main(int argc, char *argv[])
{
    int key_opt = 0, opt, id;
    const char *key_arg = NULL;
    struct sigaction sa = { .sa_handler = on_stop }, alarm_sa = { .sa_handler = on_alarm };
    struct request req;
    char reply[TEXT_MAX];
    long served = 0, ms = 0;
    key_t key;

    while ((opt = next_option(argc, argv, "d:pk:K:", help)) != -1) {
        if (opt == 'd') {
            ms = parse_long("ms", optarg, 0, 60000);
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

    /* no SA_RESTART: a signal must end the wait */
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

    while (!stop) {
        ssize_t len;

        alarm(1);                       /* a wait lasts a second at most */
        len = take_request(&req);
        if (len == -1 && errno == EINTR) {
            sweep();                    /* the alarm, or a signal to stop */
            continue;
        }
        if (len == -1) {                /* EIDRM: someone removed the queue */
            warn_errno("msgrcv %d", id);
            if (errno == EIDRM || errno == EINVAL)
                msqid = -1;             /* gone: nothing left to remove */
            exit(EXIT_CALL_FAILED);
        }
        if (req.pid <= 0) {
            fprintf(stderr, "msg_pidserver: a request with no pid: dropped\n");
            continue;
        }
        work(ms);
        for (ssize_t i = 0; i < len; i++)
            reply[i] = (char)toupper((unsigned char)req.text[i]);
        if (answer(req.pid, reply, (size_t)len) == 0)
            remember(req.pid);
        served++;
        sweep();                        /* the client may have died while we worked */
    }
    alarm(0);
    remove_queue();
    fprintf(stderr, "msg_pidserver: %ld request%s, %ld repl%s taken back from dead clients; "
            "queue %d %s\n", served, served == 1 ? "" : "s", taken_back,
            taken_back == 1 ? "y" : "ies", id, msqid == -1 ? "removed" : "NOT removed");
    return msqid == -1 ? EXIT_SUCCESS : EXIT_CALL_FAILED;
}
