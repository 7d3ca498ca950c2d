/* msync.c: what MS_SYNC, MS_ASYNC and MS_INVALIDATE do, seen in the page's
 * dirty bit (mmap-6 to -8). */
#define _GNU_SOURCE
#include "mmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Is the page at ADDR dirty, as /proc/self/smaps says? */
static bool page_dirty(const void *addr)
{
    char line[256];
    unsigned long start, end, kb, total = 0;
    bool ours = false;
    FILE *f = fopen("/proc/self/smaps", "r");

    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
            ours = start == (unsigned long)addr;
        else if (ours && (sscanf(line, "Shared_Dirty: %lu", &kb) == 1 ||
                          sscanf(line, "Private_Dirty: %lu", &kb) == 1))
            total += kb;
    }
    fclose(f);
    return total > 0;
}

START_TEST(ms_sync_writes_the_page_back)
{
    int fd = disk_file();
    char *p;

    if (fd == -1)
        T_SKIP("the run directory and /var/tmp are on tmpfs, which has no disk");
    p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    strcpy(p, "to the disk");
    ck_assert(page_dirty(p));
    ck_assert_int_eq(msync(p, PAGE, MS_SYNC), 0);
    ck_assert(!page_dirty(p));                      /* written: clean again */
    ck_assert_int_eq(munmap(p, PAGE), 0);
    close(fd);
}
END_TEST

START_TEST(ms_sync_on_tmpfs_leaves_the_page_dirty)
{
    char path[] = "/dev/shm/test_mmap.XXXXXX";
    int fd = mkstemp(path);
    char *p;

    if (fd == -1)
        T_SKIP("no /dev/shm to make a file in");
    ck_assert_int_eq(unlink(path), 0);
    if (!on_tmpfs(fd)) {
        close(fd);
        T_SKIP("/dev/shm is not tmpfs here");
    }
    ck_assert_int_eq(ftruncate(fd, PAGE), 0);
    p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    strcpy(p, "no disk");
    ck_assert_int_eq(msync(p, PAGE, MS_SYNC), 0);
    ck_assert(page_dirty(p));                       /* nowhere to write it */
    ck_assert_int_eq(munmap(p, PAGE), 0);
    close(fd);
}
END_TEST

START_TEST(ms_async_writes_nothing)
{
    int fd = disk_file(), tries;
    char *p;

    if (fd == -1)
        T_SKIP("the run directory and /var/tmp are on tmpfs, which has no disk");
    p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    /* The kernel's flusher may write a dirty page at any time (after 30 s,
     * or sooner under pressure): only a page clean after every try fails. */
    for (tries = 0; tries < 3; tries++) {
        p[0] = (char)('a' + tries);
        ck_assert_int_eq(msync(p, PAGE, MS_ASYNC), 0);
        if (page_dirty(p))
            break;                                  /* returned, nothing written */
        ck_assert_int_eq(msync(p, PAGE, MS_SYNC), 0);
    }
    ck_assert_msg(tries < 3, "the page was clean after MS_ASYNC in all 3 tries");
    ck_assert_int_eq(munmap(p, PAGE), 0);
    close(fd);
}
END_TEST

START_TEST(ms_invalidate_keeps_a_private_copy)
{
    int fd = new_file(PAGE, "file");
    char *private = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
    char *shared = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);

    strcpy(private, "mine");
    ck_assert_int_eq(pwrite(fd, "theirs", 7, 0), 7);
    ck_assert_int_eq(msync(private, PAGE, MS_INVALIDATE), 0);
    ck_assert_str_eq(private, "mine");              /* not thrown away */
    ck_assert_int_eq(msync(shared, PAGE, MS_INVALIDATE), 0);
    ck_assert_str_eq(shared, "theirs");             /* coherent before and after */
    ck_assert_int_eq(munmap(private, PAGE), 0);
    ck_assert_int_eq(munmap(shared, PAGE), 0);
    close(fd);
}
END_TEST

START_TEST(ms_invalidate_on_locked_pages_ebusy)
{
    int fd = new_file(PAGE, NULL);
    char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);

    /* the system call itself: a sanitizer's mlock() does nothing */
    if (syscall(SYS_mlock, p, PAGE) == -1) {
        munmap(p, PAGE);
        close(fd);
        T_SKIP("mlock of one page refused here (RLIMIT_MEMLOCK)");
    }
    errno = 0;
    ck_assert_int_eq(msync(p, PAGE, MS_INVALIDATE), -1);
    ck_assert_int_eq(errno, EBUSY);
    ck_assert_int_eq(munmap(p, PAGE), 0);
    close(fd);
}
END_TEST

void add_msync_tests(Suite *s)
{
    TCase *tc = tcase_create("msync");

    tcase_add_test(tc, ms_sync_writes_the_page_back);
    tcase_add_test(tc, ms_async_writes_nothing);
    tcase_add_test(tc, ms_sync_on_tmpfs_leaves_the_page_dirty);
    tcase_add_test(tc, ms_invalidate_keeps_a_private_copy);
    tcase_add_test(tc, ms_invalidate_on_locked_pages_ebusy);
    suite_add_tcase(s, tc);
}
