/* errno.c: permissions, the errors of the four calls (one table), what
 * shmget does not answer (EIDRM), huge pages, and the system limits. The
 * cases follow the list that the Linux Test Project's tests of shmget,
 * shmat, shmdt and shmctl check (testcases/kernel/syscalls/ipc); the code
 * is ours. */
#define _GNU_SOURCE
#include "shm.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Seed 002's names for the permission bits: SHM_R and SHM_W, shifted right
 * by 3 for the group and by 6 for others; and <sys/stat.h>'s S_IRUSR and
 * S_IWUSR, in its "#define PERM S_IRUSR|S_IWUSR|IPC_CREAT". */
START_TEST(permission_names_give_the_modes)
{
    int a = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | SHM_R | SHM_W | (SHM_R >> 3) | (SHM_W >> 6));
    int b = t_get(T_SHM, IPC_PRIVATE, S_IRUSR | S_IWUSR | IPC_CREAT);

    ck_assert(a != -1 && b != -1);
    ck_assert_int_eq(stat_of(a).shm_perm.mode & 0777, 0642);
    ck_assert_int_eq(stat_of(b).shm_perm.mode & 0777, 0600);
    ck_assert_int_eq(t_rm(T_SHM, a), 0);
    ck_assert_int_eq(t_rm(T_SHM, b), 0);
}
END_TEST

/* Without CAP_IPC_OWNER, on its own segment of mode 0: the attach is
 * refused, and the address that comes back is (void *)-1. */
static int mode_zero_steps(void *unused)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT);     /* IPC_CREAT alone: mode 0 */
    void *p;

    (void)unused;
    NEED(id != -1);
    p = shmat(id, NULL, 0);
    NEED(p == (void *)-1 && errno == EACCES);
    NEED((uintptr_t)p == UINTPTR_MAX);                  /* 0xffffffff on 32 bits */
    NEED(shmat(id, NULL, SHM_RDONLY) == (void *)-1 && errno == EACCES);
    NEED(shmctl(id, IPC_RMID, NULL) == 0);              /* the owner may remove it */
    return 0;
}

START_TEST(mode_zero_refused_to_its_owner)
{
    int status = t_unprivileged(mode_zero_steps, NULL);

    ck_assert_msg(status == 0, "mode_zero_steps: status %d (its failed step is on stderr)", status);
}
END_TEST

START_TEST(mode_zero_attached_by_root)
{
    int id;
    char *p;

    T_NEED_CAP(CAP_IPC_OWNER, "(to attach past a mode of 0)");
    id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT);
    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(stat_of(id).shm_perm.mode & 0777, 0);
    p = attach(id, 0);                  /* CAP_IPC_OWNER passes the mode check */
    strcpy(p, "root writes anyway");
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

/* --- errors, one row each ------------------------------------------------------------- */

/* What a row works on: segment ID (4096 bytes, mode 0600) with KEY, and
 * FREE_KEY, a key with no segment. */
struct fixture {
    key_t key, free_key;
    int id;
};

static key_t key_of(void *c) { return ((struct fixture *)c)->key; }
static key_t free_key_of(void *c) { return ((struct fixture *)c)->free_key; }
static int segment_of(void *c) { return ((struct fixture *)c)->id; }

/* shmat as a call of the table: 0, or -1 and errno */
static int at(int id, const void *addr, int flags)
{
    return shmat(id, addr, flags) == (void *)-1 ? -1 : 0;
}

static int stat_id(int id)
{
    return shmctl(id, IPC_STAT, &(struct shmid_ds){ 0 });
}

/* On its own segment of MODE: CALL(id), errno as CALL left it. */
static int on_own(int mode, int (*call)(int))
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | mode), rc, saved;

    if (id == -1)
        return 0;                       /* "succeeded": the row fails */
    rc = call(id);
    saved = errno;
    t_rm(T_SHM, id);
    errno = saved;
    return rc;
}

static int at_rw(int id) { return at(id, NULL, 0); }

static int get_missing(void *c) { return shmget(free_key_of(c), PAGE, 0600); }
static int get_excl(void *c) { return shmget(key_of(c), PAGE, IPC_CREAT | IPC_EXCL | 0600); }
static int get_size_0(void *c) { return shmget(free_key_of(c), 0, IPC_CREAT | 0600); }
static int get_size_max(void *c) { return shmget(free_key_of(c), SIZE_MAX, IPC_CREAT | 0600); }
static int get_bigger(void *c) { return shmget(key_of(c), 2 * PAGE, 0600); }
static int get_rw(void *c) { return shmget(key_of(c), PAGE, 0600); }
static int at_fixture(void *c) { return at(segment_of(c), NULL, 0); }
static int at_bad_id(void *c) { (void)c; return at(-1, NULL, 0); }
static int at_unaligned(void *c) { return at(segment_of(c), (void *)(uintptr_t)(SHMLBA + 1), 0); }
static int at_removed(void *c)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);

    (void)c;
    if (id == -1 || t_rm(T_SHM, id) == -1)
        return 0;                       /* "succeeded": the row fails */
    return at(id, NULL, 0);
}
static int own_0400_at_rw(void *c) { (void)c; return on_own(0400, at_rw); }
static int own_0200_stat(void *c) { (void)c; return on_own(0200, stat_id); }
static int dt_stack(void *c) { return shmdt(c); }     /* the fixture is on the stack */
static int dt_page(void *c)
{
    void *page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int rc = page == MAP_FAILED ? 0 : shmdt(page), saved = errno;

    (void)c;
    munmap(page, PAGE);
    errno = saved;
    return rc;
}
static int ctl_bad_cmd(void *c) { return shmctl(segment_of(c), 12345, NULL); }
static int ctl_bad_id(void *c) { (void)c; return stat_id(-1); }
static int ctl_stat(void *c) { return stat_id(segment_of(c)); }
static int ctl_set(void *c)             /* to the caller, and open to all */
{
    struct shmid_ds ds = { .shm_perm = { .uid = getuid(), .gid = getgid(), .mode = 0666 } };

    return shmctl(segment_of(c), IPC_SET, &ds);
}
static int ctl_rmid(void *c) { return shmctl(segment_of(c), IPC_RMID, NULL); }
static int ctl_lock(void *c) { return shmctl(segment_of(c), SHM_LOCK, NULL); }
static int ctl_unlock(void *c) { return shmctl(segment_of(c), SHM_UNLOCK, NULL); }

/* SHM_STAT of segment ID, by its index (as ipcs asks without /proc) */
static int shm_stat(int id)
{
    struct shmid_ds ds;
    int i = shm_index(id);

    return i == -1 ? T_SETUP_FAILED : shmctl(i, SHM_STAT, &ds);
}
static int shm_stat_fixture(void *c) { return shm_stat(segment_of(c)); }
static int own_0200_shm_stat(void *c) { (void)c; return on_own(0200, shm_stat); }

/* shmdt takes exactly what shmat returned: one byte further is refused */
static int dt_one_byte_in(void *c)
{
    char *p = shmat(segment_of(c), NULL, 0);
    int rc, saved;

    if (p == (void *)-1)
        return T_SETUP_FAILED;
    rc = shmdt(p + 1);
    saved = errno;
    shmdt(p);
    errno = saved;
    return rc;
}
/* SHM_REMAP replaces what is mapped at the address: it needs one, and
 * SHM_RND must not round it down to 0 */
static int at_remap_page_0(void *c) { return at(segment_of(c), (void *)1, SHM_RND | SHM_REMAP); }
static int at_remap_null(void *c) { return at(segment_of(c), NULL, SHM_REMAP); }

/* EFAULT: a buffer the process may not touch, through syscall(2), so that
 * what answers is the kernel, not glibc (which may convert the buffer) */
static int raw_shmctl(int id, int cmd, void *buf)
{
#ifdef SYS_shmctl
    return (int)syscall(SYS_shmctl, id, cmd, buf);
#else
    return shmctl(id, cmd, buf);        /* through ipc(2): glibc passes it on */
#endif
}
static int ctl_stat_bad_buf(void *c) { return raw_shmctl(segment_of(c), IPC_STAT, no_access()); }
static int ctl_set_bad_buf(void *c) { return raw_shmctl(segment_of(c), IPC_SET, no_access()); }

static const struct t_errno_row rows[] = {
    { "shmget, key without a segment, no IPC_CREAT", get_missing, ENOENT, T_OWNER },
    { "shmget IPC_CREAT|IPC_EXCL, key taken", get_excl, EEXIST, T_OWNER },
    { "shmget new segment of 0 bytes (below SHMMIN)", get_size_0, EINVAL, T_OWNER },
    { "shmget new segment of SIZE_MAX bytes (above SHMMAX)", get_size_max, EINVAL, T_OWNER },
    { "shmget larger than the existing segment", get_bigger, EINVAL, T_OWNER },
    { "shmat of id -1", at_bad_id, EINVAL, T_OWNER },
    { "shmat of a removed id", at_removed, EINVAL, T_OWNER },
    { "shmat at an address not a multiple of SHMLBA", at_unaligned, EINVAL, T_OWNER },
    { "shmat read-write, own segment of mode 0400", own_0400_at_rw, EACCES, T_PLAIN },
    { "shmdt of an address on the stack", dt_stack, EINVAL, T_OWNER },
    { "shmdt of a page that is not a segment", dt_page, EINVAL, T_OWNER },
    { "shmdt one byte into a segment (not page-aligned)", dt_one_byte_in, EINVAL, T_OWNER },
    { "shmat SHM_RND|SHM_REMAP at an address that rounds down to 0", at_remap_page_0, EINVAL, T_OWNER },
    { "shmat SHM_REMAP without an address", at_remap_null, EINVAL, T_OWNER },
    { "shmctl with command 12345", ctl_bad_cmd, EINVAL, T_OWNER },
    { "shmctl IPC_STAT of id -1", ctl_bad_id, EINVAL, T_OWNER },
    { "shmctl IPC_STAT, own segment of mode 0200", own_0200_stat, EACCES, T_PLAIN },
    { "shmctl SHM_STAT, own segment of mode 0200", own_0200_shm_stat, EACCES, T_PLAIN },
    { "shmctl IPC_STAT, a buffer it may not write", ctl_stat_bad_buf, EFAULT, T_OWNER },
    { "shmctl IPC_SET, a buffer it may not read", ctl_set_bad_buf, EFAULT, T_OWNER },
};

static const struct t_errno_row stranger_rows[] = {
    { "shmget asking for rw- as another user", get_rw, EACCES, T_STRANGER },
    { "shmat as another user", at_fixture, EACCES, T_STRANGER },
    { "shmctl IPC_STAT as another user", ctl_stat, EACCES, T_STRANGER },
    { "shmctl IPC_SET as another user", ctl_set, EPERM, T_STRANGER },
    { "shmctl IPC_RMID as another user", ctl_rmid, EPERM, T_STRANGER },
    { "shmctl SHM_LOCK as another user", ctl_lock, EPERM, T_STRANGER },
    { "shmctl SHM_UNLOCK as another user", ctl_unlock, EPERM, T_STRANGER },
    { "shmctl SHM_STAT as another user, a segment of mode 0600", shm_stat_fixture, EACCES, T_STRANGER },
};

/* Each row on a fixture of its own, which no row may change. */
static void errno_case(const struct t_errno_row *row)
{
    struct fixture f = { .key = t_key(1, NULL), .free_key = t_key(1, NULL) };

    f.id = t_get(T_SHM, f.key, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_msg(f.id != -1, "shmget: %s", strerrorname_np(errno));
    t_errno_case(row, &f);
    ck_assert_msg(t_exists(T_SHM, f.id), "%s: the fixture is gone", row->what);
    ck_assert_int_eq(t_rm(T_SHM, f.id), 0);
}

START_TEST(shm_errno_cases)
{
    errno_case(&rows[_i]);
}
END_TEST

START_TEST(shm_errno_cases_as_stranger)
{
    T_NEED_STRANGER();
    errno_case(&stranger_rows[_i]);
}
END_TEST

/* --- huge pages ------------------------------------------------------------------------ */

/* What /proc/meminfo and the vm sysctls say of huge pages of the default
 * size (SIZE bytes; 0 if the kernel has no hugetlbfs). */
struct huge {
    unsigned long size;
    long free, reserved;        /* HugePages_Free, HugePages_Rsvd: promised, not yet used */
    unsigned long overcommit;   /* vm.nr_overcommit_hugepages: made on demand */
    gid_t group;                /* vm.hugetlb_shm_group */
};

static struct huge huge_pages(void)
{
    struct huge h = { 0 };
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];

    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL) {
        sscanf(line, "Hugepagesize: %lu kB", &h.size);
        sscanf(line, "HugePages_Free: %ld", &h.free);
        sscanf(line, "HugePages_Rsvd: %ld", &h.reserved);
    }
    fclose(f);
    h.size *= 1024;
    if (h.size != 0) {
        h.overcommit = sysctl_value("vm/nr_overcommit_hugepages");
        h.group = (gid_t)sysctl_value("vm/hugetlb_shm_group");
    }
    return h;
}

/* Is this process in group HUGE->group (its gid, or one of its groups)? 1 or 0. */
static int in_hugetlb_group(void *huge)
{
    gid_t group = ((struct huge *)huge)->group, groups[NGROUPS_MAX];
    int n = getgroups(NGROUPS_MAX, groups);

    if (getegid() == group)
        return 1;
    for (int i = 0; i < n; i++)
        if (groups[i] == group)
            return 1;
    return 0;
}

/* One huge page, SHM_HUGETLB; a segment made by mistake is removed at once. */
static int get_huge(void *huge)
{
    int id = get_segment(IPC_PRIVATE, ((struct huge *)huge)->size, SHM_HUGETLB | IPC_CREAT | 0600);

    if (id != -1)
        shmctl(id, IPC_RMID, NULL);
    return id;
}

/* The same with RLIMIT_MEMLOCK 0: older kernels let any process have huge
 * pages within its mlock limit (an obsolete way in, which logs a warning). */
static int get_huge_no_memlock(void *huge)
{
    if (setrlimit(RLIMIT_MEMLOCK, &(struct rlimit){ 0, 0 }) == -1)
        return T_SETUP_FAILED;
    return get_huge(huge);
}

/* The kernel checks who asks before it looks for pages: EPERM needs no
 * huge page to be had. ENOMEM needs none to be had, and a caller let in. */
static const struct t_errno_row hugetlb_rows[] = {
    { "shmget SHM_HUGETLB outside vm.hugetlb_shm_group, without CAP_IPC_LOCK",
      get_huge_no_memlock, EPERM, T_PLAIN },
    { "shmget SHM_HUGETLB with no huge page free, reserved or overcommitted",
      get_huge, ENOMEM, T_OWNER },
};

START_TEST(shm_hugetlb_errno_cases)
{
    static char why[256];
    struct huge h = huge_pages();

    if (h.size == 0)
        T_SKIP("the kernel has no huge pages (no Hugepagesize in /proc/meminfo)");
    if (_i == 0 && t_unprivileged(in_hugetlb_group, &h) != 0) {
        snprintf(why, sizeof why, "a process without capabilities is in vm.hugetlb_shm_group "
                 "(%u) here: it may have huge pages", (unsigned)h.group);
        T_SKIP(why);
    }
    if (_i == 1 && !t_capable(CAP_IPC_LOCK) && !in_hugetlb_group(&h)) {
        snprintf(why, sizeof why, "needs CAP_IPC_LOCK or vm.hugetlb_shm_group (%u) to be let "
                 "ask for huge pages", (unsigned)h.group);
        T_SKIP(why);
    }
    if (_i == 1 && (h.free > h.reserved || h.overcommit > 0)) {
        snprintf(why, sizeof why, "a huge page can be had here (HugePages_Free %ld, "
                 "HugePages_Rsvd %ld, vm.nr_overcommit_hugepages %lu): no ENOMEM",
                 h.free, h.reserved, h.overcommit);
        T_SKIP(why);
    }
    t_errno_case(&hugetlb_rows[_i], &h);
}
END_TEST

/* shmget never answers EIDRM: a removed segment's key is 0, so the key finds
 * nothing; and a stale id gives EINVAL, even once its slot holds a new segment. */
START_TEST(no_eidrm_for_removed_segments)
{
    key_t key = t_key(1, NULL);
    int old = t_get(T_SHM, key, IPC_CREAT | IPC_EXCL | 0600), id = -1;
    char *p = attach(old, 0);

    ck_assert_int_eq(t_rm(T_SHM, old), 0);
    errno = 0;                          /* removed, still attached */
    ck_assert_int_eq(shmget(key, PAGE, 0600), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_eq(shmdt(p), 0);
    errno = 0;                          /* destroyed */
    ck_assert_int_eq(shmget(key, PAGE, 0600), -1);
    ck_assert_int_eq(errno, ENOENT);

    /* until the slot comes back: indexes are given in turn, so after one
     * round; others may take it as they make segments too, hence rounds */
    for (int n = 0; n < 100000; n++) {
        id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
        ck_assert_msg(id != -1, "shmget: %s", strerrorname_np(errno));
        if (id % 32768 == old % 32768)
            break;
        ck_assert_int_eq(t_rm(T_SHM, id), 0);
        id = -1;
    }
    ck_assert_msg(id != -1, "slot %d did not come back", old % 32768);
    ck_assert_int_ne(id, old);
    errno = 0;
    ck_assert_int_eq(stat_id(old), -1);
    ck_assert_int_eq(errno, EINVAL);
    errno = 0;
    ck_assert_ptr_eq(shmat(old, NULL, 0), (void *)-1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

/* SHMALL, SHMMNI and SHMMAX, set low in an IPC namespace of our own. */
static int ns_limits_steps(void *unused)
{
    int a;

    (void)unused;
    NEED(t_write_file("/proc/sys/kernel/shmall", "2\n"));      /* two pages in all */
    NEED((a = shmget(IPC_PRIVATE, 2 * PAGE, 0600)) != -1);
    NEED(shmget(IPC_PRIVATE, 1, 0600) == -1 && errno == ENOSPC);   /* a third page */
    NEED(shmctl(a, IPC_RMID, NULL) == 0);
    NEED(t_write_file("/proc/sys/kernel/shmmni", "1\n"));      /* one segment */
    NEED(t_write_file("/proc/sys/kernel/shmmax", "4096\n"));
    NEED(shmget(IPC_PRIVATE, PAGE + 1, 0600) == -1 && errno == EINVAL);    /* above SHMMAX */
    NEED(shmget(IPC_PRIVATE, PAGE, 0600) != -1);
    NEED(shmget(IPC_PRIVATE, PAGE, 0600) == -1 && errno == ENOSPC);    /* a second one */
    return 0;
}

START_TEST(limits_enospc_and_shmmax)
{
    T_IN_PRIVATE_IPC(ns_limits_steps, NULL);
}
END_TEST

void add_errno_tests(Suite *s)
{
    TCase *tc = tcase_create("errors");

    tcase_add_test(tc, permission_names_give_the_modes);
    tcase_add_test(tc, mode_zero_refused_to_its_owner);
    tcase_add_test(tc, mode_zero_attached_by_root);
    tcase_add_loop_test(tc, shm_errno_cases, 0, T_ROWS(rows));
    tcase_add_loop_test(tc, shm_errno_cases_as_stranger, 0, T_ROWS(stranger_rows));
    tcase_add_loop_test(tc, shm_hugetlb_errno_cases, 0, T_ROWS(hugetlb_rows));
    tcase_add_test(tc, no_eidrm_for_removed_segments);
    tcase_add_test(tc, limits_enospc_and_shmmax);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
