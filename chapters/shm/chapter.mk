# Shared memory: shmget, shmat, shmdt, shmctl; a writer and a reader.
PROGRAMS += $(addprefix chapters/shm/,shm_create shm_write shm_read shm_stat shm_rm \
                                      shm_attach shm_writer shm_reader)
