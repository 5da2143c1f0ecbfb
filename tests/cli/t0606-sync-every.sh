#!/bin/sh
test_description='stele-agent sync --every (periodic sync), --timeout, and the systemd units'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

V=990101001201
new_village v $V
stele-agent -C v member add 张三 >/dev/null 2>&1

# wait_for CMD...: polls CMD (at most 15 s) until it succeeds.
wait_for() {
	n=0
	until "$@"; do
		n=$((n + 1))
		[ $n -lt 150 ] || return 1
		sleep 0.1
	done
}
# start_loop ARGS...: `stele-agent ARGS` in the background, stderr in loop.err,
# its pid in $loop; whatever a failed case leaves running is killed at exit.
start_loop() {
	stele-agent "$@" 2>loop.err &
	loop=$!
	echo $loop >>"$TRASH/loops"
}
test_at_end 'for p in $(cat "$TRASH/loops" 2>/dev/null); do kill -9 $p 2>/dev/null; done'
# while_busy CMD...: runs CMD again (at most 50 times) while it exits 4 because
# a round of the loop holds the directory, as a clerk would.
while_busy() {
	n=0
	while :; do
		"$@" && return 0
		code=$?
		[ $code = 4 ] && [ $n -lt 50 ] || return $code
		n=$((n + 1))
		sleep 0.1
	done
}
# lines_at_least N PATTERN FILE
lines_at_least() {
	test "$(grep -c -e "$2" "$3")" -ge "$1"
}
remote_has_seq() {
	git -C remote.git log --format=%s refs/heads/main 2>/dev/null | grep -q "^seq $1:"
}

test_expect_success 'bad durations are usage errors' '
	test_expect_code 2 stele-agent -C v sync --every 0s 2>err &&
	test_grep "every: .0s. is not a duration" err &&
	test_expect_code 2 stele-agent -C v sync --every=1w 2>err &&
	test_expect_code 2 stele-agent -C v sync --every 8d 2>err &&
	test_expect_code 2 stele-agent -C v sync --timeout abc 2>err &&
	test_grep "timeout: .abc. is not a duration" err &&
	test_expect_code 2 stele-agent -C v sync --every 2>err &&
	test_grep "needs a value" err
'

test_expect_success 'sync --help shows --every and --timeout' '
	stele-agent -C v sync --help >out &&
	test_grep "every DURATION" out && test_grep "timeout DURATION" out
'

test_expect_success '--every outside a village directory fails at once' '
	mkdir empty &&
	test_expect_code 1 stele-agent -C empty sync --every 1s --remote x 2>err &&
	test_grep "is not a Stele directory" err
'

test_expect_success 'the loop syncs, leaves the directory free between rounds, stops on SIGTERM' '
	start_loop -C v sync --every 1s --remote "$TRASH/remote.git" &&
	wait_for remote_has_seq 1 &&
	while_busy stele-agent -C v member add 李四 2>/dev/null &&
	wait_for remote_has_seq 2 &&
	kill -TERM $loop &&
	wait $loop &&
	test_grep "periodic sync stopped by SIGTERM" loop.err &&
	stele-agent -C v member list >members && test_grep 李四 members
'

test_expect_success 'a round that finds the directory busy is skipped' '
	( exec 9>v/lock && flock -n 9 && echo 4242 >&9 && sleep 3 ) &
	holder=$! &&
	sleep 0.3 &&
	start_loop -C v sync --every 1s &&
	wait_for grep -q "skipped this sync: the directory is busy" loop.err &&
	wait $holder &&
	while_busy stele-agent -C v member add 王五 2>/dev/null &&
	wait_for remote_has_seq 3 &&
	kill -INT $loop && wait $loop &&
	test_grep "stopped by SIGINT" loop.err
'

test_expect_success 'failures back off and keep everything; the next good round pushes' '
	port=$(dead_port) &&
	stele-agent -C v member add 赵六 &&
	start_loop -C v sync --every 1s --remote "http://127.0.0.1:$port/git/$V.git" &&
	wait_for lines_at_least 2 "sync failed.*retrying in 1s" loop.err &&
	kill -TERM $loop && wait $loop &&
	test_grep "cannot reach remote http://127.0.0.1:$port/git/$V.git" loop.err &&
	! remote_has_seq 4 &&
	stele-agent -C v sync --remote "$TRASH/remote.git" 2>err &&
	remote_has_seq 4
'

test_expect_success 'a round that cannot succeed (usage error) ends the loop with its code' '
	test_expect_code 2 stele-agent -C v sync --every 1s --no-such-option 2>err &&
	test_grep "unknown option" err &&
	test_grep "periodic sync stopped" err
'

stall_server_start || server_skip_all "could not start the stalling server"

test_expect_success '--timeout ends a sync the server never answers, keeping everything' '
	stele-agent -C v member add 孙七 &&
	test_expect_code 1 timeout 30 stele-agent -C v sync --timeout 2s \
		--remote "http://127.0.0.1:$STALL_PORT/git/$V.git" 2>err &&
	test_grep "sync timed out after 2s" err &&
	stele-agent -C v sync --remote "$TRASH/remote.git" 2>err &&
	remote_has_seq 5
'

test_expect_success '--every with --timeout retries a stalled server until stopped' '
	start_loop -C v sync --every 1s --timeout 1s \
		--remote "http://127.0.0.1:$STALL_PORT/git/$V.git" &&
	wait_for lines_at_least 2 "sync timed out after 1s" loop.err &&
	kill -TERM $loop && wait $loop &&
	test_grep "stopped by SIGTERM" loop.err
'

unit_dir=$SRC_ROOT/contrib/systemd
test_expect_success 'the systemd service runs a sync that works' '
	test_grep "^ExecStart=@BINDIR@/stele-agent sync" "$unit_dir/stele-sync.service" &&
	cmd=$(sed -n "s|^ExecStart=@BINDIR@/stele-agent ||p" "$unit_dir/stele-sync.service") &&
	stele-agent -C v member add 周八 &&
	STELE_DIR=$TRASH/v stele-agent $cmd --remote "$TRASH/remote.git" 2>err &&
	remote_has_seq 6
'

# The systemd units (stele-sync.timer runs this sync): t0952-systemd.sh.

test_done
