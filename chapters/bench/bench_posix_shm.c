/* bench_posix_shm: POSIX shared memory and process-shared semaphores (sem_t).
 *
 * usage: bench_posix_shm [-l | -b] [-s SIZES] [-n COUNT] [-m MB] [-t TRIALS] [-c CPU,CPU]
 *
 * A shm_open object holds a ring of 4 slots each way and, beside them, two
 * unnamed semaphores per direction, made with sem_init(..., 1, ...) as in
 * chapters/posix: "full" counts the slots that hold a message, "empty" those
 * that are free. The sender waits on empty, copies its message into the
 * next slot and posts full; the receiver waits on full, reads the message
 * in the slot and posts empty. A sem_t is a counter in the shared memory:
 * when it need not wait, sem_wait and sem_post are one atomic instruction
 * each, and only a sleeper costs a system call (futex) and a wake-up.
 *
 * The object is unlinked as soon as it is mapped, before the fork: the
 * mappings keep it, and nothing is left in /dev/shm however the run ends.
 *
 * $ ./bench_posix_shm -s 1,8K -c 0,0
 * mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps
 * posix_shm,roundtrip,1,0/0,11,1000,4.286,4.672,4.176,7.271,4.257,4.306,us,0.534
 * posix_shm,roundtrip,8192,0/0,11,1000,4.977,5.282,4.827,7.181,4.917,4.987,us,0.445
 */
#define _GNU_SOURCE
#include "bench.h"
#include "ipclab.h"

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static const char help[] =
    "usage: bench_posix_shm [-l | -b] [-s SIZES] [-n COUNT] [-m MB] [-t TRIALS] [-c CPU,CPU]\n"
    "Round trips or one-way bandwidth between two processes through a ring of\n"
    "slots in a POSIX shared memory object, counted by process-shared sem_t.\n";

enum { SLOTS = 4 };

struct direction {                      /* one of the two, in the shared memory */
    sem_t full, empty;
};

static struct direction *dir;           /* dir[PARENT]: requests; dir[CHILD]: replies */
static char *slots[2];
static size_t slot_size;
static unsigned long sent[2], taken[2]; /* this process's own positions */

static void wait_on(sem_t *sem)
{
    while (sem_wait(sem) == -1)
        if (errno != EINTR)
            die("sem_wait");
}

static char *slot(int d, unsigned long i)
{
    return slots[d] + (i % SLOTS) * slot_size;
}

// tag::transport[]
static void pshm_open_both(size_t size, int measure)
{
    char name[64];
    size_t total = 2 * sizeof *dir + 2 * SLOTS * size;
    int fd;

    (void)measure;
    snprintf(name, sizeof name, "/ipclab-bench-%ld", (long)getpid());
    fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd == -1)
        die("shm_open: %s", name);
    if (shm_unlink(name) == -1)         /* the mapping keeps it from here on */
        die("shm_unlink: %s", name);
    errno = posix_fallocate(fd, 0, (off_t)total);  /* a full /dev/shm: ENOSPC, not SIGBUS */
    if (errno != 0)
        die("posix_fallocate");
    dir = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (dir == MAP_FAILED)
        die("mmap");
    close(fd);
    slot_size = size;
    slots[PARENT] = (char *)(dir + 2);
    slots[CHILD] = slots[PARENT] + SLOTS * size;
    for (int d = 0; d < 2; d++)
        if (sem_init(&dir[d].full, 1, 0) == -1 || sem_init(&dir[d].empty, 1, SLOTS) == -1)
            die("sem_init");
}

static void pshm_send(int from, const void *buf, size_t n)
{
    wait_on(&dir[from].empty);
    memcpy(slot(from, sent[from]++), buf, n);
    sem_post(&dir[from].full);
}

static const void *pshm_recv(int to, void *buf, size_t n)
{
    (void)buf;
    (void)n;
    wait_on(&dir[1 - to].full);
    return slot(1 - to, taken[1 - to]);     /* read in place */
}

static void pshm_done(int to)
{
    taken[1 - to]++;
    sem_post(&dir[1 - to].empty);           /* the slot may be written again */
}
// end::transport[]

static size_t pshm_max(void)
{
    return 16 << 20;
}

int main(int argc, char *argv[])
{
    static const struct transport pshm_transport = {
        .name = "posix_shm", .help = help, .measures = ROUND_TRIP | ONE_WAY, .min_size = 0,
        .max_size = pshm_max, .open = pshm_open_both, .send = pshm_send, .recv = pshm_recv,
        .done = pshm_done,
    };
    return bench_main(argc, argv, &pshm_transport);
}
