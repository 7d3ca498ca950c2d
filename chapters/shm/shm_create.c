/* shm_create: make a shared memory segment (step 1 of 5) and print its id.
 *
 * usage: shm_create [-p | -k PATH[:ID] | -K KEY] [-x] [-m MODE] SIZE
 *
 * shmget() with IPC_CREAT makes a segment of SIZE bytes, or opens the one the
 * key already has; -x adds IPC_EXCL, so that only a new segment will do. The
 * id goes alone on stdout, for the shell: id=$(./shm_create 4096). The segment
 * stays after this program exits, until shm_rm (or ipcrm -m) removes it.
 *
 * $ ./shm_create 4096
 * 2392090
 * $ ./shm_create -k app.conf -x -m 0640 100
 * 2392091
 * $ ./shm_create -k app.conf -x 100
 * shm_create: shmget: EEXIST: File exists
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/shm.h>

static const char help[] =
    "usage: shm_create [-p | -k PATH[:ID] | -K KEY] [-x] [-m MODE] SIZE\n"
    "Create a shared memory segment of SIZE bytes, or open the one the key\n"
    "has, and print its id.\n"
    "  -p            IPC_PRIVATE: always a new segment (the default)\n"
    "  -k PATH[:ID]  key from ftok(PATH, ID), ID 1 to 255 (default 1)\n"
    "  -K KEY        the key itself, in hex\n"
    "  -x            IPC_EXCL: fail with EEXIST if the key has a segment\n"
    "  -m MODE       permission bits, octal (default 0600)\n";

int main(int argc, char *argv[])
{
    key_t key = IPC_PRIVATE;
    int flags = IPC_CREAT, key_given = 0, opt, id;
    mode_t mode = 0600;
    long size;

    while ((opt = next_option(argc, argv, "pk:K:xm:", help)) != -1) {
        switch (opt) {
        case 'p': case 'k': case 'K':
            if (key_given++)
                usage_error("give one key option");
            key = parse_key_option(opt, optarg);
            break;
        case 'x': flags |= IPC_EXCL; break;
        case 'm': mode = parse_mode("mode", optarg); break;
        }
    }
    if (optind == argc)
        usage_error("missing SIZE");
    if (argc - optind > 1)
        usage_error("too many arguments");
    size = parse_long("size", argv[optind], 0, LONG_MAX);   /* 0: see EINVAL */

    // tag::create[]
    id = shmget(key, size, flags | mode);       // <1>
    if (id == -1)
        die("shmget");
    printf("%d\n", id);                         // <2>
    // end::create[]
    /* The id could not be handed over (a full disk, say). A segment this run
     * surely made, private or under IPC_EXCL, would be left to nobody:
     * remove it. The failed write is reported at exit, with status 1. */
    if (fflush(stdout) == EOF && (key == IPC_PRIVATE || flags & IPC_EXCL))
        shmctl(id, IPC_RMID, NULL);
    return EXIT_SUCCESS;
}
