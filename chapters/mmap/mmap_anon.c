/* mmap_anon: memory a parent and its child share without any file.
 *
 * usage: mmap_anon [-n COUNT]
 *
 * For each of four mappings a child adds 1 to a counter in it COUNT times
 * (default 1000) and exits; then the parent reads the counter. A MAP_SHARED
 * mapping is one piece of memory for both, whether it is anonymous
 * (MAP_ANONYMOUS) or a mapping of /dev/zero, the way of SVR4 that seed 000
 * shows. A MAP_PRIVATE mapping is copied when the child first writes to it:
 * the parent still reads 0. Nothing outlives the two processes.
 *
 * $ ./mmap_anon
 * MAP_SHARED|MAP_ANONYMOUS   child counted to 1000, parent reads 1000
 * MAP_SHARED of /dev/zero    child counted to 1000, parent reads 1000
 * MAP_PRIVATE|MAP_ANONYMOUS  child counted to 1000, parent reads 0
 * MAP_PRIVATE of /dev/zero   child counted to 1000, parent reads 0
 */
#define _GNU_SOURCE
#include "ipclab.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char help[] =
    "usage: mmap_anon [-n COUNT]\n"
    "A child adds 1 to a counter COUNT times (default 1000) in four mappings:\n"
    "MAP_SHARED and MAP_PRIVATE, anonymous and of /dev/zero; then the parent\n"
    "reads the counter, to see which mappings the two processes share.\n"
    "  -n COUNT  how many times the child adds 1 (1 to 1000000000)\n";

// tag::map[]
static long *map_counter(int flags, int zero)
{
    int fd = -1;
    long *counter;

    if (zero) {
        fd = open("/dev/zero", O_RDWR);                 // <1>
        if (fd == -1)
            die("open /dev/zero");
    } else {
        flags |= MAP_ANONYMOUS;                         // <2>
    }
    counter = mmap(NULL, sizeof *counter, PROT_READ | PROT_WRITE, flags, fd, 0);
    if (counter == MAP_FAILED)
        die("mmap");
    if (fd != -1)
        close(fd);                                      // <3>
    return counter;                                     /* zero-filled */
}
// end::map[]

// tag::count[]
static long child_counts(volatile long *counter, long count)
{
    int status;
    pid_t pid = fork();

    if (pid == -1)
        die("fork");
    if (pid == 0) {
        for (long i = 0; i < count; i++)
            (*counter)++;                               // <1>
        _exit(*counter == count ? 0 : 1);
    }
    if (waitpid(pid, &status, 0) == -1)                 // <2>
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fatal("the child did not count to %ld", count);
    return *counter;                                    // <3>
}
// end::count[]

int main(int argc, char *argv[])
{
    static const struct { const char *name; int flags, zero; } maps[] = {
        { "MAP_SHARED|MAP_ANONYMOUS", MAP_SHARED, 0 },
        { "MAP_SHARED of /dev/zero", MAP_SHARED, 1 },
        { "MAP_PRIVATE|MAP_ANONYMOUS", MAP_PRIVATE, 0 },
        { "MAP_PRIVATE of /dev/zero", MAP_PRIVATE, 1 },
    };
    long count = 1000;
    int opt;

    while ((opt = next_option(argc, argv, "n:", help)) != -1)
        count = parse_long("count", optarg, 1, 1000000000);
    if (optind != argc)
        usage_error("too many arguments");

    for (size_t m = 0; m < sizeof maps / sizeof maps[0]; m++) {
        long *counter = map_counter(maps[m].flags, maps[m].zero);

        fflush(stdout);                 /* the child must not print it again */
        printf("%-26s child counted to %ld, parent reads %ld\n", maps[m].name, count,
               child_counts(counter, count));
        if (munmap(counter, sizeof *counter) == -1)
            die("munmap");
    }
    return EXIT_SUCCESS;
}
