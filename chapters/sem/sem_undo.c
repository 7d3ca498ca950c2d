/* sem_undo: a process takes a semaphore and dies holding it.
 *
 * usage: sem_undo [-u] [-k] [-t SECONDS]
 *
 * A semaphore used as a lock (1: free, 0: taken) has a weak point: a
 * process that takes it and dies before giving it back leaves it taken
 * forever, and everyone who needs it waits forever. SEM_UNDO is the cure:
 * the kernel keeps, per process, the sum of the changes it made with
 * SEM_UNDO, and when the process ends (exit, a crash, SIGKILL) it adds the
 * opposite to the value. This program makes a private set with the value
 * 1, lets a child take it (with SEM_UNDO if -u) and exit (or be killed with
 * SIGKILL if -k) without giving it back, and then tries to take it itself.
 * Without SEM_UNDO that would wait forever: it gives up after SECONDS
 * (default 2) and says so. The set is removed in every case, also on Ctrl-C.
 *
 * $ ./sem_undo -t 1
 * semaphore set 1310773, value 1: free
 * holder (pid 2682) took it without SEM_UNDO: value 0
 * holder exited without giving it back: value 0
 * timed out after 1 s: nobody will ever give it back
 * $ ./sem_undo -u -k
 * semaphore set 1310774, value 1: free
 * holder (pid 2745) took it with SEM_UNDO: value 0
 * holder killed by SIGKILL: value 1
 * took it at once: the kernel gave back what the holder took
 */
#define _GNU_SOURCE                     /* semtimedop, prctl */
#include "ipclab.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>

static const char help[] =
    "usage: sem_undo [-u] [-k] [-t SECONDS]\n"
    "A child takes a semaphore (value 1 -> 0) and dies without giving it back;\n"
    "then this process tries to take it, giving up after SECONDS (1 to 60,\n"
    "default 2). -u: the child uses SEM_UNDO, and the kernel gives the value\n"
    "back. -k: the child is killed with SIGKILL instead of exiting.\n";

static int semid = -1;
static pid_t holder;

static void on_signal(int sig)
{
    (void)sig;                          /* only to interrupt the waits */
}

static void clean_up(void)
{
    if (holder > 0) {
        kill(holder, SIGKILL);
        waitpid(holder, NULL, 0);
    }
    if (semid != -1 && semctl(semid, 0, IPC_RMID) == -1)
        warn_errno("semctl IPC_RMID %d", semid);
}

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };
    struct sembuf give = { .sem_num = 0, .sem_op = +1 };
    int undo = 0, killed = 0, opt, ready[2], go[2], status;
    long seconds = 2;
    char byte;

    while ((opt = next_option(argc, argv, "ukt:", help)) != -1) {
        switch (opt) {
        case 'u': undo = 1; break;
        case 'k': killed = 1; break;
        case 't': seconds = parse_long("seconds", optarg, 1, 60); break;
        }
    }
    if (optind != argc)
        usage_error("too many arguments");
    semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    if (semid == -1)
        die("semget");
    atexit(clean_up);
    sigaction(SIGINT, &sa, NULL);       /* Ctrl-C: clean up, then stop */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (semop(semid, &give, 1) == -1 || pipe(ready) == -1 || pipe(go) == -1)
        die("semop +1 / pipe");
    printf("semaphore set %d, value %d: free\n", semid, semctl(semid, 0, GETVAL));
    fflush(stdout);

    // tag::holder[]
    holder = fork_child();
    if (holder == -1)
        die("fork");
    if (holder == 0) {
        struct sembuf take = { .sem_num = 0, .sem_op = -1,
                               .sem_flg = undo ? SEM_UNDO : 0 };   // <1>

        prctl(PR_SET_PDEATHSIG, SIGKILL);   /* never outlive the demo */
        if (semop(semid, &take, 1) == -1 || write(ready[1], "x", 1) != 1)
            child_exit(1);
        if (read(go[0], &byte, 1) != 1 || killed)   /* told to go, or killed */
            for (;;)
                pause();
        child_exit(0);                      // <2>
    }
    // end::holder[]
    close(ready[1]);                    /* a holder that failed: EOF */
    if (read(ready[0], &byte, 1) != 1)
        fatal(errno == EINTR ? "interrupted" : "the holder could not take the semaphore");
    printf("holder (pid %ld) took it %s SEM_UNDO: value %d\n", (long)holder,
           undo ? "with" : "without", semctl(semid, 0, GETVAL));
    if (killed)
        kill(holder, SIGKILL);
    else if (write(go[1], "x", 1) != 1)
        die("write");
    if (waitpid(holder, &status, 0) != holder)
        fatal(errno == EINTR ? "interrupted" : "waitpid failed");
    holder = 0;
    printf("holder %s: value %d\n", WIFSIGNALED(status) ? "killed by SIGKILL"
           : "exited without giving it back", semctl(semid, 0, GETVAL));
    fflush(stdout);

    // tag::next[]
    struct sembuf take = { .sem_num = 0, .sem_op = -1, .sem_flg = SEM_UNDO };
    struct timespec limit = { .tv_sec = seconds };

    if (semtimedop(semid, &take, 1, &limit) == 0)                   // <1>
        printf("took it at once: the kernel gave back what the holder took\n");
    else if (errno == EAGAIN)                                       // <2>
        printf("timed out after %ld s: nobody will ever give it back\n", seconds);
    else if (errno == EINTR)
        fatal("interrupted while waiting");
    else
        die("semtimedop");
    // end::next[]
    return EXIT_SUCCESS;
}
