/* shm_kv: a small table of names and values in a System V shared memory
 * segment, which stays between runs, with a lock made of one semaphore. A
 * lab: the statement is at the end of the book's chapter on shared memory;
 * write the TODOs, then `make grade LAB=shm_kv`.
 *
 * usage: shm_kv [-w MS] PATH set NAME VALUE
 *        shm_kv PATH get NAME | del NAME | list | rm
 *
 * The table (a segment of TABLE_SLOTS fixed slots) and its lock (a set of
 * one semaphore) have the key ftok(PATH, 'k'). `set` makes both if they are
 * not there yet; each run attaches the segment, does its one command under
 * the lock, and detaches: the table stays until `rm` removes it and the set.
 * The segment holds no pointer: another process may attach it at another
 * address, so a slot holds its name and value themselves.
 *
 *   set NAME VALUE   a new NAME, or a new value for NAME; with -w MS, hold the
 *                    lock MS milliseconds more, between finding the slot and
 *                    filling it (to see that other runs wait)
 *   get NAME         print NAME's value
 *   del NAME         forget NAME
 *   list             print NAME=VALUE, one a line, in strcmp order of names
 *   rm               remove the segment and the set
 * A NAME that is not there, or a full table, is an error (exit 1).
 *
 * $ ./shm_kv app.conf set colour blue
 * $ ./shm_kv app.conf set size 3
 * $ ./shm_kv app.conf get colour
 * blue
 * $ ./shm_kv app.conf list
 * colour=blue
 * size=3
 * $ ./shm_kv app.conf rm
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "semun.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>

static const char help[] =
    "usage: shm_kv [-w MS] PATH set NAME VALUE\n"
    "       shm_kv PATH get NAME | del NAME | list | rm\n"
    "A table of names and values in a shared memory segment with the key\n"
    "ftok(PATH, 'k'), kept between runs until rm; a semaphore of the same key\n"
    "locks it. list prints NAME=VALUE lines in strcmp order of names.\n"
    "  -w MS   set holds the lock MS milliseconds more (0 to 10000)\n";

enum { TABLE_SLOTS = 24, NAME_SIZE = 32, VALUE_SIZE = 64 };

/* What the segment holds. Only arrays, no pointer: each process that
 * attaches it may see it at another address. A slot whose name is "" is free
 * (a new segment is all zeros: all free). */
struct table {
    struct slot {
        char name[NAME_SIZE];
        char value[VALUE_SIZE];
    } slot[TABLE_SLOTS];
};

static int semid = -1;

/* sem_otime of the set: 0 until its creator's first semop. */
static time_t otime(void)
{
    struct semid_ds ds;

    if (semctl(semid, 0, IPC_STAT, (union semun){ .buf = &ds }) == -1)
        die("semctl IPC_STAT");
    return ds.sem_otime;
}

/* Open the lock of KEY, into semid; with CREATE, make it if it is not there.
 * Race-free: of the runs that try at once, IPC_EXCL makes one the creator,
 * which sets the value to 1 (free) with a semop, which stamps sem_otime; the
 * others wait until sem_otime is not 0. die() on failure. */
static void lock_open(key_t key, bool create)
{
    //> /* TODO 1: without CREATE, semget(2) the set that is there. With it,
    //>  * semget with IPC_CREAT | IPC_EXCL first: the creator gives the
    //>  * semaphore its 1 with semop (+1, not SETVAL: semop stamps
    //>  * sem_otime); on EEXIST, open the set and wait until otime() is not
    //>  * 0, polling every millisecond (a few seconds at most). */
    //> (void)key, (void)create, (void)otime;   /* until you use them */
    // BEGIN SOLUTION
    struct sembuf free_it = { .sem_num = 0, .sem_op = +1, .sem_flg = 0 };

    if (create && (semid = semget(key, 1, IPC_CREAT | IPC_EXCL | 0600)) != -1) {
        if (semop(semid, &free_it, 1) == -1)
            die("semop");
        return;
    }
    if (create && errno != EEXIST)
        die("semget");
    if ((semid = semget(key, 1, 0)) == -1)
        die("semget");
    for (int ms = 0; otime() == 0; ms++) {
        if (ms == 5000)
            fatal("the lock was not initialised within 5 s");
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
    // END SOLUTION
}

/* semop(2) of OP (-1: take, +1: give back) on the lock, with SEM_UNDO: a run
 * that dies holding it (Ctrl-C) gives it back. A wait interrupted by a stop
 * and continue (EINTR) goes on. die() on failure. */
static void lock_change(short op)
{
    //> /* TODO 2: one semop, retried on EINTR. */
    //> (void)op;
    // BEGIN SOLUTION
    struct sembuf sb = { .sem_num = 0, .sem_op = op, .sem_flg = SEM_UNDO };

    while (semop(semid, &sb, 1) == -1)
        if (errno != EINTR)
            die("semop");
    // END SOLUTION
}

/* The table of KEY, attached; with CREATE, made if it is not there. */
static struct table *table_attach(key_t key, bool create)
{
    //> /* TODO 3: shmget(2) of a struct table (IPC_CREAT with CREATE), shmat(2).
    //>  * Until then, the table is this process's own, and lost at exit. */
    //> (void)key, (void)create;
    //> static struct table not_shared;
    //> return &not_shared;
    // BEGIN SOLUTION
    struct table *t;
    int shmid = shmget(key, sizeof *t, create ? IPC_CREAT | 0600 : 0);

    if (shmid == -1)
        die("shmget");
    if ((t = shmat(shmid, NULL, 0)) == (void *)-1)
        die("shmat");
    return t;
    // END SOLUTION
}

/* Detach T, as every run does before it ends (exit would, too). */
static void table_detach(struct table *t)
{
    //> /* TODO 4: shmdt(2). */
    //> (void)t;
    // BEGIN SOLUTION
    if (shmdt(t) == -1)
        die("shmdt");
    // END SOLUTION
}

/* The slot of NAME in T; NULL if it is not there. */
static struct slot *find(struct table *t, const char *name)
{
    for (int i = 0; i < TABLE_SLOTS; i++)
        if (strcmp(t->slot[i].name, name) == 0)
            return &t->slot[i];
    return NULL;
}

static void pause_ms(long ms)
{
    struct timespec left = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

    while (nanosleep(&left, &left) == -1 && errno == EINTR)
        ;
}

/* set: NAME's slot, or the first free one, then (after WAIT_MS) the value.
 * The lock is held throughout: 0, or 1 when the table is full. */
static int set(struct table *t, const char *name, const char *value, long wait_ms)
{
    //> /* TODO 5: find NAME's slot or a free one (name ""); none: say the
    //>  * table is full, in one line on stderr, and return 1. Then
    //>  * pause_ms(wait_ms), then fill the slot. */
    //> (void)t, (void)name, (void)value, (void)wait_ms, (void)pause_ms;
    //> return 0;
    // BEGIN SOLUTION
    struct slot *s = find(t, name);

    if (s == NULL && (s = find(t, "")) == NULL) {
        fprintf(stderr, "shm_kv: the table is full (%d names): %s not set\n", TABLE_SLOTS, name);
        return 1;
    }
    pause_ms(wait_ms);
    snprintf(s->name, NAME_SIZE, "%s", name);
    snprintf(s->value, VALUE_SIZE, "%s", value);
    return 0;
    // END SOLUTION
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct slot *)a)->name, ((const struct slot *)b)->name);
}

/* list: the names in strcmp order, from a copy taken under the lock. */
static void list(const struct table *t)
{
    struct table copy = *t;
    int n = 0;

    for (int i = 0; i < TABLE_SLOTS; i++)
        if (copy.slot[i].name[0] != '\0')
            copy.slot[n++] = copy.slot[i];
    qsort(copy.slot, n, sizeof copy.slot[0], by_name);
    for (int i = 0; i < n; i++)
        printf("%s=%s\n", copy.slot[i].name, copy.slot[i].value);
}

/* rm: the segment and the set of KEY (the set last: while it is there,
 * another run may hold the lock). */
static void remove_both(key_t key)
{
    //> /* TODO 6: IPC_RMID the segment and the set; die() if either fails. */
    //> (void)key;
    // BEGIN SOLUTION
    int shmid = shmget(key, 0, 0);

    if (shmid == -1)
        die("shmget");
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        die("shmctl IPC_RMID");
    if (semctl(semid, 0, IPC_RMID) == -1)
        die("semctl IPC_RMID");
    // END SOLUTION
}

/* The checked length of TEXT, a NAME or a VALUE that must fit in SIZE. */
static void check_text(const char *what, const char *text, size_t size)
{
    if (text[0] == '\0' || strlen(text) >= size)
        usage_error("%s must be 1 to %zu bytes: '%s'", what, size - 1, text);
    if (strchr(text, '\n') != NULL || (strcmp(what, "NAME") == 0 && strchr(text, '=') != NULL))
        usage_error("a %s has no newline, and a NAME no '=': '%s'", what, text);
}

int main(int argc, char *argv[])
{
    const char *cmd;
    long wait_ms = 0;
    int opt, args, rc = 0;
    struct table *t;
    struct slot *s;
    key_t key;

    while ((opt = next_option(argc, argv, "w:", help)) != -1)
        wait_ms = parse_long("MS", optarg, 0, 10000);
    if (argc - optind < 2)
        usage_error(optind == argc ? "missing PATH" : "missing a command");
    cmd = argv[optind + 1];
    args = argc - optind - 2;
    if (strcmp(cmd, "set") == 0 ? args != 2 :
        strcmp(cmd, "get") == 0 || strcmp(cmd, "del") == 0 ? args != 1 :
        strcmp(cmd, "list") == 0 || strcmp(cmd, "rm") == 0 ? args != 0 : 1)
        usage_error("'%s' is not a command, or has the wrong number of arguments", cmd);
    if (args >= 1)
        check_text("NAME", argv[optind + 2], NAME_SIZE);
    if (args == 2)
        check_text("VALUE", argv[optind + 3], VALUE_SIZE);
    if ((key = ftok(argv[optind], 'k')) == -1)
        die("ftok %s", argv[optind]);

    lock_open(key, strcmp(cmd, "set") == 0);
    lock_change(-1);
    if (strcmp(cmd, "rm") == 0) {
        remove_both(key);               /* the lock goes with the set */
        return EXIT_SUCCESS;
    }
    t = table_attach(key, strcmp(cmd, "set") == 0);
    if (strcmp(cmd, "set") == 0)
        rc = set(t, argv[optind + 2], argv[optind + 3], wait_ms);
    else if (strcmp(cmd, "list") == 0)
        list(t);
    else if ((s = find(t, argv[optind + 2])) == NULL) {
        fprintf(stderr, "shm_kv: %s is not in the table\n", argv[optind + 2]);
        rc = 1;
    } else if (strcmp(cmd, "get") == 0)
        printf("%s\n", s->value);
    else
        memset(s, 0, sizeof *s);        /* del: the slot is free again */
    table_detach(t);
    lock_change(+1);
    return rc;
}
