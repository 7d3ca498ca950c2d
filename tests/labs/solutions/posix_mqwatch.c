/* posix_mqwatch: print every message of a POSIX queue as it comes, asleep
 * in between, with mq_notify. A lab: the statement is at the end of the
 * book's chapter on POSIX IPC; write the TODOs, then
 * `make grade LAB=posix_mqwatch`.
 *
 * usage: posix_mqwatch NAME
 *
 * Opens the queue NAME ("/jobs"), made if it is not there, and prints
 * "watching NAME". Then each message, those already waiting and those that
 * come later, as "PRIORITY TEXT", in the order mq_receive gives them
 * (the highest priority first). Between messages it sleeps: it asks for a
 * SIGUSR1 when a message arrives on the empty queue (mq_notify) and waits
 * for it with sigwaitinfo. A message "quit" ends it, Ctrl-C too; the queue
 * is removed at the end.
 *
 * $ ./posix_mqwatch /jobs &
 * watching /jobs
 * $ ../pmq_send /jobs 3 'wake up'
 * 3 wake up
 */
#define _GNU_SOURCE
#include "ipclab.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: posix_mqwatch NAME\n"
    "Print each message of the POSIX message queue NAME (made if need be) as\n"
    "\"PRIORITY TEXT\", sleeping between them (mq_notify); \"quit\" ends it.\n"
    "The queue is removed at the end.\n";

static mqd_t mq;
static char *text;                      /* a message: msgsize bytes, and a NUL */
static long msgsize;

/* Ask for SIGUSR1 when a message arrives on the empty queue. 0, or -1 with
 * errno. */
static int arm(void)
{
    //> /* TODO 1: mq_notify(3) with a struct sigevent that asks for a signal
    //>  * (SIGEV_SIGNAL) SIGUSR1. */
    //> return 0;
    // BEGIN SOLUTION
    struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };

    return mq_notify(mq, &sev);
    // END SOLUTION
}

/* Print every message now in the queue, without waiting (the queue is
 * O_NONBLOCK: mq_receive fails with EAGAIN when it is empty). 1 if one was
 * "quit", else 0; die() if a call fails. */
static int drain(void)
{
    //> /* TODO 2: mq_receive(3) into text (msgsize bytes) until EAGAIN; print
    //>  * each as "PRIORITY TEXT" (a message is not NUL-terminated: its
    //>  * length is what mq_receive returns). */
    //> return 0;
    // BEGIN SOLUTION
    unsigned int prio;
    ssize_t len;

    while ((len = mq_receive(mq, text, (size_t)msgsize, &prio)) != -1) {
        text[len] = '\0';
        if (strcmp(text, "quit") == 0)
            return 1;
        if (printf("%u %s\n", prio, text) < 0 || fflush(stdout) == EOF)
            die("write to stdout");
    }
    if (errno != EAGAIN)
        die("mq_receive");
    return 0;
    // END SOLUTION
}

/* Sleep until a signal of SIGS comes; which one. A stop and continue
 * (Ctrl-Z, fg) ends the wait with EINTR: it waits on. */
static int wait_for(const sigset_t *sigs)
{
    int sig;

    while ((sig = sigwaitinfo(sigs, NULL)) == -1)
        if (errno != EINTR)
            die("sigwaitinfo");
    return sig;
}

/* Print the messages as they come, until "quit" or Ctrl-C. */
static void watch(const sigset_t *sigs)
{
    //> /* TODO 3: the loop: arm(), drain(), wait_for() a signal. In which
    //>  * order, so that no message is missed: those already in the queue,
    //>  * and one that comes between two steps? A notice comes once. */
    //> (void)sigs, (void)arm, (void)drain, (void)wait_for;   /* until you use them */
    // BEGIN SOLUTION
    for (;;) {
        if (arm() == -1)                /* first: a message from now on is noticed */
            die("mq_notify");
        if (drain())                    /* then what is there already */
            return;
        if (wait_for(sigs) != SIGUSR1)  /* Ctrl-C, SIGTERM, SIGHUP */
            return;
    }
    // END SOLUTION
}

int main(int argc, char *argv[])
{
    struct mq_attr attr;
    const char *name;
    sigset_t sigs;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind != 1)
        usage_error(optind == argc ? "missing NAME" : "too many arguments");
    name = argv[optind];
    if (name[0] != '/' || name[1] == '\0' || strchr(name + 1, '/') != NULL)
        usage_error("NAME must be a slash and a name without one: \"%s\"", name);

    /* The signals it waits for are blocked, so that they wait for sigwaitinfo. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGUSR1);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    sigprocmask(SIG_BLOCK, &sigs, NULL);

    mq = mq_open(name, O_RDONLY | O_CREAT | O_NONBLOCK, 0600, NULL);
    if (mq == (mqd_t)-1)
        die("mq_open %s", name);
    if (mq_getattr(mq, &attr) == -1)
        die("mq_getattr");
    msgsize = attr.mq_msgsize;
    if ((text = malloc((size_t)msgsize + 1)) == NULL)
        die("malloc");
    printf("watching %s\n", name);
    fflush(stdout);
    watch(&sigs);
    if (mq_unlink(name) == -1)
        die("mq_unlink %s", name);
    return EXIT_SUCCESS;
}
