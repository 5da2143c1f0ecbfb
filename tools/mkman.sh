#!/bin/sh
# mkman.sh: writes the scdoc sources of a program's man pages from its own
# --help, so the pages cannot drift from the command tables: PROG(1) from
# docs/man/PROG.1.scd.in (its prose, with @COMMANDS@ replaced by every command's
# usage and help), and PROG-CMD(1) for each command group (a command with
# subcommands), with every subcommand's usage and help.
# usage: mkman.sh PROGRAM TEMPLATE OUTDIR VERSION
# Writes OUTDIR/NAME.1.scd for each page and OUTDIR/PROG.pages (their names).
set -eu

[ $# -eq 4 ] || { echo "usage: mkman.sh PROGRAM TEMPLATE OUTDIR VERSION" >&2; exit 2; }
prog_path=$1 template=$2 out=$3 version=$4
prog=$(basename "$prog_path")
case $prog_path in /*) ;; *) prog_path=$(pwd)/$prog_path ;; esac
mkdir -p "$out"

# --help in English, away from any Stele directory.
LC_ALL=C LANGUAGE= STELE_DIR=
export LC_ALL LANGUAGE
unset STELE_DIR
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

helpof() {
	(cd "$tmp" && "$prog_path" "$@" --help) >"$tmp/help" ||
		{ echo "mkman.sh: '$prog $* --help' failed" >&2; exit 1; }
}

# usage_lines: the "usage:" and "or:" lines of $tmp/help, without the program.
usage_lines() {
	sed -n "/^\$/q; s/^ *\\(usage\\|or\\): $prog //p" "$tmp/help"
}

# help_text: what follows the first blank line of $tmp/help.
help_text() {
	sed '1,/^$/d' "$tmp/help"
}

# escape: scdoc source for plain text: \, * and _ literal, and a line that
# would start a list, table, heading or comment starts with an escaped character.
escape() {
	sed -e 's/\\/\\\\/g; s/\*/\\*/g; s/_/\\_/g' \
	    -e 's/^\([-.|:[#;`]\)/\\\1/'
}

# literal: lines as an scdoc literal block.
literal() {
	echo '```'
	sed -e 's/\\/\\\\/g'
	echo '```'
}

# commands: the first word of each command line of the program's --help.
helpof
sed -n '/^commands:$/,/^$/{ /^  /s/^  \([^ ]*\).*/\1/p; }' "$tmp/help" >"$tmp/commands"
[ -s "$tmp/commands" ] || { echo "mkman.sh: no commands in '$prog --help'" >&2; exit 1; }

: >"$tmp/section"
: >"$tmp/groups"
while read -r cmd; do
	helpof "$cmd"
	usage_lines >"$tmp/usage"
	# A group's usage lines name its subcommands: "member add NAME ...".
	sed -n "2,\$s/^$cmd \\([^ ]*\\).*/\\1/p" "$tmp/usage" >"$tmp/subs"
	{
		printf '## %s\n\n' "$cmd"
		sed "s|^|$prog |" "$tmp/usage" | literal
		echo
		help_text | escape
		if [ -s "$tmp/subs" ]; then
			printf '\nSee *%s-%s*(1).\n' "$prog" "$cmd"
		fi
		echo
	} >>"$tmp/section"
	[ -s "$tmp/subs" ] || continue
	echo "$cmd" >>"$tmp/groups"

	# The group's own page.
	help_text >"$tmp/grouphelp"
	whatis=$(head -n 1 "$tmp/grouphelp" | sed 's/\. .*//; s/\.$//' |
		awk '{ print tolower(substr($0, 1, 1)) substr($0, 2) }')
	{
		printf '%s-%s(1) "Stele %s" "Stele manual"\n\n' "$prog" "$cmd" "$version"
		printf '# NAME\n\n%s-%s - %s\n\n' "$prog" "$cmd" "$(echo "$whatis" | escape)"
		printf '# SYNOPSIS\n\n'
		# Every usage line but the group's summary ("member add|set|list ...").
		grep -v ' \.\.\.$' "$tmp/usage" | sed "s|^|$prog |" | literal
		printf '\n# DESCRIPTION\n\n'
		escape <"$tmp/grouphelp"
		printf '\n# COMMANDS\n\n'
		while read -r sub; do
			helpof "$cmd" "$sub"
			printf '## %s %s\n\n' "$cmd" "$sub"
			usage_lines | sed "s|^|$prog |" | literal
			echo
			help_text | escape
			echo
		done <"$tmp/subs"
		printf '# SEE ALSO\n\n*%s*(1)\n' "$prog"
	} >"$out/$prog-$cmd.1.scd"
done <"$tmp/commands"

# The program's page: the template with the commands and the group pages.
see_also=$(sed "s|.*|*$prog-&*(1)|" "$tmp/groups" | paste -sd, - | sed 's/,/, /g')
awk -v section="$tmp/section" -v version="$version" -v groups="$see_also" '
	/^@COMMANDS@$/ { while ((getline line < section) > 0) print line; next }
	{ gsub(/@VERSION@/, version); gsub(/@GROUPS@/, groups); print }
' "$template" >"$out/$prog.1.scd"

{
	echo "$prog"
	sed "s|^|$prog-|" "$tmp/groups"
} >"$out/$prog.pages"
