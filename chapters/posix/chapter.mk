# POSIX IPC: shared memory objects, named and unnamed semaphores, message
# queues, side by side with the System V chapters.
PROGRAMS += $(addprefix chapters/posix/,pshm_create pshm_write pshm_read pshm_unlink)
PROGRAMS += $(addprefix chapters/posix/,psem_create psem_op psem_getvalue psem_unlink psem_counter)
PROGRAMS += $(addprefix chapters/posix/,pmq_create pmq_send pmq_recv pmq_attr pmq_unlink \
                                        pmq_notify)
