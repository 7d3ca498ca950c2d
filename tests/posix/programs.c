/* programs.c: the chapter's programs, run as a reader runs them: their
 * command lines, their errors (one line each), and their sessions. */
#define _GNU_SOURCE
#include "posix.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const struct t_bad_line bad_lines[] = {
    { "pshm_create", { NULL }, 2, "pshm_create: missing NAME or SIZE (see pshm_create --help)" },
    { "pshm_create", { "/x" }, 2, "pshm_create: missing NAME or SIZE (see pshm_create --help)" },
    { "pshm_create", { "/x", "1", "2" }, 2, "pshm_create: too many arguments (see pshm_create --help)" },
    { "pshm_create", { "/x", "12x" }, 2, "pshm_create: size: \"12x\" is not a number (see pshm_create --help)" },
    { "pshm_create", { "--", "/x", "-1" }, 2,
      "pshm_create: size: -1 is out of range (0 to 9223372036854775807) (see pshm_create --help)" },
    { "pshm_create", { "-m", "0800", "/x", "1" }, 2,
      "pshm_create: mode: \"0800\" is not an octal mode (0 to 0777) (see pshm_create --help)" },
    { "pshm_create", { "x", "1" }, 2,
      "pshm_create: name: \"x\" is not /NAME (a slash, then no other) (see pshm_create --help)" },
    { "pshm_create", { "//x", "1" }, 2,
      "pshm_create: name: \"//x\" is not /NAME (a slash, then no other) (see pshm_create --help)" },
    { "pshm_create", { "/a/b", "1" }, 2,
      "pshm_create: name: \"/a/b\" is not /NAME (a slash, then no other) (see pshm_create --help)" },
    { "pshm_create", { "/", "1" }, 2,
      "pshm_create: name: \"/\" is not /NAME (a slash, then no other) (see pshm_create --help)" },
    { "pshm_create", { "/..", "1" }, 2,
      "pshm_create: name: \"/..\" is not /NAME (a slash, then no other) (see pshm_create --help)" },
    { "pshm_write", { NULL }, 2, "pshm_write: missing NAME (see pshm_write --help)" },
    { "pshm_write", { "/x" }, 2, "pshm_write: missing TEXT (see pshm_write --help)" },
    { "pshm_write", { "", "a" }, 2,
      "pshm_write: name: \"\" is not /NAME (a slash, then no other) (see pshm_write --help)" },
    { "pshm_read", { NULL }, 2, "pshm_read: missing NAME (see pshm_read --help)" },
    { "pshm_read", { "/x", "/y" }, 2, "pshm_read: too many arguments (see pshm_read --help)" },
    { "pshm_read", { "-r", "/x" }, 2, "pshm_read: unknown option -r (see pshm_read --help)" },
    { "pshm_read", { "/a\nb" }, 2,        /* not echoed: the error stays one line */
      "pshm_read: name: byte 3 is a control character (see pshm_read --help)" },
    { "pshm_unlink", { NULL }, 2, "pshm_unlink: missing NAME (see pshm_unlink --help)" },
    { "pshm_unlink", { "/x", "y" }, 2,
      "pshm_unlink: name: \"y\" is not /NAME (a slash, then no other) (see pshm_unlink --help)" },
    { "psem_create", { "/x" }, 2, "psem_create: missing NAME or VALUE (see psem_create --help)" },
    { "psem_create", { "/x", "-1" }, 2, "psem_create: value: -1 is out of range (0 to 2147483647) (see psem_create --help)" },
    { "psem_create", { "/x", "2147483648" }, 2,
      "psem_create: value: 2147483648 is out of range (0 to 2147483647) (see psem_create --help)" },
    { "psem_create", { "sem", "1" }, 2,
      "psem_create: name: \"sem\" is not /NAME (a slash, then no other) (see psem_create --help)" },
    { "psem_op", { "/x" }, 2, "psem_op: missing NAME or OP (see psem_op --help)" },
    { "psem_op", { "/x", "take" }, 2, "psem_op: op \"take\": write wait or post (see psem_op --help)" },
    { "psem_op", { "-n", "/x", "post" }, 2, "psem_op: -n and -t go with wait (see psem_op --help)" },
    { "psem_op", { "-n", "-t", "1", "/x" }, 2, "psem_op: missing NAME or OP (see psem_op --help)" },
    { "psem_op", { "-t", "0", "/x", "wait" }, 2,
      "psem_op: seconds: 0 is out of range (1 to 3600) (see psem_op --help)" },
    { "psem_op", { "/x", "wait", "post" }, 2, "psem_op: too many arguments (see psem_op --help)" },
    { "psem_getvalue", { NULL }, 2, "psem_getvalue: missing NAME (see psem_getvalue --help)" },
    { "psem_unlink", { "x" }, 2,
      "psem_unlink: name: \"x\" is not /NAME (a slash, then no other) (see psem_unlink --help)" },
    { "psem_counter", { "4" }, 2, "psem_counter: missing NPROCS or NITERS (see psem_counter --help)" },
    { "psem_counter", { "65", "1" }, 2,
      "psem_counter: nprocs: 65 is out of range (1 to 64) (see psem_counter --help)" },
    { "psem_counter", { "--nolock", "2", "1" }, 2,
      "psem_counter: unknown option --nolock (see psem_counter --help)" },
    { "pmq_create", { NULL }, 2, "pmq_create: missing NAME (see pmq_create --help)" },
    { "pmq_create", { "/q", "10" }, 2,
      "pmq_create: MAXMSG and MSGSIZE go together: give both or neither (see pmq_create --help)" },
    { "pmq_create", { "/q", "0", "10" }, 2,
      "pmq_create: maxmsg: 0 is out of range (1 to 9223372036854775807) (see pmq_create --help)" },
    { "pmq_create", { "/q", "1", "1", "1" }, 2, "pmq_create: too many arguments (see pmq_create --help)" },
    { "pmq_create", { "q" }, 2,
      "pmq_create: name: \"q\" is not /NAME (a slash, then no other) (see pmq_create --help)" },
    { "pmq_send", { "/q" }, 2, "pmq_send: missing PRIORITY (see pmq_send --help)" },
    { "pmq_send", { "/q", "1" }, 2, "pmq_send: missing TEXT (see pmq_send --help)" },
    { "pmq_send", { "/q", "1x", "t" }, 2, "pmq_send: priority: \"1x\" is not a number (see pmq_send --help)" },
    { "pmq_send", { "/q", "4294967295", "t" }, 2,       /* INT_MAX: a bound any long holds */
      "pmq_send: priority: 4294967295 is out of range (0 to 2147483647) (see pmq_send --help)" },
    { "pmq_send", { "/q", "1", "t", "u" }, 2, "pmq_send: too many arguments (see pmq_send --help)" },
    { "pmq_recv", { NULL }, 2, "pmq_recv: missing NAME (see pmq_recv --help)" },
    { "pmq_recv", { "/q", "-1" }, 2,
      "pmq_recv: maxbytes: -1 is out of range (0 to 1048576) (see pmq_recv --help)" },
    { "pmq_attr", { NULL }, 2, "pmq_attr: missing NAME (see pmq_attr --help)" },
    { "pmq_attr", { "-l", "/q" }, 2, "pmq_attr: -l takes no NAME (see pmq_attr --help)" },
    { "pmq_attr", { "/q\033[2J" }, 2,
      "pmq_attr: name: byte 3 is a control character (see pmq_attr --help)" },
    { "pmq_unlink", { "/q/" }, 2,
      "pmq_unlink: name: \"/q/\" is not /NAME (a slash, then no other) (see pmq_unlink --help)" },
    { "pmq_notify", { NULL }, 2, "pmq_notify: missing NAME (see pmq_notify --help)" },
    { "pmq_notify", { "-t", "x", "/q" }, 2, "pmq_notify: seconds: \"x\" is not a number (see pmq_notify --help)" },
    { "pmq_notify", { "/q", "/r" }, 2, "pmq_notify: too many arguments (see pmq_notify --help)" },
};

START_TEST(bad_command_lines)
{
    t_refuse("posix", &bad_lines[_i]);
}
END_TEST

/* A run-time failure: one line, exit 1. The name is the run's own, never
 * made, so that no object of anyone else's can answer. */
START_TEST(missing_object_one_line)
{
    static const char *const progs[] = { "pshm_read", "psem_getvalue", "pmq_attr" };
    static const char *const calls[] = { "shm_open", "sem_open", "mq_open" };
    char name[64], err[3][160];
    struct t_bad_line row = { .prog = progs[_i], .status = 1, .err = err[_i] };

    t_posix_name(name);
    row.args[0] = name;
    snprintf(err[_i], sizeof err[_i], "%s: %s %s: ENOENT: No such file or directory",
             progs[_i], calls[_i], name);
    t_refuse("posix", &row);
}
END_TEST

/* Ctrl-C in a waiting mq_receive: the wait ends with EINTR, one line, exit 1
 * (the handler has no SA_RESTART), and the queue keeps what it had. */
START_TEST(pmq_recv_interrupted_one_line)
{
    char name[64], err[512] = "", expect[160];
    struct t_proc p;
    mqd_t mq = new_queue(name, 2, 16, O_NONBLOCK);

    t_start(&p, 0, "chapters/posix/pmq_recv", (const char *const[]){ name, NULL });
    ck_assert_msg(t_blocked_in(p.pid, SYS_mq_timedreceive), "pmq_recv is not waiting");
    t_kill(&p, SIGINT);
    t_read_until(p.err, err, sizeof err, "\n");
    ck_assert_int_eq(t_wait(&p), 1);
    snprintf(expect, sizeof expect, "pmq_recv: mq_receive %s: EINTR: Interrupted system call\n",
             name);
    ck_assert_str_eq(err, expect);
    ck_assert_int_eq(curmsgs(mq), 0);
    drop_queue(mq, name);
}
END_TEST

/* A name too long for the call: one line, exit 1 (ENAMETOOLONG; EINVAL from
 * sem_open at this length). The helper in common/ cuts the CALL part of the
 * line at 255 characters, so only its start is compared. */
START_TEST(too_long_name_one_line)
{
    static const char *const progs[] = { "pshm_read", "psem_getvalue", "pmq_attr" };
    static const char *const calls[] = { "shm_open", "sem_open", "mq_open" };
    char name[300], expect[700];
    struct t_run r;

    name[0] = '/';
    memset(name + 1, 'n', 256);
    name[257] = '\0';
    for (int i = 0; i < 3; i++) {
        char prog[64];

        snprintf(prog, sizeof prog, "chapters/posix/%s", progs[i]);
        t_run(&r, NULL, prog, name, NULL);
        ck_assert_int_eq(r.status, 1);
        ck_assert_int_eq(t_lines(r.err), 1);
        snprintf(expect, sizeof expect, "%s: %s %.40s", progs[i], calls[i], name);
        ck_assert_msg(strncmp(r.err, expect, strlen(expect)) == 0, "%s", r.err);
        ck_assert_msg(strstr(r.err, i == 1 ? ": EINVAL: " : ": ENAMETOOLONG: "), "%s", r.err);
    }
}
END_TEST

START_TEST(pshm_programs_round_trip)
{
    char name[64], path[PATH_MAX];
    struct stat st;
    struct t_run r;

    t_posix_name(name);
    listed_at(path, P_SHM, name, NULL);
    t_run(&r, NULL, "chapters/posix/pshm_create", name, "100", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, 100);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    t_run(&r, NULL, "chapters/posix/pshm_read", name, NULL);
    ck_assert_str_eq(r.out, "\n");                              /* zero-filled */
    t_run(&r, NULL, "chapters/posix/pshm_write", name, "hello,", "object", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "wrote 14 bytes to "));
    t_run(&r, NULL, "chapters/posix/pshm_read", name, NULL);
    ck_assert_str_eq(r.out, "hello, object\n");
    t_run(&r, NULL, "chapters/posix/pshm_create", "-x", name, "100", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": EEXIST: "));
    t_run(&r, NULL, "chapters/posix/pshm_create", name, "8", NULL);   /* resized */
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, 8);
    t_run(&r, NULL, "chapters/posix/pshm_write", name, "too long", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "9 bytes do not fit in "));
    t_run(&r, NULL, "chapters/posix/pshm_unlink", name, name, NULL);
    ck_assert_int_eq(r.status, 1);                              /* the second: ENOENT */
    ck_assert_int_eq(t_lines(r.err), 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": ENOENT: "));
    ck_assert(!listed(P_SHM, name, NULL));
}
END_TEST

/* pshm_create with the arguments, under RLIMIT_FSIZE (ulimit -f) of 4096 bytes,
 * set by a shell in the program's process alone (the test process writes its
 * records meanwhile); SIGXFSZ stays at its default, which the program inherits. */
static void pshm_create_small_fsize(struct t_run *r, const char *a, const char *b, const char *c)
{
    char program[PATH_MAX];

    t_program_path(program, "chapters/posix/pshm_create");
    t_run(r, NULL, "/bin/sh", "-c", "ulimit -f 8 && exec \"$0\" \"$@\"", program, a, b, c, NULL);
}

/* A size above RLIMIT_FSIZE: ftruncate fails with EFBIG (one line, exit 1,
 * not death by SIGXFSZ). An object this run made is unlinked again, with or
 * without -x; one that was there before keeps its name and its size. */
START_TEST(pshm_create_failed_size_leaves_no_name)
{
    char name[64], path[PATH_MAX], expect[160];
    struct stat st;
    struct t_run r;

    t_posix_name(name);
    listed_at(path, P_SHM, name, NULL);
    snprintf(expect, sizeof expect, "pshm_create: ftruncate %s: EFBIG: File too large\n", name);
    pshm_create_small_fsize(&r, name, "1000000", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, expect);
    ck_assert(!listed(P_SHM, name, NULL));
    pshm_create_small_fsize(&r, "-x", name, "1000000");
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, expect);
    ck_assert(!listed(P_SHM, name, NULL));
    t_run(&r, NULL, "chapters/posix/pshm_create", name, "100", NULL);      /* not ours */
    ck_assert_int_eq(r.status, 0);
    pshm_create_small_fsize(&r, name, "1000000", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, expect);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, 100);
    ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

START_TEST(psem_programs_round_trip)
{
    char name[64], expect[128];
    struct t_run r;

    t_posix_name(name);
    t_run(&r, NULL, "chapters/posix/psem_create", name, "1", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    ck_assert(listed(P_SEM, name, NULL));
    t_run(&r, NULL, "chapters/posix/psem_create", "-x", name, "1", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "sem_open "));
    ck_assert_ptr_nonnull(strstr(r.err, ": EEXIST: "));
    t_run(&r, NULL, "chapters/posix/psem_op", name, "wait", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, ": sem_wait "));
    ck_assert_ptr_nonnull(strstr(r.out, ": done\n"));
    t_run(&r, NULL, "chapters/posix/psem_op", "-n", name, "wait", NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "psem_op: sem_trywait %s: EAGAIN: ", name);
    ck_assert_ptr_nonnull(strstr(r.err, expect));
    t_run(&r, NULL, "chapters/posix/psem_op", "-t", "1", name, "wait", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, ": waiting\n"));
    snprintf(expect, sizeof expect, "psem_op: sem_timedwait %s: ETIMEDOUT: ", name);
    ck_assert_ptr_nonnull(strstr(r.err, expect));
    t_run(&r, NULL, "chapters/posix/psem_op", name, "post", NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "chapters/posix/psem_op", name, "post", NULL);
    t_run(&r, NULL, "chapters/posix/psem_getvalue", name, NULL);
    snprintf(expect, sizeof expect, "%s 2\n", name);
    ck_assert_str_eq(r.out, expect);
    t_run(&r, NULL, "chapters/posix/psem_unlink", name, name, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(t_lines(r.err), 1);
    ck_assert(!listed(P_SEM, name, NULL));
}
END_TEST

/* psem_op waits (in futex) until another psem_op posts. */
START_TEST(psem_op_waits_for_post)
{
    char name[64], out[256] = "";
    struct t_proc p;
    struct t_run r;

    t_posix_name(name);
    t_run(&r, NULL, "chapters/posix/psem_create", name, "0", NULL);
    ck_assert_int_eq(r.status, 0);
    t_start(&p, 0, "chapters/posix/psem_op", (const char *const[]){ name, "wait", NULL });
    ck_assert_msg(t_blocked_in(p.pid, SYS_futex), "psem_op is not waiting");
    t_run(&r, NULL, "chapters/posix/psem_op", name, "post", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(t_read_until(p.out, out, sizeof out, ": done\n"), "psem_op said: %s", out);
    ck_assert_ptr_nonnull(strstr(out, ": waiting\n"));
    ck_assert_int_eq(t_wait(&p), 0);
    ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

START_TEST(psem_counter_with_lock_is_exact)
{
    struct t_run r;

    t_run(&r, NULL, "chapters/posix/psem_counter", "3", "20000", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "3 processes x 20000 increments, with an unnamed semaphore\n"
                            "counter 60000, expected 60000\n");
}
END_TEST

/* Without a lock increments are lost, how many depends on the machine and
 * its load; what holds anywhere is that none is gained. */
START_TEST(psem_counter_without_lock_never_gains)
{
    struct t_run r;
    long counter = -1;
    const char *at;

    t_run(&r, NULL, "chapters/posix/psem_counter", "--no-lock", "4", "100000", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "4 processes x 100000 increments, without a lock\n"));
    ck_assert_ptr_nonnull(at = strstr(r.out, "\ncounter "));
    ck_assert_int_eq(sscanf(at, "\ncounter %ld", &counter), 1);
    ck_assert_msg(counter > 0 && counter <= 400000, "counter %ld", counter);
}
END_TEST

/* kill -INT of psem_counter's parent alone (not Ctrl-C, which signals the
 * whole group): its children end too, by the SIGTERM PR_SET_PDEATHSIG sends
 * (or exit 1, if the parent was gone before they asked for it), instead of
 * counting on as orphans. The test process is their subreaper, so that they
 * come to it and it can see how they ended; it reaps them before the parent,
 * whose t_wait kills what is left of the group. */
START_TEST(psem_counter_children_die_with_parent)
{
    pid_t kids[4];
    int status[4] = { -1, -1, -1, -1 }, n = 0, ended = 0, by_parent = 0;
    struct t_proc p;

    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    t_start(&p, 0, "chapters/posix/psem_counter",
            (const char *const[]){ "4", "10000000", NULL });      /* seconds of work */
    for (int ms = 0; ms < 20000 && (n = t_children(p.pid, kids, 4)) >= 0 && n < 4; ms++)
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    if (n == -1)
        T_SKIP("no /proc/PID/task/PID/children here (a kernel without CONFIG_PROC_CHILDREN)");
    ck_assert_msg(n == 4, "psem_counter has %d children of 4", n);
    ck_assert_int_eq(kill(p.pid, SIGINT), 0);
    for (int ms = 0; ms < 10000 && ended < 4; ms++) {       /* they come to us */
        for (int i = 0; i < 4; i++) {
            int wstatus;

            if (status[i] == -1 && waitpid(kids[i], &wstatus, WNOHANG) == kids[i]) {
                status[i] = t_status(wstatus);
                ended++;
                by_parent += status[i] == 128 + SIGTERM || status[i] == 1;
            }
        }
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
    ck_assert_int_eq(t_wait(&p), 128 + SIGINT);
    ck_assert_msg(ended == 4, "%d of 4 children ended within 10 s of their parent", ended);
    ck_assert_msg(by_parent == 4, "%d of 4 children ended by their parent's death "
                  "(statuses %d %d %d %d)", by_parent, status[0], status[1], status[2],
                  status[3]);
}
END_TEST
START_TEST(pmq_programs_round_trip)
{
    char name[64], expect[160];
    long v;
    struct t_run r;

    t_posix_name(name);
    t_run(&r, NULL, "chapters/posix/pmq_create", "-x", name, "3", "64", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "1", "low", NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "9", "urgent", NULL);
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "1", "low2", NULL);
    t_run(&r, NULL, "chapters/posix/pmq_send", "-n", name, "5", "no room", NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "pmq_send: mq_send %s: EAGAIN: Resource temporarily unavailable\n", name);
    ck_assert_str_eq(r.err, expect);
    t_run(&r, NULL, "chapters/posix/pmq_attr", name, NULL);
    snprintf(expect, sizeof expect, "%s: maxmsg 3  msgsize 64  curmsgs 3  flags 0\n", name);
    ck_assert_str_eq(r.out, expect);
    t_run(&r, NULL, "chapters/posix/pmq_recv", name, "63", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": EMSGSIZE: "));
    t_run(&r, NULL, "chapters/posix/pmq_recv", name, NULL);
    ck_assert_str_eq(r.out, "priority 9, 6 bytes: urgent\n");
    t_run(&r, NULL, "chapters/posix/pmq_recv", name, NULL);
    ck_assert_str_eq(r.out, "priority 1, 3 bytes: low\n");
    t_run(&r, NULL, "chapters/posix/pmq_recv", "-n", name, NULL);
    ck_assert_str_eq(r.out, "priority 1, 4 bytes: low2\n");
    t_run(&r, NULL, "chapters/posix/pmq_recv", "-n", name, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": EAGAIN: "));
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "32768", "x", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": EINVAL: "));
    t_run(&r, NULL, "chapters/posix/pmq_send", name, "0", "0123456789012345678901234567890123456789"
                    "012345678901234567890123456789", NULL);       /* 70 bytes > 64 */
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": EMSGSIZE: "));
    t_run(&r, NULL, "chapters/posix/pmq_attr", "-l", NULL);
    ck_assert_int_eq(r.status, 0);
    static const char *const limits[] = { "msg_max", "msgsize_max", "queues_max", "msg_default",
                                          "msgsize_default" };
    for (int i = 0; i < 5; i++) {
        char path[80], line[80];

        snprintf(path, sizeof path, "/proc/sys/fs/mqueue/%s", limits[i]);
        v = t_read_long(path);
        snprintf(line, sizeof line, "%s%s %ld\n", i ? "\n" : "", limits[i], v);
        ck_assert_msg(i ? strstr(r.out, line) != NULL : strncmp(r.out, line, strlen(line)) == 0,
                      "no \"%s\" in:\n%s", line, r.out);
    }
    t_run(&r, NULL, "chapters/posix/pmq_unlink", name, name, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(t_lines(r.err), 1);
    errno = 0;
    ck_assert_int_eq(mq_open(name, O_RDONLY), (mqd_t)-1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "shm.session", { "wrote 14 bytes to ", "hello, object", ": ENOENT: " } },
        { "sem.session", { ": sem_trywait ", ": ETIMEDOUT: ", ": sem_post " } },
        { "mq.session", { "priority 9, 6 bytes: urgent", ": EMSGSIZE: ", ": EAGAIN: " } },
        { "notify.session", { "registered on ", "(SI_MESGQ)", ": EBUSY: " } },
        { "counter.session", { "without a lock", "with an unnamed semaphore",
                               "counter 200000, expected 200000" } },
        { "names.session", { "is not /NAME", "sem.", "ls: cannot access" } },
    };

    t_play_sessions("posix", expect, T_ROWS(expect), NULL);
}
END_TEST

void add_programs_tests(Suite *s)
{
    TCase *tc = tcase_create("programs"), *sessions = tcase_create("sessions");

    tcase_add_loop_test(tc, bad_command_lines, 0, T_ROWS(bad_lines));
    tcase_add_loop_test(tc, missing_object_one_line, 0, 3);
    tcase_add_test(tc, too_long_name_one_line);
    tcase_add_test(tc, pmq_recv_interrupted_one_line);
    tcase_add_test(tc, pshm_programs_round_trip);
    tcase_add_test(tc, pshm_create_failed_size_leaves_no_name);
    tcase_add_test(tc, psem_programs_round_trip);
    tcase_add_test(tc, psem_op_waits_for_post);
    tcase_add_test(tc, psem_counter_with_lock_is_exact);
    tcase_add_test(tc, psem_counter_without_lock_never_gains);
    tcase_add_test(tc, psem_counter_children_die_with_parent);
    tcase_add_test(tc, pmq_programs_round_trip);
    tcase_set_timeout(tc, 90);
    suite_add_tcase(s, tc);

    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 120);
    suite_add_tcase(s, sessions);
}
