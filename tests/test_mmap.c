/* test_mmap.c: mmap, shared vs private (chapters/mmap).
 * Each test decides one or more claims of chapters/mmap/claims.tsv; the
 * tests are in the sections of tests/mmap/, this file has what they share.
 * Files are made in the run's directory (t_new_file), which the harness
 * removes; the System V segments of the comparison come from t_get. */
#define _GNU_SOURCE
#include "mmap/mmap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include <unistd.h>

int new_file(off_t size, const char *text)
{
    char path[PATH_MAX];
    int fd;

    t_new_file(path);
    fd = open(path, O_RDWR);
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(ftruncate(fd, size), 0);
    if (text != NULL)
        ck_assert_int_eq(pwrite(fd, text, strlen(text), 0), (ssize_t)strlen(text));
    return fd;
}

char *map(size_t len, int prot, int flags, int fd)
{
    char *p = mmap(NULL, len, prot, flags, fd, 0);

    ck_assert_msg(p != MAP_FAILED, "mmap: %s", strerror(errno));
    return p;
}

const char *file_text(int fd, off_t offset)
{
    static char buf[64];
    ssize_t n = pread(fd, buf, sizeof buf - 1, offset);

    ck_assert_int_ge(n, 0);
    buf[n] = '\0';
    return buf;
}

bool on_tmpfs(int fd)
{
    struct statfs fs;

    ck_assert_int_eq(fstatfs(fd, &fs), 0);
    return fs.f_type == 0x01021994;     /* TMPFS_MAGIC */
}

/* In the run directory, or else (when that is on tmpfs) a nameless one in
 * /var/tmp; -1 if both are tmpfs. */
int disk_file(void)
{
    char path[] = "/var/tmp/test_mmap.XXXXXX";
    int fd = new_file(PAGE, NULL);

    if (!on_tmpfs(fd))
        return fd;
    close(fd);
    fd = mkstemp(path);
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(ftruncate(fd, PAGE), 0);
    if (!on_tmpfs(fd))
        return fd;
    close(fd);
    return -1;
}

/* FN(ARG) in a child: its status, and all it wrote, in TEXT. */
static int run_child(int (*fn)(void *), void *arg, char text[4096])
{
    struct t_proc p;

    t_fork(&p, T_ERR_TO_OUT, fn, arg);
    text[0] = '\0';
    return t_finish(&p, text, 4096, NULL, 0);
}

void child_ok(int (*fn)(void *), void *arg, char out[4096])
{
    char text[4096];
    int status = run_child(fn, arg, text);

    ck_assert_msg(status == 0, "the child: status %d, not 0; it said:\n%s", status, text);
    if (out != NULL)
        strcpy(out, text);
}

struct touch {
    volatile char *at;
    bool write;
};

static int touch(void *arg)
{
    const struct touch *t = arg;

    signal(SIGBUS, SIG_DFL);            /* not a sanitizer's handler (SANITIZE=1) */
    signal(SIGSEGV, SIG_DFL);
    setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });   /* and no core file */
    if (t->write)
        *t->at = 'x';
    else
        (void)*t->at;
    return 0;                           /* no fault */
}

int touch_in_child(volatile char *at, bool write)
{
    struct touch t = { at, write };
    char text[4096];
    int status = run_child(touch, &t, text);

    fputs(text, stderr);                /* nothing, unless a sanitizer spoke */
    return status;
}

static Suite *make_suite(void)
{
    Suite *s = suite_create("mmap");

    add_share_tests(s);
    add_pages_tests(s);
    add_errno_tests(s);
    add_msync_tests(s);
    add_sysv_tests(s);
    add_ex2_tests(s);
    add_programs_tests(s);
    return s;
}

int main(void)
{
    return t_main(make_suite);
}
