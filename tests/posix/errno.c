/* errno.c: the errno cases of POSIX IPC, one call each, and the permission
 * rules, which are those of files. */
#define _GNU_SOURCE
#include "posix.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(SEM_VALUE_MAX == INT_MAX, "SEM_VALUE_MAX is INT_MAX on Linux");

/* --- the fixture: what the rows' calls work on ----------------------------------- */

struct fixture {
    char there[3][64];          /* one object of each kind (enum pkind) */
    char missing[64];           /* a name nothing has */
    char fresh[64];             /* a name a row makes and removes itself */
    char mine[64];              /* a queue of mode 0600, whatever the fixture's mode */
    sem_t *zero;                /* the semaphore there[P_SEM], at 0 */
    sem_t full;                 /* an unnamed semaphore at SEM_VALUE_MAX */
    int qid;                    /* a System V queue */
};

/* Everything made with MODE, which the umask does not cut. */
static void make_fixture(struct fixture *f, mode_t mode)
{
    umask(0);
    t_posix_name(f->missing);
    t_posix_name(f->fresh);
    t_posix_name(f->mine);
    ck_assert_msg(p_open(P_MQ, f->mine, O_CREAT | O_EXCL, 0600) == 0, "mq_open %s: %s", f->mine,
                  strerror(errno));
    for (int k = P_SHM; k <= P_MQ; k++) {
        t_posix_name(f->there[k]);
        if (k != P_SEM)
            ck_assert_msg(p_open(k, f->there[k], O_CREAT | O_EXCL, mode) == 0, "%s %s: %s",
                          pkind_name[k], f->there[k], strerror(errno));
    }
    f->zero = sem_open(f->there[P_SEM], O_CREAT | O_EXCL, mode, 0);
    ck_assert_msg(f->zero != SEM_FAILED, "sem_open: %s", strerror(errno));
    ck_assert_int_eq(sem_init(&f->full, 0, SEM_VALUE_MAX), 0);
    f->qid = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | (int)mode);
    ck_assert_int_ne(f->qid, -1);
}

static void drop_fixture(struct fixture *f)
{
    for (int k = P_SHM; k <= P_MQ; k++)
        ck_assert_msg(p_unlink(k, f->there[k]) == 0, "%s_unlink %s: %s", pkind_name[k],
                      f->there[k], strerror(errno));
    ck_assert_msg(mq_unlink(f->mine) == 0, "mq_unlink %s: %s", f->mine, strerror(errno));
    sem_close(f->zero);
    sem_destroy(&f->full);
    ck_assert_int_eq(t_rm(T_MSG, f->qid), 0);
}

#define FX(ctx) ((struct fixture *)(ctx))

/* --- the calls: one each ---------------------------------------------------------- */

static int open_missing_shm(void *f) { return p_open(P_SHM, FX(f)->missing, 0, 0); }
static int open_missing_sem(void *f) { return p_open(P_SEM, FX(f)->missing, 0, 0); }
static int open_missing_mq(void *f) { return p_open(P_MQ, FX(f)->missing, 0, 0); }

static int excl_shm(void *f) { return p_open(P_SHM, FX(f)->there[P_SHM], O_CREAT | O_EXCL, 0600); }
static int excl_sem(void *f) { return p_open(P_SEM, FX(f)->there[P_SEM], O_CREAT | O_EXCL, 0600); }
static int excl_mq(void *f) { return p_open(P_MQ, FX(f)->there[P_MQ], O_CREAT | O_EXCL, 0600); }

static int unlink_missing_shm(void *f) { return shm_unlink(FX(f)->missing); }
static int unlink_missing_sem(void *f) { return sem_unlink(FX(f)->missing); }
static int unlink_missing_mq(void *f) { return mq_unlink(FX(f)->missing); }

static int sem_value_too_big(void *f)
{
    sem_t *sem = sem_open(FX(f)->there[P_SEM], O_CREAT | O_EXCL, 0600,
                          (unsigned int)SEM_VALUE_MAX + 1u);

    return sem == SEM_FAILED ? -1 : 0;
}

static int trywait_at_zero(void *f) { return sem_trywait(FX(f)->zero); }
static int post_at_max(void *f) { return sem_post(&FX(f)->full); }

/* Under RLIMIT_MSGQUEUE (ulimit -q) of 1000 bytes, a queue of 2 KiB: no
 * capability lifts the limit. (The limit stays lowered in the process that
 * runs the row: the test's own.) */
static int queue_over_rlimit(void *f)
{
    const struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 1024 };
    mqd_t mq;

    if (setrlimit(RLIMIT_MSGQUEUE, &(struct rlimit){ 1000, 1000 }) == -1) {
        fprintf(stderr, "setrlimit RLIMIT_MSGQUEUE: %s\n", strerrorname_np(errno));
        return 0;                       /* the row fails */
    }
    mq = mq_open(FX(f)->fresh, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
    return mq == (mqd_t)-1 ? -1 : 0;
}

/* In a child whose RLIMIT_NOFILE is the lowest free descriptor, so that
 * none is left: what mq_open of the queue said (0 if it opened). */
static int open_without_descriptors(void *name)
{
    int lowest = dup(STDERR_FILENO);

    if (lowest == -1 || close(lowest) == -1 ||
        setrlimit(RLIMIT_NOFILE, &(struct rlimit){ (rlim_t)lowest, (rlim_t)lowest }) == -1) {
        fprintf(stderr, "lowering RLIMIT_NOFILE: %s\n", strerrorname_np(errno));
        return 126;
    }
    return mq_open(name, O_RDONLY) == (mqd_t)-1 ? errno : 0;
}

static int queue_over_nofile(void *f)
{
    struct t_proc p;

    t_fork(&p, 0, open_without_descriptors, FX(f)->there[P_MQ]);
    errno = t_wait(&p);
    return errno == 126 ? T_SETUP_FAILED : errno ? -1 : 0;
}

/* The fixture's queue (4 messages of 64 bytes) opened with FLAGS, empty or
 * filled; -1 if it cannot be. */
static mqd_t queue_open(void *f, int flags, bool full)
{
    mqd_t mq = mq_open(FX(f)->there[P_MQ], flags | O_NONBLOCK);

    while (full && mq != (mqd_t)-1 && mq_send(mq, "x", 1, 0) == 0)
        ;
    if (mq == (mqd_t)-1 || (full && errno != EAGAIN) ||
        mq_setattr(mq, &(struct mq_attr){ .mq_flags = 0 }, NULL) == -1) {
        fprintf(stderr, "the fixture's queue: %s\n", strerrorname_np(errno));
        return (mqd_t)-1;
    }
    return mq;
}

/* RC, after MQ is closed; errno is the call's. */
static int closing(mqd_t mq, int rc)
{
    int saved = errno;

    mq_close(mq);
    errno = saved;
    return rc;
}

static const struct timespec bad_nsec = { .tv_nsec = 1000000000 };
static const struct timespec long_ago = { .tv_sec = 1 };        /* 1970: past at once */
static char buffer[64];

/* A call on the full (send) or empty (receive) queue, which must wait, with
 * the deadline TS. */
static int send_until(void *f, const struct timespec *ts)
{
    mqd_t mq = queue_open(f, O_RDWR, true);

    return mq == (mqd_t)-1 ? T_SETUP_FAILED : closing(mq, mq_timedsend(mq, "y", 1, 0, ts));
}

static int receive_until(void *f, const struct timespec *ts)
{
    mqd_t mq = queue_open(f, O_RDWR, false);

    return mq == (mqd_t)-1 ? T_SETUP_FAILED
                           : closing(mq, (int)mq_timedreceive(mq, buffer, 64, NULL, ts));
}

static int send_bad_nsec(void *f) { return send_until(f, &bad_nsec); }
static int receive_bad_nsec(void *f) { return receive_until(f, &bad_nsec); }
static int send_past(void *f) { return send_until(f, &long_ago); }
static int receive_past(void *f) { return receive_until(f, &long_ago); }
static int send_bad_timeout(void *f) { return send_until(f, (const struct timespec *)1); }
static int receive_bad_timeout(void *f) { return receive_until(f, (const struct timespec *)1); }

static int send_bad_buffer(void *f)
{
    mqd_t mq = queue_open(f, O_RDWR, false);

    return mq == (mqd_t)-1 ? T_SETUP_FAILED
                           : closing(mq, mq_timedsend(mq, (const char *)1, 1, 0, &long_ago));
}

static int receive_bad_buffer(void *f)
{
    mqd_t mq = queue_open(f, O_RDWR, true);

    return mq == (mqd_t)-1 ? T_SETUP_FAILED
                           : closing(mq, (int)mq_timedreceive(mq, (char *)1, 64, NULL, &long_ago));
}

static int send_not_a_queue(void *f)
{
    (void)f;
    return mq_timedsend((mqd_t)-1, "y", 1, 0, &long_ago);
}

static int receive_not_a_queue(void *f)
{
    (void)f;
    return (int)mq_timedreceive((mqd_t)-1, buffer, 64, NULL, &long_ago);
}

static int send_read_only(void *f)
{
    mqd_t mq = queue_open(f, O_RDONLY, false);

    return mq == (mqd_t)-1 ? T_SETUP_FAILED : closing(mq, mq_timedsend(mq, "y", 1, 0, &long_ago));
}

static int receive_write_only(void *f)
{
    mqd_t mq = queue_open(f, O_WRONLY, true);

    return mq == (mqd_t)-1 ? T_SETUP_FAILED
                           : closing(mq, (int)mq_timedreceive(mq, buffer, 64, NULL, &long_ago));
}

static int notify_not_a_queue(void *f)
{
    (void)f;
    return mq_notify((mqd_t)-1, &(struct sigevent){ .sigev_notify = SIGEV_NONE });
}

static int notify_with(void *f, const struct sigevent *sev)
{
    mqd_t mq = queue_open(f, O_RDONLY, false);

    return mq == (mqd_t)-1 ? T_SETUP_FAILED : closing(mq, mq_notify(mq, sev));
}

static int notify_bad_kind(void *f)
{
    return notify_with(f, &(struct sigevent){ .sigev_notify = 12345 });
}

static int notify_bad_signal(void *f)
{
    return notify_with(f, &(struct sigevent){ .sigev_notify = SIGEV_SIGNAL, .sigev_signo = 1000 });
}

/* A name of NAME_MAX + 1 characters after its slash. */
static int unlink_too_long(void *f)
{
    char name[NAME_MAX + 3] = "/";

    (void)f;
    memset(name + 1, 'q', NAME_MAX + 1);
    name[NAME_MAX + 2] = '\0';
    return mq_unlink(name);
}

static int open_mine(void *f) { return p_open(P_MQ, FX(f)->mine, 0, 0); }

/* Make an object of mode 0 under the fresh name, open it again, remove it:
 * what the second open said. */
static int open_own_mode0(enum pkind kind, const char *name)
{
    int rc, saved;

    if (p_open(kind, name, O_CREAT | O_EXCL, 0) == -1) {
        fprintf(stderr, "%s %s: could not make it: %s\n", pkind_name[kind], name,
                strerrorname_np(errno));
        return 0;                       /* the row fails */
    }
    rc = p_open(kind, name, 0, 0);
    saved = errno;
    p_unlink(kind, name);
    errno = saved;
    return rc;
}

static int mode0_shm(void *f) { return open_own_mode0(P_SHM, FX(f)->fresh); }
static int mode0_sem(void *f) { return open_own_mode0(P_SEM, FX(f)->fresh); }
static int mode0_mq(void *f) { return open_own_mode0(P_MQ, FX(f)->fresh); }

static int unlink_shm(void *f) { return shm_unlink(FX(f)->there[P_SHM]); }
static int unlink_sem(void *f) { return sem_unlink(FX(f)->there[P_SEM]); }
static int unlink_mq(void *f) { return mq_unlink(FX(f)->there[P_MQ]); }
static int rmid_queue(void *f) { return msgctl(FX(f)->qid, IPC_RMID, NULL); }

/* --- the rows ----------------------------------------------------------------------- */

static const struct t_errno_row rows[] = {
    { "shm_open of a name that has none, without O_CREAT", open_missing_shm, ENOENT, T_OWNER },
    { "sem_open of a name that has none, without O_CREAT", open_missing_sem, ENOENT, T_OWNER },
    { "mq_open of a name that has none, without O_CREAT", open_missing_mq, ENOENT, T_OWNER },
    { "shm_open with O_CREAT | O_EXCL of a name in use", excl_shm, EEXIST, T_OWNER },
    { "sem_open with O_CREAT | O_EXCL of a name in use", excl_sem, EEXIST, T_OWNER },
    { "mq_open with O_CREAT | O_EXCL of a name in use", excl_mq, EEXIST, T_OWNER },
    { "shm_unlink of a name that has none", unlink_missing_shm, ENOENT, T_OWNER },
    { "sem_unlink of a name that has none", unlink_missing_sem, ENOENT, T_OWNER },
    { "mq_unlink of a name that has none", unlink_missing_mq, ENOENT, T_OWNER },
    { "sem_open with O_CREAT | O_EXCL of a name in use, and a value above SEM_VALUE_MAX "
      "(checked before EEXIST)", sem_value_too_big, EINVAL, T_OWNER },
    { "sem_trywait at 0", trywait_at_zero, EAGAIN, T_OWNER },
    { "sem_post at SEM_VALUE_MAX", post_at_max, EOVERFLOW, T_OWNER },
    { "mq_open of a queue of 2 KiB under RLIMIT_MSGQUEUE of 1000 bytes", queue_over_rlimit,
      EMFILE, T_OWNER },
    { "mq_open with no descriptor left under RLIMIT_NOFILE", queue_over_nofile, EMFILE, T_OWNER },
    { "mq_timedsend to a descriptor that is no queue's", send_not_a_queue, EBADF, T_OWNER },
    { "mq_timedreceive from a descriptor that is no queue's", receive_not_a_queue, EBADF,
      T_OWNER },
    { "mq_timedsend to a queue opened O_RDONLY", send_read_only, EBADF, T_OWNER },
    { "mq_timedreceive from a queue opened O_WRONLY", receive_write_only, EBADF, T_OWNER },
    { "mq_timedsend to a full queue, tv_nsec of 1000000000", send_bad_nsec, EINVAL, T_OWNER },
    { "mq_timedreceive from an empty queue, tv_nsec of 1000000000", receive_bad_nsec, EINVAL,
      T_OWNER },
    { "mq_timedsend to a full queue, a deadline already past", send_past, ETIMEDOUT, T_OWNER },
    { "mq_timedreceive from an empty queue, a deadline already past", receive_past, ETIMEDOUT,
      T_OWNER },
    { "mq_timedsend, a timeout at a bad address", send_bad_timeout, EFAULT, T_OWNER },
    { "mq_timedreceive, a timeout at a bad address", receive_bad_timeout, EFAULT, T_OWNER },
    { "mq_timedsend of a message at a bad address", send_bad_buffer, EFAULT, T_OWNER },
    { "mq_timedreceive into a bad address, a message waiting", receive_bad_buffer, EFAULT,
      T_OWNER },
    { "mq_notify of a descriptor that is no queue's", notify_not_a_queue, EBADF, T_OWNER },
    { "mq_notify, sigev_notify none of SIGEV_NONE, SIGEV_SIGNAL, SIGEV_THREAD", notify_bad_kind,
      EINVAL, T_OWNER },
    { "mq_notify, SIGEV_SIGNAL with signal 1000", notify_bad_signal, EINVAL, T_OWNER },
    { "mq_unlink of a name of NAME_MAX + 1 characters", unlink_too_long, ENAMETOOLONG, T_OWNER },
    /* Mode 0 stops the owner, as with a file (without CAP_DAC_OVERRIDE). */
    { "shm_open by its owner of an object of mode 0", mode0_shm, EACCES, T_PLAIN },
    { "sem_open by its owner of a semaphore of mode 0", mode0_sem, EACCES, T_PLAIN },
    { "mq_open by its owner of a queue of mode 0", mode0_mq, EACCES, T_PLAIN },
};

/* Only the owner (or a process with the capability) removes an object:
 * another user who may open a 0666 object gets EACCES from the unlinks
 * (the directories are sticky; glibc turns the kernel's EPERM into EACCES),
 * and EPERM from IPC_RMID on a 0666 System V queue. */
static const struct t_errno_row stranger_rows[] = {
    { "shm_unlink of another user's object of mode 0666", unlink_shm, EACCES, T_STRANGER },
    { "sem_unlink of another user's semaphore of mode 0666", unlink_sem, EACCES, T_STRANGER },
    { "mq_unlink of another user's queue of mode 0666", unlink_mq, EACCES, T_STRANGER },
    { "msgctl IPC_RMID of another user's System V queue of mode 0666", rmid_queue, EPERM,
      T_STRANGER },
    { "mq_open of another user's queue of mode 0600", open_mine, EACCES, T_STRANGER },
};

START_TEST(posix_errno_cases)
{
    struct fixture f;

    make_fixture(&f, 0600);
    t_errno_case(&rows[_i], &f);
    drop_fixture(&f);
}
END_TEST

/* The stranger may open the objects (mode 0666): a refusal comes from the
 * rule of removal, not from a path it cannot reach. */
static int open_each(void *f)
{
    for (int k = P_SHM; k <= P_MQ; k++)
        NEED(p_open(k, FX(f)->there[k], 0, 0) == 0);
    return 0;
}

START_TEST(posix_errno_cases_as_stranger)
{
    struct fixture f;

    T_NEED_STRANGER();
    make_fixture(&f, 0666);
    ck_assert_msg(t_as_stranger(open_each, &f) == 0, "the stranger cannot open the objects "
                  "(its failed step is on stderr)");
    t_errno_case(&stranger_rows[_i], &f);
    drop_fixture(&f);
}
END_TEST

/* --- permissions -------------------------------------------------------------------- */

/* The umask clears bits of a new POSIX object's mode, as of a file's; a
 * System V object keeps the mode asked for (perm-1). */
START_TEST(umask_applies_to_posix_not_sysv)
{
    char name[64], path[PATH_MAX];
    struct ipc_perm perm;
    struct stat st;
    int id;

    umask(027);
    for (enum pkind k = P_SHM; k <= P_MQ; k++) {
        t_posix_name(name);
        ck_assert_int_eq(p_open(k, name, O_CREAT | O_EXCL, 0666), 0);
        if (k == P_MQ) {
            mqd_t mq = mq_open(name, O_RDONLY);

            ck_assert_int_eq(fstat(mq, &st), 0);
            mq_close(mq);
        } else {
            listed_at(path, k, name, NULL);
            ck_assert_int_eq(stat(path, &st), 0);
        }
        ck_assert_int_eq(p_unlink(k, name), 0);
        ck_assert_msg((st.st_mode & 0777) == 0640, "%s: mode %o", pkind_name[k],
                      (unsigned int)st.st_mode & 0777);
    }
    id = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0666);
    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(t_stat(T_MSG, id, &perm), 0);
    ck_assert_int_eq(perm.mode & 0777, 0666);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

static int unlink_each(void *arg)
{
    const struct names3 *n = arg;

    for (int k = P_SHM; k <= P_MQ; k++)
        NEED(p_unlink(k, n->name[k]) == 0 || errno == ENOENT);
    return 0;
}

/* The rules of files, not those of System V: the plain user of
 * t_unprivileged (nobody, where this process can become it) makes the three
 * with mode 0. This process opens them if it has CAP_DAC_OVERRIDE (System V
 * asks for CAP_IPC_OWNER), and is refused (EACCES) without. Then it unlinks
 * them: its own names, or another user's with CAP_FOWNER, always go. (In a
 * sticky directory another user's name goes without CAP_FOWNER too, to the
 * directory's owner, root for /dev/shm: not decided here. A stranger is
 * refused: posix_errno_cases_as_stranger.) What is left, their owner removes. */
START_TEST(mode_checked_as_for_a_file)
{
    const bool dac = t_capable(CAP_DAC_OVERRIDE), fowner = t_capable(CAP_FOWNER);
    const bool theirs = t_can_be_stranger();        /* the plain user is another one */
    struct names3 n = { .mode = 0 };

    for (int k = P_SHM; k <= P_MQ; k++)
        t_posix_name(n.name[k]);
    ck_assert_msg(t_unprivileged(make_each, &n) == 0, "making them: its failed step is "
                  "on stderr");
    for (int k = P_SHM; k <= P_MQ; k++) {
        errno = 0;
        int rc = p_open(k, n.name[k], 0, 0), got = rc == 0 ? 0 : errno;

        ck_assert_msg(got == (dac ? 0 : EACCES), "%s_open of mode 0 %s CAP_DAC_OVERRIDE: %s",
                      pkind_name[k], dac ? "with" : "without",
                      got ? strerrorname_np(got) : "opened");
    }
    for (int k = P_SHM; k <= P_MQ; k++) {
        errno = 0;
        int got = p_unlink(k, n.name[k]) == 0 ? 0 : errno;

        ck_assert_msg(got == 0 || (theirs && !fowner), "%s_unlink of %s name %s CAP_FOWNER: %s",
                      pkind_name[k], theirs ? "another user's" : "its own",
                      fowner ? "with" : "without", strerrorname_np(got));
    }
    ck_assert_int_eq(t_unprivileged(unlink_each, &n), 0);     /* what is left */
}
END_TEST

void add_errno_tests(Suite *s)
{
    TCase *tc = tcase_create("errno"), *perm = tcase_create("permissions");

    tcase_add_loop_test(tc, posix_errno_cases, 0, T_ROWS(rows));
    tcase_add_loop_test(tc, posix_errno_cases_as_stranger, 0, T_ROWS(stranger_rows));
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tcase_add_test(perm, umask_applies_to_posix_not_sysv);
    tcase_add_test(perm, mode_checked_as_for_a_file);
    tcase_set_timeout(perm, 60);
    suite_add_tcase(s, perm);
}
