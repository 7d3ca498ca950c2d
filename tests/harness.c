/* harness.c: the shared test helpers described in harness.h. */
#define _GNU_SOURCE
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <grp.h>
#include <linux/securebits.h>
#include <mntent.h>
#include <mqueue.h>
#include <poll.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { NOBODY = 65534 };

const char *const t_kind_name[3] = { "shm", "sem", "msg" };
static const char *const proc_file[3] = {
    "/proc/sysvipc/shm", "/proc/sysvipc/sem", "/proc/sysvipc/msg",
};

/* The run's own directory: key files, the registry of what the run made,
 * the list of skipped tests, and a copy of the programs (bin/) that any
 * user can run, wherever the tree is. Removed at the end of the run. The
 * registry and the skips are written through descriptors opened before the
 * tests start, which every child inherits: a child running as nobody can
 * append, while nobody else can write to the files (the sweep trusts what
 * they say). */
static char rundir[1024];
static int registry_fd = -1, skips_fd = -1;
static bool in_private_ipc;              /* nothing made here can outlive it */
static const char *test_name = "(no test)";  /* the test running, for the registry */
static char why_not[256];                /* why no private namespace here */

const char *t_rundir(void)
{
    return rundir;
}

/* The test binaries are TOP/tests/test_*: the top is two levels up. */
const char *t_top(void)
{
    static char top[PATH_MAX];

    if (top[0] == '\0') {                /* no ck_assert: t_main calls this too */
        if (realpath("/proc/self/exe", top) == NULL) {
            perror("realpath /proc/self/exe");
            exit(1);
        }
        for (int up = 0; up < 2; up++)
            *strrchr(top, '/') = '\0';
    }
    return top;
}

static void rundir_path(char path[PATH_MAX], const char *name)
{
    snprintf(path, PATH_MAX, "%s/%s", rundir, name);
}

/* Append one line to the registry or the skips. O_APPEND keeps lines whole
 * when several processes write. */
static void append(int fd, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (len >= (int)sizeof line)
        len = sizeof line - 1;
    ck_assert_int_eq(write(fd, line, (size_t)len), len);
}

/* --- /proc/sysvipc ---------------------------------------------------------- */

/* Call FN for every object of KIND the kernel lists: key and id are the
 * first two columns of each file. Returns FN's first non-zero answer. */
static int each_object(enum t_kind kind, int (*fn)(key_t, int, void *), void *ctx)
{
    FILE *f = fopen(proc_file[kind], "r");
    char line[512];
    int key, id, answer = 0;

    if (f == NULL)
        return 0;
    while (answer == 0 && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%d %d", &key, &id) == 2)
            answer = fn((key_t)key, id, ctx);
    fclose(f);
    return answer;
}

static int has_id(key_t key, int id, void *ctx)
{
    (void)key;
    return id == *(int *)ctx;
}

static int has_key(key_t key, int id, void *ctx)
{
    (void)id;
    return key == *(key_t *)ctx;
}

bool t_exists(enum t_kind kind, int id)
{
    return each_object(kind, has_id, &id);
}

int t_proc_mode(enum t_kind kind, int id)
{
    FILE *f = fopen(proc_file[kind], "r");
    char line[512];
    int key, oid;
    unsigned int mode;

    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "%d %d %o", &key, &oid, &mode) == 3 && oid == id) {
            fclose(f);
            return (int)mode;
        }
    }
    if (f != NULL)
        fclose(f);
    return -1;
}

#undef _tcase_add_test
void t_add_test(TCase *tc, const TTest *tt, int signal, int exit_value, int start, int end)
{
    const char *only = getenv("T_TEST");

    if (only == NULL || *only == '\0' || strcmp(only, tt->name) == 0)
        _tcase_add_test(tc, tt, signal, exit_value, start, end);
}

/* --- keys --------------------------------------------------------------------- */

void t_new_file(char path[PATH_MAX])
{
    static int counter;
    int fd;

    snprintf(path, PATH_MAX, "%s/f%ld-%d", rundir, (long)getpid(), ++counter);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    ck_assert_msg(fd != -1, "open %s: %s", path, strerror(errno));
    fchmod(fd, 0644);                   /* readable whatever the umask */
    close(fd);
}

key_t t_key(int id, char path[PATH_MAX])
{
    char file[PATH_MAX];

    /* ftok keeps only 8+8+16 bits: another file somewhere may share the key */
    for (int tries = 0; tries < 100; tries++) {
        key_t key;
        bool used = false;

        t_new_file(file);
        key = ftok(file, id);
        ck_assert_msg(key != -1, "ftok %s: %s", file, strerror(errno));
        for (int k = T_SHM; k <= T_MSG; k++)
            used = used || each_object(k, has_key, &key);
        if (used)
            continue;
        if (!in_private_ipc)
            append(registry_fd, "key %d %s\n", (int)key, test_name);
        if (path != NULL)
            snprintf(path, PATH_MAX, "%s", file);
        return key;
    }
    ck_abort_msg("no unused key found after 100 files");
    return -1;
}

void t_posix_name(char name[64])
{
    static int counter;

    snprintf(name, 64, "/ipclab-%s-%ld-%d", program_invocation_short_name, (long)getpid(),
             ++counter);
    append(registry_fd, "name %s %s\n", name, test_name);
}

const char *t_mqueue_mount(void)
{
    static char dir[PATH_MAX];
    struct mntent *m;
    FILE *f = setmntent("/proc/self/mounts", "r");

    dir[0] = '\0';
    while (f != NULL && (m = getmntent(f)) != NULL)    /* the last one mounted */
        if (strcmp(m->mnt_type, "mqueue") == 0)
            snprintf(dir, sizeof dir, "%s", m->mnt_dir);
    if (f != NULL)
        endmntent(f);
    return dir[0] != '\0' ? dir : NULL;
}

static bool no(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why_not, sizeof why_not, fmt, ap);
    va_end(ap);
    return false;
}

/* In a new mount namespace: no mount made here may reach the machine's. All
 * of them become private at once where / is a mount point; in a chroot it
 * is not (and cannot be named), so each mount we can see becomes private,
 * and DIR must lie on one of them: on the chroot's own root, a new mount
 * would propagate to the machine. */
static bool mounts_private_for(const char *dir)
{
    struct mntent *m;
    FILE *f;
    size_t longest = 0;

    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
        return true;
    if ((f = setmntent("/proc/self/mounts", "r")) == NULL)
        return no("cannot read /proc/self/mounts: %s", strerror(errno));
    while ((m = getmntent(f)) != NULL) {
        size_t len = strlen(m->mnt_dir);

        if (mount(NULL, m->mnt_dir, NULL, MS_PRIVATE, NULL) == -1)
            continue;
        if (strncmp(dir, m->mnt_dir, len) == 0 && (dir[len] == '/' || dir[len] == '\0' ||
                                                   strcmp(m->mnt_dir, "/") == 0))
            longest = len > longest ? len : longest;
    }
    endmntent(f);
    return longest > 0 ? true
        : no("cannot keep a mount on %s from the machine: / is not a mount point here (a chroot?)", dir);
}

const char *t_mqueue_dir(void)
{
    static char dir[PATH_MAX];

    if (t_mqueue_mount() != NULL)
        return t_mqueue_mount();
    if (unshare(CLONE_NEWNS) == -1) {
        no("no mqueue filesystem mounted, and unshare(CLONE_NEWNS) to mount one: %s",
           strerrorname_np(errno));
        return NULL;
    }
    snprintf(dir, sizeof dir, "%s/mqueue-%ld", rundir, (long)getpid());
    if (!mounts_private_for(dir))
        return NULL;
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    if (mount("mqueue", dir, "mqueue", 0, NULL) == -1) {
        no("mount mqueue: %s", strerrorname_np(errno));
        return NULL;
    }
    return dir;
}

const char *t_why_not(void)
{
    return why_not;
}

/* --- objects ------------------------------------------------------------------- */

void t_track(enum t_kind kind, int id)
{
    if (!in_private_ipc)
        append(registry_fd, "obj %d %d %s\n", (int)kind, id, test_name);
}

int t_get(enum t_kind kind, key_t key, int flags)
{
    int id = -1;

    switch (kind) {
    case T_SHM: id = shmget(key, 4096, flags); break;
    case T_SEM: id = semget(key, 1, flags); break;
    case T_MSG: id = msgget(key, flags); break;
    }
    if (id != -1) {
        int saved = errno;

        t_track(kind, id);
        errno = saved;
    }
    return id;
}

int t_stat(enum t_kind kind, int id, struct ipc_perm *perm)
{
    struct shmid_ds shm;
    struct semid_ds sem;
    struct msqid_ds msg;
    int rc = -1;

    switch (kind) {
    case T_SHM:
        rc = shmctl(id, IPC_STAT, &shm);
        *perm = shm.shm_perm;
        break;
    case T_SEM:
        rc = semctl(id, 0, IPC_STAT, (union semun){ .buf = &sem });
        *perm = sem.sem_perm;
        break;
    case T_MSG:
        rc = msgctl(id, IPC_STAT, &msg);
        *perm = msg.msg_perm;
        break;
    }
    return rc;
}

/* IPC_SET changes uid, gid and mode (and msg_qbytes for a queue, which is
 * why this reads the whole structure first and writes it back). */
int t_set(enum t_kind kind, int id, long uid, long gid, int mode)
{
    struct shmid_ds shm;
    struct semid_ds sem;
    struct msqid_ds msg;
    struct ipc_perm *p = NULL;
    int rc = -1;

    switch (kind) {
    case T_SHM: rc = shmctl(id, IPC_STAT, &shm); p = &shm.shm_perm; break;
    case T_SEM: rc = semctl(id, 0, IPC_STAT, (union semun){ .buf = &sem }); p = &sem.sem_perm; break;
    case T_MSG: rc = msgctl(id, IPC_STAT, &msg); p = &msg.msg_perm; break;
    }
    if (rc == -1)
        return -1;
    if (uid != T_KEEP)
        p->uid = (uid_t)uid;
    if (gid != T_KEEP)
        p->gid = (gid_t)gid;
    if (mode != T_KEEP)
        p->mode = (unsigned short)mode;
    switch (kind) {
    case T_SHM: return shmctl(id, IPC_SET, &shm);
    case T_SEM: return semctl(id, 0, IPC_SET, (union semun){ .buf = &sem });
    case T_MSG: return msgctl(id, IPC_SET, &msg);
    }
    return -1;
}

int t_rm(enum t_kind kind, int id)
{
    switch (kind) {
    case T_SHM: return shmctl(id, IPC_RMID, NULL);
    case T_SEM: return semctl(id, 0, IPC_RMID);
    case T_MSG: return msgctl(id, IPC_RMID, NULL);
    }
    return -1;
}

/* --- programs and children ----------------------------------------------------------- */

int t_status(int wstatus)
{
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Milliseconds left before P's time limit, or before its group is killed
 * (PLUS: five seconds after the limit, for the clean-up SIGTERM asks for). */
static int ms_left(const struct t_proc *p, double plus)
{
    double left = T_LIMIT + plus - seconds_since(&p->started);

    return left > 0 ? (int)(left * 1000) + 1 : 0;
}

/* Our ends of the pipes of the children still running, and their pidfds:
 * a new child closes them, or a child's stdin would not end when we close
 * our end, another child holding a copy (O_CLOEXEC helps only at exec). */
static int our_ends[64];

static void keep_end(int fd)
{
    for (int i = 0; i < T_ROWS(our_ends); i++)
        if (our_ends[i] == 0) {
            our_ends[i] = fd + 1;       /* 0: a free slot */
            return;
        }
}

static void close_fd(int *fd)
{
    if (*fd == -1)
        return;
    for (int i = 0; i < T_ROWS(our_ends); i++)
        if (our_ends[i] == *fd + 1)
            our_ends[i] = 0;
    close(*fd);
    *fd = -1;
}

/* The child's side: pipes on 0, 1 and 2, no other child's pipes, a group of
 * its own, and SIGTERM when the test process ends. */
static void child_side(const int in[2], const int out[2], const int err[2], int flags)
{
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(flags & T_ERR_TO_OUT ? out[1] : err[1], 2);
    for (int i = 0; i < 2; i++) {       /* the test's own (Check's, the registry) stay */
        close(in[i]);
        close(out[i]);
        close(err[i]);
    }
    for (int i = 0; i < T_ROWS(our_ends); i++)
        if (our_ends[i] != 0)
            close(our_ends[i] - 1);
    memset(our_ends, 0, sizeof our_ends);   /* the child's own children start afresh */
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static void start(struct t_proc *p, int flags, const char *path, const char *const argv[],
                  int (*fn)(void *), void *arg)
{
    int in[2], out[2], err[2];

    signal(SIGPIPE, SIG_IGN);           /* a child may not read all we write */
    ck_assert(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0 &&
              pipe2(err, O_CLOEXEC) == 0);
    fflush(NULL);
    clock_gettime(CLOCK_MONOTONIC, &p->started);
    p->pid = fork();
    ck_assert(p->pid != -1);
    if (p->pid == 0) {
        child_side(in, out, err, flags);
        if (fn != NULL) {
            int status = fn(arg);

            fflush(NULL);               /* _exit: not the test's exit handlers */
            _exit(status);
        }
        /* A program starts with every signal at its default action: not the
         * test's handlers (Check's), not even for a signal that comes before
         * the exec, which must do what it does to the program. */
        sigset_t none;

        for (int sig = 1; sig < NSIG; sig++)
            signal(sig, SIG_DFL);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        closefrom(3);
        if (chdir(rundir) == -1)        /* files a program makes land in the run dir */
            _exit(126);
        execv(path, (char *const *)argv);
        dprintf(2, "exec %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    setpgid(p->pid, p->pid);            /* either one wins; both say the same */
    p->pidfd = pidfd_open(p->pid, 0);
    ck_assert_msg(p->pidfd != -1, "pidfd_open: %s", strerror(errno));
    close(in[0]);
    close(out[1]);
    close(err[1]);
    p->in = in[1];
    p->out = out[0];
    if (flags & T_ERR_TO_OUT) {
        close(err[0]);
        p->err = -1;
    } else {
        p->err = err[0];
    }
    p->status = -1;
    keep_end(p->in);
    keep_end(p->out);
    if (p->err != -1)
        keep_end(p->err);
    keep_end(p->pidfd);
}

void t_program_path(char path[PATH_MAX], const char *prog)
{
    if (prog[0] == '/')
        snprintf(path, PATH_MAX, "%s", prog);
    else
        snprintf(path, PATH_MAX, "%s/bin/%s", rundir, prog);
}

void t_start(struct t_proc *p, int flags, const char *prog, const char *const argv[])
{
    char path[PATH_MAX];
    const char *args[64];
    int n = 0;

    t_program_path(path, prog);
    args[n++] = strrchr(path, '/') + 1;
    while (argv != NULL && argv[n - 1] != NULL && n < 63) {
        args[n] = argv[n - 1];
        n++;
    }
    args[n] = NULL;
    start(p, flags, path, args, NULL, NULL);
}

void t_fork(struct t_proc *p, int flags, int (*fn)(void *), void *arg)
{
    start(p, flags, NULL, NULL, fn, arg);
}

bool t_ended(struct t_proc *p)
{
    return poll(&(struct pollfd){ .fd = p->pidfd, .events = POLLIN }, 1, 0) == 1;
}

void t_kill(struct t_proc *p, int sig)
{
    kill(-p->pid, sig);
}

/* Wait for P's end until its time limit; then SIGTERM to its group (every
 * program of the lab cleans up on it), and five seconds later SIGKILL. */
static void await_end(struct t_proc *p)
{
    struct pollfd ended = { .fd = p->pidfd, .events = POLLIN };

    if (poll(&ended, 1, ms_left(p, 0)) == 1)
        return;
    fprintf(stderr, "%s: pid %d still running after %d s: SIGTERM to its group\n",
            test_name, (int)p->pid, T_LIMIT);
    kill(-p->pid, SIGTERM);
    if (poll(&ended, 1, ms_left(p, 5)) == 0)
        kill(-p->pid, SIGKILL);
}

int t_wait(struct t_proc *p)
{
    int wstatus;

    close_fd(&p->in);
    await_end(p);
    while (waitpid(p->pid, &wstatus, 0) == -1)
        ck_assert_int_eq(errno, EINTR);
    kill(-p->pid, SIGKILL);             /* what it started and left behind */
    p->status = t_status(wstatus);
    if (p->status != 0 && p->err != -1) {   /* a failed child's last words (NEED) */
        char rest[2048] = "";

        t_read_until(p->err, rest, sizeof rest, NULL);
        fputs(rest, stderr);
    }
    close_fd(&p->out);
    close_fd(&p->err);
    close_fd(&p->pidfd);
    return p->status;
}

bool t_read_until(int fd, char *text, size_t size, const char *want)
{
    size_t n = strlen(text);
    struct timespec t0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (want == NULL || strstr(text, want) == NULL) {
        int left = (int)((T_LIMIT - seconds_since(&t0)) * 1000);
        ssize_t got;

        if (n + 1 >= size || left <= 0 ||
            poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, left) != 1)
            return false;
        if ((got = read(fd, text + n, size - 1 - n)) <= 0)
            return want == NULL && got == 0;
        n += (size_t)got;
        text[n] = '\0';
    }
    return true;
}

/* Feed INPUT to P's stdin and read its stdout and stderr together into OUT
 * and ERR (NULL: stdout thrown away, stderr passed on to the test's), so that no pipe fills, until both end; past
 * the time limit its group is ended as await_end does. Then wait for it. */
static int drain(struct t_proc *p, const char *input, char *out, size_t nout, char *err,
                 size_t nerr)
{
    char *buf[2] = { out, err };
    size_t cap[2] = { nout, nerr }, len[2] = { 0, 0 }, nin = 0;
    size_t inlen = input ? strlen(input) : 0;
    bool termed = false;

    if (inlen == 0)
        close_fd(&p->in);
    for (int i = 0; i < 2; i++)         /* after what they hold */
        len[i] = buf[i] != NULL && cap[i] > 0 ? strlen(buf[i]) : 0;
    struct pollfd fds[3] = {
        { .fd = p->out, .events = POLLIN },
        { .fd = p->err, .events = POLLIN },
        { .fd = p->in, .events = POLLOUT },
    };
    while (fds[0].fd != -1 || fds[1].fd != -1) {
        int ready = poll(fds, 3, ms_left(p, termed ? 5 : 0));

        if (ready == 0 && !termed) {
            fprintf(stderr, "%s: pid %d still running after %d s: SIGTERM to its group\n",
                    test_name, (int)p->pid, T_LIMIT);
            kill(-p->pid, SIGTERM);
            termed = true;
            continue;
        }
        if (ready == 0) {
            kill(-p->pid, SIGKILL);
            break;
        }
        if (ready == -1) {
            ck_assert_int_eq(errno, EINTR);
            continue;
        }
        for (int i = 0; i < 2; i++) {
            char scratch[4096];
            ssize_t got;

            if (fds[i].fd == -1 || fds[i].revents == 0)
                continue;
            if ((got = read(fds[i].fd, scratch, sizeof scratch)) <= 0) {
                fds[i].fd = -1;
                continue;
            }
            if (buf[i] == NULL || cap[i] == 0) {
                if (i == 1 && write(2, scratch, (size_t)got) < 0) {}   /* passed on */
                continue;
            }
            size_t keep = (size_t)got < cap[i] - 1 - len[i] ? (size_t)got : cap[i] - 1 - len[i];
            memcpy(buf[i] + len[i], scratch, keep);
            len[i] += keep;
            buf[i][len[i]] = '\0';
        }
        if (fds[2].fd != -1 && fds[2].revents != 0) {
            ssize_t put = write(fds[2].fd, input + nin, inlen - nin);

            if (put > 0)
                nin += (size_t)put;
            if (put <= 0 || nin == inlen) {
                close_fd(&p->in);
                fds[2].fd = -1;
            }
        }
    }
    close_fd(&p->out);                  /* read to the end: nothing for t_wait */
    close_fd(&p->err);
    return t_wait(p);
}

int t_finish(struct t_proc *p, char *out, size_t nout, char *err, size_t nerr)
{
    return drain(p, NULL, out, nout, err, nerr);
}

void t_run_argv(struct t_run *r, const char *input, const char *prog, const char *const argv[])
{
    struct t_proc p;

    r->out[0] = r->err[0] = '\0';
    t_start(&p, 0, prog, argv);
    r->status = drain(&p, input, r->out, sizeof r->out, r->err, sizeof r->err);
}

void t_run(struct t_run *r, const char *input, const char *prog, ...)
{
    const char *argv[64];
    int argc = 0;
    va_list ap;

    va_start(ap, prog);
    while (argc < 63 && (argv[argc] = va_arg(ap, const char *)) != NULL)
        argc++;
    va_end(ap);
    argv[argc] = NULL;
    t_run_argv(r, input, prog, argv);
}

static int call_void(void *fn)
{
    ((void (*)(void))fn)();
    return 0;
}

void t_capture(struct t_captured *c, void (*fn)(void))
{
    struct t_proc p;

    t_fork(&p, T_ERR_TO_OUT, call_void, (void *)fn);
    c->text[0] = '\0';
    c->status = t_finish(&p, c->text, sizeof c->text, NULL, 0);
}

int t_lines(const char *text)
{
    int n = 0;

    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* --- errno cases ------------------------------------------------------------------- */

struct row_call {
    const struct t_errno_row *row;
    void *ctx;
};

/* The errno the call left, 0 if it succeeded, 126 if it could not be set
 * up (an exit code: every errno is below 126). */
static int errno_of(void *arg)
{
    const struct row_call *c = arg;
    int rc;

    errno = 0;
    rc = c->row->call(c->ctx);
    return rc == -1 ? errno : rc == T_SETUP_FAILED ? 126 : 0;
}

void t_errno_case(const struct t_errno_row *row, void *ctx)
{
    struct row_call c = { row, ctx };
    int got = 0;

    switch (row->who) {
    case T_OWNER: got = errno_of(&c); break;
    case T_PLAIN: got = t_unprivileged(errno_of, &c); break;
    case T_STRANGER: got = t_as_stranger(errno_of, &c); break;
    }
    ck_assert_msg(got == row->err, "%s: %s, not %s", row->what,
                  got == 0 ? "it succeeded" : got == 126 ? "its setup failed (stderr may say why)"
                                        : got > 125 ? "the child could not run it"
                                                    : strerrorname_np(got),
                  strerrorname_np(row->err));
}

/* --- a namespace of our own ----------------------------------------------------- */

bool t_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return false;
    fputs(text, f);
    return fclose(f) == 0;
}

long t_read_long(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = 0;

    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert_msg(fscanf(f, "%ld", &v) == 1, "%s: not a number", path);
    fclose(f);
    return v;
}

/* With CAP_SYS_ADMIN, unshare at once; without, first a user namespace,
 * which owns the new IPC namespace: as root in it, the process may set its
 * limits; as itself (AS_ME), what it runs there has no capabilities. */
static bool enter_private_ipc(bool as_me)
{
    const int flags = CLONE_NEWIPC | CLONE_NEWNS;
    const uid_t uid = geteuid();        /* unmapped (65534) after CLONE_NEWUSER */
    const gid_t gid = getegid();
    char map[64], dir[PATH_MAX];
    struct stat st;

    if (unshare(flags) == -1) {
        int first = errno;

        if (unshare(CLONE_NEWUSER | flags) == -1)
            return no("cannot make an IPC namespace: unshare: %s, and in a user namespace: %s "
                      "(needs CAP_SYS_ADMIN, or user namespaces)",
                      strerrorname_np(first), strerrorname_np(errno));
        snprintf(map, sizeof map, "%u %u 1\n", as_me ? (unsigned int)uid : 0, (unsigned int)uid);
        if (!t_write_file("/proc/self/uid_map", map))
            return no("cannot write uid_map in a user namespace: %s", strerror(errno));
        t_write_file("/proc/self/setgroups", "deny\n");
        snprintf(map, sizeof map, "%u %u 1\n", as_me ? (unsigned int)gid : 0, (unsigned int)gid);
        if (!t_write_file("/proc/self/gid_map", map))
            return no("cannot write gid_map in a user namespace: %s", strerror(errno));
    }
    /* The queues' mount point: /dev/mqueue where there is one; else a folder
     * of the run's, where a mount there stays ours; else (in a chroot, on its
     * root) a hidden folder in the new /dev/shm. */
    if (stat("/dev/mqueue", &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(dir, sizeof dir, "/dev/mqueue");
    else
        snprintf(dir, sizeof dir, "%s/mqueue-%ld", rundir, (long)getpid());
    if (!mounts_private_for("/dev/shm"))
        return false;
    if (!mounts_private_for(dir))
        snprintf(dir, sizeof dir, "/dev/shm/.mqueue");
    if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") == -1)
        return no("cannot mount a tmpfs on /dev/shm: %s", strerrorname_np(errno));
    if (strcmp(dir, "/dev/mqueue") != 0 && mkdir(dir, 0755) == -1)
        return no("mkdir %s: %s", dir, strerror(errno));
    if (mount("mqueue", dir, "mqueue", 0, NULL) == -1)
        return no("cannot mount an mqueue filesystem: %s", strerrorname_np(errno));
    return true;
}

static int run_private_ipc(int (*fn)(void *), void *arg, bool as_me)
{
    int ready[2], status;
    ssize_t n;
    pid_t pid;

    ck_assert_int_eq(pipe(ready), 0);
    fflush(NULL);
    ck_assert((pid = fork()) != -1);
    if (pid == 0) {
        close(ready[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (!enter_private_ipc(as_me)) {
            ck_assert_int_eq(write(ready[1], why_not, strlen(why_not)), (ssize_t)strlen(why_not));
            _exit(1);
        }
        in_private_ipc = true;
        close(ready[1]);
        _exit(fn(arg));
    }
    close(ready[1]);
    /* Its first words, if any, say why it could not have the namespace. */
    n = read(ready[0], why_not, sizeof why_not - 1);
    why_not[n > 0 ? n : 0] = '\0';
    close(ready[0]);
    while (waitpid(pid, &status, 0) == -1)
        ck_assert_int_eq(errno, EINTR);
    return n <= 0 ? t_status(status) : -1;
}

int t_private_ipc(int (*fn)(void *), void *arg)
{
    return run_private_ipc(fn, arg, false);
}

int t_private_ipc_as_me(int (*fn)(void *), void *arg)
{
    return run_private_ipc(fn, arg, true);
}

/* --- processes ----------------------------------------------------------------- */

char t_state(pid_t pid)
{
    char path[64], line[512], state = '?';
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    if ((f = fopen(path, "r")) != NULL) {
        if (fgets(line, sizeof line, f) != NULL && strrchr(line, ')'))
            state = strrchr(line, ')')[2];      /* the name in () may hold spaces */
        fclose(f);
    }
    return state;
}

bool t_reaches(pid_t pid, const char *states)
{
    for (int ms = 0; ms < 20000; ms += 10) {
        if (strchr(states, t_state(pid)) != NULL)
            return true;
        nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
    }
    return false;
}

int t_children(pid_t pid, pid_t *pids, int max)
{
    char path[80];
    long child;
    int n = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)pid, (long)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (n < max && fscanf(f, "%ld", &child) == 1)
        pids[n++] = (pid_t)child;
    fclose(f);
    return n;
}

void t_read_all(int fd, char *text, size_t size)
{
    size_t got = 0;
    ssize_t n;

    while (got < size - 1 && (n = read(fd, text + got, size - 1 - got)) > 0)
        got += (size_t)n;
    text[got] = '\0';
    close(fd);
}

bool t_blocked_in(pid_t pid, long nr)
{
    char path[64];

    for (int ms = 0; ms < 20000; ms++) {
        FILE *f;
        char state = t_state(pid);
        long call = -1;

        snprintf(path, sizeof path, "/proc/%ld/syscall", (long)pid);
        if ((f = fopen(path, "r")) != NULL) {
            if (fscanf(f, "%ld", &call) != 1)
                call = -1;              /* "running" */
            fclose(f);
        }
        if (state == 'S' && call == nr)
            return true;
        if (state == 'Z' || state == '?')
            return false;               /* it has finished: it did not wait */
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
    return false;
}

/* --- command lines ------------------------------------------------------------------ */

void t_refuse(const char *chapter, const struct t_bad_line *b)
{
    char prog[PATH_MAX], expect[512];
    struct t_run r;

    snprintf(prog, sizeof prog, "chapters/%s/%s", chapter, b->prog);
    t_run(&r, NULL, prog, b->args[0], b->args[1], b->args[2], b->args[3], NULL);
    snprintf(expect, sizeof expect, "%s\n", b->err);
    ck_assert_msg(r.status == b->status, "%s %s: status %d, not %d", b->prog,
                  b->args[0] ? b->args[0] : "", r.status, b->status);
    ck_assert_str_eq(r.err, expect);
    ck_assert_str_eq(r.out, "");
}

int t_created(const struct t_run *r, enum t_kind kind)
{
    char *end;
    long id = strtol(r->out, &end, 10);

    ck_assert_msg(r->status == 0, "status %d: %s", r->status, r->err);
    ck_assert_msg(end != r->out && id >= 0 && id <= INT_MAX && strcmp(end, "\n") == 0,
                  "not an id alone: \"%s\"", r->out);
    t_track(kind, (int)id);
    return (int)id;
}

void t_play_session(const char *chapter, const struct t_session *s, struct t_run *r)
{
    char file[PATH_MAX];

    snprintf(file, sizeof file, "%s/chapters/%s/%s", t_top(), chapter, s->name);
    t_run(r, NULL, "book/run-session", file, NULL);
    if (r->status == 77) {              /* "#requires ...": not here */
        char reason[512];

        snprintf(reason, sizeof reason, "%s: %.*s", s->name, (int)strcspn(r->out, "\n"), r->out);
        t_skip(reason);
        return;
    }
    ck_assert_msg(r->status == 0, "%s: status %d\n%s%s", s->name, r->status, r->out, r->err);
    for (int m = 0; m < 3; m++)
        ck_assert_msg(strstr(r->out, s->must[m]), "%s: no \"%s\" in:\n%s", s->name, s->must[m],
                      r->out);
}

void t_play_sessions(const char *chapter, const struct t_session *expect, size_t n,
                     const char *const own[])
{
    char pattern[PATH_MAX];
    glob_t sessions;
    size_t rows = 0;
    struct t_run r;

    snprintf(pattern, sizeof pattern, "%s/chapters/%s/*.session", t_top(), chapter);
    ck_assert_int_eq(glob(pattern, 0, NULL, &sessions), 0);
    for (size_t s = 0; s < sessions.gl_pathc; s++) {
        const char *name = strrchr(sessions.gl_pathv[s], '/') + 1;
        size_t row = 0;
        bool tested_alone = false;

        for (int i = 0; own != NULL && own[i] != NULL; i++)
            tested_alone = tested_alone || strcmp(own[i], name) == 0;
        if (tested_alone)
            continue;
        while (row < n && strcmp(expect[row].name, name) != 0)
            row++;
        ck_assert_msg(row < n, "%s: no expectations, and no test of its own", name);
        t_play_session(chapter, &expect[row], &r);
        rows++;
    }
    ck_assert_msg(rows == n, "%zu rows, %zu sessions to play", n, rows);
    globfree(&sessions);
}

/* --- what this process may do ------------------------------------------------------- */

bool t_capable(int cap)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long long eff = 0;

    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "CapEff: %llx", &eff) == 1)
            break;
    fclose(f);
    return eff >> cap & 1;
}

static bool become_nobody(void)
{
    return setgroups(0, NULL) == 0 && setgid(NOBODY) == 0 && setuid(NOBODY) == 0;
}

static const char *const no_stranger[] = {
    NULL,
    "needs CAP_SETUID and CAP_SETGID (to act as a second user, nobody)",
    "nobody cannot reach the run's directory (a folder above it, / in a chroot, is closed "
    "to other users)",
    "runs as nobody already: no second user to be",
};

/* 0, or the index of the reason in no_stranger[]. */
static int probe_nobody(void)
{
    char bin[PATH_MAX];

    if (geteuid() == NOBODY)
        return 3;
    if (!become_nobody())
        return 1;
    rundir_path(bin, "bin");
    return access(bin, X_OK) == 0 ? 0 : 2;
}

static int stranger_probe(void)
{
    static int answer = -1;             /* the probe runs once a process */

    if (answer == -1) {
        pid_t pid;
        int status;

        fflush(NULL);
        ck_assert((pid = fork()) != -1);
        if (pid == 0)
            _exit(probe_nobody());
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        answer = t_status(status);
        if (answer >= T_ROWS(no_stranger))
            answer = 1;
    }
    return answer;
}

bool t_can_be_stranger(void)
{
    return stranger_probe() == 0;
}

const char *t_why_no_stranger(void)
{
    return no_stranger[stranger_probe()];
}

/* Drop every capability, effective and permitted: always allowed. Root
 * would get them back from the next exec, unless SECBIT_NOROOT says not to
 * (which takes CAP_SETPCAP: root has it; a plain user has nothing to lose). */
static bool drop_capabilities(void)
{
    struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3 };
    struct __user_cap_data_struct data[2] = { { 0 } };

    if (geteuid() == 0 && prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED) == -1)
        return false;
    return syscall(SYS_capset, &head, data) == 0;
}

static int in_child(int (*fn)(void *), void *arg, bool (*become)(void))
{
    pid_t pid;
    int status;

    fflush(NULL);
    ck_assert((pid = fork()) != -1);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (!become())
            _exit(125);
        _exit(fn(arg));
    }
    while (waitpid(pid, &status, 0) == -1)
        ck_assert_int_eq(errno, EINTR);
    return t_status(status);
}

int t_unprivileged(int (*fn)(void *), void *arg)
{
    return in_child(fn, arg, t_can_be_stranger() ? become_nobody : drop_capabilities);
}

int t_as_stranger(int (*fn)(void *), void *arg)
{
    ck_assert_msg(t_can_be_stranger(), "t_as_stranger without T_NEED_STRANGER()");
    return in_child(fn, arg, become_nobody);
}

uid_t t_plain_uid(void)
{
    return t_can_be_stranger() ? NOBODY : geteuid();
}

gid_t t_plain_gid(void)
{
    return t_can_be_stranger() ? NOBODY : getegid();
}

/* --- skipping ------------------------------------------------------------------------ */

void t_skip(const char *reason)
{
    append(skips_fd, "SKIP %s: %s\n", test_name, reason);
}

/* --- the run ------------------------------------------------------------------------- */

/* Call FN for each line of the registry, split into its kind ("key", "obj",
 * "name"), its words and the test that wrote it. */
struct entry {
    char what[8], name[64], test[128];
    int kind, id;
};

static void each_entry(void (*fn)(const struct entry *, void *), void *ctx)
{
    char path[PATH_MAX], line[512];
    FILE *f;

    rundir_path(path, "registry");
    if ((f = fopen(path, "r")) == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        struct entry e = { .kind = -1 };

        if (sscanf(line, "key %d %127s", &e.id, e.test) == 2 ||
            sscanf(line, "obj %d %d %127s", &e.kind, &e.id, e.test) == 3 ||
            sscanf(line, "name %63s %127s", e.name, e.test) == 2) {
            snprintf(e.what, sizeof e.what, "%.7s", line);
            *strchr(e.what, ' ') = '\0';
            fn(&e, ctx);
        }
    }
    fclose(f);
}

/* The objects still there that the registry names, of one test (or of all
 * when TEST is NULL), each removed after the listing is read. */
struct sweep {
    const char *test;           /* NULL: all */
    bool quiet;                 /* a failed test's: its failure says enough */
    int found;
    struct { enum t_kind kind; int id; key_t key; char test[128]; } objs[256];
    int n;
};

static enum t_kind sweeping_kind;
static const struct entry *matching;

static int match_object(key_t key, int id, void *ctx)
{
    struct sweep *s = ctx;
    const struct entry *e = matching;
    bool mine = strcmp(e->what, "key") == 0 ? key != IPC_PRIVATE && key == (key_t)e->id
                                           : e->kind == (int)sweeping_kind && e->id == id;

    for (int i = 0; mine && i < s->n; i++)
        mine = !(s->objs[i].kind == sweeping_kind && s->objs[i].id == id);
    if (mine && s->n < 256) {
        s->objs[s->n].kind = sweeping_kind;
        s->objs[s->n].id = id;
        s->objs[s->n].key = key;
        snprintf(s->objs[s->n].test, sizeof s->objs[0].test, "%s", e->test);
        s->n++;
    }
    return 0;
}

static void sweep_entry(const struct entry *e, void *ctx)
{
    struct sweep *s = ctx;
    static const struct {
        const char *what;
        int (*unlink)(const char *);
    } names[] = {
        { "shared memory object", shm_unlink },
        { "semaphore", sem_unlink },
        { "message queue", mq_unlink },
    };

    if (s->test != NULL && strcmp(s->test, e->test) != 0)
        return;
    if (strcmp(e->what, "name") == 0) {
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
            if (names[k].unlink(e->name) != 0)
                continue;
            s->found++;
            if (!s->quiet)
                printf("LEAK: %s %s was left behind by test %s; removed it\n",
                       names[k].what, e->name, e->test);
        }
        return;
    }
    matching = e;
    for (sweeping_kind = T_SHM; sweeping_kind <= T_MSG; sweeping_kind++)
        if (strcmp(e->what, "key") == 0 || e->kind == (int)sweeping_kind)
            each_object(sweeping_kind, match_object, s);
}

/* IPC_RMID; where that needs CAP_SYS_ADMIN, which root in a container
 * lacks, as the object's owner (a second user's, made by a test). */
static int rm_as_owner(enum t_kind kind, int id)
{
    /* the uid column of /proc/sysvipc: IPC_STAT may be refused */
    static const int uid_column[3] = { 8, 5, 8 };
    FILE *f = fopen(proc_file[kind], "r");
    char line[512];
    long uid = -1;
    pid_t pid;
    int status;

    if (t_rm(kind, id) == 0 || errno != EPERM || f == NULL) {
        if (f != NULL)
            fclose(f);
        return t_rm(kind, id);
    }
    while (uid == -1 && fgets(line, sizeof line, f) != NULL) {
        long v[9];
        int n = sscanf(line, "%ld %ld %ld %ld %ld %ld %ld %ld %ld", &v[0], &v[1], &v[2],
                       &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]);

        if (n >= uid_column[kind] && v[1] == id)
            uid = v[uid_column[kind] - 1];
    }
    fclose(f);
    fflush(NULL);
    if ((pid = fork()) == 0)
        _exit(uid >= 0 && setgroups(0, NULL) == 0 && setuid((uid_t)uid) == 0 &&
              t_rm(kind, id) == 0 ? 0 : 1);
    if (pid == -1 || waitpid(pid, &status, 0) != pid || status != 0) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

static int sweep(const char *test, bool quiet)
{
    struct sweep *s = calloc(1, sizeof *s);
    int found;

    if (s == NULL) {                    /* no ck_assert: t_main calls this too */
        perror("sweep: calloc");
        return 1;
    }
    s->test = test;
    s->quiet = quiet;
    each_entry(sweep_entry, s);
    for (int i = 0; i < s->n; i++) {
        int rc = rm_as_owner(s->objs[i].kind, s->objs[i].id);

        if (!quiet)
            printf("LEAK: %s id %d (key 0x%08x) was left behind by test %s; %s\n",
                   t_kind_name[s->objs[i].kind], s->objs[i].id, (unsigned int)s->objs[i].key,
                   s->objs[i].test, rc == 0 ? "removed it" : strerror(errno));
    }
    found = s->found + s->n;
    free(s);
    return found;
}

void t_test(const char *name, void (*body)(int), int i)
{
    int status;
    pid_t pid;

    test_name = name;
    fflush(NULL);
    pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        body(i);
        _exit(0);                       /* Check's checked teardown runs in the parent */
    }
    while (waitpid(pid, &status, 0) == -1)
        ck_assert_int_eq(errno, EINTR);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return;
    /* The body failed (Check has its message) or crashed: what it made goes
     * now, and this process ends the same way for Check to report. */
    sweep(name, true);
    if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        raise(WTERMSIG(status));
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static pid_t runner;

static void forward(int sig)
{
    if (runner > 0)
        kill(runner, sig);
}

/* The run's results go to tests/logs/ for tests/check-claims: each file is
 * written under a name of this process and then renamed, so that two runs at
 * once each leave whole files. */
static char logdir[PATH_MAX];           /* TOP/tests/logs, where it may be written */

static void logs_path(char path[PATH_MAX], const char *suffix, bool temporary)
{
    snprintf(path, PATH_MAX, "%.3800s/%s.%s", logdir, program_invocation_short_name, suffix);
    if (temporary)
        snprintf(path + strlen(path), PATH_MAX - strlen(path), ".%ld", (long)getpid());
}

static void publish(const char *suffix)
{
    char from[PATH_MAX], to[PATH_MAX];

    logs_path(from, suffix, true);
    logs_path(to, suffix, false);
    rename(from, to);
}

/* Print the skipped tests, once each (a loop test skips once per row), and
 * keep them beside the log. */
static void report_skips(void)
{
    char path[PATH_MAX], line[512], seen[64][512];
    int nseen = 0;
    FILE *in, *kept;

    rundir_path(path, "skips");
    if ((in = fopen(path, "r")) == NULL)
        return;
    logs_path(path, "skips", true);
    kept = fopen(path, "w");
    while (fgets(line, sizeof line, in) != NULL) {
        bool again = false;

        for (int i = 0; i < nseen && !again; i++)
            again = strcmp(seen[i], line) == 0;
        if (again)
            continue;
        if (nseen < 64)
            snprintf(seen[nseen++], sizeof seen[0], "%s", line);
        fputs(line, stdout);
        if (kept)
            fputs(line, kept);
    }
    fclose(in);
    if (kept) {
        fclose(kept);
        publish("skips");
    }
}

/* A copy of FROM (a program) at TO, mode 0755. */
static bool copy_program(const char *from, const char *to)
{
    char buf[65536];
    ssize_t n;
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_EXCL, 0755);
    bool ok = in != -1 && out != -1;

    while (ok && (n = read(in, buf, sizeof buf)) > 0)
        ok = write(out, buf, (size_t)n) == n;
    if (in != -1)
        close(in);
    if (out != -1)
        ok = fchmod(out, 0755) == 0 && close(out) == 0 && ok;
    return ok;
}

/* bin/ in the run's directory: a copy of every program of chapters/ and of
 * book/, at the same paths, so that a test running one as nobody reaches it
 * even when the tree is in a 0700 folder (as root's home is). */
static bool copy_programs(void)
{
    static const char *const patterns[] = { "chapters/*/*", "book/*" };
    char pattern[PATH_MAX], to[PATH_MAX];
    glob_t found;

    for (size_t g = 0; g < 2; g++) {
        snprintf(pattern, sizeof pattern, "%s/%s", t_top(), patterns[g]);
        if (glob(pattern, 0, NULL, &found) != 0)
            continue;
        for (size_t i = 0; i < found.gl_pathc; i++) {
            const char *from = found.gl_pathv[i], *rel = from + strlen(t_top()) + 1;
            struct stat st;

            if (stat(from, &st) == -1 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR))
                continue;
            snprintf(to, sizeof to, "%s/bin/%s", rundir, rel);
            for (char *slash = strchr(to + strlen(rundir) + 1, '/'); slash;
                 slash = strchr(slash + 1, '/')) {
                *slash = '\0';
                if (mkdir(to, 0755) == 0)
                    chmod(to, 0755);            /* whatever the umask: nobody runs them */
                *slash = '/';
            }
            if (!copy_program(from, to)) {
                fprintf(stderr, "%s: copy %s: %s\n", program_invocation_short_name, from,
                        strerror(errno));
                globfree(&found);
                return false;
            }
        }
        globfree(&found);
    }
    return true;
}

static bool make_rundir(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[PATH_MAX];

    snprintf(rundir, sizeof rundir, "%s/ipclab-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
             program_invocation_short_name);
    if (mkdtemp(rundir) == NULL || chmod(rundir, 0755) == -1) {
        fprintf(stderr, "%s: mkdtemp %s: %s\n", program_invocation_short_name, rundir,
                strerror(errno));
        return false;
    }
    rundir_path(path, "registry");
    registry_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, 0600);
    rundir_path(path, "skips");
    skips_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, 0600);
    if (registry_fd == -1 || skips_fd == -1) {
        fprintf(stderr, "%s: open %s: %s\n", program_invocation_short_name, path,
                strerror(errno));
        return false;
    }
    snprintf(path, sizeof path, "%s/tests/logs", t_top());
    mkdir(path, 0755);
    if (access(path, W_OK) == -1) {     /* made by another user (root), say */
        printf("%s: %s is not writable: the log stays in %s, and check-claims will not "
               "see this run\n", program_invocation_short_name, path, rundir);
        snprintf(logdir, sizeof logdir, "%s", rundir);
    } else {
        snprintf(logdir, sizeof logdir, "%s", path);
    }
    return copy_programs();
}

int t_main(Suite *(*make_suite)(void))
{
    char log[PATH_MAX];
    int status = -1, leaks = 0;

    if (!make_rundir()) {
        if (rundir[0] != '\0')
            nftw(rundir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        return 1;
    }
    logs_path(log, "log", true);

    /* The tests run in a child; this process outlives them to sweep up. */
    fflush(stdout);
    runner = fork();
    if (runner == 0) {
        SRunner *sr = srunner_create(make_suite());

        srunner_set_log(sr, log);
        srunner_run_all(sr, CK_ENV);
        status = srunner_ntests_failed(sr);
        srunner_free(sr);
        exit(status == 0 ? 0 : 1);
    }
    signal(SIGINT, forward);
    signal(SIGTERM, forward);
    if (runner != -1)
        while (waitpid(runner, &status, 0) == -1 && errno == EINTR)
            ;
    status = runner == -1 ? -1 : t_status(status);
    if (status > 1)
        printf("%s: the run was interrupted (status %d); removing what it left\n",
               program_invocation_short_name, status);
    publish("log");
    report_skips();
    leaks = sweep(NULL, false);
    nftw(rundir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    fflush(stdout);
    return status == 0 && leaks == 0 ? 0 : 1;
}
