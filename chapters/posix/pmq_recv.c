/* pmq_recv: take one message off a POSIX message queue.
 *
 * usage: pmq_recv [-n] NAME [MAXBYTES]
 *
 * mq_receive() takes the oldest message of the highest priority: there is no
 * choosing by type as with msgrcv. The buffer must hold the queue's largest
 * possible message (its msgsize), not just the message waiting: MAXBYTES
 * below msgsize fails with EMSGSIZE and the message stays queued. On an
 * empty queue mq_receive waits; with -n (O_NONBLOCK) it fails with EAGAIN.
 * Ctrl-C while waiting interrupts the wait (EINTR): nothing is taken.
 *
 * $ ./pmq_recv /jobs
 * priority 9, 6 bytes: urgent
 * $ ./pmq_recv /jobs 10
 * pmq_recv: mq_receive /jobs: EMSGSIZE: Message too long
 * $ ./pmq_recv -n /jobs
 * priority 1, 3 bytes: low
 * $ ./pmq_recv -n /jobs
 * pmq_recv: mq_receive /jobs: EAGAIN: Resource temporarily unavailable
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "posix_name.h"

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static void on_signal(int sig)
{
    (void)sig;                          /* only to interrupt a waiting mq_receive */
}

static const char help[] =
    "usage: pmq_recv [-n] NAME [MAXBYTES]\n"
    "Receive the oldest message of the highest priority from the POSIX message\n"
    "queue NAME and print its priority, length and text. The buffer is the\n"
    "queue's msgsize, or MAXBYTES (0 to 1048576) to see EMSGSIZE.\n"
    "  -n  O_NONBLOCK: fail with EAGAIN on an empty queue instead of waiting\n";

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };      /* no SA_RESTART */
    int flags = O_RDONLY, opt;
    struct mq_attr attr;
    unsigned int prio;
    long max = -1;
    const char *name;
    char *buf;
    ssize_t n;
    mqd_t mq;

    while ((opt = next_option(argc, argv, "n", help)) != -1)
        flags |= O_NONBLOCK;            /* the only option: -n */
    if (optind == argc)
        usage_error("missing NAME");
    if (argc - optind > 2)
        usage_error("too many arguments");
    name = posix_name(argv[optind]);
    if (argc - optind == 2)
        max = parse_long("maxbytes", argv[optind + 1], 0, 1048576);

    sigaction(SIGINT, &sa, NULL);       /* Ctrl-C: EINTR, one line, exit 1 */
    sigaction(SIGTERM, &sa, NULL);

    // tag::recv[]
    mq = mq_open(name, flags);
    if (mq == (mqd_t)-1)
        die("mq_open %s", name);
    if (mq_getattr(mq, &attr) == -1)                        // <1>
        die("mq_getattr %s", name);
    if (max == -1)
        max = attr.mq_msgsize;
    if ((buf = malloc((size_t)max + 1)) == NULL)
        die("malloc");
    n = mq_receive(mq, buf, (size_t)max, &prio);            // <2>
    if (n == -1)
        die("mq_receive %s", name);
    printf("priority %u, %zd bytes: %.*s\n", prio, n, (int)n, buf);
    // end::recv[]
    free(buf);
    mq_close(mq);
    return EXIT_SUCCESS;
}
