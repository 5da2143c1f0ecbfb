#!/bin/sh
test_description='anomalies: village clocks years behind, years ahead, or frozen (and a frozen
county clock) change nothing: records, syncs and merges work, and every ranking is byte
for byte the one of a county whose clocks are right (creation time is display only;
the order of a stream is its seq)'
. "$(dirname "$0")/test-lib.sh"
test_must_run_on_ci

# Four villages of the reference county, from three townships; one has a veto.
VILLAGES="990101001201 990101001202 990101002201 990101003201"
# The skews, in libfaketime's syntax ('-': the right clock; '_' for a space): NAME,
# the villages' clock, their clock when they close months (a clock years back cannot
# close 2026's months: the clerk is told the clock's date and sets it right), and the
# county's clock.
cat >skews <<-\EOF
back    @2020-01-01_00:00:00 -                    -
ahead   +5y                  +5y                  -
frozen  2026-10-15_12:00:00  2026-10-15_12:00:00  2026-10-15_12:00:00
EOF

# at CLOCK COMMAND...: runs COMMAND with its clock set by libfaketime (CLOCK '-':
# the real one). A sanitized build must not insist on its runtime coming first.
at() {
	at_clock=$1
	shift
	if [ "$at_clock" = - ]; then
		"$@"
		return
	fi
	TZ=UTC ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		faketime -f "$(echo "$at_clock" | tr _ ' ')" "$@"
}

# run_county DIR VILLAGE-CLOCK CLOSE-CLOCK COUNTY-CLOCK: the four villages record the
# reference data with explicit dates, close their months and sync; the county merges.
run_county() {
	rc_dir=$1 rc_village=$2 rc_close=$3 rc_county=$4
	mkdir "$rc_dir" "$rc_dir/server" &&
	at $rc_county stele-aggregator -C "$rc_dir/county" init --county 990101 --name 参考县 \
		--publish "$TRASH/$rc_dir/server/county.git" 2>/dev/null &&
	for kind in point-rules standard-items veto-items config; do
		at $rc_county stele-aggregator -C "$rc_dir/county" rules import $kind \
			"$REFERENCE/rules/$kind.csv" || return 1
	done &&
	for code in $VILLAGES; do
		name=$(grep "^$code," "$REFERENCE/villages.csv" | cut -d, -f2) &&
		township=$(grep "^$code," "$REFERENCE/villages.csv" | cut -d, -f3) &&
		at $rc_village stele-agent -C "$rc_dir/v/$code" init --village $code --name "$name" \
			--remote "$TRASH/$rc_dir/server/$code.git" >/dev/null 2>&1 &&
		at $rc_county stele-aggregator -C "$rc_dir/county" village add $code --name "$name" \
			--township-name "$township" --remote "$TRASH/$rc_dir/server/$code.git" \
			--key "$(stele-agent -C "$rc_dir/v/$code" key)" >/dev/null || return 1
	done &&
	at $rc_county stele-aggregator -C "$rc_dir/county" veto add 990101002201 V3 --year 2026 \
		--note 安全生产责任事故 >/dev/null &&
	at $rc_county stele-aggregator -C "$rc_dir/county" rules publish 2>/dev/null &&
	for code in $VILLAGES; do
		for kind in members points tasks requests income assessments; do
			at $rc_village stele-agent -C "$rc_dir/v/$code" import $kind \
				"$REFERENCE/villages/$code/$kind.csv" || return 1
		done
		while read month; do
			at $rc_close stele-agent -C "$rc_dir/v/$code" close $month 2>/dev/null || return 1
		done <"$REFERENCE/villages/$code/closes.txt"
		at $rc_village stele-agent -C "$rc_dir/v/$code" sync \
			--county "$TRASH/$rc_dir/server/county.git" 2>/dev/null || return 1
	done &&
	at $rc_county stele-aggregator -C "$rc_dir/county" sync 2>"$rc_dir/merge.err"
}

# results DIR: every ranking the county publishes, one village's own member ranking,
# the county's synced rows and each stream's applied change sets: seq, rows, summary
# (not their times, nor their hashes, which cover the signed creation time).
results() {
	for args in "villages --month 2026-10" "villages --month 2026-09" \
		"villages --month 2026-10 --township 990101001" "stars --year 2026" \
		"members --year 2026" "members --year 2026 --month 2026-10"; do
		echo "== rank $args" &&
		stele-aggregator -C "$1/county" rank $args --format csv || return 1
	done &&
	echo "== points rank" &&
	stele-agent -C "$1/v/990101001201" points rank --year 2026 --format csv &&
	echo "== county rows" && db_dump "$1/county" &&
	sqlite3 "$1/county/stele.db" \
		"SELECT writer, seq, rows, summary FROM stele_applied ORDER BY 1, 2"
}

if ! command -v faketime >/dev/null 2>&1; then
	while read name village close county; do
		test_skip "clock $name: the same rankings" "faketime is not installed (apt-get install faketime)"
	done <skews
	test_done
fi

test_expect_success 'the baseline: a county whose clocks are right' '
	run_county right - - - &&
	test_grep "merged 64 change sets (890 row changes) from 4 villages" right/merge.err &&
	results right >right.results &&
	test_grep "^1,990101001202,桥南村,990101001," right.results
'

while read name village close county; do
	test_expect_success "clock $name: records, syncs and merges work" "
		run_county $name $village $close $county &&
		test_grep 'merged [0-9]* change sets' $name/merge.err &&
		test_line_count 1 $name/merge.err
	"
	test_expect_success "clock $name: the village clocks really were skewed" "
		sqlite3 $name/county/stele.db \"SELECT min(created_at), max(created_at) FROM stele_applied WHERE writer <> 'county'\" >times &&
		IFS='|' read first last <times &&
		now=\$(date +%s) &&
		case $name in
		back) test \$first -lt 1609459200 ;;
		ahead) test \$first -gt \$((now + 4 * 365 * 86400)) ;;
		frozen) test \$first = \$last && test \$first = 1792065600 ;;
		esac
	"
	test_expect_success "clock $name: every ranking is byte for byte the same" "
		results $name >$name.results &&
		test_cmp right.results $name.results
	"
done <skews

test_expect_success 'a clock years back: close is refused naming the clock'\''s date' '
	at @2020-01-01_00:00:00 stele-agent -C back/v/990101001201 member add 新人 >/dev/null &&
	db_dump back/v/990101001201 >before &&
	test_expect_code 3 at @2020-01-01_00:00:00 stele-agent -C back/v/990101001201 close 2026-11 2>err &&
	test_grep "^stele-agent: month 2026-11 has not begun yet (this computer.s clock says 2020-01-01); a month is closed when it is complete$" err &&
	db_dump back/v/990101001201 >after && test_cmp before after
'

test_expect_success 'the order of a stream is its seq, whatever its times say' '
	stele-agent -C back/v/990101001201 log --format csv >log.csv &&
	head -n 1 log.csv >header && test_grep "^seq,time," header &&
	cut -d, -f1 log.csv | sed 1d >seqs &&
	sort -rn seqs >sorted && test_cmp sorted seqs &&
	cut -d, -f2 log.csv | sed 1d | cut -c1-4 | uniq >years &&
	printf "2020\n%s\n2020\n" "$(date +%Y)" >want && test_cmp want years
'

echo "# clock skew: $(wc -l <skews) skews, each compared byte for byte with the right clock"

test_done
