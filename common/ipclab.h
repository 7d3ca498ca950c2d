/* ipclab.h: what every program of the lab shares.
 *
 * Errors come out in one format, always on one line of stderr:
 *
 *     PROG: CALL: ENAME: strerror text     a call failed      (die, warn_errno)
 *     PROG: message                        a run-time failure (fatal)
 *     PROG: message (see PROG --help)      a bad command line (usage_error)
 *
 * Exit codes: 0 success, 1 a call failed at run time, 2 bad command line.
 * Each helper flushes stdout first, so a program's output and its errors
 * keep their order even when both go into one pipe.
 */
#ifndef IPCLAB_H
#define IPCLAB_H

#include <stdnoreturn.h>
#include <sys/types.h>
#include <getopt.h>          /* struct option, for next_long_option() */
#include <unistd.h>          /* optind and optarg, which next_option() sets */

enum { EXIT_CALL_FAILED = 1, EXIT_USAGE = 2 };

/* CALL is a printf format, usually just the function's name: die("shmget"). */
noreturn void die(const char *call, ...)
    __attribute__((format(printf, 1, 2)));
void warn_errno(const char *call, ...)          /* keeps errno as it was */
    __attribute__((format(printf, 1, 2)));
noreturn void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
noreturn void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* fork(2) for a program that cleans up at exit (atexit): in the child, die(),
 * fatal() and usage_error() end with _exit(), after flushing stdout, so that
 * the parent's exit handlers (removing the objects it made) never run in a
 * child. A child that is done calls child_exit(), for the same reason. */
pid_t fork_child(void);
noreturn void child_exit(int status);

/* getopt_long() with -h/--help handled: HELP goes to stdout and the program
 * exits 0. An unknown option or a missing argument is a usage_error().
 * OPTSTRING lists the program's own short options, as for getopt(3).
 * Options stop at the first operand, so "-5" after it is an operand.
 * The first call also arranges for output that cannot be written (a full
 * disk, a pipe whose reader has gone) to be reported at exit, with exit
 * status 1, after the program's clean-up: SIGPIPE is ignored. */
int next_option(int argc, char *argv[], const char *optstring, const char *help);
/* The same for a program with long options: LONGOPTS as for getopt_long(3),
 * ending in a zero entry, each with a NULL flag and, as val, the letter of its
 * short form in OPTSTRING (or a letter not there, for a long option only). */
int next_long_option(int argc, char *argv[], const char *optstring,
                     const struct option *longopts, const char *help);

/* Strict parsing: the whole text must be the number, in range, or the
 * program stops with usage_error() naming WHAT and the text.
 * Numbers are decimal, or hex with 0x; modes are octal (0 to 0777). */
long   parse_long(const char *what, const char *text, long min, long max);
mode_t parse_mode(const char *what, const char *text);

/* The three ways a command line names a System V object's key:
 *     -p              IPC_PRIVATE
 *     -k PATH[:ID]    ftok(PATH, ID), ID 1 to 255, default 1; the last colon
 *                     starts the ID, so a path with a colon in it needs :ID
 *     -K HEXKEY       the key itself, 1 to ffffffff (0 is IPC_PRIVATE: use -p)
 * OPT is the option letter getopt returned, ARG its argument. */
key_t parse_key_option(int opt, const char *arg);

#endif
