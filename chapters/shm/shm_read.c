/* shm_read: attach a segment, print the string at its start, detach.
 *
 * usage: shm_read [-r] SHMID
 *
 * Prints the bytes at offset 0 up to the first NUL (or the end of the
 * segment), then a newline. With -r the segment is attached with SHM_RDONLY:
 * read permission is then enough, and a write through the pointer would be
 * stopped by SIGSEGV.
 *
 * $ ./shm_read -r 2392092
 * hello, segment
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

static const char help[] =
    "usage: shm_read [-r] SHMID\n"
    "Attach segment SHMID, print the string at offset 0, and detach.\n"
    "  -r  attach read-only (SHM_RDONLY): read permission is enough\n";

int main(int argc, char *argv[])
{
    struct shmid_ds ds;
    int flags = 0, opt, id;
    const char *p;

    while ((opt = next_option(argc, argv, "r", help)) != -1)
        flags = SHM_RDONLY;                     /* the only option: -r */
    if (optind == argc)
        usage_error("missing SHMID");
    if (argc - optind > 1)
        usage_error("too many arguments");
    id = parse_long("shmid", argv[optind], 0, INT_MAX);

    // tag::read[]
    p = shmat(id, NULL, flags);                 // <1>
    if (p == (void *)-1)
        die("shmat %d", id);
    if (shmctl(id, IPC_STAT, &ds) == -1)        // <2>
        die("shmctl IPC_STAT %d", id);
    printf("%.*s\n", (int)strnlen(p, ds.shm_segsz), p);
    if (shmdt(p) == -1)
        die("shmdt");
    // end::read[]
    return EXIT_SUCCESS;
}
