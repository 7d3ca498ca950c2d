/* bench.h: what the benchmark programs share (bench.c).
 *
 * Each bench_MECH.c program describes one way of carrying bytes between two
 * processes as a struct transport, and bench_main() does the rest: options,
 * fork, pinning, warm-up and trials, the check of every byte, statistics,
 * and the clean-up on every way out (Ctrl-C, the other process dying).
 *
 * Round trip (-l, the default): the parent sends a message of SIZE bytes,
 * the child receives it and sends it back, the parent receives the reply.
 * Each round trip is timed on its own. One way (-b): the parent sends
 * MB megabytes in chunks of SIZE bytes, the child receives them all and
 * answers with one byte; a trial is timed from the first send to that answer.
 *
 * Every message is the same pattern, with its sequence number in the first
 * 8 bytes (or as much of them as fits); whoever receives it compares all of
 * it, so a lost, repeated, reordered or damaged message stops the run.
 *
 * Output, on stdout: a CSV header and one row per size,
 *   mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps
 * measure is roundtrip (unit us, per round trip; statistics over every round
 * trip of every trial) or oneway (unit MB/s, 10^6 bytes per second;
 * statistics over the trials' times, turned into rates: the mean is all the
 * bytes over all the time). count is round trips or chunks per trial. best is the
 * shortest time, p99 the 99th percentile (nearest rank): for one way, the
 * rate of the slowest trials. trial_lo and trial_hi are the lowest and
 * highest of the trials' own medians (round trip) or rates (one way): the
 * noise between trials. cpus is "0/1" (parent on CPU 0, child on CPU 1) or
 * "any" (not pinned: the scheduler may put both on one CPU). sleeps is how
 * often the parent slept (its voluntary context switches, getrusage) per
 * round trip or per chunk: waits that gave up the CPU.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stddef.h>

enum { PARENT = 0, CHILD = 1 };                 /* the two sides */
enum { ROUND_TRIP = 1, ONE_WAY = 2 };           /* what a transport can measure */

struct transport {
    const char *name;           /* the mechanism column: "pipe" */
    const char *help;           /* usage text: what it is, its own limits */
    int measures;               /* ROUND_TRIP, ONE_WAY or both */
    size_t min_size;            /* 0 if it can carry an empty message, else 1 */
    size_t (*max_size)(void);   /* the largest message it can carry here */
    const char *sizes;          /* NULL, or its own default for -s */
    /* Before fork: make the channel both ways for messages up to SIZE bytes,
     * to measure MEASURE (ROUND_TRIP: one message in flight at a time). */
    void (*open)(size_t size, int measure);
    /* Side FROM sends N bytes of BUF to the other side. */
    void (*send)(int from, const void *buf, size_t n);
    /* Side TO waits for the next message, which must be N bytes long, and
     * returns where it is: in BUF (copied out) or in the shared memory. */
    const void *(*recv)(int to, void *buf, size_t n);
    /* NULL, or: side TO is done with what recv returned (the slot is free). */
    void (*done)(int to);
    /* Remove what open made. Called once, perhaps from a signal handler:
     * only async-signal-safe calls. NULL if there is nothing to remove. */
    void (*close)(void);
};

/* The whole program: parse the command line, run, print, exit status. */
int bench_main(int argc, char *argv[], const struct transport *t);

/* For transports: a whole read or write of a descriptor (retried on a short
 * count or EINTR); an end of file before N bytes is fatal. */
void read_all(int fd, void *buf, size_t n, const char *call);
void write_all(int fd, const void *buf, size_t n, const char *call);
/* Wait in a spin loop: a pause instruction, and now and then sched_yield(),
 * so that two spinners sharing one CPU still make progress. */
void spin_pause(unsigned *spins);
/* For bench_memcpy, which times one process: the same options and report. */
struct bench_options {
    int measures;               /* ROUND_TRIP or ONE_WAY: what to run */
    size_t sizes[16];           /* message or chunk sizes, in order given */
    int nsizes;
    long count;                 /* round trips per trial */
    long megabytes;             /* one way: at least this many MB per trial */
    int trials;                 /* after one warm-up trial */
    int cpu[2];                 /* -c A,B; -1 if not pinned */
    long damage;                /* -x N: damage message N on arrival (0: none) */
};
/* Parse the command line: HELP is the program's own part of --help; MEASURES
 * what it can measure; sizes must lie in MIN_SIZE to MAX_SIZE; SIZES is
 * the default for -s, or NULL for the usual ones. */
void bench_options(int argc, char *argv[], const char *help, int measures,
                   size_t min_size, size_t max_size, const char *sizes,
                   struct bench_options *o);
long chunks(const struct bench_options *o, size_t size);  /* one way: chunks a trial */
double now_us(void);            /* CLOCK_MONOTONIC, in microseconds */
long sleeps_so_far(void);       /* this process's voluntary context switches */
void print_header(void);
/* One CSV row. SAMPLES are N times in microseconds: one per round trip, or
 * one per trial for one way (COUNT chunks of SIZE bytes each); TRIAL_MID the
 * TRIALS trials' own medians (round trip) or times (one way). Both are
 * sorted in place. SLEEPS: the parent's sleeps per round trip or chunk. */
struct result {
    const char *mechanism, *cpus;
    int measure, trials;
    size_t size;
    long count, n;
    double *samples, *trial_mid, sleeps;
};
void print_row(const struct result *r);

#endif
