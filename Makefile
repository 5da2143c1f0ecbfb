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

PKGS      = sqlite3 libgit2 zlib libsodium xlsxwriter minizip expat
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
CRASH_BIN = $(patsubst tests/crash/%.c,$(BUILD)/crash/%,$(sort $(wildcard tests/crash/*.c)))

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
	@echo 'make fuzz         libFuzzer targets, FUZZ_SECONDS=$(FUZZ_SECONDS) each (clang, in $(FUZZ_BUILD)/)'
	@echo 'make crashtest    kill -9 at every syscall and injected I/O faults (tests/crash/)'

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
SHARED_DATA ?= $(if $(STELE_SHARED),$(STELE_SHARED),../shared)/data
test check: all $(UNIT_BIN) $(CRASH_BIN)
	@STELE_BUILD=$(abspath $(BUILD)) CMOCKA_MESSAGE_OUTPUT=TAP \
	  $(PROVE) $(PROVE_FLAGS) --exec '' $(UNIT_BIN) $(sort $(wildcard tests/cli/t[0-9]*.sh))

unit: all $(UNIT_BIN)
	@CMOCKA_MESSAGE_OUTPUT=TAP $(PROVE) $(PROVE_FLAGS) --exec '' $(UNIT_BIN)

cli: all $(CRASH_BIN)
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
	rm -rf build build-san build-fuzz demo

# Fuzzing (tests/fuzz/, docs/security.md): the library is compiled again with
# clang and -fsanitize=fuzzer-no-link,address,undefined into $(FUZZ_BUILD)/ by a
# recursive make, and each tests/fuzz/fuzz-*.c is linked with libFuzzer.
# `make fuzz` runs every target FUZZ_SECONDS seconds, keeping the grown corpus in
# $(FUZZ_BUILD)/corpus/; tests/cli/t0700-fuzz.sh runs them briefly.
FUZZ_BUILD   ?= build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 300
FUZZ_SRC      = $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BIN      = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

.PHONY: fuzz fuzz-build fuzz-targets fuzz-corpus crashtest

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
	  SANITIZE=fuzzer-no-link,address,undefined fuzz-targets

fuzz-targets: $(FUZZ_BIN) $(BUILD)/fuzz/gen-corpus

$(BUILD)/fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(BUILD)/libstele.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz $(LDFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libstele.a $(LIBS)

$(BUILD)/fuzz/gen-corpus: tests/fuzz/gen-corpus.c tests/fuzz/fuzz.h $(BUILD)/libstele.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz $(LDFLAGS) -o $@ $< $(BUILD)/libstele.a $(LIBS)

fuzz: fuzz-build
	@sh tests/fuzz/run.sh -t $(FUZZ_SECONDS) -k $(FUZZ_BUILD)/corpus $(FUZZ_BUILD)/fuzz

# Regenerates the committed seed corpus (tests/fuzz/corpus/).
fuzz-corpus: fuzz-build
	@sh tests/fuzz/make-corpus.sh $(FUZZ_BUILD)/fuzz/gen-corpus $(SHARED_DATA)/reference-county

# The crash campaign (tests/crash/, docs/security.md): kill -9 and injected I/O
# faults at every syscall of agent writes (and more), checked by
# $(BUILD)/crash/outbox-check; tests/cli/t0710-crash.sh runs a short version.
crashtest: all $(CRASH_BIN)
	@STELE_BUILD=$(abspath $(BUILD)) sh tests/crash/campaign.sh -m full

$(BUILD)/crash/%: tests/crash/%.c $(BUILD)/libstele.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libstele.a $(LIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
