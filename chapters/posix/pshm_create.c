/* pshm_create: make a POSIX shared memory object and give it a size.
 *
 * usage: pshm_create [-x] [-m MODE] NAME SIZE
 *
 * shm_open() with O_CREAT | O_EXCL makes the object NAME; if the name is
 * taken (EEXIST), a second shm_open opens the object it has, unless -x says
 * that only a new object will do. ftruncate() then sets its size: a new
 * object starts with 0 bytes. Unlike shmget, which refuses (EINVAL) a size
 * larger than an existing segment's, ftruncate simply resizes an existing
 * object. Nothing is printed: the name, which you chose,
 * is the identifier. On Linux the object is a file in /dev/shm, and it stays
 * there after this program exits, until pshm_unlink (or rm) removes it.
 * If the size fails (EFBIG above `ulimit -f`, ENOSPC), an object this run
 * made is removed again; one that was there before is left alone.
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
#include <errno.h>
#include <signal.h>
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
    int excl = 0, created, opt, fd;
    mode_t mode = 0600;
    const char *name;
    off_t size;

    while ((opt = next_option(argc, argv, "xm:", help)) != -1) {
        switch (opt) {
        case 'x': excl = 1; break;
        case 'm': mode = parse_mode("mode", optarg); break;
        }
    }
    if (argc - optind != 2)
        usage_error(argc - optind < 2 ? "missing NAME or SIZE" : "too many arguments");
    name = posix_name(argv[optind]);
    size = parse_long("size", argv[optind + 1], 0, LONG_MAX);

    signal(SIGXFSZ, SIG_IGN);           /* above ulimit -f: EFBIG, not death by signal */
    // tag::create[]
    fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, mode);      // <1>
    created = fd != -1;                 /* so that a failure removes only what we made */
    if (fd == -1 && errno == EEXIST && !excl)
        fd = shm_open(name, O_RDWR, 0);                         /* the one already there */
    if (fd == -1)
        die("shm_open %s", name);
    if (ftruncate(fd, size) == -1) {                            // <2>
        warn_errno("ftruncate %s", name);
        if (created)                    /* made by this run: do not leave it behind */
            shm_unlink(name);
        return EXIT_CALL_FAILED;
    }
    close(fd);                                                  // <3>
    // end::create[]
    return EXIT_SUCCESS;
}
