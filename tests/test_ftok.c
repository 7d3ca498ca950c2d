/* test_ftok.c: keys and identifiers (chapters/ftok).
 * Each test decides one or more claims of chapters/ftok/claims.tsv. The
 * tests are in sections, tests/ftok/: keys.c (ftok), get.c (the get calls),
 * ids.c (when an id comes back), perm.c (modes and other users), ds.c (the
 * kernel's ds structures) and programs.c (the chapter's programs and
 * sessions). */
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

static Suite *make_suite(void)
{
    Suite *s = suite_create("ftok");

    add_keys_tests(s);
    add_get_tests(s);
    add_ids_tests(s);
    add_perm_tests(s);
    add_ds_tests(s);
    add_programs_tests(s);
    return s;
}

int main(void)
{
    return t_main(make_suite);
}
