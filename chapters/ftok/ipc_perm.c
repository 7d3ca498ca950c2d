/* ipc_perm: the ipc_perm structure every System V object carries.
 *
 * usage: ipc_perm [-m MODE] [-u UID] [-g GID]
 *
 * Makes a private shared memory segment with MODE (default 0640) under
 * umask 077, prints its ipc_perm, gives it to UID:GID with IPC_SET (default
 * 65534:65534, nobody), prints it again, and removes it. It shows that
 *   - the umask does not apply: the mode is exactly what shmget was given;
 *   - IPC_SET changes the owner (uid, gid) and the mode, never the creator
 *     (cuid, cgid): the creator keeps the right to change or remove it;
 *   - uid and gid are full 32-bit ids (try -u 100000).
 * Any user may run it: the owner or the creator may use IPC_SET, and may
 * give the object to any uid, unlike chown(2).
 *
 * $ ./ipc_perm              (as root; an ordinary user sees its own ids)
 * umask 0077, shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0640)
 * created:
 *   key 0x00000000  id 5  uid 0  gid 0  cuid 0  cgid 0  mode 0640
 * after IPC_SET uid, gid and mode 0600:
 *   key 0x00000000  id 5  uid 65534  gid 65534  cuid 0  cgid 0  mode 0600
 * removed id 5
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>

static const char help[] =
    "usage: ipc_perm [-m MODE] [-u UID] [-g GID]\n"
    "Create a private segment with MODE (octal, default 0640) under umask 077,\n"
    "print its ipc_perm, give it to UID:GID with IPC_SET (default 65534, nobody),\n"
    "print it again and remove it.\n";

static int shmid = -1;

static void remove_segment(void)
{
    if (shmid != -1 && shmctl(shmid, IPC_RMID, NULL) == -1)
        warn_errno("shmctl IPC_RMID %d", shmid);
}

// tag::show[]
static void show(const char *when)
{
    struct shmid_ds ds;

    if (shmctl(shmid, IPC_STAT, &ds) == -1) {
        if (errno != EACCES)
            die("shmctl IPC_STAT");
        /* a lesson in itself: the owner bits bind the owner, root excepted */
        printf("%s\n  IPC_STAT refused (EACCES): the mode gives the owner no read permission\n",
               when);
        return;
    }
    printf("%s\n  key 0x%08x  id %d  uid %u  gid %u  cuid %u  cgid %u  mode %04o\n",
           when, (unsigned int)ds.shm_perm.__key, shmid,
           (unsigned int)ds.shm_perm.uid, (unsigned int)ds.shm_perm.gid,
           (unsigned int)ds.shm_perm.cuid, (unsigned int)ds.shm_perm.cgid,
           (unsigned int)ds.shm_perm.mode & 0777);   // <1>
}
// end::show[]

int main(int argc, char *argv[])
{
    mode_t mode = 0640;
    long uid = 65534, gid = 65534;
    struct shmid_ds ds;
    int opt;

    while ((opt = next_option(argc, argv, "m:u:g:", help)) != -1) {
        switch (opt) {
        case 'm': mode = parse_mode("mode", optarg); break;
        case 'u': uid = parse_long("uid", optarg, 0, UINT_MAX - 1); break;
        case 'g': gid = parse_long("gid", optarg, 0, UINT_MAX - 1); break;
        }
    }
    if (optind != argc)
        usage_error("too many arguments");

    // tag::create[]
    umask(077);                                         // <1>
    shmid = shmget(IPC_PRIVATE, 4096, IPC_CREAT | mode);
    if (shmid == -1)
        die("shmget");
    atexit(remove_segment);
    printf("umask 0077, shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0%03o)\n", (unsigned int)mode);
    show("created:");
    // end::create[]

    // tag::set[]
    memset(&ds, 0, sizeof ds);          /* IPC_SET reads only uid, gid and mode */
    ds.shm_perm.uid = (uid_t)uid;                       // <1>
    ds.shm_perm.gid = (gid_t)gid;
    ds.shm_perm.mode = 0600;
    if (shmctl(shmid, IPC_SET, &ds) == -1)
        die("shmctl IPC_SET");
    show("after IPC_SET uid, gid and mode 0600:");
    // end::set[]

    remove_segment();                   /* allowed: we are still its creator */
    printf("removed id %d\n", shmid);
    shmid = -1;
    return EXIT_SUCCESS;
}
