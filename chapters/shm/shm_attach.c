/* shm_attach: where shmat() puts a segment, and attaching at an address.
 *
 * usage: shm_attach [SIZE]        (default 4096)
 *
 * Makes a private segment and
 *   - attaches it where the kernel chooses (shmaddr NULL), and prints that
 *     address beside the program's code, its heap and its stack: the kernel
 *     puts segments with the shared libraries, between the heap and the stack
 *     (with a stack limit; after ulimit -s unlimited, below the program);
 *   - attaches it a second time: one segment, two addresses, the same bytes;
 *   - asks for an address one byte past a multiple of SHMLBA: EINVAL;
 *   - asks again with SHM_RND: the address is rounded down to a multiple of
 *     SHMLBA (the page size on x86 and arm64; four pages on 32-bit ARM);
 *   - asks for an aligned address itself: that is where it lands.
 * It removes the segment before it exits.
 *
 * $ ./shm_attach
 * SHMLBA is 4096 bytes; the page size is 4096
 * code     0x000055b376ec1220  main
 * heap     0x000055b3900b92a0  malloc
 * segment  0x00007fddca1cf000  shmat(id, NULL, 0)
 * stack    0x00007ffef16775dc  a local variable
 * again    0x00007fddca1ce000  shmat(id, NULL, 0): reads "written through the first"
 * shmat(id, 0x00007fddca1cf001, 0)        -> EINVAL: Invalid argument
 * shmat(id, 0x00007fddca1cf001, SHM_RND)  -> 0x00007fddca1cf000
 * shmat(id, 0x00007fddca1cf000, 0)        -> 0x00007fddca1cf000
 */
#define _GNU_SOURCE                     /* strerrorname_np */
#include "ipclab.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

static const char help[] =
    "usage: shm_attach [SIZE]\n"
    "Attach a private segment of SIZE bytes (default 4096) where the kernel\n"
    "chooses, a second time, then at an unaligned address without and with\n"
    "SHM_RND, then at an aligned address; remove it at exit.\n";

static int id = -1;

static void remove_segment(void)
{
    if (id != -1 && shmctl(id, IPC_RMID, NULL) == -1)
        warn_errno("shmctl IPC_RMID %d", id);
}

static void show(const char *name, const void *p, const char *what)
{
    printf("%-8s 0x%016" PRIxPTR "  %s\n", name, (uintptr_t)p, what);
}

/* shmat at ADDR with FLAGS; one line: the call and what it returned. */
static char *attach_at(char *addr, int flags, const char *flag_name)
{
    char call[80];
    char *p;

    snprintf(call, sizeof call, "shmat(id, 0x%016" PRIxPTR ", %s)", (uintptr_t)addr, flag_name);
    p = shmat(id, addr, flags);
    if (p == (void *)-1)
        printf("%-40s-> %s: %s\n", call, strerrorname_np(errno), strerror(errno));
    else
        printf("%-40s-> 0x%016" PRIxPTR "\n", call, (uintptr_t)p);
    return p;
}

int main(int argc, char *argv[])
{
    long size = 4096;
    char *heap, *a, *b, *p;
    int local = 0;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc - optind > 1)
        usage_error("too many arguments");
    if (optind < argc)
        size = parse_long("size", argv[optind], 1, 1L << 30);
    if ((heap = malloc(64)) == NULL)
        die("malloc");
    if ((id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600)) == -1)
        die("shmget");
    atexit(remove_segment);

    printf("SHMLBA is %d bytes; the page size is %ld\n", (int)SHMLBA, sysconf(_SC_PAGESIZE));
    // tag::where[]
    a = shmat(id, NULL, 0);                                     // <1>
    if (a == (void *)-1)
        die("shmat");
    snprintf(a, size, "written through the first");         /* within SIZE */
    show("code", (void *)(uintptr_t)main, "main");
    show("heap", heap, "malloc");
    show("segment", a, "shmat(id, NULL, 0)");
    show("stack", &local, "a local variable");
    b = shmat(id, NULL, 0);                                     // <2>
    if (b == (void *)-1)
        die("shmat");
    printf("%-8s 0x%016" PRIxPTR "  shmat(id, NULL, 0): reads \"%s\"\n", "again",
           (uintptr_t)b, b);
    // end::where[]
    if (shmdt(b) == -1 || shmdt(a) == -1)                       /* a is free again */
        die("shmdt");

    // tag::rnd[]
    p = attach_at(a + 1, 0, "0");                               // <1>
    if (p != (void *)-1)
        fatal("an unaligned address was accepted");
    p = attach_at(a + 1, SHM_RND, "SHM_RND");                   // <2>
    if (p == (void *)-1 || shmdt(p) == -1)
        die("shmat or shmdt");
    p = attach_at(a, 0, "0");                                   // <3>
    if (p == (void *)-1 || shmdt(p) == -1)
        die("shmat or shmdt");
    // end::rnd[]
    free(heap);
    return EXIT_SUCCESS;
}
