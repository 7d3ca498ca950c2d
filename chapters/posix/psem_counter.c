/* psem_counter: a counter in shared memory, locked by an unnamed semaphore.
 *
 * usage: psem_counter [--no-lock] NPROCS NITERS
 *
 * The POSIX twin of sem_counter. NPROCS processes each add 1 to a counter
 * NITERS times; "add 1" is read, add, write back, and without a lock two
 * processes that read the same value lose an increment. The lock here is a
 * sem_t that lives in the shared memory itself, beside the counter:
 * sem_init(&lock, 1, 1) makes it, pshared 1 saying that several processes
 * will use it, and then sem_wait and sem_post are P and V. It has no name
 * and no kernel object of its own: it goes when the memory goes, so there
 * is nothing to remove, even after Ctrl-C. The memory is an anonymous shared
 * mapping, which the children inherit across fork. A second semaphore there,
 * "start", holds the children until all are forked, so that they overlap.
 * A child dies with its parent (PR_SET_PDEATHSIG): `kill -INT PID` of the
 * parent alone leaves no orphans counting on, or waiting for "start" forever.
 *
 * $ ./psem_counter --no-lock 4 10000000
 * 4 processes x 10000000 increments, without a lock
 * counter 18899534, expected 40000000: 21100466 increments lost
 * $ ./psem_counter 4 100000
 * 4 processes x 100000 increments, with an unnamed semaphore
 * counter 400000, expected 400000
 */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE                 /* MAP_ANONYMOUS */
#include "ipclab.h"

#include <errno.h>
#include <semaphore.h>
#include <signal.h>              /* SIGTERM */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

static const char help[] =
    "usage: psem_counter [--no-lock] NPROCS NITERS\n"
    "NPROCS processes (1 to 64) each increment a counter in shared memory\n"
    "NITERS times (1 to 10000000), each increment between sem_wait and\n"
    "sem_post of an unnamed semaphore in the same memory, or with --no-lock\n"
    "without it, and the total is printed.\n";

// tag::shared[]
struct shared {
    sem_t lock;                 /* the semaphore lives in the shared memory */
    sem_t start;                /* 0 until all are forked: they start together */
    volatile long counter;
};
// end::shared[]

// tag::child[]
static int increment(struct shared *sh, long niters, int lock)
{
    if (sem_wait(&sh->start) == -1)     /* else each may finish before the next forks */
        return 1;
    for (long i = 0; i < niters; i++) {
        if (lock && sem_wait(&sh->lock) == -1)          // <1>
            return 1;
        long value = sh->counter;
        sh->counter = value + 1;
        if (lock && sem_post(&sh->lock) == -1)          // <2>
            return 1;
    }
    return 0;
}
// end::child[]

int main(int argc, char *argv[])
{
    int lock = 1, failed = 0, n;
    pid_t parent = getpid();
    long nprocs, niters;
    struct shared *sh;

    static const struct option longopts[] = {
        { "no-lock", no_argument, NULL, 'L' },                  /* no short form */
        { NULL, 0, NULL, 0 },
    };

    while (next_long_option(argc, argv, "", longopts, help) != -1)
        lock = 0;                       /* --no-lock, the only option */
    if (argc - optind != 2)
        usage_error(argc - optind < 2 ? "missing NPROCS or NITERS" : "too many arguments");
    nprocs = parse_long("nprocs", argv[optind], 1, 64);
    niters = parse_long("niters", argv[optind + 1], 1, 10000000);

    // tag::setup[]
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        die("mmap");
    if (sem_init(&sh->lock, /* pshared= */ 1, /* value= */ 1) == -1)    // <1>
        die("sem_init");
    // end::setup[]
    if (sem_init(&sh->start, 1, 0) == -1)
        die("sem_init");
    printf("%ld processes x %ld increments, %s\n", nprocs, niters,
           lock ? "with an unnamed semaphore" : "without a lock");
    fflush(stdout);

    for (n = 0; n < nprocs; n++) {
        pid_t pid = fork();

        if (pid == -1) {
            warn_errno("fork");
            failed = 1;
            break;
        }
        if (pid == 0) {
            /* SIGTERM when the parent dies; if it died before this line, getppid() says so */
            if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
                _exit(1);
            _exit(increment(sh, niters, lock));
        }
    }
    for (int i = 0; i < n; i++)         /* go */
        if (sem_post(&sh->start) == -1)
            die("sem_post");
    for (int status; n > 0; n--) {
        if (wait(&status) == -1)
            die("wait");
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    if (failed)
        fatal("a process failed: counter %ld of %ld", sh->counter, nprocs * niters);
    printf("counter %ld, expected %ld", sh->counter, nprocs * niters);
    if (sh->counter != nprocs * niters)
        printf(": %ld increments lost", nprocs * niters - sh->counter);
    printf("\n");
    sem_destroy(&sh->lock);             /* nobody uses them any more */
    sem_destroy(&sh->start);
    return EXIT_SUCCESS;
}
