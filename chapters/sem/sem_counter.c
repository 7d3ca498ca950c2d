/* sem_counter: a counter in shared memory, with and without a lock.
 *
 * usage: sem_counter [--no-lock] NPROCS NITERS
 *
 * NPROCS processes each add 1 to a counter in a System V shared memory
 * segment, NITERS times. "Add 1" is three steps, read, add, write back:
 * when two processes read the same value, both write back value + 1, and
 * one increment is lost. With the lock (a binary semaphore: P before the
 * three steps, V after, from libsysvipc.a) one process at a time runs them
 * and the total is exact, every time. With --no-lock the total usually falls
 * short, by how much depends on the machine and the moment (on one core
 * it may even come out right).
 * The segment is marked for removal as soon as it is attached, so that it
 * goes away with the last process; the semaphore set is removed at exit,
 * also after Ctrl-C.
 *
 * $ ./sem_counter --no-lock 4 10000000
 * 4 processes x 10000000 increments, without a lock
 * counter 25101993, expected 40000000: 14898007 increments lost
 * $ ./sem_counter 4 100000
 * 4 processes x 100000 increments, with a lock (semaphore set 1310772)
 * counter 400000, expected 400000
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "sysvipc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>

static const char help[] =
    "usage: sem_counter [--no-lock] NPROCS NITERS\n"
    "NPROCS processes (1 to 64) each increment a counter in shared memory\n"
    "NITERS times (1 to 10000000), each increment inside P/V of a binary\n"
    "semaphore, or with --no-lock without it, and the total is printed.\n";

static volatile sig_atomic_t stop;
static int semid = -1;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void remove_lock(void)
{
    if (semid != -1)                    /* the parent's alone: see fork_child */
        sysv_semrm(semid);
}

// tag::child[]
/* One process's share of the work; returns its exit status. */
static int increment(volatile long *counter, long niters, int lock)
{
    for (long i = 0; i < niters && !stop; i++) {
        if (lock && sysv_sem_reserve(semid, 0) == -1)       // <1>
            return errno == EINTR ? 0 : 1;
        long value = *counter;                              // <2>
        *counter = value + 1;
        if (lock && sysv_sem_release(semid, 0) == -1)       // <3>
            return 1;
    }
    return 0;
}
// end::child[]

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };
    int lock = 1, shmid, go[2], failed = 0, n = 0;
    long nprocs, niters;
    volatile long *counter;

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

    sigaction(SIGINT, &sa, NULL);       /* the children inherit these */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    // tag::setup[]
    shmid = shmget(IPC_PRIVATE, sizeof *counter, IPC_CREAT | 0600);
    if (shmid == -1)
        die("shmget");
    counter = shmat(shmid, NULL, 0);
    if (counter == (void *)-1)
        die("shmat");
    if (shmctl(shmid, IPC_RMID, NULL) == -1)    /* gone when the last one detaches */
        die("shmctl IPC_RMID");
    if (lock) {
        atexit(remove_lock);
        semid = sysv_semget(NULL, IPC_PRIVATE, 1, 1, 0600);  // <1>
        if (semid == -1)
            exit(EXIT_CALL_FAILED);
    }
    // end::setup[]
    printf("%ld processes x %ld increments, ", nprocs, niters);
    if (lock)
        printf("with a lock (semaphore set %d)\n", semid);
    else
        printf("without a lock\n");
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
            child_exit(stop ? 0 : increment(counter, niters, lock));
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
    if (stop)
        fatal("interrupted: counter %ld of %ld", *counter, nprocs * niters);
    if (failed)
        fatal("a process failed: counter %ld of %ld", *counter, nprocs * niters);
    printf("counter %ld, expected %ld", *counter, nprocs * niters);
    if (*counter != nprocs * niters)
        printf(": %ld increments lost", nprocs * niters - *counter);
    printf("\n");
    return EXIT_SUCCESS;
}
