/* grade_tools_ipcs: the grader of the lab tools_ipcs
 * (chapters/tools/labs/tools_ipcs.c, statement in book/tools.adoc). See
 * grade.h. The objects are the grader's, with keys of its own (t_key); a
 * listing of all segments is searched for the grader's by id. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

/* How tools_ipcs must print the owner UID. */
static const char *owner(unsigned int uid)
{
    static char text[2][64];
    static int which;
    struct passwd *pw = getpwuid(uid);

    which = !which;
    if (pw != NULL)
        snprintf(text[which], sizeof text[which], "%s", pw->pw_name);
    else
        snprintf(text[which], sizeof text[which], "%u", uid);
    return text[which];
}

/* A uid that the user database has no name for. */
static unsigned int nameless_uid(void)
{
    unsigned int uid = 54321;

    while (getpwuid(uid) != NULL)
        uid++;
    return uid;
}

/* A uid with a name, not ours. */
static unsigned int named_other_uid(void)
{
    struct passwd *pw;
    unsigned int uid = geteuid();

    setpwent();
    while ((pw = getpwent()) != NULL && pw->pw_uid == geteuid())
        ;
    if (pw != NULL)
        uid = pw->pw_uid;
    endpwent();
    return uid;
}

/* The program's line that starts with PREFIX ("shm 5 "), without its
 * newline, into LINE; "" if none. */
static void line_of(const char *out, const char *prefix, char *line, size_t size)
{
    for (const char *p = out; *p != '\0'; p += strcspn(p, "\n"), p += *p == '\n') {
        if (strncmp(p, prefix, strlen(prefix)) == 0) {
            snprintf(line, size, "%.*s", (int)strcspn(p, "\n"), p);
            return;
        }
    }
    line[0] = '\0';
}

struct three { int shm, sem, msg; };

/* A segment of 5000 bytes (mode 640), a set of 3 semaphores (604) and a
 * queue (620) holding two messages of 4 and 6 bytes, all with KEY. */
static struct three make_three(key_t key)
{
    struct { long type; char text[8]; } m = { 1, "123456" };
    struct three t;

    t.shm = shmget(key, 5000, IPC_CREAT | IPC_EXCL | 0640);
    ck_assert_msg(t.shm != -1, "shmget: %m");
    t_track(T_SHM, t.shm);
    t.sem = semget(key, 3, IPC_CREAT | IPC_EXCL | 0604);
    ck_assert_msg(t.sem != -1, "semget: %m");
    t_track(T_SEM, t.sem);
    t.msg = msgget(key, IPC_CREAT | IPC_EXCL | 0620);
    ck_assert_msg(t.msg != -1, "msgget: %m");
    t_track(T_MSG, t.msg);
    ck_assert_msg(msgsnd(t.msg, &m, 4, 0) == 0 && msgsnd(t.msg, &m, 6, 0) == 0, "msgsnd: %m");
    return t;
}

static void remove_three(const struct three *t)
{
    t_rm(T_SHM, t->shm);
    t_rm(T_SEM, t->sem);
    t_rm(T_MSG, t->msg);
}

/* What tools_ipcs must print for the three, each line with its newline. */
static void three_lines(const struct three *t, key_t key, char lines[3][256])
{
    const char *me = owner(geteuid());

    snprintf(lines[0], 256, "shm %d 0x%08x %s 640 5000 0 -\n", t->shm, (unsigned int)key, me);
    snprintf(lines[1], 256, "sem %d 0x%08x %s 604 3\n", t->sem, (unsigned int)key, me);
    snprintf(lines[2], 256, "msg %d 0x%08x %s 620 2 10\n", t->msg, (unsigned int)key, me);
}

START_TEST(prints_each_kind_of_object)
{
    key_t key = t_key('i', NULL);
    struct three t = make_three(key);
    char lines[3][256], want[800], keyarg[16];
    struct t_run r;

    t_limit = 5;
    three_lines(&t, key, lines);
    snprintf(want, sizeof want, "%s%s%s", lines[0], lines[1], lines[2]);
    snprintf(keyarg, sizeof keyarg, "0x%08x", (unsigned int)key);
    g_run(&r, NULL, "-k", keyarg, NULL);
    ck_assert_msg(r.status == 0, "`tools_ipcs -k %s` %s:\n%s", keyarg,
                  g_status(r.status, r.ended_by_limit), g_shown(r.err));
    ck_assert_msg(strcmp(r.out, want) == 0, "the grader made a segment of 5000 bytes (mode "
                  "640), a set of 3 semaphores (604) and a queue (620) with two messages of 4 "
                  "and 6 bytes, all with the key %s. `tools_ipcs -k %s` must print exactly:\n"
                  "%sIt printed:\n%s", keyarg, keyarg, want, g_shown(r.out));
    remove_three(&t);
}
END_TEST

START_TEST(options_choose_the_kinds)
{
    key_t key = t_key('i', NULL);
    struct three t = make_three(key);
    char lines[3][256], want[800], keyarg[16];
    struct t_run r;

    t_limit = 5;
    three_lines(&t, key, lines);
    snprintf(keyarg, sizeof keyarg, "0x%08x", (unsigned int)key);
    g_run(&r, NULL, "-s", "-k", keyarg, NULL);
    ck_assert_msg(r.status == 0 && strcmp(r.out, lines[1]) == 0, "`tools_ipcs -s -k %s` "
                  "must print the set's line alone:\n%sIt %s and printed:\n%s", keyarg,
                  lines[1], g_status(r.status, r.ended_by_limit), g_shown(r.out));
    snprintf(want, sizeof want, "%s%s", lines[0], lines[2]);
    g_run(&r, NULL, "-q", "-m", "-k", keyarg, NULL);
    ck_assert_msg(r.status == 0 && strcmp(r.out, want) == 0, "`tools_ipcs -q -m -k %s` "
                  "must print the segment's line, then the queue's (the order of the "
                  "options does not matter):\n%sIt %s and printed:\n%s", keyarg, want,
                  g_status(r.status, r.ended_by_limit), g_shown(r.out));
    remove_three(&t);
    g_run(&r, NULL, "-k", "0xnokey", NULL);
    ck_assert_msg(r.status == 2 && r.out[0] == '\0' && t_lines(r.err) == 1,
                  "`tools_ipcs -k 0xnokey` must refuse the bad key: exit 2, one line on "
                  "stderr, nothing on stdout. It %s, and printed:\n%son stderr:\n%s",
                  g_status(r.status, r.ended_by_limit), g_shown(r.out), g_shown(r.err));
}
END_TEST

START_TEST(a_removed_segment_is_dest)
{
    key_t key = t_key('i', NULL);
    char prefix[64], line[256], want[256], locked_line[256], locked_want[256] = "";
    int dest, locked;
    struct t_run r;
    void *at;

    t_limit = 5;
    dest = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_msg(dest != -1, "shmget: %m");
    t_track(T_SHM, dest);
    at = shmat(dest, NULL, SHM_RDONLY);
    ck_assert_msg(at != (void *)-1, "shmat: %m");
    ck_assert_msg(shmctl(dest, IPC_RMID, NULL) == 0, "shmctl IPC_RMID: %m");
    /* A second segment locked in memory, where this process may lock one. */
    locked = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_msg(locked != -1, "shmget: %m");
    t_track(T_SHM, locked);
    if (shmctl(locked, SHM_LOCK, NULL) == 0)
        snprintf(locked_want, sizeof locked_want, "shm %d 0x%08x %s 600 4096 0 locked",
                 locked, (unsigned int)key, owner(geteuid()));

    g_run(&r, NULL, "-m", NULL);
    shmdt(at);                                  /* the segment goes now */
    shmctl(locked, SHM_UNLOCK, NULL);
    t_rm(T_SHM, locked);
    ck_assert_msg(r.status == 0, "`tools_ipcs -m` %s:\n%s", g_status(r.status,
                  r.ended_by_limit), g_shown(r.err));
    snprintf(prefix, sizeof prefix, "shm %d ", dest);
    line_of(r.out, prefix, line, sizeof line);
    snprintf(want, sizeof want, "shm %d 0x00000000 %s 600 4096 1 dest", dest,
             owner(geteuid()));
    ck_assert_msg(strcmp(line, want) == 0, "the grader made a segment (mode 600), attached "
                  "it and removed it: the kernel keeps it until its last detach, with the key "
                  "0 and the status dest. `tools_ipcs -m` must print for it:\n%s\nIt printed:"
                  "\n%s\n%s", want, line[0] != '\0' ? line : "(no line for that id)",
                  strstr(line, " 1600 ") != NULL ? "1600 is the whole perms: SHM_DEST, 01000, "
                  "is above the nine permission bits" : "");
    if (locked_want[0] != '\0') {
        snprintf(prefix, sizeof prefix, "shm %d ", locked);
        line_of(r.out, prefix, locked_line, sizeof locked_line);
        ck_assert_msg(strcmp(locked_line, locked_want) == 0, "the grader locked a segment in "
                      "memory (SHM_LOCK). `tools_ipcs -m` must print for it:\n%s\nIt printed:"
                      "\n%s", locked_want, locked_line[0] != '\0' ? locked_line :
                      "(no line for that id)");
    }
}
END_TEST

START_TEST(owner_is_a_name_or_the_uid)
{
    key_t key = t_key('i', NULL);
    unsigned int other = named_other_uid(), nameless = nameless_uid();
    char keyarg[16], want[512];
    int q, s;
    struct t_run r;

    t_limit = 5;
    q = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_msg(q != -1, "msgget: %m");
    t_track(T_MSG, q);
    s = semget(key, 1, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_msg(s != -1, "semget: %m");
    t_track(T_SEM, s);
    if (t_set(T_MSG, q, nameless, T_KEEP, T_KEEP) == -1 && errno == EINVAL)
        T_SKIP("no uid but ours is mapped in this user namespace (a sandbox): an object "
               "cannot be given away");
    ck_assert_msg(t_set(T_MSG, q, nameless, T_KEEP, T_KEEP) == 0, "IPC_SET: %m");
    ck_assert_msg(t_set(T_SEM, s, other, T_KEEP, T_KEEP) == 0, "IPC_SET: %m");
    snprintf(keyarg, sizeof keyarg, "0x%08x", (unsigned int)key);
    g_run(&r, NULL, "-k", keyarg, NULL);
    t_rm(T_MSG, q);                             /* the creator may */
    t_rm(T_SEM, s);
    snprintf(want, sizeof want, "sem %d %s %s 600 1\nmsg %d %s %u 600 0 0\n", s, keyarg,
             owner(other), q, keyarg, nameless);
    ck_assert_msg(r.status == 0 && strcmp(r.out, want) == 0, "the grader made a set and a "
                  "queue with the key %s and gave them away with IPC_SET: the set to %s, the "
                  "queue to uid %u, which has no user name. `tools_ipcs -k %s` must print:\n"
                  "%sIt %s and printed:\n%s%s", keyarg, owner(other), nameless, keyarg, want,
                  g_status(r.status, r.ended_by_limit), g_shown(r.out),
                  strstr(r.out, owner(geteuid())) != NULL ? "OWNER is the owner (uid), not the "
                  "creator (cuid)\n" : "");
}
END_TEST

/* In a child without capabilities, where IPC_STAT of a mode 000 object
 * fails: the program's output into the shared RUN. */
static int run_unprivileged(void *arg)
{
    struct { struct t_run r; char key[16]; } *shared = arg;

    t_run(&shared->r, NULL, g_program(), "-k", shared->key, NULL);
    return 0;
}

START_TEST(lists_what_it_may_not_stat)
{
    key_t key = t_key('i', NULL);
    struct { struct t_run r; char key[16]; } *shared;
    char want[256];
    int q, status;

    t_limit = 5;
    q = msgget(key, IPC_CREAT | IPC_EXCL | 0000);
    ck_assert_msg(q != -1, "msgget: %m");
    t_track(T_MSG, q);
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                  -1, 0);
    ck_assert_msg(shared != MAP_FAILED, "mmap: %m");
    snprintf(shared->key, sizeof shared->key, "0x%08x", (unsigned int)key);
    g_run(&shared->r, NULL, "--help", NULL);    /* is there a program to grade? */
    status = t_unprivileged(run_unprivileged, shared);
    t_rm(T_MSG, q);
    ck_assert_msg(status == 0, "the child that ran tools_ipcs ended with status %d", status);
    snprintf(want, sizeof want, "msg %d %s %s 000 0 0\n", q, shared->key, owner(geteuid()));
    ck_assert_msg(shared->r.status == 0 && strcmp(shared->r.out, want) == 0, "the grader made "
                  "a queue with mode 000 and ran `tools_ipcs -k %s` without privileges: "
                  "IPC_STAT of that queue fails (EACCES), /proc/sysvipc/msg lists it. It must "
                  "print:\n%sIt %s and printed:\n%son stderr:\n%s", shared->key, want,
                  g_status(shared->r.status, shared->r.ended_by_limit),
                  g_shown(shared->r.out), g_shown(shared->r.err));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("tools_ipcs");

    g_add(s, prints_each_kind_of_object);
    g_add(s, options_choose_the_kinds);
    g_add(s, a_removed_segment_is_dest);
    g_add(s, owner_is_a_name_or_the_uid);
    g_add(s, lists_what_it_may_not_stat);
    return s;
}

int main(void)
{
    return g_main("chapters/tools/labs/tools_ipcs", make_suite);
}
