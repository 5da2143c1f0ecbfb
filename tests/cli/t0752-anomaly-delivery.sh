#!/bin/sh
test_description='anomalies: the same USB stick delivered twice, one village'\''s repository
replayed as another'\''s (fresh, fresh without a registered key, already merged), and a stale
stick older than what was merged: each is detected or changes nothing'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/anomaly-lib.sh"

# A and B deliver by stick and get merged; E (no key registered: trust on first use)
# and F (key registered) have not delivered anything yet.
A=990101001201 B=990101001202 E=990101001205 F=990101001206

# county_state DIR: everything merge decides: the rows, every applied change set,
# every stream's cursor and state, the pinned keys and the quarantine.
county_state() {
	db_dump "$1" &&
	sqlite3 "$1/stele.db" \
		"SELECT writer, seq, hex(hash), commit_id, rows, summary FROM stele_applied ORDER BY 1, 2" \
		"SELECT writer, last_seq, hex(last_hash), last_commit, state, state_note FROM stele_stream ORDER BY 1" \
		"SELECT village_code, pubkey FROM stele_village_source ORDER BY 1" \
		"SELECT writer, seq, reason, detail FROM stele_quarantine ORDER BY id"
}

# incoming DIR: each mirror's fetched tip.
incoming() {
	for code in $A $B $E $F; do
		echo "$code $(git --git-dir="$1/villages/$code.git" rev-parse -q --verify refs/stele/incoming)"
	done
}

# deliver STICK CODE...: each clerk syncs to the stick (a folder of CODE.git).
deliver() {
	deliver_stick=$1
	shift
	mkdir -p "$deliver_stick" &&
	for code in "$@"; do
		stele-agent -C v/$code sync --remote "$TRASH/$deliver_stick/$code.git" 2>/dev/null || return 1
	done
}

test_expect_success 'four villages registered without remotes; A and B hand in a stick' '
	stele-aggregator -C county init --county 990101 --name 参考县 2>/dev/null &&
	for code in $A $B $E $F; do
		new_village v/$code $code "村$code" &&
		stele-agent -C v/$code member add 甲 >/dev/null &&
		stele-agent -C v/$code member add 乙 >/dev/null || exit 1
	done &&
	for code in $A $B $F; do
		stele-aggregator -C county village add $code --name "村$code" --township-name 镇 \
			--key "$(stele-agent -C v/$code key)" >/dev/null || exit 1
	done &&
	stele-aggregator -C county village add $E --name "村$E" --township-name 镇 >/dev/null &&
	deliver stick1 $A $B &&
	cp -R stick1 stale
'

test_expect_success 'the same stick twice: the second time changes nothing' '
	anomaly_case stick-twice &&
	stele-aggregator -C county fetch --from stick1 2>err &&
	test_grep "took 2 repositories from stick1, ignored 0" err &&
	stele-aggregator -C county merge 2>err &&
	test_grep "merged 4 change sets" err &&
	county_state county >once.state && incoming county >once.tips &&
	stele-aggregator -C county fetch --from stick1 2>err &&
	test_grep "took 2 repositories from stick1, ignored 0" err &&
	stele-aggregator -C county fetch --from stick1 2>/dev/null &&
	stele-aggregator -C county merge 2>err &&
	test_grep "merged 0 change sets" err && test_line_count 1 err &&
	county_state county >twice.state && incoming county >twice.tips &&
	test_cmp once.state twice.state && test_cmp once.tips twice.tips &&
	anomaly_detected stick-twice
'

test_expect_success 'A'\''s repository replayed as B (merged), E (no key) and F (fresh): nothing applied' '
	anomaly_case replay-merged && anomaly_case replay-fresh && anomaly_case replay-no-key &&
	county_state county >before.state &&
	mkdir replay &&
	for code in $B $E $F; do cp -R stick1/$A.git replay/$code.git || exit 1; done &&
	stele-aggregator -C county fetch --from replay 2>err &&
	test_grep "took 3 repositories from replay" err &&
	test_expect_code 5 stele-aggregator -C county merge 2>err &&
	test_grep "merged 0 change sets" err &&
	test_grep "3 villages are held or quarantined" err &&
	! grep -q "pinned" err &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member")" = 4 &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM stele_applied WHERE writer <> '\''county'\''")" = 4 &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM stele_village_source WHERE pubkey IS NULL")" = 1
'

test_expect_success 'replay into a merged village: held, history rewritten' '
	test_grep "^stele-aggregator: village $B: held: history rewritten: commit [0-9a-f]* is not on refs/stele/incoming; nothing merged$" err &&
	stele-aggregator -C county status --format csv >status.csv &&
	test_grep "^$B,村$B,2,.*,held,,.*history rewritten" status.csv &&
	anomaly_detected replay-merged
'

test_expect_success 'replay into a fresh village with its key registered: quarantined (writer)' '
	test_grep "^stele-aggregator: village $F: quarantined (writer): change set seq 1 was written by $A, not $F$" err &&
	anomaly_detected replay-fresh
'

test_expect_success 'replay into a fresh village with no key: quarantined (writer), no key pinned' '
	test_grep "^stele-aggregator: village $E: quarantined (writer): change set seq 1 names writer $A, not $E$" err &&
	test -z "$(sqlite3 county/stele.db "SELECT pubkey FROM stele_village_source WHERE village_code = '\''$E'\''")" &&
	anomaly_detected replay-no-key
'

test_expect_success 'the right sticks repair all three: B resumes by itself, E and F after retry' '
	stele-agent -C v/$B member add 丙 >/dev/null &&
	deliver stick2 $B $E $F &&
	stele-aggregator -C county fetch --from stick2 2>/dev/null &&
	stele-aggregator -C county quarantine retry $E 2>/dev/null &&
	stele-aggregator -C county quarantine retry $F 2>/dev/null &&
	stele-aggregator -C county merge 2>err &&
	test_grep "merged 5 change sets" err &&
	test_grep "village $E: pinned the key $(stele-agent -C v/$E key | cut -c1-16)" err &&
	test "$(sqlite3 county/stele.db "SELECT pubkey FROM stele_village_source WHERE village_code = '\''$E'\''")" = \
	     "$(stele-agent -C v/$E key)" &&
	db_dump county >county.dump &&
	for code in $A $B $E $F; do
		db_dump v/$code >village.dump &&
		village_rows village.dump $code >want && village_rows county.dump $code >got &&
		test_cmp want got || exit 1
	done
'

test_expect_success 'a stale stick older than what was merged brings nothing' '
	anomaly_case stale-stick &&
	county_state county >before.state &&
	stele-aggregator -C county fetch --from stale 2>err &&
	test_grep "took 2 repositories from stale" err &&
	stele-aggregator -C county merge 2>err &&
	test_grep "merged 0 change sets" err && test_line_count 1 err &&
	county_state county >after.state && test_cmp before.state after.state &&
	stele-aggregator -C county status --format csv >status.csv &&
	test_grep "^$B,村$B,3,.*,ok,0," status.csv &&
	anomaly_detected stale-stick
'

test_expect_success 'after the stale stick, a newer delivery merges as usual' '
	stele-agent -C v/$B member add 丁 >/dev/null &&
	deliver stick3 $B &&
	stele-aggregator -C county fetch --from stick3 2>/dev/null &&
	stele-aggregator -C county merge 2>err &&
	test_grep "merged 1 change set" err
'

anomaly_summary 5

test_done
