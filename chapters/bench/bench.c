/* bench.c: the measuring harness of the benchmark programs (see bench.h). */
#define _GNU_SOURCE                     /* sched_setaffinity, CPU_SET */
#include "bench.h"
#include "ipclab.h"

#include <errno.h>
#include <immintrin.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

/* --- small tools for the transports ------------------------------------------- */

void read_all(int fd, void *buf, size_t n, const char *call)
{
    for (size_t done = 0; done < n; ) {
        ssize_t got = read(fd, (char *)buf + done, n - done);
        if (got == -1 && errno == EINTR)        /* after Ctrl-Z and fg */
            continue;
        if (got == -1)
            die("%s", call);
        if (got == 0)
            fatal("%s: end of file after %zu of %zu bytes", call, done, n);
        done += (size_t)got;
    }
}

void write_all(int fd, const void *buf, size_t n, const char *call)
{
    for (size_t done = 0; done < n; ) {
        ssize_t put = write(fd, (const char *)buf + done, n - done);
        if (put == -1 && errno == EINTR)
            continue;
        if (put == -1)
            die("%s", call);
        done += (size_t)put;
    }
}

// tag::spin[]
void spin_pause(unsigned *spins)
{
    if (++*spins % 256 == 0)    /* the other side may be waiting for this CPU */
        sched_yield();
    else
        _mm_pause();            /* tell the CPU this is a spin loop */
}
// end::spin[]

double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* --- the command line ---------------------------------------------------------- */

/* "1,100,4K": sizes in bytes, K meaning 1024, each LO to HI. */
static int parse_sizes(const char *text, size_t *sizes, int max, size_t lo, size_t hi)
{
    char copy[256], *rest = copy, *item;
    int n = 0;

    if (strlen(text) >= sizeof copy)
        usage_error("sizes: \"%.20s...\" is too long", text);
    strcpy(copy, text);
    while ((item = strsep(&rest, ","))) {
        size_t len = strlen(item), unit = 1;
        if (len > 1 && (item[len - 1] == 'K' || item[len - 1] == 'k')) {
            item[len - 1] = '\0';
            unit = 1024;
        }
        if (*item == '\0')
            usage_error("sizes: \"%s\" has an empty item", text);
        size_t bytes = (size_t)parse_long("size", item, 0, LONG_MAX / 1024) * unit;
        if (bytes < lo || bytes > hi)
            usage_error("size: %zu is out of range (%zu to %zu)", bytes, lo, hi);
        if (n == max)
            usage_error("sizes: %d at most", max);
        sizes[n++] = bytes;
    }
    return n;
}

static bool may_run_on(int cpu)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof set, &set) == -1)
        die("sched_getaffinity");
    return cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set);
}

static void parse_cpus(const char *text, int cpu[2])
{
    char *comma = strchr(text, ',');
    char first[32];

    if (!comma || (size_t)(comma - text) >= sizeof first)
        usage_error("-c: \"%s\" is not CPU,CPU", text);
    memcpy(first, text, (size_t)(comma - text));
    first[comma - text] = '\0';
    cpu[0] = (int)parse_long("-c", first, 0, CPU_SETSIZE - 1);
    cpu[1] = (int)parse_long("-c", comma + 1, 0, CPU_SETSIZE - 1);
    for (int i = 0; i < 2; i++)
        if (!may_run_on(cpu[i]))
            usage_error("-c: this process may not run on CPU %d", cpu[i]);
}

/* Round trips a size, over all trials: each is kept for the percentiles,
 * 8 bytes, and one trial's once more to sort (160 MB at the most). */
enum { MAX_ROUND_TRIPS = 10000000 };
enum { MAX_CHUNKS = 100000000 };        /* one way, a trial: about a minute of 1-byte writes */

static const char round_trip_help[] =
    "  -l           round trips (the default): SIZE bytes there and back\n"
    "  -n COUNT     round trips per trial (default 1000; -n x -t: 10000000 at most)\n";
static const char one_way_help[] =
    "  -b           one way: at least MB megabytes in chunks of SIZE bytes\n"
    "  -m MB        megabytes per trial (default 10)\n";
static const char common_help[] =
    "  -s SIZES     sizes in bytes, a comma list, K = 1024 (default %s)\n"
    "  -t TRIALS    trials after one warm-up trial (default 11)\n"
    "  -c CPU,CPU   pin the parent to the first CPU, the child to the second\n"
    "  -x N         damage the Nth message of the run on arrival: the check must stop it\n"
    "Prints a CSV header and one row per size (see chapters/bench/bench.h).\n";

void bench_options(int argc, char *argv[], const char *help, int measures,
                   size_t min_size, size_t max_size, const char *sizes,
                   struct bench_options *o)
{
    const char *defaults = sizes ? sizes : measures & ROUND_TRIP ? "1,100,1K,4K,8K" : "1K,4K,16K,64K";
    char full_help[4096], common[512];
    bool count_given = false, megabytes_given = false;
    int opt;

    snprintf(common, sizeof common, common_help, measures == (ROUND_TRIP | ONE_WAY)
             ? "1,100,1K,4K,8K with -l, 1K,4K,16K,64K with -b" : defaults);
    snprintf(full_help, sizeof full_help, "%s%s%s%s", help,
             measures & ROUND_TRIP ? round_trip_help : "", measures & ONE_WAY ? one_way_help : "",
             common);
    *o = (struct bench_options){ .count = 1000, .megabytes = 10, .trials = 11, .cpu = { -1, -1 } };
    sizes = NULL;
    while ((opt = next_option(argc, argv, "lbs:n:m:t:c:x:", full_help)) != -1) {
        switch (opt) {
        case 'l': o->measures = ROUND_TRIP; break;
        case 'b': o->measures = ONE_WAY; break;
        case 's': sizes = optarg; break;
        case 'n': o->count = parse_long("-n", optarg, 1, MAX_ROUND_TRIPS); count_given = true; break;
        case 'm': o->megabytes = parse_long("-m", optarg, 1, 1000); megabytes_given = true; break;
        case 't': o->trials = (int)parse_long("-t", optarg, 1, 1000); break;
        case 'c': parse_cpus(optarg, o->cpu); break;
        case 'x': o->damage = parse_long("-x", optarg, 1, LONG_MAX); break;
        }
    }
    if (optind < argc)
        usage_error("unexpected argument \"%s\"", argv[optind]);
    if (o->measures == 0)
        o->measures = measures & ROUND_TRIP ? ROUND_TRIP : ONE_WAY;
    if (!(o->measures & measures))
        usage_error("%s: this mechanism measures %s only", o->measures == ONE_WAY ? "-b" : "-l",
                    measures == ONE_WAY ? "one way (-b)" : "round trips (-l)");
    if (o->measures == ROUND_TRIP && megabytes_given)
        usage_error("-m: goes with -b (round trips are counted by -n)");
    if (o->measures == ONE_WAY && count_given)
        usage_error("-n: goes with -l (one way is measured in megabytes, -m)");
    if (o->measures == ROUND_TRIP && o->count * o->trials > MAX_ROUND_TRIPS)
        usage_error("-n x -t: %ld round trips a size, %d at most", o->count * o->trials,
                    MAX_ROUND_TRIPS);
    if (sizes) {
        o->nsizes = parse_sizes(sizes, o->sizes, 16, min_size, max_size);
    } else {                            /* the defaults this mechanism can carry */
        size_t all[16];
        int n = parse_sizes(o->measures == ROUND_TRIP ? (measures == ROUND_TRIP ? defaults : "1,100,1K,4K,8K")
                                                      : (measures == ONE_WAY ? defaults : "1K,4K,16K,64K"),
                            all, 16, 0, SIZE_MAX / 2);
        for (int i = 0; i < n; i++)
            if (all[i] >= min_size && all[i] <= max_size)
                o->sizes[o->nsizes++] = all[i];
        if (o->nsizes == 0)
            o->sizes[o->nsizes++] = max_size;
    }
    long messages = 0;                  /* in the whole run, for -x */
    for (int i = 0; i < o->nsizes; i++) {
        size_t n = o->sizes[i];
        if (o->measures == ONE_WAY && n == 0)
            usage_error("size: one way needs chunks of 1 byte at least");
        long count = o->measures == ROUND_TRIP ? o->count : chunks(o, n) + 1;  /* + the answer */
        if (count > MAX_CHUNKS)
            usage_error("-m: %ld chunks of %zu B a trial, %d at most", count - 1, n, MAX_CHUNKS);
        if (o->damage && n == 0)
            usage_error("-x: a message of 0 bytes has no byte to damage");
        messages += count * (o->trials + 1);
    }
    if (o->damage > messages)
        usage_error("-x: the run has %ld messages", messages);
}

long chunks(const struct bench_options *o, size_t n)
{
    return (long)((o->megabytes * 1000000 + n - 1) / n);
}

/* --- statistics and the report ------------------------------------------------- */

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The nearest-rank percentile P (0 to 100) of N sorted values. */
static double percentile(const double *v, long n, double p)
{
    long rank = (long)ceil(p / 100 * (double)n);
    return v[rank < 1 ? 0 : rank - 1];
}

void print_header(void)
{
    puts("mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps");
    if (fflush(stdout) == EOF)
        exit(EXIT_CALL_FAILED);
}

void print_row(const struct result *r)
{
    double *v = r->samples, *mid = r->trial_mid;
    double med, mean = 0, best, p99, lo, hi;

    for (long i = 0; i < r->n; i++)
        mean += v[i] / (double)r->n;
    qsort(v, (size_t)r->n, sizeof *v, by_value);
    qsort(mid, (size_t)r->trials, sizeof *mid, by_value);
    med = percentile(v, r->n, 50);
    best = v[0];
    p99 = percentile(v, r->n, 99);
    lo = mid[0];
    hi = mid[r->trials - 1];
    if (r->measure == ONE_WAY) {                /* times become rates: MB/s */
        double bytes = (double)r->size * (double)r->count;
        med = bytes / med;
        mean = bytes / mean;
        best = bytes / best;
        p99 = bytes / p99;
        double slowest = bytes / hi, fastest = bytes / lo;
        lo = slowest;
        hi = fastest;
    }
    printf("%s,%s,%zu,%s,%d,%ld,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%s,%.3f\n", r->mechanism,
           r->measure == ROUND_TRIP ? "roundtrip" : "oneway", r->size, r->cpus, r->trials,
           r->count, med, mean, best, p99, lo, hi, r->measure == ROUND_TRIP ? "us" : "MB/s",
           r->sleeps);
    if (fflush(stdout) == EOF)          /* a reader gone: no point going on; */
        exit(EXIT_CALL_FAILED);         /* the exit handler says why, once */
}

long sleeps_so_far(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_nvcsw;                 /* voluntary context switches: waits that slept */
}

/* --- messages: a pattern with a sequence number ---------------------------------- */

static unsigned char *pattern;          /* the largest message, as sent */

static void make_pattern(size_t size)
{
    pattern = malloc(size + 8);
    if (!pattern)
        die("malloc");
    for (size_t i = 0; i < size + 8; i++)
        pattern[i] = (unsigned char)(i * 7 + 1);
}

/* Message SEQ of N bytes: the pattern, its first bytes the sequence number. */
static void stamp(unsigned char *msg, size_t n, uint64_t seq)
{
    memcpy(msg, &seq, n < 8 ? n : 8);
}

// tag::check[]
static void check(const char *who, const void *got, size_t n, uint64_t seq)
{
    uint64_t want = 0;
    size_t head = n < 8 ? n : 8;

    memcpy(&want, got, head);
    if (memcmp(&want, &seq, head) != 0 || memcmp((const char *)got + head, pattern + head, n - head) != 0)
        fatal("%s: message %llu of %zu bytes arrived damaged or out of order",
              who, (unsigned long long)seq, n);
}
// end::check[]

/* --- the two processes ------------------------------------------------------------ */

static const struct transport *tp;
static pid_t owner, child;              /* the parent, and its child until it is reaped */
static volatile sig_atomic_t closed;
/* Every signal that would end the parent, but SIGKILL and a crash. */
static const int ending[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGALRM, SIGUSR1, SIGUSR2, SIGCHLD };
enum { NENDING = sizeof ending / sizeof ending[0] };
#define PARENT_GONE SIGRTMIN            /* the child's PR_SET_PDEATHSIG: nobody else sends it */

static void block_ending(sigset_t *set)
{
    sigemptyset(set);
    for (int i = 0; i < NENDING; i++)
        sigaddset(set, ending[i]);
}

/* Remove the transport's objects and end the child: once, from wherever the
 * parent stops (exit, die, a signal), with the other signals held off until
 * it is done. Async-signal-safe. */
static void tear_down(void)
{
    sigset_t set, old;

    block_ending(&set);
    sigprocmask(SIG_BLOCK, &set, &old);
    if (!closed) {
        closed = 1;
        signal(SIGCHLD, SIG_DFL);       /* the child's end is ours now, not news */
        if (child > 0)
            kill(child, SIGKILL);
        if (tp->close)
            tp->close();
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* SIGCHLD: the child ended early. If it failed (exit 1) it has said why;
 * if it was killed, say so. Other signals: clean up, then die of the signal,
 * as the shell expects. */
static void on_signal(int sig)
{
    int status = 0;

    if (sig == SIGCHLD) {
        if (waitpid(child, &status, WNOHANG) <= 0)
            return;                     /* not ended (SA_NOCLDSTOP should spare us this) */
        child = 0;                      /* reaped: its pid may be someone else's now */
    }
    tear_down();
    if (sig != SIGCHLD) {
        signal(sig, SIG_DFL);
        raise(sig);                     /* delivered when the handler returns */
        return;
    }
    if (WIFSIGNALED(status)) {
        char msg[80] = ": the other process was killed by signal ";
        size_t len = strlen(msg);
        int s = WTERMSIG(status);
        if (s >= 10)
            msg[len++] = (char)('0' + s / 10);
        msg[len++] = (char)('0' + s % 10);
        msg[len++] = '\n';
        if (write(2, program_invocation_short_name, strlen(program_invocation_short_name)) > 0)
            if (write(2, msg, len) > 0) {}
    }
    _exit(EXIT_CALL_FAILED);
}

/* In the child: the parent died without tearing down (kill -KILL), so the
 * objects are the child's to remove. */
static void on_parent_gone(int sig)
{
    (void)sig;
    if (getppid() != owner && tp->close)
        tp->close();
    _exit(EXIT_CALL_FAILED);
}

static void pin(int cpu)
{
    cpu_set_t set;

    if (cpu < 0)
        return;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) == -1)
        die("sched_setaffinity: CPU %d", cpu);
}

/* One trial's worth of round trips, from either side. SEQ counts on across
 * trials. The parent times each round trip into US. */
// tag::roundtrip[]
static void round_trips(int side, size_t n, long count, uint64_t *seq, long damage,
                        unsigned char *msg, unsigned char *buf, double *us)
{
    double before = now_us();

    for (long i = 0; i < count; i++) {
        ++*seq;
        if (side == PARENT) {
            stamp(msg, n, *seq);
            tp->send(PARENT, msg, n);
        }
        const void *got = tp->recv(side, buf, n);
        if ((long)*seq == damage && side == PARENT && n > 0)
            ((unsigned char *)got)[n - 1] ^= 1;
        check(side == PARENT ? "reply" : "request", got, n, *seq);
        if (side == CHILD)
            tp->send(CHILD, got, n);            /* the reply: the same bytes */
        if (tp->done)
            tp->done(side);
        if (side == PARENT) {
            double after = now_us();
            us[i] = after - before;
            before = after;
        }
    }
}
// end::roundtrip[]

/* One trial one way: COUNT chunks of N bytes, then the child's one-byte answer. */
// tag::oneway[]
static void one_way(int side, size_t n, long count, uint64_t *seq, long damage,
                    unsigned char *msg, unsigned char *buf)
{
    for (long i = 0; i < count; i++) {
        ++*seq;
        if (side == PARENT) {
            stamp(msg, n, *seq);
            tp->send(PARENT, msg, n);
            continue;
        }
        const void *got = tp->recv(CHILD, buf, n);
        if ((long)*seq == damage)
            ((unsigned char *)got)[n - 1] ^= 1;
        check("chunk", got, n, *seq);
        if (tp->done)
            tp->done(CHILD);
    }
    ++*seq;                                     /* the answer: all of it arrived */
    if (side == CHILD) {
        stamp(msg, 1, *seq);
        tp->send(CHILD, msg, 1);
    } else {
        const void *got = tp->recv(PARENT, buf, 1);
        if ((long)*seq == damage)
            ((unsigned char *)got)[0] ^= 1;
        check("answer", got, 1, *seq);
        if (tp->done)
            tp->done(PARENT);
    }
}
// end::oneway[]

static void run_size(const struct bench_options *o, size_t n, const char *cpus,
                     double *samples, double *trial_mid, unsigned char *msg, unsigned char *buf,
                     uint64_t *seq, int side)
{
    long count = o->measures == ROUND_TRIP ? o->count : chunks(o, n);
    long slept = 0;

    for (int trial = 0; trial <= o->trials; trial++) {      /* trial 0 warms up */
        long sleeps_before = sleeps_so_far();
        if (o->measures == ROUND_TRIP) {
            double *us = samples + (trial > 0 ? (long)(trial - 1) * count : 0);
            round_trips(side, n, count, seq, o->damage, msg, buf, us);
            if (side == PARENT && trial > 0) {
                double *copy = trial_mid + o->trials;        /* scratch after the medians */
                memcpy(copy, us, (size_t)count * sizeof *us);
                qsort(copy, (size_t)count, sizeof *copy, by_value);
                trial_mid[trial - 1] = percentile(copy, count, 50);
            }
        } else {
            double before = now_us();
            one_way(side, n, count, seq, o->damage, msg, buf);
            if (side == PARENT && trial > 0)
                samples[trial - 1] = trial_mid[trial - 1] = now_us() - before;
        }
        if (trial > 0)
            slept += sleeps_so_far() - sleeps_before;
    }
    if (side == PARENT)
        print_row(&(struct result){
            .mechanism = tp->name, .measure = o->measures, .size = n, .cpus = cpus,
            .trials = o->trials, .count = count, .samples = samples,
            .n = o->measures == ROUND_TRIP ? count * o->trials : o->trials,
            .trial_mid = trial_mid, .sleeps = (double)slept / ((double)count * o->trials) });
}

/* The run's buffers: file-scope, so that they stay reachable to the end. */
static double *samples, *trial_mid;
static unsigned char *msg, *buf;

int bench_main(int argc, char *argv[], const struct transport *t)
{
    struct bench_options o;
    struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_NOCLDSTOP };
    size_t largest = 0;
    char cpus[32] = "any";
    uint64_t seq = 0;

    tp = t;
    bench_options(argc, argv, t->help, t->measures, t->min_size, t->max_size(), t->sizes, &o);
    for (int i = 0; i < o.nsizes; i++)
        if (o.sizes[i] > largest)
            largest = o.sizes[i];
    if (o.cpu[0] >= 0)
        snprintf(cpus, sizeof cpus, "%d/%d", o.cpu[0], o.cpu[1]);

    long most = o.measures == ROUND_TRIP ? o.count : 1;
    samples = malloc((size_t)(most * o.trials) * sizeof *samples);
    trial_mid = malloc((size_t)(o.trials + most) * sizeof *trial_mid);
    msg = malloc(largest + 8);
    buf = malloc(largest + 8);
    if (!samples || !trial_mid || !msg || !buf)
        die("malloc");
    make_pattern(largest);
    memcpy(msg, pattern, largest);

    owner = getpid();
    pin(o.cpu[0]);
    block_ending(&sa.sa_mask);
    for (int i = 0; i < NENDING; i++)
        sigaction(ending[i], &sa, NULL);
    atexit(tear_down);                          /* die() and fatal() exit */
    t->open(largest, o.measures);
    print_header();                             /* flushed, so not the child's too */

    child = fork_child();                       /* the parent's alone: tear_down */
    if (child == -1)
        die("fork");
    if (child == 0) {
        // The child: answers every size, then waits to be ended.
        for (int i = 0; i < NENDING; i++)
            signal(ending[i], SIG_DFL);
        signal(PARENT_GONE, on_parent_gone);
        prctl(PR_SET_PDEATHSIG, PARENT_GONE);
        if (getppid() != owner)                 /* gone before the prctl */
            on_parent_gone(PARENT_GONE);
        pin(o.cpu[1]);
        for (int i = 0; i < o.nsizes; i++)
            run_size(&o, o.sizes[i], cpus, samples, trial_mid, msg, buf, &seq, CHILD);
        for (;;)
            pause();
    }
    for (int i = 0; i < o.nsizes; i++)
        run_size(&o, o.sizes[i], cpus, samples, trial_mid, msg, buf, &seq, PARENT);
    pid_t ran = child;
    tear_down();                                /* the child ends now, as planned */
    waitpid(ran, NULL, 0);
    return 0;
}
