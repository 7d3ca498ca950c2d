/* pshm_create: make a POSIX shared memory object and give it a size.
 *
 * usage: pshm_create [-x] [-m MODE] NAME SIZE
 *
 * shm_open() with O_CREAT makes the object NAME, or opens the one the name
 * already has; -x adds O_EXCL, so that only a new object will do. ftruncate()
 * then sets its size: a new object starts with 0 bytes. Unlike shmget, which
 * refuses (EINVAL) a size larger than an existing segment's, ftruncate simply
 * resizes an existing object. Nothing is printed: the name, which you chose,
 * is the identifier. On Linux the object is a file in /dev/shm, and it stays
 * there after this program exits, until pshm_unlink (or rm) removes it.
 *
 * $ ./pshm_create /demo 4096
 * $ ls -l /dev/shm/demo
 * -rw------- 1 ann ann 4096 Nov 24 12:40 /dev/shm/demo
 * $ ./pshm_create -x /demo 4096
 * pshm_create: shm_open /demo: EEXIST: File exists
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "posix_name.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

static const char help[] =
    "usage: pshm_create [-x] [-m MODE] NAME SIZE\n"
    "Create the POSIX shared memory object NAME (/something), or open the one\n"
    "the name has, and set its size to SIZE bytes.\n"
    "  -x       O_EXCL: fail with EEXIST if NAME exists\n"
    "  -m MODE  permission bits, octal (default 0600); the umask applies\n";

int main(int argc, char *argv[])
{
    int flags = O_RDWR | O_CREAT, opt, fd;
    mode_t mode = 0600;
    const char *name;
    off_t size;

    while ((opt = next_option(argc, argv, "xm:", help)) != -1) {
        switch (opt) {
        case 'x': flags |= O_EXCL; break;
        case 'm': mode = parse_mode("mode", optarg); break;
        }
    }
    if (argc - optind != 2)
        usage_error(argc - optind < 2 ? "missing NAME or SIZE" : "too many arguments");
    name = posix_name(argv[optind]);
    size = parse_long("size", argv[optind + 1], 0, LONG_MAX);

    // tag::create[]
    fd = shm_open(name, flags, mode);           // <1>
    if (fd == -1)
        die("shm_open %s", name);
    if (ftruncate(fd, size) == -1) {            // <2>
        warn_errno("ftruncate %s", name);
        if (flags & O_EXCL)                     /* ours alone: do not leave it */
            shm_unlink(name);
        return EXIT_CALL_FAILED;
    }
    close(fd);                                  // <3>
    // end::create[]
    return EXIT_SUCCESS;
}
