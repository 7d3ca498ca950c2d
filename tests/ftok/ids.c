/* ids.c: when a removed identifier comes back (claim ids-9). Linux makes
 * an id of seq * 32768 + index; a freed index comes back after some
 * creations (64 when few objects exist), the same id only when seq has gone
 * round its 65535 values too: 64 * 65535, some 4.2 million creations. That
 * cycle runs once in the suite: ids-reuse.session, played by
 * same_id_comes_back_eventually. */
#define _GNU_SOURCE
#include "ftok.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

/* Create a queue with KEY and remove it at once; the id it had. The key is
 * t_key's, so that the leak guard finds a queue left between the two calls
 * when the test is killed there. */
static int queue_cycle(key_t key)
{
    int id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);

    ck_assert_msg(id != -1, "msgget: %s", strerrorname_np(errno));
    ck_assert_msg(msgctl(id, IPC_RMID, NULL) == 0, "msgctl %d: %s", id, strerrorname_np(errno));
    return id;
}

START_TEST(removed_id_not_reused_at_once)
{
    key_t key = t_key(1, NULL);
    int first = queue_cycle(key), id = -1;
    long n = 0;

    errno = 0;                          /* a stale id names nothing now */
    ck_assert_int_eq(msgctl(first, IPC_STAT, &(struct msqid_ds){ 0 }), -1);
    ck_assert_int_eq(errno, EINVAL);
    while (n < (1L << 20) && id % IPCMNI != first % IPCMNI) {
        id = queue_cycle(key);
        n++;
    }
    ck_assert_msg(id % IPCMNI == first % IPCMNI, "index %d did not come back in %ld creations",
                  first % IPCMNI, n);
    /* the slot came back, with another sequence number */
    ck_assert_msg(id != first, "id %d came back after %ld creations, with its index", id, n);
}
END_TEST

START_TEST(same_id_comes_back_eventually)
{
    static const struct t_session reuse = {
        "ids-reuse.session", { " time ./ipc_ids -r -n 1", " came back after ", "real" },
    };
    struct t_run r;
    const char *line;
    int first, again, id;
    long n;

    /* $ time ./ipc_ids -r -n 1
     * id FIRST = seq S * 32768 + index I
     * id FIRST came back after N creations: id FIRST = seq S * 32768 + index I */
    t_play_session("ftok", &reuse, &r);
    line = strstr(r.out, "\nid ");
    ck_assert_msg(line != NULL && sscanf(line, "\nid %d = seq", &first) == 1,
                  "no first id in:\n%s", r.out);
    line = strstr(line + 1, "\nid ");
    ck_assert_msg(line != NULL && sscanf(line, "\nid %d came back after %ld creations: id %d",
                                         &again, &n, &id) == 3,
                  "no \"id ... came back after N creations: id ...\" in:\n%s", r.out);
    ck_assert_msg(again == first && id == first, "first id %d, came back %d, shown %d:\n%s",
                  first, again, id, r.out);
    /* Not before the sequence number has gone all the way round: 65535
     * creations at least. N counts ipc_ids's own creations: others making
     * objects meanwhile take some of the 64 * 65535, but ipc_ids would have
     * to get less than 1 in 64 of them to make fewer than 65535. */
    ck_assert_msg(n >= 65535, "id %d came back after %ld creations, fewer than 65535", first, n);
}
END_TEST

/* --- kernel.shm_next_id, msg_next_id, sem_next_id ---------------------------------------- */

/* A new private object of KIND, made with the bare call: in a namespace of
 * our own, nothing is recorded for the leak guard (the objects go with it). */
static int get_private(enum t_kind kind)
{
    switch (kind) {
    case T_SHM: return shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    case T_SEM: return semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    case T_MSG: return msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    }
    return -1;
}

static long next_id(enum t_kind kind)
{
    char path[64];
    long value = -2;
    FILE *f;

    snprintf(path, sizeof path, "/proc/sys/kernel/%s_next_id", t_kind_name[kind]);
    if ((f = fopen(path, "r")) != NULL) {
        if (fscanf(f, "%ld", &value) != 1)
            value = -2;
        fclose(f);
    }
    return value;
}

static bool set_next_id(enum t_kind kind, int id)
{
    char path[64], text[16];

    snprintf(path, sizeof path, "/proc/sys/kernel/%s_next_id", t_kind_name[kind]);
    snprintf(text, sizeof text, "%d\n", id);
    return t_write_file(path, text);
}

/* For each kind: the next object gets the id written, of any sequence
 * number and index, and the setting goes back to -1; written again, while
 * that id is in use, it gives the next free index, with the sequence
 * number written (never the id in use). */
static int next_id_each_kind(void *arg)
{
    const int want = 3 * IPCMNI + 17;           /* seq 3, index 17 */

    (void)arg;
    for (enum t_kind k = T_SHM; k <= T_MSG; k++) {
        int id, again;

        NEED_EQ(next_id(k), -1);                /* unset: the usual choice */
        NEED(set_next_id(k, want));
        NEED_EQ(next_id(k), want);
        NEED_EQ(id = get_private(k), want);
        NEED_EQ(next_id(k), -1);                /* used once, then reset */
        NEED(set_next_id(k, want));
        again = get_private(k);
        NEED(again != -1 && again != want);
        NEED_EQ(again, 3 * IPCMNI + 18);
        NEED_EQ(next_id(k), -1);
    }
    return 0;
}

START_TEST(next_id_setting_each_kind)
{
    if (access("/proc/sys/kernel/msg_next_id", F_OK) != 0)
        T_SKIP("no kernel.msg_next_id: the kernel lacks CONFIG_CHECKPOINT_RESTORE");
    T_IN_PRIVATE_IPC(next_id_each_kind, NULL);
}
END_TEST

void add_ids_tests(Suite *s)
{
    TCase *tc = tcase_create("ids");

    tcase_add_test(tc, removed_id_not_reused_at_once);
    tcase_add_test(tc, next_id_setting_each_kind);
    tcase_add_test(tc, same_id_comes_back_eventually);
    tcase_set_timeout(tc, 300);         /* millions of creations, under ASan and load too */
    suite_add_tcase(s, tc);
}
