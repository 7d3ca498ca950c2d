/* programs.c: the chapter's programs, run as a reader runs them: their
 * command lines, a round trip through one queue, keys and modes, seed 003's
 * sample, ipcs and ipcrm, and the book's sample sessions. */
#define _GNU_SOURCE
#include "msg.h"

#include <stdio.h>
#include <string.h>

static const struct t_bad_line bad_lines[] = {
    { "msg_create", { "extra" }, 2, "msg_create: too many arguments (see msg_create --help)" },
    { "msg_create", { "-p", "-K", "1" }, 2, "msg_create: give one key option (see msg_create --help)" },
    { "msg_create", { "-m", "0800" }, 2,
      "msg_create: mode: \"0800\" is not an octal mode (0 to 0777) (see msg_create --help)" },
    { "msg_create", { "-K", "0" }, 2,
      "msg_create: key: 0 means IPC_PRIVATE; give a non-zero key (see msg_create --help)" },
    { "msg_create", { "-k", "/no/such/file" }, 1,
      "msg_create: ftok /no/such/file: ENOENT: No such file or directory" },
    { "msg_private", { "x" }, 2, "msg_private: too many arguments (see msg_private --help)" },
    { "msg_send", { NULL }, 2, "msg_send: missing MSQID (see msg_send --help)" },
    { "msg_send", { "1" }, 2, "msg_send: missing TYPE (see msg_send --help)" },
    { "msg_send", { "1", "2" }, 2, "msg_send: missing TEXT (see msg_send --help)" },
    { "msg_send", { "1", "2", "x", "y" }, 2, "msg_send: too many arguments (see msg_send --help)" },
    { "msg_send", { "--", "-1", "2", "x" }, 2,
      "msg_send: msqid: -1 is out of range (0 to 2147483647) (see msg_send --help)" },
    { "msg_send", { "x", "2", "x" }, 2, "msg_send: msqid: \"x\" is not a number (see msg_send --help)" },
    { "msg_send", { "1", "2x", "x" }, 2, "msg_send: type: \"2x\" is not a number (see msg_send --help)" },
    { "msg_recv", { NULL }, 2, "msg_recv: missing MSQID (see msg_recv --help)" },
    { "msg_recv", { "-t" }, 2, "msg_recv: option -t needs an argument (see msg_recv --help)" },
    { "msg_recv", { "-t", "1.5", "1" }, 2, "msg_recv: type: \"1.5\" is not a number (see msg_recv --help)" },
    { "msg_recv", { "1", "-1" }, 2,
      "msg_recv: maxbytes: -1 is out of range (0 to 1048576) (see msg_recv --help)" },
    { "msg_recv", { "1", "2", "3" }, 2, "msg_recv: too many arguments (see msg_recv --help)" },
    { "msg_stat", { NULL }, 2, "msg_stat: missing MSQID (see msg_stat --help)" },
    { "msg_stat", { "abc" }, 2, "msg_stat: msqid: \"abc\" is not a number (see msg_stat --help)" },
    { "msg_qbytes", { "1" }, 2, "msg_qbytes: missing BYTES (see msg_qbytes --help)" },
    { "msg_qbytes", { "1", "-5" }, 2,
      "msg_qbytes: bytes: -5 is out of range (0 to 2147483647) (see msg_qbytes --help)" },
    { "msg_rm", { NULL }, 2, "msg_rm: missing MSQID (see msg_rm --help)" },
    { "msg_rm", { "1", "x" }, 2, "msg_rm: msqid: \"x\" is not a number (see msg_rm --help)" },
    { "msg_server", { "-k" }, 2, "msg_server: option -k needs an argument (see msg_server --help)" },
    { "msg_server", { "x" }, 2, "msg_server: too many arguments (see msg_server --help)" },
    { "msg_client", { NULL }, 2, "msg_client: missing MSQID (see msg_client --help)" },
    { "msg_client", { "1" }, 2, "msg_client: missing TEXT (see msg_client --help)" },
    { "msg_client", { "-K", "1" }, 2, "msg_client: missing TEXT (see msg_client --help)" },
    { "msg_client", { "-w", "0", "1", "x" }, 2,
      "msg_client: seconds: 0 is out of range (1 to 3600) (see msg_client --help)" },
    { "msg_client", { "-k", "/no/such/file", "x" }, 1,
      "msg_client: ftok /no/such/file: ENOENT: No such file or directory" },
};

START_TEST(bad_command_lines)
{
    t_refuse("msg", &bad_lines[_i]);
}
END_TEST

START_TEST(programs_round_trip)
{
    struct t_run r;
    char id_text[16];
    int id;

    t_run(&r, NULL, "chapters/msg/msg_create", NULL);
    id = t_created(&r, T_MSG);
    ck_assert_int_eq(stat_of(id).msg_perm.mode & 0777, 0600);
    snprintf(id_text, sizeof id_text, "%d", id);
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "2", "two", NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "1", "one", NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "chapters/msg/msg_stat", id_text, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "qnum 2  cbytes 6  qbytes "), "msg_stat said:\n%s", r.out);
    ck_assert_msg(strstr(r.out, "rtime never\n"), "msg_stat said:\n%s", r.out);
    t_run(&r, NULL, "chapters/msg/msg_recv", "-t", "-1", id_text, NULL);
    ck_assert_str_eq(r.out, "type 1, 3 bytes: one\n");
    t_run(&r, NULL, "chapters/msg/msg_recv", id_text, "2", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, ": E2BIG: "), "msg_recv said: %s", r.err);
    t_run(&r, NULL, "chapters/msg/msg_recv", "-e", id_text, "2", NULL);
    ck_assert_str_eq(r.out, "type 2, 2 bytes: tw\n");
    t_run(&r, NULL, "chapters/msg/msg_recv", "-n", id_text, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, ": ENOMSG: "), "msg_recv said: %s", r.err);
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "0", "zero", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, ": EINVAL: "), "msg_send said: %s", r.err);
    t_run(&r, NULL, "chapters/msg/msg_qbytes", id_text, "100", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(stat_of(id).msg_qbytes, 100);
    t_run(&r, NULL, "chapters/msg/msg_rm", id_text, id_text, NULL);
    ck_assert_int_eq(r.status, 1);                       /* the second time: EINVAL */
    ck_assert_int_eq(t_lines(r.err), 1);
    ck_assert(!t_exists(T_MSG, id));
}
END_TEST

START_TEST(msg_create_keys_and_modes)
{
    char path[PATH_MAX], arg[PATH_MAX + 8];
    struct t_run r;
    int id;

    t_key(1, path);
    snprintf(arg, sizeof arg, "%s:1", path);
    t_run(&r, NULL, "chapters/msg/msg_create", "-k", arg, "-x", "-m", "0640", NULL);
    id = t_created(&r, T_MSG);
    ck_assert_int_eq(stat_of(id).msg_perm.mode & 0777, 0640);
    ck_assert_int_eq(stat_of(id).msg_perm.__key, ftok(path, 1));
    t_run(&r, NULL, "chapters/msg/msg_create", "-k", arg, NULL);      /* opens it */
    ck_assert_int_eq(t_created(&r, T_MSG), id);
    t_run(&r, NULL, "chapters/msg/msg_create", "-k", arg, "-x", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "msg_create: msgget: EEXIST: File exists\n");
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* Seed 003's sample: mode 0. A process with CAP_IPC_OWNER may still IPC_STAT
 * it; no one else may, the owner included. Both remove it. */
static int private_as_plain(void *unused)
{
    struct t_run r;
    int id;

    (void)unused;
    t_run(&r, NULL, "chapters/msg/msg_private", NULL);
    if (sscanf(r.out, "msqid = %d", &id) == 1)
        t_track(T_MSG, id);                     /* if it were left, the guard removes it */
    if (r.status != 0 || !strstr(r.out, "\nIPC_STAT: EACCES: Permission denied\nremoved\n")) {
        fprintf(stderr, "msg_private without capabilities: status %d, stdout:\n%s\nstderr:\n%s",
                r.status, r.out, r.err);
        return 1;
    }
    return 0;
}

START_TEST(seed_sample_makes_mode_0)
{
    const char *stat = t_capable(CAP_IPC_OWNER) ? "\nIPC_STAT: allowed" : "\nIPC_STAT: EACCES";
    struct t_run r;
    int id, status;

    t_run(&r, NULL, "chapters/msg/msg_private", NULL);
    ck_assert_msg(r.status == 0, "msg_private: status %d: %s", r.status, r.err);
    ck_assert_int_eq(sscanf(r.out, "msqid = %d", &id), 1);
    t_track(T_MSG, id);                         /* if it were left, the guard removes it */
    ck_assert_msg(strstr(r.out, "\nmode 0 (IPC_CREAT and no permission bits)\n") &&
                  strstr(r.out, stat), "no \"%s\" in:\n%s", stat + 1, r.out);
    ck_assert(!t_exists(T_MSG, id));
    status = t_unprivileged(private_as_plain, NULL);
    ck_assert_msg(status == 0, "without capabilities: status %d (its output is on stderr)", status);
}
END_TEST

/* ipcs -q lists the queue with its bytes and messages; ipcrm -q removes it. */
START_TEST(ipcs_shows_and_ipcrm_removes)
{
    int id = new_queue(0640), n = 0;
    char id_text[16], key[16], owner[64], perms[16];
    const char *line;
    long got, bytes, messages;
    struct t_run r;

    ck_assert_int_eq(send_text(id, 1, "hello", 0), 0);
    ck_assert_int_eq(send_text(id, 2, "!", 0), 0);
    snprintf(id_text, sizeof id_text, "%d", id);
    /* the header and our line only: a busy machine's whole list may not fit in r.out */
    t_run(&r, NULL, "/bin/sh", "-c", "ipcs -q | awk -v id=\"$0\" 'NR <= 3 || $2 == id'",
          id_text, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "used-bytes   messages"), "ipcs -q said:\n%s", r.out);
    for (line = r.out; line != NULL; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (sscanf(line, "%15s %ld %63s %15s %ld %ld", key, &got, owner, perms, &bytes,
                   &messages) == 6 && got == id) {
            ck_assert_str_eq(key, "0x00000000");
            ck_assert_str_eq(perms, "640");
            ck_assert_int_eq(bytes, 6);
            ck_assert_int_eq(messages, 2);
            n++;
        }
    }
    ck_assert_msg(n == 1, "%d lines for queue %d in:\n%s", n, id, r.out);
    t_run(&r, NULL, "/usr/bin/ipcrm", "-q", id_text, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(!t_exists(T_MSG, id));
}
END_TEST

START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "queue.session", { "type 1, 3 bytes: one", "E2BIG", "ENOMSG" } },
        { "select.session", { "type 1, ", "type 3, ", "type 2, " } },
        { "stat.session", { "qnum 2  cbytes 8", " -> 10\n", ": EAGAIN: " } },
        { "private.session", { "msqid = ", "mode 0 (IPC_CREAT", "removed" } },
        { "server.session", { "reply for pid ", "HI, I AM BOB", "requests; queue " } },
        { "ipcs.session", { "used-bytes   messages", "qbytes=", " not found" } },
    };

    t_play_sessions("msg", expect, T_ROWS(expect), NULL);
}
END_TEST

void add_programs_tests(Suite *s)
{
    TCase *progs = tcase_create("programs"), *sessions = tcase_create("sessions");

    tcase_add_loop_test(progs, bad_command_lines, 0, T_ROWS(bad_lines));
    tcase_add_test(progs, programs_round_trip);
    tcase_add_test(progs, msg_create_keys_and_modes);
    tcase_add_test(progs, seed_sample_makes_mode_0);
    tcase_add_test(progs, ipcs_shows_and_ipcrm_removes);
    tcase_set_timeout(progs, 60);
    suite_add_tcase(s, progs);

    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 120);
    suite_add_tcase(s, sessions);
}
