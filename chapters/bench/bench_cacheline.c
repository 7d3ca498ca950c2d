/* bench_cacheline: the floor under every round trip through shared memory.
 *
 * usage: bench_cacheline [-l] [-s SIZES] [-n COUNT] [-t TRIALS] [-c CPU,CPU]
 *
 * One 64-byte cache line in shared memory carries a counter and up to 56
 * bytes of message. The sender writes the message and then the counter
 * (a release store); the receiver spins until the counter moves (an acquire
 * load) and reads the message in the same line. Each round trip moves that
 * one line from one CPU's cache to the other's and back: no system call, no
 * ring, no second line. bench_spin does the same with more lines (a counter
 * each way and each slot), and the difference between the two is their cost.
 *
 * $ ./bench_cacheline -s 1 -c 0,1
 * mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps
 * cacheline,roundtrip,1,0/1,11,1000,0.150,0.154,0.130,0.211,0.150,0.150,us,0.000
 */
#define _GNU_SOURCE                     /* MAP_ANONYMOUS */
#include "bench.h"
#include "ipclab.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

static const char help[] =
    "usage: bench_cacheline [-l] [-s SIZES] [-n COUNT] [-t TRIALS] [-c CPU,CPU]\n"
    "Round trips between two processes through one cache line of shared memory:\n"
    "a counter and a message of 0 to 56 bytes (default size 1).\n";

// tag::line[]
struct line {
    alignas(64) atomic_ulong count;     /* messages so far, both ways */
    char text[56];
};
// end::line[]

static struct line *line;
static unsigned long seen;              /* this process's count of messages */

static void line_open(size_t size, int measure)
{
    (void)size;
    (void)measure;
    line = mmap(NULL, sizeof *line, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (line == MAP_FAILED)
        die("mmap");
}

// tag::transport[]
static void line_send(int from, const void *buf, size_t n)
{
    (void)from;
    if (buf != line->text)              /* a reply: the same bytes, already there */
        memcpy(line->text, buf, n);
    atomic_store_explicit(&line->count, ++seen, memory_order_release);
}

static const void *line_recv(int to, void *buf, size_t n)
{
    unsigned spins = 0;

    (void)to;
    (void)buf;
    (void)n;
    ++seen;
    while (atomic_load_explicit(&line->count, memory_order_acquire) != seen)
        spin_pause(&spins);
    return line->text;
}
// end::transport[]

static size_t line_max(void)
{
    return sizeof line->text;
}

int main(int argc, char *argv[])
{
    static const struct transport line_transport = {
        .name = "cacheline", .help = help, .measures = ROUND_TRIP, .min_size = 0,
        .sizes = "1", .max_size = line_max, .open = line_open, .send = line_send, .recv = line_recv,
    };
    return bench_main(argc, argv, &line_transport);
}
