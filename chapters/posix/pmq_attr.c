/* pmq_attr: show a POSIX message queue's attributes, or the system's limits.
 *
 * usage: pmq_attr NAME...
 *        pmq_attr -l
 *
 * mq_getattr() gives what a queue was made with (maxmsg, msgsize), how many
 * messages wait on it now (curmsgs), and the descriptor's flags: those of
 * this program's own descriptor, so always 0 here (O_NONBLOCK belongs to a
 * descriptor, not to the queue). With -l: the limits, which are files under /proc/sys/fs/mqueue (one
 * set per IPC namespace): msg_max and msgsize_max cap what mq_open may ask
 * for, queues_max how many queues there may be, and msg_default and
 * msgsize_default are what a queue gets when mq_open is given no attributes.
 *
 * $ ./pmq_attr /jobs
 * /jobs: maxmsg 10  msgsize 8192  curmsgs 2  flags 0
 * $ ./pmq_attr -l
 * msg_max 10
 * ...
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "posix_name.h"

#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>

static const char help[] =
    "usage: pmq_attr NAME...\n"
    "       pmq_attr -l\n"
    "Print each POSIX message queue's maxmsg, msgsize, curmsgs and flags.\n"
    "  -l  print the limits instead, from /proc/sys/fs/mqueue\n";

static int show_limits(void)
{
    static const char *const files[] = {
        "msg_max", "msgsize_max", "queues_max", "msg_default", "msgsize_default",
    };
    char path[64];
    long value;

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        FILE *f;

        snprintf(path, sizeof path, "/proc/sys/fs/mqueue/%s", files[i]);
        if ((f = fopen(path, "r")) == NULL)
            die("open %s", path);
        if (fscanf(f, "%ld", &value) != 1)
            fatal("%s: not a number", path);
        fclose(f);
        printf("%s %ld\n", files[i], value);
    }
    return EXIT_SUCCESS;
}

int main(int argc, char *argv[])
{
    int status = EXIT_SUCCESS, limits = 0, opt;
    struct mq_attr attr;
    mqd_t mq;

    while ((opt = next_option(argc, argv, "l", help)) != -1)
        limits = 1;
    if (limits && optind < argc)
        usage_error("-l takes no NAME");
    if (limits)
        return show_limits();
    if (optind == argc)
        usage_error("missing NAME");
    for (int i = optind; i < argc; i++)
        posix_name(argv[i]);

    for (int i = optind; i < argc; i++) {
        // tag::getattr[]
        mq = mq_open(argv[i], O_RDONLY);    /* no O_CREAT: an existing queue only */
        if (mq == (mqd_t)-1 || mq_getattr(mq, &attr) == -1) {                 // <1>
            warn_errno("%s %s", mq == (mqd_t)-1 ? "mq_open" : "mq_getattr", argv[i]);
            status = EXIT_CALL_FAILED;
        } else {
            printf("%s: maxmsg %ld  msgsize %ld  curmsgs %ld  flags %ld\n", argv[i],
                   attr.mq_maxmsg, attr.mq_msgsize, attr.mq_curmsgs, attr.mq_flags);
        }
        // end::getattr[]
        if (mq != (mqd_t)-1)
            mq_close(mq);
    }
    return status;
}
