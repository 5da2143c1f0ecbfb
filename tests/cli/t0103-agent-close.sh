#!/bin/sh
test_description='stele-agent close: months close in order and become read-only'
. "$(dirname "$0")/test-lib.sh"

# refused PATTERN command...: a refusal in village v (test_refused).
refused() {
	test_refused v "$@"
}

q() {
	sqlite3 v/stele.db "$1"
}

test_expect_success 'setup: records in 2026-07, 2026-08 and 2026-09' '
	new_village v 990101001201 &&
	stele-agent -C v member add 张三 >/dev/null &&
	stele-agent -C v member add 李四 --joined 2026-08-05 >/dev/null &&
	stele-agent -C v points add M0001 B01 --date 2026-07-15 >/dev/null &&
	stele-agent -C v points add M0001 B01 --date 2026-08-03 >/dev/null &&
	stele-agent -C v points add M0001 B02 --date 2026-09-03 >/dev/null &&
	stele-agent -C v task add 八月任务 --due 2026-08-20 >/dev/null &&
	stele-agent -C v task add 已销号 --due 2026-08-25 >/dev/null &&
	stele-agent -C v task close T0002 --date 2026-08-10 &&
	stele-agent -C v task add 九月任务 --due 2026-09-20 >/dev/null &&
	stele-agent -C v request add --received 2026-08-06 >/dev/null &&
	stele-agent -C v income add 2026-08 100 >/dev/null
'

test_expect_success 'refused: closing while events of the months it would close are under review' '
	refused "^stele-agent: months 2026-07 to 2026-08: 2 point events are still under review (E000001, E000002): finish the reviews first, or close with --force to freeze them$" \
		stele-agent -C v close 2026-08
'

if command -v faketime >/dev/null 2>&1; then
test_expect_success 'refused: the month that has not ended (today is its first day), unless --force' '
	refused "^stele-agent: month 2026-12 has not ended yet (this computer.s clock says 2026-12-01); close it when it is complete, or with --force$" \
		test_faketime "2026-12-01 08:00:00" stele-agent -C v close 2026-12 &&
	refused "has not ended yet (this computer.s clock says 2026-08-31)" \
		test_faketime "2026-08-31 23:00:00" stele-agent -C v close 2026-08
'

test_expect_success 'close --force closes the month that has not ended' '
	new_village now 990101001202 &&
	test_faketime "2026-12-01 08:00:00" stele-agent -C now close 2026-12 --force 2>err &&
	test_grep "^stele-agent: closed 2026-12$" err &&
	test_line_count 1 err &&
	test "$(sqlite3 now/stele.db "SELECT period FROM period_close")" = 2026-12
'
else
	test_skip 'the month that has not ended; close --force' 'faketime is not installed (apt-get install faketime)'
fi

test_expect_success 'close 2026-08 --force also closes 2026-07, the first record month, and says so' '
	n=$(q "SELECT count(*) FROM stele_outbox") &&
	stele-agent -C v close 2026-08 --force 2>err &&
	test_grep "closed 2026-08 and the earlier open month 2026-07" err &&
	test_grep "2 point events of the closed months are still under review" err &&
	test "$(q "SELECT group_concat(period) FROM period_close")" = 2026-07,2026-08 &&
	test "$(q "SELECT count(*) FROM stele_outbox")" = $((n + 1)) &&
	q "SELECT closed_at FROM period_close" | grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$"
'

test_expect_success 'closing a closed month again is a no-op with a note' '
	db_dump v >before &&
	stele-agent -C v close 2026-07 2>err &&
	test_grep "month 2026-07 is already closed" err &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'refused: a month that has not begun, even with --force' '
	refused "has not begun yet" stele-agent -C v close 2999-01 --force
'

test_expect_success 'a malformed month is a usage error (exit 2), nothing written' '
	db_dump v >before &&
	test_expect_code 2 stele-agent -C v close 2026-13 2>err &&
	test_grep "2026-13" err &&
	test_expect_code 2 stele-agent -C v close 2026-9x 2>err &&
	test_grep "^stele-agent: month .2026-9x. is not a month (YYYY-MM)$" err &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'refused: adding a row of any kind into a closed month' '
	refused "point event '\''E000004'\'': month 2026-08 is closed" stele-agent -C v points add M0001 B01 --date 2026-08-31 &&
	refused "task '\''T0004'\'': month 2026-08 is closed" stele-agent -C v task add x --due 2026-08-31 &&
	refused "request '\''R0002'\'': month 2026-07 is closed" stele-agent -C v request add --received 2026-07-01 &&
	refused "income '\''I0002'\'': month 2026-08 is closed" stele-agent -C v income add 2026-08 5 --source 其他 &&
	refused "month 2026-08 is closed" stele-agent -C v member add 王五 --joined 2026-08-09
'

test_expect_success 'refused: a review of an event of a closed month (stage frozen)' '
	refused "point event '\''E000002'\'': month 2026-08 is closed" stele-agent -C v points review E000002 --stage group
'

test_expect_success 'refused: setting any date field into a closed month' '
	refused "task '\''T0003'\'': month 2026-08 is closed" stele-agent -C v task close T0003 --date 2026-08-31 &&
	refused "month 2026-08 is closed" stele-agent -C v member set M0001 --joined 2026-08-01 &&
	printf "id,member_id,rule_code,occurred_on,points,stage,note\nE000003,M0001,B02,2026-08-30,1.0,recorded,\n" >move.csv &&
	refused "move.csv:2:4: point event '\''E000003'\'': month 2026-08 is closed" stele-agent -C v import points move.csv
'

test_expect_success 'refused: changing a row whose own date lies in a closed month' '
	printf "id,member_id,rule_code,occurred_on,points,stage,note\nE000002,M0001,B01,2026-08-03,2.0,recorded,改\n" >note.csv &&
	refused "note.csv:2:7: point event '\''E000002'\'': month 2026-08 is closed" stele-agent -C v import points note.csv &&
	printf "id,member_id,rule_code,occurred_on,points,stage,note\nE000002,M0001,B01,2026-09-03,2.0,recorded,\n" >out.csv &&
	refused "out.csv:2:4: point event '\''E000002'\'': month 2026-08 is closed" stele-agent -C v import points out.csv &&
	printf "id,title,category,assignee,due_on,closed_on\nT0001,改名,,,2026-08-20,\n" >task.csv &&
	refused "task.csv:2:2: task '\''T0001'\'': month 2026-08 is closed" stele-agent -C v import tasks task.csv &&
	printf "id,period,amount,source\nI0001,2026-08,200.00,\n" >income.csv &&
	refused "income.csv:2:3: income '\''I0001'\'': month 2026-08 is closed" stele-agent -C v import income income.csv
'

test_expect_success 'refused: re-closing a task closed in a closed month, or reopening it' '
	printf "id,title,category,assignee,due_on,closed_on\nT0002,已销号,,,2026-08-25,2026-09-01\n" >t.csv &&
	refused "t.csv:2:6: task '\''T0002'\'': month 2026-08 is closed" stele-agent -C v import tasks t.csv &&
	printf "id,title,category,assignee,due_on,closed_on\nT0002,已销号,,,2026-08-25,\n" >t.csv &&
	refused "t.csv:2:6: task '\''T0002'\'': month 2026-08 is closed" stele-agent -C v import tasks t.csv
'

test_expect_success 'a task or request of a closed month may be closed out in an open month' '
	refused "request '\''R0001'\'': month 2026-08 is closed" stele-agent -C v request resolve R0001 --date 2026-08-30 &&
	stele-agent -C v task close T0001 --date 2026-09-02 &&
	stele-agent -C v request resolve R0001 --date 2026-09-01 --satisfied yes &&
	test "$(q "SELECT closed_on FROM task WHERE id = '\''T0001'\''")" = 2026-09-02 &&
	test "$(q "SELECT resolved_on || satisfied FROM request")" = 2026-09-011
'

test_expect_success 'a member who joined in a closed month may still change status' '
	stele-agent -C v member set M0002 --status flowing &&
	test "$(q "SELECT status FROM member WHERE id = '\''M0002'\''")" = flowing
'

test_expect_success 'rows of open months stay writable; re-importing unchanged rows is fine' '
	stele-agent -C v points review E000003 --stage group &&
	stele-agent -C v export points >all.csv &&
	db_dump v >before &&
	stele-agent -C v import points all.csv 2>err &&
	test_grep "0 written" err &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'months close in order since the first record, which may be earlier now' '
	stele-agent -C v points add M0001 B01 --date 2026-05-20 >/dev/null &&
	stele-agent -C v close 2026-09 --force 2>err &&
	test_grep "closed 2026-09 and the earlier open months 2026-05, 2026-06" err &&
	test "$(q "SELECT group_concat(period) FROM (SELECT period FROM period_close ORDER BY period)")" = 2026-05,2026-06,2026-07,2026-08,2026-09
'

test_done
