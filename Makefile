# Makefile: builds stele-agent and stele-aggregator, runs the tests, the demo and
# the benchmarks. `make help` lists the targets.

VERSION   = 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR    = $(PREFIX)/bin

CC       ?= cc
SANITIZE ?=
# Objects of a sanitizer build live apart, so switching never mixes them.
BUILD    ?= build$(if $(SANITIZE),-san)

PKGS      = sqlite3 libgit2 zlib libsodium
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter -Wvla
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE -DSQLITE_ENABLE_SESSION \
            -DSQLITE_ENABLE_PREUPDATE_HOOK -DSTELE_VERSION='"$(VERSION)"' \
            -Ilib -I$(BUILD) $(WARN) $(CFLAGS) \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS      = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS   += -fsanitize=$(SANITIZE)
endif

LIB_SRC   = $(sort $(wildcard lib/*.c))
AGENT_SRC = $(sort $(wildcard agent/*.c))
AGG_SRC   = $(sort $(wildcard aggregator/*.c))
UNIT_SRC  = $(sort $(wildcard tests/unit/test-*.c))
TOOL_SRC  = $(sort $(wildcard tools/*.c))

LIB_OBJ   = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/schema.o
AGENT_OBJ = $(AGENT_SRC:%.c=$(BUILD)/%.o)
AGG_OBJ   = $(AGG_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BIN  = $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)

AGENT     = $(BUILD)/stele-agent
AGG       = $(BUILD)/stele-aggregator

.PHONY: all deps install uninstall test check unit cli demo bench clean help
.DELETE_ON_ERROR:

all: deps $(AGENT) $(AGG) $(TOOL_BIN)

help:
	@echo 'make              build stele-agent and stele-aggregator (in $(BUILD)/)'
	@echo 'make demo         build, then run a whole county in demo/'
	@echo 'make test         every test, through prove (TAP)'
	@echo 'make bench        the benchmarks (QUICK=1 for a short run)'
	@echo 'make install      PREFIX=$(PREFIX) DESTDIR=...'
	@echo 'make SANITIZE=address,undefined test'

# Installs missing Debian packages when root, else prints the apt-get line.
deps:
	@sh tools/deps.sh

$(BUILD)/schema.c: $(sort $(wildcard schema/*.sql)) tools/embed-schema.sh
	@mkdir -p $(@D)
	sh tools/embed-schema.sh $(sort $(wildcard schema/*.sql)) > $@

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/schema.o: $(BUILD)/schema.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libstele.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(AGENT): $(AGENT_OBJ) $(BUILD)/libstele.a
	$(CC) $(LDFLAGS) -o $@ $(AGENT_OBJ) $(BUILD)/libstele.a $(LIBS)

$(AGG): $(AGG_OBJ) $(BUILD)/libstele.a
	$(CC) $(LDFLAGS) -o $@ $(AGG_OBJ) $(BUILD)/libstele.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libstele.a tests/unit/unit.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libstele.a $(LIBS) -lcmocka

$(BUILD)/tools/%: tools/%.c $(BUILD)/libstele.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libstele.a $(LIBS)

# Every test is TAP and runs through prove: cmocka unit tests, then shell CLI tests.
# The CLI tests find the programs through STELE_BUILD.
PROVE ?= prove
test check: all $(UNIT_BIN)
	@STELE_BUILD=$(abspath $(BUILD)) CMOCKA_MESSAGE_OUTPUT=TAP \
	  $(PROVE) $(PROVE_FLAGS) --exec '' $(UNIT_BIN) $(sort $(wildcard tests/cli/t[0-9]*.sh))

unit: all $(UNIT_BIN)
	@CMOCKA_MESSAGE_OUTPUT=TAP $(PROVE) $(PROVE_FLAGS) --exec '' $(UNIT_BIN)

cli: all
	@STELE_BUILD=$(abspath $(BUILD)) $(PROVE) $(PROVE_FLAGS) --exec '' $(sort $(wildcard tests/cli/t[0-9]*.sh))

demo: all
	@STELE_BUILD=$(abspath $(BUILD)) sh tools/demo.sh

bench: all
	@STELE_BUILD=$(abspath $(BUILD)) QUICK=$(QUICK) sh tools/bench.sh

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(AGENT) $(AGG) $(DESTDIR)$(BINDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/stele-agent $(DESTDIR)$(BINDIR)/stele-aggregator

clean:
	rm -rf build build-san demo

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
