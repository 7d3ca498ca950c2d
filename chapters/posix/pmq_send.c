/* pmq_send: put one message on a POSIX message queue, with a priority.
 *
 * usage: pmq_send [-n] NAME PRIORITY TEXT
 *
 * mq_send() copies TEXT (without a NUL) onto the queue. PRIORITY, 0 to 32767
 * on Linux (MQ_PRIO_MAX - 1), decides the order: a receiver always gets the
 * oldest message of the highest priority. On a full queue mq_send waits for
 * room; with -n (O_NONBLOCK) it fails with EAGAIN instead. A text longer
 * than the queue's msgsize is refused with EMSGSIZE. Ctrl-C while waiting
 * interrupts the wait (EINTR): nothing is sent.
 *
 * $ ./pmq_create /jobs
 * $ ./pmq_send /jobs 1 low
 * $ ./pmq_send /jobs 9 urgent
 * $ ./pmq_recv /jobs
 * priority 9, 6 bytes: urgent
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "posix_name.h"

#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static void on_signal(int sig)
{
    (void)sig;                          /* only to interrupt a waiting mq_send */
}

static const char help[] =
    "usage: pmq_send [-n] NAME PRIORITY TEXT\n"
    "Send TEXT with PRIORITY (0 to 32767; higher goes first) on the POSIX\n"
    "message queue NAME, waiting for room if the queue is full.\n"
    "  -n  O_NONBLOCK: fail with EAGAIN on a full queue instead of waiting\n";

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };      /* no SA_RESTART */
    int flags = O_WRONLY, opt;
    unsigned int prio;
    const char *name, *text;
    mqd_t mq;

    while ((opt = next_option(argc, argv, "n", help)) != -1)
        flags |= O_NONBLOCK;            /* the only option: -n */
    if (argc - optind < 3)
        usage_error(argc == optind ? "missing NAME" : argc - optind == 1 ? "missing PRIORITY"
                                                                         : "missing TEXT");
    if (argc - optind > 3)
        usage_error("too many arguments");
    name = posix_name(argv[optind]);
    /* INT_MAX fits any long (UINT_MAX does not); above 32767 the kernel says EINVAL */
    prio = (unsigned int)parse_long("priority", argv[optind + 1], 0, INT_MAX);
    text = argv[optind + 2];

    sigaction(SIGINT, &sa, NULL);       /* Ctrl-C: EINTR, one line, exit 1 */
    sigaction(SIGTERM, &sa, NULL);

    // tag::send[]
    mq = mq_open(name, flags);                              // <1>
    if (mq == (mqd_t)-1)
        die("mq_open %s", name);
    if (mq_send(mq, text, strlen(text), prio) == -1)        // <2>
        die("mq_send %s", name);
    // end::send[]
    mq_close(mq);
    return EXIT_SUCCESS;
}
