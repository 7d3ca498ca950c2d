/* sem_lock: a counter in shared memory, kept exact by a lock that outlives
 * its holder. A lab: the statement is at the end of the book's chapter on
 * semaphores; `make grade LAB=sem_lock` grades this file.
 *
 * usage: sem_lock [--crash] NPROCS NITERS
 *
 * NPROCS processes each add 1 to a counter in a shared memory segment,
 * NITERS times, each increment between lock() and unlock(). The lock is one
 * System V semaphore. With --crash, the first process dies halfway through
 * its share while it holds the lock: the others must still finish, and the
 * total must be exact for what was done.
 *
 * $ ./sem_lock 4 20000
 * 4 processes x 20000 increments, lock: semaphore set 32770
 * counter 80000, expected 80000
 * $ ./sem_lock --crash 3 20000
 * 3 processes x 20000 increments, lock: semaphore set 32771
 * process 1 died holding the lock
 * counter 50000, expected 50000
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "semun.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

static const char help[] =
    "usage: sem_lock [--crash] NPROCS NITERS\n"
    "NPROCS processes (1 to 64) each increment a counter in shared memory\n"
    "NITERS times (1 to 10000000) under a lock made of one semaphore.\n"
    "--crash: the first process dies holding the lock, halfway through.\n";

enum { CRASHED = 3 };                   /* the exit status of the process that dies */

static volatile sig_atomic_t stop;
static int semid = -1;                  /* the lock */

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* Make the lock: a new set of one semaphore, unlocked (value 1), its id in
 * semid. On failure, die() says why. */
static void lock_create(void)
{
    //> /* TODO 1: semget(2) a private set of one semaphore, then set its
    //>  * value to 1 with semctl(2) SETVAL (union semun is in semun.h). */
    // BEGIN SOLUTION
    union semun arg = { .val = 1 };

    semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    if (semid == -1)
        die("semget");
    if (semctl(semid, 0, SETVAL, arg) == -1)
        die("semctl SETVAL");
    // END SOLUTION
}

/* Take the lock, waiting while another process holds it: 0, or -1 with
 * errno set when the wait failed or a signal (Ctrl-C) interrupted it. */
static int lock(void)
{
    //> /* TODO 2: semop(2): take 1 from semaphore 0. What happens to the
    //>  * others if this process dies while it holds the lock? */
    //> return 0;
    // BEGIN SOLUTION
    /* SEM_UNDO: if this process dies holding the lock, the kernel gives it back */
    struct sembuf take = { .sem_num = 0, .sem_op = -1, .sem_flg = SEM_UNDO };

    return semop(semid, &take, 1);
    // END SOLUTION
}

/* Give the lock back: 0, or -1 with errno set. */
static int unlock(void)
{
    //> /* TODO 3: semop(2): give 1 back to semaphore 0, so that the undo
    //>  * count of this process ends where it began. */
    //> return 0;
    // BEGIN SOLUTION
    struct sembuf give = { .sem_num = 0, .sem_op = +1, .sem_flg = SEM_UNDO };

    return semop(semid, &give, 1);
    // END SOLUTION
}

/* Remove the lock. main() arranges for it to run once, in the parent, at
 * exit: also after Ctrl-C. */
static void lock_remove(void)
{
    //> /* TODO 4: remove the set (semctl(2) IPC_RMID); warn_errno() if
    //>  * that fails. */
    // BEGIN SOLUTION
    if (semid != -1 && semctl(semid, 0, IPC_RMID) == -1)
        warn_errno("semctl IPC_RMID");
    // END SOLUTION
}

/* One process's share: NITERS increments; with CRASH, half of them, and
 * then it dies holding the lock. Returns its exit status. */
static int increment(volatile long *counter, long niters, int crash)
{
    for (long i = 0; i < niters && !stop; i++) {
        if (lock() == -1)
            return errno == EINTR ? 0 : 1;
        if (crash && i == niters / 2)
            child_exit(CRASHED);        /* dies holding the lock */
        long value = *counter;
        *counter = value + 1;
        if (unlock() == -1)
            return 1;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };
    int crash = 0, shmid, failed = 0, n = 0;
    long nprocs, niters, expected;
    volatile long *counter;

    static const struct option longopts[] = {
        { "crash", no_argument, NULL, 'C' },    /* no short form */
        { NULL, 0, NULL, 0 },
    };

    while (next_long_option(argc, argv, "", longopts, help) != -1)
        crash = 1;                      /* --crash, the only option */
    if (argc - optind != 2)
        usage_error(argc - optind < 2 ? "missing NPROCS or NITERS" : "too many arguments");
    nprocs = parse_long("nprocs", argv[optind], 1, 64);
    niters = parse_long("niters", argv[optind + 1], 1, 10000000);
    expected = nprocs * niters - (crash ? niters - niters / 2 : 0);

    sigaction(SIGINT, &sa, NULL);       /* the children inherit these */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    shmid = shmget(IPC_PRIVATE, sizeof *counter, IPC_CREAT | 0600);
    if (shmid == -1)
        die("shmget");
    counter = shmat(shmid, NULL, 0);
    if (counter == (void *)-1)
        die("shmat");
    if (shmctl(shmid, IPC_RMID, NULL) == -1)    /* gone when the last one detaches */
        die("shmctl IPC_RMID");
    atexit(lock_remove);                /* the parent's alone: see fork_child */
    lock_create();
    printf("%ld processes x %ld increments, lock: semaphore set %d\n", nprocs, niters, semid);
    fflush(stdout);

    for (n = 0; n < nprocs; n++) {
        pid_t pid = fork_child();

        if (pid == -1) {
            warn_errno("fork");
            failed = 1;
            break;
        }
        if (pid == 0)
            child_exit(increment(counter, niters, crash && n == 0));
    }
    for (int status; n > 0; ) {
        if (wait(&status) == -1) {
            if (errno == EINTR)
                continue;
            die("wait");
        }
        n--;
        if (crash && WIFEXITED(status) && WEXITSTATUS(status) == CRASHED)
            printf("process 1 died holding the lock\n");
        else
            failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    if (stop)
        fatal("interrupted: counter %ld of %ld", *counter, expected);
    if (failed)
        fatal("a process failed: counter %ld of %ld", *counter, expected);
    printf("counter %ld, expected %ld\n", *counter, expected);
    return EXIT_SUCCESS;
}
