/* msg_qbytes: change a queue's size limit, msg_qbytes, with IPC_SET.
 *
 * usage: msg_qbytes MSQID BYTES
 *
 * A new queue may hold MSGMNB bytes (16384 by default). The owner or the
 * creator may lower the limit, or raise it again up to MSGMNB; above MSGMNB
 * only a process with CAP_SYS_RESOURCE may go (EPERM for others). IPC_SET
 * writes uid, gid and mode too, so the program reads the whole msqid_ds
 * first and changes one field.
 *
 * $ ./msg_qbytes $id 100
 * qbytes 16384 -> 100
 * $ ./msg_qbytes $id 20000          (without CAP_SYS_RESOURCE)
 * msg_qbytes: msgctl IPC_SET 2045182014: EPERM: Operation not permitted
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>

static const char help[] =
    "usage: msg_qbytes MSQID BYTES\n"
    "Set the queue's msg_qbytes (the most bytes it may hold) with IPC_SET.\n"
    "Raising it above MSGMNB needs CAP_SYS_RESOURCE.\n";

int main(int argc, char *argv[])
{
    struct msqid_ds ds;
    unsigned long before;
    long bytes;
    int msqid;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind < 2)
        usage_error("missing %s", optind == argc ? "MSQID" : "BYTES");
    if (argc - optind > 2)
        usage_error("too many arguments");
    msqid = (int)parse_long("msqid", argv[optind], 0, INT_MAX);
    bytes = parse_long("bytes", argv[optind + 1], 0, INT_MAX);

    // tag::set[]
    if (msgctl(msqid, IPC_STAT, &ds) == -1)             // <1>
        die("msgctl IPC_STAT %d", msqid);
    before = ds.msg_qbytes;
    ds.msg_qbytes = (msglen_t)bytes;
    if (msgctl(msqid, IPC_SET, &ds) == -1)              // <2>
        die("msgctl IPC_SET %d", msqid);
    // end::set[]
    printf("qbytes %lu -> %ld\n", before, bytes);
    return EXIT_SUCCESS;
}
