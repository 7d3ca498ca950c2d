/* posix.h: what the sections of test_posix share (defined in test_posix.c). */
#ifndef POSIX_TESTS_H
#define POSIX_TESTS_H

#include "harness.h"

#include <limits.h>
#include <mqueue.h>
#include <semaphore.h>
#include <sys/mman.h>             /* shm_open, shm_unlink */

/* The three kinds of POSIX object, and how the book names them. */
enum pkind { P_SHM, P_SEM, P_MQ };
extern const char *const pkind_name[3];     /* "shm", "sem", "mq" */

/* Open NAME as KIND with FLAGS (0, O_CREAT, O_CREAT|O_EXCL) and MODE, and
 * close it again: 0, or -1 with errno. A queue it makes is small (4
 * messages of 64 bytes): every queue of a user counts against RLIMIT_MSGQUEUE,
 * and the suites run side by side. */
int p_open(enum pkind kind, const char *name, int flags, mode_t mode);
int p_unlink(enum pkind kind, const char *name);     /* shm_, sem_ or mq_unlink */

/* A new queue under a new name (t_posix_name, into NAME), opened O_RDWR
 * with FLAGS added (O_NONBLOCK); the test fails if it cannot be made. */
mqd_t new_queue(char name[64], long maxmsg, long msgsize, int flags);
/* mq_close and mq_unlink, which must succeed. */
void drop_queue(mqd_t mq, const char *name);
void send_text(mqd_t mq, const char *text, unsigned int prio);
/* mq_receive into TEXT (room for SIZE - 1 bytes and a NUL): its length, or -1. */
ssize_t recv_text(mqd_t mq, char *text, size_t size, unsigned int *prio);
long curmsgs(mqd_t mq);

/* A new shared memory object of 4096 bytes under a new name (into NAME),
 * mapped; its descriptor into *FD. */
char *new_shm(char name[64], int *fd);

/* A new named semaphore of VALUE under a new name (into NAME). */
sem_t *new_sem(char name[64], unsigned int value);
/* In a child (t_fork): sem_wait(SEM), exit 0 when it returns. */
int wait_on_sem(void *sem);

/* One name of each kind, and the mode to make them with. */
struct names3 {
    char name[3][64];
    mode_t mode;
};
/* In a child (t_fork, t_unprivileged): make the three, O_CREAT | O_EXCL. */
int make_each(void *names3);

/* Where the name of KIND is listed: /dev/shm/NAME, /dev/shm/sem.NAME, or
 * DIR/NAME for a queue (DIR: t_mqueue_dir()). */
void listed_at(char path[PATH_MAX], enum pkind kind, const char *name, const char *dir);
bool listed(enum pkind kind, const char *name, const char *dir);

/* The sections: each adds its test cases. */
void add_names_tests(Suite *s);
void add_life_tests(Suite *s);
void add_mqueue_tests(Suite *s);
void add_notify_tests(Suite *s);
void add_sem_tests(Suite *s);
void add_errno_tests(Suite *s);
void add_limits_tests(Suite *s);
void add_rt_tests(Suite *s);
void add_programs_tests(Suite *s);

#endif
