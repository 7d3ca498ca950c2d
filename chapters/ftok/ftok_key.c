/* ftok_key: how ftok(3) turns a path and an id into a System V IPC key.
 *
 * usage: ftok_key PATH [ID]       (ID defaults to 1; decimal or 0x hex)
 *
 * ftok() is a library function, not a system call: glibc calls stat(2) on
 * PATH and packs three numbers into the 32-bit key. The name of the file
 * plays no part, only which file it is:
 *
 *     bits 24..31   the low  8 bits of ID
 *     bits 16..23   the low  8 bits of st_dev (the file system's device)
 *     bits  0..15   the low 16 bits of st_ino (the file's inode number)
 *
 * This program prints the key, the three numbers it came from, and the key
 * recomputed from them by hand. Markers like // <1> point to notes in the book.
 *
 * $ ./ftok_key /tmp 0x57
 * ftok("/tmp", 0x57) = 0x5700c51a
 *   id      0x00000057   low  8 bits 0x57     -> bits 24..31
 *   st_dev  0x0000fe00   low  8 bits 0x00     -> bits 16..23
 *   st_ino  0x0003c51a   low 16 bits 0xc51a   -> bits  0..15
 *   recomputed          0x5700c51a (matches)
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/stat.h>

static const char help[] =
    "usage: ftok_key PATH [ID]\n"
    "Print the System V IPC key ftok(PATH, ID) and how it is made from\n"
    "PATH's device and inode numbers and the low 8 bits of ID (default 1).\n"
    "ID is decimal or 0x hex; any int is accepted, to show that only the\n"
    "low 8 bits count.\n";

int main(int argc, char *argv[])
{
    const char *path;
    long id = 1;
    struct stat st;
    key_t key;
    unsigned int recomputed;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind < 1 || argc - optind > 2)
        usage_error(argc - optind < 1 ? "missing PATH" : "too many arguments");
    path = argv[optind];
    if (argc - optind == 2)
        id = parse_long("id", argv[optind + 1], INT_MIN, INT_MAX);

    // tag::ftok[]
    key = ftok(path, (int)id);                  // <1>
    if (key == -1)
        die("ftok %s", path);
    if (stat(path, &st) == -1)                  // <2>
        die("stat %s", path);
    recomputed = ((unsigned int)id & 0xff) << 24 |
                 ((unsigned int)st.st_dev & 0xff) << 16 |
                 ((unsigned int)st.st_ino & 0xffff);   // <3>
    // end::ftok[]

    printf("ftok(\"%s\", 0x%lx) = 0x%08x\n", path, (unsigned long)id & 0xffffffffUL,
           (unsigned int)key);
    printf("  id      0x%08lx   low  8 bits 0x%02x     -> bits 24..31\n",
           (unsigned long)id & 0xffffffffUL, (unsigned int)id & 0xff);
    printf("  st_dev  0x%08lx   low  8 bits 0x%02x     -> bits 16..23\n",
           (unsigned long)st.st_dev, (unsigned int)st.st_dev & 0xff);
    printf("  st_ino  0x%08lx   low 16 bits 0x%04x   -> bits  0..15\n",
           (unsigned long)st.st_ino, (unsigned int)st.st_ino & 0xffff);
    printf("  recomputed          0x%08x (%s)\n", recomputed,
           recomputed == (unsigned int)key ? "matches" : "DIFFERS");
    if (id != (id & 0xff))
        printf("note: only the low 8 bits of the id count: %ld gives the same key as %u\n",
               id, (unsigned int)id & 0xff);
    if ((id & 0xff) == 0)
        printf("note: the low 8 bits of the id are 0; ftok(3) asks for a non-zero id\n");
    return recomputed == (unsigned int)key ? EXIT_SUCCESS : EXIT_CALL_FAILED;
}
