/* test_msg.c: message queues (chapters/msg).
 * Each test decides one or more claims of chapters/msg/claims.tsv. The tests
 * are in the sections of tests/msg/; here are main and the helpers they share.
 * A process that must be waiting inside msgsnd or msgrcv is found so by
 * t_blocked_in (its state and the call it sleeps in), never by sleeping and
 * hoping. */
#define _GNU_SOURCE
#include "msg/msg.h"

#include <errno.h>
#include <string.h>

int new_queue(int mode)
{
    int id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | mode);

    ck_assert_msg(id != -1, "msgget: %s", strerror(errno));
    return id;
}

int send_text(int id, long type, const char *text, int flags)
{
    static struct message m;

    m.mtype = type;
    memcpy(m.mtext, text, strlen(text));
    return msgsnd(id, &m, strlen(text), flags);
}

ssize_t recv_text(int id, long msgtyp, int flags, size_t max, char *text, long *type)
{
    static struct message m;
    ssize_t n = msgrcv(id, &m, max, msgtyp, flags);

    if (n >= 0) {
        memcpy(text, m.mtext, (size_t)n);
        text[n] = '\0';
        if (type)
            *type = m.mtype;
    }
    return n;
}

struct msqid_ds stat_of(int id)
{
    struct msqid_ds ds;

    ck_assert_msg(msgctl(id, IPC_STAT, &ds) == 0, "IPC_STAT %d: %s", id, strerror(errno));
    return ds;
}

static Suite *make_suite(void)
{
    Suite *s = suite_create("msg");

    add_queue_tests(s);
    add_waits_tests(s);
    add_ctl_tests(s);
    add_errno_tests(s);
    add_programs_tests(s);
    add_server_tests(s);
    return s;
}

int main(void)
{
    return t_main(make_suite);
}
