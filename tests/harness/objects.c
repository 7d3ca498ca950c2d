/* objects.c: keys, POSIX names and the three kinds of System V object, as
 * /proc/sysvipc lists them and as the tests make them. */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>

/* --- /proc/sysvipc ---------------------------------------------------------- */

/* Call FN for every object of KIND the kernel lists: key and id are the
 * first two columns of each file. Returns FN's first non-zero answer. */
int h_each_object(enum t_kind kind, int (*fn)(key_t, int, void *), void *ctx)
{
    FILE *f = fopen(h_proc_file[kind], "r");
    char line[512];
    int key, id, answer = 0;

    if (f == NULL)
        return 0;
    while (answer == 0 && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%d %d", &key, &id) == 2)
            answer = fn((key_t)key, id, ctx);
    fclose(f);
    return answer;
}

static int has_id(key_t key, int id, void *ctx)
{
    (void)key;
    return id == *(int *)ctx;
}

static int has_key(key_t key, int id, void *ctx)
{
    (void)id;
    return key == *(key_t *)ctx;
}

bool t_exists(enum t_kind kind, int id)
{
    return h_each_object(kind, has_id, &id);
}

int t_proc_mode(enum t_kind kind, int id)
{
    FILE *f = fopen(h_proc_file[kind], "r");
    char line[512];
    int key, oid;
    unsigned int mode;

    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "%d %d %o", &key, &oid, &mode) == 3 && oid == id) {
            fclose(f);
            return (int)mode;
        }
    }
    if (f != NULL)
        fclose(f);
    return -1;
}

/* --- keys --------------------------------------------------------------------- */

void t_new_file(char path[PATH_MAX])
{
    static int counter;
    int fd;

    snprintf(path, PATH_MAX, "%s/f%ld-%d", h_rundir, (long)getpid(), ++counter);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    ck_assert_msg(fd != -1, "open %s: %s", path, strerror(errno));
    fchmod(fd, 0644);                   /* readable whatever the umask */
    close(fd);
}

key_t t_key(int id, char path[PATH_MAX])
{
    char file[PATH_MAX];

    /* ftok keeps only 8+8+16 bits: another file somewhere may share the key */
    for (int tries = 0; tries < 100; tries++) {
        key_t key;
        bool used = false;

        t_new_file(file);
        key = ftok(file, id);
        ck_assert_msg(key != -1, "ftok %s: %s", file, strerror(errno));
        for (int k = T_SHM; k <= T_MSG; k++)
            used = used || h_each_object(k, has_key, &key);
        if (used)
            continue;
        if (!h_in_private_ipc)
            h_append(h_registry_fd, "key %d %s\n", (int)key, h_test_name);
        if (path != NULL)
            snprintf(path, PATH_MAX, "%s", file);
        return key;
    }
    ck_abort_msg("no unused key found after 100 files");
    return -1;
}

void t_posix_name(char name[64])
{
    static int counter;

    snprintf(name, 64, "/ipclab-%s-%ld-%d", program_invocation_short_name, (long)getpid(),
             ++counter);
    h_append(h_registry_fd, "name %s %s\n", name, h_test_name);
}

/* --- objects ------------------------------------------------------------------- */

void t_track(enum t_kind kind, int id)
{
    if (!h_in_private_ipc)
        h_append(h_registry_fd, "obj %d %d %s\n", (int)kind, id, h_test_name);
}

int t_get(enum t_kind kind, key_t key, int flags)
{
    int id = -1;

    switch (kind) {
    case T_SHM: id = shmget(key, 4096, flags); break;
    case T_SEM: id = semget(key, 1, flags); break;
    case T_MSG: id = msgget(key, flags); break;
    }
    if (id != -1) {
        int saved = errno;

        t_track(kind, id);
        errno = saved;
    }
    return id;
}

int t_stat(enum t_kind kind, int id, struct ipc_perm *perm)
{
    struct shmid_ds shm;
    struct semid_ds sem;
    struct msqid_ds msg;
    int rc = -1;

    switch (kind) {
    case T_SHM:
        rc = shmctl(id, IPC_STAT, &shm);
        *perm = shm.shm_perm;
        break;
    case T_SEM:
        rc = semctl(id, 0, IPC_STAT, (union semun){ .buf = &sem });
        *perm = sem.sem_perm;
        break;
    case T_MSG:
        rc = msgctl(id, IPC_STAT, &msg);
        *perm = msg.msg_perm;
        break;
    }
    return rc;
}

/* IPC_SET changes uid, gid and mode (and msg_qbytes for a queue, which is
 * why this reads the whole structure first and writes it back). */
int t_set(enum t_kind kind, int id, long uid, long gid, int mode)
{
    struct shmid_ds shm;
    struct semid_ds sem;
    struct msqid_ds msg;
    struct ipc_perm *p = NULL;
    int rc = -1;

    switch (kind) {
    case T_SHM: rc = shmctl(id, IPC_STAT, &shm); p = &shm.shm_perm; break;
    case T_SEM: rc = semctl(id, 0, IPC_STAT, (union semun){ .buf = &sem }); p = &sem.sem_perm; break;
    case T_MSG: rc = msgctl(id, IPC_STAT, &msg); p = &msg.msg_perm; break;
    }
    if (rc == -1)
        return -1;
    if (uid != T_KEEP)
        p->uid = (uid_t)uid;
    if (gid != T_KEEP)
        p->gid = (gid_t)gid;
    if (mode != T_KEEP)
        p->mode = (unsigned short)mode;
    switch (kind) {
    case T_SHM: return shmctl(id, IPC_SET, &shm);
    case T_SEM: return semctl(id, 0, IPC_SET, (union semun){ .buf = &sem });
    case T_MSG: return msgctl(id, IPC_SET, &msg);
    }
    return -1;
}

int t_rm(enum t_kind kind, int id)
{
    switch (kind) {
    case T_SHM: return shmctl(id, IPC_RMID, NULL);
    case T_SEM: return semctl(id, 0, IPC_RMID);
    case T_MSG: return msgctl(id, IPC_RMID, NULL);
    }
    return -1;
}
