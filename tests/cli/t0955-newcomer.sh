#!/bin/sh
test_description='the newcomer path: every command README.md, docs/demo.md and the demo suggest works as printed'
. "$(dirname "$0")/test-lib.sh"
test_must_run_on_ci

# sh_blocks FILE HEADING: the lines of the ```sh blocks in FILE's section HEADING
# (up to the next "## " heading).
sh_blocks() {
	awk -v h="$2" '
		$0 == h { in_sec = 1; next }
		in_sec && /^## / { exit }
		in_sec && /^```sh$/ { in_blk = 1; next }
		in_blk && /^```$/ { in_blk = 0; next }
		in_blk { print }
	' "$1"
}
# commands: stdin without comments and blank lines.
commands() {
	sed 's/[[:space:]]*#.*//' | grep -v '^[[:space:]]*$'
}
# run_each FILE: runs each line of FILE (a command, its continuation lines
# joined) in the current directory; names the first that fails.
run_each() {
	sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$1" >"$1.joined"
	while IFS= read -r cmd; do
		if ! sh -c "set -e; $cmd" >>run.log 2>&1 </dev/null; then
			echo "failed (exit $?): $cmd" >&2
			tail -n 5 run.log >&2
			return 1
		fi
	done <"$1.joined"
}

test_expect_success "README's five-minute tour runs as printed, in an empty directory" '
	sh_blocks "$SRC_ROOT/README.md" "## A five-minute tour" >tour &&
	test "$(grep -c "^stele-" tour)" -ge 10 &&
	mkdir tour-dir && cd tour-dir &&
	# one shell, as a reader types them: PATH and the USB folder carry over
	sed -e ":a" -e "/\\\\$/N; s/\\\\\\n//; ta" ../tour >script &&
	PATH=$STELE_BUILD:$PATH sh -ex script >out 2>&1 || { tail -n 20 out; exit 1; } &&
	test -s report.html
'

test_expect_success "the make targets README names exist" '
	sh_blocks "$SRC_ROOT/README.md" "## Getting started" >start &&
	sh_blocks "$SRC_ROOT/README.md" "## Installing" >>start &&
	grep -o "^make [a-z]*" start | sort -u >targets &&
	test_grep "^make deps$" targets &&
	test_grep "^make test$" targets &&
	while read -r _ target; do
		make -n -C "$SRC_ROOT" "$target" BUILD="$STELE_BUILD" >/dev/null 2>&1 ||
			{ echo "no target: make $target"; exit 1; }
	done <targets
'

# A smaller demo county (every suggested command needs only township 001 and
# villages 001201 and 002205), in this script's directory.
test_expect_success 'the demo runs and ends with its suggestions' '
	STELE_DEMO_TOWNSHIPS=2 STELE_DEMO_VILLAGES=5 STELE_BUILD=$STELE_BUILD \
		sh "$SRC_ROOT/tools/demo.sh" >demo.out 2>&1 || { tail -n 20 demo.out; exit 1; } &&
	sed -n "/^Then try:$/,\$p" demo.out | sed 1d | sed "s/^  //" | commands >suggested &&
	test "$(wc -l <suggested)" -ge 7
'

test_expect_success 'docs/demo.md suggests exactly what the demo prints' '
	sh_blocks "$SRC_ROOT/docs/demo.md" "## What the demo does" | commands >documented &&
	test_cmp suggested documented
'

test_expect_success "every command the demo suggests exits 0, the county's sync included" '
	PATH=$STELE_BUILD:$PATH run_each suggested
'

test_expect_success 'the second sync applies nothing twice' '
	PATH=$STELE_BUILD:$PATH stele-aggregator -C demo/county sync 2>err &&
	test_grep "merged 0 change sets" err
'

test_expect_success "the demo's report names its merge run and state; --as-of that state gives it again, byte for byte" '
	test_grep "数据截至第 [0-9][0-9]* 次合并" demo/report.html &&
	state=$(sed -n "s/.*report --as-of \([0-9T:.-]*\).*/\1/p" demo/report.html | head -n 1) &&
	test -n "$state" &&
	month=$(sed -n "s/.*<title>.* \([0-9]\{4\}-[0-9][0-9]\)<\/title>.*/\1/p" demo/report.html) &&
	test -n "$month" &&
	PATH=$STELE_BUILD:$PATH stele-aggregator -C demo/county report --month "$month" \
		--as-of "$state" --out again.html &&
	cmp demo/report.html again.html
'

test_done
