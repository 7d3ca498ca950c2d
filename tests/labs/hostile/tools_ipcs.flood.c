/* Hostile: prints 200 MB, to stdout and to stderr, in long lines. Its
 * grader keeps what it needs and its log stays small; it must score 0. */
#include <stdio.h>
#include <string.h>

int main(void)
{
    static char line[1 << 16];

    memset(line, 'y', sizeof line - 2);
    line[sizeof line - 2] = '\n';
    for (int i = 0; i < 1600; i++) {
        fputs(line, stdout);
        fputs(line, stderr);
    }
    return 0;
}
