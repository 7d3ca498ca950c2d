/* grade.h: what every lab's grader shares, on top of tests/harness.h.
 *
 * A grader is a Check suite, tests/labs/grade_LAB.c, that runs the program a
 * student built from chapters/TOPIC/labs/LAB.c and says, in a student's
 * words, what it did and what was expected. `make grade` runs it on the
 * student's program; `make check` runs it on the starter (some test must
 * fail), on the reference solution (all must pass), on a program that does
 * nothing (none may pass: tests/labs/prove) and on each typical
 * mistake (tests/labs/solutions/LAB.*.patch: a test must fail, saying the
 * text the patch's "Expect:" line gives).
 *
 * Each test is a test case of its own, so that the report can name it. Each
 * run of the student's program is stopped after G_LIMIT seconds (it hangs:
 * that test fails, and only that one); what it leaves behind is removed and
 * costs the test that made it (g_no_leftovers). */
#ifndef GRADE_H
#define GRADE_H

#include "harness.h"

enum { G_LIMIT = 15 };          /* seconds for one run of the student's program;
                                 * a test may set t_limit lower */

/* The grader's main: PROGRAM is the lab's program, a path from the top of
 * the tree ("chapters/sem/labs/sem_lock"); LAB_PROGRAM in the environment
 * grades another build of it (make check's starter, solution, mistakes).
 * Prints one line per test (name, OK, FAIL or SKIP, time; under a FAIL,
 * why), then "score LAB PASSED/TOTAL"; exits 0 when every test passed. */
int g_main(const char *program, Suite *(*make_suite)(void));
/* The program being graded (a path from the top of the tree). */
const char *g_program(void);

/* Add TEST to S, in a test case of its own. */
void g_add(Suite *s, const TTest *test);

/* Run the program being graded with the arguments (NULL after the last) and
 * INPUT on its stdin (may be NULL), as t_run does. A program that is not
 * there (it did not build) fails the test, and says so. */
void g_run(struct t_run *r, const char *input, ...) __attribute__((sentinel));
/* Start it beside the test, as t_start does, with the same check. */
void g_start(struct t_proc *p, int flags, const char *const argv[]);

/* Fail the test if the program left behind an object or a name that the
 * test recorded (t_track, t_key, t_posix_name): say which, after removing
 * them. AFTER says when ("after a run that ended normally"). */
void g_no_leftovers(const char *after);

/* The semaphore set a program says it made ("...: semaphore set N" in its
 * output OUT), recorded for the leak guard; -1 if it names none. */
int g_sem_set(const char *out);

/* What a run's end means, for a message: "exited 1", "was killed by
 * SIGSEGV", "did not end within 15 s" (a status and ended_by_limit from a
 * t_run or a t_proc). */
const char *g_status(int status, bool ended_by_limit);

/* TEXT, or "(nothing)\n" when it is empty: what a program printed, for a
 * message. */
const char *g_shown(const char *text);

#endif
