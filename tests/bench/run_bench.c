/* run_bench.c: run-bench, the whole suite as `make bench` runs it, in its
 * quick form: the report, the objects it leaves (none), one CPU. */
#define _GNU_SOURCE
#include "bench.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

/* FILE of DIR into TEXT; false if it cannot be read. */
static bool readable(const char *dir, const char *file, char *text, size_t size)
{
    char path[2 * PATH_MAX];
    int fd;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    if ((fd = open(path, O_RDONLY)) == -1)
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
    int cpu[2];
    struct t_run r;
    struct row row;

    snprintf(dir, sizeof dir, "%s/bench-quick", t_rundir());
    t_run(&r, NULL, "chapters/bench/run-bench", "--quick", "-o", dir, NULL);
    ck_assert_msg(r.status == 0, "run-bench: status %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.out, "QUICK: not a measurement") != NULL, "%s", r.out);
    two_cpus(cpu);                      /* with one only, both are that one */
    snprintf(ab, sizeof ab, "%d/%d", cpu[0], cpu[1]);
    snprintf(aa, sizeof aa, "%d/%d", cpu[0], cpu[0]);

    ck_assert(readable(dir, "results.csv", csv, sizeof csv));
    ck_assert(strncmp(csv, bench_header, strlen(bench_header)) == 0);
    for (int i = 1; i < t_lines(csv); i++)
        ck_assert_msg(row_of(csv, i, &row), "row %d does not parse: %s", i, csv);
    for (int p = 0; p < 2; p++) {
        const char *cpus = p == 0 ? ab : aa;
        for (int m = 0; m < T_ROWS(lat); m++)
            for (int s = 0; s < T_ROWS(lat_sizes); s++)
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
    if (r.status != 0)
        fprintf(stderr, "run-bench: status %d: %s", r.status, r.err);
    NEED_EQ(r.status, 0);
    NEED_EQ(objects("shm"), 0);
    NEED_EQ(objects("sem"), 0);
    NEED_EQ(objects("msg"), 0);
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
 * report says so instead of showing one CPU's numbers as two CPUs'. The
 * test process (this test's own) keeps to one CPU, and run-bench inherits
 * that. */
START_TEST(run_bench_on_one_cpu)
{
    static char csv[65536], text[16384];
    char dir[PATH_MAX], cpus[32];
    int cpu[2];
    cpu_set_t one;
    struct t_run r;
    struct row row;

    two_cpus(cpu);
    CPU_ZERO(&one);
    CPU_SET(cpu[0], &one);
    ck_assert_int_eq(sched_setaffinity(0, sizeof one, &one), 0);
    snprintf(dir, sizeof dir, "%s/bench-one", t_rundir());
    t_run(&r, NULL, "chapters/bench/run-bench", "--quick", "-o", dir, NULL);
    ck_assert_msg(r.status == 0, "run-bench: status %d: %s", r.status, r.err);
    snprintf(text, sizeof text, "pinned:  both processes on CPU %d, the only one here: no run on two CPUs",
             cpu[0]);
    ck_assert_msg(strstr(r.out, text) != NULL, "no \"%s\" in:\n%s", text, r.out);
    ck_assert(strstr(r.out, "parent on CPU") == NULL);
    ck_assert(readable(dir, "results.csv", csv, sizeof csv));
    snprintf(cpus, sizeof cpus, "%d/%d", cpu[0], cpu[0]);
    for (int i = 1; i < t_lines(csv); i++) {
        ck_assert_msg(row_of(csv, i, &row), "row %d does not parse: %s", i, csv);
        ck_assert_msg(strcmp(row.cpus, cpus) == 0 || strcmp(row.cpus, "any") == 0,
                      "row %d on %s, not %s", i, row.cpus, cpus);
    }
    ck_assert(has_row(csv, "spin", "roundtrip", 1, cpus) && has_row(csv, "spin", "oneway", 1024, cpus));
}
END_TEST

void add_run_bench_tests(Suite *s)
{
    TCase *tc = tcase_create("run-bench");

    tcase_add_test(tc, run_bench_quick_writes_the_whole_report);
    tcase_add_test(tc, run_bench_leaves_nothing);
    tcase_add_test(tc, run_bench_on_one_cpu);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
}
