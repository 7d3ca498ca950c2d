/* run.c: the run of a suite (t_main), each test in a process of its own
 * (t_test), the leak guard's sweep, the skips, the logs, and the copy of the
 * programs that every user can reach. */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <grp.h>
#include <mqueue.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#undef _tcase_add_test
enum { EXIT_NO_SUCH_TEST = 3 };
static int tests_added;                 /* T_TEST names no test: a typo, said so */

void t_add_test(TCase *tc, const TTest *tt, int signal, int exit_value, int start, int end)
{
    const char *only = getenv("T_TEST");

    if (only == NULL || *only == '\0' || strcmp(only, tt->name) == 0) {
        _tcase_add_test(tc, tt, signal, exit_value, start, end);
        tests_added++;
    }
}

const char *const t_kind_name[3] = { "shm", "sem", "msg" };
const char *const h_proc_file[3] = {
    "/proc/sysvipc/shm", "/proc/sysvipc/sem", "/proc/sysvipc/msg",
};

/* The run's own directory: key files, the registry of what the run made,
 * the list of skipped tests, and a copy of the programs (bin/) that any
 * user can run, wherever the tree is. Removed at the end of the run. The
 * registry and the skips are written through descriptors opened before the
 * tests start, which every child inherits: a child running as nobody can
 * append, while nobody else can write to the files (the sweep trusts what
 * they say). */
char h_rundir[1024];
int h_registry_fd = -1, h_skips_fd = -1;
bool h_in_private_ipc;
const char *h_test_name = "(no test)";
char h_why_not[256];

const char *t_rundir(void)
{
    return h_rundir;
}

/* The test binaries are TOP/tests/test_* and TOP/tests/labs/grade_*: the
 * top is the first folder above that holds tests/harness.h. */
const char *t_top(void)
{
    static char top[PATH_MAX / 2];      /* room for what is appended to it */
    char exe[PATH_MAX], probe[PATH_MAX];

    if (top[0] == '\0') {                /* no ck_assert: t_main calls this too */
        if (realpath("/proc/self/exe", exe) == NULL || strlen(exe) >= sizeof top) {
            perror("realpath /proc/self/exe");
            exit(1);
        }
        do {
            *strrchr(exe, '/') = '\0';
            snprintf(probe, sizeof probe, "%s/tests/harness.h", exe);
        } while (exe[0] != '\0' && access(probe, F_OK) == -1);
        if (exe[0] == '\0') {
            fprintf(stderr, "%s: no tests/harness.h above the program\n",
                    program_invocation_short_name);
            exit(1);
        }
        snprintf(top, sizeof top, "%s", exe);
    }
    return top;
}

void h_rundir_path(char path[PATH_MAX], const char *name)
{
    snprintf(path, PATH_MAX, "%s/%s", h_rundir, name);
}

/* Append one line to the registry or the skips. O_APPEND keeps lines whole
 * when several processes write. */
void h_append(int fd, const char *fmt, ...)
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

/* --- skipping ------------------------------------------------------------------------ */

void t_skip(const char *reason)
{
    h_append(h_skips_fd, "SKIP %s: %s\n", h_test_name, reason);
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

    h_rundir_path(path, "registry");
    if ((f = fopen(path, "r")) == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        struct entry e = { .kind = -1 };

        if (sscanf(line, "key %d %127s", &e.id, e.test) == 2 ||
            sscanf(line, "obj %d %d %127s", &e.kind, &e.id, e.test) == 3 ||
            sscanf(line, "name %63s %127s", e.name, e.test) == 2 ||
            sscanf(line, "group %d %127s", &e.id, e.test) == 2) {
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
    char *said;                 /* t_leftovers: what was found, described */
    size_t size;
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

    if ((s->test != NULL && strcmp(s->test, e->test) != 0) || strcmp(e->what, "group") == 0)
        return;
    if (strcmp(e->what, "name") == 0) {
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
            if (names[k].unlink(e->name) != 0)
                continue;
            s->found++;
            if (s->said != NULL)
                snprintf(s->said + strlen(s->said), s->size - strlen(s->said), "%s%s %s",
                         *s->said ? ", " : "", names[k].what, e->name);
            if (!s->quiet)
                printf("LEAK: %s %s was left behind by test %s; removed it\n",
                       names[k].what, e->name, e->test);
        }
        return;
    }
    matching = e;
    for (sweeping_kind = T_SHM; sweeping_kind <= T_MSG; sweeping_kind++)
        if (strcmp(e->what, "key") == 0 || e->kind == (int)sweeping_kind)
            h_each_object(sweeping_kind, match_object, s);
}

/* IPC_RMID; where that needs CAP_SYS_ADMIN, which root in a container
 * lacks, as the object's owner (a second user's, made by a test). */
static int rm_as_owner(enum t_kind kind, int id)
{
    /* the uid column of /proc/sysvipc: IPC_STAT may be refused */
    static const int uid_column[3] = { 8, 5, 8 };
    FILE *f;
    char line[512];
    long uid = -1;
    pid_t pid;
    int status;

    if (t_rm(kind, id) == 0)
        return 0;
    if (errno != EPERM || (f = fopen(h_proc_file[kind], "r")) == NULL)
        return -1;
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

static int sweep(const char *test, bool quiet, char *said, size_t size)
{
    struct sweep *s = calloc(1, sizeof *s);
    int found;

    if (s == NULL) {                    /* no ck_assert: t_main calls this too */
        perror("sweep: calloc");
        return 1;
    }
    s->test = test;
    s->quiet = quiet;
    s->said = said;
    s->size = size;
    if (said != NULL && size > 0)
        said[0] = '\0';
    each_entry(sweep_entry, s);
    for (int i = 0; i < s->n; i++) {
        int rc = rm_as_owner(s->objs[i].kind, s->objs[i].id);

        if (said != NULL)
            snprintf(said + strlen(said), size - strlen(said), "%s%s id %d (key 0x%08x)",
                     *said ? ", " : "", t_kind_name[s->objs[i].kind], s->objs[i].id,
                     (unsigned int)s->objs[i].key);
        if (!quiet)
            printf("LEAK: %s id %d (key 0x%08x) was left behind by test %s; %s\n",
                   t_kind_name[s->objs[i].kind], s->objs[i].id, (unsigned int)s->objs[i].key,
                   s->objs[i].test, rc == 0 ? "removed it" : strerror(errno));
    }
    found = s->found + s->n;
    free(s);
    return found;
}

/* How long each test took: lines "NAME SECONDS" in the run's directory. */
static void note_duration(const char *name, const struct timespec *t0)
{
    char path[PATH_MAX];
    struct timespec t1;
    int fd;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    h_rundir_path(path, "durations");
    if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600)) == -1)
        return;
    h_append(fd, "%s %.3f\n", name,
             (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9);
    close(fd);
}

double t_duration(const char *name)
{
    char path[PATH_MAX], line[256], test[200];
    double seconds, found = -1;
    FILE *f;

    h_rundir_path(path, "durations");
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%199s %lf", test, &seconds) == 2 && strcmp(test, name) == 0)
            found = seconds;
    fclose(f);
    return found;
}

/* The process groups a test started (t_start, t_fork): when the test is
 * over, whatever is left of them is killed, so that a program that ignores
 * SIGTERM, or its orphaned children, cannot outlive the run (and keep a
 * chroot's /dev busy, or spin for ever). */
static void kill_group(const struct entry *e, void *test)
{
    if (strcmp(e->what, "group") == 0 && (test == NULL || strcmp(e->test, test) == 0))
        kill(-e->id, SIGKILL);
}

int t_leftovers(char *said, size_t size)
{
    return sweep(h_test_name, true, said, size);
}

void t_test(const char *name, void (*body)(int), int i)
{
    struct timespec t0;
    int status;
    pid_t pid;

    h_test_name = name;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fflush(NULL);
    pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        for (int sig = 1; sig < NSIG; sig++) {   /* Check's handlers: not the body's */
            struct sigaction sa;

            if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN &&
                sa.sa_handler != SIG_DFL)
                signal(sig, SIG_DFL);
        }
        body(i);
        _exit(0);                       /* Check's checked teardown runs in the parent */
    }
    while (waitpid(pid, &status, 0) == -1)
        ck_assert_int_eq(errno, EINTR);
    note_duration(name, &t0);
    each_entry(kill_group, (void *)name);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return;
    /* The body failed (Check has its message) or crashed: what it made goes
     * now, and this process ends the same way for Check to report. */
    sweep(name, true, NULL, 0);
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
 * keep them beside the log. (A grader's report has printed them: PRINT false.) */
static void report_skips(bool print)
{
    char path[PATH_MAX], line[512], seen[64][512];
    int nseen = 0;
    FILE *in, *kept;

    h_rundir_path(path, "skips");
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
        if (print)
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
    static const char *const patterns[] = {
        "chapters/*/*", "book/*",
        "chapters/*/labs/*", "tests/labs/build/*/*",    /* the labs' programs, graded */
    };
    char pattern[PATH_MAX], to[PATH_MAX];
    glob_t found;

    for (size_t g = 0; g < sizeof patterns / sizeof patterns[0]; g++) {
        snprintf(pattern, sizeof pattern, "%s/%s", t_top(), patterns[g]);
        if (glob(pattern, 0, NULL, &found) != 0)
            continue;
        for (size_t i = 0; i < found.gl_pathc; i++) {
            const char *from = found.gl_pathv[i], *rel = from + strlen(t_top()) + 1;
            struct stat st;

            if (stat(from, &st) == -1 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR))
                continue;
            snprintf(to, sizeof to, "%s/bin/%s", h_rundir, rel);
            for (char *slash = strchr(to + strlen(h_rundir) + 1, '/'); slash;
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

    snprintf(h_rundir, sizeof h_rundir, "%s/ipclab-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
             program_invocation_short_name);
    if (mkdtemp(h_rundir) == NULL || chmod(h_rundir, 0755) == -1) {
        fprintf(stderr, "%s: mkdtemp %s: %s\n", program_invocation_short_name, h_rundir,
                strerror(errno));
        return false;
    }
    h_rundir_path(path, "registry");
    h_registry_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, 0600);
    h_rundir_path(path, "skips");
    h_skips_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, 0600);
    if (h_registry_fd == -1 || h_skips_fd == -1) {
        fprintf(stderr, "%s: open %s: %s\n", program_invocation_short_name, path,
                strerror(errno));
        return false;
    }
    snprintf(path, sizeof path, "%s/tests/logs", t_top());
    mkdir(path, 0755);
    if (access(path, W_OK) == -1) {     /* made by another user (root), say */
        printf("%s: %s is not writable: the log stays in %s, and check-claims will not "
               "see this run\n", program_invocation_short_name, path, h_rundir);
        snprintf(logdir, sizeof logdir, "%s", h_rundir);
    } else {
        snprintf(logdir, sizeof logdir, "%s", path);
    }
    return copy_programs();
}

int t_main(Suite *(*make_suite)(void))
{
    return t_main_reporting(make_suite, NULL);
}

int t_main_reporting(Suite *(*make_suite)(void), void (*report)(SRunner *sr))
{
    char log[PATH_MAX];
    int status = -1, leaks = 0;

    if (!make_rundir()) {
        if (h_rundir[0] != '\0')
            nftw(h_rundir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        return 1;
    }
    logs_path(log, "log", true);

    /* The tests run in a child; this process outlives them to sweep up. */
    fflush(stdout);
    runner = fork();
    if (runner == 0) {
        SRunner *sr = srunner_create(make_suite());

        if (tests_added == 0) {
            fprintf(stderr, "%s: T_TEST=%s: no test of that name in this suite\n",
                    program_invocation_short_name, getenv("T_TEST"));
            exit(EXIT_NO_SUCH_TEST);
        }
        srunner_set_log(sr, log);
        srunner_run_all(sr, report ? CK_SILENT : CK_ENV);
        if (report)
            report(sr);
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
    if (status > 1 && status != EXIT_NO_SUCH_TEST)
        printf("%s: the run was interrupted (status %d); removing what it left\n",
               program_invocation_short_name, status);
    publish("log");
    report_skips(report == NULL);
    each_entry(kill_group, NULL);       /* an interrupted run's too */
    leaks = sweep(NULL, false, NULL, 0);
    nftw(h_rundir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    fflush(stdout);
    if (status == EXIT_NO_SUCH_TEST)
        return 2;                       /* a bad command line, as the programs say */
    return status == 0 && leaks == 0 ? 0 : 1;
}
