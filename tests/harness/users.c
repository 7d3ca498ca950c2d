/* users.c: errno cases made as the owner, a plain process or a stranger,
 * and what this process may do (capabilities, a second user). */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <grp.h>
#include <linux/securebits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* --- errno cases ------------------------------------------------------------------- */

struct row_call {
    const struct t_errno_row *row;
    void *ctx;
};

/* The errno the call left, 0 if it succeeded, 126 if it could not be set
 * up (an exit code: every errno is below 126). */
static int errno_of(void *arg)
{
    const struct row_call *c = arg;
    int rc;

    errno = 0;
    rc = c->row->call(c->ctx);
    return rc == -1 ? errno : rc == T_SETUP_FAILED ? 126 : 0;
}

void t_errno_case(const struct t_errno_row *row, void *ctx)
{
    struct row_call c = { row, ctx };
    int got = 0;

    switch (row->who) {
    case T_OWNER: got = errno_of(&c); break;
    case T_PLAIN: got = t_unprivileged(errno_of, &c); break;
    case T_STRANGER: got = t_as_stranger(errno_of, &c); break;
    }
    ck_assert_msg(got == row->err, "%s: %s, not %s", row->what,
                  got == 0 ? "it succeeded" : got == 126 ? "its setup failed (stderr may say why)"
                                        : got > 125 ? "the child could not run it"
                                                    : strerrorname_np(got),
                  strerrorname_np(row->err));
}

/* --- what this process may do ------------------------------------------------------- */

bool t_capable(int cap)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long long eff = 0;

    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "CapEff: %llx", &eff) == 1)
            break;
    fclose(f);
    return eff >> cap & 1;
}

static bool become_nobody(void)
{
    return setgroups(0, NULL) == 0 && setgid(NOBODY) == 0 && setuid(NOBODY) == 0;
}

static const char *const no_stranger[] = {
    NULL,
    "needs CAP_SETUID and CAP_SETGID (to act as a second user, nobody)",
    "nobody cannot reach the run's directory (a folder above it, / in a chroot, is closed "
    "to other users)",
    "runs as nobody already: no second user to be",
};

/* 0, or the index of the reason in no_stranger[]. */
static int probe_nobody(void)
{
    char bin[PATH_MAX];

    if (geteuid() == NOBODY)
        return 3;
    if (!become_nobody())
        return 1;
    h_rundir_path(bin, "bin");
    return access(bin, X_OK) == 0 ? 0 : 2;
}

static int stranger_probe(void)
{
    static int answer = -1;             /* the probe runs once a process */

    if (answer == -1) {
        pid_t pid;
        int status;

        fflush(NULL);
        ck_assert((pid = fork()) != -1);
        if (pid == 0)
            _exit(probe_nobody());
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        answer = t_status(status);
        if (answer >= T_ROWS(no_stranger))
            answer = 1;
    }
    return answer;
}

bool t_can_be_stranger(void)
{
    return stranger_probe() == 0;
}

const char *t_why_no_stranger(void)
{
    return no_stranger[stranger_probe()];
}

/* Drop every capability, effective and permitted: always allowed. Root
 * would get them back from the next exec, unless SECBIT_NOROOT says not to
 * (which takes CAP_SETPCAP: root has it; a plain user has nothing to lose). */
static bool drop_capabilities(void)
{
    struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3 };
    struct __user_cap_data_struct data[2] = { { 0 } };

    if (geteuid() == 0 && prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED) == -1)
        return false;
    return syscall(SYS_capset, &head, data) == 0;
}

static int in_child(int (*fn)(void *), void *arg, bool (*become)(void))
{
    pid_t pid;
    int status;

    fflush(NULL);
    ck_assert((pid = fork()) != -1);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (!become())
            _exit(125);
        _exit(fn(arg));
    }
    while (waitpid(pid, &status, 0) == -1)
        ck_assert_int_eq(errno, EINTR);
    return t_status(status);
}

int t_unprivileged(int (*fn)(void *), void *arg)
{
    return in_child(fn, arg, t_can_be_stranger() ? become_nobody : drop_capabilities);
}

int t_as_stranger(int (*fn)(void *), void *arg)
{
    ck_assert_msg(t_can_be_stranger(), "t_as_stranger without T_NEED_STRANGER()");
    return in_child(fn, arg, become_nobody);
}

uid_t t_plain_uid(void)
{
    return t_can_be_stranger() ? NOBODY : geteuid();
}

gid_t t_plain_gid(void)
{
    return t_can_be_stranger() ? NOBODY : getegid();
}
