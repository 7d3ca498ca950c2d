/* sem_op: one semop(2) call, carrying every operation given.
 *
 * usage: sem_op [-w] SEMID OP...
 *
 * Each OP is a semaphore number, an operation and optional flags:
 *   N-V   take V: wait until semaphore N is at least V, then subtract V
 *   N+V   give V: add V at once (never waits)
 *   N=0   wait until semaphore N is 0
 *   ...n  IPC_NOWAIT: fail with EAGAIN instead of waiting
 *   ...u  SEM_UNDO: the kernel undoes this change when the process exits
 * All the OPs go into one semop call, which does all of them or none: it
 * waits until every one can be done at once. The program says when the call
 * waits ("waiting") and when it returned ("done"). An n counts for its own
 * OP only: the first OP that cannot be done decides, so a call mixing OPs
 * with and without n may wait, and then it does so unannounced. With -w it
 * waits for Enter (or Ctrl-C) before exiting, so that you can look at the
 * set while it holds what it took; SEM_UNDO changes are undone only when it
 * exits.
 * Ctrl-C while waiting interrupts semop (EINTR): nothing was done. A set
 * removed while we wait makes semop fail with EIDRM.
 *
 * $ id=$(./sem_create 2)
 * $ ./sem_op $id 0+1 1+2
 * pid 2644: semop 0+1 1+2: done
 * $ ./sem_op $id 0-1 1-3n
 * sem_op: semop: EAGAIN: Resource temporarily unavailable
 * $ id=$(./sem_create 1)
 * $ ./sem_op $id 0-1 &
 * pid 19493: semop 0-1: waiting
 * $ ./sem_op $id 0+1
 * pid 19502: semop 0+1: done
 * pid 19493: semop 0-1: done
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>

static const char help[] =
    "usage: sem_op [-w] SEMID OP...\n"
    "Make one semop() call with every OP, done all together or not at all:\n"
    "  N-V  wait until semaphore N >= V, then subtract V      N+V  add V\n"
    "  N=0  wait until semaphore N is 0\n"
    "  suffix n: IPC_NOWAIT (EAGAIN instead of waiting); suffix u: SEM_UNDO\n"
    "Example: sem_op 3 0-1u 1+1 (V from 1 to 32767, N from 0 to 65535).\n"
    "  -w  after the call, wait for Enter (or Ctrl-C) before exiting\n";

enum { MAX_OPS = 1024 };        /* more than SEMOPM (500): try E2BIG */

static volatile sig_atomic_t signalled;

static void on_signal(int sig)
{
    signalled = sig;
}

/* "N-V", "N+V" or "N=0", then any of "n" and "u", each once. */
static struct sembuf parse_op(const char *text)
{
    size_t digits = strspn(text, "0123456789"), vlen;
    const char *rest = text + digits + 1;
    char num[16], val[16];
    struct sembuf op = { 0 };

    if (digits == 0 || digits >= sizeof num || strchr("+-=", text[digits]) == NULL ||
        text[digits] == '\0' || (vlen = strspn(rest, "0123456789")) == 0 || vlen >= sizeof val)
        usage_error("op \"%s\": write N-V, N+V or N=0, then n or u if wanted", text);
    snprintf(num, sizeof num, "%.*s", (int)digits, text);
    snprintf(val, sizeof val, "%.*s", (int)vlen, rest);
    op.sem_num = (unsigned short)parse_long("semaphore number", num, 0, USHRT_MAX);
    if (text[digits] == '=') {
        if (strcmp(val, "0") != 0)
            usage_error("op \"%s\": = waits for 0 only", text);
    } else {
        long v = parse_long("value", val, 1, SHRT_MAX);

        op.sem_op = (short)(text[digits] == '-' ? -v : v);
    }
    for (const char *f = rest + vlen; *f; f++) {
        short flag = *f == 'n' ? IPC_NOWAIT : *f == 'u' ? SEM_UNDO : 0;

        if (flag == 0 || (op.sem_flg & flag))
            usage_error("op \"%s\": the flags are n and u, each once", text);
        op.sem_flg |= flag;
    }
    return op;
}

int main(int argc, char *argv[])
{
    static struct sembuf ops[MAX_OPS], probe[MAX_OPS];
    struct sigaction sa = { .sa_handler = on_signal };      /* no SA_RESTART */
    char said[256] = "";
    int semid, nops, hold = 0, any_nowait = 0, opt;

    while ((opt = next_option(argc, argv, "w", help)) != -1)
        hold = 1;
    if (argc - optind < 2)
        usage_error(argc == optind ? "missing SEMID" : "missing OP");
    semid = (int)parse_long("semid", argv[optind], 0, INT_MAX);
    nops = argc - optind - 1;
    if (nops > MAX_OPS)
        usage_error("at most %d operations", MAX_OPS);
    for (int i = 0; i < nops; i++) {
        const char *text = argv[optind + 1 + i];

        ops[i] = probe[i] = parse_op(text);
        probe[i].sem_flg |= IPC_NOWAIT;
        any_nowait |= ops[i].sem_flg & IPC_NOWAIT;
        if (strlen(said) + strlen(text) + 2 < sizeof said)
            snprintf(said + strlen(said), sizeof said - strlen(said), " %s", text);
    }
    sigaction(SIGINT, &sa, NULL);       /* Ctrl-C interrupts a waiting semop */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    // tag::semop[]
    /* First the same call with IPC_NOWAIT everywhere, only to learn whether
     * it would wait: it fails with EAGAIN, doing nothing, if it would. */
    if (any_nowait || semop(semid, probe, (size_t)nops) == -1) {
        if (!any_nowait && errno != EAGAIN)
            die("semop");
        if (!any_nowait) {
            printf("pid %ld: semop%s: waiting\n", (long)getpid(), said);
            fflush(stdout);
        }
        if (semop(semid, ops, (size_t)nops) == -1) {                // <1>
            if (errno == EINTR)                                     // <2>
                fatal("semop: EINTR: interrupted by signal %d while waiting;"
                      " nothing was done", (int)signalled);
            die("semop");                                           // <3>
        }
    }
    printf("pid %ld: semop%s: done\n", (long)getpid(), said);
    fflush(stdout);
    // end::semop[]

    if (hold) {
        printf("pid %ld: holding; press Enter to exit\n", (long)getpid());
        fflush(stdout);
        int c;

        while ((c = getchar()) != '\n' && c != EOF)   /* a signal ends it too */
            ;
    }
    return EXIT_SUCCESS;
}
