/* test_tools.c: ipcs, ipcrm, ipcmk and our ipcls and ipcclean (chapters/tools).
 * Each test decides one or more claims of chapters/tools/claims.tsv. The
 * tests are in tests/tools/, by section: ipcls.c (ipcls against ipcs),
 * ipcclean.c, ipcrm.c (util-linux ipcrm and ipcs on our objects), perl.c
 * (IPC::SysV and our programs), limits.c (kernel.shm*, msg*, sem), lsipc.c
 * (util-linux lsipc against ipcs and ipcls), programs.c (command lines and
 * sessions) and ipcwatch.c (ipcwatch against shmctl, semctl and msgctl, and
 * its screen in tmux). Here: main and the helpers they
 * share.
 *
 * Listings are compared for the objects a test made, never whole: other
 * objects come and go while we run. Whatever removes "everything of mine"
 * (ipcclean with no filter or --mine) runs only in an IPC namespace of its
 * own, where it cannot reach the objects of another run by the same user.
 * Ids made inside such a namespace are not recorded for the leak guard: the
 * guard would look for them in the machine's namespace, where the same
 * numbers may be somebody else's. */
#define _GNU_SOURCE
#include "tools/tools.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pwd.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

void text_of(char *buf, size_t size, long n)
{
    snprintf(buf, size, "%ld", n);
}

void sh(struct t_run *r, const char *cmd, const char *arg0, const char *arg1)
{
    t_run(r, NULL, "/bin/sh", "-c", cmd, arg0 ? arg0 : "sh", arg1, NULL);
}

/* Where PROG runs from, for a shell's command line (t_program_path). */
const char *copy_of(const char *prog)
{
    static char path[PATH_MAX];

    t_program_path(path, prog);
    return path;
}

/* ipcmk prints "Shared memory id: 42". */
int ipcmk(enum t_kind kind, const char *opt, const char *arg)
{
    struct t_run r;
    const char *colon;
    int id;

    if (arg != NULL)
        t_run(&r, NULL, "/usr/bin/ipcmk", opt, arg, "-p", "0640", NULL);
    else
        t_run(&r, NULL, "/usr/bin/ipcmk", opt, "-p", "0640", NULL);
    ck_assert_msg(r.status == 0, "ipcmk %s: status %d: %s", opt, r.status, r.err);
    colon = strrchr(r.out, ':');
    ck_assert_msg(colon != NULL, "ipcmk %s printed no id: \"%s\"", opt, r.out);
    id = atoi(colon + 1);
    t_track(kind, id);
    return id;
}

unsigned int nameless_uid(void)
{
    for (unsigned int uid = 54321; uid < 60000; uid++)
        if (getpwuid(uid) == NULL)
            return uid;
    ck_abort_msg("every uid from 54321 to 59999 has a name");
    return 0;
}

/* --- the second user's objects ------------------------------------------------- */

static int nobody_makes(void *keys)
{
    for (int k = T_SHM; k <= T_MSG; k++)
        NEED(t_get(k, ((key_t *)keys)[k], IPC_CREAT | IPC_EXCL | 0644) != -1);
    return 0;
}

void made_by_nobody(int ids[3], key_t keys[3])
{
    struct ipc_perm perm;

    for (int k = T_SHM; k <= T_MSG; k++)
        keys[k] = t_key(1, NULL);
    ck_assert_msg(t_as_stranger(nobody_makes, keys) == 0, "nobody could not make its objects");
    for (int k = T_SHM; k <= T_MSG; k++) {
        ids[k] = t_get(k, keys[k], 0);
        ck_assert_msg(ids[k] != -1, "nobody's %s: %s", t_kind_name[k], strerror(errno));
        ck_assert_int_eq(t_stat(k, ids[k], &perm), 0);
        ck_assert_int_eq(perm.cuid, t_plain_uid());
    }
}

static int nobody_removes_them(void *ids)
{
    for (int k = T_SHM; k <= T_MSG; k++)
        NEED(t_rm(k, ((const int *)ids)[k]) == 0);
    return 0;
}

void nobody_removes(const int ids[3])
{
    ck_assert_msg(t_as_stranger(nobody_removes_them, (void *)ids) == 0,
                  "nobody could not remove its objects");
}

/* --- six objects of one user ------------------------------------------------------ */

int make_six(struct six *s)
{
    const char *mq = t_mqueue_dir();
    mqd_t q;
    sem_t *sem;
    int fd;

    NEED(mq != NULL);
    s->ids[T_SHM] = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    s->ids[T_SEM] = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    s->ids[T_MSG] = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    NEED(s->ids[0] != -1 && s->ids[1] != -1 && s->ids[2] != -1);
    for (int i = 0; i < 3; i++)
        t_posix_name(s->names[i]);
    NEED((fd = shm_open(s->names[0], O_RDWR | O_CREAT | O_EXCL, 0600)) != -1);
    close(fd);
    NEED((sem = sem_open(s->names[1], O_CREAT | O_EXCL, 0600, 1)) != SEM_FAILED);
    sem_close(sem);
    NEED((q = mq_open(s->names[2], O_RDWR | O_CREAT | O_EXCL, 0600, NULL)) != (mqd_t)-1);
    mq_close(q);
    snprintf(s->paths[0], PATH_MAX, "/dev/shm%s", s->names[0]);
    snprintf(s->paths[1], PATH_MAX, "/dev/shm/sem.%s", s->names[1] + 1);
    snprintf(s->paths[2], PATH_MAX, "%s%s", mq, s->names[2]);
    return 0;
}

static Suite *make_suite(void)
{
    Suite *s = suite_create("tools");

    add_ipcls_tests(s);
    add_ipcclean_tests(s);
    add_ipcrm_tests(s);
    add_perl_tests(s);
    add_limits_tests(s);
    add_lsipc_tests(s);
    add_programs_tests(s);
    add_ipcwatch_tests(s);
    return s;
}

int main(void)
{
    /* ipcs, ipcrm and ipcmk translate what they print; ipcls speaks English */
    setenv("LC_ALL", "C", 1);
    return t_main(make_suite);
}
