/* grade_ftok_creator: the grader of the lab ftok_creator
 * (chapters/ftok/labs/ftok_creator.c, statement in book/ftok.adoc). See
 * grade.h. */
#define _GNU_SOURCE
#include "grade.h"

#include <stdio.h>
#include <string.h>
#include <sys/shm.h>

enum { ID = 7, SIZE = 4096 };
static const char magic[] = "ftok_creator 1";

/* Run ftok_creator with OPTION ("-r" or NULL) on PATH and ID; it must
 * print "WORD SHMID" and exit 0: the id. */
static int run(const char *option, const char *path, const char *word, const char *why)
{
    char id_text[8], want[32];
    struct t_run r;
    int id = -1;

    t_limit = 5;
    snprintf(id_text, sizeof id_text, "%d", ID);
    if (option != NULL)
        g_run(&r, NULL, option, path, id_text, NULL);
    else
        g_run(&r, NULL, path, id_text, NULL);
    snprintf(want, sizeof want, "%s %%d\n", word);
    ck_assert_msg(r.status == 0 && sscanf(r.out, want, &id) == 1 && t_lines(r.out) == 1,
                  "`ftok_creator%s%s %s %d` %s: it must print \"%s SHMID\" and exit 0. It %s, "
                  "and printed:\n%s%s", option ? " " : "", option ? option : "", path, ID, why,
                  word, g_status(r.status, r.ended_by_limit), g_shown(r.out), r.err);
    if (strcmp(word, "created") == 0)
        t_track(T_SHM, id);
    return id;
}

/* Run ftok_creator on PATH and ID, where it must fail: one line on stderr
 * that holds SAYS, nothing on stdout, exit 1. */
static void refused(const char *path, const char *says, const char *why)
{
    char id_text[8];
    struct t_run r;

    t_limit = 5;
    snprintf(id_text, sizeof id_text, "%d", ID);
    g_run(&r, NULL, path, id_text, NULL);
    ck_assert_msg(r.status == 1 && r.out[0] == '\0' && t_lines(r.err) == 1 &&
                  strstr(r.err, says) != NULL, "%s: ftok_creator must say so in one line on "
                  "stderr (with \"%s\" in it), print nothing on stdout and exit 1. It %s, and "
                  "printed:\n%s%s", why, says, g_status(r.status, r.ended_by_limit), r.out,
                  g_shown(r.err));
}

START_TEST(the_first_run_creates_and_initialises)
{
    char path[PATH_MAX], start[16], *at;
    key_t key = t_key(ID, path);
    struct shmid_ds ds;
    int id = run(NULL, path, "created", "where the key has no segment yet");
    bool initialised;

    ck_assert_msg(shmctl(id, IPC_STAT, &ds) == 0, "ftok_creator printed \"created %d\", but "
                  "there is no segment %d", id, id);
    ck_assert_msg(ds.shm_perm.__key == key && ds.shm_segsz == SIZE, "segment %d must have the "
                  "key ftok(PATH, %d) = 0x%08x and %d bytes; it has the key 0x%08x and %zu bytes",
                  id, ID, (unsigned int)key, SIZE, (unsigned int)ds.shm_perm.__key,
                  (size_t)ds.shm_segsz);
    ck_assert_msg(ds.shm_nattch == 0, "ftok_creator ended, but segment %d is attached %lu "
                  "times", id, (unsigned long)ds.shm_nattch);
    ck_assert_msg((at = shmat(id, NULL, SHM_RDONLY)) != (void *)-1, "shmat: %m");
    initialised = memcmp(at, magic, sizeof magic) == 0;
    snprintf(start, sizeof start, "%s", at);
    shmdt(at);
    ck_assert_msg(initialised, "the creator must initialise the segment: \"%s\" (and its NUL) "
                  "at its start. Segment %d begins with \"%s\"", magic, id, start);
    ck_assert_int_eq(shmctl(id, IPC_RMID, NULL), 0);
}
END_TEST

START_TEST(the_second_run_opens_the_same_one)
{
    char path[PATH_MAX];
    int first, second;

    t_key(ID, path);
    first = run(NULL, path, "created", "where the key has no segment yet");
    second = run(NULL, path, "opened", "a second time: the segment is there, made by the first "
                 "run, and only IPC_CREAT | IPC_EXCL tells the creator apart (IPC_CREAT alone "
                 "succeeds either way)");
    ck_assert_msg(second == first, "the first run created segment %d, the second opened %d: "
                  "one key, one segment", first, second);
    ck_assert_int_eq(shmctl(first, IPC_RMID, NULL), 0);
    g_no_leftovers("After two runs and the grader's removal");
}
END_TEST

START_TEST(made_anew_it_gets_another_id)
{
    char path[PATH_MAX];
    int first, removed, second;

    t_key(ID, path);
    first = run(NULL, path, "created", "where the key has no segment yet");
    removed = run("-r", path, "removed", "after a run that created it");
    ck_assert_msg(removed == first && !t_exists(T_SHM, first), "`ftok_creator -r` printed "
                  "\"removed %d\"; segment %d (the one made) %s", removed, first,
                  t_exists(T_SHM, first) ? "is still there" : "is gone");
    second = run(NULL, path, "created", "after -r removed the segment");
    ck_assert_msg(second != first, "the segment made anew has the id %d, as the first one had: "
                  "an id is seq x 32768 + slot, and the kernel hands out slots in a circle, "
                  "raising seq each time round: it does not give a removed id again at once. "
                  "Did -r remove the segment, and the next run make a new one?", second);
    run("-r", path, "removed", "after the second run created it");
    g_no_leftovers("After -r");
}
END_TEST

START_TEST(remove_without_a_segment_is_an_error)
{
    char path[PATH_MAX], id_text[8];
    struct t_run r;

    t_limit = 5;
    t_key(ID, path);
    snprintf(id_text, sizeof id_text, "%d", ID);
    g_run(&r, NULL, "-r", path, id_text, NULL);
    ck_assert_msg(r.status == 1 && r.out[0] == '\0' && t_lines(r.err) == 1 &&
                  strstr(r.err, "ENOENT") != NULL, "`ftok_creator -r %s %d`, where the key has "
                  "no segment: one line, \"ftok_creator: shmget: ENOENT: ...\", and exit 1. It "
                  "%s, and printed:\n%s%s", path, ID, g_status(r.status, r.ended_by_limit),
                  r.out, g_shown(r.err));
    g_no_leftovers("After -r without a segment");
}
END_TEST

/* A segment the grader makes first for the key of PATH, SIZE bytes: its id. */
static int theirs(char path[PATH_MAX], size_t size)
{
    key_t key = t_key(ID, path);
    int id = shmget(key, size, IPC_CREAT | IPC_EXCL | 0600);

    ck_assert_msg(id != -1, "(the grader's shmget: %m)");
    t_track(T_SHM, id);
    return id;
}

/* Is the grader's segment ID still there, as it was (SIZE bytes, all 0)?
 * Then remove it. */
static void still_theirs(int id, size_t size)
{
    struct shmid_ds ds;
    char *at;
    bool untouched = true;

    ck_assert_msg(shmctl(id, IPC_STAT, &ds) == 0, "ftok_creator removed segment %d, which "
                  "was not its own", id);
    ck_assert_msg((at = shmat(id, NULL, SHM_RDONLY)) != (void *)-1, "shmat: %m");
    for (size_t i = 0; i < size; i++)
        untouched &= at[i] == 0;
    shmdt(at);
    ck_assert_int_eq(shmctl(id, IPC_RMID, NULL), 0);
    ck_assert_msg(untouched, "ftok_creator wrote into segment %d, which it did not make: only "
                  "the creator initialises", id);
}

START_TEST(a_segment_too_small_is_refused)
{
    char path[PATH_MAX], says[64];
    int id = theirs(path, 100);

    snprintf(says, sizeof says, "segment %d has 100 bytes", id);
    refused(path, says, "the key has a segment already, of 100 bytes, fewer than the 4096 "
            "ftok_creator needs");
    still_theirs(id, 100);
    g_no_leftovers("After a segment too small");
}
END_TEST

START_TEST(a_segment_not_initialised_is_refused)
{
    char path[PATH_MAX], says[64];
    int id = theirs(path, SIZE);

    snprintf(says, sizeof says, "segment %d was not made by ftok_creator", id);
    refused(path, says, "the key has a segment already, of 4096 bytes, all 0: not "
            "initialised by ftok_creator (another program's, whose key is the same)");
    still_theirs(id, SIZE);
    g_no_leftovers("After a segment not initialised");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("ftok_creator");

    g_add(s, the_first_run_creates_and_initialises);
    g_add(s, the_second_run_opens_the_same_one);
    g_add(s, made_anew_it_gets_another_id);
    g_add(s, remove_without_a_segment_is_an_error);
    g_add(s, a_segment_too_small_is_refused);
    g_add(s, a_segment_not_initialised_is_refused);
    return s;
}

int main(void)
{
    return g_main("chapters/ftok/labs/ftok_creator", make_suite);
}
