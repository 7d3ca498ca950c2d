/* limits.c: the limits of message queues, in /proc/sys/fs/mqueue, per IPC
 * namespace. (RLIMIT_MSGQUEUE: a row of errno.c.) */
#define _GNU_SOURCE
#include "posix.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

/* A queue made without attributes gets msg_default and msgsize_default. */
START_TEST(mq_defaults_from_proc)
{
    struct mq_attr attr;
    char name[64];
    mqd_t mq;

    t_posix_name(name);
    mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
    ck_assert_msg(mq != (mqd_t)-1, "mq_open %s: %s", name, strerror(errno));
    ck_assert_int_eq(mq_getattr(mq, &attr), 0);
    drop_queue(mq, name);
    ck_assert_int_eq(attr.mq_maxmsg, t_read_long("/proc/sys/fs/mqueue/msg_default"));
    ck_assert_int_eq(attr.mq_msgsize, t_read_long("/proc/sys/fs/mqueue/msgsize_default"));
}
END_TEST

struct limits_ctx {
    char name[64];
    bool cap;                   /* CAP_SYS_RESOURCE, judged outside the namespace */
};

/* mq_open NAME, O_CREAT | O_EXCL, with MAXMSG and MSGSIZE (the defaults if
 * 0), and close it: 0 or the errno. */
static int try_queue(const char *name, long maxmsg, long msgsize)
{
    struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
    mqd_t mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, maxmsg ? &attr : NULL);

    if (mq == (mqd_t)-1)
        return errno;
    mq_close(mq);
    return 0;
}

/* In an IPC namespace of our own: msg_max 5, msgsize_max 128, queues_max 2,
 * msg_default 3. Its queues are its own: they go when it ends. Above a
 * maximum, EINVAL (ENOSPC for queues_max) unless the process has
 * CAP_SYS_RESOURCE. */
static int limits_apply(void *arg)
{
    const struct limits_ctx *c = arg;
    char a[80], b[80], x[80];
    struct mq_attr attr;
    struct t_run r;
    mqd_t mq;

    snprintf(a, sizeof a, "%s-a", c->name);
    snprintf(b, sizeof b, "%s-b", c->name);
    snprintf(x, sizeof x, "%s-x", c->name);
    NEED(t_write_file("/proc/sys/fs/mqueue/msg_max", "5\n"));
    NEED(t_write_file("/proc/sys/fs/mqueue/msgsize_max", "128\n"));
    NEED(t_write_file("/proc/sys/fs/mqueue/queues_max", "2\n"));
    NEED(t_write_file("/proc/sys/fs/mqueue/msg_default", "3\n"));
    NEED(try_queue(x, 6, 64) == (c->cap ? 0 : EINVAL));         /* above msg_max */
    if (c->cap)
        mq_unlink(x);
    NEED(try_queue(x, 5, 129) == (c->cap ? 0 : EINVAL));        /* above msgsize_max */
    if (c->cap)
        mq_unlink(x);
    NEED(try_queue(a, 5, 128) == 0);                            /* at the limits */
    NEED(try_queue(b, 0, 0) == 0);                              /* the defaults */
    NEED((mq = mq_open(b, O_RDONLY)) != (mqd_t)-1);
    NEED(mq_getattr(mq, &attr) == 0 && attr.mq_maxmsg == 3);
    mq_close(mq);
    NEED(try_queue(x, 0, 0) == (c->cap ? 0 : ENOSPC));          /* a third queue */
    t_run(&r, NULL, "chapters/posix/pmq_attr", "-l", NULL);
    NEED(r.status == 0);
    NEED(strstr(r.out, "msg_max 5\nmsgsize_max 128\nqueues_max 2\n") != NULL);
    return 0;
}

START_TEST(mq_limits_per_namespace)
{
    struct limits_ctx c;
    char queue[80];
    long before = t_read_long("/proc/sys/fs/mqueue/msg_max");

    t_posix_name(c.name);
    c.cap = t_capable(CAP_SYS_RESOURCE);
    T_IN_PRIVATE_IPC(limits_apply, &c);
    ck_assert_int_eq(t_read_long("/proc/sys/fs/mqueue/msg_max"), before);   /* ours only */
    snprintf(queue, sizeof queue, "%s-a", c.name);      /* the namespace's, gone with it */
    errno = 0;
    ck_assert_int_eq(mq_open(queue, O_RDONLY), (mqd_t)-1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

void add_limits_tests(Suite *s)
{
    TCase *tc = tcase_create("limits");

    tcase_add_test(tc, mq_defaults_from_proc);
    tcase_add_test(tc, mq_limits_per_namespace);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
