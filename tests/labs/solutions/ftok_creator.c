/* ftok_creator: create a shared memory segment for a key, or open the one
 * that is there: who made it? A lab: the statement is at the end of the
 * book's chapter on keys and identifiers; write the TODOs, then
 * `make grade LAB=ftok_creator`.
 *
 * usage: ftok_creator [-r] PATH ID
 *
 * The segment has the key ftok(PATH, ID) and SIZE bytes. The first run
 * makes it, with IPC_CREAT | IPC_EXCL, so that it knows it is the creator:
 * it alone initialises the segment (writes MAGIC at its start) and prints
 * "created SHMID". A later run gets EEXIST, opens the segment that is there,
 * checks that it fits (SIZE bytes at least, MAGIC at its start: made by this
 * program, not by another one whose key happens to be the same) and prints
 * "opened SHMID". With -r it removes the segment and prints "removed SHMID".
 * (One window stays open: a run that comes between the creator's shmget and
 * its MAGIC refuses the segment. Closing it takes a second object, such as
 * a semaphore the creator posts when it is done.)
 * A segment made anew gets another id: the kernel hands out slots in a
 * circle, and the sequence number in the id grows each time round.
 *
 * $ ./ftok_creator /tmp 7
 * created 32769
 * $ ./ftok_creator /tmp 7
 * opened 32769
 * $ ./ftok_creator -r /tmp 7
 * removed 32769
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

static const char help[] =
    "usage: ftok_creator [-r] PATH ID\n"
    "Create the shared memory segment of key ftok(PATH, ID) (ID 1 to 255) and\n"
    "initialise it, or open the one that is there and check it; say which.\n"
    "  -r  remove it\n";

enum { SIZE = 4096 };
static const char magic[] = "ftok_creator 1";  /* what the creator writes first */

/* The segment of KEY: a new one of SIZE bytes (*created set to 1) or, when
 * the key has one already, that one (*created 0). die() on failure. */
static int get_segment(key_t key, int *created)
{
    //> /* TODO 1: shmget(2) with IPC_CREAT | IPC_EXCL and mode 0600: a new
    //>  * segment. If it fails with EEXIST, the key has one: shmget it
    //>  * again without those flags (what size may you ask for, not knowing
    //>  * its size?). Any other failure: die(). */
    //> (void)key;
    //> *created = 0;
    //> return -1;
    // BEGIN SOLUTION
    int id = shmget(key, SIZE, IPC_CREAT | IPC_EXCL | 0600);

    *created = id != -1;
    if (id == -1 && errno == EEXIST)
        id = shmget(key, 0, 0);         /* 0: any size; check_fits() says if it fits */
    if (id == -1)
        die("shmget");
    return id;
    // END SOLUTION
}

/* The creator's work: MAGIC at the start of the new segment ID. The
 * segment is removed if that fails (die()). */
static void initialise(int id)
{
    //> /* TODO 2: shmat(2), copy magic (with its NUL) to the start, shmdt(2).
    //>  * If shmat fails, remove the segment (shmctl(2) IPC_RMID) before
    //>  * die(): nobody else will initialise it. */
    //> (void)id;
    // BEGIN SOLUTION
    char *at = shmat(id, NULL, 0);

    if (at == (void *)-1) {
        int saved = errno;

        shmctl(id, IPC_RMID, NULL);
        errno = saved;
        die("shmat");
    }
    memcpy(at, magic, sizeof magic);
    shmdt(at);
    // END SOLUTION
}

/* Does the segment ID, made by someone else, fit: SIZE bytes at least, and
 * MAGIC at its start? fatal() in one line if not, die() if a call fails. */
static void check_fits(int id)
{
    //> /* TODO 3: shmctl(2) IPC_STAT: shm_segsz. Too small: fatal() with
    //>  *   segment SHMID has N bytes, fewer than 4096
    //>  * Then shmat(2) it read-only (SHM_RDONLY), compare the start with
    //>  * magic, shmdt(2). Not there: fatal() with
    //>  *   segment SHMID was not made by ftok_creator
    //>  * Leave the segment as it is: it is not yours. */
    //> (void)id, (void)magic;
    // BEGIN SOLUTION
    struct shmid_ds ds;
    char *at;
    int ours;

    if (shmctl(id, IPC_STAT, &ds) == -1)
        die("shmctl IPC_STAT");
    if (ds.shm_segsz < SIZE)
        fatal("segment %d has %zu bytes, fewer than %d", id, (size_t)ds.shm_segsz, SIZE);
    if ((at = shmat(id, NULL, SHM_RDONLY)) == (void *)-1)
        die("shmat");
    ours = memcmp(at, magic, sizeof magic) == 0;
    shmdt(at);
    if (!ours)
        fatal("segment %d was not made by ftok_creator", id);
    // END SOLUTION
}

/* -r: remove the segment of KEY; its id. die() if there is none. */
static int remove_segment(key_t key)
{
    //> /* TODO 4: shmget(2) without flags, then shmctl(2) IPC_RMID. */
    //> (void)key;
    //> return -1;
    // BEGIN SOLUTION
    int id = shmget(key, 0, 0);

    if (id == -1)
        die("shmget");
    if (shmctl(id, IPC_RMID, NULL) == -1)
        die("shmctl IPC_RMID");
    return id;
    // END SOLUTION
}

int main(int argc, char *argv[])
{
    int opt, remove = 0, created, id;
    key_t key;

    while ((opt = next_option(argc, argv, "r", help)) != -1)
        remove = 1;                     /* -r, the only option */
    if (argc - optind != 2)
        usage_error(argc - optind < 2 ? "missing PATH or ID" : "too many arguments");
    key = ftok(argv[optind], (int)parse_long("id", argv[optind + 1], 1, 255));
    if (key == -1)
        die("ftok %s", argv[optind]);

    if (remove) {
        printf("removed %d\n", remove_segment(key));
        return EXIT_SUCCESS;
    }
    id = get_segment(key, &created);
    if (created)
        initialise(id);
    else
        check_fits(id);
    printf("%s %d\n", created ? "created" : "opened", id);
    return EXIT_SUCCESS;
}
