/* sem_rwlock: a readers/writer lock from one semaphore set: many readers
 * at once, or one writer. A lab: the statement is at the end of the book's
 * chapter on semaphores; write the TODOs, then `make grade LAB=sem_rwlock`.
 *
 * usage: sem_rwlock [-r READERS] [-w WRITERS] [-n ROUNDS] [-t MICROSECONDS] PATH
 *
 * The lock is the set of two semaphores with the key ftok(PATH, 'w'):
 * semaphore 0 counts the readers that hold it, semaphore 1 is 1 while a
 * writer holds it. A new set is all zeros, which is the lock free: there is
 * nothing to initialise, and so no initialisation race. The set is made if
 * it is not there (and then removed at the end, also after Ctrl-C), or
 * used as it is.
 * WRITERS processes (default 1) each write a record in shared memory ROUNDS
 * times (default 100): all its numbers set to the next value, in two halves
 * with a pause of MICROSECONDS (default 1000) between them. READERS
 * processes (default 2) each read it ROUNDS times, holding the lock as long:
 * a record whose numbers differ is torn, read in the middle of a write.
 *
 * $ ./sem_rwlock -r 3 -w 2 -n 200 app.conf
 * lock: semaphore set 98307 (made here)
 * writes 400 of 400, torn reads 0 of 600
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>

static const char help[] =
    "usage: sem_rwlock [-r READERS] [-w WRITERS] [-n ROUNDS] [-t MICROSECONDS] PATH\n"
    "READERS and WRITERS processes (default 2 and 1) read and write a record in\n"
    "shared memory ROUNDS times each (default 100) under a readers/writer lock,\n"
    "the set of two semaphores with the key ftok(PATH, 'w'); a write takes\n"
    "MICROSECONDS (default 1000) between its halves, and a read as long.\n";

enum { READERS = 0, WRITER = 1 };       /* the set's two semaphores */
enum { FIELDS = 64 };

struct record {
    long field[FIELDS];                 /* all equal, but in the middle of a write */
    long writes, reads, torn;           /* counted under the lock */
};

static volatile sig_atomic_t stop;
static int semid = -1, made_here;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* One semop(2) of the N operations OPS on the lock: 0, or -1 with errno
 * (EINTR after Ctrl-C; a stop and continue, Ctrl-Z then fg, goes on). */
static int lock_op(struct sembuf *ops, size_t n)
{
    int rc;

    while ((rc = semop(semid, ops, n)) == -1 && errno == EINTR && !stop)
        ;
    return rc;
}

/* Each function takes or gives the lock in ONE semop: its operations are
 * done all together, or it waits until they all can be. SEM_UNDO on every
 * change: a process that dies holding the lock gives it back. */
static int read_lock(void)
{
    //> /* TODO 1: wait until no writer holds the lock (an operation of 0 waits
    //>  * for zero), and count one more reader: two sembufs, one semop
    //>  * with lock_op(). */
    //> (void)lock_op;      /* until you use it */
    //> return 0;
    // BEGIN SOLUTION
    struct sembuf ops[] = {
        { .sem_num = WRITER, .sem_op = 0, .sem_flg = 0 },
        { .sem_num = READERS, .sem_op = +1, .sem_flg = SEM_UNDO },
    };

    return lock_op(ops, 2);
    // END SOLUTION
}

static int read_unlock(void)
{
    //> /* TODO 2: one reader fewer. */
    //> return 0;
    // BEGIN SOLUTION
    struct sembuf op = { .sem_num = READERS, .sem_op = -1, .sem_flg = SEM_UNDO };

    return lock_op(&op, 1);
    // END SOLUTION
}

static int write_lock(void)
{
    //> /* TODO 3: wait until no reader and no writer holds the lock, and
    //>  * take it as the writer. */
    //> return 0;
    // BEGIN SOLUTION
    struct sembuf ops[] = {
        { .sem_num = READERS, .sem_op = 0, .sem_flg = 0 },
        { .sem_num = WRITER, .sem_op = 0, .sem_flg = 0 },
        { .sem_num = WRITER, .sem_op = +1, .sem_flg = SEM_UNDO },
    };

    return lock_op(ops, 3);
    // END SOLUTION
}

static int write_unlock(void)
{
    //> /* TODO 4: give the lock back. */
    //> return 0;
    // BEGIN SOLUTION
    struct sembuf op = { .sem_num = WRITER, .sem_op = -1, .sem_flg = SEM_UNDO };

    return lock_op(&op, 1);
    // END SOLUTION
}

/* The set for KEY: made here if it is not there (it starts at zeros: free). */
static void lock_get(key_t key)
{
    semid = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
    made_here = semid != -1;
    if (semid == -1 && errno == EEXIST)
        semid = semget(key, 2, 0);
    if (semid == -1)
        die("semget");
}

static void lock_remove(void)
{
    if (made_here && semctl(semid, 0, IPC_RMID) == -1)
        warn_errno("semctl IPC_RMID");
}

static void pause_for(long microseconds)
{
    struct timespec ts = { microseconds / 1000000, microseconds % 1000000 * 1000 };

    nanosleep(&ts, NULL);
}

/* One process's rounds, as a writer or a reader; its exit status. */
static int work(struct record *r, long rounds, long pause, int writer)
{
    for (long i = 0; i < rounds && !stop; i++) {
        if ((writer ? write_lock() : read_lock()) == -1)
            return errno == EINTR ? 0 : 1;
        if (writer) {
            long value = r->field[0] + 1;

            for (int f = 0; f < FIELDS / 2; f++)
                r->field[f] = value;
            pause_for(pause);                   /* half written */
            for (int f = FIELDS / 2; f < FIELDS; f++)
                r->field[f] = value;
            r->writes++;
        } else {
            long first = r->field[0];
            int torn = 0;

            pause_for(pause);
            for (int f = 1; f < FIELDS; f++)
                torn |= r->field[f] != first;
            __atomic_add_fetch(&r->reads, 1, __ATOMIC_SEQ_CST);   /* readers share */
            __atomic_add_fetch(&r->torn, torn, __ATOMIC_SEQ_CST);
        }
        if ((writer ? write_unlock() : read_unlock()) == -1)
            return 1;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };   /* no SA_RESTART */
    long readers = 2, writers = 1, rounds = 100, pause = 1000;
    int opt, shmid, failed = 0, n;
    struct record *r;
    key_t key;

    while ((opt = next_option(argc, argv, "r:w:n:t:", help)) != -1) {
        if (opt == 'r')
            readers = parse_long("readers", optarg, 0, 32);
        else if (opt == 'w')
            writers = parse_long("writers", optarg, 0, 32);
        else if (opt == 'n')
            rounds = parse_long("rounds", optarg, 1, 1000000);
        else
            pause = parse_long("microseconds", optarg, 0, 1000000);
    }
    if (argc - optind != 1)
        usage_error(optind == argc ? "missing PATH" : "too many arguments");
    if ((key = ftok(argv[optind], 'w')) == -1)
        die("ftok %s", argv[optind]);
    sigaction(SIGINT, &sa, NULL);       /* the children inherit these */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    shmid = shmget(IPC_PRIVATE, sizeof *r, IPC_CREAT | 0600);
    if (shmid == -1)
        die("shmget");
    r = shmat(shmid, NULL, 0);
    if (r == (void *)-1)
        die("shmat");
    if (shmctl(shmid, IPC_RMID, NULL) == -1)    /* gone when the last one detaches */
        die("shmctl IPC_RMID");
    atexit(lock_remove);                /* the parent's alone: see fork_child */
    lock_get(key);
    printf("lock: semaphore set %d (%s)\n", semid, made_here ? "made here" : "already there");
    fflush(stdout);

    for (n = 0; n < readers + writers; n++) {
        pid_t pid = fork_child();

        if (pid == -1) {
            warn_errno("fork");
            failed = 1;
            break;
        }
        if (pid == 0)
            child_exit(work(r, rounds, pause, n >= readers));
    }
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
        fatal("interrupted");
    if (failed)
        fatal("a process failed");
    printf("writes %ld of %ld, torn reads %ld of %ld\n", r->writes, writers * rounds, r->torn,
           r->reads);
    return EXIT_SUCCESS;
}
