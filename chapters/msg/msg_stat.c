/* msg_stat: what the kernel keeps about a queue (IPC_STAT), and the limits
 * every queue lives under (IPC_INFO).
 *
 * usage: msg_stat MSQID
 *
 * msqid_ds counts the messages (msg_qnum) and their bytes (msg_cbytes, the
 * texts only) against the queue's limit (msg_qbytes), and records who sent
 * and received last (pids) and when (times; 0 means never). IPC_INFO, a Linux
 * command, gives the system's limits, which root may change through
 * /proc/sys/kernel/msgmax, msgmnb and msgmni.
 *
 * $ ./msg_send $id 1 x
 * $ ./msg_stat $id
 * msqid 2045214723  key 0x00000000  uid 0  mode 0600
 * qnum 1  cbytes 1  qbytes 16384
 * lspid 13329  lrpid 0
 * stime Tue Nov 24 09:17:28 2026
 * rtime never
 * ctime Tue Nov 24 09:17:28 2026
 * limits: MSGMAX 8192 (bytes a message)  MSGMNB 16384 (bytes a new queue)  MSGMNI 32000 (queues)
 */
#define _GNU_SOURCE                     /* struct msginfo, IPC_INFO */
#include "ipclab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <time.h>

static const char help[] =
    "usage: msg_stat MSQID\n"
    "Print the queue's msqid_ds (IPC_STAT) and the system's limits (IPC_INFO).\n";

static void show_time(const char *name, time_t t)
{
    char text[64];

    if (t == 0)
        printf("%s never\n", name);
    else if (strftime(text, sizeof text, "%a %b %e %H:%M:%S %Y", localtime(&t)) > 0)
        printf("%s %s\n", name, text);
}

int main(int argc, char *argv[])
{
    struct msqid_ds ds;
    struct msginfo info;
    int msqid;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind == argc)
        usage_error("missing MSQID");
    if (argc - optind > 1)
        usage_error("too many arguments");
    msqid = (int)parse_long("msqid", argv[optind], 0, INT_MAX);

    // tag::stat[]
    if (msgctl(msqid, IPC_STAT, &ds) == -1)                     // <1>
        die("msgctl IPC_STAT %d", msqid);
    printf("msqid %d  key 0x%08x  uid %u  mode %04o\n", msqid,
           (unsigned int)ds.msg_perm.__key, (unsigned int)ds.msg_perm.uid,
           (unsigned int)ds.msg_perm.mode & 0777);
    printf("qnum %lu  cbytes %lu  qbytes %lu\n", (unsigned long)ds.msg_qnum,
           (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes);  // <2>
    printf("lspid %ld  lrpid %ld\n", (long)ds.msg_lspid, (long)ds.msg_lrpid);
    show_time("stime", ds.msg_stime);
    show_time("rtime", ds.msg_rtime);
    show_time("ctime", ds.msg_ctime);
    // end::stat[]

    // tag::info[]
    if (msgctl(0, IPC_INFO, (struct msqid_ds *)&info) == -1)    // <1>
        die("msgctl IPC_INFO");
    printf("limits: MSGMAX %d (bytes a message)  MSGMNB %d (bytes a new queue)"
           "  MSGMNI %d (queues)\n", info.msgmax, info.msgmnb, info.msgmni);
    // end::info[]
    return EXIT_SUCCESS;
}
