/* grade.c: the graders' main and report, and the runs of the student's
 * program (grade.h). */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *program;

const char *g_program(void)
{
    return program;
}

void g_add(Suite *s, const TTest *test)
{
    TCase *tc = tcase_create(test->name);

    tcase_set_timeout(tc, 3 * G_LIMIT + 10);   /* a test may run the program thrice */
    tcase_add_test(tc, test);
    suite_add_tcase(s, tc);
}

/* The student's program must be there before a test starts it: a missing one
 * did not build, and the compiler has said why. */
static void need_program(void)
{
    char path[PATH_MAX];

    t_program_path(path, program);
    ck_assert_msg(access(path, X_OK) == 0,
                  "there is no program %s to grade: it did not build (the compiler's "
                  "messages are above)", program);
}

void g_run(struct t_run *r, const char *input, ...)
{
    const char *argv[32];
    int argc = 0;
    va_list ap;

    need_program();
    va_start(ap, input);
    while (argc < 31 && (argv[argc] = va_arg(ap, const char *)) != NULL)
        argc++;
    va_end(ap);
    argv[argc] = NULL;
    t_run_argv(r, input, program, argv);
}

void g_start(struct t_proc *p, int flags, const char *const argv[])
{
    need_program();
    t_start(p, flags, program, argv);
}

void g_no_leftovers(const char *after)
{
    char said[1024];
    int n = t_leftovers(said, sizeof said);

    ck_assert_msg(n == 0, "%s, your program left behind: %s (the grader removed %s)", after,
                  said, n == 1 ? "it" : "them");
}

int g_sem_set(const char *out)
{
    const char *at = strstr(out, "semaphore set ");
    int id = -1;

    if (at == NULL || sscanf(at, "semaphore set %d", &id) != 1 || id < 0)
        return -1;
    t_track(T_SEM, id);
    return id;
}

const char *g_status(int status, bool ended_by_limit)
{
    static char text[64];

    if (ended_by_limit)
        snprintf(text, sizeof text, "did not end within %d s", t_limit);
    else if (status < 128)
        snprintf(text, sizeof text, "exited %d", status);
    else
        snprintf(text, sizeof text, "was killed by SIG%s", sigabbrev_np(status - 128));
    return text;
}

const char *g_shown(const char *text)
{
    return text[0] != '\0' ? text : "(nothing)\n";
}

/* Why TEST was skipped, from the run's list of skips; NULL if it was not. */
static const char *skipped(const char *test, char *reason, size_t size)
{
    char path[PATH_MAX], line[512], prefix[256];
    const char *why = NULL;
    FILE *f;

    snprintf(path, sizeof path, "%s/skips", t_rundir());
    snprintf(prefix, sizeof prefix, "SKIP %s: ", test);
    if ((f = fopen(path, "r")) == NULL)
        return NULL;
    while (why == NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, prefix, strlen(prefix)) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(reason, size, "%s", line + strlen(prefix));
            why = reason;
        }
    fclose(f);
    return why;
}

/* A failure's message under its test, each of its lines indented. */
static void print_indented(const char *msg)
{
    for (const char *line = msg; *line != '\0'; ) {
        int len = (int)strcspn(line, "\n");

        printf("      %.*s\n", len, line);
        line += len + (line[len] == '\n');
    }
}

/* One line per test, then the score. A skipped test counts neither way. */
static void report(SRunner *sr)
{
    TestResult **results = srunner_results(sr);
    int n = srunner_ntests_run(sr), passed = 0, counted = 0;
    const char *lab = strrchr(program, '/') + 1;

    printf("%s (%s.c)\n", lab, program);
    for (int i = 0; i < n; i++) {
        const char *name = tr_tcname(results[i]);
        double seconds = t_duration(name);
        char reason[400];
        bool ok = tr_rtype(results[i]) == CK_PASS;

        if (ok && skipped(name, reason, sizeof reason)) {
            printf("  %-46s  SKIP  %s\n", name, reason);
            continue;
        }
        counted++;
        passed += ok;
        printf("  %-46s  %-4s  %5.2f s\n", name, ok ? "OK" : "FAIL", seconds < 0 ? 0 : seconds);
        if (!ok)
            print_indented(tr_msg(results[i]));
    }
    printf("score %s %d/%d\n", lab, passed, counted);
    free(results);
    fflush(stdout);
}

int g_main(const char *default_program, Suite *(*make_suite)(void))
{
    const char *chosen = getenv("LAB_PROGRAM");

    program = chosen && *chosen ? chosen : default_program;
    t_limit = G_LIMIT;
    return t_main_reporting(make_suite, report);
}
