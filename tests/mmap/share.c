/* share.c: what a shared and a private mapping show to other processes and
 * to read(2) and write(2), with a file and without one (mmap-10 to -12, -15). */
#define _GNU_SOURCE
#include "mmap.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* In another process: map the file *FD shared, of its own, and write to it
 * (no msync). */
static int write_own_mapping(void *fd)
{
    char *q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, *(int *)fd, 0);

    NEED(q != MAP_FAILED);
    strcpy(q, "from the child");
    return 0;
}

START_TEST(shared_write_seen_by_read_and_other_process)
{
    int fd = new_file(PAGE, NULL);
    char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);

    child_ok(write_own_mapping, &fd, NULL);          /* it has ended: no race */
    ck_assert_str_eq(p, "from the child");
    ck_assert_str_eq(file_text(fd, 0), "from the child");
    /* and the other way: a write(2) shows in the mapping at once */
    ck_assert_int_eq(pwrite(fd, "FROM", 4, 0), 4);
    ck_assert_str_eq(p, "FROM the child");
    ck_assert_int_eq(munmap(p, PAGE), 0);
    close(fd);
}
END_TEST

/* In another process: a shared mapping of the file *FD reads "original". */
static int reads_original(void *fd)
{
    char *q = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, *(int *)fd, 0);

    NEED(q != MAP_FAILED);
    NEED(strcmp(q, "original") == 0);
    return 0;
}

START_TEST(private_write_is_copy_on_write)
{
    int fd = new_file(PAGE, "original");
    char *shared = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    char *private = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);

    strcpy(private, "mine");
    ck_assert_str_eq(private, "mine");              /* the writer sees its copy */
    ck_assert_str_eq(shared, "original");           /* nobody else does */
    ck_assert_str_eq(file_text(fd, 0), "original");
    child_ok(reads_original, &fd, NULL);
    /* msync of a private mapping succeeds and writes nothing */
    ck_assert_int_eq(msync(private, PAGE, MS_SYNC), 0);
    ck_assert_str_eq(file_text(fd, 0), "original");
    ck_assert_int_eq(munmap(private, PAGE), 0);
    ck_assert_int_eq(munmap(shared, PAGE), 0);
    close(fd);
}
END_TEST

START_TEST(private_sees_file_changes_until_it_writes)
{
    int fd = new_file(2 * PAGE, "before");
    char *private = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);

    ck_assert_str_eq(private, "before");
    /* not copied yet: the page is the file's, and shows others' writes */
    ck_assert_int_eq(pwrite(fd, "AFTER!", 6, 0), 6);
    ck_assert_str_eq(private, "AFTER!");
    private[100] = 'x';                             /* now the page is copied */
    ck_assert_int_eq(pwrite(fd, "later!", 6, 0), 6);
    ck_assert_str_eq(private, "AFTER!");
    /* copy on write is per page: the second page still follows the file */
    ck_assert_int_eq(pwrite(fd, "page 2", 6, PAGE), 6);
    ck_assert_str_eq(private + PAGE, "page 2");
    ck_assert_int_eq(munmap(private, 2 * PAGE), 0);
    close(fd);
}
END_TEST

/* --- without a file ----------------------------------------------------------------- */

static const struct anon_row {
    const char *what;
    int flags, zero, shared;
} anon_rows[] = {
    { "MAP_SHARED|MAP_ANONYMOUS", MAP_SHARED | MAP_ANONYMOUS, 0, 1 },
    { "MAP_SHARED of /dev/zero", MAP_SHARED, 1, 1 },
    { "MAP_PRIVATE|MAP_ANONYMOUS", MAP_PRIVATE | MAP_ANONYMOUS, 0, 0 },
    { "MAP_PRIVATE of /dev/zero", MAP_PRIVATE, 1, 0 },
};

/* In the child: it inherited the counter at 1, and counts to 2. */
static int count_on(void *counter)
{
    volatile int *c = counter;

    NEED(*c == 1);
    NEED(++*c == 2);
    return 0;
}

START_TEST(parent_and_child_share_only_shared_mappings)
{
    const struct anon_row *row = &anon_rows[_i];
    int fd = row->zero ? open("/dev/zero", O_RDWR) : -1;
    volatile int *counter;

    ck_assert(!row->zero || fd != -1);
    counter = (volatile int *)map(PAGE, PROT_READ | PROT_WRITE, row->flags, fd);
    ck_assert_int_eq(*counter, 0);                  /* zero-filled */
    *counter = 1;                                   /* before fork: both see it */
    child_ok(count_on, (void *)counter, NULL);      /* it has ended: no race */
    ck_assert_msg(*counter == (row->shared ? 2 : 1), "%s: the parent reads %d, not %d",
                  row->what, *counter, row->shared ? 2 : 1);
    if (row->zero) {                    /* a new mapping of /dev/zero: new memory */
        int *other = (int *)map(PAGE, PROT_READ | PROT_WRITE, row->flags, fd);

        ck_assert_int_eq(*other, 0);
        ck_assert_int_eq(munmap(other, PAGE), 0);
    }
    ck_assert_int_eq(munmap((void *)counter, PAGE), 0);
    if (fd != -1)
        close(fd);
}
END_TEST

void add_share_tests(Suite *s)
{
    TCase *share = tcase_create("shared-private"), *anon = tcase_create("anonymous");

    tcase_add_test(share, shared_write_seen_by_read_and_other_process);
    tcase_add_test(share, private_write_is_copy_on_write);
    tcase_add_test(share, private_sees_file_changes_until_it_writes);
    tcase_add_loop_test(anon, parent_and_child_share_only_shared_mappings, 0, T_ROWS(anon_rows));
    suite_add_tcase(s, share);
    suite_add_tcase(s, anon);
}
