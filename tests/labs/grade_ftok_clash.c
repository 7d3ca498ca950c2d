/* grade_ftok_clash: the grader of the lab ftok_clash
 * (chapters/ftok/labs/ftok_clash.c, statement in book/ftok.adoc). See grade.h. */
#define _GNU_SOURCE
#include "grade.h"

#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/stat.h>
#include <unistd.h>

/* Run ftok_clash on LIST; fail unless it exits STATUS. */
static void run_on(struct t_run *r, const char *list, int status)
{
    g_run(r, list, NULL);
    ck_assert_msg(r->status == status && !r->ended_by_limit,
                  "ftok_clash %s, where it should exit %d. Its input was:\n%sIt printed:\n%s%s",
                  g_status(r->status, r->ended_by_limit), status, list, r->out, g_shown(r->err));
}

/* The line ftok_clash must print for the key of PATH with ID, then ENTRIES. */
static void expect_line(const struct t_run *r, const char *list, const char *path, int id,
                        const char *entries, const char *why)
{
    char want[8192];

    snprintf(want, sizeof want, "0x%08x: %s", (unsigned int)ftok(path, id), entries);
    ck_assert_msg(strstr(r->out, want) != NULL, "%s: the line\n%sis missing. The input "
                  "was:\n%sftok_clash printed:\n%s", why, want, list, g_shown(r->out));
}

START_TEST(one_file_under_two_names)
{
    char file[PATH_MAX], link[PATH_MAX + 8], list[3 * PATH_MAX + 64], entries[3 * PATH_MAX];
    struct t_run r;

    t_new_file(file);
    snprintf(link, sizeof link, "%s.link", file);
    ck_assert_int_eq(symlink(file, link), 0);
    snprintf(list, sizeof list, "%s 1\n%s 1\n", file, link);
    run_on(&r, list, 0);
    snprintf(entries, sizeof entries, "%s 1, %s 1 (one file)\n", file, link);
    expect_line(&r, list, file, 1, entries, "a path and a symbolic link to it name one file, "
                "and ftok(3) follows the link (it calls stat, not lstat): they share a key");
    ck_assert_msg(t_lines(r.out) == 1, "one key is shared, so one line, not %d:\n%s",
                  t_lines(r.out), r.out);
}
END_TEST

START_TEST(ids_with_the_same_low_8_bits)
{
    char file[PATH_MAX], list[4 * PATH_MAX + 64], entries[4 * PATH_MAX];
    struct t_run r;

    t_new_file(file);
    snprintf(list, sizeof list, "%s 1\n%s 2\n%s 257\n%s -255\n", file, file, file, file);
    run_on(&r, list, 0);
    snprintf(entries, sizeof entries, "%s 1, %s 257, %s -255 (one file)\n", file, file, file);
    expect_line(&r, list, file, 1, entries, "ftok(3) keeps the low 8 bits of the id only: "
                "1, 257 (0x101) and -255 (0xffffff01) give one key, and 2 another");
    ck_assert_msg(t_lines(r.out) == 1, "one key is shared, so one line, not %d:\n%s",
                  t_lines(r.out), r.out);
}
END_TEST

START_TEST(no_line_for_a_key_not_shared)
{
    char a[PATH_MAX], b[PATH_MAX], list[4 * PATH_MAX + 64], entries[2 * PATH_MAX + 64];
    struct t_run r;

    t_new_file(a);
    t_new_file(b);
    snprintf(list, sizeof list, "%s 1\n%s 1\n%s 2\n%s 257\n", a, b, a, a);
    ck_assert_msg(ftok(a, 1) != ftok(b, 1) && ftok(a, 2) != ftok(b, 1),
                  "(the grader's two new files share a key: rerun)");
    run_on(&r, list, 0);
    snprintf(entries, sizeof entries, "%s 1, %s 257 (one file)\n", a, a);
    expect_line(&r, list, a, 1, entries, "ids 1 and 257 share their low 8 bits");
    ck_assert_msg(t_lines(r.out) == 1, "only one key is shared, so one line: no line for a key "
                  "that one line of the input has alone. The input was:\n%sIt printed:\n%s",
                  list, r.out);
}
END_TEST

START_TEST(keys_in_the_order_they_first_appear)
{
    char a[PATH_MAX], b[PATH_MAX], list[6 * PATH_MAX + 64], want[6 * PATH_MAX + 64];
    struct t_run r;

    t_new_file(a);
    t_new_file(b);
    snprintf(list, sizeof list, "%s 7\n%s 3\n%s 7\n%s 3\n", b, a, b, a);
    run_on(&r, list, 0);
    snprintf(want, sizeof want, "0x%08x: %s 7, %s 7 (one file)\n0x%08x: %s 3, %s 3 (one file)\n",
             (unsigned int)ftok(b, 7), b, b, (unsigned int)ftok(a, 3), a, a);
    ck_assert_msg(strcmp(r.out, want) == 0, "two keys are shared; the one that appears first "
                  "comes first. The input was:\n%sftok_clash must print:\n%sIt printed:\n%s",
                  list, want, g_shown(r.out));
}
END_TEST

START_TEST(a_path_ftok_cannot_use_is_said_and_skipped)
{
    char a[PATH_MAX], missing[PATH_MAX + 16], list[4 * PATH_MAX + 64], entries[3 * PATH_MAX];
    struct t_run r;

    t_new_file(a);
    snprintf(missing, sizeof missing, "%s.missing", a);
    snprintf(list, sizeof list, "%s 1\n%s 1\n%s 257\n", a, missing, a);
    run_on(&r, list, 1);
    ck_assert_msg(t_lines(r.err) == 1 && strncmp(r.err, "ftok_clash: ", 12) == 0 &&
                  strstr(r.err, missing) && strstr(r.err, ": ENOENT: "),
                  "a path that does not exist: one line on stderr, \"ftok_clash: CALL PATH: "
                  "ENOENT: ...\" (warn_errno says it so), and exit 1. The input was:\n%s"
                  "It printed on stderr:\n%s", list, g_shown(r.err));
    snprintf(entries, sizeof entries, "%s 1, %s 257 (one file)\n", a, a);
    expect_line(&r, list, a, 1, entries, "the other lines count all the same");
}
END_TEST

/* Two different files with one key: among the thousands of files under
 * /usr, some inode numbers differ by a multiple of 65536. */
static struct { key_t key; char path[PATH_MAX]; ino_t ino; dev_t dev; } seen[40000];
static int nseen;
static char twin[2][PATH_MAX];

static int look(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)ftw;
    if (flag != FTW_F || !S_ISREG(st->st_mode))
        return 0;
    key_t key = ftok(path, 1);
    for (int i = 0; i < nseen; i++)
        if (seen[i].key == key && (seen[i].ino != st->st_ino || seen[i].dev != st->st_dev)) {
            snprintf(twin[0], PATH_MAX, "%s", seen[i].path);
            snprintf(twin[1], PATH_MAX, "%s", path);
            return 1;
        }
    seen[nseen].key = key;
    seen[nseen].ino = st->st_ino;
    seen[nseen].dev = st->st_dev;
    snprintf(seen[nseen].path, PATH_MAX, "%s", path);
    return ++nseen == 40000;
}

START_TEST(different_files_with_one_key)
{
    char list[2 * PATH_MAX + 64], entries[2 * PATH_MAX + 64];
    struct t_run r;

    if (nftw("/usr", look, 32, FTW_PHYS | FTW_MOUNT) != 1 || twin[0][0] == '\0')
        T_SKIP("no two files under /usr share a key here");
    snprintf(list, sizeof list, "%s 1\n%s 1\n", twin[0], twin[1]);
    run_on(&r, list, 0);
    snprintf(entries, sizeof entries, "%s 1, %s 1 (different files)\n", twin[0], twin[1]);
    expect_line(&r, list, twin[0], 1, entries, "these are two different files (their inode "
                "numbers differ by a multiple of 65536) that share a key");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("ftok_clash");

    g_add(s, one_file_under_two_names);
    g_add(s, ids_with_the_same_low_8_bits);
    g_add(s, no_line_for_a_key_not_shared);
    g_add(s, keys_in_the_order_they_first_appear);
    g_add(s, a_path_ftok_cannot_use_is_said_and_skipped);
    g_add(s, different_files_with_one_key);
    return s;
}

int main(void)
{
    return g_main("chapters/ftok/labs/ftok_clash", make_suite);
}
