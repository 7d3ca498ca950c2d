/* msg.h: what the sections of the message queue suite share (their helpers
 * are in tests/test_msg.c), and the function each section adds its tests with. */
#ifndef TEST_MSG_H
#define TEST_MSG_H

#include "harness.h"

#include <sys/msg.h>
#include <sys/types.h>

enum { IPCMNI = 32768 };        /* id = seq * IPCMNI + index */

struct message {
    long mtype;
    char mtext[16384];
};

/* A new IPC_PRIVATE queue of MODE, recorded for the leak guard. */
int new_queue(int mode);
/* msgsnd of TEXT (without its NUL) with TYPE; msgsnd's return value. */
int send_text(int id, long type, const char *text, int flags);
/* msgrcv with room for MAX bytes: the text, NUL-terminated, to TEXT (which
 * has room for MAX + 1), its type to *TYPE if not NULL; msgrcv's return value. */
ssize_t recv_text(int id, long msgtyp, int flags, size_t max, char *text, long *type);
/* IPC_STAT of the queue; the test fails if it cannot be had. */
struct msqid_ds stat_of(int id);

void add_queue_tests(Suite *s);         /* queue.c: order, selection, sizes */
void add_waits_tests(Suite *s);         /* waits.c: full and empty queues */
void add_ctl_tests(Suite *s);           /* ctl.c: msqid_ds, limits, ids, libsysvipc */
void add_errno_tests(Suite *s);         /* errno.c: one row per error */
void add_programs_tests(Suite *s);      /* programs.c: the chapter's programs, sessions */
void add_server_tests(Suite *s);        /* server.c: msg_server and msg_client */

#endif
