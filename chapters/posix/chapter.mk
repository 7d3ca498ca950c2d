# POSIX IPC: shared memory objects, named and unnamed semaphores, message
# queues, side by side with the System V chapters.
POSIX_PROGRAMS := $(addprefix chapters/posix/,pshm_create pshm_write pshm_read pshm_unlink \
                      psem_create psem_op psem_getvalue psem_unlink psem_counter \
                      pmq_create pmq_send pmq_recv pmq_attr pmq_unlink pmq_notify)
PROGRAMS += $(POSIX_PROGRAMS)

# Seed 000 says POSIX IPC is "the Linux rt library" (link with -lrt). Since
# glibc 2.34 shm_open, sem_* and mq_* are in libc and librt.so.1 is an empty
# stub; before, they needed -lrt (and -pthread for sem_*). A trial link of a
# program that calls all three with no library decides, once per make: on
# glibc 2.34 and later it links, and nothing is added.
# tag::ldlibs[]
POSIX_PROBE := char shm_open(void), sem_open(void), mq_open(void);\n\
               int main(void) { return shm_open() + sem_open() + mq_open(); }\n
POSIX_LDLIBS := $(shell printf '$(POSIX_PROBE)' | $(CC) -x c -o /dev/null - 2>/dev/null \
                    || echo -lrt -pthread)
$(POSIX_PROGRAMS): LDLIBS += $(POSIX_LDLIBS)
# end::ldlibs[]
