/* proc.c: programs and children beside the test (t_start, t_fork, t_wait,
 * t_finish, t_run), what a process is doing, command lines and sessions. */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

/* --- programs and children ----------------------------------------------------------- */

int t_status(int wstatus)
{
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

int t_limit = 120;

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
    double left = t_limit + plus - seconds_since(&p->started);

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
        if (chdir(h_rundir) == -1)        /* files a program makes land in the run dir */
            _exit(126);
        execv(path, (char *const *)argv);
        dprintf(2, "exec %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    setpgid(p->pid, p->pid);            /* either one wins; both say the same */
    h_append(h_registry_fd, "group %d %s\n", (int)p->pid, h_test_name);   /* see t_test */
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
    p->ended_by_limit = false;
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
        snprintf(path, PATH_MAX, "%s/bin/%s", h_rundir, prog);
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
    p->ended_by_limit = true;
    fprintf(stderr, "%s: pid %d still running after %d s: SIGTERM to its group\n",
            h_test_name, (int)p->pid, t_limit);
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
        int left = (int)((t_limit - seconds_since(&t0)) * 1000);
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
                    h_test_name, (int)p->pid, t_limit);
            kill(-p->pid, SIGTERM);
            termed = p->ended_by_limit = true;
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
    r->ended_by_limit = p.ended_by_limit;
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
    ck_assert_msg(strncmp(r->out, "# played ", 9) == 0 && strstr(r->out, " (uid ") != NULL,
                  "%s: does not say who played it:\n%s", s->name, r->out);
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
