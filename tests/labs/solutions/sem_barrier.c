/* sem_barrier: NPROCS processes go through ROUNDS rounds together: none
 * starts a round before all have finished the one before. The barrier is
 * one System V semaphore set, used again in every round. A lab: the
 * statement is at the end of the book's chapter on semaphores; write the
 * TODOs, then `make grade LAB=sem_barrier`.
 *
 * usage: sem_barrier [-w MS] NPROCS ROUNDS
 *
 * In each round, each process prints "process I round R" (I from 1 to
 * NPROCS, R from 1 to ROUNDS) and then waits at the barrier. With -w MS,
 * process 1 sleeps MS milliseconds before its line, in every round: the
 * others wait for it at the barrier, asleep. The set is private, made and
 * removed by the parent (also after Ctrl-C).
 *
 * $ ./sem_barrier 3 2
 * 3 processes, 2 rounds, barrier: semaphore set 32770
 * process 2 round 1
 * process 1 round 1
 * process 3 round 1
 * process 3 round 2
 * process 1 round 2
 * process 2 round 2
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
#include <sys/wait.h>
#include <time.h>

static const char help[] =
    "usage: sem_barrier [-w MS] NPROCS ROUNDS\n"
    "NPROCS processes (1 to 64) each print a line per round, for ROUNDS rounds\n"
    "(1 to 1000); a barrier of System V semaphores keeps them in step.\n"
    "  -w MS   process 1 sleeps MS milliseconds (0 to 60000) before each line\n";

enum { GATES = 3 };                     /* the semaphores of the set */

static volatile sig_atomic_t stop;
static int semid = -1;                  /* the barrier */
static long nprocs;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* Make the barrier for NPROCS processes: a private set of GATES semaphores,
 * the first two at nprocs and the third at 0; its id in semid. die() on
 * failure. */
static void barrier_create(void)
{
    //> /* TODO 1: semget(2) a private set of GATES semaphores, then give
    //>  * them their first values with semctl(2) SETALL. */
    // BEGIN SOLUTION
    unsigned short values[GATES] = { nprocs, nprocs, 0 };

    if ((semid = semget(IPC_PRIVATE, GATES, IPC_CREAT | 0600)) == -1)
        die("semget");
    if (semctl(semid, 0, SETALL, (union semun){ .array = values }) == -1)
        die("semctl SETALL");
    // END SOLUTION
}

/* semop(2) of the N operations OPS, waiting again after a stop and continue
 * (EINTR, no Ctrl-C seen): 0, or -1 with errno (EINTR after Ctrl-C, EIDRM
 * when the parent removed the set). */
static int change(struct sembuf *ops, size_t n)
{
    int rc;

    while ((rc = semop(semid, ops, n)) == -1 && errno == EINTR && !stop)
        ;
    return rc;
}

/* Wait until all NPROCS processes have called barrier_wait(ROUND) (ROUND
 * from 0). The gate of round R is semaphore R % 3, at nprocs when the round
 * starts: each process takes 1 from it and waits until it is 0. Passing,
 * it gives 1 to the gate of round R + 2, which nobody uses now: all have
 * left round R - 1, or none would be at the gate of round R. The gate of
 * round R + 1 could not be refilled so: a fast process would take from it
 * before a slow one had given to it. 0, or -1 with errno. */
static int barrier_wait(int round)
{
    //> /* TODO 2: two semops: take 1 from gate round % GATES; then, in one
    //>  * semop, wait until that gate is 0 and give 1 to gate
    //>  * (round + 2) % GATES. change() does a semop. */
    //> (void)round, (void)change;
    //> return 0;
    // BEGIN SOLUTION
    struct sembuf arrive = { .sem_num = round % GATES, .sem_op = -1 };
    struct sembuf leave[2] = {
        { .sem_num = round % GATES, .sem_op = 0 },
        { .sem_num = (round + 2) % GATES, .sem_op = +1 },
    };

    if (change(&arrive, 1) == -1)
        return -1;
    return change(leave, 2);
    // END SOLUTION
}

/* Remove the barrier. main() arranges for it to run once, in the parent,
 * at exit: also after Ctrl-C. */
static void barrier_remove(void)
{
    //> /* TODO 3: semctl(2) IPC_RMID; warn_errno() if that fails. */
    // BEGIN SOLUTION
    if (semid != -1 && semctl(semid, 0, IPC_RMID) == -1)
        warn_errno("semctl IPC_RMID");
    // END SOLUTION
}

/* Process I (from 1): ROUNDS rounds, the first one sleeping WAIT_MS before
 * each line. Its exit status. */
static int run(int i, long rounds, long wait_ms)
{
    for (int round = 0; round < rounds && !stop; round++) {
        struct timespec left = { .tv_sec = wait_ms / 1000, .tv_nsec = wait_ms % 1000 * 1000000 };

        if (i == 1)
            while (nanosleep(&left, &left) == -1 && errno == EINTR && !stop)
                ;
        if (stop)
            break;
        if (printf("process %d round %d\n", i, round + 1) < 0 || fflush(stdout) == EOF)
            return 1;
        if (barrier_wait(round) == -1)
            return errno == EINTR || errno == EIDRM ? 0 : (warn_errno("semop"), 1);
    }
    return 0;
}

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };   /* no SA_RESTART */
    long rounds, wait_ms = 0;
    int failed = 0, n, opt;

    while ((opt = next_option(argc, argv, "w:", help)) != -1)
        wait_ms = parse_long("MS", optarg, 0, 60000);
    if (argc - optind != 2)
        usage_error(argc - optind < 2 ? "missing NPROCS or ROUNDS" : "too many arguments");
    nprocs = parse_long("NPROCS", argv[optind], 1, 64);
    rounds = parse_long("ROUNDS", argv[optind + 1], 1, 1000);

    sigaction(SIGINT, &sa, NULL);       /* the children inherit these */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    atexit(barrier_remove);             /* the parent's alone: see fork_child */
    barrier_create();
    printf("%ld processes, %ld rounds, barrier: semaphore set %d\n", nprocs, rounds, semid);
    fflush(stdout);

    for (n = 0; n < nprocs; n++) {
        pid_t pid = fork_child();

        if (pid == -1) {
            warn_errno("fork");
            failed = 1;
            break;
        }
        if (pid == 0)
            child_exit(run(n + 1, rounds, wait_ms));
    }
    if (failed)                         /* the others would wait for ever */
        barrier_remove(), semid = -1;
    for (int status; n > 0; ) {
        if (wait(&status) == -1) {
            if (errno == EINTR && stop && semid != -1)
                barrier_remove(), semid = -1;   /* a child that missed the signal: EIDRM */
            if (errno == EINTR)
                continue;
            die("wait");
        }
        n--;
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    if (stop)
        fatal("interrupted");
    if (failed)
        fatal("a process failed");
    return EXIT_SUCCESS;
}
