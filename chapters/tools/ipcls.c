/* ipcls: list the System V objects from /proc/sysvipc, as `ipcs -a` does.
 *
 * usage: ipcls [-m] [-s] [-q] [-u]
 *
 * The kernel describes every object of the IPC namespace in three text
 * files, one line each: /proc/sysvipc/msg, shm and sem. Reading them needs
 * no permission on the objects (IPC_STAT would): this is where util-linux
 * ipcs gets its listing too. ipcls prints the same sections, headers and
 * columns as `ipcs -a`, in its order (queues, segments, sets), so that a row
 * of one can be compared with a row of the other field by field.
 * -q, -m and -s choose the sections (default: all three); -u keeps only the
 * objects of the current user, those whose owner or creator it is (ipcs -u
 * is something else: a summary).
 *
 * $ id=$(../shm/shm_create 4096)
 * $ ./ipcls -m -u
 *
 * ------ Shared Memory Segments --------
 * key        shmid      owner      perms      bytes      nattch     status
 * 0x00000000 7241788    student    600        4096       0
 */
#define _DEFAULT_SOURCE
#include "ipclab.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: ipcls [-m] [-s] [-q] [-u]\n"
    "List the System V objects of /proc/sysvipc with the sections and columns\n"
    "of util-linux `ipcs -a` (message queues, segments, semaphore sets).\n"
    "  -q  message queues      -m  shared memory segments      -s  semaphore sets\n"
    "      (none of the three: all of them)\n"
    "  -u  only the current user's objects: owner (uid) or creator (cuid) is us\n";

enum { SHM_DEST_BIT = 01000, SHM_LOCKED_BIT = 02000 };  /* SHM_DEST, SHM_LOCKED */

/* One line of a /proc/sysvipc file, the fields ipcs -a shows. */
struct object {
    int key, id;
    unsigned int mode;              /* with SHM_DEST and SHM_LOCKED for a segment */
    unsigned long long size;        /* bytes, used-bytes or nsems (64 bits, as the kernel's) */
    unsigned long long count;       /* nattch or messages */
    unsigned int uid, cuid;
};

// tag::owner[]
/* The owner column: the user name, cut to 10 characters, or the number when
 * the user database has no name for it (an object of a deleted account). */
static void print_owner(int id, unsigned int uid)
{
    struct passwd *pw = getpwuid(uid);

    if (pw != NULL)
        printf("%-10d %-10.10s", id, pw->pw_name);
    else
        printf("%-10d %-10u", id, uid);
}
// end::owner[]

// tag::rows[]
static void print_msg(const struct object *o)
{
    printf("0x%08x ", (unsigned int)o->key);                /* key_t is an int */
    print_owner(o->id, o->uid);
    printf(" %-10o %-12llu %-12llu\n", o->mode & 0777, o->size, o->count);
}

static void print_shm(const struct object *o)
{
    printf("0x%08x ", (unsigned int)o->key);
    print_owner(o->id, o->uid);
    printf(" %-10o %-10llu %-10llu %-6s %-6s\n", o->mode & 0777, o->size, o->count,
           o->mode & SHM_DEST_BIT ? "dest" : " ",            // <1>
           o->mode & SHM_LOCKED_BIT ? "locked" : " ");
}

static void print_sem(const struct object *o)
{
    printf("0x%08x ", (unsigned int)o->key);
    print_owner(o->id, o->uid);
    printf(" %-10o %-10llu\n", o->mode & 0777, o->size);
}
// end::rows[]

// tag::parse[]
/* The columns of each file (its first line names them):
 *   msg: key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime ...
 *   shm: key shmid perms size cpid lpid nattch uid gid cuid cgid atime ...
 *   sem: key semid perms nsems uid gid cuid cgid otime ctime */
static int parse(char kind, const char *line, struct object *o)
{
    unsigned int gid, cgid;
    int pid1, pid2;

    switch (kind) {
    case 'q':
        return sscanf(line, "%d %d %o %llu %llu %d %d %u %u %u", &o->key, &o->id, &o->mode,
                      &o->size, &o->count, &pid1, &pid2, &o->uid, &gid, &o->cuid) == 10;
    case 'm':
        return sscanf(line, "%d %d %o %llu %d %d %llu %u %u %u", &o->key, &o->id, &o->mode,
                      &o->size, &pid1, &pid2, &o->count, &o->uid, &gid, &o->cuid) == 10;
    default:
        o->count = 0;
        return sscanf(line, "%d %d %o %llu %u %u %u %u", &o->key, &o->id, &o->mode,
                      &o->size, &o->uid, &gid, &o->cuid, &cgid) == 8;
    }
}
// end::parse[]

static const struct section {
    char kind;                      /* the option letter */
    const char *file, *title, *header;
    void (*print)(const struct object *);
} sections[] = {                    /* in the order ipcs -a prints them */
    { 'q', "/proc/sysvipc/msg", "------ Message Queues --------",
      "key        msqid      owner      perms      used-bytes   messages    ", print_msg },
    { 'm', "/proc/sysvipc/shm", "------ Shared Memory Segments --------",
      "key        shmid      owner      perms      bytes      nattch     status      ",
      print_shm },
    { 's', "/proc/sysvipc/sem", "------ Semaphore Arrays --------",
      "key        semid      owner      perms      nsems     ", print_sem },
};

static void list(const struct section *s, int mine_only)
{
    char line[1024];
    struct object o;
    FILE *f;

    if ((f = fopen(s->file, "r")) == NULL)
        die("fopen %s", s->file);
    printf("%s\n%s\n", s->title, s->header);
    if (fgets(line, sizeof line, f) == NULL)   /* the column names */
        line[0] = '\0';
    while (fgets(line, sizeof line, f) != NULL) {
        if (!parse(s->kind, line, &o))
            fatal("%s: a line I cannot read: %.*s", s->file, (int)strcspn(line, "\n"),
                  line);
        if (mine_only && o.uid != geteuid() && o.cuid != geteuid())
            continue;
        s->print(&o);
    }
    if (ferror(f))
        die("read %s", s->file);
    fclose(f);
    printf("\n");
}

int main(int argc, char *argv[])
{
    int opt, wanted[3] = { 0, 0, 0 }, any = 0, mine_only = 0;

    while ((opt = next_option(argc, argv, "msqu", help)) != -1) {
        for (int i = 0; i < 3; i++)
            if (opt == sections[i].kind)
                wanted[i] = any = 1;
        if (opt == 'u')
            mine_only = 1;
    }
    if (optind < argc)
        usage_error("too many arguments");
    printf("\n");                   /* ipcs starts with an empty line too */
    for (int i = 0; i < 3; i++)
        if (wanted[i] || !any)
            list(&sections[i], mine_only);
    return EXIT_SUCCESS;
}
