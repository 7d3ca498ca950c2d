/* sem_race: the initialisation race of System V semaphores, and its fix.
 *
 * usage: sem_race [-f] [-k PATH[:ID] | -K KEY]      (default -k .:1)
 *
 * semget creates a set and semctl SETVAL (or a semop) gives it its values:
 * two calls, with a gap between them. Two processes that both "create
 * the set if it is not there, then set it to 1" can go wrong: A creates it,
 * sets it, and takes the lock; B opens the same set, sets it to 1 again,
 * and takes the lock too. Both hold it. The fix (Stevens, UNP vol. 2) is the
 * one sysv_semget in libsysvipc.a uses: create with IPC_EXCL, so that one
 * process knows it is the creator; the creator sets the values with semop,
 * which also stamps sem_otime; everyone else waits until sem_otime is not 0.
 *
 * This program plays A (itself) and B (a child) step by step, with pipes
 * between them, so that the unlucky order happens on every run; -f plays
 * the same two processes with the fix. The set is removed at the end, also
 * on Ctrl-C; a key that already has a set is left alone.
 *
 * $ ./sem_race -k /tmp
 * A: semget IPC_CREAT -> set 1310775
 * A: SETVAL 1
 * A: semop -1: A holds the lock, value 0
 * B: semget IPC_CREAT -> set 1310775
 * B: SETVAL 1
 * B: semop -1: B holds the lock, value 0
 * result: A and B both hold the lock
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "semun.h"

#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>

static const char help[] =
    "usage: sem_race [-f] [-k PATH[:ID] | -K KEY]\n"
    "Play two processes that create and initialise the same keyed semaphore\n"
    "set, in the order that makes both hold the lock; with -f, with the fix\n"
    "(IPC_EXCL, initialise with semop, wait for sem_otime). Default key -k .:1.\n";

static int semid = -1, a_to_b[2], b_to_a[2];

static void on_signal(int sig) { (void)sig; }      /* to interrupt read() */

static void remove_set(void)
{
    if (semid != -1 && semctl(semid, 0, IPC_RMID) == -1)   /* A's alone: fork_child */
        warn_errno("semctl IPC_RMID %d", semid);
}

/* One line of the dialogue; flushed, so that A's and B's lines keep their order. */
__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

static void tell(int fd) { if (write(fd, "x", 1) != 1) die("write"); }
static void await(int fd)
{
    char byte;

    ssize_t got = read(fd, &byte, 1);

    if (got != 1)
        fatal(got == 0 ? "the other process stopped" : "interrupted");
}

static int take(short flags)            /* P; 1 if taken, 0 if EAGAIN */
{
    struct sembuf p = { .sem_num = 0, .sem_op = -1, .sem_flg = SEM_UNDO | flags };

    if (semop(semid, &p, 1) == 0)
        return 1;
    if (errno != EAGAIN)
        die("semop -1");
    return 0;
}

// tag::naive[]
/* Create or open, then initialise: what each of A and B does without the fix. */
static void naive_get(const char *who, key_t key)
{
    semid = semget(key, 1, IPC_CREAT | 0600);                       // <1>
    if (semid == -1)
        die("semget");
    say("%s: semget IPC_CREAT -> set %d\n", who, semid);
    if (semctl(semid, 0, SETVAL, (union semun){ .val = 1 }) == -1) // <2>
        die("semctl SETVAL");
    say("%s: SETVAL 1\n", who);
}
// end::naive[]

// tag::fixed[]
static int otime_set(void)
{
    struct semid_ds ds;

    if (semctl(semid, 0, IPC_STAT, (union semun){ .buf = &ds }) == -1)
        die("semctl IPC_STAT");
    return ds.sem_otime != 0;
}

/* A, the creator: IPC_EXCL tells it so, and its semop both sets the value
 * and stamps sem_otime. */
static void fixed_a(key_t key)
{
    struct sembuf init = { .sem_num = 0, .sem_op = +1 };           /* no SEM_UNDO */

    if ((semid = semget(key, 1, IPC_CREAT | IPC_EXCL | 0600)) == -1)   // <1>
        die("semget");
    say("A: semget IPC_CREAT|IPC_EXCL -> set %d: A is the creator\n", semid);
    tell(a_to_b[1]);
    await(b_to_a[0]);                   /* B has opened it, and waits */
    say("A: semop +1: value 1, and sem_otime is stamped\n");
    if (semop(semid, &init, 1) == -1)                                  // <2>
        die("semop +1");
    await(b_to_a[0]);                   /* B has seen it */
}

/* B, second: EEXIST, so it opens the set and waits for sem_otime. */
static void fixed_b(key_t key)
{
    if (semget(key, 1, IPC_CREAT | IPC_EXCL | 0600) != -1 || errno != EEXIST)  // <3>
        fatal("B: semget IPC_EXCL did not say EEXIST");
    if ((semid = semget(key, 1, 0)) == -1)
        die("semget");
    say("B: semget IPC_CREAT|IPC_EXCL -> EEXIST; semget 0 -> set %d\n", semid);
    if (!otime_set())
        say("B: sem_otime is 0: not initialised yet, B waits\n");
    tell(b_to_a[1]);
    for (int ms = 0; !otime_set(); ms++) {                              // <4>
        if (ms == 5000)
            fatal("B: the set was not initialised within 5 s");
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
    say("B: sem_otime is set: initialised, value %d\n", semctl(semid, 0, GETVAL));
    tell(b_to_a[1]);
}
// end::fixed[]

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };
    const char *key_arg = ".:1";
    int fix = 0, key_opt = 0, opt, status;
    key_t key;
    pid_t b;

    while ((opt = next_option(argc, argv, "fk:K:", help)) != -1) {
        if (opt == 'f') {
            fix = 1;
        } else if (key_opt != 0) {
            usage_error("give one key option");
        } else {
            key_opt = opt;
            key_arg = optarg;
        }
    }
    if (optind != argc)
        usage_error("too many arguments");
    key = parse_key_option(key_opt ? key_opt : 'k', key_arg);
    if (semget(key, 0, 0) != -1 || errno != ENOENT)
        fatal("key 0x%08x has a semaphore set already: choose another with -k or -K",
              (unsigned int)key);
    atexit(remove_set);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (pipe(a_to_b) == -1 || pipe(b_to_a) == -1)
        die("pipe");
    if ((b = fork_child()) == -1)
        die("fork");

    if (b == 0) {                       /* B */
        close(a_to_b[1]);               /* each keeps only its own ends, so */
        close(b_to_a[0]);               /* that await() sees the other stop */
        await(a_to_b[0]);
        if (fix) {
            fixed_b(key);
            await(a_to_b[0]);
        } else {
            naive_get("B", key);
        }
        if (take(IPC_NOWAIT)) {
            say("B: semop -1: B holds the lock, value %d\n", semctl(semid, 0, GETVAL));
            child_exit(0);              /* A reports, and cleans up */
        }
        say("B: semop -1 IPC_NOWAIT -> EAGAIN: the lock is taken, B waits its turn\n");
        child_exit(10);
    }

    /* A */
    close(a_to_b[0]);
    close(b_to_a[1]);
    if (fix)
        fixed_a(key);
    else
        naive_get("A", key);
    if (!take(0))
        fatal("A could not take the lock");
    say("A: semop -1: A holds the lock, value %d\n", semctl(semid, 0, GETVAL));
    tell(a_to_b[1]);
    while (waitpid(b, &status, 0) == -1)
        if (errno != EINTR)
            die("waitpid");
    if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 10))
        fatal("B failed");
    printf("result: %s\n", WEXITSTATUS(status) == 0 ? "A and B both hold the lock"
                                                    : "only A holds the lock");
    return EXIT_SUCCESS;
}
