/* programs.c: ipcls's and ipcclean's command lines, and the chapter's
 * sample sessions. */
#define _GNU_SOURCE
#include "tools.h"

#include <stdio.h>
#include <string.h>

/* Every ipcclean line has -n: should a check ever stop refusing it, the
 * run in the machine's namespace could print, never remove. */
static const struct t_bad_line bad_lines[] = {
    { "ipcls", { "-x" }, 2, "ipcls: unknown option -x (see ipcls --help)" },
    { "ipcls", { "--all" }, 2, "ipcls: unknown option --all (see ipcls --help)" },
    { "ipcls", { "-m", "1" }, 2, "ipcls: too many arguments (see ipcls --help)" },
    { "ipcclean", { "-n", "x" }, 2, "ipcclean: too many arguments (see ipcclean --help)" },
    { "ipcclean", { "-n", "-x" }, 2, "ipcclean: unknown option -x (see ipcclean --help)" },
    { "ipcclean", { "-n", "--bogus" }, 2,
      "ipcclean: unknown option --bogus (see ipcclean --help)" },
    { "ipcclean", { "-n", "--key" }, 2,
      "ipcclean: option --key needs an argument (see ipcclean --help)" },
    { "ipcclean", { "-n", "-c" }, 2,
      "ipcclean: option -c needs an argument (see ipcclean --help)" },
    { "ipcclean", { "-n", "--key", "0" }, 2,
      "ipcclean: key: 0 means IPC_PRIVATE; give a non-zero key (see ipcclean --help)" },
    { "ipcclean", { "-n", "--key", "0x1g" }, 2,
      "ipcclean: key: \"0x1g\" is not a hex key (1 to ffffffff) (see ipcclean --help)" },
    { "ipcclean", { "-n", "-k", "/ipclab/no/such/file" }, 1,
      "ipcclean: ftok /ipclab/no/such/file: ENOENT: No such file or directory" },
    { "ipcclean", { "-n", "-K", "--mine" }, 2,
      "ipcclean: key: \"--mine\" is not a hex key (1 to ffffffff) (see ipcclean --help)" },
    { "ipcclean", { "-n", "--creator", "12x" }, 2,
      "ipcclean: pid: \"12x\" is not a number (see ipcclean --help)" },
    { "ipcclean", { "-n", "--creator", "0" }, 2,
      "ipcclean: pid: 0 is out of range (1 to 2147483647) (see ipcclean --help)" },
    { "ipcclean", { "-n", "--mine", "--key", "0x10" }, 2,
      "ipcclean: give one filter at most: --key, --creator or --mine (see ipcclean --help)" },
    { "ipcclean", { "-n", "-c", "1", "-u" }, 2,
      "ipcclean: give one filter at most: --key, --creator or --mine (see ipcclean --help)" },
};

START_TEST(bad_command_lines)
{
    t_refuse("tools", &bad_lines[_i]);
}
END_TEST

START_TEST(ipcclean_help)
{
    struct t_run r;

    t_run(&r, NULL, "chapters/tools/ipcclean", "--help", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strncmp(r.out, "usage: ipcclean ", 16) == 0, "ipcclean --help: %s", r.out);
    ck_assert_msg(strstr(r.out, "record no creator pid"), "ipcclean --help: %s", r.out);
    ck_assert_str_eq(r.err, "");
}
END_TEST

START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "ipcls.session", { "------ Shared Memory Segments --------", "the same, byte for byte",
                             "cpid  lpid nattch" } },
        { "crash.session", { "status 137 (128 + 9, SIGKILL)", "removed shm ",
                             "removed sem " } },
        { "interop.session", { "type 5: hello, perl", "type 7, 9 bytes: from perl",
                               "\nhello, segment\n" } },
        /* the sleepers' lines need /proc/PID/syscall (Yama may forbid it): not asked */
        { "watch.session", { "      sem 1: value 0  ncnt 1  zcnt 0  pid 0\n",
                             "Message queues: 1\n", "type 9, 4 bytes: nine\n" } },
        { "lsipc.session", { " rw-r----- ", "\"sharedmemory\": [",
                             "\nSEMVMX " } },
        /* where it cannot have an IPC namespace of its own, a SKIP (#requires) */
        { "limits.session", { "kernel.msgmnb = 1000", "max semaphores per array = 5",
                              "qbytes=1000" } },
    };

    t_play_sessions("tools", expect, T_ROWS(expect), NULL);
}
END_TEST

void add_programs_tests(Suite *s)
{
    TCase *progs = tcase_create("programs"), *sessions = tcase_create("sessions");

    tcase_add_loop_test(progs, bad_command_lines, 0, T_ROWS(bad_lines));
    tcase_add_test(progs, ipcclean_help);
    suite_add_tcase(s, progs);
    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 120);
    suite_add_tcase(s, sessions);
}
