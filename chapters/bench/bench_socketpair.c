/* bench_socketpair: what a message costs through a Unix socket pair.
 *
 * usage: bench_socketpair [-l | -b] [-s SIZES] [-n COUNT] [-m MB] [-t TRIALS] [-c CPU,CPU]
 *
 * socketpair(AF_UNIX, SOCK_STREAM) gives two connected sockets, one for
 * each process, each carrying bytes both ways. Like a pipe, a send copies
 * the bytes into the kernel (into socket buffers, not pipe pages) and a
 * receive copies them out; unlike a pipe, one descriptor serves both
 * directions. A stream: an empty message cannot be sent.
 *
 * $ ./bench_socketpair -s 1 -c 0,0
 * mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps
 * socketpair,roundtrip,1,0/0,11,1000,8.622,9.242,8.292,13.610,8.583,9.314,us,0.989
 */
#define _GNU_SOURCE
#include "bench.h"
#include "ipclab.h"

#include <sys/socket.h>

static const char help[] =
    "usage: bench_socketpair [-l | -b] [-s SIZES] [-n COUNT] [-m MB] [-t TRIALS] [-c CPU,CPU]\n"
    "Round trips or one-way bandwidth between two processes through a Unix\n"
    "stream socket pair.\n";

static int sv[2];                       /* sv[PARENT] is the parent's end */

// tag::transport[]
static void socketpair_open(size_t size, int measure)
{
    (void)size;
    (void)measure;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
        die("socketpair");
}

static void socketpair_send(int from, const void *buf, size_t n)
{
    write_all(sv[from], buf, n, "write");
}

static const void *socketpair_recv(int to, void *buf, size_t n)
{
    read_all(sv[to], buf, n, "read");
    return buf;
}
// end::transport[]

static size_t socketpair_max(void)
{
    return 64 << 20;                    /* 64 MiB: enough to see the trend */
}

int main(int argc, char *argv[])
{
    static const struct transport socketpair_transport = {
        .name = "socketpair", .help = help, .measures = ROUND_TRIP | ONE_WAY, .min_size = 1,
        .max_size = socketpair_max, .open = socketpair_open,
        .send = socketpair_send, .recv = socketpair_recv,
    };
    return bench_main(argc, argv, &socketpair_transport);
}
