/* psem_op: wait on a POSIX named semaphore, or post it.
 *
 * usage: psem_op [-n | -t SECONDS] NAME wait|post
 *
 *   post          sem_post: add 1, and wake one waiter if there is one
 *   wait          sem_wait: wait until the value is above 0, then take 1
 *   -n wait       sem_trywait: take 1 now, or fail with EAGAIN
 *   -t S wait     sem_timedwait: wait at most S seconds, then ETIMEDOUT
 * One semaphore, one step of 1: POSIX has none of semop's sets, arbitrary
 * amounts, wait-for-zero or undo. The program says when the call waits
 * ("waiting") and when it returned ("done"). Ctrl-C while waiting interrupts
 * the wait (EINTR) and nothing was taken.
 *
 * $ ./psem_create /lock 1
 * $ ./psem_op /lock wait
 * pid 2711: sem_wait /lock: done
 * $ ./psem_op -n /lock wait
 * psem_op: sem_trywait /lock: EAGAIN: Resource temporarily unavailable
 * $ ./psem_op -t 1 /lock wait
 * pid 2713: sem_timedwait /lock: waiting
 * psem_op: sem_timedwait /lock: ETIMEDOUT: Connection timed out
 * $ ./psem_op /lock post
 * pid 2714: sem_post /lock: done
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "posix_name.h"

#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help[] =
    "usage: psem_op [-n | -t SECONDS] NAME wait|post\n"
    "Take 1 from the POSIX named semaphore NAME (wait) or give 1 (post).\n"
    "  -n          wait with sem_trywait: EAGAIN instead of waiting\n"
    "  -t SECONDS  wait with sem_timedwait: ETIMEDOUT after SECONDS (1 to 3600)\n";

static void on_signal(int sig)
{
    (void)sig;                          /* only to interrupt sem_wait */
}

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };      /* no SA_RESTART */
    int opt, nowait = 0, rc;
    long seconds = 0;
    const char *name, *op, *call;
    struct timespec deadline;
    sem_t *sem;

    while ((opt = next_option(argc, argv, "nt:", help)) != -1) {
        switch (opt) {
        case 'n': nowait = 1; break;
        case 't': seconds = parse_long("seconds", optarg, 1, 3600); break;
        }
    }
    if (argc - optind != 2)
        usage_error(argc - optind < 2 ? "missing NAME or OP" : "too many arguments");
    name = posix_name(argv[optind]);
    op = argv[optind + 1];
    if (strcmp(op, "wait") != 0 && strcmp(op, "post") != 0)
        usage_error("op \"%s\": write wait or post", op);
    if ((nowait || seconds) && strcmp(op, "wait") != 0)
        usage_error("-n and -t go with wait");
    if (nowait && seconds)
        usage_error("give -n or -t, not both");
    call = op[0] == 'p' ? "sem_post" : nowait ? "sem_trywait" : seconds ? "sem_timedwait"
                                                                        : "sem_wait";
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    sem = sem_open(name, 0);                    /* an existing one only */
    if (sem == SEM_FAILED)
        die("sem_open %s", name);
    // tag::op[]
    if (op[0] == 'p') {
        rc = sem_post(sem);                                     // <1>
    } else if ((rc = sem_trywait(sem)) == -1 && errno == EAGAIN && !nowait) {  // <2>
        printf("pid %ld: %s %s: waiting\n", (long)getpid(), call, name);
        fflush(stdout);
        if (seconds) {
            clock_gettime(CLOCK_REALTIME, &deadline);           // <3>
            deadline.tv_sec += seconds;
            rc = sem_timedwait(sem, &deadline);
        } else {
            rc = sem_wait(sem);
        }
    }
    if (rc == -1)
        die("%s %s", call, name);
    printf("pid %ld: %s %s: done\n", (long)getpid(), call, name);
    // end::op[]
    sem_close(sem);
    return EXIT_SUCCESS;
}
