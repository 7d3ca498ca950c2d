/* sem_setall: set every value of a semaphore set at once (semctl SETALL).
 *
 * usage: sem_setall SEMID VALUE...
 *
 * SETALL takes one value per semaphore of the set, so this program first
 * asks IPC_STAT how many the set has and wants exactly that many values.
 * Values run from 0 to 32767 (SEMVMX); a larger one is refused by the
 * kernel with ERANGE, and then no value changes. SETALL wakes the
 * processes that wait for the new values, and clears every process's
 * SEM_UNDO adjustments for the set.
 *
 * $ id=$(./sem_create 3)
 * $ ./sem_setall $id 1 0 5
 * $ ./sem_setall $id 40000 0 0
 * sem_setall: semctl SETALL: ERANGE: Numerical result out of range
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "semun.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>

static const char help[] =
    "usage: sem_setall SEMID VALUE...\n"
    "Set the values of the set's semaphores 0, 1, ... with semctl SETALL:\n"
    "one VALUE per semaphore (0 to 32767; larger ones get ERANGE).\n";

int main(int argc, char *argv[])
{
    unsigned short values[256];
    struct semid_ds ds;
    int semid, n;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind < 2)
        usage_error(argc == optind ? "missing SEMID" : "missing VALUE");
    semid = (int)parse_long("semid", argv[optind], 0, INT_MAX);
    n = argc - optind - 1;
    if (n > 256)
        usage_error("at most 256 values");
    for (int i = 0; i < n; i++)         /* up to USHRT_MAX: the kernel says ERANGE */
        values[i] = (unsigned short)parse_long("value", argv[optind + 1 + i], 0, USHRT_MAX);

    // tag::setall[]
    if (semctl(semid, 0, IPC_STAT, (union semun){ .buf = &ds }) == -1)     // <1>
        die("semctl IPC_STAT %d", semid);
    if ((unsigned long)n != ds.sem_nsems)
        fatal("set %d has %lu semaphores: give %lu values, not %d", semid,
              (unsigned long)ds.sem_nsems, (unsigned long)ds.sem_nsems, n);
    if (semctl(semid, 0, SETALL, (union semun){ .array = values }) == -1)  // <2>
        die("semctl SETALL");
    // end::setall[]
    return EXIT_SUCCESS;
}
