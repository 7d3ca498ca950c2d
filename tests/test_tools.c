/* test_tools.c: ipcs, ipcrm, ipcmk and our ipcls and ipcclean (chapters/tools).
 * Each test decides one or more claims of chapters/tools/claims.tsv.
 *
 * Listings are compared for the objects a test made, never whole: other
 * objects come and go while we run. Whatever removes "everything of mine"
 * (ipcclean with no filter or --mine) runs only in an IPC namespace of its
 * own, where it cannot reach the objects of another run by the same user.
 * Ids made inside such a namespace are not recorded for the leak guard: the
 * guard would look for them in the machine's namespace, where the same
 * numbers may be somebody else's. */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pwd.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* --- helpers ------------------------------------------------------------------- */

static void text_of(char *buf, size_t size, long n)
{
    snprintf(buf, size, "%ld", n);
}

/* Run a shell command line; $0 and $1 are ARG0 and ARG1 (may be NULL). */
static void sh(struct t_run *r, const char *cmd, const char *arg0, const char *arg1)
{
    t_run(r, NULL, "/bin/sh", "-c", cmd, arg0 ? arg0 : "sh", arg1, NULL);
}

/* An id printed by ipcmk ("Shared memory id: 42"), recorded for the guard
 * (unless made in a namespace of our own: IN_NS). */
static int ipcmk(enum t_kind kind, const char *opt, const char *arg, bool in_ns)
{
    struct t_run r;
    const char *colon;
    int id;

    if (arg != NULL)
        t_run(&r, NULL, "/usr/bin/ipcmk", opt, arg, "-p", "0640", NULL);
    else
        t_run(&r, NULL, "/usr/bin/ipcmk", opt, "-p", "0640", NULL);
    ck_assert_msg(r.status == 0, "ipcmk %s: %d %s", opt, r.status, r.err);
    colon = strrchr(r.out, ':');
    ck_assert_ptr_nonnull(colon);
    id = atoi(colon + 1);
    if (!in_ns)
        t_track(kind, id);
    return id;
}

/* A uid the user database has no name for: ipcs shows the number. */
static unsigned int nameless_uid(void)
{
    for (unsigned int uid = 54321; uid < 60000; uid++)
        if (getpwuid(uid) == NULL)
            return uid;
    ck_abort_msg("every uid from 54321 to 59999 has a name");
    return 0;
}

/* --- listings: parsed rows ---------------------------------------------------- */

struct row {
    enum t_kind kind;
    int nfields;
    char field[8][40];
    char line[256];
};

/* The rows of an ipcs -a style listing, each under its section. */
static int parse_listing(const char *text, struct row *rows, int max)
{
    enum t_kind kind = T_SHM;
    int n = 0;
    bool in_section = false;

    for (const char *p = text; *p != '\0' && n < max;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char line[256];

        snprintf(line, sizeof line, "%.*s", (int)(len < 255 ? len : 255), p);
        if (strncmp(line, "------ Message Queues ", 22) == 0)
            kind = T_MSG, in_section = true;
        else if (strncmp(line, "------ Shared Memory Segments ", 30) == 0)
            kind = T_SHM, in_section = true;
        else if (strncmp(line, "------ Semaphore Arrays ", 24) == 0)
            kind = T_SEM, in_section = true;
        else if (in_section && strncmp(line, "0x", 2) == 0) {
            struct row *r = &rows[n++];
            char copy[256], *save, *tok;

            r->kind = kind;
            snprintf(r->line, sizeof r->line, "%s", line);
            snprintf(copy, sizeof copy, "%s", line);
            r->nfields = 0;
            for (tok = strtok_r(copy, " ", &save); tok && r->nfields < 8;
                 tok = strtok_r(NULL, " ", &save))
                snprintf(r->field[r->nfields++], sizeof r->field[0], "%s", tok);
        }
        p += len + (end != NULL);
    }
    return n;
}

static const struct row *find_row(const struct row *rows, int n, enum t_kind kind, int id)
{
    char id_text[16];

    text_of(id_text, sizeof id_text, id);
    for (int i = 0; i < n; i++)
        if (rows[i].kind == kind && strcmp(rows[i].field[1], id_text) == 0)
            return &rows[i];
    return NULL;
}

/* The section titles and headers, and the rows whose id is in IDS (a
 * space-separated list), of "PROG ARGS": a busy machine's whole list may not
 * fit in r.out. */
static void listing(struct t_run *r, const char *prog_args, const char *ids)
{
    char cmd[512];

    snprintf(cmd, sizeof cmd,
             "%s | awk -v ids=\"$1\" 'BEGIN { n = split(ids, a, \" \"); "
             "for (i = 1; i <= n; i++) want[a[i]] = 1 } !/^0x/ || ($2 in want)'",
             prog_args);
    sh(r, cmd, "sh", ids);
    ck_assert_msg(r->status == 0, "%s: status %d: %s", prog_args, r->status, r->err);
}

struct made {
    enum t_kind kind;
    int id;
};

/* For each object: ipcs -a and ipcls show one row each, equal field by
 * field (and, as it happens, byte for byte). */
static void compare_with_ipcs(const struct made *objs, int n)
{
    static struct row theirs[64], ours[64];
    char ids[512] = "", cmd[PATH_MAX + 16];
    struct t_run r;
    int nt, no;

    for (int i = 0; i < n; i++)
        snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%d ", objs[i].id);
    listing(&r, "ipcs -a", ids);
    nt = parse_listing(r.out, theirs, 64);
    snprintf(cmd, sizeof cmd, "%s/chapters/tools/ipcls", t_top());
    listing(&r, cmd, ids);
    no = parse_listing(r.out, ours, 64);
    for (int i = 0; i < n; i++) {
        const struct row *a = find_row(theirs, nt, objs[i].kind, objs[i].id);
        const struct row *b = find_row(ours, no, objs[i].kind, objs[i].id);

        ck_assert_msg(a != NULL, "ipcs -a has no %s %d", t_kind_name[objs[i].kind], objs[i].id);
        ck_assert_msg(b != NULL, "ipcls has no %s %d", t_kind_name[objs[i].kind], objs[i].id);
        ck_assert_int_eq(a->nfields, b->nfields);
        for (int f = 0; f < a->nfields; f++)
            ck_assert_msg(strcmp(a->field[f], b->field[f]) == 0, "%s %d field %d: ipcs %s, ipcls %s",
                          t_kind_name[objs[i].kind], objs[i].id, f, a->field[f], b->field[f]);
        ck_assert_str_eq(a->line, b->line);
    }
}

/* --- ipcls against ipcs ---------------------------------------------------------- */

/* Objects of every kind and state, made by our programs and by ipcmk: a
 * segment attached and removed (dest, key 0), one locked in memory, one
 * with a key, a set, a queue holding messages, a queue whose owner has no
 * name. ipcs -a and ipcls show the same row for each. */
START_TEST(ipcls_rows_equal_ipcs_rows)
{
    struct made objs[12];
    char key[16], id_text[32];              /* two ids of up to 10 digits */
    struct t_run r;
    struct msqid_ds ds;
    void *at;
    char cmd[PATH_MAX + 128];
    int n = 0, dest, locked;
    bool is_locked;

    t_run(&r, NULL, "chapters/shm/shm_create", "-m", "0640", "100", NULL);
    dest = t_created(&r, T_SHM);
    objs[n++] = (struct made){ T_SHM, dest };
    at = shmat(dest, NULL, 0);
    ck_assert_ptr_ne(at, (void *)-1);
    ck_assert_int_eq(t_rm(T_SHM, dest), 0);                  /* attached: dest */
    snprintf(key, sizeof key, "0x%08x", (unsigned int)t_key(1, NULL));
    t_run(&r, NULL, "chapters/shm/shm_create", "-K", key, "5000", NULL);
    locked = t_created(&r, T_SHM);
    objs[n++] = (struct made){ T_SHM, locked };
    is_locked = shmctl(locked, SHM_LOCK, NULL) == 0;   /* where we may lock */
    snprintf(key, sizeof key, "0x%08x", (unsigned int)t_key(0x81, NULL));   /* high bit */
    ck_assert(key[2] >= '8');
    t_run(&r, NULL, "chapters/shm/shm_create", "-m", "0751", "-K", key, "64", NULL);
    objs[n++] = (struct made){ T_SHM, t_created(&r, T_SHM) };        /* execute bits too */
    t_run(&r, NULL, "chapters/sem/sem_create", "-m", "0444", "3", NULL);
    objs[n++] = (struct made){ T_SEM, t_created(&r, T_SEM) };
    t_run(&r, NULL, "chapters/msg/msg_create", "-m", "0604", NULL);
    objs[n++] = (struct made){ T_MSG, t_created(&r, T_MSG) };
    text_of(id_text, sizeof id_text, objs[n - 1].id);
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "1", "hello", NULL);
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "2", "!", NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "chapters/msg/msg_create", NULL);
    objs[n++] = (struct made){ T_MSG, t_created(&r, T_MSG) };
    ck_assert_int_eq(msgctl(objs[n - 1].id, IPC_STAT, &ds), 0);
    ds.msg_perm.uid = nameless_uid();         /* the creator may give it away */
    ck_assert_int_eq(msgctl(objs[n - 1].id, IPC_SET, &ds), 0);
    objs[n++] = (struct made){ T_SHM, ipcmk(T_SHM, "-M", "4097", false) };
    objs[n++] = (struct made){ T_SEM, ipcmk(T_SEM, "-S", "2", false) };
    objs[n++] = (struct made){ T_MSG, ipcmk(T_MSG, "-Q", NULL, false) };

    compare_with_ipcs(objs, n);
    /* the states are there, not just alike */
    snprintf(id_text, sizeof id_text, "%d %d", dest, locked);
    snprintf(cmd, sizeof cmd, "%s/chapters/tools/ipcls -m | awk -v d=\"${1%% *}\" "
             "-v l=\"${1#* }\" '$2 == d || $2 == l { print $7 }' | sort", t_top());
    sh(&r, cmd, "sh", id_text);
    ck_assert_str_eq(r.out, is_locked ? "dest\nlocked\n" : "dest\n");

    ck_assert_int_eq(shmdt(at), 0);                          /* destroys it */
    for (int i = 1; i < n; i++)
        ck_assert_int_eq(t_rm(objs[i].kind, objs[i].id), 0);
}
END_TEST

/* Section titles and column headers, in ipcs's order, for each choice of
 * sections; --help on stdout. */
START_TEST(ipcls_sections_like_ipcs)
{
    static const char *const choices[][3] = {
        { NULL }, { "-q", NULL }, { "-m", NULL }, { "-s", NULL }, { "-m", "-q", NULL },
        { "-s", "-m", NULL }, { "-s", "-q", "-m" },
    };
    char ipcs_cmd[64], ipcls_cmd[PATH_MAX + 64], theirs[16384];
    struct t_run r;

    for (size_t c = 0; c < sizeof choices / sizeof choices[0]; c++) {
        char opts[32] = "";

        for (int i = 0; i < 3 && choices[c][i]; i++)
            snprintf(opts + strlen(opts), sizeof opts - strlen(opts), " %s", choices[c][i]);
        snprintf(ipcs_cmd, sizeof ipcs_cmd, "ipcs%s | grep -v '^0x'", opts);
        sh(&r, ipcs_cmd, NULL, NULL);
        ck_assert_int_eq(r.status, 0);
        snprintf(theirs, sizeof theirs, "%s", r.out);
        snprintf(ipcls_cmd, sizeof ipcls_cmd, "%s/chapters/tools/ipcls%s | grep -v '^0x'",
                 t_top(), opts);
        sh(&r, ipcls_cmd, NULL, NULL);
        ck_assert_int_eq(r.status, 0);
        ck_assert_str_eq(r.out, theirs);
    }
    t_run(&r, NULL, "chapters/tools/ipcls", "--help", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert(strncmp(r.out, "usage: ipcls ", 13) == 0);
}
END_TEST

/* An object made by nobody, for the tests that need a second user. */
static int nobody_makes(void *arg)
{
    const key_t *keys = arg;

    for (int k = T_SHM; k <= T_MSG; k++)
        if (t_get(k, keys[k], IPC_CREAT | IPC_EXCL | 0644) == -1)
            return 1;
    return 0;
}

/* The ids nobody made, found by their keys. */
static void made_by_nobody(int ids[3], key_t keys[3])
{
    struct ipc_perm perm;

    for (int k = T_SHM; k <= T_MSG; k++)
        keys[k] = t_key(1, NULL);
    ck_assert_int_eq(t_unprivileged(nobody_makes, keys), 0);
    for (int k = T_SHM; k <= T_MSG; k++) {
        ids[k] = t_get(k, keys[k], 0);
        ck_assert_int_ne(ids[k], -1);
        ck_assert_int_eq(t_stat(k, ids[k], &perm), 0);
        ck_assert_int_eq(perm.cuid, t_plain_uid());
    }
}

/* What ipcls (as nobody) lists: is root's segment ARG, mode 0600, there? */
static int nobody_sees(void *arg)
{
    char id_text[16], cmd[PATH_MAX + 64];
    struct t_run r;

    text_of(id_text, sizeof id_text, *(int *)arg);
    snprintf(cmd, sizeof cmd, "%s/chapters/tools/ipcls -m | awk -v id=\"$1\" '$2 == id'", t_top());
    sh(&r, cmd, "sh", id_text);
    return r.status == 0 && t_lines(r.out) == 1 ? 0 : 1;
}

/* -u: the objects whose owner or creator is us; one we gave away is still
 * ours as its creator; one nobody made is not (root only: a second user).
 * /proc/sysvipc lists every object to everyone: nobody sees root's 0600
 * segment, which it may not IPC_STAT. */
START_TEST(ipcls_u_keeps_owner_or_creator)
{
    static struct row rows[64];
    char ids[64], cmd[PATH_MAX + 16];
    int mine, given, others[3] = { -1, -1, -1 }, n;
    key_t keys[3];
    struct msqid_ds ds;
    struct t_run r;

    mine = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    given = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0600);
    ck_assert(mine != -1 && given != -1);
    ck_assert_int_eq(msgctl(given, IPC_STAT, &ds), 0);
    ds.msg_perm.uid = nameless_uid();
    ck_assert_int_eq(msgctl(given, IPC_SET, &ds), 0);
    if (t_can_be_stranger())
        made_by_nobody(others, keys);
    snprintf(ids, sizeof ids, "%d %d %d %d %d", mine, given, others[0], others[1], others[2]);
    snprintf(cmd, sizeof cmd, "%s/chapters/tools/ipcls -u", t_top());
    listing(&r, cmd, ids);
    n = parse_listing(r.out, rows, 64);
    ck_assert_ptr_nonnull(find_row(rows, n, T_SHM, mine));
    ck_assert_ptr_nonnull(find_row(rows, n, T_MSG, given));
    for (int k = T_SHM; k <= T_MSG && t_can_be_stranger(); k++)
        ck_assert_ptr_null(find_row(rows, n, k, others[k]));
    snprintf(cmd, sizeof cmd, "%s/chapters/tools/ipcls", t_top());
    listing(&r, cmd, ids);
    n = parse_listing(r.out, rows, 64);
    for (int k = T_SHM; k <= T_MSG && t_can_be_stranger(); k++)
        ck_assert_ptr_nonnull(find_row(rows, n, k, others[k]));
    if (t_can_be_stranger())
        ck_assert_int_eq(t_unprivileged(nobody_sees, &mine), 0);
    ck_assert_int_eq(t_rm(T_SHM, mine), 0);
    ck_assert_int_eq(t_rm(T_MSG, given), 0);
    for (int k = T_SHM; k <= T_MSG && t_can_be_stranger(); k++)
        ck_assert_int_eq(t_rm(k, others[k]), 0);
    if (!t_can_be_stranger())
        T_SKIP("the part with another user's objects " T_NO_STRANGER);
}
END_TEST

/* --- ipcclean ------------------------------------------------------------------- */

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
        int id = ipcmk(made[i].kind, made[i].opt, made[i].arg, false);

        snprintf(key, sizeof key, "0x%08x", (unsigned int)key_of(made[i].kind, id));
        t_run(&r, NULL, "chapters/tools/ipcclean", "-n", "--key", key, NULL);
        snprintf(expect, sizeof expect, "would remove %s %d %s\n", t_kind_name[made[i].kind], id, key);
        ck_assert_int_eq(r.status, 0);
        ck_assert_str_eq(r.out, expect);
        ck_assert_str_eq(r.err, "");
        ck_assert(t_exists(made[i].kind, id));
        t_run(&r, NULL, "chapters/tools/ipcclean", "-K", key, NULL);
        snprintf(expect, sizeof expect, "removed %s %d %s\n", t_kind_name[made[i].kind], id, key);
        ck_assert_int_eq(r.status, 0);
        ck_assert_str_eq(r.out, expect);
        ck_assert(!t_exists(made[i].kind, id));
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
    ck_assert(!t_exists(T_SHM, id));
}
END_TEST

/* A queue we made and gave away with IPC_SET is its new owner's: ipcclean
 * leaves it, though IPC_RMID would let us, its creator, remove it. */
START_TEST(ipcclean_leaves_what_we_gave_away)
{
    char key[16];
    struct msqid_ds ds;
    struct t_run r;
    key_t k = t_key(1, NULL);
    int id = t_get(T_MSG, k, IPC_CREAT | IPC_EXCL | 0600);

    ck_assert_int_ne(id, -1);
    ck_assert_int_eq(msgctl(id, IPC_STAT, &ds), 0);
    ds.msg_perm.uid = nameless_uid();
    ck_assert_int_eq(msgctl(id, IPC_SET, &ds), 0);
    snprintf(key, sizeof key, "0x%08x", (unsigned int)k);
    t_run(&r, NULL, "chapters/tools/ipcclean", "--key", key, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    ck_assert(t_exists(T_MSG, id));
    ck_assert_int_eq(t_rm(T_MSG, id), 0);                    /* the creator may */
}
END_TEST

/* A child makes a segment, a set and a queue, and exits: --creator PID
 * finds the segment only (shm_cpid); sets and queues keep no creator pid. */
static int creator_steps(void *unused)
{
    char pid_text[16], expect[128];
    int ids[3], fds[2];
    struct t_run r;
    pid_t pid;

    (void)unused;
    NEED(pipe(fds) == 0);
    NEED((pid = fork()) != -1);
    if (pid == 0) {
        ids[0] = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
        ids[1] = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
        ids[2] = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        _exit(write(fds[1], ids, sizeof ids) == sizeof ids ? 0 : 1);
    }
    NEED(read(fds[0], ids, sizeof ids) == sizeof ids && waitpid(pid, NULL, 0) == pid);
    NEED(ids[0] != -1 && ids[1] != -1 && ids[2] != -1);
    text_of(pid_text, sizeof pid_text, pid);
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

/* Six objects of one user, System V and POSIX, and the lines ipcclean
 * prints for them (VERB is "removed" or "would remove"). */
struct six {
    int ids[3];
    char names[3][64];
    char paths[3][PATH_MAX];
};

static int make_six(struct six *s)
{
    const char *mq = t_mqueue_dir();
    mqd_t q;
    sem_t *sem;
    int fd;

    NEED(mq != NULL);
    s->ids[T_SHM] = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    s->ids[T_SEM] = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    s->ids[T_MSG] = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    NEED(s->ids[0] != -1 && s->ids[1] != -1 && s->ids[2] != -1);
    for (int i = 0; i < 3; i++)
        t_posix_name(s->names[i]);
    NEED((fd = shm_open(s->names[0], O_RDWR | O_CREAT | O_EXCL, 0600)) != -1);
    close(fd);
    NEED((sem = sem_open(s->names[1], O_CREAT | O_EXCL, 0600, 1)) != SEM_FAILED);
    sem_close(sem);
    NEED((q = mq_open(s->names[2], O_RDWR | O_CREAT | O_EXCL, 0600, NULL)) != (mqd_t)-1);
    mq_close(q);
    snprintf(s->paths[0], PATH_MAX, "/dev/shm%s", s->names[0]);
    snprintf(s->paths[1], PATH_MAX, "/dev/shm/sem.%s", s->names[1] + 1);
    snprintf(s->paths[2], PATH_MAX, "%s%s", mq, s->names[2]);
    return 0;
}

/* Are all six there (WANT) or all gone (!WANT)? */
static bool six_are(const struct six *s, bool want)
{
    for (int k = T_SHM; k <= T_MSG; k++)
        if (t_exists(k, s->ids[k]) != want || (access(s->paths[k], F_OK) == 0) != want)
            return false;
    return true;
}

/* OUT has exactly the six lines, in any order. */
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

/* A plain user: with no filter (and with --mine) all six of its objects
 * match, -n removes none, then they all go; nothing else is touched: not a
 * directory of ours in /dev/shm nor the file in it, not a symbolic link of
 * ours to that file. */
static int plain_user_steps(void *unused)
{
    struct six s;
    struct t_run r;
    struct stat st;
    int failed, fd;

    (void)unused;
    NEED(geteuid() != 0);
    if ((failed = make_six(&s)) != 0)
        return failed;
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
    int failed;

    (void)unused;
    if ((failed = make_six(&s)) != 0)
        return failed;
    NEED(t_unprivileged(plain_user_steps, NULL) == 0);
    NEED(six_are(&s, true));
    t_run(&r, NULL, "chapters/tools/ipcclean", NULL);
    NEED(r.status == 2 && strcmp(r.out, "") == 0 && t_lines(r.err) == 1 && six_are(&s, true));
    t_run(&r, NULL, "chapters/tools/ipcclean", "-u", NULL);
    NEED(r.status == 0 && six_lines(r.out, &s, "removed") && six_are(&s, false));
    return 0;
}

START_TEST(ipcclean_no_filter_takes_all_of_a_plain_users)
{
    int failed;

    if (t_capable(CAP_SYS_ADMIN) && t_can_be_stranger())
        failed = t_private_ipc(root_and_nobody_steps, NULL);
    else
        failed = t_private_ipc_as_me(plain_user_steps, NULL);
    if (failed == -1)
        T_SKIP(t_why_not());
    ck_assert_msg(failed == 0, "status %d (its failed step is on stderr)", failed);
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

/* In a shell of `unshare -i` the mqueue mount still shows the machine's
 * queues: ipcclean offers our queue outside such a shell, and inside it
 * leaves the queue alone and says why. Only -n is run: /dev/shm is the
 * machine's in there. */
START_TEST(ipcclean_leaves_another_namespaces_queues)
{
    const char *dir = t_mqueue_dir();
    char name[64], prog[PATH_MAX], offer[PATH_MAX + 64], note[PATH_MAX + 64];
    struct t_run r;
    mqd_t q;

    if (dir == NULL)
        T_SKIP("no mqueue filesystem is mounted, and only root could mount one");
    t_posix_name(name);
    ck_assert_int_ne(q = mq_open(name, O_CREAT | O_EXCL | O_RDONLY, 0600, NULL), (mqd_t)-1);
    snprintf(offer, sizeof offer, "would remove posix-mq %s%s\n", dir, name);
    snprintf(note, sizeof note, "ipcclean: %s shows queues of another IPC namespace: "
                                "left alone\n", dir);
    t_run(&r, NULL, "chapters/tools/ipcclean", "-n", "--mine", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, offer));
    snprintf(prog, sizeof prog, "%s/chapters/tools/ipcclean", t_top());
    if (t_capable(CAP_SYS_ADMIN))
        t_run(&r, NULL, "/usr/bin/unshare", "--ipc", prog, "-n", "--mine", NULL);
    else
        t_run(&r, NULL, "/usr/bin/unshare", "--map-root-user", "--ipc", prog, "-n", "--mine",
              NULL);
    if (r.status != 0 && strstr(r.err, "unshare failed") != NULL)
        T_SKIP("unshare: cannot make an IPC namespace here (user namespaces off?)");
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_null(strstr(r.out, offer));
    ck_assert_ptr_nonnull(strstr(r.err, note));
    mq_close(q);
    ck_assert_int_eq(mq_unlink(name), 0);
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
    NEED(geteuid() == 0);
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

/* ipcs lists System V objects only: POSIX ones are files, which ls shows. */
static int posix_not_in_ipcs_steps(void *unused)
{
    struct six s;
    struct t_run r;
    int failed;

    (void)unused;
    if ((failed = make_six(&s)) != 0)
        return failed;
    sh(&r, "ipcs -a | grep -c '^0x'", NULL, NULL);
    NEED(strcmp(r.out, "3\n") == 0);                 /* the three System V ones */
    for (int k = T_SHM; k <= T_MSG; k++)
        NEED(access(s.paths[k], F_OK) == 0);
    return 0;
}

START_TEST(ipcs_lists_no_posix_objects)
{
    T_IN_PRIVATE_IPC(posix_not_in_ipcs_steps, NULL);
}
END_TEST

START_TEST(ipcclean_as_root_needs_a_filter)
{
    T_IN_PRIVATE_IPC(root_refuses_steps, NULL);
}
END_TEST

/* Root asks for nobody's objects by key: none is removed; nobody asks for
 * root's by key: none either. */
static int nobody_tries_keys(void *arg)
{
    const key_t *keys = arg;
    char key[16];
    struct t_run r;

    for (int k = T_SHM; k <= T_MSG; k++) {
        snprintf(key, sizeof key, "0x%08x", (unsigned int)keys[k]);
        t_run(&r, NULL, "chapters/tools/ipcclean", "--key", key, NULL);
        if (r.status != 0 || strcmp(r.out, "") != 0 || strcmp(r.err, "") != 0)
            return 1;
    }
    return 0;
}

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
        ck_assert(t_exists(k, others[k]));
        my_keys[k] = t_key(1, NULL);
        mine[k] = t_get(k, my_keys[k], IPC_CREAT | 0600);
        ck_assert_int_ne(mine[k], -1);
    }
    ck_assert_int_eq(t_unprivileged(nobody_tries_keys, my_keys), 0);
    for (int k = T_SHM; k <= T_MSG; k++) {
        ck_assert(t_exists(k, mine[k]));
        ck_assert_int_eq(t_rm(k, mine[k]), 0);
        ck_assert_int_eq(t_rm(k, others[k]), 0);
    }
}
END_TEST

/* --- util-linux ipcrm on our programs' objects ------------------------------------- */

/* ipcrm -m/-s/-q by id and -M/-S/-Q by key, on what shm_create, sem_create
 * and msg_create made. */
START_TEST(ipcrm_removes_our_objects)
{
    static const struct { enum t_kind kind; const char *prog, *size, *by_id, *by_key; } rows[] = {
        { T_SHM, "chapters/shm/shm_create", "4096", "-m", "-M" },
        { T_SEM, "chapters/sem/sem_create", "2", "-s", "-S" },
        { T_MSG, "chapters/msg/msg_create", NULL, "-q", "-Q" },
    };
    char key[16], id_text[16];
    struct t_run r;
    int id;

    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        t_run(&r, NULL, rows[i].prog, rows[i].size, NULL);
        id = t_created(&r, rows[i].kind);
        text_of(id_text, sizeof id_text, id);
        t_run(&r, NULL, "/usr/bin/ipcrm", rows[i].by_id, id_text, NULL);
        ck_assert_msg(r.status == 0, "ipcrm %s: %s", rows[i].by_id, r.err);
        ck_assert(!t_exists(rows[i].kind, id));

        snprintf(key, sizeof key, "0x%08x", (unsigned int)t_key(1, NULL));
        t_run(&r, NULL, rows[i].prog, "-K", key, rows[i].size, NULL);
        id = t_created(&r, rows[i].kind);
        t_run(&r, NULL, "/usr/bin/ipcrm", rows[i].by_key, key, NULL);
        ck_assert_msg(r.status == 0, "ipcrm %s: %s", rows[i].by_key, r.err);
        ck_assert(!t_exists(rows[i].kind, id));
        t_run(&r, NULL, "/usr/bin/ipcrm", rows[i].by_key, key, NULL);   /* gone: no key */
        ck_assert_int_eq(r.status, 1);
        ck_assert_int_eq(t_lines(r.err), 1);
    }
    /* several at once */
    {
        char ids[3][16];

        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            t_run(&r, NULL, rows[i].prog, rows[i].size, NULL);
            text_of(ids[i], sizeof ids[i], t_created(&r, rows[i].kind));
        }
        t_run(&r, NULL, "/usr/bin/ipcrm", "-m", ids[0], "-s", ids[1], "-q", ids[2], NULL);
        ck_assert_int_eq(r.status, 0);
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
            ck_assert(!t_exists(rows[i].kind, atoi(ids[i])));
    }
}
END_TEST

/* Seed 004 runs ipcrm -q with a segment's id. Ids are numbered per kind:
 * with no queue of that number, ipcrm says "invalid id" and the segment
 * stays; in a new namespace the first segment and the first queue are both
 * number 0, and ipcrm -q 0 removes the queue, never the segment. */
static int ipcrm_q_steps(void *unused)
{
    char id_text[16], expect[64];
    struct t_run r;
    int shm, msg;

    (void)unused;
    NEED((shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600)) == 0);
    text_of(id_text, sizeof id_text, shm);
    t_run(&r, NULL, "/usr/bin/ipcrm", "-q", id_text, NULL);
    snprintf(expect, sizeof expect, "ipcrm: invalid id (%d)\n", shm);
    NEED(r.status == 1 && strcmp(r.err, expect) == 0 && t_exists(T_SHM, shm));
    NEED((msg = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) == shm);
    t_run(&r, NULL, "/usr/bin/ipcrm", "-q", id_text, NULL);
    NEED(r.status == 0 && strcmp(r.err, "") == 0);
    NEED(!t_exists(T_MSG, msg) && t_exists(T_SHM, shm));
    /* the seed's own number, 25198594, is no queue here either */
    t_run(&r, NULL, "/usr/bin/ipcrm", "-q", "25198594", NULL);
    NEED(r.status == 1 && strcmp(r.err, "ipcrm: invalid id (25198594)\n") == 0);
    return 0;
}

START_TEST(ipcrm_q_with_a_segment_id)
{
    T_IN_PRIVATE_IPC(ipcrm_q_steps, NULL);
}
END_TEST

/* ipcrm takes the options of seed 004's synopsis, and ipcs takes -q -m -s
 * -a -b -c -p -t but not -o (an XSI option util-linux does not have). */
START_TEST(ipcs_and_ipcrm_options)
{
    static const char *const ipcs_ok[] = { "-q", "-m", "-s", "-a", "-b", "-c", "-p", "-t",
                                           "-l", "-u", "--human" };
    struct t_run r;

    for (size_t i = 0; i < sizeof ipcs_ok / sizeof ipcs_ok[0]; i++) {
        sh(&r, "ipcs $1 >/dev/null", "sh", ipcs_ok[i]);
        ck_assert_msg(r.status == 0, "ipcs %s: %d %s", ipcs_ok[i], r.status, r.err);
    }
    /* util-linux's -a is all three kinds, with the usual columns; POSIX's -a
     * is all print options (-b -c -o -p -t), which would show cpid, cuid... */
    sh(&r, "ipcs -a | grep -c -e cpid -e cuid -e lspid -e attached", NULL, NULL);
    ck_assert_str_eq(r.out, "0\n");
    /* util-linux's -b: sizes in bytes (POSIX's: the largest sizes allowed) */
    sh(&r, "LC_ALL=C ipcs -m -l -b | grep -c '^max seg size (bytes) = '", NULL, NULL);
    ck_assert_str_eq(r.out, "1\n");
    sh(&r, "ipcs -o >/dev/null", NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "invalid option -- 'o'"));
    t_run(&r, NULL, "/usr/bin/ipcrm", "--help", NULL);
    for (const char *const *o = (const char *const[]){ "-q,", "-Q,", "-s,", "-S,", "-m,",
                                                        "-M,", "-a,", NULL }; *o; o++)
        ck_assert_msg(strstr(r.out, *o), "ipcrm --help has no %s", *o);
}
END_TEST

/* --- Perl ---------------------------------------------------------------------------- */

static const char *no_perl(void)
{
    struct t_run r;

    if (access("/usr/bin/perl", X_OK) != 0)
        return "perl is not installed (Debian package perl)";
    t_run(&r, NULL, "/usr/bin/perl", "-MIPC::SysV", "-e", "1", NULL);
    return r.status == 0 ? NULL : "perl has no IPC::SysV (Debian package perl)";
}

START_TEST(perl_receives_what_msg_send_sent)
{
    const char *why = no_perl();
    char id_text[16];
    struct t_run r;
    int id;

    if (why)
        T_SKIP(why);
    t_run(&r, NULL, "chapters/msg/msg_create", NULL);
    id = t_created(&r, T_MSG);
    text_of(id_text, sizeof id_text, id);
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "5", "hello, perl", NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "/usr/bin/perl", "-e",
          "use IPC::SysV qw(IPC_NOWAIT); msgrcv($ARGV[0], my $buf, 100, 0, IPC_NOWAIT) "
          "or die \"msgrcv: $!\\n\"; my ($type, $text) = unpack('l! a*', $buf); "
          "print \"type $type: $text\\n\"", id_text, NULL);
    ck_assert_str_eq(r.err, "");
    ck_assert_str_eq(r.out, "type 5: hello, perl\n");
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

/* IPC::SysV's ftok gives the key ftok(3) gives, for the same file and id. */
START_TEST(perl_ftok_is_ftok)
{
    const char *why = no_perl();
    char path[PATH_MAX], expect[16];
    struct t_run r;
    key_t k;

    if (why)
        T_SKIP(why);
    k = t_key(7, path);
    snprintf(expect, sizeof expect, "0x%08x", (unsigned int)k);
    t_run(&r, NULL, "/usr/bin/perl", "-e",
          "use IPC::SysV qw(ftok); printf \"0x%08x\", ftok($ARGV[0], 7)", path, NULL);
    ck_assert_str_eq(r.err, "");
    ck_assert_str_eq(r.out, expect);
}
END_TEST

START_TEST(msg_recv_receives_what_perl_sent)
{
    const char *why = no_perl();
    char id_text[16];
    struct t_run r;
    int id;

    if (why)
        T_SKIP(why);
    t_run(&r, NULL, "chapters/msg/msg_create", NULL);
    id = t_created(&r, T_MSG);
    text_of(id_text, sizeof id_text, id);
    t_run(&r, NULL, "/usr/bin/perl", "-e",
          "msgsnd($ARGV[0], pack('l! a*', 7, 'from perl'), 0) or die \"msgsnd: $!\\n\"",
          id_text, NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "chapters/msg/msg_recv", "-n", id_text, NULL);
    ck_assert_str_eq(r.out, "type 7, 9 bytes: from perl\n");
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

START_TEST(perl_shmread_reads_what_shm_write_wrote)
{
    const char *why = no_perl();
    char id_text[16];
    struct t_run r;
    int id;

    if (why)
        T_SKIP(why);
    t_run(&r, NULL, "chapters/shm/shm_create", "4096", NULL);
    id = t_created(&r, T_SHM);
    text_of(id_text, sizeof id_text, id);
    t_run(&r, NULL, "chapters/shm/shm_write", id_text, "hello,", "segment", NULL);
    ck_assert_int_eq(r.status, 0);
    t_run(&r, NULL, "/usr/bin/perl", "-e",
          "shmread($ARGV[0], my $buf, 0, 64) or die \"shmread: $!\\n\"; "
          "$buf =~ s/\\0.*//s; print \"$buf\\n\"", id_text, NULL);
    ck_assert_str_eq(r.err, "");
    ck_assert_str_eq(r.out, "hello, segment\n");
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

/* --- limits: kernel.shm*, msg*, sem ------------------------------------------------- */

/* Does "ipcs OPTS -l" print LINE? */
static bool ipcs_l_says(const char *opt, const char *line)
{
    struct t_run r;

    t_run(&r, NULL, "/usr/bin/ipcs", opt, "-l", NULL);
    return r.status == 0 && strstr(r.out, line) != NULL;
}

static long read_setting(const char *name)
{
    char path[128];
    long v = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
    if ((f = fopen(path, "r")) != NULL) {
        if (fscanf(f, "%ld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

/* kernel.msgmnb is the msg_qbytes of a new queue, msgmax the largest
 * message, msgmni the most queues; IPC_INFO and ipcs -q -l say the same;
 * sysctl -w is a write to /proc/sys. Only in a namespace of our own: the
 * settings belong to the IPC namespace. */
static int msg_limit_steps(void *unused)
{
    static struct { long mtype; char mtext[200]; } m = { 1, "" };
    struct msginfo info;
    struct msqid_ds ds;
    struct t_run r;
    unsigned long qbytes;
    int a, b, before;

    (void)unused;
    NEED((before = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) != -1);
    NEED(msgctl(before, IPC_STAT, &ds) == 0 && ds.msg_qbytes != 1000);
    qbytes = ds.msg_qbytes;
    NEED(t_write_file("/proc/sys/kernel/msgmnb", "1000\n"));
    NEED(t_write_file("/proc/sys/kernel/msgmax", "100\n"));
    t_run(&r, NULL, "/usr/sbin/sysctl", "-q", "-w", "kernel.msgmni=2", NULL);
    NEED(r.status == 0 && read_setting("msgmni") == 2);
    NEED((a = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) != -1);
    NEED(msgctl(a, IPC_STAT, &ds) == 0 && ds.msg_qbytes == 1000);
    NEED(msgctl(before, IPC_STAT, &ds) == 0 && ds.msg_qbytes == qbytes);   /* kept */
    NEED(msgctl(before, IPC_RMID, NULL) == 0);
    NEED(msgsnd(a, &m, 101, IPC_NOWAIT) == -1 && errno == EINVAL);
    NEED(msgsnd(a, &m, 100, IPC_NOWAIT) == 0);
    NEED((b = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) != -1);
    NEED(msgget(IPC_PRIVATE, IPC_CREAT | 0600) == -1 && errno == ENOSPC);
    NEED(msgctl(0, IPC_INFO, (struct msqid_ds *)&info) != -1);
    NEED(info.msgmnb == 1000 && info.msgmax == 100 && info.msgmni == 2);
    NEED(ipcs_l_says("-q", "max queues system wide = 2\n"));
    NEED(ipcs_l_says("-q", "max size of message (bytes) = 100\n"));
    NEED(ipcs_l_says("-q", "default max size of queue (bytes) = 1000\n"));
    return 0;
}

START_TEST(msg_settings_limit_queues)
{
    T_IN_PRIVATE_IPC(msg_limit_steps, NULL);
}
END_TEST

/* kernel.sem is four numbers: SEMMSL (semaphores per set), SEMMNS (in all),
 * SEMOPM (operations per semop), SEMMNI (sets). SEMVMX, the largest value,
 * is fixed at 32767. A write of fewer numbers sets only the first ones. */
static int sem_limit_steps(void *unused)
{
    struct sembuf ops[4] = { { 0, 1, 0 }, { 1, 1, 0 }, { 2, 1, 0 }, { 3, 1, 0 } };
    struct seminfo info;
    char line[64];
    int a, b;

    (void)unused;
    NEED(t_write_file("/proc/sys/kernel/sem", "5 8 3 2\n"));
    NEED(semget(IPC_PRIVATE, 6, IPC_CREAT | 0600) == -1 && errno == EINVAL);   /* SEMMSL */
    NEED((a = semget(IPC_PRIVATE, 5, IPC_CREAT | 0600)) != -1);
    NEED(semget(IPC_PRIVATE, 4, IPC_CREAT | 0600) == -1 && errno == ENOSPC);   /* SEMMNS */
    NEED((b = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600)) != -1);
    NEED(semctl(b, 0, IPC_RMID) == 0);
    NEED(semget(IPC_PRIVATE, 1, IPC_CREAT | 0600) != -1);
    NEED(semget(IPC_PRIVATE, 1, IPC_CREAT | 0600) == -1 && errno == ENOSPC);   /* SEMMNI */
    NEED(semop(a, ops, 4) == -1 && errno == E2BIG);                            /* SEMOPM */
    NEED(semop(a, ops, 3) == 0);
    NEED(semctl(a, 0, SETVAL, (union semun){ .val = 32768 }) == -1 && errno == ERANGE);
    NEED(semctl(a, 0, SETVAL, (union semun){ .val = 32767 }) == 0);            /* SEMVMX */
    NEED(semctl(0, 0, IPC_INFO, (union semun){ .__buf = &info }) != -1);
    NEED(info.semmsl == 5 && info.semmns == 8 && info.semopm == 3 && info.semmni == 2);
    NEED(info.semvmx == 32767);
    NEED(ipcs_l_says("-s", "max number of arrays = 2\n"));
    NEED(ipcs_l_says("-s", "max semaphores per array = 5\n"));
    NEED(ipcs_l_says("-s", "max semaphores system wide = 8\n"));
    NEED(ipcs_l_says("-s", "max ops per semop call = 3\n"));
    snprintf(line, sizeof line, "semaphore max value = %d\n", info.semvmx);
    NEED(ipcs_l_says("-s", line));
    NEED(t_write_file("/proc/sys/kernel/sem", "7\n"));      /* fewer numbers: the first */
    NEED(semctl(0, 0, IPC_INFO, (union semun){ .__buf = &info }) != -1);
    NEED(info.semmsl == 7 && info.semmns == 8 && info.semopm == 3 && info.semmni == 2);
    return 0;
}

START_TEST(sem_settings_limit_sets)
{
    T_IN_PRIVATE_IPC(sem_limit_steps, NULL);
}
END_TEST

/* The kernel.shm* settings as IPC_INFO and ipcs -m -l show them (what they
 * limit is test_shm's limits_enospc_and_shmmax): shmmax in bytes, which
 * ipcs shows in KiB; shmall in pages, which ipcs shows in KiB. */
static int shm_setting_steps(void *unused)
{
    struct shminfo info;
    char line[80];

    (void)unused;
    NEED(t_write_file("/proc/sys/kernel/shmmax", "8192\n"));
    NEED(t_write_file("/proc/sys/kernel/shmall", "4\n"));
    NEED(t_write_file("/proc/sys/kernel/shmmni", "7\n"));
    NEED(shmctl(0, IPC_INFO, (struct shmid_ds *)&info) != -1);
    NEED(info.shmmax == 8192 && info.shmall == 4 && info.shmmni == 7);
    NEED(ipcs_l_says("-m", "max number of segments = 7\n"));
    NEED(ipcs_l_says("-m", "max seg size (kbytes) = 8\n"));
    snprintf(line, sizeof line, "max total shared memory (kbytes) = %ld\n",
             4 * sysconf(_SC_PAGESIZE) / 1024);
    NEED(ipcs_l_says("-m", line));
    return 0;
}

START_TEST(shm_settings_in_ipc_info_and_ipcs)
{
    T_IN_PRIVATE_IPC(shm_setting_steps, NULL);
}
END_TEST

/* Settings are per IPC namespace: one changed in ours leaves the machine's,
 * and a namespace made in ours starts from the kernel's defaults, not from
 * our values. */
static int change_msgmnb(void *unused)
{
    long fresh = read_setting("msgmnb");
    int status;
    pid_t pid;

    (void)unused;
    NEED(fresh != -1 && fresh != 1234);
    NEED(t_write_file("/proc/sys/kernel/msgmnb", "1234\n"));
    NEED(read_setting("msgmnb") == 1234);
    NEED((pid = fork()) != -1);
    if (pid == 0)
        _exit(unshare(CLONE_NEWIPC) == 0 && read_setting("msgmnb") == fresh ? 0 : 1);
    NEED(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return 0;
}

START_TEST(settings_belong_to_the_namespace)
{
    long before = read_setting("msgmnb");

    ck_assert_int_ne(before, 1234);
    T_IN_PRIVATE_IPC(change_msgmnb, NULL);
    ck_assert_int_eq(read_setting("msgmnb"), before);
}
END_TEST

/* --- the programs' command lines and the sessions ------------------------------------ */

/* Every ipcclean line has -n: should a check ever stop refusing it, the
 * run in the machine's namespace could print, never remove. */
static const struct t_bad_line bad_lines[] = {
    { "ipcls", { "-x" }, 2, "ipcls: unknown option -x (see ipcls --help)" },
    { "ipcls", { "--all" }, 2, "ipcls: unknown option --all (see ipcls --help)" },
    { "ipcls", { "-m", "1" }, 2, "ipcls: too many arguments (see ipcls --help)" },
    { "ipcclean", { "-n", "x" }, 2, "ipcclean: too many arguments (see ipcclean --help)" },
    { "ipcclean", { "-n", "-x" }, 2, "ipcclean: unknown option -x (see ipcclean --help)" },
    { "ipcclean", { "-n", "--bogus" }, 2,
      "ipcclean: unknown option --bogus (see ipcclean --help)" },
    { "ipcclean", { "-n", "--key" }, 2,
      "ipcclean: option --key needs an argument (see ipcclean --help)" },
    { "ipcclean", { "-n", "-c" }, 2,
      "ipcclean: option -c needs an argument (see ipcclean --help)" },
    { "ipcclean", { "-n", "--key", "0" }, 2,
      "ipcclean: key: 0 means IPC_PRIVATE; give a non-zero key (see ipcclean --help)" },
    { "ipcclean", { "-n", "--key", "0x1g" }, 2,
      "ipcclean: key: \"0x1g\" is not a hex key (1 to ffffffff) (see ipcclean --help)" },
    { "ipcclean", { "-n", "-k", "/ipclab/no/such/file" }, 1,
      "ipcclean: ftok /ipclab/no/such/file: ENOENT: No such file or directory" },
    { "ipcclean", { "-n", "-K", "--mine" }, 2,
      "ipcclean: key: \"--mine\" is not a hex key (1 to ffffffff) (see ipcclean --help)" },
    { "ipcclean", { "-n", "--creator", "12x" }, 2,
      "ipcclean: pid: \"12x\" is not a number (see ipcclean --help)" },
    { "ipcclean", { "-n", "--creator", "0" }, 2,
      "ipcclean: pid: 0 is out of range (1 to 2147483647) (see ipcclean --help)" },
    { "ipcclean", { "-n", "--mine", "--key", "0x10" }, 2,
      "ipcclean: give one filter at most: --key, --creator or --mine (see ipcclean --help)" },
    { "ipcclean", { "-n", "-c", "1", "-u" }, 2,
      "ipcclean: give one filter at most: --key, --creator or --mine (see ipcclean --help)" },
};

START_TEST(bad_command_lines)
{
    t_refuse("tools", &bad_lines[_i]);
}
END_TEST

START_TEST(ipcclean_help)
{
    struct t_run r;

    t_run(&r, NULL, "chapters/tools/ipcclean", "--help", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strncmp(r.out, "usage: ipcclean ", 16) == 0);
    ck_assert_ptr_nonnull(strstr(r.out, "record no creator pid"));
    ck_assert_str_eq(r.err, "");
}
END_TEST

START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "ipcls.session", { "------ Shared Memory Segments --------", "the same, byte for byte",
                             "cpid  lpid nattch" } },
        { "crash.session", { "status 137 (128 + 9, SIGKILL)", "removed shm ",
                             "removed sem " } },
        { "interop.session", { "type 5: hello, perl", "type 7, 9 bytes: from perl",
                               "\nhello, segment\n" } },
        { "limits.session", { "kernel.msgmnb = 1000", "max semaphores per array = 5",
                              "qbytes=1000" } },
    };

    t_play_sessions("tools", expect, sizeof expect / sizeof expect[0], NULL);
}
END_TEST

static Suite *tools_suite(void)
{
    Suite *s = suite_create("tools");
    TCase *ipcls = tcase_create("ipcls"), *clean = tcase_create("ipcclean");
    TCase *ipcrm = tcase_create("ipcrm"), *perl = tcase_create("perl");
    TCase *limits = tcase_create("limits"), *progs = tcase_create("programs");
    TCase *sessions = tcase_create("sessions");

    tcase_add_test(ipcls, ipcls_rows_equal_ipcs_rows);
    tcase_add_test(ipcls, ipcls_sections_like_ipcs);
    tcase_add_test(ipcls, ipcls_u_keeps_owner_or_creator);
    tcase_set_timeout(ipcls, 60);

    tcase_add_test(clean, ipcclean_key_removes_ipcmk_objects);
    tcase_add_test(clean, ipcclean_creator_matches_segments_only);
    tcase_add_test(clean, ipcclean_no_filter_takes_all_of_a_plain_users);
    tcase_add_test(clean, ipcclean_as_root_needs_a_filter);
    tcase_add_test(clean, ipcclean_says_when_no_mqueue_is_mounted);
    tcase_add_test(clean, ipcclean_never_takes_another_users);
    tcase_add_test(clean, ipcclean_leaves_what_we_gave_away);
    tcase_add_test(clean, ipcclean_ftok_key_and_an_attached_segment);
    tcase_add_test(clean, ipcclean_leaves_another_namespaces_queues);
    tcase_set_timeout(clean, 60);

    tcase_add_test(ipcrm, ipcrm_removes_our_objects);
    tcase_add_test(ipcrm, ipcrm_q_with_a_segment_id);
    tcase_add_test(ipcrm, ipcs_and_ipcrm_options);
    tcase_add_test(ipcrm, ipcs_lists_no_posix_objects);
    tcase_set_timeout(ipcrm, 60);

    tcase_add_test(perl, perl_receives_what_msg_send_sent);
    tcase_add_test(perl, msg_recv_receives_what_perl_sent);
    tcase_add_test(perl, perl_shmread_reads_what_shm_write_wrote);
    tcase_add_test(perl, perl_ftok_is_ftok);
    tcase_set_timeout(perl, 60);

    tcase_add_test(limits, msg_settings_limit_queues);
    tcase_add_test(limits, sem_settings_limit_sets);
    tcase_add_test(limits, shm_settings_in_ipc_info_and_ipcs);
    tcase_add_test(limits, settings_belong_to_the_namespace);
    tcase_set_timeout(limits, 60);

    tcase_add_loop_test(progs, bad_command_lines, 0, sizeof bad_lines / sizeof bad_lines[0]);
    tcase_add_test(progs, ipcclean_help);

    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 120);

    suite_add_tcase(s, ipcls);
    suite_add_tcase(s, clean);
    suite_add_tcase(s, ipcrm);
    suite_add_tcase(s, perl);
    suite_add_tcase(s, limits);
    suite_add_tcase(s, progs);
    suite_add_tcase(s, sessions);
    return s;
}

int main(void)
{
    /* ipcs, ipcrm and ipcmk translate what they print; ipcls speaks English */
    setenv("LC_ALL", "C", 1);
    return t_main(tools_suite);
}
