/* server.c: msg_server and msg_client, one queue, replies by type; how each
 * ends when the other or the queue goes. */
#define _GNU_SOURCE
#include "msg.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

enum { CLIENTS = 5 };

/* msg_server with ARGV; the id of the queue it made (its first line). */
static int start_server(struct t_proc *server, const char *const argv[])
{
    char line[32] = "";
    int id;

    t_start(server, 0, "chapters/msg/msg_server", argv);
    ck_assert_msg(t_read_until(server->out, line, sizeof line, "\n"), "no id from msg_server: \"%s\"", line);
    id = atoi(line);
    t_track(T_MSG, id);
    return id;
}

/* SIG to the server waiting for requests: it says EXPECT_ERR, exits 0 and
 * removes its queue. */
static void stop_server(struct t_proc *server, int id, int sig, const char *expect_err)
{
    char err[2048] = "";

    ck_assert_msg(t_blocked_in(server->pid, SYS_msgrcv), "the server is not waiting");
    t_kill(server, sig);
    ck_assert_msg(t_read_until(server->err, err, sizeof err, expect_err), "no \"%s\" in:\n%s",
                  expect_err, err);
    ck_assert_int_eq(t_wait(server), 0);
    ck_assert(!t_exists(T_MSG, id));
}

START_TEST(server_answers_each_client_its_own)
{
    struct t_proc server, clients[CLIENTS];
    char id_text[16], texts[CLIENTS][16], out[512], err[512], expect[64], tail[64];
    int id = start_server(&server, NULL);

    snprintf(id_text, sizeof id_text, "%d", id);
    for (int i = 0; i < CLIENTS; i++) {         /* all at once */
        snprintf(texts[i], sizeof texts[i], "client %d", i);
        t_start(&clients[i], 0, "chapters/msg/msg_client",      /* -w 30: a loaded */
                (const char *const[]){ "-w", "30", id_text, texts[i], NULL });  /* machine is no failure */
    }
    for (int i = 0; i < CLIENTS; i++) {         /* a few bytes each: no pipe fills */
        out[0] = err[0] = '\0';
        ck_assert_int_eq(t_finish(&clients[i], out, sizeof out, err, sizeof err), 0);
        snprintf(expect, sizeof expect, "reply for pid %ld: CLIENT %d\n", (long)clients[i].pid, i);
        ck_assert_str_eq(out, expect);
        ck_assert_str_eq(err, "");
    }
    ck_assert_int_eq(stat_of(id).msg_qnum, 0);          /* nothing left over */
    snprintf(tail, sizeof tail, "stopped after %d requests; queue %d removed\n", CLIENTS, id);
    stop_server(&server, id, SIGTERM, tail);
}
END_TEST

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

START_TEST(server_removes_its_queue_when_stopped)
{
    char path[PATH_MAX], arg[PATH_MAX + 8], expect[64];
    struct t_proc server;
    int id;

    t_key(1, path);
    snprintf(arg, sizeof arg, "-k%s", path);
    id = start_server(&server, (const char *const[]){ arg, NULL });
    ck_assert_int_eq(stat_of(id).msg_perm.__key, ftok(path, 1));
    snprintf(expect, sizeof expect, "stopped after 0 requests; queue %d removed\n", id);
    stop_server(&server, id, stop_signals[_i], expect);
}
END_TEST

/* Someone else removes the server's queue: it stops with one line. */
START_TEST(server_stops_when_its_queue_is_removed)
{
    struct t_proc server;
    char err[256] = "", expect[128];
    int id = start_server(&server, NULL);

    ck_assert_msg(t_blocked_in(server.pid, SYS_msgrcv), "the server is not waiting");
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
    ck_assert_int_eq(t_finish(&server, NULL, 0, err, sizeof err), 1);
    snprintf(expect, sizeof expect, "msg_server: msgrcv %d: EIDRM: Identifier removed\n", id);
    ck_assert_str_eq(err, expect);
}
END_TEST

/* A type-1 message longer than a request (not from msg_client) is cut, not
 * fatal: the server answers what fits and serves on. */
START_TEST(server_cuts_an_oversized_request)
{
    struct t_proc server;
    struct message m = { .mtype = 1 };
    pid_t fake = 424242;                /* the "pid" the request carries */
    int id = start_server(&server, NULL);
    ssize_t n;

    memcpy(m.mtext, &fake, sizeof fake);
    memset(m.mtext + sizeof fake, 'a', 1000);
    ck_assert_int_eq(msgsnd(id, &m, sizeof fake + 1000, 0), 0);
    n = msgrcv(id, &m, sizeof m.mtext, fake, 0);   /* EIDRM if the server stopped */
    ck_assert_msg(n == 256, "reply: %zd bytes (%s)", n, n == -1 ? strerror(errno) : "");
    ck_assert_msg(m.mtext[0] == 'A' && m.mtext[255] == 'A', "reply: \"%.4s...%c\", not \"AAAA...A\"",
                  m.mtext, m.mtext[255]);
    stop_server(&server, id, SIGINT, "stopped after 1 request; queue ");
}
END_TEST

/* Its id cannot be written: one line, exit 1, and no queue left behind. */
START_TEST(server_with_unwritable_stdout_removes_its_queue)
{
    char path[PATH_MAX], prog[PATH_MAX];
    key_t key = t_key(1, path);
    struct t_run r;

    snprintf(prog, sizeof prog, "%s/chapters/msg/msg_server", t_top());
    t_run(&r, NULL, "/bin/sh", "-c", "exec \"$0\" -k \"$1\" >/dev/full", prog, path, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "msg_server: write to stdout: ENOSPC: No space left on device\n");
    errno = 0;
    ck_assert_int_eq(msgget(key, 0), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(client_gives_up_without_server)
{
    int id = new_queue(0600);
    char id_text[16];
    struct t_run r;

    snprintf(id_text, sizeof id_text, "%d", id);
    t_run(&r, NULL, "chapters/msg/msg_client", "-w", "1", id_text, "anyone?", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "msg_client: no reply within 1 s: is msg_server running?\n");
    ck_assert_int_eq(stat_of(id).msg_qnum, 1);          /* its request, unanswered */
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* The test plays a server that takes the request and then stops. */
START_TEST(client_gets_eidrm_when_server_stops)
{
    int id = new_queue(0600);
    char id_text[16], out[256] = "", err[256] = "", expect[128];
    struct message m;
    struct t_proc client;

    snprintf(id_text, sizeof id_text, "%d", id);
    t_start(&client, 0, "chapters/msg/msg_client",
            (const char *const[]){ "-w", "60", id_text, "hello", NULL });
    ck_assert_int_gt(msgrcv(id, &m, sizeof m.mtext, 1, 0), 0);
    ck_assert_msg(t_blocked_in(client.pid, SYS_msgrcv), "the client is not waiting");
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
    ck_assert_int_eq(t_finish(&client, out, sizeof out, err, sizeof err), 1);
    snprintf(expect, sizeof expect, "msg_client: msgrcv %d: EIDRM: Identifier removed\n", id);
    ck_assert_str_eq(err, expect);
    ck_assert_str_eq(out, "");
}
END_TEST

void add_server_tests(Suite *s)
{
    TCase *server = tcase_create("server");

    tcase_add_test(server, server_answers_each_client_its_own);
    tcase_add_loop_test(server, server_removes_its_queue_when_stopped, 0, T_ROWS(stop_signals));
    tcase_add_test(server, server_stops_when_its_queue_is_removed);
    tcase_add_test(server, server_cuts_an_oversized_request);
    tcase_add_test(server, server_with_unwritable_stdout_removes_its_queue);
    tcase_add_test(server, client_gives_up_without_server);
    tcase_add_test(server, client_gets_eidrm_when_server_stops);
    tcase_set_timeout(server, 90);
    suite_add_tcase(s, server);
}
