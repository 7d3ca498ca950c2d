/* errno.c: the errors of msgget, msgsnd, msgrcv and msgctl, one row each
 * (t_errno_case): as the owner of the test's queues (T_OWNER), as a process
 * without capabilities on a queue it makes itself (T_PLAIN), or as a second
 * user on the test's queues (T_STRANGER). */
#define _GNU_SOURCE
#include "msg.h"

#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The fixture every row gets: the test's queues, made before the row and
 * removed after it. */
struct queues {
    key_t key;                  /* the key of q0600 */
    key_t no_queue;             /* a key with no queue */
    key_t own_key;              /* for the queue a T_PLAIN row makes itself */
    int q0600, q0604, q0602, q0666;
    int removed;                /* the id a removed queue had */
    long msgmnb;                /* read by the test, for a child */
};
#define Q(ctx) ((const struct queues *)(ctx))

static void make_queues(struct queues *q)
{
    q->key = t_key(1, NULL);
    q->no_queue = t_key(1, NULL);
    q->own_key = t_key(1, NULL);
    q->q0600 = t_get(T_MSG, q->key, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_int_ne(q->q0600, -1);
    q->q0604 = new_queue(0604);         /* others may receive, not send */
    q->q0602 = new_queue(0602);         /* others may send, not receive */
    q->q0666 = new_queue(0666);
    q->removed = new_queue(0600);
    ck_assert_int_eq(t_rm(T_MSG, q->removed), 0);
    q->msgmnb = t_read_long("/proc/sys/kernel/msgmnb");
}

static void remove_queues(const struct queues *q)
{
    const int ids[] = { q->q0600, q->q0604, q->q0602, q->q0666 };

    for (int i = 0; i < T_ROWS(ids); i++)
        ck_assert_msg(t_rm(T_MSG, ids[i]) == 0, "IPC_RMID %d: %s", ids[i], strerrorname_np(errno));
}

/* --- the calls ------------------------------------------------------------------------------ */

static struct message m = { .mtype = 1 };

static int send_one(int id)
{
    return msgsnd(id, &m, 1, IPC_NOWAIT);
}

static int receive_one(int id)
{
    return (int)msgrcv(id, &m, 64, 0, IPC_NOWAIT);
}

static int stat_one(int id)
{
    struct msqid_ds ds;

    return msgctl(id, IPC_STAT, &ds);
}

/* T_OWNER */
static int get_no_queue(void *q)        { return msgget(Q(q)->no_queue, 0600); }
static int get_excl_taken(void *q)      { return msgget(Q(q)->key, IPC_CREAT | IPC_EXCL | 0600); }
static int send_removed(void *q)        { return send_one(Q(q)->removed); }
static int receive_removed(void *q)     { return receive_one(Q(q)->removed); }
static int stat_removed(void *q)        { return stat_one(Q(q)->removed); }
static int send_negative(void *q)       { return msgsnd(Q(q)->q0600, &m, (size_t)-1, IPC_NOWAIT); }
static int receive_negative(void *q)    { return (int)msgrcv(Q(q)->q0600, &m, (size_t)-1, 0, IPC_NOWAIT); }
static int no_such_command(void *q)     { return msgctl(Q(q)->q0600, 12345, &(struct msqid_ds){ 0 }); }
static int stat_minus_one(void *q)      { (void)q; return stat_one(-1); }
static int set_minus_one(void *q)       { (void)q; return msgctl(-1, IPC_SET, &(struct msqid_ds){ 0 }); }

/* MSG_COPY asks for a copy of the message at a position: only with
 * IPC_NOWAIT, and never with MSG_EXCEPT (checked before the kernel looks
 * whether it has MSG_COPY at all, CONFIG_CHECKPOINT_RESTORE). */
static int copy_waiting(void *q)        { return (int)msgrcv(Q(q)->q0600, &m, 64, 0, MSG_COPY); }
static int copy_except(void *q)
{
    return (int)msgrcv(Q(q)->q0600, &m, 64, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT);
}

/* A buffer that is not the caller's memory. msgctl through syscall(2): glibc
 * may copy the structure itself, and fault first. */
static int send_null(void *q)           { return msgsnd(Q(q)->q0600, NULL, 1, IPC_NOWAIT); }
static int receive_null(void *q)
{
    if (send_one(Q(q)->q0600) == -1)            /* a message to receive: else ENOMSG */
        return T_SETUP_FAILED;
    return (int)msgrcv(Q(q)->q0600, NULL, 64, 0, IPC_NOWAIT);
}
static int stat_bad_buffer(void *q)     { return (int)syscall(SYS_msgctl, Q(q)->q0600, IPC_STAT, (void *)1); }
static int set_bad_buffer(void *q)      { return (int)syscall(SYS_msgctl, Q(q)->q0600, IPC_SET, (void *)1); }

/* T_PLAIN: the caller's own queue of MODE, on own_key; -1 if it cannot be
 * made (the row then reports the errno of the call that follows). */
static int own_queue(void *q, int mode)
{
    int id = t_get(T_MSG, Q(q)->own_key, IPC_CREAT | IPC_EXCL | mode);

    if (id == -1)
        perror("msgget of its own queue");
    return id;
}

/* RC, the return value of a call on the caller's queue ID, after the queue
 * is removed; errno is the call's. */
static int removing(int id, int rc)
{
    int err = errno;

    if (id != -1 && t_rm(T_MSG, id) == -1)
        perror("IPC_RMID of its own queue");
    errno = err;
    return rc;
}

static int plain_get_read(void *q)
{
    int id = own_queue(q, 0200);

    return removing(id, msgget(Q(q)->own_key, 0400));
}

static int plain_send(void *q)
{
    int id = own_queue(q, 0400);

    return removing(id, send_one(id));
}

static int plain_receive(void *q)
{
    int id = own_queue(q, 0200);

    return removing(id, receive_one(id));
}

static int plain_stat(void *q)
{
    int id = own_queue(q, 0200);

    return removing(id, stat_one(id));
}

/* MSG_STAT takes an index into the kernel's table, not an id, and asks for
 * read permission as IPC_STAT does (MSG_STAT_ANY does not: ctl.c). */
static int plain_msg_stat(void *q)
{
    int id = own_queue(q, 0200);
    struct msqid_ds ds;

    return removing(id, msgctl(id % IPCMNI, MSG_STAT, &ds));
}

static int plain_raise(void *q)
{
    int id = own_queue(q, 0600);
    struct msqid_ds ds;

    if (msgctl(id, IPC_STAT, &ds) == -1)
        return removing(id, -1);
    ds.msg_qbytes = (msglen_t)Q(q)->msgmnb + 1;
    return removing(id, msgctl(id, IPC_SET, &ds));
}

/* T_STRANGER, on the test's queues */
static int stranger_get_read(void *q)   { return msgget(Q(q)->key, 0400); }
static int stranger_send(void *q)       { return send_one(Q(q)->q0604); }
static int stranger_receive(void *q)    { return receive_one(Q(q)->q0602); }
static int stranger_remove(void *q)     { return msgctl(Q(q)->q0666, IPC_RMID, NULL); }

static int stranger_set(void *q)
{
    struct msqid_ds ds = { .msg_perm.mode = 0666, .msg_qbytes = 100 };

    return msgctl(Q(q)->q0666, IPC_SET, &ds);
}

/* --- the rows ------------------------------------------------------------------------------- */

static const struct t_errno_row rows[] = {
    { "msgget, a key with no queue", get_no_queue, ENOENT, T_OWNER },
    { "msgget IPC_CREAT|IPC_EXCL, a key with a queue", get_excl_taken, EEXIST, T_OWNER },
    { "msgget asking to read, mode 0200", plain_get_read, EACCES, T_PLAIN },
    { "msgsnd, mode 0400", plain_send, EACCES, T_PLAIN },
    { "msgrcv, mode 0200", plain_receive, EACCES, T_PLAIN },
    { "msgctl IPC_STAT, mode 0200", plain_stat, EACCES, T_PLAIN },
    { "msgsnd, a removed queue's id", send_removed, EINVAL, T_OWNER },
    { "msgrcv, a removed queue's id", receive_removed, EINVAL, T_OWNER },
    { "msgctl IPC_STAT, a removed queue's id", stat_removed, EINVAL, T_OWNER },
    { "msgsnd, negative size", send_negative, EINVAL, T_OWNER },
    { "msgrcv, negative size", receive_negative, EINVAL, T_OWNER },
    { "msgctl, no such command", no_such_command, EINVAL, T_OWNER },
    { "msgctl IPC_SET, qbytes above MSGMNB", plain_raise, EPERM, T_PLAIN },
    { "msgctl MSG_STAT of the queue's index, mode 0200", plain_msg_stat, EACCES, T_PLAIN },
    { "msgctl IPC_STAT of id -1", stat_minus_one, EINVAL, T_OWNER },
    { "msgctl IPC_SET of id -1", set_minus_one, EINVAL, T_OWNER },
    { "msgrcv MSG_COPY without IPC_NOWAIT", copy_waiting, EINVAL, T_OWNER },
    { "msgrcv MSG_COPY with MSG_EXCEPT", copy_except, EINVAL, T_OWNER },
    { "msgsnd from a NULL buffer", send_null, EFAULT, T_OWNER },
    { "msgrcv into a NULL buffer, a message waiting", receive_null, EFAULT, T_OWNER },
    { "msgctl IPC_STAT into a bad address (syscall)", stat_bad_buffer, EFAULT, T_OWNER },
    { "msgctl IPC_SET from a bad address (syscall)", set_bad_buffer, EFAULT, T_OWNER },
};

static const struct t_errno_row stranger_rows[] = {
    { "msgget asking to read, another user, mode 0600", stranger_get_read, EACCES, T_STRANGER },
    { "msgsnd, another user, mode 0604", stranger_send, EACCES, T_STRANGER },
    { "msgrcv, another user, mode 0602", stranger_receive, EACCES, T_STRANGER },
    { "msgctl IPC_SET, another user, mode 0666", stranger_set, EPERM, T_STRANGER },
    { "msgctl IPC_RMID, another user, mode 0666", stranger_remove, EPERM, T_STRANGER },
};

START_TEST(msg_errno_cases)
{
    struct queues q;

    make_queues(&q);
    t_errno_case(&rows[_i], &q);
    remove_queues(&q);
}
END_TEST

START_TEST(msg_errno_cases_as_stranger)
{
    struct queues q;

    T_NEED_STRANGER();
    make_queues(&q);
    t_errno_case(&stranger_rows[_i], &q);
    remove_queues(&q);
}
END_TEST

void add_errno_tests(Suite *s)
{
    TCase *errors = tcase_create("errors");

    tcase_add_loop_test(errors, msg_errno_cases, 0, T_ROWS(rows));
    tcase_add_loop_test(errors, msg_errno_cases_as_stranger, 0, T_ROWS(stranger_rows));
    tcase_set_timeout(errors, 30);              /* children, on a loaded machine */
    suite_add_tcase(s, errors);
}
