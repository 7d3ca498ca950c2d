/* posix_pingpong: two processes that take strict turns, with two named POSIX
 * semaphores. A lab: the statement is at the end of the book's chapter on
 * POSIX IPC; write the TODOs, then `make grade LAB=posix_pingpong`.
 *
 * usage: posix_pingpong PING PONG ROUNDS
 *
 * Makes the semaphores PING (value 1: the first turn is the parent's) and
 * PONG (value 0), both new (O_EXCL: a name in use is an error, not shared),
 * then forks. The parent prints "ping N", the child "pong N", N from 1 to
 * ROUNDS, each in its turn: it waits on its own semaphore, prints, and posts
 * the other's. The child opens both by name, as a program started apart
 * would, and then, the last to open them, unlinks the names: from then on
 * nothing is left in /dev/shm, whatever happens to the two processes. A name
 * is only for meeting; the semaphores live on while a process has them open.
 * Ctrl-C ends both (exit 1); the parent unlinks a name still there. The
 * child ends when the parent dies.
 *
 * $ ./posix_pingpong /ping /pong 2
 * ping 1
 * pong 1
 * ping 2
 * pong 2
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
#include <sys/prctl.h>
#include <sys/wait.h>

static const char help[] =
    "usage: posix_pingpong PING PONG ROUNDS\n"
    "A parent and a child print \"ping N\" and \"pong N\" in strict turns for\n"
    "ROUNDS rounds (1 to 1000000000), with two new named semaphores PING and\n"
    "PONG (/NAME), whose names are unlinked once both processes have them.\n";

enum { PING, PONG };

static const char *names[2];
static sem_t *sems[2];
static bool made[2];                    /* made here: the parent unlinks it at exit */
static volatile sig_atomic_t stop, child_ended;

static void on_signal(int sig)
{
    if (sig == SIGCHLD)
        child_ended = 1;
    else
        stop = 1;
}

/* Run at exit by the parent alone: unlink a name it made that the child
 * has not unlinked (it ended first, or Ctrl-C came before). */
static void unlink_made(void)
{
    for (int i = PING; i <= PONG; i++)
        if (made[i] && sem_unlink(names[i]) == -1 && errno != ENOENT)
            warn_errno("sem_unlink %s", names[i]);
}

/* The parent: make both semaphores, new, PING at 1 and PONG at 0, into
 * sems[]; made[i] set as soon as sems[i] is made. die() on failure. */
static void create(void)
{
    //> /* TODO 1: sem_open(3) with O_CREAT | O_EXCL, mode 0600 and a first
    //>  * value, for each. Set made[i] right after each success, so that
    //>  * unlink_made() removes it if anything fails later. */
    //> (void)made, (void)sems;
    // BEGIN SOLUTION
    for (int i = PING; i <= PONG; i++) {
        sems[i] = sem_open(names[i], O_CREAT | O_EXCL, 0600, i == PING ? 1 : 0);
        if (sems[i] == SEM_FAILED)
            die("sem_open %s", names[i]);
        made[i] = true;
    }
    // END SOLUTION
}

/* The child: open both semaphores by name into sems[], and then unlink the
 * names: both processes have them now. die() on failure. */
static void open_and_unlink(void)
{
    //> /* TODO 2: sem_open(3) of each name without O_CREAT, then
    //>  * sem_unlink(3) of each. (The child has the parent's semaphores
    //>  * already, through fork; open them by name all the same, as a
    //>  * program that was not forked would have to.) */
    // BEGIN SOLUTION
    for (int i = PING; i <= PONG; i++)
        if ((sems[i] = sem_open(names[i], 0)) == SEM_FAILED)
            die("sem_open %s", names[i]);
    for (int i = PING; i <= PONG; i++)
        if (sem_unlink(names[i]) == -1)
            die("sem_unlink %s", names[i]);
    // END SOLUTION
}

/* Wait for SEM: 0, or -1 with errno after Ctrl-C (EINTR) or when the child
 * has ended. A stop and continue (Ctrl-Z, fg) ends sem_wait with EINTR too:
 * it waits on then. */
static int wait_turn(sem_t *sem)
{
    while (!stop && !child_ended) {
        if (sem_wait(sem) == 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
    errno = EINTR;
    return -1;
}

/* ROUNDS turns: print "WORD N" in each, MINE and OTHER being the indexes
 * of this process's semaphore and the other's. 0, or -1 when Ctrl-C came
 * or the child ended; die() if a call fails. */
static int play(const char *word, int mine, int other, long rounds)
{
    for (long n = 1; n <= rounds; n++) {
        //> /* TODO 3: wait_turn() for my semaphore first (when it fails:
        //>  * return -1 if errno is EINTR, else die()), and give the turn to
        //>  * the other (sem_post(3)) after printing. */
        //> (void)mine, (void)other, (void)wait_turn;   /* until you use them */
        // BEGIN SOLUTION
        if (wait_turn(sems[mine]) == -1) {
            if (errno != EINTR)
                die("sem_wait");
            return -1;
        }
        // END SOLUTION
        if (printf("%s %ld\n", word, n) < 0 || fflush(stdout) == EOF) {
            if (stop)
                return -1;
            die("write to stdout");
        }
        // BEGIN SOLUTION
        if (sem_post(sems[other]) == -1)
            die("sem_post");
        // END SOLUTION
    }
    return 0;
}

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_NOCLDSTOP };
    pid_t parent = getpid(), child;
    long rounds;
    int status;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind != 3)
        usage_error(argc - optind < 3 ? "missing PING, PONG or ROUNDS" : "too many arguments");
    for (int i = PING; i <= PONG; i++) {
        names[i] = argv[optind + i];
        if (names[i][0] != '/' || names[i][1] == '\0' || strchr(names[i] + 1, '/') != NULL)
            usage_error("a name must be a slash and a name without one: \"%s\"", names[i]);
    }
    rounds = parse_long("rounds", argv[optind + 2], 1, 1000000000);
    if (strcmp(names[PING], names[PONG]) == 0)
        usage_error("PING and PONG must be two names");

    sigaction(SIGINT, &sa, NULL);       /* no SA_RESTART; the child inherits them */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    atexit(unlink_made);                /* the parent's alone: see fork_child */
    create();

    if ((child = fork_child()) == -1)
        die("fork");
    if (child == 0) {
        /* SIGTERM when the parent dies, rather than wait for ever for its
         * post; if it died before this line, getppid() says so */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
            child_exit(EXIT_CALL_FAILED);
        open_and_unlink();
        child_exit(play("pong", PONG, PING, rounds) == 0 ? EXIT_SUCCESS : EXIT_CALL_FAILED);
    }
    play("ping", PING, PONG, rounds);
    while (waitpid(child, &status, 0) == -1)
        if (errno != EINTR)
            die("waitpid");
    if (stop)
        fatal("interrupted");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fatal("the child failed");
    return EXIT_SUCCESS;
}
