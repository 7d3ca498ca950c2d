/* posix_ring: shm_ring ported to POSIX IPC: lines from one process to
 * another through a ring of slots in a POSIX shared memory object, with two
 * unnamed semaphores inside it. A lab: the statement is at the end of the
 * book's chapter on POSIX IPC; write the TODOs, then
 * `make grade LAB=posix_ring`.
 *
 * usage: posix_ring NAME
 *
 * The ring is the shared memory object NAME ("/ring"), made here (O_EXCL:
 * not shared with an earlier run), sized and mapped MAP_SHARED. Its two
 * semaphores are in it, made with sem_init, pshared 1. A child process,
 * which inherits the mapping, takes the lines out of the ring and prints
 * them; this process puts in each line read from stdin (up to SLOT_TEXT - 1
 * bytes: a longer one goes in pieces), and at the end of input a slot that
 * says so. The ring has RING_SLOTS slots: the producer waits while all are
 * full, the consumer while all are empty. The name is unlinked at the end,
 * also after Ctrl-C; while the program runs, /dev/shm/NAME shows the ring.
 *
 * $ printf 'one\ntwo\n' | ./posix_ring /ring
 * one
 * two
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char help[] =
    "usage: posix_ring NAME\n"
    "Pass each line of stdin to a child process through a ring of slots in the\n"
    "new POSIX shared memory object NAME (/NAME); the child prints it. The\n"
    "name is unlinked at the end.\n";

enum { RING_SLOTS = 4, SLOT_TEXT = 256 };

struct ring {
    sem_t free_slots;                   /* the producer waits on it; RING_SLOTS at first */
    sem_t full_slots;                   /* the consumer waits on it; 0 at first */
    unsigned int head;                  /* the next slot to fill: the producer's */
    unsigned int tail;                  /* the next slot to empty: the consumer's */
    struct {
        int end;                        /* 1: no more lines */
        char text[SLOT_TEXT];           /* a line, NUL-terminated */
    } slot[RING_SLOTS];
};

static volatile sig_atomic_t stop;
static const char *name;
static bool made;                       /* the object NAME was made: unlink it at exit */
static struct ring *ring;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* sem_wait(3) on SEM: 0, or -1 with errno (EINTR after Ctrl-C). A signal
 * whose handler returns interrupts the wait: it goes on unless that was a
 * signal to stop. */
static int take(sem_t *sem)
{
    int rc;

    while ((rc = sem_wait(sem)) == -1 && errno == EINTR && !stop)
        ;
    return rc;
}

/* Make the ring NAME: a new shared memory object the size of a struct ring,
 * mapped MAP_SHARED at `ring`, with its two semaphores made in it,
 * free_slots at RING_SLOTS and full_slots at 0. `made` is set as soon as
 * the object exists. die() on failure. */
static void ring_create(void)
{
    //> /* TODO 1: shm_open(3) with O_RDWR | O_CREAT | O_EXCL and mode 0600
    //>  * (set `made` right after), ftruncate(2) to sizeof *ring, mmap(2)
    //>  * with PROT_READ | PROT_WRITE and MAP_SHARED; then close the
    //>  * descriptor: the mapping keeps the object. A new object is all
    //>  * zeros: head and tail start at 0. */
    //> (void)made, (void)ring, (void)take;     /* until you use them */
    // BEGIN SOLUTION
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);

    if (fd == -1)
        die("shm_open %s", name);
    made = true;
    if (ftruncate(fd, sizeof *ring) == -1)
        die("ftruncate %s", name);
    ring = mmap(NULL, sizeof *ring, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (ring == MAP_FAILED)
        die("mmap %s", name);
    close(fd);
    // END SOLUTION
    //> /* TODO 2: sem_init(3) of both semaphores, in the ring. Which
    //>  * `pshared` do two processes need? */
    // BEGIN SOLUTION
    if (sem_init(&ring->free_slots, 1, RING_SLOTS) == -1 ||     /* pshared 1: between processes */
        sem_init(&ring->full_slots, 1, 0) == -1)
        die("sem_init");
    // END SOLUTION
}

/* Unlink the name NAME, if it was made. Run at exit by the producer alone.
 * The memory goes when neither process has it mapped any more. */
static void ring_remove(void)
{
    //> /* TODO 3: shm_unlink(3), if `made`; warn_errno() if that fails. */
    // BEGIN SOLUTION
    if (made && shm_unlink(name) == -1)
        warn_errno("shm_unlink %s", name);
    // END SOLUTION
}

/* The producer: put LINE into the next slot (NULL: the end), waiting while
 * every slot is full. 0, or -1 with errno. */
static int put(const char *line)
{
    //> /* TODO 4: wait for a free slot (take() does one sem_wait), fill
    //>  * slot `head` (text, or end), move head on (modulo RING_SLOTS), then
    //>  * say one more slot is full (sem_post(3)). */
    //> (void)line;
    //> return 0;
    // BEGIN SOLUTION
    if (take(&ring->free_slots) == -1)
        return -1;
    ring->slot[ring->head].end = line == NULL;
    snprintf(ring->slot[ring->head].text, SLOT_TEXT, "%s", line ? line : "");
    ring->head = (ring->head + 1) % RING_SLOTS;
    return sem_post(&ring->full_slots);
    // END SOLUTION
}

/* The consumer: copy the next line into TEXT (SLOT_TEXT bytes), waiting
 * while every slot is empty. 1 for a line, 0 at the end, -1 with errno. */
static int get(char *text)
{
    //> /* TODO 5: the mirror of put(): wait for a full slot, copy slot
    //>  * `tail`, move tail on, say one more slot is free. */
    //> (void)text;
    //> return 0;
    // BEGIN SOLUTION
    int end;

    if (take(&ring->full_slots) == -1)
        return -1;
    end = ring->slot[ring->tail].end;
    memcpy(text, ring->slot[ring->tail].text, SLOT_TEXT);
    ring->tail = (ring->tail + 1) % RING_SLOTS;
    if (sem_post(&ring->free_slots) == -1)
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
    pid_t parent = getpid(), child;
    char line[SLOT_TEXT];
    int status;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind != 1)
        usage_error(optind == argc ? "missing NAME" : "too many arguments");
    name = argv[optind];
    if (name[0] != '/' || name[1] == '\0' || strchr(name + 1, '/') != NULL)
        usage_error("NAME must be a slash and a name without one: \"%s\"", name);
    sigaction(SIGINT, &sa, NULL);       /* the child inherits these */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    atexit(ring_remove);                /* the parent's alone: see fork_child */
    ring_create();

    if ((child = fork_child()) == -1)
        die("fork");
    if (child == 0) {
        /* SIGTERM when the parent dies, rather than wait for ever for its
         * post; if it died before this line, getppid() says so */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
            child_exit(EXIT_CALL_FAILED);
        child_exit(consume());
    }
    while (!stop && fgets(line, sizeof line, stdin) != NULL)
        if (put(line) == -1)
            break;
    if (!stop && put(NULL) == -1 && errno != EINTR)
        warn_errno("sem_wait");
    if (stop)               /* a Ctrl-C just before the child's wait would leave it */
        kill(child, SIGKILL);   /* waiting for ever; it holds nothing to clean up */
    while (waitpid(child, &status, 0) == -1)
        if (errno != EINTR)
            die("waitpid");
    if (stop)
        fatal("interrupted");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? EXIT_SUCCESS : EXIT_CALL_FAILED;
}
