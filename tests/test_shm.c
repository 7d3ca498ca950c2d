/* test_shm.c: shared memory (chapters/shm).
 * Each test decides one or more claims of chapters/shm/claims.tsv. Accesses
 * that must fault run in a forked child, which reports by its signal. */
#define _GNU_SOURCE                     /* SHM_DEST, IPC_INFO, SHM_INFO, unshare */
#include "harness.h"
#include "sysvipc.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { PAGE = 4096 };

static long page_size(void)
{
    return sysconf(_SC_PAGESIZE);
}

static struct shmid_ds stat_of(int id)
{
    struct shmid_ds ds;

    ck_assert_msg(shmctl(id, IPC_STAT, &ds) == 0, "IPC_STAT %d: %s", id, strerror(errno));
    return ds;
}

static char *attach(int id, int flags)
{
    char *p = shmat(id, NULL, flags);

    ck_assert_msg(p != (void *)-1, "shmat %d: %s", id, strerror(errno));
    return p;
}

/* A number read from /proc/sys/NAME ("kernel/shmmax"). */
static unsigned long sysctl_value(const char *name)
{
    char path[128];
    unsigned long v = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/sys/%s", name);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert_int_eq(fscanf(f, "%lu", &v), 1);
    fclose(f);
    return v;
}

/* Run FN(ARG) in a child with the default SIGSEGV action (the sanitizers
 * catch it otherwise); 0 if it returned, else the signal that ended it. */
static int signal_of(void (*fn)(void *), void *arg)
{
    pid_t pid = fork();
    int status;

    ck_assert(pid != -1);
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        fn(arg);
        _exit(0);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        return WTERMSIG(status);
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    return 0;
}

static void read_byte(void *p)  { (void)*(volatile char *)p; }
static void write_byte(void *p) { *(volatile char *)p = 'x'; }

/* --- life cycle ------------------------------------------------------------------ */

START_TEST(persists_after_creator_exits)
{
    int fds[2], id, status;
    pid_t pid;
    char *p;

    if (sysctl_value("kernel/shm_rmid_forced") != 0)
        T_SKIP("kernel.shm_rmid_forced is 1 here: the kernel removes such segments");
    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    if (pid == 0) {                     /* the creator: make, write, exit */
        id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
        p = shmat(id, NULL, 0);
        if (id == -1 || p == (void *)-1)
            _exit(1);
        strcpy(p, "the creator has gone");
        _exit(write(fds[1], &id, sizeof id) == sizeof id ? 0 : 1);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    ck_assert_int_eq(read(fds[0], &id, sizeof id), sizeof id);
    close(fds[0]);
    close(fds[1]);
    ck_assert(t_exists(T_SHM, id));
    ck_assert_int_eq(stat_of(id).shm_nattch, 0);     /* the exit detached it */
    ck_assert_int_eq(stat_of(id).shm_cpid, pid);
    p = attach(id, SHM_RDONLY);
    ck_assert_str_eq(p, "the creator has gone");
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(detach_to_zero_keeps_segment)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char *p;

    ck_assert_int_ne(id, -1);
    p = attach(id, 0);
    strcpy(p, "kept");
    ck_assert_int_eq(stat_of(id).shm_nattch, 1);
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(stat_of(id).shm_nattch, 0);
    ck_assert(t_exists(T_SHM, id));     /* nattch 0 destroys nothing */
    p = attach(id, 0);
    ck_assert_str_eq(p, "kept");
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
    ck_assert(!t_exists(T_SHM, id));    /* IPC_RMID with nothing attached: gone at once */
}
END_TEST

/* The ipcs -m line of segment ID, or NULL. */
static const char *ipcs_line(struct t_run *r, int id, char line[256])
{
    char want[32];

    /* our line only: a busy machine's whole list may not fit in r->out */
    snprintf(want, sizeof want, "%d", id);
    t_run(r, NULL, "/bin/sh", "-c", "ipcs -m | awk -v id=\"$0\" '$2 == id'", want, NULL);
    ck_assert_int_eq(r->status, 0);
    snprintf(want, sizeof want, " %d ", id);
    for (char *s = strtok(r->out, "\n"); s != NULL; s = strtok(NULL, "\n"))
        if (strstr(s, want) != NULL) {
            snprintf(line, 256, "%s", s);
            return line;
        }
    return NULL;
}

START_TEST(rmid_while_attached_dest)
{
    char path[PATH_MAX], arg[16], line[256];
    key_t key = t_key(1, path);
    int id = t_get(T_SHM, key, IPC_CREAT | IPC_EXCL | 0600), other;
    struct shmid_ds ds;
    struct t_run r;
    char *p, *q;

    ck_assert_int_ne(id, -1);
    p = attach(id, 0);
    strcpy(p, "before");
    snprintf(arg, sizeof arg, "%d", id);
    t_run(&r, NULL, "chapters/shm/shm_rm", arg, NULL);          /* another process */
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");

    ck_assert(t_exists(T_SHM, id));     /* still there, and still usable */
    ck_assert_str_eq(p, "before");
    strcpy(p, "after");
    ds = stat_of(id);
    ck_assert(ds.shm_perm.mode & SHM_DEST);
    ck_assert_int_eq(ds.shm_perm.__key, IPC_PRIVATE);
    ck_assert_int_eq(ds.shm_nattch, 1);
    ck_assert_ptr_nonnull(ipcs_line(&r, id, line));
    ck_assert_msg(strncmp(line, "0x00000000 ", 11) == 0, "%s", line);
    ck_assert_msg(strstr(line, " dest") != NULL, "%s", line);

    /* Linux lets the id be attached again while it lives */
    q = attach(id, 0);
    ck_assert_str_eq(q, "after");
    ck_assert_int_eq(stat_of(id).shm_nattch, 2);
    ck_assert_int_eq(shmdt(q), 0);

    /* the key is free: a new get makes another segment */
    errno = 0;
    ck_assert_int_eq(shmget(key, PAGE, 0600), -1);
    ck_assert_int_eq(errno, ENOENT);
    other = t_get(T_SHM, key, IPC_CREAT | 0600);
    ck_assert_int_ne(other, -1);
    ck_assert_int_ne(other, id);

    ck_assert_int_eq(shmdt(p), 0);      /* the last detach destroys it */
    ck_assert(!t_exists(T_SHM, id));
    ck_assert_ptr_null(ipcs_line(&r, id, line));
    ck_assert_int_eq(t_rm(T_SHM, other), 0);
}
END_TEST

/* --- an IPC namespace of our own (t_private_ipc) ------------------------------------- */


/* kernel.shm_rmid_forced is a setting of the IPC namespace: set to 1 in a
 * namespace of our own, it destroys a segment at its last detach, and one
 * never attached when its creator exits. */
static int rmid_forced_steps(void *unused)
{
    struct shmid_ds ds;
    int id, fds[2], status;
    pid_t pid;
    char *p;

    (void)unused;

    if ((id = shmget(IPC_PRIVATE, PAGE, 0600)) == -1)
        return 2;
    if ((p = shmat(id, NULL, 0)) == (void *)-1 || shmdt(p) == -1)
        return 3;
    if (shmctl(id, IPC_STAT, &ds) == -1)
        return 4;                       /* 0 (the default): it stays */
    if (!t_write_file("/proc/sys/kernel/shm_rmid_forced", "1\n"))
        return 5;
    if ((id = shmget(IPC_PRIVATE, PAGE, 0600)) == -1)
        return 7;
    if ((p = shmat(id, NULL, 0)) == (void *)-1)
        return 8;
    if (shmctl(id, IPC_STAT, &ds) == -1 || ds.shm_nattch != 1)
        return 9;                       /* attached: there */
    if (shmdt(p) == -1)
        return 10;
    if (shmctl(id, IPC_STAT, &ds) != -1 || errno != EINVAL)
        return 11;                      /* nattch 0: gone, no IPC_RMID needed */
    if (pipe(fds) == -1 || (pid = fork()) == -1)
        return 12;
    if (pid == 0)                       /* makes one, never attaches it, exits */
        _exit((id = shmget(IPC_PRIVATE, PAGE, 0600)) != -1 &&
              write(fds[1], &id, sizeof id) == sizeof id ? 0 : 1);
    if (waitpid(pid, &status, 0) != pid || status != 0 ||
        read(fds[0], &id, sizeof id) != sizeof id)
        return 13;
    if (shmctl(id, IPC_STAT, &ds) != -1 || errno != EINVAL)
        return 14;                      /* its creator's exit destroyed it */
    return 0;
}

START_TEST(rmid_forced_destroys_at_nattch_0)
{
    T_IN_PRIVATE_IPC(rmid_forced_steps, NULL);
}
END_TEST

START_TEST(shm_lock_flag_shown)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char arg[16], line[256];
    struct t_run r;

    ck_assert_int_ne(id, -1);
    if (shmctl(id, SHM_LOCK, NULL) == -1) {
        int saved = errno;

        ck_assert_int_eq(t_rm(T_SHM, id), 0);
        ck_assert_int_eq(saved, EPERM);
        T_SKIP("SHM_LOCK refused: RLIMIT_MEMLOCK is 0 here");
    }
    ck_assert(stat_of(id).shm_perm.mode & SHM_LOCKED);
    ck_assert_ptr_nonnull(ipcs_line(&r, id, line));
    ck_assert_msg(strstr(line, " locked") != NULL, "%s", line);
    snprintf(arg, sizeof arg, "%d", id);
    t_run(&r, NULL, "chapters/shm/shm_stat", arg, NULL);
    ck_assert_ptr_nonnull(strstr(r.out, "  status  locked\n"));
    ck_assert_int_eq(shmctl(id, SHM_UNLOCK, NULL), 0);
    ck_assert(!(stat_of(id).shm_perm.mode & SHM_LOCKED));
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

/* --- size and pages ---------------------------------------------------------- */

struct rounding {
    char *seg;          /* attached just below a PROT_NONE page */
    long offset;
};

static void touch_at(void *arg)
{
    struct rounding *r = arg;

    write_byte(r->seg + r->offset);
}

START_TEST(size_rounded_to_pages)
{
    long page = page_size();
    int id = shmget(IPC_PRIVATE, 100, IPC_CREAT | 0600), big;
    struct rounding r;
    char *hole;

    ck_assert_int_ne(id, -1);
    t_track(T_SHM, id);
    ck_assert_uint_eq(stat_of(id).shm_segsz, 100);            /* the size asked for */
    ck_assert_int_eq(SHMLBA, page);

    /* two pages: the segment goes in the first, the second stays PROT_NONE */
    hole = mmap(NULL, 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(hole, MAP_FAILED);
    ck_assert_int_eq(munmap(hole, page), 0);
    r.seg = shmat(id, hole, 0);
    ck_assert_ptr_eq(r.seg, hole);
    r.offset = 99;
    ck_assert_int_eq(signal_of(touch_at, &r), 0);
    r.offset = 100;                     /* past the size, inside the page */
    ck_assert_int_eq(signal_of(touch_at, &r), 0);
    r.offset = page - 1;
    ck_assert_int_eq(signal_of(touch_at, &r), 0);
    r.offset = page;                    /* the next page is not the segment's */
    ck_assert_int_eq(signal_of(touch_at, &r), SIGSEGV);
    ck_assert_int_eq(shmdt(r.seg), 0);
    ck_assert_int_eq(munmap(hole + page, page), 0);

    /* a page and a byte take two pages: the last byte of the second is there */
    big = shmget(IPC_PRIVATE, page + 1, IPC_CREAT | 0600);
    ck_assert_int_ne(big, -1);
    t_track(T_SHM, big);
    r.seg = attach(big, 0);
    r.offset = 2 * page - 1;
    ck_assert_int_eq(signal_of(touch_at, &r), 0);
    ck_assert_uint_eq(stat_of(big).shm_segsz, page + 1);
    ck_assert_int_eq(shmdt(r.seg), 0);
    ck_assert_int_eq(t_rm(T_SHM, big), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(new_segment_is_zero_filled)
{
    char path[PATH_MAX];
    key_t key = t_key(1, path);
    int fd = open(path, O_WRONLY), id;
    char *p;

    /* the file that names the key has contents; the segment has none of them */
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(write(fd, "not zero", 8), 8);
    close(fd);
    id = t_get(T_SHM, key, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_int_ne(id, -1);
    p = attach(id, SHM_RDONLY);
    for (int i = 0; i < PAGE; i++)
        ck_assert_int_eq(p[i], 0);
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(segment_is_a_file_of_shmem)
{
    char path[PATH_MAX], line[512], name[32];
    key_t key = t_key(1, path);
    int id = t_get(T_SHM, key, IPC_CREAT | IPC_EXCL | 0600);
    bool found = false;
    char *p;
    FILE *maps;

    ck_assert_int_ne(id, -1);
    p = attach(id, 0);
    /* the mapping names the segment's file in the kernel's own tmpfs */
    snprintf(name, sizeof name, "/SYSV%08x", (unsigned int)key);
    maps = fopen("/proc/self/maps", "r");
    ck_assert_ptr_nonnull(maps);
    while (fgets(line, sizeof line, maps) != NULL) {
        unsigned long start;

        if (sscanf(line, "%lx-", &start) == 1 && start == (uintptr_t)p) {
            ck_assert_msg(strstr(line, " rw-s ") && strstr(line, name), "%s", line);
            found = true;
        }
    }
    fclose(maps);
    ck_assert(found);
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(size_zero_opens_existing)
{
    key_t key = t_key(1, NULL);
    int id = shmget(key, 3 * PAGE, IPC_CREAT | IPC_EXCL | 0600);

    ck_assert_int_ne(id, -1);
    t_track(T_SHM, id);
    ck_assert_int_eq(shmget(key, 0, 0), id);        /* the seed's wrapper does this */
    ck_assert_int_eq(shmget(key, PAGE, 0), id);     /* smaller: fine too */
    errno = 0;
    ck_assert_int_eq(shmget(key, 3 * PAGE + 1, 0), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

/* ENOMEM is the kernel declining to promise the memory: shmget allocates no
 * pages (they come when touched), but it accounts for them as the overcommit
 * rules say (vm.overcommit_memory: 0, a heuristic that refuses more than RAM
 * and swap together; 1, anything; 2, a strict limit), unless SHM_NORESERVE
 * asks it not to (which mode 2 ignores). */
START_TEST(enomem_when_memory_cannot_be_promised)
{
    unsigned long overcommit = sysctl_value("vm/overcommit_memory");
    unsigned long long size;
    struct sysinfo si;
    struct t_run r;
    int id;

    ck_assert_int_eq(sysinfo(&si), 0);
    size = 2ULL * (si.totalram + si.totalswap) * si.mem_unit;
    if (overcommit == 1)
        T_SKIP("vm.overcommit_memory is 1: the kernel promises any size");
    if ((unsigned long)LONG_MAX > sysctl_value("kernel/shmmax") ||
        (unsigned long)(LONG_MAX / page_size()) > sysctl_value("kernel/shmall") / 2)
        T_SKIP("kernel.shmmax or kernel.shmall is set below LONG_MAX bytes");
    errno = 0;                          /* twice RAM and swap: refused */
    ck_assert_int_eq(shmget(IPC_PRIVATE, size, IPC_CREAT | 0600), -1);
    ck_assert_int_eq(errno, ENOMEM);
    t_run(&r, NULL, "chapters/shm/shm_create", "9223372036854775807", NULL);
    ck_assert_int_eq(r.status, 1);      /* the book's example */
    ck_assert_str_eq(r.err, "shm_create: shmget: ENOMEM: Cannot allocate memory\n");
    id = shmget(IPC_PRIVATE, size, IPC_CREAT | SHM_NORESERVE | 0600);
    if (overcommit == 2) {              /* strict: SHM_NORESERVE changes nothing */
        ck_assert_int_eq(id, -1);
        ck_assert_int_eq(errno, ENOMEM);
        return;
    }
    ck_assert_msg(id != -1, "shmget SHM_NORESERVE: %s", strerror(errno));
    t_track(T_SHM, id);                 /* made, and no page of it allocated */
    ck_assert_uint_eq(stat_of(id).shm_segsz, size);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(prototypes_take_size_t_and_void_pointers)
{
    _Static_assert(__builtin_types_compatible_p(__typeof__(&shmget),
                                                int (*)(key_t, size_t, int)),
                   "shmget(key_t, size_t, int)");
    _Static_assert(__builtin_types_compatible_p(__typeof__(&shmat),
                                                void *(*)(int, const void *, int)),
                   "shmat(int, const void *, int)");
    _Static_assert(__builtin_types_compatible_p(__typeof__(&shmdt),
                                                int (*)(const void *)),
                   "shmdt(const void *)");
    size_t big = (size_t)INT_MAX + 2;
    int id;

    /* a size an int cannot hold is a size all the same (no page is touched) */
    id = shmget(IPC_PRIVATE, big, IPC_CREAT | SHM_NORESERVE | 0600);
    if (id == -1 && errno == ENOMEM)
        T_SKIP("the kernel will not promise 2 GiB here (vm.overcommit_memory 2)");
    ck_assert_msg(id != -1, "shmget of INT_MAX + 2 bytes: %s", strerror(errno));
    t_track(T_SHM, id);
    ck_assert_uint_eq(stat_of(id).shm_segsz, big);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
    errno = 0;
    ck_assert_int_eq(shmget(IPC_PRIVATE, (size_t)-1, IPC_CREAT | 0600), -1);
    ck_assert_int_eq(errno, EINVAL);    /* above SHMMAX, not a negative int */
}
END_TEST

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

/* --- attaching ----------------------------------------------------------------- */

START_TEST(read_only_attach_write_faults)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char *w, *r;

    ck_assert_int_ne(id, -1);
    w = attach(id, 0);
    strcpy(w, "readable");
    r = attach(id, SHM_RDONLY);
    ck_assert_str_eq(r, "readable");
    ck_assert_int_eq(signal_of(read_byte, r), 0);
    ck_assert_int_eq(signal_of(write_byte, r), SIGSEGV);
    ck_assert_int_eq(signal_of(write_byte, w), 0);     /* the other attachment may */
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
    ck_assert_int_eq(signal_of(read_byte, p), 0);
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(signal_of(read_byte, p), SIGSEGV);
    ck_assert_int_eq(signal_of(write_byte, p), SIGSEGV);
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

START_TEST(nattch_follows_attach_fork_detach_exit)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600), go[2], status;
    struct shmid_ds ds;
    char *p, *q, c;
    pid_t pid;

    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(stat_of(id).shm_nattch, 0);
    p = attach(id, 0);
    q = attach(id, SHM_RDONLY);
    ck_assert_int_eq(stat_of(id).shm_nattch, 2);      /* one per attachment */
    ck_assert_int_eq(shmdt(q), 0);
    ck_assert_int_eq(stat_of(id).shm_nattch, 1);

    pid = fork();
    if (pid == 0)                       /* inherits the attachment; exits */
        _exit(0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    ds = stat_of(id);
    ck_assert_int_eq(ds.shm_nattch, 1);                /* exit detaches */
    ck_assert_int_eq(ds.shm_lpid, pid);                /* ... in the child's name */

    ck_assert_int_eq(pipe(go), 0);
    pid = fork();
    if (pid == 0) {                     /* inherits the attachment; waits */
        close(go[1]);
        _exit(read(go[0], &c, 1) == 0 ? 0 : 1);
    }
    close(go[0]);
    ds = stat_of(id);
    ck_assert_int_eq(ds.shm_nattch, 2);                /* fork attaches the child */
    ck_assert_int_eq(ds.shm_lpid, getpid());           /* ... in the parent's name */
    close(go[1]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    ck_assert_int_eq(stat_of(id).shm_nattch, 1);
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(stat_of(id).shm_nattch, 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(times_and_pids)
{
    time_t before = time(NULL), after;
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600), status;
    struct shmid_ds ds;
    pid_t pid;
    char *p;

    ck_assert_int_ne(id, -1);
    after = time(NULL);
    ds = stat_of(id);
    ck_assert_int_eq(ds.shm_cpid, getpid());
    ck_assert_int_eq(ds.shm_lpid, 0);                  /* nobody attached yet */
    ck_assert_int_eq(ds.shm_atime, 0);
    ck_assert_int_eq(ds.shm_dtime, 0);
    ck_assert(ds.shm_ctime >= before && ds.shm_ctime <= after);

    pid = fork();                       /* another process attaches, detaches */
    if (pid == 0) {
        p = shmat(id, NULL, 0);
        _exit(p != (void *)-1 && shmdt(p) == 0 ? 0 : 1);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    after = time(NULL);
    ds = stat_of(id);
    ck_assert_int_eq(ds.shm_lpid, pid);
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

/* --- permissions ---------------------------------------------------------------- */

/* Without CAP_IPC_OWNER, on its own segment of mode 0: the get call and the
 * attach are refused; the address that comes back is (void *)-1. */
static int mode_zero_steps(void *unused)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT), step = 0;   /* IPC_CREAT alone */
    void *p;

    (void)unused;
    if (id == -1)
        return 1;
    p = shmat(id, NULL, 0);
    if (p != (void *)-1 || errno != EACCES || (uintptr_t)p != UINTPTR_MAX)
        step = 2;
    else if (shmat(id, NULL, SHM_RDONLY) != (void *)-1 || errno != EACCES)
        step = 3;
    if (shmctl(id, IPC_RMID, NULL) == -1 && step == 0)
        step = 4;                       /* the owner may remove it all the same */
    return step;
}

START_TEST(mode_zero_refused_to_its_owner)
{
    ck_assert_int_eq(t_unprivileged(mode_zero_steps, NULL), 0);
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

struct errno_ctx {
    key_t key, free_key;    /* the key of ID (4096 bytes, 0600), a key with nothing */
    int id;
};

static int e_get_missing(void *c) { return shmget(((struct errno_ctx *)c)->free_key, PAGE, 0600); }
static int e_get_excl(void *c) { return shmget(((struct errno_ctx *)c)->key, PAGE, IPC_CREAT | IPC_EXCL | 0600); }
static int e_get_size_0(void *c) { return shmget(((struct errno_ctx *)c)->free_key, 0, IPC_CREAT | 0600); }
static int e_get_size_max(void *c) { return shmget(((struct errno_ctx *)c)->free_key, SIZE_MAX, IPC_CREAT | 0600); }
static int e_get_bigger(void *c) { return shmget(((struct errno_ctx *)c)->key, 2 * PAGE, 0600); }
static int e_get_rw(void *c) { return shmget(((struct errno_ctx *)c)->key, PAGE, 0600); }
static int e_at(void *c) { return shmat(((struct errno_ctx *)c)->id, NULL, 0) == (void *)-1 ? -1 : 0; }
static int e_at_bad_id(void *c) { (void)c; return shmat(-1, NULL, 0) == (void *)-1 ? -1 : 0; }
static int e_at_unaligned(void *c)
{
    return shmat(((struct errno_ctx *)c)->id, (void *)(uintptr_t)(SHMLBA + 1), 0) == (void *)-1 ? -1 : 0;
}
static int e_at_removed(void *c)
{
    (void)c;
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);

    if (id == -1 || t_rm(T_SHM, id) == -1)
        return 0;                       /* "succeeded": the row fails */
    return shmat(id, NULL, 0) == (void *)-1 ? -1 : 0;
}
/* On its own segment: mode 0400 refuses a read-write attach, 0200 IPC_STAT */
static int e_own(int mode, int (*call)(int))
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | mode), rc, saved;

    if (id == -1)
        return 0;
    rc = call(id);
    saved = errno;
    t_rm(T_SHM, id);
    errno = saved;
    return rc;
}
static int at_rw(int id) { return shmat(id, NULL, 0) == (void *)-1 ? -1 : 0; }
static int stat_id(int id) { return shmctl(id, IPC_STAT, &(struct shmid_ds){ 0 }); }
static int e_own_0400_attach(void *c) { (void)c; return e_own(0400, at_rw); }
static int e_own_0200_stat(void *c) { (void)c; return e_own(0200, stat_id); }
static int e_dt_stack(void *c) { return shmdt(c); }
static int e_dt_page(void *c)
{
    (void)c;
    void *page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int rc = page == MAP_FAILED ? 0 : shmdt(page), saved = errno;

    munmap(page, PAGE);
    errno = saved;
    return rc;
}
static int e_ctl_bad_cmd(void *c) { return shmctl(((struct errno_ctx *)c)->id, 12345, NULL); }
static int e_ctl_bad_id(void *c) { (void)c; return stat_id(-1); }
static int e_ctl_stat(void *c) { return stat_id(((struct errno_ctx *)c)->id); }
static int e_ctl_set(void *c)
{
    struct shmid_ds ds = { .shm_perm = { .uid = getuid(), .gid = getgid(), .mode = 0666 } };

    return shmctl(((struct errno_ctx *)c)->id, IPC_SET, &ds);
}
static int e_ctl_rmid(void *c) { return shmctl(((struct errno_ctx *)c)->id, IPC_RMID, NULL); }

enum who { US, PLAIN, STRANGER };   /* this process; without CAP_IPC_OWNER; nobody, as root */

static const struct errno_row {
    const char *what;
    int (*call)(void *);
    int expect;
    enum who who;
} errno_rows[] = {
    { "shmget, key without a segment, no IPC_CREAT", e_get_missing, ENOENT, US },
    { "shmget IPC_CREAT|IPC_EXCL, key taken", e_get_excl, EEXIST, US },
    { "shmget new segment of 0 bytes (below SHMMIN)", e_get_size_0, EINVAL, US },
    { "shmget new segment of SIZE_MAX bytes (above SHMMAX)", e_get_size_max, EINVAL, US },
    { "shmget larger than the existing segment", e_get_bigger, EINVAL, US },
    { "shmget asking for rw- as another user", e_get_rw, EACCES, STRANGER },
    { "shmat of id -1", e_at_bad_id, EINVAL, US },
    { "shmat of a removed id", e_at_removed, EINVAL, US },
    { "shmat at an address not a multiple of SHMLBA", e_at_unaligned, EINVAL, US },
    { "shmat as another user", e_at, EACCES, STRANGER },
    { "shmat read-write, own segment of mode 0400", e_own_0400_attach, EACCES, PLAIN },
    { "shmdt of an address on the stack", e_dt_stack, EINVAL, US },
    { "shmdt of a page that is not a segment", e_dt_page, EINVAL, US },
    { "shmctl with command 12345", e_ctl_bad_cmd, EINVAL, US },
    { "shmctl IPC_STAT of id -1", e_ctl_bad_id, EINVAL, US },
    { "shmctl IPC_STAT, own segment of mode 0200", e_own_0200_stat, EACCES, PLAIN },
    { "shmctl IPC_STAT as another user", e_ctl_stat, EACCES, STRANGER },
    { "shmctl IPC_SET as another user", e_ctl_set, EPERM, STRANGER },
    { "shmctl IPC_RMID as another user", e_ctl_rmid, EPERM, STRANGER },
};

struct errno_run {
    const struct errno_row *row;
    struct errno_ctx *ctx;
};

/* The errno the call left, 0 if it succeeded (as an exit status: all < 126) */
static int run_row(void *arg)
{
    struct errno_run *run = arg;

    errno = 0;
    return run->row->call(run->ctx) == -1 ? errno : 0;
}

static void check_row(const struct errno_row *row)
{
    struct errno_ctx ctx = { .key = t_key(1, NULL), .free_key = t_key(1, NULL) };
    struct errno_run run = { row, &ctx };
    int got;

    ctx.id = t_get(T_SHM, ctx.key, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_int_ne(ctx.id, -1);
    got = row->who == US ? run_row(&run) : t_unprivileged(run_row, &run);
    ck_assert_msg(got == row->expect, "%s: got %s, expected %s", row->what,
                  got ? strerrorname_np(got) : "success", strerrorname_np(row->expect));
    ck_assert(t_exists(T_SHM, ctx.id));
    ck_assert_int_eq(t_rm(T_SHM, ctx.id), 0);
}

/* The rows that need no second user, then those that do: _i counts the rows
 * of each kind, in the order of the table. */
static const struct errno_row *nth_row(bool stranger, int n)
{
    for (size_t i = 0; i < sizeof errno_rows / sizeof errno_rows[0]; i++)
        if ((errno_rows[i].who == STRANGER) == stranger && n-- == 0)
            return &errno_rows[i];
    return NULL;
}

static int count_rows(bool stranger)
{
    int n = 0;

    while (nth_row(stranger, n) != NULL)
        n++;
    return n;
}

START_TEST(errno_cases)
{
    check_row(nth_row(false, _i));
}
END_TEST

START_TEST(errno_cases_as_another_user)
{
    T_NEED_STRANGER();
    check_row(nth_row(true, _i));
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

    for (int n = 0; n < 100000; n++) {  /* until the slot comes back */
        id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
        ck_assert_int_ne(id, -1);
        if (id % 32768 == old % 32768)
            break;
        ck_assert_int_eq(t_rm(T_SHM, id), 0);
        id = -1;
    }
    ck_assert_msg(id != -1, "slot %d did not come back", old % 32768);
    ck_assert_int_ne(id, old);
    errno = 0;
    ck_assert_int_eq(shmctl(old, IPC_STAT, &(struct shmid_ds){ 0 }), -1);
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

    if (!t_write_file("/proc/sys/kernel/shmall", "2\n"))
        return 2;                       /* two pages in all */
    if ((a = shmget(IPC_PRIVATE, 2 * PAGE, 0600)) == -1)
        return 4;
    if (shmget(IPC_PRIVATE, 1, 0600) != -1 || errno != ENOSPC)
        return 5;                       /* a third page would pass SHMALL */
    shmctl(a, IPC_RMID, NULL);
    if (!t_write_file("/proc/sys/kernel/shmmni", "1\n"))
        return 6;                       /* one segment */
    if (!t_write_file("/proc/sys/kernel/shmmax", "4096\n"))
        return 8;
    if (shmget(IPC_PRIVATE, PAGE + 1, 0600) != -1 || errno != EINVAL)
        return 10;                      /* above SHMMAX */
    if (shmget(IPC_PRIVATE, PAGE, 0600) == -1)
        return 11;
    if (shmget(IPC_PRIVATE, PAGE, 0600) != -1 || errno != ENOSPC)
        return 12;                      /* a second segment would pass SHMMNI */
    return 0;
}

START_TEST(limits_enospc_and_shmmax)
{
    T_IN_PRIVATE_IPC(ns_limits_steps, NULL);
}
END_TEST

START_TEST(posix_shm_lives_in_dev_shm)
{
    char name[64], path[128];
    struct stat st;
    int fd;

    snprintf(name, sizeof name, "/ipclab-test-shm-%ld", (long)getpid());
    snprintf(path, sizeof path, "/dev/shm%s", name);
    fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    ck_assert_msg(fd != -1, "shm_open: %s", strerror(errno));
    int found = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    int sized = ftruncate(fd, PAGE) == 0;
    char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

    close(fd);
    shm_unlink(name);                   /* before any assertion can stop the test */
    ck_assert(found && sized);
    ck_assert_ptr_ne(p, MAP_FAILED);    /* a file, mapped with mmap */
    ck_assert_int_eq(munmap(p, PAGE), 0);
    ck_assert_int_eq(stat(path, &st), -1);
}
END_TEST

/* --- the programs ------------------------------------------------------------------ */

static const struct t_bad_line bad_lines[] = {
    { "shm_create", { NULL }, 2, "shm_create: missing SIZE (see shm_create --help)" },
    { "shm_create", { "12x" }, 2, "shm_create: size: \"12x\" is not a number (see shm_create --help)" },
    { "shm_create", { "-1" }, 2, "shm_create: unknown option -1 (see shm_create --help)" },
    { "shm_create", { "--", "-1" }, 2,
      "shm_create: size: -1 is out of range (0 to 9223372036854775807) (see shm_create --help)" },
    { "shm_create", { "1", "2" }, 2, "shm_create: too many arguments (see shm_create --help)" },
    { "shm_create", { "-p", "-K", "1", "8" }, 2, "shm_create: give one key option (see shm_create --help)" },
    { "shm_create", { "-m", "999", "8" }, 2,
      "shm_create: mode: \"999\" is not an octal mode (0 to 0777) (see shm_create --help)" },
    { "shm_create", { "-K", "0", "8" }, 2,
      "shm_create: key: 0 means IPC_PRIVATE; give a non-zero key (see shm_create --help)" },
    { "shm_create", { "0" }, 1, "shm_create: shmget: EINVAL: Invalid argument" },
    { "shm_write", { NULL }, 2, "shm_write: missing SHMID (see shm_write --help)" },
    { "shm_write", { "1" }, 2, "shm_write: missing TEXT (see shm_write --help)" },
    { "shm_write", { "x1", "a" }, 2, "shm_write: shmid: \"x1\" is not a number (see shm_write --help)" },
    { "shm_write", { "-1", "a" }, 2, "shm_write: unknown option -1 (see shm_write --help)" },
    { "shm_write", { "--", "-1", "a" }, 2,
      "shm_write: shmid: -1 is out of range (0 to 2147483647) (see shm_write --help)" },
    { "shm_read", { NULL }, 2, "shm_read: missing SHMID (see shm_read --help)" },
    { "shm_read", { "1", "2" }, 2, "shm_read: too many arguments (see shm_read --help)" },
    { "shm_read", { "-x", "1" }, 2, "shm_read: unknown option -x (see shm_read --help)" },
    { "shm_read", { "99999999999" }, 2,
      "shm_read: shmid: 99999999999 is out of range (0 to 2147483647) (see shm_read --help)" },
    { "shm_stat", { NULL }, 2, "shm_stat: missing SHMID (see shm_stat --help)" },
    { "shm_stat", { "1", "2" }, 2, "shm_stat: too many arguments (see shm_stat --help)" },
    { "shm_rm", { NULL }, 2, "shm_rm: missing SHMID (see shm_rm --help)" },
    { "shm_rm", { "1", "z" }, 2, "shm_rm: shmid: \"z\" is not a number (see shm_rm --help)" },
    { "shm_attach", { "0" }, 2,
      "shm_attach: size: 0 is out of range (1 to 1073741824) (see shm_attach --help)" },
    { "shm_attach", { "1", "2" }, 2, "shm_attach: too many arguments (see shm_attach --help)" },
    { "shm_writer", { NULL }, 2, "shm_writer: missing PATH (see shm_writer --help)" },
    { "shm_writer", { "a", "b" }, 2, "shm_writer: too many arguments (see shm_writer --help)" },
    { "shm_writer", { "/no/such/file" }, 1,
      "shm_writer: ftok /no/such/file: ENOENT: No such file or directory" },
    { "shm_reader", { NULL }, 2, "shm_reader: missing PATH (see shm_reader --help)" },
    { "shm_reader", { "a", "b" }, 2, "shm_reader: too many arguments (see shm_reader --help)" },
    { "shm_reader", { "/no/such/file" }, 1,
      "shm_reader: ftok /no/such/file: ENOENT: No such file or directory" },
};

START_TEST(bad_command_lines)
{
    t_refuse("shm", &bad_lines[_i]);
}
END_TEST

START_TEST(shm_create_prints_the_id_alone)
{
    char path[PATH_MAX], karg[PATH_MAX + 8];
    struct shmid_ds ds;
    struct t_run r;
    key_t key = t_key(7, path);
    int id;

    t_run(&r, NULL, "chapters/shm/shm_create", "100", NULL);
    id = t_created(&r, T_SHM);
    ds = stat_of(id);
    ck_assert_int_eq(ds.shm_perm.mode & 0777, 0600);      /* the default mode */
    ck_assert_int_eq(ds.shm_perm.__key, IPC_PRIVATE);
    ck_assert_uint_eq(ds.shm_segsz, 100);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);

    snprintf(karg, sizeof karg, "%s:7", path);
    t_run(&r, NULL, "chapters/shm/shm_create", "-k", karg, "-x", "-m", "0640", "4096", NULL);
    id = t_created(&r, T_SHM);
    ds = stat_of(id);
    ck_assert_int_eq(ds.shm_perm.__key, key);
    ck_assert_int_eq(ds.shm_perm.mode & 0777, 0640);
    t_run(&r, NULL, "chapters/shm/shm_create", "-k", karg, "4096", NULL);
    ck_assert_int_eq(t_created(&r, T_SHM), id);                     /* opened, not made */
    t_run(&r, NULL, "chapters/shm/shm_create", "-k", karg, "-x", "4096", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "shm_create: shmget: EEXIST: File exists\n");
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(shm_write_then_shm_read)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char arg[16], expect[64];
    struct t_run r;

    ck_assert_int_ne(id, -1);
    snprintf(arg, sizeof arg, "%d", id);
    t_run(&r, NULL, "chapters/shm/shm_write", arg, "hello,", "segment", NULL);
    ck_assert_int_eq(r.status, 0);
    snprintf(expect, sizeof expect, "wrote 15 bytes to segment %d\n", id);
    ck_assert_str_eq(r.out, expect);
    t_run(&r, NULL, "chapters/shm/shm_read", arg, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "hello, segment\n");
    t_run(&r, NULL, "chapters/shm/shm_read", "-r", arg, NULL);
    ck_assert_str_eq(r.out, "hello, segment\n");
    ck_assert_int_eq(stat_of(id).shm_nattch, 0);           /* both detached */
    ck_assert_int_eq(t_rm(T_SHM, id), 0);

    /* too long for the segment: refused, nothing written */
    id = shmget(IPC_PRIVATE, 4, IPC_CREAT | 0600);
    ck_assert_int_ne(id, -1);
    t_track(T_SHM, id);
    snprintf(arg, sizeof arg, "%d", id);
    t_run(&r, NULL, "chapters/shm/shm_write", arg, "four", NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "shm_write: 5 bytes do not fit in segment %d of 4 bytes\n", id);
    ck_assert_str_eq(r.err, expect);
    t_run(&r, NULL, "chapters/shm/shm_write", arg, "abc", NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "chapters/shm/shm_read", arg, NULL);
    ck_assert_str_eq(r.out, "abc\n");
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

/* A segment of mode 0400 owned by the runner of shm_read: -r reads it, a
 * read-write attach is refused. */
static int read_only_program_steps(void *unused)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0400), step = 0;
    struct t_run r;
    char arg[16];

    (void)unused;
    if (id == -1)
        return 1;
    snprintf(arg, sizeof arg, "%d", id);
    t_run(&r, NULL, "chapters/shm/shm_read", "-r", arg, NULL);
    if (r.status != 0 || strcmp(r.out, "\n") != 0)
        step = 2;
    t_run(&r, NULL, "chapters/shm/shm_read", arg, NULL);
    if (step == 0 && (r.status != 1 || !strstr(r.err, ": EACCES: Permission denied\n")))
        step = 3;
    if (shmctl(id, IPC_RMID, NULL) == -1 && step == 0)
        step = 4;
    return step;
}

START_TEST(shm_read_r_needs_only_read_permission)
{
    ck_assert_int_eq(t_unprivileged(read_only_program_steps, NULL), 0);
}
END_TEST

START_TEST(shm_stat_shows_shmid_ds)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0640);
    char arg[16], expect[128];
    struct t_run r;
    char *p;

    ck_assert_int_ne(id, -1);
    snprintf(arg, sizeof arg, "%d", id);
    t_run(&r, NULL, "chapters/shm/shm_stat", arg, NULL);
    ck_assert_int_eq(r.status, 0);
    snprintf(expect, sizeof expect, "segment %d\n  key     0x00000000\n", id);
    ck_assert_msg(strncmp(r.out, expect, strlen(expect)) == 0, "%s", r.out);
    ck_assert_ptr_nonnull(strstr(r.out, "  mode    0640\n  status  -\n  size    4096 bytes\n"
                                        "  nattch  0\n"));
    snprintf(expect, sizeof expect, "  cpid    %ld  (created it)\n  lpid    0  ", (long)getpid());
    ck_assert_msg(strstr(r.out, expect), "%s", r.out);
    ck_assert_ptr_nonnull(strstr(r.out, "  atime   never  (last shmat)\n"));
    snprintf(expect, sizeof expect, "  shmmni  %lu segments\n", sysctl_value("kernel/shmmni"));
    ck_assert_msg(strstr(r.out, expect), "%s", r.out);
    snprintf(expect, sizeof expect, "  shmmax  %lu bytes in one segment\n", sysctl_value("kernel/shmmax"));
    ck_assert_msg(strstr(r.out, expect), "%s", r.out);

    p = attach(id, 0);                  /* removed while attached: "dest" */
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
    t_run(&r, NULL, "chapters/shm/shm_stat", arg, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "  status  dest\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "  nattch  1\n"));
    ck_assert_ptr_null(strstr(r.out, "atime   never"));
    ck_assert_int_eq(shmdt(p), 0);
    t_run(&r, NULL, "chapters/shm/shm_stat", arg, NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "shm_stat: shmctl IPC_STAT %d: EINVAL: Invalid argument\n", id);
    ck_assert_str_eq(r.err, expect);
}
END_TEST

START_TEST(shm_rm_goes_on_after_a_failure)
{
    int a = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    int b = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char arg_a[16], arg_b[16], expect[128];
    struct t_run r;

    ck_assert(a != -1 && b != -1);
    snprintf(arg_a, sizeof arg_a, "%d", a);
    snprintf(arg_b, sizeof arg_b, "%d", b);
    ck_assert_int_eq(t_rm(T_SHM, a), 0);
    t_run(&r, NULL, "chapters/shm/shm_rm", arg_a, arg_b, NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "shm_rm: shmctl IPC_RMID %d: EINVAL: Invalid argument\n", a);
    ck_assert_str_eq(r.err, expect);
    ck_assert(!t_exists(T_SHM, b));     /* removed all the same */
}
END_TEST

/* Where shm_attach says its segment landed, with the stack limit set to
 * LIMIT: the limit picks the layout of the address space at exec. */
static void attach_layout(struct t_run *r, rlim_t limit, unsigned long a[5])
{
    struct rlimit old, rl;
    const char *s;

    ck_assert_int_eq(getrlimit(RLIMIT_STACK, &old), 0);
    rl = (struct rlimit){ .rlim_cur = limit, .rlim_max = old.rlim_max };
    ck_assert_int_eq(setrlimit(RLIMIT_STACK, &rl), 0);
    t_run(r, NULL, "chapters/shm/shm_attach", NULL);
    ck_assert_int_eq(setrlimit(RLIMIT_STACK, &old), 0);
    ck_assert_int_eq(r->status, 0);
    ck_assert_str_eq(r->err, "");
    ck_assert_ptr_nonnull(s = strstr(r->out, "code     0x"));
    ck_assert_int_eq(sscanf(s, "code %lx main\nheap %lx malloc\nsegment %lx shmat(id, NULL, 0)\n"
                               "stack %lx a local variable\nagain %lx",
                            &a[0], &a[1], &a[2], &a[3], &a[4]), 5);
}

START_TEST(shm_attach_demo)
{
    unsigned long a[5], code, heap, seg, stack, again, asked, rnd, exact;
    struct rlimit rl;
    struct t_run r;
    const char *s;

    ck_assert_int_eq(getrlimit(RLIMIT_STACK, &rl), 0);
    if (rl.rlim_max == RLIM_INFINITY) {     /* ulimit -s unlimited: the old layout */
        attach_layout(&r, RLIM_INFINITY, a);
        ck_assert_msg(a[2] < a[0], "segment %#lx not below the code %#lx", a[2], a[0]);
    }
    /* a stack limit, 8 MiB as by default (or the hard limit, if lower) */
    attach_layout(&r, rl.rlim_max < 8 << 20 ? rl.rlim_max : 8 << 20, a);
    code = a[0], heap = a[1], seg = a[2], stack = a[3], again = a[4];
    ck_assert(code < heap && heap < seg && seg < stack);    /* between the heap and the stack */
    ck_assert_uint_ne(again, seg);
    ck_assert_ptr_nonnull(strstr(r.out, "reads \"written through the first\"\n"));
    ck_assert_ptr_nonnull(s = strstr(r.out, "shmat(id, 0x"));
    ck_assert_int_eq(sscanf(s, "shmat(id, %lx, 0) -> EINVAL: Invalid argument\n", &asked), 1);
    ck_assert_uint_eq(asked, seg + 1);
    ck_assert_ptr_nonnull(strstr(s, "-> EINVAL: Invalid argument\n"));
    ck_assert_ptr_nonnull(s = strstr(s, "SHM_RND)  -> 0x"));
    ck_assert_int_eq(sscanf(s, "SHM_RND) -> %lx", &rnd), 1);
    ck_assert_uint_eq(rnd, seg);            /* rounded down to SHMLBA */
    ck_assert_ptr_nonnull(s = strstr(s + 1, ", 0)        -> 0x"));
    ck_assert_int_eq(sscanf(s, ", 0) -> %lx", &exact), 1);
    ck_assert_uint_eq(exact, seg);
}
END_TEST

/* --- the writer and the reader -------------------------------------------------------------- */

struct proc {
    pid_t pid;          /* -1 once it has been waited for */
    FILE *in, *out;     /* its stdin (we write), its stdout (we read) */
    int err;            /* its stderr */
    int status;         /* its wait status, once waited for */
};

/* Start chapters/shm/PROG ARG with pipes on stdin, stdout and stderr. */
static void spawn(struct proc *p, const char *prog, const char *arg)
{
    int in[2], out[2], err[2];
    char path[PATH_MAX];

    snprintf(path, sizeof path, "%s/chapters/shm/%s", t_top(), prog);
    signal(SIGPIPE, SIG_IGN);
    ck_assert(pipe(in) == 0 && pipe(out) == 0 && pipe(err) == 0);
    p->pid = fork();
    ck_assert(p->pid != -1);
    if (p->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        closefrom(3);
        signal(SIGPIPE, SIG_DFL);
        setpgid(0, 0);                  /* as t_run: not killed halfway */
        alarm(60);
        execl(path, prog, arg, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    p->in = fdopen(in[1], "w");
    p->out = fdopen(out[0], "r");
    p->err = err[0];
    ck_assert(p->in && p->out);
}

/* Close its stdin (if still open), wait; its status and stderr. */
static int finish(struct proc *p, char *err, size_t size)
{
    ssize_t n, len = 0;
    int status;

    if (p->in)
        fclose(p->in);
    while ((n = read(p->err, err + len, size - 1 - len)) > 0)
        len += n;
    err[len] = '\0';
    close(p->err);
    fclose(p->out);
    if (p->pid != -1)
        ck_assert_int_eq(waitpid(p->pid, &p->status, 0), p->pid);
    status = p->status;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Send SIG, and wait for it to exit with its stdin still open: the signal,
 * not the end of input, must end it. A signal that lands just before it
 * goes back to read() is only seen at the next line, so it is sent again
 * every second, as a user presses Ctrl-C again. */
static void stop_with(struct proc *p, int sig)
{
    pid_t done;

    for (int ms = 0; (done = waitpid(p->pid, &p->status, WNOHANG)) == 0; ms++) {
        ck_assert_msg(ms < 30000, "signal %d did not end it", sig);
        if (ms % 1000 == 0)
            ck_assert_int_eq(kill(p->pid, sig), 0);
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
    ck_assert_int_eq(done, p->pid);
    p->pid = -1;
}

/* Send a line to the writer; the line it answers with. */
static void say(struct proc *w, const char *text, char *answer, size_t size)
{
    ck_assert(fprintf(w->in, "%s\n", text) > 0 && fflush(w->in) == 0);
    ck_assert_ptr_nonnull(fgets(answer, size, w->out));
}

/* The segment and the set with KEY, as the reader finds them. */
static void find_objects(key_t key, int *shmid, int *semid)
{
    *shmid = shmget(key, 0, 0);
    *semid = semget(key, 0, 0);
    ck_assert(*shmid != -1 && *semid != -1);
    t_track(T_SHM, *shmid);
    t_track(T_SEM, *semid);
}

START_TEST(writer_and_reader_share_a_segment)
{
    char path[PATH_MAX], answer[256], err[1024], expect[PATH_MAX + 256];
    key_t key = t_key(SYSV_FTOK_ID & 0xff, path);   /* ftok(path, 1234), as they use */
    int shmid, semid;
    struct t_run r;
    struct proc w;

    t_run(&r, NULL, "chapters/shm/shm_reader", path, NULL);     /* no writer yet */
    ck_assert_int_eq(r.status, 1);
    snprintf(expect, sizeof expect, "shm_reader: shmget %s: ENOENT: No such file or directory\n", path);
    ck_assert_str_eq(r.err, expect);

    spawn(&w, "shm_writer", path);
    say(&w, "good morning", answer, sizeof answer);
    ck_assert_str_eq(answer, "stored message 1\n");
    find_objects(key, &shmid, &semid);
    ck_assert_int_eq(stat_of(shmid).shm_cpid, w.pid);
    ck_assert_int_eq(stat_of(shmid).shm_nattch, 1);            /* the writer's */
    t_run(&r, NULL, "chapters/shm/shm_reader", path, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "message 1: good morning\n");
    say(&w, "second line", answer, sizeof answer);
    ck_assert_str_eq(answer, "stored message 2\n");
    t_run(&r, NULL, "chapters/shm/shm_reader", path, NULL);
    ck_assert_str_eq(r.out, "message 2: second line\n");

    ck_assert_int_eq(finish(&w, err, sizeof err), 0);          /* end of input */
    snprintf(expect, sizeof expect, "shm_writer: segment %d and lock set %d ready; "
             "type lines, Ctrl-D to end\nshm_writer: removed segment %d, removed lock set %d\n",
             shmid, semid, shmid, semid);
    ck_assert_str_eq(err, expect);
    ck_assert(!t_exists(T_SHM, shmid) && !t_exists(T_SEM, semid));
}
END_TEST

/* The reader waits while the lock is held, and reads once it is free. */
START_TEST(reader_waits_for_the_lock)
{
    char path[PATH_MAX], answer[256], err[1024], line[256];
    key_t key = t_key(SYSV_FTOK_ID & 0xff, path);
    int shmid, semid;
    struct proc w, r;

    spawn(&w, "shm_writer", path);
    say(&w, "under lock", answer, sizeof answer);
    find_objects(key, &shmid, &semid);
    ck_assert_int_eq(sysv_sem_reserve(semid, 0), 0);            /* we hold it */
    spawn(&r, "shm_reader", path);
    fclose(r.in);
    r.in = NULL;
    for (int ms = 0; semctl(semid, 0, GETNCNT) != 1; ms++) {   /* it waits */
        ck_assert_msg(ms < 30000, "the reader did not wait for the lock");
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
    ck_assert_int_eq(sysv_sem_release(semid, 0), 0);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, r.out));
    ck_assert_str_eq(line, "message 1: under lock\n");
    ck_assert_int_eq(finish(&r, err, sizeof err), 0);
    ck_assert_str_eq(err, "");

    /* Ctrl-C while it waits: one line, exit 1, nothing made or held */
    ck_assert_int_eq(sysv_sem_reserve(semid, 0), 0);
    spawn(&r, "shm_reader", path);
    for (int ms = 0; semctl(semid, 0, GETNCNT) != 1; ms++) {
        ck_assert_msg(ms < 30000, "the reader did not wait for the lock");
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
    ck_assert_int_eq(kill(r.pid, SIGINT), 0);
    ck_assert_int_eq(finish(&r, err, sizeof err), 1);
    ck_assert_str_eq(err, "shm_reader: interrupted while waiting for the lock\n");
    ck_assert_int_eq(sysv_sem_release(semid, 0), 0);
    ck_assert_int_eq(semctl(semid, 0, GETVAL), 1);              /* free again */

    ck_assert_int_eq(finish(&w, err, sizeof err), 0);
    ck_assert(!t_exists(T_SHM, shmid) && !t_exists(T_SEM, semid));
}
END_TEST

START_TEST(writer_cleans_up_on_signals)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    char path[PATH_MAX], answer[256], err[1024];
    key_t key = t_key(SYSV_FTOK_ID & 0xff, path);
    int shmid, semid;
    struct proc w;

    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        spawn(&w, "shm_writer", path);
        say(&w, "then a signal", answer, sizeof answer);
        find_objects(key, &shmid, &semid);
        stop_with(&w, sigs[i]);                                 /* it waits on stdin */
        ck_assert_int_eq(finish(&w, err, sizeof err), 0);
        ck_assert_msg(strstr(err, "shm_writer: interrupted; removed segment"), "%s", err);
        ck_assert(!t_exists(T_SHM, shmid) && !t_exists(T_SEM, semid));
    }
}
END_TEST

/* At its end the writer takes the lock first: it waits for a holder, and a
 * signal during that wait goes on to the removal. */
START_TEST(writer_end_waits_for_the_lock)
{
    char path[PATH_MAX], answer[256], err[1024];
    key_t key = t_key(SYSV_FTOK_ID & 0xff, path);
    int shmid, semid;
    struct proc w;

    for (int interrupt = 0; interrupt < 2; interrupt++) {
        spawn(&w, "shm_writer", path);
        say(&w, "last", answer, sizeof answer);
        find_objects(key, &shmid, &semid);
        ck_assert_int_eq(sysv_sem_reserve(semid, 0), 0);        /* we hold it */
        fclose(w.in);                                           /* end of input */
        w.in = NULL;
        for (int ms = 0; semctl(semid, 0, GETNCNT) != 1; ms++) {
            ck_assert_msg(ms < 30000, "the writer did not wait for the lock");
            nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
        }
        ck_assert(t_exists(T_SHM, shmid));                      /* not yet removed */
        if (interrupt)
            ck_assert_int_eq(kill(w.pid, SIGINT), 0);
        else
            ck_assert_int_eq(sysv_sem_release(semid, 0), 0);
        ck_assert_int_eq(finish(&w, err, sizeof err), 0);
        ck_assert(!t_exists(T_SHM, shmid) && !t_exists(T_SEM, semid));
    }
}
END_TEST

/* A lock set left with the key (a writer killed by SIGKILL) is not the
 * writer's to remove: it stops, and removes only the segment it made. */
START_TEST(writer_leaves_a_stale_lock_set_alone)
{
    char path[PATH_MAX];
    key_t key = t_key(SYSV_FTOK_ID & 0xff, path);
    int stale = t_get(T_SEM, key, IPC_CREAT | IPC_EXCL | 0600);
    struct t_run r;

    ck_assert_int_ne(stale, -1);
    t_run(&r, "ignored\n", "chapters/shm/shm_writer", path, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(t_lines(r.err), 1);
    ck_assert_msg(strstr(r.err, "exists already: is another writer running?"), "%s", r.err);
    ck_assert_int_eq(shmget(key, 0, 0), -1);            /* its segment: removed */
    ck_assert(t_exists(T_SEM, stale));                  /* the set: untouched */
    ck_assert_int_eq(t_rm(T_SEM, stale), 0);
}
END_TEST

START_TEST(second_writer_leaves_the_first_alone)
{
    char path[PATH_MAX], answer[256], err[1024];
    key_t key = t_key(SYSV_FTOK_ID & 0xff, path);
    int shmid, semid;
    struct t_run r;
    struct proc w;

    spawn(&w, "shm_writer", path);
    say(&w, "first", answer, sizeof answer);
    find_objects(key, &shmid, &semid);
    t_run(&r, "ignored\n", "chapters/shm/shm_writer", path, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(t_lines(r.err), 1);
    ck_assert_msg(strstr(r.err, "is another writer running?"), "%s", r.err);
    ck_assert(t_exists(T_SHM, shmid) && t_exists(T_SEM, semid));
    t_run(&r, NULL, "chapters/shm/shm_reader", path, NULL);
    ck_assert_str_eq(r.out, "message 1: first\n");
    ck_assert_int_eq(finish(&w, err, sizeof err), 0);
    ck_assert(!t_exists(T_SHM, shmid) && !t_exists(T_SEM, semid));
}
END_TEST

/* A segment removed under the writer: it goes on, and its detach destroys it. */
START_TEST(writer_outlives_removal_of_its_segment)
{
    char path[PATH_MAX], answer[256], err[1024], expect[256];
    key_t key = t_key(SYSV_FTOK_ID & 0xff, path);
    int shmid, semid;
    struct t_run r;
    struct proc w;

    spawn(&w, "shm_writer", path);
    say(&w, "one", answer, sizeof answer);
    find_objects(key, &shmid, &semid);
    ck_assert_int_eq(t_rm(T_SHM, shmid), 0);
    t_run(&r, NULL, "chapters/shm/shm_reader", path, NULL);     /* the key is gone */
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, ": ENOENT: "));
    say(&w, "two", answer, sizeof answer);
    ck_assert_str_eq(answer, "stored message 2\n");
    ck_assert_int_eq(finish(&w, err, sizeof err), 0);
    snprintf(expect, sizeof expect, "shm_writer: detached from the removed segment %d, "
             "removed lock set %d\n", shmid, semid);
    ck_assert_msg(strstr(err, expect), "%s", err);
    ck_assert(!t_exists(T_SHM, shmid) && !t_exists(T_SEM, semid));
}
END_TEST

START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "share.session", { "hello from another process\n", "  nattch  0\n", "limits (IPC_INFO)" } },
        { "dest.session", { "message 1: good morning", " dest ",
                            "detached from the removed segment" } },
        { "attach.session", { "-> EINVAL: Invalid argument", "SHM_RND)  -> 0x",
                              "reads \"written through the first\"" } },
    };

    t_play_sessions("shm", expect, sizeof expect / sizeof expect[0], NULL);
}
END_TEST

static Suite *shm_suite(void)
{
    Suite *s = suite_create("shm");
    TCase *life = tcase_create("life"), *attach_tc = tcase_create("attach");
    TCase *ds = tcase_create("shmid_ds"), *perm = tcase_create("errors");
    TCase *progs = tcase_create("programs"), *pair = tcase_create("writer and reader");
    TCase *sessions = tcase_create("sessions");

    tcase_add_test(life, persists_after_creator_exits);
    tcase_add_test(life, detach_to_zero_keeps_segment);
    tcase_add_test(life, rmid_while_attached_dest);
    tcase_add_test(life, rmid_forced_destroys_at_nattch_0);
    tcase_add_test(life, shm_lock_flag_shown);
    tcase_add_test(life, size_rounded_to_pages);
    tcase_add_test(life, new_segment_is_zero_filled);
    tcase_add_test(life, segment_is_a_file_of_shmem);
    tcase_add_test(life, size_zero_opens_existing);
    tcase_add_test(life, enomem_when_memory_cannot_be_promised);
    tcase_add_test(life, prototypes_take_size_t_and_void_pointers);
    tcase_add_test(life, posix_shm_lives_in_dev_shm);

    tcase_add_test(attach_tc, read_only_attach_write_faults);
    tcase_add_test(attach_tc, access_after_detach_faults);
    tcase_add_test(attach_tc, attach_address_rules);

    tcase_add_test(ds, nattch_follows_attach_fork_detach_exit);
    tcase_add_test(ds, times_and_pids);
    tcase_add_test(ds, ipc_info_gives_limits_and_highest_index);

    tcase_add_test(perm, permission_names_give_the_modes);
    tcase_add_test(perm, mode_zero_refused_to_its_owner);
    tcase_add_test(perm, mode_zero_attached_by_root);
    tcase_add_loop_test(perm, errno_cases, 0, count_rows(false));
    tcase_add_loop_test(perm, errno_cases_as_another_user, 0, count_rows(true));
    tcase_add_test(perm, no_eidrm_for_removed_segments);
    tcase_add_test(perm, limits_enospc_and_shmmax);
    tcase_set_timeout(perm, 60);

    tcase_add_loop_test(progs, bad_command_lines, 0, sizeof bad_lines / sizeof bad_lines[0]);
    tcase_add_test(progs, shm_create_prints_the_id_alone);
    tcase_add_test(progs, shm_write_then_shm_read);
    tcase_add_test(progs, shm_read_r_needs_only_read_permission);
    tcase_add_test(progs, shm_stat_shows_shmid_ds);
    tcase_add_test(progs, shm_rm_goes_on_after_a_failure);
    tcase_add_test(progs, shm_attach_demo);
    tcase_set_timeout(progs, 60);

    tcase_add_test(pair, writer_and_reader_share_a_segment);
    tcase_add_test(pair, reader_waits_for_the_lock);
    tcase_add_test(pair, writer_cleans_up_on_signals);
    tcase_add_test(pair, writer_end_waits_for_the_lock);
    tcase_add_test(pair, second_writer_leaves_the_first_alone);
    tcase_add_test(pair, writer_leaves_a_stale_lock_set_alone);
    tcase_add_test(pair, writer_outlives_removal_of_its_segment);
    tcase_set_timeout(pair, 90);

    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 120);

    suite_add_tcase(s, life);
    suite_add_tcase(s, attach_tc);
    suite_add_tcase(s, ds);
    suite_add_tcase(s, perm);
    suite_add_tcase(s, progs);
    suite_add_tcase(s, pair);
    suite_add_tcase(s, sessions);
    return s;
}

int main(void)
{
    return t_main(shm_suite);
}
