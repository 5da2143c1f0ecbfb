#!/bin/sh
test_description='stele-agent: the reference county villages import, close and export byte for byte'
. "$(dirname "$0")/test-lib.sh"

KINDS="members points tasks requests income assessments"

test_expect_success 'the reference county is there' '
	test -d "$REFERENCE/villages" &&
	ls "$REFERENCE/villages" >villages && test_line_count 12 villages
'

for dir in "$REFERENCE"/villages/*/; do
	code=$(basename "$dir")
	test_expect_success "village $code: import every kind in order, then close its months" '
		new_village $code $code &&
		for k in $KINDS; do
			stele-agent -C $code import $k "$dir/$k.csv" 2>err || { cat err; return 1; }
		done &&
		while read -r month; do
			stele-agent -C $code close $month --force 2>/dev/null || return 1
		done <"$dir/closes.txt" &&
		test "$(sqlite3 $code/stele.db "SELECT count(*) FROM period_close")" = "$(grep -c . "$dir/closes.txt")"
	'
	test_expect_success "village $code: export reproduces each CSV byte for byte" '
		for k in $KINDS; do
			stele-agent -C $code export $k >$code.$k.csv &&
			test_cmp "$dir/$k.csv" $code.$k.csv || return 1
		done
	'
	test_expect_success "village $code: re-importing its own export after closing writes nothing" '
		db_dump $code >before &&
		for k in $KINDS; do
			stele-agent -C $code import $k $code.$k.csv 2>/dev/null || return 1
		done &&
		db_dump $code >after && test_cmp before after
	'
done

test_done
