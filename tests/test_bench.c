/* test_bench.c: the benchmark programs and run-bench (chapters/bench).
 *
 * Nothing here asserts a time: a test run shares the machine with anything.
 * What is asserted is what must hold however fast the machine is: every
 * mechanism completes and checks its bytes (a damaged message stops it), the
 * output parses and its statistics are consistent, the pinning is real, a
 * blocking mechanism sleeps where a spinning one does not, and no run leaves
 * an object behind, whether it ends, is interrupted or loses a process.
 *
 * What a run makes is IPC_PRIVATE, which no key finds, and System V has no
 * creator pid for semaphores: the tests that look for a run's objects run
 * in an IPC namespace of their own, where every object is that run's.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "bench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char header[] =
    "mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps\n";

/* Each program and the sizes to try, round trip and one way. Those from 0 to
 * ROUND_TRIPS - 1 measure round trips, those from ONE_WAY_FROM on one way;
 * memcpy, last, is one process and has no message to damage. */
static const struct mech {
    const char *prog, *name, *round_trip, *one_way;
} mechs[] = {
    { "bench_sysv_shm", "sysv_shm", "0,1,8K", NULL },
    { "bench_cacheline", "cacheline", "0,1,56", NULL },
    { "bench_pipe", "pipe", "1,100,8K", "1K,64K" },
    { "bench_socketpair", "socketpair", "1,8K", "1K,64K" },
    { "bench_sysv_msg", "sysv_msg", "0,100,8K", "1K,8K" },
    { "bench_posix_mq", "posix_mq", "1,8K", "1K,8K" },
    { "bench_posix_shm", "posix_shm", "0,1,8K", "1K,64K" },
    { "bench_spin", "spin", "0,1,8K", "1K,64K" },
    { "bench_memcpy", "memcpy", NULL, "1,1K,64K" },
};
enum { NMECHS = sizeof mechs / sizeof mechs[0], ROUND_TRIPS = NMECHS - 1, ONE_WAY_FROM = 2 };

static int objects(const char *kind);
static bool has_entry(const char *dir, const char *prefix);

static const char *path_of(const char *prog)
{
    static char path[PATH_MAX];

    snprintf(path, sizeof path, "chapters/bench/%s", prog);
    return path;
}

/* --- the CSV ------------------------------------------------------------------------ */

struct row {
    char mechanism[32], measure[16], cpus[16], unit[8];
    long bytes, count;
    int trials;
    double median, mean, best, p99, lo, hi, sleeps;
};

/* Line LINE of TEXT (from 0) as a row; false if it is not one. */
static bool row_of(const char *text, int line, struct row *r)
{
    for (int i = 0; i < line && text; i++) {
        text = strchr(text, '\n');
        if (text)
            text++;
    }
    if (!text)
        return false;
    int end = 0;
    int n = sscanf(text, "%31[^,],%15[^,],%ld,%15[^,],%d,%ld,%lf,%lf,%lf,%lf,%lf,%lf,%7[^,],%lf%n",
                   r->mechanism, r->measure, &r->bytes, r->cpus, &r->trials, &r->count,
                   &r->median, &r->mean, &r->best, &r->p99, &r->lo, &r->hi, r->unit,
                   &r->sleeps, &end);
    return n == 14 && text[end] == '\n';
}

/* A size list "0,1K" as bytes. */
static int sizes_of(const char *list, long *sizes)
{
    char copy[64], *save, *item;
    int n = 0;

    snprintf(copy, sizeof copy, "%s", list);
    for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save))
        sizes[n++] = strtol(item, NULL, 10) * (strchr(item, 'K') ? 1024 : 1);
    return n;
}

/* The rows a run printed must be its sizes in order (memcpy: two rows a
 * size, memcpy and memcpy_check), the statistics consistent: times ordered
 * best <= median <= p99, rates the other way. */
static void check_rows(const struct t_run *r, const char *name, const char *measure,
                       const char *list, long count, int trials)
{
    long sizes[16];
    int n = sizes_of(list, sizes), per = strcmp(name, "memcpy") == 0 ? 2 : 1;
    struct row row;

    ck_assert_msg(r->status == 0, "%s: status %d: %s", name, r->status, r->err);
    ck_assert_str_eq(r->err, "");
    ck_assert_msg(strncmp(r->out, header, strlen(header)) == 0, "%s: header:\n%s", name, r->out);
    ck_assert_int_eq(t_lines(r->out), per * n + 1);
    for (int i = 0; i < per * n; i++) {
        ck_assert_msg(row_of(r->out, i + 1, &row), "%s: row %d does not parse:\n%s", name, i + 1, r->out);
        ck_assert_str_eq(row.mechanism, i % per ? "memcpy_check" : name);
        ck_assert_str_eq(row.measure, measure);
        ck_assert_int_eq(row.bytes, sizes[i / per]);
        ck_assert_int_eq(row.trials, trials);
        ck_assert_int_eq(row.count, count ? count : (1000000 + sizes[i / per] - 1) / sizes[i / per]);
        ck_assert(row.best > 0 && row.sleeps >= 0);
        ck_assert(row.lo <= row.hi);
        if (strcmp(measure, "roundtrip") == 0) {
            ck_assert_str_eq(row.unit, "us");
            ck_assert(row.best <= row.median && row.median <= row.p99 && row.best <= row.mean);
            ck_assert(row.best <= row.lo && row.hi <= row.p99);
        } else {
            ck_assert_str_eq(row.unit, "MB/s");
            ck_assert(row.p99 <= row.median && row.median <= row.best && row.mean <= row.best);
            ck_assert(row.p99 <= row.lo && row.hi <= row.best);
        }
    }
}

/* --- every mechanism, both ways ---------------------------------------------------------- */

/* Two trials of 20 round trips at each size; the child checks each request
 * and the parent each reply, so a completed run carried every byte. */
START_TEST(every_mechanism_round_trips)
{
    const struct mech *m = &mechs[_i];
    struct t_run r;

    t_run(&r, NULL, path_of(m->prog), "-l", "-s", m->round_trip, "-t", "2", "-n", "20", NULL);
    check_rows(&r, m->name, "roundtrip", m->round_trip, 20, 2);
}
END_TEST

/* One way: 1 MB in chunks, each chunk checked by the receiver. */
START_TEST(every_stream_goes_one_way)
{
    const struct mech *m = &mechs[_i];
    struct t_run r;

    t_run(&r, NULL, path_of(m->prog), "-b", "-s", m->one_way, "-t", "2", "-m", "1", NULL);
    check_rows(&r, m->name, "oneway", m->one_way, 0, 2);
}
END_TEST

/* -x N damages message N where it arrived: the check must see it and stop
 * the run with one line, before any row is printed. Round trips damage the
 * reply in the parent; one way, a chunk in the child, which reports it (its
 * parent then only exits 1). */
/* Damage message 3 of a run at SIZE (a 1-byte message is all sequence
 * number; a large one is mostly pattern): in a namespace of its own, so
 * that the objects left by the failing run, if any, can be counted. */
struct damage { const struct mech *m; bool one_way; const char *size; };

static int damage_steps(void *arg)
{
    const struct damage *d = arg;
    char expect[256];
    struct t_run r;

    t_run(&r, NULL, path_of(d->m->prog), d->one_way ? "-b" : "-l", "-s", d->size, "-x", "3",
          "-t", "1", d->one_way ? "-m" : "-n", d->one_way ? "1" : "10", NULL);
    snprintf(expect, sizeof expect, "%s: %s: message 3 of %ld bytes arrived damaged or out of order\n",
             d->m->prog, d->one_way ? "chunk" : "reply",
             strtol(d->size, NULL, 10) * (strchr(d->size, 'K') ? 1024 : 1));
    if (r.status != 1 || strcmp(r.err, expect) != 0 || strcmp(r.out, header) != 0) {
        fprintf(stderr, "%s -s %s: status %d, stderr: %s", d->m->prog, d->size, r.status, r.err);
        return 1;
    }
    NEED(objects("shm") == 0 && objects("sem") == 0 && objects("msg") == 0);
    return 0;
}

static void damage(const struct mech *m, bool one_way)
{
    const char *sizes = one_way ? m->one_way : m->round_trip;
    struct damage small = { m, one_way, "1" }, large = { m, one_way, strrchr(sizes, ',') + 1 };

    T_IN_PRIVATE_IPC(damage_steps, &small);
    T_IN_PRIVATE_IPC(damage_steps, &large);
}

START_TEST(a_damaged_reply_stops_the_run)
{
    damage(&mechs[_i], false);
}
END_TEST

START_TEST(a_damaged_chunk_stops_the_run)
{
    damage(&mechs[_i], true);
}
END_TEST

/* --- statistics ----------------------------------------------------------------------------- */

static void print_known_rows(void)
{
    double rt[100], mid[3] = { 3, 1, 2 }, trials[4] = { 2, 1, 4, 2 }, times[4];

    for (int i = 0; i < 100; i++)
        rt[i] = 100 - i;                        /* 100 down to 1: sorted by print_row */
    print_row(&(struct result){ .mechanism = "m", .cpus = "any", .measure = ROUND_TRIP,
                                .trials = 3, .size = 8, .count = 100, .n = 100,
                                .samples = rt, .trial_mid = mid, .sleeps = 0.5 });
    memcpy(times, trials, sizeof times);
    print_row(&(struct result){ .mechanism = "m", .cpus = "0/1", .measure = ONE_WAY,
                                .trials = 4, .size = 1000, .count = 1000, .n = 4,
                                .samples = trials, .trial_mid = times, .sleeps = 0 });
}

/* Nearest rank: the median of 1..100 is 50, p99 is 99; the mean is 50.5.
 * One way, times of 1, 2, 2 and 4 us for 10^6 bytes: rates of 10^6 MB/s at
 * best, 500000 at the median, 250000 for p99, and the mean is all the bytes
 * over all the time: 4 * 10^6 / 9 us. */
START_TEST(statistics_by_nearest_rank)
{
    struct t_captured c;

    t_capture(&c, print_known_rows);
    ck_assert_int_eq(c.status, 0);
    ck_assert_str_eq(c.text,
        "m,roundtrip,8,any,3,100,50.000,50.500,1.000,99.000,1.000,3.000,us,0.500\n"
        "m,oneway,1000,0/1,4,1000,500000.000,444444.444,1000000.000,250000.000,250000.000,1000000.000,MB/s,0.000\n");
}
END_TEST

/* --- processes and CPUs ------------------------------------------------------------------------ */

/* Start PROG with ARGS in a process group of its own, stdout to /dev/null,
 * stderr into *ERR (a pipe to read). */
static pid_t spawn(const char *prog, const char *const *args, int *err)
{
    int fds[2];
    pid_t pid;

    ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        char path[2 * PATH_MAX];
        const char *argv[16] = { prog };
        int devnull = open("/dev/null", O_WRONLY);

        for (int i = 0; args[i] && i < 14; i++)
            argv[i + 1] = args[i];
        setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });   /* SIGQUIT: no core file */
        prctl(PR_SET_PDEATHSIG, SIGKILL);   /* a test that fails halfway takes it along */
        alarm(60);                          /* and one that hangs ends it (SIGALRM: cleaned up) */
        setpgid(0, 0);
        dup2(devnull, STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        snprintf(path, sizeof path, "%s/%s", t_top(), path_of(prog));
        execv(path, (char *const *)argv);
        _exit(127);
    }
    setpgid(pid, pid);
    close(fds[1]);
    *err = fds[0];
    return pid;
}

/* The child of PID (the benchmark's second process), waiting up to 10 s
 * for it to be forked; 0 if none came. */
static pid_t child_of(pid_t pid)
{
    for (int tries = 0; tries < 1000; tries++) {
        char path[64], text[256];
        snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
        FILE *f = fopen(path, "r");
        long child = 0;
        if (f) {
            if (fgets(text, sizeof text, f))
                child = strtol(text, NULL, 10);
            fclose(f);
        }
        if (child > 0)
            return (pid_t)child;
        usleep(10000);
    }
    return 0;
}

/* Has PID gone (or become a zombie) within 5 s? */
static bool gone(pid_t pid)
{
    for (int tries = 0; tries < 500; tries++) {
        char s = t_state(pid);
        if (s == '?' || s == 'Z')
            return true;
        usleep(10000);
    }
    return false;
}

/* The CPUs a process may run on, as /proc/PID/status lists them. */
static void cpus_of(pid_t pid, char *list, size_t size)
{
    char path[64], line[256];
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    list[0] = '\0';
    f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Cpus_allowed_list: %63s", list) == 1)
            break;
    fclose(f);
    (void)size;
}

/* The first two CPUs this process may use; false if it has only one. */
static bool two_cpus(int cpu[2])
{
    cpu_set_t set;
    int n = 0;

    ck_assert_int_eq(sched_getaffinity(0, sizeof set, &set), 0);
    for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
        if (CPU_ISSET(c, &set))
            cpu[n++] = c;
    return n == 2;
}

/* -c A,B: the parent may run on A only and the child on B only, as the
 * kernel sees it; the run is then interrupted (SIGINT) and ends by it. */
START_TEST(pinning_is_real)
{
    char arg[32], want[2][16], got[2][64];
    int cpu[2], err, status;
    pid_t pid, child;

    if (!two_cpus(cpu))
        T_SKIP("this process may use only one CPU");
    snprintf(arg, sizeof arg, "%d,%d", cpu[0], cpu[1]);
    pid = spawn("bench_spin", (const char *[]){ "-c", arg, "-n", "1000000", "-t", "10", NULL }, &err);
    child = child_of(pid);
    ck_assert_int_ne(child, 0);
    for (int i = 0; i < 2; i++)
        snprintf(want[i], sizeof want[i], "%d", cpu[i]);
    for (int tries = 0; tries < 500; tries++) {     /* the child pins itself after the fork */
        cpus_of(pid, got[0], sizeof got[0]);
        cpus_of(child, got[1], sizeof got[1]);
        if (strcmp(got[1], want[1]) == 0)
            break;
        usleep(10000);
    }
    for (int i = 0; i < 2; i++)
        ck_assert_str_eq(got[i], want[i]);
    ck_assert_int_eq(kill(-pid, SIGINT), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
    ck_assert(gone(child));
    close(err);
}
END_TEST

/* On two CPUs each blocking mechanism's parent sleeps while the child
 * answers, about once a round trip; a spinner never sleeps. A busy machine
 * (another run pinned to the same CPUs) can keep a parent from reaching its
 * wait before the answer comes, so the best of three runs counts: at least
 * one with more than half a sleep a round trip, and none with more than 4
 * (which a count of sleeps per trial, not per round trip, would give);
 * a spinner at most 0.05 in every run. */
START_TEST(blocking_sleeps_spinning_does_not)
{
    const struct mech *m = &mechs[_i];
    char arg[32];
    int cpu[2];
    double most = 0;
    struct row row;
    struct t_run r;
    bool spins = strcmp(m->name, "spin") == 0 || strcmp(m->name, "cacheline") == 0;

    if (!two_cpus(cpu))
        T_SKIP("this process may use only one CPU");
    snprintf(arg, sizeof arg, "%d,%d", cpu[0], cpu[1]);
    for (int run = 0; run < 3; run++) {
        t_run(&r, NULL, path_of(m->prog), "-s", "1", "-c", arg, "-t", "2", "-n", "500", NULL);
        ck_assert_msg(r.status == 0, "%s", r.err);
        ck_assert(row_of(r.out, 1, &row));
        ck_assert_msg(row.sleeps <= (spins ? 0.05 : 4), "%s slept %.3f times a round trip",
                      m->name, row.sleeps);
        if (row.sleeps > most)
            most = row.sleeps;
        if (!spins && most > 0.5)
            break;
    }
    if (!spins)
        ck_assert_msg(most > 0.5, "%s slept at most %.3f times a round trip", m->name, most);
}
END_TEST

/* --- ends: Ctrl-C, a process lost ------------------------------------------------------------------ */

/* How many objects /proc/sysvipc/KIND lists (in this IPC namespace). */
static int objects(const char *kind)
{
    char path[64], line[512];
    int n = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/sysvipc/%s", kind);
    f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        n++;
    fclose(f);
    return n;
}

/* Wait up to 10 s for KIND to list N objects. */
static bool objects_become(const char *kind, int n)
{
    for (int tries = 0; tries < 1000; tries++) {
        if (objects(kind) == n)
            return true;
        usleep(10000);
    }
    return false;
}

static const struct ends {
    const char *prog, *kind;
} with_objects[] = { { "bench_sysv_msg", "msg" }, { "bench_sysv_shm", "sem" } };

/* Each row: a program, a kind of object it makes, and a signal to end it. */
struct ending {
    const struct ends *e;
    int sig;
};

static int ctrl_c_steps(void *arg)
{
    const struct ending *how = arg;
    const struct ends *e = how->e;
    int err, status;
    pid_t pid, child;

    NEED(objects(e->kind) == 0);
    pid = spawn(e->prog, (const char *[]){ "-s", "1", "-n", "1000000", "-t", "10", NULL }, &err);
    NEED((child = child_of(pid)) != 0);
    NEED(objects_become(e->kind, 1));
    NEED(kill(-pid, how->sig) == 0);
    NEED(waitpid(pid, &status, 0) == pid);
    NEED(WIFSIGNALED(status) && WTERMSIG(status) == how->sig);
    NEED(objects(e->kind) == 0);
    NEED(gone(child));
    close(err);
    return 0;
}

/* Ctrl-C (SIGINT to the whole group) mid-run, or Ctrl-\ (SIGQUIT), a
 * closed terminal (SIGHUP), kill (SIGTERM): the parent removes the queue or
 * the semaphore set, ends its child and dies of the signal. */
START_TEST(ctrl_c_removes_the_objects)
{
    static const int sigs[] = { SIGINT, SIGQUIT, SIGHUP, SIGTERM };
    struct ending how = { &with_objects[_i % 2], sigs[_i / 2] };

    T_IN_PRIVATE_IPC(ctrl_c_steps, &how);
}
END_TEST

/* The two that make System V objects, and one that spins: for the tests
 * that kill one process of the two. */
static const struct ends lost[] = {
    { "bench_sysv_msg", "msg" }, { "bench_sysv_shm", "sem" }, { "bench_spin", NULL },
};

static int child_killed_steps(void *arg)
{
    const struct ends *e = arg;
    char text[256], expect[128];
    int err, status;
    pid_t pid, child;

    pid = spawn(e->prog, (const char *[]){ "-s", "1", "-n", "1000000", "-t", "10", NULL }, &err);
    NEED((child = child_of(pid)) != 0);
    NEED(e->kind == NULL || objects_become(e->kind, 1));
    NEED(kill(child, SIGKILL) == 0);
    NEED(waitpid(pid, &status, 0) == pid);
    NEED(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    t_read_all(err, text, sizeof text);
    snprintf(expect, sizeof expect, "%s: the other process was killed by signal 9\n", e->prog);
    NEED(strcmp(text, expect) == 0);
    NEED(e->kind == NULL || objects(e->kind) == 0);
    return 0;
}

/* The child killed mid-run: the parent, blocked in msgrcv or spinning on a
 * counter that will never move, hears of it (SIGCHLD), says so in one line,
 * removes what it made and exits 1. */
START_TEST(a_lost_child_is_reported)
{
    T_IN_PRIVATE_IPC(child_killed_steps, (void *)&lost[_i]);
}
END_TEST

static int parent_killed_steps(void *arg)
{
    const struct ends *e = arg;
    int err, status;
    pid_t pid = spawn(e->prog, (const char *[]){ "-s", "1", "-n", "1000000", "-t", "10", NULL }, &err);
    pid_t child = child_of(pid);

    NEED(child != 0);
    NEED(e->kind == NULL || objects_become(e->kind, 1));
    NEED(kill(pid, SIGKILL) == 0);
    NEED(waitpid(pid, &status, 0) == pid);
    NEED(gone(child));
    NEED(e->kind == NULL || objects_become(e->kind, 0));
    close(err);
    return 0;
}

/* The parent killed (kill -KILL: nothing runs in it). The child, blocked
 * for a reply or spinning for one that cannot come, is told
 * (PR_SET_PDEATHSIG), removes the queue or the semaphore set the parent
 * left, and ends. */
START_TEST(a_lost_parent_takes_the_child)
{
    T_IN_PRIVATE_IPC(parent_killed_steps, (void *)&lost[_i]);
}
END_TEST

/* Does DIR hold an entry whose name starts with PREFIX? */
static bool has_entry(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool found = false;

    if (!d)
        return false;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            found = true;
    closedir(d);
    return found;
}

static int names_steps(void *arg)
{
    const char *prog = arg;
    const char *mq = t_mqueue_dir();
    int err, status;
    pid_t pid;

    NEED(mq != NULL && !has_entry("/dev/shm", "") && !has_entry(mq, ""));
    pid = spawn(prog, (const char *[]){ "-s", "1", "-n", "1000000", "-t", "10", NULL }, &err);
    NEED(child_of(pid) != 0);                   /* running: the names were made */
    NEED(!has_entry("/dev/shm", "") && !has_entry(mq, ""));
    NEED(kill(-pid, SIGTERM) == 0);
    NEED(waitpid(pid, &status, 0) == pid);
    NEED(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    close(err);
    return 0;
}

/* The POSIX mechanisms unlink their names before the fork: while they run,
 * neither /dev/shm nor the mqueue filesystem (both the namespace's own,
 * empty before) holds any name at all. */
START_TEST(posix_names_are_gone_before_the_run)
{
    T_IN_PRIVATE_IPC(names_steps, _i == 0 ? "bench_posix_shm" : "bench_posix_mq");
}
END_TEST

/* --- command lines -------------------------------------------------------------------------------- */

static const struct t_bad_line bad_lines[] = {
    { "bench_pipe", { "-s", "0" }, 2,
      "bench_pipe: size: 0 is out of range (1 to 67108864) (see bench_pipe --help)" },
    { "bench_socketpair", { "-s", "1,64K,65537K" }, 2,
      "bench_socketpair: size: 67109888 is out of range (1 to 67108864) (see bench_socketpair --help)" },
    { "bench_pipe", { "-s", "12x" }, 2, "bench_pipe: size: \"12x\" is not a number (see bench_pipe --help)" },
    { "bench_pipe", { "-s", "1,K" }, 2, "bench_pipe: size: \"K\" is not a number (see bench_pipe --help)" },
    { "bench_pipe", { "-s", "1,,2" }, 2, "bench_pipe: sizes: \"1,,2\" has an empty item (see bench_pipe --help)" },
    { "bench_pipe", { "-s", "" }, 2, "bench_pipe: sizes: \"\" has an empty item (see bench_pipe --help)" },
    { "bench_sysv_msg", { "-s", "0,8", "-x", "1" }, 2,
      "bench_sysv_msg: -x: a message of 0 bytes has no byte to damage (see bench_sysv_msg --help)" },
    { "bench_pipe", { "-s", "8", "-x", "12001" }, 2,       /* a warm-up and 11 trials of 1000 */
      "bench_pipe: -x: the run has 12000 messages (see bench_pipe --help)" },
    { "bench_pipe", { "-b", "-m", "1001" }, 2,
      "bench_pipe: -m: 1001 is out of range (1 to 1000) (see bench_pipe --help)" },
    { "bench_pipe", { "-b", "-s1", "-m", "200" }, 2,
      "bench_pipe: -m: 200000000 chunks of 1 B a trial, 100000000 at most (see bench_pipe --help)" },
    { "bench_pipe", { "-t", "0" }, 2, "bench_pipe: -t: 0 is out of range (1 to 1000) (see bench_pipe --help)" },
    { "bench_pipe", { "-n", "0" }, 2,
      "bench_pipe: -n: 0 is out of range (1 to 10000000) (see bench_pipe --help)" },
    { "bench_pipe", { "-c", "0" }, 2, "bench_pipe: -c: \"0\" is not CPU,CPU (see bench_pipe --help)" },
    { "bench_pipe", { "-c", "0,x" }, 2, "bench_pipe: -c: \"x\" is not a number (see bench_pipe --help)" },
    { "bench_pipe", { "-c", "0,1023" }, 2,
      "bench_pipe: -c: this process may not run on CPU 1023 (see bench_pipe --help)" },
    { "bench_pipe", { "now" }, 2, "bench_pipe: unexpected argument \"now\" (see bench_pipe --help)" },
    { "bench_sysv_shm", { "-b" }, 2,
      "bench_sysv_shm: -b: this mechanism measures round trips (-l) only (see bench_sysv_shm --help)" },
    { "bench_cacheline", { "-s", "57" }, 2,
      "bench_cacheline: size: 57 is out of range (0 to 56) (see bench_cacheline --help)" },
    { "bench_memcpy", { "-l" }, 2,
      "bench_memcpy: -l: this mechanism measures one way (-b) only (see bench_memcpy --help)" },
    { "bench_pipe", { "-n", "1000000", "-t", "11" }, 2,
      "bench_pipe: -n x -t: 11000000 round trips a size, 10000000 at most (see bench_pipe --help)" },
    { "bench_pipe", { "-b", "-n", "5" }, 2,
      "bench_pipe: -n: goes with -l (one way is measured in megabytes, -m) (see bench_pipe --help)" },
    { "bench_spin", { "-m", "5" }, 2,
      "bench_spin: -m: goes with -b (round trips are counted by -n) (see bench_spin --help)" },
    { "bench_memcpy", { "-x", "1" }, 2,
      "bench_memcpy: -x: one process sends no message to damage (see bench_memcpy --help)" },
    { "bench_spin", { "-b", "-s", "0" }, 2,
      "bench_spin: size: one way needs chunks of 1 byte at least (see bench_spin --help)" },
};

START_TEST(bad_command_lines)
{
    t_refuse("bench", &bad_lines[_i]);
}
END_TEST

/* A queue's largest message is the kernel's, read where the run is. */
START_TEST(queues_refuse_what_the_kernel_would)
{
    const char *prog = _i == 0 ? "bench_sysv_msg" : "bench_posix_mq";
    const char *limit = _i == 0 ? "/proc/sys/kernel/msgmax" : "/proc/sys/fs/mqueue/msgsize_max";
    char err[160], size[32];
    long max = -1;
    FILE *f = fopen(limit, "r");
    struct t_bad_line row = { .prog = prog, .args = { "-s", size }, .status = 2, .err = err };

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%ld", &max), 1);
    fclose(f);
    snprintf(size, sizeof size, "%ld", max + 1);
    snprintf(err, sizeof err, "%s: size: %ld is out of range (0 to %ld) (see %s --help)",
             prog, max + 1, max, prog);
    t_refuse("bench", &row);
}
END_TEST

/* --- run-bench ------------------------------------------------------------------------------------- */

static bool readable(const char *dir, const char *file, char *text, size_t size)
{
    char path[2 * PATH_MAX];
    int fd;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    fd = open(path, O_RDONLY);
    if (fd == -1)
        return false;
    t_read_all(fd, text, size);
    return true;
}

static bool tool_runs(const char *command)
{
    struct t_run r;

    t_run(&r, NULL, "/bin/sh", "-c", command, NULL);
    return r.status == 0;
}

/* Does CSV have a row for mechanism M, measure K, size S, cpus C? */
static bool has_row(const char *csv, const char *m, const char *k, long s, const char *c)
{
    char want[128];

    snprintf(want, sizeof want, "\n%s,%s,%ld,%s,", m, k, s, c);
    return strstr(csv, want) != NULL;
}

/* make bench QUICK=1, as the tests run it: every mechanism at every size,
 * on two CPUs and on one, every row well formed; the tables, the
 * comparison (or a note for each tool that is not here), the plots. */
START_TEST(run_bench_quick_writes_the_whole_report)
{
    static char csv[65536], text[16384];
    static const char *const lat[] = { "pipe", "socketpair", "posix_mq", "sysv_shm", "posix_shm", "spin" };
    static const long lat_sizes[] = { 1, 100, 1024, 4096, 8192 };
    char dir[PATH_MAX], ab[32], aa[32];
    int cpu[2] = { 0, 0 };
    struct t_run r;
    struct row row;

    snprintf(dir, sizeof dir, "%s/bench-quick", t_rundir());
    t_run(&r, NULL, "chapters/bench/run-bench", "--quick", "-o", dir, NULL);
    ck_assert_msg(r.status == 0, "run-bench: %s", r.err);
    ck_assert_msg(strstr(r.out, "QUICK: not a measurement") != NULL, "%s", r.out);
    if (!two_cpus(cpu)) {
        cpu_set_t set;
        sched_getaffinity(0, sizeof set, &set);
        for (cpu[0] = 0; !CPU_ISSET(cpu[0], &set); cpu[0]++)
            ;
        cpu[1] = cpu[0];
    }
    snprintf(ab, sizeof ab, "%d/%d", cpu[0], cpu[1]);
    snprintf(aa, sizeof aa, "%d/%d", cpu[0], cpu[0]);

    ck_assert(readable(dir, "results.csv", csv, sizeof csv));
    ck_assert(strncmp(csv, header, strlen(header)) == 0);
    for (int i = 1; i < t_lines(csv); i++)
        ck_assert_msg(row_of(csv, i, &row), "row %d: %s", i, csv);
    for (int p = 0; p < 2; p++) {
        const char *cpus = p == 0 ? ab : aa;
        for (size_t m = 0; m < sizeof lat / sizeof lat[0]; m++)
            for (int s = 0; s < 5; s++)
                ck_assert_msg(has_row(csv, lat[m], "roundtrip", lat_sizes[s], cpus),
                              "no %s round trip of %ld on %s", lat[m], lat_sizes[s], cpus);
        ck_assert(has_row(csv, "sysv_msg", "roundtrip", 0, cpus));     /* Stevens' empty body */
        ck_assert(has_row(csv, "cacheline", "roundtrip", 1, cpus));
    }
    for (int s = 0; s < 4; s++) {
        long chunk = 1024L << (2 * s);
        ck_assert(has_row(csv, "pipe", "oneway", chunk, ab));
        ck_assert(has_row(csv, "posix_shm", "oneway", chunk, ab));
        ck_assert(has_row(csv, "spin", "oneway", chunk, ab));
        ck_assert(has_row(csv, "memcpy", "oneway", chunk, ab));
        ck_assert(has_row(csv, "memcpy_check", "oneway", chunk, ab));
    }
    ck_assert(has_row(csv, "sysv_msg", "oneway", 8192, ab));
    ck_assert(has_row(csv, "posix_mq", "oneway", 8192, ab));

    ck_assert(readable(dir, "results.txt", text, sizeof text));
    ck_assert_str_eq(text, r.out);
    ck_assert(strstr(text, "Round trip, us: median (p99)") && strstr(text, "One way, MB/s")
              && strstr(text, "Sleeps per round trip") && strstr(text, "kernel:  Linux "));
    ck_assert(readable(dir, "compare.csv", csv, sizeof csv));
    if (tool_runs("perf bench sched pipe -l 1 >/dev/null 2>&1")) {
        ck_assert(strstr(csv, "(perf bench sched pipe)") && strstr(csv, "(perf bench mem memcpy)"));
    } else {
        ck_assert(strstr(text, "note: perf: "));
    }
    /* rt-tests: a row, or a note saying why not (not installed, or it may
     * not run here: as a plain user it cannot set its scheduling policy) */
    ck_assert(strstr(csv, "(svsematest -f: average)") ? !strstr(text, "note: svsematest: ")
                                                      : strstr(text, "note: svsematest: ") != NULL);
    ck_assert(strstr(csv, "(pmqtest: average)") ? !strstr(text, "note: pmqtest: ")
                                                : strstr(text, "note: pmqtest: ") != NULL);
    if (!tool_runs("command -v svsematest >/dev/null"))
        ck_assert(strstr(text, "note: svsematest: not installed"));
    ck_assert(readable(dir, "plots.adoc", text, sizeof text));
    ck_assert(readable(dir, "bandwidth-plot.adoc", csv, sizeof csv));
    if (tool_runs("command -v gnuplot >/dev/null")) {
        ck_assert(strstr(text, "image::bench/latency.svg[") && strstr(text, "image::bench/latency-one-cpu.svg["));
        ck_assert(strstr(csv, "image::bench/bandwidth.svg["));
        ck_assert(readable(dir, "latency.svg", csv, sizeof csv) && strstr(csv, "<svg"));
        ck_assert(strstr(csv, ">spin<") && strstr(csv, ">sysv_msg<"));   /* the key names the lines */
        ck_assert(readable(dir, "latency-one-cpu.svg", csv, sizeof csv) && strstr(csv, ">cacheline<"));
        ck_assert(readable(dir, "bandwidth.svg", csv, sizeof csv) && strstr(csv, ">memcpy<"));
    } else {
        ck_assert(strstr(text, "NOTE: gnuplot is not installed") && strstr(csv, "NOTE: gnuplot"));
    }
}
END_TEST

static int run_bench_steps(void *arg)
{
    char dir[PATH_MAX];
    struct t_run r;

    (void)arg;
    snprintf(dir, sizeof dir, "%s/bench-ns", t_rundir());
    t_run(&r, NULL, "chapters/bench/run-bench", "--quick", "-o", dir, NULL);
    NEED(r.status == 0);
    NEED(objects("shm") == 0 && objects("sem") == 0 && objects("msg") == 0);
    NEED(!has_entry("/dev/shm", "ipclab"));
    NEED(t_mqueue_dir() == NULL || !has_entry(t_mqueue_dir(), "ipclab"));
    return 0;
}

/* The whole suite in an IPC namespace of its own: afterwards, no System V
 * object, no name in /dev/shm or in the mqueue filesystem. */
START_TEST(run_bench_leaves_nothing)
{
    T_IN_PRIVATE_IPC(run_bench_steps, NULL);
}
END_TEST

/* Where the run may use one CPU only, everything runs on it, once, and the
 * report says so instead of showing one CPU's numbers as two CPUs'. */
START_TEST(run_bench_on_one_cpu)
{
    static char csv[65536], text[16384];
    char dir[PATH_MAX], cmd[2 * PATH_MAX + 64], cpus[32];
    int cpu[2];
    struct t_run r;
    struct row row;

    if (!tool_runs("command -v taskset >/dev/null"))
        T_SKIP("taskset (util-linux) is not installed");
    two_cpus(cpu);
    snprintf(dir, sizeof dir, "%s/bench-one", t_rundir());
    snprintf(cmd, sizeof cmd, "taskset -c %d %s/chapters/bench/run-bench --quick -o %s", cpu[0], t_top(), dir);
    t_run(&r, NULL, "/bin/sh", "-c", cmd, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    snprintf(text, sizeof text, "pinned:  both processes on CPU %d, the only one here: no run on two CPUs",
             cpu[0]);
    ck_assert_msg(strstr(r.out, text) != NULL, "%s", r.out);
    ck_assert(strstr(r.out, "parent on CPU") == NULL);
    ck_assert(readable(dir, "results.csv", csv, sizeof csv));
    snprintf(cpus, sizeof cpus, "%d/%d", cpu[0], cpu[0]);
    for (int i = 1; i < t_lines(csv); i++) {
        ck_assert(row_of(csv, i, &row));
        ck_assert_msg(strcmp(row.cpus, cpus) == 0 || strcmp(row.cpus, "any") == 0, "row %d on %s", i, row.cpus);
    }
    ck_assert(has_row(csv, "spin", "roundtrip", 1, cpus) && has_row(csv, "spin", "oneway", 1024, cpus));
}
END_TEST

START_TEST(run_bench_refuses_bad_lines)
{
    static const char *const args[][3] = { { "--slow" }, { "-c", "1" }, { "-o" } };
    static const char *const says[] = {
        "run-bench: unknown argument \"--slow\" (see run-bench --help)\n",
        "run-bench: -c: \"1\" is not CPU,CPU (see run-bench --help)\n",
        "run-bench: -o needs a directory (see run-bench --help)\n",
    };
    struct t_run r;

    t_run(&r, NULL, "chapters/bench/run-bench", args[_i][0], args[_i][1], NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, says[_i]);
    ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "alone.session", { "sysv_msg,roundtrip,0,any,5,1000,", "arrived damaged or out of order",
                             "measures round trips (-l) only" } },
    };

    t_play_sessions("bench", expect, sizeof expect / sizeof expect[0], NULL);
}
END_TEST

static Suite *bench_suite(void)
{
    Suite *s = suite_create("bench");
    TCase *runs = tcase_create("runs"), *ends = tcase_create("ends");
    TCase *lines = tcase_create("lines"), *suite = tcase_create("run-bench");

    tcase_add_loop_test(runs, every_mechanism_round_trips, 0, ROUND_TRIPS);
    tcase_add_loop_test(runs, every_stream_goes_one_way, ONE_WAY_FROM, NMECHS);
    tcase_add_loop_test(runs, a_damaged_reply_stops_the_run, 0, ROUND_TRIPS);
    tcase_add_loop_test(runs, a_damaged_chunk_stops_the_run, ONE_WAY_FROM, NMECHS - 1);
    tcase_add_test(runs, statistics_by_nearest_rank);
    tcase_add_test(runs, pinning_is_real);
    tcase_add_loop_test(runs, blocking_sleeps_spinning_does_not, 0, ROUND_TRIPS);
    tcase_set_timeout(runs, 60);
    tcase_add_loop_test(ends, ctrl_c_removes_the_objects, 0, 8);
    tcase_add_loop_test(ends, a_lost_child_is_reported, 0, 3);
    tcase_add_loop_test(ends, a_lost_parent_takes_the_child, 0, 3);
    tcase_add_loop_test(ends, posix_names_are_gone_before_the_run, 0, 2);
    tcase_set_timeout(ends, 60);
    tcase_add_loop_test(lines, bad_command_lines, 0, sizeof bad_lines / sizeof bad_lines[0]);
    tcase_add_loop_test(lines, queues_refuse_what_the_kernel_would, 0, 2);
    tcase_add_loop_test(lines, run_bench_refuses_bad_lines, 0, 3);
    tcase_add_test(lines, sessions_play);
    tcase_set_timeout(lines, 60);
    tcase_add_test(suite, run_bench_quick_writes_the_whole_report);
    tcase_add_test(suite, run_bench_leaves_nothing);
    tcase_add_test(suite, run_bench_on_one_cpu);
    tcase_set_timeout(suite, 120);
    suite_add_tcase(s, runs);
    suite_add_tcase(s, ends);
    suite_add_tcase(s, lines);
    suite_add_tcase(s, suite);
    return s;
}

int main(void)
{
    return t_main(bench_suite);
}
