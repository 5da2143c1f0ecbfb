#!/bin/sh
test_description='task|request|income set: records not yet closed are corrected in place, in
open months; closed ones and closed months are refused (exit 3, nothing written)'
. "$(dirname "$0")/test-lib.sh"

refused() {
	test_refused v "$@"
}

q() {
	sqlite3 v/stele.db "$1"
}

test_expect_success 'setup: a village with a task, a request and income' '
	new_village v 990101001201 &&
	stele-agent -C v member add 张三 >/dev/null 2>&1 &&
	stele-agent -C v task add 修路 --due 2026-10-30 >/dev/null 2>&1 &&
	stele-agent -C v task add 清淤 --due 2026-09-20 >/dev/null 2>&1 &&
	stele-agent -C v request add --received 2026-10-03 >/dev/null 2>&1 &&
	stele-agent -C v request add --received 2026-10-04 >/dev/null 2>&1 &&
	stele-agent -C v income add 2026-09 100 >/dev/null 2>&1 &&
	stele-agent -C v income add 2026-10 50 >/dev/null 2>&1
'

test_expect_success 'task set: the fields given change, the others stay; dates as people write them' '
	stele-agent -C v task set T0001 --title 修桥 --due 2026/11/5 --assignee M0001 2>err &&
	test_grep "^stele-agent: change set [0-9]*: task T0001 changed$" err &&
	test "$(q "SELECT title, category, assignee, due_on, closed_on FROM task WHERE id = '\''T0001'\''")" = "修桥||M0001|2026-11-05|"
'

test_expect_success 'request set and income set' '
	stele-agent -C v request set R0001 --grid 一组 --category 道路 2>/dev/null &&
	test "$(q "SELECT received_on, category, grid FROM request WHERE id = '\''R0001'\''")" = "2026-10-03|道路|一组" &&
	stele-agent -C v income set I0002 --amount 1200.50 --source 租金 2>/dev/null &&
	test "$(q "SELECT period, amount, source FROM income WHERE id = '\''I0002'\''")" = "2026-10|120050|租金"
'

test_expect_success 'usage: nothing to change (exit 2)' '
	test_usage v "^stele-agent: task set: nothing to change (--title, --due, --category, --assignee)$" \
		stele-agent -C v task set T0001 &&
	test_usage v "^stele-agent: request set: nothing to change (--received, --category, --grid, --handler)$" \
		stele-agent -C v request set R0001 &&
	test_usage v "^stele-agent: income set: nothing to change (--month, --amount, --source)$" \
		stele-agent -C v income set I0001
'

test_expect_success 'refused: a closed task, a resolved request' '
	stele-agent -C v task close T0001 --date 2026-11-06 2>/dev/null &&
	refused "^stele-agent: task .T0001.: it was closed on 2026-11-06: a closed task is not changed$" \
		stele-agent -C v task set T0001 --title x &&
	stele-agent -C v request resolve R0002 --date 2026-10-05 2>/dev/null &&
	refused "^stele-agent: request .R0002.: it was resolved on 2026-10-05: a resolved request is not changed$" \
		stele-agent -C v request set R0002 --grid 二组
'

test_expect_success 'refused: a record of a closed month, or moved into one' '
	test_faketime "2026-12-02 10:00:00" stele-agent -C v close 2026-09 --force 2>/dev/null &&
	refused "^stele-agent: task .T0002.: month 2026-09 is closed (corrections go into an open month)$" \
		stele-agent -C v task set T0002 --title x &&
	refused "^stele-agent: income .I0001.: month 2026-09 is closed (corrections go into an open month)$" \
		stele-agent -C v income set I0001 --amount 5 &&
	refused "^stele-agent: income .I0002.: month 2026-09 is closed (corrections go into an open month)$" \
		stele-agent -C v income set I0002 --month 2026-09 &&
	refused "^stele-agent: request .R0001.: month 2026-09 is closed" \
		stele-agent -C v request set R0001 --received 2026-09-30
'

test_done
