/* test_posix.c: POSIX shared memory, semaphores and message queues
 * (chapters/posix), and the System V side of the chapter's table.
 * Each test decides one or more claims of chapters/posix/claims.tsv or one
 * row of the book's side-by-side table. The tests are in tests/posix/, one
 * file per section; this file makes the suite and holds the helpers they
 * share. Every POSIX name comes from t_posix_name(); a process that must be
 * waiting is found so by reading /proc (t_blocked_in), never by sleeping
 * and hoping. */
#define _GNU_SOURCE
#include "posix/posix.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const pkind_name[3] = { "shm", "sem", "mq" };

int p_open(enum pkind kind, const char *name, int flags, mode_t mode)
{
    struct mq_attr small = { .mq_maxmsg = 4, .mq_msgsize = 64 };
    int fd, saved;
    sem_t *sem;
    mqd_t mq;

    switch (kind) {
    case P_SHM:
        if ((fd = shm_open(name, O_RDWR | flags, mode)) == -1)
            return -1;
        close(fd);
        return 0;
    case P_SEM:
        if ((sem = sem_open(name, flags, mode, 0)) == SEM_FAILED)
            return -1;
        saved = errno;
        sem_close(sem);
        errno = saved;
        return 0;
    case P_MQ:
        if ((mq = mq_open(name, O_RDWR | flags, mode, &small)) == (mqd_t)-1)
            return -1;
        mq_close(mq);
        return 0;
    }
    return -1;
}

int p_unlink(enum pkind kind, const char *name)
{
    switch (kind) {
    case P_SHM: return shm_unlink(name);
    case P_SEM: return sem_unlink(name);
    case P_MQ: return mq_unlink(name);
    }
    return -1;
}

mqd_t new_queue(char name[64], long maxmsg, long msgsize, int flags)
{
    struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
    mqd_t mq;

    t_posix_name(name);
    mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL | flags, 0600, &attr);
    ck_assert_msg(mq != (mqd_t)-1, "mq_open %s: %s", name, strerror(errno));
    return mq;
}

void drop_queue(mqd_t mq, const char *name)
{
    ck_assert_msg(mq_close(mq) == 0, "mq_close: %s", strerror(errno));
    ck_assert_msg(mq_unlink(name) == 0, "mq_unlink %s: %s", name, strerror(errno));
}

void send_text(mqd_t mq, const char *text, unsigned int prio)
{
    ck_assert_msg(mq_send(mq, text, strlen(text), prio) == 0, "mq_send \"%s\": %s", text,
                  strerror(errno));
}

ssize_t recv_text(mqd_t mq, char *text, size_t size, unsigned int *prio)
{
    ssize_t n = mq_receive(mq, text, size - 1, prio);

    if (n >= 0)
        text[n] = '\0';
    return n;
}

long curmsgs(mqd_t mq)
{
    struct mq_attr attr;

    ck_assert_msg(mq_getattr(mq, &attr) == 0, "mq_getattr: %s", strerror(errno));
    return attr.mq_curmsgs;
}

char *new_shm(char name[64], int *fd)
{
    char *p;

    t_posix_name(name);
    *fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    ck_assert_msg(*fd != -1, "shm_open %s: %s", name, strerror(errno));
    ck_assert_int_eq(ftruncate(*fd, 4096), 0);
    p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
    ck_assert_msg(p != MAP_FAILED, "mmap %s: %s", name, strerror(errno));
    return p;
}

sem_t *new_sem(char name[64], unsigned int value)
{
    sem_t *sem;

    t_posix_name(name);
    sem = sem_open(name, O_CREAT | O_EXCL, 0600, value);
    ck_assert_msg(sem != SEM_FAILED, "sem_open %s: %s", name, strerror(errno));
    return sem;
}

int wait_on_sem(void *sem)
{
    NEED(sem_wait(sem) == 0);
    return 0;
}

int make_each(void *arg)
{
    const struct names3 *n = arg;

    for (int k = P_SHM; k <= P_MQ; k++)
        NEED(p_open(k, n->name[k], O_CREAT | O_EXCL, n->mode) == 0);
    return 0;
}

void listed_at(char path[PATH_MAX], enum pkind kind, const char *name, const char *dir)
{
    if (kind == P_MQ)
        snprintf(path, PATH_MAX, "%s%s", dir, name);
    else
        snprintf(path, PATH_MAX, "/dev/shm/%s%s", kind == P_SEM ? "sem." : "", name + 1);
}

bool listed(enum pkind kind, const char *name, const char *dir)
{
    char path[PATH_MAX];
    struct stat st;

    listed_at(path, kind, name, dir);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static Suite *make_suite(void)
{
    Suite *s = suite_create("posix");

    add_names_tests(s);
    add_life_tests(s);
    add_mqueue_tests(s);
    add_notify_tests(s);
    add_sem_tests(s);
    add_errno_tests(s);
    add_limits_tests(s);
    add_rt_tests(s);
    add_programs_tests(s);
    return s;
}

int main(void)
{
    return t_main(make_suite);
}
