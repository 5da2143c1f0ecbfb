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
