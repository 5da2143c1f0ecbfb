#!/bin/sh
test_description='past states and drafts: merge runs are numbered (log); every ranking
and the report take --as-of RUN|TIME and print what they printed right after that run,
whatever came later; rules import writes a draft that --draft tries, rules publish makes
live and rules discard drops'
. "$(dirname "$0")/test-lib.sh"

A=990101001201 B=990101001202 C=990101002201
M=2026-10

test_expect_success 'a county of three villages, two with October records, merged (run 1)' '
	stele-aggregator -C county init --county 990101 --name 测试县 2>/dev/null &&
	mkdir server &&
	for code in $A $B $C; do
		git init -q --bare server/$code.git &&
		stele-agent -C v/$code init --village $code --name "村$code" \
			--remote "$TRASH/server/$code.git" >/dev/null 2>&1 &&
		stele-aggregator -C county village add $code --name "村$code" --township-name 镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	stele-agent -C v/$A member add 甲 >/dev/null &&
	stele-agent -C v/$A points add M0001 B01 --date 2026-10-08 >/dev/null &&
	for stage in group committee assembly published; do
		stele-agent -C v/$A points review E000001 --stage $stage || exit 1
	done &&
	stele-agent -C v/$A income add $M 100 >/dev/null &&
	stele-agent -C v/$A task add 走访 --due 2026-10-05 >/dev/null &&
	stele-agent -C v/$A task close T0001 --date 2026-10-04 &&
	stele-agent -C v/$A assess set 2026 S1 18 &&
	stele-agent -C v/$B member add 乙 >/dev/null &&
	stele-agent -C v/$B income add $M 50 >/dev/null &&
	stele-agent -C v/$B task add 修路 --due 2026-10-06 >/dev/null &&
	for code in $A $B $C; do stele-agent -C v/$code sync 2>/dev/null || exit 1; done &&
	stele-aggregator -C county sync 2>/dev/null &&
	stele-aggregator -C county log --format csv >log.csv &&
	head -n 1 log.csv | grep -q "^id,finished_at,change_sets,villages" &&
	sed -n 2p log.csv | grep -q "^1,[0-9T:.-]*,13,2,"
'

test_expect_success 'what the county published right after run 1' '
	stele-aggregator -C county rank villages --month $M --format csv >league-1 &&
	stele-aggregator -C county rank stars --year 2026 --format csv >stars-1 &&
	stele-aggregator -C county rank members --year 2026 --format csv >members-1 &&
	stele-aggregator -C county report --month $M --out report-1.html &&
	grep -q "^1,$A," league-1 &&
	grep -q ",$C,.*,unsynced$" league-1 &&
	test_grep "数据截至第 1 次合并" report-1.html &&
	sed -n 2p log.csv | cut -d, -f2 >finished-1 &&
	sleep 1
'

test_expect_success 'later: a review, a veto, new records merged (run 2), new rules live' '
	stele-aggregator -C county assess approve $A --year 2026 2>/dev/null &&
	stele-aggregator -C county veto add $B V3 --year 2026 >/dev/null &&
	stele-agent -C v/$C income add $M 500 >/dev/null &&
	stele-agent -C v/$B task close T0001 --date 2026-10-06 &&
	stele-agent -C v/$A member set M0001 --status deceased &&
	for code in $A $B $C; do stele-agent -C v/$code sync 2>/dev/null || exit 1; done &&
	stele-aggregator -C county sync 2>/dev/null &&
	printf "key,value\nweight.income,90\n" >income-heavy.csv &&
	stele-aggregator -C county rules import config income-heavy.csv 2>/dev/null &&
	stele-aggregator -C county rules publish 2>/dev/null &&
	stele-aggregator -C county rank villages --month $M --format csv >league-now &&
	! test_cmp league-1 league-now >/dev/null &&
	stele-aggregator -C county log --format csv >log.csv &&
	test "$(tail -n +2 log.csv | wc -l)" = 2
'

test_expect_success 'rank --as-of 1 prints what it printed right after run 1' '
	stele-aggregator -C county rank villages --month $M --as-of 1 --format csv >league-as-of &&
	test_cmp league-1 league-as-of &&
	stele-aggregator -C county rank stars --year 2026 --as-of 1 --format csv >stars-as-of &&
	test_cmp stars-1 stars-as-of &&
	stele-aggregator -C county rank members --year 2026 --as-of 1 --format csv >members-as-of &&
	test_cmp members-1 members-as-of
'

test_expect_success '--as-of the time run 1 finished gives the same' '
	stele-aggregator -C county rank villages --month $M --as-of "$(cat finished-1)" \
		--format csv >league-at &&
	test_cmp league-1 league-at
'

test_expect_success 'report --as-of 1 reproduces the report of run 1 byte for byte' '
	stele-aggregator -C county report --month $M --as-of 1 --out report-as-of.html &&
	cmp report-1.html report-as-of.html
'

test_expect_success 'log --village lists its change sets and the run that merged each' '
	stele-aggregator -C county log --village $C --format csv >village.csv &&
	head -n 1 village.csv | grep -q "^seq,summary,run" &&
	tail -n 1 village.csv | grep -q "^1,.*,2,"
'

test_expect_success '--as-of refusals: no such run (3), a malformed value (2), with --draft (2)' '
	test_expect_code 3 stele-aggregator -C county rank villages --month $M --as-of 9 2>err &&
	test_grep "there is no merge run 9" err &&
	test_expect_code 2 stele-aggregator -C county rank villages --month $M --as-of yesterday 2>err &&
	test_grep "neither a merge run number nor a time" err &&
	test_expect_code 2 stele-aggregator -C county rank stars --year 2026 --as-of 1 --draft 2>err &&
	test_expect_code 3 stele-aggregator -C county rank stars --year 2026 --as-of 2000-01-01 2>err &&
	test_grep "before the first state" err
'

test_expect_success 'rules import writes a draft: the live ranking does not move' '
	printf "key,value\nweight.income,0\nweight.task,100\n" >task-only.csv &&
	stele-aggregator -C county rules import config task-only.csv 2>err &&
	test_grep "as a draft" err &&
	stele-aggregator -C county rank villages --month $M --format csv >live &&
	test_cmp league-now live &&
	stele-aggregator -C county rules list config --format csv >config &&
	grep -q "^weight.income,90$" config &&
	stele-aggregator -C county rules list config --draft --format csv >config-draft &&
	grep -q "^weight.task,100$" config-draft
'

test_expect_success 'rules diff shows the draft against the live rules' '
	stele-aggregator -C county rules diff --format csv >diff &&
	head -n 1 diff >header && echo "kind,key,change,live,draft" >want && test_cmp want header &&
	grep -q "^config,weight.income,changed,90,0$" diff &&
	grep -q "^config,weight.task,added,,100$" diff
'

test_expect_success 'rank --draft tries the draft; the report says so on every page' '
	stele-aggregator -C county rank villages --month $M --draft --format csv >draft &&
	! test_cmp live draft >/dev/null &&
	stele-aggregator -C county report --month $M --draft --out draft.html &&
	test_grep "id=\"draft-banner\"" draft.html &&
	test_grep "@media print { .draft-banner { position: fixed" draft.html &&
	! grep -q "draft-banner\"" report-1.html
'

test_expect_success 'rules discard drops the draft: --draft is live again' '
	stele-aggregator -C county rules discard 2>err &&
	test_grep "1 draft discarded" err &&
	stele-aggregator -C county rank villages --month $M --draft --format csv >after-discard &&
	test_cmp live after-discard &&
	stele-aggregator -C county rules diff --format csv >diff &&
	test_line_count 1 diff
'

test_expect_success 'rules publish makes the draft live for the county and the villages' '
	stele-aggregator -C county rules import config task-only.csv 2>/dev/null &&
	stele-aggregator -C county rank villages --month $M --draft --format csv >draft &&
	stele-aggregator -C county rules publish --to "$TRASH/server/county.git" 2>err &&
	test_grep "are live for the county" err &&
	stele-aggregator -C county rank villages --month $M --format csv >published &&
	test_cmp draft published &&
	stele-agent -C v/$A sync --county "$TRASH/server/county.git" 2>/dev/null &&
	test "$(sqlite3 v/$A/stele.db "SELECT value FROM ranking_config WHERE key = '\''weight.task'\''")" = 100 &&
	# the past stays as it was
	stele-aggregator -C county rank villages --month $M --as-of 1 --format csv >league-as-of &&
	test_cmp league-1 league-as-of
'

# frozen TIME command...: the command with this computer's clock stopped at TIME
# (libfaketime), so two commands run under it fall in the same second.
frozen() {
	fz_clock=$1
	shift
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		faketime -f "$fz_clock" "$@"
}

test_expect_success 'two merge runs in the same second: --as-of the time log prints names each' '
	now=$(date -d "+1 second" "+%Y-%m-%d %H:%M:%S") &&
	stele-agent -C v/$A income add $M 7 --source 补记 >/dev/null &&
	stele-agent -C v/$A sync 2>/dev/null &&
	frozen "$now" stele-aggregator -C county sync 2>/dev/null &&
	stele-aggregator -C county rank income --year 2026 --format csv >income-a &&
	stele-agent -C v/$B income add $M 9 --source 补记 >/dev/null &&
	stele-agent -C v/$B sync 2>/dev/null &&
	frozen "$now" stele-aggregator -C county sync 2>/dev/null &&
	stele-aggregator -C county rank income --year 2026 --format csv >income-b &&
	! test_cmp income-a income-b >/dev/null &&
	stele-aggregator -C county log --format csv >log.csv &&
	a=$(tail -n 2 log.csv | head -n 1 | cut -d, -f2) &&
	b=$(tail -n 1 log.csv | cut -d, -f2) &&
	echo "$a $b" | grep -q "^\([0-9-]*T[0-9:]*\)\.[0-9]\{3\} \1\.[0-9]\{3\}$" &&
	test "$a" != "$b" &&
	stele-aggregator -C county rank income --year 2026 --as-of "$a" --format csv >at-a &&
	test_cmp income-a at-a &&
	stele-aggregator -C county rank income --year 2026 --as-of "$b" --format csv >at-b &&
	test_cmp income-b at-b &&
	stele-aggregator -C county rank income --year 2026 --as-of "${a%.*}" --format csv >at-second &&
	test_cmp income-b at-second
'

test_expect_success '--as-of with milliseconds: malformed ones are refused (2)' '
	for bad in 2026-10-01T10:00:00.5 2026-10-01T10:00:00.1234 2026-10-01T10:00.123 \
		2026-10-01T10:00:00.12x; do
		test_expect_code 2 stele-aggregator -C county rank villages --month $M \
			--as-of "$bad" 2>err &&
		test_grep "neither a merge run number nor a time" err || exit 1
	done
'

test_done
