/* programs.c: the chapter's programs, run as a reader runs them (and
 * stopped with Ctrl-C, or their output cut short), and its sample sessions. */
#define _GNU_SOURCE
#include "sem.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The number after LABEL in TEXT, or -1. */
static int number_after(const char *text, const char *label)
{
    const char *p = strstr(text, label);

    return p ? atoi(p + strlen(label)) : -1;
}

static const struct t_bad_line bad_lines[] = {
    { "sem_create", { NULL }, 2, "sem_create: missing NSEMS (see sem_create --help)" },
    { "sem_create", { "2x" }, 2, "sem_create: nsems: \"2x\" is not a number (see sem_create --help)" },
    { "sem_create", { "-1" }, 2, "sem_create: unknown option -1 (see sem_create --help)" },
    { "sem_create", { "-p", "-K", "1", "1" }, 2, "sem_create: give one key option (see sem_create --help)" },
    { "sem_create", { "-m", "0800", "1" }, 2,
      "sem_create: mode: \"0800\" is not an octal mode (0 to 0777) (see sem_create --help)" },
    { "sem_create", { "1", "2" }, 2, "sem_create: too many arguments (see sem_create --help)" },
    { "sem_op", { NULL }, 2, "sem_op: missing SEMID (see sem_op --help)" },
    { "sem_op", { "1" }, 2, "sem_op: missing OP (see sem_op --help)" },
    { "sem_op", { "x", "0-1" }, 2, "sem_op: semid: \"x\" is not a number (see sem_op --help)" },
    { "sem_op", { "1", "0" }, 2,
      "sem_op: op \"0\": write N-V, N+V or N=0, then n or u if wanted (see sem_op --help)" },
    { "sem_op", { "1", "-1" }, 2,
      "sem_op: op \"-1\": write N-V, N+V or N=0, then n or u if wanted (see sem_op --help)" },
    { "sem_op", { "-x", "1", "0-1" }, 2, "sem_op: unknown option -x (see sem_op --help)" },
    { "sem_op", { "1", "0-" }, 2,
      "sem_op: op \"0-\": write N-V, N+V or N=0, then n or u if wanted (see sem_op --help)" },
    { "sem_op", { "1", "0*1" }, 2,
      "sem_op: op \"0*1\": write N-V, N+V or N=0, then n or u if wanted (see sem_op --help)" },
    { "sem_op", { "1", "a-1" }, 2,
      "sem_op: op \"a-1\": write N-V, N+V or N=0, then n or u if wanted (see sem_op --help)" },
    { "sem_op", { "1", "0=1" }, 2, "sem_op: op \"0=1\": = waits for 0 only (see sem_op --help)" },
    { "sem_op", { "1", "0-1x" }, 2, "sem_op: op \"0-1x\": the flags are n and u, each once (see sem_op --help)" },
    { "sem_op", { "1", "0-1nun" }, 2, "sem_op: op \"0-1nun\": the flags are n and u, each once (see sem_op --help)" },
    { "sem_op", { "1", "0+0" }, 2, "sem_op: value: 0 is out of range (1 to 32767) (see sem_op --help)" },
    { "sem_op", { "1", "0-32768" }, 2, "sem_op: value: 32768 is out of range (1 to 32767) (see sem_op --help)" },
    { "sem_op", { "1", "65536+1" }, 2,
      "sem_op: semaphore number: 65536 is out of range (0 to 65535) (see sem_op --help)" },
    { "sem_setall", { "1" }, 2, "sem_setall: missing VALUE (see sem_setall --help)" },
    { "sem_setall", { "1", "65536" }, 2,
      "sem_setall: value: 65536 is out of range (0 to 65535) (see sem_setall --help)" },
    { "sem_stat", { NULL }, 2, "sem_stat: missing SEMID (see sem_stat --help)" },
    { "sem_stat", { "1", "2" }, 2, "sem_stat: too many arguments (see sem_stat --help)" },
    { "sem_rm", { NULL }, 2, "sem_rm: missing SEMID (see sem_rm --help)" },
    { "sem_rm", { "1", "y" }, 2, "sem_rm: semid: \"y\" is not a number (see sem_rm --help)" },
    { "sem_counter", { "4" }, 2, "sem_counter: missing NPROCS or NITERS (see sem_counter --help)" },
    { "sem_counter", { "0", "10" }, 2, "sem_counter: nprocs: 0 is out of range (1 to 64) (see sem_counter --help)" },
    { "sem_counter", { "2", "10", "--lock" }, 2, "sem_counter: too many arguments (see sem_counter --help)" },
    { "sem_counter", { "--nolock", "2", "10" }, 2, "sem_counter: unknown option --nolock (see sem_counter --help)" },
    { "sem_undo", { "-t", "0" }, 2, "sem_undo: seconds: 0 is out of range (1 to 60) (see sem_undo --help)" },
    { "sem_undo", { "x" }, 2, "sem_undo: too many arguments (see sem_undo --help)" },
    { "sem_race", { "-K", "0" }, 2, "sem_race: key: 0 means IPC_PRIVATE; give a non-zero key (see sem_race --help)" },
    { "sem_race", { "-k", "/", "-K", "1" }, 2, "sem_race: give one key option (see sem_race --help)" },
};

/* Refused with exit status 2, one line, nothing on stdout; no set made. */
START_TEST(bad_command_lines)
{
    t_refuse("sem", &bad_lines[_i]);
}
END_TEST

START_TEST(sem_create_prints_the_id)
{
    char path[PATH_MAX], arg[PATH_MAX + 8];
    struct semid_ds ds;
    struct t_run r;
    int id, again;

    t_run(&r, NULL, "chapters/sem/sem_create", "3", NULL);
    id = t_created(&r, T_SEM);
    ck_assert_int_eq(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }), 0);
    ck_assert_uint_eq(ds.sem_nsems, 3);
    ck_assert_int_eq(ds.sem_perm.mode & 0777, 0600);
    ck_assert_int_eq(ds.sem_perm.__key, IPC_PRIVATE);
    ck_assert_int_eq(getval(id, 2), 0);         /* a new set holds zeros */
    ck_assert_int_eq(t_rm(T_SEM, id), 0);

    snprintf(arg, sizeof arg, "%s:2", (t_key(2, path), path));
    t_run(&r, NULL, "chapters/sem/sem_create", "-x", "-m", "0640", "-k", arg, "1", NULL);
    id = t_created(&r, T_SEM);
    ck_assert_int_eq(t_proc_mode(T_SEM, id) & 0777, 0640);
    t_run(&r, NULL, "chapters/sem/sem_create", "-k", arg, "1", NULL);
    again = t_created(&r, T_SEM);
    ck_assert_int_eq(again, id);                /* IPC_CREAT opens it */
    t_run(&r, NULL, "chapters/sem/sem_create", "-x", "-k", arg, "1", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "sem_create: semget: EEXIST: File exists\n");
    t_run(&r, NULL, "chapters/sem/sem_create", "0", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "sem_create: semget: EINVAL: Invalid argument\n");
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

START_TEST(sem_op_waits_and_returns)
{
    int id = new_set(1, NULL);
    char sid[16], expect[64], out[256] = "";
    struct t_run r;
    struct t_proc p;

    snprintf(sid, sizeof sid, "%d", id);
    t_start(&p, T_ERR_TO_OUT, "chapters/sem/sem_op", (const char *[]){ sid, "0-1", NULL });
    until_waiting(&p, id, 0, GETNCNT, 1);
    t_run(&r, NULL, "chapters/sem/sem_op", sid, "0+1", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, ": semop 0+1: done\n"), "sem_op 0+1 said:\n%s", r.out);
    ck_assert_int_eq(t_finish(&p, out, sizeof out, NULL, 0), 0);
    snprintf(expect, sizeof expect, "pid %d: semop 0-1: waiting\npid %d: semop 0-1: done\n",
             p.pid, p.pid);
    ck_assert_str_eq(out, expect);
    ck_assert_int_eq(getval(id, 0), 0);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

START_TEST(sem_op_nowait_undo_and_all_or_nothing)
{
    const unsigned short values[2] = { 1, 0 };
    int id = new_set(2, values);
    char sid[16];
    struct t_run r;

    snprintf(sid, sizeof sid, "%d", id);
    t_run(&r, NULL, "chapters/sem/sem_op", sid, "0-1", "1-1n", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "sem_op: semop: EAGAIN: Resource temporarily unavailable\n");
    ck_assert_int_eq(getval(id, 0), 1);         /* 0-1 was not done either */
    t_run(&r, NULL, "chapters/sem/sem_op", sid, "1+5u", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(getval(id, 1), 0);         /* undone when it exited */
    t_run(&r, NULL, "chapters/sem/sem_op", sid, "1+5", "0=0n", NULL);
    ck_assert_int_eq(r.status, 1);              /* 0 is 1: would wait */
    t_run(&r, NULL, "chapters/sem/sem_op", sid, "0-1", "1+5", "0=0", NULL);
    ck_assert_int_eq(r.status, 0);              /* in order: 0 is 0 by then */
    ck_assert_int_eq(getval(id, 1), 5);
    t_run(&r, NULL, "chapters/sem/sem_op", sid, "2+1", NULL);
    ck_assert_str_eq(r.err, "sem_op: semop: EFBIG: File too large\n");
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* A waiting sem_op: its set removed (EIDRM), or Ctrl-C (EINTR). */
START_TEST(sem_op_eidrm_and_ctrl_c)
{
    int id = new_set(1, NULL);
    char sid[16], out[256] = "";
    const char *const argv[] = { sid, "0-1", NULL };
    struct t_proc p;

    snprintf(sid, sizeof sid, "%d", id);
    t_start(&p, T_ERR_TO_OUT, "chapters/sem/sem_op", argv);
    until_waiting(&p, id, 0, GETNCNT, 1);
    t_kill(&p, SIGINT);                         /* the whole group, as Ctrl-C */
    ck_assert_int_eq(t_finish(&p, out, sizeof out, NULL, 0), 1);
    ck_assert_msg(strstr(out, "sem_op: semop: EINTR: interrupted by signal 2 while "
                              "waiting; nothing was done\n"), "sem_op said:\n%s", out);
    ck_assert_int_eq(semctl(id, 0, GETNCNT), 0);

    out[0] = '\0';
    t_start(&p, T_ERR_TO_OUT, "chapters/sem/sem_op", argv);
    until_waiting(&p, id, 0, GETNCNT, 1);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
    ck_assert_int_eq(t_finish(&p, out, sizeof out, NULL, 0), 1);
    ck_assert_msg(strstr(out, "sem_op: semop: EIDRM: Identifier removed\n"),
                  "sem_op said:\n%s", out);
}
END_TEST

START_TEST(sem_stat_shows_counts)
{
    const unsigned short values[2] = { 3, 0 };
    int id = new_set(2, values), sem, val, pid, ncnt, zcnt;
    char sid[16], head[64];
    struct t_run r;
    struct t_proc p;
    const char *row;

    snprintf(sid, sizeof sid, "%d", id);
    t_start(&p, 0, "chapters/sem/sem_op", (const char *[]){ sid, "1-1", NULL });
    until_waiting(&p, id, 1, GETNCNT, 1);
    t_run(&r, NULL, "chapters/sem/sem_stat", sid, NULL);
    ck_assert_int_eq(r.status, 0);
    snprintf(head, sizeof head, "semid %d  key 0x00000000  nsems 2  mode 0600\n", id);
    ck_assert_ptr_nonnull(strstr(r.out, head));
    ck_assert_ptr_nonnull(strstr(r.out, "otime never  ctime 2"));
    row = strstr(r.out, "semzcnt\n");
    ck_assert_ptr_nonnull(row);
    ck_assert_int_eq(sscanf(row + 8, "%d %d %d %d %d", &sem, &val, &pid, &ncnt, &zcnt), 5);
    ck_assert(sem == 0 && val == 3 && pid == getpid() && ncnt == 0 && zcnt == 0);
    row = strchr(row + 8, '\n');
    ck_assert_int_eq(sscanf(row + 1, "%d %d %d %d %d", &sem, &val, &pid, &ncnt, &zcnt), 5);
    ck_assert(sem == 1 && val == 0 && ncnt == 1 && zcnt == 0);
    ck_assert_int_eq(semop(id, (struct sembuf[]){ { 1, +1, 0 } }, 1), 0);
    ck_assert_int_eq(t_wait(&p), 0);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

START_TEST(sem_setall_and_sem_rm)
{
    int id = new_set(3, NULL), other = new_set(1, NULL);
    char sid[16], soth[16], expect[128];
    struct t_run r;

    snprintf(sid, sizeof sid, "%d", id);
    snprintf(soth, sizeof soth, "%d", other);
    t_run(&r, NULL, "chapters/sem/sem_setall", sid, "1", "0", "32767", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(getval(id, 0) == 1 && getval(id, 1) == 0 && getval(id, 2) == SEMVMX);
    t_run(&r, NULL, "chapters/sem/sem_setall", sid, "1", "2", NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "sem_setall: set %d has 3 semaphores: give 3 values, not 2\n", id);
    ck_assert_str_eq(r.err, expect);
    t_run(&r, NULL, "chapters/sem/sem_setall", sid, "5", "5", "32768", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "sem_setall: semctl SETALL: ERANGE: Numerical result out of range\n");
    ck_assert_int_eq(getval(id, 0), 1);         /* none changed */

    t_run(&r, NULL, "chapters/sem/sem_rm", sid, soth, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(!t_exists(T_SEM, id) && !t_exists(T_SEM, other));
    t_run(&r, NULL, "chapters/sem/sem_rm", sid, NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "sem_rm: semctl IPC_RMID %d: EINVAL: Invalid argument\n", id);
    ck_assert_str_eq(r.err, expect);
}
END_TEST

START_TEST(sem_counter_with_lock_is_exact)
{
    struct t_run r;
    int set;

    t_run(&r, NULL, "chapters/sem/sem_counter", "3", "3000", NULL);
    set = number_after(r.out, "with a lock (semaphore set ");
    ck_assert_int_ge(set, 0);
    t_track(T_SEM, set);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\ncounter 9000, expected 9000\n"));
    ck_assert(!t_exists(T_SEM, set));
}
END_TEST

/* Lost updates are shown, not asserted: they may not happen on a given run.
 * An update can be lost, never invented. */
START_TEST(sem_counter_without_lock_never_gains)
{
    struct t_run r;
    int counter;

    t_run(&r, NULL, "chapters/sem/sem_counter", "--no-lock", "4", "100000", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "4 processes x 100000 increments, without a lock\n"));
    counter = number_after(r.out, "\ncounter ");
    ck_assert(counter > 0 && counter <= 400000);
}
END_TEST

START_TEST(sem_counter_stops_on_ctrl_c)
{
    const char *const argv[] = { "2", "10000000", NULL };
    char out[1024] = "";
    struct t_proc p;
    int set;

    t_start(&p, T_ERR_TO_OUT, "chapters/sem/sem_counter", argv);
    ck_assert_msg(t_read_until(p.out, out, sizeof out, ")\n"), "no set made:\n%s", out);
    set = number_after(out, "(semaphore set ");
    t_track(T_SEM, set);
    t_kill(&p, SIGINT);                         /* the whole group, as Ctrl-C */
    ck_assert_int_eq(t_finish(&p, out, sizeof out, NULL, 0), 1);
    ck_assert_msg(strstr(out, "sem_counter: interrupted: counter "), "sem_counter said:\n%s", out);
    ck_assert(!t_exists(T_SEM, set));
}
END_TEST

static const struct undo_demo {
    const char *args[3], *must;
} undo_demos[] = {
    { { "-t", "1" }, "exited without giving it back: value 0\ntimed out after 1 s: nobody "
                     "will ever give it back\n" },
    { { "-u" }, "exited without giving it back: value 1\ntook it at once" },
    { { "-u", "-k" }, "holder killed by SIGKILL: value 1\ntook it at once" },
};

START_TEST(sem_undo_demo)
{
    const struct undo_demo *d = &undo_demos[_i];
    struct t_run r;
    int set;

    t_run(&r, NULL, "chapters/sem/sem_undo", d->args[0], d->args[1], d->args[2], NULL);
    set = number_after(r.out, "semaphore set ");
    t_track(T_SEM, set);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, d->must), "no \"%s\" in:\n%s", d->must, r.out);
    ck_assert(!t_exists(T_SEM, set));
}
END_TEST

START_TEST(sem_undo_stops_on_ctrl_c)
{
    char out[1024] = "";
    struct t_proc p;
    int set;

    t_start(&p, T_ERR_TO_OUT, "chapters/sem/sem_undo", (const char *[]){ "-t", "60", NULL });
    ck_assert_msg(t_read_until(p.out, out, sizeof out, "giving it back: value 0\n"),
                  "sem_undo said:\n%s", out);
    set = number_after(out, "semaphore set ");
    t_track(T_SEM, set);
    until_waiting(&p, set, 0, GETNCNT, 1);      /* in semtimedop */
    t_kill(&p, SIGINT);
    ck_assert_int_eq(t_finish(&p, out, sizeof out, NULL, 0), 1);
    ck_assert_msg(strstr(out, "sem_undo: interrupted while waiting\n"), "sem_undo said:\n%s", out);
    ck_assert(!t_exists(T_SEM, set));
}
END_TEST

/* Output piped into `head -1`: the reader goes after the first line. The
 * demos ignore SIGPIPE, so a write that fails does not kill them before
 * their clean-up: they end (exit 1 if a write failed), and the set is gone. */
START_TEST(demos_clean_up_when_stdout_closes)
{
    char path[PATH_MAX], arg[PATH_MAX + 8];
    key_t key = t_key(1, path);
    char out[1024] = "";
    struct t_proc p;
    int set, status;

    t_start(&p, T_ERR_TO_OUT, "chapters/sem/sem_undo", (const char *[]){ "-t", "1", NULL });
    ck_assert_msg(t_read_until(p.out, out, sizeof out, "\n"), "sem_undo said:\n%s", out);
    set = number_after(out, "semaphore set ");
    t_track(T_SEM, set);
    close(p.out);                       /* its last lines come a second later */
    p.out = -1;
    status = t_wait(&p);
    ck_assert_msg(status == 0 || status == 1, "sem_undo: status %d", status);
    ck_assert(!t_exists(T_SEM, set));

    snprintf(arg, sizeof arg, "%s:1", path);
    out[0] = '\0';
    t_start(&p, T_ERR_TO_OUT, "chapters/sem/sem_race", (const char *[]){ "-k", arg, NULL });
    ck_assert_msg(t_read_until(p.out, out, sizeof out, "\n"), "sem_race said:\n%s", out);
    set = number_after(out, "-> set ");
    t_track(T_SEM, set);
    close(p.out);
    p.out = -1;
    status = t_wait(&p);
    ck_assert_msg(status == 0 || status == 1, "sem_race: status %d", status);
    ck_assert_int_eq(semget(key, 0, 0), -1);    /* removed */
}
END_TEST

START_TEST(sem_race_demo)
{
    char path[PATH_MAX], arg[PATH_MAX + 8], hex[16];
    key_t key = t_key(1, path);
    struct t_run r;
    int id;

    snprintf(arg, sizeof arg, "%s:1", path);
    t_run(&r, NULL, "chapters/sem/sem_race", "-k", arg, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "B: semop -1: B holds the lock, value 0\n"
                                        "result: A and B both hold the lock\n"));
    ck_assert_int_eq(semget(key, 0, 0), -1);    /* removed */
    t_run(&r, NULL, "chapters/sem/sem_race", "-f", "-k", arg, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "B: sem_otime is 0: not initialised yet, B waits\n"
                                        "A: semop +1: value 1, and sem_otime is stamped\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "EAGAIN: the lock is taken, B waits its turn\n"
                                        "result: only A holds the lock\n"));
    ck_assert_int_eq(semget(key, 0, 0), -1);
    ck_assert_int_eq(errno, ENOENT);

    /* a key that has a set already is left alone */
    id = semget(key, 1, IPC_CREAT | 0600);
    ck_assert_int_ne(id, -1);
    t_track(T_SEM, id);
    snprintf(hex, sizeof hex, "%x", (unsigned int)key);
    t_run(&r, NULL, "chapters/sem/sem_race", "-K", hex, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "has a semaphore set already"));
    ck_assert(t_exists(T_SEM, id));
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* ipcs -s: "Semaphore Arrays", and the columns key, semid, owner, perms,
 * nsems (no status column); ipcrm -s removes a set. */
START_TEST(ipcs_lists_semaphore_arrays)
{
    int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0640);
    char sid[16], line[128];
    struct t_run r;

    ck_assert_int_ne(id, -1);
    t_track(T_SEM, id);
    snprintf(sid, sizeof sid, "%d", id);
    /* the header and our line only: a busy machine's whole list may not fit in r.out */
    t_run(&r, NULL, "/bin/sh", "-c", "ipcs -s | awk -v id=\"$0\" 'NR <= 3 || $2 == id'",
          sid, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "------ Semaphore Arrays --------\n"
                                        "key        semid      owner      perms      nsems     \n"));
    ck_assert_ptr_null(strstr(r.out, "status"));
    snprintf(line, sizeof line, "0x00000000 %-10d ", id);
    ck_assert_ptr_nonnull(strstr(r.out, line));
    ck_assert_ptr_nonnull(strstr(strstr(r.out, line), " 640        3         \n"));
    t_run(&r, NULL, "/usr/bin/ipcrm", "-s", sid, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(!t_exists(T_SEM, id));
    t_run(&r, NULL, "/usr/bin/ipcs", "-s", "-i", sid, NULL);
    ck_assert_int_eq(r.status, 0);              /* says so, and exits 0 */
    ck_assert_ptr_nonnull(strstr(r.err, " not found"));
}
END_TEST


START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "ops.session", { "semop 0-1 1+2: done", "EAGAIN: Resource temporarily unavailable",
                           "sem  semval  sempid  semncnt  semzcnt" } },
        { "block.session", { ": waiting", "        1        0", "EIDRM: Identifier removed" } },
        { "counter.session", { "without a lock", "with a lock (semaphore set ",
                               "counter 400000, expected 400000" } },
        { "undo.session", { "timed out after 1 s", "took it at once", "killed by SIGKILL" } },
        { "race.session", { "result: A and B both hold the lock", "sem_otime is 0",
                            "result: only A holds the lock" } },
        { "ipcs.session", { "------ Semaphore Arrays --------", "nsems", "Semaphore Array semid=" } },
    };

    t_play_sessions("sem", expect, T_ROWS(expect), NULL);
}
END_TEST

void add_program_tests(Suite *s)
{
    TCase *progs = tcase_create("programs"), *sessions = tcase_create("sessions");

    tcase_add_loop_test(progs, bad_command_lines, 0, T_ROWS(bad_lines));
    tcase_add_test(progs, sem_create_prints_the_id);
    tcase_add_test(progs, sem_op_waits_and_returns);
    tcase_add_test(progs, sem_op_nowait_undo_and_all_or_nothing);
    tcase_add_test(progs, sem_op_eidrm_and_ctrl_c);
    tcase_add_test(progs, sem_stat_shows_counts);
    tcase_add_test(progs, sem_setall_and_sem_rm);
    tcase_add_test(progs, sem_counter_with_lock_is_exact);
    tcase_add_test(progs, sem_counter_without_lock_never_gains);
    tcase_add_test(progs, sem_counter_stops_on_ctrl_c);
    tcase_add_loop_test(progs, sem_undo_demo, 0, T_ROWS(undo_demos));
    tcase_add_test(progs, sem_undo_stops_on_ctrl_c);
    tcase_add_test(progs, demos_clean_up_when_stdout_closes);
    tcase_add_test(progs, sem_race_demo);
    tcase_add_test(progs, ipcs_lists_semaphore_arrays);
    tcase_set_timeout(progs, 120);
    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 300);
    suite_add_tcase(s, progs);
    suite_add_tcase(s, sessions);
}
