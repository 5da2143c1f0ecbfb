#!/bin/sh
test_description='the shape of the code: command files export only commands, libgit2 only behind lib/'"'"'s git modules'
. "$(dirname "$0")/test-lib.sh"

# The objects of this build (make test builds them before running the tests).
OBJ=$STELE_BUILD

test_expect_success 'the objects are there' '
	ls "$OBJ"/agent/cmd-*.o "$OBJ"/aggregator/cmd-*.o "$OBJ"/lib/*.o >/dev/null
'

# A command file (agent/cmd-*.c, aggregator/cmd-*.c) exports its cmd_* entry
# points and its subcommand table, nothing else: what commands share lives in a
# module of its own (agent/batch.c, records.h, aggregator/fetch.c, ...).
test_expect_success 'cmd-*.o export only cmd_* and *_subcommands' '
	for o in "$OBJ"/agent/cmd-*.o "$OBJ"/aggregator/cmd-*.o; do
		nm -g --defined-only "$o" | awk -v o="${o#$OBJ/}" "{ print o, \$3 }"
	done >exported &&
	test -s exported &&
	grep -Ev " (cmd_[a-z0-9_]+|[a-z0-9]+_subcommands)\$" exported >stray || : &&
	test_line_count = 0 stray
'

# libgit2 is called from lib/git.c, lib/gitrepo.c, lib/gitodb.c and the transport
# (lib/remote.c, lib/transport.c, lib/localremote.c) only.
test_expect_success 'no libgit2 call outside the git modules of lib/' '
	for o in "$OBJ"/agent/*.o "$OBJ"/aggregator/*.o "$OBJ"/lib/*.o; do
		case ${o#$OBJ/} in lib/git.o|lib/gitrepo.o|lib/gitodb.o|lib/remote.o|lib/transport.o|lib/localremote.o) continue ;; esac
		nm -u "$o" | awk -v o="${o#$OBJ/}" "\$2 ~ /^git_/ { print o, \$2 }"
	done >git-calls &&
	test_line_count = 0 git-calls
'

test_done
