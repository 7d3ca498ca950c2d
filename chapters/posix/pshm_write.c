/* pshm_write: map a POSIX shared memory object and write a string into it.
 *
 * usage: pshm_write NAME TEXT...
 *
 * The TEXT arguments, joined by spaces, go at offset 0 of the object with the
 * NUL that ends them. shm_open gives a file descriptor, fstat its size, and
 * mmap the memory; where System V has shmat and shmdt, POSIX has mmap and
 * munmap. The bytes stay in the object after this program exits.
 *
 * $ ./pshm_create /demo 4096
 * $ ./pshm_write /demo hello, object
 * wrote 14 bytes to /demo
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
    "usage: pshm_write NAME TEXT...\n"
    "Map the POSIX shared memory object NAME, write TEXT (the arguments joined\n"
    "by spaces, with a terminating NUL) at offset 0, and unmap it.\n";

int main(int argc, char *argv[])
{
    struct stat st;
    const char *name;
    size_t len = 0;
    char *p;
    int fd;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind < 2)
        usage_error(optind == argc ? "missing NAME" : "missing TEXT");
    name = posix_name(argv[optind]);
    for (int i = optind + 1; i < argc; i++)
        len += strlen(argv[i]) + 1;                 /* a space or the NUL */

    // tag::write[]
    fd = shm_open(name, O_RDWR, 0);                 // <1>
    if (fd == -1)
        die("shm_open %s", name);
    if (fstat(fd, &st) == -1)                       // <2>
        die("fstat %s", name);
    if (len > (size_t)st.st_size)
        fatal("%zu bytes do not fit in %s of %lld bytes", len, name, (long long)st.st_size);
    p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)                            // <3>
        die("mmap %s", name);
    close(fd);                                      /* the mapping stays */
    p[0] = '\0';
    for (int i = optind + 1; i < argc; i++) {
        if (i > optind + 1)
            strcat(p, " ");
        strcat(p, argv[i]);
    }
    if (munmap(p, (size_t)st.st_size) == -1)        // <4>
        die("munmap");
    // end::write[]
    printf("wrote %zu bytes to %s\n", len, name);
    return EXIT_SUCCESS;
}
