/* mmap.h: what the sections of the mmap suite share (tests/test_mmap.c),
 * and the section adders. */
#ifndef MMAP_H
#define MMAP_H

#include "harness.h"

#include <stdbool.h>
#include <sys/types.h>

enum { PAGE = 4096 };

/* A new file of SIZE bytes in the run's directory holding TEXT (may be
 * NULL), open read-write. */
int new_file(off_t size, const char *text);
/* mmap at an address the kernel chooses, offset 0; the test fails if it does. */
char *map(size_t len, int prot, int flags, int fd);
/* What a read(2) of FD sees at OFFSET, as a string of up to 63 bytes. */
const char *file_text(int fd, off_t offset);
/* Is FD on tmpfs, which has no disk to write pages to? */
bool on_tmpfs(int fd);
/* A one-page file with a disk behind it; -1 if none can be had here. */
int disk_file(void);

/* FN(ARG) in a child (t_fork), which must exit 0; what it wrote, stdout and
 * stderr in order (a NEED that failed says where), in OUT if not NULL. */
void child_ok(int (*fn)(void *), void *arg, char out[4096]);
/* Read the byte at AT, or write it if WRITE, in a child: its status, which
 * is 128 + SIGSEGV or 128 + SIGBUS when the access faults, 0 when not. */
int touch_in_child(volatile char *at, bool write);

void add_share_tests(Suite *s);     /* share.c: shared and private, with and without a file */
void add_pages_tests(Suite *s);     /* pages.c: whole pages, addresses, faults */
void add_errno_tests(Suite *s);     /* errno.c: mmap and msync refused */
void add_msync_tests(Suite *s);     /* msync.c: what msync writes, or not */
void add_sysv_tests(Suite *s);      /* sysv.c: against System V shared memory */
void add_ex2_tests(Suite *s);       /* ex2.c: mmap_ex2 driven through pipes */
void add_programs_tests(Suite *s);  /* programs.c: the other programs, sessions */

#endif
