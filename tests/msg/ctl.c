/* ctl.c: msqid_ds and its counters, the limits, msg_qbytes, identifiers,
 * the prototypes and names; libsysvipc.a's lib_sysv_msg.c. */
#define _GNU_SOURCE
#include "msg.h"
#include "sysvipc.h"

#include <dlfcn.h>
#include <errno.h>
#include <time.h>

/* --- msqid_ds --------------------------------------------------------------------------- */

static int send_hello(void *arg)
{
    NEED(send_text(*(int *)arg, 1, "hello", 0) == 0);
    NEED(send_text(*(int *)arg, 1, "!", 0) == 0);
    return 0;
}

static int receive_hello(void *arg)
{
    char text[64];

    NEED(recv_text(*(int *)arg, 0, IPC_NOWAIT, 63, text, NULL) == 5);
    return 0;
}

START_TEST(counters_follow_send_and_receive)
{
    int id = new_queue(0600);
    struct msqid_ds ds = stat_of(id);
    struct t_proc sender, receiver;

    ck_assert_int_eq(ds.msg_qnum, 0);
    ck_assert_int_eq(ds.__msg_cbytes, 0);
    ck_assert_int_eq(ds.msg_lspid, 0);
    ck_assert_int_eq(ds.msg_lrpid, 0);
    ck_assert_int_eq(ds.msg_stime, 0);
    ck_assert_int_eq(ds.msg_rtime, 0);
    ck_assert_int_ne(ds.msg_ctime, 0);                  /* set at creation */
    ck_assert_int_eq(ds.msg_qbytes, t_read_long("/proc/sys/kernel/msgmnb"));

    t_fork(&sender, 0, send_hello, &id);
    ck_assert_int_eq(t_wait(&sender), 0);
    ds = stat_of(id);
    ck_assert_int_eq(ds.msg_qnum, 2);
    ck_assert_int_eq(ds.__msg_cbytes, 6);
    ck_assert_int_eq(ds.msg_lspid, sender.pid);
    ck_assert_int_ne(ds.msg_stime, 0);
    ck_assert_int_eq(ds.msg_rtime, 0);

    t_fork(&receiver, 0, receive_hello, &id);
    ck_assert_int_eq(t_wait(&receiver), 0);
    ds = stat_of(id);
    ck_assert_int_eq(ds.msg_qnum, 1);
    ck_assert_int_eq(ds.__msg_cbytes, 1);
    ck_assert_int_eq(ds.msg_lrpid, receiver.pid);
    ck_assert_int_eq(ds.msg_lspid, sender.pid);
    ck_assert_int_ne(ds.msg_rtime, 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

START_TEST(limits_from_ipc_info)
{
    struct msginfo info;
    struct msqid_ds ds;
    int id = new_queue(0600), max_index, got;

#if defined MSGMAX || defined MSGMNB || defined MSGMNI
    ck_abort_msg("<sys/msg.h> defines the limits as constants");  /* only <linux/msg.h> does */
#endif
    ck_assert_int_ge(msgctl(0, IPC_INFO, (struct msqid_ds *)&info), 0);
    ck_assert_int_eq(info.msgmax, t_read_long("/proc/sys/kernel/msgmax"));
    ck_assert_int_eq(info.msgmnb, t_read_long("/proc/sys/kernel/msgmnb"));
    ck_assert_int_eq(info.msgmni, t_read_long("/proc/sys/kernel/msgmni"));
    /* MSG_INFO: the highest slot in use; MSG_STAT: a slot's queue and its id */
    max_index = msgctl(0, MSG_INFO, (struct msqid_ds *)&info);
    ck_assert_int_ge(max_index, id % IPCMNI);
    got = msgctl(id % IPCMNI, MSG_STAT, &ds);
    ck_assert_int_eq(got, id);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* The owner of a queue, without CAP_IPC_OWNER and CAP_SYS_RESOURCE; *ARG is
 * MSGMNB, read by the test. */
static int qbytes_as_plain_owner(void *arg)
{
    long msgmnb = *(long *)arg;
    int id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0600);
    struct msqid_ds ds;

    NEED(id != -1);
    NEED(msgctl(id, IPC_STAT, &ds) == 0);
    ds.msg_qbytes = 100;                        /* lower: the owner may */
    NEED(msgctl(id, IPC_SET, &ds) == 0);
    ds.msg_qbytes = (msglen_t)msgmnb;           /* back up to MSGMNB: also */
    NEED(msgctl(id, IPC_SET, &ds) == 0);
    ds.msg_qbytes = (msglen_t)msgmnb + 1;       /* above: not without CAP_SYS_RESOURCE */
    NEED(msgctl(id, IPC_SET, &ds) == -1 && errno == EPERM);
    NEED(t_rm(T_MSG, id) == 0);
    return 0;
}

START_TEST(qbytes_lowered_by_owner_raised_only_with_cap)
{
    long msgmnb = t_read_long("/proc/sys/kernel/msgmnb");
    int id = new_queue(0600), status;
    struct msqid_ds ds = stat_of(id);

    status = t_unprivileged(qbytes_as_plain_owner, &msgmnb);
    ck_assert_msg(status == 0, "as a plain owner: status %d (its failed step is on stderr)", status);
    /* here: allowed exactly when this process has CAP_SYS_RESOURCE, which
     * root has on most machines (not in every container); being uid 0 is
     * not what counts */
    ds.msg_qbytes = (msglen_t)msgmnb * 2;
    errno = 0;
    if (t_capable(CAP_SYS_RESOURCE)) {
        ck_assert_int_eq(msgctl(id, IPC_SET, &ds), 0);
        ck_assert_int_eq(stat_of(id).msg_qbytes, msgmnb * 2);
    } else {
        ck_assert_int_eq(msgctl(id, IPC_SET, &ds), -1);
        ck_assert_int_eq(errno, EPERM);
    }
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* --- identifiers ---------------------------------------------------------------------------- */

START_TEST(removed_msqid_not_reused_at_once)
{
    key_t key = t_key(1, NULL);
    int old = t_get(T_MSG, key, IPC_CREAT | IPC_EXCL | 0600), id;
    struct msqid_ds ds = stat_of(old);

    ck_assert_int_eq(ds.msg_perm.__seq, old / IPCMNI);  /* id = seq * 32768 + index */
    ck_assert_int_eq(t_rm(T_MSG, old), 0);
    id = t_get(T_MSG, key, IPC_CREAT | IPC_EXCL | 0600);  /* same key, at once */
    ck_assert_int_ne(id, -1);
    ck_assert_int_ne(id, old);
    errno = 0;                                          /* the old id names nothing */
    ck_assert_int_eq(send_text(old, 1, "x", IPC_NOWAIT), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(stat_of(id).msg_qnum, 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* --- names and prototypes ------------------------------------------------------------------ */

/* The seeds' struct msgid_ds: this file would not compile if <sys/msg.h>
 * defined one. */
struct msgid_ds {
    char not_in_glibc;
};

START_TEST(prototypes_and_names)
{
    _Static_assert(__builtin_types_compatible_p(__typeof__(&msgsnd),
                                                int (*)(int, const void *, size_t, int)),
                   "int msgsnd(int, const void *, size_t, int)");
    _Static_assert(__builtin_types_compatible_p(__typeof__(&msgrcv),
                                                ssize_t (*)(int, void *, size_t, long, int)),
                   "ssize_t msgrcv(int, void *, size_t, long, int)");
    _Static_assert(__builtin_types_compatible_p(__typeof__(&msgctl),
                                                int (*)(int, int, struct msqid_ds *)),
                   "int msgctl(int, int, struct msqid_ds *)");
    _Static_assert(sizeof(struct msgid_ds) == 1, "struct msgid_ds is ours, not glibc's");
    static const char *const real[] = { "msgget", "msgsnd", "msgrcv", "msgctl" };
    static const char *const seed[] = { "msqget", "msqsnd", "msqrcv", "msqctl" };

    for (int i = 0; i < 4; i++) {
        ck_assert_msg(dlsym(RTLD_DEFAULT, real[i]) != NULL, "no %s", real[i]);
        ck_assert_msg(dlsym(RTLD_DEFAULT, seed[i]) == NULL, "%s exists", seed[i]);
    }
    /* the fields seed 003 lists; the byte count is __msg_cbytes (msg_cbytes
     * with _DEFAULT_SOURCE) */
    struct msqid_ds ds;
    ck_assert_uint_eq(sizeof ds.msg_perm, sizeof(struct ipc_perm));
    ck_assert_uint_eq(sizeof ds.msg_stime + sizeof ds.msg_rtime + sizeof ds.msg_ctime,
                      3 * sizeof(time_t));
    ck_assert_uint_eq(sizeof ds.msg_lspid + sizeof ds.msg_lrpid, 2 * sizeof(pid_t));
    ck_assert_uint_eq(sizeof ds.__msg_cbytes + sizeof ds.msg_qnum + sizeof ds.msg_qbytes,
                      3 * sizeof(unsigned long));
#ifndef msg_cbytes
    ck_abort_msg("glibc does not define msg_cbytes");
#endif
}
END_TEST

/* --- libsysvipc.a: lib_sysv_msg.c ---------------------------------------------------------- */

START_TEST(sysv_msgget_creates_then_opens)
{
    char path[PATH_MAX];
    int id, again, priv;

    t_key(1, path);                     /* a fresh file; the wrapper uses id 1234 */
    id = sysv_msgget(path, 0, 0640);
    ck_assert_int_ne(id, -1);
    t_track(T_MSG, id);
    ck_assert_int_eq(stat_of(id).msg_perm.__key, ftok(path, SYSV_FTOK_ID));
    ck_assert_int_eq(stat_of(id).msg_perm.mode & 0777, 0640);
    again = sysv_msgget(path, 0, 0600);   /* EEXIST is handled: it opens */
    ck_assert_int_eq(again, id);
    priv = sysv_msgget(NULL, IPC_PRIVATE, 0600);
    ck_assert_int_ne(priv, -1);
    t_track(T_MSG, priv);
    ck_assert_int_ne(priv, id);
    ck_assert_int_eq(sysv_msgrm(id), 0);
    ck_assert_int_eq(sysv_msgrm(priv), 0);
    ck_assert(!t_exists(T_MSG, id) && !t_exists(T_MSG, priv));
}
END_TEST

START_TEST(sysv_msgsnd_and_msgrcv_carry_type_and_bytes)
{
    int id = new_queue(0600);
    char data[16];
    long type = 0;

    ck_assert_int_eq(sysv_msgsnd(id, 3, "abc\0def", 7, 0), 0);     /* any bytes */
    ck_assert_int_eq(sysv_msgsnd(id, 9, "xyz", 3, IPC_NOWAIT), 0);
    ck_assert_int_eq(sysv_msgrcv(id, &type, data, sizeof data, 9, 0), 3);
    ck_assert_int_eq(type, 9);
    ck_assert_mem_eq(data, "xyz", 3);
    ck_assert_int_eq(sysv_msgrcv(id, &type, data, sizeof data, 0, IPC_NOWAIT), 7);
    ck_assert_int_eq(type, 3);
    ck_assert_mem_eq(data, "abc\0def", 7);
    ck_assert_int_eq(sysv_msgrm(id), 0);
}
END_TEST

void add_ctl_tests(Suite *s)
{
    TCase *ctl = tcase_create("ctl"), *lib = tcase_create("libsysvipc");

    tcase_add_test(ctl, counters_follow_send_and_receive);
    tcase_add_test(ctl, limits_from_ipc_info);
    tcase_add_test(ctl, qbytes_lowered_by_owner_raised_only_with_cap);
    tcase_add_test(ctl, removed_msqid_not_reused_at_once);
    tcase_add_test(ctl, prototypes_and_names);
    tcase_set_timeout(ctl, 30);                 /* children, on a loaded machine */
    suite_add_tcase(s, ctl);

    tcase_add_test(lib, sysv_msgget_creates_then_opens);
    tcase_add_test(lib, sysv_msgsnd_and_msgrcv_carry_type_and_bytes);
    suite_add_tcase(s, lib);
}
