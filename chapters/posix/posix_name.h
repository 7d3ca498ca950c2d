/* posix_name.h: the rule this chapter's programs apply to a POSIX IPC name.
 *
 * A name is "/NAME": one leading slash, then one or more characters, none of
 * them a slash, and not "." or "..". That is the portable form (POSIX leaves
 * every other form to the implementation), and the only form all three kinds
 * of object accept alike on Linux: glibc's shm_open and sem_open skip any
 * leading slashes and then refuse only a second slash, so "demo" and "//demo"
 * name the same object as "/demo"; the kernel's mq_open refuses "demo" with
 * EINVAL and "//demo" with EACCES. Rather than teach three dialects, the
 * programs refuse anything else as a bad command line (exit 2), and a name
 * with a control character in it too, which would break the one-line error.
 * How long a name may be is left to the calls (exit 1), which differ here
 * too: after the slash, mq_open says ENAMETOOLONG from 256 characters on;
 * shm_open ENAMETOOLONG from 256 and EINVAL from 260 (glibc's own buffer);
 * sem_open, whose file is sem.NAME, ENAMETOOLONG from 252 and EINVAL from 256.
 */
#ifndef POSIX_NAME_H
#define POSIX_NAME_H

#include "ipclab.h"

#include <ctype.h>
#include <string.h>

// tag::rule[]
static inline const char *posix_name(const char *text)
{
    const char *rest = text + 1;

    for (const char *c = text; *c != '\0'; c++)
        if (iscntrl((unsigned char)*c))         /* not echoed: it would break the line */
            usage_error("name: byte %td is a control character", c - text + 1);
    if (text[0] != '/' || rest[0] == '\0' || strchr(rest, '/') != NULL ||
        strcmp(rest, ".") == 0 || strcmp(rest, "..") == 0)
        usage_error("name: \"%s\" is not /NAME (a slash, then no other)", text);
    return text;
}
// end::rule[]

#endif
