/* pshm_unlink: remove POSIX shared memory objects by name.
 *
 * usage: pshm_unlink NAME...
 *
 * shm_unlink() removes the name at once: the object vanishes from /dev/shm
 * and a new shm_open of the name makes a new object. Processes that have it
 * open or mapped keep using the old one, which is freed when the last of them
 * lets go; there is no "dest" to see, the name is simply gone. A failure on
 * one name does not stop the others; the exit status is then 1.
 *
 * $ ./pshm_unlink /demo
 * $ ./pshm_unlink /demo
 * pshm_unlink: shm_unlink /demo: ENOENT: No such file or directory
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "posix_name.h"

#include <stdlib.h>
#include <sys/mman.h>

static const char help[] =
    "usage: pshm_unlink NAME...\n"
    "Remove each POSIX shared memory object's name (shm_unlink). Who has it\n"
    "mapped keeps it until unmapping it.\n";

int main(int argc, char *argv[])
{
    int status = EXIT_SUCCESS;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind == argc)
        usage_error("missing NAME");
    for (int i = optind; i < argc; i++)         /* check them all first */
        posix_name(argv[i]);

    for (int i = optind; i < argc; i++) {
        // tag::unlink[]
        if (shm_unlink(argv[i]) == -1) {        // <1>
            warn_errno("shm_unlink %s", argv[i]);
            status = EXIT_CALL_FAILED;
        }
        // end::unlink[]
    }
    return status;
}
