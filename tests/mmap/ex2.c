/* ex2.c: mmap_ex2, seed 000's class demo, driven through pipes as a student
 * types into it in a terminal or two (mmap-10 to -14). It runs in the run's
 * directory, where it makes shared_mmap; each test starts without one.
 * Every step waits for mmap_ex2's prompt, which it prints only once a line
 * is copied and msync()ed: what one of two sees of the other's line does
 * not depend on timing. */
#define _GNU_SOURCE
#include "mmap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* mmap_ex2's sentence, and its prompt. */
static const char contents[] =
    "(*) What's difference between Shared mmap and Private mmap?    - end - ";
#define PROMPT "'*' print Current mmap otherwise input text to mmap. >>"

struct ex2 {
    struct t_proc p;
    char out[4096];                     /* what it said last */
};

/* Read E's answer up to its next prompt. */
static void ex2_read(struct ex2 *e)
{
    e->out[0] = '\0';
    ck_assert_msg(t_read_until(e->p.out, e->out, sizeof e->out, PROMPT),
                  "mmap_ex2 ended or said no prompt; it said:\n%s", e->out);
}

/* What E says from now to its end. */
static const char *ex2_rest(struct ex2 *e)
{
    e->out[0] = '\0';
    t_read_until(e->p.out, e->out, sizeof e->out, NULL);
    return e->out;
}

/* Start mmap_ex2 MODE; E->out gets what it says up to its first prompt. */
static void ex2_start(struct ex2 *e, const char *mode)
{
    t_start(&e->p, T_ERR_TO_OUT, "chapters/mmap/mmap_ex2", (const char *[]){ mode, NULL });
    ex2_read(e);
}

/* Type LINE (with its newline) and return the answer, up to the next prompt.
 * Input from a pipe is echoed first, as a terminal would show it. */
static const char *ex2_say(struct ex2 *e, const char *line)
{
    ck_assert_int_eq(write(e->p.in, line, strlen(line)), (ssize_t)strlen(line));
    ex2_read(e);
    ck_assert_msg(strncmp(e->out, line, strlen(line)) == 0, "no echo of %s in:\n%s", line,
                  e->out);
    return e->out + strlen(line);
}

/* End of input: mmap_ex2 must end the line and exit 0. */
static void ex2_end(struct ex2 *e)
{
    close(e->p.in);
    e->p.in = -1;
    ck_assert_str_eq(ex2_rest(e), "\n");
    ck_assert_int_eq(t_wait(&e->p), 0);
}

/* shared_mmap, where mmap_ex2 makes it. */
static const char *ex2_path(void)
{
    static char path[PATH_MAX + 16];

    snprintf(path, sizeof path, "%s/shared_mmap", t_rundir());
    return path;
}

/* A test starts without a shared_mmap: an earlier test's is removed. */
static void ex2_fresh(void)
{
    ck_assert(unlink(ex2_path()) == 0 || errno == ENOENT);
}

/* The file shared_mmap, whole, in BUF; its length. */
static ssize_t ex2_file(char *buf, size_t cap)
{
    int fd = open(ex2_path(), O_RDONLY);
    ssize_t len;

    ck_assert_int_ne(fd, -1);
    len = read(fd, buf, cap);
    close(fd);
    return len;
}

/* "Current mmap -> '...'" as mmap_ex2 prints it for the 64 bytes TEXT. */
static const char *current(const char *text)
{
    static char line[256];

    snprintf(line, sizeof line, "Current mmap -> '%.64s'\n" PROMPT, text);
    return line;
}

START_TEST(ex2_reproduces_the_slides_session)
{
    char file[256], after[128];
    struct ex2 e;
    ssize_t len;

    ex2_fresh();
    ex2_start(&e, _i == 0 ? "s" : "p");
    /* the code writes 72 bytes: the slide's session shows 74, from another text */
    ck_assert_str_eq(e.out, "72 byte writing... to file -> shared_mmap\n" PROMPT);
    ck_assert_str_eq(ex2_say(&e, "*\n"), current(contents));
    ck_assert_str_eq(ex2_say(&e, "New memory map data\n"), PROMPT);
    /* the line typed in, newline and all, then the rest of the old text */
    snprintf(after, sizeof after, "New memory map data\n%s", contents + 20);
    ck_assert_str_eq(ex2_say(&e, "*\n"), current(after));
    ex2_end(&e);
    len = ex2_file(file, sizeof file);
    ck_assert_int_eq(len, sizeof contents);         /* the NUL too */
    if (_i == 0)                                    /* s: the file has the line */
        ck_assert_int_eq(memcmp(file, after, strlen(after)), 0);
    else                                            /* p: as it was written */
        ck_assert_int_eq(memcmp(file, contents, sizeof contents), 0);
}
END_TEST

START_TEST(ex2_two_shared_see_each_other)
{
    struct ex2 a, b;

    ex2_fresh();
    ex2_start(&a, "s");
    ex2_start(&b, "s");
    ck_assert_str_eq(ex2_say(&a, "written by A\n"), PROMPT);
    ck_assert_ptr_nonnull(strstr(ex2_say(&b, "*\n"), "'written by A\n"));
    ck_assert_str_eq(ex2_say(&b, "B\n"), PROMPT);
    ck_assert_ptr_nonnull(strstr(ex2_say(&a, "*\n"), "'B\nitten by A\n"));
    ex2_end(&a);
    ex2_end(&b);
}
END_TEST

START_TEST(ex2_private_keeps_to_itself)
{
    char file[256];
    struct ex2 s, p;
    ssize_t len;

    ex2_fresh();
    ex2_start(&s, "s");
    ck_assert_str_eq(ex2_say(&s, "early s\n"), PROMPT);
    ex2_start(&p, "p");
    /* p's start wrote the sentence back into the file, which s shows */
    ck_assert_str_eq(ex2_say(&s, "*\n"), current(contents));
    ck_assert_str_eq(ex2_say(&p, "*\n"), current(contents));
    ck_assert_str_eq(ex2_say(&s, "from s\n"), PROMPT);
    /* p has not written yet: its page is still the file's, s's line shows */
    ck_assert_ptr_nonnull(strstr(ex2_say(&p, "*\n"), "'from s\n"));
    ck_assert_str_eq(ex2_say(&p, "from p\n"), PROMPT);     /* now p has a copy */
    ck_assert_ptr_nonnull(strstr(ex2_say(&p, "*\n"), "'from p\n"));
    ck_assert_ptr_nonnull(strstr(ex2_say(&s, "*\n"), "'from s\n"));
    ck_assert_str_eq(ex2_say(&s, "again s\n"), PROMPT);
    ck_assert_ptr_nonnull(strstr(ex2_say(&p, "*\n"), "'from p\n"));   /* not "again" */
    ex2_end(&s);
    ex2_end(&p);
    len = ex2_file(file, sizeof file);
    ck_assert_int_eq(memcmp(file, "again s\n", 8), 0);
    ck_assert_ptr_null(memmem(file, (size_t)len, "from p", 6));
}
END_TEST

START_TEST(ex2_stops_on_ctrl_c)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    char expect[256], file[256];
    struct ex2 e;

    ex2_fresh();
    ex2_start(&e, "s");
    ck_assert_str_eq(ex2_say(&e, "typed before\n"), PROMPT);
    ck_assert_msg(t_blocked_in(e.p.pid, SYS_read), "mmap_ex2 does not wait in read(2)");
    t_kill(&e.p, sigs[_i]);
    snprintf(expect, sizeof expect,
             "\nmmap_ex2: interrupted by SIG%s; shared_mmap stays, for you to look at\n",
             sigabbrev_np(sigs[_i]));
    ck_assert_str_eq(ex2_rest(&e), expect);
    ck_assert_int_eq(t_wait(&e.p), 1);
    ex2_file(file, sizeof file);
    ck_assert_int_eq(memcmp(file, "typed before\n", 13), 0);
}
END_TEST

START_TEST(ex2_long_line_cut_to_the_mapping)
{
    char line[200], file[256], expect[128];
    struct ex2 e;
    ssize_t len;

    ex2_fresh();
    ex2_start(&e, "s");
    memset(line, 'L', 150);
    strcpy(line + 150, "\n");
    /* one answer, one prompt: the rest of the line is not taken as input */
    snprintf(expect, sizeof expect, "(only the first 64 bytes fit in the mapping)\n%s", PROMPT);
    ck_assert_str_eq(ex2_say(&e, line), expect);
    ex2_end(&e);
    len = ex2_file(file, sizeof file);
    ck_assert_int_eq(len, sizeof contents);
    for (int i = 0; i < 64; i++)
        ck_assert_int_eq(file[i], 'L');
    ck_assert_int_eq(memcmp(file + 64, contents + 64, sizeof contents - 64), 0);
}
END_TEST

void add_ex2_tests(Suite *s)
{
    TCase *tc = tcase_create("mmap_ex2");

    tcase_add_loop_test(tc, ex2_reproduces_the_slides_session, 0, 2);   /* s, then p */
    tcase_add_test(tc, ex2_two_shared_see_each_other);
    tcase_add_test(tc, ex2_private_keeps_to_itself);
    tcase_add_test(tc, ex2_long_line_cut_to_the_mapping);
    tcase_add_loop_test(tc, ex2_stops_on_ctrl_c, 0, 3);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
