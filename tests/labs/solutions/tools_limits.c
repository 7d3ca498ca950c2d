/* tools_limits: how many more System V objects this IPC namespace lets be
 * made, and the largest segment. A lab: the statement is at the end of the
 * book's chapter on the tools; `make grade LAB=tools_limits` grades this file.
 *
 * usage: tools_limits
 *
 * The limits are the settings of /proc/sys/kernel: shmmni (segments),
 * shmall (pages of all segments together), shmmax (bytes of one segment),
 * sem (four numbers: SEMMSL SEMMNS SEMOPM SEMMNI; SEMMNS the semaphores of
 * all sets, SEMMNI the sets) and msgmni (queues). What is used is what
 * /proc/sysvipc lists: its lines, the pages of each segment (its size
 * rounded up to whole pages, as the kernel counts them) and the semaphores
 * of each set. Both belong to the IPC namespace of the process. One line
 * each, "WHAT USED LIMIT LEFT", where LEFT is how many more may be made (0
 * when a limit was lowered below what is used), and last the size of the
 * largest segment shmget would make now:
 *
 * $ ./tools_limits
 * segments 3 4096 4093
 * shm-pages 5 18446744073692774399 18446744073692774394
 * sets 1 32000 31999
 * semaphores 2 1024000000 1023999998
 * queues 0 32000 32000
 * largest-segment 18446744073692774399
 */
#define _DEFAULT_SOURCE
#include "ipclab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: tools_limits\n"
    "How many more System V objects this IPC namespace lets be made, one line\n"
    "each, \"WHAT USED LIMIT LEFT\" (WHAT: segments shm-pages sets semaphores\n"
    "queues), then \"largest-segment BYTES\": the largest shmget would make now.\n";

/* The settings of /proc/sys/kernel. */
struct limits {
    unsigned long long shmmni, shmall, shmmax;  /* segments, pages, bytes of one */
    unsigned long long semmns, semmni;          /* semaphores, sets */
    unsigned long long msgmni;                  /* queues */
};

/* What /proc/sysvipc lists. */
struct used {
    unsigned long long segments, pages, sets, semaphores, queues;
};

/* Up to N numbers of the setting file PATH ("/proc/sys/kernel/sem") into
 * NUMBERS; fatal() unless it has N. */
static void read_numbers(const char *path, unsigned long long *numbers, int n)
{
    FILE *f = fopen(path, "r");
    int got = 0;

    if (f == NULL)
        die("fopen %s", path);
    while (got < n && fscanf(f, "%llu", &numbers[got]) == 1)
        got++;
    fclose(f);
    if (got != n)
        fatal("%s: %d numbers expected, %d read", path, n, got);
}

/* Read the six limits into L. */
static void read_limits(struct limits *l)
{
    //> /* TODO 1: read_numbers() of each setting; kernel.sem has four
    //>  * numbers, of which you need two. Mind the size of shmall and
    //>  * shmmax: `cat /proc/sys/kernel/shmall`. */
    //> memset(l, 0, sizeof *l);
    //> (void)read_numbers;
    // BEGIN SOLUTION
    unsigned long long sem[4];

    read_numbers("/proc/sys/kernel/shmmni", &l->shmmni, 1);
    read_numbers("/proc/sys/kernel/shmall", &l->shmall, 1);
    read_numbers("/proc/sys/kernel/shmmax", &l->shmmax, 1);
    read_numbers("/proc/sys/kernel/sem", sem, 4);
    l->semmns = sem[1];
    l->semmni = sem[3];
    read_numbers("/proc/sys/kernel/msgmni", &l->msgmni, 1);
    // END SOLUTION
}

/* Count what /proc/sysvipc lists into U. */
static void count_used(struct used *u)
{
    //> /* TODO 2: the lines of /proc/sysvipc/shm, sem and msg after the
    //>  * first (it names the columns). A segment takes its size in bytes
    //>  * (the 4th column) rounded up to pages (sysconf(_SC_PAGESIZE)); a
    //>  * set takes its nsems (the 4th column). fatal() on a line you
    //>  * cannot read. */
    //> memset(u, 0, sizeof *u);
    // BEGIN SOLUTION
    static const char *const files[3] = {
        "/proc/sysvipc/shm", "/proc/sysvipc/sem", "/proc/sysvipc/msg",
    };
    unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE), size;
    char line[1024];
    FILE *f;

    memset(u, 0, sizeof *u);
    for (int i = 0; i < 3; i++) {
        if ((f = fopen(files[i], "r")) == NULL)
            die("fopen %s", files[i]);
        if (fgets(line, sizeof line, f) == NULL)    /* the column names */
            line[0] = '\0';
        while (fgets(line, sizeof line, f) != NULL) {
            if (sscanf(line, "%*d %*d %*o %llu", &size) != 1)   /* key id perms SIZE */
                fatal("%s: a line I cannot read: %.*s", files[i], (int)strcspn(line, "\n"),
                      line);
            if (i == 0) {
                u->segments++;
                u->pages += size / page + (size % page != 0);
            } else if (i == 1) {
                u->sets++;
                u->semaphores += size;
            } else {
                u->queues++;
            }
        }
        if (ferror(f))
            die("read %s", files[i]);
        fclose(f);
    }
    // END SOLUTION
}

/* How many more may be made, of a LIMIT of which USED are taken. */
static unsigned long long left(unsigned long long used, unsigned long long limit)
{
    //> /* TODO 3: a setting may be lowered below what is used already. */
    //> (void)used, (void)limit;
    //> return 0;
    // BEGIN SOLUTION
    return used < limit ? limit - used : 0;
    // END SOLUTION
}

/* The largest segment shmget(2) would make now, with PAGES_LEFT pages left
 * of shmall: shmmax bytes at most. */
static unsigned long long largest_segment(const struct limits *l, unsigned long long pages_left)
{
    //> /* TODO 4: bytes of PAGES_LEFT pages, or shmmax if fewer. Can the
    //>  * product be computed in 64 bits with shmall's default? */
    //> (void)l, (void)pages_left;
    //> return 0;
    // BEGIN SOLUTION
    unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);

    if (pages_left > l->shmmax / page)          /* then pages_left * page > shmmax */
        return l->shmmax;
    return pages_left * page;
    // END SOLUTION
}

int main(int argc, char *argv[])
{
    struct limits l;
    struct used u;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (optind < argc)
        usage_error("too many arguments");
    read_limits(&l);
    count_used(&u);
    printf("segments %llu %llu %llu\n", u.segments, l.shmmni, left(u.segments, l.shmmni));
    printf("shm-pages %llu %llu %llu\n", u.pages, l.shmall, left(u.pages, l.shmall));
    printf("sets %llu %llu %llu\n", u.sets, l.semmni, left(u.sets, l.semmni));
    printf("semaphores %llu %llu %llu\n", u.semaphores, l.semmns, left(u.semaphores, l.semmns));
    printf("queues %llu %llu %llu\n", u.queues, l.msgmni, left(u.queues, l.msgmni));
    printf("largest-segment %llu\n", largest_segment(&l, left(u.pages, l.shmall)));
    return EXIT_SUCCESS;
}
