/* ipcwatch.c: what ipcwatch shows against what the kernel says (shmctl,
 * semctl, msgctl), while the lab's programs hold segments and sleep in
 * semop, msgsnd and msgrcv; what another user sees; objects and processes
 * that vanish while it reads; the full-screen view, driven in tmux.
 *
 * Whether ipcwatch may read a sleeper's /proc/PID/syscall is a probe, not
 * a uid: a sibling of the sleeper (as ipcwatch is; the test process is its
 * parent, which Yama lets read more) tries. Where it may not, ipcwatch
 * must show the counts alone and say so, and that is what is checked. */
#define _GNU_SOURCE
#include "tools.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

/* --- reading its JSON: one object a line ------------------------------------------- */

/* The line of --json output about object KIND ("shm", "sem", "msg") ID, into LINE. */
static bool json_object(const char *json, const char *kind, int id, char *line, size_t size)
{
    char start[64];
    const char *p, *end;

    snprintf(start, sizeof start, "{\"kind\": \"%s\", \"id\": %d,", kind, id);
    if ((p = strstr(json, start)) == NULL)
        return false;
    end = strchr(p, '\n');
    snprintf(line, size, "%.*s", (int)(end ? end - p : (long)strlen(p)), p);
    return true;
}

/* The number after "NAME": in LINE (the first one). */
static long json_long(const char *line, const char *name)
{
    char pattern[64];
    const char *p;

    snprintf(pattern, sizeof pattern, "\"%s\": ", name);
    p = strstr(line, pattern);
    ck_assert_msg(p != NULL, "no %s in %s", name, line);
    return strtol(p + strlen(pattern), NULL, 10);
}

/* The text of "NAME": [...] in LINE, without the brackets (no nested arrays). */
static void json_array(const char *line, const char *name, char *out, size_t size)
{
    char pattern[64];
    const char *p, *end;

    snprintf(pattern, sizeof pattern, "\"%s\": [", name);
    p = strstr(line, pattern);
    ck_assert_msg(p != NULL, "no %s in %s", name, line);
    p += strlen(pattern);
    end = strchr(p, ']');
    ck_assert_msg(end != NULL, "%s: no ] in %s", name, line);
    snprintf(out, size, "%.*s", (int)(end - p), p);
}

static void watch_json(struct t_run *r, const char *opt, int id)
{
    char id_text[16];

    text_of(id_text, sizeof id_text, id);
    t_run(r, NULL, "chapters/tools/ipcwatch", "--json", opt, id_text, NULL);
    ck_assert_msg(r->status == 0 && r->err[0] == '\0', "ipcwatch --json %s %d: status %d: %s",
                  opt, id, r->status, r->err);
}

static void watch_once(struct t_run *r, const char *opt, int id)
{
    char id_text[16];

    text_of(id_text, sizeof id_text, id);
    t_run(r, NULL, "chapters/tools/ipcwatch", "--once", opt, id_text, NULL);
    ck_assert_msg(r->status == 0 && r->err[0] == '\0', "ipcwatch --once %s %d: status %d: %s",
                  opt, id, r->status, r->err);
}

/* --- may a sibling read a process's syscall? ---------------------------------------- */

static int reads_syscall(void *pid)
{
    char path[64];
    long nr;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/syscall", *(pid_t *)pid);
    if ((f = fopen(path, "r")) == NULL)
        return 1;
    nr = fscanf(f, "%ld", &nr) == 1 ? 0 : 1;
    fclose(f);
    return (int)nr;
}

static bool sibling_reads_syscall(pid_t pid)
{
    struct t_proc p;

    t_fork(&p, 0, reads_syscall, &pid);
    return t_wait(&p) == 0;
}

/* And its memory? (process_vm_readv, which Docker's seccomp refuses without
 * CAP_SYS_PTRACE even where /proc/PID/syscall may be read): one byte at the
 * start of its first mapping. */
static int reads_memory(void *pid)
{
    char path[64], byte;
    unsigned long start;
    FILE *f;
    int n;

    snprintf(path, sizeof path, "/proc/%d/maps", *(pid_t *)pid);
    if ((f = fopen(path, "r")) == NULL)
        return 1;
    n = fscanf(f, "%lx-", &start);
    fclose(f);
    return n == 1 && process_vm_readv(*(pid_t *)pid, &(struct iovec){ &byte, 1 }, 1,
                                      &(struct iovec){ (void *)start, 1 }, 1, 0) == 1 ? 0 : 1;
}

static bool sibling_reads_memory(pid_t pid)
{
    struct t_proc p;

    t_fork(&p, 0, reads_memory, &pid);
    return t_wait(&p) == 0;
}

/* Wait until semctl's count CMD (GETNCNT, GETZCNT) of SEM is WANT. */
static void wait_count(int id, int sem, int cmd, int want)
{
    for (int ms = 0; ms < 20000 && semctl(id, sem, cmd) != want; ms++)
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    ck_assert_int_eq(semctl(id, sem, cmd), want);
}

/* End a program that sleeps: SIGTERM, and what it says about it (EINTR) is
 * not the test's. */
static void end(struct t_proc *p)
{
    char out[512], err[512];

    t_kill(p, SIGTERM);
    t_finish(p, out, sizeof out, err, sizeof err);
}

/* --- segments ----------------------------------------------------------------------- */

/* A child that attaches SHMID twice and waits: two attachments, one pid.
 * SIGTERM ends it, not Check's handler, which it has from the test. */
static int attach_twice(void *shmid)
{
    signal(SIGTERM, SIG_DFL);
    NEED(shmat(*(int *)shmid, NULL, SHM_RDONLY) != (void *)-1);
    NEED(shmat(*(int *)shmid, NULL, SHM_RDONLY) != (void *)-1);
    printf("attached\n");
    fflush(stdout);
    pause();
    return 0;
}

/* shm_writer holds its segment attached while it waits for lines; a child
 * attaches it twice. ipcwatch lists both pids, once each, and nattch, size
 * and the pids as shmctl has them; the writer's lock set as semctl has it. */
START_TEST(ipcwatch_shm_attached_pids)
{
    char file[PATH_MAX], ready[512] = "", line[2048], pids[128], want[64];
    struct t_proc writer, child;
    struct shmid_ds ds;
    struct t_run r;
    int shmid, semid;

    t_new_file(file);
    t_start(&writer, 0, "chapters/shm/shm_writer", (const char *const[]){ file, NULL });
    ck_assert_msg(t_read_until(writer.err, ready, sizeof ready, "ready"), "shm_writer: %s", ready);
    ck_assert_int_eq(sscanf(strstr(ready, "segment"), "segment %d and lock set %d", &shmid,
                            &semid), 2);
    t_track(T_SHM, shmid);
    t_track(T_SEM, semid);
    t_fork(&child, 0, attach_twice, &shmid);
    line[0] = '\0';
    ck_assert(t_read_until(child.out, line, sizeof line, "attached"));

    ck_assert_int_eq(shmctl(shmid, IPC_STAT, &ds), 0);
    ck_assert_int_eq(ds.shm_nattch, 3);
    watch_json(&r, "-i", shmid);
    ck_assert_msg(json_object(r.out, "shm", shmid, line, sizeof line), "%s", r.out);
    ck_assert_int_eq(json_long(line, "nattch"), ds.shm_nattch);
    ck_assert_int_eq(json_long(line, "size"), ds.shm_segsz);
    ck_assert_int_eq(json_long(line, "cpid"), ds.shm_cpid);
    ck_assert_int_eq(json_long(line, "lpid"), ds.shm_lpid);
    json_array(line, "attached", pids, sizeof pids);
    snprintf(want, sizeof want, "%d, %d", writer.pid, child.pid);
    ck_assert_str_eq(pids, want);          /* /proc is read in pid order */

    /* the lock set: one semaphore, 1 (free), the writer's semop the last */
    watch_json(&r, "-i", semid);
    ck_assert_msg(json_object(r.out, "sem", semid, line, sizeof line), "%s", r.out);
    ck_assert_int_eq(json_long(line, "value"), semctl(semid, 0, GETVAL));
    ck_assert_int_eq(json_long(line, "pid"), semctl(semid, 0, GETPID));

    watch_once(&r, "-i", shmid);
    snprintf(want, sizeof want, "      3        %d %d\n", writer.pid, child.pid);
    ck_assert_msg(strstr(r.out, want) != NULL, "no \"%s\" in:\n%s", want, r.out);
    t_kill(&child, SIGTERM);
    t_wait(&child);
    ck_assert_int_eq(t_finish(&writer, line, sizeof line, ready, sizeof ready), 0);
    ck_assert_msg(strstr(ready, "removed segment"), "%s", ready);  /* EOF: it removes both */
}
END_TEST

/* --- semaphores --------------------------------------------------------------------- */

/* Two sem_op programs asleep on a set of two: one wants 1 of semaphore 1
 * (semncnt), one wants semaphore 0 to be 0 (semzcnt). ipcwatch shows each
 * value and count as semctl has it, and each sleeper with its operation,
 * written as sem_op takes it; where it may not read them, the count of
 * sleepers it cannot name. */
START_TEST(ipcwatch_sem_sleepers)
{
    char id_text[16], line[2048], asleep[512], want[128];
    struct t_proc take, zero;
    struct t_run r;
    int id;

    t_run(&r, NULL, "chapters/sem/sem_create", "2", NULL);
    id = t_created(&r, T_SEM);
    text_of(id_text, sizeof id_text, id);
    t_run(&r, NULL, "chapters/sem/sem_op", id_text, "0+1", NULL);
    ck_assert_int_eq(r.status, 0);
    t_start(&take, 0, "chapters/sem/sem_op", (const char *const[]){ id_text, "1-1", NULL });
    t_start(&zero, 0, "chapters/sem/sem_op", (const char *const[]){ id_text, "0=0", NULL });
    wait_count(id, 1, GETNCNT, 1);
    wait_count(id, 0, GETZCNT, 1);

    watch_json(&r, "-i", id);
    ck_assert_msg(json_object(r.out, "sem", id, line, sizeof line), "%s", r.out);
    for (int n = 0; n < 2; n++) {
        char sem[256], start[32];
        const char *p;

        snprintf(start, sizeof start, "{\"num\": %d,", n);
        ck_assert((p = strstr(line, start)) != NULL);
        snprintf(sem, sizeof sem, "%.*s", (int)strcspn(p, "}"), p);
        ck_assert_int_eq(json_long(sem, "value"), semctl(id, n, GETVAL));
        ck_assert_int_eq(json_long(sem, "ncnt"), semctl(id, n, GETNCNT));
        ck_assert_int_eq(json_long(sem, "zcnt"), semctl(id, n, GETZCNT));
        ck_assert_int_eq(json_long(sem, "pid"), semctl(id, n, GETPID));
    }
    json_array(line, "asleep", asleep, sizeof asleep);
    watch_once(&r, "-i", id);
    ck_assert_msg(strstr(r.out, "      sem 1: value 0  ncnt 1  zcnt 0  pid 0\n"), "%s", r.out);
    if (sibling_reads_syscall(take.pid)) {
        /* glibc's semop() is the semtimedop system call, without a timeout;
         * the operations are read from the sleeper's memory, where it may */
        bool memory = sibling_reads_memory(take.pid);

        for (int i = 0; i < 2; i++) {
            pid_t pid = i ? zero.pid : take.pid;
            const char *what = !memory ? "" : i ? "0=0" : "1-1";

            const char *p;

            snprintf(want, sizeof want, "\"pid\": %d, \"call\": \"sem", pid);
            ck_assert_msg((p = strstr(asleep, want)), "no sleeper %d in %s", pid, asleep);
            snprintf(want, sizeof want, "\"what\": \"%s\"}", what);
            ck_assert_msg(strstr(p, want), "no %s in %s", want, p);
            snprintf(want, sizeof want, "asleep: pid %d sem", pid);
            ck_assert_msg(strstr(r.out, want), "no \"%s\" in:\n%s", want, r.out);
        }
        ck_assert_msg(strstr(r.out, "more asleep") == NULL, "%s", r.out);
    } else {
        ck_assert_str_eq(asleep, "");
        ck_assert_msg(strstr(r.out, "      2 more asleep: their processes cannot be read\n"),
                      "%s", r.out);
        ck_assert_msg(strstr(r.out, "Not seen: the attachments and sleeps of "), "%s", r.out);
    }
    end(&take);
    end(&zero);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* --- queues --------------------------------------------------------------------------- */

static bool kernel_has_msg_copy(int id)
{
    struct { long type; char text[8192]; } m;

    return msgrcv(id, &m, sizeof m.text, 0, MSG_COPY | IPC_NOWAIT) != -1 || errno != ENOSYS;
}

/* Three messages of types 5, 2, 5; msg_recv asleep for type 9; the queue
 * made full (msg_qbytes lowered to what it holds), and msg_send asleep to
 * add a type 7. ipcwatch shows the counts as msgctl has them, the types in
 * queue order, each sleeper with what it wants, and takes nothing. */
START_TEST(ipcwatch_msg_types_and_sleepers)
{
    char id_text[16], line[2048], text[512], want[128];
    struct t_proc recv, send;
    struct msqid_ds ds;
    struct t_run r;
    int id;

    t_run(&r, NULL, "chapters/msg/msg_create", NULL);
    id = t_created(&r, T_MSG);
    text_of(id_text, sizeof id_text, id);
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "5", "hello", NULL);
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "2", "hi", NULL);
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "5", "again", NULL);
    ck_assert_int_eq(msgctl(id, IPC_STAT, &ds), 0);
    ck_assert_int_eq(ds.msg_qnum, 3);
    ds.msg_qbytes = ds.msg_cbytes;                  /* lowering needs no privilege */
    ck_assert_int_eq(msgctl(id, IPC_SET, &ds), 0);
    t_start(&recv, 0, "chapters/msg/msg_recv", (const char *const[]){ "-t", "9", id_text, NULL });
    t_start(&send, 0, "chapters/msg/msg_send", (const char *const[]){ id_text, "7", "seven", NULL });
    ck_assert(t_blocked_in(recv.pid, SYS_msgrcv));
    ck_assert(t_blocked_in(send.pid, SYS_msgsnd));

    watch_json(&r, "-i", id);
    ck_assert_int_eq(msgctl(id, IPC_STAT, &ds), 0);
    ck_assert_int_eq(ds.msg_qnum, 3);               /* MSG_COPY took nothing */
    ck_assert_msg(json_object(r.out, "msg", id, line, sizeof line), "%s", r.out);
    ck_assert_int_eq(json_long(line, "messages"), ds.msg_qnum);
    ck_assert_int_eq(json_long(line, "bytes"), ds.msg_cbytes);
    ck_assert_int_eq(json_long(line, "lspid"), ds.msg_lspid);
    ck_assert_int_eq(json_long(line, "lrpid"), ds.msg_lrpid);
    json_array(line, "types", text, sizeof text);
    watch_once(&r, "-i", id);
    if (kernel_has_msg_copy(id)) {
        ck_assert_str_eq(text, "5, 2, 5");
        ck_assert_msg(strstr(r.out, "      types: 5 2 5\n"), "%s", r.out);
    } else {
        ck_assert_str_eq(text, "");
        ck_assert_msg(strstr(r.out, "types: not shown (no MSG_COPY in this kernel)"), "%s", r.out);
    }
    json_array(line, "asleep", text, sizeof text);
    if (sibling_reads_syscall(recv.pid)) {
        snprintf(want, sizeof want, "\"pid\": %d, \"call\": \"msgrcv\", \"what\": \"type 9\"",
                 recv.pid);
        ck_assert_msg(strstr(text, want), "no %s in %s", want, text);
        snprintf(want, sizeof want, "\"pid\": %d, \"call\": \"msgsnd\", "   /* its buffer: memory */
                 "\"what\": \"%s\"", send.pid, sibling_reads_memory(send.pid) ? "type 7, 5 bytes" : "");
        ck_assert_msg(strstr(text, want), "no %s in %s", want, text);
        snprintf(want, sizeof want, "      asleep: pid %d msgrcv type 9\n", recv.pid);
        ck_assert_msg(strstr(r.out, want), "no \"%s\" in:\n%s", want, r.out);
    } else {
        ck_assert_str_eq(text, "");         /* a queue counts no sleepers: nothing to say */
        ck_assert_msg(strstr(r.out, "Not seen: the attachments and sleeps of "), "%s", r.out);
    }
    end(&recv);
    end(&send);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* MSG_COPY's rules, which ipcwatch lives by: msgtyp is a position (0 the
 * oldest), IPC_NOWAIT is required, the copy leaves the message queued, and
 * a buffer too short for the message is EINVAL, even with MSG_NOERROR
 * (which would cut a message msgrcv takes). */
START_TEST(msg_copy_copies_at_a_position)
{
    int id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0600);
    struct { long type; char text[16]; } m = { 5, "hello" }, got;
    struct msqid_ds ds;

    ck_assert(id != -1);
    ck_assert_int_eq(msgsnd(id, &m, 5, 0), 0);
    m.type = 2;
    ck_assert_int_eq(msgsnd(id, &m, 2, 0), 0);
    if (!kernel_has_msg_copy(id)) {
        t_rm(T_MSG, id);
        T_SKIP("this kernel has no MSG_COPY (CONFIG_CHECKPOINT_RESTORE)");
    }
    ck_assert_int_eq(msgrcv(id, &got, sizeof got.text, 1, MSG_COPY | IPC_NOWAIT), 2);
    ck_assert_int_eq(got.type, 2);
    ck_assert_int_eq(msgrcv(id, &got, sizeof got.text, 0, MSG_COPY | IPC_NOWAIT), 5);
    ck_assert_int_eq(got.type, 5);
    ck_assert_int_eq(msgrcv(id, &got, sizeof got.text, 2, MSG_COPY | IPC_NOWAIT), -1);
    ck_assert_int_eq(errno, ENOMSG);                /* no third message */
    ck_assert_int_eq(msgrcv(id, &got, sizeof got.text, 0, MSG_COPY), -1);
    ck_assert_int_eq(errno, EINVAL);                /* without IPC_NOWAIT */
    ck_assert_int_eq(msgrcv(id, &got, 4, 0, MSG_COPY | IPC_NOWAIT | MSG_NOERROR), -1);
    ck_assert_int_eq(errno, EINVAL);                /* 4 bytes of room for 5 */
    ck_assert_int_eq(msgctl(id, IPC_STAT, &ds), 0);
    ck_assert_int_eq(ds.msg_qnum, 2);               /* both still queued */
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* --- filters -------------------------------------------------------------------------- */

/* A key picks its objects, an id its one, -m -s -q -P the sections. */
START_TEST(ipcwatch_filters)
{
    key_t key = t_key(1, NULL);
    int shm = t_get(T_SHM, key, IPC_CREAT | 0600), sem = t_get(T_SEM, key, IPC_CREAT | 0600);
    char key_text[16], line[512];
    struct t_run r;

    ck_assert(shm != -1 && sem != -1);
    snprintf(key_text, sizeof key_text, "%x", (unsigned int)key);
    t_run(&r, NULL, "chapters/tools/ipcwatch", "--json", "-K", key_text, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(json_object(r.out, "shm", shm, line, sizeof line));
    ck_assert(json_object(r.out, "sem", sem, line, sizeof line));
    ck_assert_int_eq(t_lines(r.out), 8);            /* the two, and nothing else */
    ck_assert_msg(strstr(r.out, "\"posix\": [\n\n]"), "%s", r.out);

    t_run(&r, NULL, "chapters/tools/ipcwatch", "--once", "-s", "-K", key_text, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strncmp(r.out, "Semaphore sets: 1\n", 18) == 0, "%s", r.out);
    ck_assert_msg(!strstr(r.out, "Shared memory") && !strstr(r.out, "POSIX"), "%s", r.out);

    watch_json(&r, "-i", shm);
    ck_assert(json_object(r.out, "shm", shm, line, sizeof line));
    ck_assert(!json_object(r.out, "sem", sem, line, sizeof line));
    ck_assert_int_eq(t_rm(T_SHM, shm), 0);
    ck_assert_int_eq(t_rm(T_SEM, sem), 0);
}
END_TEST

/* --- another user --------------------------------------------------------------------- */

struct ours {
    int sem, msg;
    pid_t sleeper;
};

/* nobody runs ipcwatch on our 0600 set and queue: it sees them (in
 * /proc/sysvipc), not their values, types or sleepers, and says so. */
static int nobody_watches(void *arg)
{
    const struct ours *o = arg;
    char line[2048], id_text[16];
    struct t_run r;

    text_of(id_text, sizeof id_text, o->sem);
    t_run(&r, NULL, "chapters/tools/ipcwatch", "--json", "-i", id_text, NULL);
    NEED(r.status == 0 && json_object(r.out, "sem", o->sem, line, sizeof line));
    NEED(strstr(line, "\"readable\": false, \"sems\": [], \"asleep\": []"));
    NEED(json_long(r.out, "sets") == 1 && json_long(r.out, "processes") >= 1);
    t_run(&r, NULL, "chapters/tools/ipcwatch", "--once", "-i", id_text, NULL);
    NEED(r.status == 0 && strstr(r.out, "      (no read permission: values not shown)\n"));
    NEED(strstr(r.out, "Not seen: the values of 1 set (no read permission)\n"));
    NEED(strstr(r.out, "Not seen: the attachments and sleeps of "));
    text_of(id_text, sizeof id_text, o->msg);
    t_run(&r, NULL, "chapters/tools/ipcwatch", "--once", "-i", id_text, NULL);
    NEED(r.status == 0 && strstr(r.out, "      types: not shown (no read permission)\n"));
    return 0;
}

START_TEST(ipcwatch_another_user_sees_less)
{
    struct { long type; char c; } m = { 3, 'x' };
    struct t_proc sleeper;
    char id_text[16];
    struct ours o;

    T_NEED_STRANGER();
    o.sem = t_get(T_SEM, IPC_PRIVATE, IPC_CREAT | 0600);
    o.msg = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0600);
    ck_assert(o.sem != -1 && o.msg != -1);
    ck_assert_int_eq(msgsnd(o.msg, &m, 1, 0), 0);
    text_of(id_text, sizeof id_text, o.sem);
    t_start(&sleeper, 0, "chapters/sem/sem_op", (const char *const[]){ id_text, "0-1", NULL });
    wait_count(o.sem, 0, GETNCNT, 1);
    ck_assert_msg(t_as_stranger(nobody_watches, &o) == 0, "see stderr for the step");
    end(&sleeper);
    ck_assert_int_eq(t_rm(T_SEM, o.sem), 0);
    ck_assert_int_eq(t_rm(T_MSG, o.msg), 0);
}
END_TEST

/* --- POSIX names and the whole frame, in a namespace of our own ---------------------- */

static int posix_steps(void *unused)
{
    struct six s;
    struct t_run r;
    char want[256];
    mqd_t q;

    (void)unused;
    NEED(make_six(&s) == 0);
    NEED((q = mq_open(s.names[2], O_WRONLY)) != (mqd_t)-1);
    NEED(mq_send(q, "hello", 5, 1) == 0);
    mq_close(q);
    t_run(&r, NULL, "chapters/tools/ipcwatch", "--json", "-P", NULL);
    NEED(r.status == 0);
    snprintf(want, sizeof want, "{\"kind\": \"mq\", \"name\": \"%s\", \"uid\": %u, "
             "\"perms\": \"600\", \"qsize\": 5}", s.names[2], (unsigned int)geteuid());
    NEED(strstr(r.out, want) != NULL);
    snprintf(want, sizeof want, "{\"kind\": \"sem\", \"name\": \"%s\",", s.names[1]);
    NEED(strstr(r.out, want) != NULL);
    snprintf(want, sizeof want, "{\"kind\": \"shm\", \"name\": \"%s\",", s.names[0]);
    NEED(strstr(r.out, want) != NULL);
    /* the namespace holds the three System V objects alone: the whole frame */
    t_run(&r, NULL, "chapters/tools/ipcwatch", "--once", "-msq", NULL);
    NEED(r.status == 0);
    if (strstr(r.out, "Not seen: ") != NULL)  /* processes it may not read: said at the end */
        *strstr(r.out, "Not seen: ") = '\0';
    NEED(t_lines(r.out) == 10 && strstr(r.out, "Shared memory segments: 1\n") &&
         strstr(r.out, "Semaphore sets: 1\n") && strstr(r.out, "Message queues: 1\n"));
    snprintf(want, sizeof want, "      sem 0: value 0  ncnt 0  zcnt 0  pid 0\n");
    NEED(strstr(r.out, want) != NULL);
    return 0;
}

START_TEST(ipcwatch_posix_names)
{
    T_IN_PRIVATE_IPC(posix_steps, NULL);
}
END_TEST

/* --- what vanishes while it reads -------------------------------------------------------- */

/* For half a second: objects made, and the ones made before removed, so
 * that there are always some, each for a moment; and processes that attach
 * a segment and exit, as fast as they can. */
static int churn(void *unused)
{
    struct timespec start, now;
    int old[3] = { -1, -1, -1 };

    (void)unused;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        int shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
        int sem = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
        int msg = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        struct { long type; char c; } m = { 4, 'x' };
        pid_t child;

        NEED(shm != -1 && sem != -1 && msg != -1 && msgsnd(msg, &m, 1, 0) == 0);
        if ((child = fork()) == 0) {
            shmat(shm, NULL, 0);
            _exit(0);
        }
        shmctl(old[0], IPC_RMID, NULL);         /* -1 the first time: EINVAL */
        semctl(old[1], 0, IPC_RMID);
        msgctl(old[2], IPC_RMID, NULL);
        old[0] = shm, old[1] = sem, old[2] = msg;
        waitpid(child, NULL, 0);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 <
             500);
    return 0;                   /* the last three go with the namespace */
}

static int vanish_steps(void *unused)
{
    struct t_proc churner;
    struct t_run r;
    int runs = 0, seen = 0;

    (void)unused;
    t_fork(&churner, 0, churn, NULL);
    while (!t_ended(&churner)) {
        t_run(&r, NULL, "chapters/tools/ipcwatch", runs % 2 ? "--once" : "--json", NULL);
        NEED(r.status == 0);
        NEED(strcmp(r.err, "") == 0);
        NEED(runs % 2 || strstr(r.out, "\"unseen\": {"));
        seen += strstr(r.out, "\"kind\": \"sem\"") || strstr(r.out, "Semaphore sets: 1\n");
        runs++;
    }
    NEED(t_wait(&churner) == 0);
    NEED(runs > 2 && seen > 0);             /* it read while the objects came and went */
    return 0;
}

/* ipcwatch reads an object after /proc/sysvipc listed it, and a process's
 * maps after /proc listed it: either may be gone by then. Every run ends
 * well and says nothing on stderr. In a namespace of our own: the churn
 * makes no object anyone else could see or the leak guard must find. */
START_TEST(ipcwatch_objects_vanish_while_it_reads)
{
    T_IN_PRIVATE_IPC(vanish_steps, NULL);
}
END_TEST

/* --- the screen, in tmux ---------------------------------------------------------------- */

/* tmux with ARGS (up to 8, then NULL), on a socket of the run's own: no
 * other tmux server is touched. */
static void tmux(struct t_run *r, const char *const args[])
{
    char socket[PATH_MAX];
    const char *argv[16] = { "-f", "/dev/null", "-S", socket };

    snprintf(socket, sizeof socket, "%s/tmux.sock", t_rundir());
    for (int i = 0; i < 8 && args[i] != NULL; i++)
        argv[4 + i] = args[i];
    t_run_argv(r, NULL, "/usr/bin/tmux", argv);
}
#define TMUX(r, ...) tmux((r), (const char *const[]){ __VA_ARGS__, NULL })

/* Can a pseudo-terminal be had here? In a chroot without /dev/pts, tmux
 * cannot open a window: the screen tests say SKIP. */
#define NEED_PTY() do { \
        int fd_ = posix_openpt(O_RDWR | O_NOCTTY); \
        if (fd_ == -1) \
            T_SKIP("no pseudo-terminal here (is /dev/pts mounted?): tmux cannot open a window"); \
        close(fd_); \
    } while (0)

/* A session of COLSxROWS running ipcwatch ARGS, its stderr into the run's
 * ipcwatch.err and its status into ipcwatch.status. tmux's server leaves
 * our process group, so nothing would end it after a failed test: the
 * session ends a second after ipcwatch (not at once: tmux new-session must
 * have had its answer), which timeout ends after a minute. The shell
 * ignores SIGINT, so that Ctrl-C reaches ipcwatch alone (which sets its
 * own handler). */
static void tmux_start(int cols, int rows, const char *args)
{
    char command[PATH_MAX * 3], size[2][16];
    struct t_run r;

    snprintf(size[0], sizeof size[0], "%d", cols);
    snprintf(size[1], sizeof size[1], "%d", rows);
    for (int i = 0; i < 2; i++) {           /* a test before this one may have left them */
        snprintf(command, sizeof command, "%s/ipcwatch.%s", t_rundir(), i ? "err" : "status");
        unlink(command);
    }
    snprintf(command, sizeof command, "trap '' INT; cd %s && "
             "timeout --foreground 60 %s %s 2>ipcwatch.err; echo $? >ipcwatch.status; sleep 1",
             t_rundir(), copy_of("chapters/tools/ipcwatch"), args);
    TMUX(&r, "new-session", "-d", "-x", size[0], "-y", size[1], command);
    ck_assert_msg(r.status == 0, "tmux new-session: %s", r.err);
}

/* The run's ipcwatch.NAME ("err", "status"), into TEXT; with WAIT, once it
 * holds something ("" after 20 s). */
static void ipcwatch_file(const char *name, bool wait, char *text, size_t size)
{
    char path[PATH_MAX];
    int fd;

    snprintf(path, sizeof path, "%s/ipcwatch.%s", t_rundir(), name);
    for (int i = 0; i < 400; i++) {
        text[0] = '\0';
        if ((fd = open(path, O_RDONLY)) != -1)
            t_read_all(fd, text, size);
        if (text[0] != '\0' || !wait)
            return;
        nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
    }
}

/* Once ipcwatch has ended: its status (-1 if it has not in 20 s), and
 * what it wrote on stderr, into ERR. */
static int ipcwatch_ended(char *err, size_t size)
{
    char text[32];

    ipcwatch_file("status", true, text, sizeof text);
    ipcwatch_file("err", false, err, size);
    return text[0] != '\0' ? atoi(text) : -1;
}

/* The pane's text (with -e, its attributes as escape sequences) once it
 * holds WANT; false after 20 s. */
static bool pane_shows(struct t_run *r, bool escapes, const char *want)
{
    for (int i = 0; i < 400; i++) {
        if (escapes)
            TMUX(r, "capture-pane", "-p", "-e");
        else
            TMUX(r, "capture-pane", "-p");
        if (strstr(r->out, want))
            return true;
        nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
    }
    return false;
}

/* The view of a set with a sleeper; a change (semctl SETVAL) highlighted;
 * the help; a window made too small, and big again; q ends it, status 0,
 * nothing on stderr. */
START_TEST(ipcwatch_screen_in_tmux)
{
    char args[64], id_text[16], err[512];
    struct t_proc sleeper;
    struct t_run r;
    int id;

    NEED_PTY();
    id = t_get(T_SEM, IPC_PRIVATE, IPC_CREAT | 0600);
    ck_assert(id != -1);
    text_of(id_text, sizeof id_text, id);
    t_start(&sleeper, 0, "chapters/sem/sem_op", (const char *const[]){ id_text, "0-2", NULL });
    wait_count(id, 0, GETNCNT, 1);
    snprintf(args, sizeof args, "-d 100 -i %d", id);
    tmux_start(80, 24, args);
    ck_assert_msg(pane_shows(&r, false, "      sem 0: value 0  ncnt 1  zcnt 0  pid 0"), "%s",
                  r.out);
    ck_assert_msg(strstr(r.out, " ipcwatch ") && strstr(r.out, "h: help  q: quit"), "%s", r.out);
    ck_assert_int_eq(semctl(id, 0, SETVAL, (union semun){ .val = 1 }), 0);
    /* reverse video (ESC [7m) where it changed, in the next frames */
    ck_assert_msg(pane_shows(&r, true, "sem 0: value \033[7m1"), "%s", r.out);
    TMUX(&r, "send-keys", "h");
    ck_assert_msg(pane_shows(&r, false, "ipcwatch keys"), "%s", r.out);
    TMUX(&r, "send-keys", "x");         /* any key: back */
    ck_assert_msg(pane_shows(&r, false, "      sem 0: value 1"), "%s", r.out);
    TMUX(&r, "resize-window", "-x", "50", "-y", "24");     /* too small: says so, waits */
    ck_assert_msg(pane_shows(&r, false, "too small: 50x24"), "%s", r.out);
    TMUX(&r, "resize-window", "-x", "80", "-y", "24");
    ck_assert_msg(pane_shows(&r, false, "      sem 0: value 1"), "%s", r.out);
    TMUX(&r, "send-keys", "q");
    ck_assert_int_eq(ipcwatch_ended(err, sizeof err), 0);
    ck_assert_str_eq(err, "");
    end(&sleeper);
    ck_assert_int_eq(t_rm(T_SEM, id), 0);
}
END_TEST

/* A terminal too small: one line, status 1. Ctrl-C: status 0. The
 * terminal gone (tmux killed): one line, status 1. */
START_TEST(ipcwatch_screen_ends_cleanly)
{
    char err[512];
    struct t_run r;

    NEED_PTY();
    tmux_start(40, 24, "-m");
    ck_assert_int_eq(ipcwatch_ended(err, sizeof err), 1);
    ck_assert_str_eq(err, "ipcwatch: the terminal is 40x24; ipcwatch needs 60x8 at least\n");

    tmux_start(80, 24, "-m");
    ck_assert(pane_shows(&r, false, "Shared memory segments"));
    TMUX(&r, "send-keys", "C-c");
    ck_assert_int_eq(ipcwatch_ended(err, sizeof err), 0);
    ck_assert_str_eq(err, "");

    tmux_start(80, 24, "-m");
    ck_assert(pane_shows(&r, false, "Shared memory segments"));
    TMUX(&r, "kill-server");      /* its terminal hangs up */
    ipcwatch_file("err", true, err, sizeof err);
    ck_assert_str_eq(err, "ipcwatch: the terminal has gone\n");
}
END_TEST

/* --- command lines ------------------------------------------------------------------------- */

static const struct t_bad_line bad_lines[] = {
    { "ipcwatch", { "-x" }, 2, "ipcwatch: unknown option -x (see ipcwatch --help)" },
    { "ipcwatch", { "--once", "--json" }, 2,
      "ipcwatch: give --once or --json, not both (see ipcwatch --help)" },
    { "ipcwatch", { "-d", "10" }, 2,
      "ipcwatch: delay: 10 is out of range (50 to 10000) (see ipcwatch --help)" },
    { "ipcwatch", { "--once", "-i", "x" }, 2,
      "ipcwatch: id: \"x\" is not a number (see ipcwatch --help)" },
    { "ipcwatch", { "-K", "1", "-K", "2" }, 2,
      "ipcwatch: give one key option (see ipcwatch --help)" },
    { "ipcwatch", { "-K", "0" }, 2,
      "ipcwatch: key: 0 means IPC_PRIVATE; give a non-zero key (see ipcwatch --help)" },
    { "ipcwatch", { "--once", "now" }, 2, "ipcwatch: too many arguments (see ipcwatch --help)" },
    { "ipcwatch", { "-d" }, 2, "ipcwatch: option -d needs an argument (see ipcwatch --help)" },
    { "ipcwatch", { "--once", "-k", "/ipclab/no/such/file" }, 1,
      "ipcwatch: ftok /ipclab/no/such/file: ENOENT: No such file or directory" },
    /* t_refuse's stdout is a pipe: the screen needs a terminal */
    { "ipcwatch", { "-m" }, 1,
      "ipcwatch: standard output is not a terminal: give --once or --json" },
};

START_TEST(ipcwatch_bad_command_lines)
{
    t_refuse("tools", &bad_lines[_i]);
}
END_TEST

void add_ipcwatch_tests(Suite *s)
{
    TCase *tc = tcase_create("ipcwatch"), *screen = tcase_create("ipcwatch-screen");

    tcase_add_test(tc, ipcwatch_shm_attached_pids);
    tcase_add_test(tc, ipcwatch_sem_sleepers);
    tcase_add_test(tc, ipcwatch_msg_types_and_sleepers);
    tcase_add_test(tc, msg_copy_copies_at_a_position);
    tcase_add_test(tc, ipcwatch_filters);
    tcase_add_test(tc, ipcwatch_another_user_sees_less);
    tcase_add_test(tc, ipcwatch_posix_names);
    tcase_add_test(tc, ipcwatch_objects_vanish_while_it_reads);
    tcase_add_loop_test(tc, ipcwatch_bad_command_lines, 0, T_ROWS(bad_lines));
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tcase_add_test(screen, ipcwatch_screen_in_tmux);
    tcase_add_test(screen, ipcwatch_screen_ends_cleanly);
    tcase_set_timeout(screen, 60);
    suite_add_tcase(s, screen);
}
