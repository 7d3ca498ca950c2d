/* attach.c: shmat and shmdt (read-only attachments, addresses, what is
 * left after a detach), and what shmid_ds and IPC_INFO report. */
#define _GNU_SOURCE                     /* IPC_INFO, SHM_INFO, struct shminfo */
#include "shm.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

START_TEST(read_only_attach_write_faults)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char *w, *r;

    ck_assert_int_ne(id, -1);
    w = attach(id, 0);
    strcpy(w, "readable");
    r = attach(id, SHM_RDONLY);
    ck_assert_str_eq(r, "readable");
    ck_assert_int_eq(read_in_child(r), 0);
    ck_assert_int_eq(write_in_child(r), 128 + SIGSEGV);
    ck_assert_int_eq(write_in_child(w), 0);       /* the other attachment may */
    ck_assert_int_eq(shmdt(r), 0);
    ck_assert_int_eq(shmdt(w), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(access_after_detach_faults)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char *p;

    ck_assert_int_ne(id, -1);
    p = attach(id, 0);
    ck_assert_int_eq(read_in_child(p), 0);
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(read_in_child(p), 128 + SIGSEGV);
    ck_assert_int_eq(write_in_child(p), 128 + SIGSEGV);
    ck_assert(t_exists(T_SHM, id));     /* the segment itself is untouched */
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(attach_address_rules)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char *a, *p;

    ck_assert_int_ne(id, -1);
    a = attach(id, 0);
    ck_assert_uint_eq((uintptr_t)a % SHMLBA, 0);
    ck_assert_int_eq(shmdt(a), 0);
    errno = 0;
    ck_assert_ptr_eq(shmat(id, a + 1, 0), (void *)-1);      /* not a multiple of SHMLBA */
    ck_assert_int_eq(errno, EINVAL);
    p = shmat(id, a + 1, SHM_RND);                          /* rounded down */
    ck_assert_ptr_eq(p, a);
    ck_assert_int_eq(shmdt(p), 0);
    p = shmat(id, a, 0);                                    /* aligned: taken as it is */
    ck_assert_ptr_eq(p, a);
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

/* --- shmid_ds ------------------------------------------------------------------------ */

static int exit_at_once(void *unused)
{
    (void)unused;
    return 0;
}

static int exit_at_end_of_input(void *unused)
{
    char c;

    (void)unused;
    return read(0, &c, 1) == 0 ? 0 : 1;
}

START_TEST(nattch_follows_attach_fork_detach_exit)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    struct t_proc child;
    struct shmid_ds ds;
    char *p, *q;

    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(stat_of(id).shm_nattch, 0);
    p = attach(id, 0);
    q = attach(id, SHM_RDONLY);
    ck_assert_int_eq(stat_of(id).shm_nattch, 2);      /* one per attachment */
    ck_assert_int_eq(shmdt(q), 0);
    ck_assert_int_eq(stat_of(id).shm_nattch, 1);

    t_fork(&child, 0, exit_at_once, NULL);             /* inherits the attachment */
    ck_assert_int_eq(t_wait(&child), 0);
    ds = stat_of(id);
    ck_assert_int_eq(ds.shm_nattch, 1);                /* exit detaches */
    ck_assert_int_eq(ds.shm_lpid, child.pid);          /* ... in the child's name */

    t_fork(&child, 0, exit_at_end_of_input, NULL);     /* inherits it, and waits */
    ds = stat_of(id);
    ck_assert_int_eq(ds.shm_nattch, 2);                /* fork attaches the child */
    ck_assert_int_eq(ds.shm_lpid, getpid());           /* ... in the parent's name */
    ck_assert_int_eq(t_wait(&child), 0);               /* its input closed: it ends */
    ck_assert_int_eq(stat_of(id).shm_nattch, 1);
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(stat_of(id).shm_nattch, 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

static int attach_and_detach(void *id)
{
    char *p = shmat(*(int *)id, NULL, 0);

    NEED(p != (void *)-1);
    NEED(shmdt(p) == 0);
    return 0;
}

START_TEST(times_and_pids)
{
    time_t before = time(NULL), after;
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    struct t_proc child;
    struct shmid_ds ds;

    ck_assert_int_ne(id, -1);
    after = time(NULL);
    ds = stat_of(id);
    ck_assert_int_eq(ds.shm_cpid, getpid());
    ck_assert_int_eq(ds.shm_lpid, 0);                  /* nobody attached yet */
    ck_assert_int_eq(ds.shm_atime, 0);
    ck_assert_int_eq(ds.shm_dtime, 0);
    ck_assert(ds.shm_ctime >= before && ds.shm_ctime <= after);

    t_fork(&child, 0, attach_and_detach, &id);         /* another process */
    ck_assert_int_eq(t_wait(&child), 0);
    after = time(NULL);
    ds = stat_of(id);
    ck_assert_int_eq(ds.shm_lpid, child.pid);
    ck_assert_int_eq(ds.shm_cpid, getpid());           /* the creator stays */
    ck_assert(ds.shm_atime >= before && ds.shm_atime <= after);
    ck_assert(ds.shm_dtime >= ds.shm_atime && ds.shm_dtime <= after);

    before = time(NULL);                /* IPC_SET stamps ctime */
    ck_assert_int_eq(t_set(T_SHM, id, T_KEEP, T_KEEP, 0640), 0);
    ds = stat_of(id);
    ck_assert(ds.shm_ctime >= before && ds.shm_ctime <= time(NULL));
    ck_assert_int_eq(ds.shm_perm.mode & 0777, 0640);

    /* ... and changes the owner, to any user; the creator keeps its rights */
    ck_assert_int_eq(t_set(T_SHM, id, 65534, 65534, T_KEEP), 0);
    ds = stat_of(id);
    ck_assert_int_eq(ds.shm_perm.uid, 65534);
    ck_assert_int_eq(ds.shm_perm.gid, 65534);
    ck_assert_int_eq(ds.shm_perm.cuid, geteuid());
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(ipc_info_gives_limits_and_highest_index)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600), highest;
    int other = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600), top;
    struct shminfo lim;
    struct shm_info use;

    ck_assert(id != -1 && other != -1);
    /* two segments, two indexes: the larger is at least 1 */
    top = id % 32768 > other % 32768 ? id % 32768 : other % 32768;
    highest = shmctl(0, IPC_INFO, (struct shmid_ds *)&lim);
    ck_assert_int_ge(highest, top);                 /* not 0: the highest index in use */
    ck_assert_uint_eq(lim.shmmax, sysctl_value("kernel/shmmax"));
    ck_assert_uint_eq(lim.shmmni, sysctl_value("kernel/shmmni"));
    ck_assert_uint_eq(lim.shmall, sysctl_value("kernel/shmall"));
    ck_assert_uint_eq(lim.shmmin, 1);
    ck_assert_int_ge(shmctl(0, SHM_INFO, (struct shmid_ds *)&use), top);
    ck_assert_int_ge(use.used_ids, 2);
    ck_assert_int_eq(t_rm(T_SHM, other), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

void add_attach_tests(Suite *s)
{
    TCase *at = tcase_create("attach"), *ds = tcase_create("shmid_ds");

    tcase_add_test(at, read_only_attach_write_faults);
    tcase_add_test(at, access_after_detach_faults);
    tcase_add_test(at, attach_address_rules);
    tcase_set_timeout(at, 60);          /* a loaded machine */
    suite_add_tcase(s, at);

    tcase_add_test(ds, nattch_follows_attach_fork_detach_exit);
    tcase_add_test(ds, times_and_pids);
    tcase_add_test(ds, ipc_info_gives_limits_and_highest_index);
    tcase_set_timeout(ds, 60);
    suite_add_tcase(s, ds);
}
