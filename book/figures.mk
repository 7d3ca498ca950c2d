# --- figures ------------------------------------------------------------------
# Included by the Makefile. Each figure of the book is drawn from a run:
# book/figures/NAME (a script; book/figures/lib.sh is what they share) runs
# the lab's programs, checks what it saw, and prints a graph in dot, which
# graphviz renders as book/build/figures/NAME.svg; a warning of dot fails
# it. The chapters show it with image::figures/NAME.svg["ALT TEXT"], under a
# .Title line (the pages are in book/build, and make pdf's imagesdir is
# book/build).
# A figure that needs a call no program of the lab makes has a C helper,
# book/figures/NAME.c, built as the programs are. Scripts are named with a
# dash (shm-life), helpers with an underscore (shm_hold).
FIGURE_HELPERS := $(patsubst %.c,%,$(wildcard book/figures/*.c))
FIGURE_SCRIPTS := $(wildcard book/figures/*-*)
FIGURES := $(patsubst book/figures/%,book/build/figures/%.svg,$(FIGURE_SCRIPTS))
# A figure that a chapter shows and no script draws stops the build.
FIGURES_SHOWN := $(addprefix book/build/,$(shell sed -n 's/^image::\(figures\/[^[]*\)\[.*/\1/p' book/*.adoc))
FIGURES_UNDRAWN := $(filter-out $(FIGURES),$(FIGURES_SHOWN))
$(FIGURES_UNDRAWN):
	@echo "$@: the book shows it, and there is no script $(patsubst book/build/%.svg,book/%,$@)"; false

# Some figures make System V objects and count identifiers, as the sessions
# do: they run one at a time, after the sessions, and the benchmarks after them.
$(call chain,$(lastword $(SESSION_OUT)) $(FIGURES))
$(BENCH_OUT): | $(lastword $(FIGURES))

$(FIGURE_HELPERS): %: %.c $(HEADERS) $(LIBS) .flags
	$(call need,$(CC),gcc)
	$(call say,CC,$@) $(CC) $(BASE_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $(tmp) $< $(LIBS) $(LDLIBS) \
	    && mv -f $(tmp) $@

# dot writes "transparent" where nothing is to be drawn, which make pdf's SVG
# renderer (prawn-svg) draws in black: it becomes "none".
book/build/figures/%.svg: book/figures/% book/figures/lib.sh $(PROGRAMS) $(FIGURE_HELPERS)
	$(call need,dot,graphviz)
	@mkdir -p $(@D)
	$(call say,FIG,$@) book/figures/$* > $(tmp).dot && dot -Tsvg -o $(tmp).svg $(tmp).dot 2>$(tmp).log \
	    && { [ ! -s $(tmp).log ] || { cat $(tmp).log >&2; false; }; } \
	    && sed 's/="transparent"/="none"/g' $(tmp).svg > $(tmp) \
	    && rm -f $(tmp).dot $(tmp).svg $(tmp).log && mv -f $(tmp) $@ \
	    || { rm -f $(tmp) $(tmp).dot $(tmp).svg $(tmp).log; exit 1; }

book/build/index.html book/build/ipclab.pdf: $(FIGURES) $(FIGURES_UNDRAWN)
