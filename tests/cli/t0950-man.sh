#!/bin/sh
test_description='man pages: one per program and per command group, saying what --help says; stele-format(5) has the fields of docs/format.md'
. "$(dirname "$0")/test-lib.sh"
test_must_run_on_ci

MAN=$STELE_BUILD/man
if ! command -v man >/dev/null 2>&1; then
	test_skip 'man pages' 'man-db is not installed'
	test_done
fi


# Every page rendered once, as man shows it: pages/NAME (on one line, whitespace
# squeezed), pages/NAME.name (its NAME line) and pages/NAME.warnings (groff's).
mkdir pages
for p in "$MAN"/*.1 "$MAN"/stele-format.5; do
	n=$(basename "$p" | sed 's/\.[15]$//')
	MANWIDTH=1000 LC_ALL=C.UTF-8 man --warnings -l --nh --nj "$p" 2>"pages/$n.warnings" |
		LC_ALL=C.UTF-8 col -b >"pages/$n.txt"
	sed -n '/^NAME/{n;p;}' "pages/$n.txt" >"pages/$n.name"
	tr -s ' \t\n' ' ' <"pages/$n.txt" >"pages/$n"
done
# squeeze: stdin on one line, whitespace squeezed.
squeeze() {
	tr -s ' \t\n' ' '
}
# has TEXT FILE: FILE (one line) contains TEXT (one line, squeezed).
has() {
	if ! grep -qF -- "$1" "$2"; then
		echo "not in $2: $1" >&2
		return 1
	fi
}
# commands PROG / subs PROG CMD: from --help.
commands() {
	"$1" --help | sed -n '/^commands:$/,/^$/s/^  \([^ ]*\).*/\1/p'
}
subs() {
	"$1" "$2" --help | sed -n "/^\$/q; s/^ *or: $1 $2 \\([^ ]*\\).*/\\1/p"
}
# says_help PAGE PROG ARGS...: PAGE shows every usage line and the help text of
# PROG ARGS --help.
says_help() {
	page=$1
	shift
	"$@" --help >help.txt &&
	sed -n '/^$/q; s/^ *\(usage\|or\): //p' help.txt | while read -r line; do
		has "$line" "$page" || exit 1
	done &&
	has "$(sed '1,/^$/d' help.txt | squeeze | sed 's/ $//')" "$page"
}

for prog in stele-agent stele-aggregator; do
	test_expect_success "$prog(1) shows every command's usage and help" "
		for c in \$(commands $prog); do
			says_help pages/$prog $prog \$c || exit 1
		done
	"
	test_expect_success "$prog has a page for each command group, and no other" "
		for c in \$(commands $prog); do
			test -z \"\$(subs $prog \$c)\" || echo $prog-\$c.1
		done | sort >expected &&
		(cd $MAN && ls $prog-*.1) | sort >actual &&
		test_cmp expected actual &&
		test -s expected
	"
	test_expect_success "each of $prog's group pages shows every subcommand's usage and help" "
		for c in \$(commands $prog); do
			for s in \$(subs $prog \$c); do
				says_help pages/$prog-\$c $prog \$c \$s || exit 1
			done
		done
	"
done

test_expect_success 'a command added to the table would be missed: the check can fail' '
	! has "member add NAME [--no-such-option]" pages/stele-agent-member 2>/dev/null
'

test_expect_success 'every page renders without a groff warning' '
	test -s pages/stele-agent &&
	for w in pages/*.warnings; do
		if test -s "$w"; then echo "$w:"; cat "$w"; exit 1; fi
	done
'

test_expect_success 'the NAME lines are what apropos and lintian expect (name - what it is)' '
	for p in pages/*.name; do
		n=$(basename "$p" .name) &&
		grep -q "^ *$n - [a-z]" "$p" || { echo "$p:"; cat "$p"; exit 1; }
	done
'

# stele-format(5) is written by hand from docs/format.md: the layout's fields and
# the fault words must be the same, in the same order.
test_expect_success 'stele-format(5) has the layout fields of docs/format.md, in order' '
	sed -n "/^## Layout/,/^## /p" "$SRC_ROOT/docs/format.md" |
		sed -n "s/^| [0-9+WSP]* | [0-9A-Z]* | \([a-z_]*\) |.*/\1/p" >expected &&
	test "$(wc -l <expected)" -ge 15 &&
	sed -n "/^# LAYOUT/,/^# CHECKS/p" "$SRC_ROOT/docs/man/stele-format.5.scd" |
		sed -n "/^|/{n;n;p;}" | sed "s/^:  //; s/\\\\//g" >actual &&
	test_cmp expected actual
'
test_expect_success 'stele-format(5) has the fault words of docs/format.md, in order' '
	sed -n "/^## Checks/,/^## /p" "$SRC_ROOT/docs/format.md" |
		sed -n "s/^| [0-9] | .* | \`\([a-z-]*\)\`.*/\1/p" >expected &&
	test "$(wc -l <expected)" -eq 9 &&
	sed -n "/^# CHECKS/,/^# KEYS/p" "$SRC_ROOT/docs/man/stele-format.5.scd" |
		sed -n "s/.*(\*\([a-z-]*\)\*.*/\1/p" >actual &&
	test_cmp expected actual
'

test_done
