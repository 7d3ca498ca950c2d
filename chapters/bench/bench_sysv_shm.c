/* bench_sysv_shm: a round trip through System V shared memory, woken by
 * two System V semaphores.
 *
 * usage: bench_sysv_shm [-l] [-s SIZES] [-n COUNT] [-t TRIALS] [-c CPU,CPU]
 *
 * The segment holds two buffers, one for the request and one for the reply.
 * The sender copies its message into its buffer and adds 1 to its semaphore
 * (semop, a system call); the receiver's semop, waiting to take 1 from it,
 * returns, and it reads the message where it lies: one copy per message,
 * not two, but still two system calls and a wake-up. Two semaphores are
 * enough for a ping-pong: a reply tells the client that its request was
 * read, so no semaphore needs to say that a buffer is free (a stream does:
 * see bench_posix_shm). Round trips only.
 *
 * The segment is marked for removal (IPC_RMID) as soon as it is attached,
 * so it goes when both processes detach, as in chapters/shm; the semaphore
 * set is removed at the end, on Ctrl-C and when either process dies.
 *
 * $ ./bench_sysv_shm -s 1,8K -c 0,0
 * mechanism,measure,bytes,cpus,trials,count,median,mean,best,p99,trial_lo,trial_hi,unit,sleeps
 * sysv_shm,roundtrip,1,0/0,11,1000,4.988,5.157,4.907,5.858,4.987,4.998,us,0.479
 * sysv_shm,roundtrip,8192,0/0,11,1000,5.678,5.797,5.568,6.579,5.668,5.689,us,0.281
 */
#define _GNU_SOURCE
#include "bench.h"
#include "ipclab.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/shm.h>

static const char help[] =
    "usage: bench_sysv_shm [-l] [-s SIZES] [-n COUNT] [-t TRIALS] [-c CPU,CPU]\n"
    "Round trips between two processes through a System V shared memory\n"
    "segment, each message announced by a System V semaphore.\n";

static char *buffer[2];                 /* buffer[PARENT]: requests; [CHILD]: replies */
static int semid = -1;                  /* semaphore N: buffer N holds a message */

static void post(int sem, int delta)
{
    struct sembuf op = { .sem_num = (unsigned short)sem, .sem_op = (short)delta };

    while (semop(semid, &op, 1) == -1)
        if (errno != EINTR)
            die("semop");
}

// tag::transport[]
static void shm_open_both(size_t size, int measure)
{
    (void)measure;                      /* round trips only */
    int shmid = shmget(IPC_PRIVATE, 2 * size + 1, IPC_CREAT | 0600);
    if (shmid == -1)
        die("shmget");
    buffer[PARENT] = shmat(shmid, NULL, 0);
    if (buffer[PARENT] == (void *)-1)
        die("shmat");
    shmctl(shmid, IPC_RMID, NULL);      /* gone when the last process detaches */
    buffer[CHILD] = buffer[PARENT] + size;
    semid = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);   /* both 0, on Linux */
    if (semid == -1)
        die("semget");
}

static void shm_send(int from, const void *buf, size_t n)
{
    memcpy(buffer[from], buf, n);
    post(from, +1);                     /* "buffer FROM holds a message" */
}

static const void *shm_recv(int to, void *buf, size_t n)
{
    (void)buf;
    (void)n;
    post(1 - to, -1);                   /* wait for the other side's message */
    return buffer[1 - to];              /* and read it where it is */
}

static void shm_close(void)
{
    semctl(semid, 0, IPC_RMID);
}
// end::transport[]

static size_t shm_max(void)
{
    return 64 << 20;
}

int main(int argc, char *argv[])
{
    static const struct transport shm_transport = {
        .name = "sysv_shm", .help = help, .measures = ROUND_TRIP, .min_size = 0,
        .max_size = shm_max, .open = shm_open_both, .send = shm_send, .recv = shm_recv,
        .close = shm_close,
    };
    return bench_main(argc, argv, &shm_transport);
}
