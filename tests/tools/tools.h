/* tools.h: what the sections of the tools suite (tests/tools/) share; the
 * helpers are in tests/test_tools.c. */
#ifndef TOOLS_H
#define TOOLS_H

#include "harness.h"

#include <limits.h>

/* N as text, in BUF. */
void text_of(char *buf, size_t size, long n);
/* Run a shell command line (in the run's directory); $0 and $1 are ARG0 and
 * ARG1 (may be NULL). */
void sh(struct t_run *r, const char *cmd, const char *arg0, const char *arg1);
/* The path of the run's copy of PROG ("chapters/tools/ipcls"), for a command
 * line that names it (a shell pipeline, unshare): any user can run it, the
 * second user too, wherever the tree is. */
const char *copy_of(const char *prog);
/* Make an object with ipcmk (OPT -M, -S or -Q, with ARG if not NULL), mode
 * 0640: its id, recorded for the leak guard. */
int ipcmk(enum t_kind kind, const char *opt, const char *arg);
/* A uid the user database has no name for: ipcs shows the number. */
unsigned int nameless_uid(void);

/* A segment, a set and a queue that nobody (the second user) made, with
 * new keys: their ids and keys, indexed by kind. Only after
 * T_NEED_STRANGER() or t_can_be_stranger(). */
void made_by_nobody(int ids[3], key_t keys[3]);
/* Nobody removes them: IPC_RMID of another user's object needs
 * CAP_SYS_ADMIN, which root in a container lacks. */
void nobody_removes(const int ids[3]);

/* Six objects of one user, System V and POSIX, in a namespace of our own:
 * the ids (by kind), the POSIX names and the files they are. */
struct six {
    int ids[3];
    char names[3][64];
    char paths[3][PATH_MAX];
};
/* For a function run in t_private_ipc: 0, or 1 when a NEED failed. */
int make_six(struct six *s);

void add_ipcls_tests(Suite *s);
void add_ipcclean_tests(Suite *s);
void add_ipcrm_tests(Suite *s);
void add_perl_tests(Suite *s);
void add_limits_tests(Suite *s);
void add_lsipc_tests(Suite *s);
void add_programs_tests(Suite *s);
void add_ipcwatch_tests(Suite *s);

#endif
