/* limits.c: the kernel.shm*, msg* and sem settings, as IPC_INFO and ipcs -l
 * show them and as the calls meet them. Each runs in an IPC namespace of
 * its own: the settings belong to the namespace. */
#define _GNU_SOURCE
#include "tools.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

/* Does "ipcs OPT -l" print LINE? */
static bool ipcs_l_says(const char *opt, const char *line)
{
    struct t_run r;

    t_run(&r, NULL, "/usr/bin/ipcs", opt, "-l", NULL);
    return r.status == 0 && strstr(r.out, line) != NULL;
}

/* kernel.msgmnb is the msg_qbytes of a new queue, msgmax the largest
 * message, msgmni the most queues; IPC_INFO and ipcs -q -l say the same;
 * sysctl -w is a write to /proc/sys. */
static int msg_limit_steps(void *unused)
{
    static struct { long mtype; char mtext[200]; } m = { 1, "" };
    struct msginfo info;
    struct msqid_ds ds;
    struct t_run r;
    unsigned long qbytes;
    int a, before;

    (void)unused;
    NEED((before = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) != -1);
    NEED(msgctl(before, IPC_STAT, &ds) == 0 && ds.msg_qbytes != 1000);
    qbytes = ds.msg_qbytes;
    NEED(t_write_file("/proc/sys/kernel/msgmnb", "1000\n"));
    NEED(t_write_file("/proc/sys/kernel/msgmax", "100\n"));
    t_run(&r, NULL, "/usr/sbin/sysctl", "-q", "-w", "kernel.msgmni=2", NULL);
    NEED(r.status == 0 && t_read_long("/proc/sys/kernel/msgmni") == 2);
    NEED((a = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) != -1);
    NEED(msgctl(a, IPC_STAT, &ds) == 0 && ds.msg_qbytes == 1000);
    NEED(msgctl(before, IPC_STAT, &ds) == 0 && ds.msg_qbytes == qbytes);   /* kept */
    NEED(msgctl(before, IPC_RMID, NULL) == 0);
    NEED(msgsnd(a, &m, 101, IPC_NOWAIT) == -1 && errno == EINVAL);
    NEED(msgsnd(a, &m, 100, IPC_NOWAIT) == 0);
    NEED(msgget(IPC_PRIVATE, IPC_CREAT | 0600) != -1);
    NEED(msgget(IPC_PRIVATE, IPC_CREAT | 0600) == -1 && errno == ENOSPC);
    NEED(msgctl(0, IPC_INFO, (struct msqid_ds *)&info) != -1);
    NEED(info.msgmnb == 1000 && info.msgmax == 100 && info.msgmni == 2);
    NEED(ipcs_l_says("-q", "max queues system wide = 2\n"));
    NEED(ipcs_l_says("-q", "max size of message (bytes) = 100\n"));
    NEED(ipcs_l_says("-q", "default max size of queue (bytes) = 1000\n"));
    return 0;
}

START_TEST(msg_settings_limit_queues)
{
    T_IN_PRIVATE_IPC(msg_limit_steps, NULL);
}
END_TEST

/* kernel.sem is four numbers: SEMMSL (semaphores per set), SEMMNS (in all),
 * SEMOPM (operations per semop), SEMMNI (sets). SEMVMX, the largest value,
 * is fixed at 32767. A write of fewer numbers sets only the first ones. */
static int sem_limit_steps(void *unused)
{
    struct sembuf ops[4] = { { 0, 1, 0 }, { 1, 1, 0 }, { 2, 1, 0 }, { 3, 1, 0 } };
    struct seminfo info;
    char line[64];
    int a, b;

    (void)unused;
    NEED(t_write_file("/proc/sys/kernel/sem", "5 8 3 2\n"));
    NEED(semget(IPC_PRIVATE, 6, IPC_CREAT | 0600) == -1 && errno == EINVAL);   /* SEMMSL */
    NEED((a = semget(IPC_PRIVATE, 5, IPC_CREAT | 0600)) != -1);
    NEED(semget(IPC_PRIVATE, 4, IPC_CREAT | 0600) == -1 && errno == ENOSPC);   /* SEMMNS */
    NEED((b = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600)) != -1);
    NEED(semctl(b, 0, IPC_RMID) == 0);
    NEED(semget(IPC_PRIVATE, 1, IPC_CREAT | 0600) != -1);
    NEED(semget(IPC_PRIVATE, 1, IPC_CREAT | 0600) == -1 && errno == ENOSPC);   /* SEMMNI */
    NEED(semop(a, ops, 4) == -1 && errno == E2BIG);                            /* SEMOPM */
    NEED(semop(a, ops, 3) == 0);
    NEED(semctl(a, 0, SETVAL, (union semun){ .val = 32768 }) == -1 && errno == ERANGE);
    NEED(semctl(a, 0, SETVAL, (union semun){ .val = 32767 }) == 0);            /* SEMVMX */
    NEED(semctl(0, 0, IPC_INFO, (union semun){ .__buf = &info }) != -1);
    NEED(info.semmsl == 5 && info.semmns == 8 && info.semopm == 3 && info.semmni == 2);
    NEED(info.semvmx == 32767);
    NEED(ipcs_l_says("-s", "max number of arrays = 2\n"));
    NEED(ipcs_l_says("-s", "max semaphores per array = 5\n"));
    NEED(ipcs_l_says("-s", "max semaphores system wide = 8\n"));
    NEED(ipcs_l_says("-s", "max ops per semop call = 3\n"));
    snprintf(line, sizeof line, "semaphore max value = %d\n", info.semvmx);
    NEED(ipcs_l_says("-s", line));
    NEED(t_write_file("/proc/sys/kernel/sem", "7\n"));      /* fewer numbers: the first */
    NEED(semctl(0, 0, IPC_INFO, (union semun){ .__buf = &info }) != -1);
    NEED(info.semmsl == 7 && info.semmns == 8 && info.semopm == 3 && info.semmni == 2);
    return 0;
}

START_TEST(sem_settings_limit_sets)
{
    T_IN_PRIVATE_IPC(sem_limit_steps, NULL);
}
END_TEST

/* The kernel.shm* settings as IPC_INFO and ipcs -m -l show them (what they
 * limit is test_shm's limits_enospc_and_shmmax): shmmax in bytes, which
 * ipcs shows in KiB; shmall in pages, which ipcs shows in KiB. */
static int shm_setting_steps(void *unused)
{
    struct shminfo info;
    char line[80];

    (void)unused;
    NEED(t_write_file("/proc/sys/kernel/shmmax", "8192\n"));
    NEED(t_write_file("/proc/sys/kernel/shmall", "4\n"));
    NEED(t_write_file("/proc/sys/kernel/shmmni", "7\n"));
    NEED(shmctl(0, IPC_INFO, (struct shmid_ds *)&info) != -1);
    NEED(info.shmmax == 8192 && info.shmall == 4 && info.shmmni == 7);
    NEED(ipcs_l_says("-m", "max number of segments = 7\n"));
    NEED(ipcs_l_says("-m", "max seg size (kbytes) = 8\n"));
    snprintf(line, sizeof line, "max total shared memory (kbytes) = %ld\n",
             4 * sysconf(_SC_PAGESIZE) / 1024);
    NEED(ipcs_l_says("-m", line));
    return 0;
}

START_TEST(shm_settings_in_ipc_info_and_ipcs)
{
    T_IN_PRIVATE_IPC(shm_setting_steps, NULL);
}
END_TEST

/* Settings are per IPC namespace: one changed in ours leaves the machine's,
 * and a namespace made in ours starts from the kernel's defaults, not from
 * our values. */
static int change_msgmnb(void *unused)
{
    long fresh = t_read_long("/proc/sys/kernel/msgmnb");

    (void)unused;
    NEED(fresh != 1234);
    NEED(t_write_file("/proc/sys/kernel/msgmnb", "1234\n"));
    NEED(t_read_long("/proc/sys/kernel/msgmnb") == 1234);
    NEED(unshare(CLONE_NEWIPC) == 0);                   /* this process leaves ours */
    NEED(t_read_long("/proc/sys/kernel/msgmnb") == fresh);
    return 0;
}

START_TEST(settings_belong_to_the_namespace)
{
    long before = t_read_long("/proc/sys/kernel/msgmnb");

    ck_assert_int_ne(before, 1234);
    T_IN_PRIVATE_IPC(change_msgmnb, NULL);
    ck_assert_int_eq(t_read_long("/proc/sys/kernel/msgmnb"), before);
}
END_TEST

void add_limits_tests(Suite *s)
{
    TCase *tc = tcase_create("limits");

    tcase_add_test(tc, msg_settings_limit_queues);
    tcase_add_test(tc, sem_settings_limit_sets);
    tcase_add_test(tc, shm_settings_in_ipc_info_and_ipcs);
    tcase_add_test(tc, settings_belong_to_the_namespace);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
