/* ftok.h: what the sections of test_ftok, in tests/ftok/, share. */
#ifndef FTOK_H
#define FTOK_H

#include "harness.h"

enum { IPCMNI = 32768 };       /* id = seq * IPCMNI + index, as in ipc_ids.c */

/* An object a test made, for the children that use it. */
struct object {
    enum t_kind kind;
    key_t key;
    int id;
};

/* t_get that must succeed: the new or existing object's id. */
int must_get(enum t_kind kind, key_t key, int flags);

/* Does SOURCE, a C file, compile (cc -fsyntax-only, or $CC)? 1 yes, 0 no,
 * -1 if there is no compiler to ask. */
int compiles(const char *source);

void add_keys_tests(Suite *s);          /* keys.c: ftok() */
void add_get_tests(Suite *s);           /* get.c: the get calls, each kind */
void add_ids_tests(Suite *s);           /* ids.c: when an id comes back */
void add_perm_tests(Suite *s);          /* perm.c: modes, owners, other users */
void add_ds_tests(Suite *s);            /* ds.c: the times in the kernel's ds structures */
void add_ctl_tests(Suite *s);           /* ctl.c: what the ctl calls return */
void add_programs_tests(Suite *s);      /* programs.c: the chapter's programs, sessions */

#endif
