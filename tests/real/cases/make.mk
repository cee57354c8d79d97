# real-run: /usr/bin/make -j1 -f @CASE@
# real-needs: /bin/sh /usr/bin/tr /usr/bin/sort /usr/bin/wc
#
# A small Makefile (run with -f from an empty scratch directory): two targets, a pattern
# rule, $(shell ...), automatic variables, an order-only directory, a phony target.
NAMES := $(shell echo gamma alpha beta | tr ' ' '\n' | sort)
SRCS := $(NAMES:%=src/%.in)
OUTS := $(NAMES:%=build/%.out)
COUNT := $(words $(NAMES))

.PHONY: all report
all: report build/all.txt

src/%.in:
	@mkdir -p src
	echo "source $*" >$@

build:
	mkdir -p $@

build/%.out: src/%.in | build
	cat $< >$@
	echo "made from $< by pattern, stem $*" >>$@

build/all.txt: $(OUTS)
	cat $^ >$@
	echo "$(COUNT) names: $(NAMES)" >>$@
	wc -l <$@ >build/lines.txt

report: build/all.txt
	@echo "report: $(shell cat build/lines.txt) lines"
	@cat build/all.txt
