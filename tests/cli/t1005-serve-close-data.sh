#!/bin/sh
test_description='stele-agent serve: month end (月结), the ledger of changes (记录), import and export (导入/导出)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-serve.sh"

test_expect_success 'setup' '
	new_village v 990101001201 正营村 &&
	stele-agent -C v member add 王建国 >/dev/null &&
	stele-agent -C v points add M0001 B01 --date 2026-09-03 >/dev/null &&
	stele-agent -C v points add M0001 B02 --date 2026-10-03 >/dev/null &&
	serve_start v
'

test_expect_success 'month end lists the open months with what is still under review' '
	code=$(web_get /close) && test_status 200 "$code" &&
	test_grep "<tr class=\"late\"><td>2026-09</td><td class=\"num\">1</td>" page &&
	test_grep "<tr class=\"late\"><td>2026-10</td><td class=\"num\">1</td>" page
'

test_expect_success 'closing asks for confirmation first, naming what is under review; nothing written' '
	db_dump v >before &&
	code=$(web_form /close month=2026-10) && test_status 200 "$code" &&
	test_grep "2 point events are still under review" page &&
	test_grep "name=\"confirm\" value=\"1\"" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'confirmed: close closes the month and the earlier open one, as the CLI does' '
	code=$(web_form /close month=2026-10 confirm=1) && test_status 303 "$code" &&
	sqlite3 v/stele.db "SELECT period FROM period_close ORDER BY period" >closed &&
	printf "2026-09\n2026-10\n" >expect && test_cmp expect closed &&
	test_refused v "month 2026-10 is closed" stele-agent -C v points add M0001 B01 --date 2026-10-05
'

test_expect_success 'closing again, or a month not begun: the engine refusal, nothing written' '
	db_dump v >before &&
	code=$(web_form /close month=2026-10 confirm=1) && test_status 422 "$code" &&
	test_grep "month 2026-10 is already closed" page &&
	code=$(web_form /close month=2999-01 confirm=1) && test_status 422 "$code" &&
	test_grep "month 2999-01 has not begun yet" page &&
	code=$(web_form /close month=2026-1 confirm=1) && test_status 422 "$code" &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'the ledger of changes: every change set, newest first, waiting for sync' '
	code=$(web_get /log) && test_status 200 "$code" &&
	grep -o "<tr><td class=\"num\">[0-9]*</td>" page | sed "s/[^0-9]//g" >seqs &&
	printf "4\n3\n2\n1\n" >expect && test_cmp expect seqs &&
	test_grep "2 months closed" page &&
	test_grep "member M0001 added" page
'

test_expect_success 'export: an Excel-friendly CSV (BOM), the columns import reads, as an attachment' '
	code=$(web_get "/export?kind=members") && test_status 200 "$code" &&
	tr -d "\r" <head >h &&
	test_grep "^Content-Type: text/csv; charset=utf-8$" h &&
	test_grep "^Content-Disposition: attachment; filename=\"members-990101001201-" h &&
	stele-agent -C v export members --bom >expect &&
	test_cmp expect page &&
	code=$(web_get "/export?kind=nothing") && test_status 404 "$code"
'

test_expect_success 'import preview: every refused row and why; nothing written' '
	cat >m.csv <<-\EOF &&
	id,name,gender,born,joined,status,grid
	,李四,X,1970,,,
	,赵六,F,1980,,,
	,孙七,F,19x0,,,
	EOF
	db_dump v >before &&
	code=$(web_upload /import file m.csv -F kind=members) && test_status 422 "$code" &&
	test_grep "<li>m.csv:2:3: member &#39;M0002&#39;: gender &#39;X&#39; is not M, F or empty" page &&
	test_grep "<li>m.csv:4:4: member &#39;M0004&#39;: born &#39;19x0&#39; is not a year" page &&
	test_grep "2 of 3 rows refused" page &&
	! grep -q "name=\"commit\"" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'a malformed file: its own message, nothing written' '
	printf "id,name\n,x\n" >bad.csv &&
	db_dump v >before &&
	code=$(web_upload /import file bad.csv -F kind=members) && test_status 422 "$code" &&
	test_grep "bad.csv" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'an accepted file: the preview writes nothing; commit imports all in one change set' '
	cat >ok.csv <<-\EOF &&
	id,name,gender,born,joined,status,grid
	,李四,M,1970,,,二组
	,赵六,F,1980,,,
	EOF
	db_dump v >before &&
	code=$(web_upload /import file ok.csv -F kind=members) && test_status 200 "$code" &&
	test_grep "2 rows are ready to import" page &&
	db_dump v >after && test_cmp before after &&
	n=$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox") &&
	serve_env &&
	code=$(curl -s -b jar -D head -o page -w "%{http_code}" -F "csrf=$SERVE_CSRF" -F kind=members \
		-F commit=1 -F name=ok.csv -F "csv=<ok.csv" "$SERVE_BASE/import") &&
	test_status 303 "$code" &&
	test $(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox") = $((n + 1)) &&
	stele-agent -C v member list --format csv >list &&
	test_grep "^M0002,李四,M,1970,,active,二组$" list &&
	test_grep "^M0003,赵六,F,1980,,active,$" list
'

test_done
