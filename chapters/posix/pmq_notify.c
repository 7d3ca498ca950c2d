/* pmq_notify: be told by a signal when a message arrives on an empty queue.
 *
 * usage: pmq_notify [-t SECONDS] NAME
 *
 * mq_notify() asks the kernel to send us SIGUSR1 when a message arrives on
 * the queue while it is empty, instead of sitting in mq_receive. System V
 * queues have nothing like it. The rules the program shows:
 *  - one process at a time may be registered on a queue: a second gets EBUSY;
 *  - the notice comes only for a message on an EMPTY queue, so a queue that
 *    already holds messages is refused here (it would notify only once
 *    some other process had emptied it);
 *  - it comes once: after it, the registration is gone (register again);
 *  - a process waiting in mq_receive gets the message instead, no notice.
 * The signal is blocked and taken with sigwaitinfo() (sigtimedwait() with -t),
 * which says who sent the message (si_pid) and why (si_code SI_MESGQ). Then
 * the message is read. A SIGUSR1 from kill (si_code SI_USER) is no notice,
 * and a stop and continue (Ctrl-Z, fg) ends the wait with EINTR: either
 * way it waits on, until the same deadline. Ctrl-C (or -t SECONDS without a
 * message) ends it; the registration goes with the process.
 *
 * $ ./pmq_create /jobs
 * $ ./pmq_notify /jobs &
 * pid 3301: registered on /jobs; waiting
 * $ ./pmq_send /jobs 3 'wake up'
 * pid 3301: notified by SIGUSR1 (SI_MESGQ): a message from pid 3302
 * priority 3, 7 bytes: wake up
 */
#define _GNU_SOURCE                     /* sigabbrev_np: "INT" for SIGINT */
#include "ipclab.h"
#include "posix_name.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help[] =
    "usage: pmq_notify [-t SECONDS] NAME\n"
    "Register with mq_notify() for SIGUSR1 on the empty POSIX message queue\n"
    "NAME, wait for the signal, then receive the message that caused it.\n"
    "  -t SECONDS  give up after SECONDS (1 to 3600) without a message\n";

/* The time from now until DEADLINE on CLOCK_MONOTONIC; 0 once it has passed. */
static struct timespec time_left(const struct timespec *deadline)
{
    struct timespec now;
    long long ns;

    clock_gettime(CLOCK_MONOTONIC, &now);
    ns = (deadline->tv_sec - now.tv_sec) * 1000000000LL + (deadline->tv_nsec - now.tv_nsec);
    if (ns <= 0)
        return (struct timespec){ 0, 0 };
    return (struct timespec){ ns / 1000000000, ns % 1000000000 };
}

int main(int argc, char *argv[])
{
    struct timespec deadline;
    struct mq_attr attr;
    siginfo_t info;
    sigset_t set;
    const char *name;
    char *buf;
    unsigned int prio;
    long seconds = 0;
    int opt, sig;
    ssize_t n;
    mqd_t mq;

    while ((opt = next_option(argc, argv, "t:", help)) != -1)
        seconds = parse_long("seconds", optarg, 1, 3600);          /* the only option */
    if (optind == argc)
        usage_error("missing NAME");
    if (argc - optind > 1)
        usage_error("too many arguments");
    name = posix_name(argv[optind]);

    sigemptyset(&set);                  /* taken by sigwaitinfo, never delivered */
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    mq = mq_open(name, O_RDONLY | O_NONBLOCK);
    if (mq == (mqd_t)-1)
        die("mq_open %s", name);
    // tag::notify[]
    struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
    if (mq_notify(mq, &sev) == -1)                                  // <1>
        die("mq_notify %s", name);
    if (mq_getattr(mq, &attr) == -1)
        die("mq_getattr %s", name);
    if (attr.mq_curmsgs > 0)                                        // <2>
        fatal("%s holds %ld messages: a notice comes only when one arrives on an "
              "empty queue", name, attr.mq_curmsgs);
    printf("pid %ld: registered on %s; waiting\n", (long)getpid(), name);
    fflush(stdout);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += seconds;
    for (;;) {
        struct timespec left = time_left(&deadline);                /* -t: what remains */
        sig = seconds ? sigtimedwait(&set, &info, &left) : sigwaitinfo(&set, &info);  // <3>
        if (sig == -1 && errno == EINTR)        /* stopped and continued: wait on */
            continue;
        if (sig != SIGUSR1 || info.si_code == SI_MESGQ)
            break;
        printf("pid %ld: a SIGUSR1 from pid %ld, not from the queue; waiting\n",
               (long)getpid(), (long)info.si_pid);                  // <4>
        fflush(stdout);
    }
    if (sig == -1 && errno == EAGAIN)
        fatal("no message within %ld s", seconds);
    if (sig == -1)
        die(seconds ? "sigtimedwait" : "sigwaitinfo");
    if (sig != SIGUSR1)
        fatal("stopped by SIG%s before any message came", sigabbrev_np(sig));
    printf("pid %ld: notified by SIGUSR1 (SI_MESGQ): a message from pid %ld\n",
           (long)getpid(), (long)info.si_pid);
    // end::notify[]
    if ((buf = malloc((size_t)attr.mq_msgsize)) == NULL)
        die("malloc");
    n = mq_receive(mq, buf, (size_t)attr.mq_msgsize, &prio);
    if (n == -1)                        /* someone else was quicker: EAGAIN */
        die("mq_receive %s", name);
    printf("priority %u, %zd bytes: %.*s\n", prio, n, (int)n, buf);
    free(buf);
    mq_close(mq);
    return EXIT_SUCCESS;
}
