/* keys.c: what ftok() makes a key of (claims ftok-1 to ftok-11). */
#define _GNU_SOURCE
#include "ftok.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <unistd.h>

START_TEST(same_file_same_key)
{
    char path[PATH_MAX], other[PATH_MAX + 8];
    key_t key = t_key(1, path);

    ck_assert_int_eq(ftok(path, 1), key);
    /* the name plays no part: other names of the same file give the same key */
    snprintf(other, sizeof other, "%s.hard", path);
    ck_assert_int_eq(link(path, other), 0);
    ck_assert_int_eq(ftok(other, 1), key);
    snprintf(other, sizeof other, "%s.sym", path);
    ck_assert_int_eq(symlink(path, other), 0);
    ck_assert_int_eq(ftok(other, 1), key);
}
END_TEST

START_TEST(only_low_8_bits_of_id_count)
{
    char path[PATH_MAX];
    key_t key = t_key(1, path);

    ck_assert_int_eq(ftok(path, 257), key);
    ck_assert_int_eq(ftok(path, 0x7f01), key);
    ck_assert_int_ne(ftok(path, 2), key);     /* the id tells projects apart */
    ck_assert_uint_eq((unsigned int)ftok(path, 2) >> 24, 2);
}
END_TEST

START_TEST(recreated_file_new_key)
{
    char path[PATH_MAX], other[PATH_MAX];
    struct stat before, after;
    key_t key;

    t_new_file(path);
    key = ftok(path, 1);
    ck_assert_int_eq(stat(path, &before), 0);
    /* a new file made while the old one exists has another inode; keep the
     * one whose low 16 bits differ too (all but certainly the first) */
    for (int i = 0; i < 10; i++) {
        t_new_file(other);
        ck_assert_int_eq(stat(other, &after), 0);
        if ((after.st_ino & 0xffff) != (before.st_ino & 0xffff))
            break;
    }
    ck_assert_int_eq(rename(other, path), 0);   /* same name, another file */
    ck_assert_int_ne(ftok(path, 1), key);
}
END_TEST

START_TEST(missing_path_enoent)
{
    char path[PATH_MAX];

    snprintf(path, sizeof path, "%s/no-such-file", t_rundir());
    errno = 0;
    ck_assert_int_eq(ftok(path, 1), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

static int ftok_errno(void *path)
{
    errno = 0;
    return ftok(path, 1) == -1 ? errno : 0;
}

START_TEST(unreachable_path_eacces)
{
    char dir[PATH_MAX], file[PATH_MAX + 8];
    int got;

    /* a directory nobody may search: not us without root's DAC override */
    t_new_file(dir);
    ck_assert_int_eq(unlink(dir), 0);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    snprintf(file, sizeof file, "%s/f", dir);
    ck_assert_int_eq(close(open(file, O_CREAT | O_WRONLY, 0644)), 0);
    ck_assert_int_eq(chmod(dir, 0), 0);
    got = t_unprivileged(ftok_errno, file);
    chmod(dir, 0755);                   /* so that the run directory can go */
    ck_assert_msg(got == EACCES, "ftok through a directory of mode 0: %s, not EACCES",
                  got == 0 ? "a key" : strerrorname_np(got));
}
END_TEST

START_TEST(key_recomputed_from_stat)
{
    /* the prototype: const char * and int (seed 001 says char proj) */
    _Static_assert(__builtin_types_compatible_p(__typeof__(&ftok),
                                                key_t (*)(const char *, int)),
                   "ftok(const char *, int)");
    char path[PATH_MAX], expect[64];
    struct stat st;
    struct t_run r;
    key_t key = t_key(0x57, path);
    unsigned int by_hand;

    ck_assert_int_eq(stat(path, &st), 0);
    by_hand = 0x57u << 24 | ((unsigned int)st.st_dev & 0xff) << 16 |
              ((unsigned int)st.st_ino & 0xffff);
    ck_assert_uint_eq(by_hand, (unsigned int)key);

    /* ftok_key prints the same key, and the same key recomputed */
    t_run(&r, NULL, "chapters/ftok/ftok_key", path, "0x57", NULL);
    ck_assert_int_eq(r.status, 0);
    snprintf(expect, sizeof expect, " = 0x%08x\n", (unsigned int)key);
    ck_assert_msg(strstr(r.out, expect), "no \"%s\" in:\n%s", expect, r.out);
    snprintf(expect, sizeof expect, "recomputed          0x%08x (matches)", by_hand);
    ck_assert_msg(strstr(r.out, expect), "no \"%s\" in:\n%s", expect, r.out);
}
END_TEST

START_TEST(key_t_is_a_32_bit_int)
{
    _Static_assert(__builtin_types_compatible_p(key_t, int), "key_t is int");
    ck_assert_uint_eq(sizeof(key_t), 4);
    ck_assert_uint_ne(sizeof(key_t), sizeof(long));   /* on LP64 Linux */
}
END_TEST

/* Two regular files of one file system whose inode numbers agree in their
 * low 16 bits: ftok() gives them the same key. /usr holds a hundred thousand
 * files or so, more than 65536 inode numbers apart: such a pair is all but
 * certain to be there, and the walk stops at the first. */
static struct {
    ino_t seen[65536];
    ino_t a, b;
} pair;

static int find_pair(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)path; (void)ftw;
    if (type != FTW_F || !S_ISREG(st->st_mode))
        return 0;
    ino_t *slot = &pair.seen[st->st_ino & 0xffff];
    if (*slot != 0 && *slot != st->st_ino) {
        pair.a = *slot;
        pair.b = st->st_ino;
        return 1;
    }
    *slot = st->st_ino;
    return 0;
}

static char found_path[2][PATH_MAX];

static int find_paths(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)type; (void)ftw;
    if (st->st_ino == pair.a)
        snprintf(found_path[0], PATH_MAX, "%s", path);
    if (st->st_ino == pair.b)
        snprintf(found_path[1], PATH_MAX, "%s", path);
    return found_path[0][0] && found_path[1][0];
}

START_TEST(different_files_can_share_a_key)
{
    /* FTW_MOUNT: one file system, so st_dev is the same for all */
    if (nftw("/usr", find_pair, 32, FTW_PHYS | FTW_MOUNT) != 1)
        T_SKIP("no two files in /usr share the low 16 bits of their inode");
    nftw("/usr", find_paths, 32, FTW_PHYS | FTW_MOUNT);
    ck_assert_int_ne(pair.a, pair.b);
    ck_assert_int_eq(ftok(found_path[0], 1), ftok(found_path[1], 1));
    ck_assert_int_ne(ftok(found_path[0], 1), -1);
}
END_TEST

/* Seed 002: "your program cannot select a key value". It can: any key but
 * IPC_PRIVATE (0) will do, as long as no other object has it. A number
 * chosen here (the first free one of a few), and another process finds the
 * object by it. */
static int open_by_key(void *key)
{
    NEED(msgget(*(key_t *)key, 0) != -1);
    return 0;
}

START_TEST(any_key_value_may_be_chosen)
{
    key_t key = (key_t)(0x1ab00000 | (getpid() & 0xfffff));
    struct ipc_perm perm;
    struct t_proc p;
    int id = -1;

    for (int i = 0; i < 16; i++, key += 0x100000) {
        if ((id = t_get(T_MSG, key, IPC_CREAT | IPC_EXCL | 0600)) != -1)
            break;
        ck_assert_msg(errno == EEXIST, "msgget 0x%08x: %s", (unsigned int)key,
                      strerrorname_np(errno));
    }
    ck_assert_msg(id != -1, "16 keys chosen, each taken");
    ck_assert_int_eq(t_stat(T_MSG, id, &perm), 0);
    ck_assert_int_eq(perm.__key, key);
    t_fork(&p, 0, open_by_key, &key);
    ck_assert_int_eq(t_wait(&p), 0);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* Seed 004's example: ftok("tmp/trouble.c", 1) with one ')' too many; and
 * its path is relative, taken from the current directory, while its error
 * message names /tmp/trouble.c. */
START_TEST(seed_trouble_example)
{
    static const char seed[] = "#include <sys/ipc.h>\nvoid f(void) { key_t thekey;\n"
                               "if ((thekey = ftok(\"tmp/trouble.c\", 1)) == (key_t)-1)) {} }\n";
    static const char fixed[] = "#include <sys/ipc.h>\nvoid f(void) { key_t thekey;\n"
                                "if ((thekey = ftok(\"tmp/trouble.c\", 1)) == (key_t)-1) {} }\n";
    char dir[PATH_MAX], file[PATH_MAX + 16];
    int c;

    t_new_file(dir);                    /* a fresh name: a directory instead */
    ck_assert_int_eq(unlink(dir), 0);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    ck_assert_int_eq(chdir(dir), 0);
    errno = 0;                          /* no tmp/ here, whatever /tmp holds */
    ck_assert_int_eq(ftok("tmp/trouble.c", 1), -1);
    ck_assert_int_eq(errno, ENOENT);
    snprintf(file, sizeof file, "%s/tmp/trouble.c", dir);
    ck_assert_int_eq(mkdir("tmp", 0700), 0);
    ck_assert_int_ne(creat("tmp/trouble.c", 0600), -1);
    ck_assert_int_ne(ftok("tmp/trouble.c", 1), -1);
    ck_assert_int_eq(ftok("tmp/trouble.c", 1), ftok(file, 1));
    if ((c = compiles(seed)) == -1)
        T_SKIP("no C compiler (cc, or $CC) to try the seed's line with");
    ck_assert_msg(c == 0, "the seed's line compiles");
    ck_assert_msg(compiles(fixed) == 1, "the line without its last ')' does not compile");
}
END_TEST

void add_keys_tests(Suite *s)
{
    TCase *tc = tcase_create("keys");

    tcase_add_test(tc, same_file_same_key);
    tcase_add_test(tc, only_low_8_bits_of_id_count);
    tcase_add_test(tc, recreated_file_new_key);
    tcase_add_test(tc, missing_path_enoent);
    tcase_add_test(tc, unreachable_path_eacces);
    tcase_add_test(tc, key_recomputed_from_stat);
    tcase_add_test(tc, key_t_is_a_32_bit_int);
    tcase_add_test(tc, different_files_can_share_a_key);
    tcase_add_test(tc, any_key_value_may_be_chosen);
    tcase_add_test(tc, seed_trouble_example);
    tcase_set_timeout(tc, 60);          /* two walks of /usr, on a loaded machine */
    suite_add_tcase(s, tc);
}
