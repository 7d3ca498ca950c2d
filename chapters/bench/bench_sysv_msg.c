/* bench_sysv_msg: what a message costs through a System V message queue.
 *
 * usage: bench_sysv_msg [-l | -b] [-s SIZES] [-n COUNT] [-m MB] [-t TRIALS] [-c CPU,CPU]
 *
 * One queue carries both ways, as in chapters/msg: requests are type 1,
 * replies type 2, and each side's msgrcv asks for its own type. msgsnd
 * copies the message into the kernel, msgrcv copies it out; the kernel
 * keeps message boundaries, so an empty message (size 0: a type and no
 * text) is a message too. That is how Stevens measured the smallest one.
 * The largest is kernel.msgmax (8192 bytes unless raised); a queue holds
 * kernel.msgmnb bytes (16384) before msgsnd waits.
 *
 * The queue is made IPC_PRIVATE and removed at the end, on Ctrl-C, and when
 * either process dies; only kill -KILL of the parent leaves it (ipcclean).
 *
 * $ ./bench_sysv_msg -s 0,8K -c 0,0
 * mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps
 * sysv_msg,roundtrip,0,0/0,11,1000,6.179,6.380,6.059,8.112,6.169,6.209,us,0.500
 * sysv_msg,roundtrip,8192,0/0,11,1000,9.965,10.120,9.805,11.797,9.945,9.985,us,0.308
 */
#define _GNU_SOURCE                     /* struct msginfo */
#include "bench.h"
#include "ipclab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>

static const char help[] =
    "usage: bench_sysv_msg [-l | -b] [-s SIZES] [-n COUNT] [-m MB] [-t TRIALS] [-c CPU,CPU]\n"
    "Round trips or one-way bandwidth between two processes through one System V\n"
    "message queue (requests type 1, replies type 2). SIZES may include 0 and go\n"
    "up to kernel.msgmax.\n";

struct message {
    long mtype;
    char mtext[];
};

static int qid = -1;
static struct message *out, *in;        /* msgsnd wants the type before the text */

// tag::transport[]
static void msg_open(size_t size, int measure)
{
    (void)measure;                      /* the queue holds kernel.msgmnb bytes */
    out = malloc(sizeof *out + size);
    in = malloc(sizeof *in + size);
    if (!out || !in)
        die("malloc");
    qid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (qid == -1)
        die("msgget");
}

static void msg_send(int from, const void *buf, size_t n)
{
    out->mtype = from == PARENT ? 1 : 2;
    memcpy(out->mtext, buf, n);         /* one copy more, in user space */
    while (msgsnd(qid, out, n, 0) == -1)
        if (errno != EINTR)
            die("msgsnd");
}

static const void *msg_recv(int to, void *buf, size_t n)
{
    ssize_t got;

    (void)buf;                          /* the text stays where msgrcv put it */
    while ((got = msgrcv(qid, in, n, to == CHILD ? 1 : 2, 0)) == -1)
        if (errno != EINTR)
            die("msgrcv");
    if ((size_t)got != n)
        fatal("msgrcv: %zd bytes, %zu expected", got, n);
    return in->mtext;
}

static void msg_close(void)
{
    msgctl(qid, IPC_RMID, NULL);
}
// end::transport[]

static size_t msg_max(void)
{
    struct msginfo info;

    if (msgctl(0, IPC_INFO, (struct msqid_ds *)&info) == -1)
        die("msgctl: IPC_INFO");
    return (size_t)info.msgmax;
}

int main(int argc, char *argv[])
{
    static const struct transport msg_transport = {
        .name = "sysv_msg", .help = help, .measures = ROUND_TRIP | ONE_WAY, .min_size = 0,
        .max_size = msg_max, .open = msg_open, .send = msg_send, .recv = msg_recv,
        .close = msg_close,
    };
    return bench_main(argc, argv, &msg_transport);
}
