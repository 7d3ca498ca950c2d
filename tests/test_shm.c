/* test_shm.c: shared memory (chapters/shm). Each test decides one or more
 * claims of chapters/shm/claims.tsv. The tests live in sections, one file
 * each in tests/shm/; here are the helpers they share, and the suite. */
#define _GNU_SOURCE
#include "shm/shm.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

struct shmid_ds stat_of(int id)
{
    struct shmid_ds ds;

    ck_assert_msg(shmctl(id, IPC_STAT, &ds) == 0, "IPC_STAT %d: %s", id, strerrorname_np(errno));
    return ds;
}

char *attach(int id, int flags)
{
    char *p = shmat(id, NULL, flags);

    ck_assert_msg(p != (void *)-1, "shmat %d: %s", id, strerrorname_np(errno));
    return p;
}

int get_segment(key_t key, size_t size, int flags)
{
    int id = shmget(key, size, flags), saved = errno;

    if (id != -1)
        t_track(T_SHM, id);
    errno = saved;
    return id;
}

unsigned long sysctl_value(const char *name)
{
    char path[128];
    unsigned long v = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/sys/%s", name);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert_msg(fscanf(f, "%lu", &v) == 1, "%s: not a number", path);
    fclose(f);
    return v;
}

/* The sanitizers catch SIGSEGV: the child takes the default action. */
static int read_byte(void *at)
{
    signal(SIGSEGV, SIG_DFL);
    (void)*(volatile char *)at;
    return 0;
}

static int write_byte(void *at)
{
    signal(SIGSEGV, SIG_DFL);
    *(volatile char *)at = 'x';
    return 0;
}

int read_in_child(char *at)
{
    struct t_proc p;

    t_fork(&p, 0, read_byte, at);
    return t_wait(&p);
}

int write_in_child(char *at)
{
    struct t_proc p;

    t_fork(&p, 0, write_byte, at);
    return t_wait(&p);
}

int shm_index(int id)
{
    struct shm_info info;
    struct shmid_ds ds;
    int top = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);

    for (int i = 0; i <= top; i++)
        if (shmctl(i, SHM_STAT_ANY, &ds) == id)
            return i;
    return -1;
}

void *no_access(void)
{
    static void *page = MAP_FAILED;

    if (page == MAP_FAILED)
        page = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_msg(page != MAP_FAILED, "mmap: %s", strerror(errno));
    return page;
}

static Suite *make_suite(void)
{
    Suite *s = suite_create("shm");

    add_life_tests(s);
    add_attach_tests(s);
    add_errno_tests(s);
    add_programs_tests(s);
    add_pair_tests(s);
    return s;
}

int main(void)
{
    return t_main(make_suite);
}
