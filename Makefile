# Makefile: builds stele-agent and stele-aggregator with their man pages, runs the
# tests, the demo and the benchmarks, installs, and builds the Debian packages.
# `make help` lists the targets.

VERSION   = 0.1.0

# Where `make install` puts things: DESTDIR is prepended to every path (a staging
# root, as dpkg-buildpackage uses), PREFIX is the installed layout.
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share
MANDIR   ?= $(DATADIR)/man
DOCDIR   ?= $(DATADIR)/doc/stele
LOCALEDIR ?= $(DATADIR)/locale
LOCALEDIR_REL = $(shell realpath -m --relative-to='$(BINDIR)' '$(LOCALEDIR)')
# bash-completion also reads $XDG_DATA_DIRS/bash-completion/completions, so a
# /usr/local prefix works without touching /usr/share.
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
# systemd reads /usr/local/lib/systemd/{system,user} too. Debian 12 packages put
# system units in /lib/systemd/system (debian/rules says so).
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSTEMDUSERUNITDIR ?= $(PREFIX)/lib/systemd/user

PKG_CONFIG ?= pkg-config
CC       ?= cc
SANITIZE ?=
# Objects of a sanitizer build live apart, so switching never mixes them.
BUILD    ?= build$(if $(SANITIZE),-san)

PKGS      = sqlite3 libgit2 zlib libsodium libmicrohttpd xlsxwriter minizip expat
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter -Wvla
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE -DSQLITE_ENABLE_SESSION \
            -DSQLITE_ENABLE_PREUPDATE_HOOK -DSTELE_VERSION='"$(VERSION)"' \
            -DSTELE_LOCALEDIR_REL='"$(LOCALEDIR_REL)"' \
            -Ilib -I$(BUILD) $(WARN) $(CPPFLAGS) $(CFLAGS) \
            $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LIBS      = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lpthread -lm
# WERROR=1 (CI sets it) makes every warning an error; packages build without it,
# so a newer compiler's new warning never stops a user's build.
WERROR   ?= 0
ifeq ($(WERROR),1)
ALL_CFLAGS += -Werror
endif
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
AGENT_OBJ = $(AGENT_SRC:%.c=$(BUILD)/%.o) $(BUILD)/web-css.o
AGG_OBJ   = $(AGG_SRC:%.c=$(BUILD)/%.o) $(BUILD)/report-css.o
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BIN  = $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)
CRASH_BIN = $(patsubst tests/crash/%.c,$(BUILD)/crash/%,$(sort $(wildcard tests/crash/*.c)))

AGENT     = $(BUILD)/stele-agent
AGG       = $(BUILD)/stele-aggregator

MAN_DIR   = $(BUILD)/man
MAN_PAGES = $(MAN_DIR)/stele-agent.stamp $(MAN_DIR)/stele-aggregator.stamp \
            $(MAN_DIR)/stele-format.5

# Translations (docs/translating.md): po/LANG.po for each language; the template
# po/stele.pot is extracted from the sources; the compiled catalogues go to
# $(BUILD)/locale, where the programs find them beside themselves.
LANGS     = $(sort $(basename $(notdir $(wildcard po/*.po))))
MO        = $(LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/stele.mo)
MSG_SRC   = $(sort $(wildcard lib/*.[ch] agent/*.[ch] aggregator/*.[ch] agent/*.def aggregator/*.def))

.PHONY: all deps install uninstall test check unit cli demo bench clean help man \
        deb debtest newcomertest update-po
.DELETE_ON_ERROR:

all: $(AGENT) $(AGG) $(TOOL_BIN) man po/stele.pot $(MO)

help:
	@echo 'make deps         as root: install the Debian packages to build and test with'
	@echo 'make              build stele-agent, stele-aggregator and their man pages (in $(BUILD)/)'
	@echo 'make demo         build, then run a whole county in demo/'
	@echo 'make test         every test, through prove (TAP)'
	@echo 'make bench        the benchmarks (QUICK=1 for a short run)'
	@echo 'make install      PREFIX=$(PREFIX) DESTDIR=... (installs only; see make deps)'
	@echo 'make deb          the Debian packages, in $(BUILD)/deb/'
	@echo 'make debtest      build the packages and install them into a fresh Debian 12 root'
	@echo 'make newcomertest the README'"'"'s commands on a fresh Debian 12 root, to a passing make test'
	@echo 'make update-po    extract new messages into po/stele.pot and merge them into po/*.po'
	@echo 'make SANITIZE=address,undefined test'
	@echo 'make fuzz         libFuzzer targets, FUZZ_SECONDS=$(FUZZ_SECONDS) each (clang, in $(FUZZ_BUILD)/)'
	@echo 'make crashtest    kill -9 at every syscall and injected I/O faults (tests/crash/)'

# As root, installs the missing Debian packages (apt's output in $TMPDIR/stele-deps.log);
# otherwise prints the apt-get line. The build never installs anything: it only
# checks, once per build directory, and says what is missing.
deps:
	@sh tools/deps.sh build test

$(BUILD)/.deps-checked:
	@sh tools/deps.sh --check build
	@mkdir -p $(@D) && touch $@
# The demo and the tests install what is missing first (when root), before any
# compiling starts, also under make -j.
ifneq ($(filter demo test check cli,$(MAKECMDGOALS)),)
$(BUILD)/.deps-checked: | deps
endif

$(BUILD)/schema.c: $(sort $(wildcard schema/*.sql)) tools/embed-schema.sh | $(BUILD)/.deps-checked
	@mkdir -p $(@D)
	sh tools/embed-schema.sh $(sort $(wildcard schema/*.sql)) > $@

$(BUILD)/%.o: %.c | $(BUILD)/.deps-checked
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/schema.o: $(BUILD)/schema.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The compiled-in catalogue directory is LOCALEDIR relative to BINDIR
# ("../share/locale" for every PREFIX): the program finds its catalogues from
# where it is installed, so `make install PREFIX=...` never recompiles the
# programs in $(BUILD) (which tests run while others install). i18n.o is rebuilt
# only when that relative path changes.
$(BUILD)/lib/i18n.o: $(BUILD)/localedir
$(BUILD)/localedir: FORCE
	@mkdir -p $(@D)
	@echo '$(LOCALEDIR_REL)' | cmp -s - $@ || echo '$(LOCALEDIR_REL)' > $@

.PHONY: FORCE
FORCE:

po/stele.pot: $(MSG_SRC) tools/pot.sh
	sh tools/pot.sh $@ $(VERSION)

$(BUILD)/locale/%/LC_MESSAGES/stele.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt -c -o $@ $<

# For developers: new messages into every catalogue (fuzzy guesses marked so).
update-po: po/stele.pot
	for l in $(LANGS); do msgmerge --quiet --no-wrap --update --backup=none po/$$l.po po/stele.pot; done

# The workbench's style sheet, carried inside stele-agent (agent/web.c).
$(BUILD)/web-css.c: web/workbench.css tools/embed-file.sh
	@mkdir -p $(@D)
	sh tools/embed-file.sh web_css web/workbench.css > $@

$(BUILD)/web-css.o: $(BUILD)/web-css.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The county report's style sheet, carried inside stele-aggregator (aggregator/report-html.c).
$(BUILD)/report-css.c: web/report.css tools/embed-file.sh
	@mkdir -p $(@D)
	sh tools/embed-file.sh report_css web/report.css > $@

$(BUILD)/report-css.o: $(BUILD)/report-css.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libstele.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(AGENT): $(AGENT_OBJ) $(BUILD)/libstele.a
	$(CC) $(LDFLAGS) -o $@ $(AGENT_OBJ) $(BUILD)/libstele.a $(LIBS)

$(AGG): $(AGG_OBJ) $(BUILD)/libstele.a
	$(CC) $(LDFLAGS) -o $@ $(AGG_OBJ) $(BUILD)/libstele.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libstele.a tests/unit/unit.h tests/unit/unit-sql.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libstele.a $(LIBS) -lcmocka

$(BUILD)/tools/%: tools/%.c $(BUILD)/libstele.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libstele.a $(LIBS)

# Every test is TAP and runs through prove: cmocka unit tests, then shell CLI tests.
# The CLI tests find the programs through STELE_BUILD.
PROVE ?= prove
SHARED_DATA ?= $(if $(STELE_SHARED),$(STELE_SHARED),../shared)/data
test check: deps all $(UNIT_BIN) $(CRASH_BIN)
	@STELE_BUILD=$(abspath $(BUILD)) CMOCKA_MESSAGE_OUTPUT=TAP \
	  $(PROVE) $(PROVE_FLAGS) --exec '' $(UNIT_BIN) $(sort $(wildcard tests/cli/t[0-9]*.sh))

unit: all $(UNIT_BIN)
	@CMOCKA_MESSAGE_OUTPUT=TAP $(PROVE) $(PROVE_FLAGS) --exec '' $(UNIT_BIN)

cli: deps all $(CRASH_BIN)
	@STELE_BUILD=$(abspath $(BUILD)) $(PROVE) $(PROVE_FLAGS) --exec '' $(sort $(wildcard tests/cli/t[0-9]*.sh))

demo: deps all
	@STELE_BUILD=$(abspath $(BUILD)) sh tools/demo.sh

bench: all
	@STELE_BUILD=$(abspath $(BUILD)) QUICK=$(QUICK) sh tools/bench.sh

# Man pages: tools/mkman.sh writes each program's pages from its --help and the
# prose in docs/man/ (one page per program, one per command group), scdoc
# renders them. stele-format(5) is written in scdoc directly.
man: $(MAN_PAGES)

$(MAN_DIR)/%.stamp: $(BUILD)/% docs/man/%.1.scd.in tools/mkman.sh
	@rm -f $(MAN_DIR)/$*.1 $(MAN_DIR)/$*-*.1 $(MAN_DIR)/$*.1.scd $(MAN_DIR)/$*-*.1.scd
	sh tools/mkman.sh $(BUILD)/$* docs/man/$*.1.scd.in $(MAN_DIR) $(VERSION)
	@for p in $$(cat $(MAN_DIR)/$*.pages); do \
	  scdoc <$(MAN_DIR)/$$p.1.scd >$(MAN_DIR)/$$p.1 || exit 1; done
	@touch $@

$(MAN_DIR)/stele-format.5: docs/man/stele-format.5.scd | $(BUILD)/.deps-checked
	@mkdir -p $(@D)
	scdoc <$< >$@

# Translations: the gettext build (po/) writes $(BUILD)/locale/LANG/LC_MESSAGES/stele.mo,
# the layout bindtextdomain reads; MO_FILES lists them (set by that rule when
# present) and install copies each to $(LOCALEDIR)/LANG/LC_MESSAGES/.
MO_FILES ?= $(MO)

# The systemd units: the clerk's user timer (periodic `stele-agent sync`) and the
# county's system service and timers (`stele-aggregator sync`, the nightly report),
# with @BINDIR@ replaced by where the programs are installed.
USER_UNITS   = contrib/systemd/stele-sync.service contrib/systemd/stele-sync.timer
SYSTEM_UNITS = contrib/systemd/stele-county-sync.service contrib/systemd/stele-county-sync.timer \
               contrib/systemd/stele-county-report.service contrib/systemd/stele-county-report.timer
DOCS      = README.md $(sort $(wildcard docs/*.md))

# Installs only: nothing is built as root by surprise beyond `all`, and no package
# is installed (that is `make deps`).
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSTEMDUSERUNITDIR) \
	  $(DESTDIR)$(DOCDIR) $(DESTDIR)$(LOCALEDIR)
	install -m 755 $(AGENT) $(AGG) $(DESTDIR)$(BINDIR)/
	install -m 644 $(MAN_DIR)/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN_DIR)/stele-format.5 $(DESTDIR)$(MANDIR)/man5/
	# One script for both, installed under each name (bash-completion loads a
	# command's completion by its name; the packages install one each).
	install -m 644 contrib/bash-completion/stele-agent $(DESTDIR)$(BASHCOMPDIR)/stele-agent
	install -m 644 contrib/bash-completion/stele-agent $(DESTDIR)$(BASHCOMPDIR)/stele-aggregator
	for u in $(USER_UNITS); do \
	  sed 's|@BINDIR@|$(BINDIR)|g' $$u >$(DESTDIR)$(SYSTEMDUSERUNITDIR)/$${u##*/} || exit 1; done
	for u in $(SYSTEM_UNITS); do \
	  sed 's|@BINDIR@|$(BINDIR)|g' $$u >$(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/} || exit 1; done
	install -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/
	for f in $(MO_FILES); do \
	  l=$${f%/LC_MESSAGES/stele.mo}; l=$${l##*/}; \
	  install -D -m 644 $$f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/stele.mo || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/stele-agent $(DESTDIR)$(BINDIR)/stele-aggregator
	rm -f $(DESTDIR)$(MANDIR)/man1/stele-agent.1 $(DESTDIR)$(MANDIR)/man1/stele-agent-*.1 \
	  $(DESTDIR)$(MANDIR)/man1/stele-aggregator.1 $(DESTDIR)$(MANDIR)/man1/stele-aggregator-*.1 \
	  $(DESTDIR)$(MANDIR)/man5/stele-format.5
	rm -f $(DESTDIR)$(BASHCOMPDIR)/stele-agent $(DESTDIR)$(BASHCOMPDIR)/stele-aggregator
	for u in $(USER_UNITS); do rm -f $(DESTDIR)$(SYSTEMDUSERUNITDIR)/$${u##*/}; done
	for u in $(SYSTEM_UNITS); do rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/}; done
	rm -rf $(DESTDIR)$(DOCDIR)
	rm -f $(DESTDIR)$(LOCALEDIR)/*/LC_MESSAGES/stele.mo

# The Debian packages (debian/): built by dpkg-buildpackage in a copy of the
# source tree under $(DEB_DIR), where the .deb files land, then checked by
# lintian (any error fails). `make debtest` installs them into a fresh Debian 12
# root (tests/deb/debtest.sh; as root only).
DEB_DIR = $(BUILD)/deb
deb:
	@sh tools/deps.sh build deb
	sh tools/mkdeb.sh $(DEB_DIR)

debtest: deb
	@STELE_BUILD=$(abspath $(BUILD)) STELE_DEB_DIR=$(abspath $(DEB_DIR)) \
	  $(PROVE) $(PROVE_FLAGS) --exec '' tests/deb/debtest.sh

# The README's "Getting started" commands, as printed, in a fresh Debian 12 root
# up to a passing `make test` there (tests/deb/newcomer.sh; as root; ~30 min).
newcomertest:
	@sh tools/deps.sh deb
	@STELE_BUILD=$(abspath $(BUILD)) $(PROVE) $(PROVE_FLAGS) --exec '' tests/deb/newcomer.sh

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

# (build/deb and build/debtest hold a package build and a Debian root: not ours.)
-include $(shell find $(BUILD) -path '$(BUILD)/deb*' -prune -o -name '*.d' -type f -print 2>/dev/null)
