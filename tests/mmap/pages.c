/* pages.c: a mapping is made of whole pages; what is past the file's end;
 * an address is a hint; the faults (mmap-1 to -4, -9, -17, -24). */
#define _GNU_SOURCE
#include "mmap.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

START_TEST(page_tail_reads_zero_and_stays_out_of_file)
{
    int fd = new_file(100, NULL);
    char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    char buf[200];
    struct stat st;

    for (int i = 100; i < PAGE; i++)
        ck_assert_int_eq(p[i], 0);
    p[100] = 'x';
    ck_assert_int_eq(msync(p, PAGE, MS_SYNC), 0);
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert_int_eq(st.st_size, 100);
    ck_assert_int_eq(pread(fd, buf, sizeof buf, 0), 100);
    ck_assert_int_eq(munmap(p, PAGE), 0);
    close(fd);
}
END_TEST

START_TEST(mapping_length_rounds_up_to_a_page)
{
    int fd = new_file(200, NULL);
    char *p = map(64, PROT_READ | PROT_WRITE, MAP_SHARED, fd);   /* 64 bytes asked */

    /* bytes 64 to 199 are in the mapping's page, and in the file */
    strcpy(p + 100, "past the 64 bytes");
    ck_assert_str_eq(file_text(fd, 100), "past the 64 bytes");
    /* so munmap of the 64 bytes unmaps the whole page */
    ck_assert_int_eq(munmap(p, 64), 0);
    ck_assert_int_eq(msync(p, PAGE, MS_ASYNC), -1);
    ck_assert_int_eq(errno, ENOMEM);
    close(fd);
}
END_TEST

START_TEST(munmap_of_nothing_succeeds_msync_enomem)
{
    int fd = new_file(PAGE, NULL);
    char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);

    ck_assert_int_eq(munmap(p, PAGE), 0);
    ck_assert_int_eq(munmap(p, PAGE), 0);           /* nothing there: no error */
    errno = 0;
    ck_assert_int_eq(msync(p, PAGE, MS_SYNC), -1);
    ck_assert_int_eq(errno, ENOMEM);
    close(fd);
}
END_TEST

START_TEST(address_is_a_hint_unless_map_fixed)
{
    int fd = new_file(PAGE, "hint");
    char *free3, *p, *q;

    /* find three free pages, then give them back: free addresses to ask for */
    free3 = map(3 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    ck_assert_int_eq(munmap(free3, 3 * PAGE), 0);
    p = mmap(free3 + PAGE + 1, PAGE, PROT_READ, MAP_SHARED, fd, 0);   /* not aligned */
    ck_assert_ptr_ne(p, MAP_FAILED);
    /* rounded to a page boundary next to it (x86 rounds down, others up) */
    ck_assert_msg(p == free3 + PAGE || p == free3 + 2 * PAGE, "hint %p, got %p",
                  (void *)(free3 + PAGE + 1), (void *)p);
    ck_assert_str_eq(p, "hint");
    /* a hint where something is mapped is ignored: the old mapping stays */
    q = mmap(p, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(q, MAP_FAILED);
    ck_assert_ptr_ne(q, p);
    ck_assert_str_eq(p, "hint");
    ck_assert_int_eq(munmap(q, PAGE), 0);
    /* MAP_FIXED takes the address as it is, over what was mapped there */
    q = mmap(p, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    ck_assert_ptr_eq(q, p);
    ck_assert_int_eq(q[0], 0);
    ck_assert_int_eq(munmap(q, PAGE), 0);
    close(fd);
}
END_TEST

START_TEST(shared_and_private_together_is_shared_validate)
{
    int fd = new_file(PAGE, NULL);
    char *p;

    ck_assert_int_eq(MAP_SHARED | MAP_PRIVATE, MAP_SHARED_VALIDATE);
    p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_PRIVATE, fd);
    strcpy(p, "shared");                            /* it behaves as MAP_SHARED */
    ck_assert_str_eq(file_text(fd, 0), "shared");
    ck_assert_int_eq(munmap(p, PAGE), 0);
    close(fd);
}
END_TEST

/* --- a file grown past what a mapping wrote past its end ------------------------------- */

/* Write past the end of FD's 100 bytes through a mapping, grow the file to
 * 200 bytes, and return what a read(2) finds at byte 100. */
static char grown_tail(int fd)
{
    char *p, buf[200];

    ck_assert_int_eq(ftruncate(fd, 100), 0);
    p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    p[100] = 'x';
    ck_assert_int_eq(msync(p, PAGE, MS_SYNC), 0);
    ck_assert_int_eq(munmap(p, PAGE), 0);
    ck_assert_int_eq(ftruncate(fd, 200), 0);
    ck_assert_int_eq(pread(fd, buf, sizeof buf, 0), 200);
    close(fd);
    return buf[100];
}

START_TEST(grown_file_zeroes_the_tail_on_disk)
{
    int disk = disk_file();

    if (disk == -1)
        T_SKIP("no disk file system (run directory or /var/tmp) here");
    ck_assert_int_eq(grown_tail(disk), 0);      /* zeroed first, as POSIX asks */
}
END_TEST

/* A kernel's behaviour, not a promise: the book states it for the Linux this
 * lab was written on, and a later tmpfs may zero the tail as ext4 does. */
START_TEST(grown_file_keeps_the_tail_on_tmpfs_in_6_18)
{
    char path[] = "/dev/shm/test_mmap.XXXXXX";
    struct utsname u;
    int shm;

    ck_assert_int_eq(uname(&u), 0);
    if (strncmp(u.release, "6.18.", 5) != 0 && strcmp(u.release, "6.18") != 0)
        T_SKIP("the book states what tmpfs does here for Linux 6.18 only");
    if ((shm = mkstemp(path)) == -1)
        T_SKIP("no /dev/shm to make a file in");
    ck_assert_int_eq(unlink(path), 0);
    if (!on_tmpfs(shm)) {
        close(shm);
        T_SKIP("/dev/shm is not tmpfs here");
    }
    ck_assert_int_eq(grown_tail(shm), 'x');     /* the 'x' comes back */
}
END_TEST

/* --- faults: the access that must fault is made in a child ------------------------------ */

START_TEST(page_past_end_of_file_sigbus)
{
    int fd = new_file(100, NULL);
    volatile char *p = map(2 * PAGE, PROT_READ, MAP_SHARED, fd);

    ck_assert_int_eq(p[PAGE - 1], 0);               /* the file's last page: fine */
    ck_assert_int_eq(touch_in_child(p + PAGE, false), 128 + SIGBUS);   /* no file there */
    close(fd);
}
END_TEST

START_TEST(past_the_mapping_sigsegv)
{
    int fd = new_file(2 * PAGE, NULL);
    volatile char *p = map(3 * PAGE, PROT_READ, MAP_SHARED, fd);

    ck_assert_int_eq(munmap((char *)p + 2 * PAGE, PAGE), 0);   /* a hole after 2 pages */
    ck_assert_int_eq(p[2 * PAGE - 1], 0);
    ck_assert_int_eq(touch_in_child(p + 2 * PAGE, false), 128 + SIGSEGV);
    close(fd);
}
END_TEST

START_TEST(write_to_read_only_mapping_sigsegv)
{
    int fd = new_file(PAGE, NULL);
    volatile char *p = map(PAGE, PROT_READ, MAP_SHARED, fd);

    ck_assert_int_eq(p[0], 0);                                  /* reading is fine */
    ck_assert_int_eq(touch_in_child(p, true), 128 + SIGSEGV);
    ck_assert_str_eq(file_text(fd, 0), "");                     /* nothing written */
    close(fd);
}
END_TEST

START_TEST(access_after_munmap_sigsegv)
{
    int fd = new_file(PAGE, NULL);
    volatile char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);

    p[0] = 'x';
    ck_assert_int_eq(munmap((char *)p, PAGE), 0);
    ck_assert_int_eq(touch_in_child(p, false), 128 + SIGSEGV);
    close(fd);
}
END_TEST

void add_pages_tests(Suite *s)
{
    TCase *pages = tcase_create("pages"), *sigs = tcase_create("signals");

    tcase_add_test(pages, page_tail_reads_zero_and_stays_out_of_file);
    tcase_add_test(pages, mapping_length_rounds_up_to_a_page);
    tcase_add_test(pages, munmap_of_nothing_succeeds_msync_enomem);
    tcase_add_test(pages, address_is_a_hint_unless_map_fixed);
    tcase_add_test(pages, shared_and_private_together_is_shared_validate);
    tcase_add_test(pages, grown_file_zeroes_the_tail_on_disk);
    tcase_add_test(pages, grown_file_keeps_the_tail_on_tmpfs_in_6_18);

    tcase_add_test(sigs, page_past_end_of_file_sigbus);
    tcase_add_test(sigs, past_the_mapping_sigsegv);
    tcase_add_test(sigs, write_to_read_only_mapping_sigsegv);
    tcase_add_test(sigs, access_after_munmap_sigsegv);
    suite_add_tcase(s, pages);
    suite_add_tcase(s, sigs);
}
