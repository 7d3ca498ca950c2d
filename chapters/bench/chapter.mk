# Benchmarks: what each IPC mechanism costs, measured on this machine.
# Each bench_MECH.c is one mechanism as a struct transport; bench.c measures
# them all the same way. run-bench runs the whole suite (make bench).
BENCH_PROGRAMS := $(addprefix chapters/bench/,bench_pipe bench_socketpair bench_sysv_msg \
                      bench_posix_mq bench_sysv_shm bench_posix_shm bench_spin \
                      bench_cacheline bench_memcpy)
PROGRAMS += $(BENCH_PROGRAMS)

chapters/bench/bench.o: chapters/bench/bench.c chapters/bench/bench.h $(HEADERS) .flags
	$(call say,CC,$@) $(CC) $(BASE_CFLAGS) $(CFLAGS) -c -o $(tmp) $< && mv -f $(tmp) $@

# bench.o needs libipclab.a after it, so the library comes again.
$(BENCH_PROGRAMS): chapters/bench/bench.o
$(BENCH_PROGRAMS): LDLIBS += chapters/bench/bench.o common/libipclab.a $(POSIX_LDLIBS) -lm

# The tests check bench.c's statistics too.
tests/test_bench: chapters/bench/bench.o
tests/test_bench: CHECK_CFLAGS += -Ichapters/bench
tests/test_bench: CHECK_LIBS += chapters/bench/bench.o common/libipclab.a -lm
