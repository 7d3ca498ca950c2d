/* internal.h: what the harness's own files (the .c files beside it) share. The
 * suites see only tests/harness.h. */
#ifndef HARNESS_INTERNAL_H
#define HARNESS_INTERNAL_H

#include "harness.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { NOBODY = 65534 };

/* run.c: the run's directory and its files; the test now running. */
extern char h_rundir[1024];
extern int h_registry_fd, h_skips_fd;   /* inherited by every child */
extern bool h_in_private_ipc;           /* nothing made here can outlive it */
extern const char *h_test_name;         /* for the registry and the skips */
/* NAME in the run's directory, into PATH. */
void h_rundir_path(char path[PATH_MAX], const char *name);
/* One line to the registry or the skips, whole (O_APPEND). */
void h_append(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* objects.c: /proc/sysvipc/shm, sem, msg; FN for each object of KIND the
 * kernel lists (key, id); FN's first non-zero answer. */
extern const char *const h_proc_file[3];
int h_each_object(enum t_kind kind, int (*fn)(key_t, int, void *), void *ctx);

/* ns.c: why the last private namespace or mqueue mount could not be had. */
extern char h_why_not[256];

#endif
