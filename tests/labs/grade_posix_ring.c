/* grade_posix_ring: the grader of the lab posix_ring
 * (chapters/posix/labs/posix_ring.c, statement in book/posix.adoc). See
 * grade.h. */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { RING_SLOTS = 4, SLOT_TEXT = 256 };

/* The ring as the lab's program lays it out (the starter gives it). */
struct ring {
    sem_t free_slots;
    sem_t full_slots;
    unsigned int head;
    unsigned int tail;
    struct {
        int end;
        char text[SLOT_TEXT];
    } slot[RING_SLOTS];
};

/* Lines "line 1" to "line N", into TEXT. */
static void lines(char *text, size_t size, int n)
{
    text[0] = '\0';
    for (int i = 1; i <= n; i++)
        snprintf(text + strlen(text), size - strlen(text), "line %d\n", i);
}

/* Semaphore SEM's value, as sem_getvalue(3) reads it in the grader's own
 * mapping of the ring (the same memory as the program's). */
static int value(sem_t *sem)
{
    int v = -1;

    sem_getvalue(sem, &v);
    return v;
}

/* A hint for a run that did not end: why two processes may sleep for ever. */
static const char hang[] = "a process sleeps on a semaphore that the other posted without "
                           "waking it. Were both semaphores made with pshared 1, in a "
                           "MAP_SHARED mapping?";

/* Wait up to 5 s for the object NAME to be there with a struct ring's size
 * at least, and for the ring's semaphores to be FREE and FULL, with PID
 * asleep (state S). The object's status into ST (st_size -1: no object);
 * the ring, mapped here, into RING. False if that does not come: the test
 * says which part. */
static bool ring_comes_to(const char *name, struct stat *st, struct ring **ring, pid_t pid,
                          int free, int full)
{
    for (int tries = 0; tries < 500; tries++, usleep(10000)) {
        if (tries > 0 && t_state(pid) == 'Z')  /* it ended: nothing will come */
            break;
        if (*ring == NULL) {
            int fd = shm_open(name, O_RDONLY, 0);

            st->st_size = -1;
            if (fd == -1 || fstat(fd, st) == -1 || st->st_size < (off_t)sizeof **ring) {
                if (fd != -1)
                    close(fd);
                continue;
            }
            *ring = mmap(NULL, sizeof **ring, PROT_READ, MAP_SHARED, fd, 0);
            close(fd);
            if (*ring == MAP_FAILED) {
                *ring = NULL;
                continue;
            }
        }
        if (value(&(*ring)->free_slots) == free && value(&(*ring)->full_slots) == full &&
            t_state(pid) == 'S')
            return true;
    }
    return false;
}

/* Start posix_ring NAME (a new name) with nothing on its stdin yet, and
 * wait until its ring is there, empty, and its consumer asleep: the child's
 * pid into CONSUMER (NULL: not needed), the ring mapped into RING, its
 * status into ST. */
static void start(struct t_proc *p, char name[64], struct stat *st, struct ring **ring,
                  pid_t *consumer)
{
    char why[800], err[512] = "";

    t_limit = 5;
    t_posix_name(name);
    *ring = NULL;
    g_start(p, 0, (const char *[]){ name, NULL });
    if (ring_comes_to(name, st, ring, p->pid, RING_SLOTS, 0))
        why[0] = '\0';
    else if (st->st_size == -1)
        snprintf(why, sizeof why, "There is no such object.");
    else if (*ring == NULL)
        snprintf(why, sizeof why, "The object has %lld bytes: did ftruncate give it its size?",
                 (long long)st->st_size);
    else if (value(&(*ring)->free_slots) == RING_SLOTS && value(&(*ring)->full_slots) == 0)
        snprintf(why, sizeof why, "The ring is right, but posix_ring (pid %d) is not asleep "
                 "waiting for a line: its state is %c.", (int)p->pid, t_state(p->pid));
    else
        snprintf(why, sizeof why, "The object is there, but free_slots is %d and full_slots "
                 "%d in it: were they made in a MAP_SHARED mapping of it?",
                 value(&(*ring)->free_slots), value(&(*ring)->full_slots));
    if (why[0] != '\0' && t_state(p->pid) == 'Z') {       /* it ended: say how */
        t_finish(p, NULL, 0, err, sizeof err);
        snprintf(why + strlen(why), sizeof why - strlen(why), " It %s, saying:\n%s",
                 g_status(p->status, p->ended_by_limit), g_shown(err));
    }
    ck_assert_msg(why[0] == '\0', "`posix_ring %s`, with nothing on its stdin yet, must make "
                  "the shared memory object %s (/dev/shm%s) of at least %zu bytes (a struct "
                  "ring), with free_slots at %d and full_slots at 0, and wait for a line. %s",
                  name, name, name, sizeof **ring, RING_SLOTS, why);
    if (consumer == NULL)
        return;
    if (t_children(p->pid, consumer, 1) != 1)
        T_SKIP("the kernel does not list a process's children (CONFIG_PROC_CHILDREN)");
    ck_assert_msg(t_reaches(*consumer, "S"), "posix_ring's consumer (pid %d) must wait "
                  "(asleep) for a full slot", (int)*consumer);
}

/* The shared mapping of the object NAME in PID's /proc/PID/maps, as the
 * inode of "/dev/shm/NAME" with a shared ('s') mapping; 0 if none. */
static unsigned long mapped_inode(pid_t pid, const char *name)
{
    char path[64], line[512], end[80];
    unsigned long found = 0;
    FILE *maps;

    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    snprintf(end, sizeof end, "%s\n", name);
    if ((maps = fopen(path, "r")) == NULL)
        return 0;
    while (fgets(line, sizeof line, maps) != NULL) {
        size_t len = strlen(line);
        unsigned long inode;
        char perms[8];

        if (len > strlen(end) && strcmp(line + len - strlen(end), end) == 0 &&
            sscanf(line, "%*s %7s %*s %*s %lu", perms, &inode) == 2 && perms[3] == 's')
            found = inode;
    }
    fclose(maps);
    return found;
}

START_TEST(passes_every_line_in_order)
{
    char name[64], input[4096];
    struct t_run r;

    t_limit = 5;
    t_posix_name(name);
    lines(input, sizeof input, 200);
    g_run(&r, input, name, NULL);
    ck_assert_msg(!r.ended_by_limit, "`posix_ring %s` with 200 lines on stdin %s: %s It "
                  "printed %zu bytes of the %zu.", name, g_status(r.status, r.ended_by_limit),
                  hang, strlen(r.out), strlen(input));
    ck_assert_msg(r.status == 0, "`posix_ring %s` with 200 lines on stdin %s:\n%s", name,
                  g_status(r.status, r.ended_by_limit), g_shown(r.err));
    ck_assert_msg(strcmp(r.out, input) == 0, "`posix_ring %s` must print the 200 lines of "
                  "its input (\"line 1\" to \"line 200\"), in order, each once. It printed:\n%s",
                  name, g_shown(r.out));
    g_no_leftovers("After `posix_ring NAME` reached the end of its input");
}
END_TEST

START_TEST(the_ring_is_one_object_mapped_by_both)
{
    char name[64];
    struct t_proc p;
    struct stat st;
    struct ring *ring;
    pid_t consumer;
    unsigned long parent_inode, child_inode;

    start(&p, name, &st, &ring, &consumer);
    parent_inode = mapped_inode(p.pid, name);
    child_inode = mapped_inode(consumer, name);
    ck_assert_msg(parent_inode == st.st_ino && child_inode == st.st_ino, "the producer and "
                  "the consumer must both have the object %s mapped shared (MAP_SHARED: "
                  "\"/dev/shm%s\" with 's' in /proc/PID/maps), the object that shm_open(%s) "
                  "gives (inode %lu); the producer maps inode %lu, the consumer %lu (0: no "
                  "such mapping)", name, name, name, (unsigned long)st.st_ino, parent_inode,
                  child_inode);
    munmap(ring, sizeof *ring);
    t_kill(&p, SIGINT);                 /* quicker than the end of input, where a
                                         * wrong program may hang */
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
}
END_TEST

START_TEST(the_producer_waits_while_the_ring_is_full)
{
    char name[64], input[256], out[512] = "";
    struct t_proc p;
    struct stat st;
    struct ring *ring;
    pid_t consumer;
    bool waited;
    int free_now, full_now;

    start(&p, name, &st, &ring, &consumer);
    /* A consumer that takes nothing more. */
    kill(consumer, SIGSTOP);
    ck_assert_msg(t_reaches(consumer, "T"), "(the consumer, pid %d, did not stop)", (int)consumer);
    lines(input, sizeof input, 10);
    ck_assert_int_eq(write(p.in, input, strlen(input)), (ssize_t)strlen(input));
    waited = ring_comes_to(name, &st, &ring, p.pid, 0, RING_SLOTS);
    free_now = value(&ring->free_slots);
    full_now = value(&ring->full_slots);
    kill(consumer, SIGCONT);
    munmap(ring, sizeof *ring);
    t_finish(&p, out, sizeof out, (char[512]){ "" }, 512);
    ck_assert_msg(waited, "with the consumer stopped and 10 lines to put, the producer must "
                  "fill the %d slots (full_slots at %d) and then wait, asleep, for a free "
                  "slot (free_slots at 0): it did not wait while the ring was full "
                  "(free_slots is %d, full_slots %d). A producer that does not wait writes "
                  "over lines not yet taken, and they are lost: after the consumer went on, "
                  "posix_ring printed:\n%s", RING_SLOTS, RING_SLOTS, free_now, full_now, g_shown(out));
    ck_assert_msg(strcmp(out, input) == 0, "after the consumer went on, the 10 lines must "
                  "come out in order, each once; posix_ring %s and printed:\n%s%s",
                  g_status(p.status, p.ended_by_limit), g_shown(out), p.ended_by_limit ?
                  hang : "");
}
END_TEST

START_TEST(unlinks_the_name_at_the_end)
{
    char name[64];
    struct t_run r;

    t_limit = 5;
    t_posix_name(name);
    g_run(&r, "one\ntwo\n", name, NULL);
    ck_assert_msg(r.status == 0, "`posix_ring %s`, with two lines on stdin, %s%s%s On "
                  "stderr:\n%s", name, g_status(r.status, r.ended_by_limit),
                  r.ended_by_limit ? ": " : ".", r.ended_by_limit ? hang : "", g_shown(r.err));
    /* a program that made nothing would pass what follows: it must have passed the lines */
    ck_assert_msg(strcmp(r.out, "one\ntwo\n") == 0, "`posix_ring %s`, with two lines on stdin, must "
                  "print them. It printed:\n%s", name, g_shown(r.out));
    g_no_leftovers("After `posix_ring NAME` reached the end of its input");
}
END_TEST

START_TEST(ctrl_c_unlinks_the_name)
{
    char name[64];
    struct t_proc p;
    struct stat st;
    struct ring *ring;

    start(&p, name, &st, &ring, NULL);
    munmap(ring, sizeof *ring);
    t_kill(&p, SIGINT);
    t_finish(&p, NULL, 0, (char[512]){ "" }, 512);
    ck_assert_msg(p.status < 128 && !p.ended_by_limit, "after Ctrl-C, posix_ring %s",
                  g_status(p.status, p.ended_by_limit));
    g_no_leftovers("After Ctrl-C");
}
END_TEST

/* A name in use is someone else's object: posix_ring must refuse it (O_EXCL)
 * in one line, and leave it as it was, name and contents. */
START_TEST(a_name_in_use_is_an_error)
{
    char name[64], mark[] = "someone else's", seen[sizeof mark] = "";
    struct stat st;
    struct t_run r;
    int fd;

    t_limit = 5;
    t_posix_name(name);
    fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    ck_assert_msg(fd != -1, "(the grader could not make %s: %m)", name);
    ck_assert_int_eq(write(fd, mark, sizeof mark), (ssize_t)sizeof mark);
    close(fd);
    g_run(&r, "one\n", name, NULL);
    fd = shm_open(name, O_RDONLY, 0);
    if (fd != -1) {
        ck_assert_int_eq(fstat(fd, &st), 0);
        ck_assert_int_ge(pread(fd, seen, sizeof seen, 0), 0);
        close(fd);
        shm_unlink(name);
    }
    ck_assert_msg(r.status == 1 && strstr(r.err, "EEXIST") != NULL && strchr(r.err, '\n') ==
                  r.err + strlen(r.err) - 1, "`posix_ring %s`, where %s is already in use, "
                  "must fail: one line on stderr that says EEXIST (shm_open with O_EXCL), "
                  "exit 1. It %s and said:\n%s", name, name,
                  g_status(r.status, r.ended_by_limit), g_shown(r.err));
    ck_assert_msg(fd != -1, "`posix_ring %s`, where %s was already someone else's object, "
                  "unlinked it. Unlink only the object this run made (`made`).", name, name);
    ck_assert_msg(st.st_size == (off_t)sizeof mark && strcmp(seen, mark) == 0, "`posix_ring "
                  "%s`, where %s was already someone else's object, changed it (it has %lld "
                  "bytes now, not %zu): open it with O_EXCL, so that a name in use is an "
                  "error before anything is done to it.", name, name, (long long)st.st_size,
                  sizeof mark);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("posix_ring");

    g_add(s, passes_every_line_in_order);
    g_add(s, the_ring_is_one_object_mapped_by_both);
    g_add(s, the_producer_waits_while_the_ring_is_full);
    g_add(s, unlinks_the_name_at_the_end);
    g_add(s, ctrl_c_unlinks_the_name);
    g_add(s, a_name_in_use_is_an_error);
    return s;
}

int main(void)
{
    return g_main("chapters/posix/labs/posix_ring", make_suite);
}
