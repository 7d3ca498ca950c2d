/* ipcclean.c: what ipcclean removes (by key, by creator, all of a user's),
 * and what it leaves: another user's objects, what we gave away, the
 * queues of another IPC namespace. */
#define _GNU_SOURCE
#include "tools.h"

#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

static int key_of(enum t_kind kind, int id)
{
    struct ipc_perm perm;

    ck_assert_int_eq(t_stat(kind, id, &perm), 0);
    return perm.__key;
}

/* ipcmk's objects (random keys), found and removed by key; -n removes nothing. */
START_TEST(ipcclean_key_removes_ipcmk_objects)
{
    static const struct { enum t_kind kind; const char *opt, *arg; } made[] = {
        { T_SHM, "-M", "4096" }, { T_SEM, "-S", "2" }, { T_MSG, "-Q", NULL },
    };
    char key[16], expect[128];
    struct t_run r;

    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        const char *kind = t_kind_name[made[i].kind];
        int id = ipcmk(made[i].kind, made[i].opt, made[i].arg);

        snprintf(key, sizeof key, "0x%08x", (unsigned int)key_of(made[i].kind, id));
        t_run(&r, NULL, "chapters/tools/ipcclean", "-n", "--key", key, NULL);
        snprintf(expect, sizeof expect, "would remove %s %d %s\n", kind, id, key);
        ck_assert_int_eq(r.status, 0);
        ck_assert_str_eq(r.out, expect);
        ck_assert_str_eq(r.err, "");
        ck_assert_msg(t_exists(made[i].kind, id), "-n removed %s %d", kind, id);
        t_run(&r, NULL, "chapters/tools/ipcclean", "-K", key, NULL);
        snprintf(expect, sizeof expect, "removed %s %d %s\n", kind, id, key);
        ck_assert_int_eq(r.status, 0);
        ck_assert_str_eq(r.out, expect);
        ck_assert_msg(!t_exists(made[i].kind, id), "%s %d is still there", kind, id);
        t_run(&r, NULL, "chapters/tools/ipcclean", "-K", key, NULL);   /* nothing left */
        ck_assert_int_eq(r.status, 0);
        ck_assert_str_eq(r.out, "");
    }
}
END_TEST

/* -k PATH:ID names the key as the demos make it (ftok). A segment still
 * attached is marked "dest" by the first run and not offered again. */
START_TEST(ipcclean_ftok_key_and_an_attached_segment)
{
    char path[PATH_MAX], arg[PATH_MAX + 8], expect[128];
    struct t_run r;
    key_t k = t_key(42, path);
    int id = t_get(T_SHM, k, IPC_CREAT | IPC_EXCL | 0600);
    void *p;

    ck_assert_int_ne(id, -1);
    ck_assert_ptr_ne(p = shmat(id, NULL, SHM_RDONLY), (void *)-1);
    snprintf(arg, sizeof arg, "%s:42", path);
    snprintf(expect, sizeof expect, "removed shm %d 0x%08x\n", id, (unsigned int)k);
    t_run(&r, NULL, "chapters/tools/ipcclean", "-k", arg, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, expect);
    ck_assert_int_eq(t_proc_mode(T_SHM, id) & SHM_DEST, SHM_DEST);
    t_run(&r, NULL, "chapters/tools/ipcclean", "-n", "-k", arg, NULL);  /* key 0 now */
    ck_assert_str_eq(r.out, "");
    snprintf(arg, sizeof arg, "%d", (int)getpid());
    t_run(&r, NULL, "chapters/tools/ipcclean", "-n", "--creator", arg, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");                        /* dest: not offered again */
    ck_assert_int_eq(shmdt(p), 0);
    ck_assert_msg(!t_exists(T_SHM, id), "segment %d outlived its last detach", id);
}
END_TEST

/* A queue we made and gave away with IPC_SET is its new owner's: ipcclean
 * leaves it, though IPC_RMID would let us, its creator, remove it. */
START_TEST(ipcclean_leaves_what_we_gave_away)
{
    char key[16];
    struct t_run r;
    key_t k = t_key(1, NULL);
    int id = t_get(T_MSG, k, IPC_CREAT | IPC_EXCL | 0600);

    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(t_set(T_MSG, id, nameless_uid(), T_KEEP, T_KEEP), 0);
    snprintf(key, sizeof key, "0x%08x", (unsigned int)k);
    t_run(&r, NULL, "chapters/tools/ipcclean", "--key", key, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    ck_assert_msg(t_exists(T_MSG, id), "ipcclean removed the queue %d we gave away", id);
    ck_assert_int_eq(t_rm(T_MSG, id), 0);                    /* the creator may */
}
END_TEST

/* A child makes a segment, a set and a queue, and exits: --creator PID
 * finds the segment only (shm_cpid); sets and queues keep no creator pid. */
static int make_three(void *unused)
{
    (void)unused;
    printf("%d %d %d\n", shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600),
           semget(IPC_PRIVATE, 1, IPC_CREAT | 0600), msgget(IPC_PRIVATE, IPC_CREAT | 0600));
    return 0;
}

static int creator_steps(void *unused)
{
    char text[64] = "", pid_text[16], expect[128];
    struct t_proc creator;
    struct t_run r;
    int ids[3];

    (void)unused;
    t_fork(&creator, 0, make_three, NULL);
    NEED(t_read_until(creator.out, text, sizeof text, "\n"));
    NEED(t_wait(&creator) == 0);
    NEED(sscanf(text, "%d %d %d", &ids[0], &ids[1], &ids[2]) == 3);
    NEED(ids[0] != -1 && ids[1] != -1 && ids[2] != -1);
    text_of(pid_text, sizeof pid_text, creator.pid);
    t_run(&r, NULL, "chapters/tools/ipcclean", "-n", "--creator", pid_text, NULL);
    snprintf(expect, sizeof expect, "would remove shm %d 0x00000000\n", ids[0]);
    NEED(r.status == 0 && strcmp(r.out, expect) == 0 && t_exists(T_SHM, ids[0]));
    t_run(&r, NULL, "chapters/tools/ipcclean", "-c", pid_text, NULL);
    snprintf(expect, sizeof expect, "removed shm %d 0x00000000\n", ids[0]);
    NEED(r.status == 0 && strcmp(r.out, expect) == 0);
    NEED(!t_exists(T_SHM, ids[0]) && t_exists(T_SEM, ids[1]) && t_exists(T_MSG, ids[2]));
    return 0;
}

START_TEST(ipcclean_creator_matches_segments_only)
{
    T_IN_PRIVATE_IPC(creator_steps, NULL);
}
END_TEST

/* --- all of one user's ----------------------------------------------------------- */

/* Are all six there (WANT) or all gone (!WANT)? */
static bool six_are(const struct six *s, bool want)
{
    for (int k = T_SHM; k <= T_MSG; k++)
        if (t_exists(k, s->ids[k]) != want || (access(s->paths[k], F_OK) == 0) != want)
            return false;
    return true;
}

/* OUT has exactly the six lines, in any order (VERB: "removed" or "would
 * remove"). */
static bool six_lines(const char *out, const struct six *s, const char *verb)
{
    static const char *const posix_kind[3] = { "posix-shm", "posix-sem", "posix-mq" };
    char line[PATH_MAX + 64];

    for (int k = T_SHM; k <= T_MSG; k++) {
        snprintf(line, sizeof line, "%s %s %d 0x00000000\n", verb, t_kind_name[k], s->ids[k]);
        if (strstr(out, line) == NULL)
            return false;
        snprintf(line, sizeof line, "%s %s %s\n", verb, posix_kind[k], s->paths[k]);
        if (strstr(out, line) == NULL)
            return false;
    }
    return t_lines(out) == 6;
}

/* A plain user (a uid other than 0: ipcclean's rule for root is by uid):
 * with no filter (and with --mine) all six of its objects match, -n removes
 * none, then they all go; nothing else is touched: not a directory of ours
 * in /dev/shm nor the file in it, not a symbolic link of ours to that file. */
static int plain_user_steps(void *unused)
{
    struct six s;
    struct t_run r;
    struct stat st;
    int fd;

    (void)unused;
    NEED(make_six(&s) == 0);
    NEED(mkdir("/dev/shm/dir", 0700) == 0);
    NEED((fd = open("/dev/shm/dir/file", O_WRONLY | O_CREAT | O_EXCL, 0600)) != -1);
    close(fd);
    NEED(symlink("dir/file", "/dev/shm/link") == 0);
    t_run(&r, NULL, "chapters/tools/ipcclean", "-n", NULL);
    NEED(r.status == 0 && strcmp(r.err, "") == 0);
    NEED(six_lines(r.out, &s, "would remove") && six_are(&s, true));
    t_run(&r, NULL, "chapters/tools/ipcclean", "-n", "--mine", NULL);
    NEED(r.status == 0 && six_lines(r.out, &s, "would remove") && six_are(&s, true));
    t_run(&r, NULL, "chapters/tools/ipcclean", NULL);
    NEED(r.status == 0 && strcmp(r.err, "") == 0);
    NEED(six_lines(r.out, &s, "removed") && six_are(&s, false));
    t_run(&r, NULL, "chapters/tools/ipcclean", NULL);
    NEED(r.status == 0 && strcmp(r.out, "") == 0);
    NEED(lstat("/dev/shm/link", &st) == 0 && S_ISLNK(st.st_mode));
    NEED(stat("/dev/shm/dir/file", &st) == 0 && S_ISREG(st.st_mode));
    return 0;
}

/* Root, in a namespace of its own: its six objects, then nobody's six,
 * which nobody removes with no filter, leaving root's; root must name a
 * filter, and --mine takes its own. */
static int root_and_nobody_steps(void *unused)
{
    struct six s;
    struct t_run r;

    (void)unused;
    NEED(make_six(&s) == 0);
    NEED(t_as_stranger(plain_user_steps, NULL) == 0);
    NEED(six_are(&s, true));
    t_run(&r, NULL, "chapters/tools/ipcclean", NULL);
    NEED(r.status == 2 && strcmp(r.out, "") == 0 && t_lines(r.err) == 1 && six_are(&s, true));
    t_run(&r, NULL, "chapters/tools/ipcclean", "-u", NULL);
    NEED(r.status == 0 && six_lines(r.out, &s, "removed") && six_are(&s, false));
    return 0;
}

/* Without a second user, the test process is the plain user, in a namespace
 * of its own. With one, root and nobody share a namespace: only root with
 * CAP_SYS_ADMIN can make it (in a user namespace of root's, nobody has no
 * uid). */
START_TEST(ipcclean_no_filter_takes_all_of_a_plain_users)
{
    int status;

    if (t_can_be_stranger()) {
        T_NEED_CAP(CAP_SYS_ADMIN, "(an IPC namespace that root and nobody share)");
        T_IN_PRIVATE_IPC(root_and_nobody_steps, NULL);
        return;
    }
    if (geteuid() == 0)                 /* ipcclean's rule is by uid: root names a filter */
        T_SKIP(t_why_no_stranger());
    status = t_private_ipc_as_me(plain_user_steps, NULL);
    if (status == -1)
        T_SKIP(t_why_not());
    ck_assert_msg(status == 0, "plain_user_steps: status %d (its failed step is on stderr)",
                  status);
}
END_TEST

/* With no mqueue filesystem mounted, ipcclean says so in one line on stderr
 * and goes on; with one, it says nothing. The namespace's own mqueue mount
 * is taken away first (one inherited from the machine may stay: a user
 * namespace cannot unmount it, and then the other answer is checked: the
 * machine's queues are not this namespace's, and ipcclean leaves them). */
static int no_mqueue_steps(void *unused)
{
    const char *dir;
    struct t_run r;
    int id;

    (void)unused;
    while ((dir = t_mqueue_mount()) != NULL && umount2(dir, MNT_DETACH) == 0)
        ;
    NEED((id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600)) != -1);
    t_run(&r, NULL, "chapters/tools/ipcclean", "--mine", NULL);
    NEED(r.status == 0 && !t_exists(T_SHM, id));
    if (dir == NULL)
        NEED(strcmp(r.err, "ipcclean: no mqueue filesystem is mounted: POSIX message queues "
                           "not looked for\n") == 0);
    else                    /* the machine's mount: its queues are left alone */
        NEED(strcmp(r.err, "") == 0 || strstr(r.err, "of another IPC namespace") != NULL);
    return 0;
}

START_TEST(ipcclean_says_when_no_mqueue_is_mounted)
{
    T_IN_PRIVATE_IPC(no_mqueue_steps, NULL);
}
END_TEST

/* In a shell of `unshare -i` the mqueue mount still shows the queues of the
 * namespace it was mounted in: ipcclean offers our queue outside such a
 * shell, and inside it leaves the queue alone and says why. Played in a
 * namespace of our own, which stands for the machine's: in it we may make
 * another (unshare --ipc needs CAP_SYS_ADMIN, which we have there). */
static int other_namespace_steps(void *unused)
{
    const char *dir = t_mqueue_mount();
    char name[64], offer[PATH_MAX + 64], note[PATH_MAX + 64];
    struct t_run r;

    (void)unused;
    NEED(dir != NULL);
    t_posix_name(name);
    NEED(mq_open(name, O_CREAT | O_EXCL | O_RDONLY, 0600, NULL) != (mqd_t)-1);
    snprintf(offer, sizeof offer, "would remove posix-mq %s%s\n", dir, name);
    snprintf(note, sizeof note, "ipcclean: %s shows queues of another IPC namespace: "
                                "left alone\n", dir);
    t_run(&r, NULL, "chapters/tools/ipcclean", "-n", "--mine", NULL);
    NEED(r.status == 0 && strstr(r.out, offer) != NULL);
    t_run(&r, NULL, "/usr/bin/unshare", "--ipc", copy_of("chapters/tools/ipcclean"), "-n",
          "--mine", NULL);
    NEED(r.status == 0);
    NEED(strstr(r.out, offer) == NULL);
    NEED(strstr(r.err, note) != NULL);
    return 0;
}

START_TEST(ipcclean_leaves_another_namespaces_queues)
{
    T_IN_PRIVATE_IPC(other_namespace_steps, NULL);
}
END_TEST

/* Root (or a user who is root in a user namespace) must give a filter:
 * exit 2, one line, nothing removed. Played in a namespace of our own, so
 * that a mistake could not reach anyone's objects. */
static int root_refuses_steps(void *unused)
{
    struct t_run r;
    int id;

    (void)unused;
    NEED((id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600)) != -1);
    t_run(&r, NULL, "chapters/tools/ipcclean", NULL);
    NEED(r.status == 2 && strcmp(r.out, "") == 0);
    NEED(strcmp(r.err, "ipcclean: as root, name what to remove: --mine, --key or --creator "
                       "(see ipcclean --help)\n") == 0);
    t_run(&r, NULL, "chapters/tools/ipcclean", "-n", NULL);
    NEED(r.status == 2 && strcmp(r.out, "") == 0 && t_lines(r.err) == 1);
    NEED(t_exists(T_SHM, id));
    return 0;
}

START_TEST(ipcclean_as_root_needs_a_filter)
{
    T_IN_PRIVATE_IPC(root_refuses_steps, NULL);
}
END_TEST

/* --- another user's ------------------------------------------------------------- */

/* Nobody asks for our objects by key (KEYS): none is removed. */
static int nobody_tries_keys(void *keys)
{
    char key[16];
    struct t_run r;

    for (int k = T_SHM; k <= T_MSG; k++) {
        snprintf(key, sizeof key, "0x%08x", (unsigned int)((key_t *)keys)[k]);
        t_run(&r, NULL, "chapters/tools/ipcclean", "--key", key, NULL);
        NEED(r.status == 0 && strcmp(r.err, "") == 0);
        NEED(strcmp(r.out, "") == 0);
    }
    return 0;
}

/* We ask for nobody's objects by key: none is removed; nobody asks for ours
 * by key: none either. */
START_TEST(ipcclean_never_takes_another_users)
{
    int others[3], mine[3];
    key_t keys[3], my_keys[3];
    char key[16];
    struct t_run r;

    T_NEED_STRANGER();
    made_by_nobody(others, keys);
    for (int k = T_SHM; k <= T_MSG; k++) {
        snprintf(key, sizeof key, "0x%08x", (unsigned int)keys[k]);
        t_run(&r, NULL, "chapters/tools/ipcclean", "--key", key, NULL);
        ck_assert_int_eq(r.status, 0);
        ck_assert_str_eq(r.out, "");
        ck_assert_msg(t_exists(k, others[k]), "ipcclean removed nobody's %s %d", t_kind_name[k],
                      others[k]);
        my_keys[k] = t_key(1, NULL);
        mine[k] = t_get(k, my_keys[k], IPC_CREAT | 0600);
        ck_assert_int_ne(mine[k], -1);
    }
    ck_assert_msg(t_as_stranger(nobody_tries_keys, my_keys) == 0,
                  "ipcclean --key, run by nobody on our keys, did something (see stderr)");
    for (int k = T_SHM; k <= T_MSG; k++) {
        ck_assert_msg(t_exists(k, mine[k]), "nobody's ipcclean removed our %s %d",
                      t_kind_name[k], mine[k]);
        ck_assert_int_eq(t_rm(k, mine[k]), 0);
    }
    nobody_removes(others);
}
END_TEST

void add_ipcclean_tests(Suite *s)
{
    TCase *tc = tcase_create("ipcclean");

    tcase_add_test(tc, ipcclean_key_removes_ipcmk_objects);
    tcase_add_test(tc, ipcclean_creator_matches_segments_only);
    tcase_add_test(tc, ipcclean_no_filter_takes_all_of_a_plain_users);
    tcase_add_test(tc, ipcclean_as_root_needs_a_filter);
    tcase_add_test(tc, ipcclean_says_when_no_mqueue_is_mounted);
    tcase_add_test(tc, ipcclean_never_takes_another_users);
    tcase_add_test(tc, ipcclean_leaves_what_we_gave_away);
    tcase_add_test(tc, ipcclean_ftok_key_and_an_attached_segment);
    tcase_add_test(tc, ipcclean_leaves_another_namespaces_queues);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
