/* life.c: a segment's life (made, kept at nattch 0, removed, destroyed),
 * its size in pages, and where its memory lives. */
#define _GNU_SOURCE                     /* SHM_DEST, SHM_LOCK, SHM_NORESERVE */
#include "shm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

/* Run in a child: make a segment, write TEXT in it (if not NULL) and leave
 * it attached, print its id, exit. */
static int make_and_exit(void *text)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char *p;

    NEED(id != -1);
    if (text != NULL) {
        NEED((p = shmat(id, NULL, 0)) != (void *)-1);
        strcpy(p, text);                /* the exit detaches it */
    }
    printf("%d\n", id);
    return 0;
}

/* The segment a child made before it ended (make_and_exit), or -1; the
 * child's pid in *PID. */
static int left_by_a_child(const char *text, pid_t *pid)
{
    struct t_proc child;
    char out[32] = "";
    int id = -1;

    t_fork(&child, 0, make_and_exit, (void *)text);
    *pid = child.pid;
    t_read_until(child.out, out, sizeof out, "\n");
    if (t_wait(&child) != 0 || sscanf(out, "%d", &id) != 1)
        return -1;
    return id;
}

START_TEST(persists_after_creator_exits)
{
    struct shmid_ds ds;
    pid_t creator;
    int id;
    char *p;

    if (sysctl_value("kernel/shm_rmid_forced") != 0)
        T_SKIP("kernel.shm_rmid_forced is 1 here: the kernel removes such segments");
    id = left_by_a_child("the creator has gone", &creator);
    ck_assert_msg(id != -1, "the creator made no segment (its failed step is on stderr)");
    ck_assert(t_exists(T_SHM, id));
    ds = stat_of(id);
    ck_assert_int_eq(ds.shm_nattch, 0);             /* the exit detached it */
    ck_assert_int_eq(ds.shm_cpid, creator);
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
    ck_assert_msg(r->status == 0, "ipcs -m: status %d: %s", r->status, r->err);
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

/* kernel.shm_rmid_forced is a setting of the IPC namespace: set to 1 in a
 * namespace of our own, it destroys a segment at its last detach, and one
 * never attached when its creator exits. */
static int rmid_forced_steps(void *unused)
{
    struct shmid_ds ds;
    pid_t creator;
    int id;
    char *p;

    (void)unused;
    /* 0, the default: a segment stays at nattch 0 */
    NEED((id = shmget(IPC_PRIVATE, PAGE, 0600)) != -1);
    NEED((p = shmat(id, NULL, 0)) != (void *)-1 && shmdt(p) == 0);
    NEED(shmctl(id, IPC_STAT, &ds) == 0);

    NEED(t_write_file("/proc/sys/kernel/shm_rmid_forced", "1\n"));
    NEED((id = shmget(IPC_PRIVATE, PAGE, 0600)) != -1);
    NEED((p = shmat(id, NULL, 0)) != (void *)-1);
    NEED(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1);
    NEED(shmdt(p) == 0);                /* nattch 0: gone, no IPC_RMID needed */
    NEED(shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL);

    NEED((id = left_by_a_child(NULL, &creator)) != -1);
    NEED(shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL);  /* its creator's exit */
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
        ck_assert_msg(saved == EPERM, "SHM_LOCK: %s, not EPERM", strerrorname_np(saved));
        T_SKIP("SHM_LOCK refused: RLIMIT_MEMLOCK is 0 here, and no CAP_IPC_LOCK");
    }
    ck_assert(stat_of(id).shm_perm.mode & SHM_LOCKED);
    ck_assert_ptr_nonnull(ipcs_line(&r, id, line));
    ck_assert_msg(strstr(line, " locked") != NULL, "%s", line);
    snprintf(arg, sizeof arg, "%d", id);
    t_run(&r, NULL, "chapters/shm/shm_stat", arg, NULL);
    ck_assert_msg(strstr(r.out, "  status  locked\n"), "%s", r.out);
    ck_assert_int_eq(shmctl(id, SHM_UNLOCK, NULL), 0);
    ck_assert(!(stat_of(id).shm_perm.mode & SHM_LOCKED));
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

/* --- size and pages ---------------------------------------------------------- */

START_TEST(size_rounded_to_pages)
{
    long page = sysconf(_SC_PAGESIZE);
    int id = get_segment(IPC_PRIVATE, 100, IPC_CREAT | 0600), big;
    char *hole, *seg;

    ck_assert_int_ne(id, -1);
    ck_assert_uint_eq(stat_of(id).shm_segsz, 100);            /* the size asked for */
    ck_assert_int_eq(SHMLBA, page);

    /* two pages: the segment goes in the first, the second stays PROT_NONE */
    hole = mmap(NULL, 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(hole, MAP_FAILED);
    ck_assert_int_eq(munmap(hole, page), 0);
    seg = shmat(id, hole, 0);
    ck_assert_ptr_eq(seg, hole);
    ck_assert_int_eq(write_in_child(seg + 99), 0);
    ck_assert_int_eq(write_in_child(seg + 100), 0);           /* past the size, in the page */
    ck_assert_int_eq(write_in_child(seg + page - 1), 0);
    ck_assert_int_eq(write_in_child(seg + page), 128 + SIGSEGV);  /* not the segment's */
    ck_assert_int_eq(shmdt(seg), 0);
    ck_assert_int_eq(munmap(hole + page, page), 0);

    /* a page and a byte take two pages: the last byte of the second is there */
    big = get_segment(IPC_PRIVATE, page + 1, IPC_CREAT | 0600);
    ck_assert_int_ne(big, -1);
    seg = attach(big, 0);
    ck_assert_int_eq(write_in_child(seg + 2 * page - 1), 0);
    ck_assert_uint_eq(stat_of(big).shm_segsz, page + 1);
    ck_assert_int_eq(shmdt(seg), 0);
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
        ck_assert_msg(p[i] == 0, "byte %d is %d", i, p[i]);
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
    ck_assert_msg(found, "no line of /proc/self/maps starts at %p", (void *)p);
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(size_zero_opens_existing)
{
    key_t key = t_key(1, NULL);
    int id = get_segment(key, 3 * PAGE, IPC_CREAT | IPC_EXCL | 0600);

    ck_assert_int_ne(id, -1);
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
    long page = sysconf(_SC_PAGESIZE);
    unsigned long long size;
    struct sysinfo si;
    struct t_run r;
    int id;

    ck_assert_int_eq(sysinfo(&si), 0);
    size = 2ULL * (si.totalram + si.totalswap) * si.mem_unit;
    if (overcommit == 1)
        T_SKIP("vm.overcommit_memory is 1: the kernel promises any size");
    if ((unsigned long)LONG_MAX > sysctl_value("kernel/shmmax") ||
        (unsigned long)(LONG_MAX / page) > sysctl_value("kernel/shmall") / 2)
        T_SKIP("kernel.shmmax or kernel.shmall is set below LONG_MAX bytes");
    errno = 0;                          /* twice RAM and swap: refused */
    ck_assert_int_eq(get_segment(IPC_PRIVATE, size, IPC_CREAT | 0600), -1);
    ck_assert_int_eq(errno, ENOMEM);
    t_run(&r, NULL, "chapters/shm/shm_create", "9223372036854775807", NULL);
    ck_assert_int_eq(r.status, 1);      /* the book's example */
    ck_assert_str_eq(r.err, "shm_create: shmget: ENOMEM: Cannot allocate memory\n");
    id = get_segment(IPC_PRIVATE, size, IPC_CREAT | SHM_NORESERVE | 0600);
    if (overcommit == 2) {              /* strict: SHM_NORESERVE changes nothing */
        ck_assert_int_eq(id, -1);
        ck_assert_int_eq(errno, ENOMEM);
        return;
    }
    ck_assert_msg(id != -1, "shmget SHM_NORESERVE: %s", strerrorname_np(errno));
    ck_assert_uint_eq(stat_of(id).shm_segsz, size);   /* made, and no page of it allocated */
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
    id = get_segment(IPC_PRIVATE, big, IPC_CREAT | SHM_NORESERVE | 0600);
    if (id == -1 && errno == ENOMEM)
        T_SKIP("the kernel will not promise 2 GiB here (vm.overcommit_memory 2)");
    ck_assert_msg(id != -1, "shmget of INT_MAX + 2 bytes: %s", strerrorname_np(errno));
    ck_assert_uint_eq(stat_of(id).shm_segsz, big);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
    errno = 0;
    ck_assert_int_eq(get_segment(IPC_PRIVATE, (size_t)-1, IPC_CREAT | 0600), -1);
    ck_assert_int_eq(errno, EINVAL);    /* above SHMMAX, not a negative int */
}
END_TEST

START_TEST(posix_shm_lives_in_dev_shm)
{
    char name[64], path[128];
    struct stat st;
    char *p;
    int fd;

    t_posix_name(name);
    snprintf(path, sizeof path, "/dev/shm%s", name);
    fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    ck_assert_msg(fd != -1, "shm_open %s: %s", name, strerrorname_np(errno));
    ck_assert_msg(stat(path, &st) == 0 && S_ISREG(st.st_mode), "%s: no such file", path);
    ck_assert_int_eq(ftruncate(fd, PAGE), 0);
    p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);    /* a file, mapped with mmap */
    close(fd);
    ck_assert_int_eq(munmap(p, PAGE), 0);
    ck_assert_int_eq(shm_unlink(name), 0);
    ck_assert_int_eq(stat(path, &st), -1);
}
END_TEST

void add_life_tests(Suite *s)
{
    TCase *tc = tcase_create("life");

    tcase_add_test(tc, persists_after_creator_exits);
    tcase_add_test(tc, detach_to_zero_keeps_segment);
    tcase_add_test(tc, rmid_while_attached_dest);
    tcase_add_test(tc, rmid_forced_destroys_at_nattch_0);
    tcase_add_test(tc, shm_lock_flag_shown);
    tcase_add_test(tc, size_rounded_to_pages);
    tcase_add_test(tc, new_segment_is_zero_filled);
    tcase_add_test(tc, segment_is_a_file_of_shmem);
    tcase_add_test(tc, size_zero_opens_existing);
    tcase_add_test(tc, enomem_when_memory_cannot_be_promised);
    tcase_add_test(tc, prototypes_take_size_t_and_void_pointers);
    tcase_add_test(tc, posix_shm_lives_in_dev_shm);
    tcase_set_timeout(tc, 60);          /* a loaded machine */
    suite_add_tcase(s, tc);
}
