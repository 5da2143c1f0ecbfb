#!/bin/sh
test_description='stele-agent sync when the county server is down, stalls, or comes back'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

server_need lighttpd lighttpd-mod-openssl apache2-utils openssl git ||
	server_skip_all "lighttpd, lighttpd-mod-openssl or apache2-utils not available"
V=990101001201
http_server_start $V || server_skip_all "lighttpd did not start"
stall_server_start || server_skip_all "could not start the stalling server"
HOME=$TRASH/home
export HOME
mkdir -p "$HOME"

new_village v $V
printf '%s %s %s\n' "http://127.0.0.1:$HTTP_PORT/" $V "$PASS_990101001201" >v/credentials
chmod 600 v/credentials
stele-agent -C v member add 张三 >/dev/null 2>&1

server_seq() {
	stream_seq "$HTTP_ROOT/$V.git" refs/heads/main 2>/dev/null | grep . || echo none
}
outbox() {
	sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox"
}

test_expect_success 'a first sync reaches the server' '
	stele-agent -C v remote set "$HTTP_URL/$V.git" 2>/dev/null &&
	stele-agent -C v sync 2>err &&
	test "$(server_seq)" = 1
'

http_server_stop
test_expect_success 'server down: exit 1 naming the remote, the change sets are kept' '
	stele-agent -C v member add 李四 &&
	stele-agent -C v member add 王五 &&
	test_expect_code 1 stele-agent -C v sync 2>err &&
	test_grep "$HTTP_URL/$V.git" err &&
	grep -qi "refused" err &&
	test_grep "kept for the next sync" err &&
	test "$(outbox)" = 3 &&
	test "$(stream_seq v/repo.git)" = 3
'

test_expect_success 'writes go on while the server is down' '
	stele-agent -C v member add 赵六 &&
	test_expect_code 1 stele-agent -C v sync 2>err &&
	test "$(outbox)" = 4
'

http_server_restart || { echo "Bail out! lighttpd did not come back"; exit 1; }
test_expect_success 'the server is back: the next sync pushes everything, once' '
	stele-agent -C v sync 2>err &&
	test "$(server_seq)" = 4 &&
	git -C "$HTTP_ROOT/$V.git" log --format=%B refs/heads/main | grep -E "^seq [0-9]+: " >log &&
	test_line_count 4 log &&
	test "$(sort log | uniq -d | wc -l)" = 0 &&
	stele-agent -C v sync 2>err &&
	test_grep "is up to date (seq 4)" err
'

test_expect_success 'a stalled HTTP server: --timeout ends the sync, nothing lost' '
	stele-agent -C v member add 孙七 &&
	test_expect_code 1 timeout 60 stele-agent -C v sync --timeout 2s \
		--remote "http://127.0.0.1:$STALL_PORT/git/$V.git" 2>err &&
	test_grep "sync timed out after 2s" err &&
	test "$(outbox)" = 5 &&
	stele-agent -C v sync --remote "$HTTP_URL/$V.git" 2>err &&
	test "$(server_seq)" = 5
'

test_expect_success 'a stalled SSH server: --timeout ends the sync too' '
	stele-agent -C v member add 周八 &&
	test_expect_code 1 timeout 60 stele-agent -C v sync --timeout 2s \
		--remote "ssh://git@127.0.0.1:$STALL_PORT/$V" 2>err &&
	test_grep "sync timed out after 2s" err &&
	stele-agent -C v sync --remote "$HTTP_URL/$V.git" 2>err &&
	test "$(server_seq)" = 6
'

test_expect_success 'nothing in the output or the directory holds the password' '
	! grep -rlaF "$PASS_990101001201" "$TRASH"/err v --exclude=credentials
'

test_done
