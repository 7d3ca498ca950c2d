/* harness.c: the shared test helpers described in harness.h. */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <grp.h>
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
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { NOBODY = 65534 };

const char *const t_kind_name[3] = { "shm", "sem", "msg" };
static const char *const proc_file[3] = {
    "/proc/sysvipc/shm", "/proc/sysvipc/sem", "/proc/sysvipc/msg",
};

/* The run's own directory: key files, the registry of what the run made,
 * the list of skipped tests. Removed at the end of the run. The registry and
 * the skips are written through descriptors opened before the tests start,
 * which every child inherits: a child running as nobody can append, while
 * nobody else can write to the files (the sweep trusts what they say). */
static char rundir[1024];
static int registry_fd = -1, skips_fd = -1;
static bool in_private_ipc;              /* nothing made here can outlive it */

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
            append(registry_fd, "key %d\n", (int)key);
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
    append(registry_fd, "name %s\n", name);
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

const char *t_mqueue_dir(void)
{
    static char dir[PATH_MAX];

    if (t_mqueue_mount() != NULL)
        return t_mqueue_mount();
    if (!t_root() || unshare(CLONE_NEWNS) == -1)
        return NULL;
    /* private: the mount must not propagate back to the machine's namespace */
    ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
    snprintf(dir, sizeof dir, "%s/mqueue-%ld", rundir, (long)getpid());
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    if (mount("mqueue", dir, "mqueue", 0, NULL) == -1)
        return NULL;
    return dir;
}

/* --- objects ------------------------------------------------------------------- */

union semun {                           /* the caller defines it: see semctl(2) */
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

void t_track(enum t_kind kind, int id)
{
    if (!in_private_ipc)
        append(registry_fd, "obj %d %d\n", (int)kind, id);
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

/* --- programs -------------------------------------------------------------------- */

static int wait_status(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void t_run(struct t_run *r, const char *input, const char *prog, ...)
{
    char path[PATH_MAX];
    char *argv[64];
    int in[2], out[2], err[2], argc = 0;
    size_t nout = 0, nerr = 0, nin = 0, inlen = input ? strlen(input) : 0;
    pid_t pid;
    va_list ap;

    if (prog[0] == '/')                 /* a system program, e.g. /usr/bin/timeout */
        snprintf(path, sizeof path, "%s", prog);
    else
        snprintf(path, sizeof path, "%s/%s", t_top(), prog);
    argv[argc++] = strrchr(path, '/') + 1;
    va_start(ap, prog);
    while (argc < 63 && (argv[argc] = va_arg(ap, char *)) != NULL)
        argc++;
    va_end(ap);
    argv[argc] = NULL;

    signal(SIGPIPE, SIG_IGN);           /* a program may not read all its input */
    ck_assert(pipe(in) == 0 && pipe(out) == 0 && pipe(err) == 0);
    pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        closefrom(3);
        signal(SIGPIPE, SIG_DFL);       /* as from a shell */
        /* A group of its own: when Check kills the test's process group (a
         * timeout, Ctrl-C), the program is not killed halfway through, with
         * an object made and not yet removed; it finishes and cleans up. */
        setpgid(0, 0);
        if (chdir(rundir) == -1)        /* files a program makes land in the run dir */
            _exit(126);
        alarm(60);                      /* survives exec: a hung program dies */
        execv(path, argv);
        dprintf(2, "exec %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (inlen == 0)
        close(in[1]);

    /* Feed stdin and drain stdout and stderr together, so that no pipe fills. */
    struct pollfd fds[3] = {
        { .fd = out[0], .events = POLLIN },
        { .fd = err[0], .events = POLLIN },
        { .fd = inlen ? in[1] : -1, .events = POLLOUT },
    };
    while (fds[0].fd != -1 || fds[1].fd != -1) {
        if (poll(fds, 3, -1) == -1) {
            ck_assert_int_eq(errno, EINTR);
            continue;
        }
        for (int i = 0; i < 2; i++) {
            char *buf = i == 0 ? r->out : r->err;
            size_t cap = i == 0 ? sizeof r->out : sizeof r->err;
            size_t *n = i == 0 ? &nout : &nerr;
            char scratch[4096];

            if (fds[i].fd == -1 || fds[i].revents == 0)
                continue;
            ssize_t got = read(fds[i].fd, scratch, sizeof scratch);
            if (got <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                continue;
            }
            size_t keep = (size_t)got < cap - 1 - *n ? (size_t)got : cap - 1 - *n;
            memcpy(buf + *n, scratch, keep);
            *n += keep;
        }
        if (fds[2].fd != -1 && fds[2].revents != 0) {
            ssize_t put = write(fds[2].fd, input + nin, inlen - nin);
            if (put > 0)
                nin += (size_t)put;
            if (put <= 0 || nin == inlen) {
                close(fds[2].fd);
                fds[2].fd = -1;
            }
        }
    }
    if (fds[2].fd != -1)
        close(fds[2].fd);
    r->out[nout] = '\0';
    r->err[nerr] = '\0';
    r->status = wait_status(pid);
}

void t_capture(struct t_captured *c, void (*fn)(void))
{
    int fds[2];
    ssize_t n, got = 0;
    pid_t pid;

    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        fn();
        exit(0);
    }
    close(fds[1]);
    while ((n = read(fds[0], c->text + got, sizeof c->text - 1 - (size_t)got)) > 0)
        got += n;
    c->text[got] = '\0';
    close(fds[0]);
    c->status = wait_status(pid);
}

int t_lines(const char *text)
{
    int n = 0;

    for (; *text; text++)
        n += *text == '\n';
    return n;
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

/* Root unshares at once; another user first makes a user namespace, which
 * owns the new IPC namespace: as root in it, it may set its limits; as
 * itself (AS_ME), what it runs there has no capabilities. */
static bool enter_private_ipc(bool as_me)
{
    const int flags = CLONE_NEWIPC | CLONE_NEWNS;
    const uid_t uid = geteuid();        /* unmapped (65534) after CLONE_NEWUSER */
    const gid_t gid = getegid();
    char map[64], dir[PATH_MAX];
    struct stat st;

    if (unshare(flags) == -1) {
        if (unshare(CLONE_NEWUSER | flags) == -1)
            return false;
        snprintf(map, sizeof map, "%u %u 1\n", as_me ? (unsigned int)uid : 0, (unsigned int)uid);
        if (!t_write_file("/proc/self/uid_map", map))
            return false;
        t_write_file("/proc/self/setgroups", "deny\n");
        snprintf(map, sizeof map, "%u %u 1\n", as_me ? (unsigned int)gid : 0, (unsigned int)gid);
        if (!t_write_file("/proc/self/gid_map", map))
            return false;
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
        mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") == -1)
        return false;
    if (stat("/dev/mqueue", &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(dir, sizeof dir, "/dev/mqueue");
    } else {
        snprintf(dir, sizeof dir, "%s/mqueue-%ld", rundir, (long)getpid());
        if (mkdir(dir, 0755) == -1)
            return false;
    }
    return mount("mqueue", dir, "mqueue", 0, NULL) == 0;
}

static int run_private_ipc(int (*fn)(void *), void *arg, bool as_me)
{
    int ready[2], status;
    char byte;
    bool ok;
    pid_t pid;

    ck_assert_int_eq(pipe(ready), 0);
    ck_assert((pid = fork()) != -1);
    if (pid == 0) {
        close(ready[0]);
        if (!enter_private_ipc(as_me))
            _exit(1);
        in_private_ipc = true;
        ck_assert_int_eq(write(ready[1], "y", 1), 1);
        close(ready[1]);
        _exit(fn(arg));
    }
    close(ready[1]);
    ok = read(ready[0], &byte, 1) == 1;
    close(ready[0]);
    status = wait_status(pid);
    return ok ? status : -1;
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

/* --- users ------------------------------------------------------------------------- */

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

void t_play_sessions(const char *chapter, const struct t_session *expect, size_t n)
{
    char pattern[PATH_MAX];
    glob_t sessions;
    struct t_run r;

    snprintf(pattern, sizeof pattern, "%s/chapters/%s/*.session", t_top(), chapter);
    ck_assert_int_eq(glob(pattern, 0, NULL, &sessions), 0);
    for (size_t s = 0; s < sessions.gl_pathc; s++) {
        const char *file = sessions.gl_pathv[s], *name = strrchr(file, '/') + 1;
        size_t row = 0;

        while (row < n && strcmp(expect[row].name, name) != 0)
            row++;
        ck_assert_msg(row < n, "%s: no expectations", name);
        t_run(&r, NULL, "book/run-session", file, NULL);
        ck_assert_msg(r.status == 0, "%s: status %d\n%s%s", name, r.status, r.out, r.err);
        for (int m = 0; m < 3; m++)
            ck_assert_msg(strstr(r.out, expect[row].must[m]), "%s: no \"%s\" in:\n%s",
                          name, expect[row].must[m], r.out);
    }
    ck_assert_uint_eq(sessions.gl_pathc, n);
    globfree(&sessions);
}

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

bool t_root(void)
{
    return geteuid() == 0;
}

uid_t t_plain_uid(void)
{
    return t_root() ? NOBODY : getuid();
}

gid_t t_plain_gid(void)
{
    return t_root() ? NOBODY : getgid();
}

int t_unprivileged(int (*fn)(void *), void *arg)
{
    pid_t pid = fork();

    ck_assert(pid != -1);
    if (pid == 0) {
        if (t_root() && (setgroups(0, NULL) == -1 || setgid(NOBODY) == -1 ||
                         setuid(NOBODY) == -1))
            _exit(125);
        _exit(fn(arg));
    }
    return wait_status(pid);
}

/* --- skipping ------------------------------------------------------------------------ */

void t_skip(const char *func, const char *reason)
{
    size_t len = strlen(func);

    if (len > 3 && strcmp(func + len - 3, "_fn") == 0)   /* START_TEST's name_fn */
        len -= 3;
    append(skips_fd, "SKIP %.*s: %s\n", (int)len, func, reason);
}

/* --- the run ------------------------------------------------------------------------- */

struct sweep {
    enum t_kind kind;
    int n, ids[256];
    key_t keys[256];
};

/* Did the run make this object, or give out its key? */
static bool registered(enum t_kind kind, key_t key, int id)
{
    char path[PATH_MAX], line[128];
    bool found = false;
    FILE *f;

    rundir_path(path, "registry");
    if ((f = fopen(path, "r")) == NULL)
        return false;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        int k, rid, rkey;

        if (sscanf(line, "key %d", &rkey) == 1)
            found = key != IPC_PRIVATE && key == (key_t)rkey;
        else if (sscanf(line, "obj %d %d", &k, &rid) == 2)
            found = k == (int)kind && rid == id;
    }
    fclose(f);
    return found;
}

/* Collect the objects the run made that are still there; they are removed
 * after the listing is read, not while it is being read. */
static int collect(key_t key, int id, void *ctx)
{
    struct sweep *s = ctx;

    if (s->n < 256 && registered(s->kind, key, id)) {
        s->keys[s->n] = key;
        s->ids[s->n++] = id;
    }
    return 0;
}

static int sweep(enum t_kind kind)
{
    struct sweep s = { .kind = kind };

    each_object(kind, collect, &s);
    for (int i = 0; i < s.n; i++)
        printf("LEAK: %s id %d (key 0x%08x) was left behind by the tests; %s\n",
               t_kind_name[kind], s.ids[i], (unsigned int)s.keys[i],
               t_rm(kind, s.ids[i]) == 0 ? "removed it" : strerror(errno));
    return s.n;
}

/* The POSIX names the run gave out that still name something. */
static int sweep_names(void)
{
    static const struct {
        const char *what;
        int (*unlink)(const char *);
    } kinds[] = {
        { "shared memory object", shm_unlink },
        { "semaphore", sem_unlink },
        { "message queue", mq_unlink },
    };
    char path[PATH_MAX], line[128], name[64];
    int leaks = 0;
    FILE *f;

    rundir_path(path, "registry");
    if ((f = fopen(path, "r")) == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "name %63s", name) != 1)
            continue;
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            if (kinds[k].unlink(name) == 0) {
                printf("LEAK: %s %s was left behind by the tests; removed it\n",
                       kinds[k].what, name);
                leaks++;
            }
        }
    }
    fclose(f);
    return leaks;
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
static void logs_path(char path[PATH_MAX], const char *suffix, bool temporary)
{
    snprintf(path, PATH_MAX, "%s/tests/logs/%s.%s", t_top(), program_invocation_short_name,
             suffix);
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
    return true;
}

int t_main(Suite *(*make_suite)(void))
{
    char log[PATH_MAX];
    int status, leaks = 0;

    if (!make_rundir())
        return 1;
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
    status = runner == -1 ? -1 : wait_status(runner);
    if (status > 1)
        printf("%s: the run was interrupted (status %d); removing what it left\n",
               program_invocation_short_name, status);
    publish("log");
    report_skips();
    for (int k = T_SHM; k <= T_MSG; k++)
        leaks += sweep(k);
    leaks += sweep_names();
    nftw(rundir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    fflush(stdout);
    return status == 0 && leaks == 0 ? 0 : 1;
}
