# Tools: ipcs and ipcrm, and our own ipcls (a listing from /proc/sysvipc) and
# ipcclean (removing what a user left behind).
PROGRAMS += $(addprefix chapters/tools/,ipcls ipcclean)
chapters/tools/ipcclean: LDLIBS += $(POSIX_LDLIBS)   # mq_open: see chapters/posix/chapter.mk
