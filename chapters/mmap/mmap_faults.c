/* mmap_faults: which signal a bad access to a mapping raises.
 *
 * usage: mmap_faults [eof|past|readonly|unmapped]...
 *
 * A 100-byte file is mapped over two pages. The rest of its first page is
 * there to read, as zeros; what is written there does not reach the file.
 * Then each case runs in a child of its own (all four by default), and the
 * parent prints the signal that killed it:
 *   eof       a page of the mapping wholly past the end of the file  SIGBUS
 *   past      the first byte after the end of the mapping             SIGSEGV
 *   readonly  a write to a PROT_READ mapping                          SIGSEGV
 *   unmapped  a read after munmap()                                   SIGSEGV
 * The file is made in the current directory and removed at once.
 *
 * $ ./mmap_faults
 * file of 100 bytes mapped over 2 pages: byte 100 reads 0; wrote 'x' there, the file still has 100 bytes
 * eof       read byte 4096, in the page past the end of the file:  killed by SIGBUS
 * past      read the first byte after the mapping:                 killed by SIGSEGV
 * readonly  write to a PROT_READ mapping:                          killed by SIGSEGV
 * unmapped  read a mapping after munmap:                           killed by SIGSEGV
 */
#define _GNU_SOURCE
#include "ipclab.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char help[] =
    "usage: mmap_faults [eof|past|readonly|unmapped]...\n"
    "Map a 100-byte file over two pages, show that the rest of its first page\n"
    "reads as zeros, then make each bad access (all four by default) in a child\n"
    "and print the signal it gets:\n"
    "  eof       read a page of the mapping past the end of the file\n"
    "  past      read the first byte after the end of the mapping\n"
    "  readonly  write to a PROT_READ mapping\n"
    "  unmapped  read a mapping after munmap()\n";

enum { PAGE = 4096, FILE_SIZE = 100 };

static int fd;                          /* the 100-byte file */

static char *map(size_t len, int prot)
{
    char *p = mmap(NULL, len, prot, MAP_SHARED, fd, 0);

    if (p == MAP_FAILED)
        die("mmap");
    return p;
}

// tag::cases[]
static void touch(const char *name)
{
    volatile char *p;

    if (strcmp(name, "eof") == 0) {
        p = map(2 * PAGE, PROT_READ);
        (void)p[PAGE];                      // <1>
    } else if (strcmp(name, "past") == 0) {
        p = map(3 * PAGE, PROT_READ);       /* a hole right after two pages: */
        if (munmap((char *)p + 2 * PAGE, PAGE) == -1)    /* unmap the third */
            die("munmap");
        (void)p[2 * PAGE];                  // <2>
    } else if (strcmp(name, "readonly") == 0) {
        p = map(PAGE, PROT_READ);
        p[0] = 'x';                         // <3>
    } else if (strcmp(name, "unmapped") == 0) {
        p = map(PAGE, PROT_READ | PROT_WRITE);
        if (munmap((char *)p, PAGE) == -1)
            die("munmap");
        (void)p[0];                         // <4>
    }
}
// end::cases[]

static const struct { const char *name, *what; } cases[] = {
    { "eof", "read byte 4096, in the page past the end of the file:" },
    { "past", "read the first byte after the mapping:" },
    { "readonly", "write to a PROT_READ mapping:" },
    { "unmapped", "read a mapping after munmap:" },
};
enum { NCASES = sizeof cases / sizeof cases[0] };

static void run(int c)
{
    int status;
    pid_t pid;

    fflush(stdout);
    if ((pid = fork()) == -1)
        die("fork");
    if (pid == 0) {
        signal(SIGBUS, SIG_DFL);        /* the default action, whatever a */
        signal(SIGSEGV, SIG_DFL);       /* sanitizer may have installed, */
        setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });   /* but no core file */
        touch(cases[c].name);
        _exit(0);
    }
    if (waitpid(pid, &status, 0) == -1)
        die("waitpid");
    printf("%-9s %-54s ", cases[c].name, cases[c].what);
    if (WIFSIGNALED(status))
        printf("killed by SIG%s\n", sigabbrev_np(WTERMSIG(status)));
    else
        printf("no signal, exit status %d\n", WEXITSTATUS(status));
}

int main(int argc, char *argv[])
{
    char path[] = "mmap_faults.XXXXXX";
    struct stat st;
    char *p;
    int c;

    while (next_option(argc, argv, "", help) != -1)
        ;
    for (int a = optind; a < argc; a++) {
        for (c = 0; c < NCASES && strcmp(argv[a], cases[c].name) != 0; c++)
            ;
        if (c == NCASES)
            usage_error("\"%s\" is not a case: eof, past, readonly or unmapped", argv[a]);
    }
    if ((fd = mkstemp(path)) == -1)
        die("mkstemp in .");
    unlink(path);                           /* nothing is left behind */
    if (ftruncate(fd, FILE_SIZE) == -1)
        die("ftruncate");

    // tag::tail[]
    p = map(2 * PAGE, PROT_READ | PROT_WRITE);
    printf("file of %d bytes mapped over 2 pages: byte %d reads %d; ",
           FILE_SIZE, FILE_SIZE, p[FILE_SIZE]);                 // <1>
    p[FILE_SIZE] = 'x';                                         // <2>
    if (msync(p, PAGE, MS_SYNC) == -1 || fstat(fd, &st) == -1)
        die("msync or fstat");
    printf("wrote 'x' there, the file still has %lld bytes\n", (long long)st.st_size);
    // end::tail[]
    if (munmap(p, 2 * PAGE) == -1)
        die("munmap");

    for (c = 0; c < NCASES; c++) {
        int chosen = optind == argc;

        for (int a = optind; a < argc; a++)
            chosen = chosen || strcmp(argv[a], cases[c].name) == 0;
        if (chosen)
            run(c);
    }
    return EXIT_SUCCESS;
}
