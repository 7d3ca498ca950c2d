/* ipcframe.h: a snapshot (ipcsnap.h) as ipcwatch shows it: lines of text,
 * a frame, for --once and the screen; or JSON, for --json. */
#ifndef IPCFRAME_H
#define IPCFRAME_H

#include "ipcsnap.h"

#include <stdbool.h>

enum { WIDTH = 160 };                   /* the longest line of a frame */

/* A frame is lines of text, each with a key naming what it shows ("s 98307 0":
 * semaphore 0 of set 98307), so that the next frame's line about the same
 * thing can be compared with it, column by column. */
struct line {
    char key[40];                       /* "" for titles, which never change */
    char text[WIDTH];
    bool title;                         /* a section's title or column names */
    long long hold[WIDTH];              /* until when (ms) each column stays highlighted */
};
struct frame {
    int n, size;
    struct line *line;
};

/* The lines of snapshot S, taken with filter F, into FRAME (its lines reused). */
void layout(struct frame *frame, const struct snap *s, const struct filter *f);
/* S as JSON on stdout: one object a line. */
void json(const struct snap *s);

#endif
