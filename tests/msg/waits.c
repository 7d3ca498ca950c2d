/* waits.c: a full queue makes msgsnd wait, an empty one msgrcv; what ends
 * the wait: room, a message, the queue removed, a signal. */
#define _GNU_SOURCE
#include "msg.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

static void set_qbytes(int id, unsigned long bytes)
{
    struct msqid_ds ds = stat_of(id);

    ds.msg_qbytes = bytes;
    ck_assert_msg(msgctl(id, IPC_SET, &ds) == 0, "IPC_SET qbytes %lu: %s", bytes, strerror(errno));
}

/* Children that wait: each exits with the errno its call failed with, 0 if
 * it succeeded. *ARG is the queue's id. */
static int send_y(void *arg)
{
    return send_text(*(int *)arg, 1, "y", 0) == -1 ? errno : 0;
}

static int receive_one(void *arg)
{
    char text[64];

    return recv_text(*(int *)arg, 0, 0, 63, text, NULL) == -1 ? errno : 0;
}

START_TEST(full_queue_blocks_or_eagain)
{
    int id = new_queue(0600);
    char text[64];
    struct t_proc sender;

    set_qbytes(id, 8);
    ck_assert_int_eq(send_text(id, 1, "12345678", 0), 0);    /* full: 8 of 8 bytes */
    errno = 0;
    ck_assert_int_eq(send_text(id, 1, "9", IPC_NOWAIT), -1);
    ck_assert_int_eq(errno, EAGAIN);
    t_fork(&sender, 0, send_y, &id);
    ck_assert_msg(t_blocked_in(sender.pid, SYS_msgsnd), "the sender did not wait");
    ck_assert_int_eq(stat_of(id).msg_qnum, 1);
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), 8);  /* room */
    ck_assert_int_eq(t_wait(&sender), 0);
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), 1);
    ck_assert_str_eq(text, "y");
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* msg_qbytes also caps the number of messages: empty ones fill a queue too. */
START_TEST(qbytes_limits_messages_too)
{
    int id = new_queue(0600);

    set_qbytes(id, 3);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(send_text(id, 1, "", IPC_NOWAIT), 0);
    errno = 0;
    ck_assert_int_eq(send_text(id, 1, "", IPC_NOWAIT), -1);
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(stat_of(id).__msg_cbytes, 0);
    ck_assert_int_eq(stat_of(id).msg_qnum, 3);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

static int receive_hi(void *arg)
{
    char text[64];

    NEED(recv_text(*(int *)arg, 0, 0, 63, text, NULL) == 2);
    NEED(strcmp(text, "hi") == 0);
    return 0;
}

START_TEST(empty_queue_enomsg_or_waits)
{
    int id = new_queue(0600);
    char text[64];
    struct t_proc receiver;

    errno = 0;
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), -1);
    ck_assert_int_eq(errno, ENOMSG);
    t_fork(&receiver, 0, receive_hi, &id);
    ck_assert_msg(t_blocked_in(receiver.pid, SYS_msgrcv), "the receiver did not wait");
    ck_assert_int_eq(send_text(id, 1, "hi", 0), 0);
    ck_assert_int_eq(t_wait(&receiver), 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* WHICH 0: a sender waiting on a full queue; 1: a receiver on an empty one. */
static void start_waiter(struct t_proc *p, int *id, int which)
{
    if (which == 0) {
        set_qbytes(*id, 1);
        ck_assert_int_eq(send_text(*id, 1, "x", 0), 0);
    }
    t_fork(p, 0, which == 0 ? send_y : receive_one, id);
    ck_assert_msg(t_blocked_in(p->pid, which == 0 ? SYS_msgsnd : SYS_msgrcv),
                  "the %s did not wait", which == 0 ? "sender" : "receiver");
}

START_TEST(removed_under_a_waiter_eidrm)
{
    int id = new_queue(0600);
    struct t_proc waiter;

    start_waiter(&waiter, &id, _i);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
    ck_assert_int_eq(t_wait(&waiter), EIDRM);
}
END_TEST

static void on_usr1(int sig)
{
    (void)sig;
}

START_TEST(handled_signal_eintr_even_with_sa_restart)
{
    int id = new_queue(0600);
    struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART }, old;
    struct t_proc waiter;

    /* the child inherits the handler; SA_RESTART does not restart msgsnd/msgrcv */
    ck_assert_int_eq(sigaction(SIGUSR1, &sa, &old), 0);
    start_waiter(&waiter, &id, _i);
    sigaction(SIGUSR1, &old, NULL);
    t_kill(&waiter, SIGUSR1);
    ck_assert_int_eq(t_wait(&waiter), EINTR);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

void add_waits_tests(Suite *s)
{
    TCase *waits = tcase_create("waits");

    tcase_add_test(waits, full_queue_blocks_or_eagain);
    tcase_add_test(waits, qbytes_limits_messages_too);
    tcase_add_test(waits, empty_queue_enomsg_or_waits);
    tcase_add_loop_test(waits, removed_under_a_waiter_eidrm, 0, 2);
    tcase_add_loop_test(waits, handled_signal_eintr_even_with_sa_restart, 0, 2);
    tcase_set_timeout(waits, 60);
    suite_add_tcase(s, waits);
}
