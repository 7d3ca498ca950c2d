/* ns.c: a namespace of our own (t_private_ipc) and an mqueue filesystem
 * to list queues in (t_mqueue_dir), kept from reaching the machine's mounts. */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <mntent.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

const char *t_mqueue_mount(void)
{
    static char dir[PATH_MAX];
    struct mntent *m;
    FILE *f = setmntent("/proc/self/mounts", "r");

    dir[0] = '\0';
    while (f != NULL && (m = getmntent(f)) != NULL)    /* the last one mounted */
        if (strcmp(m->mnt_type, "mqueue") == 0)
            snprintf(dir, sizeof dir, "%s", m->mnt_dir);
    if (f != NULL)
        endmntent(f);
    return dir[0] != '\0' ? dir : NULL;
}

static bool no(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(h_why_not, sizeof h_why_not, fmt, ap);
    va_end(ap);
    return false;
}

/* In a new mount namespace: no mount made here may reach the machine's. All
 * of them become private at once where / is a mount point; in a chroot it
 * is not (and cannot be named), so each mount we can see becomes private,
 * and DIR must lie on one of them: on the chroot's own root, a new mount
 * would propagate to the machine. */
static bool mounts_private_for(const char *dir)
{
    struct mntent *m;
    FILE *f;
    size_t longest = 0;

    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
        return true;
    if ((f = setmntent("/proc/self/mounts", "r")) == NULL)
        return no("cannot read /proc/self/mounts: %s", strerror(errno));
    while ((m = getmntent(f)) != NULL) {
        size_t len = strlen(m->mnt_dir);

        if (mount(NULL, m->mnt_dir, NULL, MS_PRIVATE, NULL) == -1)
            continue;
        if (strncmp(dir, m->mnt_dir, len) == 0 && (dir[len] == '/' || dir[len] == '\0' ||
                                                   strcmp(m->mnt_dir, "/") == 0))
            longest = len > longest ? len : longest;
    }
    endmntent(f);
    return longest > 0 ? true
        : no("cannot keep a mount on %s from the machine: / is not a mount point here (a chroot?)", dir);
}

const char *t_mqueue_dir(void)
{
    static char dir[PATH_MAX];

    if (t_mqueue_mount() != NULL)
        return t_mqueue_mount();
    if (unshare(CLONE_NEWNS) == -1) {
        no("no mqueue filesystem mounted, and unshare(CLONE_NEWNS) to mount one: %s",
           strerrorname_np(errno));
        return NULL;
    }
    snprintf(dir, sizeof dir, "%s/mqueue-%ld", h_rundir, (long)getpid());
    if (!mounts_private_for(dir))
        return NULL;
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    if (mount("mqueue", dir, "mqueue", 0, NULL) == -1) {
        no("mount mqueue: %s", strerrorname_np(errno));
        return NULL;
    }
    return dir;
}

const char *t_why_not(void)
{
    return h_why_not;
}

/* --- a namespace of our own ----------------------------------------------------- */

bool t_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return false;
    fputs(text, f);
    return fclose(f) == 0;
}

long t_read_long(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = 0;

    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert_msg(fscanf(f, "%ld", &v) == 1, "%s: not a number", path);
    fclose(f);
    return v;
}

/* With CAP_SYS_ADMIN, unshare at once; without, first a user namespace,
 * which owns the new IPC namespace: as root in it, the process may set its
 * limits; as itself (AS_ME), what it runs there has no capabilities. */
static bool enter_private_ipc(bool as_me)
{
    const int flags = CLONE_NEWIPC | CLONE_NEWNS;
    const uid_t uid = geteuid();        /* unmapped (65534) after CLONE_NEWUSER */
    const gid_t gid = getegid();
    char map[64], dir[PATH_MAX];
    struct stat st;

    if (unshare(flags) == -1) {
        int first = errno;

        if (unshare(CLONE_NEWUSER | flags) == -1)
            return no("cannot make an IPC namespace: unshare: %s, and in a user namespace: %s "
                      "(needs CAP_SYS_ADMIN, or user namespaces)",
                      strerrorname_np(first), strerrorname_np(errno));
        snprintf(map, sizeof map, "%u %u 1\n", as_me ? (unsigned int)uid : 0, (unsigned int)uid);
        if (!t_write_file("/proc/self/uid_map", map))
            return no("cannot write uid_map in a user namespace: %s", strerror(errno));
        t_write_file("/proc/self/setgroups", "deny\n");
        snprintf(map, sizeof map, "%u %u 1\n", as_me ? (unsigned int)gid : 0, (unsigned int)gid);
        if (!t_write_file("/proc/self/gid_map", map))
            return no("cannot write gid_map in a user namespace: %s", strerror(errno));
    }
    /* The queues' mount point: /dev/mqueue where there is one; else a folder
     * of the run's, where a mount there stays ours; else (in a chroot, on its
     * root) a hidden folder in the new /dev/shm. */
    if (stat("/dev/mqueue", &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(dir, sizeof dir, "/dev/mqueue");
    else
        snprintf(dir, sizeof dir, "%s/mqueue-%ld", h_rundir, (long)getpid());
    if (!mounts_private_for("/dev/shm"))
        return false;
    if (!mounts_private_for(dir))
        snprintf(dir, sizeof dir, "/dev/shm/.mqueue");
    if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") == -1)
        return no("cannot mount a tmpfs on /dev/shm: %s", strerrorname_np(errno));
    if (strcmp(dir, "/dev/mqueue") != 0 && mkdir(dir, 0755) == -1)
        return no("mkdir %s: %s", dir, strerror(errno));
    if (mount("mqueue", dir, "mqueue", 0, NULL) == -1)
        return no("cannot mount an mqueue filesystem: %s", strerrorname_np(errno));
    return true;
}

static int run_private_ipc(int (*fn)(void *), void *arg, bool as_me)
{
    int ready[2], status;
    ssize_t n;
    pid_t pid;

    ck_assert_int_eq(pipe(ready), 0);
    fflush(NULL);
    ck_assert((pid = fork()) != -1);
    if (pid == 0) {
        close(ready[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (!enter_private_ipc(as_me)) {
            ck_assert_int_eq(write(ready[1], h_why_not, strlen(h_why_not)), (ssize_t)strlen(h_why_not));
            _exit(1);
        }
        h_in_private_ipc = true;
        close(ready[1]);
        _exit(fn(arg));
    }
    close(ready[1]);
    /* Its first words, if any, say why it could not have the namespace. */
    n = read(ready[0], h_why_not, sizeof h_why_not - 1);
    h_why_not[n > 0 ? n : 0] = '\0';
    close(ready[0]);
    while (waitpid(pid, &status, 0) == -1)
        ck_assert_int_eq(errno, EINTR);
    return n <= 0 ? t_status(status) : -1;
}

int t_private_ipc(int (*fn)(void *), void *arg)
{
    return run_private_ipc(fn, arg, false);
}

int t_private_ipc_as_me(int (*fn)(void *), void *arg)
{
    return run_private_ipc(fn, arg, true);
}
