/* ftok_clash: which of the keys an application suite uses are the same key?
 * A lab: the statement is at the end of the book's chapter on keys and
 * identifiers; write the TODOs, then `make grade LAB=ftok_clash`.
 *
 * usage: ftok_clash < LIST
 *
 * LIST has one "PATH ID" per line: the ftok(3) arguments of the programs of
 * a suite, as their configuration files give them. ftok_clash prints one
 * line for each key that two or more lines share, in the order the key first
 * appears, with the lines that share it, and whether they name one file
 * (under two names, or one id and another with the same low 8 bits) or
 * different files (whose inode numbers differ by a multiple of 65536, or
 * whose devices share their low 8 bits). A path ftok cannot use is reported
 * on stderr and skipped; the exit status is then 1.
 *
 * $ printf '%s\n' '/etc/passwd 1' '/etc/hosts 1' '/etc/passwd 257' | ./ftok_clash
 * 0x01010a3c: /etc/passwd 1, /etc/passwd 257 (one file)
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/stat.h>

static const char help[] =
    "usage: ftok_clash < LIST\n"
    "LIST: lines \"PATH ID\" (ID decimal or 0x hex). Prints each key that\n"
    "two or more lines share, with those lines, and whether they name one\n"
    "file or different files.\n";

enum { MAX_ENTRIES = 1024 };

struct entry {
    char path[PATH_MAX];
    long id;
    key_t key;
    dev_t dev;                          /* which file it is */
    ino_t ino;
};

/* Fill in E's key and file from its path and id: 0, or -1 after a warning
 * (warn_errno) when the path cannot be used. */
static int find_key(struct entry *e)
{
    //> /* TODO 1: the key ftok(3) gives for e->path and e->id, and which
    //>  * file the path names (stat(2): st_dev and st_ino). */
    //> (void)e;
    //> return 0;
    // BEGIN SOLUTION
    struct stat st;

    if (stat(e->path, &st) == -1) {
        warn_errno("stat %s", e->path);
        return -1;
    }
    if ((e->key = ftok(e->path, (int)e->id)) == -1) {
        warn_errno("ftok %s", e->path);
        return -1;
    }
    e->dev = st.st_dev;
    e->ino = st.st_ino;
    return 0;
    // END SOLUTION
}

/* Print the lines of the N entries that share a key, one line a key, in
 * the order each key first appears. */
static void print_clashes(const struct entry *entries, int n)
{
    //> /* TODO 2: for each key that two or more entries share, one line:
    //>  *   0x0101c51a: PATH ID, PATH ID (one file)
    //>  * the key as 0x and 8 hex digits, then the entries in their order,
    //>  * each as its path and its id in decimal, then "(one
    //>  * file)" if they all name the same file, "(different files)" if not. */
    //> (void)entries, (void)n;
    // BEGIN SOLUTION
    for (int i = 0; i < n; i++) {
        int seen_before = 0, shared = 0, one_file = 1;

        for (int j = 0; j < i && !seen_before; j++)
            seen_before = entries[j].key == entries[i].key;
        for (int j = i + 1; j < n; j++)
            shared |= entries[j].key == entries[i].key;
        if (seen_before || !shared)
            continue;
        printf("0x%08x: %s %ld", (unsigned int)entries[i].key, entries[i].path, entries[i].id);
        for (int j = i + 1; j < n; j++) {
            if (entries[j].key != entries[i].key)
                continue;
            printf(", %s %ld", entries[j].path, entries[j].id);
            one_file &= entries[j].dev == entries[i].dev && entries[j].ino == entries[i].ino;
        }
        printf(" (%s)\n", one_file ? "one file" : "different files");
    }
    // END SOLUTION
}

int main(int argc, char *argv[])
{
    static struct entry entries[MAX_ENTRIES];
    char line[PATH_MAX + 64];
    int n = 0, failed = 0, lineno = 0;

    while (next_option(argc, argv, "", help) != -1)
        ;
    if (argc != optind)
        usage_error("no arguments: the list comes on stdin");
    while (fgets(line, sizeof line, stdin) != NULL) {
        char *path = strtok(line, " \t\n"), *id = strtok(NULL, " \t\n");

        lineno++;
        if (path == NULL)
            continue;                   /* a blank line */
        if (id == NULL || strtok(NULL, " \t\n") != NULL)
            fatal("line %d: not \"PATH ID\"", lineno);
        if (n == MAX_ENTRIES)
            fatal("more than %d lines", MAX_ENTRIES);
        snprintf(entries[n].path, sizeof entries[n].path, "%s", path);
        entries[n].id = parse_long("id", id, INT_MIN, INT_MAX);
        if (find_key(&entries[n]) == -1)
            failed = 1;
        else
            n++;
    }
    print_clashes(entries, n);
    return failed ? EXIT_CALL_FAILED : EXIT_SUCCESS;
}
