/* ipc_ids: what a System V identifier is made of, and when one comes back.
 *
 * usage: ipc_ids [-n COUNT] [-r]
 *
 * Linux builds an identifier from two numbers: id = seq * 32768 + index.
 * The index is a slot in the kernel's table of that kind of object; the
 * sequence number grows each time the allocator wraps around to the start
 * of the table. So a removed id is not handed out again at once: its slot
 * comes back soon, with a higher seq, and the very same id only once seq
 * has wrapped too (seq runs 0 to 65534).
 *
 * This program creates and removes private message queues (the cheapest
 * object) one after another: it prints the first COUNT ids (default 4), then
 * goes on until the first one's index comes back. With -r it goes on until
 * the first id itself comes back: millions of creations, some seconds.
 * Ctrl-C (or Ctrl-\, kill, a closed terminal) stops it cleanly: it never
 * holds more than one queue, and removes it before it stops.
 *
 * $ ./ipc_ids -n 2
 * id 393222 = seq 12 * 32768 + index 6
 * id 393223 = seq 12 * 32768 + index 7
 * index 6 came back after 64 creations: id 425990 = seq 13 * 32768 + index 6
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>

/* The kernel's SEQ_MULTIPLIER: 32768, or 16777216 if booted with ipcmni_extend */
enum { IPCMNI = 32768 };

static const char help[] =
    "usage: ipc_ids [-n COUNT] [-r]\n"
    "Create and remove private message queues one after another, print the\n"
    "first COUNT ids (default 4) as seq * 32768 + index, then go on until the\n"
    "first index comes back. With -r, go on until the first id itself comes\n"
    "back (millions of creations; Ctrl-C stops cleanly).\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

// tag::cycle[]
/* Create a queue and remove it at once; return the id it had. */
static int cycle(void)
{
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

    if (id == -1)
        die("msgget");
    if (msgctl(id, IPC_RMID, NULL) == -1)
        die("msgctl IPC_RMID %d", id);
    return id;
}
// end::cycle[]

static void show(int id)
{
    printf("id %d = seq %d * %d + index %d\n", id, id / IPCMNI, IPCMNI, id % IPCMNI);
}

int main(int argc, char *argv[])
{
    long count = 4, n;
    int whole_id = 0, opt, first, id = -1;
    const long limit = 1L << 28;        /* far beyond 65535 * 64; a safety stop */
    struct sigaction sa = { .sa_handler = on_signal };

    while ((opt = next_option(argc, argv, "n:r", help)) != -1) {
        switch (opt) {
        case 'n': count = parse_long("count", optarg, 1, 1000); break;
        case 'r': whole_id = 1; break;
        }
    }
    if (optind != argc)
        usage_error("too many arguments");
    sigaction(SIGINT, &sa, NULL);       /* Ctrl-C */
    sigaction(SIGQUIT, &sa, NULL);      /* Ctrl-\ */
    sigaction(SIGTERM, &sa, NULL);      /* kill */
    sigaction(SIGHUP, &sa, NULL);       /* the terminal closed */

    first = cycle();
    show(first);
    // tag::wrap[]
    for (n = 1; n < limit && !stop; n++) {
        id = cycle();
        if (n < count)
            show(id);
        if (id % IPCMNI == first % IPCMNI && (!whole_id || id == first))
            break;                                          // <1>
    }
    // end::wrap[]
    if (stop)
        fatal("interrupted after %ld creations", n);
    if (n == limit)
        fatal("the first %s did not come back within %ld creations",
             whole_id ? "id" : "index", limit);
    printf("%s %d came back after %ld creations: ", whole_id ? "id" : "index",
           whole_id ? first : first % IPCMNI, n);
    show(id);
    return EXIT_SUCCESS;
}
