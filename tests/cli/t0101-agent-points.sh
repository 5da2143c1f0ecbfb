#!/bin/sh
test_description='stele-agent points add, review and list, and every refusal'
. "$(dirname "$0")/test-lib.sh"

# refused PATTERN command...: a refusal in village v (test_refused).
refused() {
	test_refused v "$@"
}

test_expect_success 'setup: a village with two members' '
	new_village v 990101001201 &&
	stele-agent -C v member add 张三 >id1 && stele-agent -C v member add 李四 >id2 &&
	echo M0001 >expect && test_cmp expect id1
'

test_expect_success 'points add prints E000001, with the rule points and stage recorded' '
	stele-agent -C v points add M0001 B01 --date 2026-09-03 --note 签到 >id &&
	echo E000001 >expect && test_cmp expect id &&
	test "$(sqlite3 v/stele.db "SELECT points || stage || note FROM point_event")" = "20recorded签到"
'

test_expect_success 'each write is one change set in the outbox' '
	test "$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox")" = 3
'

test_expect_success 'the date defaults to today; ids count up' '
	stele-agent -C v points add M0002 M01 >id &&
	echo E000002 >expect && test_cmp expect id &&
	test "$(sqlite3 v/stele.db "SELECT occurred_on FROM point_event WHERE id = '\''E000002'\''")" = "$(date +%Y-%m-%d)"
'

test_expect_success 'explicit points with one decimal; a deduction may be negative' '
	stele-agent -C v points add M0001 D02 --points -3.5 --date 2026-09-04 >id &&
	test "$(sqlite3 v/stele.db "SELECT points FROM point_event WHERE id = '\''E000003'\''")" = -35 &&
	stele-agent -C v points add M0001 Z01 --date 2026-09-05 >id &&
	test "$(sqlite3 v/stele.db "SELECT points FROM point_event WHERE id = '\''E000004'\''")" = 0
'

test_expect_success 'refused: unknown member' '
	refused "member '\''M0099'\'' does not exist in village 990101001201" \
		stele-agent -C v points add M0099 B01 --date 2026-09-03
'

test_expect_success 'refused: unknown rule' '
	refused "rule '\''X99'\'' does not exist" stele-agent -C v points add M0001 X99 --date 2026-09-03
'

test_expect_success 'refused: inactive rule' '
	sqlite3 v/stele.db "UPDATE point_rule SET active = 0 WHERE code = '\''M03'\''" &&
	refused "rule '\''M03'\'' is not active" stele-agent -C v points add M0001 M03 --date 2026-09-03
'

test_expect_success 'refused: the wrong sign for the rule category' '
	refused "points -1.0 do not fit rule B01 (base): must be >= 0" \
		stele-agent -C v points add M0001 B01 --points -1 --date 2026-09-03 &&
	refused "points 2.0 do not fit rule D01 (deduction): must be <= 0" \
		stele-agent -C v points add M0001 D01 --points 2 --date 2026-09-03 &&
	refused "points 1.0 do not fit rule Z01 (zeroing): must be 0" \
		stele-agent -C v points add M0001 Z01 --points 1 --date 2026-09-03 &&
	refused "must be >= 0" stele-agent -C v points add M0001 P01 --points -0.5 --date 2026-09-03
'

test_expect_success 'a malformed value is a usage error (exit 2): too many decimals, not a number' '
	test_usage v "has more than 1 decimal place" \
		stele-agent -C v points add M0001 B01 --points 1.25 --date 2026-09-03 &&
	test_usage v "points" stele-agent -C v points add M0001 B01 --points 1,5 --date 2026-09-03
'

test_expect_success 'exit 2: impossible and malformed dates' '
	test_usage v "2026-02-30" stele-agent -C v points add M0001 B01 --date 2026-02-30 &&
	test_usage v "date .2026-09-31. is not a real date" stele-agent -C v points add M0001 B01 --date 2026-9-31 &&
	test_usage v "2025-02-29" stele-agent -C v points add M0001 B01 --date 2025-02-29
'

test_expect_success 'exit 2: a note that is not UTF-8' '
	test_usage v "not valid one-line UTF-8" \
		stele-agent -C v points add M0001 B01 --date 2026-09-03 --note "$(printf "bad\377")"
'

test_expect_success 'review moves one step forward' '
	stele-agent -C v points review E000001 --stage group &&
	stele-agent -C v points review E000001 --stage committee &&
	test "$(sqlite3 v/stele.db "SELECT stage FROM point_event WHERE id = '\''E000001'\''")" = committee
'

test_expect_success 'refused: review skipping a stage, moving back, or staying' '
	refused "a review moves one step, from committee to assembly" \
		stele-agent -C v points review E000001 --stage published &&
	refused "stage cannot move back from committee to group" \
		stele-agent -C v points review E000001 --stage group &&
	refused "is already at stage committee" \
		stele-agent -C v points review E000001 --stage committee
'

test_expect_success 'review to published; published is final' '
	stele-agent -C v points review E000001 --stage assembly &&
	stele-agent -C v points review E000001 --stage published &&
	refused "stage published is final" stele-agent -C v points review E000001 --stage rejected
'

test_expect_success 'rejected from any earlier stage, and final' '
	stele-agent -C v points review E000002 --stage rejected &&
	refused "stage rejected is final" stele-agent -C v points review E000002 --stage group
'

test_expect_success 'review of several events is all or none' '
	refused "point event '\''E000099'\'' does not exist" \
		stele-agent -C v points review E000003 E000099 --stage group &&
	n=$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox") &&
	stele-agent -C v points review E000003 E000004 --stage group &&
	test "$(sqlite3 v/stele.db "SELECT group_concat(stage) FROM point_event WHERE id IN ('\''E000003'\'','\''E000004'\'')")" = group,group &&
	test "$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox")" = $((n + 1))
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 stele-agent -C v points review E000003 2>err &&
	test_grep "needs --stage" err &&
	test_expect_code 2 stele-agent -C v points review E000003 --stage recorded 2>err &&
	test_expect_code 2 stele-agent -C v points add M0001 2>err &&
	test_expect_code 2 stele-agent -C v points list --month 2026-09 --year 2026 2>err
'

test_expect_success 'points list filters by member, month, year and stage' '
	stele-agent -C v points list --format csv --member M0001 --month 2026-09 >out &&
	cut -d, -f1 out >ids &&
	printf "id\nE000001\nE000003\nE000004\n" >expect && test_cmp expect ids &&
	stele-agent -C v points list --format csv --stage group | cut -d, -f1 >ids &&
	printf "id\nE000003\nE000004\n" >expect && test_cmp expect ids &&
	stele-agent -C v points list --format csv --year 2025 >out && test_line_count 1 out
'

test_expect_success 'points list shows points with one decimal, JSON numbers' '
	stele-agent -C v points list --format json --member M0001 >out &&
	test_grep "\"points\": -3.5" out && test_grep "\"points\": 2.0" out &&
	test_grep "\"member_name\": \"张三\"" out
'

test_done
