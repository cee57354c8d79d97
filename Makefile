# hexvm: `make` builds ./hexvm; `make check` runs every test.
CC ?= cc
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wmissing-prototypes
BUILD ?= build
HEXVM_OUT ?= hexvm
BASE_CFLAGS := -std=c11 -frounding-math -D_GNU_SOURCE -Isrc -I$(BUILD)/gen $(WARN) -pthread
# threads: snapshots hash and (de)compress pages on every core (src/snap/snap_pool.c)
LDLIBS := -lm -pthread

SRCS := $(shell find src -name '*.c' | sort)
# GDB_STUB=0 leaves the gdb stub out (bench/stub_cost.sh measures what it costs)
GDB_STUB ?= 1
ifeq ($(GDB_STUB),0)
SRCS := $(filter-out src/debug/gdb_%.c,$(SRCS))
BASE_CFLAGS += -DHEXVM_NO_GDB_STUB=1
else
SRCS := $(filter-out src/debug/nostub.c,$(SRCS))
endif
OBJS := $(SRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/isa_tables.o
DEPS := $(OBJS:.o=.d)
ISA_TABLES := $(sort $(wildcard src/isa/*.tbl))

# A static hexvm starts faster (no dynamic loader); linked dynamically where
# the host cannot link statically.
STATIC_LDFLAGS := $(shell $(CC) -static tools/probe/static.c -o /dev/null 2>/dev/null && echo -static)

# Optional libraries: used when present, never required.
HAVE_ZSTD := $(shell $(CC) tools/probe/zstd.c -lzstd -o /dev/null 2>/dev/null && echo 1)
HAVE_CAPSTONE := $(shell $(CC) tools/probe/capstone.c -lcapstone -o /dev/null 2>/dev/null && echo 1)
ifeq ($(HAVE_ZSTD),1)
BASE_CFLAGS += -DHAVE_ZSTD=1
LDLIBS += -lzstd
endif
# capstone disassembles --trace and fault reports; without its static
# archive hexvm is linked dynamically.
ifeq ($(HAVE_CAPSTONE),1)
BASE_CFLAGS += -DHAVE_CAPSTONE=1
LDLIBS += -lcapstone
ifneq ($(shell $(CC) $(STATIC_LDFLAGS) tools/probe/capstone.c -lcapstone -o /dev/null 2>/dev/null && echo 1),1)
STATIC_LDFLAGS :=
endif
endif

# Start-up layout: the functions a start runs (tools/startup_order/
# sections.txt, made by order.sh) go first in the text, in the order it
# first runs them, where they take some 376 KiB. Laid out as the compiler
# and the C library leave them they touch most 64 KiB windows of 2.7 MiB
# (every window a page fault, and cold code besides): 27 fewer faults and
# 0.27 ms less for a static hello (docs/measurements.md, "Start-up, session
# 11"). data.ld does the same for the data: the optional libraries' tables
# go last. Needs a linker that takes INSERT (GNU ld, lld); STARTUP_ORDER=0
# leaves the layout to the linker.
STARTUP_ORDER ?= 1
LAYOUT_LD :=
ifeq ($(STARTUP_ORDER),1)
ifeq ($(shell $(CC) $(STATIC_LDFLAGS) tools/probe/static.c -Wl,-T,tools/probe/insert.ld -o /dev/null 2>/dev/null && echo 1),1)
BASE_CFLAGS += -ffunction-sections
LAYOUT_LD := $(BUILD)/startup_order.ld
LDFLAGS += -Wl,-T,$(LAYOUT_LD) -Wl,-T,tools/startup_order/data.ld
endif
endif

all: $(HEXVM_OUT)

$(BUILD)/startup_order.ld: tools/startup_order/sections.txt
	@mkdir -p $(dir $@)
	{ echo 'SECTIONS {'; echo '  .text.startup_order : {'; sed 's/^/    /' $<; \
	  echo '  }'; echo '} INSERT BEFORE .text;'; } >$@

# The linker's output, written piecemeal, starts slower for a while after the
# link than a copy written in one pass (a static hello: 0.16-0.21 ms right
# after linking, 0.02 ms four minutes later; docs/measurements.md, "Start-up,
# session 11"): ./hexvm is that copy, so that it runs alike at once and
# later. The rename keeps a running hexvm's file intact.
$(HEXVM_OUT): $(OBJS) $(LAYOUT_LD)
	$(CC) $(CFLAGS) $(STATIC_LDFLAGS) $(LDFLAGS) -o $(BUILD)/hexvm.linked $(OBJS) $(LDLIBS)
	cp $(BUILD)/hexvm.linked $@.new
	mv -f $@.new $@
	rm -f $(BUILD)/hexvm.linked

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/gen/isa_tables.o: $(BUILD)/gen/isa_tables.c
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -c -o $@ $<

# one run of gen_isa writes both files: the table follows the header, so that
# a parallel make never runs it twice at once (each run would cut the other's
# files short)
$(BUILD)/gen/isa_handlers.h: $(BUILD)/tools/gen_isa $(ISA_TABLES)
	@mkdir -p $(BUILD)/gen
	$(BUILD)/tools/gen_isa $(BUILD)/gen/isa_tables.c $(BUILD)/gen/isa_handlers.h $(ISA_TABLES)

$(BUILD)/gen/isa_tables.c: $(BUILD)/gen/isa_handlers.h
	@test -f $@ || { echo "$@ is missing: make clean, then make" >&2; exit 1; }

# flags live here: a changed Makefile rebuilds everything
$(OBJS): Makefile

# handlers include the generated declarations
$(SRCS:%.c=$(BUILD)/%.o): | $(BUILD)/gen/isa_handlers.h

$(BUILD)/tools/gen_isa: tools/gen_isa.c src/decode/isa.h
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O1 -o $@ tools/gen_isa.c

check: hexvm
	@tests/check.sh

bench: hexvm
	@bench/run.sh

clean:
	rm -rf $(BUILD) hexvm

.PHONY: all check bench clean
-include $(DEPS)
