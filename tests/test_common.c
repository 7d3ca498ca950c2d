/* test_common.c: common/ (the error helper, the parsers, libsysvipc.a) and
 * the conventions every program of every chapter follows. */
#define _GNU_SOURCE
#include "harness.h"
#include "ipclab.h"
#include "sysvipc.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

/* --- the error helper ------------------------------------------------------ */

static void call_die(void)
{
    printf("a line of output first\n");       /* buffered: stdout is a pipe */
    errno = EEXIST;
    die("shmget");
}

static void call_die_with_detail(void)
{
    errno = ENOENT;
    die("ftok %s", "/no/file");
}

static void call_warn_errno(void)
{
    errno = EACCES;
    warn_errno("shmat");
    if (errno != EACCES)                        /* errno is kept */
        printf("warn_errno changed errno to %s\n", strerrorname_np(errno));
}

static void call_fatal(void)
{
    fatal("segment %d is too small", 7);
}

static void call_usage_error(void)
{
    usage_error("size: \"%s\" is not a number", "12x");
}

static const struct {
    void (*fn)(void);
    int status;
    const char *text;
} error_rows[] = {
    { call_die, 1, "a line of output first\ntest_common: shmget: EEXIST: File exists\n" },
    { call_die_with_detail, 1, "test_common: ftok /no/file: ENOENT: No such file or directory\n" },
    { call_warn_errno, 0, "test_common: shmat: EACCES: Permission denied\n" },
    { call_fatal, 1, "test_common: segment 7 is too small\n" },
    { call_usage_error, 2,
      "test_common: size: \"12x\" is not a number (see test_common --help)\n" },
};

START_TEST(error_format)
{
    struct t_captured c;

    t_capture(&c, error_rows[_i].fn);
    ck_assert_int_eq(c.status, error_rows[_i].status);
    ck_assert_str_eq(c.text, error_rows[_i].text);
}
END_TEST

/* --- the parsers ------------------------------------------------------------ */

START_TEST(parse_accepts)
{
    char path[PATH_MAX], arg[PATH_MAX + 8];
    key_t key = t_key(7, path);

    ck_assert_int_eq(parse_long("n", "42", 0, 100), 42);
    ck_assert_int_eq(parse_long("n", "-5", -10, 10), -5);
    ck_assert_int_eq(parse_long("n", "0x1F", 0, 100), 31);
    ck_assert_int_eq(parse_long("n", "007", 0, 100), 7);        /* decimal, not octal */
    ck_assert_int_eq(parse_mode("mode", "0640"), 0640);
    ck_assert_int_eq(parse_mode("mode", "777"), 0777);
    ck_assert_int_eq(parse_key_option('p', NULL), IPC_PRIVATE);
    ck_assert_int_eq(parse_key_option('K', "0x1a2b"), 0x1a2b);
    ck_assert_int_eq(parse_key_option('K', "DEADBEEF"), (key_t)0xdeadbeef);
    snprintf(arg, sizeof arg, "%s:7", path);
    ck_assert_int_eq(parse_key_option('k', arg), key);
    ck_assert_int_eq(parse_key_option('k', path), ftok(path, 1));   /* ID 1 by default */
}
END_TEST

static const char *bad_text;

static void call_parse_long(void) { parse_long("n", bad_text, -10, 10); }
static void call_parse_mode(void) { parse_mode("mode", bad_text); }
static void call_parse_key(void) { parse_key_option('K', bad_text); }

static void call_parse_long_path(void)
{
    static char path[PATH_MAX + 100];

    memset(path, 'x', sizeof path - 1);     /* never cut short in silence */
    path[0] = '/';
    parse_key_option('k', path);
}

static const struct {
    void (*fn)(void);
    const char *text, *says;
} refuse_rows[] = {
    { call_parse_long, "", "n: \"\" is not a number" },
    { call_parse_long, " 5", "n: \" 5\" is not a number" },
    { call_parse_long, "+5", "n: \"+5\" is not a number" },
    { call_parse_long, "5x", "n: \"5x\" is not a number" },
    { call_parse_long, "0x", "n: \"0x\" is not a number" },
    { call_parse_long, "0x0x5", "n: \"0x0x5\" is not a number" },
    { call_parse_long, "-", "n: \"-\" is not a number" },
    { call_parse_long, "11", "n: 11 is out of range (-10 to 10)" },
    { call_parse_long, "99999999999999999999", "n: 99999999999999999999 is out of range (-10 to 10)" },
    { call_parse_mode, "8", "mode: \"8\" is not an octal mode (0 to 0777)" },
    { call_parse_mode, "01000", "mode: \"01000\" is not an octal mode (0 to 0777)" },
    { call_parse_mode, "-1", "mode: \"-1\" is not an octal mode (0 to 0777)" },
    { call_parse_key, "0", "key: 0 means IPC_PRIVATE; give a non-zero key" },
    { call_parse_key, "0x", "key: \"0x\" is not a hex key (1 to ffffffff)" },
    { call_parse_key, "100000000", "key: \"100000000\" is not a hex key (1 to ffffffff)" },
    { call_parse_key, "-1", "key: \"-1\" is not a hex key (1 to ffffffff)" },
    { call_parse_long_path, "", "-k: the path is longer than 4095 bytes" },
};

START_TEST(parse_refuses)
{
    char expect[256];
    struct t_captured c;

    bad_text = refuse_rows[_i].text;
    t_capture(&c, refuse_rows[_i].fn);
    snprintf(expect, sizeof expect, "test_common: %s (see test_common --help)\n", refuse_rows[_i].says);
    ck_assert_int_eq(c.status, 2);
    ck_assert_str_eq(c.text, expect);
}
END_TEST

/* next_long_option: a long option and its short letter give the same answer;
 * a missing argument or an unknown option is named as it was written. */
static const char *option_args[3];

static void parse_options(void)
{
    static const struct option longopts[] = {
        { "key", required_argument, NULL, 'k' },
        { "mine", no_argument, NULL, 'm' },           /* long only: 'm' is not in "k:" */
        { NULL, 0, NULL, 0 },
    };
    char *argv[4] = { "test_common" };
    int argc = 1, opt;

    for (int i = 0; i < 3 && option_args[i] != NULL; i++)
        argv[argc++] = (char *)option_args[i];
    while ((opt = next_long_option(argc, argv, "k:", longopts, "usage: test_common\n")) != -1)
        printf("%c=%s\n", opt, opt == 'k' ? optarg : "");
}

static const struct {
    const char *args[3];
    int status;
    const char *says;
} option_rows[] = {
    { { "--key", "5" }, 0, "k=5\n" },
    { { "-k", "5" }, 0, "k=5\n" },
    { { "--ke", "5" }, 0, "k=5\n" },                  /* getopt_long takes a prefix */
    { { "--mine" }, 0, "m=\n" },
    { { "--key" }, 2, "test_common: option --key needs an argument (see test_common --help)\n" },
    { { "-k" }, 2, "test_common: option -k needs an argument (see test_common --help)\n" },
    { { "-m" }, 2, "test_common: unknown option -m (see test_common --help)\n" },
    { { "--mine=1" }, 2, "test_common: unknown option --mine=1 (see test_common --help)\n" },
};

START_TEST(long_options)
{
    struct t_captured c;

    memcpy(option_args, option_rows[_i].args, sizeof option_args);
    t_capture(&c, parse_options);
    ck_assert_int_eq(c.status, option_rows[_i].status);
    ck_assert_str_eq(c.text, option_rows[_i].says);
}
END_TEST

/* --- libsysvipc.a ------------------------------------------------------------- */

START_TEST(sysv_shmget_creates_then_opens)
{
    char path[PATH_MAX];
    struct shmid_ds ds;
    int id, again;

    t_key(1, path);                     /* a fresh file; the wrapper uses id 1234 */
    id = sysv_shmget(path, 0, 8192, 0600);
    ck_assert_int_ne(id, -1);
    t_track(T_SHM, id);
    ck_assert_int_eq(shmctl(id, IPC_STAT, &ds), 0);
    ck_assert_int_eq(ds.shm_perm.__key, ftok(path, SYSV_FTOK_ID));
    ck_assert_int_eq(ds.shm_perm.__key, ftok(path, 0xd2));   /* 1234 & 0xff */
    ck_assert_uint_eq(ds.shm_segsz, 8192);
    /* a second call finds the segment made by the first: EEXIST is handled */
    again = sysv_shmget(path, 0, 8192, 0600);
    ck_assert_int_eq(again, id);
    ck_assert_int_eq(sysv_shmget(path, 0, 4096, 0600), id);  /* smaller: fine */
    ck_assert_int_eq(sysv_shmrm(id), 0);
    ck_assert(!t_exists(T_SHM, id));
}
END_TEST

START_TEST(sysv_shmget_with_fixed_key)
{
    key_t key = t_key(1, NULL);
    int id = sysv_shmget(NULL, key, 4096, 0600), priv;
    struct shmid_ds ds;

    ck_assert_int_ne(id, -1);
    t_track(T_SHM, id);
    ck_assert_int_eq(sysv_shmget(NULL, key, 4096, 0600), id);
    priv = sysv_shmget(NULL, IPC_PRIVATE, 4096, 0600);
    ck_assert_int_ne(priv, -1);
    t_track(T_SHM, priv);
    ck_assert_int_ne(priv, id);
    ck_assert_int_eq(shmctl(priv, IPC_STAT, &ds), 0);
    ck_assert_int_eq(ds.shm_perm.__key, IPC_PRIVATE);
    ck_assert_int_eq(sysv_shmrm(id), 0);
    ck_assert_int_eq(sysv_shmrm(priv), 0);
}
END_TEST

/* The failing calls of one kind's wrappers, in a child (t_capture): each
 * NEED says on stderr which call did not fail as it should. */
static int shm_wrapper_calls(void)
{
    char missing[PATH_MAX + 16];
    key_t key = t_key(1, NULL);
    int id = t_get(T_SHM, key, IPC_CREAT | 0600);   /* 4096 bytes */

    snprintf(missing, sizeof missing, "%s/no-such-file", t_rundir());
    NEED(sysv_shmget(missing, 0, 4096, 0600) == -1 && errno == ENOENT);
    /* the segment the key has is smaller than asked for: refused, not handed back */
    NEED(id != -1);
    NEED(sysv_shmget(NULL, key, 8192, 0600) == -1 && errno == EINVAL);
    NEED(t_rm(T_SHM, id) == 0);
    NEED(sysv_shmrm(-1) == -1 && errno == EINVAL);
    return 0;
}

/* A new set starts with every value set and sem_otime stamped; a second call
 * opens it as it is; P takes the value to 0 and V gives it back. */
START_TEST(sysv_semget_creates_initialised_then_opens)
{
    char path[PATH_MAX];
    struct semid_ds ds;
    int id;

    t_key(1, path);
    id = sysv_semget(path, 0, 2, 1, 0600);
    ck_assert_int_ne(id, -1);
    t_track(T_SEM, id);
    ck_assert_int_eq(semctl(id, 0, IPC_STAT, &ds), 0);
    ck_assert_int_eq(ds.sem_perm.__key, ftok(path, SYSV_FTOK_ID));
    ck_assert_uint_eq(ds.sem_nsems, 2);
    ck_assert_int_ne(ds.sem_otime, 0);
    ck_assert_int_eq(semctl(id, 0, GETVAL), 1);
    ck_assert_int_eq(semctl(id, 1, GETVAL), 1);
    ck_assert_int_eq(sysv_semget(path, 0, 2, 1, 0600), id);
    ck_assert_int_eq(sysv_sem_reserve(id, 1), 0);
    ck_assert_int_eq(semctl(id, 1, GETVAL), 0);
    ck_assert_int_eq(semctl(id, 0, GETVAL), 1);
    ck_assert_int_eq(sysv_sem_release(id, 1), 0);
    ck_assert_int_eq(semctl(id, 1, GETVAL), 1);
    ck_assert_int_eq(sysv_semrm(id), 0);
    ck_assert(!t_exists(T_SEM, id));
}
END_TEST

/* Wait for the child P, which must succeed: what it wrote on stderr (a
 * NEED that failed) is in the failure message. */
static void child_succeeds(struct t_proc *p, const char *what)
{
    char err[512] = "";
    int status = t_finish(p, NULL, 0, err, sizeof err);

    ck_assert_msg(status == 0, "%s: status %d: %s", what, status, err);
}

/* The race sysv_semget closes: a set made by semget alone has sem_otime 0,
 * and an opener waits until its creator's first semop. The test is the
 * creator: it makes that semop once it has seen the opener asleep. */
static int opener(void *key)
{
    int id = sysv_semget(NULL, *(key_t *)key, 1, 1, 0600);

    NEED(id != -1);
    NEED(semctl(id, 0, GETVAL) == 1);           /* it saw the value set */
    return 0;
}

START_TEST(sysv_semget_opener_waits_for_the_creator)
{
    key_t key = t_key(1, NULL);
    int id = t_get(T_SEM, key, IPC_CREAT | 0600);   /* created, not initialised */
    struct sembuf one = { .sem_num = 0, .sem_op = 1 };
    struct t_proc p;

    ck_assert_int_ne(id, -1);
    t_fork(&p, 0, opener, &key);
    ck_assert_msg(t_blocked_in(p.pid, SYS_clock_nanosleep),
                  "the opener is not waiting in sysv_semget (state %c)", t_state(p.pid));
    ck_assert_int_eq(semop(id, &one, 1), 0);
    child_succeeds(&p, "the opener");
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* SEM_UNDO in the wrappers: a holder that exits without V gives the lock back. */
static int holder(void *id)
{
    NEED(sysv_sem_reserve(*(int *)id, 0) == 0);
    NEED(semctl(*(int *)id, 0, GETVAL) == 0);
    return 0;                                   /* and exits, holding it */
}

START_TEST(sysv_sem_lock_given_back_when_holder_exits)
{
    int id = sysv_semget(NULL, IPC_PRIVATE, 1, 1, 0600);
    struct t_proc p;

    ck_assert_int_ne(id, -1);
    t_track(T_SEM, id);
    t_fork(&p, 0, holder, &id);
    child_succeeds(&p, "the holder");
    ck_assert_int_eq(semctl(id, 0, GETVAL), 1);
    ck_assert_int_eq(sysv_semrm(id), 0);
}
END_TEST

static int sem_wrapper_calls(void)
{
    char missing[PATH_MAX + 16];

    snprintf(missing, sizeof missing, "%s/no-such-file", t_rundir());
    NEED(sysv_semget(missing, 0, 1, 1, 0600) == -1 && errno == ENOENT);
    NEED(sysv_sem_reserve(-1, 0) == -1 && errno == EINVAL);
    NEED(sysv_sem_release(-1, 0) == -1 && errno == EINVAL);
    NEED(sysv_semrm(-1) == -1 && errno == EINVAL);
    return 0;
}

static int msg_wrapper_calls(void)
{
    char missing[PATH_MAX + 16], data[8];
    int id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0600);
    struct msqid_ds ds;

    snprintf(missing, sizeof missing, "%s/no-such-file", t_rundir());
    NEED(sysv_msgget(missing, 0, 0600) == -1 && errno == ENOENT);
    NEED(sysv_msgsnd(-1, 1, "x", 1, 0) == -1 && errno == EINVAL);
    NEED(sysv_msgrcv(-1, NULL, data, sizeof data, 0, 0) == -1 && errno == EINVAL);
    /* what the caller expects is not reported: ENOMSG, EAGAIN under IPC_NOWAIT */
    NEED(id != -1);
    NEED(sysv_msgrcv(id, NULL, data, sizeof data, 0, IPC_NOWAIT) == -1 && errno == ENOMSG);
    NEED(msgctl(id, IPC_STAT, &ds) == 0);
    ds.msg_qbytes = 1;                          /* one byte: the second message must wait */
    NEED(msgctl(id, IPC_SET, &ds) == 0);
    NEED(sysv_msgsnd(id, 1, "x", 1, 0) == 0);
    NEED(sysv_msgsnd(id, 1, "y", 1, IPC_NOWAIT) == -1 && errno == EAGAIN);
    NEED(sysv_msgrm(id) == 0);
    NEED(sysv_msgrm(-1) == -1 && errno == EINVAL);
    return 0;
}

/* t_capture runs a void function: this one runs the calls in WRAPPER_CALLS
 * and exits with their answer. */
static int (*wrapper_calls)(void);

static void run_wrapper_calls(void)
{
    exit(wrapper_calls());
}

/* Each wrapper that fails says so on one line, in the lab's format, and
 * returns -1 with errno set; what a caller expects (ENOMSG and EAGAIN under
 * IPC_NOWAIT, EINTR) it leaves to the caller. %s is the run directory. */
static const struct {
    int (*calls)(void);
    const char *says;
} wrapper_failures[] = {
    { shm_wrapper_calls,
      "test_common: ftok %s/no-such-file: ENOENT: No such file or directory\n"
      "test_common: shmget: EINVAL: Invalid argument\n"
      "test_common: shmctl IPC_RMID -1: EINVAL: Invalid argument\n" },
    { sem_wrapper_calls,
      "test_common: ftok %s/no-such-file: ENOENT: No such file or directory\n"
      "test_common: semop P -1[0]: EINVAL: Invalid argument\n"
      "test_common: semop V -1[0]: EINVAL: Invalid argument\n"
      "test_common: semctl IPC_RMID -1: EINVAL: Invalid argument\n" },
    { msg_wrapper_calls,
      "test_common: ftok %s/no-such-file: ENOENT: No such file or directory\n"
      "test_common: msgsnd -1: EINVAL: Invalid argument\n"
      "test_common: msgrcv -1: EINVAL: Invalid argument\n"
      "test_common: msgctl IPC_RMID -1: EINVAL: Invalid argument\n" },
};

START_TEST(sysv_wrappers_report_failures)
{
    struct t_captured c;
    char expect[PATH_MAX + 512];

    wrapper_calls = wrapper_failures[_i].calls;
    t_capture(&c, run_wrapper_calls);
    snprintf(expect, sizeof expect, wrapper_failures[_i].says, t_rundir());
    ck_assert_str_eq(c.text, expect);   /* a call that did not fail as it should is named */
    ck_assert_int_eq(c.status, 0);
}
END_TEST

/* --- every program of every chapter -------------------------------------------- */

static glob_t programs;

/* Every chapters/TOPIC/NAME.c but those with a NAME.h beside them, which
 * are a library of the chapter's programs (chapters/bench/bench.c). */
static void find_programs(void)
{
    char pattern[PATH_MAX], header[PATH_MAX];
    size_t kept = 0;

    snprintf(pattern, sizeof pattern, "%s/chapters/*/*.c", t_top());
    ck_assert_int_eq(glob(pattern, 0, NULL, &programs), 0);
    for (size_t i = 0; i < programs.gl_pathc; i++) {
        char *p = programs.gl_pathv[i];

        p[strlen(p) - 2] = '\0';                          /* drop ".c" */
        snprintf(header, sizeof header, "%s.h", p);
        if (access(header, F_OK) == 0) {
            free(p);                                       /* globfree will not see it */
            continue;
        }
        memmove(p, p + strlen(t_top()) + 1, strlen(p) - strlen(t_top()));
        programs.gl_pathv[i] = programs.gl_pathv[kept];
        programs.gl_pathv[kept++] = p;
    }
    programs.gl_pathc = kept;
}

/* The program, run in t_capture's child (SIGPIPE as a shell leaves it) with
 * its stdout into a pipe whose reader has gone, as after `| head -1`. */
static char closed_pipe_prog[PATH_MAX];

static void help_into_closed_pipe(void)
{
    int fds[2];

    if (pipe(fds) == 0) {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        execl(closed_pipe_prog, closed_pipe_prog, "--help", (char *)NULL);
    }
    fprintf(stderr, "%s: %s\n", closed_pipe_prog, strerror(errno));
    exit(127);
}

/* Every program of every chapter: --help and -h print the usage on stdout
 * and exit 0; an unknown option is one line on stderr and exit 2; output
 * that cannot be written (a full disk) is one line on stderr and exit 1. */
START_TEST(every_program_follows_the_conventions)
{
    char command[PATH_MAX + 64], expect[128];
    struct t_captured c;
    struct t_run r;

    find_programs();
    ck_assert_uint_gt(programs.gl_pathc, 0);
    for (size_t i = 0; i < programs.gl_pathc; i++) {
        const char *prog = programs.gl_pathv[i], *name = strrchr(prog, '/') + 1;

        snprintf(expect, sizeof expect, "usage: %s", name);
        for (int h = 0; h < 2; h++) {
            t_run(&r, NULL, prog, h == 0 ? "--help" : "-h", NULL);
            ck_assert_msg(r.status == 0, "%s --help: status %d, %s", prog, r.status, r.err);
            ck_assert_msg(strncmp(r.out, expect, strlen(expect)) == 0, "%s --help:\n%s",
                          prog, r.out);
            ck_assert_msg(r.err[0] == '\0', "%s --help wrote to stderr: %s", prog, r.err);
        }

        t_run(&r, NULL, prog, "--no-such-option", NULL);
        snprintf(expect, sizeof expect, "%s: unknown option --no-such-option (see %s --help)\n",
                 name, name);
        ck_assert_msg(r.status == 2, "%s: status %d", prog, r.status);
        ck_assert_str_eq(r.err, expect);
        ck_assert_str_eq(r.out, "");

        snprintf(command, sizeof command, "%s/%s --help >/dev/full", t_top(), prog);
        t_run(&r, NULL, "/bin/sh", "-c", command, NULL);
        snprintf(expect, sizeof expect, "%s: write to stdout: ENOSPC: No space left on device\n",
                 name);
        ck_assert_msg(r.status == 1, "%s >/dev/full: status %d", prog, r.status);
        ck_assert_str_eq(r.err, expect);

        /* a reader that left does not kill it (it may hold an object) */
        snprintf(closed_pipe_prog, sizeof closed_pipe_prog, "%s/%s", t_top(), prog);
        t_capture(&c, help_into_closed_pipe);
        snprintf(expect, sizeof expect, "%s: write to stdout: EPIPE: Broken pipe\n", name);
        ck_assert_msg(c.status == 1, "%s | (gone): status %d", prog, c.status);
        ck_assert_str_eq(c.text, expect);
    }
    globfree(&programs);
}
END_TEST

/* A creator whose id cannot be written (a full disk) removes the object when
 * it surely made it (IPC_EXCL here; IPC_PRIVATE likewise), and leaves one it
 * may only have opened: that one is found again by its key. */
START_TEST(creators_remove_what_they_cannot_report_each_kind)
{
    static const char *const creator[3][2] = {
        { "shm_create", "4096" }, { "sem_create", "1" }, { "msg_create", "" },
    };
    const char *name = creator[_i][0], *arg = creator[_i][1];
    char path[PATH_MAX], command[2 * PATH_MAX + 64], expect[128];
    key_t key = t_key(1, path);
    struct t_run r;
    int id;

    snprintf(expect, sizeof expect, "%s: write to stdout: ENOSPC: No space left on device\n",
             name);
    for (int excl = 1; excl >= 0; excl--) {
        snprintf(command, sizeof command, "%s/chapters/%s/%s %s -k %s %s >/dev/full", t_top(),
                 t_kind_name[_i], name, excl ? "-x" : "", path, arg);
        t_run(&r, NULL, "/bin/sh", "-c", command, NULL);
        ck_assert_msg(r.status == 1, "%s: status %d", command, r.status);
        ck_assert_str_eq(r.err, expect);
        id = t_get(_i, key, 0);
        if (excl) {
            ck_assert_int_eq(id, -1);
            ck_assert_int_eq(errno, ENOENT);
        } else {
            ck_assert_int_ne(id, -1);           /* it stays */
            ck_assert_int_eq(t_rm(_i, id), 0);
        }
    }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("common");
    TCase *helper = tcase_create("helper"), *lib = tcase_create("libsysvipc");
    TCase *progs = tcase_create("programs");

    tcase_add_loop_test(helper, error_format, 0, T_ROWS(error_rows));
    tcase_add_test(helper, parse_accepts);
    tcase_add_loop_test(helper, parse_refuses, 0, T_ROWS(refuse_rows));
    tcase_add_loop_test(helper, long_options, 0, T_ROWS(option_rows));
    tcase_add_test(lib, sysv_shmget_creates_then_opens);
    tcase_add_test(lib, sysv_shmget_with_fixed_key);
    tcase_add_test(lib, sysv_semget_creates_initialised_then_opens);
    tcase_add_test(lib, sysv_semget_opener_waits_for_the_creator);
    tcase_add_test(lib, sysv_sem_lock_given_back_when_holder_exits);
    tcase_add_loop_test(lib, sysv_wrappers_report_failures, 0, T_ROWS(wrapper_failures));
    tcase_add_test(progs, every_program_follows_the_conventions);
    tcase_add_loop_test(progs, creators_remove_what_they_cannot_report_each_kind, T_SHM, T_MSG + 1);
    tcase_set_timeout(progs, 60);
    suite_add_tcase(s, helper);
    suite_add_tcase(s, lib);
    suite_add_tcase(s, progs);
    return s;
}

int main(void)
{
    return t_main(make_suite);
}
