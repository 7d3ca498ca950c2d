/* programs.c: the programs of chapters/shm as a user runs them (shm_create,
 * shm_write, shm_read, shm_stat, shm_rm, shm_attach), and the book's sample
 * sessions. */
#define _GNU_SOURCE
#include "shm.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

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
    id = get_segment(IPC_PRIVATE, 4, IPC_CREAT | 0600);
    ck_assert_int_ne(id, -1);
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
    int id = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0400);
    struct t_run r;
    char arg[16];

    (void)unused;
    NEED(id != -1);
    snprintf(arg, sizeof arg, "%d", id);
    t_run(&r, NULL, "chapters/shm/shm_read", "-r", arg, NULL);
    if (r.status != 0)
        fprintf(stderr, "shm_read -r: status %d: %s", r.status, r.err);
    NEED(r.status == 0 && strcmp(r.out, "\n") == 0);
    t_run(&r, NULL, "chapters/shm/shm_read", arg, NULL);
    if (r.status != 1)
        fprintf(stderr, "shm_read: status %d: %s", r.status, r.err);
    NEED(r.status == 1 && strstr(r.err, ": EACCES: Permission denied\n") != NULL);
    NEED(shmctl(id, IPC_RMID, NULL) == 0);
    return 0;
}

START_TEST(shm_read_r_needs_only_read_permission)
{
    int status = t_unprivileged(read_only_program_steps, NULL);

    ck_assert_msg(status == 0, "read_only_program_steps: status %d (its failed step is on stderr)",
                  status);
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

START_TEST(sessions_play)
{
    static const struct t_session expect[] = {
        { "share.session", { "hello from another process\n", "  nattch  0\n", "limits (IPC_INFO)" } },
        { "dest.session", { "message 1: good morning", " dest ",
                            "detached from the removed segment" } },
        { "attach.session", { "-> EINVAL: Invalid argument", "SHM_RND)  -> 0x",
                              "reads \"written through the first\"" } },
    };

    t_play_sessions("shm", expect, T_ROWS(expect), NULL);
}
END_TEST

void add_programs_tests(Suite *s)
{
    TCase *tc = tcase_create("programs"), *sessions = tcase_create("sessions");

    tcase_add_loop_test(tc, bad_command_lines, 0, T_ROWS(bad_lines));
    tcase_add_test(tc, shm_create_prints_the_id_alone);
    tcase_add_test(tc, shm_write_then_shm_read);
    tcase_add_test(tc, shm_read_r_needs_only_read_permission);
    tcase_add_test(tc, shm_stat_shows_shmid_ds);
    tcase_add_test(tc, shm_rm_goes_on_after_a_failure);
    tcase_add_test(tc, shm_attach_demo);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tcase_add_test(sessions, sessions_play);
    tcase_set_timeout(sessions, 120);
    suite_add_tcase(s, sessions);
}
