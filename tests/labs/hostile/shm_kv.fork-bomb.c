/* Hostile: forks without end; every child forks too. Its sandbox's process
 * limit stops it, its end kills all of it; it must score 0, and the machine
 * must have as many processes afterwards as before. */
#include <unistd.h>

int main(void)
{
    for (;;)
        fork();
}
