/* perm.c: modes, owners and creators, other users (claims ids-14, perm-1 to
 * perm-9). Tests named *_each_kind run once for each kind: _i is the kind.
 * A step run in a child (as nobody, or without capabilities) is a NEED that
 * names itself on stderr when it does not hold. */
#define _GNU_SOURCE
#include "ftok.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

/* RUN(FN, ARG) (t_unprivileged or t_as_stranger) must return 0. */
#define HOLDS(run, fn, arg) do { \
        int status_ = run(fn, arg); \
        ck_assert_msg(status_ == 0, "%s(%s): status %d, not 0 (its failed step is on stderr)", \
                      #run, #fn, status_); \
    } while (0)

/* The object's mode, as IPC_STAT gives it, must be MODE. */
static void mode_is(enum t_kind kind, int id, unsigned int mode)
{
    struct ipc_perm perm;

    ck_assert_msg(t_stat(kind, id, &perm) == 0, "IPC_STAT %s %d: %s", t_kind_name[kind], id,
                  strerrorname_np(errno));
    ck_assert_msg((perm.mode & 0777) == mode, "%s %d: mode 0%o, not 0%o", t_kind_name[kind], id,
                  perm.mode & 0777, mode);
}

START_TEST(umask_ignored_each_kind)
{
    struct stat st;
    char path[PATH_MAX];
    mode_t old = umask(077);
    int id = must_get(_i, IPC_PRIVATE, IPC_CREAT | 0644);
    int fd;

    t_new_file(path);                   /* a file made under the same umask */
    ck_assert_int_eq(unlink(path), 0);
    fd = open(path, O_CREAT | O_WRONLY, 0644);
    umask(old);
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(fstat(fd, &st), 0);
    close(fd);
    ck_assert_msg((st.st_mode & 0777) == 0600, "file: mode 0%o, not 0600", st.st_mode & 0777);
    mode_is(_i, id, 0644);
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

START_TEST(mode_keeps_execute_bits_each_kind)
{
    int id = must_get(_i, IPC_PRIVATE, IPC_CREAT | 0777);

    mode_is(_i, id, 0777);
    ck_assert_int_eq(t_set(_i, id, T_KEEP, T_KEEP, 0751), 0);
    mode_is(_i, id, 0751);
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

START_TEST(mode_digits_are_octal)
{
    int id = must_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 640);   /* decimal 640 = 01200 */
    int mode = t_proc_mode(T_SHM, id) & 0777;

    /* write-only for the owner, so IPC_STAT may be refused: ask /proc */
    ck_assert_msg(mode == 0200, "mode 0%o, not 0200", mode);
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
    int id = must_get(_i, IPC_PRIVATE, IPC_CREAT | 0600);

    ck_assert_int_eq(t_stat(_i, id, &perm), 0);
    ck_assert_int_eq(perm.__seq, id / IPCMNI);
    ck_assert_int_eq(t_rm(_i, id), 0);
}
END_TEST

/* Without capabilities, on its own segment with mode 0400. */
static int read_only_owner_steps(void *unused)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0400);
    void *p;

    (void)unused;
    NEED(id != -1);
    NEED((p = shmat(id, NULL, SHM_RDONLY)) != (void *)-1 && shmdt(p) == 0);
    NEED(shmat(id, NULL, 0) == (void *)-1 && errno == EACCES);     /* read and write */
    NEED(t_rm(T_SHM, id) == 0);
    return 0;
}

START_TEST(owner_read_bit_allows_read_only_attach)
{
    HOLDS(t_unprivileged, read_only_owner_steps, NULL);
}
END_TEST

/* Without capabilities, on its own segment. */
static int shm_exec_steps(void *unused)
{
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    void *p;

    (void)unused;
    NEED(id != -1);
    NEED((p = shmat(id, NULL, 0)) != (void *)-1 && shmdt(p) == 0);   /* rw- is enough */
    NEED(shmat(id, NULL, SHM_EXEC) == (void *)-1 && errno == EACCES); /* no x: refused */
    NEED(t_set(T_SHM, id, T_KEEP, T_KEEP, 0700) == 0);
    NEED((p = shmat(id, NULL, SHM_EXEC)) != (void *)-1 && shmdt(p) == 0);
    NEED(t_rm(T_SHM, id) == 0);
    return 0;
}

START_TEST(shm_exec_needs_execute_permission)
{
    HOLDS(t_unprivileged, shm_exec_steps, NULL);
}
END_TEST

/* A new object's owner (uid, gid) and creator (cuid, cgid) are all the
 * caller's effective ids: here, and in a plain process (nobody, where this
 * process may become it). *ARG is the kind. */
static int new_object_is_callers(void *arg)
{
    enum t_kind kind = *(enum t_kind *)arg;
    struct ipc_perm perm;
    int id = t_get(kind, IPC_PRIVATE, IPC_CREAT | 0600);

    NEED(id != -1);
    NEED(t_stat(kind, id, &perm) == 0);
    NEED(t_rm(kind, id) == 0);
    NEED_EQ(perm.uid, geteuid());
    NEED_EQ(perm.gid, getegid());
    NEED_EQ(perm.cuid, geteuid());
    NEED_EQ(perm.cgid, getegid());
    return 0;
}

START_TEST(new_object_owner_and_creator_are_caller_each_kind)
{
    enum t_kind kind = _i;

    ck_assert_int_eq(new_object_is_callers(&kind), 0);
    HOLDS(t_unprivileged, new_object_is_callers, &kind);
}
END_TEST

/* Seeds 001 and 003 list ipc_perm's members key and seq (001: ushort seq,
 * 003: ulong_t seq). glibc names them __key and __seq: a program that
 * writes perm.seq or perm.key does not compile. __seq is an unsigned short,
 * as the kernel's own is. */
START_TEST(ipc_perm_key_and_seq_names)
{
    static const char seed[] = "#include <sys/ipc.h>\n"
                               "long f(struct ipc_perm *p) { return p->key + p->seq; }\n";
    static const char glibc[] = "#include <sys/ipc.h>\n"
                                "long f(struct ipc_perm *p) { return p->__key + p->__seq; }\n";
    struct ipc_perm perm;
    int c;

    _Static_assert(__builtin_types_compatible_p(__typeof__(perm.__seq), unsigned short),
                   "__seq is an unsigned short");
    _Static_assert(__builtin_types_compatible_p(__typeof__(perm.__key), key_t), "__key is a key_t");
    (void)perm;
    if ((c = compiles(seed)) == -1)
        T_SKIP("no C compiler (cc, or $CC) to try the seeds' names with");
    ck_assert_msg(c == 0, "p->key and p->seq compile");
    ck_assert_msg(compiles(glibc) == 1, "p->__key and p->__seq do not compile");
}
END_TEST

START_TEST(ipc_set_changes_owner_not_creator_each_kind)
{
    struct ipc_perm perm;
    int id = must_get(_i, IPC_PRIVATE, IPC_CREAT | 0600);

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

/* As nobody, on the test's object, when no bit lets it read (mode 0600, or
 * 0640 and a group it is not in). */
static int refused_steps(void *arg)
{
    const struct object *o = arg;
    struct ipc_perm perm;

    NEED(t_get(o->kind, o->key, 0) == o->id);       /* asking for no access is not checked */
    NEED(t_get(o->kind, o->key, 0400) == -1 && errno == EACCES);
    NEED(t_stat(o->kind, o->id, &perm) == -1 && errno == EACCES);
    NEED(t_rm(o->kind, o->id) == -1 && errno == EPERM);    /* neither owner nor creator */
    return 0;
}

/* As nobody, once the mode lets others (0604) or nobody's group (0640) read:
 * reading is allowed, writing is not. */
static int read_not_write_steps(void *arg)
{
    const struct object *o = arg;
    struct ipc_perm perm;

    NEED(t_get(o->kind, o->key, 0400) == o->id);
    NEED(t_stat(o->kind, o->id, &perm) == 0);
    NEED(t_get(o->kind, o->key, 0200) == -1 && errno == EACCES);
    return 0;
}

START_TEST(other_user_without_permission_each_kind)
{
    struct object o = { .kind = _i, .key = t_key(1, NULL) };

    T_NEED_STRANGER();
    o.id = must_get(_i, o.key, IPC_CREAT | IPC_EXCL | 0600);
    HOLDS(t_as_stranger, refused_steps, &o);
    /* the other bits decide for others */
    ck_assert_int_eq(t_set(_i, o.id, T_KEEP, T_KEEP, 0604), 0);
    HOLDS(t_as_stranger, read_not_write_steps, &o);
    ck_assert_int_eq(t_rm(_i, o.id), 0);
}
END_TEST

START_TEST(group_bits_for_group_members_each_kind)
{
    struct object o = { .kind = _i, .key = t_key(1, NULL) };

    T_NEED_STRANGER();
    o.id = must_get(_i, o.key, IPC_CREAT | IPC_EXCL | 0640);
    /* nobody's group: nobody reads as a member */
    ck_assert_int_eq(t_set(_i, o.id, T_KEEP, t_plain_gid(), T_KEEP), 0);
    HOLDS(t_as_stranger, read_not_write_steps, &o);
    /* group 0, which nobody is not in (it runs without supplementary
     * groups): it gets the other bits, none */
    ck_assert_int_eq(t_set(_i, o.id, T_KEEP, 0, T_KEEP), 0);
    HOLDS(t_as_stranger, refused_steps, &o);
    ck_assert_int_eq(t_rm(_i, o.id), 0);
}
END_TEST

/* As nobody, made the owner of the test's object (mode 0600). */
static int owner_ipc_set_steps(void *arg)
{
    const struct object *o = arg;

    NEED(t_set(o->kind, o->id, T_KEEP, T_KEEP, 0644) == 0);
    return 0;
}

/* As nobody, no longer the owner (mode 0644 lets anyone read, so the
 * refusal is IPC_SET's own). */
static int stranger_ipc_set_steps(void *arg)
{
    const struct object *o = arg;

    NEED(t_set(o->kind, o->id, T_KEEP, T_KEEP, 0666) == -1 && errno == EPERM);
    return 0;
}

START_TEST(owner_who_is_not_creator_may_ipc_set_each_kind)
{
    struct object o = { .kind = _i };

    T_NEED_STRANGER();
    o.id = must_get(_i, IPC_PRIVATE, IPC_CREAT | 0600);
    ck_assert_int_eq(t_set(_i, o.id, t_plain_uid(), t_plain_gid(), T_KEEP), 0);
    HOLDS(t_as_stranger, owner_ipc_set_steps, &o);
    mode_is(_i, o.id, 0644);
    /* back to us: now nobody is neither owner nor creator */
    ck_assert_int_eq(t_set(_i, o.id, geteuid(), T_KEEP, T_KEEP), 0);
    HOLDS(t_as_stranger, stranger_ipc_set_steps, &o);
    ck_assert_int_eq(t_rm(_i, o.id), 0);    /* as the creator: no CAP_SYS_ADMIN needed */
}
END_TEST

/* Without capabilities (CAP_IPC_OWNER among them), on its own object with
 * mode 0. */
static int owner_mode_0_steps(void *arg)
{
    const struct object *o = arg;
    struct ipc_perm perm;
    int id = t_get(o->kind, o->key, IPC_CREAT | IPC_EXCL | 0);

    NEED(id != -1);
    NEED(t_get(o->kind, o->key, 0600) == -1 && errno == EACCES);
    NEED(t_stat(o->kind, id, &perm) == -1 && errno == EACCES);
    NEED(t_rm(o->kind, id) == 0);       /* the owner may remove it all the same */
    return 0;
}

START_TEST(owner_with_mode_0_denied_each_kind)
{
    struct object o = { .kind = _i, .key = t_key(1, NULL) };
    struct ipc_perm perm;

    HOLDS(t_unprivileged, owner_mode_0_steps, &o);
    /* CAP_IPC_OWNER passes every mode check; root in a container lacks it */
    T_NEED_CAP(CAP_IPC_OWNER, "(to pass the mode check; the refusal without it was checked)");
    o.id = must_get(_i, o.key, IPC_CREAT | IPC_EXCL | 0);
    ck_assert_int_eq(t_get(_i, o.key, 0600), o.id);
    ck_assert_int_eq(t_stat(_i, o.id, &perm), 0);
    ck_assert_int_eq(t_rm(_i, o.id), 0);
}
END_TEST

void add_perm_tests(Suite *s)
{
    TCase *tc = tcase_create("perm");

    tcase_add_loop_test(tc, umask_ignored_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(tc, mode_keeps_execute_bits_each_kind, T_SHM, T_MSG + 1);
    tcase_add_test(tc, mode_digits_are_octal);
    tcase_add_test(tc, only_shm_has_permission_macros);
    tcase_add_loop_test(tc, perm_seq_is_the_id_sequence_each_kind, T_SHM, T_MSG + 1);
    tcase_add_test(tc, owner_read_bit_allows_read_only_attach);
    tcase_add_test(tc, shm_exec_needs_execute_permission);
    tcase_add_test(tc, ipc_perm_key_and_seq_names);
    tcase_add_loop_test(tc, new_object_owner_and_creator_are_caller_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(tc, ipc_set_changes_owner_not_creator_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(tc, other_user_without_permission_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(tc, group_bits_for_group_members_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(tc, owner_who_is_not_creator_may_ipc_set_each_kind, T_SHM, T_MSG + 1);
    tcase_add_loop_test(tc, owner_with_mode_0_denied_each_kind, T_SHM, T_MSG + 1);
    suite_add_tcase(s, tc);
}
