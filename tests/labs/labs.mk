# Labs: graded work for students (make grade), included by the Makefile.
#
# A lab LAB of chapter TOPIC is named TOPIC_WHAT (sem_lock) and made of:
#   tests/labs/solutions/LAB.c         its reference solution, the lab's one source
#   chapters/TOPIC/labs/LAB.starter.c  the starter, made from the solution by
#                                      tests/labs/make-starter (a handout ships it)
#   chapters/TOPIC/labs/LAB.c          the student's file: a copy of the starter
#   tests/labs/grade_LAB.c             its grader (tests/labs/grade.h)
#   tests/labs/solutions/LAB.*.patch   typical mistakes, each of which a test of
#                                      the grader must catch (its "Expect:" line)
# The statement is at the end of the lab's chapter in the book.
LABS := $(patsubst tests/labs/grade_%.c,%,$(sort $(wildcard tests/labs/grade_*.c)))
lab_path = chapters/$(firstword $(subst _, ,$(1)))/labs/$(1)
LAB_PROGRAMS := $(foreach l,$(LABS),$(call lab_path,$(l)))
LAB_FILES := $(LAB_PROGRAMS:=.c)
LAB_STARTERS := $(LAB_PROGRAMS:=.starter.c)
GRADERS := $(LABS:%=tests/labs/grade_%)
MISTAKES := $(sort $(wildcard tests/labs/solutions/*.patch))
# The builds make check grades: tests/labs/build/LAB.VARIANT/LAB, for the
# variants starter, solution and each mistake.
variant = tests/labs/build/$(1).$(2)/$(1)
PROVEN_LABS := $(patsubst tests/labs/solutions/%.c,%,$(wildcard tests/labs/solutions/*.c))
# A mistake tests/labs/solutions/LAB.MISTAKE.patch, as "LAB MISTAKE".
mistake_of = $(subst ., ,$(basename $(notdir $(1))))
LAB_VARIANTS := $(foreach l,$(PROVEN_LABS),$(call variant,$(l),starter) $(call variant,$(l),solution)) \
                $(foreach m,$(MISTAKES),$(call variant,$(word 1,$(call mistake_of,$(m))),$(word 2,$(call mistake_of,$(m)))))

# A student's code is built with warnings, never -Werror: a warning is for
# the student to read, not a reason to fail the lab.
LAB_CFLAGS = $(filter-out -Werror,$(BASE_CFLAGS)) $(CFLAGS)
build_lab = $(CC) $(LAB_CFLAGS) $(2) $(LDFLAGS) -o $(tmp) $(1) $(LIBS) $(POSIX_LDLIBS) && mv -f $(tmp) $@

$(LAB_PROGRAMS): %: %.c $(HEADERS) $(LIBS)
	$(call say,CC,$@) $(call build_lab,$<)

# The student's file is made once, from the starter; then it is theirs.
all: $(LAB_FILES)
$(LAB_FILES): %.c: | %.starter.c
	$(call say,COPY,$@) cp $*.starter.c $@

define lab_rules
$(call lab_path,$(1)).starter.c: tests/labs/solutions/$(1).c tests/labs/make-starter
	@mkdir -p $$(@D)
	$$(call say,GEN,$$@) tests/labs/make-starter $$< > $$(tmp) && mv -f $$(tmp) $$@
$(call variant,$(1),starter): $(call lab_path,$(1)).starter.c $(HEADERS) $(LIBS)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@) $$(call build_lab,$$<)
$(call variant,$(1),solution): tests/labs/solutions/$(1).c $(HEADERS) $(LIBS)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@) $$(call build_lab,$$<)
endef
$(foreach l,$(PROVEN_LABS),$(eval $(call lab_rules,$(l))))

# A mistake: the solution with the patch applied, built.
define mistake_rules
$(call variant,$(1),$(2)).c: tests/labs/solutions/$(1).c tests/labs/solutions/$(1).$(2).patch
	@mkdir -p $$(@D)
	$$(call say,PATCH,$$@) patch -s -o $$(tmp) $$^ && mv -f $$(tmp) $$@
$(call variant,$(1),$(2)): $(call variant,$(1),$(2)).c $(HEADERS) $(LIBS)
	$$(call say,CC,$$@) $$(call build_lab,$$<,-w)     # a mistake's warnings are expected
endef
$(foreach m,$(MISTAKES),$(eval $(call mistake_rules,$(word 1,$(call mistake_of,$(m))),$(word 2,$(call mistake_of,$(m))))))

tests/labs/grade.o: tests/labs/grade.c tests/labs/grade.h tests/harness.h $(HEADERS) .flags
	$(need_check)
	$(call say,CC,$@) $(CC) $(BASE_CFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Itests -c -o $(tmp) $< \
	    && mv -f $(tmp) $@
$(GRADERS): %: %.c tests/labs/grade.o $(HARNESS_OBJS) tests/labs/grade.h tests/harness.h $(HEADERS) $(LIBS) .flags
	$(need_check)
	$(call say,CC,$@) $(CC) $(BASE_CFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Itests -Itests/labs $(LDFLAGS) \
	    -o $(tmp) $< tests/labs/grade.o $(HARNESS_OBJS) $(LIBS) $(CHECK_LIBS) && mv -f $(tmp) $@

# make grade: every lab; make grade LAB=sem_lock: one.
check_lab = $(if $(filter $(LAB),$(LABS)),,$(error LAB=$(LAB) is not a lab; the labs: $(LABS)))
grade: $(GRADERS) $(LIBS)
	$(if $(LAB),$(check_lab))
	$(Q)MAKE="$(MAKE)" tests/labs/grade $(or $(LAB),$(LABS))

# make grade-class SUBMISSIONS=DIR [OUT=grades] [JOBS=N] [NO_SANDBOX=1]: a
# class's files, a folder per student, each lab file graded in a sandbox of
# its own, into OUT/grades.csv (tests/labs/grade-class). make grade-one
# SUBMISSION=DIR [OUT=grades]: one student, as grade-class does it (for GNU
# parallel, README).
lab_env = LAB_CC="$(CC) $(LAB_CFLAGS) $(LDFLAGS)" LAB_LIBS="$(LIBS) $(POSIX_LDLIBS)"
no_sandbox = $(if $(NO_SANDBOX),--no-sandbox)
grade-class: $(GRADERS) $(LIBS)
	$(if $(SUBMISSIONS),,$(error grade-class needs SUBMISSIONS=DIR, a folder per student with their LAB.c files))
	$(call need_tools,$(GRADE_TOOLS))
	$(Q)$(lab_env) tests/labs/grade-class $(if $(JOBS),-j $(JOBS)) $(no_sandbox) $(SUBMISSIONS) $(or $(OUT),grades)
grade-one: $(GRADERS) $(LIBS)
	$(if $(SUBMISSION),,$(error grade-one needs SUBMISSION=DIR, a student's folder with their LAB.c files))
	$(call need_tools,$(GRADE_TOOLS))
	$(Q)$(lab_env) tests/labs/grade-one $(no_sandbox) $(or $(OUT),grades) $(SUBMISSION)

# make lab-reset LAB=sem_lock: the starter again, the student's file kept
# beside it as LAB.c.YYYYMMDD-HHMMSS.
lab-reset:
	$(if $(LAB),$(check_lab),$(error lab-reset needs LAB=name; the labs: $(LABS)))
	$(Q)f=$(call lab_path,$(LAB)).c; $(MAKE) --no-print-directory -s $(call lab_path,$(LAB)).starter.c; \
	    if [ -e $$f ]; then kept=$$f.$$(date +%Y%m%d-%H%M%S); mv $$f $$kept; echo "lab-reset: your file is kept as $$kept"; fi; \
	    cp $(call lab_path,$(LAB)).starter.c $$f && echo "lab-reset: $$f is the starter again"

# make handout: ipclab-handout.tar.gz, the lab as students get it: what git
# tracks and the labs' starters, without the solutions (and without CI).
# In it, make setup, make grade and the book work as here; make check says
# that it cannot prove the graders.
handout: $(LAB_STARTERS)
	$(call need,git,git)
	$(Q)git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "handout: needs the git clone"; exit 1; }
	$(call say,TAR,ipclab-handout.tar.gz) { git ls-files | grep -v -e '^tests/labs/solutions/' -e '^\.ci/'; \
	    printf '%s\n' $(LAB_STARTERS); } | tar -czf ipclab-handout.tar.gz.tmp$$$$ --transform 's,^,ipclab/,' -T - \
	    && mv -f ipclab-handout.tar.gz.tmp$$$$ ipclab-handout.tar.gz
