/* mmap_counter: a counter that a parent's children share through an
 * anonymous mapping, kept exact by a lock in the same mapping. A lab: the
 * statement is at the end of the book's chapter on mmap;
 * `make grade LAB=mmap_counter` grades this file.
 *
 * usage: mmap_counter NPROCS NITERS
 *
 * The parent maps a struct shared: the counter and its lock, a POSIX
 * unnamed semaphore. Then NPROCS children, made by fork, each add 1 to the
 * counter NITERS times, each increment between lock() and unlock(), and the
 * parent prints the total. No file, no key, no name: the memory goes with
 * the last process that maps it, so nothing can be left behind.
 *
 * $ ./mmap_counter 4 100000
 * 4 processes x 100000 increments, in a shared anonymous mapping
 * counter 400000, expected 400000
 */
#define _GNU_SOURCE
#include "ipclab.h"

#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char help[] =
    "usage: mmap_counter NPROCS NITERS\n"
    "NPROCS processes (1 to 64) made by fork each increment a counter NITERS\n"
    "times (1 to 10000000), under a lock; counter and lock are in an anonymous\n"
    "shared mapping that the parent made before the fork.\n";

/* What the processes share: all of it in one mapping. */
struct shared {
    sem_t lock;                         /* a semaphore used as a lock */
    volatile long counter;              /* each increment reads and writes memory */
};

static volatile sig_atomic_t stop;
static struct shared *shared;           /* the mapping */

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* Make the mapping that the children of a later fork share with the
 * parent: counter 0, lock free; its address in shared. On failure, die()
 * says why. */
static void shared_create(void)
{
    //> /* TODO 1: mmap(2) a struct shared with no file behind it (which
    //>  * flags?) that parent and children share after fork. It starts
    //>  * zeroed. Then sem_init(3) its lock: shared between processes,
    //>  * free. */
    //> static struct shared mine;          /* not shared: replace it */
    //> shared = &mine;
    // BEGIN SOLUTION
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                  -1, 0);
    if (shared == MAP_FAILED)
        die("mmap");
    if (sem_init(&shared->lock, 1, 1) == -1)    /* pshared 1: between processes */
        die("sem_init");
    // END SOLUTION
}

/* Take the lock, waiting while another process holds it: 0, or -1 with
 * errno set when the wait failed or a signal (Ctrl-C) interrupted it. */
static int lock(void)
{
    //> /* TODO 2: sem_wait(3) on the lock. */
    //> return 0;
    // BEGIN SOLUTION
    return sem_wait(&shared->lock);
    // END SOLUTION
}

/* Give the lock back: 0, or -1 with errno set. */
static int unlock(void)
{
    //> /* TODO 3: sem_post(3). */
    //> return 0;
    // BEGIN SOLUTION
    return sem_post(&shared->lock);
    // END SOLUTION
}

/* Destroy the lock and unmap the mapping, in the parent, once no child uses
 * them any more. */
static void shared_remove(void)
{
    //> /* TODO 4: sem_destroy(3), then munmap(2); warn_errno() on failure. */
    // BEGIN SOLUTION
    if (sem_destroy(&shared->lock) == -1)
        warn_errno("sem_destroy");
    if (munmap(shared, sizeof *shared) == -1)
        warn_errno("munmap");
    // END SOLUTION
}

/* One process's share: NITERS increments. Returns its exit status. */
static int increment(long niters)
{
    for (long i = 0; i < niters && !stop; i++) {
        if (lock() == -1)
            return errno == EINTR ? 0 : 1;
        long value = shared->counter;
        shared->counter = value + 1;
        if (unlock() == -1)
            return 1;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };
    long nprocs, niters, counter;
    int go[2], failed = 0, n = 0;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind != 2)
        usage_error(argc - optind < 2 ? "missing NPROCS or NITERS" : "too many arguments");
    nprocs = parse_long("nprocs", argv[optind], 1, 64);
    niters = parse_long("niters", argv[optind + 1], 1, 10000000);

    sigaction(SIGINT, &sa, NULL);       /* the children inherit these */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    shared_create();
    printf("%ld processes x %ld increments, in a shared anonymous mapping\n", nprocs, niters);
    fflush(stdout);

    if (pipe(go) == -1)
        die("pipe");
    for (n = 0; n < nprocs; n++) {
        pid_t pid = fork_child();

        if (pid == -1) {
            warn_errno("fork");
            failed = 1;
            break;
        }
        if (pid == 0) {                 /* all start together, when go closes */
            char byte;

            close(go[1]);
            if (read(go[0], &byte, 1) == -1 && errno != EINTR)
                child_exit(1);
            child_exit(stop ? 0 : increment(niters));
        }
    }
    close(go[1]);
    for (int status; n > 0; ) {
        if (wait(&status) == -1) {
            if (errno == EINTR)
                continue;
            die("wait");
        }
        n--;
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    counter = shared->counter;
    shared_remove();
    if (stop)
        fatal("interrupted: counter %ld of %ld", counter, nprocs * niters);
    if (failed)
        fatal("a process failed: counter %ld of %ld", counter, nprocs * niters);
    printf("counter %ld, expected %ld\n", counter, nprocs * niters);
    return EXIT_SUCCESS;
}
