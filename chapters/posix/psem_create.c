/* psem_create: make a POSIX named semaphore with an initial value.
 *
 * usage: psem_create [-x] [-m MODE] NAME VALUE
 *
 * sem_open() with O_CREAT makes the semaphore NAME with the value VALUE, or
 * opens the one the name already has, and then VALUE is ignored; -x adds
 * O_EXCL, so that only a new semaphore will do. Where System V makes a set
 * of semaphores that all start at 0 and need a second call (semctl SETVAL)
 * to get a value, sem_open makes one semaphore and sets its value in the
 * same call, so no process can see it half made. Nothing is printed. On
 * Linux the semaphore is the file /dev/shm/sem.NAME, and it stays until
 * psem_unlink (or rm) removes it.
 *
 * $ ./psem_create /lock 1
 * $ ls /dev/shm
 * sem.lock
 * $ ./psem_create -x /lock 1
 * psem_create: sem_open /lock: EEXIST: File exists
 */
#define _XOPEN_SOURCE 700
#include "ipclab.h"
#include "posix_name.h"

#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdlib.h>

static const char help[] =
    "usage: psem_create [-x] [-m MODE] NAME VALUE\n"
    "Create the POSIX named semaphore NAME (/something) with the value VALUE\n"
    "(0 to SEM_VALUE_MAX), or open the one the name has (VALUE is then unused).\n"
    "  -x       O_EXCL: fail with EEXIST if NAME exists\n"
    "  -m MODE  permission bits, octal (default 0600); the umask applies\n";

int main(int argc, char *argv[])
{
    int flags = O_CREAT, opt;
    mode_t mode = 0600;
    const char *name;
    unsigned int value;
    sem_t *sem;

    while ((opt = next_option(argc, argv, "xm:", help)) != -1) {
        switch (opt) {
        case 'x': flags |= O_EXCL; break;
        case 'm': mode = parse_mode("mode", optarg); break;
        }
    }
    if (argc - optind != 2)
        usage_error(argc - optind < 2 ? "missing NAME or VALUE" : "too many arguments");
    name = posix_name(argv[optind]);
    value = (unsigned int)parse_long("value", argv[optind + 1], 0, SEM_VALUE_MAX);

    // tag::create[]
    sem = sem_open(name, flags, mode, value);   // <1>
    if (sem == SEM_FAILED)
        die("sem_open %s", name);
    sem_close(sem);                             // <2>
    // end::create[]
    return EXIT_SUCCESS;
}
