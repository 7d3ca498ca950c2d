/* notify.c: being told of a message: mq_notify, and the program pmq_notify. */
#define _GNU_SOURCE
#include "posix.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const struct sigevent on_sigusr1 = { .sigev_notify = SIGEV_SIGNAL,
                                            .sigev_signo = SIGUSR1 };

/* In a child, on the queue it inherited: */
static int register_too(void *mq)
{
    NEED(mq_notify(*(mqd_t *)mq, &on_sigusr1) == -1 && errno == EBUSY);
    return 0;
}

static int send_hey(void *mq)
{
    NEED(mq_send(*(mqd_t *)mq, "hey", 3, 4) == 0);
    return 0;
}

/* mq_notify: one registered process per queue (EBUSY for a second), a signal
 * with SI_MESGQ and the sender's pid when a message arrives on the empty
 * queue, once only; none when the queue was not empty. */
START_TEST(mq_notify_once_on_empty_queue)
{
    struct timespec none = { 0 };
    char name[64], text[64];
    siginfo_t info;
    sigset_t set;
    unsigned int prio;
    struct t_proc p;
    mqd_t mq;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
    mq = new_queue(name, 4, 16, O_NONBLOCK);
    ck_assert_int_eq(mq_notify(mq, &on_sigusr1), 0);
    t_fork(&p, 0, register_too, &mq);          /* a second process may not register */
    ck_assert_msg(t_wait(&p) == 0, "the second process: status %d (its failed step is on "
                  "stderr)", p.status);
    t_fork(&p, 0, send_hey, &mq);              /* the sender */
    ck_assert_msg(t_wait(&p) == 0, "the sender: status %d", p.status);
    ck_assert_int_eq(sigtimedwait(&set, &info, &(struct timespec){ .tv_sec = 10 }), SIGUSR1);
    ck_assert_int_eq(info.si_code, SI_MESGQ);
    ck_assert_int_eq(info.si_pid, p.pid);
    /* once: the registration is gone, a message brings no second signal */
    ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), 3);
    send_text(mq, "again", 0);
    errno = 0;
    ck_assert_int_eq(sigtimedwait(&set, &info, &none), -1);
    ck_assert_int_eq(errno, EAGAIN);
    /* registered on a queue that is not empty: no signal for a new message */
    ck_assert_int_eq(mq_notify(mq, &on_sigusr1), 0);
    send_text(mq, "more", 0);
    errno = 0;
    ck_assert_int_eq(sigtimedwait(&set, &info, &none), -1);
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(mq_notify(mq, NULL), 0);                   /* unregister */
    drop_queue(mq, name);
}
END_TEST

static int register_quietly(void *mq)
{
    NEED(mq_notify(*(mqd_t *)mq, &(struct sigevent){ .sigev_notify = SIGEV_NONE }) == 0);
    return 0;
}

/* SIGEV_NONE registers the process and sends nothing: the queue is taken (a
 * second process gets EBUSY) until a message comes to the empty queue, and
 * then it is free again, as after a signal. */
START_TEST(mq_notify_sigev_none_holds_the_queue_until_a_message)
{
    char name[64];
    struct t_proc p;
    mqd_t mq = new_queue(name, 4, 16, O_NONBLOCK);

    ck_assert_int_eq(mq_notify(mq, &(struct sigevent){ .sigev_notify = SIGEV_NONE }), 0);
    t_fork(&p, 0, register_too, &mq);
    ck_assert_msg(t_wait(&p) == 0, "the second process was not refused (EBUSY)");
    send_text(mq, "hey", 0);
    t_fork(&p, 0, register_quietly, &mq);
    ck_assert_msg(t_wait(&p) == 0, "after the message: the second process could not register");
    drop_queue(mq, name);
}
END_TEST

/* SIGEV_THREAD: glibc starts a thread that calls sigev_notify_function with
 * sigev_value when a message comes to the empty queue. Here the function
 * writes the value and its thread id to a pipe. */
static int notice_pipe[2];

static void write_notice(union sigval v)
{
    const int what[2] = { v.sival_int, (int)gettid() };

    if (write(notice_pipe[1], what, sizeof what) != sizeof what)
        abort();
}

START_TEST(mq_notify_sigev_thread_calls_in_a_new_thread)
{
    const struct sigevent sev = { .sigev_notify = SIGEV_THREAD,
                                  .sigev_notify_function = write_notice,
                                  .sigev_value.sival_int = 4242 };
    char name[64];
    int what[2];
    mqd_t mq = new_queue(name, 4, 16, O_NONBLOCK);

    ck_assert_int_eq(pipe(notice_pipe), 0);
    ck_assert_int_eq(mq_notify(mq, &sev), 0);
    send_text(mq, "hey", 0);
    ck_assert_int_eq(poll(&(struct pollfd){ .fd = notice_pipe[0], .events = POLLIN }, 1, 20000), 1);
    ck_assert_int_eq(read(notice_pipe[0], what, sizeof what), sizeof what);
    ck_assert_int_eq(what[0], 4242);
    ck_assert_int_ne(what[1], gettid());        /* not this thread */
    ck_assert_int_eq(curmsgs(mq), 1);           /* told, not taken */
    drop_queue(mq, name);
}
END_TEST

/* SIGUSR1 is not queued: one from kill still pending when the message comes
 * swallows the queue's notice (pmq_notify then waits on). A real-time signal
 * is queued: both come, the kill's and the queue's. */
START_TEST(mq_notice_lost_behind_a_pending_sigusr1)
{
    const int signos[] = { SIGUSR1, SIGRTMIN };
    char name[64];
    siginfo_t info;
    sigset_t set;
    mqd_t mq;

    for (int i = 0; i < 2; i++) {
        struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = signos[i] };
        struct timespec none = { 0 };

        sigemptyset(&set);
        sigaddset(&set, signos[i]);
        ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
        mq = new_queue(name, 4, 16, O_NONBLOCK);
        ck_assert_int_eq(mq_notify(mq, &sev), 0);
        ck_assert_int_eq(kill(getpid(), signos[i]), 0);         /* the stray one, pending */
        send_text(mq, "hey", 0);                                /* the notice is sent here */
        ck_assert_int_eq(sigtimedwait(&set, &info, &none), signos[i]);
        ck_assert_int_eq(info.si_code, SI_USER);
        errno = 0;
        if (signos[i] == SIGUSR1) {
            ck_assert_int_eq(sigtimedwait(&set, &info, &none), -1);     /* lost */
            ck_assert_int_eq(errno, EAGAIN);
        } else {
            ck_assert_int_eq(sigtimedwait(&set, &info, &none), signos[i]);
            ck_assert_int_eq(info.si_code, SI_MESGQ);
        }
        ck_assert_int_eq(curmsgs(mq), 1);
        drop_queue(mq, name);
    }
}
END_TEST

/* --- the program pmq_notify ----------------------------------------------------- */

/* pmq_notify on a queue of its own, and all it has said (stdout and
 * stderr, in order). */
struct notify {
    char name[64];
    mqd_t mq;
    struct t_proc p;
    char out[2048];
};

/* Make a queue, start pmq_notify -t SECONDS on it, and see it registered
 * and waiting. */
static void start_notify(struct notify *n, const char *seconds)
{
    char expect[160];

    n->mq = new_queue(n->name, 4, 64, O_NONBLOCK);
    t_start(&n->p, T_ERR_TO_OUT, "chapters/posix/pmq_notify",
            (const char *const[]){ "-t", seconds, n->name, NULL });
    n->out[0] = '\0';
    snprintf(expect, sizeof expect, "pid %ld: registered on %s; waiting\n", (long)n->p.pid,
             n->name);
    ck_assert_msg(t_read_until(n->p.out, n->out, sizeof n->out, "\n") &&
                  strcmp(n->out, expect) == 0, "pmq_notify said \"%s\", not \"%s\"", n->out,
                  expect);
    ck_assert_msg(t_blocked_in(n->p.pid, SYS_rt_sigtimedwait), "pmq_notify is not waiting");
}

/* Its exit status must be STATUS; the queue goes. */
static void end_notify(struct notify *n, int status)
{
    ck_assert_int_eq(t_wait(&n->p), status);
    drop_queue(n->mq, n->name);
}

/* Read what pmq_notify says until WANT, which it must say. */
static void notify_says(struct notify *n, const char *want)
{
    ck_assert_msg(t_read_until(n->p.out, n->out, sizeof n->out, want),
                  "pmq_notify did not say \"%s\"; it said:\n%s", want, n->out);
}

/* pmq_notify: registered, then woken by pmq_send's message, which it reads;
 * a second pmq_notify meanwhile gets EBUSY; one on a queue that is not
 * empty is refused. */
START_TEST(pmq_notify_wakes_on_a_message)
{
    char expect[160];
    struct notify n;
    struct t_run r;
    const char *name = n.name;

    start_notify(&n, "30");
    t_run(&r, NULL, "chapters/posix/pmq_notify", "-t", "1", name, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "mq_notify "));
    ck_assert_ptr_nonnull(strstr(r.err, ": EBUSY: "));
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "3", "wake up", NULL);
    ck_assert_int_eq(r.status, 0);
    notify_says(&n, "\npriority 3, 7 bytes: wake up\n");
    ck_assert_ptr_nonnull(strstr(n.out, ": notified by SIGUSR1 (SI_MESGQ): a message from pid "));
    ck_assert_int_eq(t_wait(&n.p), 0);
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "1", "waiting", NULL);
    t_run(&r, NULL, "chapters/posix/pmq_notify", "-t", "1", name, NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "pmq_notify: %s holds 1 messages: a notice comes only when "
             "one arrives on an empty queue\n", name);
    ck_assert_str_eq(r.err, expect);
    t_run(&r, NULL, "chapters/posix/pmq_notify", "-t", "1", name, NULL);   /* it was let go */
    ck_assert_ptr_nonnull(strstr(r.err, "holds 1 messages"));
    drop_queue(n.mq, name);
}
END_TEST

/* SIGSTOP, and once P is seen stopped (state T), SECONDS later, SIGCONT. */
static void stop_and_continue(struct t_proc *p, int seconds)
{
    char state = '?';

    t_kill(p, SIGSTOP);
    for (int ms = 0; ms < 20000 && (state = t_state(p->pid)) != 'T'; ms++)
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    ck_assert_msg(state == 'T', "pid %ld not stopped: state %c", (long)p->pid, state);
    nanosleep(&(struct timespec){ .tv_sec = seconds }, NULL);
    t_kill(p, SIGCONT);
}

/* Ctrl-Z and fg: the stop ends sigtimedwait with EINTR, and pmq_notify waits
 * again, so that the message sent after it is still reported. */
START_TEST(pmq_notify_waits_on_after_stop_and_continue)
{
    struct notify n;
    struct t_run r;

    start_notify(&n, "30");
    stop_and_continue(&n.p, 0);
    ck_assert_msg(t_blocked_in(n.p.pid, SYS_rt_sigtimedwait), "pmq_notify did not wait again");
    t_run(&r, NULL, "chapters/posix/pmq_send", n.name, "3", "wake up", NULL);
    ck_assert_int_eq(r.status, 0);
    notify_says(&n, "\npriority 3, 7 bytes: wake up\n");
    ck_assert_msg(strstr(n.out, ": notified by SIGUSR1 (SI_MESGQ): a message from pid ") &&
                  !strstr(n.out, "EINTR"), "%s", n.out);
    end_notify(&n, 0);
}
END_TEST

/* With -t the deadline holds through a stop: stopped past its deadline, it
 * gives up as soon as it runs again, instead of waiting anew. Judged by what
 * it does, not by a clock that load could stretch: once continued, it must
 * end without going back to sleep in sigtimedwait. The deadline, set before
 * it first waited, has passed once it has been stopped for 3 s of its 3. */
START_TEST(pmq_notify_deadline_holds_through_stop)
{
    char expect[256];
    struct notify n;

    start_notify(&n, "3");
    stop_and_continue(&n.p, 3);
    ck_assert_msg(!t_blocked_in(n.p.pid, SYS_rt_sigtimedwait),
                  "continued past its deadline, pmq_notify waits again");
    notify_says(&n, "no message within 3 s\n");
    snprintf(expect, sizeof expect, "pid %ld: registered on %s; waiting\n"
             "pmq_notify: no message within 3 s\n", (long)n.p.pid, n.name);
    ck_assert_str_eq(n.out, expect);
    end_notify(&n, 1);
}
END_TEST

/* A SIGUSR1 from kill (si_code SI_USER) is no notice: pmq_notify says so and
 * waits on, and the queue's notice that follows is reported. */
START_TEST(pmq_notify_takes_no_stray_sigusr1)
{
    char expect[512];
    struct notify n;
    struct t_run r;

    start_notify(&n, "30");
    t_kill(&n.p, SIGUSR1);
    notify_says(&n, "not from the queue; waiting\n");
    ck_assert_msg(t_blocked_in(n.p.pid, SYS_rt_sigtimedwait), "pmq_notify did not wait again");
    t_run(&r, NULL, "chapters/posix/pmq_send", n.name, "3", "wake up", NULL);
    ck_assert_int_eq(r.status, 0);
    notify_says(&n, "\npriority 3, 7 bytes: wake up\n");
    snprintf(expect, sizeof expect, "pid %1$ld: registered on %2$s; waiting\n"
             "pid %1$ld: a SIGUSR1 from pid %3$ld, not from the queue; waiting\n"
             "pid %1$ld: notified by SIGUSR1 (SI_MESGQ): a message from pid ",
             (long)n.p.pid, n.name, (long)getpid());
    ck_assert_msg(strncmp(n.out, expect, strlen(expect)) == 0, "pmq_notify said:\n%s\n"
                  "not:\n%s...", n.out, expect);
    end_notify(&n, 0);
}
END_TEST

void add_notify_tests(Suite *s)
{
    TCase *tc = tcase_create("notify");

    tcase_add_test(tc, mq_notify_once_on_empty_queue);
    tcase_add_test(tc, mq_notify_sigev_none_holds_the_queue_until_a_message);
    tcase_add_test(tc, mq_notify_sigev_thread_calls_in_a_new_thread);
    tcase_add_test(tc, mq_notice_lost_behind_a_pending_sigusr1);
    tcase_add_test(tc, pmq_notify_wakes_on_a_message);
    tcase_add_test(tc, pmq_notify_waits_on_after_stop_and_continue);
    tcase_add_test(tc, pmq_notify_deadline_holds_through_stop);
    tcase_add_test(tc, pmq_notify_takes_no_stray_sigusr1);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
