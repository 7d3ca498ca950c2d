/* mmap_ex2: seed 000's class demo: one file, mapped shared or private.
 *
 * usage: mmap_ex2 s|p
 *
 * Writes the seed's sentence into ./shared_mmap, maps its first 64 bytes
 * MAP_SHARED (s) or MAP_PRIVATE (p), then reads lines: "*" prints the
 * mapping, anything else is copied into it and msync()ed. Run two of them in
 * one directory, in two terminals: two "s" see each other's lines, and the
 * file gets them; a "p" keeps its lines to itself: they never reach the file.
 * End with Ctrl-D or Ctrl-C. The file stays, so that you can look at it.
 *
 * The code follows the slides; the places where it fixes the seed's code
 * say "fixed:".
 *
 * $ ./mmap_ex2 s
 * 72 byte writing... to file -> shared_mmap
 * '*' print Current mmap otherwise input text to mmap. >>*
 * Current mmap -> '(*) What's difference between Shared mmap and Private mmap?    -'
 * '*' print Current mmap otherwise input text to mmap. >>New memory map data
 * '*' print Current mmap otherwise input text to mmap. >>*
 * Current mmap -> 'New memory map data
 * e between Shared mmap and Private mmap?    -'
 * '*' print Current mmap otherwise input text to mmap. >>
 */
#define _GNU_SOURCE
#include "ipclab.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char help[] =
    "usage: mmap_ex2 s|p\n"
    "Write a sentence into ./shared_mmap, map its first 64 bytes MAP_SHARED (s)\n"
    "or MAP_PRIVATE (p), then read lines: '*' prints the mapping, any other line\n"
    "is copied into it (and msync()ed). Ctrl-D ends. Run two in one directory.\n";

#define MMAP_FILENAME "shared_mmap"
#define MMAP_SIZE     64

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

static const char contents[] =
    "(*) What's difference between Shared mmap and Private mmap?    - end - ";

int main(int argc, char *argv[])
{
    int fd, flag_mmap;
    ssize_t n_write;
    char *p_map, a_input[100];

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind == argc)
        usage_error("missing s (shared) or p (private)");
    if (optind + 1 < argc)
        usage_error("too many arguments");
    /* fixed: the seed looked at the first letter only, so that "shared"
     * mapped shared, and anything else ("x", "") private */
    if (strcmp(argv[optind], "s") == 0)
        flag_mmap = MAP_SHARED;
    else if (strcmp(argv[optind], "p") == 0)
        flag_mmap = MAP_PRIVATE;
    else
        usage_error("\"%s\": give s (MAP_SHARED) or p (MAP_PRIVATE)", argv[optind]);

    /* Ctrl-C, kill or a closed terminal end the read below (no SA_RESTART)
     * instead of the program: it says so and unmaps before it exits. */
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    // tag::open[]
    fd = open(MMAP_FILENAME, O_RDWR | O_CREAT, 0600);  // <1>
    if (fd == -1)
        die("open %s", MMAP_FILENAME);
    n_write = write(fd, contents, sizeof(contents));   // <2>
    if (n_write == -1)
        die("write %s", MMAP_FILENAME);
    if (n_write != (ssize_t)sizeof(contents))          /* fixed: a short write */
        fatal("write %s: only %zd of %zu bytes", MMAP_FILENAME, n_write, sizeof(contents));
    printf("%zd byte writing... to file -> %s\n", n_write, MMAP_FILENAME);

    p_map = mmap(NULL, MMAP_SIZE, PROT_READ | PROT_WRITE, flag_mmap, fd, 0);  // <3>
    if (p_map == MAP_FAILED)
        die("mmap");
    // end::open[]

    // tag::loop[]
    while (!interrupted) {
        printf("'*' print Current mmap otherwise input text to mmap. >>");
        fflush(stdout);            /* fixed: on a pipe the prompt would wait */
        if (fgets(a_input, sizeof(a_input), stdin) == NULL) {  // <1>
            putchar('\n');
            if (ferror(stdin) && !interrupted)
                die("read stdin");
            break;
        }
        if (!isatty(STDIN_FILENO))     /* piped input: echo it, as a terminal */
            fputs(a_input, stdout);    /* would, so that transcripts read well */
        if (strchr(a_input, '\n') == NULL) {    /* fixed: the rest of a long */
            int c;                              /* line is not new input */

            while ((c = getchar()) != EOF && c != '\n')
                if (!isatty(STDIN_FILENO))
                    putchar(c);
            if (!isatty(STDIN_FILENO))
                putchar('\n');
        }
        if (a_input[0] == '*') {
            printf("Current mmap -> '%.*s'\n", MMAP_SIZE, p_map);  // <2>
        } else {
            size_t len = strlen(a_input);

            if (len > MMAP_SIZE) {                     // <3>
                printf("(only the first %d bytes fit in the mapping)\n", MMAP_SIZE);
                len = MMAP_SIZE;
            }
            memcpy(p_map, a_input, len);               // <4>
            if (msync(p_map, MMAP_SIZE, MS_SYNC) == -1)   // <5>
                die("msync");
        }
    }
    // end::loop[]
    if (munmap(p_map, MMAP_SIZE) == -1)
        die("munmap");
    close(fd);
    if (interrupted)
        fatal("interrupted by SIG%s; %s stays, for you to look at",
              sigabbrev_np(interrupted), MMAP_FILENAME);
    return EXIT_SUCCESS;
}
