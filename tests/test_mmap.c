/* test_mmap.c: mmap, shared vs private (chapters/mmap).
 * Each test decides one or more claims of chapters/mmap/claims.tsv. Files are
 * made in the run's directory (t_new_file), which the harness removes; the
 * System V segments of the comparison with shared memory come from t_get. */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PAGE = 4096 };

/* mmap_ex2's sentence, its prompt, and its 64-byte window on it. */
static const char contents[] =
    "(*) What's difference between Shared mmap and Private mmap?    - end - ";
#define PROMPT "'*' print Current mmap otherwise input text to mmap. >>"

/* A new file of SIZE bytes holding TEXT (may be NULL), open read-write. */
static int new_file(off_t size, const char *text)
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

static char *map(size_t len, int prot, int flags, int fd)
{
    char *p = mmap(NULL, len, prot, flags, fd, 0);

    ck_assert_msg(p != MAP_FAILED, "mmap: %s", strerror(errno));
    return p;
}

/* What a read(2) of the file sees at OFFSET, as a string of up to 63 bytes. */
static const char *file_text(int fd, off_t offset)
{
    static char buf[64];
    ssize_t n = pread(fd, buf, sizeof buf - 1, offset);

    ck_assert_int_ge(n, 0);
    buf[n] = '\0';
    return buf;
}

/* --- shared and private ------------------------------------------------------- */

START_TEST(shared_write_seen_by_read_and_other_process)
{
    int fd = new_file(PAGE, NULL), status;
    char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    pid_t pid = fork();

    ck_assert_int_ne(pid, -1);
    if (pid == 0) {                     /* another process, its own mapping */
        char *q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

        munmap(p, PAGE);
        if (q == MAP_FAILED)
            _exit(1);
        strcpy(q, "from the child");
        _exit(0);                       /* no msync */
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    ck_assert_str_eq(p, "from the child");
    ck_assert_str_eq(file_text(fd, 0), "from the child");
    /* and the other way: a write(2) shows in the mapping at once */
    ck_assert_int_eq(pwrite(fd, "FROM", 4, 0), 4);
    ck_assert_str_eq(p, "FROM the child");
    ck_assert_int_eq(munmap(p, PAGE), 0);
    close(fd);
}
END_TEST

START_TEST(private_write_is_copy_on_write)
{
    int fd = new_file(PAGE, "original"), status;
    char *shared = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    char *private = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
    pid_t pid;

    strcpy(private, "mine");
    ck_assert_str_eq(private, "mine");              /* the writer sees its copy */
    ck_assert_str_eq(shared, "original");           /* nobody else does */
    ck_assert_str_eq(file_text(fd, 0), "original");
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        char *q = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);

        _exit(q != MAP_FAILED && strcmp(q, "original") == 0 ? 0 : 1);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
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

/* --- pages ----------------------------------------------------------------------- */

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

/* --- errors ------------------------------------------------------------------------ */

enum fd_kind { FD_RDWR, FD_RDONLY, FD_WRONLY, FD_BAD, FD_PIPE };

static const struct mmap_row {
    const char *what;
    size_t len;
    int prot, flags;
    enum fd_kind fd;
    off_t offset;
    int fixed_odd;                      /* ask for an address one past a page */
    int err;                            /* 0: must succeed */
} mmap_rows[] = {
    { "length 0", 0, PROT_READ, MAP_SHARED, FD_RDWR, 0, 0, EINVAL },
    { "offset not a page multiple", PAGE, PROT_READ, MAP_SHARED, FD_RDWR, 100, 0, EINVAL },
    { "neither MAP_SHARED nor MAP_PRIVATE", PAGE, PROT_READ, 0, FD_RDWR, 0, 0, EINVAL },
    { "MAP_FIXED at an address not on a page", PAGE, PROT_READ, MAP_SHARED | MAP_FIXED,
      FD_RDWR, 0, 1, EINVAL },
    { "PROT_WRITE, MAP_SHARED, read-only fd", PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
      FD_RDONLY, 0, 0, EACCES },
    { "PROT_WRITE, MAP_PRIVATE, read-only fd", PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
      FD_RDONLY, 0, 0, 0 },
    { "PROT_READ, write-only fd", PAGE, PROT_READ, MAP_SHARED, FD_WRONLY, 0, 0, EACCES },
    { "PROT_WRITE, write-only fd", PAGE, PROT_WRITE, MAP_SHARED, FD_WRONLY, 0, 0, EACCES },
    { "fd -1 without MAP_ANONYMOUS", PAGE, PROT_READ, MAP_SHARED, FD_BAD, 0, 0, EBADF },
    { "a pipe", PAGE, PROT_READ, MAP_SHARED, FD_PIPE, 0, 0, ENODEV },
};

START_TEST(mmap_errors)
{
    const struct mmap_row *row = &mmap_rows[_i];
    char path[PATH_MAX];
    int fds[2] = { -1, -1 }, fd = -1;
    void *addr = NULL, *p;

    t_new_file(path);
    ck_assert_int_eq(truncate(path, PAGE), 0);
    switch (row->fd) {
    case FD_RDWR: fd = open(path, O_RDWR); break;
    case FD_RDONLY: fd = open(path, O_RDONLY); break;
    case FD_WRONLY: fd = open(path, O_WRONLY); break;
    case FD_BAD: fd = -1; break;
    case FD_PIPE: ck_assert_int_eq(pipe(fds), 0); fd = fds[0]; break;
    }
    if (row->fd != FD_BAD)
        ck_assert_int_ne(fd, -1);
    if (row->fixed_odd) {
        addr = map(PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
        addr = (char *)addr + 1;
    }
    errno = 0;
    p = mmap(addr, row->len, row->prot, row->flags, fd, row->offset);
    if (row->err == 0) {
        ck_assert_msg(p != MAP_FAILED, "%s: %s", row->what, strerror(errno));
        ck_assert_int_eq(munmap(p, row->len), 0);
    } else {
        ck_assert_msg(p == MAP_FAILED && errno == row->err, "%s: %s, errno %s", row->what,
                      p == MAP_FAILED ? "failed" : "succeeded", strerrorname_np(errno));
    }
    if (addr != NULL)
        munmap((char *)addr - 1, PAGE);
    close(fd);
    close(fds[1]);
}
END_TEST

static const struct msync_row {
    const char *what;
    int offset, flags, unmapped, err;
} msync_rows[] = {
    { "MS_SYNC|MS_ASYNC", 0, MS_SYNC | MS_ASYNC, 0, EINVAL },
    { "address not on a page", 1, MS_SYNC, 0, EINVAL },
    { "an unknown flag", 0, 0x100, 0, EINVAL },
    { "a range with nothing mapped", 0, MS_SYNC, 1, ENOMEM },
    { "MS_INVALIDATE|MS_SYNC", 0, MS_INVALIDATE | MS_SYNC, 0, 0 },
    { "neither MS_SYNC nor MS_ASYNC", 0, 0, 0, 0 },           /* Linux takes it */
};

START_TEST(msync_errors)
{
    const struct msync_row *row = &msync_rows[_i];
    int fd = new_file(PAGE, NULL), rc;
    char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);

    if (row->unmapped)
        ck_assert_int_eq(munmap(p, PAGE), 0);
    errno = 0;
    rc = msync(p + row->offset, 64, row->flags);
    if (row->err == 0)
        ck_assert_msg(rc == 0, "%s: %s", row->what, strerror(errno));
    else
        ck_assert_msg(rc == -1 && errno == row->err, "%s: %d, errno %s", row->what, rc,
                      strerrorname_np(errno));
    if (!row->unmapped)
        ck_assert_int_eq(munmap(p, PAGE), 0);
    close(fd);
}
END_TEST

/* --- msync -------------------------------------------------------------------------- */

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

static bool on_tmpfs(int fd)
{
    struct statfs fs;

    ck_assert_int_eq(fstatfs(fd, &fs), 0);
    return fs.f_type == 0x01021994;     /* TMPFS_MAGIC: no disk to write to */
}

/* A one-page file with a disk behind it: in the run directory, or else
 * (when that is on tmpfs) a nameless one in /var/tmp; -1 if both are tmpfs. */
static int disk_file(void)
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
    ck_assert_int_lt(tries, 3);
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

/* --- without a file -------------------------------------------------------------------- */

static const struct anon_row {
    const char *what;
    int flags, zero, shared;
} anon_rows[] = {
    { "MAP_SHARED|MAP_ANONYMOUS", MAP_SHARED | MAP_ANONYMOUS, 0, 1 },
    { "MAP_SHARED of /dev/zero", MAP_SHARED, 1, 1 },
    { "MAP_PRIVATE|MAP_ANONYMOUS", MAP_PRIVATE | MAP_ANONYMOUS, 0, 0 },
    { "MAP_PRIVATE of /dev/zero", MAP_PRIVATE, 1, 0 },
};

START_TEST(parent_and_child_share_only_shared_mappings)
{
    const struct anon_row *row = &anon_rows[_i];
    int fd = row->zero ? open("/dev/zero", O_RDWR) : -1, status;
    volatile int *counter;
    pid_t pid;

    ck_assert(!row->zero || fd != -1);
    counter = (volatile int *)map(PAGE, PROT_READ | PROT_WRITE, row->flags, fd);
    ck_assert_int_eq(*counter, 0);                  /* zero-filled */
    *counter = 1;                                   /* before fork: both see it */
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0)
        _exit(*counter == 1 && ++*counter == 2 ? 0 : 1);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    ck_assert_msg(*counter == (row->shared ? 2 : 1), "%s: %d", row->what, *counter);
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

/* --- signals (each test must die of the signal) ------------------------------------------ */

static void default_action(void)
{
    signal(SIGBUS, SIG_DFL);            /* not a sanitizer's handler */
    signal(SIGSEGV, SIG_DFL);
    setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });   /* no core file */
}

START_TEST(page_past_end_of_file_sigbus)
{
    int fd = new_file(100, NULL);
    volatile char *p = map(2 * PAGE, PROT_READ, MAP_SHARED, fd);

    default_action();
    ck_assert_int_eq(p[PAGE - 1], 0);               /* the file's last page: fine */
    (void)p[PAGE];                                  /* a page with no file: SIGBUS */
}
END_TEST

START_TEST(past_the_mapping_sigsegv)
{
    int fd = new_file(2 * PAGE, NULL);
    volatile char *p = map(3 * PAGE, PROT_READ, MAP_SHARED, fd);

    ck_assert_int_eq(munmap((char *)p + 2 * PAGE, PAGE), 0);   /* a hole after 2 pages */
    default_action();
    (void)p[2 * PAGE - 1];
    (void)p[2 * PAGE];
}
END_TEST

START_TEST(write_to_read_only_mapping_sigsegv)
{
    int fd = new_file(PAGE, NULL);
    volatile char *p = map(PAGE, PROT_READ, MAP_SHARED, fd);

    default_action();
    (void)p[0];
    p[0] = 'x';
}
END_TEST

START_TEST(access_after_munmap_sigsegv)
{
    int fd = new_file(PAGE, NULL);
    volatile char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);

    p[0] = 'x';
    ck_assert_int_eq(munmap((char *)p, PAGE), 0);
    default_action();
    (void)p[0];
}
END_TEST

/* --- against System V shared memory (seed 002's table, seed 001) ------------------------- */

START_TEST(both_ways_share_memory_with_another_process)
{
    /* seed 000's prototypes of the mmap calls */
    _Static_assert(__builtin_types_compatible_p(__typeof__(&mmap),
                                                void *(*)(void *, size_t, int, int, int, off_t)),
                   "mmap");
    _Static_assert(__builtin_types_compatible_p(__typeof__(&msync), int (*)(void *, size_t, int)),
                   "msync");
    _Static_assert(__builtin_types_compatible_p(__typeof__(&munmap), int (*)(void *, size_t)),
                   "munmap");
    int fd = new_file(PAGE, NULL), id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600), status;
    char *m = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);   /* open, then mmap */
    char *s = shmat(id, NULL, 0);                                  /* shmget, then shmat */
    pid_t pid;

    ck_assert_int_ne(id, -1);
    ck_assert_ptr_ne(s, (void *)-1);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        strcpy(m, "through mmap");
        strcpy(s, "through shmat");
        _exit(0);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    ck_assert_str_eq(m, "through mmap");
    ck_assert_str_eq(s, "through shmat");
    /* msync is for a file's disk: on a segment it has nothing to do, and succeeds */
    ck_assert_int_eq(msync(s, PAGE, MS_SYNC), 0);
    ck_assert_int_eq(munmap(m, PAGE), 0);
    ck_assert_int_eq(shmdt(s), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
    close(fd);
}
END_TEST

/* Is kernel.shm_rmid_forced set? Then a segment goes at its last detach. */
static bool rmid_forced(void)
{
    FILE *f = fopen("/proc/sys/kernel/shm_rmid_forced", "r");
    int v = 0;

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%d", &v), 1);
    fclose(f);
    return v != 0;
}

/* The segment ID is still there, nobody attached, and holds TEXT; then it
 * is removed. */
static void segment_kept(int id, const char *text)
{
    char *s;

    ck_assert(t_exists(T_SHM, id));
    s = shmat(id, NULL, SHM_RDONLY);
    ck_assert_ptr_ne(s, (void *)-1);
    ck_assert_str_eq(s, text);
    ck_assert_int_eq(shmdt(s), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}

static int touch_in_child(volatile char *p)
{
    int status;
    pid_t pid = fork();

    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        default_action();
        (void)p[0];
        _exit(0);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

START_TEST(unmapping_keeps_the_data_both_ways)
{
    int fd, id;
    char *m, *s;

    if (rmid_forced())
        T_SKIP("kernel.shm_rmid_forced is 1 here: the last shmdt removes the segment");
    fd = new_file(PAGE, NULL);
    id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    m = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    s = shmat(id, NULL, 0);
    ck_assert_int_ne(id, -1);
    ck_assert_ptr_ne(s, (void *)-1);
    strcpy(m, "kept in the file");
    strcpy(s, "kept in the segment");
    ck_assert_int_eq(munmap(m, PAGE), 0);
    ck_assert_int_eq(shmdt(s), 0);
    /* the addresses are gone from the process ... */
    ck_assert_int_eq(touch_in_child(m), SIGSEGV);
    ck_assert_int_eq(touch_in_child(s), SIGSEGV);
    /* ... the data is not: in the file, and in the segment, still there */
    ck_assert_str_eq(file_text(fd, 0), "kept in the file");
    segment_kept(id, "kept in the segment");
    close(fd);
}
END_TEST

START_TEST(rmid_frees_the_segment_at_the_last_detach)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char *s = shmat(id, NULL, 0);
    struct shmid_ds ds;

    ck_assert_int_ne(id, -1);
    ck_assert_ptr_ne(s, (void *)-1);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
    /* marked, not gone: still attached and usable, listed with SHM_DEST */
    strcpy(s, "still here");
    ck_assert_str_eq(s, "still here");
    ck_assert_int_eq(shmctl(id, IPC_STAT, &ds), 0);
    ck_assert(ds.shm_perm.mode & SHM_DEST);
    ck_assert_int_eq(shmdt(s), 0);
    ck_assert(!t_exists(T_SHM, id));                /* the last detach freed it */
}
END_TEST

START_TEST(file_fills_a_mapping_but_only_names_a_segment)
{
    char path[PATH_MAX];
    key_t key = t_key(1, path);
    int fd = open(path, O_RDWR), id;
    char *m, *s;

    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(pwrite(fd, "file contents", 14, 0), 14);
    ck_assert_int_eq(ftruncate(fd, PAGE), 0);
    m = map(PAGE, PROT_READ, MAP_SHARED, fd);
    ck_assert_str_eq(m, "file contents");           /* the mapping is the file */
    id = t_get(T_SHM, key, IPC_CREAT | IPC_EXCL | 0600);     /* key from the file */
    ck_assert_int_ne(id, -1);
    s = shmat(id, NULL, 0);
    ck_assert_ptr_ne(s, (void *)-1);
    for (int i = 0; i < PAGE; i++)                  /* the segment starts zeroed */
        ck_assert_int_eq(s[i], 0);
    strcpy(s, "segment");                           /* and never reaches the file */
    ck_assert_str_eq(file_text(fd, 0), "file contents");
    ck_assert_int_eq(shmdt(s), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
    ck_assert_int_eq(munmap(m, PAGE), 0);
    close(fd);
}
END_TEST

START_TEST(segment_outlives_its_process_in_memory_mapping_in_file)
{
    int fd, fds[2], id, status;
    pid_t pid;

    if (rmid_forced())
        T_SKIP("kernel.shm_rmid_forced is 1 here: the kernel removes such segments");
    fd = new_file(PAGE, NULL);
    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {                     /* writes to both, then exits */
        char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        int sid = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
        char *sp = sid == -1 ? (void *)-1 : shmat(sid, NULL, 0);
        char *a = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

        if (m == MAP_FAILED || sp == (void *)-1 || a == MAP_FAILED)
            _exit(1);
        strcpy(m, "in the file");
        strcpy(sp, "in the segment");
        strcpy(a, "in anonymous memory");           /* goes with the process */
        _exit(write(fds[1], &sid, sizeof sid) == sizeof sid ? 0 : 1);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    ck_assert_int_eq(read(fds[0], &id, sizeof id), sizeof id);
    ck_assert_str_eq(file_text(fd, 0), "in the file");
    segment_kept(id, "in the segment");             /* nobody attached, still there */
    close(fd);
}
END_TEST

/* --- mmap_ex2, driven through pipes ----------------------------------------------------------- */

struct ex2 {
    pid_t pid;
    int in, out;
};

/* Read E's output until it ends with the prompt (or EOF), into OUT. */
static void ex2_read(struct ex2 *e, char *out, size_t cap)
{
    size_t n = 0, plen = strlen(PROMPT);

    out[0] = '\0';
    while (n < plen || strcmp(out + n - plen, PROMPT) != 0) {
        struct pollfd pfd = { .fd = e->out, .events = POLLIN };
        ssize_t got;

        ck_assert_msg(poll(&pfd, 1, 30000) == 1, "mmap_ex2 said nothing for 30 s:\n%s", out);
        got = read(e->out, out + n, cap - 1 - n);
        ck_assert_int_ge(got, 0);
        if (got == 0)
            break;
        n += (size_t)got;
        out[n] = '\0';
        ck_assert_uint_lt(n, cap - 1);
    }
}

/* Start mmap_ex2 MODE in DIR; OUT gets what it says up to its first prompt. */
static void ex2_start(struct ex2 *e, const char *dir, const char *mode, char *out, size_t cap)
{
    char prog[PATH_MAX];
    int in[2], o[2];

    snprintf(prog, sizeof prog, "%s/chapters/mmap/mmap_ex2", t_top());
    ck_assert(pipe(in) == 0 && pipe(o) == 0);
    signal(SIGPIPE, SIG_IGN);
    e->pid = fork();
    ck_assert_int_ne(e->pid, -1);
    if (e->pid == 0) {
        dup2(in[0], 0);
        dup2(o[1], 1);
        dup2(o[1], 2);                  /* errors in order, among the output */
        closefrom(3);
        signal(SIGPIPE, SIG_DFL);
        if (chdir(dir) == -1)
            _exit(126);
        execl(prog, "mmap_ex2", mode, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(o[1]);
    e->in = in[1];
    e->out = o[0];
    ex2_read(e, out, cap);
}

/* Type LINE (with its newline) and read the answer up to the next prompt.
 * Input from a pipe is echoed first, as a terminal would show it. */
static const char *ex2_say(struct ex2 *e, const char *line)
{
    static char out[4096];

    ck_assert_int_eq(write(e->in, line, strlen(line)), (ssize_t)strlen(line));
    ex2_read(e, out, sizeof out);
    ck_assert_msg(strncmp(out, line, strlen(line)) == 0, "no echo of %s in:\n%s", line, out);
    return out + strlen(line);
}

/* End of input: mmap_ex2 must end the line and exit 0. */
static void ex2_end(struct ex2 *e)
{
    char rest[256];
    int status;

    close(e->in);
    ex2_read(e, rest, sizeof rest);
    ck_assert_str_eq(rest, "\n");
    close(e->out);
    ck_assert_int_eq(waitpid(e->pid, &status, 0), e->pid);
    ck_assert_int_eq(status, 0);
}

/* A directory of the test's own, where mmap_ex2 makes its shared_mmap. */
static void ex2_dir(char dir[PATH_MAX])
{
    snprintf(dir, PATH_MAX, "%s/ex2-XXXXXX", t_rundir());
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* The file shared_mmap in DIR, whole. */
static void ex2_file(const char *dir, char *buf, size_t cap, ssize_t *len)
{
    char path[PATH_MAX + 16];
    int fd;

    snprintf(path, sizeof path, "%s/shared_mmap", dir);
    fd = open(path, O_RDONLY);
    ck_assert_int_ne(fd, -1);
    *len = read(fd, buf, cap);
    close(fd);
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
    char dir[PATH_MAX], out[4096], file[256], after[128];
    struct ex2 e;
    ssize_t len;

    ex2_dir(dir);
    ex2_start(&e, dir, _i == 0 ? "s" : "p", out, sizeof out);
    /* the code writes 72 bytes: the slide's session shows 74, from another text */
    ck_assert_str_eq(out, "72 byte writing... to file -> shared_mmap\n" PROMPT);
    ck_assert_str_eq(ex2_say(&e, "*\n"), current(contents));
    ck_assert_str_eq(ex2_say(&e, "New memory map data\n"), PROMPT);
    /* the line typed in, newline and all, then the rest of the old text */
    snprintf(after, sizeof after, "New memory map data\n%s", contents + 20);
    ck_assert_str_eq(ex2_say(&e, "*\n"), current(after));
    ex2_end(&e);
    ex2_file(dir, file, sizeof file, &len);
    ck_assert_int_eq(len, sizeof contents);         /* the NUL too */
    if (_i == 0)                                    /* s: the file has the line */
        ck_assert_int_eq(memcmp(file, after, strlen(after)), 0);
    else                                            /* p: as it was written */
        ck_assert_int_eq(memcmp(file, contents, sizeof contents), 0);
}
END_TEST

START_TEST(ex2_two_shared_see_each_other)
{
    char dir[PATH_MAX], out[4096];
    struct ex2 a, b;

    ex2_dir(dir);
    ex2_start(&a, dir, "s", out, sizeof out);
    ex2_start(&b, dir, "s", out, sizeof out);
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
    char dir[PATH_MAX], out[4096], file[256];
    struct ex2 s, p;
    ssize_t len;

    ex2_dir(dir);
    ex2_start(&s, dir, "s", out, sizeof out);
    ck_assert_str_eq(ex2_say(&s, "early s\n"), PROMPT);
    ex2_start(&p, dir, "p", out, sizeof out);
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
    ex2_file(dir, file, sizeof file, &len);
    ck_assert_int_eq(memcmp(file, "again s\n", 8), 0);
    ck_assert_ptr_null(memmem(file, (size_t)len, "from p", 6));
}
END_TEST

/* Wait until PID sleeps (state S in /proc/PID/stat): blocked in its read. */
static void wait_sleeping(pid_t pid)
{
    char path[64], stat[512];

    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    for (;;) {
        FILE *f = fopen(path, "r");
        const char *state;

        ck_assert_ptr_nonnull(f);
        ck_assert_ptr_nonnull(fgets(stat, sizeof stat, f));
        fclose(f);
        state = strrchr(stat, ')');             /* the name may hold spaces */
        ck_assert_ptr_nonnull(state);
        ck_assert_msg(state[2] != 'Z', "mmap_ex2 ended before it waited");
        if (state[2] == 'S')
            return;
        usleep(1000);
    }
}

START_TEST(ex2_stops_on_ctrl_c)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    char dir[PATH_MAX], out[4096], expect[256], file[256];
    struct ex2 e;
    ssize_t len;
    int status;

    ex2_dir(dir);
    ex2_start(&e, dir, "s", out, sizeof out);
    ck_assert_str_eq(ex2_say(&e, "typed before\n"), PROMPT);
    wait_sleeping(e.pid);                           /* waiting in fgets */
    ck_assert_int_eq(kill(e.pid, sigs[_i]), 0);
    ex2_read(&e, out, sizeof out);                  /* to the end */
    snprintf(expect, sizeof expect,
             "\nmmap_ex2: interrupted by SIG%s; shared_mmap stays, for you to look at\n",
             sigabbrev_np(sigs[_i]));
    ck_assert_str_eq(out, expect);
    ck_assert_int_eq(waitpid(e.pid, &status, 0), e.pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    close(e.in);
    close(e.out);
    ex2_file(dir, file, sizeof file, &len);
    ck_assert_int_eq(memcmp(file, "typed before\n", 13), 0);
}
END_TEST

START_TEST(ex2_long_line_cut_to_the_mapping)
{
    char dir[PATH_MAX], out[4096], line[200], file[256], expect[128];
    struct ex2 e;
    ssize_t len;

    ex2_dir(dir);
    ex2_start(&e, dir, "s", out, sizeof out);
    memset(line, 'L', 150);
    strcpy(line + 150, "\n");
    /* one answer, one prompt: the rest of the line is not taken as input */
    snprintf(expect, sizeof expect, "(only the first 64 bytes fit in the mapping)\n%s", PROMPT);
    ck_assert_str_eq(ex2_say(&e, line), expect);
    ex2_end(&e);
    ex2_file(dir, file, sizeof file, &len);
    ck_assert_int_eq(len, sizeof contents);
    for (int i = 0; i < 64; i++)
        ck_assert_int_eq(file[i], 'L');
    ck_assert_int_eq(memcmp(file + 64, contents + 64, sizeof contents - 64), 0);
}
END_TEST

/* --- the other programs --------------------------------------------------------------------- */

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

    t_refuse("mmap", &bad_lines[_i]);
    /* a refused command line makes no file */
    snprintf(path, sizeof path, "%s/shared_mmap", t_rundir());
    ck_assert_int_eq(access(path, F_OK), -1);
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
    };

    t_play_sessions("mmap", expect, sizeof expect / sizeof expect[0], NULL);
}
END_TEST

static Suite *mmap_suite(void)
{
    Suite *s = suite_create("mmap");
    TCase *share = tcase_create("shared-private"), *pages = tcase_create("pages");
    TCase *errs = tcase_create("errors"), *sync = tcase_create("msync");
    TCase *anon = tcase_create("anonymous"), *sigs = tcase_create("signals");
    TCase *sysv = tcase_create("sysv"), *ex2 = tcase_create("mmap_ex2");
    TCase *progs = tcase_create("programs"), *sessions = tcase_create("sessions");

    tcase_add_test(share, shared_write_seen_by_read_and_other_process);
    tcase_add_test(share, private_write_is_copy_on_write);
    tcase_add_test(share, private_sees_file_changes_until_it_writes);

    tcase_add_test(pages, page_tail_reads_zero_and_stays_out_of_file);
    tcase_add_test(pages, mapping_length_rounds_up_to_a_page);
    tcase_add_test(pages, munmap_of_nothing_succeeds_msync_enomem);
    tcase_add_test(pages, address_is_a_hint_unless_map_fixed);
    tcase_add_test(pages, shared_and_private_together_is_shared_validate);

    tcase_add_loop_test(errs, mmap_errors, 0, sizeof mmap_rows / sizeof mmap_rows[0]);
    tcase_add_loop_test(errs, msync_errors, 0, sizeof msync_rows / sizeof msync_rows[0]);

    tcase_add_test(sync, ms_sync_writes_the_page_back);
    tcase_add_test(sync, ms_async_writes_nothing);
    tcase_add_test(sync, ms_sync_on_tmpfs_leaves_the_page_dirty);
    tcase_add_test(pages, grown_file_zeroes_the_tail_on_disk);
    tcase_add_test(pages, grown_file_keeps_the_tail_on_tmpfs_in_6_18);
    tcase_add_test(sync, ms_invalidate_keeps_a_private_copy);
    tcase_add_test(sync, ms_invalidate_on_locked_pages_ebusy);

    tcase_add_loop_test(anon, parent_and_child_share_only_shared_mappings, 0,
                        sizeof anon_rows / sizeof anon_rows[0]);

    tcase_add_test_raise_signal(sigs, page_past_end_of_file_sigbus, SIGBUS);
    tcase_add_test_raise_signal(sigs, past_the_mapping_sigsegv, SIGSEGV);
    tcase_add_test_raise_signal(sigs, write_to_read_only_mapping_sigsegv, SIGSEGV);
    tcase_add_test_raise_signal(sigs, access_after_munmap_sigsegv, SIGSEGV);

    tcase_add_test(sysv, both_ways_share_memory_with_another_process);
    tcase_add_test(sysv, unmapping_keeps_the_data_both_ways);
    tcase_add_test(sysv, rmid_frees_the_segment_at_the_last_detach);
    tcase_add_test(sysv, file_fills_a_mapping_but_only_names_a_segment);
    tcase_add_test(sysv, segment_outlives_its_process_in_memory_mapping_in_file);

    tcase_add_loop_test(ex2, ex2_reproduces_the_slides_session, 0, 2);   /* s, then p */
    tcase_add_test(ex2, ex2_two_shared_see_each_other);
    tcase_add_test(ex2, ex2_private_keeps_to_itself);
    tcase_add_test(ex2, ex2_long_line_cut_to_the_mapping);
    tcase_add_loop_test(ex2, ex2_stops_on_ctrl_c, 0, 3);
    tcase_set_timeout(ex2, 60);

    tcase_add_loop_test(progs, bad_command_lines, 0, sizeof bad_lines / sizeof bad_lines[0]);
    tcase_add_test(progs, mmap_anon_demo);
    tcase_add_test(progs, mmap_sync_demo);
    tcase_add_test(progs, mmap_faults_demo);
    tcase_set_timeout(progs, 60);
    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 120);

    suite_add_tcase(s, share);
    suite_add_tcase(s, pages);
    suite_add_tcase(s, errs);
    suite_add_tcase(s, sync);
    suite_add_tcase(s, anon);
    suite_add_tcase(s, sigs);
    suite_add_tcase(s, sysv);
    suite_add_tcase(s, ex2);
    suite_add_tcase(s, progs);
    suite_add_tcase(s, sessions);
    return s;
}

int main(void)
{
    return t_main(mmap_suite);
}
