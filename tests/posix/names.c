/* names.c: what a POSIX name may be, and where the names are listed. */
#define _GNU_SOURCE
#include "posix.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

/* Each kind is listed as a file while it exists, and not after its unlink. */
START_TEST(names_listed_in_dev_shm)
{
    enum pkind kind = (enum pkind)_i;
    char name[64];

    t_posix_name(name);
    ck_assert(!listed(kind, name, NULL));
    ck_assert_int_eq(p_open(kind, name, O_CREAT | O_EXCL, 0600), 0);
    ck_assert_msg(listed(kind, name, NULL), "%s %s not in /dev/shm", pkind_name[kind], name);
    ck_assert_int_eq(p_unlink(kind, name), 0);
    ck_assert(!listed(kind, name, NULL));
}
END_TEST

/* Wherever an mqueue filesystem is mounted (t_mqueue_dir), a queue is a
 * file there while it exists, whose contents are its state. */
static int queue_listed(void *arg)
{
    const char *name = arg, *dir = t_mqueue_dir();
    char path[PATH_MAX], text[256] = "";
    int fd;

    NEED(dir != NULL);
    NEED(!listed(P_MQ, name, dir));
    NEED(p_open(P_MQ, name, O_CREAT | O_EXCL, 0600) == 0);
    NEED(listed(P_MQ, name, dir));
    listed_at(path, P_MQ, name, dir);
    NEED((fd = open(path, O_RDONLY)) != -1);
    NEED(read(fd, text, sizeof text - 1) > 0);
    close(fd);
    NEED(strncmp(text, "QSIZE:0 ", 8) == 0);            /* QSIZE:0 NOTIFY:0 ... */
    NEED(mq_unlink(name) == 0);
    NEED(!listed(P_MQ, name, dir));
    return 0;
}

/* Here, if one is mounted or this test may mount one for itself; else in an
 * IPC namespace of its own, where the harness mounts one. */
START_TEST(queues_listed_in_mqueue_dir)
{
    char name[64], why[512];
    int status;

    t_posix_name(name);
    if (t_mqueue_dir() != NULL) {
        ck_assert_msg(queue_listed(name) == 0, "its failed step is on stderr");
        return;
    }
    snprintf(why, sizeof why, "%s", t_why_not());
    status = t_private_ipc(queue_listed, name);
    if (status == -1) {
        snprintf(why + strlen(why), sizeof why - strlen(why), "; nor in a namespace: %s",
                 t_why_not());
        T_SKIP(why);
    }
    ck_assert_msg(status == 0, "in a namespace: status %d (its failed step is on stderr)",
                  status);
}
END_TEST

/* What glibc (shm_open, sem_open) and the kernel (mq_open) do with a name.
 * 0 means the object was made. The book's table of names shows these rows. */
static const struct name_row {
    const char *form;           /* how the row's name is made from a fresh /NAME */
    int shm, sem, mq;
} name_rows[] = {
    { "NAME (no slash)", 0, 0, EINVAL },
    { "//NAME", 0, 0, EACCES },
    { "/NAME/b", EINVAL, EINVAL, EACCES },
    { "/", EINVAL, EINVAL, ENOENT },
    { "", EINVAL, EINVAL, EINVAL },
    { "/ + 251 chars", 0, 0, 0 },
    { "/ + 252 chars", 0, ENAMETOOLONG, 0 },
    { "/ + 255 chars", 0, ENAMETOOLONG, 0 },
    { "/ + 256 chars", ENAMETOOLONG, EINVAL, ENAMETOOLONG },
    { "/ + 259 chars", ENAMETOOLONG, EINVAL, ENAMETOOLONG },
    { "/ + 260 chars", EINVAL, EINVAL, ENAMETOOLONG },     /* past glibc's buffer */
    { "/ + 300 chars", EINVAL, EINVAL, ENAMETOOLONG },
};

static void row_name(char out[400], const struct name_row *row, const char *name)
{
    int len;

    if (row->form[0] == 'N')
        snprintf(out, 400, "%s", name + 1);
    else if (strcmp(row->form, "//NAME") == 0)
        snprintf(out, 400, "/%s", name);
    else if (strcmp(row->form, "/NAME/b") == 0)
        snprintf(out, 400, "%s/b", name);
    else if (sscanf(row->form, "/ + %d chars", &len) == 1) {
        snprintf(out, 400, "%s", name);             /* unique, then padded */
        memset(out + strlen(out), 'a', (size_t)len + 1 - strlen(out));
        out[len + 1] = '\0';
    } else
        snprintf(out, 400, "%s", row->form);
}

START_TEST(bad_names_glibc_and_kernel_differ)
{
    const struct name_row *row = &name_rows[_i];
    char name[64], tried[400];
    const int expect[3] = { row->shm, row->sem, row->mq };

    t_posix_name(name);
    row_name(tried, row, name);
    for (enum pkind k = P_SHM; k <= P_MQ; k++) {
        errno = 0;
        int rc = p_open(k, tried, O_CREAT | O_EXCL, 0600), got = rc == 0 ? 0 : errno;

        if (rc == 0 && strlen(tried) < 64 && strcmp(tried, name) != 0) {
            /* glibc took off the slashes: it is the object /NAME */
            int again = p_open(k, name, O_CREAT | O_EXCL, 0600);

            ck_assert_msg(again == -1 && errno == EEXIST, "%s %s is not %s", pkind_name[k],
                          tried, name);
        }
        if (rc == 0)
            p_unlink(k, tried);
        ck_assert_msg(got == expect[k], "%s \"%s\": %s, expected %s", pkind_name[k],
                      row->form, got ? strerrorname_np(got) : "made",
                      expect[k] ? strerrorname_np(expect[k]) : "made");
        if (k != P_MQ && got == EINVAL) {       /* glibc's unlink says ENOENT instead */
            errno = 0;
            ck_assert_int_eq(p_unlink(k, tried), -1);
            ck_assert_msg(errno == ENOENT, "%s_unlink \"%s\": %s", pkind_name[k], row->form,
                          strerrorname_np(errno));
        }
    }
}
END_TEST

/* How many lines of /proc/sysvipc/FILE (what ipcs reads) have PID in column
 * COL (from 1)? */
static int sysvipc_count_pid(const char *file, int col, pid_t pid)
{
    char path[64], line[512];
    int n = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/sysvipc/%s", file);
    ck_assert_ptr_nonnull(f = fopen(path, "r"));
    while (fgets(line, sizeof line, f) != NULL) {
        char *save, *tok = strtok_r(line, " \t\n", &save);

        for (int c = 1; tok != NULL && c < col; c++)
            tok = strtok_r(NULL, " \t\n", &save);
        n += tok != NULL && atol(tok) == (long)pid;
    }
    fclose(f);
    return n;
}

/* ipcs lists System V objects only: a POSIX object made and used by this
 * process adds no line to /proc/sysvipc; a System V one does. (Lines are
 * counted before and after: an old object may name an earlier process that
 * had our pid.) */
START_TEST(ipcs_lists_none_of_them)
{
    const pid_t me = getpid();
    const int shm_before = sysvipc_count_pid("shm", 5, me);     /* cpid */
    const int msg_before = sysvipc_count_pid("msg", 6, me);     /* lspid */
    char name[64], qname[64];
    int fd, id;
    char *p = new_shm(name, &fd);
    mqd_t mq = new_queue(qname, 2, 16, 0);

    send_text(mq, "x", 0);
    ck_assert_int_eq(sysvipc_count_pid("shm", 5, me), shm_before);
    ck_assert_int_eq(sysvipc_count_pid("msg", 6, me), msg_before);
    id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0600);          /* the control */
    ck_assert_int_eq(msgsnd(id, &(struct { long t; char c; }){ 1, 'x' }, 1, 0), 0);
    ck_assert_int_eq(sysvipc_count_pid("msg", 6, me), msg_before + 1);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
    munmap(p, 4096);
    close(fd);
    ck_assert_int_eq(shm_unlink(name), 0);
    drop_queue(mq, qname);
}
END_TEST

void add_names_tests(Suite *s)
{
    TCase *tc = tcase_create("names");

    tcase_add_loop_test(tc, names_listed_in_dev_shm, P_SHM, P_SEM + 1);
    tcase_add_test(tc, queues_listed_in_mqueue_dir);
    tcase_add_loop_test(tc, bad_names_glibc_and_kernel_differ, 0, T_ROWS(name_rows));
    tcase_add_test(tc, ipcs_lists_none_of_them);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
