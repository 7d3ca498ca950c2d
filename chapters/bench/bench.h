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
 *   mechanism,measure,bytes,cpus,trials,count,median,best,p99,trial_lo,trial_hi,unit
 * measure is roundtrip (unit us, per round trip; statistics over every round
 * trip of every trial) or oneway (unit MB/s, 10^6 bytes per second;
 * statistics over the trials' times, turned into rates). best is the
 * shortest time, p99 the 99th percentile (nearest rank): for one way, the
 * rate of the slowest trials. trial_lo and trial_hi are the lowest and
 * highest of the trials' own medians (round trip) or rates (one way): the
 * noise between trials. cpus is "0/1" (parent on CPU 0, child on CPU 1) or
 * "any" (not pinned: the scheduler may put both on one CPU).
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
    /* Before fork: make the channel both ways for messages up to SIZE bytes. */
    void (*open)(size_t size);
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
    int damage;                 /* -x N: damage message N on arrival (0: none) */
};
/* Parse the command line: HELP is the program's own part of --help; MEASURES
 * what it can measure; sizes must lie in MIN_SIZE to MAX_SIZE; SIZES is
 * the default for -s, or NULL for the usual ones. */
void bench_options(int argc, char *argv[], const char *help, int measures,
                   size_t min_size, size_t max_size, const char *sizes,
                   struct bench_options *o);
double now_us(void);            /* CLOCK_MONOTONIC, in microseconds */
void print_header(void);
/* One CSV row from SAMPLES (N of them, microseconds; sorted in place):
 * per message (round trip) or per trial (one way, BYTES_PER_TRIAL each).
 * TRIAL_MID holds each of the TRIALS trials' medians (round trip) or times. */
void print_row(const char *mechanism, int measure, size_t size, const char *cpus,
               int trials, long count, double *samples, long n,
               double *trial_mid, double bytes_per_trial);

#endif
