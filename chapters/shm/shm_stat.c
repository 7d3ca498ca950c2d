/* shm_stat: everything shmctl() tells about a segment, and the system limits.
 *
 * usage: shm_stat SHMID
 *
 * IPC_STAT fills a struct shmid_ds: the ipc_perm (key, owner, creator, mode),
 * the size asked for, the times of the last attach, detach and change, the
 * pids of the creator and of the last process to attach or detach, and the
 * number of attachments. The kernel's own flags sit above the nine mode bits:
 * SHM_DEST ("dest" in ipcs -m) once IPC_RMID has been called on a segment
 * still attached, SHM_LOCKED after SHM_LOCK. IPC_INFO gives the limits
 * (struct shminfo) and SHM_INFO what is in use (struct shm_info); both are
 * Linux's own (seed 000's sample calls IPC_INFO).
 *
 * $ ./shm_stat 2392092
 * segment 2392092
 *   key     0x00000000
 *   owner   uid 0  gid 0    creator  uid 0  gid 0
 *   mode    0600
 *   status  -
 *   size    4096 bytes
 *   nattch  0
 *   cpid    32549  (created it)
 *   lpid    32552  (last shmat or shmdt)
 *   atime   2026-11-24 09:28:33  (last shmat)
 *   dtime   2026-11-24 09:28:33  (last shmdt)
 *   ctime   2026-11-24 09:28:33  (created, or last IPC_SET)
 * limits (IPC_INFO)
 *   shmmax  18446744073692774399 bytes in one segment
 *   shmmin  1 byte
 *   shmmni  4096 segments
 *   shmall  18446744073692774399 pages in all
 * in use (SHM_INFO)
 *   segments  3   pages  3 (resident 1, swapped 0)
 */
#define _GNU_SOURCE                     /* IPC_INFO, SHM_INFO, SHM_DEST: Linux's */
#include "ipclab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>

static const char help[] =
    "usage: shm_stat SHMID\n"
    "Print the struct shmid_ds of segment SHMID (shmctl IPC_STAT), then the\n"
    "system limits (IPC_INFO) and what is in use (SHM_INFO).\n";

static void show_time(const char *name, time_t t, const char *what)
{
    char text[32] = "never";

    if (t != 0)
        strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", localtime(&t));
    printf("  %-7s %s  (%s)\n", name, text, what);
}

/* The kernel's flags, as ipcs -m shows them; "-" for none. */
static const char *status(unsigned int mode)
{
    if ((mode & SHM_DEST) && (mode & SHM_LOCKED))
        return "dest locked";
    if (mode & SHM_DEST)
        return "dest";
    return mode & SHM_LOCKED ? "locked" : "-";
}

int main(int argc, char *argv[])
{
    struct shmid_ds ds;
    struct shminfo lim;
    struct shm_info use;
    int id;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind == argc)
        usage_error("missing SHMID");
    if (argc - optind > 1)
        usage_error("too many arguments");
    id = parse_long("shmid", argv[optind], 0, INT_MAX);

    // tag::stat[]
    if (shmctl(id, IPC_STAT, &ds) == -1)                        // <1>
        die("shmctl IPC_STAT %d", id);
    printf("segment %d\n", id);
    printf("  key     0x%08x\n", (unsigned int)ds.shm_perm.__key);
    printf("  owner   uid %u  gid %u    creator  uid %u  gid %u\n",
           ds.shm_perm.uid, ds.shm_perm.gid, ds.shm_perm.cuid, ds.shm_perm.cgid);
    printf("  mode    %04o\n", ds.shm_perm.mode & 0777);
    printf("  status  %s\n", status(ds.shm_perm.mode));          // <2>
    printf("  size    %zu bytes\n", (size_t)ds.shm_segsz);      // <3>
    printf("  nattch  %lu\n", (unsigned long)ds.shm_nattch);
    printf("  cpid    %ld  (created it)\n", (long)ds.shm_cpid);
    printf("  lpid    %ld  (last shmat or shmdt)\n", (long)ds.shm_lpid);
    show_time("atime", ds.shm_atime, "last shmat");
    show_time("dtime", ds.shm_dtime, "last shmdt");
    show_time("ctime", ds.shm_ctime, "created, or last IPC_SET");
    // end::stat[]

    // tag::info[]
    if (shmctl(0, IPC_INFO, (struct shmid_ds *)&lim) == -1)     // <1>
        die("shmctl IPC_INFO");
    printf("limits (IPC_INFO)\n");
    printf("  shmmax  %lu bytes in one segment\n", lim.shmmax);
    printf("  shmmin  %lu byte\n", lim.shmmin);
    printf("  shmmni  %lu segments\n", lim.shmmni);
    printf("  shmall  %lu pages in all\n", lim.shmall);
    if (shmctl(0, SHM_INFO, (struct shmid_ds *)&use) == -1)     // <2>
        die("shmctl SHM_INFO");
    printf("in use (SHM_INFO)\n");
    printf("  segments  %d   pages  %lu (resident %lu, swapped %lu)\n",
           use.used_ids, use.shm_tot, use.shm_rss, use.shm_swp);
    // end::info[]
    return EXIT_SUCCESS;
}
