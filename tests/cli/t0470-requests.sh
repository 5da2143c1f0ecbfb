#!/bin/sh
test_description='requests taken and escalated (群众点单、党员接单、吹哨报到): a clerk names
the member who took a request, escalates it and records the feedback; the county merges
them and lists satisfaction per village, escalations per township with their days to
resolution, and requests open too long; weight.satisfaction counts satisfaction in the
league only when the county sets it'
. "$(dirname "$0")/test-lib.sh"

A=990101001201 C=990101001202   # 东关镇 (990101001)
B=990101002201                  # 西街镇 (990101002)

test_expect_success 'a county with three villages, each with a member' '
	mkdir server &&
	stele-aggregator -C county init --county 990101 --name 参考县 \
		--publish "$TRASH/pub/county.git" 2>/dev/null &&
	for v in $A $B $C; do
		case $v in $B) t=西街镇 ;; *) t=东关镇 ;; esac &&
		stele-agent -C $v init --village $v --name 村$v --remote "$TRASH/server/$v.git" \
			2>/dev/null &&
		stele-agent -C $v member add 张三 >/dev/null 2>&1 &&
		stele-aggregator -C county village add $v --name 村$v --township-name $t \
			--remote "$TRASH/server/$v.git" --key "$(stele-agent -C $v key)" >/dev/null ||
		exit 1
	done &&
	stele-aggregator -C county rules publish 2>/dev/null
'

test_expect_success 'the clerk records who took a request, in the same change set' '
	stele-agent -C $A request add --received 2026-11-01 --handler M0001 >id 2>err &&
	echo R0001 >want && test_cmp want id &&
	test_grep "request R0001 added, request follow-up R0001 added" err &&
	stele-agent -C $A request add --received 2026-11-02 >/dev/null 2>&1 &&
	stele-agent -C $A request set R0002 --handler M0001 2>/dev/null &&
	stele-agent -C $A request add --received 2026-11-03 >/dev/null 2>&1 &&
	stele-agent -C $A request add --received 2026-11-10 >/dev/null 2>&1 &&
	stele-agent -C $A request list --format csv >list &&
	head -n 1 list >header &&
	echo "id,received_on,category,grid,resolved_on,satisfied,handler,escalated_to,escalated_on,feedback" >want &&
	test_cmp want header &&
	test_grep "^R0001,2026-11-01,,,,,M0001,,,$" list &&
	test_grep "^R0003,2026-11-03,,,,,,,,$" list
'

test_expect_success 'a handler who is not a member, or a request that does not exist, is refused' '
	test_refused $A "member .M0009. does not exist in village $A" \
		stele-agent -C $A request set R0003 --handler M0009 &&
	test_refused $A "request .R0099. does not exist" \
		stele-agent -C $A request escalate R0099 --to 县民政局 --date 2026-11-05
'

test_expect_success 'clearing the handler leaves no follow-up row' '
	stele-agent -C $A request set R0003 --handler M0001 2>/dev/null &&
	stele-agent -C $A request set R0003 --handler "" 2>/dev/null &&
	test "$(sqlite3 $A/stele.db "SELECT count(*) FROM request_followup WHERE request_id = '\''R0003'\''")" = 0
'

test_expect_success 'a request deleted, or its change set reverted, takes its follow-up along' '
	stele-agent -C $A request add --received 2026-11-20 --handler M0001 >id 2>/dev/null &&
	stele-agent -C $A request delete "$(cat id)" 2>/dev/null &&
	stele-agent -C $A request add --received 2026-11-21 --handler M0001 >id 2>err &&
	seq=$(sed -n "s/^stele-agent: change set \([0-9]*\):.*/\1/p" err) &&
	stele-agent -C $A revert "$seq" 2>/dev/null &&
	test "$(sqlite3 $A/stele.db "SELECT count(*) FROM request WHERE received_on >= '\''2026-11-20'\''")" = 0 &&
	test "$(sqlite3 $A/stele.db "SELECT count(*) FROM request_followup")" = 2
'

test_expect_success 'escalation (吹哨报到): once, of an open request, dated from its receipt' '
	stele-agent -C $A request escalate R0002 --to 县民政局 --date 2026-11-05 2>/dev/null &&
	stele-agent -C $A request escalate R0004 --to 镇综治中心 --date 2026/11/12 2>/dev/null &&
	test_refused $A "already escalated to 县民政局 on 2026-11-05" \
		stele-agent -C $A request escalate R0002 --to 县住建局 --date 2026-11-06 &&
	test_refused $A "escalated on 2026-10-30, before it was received (2026-11-01)" \
		stele-agent -C $A request escalate R0001 --to 县住建局 --date 2026-10-30 &&
	test_usage $A "request escalate needs --to" \
		stele-agent -C $A request escalate R0001 --date 2026-11-06 &&
	test_usage $A "2026-11-31" \
		stele-agent -C $A request escalate R0001 --to 县住建局 --date 2026-11-31 &&
	test_refused $A "resolved on 2026-11-04, before it was escalated (2026-11-05)" \
		stele-agent -C $A request resolve R0002 --date 2026-11-04
'

test_expect_success 'resolution and feedback (办理反馈)' '
	stele-agent -C $A request resolve R0001 --date 2026-11-05 --satisfied yes 2>/dev/null &&
	stele-agent -C $A request resolve R0002 --date 2026-11-20 2>/dev/null &&
	test_refused $A "R0004. is not resolved yet" \
		stele-agent -C $A request feedback R0004 --note 还没办 &&
	stele-agent -C $A request feedback R0002 --satisfied no --note 拖得太久 2>/dev/null &&
	stele-agent -C $A request resolve R0003 --date 2026-11-04 --satisfied 满意 2>/dev/null &&
	test_refused $A "is resolved (on 2026-11-05): only an open request is escalated" \
		stele-agent -C $A request escalate R0001 --to 县住建局 --date 2026-11-06 &&
	test_usage $A "nothing to record" stele-agent -C $A request feedback R0002 &&
	stele-agent -C $A request list --format csv >list &&
	test_grep "^R0002,2026-11-02,,,2026-11-20,0,M0001,县民政局,2026-11-05,拖得太久$" list &&
	test_grep "^R0004,2026-11-10,,,,,,镇综治中心,2026-11-12,$" list
'

test_expect_success 'a closed month: no escalation dated in it' '
	stele-agent -C $C request add --received 2026-10-01 >/dev/null 2>&1 &&
	stele-agent -C $C close 2026-10 >/dev/null 2>&1 &&
	test_refused $C "month 2026-10 is closed" \
		stele-agent -C $C request escalate R0001 --to 县水利局 --date 2026-10-20 &&
	stele-agent -C $C request add --received 2026-11-01 --handler M0001 >/dev/null 2>&1 &&
	stele-agent -C $C request escalate R0002 --to 县水利局 --date 2026-11-02 2>/dev/null &&
	stele-agent -C $C request resolve R0002 --date 2026-11-08 --satisfied yes 2>/dev/null &&
	stele-agent -C $B request add --received 2026-11-03 >/dev/null 2>&1 &&
	stele-agent -C $B request resolve R0001 --date 2026-11-04 2>/dev/null
'

test_expect_success 'the county merges the follow-ups with its checks' '
	for v in $A $B $C; do
		stele-agent -C $v sync --county "$TRASH/pub/county.git" 2>/dev/null || exit 1
	done &&
	stele-aggregator -C county sync 2>/dev/null &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM stele_quarantine")" = 0 &&
	test "$(sqlite3 county/stele.db "SELECT group_concat(village_code || request_id || handler, '\'' '\'') FROM request_followup WHERE handler IS NOT NULL ORDER BY 1")" = "${A}R0001M0001 ${A}R0002M0001 ${C}R0002M0001"
'

test_expect_success 'requests villages: counts and satisfaction by hand' '
	stele-aggregator -C county requests villages --year 2026 --format csv >villages &&
	cat >want <<-EOF &&
	rank,village_code,village_name,township_code,received,resolved,in_time,taken,escalated,rated,satisfied_count,satisfaction,status
	1,$C,村$C,990101001,2,1,1,1,1,1,1,1.0000,ok
	2,$A,村$A,990101001,4,3,2,2,2,3,2,0.6667,ok
	,$B,村$B,990101002,1,1,1,0,0,0,0,,ok
	EOF
	# 村A: R0001 in 4 days and R0003 in 1 are in time (request.days 7), R0002 took 18;
	# R0001, R0002 taken by M0001; R0002, R0004 escalated; 2 of 3 rated satisfied:
	# 2/3 = 0.6667 (ten-thousandths, half away from zero). 村C: R0002 in 7 days is in time.
	test_cmp want villages &&
	stele-aggregator -C county requests villages --month 2026-10 --format json >oct.json &&
	test_grep "\"village_code\": \"$C\", .*\"received\": 1, \"resolved\": 0, .*\"satisfaction\": null" oct.json
'

test_expect_success 'requests escalations: per township, days to resolution by hand' '
	stele-aggregator -C county requests escalations --year 2026 --format csv >esc &&
	cat >want <<-EOF &&
	township_code,township_name,villages,escalated,resolved,open,avg_days,max_days
	990101001,东关镇,2,3,2,1,10.5,15
	990101002,西街镇,1,0,0,0,,
	EOF
	# 东关镇: A R0002 11-05 -> 11-20 is 15 days, C R0002 11-02 -> 11-08 is 6, A R0004
	# open: (15 + 6) / 2 = 10.5.
	test_cmp want esc
'

test_expect_success 'requests open: past N days on a date, most days first' '
	stele-aggregator -C county requests open --days 7 --date 2026-11-15 --format csv >open &&
	cat >want <<-EOF &&
	days_open,village_code,village_name,township_code,request_id,received_on,category,grid,handler,escalated_to,escalated_on
	45,$C,村$C,990101001,R0001,2026-10-01,,,,,
	13,$A,村$A,990101001,R0002,2026-11-02,,,M0001,县民政局,2026-11-05
	EOF
	# On 11-15 A R0002 (resolved 11-20) was still open, 13 days; A R0004 only 5 days.
	test_cmp want open &&
	stele-aggregator -C county requests open --days 30 --date 2026-11-30 --format csv >open &&
	test_line_count 2 open && test_grep "^60,$C,.*,R0001," open &&
	test_expect_code 2 stele-aggregator -C county requests open --days -1 2>err &&
	test_expect_code 2 stele-aggregator -C county requests villages 2>err &&
	test_grep "needs --year" err
'

test_expect_success 'the report: requests per township in the month, by hand' '
	stele-aggregator -C county report --month 2026-11 --out r.html 2>/dev/null &&
	sed -n "/<section id=\"requests-section\">/,/<\/section>/p" r.html >req.html &&
	# 东关镇 in November: received A 4 + C 1 = 5; in time A 2 + C 1 = 3; rated 3 + 1 = 4,
	# satisfied 2 + 1 = 3: 3/4 = 75.00%; escalated 3 (A R0002, R0004, C R0002), 2
	# resolved, (15 + 6) / 2 = 10.5 days; open on 11-30 past 7 days: A R0004 (20
	# days), C R0001 (60 days).
	test_grep "<td>东关镇</td><td>990101001</td><td class=\"num\">5</td><td class=\"num\">3</td><td class=\"num\">4</td><td class=\"num\">3</td><td class=\"num\">75.00%</td><td class=\"num\">3</td><td class=\"num\">2</td><td class=\"num\">10.5</td><td class=\"num\">2</td>" req.html &&
	test_grep "<td>西街镇</td><td>990101002</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"na\">—</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"na\">—</td><td class=\"num\">0</td>" req.html
'

test_expect_success 'weight.satisfaction: 0 leaves the league as it is; set, it counts' '
	stele-aggregator -C county rank villages --month 2026-11 --format csv >before &&
	# 村A in November: request_rate 2/4 = 5000, participation 0/1 = 0, income_pct 0
	# (nobody has income), no task, no assessment: 25 * 5000 / (25 + 20 + 15) = 2083.
	test_grep "^[0-9]*,$A,.*,20.83,,0.5000,0.0000,0.0000,," before &&
	printf "key,value\nweight.satisfaction,40\n" >config.csv &&
	stele-aggregator -C county rules import config config.csv 2>/dev/null &&
	stele-aggregator -C county rank villages --month 2026-11 --format csv >live &&
	test_cmp before live &&
	stele-aggregator -C county rank villages --month 2026-11 --draft --format csv >draft &&
	# With satisfaction 2/3 = 6667 at weight 40:
	# (25 * 5000 + 40 * 6667) / (60 + 40) = 391680 / 100 = 3916.8 -> 3917.
	test_grep "^[0-9]*,$A,.*,39.17,,0.5000,0.0000,0.0000,," draft &&
	# 村B has no feedback: its composite does not move.
	grep ",$B," before | cut -d, -f5 >b.before && grep ",$B," draft | cut -d, -f5 >b.draft &&
	test_cmp b.before b.draft &&
	printf "key,value\nweight.satisfaction,-1\n" >bad.csv &&
	test_expect_code 3 stele-aggregator -C county rules import config bad.csv 2>err
'

test_done
