/* lsipc.c: util-linux's lsipc against ipcs and our ipcls, on the same
 * objects, and lsipc -g against the kernel's settings; in a namespace of our
 * own, where the objects and the settings are only ours. */
#define _GNU_SOURCE
#include "tools.h"

#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

/* Each tool's rows, in the order of ipcs -a (queues, segments, sets), with
 * one space between fields: lsipc -o picks the columns of ipcs, and its
 * PERMS (rw-r-----) is turned into octal, as ipcs and ipcls print it. (Its
 * -P would print them in octal, but 2.38 leaves a queue's empty.) */
static const char ipcs_rows[] = "LC_ALL=C ipcs -a | awk '/^0x/ { $1 = $1; print }'";
static const char ipcls_rows[] = "\"$1\" | awk '/^0x/ { $1 = $1; print }'";
static const char lsipc_rows[] =
    "for k in '-q USEDBYTES,MSGS' '-m SIZE,NATTCH,STATUS' '-s NSEMS'; do "
    "  LC_ALL=C lsipc ${k% *} -b -r --noheadings -o KEY,ID,OWNER,PERMS,${k#* }; "
    "done | awk '{ p = 0; for (i = 1; i <= 9; i++) p = p * 2 + (substr($4, i, 1) != \"-\"); "
    "$4 = sprintf(\"%o\", p); print }'";

static int three_agree_steps(void *ipcls)
{
    static const struct { long type; char text[8]; } hello = { 1, "hello" };
    char want[256];
    struct t_run r, theirs;
    int shm, sem, msq;
    void *at;

    NEED((shm = shmget(IPC_PRIVATE, 5000, IPC_CREAT | 0640)) != -1);
    NEED((at = shmat(shm, NULL, SHM_RDONLY)) != (void *)-1);            /* nattch 1 */
    NEED((sem = semget(0x1234, 3, IPC_CREAT | 0604)) != -1);
    NEED((msq = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) != -1);
    NEED(msgsnd(msq, &hello, 5, 0) == 0 && msgsnd(msq, &hello, 1, 0) == 0);
    sh(&theirs, ipcs_rows, NULL, NULL);
    NEED(theirs.status == 0);
    snprintf(want, sizeof want, "0x00000000 %d root 600 6 2\n"
             "0x00000000 %d root 640 5000 1\n"
             "0x00001234 %d root 604 3\n", msq, shm, sem);
    if (strcmp(theirs.out, want) != 0) {
        fprintf(stderr, "ipcs -a shows:\n%swhere the test expects:\n%s", theirs.out, want);
        return 1;
    }
    sh(&r, ipcls_rows, "sh", ipcls);
    NEED(r.status == 0 && strcmp(r.out, theirs.out) == 0);
    sh(&r, lsipc_rows, NULL, NULL);
    if (r.status != 0 || strcmp(r.out, theirs.out) != 0) {
        fprintf(stderr, "lsipc shows (status %d):\n%s%s", r.status, r.out, r.err);
        return 1;
    }
    /* by default, the mode as ls writes it and sizes rounded for people */
    sh(&r, "LC_ALL=C lsipc -m -r --noheadings -o PERMS,SIZE; lsipc -m -P -r --noheadings -o PERMS",
       NULL, NULL);
    NEED(strcmp(r.out, "rw-r----- 4.9K\n0640\n") == 0);
    NEED(shmdt(at) == 0);
    return 0;
}

/* The same three objects, the same rows: key, id, owner, mode and the
 * counts of each kind. */
START_TEST(lsipc_ipcs_and_ipcls_agree)
{
    T_IN_PRIVATE_IPC(three_agree_steps, (void *)copy_of("chapters/tools/ipcls"));
}
END_TEST

/* lsipc -g: each limit is the setting of the namespace (set here to values
 * no machine has by default), and USED counts the objects, or for SEMMNS
 * the semaphores. ipcs -l reads the same settings. */
static int limits_steps(void *unused)
{
    static const char want[] = "MSGMNI 17 1\n"
                               "MSGMAX 4000 -\n"
                               "MSGMNB 9000 -\n"
                               "SHMMNI 23 0\n"
                               "SHMALL 300 0\n"
                               "SHMMAX 1048576 -\n"
                               "SHMMIN 1 -\n"
                               "SEMMNI 29 1\n"
                               "SEMMNS 3100 3\n"
                               "SEMMSL 31 -\n"
                               "SEMOPM 33 -\n"
                               "SEMVMX 32767 -\n";
    struct t_run r;

    (void)unused;
    NEED(t_write_file("/proc/sys/kernel/msgmni", "17\n"));
    NEED(t_write_file("/proc/sys/kernel/msgmax", "4000\n"));
    NEED(t_write_file("/proc/sys/kernel/msgmnb", "9000\n"));
    NEED(t_write_file("/proc/sys/kernel/shmmni", "23\n"));
    NEED(t_write_file("/proc/sys/kernel/shmmax", "1048576\n"));
    NEED(t_write_file("/proc/sys/kernel/shmall", "300\n"));
    NEED(t_write_file("/proc/sys/kernel/sem", "31 3100 33 29\n"));   /* SEMMSL SEMMNS SEMOPM SEMMNI */
    NEED(semget(IPC_PRIVATE, 3, IPC_CREAT | 0600) != -1);
    NEED(msgget(IPC_PRIVATE, IPC_CREAT | 0600) != -1);
    sh(&r, "LC_ALL=C lsipc -g -b -r --noheadings -o RESOURCE,LIMIT,USED", NULL, NULL);
    if (r.status != 0 || strcmp(r.out, want) != 0) {
        fprintf(stderr, "lsipc -g shows (status %d):\n%s%s", r.status, r.out, r.err);
        return 1;
    }
    sh(&r, "LC_ALL=C lsipc | head -n 1 | cut -d ' ' -f 1", NULL, NULL);      /* no option: the limits */
    NEED(strcmp(r.out, "RESOURCE\n") == 0);
    sh(&r, "LC_ALL=C ipcs -l | grep -e 'queues system wide' -e 'max number of arrays'", NULL,
       NULL);
    NEED(strcmp(r.out, "max queues system wide = 17\nmax number of arrays = 29\n") == 0);
    return 0;
}

START_TEST(lsipc_g_shows_the_settings)
{
    T_IN_PRIVATE_IPC(limits_steps, NULL);
}
END_TEST

/* --json: one object per row, under the name of its kind, each column a
 * string (the sizes too) and an empty one null. */
static int json_steps(void *unused)
{
    char want[512];
    struct t_run r;
    int shm;

    (void)unused;
    NEED((shm = shmget(0x1234, 5000, IPC_CREAT | 0640)) != -1);
    sh(&r, "LC_ALL=C lsipc -m --json -b -o KEY,ID,PERMS,SIZE,NATTCH,STATUS", NULL, NULL);
    snprintf(want, sizeof want, "{\n"
             "   \"sharedmemory\": [\n"
             "      {\n"
             "         \"key\": \"0x00001234\",\n"
             "         \"id\": \"%d\",\n"
             "         \"perms\": \"rw-r-----\",\n"
             "         \"size\": \"5000\",\n"
             "         \"nattch\": \"0\",\n"
             "         \"status\": null\n"
             "      }\n"
             "   ]\n"
             "}\n", shm);
    if (r.status != 0 || strcmp(r.out, want) != 0) {
        fprintf(stderr, "lsipc --json shows (status %d):\n%s%s", r.status, r.out, r.err);
        return 1;
    }
    return 0;
}

START_TEST(lsipc_json_one_object)
{
    T_IN_PRIVATE_IPC(json_steps, NULL);
}
END_TEST

void add_lsipc_tests(Suite *s)
{
    TCase *tc = tcase_create("lsipc");

    tcase_add_test(tc, lsipc_ipcs_and_ipcls_agree);
    tcase_add_test(tc, lsipc_g_shows_the_settings);
    tcase_add_test(tc, lsipc_json_one_object);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
