/* ipcsnap.c: take one snapshot of the IPC objects (see ipcsnap.h), for
 * ipcwatch. It only reads: /proc, semctl's GET commands, msgrcv with
 * MSG_COPY, stat of POSIX names. Anything may vanish while we read it: an
 * object removed (EINVAL, EIDRM) leaves the snapshot, a process that ended
 * (ENOENT, ESRCH) is skipped; what we may not read (EACCES, EPERM) is
 * counted in struct blind.
 */
#define _GNU_SOURCE                     /* MSG_COPY, MSG_EXCEPT, process_vm_readv */
#include "ipcsnap.h"
#include "ipclab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "semun.h"

#ifndef MSG_COPY
#define MSG_COPY 040000                 /* linux/msg.h: copy, do not take */
#endif

static bool gone(int err)               /* the object or process went meanwhile */
{
    return err == EINVAL || err == EIDRM || err == ENOENT || err == ESRCH;
}

static struct sysv *add(struct snap *s)
{
    if ((s->n & (s->n - 1)) == 0 &&     /* 0, 1, 2, 4...: grow by doubling */
        (s->obj = realloc(s->obj, (s->n ? 2 * s->n : 1) * sizeof *s->obj)) == NULL)
        die("realloc");
    memset(&s->obj[s->n], 0, sizeof *s->obj);
    return &s->obj[s->n++];
}

static struct sysv *find(struct snap *s, char kind, int id)
{
    for (int i = 0; i < s->n; i++)
        if (s->obj[i].kind == kind && s->obj[i].id == id)
            return &s->obj[i];
    return NULL;
}

static bool wanted(const struct filter *f, char kind, int key, int id, unsigned int uid,
                   unsigned int cuid)
{
    return (f->kinds[0] == '\0' || strchr(f->kinds, kind) != NULL) &&
           (!f->mine || uid == geteuid() || cuid == geteuid()) &&
           (!f->by_key || key == f->key) && (f->id == -1 || id == f->id);
}

// tag::sysvipc[]
/* The rows of /proc/sysvipc/FILE, one per object, readable by anyone:
 *   shm: key shmid perms size cpid lpid nattch uid gid cuid ...
 *   sem: key semid perms nsems uid gid cuid ...
 *   msg: key msqid perms cbytes qnum lspid lrpid uid gid cuid ... */
static void read_sysvipc(struct snap *s, const struct filter *f, char kind)
{
    const char *path = kind == 'm' ? "/proc/sysvipc/shm"
                     : kind == 's' ? "/proc/sysvipc/sem" : "/proc/sysvipc/msg";
    char line[512];
    struct sysv o = { .kind = kind };
    FILE *in;
    int ok;

    if ((in = fopen(path, "r")) == NULL)
        die("fopen %s", path);
    if (fgets(line, sizeof line, in) == NULL)       /* the column names */
        line[0] = '\0';
    while (fgets(line, sizeof line, in) != NULL) {
        if (kind == 'm')
            ok = sscanf(line, "%d %d %o %lu %d %d %lu %u %*u %u", &o.key, &o.id, &o.mode,
                        &o.size, &o.pid1, &o.pid2, &o.count, &o.uid, &o.cuid) == 9;
        else if (kind == 's')
            ok = sscanf(line, "%d %d %o %lu %u %*u %u", &o.key, &o.id, &o.mode, &o.size,
                        &o.uid, &o.cuid) == 6;
        else
            ok = sscanf(line, "%d %d %o %lu %lu %d %d %u %*u %u", &o.key, &o.id, &o.mode,
                        &o.size, &o.count, &o.pid1, &o.pid2, &o.uid, &o.cuid) == 9;
        if (!ok)
            fatal("%s: a line I cannot read: %.*s", path, (int)strcspn(line, "\n"), line);
        if (wanted(f, kind, o.key, o.id, o.uid, o.cuid))
            *add(s) = o;
    }
    fclose(in);
}
// end::sysvipc[]

// tag::sem[]
/* A set's values and counts: semctl needs read permission on the set. */
static bool read_set(struct sysv *o, struct blind *b)
{
    unsigned short *values = calloc(o->size ? o->size : 1, sizeof *values);
    int rc;

    if (values == NULL)
        die("calloc");
    rc = semctl(o->id, 0, GETALL, (union semun){ .array = values });
    o->nsems = o->size < SNAP_MAX_SEMS ? (int)o->size : SNAP_MAX_SEMS;
    for (int i = 0; rc != -1 && i < o->nsems; i++) {
        o->sem[i].value = values[i];
        if ((o->sem[i].ncnt = semctl(o->id, i, GETNCNT)) == -1 ||   /* asleep for > 0 */
            (o->sem[i].zcnt = semctl(o->id, i, GETZCNT)) == -1 ||   /* asleep for 0 */
            (o->sem[i].pid = semctl(o->id, i, GETPID)) == -1)       /* last semop */
            rc = -1;
    }
    free(values);
    if (rc == -1 && gone(errno))
        return false;
    o->readable = rc != -1;
    o->nsems = o->readable ? o->nsems : 0;
    b->sets += !o->readable;
    return true;
}
// end::sem[]

// tag::msg[]
/* The types of the waiting messages, oldest first: msgrcv with MSG_COPY
 * copies the message at position N (msgtyp is N) and leaves it queued. The
 * buffer must hold the longest message there may be: msgmax bytes. */
static bool read_queue(struct sysv *o, struct blind *b, struct msgbuf *buf, size_t msgmax)
{
    int i;

    for (i = 0; i < SNAP_MAX_TYPES; i++) {
        if (msgrcv(o->id, buf, msgmax, i, MSG_COPY | IPC_NOWAIT) == -1)
            break;
        o->types[i] = buf->mtype;
    }
    if (i == SNAP_MAX_TYPES || errno == ENOMSG) {   /* all read, or the end */
        o->ntypes = i;
        o->readable = true;
        return true;
    }
    if (gone(errno) && msgctl(o->id, IPC_STAT, &(struct msqid_ds){ 0 }) == -1 &&
        gone(errno))
        return false;
    b->no_msg_copy |= errno == ENOSYS;              /* no CONFIG_CHECKPOINT_RESTORE */
    b->queues += errno != ENOSYS;
    return true;
}
// end::msg[]

// tag::maps[]
/* The segments PID has attached: in /proc/PID/maps a segment is a shared
 * mapping of "/SYSV" and its key, and the inode number is its shmid. Each
 * shmat maps it from offset 0 (a mapping split by mprotect shows more
 * lines, at other offsets). */
static int read_maps(struct snap *s, pid_t pid)
{
    char path[64], line[512], name[64];
    unsigned long offset, inode;
    struct sysv *o;
    FILE *in;

    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    if ((in = fopen(path, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof line, in) != NULL) {
        if (sscanf(line, "%*s %*s %lx %*s %lu %63s", &offset, &inode, name) != 3 ||
            strncmp(name, "/SYSV", 5) != 0 || offset != 0 ||
            (o = find(s, 'm', (int)inode)) == NULL)
            continue;
        o->nmaps++;
        if (o->nattached > 0 && o->attached[o->nattached - 1] == pid)
            continue;                   /* attached twice: one pid is enough */
        if (o->nattached < SNAP_MAX_PIDS)
            o->attached[o->nattached++] = pid;
    }
    fclose(in);
    return 0;
}
// end::maps[]

// tag::syscall[]
/* What PID sleeps in: /proc/PID/syscall holds the number of the system
 * call and its six arguments (hex), "running", or -1 when it is in none. The
 * sembufs and the message are in its memory, at the addresses the call got. */
static int read_syscall(struct snap *s, pid_t pid)
{
    unsigned long a[6];
    char path[64], text[48] = "";
    long nr;
    struct sysv *o = NULL;
    struct waiter *w;
    FILE *in;
    int n;

    snprintf(path, sizeof path, "/proc/%d/syscall", pid);
    if ((in = fopen(path, "r")) == NULL)
        return -1;
    n = (errno = 0, fscanf(in, "%ld %lx %lx %lx %lx %lx %lx", &nr, &a[0], &a[1], &a[2], &a[3],
                           &a[4], &a[5]));
    fclose(in);
    if (n != 7)                                 /* "running", or unreadable */
        return n == EOF && errno != 0 ? -1 : 0;
    if (nr == SYS_semop || nr == SYS_semtimedop) {
        struct sembuf ops[8];
        size_t nops = a[2] < 8 ? a[2] : 8;
        struct iovec local = { ops, nops * sizeof ops[0] }, remote = { (void *)a[1], local.iov_len };

        if ((o = find(s, 's', (int)a[0])) == NULL)
            return 0;
        if (process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)local.iov_len)
            for (size_t i = 0; i < nops; i++)   /* as sem_op's OPs: 0-1, 1+2, 0=0 */
                snprintf(text + strlen(text), sizeof text - strlen(text), "%s%d%s%d%s",
                         i ? " " : "", ops[i].sem_num, ops[i].sem_op > 0 ? "+" : ops[i].sem_op
                         ? "" : "=", ops[i].sem_op, ops[i].sem_flg & IPC_NOWAIT ? "n" : "");
    } else if (nr == SYS_msgsnd || nr == SYS_msgrcv) {
        long type, msgtyp = (long)a[3];
        struct iovec local = { &type, sizeof type }, remote = { (void *)a[1], sizeof type };

        if ((o = find(s, 'q', (int)a[0])) == NULL)
            return 0;
        if (nr == SYS_msgrcv && msgtyp == 0)    /* msgtyp and msgflg are arguments */
            snprintf(text, sizeof text, "any type");
        else if (nr == SYS_msgrcv)
            snprintf(text, sizeof text, "%s %ld", msgtyp < 0 ? "type <=" : a[4] & MSG_EXCEPT
                     ? "type not" : "type", labs(msgtyp));
        else if (process_vm_readv(pid, &local, 1, &remote, 1, 0) == sizeof type)
            snprintf(text, sizeof text, "type %ld, %lu bytes", type, a[2]);
    }
    if (o == NULL || o->nwaiters == SNAP_MAX_WAITERS)
        return 0;
    w = &o->waiters[o->nwaiters++];
    w->pid = pid;
    snprintf(w->call, sizeof w->call, "%s", nr == SYS_semop ? "semop" : nr == SYS_semtimedop
             ? "semtimedop" : nr == SYS_msgsnd ? "msgsnd" : "msgrcv");
    snprintf(w->what, sizeof w->what, "%s", text);
    return 0;
}
// end::syscall[]

/* Every process of our IPC namespace: its attachments and its sleep. A
 * process of another namespace (a container, unshare -i) sees other objects
 * under the same ids: it is left out. */
static void read_processes(struct snap *s, bool maps, bool calls)
{
    struct stat ours, theirs;
    char path[64];
    struct dirent *e;
    DIR *d;

    if ((!maps && !calls) || (d = opendir("/proc")) == NULL)
        return;
    if (stat("/proc/self/ns/ipc", &ours) == -1)     /* no namespaces: all are ours */
        ours.st_ino = 0;
    while ((e = readdir(d)) != NULL) {
        pid_t pid = atoi(e->d_name);

        if (pid <= 0 || pid == getpid())
            continue;
        snprintf(path, sizeof path, "/proc/%d/ns/ipc", pid);
        errno = 0;
        if (ours.st_ino != 0 && stat(path, &theirs) == -1) {
            s->blind.procs += !gone(errno);         /* another user's, without ptrace */
            continue;
        }
        if (ours.st_ino != 0 && (theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev))
            continue;
        errno = 0;
        if ((maps && read_maps(s, pid) == -1) || (calls && read_syscall(s, pid) == -1))
            s->blind.procs += !gone(errno);
    }
    closedir(d);
}

// tag::posix[]
static int by_name(const void *a, const void *b)
{
    const struct posix *p = a, *q = b;
    int k = strcmp(p->kind, q->kind);

    return k ? k : strcmp(p->name, q->name);
}

/* The files of DIR: in /dev/shm a named semaphore is sem.NAME, a shared
 * memory object NAME; in an mqueue filesystem each file is a queue, and
 * reading it gives "QSIZE:bytes NOTIFY:...". A queue that mq_open does not
 * find belongs to another IPC namespace (the mount is not ours). */
static void read_posix(struct snap *s, const struct filter *f, const char *dir, bool mqueue)
{
    struct dirent *e;
    struct stat st;
    struct posix *p;
    DIR *d;

    if ((d = opendir(dir)) == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
            !S_ISREG(st.st_mode) || (f->mine && st.st_uid != geteuid()))
            continue;
        if ((s->nposix & (s->nposix - 1)) == 0 &&
            (s->posix = realloc(s->posix, (s->nposix ? 2 * s->nposix : 1) * sizeof *p)) == NULL)
            die("realloc");
        p = &s->posix[s->nposix];
        *p = (struct posix){ .uid = st.st_uid, .mode = st.st_mode & 0777, .size = st.st_size };
        snprintf(p->kind, sizeof p->kind, "%s", mqueue ? "mq" : strncmp(e->d_name, "sem.", 4)
                 ? "shm" : "sem");
        snprintf(p->name, sizeof p->name, "/%s", e->d_name + (strcmp(p->kind, "sem") ? 0 : 4));
        if (mqueue) {
            char text[128] = "";
            mqd_t q = mq_open(p->name, O_RDONLY);
            int fd = openat(dirfd(d), e->d_name, O_RDONLY);

            p->size = -1;
            if (q == (mqd_t)-1 && errno == ENOENT) {    /* not in our namespace */
                if (fd != -1)
                    close(fd);
                continue;
            }
            if (q != (mqd_t)-1)
                mq_close(q);
            if (fd != -1 && read(fd, text, sizeof text - 1) > 0)
                sscanf(text, "QSIZE:%lld", &p->size);
            if (fd != -1)
                close(fd);
        }
        s->nposix++;
    }
    closedir(d);
}
// end::posix[]

static void read_mqueue_dir(struct blind *b)
{
    FILE *f = setmntent("/proc/self/mounts", "r");
    struct mntent *m;

    b->mqueue_dir[0] = '\0';
    while (f != NULL && (m = getmntent(f)) != NULL)
        if (strcmp(m->mnt_type, "mqueue") == 0)      /* the last one hides the others */
            snprintf(b->mqueue_dir, sizeof b->mqueue_dir, "%s", m->mnt_dir);
    if (f != NULL)
        endmntent(f);
    b->no_mqueue = b->mqueue_dir[0] == '\0';
}

void snap_take(struct snap *s, const struct filter *f)
{
    static struct msgbuf *buf;
    static size_t msgmax;
    bool maps = false, calls = false;
    int kept = 0;

    *s = (struct snap){ 0 };
    for (const char *k = "msq"; *k; k++)
        read_sysvipc(s, f, *k);
    if (buf == NULL) {                  /* the longest message: msgmax bytes */
        FILE *in = fopen("/proc/sys/kernel/msgmax", "r");

        if (in == NULL || fscanf(in, "%zu", &msgmax) != 1)
            msgmax = 8192;
        if (in != NULL)
            fclose(in);
        if ((buf = malloc(sizeof *buf + msgmax)) == NULL)
            die("malloc");
    }
    for (int i = 0; i < s->n; i++) {
        struct sysv *o = &s->obj[i];
        bool still = o->kind == 's' ? read_set(o, &s->blind)
                   : o->kind == 'q' ? read_queue(o, &s->blind, buf, msgmax) : true;

        maps |= o->kind == 'm' && o->count > 0;     /* nobody attached: no maps to read */
        calls |= o->kind != 'm';
        if (still)
            s->obj[kept++] = *o;
    }
    s->n = kept;
    read_processes(s, maps, calls);
    if ((f->kinds[0] == '\0' || strchr(f->kinds, 'P') != NULL) &&
        !f->by_key && f->id == -1) {                /* POSIX names have no key, no id */
        read_posix(s, f, "/dev/shm", false);
        read_mqueue_dir(&s->blind);
        if (!s->blind.no_mqueue)
            read_posix(s, f, s->blind.mqueue_dir, true);
        if (s->nposix > 0)
            qsort(s->posix, s->nposix, sizeof *s->posix, by_name);
    }
}

void snap_free(struct snap *s)
{
    free(s->obj);
    free(s->posix);
    *s = (struct snap){ 0 };
}
