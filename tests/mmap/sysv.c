/* sysv.c: mmap against System V shared memory (seed 002's table, seed 001;
 * mmap-16 to -23). */
#define _GNU_SOURCE
#include "mmap.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

struct both {
    char *m, *s;                        /* a file's mapping, a segment's attachment */
};

/* In a child: write to both; they are the parent's too. */
static int write_both(void *arg)
{
    struct both *b = arg;

    strcpy(b->m, "through mmap");
    strcpy(b->s, "through shmat");
    return 0;
}

START_TEST(both_ways_share_memory_with_another_process)
{
    /* seed 000's prototypes of the mmap calls */
    _Static_assert(__builtin_types_compatible_p(__typeof__(&mmap),
                                                void *(*)(void *, size_t, int, int, int, off_t)),
                   "mmap");
    _Static_assert(__builtin_types_compatible_p(__typeof__(&msync), int (*)(void *, size_t, int)),
                   "msync");
    _Static_assert(__builtin_types_compatible_p(__typeof__(&munmap), int (*)(void *, size_t)),
                   "munmap");
    int fd = new_file(PAGE, NULL), id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    struct both b = {
        .m = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd),      /* open, then mmap */
        .s = shmat(id, NULL, 0),                                     /* shmget, then shmat */
    };

    ck_assert_int_ne(id, -1);
    ck_assert_ptr_ne(b.s, (void *)-1);
    child_ok(write_both, &b, NULL);                 /* it has ended: no race */
    ck_assert_str_eq(b.m, "through mmap");
    ck_assert_str_eq(b.s, "through shmat");
    /* msync is for a file's disk: on a segment it has nothing to do, and succeeds */
    ck_assert_int_eq(msync(b.s, PAGE, MS_SYNC), 0);
    ck_assert_int_eq(munmap(b.m, PAGE), 0);
    ck_assert_int_eq(shmdt(b.s), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
    close(fd);
}
END_TEST

/* Is kernel.shm_rmid_forced set? Then a segment goes at its last detach. */
static bool rmid_forced(void)
{
    return t_read_long("/proc/sys/kernel/shm_rmid_forced") != 0;
}

/* The segment ID is still there, nobody attached, and holds TEXT; then it
 * is removed. */
static void segment_kept(int id, const char *text)
{
    char *s;

    ck_assert(t_exists(T_SHM, id));
    s = shmat(id, NULL, SHM_RDONLY);
    ck_assert_ptr_ne(s, (void *)-1);
    ck_assert_str_eq(s, text);
    ck_assert_int_eq(shmdt(s), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}

START_TEST(unmapping_keeps_the_data_both_ways)
{
    int fd, id;
    char *m, *s;

    if (rmid_forced())
        T_SKIP("kernel.shm_rmid_forced is 1 here: the last shmdt removes the segment");
    fd = new_file(PAGE, NULL);
    id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    m = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    s = shmat(id, NULL, 0);
    ck_assert_int_ne(id, -1);
    ck_assert_ptr_ne(s, (void *)-1);
    strcpy(m, "kept in the file");
    strcpy(s, "kept in the segment");
    ck_assert_int_eq(munmap(m, PAGE), 0);
    ck_assert_int_eq(shmdt(s), 0);
    /* the addresses are gone from the process ... */
    ck_assert_int_eq(touch_in_child(m, false), 128 + SIGSEGV);
    ck_assert_int_eq(touch_in_child(s, false), 128 + SIGSEGV);
    /* ... the data is not: in the file, and in the segment, still there */
    ck_assert_str_eq(file_text(fd, 0), "kept in the file");
    segment_kept(id, "kept in the segment");
    close(fd);
}
END_TEST

START_TEST(rmid_frees_the_segment_at_the_last_detach)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char *s = shmat(id, NULL, 0);
    struct shmid_ds ds;

    ck_assert_int_ne(id, -1);
    ck_assert_ptr_ne(s, (void *)-1);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
    /* marked, not gone: still attached and usable, listed with SHM_DEST */
    strcpy(s, "still here");
    ck_assert_str_eq(s, "still here");
    ck_assert_int_eq(shmctl(id, IPC_STAT, &ds), 0);
    ck_assert(ds.shm_perm.mode & SHM_DEST);
    ck_assert_int_eq(shmdt(s), 0);
    ck_assert(!t_exists(T_SHM, id));                /* the last detach freed it */
}
END_TEST

START_TEST(file_fills_a_mapping_but_only_names_a_segment)
{
    char path[PATH_MAX];
    key_t key = t_key(1, path);
    int fd = open(path, O_RDWR), id;
    char *m, *s;

    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(pwrite(fd, "file contents", 14, 0), 14);
    ck_assert_int_eq(ftruncate(fd, PAGE), 0);
    m = map(PAGE, PROT_READ, MAP_SHARED, fd);
    ck_assert_str_eq(m, "file contents");           /* the mapping is the file */
    id = t_get(T_SHM, key, IPC_CREAT | IPC_EXCL | 0600);     /* key from the file */
    ck_assert_int_ne(id, -1);
    s = shmat(id, NULL, 0);
    ck_assert_ptr_ne(s, (void *)-1);
    for (int i = 0; i < PAGE; i++)                  /* the segment starts zeroed */
        ck_assert_int_eq(s[i], 0);
    strcpy(s, "segment");                           /* and never reaches the file */
    ck_assert_str_eq(file_text(fd, 0), "file contents");
    ck_assert_int_eq(shmdt(s), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
    ck_assert_int_eq(munmap(m, PAGE), 0);
    close(fd);
}
END_TEST

/* In a child, which then exits: write to the file *FD through a mapping, to
 * a new segment (its id on stdout) and to anonymous memory. */
static int write_and_exit(void *fd)
{
    char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, *(int *)fd, 0);
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    char *s = id == -1 ? (void *)-1 : shmat(id, NULL, 0);
    char *a = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    NEED(m != MAP_FAILED && s != (void *)-1 && a != MAP_FAILED);
    strcpy(m, "in the file");
    strcpy(s, "in the segment");
    strcpy(a, "in anonymous memory");               /* goes with the process */
    printf("%d\n", id);
    return 0;
}

START_TEST(segment_outlives_its_process_in_memory_mapping_in_file)
{
    char out[4096];
    int fd, id;

    if (rmid_forced())
        T_SKIP("kernel.shm_rmid_forced is 1 here: the kernel removes such segments");
    fd = new_file(PAGE, NULL);
    child_ok(write_and_exit, &fd, out);             /* it has ended */
    ck_assert_msg(sscanf(out, "%d", &id) == 1, "no segment id from the child: \"%s\"", out);
    ck_assert_str_eq(file_text(fd, 0), "in the file");
    segment_kept(id, "in the segment");             /* nobody attached, still there */
    close(fd);
}
END_TEST

void add_sysv_tests(Suite *s)
{
    TCase *tc = tcase_create("sysv");

    tcase_add_test(tc, both_ways_share_memory_with_another_process);
    tcase_add_test(tc, unmapping_keeps_the_data_both_ways);
    tcase_add_test(tc, rmid_frees_the_segment_at_the_last_detach);
    tcase_add_test(tc, file_fills_a_mapping_but_only_names_a_segment);
    tcase_add_test(tc, segment_outlives_its_process_in_memory_mapping_in_file);
    suite_add_tcase(s, tc);
}
