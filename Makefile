# ipclab: one non-recursive GNU make build for the whole lab.
#
#   make            build every program, common/libipclab.a and common/libsysvipc.a
#   make check      build and run the Check suites (SANITIZE=1: under ASan+UBSan)
#   make book       write the book's pages in book/build/, index.html the contents
#                   (running make bench first if need be)
#   make book-check load every page in headless Chromium at 400 and 1400 px wide
#   make pdf        the same book as one PDF, for print: book/build/ipclab.pdf
#   make bench      run the benchmarks (chapters/bench): book/build/bench/;
#                   QUICK=1: a few seconds, to see that all runs (not a measurement)
#   make deps       install the Debian packages the lab needs (apt-get, sudo if not root)
#   make setup      deps, then all and book: everything a fresh machine needs
#   make grade      grade the labs (LAB=name: one); make lab-reset LAB=name;
#                   make grade-class SUBMISSIONS=DIR: a class's labs, each file in a
#                   sandbox, into grades/grades.csv; make grade-one SUBMISSION=DIR: one
#   make handout    the lab for students, without the labs' solutions
#   make clean      remove everything the build made
#   V=1             show full command lines
#
# Each chapter adds its programs in chapters/<topic>/chapter.mk; each program
# is one .c file built next to its source, so `cd chapters/ftok && ./ftok_key .`
# works. Tests are tests/test_<topic>.c, one Check suite per chapter.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
.PHONY: all check book book-check pdf bench deps setup clean grade grade-class grade-one lab-reset handout

# --- tools and flags ----------------------------------------------------------
CFLAGS ?= -O2 -g
BASE_CFLAGS := -std=c11 -Wall -Wextra -Wshadow -Icommon
ifeq ($(CI),true)
BASE_CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
BASE_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS = $(shell pkg-config --libs check)

# Everything is rebuilt when the compiler or its flags change (SANITIZE=1, ...).
FLAGS_LINE := $(CC) $(BASE_CFLAGS) $(CFLAGS) $(LDFLAGS)
$(shell echo '$(FLAGS_LINE)' | cmp -s - .flags || echo '$(FLAGS_LINE)' > .flags)

ifeq ($(V),1)
Q :=
say :=
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q := @
say := @
else
Q := @
say = @printf '  %-5s %s\n' $(1) $(2);
endif

# Outputs are written under a temporary name and renamed into place, so that
# two builds at once (make check in two terminals) never leave a torn file.
tmp = $@.tmp$$$$

# A missing tool stops the build with one line: which package, and make deps.
# need_tools takes COMMAND:PACKAGE pairs. sysctl and the others live in
# /sbin or /usr/sbin, which a plain user's PATH may lack.
need = $(if $(shell PATH="$$PATH:/sbin:/usr/sbin" command -v $(1) 2>/dev/null),,$(error $(1) not found: install the Debian package $(2), or run 'make deps'))
need_tools = $(foreach t,$(1),$(call need,$(firstword $(subst :, ,$(t))),$(lastword $(subst :, ,$(t)))))
# The commands the sample sessions and the tests run, beside the lab's own.
SESSION_TOOLS := bash:bash ipcs:util-linux ipcrm:util-linux lsipc:util-linux script:bsdutils \
                 setpriv:util-linux perl:perl sysctl:procps awk:mawk
TEST_TOOLS := $(SESSION_TOOLS) unshare:util-linux ipcmk:util-linux timeout:coreutils ldd:libc-bin \
              tmux:tmux patch:patch
# What grading a class needs (bubblewrap too, but grade-one --probe says so
# itself: NO_SANDBOX=1 grades without it).
GRADE_TOOLS := setpriv:util-linux prlimit:util-linux flock:util-linux timeout:coreutils \
               sha256sum:coreutils xargs:findutils
need_check = $(call need,pkg-config,pkg-config)$(if $(shell pkg-config --exists check && echo y),,$(error the Check library was not found: install the Debian package check, or run 'make deps'))

# --- common: the error helper and the seed's wrapper library ------------------
HEADERS := $(wildcard common/*.h)
SYSVIPC_OBJS := $(patsubst %.c,%.o,$(wildcard common/lib_sysv_*.c))
LIBS := common/libsysvipc.a common/libipclab.a

common/%.o: common/%.c $(HEADERS) .flags
	$(call need,$(CC),gcc)
	$(call say,CC,$@) $(CC) $(BASE_CFLAGS) $(CFLAGS) -c -o $(tmp) $< && mv -f $(tmp) $@

common/libipclab.a: common/ipclab.o
	$(call say,AR,$@) $(AR) rcs $(tmp) $^ && mv -f $(tmp) $@

common/libsysvipc.a: $(SYSVIPC_OBJS)
	$(call say,AR,$@) $(AR) rcs $(tmp) $^ && mv -f $(tmp) $@

# --- chapters -----------------------------------------------------------------
PROGRAMS :=
include $(sort $(wildcard chapters/*/chapter.mk))

all: $(PROGRAMS) $(LIBS)

$(PROGRAMS): %: %.c $(HEADERS) $(wildcard chapters/*/*.h) $(LIBS) .flags
	$(call need,$(CC),gcc)
	$(call say,CC,$@) $(CC) $(BASE_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $(tmp) $< $(LIBS) $(LDLIBS) \
	    && mv -f $(tmp) $@

# --- tests --------------------------------------------------------------------
# The longest first: test_ftok (one full cycle of an id's sequence number),
# then test_tools (ipcwatch's screen in tmux).
SUITES := $(patsubst %.c,%,$(sort $(wildcard tests/test_*.c)))
SUITES := tests/test_ftok tests/test_tools $(filter-out tests/test_ftok tests/test_tools,$(SUITES))

# The harness: tests/harness.h, what the suites see; tests/harness/*.c.
HARNESS_OBJS := $(patsubst %.c,%.o,$(wildcard tests/harness/*.c))
tests/harness/%.o: tests/harness/%.c tests/harness/internal.h tests/harness.h $(HEADERS) .flags
	$(need_check)
	$(call say,CC,$@) $(CC) $(BASE_CFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Itests -c -o $(tmp) $< \
	    && mv -f $(tmp) $@

# A suite is tests/test_TOPIC.c, and the sections it is split into, if any:
# tests/TOPIC/*.c (with the suite's own header there), linked into one binary.
sections = $(wildcard $(patsubst tests/test_%,tests/%,$(1))/*.[ch])
$(foreach s,$(SUITES),$(eval $(s): $(call sections,$(s))))
# The sem suite starts threads (SEM_UNDO belongs to the process, not a thread).
tests/test_sem: CHECK_LIBS += -pthread
$(SUITES): %: %.c $(HARNESS_OBJS) tests/harness.h $(HEADERS) $(LIBS) .flags
	$(need_check)
	$(call say,CC,$@) $(CC) $(BASE_CFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Itests $(LDFLAGS) \
	    -o $(tmp) $< $(filter %.c,$(call sections,$@)) $(HARNESS_OBJS) $(LIBS) $(CHECK_LIBS) \
	    && mv -f $(tmp) $@

include tests/labs/labs.mk

# The suites are built, then every suite runs, even after one fails, side by
# side (one more at a time than there are CPUs, for they often wait; or
# CHECK_JOBS); each one's output is printed whole when it ends. After them
# (not beside: a plain user's POSIX queues share one RLIMIT_MSGQUEUE), four
# at a time, each lab's grader is proven on its starter, solution and
# mistakes (tests/labs/prove: mostly waiting for wrong programs to time
# out); then a class of 40 made of them and of hostile submissions is graded
# in sandboxes (tests/labs/prove-class, about 3 minutes on two cores). Then
# the claims ledger is checked against the tests that ran, and the
# book's pages in a browser (book-check). The exit status says whether all of
# it held.
CHECK_JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
check: all
	$(call need_tools,$(TEST_TOOLS) $(GRADE_TOOLS))
	$(Q)$(MAKE) --no-print-directory -j$(CHECK_JOBS) $(SUITES) $(GRADERS) $(LAB_VARIANTS)
	$(if $(PROVEN_LABS),,@echo "labs: no solutions here (a handout): the graders are not proven")
	$(Q)mkdir -p tests/logs; status=0; \
	printf '%s\n' $(SUITES) | xargs -P $(CHECK_JOBS) -I{} sh -c \
	    'out=$$(./{} 2>&1); rc=$$?; printf "%s\n" "$$out"; exit $$rc' || status=1; \
	printf '%s\n' $(PROVEN_LABS) | xargs -P 4 -I{} sh -c \
	    'out=$$(tests/labs/prove {} 2>&1); rc=$$?; printf "%s\n" "$$out"; exit $$rc' || status=1; \
	$(lab_env) tests/labs/prove-class || status=1; \
	tests/check-claims || status=1; \
	$(MAKE) --no-print-directory book-check || status=1; \
	exit $$status

# --- book ---------------------------------------------------------------------
# asciidoctor fails on a warning; a link to an anchor that does not exist is
# only an INFO line under -v, so the rule fails on that too.
SESSIONS := $(sort $(wildcard chapters/*/*.session))
SESSION_OUT := $(patsubst chapters/%.session,book/build/sessions/%.adoc,$(SESSIONS))
CLAIMS := $(sort $(wildcard chapters/*/claims.tsv))

book: book/build/index.html

# Sessions play one after another, even under make -j: two demos that count
# identifiers at the same time would skew each other's numbers.
chain = $(if $(word 2,$(1)),$(eval $(word 2,$(1)): | $(word 1,$(1)))$(call chain,$(wordlist 2,$(words $(1)),$(1))))
$(call chain,$(SESSION_OUT))

book/build/sessions/%.adoc: chapters/%.session book/run-session $(PROGRAMS)
	$(call need_tools,$(SESSION_TOOLS))
	@mkdir -p $(@D)
	$(call say,RUN,$<) book/run-session --adoc $< > $(tmp); status=$$?; \
	    [ $$status -eq 0 ] || [ $$status -eq 77 ] && mv -f $(tmp) $@ || { rm -f $(tmp); exit 1; }

book/build/claims.adoc: $(CLAIMS) $(wildcard tests/*.c tests/*/*.c) $(wildcard book/*.adoc) book/claims-to-adoc
	@mkdir -p $(@D)
	$(call say,GEN,$@) book/claims-to-adoc $(CLAIMS) > $(tmp) && mv -f $(tmp) $@

book/build/labs.adoc: $(wildcard book/*.adoc) $(wildcard tests/labs/grade_*.c) book/labs-to-adoc
	@mkdir -p $(@D)
	$(call say,GEN,$@) book/labs-to-adoc > $(tmp) && mv -f $(tmp) $@

# Each chapter's table of errno cases, made from the tests' t_errno_row
# tables (tests/TOPIC/errno.c and the rest of the suite) by book/errno-to-adoc.
ERRNO_OUT := $(patsubst tests/%/errno.c,book/build/errno/%.adoc,$(wildcard tests/*/errno.c))
book/build/errno/%.adoc: tests/%/errno.c $(wildcard tests/*.c tests/*/*.c) book/errno-to-adoc
	@mkdir -p $(@D)
	$(call say,GEN,$@) book/errno-to-adoc $* > $(tmp) && mv -f $(tmp) $@
book/build/claims.adoc book/build/index.html book/build/ipclab.pdf: $(ERRNO_OUT)

# The benchmarks run alone, after the sessions: they measure this machine,
# and a build beside them would be in their numbers.
BENCH_OUT := book/build/bench/results.csv
$(BENCH_OUT): $(BENCH_PROGRAMS) chapters/bench/run-bench | $(lastword $(SESSION_OUT))
	$(call say,BENCH,$(@D)) chapters/bench/run-bench -o $(@D) > /dev/null

bench: $(BENCH_PROGRAMS)
	$(Q)chapters/bench/run-bench $(if $(QUICK),--quick -o book/build/bench-quick,-o book/build/bench)

# asciidoctor writes the whole book as one page (book/listing-source.rb names
# each listing's file); book/make-pages cuts it into the contents
# (index.html), a page per chapter and a page per source file shown, and fails
# on a link to a page or an anchor that is not there, or on a page that would
# load anything from the network (a web font, a script, an image): the book is
# read offline, in class. asciidoctor finds book/docinfo.html (the pages' own
# style) by the output's suffix: the temporary name keeps it.
html_tmp = $(@D)/.tmp$$$$-$(@F)
BOOK_SOURCES := $(wildcard book/*.adoc) $(wildcard chapters/*/*.[ch] chapters/*/chapter.mk common/*.[ch]) \
                $(SESSION_OUT) book/build/claims.adoc book/build/labs.adoc $(BENCH_OUT) \
                book/listing-source.rb
book/build/index.html: $(BOOK_SOURCES) book/docinfo.html book/make-pages
	$(call need,asciidoctor,asciidoctor)
	$(call say,BOOK,$(@D)/) asciidoctor -r ./book/listing-source.rb -v --failure-level=WARN \
	    -a source-highlighter=rouge -a docinfo=shared -o $(html_tmp) book/index.adoc 2>$(tmp).log; status=$$?; \
	    cat $(tmp).log >&2; ! grep -q 'invalid reference' $(tmp).log && [ $$status -eq 0 ] \
	    && book/make-pages $(html_tmp) $(@D) \
	    && rm -f $(tmp).log $(html_tmp) || { rm -f $@ $(html_tmp) $(tmp).log; exit 1; }

# Every page in a real browser (headless Chromium, 400 and 1400 px wide): no
# sideways scroll, every image loaded, nothing from outside the book. Chromium
# is not among the packages make deps installs: without it book-check says
# SKIP, and does not build the book.
book-check:
	$(Q)! command -v chromium >/dev/null || $(MAKE) -s --no-print-directory book
	$(Q)book/check-pages book/build

# The same book for print, with asciidoctor-pdf (make deps installs it where
# the distribution has it). The plots are found where the page has them.
pdf: book/build/ipclab.pdf

book/build/ipclab.pdf: $(BOOK_SOURCES)
	$(call need,asciidoctor-pdf,ruby-asciidoctor-pdf)
	$(call say,PDF,$@) asciidoctor-pdf -r ./book/listing-source.rb --failure-level=WARN -a source-highlighter=rouge \
	    -a imagesdir=build -o $(tmp) book/index.adoc && mv -f $(tmp) $@

include book/figures.mk

# --- setting up ---------------------------------------------------------------
DEB_PACKAGES := gcc libc6-dev make pkg-config check asciidoctor ruby-rouge graphviz perl procps \
                util-linux libncurses-dev tmux patch bubblewrap
# For the benchmarks' plots and their comparison with independent tools, and
# for make pdf: installed where the distribution has them (Ubuntu has no
# linux-perf); run-bench and make pdf say what they could not do without them.
OPTIONAL_PACKAGES := gnuplot-nox linux-perf rt-tests ruby-asciidoctor-pdf

deps:
	@command -v dpkg-query >/dev/null || { \
	    echo "deps: not a Debian or Ubuntu system; install: $(DEB_PACKAGES) $(OPTIONAL_PACKAGES)"; exit 1; }
	@absent() { for p in "$$@"; do \
	    dpkg-query -W -f='$${db:Status-Status}\n' $$p 2>/dev/null | grep -qx installed || echo $$p; \
	done; }; \
	missing=$$(absent $(DEB_PACKAGES)); optional=$$(absent $(OPTIONAL_PACKAGES)); \
	if [ -z "$$missing$$optional" ]; then echo "deps: all present"; exit 0; fi; \
	sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	if [ -n "$$sudo" ] && ! command -v sudo >/dev/null; then \
	    echo "deps: missing" $$missing $$optional"; run make deps as root (there is no sudo)"; \
	    [ -z "$$missing" ]; exit; fi; \
	$$sudo apt-get update -q || exit 1; \
	for p in $$optional; do \
	    if apt-cache show $$p >/dev/null 2>&1; then missing="$$missing $$p"; \
	    else echo "deps: $$p is not in this distribution; what needs it says so"; fi; \
	done; \
	[ -z "$$missing" ] || { echo "deps: installing" $$missing; \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; }

setup:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all book

clean:
	rm -f $(PROGRAMS) $(FIGURE_HELPERS) $(SUITES) $(GRADERS) $(LAB_PROGRAMS) common/*.o common/*.a \
	    chapters/*/*.o tests/*.o tests/*/*.o .flags chapters/*/*.tmp* chapters/*/labs/*.tmp* \
	    common/*.tmp* tests/*.tmp* tests/*/*.tmp*
	rm -rf book/build tests/logs tests/labs/build
