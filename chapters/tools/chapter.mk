# Tools: ipcs and ipcrm, and our own ipcls (a listing from /proc/sysvipc),
# ipcclean (removing what a user left behind) and ipcwatch (a live view of
# the objects, their attachers and their sleepers: ipcsnap.c reads them,
# ipcframe.c turns them into text and JSON, ipcwatch.c draws the screen).
PROGRAMS += $(addprefix chapters/tools/,ipcls ipcclean ipcwatch)
chapters/tools/ipcclean: LDLIBS += $(POSIX_LDLIBS)   # mq_open: see chapters/posix/chapter.mk

IPCWATCH_OBJS := chapters/tools/ipcsnap.o chapters/tools/ipcframe.o
$(IPCWATCH_OBJS): chapters/tools/%.o: chapters/tools/%.c chapters/tools/%.h \
                  chapters/tools/ipcsnap.h $(HEADERS) .flags
	$(call say,CC,$@) $(CC) $(BASE_CFLAGS) $(CFLAGS) -c -o $(tmp) $< && mv -f $(tmp) $@

# ncurses draws the screen (Debian's libncurses-dev, in DEB_PACKAGES).
NCURSES_LIBS = $(or $(shell pkg-config --libs ncurses 2>/dev/null),$(error the ncurses \
    library was not found: install the Debian package libncurses-dev, or run 'make deps'))
chapters/tools/ipcwatch: $(IPCWATCH_OBJS)
chapters/tools/ipcwatch: LDLIBS += $(IPCWATCH_OBJS) common/libipclab.a $(POSIX_LDLIBS) \
    $(NCURSES_LIBS)
