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
 * second. It only reads (ipcsnap.c says where each field comes from): it
 * never takes a message or changes a value. What it may not read (another
 * user's process, a set without read permission) it counts and says.
 * --once prints one frame as plain text, --json one snapshot, and exit.
 *
 * $ ../sem/sem_op $id 0-1 &
 * pid 4242: semop 0-1: waiting
 * $ ./ipcwatch --once -s -i $id
 * Semaphore sets: 1
 *   key        semid      owner      perms  nsems
 *   0x00000000 98307      student      600      1
 *       sem 0: value 0  ncnt 1  zcnt 0  pid 0
 *       asleep: pid 4242 semop 0-1
 */
#define _GNU_SOURCE
#include "ipclab.h"
#include "ipcsnap.h"

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

enum { WIDTH = 160, MIN_COLS = 60, MIN_LINES = 8, HOLD_MS = 1000 };

// tag::frame[]
/* A frame is lines of text, each with a key naming what it shows ("s 98307 0":
 * semaphore 0 of set 98307), so that the next frame's line about the same
 * thing can be compared with it, column by column. */
struct line {
    char key[40];
    char text[WIDTH];
    bool title;                         /* a section's title or column names */
    long long hold[WIDTH];              /* until when (ms) each column stays highlighted */
};
struct frame {
    int n, size;
    struct line *line;
};

static void add_line(struct frame *f, bool title, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add_line(struct frame *f, bool title, const char *key, const char *fmt, ...)
{
    va_list ap;
    struct line *l;

    if (f->n == f->size && (f->line = realloc(f->line, (f->size = 2 * f->size + 16) *
                                                           sizeof *f->line)) == NULL)
        die("realloc");
    l = &f->line[f->n++];
    l->title = title;
    snprintf(l->key, sizeof l->key, "%s", key);
    va_start(ap, fmt);
    vsnprintf(l->text, sizeof l->text, fmt, ap);
    va_end(ap);
    for (size_t end = strlen(l->text); end > 0 && l->text[end - 1] == ' '; end--)
        l->text[end - 1] = '\0';          /* an empty last column */
}
// end::frame[]

static const char *owner(unsigned int uid)
{
    static char name[16];
    struct passwd *pw = getpwuid(uid);

    if (pw != NULL)
        snprintf(name, sizeof name, "%.10s", pw->pw_name);
    else
        snprintf(name, sizeof name, "%u", uid);
    return name;
}

static int count_kind(const struct snap *s, char kind)
{
    int n = 0;

    for (int i = 0; i < s->n; i++)
        n += s->obj[i].kind == kind;
    return n;
}

/* "1234 1240": the pids of a segment or the types of a queue. */
static void list_of(char *text, size_t size, const long *v, const pid_t *p, int n)
{
    text[0] = '\0';
    for (int i = 0; i < n && strlen(text) + 24 < size; i++)
        snprintf(text + strlen(text), size - strlen(text), "%s%ld", i ? " " : "",
                 v ? v[i] : (long)p[i]);
}

// tag::layout[]
static void waiters(struct frame *f, const struct sysv *o, char *key)
{
    for (int w = 0; w < o->nwaiters; w++) {
        snprintf(key, 40, "%c %d w %d", o->kind, o->id, o->waiters[w].pid);
        add_line(f, false, key, "      asleep: pid %d %s %s", o->waiters[w].pid,
                 o->waiters[w].call, o->waiters[w].what[0] ? o->waiters[w].what
                 : "(its memory cannot be read)");
    }
}

/* The lines of one snapshot, as --once prints them and the screen shows them. */
static void layout(struct frame *f, const struct snap *s, const struct filter *flt)
{
    static const struct { char kind; const char *title, *columns; } sections[] = {
        { 'm', "Shared memory segments", "key        shmid      owner      perms      bytes"
                                         " nattch status attached (pids)" },
        { 's', "Semaphore sets", "key        semid      owner      perms  nsems" },
        { 'q', "Message queues", "key        msqid      owner      perms   messages"
                                 "      bytes  lspid  lrpid" },
    };
    char key[40], text[WIDTH];

    f->n = 0;
    for (int k = 0; k < 3; k++) {
        char kind = sections[k].kind;

        if (flt->kinds[0] != '\0' && strchr(flt->kinds, kind) == NULL)
            continue;
        add_line(f, true, "", "%s: %d", sections[k].title, count_kind(s, kind));
        add_line(f, true, "", "  %s", sections[k].columns);
        for (int i = 0; i < s->n; i++) {
            const struct sysv *o = &s->obj[i];
            int asleep = 0;

            if (o->kind != kind)
                continue;
            snprintf(key, sizeof key, "%c %d", kind, o->id);
            if (kind == 'm') {
                list_of(text, 64, NULL, o->attached, o->nattached);
                add_line(f, false, key, "  0x%08x %-10d %-10s %5o %10lu %6lu %-6s %s%s",
                         (unsigned int)o->key, o->id, owner(o->uid), o->mode & 0777, o->size,
                         o->count, o->mode & 01000 ? "dest" : "", text,
                         o->count > (unsigned long)o->nmaps ? " (and unseen)" : "");
                continue;
            }
            if (kind == 's') {
                add_line(f, false, key, "  0x%08x %-10d %-10s %5o %6lu", (unsigned int)o->key,
                         o->id, owner(o->uid), o->mode & 0777, o->size);
                if (!o->readable)
                    add_line(f, false, key, "      (no read permission: values not shown)");
                for (int n = 0; n < o->nsems; n++) {
                    snprintf(key, sizeof key, "s %d %d", o->id, n);
                    add_line(f, false, key, "      sem %d: value %d  ncnt %d  zcnt %d  pid %d", n,
                             o->sem[n].value, o->sem[n].ncnt, o->sem[n].zcnt, o->sem[n].pid);
                    asleep += o->sem[n].ncnt + o->sem[n].zcnt;
                }
                if ((unsigned long)o->nsems < o->size)
                    add_line(f, false, key, "      ... and %lu more", o->size - o->nsems);
            } else {
                add_line(f, false, key, "  0x%08x %-10d %-10s %5o %10lu %10lu %6d %6d",
                         (unsigned int)o->key, o->id, owner(o->uid), o->mode & 0777, o->count,
                         o->size, o->pid1, o->pid2);
                list_of(text, sizeof text - 40, o->types, NULL, o->ntypes);
                snprintf(key, sizeof key, "q %d t", o->id);
                if (o->readable && o->count > 0)
                    add_line(f, false, key, "      types: %s%s", text,
                             o->count > (unsigned long)o->ntypes ? " ..." : "");
                else if (!o->readable && o->count > 0)
                    add_line(f, false, key, "      types: not shown (%s)", s->blind.no_msg_copy
                             ? "no MSG_COPY in this kernel" : "no read permission");
            }
            waiters(f, o, key);
            snprintf(key, sizeof key, "%c %d more", kind, o->id);
            if (asleep > o->nwaiters)                   /* semncnt + semzcnt says more */
                add_line(f, false, key, "      %d more asleep: their processes cannot be read",
                         asleep - o->nwaiters);
        }
    }
    if ((flt->kinds[0] == '\0' || strchr(flt->kinds, 'P') != NULL) &&
        !flt->by_key && flt->id == -1) {        /* POSIX names have no key, no id */
        add_line(f, true, "", "POSIX names: %d", s->nposix);
        add_line(f, true, "", "  kind name                     owner      perms       size");
        for (int i = 0; i < s->nposix; i++) {
            const struct posix *p = &s->posix[i];

            snprintf(key, sizeof key, "P %s %.30s", p->kind, p->name);
            if (strcmp(p->kind, "mq") == 0 && p->size < 0)
                snprintf(text, sizeof text, "qsize ?");
            else
                snprintf(text, sizeof text, "%s%lld", strcmp(p->kind, "mq") ? "" : "qsize ",
                         p->size);
            add_line(f, false, key, "  %-4s %-24s %-10s %5o %10s", p->kind, p->name,
                     owner(p->uid), p->mode, text);
        }
    }
    /* what this user could not see, and why */
    if (s->blind.procs > 0)
        add_line(f, false, "! p", "Not seen: the attachments and sleeps of %d process%s we "
                 "may not ptrace", s->blind.procs, s->blind.procs == 1 ? "" : "es");
    if (s->blind.sets > 0)
        add_line(f, false, "! s", "Not seen: the values of %d set%s (no read permission)",
                 s->blind.sets, s->blind.sets == 1 ? "" : "s");
    if (s->blind.queues > 0)
        add_line(f, false, "! q", "Not seen: the types in %d queue%s (no read permission)",
                 s->blind.queues, s->blind.queues == 1 ? "" : "s");
    if (s->blind.no_msg_copy)
        add_line(f, false, "! c", "Not seen: message types (this kernel has no MSG_COPY)");
    if (s->blind.no_mqueue)
        add_line(f, false, "! m", "Not seen: POSIX queues (no mqueue filesystem is mounted)");
}
// end::layout[]

// tag::json[]
static void json(const struct snap *s)
{
    const char *sep = "";

    printf("{\"objects\": [\n");
    for (int i = 0; i < s->n; i++, sep = ",\n") {
        const struct sysv *o = &s->obj[i];

        printf("%s {\"kind\": \"%s\", \"id\": %d, \"key\": \"0x%08x\", \"uid\": %u, "
               "\"cuid\": %u, \"perms\": \"%o\"", sep, o->kind == 'm' ? "shm" : o->kind == 's'
               ? "sem" : "msg", o->id, (unsigned int)o->key, o->uid, o->cuid, o->mode & 0777);
        if (o->kind == 'm') {
            printf(", \"size\": %lu, \"nattch\": %lu, \"cpid\": %d, \"lpid\": %d, "
                   "\"dest\": %s, \"attached\": [", o->size, o->count, o->pid1, o->pid2,
                   o->mode & 01000 ? "true" : "false");
            for (int a = 0; a < o->nattached; a++)
                printf("%s%d", a ? ", " : "", o->attached[a]);
            printf("]}");
            continue;
        }
        if (o->kind == 's') {
            printf(", \"nsems\": %lu, \"readable\": %s, \"sems\": [", o->size,
                   o->readable ? "true" : "false");
            for (int n = 0; n < o->nsems; n++)
                printf("%s{\"num\": %d, \"value\": %d, \"ncnt\": %d, \"zcnt\": %d, \"pid\": %d}",
                       n ? ", " : "", n, o->sem[n].value, o->sem[n].ncnt, o->sem[n].zcnt,
                       o->sem[n].pid);
        } else {
            printf(", \"bytes\": %lu, \"messages\": %lu, \"lspid\": %d, \"lrpid\": %d, "
                   "\"readable\": %s, \"types\": [", o->size, o->count, o->pid1, o->pid2,
                   o->readable ? "true" : "false");
            for (int t = 0; t < o->ntypes; t++)
                printf("%s%ld", t ? ", " : "", o->types[t]);
        }
        printf("], \"asleep\": [");
        for (int w = 0; w < o->nwaiters; w++)
            printf("%s{\"pid\": %d, \"call\": \"%s\", \"what\": \"%s\"}", w ? ", " : "",
                   o->waiters[w].pid, o->waiters[w].call, o->waiters[w].what);
        printf("]}");
    }
    printf("\n],\n\"posix\": [\n");
    for (int i = 0; i < s->nposix; i++) {
        const struct posix *p = &s->posix[i];

        printf("%s {\"kind\": \"%s\", \"name\": \"", i ? ",\n" : "", p->kind);
        for (const char *c = p->name; *c; c++)      /* a name may hold any byte but / */
            printf((unsigned char)*c < 0x20 || *c == '"' || *c == '\\' ? "\\u%04x" : "%c", *c);
        printf("\", \"uid\": %u, \"perms\": \"%o\", \"%s\": %lld}", p->uid, p->mode,
               strcmp(p->kind, "mq") ? "size" : "qsize", p->size);
    }
    printf("\n],\n\"unseen\": {\"processes\": %d, \"sets\": %d, \"queues\": %d, "
           "\"msg_copy\": %s, \"mqueue\": %s}}\n", s->blind.procs, s->blind.sets,
           s->blind.queues, s->blind.no_msg_copy ? "false" : "true",
           s->blind.no_mqueue ? "false" : "true");
}
// end::json[]

/* --- the screen ------------------------------------------------------------------- */

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

// tag::loop[]
static int watch(struct filter *flt, int interval)
{
    struct frame frames[2] = { { 0 } }, *shown = &frames[0], *next = &frames[1], *swap;
    struct sigaction sa = { .sa_handler = on_signal };     /* no SA_RESTART: poll returns */
    bool paused = false, show_help = false, first = true;
    struct snap s = { 0 };
    SCREEN *screen;
    int top = 0, ch;

    if ((screen = newterm(NULL, stdout, stdin)) == NULL)
        fatal("cannot drive this terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
    if (COLS < MIN_COLS || LINES < MIN_LINES) {
        endwin();
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
    while (!stop_signal) {
        if (!paused) {
            snap_free(&s);
            snap_take(&s, flt);
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
    endwin();
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
