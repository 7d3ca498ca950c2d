/* ipc_get: what IPC_PRIVATE, IPC_CREAT and IPC_EXCL do to a get call.
 *
 * usage: ipc_get [-k PATH[:ID] | -K KEY]      (default -k .:1)
 *
 * Every System V object is found or made by a get call: shmget, semget or
 * msgget. This program makes the same calls a reader would, with shared
 * memory, and prints what each returned:
 *   - IPC_PRIVATE always makes a new object, whose key stays 0;
 *   - a key with IPC_CREAT|IPC_EXCL makes a new object or fails with EEXIST,
 *     as open(2) does with O_CREAT|O_EXCL;
 *   - a key with IPC_CREAT, or with no flag, opens the object that has it;
 *   - once removed, the key finds nothing: ENOENT.
 * It removes everything it made before it exits, and touches nothing that was
 * there before it: if the key is in use, it says so and stops.
 *
 * $ ./ipc_get -k /tmp:1
 * key 0x0100c51a
 * IPC_PRIVATE                    shmget -> id 229397
 * IPC_PRIVATE again              shmget -> id 229398
 * key, IPC_CREAT|IPC_EXCL        shmget -> id 229399
 * key, IPC_CREAT                 shmget -> id 229399
 * key, no flag                   shmget -> id 229399
 * key, IPC_CREAT|IPC_EXCL again  shmget -> EEXIST: File exists
 * removed ids 229397 229398 229399
 * key, no flag, after removal    shmget -> ENOENT: No such file or directory
 */
#define _GNU_SOURCE                     /* strerrorname_np */
#include "ipclab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

static const char help[] =
    "usage: ipc_get [-k PATH[:ID] | -K KEY]\n"
    "Show what shmget() returns for IPC_PRIVATE and for a key with\n"
    "IPC_CREAT|IPC_EXCL, IPC_CREAT and no flag, then remove what it made.\n"
    "  -k PATH[:ID]  key from ftok(PATH, ID), ID 1 to 255 (default: -k .:1);\n"
    "                a path with a colon in it needs the :ID\n"
    "  -K KEY        the key itself, in hex\n";

enum { SIZE = 4096, MODE = 0600 };

static int made[3];                     /* ids to remove at exit */
static int nmade;

static void remove_made(void)
{
    while (nmade > 0)
        if (shmctl(made[--nmade], IPC_RMID, NULL) == -1)
            warn_errno("shmctl IPC_RMID %d", made[nmade]);
}

/* One get call, one line of output: the flags, then the id or the error. */
static int get(const char *label, key_t key, int flags)
{
    int creates = key == IPC_PRIVATE ||
                  (flags & (IPC_CREAT | IPC_EXCL)) == (IPC_CREAT | IPC_EXCL);
    int id = shmget(key, SIZE, flags | MODE), saved = errno;

    if (id != -1 && creates && nmade < 3)
        made[nmade++] = id;             /* remembered before anything can fail */
    printf("%-30s shmget -> ", label);
    if (id == -1)
        printf("%s: %s\n", strerrorname_np(saved), strerror(saved));
    else
        printf("id %d\n", id);
    errno = saved;
    return id;
}

int main(int argc, char *argv[])
{
    const char *key_arg = ".:1";
    int key_opt = 0, opt, a, b, c;
    key_t key;

    while ((opt = next_option(argc, argv, "k:K:", help)) != -1) {
        if (key_opt != 0)
            usage_error("give one key option");
        key_opt = opt;
        key_arg = optarg;
    }
    if (optind != argc)
        usage_error("too many arguments");
    key = parse_key_option(key_opt ? key_opt : 'k', key_arg);
    atexit(remove_made);

    printf("key 0x%08x\n", (unsigned int)key);
    // tag::private[]
    a = get("IPC_PRIVATE", IPC_PRIVATE, 0);            // <1>
    b = get("IPC_PRIVATE again", IPC_PRIVATE, 0);
    // end::private[]
    if (a == -1 || b == -1)
        die("shmget IPC_PRIVATE");

    // tag::key[]
    c = get("key, IPC_CREAT|IPC_EXCL", key, IPC_CREAT | IPC_EXCL);  // <1>
    if (c == -1 && errno == EEXIST)
        fatal("key 0x%08x is in use already: choose another with -k or -K",
              (unsigned int)key);
    if (c == -1)
        die("shmget");
    get("key, IPC_CREAT", key, IPC_CREAT);                          // <2>
    get("key, no flag", key, 0);
    get("key, IPC_CREAT|IPC_EXCL again", key, IPC_CREAT | IPC_EXCL); // <3>

    remove_made();
    printf("removed ids %d %d %d\n", a, b, c);
    get("key, no flag, after removal", key, 0);                     // <4>
    // end::key[]
    return EXIT_SUCCESS;
}
