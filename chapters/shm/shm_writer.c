/* shm_writer: one side of a conversation through a segment, found by ftok.
 *
 * usage: shm_writer PATH          (with shm_reader PATH in another terminal)
 *
 * Seed 002's five steps, with the seed's wrapper library (libsysvipc.a):
 *   1. get: the segment and a one-semaphore lock set, both with the key
 *      ftok(PATH, SYSV_FTOK_ID), made here or opened if they exist;
 *   2. attach the segment;
 *   3. use: each line typed on stdin goes into the segment with its number,
 *      under the lock, so that a reader never sees half a line;
 *   4. detach, at end of input (Ctrl-D) or on Ctrl-C, SIGTERM or SIGHUP;
 *   5. remove both, after taking the lock once more, so that no reader is
 *      halfway through its copy. A segment someone else removed already
 *      (shm_rm, ipcrm: its status is "dest") is only detached, which
 *      destroys it.
 * A second writer with the same PATH would remove the objects under the
 * first: it sees from shm_cpid that the segment is not its own, and stops;
 * and it leaves alone a lock set that has the key already.
 *
 * $ ./shm_writer app.conf
 * shm_writer: segment 2392096 and lock set 786444 ready; type lines, Ctrl-D to end
 * good morning
 * stored message 1
 * ^D
 * shm_writer: removed segment 2392096, removed lock set 786444
 */
#define _GNU_SOURCE                     /* SHM_DEST */
#include "ipclab.h"
#include "sysvipc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>

static const char help[] =
    "usage: shm_writer PATH\n"
    "Get a segment and a lock with the key ftok(PATH, 1234), store each line\n"
    "of stdin in the segment under the lock (shm_reader PATH prints it), and\n"
    "remove both at end of input or on Ctrl-C.\n";

/* The segment's layout; shm_reader.c declares the same. */
struct message {
    unsigned long count;                /* lines stored so far; 0: none yet */
    char text[4096 - sizeof(unsigned long)];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };   /* no SA_RESTART */
    struct shmid_ds ds;
    struct message *m;
    const char *path;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int shmid, semid, removed, status = EXIT_SUCCESS;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind == argc)
        usage_error("missing PATH");
    if (argc - optind > 1)
        usage_error("too many arguments");
    path = argv[optind];
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);      /* whoever reads stdout has gone */

    // tag::get[]
    shmid = sysv_shmget(path, 0, sizeof *m, 0600);                  // <1>
    if (shmid == -1)
        exit(EXIT_CALL_FAILED);         /* the wrapper has said why */
    if (shmctl(shmid, IPC_STAT, &ds) == -1 || ds.shm_cpid != getpid())  // <2>
        fatal("segment %d for %s is not this writer's: is another writer "
              "running? (if not, remove it: ipcrm -m %d)", shmid, path, shmid);
    if ((semid = semget(ftok(path, SYSV_FTOK_ID), 0, 0)) != -1) {   // <3>
        sysv_shmrm(shmid);
        fatal("lock set %d for %s exists already: is another writer running? "
              "(if not, remove it: ipcrm -s %d)", semid, path, semid);
    }
    semid = sysv_semget(path, 0, 1, 1, 0600);                       // <4>
    if (semid == -1) {
        sysv_shmrm(shmid);
        exit(EXIT_CALL_FAILED);
    }
    m = shmat(shmid, NULL, 0);                                      // <5>
    if (m == (void *)-1) {
        warn_errno("shmat %d", shmid);
        sysv_shmrm(shmid);
        sysv_semrm(semid);
        exit(EXIT_CALL_FAILED);
    }
    // end::get[]
    fprintf(stderr, "shm_writer: segment %d and lock set %d ready; "
            "type lines, Ctrl-D to end\n", shmid, semid);

    // tag::use[]
    while (!stop && (len = getline(&line, &cap, stdin)) != -1) {
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (sysv_sem_reserve(semid, 0) == -1)                       // <1>
            break;                      /* EINTR: Ctrl-C */
        snprintf(m->text, sizeof m->text, "%s", line);              // <2>
        m->count++;
        if (sysv_sem_release(semid, 0) == -1)
            break;
        printf("stored message %lu\n", m->count);
        fflush(stdout);                 /* at once, even into a pipe */
    }
    // end::use[]
    if (ferror(stdin) && !stop) {
        warn_errno("read stdin");
        status = EXIT_CALL_FAILED;
    }
    free(line);

    // tag::end[]
    if (sysv_sem_reserve(semid, 0) == -1 && errno != EINTR)        // <1>
        status = EXIT_CALL_FAILED;
    removed = shmctl(shmid, IPC_STAT, &ds) == 0 &&                  // <2>
              (ds.shm_perm.mode & SHM_DEST);
    if (shmdt(m) == -1)                                             // <3>
        warn_errno("shmdt");
    if (!removed && sysv_shmrm(shmid) == -1)                        // <4>
        status = EXIT_CALL_FAILED;
    if (sysv_semrm(semid) == -1)
        status = EXIT_CALL_FAILED;
    // end::end[]
    fprintf(stderr, "shm_writer: %s%s segment %d, removed lock set %d\n",
            stop ? "interrupted; " : "",
            removed ? "detached from the removed" : "removed", shmid, semid);
    return status;
}
