/* sem_create: make a semaphore set with semget(2) and print its id.
 *
 * usage: sem_create [-p | -k PATH[:ID] | -K KEY] [-x] [-m MODE] NSEMS
 *
 * A System V semaphore is never alone: semget makes a set of NSEMS of
 * them, numbered from 0, each holding a value from 0 to 32767 (SEMVMX).
 * A new set starts with every value at 0 and its sem_otime at 0: nobody
 * has called semop on it yet. The id is printed alone on stdout, so that
 * id=$(./sem_create 2) works; the set stays until someone removes it
 * (sem_rm, or ipcrm -s).
 *   -p            IPC_PRIVATE, a new set every time (the default)
 *   -k PATH[:ID]  the key ftok(PATH, ID) gives; IPC_CREAT opens the set the
 *   -K KEY        key already has, if it has one
 *   -x            IPC_EXCL as well: fail with EEXIST rather than open it
 *   -m MODE       permission bits, octal (default 0600)
 *
 * $ id=$(./sem_create 2)
 * $ echo $id
 * 1310769
 * $ ./sem_create -K 1234 -x 1; ./sem_create -K 1234 -x 1
 * 1310770
 * sem_create: semget: EEXIST: File exists
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>

static const char help[] =
    "usage: sem_create [-p | -k PATH[:ID] | -K KEY] [-x] [-m MODE] NSEMS\n"
    "Create a set of NSEMS semaphores (every value 0) and print its id.\n"
    "  -p            IPC_PRIVATE: always a new set (the default)\n"
    "  -k PATH[:ID]  key from ftok(PATH, ID), ID 1 to 255 (default 1)\n"
    "  -K KEY        the key itself, in hex\n"
    "                with a key, an existing set is opened (IPC_CREAT)...\n"
    "  -x            ...unless -x adds IPC_EXCL: then it is EEXIST\n"
    "  -m MODE       permission bits, octal (default 0600)\n";

int main(int argc, char *argv[])
{
    int key_opt = 0, opt, flags = IPC_CREAT, semid;
    const char *key_arg = NULL;
    mode_t mode = 0600;
    long nsems;
    key_t key = IPC_PRIVATE;

    while ((opt = next_option(argc, argv, "pk:K:xm:", help)) != -1) {
        switch (opt) {
        case 'p': case 'k': case 'K':
            if (key_opt != 0)
                usage_error("give one key option");
            key_opt = opt;
            key_arg = optarg;
            break;
        case 'x': flags |= IPC_EXCL; break;
        case 'm': mode = parse_mode("mode", optarg); break;
        }
    }
    if (argc - optind != 1)
        usage_error(argc - optind < 1 ? "missing NSEMS" : "too many arguments");
    /* the kernel judges: 0 opens any existing set but makes none (EINVAL),
     * nor does more than SEMMSL */
    nsems = parse_long("nsems", argv[optind], 0, INT_MAX);
    if (key_opt != 0)
        key = parse_key_option(key_opt, key_arg);

    // tag::semget[]
    semid = semget(key, (int)nsems, flags | (int)mode);     // <1>
    if (semid == -1)
        die("semget");
    printf("%d\n", semid);                                  // <2>
    // end::semget[]
    /* The id could not be handed over (a full disk, say). A set this run
     * surely made, private or under IPC_EXCL, would be left to nobody:
     * remove it. The failed write is reported at exit, with status 1. */
    if (fflush(stdout) == EOF && (key == IPC_PRIVATE || flags & IPC_EXCL))
        semctl(semid, 0, IPC_RMID);
    return EXIT_SUCCESS;
}
