/* ipcwatch: a live view of the IPC objects, who is attached, who waits.
 *
 * usage: ipcwatch [--once | --json] [-m] [-s] [-q] [-P] [-u] [-k PATH[:ID] | -K KEY]
 *                 [-i ID] [-d MS]
 *
 * ipcs shows what the kernel holds once; a class demo changes it every
 * second. ipcwatch redraws the whole terminal several times a second:
 * each segment with the pids attached to it, each semaphore's value with
 * the processes asleep on it and what they asked for, each queue with the
 * types of its waiting messages and who sleeps in msgsnd or msgrcv, and the
 * POSIX names. What changed since the last refresh stays highlighted for a
 * second. It only reads: it never takes a message or changes a value. What
 * it may not read (another user's process, a set without read permission)
 * it counts and says. --once prints one frame as plain text, --json one
 * snapshot, and exit. ipcsnap.c reads a snapshot (and says where each field
 * comes from), ipcframe.c makes it text or JSON; here, the options and the
 * screen: ncurses, and a poll() on the terminal between two refreshes.
 *
 * $ ../sem/sem_op $id 0-1 &
 * pid 4242: semop 0-1: waiting
 * $ ./ipcwatch --once -s -i $id
 * Semaphore sets: 1
 *   key        semid      owner      perms  nsems
 *   0x00000000 98307      student      600      1
 *       sem 0: value 0  ncnt 1  zcnt 0  pid 0
 *       asleep: pid 4242 semtimedop 0-1
 */
#define _GNU_SOURCE
#include "ipclab.h"
#include "ipcframe.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help[] =
    "usage: ipcwatch [--once | --json] [-m] [-s] [-q] [-P] [-u] [-k PATH[:ID] | -K KEY]\n"
    "                [-i ID] [-d MS]\n"
    "A live, read-only view of the System V objects and POSIX names this user\n"
    "may see: segments with the pids attached, semaphores with their values,\n"
    "counts and sleepers, queues with the types of their messages and their\n"
    "sleepers. What changed is highlighted. Keys: h help, q quit.\n"
    "  --once          print one frame as plain text and exit\n"
    "  --json          print one snapshot as JSON and exit\n"
    "  -m, -s, -q, -P  segments, semaphore sets, message queues, POSIX names\n"
    "                  (none of the four: all of them)\n"
    "  -u, --mine      only ours: owner or creator is us (POSIX: the owner)\n"
    "  -k PATH[:ID]    only the objects with the key ftok(PATH, ID)\n"
    "  -K, --key KEY   only the objects with this key (hex)\n"
    "  -i, --id ID     only the object with this id\n"
    "  -d, --delay MS  refresh every MS milliseconds (default 250; 50 to 10000)\n";

static const char keys_help[] =
    "ipcwatch keys\n"
    "\n"
    "  h, ?          this help (any key returns)\n"
    "  q, Ctrl-C     quit\n"
    "  space         pause and go on: the view stops changing\n"
    "  u             only my objects, or everyone's\n"
    "  arrows, j, k  scroll a line; PgUp, PgDn a page; Home the top\n"
    "\n"
    "Highlighted: what changed in the last second. ipcwatch never changes\n"
    "or removes anything: it reads /proc, semctl's GET commands and msgrcv\n"
    "with MSG_COPY (a copy; the message stays queued).\n";

enum { MIN_COLS = 60, MIN_LINES = 8, HOLD_MS = 1000 };

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static long long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

// tag::changes[]
/* Compare the new frame with the one shown before: a column whose character
 * changed, or a line that is new, is highlighted for HOLD_MS. */
static void mark_changes(struct frame *f, const struct frame *before, bool first)
{
    long long now = now_ms();

    for (int i = 0; i < f->n; i++) {
        struct line *l = &f->line[i];
        const struct line *old = NULL;

        for (int j = 0; j < before->n && old == NULL && l->key[0] != '\0'; j++)
            if (strcmp(before->line[j].key, l->key) == 0)
                old = &before->line[j];
        for (int c = 0; c < WIDTH; c++) {
            bool changed = old == NULL ? !first && l->key[0] != '\0'
                         : c >= (int)strlen(old->text) || old->text[c] != l->text[c];

            l->hold[c] = changed && c < (int)strlen(l->text) ? now + HOLD_MS
                       : old != NULL ? old->hold[c] : 0;
        }
    }
}
// end::changes[]

static void draw(const struct frame *f, int *top, int interval, bool paused, bool show_help)
{
    int rows = LINES - 2, last;
    long long now = now_ms();
    char clock[16];
    time_t t = time(NULL);

    erase();
    if (COLS < MIN_COLS || LINES < MIN_LINES) {         /* wait to be made bigger */
        mvprintw(0, 0, "too small: %dx%d", COLS, LINES);
        refresh();
        return;
    }
    if (show_help) {
        mvaddnstr(0, 0, keys_help, COLS * LINES - 1);
        refresh();
        return;
    }
    strftime(clock, sizeof clock, "%H:%M:%S", localtime(&t));
    attron(A_REVERSE);
    mvprintw(0, 0, "%-*.*s", COLS, COLS, "");
    mvprintw(0, 0, " ipcwatch %s  every %d ms%s  h: help  q: quit", clock, interval,
             paused ? "  PAUSED" : "");
    attroff(A_REVERSE);
    *top = *top > f->n - rows ? f->n - rows : *top;
    *top = *top < 0 ? 0 : *top;
    for (int i = *top; i < f->n && i - *top < rows; i++) {
        const struct line *l = &f->line[i];
        int len = (int)strlen(l->text);

        for (int c = 0; c < len && c < COLS; c++)
            mvaddch(1 + i - *top, c, (chtype)(unsigned char)l->text[c] |
                    (l->title ? A_BOLD : 0) | (l->hold[c] > now ? A_REVERSE : 0));
    }
    last = *top + rows < f->n ? *top + rows : f->n;
    if (f->n > rows)
        mvprintw(LINES - 1, 0, "lines %d-%d of %d (arrows, PgUp, PgDn)", *top + 1, last, f->n);
    refresh();
}

/* Wait up to MS for a key: the key, ERR for none, or -2 when the terminal
 * has gone (its end hung up, or reading it fails). */
static int wait_key(int ms)
{
    struct pollfd p = { .fd = 0, .events = POLLIN };
    int ch;

    if (poll(&p, 1, ms) == -1)          /* a signal: SIGWINCH gives KEY_RESIZE */
        return errno == EINTR ? getch() : -2;
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
        return -2;
    if (!(p.revents & POLLIN))
        return ERR;
    ch = getch();
    return ch == ERR ? -2 : ch;         /* readable, and nothing to read: its end */
}

static bool on_screen;

static void leave_screen(void)
{
    if (on_screen)
        endwin();
    on_screen = false;
}

// tag::loop[]
static int watch(struct filter *flt, int interval)
{
    struct frame frames[2] = { { 0 } }, *shown = &frames[0], *next = &frames[1], *swap;
    struct sigaction sa = { .sa_handler = on_signal };     /* no SA_RESTART: poll returns */
    bool paused = false, show_help = false, first = true;
    struct snap s = { 0 };
    SCREEN *screen;
    int top = 0, ch = ERR;

    snap_take(&s, flt);                 /* what fails to read fails before the screen */
    if ((screen = newterm(NULL, stdout, stdin)) == NULL)
        fatal("cannot drive this terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
    on_screen = true;
    if (COLS < MIN_COLS || LINES < MIN_LINES) {
        leave_screen();
        fatal("the terminal is %dx%d; ipcwatch needs %dx%d at least", COLS, LINES, MIN_COLS,
              MIN_LINES);
    }
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    cbreak();
    noecho();
    nodelay(stdscr, TRUE);
    keypad(stdscr, TRUE);
    curs_set(0);
    atexit(leave_screen);               /* die() in snap_take: the terminal as it was */
    while (!stop_signal) {
        if (!paused) {
            if (!first) {
                snap_free(&s);
                snap_take(&s, flt);
            }
            layout(next, &s, flt);
            mark_changes(next, shown, first);
            swap = shown, shown = next, next = swap;
            first = false;
        }
        draw(shown, &top, interval, paused, show_help);
        if ((ch = wait_key(interval)) == -2)
            break;
        if (show_help && ch != ERR && ch != KEY_RESIZE) {
            show_help = false;
            continue;
        }
        switch (ch) {
        case 'q': case 'Q':
            stop_signal = SIGINT;
            break;
        case 'h': case '?':
            show_help = true;
            break;
        case ' ':
            paused = !paused;
            break;
        case 'u':
            flt->mine = !flt->mine;
            break;
        case KEY_DOWN: case 'j':
            top++;
            break;
        case KEY_UP: case 'k':
            top--;
            break;
        case KEY_NPAGE:
            top += LINES - 3;
            break;
        case KEY_PPAGE:
            top -= LINES - 3;
            break;
        case KEY_HOME:
            top = 0;
            break;
        }
    }
    leave_screen();
    delscreen(screen);
    if (ch == -2 || stop_signal == SIGHUP)
        fatal("the terminal has gone");
    return EXIT_SUCCESS;                /* q, Ctrl-C, SIGTERM */
}
// end::loop[]

int main(int argc, char *argv[])
{
    static const struct option longopts[] = {
        { "once", no_argument, NULL, 'O' },
        { "json", no_argument, NULL, 'J' },
        { "mine", no_argument, NULL, 'u' },
        { "key", required_argument, NULL, 'K' },
        { "id", required_argument, NULL, 'i' },
        { "delay", required_argument, NULL, 'd' },
        { NULL, 0, NULL, 0 },
    };
    struct filter flt = { .id = -1 };
    int opt, interval = 250;
    char mode = 0;                      /* 'O' --once, 'J' --json, 0 the screen */

    while ((opt = next_long_option(argc, argv, "msqPuk:K:i:d:", longopts, help)) != -1) {
        switch (opt) {
        case 'O': case 'J':
            if (mode != 0 && mode != opt)
                usage_error("give --once or --json, not both");
            mode = (char)opt;
            break;
        case 'm': case 's': case 'q': case 'P':
            if (strchr(flt.kinds, opt) == NULL)
                flt.kinds[strlen(flt.kinds)] = (char)opt;
            break;
        case 'u':
            flt.mine = true;
            break;
        case 'k': case 'K':
            if (flt.by_key)
                usage_error("give one key option");
            flt.key = parse_key_option(opt, optarg);
            flt.by_key = true;
            break;
        case 'i':
            flt.id = (int)parse_long("id", optarg, 0, 0x7fffffff);
            break;
        case 'd':
            interval = (int)parse_long("delay", optarg, 50, 10000);
            break;
        }
    }
    if (optind < argc)
        usage_error("too many arguments");
    if (mode == 0 && !isatty(STDOUT_FILENO))
        fatal("standard output is not a terminal: give --once or --json");
    if (mode == 0 && !isatty(STDIN_FILENO))
        fatal("standard input is not a terminal: the keys come from it");
    if (mode == 0)
        return watch(&flt, interval);

    struct frame f = { 0 };
    struct snap s;

    snap_take(&s, &flt);
    if (mode == 'J') {
        json(&s);
        return EXIT_SUCCESS;
    }
    layout(&f, &s, &flt);
    for (int i = 0; i < f.n; i++)
        printf("%s\n", f.line[i].text);
    return EXIT_SUCCESS;
}
