/* msg_private: seed 003's first sample, msgget(IPC_PRIVATE, IPC_CREAT).
 *
 * usage: msg_private
 *
 * The seed makes a private queue, prints the id the kernel gave it, and
 * removes it. This does the same, with the checks the seed leaves out, and
 * shows what the flags it passes mean: IPC_CREAT with no permission bits
 * gives the queue mode 0. Nobody may then read or write it, its owner
 * included; only a process with CAP_IPC_OWNER (root) passes that check.
 * The owner may still remove it, and does. The mode is read from
 * /proc/sysvipc/msg, which anyone may read, and IPC_STAT shows the check.
 *
 * $ ./msg_private            (as an ordinary user)
 * msqid = 2045214721 = seq 62415 * 32768 + index 1
 * mode 0 (IPC_CREAT and no permission bits)
 * IPC_STAT: EACCES: Permission denied
 * removed
 */
#define _GNU_SOURCE                     /* strerrorname_np */
#include "ipclab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

static const char help[] =
    "usage: msg_private\n"
    "Seed 003's sample: make a queue with msgget(IPC_PRIVATE, IPC_CREAT),\n"
    "print its id and its mode (0), try IPC_STAT on it, and remove it.\n";

/* The mode of queue MSQID as /proc/sysvipc/msg lists it, or -1. */
static int proc_mode(int msqid)
{
    FILE *f = fopen("/proc/sysvipc/msg", "r");
    char line[512];
    int key, id;
    unsigned int mode;

    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "%d %d %o", &key, &id, &mode) == 3 && id == msqid) {
            fclose(f);
            return (int)mode;
        }
    }
    if (f != NULL)
        fclose(f);
    return -1;
}

int main(int argc, char *argv[])
{
    struct msqid_ds ds;
    int msqid;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind != argc)
        usage_error("too many arguments");

    // tag::sample[]
    msqid = msgget(IPC_PRIVATE, IPC_CREAT);     // <1>
    if (msqid == -1)
        die("msgget");
    printf("msqid = %d = seq %d * 32768 + index %d\n", msqid, msqid / 32768, msqid % 32768);
    printf("mode %o (IPC_CREAT and no permission bits)\n", proc_mode(msqid) & 0777);
    if (msgctl(msqid, IPC_STAT, &ds) == -1)     // <2>
        printf("IPC_STAT: %s: %s\n", strerrorname_np(errno), strerror(errno));
    else
        printf("IPC_STAT: allowed (this process has CAP_IPC_OWNER)\n");
    if (msgctl(msqid, IPC_RMID, NULL) == -1)    // <3>
        die("msgctl IPC_RMID %d", msqid);
    printf("removed\n");
    // end::sample[]
    return EXIT_SUCCESS;
}
