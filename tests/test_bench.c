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
 *
 * The sections, in tests/bench/: runs.c (every mechanism, both ways, the
 * statistics, the CPUs), ends.c (Ctrl-C, a process lost), lines.c (command
 * lines, sessions), run_bench.c (the whole suite, as make bench runs it).
 */
#define _GNU_SOURCE
#include "bench/bench.h"

#include <dirent.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char bench_header[] =
    "mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps\n";

const char *const long_run[] = { "-s", "1", "-n", "1000000", "-t", "10", NULL };

bool row_of(const char *text, int line, struct row *r)
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

bool two_cpus(int cpu[2])
{
    cpu_set_t set;
    int n = 0;

    ck_assert_int_eq(sched_getaffinity(0, sizeof set, &set), 0);
    for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
        if (CPU_ISSET(c, &set))
            cpu[n++] = c;
    if (n == 1)
        cpu[1] = cpu[0];
    return n == 2;
}

/* Polls: a loaded machine may take long to run a process at all. */
static void pause_10ms(void)
{
    nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
}

const char *bench_path(const char *prog)
{
    static char path[PATH_MAX];

    snprintf(path, sizeof path, "chapters/bench/%s", prog);
    return path;
}

pid_t start_bench(struct t_proc *p, const char *prog, const char *const args[])
{
    pid_t child;

    t_start(p, 0, bench_path(prog), args);
    for (int tries = 0; tries < 2000 && !t_ended(p); tries++) {
        if (t_children(p->pid, &child, 1) == 1)
            return child;
        pause_10ms();
    }
    return 0;
}

int objects(const char *kind)
{
    char path[64], line[512];
    int n = -1;                         /* the header line */
    FILE *f;

    snprintf(path, sizeof path, "/proc/sysvipc/%s", kind);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof line, f))
        n++;
    fclose(f);
    return n;
}

bool has_entry(const char *dir, const char *prefix)
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

static Suite *make_suite(void)
{
    Suite *s = suite_create("bench");

    add_runs_tests(s);
    add_ends_tests(s);
    add_lines_tests(s);
    add_run_bench_tests(s);
    return s;
}

int main(void)
{
    return t_main(make_suite);
}
