/* test_posix.c: POSIX shared memory, semaphores and message queues
 * (chapters/posix), and the System V side of the chapter's table.
 * Each test decides one or more claims of chapters/posix/claims.tsv or one
 * row of the book's side-by-side table. Every POSIX name comes from
 * t_posix_name(); a process that must be waiting is found so by reading
 * /proc/PID/stat and /proc/PID/syscall, never by sleeping and hoping. */
#define _GNU_SOURCE
#include "harness.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <linux/capability.h>     /* CAP_SYS_RESOURCE */
#include <mqueue.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* --- helpers ----------------------------------------------------------------- */

enum pkind { P_SHM, P_SEM, P_MQ };
static const char *const pkind_name[] = { "shm", "sem", "mq" };

/* Open NAME as KIND with FLAGS (0, O_CREAT, O_CREAT|O_EXCL) and MODE, and
 * close it again: 0, or -1 with errno. */
static int p_open(enum pkind kind, const char *name, int flags, mode_t mode)
{
    int fd, saved;
    sem_t *sem;
    mqd_t mq;

    switch (kind) {
    case P_SHM:
        if ((fd = shm_open(name, O_RDWR | flags, mode)) == -1)
            return -1;
        close(fd);
        return 0;
    case P_SEM:
        if ((sem = sem_open(name, flags, mode, 0)) == SEM_FAILED)
            return -1;
        saved = errno;
        sem_close(sem);
        errno = saved;
        return 0;
    case P_MQ:
        if ((mq = mq_open(name, O_RDWR | flags, mode, NULL)) == (mqd_t)-1)
            return -1;
        mq_close(mq);
        return 0;
    }
    return -1;
}

static int p_unlink(enum pkind kind, const char *name)
{
    switch (kind) {
    case P_SHM: return shm_unlink(name);
    case P_SEM: return sem_unlink(name);
    case P_MQ: return mq_unlink(name);
    }
    return -1;
}

static mqd_t new_queue(const char *name, long maxmsg, long msgsize, int flags)
{
    struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
    mqd_t mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL | flags, 0600, &attr);

    ck_assert_msg(mq != (mqd_t)-1, "mq_open %s: %s", name, strerror(errno));
    return mq;
}

static void send_text(mqd_t mq, const char *text, unsigned int prio)
{
    ck_assert_msg(mq_send(mq, text, strlen(text), prio) == 0, "mq_send: %s", strerror(errno));
}

/* mq_receive into TEXT (room for SIZE - 1 bytes and a NUL). */
static ssize_t recv_text(mqd_t mq, char *text, size_t size, unsigned int *prio)
{
    ssize_t n = mq_receive(mq, text, size - 1, prio);

    if (n >= 0)
        text[n] = '\0';
    return n;
}

static long curmsgs(mqd_t mq)
{
    struct mq_attr attr;

    ck_assert_int_eq(mq_getattr(mq, &attr), 0);
    return attr.mq_curmsgs;
}

/* Where the name of KIND is listed: /dev/shm/NAME, /dev/shm/sem.NAME, or
 * DIR/NAME for a queue (DIR: t_mqueue_dir()). */
static void listed_at(char path[PATH_MAX], enum pkind kind, const char *name, const char *dir)
{
    if (kind == P_MQ)
        snprintf(path, PATH_MAX, "%s%s", dir, name);
    else
        snprintf(path, PATH_MAX, "/dev/shm/%s%s", kind == P_SEM ? "sem." : "", name + 1);
}

static bool listed(enum pkind kind, const char *name, const char *dir)
{
    char path[PATH_MAX];
    struct stat st;

    listed_at(path, kind, name, dir);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int exit_code(pid_t pid)
{
    int status;

    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Run FN(ARG) where a mqueue filesystem is listed: here if one is mounted
 * (or root can mount one), else in an IPC namespace of our own. Returns FN's
 * answer, or -1: the caller skips. */
struct listing {
    int (*fn)(const char *dir, void *arg);
    void *arg;
};

static int in_namespace(void *ctx)
{
    const struct listing *l = ctx;
    const char *dir = t_mqueue_dir();

    return dir == NULL ? 99 : l->fn(dir, l->arg);
}

static int with_mqueue_dir(int (*fn)(const char *dir, void *arg), void *arg)
{
    struct listing l = { fn, arg };
    const char *dir = t_mqueue_dir();

    return dir != NULL ? fn(dir, arg) : t_private_ipc(in_namespace, &l);
}

/* --- names ---------------------------------------------------------------------- */

/* Each kind is listed as a file while it exists, and not after its unlink. */
START_TEST(names_listed_in_dev_shm)
{
    enum pkind kind = (enum pkind)_i;
    char name[64];

    t_posix_name(name);
    ck_assert(!listed(kind, name, NULL));
    ck_assert_int_eq(p_open(kind, name, O_CREAT | O_EXCL, 0600), 0);
    ck_assert_msg(listed(kind, name, NULL), "%s %s not in /dev/shm", pkind_name[kind], name);
    ck_assert_int_eq(p_unlink(kind, name), 0);
    ck_assert(!listed(kind, name, NULL));
}
END_TEST

static int queue_listed(const char *dir, void *arg)
{
    const char *name = arg;
    char path[PATH_MAX], text[256];
    ssize_t n;
    int fd;

    if (listed(P_MQ, name, dir))
        return 1;
    if (p_open(P_MQ, name, O_CREAT | O_EXCL, 0600) == -1)
        return 2;
    if (!listed(P_MQ, name, dir))
        return 3;
    /* the file reads as the queue's state: QSIZE:0 NOTIFY:0 ... */
    listed_at(path, P_MQ, name, dir);
    if ((fd = open(path, O_RDONLY)) == -1 || (n = read(fd, text, sizeof text - 1)) <= 0)
        return 4;
    close(fd);
    text[n] = '\0';
    if (strncmp(text, "QSIZE:0 ", 8) != 0)
        return 5;
    if (mq_unlink(name) == -1)
        return 6;
    return listed(P_MQ, name, dir) ? 7 : 0;
}

START_TEST(queues_listed_in_mqueue_dir)
{
    char name[64];
    int rc;

    t_posix_name(name);
    rc = with_mqueue_dir(queue_listed, name);
    if (rc == -1)
        T_SKIP(t_why_not());
    ck_assert_msg(rc == 0, "status %d (its failed step is on stderr)", rc);
}
END_TEST

/* What glibc (shm_open, sem_open) and the kernel (mq_open) do with a name.
 * 0 means the object was made. The book's table of names shows these rows. */
static const struct name_row {
    const char *form;           /* how the row's name is made from a fresh /NAME */
    int shm, sem, mq;
} name_rows[] = {
    { "NAME (no slash)", 0, 0, EINVAL },
    { "//NAME", 0, 0, EACCES },
    { "/NAME/b", EINVAL, EINVAL, EACCES },
    { "/", EINVAL, EINVAL, ENOENT },
    { "", EINVAL, EINVAL, EINVAL },
    { "/ + 251 chars", 0, 0, 0 },
    { "/ + 252 chars", 0, ENAMETOOLONG, 0 },
    { "/ + 255 chars", 0, ENAMETOOLONG, 0 },
    { "/ + 256 chars", ENAMETOOLONG, EINVAL, ENAMETOOLONG },
    { "/ + 259 chars", ENAMETOOLONG, EINVAL, ENAMETOOLONG },
    { "/ + 260 chars", EINVAL, EINVAL, ENAMETOOLONG },     /* past glibc's buffer */
    { "/ + 300 chars", EINVAL, EINVAL, ENAMETOOLONG },
};

static void row_name(char out[400], const struct name_row *row, const char *name)
{
    int len;

    if (row->form[0] == 'N')
        snprintf(out, 400, "%s", name + 1);
    else if (strcmp(row->form, "//NAME") == 0)
        snprintf(out, 400, "/%s", name);
    else if (strcmp(row->form, "/NAME/b") == 0)
        snprintf(out, 400, "%s/b", name);
    else if (sscanf(row->form, "/ + %d chars", &len) == 1) {
        snprintf(out, 400, "%s", name);             /* unique, then padded */
        memset(out + strlen(out), 'a', (size_t)len + 1 - strlen(out));
        out[len + 1] = '\0';
    } else
        snprintf(out, 400, "%s", row->form);
}

START_TEST(bad_names_glibc_and_kernel_differ)
{
    const struct name_row *row = &name_rows[_i];
    char name[64], tried[400];
    const int expect[3] = { row->shm, row->sem, row->mq };

    t_posix_name(name);
    row_name(tried, row, name);
    for (enum pkind k = P_SHM; k <= P_MQ; k++) {
        errno = 0;
        int rc = p_open(k, tried, O_CREAT | O_EXCL, 0600), got = rc == 0 ? 0 : errno;

        if (rc == 0 && strlen(tried) < 64 && strcmp(tried, name) != 0) {
            /* glibc took off the slashes: it is the object /NAME */
            int again = p_open(k, name, O_CREAT | O_EXCL, 0600);

            ck_assert_msg(again == -1 && errno == EEXIST, "%s %s is not %s", pkind_name[k],
                          tried, name);
        }
        if (rc == 0)
            p_unlink(k, tried);
        ck_assert_msg(got == expect[k], "%s \"%s\": %s, expected %s", pkind_name[k],
                      row->form, got ? strerrorname_np(got) : "made",
                      expect[k] ? strerrorname_np(expect[k]) : "made");
        if (k != P_MQ && got == EINVAL) {       /* glibc's unlink says ENOENT instead */
            errno = 0;
            ck_assert_int_eq(p_unlink(k, tried), -1);
            ck_assert_msg(errno == ENOENT, "%s_unlink \"%s\": %s", pkind_name[k], row->form,
                          strerrorname_np(errno));
        }
    }
}
END_TEST

/* --- create, open, exclusive ------------------------------------------------------ */

START_TEST(o_excl_gives_eexist)
{
    enum pkind kind = (enum pkind)_i;
    char name[64];

    t_posix_name(name);
    errno = 0;
    ck_assert_int_eq(p_open(kind, name, 0, 0), -1);             /* no such name */
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_eq(p_open(kind, name, O_CREAT | O_EXCL, 0600), 0);
    errno = 0;
    ck_assert_int_eq(p_open(kind, name, O_CREAT | O_EXCL, 0600), -1);
    ck_assert_int_eq(errno, EEXIST);
    ck_assert_int_eq(p_open(kind, name, O_CREAT, 0600), 0);     /* opens it */
    ck_assert_int_eq(p_open(kind, name, 0, 0), 0);
    ck_assert_int_eq(p_unlink(kind, name), 0);
    errno = 0;
    ck_assert_int_eq(p_unlink(kind, name), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* A child makes one of each and exits: all three are still there
 * (kernel persistence, like System V's). */
START_TEST(objects_outlive_their_creator)
{
    char names[3][64];
    pid_t pid;

    for (int k = P_SHM; k <= P_MQ; k++)
        t_posix_name(names[k]);
    if ((pid = fork()) == 0) {
        for (int k = P_SHM; k <= P_MQ; k++)
            if (p_open(k, names[k], O_CREAT | O_EXCL, 0600) == -1)
                _exit(1 + k);
        _exit(0);
    }
    ck_assert_int_eq(exit_code(pid), 0);
    for (int k = P_SHM; k <= P_MQ; k++) {
        ck_assert_msg(p_open(k, names[k], 0, 0) == 0, "%s gone", pkind_name[k]);
        ck_assert_int_eq(p_unlink(k, names[k]), 0);
    }
}
END_TEST

/* --- unlink and reference counting ------------------------------------------------- */

START_TEST(unlinked_shm_stays_mapped)
{
    char name[64];
    struct stat st;
    char *p;
    int fd;

    t_posix_name(name);
    fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(ftruncate(fd, 4096), 0);
    p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    strcpy(p, "before");
    ck_assert_int_eq(shm_unlink(name), 0);
    ck_assert(!listed(P_SHM, name, NULL));
    errno = 0;
    ck_assert_int_eq(shm_open(name, O_RDWR, 0), -1);            /* the name is gone */
    ck_assert_int_eq(errno, ENOENT);
    strcat(p, " and after");                                     /* the memory is not */
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert_int_eq(st.st_size, 4096);
    ck_assert_int_eq(st.st_nlink, 0);
    char *q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);   /* still mappable */
    ck_assert_ptr_ne(q, MAP_FAILED);
    ck_assert_str_eq(q, "before and after");
    /* the name, made again, is a new and empty object */
    int fd2 = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    ck_assert_int_ne(fd2, -1);
    ck_assert_int_eq(fstat(fd2, &st), 0);
    ck_assert_int_eq(st.st_size, 0);
    close(fd2);
    ck_assert_int_eq(shm_unlink(name), 0);
    munmap(q, 4096);
    munmap(p, 4096);
    close(fd);
}
END_TEST

/* A process waits in sem_wait; the name is unlinked; a post still wakes it:
 * no EIDRM, the semaphore lives while someone has it open. */
START_TEST(unlinked_sem_still_works)
{
    char name[64];
    sem_t *sem;
    pid_t pid;
    int value;

    t_posix_name(name);
    sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
    ck_assert_ptr_ne(sem, SEM_FAILED);
    if ((pid = fork()) == 0)
        _exit(sem_wait(sem) == 0 ? 0 : 1);
    ck_assert_msg(t_blocked_in(pid, SYS_futex), "the child is not waiting");
    ck_assert_int_eq(sem_unlink(name), 0);
    ck_assert(!listed(P_SEM, name, NULL));
    errno = 0;
    ck_assert_ptr_eq(sem_open(name, 0), SEM_FAILED);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_eq(sem_post(sem), 0);
    ck_assert_int_eq(exit_code(pid), 0);
    ck_assert_int_eq(sem_post(sem), 0);
    ck_assert_int_eq(sem_getvalue(sem, &value), 0);
    ck_assert_int_eq(value, 1);
    ck_assert_int_eq(sem_close(sem), 0);
}
END_TEST

/* The contrast of the table's "removal" row: a System V queue removed with
 * IPC_RMID is gone at once, messages and all; a POSIX queue after mq_unlink
 * serves whoever has it open (a receiver waiting through the unlink gets
 * the next message), and a new queue may take the name meanwhile. */
START_TEST(rmid_at_once_unlink_at_last_close)
{
    struct { long mtype; char mtext[16]; } m = { 1, "sysv" };
    char name[64], text[8200];
    unsigned int prio;
    int id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0600);
    mqd_t mq, other;
    pid_t pid;

    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(msgsnd(id, &m, 4, 0), 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
    errno = 0;
    ck_assert_int_eq(msgrcv(id, &m, sizeof m.mtext, 0, IPC_NOWAIT), -1);
    ck_assert(errno == EINVAL || errno == EIDRM);
    ck_assert(!t_exists(T_MSG, id));

    t_posix_name(name);
    mq = new_queue(name, 4, 8192, 0);
    if ((pid = fork()) == 0)            /* waits on the empty queue, through the unlink */
        _exit(recv_text(mq, text, sizeof text, &prio) == 4 && strcmp(text, "woke") == 0 ? 0 : 1);
    ck_assert_msg(t_blocked_in(pid, SYS_mq_timedreceive), "the receiver is not waiting");
    ck_assert_int_eq(mq_unlink(name), 0);
    send_text(mq, "woke", 1);
    ck_assert_int_eq(exit_code(pid), 0);                         /* no error: the message */
    send_text(mq, "one", 1);
    send_text(mq, "two", 1);
    errno = 0;
    ck_assert_int_eq(mq_open(name, O_RDWR), (mqd_t)-1);
    ck_assert_int_eq(errno, ENOENT);
    other = new_queue(name, 4, 8192, O_NONBLOCK);                /* a new one */
    ck_assert_int_eq(curmsgs(other), 0);
    ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), 3);
    ck_assert_str_eq(text, "one");
    send_text(mq, "three", 2);                                   /* still a queue */
    ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), 5);
    ck_assert_str_eq(text, "three");
    ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), 3);
    ck_assert_str_eq(text, "two");
    errno = 0;
    ck_assert_int_eq(recv_text(other, text, sizeof text, &prio), -1);
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(mq_close(mq), 0);
    ck_assert_int_eq(mq_close(other), 0);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/* --- message queues ------------------------------------------------------------------ */

START_TEST(priority_order_fifo_within)
{
    static const struct { const char *text; unsigned int prio; } sent[] = {
        { "a1", 1 }, { "b5", 5 }, { "c1", 1 }, { "d5", 5 }, { "e0", 0 }, { "f9", 9 },
    };
    static const char *const order[] = { "f9", "b5", "d5", "a1", "c1", "e0" };
    char name[64], text[8200];
    unsigned int prio;
    mqd_t mq;

    t_posix_name(name);
    mq = new_queue(name, 10, 8192, O_NONBLOCK);
    for (size_t i = 0; i < sizeof sent / sizeof sent[0]; i++)
        send_text(mq, sent[i].text, sent[i].prio);
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), 2);
        ck_assert_str_eq(text, order[i]);
        ck_assert_uint_eq(prio, (unsigned int)(order[i][1] - '0'));
    }
    ck_assert_int_eq(mq_close(mq), 0);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

START_TEST(priority_limit)
{
    char name[64];
    mqd_t mq;

    ck_assert_int_eq(sysconf(_SC_MQ_PRIO_MAX), 32768);
    ck_assert_int_eq(MQ_PRIO_MAX, 32768);
    t_posix_name(name);
    mq = new_queue(name, 10, 16, O_NONBLOCK);
    ck_assert_int_eq(mq_send(mq, "x", 1, 32767), 0);
    errno = 0;
    ck_assert_int_eq(mq_send(mq, "x", 1, 32768), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(curmsgs(mq), 1);
    ck_assert_int_eq(mq_close(mq), 0);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/* O_NONBLOCK: EAGAIN on a full queue and on an empty one; without it, a
 * sender waits on the full queue until a receiver makes room. */
START_TEST(nonblock_eagain_full_and_empty)
{
    char name[64], text[64];
    unsigned int prio;
    mqd_t mq;
    pid_t pid;

    t_posix_name(name);
    mq = new_queue(name, 2, 16, O_NONBLOCK);
    errno = 0;
    ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), -1);      /* empty */
    ck_assert_int_eq(errno, EAGAIN);
    send_text(mq, "1", 0);
    send_text(mq, "2", 0);
    errno = 0;
    ck_assert_int_eq(mq_send(mq, "3", 1, 0), -1);                       /* full */
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(curmsgs(mq), 2);
    if ((pid = fork()) == 0) {          /* the same queue, blocking */
        mqd_t own = mq_open(name, O_WRONLY);

        _exit(own != (mqd_t)-1 && mq_send(own, "3", 1, 0) == 0 ? 0 : 1);
    }
    ck_assert_msg(t_blocked_in(pid, SYS_mq_timedsend), "the sender is not waiting");
    ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), 1);
    ck_assert_int_eq(exit_code(pid), 0);
    ck_assert_int_eq(curmsgs(mq), 2);
    ck_assert_int_eq(mq_close(mq), 0);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/* The receive buffer must hold msgsize bytes, whatever the message's length;
 * a message longer than msgsize cannot be sent. */
START_TEST(receive_buffer_below_msgsize_emsgsize)
{
    char name[64], text[128];
    unsigned int prio;
    mqd_t mq;

    t_posix_name(name);
    mq = new_queue(name, 4, 64, O_NONBLOCK);
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
    ck_assert_int_eq(mq_close(mq), 0);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/* On Linux an mqd_t is a file descriptor: poll() waits for a message,
 * fstat() and fchmod() work on it. */
START_TEST(mqd_is_a_file_descriptor)
{
    char name[64], link[PATH_MAX], got[PATH_MAX];
    struct stat st;
    mqd_t mq;
    ssize_t n;

    t_posix_name(name);
    mq = new_queue(name, 4, 16, O_NONBLOCK);
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
    ck_assert_int_eq(mq_close(mq), 0);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/* mq_setattr changes O_NONBLOCK only: the size is fixed at creation. */
START_TEST(mq_setattr_changes_only_the_flags)
{
    struct mq_attr set = { .mq_flags = O_NONBLOCK, .mq_maxmsg = 99, .mq_msgsize = 99 }, got;
    char name[64];
    mqd_t mq;

    t_posix_name(name);
    mq = new_queue(name, 3, 32, 0);
    ck_assert_int_eq(mq_setattr(mq, &set, NULL), 0);
    ck_assert_int_eq(mq_getattr(mq, &got), 0);
    ck_assert_int_eq(got.mq_flags, O_NONBLOCK);
    ck_assert_int_eq(got.mq_maxmsg, 3);
    ck_assert_int_eq(got.mq_msgsize, 32);
    ck_assert_int_eq(mq_close(mq), 0);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/* --- notification ------------------------------------------------------------------------- */

/* mq_notify: one registered process per queue (EBUSY for a second), a signal
 * with SI_MESGQ and the sender's pid when a message arrives on the empty
 * queue, once only; none when the queue was not empty. */
START_TEST(mq_notify_once_on_empty_queue)
{
    struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
    struct timespec none = { 0 };
    char name[64], text[64];
    siginfo_t info;
    sigset_t set;
    unsigned int prio;
    mqd_t mq;
    pid_t pid;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
    t_posix_name(name);
    mq = new_queue(name, 4, 16, O_NONBLOCK);
    ck_assert_int_eq(mq_notify(mq, &sev), 0);
    if ((pid = fork()) == 0) {          /* a second process may not register */
        mqd_t own = mq_open(name, O_RDONLY);

        _exit(own != (mqd_t)-1 && mq_notify(own, &sev) == -1 && errno == EBUSY ? 0 : 1);
    }
    ck_assert_int_eq(exit_code(pid), 0);
    if ((pid = fork()) == 0) {          /* the sender */
        mqd_t own = mq_open(name, O_WRONLY);

        _exit(own != (mqd_t)-1 && mq_send(own, "hey", 3, 4) == 0 ? 0 : 1);
    }
    ck_assert_int_eq(exit_code(pid), 0);
    ck_assert_int_eq(sigtimedwait(&set, &info, &(struct timespec){ .tv_sec = 10 }), SIGUSR1);
    ck_assert_int_eq(info.si_code, SI_MESGQ);
    ck_assert_int_eq(info.si_pid, pid);
    /* once: the registration is gone, a message brings no second signal */
    ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), 3);
    send_text(mq, "again", 0);
    errno = 0;
    ck_assert_int_eq(sigtimedwait(&set, &info, &none), -1);
    ck_assert_int_eq(errno, EAGAIN);
    /* registered on a queue that is not empty: no signal for a new message */
    ck_assert_int_eq(mq_notify(mq, &sev), 0);
    send_text(mq, "more", 0);
    errno = 0;
    ck_assert_int_eq(sigtimedwait(&set, &info, &none), -1);
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(mq_notify(mq, NULL), 0);                   /* unregister */
    ck_assert_int_eq(mq_close(mq), 0);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/* SIGUSR1 is not queued: one from kill still pending when the message comes
 * swallows the queue's notice (pmq_notify then waits on). A real-time signal
 * is queued: both come, the kill's and the queue's. */
START_TEST(mq_notice_lost_behind_a_pending_sigusr1)
{
    const int signos[] = { SIGUSR1, SIGRTMIN };
    char name[64];
    siginfo_t info;
    sigset_t set;
    mqd_t mq;

    for (int i = 0; i < 2; i++) {
        struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = signos[i] };
        struct timespec none = { 0 };

        sigemptyset(&set);
        sigaddset(&set, signos[i]);
        ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
        t_posix_name(name);
        mq = new_queue(name, 4, 16, O_NONBLOCK);
        ck_assert_int_eq(mq_notify(mq, &sev), 0);
        ck_assert_int_eq(kill(getpid(), signos[i]), 0);         /* the stray one, pending */
        send_text(mq, "hey", 0);                                /* the notice is sent here */
        ck_assert_int_eq(sigtimedwait(&set, &info, &none), signos[i]);
        ck_assert_int_eq(info.si_code, SI_USER);
        errno = 0;
        if (signos[i] == SIGUSR1) {
            ck_assert_int_eq(sigtimedwait(&set, &info, &none), -1);     /* lost */
            ck_assert_int_eq(errno, EAGAIN);
        } else {
            ck_assert_int_eq(sigtimedwait(&set, &info, &none), signos[i]);
            ck_assert_int_eq(info.si_code, SI_MESGQ);
        }
        ck_assert_int_eq(curmsgs(mq), 1);
        ck_assert_int_eq(mq_close(mq), 0);
        ck_assert_int_eq(mq_unlink(name), 0);
    }
}
END_TEST

/* --- semaphores ---------------------------------------------------------------------------- */

START_TEST(sem_open_value_set_once)
{
    char name[64];
    sem_t *sem, *again;
    int value;

    t_posix_name(name);
    sem = sem_open(name, O_CREAT | O_EXCL, 0600, 3);
    ck_assert_ptr_ne(sem, SEM_FAILED);
    ck_assert_int_eq(sem_getvalue(sem, &value), 0);
    ck_assert_int_eq(value, 3);
    again = sem_open(name, O_CREAT, 0600, 7);                    /* opens: 7 unused */
    ck_assert_ptr_ne(again, SEM_FAILED);
    ck_assert_int_eq(sem_getvalue(again, &value), 0);
    ck_assert_int_eq(value, 3);
    errno = 0;
    ck_assert_ptr_eq(sem_open(name, O_CREAT | O_EXCL, 0600, (unsigned int)SEM_VALUE_MAX + 1u),
                     SEM_FAILED);
    ck_assert_int_eq(errno, EINVAL);                             /* checked before EEXIST */
    sem_close(again);
    sem_close(sem);
    ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(sem_trywait_eagain)
{
    char name[64];
    sem_t *sem;
    int value;

    t_posix_name(name);
    sem = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
    ck_assert_ptr_ne(sem, SEM_FAILED);
    ck_assert_int_eq(sem_trywait(sem), 0);
    errno = 0;
    ck_assert_int_eq(sem_trywait(sem), -1);
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(sem_getvalue(sem, &value), 0);
    ck_assert_int_eq(value, 0);
    sem_close(sem);
    ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* sem_timedwait waits until an absolute CLOCK_REALTIME time, then ETIMEDOUT;
 * a time already past fails at once. A bad time (tv_nsec out of range) is
 * EINVAL, and glibc checks it even when the semaphore could be taken at
 * once (POSIX lets it skip the check then): nothing is taken. */
START_TEST(sem_timedwait_etimedout)
{
    struct timespec t0, deadline;
    char name[64];
    sem_t *sem;
    int value;

    t_posix_name(name);
    sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
    ck_assert_ptr_ne(sem, SEM_FAILED);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 200000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    errno = 0;
    ck_assert_int_eq(sem_timedwait(sem, &deadline), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert(seconds_since(&t0) >= 0.19);
    errno = 0;
    ck_assert_int_eq(sem_timedwait(sem, &(struct timespec){ .tv_sec = 1 }), -1);  /* 1970 */
    ck_assert_int_eq(errno, ETIMEDOUT);
    errno = 0;
    ck_assert_int_eq(sem_timedwait(sem, &(struct timespec){ .tv_nsec = 1000000000 }), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(sem_post(sem), 0);
    errno = 0;
    ck_assert_int_eq(sem_timedwait(sem, &(struct timespec){ .tv_nsec = 1000000000 }), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(sem_getvalue(sem, &value), 0);
    ck_assert_int_eq(value, 1);
    sem_close(sem);
    ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* With a process waiting, sem_getvalue says 0 on Linux (POSIX allows minus
 * the number of waiters). */
START_TEST(sem_getvalue_zero_with_waiters)
{
    char name[64];
    sem_t *sem;
    pid_t pid;
    int value = -99;

    t_posix_name(name);
    sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
    ck_assert_ptr_ne(sem, SEM_FAILED);
    if ((pid = fork()) == 0)
        _exit(sem_wait(sem) == 0 ? 0 : 1);
    ck_assert_msg(t_blocked_in(pid, SYS_futex), "the child is not waiting");
    ck_assert_int_eq(sem_getvalue(sem, &value), 0);
    ck_assert_int_eq(value, 0);
    ck_assert_int_eq(sem_post(sem), 0);
    ck_assert_int_eq(exit_code(pid), 0);
    sem_close(sem);
    ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* An unnamed semaphore in a MAP_SHARED mapping, sem_init(pshared = 1): two
 * processes take turns through it, and nothing is listed anywhere. */
START_TEST(unnamed_sem_shared_by_two_processes)
{
    struct shared {
        sem_t ready, done;
        int value;
    } *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t pid;

    ck_assert_ptr_ne(sh, MAP_FAILED);
    ck_assert_int_eq(sem_init(&sh->ready, 1, 0), 0);
    ck_assert_int_eq(sem_init(&sh->done, 1, 0), 0);
    if ((pid = fork()) == 0) {
        for (int i = 0; i < 1000; i++) {
            if (sem_wait(&sh->ready) == -1)
                _exit(1);
            sh->value++;
            if (sem_post(&sh->done) == -1)
                _exit(2);
        }
        _exit(0);
    }
    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(sh->value, i);
        ck_assert_int_eq(sem_post(&sh->ready), 0);
        ck_assert_int_eq(sem_wait(&sh->done), 0);
    }
    ck_assert_int_eq(exit_code(pid), 0);
    ck_assert_int_eq(sh->value, 1000);
    ck_assert_int_eq(sem_destroy(&sh->ready), 0);
    ck_assert_int_eq(sem_destroy(&sh->done), 0);
    munmap(sh, sizeof *sh);
}
END_TEST

START_TEST(sem_post_eoverflow)
{
    sem_t sem;
    int value;

    ck_assert_int_eq(SEM_VALUE_MAX, INT_MAX);
    ck_assert_int_eq(sem_init(&sem, 0, SEM_VALUE_MAX), 0);
    errno = 0;
    ck_assert_int_eq(sem_post(&sem), -1);
    ck_assert_int_eq(errno, EOVERFLOW);
    ck_assert_int_eq(sem_getvalue(&sem, &value), 0);
    ck_assert_int_eq(value, SEM_VALUE_MAX);
    ck_assert_int_eq(sem_destroy(&sem), 0);
}
END_TEST

/* --- permissions ---------------------------------------------------------------------------- */

/* The umask clears bits of a new POSIX object's mode, as of a file's; a
 * System V object keeps the mode asked for (perm-1). */
START_TEST(umask_applies_to_posix_not_sysv)
{
    char name[64], path[PATH_MAX];
    struct ipc_perm perm;
    struct stat st;
    int id;

    umask(027);
    for (enum pkind k = P_SHM; k <= P_MQ; k++) {
        t_posix_name(name);
        ck_assert_int_eq(p_open(k, name, O_CREAT | O_EXCL, 0666), 0);
        if (k == P_MQ) {
            mqd_t mq = mq_open(name, O_RDONLY);

            ck_assert_int_eq(fstat(mq, &st), 0);
            mq_close(mq);
        } else {
            listed_at(path, k, name, NULL);
            ck_assert_int_eq(stat(path, &st), 0);
        }
        ck_assert_int_eq(p_unlink(k, name), 0);
        ck_assert_msg((st.st_mode & 0777) == 0640, "%s: mode %o", pkind_name[k],
                      (unsigned int)st.st_mode & 0777);
    }
    id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0666);
    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(t_stat(T_MSG, id, &perm), 0);
    ck_assert_int_eq(perm.mode & 0777, 0666);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

struct names3 {
    char name[3][64];
};

static int open_each_expect(void *arg, int expect)
{
    const struct names3 *n = arg;

    for (int k = P_SHM; k <= P_MQ; k++) {
        errno = 0;
        int rc = p_open(k, n->name[k], 0, 0);

        if (expect == 0 ? rc != 0 : (rc != -1 || errno != expect))
            return 1 + k;
    }
    return 0;
}

static int open_each_eacces(void *arg)
{
    return open_each_expect(arg, EACCES);
}

/* The owner makes the three with mode 0, and then may not open them. */
static int make_each_then_eacces(void *arg)
{
    const struct names3 *n = arg;

    for (int k = P_SHM; k <= P_MQ; k++)
        if (p_open(k, n->name[k], O_CREAT | O_EXCL, 0) != 0)
            return 10 + k;
    return open_each_eacces(arg);
}

/* Mode 0: a process without CAP_DAC_OVERRIDE, the owner included, gets
 * EACCES, as for a file; root opens it (the file rule, where System V asks
 * for CAP_IPC_OWNER). The owner is the plain user of t_unprivileged; as
 * root, the unlinks at the end are root's (CAP_FOWNER) of nobody's names. */
START_TEST(mode_checked_as_for_a_file)
{
    struct names3 n;

    for (int k = P_SHM; k <= P_MQ; k++)
        t_posix_name(n.name[k]);
    ck_assert_int_eq(t_unprivileged(make_each_then_eacces, &n), 0);
    ck_assert_int_eq(open_each_expect(&n, t_capable(CAP_DAC_OVERRIDE) ? 0 : EACCES), 0);
    for (int k = P_SHM; k <= P_MQ; k++)
        ck_assert_int_eq(p_unlink(k, n.name[k]), 0);
}
END_TEST

struct removal {
    struct names3 n;
    int id;                     /* a System V queue */
};

static int unlink_each_refused(void *arg)
{
    const struct removal *c = arg;
    const struct names3 *n = &c->n;
    int id = c->id;

    if (open_each_expect((void *)n, 0) != 0)       /* 0666: anyone may open */
        return 10;
    for (int k = P_SHM; k <= P_MQ; k++) {
        errno = 0;
        if (p_unlink(k, n->name[k]) != -1 || errno != EACCES)
            return 1 + k;
    }
    errno = 0;
    if (msgctl(id, IPC_RMID, NULL) != -1 || errno != EPERM)
        return 4;
    return 0;
}

/* Only the owner (or a process with the capability) removes an object:
 * another user who may open a 0666 object gets EACCES from the unlinks
 * (the directories are sticky; glibc turns the kernel's EPERM into EACCES),
 * and EPERM from IPC_RMID on a 0666 System V queue. */
START_TEST(only_the_owner_removes)
{
    struct removal ctx;

    T_NEED_STRANGER();
    umask(0);
    for (int k = P_SHM; k <= P_MQ; k++) {
        t_posix_name(ctx.n.name[k]);
        ck_assert_int_eq(p_open(k, ctx.n.name[k], O_CREAT | O_EXCL, 0666), 0);
    }
    ctx.id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0666);
    ck_assert_int_ne(ctx.id, -1);
    ck_assert_int_eq(t_unprivileged(unlink_each_refused, &ctx), 0);
    for (int k = P_SHM; k <= P_MQ; k++)
        ck_assert_int_eq(p_unlink(k, ctx.n.name[k]), 0);
    ck_assert_int_eq(t_rm(T_MSG, ctx.id), 0);
}
END_TEST

/* --- limits ---------------------------------------------------------------------------------- */

static long read_long(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = -1;

    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld", &v) != 1)
        v = -1;
    fclose(f);
    return v;
}

/* A queue made without attributes gets msg_default and msgsize_default. */
/* RLIMIT_MSGQUEUE (ulimit -q) caps the bytes of all of a user's queues:
 * beyond it mq_open fails with EMFILE, whatever the capabilities. The same
 * queue opens under the limit the test started with. */
START_TEST(rlimit_msgqueue_emfile)
{
    const struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 1024 };   /* > 2 KiB */
    char name[64];
    int status;
    mqd_t mq;
    pid_t pid;

    t_posix_name(name);
    ck_assert((pid = fork()) != -1);
    if (pid == 0) {                     /* the lowered limit stays in the child */
        const struct rlimit low = { 1000, 1000 };

        _exit(setrlimit(RLIMIT_MSGQUEUE, &low) == 0 &&
              mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr) == (mqd_t)-1 &&
              errno == EMFILE ? 0 : 1);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "under a limit of 1000 bytes, mq_open did not fail with EMFILE");
    mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
    ck_assert_msg(mq != (mqd_t)-1, "mq_open %s: %s", name, strerror(errno));
    mq_close(mq);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

START_TEST(mq_defaults_from_proc)
{
    struct mq_attr attr;
    char name[64];
    mqd_t mq;

    t_posix_name(name);
    mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
    ck_assert_int_ne(mq, (mqd_t)-1);
    ck_assert_int_eq(mq_getattr(mq, &attr), 0);
    mq_close(mq);
    ck_assert_int_eq(mq_unlink(name), 0);
    ck_assert_int_eq(attr.mq_maxmsg, read_long("/proc/sys/fs/mqueue/msg_default"));
    ck_assert_int_eq(attr.mq_msgsize, read_long("/proc/sys/fs/mqueue/msgsize_default"));
}
END_TEST

struct limits_ctx {
    char name[64];
    bool cap;                   /* CAP_SYS_RESOURCE, judged outside the namespace */
};

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
 * msg_default 3. Its queues are its own: they go when it ends. */
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
    if (!t_write_file("/proc/sys/fs/mqueue/msg_max", "5\n") ||
        !t_write_file("/proc/sys/fs/mqueue/msgsize_max", "128\n") ||
        !t_write_file("/proc/sys/fs/mqueue/queues_max", "2\n") ||
        !t_write_file("/proc/sys/fs/mqueue/msg_default", "3\n"))
        return 1;
    if (try_queue(x, 6, 64) != (c->cap ? 0 : EINVAL))           /* above msg_max */
        return 2;
    if (c->cap)
        mq_unlink(x);
    if (try_queue(x, 5, 129) != (c->cap ? 0 : EINVAL))          /* above msgsize_max */
        return 3;
    if (c->cap)
        mq_unlink(x);
    if (try_queue(a, 5, 128) != 0)                              /* at the limits */
        return 4;
    if (try_queue(b, 0, 0) != 0)                                /* the defaults */
        return 5;
    if ((mq = mq_open(b, O_RDONLY)) == (mqd_t)-1 || mq_getattr(mq, &attr) == -1 ||
        attr.mq_maxmsg != 3)
        return 6;
    mq_close(mq);
    if (try_queue(x, 0, 0) != (c->cap ? 0 : ENOSPC))            /* a third queue */
        return 7;
    t_run(&r, NULL, "chapters/posix/pmq_attr", "-l", NULL);
    if (r.status != 0 || strstr(r.out, "msg_max 5\nmsgsize_max 128\nqueues_max 2\n") == NULL)
        return 8;
    return 0;
}

START_TEST(mq_limits_per_namespace)
{
    struct limits_ctx c;
    char queue[80];
    long before = read_long("/proc/sys/fs/mqueue/msg_max");

    t_posix_name(c.name);
    c.cap = t_capable(CAP_SYS_RESOURCE);
    T_IN_PRIVATE_IPC(limits_apply, &c);
    ck_assert_int_eq(read_long("/proc/sys/fs/mqueue/msg_max"), before);   /* ours only */
    snprintf(queue, sizeof queue, "%s-a", c.name);      /* the namespace's, gone with it */
    errno = 0;
    ck_assert_int_eq(mq_open(queue, O_RDONLY), (mqd_t)-1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* --- listing ------------------------------------------------------------------------------------ */

/* How many lines of /proc/sysvipc/FILE (what ipcs reads) have PID in column
 * COL (from 1)? */
static int sysvipc_count_pid(const char *file, int col, pid_t pid)
{
    char path[64], line[512];
    int n = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/sysvipc/%s", file);
    ck_assert_ptr_nonnull(f = fopen(path, "r"));
    while (fgets(line, sizeof line, f) != NULL) {
        char *save, *tok = strtok_r(line, " \t\n", &save);

        for (int c = 1; tok != NULL && c < col; c++)
            tok = strtok_r(NULL, " \t\n", &save);
        n += tok != NULL && atol(tok) == (long)pid;
    }
    fclose(f);
    return n;
}

/* ipcs lists System V objects only: a POSIX object made and used by this
 * process adds no line to /proc/sysvipc; a System V one does. (Lines are
 * counted before and after: an old object may name an earlier process that
 * had our pid.) */
START_TEST(ipcs_lists_none_of_them)
{
    const pid_t me = getpid();
    const int shm_before = sysvipc_count_pid("shm", 5, me);     /* cpid */
    const int msg_before = sysvipc_count_pid("msg", 6, me);     /* lspid */
    char name[64], qname[64];
    int fd, id;
    void *p;
    mqd_t mq;

    t_posix_name(name);
    fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(ftruncate(fd, 4096), 0);
    p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    t_posix_name(qname);
    mq = new_queue(qname, 2, 16, 0);
    send_text(mq, "x", 0);
    ck_assert_int_eq(sysvipc_count_pid("shm", 5, me), shm_before);
    ck_assert_int_eq(sysvipc_count_pid("msg", 6, me), msg_before);
    id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0600);          /* the control */
    ck_assert_int_eq(msgsnd(id, &(struct { long t; char c; }){ 1, 'x' }, 1, 0), 0);
    ck_assert_int_eq(sysvipc_count_pid("msg", 6, me), msg_before + 1);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
    munmap(p, 4096);
    close(fd);
    mq_close(mq);
    ck_assert_int_eq(shm_unlink(name), 0);
    ck_assert_int_eq(mq_unlink(qname), 0);
}
END_TEST

/* --- the rt library ---------------------------------------------------------------------------- */

static const char *const rt_symbols[] = {
    "shm_open", "shm_unlink", "sem_open", "sem_close", "sem_unlink", "sem_wait",
    "sem_trywait", "sem_timedwait", "sem_post", "sem_getvalue", "sem_init", "sem_destroy",
    "mq_open", "mq_close", "mq_unlink", "mq_send", "mq_receive", "mq_getattr",
    "mq_setattr", "mq_notify",
};

static bool glibc_at_least(int major, int minor)
{
    int ma = 0, mi = 0;

    ck_assert_int_eq(sscanf(gnu_get_libc_version(), "%d.%d", &ma, &mi), 2);
    return ma > major || (ma == major && mi >= minor);
}

/* Which file a symbol found through HANDLE really comes from. */
static const char *home_of(void *handle, const char *symbol)
{
    void *p = dlsym(handle, symbol);
    Dl_info info;

    if (p == NULL || dladdr(p, &info) == 0 || info.dli_fname == NULL)
        return "";
    return strrchr(info.dli_fname, '/') ? strrchr(info.dli_fname, '/') + 1 : info.dli_fname;
}

/* Since glibc 2.34 every call of the chapter is defined in libc.so.6 (at
 * version GLIBC_2.34), and librt.so.1 defines none of them: asked for one, it
 * hands over libc's. Before 2.34 shm_* and mq_* were librt's own (and sem_*
 * libpthread's): there the test checks that instead. */
START_TEST(posix_calls_are_in_libc)
{
    void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    void *rt = dlopen("librt.so.1", RTLD_NOW);
    bool in_libc = glibc_at_least(2, 34);

    ck_assert_ptr_nonnull(libc);
    ck_assert_msg(rt != NULL, "dlopen librt.so.1: %s", dlerror());
    for (size_t i = 0; i < sizeof rt_symbols / sizeof rt_symbols[0]; i++) {
        const char *s = rt_symbols[i];

        if (in_libc) {
            ck_assert_msg(strcmp(home_of(libc, s), "libc.so.6") == 0, "%s not in libc", s);
            ck_assert_msg(dlvsym(libc, s, "GLIBC_2.34") != NULL, "%s@GLIBC_2.34", s);
            ck_assert_msg(strcmp(home_of(rt, s), "libc.so.6") == 0, "librt defines %s", s);
        } else if (strncmp(s, "sem_", 4) != 0) {
            ck_assert_msg(strcmp(home_of(rt, s), "librt.so.1") == 0, "%s not in librt", s);
        }
    }
    dlclose(rt);
}
END_TEST

/* The chapter's programs are linked without -lrt (see chapter.mk): on this
 * glibc none of them needs librt or libpthread to run. */
START_TEST(programs_need_no_librt)
{
    static const char *const progs[] = {
        "pshm_create", "pshm_write", "pshm_read", "pshm_unlink", "psem_create", "psem_op",
        "psem_getvalue", "psem_unlink", "psem_counter", "pmq_create", "pmq_send", "pmq_recv",
        "pmq_attr", "pmq_unlink", "pmq_notify",
    };
    char path[PATH_MAX];
    struct t_run r;

    if (!glibc_at_least(2, 34))
        T_SKIP("glibc before 2.34: chapter.mk links with -lrt -pthread");
    for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
        snprintf(path, sizeof path, "%s/chapters/posix/%s", t_top(), progs[i]);
        t_run(&r, NULL, "/usr/bin/ldd", path, NULL);
        ck_assert_msg(r.status == 0, "ldd %s: %s", progs[i], r.err);
        ck_assert_ptr_nonnull(strstr(r.out, "libc.so.6"));
        ck_assert_msg(strstr(r.out, "librt") == NULL, "%s needs librt:\n%s", progs[i], r.out);
        ck_assert_msg(strstr(r.out, "libpthread") == NULL, "%s needs libpthread", progs[i]);
    }
}
END_TEST

/* Only the message queue calls are system calls of their own; shm_open and
 * sem_open are glibc functions over open() on /dev/shm (and sem_wait over
 * futex). */
START_TEST(only_mq_calls_are_system_calls)
{
#if defined(SYS_shm_open) || defined(SYS_sem_open) || defined(SYS_sem_wait)
    ck_abort_msg("the kernel has a system call for shm_open or sem_*");
#endif
    char name[64];
    long mq;

    t_posix_name(name);
    mq = syscall(SYS_mq_open, name + 1, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
    ck_assert_msg(mq != -1, "SYS_mq_open: %s", strerror(errno));  /* without the slash */
    ck_assert_int_eq(close((int)mq), 0);
    ck_assert_int_eq(syscall(SYS_mq_unlink, name + 1), 0);
    ck_assert_int_eq(p_open(P_SEM, name, O_CREAT | O_EXCL, 0600), 0);
    ck_assert(listed(P_SEM, name, NULL));                        /* a file of glibc's */
    ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

/* --- the programs -------------------------------------------------------------------------------- */


static const struct t_bad_line bad_lines[] = {
    { "pshm_create", { NULL }, 2, "pshm_create: missing NAME or SIZE (see pshm_create --help)" },
    { "pshm_create", { "/x" }, 2, "pshm_create: missing NAME or SIZE (see pshm_create --help)" },
    { "pshm_create", { "/x", "1", "2" }, 2, "pshm_create: too many arguments (see pshm_create --help)" },
    { "pshm_create", { "/x", "12x" }, 2, "pshm_create: size: \"12x\" is not a number (see pshm_create --help)" },
    { "pshm_create", { "--", "/x", "-1" }, 2,
      "pshm_create: size: -1 is out of range (0 to 9223372036854775807) (see pshm_create --help)" },
    { "pshm_create", { "-m", "0800", "/x", "1" }, 2,
      "pshm_create: mode: \"0800\" is not an octal mode (0 to 0777) (see pshm_create --help)" },
    { "pshm_create", { "x", "1" }, 2,
      "pshm_create: name: \"x\" is not /NAME (a slash, then no other) (see pshm_create --help)" },
    { "pshm_create", { "//x", "1" }, 2,
      "pshm_create: name: \"//x\" is not /NAME (a slash, then no other) (see pshm_create --help)" },
    { "pshm_create", { "/a/b", "1" }, 2,
      "pshm_create: name: \"/a/b\" is not /NAME (a slash, then no other) (see pshm_create --help)" },
    { "pshm_create", { "/", "1" }, 2,
      "pshm_create: name: \"/\" is not /NAME (a slash, then no other) (see pshm_create --help)" },
    { "pshm_create", { "/..", "1" }, 2,
      "pshm_create: name: \"/..\" is not /NAME (a slash, then no other) (see pshm_create --help)" },
    { "pshm_write", { NULL }, 2, "pshm_write: missing NAME (see pshm_write --help)" },
    { "pshm_write", { "/x" }, 2, "pshm_write: missing TEXT (see pshm_write --help)" },
    { "pshm_write", { "", "a" }, 2,
      "pshm_write: name: \"\" is not /NAME (a slash, then no other) (see pshm_write --help)" },
    { "pshm_read", { NULL }, 2, "pshm_read: missing NAME (see pshm_read --help)" },
    { "pshm_read", { "/x", "/y" }, 2, "pshm_read: too many arguments (see pshm_read --help)" },
    { "pshm_read", { "-r", "/x" }, 2, "pshm_read: unknown option -r (see pshm_read --help)" },
    { "pshm_read", { "/a\nb" }, 2,        /* not echoed: the error stays one line */
      "pshm_read: name: byte 3 is a control character (see pshm_read --help)" },
    { "pshm_unlink", { NULL }, 2, "pshm_unlink: missing NAME (see pshm_unlink --help)" },
    { "pshm_unlink", { "/x", "y" }, 2,
      "pshm_unlink: name: \"y\" is not /NAME (a slash, then no other) (see pshm_unlink --help)" },
    { "psem_create", { "/x" }, 2, "psem_create: missing NAME or VALUE (see psem_create --help)" },
    { "psem_create", { "/x", "-1" }, 2, "psem_create: value: -1 is out of range (0 to 2147483647) (see psem_create --help)" },
    { "psem_create", { "/x", "2147483648" }, 2,
      "psem_create: value: 2147483648 is out of range (0 to 2147483647) (see psem_create --help)" },
    { "psem_create", { "sem", "1" }, 2,
      "psem_create: name: \"sem\" is not /NAME (a slash, then no other) (see psem_create --help)" },
    { "psem_op", { "/x" }, 2, "psem_op: missing NAME or OP (see psem_op --help)" },
    { "psem_op", { "/x", "take" }, 2, "psem_op: op \"take\": write wait or post (see psem_op --help)" },
    { "psem_op", { "-n", "/x", "post" }, 2, "psem_op: -n and -t go with wait (see psem_op --help)" },
    { "psem_op", { "-n", "-t", "1", "/x" }, 2, "psem_op: missing NAME or OP (see psem_op --help)" },
    { "psem_op", { "-t", "0", "/x", "wait" }, 2,
      "psem_op: seconds: 0 is out of range (1 to 3600) (see psem_op --help)" },
    { "psem_op", { "/x", "wait", "post" }, 2, "psem_op: too many arguments (see psem_op --help)" },
    { "psem_getvalue", { NULL }, 2, "psem_getvalue: missing NAME (see psem_getvalue --help)" },
    { "psem_unlink", { "x" }, 2,
      "psem_unlink: name: \"x\" is not /NAME (a slash, then no other) (see psem_unlink --help)" },
    { "psem_counter", { "4" }, 2, "psem_counter: missing NPROCS or NITERS (see psem_counter --help)" },
    { "psem_counter", { "65", "1" }, 2,
      "psem_counter: nprocs: 65 is out of range (1 to 64) (see psem_counter --help)" },
    { "psem_counter", { "--nolock", "2", "1" }, 2,
      "psem_counter: unknown option --nolock (see psem_counter --help)" },
    { "pmq_create", { NULL }, 2, "pmq_create: missing NAME (see pmq_create --help)" },
    { "pmq_create", { "/q", "10" }, 2,
      "pmq_create: MAXMSG and MSGSIZE go together: give both or neither (see pmq_create --help)" },
    { "pmq_create", { "/q", "0", "10" }, 2,
      "pmq_create: maxmsg: 0 is out of range (1 to 9223372036854775807) (see pmq_create --help)" },
    { "pmq_create", { "/q", "1", "1", "1" }, 2, "pmq_create: too many arguments (see pmq_create --help)" },
    { "pmq_create", { "q" }, 2,
      "pmq_create: name: \"q\" is not /NAME (a slash, then no other) (see pmq_create --help)" },
    { "pmq_send", { "/q" }, 2, "pmq_send: missing PRIORITY (see pmq_send --help)" },
    { "pmq_send", { "/q", "1" }, 2, "pmq_send: missing TEXT (see pmq_send --help)" },
    { "pmq_send", { "/q", "1x", "t" }, 2, "pmq_send: priority: \"1x\" is not a number (see pmq_send --help)" },
    { "pmq_send", { "/q", "4294967295", "t" }, 2,       /* INT_MAX: a bound any long holds */
      "pmq_send: priority: 4294967295 is out of range (0 to 2147483647) (see pmq_send --help)" },
    { "pmq_send", { "/q", "1", "t", "u" }, 2, "pmq_send: too many arguments (see pmq_send --help)" },
    { "pmq_recv", { NULL }, 2, "pmq_recv: missing NAME (see pmq_recv --help)" },
    { "pmq_recv", { "/q", "-1" }, 2,
      "pmq_recv: maxbytes: -1 is out of range (0 to 1048576) (see pmq_recv --help)" },
    { "pmq_attr", { NULL }, 2, "pmq_attr: missing NAME (see pmq_attr --help)" },
    { "pmq_attr", { "-l", "/q" }, 2, "pmq_attr: -l takes no NAME (see pmq_attr --help)" },
    { "pmq_attr", { "/q\033[2J" }, 2,
      "pmq_attr: name: byte 3 is a control character (see pmq_attr --help)" },
    { "pmq_unlink", { "/q/" }, 2,
      "pmq_unlink: name: \"/q/\" is not /NAME (a slash, then no other) (see pmq_unlink --help)" },
    { "pmq_notify", { NULL }, 2, "pmq_notify: missing NAME (see pmq_notify --help)" },
    { "pmq_notify", { "-t", "x", "/q" }, 2, "pmq_notify: seconds: \"x\" is not a number (see pmq_notify --help)" },
    { "pmq_notify", { "/q", "/r" }, 2, "pmq_notify: too many arguments (see pmq_notify --help)" },
};

START_TEST(bad_command_lines)
{
    t_refuse("posix", &bad_lines[_i]);
}
END_TEST

/* A run-time failure: one line, exit 1. The name is the run's own, never
 * made, so that no object of anyone else's can answer. */
START_TEST(missing_object_one_line)
{
    static const char *const progs[] = { "pshm_read", "psem_getvalue", "pmq_attr" };
    static const char *const calls[] = { "shm_open", "sem_open", "mq_open" };
    char name[64], err[3][160];
    struct t_bad_line row = { .prog = progs[_i], .status = 1, .err = err[_i] };

    t_posix_name(name);
    row.args[0] = name;
    snprintf(err[_i], sizeof err[_i], "%s: %s %s: ENOENT: No such file or directory",
             progs[_i], calls[_i], name);
    t_refuse("posix", &row);
}
END_TEST

/* Ctrl-C in a waiting mq_receive: the wait ends with EINTR, one line, exit 1
 * (the handler has no SA_RESTART), and the queue keeps what it had. */
START_TEST(pmq_recv_interrupted_one_line)
{
    char name[64], path[PATH_MAX], err[512], expect[160];
    int fds[2];
    ssize_t n;
    pid_t pid;
    mqd_t mq;

    t_posix_name(name);
    mq = new_queue(name, 2, 16, O_NONBLOCK);
    snprintf(path, sizeof path, "%s/chapters/posix/pmq_recv", t_top());
    ck_assert_int_eq(pipe(fds), 0);
    if ((pid = fork()) == 0) {
        dup2(fds[1], 2);
        closefrom(3);
        alarm(60);
        execl(path, "pmq_recv", name, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    ck_assert_msg(t_blocked_in(pid, SYS_mq_timedreceive), "pmq_recv is not waiting");
    ck_assert_int_eq(kill(pid, SIGINT), 0);
    ck_assert_int_eq(exit_code(pid), 1);
    n = read(fds[0], err, sizeof err - 1);
    close(fds[0]);
    ck_assert_int_gt(n, 0);
    err[n] = '\0';
    snprintf(expect, sizeof expect, "pmq_recv: mq_receive %s: EINTR: Interrupted system call\n",
             name);
    ck_assert_str_eq(err, expect);
    ck_assert_int_eq(curmsgs(mq), 0);
    ck_assert_int_eq(mq_close(mq), 0);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/* A name too long for the call: one line, exit 1 (ENAMETOOLONG; EINVAL from
 * sem_open at this length). The helper in common/ cuts the CALL part of the
 * line at 255 characters, so only its start is compared. */
START_TEST(too_long_name_one_line)
{
    static const char *const progs[] = { "pshm_read", "psem_getvalue", "pmq_attr" };
    static const char *const calls[] = { "shm_open", "sem_open", "mq_open" };
    char name[300], expect[700];
    struct t_run r;

    name[0] = '/';
    memset(name + 1, 'n', 256);
    name[257] = '\0';
    for (int i = 0; i < 3; i++) {
        char prog[64];

        snprintf(prog, sizeof prog, "chapters/posix/%s", progs[i]);
        t_run(&r, NULL, prog, name, NULL);
        ck_assert_int_eq(r.status, 1);
        ck_assert_int_eq(t_lines(r.err), 1);
        snprintf(expect, sizeof expect, "%s: %s %.40s", progs[i], calls[i], name);
        ck_assert_msg(strncmp(r.err, expect, strlen(expect)) == 0, "%s", r.err);
        ck_assert_msg(strstr(r.err, i == 1 ? ": EINVAL: " : ": ENAMETOOLONG: "), "%s", r.err);
    }
}
END_TEST

START_TEST(pshm_programs_round_trip)
{
    char name[64], path[PATH_MAX];
    struct stat st;
    struct t_run r;

    t_posix_name(name);
    listed_at(path, P_SHM, name, NULL);
    t_run(&r, NULL, "chapters/posix/pshm_create", name, "100", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, 100);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    t_run(&r, NULL, "chapters/posix/pshm_read", name, NULL);
    ck_assert_str_eq(r.out, "\n");                              /* zero-filled */
    t_run(&r, NULL, "chapters/posix/pshm_write", name, "hello,", "object", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "wrote 14 bytes to "));
    t_run(&r, NULL, "chapters/posix/pshm_read", name, NULL);
    ck_assert_str_eq(r.out, "hello, object\n");
    t_run(&r, NULL, "chapters/posix/pshm_create", "-x", name, "100", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": EEXIST: "));
    t_run(&r, NULL, "chapters/posix/pshm_create", name, "8", NULL);   /* resized */
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, 8);
    t_run(&r, NULL, "chapters/posix/pshm_write", name, "too long", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "9 bytes do not fit in "));
    t_run(&r, NULL, "chapters/posix/pshm_unlink", name, name, NULL);
    ck_assert_int_eq(r.status, 1);                              /* the second: ENOENT */
    ck_assert_int_eq(t_lines(r.err), 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": ENOENT: "));
    ck_assert(!listed(P_SHM, name, NULL));
}
END_TEST

/* pshm_create with the arguments, under RLIMIT_FSIZE (ulimit -f) of 4096 bytes;
 * the test process keeps SIGXFSZ at its default, which the program inherits. */
static void pshm_create_small_fsize(struct t_run *r, const char *a, const char *b, const char *c)
{
    struct rlimit old, small;

    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = (struct rlimit){ .rlim_cur = 4096, .rlim_max = old.rlim_max };
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    t_run(r, NULL, "chapters/posix/pshm_create", a, b, c, NULL);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
}

/* A size above RLIMIT_FSIZE: ftruncate fails with EFBIG (one line, exit 1,
 * not death by SIGXFSZ). An object this run made is unlinked again, with or
 * without -x; one that was there before keeps its name and its size. */
START_TEST(pshm_create_failed_size_leaves_no_name)
{
    char name[64], path[PATH_MAX], expect[160];
    struct stat st;
    struct t_run r;

    t_posix_name(name);
    listed_at(path, P_SHM, name, NULL);
    snprintf(expect, sizeof expect, "pshm_create: ftruncate %s: EFBIG: File too large\n", name);
    pshm_create_small_fsize(&r, name, "1000000", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, expect);
    ck_assert(!listed(P_SHM, name, NULL));
    pshm_create_small_fsize(&r, "-x", name, "1000000");
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, expect);
    ck_assert(!listed(P_SHM, name, NULL));
    t_run(&r, NULL, "chapters/posix/pshm_create", name, "100", NULL);      /* not ours */
    ck_assert_int_eq(r.status, 0);
    pshm_create_small_fsize(&r, name, "1000000", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, expect);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, 100);
    ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

START_TEST(psem_programs_round_trip)
{
    char name[64], expect[128];
    struct t_run r;

    t_posix_name(name);
    t_run(&r, NULL, "chapters/posix/psem_create", name, "1", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    ck_assert(listed(P_SEM, name, NULL));
    t_run(&r, NULL, "chapters/posix/psem_create", "-x", name, "1", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "sem_open "));
    ck_assert_ptr_nonnull(strstr(r.err, ": EEXIST: "));
    t_run(&r, NULL, "chapters/posix/psem_op", name, "wait", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, ": sem_wait "));
    ck_assert_ptr_nonnull(strstr(r.out, ": done\n"));
    t_run(&r, NULL, "chapters/posix/psem_op", "-n", name, "wait", NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "psem_op: sem_trywait %s: EAGAIN: ", name);
    ck_assert_ptr_nonnull(strstr(r.err, expect));
    t_run(&r, NULL, "chapters/posix/psem_op", "-t", "1", name, "wait", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, ": waiting\n"));
    snprintf(expect, sizeof expect, "psem_op: sem_timedwait %s: ETIMEDOUT: ", name);
    ck_assert_ptr_nonnull(strstr(r.err, expect));
    t_run(&r, NULL, "chapters/posix/psem_op", name, "post", NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "chapters/posix/psem_op", name, "post", NULL);
    t_run(&r, NULL, "chapters/posix/psem_getvalue", name, NULL);
    snprintf(expect, sizeof expect, "%s 2\n", name);
    ck_assert_str_eq(r.out, expect);
    t_run(&r, NULL, "chapters/posix/psem_unlink", name, name, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(t_lines(r.err), 1);
    ck_assert(!listed(P_SEM, name, NULL));
}
END_TEST

/* psem_op waits (in futex) until another psem_op posts. */
START_TEST(psem_op_waits_for_post)
{
    char name[64], path[PATH_MAX], out[256];
    int fds[2];
    pid_t pid;
    ssize_t n;
    struct t_run r;

    t_posix_name(name);
    t_run(&r, NULL, "chapters/posix/psem_create", name, "0", NULL);
    ck_assert_int_eq(r.status, 0);
    snprintf(path, sizeof path, "%s/chapters/posix/psem_op", t_top());
    ck_assert_int_eq(pipe(fds), 0);
    if ((pid = fork()) == 0) {
        dup2(fds[1], 1);
        closefrom(3);
        alarm(60);
        execl(path, "psem_op", name, "wait", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    ck_assert_msg(t_blocked_in(pid, SYS_futex), "psem_op is not waiting");
    t_run(&r, NULL, "chapters/posix/psem_op", name, "post", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(exit_code(pid), 0);
    n = read(fds[0], out, sizeof out - 1);
    close(fds[0]);
    ck_assert_int_gt(n, 0);
    out[n] = '\0';
    ck_assert_ptr_nonnull(strstr(out, ": waiting\n"));
    ck_assert_ptr_nonnull(strstr(out, ": done\n"));
    ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(psem_counter_with_lock_is_exact)
{
    struct t_run r;

    t_run(&r, NULL, "chapters/posix/psem_counter", "3", "20000", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "3 processes x 20000 increments, with an unnamed semaphore\n"
                            "counter 60000, expected 60000\n");
}
END_TEST

START_TEST(psem_counter_without_lock_never_gains)
{
    struct t_run r;
    long counter = -1;
    const char *at;

    t_run(&r, NULL, "chapters/posix/psem_counter", "--no-lock", "4", "100000", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "4 processes x 100000 increments, without a lock\n"));
    ck_assert_ptr_nonnull(at = strstr(r.out, "\ncounter "));
    ck_assert_int_eq(sscanf(at, "\ncounter %ld", &counter), 1);
    ck_assert(counter > 0 && counter <= 400000);
}
END_TEST

/* The processes whose parent is PARENT, by /proc/PID/stat: up to MAX of
 * them into PIDS; how many there are. */
static int children_of(pid_t parent, pid_t *pids, int max)
{
    DIR *proc = opendir("/proc");
    struct dirent *e;
    int n = 0;

    ck_assert_ptr_nonnull(proc);
    while ((e = readdir(proc)) != NULL) {
        char path[300], line[512], *after;
        long ppid = -1;
        FILE *f;

        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if ((f = fopen(path, "r")) == NULL)
            continue;                   /* it has just gone */
        if (fgets(line, sizeof line, f) != NULL && (after = strrchr(line, ')')) != NULL &&
            sscanf(after, ") %*c %ld", &ppid) == 1 && ppid == (long)parent && n < max)
            pids[n++] = (pid_t)atol(e->d_name);
        fclose(f);
    }
    closedir(proc);
    return n;
}

/* kill -INT of psem_counter's parent alone (not Ctrl-C, which signals the
 * whole group): its children end too, by the SIGTERM PR_SET_PDEATHSIG sends
 * (or exit 1, if the parent was gone before they asked for it), instead of
 * counting on as orphans. The test process is their subreaper, so that they
 * come to it and it can see how they ended. */
START_TEST(psem_counter_children_die_with_parent)
{
    char path[PATH_MAX];
    pid_t pid, kids[4];
    bool reaped[4] = { false };
    int n = 0, ended = 0, by_parent = 0;

    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    snprintf(path, sizeof path, "%s/chapters/posix/psem_counter", t_top());
    if ((pid = fork()) == 0) {
        int null = open("/dev/null", O_WRONLY);

        dup2(null, 1);
        closefrom(3);
        alarm(60);
        execl(path, "psem_counter", "4", "10000000", (char *)NULL);  /* seconds of work */
        _exit(127);
    }
    for (int ms = 0; ms < 20000 && (n = children_of(pid, kids, 4)) < 4; ms++)
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(kill(pid, SIGINT), 0);
    ck_assert_int_eq(exit_code(pid), 128 + SIGINT);
    for (int ms = 0; ms < 10000 && ended < 4;) {        /* they come to us: reap them */
        int status;
        pid_t got = waitpid(-1, &status, WNOHANG);

        if (got <= 0) {
            nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
            ms++;
            continue;
        }
        for (int i = 0; i < 4; i++)
            reaped[i] |= kids[i] == got;
        ended++;
        by_parent += WIFSIGNALED(status) ? WTERMSIG(status) == SIGTERM
                                         : WIFEXITED(status) && WEXITSTATUS(status) == 1;
    }
    for (int i = 0; i < 4; i++)         /* an orphan still counting: not left behind */
        if (!reaped[i] && kill(kids[i], SIGKILL) == 0)
            waitpid(kids[i], NULL, 0);
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    ck_assert_msg(ended == 4, "%d of 4 children ended within 10 s of their parent", ended);
    ck_assert_msg(by_parent == 4, "%d of 4 children ended by their parent's death", by_parent);
}
END_TEST

START_TEST(pmq_programs_round_trip)
{
    char name[64], expect[160];
    long v;
    struct t_run r;

    t_posix_name(name);
    t_run(&r, NULL, "chapters/posix/pmq_create", "-x", name, "3", "64", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "1", "low", NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "9", "urgent", NULL);
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "1", "low2", NULL);
    t_run(&r, NULL, "chapters/posix/pmq_send", "-n", name, "5", "no room", NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "pmq_send: mq_send %s: EAGAIN: Resource temporarily unavailable\n", name);
    ck_assert_str_eq(r.err, expect);
    t_run(&r, NULL, "chapters/posix/pmq_attr", name, NULL);
    snprintf(expect, sizeof expect, "%s: maxmsg 3  msgsize 64  curmsgs 3  flags 0\n", name);
    ck_assert_str_eq(r.out, expect);
    t_run(&r, NULL, "chapters/posix/pmq_recv", name, "63", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": EMSGSIZE: "));
    t_run(&r, NULL, "chapters/posix/pmq_recv", name, NULL);
    ck_assert_str_eq(r.out, "priority 9, 6 bytes: urgent\n");
    t_run(&r, NULL, "chapters/posix/pmq_recv", name, NULL);
    ck_assert_str_eq(r.out, "priority 1, 3 bytes: low\n");
    t_run(&r, NULL, "chapters/posix/pmq_recv", "-n", name, NULL);
    ck_assert_str_eq(r.out, "priority 1, 4 bytes: low2\n");
    t_run(&r, NULL, "chapters/posix/pmq_recv", "-n", name, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": EAGAIN: "));
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "32768", "x", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": EINVAL: "));
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "0", "0123456789012345678901234567890123456789"
                    "012345678901234567890123456789", NULL);       /* 70 bytes > 64 */
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": EMSGSIZE: "));
    t_run(&r, NULL, "chapters/posix/pmq_attr", "-l", NULL);
    ck_assert_int_eq(r.status, 0);
    static const char *const limits[] = { "msg_max", "msgsize_max", "queues_max", "msg_default",
                                          "msgsize_default" };
    for (int i = 0; i < 5; i++) {
        char path[80], line[80];

        snprintf(path, sizeof path, "/proc/sys/fs/mqueue/%s", limits[i]);
        v = read_long(path);
        snprintf(line, sizeof line, "%s%s %ld\n", i ? "\n" : "", limits[i], v);
        ck_assert_msg(i ? strstr(r.out, line) != NULL : strncmp(r.out, line, strlen(line)) == 0,
                      "no \"%s\" in:\n%s", line, r.out);
    }
    t_run(&r, NULL, "chapters/posix/pmq_unlink", name, name, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(t_lines(r.err), 1);
    errno = 0;
    ck_assert_int_eq(mq_open(name, O_RDONLY), (mqd_t)-1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* pmq_notify: registered, then woken by pmq_send's message, which it reads;
 * a second pmq_notify meanwhile gets EBUSY; one on a queue that is not
 * empty is refused. */
START_TEST(pmq_notify_wakes_on_a_message)
{
    char name[64], path[PATH_MAX], out[512], expect[160];
    struct t_run r;
    int fds[2];
    size_t got = 0;
    ssize_t n;
    pid_t pid;

    t_posix_name(name);
    t_run(&r, NULL, "chapters/posix/pmq_create", name, NULL);
    ck_assert_int_eq(r.status, 0);
    snprintf(path, sizeof path, "%s/chapters/posix/pmq_notify", t_top());
    ck_assert_int_eq(pipe(fds), 0);
    if ((pid = fork()) == 0) {
        dup2(fds[1], 1);
        closefrom(3);
        alarm(60);
        execl(path, "pmq_notify", "-t", "30", name, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    while (got < sizeof out - 1 && (n = read(fds[0], out + got, 1)) == 1 && out[got] != '\n')
        got++;                                  /* its first line: registered */
    out[got] = '\0';
    snprintf(expect, sizeof expect, "pid %ld: registered on %s; waiting", (long)pid, name);
    ck_assert_str_eq(out, expect);
    t_run(&r, NULL, "chapters/posix/pmq_notify", "-t", "1", name, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "mq_notify "));
    ck_assert_ptr_nonnull(strstr(r.err, ": EBUSY: "));
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "3", "wake up", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(exit_code(pid), 0);
    got = 0;
    while (got < sizeof out - 1 && (n = read(fds[0], out + got, sizeof out - 1 - got)) > 0)
        got += (size_t)n;
    out[got] = '\0';
    close(fds[0]);
    ck_assert_ptr_nonnull(strstr(out, ": notified by SIGUSR1 (SI_MESGQ): a message from pid "));
    ck_assert_ptr_nonnull(strstr(out, "\npriority 3, 7 bytes: wake up\n"));
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "1", "waiting", NULL);
    t_run(&r, NULL, "chapters/posix/pmq_notify", "-t", "1", name, NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "pmq_notify: %s holds 1 messages: a notice comes only when "
             "one arrives on an empty queue\n", name);
    ck_assert_str_eq(r.err, expect);
    t_run(&r, NULL, "chapters/posix/pmq_notify", "-t", "1", name, NULL);   /* it was let go */
    ck_assert_ptr_nonnull(strstr(r.err, "holds 1 messages"));
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/* A line from FD into LINE, without its newline (all there is, at end of file). */
static void read_line(int fd, char *line, size_t size)
{
    size_t got = 0;

    while (got < size - 1 && read(fd, line + got, 1) == 1 && line[got] != '\n')
        got++;
    line[got] = '\0';
}

/* pmq_notify -t SECONDS NAME, its stdout and stderr into one pipe, whose
 * reading end goes to *FD once its first line has said it is registered. */
static pid_t start_notify(const char *seconds, const char *name, int *fd)
{
    char path[PATH_MAX], line[512], expect[160];
    int fds[2];
    pid_t pid;

    snprintf(path, sizeof path, "%s/chapters/posix/pmq_notify", t_top());
    ck_assert_int_eq(pipe(fds), 0);
    if ((pid = fork()) == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        closefrom(3);
        alarm(60);
        execl(path, "pmq_notify", "-t", seconds, name, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    read_line(fds[0], line, sizeof line);
    snprintf(expect, sizeof expect, "pid %ld: registered on %s; waiting", (long)pid, name);
    ck_assert_str_eq(line, expect);
    ck_assert_msg(t_blocked_in(pid, SYS_rt_sigtimedwait), "pmq_notify is not waiting");
    *fd = fds[0];
    return pid;
}

/* SIGSTOP, and back only once PID is seen stopped (state T), with SIGCONT. */
static void stop_and_continue(pid_t pid, const struct timespec *stopped_for)
{
    char state = '?';

    ck_assert_int_eq(kill(pid, SIGSTOP), 0);
    for (int ms = 0; ms < 20000 && (state = t_state(pid)) != 'T'; ms++)
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    ck_assert_msg(state == 'T', "pid %ld not stopped: state %c", (long)pid, state);
    nanosleep(stopped_for, NULL);
    ck_assert_int_eq(kill(pid, SIGCONT), 0);
}

/* Ctrl-Z and fg: the stop ends sigtimedwait with EINTR, and pmq_notify waits
 * again, so that the message sent after it is still reported. */
START_TEST(pmq_notify_waits_on_after_stop_and_continue)
{
    char name[64], out[1024];
    struct t_run r;
    int fd;
    pid_t pid;
    mqd_t mq;

    t_posix_name(name);
    mq = new_queue(name, 4, 64, O_NONBLOCK);
    pid = start_notify("30", name, &fd);
    stop_and_continue(pid, &(struct timespec){ .tv_nsec = 100000000 });
    ck_assert_msg(t_blocked_in(pid, SYS_rt_sigtimedwait), "pmq_notify did not wait again");
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "3", "wake up", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(exit_code(pid), 0);
    t_read_all(fd, out, sizeof out);
    ck_assert_msg(strstr(out, ": notified by SIGUSR1 (SI_MESGQ): a message from pid ") &&
                  strstr(out, "\npriority 3, 7 bytes: wake up\n") && !strstr(out, "EINTR"),
                  "%s", out);
    ck_assert_int_eq(mq_close(mq), 0);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/* With -t the deadline holds through a stop: stopped for 3 s of its 2, it
 * gives up as soon as it runs again, instead of waiting 2 s more. */
START_TEST(pmq_notify_deadline_holds_through_stop)
{
    char name[64], out[1024];
    struct timespec t0;
    int fd;
    pid_t pid;
    mqd_t mq;

    t_posix_name(name);
    mq = new_queue(name, 4, 64, O_NONBLOCK);
    pid = start_notify("2", name, &fd);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    stop_and_continue(pid, &(struct timespec){ .tv_sec = 3 });
    ck_assert_int_eq(exit_code(pid), 1);
    ck_assert_msg(seconds_since(&t0) < 4.5, "it waited %.1f s", seconds_since(&t0));
    t_read_all(fd, out, sizeof out);
    ck_assert_str_eq(out, "pmq_notify: no message within 2 s\n");
    ck_assert_int_eq(mq_close(mq), 0);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/* A SIGUSR1 from kill (si_code SI_USER) is no notice: pmq_notify says so and
 * waits on, and the queue's notice that follows is reported. */
START_TEST(pmq_notify_takes_no_stray_sigusr1)
{
    char name[64], line[512], expect[160], out[1024];
    struct t_run r;
    int fd;
    pid_t pid;
    mqd_t mq;

    t_posix_name(name);
    mq = new_queue(name, 4, 64, O_NONBLOCK);
    pid = start_notify("30", name, &fd);
    ck_assert_int_eq(kill(pid, SIGUSR1), 0);
    read_line(fd, line, sizeof line);
    snprintf(expect, sizeof expect, "pid %ld: a SIGUSR1 from pid %ld, not from the queue; waiting",
             (long)pid, (long)getpid());
    ck_assert_str_eq(line, expect);
    ck_assert_msg(t_blocked_in(pid, SYS_rt_sigtimedwait), "pmq_notify did not wait again");
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "3", "wake up", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(exit_code(pid), 0);
    t_read_all(fd, out, sizeof out);
    snprintf(expect, sizeof expect, "pid %ld: notified by SIGUSR1 (SI_MESGQ): a message from pid ",
             (long)pid);
    ck_assert_msg(strncmp(out, expect, strlen(expect)) == 0 &&
                  strstr(out, "\npriority 3, 7 bytes: wake up\n"), "%s", out);
    ck_assert_int_eq(mq_close(mq), 0);
    ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "shm.session", { "wrote 14 bytes to ", "hello, object", ": ENOENT: " } },
        { "sem.session", { ": sem_trywait ", ": ETIMEDOUT: ", ": sem_post " } },
        { "mq.session", { "priority 9, 6 bytes: urgent", ": EMSGSIZE: ", ": EAGAIN: " } },
        { "notify.session", { "registered on ", "(SI_MESGQ)", ": EBUSY: " } },
        { "counter.session", { "without a lock", "with an unnamed semaphore", "counter 200000, expected 200000" } },
        { "names.session", { "is not /NAME", "sem.", "ls: cannot access" } },
    };

    t_play_sessions("posix", expect, sizeof expect / sizeof expect[0], NULL);
}
END_TEST

static Suite *posix_suite(void)
{
    Suite *s = suite_create("posix");
    TCase *names = tcase_create("names"), *life = tcase_create("life");
    TCase *mq = tcase_create("mqueue"), *sem = tcase_create("semaphores");
    TCase *perm = tcase_create("permissions"), *limits = tcase_create("limits");
    TCase *rt = tcase_create("rt"), *progs = tcase_create("programs");
    TCase *sessions = tcase_create("sessions");

    tcase_add_loop_test(names, names_listed_in_dev_shm, P_SHM, P_SEM + 1);
    tcase_add_test(names, queues_listed_in_mqueue_dir);
    tcase_add_loop_test(names, bad_names_glibc_and_kernel_differ, 0,
                        sizeof name_rows / sizeof name_rows[0]);
    tcase_add_test(names, ipcs_lists_none_of_them);
    tcase_set_timeout(names, 60);

    tcase_add_loop_test(life, o_excl_gives_eexist, P_SHM, P_MQ + 1);
    tcase_add_test(life, objects_outlive_their_creator);
    tcase_add_test(life, unlinked_shm_stays_mapped);
    tcase_add_test(life, unlinked_sem_still_works);
    tcase_add_test(life, rmid_at_once_unlink_at_last_close);
    tcase_set_timeout(life, 60);

    tcase_add_test(mq, priority_order_fifo_within);
    tcase_add_test(mq, priority_limit);
    tcase_add_test(mq, nonblock_eagain_full_and_empty);
    tcase_add_test(mq, receive_buffer_below_msgsize_emsgsize);
    tcase_add_test(mq, mqd_is_a_file_descriptor);
    tcase_add_test(mq, mq_setattr_changes_only_the_flags);
    tcase_add_test(mq, mq_notify_once_on_empty_queue);
    tcase_add_test(mq, mq_notice_lost_behind_a_pending_sigusr1);
    tcase_set_timeout(mq, 60);

    tcase_add_test(sem, sem_open_value_set_once);
    tcase_add_test(sem, sem_trywait_eagain);
    tcase_add_test(sem, sem_timedwait_etimedout);
    tcase_add_test(sem, sem_getvalue_zero_with_waiters);
    tcase_add_test(sem, unnamed_sem_shared_by_two_processes);
    tcase_add_test(sem, sem_post_eoverflow);
    tcase_set_timeout(sem, 60);

    tcase_add_test(perm, umask_applies_to_posix_not_sysv);
    tcase_add_test(perm, mode_checked_as_for_a_file);
    tcase_add_test(perm, only_the_owner_removes);
    tcase_set_timeout(perm, 60);

    tcase_add_test(limits, mq_defaults_from_proc);
    tcase_add_test(limits, rlimit_msgqueue_emfile);
    tcase_add_test(limits, mq_limits_per_namespace);
    tcase_set_timeout(limits, 60);

    tcase_add_test(rt, posix_calls_are_in_libc);
    tcase_add_test(rt, programs_need_no_librt);
    tcase_add_test(rt, only_mq_calls_are_system_calls);
    tcase_set_timeout(rt, 60);     /* 15 runs of ldd: seconds on a busy machine */

    tcase_add_loop_test(progs, bad_command_lines, 0, sizeof bad_lines / sizeof bad_lines[0]);
    tcase_add_loop_test(progs, missing_object_one_line, 0, 3);
    tcase_add_test(progs, too_long_name_one_line);
    tcase_add_test(progs, pmq_recv_interrupted_one_line);
    tcase_add_test(progs, pshm_programs_round_trip);
    tcase_add_test(progs, pshm_create_failed_size_leaves_no_name);
    tcase_add_test(progs, psem_programs_round_trip);
    tcase_add_test(progs, psem_op_waits_for_post);
    tcase_add_test(progs, psem_counter_with_lock_is_exact);
    tcase_add_test(progs, psem_counter_without_lock_never_gains);
    tcase_add_test(progs, psem_counter_children_die_with_parent);
    tcase_add_test(progs, pmq_programs_round_trip);
    tcase_add_test(progs, pmq_notify_wakes_on_a_message);
    tcase_add_test(progs, pmq_notify_waits_on_after_stop_and_continue);
    tcase_add_test(progs, pmq_notify_deadline_holds_through_stop);
    tcase_add_test(progs, pmq_notify_takes_no_stray_sigusr1);
    tcase_set_timeout(progs, 90);

    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 120);

    suite_add_tcase(s, names);
    suite_add_tcase(s, life);
    suite_add_tcase(s, mq);
    suite_add_tcase(s, sem);
    suite_add_tcase(s, perm);
    suite_add_tcase(s, limits);
    suite_add_tcase(s, rt);
    suite_add_tcase(s, progs);
    suite_add_tcase(s, sessions);
    return s;
}

int main(void)
{
    return t_main(posix_suite);
}
