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

test_expect_success 'confirmed while the directory is busy: the confirmation again, nothing closed' '
	db_dump v >before
	flock v/lock sleep 5 &
	holder=$! &&
	sleep 0.2 &&
	code=$(web_form /close month=2026-10 confirm=1) &&
	wait $holder &&
	test_status 503 "$code" &&
	test_grep "<h1>Close 2026-10?</h1>" page &&
	test_grep "not saved yet: another stele-agent command is using" page &&
	test_grep "name=\"month\" value=\"2026-10\"><input type=\"hidden\" name=\"confirm\" value=\"1\">" page &&
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
	code=$(web_form /close month=2026-1x confirm=1) && test_status 422 "$code" &&
	test_grep "month &#39;2026-1x&#39; is not a month (YYYY-MM)" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'the ledger of changes: every change set, newest first, waiting for sync' '
	code=$(web_get /log) && test_status 200 "$code" &&
	grep -o "<tr><td class=\"num\">[0-9]*</td>" page | sed "s/[^0-9]//g" >seqs &&
	printf "4\n3\n2\n1\n" >expect && test_cmp expect seqs &&
	test_grep "2 months closed" page &&
	test_grep "member M0001 added" page
'

test_expect_success 'after a sync: what went is marked synced, what came after waits' '
	git init -q --bare remote.git &&
	stele-agent -C v sync --remote "$PWD/remote.git" 2>err &&
	stele-agent -C v task add 修水渠 --due 2026-12-31 >/dev/null 2>&1 &&
	code=$(web_get /log) && test_status 200 "$code" &&
	grep -c "<td>synced</td>" page >synced &&
	echo 4 >expect && test_cmp expect synced &&
	test_grep "<tr><td class=\"num\">5</td>.*task T0001 added.*waiting for the next sync" page
'

test_expect_success 'in Chinese the ledger says what changed in Chinese (the stored line stays English)' '
	serve_env &&
	curl -s -o /dev/null -b jar -c jar.zh "$SERVE_BASE/lang?to=zh" &&
	curl -s -b jar.zh -o page "$SERVE_BASE/log" &&
	test_grep "<td>新增任务 T0001</td><td>待下次同步</td>" page &&
	test_grep "<td>月结 2 个月</td><td>已同步</td>" page &&
	test_grep "<td>新增积分事项 E000001</td>" page &&
	sqlite3 v/stele.db "SELECT summary FROM stele_outbox WHERE seq = 5" >stored &&
	echo "task T0001 added" >expect && test_cmp expect stored
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

# preview_refuses FILE LINE ID LINE2 ID2: uploading FILE (three members) shows the
# preview that refuses member ID's gender at LINE and ID2's year of birth at
# LINE2, offers no commit, and writes nothing.
preview_refuses() {
	db_dump v >before &&
	code=$(web_upload /import file "$1" -F kind=members) && test_status 422 "$code" &&
	test_grep "<li>$1:$2:3: member &#39;$3&#39;: gender &#39;X&#39; is not M, F or empty" page &&
	test_grep "<li>$1:$4:4: member &#39;$5&#39;: born &#39;19x0&#39; is not a year" page &&
	test_grep "2 of 3 rows refused" page &&
	! grep -q "name=\"commit\"" page &&
	db_dump v >after && test_cmp before after
}

test_expect_success 'import preview: every refused row and why; nothing written' '
	cat >m.csv <<-\EOF &&
	id,name,gender,born,joined,status,grid
	,李四,X,1970,,,
	,赵六,F,1980,,,
	,孙七,F,19x0,,,
	EOF
	preview_refuses m.csv 2 M0002 4 M0004
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

# An Excel workbook, written by python3 (tests/cli/lib-xlsx.py), not by Stele.
XLSX="python3 $TEST_DIRECTORY/lib-xlsx.py"

test_expect_success 'an Excel workbook: the preview lists every refused row and why; nothing written' '
	printf "id\tname\tgender\tborn\tjoined\tstatus\tgrid\n" >rows.tsv &&
	printf "\t周一\t男\t#n:1971\t\t\t\n" >>rows.tsv &&
	printf "\t吴二\tX\t#n:1972\t\t\t\n" >>rows.tsv &&
	printf "\t郑三\t女\t19x0\t\t\t\n" >>rows.tsv &&
	$XLSX bad.xlsx rows.tsv &&
	preview_refuses bad.xlsx 3 M0005 4 M0006
'

test_expect_success 'a file named .xlsx that is not a workbook: said so, nothing written' '
	cp ok.csv fake.xlsx &&
	db_dump v >before &&
	code=$(web_upload /import file fake.xlsx -F kind=members) && test_status 422 "$code" &&
	test_grep "fake.xlsx is not an Excel workbook" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'an accepted workbook: the preview writes nothing; its commit form imports all at once' '
	printf "id\tname\tgender\tborn\tjoined\tstatus\tgrid\n" >rows.tsv &&
	printf "\t周一\t男\t#n:1971\t#d:46329\t\t三组\n" >>rows.tsv &&
	printf "\t吴二\t女\t#n:1972\t\t\t\n" >>rows.tsv &&
	$XLSX ok.xlsx rows.tsv &&
	db_dump v >before &&
	code=$(web_upload /import file ok.xlsx -F kind=members) && test_status 200 "$code" &&
	test_grep "2 rows are ready to import" page &&
	db_dump v >after && test_cmp before after &&
	sed -n "s|.*<textarea name=\"file64\" hidden>\([^<]*\)</textarea>.*|\1|p" page >file64 &&
	test -s file64 &&
	n=$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox") &&
	serve_env &&
	code=$(curl -s -b jar -D head -o page -w "%{http_code}" -F "csrf=$SERVE_CSRF" -F kind=members \
		-F commit=1 -F name=ok.xlsx -F "file64=<file64" "$SERVE_BASE/import") &&
	test_status 303 "$code" &&
	test $(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox") = $((n + 1)) &&
	stele-agent -C v member list --format csv >list &&
	test_grep "^M0004,周一,M,1971,2026-11-03,active,三组$" list &&
	test_grep "^M0005,吴二,F,1972,,active,$" list
'

FAKETIME_LIB=
for lib in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
	[ -f "$lib" ] && FAKETIME_LIB=$lib && break
done
if [ -n "$FAKETIME_LIB" ]; then
# The workbench of a village whose computer's clock says 2026-12-15: its own
# stele-agent, first on PATH, keeps serve's pid (exec) under libfaketime.
test_expect_success 'this month, not ended: the confirmation says so, and confirmed it closes (the CLI'\''s --force)' '
	serve_stop &&
	new_village now 990101001202 东村 &&
	mkdir faked &&
	printf "#!/bin/sh\nexec env LD_PRELOAD=%s FAKETIME=\"@2026-12-15 08:00:00\" %s \"\$@\"\n" \
		"$FAKETIME_LIB" "$(command -v stele-agent)" >faked/stele-agent &&
	chmod +x faked/stele-agent &&
	PATH=$TRASH/faked:$PATH serve_start now &&
	db_dump now >before &&
	code=$(web_form /close month=2026-12) && test_status 200 "$code" &&
	test_grep "Month 2026-12 has not ended yet (this computer&#39;s clock says 2026-12-15)" page &&
	test_grep "name=\"confirm\" value=\"1\"" page &&
	db_dump now >after && test_cmp before after &&
	code=$(web_form /close month=2026-12 confirm=1) && test_status 303 "$code" &&
	test "$(sqlite3 now/stele.db "SELECT period FROM period_close")" = 2026-12 &&
	code=$(web_form /close month=2026-11) && test_status 200 "$code" &&
	! grep -q "has not ended yet" page
'
else
	test_skip 'this month, not ended, in the workbench' 'libfaketime is not installed (apt-get install faketime)'
fi

test_done
