/* grade_msg_pidserver: the grader of the lab msg_pidserver
 * (chapters/msg/labs/msg_pidserver.c, statement in book/msg.adoc). See
 * grade.h. The clients are the grader's own children, which speak
 * msg_server's protocol as msg_client does. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <time.h>

enum { REQUEST = 1, TEXT_MAX = 256, WAIT = 5 };     /* WAIT: seconds a client waits */

struct request_message {
    long mtype;
    pid_t pid;
    char text[TEXT_MAX];
};

struct reply_message {
    long mtype;
    char text[TEXT_MAX];
};

/* A running server: the program, its queue's key (from a file of the
 * grader's) and the id it printed. */
struct server {
    struct t_proc p;
    char path[PATH_MAX];
    key_t key;
    int id;
    char out[256];
};

/* Start `msg_pidserver [-d MS] -k FILE`; fail unless it prints the id of a
 * queue that has the key. */
static void start_server(struct server *s, const char *ms)
{
    s->key = t_key(1, s->path);
    s->out[0] = '\0';
    if (ms != NULL)
        g_start(&s->p, 0, (const char *[]){ "-d", ms, "-k", s->path, NULL });
    else
        g_start(&s->p, 0, (const char *[]){ "-k", s->path, NULL });
    ck_assert_msg(t_read_until(s->p.out, s->out, sizeof s->out, "\n")
                  && sscanf(s->out, "%d", &s->id) == 1,
                  "`msg_pidserver -k FILE` printed no queue id; it printed: %s", s->out);
    t_track(T_MSG, s->id);
    ck_assert_msg(msgget(s->key, 0) == s->id, "msg_pidserver printed %d, but the queue "
                  "of the key of FILE is %d (-1: none)", s->id, msgget(s->key, 0));
}

/* Ctrl-C, and what it said on stderr into ERR. Only the test
 * ctrl_c_removes_the_queue holds the server to what it must do then: the
 * others remove what it left, and say nothing. */
static void stop_server(struct server *s, char *err, size_t size, bool judge)
{
    char said[256];

    err[0] = '\0';
    t_kill(&s->p, SIGINT);
    t_finish(&s->p, s->out, sizeof s->out, err, size);
    if (!judge)
        t_leftovers(said, sizeof said);
}

#define STOP(s) stop_server(s, (char[1024]){ "" }, 1024, false)

static struct msqid_ds stat_of(int id)
{
    struct msqid_ds ds;

    ck_assert_msg(msgctl(id, IPC_STAT, &ds) == 0, "the server's queue %d is gone: %m", id);
    return ds;
}

static int msqid;                       /* the queue the clients use */

static void on_alarm(int sig)
{
    (void)sig;
}

/* A child of t_fork inherits the test process's handlers (Check's, which
 * end the test's whole group): a client starts with the default actions. */
static void default_signals(void)
{
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
}

/* A client, in a child: send TEXT with this pid, wait WAIT s for the reply,
 * print "TYPE TEXT". */
static int client(void *text)
{
    struct request_message req = { .mtype = REQUEST, .pid = getpid() };
    struct reply_message reply;
    struct sigaction sa = { .sa_handler = on_alarm };
    ssize_t n;

    default_signals();
    sigaction(SIGALRM, &sa, NULL);      /* the alarm ends a wait: EINTR */
    alarm(WAIT);                        /* for room to send, then for the reply */
    strcpy(req.text, text);
    if (msgsnd(msqid, &req, offsetof(struct request_message, text) - sizeof(long)
               + strlen(text), 0) == -1) {
        printf("msgsnd: %s\n", strerrorname_np(errno));
        return 1;
    }
    n = msgrcv(msqid, &reply, sizeof reply.text, getpid(), 0);
    if (n == -1) {
        printf("msgrcv: %s\n", strerrorname_np(errno));
        return 1;
    }
    printf("%ld %.*s\n", reply.mtype, (int)n, reply.text);
    return 0;
}

/* A client that sends TEXT and then never reads its reply. */
static int silent_client(void *text)
{
    struct request_message req = { .mtype = REQUEST, .pid = getpid() };

    default_signals();
    strcpy(req.text, text);
    if (msgsnd(msqid, &req, offsetof(struct request_message, text) - sizeof(long)
               + strlen(text), 0) == -1)
        return 1;
    pause();
    return 0;
}

/* The client C, started with TEXT, ended and printed OUT: it must have
 * printed its pid and TEXT in capitals. */
static void check_reply(const struct t_proc *c, const char *out, const char *text,
                        const char *upper)
{
    char want[512];

    snprintf(want, sizeof want, "%ld %s\n", (long)c->pid, upper);
    if (strncmp(out, "msgrcv: ", 8) == 0 || strncmp(out, "msgsnd: ", 8) == 0)
        ck_abort_msg("a client (pid %ld) sent \"%s\" and got no reply within %d s (%.*s). "
                     "Does take_request() take only requests (msgtyp 1), and answer() send "
                     "the reply with the client's pid as its type?", (long)c->pid, text,
                     WAIT, (int)strcspn(out, "\n"), out);
    ck_assert_msg(strcmp(out, want) == 0, "a client (pid %ld) sent \"%s\"; it wanted the "
                  "reply \"%s\" of type %ld, and got (type, text): %s", (long)c->pid, text,
                  upper, (long)c->pid, out);
}

/* Wait for the client C, started with TEXT, and check its reply. */
static void check_answered(struct t_proc *c, const char *text, const char *upper)
{
    char out[512] = "";

    t_finish(c, out, sizeof out, NULL, 0);
    check_reply(c, out, text, upper);
}

/* Wait up to SECONDS for the queue to hold N messages; its state then. */
static struct msqid_ds wait_for_qnum(int id, unsigned long n, int seconds)
{
    struct msqid_ds ds = stat_of(id);

    for (int i = 0; i < seconds * 100 && ds.msg_qnum != n; i++) {
        nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
        ds = stat_of(id);
    }
    return ds;
}

START_TEST(answers_each_client_by_pid)
{
    static const char *const texts[] = { "first client", "the second", "3rd" };
    static const char *const upper[] = { "FIRST CLIENT", "THE SECOND", "3RD" };
    struct server s;
    struct t_proc c[3];

    t_limit = 8;
    start_server(&s, NULL);
    msqid = s.id;
    for (int i = 0; i < 3; i++)
        t_fork(&c[i], 0, client, (void *)texts[i]);
    for (int i = 0; i < 3; i++)
        check_answered(&c[i], texts[i], upper[i]);
    ck_assert_msg(stat_of(s.id).msg_qnum == 0, "every client has its reply, and yet the "
                  "queue holds %lu message(s)", (unsigned long)stat_of(s.id).msg_qnum);
    STOP(&s);
}
END_TEST

START_TEST(survives_a_client_killed_mid_request)
{
    struct server s;
    struct t_proc a, b, c, d;
    struct msqid_ds ds;
    struct reply_message m;

    t_limit = 10;
    start_server(&s, "300");
    msqid = s.id;
    t_fork(&a, 0, client, "before");
    t_fork(&b, 0, client, "killed");
    t_fork(&c, 0, client, "after");
    ck_assert(t_blocked_in(b.pid, SYS_msgrcv));     /* it has sent, and waits */
    t_kill(&b, SIGKILL);
    t_wait(&b);
    check_answered(&a, "before", "BEFORE");
    check_answered(&c, "after", "AFTER");
    ck_assert_msg(!t_ended(&s.p), "msg_pidserver ended when a client was killed while "
                  "it waited (pid %ld): a server must outlive its clients", (long)b.pid);
    ds = wait_for_qnum(s.id, 0, 3);
    if (ds.msg_qnum != 0 && msgrcv(s.id, &m, sizeof m.text, b.pid, IPC_NOWAIT | MSG_NOERROR) != -1)
        ck_abort_msg("the client pid %ld was killed while the server worked on its request; "
                     "3 s after the others had their answers, its reply is still on the queue, "
                     "where nobody will ever take it: sweep() must take back the replies of "
                     "the clients that died", (long)b.pid);
    ck_assert_msg(ds.msg_qnum == 0, "after the clients were served (one was killed), the "
                  "queue still holds %lu message(s)", (unsigned long)ds.msg_qnum);
    t_fork(&d, 0, client, "one more");
    check_answered(&d, "one more", "ONE MORE");
    STOP(&s);
}
END_TEST

START_TEST(takes_back_a_reply_nobody_read)
{
    struct server s;
    struct t_proc q;
    struct msqid_ds ds;

    t_limit = 8;
    start_server(&s, NULL);
    msqid = s.id;
    t_fork(&q, 0, silent_client, "never read");
    ds = stat_of(s.id);
    for (int i = 0; i < 300 && ds.msg_lspid != s.p.pid; i++) {     /* 3 s for a reply */
        nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
        ds = stat_of(s.id);
    }
    ck_assert_msg(ds.msg_lspid == s.p.pid, "a client (pid %ld) sent a request, and 3 s later "
                  "the server has sent nothing (the queue holds %lu message(s), the last "
                  "taken by pid %ld; the server is %ld)", (long)q.pid,
                  (unsigned long)ds.msg_qnum, (long)ds.msg_lrpid, (long)s.p.pid);
    nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
    ds = stat_of(s.id);
    ck_assert_msg(ds.msg_qnum == 1 && ds.msg_lrpid == s.p.pid,
                  "a client (pid %ld) sent a request and did not read its reply, which "
                  "must wait on the queue for it; but the queue holds %lu message(s), and "
                  "the last one to take a message off was pid %ld (the server is %ld). Did the "
                  "server take its own reply back? take_request() must take only requests "
                  "(msgtyp 1), and sweep() only the replies of clients that died",
                  (long)q.pid, (unsigned long)ds.msg_qnum,
                  (long)ds.msg_lrpid, (long)s.p.pid);
    t_kill(&q, SIGKILL);
    t_wait(&q);
    ds = wait_for_qnum(s.id, 0, 3);
    ck_assert_msg(ds.msg_qnum == 0, "the reply for pid %ld was on the queue when that client "
                  "died, and 3 s later it is still on the queue: sweep() must find the "
                  "remembered clients that died (kill(pid, 0): ESRCH) and take their replies "
                  "off (msgrcv of type pid, IPC_NOWAIT)", (long)q.pid);
    STOP(&s);
}
END_TEST

/* Is PID asleep in the system call NR now? (t_blocked_in waits for it.) */
static bool asleep_in(pid_t pid, long nr)
{
    char path[64];
    long call = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/syscall", (long)pid);
    if ((f = fopen(path, "r")) != NULL) {
        if (fscanf(f, "%ld", &call) != 1)
            call = -1;                  /* "running" */
        fclose(f);
    }
    return call == nr && t_state(pid) == 'S';
}

START_TEST(a_full_queue_does_not_stop_the_server)
{
    char long_text[101];                /* a request of 104 bytes, a reply of 100 */
    struct server s;
    struct t_proc c[4], late;      /* four that fill the queue, one after them */
    struct msqid_ds ds;
    char out[512] = "";

    t_limit = 10;
    memset(long_text, 'x', 100);
    long_text[100] = '\0';
    start_server(&s, "200");
    msqid = s.id;
    ds = stat_of(s.id);
    ds.msg_qbytes = 2 * 104;            /* two requests fill it */
    ck_assert_msg(msgctl(s.id, IPC_SET, &ds) == 0, "msgctl IPC_SET: %m");
    /* The server works on one request while the others fill the queue and
     * wait to send: its reply does not fit, and only the server can make room. */
    for (int i = 0; i < 4; i++)
        t_fork(&c[i], 0, client, (void *)long_text);
    /* Until the four have sent (each waits for its reply, or has it), a
     * server that waits for room sleeps in msgsnd; ours never does. */
    for (int i = 0, sent = 0; i < 5000 && sent < 4; i++) {     /* 10 s at most */
        if (i == 1000 && stat_of(s.id).msg_lrpid == 0)
            break;                      /* 2 s, and it has taken no request */
        if (asleep_in(s.p.pid, SYS_msgsnd))
            ck_abort_msg("four clients filled the queue with requests (the grader made its "
                         "msg_qbytes 208), and the server waits in msgsnd for room for a "
                         "reply: room that only the server itself could make, by taking a "
                         "request. answer() must never wait: IPC_NOWAIT, and a reply that "
                         "does not fit is dropped");
        nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
        sent = 0;
        for (int j = 0; j < 4; j++)
            sent += t_ended(&c[j]) || asleep_in(c[j].pid, SYS_msgrcv);
    }
    /* then one more, which the server must answer */
    t_fork(&late, 0, client, "late");
    t_finish(&late, out, sizeof out, NULL, 0);
    check_reply(&late, out, "late", "LATE");
    for (int i = 0; i < 4; i++) {       /* answered or not: a reply may be dropped */
        t_kill(&c[i], SIGKILL);
        t_wait(&c[i]);
    }
    STOP(&s);
}
END_TEST

START_TEST(ctrl_c_removes_the_queue)
{
    struct server s;
    char err[1024];

    t_limit = 8;
    start_server(&s, NULL);
    stop_server(&s, err, sizeof err, true);
    ck_assert_msg(msgget(s.key, 0) == -1, "after Ctrl-C, the server's queue %d is still "
                  "there: remove_queue() must remove it", s.id);
    ck_assert_msg(s.p.status == 0 && !s.p.ended_by_limit, "after Ctrl-C, msg_pidserver "
                  "%s; it said: %s", g_status(s.p.status, s.p.ended_by_limit), err);
    g_no_leftovers("After Ctrl-C");
}
END_TEST

START_TEST(a_second_server_on_the_key_is_refused)
{
    struct server s;
    struct t_run r;

    t_limit = 8;
    start_server(&s, NULL);
    g_run(&r, NULL, "-k", s.path, NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "EEXIST") && r.out[0] == '\0',
                  "a second `msg_pidserver -k FILE` on the key of a running one must fail "
                  "(msgget: EEXIST), exit 1 and print no id; it %s and printed: %s%s",
                  g_status(r.status, r.ended_by_limit), r.out, r.err);
    ck_assert_msg(msgget(s.key, 0) == s.id, "the first server's queue %d is gone after a "
                  "second server failed on its key: remove only the queue you made", s.id);
    STOP(&s);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("msg_pidserver");

    g_add(s, answers_each_client_by_pid);
    g_add(s, survives_a_client_killed_mid_request);
    g_add(s, takes_back_a_reply_nobody_read);
    g_add(s, a_full_queue_does_not_stop_the_server);
    g_add(s, ctrl_c_removes_the_queue);
    g_add(s, a_second_server_on_the_key_is_refused);
    return s;
}

int main(void)
{
    return g_main("chapters/msg/labs/msg_pidserver", make_suite);
}
