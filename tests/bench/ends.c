/* ends.c: a run interrupted (Ctrl-C and its kin) or losing one of its two
 * processes leaves no object behind; the POSIX ones leave no name even while
 * they run. Each test runs in an IPC namespace of its own, where every
 * object is the run's. */
#define _GNU_SOURCE
#include "bench.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>

static const struct ends {
    const char *prog, *kind;            /* a program, the kind of object it makes */
} with_objects[] = { { "bench_sysv_msg", "msg" }, { "bench_sysv_shm", "sem" } };

struct ending {
    const struct ends *e;
    int sig;
};

static int ctrl_c_steps(void *arg)
{
    const struct ending *how = arg;
    struct t_proc p;
    pid_t child;

    setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });   /* SIGQUIT: no core file */
    NEED_EQ(objects(how->e->kind), 0);
    NEED((child = start_bench(&p, how->e->prog, long_run)) != 0);
    NEED_EQ(objects(how->e->kind), 1);
    t_kill(&p, how->sig);
    NEED(gone(child));
    NEED_EQ(t_wait(&p), 128 + how->sig);
    NEED_EQ(objects(how->e->kind), 0);
    return 0;
}

/* Ctrl-C (SIGINT to the whole group) mid-run, or Ctrl-\ (SIGQUIT), a
 * closed terminal (SIGHUP), kill (SIGTERM): the parent removes the queue or
 * the semaphore set, ends its child and dies of the signal. */
START_TEST(ctrl_c_removes_the_objects)
{
    static const int sigs[] = { SIGINT, SIGQUIT, SIGHUP, SIGTERM };
    struct ending how = { &with_objects[_i % 2], sigs[_i / 2] };

    T_IN_PRIVATE_IPC(ctrl_c_steps, &how);
}
END_TEST

/* The two that make System V objects, and one that spins: for the tests
 * that kill one process of the two. */
static const struct ends lost[] = {
    { "bench_sysv_msg", "msg" }, { "bench_sysv_shm", "sem" }, { "bench_spin", NULL },
};

static int child_killed_steps(void *arg)
{
    const struct ends *e = arg;
    char text[256] = "", expect[128];
    struct t_proc p;
    pid_t child;

    NEED((child = start_bench(&p, e->prog, long_run)) != 0);
    NEED(e->kind == NULL || objects(e->kind) == 1);
    NEED(kill(child, SIGKILL) == 0);            /* that one only: the lesson */
    t_read_until(p.err, text, sizeof text, "\1");  /* all of stderr: "\1" never comes */
    NEED_EQ(t_wait(&p), 1);
    snprintf(expect, sizeof expect, "%s: the other process was killed by signal 9\n", e->prog);
    if (strcmp(text, expect) != 0) {
        fprintf(stderr, "stderr: \"%s\", not \"%s\"\n", text, expect);
        return 1;
    }
    NEED(e->kind == NULL || objects(e->kind) == 0);
    return 0;
}

/* The child killed mid-run: the parent, blocked in msgrcv or spinning on a
 * counter that will never move, hears of it (SIGCHLD), says so in one line,
 * removes what it made and exits 1. */
START_TEST(a_lost_child_is_reported)
{
    T_IN_PRIVATE_IPC(child_killed_steps, (void *)&lost[_i]);
}
END_TEST

static int parent_killed_steps(void *arg)
{
    const struct ends *e = arg;
    struct t_proc p;
    pid_t child;

    NEED((child = start_bench(&p, e->prog, long_run)) != 0);
    NEED(e->kind == NULL || objects(e->kind) == 1);
    NEED(kill(p.pid, SIGKILL) == 0);            /* the parent only: the lesson */
    NEED(gone(child));                          /* before t_wait, which kills the group */
    NEED(e->kind == NULL || objects(e->kind) == 0);
    NEED_EQ(t_wait(&p), 128 + SIGKILL);
    return 0;
}

/* The parent killed (kill -KILL: nothing runs in it). The child, blocked
 * for a reply or spinning for one that cannot come, is told
 * (PR_SET_PDEATHSIG), removes the queue or the semaphore set the parent
 * left, and ends. */
START_TEST(a_lost_parent_takes_the_child)
{
    T_IN_PRIVATE_IPC(parent_killed_steps, (void *)&lost[_i]);
}
END_TEST

static int names_steps(void *arg)
{
    const char *prog = arg;
    const char *mq = t_mqueue_dir();
    struct t_proc p;

    NEED(mq != NULL && !has_entry("/dev/shm", "") && !has_entry(mq, ""));
    NEED(start_bench(&p, prog, long_run) != 0);     /* running: the names were made */
    NEED(!has_entry("/dev/shm", "") && !has_entry(mq, ""));
    t_kill(&p, SIGTERM);
    NEED_EQ(t_wait(&p), 128 + SIGTERM);
    return 0;
}

/* The POSIX mechanisms unlink their names before the fork: while they run,
 * neither /dev/shm nor the mqueue filesystem (both the namespace's own,
 * empty before) holds any name at all. */
START_TEST(posix_names_are_gone_before_the_run)
{
    T_IN_PRIVATE_IPC(names_steps, _i == 0 ? "bench_posix_shm" : "bench_posix_mq");
}
END_TEST

void add_ends_tests(Suite *s)
{
    TCase *tc = tcase_create("ends");

    tcase_add_loop_test(tc, ctrl_c_removes_the_objects, 0, 8);
    tcase_add_loop_test(tc, a_lost_child_is_reported, 0, 3);
    tcase_add_loop_test(tc, a_lost_parent_takes_the_child, 0, 3);
    tcase_add_loop_test(tc, posix_names_are_gone_before_the_run, 0, 2);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
