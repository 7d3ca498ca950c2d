/* harness.h: what every Check suite of the lab shares.
 *
 *  - t_main(): runs a suite in a child process and, after it, the leak guard:
 *    every System V object the run made (t_get, t_track) or that has one of
 *    its keys (t_key) is removed, and a leftover fails the run, even when a
 *    test crashed or the run was interrupted. The guard's line names the test
 *    that made the object.
 *  - every test runs in a process of its own (START_TEST below); when it
 *    fails, what it made is removed at once.
 *  - keys unique to the run: ftok on a fresh file in the run's own directory;
 *    POSIX names unique to the run, swept the same way (t_posix_name).
 *  - one interface to the three kinds of object, for tests that hold for all.
 *  - one way to start a program or a child beside the test (t_start, t_fork,
 *    t_run): pipes, a process group of its own, a time limit that ends the
 *    whole group, death with the test.
 *  - one shape for errno cases: a table of t_errno_row, one call per row,
 *    each made by the owner, a plain process or a stranger (t_errno_case).
 *  - what a test may do is decided by capabilities and probes, never by uid:
 *    t_capable(), t_can_be_stranger(), T_NEED_CAP(), T_NEED_STRANGER().
 *  - t_play_sessions(): play a chapter's sample sessions as the book does.
 *  - T_SKIP(reason): a test that cannot run here says so, and the run lists it.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <check.h>
#include "semun.h"
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>              /* NEED */
#include <stddef.h>
#include <sys/ipc.h>
#include <sys/types.h>
#include <linux/capability.h>   /* CAP_IPC_OWNER, ... for t_capable */

int t_main(Suite *(*make_suite)(void));   /* the suite is made in the child */
/* The same, for a lab's grader: the tests run without Check's output, then
 * REPORT(sr) prints their results (tests/labs/grade.c). */
int t_main_reporting(Suite *(*make_suite)(void), void (*report)(SRunner *sr));
/* How long the test NAME took, in seconds (its body, in its process); -1 if
 * it did not run. For REPORT. */
double t_duration(const char *name);

/* Every test body runs in a child of the process Check forks for it: when
 * the body fails or crashes, that process removes what the test made (the
 * objects and names recorded under its name) before Check reports it. The
 * body starts without Check's signal handlers (which would end the whole
 * test from a child of the body that got SIGTERM or SIGALRM). */
void t_test(const char *name, void (*body)(int), int i);
#undef START_TEST
#define START_TEST(name) \
    static void name##_body(int _i); \
    static void name##_fn(int _i) { t_test(#name, name##_body, _i); } \
    static const TTest name##_ttest = { #name, name##_fn, __FILE__, __LINE__ }; \
    static const TTest *name = &name##_ttest; \
    static void name##_body(int _i CK_ATTRIBUTE_UNUSED)

/* Every way of adding a test goes through _tcase_add_test: with T_TEST=NAME
 * in the environment, only the test NAME is added, and a NAME that is no
 * test of the suite ends the run at once, exit 2 (CK_RUN_CASE=NAME, Check's
 * own, runs one test case). */
void t_add_test(TCase *tc, const TTest *tt, int signal, int exit_value, int start, int end);
#define _tcase_add_test t_add_test

/* --- keys ---------------------------------------------------------------- */
/* A new empty file in the run's directory, its path written to PATH. */
void t_new_file(char path[PATH_MAX]);
/* ftok(ID) of a new file (path to PATH if not NULL), checked to be unused by
 * any object and recorded for the leak guard. */
key_t t_key(int id, char path[PATH_MAX]);
const char *t_rundir(void);
/* The top of the source tree, above the test binary: sessions, ledgers,
 * sources. (Programs run from a copy that every user can reach: see t_start.) */
const char *t_top(void);

/* A POSIX IPC name unique to the run, "/ipclab-SUITE-PID-N", written to NAME
 * and recorded for the leak guard: after the run, a shared memory object, a
 * named semaphore or a message queue still under that name is removed, and
 * fails the run. */
void t_posix_name(char name[64]);

/* Where POSIX message queues are listed: the mount point of an mqueue
 * filesystem (usually /dev/mqueue), the last one mounted; NULL if none. */
const char *t_mqueue_mount(void);
/* The same, but where none is mounted, the test process mounts one in a
 * mount namespace of its own (it and its children see it; nobody else does),
 * where it may. NULL if neither: the caller skips with t_why_not(). */
const char *t_mqueue_dir(void);

/* --- the three kinds of object --------------------------------------------- */
enum t_kind { T_SHM, T_SEM, T_MSG };
extern const char *const t_kind_name[3];   /* "shm", "sem", "msg" */

/* union semun: common/semun.h */

/* shmget (4096 bytes), semget (1 semaphore) or msgget; the id is recorded. */
int t_get(enum t_kind kind, key_t key, int flags);
int t_stat(enum t_kind kind, int id, struct ipc_perm *perm);     /* IPC_STAT */
/* IPC_SET of uid, gid and mode; T_KEEP keeps a value, as -1 does for chown(2). */
#define T_KEEP (-1)
int t_set(enum t_kind kind, int id, long uid, long gid, int mode);
int t_rm(enum t_kind kind, int id);                              /* IPC_RMID */
/* Record an id made elsewhere (printed by a program) for the leak guard. */
void t_track(enum t_kind kind, int id);
/* Remove now what the running test recorded (t_get, t_track, t_posix_name)
 * or what has one of its keys (t_key), where it is still there: how many,
 * each described in SAID ("shm id 5 (key 0x...)", "message queue /x"). For
 * a grader, whose test fails when a program left something behind. */
int t_leftovers(char *said, size_t size);
/* Is there an object of this kind with this id? (read from /proc/sysvipc) */
bool t_exists(enum t_kind kind, int id);
/* Its mode as /proc/sysvipc shows it to anyone, whatever the mode allows;
 * -1 if there is no such object. */
int t_proc_mode(enum t_kind kind, int id);

/* --- programs and children ---------------------------------------------------- */
/* A program or a function running beside the test. It has a process group of
 * its own (Check's timeout or Ctrl-C does not cut it short halfway, with an
 * object made and not yet removed), every signal at its default action (a
 * function: as the test body set them; see t_test), and gets SIGTERM when the test process ends (every program of the lab cleans
 * up on it). A test that waits for it (t_wait, t_finish, t_run) waits up to
 * t_limit seconds from its start: then its group gets SIGTERM, and SIGKILL
 * five seconds later. The limit, 120 s, is generous: a loaded machine is
 * slow. A lab's grader sets less (tests/labs/grade.h). */
extern int t_limit;
struct t_proc {
    pid_t pid;                  /* and its process group */
    int in, out, err;           /* our ends of its stdin, stdout, stderr; -1: closed */
    int status;                 /* after t_wait: exit code, or 128 + signal */
    bool ended_by_limit;        /* after t_wait: its time limit ended it */
    int pidfd;                  /* readable when it has ended */
    struct timespec started;
};
/* Flags: stderr into the stdout pipe, in the order written. */
enum { T_ERR_TO_OUT = 1 };
/* Start PROG (a path from the top of the tree, "chapters/msg/msg_server",
 * run from the run's copy; or an absolute path, "/usr/bin/ipcs") with ARGV
 * (NULL-terminated, without argv[0]), in the run's directory. */
void t_start(struct t_proc *p, int flags, const char *prog, const char *const argv[]);
/* Where PROG runs from (the run's copy), for a command line of a shell. */
void t_program_path(char path[PATH_MAX], const char *prog);
/* Run FN(ARG) in a child the same way; its return value is its exit code. */
void t_fork(struct t_proc *p, int flags, int (*fn)(void *), void *arg);
/* Close its stdin, wait for it (up to its time limit), close our ends, kill
 * what is left of its group; its status. A child that failed (status not 0)
 * has what it left unread on stderr copied to the test's stderr: the NEED
 * line that says why. */
int t_wait(struct t_proc *p);
/* Close its stdin, read all of its stdout and stderr into OUT and ERR, after
 * the NUL-terminated text they hold (NOUT and NERR bytes in all; NULL: stdout
 * thrown away, stderr passed on to the test's stderr), then t_wait; its status. */
int t_finish(struct t_proc *p, char *out, size_t nout, char *err, size_t nerr);
/* Has it ended? (It is not reaped: t_wait still must be called.) */
bool t_ended(struct t_proc *p);
/* Send SIG to its whole group. */
void t_kill(struct t_proc *p, int sig);
/* Read from FD (its out or err) until the text read so far, TEXT (SIZE
 * bytes with the NUL, NUL-terminated to begin with), holds WANT; false at end
 * of file or after t_limit s. WANT NULL: to the end of file (true then). */
bool t_read_until(int fd, char *text, size_t size, const char *want);
/* A wait status as an exit code, or 128 + the signal that ended it. */
int t_status(int wstatus);

/* Start PROG as t_start does, with INPUT (may be NULL) on its stdin, and wait
 * for it: its status, all of stdout and stderr. The test process ignores
 * SIGPIPE from then on (a program may not read all its input). */
struct t_run {
    int status;             /* exit code, or 128 + signal number */
    bool ended_by_limit;    /* it ran past t_limit and was ended */
    char out[16384];        /* stdout, NUL-terminated (cut if longer) */
    char err[4096];         /* stderr, likewise */
};
void t_run(struct t_run *r, const char *input, const char *prog, ...)
    __attribute__((sentinel));
void t_run_argv(struct t_run *r, const char *input, const char *prog, const char *const argv[]);
/* Run FN in a child whose stdout and stderr go into one pipe, for code that
 * exits or writes errors (die, the wrappers): what it wrote, in order, and
 * its exit status (FN returning is exit 0). */
struct t_captured {
    int status;
    char text[1024];
};
void t_capture(struct t_captured *c, void (*fn)(void));
/* How many lines TEXT has. */
int t_lines(const char *text);

/* A command line a program must refuse, and what it must say. */
struct t_bad_line {
    const char *prog;       /* a program of the chapter: "shm_create" */
    const char *args[4];    /* its arguments, NULL after the last */
    int status;             /* 2 for a bad command line, 1 for a failed call */
    const char *err;        /* all of stderr: one line, without its newline */
};
/* Run chapters/CHAPTER/PROG with the arguments: the status and stderr must be
 * the row's, and stdout empty. */
void t_refuse(const char *chapter, const struct t_bad_line *b);
/* What a creator (shm_create, ...) printed: an id alone on a line, after a
 * successful run. The id is recorded for the leak guard as a KIND object. */
int t_created(const struct t_run *r, enum t_kind kind);

/* --- errno cases ------------------------------------------------------------- */
/* Who makes a row's call. */
enum t_who {
    T_OWNER,        /* the test process, which made the fixture */
    T_PLAIN,        /* a process without capabilities (t_unprivileged), on
                     * objects it makes itself in the call */
    T_STRANGER,     /* a second user, on the test's objects (t_as_stranger) */
};
struct t_errno_row {
    const char *what;           /* "shmat of a removed id" */
    int (*call)(void *ctx);     /* -1 with errno set when it fails; T_SETUP_FAILED
                                 * if what it needed first could not be had */
    int err;                    /* the errno it must fail with */
    enum t_who who;
};
/* Make ROW's call with CTX (the suite's fixture) as the row's WHO, and fail
 * the test unless it failed with the row's errno. A table is two loop tests:
 * the rows of T_OWNER and T_PLAIN, and those of T_STRANGER, which begin with
 * T_NEED_STRANGER(). */
void t_errno_case(const struct t_errno_row *row, void *ctx);
#define T_SETUP_FAILED (-2)
#define T_ROWS(table) (int)(sizeof(table) / sizeof((table)[0]))

/* --- sessions ----------------------------------------------------------------- */
/* What a sample session of the book must show: three strings of its output. */
struct t_session {
    const char *name;       /* "get.session" */
    const char *must[3];
};
/* Play each .session file of chapters/CHAPTER with book/run-session, as `make book`
 * does: each must succeed, say who played it (its first line "# played ...",
 * with the user and "(uid N"),
 * and show its three strings. Each must have a row
 * in EXPECT (N rows), or be named in OWN (NULL-terminated, or NULL): played
 * by a test of its own with t_play_session, which checks more of it. So a
 * new session cannot go untested, and none is played twice. */
void t_play_sessions(const char *chapter, const struct t_session *expect, size_t n,
                     const char *const own[]);
/* Play the one session S of chapters/CHAPTER the same way; its output in R.
 * A session whose "#requires" this machine lacks is a SKIP (R's status 77). */
void t_play_session(const char *chapter, const struct t_session *s, struct t_run *r);

/* --- a namespace of our own -------------------------------------------------- */
/* Run FN(ARG) in a child with an IPC namespace of its own (no System V object,
 * message queue or kernel.shm/msg/sem setting shared with anyone), an empty
 * /dev/shm of its own and an mqueue filesystem of its own (t_mqueue_dir finds
 * it). With CAP_SYS_ADMIN it enters it at once; without, inside a new user
 * namespace in which it is root. What FN makes there goes when the child
 * ends, so none of it is recorded for the leak guard. Returns FN's return
 * value (0 when all held, 1 when a NEED failed), 128 + signal, or -1 if no
 * such namespace can be made here: the caller skips with t_why_not(). */
int t_private_ipc(int (*fn)(void *), void *arg);
/* The same, but a process without CAP_SYS_ADMIN keeps its own uid inside, so
 * that a program FN runs has no capabilities (with it, as t_private_ipc). */
int t_private_ipc_as_me(int (*fn)(void *), void *arg);
/* Why the last t_private_ipc or t_mqueue_dir could not be had here. */
const char *t_why_not(void);
/* In a test: FN(ARG) in t_private_ipc; skip where no namespace can be made,
 * fail unless FN returned 0 (a NEED that failed has said where on stderr). */
#define T_IN_PRIVATE_IPC(fn, arg) do { \
        int status_ = t_private_ipc((fn), (arg)); \
        if (status_ == -1) \
            T_SKIP(t_why_not()); \
        ck_assert_msg(status_ == 0, "%s: status %d (its failed step is on stderr)", #fn, status_); \
    } while (0)
/* In a function run in a child (t_private_ipc, t_unprivileged, t_fork): a
 * step that fails says which on stderr (file:line: failed: COND), and the
 * function returns 1. */
#define NEED(cond) do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
            return 1; \
        } \
    } while (0)
/* NEED for two numbers: a failure says what was seen and what was wanted. */
#define NEED_EQ(got, want) do { \
        long got_ = (long)(got), want_ = (long)(want); \
        if (got_ != want_) { \
            fprintf(stderr, "%s:%d: failed: %s is %ld, not %ld\n", \
                    __FILE__, __LINE__, #got, got_, want_); \
            return 1; \
        } \
    } while (0)
/* Write TEXT to PATH (a setting: /proc/sys/kernel/msgmnb); false on failure. */
bool t_write_file(const char *path, const char *text);
/* A number read from PATH (/proc/sys/kernel/msgmnb); the test fails if none. */
long t_read_long(const char *path);

/* --- processes ------------------------------------------------------------- */
/* Is PID asleep (state S) inside system call NR (SYS_msgsnd, ...)? Waits up to
 * 20 s for it; false at once if PID has ended. */
bool t_blocked_in(pid_t pid, long nr);
/* PID's state letter in /proc/PID/stat (S sleeping, T stopped, Z zombie...);
 * '?' if there is no such process. */
char t_state(pid_t pid);
/* Does PID come to a state among STATES ("T"; "?Z": gone) within 20 s? For a
 * process that is not ours to wait for (a program's child). */
bool t_reaches(pid_t pid, const char *states);
/* The children of PID (/proc/PID/task/PID/children): up to MAX into PIDS;
 * how many, or -1 if the kernel has no such file (CONFIG_PROC_CHILDREN). */
int t_children(pid_t pid, pid_t *pids, int max);
/* All of FD, to its end, into TEXT (SIZE - 1 bytes at most, then a NUL);
 * FD is closed. */
void t_read_all(int fd, char *text, size_t size);

/* --- what this process may do ------------------------------------------------ */
/* Does this process have capability CAP (CAP_IPC_OWNER, ...) in effect? Root
 * in a container may lack some; a plain user may have some. */
bool t_capable(int cap);
#define T_NEED_CAP(cap, why) do { \
        if (!t_capable(cap)) \
            T_SKIP("needs " #cap " " why); \
    } while (0)
/* Can a child of this process become a second user, nobody (65534), and
 * reach the run's programs as nobody? A probe: a child tries it, once a
 * process. If not, t_why_no_stranger() says why. */
bool t_can_be_stranger(void);
const char *t_why_no_stranger(void);
#define T_NEED_STRANGER() do { \
        if (!t_can_be_stranger()) \
            T_SKIP(t_why_no_stranger()); \
    } while (0)
/* Run FN(ARG) in a child without capabilities: as nobody where this process
 * can become it, else as itself with its capabilities dropped. Returns FN's
 * return value, or 128 + signal. */
int t_unprivileged(int (*fn)(void *), void *arg);
/* Run FN(ARG) in a child as nobody; only after T_NEED_STRANGER(). */
int t_as_stranger(int (*fn)(void *), void *arg);
/* The uid and gid t_unprivileged() runs as. */
uid_t t_plain_uid(void);
gid_t t_plain_gid(void);

/* --- skipping ----------------------------------------------------------------- */
void t_skip(const char *reason);
#define T_SKIP(reason) do { t_skip(reason); return; } while (0)

#endif
