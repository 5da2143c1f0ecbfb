#!/bin/sh
test_description='a forked stream: two laptops with the village key each write their own
seq N, one syncs to the server, one to a USB stick; in any order of deliveries the county
holds the village saying so, keeps both branches, and no later delivery clears it'
. "$(dirname "$0")/test-lib.sh"

V=990101001201

# setup DIR: a county that merged seqs 1..2 of laptop a, from the server
# server.git; laptop b restored from it with the village key; then a writes and
# syncs seq 3 (member M0003) to the server and b writes seqs 3..5 (task T0001,
# its own member M0003, a point event of it) to the stick stick/V.git.
setup() {
	mkdir "$1" && cd "$1" &&
	stele-aggregator -C county init --county 990101 --name 县 2>/dev/null &&
	new_village a $V 村 &&
	stele-agent -C a member add 甲 >/dev/null &&
	stele-agent -C a member add 乙 >/dev/null &&
	stele-agent -C a remote set "$PWD/server.git" 2>/dev/null &&
	stele-agent -C a sync 2>/dev/null &&
	stele-aggregator -C county village add $V --name 村 --township-name 镇 \
		--remote "$PWD/server.git" --key "$(stele-agent -C a key)" >/dev/null &&
	stele-aggregator -C county sync 2>/dev/null &&
	stele-agent -C b restore --remote "$PWD/server.git" --village $V --key a/signing.key 2>/dev/null &&
	stele-agent -C a member add 丙甲 >/dev/null &&
	stele-agent -C a sync 2>/dev/null &&
	stele-agent -C b task add 修路 --due 2026-10-20 >/dev/null &&
	stele-agent -C b member add 丁乙 >/dev/null &&
	stele-agent -C b points add M0003 B01 --date 2026-10-08 >/dev/null &&
	mkdir stick && stele-agent -C b sync --remote "$PWD/stick/$V.git" 2>/dev/null
}

# forked DIR: the county holds the village as forked, and both seq-3 change sets
# are in its mirror: the merged one on the stream, the other on a fork ref
# (a's adds a member, b's a task).
forked() {
	stele-aggregator -C "$1/county" status --format csv >"$1/status.csv" &&
	test_grep "^$V,村,.*,held,.*forked at seq 3: two computers write this village" "$1/status.csv" &&
	test "$(sqlite3 "$1/county/stele.db" "SELECT count(*) FROM stele_fork WHERE seq = 3 AND resolved_at IS NULL")" = 1 &&
	mirror="$1/county/villages/$V.git" &&
	git --git-dir="$mirror" for-each-ref --format="%(refname)" refs/stele/fork/ >"$1/forks" &&
	test_line_count 1 "$1/forks" &&
	git --git-dir="$mirror" log --format=%B "$(cat "$1/forks")" >"$1/kept" &&
	merged=$(sqlite3 "$1/county/stele.db" "SELECT summary FROM stele_applied WHERE seq = 3") &&
	other=$(sqlite3 "$1/county/stele.db" "SELECT other_summary FROM stele_fork") &&
	test "$merged" != "$other" &&
	test_grep "seq 3: $other" "$1/kept" &&
	{ test "$merged/$other" = "member M0003 added/task T0001 added" ||
	  test "$merged/$other" = "task T0001 added/member M0003 added"; }
}

test_expect_success 'the stick first, then the server' '
	setup s1 &&
	stele-aggregator -C county fetch --from stick 2>/dev/null &&
	stele-aggregator -C county merge 2>err &&
	test "$(sqlite3 county/stele.db "SELECT last_seq FROM stele_stream")" = 5 &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "village $V: forked at seq 3" err &&
	forked "$TRASH/s1"
'

test_expect_success 'the server first, then the stick' '
	setup s2 &&
	stele-aggregator -C county sync 2>/dev/null &&
	stele-aggregator -C county fetch --from stick 2>/dev/null &&
	test_expect_code 5 stele-aggregator -C county merge 2>err &&
	forked "$TRASH/s2"
'

test_expect_success 'both fetched before a merge: the first delivery is not overwritten' '
	setup s3 &&
	stele-aggregator -C county fetch --from stick 2>/dev/null &&
	stele-aggregator -C county fetch 2>/dev/null &&
	test_expect_code 5 stele-aggregator -C county merge 2>err &&
	forked "$TRASH/s3"
'

test_expect_success 'a later network sync does not clear the fork (exit 5, still held)' '
	cd s1 &&
	stele-agent -C a member add 戊 >/dev/null && stele-agent -C a sync 2>/dev/null &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "village $V: forked at seq 3" err &&
	forked "$TRASH/s1" &&
	stele-aggregator -C county report --month 2026-10 --out r.html &&
	grep -q "forked at seq 3" r.html
'

test_expect_success 'quarantine retry resolves it; what the other laptop wrote since holds again' '
	cd s1 &&
	stele-aggregator -C county quarantine retry $V 2>err &&
	test_grep "1 fork marked resolved" err &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "village $V: forked at seq 3: merged .task T0001 added., kept .member M0003 added." err &&
	git --git-dir=county/villages/$V.git for-each-ref refs/stele/fork/ >forks &&
	test_line_count 2 forks &&
	stele-aggregator -C county quarantine retry $V 2>err &&
	stele-aggregator -C county sync 2>err &&
	test "$(sqlite3 county/stele.db "SELECT state FROM stele_stream")" = ok &&
	git --git-dir=county/villages/$V.git for-each-ref refs/stele/fork/ >forks &&
	test_line_count 2 forks
'

test_expect_success 'replay on the laptop the county merged writes the other'\''s records as its own' '
	cd s2 &&
	stele-agent -C a replay --from "$PWD/stick/$V.git" 2>err &&
	test_grep "member .M0003. of the other computer is M0004 here" err &&
	test_grep "replayed seq 3..5 of the other computer.s branch" err &&
	test "$(sqlite3 a/stele.db "SELECT name FROM member WHERE id = '\''M0004'\''")" = 丁乙 &&
	test "$(sqlite3 a/stele.db "SELECT member_id FROM point_event WHERE id = '\''E000001'\''")" = M0004 &&
	test "$(sqlite3 a/stele.db "SELECT count(*) FROM task")" = 1 &&
	stele-agent -C a verify >out 2>/dev/null && test_line_count 0 out &&
	test_expect_code 3 stele-agent -C a replay --from "$PWD/stick/$V.git" 2>err &&
	test_grep "was replayed already" err
'

test_expect_success 'after the replay and a retry the county holds both laptops'\'' records' '
	cd s2 &&
	stele-agent -C a sync 2>/dev/null &&
	stele-aggregator -C county quarantine retry $V 2>/dev/null &&
	stele-aggregator -C county sync 2>err &&
	test "$(sqlite3 county/stele.db "SELECT group_concat(id || name, '\'' '\'') FROM member ORDER BY id")" = "M0001甲 M0002乙 M0003丙甲 M0004丁乙" &&
	test "$(sqlite3 county/stele.db "SELECT member_id FROM point_event")" = M0004 &&
	test "$(sqlite3 county/stele.db "SELECT title FROM task")" = 修路 &&
	git --git-dir=county/villages/$V.git for-each-ref refs/stele/fork/ >forks &&
	test_line_count 1 forks
'

test_done
