/* shm.h: what the sections of the shm suite (tests/shm/, one file each)
 * share with tests/test_shm.c, and the function each adds its tests with. */
#ifndef TESTS_SHM_H
#define TESTS_SHM_H

#include "harness.h"

#include <stddef.h>
#include <sys/shm.h>

enum { PAGE = 4096 };

/* IPC_STAT of segment ID; the test fails if it cannot be had. */
struct shmid_ds stat_of(int id);
/* shmat(ID, NULL, FLAGS); the test fails if it fails. */
char *attach(int id, int flags);
/* shmget(KEY, SIZE, FLAGS), the segment recorded for the leak guard (t_get
 * makes 4096 bytes only); errno as shmget left it. */
int get_segment(key_t key, size_t size, int flags);
/* A number read from /proc/sys/NAME ("kernel/shmmax"), unsigned: SHMMAX
 * and SHMALL are larger than a long. */
unsigned long sysctl_value(const char *name);
/* Read or write the byte at AT in a child: its status, 0 or 128 + SIGSEGV. */
int read_in_child(char *at);
int write_in_child(char *at);
/* The index of segment ID in the kernel's table, found as ipcs finds it
 * without /proc: SHM_INFO gives the highest index in use, SHM_STAT_ANY the
 * id at each index (it needs no read permission). -1 if it is not there.
 * Safe in a child: no assert. */
int shm_index(int id);
/* A page this process may not touch (PROT_NONE): where the kernel reads or
 * writes there, the call fails with EFAULT. */
void *no_access(void);

void add_life_tests(Suite *s);          /* life.c: make, keep, remove; sizes */
void add_attach_tests(Suite *s);        /* attach.c: shmat, shmdt; shmid_ds */
void add_errno_tests(Suite *s);         /* errno.c: permissions, errors, limits */
void add_programs_tests(Suite *s);      /* programs.c: shm_create ... shm_attach; sessions */
void add_pair_tests(Suite *s);          /* pair.c: shm_writer and shm_reader */

#endif
