/* bench_pipe: what a message costs through a pipe.
 *
 * usage: bench_pipe [-l | -b] [-s SIZES] [-n COUNT] [-m MB] [-t TRIALS] [-c CPU,CPU]
 *
 * Two pipes, one each way. A write copies the bytes from the writer into
 * the pipe's pages in the kernel, a read copies them out again: two copies
 * and two system calls per message, and a wake-up of the reader when it
 * was asleep. A pipe is a byte stream: a message is however many bytes the
 * reader asks for, so an empty one cannot be sent.
 *
 * $ ./bench_pipe -s 1,4K -c 0,1
 * mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps
 * pipe,roundtrip,1,0/1,11,1000,45.367,45.295,5.198,73.189,30.375,50.004,us,0.999
 * pipe,roundtrip,4096,0/1,11,1000,44.877,45.443,4.767,71.576,40.711,47.049,us,0.999
 */
#define _GNU_SOURCE
#include "bench.h"
#include "ipclab.h"

#include <fcntl.h>

static const char help[] =
    "usage: bench_pipe [-l | -b] [-s SIZES] [-n COUNT] [-m MB] [-t TRIALS] [-c CPU,CPU]\n"
    "Round trips or one-way bandwidth between two processes through two pipes.\n";

static int down[2], up[2];              /* parent to child, child to parent */

// tag::transport[]
static void pipe_open(size_t size, int measure)
{
    (void)size;                         /* a pipe takes messages of any size */
    (void)measure;
    if (pipe2(down, O_CLOEXEC) == -1 || pipe2(up, O_CLOEXEC) == -1)
        die("pipe");
}

static void pipe_send(int from, const void *buf, size_t n)
{
    write_all(from == PARENT ? down[1] : up[1], buf, n, "write");
}

static const void *pipe_recv(int to, void *buf, size_t n)
{
    read_all(to == PARENT ? up[0] : down[0], buf, n, "read");
    return buf;
}
// end::transport[]

static size_t pipe_max(void)
{
    return 64 << 20;                    /* 64 MiB: enough to see the trend */
}

int main(int argc, char *argv[])
{
    static const struct transport pipe_transport = {
        .name = "pipe", .help = help, .measures = ROUND_TRIP | ONE_WAY, .min_size = 1,
        .max_size = pipe_max, .open = pipe_open, .send = pipe_send, .recv = pipe_recv,
    };
    return bench_main(argc, argv, &pipe_transport);
}
