/* test_msg.c: message queues (chapters/msg).
 * Each test decides one or more claims of chapters/msg/claims.tsv. A process
 * that must be waiting inside msgsnd or msgrcv is found so by reading
 * /proc/PID/stat (state S) and /proc/PID/syscall (the call it sleeps in),
 * never by sleeping and hoping. */
#define _GNU_SOURCE
#include "harness.h"
#include "sysvipc.h"

#include <dlfcn.h>
#include <errno.h>
#include <linux/capability.h>     /* CAP_SYS_RESOURCE */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { IPCMNI = 32768 };

struct message {
    long mtype;
    char mtext[16384];
};

/* --- helpers ----------------------------------------------------------------- */

static int new_queue(int mode)
{
    int id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | mode);

    ck_assert_msg(id != -1, "msgget: %s", strerror(errno));
    return id;
}

static int send_text(int id, long type, const char *text, int flags)
{
    static struct message m;

    m.mtype = type;
    memcpy(m.mtext, text, strlen(text));
    return msgsnd(id, &m, strlen(text), flags);
}

/* msgrcv with room for MAX bytes: the text, NUL-terminated, to TEXT (which
 * has room for MAX + 1), its type to *TYPE if not NULL; returns msgrcv's. */
static ssize_t recv_text(int id, long msgtyp, int flags, size_t max, char *text, long *type)
{
    static struct message m;
    ssize_t n = msgrcv(id, &m, max, msgtyp, flags);

    if (n >= 0) {
        memcpy(text, m.mtext, (size_t)n);
        text[n] = '\0';
        if (type)
            *type = m.mtype;
    }
    return n;
}

static struct msqid_ds stat_of(int id)
{
    struct msqid_ds ds;

    ck_assert_msg(msgctl(id, IPC_STAT, &ds) == 0, "IPC_STAT %d: %s", id, strerror(errno));
    return ds;
}

static long proc_long(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = -1;

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%ld", &v), 1);
    fclose(f);
    return v;
}

static int exit_code(pid_t pid)
{
    int status;

    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A program of the chapter running beside the test, its stdout and stderr
 * in pipes (small outputs: read after it ends). */
struct proc {
    pid_t pid;
    int out, err;
};

static void spawn(struct proc *p, const char *prog, const char *args[])
{
    char path[PATH_MAX];
    const char *argv[16] = { prog };
    int out[2], err[2], n = 1;

    for (; args[n - 1] != NULL && n < 15; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    snprintf(path, sizeof path, "%s/chapters/msg/%s", t_top(), prog);
    ck_assert(pipe(out) == 0 && pipe(err) == 0);
    p->pid = fork();
    ck_assert_int_ne(p->pid, -1);
    if (p->pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        closefrom(3);
        setpgid(0, 0);                  /* as t_run: Check's kill must not cut it short */
        alarm(60);
        execv(path, (char **)argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    p->out = out[0];
    p->err = err[0];
}

/* Wait for P to end; its output to OUT and ERR; returns the exit code. */
static int finish(struct proc *p, char *out, size_t nout, char *err, size_t nerr)
{
    t_read_all(p->out, out, nout);
    t_read_all(p->err, err, nerr);
    return exit_code(p->pid);
}

/* The first line of P's stdout, as a number (a creator's id). */
static int read_id(struct proc *p)
{
    char line[32];
    size_t n = 0;

    while (n < sizeof line - 1 && read(p->out, line + n, 1) == 1 && line[n] != '\n')
        n++;
    line[n] = '\0';
    ck_assert_msg(n > 0, "no id on stdout");
    return atoi(line);
}

/* --- a FIFO with types ---------------------------------------------------------- */

START_TEST(fifo_within_a_type)
{
    int id = new_queue(0600);
    char text[64];
    const char *order[] = { "a1", "c1", "b2", "d2" };

    ck_assert_int_eq(send_text(id, 1, "a1", 0), 0);
    ck_assert_int_eq(send_text(id, 2, "b2", 0), 0);
    ck_assert_int_eq(send_text(id, 1, "c1", 0), 0);
    ck_assert_int_eq(send_text(id, 2, "d2", 0), 0);
    for (int i = 0; i < 4; i++) {       /* type 1 twice, then type 2 twice */
        ck_assert_int_eq(recv_text(id, i < 2 ? 1 : 2, IPC_NOWAIT, 63, text, NULL), 2);
        ck_assert_str_eq(text, order[i]);
    }
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* The queue every row starts from: (type, text) in the order sent. */
static const struct { long type; const char *text; } queued[] = {
    { 3, "a" }, { 1, "b" }, { 2, "c" }, { 1, "d" }, { 5, "e" },
};

static const struct selection {
    long msgtyp;
    int flags;
    const char *text;           /* the message msgrcv takes, or NULL: ENOMSG */
} selections[] = {
    { 0, 0, "a" },              /* 0: the first message */
    { 1, 0, "b" },              /* > 0: the first of that type */
    { 2, 0, "c" },
    { 5, 0, "e" },
    { 4, 0, NULL },             /* none of that type */
    { -1, 0, "b" },             /* < 0: the lowest type not above |msgtyp| */
    { -2, 0, "b" },
    { -5, 0, "b" },
    { -4, 0, "b" },
    { 3, MSG_EXCEPT, "b" },     /* MSG_EXCEPT: the first of any other type */
    { 1, MSG_EXCEPT, "a" },
    { 0, MSG_EXCEPT, "a" },     /* with msgtyp 0, MSG_EXCEPT changes nothing */
};

START_TEST(receive_selection)
{
    const struct selection *s = &selections[_i];
    int id = new_queue(0600);
    char text[64];
    ssize_t n;

    for (size_t i = 0; i < sizeof queued / sizeof queued[0]; i++)
        ck_assert_int_eq(send_text(id, queued[i].type, queued[i].text, 0), 0);
    errno = 0;
    n = recv_text(id, s->msgtyp, IPC_NOWAIT | s->flags, 63, text, NULL);
    if (s->text == NULL) {
        ck_assert_int_eq(n, -1);
        ck_assert_int_eq(errno, ENOMSG);
    } else {
        ck_assert_msg(n == 1, "msgtyp %ld: %s", s->msgtyp, strerror(errno));
        ck_assert_str_eq(text, s->text);
    }
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

START_TEST(messages_keep_their_boundaries)
{
    int id = new_queue(0600), fds[2];
    char text[64];

    ck_assert_int_eq(send_text(id, 1, "ab", 0), 0);
    ck_assert_int_eq(send_text(id, 1, "", 0), 0);        /* an empty message is one too */
    ck_assert_int_eq(send_text(id, 1, "cde", 0), 0);
    ck_assert_int_eq(stat_of(id).msg_qnum, 3);
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), 2);
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), 0);
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), 3);
    /* a pipe, by contrast, gives back all it holds in one read */
    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(write(fds[1], "ab", 2), 2);
    ck_assert_int_eq(write(fds[1], "cde", 3), 3);
    ck_assert_int_eq(read(fds[0], text, 64), 5);
    close(fds[0]);
    close(fds[1]);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

enum { WRITERS = 3, READERS = 2, EACH = 40 };

/* Several writers and several readers at once on one queue: every message
 * is received exactly once, and each writer's messages come out in the order
 * it sent them. Readers tell what they got through a pipe. */
START_TEST(several_writers_and_readers)
{
    int id = new_queue(0600), fds[2], seen[WRITERS][EACH] = { { 0 } }, last[READERS][WRITERS];
    pid_t pids[WRITERS + READERS];
    int w, r, k, total = 0;

    ck_assert_int_eq(pipe(fds), 0);
    for (r = 0; r < READERS; r++) {
        if ((pids[WRITERS + r] = fork()) == 0) {
            char text[64];
            int rec[2];

            for (k = 0; k < WRITERS * EACH / READERS; k++) {
                if (recv_text(id, 0, 0, 63, text, NULL) == -1 ||
                    sscanf(text, "%d:%d", &rec[0], &rec[1]) != 2)
                    _exit(1);
                rec[0] = rec[0] * 1000 + r;             /* who sent, who got */
                if (write(fds[1], rec, sizeof rec) != sizeof rec)
                    _exit(2);
            }
            _exit(0);
        }
    }
    for (w = 0; w < WRITERS; w++) {
        if ((pids[w] = fork()) == 0) {
            char text[32];

            for (k = 0; k < EACH; k++) {
                snprintf(text, sizeof text, "%d:%d", w, k);
                if (send_text(id, 1, text, 0) == -1)
                    _exit(1);
            }
            _exit(0);
        }
    }
    for (int i = 0; i < WRITERS + READERS; i++)
        ck_assert_int_eq(exit_code(pids[i]), 0);
    close(fds[1]);
    memset(last, -1, sizeof last);
    for (int rec[2]; read(fds[0], rec, sizeof rec) == sizeof rec; total++) {
        w = rec[0] / 1000;
        r = rec[0] % 1000;
        k = rec[1];
        ck_assert(w >= 0 && w < WRITERS && k >= 0 && k < EACH);
        ck_assert_int_eq(seen[w][k]++, 0);              /* once only */
        ck_assert_int_gt(k, last[r][w]);                /* in the writer's order */
        last[r][w] = k;
    }
    close(fds[0]);
    ck_assert_int_eq(total, WRITERS * EACH);
    ck_assert_int_eq(stat_of(id).msg_qnum, 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* No reader at all: every writer sends and exits, the messages stay. A pipe
 * with no reader refuses the write (EPIPE). */
START_TEST(messages_outlive_their_writers)
{
    int id = new_queue(0600), fds[2];
    char text[64];

    for (int w = 0; w < 3; w++) {
        pid_t pid = fork();

        if (pid == 0)
            _exit(send_text(id, 1, w == 0 ? "w0" : w == 1 ? "w1" : "w2", 0) == 0 ? 0 : 1);
        ck_assert_int_eq(exit_code(pid), 0);
    }
    ck_assert_int_eq(stat_of(id).msg_qnum, 3);
    for (int w = 0; w < 3; w++) {
        char expect[8];

        snprintf(expect, sizeof expect, "w%d", w);
        ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), 2);
        ck_assert_str_eq(text, expect);
    }
    signal(SIGPIPE, SIG_IGN);
    ck_assert_int_eq(pipe(fds), 0);
    close(fds[0]);
    errno = 0;
    ck_assert_int_eq(write(fds[1], "x", 1), -1);
    ck_assert_int_eq(errno, EPIPE);
    close(fds[1]);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* --- sizes and types --------------------------------------------------------------- */

static const long bad_types[] = { 0, -1, LONG_MIN };

START_TEST(mtype_must_be_positive)
{
    int id = new_queue(0600);

    errno = 0;
    ck_assert_int_eq(send_text(id, bad_types[_i], "x", IPC_NOWAIT), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(stat_of(id).msg_qnum, 0);
    ck_assert_int_eq(send_text(id, LONG_MAX, "x", IPC_NOWAIT), 0);     /* any type > 0 */
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

START_TEST(too_long_e2big_or_cut)
{
    int id = new_queue(0600);
    char text[64];
    long type;

    ck_assert_int_eq(send_text(id, 7, "0123456789", 0), 0);
    errno = 0;
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 4, text, NULL), -1);
    ck_assert_int_eq(errno, E2BIG);
    ck_assert_int_eq(stat_of(id).msg_qnum, 1);          /* refused, still there */
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT | MSG_NOERROR, 4, text, &type), 4);
    ck_assert_str_eq(text, "0123");
    ck_assert_int_eq(type, 7);
    ck_assert_int_eq(stat_of(id).msg_qnum, 0);          /* the rest is lost */
    ck_assert_int_eq(stat_of(id).__msg_cbytes, 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

START_TEST(above_msgmax_einval)
{
    static struct { long mtype; char mtext[1 << 16]; } big = { .mtype = 1 };
    long msgmax = proc_long("/proc/sys/kernel/msgmax");
    int id = new_queue(0600);

    if (msgmax >= (long)sizeof big.mtext)
        T_SKIP("MSGMAX is raised beyond 64 KiB on this machine");
    errno = 0;
    ck_assert_int_eq(msgsnd(id, &big, (size_t)msgmax + 1, IPC_NOWAIT), -1);
    ck_assert_int_eq(errno, EINVAL);
    if (msgmax <= (long)stat_of(id).msg_qbytes)        /* MSGMAX itself is fine */
        ck_assert_int_eq(msgsnd(id, &big, (size_t)msgmax, IPC_NOWAIT), 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* msgsz counts the text only, not the type: cbytes adds up the texts. */
START_TEST(msgsz_counts_the_text_only)
{
    int id = new_queue(0600);

    ck_assert_int_eq(send_text(id, 1, "abc", 0), 0);
    ck_assert_int_eq(send_text(id, 2, "defgh", 0), 0);
    ck_assert_int_eq(stat_of(id).__msg_cbytes, 8);
    /* glibc's struct msgbuf (with _GNU_SOURCE) is a template: one byte of text */
    ck_assert_uint_eq(sizeof ((struct msgbuf *)NULL)->mtext, 1);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* --- full and empty queues ------------------------------------------------------------ */

static void set_qbytes(int id, unsigned long bytes)
{
    struct msqid_ds ds = stat_of(id);

    ds.msg_qbytes = bytes;
    ck_assert_int_eq(msgctl(id, IPC_SET, &ds), 0);
}

START_TEST(full_queue_blocks_or_eagain)
{
    int id = new_queue(0600);
    char text[64];
    pid_t pid;

    set_qbytes(id, 8);
    ck_assert_int_eq(send_text(id, 1, "12345678", 0), 0);    /* full: 8 of 8 bytes */
    errno = 0;
    ck_assert_int_eq(send_text(id, 1, "9", IPC_NOWAIT), -1);
    ck_assert_int_eq(errno, EAGAIN);
    pid = fork();
    if (pid == 0)
        _exit(send_text(id, 2, "9", 0) == 0 ? 0 : errno);
    ck_assert_msg(t_blocked_in(pid, SYS_msgsnd), "the sender did not wait");
    ck_assert_int_eq(stat_of(id).msg_qnum, 1);
    ck_assert_int_eq(recv_text(id, 1, IPC_NOWAIT, 63, text, NULL), 8);  /* room */
    ck_assert_int_eq(exit_code(pid), 0);
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), 1);
    ck_assert_str_eq(text, "9");
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

START_TEST(empty_queue_enomsg_or_waits)
{
    int id = new_queue(0600);
    char text[64];
    pid_t pid;

    errno = 0;
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), -1);
    ck_assert_int_eq(errno, ENOMSG);
    pid = fork();
    if (pid == 0)
        _exit(recv_text(id, 0, 0, 63, text, NULL) == 2 && strcmp(text, "hi") == 0 ? 0 : 1);
    ck_assert_msg(t_blocked_in(pid, SYS_msgrcv), "the receiver did not wait");
    ck_assert_int_eq(send_text(id, 1, "hi", 0), 0);
    ck_assert_int_eq(exit_code(pid), 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* _i 0: a sender waiting on a full queue; 1: a receiver on an empty one. */
static pid_t start_waiter(int id, int which)
{
    char text[64];
    pid_t pid;

    if (which == 0) {
        set_qbytes(id, 1);
        ck_assert_int_eq(send_text(id, 1, "x", 0), 0);
    }
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        int rc = which == 0 ? send_text(id, 1, "y", 0) : (int)recv_text(id, 0, 0, 63, text, NULL);

        _exit(rc == -1 ? errno : 0);
    }
    ck_assert_msg(t_blocked_in(pid, which == 0 ? SYS_msgsnd : SYS_msgrcv), "it did not wait");
    return pid;
}

START_TEST(removed_under_a_waiter_eidrm)
{
    int id = new_queue(0600);
    pid_t pid = start_waiter(id, _i);

    ck_assert_int_eq(t_rm(T_MSG, id), 0);
    ck_assert_int_eq(exit_code(pid), EIDRM);
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
    pid_t pid;

    /* the child inherits the handler; SA_RESTART does not restart msgsnd/msgrcv */
    ck_assert_int_eq(sigaction(SIGUSR1, &sa, &old), 0);
    pid = start_waiter(id, _i);
    sigaction(SIGUSR1, &old, NULL);
    ck_assert_int_eq(kill(pid, SIGUSR1), 0);
    ck_assert_int_eq(exit_code(pid), EINTR);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* --- msqid_ds --------------------------------------------------------------------------- */

START_TEST(counters_follow_send_and_receive)
{
    int id = new_queue(0600);
    struct msqid_ds ds = stat_of(id);
    char text[64];
    pid_t sender, receiver;

    ck_assert_int_eq(ds.msg_qnum, 0);
    ck_assert_int_eq(ds.__msg_cbytes, 0);
    ck_assert_int_eq(ds.msg_lspid, 0);
    ck_assert_int_eq(ds.msg_lrpid, 0);
    ck_assert_int_eq(ds.msg_stime, 0);
    ck_assert_int_eq(ds.msg_rtime, 0);
    ck_assert_int_ne(ds.msg_ctime, 0);                  /* set at creation */
    ck_assert_int_eq(ds.msg_qbytes, proc_long("/proc/sys/kernel/msgmnb"));

    if ((sender = fork()) == 0)
        _exit(send_text(id, 1, "hello", 0) == 0 && send_text(id, 1, "!", 0) == 0 ? 0 : 1);
    ck_assert_int_eq(exit_code(sender), 0);
    ds = stat_of(id);
    ck_assert_int_eq(ds.msg_qnum, 2);
    ck_assert_int_eq(ds.__msg_cbytes, 6);
    ck_assert_int_eq(ds.msg_lspid, sender);
    ck_assert_int_ne(ds.msg_stime, 0);
    ck_assert_int_eq(ds.msg_rtime, 0);

    if ((receiver = fork()) == 0)
        _exit(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL) == 5 ? 0 : 1);
    ck_assert_int_eq(exit_code(receiver), 0);
    ds = stat_of(id);
    ck_assert_int_eq(ds.msg_qnum, 1);
    ck_assert_int_eq(ds.__msg_cbytes, 1);
    ck_assert_int_eq(ds.msg_lrpid, receiver);
    ck_assert_int_eq(ds.msg_lspid, sender);
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
    ck_assert_int_eq(info.msgmax, proc_long("/proc/sys/kernel/msgmax"));
    ck_assert_int_eq(info.msgmnb, proc_long("/proc/sys/kernel/msgmnb"));
    ck_assert_int_eq(info.msgmni, proc_long("/proc/sys/kernel/msgmni"));
    /* MSG_INFO: the highest slot in use; MSG_STAT: a slot's queue and its id */
    max_index = msgctl(0, MSG_INFO, (struct msqid_ds *)&info);
    ck_assert_int_ge(max_index, id % IPCMNI);
    got = msgctl(id % IPCMNI, MSG_STAT, &ds);
    ck_assert_int_eq(got, id);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* Runs without CAP_IPC_OWNER and CAP_SYS_RESOURCE; *MSGMNB was read by the
 * test (no ck_assert in the child). */
static int qbytes_steps(void *arg)
{
    int id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0600), step = 0;
    long msgmnb = *(long *)arg;
    struct msqid_ds ds;

    if (id == -1)
        return 1;
    ds.msg_qbytes = 0;
    if (msgctl(id, IPC_STAT, &ds) == -1)
        step = 2;
    else if ((ds.msg_qbytes = 100, msgctl(id, IPC_SET, &ds)) == -1)
        step = 3;                       /* lower: the owner may */
    else if ((ds.msg_qbytes = (msglen_t)msgmnb, msgctl(id, IPC_SET, &ds)) == -1)
        step = 4;                       /* back up to MSGMNB: also */
    else if ((ds.msg_qbytes = (msglen_t)msgmnb + 1, msgctl(id, IPC_SET, &ds)) != -1 ||
             errno != EPERM)
        step = 5;                       /* above: not without CAP_SYS_RESOURCE */
    if (t_rm(T_MSG, id) == -1 && step == 0)
        step = 6;
    return step;
}


START_TEST(qbytes_lowered_by_owner_raised_only_with_cap)
{
    long msgmnb = proc_long("/proc/sys/kernel/msgmnb");
    int id = new_queue(0600);
    struct msqid_ds ds = stat_of(id);

    ck_assert_int_eq(t_unprivileged(qbytes_steps, &msgmnb), 0);
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

/* --- errors, one row each ----------------------------------------------------------------- */

enum call { GET, GET_READ, GET_EXCL, SEND, RECV, STAT, SET, RMID, SEND_NEG, RECV_NEG, BAD_CMD, RAISE };
enum who { US, PLAIN_OWNER, OTHER };    /* who calls: the test; its own queue
                                         * without CAP_IPC_OWNER; a second user */
static const struct error_row {
    const char *what;
    enum call call;
    int mode;                   /* of the queue; -1: no queue with the key */
    bool stale;                 /* the call uses a removed queue's id */
    enum who who;
    int err;
} error_rows[] = {
    { "msgget, a key with no queue", GET, -1, false, US, ENOENT },
    { "msgget IPC_CREAT|IPC_EXCL, a key with a queue", GET_EXCL, 0600, false, US, EEXIST },
    { "msgget asking to read, mode 0200", GET_READ, 0200, false, PLAIN_OWNER, EACCES },
    { "msgsnd, mode 0400", SEND, 0400, false, PLAIN_OWNER, EACCES },
    { "msgrcv, mode 0200", RECV, 0200, false, PLAIN_OWNER, EACCES },
    { "msgctl IPC_STAT, mode 0200", STAT, 0200, false, PLAIN_OWNER, EACCES },
    { "msgsnd, a removed queue's id", SEND, 0600, true, US, EINVAL },
    { "msgrcv, a removed queue's id", RECV, 0600, true, US, EINVAL },
    { "msgctl IPC_STAT, a removed queue's id", STAT, 0600, true, US, EINVAL },
    { "msgsnd, negative size", SEND_NEG, 0600, false, US, EINVAL },
    { "msgrcv, negative size", RECV_NEG, 0600, false, US, EINVAL },
    { "msgctl, no such command", BAD_CMD, 0600, false, US, EINVAL },
    { "msgctl IPC_SET, qbytes above MSGMNB", RAISE, 0600, false, PLAIN_OWNER, EPERM },
}, other_user_rows[] = {
    { "msgget asking to read, another user, mode 0600", GET_READ, 0600, false, OTHER, EACCES },
    { "msgsnd, another user, mode 0604", SEND, 0604, false, OTHER, EACCES },
    { "msgrcv, another user, mode 0602", RECV, 0602, false, OTHER, EACCES },
    { "msgctl IPC_SET, another user, mode 0666", SET, 0666, false, OTHER, EPERM },
    { "msgctl IPC_RMID, another user, mode 0666", RMID, 0666, false, OTHER, EPERM },
};

struct attempt {
    const struct error_row *row;
    key_t key;
    int id;
    long msgmnb;                /* read by the test, for the child */
};

/* Make the call; 0 if it succeeded, else its errno. */
static int call_errno(const struct error_row *row, key_t key, int id, long msgmnb)
{
    static struct message m = { .mtype = 1 };
    struct msqid_ds ds = { 0 };
    long rc = -1;

    errno = 0;
    switch (row->call) {
    case GET: rc = msgget(key, 0600); break;
    case GET_READ: rc = msgget(key, 0400); break;
    case GET_EXCL: rc = msgget(key, IPC_CREAT | IPC_EXCL | 0600); break;
    case SEND: rc = msgsnd(id, &m, 1, IPC_NOWAIT); break;
    case RECV: rc = msgrcv(id, &m, 64, 0, IPC_NOWAIT); break;
    case STAT: rc = msgctl(id, IPC_STAT, &ds); break;
    case SET:
        ds.msg_perm.mode = 0666;
        ds.msg_qbytes = 100;
        rc = msgctl(id, IPC_SET, &ds);
        break;
    case RMID: rc = msgctl(id, IPC_RMID, NULL); break;
    case SEND_NEG: rc = msgsnd(id, &m, (size_t)-1, IPC_NOWAIT); break;
    case RECV_NEG: rc = msgrcv(id, &m, (size_t)-1, 0, IPC_NOWAIT); break;
    case BAD_CMD: rc = msgctl(id, 12345, &ds); break;
    case RAISE:
        if (msgctl(id, IPC_STAT, &ds) == -1)
            return 100;
        ds.msg_qbytes = (msglen_t)msgmnb + 1;
        rc = msgctl(id, IPC_SET, &ds);
        break;
    }
    return rc == -1 ? errno : 0;
}

/* Without CAP_IPC_OWNER: as the owner of a queue made here, or as a second
 * user on the test's queue. Returns the call's errno (or 0); 99: setup failed. */
static int attempt_unprivileged(void *arg)
{
    struct attempt *a = arg;
    int id = a->id, err;

    if (a->row->who == PLAIN_OWNER &&
        (id = t_get(T_MSG, a->key, IPC_CREAT | IPC_EXCL | a->row->mode)) == -1)
        return 99;
    err = call_errno(a->row, a->key, id, a->msgmnb);
    if (a->row->who == PLAIN_OWNER && t_rm(T_MSG, id) == -1)
        return 98;
    return err;
}

static void check_error_row(const struct error_row *row)
{
    struct attempt a = { .row = row, .key = t_key(1, NULL), .id = -1,
                         .msgmnb = proc_long("/proc/sys/kernel/msgmnb") };
    int err;

    if (row->mode != -1 && row->who != PLAIN_OWNER) {
        a.id = t_get(T_MSG, a.key, IPC_CREAT | IPC_EXCL | row->mode);
        ck_assert_int_ne(a.id, -1);
        if (row->stale)
            ck_assert_int_eq(t_rm(T_MSG, a.id), 0);
    }
    err = row->who == US ? call_errno(row, a.key, a.id, a.msgmnb)
                         : t_unprivileged(attempt_unprivileged, &a);
    ck_assert_msg(err == row->err, "%s: got %s, not %s", row->what,
                  err ? strerrordesc_np(err) : "success", strerrordesc_np(row->err));
    if (a.id != -1 && !row->stale)
        ck_assert_int_eq(t_rm(T_MSG, a.id), 0);
}

/* As the test's own user, or as the owner without CAP_IPC_OWNER. */
START_TEST(error_cases)
{
    check_error_row(&error_rows[_i]);
}
END_TEST

START_TEST(error_cases_other_user)
{
    T_NEED_STRANGER();
    check_error_row(&other_user_rows[_i]);
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

/* --- the programs --------------------------------------------------------------------------- */

static const struct t_bad_line bad_lines[] = {
    { "msg_create", { "extra" }, 2, "msg_create: too many arguments (see msg_create --help)" },
    { "msg_create", { "-p", "-K", "1" }, 2, "msg_create: give one key option (see msg_create --help)" },
    { "msg_create", { "-m", "0800" }, 2,
      "msg_create: mode: \"0800\" is not an octal mode (0 to 0777) (see msg_create --help)" },
    { "msg_create", { "-K", "0" }, 2,
      "msg_create: key: 0 means IPC_PRIVATE; give a non-zero key (see msg_create --help)" },
    { "msg_create", { "-k", "/no/such/file" }, 1,
      "msg_create: ftok /no/such/file: ENOENT: No such file or directory" },
    { "msg_private", { "x" }, 2, "msg_private: too many arguments (see msg_private --help)" },
    { "msg_send", { NULL }, 2, "msg_send: missing MSQID (see msg_send --help)" },
    { "msg_send", { "1" }, 2, "msg_send: missing TYPE (see msg_send --help)" },
    { "msg_send", { "1", "2" }, 2, "msg_send: missing TEXT (see msg_send --help)" },
    { "msg_send", { "1", "2", "x", "y" }, 2, "msg_send: too many arguments (see msg_send --help)" },
    { "msg_send", { "--", "-1", "2", "x" }, 2,
      "msg_send: msqid: -1 is out of range (0 to 2147483647) (see msg_send --help)" },
    { "msg_send", { "x", "2", "x" }, 2, "msg_send: msqid: \"x\" is not a number (see msg_send --help)" },
    { "msg_send", { "1", "2x", "x" }, 2, "msg_send: type: \"2x\" is not a number (see msg_send --help)" },
    { "msg_recv", { NULL }, 2, "msg_recv: missing MSQID (see msg_recv --help)" },
    { "msg_recv", { "-t" }, 2, "msg_recv: option -t needs an argument (see msg_recv --help)" },
    { "msg_recv", { "-t", "1.5", "1" }, 2, "msg_recv: type: \"1.5\" is not a number (see msg_recv --help)" },
    { "msg_recv", { "1", "-1" }, 2,
      "msg_recv: maxbytes: -1 is out of range (0 to 1048576) (see msg_recv --help)" },
    { "msg_recv", { "1", "2", "3" }, 2, "msg_recv: too many arguments (see msg_recv --help)" },
    { "msg_stat", { NULL }, 2, "msg_stat: missing MSQID (see msg_stat --help)" },
    { "msg_stat", { "abc" }, 2, "msg_stat: msqid: \"abc\" is not a number (see msg_stat --help)" },
    { "msg_qbytes", { "1" }, 2, "msg_qbytes: missing BYTES (see msg_qbytes --help)" },
    { "msg_qbytes", { "1", "-5" }, 2,
      "msg_qbytes: bytes: -5 is out of range (0 to 2147483647) (see msg_qbytes --help)" },
    { "msg_rm", { NULL }, 2, "msg_rm: missing MSQID (see msg_rm --help)" },
    { "msg_rm", { "1", "x" }, 2, "msg_rm: msqid: \"x\" is not a number (see msg_rm --help)" },
    { "msg_server", { "-k" }, 2, "msg_server: option -k needs an argument (see msg_server --help)" },
    { "msg_server", { "x" }, 2, "msg_server: too many arguments (see msg_server --help)" },
    { "msg_client", { NULL }, 2, "msg_client: missing MSQID (see msg_client --help)" },
    { "msg_client", { "1" }, 2, "msg_client: missing TEXT (see msg_client --help)" },
    { "msg_client", { "-K", "1" }, 2, "msg_client: missing TEXT (see msg_client --help)" },
    { "msg_client", { "-w", "0", "1", "x" }, 2,
      "msg_client: seconds: 0 is out of range (1 to 3600) (see msg_client --help)" },
    { "msg_client", { "-k", "/no/such/file", "x" }, 1,
      "msg_client: ftok /no/such/file: ENOENT: No such file or directory" },
};

START_TEST(bad_command_lines)
{
    t_refuse("msg", &bad_lines[_i]);
}
END_TEST

START_TEST(programs_round_trip)
{
    struct t_run r;
    char id_text[16];
    int id;

    t_run(&r, NULL, "chapters/msg/msg_create", NULL);
    id = t_created(&r, T_MSG);
    ck_assert_int_eq(stat_of(id).msg_perm.mode & 0777, 0600);
    snprintf(id_text, sizeof id_text, "%d", id);
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "2", "two", NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "1", "one", NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "chapters/msg/msg_stat", id_text, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "qnum 2  cbytes 6  qbytes "));
    ck_assert_ptr_nonnull(strstr(r.out, "rtime never\n"));
    t_run(&r, NULL, "chapters/msg/msg_recv", "-t", "-1", id_text, NULL);
    ck_assert_str_eq(r.out, "type 1, 3 bytes: one\n");
    t_run(&r, NULL, "chapters/msg/msg_recv", id_text, "2", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": E2BIG: "));
    t_run(&r, NULL, "chapters/msg/msg_recv", "-e", id_text, "2", NULL);
    ck_assert_str_eq(r.out, "type 2, 2 bytes: tw\n");
    t_run(&r, NULL, "chapters/msg/msg_recv", "-n", id_text, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": ENOMSG: "));
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "0", "zero", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": EINVAL: "));
    t_run(&r, NULL, "chapters/msg/msg_qbytes", id_text, "100", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(stat_of(id).msg_qbytes, 100);
    t_run(&r, NULL, "chapters/msg/msg_rm", id_text, id_text, NULL);
    ck_assert_int_eq(r.status, 1);                       /* the second time: EINVAL */
    ck_assert_int_eq(t_lines(r.err), 1);
    ck_assert(!t_exists(T_MSG, id));
}
END_TEST

START_TEST(msg_create_keys_and_modes)
{
    char path[PATH_MAX], arg[PATH_MAX + 8];
    struct t_run r;
    int id;

    t_key(1, path);
    snprintf(arg, sizeof arg, "%s:1", path);
    t_run(&r, NULL, "chapters/msg/msg_create", "-k", arg, "-x", "-m", "0640", NULL);
    id = t_created(&r, T_MSG);
    ck_assert_int_eq(stat_of(id).msg_perm.mode & 0777, 0640);
    ck_assert_int_eq(stat_of(id).msg_perm.__key, ftok(path, 1));
    t_run(&r, NULL, "chapters/msg/msg_create", "-k", arg, NULL);      /* opens it */
    ck_assert_int_eq(t_created(&r, T_MSG), id);
    t_run(&r, NULL, "chapters/msg/msg_create", "-k", arg, "-x", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "msg_create: msgget: EEXIST: File exists\n");
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* Seed 003's sample: mode 0. Root (CAP_IPC_OWNER) may still IPC_STAT it; no
 * one else may, the owner included. Both remove it. */
static int private_as_plain(void *unused)
{
    struct t_run r;

    (void)unused;
    t_run(&r, NULL, "chapters/msg/msg_private", NULL);
    return r.status == 0 && strstr(r.out, "\nIPC_STAT: EACCES: Permission denied\nremoved\n") ? 0 : 1;
}

START_TEST(seed_sample_makes_mode_0)
{
    struct t_run r;
    int id;

    t_run(&r, NULL, "chapters/msg/msg_private", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(sscanf(r.out, "msqid = %d", &id), 1);
    ck_assert_ptr_nonnull(strstr(r.out, "\nmode 0 (IPC_CREAT and no permission bits)\n"));
    ck_assert_ptr_nonnull(strstr(r.out, t_capable(CAP_IPC_OWNER) ? "IPC_STAT: allowed" : "IPC_STAT: EACCES"));
    ck_assert(!t_exists(T_MSG, id));
    ck_assert_int_eq(t_unprivileged(private_as_plain, NULL), 0);
}
END_TEST

/* ipcs -q lists the queue with its bytes and messages; ipcrm -q removes it. */
START_TEST(ipcs_shows_and_ipcrm_removes)
{
    int id = new_queue(0640), n = 0;
    char id_text[16], key[16], owner[64], perms[16];
    const char *line;
    long got, bytes, messages;
    struct t_run r;

    ck_assert_int_eq(send_text(id, 1, "hello", 0), 0);
    ck_assert_int_eq(send_text(id, 2, "!", 0), 0);
    snprintf(id_text, sizeof id_text, "%d", id);
    /* the header and our line only: a busy machine's whole list may not fit in r.out */
    t_run(&r, NULL, "/bin/sh", "-c", "ipcs -q | awk -v id=\"$0\" 'NR <= 3 || $2 == id'",
          id_text, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "used-bytes   messages"));
    for (line = r.out; line != NULL; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (sscanf(line, "%15s %ld %63s %15s %ld %ld", key, &got, owner, perms, &bytes,
                   &messages) == 6 && got == id) {
            ck_assert_str_eq(key, "0x00000000");
            ck_assert_str_eq(perms, "640");
            ck_assert_int_eq(bytes, 6);
            ck_assert_int_eq(messages, 2);
            n++;
        }
    }
    ck_assert_int_eq(n, 1);
    t_run(&r, NULL, "/usr/bin/ipcrm", "-q", id_text, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(!t_exists(T_MSG, id));
}
END_TEST

/* --- the server and its clients --------------------------------------------------------- */

enum { CLIENTS = 5 };

static int start_server(struct proc *server, const char *args[])
{
    int id;

    spawn(server, "msg_server", args);
    id = read_id(server);
    t_track(T_MSG, id);
    return id;
}

static void stop_server(struct proc *server, int id, int sig, const char *expect_err)
{
    char out[256], err[1024];

    ck_assert_msg(t_blocked_in(server->pid, SYS_msgrcv), "the server is not waiting");
    ck_assert_int_eq(kill(server->pid, sig), 0);
    ck_assert_int_eq(finish(server, out, sizeof out, err, sizeof err), 0);
    ck_assert_msg(strstr(err, expect_err), "no \"%s\" in:\n%s", expect_err, err);
    ck_assert(!t_exists(T_MSG, id));
}

START_TEST(server_answers_each_client_its_own)
{
    struct proc server, clients[CLIENTS];
    char id_text[16], texts[CLIENTS][16], out[256], err[256], expect[64], tail[64];
    int id = start_server(&server, (const char *[]){ NULL });

    snprintf(id_text, sizeof id_text, "%d", id);
    for (int i = 0; i < CLIENTS; i++) {         /* all at once */
        snprintf(texts[i], sizeof texts[i], "client %d", i);
        spawn(&clients[i], "msg_client",       /* -w 30: a loaded machine is no failure */
              (const char *[]){ "-w", "30", id_text, texts[i], NULL });
    }
    for (int i = 0; i < CLIENTS; i++) {
        ck_assert_int_eq(finish(&clients[i], out, sizeof out, err, sizeof err), 0);
        snprintf(expect, sizeof expect, "reply for pid %ld: CLIENT %d\n", (long)clients[i].pid, i);
        ck_assert_str_eq(out, expect);
        ck_assert_str_eq(err, "");
    }
    ck_assert_int_eq(stat_of(id).msg_qnum, 0);          /* nothing left over */
    snprintf(tail, sizeof tail, "stopped after %d requests; queue %d removed\n", CLIENTS, id);
    stop_server(&server, id, SIGTERM, tail);
}
END_TEST

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

START_TEST(server_removes_its_queue_when_stopped)
{
    char path[PATH_MAX], arg[PATH_MAX + 8], expect[64];
    struct proc server;
    int id;

    t_key(1, path);
    snprintf(arg, sizeof arg, "-k%s", path);
    id = start_server(&server, (const char *[]){ arg, NULL });
    ck_assert_int_eq(stat_of(id).msg_perm.__key, ftok(path, 1));
    snprintf(expect, sizeof expect, "stopped after 0 requests; queue %d removed\n", id);
    stop_server(&server, id, stop_signals[_i], expect);
}
END_TEST

/* Someone else removes the server's queue: it stops with one line. */
START_TEST(server_stops_when_its_queue_is_removed)
{
    struct proc server;
    char out[256], err[256], expect[128];
    int id = start_server(&server, (const char *[]){ NULL });

    ck_assert_msg(t_blocked_in(server.pid, SYS_msgrcv), "the server is not waiting");
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
    ck_assert_int_eq(finish(&server, out, sizeof out, err, sizeof err), 1);
    snprintf(expect, sizeof expect, "msg_server: msgrcv %d: EIDRM: Identifier removed\n", id);
    ck_assert_str_eq(err, expect);
}
END_TEST

/* A type-1 message longer than a request (not from msg_client) is cut, not
 * fatal: the server answers what fits and serves on. */
START_TEST(server_cuts_an_oversized_request)
{
    struct proc server;
    struct message m = { .mtype = 1 };
    pid_t fake = 424242;                /* the "pid" the request carries */
    int id = start_server(&server, (const char *[]){ NULL });
    ssize_t n;

    memcpy(m.mtext, &fake, sizeof fake);
    memset(m.mtext + sizeof fake, 'a', 1000);
    ck_assert_int_eq(msgsnd(id, &m, sizeof fake + 1000, 0), 0);
    n = msgrcv(id, &m, sizeof m.mtext, fake, 0);   /* EIDRM if the server stopped */
    ck_assert_msg(n == 256, "reply: %zd bytes (%s)", n, n == -1 ? strerror(errno) : "");
    ck_assert(m.mtext[0] == 'A' && m.mtext[255] == 'A');
    stop_server(&server, id, SIGINT, "stopped after 1 request; queue ");
}
END_TEST

/* Its id cannot be written: one line, exit 1, and no queue left behind. */
START_TEST(server_with_unwritable_stdout_removes_its_queue)
{
    char path[PATH_MAX], prog[PATH_MAX];
    key_t key = t_key(1, path);
    struct t_run r;

    snprintf(prog, sizeof prog, "%s/chapters/msg/msg_server", t_top());
    t_run(&r, NULL, "/bin/sh", "-c", "exec \"$0\" -k \"$1\" >/dev/full", prog, path, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "msg_server: write to stdout: ENOSPC: No space left on device\n");
    errno = 0;
    ck_assert_int_eq(msgget(key, 0), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(client_gives_up_without_server)
{
    int id = new_queue(0600);
    char id_text[16];
    struct t_run r;

    snprintf(id_text, sizeof id_text, "%d", id);
    t_run(&r, NULL, "chapters/msg/msg_client", "-w", "1", id_text, "anyone?", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "msg_client: no reply within 1 s: is msg_server running?\n");
    ck_assert_int_eq(stat_of(id).msg_qnum, 1);          /* its request, unanswered */
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* The test plays a server that takes the request and then stops. */
START_TEST(client_gets_eidrm_when_server_stops)
{
    int id = new_queue(0600);
    char id_text[16], out[256], err[256], expect[128];
    struct message m;
    struct proc client;

    snprintf(id_text, sizeof id_text, "%d", id);
    spawn(&client, "msg_client", (const char *[]){ "-w", "60", id_text, "hello", NULL });
    ck_assert_int_gt(msgrcv(id, &m, sizeof m.mtext, 1, 0), 0);
    ck_assert_msg(t_blocked_in(client.pid, SYS_msgrcv), "the client is not waiting");
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
    ck_assert_int_eq(finish(&client, out, sizeof out, err, sizeof err), 1);
    snprintf(expect, sizeof expect, "msg_client: msgrcv %d: EIDRM: Identifier removed\n", id);
    ck_assert_str_eq(err, expect);
    ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "queue.session", { "type 1, 3 bytes: one", "E2BIG", "ENOMSG" } },
        { "select.session", { "type 1, ", "type 3, ", "type 2, " } },
        { "stat.session", { "qnum 2  cbytes 8", " -> 10\n", ": EAGAIN: " } },
        { "private.session", { "msqid = ", "mode 0 (IPC_CREAT", "removed" } },
        { "server.session", { "reply for pid ", "HI, I AM BOB", "requests; queue " } },
        { "ipcs.session", { "used-bytes   messages", "qbytes=", " not found" } },
    };

    t_play_sessions("msg", expect, sizeof expect / sizeof expect[0], NULL);
}
END_TEST

static Suite *msg_suite(void)
{
    Suite *s = suite_create("msg");
    TCase *queue = tcase_create("queue"), *sizes = tcase_create("sizes");
    TCase *waits = tcase_create("waits"), *ctl = tcase_create("ctl");
    TCase *errors = tcase_create("errors"), *lib = tcase_create("libsysvipc");
    TCase *progs = tcase_create("programs"), *server = tcase_create("server");
    TCase *sessions = tcase_create("sessions");

    tcase_add_test(queue, fifo_within_a_type);
    tcase_add_loop_test(queue, receive_selection, 0, sizeof selections / sizeof selections[0]);
    tcase_add_test(queue, messages_keep_their_boundaries);
    tcase_add_test(queue, several_writers_and_readers);
    tcase_add_test(queue, messages_outlive_their_writers);
    tcase_set_timeout(queue, 60);

    tcase_add_loop_test(sizes, mtype_must_be_positive, 0, sizeof bad_types / sizeof bad_types[0]);
    tcase_add_test(sizes, too_long_e2big_or_cut);
    tcase_add_test(sizes, above_msgmax_einval);
    tcase_add_test(sizes, msgsz_counts_the_text_only);

    tcase_add_test(waits, full_queue_blocks_or_eagain);
    tcase_add_test(waits, qbytes_limits_messages_too);
    tcase_add_test(waits, empty_queue_enomsg_or_waits);
    tcase_add_loop_test(waits, removed_under_a_waiter_eidrm, 0, 2);
    tcase_add_loop_test(waits, handled_signal_eintr_even_with_sa_restart, 0, 2);
    tcase_set_timeout(waits, 60);

    tcase_add_test(ctl, counters_follow_send_and_receive);
    tcase_add_test(ctl, limits_from_ipc_info);
    tcase_add_test(ctl, qbytes_lowered_by_owner_raised_only_with_cap);
    tcase_add_test(ctl, removed_msqid_not_reused_at_once);
    tcase_add_test(ctl, prototypes_and_names);

    tcase_add_loop_test(errors, error_cases, 0, sizeof error_rows / sizeof error_rows[0]);
    tcase_add_loop_test(errors, error_cases_other_user, 0,
                        sizeof other_user_rows / sizeof other_user_rows[0]);

    tcase_add_test(lib, sysv_msgget_creates_then_opens);
    tcase_add_test(lib, sysv_msgsnd_and_msgrcv_carry_type_and_bytes);

    tcase_add_loop_test(progs, bad_command_lines, 0, sizeof bad_lines / sizeof bad_lines[0]);
    tcase_add_test(progs, programs_round_trip);
    tcase_add_test(progs, msg_create_keys_and_modes);
    tcase_add_test(progs, seed_sample_makes_mode_0);
    tcase_add_test(progs, ipcs_shows_and_ipcrm_removes);
    tcase_set_timeout(progs, 60);

    tcase_add_test(server, server_answers_each_client_its_own);
    tcase_add_loop_test(server, server_removes_its_queue_when_stopped, 0,
                        sizeof stop_signals / sizeof stop_signals[0]);
    tcase_add_test(server, server_stops_when_its_queue_is_removed);
    tcase_add_test(server, server_cuts_an_oversized_request);
    tcase_add_test(server, server_with_unwritable_stdout_removes_its_queue);
    tcase_add_test(server, client_gives_up_without_server);
    tcase_add_test(server, client_gets_eidrm_when_server_stops);
    tcase_set_timeout(server, 90);

    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 120);

    suite_add_tcase(s, queue);
    suite_add_tcase(s, sizes);
    suite_add_tcase(s, waits);
    suite_add_tcase(s, ctl);
    suite_add_tcase(s, errors);
    suite_add_tcase(s, lib);
    suite_add_tcase(s, progs);
    suite_add_tcase(s, server);
    suite_add_tcase(s, sessions);
    return s;
}

int main(void)
{
    return t_main(msg_suite);
}
