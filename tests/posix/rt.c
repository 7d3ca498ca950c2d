/* rt.c: where the calls live: libc or librt, glibc or the kernel. */
#define _GNU_SOURCE
#include "posix.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const rt_symbols[] = {
    "shm_open", "shm_unlink", "sem_open", "sem_close", "sem_unlink", "sem_wait",
    "sem_trywait", "sem_timedwait", "sem_post", "sem_getvalue", "sem_init", "sem_destroy",
    "mq_open", "mq_close", "mq_unlink", "mq_send", "mq_receive", "mq_getattr",
    "mq_setattr", "mq_notify",
};

static bool glibc_at_least(int major, int minor)
{
    int ma = 0, mi = 0;

    ck_assert_int_eq(sscanf(gnu_get_libc_version(), "%d.%d", &ma, &mi), 2);
    return ma > major || (ma == major && mi >= minor);
}

/* Which file a symbol found through HANDLE really comes from. */
static const char *home_of(void *handle, const char *symbol)
{
    void *p = dlsym(handle, symbol);
    Dl_info info;

    if (p == NULL || dladdr(p, &info) == 0 || info.dli_fname == NULL)
        return "";
    return strrchr(info.dli_fname, '/') ? strrchr(info.dli_fname, '/') + 1 : info.dli_fname;
}

/* Since glibc 2.34 every call of the chapter is defined in libc.so.6 (at
 * version GLIBC_2.34), and librt.so.1 defines none of them: asked for one, it
 * hands over libc's. Before 2.34 shm_* and mq_* were librt's own (and sem_*
 * libpthread's): there the test checks that instead. */
START_TEST(posix_calls_are_in_libc)
{
    void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    void *rt = dlopen("librt.so.1", RTLD_NOW);
    bool in_libc = glibc_at_least(2, 34);

    ck_assert_ptr_nonnull(libc);
    ck_assert_msg(rt != NULL, "dlopen librt.so.1: %s", dlerror());
    for (size_t i = 0; i < sizeof rt_symbols / sizeof rt_symbols[0]; i++) {
        const char *s = rt_symbols[i];

        if (in_libc) {
            ck_assert_msg(strcmp(home_of(libc, s), "libc.so.6") == 0, "%s not in libc", s);
            ck_assert_msg(dlvsym(libc, s, "GLIBC_2.34") != NULL, "%s@GLIBC_2.34", s);
            ck_assert_msg(strcmp(home_of(rt, s), "libc.so.6") == 0, "librt defines %s", s);
        } else if (strncmp(s, "sem_", 4) != 0) {
            ck_assert_msg(strcmp(home_of(rt, s), "librt.so.1") == 0, "%s not in librt", s);
        }
    }
    dlclose(rt);
}
END_TEST

/* The chapter's programs are linked without -lrt (see chapter.mk): on this
 * glibc none of them needs librt or libpthread to run. */
START_TEST(programs_need_no_librt)
{
    static const char *const progs[] = {
        "pshm_create", "pshm_write", "pshm_read", "pshm_unlink", "psem_create", "psem_op",
        "psem_getvalue", "psem_unlink", "psem_counter", "pmq_create", "pmq_send", "pmq_recv",
        "pmq_attr", "pmq_unlink", "pmq_notify",
    };
    char path[PATH_MAX];
    struct t_run r;

    if (!glibc_at_least(2, 34))
        T_SKIP("glibc before 2.34: chapter.mk links with -lrt -pthread");
    for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
        snprintf(path, sizeof path, "%s/chapters/posix/%s", t_top(), progs[i]);
        t_run(&r, NULL, "/usr/bin/ldd", path, NULL);
        ck_assert_msg(r.status == 0, "ldd %s: %s", progs[i], r.err);
        ck_assert_ptr_nonnull(strstr(r.out, "libc.so.6"));
        ck_assert_msg(strstr(r.out, "librt") == NULL, "%s needs librt:\n%s", progs[i], r.out);
        ck_assert_msg(strstr(r.out, "libpthread") == NULL, "%s needs libpthread", progs[i]);
    }
}
END_TEST

/* Only the message queue calls are system calls of their own; shm_open and
 * sem_open are glibc functions over open() on /dev/shm (and sem_wait over
 * futex). */
START_TEST(only_mq_calls_are_system_calls)
{
#if defined(SYS_shm_open) || defined(SYS_sem_open) || defined(SYS_sem_wait)
    ck_abort_msg("the kernel has a system call for shm_open or sem_*");
#endif
    char name[64];
    long mq;

    t_posix_name(name);
    mq = syscall(SYS_mq_open, name + 1, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
    ck_assert_msg(mq != -1, "SYS_mq_open: %s", strerror(errno));  /* without the slash */
    ck_assert_int_eq(close((int)mq), 0);
    ck_assert_int_eq(syscall(SYS_mq_unlink, name + 1), 0);
    ck_assert_int_eq(p_open(P_SEM, name, O_CREAT | O_EXCL, 0600), 0);
    ck_assert(listed(P_SEM, name, NULL));                        /* a file of glibc's */
    ck_assert_int_eq(sem_unlink(name), 0);
}
END_TEST

void add_rt_tests(Suite *s)
{
    TCase *tc = tcase_create("rt");

    tcase_add_test(tc, posix_calls_are_in_libc);
    tcase_add_test(tc, programs_need_no_librt);
    tcase_add_test(tc, only_mq_calls_are_system_calls);
    tcase_set_timeout(tc, 60);     /* 15 runs of ldd: seconds on a busy machine */
    suite_add_tcase(s, tc);
}
