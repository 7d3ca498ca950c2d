/* errno.c: mmap and msync refused, one row a case, and the cases Linux
 * takes that one might expect refused (err 0) (mmap-1 to -5). Every call is
 * the owner's: what mmap may do is decided by how the descriptor was opened,
 * not by who makes the call, so there are no rows of a second user. */
#define _GNU_SOURCE
#include "mmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

/* A one-page file open three ways, a pipe, a shared mapping of the file, an
 * address one byte past a page boundary, and a page with nothing mapped. */
struct fixture {
    int rdwr, rdonly, wronly, pipe[2];
    char *mapped, *odd, *hole;
};
#define F(ctx) ((struct fixture *)(ctx))

static void make_fixture(struct fixture *f)
{
    char path[PATH_MAX];

    t_new_file(path);
    ck_assert_int_eq(truncate(path, PAGE), 0);
    f->rdwr = open(path, O_RDWR);
    f->rdonly = open(path, O_RDONLY);
    f->wronly = open(path, O_WRONLY);
    ck_assert(f->rdwr != -1 && f->rdonly != -1 && f->wronly != -1);
    ck_assert_int_eq(pipe(f->pipe), 0);
    f->mapped = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, f->rdwr);
    f->odd = map(PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1) + 1;
    f->hole = map(PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    ck_assert_int_eq(munmap(f->hole, PAGE), 0);
    /* no teardown: the test's process ends after its row, and all goes with it */
}

/* mmap; what it maps is unmapped at once: 0, or -1 and errno. */
static int try_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    void *p = mmap(addr, len, prot, flags, fd, offset);

    return p == MAP_FAILED ? -1 : munmap(p, len);
}

static int length_0(void *c)
{ return try_mmap(NULL, 0, PROT_READ, MAP_SHARED, F(c)->rdwr, 0); }
static int offset_off_a_page(void *c)
{ return try_mmap(NULL, PAGE, PROT_READ, MAP_SHARED, F(c)->rdwr, 100); }
static int neither_shared_nor_private(void *c)
{ return try_mmap(NULL, PAGE, PROT_READ, 0, F(c)->rdwr, 0); }
static int fixed_off_a_page(void *c)
{ return try_mmap(F(c)->odd, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, F(c)->rdwr, 0); }
static int write_shared_read_only_fd(void *c)
{ return try_mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, F(c)->rdonly, 0); }
static int write_private_read_only_fd(void *c)
{ return try_mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, F(c)->rdonly, 0); }
static int read_write_only_fd(void *c)
{ return try_mmap(NULL, PAGE, PROT_READ, MAP_SHARED, F(c)->wronly, 0); }
static int write_write_only_fd(void *c)
{ return try_mmap(NULL, PAGE, PROT_WRITE, MAP_SHARED, F(c)->wronly, 0); }
static int fd_minus_1(void *c)
{ (void)c; return try_mmap(NULL, PAGE, PROT_READ, MAP_SHARED, -1, 0); }
static int a_pipe(void *c)
{ return try_mmap(NULL, PAGE, PROT_READ, MAP_SHARED, F(c)->pipe[0], 0); }

static int sync_and_async(void *c) { return msync(F(c)->mapped, 64, MS_SYNC | MS_ASYNC); }
static int sync_off_a_page(void *c) { return msync(F(c)->mapped + 1, 64, MS_SYNC); }
static int sync_unknown_flag(void *c) { return msync(F(c)->mapped, 64, 0x100); }
static int sync_nothing_mapped(void *c) { return msync(F(c)->hole, 64, MS_SYNC); }
static int sync_invalidate(void *c) { return msync(F(c)->mapped, 64, MS_INVALIDATE | MS_SYNC); }
static int sync_no_flag(void *c) { return msync(F(c)->mapped, 64, 0); }

static const struct t_errno_row rows[] = {
    { "mmap of length 0", length_0, EINVAL, T_OWNER },
    { "mmap at an offset not a page multiple", offset_off_a_page, EINVAL, T_OWNER },
    { "mmap with neither MAP_SHARED nor MAP_PRIVATE", neither_shared_nor_private, EINVAL,
      T_OWNER },
    { "mmap MAP_FIXED at an address not on a page", fixed_off_a_page, EINVAL, T_OWNER },
    { "mmap PROT_WRITE, MAP_SHARED of a read-only fd", write_shared_read_only_fd, EACCES,
      T_OWNER },
    { "mmap PROT_WRITE, MAP_PRIVATE of a read-only fd (taken)", write_private_read_only_fd, 0,
      T_OWNER },
    { "mmap PROT_READ of a write-only fd", read_write_only_fd, EACCES, T_OWNER },
    { "mmap PROT_WRITE of a write-only fd", write_write_only_fd, EACCES, T_OWNER },
    { "mmap of fd -1 without MAP_ANONYMOUS", fd_minus_1, EBADF, T_OWNER },
    { "mmap of a pipe", a_pipe, ENODEV, T_OWNER },
    { "msync MS_SYNC|MS_ASYNC", sync_and_async, EINVAL, T_OWNER },
    { "msync at an address not on a page", sync_off_a_page, EINVAL, T_OWNER },
    { "msync with an unknown flag", sync_unknown_flag, EINVAL, T_OWNER },
    { "msync of a range with nothing mapped", sync_nothing_mapped, ENOMEM, T_OWNER },
    { "msync MS_INVALIDATE|MS_SYNC (taken)", sync_invalidate, 0, T_OWNER },
    { "msync with neither MS_SYNC nor MS_ASYNC (Linux takes it)", sync_no_flag, 0, T_OWNER },
};

/* Not mmap_errno_cases: the book's test anchors are one namespace, and test_shm
 * has one by that name. */
START_TEST(mmap_errno_cases)
{
    struct fixture f;

    make_fixture(&f);
    t_errno_case(&rows[_i], &f);
}
END_TEST

void add_errno_tests(Suite *s)
{
    TCase *tc = tcase_create("errors");

    tcase_add_loop_test(tc, mmap_errno_cases, 0, T_ROWS(rows));
    suite_add_tcase(s, tc);
}
