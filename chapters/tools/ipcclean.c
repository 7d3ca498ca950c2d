/* ipcclean: remove what a user left behind (a crashed demo's objects).
 *
 * usage: ipcclean [-n] [-k PATH[:ID] | -K KEY | -c PID | -u]
 *
 * "The current user's" means what we own: a System V object whose owner
 * (uid, the owner column of ipcs) is our effective uid, and a POSIX name
 * whose file we own, in /dev/shm (shared memory objects, and named
 * semaphores as sem.NAME) or in the mqueue filesystem (message queues;
 * found in /proc/self/mounts; only this IPC namespace's queues). Another
 * user's object is never touched, not
 * even by root, and not one we made and gave away with IPC_SET (IPC_RMID
 * would let its creator remove it: ipcrm does that, on purpose). Mind that
 * a desktop's browser and sound server keep their own shared memory in
 * /dev/shm too: look with -n first. A filter narrows the choice:
 *   -k PATH[:ID]  System V objects with the key ftok(PATH, ID) (ID 1 if not
 *                 given), as the demos make them: -k app.conf:1234
 *   -K KEY        System V objects with this key (hex, as ipcs prints it)
 *   -c PID        segments created by process PID: only a segment records
 *                 its creator's pid (shm_cpid); sets and queues never match
 *   -u            all of them, System V and POSIX (what no filter means,
 *                 except for root, which must name a filter)
 * A segment already removed but still attached (ipcs shows "dest") is left
 * to go at its last detach; it is not offered again.
 * Each object removed is one line on stdout; -n prints the lines and removes
 * nothing:
 *
 * $ ./ipcclean -n
 * would remove shm 7340049 0x00000000
 * would remove posix-sem /dev/shm/sem.demo
 * $ ./ipcclean
 * removed shm 7340049 0x00000000
 * removed posix-sem /dev/shm/sem.demo
 */
#define _DEFAULT_SOURCE
#include "ipclab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>

static const char help[] =
    "usage: ipcclean [-n] [-k PATH[:ID] | -K KEY | -c PID | -u]\n"
    "Remove the current user's System V objects (the owner is us) and\n"
    "POSIX names (files we own in /dev/shm and in this IPC namespace's mqueue\n"
    "filesystem); never another user's. One line per object: \"removed KIND ID\n"
    "KEY\" or \"removed KIND PATH\" (KIND: shm sem msg posix-shm posix-sem posix-mq).\n"
    "  -n, --dry-run       only print what would be removed (\"would remove ...\")\n"
    "  -k PATH[:ID]        System V objects with the key ftok(PATH, ID), ID 1 if not\n"
    "                      given (-k app.conf:1234)\n"
    "  -K, --key KEY       System V objects with this key (hex: 0x1a2b3c4d)\n"
    "  -c, --creator PID   segments made by process PID (shm_cpid); semaphore sets\n"
    "                      and message queues record no creator pid: never matched\n"
    "  -u, --mine          all of the current user's objects and names (what no\n"
    "                      filter means; root must give a filter)\n";

static int dry_run, failed;
static enum { ALL, KEY, CREATOR } filter = ALL;
static key_t wanted_key;
static long wanted_pid;

static void report(const char *kind, int id, key_t key, const char *path)
{
    const char *verb = dry_run ? "would remove" : "removed";

    if (path != NULL)
        printf("%s %s %s\n", verb, kind, path);
    else
        printf("%s %s %d 0x%08x\n", verb, kind, id, (unsigned int)key);
}

// tag::sysv[]
/* Read /proc/sysvipc/FILE and remove what matches. Only the first columns
 * matter: key and id, then, skipping what we do not need (%*), the uid,
 * and for a segment its perms (with SHM_DEST) and its creator's pid (cpid). */
static void sysv(const char *kind)
{
    char path[64], line[1024];
    int key, id, cpid = 0, ok;
    unsigned int uid, perms = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/sysvipc/%s", kind);
    if ((f = fopen(path, "r")) == NULL)
        die("fopen %s", path);
    if (fgets(line, sizeof line, f) == NULL)      /* the column names */
        line[0] = '\0';
    while (fgets(line, sizeof line, f) != NULL) {
        if (strcmp(kind, "shm") == 0)   /* key shmid perms size cpid lpid nattch uid */
            ok = sscanf(line, "%d %d %o %*u %d %*d %*u %u", &key, &id, &perms, &cpid,
                        &uid) == 5;
        else if (strcmp(kind, "msg") == 0)  /* key msqid perms cbytes qnum lspid lrpid uid */
            ok = sscanf(line, "%d %d %*o %*u %*u %*d %*d %u", &key, &id, &uid) == 3;
        else                                /* key semid perms nsems uid */
            ok = sscanf(line, "%d %d %*o %*u %u", &key, &id, &uid) == 3;
        if (!ok)
            fatal("%s: a line I cannot read: %.*s", path, (int)strcspn(line, "\n"),
                  line);
        if (uid != geteuid())                                // <1>
            continue;
        if (perms & SHM_DEST)           /* removed already: goes at its last detach */
            continue;
        if ((filter == KEY && key != wanted_key) ||
            (filter == CREATOR && (strcmp(kind, "shm") != 0 || cpid != wanted_pid)))  // <2>
            continue;
        if (!dry_run) {                                      // <3>
            int rc = strcmp(kind, "shm") == 0 ? shmctl(id, IPC_RMID, NULL)
                   : strcmp(kind, "sem") == 0 ? semctl(id, 0, IPC_RMID)
                   : msgctl(id, IPC_RMID, NULL);
            if (rc == -1 && (errno == EINVAL || errno == EIDRM))
                continue;                       /* someone removed it meanwhile */
            if (rc == -1) {
                warn_errno("IPC_RMID %s %d", kind, id);
                failed = 1;
                continue;
            }
        }
        report(kind, id, (key_t)key, NULL);
    }
    if (ferror(f))
        die("read %s", path);
    fclose(f);
}
// end::sysv[]

// tag::posix[]
/* Is the queue file NAME, seen in an mqueue mount, a queue of our IPC
 * namespace? A mount shows the queues of the namespace that mounted it: in
 * a shell of `unshare -i`, /dev/mqueue still lists the machine's. mq_open
 * looks in our namespace, and on Linux a queue descriptor is a file
 * descriptor: fstat says whether it is the same file. */
static int our_queue(const char *name, const struct stat *st)
{
    char qname[NAME_MAX + 2];
    struct stat q_st;
    mqd_t q;
    int same;

    snprintf(qname, sizeof qname, "/%s", name);
    if ((q = mq_open(qname, O_RDONLY)) == (mqd_t)-1)
        return 0;
    same = fstat(q, &q_st) == 0 && q_st.st_dev == st->st_dev && q_st.st_ino == st->st_ino;
    mq_close(q);
    return same;
}

/* The files we own in DIR: POSIX names. In /dev/shm a named semaphore is
 * sem.NAME, a shared memory object NAME; in an mqueue filesystem each file
 * is a queue. Removing the file is what shm_unlink, sem_unlink and
 * mq_unlink do. */
static void posix(const char *dir, int mqueue)
{
    char path[PATH_MAX];
    struct dirent *e;
    struct stat st;
    int foreign = 0;
    DIR *d;

    if ((d = opendir(dir)) == NULL) {
        warn_errno("opendir %s", dir);
        failed = 1;
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
            !S_ISREG(st.st_mode) || st.st_uid != geteuid())
            continue;
        if (mqueue && !our_queue(e->d_name, &st)) {
            foreign = 1;
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (!dry_run && unlinkat(dirfd(d), e->d_name, 0) == -1) {
            if (errno != ENOENT) {
                warn_errno("unlink %s", path);
                failed = 1;
            }
            continue;
        }
        report(mqueue ? "posix-mq" : strncmp(e->d_name, "sem.", 4) == 0 ? "posix-sem"
                                                                        : "posix-shm",
               0, 0, path);
    }
    closedir(d);
    if (foreign)
        fprintf(stderr, "ipcclean: %s shows queues of another IPC namespace: left alone\n",
                dir);
}

/* Where the mqueue filesystem is mounted: the last mqueue line of
 * /proc/self/mounts (a later mount hides an earlier one); NULL if none. */
static const char *mqueue_dir(void)
{
    static char dir[PATH_MAX];
    FILE *f = setmntent("/proc/self/mounts", "r");
    struct mntent *m;

    if (f == NULL)
        die("setmntent /proc/self/mounts");
    dir[0] = '\0';
    while ((m = getmntent(f)) != NULL)
        if (strcmp(m->mnt_type, "mqueue") == 0)
            snprintf(dir, sizeof dir, "%s", m->mnt_dir);
    endmntent(f);
    return dir[0] != '\0' ? dir : NULL;
}
// end::posix[]

int main(int argc, char *argv[])
{
    static const struct option longopts[] = {
        { "dry-run", no_argument, NULL, 'n' },
        { "key", required_argument, NULL, 'K' },
        { "creator", required_argument, NULL, 'c' },
        { "mine", no_argument, NULL, 'u' },
        { NULL, 0, NULL, 0 },
    };
    int opt, filters = 0;
    const char *mq;

    while ((opt = next_long_option(argc, argv, "nk:K:c:u", longopts, help)) != -1) {
        switch (opt) {
        case 'n': dry_run = 1; break;
        case 'k': case 'K':
            filter = KEY; wanted_key = parse_key_option(opt, optarg); filters++; break;
        case 'c': filter = CREATOR; wanted_pid = parse_long("pid", optarg, 1, INT_MAX);
                  filters++; break;
        case 'u': filter = ALL; filters++; break;
        }
    }
    if (optind < argc)
        usage_error("too many arguments");
    if (filters > 1)
        usage_error("give one filter at most: --key, --creator or --mine");
    // tag::root[]
    if (filters == 0 && geteuid() == 0)
        usage_error("as root, name what to remove: --mine, --key or --creator");
    // end::root[]

    sysv("msg");
    sysv("shm");
    sysv("sem");
    if (filter == ALL) {                        /* POSIX names have no key or creator */
        posix("/dev/shm", 0);
        if ((mq = mqueue_dir()) != NULL)
            posix(mq, 1);
        else
            fprintf(stderr, "ipcclean: no mqueue filesystem is mounted: POSIX message "
                            "queues not looked for\n");
    }
    return failed ? EXIT_CALL_FAILED : EXIT_SUCCESS;
}
