/* grade_posix_mqwatch: the grader of the lab posix_mqwatch
 * (chapters/posix/labs/posix_mqwatch.c, statement in book/posix.adoc). See
 * grade.h. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Send TEXT with PRIO to the queue NAME. */
static void send(const char *name, unsigned int prio, const char *text)
{
    mqd_t mq = mq_open(name, O_WRONLY);

    ck_assert_msg(mq != (mqd_t)-1, "the queue %s is not there: %m", name);
    ck_assert_msg(mq_send(mq, text, strlen(text), prio) == 0, "mq_send: %m");
    mq_close(mq);
}

/* Wait up to 3 s for P to sleep (state S): a message sent while it is still
 * reading the queue is read without a notice, and could hide a mistake. */
static void asleep(struct t_proc *p)
{
    for (int tries = 0; tries < 300 && t_state(p->pid) != 'S'; tries++)
        usleep(10000);
}

/* Make the queue NAME before posix_mqwatch opens it, small (4 messages of
 * 64 bytes): a plain user's queues share one RLIMIT_MSGQUEUE (800 KiB), and
 * graders run side by side. posix_mqwatch opens a queue that is there. */
static void premake(const char name[64])
{
    struct mq_attr small = { .mq_maxmsg = 4, .mq_msgsize = 64 };
    mqd_t mq = mq_open(name, O_WRONLY | O_CREAT | O_EXCL, 0600, &small);

    ck_assert_msg(mq != (mqd_t)-1, "mq_open %s: %m", name);
    mq_close(mq);
}

/* Start posix_mqwatch on a new name, wait for its first line, and then
 * until it sleeps. Every run of it should end at once, and a wait for its
 * output takes 5 s at most. */
static void start(struct t_proc *p, char name[64], char *out, size_t size)
{
    char want[128];

    t_limit = 5;
    g_start(p, 0, (const char *[]){ name, NULL });
    snprintf(want, sizeof want, "watching %s\n", name);
    ck_assert_msg(t_read_until(p->out, out, size, want), "`posix_mqwatch %s` must print "
                  "\"watching %s\" first. It printed:\n%s", name, name, g_shown(out));
    asleep(p);
}

/* Does P print WANT (after what OUT holds) within t_limit? */
static bool prints(struct t_proc *p, char *out, size_t size, const char *want)
{
    return t_read_until(p->out, out, size, want);
}

START_TEST(prints_a_message_sent_while_it_sleeps)
{
    char name[64], out[1024] = "";
    struct t_proc p;
    bool printed;

    t_posix_name(name);
    start(&p, name, out, sizeof out);
    send(name, 3, "wake up");
    printed = prints(&p, out, sizeof out, "3 wake up\n");
    send(name, 0, "quit");
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(printed, "a message sent with priority 3, \"wake up\", must be printed as "
                  "\"3 wake up\". posix_mqwatch printed:\n%s", out);
}
END_TEST

/* Three messages, each sent once the one before is printed and the watcher
 * sleeps again: one that calls mq_notify once misses the second, or the
 * third when the first came before its mq_notify (which then brings its
 * notice for the second). */
START_TEST(keeps_watching_after_the_first_notice)
{
    static const char *const sent[] = { "1 one\n", "2 two\n", "3 three\n" };
    char name[64], out[1024] = "";
    struct t_proc p;
    int printed = 0;

    t_posix_name(name);
    premake(name);
    start(&p, name, out, sizeof out);
    for (bool ok = true; ok && printed < 3; printed += ok) {
        char text[16];
        unsigned int prio;

        sscanf(sent[printed], "%u %15s", &prio, text);
        send(name, prio, text);
        ok = prints(&p, out, sizeof out, sent[printed]);
        asleep(&p);
    }
    send(name, 0, "quit");
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(printed == 3, "three messages, each sent after the one before was printed: "
                  "message %d was not printed within 5 s. mq_notify registers for one notice "
                  "only, and must be called again for the next. posix_mqwatch printed:\n%s",
                  printed + 1, out);
}
END_TEST

START_TEST(messages_already_waiting_come_first)
{
    char name[64], out[1024] = "";
    struct t_proc p;
    bool printed;
    mqd_t mq;

    t_posix_name(name);
    premake(name);
    mq = mq_open(name, O_WRONLY);
    ck_assert_msg(mq != (mqd_t)-1, "mq_open: %m");
    mq_send(mq, "a", 1, 1);
    mq_send(mq, "b", 1, 5);
    mq_send(mq, "c", 1, 3);
    mq_close(mq);
    start(&p, name, out, sizeof out);
    printed = prints(&p, out, sizeof out, "1 a\n");
    send(name, 0, "quit");
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(printed && strstr(out, "5 b\n3 c\n1 a\n"), "three messages were in the "
                  "queue before posix_mqwatch started (priorities 1, 5, 3): it must print them "
                  "at once, highest priority first. A notice comes only when a message arrives "
                  "on an empty queue, so these never bring one. It printed:\n%s", out);
}
END_TEST

START_TEST(sleeps_while_nothing_comes)
{
    char name[64], out[1024] = "";
    struct t_proc p;
    int running = 0;

    t_posix_name(name);
    premake(name);
    start(&p, name, out, sizeof out);
    usleep(100000);
    for (int i = 0; i < 20; i++) {
        running += t_state(p.pid) == 'R';
        usleep(10000);
    }
    send(name, 0, "quit");
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(running == 0, "with no message coming, posix_mqwatch was running in %d of 20 "
                  "looks at /proc/PID/stat, where it should sleep (state S) until the "
                  "notice: is it asking mq_receive again and again?", running);
}
END_TEST

START_TEST(quit_ends_it_and_removes_the_queue)
{
    char name[64], out[1024] = "";
    struct t_proc p;

    t_posix_name(name);
    premake(name);
    start(&p, name, out, sizeof out);
    send(name, 0, "quit");
    t_finish(&p, out, sizeof out, (char[512]){ "" }, 512);
    ck_assert_msg(p.status == 0, "after the message \"quit\", posix_mqwatch must exit 0; it %s",
                  g_status(p.status, p.ended_by_limit));
    ck_assert_msg(strcmp(out, "watching ") > 0 && strstr(out, "quit") == NULL,
                  "\"quit\" ends it, and is not printed:\n%s", out);
    g_no_leftovers("After \"quit\"");
}
END_TEST

START_TEST(ctrl_c_removes_the_queue)
{
    char name[64], out[1024] = "";
    struct t_proc p;

    t_posix_name(name);
    premake(name);
    start(&p, name, out, sizeof out);
    t_kill(&p, SIGINT);
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(p.status < 128 && !p.ended_by_limit, "after Ctrl-C, posix_mqwatch %s",
                  g_status(p.status, p.ended_by_limit));
    g_no_leftovers("After Ctrl-C");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("posix_mqwatch");

    g_add(s, prints_a_message_sent_while_it_sleeps);
    g_add(s, keeps_watching_after_the_first_notice);
    g_add(s, messages_already_waiting_come_first);
    g_add(s, sleeps_while_nothing_comes);
    g_add(s, quit_ends_it_and_removes_the_queue);
    g_add(s, ctrl_c_removes_the_queue);
    return s;
}

int main(void)
{
    return g_main("chapters/posix/labs/posix_mqwatch", make_suite);
}
