/* mqueue.c: message queues: priorities, sizes, blocking, descriptors. */
#define _GNU_SOURCE
#include "posix.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

START_TEST(priority_order_fifo_within)
{
    static const struct { const char *text; unsigned int prio; } sent[] = {
        { "a1", 1 }, { "b5", 5 }, { "c1", 1 }, { "d5", 5 }, { "e0", 0 }, { "f9", 9 },
    };
    static const char *const order[] = { "f9", "b5", "d5", "a1", "c1", "e0" };
    char name[64], text[8200];
    unsigned int prio;
    mqd_t mq = new_queue(name, 10, 8192, O_NONBLOCK);

    for (size_t i = 0; i < sizeof sent / sizeof sent[0]; i++)
        send_text(mq, sent[i].text, sent[i].prio);
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), 2);
        ck_assert_str_eq(text, order[i]);
        ck_assert_uint_eq(prio, (unsigned int)(order[i][1] - '0'));
    }
    drop_queue(mq, name);
}
END_TEST

START_TEST(priority_limit)
{
    char name[64];
    mqd_t mq;

    ck_assert_int_eq(sysconf(_SC_MQ_PRIO_MAX), 32768);
    ck_assert_int_eq(MQ_PRIO_MAX, 32768);
    mq = new_queue(name, 10, 16, O_NONBLOCK);
    ck_assert_int_eq(mq_send(mq, "x", 1, 32767), 0);
    errno = 0;
    ck_assert_int_eq(mq_send(mq, "x", 1, 32768), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(curmsgs(mq), 1);
    drop_queue(mq, name);
}
END_TEST

static void on_signal(int sig)
{
    (void)sig;
}

/* Waiting in mq_timedsend on the full queue it inherited, a handler without
 * SA_RESTART runs: EINTR, and nothing sent. */
static int send_interrupted(void *mq)
{
    struct sigaction sa = { .sa_handler = on_signal };
    struct timespec deadline;

    NEED(sigaction(SIGUSR1, &sa, NULL) == 0);
    NEED(clock_gettime(CLOCK_REALTIME, &deadline) == 0);
    deadline.tv_sec += 3600;
    errno = 0;
    NEED(mq_timedsend(*(mqd_t *)mq, "2", 1, 0, &deadline) == -1);
    NEED_EQ(errno, EINTR);
    return 0;
}

START_TEST(mq_timedsend_eintr)
{
    char name[64];
    struct t_proc p;
    mqd_t mq = new_queue(name, 1, 16, 0);

    send_text(mq, "1", 0);                      /* full */
    t_fork(&p, 0, send_interrupted, &mq);
    ck_assert_msg(t_blocked_in(p.pid, SYS_mq_timedsend), "the sender is not waiting");
    t_kill(&p, SIGUSR1);
    ck_assert_msg(t_wait(&p) == 0, "the sender: status %d (its failed step is on stderr)",
                  p.status);
    ck_assert_int_eq(curmsgs(mq), 1);
    drop_queue(mq, name);
}
END_TEST

static int send_blocking(void *name)
{
    mqd_t own = mq_open(name, O_WRONLY);

    NEED(own != (mqd_t)-1);
    NEED(mq_send(own, "3", 1, 0) == 0);
    return 0;
}

/* O_NONBLOCK: EAGAIN on a full queue and on an empty one; without it, a
 * sender waits on the full queue until a receiver makes room. */
START_TEST(nonblock_eagain_full_and_empty)
{
    char name[64], text[64];
    unsigned int prio;
    struct t_proc p;
    mqd_t mq = new_queue(name, 2, 16, O_NONBLOCK);

    errno = 0;
    ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), -1);      /* empty */
    ck_assert_int_eq(errno, EAGAIN);
    send_text(mq, "1", 0);
    send_text(mq, "2", 0);
    errno = 0;
    ck_assert_int_eq(mq_send(mq, "3", 1, 0), -1);                       /* full */
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(curmsgs(mq), 2);
    t_fork(&p, 0, send_blocking, name);     /* the same queue, blocking */
    ck_assert_msg(t_blocked_in(p.pid, SYS_mq_timedsend), "the sender is not waiting");
    ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), 1);
    ck_assert_msg(t_wait(&p) == 0, "the sender: status %d (its failed step is on stderr)",
                  p.status);
    ck_assert_int_eq(curmsgs(mq), 2);
    drop_queue(mq, name);
}
END_TEST

/* The receive buffer must hold msgsize bytes, whatever the message's length;
 * a message longer than msgsize cannot be sent. */
START_TEST(receive_buffer_below_msgsize_emsgsize)
{
    char name[64], text[128];
    unsigned int prio;
    mqd_t mq = new_queue(name, 4, 64, O_NONBLOCK);

    send_text(mq, "hi", 3);
    errno = 0;
    ck_assert_int_eq(mq_receive(mq, text, 63, &prio), -1);
    ck_assert_int_eq(errno, EMSGSIZE);
    ck_assert_int_eq(curmsgs(mq), 1);                           /* still queued */
    ck_assert_int_eq(mq_receive(mq, text, 64, &prio), 2);
    memset(text, 'x', sizeof text);
    errno = 0;
    ck_assert_int_eq(mq_send(mq, text, 65, 0), -1);
    ck_assert_int_eq(errno, EMSGSIZE);
    ck_assert_int_eq(mq_send(mq, text, 64, 0), 0);
    drop_queue(mq, name);
}
END_TEST

/* On Linux an mqd_t is a file descriptor: poll() waits for a message,
 * fstat() and fchmod() work on it. */
START_TEST(mqd_is_a_file_descriptor)
{
    char name[64], link[PATH_MAX], got[PATH_MAX];
    struct stat st;
    ssize_t n;
    mqd_t mq = new_queue(name, 4, 16, O_NONBLOCK);
    struct pollfd pfd = { .fd = mq, .events = POLLIN };

    ck_assert_int_eq(poll(&pfd, 1, 0), 0);                      /* empty */
    ck_assert_int_ne(fcntl(mq, F_GETFD), -1);
    snprintf(link, sizeof link, "/proc/self/fd/%d", (int)mq);
    n = readlink(link, got, sizeof got - 1);
    ck_assert_int_gt(n, 0);
    got[n] = '\0';
    ck_assert_str_eq(got, name);
    send_text(mq, "x", 0);
    ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
    ck_assert(pfd.revents & POLLIN);
    ck_assert_int_eq(fstat(mq, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0600);
    ck_assert_int_eq(fchmod(mq, 0640), 0);
    ck_assert_int_eq(fstat(mq, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0640);
    drop_queue(mq, name);
}
END_TEST

/* mq_setattr changes O_NONBLOCK only: the size is fixed at creation. */
START_TEST(mq_setattr_changes_only_the_flags)
{
    struct mq_attr set = { .mq_flags = O_NONBLOCK, .mq_maxmsg = 99, .mq_msgsize = 99 }, got;
    char name[64];
    mqd_t mq = new_queue(name, 3, 32, 0);

    ck_assert_int_eq(mq_setattr(mq, &set, NULL), 0);
    ck_assert_int_eq(mq_getattr(mq, &got), 0);
    ck_assert_int_eq(got.mq_flags, O_NONBLOCK);
    ck_assert_int_eq(got.mq_maxmsg, 3);
    ck_assert_int_eq(got.mq_msgsize, 32);
    drop_queue(mq, name);
}
END_TEST

void add_mqueue_tests(Suite *s)
{
    TCase *tc = tcase_create("mqueue");

    tcase_add_test(tc, priority_order_fifo_within);
    tcase_add_test(tc, priority_limit);
    tcase_add_test(tc, nonblock_eagain_full_and_empty);
    tcase_add_test(tc, mq_timedsend_eintr);
    tcase_add_test(tc, receive_buffer_below_msgsize_emsgsize);
    tcase_add_test(tc, mqd_is_a_file_descriptor);
    tcase_add_test(tc, mq_setattr_changes_only_the_flags);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
