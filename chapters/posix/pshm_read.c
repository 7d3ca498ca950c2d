/* pshm_read: map a POSIX shared memory object read-only, print its string.
 *
 * usage: pshm_read NAME
 *
 * Prints the bytes at offset 0 up to the first NUL (or the end of the
 * object), then a newline. The object is opened O_RDONLY and mapped with
 * PROT_READ alone: read permission is enough, as with shm_read -r.
 * An object of 0 bytes (made but never sized) prints an empty line.
 *
 * $ ./pshm_read /demo
 * hello, object
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "posix_name.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

static const char help[] =
    "usage: pshm_read NAME\n"
    "Map the POSIX shared memory object NAME read-only and print the string\n"
    "at offset 0.\n";

int main(int argc, char *argv[])
{
    struct stat st;
    const char *name, *p = "";
    int fd;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind == argc)
        usage_error("missing NAME");
    if (argc - optind > 1)
        usage_error("too many arguments");
    name = posix_name(argv[optind]);

    // tag::read[]
    fd = shm_open(name, O_RDONLY, 0);               // <1>
    if (fd == -1)
        die("shm_open %s", name);
    if (fstat(fd, &st) == -1)
        die("fstat %s", name);
    if (st.st_size > 0) {                           /* mmap refuses 0 bytes */
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED)                        // <2>
            die("mmap %s", name);
    }
    close(fd);
    fwrite(p, 1, strnlen(p, (size_t)st.st_size), stdout);   /* no int precision: > 2 GiB */
    putchar('\n');
    // end::read[]
    return EXIT_SUCCESS;
}
