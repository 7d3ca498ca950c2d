/* shm_reader: the other side of shm_writer's conversation.
 *
 * usage: shm_reader PATH
 *
 * Opens the segment and the lock set that shm_writer PATH made (the same key,
 * ftok(PATH, 1234), reached by another, unrelated program), takes the lock,
 * attaches the segment read-only, copies the last line stored, detaches and
 * gives the lock back; then prints the copy. It makes and removes nothing:
 * without a writer, or once the segment is removed, shmget fails with
 * ENOENT. While the writer holds the lock, the reader waits; Ctrl-C stops
 * the wait.
 *
 * $ ./shm_reader app.conf
 * message 1: good morning
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "sysvipc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>

static const char help[] =
    "usage: shm_reader PATH\n"
    "Print the last line shm_writer PATH stored, read under the writer's lock\n"
    "from the segment with the key ftok(PATH, 1234).\n";

/* The segment's layout, as shm_writer.c declares it. */
struct message {
    unsigned long count;
    char text[4096 - sizeof(unsigned long)];
};

static void on_signal(int sig)
{
    (void)sig;                          /* the wait for the lock fails with EINTR */
}

int main(int argc, char *argv[])
{
    struct sigaction sa = { .sa_handler = on_signal };   /* no SA_RESTART */
    static struct message copy;
    const struct message *m;
    const char *path;
    int shmid, semid;
    key_t key;

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

    // tag::read[]
    if ((key = ftok(path, SYSV_FTOK_ID)) == -1)                     // <1>
        die("ftok %s", path);
    if ((shmid = shmget(key, sizeof copy, 0)) == -1 ||              // <2>
        (semid = semget(key, 1, 0)) == -1)
        die("%s %s", shmid == -1 ? "shmget" : "semget", path);
    if (sysv_sem_reserve(semid, 0) == -1) {                         // <3>
        if (errno == EINTR)
            fatal("interrupted while waiting for the lock");
        exit(EXIT_CALL_FAILED);
    }
    m = shmat(shmid, NULL, SHM_RDONLY);                             // <4>
    if (m == (void *)-1)
        die("shmat %d", shmid);
    copy = *m;
    if (shmdt(m) == -1)
        die("shmdt");
    if (sysv_sem_release(semid, 0) == -1)                           // <5>
        exit(EXIT_CALL_FAILED);
    // end::read[]
    copy.text[sizeof copy.text - 1] = '\0';
    if (copy.count == 0)
        printf("no message yet\n");
    else
        printf("message %lu: %s\n", copy.count, copy.text);
    return EXIT_SUCCESS;
}
