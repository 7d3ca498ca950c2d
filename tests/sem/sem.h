/* sem.h: what the sections of the sem suite (tests/sem/) share; the
 * helpers are in tests/test_sem.c. */
#ifndef SEM_H
#define SEM_H

#include "harness.h"

#include <stddef.h>
#include <sys/sem.h>

enum { SEMVMX = 32767 };        /* the largest value a semaphore holds */

/* A private set of N semaphores with VALUES (NULL: all 0), tracked. */
int new_set(int n, const unsigned short *values);
/* Semaphore N's value. */
int getval(int id, int n);
/* semop's errno, or 0 if it succeeded. */
int semop_errno(int id, struct sembuf *ops, size_t n);
/* A child that makes one semop call: its exit code is semop's errno, 0 if
 * it succeeded (t_wait gives it). */
void start_semop(struct t_proc *p, int id, struct sembuf *ops, size_t n);
/* Wait until the kernel counts COUNT waiters (CMD: GETNCNT or GETZCNT) on
 * semaphore N of set ID: they are then inside semop, asleep. A poll with a
 * generous bound, not a sleep. P, if not NULL, is the waiter: the test
 * fails at once if it ends instead. */
void until_waiting(struct t_proc *p, int id, int n, int cmd, int count);
/* The index of set ID in the kernel's table, found as ipcs finds it without
 * /proc: SEM_INFO gives the highest index in use, SEM_STAT_ANY the id at each
 * index (it needs no read permission). -1 if it is not there. Safe in a
 * child: no assert. */
int sem_index(int id);
/* A page this process may not touch (PROT_NONE): where the kernel reads or
 * writes there, the call fails with EFAULT. */
void *no_access(void);

void add_semop_tests(Suite *s);
void add_undo_tests(Suite *s);
void add_semctl_tests(Suite *s);
void add_errno_tests(Suite *s);
void add_program_tests(Suite *s);

#endif
