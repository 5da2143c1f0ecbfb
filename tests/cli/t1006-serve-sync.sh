#!/bin/sh
test_description='stele-agent serve: a sync runs in the background, the pages go on'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-serve.sh"
. "$TEST_DIRECTORY/lib-server.sh"

server_need perl || server_skip_all "perl is not available"
# Two stalling servers: the first goes away in the middle of a sync, the
# second stalls while the workbench is stopped.
stall_server_start || server_skip_all "could not start the stalling server"
STALL1=$STALL_PORT STALL1_PID=$stall_PID
stall_server_start || server_skip_all "could not start the stalling server"
STALL2=$STALL_PORT
V=990101001201

# The syncs the workbench runs: its children.
sync_children() {
	serve_env
	pgrep -P "$SERVE_PID" >pids || :
	wc -l <pids
}

# sync_wait: polls the sync page (at most 10 s) until the sync has ended.
sync_wait() {
	n=0
	while [ $n -lt 100 ]; do
		web_get /sync >/dev/null && ! grep -q "notice running" page && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

test_expect_success 'setup: a village whose sync address stalls (accepts, never answers)' '
	new_village v $V 正营村 &&
	stele-agent -C v member add 王建国 >/dev/null &&
	stele-agent -C v remote set "http://127.0.0.1:$STALL1/git/$V.git" 2>/dev/null &&
	test_expect_code 1 stele-agent -C v sync --timeout 1s 2>err &&
	test_grep "sync timed out" err &&
	serve_start v
'

test_expect_success 'sync now: answered at once, sent to the page that follows it' '
	code=$(web_form /sync to=saved) &&
	test_status 303 "$code" &&
	tr -d "\r" <head | test_grep "^Location: /sync$" -
'

test_expect_success 'while it runs: the sync page says so, refreshes itself, offers no second sync' '
	code=$(web_get /sync) && test_status 200 "$code" &&
	test_grep "class=\"notice running\"" page &&
	test_grep "Syncing to the sync address, started at" page &&
	test_grep "<meta http-equiv=\"refresh\" content=\"2\">" page &&
	! grep -q "name=\"to\" value=\"saved\"" page &&
	code=$(web_form /sync to=saved) && test_status 303 "$code" &&
	test "$(sync_children)" = 1
'

test_expect_success 'while it runs: every other page is served' '
	for p in / /members /points /points/rank /points/notice /tasks /log /data; do
		code=$(web_get $p) && test_status 200 "$code" || return 1
	done &&
	web_get /members >/dev/null && test_grep "王建国" page &&
	web_get /sync >/dev/null && test_grep "class=\"notice running\"" page
'

test_expect_success 'a write while it runs: the form comes back filled in, saying why; nothing written' '
	db_dump v >before &&
	code=$(web_form /members/save name=孙八 gender=F born=1970 grid=二组) &&
	test_status 503 "$code" &&
	test_grep "not saved yet: the sync started at [0-9:]* is still using the village&#39;s records" page &&
	test_grep "name=\"name\" value=\"孙八\"" page &&
	test_grep "name=\"born\" value=\"1970\"" page &&
	test_grep "name=\"grid\" value=\"二组\"" page &&
	test_grep "<option value=\"F\" selected>" page &&
	code=$(web_form /tasks/add title=修桥 due=2026-12-20 category=民生) &&
	test_status 503 "$code" &&
	test_grep "name=\"title\" value=\"修桥\"" page &&
	test_grep "name=\"due\" value=\"2026-12-20\"" page &&
	test_grep "<h2>The ledger: overdue first</h2>" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'an import sent while it runs keeps the file: one click sends it again' '
	printf "name,gender\n周九,M\n" >members.csv &&
	code=$(web_upload /import file members.csv -F kind=members) &&
	test_status 503 "$code" &&
	test_grep "not saved yet: the sync started at" page &&
	test_grep "<textarea name=\"file64\" hidden>$(base64 -w0 members.csv)</textarea>" page &&
	test_grep "name=\"kind\" value=\"members\"" page &&
	! grep -q "name=\"commit\"" page &&
	test "$(sqlite3 v/stele.db "SELECT count(*) FROM member")" = 1
'

test_expect_success 'the server goes away: the page gives the result, nothing is lost' '
	server_stop "$STALL1_PID" &&
	sync_wait &&
	test_grep "class=\"notice refused\"" page &&
	test_grep "Not synced. Nothing is lost" page &&
	test_grep "127.0.0.1:$STALL1" page &&
	{ test "$(sync_children)" = 0 || { ps -o pid,stat,args --ppid "$SERVE_PID" >&2; false; }; } &&
	! grep -q "http-equiv=\"refresh\"" page &&
	test_grep "name=\"to\" value=\"saved\"" page &&
	test "$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox")" = 1
'

test_expect_success 'the form sent again once the sync has ended: saved' '
	code=$(web_form /members/save name=孙八 gender=F born=1970 grid=二组) &&
	test_status 303 "$code" &&
	stele-agent -C v member list --format csv >list &&
	test_grep "^M0002,孙八,F,1970,.*二组" list
'

test_expect_success 'in Chinese, the sync speaks Chinese too (test-lib runs LC_ALL=C)' '
	serve_env &&
	curl -s -b jar -c jar -o /dev/null "$SERVE_BASE/lang?to=zh" &&
	code=$(web_form /sync to=saved) && test_status 303 "$code" &&
	sync_wait &&
	test_grep "<html lang=\"zh-CN\">" page &&
	test_grep "所有内容都已保存，下次同步时再推送" page &&
	! grep -q "kept for the next sync" page &&
	curl -s -b jar -c jar -o /dev/null "$SERVE_BASE/lang?to=en"
'

test_expect_success 'stopping the workbench stops a sync it started' '
	test_expect_code 1 stele-agent -C v sync --timeout 1s \
		--remote "http://127.0.0.1:$STALL2/git/$V.git" 2>/dev/null &&
	code=$(web_form /sync to=saved) && test_status 303 "$code" &&
	test "$(sync_children)" = 1 &&
	serve_stop &&
	test "$SERVE_RC" = 0 &&
	! kill -0 "$(cat pids)" 2>/dev/null
'

test_done
