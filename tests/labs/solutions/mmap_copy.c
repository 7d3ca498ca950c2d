/* mmap_copy: a file copy through two mappings, without read(2) or write(2).
 * A lab: the statement is at the end of the book's chapter on mmap;
 * `make grade LAB=mmap_copy` grades this file.
 *
 * usage: mmap_copy SOURCE DEST
 *
 * Maps SOURCE read-only, makes DEST if need be and gives it the size of
 * SOURCE, maps it shared, copies the bytes from one mapping to the other with
 * memcpy, writes them to the disk with msync and unmaps both. It prints
 * nothing when all went well, like cp. An empty SOURCE, one that is not a
 * regular file, a DEST that cannot be made or that is SOURCE itself: one
 * line on stderr, exit 1.
 *
 * $ ./mmap_copy mmap_copy.c copy.c && cmp mmap_copy.c copy.c && echo same
 * same
 * $ ./mmap_copy /dev/null copy.c
 * mmap_copy: /dev/null is not a regular file
 */
#define _GNU_SOURCE
#include "ipclab.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char help[] =
    "usage: mmap_copy SOURCE DEST\n"
    "Copy the regular file SOURCE to DEST (made with mode 0600 if need be)\n"
    "through two mappings: SOURCE read-only, DEST shared; msync writes the copy\n"
    "to the disk before mmap_copy ends.\n";

/* Map the file at PATH read-only; its fstat(2) in *ST. A file that is not a
 * regular file, or is empty, is a one-line error (fatal). */
static const char *map_source(const char *path, struct stat *st)
{
    //> /* TODO 1: open(2) PATH read-only and fstat(2) it. Which files can
    //>  * mmap(2) not map, or not map as they are (look at st_mode and
    //>  * st_size)? Say so with fatal(). Then map the whole file, PROT_READ;
    //>  * the descriptor can be closed at once. */
    //> (void)path;
    //> (void)st;
    //> return NULL;
    // BEGIN SOLUTION
    const char *map;
    int fd = open(path, O_RDONLY);

    if (fd == -1)
        die("open %s", path);
    if (fstat(fd, st) == -1)
        die("fstat %s", path);
    if (!S_ISREG(st->st_mode))
        fatal("%s is not a regular file", path);
    if (st->st_size == 0)                       /* mmap of 0 bytes is EINVAL */
        fatal("%s is empty: there is nothing to map", path);
    map = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        die("mmap %s", path);
    close(fd);                                  /* the mapping stays */
    return map;
    // END SOLUTION
}

/* Make the file at PATH (mode 0600 if new) the size of SOURCE and map it
 * shared, for writing: its address. A PATH that cannot be opened, or that is
 * the source itself, is a one-line error. */
static char *map_destination(const char *path, const struct stat *source)
{
    //> /* TODO 2: open(2) PATH for what a shared, writable mapping needs,
    //>  * creating it if need be. If it is the source file itself (compare
    //>  * st_dev and st_ino with fstat), stop before you change it. Give it
    //>  * the source's size, then map it; close the descriptor. */
    //> (void)path;
    //> (void)source;
    //> return NULL;
    // BEGIN SOLUTION
    struct stat st;
    char *map;
    int fd = open(path, O_RDWR | O_CREAT, 0600);    /* O_RDWR: MAP_SHARED + PROT_WRITE */

    if (fd == -1)
        die("open %s", path);
    if (fstat(fd, &st) == -1)
        die("fstat %s", path);
    if (st.st_dev == source->st_dev && st.st_ino == source->st_ino)
        fatal("%s is the source file itself", path);    /* emptying it would lose it */
    /* Exactly the source's size: a new file has no page to share (SIGBUS),
     * and an old one may be longer. */
    if (ftruncate(fd, source->st_size) == -1)
        die("ftruncate %s", path);
    map = mmap(NULL, (size_t)source->st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        die("mmap %s", path);
    close(fd);
    return map;
    // END SOLUTION
}

/* Copy SIZE bytes from the mapping SRC to the mapping DST, make sure they are
 * on the disk, and unmap both. */
static void copy(char *dst, const char *src, size_t size)
{
    //> /* TODO 3: memcpy(3), then msync(2) so that the copy is on the disk
    //>  * when mmap_copy ends, then munmap(2) both mappings. */
    //> (void)dst;
    //> (void)src;
    //> (void)size;
    // BEGIN SOLUTION
    memcpy(dst, src, size);
    if (msync(dst, size, MS_SYNC) == -1)
        die("msync");
    if (munmap(dst, size) == -1 || munmap((void *)src, size) == -1)
        die("munmap");
    // END SOLUTION
}

int main(int argc, char *argv[])
{
    struct stat source = { 0 };
    const char *src;
    char *dst;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind != 2)
        usage_error(argc - optind < 2 ? "missing SOURCE or DEST" : "too many arguments");
    src = map_source(argv[optind], &source);
    dst = map_destination(argv[optind + 1], &source);
    copy(dst, src, (size_t)source.st_size);
    return EXIT_SUCCESS;
}
