/* grade_mmap_copy: the grader of the lab mmap_copy (chapters/mmap/labs/mmap_copy.c,
 * statement in book/mmap.adoc). See grade.h.
 *
 * The files are made in the run's directory, where the program runs, and
 * named on its command line as they are there ("pages-12411"), so that a
 * message shows the command a student can type. */
#define _GNU_SOURCE
#include "grade.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

enum { PAGE = 4096, MAX_FILE = 1 << 21 };

/* PATH: NAME in the run's directory. */
static const char *in_rundir(char path[PATH_MAX], const char *name)
{
    snprintf(path, PATH_MAX, "%s/%s", t_rundir(), name);
    return path;
}

/* SIZE bytes that a string copy would not survive: pseudo-random, with a
 * zero byte every 97, different for each size. */
static unsigned char *bytes(size_t size)
{
    unsigned char *b = malloc(size);
    unsigned long x = 88172645463325252UL ^ size;

    ck_assert_ptr_nonnull(b);
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        b[i] = i % 97 == 96 ? 0 : (unsigned char)x;
    }
    return b;
}

static void write_file(const char *name, const void *data, size_t size)
{
    char path[PATH_MAX];
    int fd = open(in_rundir(path, name), O_WRONLY | O_CREAT | O_TRUNC, 0600);

    ck_assert_msg(fd != -1, "open %s: %m", path);
    ck_assert_msg(write(fd, data, size) == (ssize_t)size, "write %s: %m", path);
    close(fd);
}

/* The whole of the file NAME in the run's directory, in a buffer of
 * MAX_FILE bytes (free it); its size in *SIZE; NULL if it is not there. */
static unsigned char *read_file(const char *name, size_t *size)
{
    char path[PATH_MAX];
    unsigned char *b;
    ssize_t n;
    int fd = open(in_rundir(path, name), O_RDONLY);

    if (fd == -1)
        return NULL;
    b = malloc(MAX_FILE);
    ck_assert_ptr_nonnull(b);
    n = read(fd, b, MAX_FILE);
    ck_assert_msg(n >= 0, "read %s: %m", path);
    close(fd);
    *size = (size_t)n;
    return b;
}

static bool all_zero(const unsigned char *b, size_t size)
{
    for (size_t i = 0; i < size; i++)
        if (b[i] != 0)
            return false;
    return true;
}

/* What a run that should have copied did, when it did not end well. */
static void ended_well(const struct t_run *r, const char *command)
{
    ck_assert_msg(r->status != 128 + SIGBUS,
                  "`%s` was killed by SIGBUS: it wrote to a page of the destination's mapping "
                  "that lies past the end of the file. A new file has 0 bytes: give DEST the "
                  "source's size with ftruncate before you copy into the mapping.", command);
    ck_assert_msg(r->status == 0 && r->err[0] == '\0', "`%s` %s, where it should copy; "
                  "it said:\n%s", command, g_status(r->status, r->ended_by_limit), r->err);
}

/* Run `mmap_copy SOURCE DEST`, and DEST must hold WANT, SIZE bytes, and
 * SOURCE too (the source is left as it was). DEST held OLD (NULL: nothing). */
static void copy_and_compare(const char *source, const char *dest, const unsigned char *want,
                             size_t size, const unsigned char *old)
{
    char command[256];
    unsigned char *got;
    size_t n, at = 0;
    struct t_run r;

    snprintf(command, sizeof command, "mmap_copy %s %s", source, dest);
    g_run(&r, NULL, source, dest, NULL);
    ended_well(&r, command);
    got = read_file(dest, &n);
    ck_assert_msg(got != NULL, "`%s` ended with status 0, but %s is not there: "
                  "make it (open with O_CREAT)", command, dest);
    ck_assert_msg(n == size, "after `%s`, %s has %zu bytes, where %s has %zu: give the copy "
                  "exactly the source's size (ftruncate)", command, dest, n, source, size);
    ck_assert_msg(!(old ? memcmp(got, old, n) == 0 : all_zero(got, n)),
                  "after `%s`, %s has the right size, %zu bytes, but %s: the copy never "
                  "reached the file. Is DEST mapped MAP_PRIVATE? The writes to a private "
                  "mapping stay in the process; only MAP_SHARED writes to the file.",
                  command, dest, n, old ? "the bytes it held before" : "all of them are 0");
    while (at < size && got[at] == want[at])
        at++;
    ck_assert_msg(at == size, "after `%s`, %s differs from %s at byte %zu (page %zu): "
                  "%#04x where the source has %#04x", command, dest, source, at, at / PAGE,
                  got[at], want[at]);
    free(got);
    got = read_file(source, &n);
    ck_assert_msg(got != NULL && n == size && memcmp(got, want, size) == 0,
                  "`%s` changed the source %s: map it read-only", command, source);
    free(got);
}

/* What a run printed, for a message. */
static const char *said(const struct t_run *r)
{
    static char text[sizeof r->out + sizeof r->err];

    snprintf(text, sizeof text, "%s%s", r->out, r->err);
    return text[0] != '\0' ? text : "(nothing)";
}

START_TEST(copies_a_small_file)
{
    static const char text[] = "A small file: less than a page.\nIt has two lines.\n";

    write_file("small.txt", text, strlen(text));
    copy_and_compare("small.txt", "small.copy", (const unsigned char *)text, strlen(text), NULL);
}
END_TEST

START_TEST(copies_files_larger_than_a_page)
{
    static const size_t sizes[] = { PAGE, 2 * PAGE, 3 * PAGE + 123, (1 << 20) + 7 };

    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char source[64], dest[64];
        unsigned char *want = bytes(sizes[i]);

        snprintf(source, sizeof source, "bytes-%zu", sizes[i]);
        snprintf(dest, sizeof dest, "bytes-%zu.copy", sizes[i]);
        write_file(source, want, sizes[i]);
        copy_and_compare(source, dest, want, sizes[i], NULL);
        free(want);
    }
}
END_TEST

START_TEST(replaces_a_longer_file)
{
    unsigned char *old = bytes(5 * PAGE), *want = bytes(PAGE + 1000);

    write_file("shorter", want, PAGE + 1000);
    write_file("longer", old, 5 * PAGE);
    copy_and_compare("shorter", "longer", want, PAGE + 1000, old);
    free(old);
    free(want);
}
END_TEST

/* `mmap_copy SOURCE DEST` must fail with one line, exit 1, and not make DEST. */
static void refuses_source(const char *source, const char *why)
{
    char command[256], path[PATH_MAX];
    struct t_run r;

    snprintf(command, sizeof command, "mmap_copy %s never.copy", source);
    t_limit = 5;
    g_run(&r, NULL, source, "never.copy", NULL);
    ck_assert_msg(r.status == 1 && !r.ended_by_limit,
                  "`%s`, %s, %s where it should say why in one line and exit 1. It said:\n%s",
                  command, why, g_status(r.status, r.ended_by_limit), said(&r));
    ck_assert_msg(t_lines(r.err) == 1 && strncmp(r.err, "mmap_copy: ", 11) == 0 && r.out[0] == '\0',
                  "`%s`, %s, must say why in one line on stderr, \"mmap_copy: ...\", and nothing "
                  "on stdout. It printed:\n%s", command, why, said(&r));
    ck_assert_msg(access(in_rundir(path, "never.copy"), F_OK) == -1,
                  "`%s`, %s, made never.copy all the same: check the source before you make "
                  "the destination", command, why);
}

START_TEST(refuses_a_source_it_cannot_map)
{
    write_file("empty", "", 0);
    refuses_source("empty", "with an empty source (mmap cannot map 0 bytes)");
    ck_assert_int_eq(mkdir(in_rundir((char[PATH_MAX]){ "" }, "a-directory"), 0700), 0);
    refuses_source("a-directory", "with a directory as the source");
    refuses_source("/dev/null", "with a device as the source");
    refuses_source("no-such-file", "with a source that does not exist");
}
END_TEST

/* `mmap_copy SOURCE DEST` must fail with one line, exit 1, and leave SOURCE
 * as it was (WANT, SIZE bytes). */
static void refuses_dest(const char *source, const char *dest, const unsigned char *want,
                         size_t size, const char *why)
{
    char command[256];
    unsigned char *got;
    size_t n;
    struct t_run r;

    snprintf(command, sizeof command, "mmap_copy %s %s", source, dest);
    t_limit = 5;
    g_run(&r, NULL, source, dest, NULL);
    got = read_file(source, &n);
    ck_assert_msg(got != NULL && n == size && memcmp(got, want, size) == 0,
                  "`%s`, %s, %s and left %s with %zu bytes, where it had %zu: %s", command, why,
                  g_status(r.status, r.ended_by_limit), source, got ? n : 0, size,
                  strcmp(source, dest) == 0 ? "opening DEST emptied the very file you were "
                  "copying. Compare the two files' st_dev and st_ino before you change DEST."
                  : "the source must stay as it was");
    free(got);
    ck_assert_msg(r.status == 1 && !r.ended_by_limit,
                  "`%s`, %s, %s where it should say why in one line and exit 1. It said:\n%s",
                  command, why, g_status(r.status, r.ended_by_limit), said(&r));
    ck_assert_msg(t_lines(r.err) == 1 && strncmp(r.err, "mmap_copy: ", 11) == 0 && r.out[0] == '\0',
                  "`%s`, %s, must say why in one line on stderr, \"mmap_copy: ...\", and nothing "
                  "on stdout. It printed:\n%s", command, why, said(&r));
}

START_TEST(refuses_a_destination_it_cannot_make)
{
    unsigned char *want = bytes(PAGE + 10);

    write_file("source", want, PAGE + 10);
    refuses_dest("source", "no-such-dir/copy", want, PAGE + 10,
                 "with DEST in a directory that does not exist");
    ck_assert_int_eq(mkdir(in_rundir((char[PATH_MAX]){ "" }, "a-dir"), 0700), 0);
    refuses_dest("source", "a-dir", want, PAGE + 10, "with a directory as DEST");
    refuses_dest("source", "source", want, PAGE + 10, "with DEST the source itself");
    free(want);
}
END_TEST

/* Is any page of the file at PATH dirty: in memory, changed, not yet on the
 * disk? Read from /proc/self/smaps, for a mapping of the file made here
 * (a page is dirty for every mapping of it: the page cache has one copy). */
static bool file_dirty(const char *path, size_t size)
{
    char line[256];
    unsigned long start, end, kb, total = 0;
    volatile const char *map;
    bool ours = false;
    int fd = open(path, O_RDONLY);
    FILE *f;

    ck_assert_msg(fd != -1, "open %s: %m", path);
    map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    ck_assert_msg(map != MAP_FAILED, "mmap %s: %m", path);
    close(fd);
    for (size_t i = 0; i < size; i += PAGE)
        (void)map[i];                           /* each page into the mapping */
    f = fopen("/proc/self/smaps", "r");
    ck_assert_msg(f != NULL, "open /proc/self/smaps: %m");
    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
            ours = start == (unsigned long)map;
        else if (ours && (sscanf(line, "Shared_Dirty: %lu", &kb) == 1 ||
                          sscanf(line, "Private_Dirty: %lu", &kb) == 1))
            total += kb;
    }
    fclose(f);
    munmap((void *)map, size);
    return total > 0;
}

static bool on_tmpfs(const char *dir)
{
    struct statfs fs;

    ck_assert_msg(statfs(dir, &fs) == 0, "statfs %s: %m", dir);
    return fs.f_type == 0x01021994;             /* TMPFS_MAGIC */
}

START_TEST(the_copy_is_on_the_disk)
{
    enum { SIZE = 3 * PAGE + 500 };
    char dir[PATH_MAX] = "/var/tmp/grade_mmap_copy.XXXXXX", dest[PATH_MAX], command[PATH_MAX + 64];
    unsigned char *want = bytes(SIZE);
    bool elsewhere = on_tmpfs(t_rundir()), made, dirty;
    struct t_run r;

    write_file("durable", want, SIZE);
    /* On tmpfs the pages are all there is: msync has no disk to write to. */
    if (elsewhere && (access("/var/tmp", W_OK) == -1 || on_tmpfs("/var/tmp") || mkdtemp(dir) == NULL))
        T_SKIP("the run's directory is on tmpfs, and /var/tmp is not usable (a sandbox has "
               "none): without a disk, msync writes nothing");
    /* A new file: ext4 and XFS write a file emptied with O_TRUNC at close. */
    snprintf(dest, sizeof dest, "%s/durable.copy", elsewhere ? dir : t_rundir());
    snprintf(command, sizeof command, "mmap_copy durable %s", elsewhere ? dest : "durable.copy");
    g_run(&r, NULL, "durable", dest, NULL);
    made = access(dest, F_OK) == 0;
    dirty = r.status == 0 && made && file_dirty(dest, SIZE);
    if (elsewhere) {
        unlink(dest);
        rmdir(dir);
    }
    ended_well(&r, command);
    ck_assert_msg(made, "`%s` ended with status 0, but made no copy", command);
    ck_assert_msg(!dirty, "after `%s` ended, pages of the copy were still only in memory, not "
                  "yet on the disk: a power cut now would lose them. msync(MS_SYNC) on the "
                  "destination's mapping writes them, and returns when they are written.",
                  command);
    free(want);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mmap_copy");

    g_add(s, copies_a_small_file);
    g_add(s, copies_files_larger_than_a_page);
    g_add(s, replaces_a_longer_file);
    g_add(s, refuses_a_source_it_cannot_map);
    g_add(s, refuses_a_destination_it_cannot_make);
    g_add(s, the_copy_is_on_the_disk);
    return s;
}

int main(void)
{
    return g_main("chapters/mmap/labs/mmap_copy", make_suite);
}
