/* Hostile: writes one huge file wherever it can (its output argument, /tmp,
 * /dev/shm, its own folder) until something stops it. The file size limit
 * and the sandbox's small tmpfs do: it must score 0 and leave the disk as
 * it was. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void fill(const char *path)
{
    static char block[1 << 16];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    memset(block, 'x', sizeof block);
    if (fd == -1)
        return;
    while (write(fd, block, sizeof block) > 0)
        ;
    close(fd);
}

int main(int argc, char *argv[])
{
    if (argc > 2)
        fill(argv[2]);
    fill("/tmp/huge");
    fill("/dev/shm/huge");
    fill("huge");
    return 0;
}
