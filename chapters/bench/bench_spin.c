/* bench_spin: shared memory and C11 atomics, no system call to wait.
 *
 * usage: bench_spin [-l | -b] [-s SIZES] [-n COUNT] [-m MB] [-t TRIALS] [-c CPU,CPU]
 *
 * A ring of 4 slots each way, as in bench_posix_shm, but each slot on cache
 * lines of its own, and the counters are two C11 atomics per direction: "head", written only by the sender
 * (messages sent), and "tail", written only by the receiver (messages
 * read). Each sits on a cache line of its own, so that writing one does not
 * take the other away from its reader. A side that must wait spins on the
 * other's counter: it sees the store the moment the cache line arrives,
 * without sleeping, so nobody has to be woken. That is fast only while each
 * process has a CPU of its own: on one CPU a spinner holds the CPU that the
 * other needs, until it gives way (sched_yield, every 256 pauses).
 *
 * The release store of a counter and the acquire load that sees it are
 * what make the bytes copied before the store visible after the load.
 *
 * The memory is an anonymous shared mapping, inherited across fork: no
 * name, nothing to remove.
 *
 * $ ./bench_spin -s 1,8K -c 0,1
 * mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps
 * spin,roundtrip,1,0/1,11,1000,0.792,0.848,0.650,1.062,0.791,0.862,us,0.000
 * spin,roundtrip,8192,0/1,11,1000,9.124,9.449,6.740,11.537,9.043,10.255,us,0.000
 */
#define _GNU_SOURCE                     /* MAP_ANONYMOUS */
#include "bench.h"
#include "ipclab.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

static const char help[] =
    "usage: bench_spin [-l | -b] [-s SIZES] [-n COUNT] [-m MB] [-t TRIALS] [-c CPU,CPU]\n"
    "Round trips or one-way bandwidth between two processes through a ring of\n"
    "slots in shared memory, the sender and receiver spinning on C11 atomics.\n";

enum { SLOTS = 4, LINE = 64 };

// tag::ring[]
struct direction {
    alignas(LINE) atomic_ulong head;    /* messages sent: the sender writes it */
    alignas(LINE) atomic_ulong tail;    /* messages read: the receiver writes it */
};
// end::ring[]

static struct direction *dir;
static char *slots[2];
static size_t slot_size;

static char *slot(int d, unsigned long i)
{
    return slots[d] + (i % SLOTS) * slot_size;
}

static void spin_open(size_t size, int measure)
{
    (void)measure;
    slot_size = (size + LINE - 1) / LINE * LINE;        /* slots on lines of their own */
    dir = mmap(NULL, 2 * sizeof *dir + 2 * SLOTS * slot_size, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (dir == MAP_FAILED)
        die("mmap");
    slots[PARENT] = (char *)(dir + 2);
    slots[CHILD] = slots[PARENT] + SLOTS * slot_size;
}

// tag::transport[]
static void spin_send(int from, const void *buf, size_t n)
{
    struct direction *d = &dir[from];
    unsigned long head = atomic_load_explicit(&d->head, memory_order_relaxed);
    unsigned spins = 0;

    while (head - atomic_load_explicit(&d->tail, memory_order_acquire) == SLOTS)
        spin_pause(&spins);                             /* the ring is full */
    memcpy(slot(from, head), buf, n);
    atomic_store_explicit(&d->head, head + 1, memory_order_release);
}

static const void *spin_recv(int to, void *buf, size_t n)
{
    struct direction *d = &dir[1 - to];
    unsigned long tail = atomic_load_explicit(&d->tail, memory_order_relaxed);
    unsigned spins = 0;

    (void)buf;
    (void)n;
    while (atomic_load_explicit(&d->head, memory_order_acquire) == tail)
        spin_pause(&spins);                             /* nothing has come */
    return slot(1 - to, tail);
}

static void spin_done(int to)
{
    struct direction *d = &dir[1 - to];
    unsigned long tail = atomic_load_explicit(&d->tail, memory_order_relaxed);

    atomic_store_explicit(&d->tail, tail + 1, memory_order_release);
}
// end::transport[]

static size_t spin_max(void)
{
    return 16 << 20;
}

int main(int argc, char *argv[])
{
    static const struct transport spin_transport = {
        .name = "spin", .help = help, .measures = ROUND_TRIP | ONE_WAY, .min_size = 0,
        .max_size = spin_max, .open = spin_open, .send = spin_send, .recv = spin_recv,
        .done = spin_done,
    };
    return bench_main(argc, argv, &spin_transport);
}
