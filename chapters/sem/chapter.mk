# Semaphores: semget, semop, semctl, SEM_UNDO, the initialisation race, a lock.
PROGRAMS += $(addprefix chapters/sem/,sem_create sem_op sem_setall sem_stat sem_rm \
                                      sem_counter sem_undo sem_race)
