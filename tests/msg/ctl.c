/* ctl.c: msqid_ds and its counters, the limits, msg_qbytes, identifiers,
 * the prototypes and names; libsysvipc.a's lib_sysv_msg.c. */
#define _GNU_SOURCE
#include "msg.h"
#include "sysvipc.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
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

/* MSG_STAT takes an index (0 up to what MSG_INFO returns: how ipcs walks
 * the table) and returns the id there; it ignores the bits above the
 * index, where IPC_STAT checks them. MSG_STAT asks for
 * read permission; MSG_STAT_ANY (Linux 4.17) does not: that is how ipcs and
 * lsipc list every queue. A queue of mode 0 stops its owner's MSG_STAT
 * unless it has CAP_IPC_OWNER; a process without capabilities is stopped,
 * and its MSG_STAT_ANY still gets the id. */
static int stat_any_as_plain(void *arg)
{
    int id = *(int *)arg;
    struct msqid_ds ds;

    errno = 0;
    NEED(msgctl(id % IPCMNI, MSG_STAT, &ds) == -1 && errno == EACCES);
    NEED_EQ(msgctl(id % IPCMNI, MSG_STAT_ANY, &ds), id);
    NEED_EQ(ds.msg_perm.mode & 0777, 0);
    return 0;
}

START_TEST(msg_stat_index_and_msg_stat_any)
{
    int id = new_queue(0), got, status;
    struct msqid_ds ds;

    ck_assert_int_eq(msgctl(id % IPCMNI, MSG_STAT_ANY, &ds), id);
    ck_assert_int_eq(ds.msg_perm.__seq, id / IPCMNI);
    /* the kernel keeps only the index bits: any sequence number will do,
     * where IPC_STAT wants the id's own */
    ck_assert_int_eq(msgctl(id % IPCMNI + IPCMNI * (id / IPCMNI ^ 1), MSG_STAT_ANY, &ds), id);
    errno = 0;
    ck_assert_int_eq(msgctl(id % IPCMNI + IPCMNI * (id / IPCMNI ^ 1), IPC_STAT, &ds), -1);
    ck_assert_int_eq(errno, EINVAL);
    errno = 0;
    got = msgctl(id % IPCMNI, MSG_STAT, &ds);
    if (t_capable(CAP_IPC_OWNER))
        ck_assert_int_eq(got, id);
    else
        ck_assert_msg(got == -1 && errno == EACCES, "MSG_STAT of mode 0 without "
                      "CAP_IPC_OWNER: %d, %s", got, strerrorname_np(errno));
    status = t_unprivileged(stat_any_as_plain, &id);
    ck_assert_msg(status == 0, "without capabilities: status %d (its failed step is on "
                  "stderr)", status);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* MSG_INFO fills a struct msginfo with totals of the namespace: msgpool is
 * the number of queues, msgmap the number of messages, msgtql their bytes
 * (the names are those of IPC_INFO's fields, which mean other things); it
 * returns the highest index in use. Held against /proc/sysvipc/msg, in a
 * namespace of our own, where nobody else makes queues meanwhile. */
static int msg_info_totals(void *arg)
{
    struct msginfo info;
    int ids[3];
    long queues = 0, messages = 0, bytes = 0;
    char line[512];
    FILE *f;

    (void)arg;
    NEED_EQ(msgctl(0, MSG_INFO, (struct msqid_ds *)&info), 0);   /* none yet: index 0 */
    NEED_EQ(info.msgpool, 0);
    for (int i = 0; i < 3; i++)
        NEED((ids[i] = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) != -1);
    NEED(send_text(ids[0], 1, "hello", 0) == 0);
    NEED(send_text(ids[0], 2, "!", 0) == 0);
    NEED(send_text(ids[2], 1, "0123456789", 0) == 0);
    NEED(msgctl(ids[1], IPC_RMID, NULL) == 0);          /* index 1 is free again */
    NEED_EQ(msgctl(0, MSG_INFO, (struct msqid_ds *)&info), ids[2] % IPCMNI);
    NEED((f = fopen("/proc/sysvipc/msg", "r")) != NULL);
    NEED(fgets(line, sizeof line, f) != NULL);          /* the header */
    while (fgets(line, sizeof line, f) != NULL) {
        long cbytes, qnum;

        NEED(sscanf(line, "%*d %*d %*o %ld %ld", &cbytes, &qnum) == 2);
        queues++, messages += qnum, bytes += cbytes;
    }
    fclose(f);
    NEED_EQ(queues, 2);
    NEED_EQ(messages, 3);
    NEED_EQ(bytes, 16);
    NEED_EQ(info.msgpool, queues);
    NEED_EQ(info.msgmap, messages);
    NEED_EQ(info.msgtql, bytes);
    return 0;
}

START_TEST(msg_info_totals_match_proc)
{
    T_IN_PRIVATE_IPC(msg_info_totals, NULL);
}
END_TEST

/* msgrcv with MSG_COPY (Linux 3.8, for checkpoint/restore) copies the
 * message at position msgtyp (0 is the first), whatever its type, and
 * leaves the queue as it was. A kernel built without
 * CONFIG_CHECKPOINT_RESTORE says ENOSYS. */
START_TEST(msg_copy_reads_by_position)
{
    int id = new_queue(0600);
    struct msqid_ds before, after;
    char text[64];
    long type;

    errno = 0;
    if (recv_text(id, 0, MSG_COPY | IPC_NOWAIT, 63, text, NULL) == -1 && errno == ENOSYS) {
        ck_assert_int_eq(t_rm(T_MSG, id), 0);
        T_SKIP("MSG_COPY: ENOSYS, the kernel lacks CONFIG_CHECKPOINT_RESTORE");
    }
    ck_assert_int_eq(errno, ENOMSG);                    /* an empty queue */
    ck_assert_int_eq(send_text(id, 7, "first", 0), 0);
    ck_assert_int_eq(send_text(id, 3, "second", 0), 0);
    ck_assert_int_eq(send_text(id, 7, "third", 0), 0);
    before = stat_of(id);
    ck_assert_int_eq(recv_text(id, 1, MSG_COPY | IPC_NOWAIT, 63, text, &type), 6);
    ck_assert_str_eq(text, "second");                   /* position 1, not type 1 */
    ck_assert_int_eq(type, 3);
    ck_assert_int_eq(recv_text(id, 2, MSG_COPY | IPC_NOWAIT, 63, text, &type), 5);
    ck_assert_str_eq(text, "third");
    ck_assert_int_eq(recv_text(id, 0, MSG_COPY | IPC_NOWAIT, 63, text, &type), 5);
    ck_assert_str_eq(text, "first");
    errno = 0;                                          /* past the end */
    ck_assert_int_eq(recv_text(id, 3, MSG_COPY | IPC_NOWAIT, 63, text, NULL), -1);
    ck_assert_int_eq(errno, ENOMSG);
    after = stat_of(id);                                /* nothing was taken */
    ck_assert_int_eq(after.msg_qnum, 3);
    ck_assert_int_eq(after.__msg_cbytes, before.__msg_cbytes);
    ck_assert_int_eq(after.msg_lrpid, 0);
    ck_assert_int_eq(after.msg_rtime, 0);
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), 5);   /* in order */
    ck_assert_str_eq(text, "first");
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
    tcase_add_test(ctl, msg_stat_index_and_msg_stat_any);
    tcase_add_test(ctl, msg_info_totals_match_proc);
    tcase_add_test(ctl, msg_copy_reads_by_position);
    tcase_add_test(ctl, qbytes_lowered_by_owner_raised_only_with_cap);
    tcase_add_test(ctl, removed_msqid_not_reused_at_once);
    tcase_add_test(ctl, prototypes_and_names);
    tcase_set_timeout(ctl, 30);                 /* children, on a loaded machine */
    suite_add_tcase(s, ctl);

    tcase_add_test(lib, sysv_msgget_creates_then_opens);
    tcase_add_test(lib, sysv_msgsnd_and_msgrcv_carry_type_and_bytes);
    suite_add_tcase(s, lib);
}
