/* test_ftok.c: keys and identifiers (chapters/ftok).
 * Each test decides one or more claims of chapters/ftok/claims.tsv. The
 * tests are in sections, tests/ftok/: keys.c (ftok), get.c (the get calls),
 * ids.c (when an id comes back), perm.c (modes and other users), ds.c (the
 * kernel's ds structures), ctl.c (what the ctl calls return) and
 * programs.c (the chapter's programs and sessions). */
#define _GNU_SOURCE
#include "ftok/ftok.h"

#include <errno.h>
#include <string.h>

int must_get(enum t_kind kind, key_t key, int flags)
{
    int id = t_get(kind, key, flags);

    ck_assert_msg(id != -1, "%sget(0x%08x, 0%o): %s", t_kind_name[kind], (unsigned int)key,
                  (unsigned int)flags, strerrorname_np(errno));
    return id;
}

int compiles(const char *source)
{
    struct t_run r;

    t_run(&r, source, "/bin/sh", "-c", "\"${CC:-cc}\" -fsyntax-only -x c - 2>&1", NULL);
    return r.status == 0 ? 1 : r.status == 127 ? -1 : 0;
}

static Suite *make_suite(void)
{
    Suite *s = suite_create("ftok");

    add_keys_tests(s);
    add_get_tests(s);
    add_ids_tests(s);
    add_perm_tests(s);
    add_ds_tests(s);
    add_ctl_tests(s);
    add_programs_tests(s);
    return s;
}

int main(void)
{
    return t_main(make_suite);
}
