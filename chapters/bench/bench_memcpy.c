/* bench_memcpy: the baseline, one process copying memory with memcpy.
 *
 * usage: bench_memcpy [-b] [-s SIZES] [-m MB] [-t TRIALS] [-c CPU,CPU]
 *
 * Shared memory cannot move bytes faster than one CPU copies them: a ring
 * in shared memory costs at least one memcpy per chunk. This copies the
 * same source chunk to the same destination over and over, at least MB
 * megabytes per trial, as `perf bench mem memcpy -l` does; both buffers stay
 * in the cache when they fit. Two rows per size: "memcpy", the copies alone
 * (each trial ends by comparing the last copy with its source), and
 * "memcpy_check", each copy followed by the comparison a receiver makes of
 * every chunk: the work of the rings of bench_posix_shm and bench_spin, done
 * by one CPU. With -c it runs on the first CPU named.
 *
 * $ ./bench_memcpy -s 64K -c 0,1
 * mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps
 * memcpy,oneway,65536,0/1,11,153,56890.503,54394.420,56919.568,43155.687,43155.687,56919.568,MB/s,0.000
 * memcpy_check,oneway,65536,0/1,11,153,28984.483,28614.673,28987.919,27010.886,27010.886,28987.919,MB/s,0.000
 */
#define _GNU_SOURCE                     /* sched_setaffinity */
#include "bench.h"
#include "ipclab.h"

#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: bench_memcpy [-b] [-s SIZES] [-m MB] [-t TRIALS] [-c CPU,CPU]\n"
    "The bandwidth of memcpy in one process, chunk by chunk, without and with\n"
    "a check of each copy: the baseline for the one-way benchmarks (-x does\n"
    "not apply).\n";

/* One size, copies alone or each one checked: a row. */
static void run(const struct bench_options *o, size_t n, const char *cpus, bool checked)
{
    long count = chunks(o, n), slept = 0;
    unsigned char *src = malloc(n), *dst = malloc(n);
    double times[1000], mid[1000];

    if (!src || !dst)
        die("malloc");
    for (size_t j = 0; j < n; j++)
        src[j] = (unsigned char)(j * 7 + 1);
    for (int trial = 0; trial <= o->trials; trial++) {          /* trial 0 warms up */
        memset(dst, 0, n);
        long sleeps_before = sleeps_so_far();
        double before = now_us();
// tag::copy[]
        for (long k = 0; k < count; k++) {
            memcpy(dst, src, n);
            __asm__ volatile("" : : "r"(dst) : "memory");       /* each copy happens */
            if (checked && memcmp(dst, src, n) != 0)
                fatal("memcpy: the copy differs from its source");
        }
// end::copy[]
        double took = now_us() - before;
        if (memcmp(dst, src, n) != 0)
            fatal("memcpy: the copy differs from its source");
        if (trial > 0) {
            times[trial - 1] = mid[trial - 1] = took;
            slept += sleeps_so_far() - sleeps_before;
        }
    }
    print_row(&(struct result){
        .mechanism = checked ? "memcpy_check" : "memcpy", .measure = ONE_WAY, .size = n,
        .cpus = cpus, .trials = o->trials, .count = count, .samples = times, .n = o->trials,
        .trial_mid = mid, .sleeps = (double)slept / ((double)count * o->trials) });
    free(src);
    free(dst);
}

int main(int argc, char *argv[])
{
    struct bench_options o;
    char cpus[32] = "any";

    bench_options(argc, argv, help, ONE_WAY, 1, 64 << 20, NULL, &o);
    if (o.damage)
        usage_error("-x: one process sends no message to damage");
    if (o.cpu[0] >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(o.cpu[0], &set);
        if (sched_setaffinity(0, sizeof set, &set) == -1)
            die("sched_setaffinity");
        snprintf(cpus, sizeof cpus, "%d/%d", o.cpu[0], o.cpu[1]);
    }
    print_header();
    for (int i = 0; i < o.nsizes; i++) {
        run(&o, o.sizes[i], cpus, false);
        run(&o, o.sizes[i], cpus, true);
    }
    return 0;
}
