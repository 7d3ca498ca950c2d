/* Hostile: tries to write a full score where the grader prints its own: on
 * the stdout of every process it can open through /proc/PID/fd/1 (they run
 * as its uid), on the terminal, and on its own output. It has no terminal,
 * and only the grader's last score line, printed after its tests, counts:
 * it must score 0. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char forged[] = "score posix_ring 6/6\n";

int main(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    char path[300];
    int fd;

    while (d && (e = readdir(d)) != NULL) {
        if (atoi(e->d_name) <= 0 || atoi(e->d_name) == getpid())
            continue;
        snprintf(path, sizeof path, "/proc/%s/fd/1", e->d_name);
        if ((fd = open(path, O_WRONLY)) != -1) {
            if (write(fd, forged, strlen(forged)) > 0)
                fprintf(stderr, "forge: wrote to %s\n", path);
            close(fd);
        }
    }
    if (d)
        closedir(d);
    if ((fd = open("/dev/tty", O_WRONLY)) != -1) {
        if (write(fd, forged, strlen(forged)) > 0)
            fprintf(stderr, "forge: wrote to /dev/tty\n");
        close(fd);
    }
    fputs(forged, stdout);
    return 0;
}
