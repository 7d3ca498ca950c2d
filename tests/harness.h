/* harness.h: what every Check suite of the lab shares.
 *
 *  - t_main(): runs a suite in a child process and, after it, the leak guard:
 *    every System V object the run made (t_get, t_track) or
 *    that has one of its keys (t_key) is removed, and a leftover fails the run,
 *    even when a test crashed or the run was interrupted.
 *  - keys unique to the run: ftok on a fresh file in the run's own directory;
 *    POSIX names unique to the run, swept the same way (t_posix_name).
 *  - one interface to the three kinds of object, for tests that hold for all.
 *  - t_run(): run a program of the lab, capture stdout, stderr and status.
 *  - t_play_sessions(): play a chapter's sample sessions as the book does.
 *  - t_unprivileged(): code in a child without the capabilities that
 *    bypass IPC permissions (root switches to nobody); tests that need a
 *    second user check t_root() and skip otherwise.
 *  - T_SKIP(reason): a test that cannot run here says so, and the run lists it.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>              /* NEED */
#include <stddef.h>
#include <sys/ipc.h>
#include <sys/types.h>

int t_main(Suite *(*make_suite)(void));   /* the suite is made in the child */

/* --- keys ---------------------------------------------------------------- */
/* A new empty file in the run's directory, its path written to PATH. */
void t_new_file(char path[PATH_MAX]);
/* ftok(ID) of a new file (path to PATH if not NULL), checked to be unused by
 * any object and recorded for the leak guard. */
key_t t_key(int id, char path[PATH_MAX]);
const char *t_rundir(void);
/* The top of the source tree, where the programs are. */
const char *t_top(void);

/* A POSIX IPC name unique to the run, "/ipclab-SUITE-PID-N", written to NAME
 * and recorded for the leak guard: after the run, a shared memory object, a
 * named semaphore or a message queue still under that name is removed, and
 * fails the run. */
void t_posix_name(char name[64]);

/* Where POSIX message queues are listed: the mount point of an mqueue
 * filesystem (usually /dev/mqueue), the last one mounted; NULL if none. */
const char *t_mqueue_mount(void);
/* The same, but where none is mounted and we are root, the test process
 * mounts one in the run's directory, in a mount namespace of its own (it and
 * its children see it; nobody else does). NULL if neither: the caller skips. */
const char *t_mqueue_dir(void);

/* --- the three kinds of object --------------------------------------------- */
enum t_kind { T_SHM, T_SEM, T_MSG };
extern const char *const t_kind_name[3];   /* "shm", "sem", "msg" */

/* shmget (4096 bytes), semget (1 semaphore) or msgget; the id is recorded. */
int t_get(enum t_kind kind, key_t key, int flags);
int t_stat(enum t_kind kind, int id, struct ipc_perm *perm);     /* IPC_STAT */
/* IPC_SET of uid, gid and mode; T_KEEP keeps a value, as -1 does for chown(2). */
#define T_KEEP (-1)
int t_set(enum t_kind kind, int id, long uid, long gid, int mode);
int t_rm(enum t_kind kind, int id);                              /* IPC_RMID */
/* Record an id made elsewhere (printed by a program) for the leak guard. */
void t_track(enum t_kind kind, int id);
/* Is there an object of this kind with this id? (read from /proc/sysvipc) */
bool t_exists(enum t_kind kind, int id);
/* Its mode as /proc/sysvipc shows it to anyone, whatever the mode allows;
 * -1 if there is no such object. */
int t_proc_mode(enum t_kind kind, int id);

/* --- programs --------------------------------------------------------------- */
struct t_run {
    int status;             /* exit code, or 128 + signal number */
    char out[16384];        /* stdout, NUL-terminated (cut if longer) */
    char err[4096];         /* stderr, likewise */
};
/* Run PROG (a path from the top of the tree, e.g. "chapters/ftok/ftok_key",
 * or an absolute path)
 * with the NULL-terminated arguments, INPUT (may be NULL) on its stdin.
 * A program still running after 60 seconds is killed (SIGALRM). It runs in a
 * process group of its own, so that Ctrl-C or a Check timeout does not kill
 * it halfway. The test process ignores SIGPIPE from then on. */
void t_run(struct t_run *r, const char *input, const char *prog, ...)
    __attribute__((sentinel));
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

/* --- sessions ----------------------------------------------------------------- */
/* What a sample session of the book must show: three strings of its output. */
struct t_session {
    const char *name;       /* "get.session" */
    const char *must[3];
};
/* Play each .session file of chapters/CHAPTER with book/run-session, as `make book`
 * does: each must succeed and show its three strings, and each must have a
 * row in EXPECT (N rows), so that a new session cannot go untested. */
void t_play_sessions(const char *chapter, const struct t_session *expect, size_t n);

/* --- a namespace of our own -------------------------------------------------- */
/* Run FN(ARG) in a child with an IPC namespace of its own (no System V object,
 * message queue or kernel.shm/msg/sem setting shared with anyone), an empty
 * /dev/shm of its own and an mqueue filesystem of its own (t_mqueue_dir finds
 * it). Root enters it at once; another user inside a new user namespace in
 * which it is root. What FN makes there goes when the child ends, so none of
 * it is recorded for the leak guard. Returns FN's return value (0 when all
 * held, else the number of the step that failed), 128 + signal, or -1 if no
 * such namespace can be made here: the caller skips with T_NO_NAMESPACE. */
int t_private_ipc(int (*fn)(void *), void *arg);
/* The same, but a plain user keeps its own uid inside, so that a program FN
 * runs is a plain user without capabilities (for root, as t_private_ipc). */
int t_private_ipc_as_me(int (*fn)(void *), void *arg);
#define T_NO_NAMESPACE "cannot make an IPC namespace: not root, and user namespaces are off"
/* In a test: FN(ARG) in t_private_ipc; skip where no namespace can be made,
 * fail unless FN returned 0 (else the number of its failed step). */
#define T_IN_PRIVATE_IPC(fn, arg) do { \
        int step_ = t_private_ipc((fn), (arg)); \
        if (step_ == -1) \
            T_SKIP(T_NO_NAMESPACE); \
        ck_assert_msg(step_ == 0, "%s: step %d failed (stderr may say more)", #fn, step_); \
    } while (0)
/* In a function FN for t_private_ipc and the like (run in a child): a step
 * that fails says which on stderr (file:line: failed: COND), and FN returns 1. */
#define NEED(cond) do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
            return 1; \
        } \
    } while (0)
/* Write TEXT to PATH (a setting: /proc/sys/kernel/msgmnb); false on failure. */
bool t_write_file(const char *path, const char *text);

/* --- processes ------------------------------------------------------------- */
/* Is PID asleep (state S) inside system call NR (SYS_msgsnd, ...)? Waits up to
 * 20 s for it; false at once if PID has ended. */
bool t_blocked_in(pid_t pid, long nr);
/* PID's state letter in /proc/PID/stat (S sleeping, T stopped, Z zombie...);
 * '?' if there is no such process. */
char t_state(pid_t pid);
/* All of FD, to its end, into TEXT (SIZE - 1 bytes at most, then a NUL);
 * FD is closed. */
void t_read_all(int fd, char *text, size_t size);

/* --- users ------------------------------------------------------------------ */
bool t_root(void);
/* Does this process have capability CAP (CAP_SYS_RESOURCE, from
 * <linux/capability.h>)? Root in a container may lack some. */
bool t_capable(int cap);
/* The uid and gid t_unprivileged() runs as: nobody (65534) when we are root,
 * ourselves otherwise. */
uid_t t_plain_uid(void);
gid_t t_plain_gid(void);
/* Run FN(ARG) in a child without CAP_IPC_OWNER; returns its exit status
 * (FN's return value), or 128 + signal. */
int t_unprivileged(int (*fn)(void *), void *arg);

/* --- skipping ----------------------------------------------------------------- */
void t_skip(const char *func, const char *reason);
#define T_SKIP(reason) do { t_skip(__func__, (reason)); return; } while (0)

#endif
