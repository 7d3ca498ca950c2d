/* Hostile: ignores every signal it can and never ends, spinning. Each test
 * stops it at its time limit (SIGKILL cannot be ignored); it must score 0. */
#define _GNU_SOURCE                     /* NSIG */
#include <signal.h>

int main(void)
{
    for (int s = 1; s < NSIG; s++)
        signal(s, SIG_IGN);
    for (;;)
        ;
}
