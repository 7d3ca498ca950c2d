/* programs.c: the chapter's other programs, the command lines they refuse,
 * and the chapter's sample sessions (mmap-15 and the book's sessions). */
#define _GNU_SOURCE
#include "mmap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

START_TEST(mmap_anon_demo)
{
    struct t_run r;

    t_run(&r, NULL, "chapters/mmap/mmap_anon", "-n", "500", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_str_eq(r.out,
                     "MAP_SHARED|MAP_ANONYMOUS   child counted to 500, parent reads 500\n"
                     "MAP_SHARED of /dev/zero    child counted to 500, parent reads 500\n"
                     "MAP_PRIVATE|MAP_ANONYMOUS  child counted to 500, parent reads 0\n"
                     "MAP_PRIVATE of /dev/zero   child counted to 500, parent reads 0\n");
}
END_TEST

START_TEST(mmap_sync_demo)
{
    struct t_run r;
    char probe[PATH_MAX];
    int fd;

    t_new_file(probe);                  /* on the file system mmap_sync uses */
    fd = open(probe, O_RDONLY);
    ck_assert_int_ne(fd, -1);
    t_run(&r, NULL, "chapters/mmap/mmap_sync", NULL);   /* in the run directory */
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_ptr_nonnull(strstr(r.out, "  no msync yet       reader's pread: \"hello\"  page dirty: yes\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "  msync MS_ASYNC     reader's pread: \"hello\"  page dirty: "));
    ck_assert_ptr_nonnull(strstr(r.out, on_tmpfs(fd)
        ? "  msync MS_SYNC      reader's pread: \"hello\"  page dirty: yes\n"
        : "  msync MS_SYNC      reader's pread: \"hello\"  page dirty: no\n"));
    ck_assert_ptr_nonnull(strstr(r.out,
        "  msync MS_INVALIDATE  the private mapping reads \"mine\", the file \"theirs\"\n"));
    close(fd);
}
END_TEST

/* Is there a core file (core, core.PID) in the run directory? */
static bool core_in_rundir(void)
{
    DIR *d = opendir(t_rundir());
    struct dirent *e;
    bool found = false;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        found = found || strncmp(e->d_name, "core", 4) == 0;
    closedir(d);
    return found;
}

START_TEST(mmap_faults_demo)
{
    struct t_run r;
    struct rlimit core;

    /* cores allowed, as they may be on a student's machine: the children it
     * kills on purpose must leave none (where core_pattern writes files) */
    ck_assert_int_eq(getrlimit(RLIMIT_CORE, &core), 0);
    core.rlim_cur = core.rlim_max;
    ck_assert_int_eq(setrlimit(RLIMIT_CORE, &core), 0);
    t_run(&r, NULL, "chapters/mmap/mmap_faults", NULL);
    ck_assert(!core_in_rundir());
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_ptr_nonnull(strstr(r.out, "byte 100 reads 0; wrote 'x' there, the file still has 100 bytes\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "past the end of the file:  killed by SIGBUS\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "after the mapping:                 killed by SIGSEGV\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "PROT_READ mapping:                          killed by SIGSEGV\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "after munmap:                           killed by SIGSEGV\n"));
    ck_assert_int_eq(t_lines(r.out), 5);
    t_run(&r, NULL, "chapters/mmap/mmap_faults", "eof", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(t_lines(r.out), 2);
    ck_assert_ptr_nonnull(strstr(r.out, "\neof  "));
}
END_TEST

/* A command line that must be refused: its exit status and its one line. */
static const struct t_bad_line bad_lines[] = {
    { "mmap_ex2", { NULL }, 2, "mmap_ex2: missing s (shared) or p (private) (see mmap_ex2 --help)" },
    { "mmap_ex2", { "x" }, 2,
      "mmap_ex2: \"x\": give s (MAP_SHARED) or p (MAP_PRIVATE) (see mmap_ex2 --help)" },
    { "mmap_ex2", { "shared" }, 2,
      "mmap_ex2: \"shared\": give s (MAP_SHARED) or p (MAP_PRIVATE) (see mmap_ex2 --help)" },
    { "mmap_ex2", { "" }, 2,
      "mmap_ex2: \"\": give s (MAP_SHARED) or p (MAP_PRIVATE) (see mmap_ex2 --help)" },
    { "mmap_ex2", { "s", "p" }, 2, "mmap_ex2: too many arguments (see mmap_ex2 --help)" },
    { "mmap_anon", { "-n", "0" }, 2,
      "mmap_anon: count: 0 is out of range (1 to 1000000000) (see mmap_anon --help)" },
    { "mmap_anon", { "-n", "12x" }, 2,
      "mmap_anon: count: \"12x\" is not a number (see mmap_anon --help)" },
    { "mmap_anon", { "-n" }, 2, "mmap_anon: option -n needs an argument (see mmap_anon --help)" },
    { "mmap_anon", { "extra" }, 2, "mmap_anon: too many arguments (see mmap_anon --help)" },
    { "mmap_sync", { "a", "b" }, 2, "mmap_sync: too many arguments (see mmap_sync --help)" },
    { "mmap_sync", { "" }, 2, "mmap_sync: DIR is empty (see mmap_sync --help)" },
    { "mmap_sync", { "/no/such/dir" }, 1,
      "mmap_sync: mkstemp in /no/such/dir: ENOENT: No such file or directory" },
    { "mmap_faults", { "eof", "bogus" }, 2,
      "mmap_faults: \"bogus\" is not a case: eof, past, readonly or unmapped (see mmap_faults --help)" },
    { "mmap_faults", { "-x" }, 2, "mmap_faults: unknown option -x (see mmap_faults --help)" },
};

START_TEST(bad_command_lines)
{
    char path[PATH_MAX + 16];

    /* a refused command line makes no file (mmap_ex2's tests leave one) */
    snprintf(path, sizeof path, "%s/shared_mmap", t_rundir());
    ck_assert(unlink(path) == 0 || errno == ENOENT);
    t_refuse("mmap", &bad_lines[_i]);
    ck_assert_msg(access(path, F_OK) == -1, "%s made %s", bad_lines[_i].prog, path);
}
END_TEST

/* Every session of the chapter plays and shows what the book says it shows. */
START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "ex2.session", { "72 byte writing... to file -> shared_mmap",
                           "Current mmap -> 'New memory map data", "e between Shared mmap" } },
        { "anon.session", { "MAP_SHARED of /dev/zero    child counted to 1000, parent reads 1000",
                            "MAP_PRIVATE|MAP_ANONYMOUS  child counted to 1000, parent reads 0",
                            "MAP_SHARED|MAP_ANONYMOUS" } },
        { "sync.session", { "no msync yet       reader's pread: \"hello\"",
                            "msync MS_SYNC", "the private mapping reads \"mine\"" } },
        { "faults.session", { "killed by SIGBUS", "killed by SIGSEGV", "byte 100 reads 0" } },
        /* two terminals: with s the other one shows the line, with p it does not */
        { "shared.session", { "[2] Current mmap -> 'hello from terminal 1",
                              "[1] Current mmap -> 'and this from terminal 2",
                              "[1] ween Shared mmap and Private mmap?    - end - ^@" } },
        { "private.session", { "[2] Current mmap -> '(*) What's difference",
                               "[1] Current mmap -> 'hello from terminal 1",
                               "[1] (*) What's difference between Shared mmap and Private mmap?    - end - ^@" } },
    };

    t_play_sessions("mmap", expect, T_ROWS(expect), NULL);
}
END_TEST

void add_programs_tests(Suite *s)
{
    TCase *progs = tcase_create("programs"), *sessions = tcase_create("sessions");

    tcase_add_loop_test(progs, bad_command_lines, 0, T_ROWS(bad_lines));
    tcase_add_test(progs, mmap_anon_demo);
    tcase_add_test(progs, mmap_sync_demo);
    tcase_add_test(progs, mmap_faults_demo);
    tcase_set_timeout(progs, 60);
    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 120);
    suite_add_tcase(s, progs);
    suite_add_tcase(s, sessions);
}
