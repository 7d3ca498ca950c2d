/* life.c: how long an object lives: past its creator, past its unlink. */
#define _GNU_SOURCE
#include "posix.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A child makes one of each and exits: all three are still there
 * (kernel persistence, like System V's). */
START_TEST(objects_outlive_their_creator)
{
    struct names3 n = { .mode = 0600 };
    struct t_proc p;

    for (int k = P_SHM; k <= P_MQ; k++)
        t_posix_name(n.name[k]);
    t_fork(&p, 0, make_each, &n);
    ck_assert_msg(t_wait(&p) == 0, "the creator: status %d (its failed step is on stderr)",
                  p.status);
    for (int k = P_SHM; k <= P_MQ; k++) {
        ck_assert_msg(p_open(k, n.name[k], 0, 0) == 0, "%s gone with its creator: %s",
                      pkind_name[k], strerror(errno));
        ck_assert_int_eq(p_unlink(k, n.name[k]), 0);
    }
}
END_TEST

START_TEST(unlinked_shm_stays_mapped)
{
    char name[64];
    struct stat st;
    int fd;
    char *p = new_shm(name, &fd);

    strcpy(p, "before");
    ck_assert_int_eq(shm_unlink(name), 0);
    ck_assert(!listed(P_SHM, name, NULL));
    errno = 0;
    ck_assert_int_eq(shm_open(name, O_RDWR, 0), -1);            /* the name is gone */
    ck_assert_int_eq(errno, ENOENT);
    strcat(p, " and after");                                     /* the memory is not */
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert_int_eq(st.st_size, 4096);
    ck_assert_int_eq(st.st_nlink, 0);
    char *q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);   /* still mappable */
    ck_assert_ptr_ne(q, MAP_FAILED);
    ck_assert_str_eq(q, "before and after");
    /* the name, made again, is a new and empty object */
    int fd2 = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    ck_assert_int_ne(fd2, -1);
    ck_assert_int_eq(fstat(fd2, &st), 0);
    ck_assert_int_eq(st.st_size, 0);
    close(fd2);
    ck_assert_int_eq(shm_unlink(name), 0);
    munmap(q, 4096);
    munmap(p, 4096);
    close(fd);
}
END_TEST

/* A process waits in sem_wait; the name is unlinked; a post still wakes it:
 * no EIDRM, the semaphore lives while someone has it open. */
START_TEST(unlinked_sem_still_works)
{
    char name[64];
    sem_t *sem = new_sem(name, 0);
    struct t_proc p;
    int value;

    t_fork(&p, 0, wait_on_sem, sem);
    ck_assert_msg(t_blocked_in(p.pid, SYS_futex), "the child is not waiting");
    ck_assert_int_eq(sem_unlink(name), 0);
    ck_assert(!listed(P_SEM, name, NULL));
    errno = 0;
    ck_assert_ptr_eq(sem_open(name, 0), SEM_FAILED);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_eq(sem_post(sem), 0);
    ck_assert_msg(t_wait(&p) == 0, "the waiter: status %d", p.status);
    ck_assert_int_eq(sem_post(sem), 0);
    ck_assert_int_eq(sem_getvalue(sem, &value), 0);
    ck_assert_int_eq(value, 1);
    ck_assert_int_eq(sem_close(sem), 0);
}
END_TEST

static int receive_woke(void *mq)
{
    char text[8200];
    unsigned int prio;

    NEED(recv_text(*(mqd_t *)mq, text, sizeof text, &prio) == 4);
    NEED(strcmp(text, "woke") == 0);
    return 0;
}

/* The contrast of the table's "removal" row: a System V queue removed with
 * IPC_RMID is gone at once, messages and all; a POSIX queue after mq_unlink
 * serves whoever has it open (a receiver waiting through the unlink gets
 * the next message), and a new queue may take the name meanwhile. */
START_TEST(rmid_at_once_unlink_at_last_close)
{
    struct { long mtype; char mtext[16]; } m = { 1, "sysv" };
    char name[64], text[8200];
    unsigned int prio;
    int id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0600);
    struct t_proc p;
    mqd_t mq, other;

    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(msgsnd(id, &m, 4, 0), 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
    errno = 0;
    ck_assert_int_eq(msgrcv(id, &m, sizeof m.mtext, 0, IPC_NOWAIT), -1);
    ck_assert(errno == EINVAL || errno == EIDRM);
    ck_assert(!t_exists(T_MSG, id));

    mq = new_queue(name, 4, 8192, 0);
    t_fork(&p, 0, receive_woke, &mq);   /* waits on the empty queue, through the unlink */
    ck_assert_msg(t_blocked_in(p.pid, SYS_mq_timedreceive), "the receiver is not waiting");
    ck_assert_int_eq(mq_unlink(name), 0);
    send_text(mq, "woke", 1);
    ck_assert_msg(t_wait(&p) == 0, "the receiver: status %d (its failed step is on stderr)",
                  p.status);                                     /* no error: the message */
    send_text(mq, "one", 1);
    send_text(mq, "two", 1);
    errno = 0;
    ck_assert_int_eq(mq_open(name, O_RDWR), (mqd_t)-1);
    ck_assert_int_eq(errno, ENOENT);
    other = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0600,
                    &(struct mq_attr){ .mq_maxmsg = 4, .mq_msgsize = 8192 });    /* a new one */
    ck_assert_msg(other != (mqd_t)-1, "mq_open %s again: %s", name, strerror(errno));
    ck_assert_int_eq(curmsgs(other), 0);
    ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), 3);
    ck_assert_str_eq(text, "one");
    send_text(mq, "three", 2);                                   /* still a queue */
    ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), 5);
    ck_assert_str_eq(text, "three");
    ck_assert_int_eq(recv_text(mq, text, sizeof text, &prio), 3);
    ck_assert_str_eq(text, "two");
    errno = 0;
    ck_assert_int_eq(recv_text(other, text, sizeof text, &prio), -1);
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(mq_close(mq), 0);
    drop_queue(other, name);
}
END_TEST

void add_life_tests(Suite *s)
{
    TCase *tc = tcase_create("life");

    tcase_add_test(tc, objects_outlive_their_creator);
    tcase_add_test(tc, unlinked_shm_stays_mapped);
    tcase_add_test(tc, unlinked_sem_still_works);
    tcase_add_test(tc, rmid_at_once_unlink_at_last_close);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
