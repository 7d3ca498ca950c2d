/* pmq_create: make a POSIX message queue.
 *
 * usage: pmq_create [-x] [-m MODE] NAME [MAXMSG MSGSIZE]
 *
 * mq_open() with O_CREAT makes the queue NAME, or opens the one the name
 * already has; -x adds O_EXCL, so that only a new queue will do. A queue's
 * size is fixed when it is made, in messages and in bytes per message:
 * MAXMSG MSGSIZE give both (they go together), or the system defaults
 * apply (/proc/sys/fs/mqueue/msg_default and msgsize_default, 10 and 8192).
 * Above msg_max or msgsize_max mq_open fails with EINVAL, unless the process
 * has CAP_SYS_RESOURCE. Nothing is printed. The queue stays until pmq_unlink
 * removes it; where an mqueue filesystem is mounted (mount -t mqueue none
 * /dev/mqueue) it is listed there as a file.
 *
 * $ ./pmq_create /jobs 5 64
 * $ ./pmq_attr /jobs
 * /jobs: maxmsg 5  msgsize 64  curmsgs 0  flags 0
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "posix_name.h"

#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <stdlib.h>

static const char help[] =
    "usage: pmq_create [-x] [-m MODE] NAME [MAXMSG MSGSIZE]\n"
    "Create the POSIX message queue NAME (/something), or open the one the\n"
    "name has. A new queue holds MAXMSG messages of up to MSGSIZE bytes each\n"
    "(default: the system's, see pmq_attr -l).\n"
    "  -x       O_EXCL: fail with EEXIST if NAME exists\n"
    "  -m MODE  permission bits, octal (default 0600); the umask applies\n";

int main(int argc, char *argv[])
{
    int flags = O_RDWR | O_CREAT, opt;
    struct mq_attr attr = { 0 }, *ap = NULL;
    mode_t mode = 0600;
    const char *name;
    mqd_t mq;

    while ((opt = next_option(argc, argv, "xm:", help)) != -1) {
        switch (opt) {
        case 'x': flags |= O_EXCL; break;
        case 'm': mode = parse_mode("mode", optarg); break;
        }
    }
    if (optind == argc)
        usage_error("missing NAME");
    if (argc - optind == 2)
        usage_error("MAXMSG and MSGSIZE go together: give both or neither");
    if (argc - optind > 3)
        usage_error("too many arguments");
    name = posix_name(argv[optind]);
    if (argc - optind == 3) {           /* the kernel judges the upper limits */
        attr.mq_maxmsg = parse_long("maxmsg", argv[optind + 1], 1, LONG_MAX);
        attr.mq_msgsize = parse_long("msgsize", argv[optind + 2], 1, LONG_MAX);
        ap = &attr;
    }

    // tag::create[]
    mq = mq_open(name, flags, mode, ap);        // <1>
    if (mq == (mqd_t)-1)
        die("mq_open %s", name);
    mq_close(mq);
    // end::create[]
    return EXIT_SUCCESS;
}
