/* grade_tools_limits: the grader of the lab tools_limits
 * (chapters/tools/labs/tools_limits.c, statement in book/tools.adoc). See
 * grade.h. Where the numbers must be exact, the program runs in an IPC
 * namespace of the grader's own (t_private_ipc), with settings and objects
 * the grader chose: no other process makes or removes objects there. Where
 * no such namespace can be had, those tests say SKIP and why. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

/* What a child in the namespace hands back to the test. */
struct outcome {
    struct t_run r;             /* the program's run */
    char want[1024];            /* what it must print */
    char said[512];             /* what the grader made there, for a message */
};

static struct outcome *shared_outcome(void)
{
    struct outcome *o = mmap(NULL, sizeof *o, PROT_READ | PROT_WRITE,
                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    ck_assert_msg(o != MAP_FAILED, "mmap: %m");
    memset(o, 0, sizeof *o);
    return o;
}

static unsigned long long setting(const char *name, int field)
{
    char path[128];
    unsigned long long n[4] = { 0, 0, 0, 0 };
    FILE *f;

    snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
    if ((f = fopen(path, "r")) == NULL)
        return 0;
    for (int i = 0; i < 4 && fscanf(f, "%llu", &n[i]) == 1; i++)
        ;
    fclose(f);
    return n[field];
}

static unsigned long long left(unsigned long long used, unsigned long long limit)
{
    return used < limit ? limit - used : 0;
}

/* The six lines the program must print, given what is used. */
static void expected(char *want, size_t size, unsigned long long segments,
                     unsigned long long pages, unsigned long long sets,
                     unsigned long long sems, unsigned long long queues)
{
    unsigned long long shmmni = setting("shmmni", 0), shmall = setting("shmall", 0),
                       shmmax = setting("shmmax", 0), semmns = setting("sem", 1),
                       semmni = setting("sem", 3), msgmni = setting("msgmni", 0),
                       page = (unsigned long long)sysconf(_SC_PAGESIZE),
                       pages_left = left(pages, shmall);

    snprintf(want, size, "segments %llu %llu %llu\nshm-pages %llu %llu %llu\n"
             "sets %llu %llu %llu\nsemaphores %llu %llu %llu\nqueues %llu %llu %llu\n"
             "largest-segment %llu\n", segments, shmmni, left(segments, shmmni),
             pages, shmall, pages_left, sets, semmni, left(sets, semmni),
             sems, semmns, left(sems, semmns), queues, msgmni, left(queues, msgmni),
             pages_left > shmmax / page ? shmmax : pages_left * page);
}

/* Does OUT have the line of WANT that starts with PREFIX? */
static bool same_line(const char *out, const char *want, const char *prefix)
{
    const char *w = strstr(want, prefix), *got = strstr(out, prefix);
    size_t n = w != NULL ? strcspn(w, "\n") + 1 : 0;

    return w != NULL && got != NULL && strncmp(w, got, n) == 0;
}

static void run_program(struct outcome *o)
{
    t_run(&o->r, NULL, g_program(), NULL);
}

/* Fail unless the run in the namespace printed what it must. STATUS is
 * t_private_ipc's. */
static void check_outcome(int status, const struct outcome *o, const char *hint)
{
    if (status == -1)
        T_SKIP(t_why_not());
    ck_assert_msg(status == 0, "the grader could not set up its IPC namespace (status %d; "
                  "its failed step is on stderr)", status);
    ck_assert_msg(o->r.status == 0 && strcmp(o->r.out, o->want) == 0, "%s. `tools_limits` "
                  "must print:\n%sIt %s and printed:\n%son stderr:\n%s%s", o->said, o->want,
                  g_status(o->r.status, o->r.ended_by_limit), g_shown(o->r.out),
                  g_shown(o->r.err), hint);
}

/* --- a new namespace: nothing used, the kernel's defaults ---------------------- */
static int defaults_steps(void *arg)
{
    struct outcome *o = arg;

    snprintf(o->said, sizeof o->said, "In a new IPC namespace, with no object and the "
             "kernel's default settings (shmall %llu, shmmax %llu)", setting("shmall", 0),
             setting("shmmax", 0));
    expected(o->want, sizeof o->want, 0, 0, 0, 0, 0);
    run_program(o);
    return 0;
}

START_TEST(the_defaults_of_a_new_namespace)
{
    struct outcome *o = shared_outcome();
    int status;

    t_limit = 5;
    g_run(&o->r, NULL, "--help", NULL);         /* is there a program to grade? */
    status = t_private_ipc(defaults_steps, o);
    check_outcome(status, o, !same_line(o->r.out, o->want, "largest-segment ") ?
                  "With so many pages left, pages times the page size is more than 64 bits "
                  "hold: the largest segment is shmmax\n" : "");
}
END_TEST

/* --- settings and objects of the grader's choice ------------------------------ */
static int known_steps(void *arg)
{
    struct outcome *o = arg;
    unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE), pages, bytes;
    int a, b, q, s, more;
    void *at;

    NEED(t_write_file("/proc/sys/kernel/shmmni", "7\n"));
    NEED(t_write_file("/proc/sys/kernel/shmmax", "20000\n"));
    NEED(t_write_file("/proc/sys/kernel/shmall", "8\n"));
    NEED(t_write_file("/proc/sys/kernel/sem", "5 8 3 2\n"));
    NEED(t_write_file("/proc/sys/kernel/msgmni", "3\n"));
    NEED((a = shmget(IPC_PRIVATE, 5000, IPC_CREAT | 0600)) != -1);
    NEED((b = shmget(IPC_PRIVATE, 5000, IPC_CREAT | 0600)) != -1);
    NEED((at = shmat(b, NULL, 0)) != (void *)-1);
    NEED(shmctl(b, IPC_RMID, NULL) == 0);       /* dest: it still counts */
    NEED((s = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600)) != -1);
    NEED((q = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) != -1);
    pages = 2 * ((5000 + page - 1) / page);
    snprintf(o->said, sizeof o->said, "In an IPC namespace of its own, the grader set "
             "shmmni 7, shmmax 20000, shmall 8, sem \"5 8 3 2\" and msgmni 3, and made two "
             "segments of 5000 bytes (%llu pages; one removed while attached: it still "
             "counts), a set of 3 semaphores and a queue", pages);
    expected(o->want, sizeof o->want, 2, pages, 1, 3, 1);
    run_program(o);
    /* The grader's numbers are the kernel's: exactly what is left can be made. */
    bytes = left(pages, 8) > 20000 / page ? 20000 : left(pages, 8) * page;
    NEED(shmget(IPC_PRIVATE, bytes + 1, IPC_CREAT | 0600) == -1);
    NEED((more = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600)) != -1);
    NEED(shmctl(more, IPC_RMID, NULL) == 0);
    NEED(semget(IPC_PRIVATE, 5, IPC_CREAT | 0600) != -1);
    NEED(semget(IPC_PRIVATE, 1, IPC_CREAT | 0600) == -1 && errno == ENOSPC);
    NEED(msgget(IPC_PRIVATE, IPC_CREAT | 0600) != -1);
    NEED(msgget(IPC_PRIVATE, IPC_CREAT | 0600) != -1);
    NEED(msgget(IPC_PRIVATE, IPC_CREAT | 0600) == -1 && errno == ENOSPC);
    (void)a;
    return 0;
}

START_TEST(counts_what_the_namespace_holds)
{
    struct outcome *o = shared_outcome();
    int status;

    t_limit = 5;
    g_run(&o->r, NULL, "--help", NULL);
    status = t_private_ipc(known_steps, o);
    check_outcome(status, o, !same_line(o->r.out, o->want, "shm-pages ") ?
                  "The kernel counts a segment's size in whole pages, rounded up\n" : "");
}
END_TEST

/* --- limits lowered below what is used ------------------------------------------ */
static int lowered_steps(void *arg)
{
    struct outcome *o = arg;

    for (int i = 0; i < 3; i++)
        NEED(msgget(IPC_PRIVATE, IPC_CREAT | 0600) != -1);
    NEED(semget(IPC_PRIVATE, 4, IPC_CREAT | 0600) != -1);
    NEED(shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600) != -1);
    NEED(shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600) != -1);
    NEED(t_write_file("/proc/sys/kernel/msgmni", "1\n"));
    NEED(t_write_file("/proc/sys/kernel/sem", "250 2 32 32000\n"));
    NEED(t_write_file("/proc/sys/kernel/shmmni", "1\n"));
    NEED(t_write_file("/proc/sys/kernel/shmall", "1\n"));
    NEED(msgget(IPC_PRIVATE, IPC_CREAT | 0600) == -1 && errno == ENOSPC);
    snprintf(o->said, sizeof o->said, "In an IPC namespace of its own, the grader made 3 "
             "queues, a set of 4 semaphores and 2 segments of 4096 bytes, then lowered "
             "msgmni to 1, SEMMNS to 2, shmmni to 1 and shmall to 1: none more may be made");
    expected(o->want, sizeof o->want, 2, 2 * ((4096 + sysconf(_SC_PAGESIZE) - 1) /
             sysconf(_SC_PAGESIZE)), 1, 4, 3);
    run_program(o);
    return 0;
}

START_TEST(a_limit_below_what_is_used)
{
    struct outcome *o = shared_outcome();
    int status;

    t_limit = 5;
    g_run(&o->r, NULL, "--help", NULL);
    status = t_private_ipc(lowered_steps, o);
    check_outcome(status, o, strstr(o->r.out, "queues 3 1 0\n") == NULL ? "LEFT is 0 when the "
                  "limit is below what is used, never negative\n" : "");
}
END_TEST

/* --- the machine ------------------------------------------------------------------ */
START_TEST(limits_are_the_machines)
{
    static const char *const what[6] = {
        "segments", "shm-pages", "sets", "semaphores", "queues", "largest-segment",
    };
    unsigned long long limits[5] = {
        setting("shmmni", 0), setting("shmall", 0), setting("sem", 3), setting("sem", 1),
        setting("msgmni", 0),
    };
    unsigned long long used, limit, more;
    char name[32];
    const char *p;
    struct t_run r;

    t_limit = 5;
    g_run(&r, NULL, NULL);
    ck_assert_msg(r.status == 0, "`tools_limits` %s:\n%s", g_status(r.status,
                  r.ended_by_limit), g_shown(r.err));
    ck_assert_msg(t_lines(r.out) == 6, "`tools_limits` must print six lines. It printed:\n%s",
                  g_shown(r.out));
    p = r.out;
    for (int i = 0; i < 5; i++, p += strcspn(p, "\n") + 1) {
        ck_assert_msg(sscanf(p, "%31s %llu %llu %llu", name, &used, &limit, &more) == 4 &&
                      strcmp(name, what[i]) == 0, "line %d of `tools_limits` must be \"%s "
                      "USED LIMIT LEFT\". It printed:\n%s", i + 1, what[i], r.out);
        ck_assert_msg(limit == limits[i], "on this machine, the LIMIT of %s is %llu (from "
                      "/proc/sys/kernel), not %llu. `tools_limits` printed:\n%s", what[i],
                      limits[i], limit, r.out);
        ck_assert_msg(more == left(used, limit), "\"%s %llu %llu\" must end with %llu, the "
                      "LIMIT less what is USED. `tools_limits` printed:\n%s", what[i], used,
                      limit, left(used, limit), r.out);
    }
    ck_assert_msg(strncmp(p, "largest-segment ", 16) == 0, "line 6 of `tools_limits` must be "
                  "\"largest-segment BYTES\". It printed:\n%s", r.out);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("tools_limits");

    g_add(s, limits_are_the_machines);
    g_add(s, the_defaults_of_a_new_namespace);
    g_add(s, counts_what_the_namespace_holds);
    g_add(s, a_limit_below_what_is_used);
    return s;
}

int main(void)
{
    return g_main("chapters/tools/labs/tools_limits", make_suite);
}
