/* ipcrm.c: util-linux ipcrm and ipcs on our programs' objects, and the
 * options seed 004 gives them. */
#define _GNU_SOURCE
#include "tools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <unistd.h>

/* ipcrm -m/-s/-q by id and -M/-S/-Q by key, on what shm_create, sem_create
 * and msg_create made. */
START_TEST(ipcrm_removes_our_objects)
{
    static const struct { enum t_kind kind; const char *prog, *size, *by_id, *by_key; } rows[] = {
        { T_SHM, "chapters/shm/shm_create", "4096", "-m", "-M" },
        { T_SEM, "chapters/sem/sem_create", "2", "-s", "-S" },
        { T_MSG, "chapters/msg/msg_create", NULL, "-q", "-Q" },
    };
    char key[16], id_text[16], ids[3][16];
    struct t_run r;
    int id;

    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *kind = t_kind_name[rows[i].kind];

        t_run(&r, NULL, rows[i].prog, rows[i].size, NULL);
        id = t_created(&r, rows[i].kind);
        text_of(id_text, sizeof id_text, id);
        t_run(&r, NULL, "/usr/bin/ipcrm", rows[i].by_id, id_text, NULL);
        ck_assert_msg(r.status == 0, "ipcrm %s: %s", rows[i].by_id, r.err);
        ck_assert_msg(!t_exists(rows[i].kind, id), "ipcrm %s left %s %d", rows[i].by_id, kind, id);

        snprintf(key, sizeof key, "0x%08x", (unsigned int)t_key(1, NULL));
        t_run(&r, NULL, rows[i].prog, "-K", key, rows[i].size, NULL);
        id = t_created(&r, rows[i].kind);
        t_run(&r, NULL, "/usr/bin/ipcrm", rows[i].by_key, key, NULL);
        ck_assert_msg(r.status == 0, "ipcrm %s: %s", rows[i].by_key, r.err);
        ck_assert_msg(!t_exists(rows[i].kind, id), "ipcrm %s left %s %d", rows[i].by_key, kind, id);
        t_run(&r, NULL, "/usr/bin/ipcrm", rows[i].by_key, key, NULL);   /* gone: no key */
        ck_assert_int_eq(r.status, 1);
        ck_assert_int_eq(t_lines(r.err), 1);
    }
    /* several at once */
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        t_run(&r, NULL, rows[i].prog, rows[i].size, NULL);
        text_of(ids[i], sizeof ids[i], t_created(&r, rows[i].kind));
    }
    t_run(&r, NULL, "/usr/bin/ipcrm", "-m", ids[0], "-s", ids[1], "-q", ids[2], NULL);
    ck_assert_msg(r.status == 0, "ipcrm -m -s -q: status %d: %s", r.status, r.err);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        ck_assert_msg(!t_exists(rows[i].kind, atoi(ids[i])), "ipcrm -m -s -q left %s %s",
                      t_kind_name[rows[i].kind], ids[i]);
}
END_TEST

/* Seed 004 runs ipcrm -q with a segment's id. Ids are numbered per kind:
 * with no queue of that number, ipcrm says "invalid id" and the segment
 * stays; in a new namespace the first segment and the first queue are both
 * number 0, and ipcrm -q 0 removes the queue, never the segment. */
static int ipcrm_q_steps(void *unused)
{
    char id_text[16], expect[64];
    struct t_run r;
    int shm, msg;

    (void)unused;
    NEED((shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600)) == 0);
    text_of(id_text, sizeof id_text, shm);
    t_run(&r, NULL, "/usr/bin/ipcrm", "-q", id_text, NULL);
    snprintf(expect, sizeof expect, "ipcrm: invalid id (%d)\n", shm);
    NEED(r.status == 1 && strcmp(r.err, expect) == 0 && t_exists(T_SHM, shm));
    NEED((msg = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) == shm);
    t_run(&r, NULL, "/usr/bin/ipcrm", "-q", id_text, NULL);
    NEED(r.status == 0 && strcmp(r.err, "") == 0);
    NEED(!t_exists(T_MSG, msg) && t_exists(T_SHM, shm));
    /* the seed's own number, 25198594, is no queue here either */
    t_run(&r, NULL, "/usr/bin/ipcrm", "-q", "25198594", NULL);
    NEED(r.status == 1 && strcmp(r.err, "ipcrm: invalid id (25198594)\n") == 0);
    return 0;
}

START_TEST(ipcrm_q_with_a_segment_id)
{
    T_IN_PRIVATE_IPC(ipcrm_q_steps, NULL);
}
END_TEST

/* ipcrm takes the options of seed 004's synopsis, and ipcs takes -q -m -s
 * -a -b -c -p -t but not -o (an XSI option util-linux does not have). */
START_TEST(ipcs_and_ipcrm_options)
{
    static const char *const ipcs_ok[] = { "-q", "-m", "-s", "-a", "-b", "-c", "-p", "-t",
                                           "-l", "-u", "--human" };
    struct t_run r;

    for (size_t i = 0; i < sizeof ipcs_ok / sizeof ipcs_ok[0]; i++) {
        sh(&r, "ipcs $1 >/dev/null", "sh", ipcs_ok[i]);
        ck_assert_msg(r.status == 0, "ipcs %s: %d %s", ipcs_ok[i], r.status, r.err);
    }
    /* util-linux's -a is all three kinds, with the usual columns; POSIX's -a
     * is all print options (-b -c -o -p -t), which would show cpid, cuid... */
    sh(&r, "ipcs -a | grep -c -e cpid -e cuid -e lspid -e attached", NULL, NULL);
    ck_assert_str_eq(r.out, "0\n");
    /* util-linux's -b: sizes in bytes (POSIX's: the largest sizes allowed) */
    sh(&r, "LC_ALL=C ipcs -m -l -b | grep -c '^max seg size (bytes) = '", NULL, NULL);
    ck_assert_str_eq(r.out, "1\n");
    sh(&r, "ipcs -o >/dev/null", NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "invalid option -- 'o'"), "ipcs -o: %s", r.err);
    t_run(&r, NULL, "/usr/bin/ipcrm", "--help", NULL);
    for (const char *const *o = (const char *const[]){ "-q,", "-Q,", "-s,", "-S,", "-m,",
                                                        "-M,", "-a,", NULL }; *o; o++)
        ck_assert_msg(strstr(r.out, *o), "ipcrm --help has no %s", *o);
}
END_TEST

/* Seed 004 writes "ipcrm –s 65537" and seed 000 "ipcs ïa": an en dash
 * (U+2013) and a mangled one where '-' belongs. ipcrm refuses the word as an
 * unknown argument. ipcs takes no arguments and ignores them: "ipcs ïa"
 * shows what ipcs shows without options, all three kinds, as -a does; so
 * does "ipcs ïm", where -m would show the segments alone. */
START_TEST(seed_dashes_are_not_options)
{
    static const char refused[] = "ipcrm: unknown argument: \xe2\x80\x93s\n";
    struct t_run r;

    sh(&r, "LC_ALL=C.UTF-8 ipcrm \xe2\x80\x93s 65537", NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strncmp(r.err, refused, strlen(refused)) == 0, "ipcrm: %s", r.err);
    for (const char *const *o = (const char *const[]){ "a", "m", NULL }; *o; o++) {
        sh(&r, "LC_ALL=C ipcs \xc3\xaf$1 | grep '^------'", "sh", *o);
        ck_assert_int_eq(r.status, 0);
        ck_assert_str_eq(r.out, "------ Message Queues --------\n"
                                "------ Shared Memory Segments --------\n"
                                "------ Semaphore Arrays --------\n");
    }
}
END_TEST

/* ipcs lists System V objects only: POSIX ones are files, which ls shows. */
static int posix_not_in_ipcs_steps(void *unused)
{
    struct six s;
    struct t_run r;

    (void)unused;
    NEED(make_six(&s) == 0);
    sh(&r, "ipcs -a | grep -c '^0x'", NULL, NULL);
    NEED(strcmp(r.out, "3\n") == 0);                 /* the three System V ones */
    for (int k = T_SHM; k <= T_MSG; k++)
        NEED(access(s.paths[k], F_OK) == 0);
    return 0;
}

START_TEST(ipcs_lists_no_posix_objects)
{
    T_IN_PRIVATE_IPC(posix_not_in_ipcs_steps, NULL);
}
END_TEST

void add_ipcrm_tests(Suite *s)
{
    TCase *tc = tcase_create("ipcrm");

    tcase_add_test(tc, ipcrm_removes_our_objects);
    tcase_add_test(tc, ipcrm_q_with_a_segment_id);
    tcase_add_test(tc, ipcs_and_ipcrm_options);
    tcase_add_test(tc, ipcs_lists_no_posix_objects);
    tcase_add_test(tc, seed_dashes_are_not_options);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
