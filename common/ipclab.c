/* ipclab.c: the error helper and the strict parsers described in ipclab.h.
 * A thin layer over err.h (which prints "PROG: "), strerrorname_np() (the
 * symbolic errno name, glibc 2.32 and later) and getopt_long(). */
#define _GNU_SOURCE
#include "ipclab.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>

/* Output first, then the error, so that both keep their order in one pipe.
 * A reader who closed the pipe must not stop the error report, nor the
 * clean-up that follows it: SIGPIPE is ignored from here on (a program that
 * fails before next_option ignores it here). */
static void flush_stdout(void)
{
    signal(SIGPIPE, SIG_IGN);
    fflush(stdout);
}

static int in_child;                    /* set by fork_child() in the child */

pid_t fork_child(void)
{
    pid_t pid;

    fflush(stdout);                     /* or the child would print it again */
    pid = fork();
    if (pid == 0)
        in_child = 1;
    return pid;
}

void child_exit(int status)
{
    fflush(stdout);
    _exit(status);
}

/* exit(), or in a child of fork_child(), child_exit(). */
static noreturn void leave(int status)
{
    if (in_child)
        child_exit(status);
    exit(status);
}

static void report(const char *call, va_list ap, int errnum)
{
    char what[256];
    const char *name = strerrorname_np(errnum);

    vsnprintf(what, sizeof what, call, ap);
    flush_stdout();
    warnx("%s: %s: %s", what, name ? name : "E?", strerror(errnum));
}

void die(const char *call, ...)
{
    va_list ap;

    va_start(ap, call);
    report(call, ap, errno);
    va_end(ap);
    leave(EXIT_CALL_FAILED);
}

void warn_errno(const char *call, ...)
{
    int saved = errno;
    va_list ap;

    va_start(ap, call);
    report(call, ap, saved);
    va_end(ap);
    errno = saved;
}

void fatal(const char *fmt, ...)
{
    va_list ap;

    flush_stdout();
    va_start(ap, fmt);
    vwarnx(fmt, ap);
    va_end(ap);
    leave(EXIT_CALL_FAILED);
}

void usage_error(const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    flush_stdout();
    warnx("%s (see %s --help)", msg, program_invocation_short_name);
    leave(EXIT_USAGE);
}

/* Run at exit, after the program's own clean-up (atexit runs handlers in
 * reverse order, and this one is registered first): output that could not be
 * written, to a full disk say, is an error like any other. */
static void check_stdout(void)
{
    if (fflush(stdout) == EOF || ferror(stdout)) {
        warn_errno("write to stdout");
        _exit(EXIT_CALL_FAILED);
    }
}

int next_option(int argc, char *argv[], const char *optstring, const char *help)
{
    return next_long_option(argc, argv, optstring, NULL, help);
}

int next_long_option(int argc, char *argv[], const char *optstring,
                     const struct option *longopts, const char *help)
{
    static int first_call = 1;
    struct option all[16] = { { "help", no_argument, NULL, 'h' } };
    char shortopts[64];
    int opt, n = 1;

    if (first_call) {
        first_call = 0;
        /* A reader that goes away (| head -1) must not kill a program that
         * holds an object: its writes fail with EPIPE instead, it cleans up,
         * and check_stdout reports the failure at exit. */
        signal(SIGPIPE, SIG_IGN);
        atexit(check_stdout);
    }
    while (longopts != NULL && longopts[n - 1].name != NULL && n < 15) {
        all[n] = longopts[n - 1];
        n++;
    }
    /* '+': stop at the first operand; ':': report a missing argument as ':' */
    snprintf(shortopts, sizeof shortopts, "+:h%s", optstring);
    opterr = 0;                         /* we print our own one-line errors */
    opt = getopt_long(argc, argv, shortopts, all, NULL);
    switch (opt) {
    case 'h':
        fputs(help, stdout);
        exit(EXIT_SUCCESS);
    case ':':
        if (strncmp(argv[optind - 1], "--", 2) == 0)      /* --key at the end */
            usage_error("option %s needs an argument", argv[optind - 1]);
        usage_error("option -%c needs an argument", optopt);
    case '?':
        if (strncmp(argv[optind - 1], "--", 2) == 0)      /* --bogus, --help=x */
            usage_error("unknown option %s", argv[optind - 1]);
        usage_error("unknown option -%c", optopt);
    }
    return opt;
}

long parse_long(const char *what, const char *text, long min, long max)
{
    int hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const char *digits = hex ? text + 2 : text;
    const char *first = (!hex && digits[0] == '-') ? digits + 1 : digits;
    const char *allowed = hex ? "0123456789abcdefABCDEF" : "0123456789";
    long n;

    /* strtol alone would take "", " 12", "+12", "0x0x5", and stop at "12x" */
    if (*first == '\0' || first[strspn(first, allowed)] != '\0')
        usage_error("%s: \"%s\" is not a number", what, text);
    errno = 0;
    n = strtol(digits, NULL, hex ? 16 : 10);
    if (errno == ERANGE || n < min || n > max)
        usage_error("%s: %s is out of range (%ld to %ld)", what, text, min, max);
    return n;
}

mode_t parse_mode(const char *what, const char *text)
{
    long mode;

    if (*text == '\0' || text[strspn(text, "01234567")] != '\0')
        usage_error("%s: \"%s\" is not an octal mode (0 to 0777)", what, text);
    errno = 0;
    mode = strtol(text, NULL, 8);
    if (errno == ERANGE || mode > 0777)
        usage_error("%s: \"%s\" is not an octal mode (0 to 0777)", what, text);
    return (mode_t)mode;
}

key_t parse_key_option(int opt, const char *arg)
{
    switch (opt) {
    case 'p':
        return IPC_PRIVATE;
    case 'K': {
        /* hex, as ipcs shows keys; 0x is optional */
        const char *hex = (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) ? arg + 2 : arg;
        size_t len = strlen(hex);

        if (len == 0 || len > 8 || hex[strspn(hex, "0123456789abcdefABCDEF")] != '\0')
            usage_error("key: \"%s\" is not a hex key (1 to ffffffff)", arg);
        if (strtoul(hex, NULL, 16) == 0)
            usage_error("key: 0 means IPC_PRIVATE; give a non-zero key");
        return (key_t)(unsigned int)strtoul(hex, NULL, 16);
    }
    case 'k': {
        char path[PATH_MAX];
        const char *colon = strrchr(arg, ':');
        long id = 1;
        key_t key;

        int len;

        /* the last colon starts the id: a path with a colon in it needs :ID */
        if (colon != NULL) {
            id = parse_long("ftok id", colon + 1, 1, 255);
            len = snprintf(path, sizeof path, "%.*s", (int)(colon - arg), arg);
        } else {
            len = snprintf(path, sizeof path, "%s", arg);
        }
        if (len >= (int)sizeof path)
            usage_error("-k: the path is longer than %d bytes", PATH_MAX - 1);
        if (path[0] == '\0')
            usage_error("-k needs a path: -k PATH[:ID]");
        key = ftok(path, (int)id);
        if (key == -1)
            die("ftok %s", path);
        return key;
    }
    }
    usage_error("parse_key_option: -%c is not a key option", opt);
}
