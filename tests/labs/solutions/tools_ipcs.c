/* tools_ipcs: a small ipcs, one line per System V object, read from
 * /proc/sysvipc. A lab: the statement is at the end of the book's chapter on
 * the tools; `make grade LAB=tools_ipcs` grades this file.
 *
 * usage: tools_ipcs [-m] [-s] [-q] [-k KEY]
 *
 * The kernel lists every object of the IPC namespace in /proc/sysvipc/shm,
 * sem and msg, to everyone: also the objects whose mode lets us not read
 * them (IPC_STAT would fail with EACCES). One line per object, the segments
 * first, then the sets, then the queues, each in the order of its file,
 * fields separated by one space:
 *
 *   shm ID KEY OWNER MODE SIZE NATTCH STATUS
 *   sem ID KEY OWNER MODE NSEMS
 *   msg ID KEY OWNER MODE MESSAGES BYTES
 *
 * KEY is 0x%08x; OWNER the owner's (not the creator's) user name, or the
 * uid in decimal when the user database has no name for it; MODE the nine
 * permission bits, three octal digits (600); SIZE the bytes asked for;
 * STATUS "dest" for a segment removed while attached, "locked" for one
 * locked with SHM_LOCK, "dest,locked" for both, else "-". -m, -s and -q
 * choose the kinds (none: all three); -k keeps the objects with that key
 * (hex with 0x, or decimal; 0 is IPC_PRIVATE).
 *
 * $ ./tools_ipcs -k 0x4d0c2a11
 * shm 32769 0x4d0c2a11 student 640 5000 0 -
 * sem 3 0x4d0c2a11 student 600 3
 * msg 5 0x4d0c2a11 student 620 2 10
 */
#define _DEFAULT_SOURCE
#include "ipclab.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: tools_ipcs [-m] [-s] [-q] [-k KEY]\n"
    "List the System V objects of /proc/sysvipc, one line each:\n"
    "  shm ID KEY OWNER MODE SIZE NATTCH STATUS    (STATUS: - dest locked dest,locked)\n"
    "  sem ID KEY OWNER MODE NSEMS\n"
    "  msg ID KEY OWNER MODE MESSAGES BYTES\n"
    "  -m  segments   -s  semaphore sets   -q  message queues   (none: all three)\n"
    "  -k KEY  only the objects with this key (0x1a2b3c4d; 0: IPC_PRIVATE)\n";

enum { SHM_DEST_BIT = 01000, SHM_LOCKED_BIT = 02000 };  /* SHM_DEST, SHM_LOCKED */

/* One line of a /proc/sysvipc file: what we print of it. */
struct object {
    int key, id;
    unsigned int mode;              /* perms: for a segment, with SHM_DEST and SHM_LOCKED */
    unsigned int uid;               /* the owner */
    unsigned long long size;        /* a segment's bytes, a set's nsems, a queue's bytes */
    unsigned long long count;       /* a segment's nattch, a queue's messages */
};

/* Read LINE of the file of KIND ('m' shm, 's' sem, 'q' msg) into O: 1, or
 * 0 if it is not such a line. The file's first line names its columns. */
static int parse(char kind, const char *line, struct object *o)
{
    //> /* TODO 1: sscanf(3) the fields of LINE that O holds. The key is
    //>  * in decimal (an int), perms in octal; skip the columns you do not
    //>  * need by reading them into variables of their own. */
    //> (void)kind, (void)line;
    //> memset(o, 0, sizeof *o);
    //> return 1;
    // BEGIN SOLUTION
    unsigned long long skip;

    memset(o, 0, sizeof *o);
    switch (kind) {
    case 'm':   /* key shmid perms size cpid lpid nattch uid ... */
        return sscanf(line, "%d %d %o %llu %llu %llu %llu %u", &o->key, &o->id, &o->mode,
                      &o->size, &skip, &skip, &o->count, &o->uid) == 8;
    case 's':   /* key semid perms nsems uid ... */
        return sscanf(line, "%d %d %o %llu %u", &o->key, &o->id, &o->mode, &o->size,
                      &o->uid) == 5;
    default:    /* key msqid perms cbytes qnum lspid lrpid uid ... */
        return sscanf(line, "%d %d %o %llu %llu %llu %llu %u", &o->key, &o->id, &o->mode,
                      &o->size, &o->count, &skip, &skip, &o->uid) == 8;
    }
    // END SOLUTION
}

/* Print the owner UID: its user name, or the number when it has none. */
static void print_owner(unsigned int uid)
{
    //> /* TODO 2: getpwuid(3). */
    //> (void)uid;
    // BEGIN SOLUTION
    struct passwd *pw = getpwuid(uid);

    if (pw != NULL)
        printf("%s", pw->pw_name);
    else
        printf("%u", uid);
    // END SOLUTION
}

/* Print O, an object of KIND, as one line of the format above. */
static void print_object(char kind, const struct object *o)
{
    //> /* TODO 3: "shm", "sem" or "msg", the id, the key, print_owner(),
    //>  * the mode, and the fields of the kind. Which bits of a segment's
    //>  * perms are its permissions, and what are the others? */
    //> (void)kind, (void)o, (void)print_owner;
    // BEGIN SOLUTION
    printf("%s %d 0x%08x ", kind == 'm' ? "shm" : kind == 's' ? "sem" : "msg", o->id,
           (unsigned int)o->key);
    print_owner(o->uid);
    printf(" %03o", o->mode & 0777);
    switch (kind) {
    case 'm':
        printf(" %llu %llu %s\n", o->size, o->count,
               (o->mode & SHM_DEST_BIT) && (o->mode & SHM_LOCKED_BIT) ? "dest,locked" :
               o->mode & SHM_DEST_BIT ? "dest" : o->mode & SHM_LOCKED_BIT ? "locked" : "-");
        break;
    case 's':
        printf(" %llu\n", o->size);
        break;
    default:
        printf(" %llu %llu\n", o->count, o->size);
    }
    // END SOLUTION
}

static const struct { char kind; const char *file; } files[] = {
    { 'm', "/proc/sysvipc/shm" }, { 's', "/proc/sysvipc/sem" }, { 'q', "/proc/sysvipc/msg" },
};

int main(int argc, char *argv[])
{
    int opt, wanted[3] = { 0, 0, 0 }, any = 0, by_key = 0;
    unsigned int key = 0;
    char line[1024];
    struct object o;
    FILE *f;

    while ((opt = next_option(argc, argv, "msqk:", help)) != -1) {
        for (int i = 0; i < 3; i++)
            if (opt == files[i].kind)
                wanted[i] = any = 1;
        if (opt == 'k') {
            key = (unsigned int)parse_long("key", optarg, 0, 0xffffffffL);
            by_key = 1;
        }
    }
    if (optind < argc)
        usage_error("too many arguments");
    for (int i = 0; i < 3; i++) {
        if (any && !wanted[i])
            continue;
        if ((f = fopen(files[i].file, "r")) == NULL)
            die("fopen %s", files[i].file);
        if (fgets(line, sizeof line, f) == NULL)        /* the column names */
            line[0] = '\0';
        while (fgets(line, sizeof line, f) != NULL) {
            if (!parse(files[i].kind, line, &o))
                fatal("%s: a line I cannot read: %.*s", files[i].file,
                      (int)strcspn(line, "\n"), line);
            if (!by_key || (unsigned int)o.key == key)
                print_object(files[i].kind, &o);
        }
        if (ferror(f))
            die("read %s", files[i].file);
        fclose(f);
    }
    return EXIT_SUCCESS;
}
