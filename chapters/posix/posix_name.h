/* posix_name.h: the rule this chapter's programs apply to a POSIX IPC name.
 *
 * A name is "/NAME": one leading slash, then one or more characters, none of
 * them a slash, and not "." or "..". That is the portable form (POSIX leaves
 * every other form to the implementation), and the only form all three kinds
 * of object accept alike on Linux: glibc's shm_open and sem_open skip any
 * leading slashes and then refuse only a second slash, so "demo" and "//demo"
 * name the same object as "/demo"; the kernel's mq_open refuses "demo" with
 * EINVAL and "//demo" with EACCES. Rather than teach three dialects, the
 * programs refuse anything else as a bad command line (exit 2). How long a
 * name may be is left to the calls: ENAMETOOLONG, exit 1.
 */
#ifndef POSIX_NAME_H
#define POSIX_NAME_H

#include "ipclab.h"

#include <string.h>

// tag::rule[]
static inline const char *posix_name(const char *text)
{
    const char *rest = text + 1;

    if (text[0] != '/' || rest[0] == '\0' || strchr(rest, '/') != NULL ||
        strcmp(rest, ".") == 0 || strcmp(rest, "..") == 0)
        usage_error("name: \"%s\" is not /NAME (a slash, then no other)", text);
    return text;
}
// end::rule[]

#endif
