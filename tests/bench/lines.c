/* lines.c: command lines the benchmarks and run-bench refuse; the sample
 * session. */
#define _GNU_SOURCE
#include "bench.h"

#include <string.h>

static const struct t_bad_line bad_lines[] = {
    { "bench_pipe", { "-s", "0" }, 2,
      "bench_pipe: size: 0 is out of range (1 to 67108864) (see bench_pipe --help)" },
    { "bench_socketpair", { "-s", "1,64K,65537K" }, 2,
      "bench_socketpair: size: 67109888 is out of range (1 to 67108864) (see bench_socketpair --help)" },
    { "bench_pipe", { "-s", "12x" }, 2, "bench_pipe: size: \"12x\" is not a number (see bench_pipe --help)" },
    { "bench_pipe", { "-s", "1,K" }, 2, "bench_pipe: size: \"K\" is not a number (see bench_pipe --help)" },
    { "bench_pipe", { "-s", "1,,2" }, 2, "bench_pipe: sizes: \"1,,2\" has an empty item (see bench_pipe --help)" },
    { "bench_pipe", { "-s", "" }, 2, "bench_pipe: sizes: \"\" has an empty item (see bench_pipe --help)" },
    { "bench_sysv_msg", { "-s", "0,8", "-x", "1" }, 2,
      "bench_sysv_msg: -x: a message of 0 bytes has no byte to damage (see bench_sysv_msg --help)" },
    { "bench_pipe", { "-s", "8", "-x", "12001" }, 2,       /* a warm-up and 11 trials of 1000 */
      "bench_pipe: -x: the run has 12000 messages (see bench_pipe --help)" },
    { "bench_pipe", { "-b", "-m", "1001" }, 2,
      "bench_pipe: -m: 1001 is out of range (1 to 1000) (see bench_pipe --help)" },
    { "bench_pipe", { "-b", "-s1", "-m", "200" }, 2,
      "bench_pipe: -m: 200000000 chunks of 1 B a trial, 100000000 at most (see bench_pipe --help)" },
    { "bench_pipe", { "-t", "0" }, 2, "bench_pipe: -t: 0 is out of range (1 to 1000) (see bench_pipe --help)" },
    { "bench_pipe", { "-n", "0" }, 2,
      "bench_pipe: -n: 0 is out of range (1 to 10000000) (see bench_pipe --help)" },
    { "bench_pipe", { "-c", "0" }, 2, "bench_pipe: -c: \"0\" is not CPU,CPU (see bench_pipe --help)" },
    { "bench_pipe", { "-c", "0,x" }, 2, "bench_pipe: -c: \"x\" is not a number (see bench_pipe --help)" },
    { "bench_pipe", { "-c", "0,1023" }, 2,
      "bench_pipe: -c: this process may not run on CPU 1023 (see bench_pipe --help)" },
    { "bench_pipe", { "now" }, 2, "bench_pipe: unexpected argument \"now\" (see bench_pipe --help)" },
    { "bench_sysv_shm", { "-b" }, 2,
      "bench_sysv_shm: -b: this mechanism measures round trips (-l) only (see bench_sysv_shm --help)" },
    { "bench_cacheline", { "-s", "57" }, 2,
      "bench_cacheline: size: 57 is out of range (0 to 56) (see bench_cacheline --help)" },
    { "bench_memcpy", { "-l" }, 2,
      "bench_memcpy: -l: this mechanism measures one way (-b) only (see bench_memcpy --help)" },
    { "bench_pipe", { "-n", "1000000", "-t", "11" }, 2,
      "bench_pipe: -n x -t: 11000000 round trips a size, 10000000 at most (see bench_pipe --help)" },
    { "bench_pipe", { "-b", "-n", "5" }, 2,
      "bench_pipe: -n: goes with -l (one way is measured in megabytes, -m) (see bench_pipe --help)" },
    { "bench_spin", { "-m", "5" }, 2,
      "bench_spin: -m: goes with -b (round trips are counted by -n) (see bench_spin --help)" },
    { "bench_memcpy", { "-x", "1" }, 2,
      "bench_memcpy: -x: one process sends no message to damage (see bench_memcpy --help)" },
    { "bench_spin", { "-b", "-s", "0" }, 2,
      "bench_spin: size: one way needs chunks of 1 byte at least (see bench_spin --help)" },
};

START_TEST(bad_command_lines)
{
    t_refuse("bench", &bad_lines[_i]);
}
END_TEST

/* A queue's largest message is the kernel's, read where the run is. */
START_TEST(queues_refuse_what_the_kernel_would)
{
    const char *prog = _i == 0 ? "bench_sysv_msg" : "bench_posix_mq";
    long max = t_read_long(_i == 0 ? "/proc/sys/kernel/msgmax" : "/proc/sys/fs/mqueue/msgsize_max");
    char err[160], size[32];
    struct t_bad_line row = { .prog = prog, .args = { "-s", size }, .status = 2, .err = err };

    snprintf(size, sizeof size, "%ld", max + 1);
    snprintf(err, sizeof err, "%s: size: %ld is out of range (0 to %ld) (see %s --help)",
             prog, max + 1, max, prog);
    t_refuse("bench", &row);
}
END_TEST

START_TEST(run_bench_refuses_bad_lines)
{
    static const char *const args[][3] = { { "--slow" }, { "-c", "1" }, { "-o" } };
    static const char *const says[] = {
        "run-bench: unknown argument \"--slow\" (see run-bench --help)\n",
        "run-bench: -c: \"1\" is not CPU,CPU (see run-bench --help)\n",
        "run-bench: -o needs a directory (see run-bench --help)\n",
    };
    struct t_run r;

    t_run_argv(&r, NULL, "chapters/bench/run-bench", args[_i]);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, says[_i]);
    ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "alone.session", { "sysv_msg,roundtrip,0,any,5,1000,", "arrived damaged or out of order",
                             "measures round trips (-l) only" } },
    };

    t_play_sessions("bench", expect, T_ROWS(expect), NULL);
}
END_TEST

void add_lines_tests(Suite *s)
{
    TCase *tc = tcase_create("lines");

    tcase_add_loop_test(tc, bad_command_lines, 0, T_ROWS(bad_lines));
    tcase_add_loop_test(tc, queues_refuse_what_the_kernel_would, 0, 2);
    tcase_add_loop_test(tc, run_bench_refuses_bad_lines, 0, 3);
    tcase_add_test(tc, sessions_play);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
