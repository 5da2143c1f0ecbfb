#!/bin/sh
test_description='stele-agent task, request, income and assess: writes and refusals'
. "$(dirname "$0")/test-lib.sh"

# refused PATTERN command...: a refusal in village v (test_refused).
usage() {
	test_usage v "$@"
}

refused() {
	test_refused v "$@"
}

q() {
	sqlite3 v/stele.db "$1"
}

test_expect_success 'setup' '
	new_village v 990101001201 && stele-agent -C v member add 张三 >/dev/null
'

test_expect_success 'task add prints T0001 and stores the fields' '
	stele-agent -C v task add 走访困难户 --due 2026-09-30 --category 民生 --assignee M0001 >id &&
	echo T0001 >expect && test_cmp expect id &&
	test "$(q "SELECT title || category || assignee || due_on || coalesce(closed_on, '\''-'\'') FROM task")" = "走访困难户民生M00012026-09-30-"
'

test_expect_success 'refused: an unknown assignee; malformed (exit 2): a bad due date, an empty title' '
	refused "assignee '\''M0042'\'' is not a member" stele-agent -C v task add x --due 2026-09-30 --assignee M0042 &&
	usage "2026-09-31" stele-agent -C v task add x --due 2026-09-31 &&
	usage "title is empty" stele-agent -C v task add "" --due 2026-09-30 &&
	test_expect_code 2 stele-agent -C v task add x 2>err && test_grep "needs --due" err
'

test_expect_success 'task close sets closed_on; closing twice is refused' '
	stele-agent -C v task close T0001 --date 2026-09-20 &&
	test "$(q "SELECT closed_on FROM task")" = 2026-09-20 &&
	refused "task '\''T0001'\'' is already closed (on 2026-09-20)" stele-agent -C v task close T0001 --date 2026-09-21 &&
	refused "task '\''T0009'\'' does not exist" stele-agent -C v task close T0009
'

test_expect_success 'task close defaults to today; task list --open' '
	stele-agent -C v task add 修路 --due 2026-10-15 >/dev/null &&
	stele-agent -C v task add 开会 --due 2026-10-16 >/dev/null &&
	stele-agent -C v task close T0002 &&
	test "$(q "SELECT closed_on FROM task WHERE id = '\''T0002'\''")" = "$(date +%Y-%m-%d)" &&
	stele-agent -C v task list --open --format csv >out &&
	printf "id,title,category,assignee,due_on,closed_on,origin\nT0003,开会,,,2026-10-16,,village\n" >expect &&
	test_cmp expect out
'

test_expect_success 'request add and resolve, satisfied yes/no' '
	stele-agent -C v request add --received 2026-09-01 --category 停车 --grid G1 >id &&
	echo R0001 >expect && test_cmp expect id &&
	stele-agent -C v request resolve R0001 --date 2026-09-05 --satisfied yes &&
	test "$(q "SELECT resolved_on || satisfied FROM request")" = 2026-09-051 &&
	stele-agent -C v request add --received 2026-09-02 >/dev/null &&
	stele-agent -C v request resolve R0002 --date 2026-09-02 --satisfied no &&
	test "$(q "SELECT satisfied FROM request WHERE id = '\''R0002'\''")" = 0
'

test_expect_success 'refused: resolved before received, resolved twice, bad satisfied' '
	stele-agent -C v request add --received 2026-09-10 >/dev/null &&
	refused "resolved on 2026-09-09, before it was received (2026-09-10)" \
		stele-agent -C v request resolve R0003 --date 2026-09-09 &&
	refused "request '\''R0001'\'' is already resolved (on 2026-09-05)" \
		stele-agent -C v request resolve R0001 --date 2026-09-12 &&
	test_expect_code 2 stele-agent -C v request resolve R0003 --satisfied maybe 2>err &&
	test_grep "is not yes or no" err &&
	stele-agent -C v request list --open --format csv | cut -d, -f1 >ids &&
	printf "id\nR0003\n" >expect && test_cmp expect ids
'

test_expect_success 'income add: yuan to fen, prints I0001' '
	stele-agent -C v income add 2026-09 68767.9 --source 合作社分红 >id &&
	echo I0001 >expect && test_cmp expect id &&
	test "$(q "SELECT amount FROM income")" = 6876790 &&
	stele-agent -C v income add 2026-09 12 >id && echo I0002 >expect && test_cmp expect id
'

test_expect_success 'refused: duplicate (month, source); malformed (exit 2): too many decimals, a bad month' '
	refused "income for 2026-09 from source '\''合作社分红'\'' is already recorded as I0001" \
		stele-agent -C v income add 2026-09 1 --source 合作社分红 &&
	refused "already recorded as I0002" stele-agent -C v income add 2026-09 5 &&
	usage "more than 2 decimal places" stele-agent -C v income add 2026-10 1.005 &&
	usage "2026-13" stele-agent -C v income add 2026-13 1 &&
	usage "not YYYY-MM" stele-agent -C v income add 2026-10-15 1
'

test_expect_success 'assess set inserts, then replaces' '
	stele-agent -C v assess set 2026 S1 12.5 --note 自评 &&
	stele-agent -C v assess set 2026 S1 20 &&
	test "$(q "SELECT score || coalesce(note, '\''-'\'') FROM assessment")" = 200- &&
	n=$(q "SELECT count(*) FROM stele_outbox") &&
	stele-agent -C v assess set 2026 S1 20.0 &&
	test "$(q "SELECT count(*) FROM stele_outbox")" = "$n"
'

test_expect_success 'refused: score over the maximum, negative, unknown or inactive item' '
	refused "score 20.1 is not between 0 and the item'\''s maximum 20.0" stele-agent -C v assess set 2026 S1 20.1 &&
	refused "is not between 0" stele-agent -C v assess set 2026 S2 -- -1 &&
	refused "standard item '\''S9'\'' does not exist" stele-agent -C v assess set 2026 S9 1 &&
	q "UPDATE standard_item SET active = 0 WHERE code = '\''S6'\''" &&
	refused "standard item '\''S6'\'' is not active" stele-agent -C v assess set 2026 S6 1 &&
	usage "more than 1 decimal" stele-agent -C v assess set 2026 S2 1.25 &&
	usage "year" stele-agent -C v assess set 26 S2 1 &&
	refused "is not between 0" stele-agent -C v assess set 2026 S2 -1
'

test_done
