/* mmap_sync: what msync() promises, and what it does not.
 *
 * usage: mmap_sync [DIR]
 *
 * Makes a one-page file in DIR (default: the current directory; removed at
 * once, so nothing is left even after Ctrl-C) and maps it MAP_SHARED. After
 * each step a second process reads the file with pread(2), and the page's
 * dirty state is read from /proc/self/smaps:
 *   - no msync at all: the reader sees the new bytes already, because a
 *     shared mapping and read(2) use the same page of the page cache;
 *   - MS_ASYNC: nothing to wait for (on Linux it does nothing at all);
 *   - MS_SYNC: returns once the page is written to the disk: clean.
 * Then MS_INVALIDATE, with a MAP_PRIVATE mapping that has its own copy of
 * the page: another process writes the file, and the copy stays as it was.
 *
 * $ ./mmap_sync
 * one page of a file in ., mapped MAP_SHARED; wrote "hello" into the mapping
 *   no msync yet       reader's pread: "hello"  page dirty: yes
 *   msync MS_ASYNC     reader's pread: "hello"  page dirty: yes
 *   msync MS_SYNC      reader's pread: "hello"  page dirty: no
 * a MAP_PRIVATE mapping of it; wrote "mine" into its copy of the page
 *   another process pwrites "theirs" to the file
 *   msync MS_INVALIDATE  the private mapping reads "mine", the file "theirs"
 */
#define _GNU_SOURCE
#include "ipclab.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char help[] =
    "usage: mmap_sync [DIR]\n"
    "Map one page of a new file in DIR (default .) MAP_SHARED, write to it, and\n"
    "show after msync(MS_ASYNC) and msync(MS_SYNC) what another process reads\n"
    "from the file and whether the page is still dirty; then what\n"
    "msync(MS_INVALIDATE) does to a MAP_PRIVATE copy. The file is removed.\n";

enum { PAGE = 4096 };

/* Is the page at ADDR dirty? Read from its entry in /proc/self/smaps. */
static const char *dirty(const void *addr)
{
    char line[256];
    unsigned long start, end, kb, total = 0;
    int ours = 0;
    FILE *f = fopen("/proc/self/smaps", "r");

    if (f == NULL)
        die("open /proc/self/smaps");
    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
            ours = start == (unsigned long)addr;        /* a mapping's first line */
        else if (ours && (sscanf(line, "Shared_Dirty: %lu", &kb) == 1 ||
                          sscanf(line, "Private_Dirty: %lu", &kb) == 1))
            total += kb;
    }
    fclose(f);
    return total > 0 ? "yes" : "no";
}

/* What another process reads from the file with pread(2). */
static void reader(int fd, char got[16])
{
    int fds[2], status;
    pid_t pid;

    if (pipe(fds) == -1)
        die("pipe");
    if ((pid = fork()) == -1)
        die("fork");
    if (pid == 0) {
        char buf[16] = "";

        _exit(pread(fd, buf, 15, 0) >= 0 && write(fds[1], buf, 16) == 16 ? 0 : 1);
    }
    close(fds[1]);
    if (read(fds[0], got, 16) != 16 || waitpid(pid, &status, 0) == -1 || status != 0)
        fatal("the reader failed");
    close(fds[0]);
    got[15] = '\0';
}

static void show(const char *step, int fd, const char *map)
{
    char got[16];

    reader(fd, got);
    printf("  %-18s reader's pread: \"%s\"  page dirty: %s\n", step, got, dirty(map));
}

int main(int argc, char *argv[])
{
    char path[4096], got[16];
    char *shared, *private;
    const char *dir;
    int fd;
    pid_t pid;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind > 1)
        usage_error("too many arguments");
    dir = optind < argc ? argv[optind] : ".";
    if (*dir == '\0')                  /* "" would put the file in / */
        usage_error("DIR is empty");
    snprintf(path, sizeof path, "%s/mmap_sync.XXXXXX", dir);
    if ((fd = mkstemp(path)) == -1)
        die("mkstemp in %s", dir);
    unlink(path);                       /* the open file lives on, nameless */
    if (ftruncate(fd, PAGE) == -1)
        die("ftruncate");

    // tag::sync[]
    shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (shared == MAP_FAILED)
        die("mmap");
    strcpy(shared, "hello");                            // <1>
    printf("one page of a file in %s, mapped MAP_SHARED; wrote \"hello\" into the mapping\n",
           dir);
    show("no msync yet", fd, shared);                   // <2>
    if (msync(shared, PAGE, MS_ASYNC) == -1)            // <3>
        die("msync MS_ASYNC");
    show("msync MS_ASYNC", fd, shared);
    if (msync(shared, PAGE, MS_SYNC) == -1)             // <4>
        die("msync MS_SYNC");
    show("msync MS_SYNC", fd, shared);
    // end::sync[]

    // tag::invalidate[]
    private = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (private == MAP_FAILED)
        die("mmap");
    strcpy(private, "mine");                            // <1>
    printf("a MAP_PRIVATE mapping of it; wrote \"mine\" into its copy of the page\n");
    printf("  another process pwrites \"theirs\" to the file\n");
    fflush(stdout);
    if ((pid = fork()) == -1)
        die("fork");
    if (pid == 0)
        _exit(pwrite(fd, "theirs", 7, 0) == 7 ? 0 : 1);  // <2>
    if (waitpid(pid, NULL, 0) == -1)
        die("waitpid");
    if (msync(private, PAGE, MS_INVALIDATE) == -1)      // <3>
        die("msync MS_INVALIDATE");
    reader(fd, got);
    printf("  msync MS_INVALIDATE  the private mapping reads \"%s\", the file \"%s\"\n",
           private, got);
    // end::invalidate[]
    if (munmap(shared, PAGE) == -1 || munmap(private, PAGE) == -1)
        die("munmap");
    close(fd);
    return EXIT_SUCCESS;
}
