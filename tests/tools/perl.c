/* perl.c: Perl's IPC::SysV and our programs, on the same objects. */
#define _GNU_SOURCE
#include "tools.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Why Perl cannot run these tests here, or NULL. */
static const char *no_perl(void)
{
    struct t_run r;

    if (access("/usr/bin/perl", X_OK) != 0)
        return "perl is not installed (Debian package perl)";
    t_run(&r, NULL, "/usr/bin/perl", "-MIPC::SysV", "-e", "1", NULL);
    return r.status == 0 ? NULL : "perl has no IPC::SysV (Debian package perl)";
}

#define NEED_PERL() do { \
        const char *why_ = no_perl(); \
        if (why_ != NULL) \
            T_SKIP(why_); \
    } while (0)

/* A segment (shm_create 4096) or a queue (msg_create) made by our program:
 * its id, and as text in ID_TEXT. */
static int created(enum t_kind kind, char id_text[16])
{
    struct t_run r;
    int id;

    if (kind == T_SHM)
        t_run(&r, NULL, "chapters/shm/shm_create", "4096", NULL);
    else
        t_run(&r, NULL, "chapters/msg/msg_create", NULL);
    id = t_created(&r, kind);
    text_of(id_text, 16, id);
    return id;
}

/* What Perl prints, run with SCRIPT and ARG; it must write nothing on stderr
 * (a die). */
static void perl(struct t_run *r, const char *script, const char *arg)
{
    t_run(r, NULL, "/usr/bin/perl", "-e", script, arg, NULL);
    ck_assert_msg(r->status == 0 && r->err[0] == '\0', "perl: status %d: %s", r->status, r->err);
}

START_TEST(perl_receives_what_msg_send_sent)
{
    char id_text[16];
    struct t_run r;
    int id;

    NEED_PERL();
    id = created(T_MSG, id_text);
    t_run(&r, NULL, "chapters/msg/msg_send", id_text, "5", "hello, perl", NULL);
    ck_assert_msg(r.status == 0, "msg_send: status %d: %s", r.status, r.err);
    perl(&r, "use IPC::SysV qw(IPC_NOWAIT); msgrcv($ARGV[0], my $buf, 100, 0, IPC_NOWAIT) "
             "or die \"msgrcv: $!\\n\"; my ($type, $text) = unpack('l! a*', $buf); "
             "print \"type $type: $text\\n\"", id_text);
    ck_assert_str_eq(r.out, "type 5: hello, perl\n");
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

START_TEST(msg_recv_receives_what_perl_sent)
{
    char id_text[16];
    struct t_run r;
    int id;

    NEED_PERL();
    id = created(T_MSG, id_text);
    perl(&r, "msgsnd($ARGV[0], pack('l! a*', 7, 'from perl'), 0) or die \"msgsnd: $!\\n\"",
         id_text);
    t_run(&r, NULL, "chapters/msg/msg_recv", "-n", id_text, NULL);
    ck_assert_str_eq(r.out, "type 7, 9 bytes: from perl\n");
    ck_assert_int_eq(t_rm(T_MSG, id), 0);
}
END_TEST

START_TEST(perl_shmread_reads_what_shm_write_wrote)
{
    char id_text[16];
    struct t_run r;
    int id;

    NEED_PERL();
    id = created(T_SHM, id_text);
    t_run(&r, NULL, "chapters/shm/shm_write", id_text, "hello,", "segment", NULL);
    ck_assert_msg(r.status == 0, "shm_write: status %d: %s", r.status, r.err);
    perl(&r, "shmread($ARGV[0], my $buf, 0, 64) or die \"shmread: $!\\n\"; "
             "$buf =~ s/\\0.*//s; print \"$buf\\n\"", id_text);
    ck_assert_str_eq(r.out, "hello, segment\n");
    ck_assert_int_eq(t_rm(T_SHM, id), 0);
}
END_TEST

/* IPC::SysV's ftok gives the key ftok(3) gives, for the same file and id. */
START_TEST(perl_ftok_is_ftok)
{
    char path[PATH_MAX], expect[16];
    struct t_run r;

    NEED_PERL();
    snprintf(expect, sizeof expect, "0x%08x", (unsigned int)t_key(7, path));
    perl(&r, "use IPC::SysV qw(ftok); printf \"0x%08x\", ftok($ARGV[0], 7)", path);
    ck_assert_str_eq(r.out, expect);
}
END_TEST

void add_perl_tests(Suite *s)
{
    TCase *tc = tcase_create("perl");

    tcase_add_test(tc, perl_receives_what_msg_send_sent);
    tcase_add_test(tc, msg_recv_receives_what_perl_sent);
    tcase_add_test(tc, perl_shmread_reads_what_shm_write_wrote);
    tcase_add_test(tc, perl_ftok_is_ftok);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}
