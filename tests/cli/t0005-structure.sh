#!/bin/sh
test_description='the shape of the code: command files export only commands, listed in commands.def, libgit2 only behind lib/'"'"'s git modules'
. "$(dirname "$0")/test-lib.sh"

# The objects of this build (make test builds them before running the tests).
OBJ=$STELE_BUILD

test_expect_success 'the objects are there' '
	ls "$OBJ"/agent/cmd-*.o "$OBJ"/aggregator/cmd-*.o "$OBJ"/lib/*.o >/dev/null
'

# A command file (agent/cmd-*.c, aggregator/cmd-*.c) exports its cmd_* entry
# points, nothing else: what commands share lives in a module of its own
# (agent/batch.c, records.h, aggregator/fetch.c, ...). The command table is built
# from the program's one list, commands.def (docs/architecture.md "Commands").
test_expect_success 'cmd-*.o export only cmd_*' '
	for o in "$OBJ"/agent/cmd-*.o "$OBJ"/aggregator/cmd-*.o; do
		nm -g --defined-only "$o" | awk -v o="${o#$OBJ/}" "{ print o, \$3 }"
	done >exported &&
	test -s exported &&
	grep -Ev " cmd_[a-z0-9_]+\$" exported >stray || : &&
	test_line_count = 0 stray
'

# Every command and subcommand is a row of agent/commands.def or
# aggregator/commands.def: no command file holds a table of its own.
test_expect_success 'the commands are listed in commands.def only' '
	grep -ln "struct stele_cmd [a-z_]*\[\] *=" "$SRC_ROOT"/agent/*.c "$SRC_ROOT"/aggregator/*.c \
		"$SRC_ROOT"/lib/*.c >tables || : &&
	sed "s|^$SRC_ROOT/||" tables >table-files &&
	printf "%s\n" agent/main.c aggregator/main.c >expect &&
	test_cmp expect table-files
'

# libgit2 is called from lib/git.c, lib/gitrepo.c, lib/gitpack.c, lib/gitodb.c and the transport
# (lib/remote.c, lib/transport.c, lib/localremote.c) only.
test_expect_success 'no libgit2 call outside the git modules of lib/' '
	for o in "$OBJ"/agent/*.o "$OBJ"/aggregator/*.o "$OBJ"/lib/*.o; do
		case ${o#$OBJ/} in lib/git.o|lib/gitrepo.o|lib/gitpack.o|lib/gitodb.o|lib/remote.o|lib/transport.o|lib/localremote.o) continue ;; esac
		nm -u "$o" | awk -v o="${o#$OBJ/}" "\$2 ~ /^git_/ { print o, \$2 }"
	done >git-calls &&
	test_line_count = 0 git-calls
'

test_done
