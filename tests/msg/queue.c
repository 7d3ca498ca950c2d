/* queue.c: a FIFO with types, what msgrcv selects, message boundaries,
 * several writers and readers; sizes and types of messages. */
#define _GNU_SOURCE
#include "msg.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* --- a FIFO with types ---------------------------------------------------------- */

START_TEST(fifo_within_a_type)
{
    int id = new_queue(0600);
    char text[64];
    const char *order[] = { "a1", "c1", "b2", "d2" };

    ck_assert_int_eq(send_text(id, 1, "a1", 0), 0);
    ck_assert_int_eq(send_text(id, 2, "b2", 0), 0);
    ck_assert_int_eq(send_text(id, 1, "c1", 0), 0);
    ck_assert_int_eq(send_text(id, 2, "d2", 0), 0);
    for (int i = 0; i < 4; i++) {       /* type 1 twice, then type 2 twice */
        ck_assert_int_eq(recv_text(id, i < 2 ? 1 : 2, IPC_NOWAIT, 63, text, NULL), 2);
        ck_assert_str_eq(text, order[i]);
    }
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* The queue every row starts from: (type, text) in the order sent. */
static const struct { long type; const char *text; } queued[] = {
    { 3, "a" }, { 1, "b" }, { 2, "c" }, { 1, "d" }, { 5, "e" },
};

static const struct selection {
    long msgtyp;
    int flags;
    const char *text;           /* the message msgrcv takes, or NULL: ENOMSG */
} selections[] = {
    { 0, 0, "a" },              /* 0: the first message */
    { 1, 0, "b" },              /* > 0: the first of that type */
    { 2, 0, "c" },
    { 5, 0, "e" },
    { 4, 0, NULL },             /* none of that type */
    { -1, 0, "b" },             /* < 0: the lowest type not above |msgtyp| */
    { -2, 0, "b" },
    { -5, 0, "b" },
    { -4, 0, "b" },
    { 3, MSG_EXCEPT, "b" },     /* MSG_EXCEPT: the first of any other type */
    { 1, MSG_EXCEPT, "a" },
    { 0, MSG_EXCEPT, "a" },     /* with msgtyp 0, MSG_EXCEPT changes nothing */
};

START_TEST(receive_selection)
{
    const struct selection *s = &selections[_i];
    int id = new_queue(0600);
    char text[64];
    ssize_t n;

    for (size_t i = 0; i < sizeof queued / sizeof queued[0]; i++)
        ck_assert_int_eq(send_text(id, queued[i].type, queued[i].text, 0), 0);
    errno = 0;
    n = recv_text(id, s->msgtyp, IPC_NOWAIT | s->flags, 63, text, NULL);
    if (s->text == NULL) {
        ck_assert_int_eq(n, -1);
        ck_assert_int_eq(errno, ENOMSG);
    } else {
        ck_assert_msg(n == 1, "msgtyp %ld: %s", s->msgtyp, strerror(errno));
        ck_assert_str_eq(text, s->text);
    }
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

START_TEST(messages_keep_their_boundaries)
{
    int id = new_queue(0600), fds[2];
    char text[64];

    ck_assert_int_eq(send_text(id, 1, "ab", 0), 0);
    ck_assert_int_eq(send_text(id, 1, "", 0), 0);        /* an empty message is one too */
    ck_assert_int_eq(send_text(id, 1, "cde", 0), 0);
    ck_assert_int_eq(stat_of(id).msg_qnum, 3);
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), 2);
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), 0);
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), 3);
    /* a pipe, by contrast, gives back all it holds in one read */
    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(write(fds[1], "ab", 2), 2);
    ck_assert_int_eq(write(fds[1], "cde", 3), 3);
    ck_assert_int_eq(read(fds[0], text, 64), 5);
    close(fds[0]);
    close(fds[1]);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

enum { WRITERS = 3, READERS = 2, EACH = 40 };

/* One of several children on a queue: writer N, or a reader. */
struct party {
    int id, n;
};

/* Writer N sends "N:0", "N:1", ... "N:EACH-1". */
static int writer(void *arg)
{
    const struct party *p = arg;
    char text[32];

    for (int k = 0; k < EACH; k++) {
        snprintf(text, sizeof text, "%d:%d", p->n, k);
        NEED(send_text(p->id, 1, text, 0) == 0);
    }
    return 0;
}

/* A reader takes its share and writes each message on a line of its stdout. */
static int reader(void *arg)
{
    const struct party *p = arg;
    char text[64];

    for (int k = 0; k < WRITERS * EACH / READERS; k++) {
        NEED(recv_text(p->id, 0, 0, 63, text, NULL) > 0);
        printf("%s\n", text);
    }
    return 0;
}

/* Several writers and several readers at once on one queue: every message
 * is received exactly once, and each writer's messages come out in the order
 * it sent them. */
START_TEST(several_writers_and_readers)
{
    int id = new_queue(0600), seen[WRITERS][EACH] = { { 0 } }, total = 0;
    struct party writers[WRITERS], reading = { id, 0 };
    struct t_proc readers[READERS], writing[WRITERS];

    for (int r = 0; r < READERS; r++)
        t_fork(&readers[r], 0, reader, &reading);
    for (int w = 0; w < WRITERS; w++) {
        writers[w] = (struct party){ id, w };
        t_fork(&writing[w], 0, writer, &writers[w]);
    }
    for (int w = 0; w < WRITERS; w++)
        ck_assert_msg(t_wait(&writing[w]) == 0, "writer %d: status %d", w, writing[w].status);
    for (int r = 0; r < READERS; r++) {
        char got[1024] = "", *save = NULL;
        int last[WRITERS] = { -1, -1, -1 };

        ck_assert_msg(t_finish(&readers[r], got, sizeof got, NULL, 0) == 0, "reader %d: status %d",
                      r, readers[r].status);
        for (char *line = strtok_r(got, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            int w, k;

            ck_assert_msg(sscanf(line, "%d:%d", &w, &k) == 2 && w >= 0 && w < WRITERS &&
                          k >= 0 && k < EACH, "reader %d got \"%s\"", r, line);
            ck_assert_msg(seen[w][k]++ == 0, "\"%s\" was received twice", line);
            ck_assert_msg(k > last[w], "reader %d got %d:%d after %d:%d", r, w, k, w, last[w]);
            last[w] = k;
            total++;
        }
    }
    ck_assert_int_eq(total, WRITERS * EACH);
    ck_assert_int_eq(stat_of(id).msg_qnum, 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* Writer N sends "wN" and ends. */
static int send_and_exit(void *arg)
{
    const struct party *p = arg;
    char text[16];

    snprintf(text, sizeof text, "w%d", p->n);
    NEED(send_text(p->id, 1, text, 0) == 0);
    return 0;
}

/* No reader at all: every writer sends and exits, the messages stay. A pipe
 * with no reader refuses the write (EPIPE). */
START_TEST(messages_outlive_their_writers)
{
    int id = new_queue(0600), fds[2];
    char text[64], expect[16];

    for (int w = 0; w < 3; w++) {
        struct t_proc p;

        t_fork(&p, 0, send_and_exit, &(struct party){ id, w });
        ck_assert_int_eq(t_wait(&p), 0);
    }
    ck_assert_int_eq(stat_of(id).msg_qnum, 3);
    for (int w = 0; w < 3; w++) {
        snprintf(expect, sizeof expect, "w%d", w);
        ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 63, text, NULL), 2);
        ck_assert_str_eq(text, expect);
    }
    signal(SIGPIPE, SIG_IGN);
    ck_assert_int_eq(pipe(fds), 0);
    close(fds[0]);
    errno = 0;
    ck_assert_int_eq(write(fds[1], "x", 1), -1);
    ck_assert_int_eq(errno, EPIPE);
    close(fds[1]);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* --- sizes and types --------------------------------------------------------------- */

static const long bad_types[] = { 0, -1, LONG_MIN };

START_TEST(mtype_must_be_positive)
{
    int id = new_queue(0600);

    errno = 0;
    ck_assert_int_eq(send_text(id, bad_types[_i], "x", IPC_NOWAIT), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(stat_of(id).msg_qnum, 0);
    ck_assert_int_eq(send_text(id, LONG_MAX, "x", IPC_NOWAIT), 0);     /* any type > 0 */
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

START_TEST(too_long_e2big_or_cut)
{
    int id = new_queue(0600);
    char text[64];
    long type;

    ck_assert_int_eq(send_text(id, 7, "0123456789", 0), 0);
    errno = 0;
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT, 4, text, NULL), -1);
    ck_assert_int_eq(errno, E2BIG);
    ck_assert_int_eq(stat_of(id).msg_qnum, 1);          /* refused, still there */
    ck_assert_int_eq(recv_text(id, 0, IPC_NOWAIT | MSG_NOERROR, 4, text, &type), 4);
    ck_assert_str_eq(text, "0123");
    ck_assert_int_eq(type, 7);
    ck_assert_int_eq(stat_of(id).msg_qnum, 0);          /* the rest is lost */
    ck_assert_int_eq(stat_of(id).__msg_cbytes, 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

START_TEST(above_msgmax_einval)
{
    static struct { long mtype; char mtext[1 << 16]; } big = { .mtype = 1 };
    long msgmax = t_read_long("/proc/sys/kernel/msgmax");
    int id;

    if (msgmax >= (long)sizeof big.mtext)
        T_SKIP("MSGMAX is raised beyond 64 KiB on this machine");
    id = new_queue(0600);
    errno = 0;
    ck_assert_int_eq(msgsnd(id, &big, (size_t)msgmax + 1, IPC_NOWAIT), -1);
    ck_assert_int_eq(errno, EINVAL);
    if (msgmax <= (long)stat_of(id).msg_qbytes)        /* MSGMAX itself is fine */
        ck_assert_int_eq(msgsnd(id, &big, (size_t)msgmax, IPC_NOWAIT), 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* msgsz counts the text only, not the type: cbytes adds up the texts. */
START_TEST(msgsz_counts_the_text_only)
{
    int id = new_queue(0600);

    ck_assert_int_eq(send_text(id, 1, "abc", 0), 0);
    ck_assert_int_eq(send_text(id, 2, "defgh", 0), 0);
    ck_assert_int_eq(stat_of(id).__msg_cbytes, 8);
    /* glibc's struct msgbuf (with _GNU_SOURCE) is a template: one byte of text */
    ck_assert_uint_eq(sizeof ((struct msgbuf *)NULL)->mtext, 1);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

void add_queue_tests(Suite *s)
{
    TCase *queue = tcase_create("queue"), *sizes = tcase_create("sizes");

    tcase_add_test(queue, fifo_within_a_type);
    tcase_add_loop_test(queue, receive_selection, 0, T_ROWS(selections));
    tcase_add_test(queue, messages_keep_their_boundaries);
    tcase_add_test(queue, several_writers_and_readers);
    tcase_add_test(queue, messages_outlive_their_writers);
    tcase_set_timeout(queue, 60);
    suite_add_tcase(s, queue);

    tcase_add_loop_test(sizes, mtype_must_be_positive, 0, T_ROWS(bad_types));
    tcase_add_test(sizes, too_long_e2big_or_cut);
    tcase_add_test(sizes, above_msgmax_einval);
    tcase_add_test(sizes, msgsz_counts_the_text_only);
    suite_add_tcase(s, sizes);
}
