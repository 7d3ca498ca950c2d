/* get.c: shmget, semget and msgget with IPC_PRIVATE, IPC_CREAT and IPC_EXCL
 * (claims ids-1 to ids-13). Tests named *_each_kind run once for shared
 * memory, semaphores and queues: _i is the kind. */
#define _GNU_SOURCE
#include "ftok.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

START_TEST(private_key_new_object_each_time_each_kind)
{
    struct ipc_perm perm;
    int id[3] = {
        must_get(_i, IPC_PRIVATE, IPC_CREAT | 0600),
        must_get(_i, IPC_PRIVATE, IPC_CREAT | 0600),
        must_get(_i, IPC_PRIVATE, 0600),        /* IPC_CREAT is not even needed */
    };

    ck_assert_msg(id[0] != id[1] && id[1] != id[2] && id[0] != id[2],
                  "ids %d, %d, %d: not three objects", id[0], id[1], id[2]);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(t_stat(_i, id[i], &perm), 0);
        ck_assert_int_eq(perm.__key, IPC_PRIVATE);   /* no key is made up */
        ck_assert_int_eq(t_rm(_i, id[i]), 0);
    }
}
END_TEST

START_TEST(creat_excl_on_existing_key_eexist_each_kind)
{
    char path[PATH_MAX];
    key_t key = t_key(1, path);
    int id = must_get(_i, key, IPC_CREAT | IPC_EXCL | 0600);

    errno = 0;
    ck_assert_int_eq(t_get(_i, key, IPC_CREAT | IPC_EXCL | 0600), -1);
    ck_assert_int_eq(errno, EEXIST);
    /* the same answer open(2) gives for O_CREAT|O_EXCL on a file that exists */
    errno = 0;
    ck_assert_int_eq(open(path, O_CREAT | O_EXCL | O_WRONLY, 0600), -1);
    ck_assert_int_eq(errno, EEXIST);
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

/* In another process: the key finds the object. */
static int opens_by_key(void *arg)
{
    const struct object *o = arg;

    NEED(t_get(o->kind, o->key, 0) == o->id);
    return 0;
}

START_TEST(creat_opens_existing_each_kind)
{
    struct object o = { .kind = _i, .key = t_key(1, NULL) };
    char out[512] = "";
    struct t_proc p;

    o.id = must_get(_i, o.key, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_int_eq(t_get(_i, o.key, IPC_CREAT | 0600), o.id);
    ck_assert_int_eq(t_get(_i, o.key, 0), o.id);
    /* IPC_EXCL locks nobody out: another process opens it by key */
    t_fork(&p, T_ERR_TO_OUT, opens_by_key, &o);
    ck_assert_msg(t_finish(&p, out, sizeof out, NULL, 0) == 0,
                  "another process: status %d, not 0\n%s", p.status, out);
    ck_assert_int_eq(t_rm(_i, o.id), 0);
}
END_TEST

START_TEST(missing_key_enoent_each_kind)
{
    key_t key = t_key(1, NULL);
    int id;

    errno = 0;
    ck_assert_int_eq(t_get(_i, key, 0600), -1);
    ck_assert_int_eq(errno, ENOENT);
    id = must_get(_i, key, IPC_CREAT | 0600);
    ck_assert_int_eq(t_rm(_i, id), 0);
    errno = 0;                          /* removed: the key finds nothing again */
    ck_assert_int_eq(t_get(_i, key, 0600), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(excl_alone_does_not_create_each_kind)
{
    key_t key = t_key(1, NULL);
    int id;

    errno = 0;
    ck_assert_int_eq(t_get(_i, key, IPC_EXCL | 0600), -1);    /* no IPC_CREAT */
    ck_assert_int_eq(errno, ENOENT);
    id = must_get(_i, key, IPC_CREAT | 0600);
    ck_assert_int_eq(t_get(_i, key, IPC_EXCL | 0600), id);    /* no EEXIST either */
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

START_TEST(same_key_again_after_removal_each_kind)
{
    key_t key = t_key(1, NULL);
    int old = must_get(_i, key, IPC_CREAT | IPC_EXCL | 0600), id;
    struct ipc_perm perm;
    void *p = NULL;

    if (_i == T_SHM)                    /* still attached when it is removed */
        ck_assert_ptr_ne(p = shmat(old, NULL, 0), (void *)-1);
    ck_assert_int_eq(t_rm(_i, old), 0);
    errno = 0;
    ck_assert_int_eq(t_get(_i, key, 0600), -1);
    ck_assert_int_eq(errno, ENOENT);    /* ENOENT, not EIDRM */
    id = must_get(_i, key, IPC_CREAT | IPC_EXCL | 0600);   /* the same key serves again */
    ck_assert_int_ne(id, old);
    if (_i == T_SHM) {                  /* the old segment lives on, its key now 0 */
        ck_assert_int_eq(t_stat(T_SHM, old, &perm), 0);
        ck_assert_int_eq(perm.__key, IPC_PRIVATE);
        ck_assert_int_eq(shmdt(p), 0);
        ck_assert(!t_exists(T_SHM, old));
    }
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

static const char left_text[] = "left by a process that has exited";

/* The creator: a private segment with a text in it; prints its id. */
static int leave_a_segment(void *unused)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char *p;

    (void)unused;
    NEED(id != -1);
    NEED((p = shmat(id, NULL, 0)) != (void *)-1);
    strcpy(p, left_text);
    printf("%d\n", id);
    return 0;
}

START_TEST(private_object_open_to_any_process)
{
    char out[512] = "";
    struct t_proc p;
    int id;
    char *text;

    /* This process is neither the creator nor its child. */
    t_fork(&p, T_ERR_TO_OUT, leave_a_segment, NULL);
    ck_assert_msg(t_finish(&p, out, sizeof out, NULL, 0) == 0,
                  "the creator: status %d, not 0\n%s", p.status, out);
    ck_assert_msg(sscanf(out, "%d", &id) == 1, "the creator printed \"%s\", not an id", out);
    text = shmat(id, NULL, SHM_RDONLY);
    ck_assert_msg(text != (void *)-1, "shmat %d: %s", id, strerrorname_np(errno));
    ck_assert_str_eq(text, left_text);
    ck_assert_int_eq(shmdt(text), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

void add_get_tests(Suite *s)
{
    TCase *tc = tcase_create("get");

    tcase_add_loop_test(tc, private_key_new_object_each_time_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(tc, creat_excl_on_existing_key_eexist_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(tc, creat_opens_existing_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(tc, missing_key_enoent_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(tc, excl_alone_does_not_create_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(tc, same_key_again_after_removal_each_kind, T_SHM, T_MSG + 1);
    tcase_add_test(tc, private_object_open_to_any_process);
    suite_add_tcase(s, tc);
}
