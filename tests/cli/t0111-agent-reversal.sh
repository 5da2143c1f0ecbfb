#!/bin/sh
test_description='红字冲销: a published point event reversed by a new event that goes through
the same review; once the reversal is counted, neither counts, in the village and the county'
. "$(dirname "$0")/test-lib.sh"

V=990101001201

refused() {
	test_refused v "$@"
}

q() {
	sqlite3 v/stele.db "$1"
}

# review DIR STAGES EVENT...: moves the events through each stage in turn.
review() {
	review_dir=$1 review_stages=$2
	shift 2
	for s in $review_stages; do
		stele-agent -C "$review_dir" points review "$@" --stage $s 2>/dev/null || return 1
	done
}

test_expect_success 'setup: a village with published events, and its county' '
	new_village v $V 正营村 &&
	mkdir server &&
	stele-agent -C v remote set "$TRASH/server/$V.git" 2>/dev/null &&
	stele-aggregator -C county init --county 990101 --name 示例县 2>/dev/null &&
	stele-aggregator -C county village add $V --name 正营村 --township-name 东关镇 \
		--remote "$TRASH/server/$V.git" --key "$(stele-agent -C v key)" >/dev/null &&
	stele-agent -C v member add 张三 >/dev/null && stele-agent -C v member add 李四 >/dev/null &&
	stele-agent -C v points add M0001 B01 --date 2026-09-03 >/dev/null 2>&1 &&
	stele-agent -C v points add M0001 D02 --points -3 --date 2026-09-04 >/dev/null 2>&1 &&
	stele-agent -C v points add M0002 M01 --date 2026-09-04 >/dev/null 2>&1 &&
	stele-agent -C v points add M0002 B01 --date 2026-09-05 >/dev/null 2>&1 &&
	review v "group committee assembly published" E000001 E000002 E000003 &&
	stele-agent -C v points rank --year 2026 --format csv >before &&
	test_grep "^2,$V,M0001,张三,-1.0$" before
'

test_expect_success 'points reverse: a new event, same member and rule, opposite points, stage recorded' '
	stele-agent -C v points reverse E000001 --note 录错了 --date 2026-10-01 >id 2>err &&
	echo E000005 >expect && test_cmp expect id &&
	test_grep "^stele-agent: change set [0-9]*: point event E000005 added, reversal E000005 added$" err &&
	test "$(q "SELECT member_id, rule_code, occurred_on, points, stage, note FROM point_event WHERE id = '\''E000005'\''")" = "M0001|B01|2026-10-01|-20|recorded|录错了" &&
	test "$(q "SELECT event_id, reverses FROM point_reversal")" = "E000005|E000001"
'

test_expect_success 'under review, the reversal counts nowhere and the reversed event still counts' '
	review v "group committee" E000005 &&
	stele-agent -C v points rank --year 2026 --format csv >during &&
	test_cmp before during
'

test_expect_success 'once the reversal is counted, neither counts' '
	review v assembly E000005 &&
	stele-agent -C v points rank --year 2026 --format csv >after &&
	test_grep "^2,$V,M0001,张三,-3.0$" after &&
	review v published E000005 &&
	stele-agent -C v points rank --year 2026 --month 2026-09 --format csv >sept &&
	test_grep "^2,$V,M0001,张三,-3.0$" sept
'

test_expect_success 'a reversed deduction: the reversal has the opposite sign of its rule' '
	stele-agent -C v points reverse E000002 --note 扣错了 --date 2026-10-02 >id 2>/dev/null &&
	test "$(q "SELECT points FROM point_event WHERE id = '\''$(cat id)'\''")" = 30
'

test_expect_success 'refused: reversing an event twice, or a reversal (exit 3, nothing written)' '
	refused "^stele-agent: point event .E000001.: it is reversed already, by E000005$" \
		stele-agent -C v points reverse E000001 --note again &&
	refused "^stele-agent: point event .E000005.: it is the reversal of E000001: a reversal is not reversed (record a new event if one is due)$" \
		stele-agent -C v points reverse E000005 --note again
'

test_expect_success 'refused: an event still under review is rejected, not reversed' '
	refused "^stele-agent: point event .E000004.: it is at stage recorded: only a published event is reversed; one still under review is rejected (.points review E000004 --stage rejected.)$" \
		stele-agent -C v points reverse E000004 --note x
'

test_expect_success 'refused: a reversal dated in a closed month, or of an unknown event' '
	stele-agent -C v close 2026-09 --force 2>/dev/null &&
	refused "^stele-agent: point event .E000007.: month 2026-09 is closed" \
		stele-agent -C v points reverse E000003 --note x --date 2026-09-30 &&
	refused "^stele-agent: point event .E000099. does not exist in village $V" \
		stele-agent -C v points reverse E000099 --note x
'

test_expect_success 'usage: no --note, or a malformed date (exit 2)' '
	test_usage v "^stele-agent: points reverse needs --note TEXT: why the event is reversed$" \
		stele-agent -C v points reverse E000003 &&
	test_usage v "date" stele-agent -C v points reverse E000003 --note x --date 2026-13-01
'

test_expect_success 'a reversal keeps its member, rule and points; one still recorded may be deleted' '
	refused "^stele-agent: point event .E000006.: it reverses E000002: its member, rule and points are those of E000002, negated$" \
		stele-agent -C v points set E000006 --points 5 &&
	stele-agent -C v points delete E000006 2>/dev/null &&
	test "$(q "SELECT count(*) FROM point_reversal WHERE reverses = '\''E000002'\''")" = 0 &&
	stele-agent -C v points reverse E000002 --note 扣错了 --date 2026-10-02 >/dev/null 2>&1
'

test_expect_success 'the county: the reversal merges, and counts there the same way' '
	stele-agent -C v sync 2>/dev/null &&
	stele-aggregator -C county sync 2>/dev/null &&
	test "$(sqlite3 county/stele.db "SELECT event_id, reverses FROM point_reversal ORDER BY 1")" = "E000005|E000001
E000006|E000002" &&
	stele-aggregator -C county rank members --year 2026 --village $V --format csv >cm &&
	test_grep "^2,$V,M0001,张三,-3.0$" cm
'

test_expect_success 'the county: a counted reversal of a deduction gives the points back' '
	review v "group committee assembly" E000006 &&
	stele-agent -C v sync 2>/dev/null &&
	stele-aggregator -C county sync 2>/dev/null &&
	stele-aggregator -C county rank members --year 2026 --village $V --format csv >cm &&
	test_grep "^2,$V,M0001,张三,0.0$" cm
'

test_expect_success 'the village figures: a member whose only event is reversed is not taking part' '
	stele-aggregator -C county rank villages --month 2026-09 --format csv >league &&
	col=$(head -1 league | tr , "\n" | grep -n "^participation$" | cut -d: -f1) &&
	test "$(sed -n 2p league | cut -d, -f$col)" = 0.5000
'

test_done
