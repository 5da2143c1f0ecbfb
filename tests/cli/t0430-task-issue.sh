#!/bin/sh
test_description='tasks issued from above (上级交办): the county issues a task to a township,
its villages see it after a sync and close it out as their own, the county follows
progress and the overdue list, and issued tasks count in task_rate'
. "$(dirname "$0")/test-lib.sh"

A=990101001201 B=990101001202 C=990101001203   # 东关镇 (990101001)
D=990101002201                                 # 西街镇 (990101002)

test_expect_success 'a county with four villages, each synced once' '
	mkdir server &&
	stele-aggregator -C county init --county 990101 --name 参考县 \
		--publish "$TRASH/pub/county.git" 2>/dev/null &&
	for v in $A $B $C $D; do
		case $v in $D) t=西街镇 ;; *) t=东关镇 ;; esac &&
		stele-agent -C $v init --village $v --name 村$v --remote "$TRASH/server/$v.git" \
			2>/dev/null &&
		stele-aggregator -C county village add $v --name 村$v --township-name $t \
			--remote "$TRASH/server/$v.git" --key "$(stele-agent -C $v key)" >/dev/null ||
		exit 1
	done &&
	stele-aggregator -C county rules publish 2>/dev/null &&
	for v in $A $B $C $D; do
		stele-agent -C $v sync --county "$TRASH/pub/county.git" 2>/dev/null || exit 1
	done
'

test_expect_success 'task issue checks its input, writing nothing' '
	test_expect_code 2 stele-aggregator -C county task issue 修路 2>err &&
	test_grep "needs --due" err &&
	test_expect_code 2 stele-aggregator -C county task issue 修路 --due 明天 2>err &&
	test_expect_code 2 stele-aggregator -C county task issue 修路 --due 2026-03-01 \
		--township 99010100 2>err &&
	test_grep "not a 9-digit township code" err &&
	test_expect_code 3 stele-aggregator -C county task issue 修路 --due 2026-03-01 \
		--township 990101009 2>err &&
	test_grep "township 990101009 has no registered village" err &&
	test_expect_code 3 stele-aggregator -C county task issue 修路 --due 2026-03-01 \
		--village 990101001209 2>err &&
	test_grep "village .990101001209. is not registered" err &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM issued_task")" = 0
'

test_expect_success 'the county issues a task to one township, published with the rules' '
	stele-aggregator -C county task issue 人居环境整治 --due 2026-03-31 --category 乡村建设 \
		--township 990101001 >id &&
	echo J0001 >want && test_cmp want id &&
	test "$(sqlite3 county/stele.db "SELECT group_concat(village_code) FROM
		(SELECT village_code FROM issued_task_village ORDER BY 1)")" = "$A,$B,$C" &&
	stele-aggregator -C county rules publish 2>/dev/null &&
	git --git-dir=pub/county.git log -1 --format=%s main >log &&
	test_grep "issued task J0001 added" log
'

test_expect_success 'its villages see it after a sync, marked 上级交办; the others do not' '
	for v in $A $B $C $D; do
		stele-agent -C $v sync 2>/dev/null || exit 1
	done &&
	stele-agent -C $A task add 修水渠 --due 2026-03-15 >/dev/null &&
	stele-agent -C $A task list --format csv >list &&
	printf "%s\n" "id,title,category,assignee,due_on,closed_on,origin" \
		"J0001,人居环境整治,乡村建设,,2026-03-31,,county" \
		"T0001,修水渠,,,2026-03-15,,village" >want &&
	test_cmp want list &&
	LC_ALL=C.UTF-8 LANGUAGE=zh_CN stele-agent -C $A task list >table &&
	test_grep "J0001.*上级交办" table &&
	test_grep "T0001.*本村" table &&
	stele-agent -C $D task list --format csv >list &&
	test_line_count 1 list
'

test_expect_success 'the clerk closes it out as the village'"'"'s own, once' '
	stele-agent -C $A task close J0001 --date 2026-03-20 &&
	stele-agent -C $B task close J0001 --date 2026-04-02 &&
	stele-agent -C $A task list --open --format csv >list &&
	! grep J0001 list &&
	test_refused $A "issued task .J0001. is already closed (on 2026-03-20)" \
		stele-agent -C $A task close J0001 --date 2026-03-21 &&
	test_refused $D "task .J0001. does not exist in village $D" \
		stele-agent -C $D task close J0001 &&
	stele-agent -C $A log -n 1 --format csv >log &&
	test_grep "issued task J0001 closed" log
'

test_expect_success 'a closing may not fall in a closed month' '
	stele-agent -C $C close 2026-04 2>/dev/null &&
	test_refused $C "month 2026-04 is closed" \
		stele-agent -C $C task close J0001 --date 2026-04-10 &&
	stele-agent -C $C sync 2>/dev/null
'

test_expect_success 'task progress: 1 on time, 1 late, the rest open' '
	for v in $A $B; do stele-agent -C $v sync 2>/dev/null || exit 1; done &&
	# D has written nothing yet, so it has no repository to fetch.
	test_expect_code 1 stele-aggregator -C county sync 2>err &&
	test_grep "1 of 4 villages could not be fetched" err &&
	stele-aggregator -C county task progress --format csv >progress &&
	printf "%s\n" "id,title,category,issued_on,due_on,villages,on_time,late,open" \
		"J0001,人居环境整治,乡村建设,$(date +%Y-%m-%d),2026-03-31,3,1,1,1" >want &&
	test_cmp want progress &&
	stele-aggregator -C county task progress J0001 --format csv >one &&
	printf "%s\n" "village_code,village_name,township_code,due_on,closed_on,result,days_late" \
		"$A,村$A,990101001,2026-03-31,2026-03-20,on_time," \
		"$B,村$B,990101001,2026-03-31,2026-04-02,late,2" \
		"$C,村$C,990101001,2026-03-31,,open," >want &&
	test_cmp want one &&
	stele-aggregator -C county task progress J0001 --format json >one.json &&
	test_grep "\"days_late\": 2}" one.json &&
	test_expect_code 3 stele-aggregator -C county task progress J0009 2>err &&
	test_grep "issued task .J0009. does not exist" err
'

test_expect_success 'task overdue: the supervision list, most days overdue first' '
	stele-aggregator -C county task issue 安全生产检查 --due 2026-04-10 --village $C \
		--village $D >/dev/null &&
	stele-aggregator -C county task overdue --date 2026-04-20 --format csv >overdue &&
	# J0001 due 03-31: C is 20 days over; J0002 due 04-10: C and D 10 days.
	printf "%s\n" "days_overdue,task_id,title,due_on,village_code,village_name,township_code,township_name" \
		"20,J0001,人居环境整治,2026-03-31,$C,村$C,990101001,东关镇" \
		"10,J0002,安全生产检查,2026-04-10,$C,村$C,990101001,东关镇" \
		"10,J0002,安全生产检查,2026-04-10,$D,村$D,990101002,西街镇" >want &&
	test_cmp want overdue &&
	stele-aggregator -C county task overdue --date 2026-03-31 --format csv >none &&
	test_line_count 1 none
'

test_expect_success 'issued tasks count in task_rate like the village'"'"'s own' '
	# March 2026: A has T0001 (due 03-15, open) and J0001 (closed on time): 1/2;
	# B and C have J0001 only, due in March, closed late or open: 0/1 (a task
	# issued to a village starts it, as its own would); D has no task in March.
	stele-aggregator -C county rank villages --month 2026-03 --format csv >league &&
	test "$(grep ",$A," league | cut -d, -f6,14)" = 0.5000,ok &&
	test "$(grep ",$B," league | cut -d, -f6,14)" = 0.0000,ok &&
	test "$(grep ",$C," league | cut -d, -f6,14)" = 0.0000,ok &&
	test "$(grep ",$D," league | cut -d, -f6,14)" = ,unsynced &&
	# April: B and C still have J0001 in play (B closed it in April, late; C open).
	stele-aggregator -C county rank villages --month 2026-04 --format csv >league &&
	test "$(grep ",$B," league | cut -d, -f6)" = 0.0000 &&
	test "$(grep ",$A," league | cut -d, -f6)" = 0.0000
'

test_done
