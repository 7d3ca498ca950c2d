/* programs.c: the chapter's programs (ftok_key, ipc_get, ipc_perm, ipc_ids)
 * and its sample sessions, as a reader runs them. */
#define _GNU_SOURCE
#include "ftok.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A command line that must be refused: its exit status and its one line. */
static const struct t_bad_line bad_lines[] = {
    { "ftok_key", { NULL }, 2, "ftok_key: missing PATH (see ftok_key --help)" },
    { "ftok_key", { "a", "b", "c" }, 2, "ftok_key: too many arguments (see ftok_key --help)" },
    { "ftok_key", { "/", "12x" }, 2, "ftok_key: id: \"12x\" is not a number (see ftok_key --help)" },
    { "ftok_key", { "/", "" }, 2, "ftok_key: id: \"\" is not a number (see ftok_key --help)" },
    { "ftok_key", { "/", "99999999999" }, 2,
      "ftok_key: id: 99999999999 is out of range (-2147483648 to 2147483647) (see ftok_key --help)" },
    { "ftok_key", { "/no/such/file" }, 1,
      "ftok_key: ftok /no/such/file: ENOENT: No such file or directory" },
    { "ipc_get", { "-K", "0" }, 2,
      "ipc_get: key: 0 means IPC_PRIVATE; give a non-zero key (see ipc_get --help)" },
    { "ipc_get", { "-K", "xyz" }, 2,
      "ipc_get: key: \"xyz\" is not a hex key (1 to ffffffff) (see ipc_get --help)" },
    { "ipc_get", { "-K", "123456789" }, 2,
      "ipc_get: key: \"123456789\" is not a hex key (1 to ffffffff) (see ipc_get --help)" },
    { "ipc_get", { "-k", "/:256" }, 2,
      "ipc_get: ftok id: 256 is out of range (1 to 255) (see ipc_get --help)" },
    { "ipc_get", { "-k", "/:x" }, 2,
      "ipc_get: ftok id: \"x\" is not a number (see ipc_get --help)" },
    { "ipc_get", { "-k" }, 2, "ipc_get: option -k needs an argument (see ipc_get --help)" },
    { "ipc_get", { "-k", "/", "-K", "1" }, 2, "ipc_get: give one key option (see ipc_get --help)" },
    { "ipc_get", { "-k", "/no/such/file" }, 1,
      "ipc_get: ftok /no/such/file: ENOENT: No such file or directory" },
    { "ipc_get", { "extra" }, 2, "ipc_get: too many arguments (see ipc_get --help)" },
    { "ipc_get", { "--help=x" }, 2, "ipc_get: unknown option --help=x (see ipc_get --help)" },
    { "ipc_perm", { "-m", "0800" }, 2,
      "ipc_perm: mode: \"0800\" is not an octal mode (0 to 0777) (see ipc_perm --help)" },
    { "ipc_perm", { "-m", "1777" }, 2,
      "ipc_perm: mode: \"1777\" is not an octal mode (0 to 0777) (see ipc_perm --help)" },
    { "ipc_perm", { "-u", "-1" }, 2,
      "ipc_perm: uid: -1 is out of range (0 to 4294967294) (see ipc_perm --help)" },
    { "ipc_ids", { "-n", "0" }, 2, "ipc_ids: count: 0 is out of range (1 to 1000) (see ipc_ids --help)" },
    { "ipc_ids", { "-x" }, 2, "ipc_ids: unknown option -x (see ipc_ids --help)" },
};

START_TEST(bad_command_lines)
{
    t_refuse("ftok", &bad_lines[_i]);
}
END_TEST

/* What a demo must have printed on stdout. */
static void shows(const struct t_run *r, const char *want)
{
    ck_assert_msg(strstr(r->out, want) != NULL, "no \"%s\" in:\n%s", want, r->out);
}

/* A segment a demo made must be gone when it ends. */
static void gone(int id)
{
    ck_assert_msg(!t_exists(T_SHM, id), "the demo left segment %d", id);
}

/* Ids a demo printed after "id " on lines that contain LABEL. */
static int ids_on_lines(const char *out, const char *label, int ids[], int max)
{
    int n = 0;

    for (const char *line = out; line && *line && n < max; line = strchr(line, '\n')) {
        const char *end = strchr(line + 1, '\n'), *hit = strstr(line, label);
        const char *id = hit ? strstr(hit, "id ") : NULL;

        if (id && (!end || id < end))
            ids[n++] = atoi(id + 3);
        if (*line == '\n')
            line++;
        if (!end)
            break;
    }
    return n;
}

START_TEST(ipc_get_demo)
{
    char path[PATH_MAX], arg[PATH_MAX + 8];
    int priv[2], keyed[4];
    struct t_run r;

    t_key(1, path);
    snprintf(arg, sizeof arg, "-k%s:1", path);
    t_run(&r, NULL, "chapters/ftok/ipc_get", arg, NULL);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(r.err, "");
    ck_assert_int_eq(ids_on_lines(r.out, "IPC_PRIVATE", priv, 2), 2);
    ck_assert_int_ne(priv[0], priv[1]);
    ck_assert_int_eq(ids_on_lines(r.out, "key, ", keyed, 4), 3);
    ck_assert_msg(keyed[0] == keyed[1] && keyed[1] == keyed[2], "not one id by key:\n%s", r.out);
    shows(&r, "IPC_CREAT|IPC_EXCL again  shmget -> EEXIST: File exists\n");
    shows(&r, "after removal    shmget -> ENOENT: No such file or directory\n");
    gone(priv[0]);
    gone(priv[1]);
    gone(keyed[0]);
}
END_TEST

START_TEST(ipc_get_leaves_a_taken_key_alone)
{
    char hex[16];
    key_t key = t_key(1, NULL);
    int id = must_get(T_SHM, key, IPC_CREAT | IPC_EXCL | 0600), priv[2];
    struct t_run r;

    snprintf(hex, sizeof hex, "%x", (unsigned int)key);
    t_run(&r, NULL, "chapters/ftok/ipc_get", "-K", hex, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "is in use already") && t_lines(r.err) == 1,
                  "not one line \"... is in use already\": %s", r.err);
    ck_assert_int_eq(ids_on_lines(r.out, "IPC_PRIVATE", priv, 2), 2);
    gone(priv[0]);
    gone(priv[1]);
    ck_assert_msg(t_exists(T_SHM, id), "ipc_get removed our segment %d", id);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(ipc_perm_demo)
{
    char expect[128];
    int ids[2];
    struct t_run r;

    t_run(&r, NULL, "chapters/ftok/ipc_perm", "-m", "0604", "-u", "100000", "-g", "100001", NULL);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_int_eq(ids_on_lines(r.out, "key 0x00000000", ids, 2), 2);
    ck_assert_int_eq(ids[0], ids[1]);
    snprintf(expect, sizeof expect, "uid %u  gid %u  cuid %u  cgid %u  mode 0604\n",
             geteuid(), getegid(), geteuid(), getegid());
    shows(&r, expect);
    snprintf(expect, sizeof expect, "uid 100000  gid 100001  cuid %u  cgid %u  mode 0600\n",
             geteuid(), getegid());
    shows(&r, expect);
    gone(ids[0]);
}
END_TEST

START_TEST(ipc_ids_demo)
{
    struct t_run r;
    int first = -1, id, seq, index, lines = 0;
    const char *line;

    t_run(&r, NULL, "chapters/ftok/ipc_ids", "-n", "3", NULL);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    /* Three ids and the line of the index coming back; fewer ids when other
     * processes making queues at the same time bring the index back sooner. */
    ck_assert_int_le(t_lines(r.out), 4);
    shows(&r, " came back after ");
    for (line = r.out; (line = strstr(line, "id ")) != NULL; line++) {
        if (sscanf(line, "id %d = seq %d * 32768 + index %d", &id, &seq, &index) != 3)
            continue;
        ck_assert_int_eq(id, seq * IPCMNI + index);   /* the printed sum is right */
        if (first == -1)
            first = id;
        lines++;
        line = strchr(line, '\n');
        if (!line)
            break;
    }
    ck_assert_int_eq(lines, t_lines(r.out));
    ck_assert_int_ge(lines, 2);
    ck_assert_int_eq(index, first % IPCMNI);          /* the last line: index back */
    ck_assert_int_ne(id, first);                      /* ... in a new id */
}
END_TEST

/* Is PID running NAME yet (after the exec), with a handler for SIG? (the
 * Name and SigCgt lines of /proc/PID/status; before the exec, PID is a copy
 * of the test process, with Check's handlers) */
static bool catches(pid_t pid, const char *name, int sig)
{
    char path[64], line[256], comm[64] = "";
    unsigned long long caught = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return false;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "Name: %63s", comm) != 1 && sscanf(line, "SigCgt: %llx", &caught) == 1)
            break;
    fclose(f);
    return strcmp(comm, name) == 0 && (caught >> (sig - 1) & 1);
}

START_TEST(ipc_ids_stops_on_ctrl_c)
{
    static const char *const args[] = { "-r", NULL };
    char err[256] = "";
    struct t_proc p;

    /* Ctrl-C once it has a handler for it (before, SIGINT would kill it;
     * how soon it has one depends on the load) */
    t_start(&p, 0, "chapters/ftok/ipc_ids", args);
    for (int ms = 0; ms < 20000 && !catches(p.pid, "ipc_ids", SIGINT); ms++)
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    t_kill(&p, SIGINT);                 /* to its group, as the terminal does */
    ck_assert_int_eq(t_finish(&p, NULL, 0, err, sizeof err), 1);
    ck_assert_msg(strncmp(err, "ipc_ids: interrupted after ", 27) == 0 && t_lines(err) == 1,
                  "not one line \"ipc_ids: interrupted after N creations\": %s", err);
}
END_TEST

/* Every session of the chapter plays without an unexpected failure, and
 * shows what the book says it shows. A new session needs a row here, or a
 * test of its own (listed in `own`). */
START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "keys.session",
          { "(matches)", "note: only the low 8 bits of the id count: 257 gives the same key as 1",
            "ftok_key: ftok missing.conf: ENOENT: No such file or directory" } },
        { "get.session", { "again  shmget -> EEXIST: File exists", "removal    shmget -> ENOENT",
                           "removed ids" } },
        { "perm.session", { "mode 0640", "uid 100000  gid 100000", "removed id" } },
        { "ids.session", { "index", " came back after ", "seq" } },
        { "ipcs.session", { "Shared memory id: ", "mode=0600", " not found" } },
    };
    static const char *const own[] = {
        "ids-reuse.session",            /* same_id_comes_back_eventually (ids.c) */
        NULL,
    };

    t_play_sessions("ftok", expect, T_ROWS(expect), own);
}
END_TEST

void add_programs_tests(Suite *s)
{
    TCase *progs = tcase_create("programs"), *sessions = tcase_create("sessions");

    tcase_add_loop_test(progs, bad_command_lines, 0, T_ROWS(bad_lines));
    tcase_add_test(progs, ipc_get_demo);
    tcase_add_test(progs, ipc_get_leaves_a_taken_key_alone);
    tcase_add_test(progs, ipc_perm_demo);
    tcase_add_test(progs, ipc_ids_demo);
    tcase_add_test(progs, ipc_ids_stops_on_ctrl_c);
    tcase_set_timeout(progs, 60);
    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 120);
    suite_add_tcase(s, progs);
    suite_add_tcase(s, sessions);
}
