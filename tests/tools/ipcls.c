/* ipcls.c: our ipcls against util-linux ipcs, row by row and header by
 * header; ipcls -u. */
#define _GNU_SOURCE
#include "tools.h"

#include <stdio.h>
#include <string.h>
#include <sys/shm.h>

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
    char cmd[PATH_MAX + 256];

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
    char ids[512] = "";
    struct t_run r;
    int nt, no;

    for (int i = 0; i < n; i++)
        snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%d ", objs[i].id);
    listing(&r, "ipcs -a", ids);
    nt = parse_listing(r.out, theirs, 64);
    listing(&r, copy_of("chapters/tools/ipcls"), ids);
    no = parse_listing(r.out, ours, 64);
    for (int i = 0; i < n; i++) {
        const char *kind = t_kind_name[objs[i].kind];
        const struct row *a = find_row(theirs, nt, objs[i].kind, objs[i].id);
        const struct row *b = find_row(ours, no, objs[i].kind, objs[i].id);

        ck_assert_msg(a != NULL, "ipcs -a has no %s %d", kind, objs[i].id);
        ck_assert_msg(b != NULL, "ipcls has no %s %d", kind, objs[i].id);
        ck_assert_msg(a->nfields == b->nfields, "%s %d: ipcs shows %d fields, ipcls %d", kind,
                      objs[i].id, a->nfields, b->nfields);
        for (int f = 0; f < a->nfields; f++)
            ck_assert_msg(strcmp(a->field[f], b->field[f]) == 0, "%s %d field %d: ipcs %s, ipcls %s",
                          kind, objs[i].id, f, a->field[f], b->field[f]);
        ck_assert_str_eq(a->line, b->line);
    }
}

/* Objects of every kind and state, made by our programs and by ipcmk: a
 * segment attached and removed (dest, key 0), one locked in memory, one
 * with a key, a set, a queue holding messages, a queue whose owner has no
 * name. ipcs -a and ipcls show the same row for each. */
START_TEST(ipcls_rows_equal_ipcs_rows)
{
    struct made objs[12];
    char key[16], id_text[32];              /* two ids of up to 10 digits */
    struct t_run r;
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
    ck_assert_msg(r.status == 0, "msg_send: status %d: %s", r.status, r.err);
    t_run(&r, NULL, "chapters/msg/msg_create", NULL);
    objs[n++] = (struct made){ T_MSG, t_created(&r, T_MSG) };
    ck_assert_int_eq(t_set(T_MSG, objs[n - 1].id, nameless_uid(), T_KEEP, T_KEEP), 0);
    objs[n++] = (struct made){ T_SHM, ipcmk(T_SHM, "-M", "4097") };
    objs[n++] = (struct made){ T_SEM, ipcmk(T_SEM, "-S", "2") };
    objs[n++] = (struct made){ T_MSG, ipcmk(T_MSG, "-Q", NULL) };

    compare_with_ipcs(objs, n);
    /* the states are there, not just alike */
    snprintf(id_text, sizeof id_text, "%d %d", dest, locked);
    snprintf(cmd, sizeof cmd, "%s -m | awk -v d=\"${1%% *}\" -v l=\"${1#* }\" "
             "'$2 == d || $2 == l { print $7 }' | sort", copy_of("chapters/tools/ipcls"));
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
    char cmd[PATH_MAX + 64], theirs[16384];
    struct t_run r;

    for (size_t c = 0; c < sizeof choices / sizeof choices[0]; c++) {
        char opts[32] = "";

        for (int i = 0; i < 3 && choices[c][i]; i++)
            snprintf(opts + strlen(opts), sizeof opts - strlen(opts), " %s", choices[c][i]);
        snprintf(cmd, sizeof cmd, "ipcs%s | grep -v '^0x'", opts);
        sh(&r, cmd, NULL, NULL);
        ck_assert_msg(r.status == 0, "%s: status %d: %s", cmd, r.status, r.err);
        snprintf(theirs, sizeof theirs, "%s", r.out);
        snprintf(cmd, sizeof cmd, "%s%s | grep -v '^0x'", copy_of("chapters/tools/ipcls"), opts);
        sh(&r, cmd, NULL, NULL);
        ck_assert_msg(r.status == 0, "%s: status %d: %s", cmd, r.status, r.err);
        ck_assert_str_eq(r.out, theirs);
    }
    t_run(&r, NULL, "chapters/tools/ipcls", "--help", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_msg(strncmp(r.out, "usage: ipcls ", 13) == 0, "ipcls --help: %s", r.out);
}
END_TEST

/* What ipcls lists for nobody: is our segment ARG, mode 0600, there? */
static int nobody_sees(void *arg)
{
    char id_text[16], cmd[PATH_MAX + 64];
    struct t_run r;

    text_of(id_text, sizeof id_text, *(int *)arg);
    snprintf(cmd, sizeof cmd, "%s -m | awk -v id=\"$1\" '$2 == id'",
             copy_of("chapters/tools/ipcls"));
    sh(&r, cmd, "sh", id_text);
    NEED(r.status == 0);
    NEED(t_lines(r.out) == 1);
    return 0;
}

/* -u: the objects whose owner or creator is us; one we gave away is still
 * ours as its creator; one nobody made is not (with a second user).
 * /proc/sysvipc lists every object to everyone: nobody sees our 0600
 * segment, which it may not IPC_STAT. */
START_TEST(ipcls_u_keeps_owner_or_creator)
{
    static struct row rows[64];
    char ids[64], cmd[PATH_MAX + 8];
    int mine, given, others[3] = { -1, -1, -1 }, n;
    bool stranger = t_can_be_stranger();
    key_t keys[3];
    struct t_run r;

    mine = t_get(T_SHM, IPC_PRIVATE, IPC_CREAT | 0600);
    given = t_get(T_MSG, IPC_PRIVATE, IPC_CREAT | 0600);
    ck_assert(mine != -1 && given != -1);
    ck_assert_int_eq(t_set(T_MSG, given, nameless_uid(), T_KEEP, T_KEEP), 0);
    if (stranger)
        made_by_nobody(others, keys);
    snprintf(ids, sizeof ids, "%d %d %d %d %d", mine, given, others[0], others[1], others[2]);
    snprintf(cmd, sizeof cmd, "%s -u", copy_of("chapters/tools/ipcls"));
    listing(&r, cmd, ids);
    n = parse_listing(r.out, rows, 64);
    ck_assert_msg(find_row(rows, n, T_SHM, mine), "ipcls -u has not our segment %d", mine);
    ck_assert_msg(find_row(rows, n, T_MSG, given), "ipcls -u has not the queue %d we gave away",
                  given);
    for (int k = T_SHM; k <= T_MSG && stranger; k++)
        ck_assert_msg(!find_row(rows, n, k, others[k]), "ipcls -u lists nobody's %s %d",
                      t_kind_name[k], others[k]);
    listing(&r, copy_of("chapters/tools/ipcls"), ids);
    n = parse_listing(r.out, rows, 64);
    for (int k = T_SHM; k <= T_MSG && stranger; k++)
        ck_assert_msg(find_row(rows, n, k, others[k]), "ipcls does not list nobody's %s %d",
                      t_kind_name[k], others[k]);
    if (stranger) {
        ck_assert_msg(t_as_stranger(nobody_sees, &mine) == 0,
                      "ipcls run by nobody does not list our 0600 segment %d", mine);
        nobody_removes(others);
    }
    ck_assert_int_eq(t_rm(T_SHM, mine), 0);
    ck_assert_int_eq(t_rm(T_MSG, given), 0);
    if (!stranger)
        T_SKIP(t_why_no_stranger());    /* the part with another user's objects */
}
END_TEST

void add_ipcls_tests(Suite *s)
{
    TCase *tc = tcase_create("ipcls");

    tcase_add_test(tc, ipcls_rows_equal_ipcs_rows);
    tcase_add_test(tc, ipcls_sections_like_ipcs);
    tcase_add_test(tc, ipcls_u_keeps_owner_or_creator);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
