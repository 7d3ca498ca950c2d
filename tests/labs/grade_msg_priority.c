/* grade_msg_priority: the grader of the lab msg_priority
 * (chapters/msg/labs/msg_priority.c, statement in book/msg.adoc). See
 * grade.h. The grader queues jobs itself (msgsnd) and reads what is left
 * (msgctl, msgrcv), so that each test grades one of the program's parts. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <time.h>

enum { TEXT_MAX = 1024 };

struct job {
    long mtype;
    char text[TEXT_MAX];
};

/* A queue of the grader's on a key from a file of its own, for the program's
 * -k; its id is recorded for the leak guard. */
struct jobs {
    char path[PATH_MAX];
    key_t key;
    int id;
};

static void make_jobs(struct jobs *j)
{
    j->key = t_key(1, j->path);
    j->id = t_get(T_MSG, j->key, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_msg(j->id != -1, "msgget: %m");
}

static void queue_job(const struct jobs *j, long priority, const char *text)
{
    struct job job = { .mtype = priority };

    strcpy(job.text, text);
    ck_assert_msg(msgsnd(j->id, &job, strlen(text), IPC_NOWAIT) == 0, "msgsnd: %m");
}

static unsigned long qnum(int id)
{
    struct msqid_ds ds;

    ck_assert_msg(msgctl(id, IPC_STAT, &ds) == 0, "the queue %d is gone: %m", id);
    return ds.msg_qnum;
}

/* What a program printed, for a message: "(nothing)" rather than no text. */
static const char *shown(const char *out)
{
    return out[0] ? out : "(nothing)\n";
}

static void pause_ms(long ms)
{
    nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 }, NULL);
}

/* Wait up to 3 s for the queue to hold N messages or fewer; then how many
 * it holds. */
static unsigned long wait_for_qnum(int id, unsigned long n)
{
    for (int i = 0; i < 300 && qnum(id) > n; i++)
        pause_ms(10);
    return qnum(id);
}

/* The end of a test that passed: the queue goes, quietly (the leak guard
 * would count it against the program). */
static void remove_jobs(void)
{
    char said[256];

    t_leftovers(said, sizeof said);
}

/* Start `msg_priority -k PATH work [MAX]`. */
static void start_worker(struct t_proc *p, const struct jobs *j, const char *max)
{
    g_start(p, 0, (const char *[]){ "-k", j->path, "work", max, NULL });
}

/* Ctrl-C: the worker must end at once, with status 0; all it printed into
 * OUT (SIZE bytes, holding what was read already), stderr into ERR. */
static void stop_worker(struct t_proc *p, char *out, size_t size, char *err, size_t esize)
{
    t_kill(p, SIGINT);
    t_finish(p, out, size, err, esize);
    ck_assert_msg(p->status == 0 && !p->ended_by_limit, "after Ctrl-C, `msg_priority work` "
                  "%s, where it should stop and exit 0; it printed: %s%s",
                  g_status(p->status, p->ended_by_limit), out, err);
}

START_TEST(add_queues_a_message_of_its_priority)
{
    char path[PATH_MAX];
    key_t key = t_key(1, path);
    struct t_run r;
    struct job job;
    ssize_t n;
    int id;

    t_limit = 5;
    g_run(&r, NULL, "-k", path, "add", "7", "backup /home", NULL);
    ck_assert_msg(r.status == 0, "`msg_priority -k FILE add 7 'backup /home'` %s: %s",
                  g_status(r.status, r.ended_by_limit), r.err);
    id = msgget(key, 0);
    ck_assert_msg(id != -1, "after `msg_priority -k FILE add 7 'backup /home'` there is no "
                  "queue with the key of FILE: %m");
    t_track(T_MSG, id);
    g_run(&r, NULL, "-k", path, "add", "3", "mail", NULL);
    ck_assert_msg(r.status == 0, "a second `msg_priority -k FILE add 3 mail` %s: %s",
                  g_status(r.status, r.ended_by_limit), r.err);
    ck_assert_msg(qnum(id) == 2, "after two adds on one key, its queue holds %lu message(s), "
                  "not 2: does add_job() send one message?", qnum(id));
    n = msgrcv(id, &job, sizeof job.text, 0, IPC_NOWAIT | MSG_NOERROR);
    ck_assert_msg(n != -1, "msgrcv: %m");
    ck_assert_msg(job.mtype == 7 && n == 12 && memcmp(job.text, "backup /home", 12) == 0,
                  "`add 7 'backup /home'` queued a message of type %ld with %zd bytes of "
                  "text, \"%.*s\"; the job must be a message of type 7 (its priority), with "
                  "the 12 bytes of the text, no NUL", job.mtype, n, (int)n, job.text);
    remove_jobs();
}
END_TEST

START_TEST(work_takes_the_most_urgent_first)
{
    static const char want[] = "1 first of 1\n1 second of 1\n2 two\n3 three\n5 five\n";
    struct jobs j;
    struct t_proc p;
    char out[1024] = "", err[1024] = "";
    unsigned long left;

    t_limit = 5;
    make_jobs(&j);
    queue_job(&j, 5, "five");
    queue_job(&j, 1, "first of 1");
    queue_job(&j, 3, "three");
    queue_job(&j, 1, "second of 1");
    queue_job(&j, 2, "two");
    start_worker(&p, &j, NULL);
    left = wait_for_qnum(j.id, 0);
    pause_ms(100);                      /* for the last line to come out */
    stop_worker(&p, out, sizeof out, err, sizeof err);
    if (left == 5 && out[0] == '\0')
        ck_abort_msg("`msg_priority work` took none of the 5 jobs the grader queued (of "
                     "priorities 5, 1, 3, 1, 2) in 3 s. Does take_job() call msgrcv? With a "
                     "positive msgtyp, msgrcv takes only the jobs of exactly that type: which "
                     "msgtyp takes the lowest type first?");
    if (strcmp(out, "5 five\n1 first of 1\n3 three\n1 second of 1\n2 two\n") == 0)
        ck_abort_msg("`msg_priority work` took the jobs in the order they were queued "
                     "(5, 1, 3, 1, 2), not by priority: which msgtyp makes msgrcv take the "
                     "lowest type first?");
    ck_assert_msg(strcmp(out, want) == 0, "the grader queued jobs of priorities 5, 1, 3, 1, "
                  "2; `msg_priority work` should print, most urgent first (and of two 1s, "
                  "the older first):\n%sIt printed:\n%s%s", want, shown(out), err);
    remove_jobs();
}
END_TEST

START_TEST(work_waits_for_a_job)
{
    char path[PATH_MAX], out[1024] = "", err[1024] = "";
    struct jobs j;
    struct t_proc p;

    t_limit = 5;
    j.key = t_key(1, path);
    strcpy(j.path, path);
    start_worker(&p, &j, NULL);
    for (int i = 0; i < 300 && (j.id = msgget(j.key, 0)) == -1; i++)
        pause_ms(10);
    ck_assert_msg(j.id != -1, "`msg_priority -k FILE work` made no queue with the key of "
                  "FILE: a worker that comes before the first job must make it");
    t_track(T_MSG, j.id);
    pause_ms(200);                      /* it waits now, or has given up */
    ck_assert_msg(!t_ended(&p), "`msg_priority work` on an empty queue ended at once; it "
                  "must wait for jobs until Ctrl-C");
    queue_job(&j, 4, "later");
    ck_assert_msg(t_read_until(p.out, out, sizeof out, "4 later\n"), "the grader queued a job "
                  "of priority 4, \"later\", while `msg_priority work` waited; it should "
                  "print \"4 later\", and printed: %s", shown(out));
    stop_worker(&p, out, sizeof out, err, sizeof err);
    ck_assert_msg(msgget(j.key, 0) == j.id, "after Ctrl-C, the queue is gone: the jobs must "
                  "stay for the next worker (only rm removes it)");
    remove_jobs();
}
END_TEST

START_TEST(work_max_leaves_the_rest)
{
    static const long left[] = { 11, 50, 100 };
    struct jobs j;
    struct t_proc p;
    struct job job;
    char out[1024] = "", err[1024] = "";
    long got;

    t_limit = 5;
    make_jobs(&j);
    queue_job(&j, 50, "fifty");
    queue_job(&j, 11, "eleven");
    queue_job(&j, 1, "one");
    queue_job(&j, 100, "hundred");
    queue_job(&j, 10, "ten");
    start_worker(&p, &j, "10");
    wait_for_qnum(j.id, 3);
    pause_ms(200);                      /* time to take more, if it would */
    stop_worker(&p, out, sizeof out, err, sizeof err);
    for (const char *line = out; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "")
        if (sscanf(line, "%ld", &got) == 1 && got > 10)
            ck_abort_msg("`msg_priority work 10` took a job of priority %ld, above its "
                         "bound 10: it must leave it for another worker. It printed:\n%s",
                         got, out);
    ck_assert_msg(strcmp(out, "1 one\n10 ten\n") == 0, "the grader queued jobs of priorities "
                  "50, 11, 1, 100, 10; `msg_priority work 10` should print\n1 one\n10 ten\n"
                  "It printed:\n%s%s", shown(out), err);
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(msgrcv(j.id, &job, sizeof job.text, -LONG_MAX, IPC_NOWAIT | MSG_NOERROR)
                      != -1, "after `msg_priority work 10`, the queue holds %d job(s), "
                      "where jobs 11, 50 and 100 should wait", i);
        ck_assert_msg(job.mtype == left[i], "after `msg_priority work 10`, job %ld should "
                      "still wait, and the queue holds job %ld instead", left[i], job.mtype);
    }
    remove_jobs();
}
END_TEST

START_TEST(rm_removes_the_queue)
{
    struct jobs j;
    struct t_run r;

    t_limit = 5;
    make_jobs(&j);
    queue_job(&j, 1, "not done");
    queue_job(&j, 2, "nor this");
    g_run(&r, NULL, "-k", j.path, "rm", NULL);
    ck_assert_msg(r.status == 0, "`msg_priority -k FILE rm` %s: %s",
                  g_status(r.status, r.ended_by_limit), r.err);
    ck_assert_msg(msgget(j.key, 0) == -1, "after `msg_priority -k FILE rm`, the queue of "
                  "FILE is still there: remove_queue() must remove it (IPC_RMID)");
    ck_assert_msg(strstr(r.out, ": 2 jobs were not done\n") != NULL, "`msg_priority rm` on a "
                  "queue of 2 jobs should say so (\"...: 2 jobs were not done\"): does "
                  "remove_queue() return msg_qnum? It printed: %s", r.out);
    g_no_leftovers("After `msg_priority rm`");
    g_run(&r, NULL, "-k", j.path, "rm", NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "ENOENT") && t_lines(r.err) == 1,
                  "`msg_priority rm` where there is no queue should fail, exit 1 and say "
                  "why in one line (msgget: ENOENT); it %s and said: %s",
                  g_status(r.status, r.ended_by_limit), r.err);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("msg_priority");

    g_add(s, add_queues_a_message_of_its_priority);
    g_add(s, work_takes_the_most_urgent_first);
    g_add(s, work_waits_for_a_job);
    g_add(s, work_max_leaves_the_rest);
    g_add(s, rm_removes_the_queue);
    return s;
}

int main(void)
{
    return g_main("chapters/msg/labs/msg_priority", make_suite);
}
