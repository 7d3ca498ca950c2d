/* shm_ring: lines from one process to another through a ring of slots in
 * shared memory, with two counting semaphores. A lab: the statement is at
 * the end of the book's chapter on shared memory; write the TODOs, then
 * `make grade LAB=shm_ring`.
 *
 * usage: shm_ring PATH
 *
 * The ring (a segment) and its two semaphores (one set) have the key
 * ftok(PATH, 'r'), made here (IPC_EXCL: not shared with an earlier run).
 * A child process takes the lines out of the ring and prints them; this
 * process puts in each line read from stdin (up to SLOT_TEXT - 1 bytes: a
 * longer one goes in pieces), and at the end of input a slot that says so.
 * The ring has RING_SLOTS slots: the producer waits while all are full, the
 * consumer while all are empty. Both objects are removed at the end, also
 * after Ctrl-C.
 *
 * $ printf 'one\ntwo\n' | ./shm_ring app.conf
 * one
 * two
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "semun.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

static const char help[] =
    "usage: shm_ring PATH\n"
    "Pass each line of stdin to a child process through a ring of slots in a\n"
    "shared memory segment, with the key ftok(PATH, 'r'); the child prints it.\n";

enum { RING_SLOTS = 4, SLOT_TEXT = 256 };
enum { FREE_SLOTS = 0, FULL_SLOTS = 1 };        /* the two semaphores of the set */

struct ring {
    unsigned int head;                  /* the next slot to fill: the producer's */
    unsigned int tail;                  /* the next slot to empty: the consumer's */
    struct {
        int end;                        /* 1: no more lines */
        char text[SLOT_TEXT];           /* a line, NUL-terminated */
    } slot[RING_SLOTS];
};

static volatile sig_atomic_t stop;
static int shmid = -1, semid = -1;
static struct ring *ring;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* semop(2) of OP on semaphore NUM: 0, or -1 with errno (EINTR after Ctrl-C).
 * A wait is interrupted by a signal, but also when the process is stopped
 * and continued (Ctrl-Z, then fg): it goes on then. */
static int change(unsigned short num, short op)
{
    struct sembuf sb = { .sem_num = num, .sem_op = op, .sem_flg = 0 };
    int rc;

    while ((rc = semop(semid, &sb, 1)) == -1 && errno == EINTR && !stop)
        ;
    return rc;
}

/* Make the ring for KEY: a new segment holding a struct ring, attached at
 * `ring`, and a new set of two semaphores, FREE_SLOTS at RING_SLOTS and
 * FULL_SLOTS at 0; their ids in shmid and semid. die() on failure. */
static void ring_create(key_t key)
{
    //> /* TODO 1: shmget(2) with IPC_CREAT | IPC_EXCL, shmat(2); semget(2)
    //>  * of two semaphores, then their first values (semctl SETALL or
    //>  * SETVAL). A new segment is all zeros: head and tail start at 0. */
    //> (void)key, (void)ring, (void)shmid, (void)change;   /* until you use them */
    // BEGIN SOLUTION
    unsigned short values[2] = { [FREE_SLOTS] = RING_SLOTS, [FULL_SLOTS] = 0 };

    shmid = shmget(key, sizeof *ring, IPC_CREAT | IPC_EXCL | 0600);
    if (shmid == -1)
        die("shmget");
    ring = shmat(shmid, NULL, 0);
    if (ring == (void *)-1)
        die("shmat");
    semid = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
    if (semid == -1)
        die("semget");
    if (semctl(semid, 0, SETALL, (union semun){ .array = values }) == -1)
        die("semctl SETALL");
    // END SOLUTION
}

/* Remove the ring: the set and the segment, those that were made. Run at
 * exit by the producer alone. */
static void ring_remove(void)
{
    //> /* TODO 2: IPC_RMID both, those made (-1: not made); warn_errno()
    //>  * if that fails. */
    // BEGIN SOLUTION
    if (semid != -1 && semctl(semid, 0, IPC_RMID) == -1)
        warn_errno("semctl IPC_RMID");
    if (shmid != -1 && shmctl(shmid, IPC_RMID, NULL) == -1)
        warn_errno("shmctl IPC_RMID");
    // END SOLUTION
}

/* The producer: put LINE into the next slot (NULL: the end), waiting while
 * every slot is full. 0, or -1 with errno. */
static int put(const char *line)
{
    //> /* TODO 3: wait for a free slot, fill slot `head` (text, or end),
    //>  * move head on (modulo RING_SLOTS), then say one more slot is full.
    //>  * change() does one semop. */
    //> (void)line;
    //> return 0;
    // BEGIN SOLUTION
    if (change(FREE_SLOTS, -1) == -1)
        return -1;
    ring->slot[ring->head].end = line == NULL;
    snprintf(ring->slot[ring->head].text, SLOT_TEXT, "%s", line ? line : "");
    ring->head = (ring->head + 1) % RING_SLOTS;
    return change(FULL_SLOTS, +1);
    // END SOLUTION
}

/* The consumer: copy the next line into TEXT (SLOT_TEXT bytes), waiting
 * while every slot is empty. 1 for a line, 0 at the end, -1 with errno. */
static int get(char *text)
{
    //> /* TODO 4: the mirror of put(): wait for a full slot, copy slot
    //>  * `tail`, move tail on, say one more slot is free. */
    //> (void)text;
    //> return 0;
    // BEGIN SOLUTION
    int end;

    if (change(FULL_SLOTS, -1) == -1)
        return -1;
    end = ring->slot[ring->tail].end;
    memcpy(text, ring->slot[ring->tail].text, SLOT_TEXT);
    ring->tail = (ring->tail + 1) % RING_SLOTS;
    if (change(FREE_SLOTS, +1) == -1)
        return -1;
    return end ? 0 : 1;
    // END SOLUTION
}

static int consume(void)
{
    char text[SLOT_TEXT];
    int got;

    while ((got = get(text)) == 1)
        if (printf("%s", text) < 0 || fflush(stdout) == EOF)
            return 1;
    return got == 0 || errno == EINTR ? 0 : 1;
}

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };   /* no SA_RESTART */
    char line[SLOT_TEXT];
    int status;
    key_t key;
    pid_t child;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind != 1)
        usage_error(optind == argc ? "missing PATH" : "too many arguments");
    if ((key = ftok(argv[optind], 'r')) == -1)
        die("ftok %s", argv[optind]);
    sigaction(SIGINT, &sa, NULL);       /* the child inherits these */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    atexit(ring_remove);                /* the parent's alone: see fork_child */
    ring_create(key);

    if ((child = fork_child()) == -1)
        die("fork");
    if (child == 0)
        child_exit(consume());
    while (!stop && fgets(line, sizeof line, stdin) != NULL)
        if (put(line) == -1)
            break;
    if (!stop && put(NULL) == -1 && errno != EINTR)
        warn_errno("semop");
    if (stop)               /* a Ctrl-C just before the child's wait would leave it */
        kill(child, SIGKILL);   /* waiting for ever; it holds nothing to clean up */
    while (waitpid(child, &status, 0) == -1)
        if (errno != EINTR)
            die("waitpid");
    if (stop)
        fatal("interrupted");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? EXIT_SUCCESS : EXIT_CALL_FAILED;
}
