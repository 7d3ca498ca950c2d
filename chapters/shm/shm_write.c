/* shm_write: attach a segment, write a string into it, detach (steps 2 to 4).
 *
 * usage: shm_write SHMID TEXT...
 *
 * The TEXT arguments, joined by spaces, go at offset 0 of the segment with
 * the NUL that ends them. Nothing is sent anywhere: the bytes stay in the
 * segment after this program has exited, for any process that attaches it.
 *
 * $ id=$(./shm_create 4096)
 * $ ./shm_write $id hello, segment
 * wrote 15 bytes to segment 2392092
 * $ ./shm_read $id
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
    "usage: shm_write SHMID TEXT...\n"
    "Attach segment SHMID, write TEXT (the arguments joined by spaces, with\n"
    "a terminating NUL) at offset 0, and detach.\n";

int main(int argc, char *argv[])
{
    struct shmid_ds ds;
    size_t len = 0;
    char *p;
    int id;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind < 2)
        usage_error(optind == argc ? "missing SHMID" : "missing TEXT");
    id = parse_long("shmid", argv[optind], 0, INT_MAX);

    if (shmctl(id, IPC_STAT, &ds) == -1)            /* how big is it? */
        die("shmctl IPC_STAT %d", id);
    for (int i = optind + 1; i < argc; i++)
        len += strlen(argv[i]) + 1;                 /* a space or the NUL */
    if (len > ds.shm_segsz)
        fatal("%zu bytes do not fit in segment %d of %zu bytes", len, id,
              (size_t)ds.shm_segsz);

    // tag::write[]
    p = shmat(id, NULL, 0);                         // <1>
    if (p == (void *)-1)
        die("shmat %d", id);
    p[0] = '\0';
    for (int i = optind + 1; i < argc; i++) {       // <2>
        if (i > optind + 1)
            strcat(p, " ");
        strcat(p, argv[i]);
    }
    if (shmdt(p) == -1)                             // <3>
        die("shmdt");
    // end::write[]
    printf("wrote %zu bytes to segment %d\n", len, id);
    return EXIT_SUCCESS;
}
