/* bench_posix_mq: what a message costs through POSIX message queues.
 *
 * usage: bench_posix_mq [-l | -b] [-s SIZES] [-n COUNT] [-m MB] [-t TRIALS] [-c CPU,CPU]
 *
 * Two queues, one each way: a POSIX queue has priorities but no types, so
 * one queue cannot keep requests and replies apart as System V's does.
 * mq_send copies the message into the kernel, mq_receive copies it out.
 * For one way the queues hold up to 10 messages (fs.mqueue.msg_max) of the
 * largest size asked for, at most fs.mqueue.msgsize_max (8192 unless
 * raised); for round trips one, since only one is ever in flight. Their bytes
 * count against the user's RLIMIT_MSGQUEUE (ulimit -q, 800 KiB by default).
 *
 * Both queues are unlinked as soon as both are open, before the fork: the
 * descriptors keep them alive, and nothing is left in /dev/mqueue, however
 * the run ends.
 *
 * $ ./bench_posix_mq -s 1,8K -c 0,0
 * mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps
 * posix_mq,roundtrip,1,0/0,11,1000,5.959,6.126,5.848,8.322,5.929,5.978,us,0.317
 * posix_mq,roundtrip,8192,0/0,11,1000,9.484,9.739,9.323,13.119,9.474,9.514,us,0.038
 */
#define _GNU_SOURCE
#include "bench.h"
#include "ipclab.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>

static const char help[] =
    "usage: bench_posix_mq [-l | -b] [-s SIZES] [-n COUNT] [-m MB] [-t TRIALS] [-c CPU,CPU]\n"
    "Round trips or one-way bandwidth between two processes through two POSIX\n"
    "message queues. SIZES go up to fs.mqueue.msgsize_max.\n";

static mqd_t q[2];                      /* q[PARENT]: parent to child; q[CHILD]: back */
static long msgsize;

/* A queue of DEPTH messages of up to SIZE bytes, already unlinked. */
static mqd_t open_unlinked(const char *which, long depth, size_t size)
{
    struct mq_attr attr = { .mq_maxmsg = depth, .mq_msgsize = (long)size };
    char name[64];
    mqd_t mq;

    snprintf(name, sizeof name, "/ipclab-bench-%ld-%s", (long)getpid(), which);
    mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
    if (mq == (mqd_t)-1 && errno == EMFILE)     /* the queues' bytes, not descriptors */
        fatal("mq_open: %s: EMFILE: this user's queues already hold RLIMIT_MSGQUEUE "
              "bytes (ulimit -q)", name);
    if (mq == (mqd_t)-1)
        die("mq_open: %s", name);
    if (mq_unlink(name) == -1)
        die("mq_unlink: %s", name);
    return mq;
}

// tag::transport[]
static void mq_open_both(size_t size, int measure)
{
    long depth = measure == ROUND_TRIP ? 1 : 10;    /* a round trip has one in flight */

    msgsize = size > 0 ? (long)size : 1;
    q[PARENT] = open_unlinked("down", depth, (size_t)msgsize);
    q[CHILD] = open_unlinked("up", depth, (size_t)msgsize);
}

static void mq_send_one(int from, const void *buf, size_t n)
{
    while (mq_send(q[from], buf, n, 0) == -1)
        if (errno != EINTR)
            die("mq_send");
}

static const void *mq_recv_one(int to, void *buf, size_t n)
{
    ssize_t got;

    while ((got = mq_receive(q[1 - to], buf, (size_t)msgsize, NULL)) == -1)
        if (errno != EINTR)
            die("mq_receive");
    if ((size_t)got != n)
        fatal("mq_receive: %zd bytes, %zu expected", got, n);
    return buf;
}
// end::transport[]

static size_t mq_max(void)
{
    FILE *f = fopen("/proc/sys/fs/mqueue/msgsize_max", "r");
    long max = 8192;                    /* the default, where /proc says nothing */

    if (f) {
        if (fscanf(f, "%ld", &max) != 1)
            max = 8192;
        fclose(f);
    }
    return (size_t)max;
}

int main(int argc, char *argv[])
{
    static const struct transport mq_transport = {
        .name = "posix_mq", .help = help, .measures = ROUND_TRIP | ONE_WAY, .min_size = 0,
        .max_size = mq_max, .open = mq_open_both, .send = mq_send_one, .recv = mq_recv_one,
    };
    return bench_main(argc, argv, &mq_transport);
}
