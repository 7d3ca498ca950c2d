/* shm_hold: attach segment SHMID, print where it landed, and hold it until
 * standard input ends; then detach and exit. A helper of the book's figures
 * (book/figures/shm-life, shm-maps), which need a process that stays
 * attached while they look at the segment and at /proc/PID/maps.
 *
 * usage: shm_hold SHMID
 */
#include <stdio.h>
#include <sys/shm.h>
#include "ipclab.h"

static const char help[] =
    "usage: shm_hold SHMID\n"
    "Attach segment SHMID, print its address, hold it until stdin ends.\n";

int main(int argc, char *argv[])
{
    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind != 1)
        usage_error("one SHMID expected");
    int id = (int)parse_long("SHMID", argv[optind], 0, 0x7fffffff);
    void *addr = shmat(id, NULL, 0);
    if (addr == (void *)-1)
        die("shmat %d", id);
    printf("%p\n", addr);
    fflush(stdout);
    while (getchar() != EOF)
        ;
    if (shmdt(addr) == -1)
        die("shmdt");
    return 0;
}
