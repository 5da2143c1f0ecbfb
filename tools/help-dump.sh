#!/bin/sh
# help-dump.sh: every help text, usage line and usage error of both programs, in
# English and in Chinese, walking every command and subcommand, into one file: run
# it before and after a change to the command lists (commands.def) and cmp the two.
# Usage: sh tools/help-dump.sh BUILD_DIR OUT   (BUILD_DIR absolute, e.g. $PWD/build)
set -u
build=$1; out=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
run() { # LANGNAME PROG ARGS...: one record with the exit code
	l=$1; shift
	printf '=== %s %s\n' "$l" "$*"
	if [ "$l" = zh ]; then
		( cd "$dir" && LANGUAGE=zh_CN LANG=C.UTF-8 LC_ALL= STELE_DIR= timeout 10 "$@" 2>&1 </dev/null )
	else
		( cd "$dir" && LANGUAGE= LANG=C LC_ALL=C STELE_DIR= timeout 10 "$@" 2>&1 </dev/null )
	fi
	printf -- '--- rc %s\n' $?
}
{
for p in stele-agent stele-aggregator; do
	prog=$build/$p
	cmds=$(LANGUAGE= LC_ALL=C "$prog" --help | sed -n '/^commands:/,/^$/p' | awk 'NF && $1 != "commands:" { print $1 }')
	for l in en zh; do
		run $l "$prog"
		run $l "$prog" --help
		run $l "$prog" -h
		run $l "$prog" nosuch
		run $l "$prog" --bogus
		run $l "$prog" help
		for c in $cmds; do
			run $l "$prog" "$c" --help
			run $l "$prog" "$c" -h
			run $l "$prog" help "$c"
			run $l "$prog" "$c" nosuch-sub
			run $l "$prog" "$c" --bogus-option
			subs=$(LANGUAGE= LC_ALL=C "$prog" "$c" --help | awk -v c="$c" '$1 == "or:" && $3 == c { print $4 }')
			for s in $subs; do
				run $l "$prog" "$c" "$s" --help
				run $l "$prog" "$c" "$s" -h
				run $l "$prog" "$c" "$s" --bogus-option
			done
		done
	done
done
} | sed "s|$build/||g" >"$out"
