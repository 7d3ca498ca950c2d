# mmap: shared vs private mappings, anonymous memory, msync, faults.
PROGRAMS += $(addprefix chapters/mmap/,mmap_ex2 mmap_anon mmap_sync mmap_faults)
