/* ipcframe.c: a snapshot as ipcwatch shows it (see ipcframe.h): the frame
 * of text that --once prints and the screen draws, and the JSON of --json.
 * The columns of a row are those of ipcs; under a set, a line per
 * semaphore; under a set or a queue, a line per sleeper. What could not be
 * read is said where it is missing and, with the reason, in the "Not seen"
 * lines at the end.
 */
#define _GNU_SOURCE
#include "ipcframe.h"
#include "ipclab.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
void layout(struct frame *f, const struct snap *s, const struct filter *flt)
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
void json(const struct snap *s)
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
