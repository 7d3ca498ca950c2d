/* test_ftok.c: keys and identifiers (chapters/ftok).
 * Each test decides one or more claims of chapters/ftok/claims.tsv; tests
 * named *_each_kind run once for shared memory, semaphores and queues. */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { IPCMNI = 32768 };       /* id = seq * IPCMNI + index, as in ipc_ids.c */

/* --- keys ---------------------------------------------------------------------- */

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
    ck_assert_int_eq(got, EACCES);
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

/* --- get calls, for each kind of object (_i is the kind) ---------------------------- */

START_TEST(private_key_new_object_each_time_each_kind)
{
    struct ipc_perm perm;
    int id[3] = {
        t_get(_i, IPC_PRIVATE, IPC_CREAT | 0600),
        t_get(_i, IPC_PRIVATE, IPC_CREAT | 0600),
        t_get(_i, IPC_PRIVATE, 0600),           /* IPC_CREAT is not even needed */
    };

    ck_assert(id[0] != id[1] && id[1] != id[2] && id[0] != id[2]);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_ne(id[i], -1);
        ck_assert_int_eq(t_stat(_i, id[i], &perm), 0);
        ck_assert_int_eq(perm.__key, IPC_PRIVATE);   /* no key is made up */
        ck_assert_int_eq(t_rm(_i, id[i]), 0);
    }
}
END_TEST

START_TEST(creat_excl_on_existing_key_eexist_each_kind)
{
    char path[PATH_MAX];
    key_t key = t_key(1, path);
    int id = t_get(_i, key, IPC_CREAT | IPC_EXCL | 0600);

    ck_assert_int_ne(id, -1);
    errno = 0;
    ck_assert_int_eq(t_get(_i, key, IPC_CREAT | IPC_EXCL | 0600), -1);
    ck_assert_int_eq(errno, EEXIST);
    /* the same answer open(2) gives for O_CREAT|O_EXCL on a file that exists */
    errno = 0;
    ck_assert_int_eq(open(path, O_CREAT | O_EXCL | O_WRONLY, 0600), -1);
    ck_assert_int_eq(errno, EEXIST);
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

START_TEST(creat_opens_existing_each_kind)
{
    key_t key = t_key(1, NULL);
    int id = t_get(_i, key, IPC_CREAT | IPC_EXCL | 0600);
    pid_t pid;
    int status;

    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(t_get(_i, key, IPC_CREAT | 0600), id);
    ck_assert_int_eq(t_get(_i, key, 0), id);
    /* IPC_EXCL locks nobody out: another process opens it by key */
    pid = fork();
    if (pid == 0)
        _exit(t_get(_i, key, 0) == id ? 0 : 1);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

START_TEST(missing_key_enoent_each_kind)
{
    key_t key = t_key(1, NULL);
    int id;

    errno = 0;
    ck_assert_int_eq(t_get(_i, key, 0600), -1);
    ck_assert_int_eq(errno, ENOENT);
    id = t_get(_i, key, IPC_CREAT | 0600);
    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(t_rm(_i, id), 0);
    errno = 0;                          /* removed: the key finds nothing again */
    ck_assert_int_eq(t_get(_i, key, 0600), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(excl_alone_does_not_create_each_kind)
{
    key_t key = t_key(1, NULL);
    int id;

    errno = 0;
    ck_assert_int_eq(t_get(_i, key, IPC_EXCL | 0600), -1);    /* no IPC_CREAT */
    ck_assert_int_eq(errno, ENOENT);
    id = t_get(_i, key, IPC_CREAT | 0600);
    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(t_get(_i, key, IPC_EXCL | 0600), id);    /* no EEXIST either */
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

START_TEST(same_key_again_after_removal_each_kind)
{
    key_t key = t_key(1, NULL);
    int old = t_get(_i, key, IPC_CREAT | IPC_EXCL | 0600), id;
    struct ipc_perm perm;
    void *p = NULL;

    ck_assert_int_ne(old, -1);
    if (_i == T_SHM)                    /* still attached when it is removed */
        ck_assert_ptr_ne(p = shmat(old, NULL, 0), (void *)-1);
    ck_assert_int_eq(t_rm(_i, old), 0);
    errno = 0;
    ck_assert_int_eq(t_get(_i, key, 0600), -1);
    ck_assert_int_eq(errno, ENOENT);    /* ENOENT, not EIDRM */
    id = t_get(_i, key, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_int_ne(id, -1);           /* the same key serves again at once */
    ck_assert_int_ne(id, old);
    if (_i == T_SHM) {                  /* the old segment lives on, its key now 0 */
        ck_assert_int_eq(t_stat(T_SHM, old, &perm), 0);
        ck_assert_int_eq(perm.__key, IPC_PRIVATE);
        ck_assert_int_eq(shmdt(p), 0);
        ck_assert(!t_exists(T_SHM, old));
    }
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

START_TEST(private_object_open_to_any_process)
{
    static const char text[] = "left by a process that has exited";
    int fds[2], id, status;
    pid_t pid;
    char *p;

    /* The creator makes a private segment, writes to it, says its id, and
     * exits. This process is neither the creator nor its child. */
    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    if (pid == 0) {
        id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
        p = shmat(id, NULL, 0);
        if (id == -1 || p == (void *)-1)
            _exit(1);
        strcpy(p, text);
        _exit(write(fds[1], &id, sizeof id) == sizeof id ? 0 : 1);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    ck_assert_int_eq(read(fds[0], &id, sizeof id), sizeof id);
    p = shmat(id, NULL, SHM_RDONLY);
    ck_assert_ptr_ne(p, (void *)-1);
    ck_assert_str_eq(p, text);
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

/* --- identifiers ------------------------------------------------------------------------ */

/* Create a queue with KEY and remove it at once, COUNT times, and store the
 * ids in IDS. The key is registered, so that the leak guard finds a queue
 * left between the two calls when the test is killed (Check kills the whole
 * process group on a timeout or Ctrl-C). */
static void queue_cycles(key_t key, int ids[], int count)
{
    for (int i = 0; i < count; i++) {
        int id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);

        ck_assert_msg(id != -1, "msgget: %s", strerror(errno));
        ck_assert_msg(msgctl(id, IPC_RMID, NULL) == 0, "msgctl: %s", strerror(errno));
        ids[i] = id;
    }
}

enum { BATCH = 4096 };

START_TEST(removed_id_not_reused_at_once)
{
    static int ids[BATCH];
    key_t key = t_key(1, NULL);
    long n = 0;
    int first;

    queue_cycles(key, ids, 1);
    first = ids[0];
    errno = 0;                          /* a stale id names nothing now */
    ck_assert_int_eq(msgctl(first, IPC_STAT, &(struct msqid_ds){ 0 }), -1);
    ck_assert_int_eq(errno, EINVAL);
    while (n < (1L << 20)) {
        queue_cycles(key, ids, BATCH);
        for (int i = 0; i < BATCH; i++, n++) {
            ck_assert_int_ne(ids[i], first);
            if (ids[i] % IPCMNI == first % IPCMNI) {
                /* the slot came back, with another sequence number */
                ck_assert_int_ne(ids[i] / IPCMNI, first / IPCMNI);
                return;
            }
        }
    }
    ck_abort_msg("index %d did not come back in %ld creations", first % IPCMNI, n);
}
END_TEST

START_TEST(same_id_comes_back_eventually)
{
    static int ids[BATCH];
    key_t key = t_key(1, NULL);
    long n = 0;
    int first;

    queue_cycles(key, ids, 1);
    first = ids[0];
    while (n < (1L << 26)) {
        queue_cycles(key, ids, BATCH);
        for (int i = 0; i < BATCH; i++, n++) {
            if (ids[i] == first) {
                /* not before the sequence number has gone all the way round */
                ck_assert_int_ge(n, 65535);
                return;
            }
        }
    }
    ck_abort_msg("id %d did not come back in %ld creations", first, n);
}
END_TEST

/* --- permissions ----------------------------------------------------------------------------- */

START_TEST(umask_ignored_each_kind)
{
    struct ipc_perm perm;
    struct stat st;
    char path[PATH_MAX];
    mode_t old = umask(077);
    int id = t_get(_i, IPC_PRIVATE, IPC_CREAT | 0644);
    int fd;

    t_new_file(path);                   /* a file made under the same umask */
    ck_assert_int_eq(unlink(path), 0);
    fd = open(path, O_CREAT | O_WRONLY, 0644);
    umask(old);
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(fstat(fd, &st), 0);
    close(fd);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(t_stat(_i, id, &perm), 0);
    ck_assert_int_eq(perm.mode & 0777, 0644);
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

START_TEST(mode_keeps_execute_bits_each_kind)
{
    struct ipc_perm perm;
    int id = t_get(_i, IPC_PRIVATE, IPC_CREAT | 0777);

    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(t_stat(_i, id, &perm), 0);
    ck_assert_int_eq(perm.mode & 0777, 0777);
    ck_assert_int_eq(t_set(_i, id, T_KEEP, T_KEEP, 0751), 0);
    ck_assert_int_eq(t_stat(_i, id, &perm), 0);
    ck_assert_int_eq(perm.mode & 0777, 0751);
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

START_TEST(mode_digits_are_octal)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 640);   /* decimal 640 = 01200 */

    ck_assert_int_ne(id, -1);
    /* write-only for the owner, so IPC_STAT may be refused: ask /proc */
    ck_assert_int_eq(t_proc_mode(T_SHM, id) & 0777, 0200);
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(only_shm_has_permission_macros)
{
    ck_assert_int_eq(SHM_R, 0400);
    ck_assert_int_eq(SHM_W, 0200);
#if defined(MSG_R) || defined(MSG_W) || defined(SEM_R) || defined(SEM_A)
    ck_abort_msg("glibc defines MSG_R, MSG_W, SEM_R or SEM_A after all");
#endif
}
END_TEST

START_TEST(perm_seq_is_the_id_sequence_each_kind)
{
    struct ipc_perm perm;
    int id = t_get(_i, IPC_PRIVATE, IPC_CREAT | 0600);

    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(t_stat(_i, id, &perm), 0);
    ck_assert_int_eq(perm.__seq, id / IPCMNI);
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

/* Runs without CAP_IPC_OWNER. Returns 0, or the number of the step that
 * did not behave. */
static int shm_exec_steps(void *unused)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600), step = 0;
    void *p;

    (void)unused;
    if (id == -1)
        return 1;
    if ((p = shmat(id, NULL, 0)) == (void *)-1 || shmdt(p) == -1)
        step = 2;                       /* read-write attach: rw- is enough */
    else if (shmat(id, NULL, SHM_EXEC) != (void *)-1 || errno != EACCES)
        step = 3;                       /* SHM_EXEC without x: refused */
    else if (t_set(T_SHM, id, T_KEEP, T_KEEP, 0700) == -1)
        step = 4;
    else if ((p = shmat(id, NULL, SHM_EXEC)) == (void *)-1 || shmdt(p) == -1)
        step = 5;                       /* with x: allowed */
    if (t_rm(T_SHM, id) == -1 && step == 0)
        step = 6;
    return step;
}

/* Without CAP_IPC_OWNER, on its own segment with mode 0400. */
static int read_only_owner_steps(void *unused)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0400), step = 0;
    void *p;

    (void)unused;
    if (id == -1)
        return 1;
    if ((p = shmat(id, NULL, SHM_RDONLY)) == (void *)-1 || shmdt(p) == -1)
        step = 2;                       /* read: allowed */
    else if (shmat(id, NULL, 0) != (void *)-1 || errno != EACCES)
        step = 3;                       /* read and write: refused */
    if (t_rm(T_SHM, id) == -1 && step == 0)
        step = 4;
    return step;
}

START_TEST(owner_read_bit_allows_read_only_attach)
{
    ck_assert_int_eq(t_unprivileged(read_only_owner_steps, NULL), 0);
}
END_TEST

START_TEST(shm_exec_needs_execute_permission)
{
    ck_assert_int_eq(t_unprivileged(shm_exec_steps, NULL), 0);
}
END_TEST

START_TEST(ipc_set_changes_owner_not_creator_each_kind)
{
    struct ipc_perm perm;
    int id = t_get(_i, IPC_PRIVATE, IPC_CREAT | 0600);

    ck_assert_int_ne(id, -1);
    /* beyond 16 bits; nobody's in particular */
    ck_assert_int_eq(t_set(_i, id, 100000, 100001, T_KEEP), 0);
    ck_assert_int_eq(t_stat(_i, id, &perm), 0);
    ck_assert_uint_eq(perm.uid, 100000);
    ck_assert_uint_eq(perm.gid, 100001);
    ck_assert_uint_eq(perm.cuid, geteuid());
    ck_assert_uint_eq(perm.cgid, getegid());
    /* the creator keeps control: it may still change and remove it */
    ck_assert_int_eq(t_set(_i, id, T_KEEP, T_KEEP, 0640), 0);
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

struct access_case {
    enum t_kind kind;
    key_t key;
    int id;
};

/* As nobody, on root's object with mode 0600: 0 if every step answered as
 * expected, else the number of the step that did not. */
static int other_user_refused_steps(void *arg)
{
    struct access_case *c = arg;
    struct ipc_perm perm;

    if (t_get(c->kind, c->key, 0) != c->id)
        return 1;                       /* asking for no access is not checked */
    if (t_get(c->kind, c->key, 0400) != -1 || errno != EACCES)
        return 2;
    if (t_stat(c->kind, c->id, &perm) != -1 || errno != EACCES)
        return 3;
    if (t_rm(c->kind, c->id) != -1 || errno != EPERM)
        return 4;                       /* neither owner nor creator */
    return 0;
}

/* As nobody, once the mode lets others (0604) or nobody's group (0640) read:
 * reading is allowed, writing is not. */
static int read_not_write_steps(void *arg)
{
    struct access_case *c = arg;
    struct ipc_perm perm;

    if (t_get(c->kind, c->key, 0400) != c->id)
        return 1;
    if (t_stat(c->kind, c->id, &perm) != 0)
        return 2;
    if (t_get(c->kind, c->key, 0200) != -1 || errno != EACCES)
        return 3;
    return 0;
}

START_TEST(other_user_without_permission_each_kind)
{
    struct access_case c = { .kind = _i, .key = t_key(1, NULL) };

    T_NEED_STRANGER();
    c.id = t_get(_i, c.key, IPC_CREAT | IPC_EXCL | 0600);
    ck_assert_int_ne(c.id, -1);
    ck_assert_int_eq(t_unprivileged(other_user_refused_steps, &c), 0);
    /* the other bits decide for others */
    ck_assert_int_eq(t_set(_i, c.id, T_KEEP, T_KEEP, 0604), 0);
    ck_assert_int_eq(t_unprivileged(read_not_write_steps, &c), 0);
    ck_assert_int_eq(t_rm(_i, c.id), 0);
}
END_TEST

START_TEST(group_bits_for_group_members_each_kind)
{
    struct access_case c = { .kind = _i, .key = t_key(1, NULL) };

    T_NEED_STRANGER();
    c.id = t_get(_i, c.key, IPC_CREAT | IPC_EXCL | 0640);
    ck_assert_int_ne(c.id, -1);
    /* nobody's group: nobody reads as a member */
    ck_assert_int_eq(t_set(_i, c.id, T_KEEP, t_plain_gid(), T_KEEP), 0);
    ck_assert_int_eq(t_unprivileged(read_not_write_steps, &c), 0);
    /* root's group: nobody gets the other bits, 0 */
    ck_assert_int_eq(t_set(_i, c.id, T_KEEP, 0, T_KEEP), 0);
    ck_assert_int_ne(t_unprivileged(read_not_write_steps, &c), 0);
    ck_assert_int_eq(t_rm(_i, c.id), 0);
}
END_TEST

static int owner_ipc_set_steps(void *arg)
{
    struct access_case *c = arg;

    return t_set(c->kind, c->id, T_KEEP, T_KEEP, 0644) == 0 ? 0 : 1;
}

static int stranger_ipc_set_steps(void *arg)
{
    struct access_case *c = arg;

    /* mode 0644 lets anyone read, so the refusal is IPC_SET's own */
    return t_set(c->kind, c->id, T_KEEP, T_KEEP, 0666) == -1 && errno == EPERM ? 0 : 1;
}

START_TEST(owner_who_is_not_creator_may_ipc_set_each_kind)
{
    struct access_case c = { .kind = _i };
    struct ipc_perm perm;

    T_NEED_STRANGER();
    c.id = t_get(_i, IPC_PRIVATE, IPC_CREAT | 0600);
    ck_assert_int_ne(c.id, -1);
    ck_assert_int_eq(t_set(_i, c.id, t_plain_uid(), t_plain_gid(), T_KEEP), 0);
    ck_assert_int_eq(t_unprivileged(owner_ipc_set_steps, &c), 0);
    /* back to root: now nobody is neither owner nor creator */
    ck_assert_int_eq(t_stat(_i, c.id, &perm), 0);
    ck_assert_int_eq(perm.mode & 0777, 0644);
    ck_assert_int_eq(t_set(_i, c.id, 0, T_KEEP, T_KEEP), 0);
    ck_assert_int_eq(t_unprivileged(stranger_ipc_set_steps, &c), 0);
    ck_assert_int_eq(t_rm(_i, c.id), 0);
}
END_TEST

/* As an owner without CAP_IPC_OWNER, on its own object with mode 0. */
static int mode_zero_steps(void *arg)
{
    struct access_case *c = arg;
    struct ipc_perm perm;
    int id = t_get(c->kind, c->key, IPC_CREAT | IPC_EXCL | 0), step = 0;

    if (id == -1)
        return 1;
    if (t_get(c->kind, c->key, 0600) != -1 || errno != EACCES)
        step = 2;
    else if (t_stat(c->kind, id, &perm) != -1 || errno != EACCES)
        step = 3;
    if (t_rm(c->kind, id) == -1 && step == 0)
        step = 4;                       /* the owner may remove it all the same */
    return step;
}

START_TEST(owner_with_mode_0_denied_each_kind)
{
    struct access_case c = { .kind = _i, .key = t_key(1, NULL) };

    ck_assert_int_eq(t_unprivileged(mode_zero_steps, &c), 0);
    if (t_capable(CAP_IPC_OWNER)) {     /* it passes every mode check */
        struct ipc_perm perm;
        int id = t_get(_i, c.key, IPC_CREAT | IPC_EXCL | 0);

        ck_assert_int_ne(id, -1);
        ck_assert_int_eq(t_get(_i, c.key, 0600), id);
        ck_assert_int_eq(t_stat(_i, id, &perm), 0);
        ck_assert_int_eq(t_rm(_i, id), 0);
    }
}
END_TEST

/* --- the programs -------------------------------------------------------------------- */

/* A command line that must be refused: its exit status and its one line. */
static const struct t_bad_line bad_lines[] = {
    { "ftok_key", { NULL }, 2, "ftok_key: missing PATH (see ftok_key --help)" },
    { "ftok_key", { "a", "b", "c" }, 2, "ftok_key: too many arguments (see ftok_key --help)" },
    { "ftok_key", { "/", "12x" }, 2, "ftok_key: id: \"12x\" is not a number (see ftok_key --help)" },
    { "ftok_key", { "/", "" }, 2, "ftok_key: id: \"\" is not a number (see ftok_key --help)" },
    { "ftok_key", { "/", "99999999999" }, 2,
      "ftok_key: id: 99999999999 is out of range (-2147483648 to 2147483647) (see ftok_key --help)" },
    { "ftok_key", { "/no/such/file" }, 1,
      "ftok_key: ftok /no/such/file: ENOENT: No such file or directory" },
    { "ipc_get", { "-K", "0" }, 2,
      "ipc_get: key: 0 means IPC_PRIVATE; give a non-zero key (see ipc_get --help)" },
    { "ipc_get", { "-K", "xyz" }, 2,
      "ipc_get: key: \"xyz\" is not a hex key (1 to ffffffff) (see ipc_get --help)" },
    { "ipc_get", { "-K", "123456789" }, 2,
      "ipc_get: key: \"123456789\" is not a hex key (1 to ffffffff) (see ipc_get --help)" },
    { "ipc_get", { "-k", "/:256" }, 2,
      "ipc_get: ftok id: 256 is out of range (1 to 255) (see ipc_get --help)" },
    { "ipc_get", { "-k", "/:x" }, 2,
      "ipc_get: ftok id: \"x\" is not a number (see ipc_get --help)" },
    { "ipc_get", { "-k" }, 2, "ipc_get: option -k needs an argument (see ipc_get --help)" },
    { "ipc_get", { "-k", "/", "-K", "1" }, 2, "ipc_get: give one key option (see ipc_get --help)" },
    { "ipc_get", { "-k", "/no/such/file" }, 1,
      "ipc_get: ftok /no/such/file: ENOENT: No such file or directory" },
    { "ipc_get", { "extra" }, 2, "ipc_get: too many arguments (see ipc_get --help)" },
    { "ipc_get", { "--help=x" }, 2, "ipc_get: unknown option --help=x (see ipc_get --help)" },
    { "ipc_perm", { "-m", "0800" }, 2,
      "ipc_perm: mode: \"0800\" is not an octal mode (0 to 0777) (see ipc_perm --help)" },
    { "ipc_perm", { "-m", "1777" }, 2,
      "ipc_perm: mode: \"1777\" is not an octal mode (0 to 0777) (see ipc_perm --help)" },
    { "ipc_perm", { "-u", "-1" }, 2,
      "ipc_perm: uid: -1 is out of range (0 to 4294967294) (see ipc_perm --help)" },
    { "ipc_ids", { "-n", "0" }, 2, "ipc_ids: count: 0 is out of range (1 to 1000) (see ipc_ids --help)" },
    { "ipc_ids", { "-x" }, 2, "ipc_ids: unknown option -x (see ipc_ids --help)" },
};

START_TEST(bad_command_lines)
{
    t_refuse("ftok", &bad_lines[_i]);
}
END_TEST

/* Ids a demo printed after "id " on lines that contain LABEL. */
static int ids_on_lines(const char *out, const char *label, int ids[], int max)
{
    int n = 0;

    for (const char *line = out; line && *line && n < max; line = strchr(line, '\n')) {
        const char *end = strchr(line + 1, '\n'), *hit = strstr(line, label);
        const char *id = hit ? strstr(hit, "id ") : NULL;

        if (id && (!end || id < end))
            ids[n++] = atoi(id + 3);
        if (*line == '\n')
            line++;
        if (!end)
            break;
    }
    return n;
}

START_TEST(ipc_get_demo)
{
    char path[PATH_MAX], arg[PATH_MAX + 8];
    int priv[2], keyed[4];
    struct t_run r;

    t_key(1, path);
    snprintf(arg, sizeof arg, "-k%s:1", path);
    t_run(&r, NULL, "chapters/ftok/ipc_get", arg, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_int_eq(ids_on_lines(r.out, "IPC_PRIVATE", priv, 2), 2);
    ck_assert_int_ne(priv[0], priv[1]);
    ck_assert_int_eq(ids_on_lines(r.out, "key, ", keyed, 4), 3);
    ck_assert(keyed[0] == keyed[1] && keyed[1] == keyed[2]);
    ck_assert_ptr_nonnull(strstr(r.out, "IPC_CREAT|IPC_EXCL again  shmget -> EEXIST: File exists\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "after removal    shmget -> ENOENT: No such file or directory\n"));
    ck_assert(!t_exists(T_SHM, priv[0]) && !t_exists(T_SHM, priv[1]) && !t_exists(T_SHM, keyed[0]));
}
END_TEST

START_TEST(ipc_get_leaves_a_taken_key_alone)
{
    char hex[16];
    key_t key = t_key(1, NULL);
    int id = t_get(T_SHM, key, IPC_CREAT | IPC_EXCL | 0600), priv[2];
    struct t_run r;

    ck_assert_int_ne(id, -1);
    snprintf(hex, sizeof hex, "%x", (unsigned int)key);
    t_run(&r, NULL, "chapters/ftok/ipc_get", "-K", hex, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "is in use already"));
    ck_assert_int_eq(t_lines(r.err), 1);
    ck_assert_int_eq(ids_on_lines(r.out, "IPC_PRIVATE", priv, 2), 2);
    ck_assert(!t_exists(T_SHM, priv[0]) && !t_exists(T_SHM, priv[1]));
    ck_assert(t_exists(T_SHM, id));     /* ours, untouched */
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

START_TEST(ipc_perm_demo)
{
    char expect[128];
    int ids[2];
    struct t_run r;

    t_run(&r, NULL, "chapters/ftok/ipc_perm", "-m", "0604", "-u", "100000", "-g", "100001", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(ids_on_lines(r.out, "key 0x00000000", ids, 2), 2);
    ck_assert_int_eq(ids[0], ids[1]);
    snprintf(expect, sizeof expect, "uid %u  gid %u  cuid %u  cgid %u  mode 0604\n",
             geteuid(), getegid(), geteuid(), getegid());
    ck_assert_msg(strstr(r.out, expect), "no \"%s\" in:\n%s", expect, r.out);
    snprintf(expect, sizeof expect, "uid 100000  gid 100001  cuid %u  cgid %u  mode 0600\n",
             geteuid(), getegid());
    ck_assert_msg(strstr(r.out, expect), "no \"%s\" in:\n%s", expect, r.out);
    ck_assert(!t_exists(T_SHM, ids[0]));
}
END_TEST

START_TEST(ipc_ids_demo)
{
    struct t_run r;
    int first = -1, id, seq, index, lines = 0;
    const char *line;

    t_run(&r, NULL, "chapters/ftok/ipc_ids", "-n", "3", NULL);
    ck_assert_int_eq(r.status, 0);
    /* Three ids and the line of the index coming back; fewer ids when other
     * processes making queues at the same time bring the index back sooner. */
    ck_assert_int_le(t_lines(r.out), 4);
    ck_assert_msg(strstr(r.out, " came back after "), "%s", r.out);
    for (line = r.out; (line = strstr(line, "id ")) != NULL; line++) {
        if (sscanf(line, "id %d = seq %d * 32768 + index %d", &id, &seq, &index) != 3)
            continue;
        ck_assert_int_eq(id, seq * IPCMNI + index);   /* the printed sum is right */
        if (first == -1)
            first = id;
        lines++;
        line = strchr(line, '\n');
        if (!line)
            break;
    }
    ck_assert_int_eq(lines, t_lines(r.out));
    ck_assert_int_ge(lines, 2);
    ck_assert_int_eq(index, first % IPCMNI);          /* the last line: index back */
    ck_assert_int_ne(id, first);                      /* ... in a new id */
}
END_TEST

START_TEST(ipc_ids_stops_on_ctrl_c)
{
    char prog[PATH_MAX];
    struct t_run r;

    /* timeout(1) sends SIGINT after half a second, as Ctrl-C would */
    snprintf(prog, sizeof prog, "%s/chapters/ftok/ipc_ids", t_top());
    t_run(&r, NULL, "/usr/bin/timeout", "--preserve-status", "-s", "INT", "0.5", prog, "-r", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strncmp(r.err, "ipc_ids: interrupted after ", 27) == 0, "%s", r.err);
    ck_assert_int_eq(t_lines(r.err), 1);
}
END_TEST

/* Every session of the chapter plays without an unexpected failure, and
 * shows what the book says it shows. A new session needs a row here. */
START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "keys.session",
          { "(matches)", "note: only the low 8 bits of the id count: 257 gives the same key as 1",
            "ftok_key: ftok missing.conf: ENOENT: No such file or directory" } },
        { "get.session", { "again  shmget -> EEXIST: File exists", "removal    shmget -> ENOENT",
                           "removed ids" } },
        { "perm.session", { "mode 0640", "uid 100000  gid 100000", "removed id" } },
        { "ids.session", { "index", " came back after ", "seq" } },
        { "ids-reuse.session", { "$ time ./ipc_ids -r -n 1", " came back after ", "real" } },
        { "ipcs.session", { "Shared memory id: ", "mode=0600", " not found" } },
    };

    t_play_sessions("ftok", expect, sizeof expect / sizeof expect[0], NULL);
}
END_TEST

static Suite *ftok_suite(void)
{
    Suite *s = suite_create("ftok");
    TCase *keys = tcase_create("keys"), *get = tcase_create("get");
    TCase *ids = tcase_create("ids"), *perm = tcase_create("perm");
    TCase *progs = tcase_create("programs"), *sessions = tcase_create("sessions");

    tcase_add_test(keys, same_file_same_key);
    tcase_add_test(keys, only_low_8_bits_of_id_count);
    tcase_add_test(keys, recreated_file_new_key);
    tcase_add_test(keys, missing_path_enoent);
    tcase_add_test(keys, unreachable_path_eacces);
    tcase_add_test(keys, key_recomputed_from_stat);
    tcase_add_test(keys, key_t_is_a_32_bit_int);
    tcase_add_test(keys, different_files_can_share_a_key);

    tcase_add_loop_test(get, private_key_new_object_each_time_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(get, creat_excl_on_existing_key_eexist_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(get, creat_opens_existing_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(get, missing_key_enoent_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(get, excl_alone_does_not_create_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(get, same_key_again_after_removal_each_kind, T_SHM, T_MSG + 1);
    tcase_add_test(get, private_object_open_to_any_process);

    tcase_add_test(ids, removed_id_not_reused_at_once);
    tcase_add_test(ids, same_id_comes_back_eventually);
    tcase_set_timeout(ids, 300);        /* millions of creations, under ASan too */

    tcase_add_loop_test(perm, umask_ignored_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(perm, mode_keeps_execute_bits_each_kind, T_SHM, T_MSG + 1);
    tcase_add_test(perm, mode_digits_are_octal);
    tcase_add_test(perm, only_shm_has_permission_macros);
    tcase_add_loop_test(perm, perm_seq_is_the_id_sequence_each_kind, T_SHM, T_MSG + 1);
    tcase_add_test(perm, owner_read_bit_allows_read_only_attach);
    tcase_add_test(perm, shm_exec_needs_execute_permission);
    tcase_add_loop_test(perm, ipc_set_changes_owner_not_creator_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(perm, other_user_without_permission_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(perm, group_bits_for_group_members_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(perm, owner_who_is_not_creator_may_ipc_set_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(perm, owner_with_mode_0_denied_each_kind, T_SHM, T_MSG + 1);

    tcase_add_loop_test(progs, bad_command_lines, 0, sizeof bad_lines / sizeof bad_lines[0]);
    tcase_add_test(progs, ipc_get_demo);
    tcase_add_test(progs, ipc_get_leaves_a_taken_key_alone);
    tcase_add_test(progs, ipc_perm_demo);
    tcase_add_test(progs, ipc_ids_demo);
    tcase_add_test(progs, ipc_ids_stops_on_ctrl_c);
    tcase_set_timeout(progs, 60);
    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 300);   /* ids-reuse.session: millions of creations */

    suite_add_tcase(s, keys);
    suite_add_tcase(s, get);
    suite_add_tcase(s, ids);
    suite_add_tcase(s, perm);
    suite_add_tcase(s, progs);
    suite_add_tcase(s, sessions);
    return s;
}

int main(void)
{
    return t_main(ftok_suite);
}
