#!/bin/sh
test_description='stele-agent serve: tasks (台账), requests (诉求), income (集体收入), self-assessment (自评)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-serve.sh"

# Two tasks the county issues to the village (上级交办), arriving with a sync:
# J0001 overdue by ten days, J0002 due in twenty.
test_expect_success 'setup: a village with a task of its own and two issued from above' '
	git init -q --bare server.git &&
	stele-agent -C v init --village 990101001201 --name 正营村 --remote "$TRASH/server.git" \
		>/dev/null 2>&1 &&
	stele-aggregator -C county init --county 990101 --name 示例县 \
		--publish "$TRASH/pub/county.git" >/dev/null 2>&1 &&
	stele-aggregator -C county village add 990101001201 --name 正营村 --township-name 东关镇 \
		--remote "$TRASH/server.git" --key "$(stele-agent -C v key)" >/dev/null &&
	stele-aggregator -C county task issue 人居环境整治 --category 乡村建设 \
		--due "$(date -d "-10 days" +%Y-%m-%d)" --village 990101001201 >/dev/null &&
	stele-aggregator -C county task issue 秋冬季防火 \
		--due "$(date -d "+20 days" +%Y-%m-%d)" --village 990101001201 >/dev/null &&
	stele-aggregator -C county rules publish 2>/dev/null &&
	stele-agent -C v sync --county "$TRASH/pub/county.git" 2>/dev/null &&
	stele-agent -C v member add 王建国 >/dev/null &&
	stele-agent -C v task add 修水渠 --due "$(date -d "+30 days" +%Y-%m-%d)" >/dev/null &&
	serve_start v
'

test_expect_success 'adding a task: task_put, with its assignee picked by name' '
	due=$(date -d yesterday +%Y-%m-%d) &&
	code=$(web_form /tasks/add title=走访困难户 due=$due category=民生 assignee=M0001) &&
	test_status 303 "$code" &&
	stele-agent -C v task list --format csv >list &&
	test_grep "^T0002,走访困难户,民生,M0001,$due,,village$" list
'

test_expect_success 'the ledger: overdue first (most days first), issued tasks in it, marked' '
	code=$(web_get /tasks) && test_status 200 "$code" &&
	grep -o "<tr class=\"[a-z ]*\"><td>[TJ]000[0-9]" page >rows &&
	printf "%s\n" "<tr class=\"late issued\"><td>J0001" "<tr class=\"late\"><td>T0002" \
		"<tr class=\"issued\"><td>J0002" "<tr class=\"\"><td>T0001" >expect &&
	test_cmp expect rows &&
	test_grep "<td>人居环境整治 <span class=\"tag\">issued from above</span></td><td>乡村建设</td>" page &&
	! grep -q "修水渠 <span" page &&
	test_grep "tasks: 4" page &&
	code=$(web_get /) && test_grep "T0002 走访困难户" page && test_grep "J0001 人居环境整治" page
'

test_expect_success 'in Chinese the issued tasks are marked 上级交办' '
	serve_env &&
	curl -s -o /dev/null -b jar -c jar.zh "$SERVE_BASE/lang?to=zh" &&
	curl -s -b jar.zh -o page "$SERVE_BASE/tasks" &&
	test_grep "人居环境整治 <span class=\"tag\">上级交办</span>" page
'

test_expect_success 'an issued task is closed out from the page as the village closes its own' '
	today=$(date +%Y-%m-%d) &&
	code=$(web_form /tasks/close id=J0001 date=$today) && test_status 303 "$code" &&
	tr -d "\r" <head | test_grep "^Location: /tasks?saved=J0001$" - &&
	stele-agent -C v task list --format csv >list &&
	test_grep "^J0001,人居环境整治,乡村建设,,.*,$today,county$" list &&
	code=$(web_get /tasks) &&
	grep -o "<tr class=\"[a-z ]*\"><td>J0001.*" page >row &&
	test_grep "<td>$today</td></tr>" row && ! grep -q "late" row &&
	db_dump v >before &&
	code=$(web_form /tasks/close id=J0001 date=$today) && test_status 422 "$code" &&
	test_grep "issued task &#39;J0001&#39; is already closed" page &&
	db_dump v >after && test_cmp before after &&
	test "$(sqlite3 v/stele.db "SELECT count(*) FROM issued_task_close")" = 1
'

test_expect_success 'a task refusal beside its field, nothing written' '
	db_dump v >before &&
	code=$(web_form /tasks/add title= due=2026-11-20) && test_status 422 "$code" &&
	test_grep "id=\"e-title\">task &#39;T0003&#39;: title is empty" page &&
	code=$(web_form /tasks/add title=某事 due=2026-13-01) && test_status 422 "$code" &&
	test_grep "id=\"e-due\">" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'closing a task out (销号); closing it again is refused in its row' '
	today=$(date +%Y-%m-%d) &&
	code=$(web_form /tasks/close id=T0002 date=$today) && test_status 303 "$code" &&
	stele-agent -C v task list --format csv >list &&
	test_grep "^T0002,走访困难户,民生,M0001,.*,$today,village$" list &&
	db_dump v >before &&
	code=$(web_form /tasks/close id=T0002 date=$today) && test_status 422 "$code" &&
	test_grep "T0002" page && test_grep "notice refused" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'requests: record, resolve with satisfaction, refusals' '
	code=$(web_form /requests/add received=2026-11-01 category=道路 grid=一组) && test_status 303 "$code" &&
	code=$(web_form /requests/resolve id=R0001 date=2026-11-05 satisfied=1) && test_status 303 "$code" &&
	stele-agent -C v request list --format csv >list &&
	test_grep "^R0001,2026-11-01,道路,一组,2026-11-05,1,,,,$" list &&
	db_dump v >before &&
	code=$(web_form /requests/resolve id=R0001 date=2026-11-06 satisfied=0) && test_status 422 "$code" &&
	code=$(web_form /requests/add received=2026-02-30) && test_status 422 "$code" &&
	test_grep "id=\"e-received\">" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'an open request past the deadline shows on the home page' '
	code=$(web_form /requests/add received=$(date -d "-30 days" +%Y-%m-%d) category=低保) &&
	test_status 303 "$code" &&
	code=$(web_get /) && test_status 200 "$code" &&
	test_grep "R0002 低保" page
'

test_expect_success 'income: recorded in yuan, stored in fen, refusals beside the field' '
	code=$(web_form /income/add period=2026-11 amount=12345.60 source=租金) && test_status 303 "$code" &&
	stele-agent -C v income list --format csv >list &&
	test_grep "^I0001,2026-11,12345.60,租金$" list &&
	db_dump v >before &&
	code=$(web_form /income/add period=2026-11 amount=abc source=其他) && test_status 422 "$code" &&
	test_grep "id=\"e-amount\">income &#39;I0002&#39;: amount &#39;abc&#39;" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'income: this year to date beside the same months last year, sources, the weak line' '
	y=$(date +%Y) && m=$(date +%m) &&
	stele-agent -C v income delete I0001 >/dev/null &&
	stele-agent -C v income add $y-$m 1000.00 --source 租金 >/dev/null &&
	stele-agent -C v income add $y-$m 500.00 --source 集体林场 >/dev/null &&
	stele-agent -C v income add $((y - 1))-$m 1200.00 --source 租金 >/dev/null &&
	code=$(web_get /income) && test_status 200 "$code" &&
	# 1500.00 against 1200.00: (1500 - 1200) / 1200 = 25.00 %.
	test_grep "<div class=\"big\">1500.00</div>" page &&
	test_grep "<div class=\"big\">1200.00</div><div class=\"muted\">Growth: 25.00%" page &&
	test_grep "<div class=\"card\"><h2>Sources of income</h2><div class=\"big\">2</div>" page &&
	! grep -q "Weak collective economy" page &&
	printf "key,value\nincome.weak_yuan,2000\n" >config.csv &&
	stele-aggregator -C county rules import config config.csv 2>/dev/null &&
	stele-aggregator -C county rules publish 2>/dev/null &&
	stele-agent -C v sync --county "$TRASH/pub/county.git" 2>/dev/null &&
	code=$(web_get /income) && test_status 200 "$code" &&
	test_grep "<div class=\"card warn\"><h2>Weak collective economy (薄弱村)</h2><div>Below the county.s threshold of 2000 yuan" page &&
	# Without the forest farm: one source, and 1000.00 against 1200.00 is -16.67 %.
	stele-agent -C v income delete I0002 >/dev/null &&
	code=$(web_get /income) && test_status 200 "$code" &&
	test_grep "Growth: -16.67%" page &&
	test_grep "<div class=\"card warn\"><h2>Sources of income</h2><div class=\"big\">1</div><div class=\"muted\">Single source" page &&
	serve_env &&
	curl -s -o /dev/null -b jar -c jar.zh "$SERVE_BASE/lang?to=zh" &&
	curl -s -b jar.zh -o page "$SERVE_BASE/income" &&
	test_grep "<h2>本年累计（元）</h2><div class=\"big\">1000.00</div>" page &&
	test_grep "本年累计低于县定标准 2000 元" page
'

test_expect_success 'self-assessment: scores of every item in one change set, the running total, the stars' '
	code=$(web_form /assess/save year=2026 score_S1=18 note_S1=好 score_S2=15 score_S3=) &&
	test_status 303 "$code" &&
	stele-agent -C v assess list --year 2026 --format csv >list &&
	test_grep "^2026,S1,.*,18.0," list &&
	test_grep "^2026,S2,.*,15.0," list &&
	! grep -q "^2026,S3," list &&
	code=$(web_get "/assess?year=2026") && test_status 200 "$code" &&
	test_grep "33.0 / 100.0" page &&
	test_grep "1 star" page &&
	test_grep "has not approved" page
'

test_expect_success 'an item score over its maximum: refused beside it, nothing written' '
	db_dump v >before &&
	code=$(web_form /assess/save year=2026 score_S1=19 score_S2=99) && test_status 422 "$code" &&
	test_grep "<span class=\"error\">assessment 2026 S2: score 99 is not between 0 and the item" page &&
	db_dump v >after && test_cmp before after
'

test_done
