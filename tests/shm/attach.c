/* attach.c: shmat and shmdt (read-only attachments, addresses, what is
 * left after a detach), and what shmid_ds and IPC_INFO report. */
#define _GNU_SOURCE                     /* IPC_INFO, SHM_INFO, struct shminfo */
#include "shm.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
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

/* --- walking the table: SHM_INFO, SHM_STAT, SHM_STAT_ANY ------------------------------- */

/* SHM_STAT takes an index of the kernel's table, 0 to the highest in use
 * (what SHM_INFO returns), and returns the id of the segment there: ipcs
 * walks the table so where it cannot read /proc/sysvipc/shm. An id is its index plus a sequence number
 * times IPCMNI (32768): IPC_STAT of an index is refused, while SHM_STAT of
 * an id keeps only its index bits and finds the same segment. */
START_TEST(shm_stat_takes_an_index_not_an_id)
{
    int ids[2] = { get_segment(IPC_PRIVATE, PAGE, IPC_CREAT | 0600),
                   get_segment(IPC_PRIVATE, 2 * PAGE, IPC_CREAT | 0600) };
    int at[2] = { -1, -1 }, top, k;
    struct shmid_ds ds;
    struct shm_info info;

    ck_assert(ids[0] != -1 && ids[1] != -1);
    top = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
    ck_assert_int_ge(top, 0);
    for (int i = 0; i <= top; i++) {
        int id = shmctl(i, SHM_STAT, &ds);

        for (k = 0; k < 2; k++)
            if (id == ids[k]) {
                ck_assert_uint_eq(ds.shm_segsz, (k + 1) * PAGE);
                at[k] = i;
            }
    }
    ck_assert_msg(at[0] != -1 && at[1] != -1, "SHM_STAT of 0 to %d did not find %d and %d",
                  top, ids[0], ids[1]);
    k = ids[0] != at[0] ? 0 : 1;        /* the sequence numbers differ: one is not its index */
    ck_assert_int_ne(ids[k], at[k]);
    errno = 0;
    ck_assert_int_eq(shmctl(at[k], IPC_STAT, &ds), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(shmctl(ids[k], SHM_STAT, &ds), ids[k]);
    ck_assert_int_eq(t_rm(T_SHM, ids[0]), 0);
    ck_assert_int_eq(t_rm(T_SHM, ids[1]), 0);
}
END_TEST

/* Without CAP_IPC_OWNER, on its own segment of mode 0200 (no read):
 * SHM_STAT and IPC_STAT are refused, SHM_STAT_ANY (Linux 4.17) is not. */
static int stat_any_steps(void *unused)
{
    int id = get_segment(IPC_PRIVATE, 3 * PAGE, IPC_CREAT | 0200), i;
    struct shmid_ds ds;

    (void)unused;
    NEED(id != -1);
    NEED((i = shm_index(id)) != -1);            /* found with SHM_STAT_ANY */
    NEED(shmctl(i, SHM_STAT, &ds) == -1 && errno == EACCES);
    NEED(shmctl(id, IPC_STAT, &ds) == -1 && errno == EACCES);
    NEED_EQ(shmctl(i, SHM_STAT_ANY, &ds), id);
    NEED_EQ(ds.shm_segsz, 3 * PAGE);
    NEED_EQ(ds.shm_perm.mode & 0777, 0200);
    NEED(shmctl(id, IPC_RMID, NULL) == 0);
    return 0;
}

START_TEST(shm_stat_any_needs_no_read_permission)
{
    ck_assert_msg(t_unprivileged(stat_any_steps, NULL) == 0, "a step failed (on stderr)");
}
END_TEST

/* CAP_IPC_OWNER passes the read check: SHM_STAT of a segment of mode 0. */
START_TEST(shm_stat_of_mode_0_with_cap_ipc_owner)
{
    int id, i;
    struct shmid_ds ds;

    T_NEED_CAP(CAP_IPC_OWNER, "(to read a segment of mode 0)");
    id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT);
    ck_assert_int_ne(id, -1);
    ck_assert_int_ne(i = shm_index(id), -1);
    ck_assert_int_eq(shmctl(i, SHM_STAT, &ds), id);
    ck_assert_int_eq(ds.shm_perm.mode & 0777, 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

/* What /proc/sysvipc/shm lists: how many segments; their sizes in pages,
 * each rounded up; their pages in memory and in swap (rss and swap, in
 * bytes there). */
struct shm_totals {
    long segments, pages, rss, swap;
};

static int proc_shm_totals(struct shm_totals *t, long page)
{
    FILE *f = fopen("/proc/sysvipc/shm", "r");
    char line[512];
    long key, id, size, rss, swap;
    unsigned long mode;

    *t = (struct shm_totals){ 0 };
    NEED(f != NULL);
    NEED(fgets(line, sizeof line, f) != NULL);          /* the header */
    while (fgets(line, sizeof line, f) != NULL) {
        NEED(sscanf(line, "%ld %ld %lo %ld %*d %*d %*d %*d %*d %*d %*d %*d %*d %*d %ld %ld",
                    &key, &id, &mode, &size, &rss, &swap) == 6);
        t->segments += 1;
        t->pages += (size + page - 1) / page;
        t->rss += rss / page;
        t->swap += swap / page;
    }
    fclose(f);
    return 0;
}

/* In an IPC namespace of our own, where only our segments count: SHM_INFO's
 * used_ids, shm_tot, shm_rss and shm_swp are what /proc/sysvipc/shm lists,
 * in pages, and it returns the highest index in use. A segment takes no
 * memory until its pages are written. */
static int shm_info_steps(void *unused)
{
    long page = sysconf(_SC_PAGESIZE);
    int a, b, c;
    char *p;
    struct shm_info use;
    struct shm_totals proc;

    (void)unused;
    NEED((a = shmget(IPC_PRIVATE, 1, 0600)) != -1);                 /* index 0: 1 page */
    NEED((b = shmget(IPC_PRIVATE, 3 * page, 0600)) != -1);          /* 1: 3 pages */
    NEED((c = shmget(IPC_PRIVATE, 5 * page + 1, 0600)) != -1);      /* 2: 6 pages */
    NEED((p = shmat(c, NULL, 0)) != (void *)-1);
    p[0] = p[2 * page] = 'x';                                       /* two pages written */
    NEED(shmdt(p) == 0);
    NEED(shmctl(b, IPC_RMID, NULL) == 0);
    NEED(proc_shm_totals(&proc, page) == 0);
    NEED_EQ(shmctl(0, SHM_INFO, (struct shmid_ds *)&use), 2);
    NEED_EQ(use.used_ids, 2);
    NEED_EQ(use.used_ids, proc.segments);
    NEED_EQ(use.shm_tot, 1 + 6);
    NEED_EQ(use.shm_tot, proc.pages);
    NEED_EQ(use.shm_rss + use.shm_swp, 2);
    NEED_EQ(use.shm_rss, proc.rss);
    NEED_EQ(use.shm_swp, proc.swap);
    NEED(shmctl(a, IPC_RMID, NULL) == 0);
    NEED(shmctl(c, IPC_RMID, NULL) == 0);
    NEED_EQ(shmctl(0, SHM_INFO, (struct shmid_ds *)&use), 0);      /* none: 0 */
    NEED_EQ(use.used_ids, 0);
    NEED_EQ(use.shm_tot, 0);
    return 0;
}

START_TEST(shm_info_totals_match_proc)
{
    T_IN_PRIVATE_IPC(shm_info_steps, NULL);
}
END_TEST

/* util-linux's ipcs reads /proc/sysvipc/shm; where it cannot, it walks the
 * table with SHM_INFO and SHM_STAT (its ipcutils.c), and lists the same
 * segments. In a namespace of our own, with an empty tmpfs over
 * /proc/sysvipc. 77: that mount cannot be made here. */
static int ipcs_without_proc_steps(void *unused)
{
    int id = shmget(IPC_PRIVATE, 100, 0600);
    char line[64];
    struct t_run r;

    (void)unused;
    NEED(id != -1);
    if (mount("tmpfs", "/proc/sysvipc", "tmpfs", 0, NULL) == -1)
        return 77;
    NEED(access("/proc/sysvipc/shm", F_OK) == -1);
    t_run(&r, NULL, "/usr/bin/ipcs", "-m", NULL);
    snprintf(line, sizeof line, "0x00000000 %-10d ", id);
    NEED_EQ(r.status, 0);
    NEED(strstr(r.out, line) != NULL);
    NEED(strstr(strstr(r.out, line), " 600        100 ") != NULL);
    return 0;
}

START_TEST(ipcs_lists_segments_without_proc)
{
    int status = t_private_ipc(ipcs_without_proc_steps, NULL);

    if (status == -1)
        T_SKIP(t_why_not());
    if (status == 77)
        T_SKIP("cannot mount a tmpfs over /proc/sysvipc here");
    ck_assert_msg(status == 0, "status %d (its failed step is on stderr)", status);
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
    tcase_add_test(ds, shm_stat_takes_an_index_not_an_id);
    tcase_add_test(ds, shm_stat_any_needs_no_read_permission);
    tcase_add_test(ds, shm_stat_of_mode_0_with_cap_ipc_owner);
    tcase_add_test(ds, shm_info_totals_match_proc);
    tcase_add_test(ds, ipcs_lists_segments_without_proc);
    tcase_set_timeout(ds, 60);
    suite_add_tcase(s, ds);
}
