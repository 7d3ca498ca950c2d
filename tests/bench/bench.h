/* bench.h: what the sections of test_bench share (tests/test_bench.c).
 * Not chapters/bench/bench.h, the benchmarks' own: a section that needs that
 * one includes it as <bench.h> (found by -Ichapters/bench). */
#ifndef TEST_BENCH_H
#define TEST_BENCH_H

#include "harness.h"

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* The CSV header every benchmark prints first. */
extern const char bench_header[];

/* One row of a benchmark's CSV (see chapters/bench/bench.h for the columns). */
struct row {
    char mechanism[32], measure[16], cpus[16], unit[8];
    long bytes, count;
    int trials;
    double median, mean, best, p99, lo, hi, sleeps;
};
/* Line LINE of TEXT (from 0) as a row; false if it is not one. */
bool row_of(const char *text, int line, struct row *r);

/* The first two CPUs this process may use (both the first if it has one
 * only); false if it has only one. */
bool two_cpus(int cpu[2]);

/* Arguments for a run long enough to be ended by the test (minutes, were
 * it let be), of 1-byte round trips. */
extern const char *const long_run[];
/* "chapters/bench/PROG", for t_run (a buffer of its own, reused). */
const char *bench_path(const char *prog);
/* Start chapters/bench/PROG with ARGS (t_start) and wait for it to fork its
 * second process: that one's pid, or 0 if none came (it ended first, or 20 s
 * passed). The objects of a run are made before the fork: they exist then. */
pid_t start_bench(struct t_proc *p, const char *prog, const char *const args[]);
/* Has PID ended (gone, or a zombie) within 20 s? */
static inline bool gone(pid_t pid)
{
    return t_reaches(pid, "?Z");
}

/* How many objects /proc/sysvipc/KIND ("shm", "sem", "msg") lists, in this
 * IPC namespace. */
int objects(const char *kind);
/* Does DIR hold an entry whose name starts with PREFIX? */
bool has_entry(const char *dir, const char *prefix);

void add_runs_tests(Suite *s);          /* runs.c: every mechanism runs and checks */
void add_ends_tests(Suite *s);          /* ends.c: Ctrl-C, a process lost */
void add_lines_tests(Suite *s);         /* lines.c: command lines, sessions */
void add_run_bench_tests(Suite *s);     /* run_bench.c: the whole suite */

#endif
