/* grade_mmap_counter: the grader of the lab mmap_counter
 * (chapters/mmap/labs/mmap_counter.c, statement in book/mmap.adoc). See grade.h.
 *
 * Anonymous memory leaves nothing behind to look for; what the grader can
 * see is the total the parent prints, the mappings of the running processes
 * in /proc/PID/maps, and whether a process sleeps waiting for the lock. */
#define _GNU_SOURCE
#include "grade.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Run `mmap_counter NPROCS NITERS`; it must print the exact total. */
static void counts_exactly(const char *nprocs, const char *niters)
{
    long want = atol(nprocs) * atol(niters), got = -1, expected = -1;
    const char *line;
    struct t_run r;

    g_run(&r, NULL, nprocs, niters, NULL);
    ck_assert_msg(!r.ended_by_limit, "`mmap_counter %s %s` %s: its processes wait for a lock "
                  "that nobody gives back, or that is given back without waking them. Does "
                  "every lock() have its unlock()? Was the semaphore made with pshared 1?",
                  nprocs, niters, g_status(r.status, r.ended_by_limit));
    ck_assert_msg(r.status == 0, "`mmap_counter %s %s` %s, where it should count to %ld; it "
                  "printed:\n%s%s", nprocs, niters, g_status(r.status, r.ended_by_limit), want,
                  r.out, r.err);
    line = strstr(r.out, "counter ");
    ck_assert_msg(line && sscanf(line, "counter %ld, expected %ld", &got, &expected) == 2 &&
                  expected == want, "`mmap_counter %s %s` should end with the line \"counter "
                  "%ld, expected %ld\"; it printed:\n%s", nprocs, niters, want, want, r.out);
    ck_assert_msg(got != 0, "`mmap_counter %s %s` printed \"counter 0\": the parent read 0, "
                  "each child counted in a copy of its own. Is the mapping MAP_PRIVATE (or no "
                  "mapping at all)? After fork, a private page is copied at a child's first "
                  "write; only MAP_SHARED makes one memory for parent and children.",
                  nprocs, niters);
    ck_assert_msg(got == want, "`mmap_counter %s %s` counted %ld of %ld: %ld increments were "
                  "lost, when two processes read the same value and both wrote it back plus "
                  "1. Is every increment between lock() and unlock(), and is the lock itself "
                  "in the shared mapping? A lock in memory of its own is one lock per process.",
                  nprocs, niters, got, want, want - got);
}

START_TEST(counts_every_increment)
{
    t_limit = 5;                                /* it takes a fraction of a second */
    counts_exactly("4", "20000");
}
END_TEST

/* Many processes on few cores: some are stopped by the scheduler in the
 * middle of an increment, and others wait for the lock. */
START_TEST(counts_every_increment_when_crowded)
{
    t_limit = 10;
    counts_exactly("32", "20000");
}
END_TEST

/* Wait until the program P has 2 children, their pids in CHILDREN: how many
 * it has (fewer if it ended first, or never made them). */
static int two_children(struct t_proc *p, pid_t children[8])
{
    int n = 0;

    for (int tries = 0; tries < 500 && n < 2 && !t_ended(p); tries++) {
        n = t_children(p->pid, children, 8);
        if (n < 2)
            usleep(10000);
    }
    return n;
}

/* The inode of PID's shared anonymous mapping, as /proc/PID/maps shows it
 * ("rw-s ... /dev/zero (deleted)"); 0 if it has none, -1 if PID is gone. */
static long shared_anonymous(pid_t pid)
{
    char path[64], line[512], perms[8];
    unsigned long inode;
    long found = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/maps", (long)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (found == 0 && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%*s %7s %*s %*s %lu", perms, &inode) == 2 && perms[3] == 's' &&
            strstr(line, " /dev/zero (deleted)\n") != NULL)
            found = (long)inode;
    fclose(f);
    return found;
}

START_TEST(one_anonymous_mapping_for_all)
{
    pid_t children[8], wrong = 0;
    struct t_proc p;
    char out[256] = "";
    long parent;
    int n;

    g_start(&p, 0, (const char *[]){ "2", "10000000", NULL });
    ck_assert_msg(t_read_until(p.out, out, sizeof out, "\n"),
                  "`mmap_counter 2 10000000` printed no first line");
    parent = shared_anonymous(p.pid);           /* mapped before the first line */
    n = two_children(&p, children);
    for (int i = 0; i < n && wrong == 0; i++) {
        long inode = shared_anonymous(children[i]);

        if (inode != parent && inode != -1)     /* -1: it has just ended */
            wrong = children[i];
    }
    t_kill(&p, SIGINT);
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(parent > 0, "`mmap_counter 2 10000000` has no shared anonymous mapping: in "
                  "its /proc/PID/maps no line is marked s (shared) and named \"/dev/zero "
                  "(deleted)\", which is how Linux shows MAP_SHARED|MAP_ANONYMOUS memory. Is "
                  "the mapping MAP_PRIVATE? Then each child gets its own copy of the page at "
                  "its first write.");
    ck_assert_msg(n == 2, "`mmap_counter 2 10000000` did not have its 2 children running "
                  "after its first line (it had %d)", n);
    ck_assert_msg(wrong == 0, "child %ld of `mmap_counter 2 10000000` does not map the "
                  "parent's shared anonymous memory (inode %ld in /proc/PID/maps): make the "
                  "mapping before fork, once, in the parent", (long)wrong, parent);
}
END_TEST

/* Is PID asleep in futex(2), where a semaphore's waiters sleep? */
static bool asleep_in_futex(pid_t pid)
{
    char path[64];
    long call = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/syscall", (long)pid);
    if ((f = fopen(path, "r")) != NULL) {
        if (fscanf(f, "%ld", &call) != 1)
            call = -1;                          /* "running" */
        fclose(f);
    }
    return t_state(pid) == 'S' && call == SYS_futex;
}

/* How many times PID went to sleep (voluntary_ctxt_switches); -1 if gone. */
static long sleeps(pid_t pid)
{
    char path[64], line[128];
    long n = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        sscanf(line, "voluntary_ctxt_switches: %ld", &n);
    fclose(f);
    return n;
}

/* PID's time on a CPU so far, in ns (/proc/PID/schedstat); -1 if it is gone. */
static long long ran(pid_t pid)
{
    char path[64];
    long long ns = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/schedstat", (long)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    if (fscanf(f, "%lld", &ns) != 1)
        ns = -1;
    fclose(f);
    return ns;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A semaphore's waiter sleeps in futex(2) until the holder's sem_post wakes
 * it; with pshared 0, glibc wakes waiters of the poster's own process only.
 * So the grader stops one child (SIGSTOP) and watches the other: if it goes
 * to sleep in futex, the stopped one holds the lock. Then the stopped one
 * goes on (SIGCONT), and gives the lock back: the sleeper must wake. If the
 * other runs a while without sleeping, the stopped one did not hold the lock:
 * try again, stopping each child in turn. A program whose waiters never
 * sleep (a spinning lock), or that ends too soon, has nothing to check here. */
START_TEST(a_waiting_process_is_woken)
{
    pid_t children[8], a = 0, b = 0;
    struct t_proc p;
    char out[256] = "";
    bool caught = false, woke = false;
    long before = -1;
    int n, turn = 0;                            /* the child to stop: 0 or 1, in turn */

    if (ran(getpid()) < 0)
        T_SKIP("no /proc/PID/schedstat here (a kernel without CONFIG_SCHED_INFO)");
    g_start(&p, 0, (const char *[]){ "2", "10000000", NULL });
    ck_assert_msg(t_read_until(p.out, out, sizeof out, "\n"),
                  "`mmap_counter 2 10000000` printed no first line");
    n = two_children(&p, children);
    for (double t0 = now_s(); n == 2 && !caught && now_s() - t0 < 5; turn = 1 - turn) {
        pid_t stopped = children[turn], other = children[1 - turn];
        long long start = ran(other), now = start;

        if (kill(stopped, SIGSTOP) == -1)
            break;                              /* it has ended */
        for (int polls = 0; polls < 500 && now >= 0 && now - start < 1000000; polls++) {
            if ((caught = asleep_in_futex(other))) {
                a = stopped, b = other, before = sleeps(b);
                break;
            }
            usleep(200);
            now = ran(other);
        }
        kill(stopped, SIGCONT);
    }
    for (double t0 = now_s(); caught && !woke && now_s() - t0 < 1; usleep(1000))
        woke = sleeps(b) != before || t_state(b) != 'S';
    t_kill(&p, SIGINT);
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(!caught || woke, "in `mmap_counter 2 10000000`, child %ld waited for the "
                  "lock while child %ld held it (the grader had stopped it). Then %ld went on "
                  "and gave the lock back, but %ld slept on for a second: the wake-up never "
                  "reached it. Was the semaphore made with pshared 1? With 0, sem_post wakes "
                  "only waiters in its own process.", (long)b, (long)a, (long)a, (long)b);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mmap_counter");

    g_add(s, counts_every_increment);
    g_add(s, counts_every_increment_when_crowded);
    g_add(s, one_anonymous_mapping_for_all);
    g_add(s, a_waiting_process_is_woken);
    return s;
}

int main(void)
{
    return g_main("chapters/mmap/labs/mmap_counter", make_suite);
}
