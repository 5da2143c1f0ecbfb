#!/bin/sh
test_description='merge combines a village'"'"'s consecutive change sets into one apply, and
gives the very database one by one gives (STELE_MERGE_ONE_BY_ONE=1): every table, the
past states and the run numbers; a bad change set in the middle of a batch is
quarantined by its own seq, the ones before it merged, nothing of it or after it'
. "$(dirname "$0")/test-lib.sh"

A=990101001201 B=990101001202
CLOCK="2026-10-08 09:30:00"

# frozen: the command with the clock stopped (applied_at, the epochs' times).
frozen() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		faketime -f "$CLOCK" "$@"
}

# merge_both DIR: merges copies DIR.c (combined) and DIR.o (one by one) of DIR, both
# with the clock stopped; their exit codes in DIR.c.rc and DIR.o.rc.
merge_both() {
	rm -rf "$1.c" "$1.o" &&
	cp -a "$1" "$1.c" && cp -a "$1" "$1.o" &&
	{ frozen stele-aggregator -C "$1.c" merge 2>"$1.c.err"; echo $? >"$1.c.rc"; } &&
	{ STELE_MERGE_ONE_BY_ONE=1 frozen stele-aggregator -C "$1.o" merge 2>"$1.o.err"
	  echo $? >"$1.o.rc"; } &&
	sqlite3 "$1.c/stele.db" .dump >"$1.c.dump" &&
	sqlite3 "$1.o/stele.db" .dump >"$1.o.dump"
}

test_expect_success 'a village writes a day of small change sets, each its own' '
	mkdir server &&
	stele-agent -C v/$A init --village $A --name 甲村 --remote "$TRASH/server/$A.git" \
		2>/dev/null &&
	for i in 1 2 3 4 5; do
		stele-agent -C v/$A member add "党员$i" >/dev/null || exit 1
	done &&
	for i in 1 2 3 4 5 6 7 8; do
		stele-agent -C v/$A points add M000$((i % 5 + 1)) B01 --date 2026-09-0$i \
			>/dev/null 2>&1 || exit 1
	done &&
	stele-agent -C v/$A member add 新党员 --id M0009 >/dev/null &&
	stele-agent -C v/$A points add M0009 B01 --date 2026-09-10 >/dev/null 2>&1 &&
	stele-agent -C v/$A points set E000001 --points 7 >/dev/null 2>&1 &&
	stele-agent -C v/$A points set E000001 --note 再改 >/dev/null 2>&1 &&
	stele-agent -C v/$A points delete E000002 >/dev/null 2>&1 &&
	stele-agent -C v/$A income add 2026-09 1200 --source 集体 >/dev/null 2>&1 &&
	stele-agent -C v/$A income add 2026-09 300 --source 光伏 >/dev/null 2>&1 &&
	stele-agent -C v/$A income delete I0001 >/dev/null 2>&1 &&
	stele-agent -C v/$A income add 2026-09 1250 --source 集体 >/dev/null 2>&1 &&
	stele-agent -C v/$A member set M0003 --status flowing >/dev/null 2>&1 &&
	stele-agent -C v/$A sync 2>/dev/null &&
	test "$(sqlite3 v/$A/stele.db "SELECT count(*) FROM stele_outbox")" -ge 20
'

test_expect_success 'the county registers it and fetches' '
	stele-aggregator -C county init --county 990101 --name 测试县 2>/dev/null &&
	stele-aggregator -C county village add $A --name 甲村 --township-name 镇 \
		--remote "$TRASH/server/$A.git" --key "$(stele-agent -C v/$A key)" >/dev/null &&
	stele-aggregator -C county fetch 2>/dev/null
'

test_expect_success 'combined and one by one give the same database' '
	merge_both county &&
	test "$(cat county.c.rc)" = 0 && test "$(cat county.o.rc)" = 0 &&
	n=$(sqlite3 v/$A/stele.db "SELECT count(*) FROM stele_outbox") &&
	test "$(sqlite3 county.c/stele.db "SELECT count(*) FROM stele_applied")" = $n &&
	test_grep "merged $n change sets" county.c.err &&
	test_cmp county.o.dump county.c.dump
'

test_expect_success 'a second run changing the first run'"'"'s rows: the same past states' '
	rm -rf county && mv county.c county && rm -rf county.o &&
	stele-agent -C v/$A points set E000003 --points 9 >/dev/null 2>&1 &&
	stele-agent -C v/$A points set E000003 --points 11 >/dev/null 2>&1 &&
	stele-agent -C v/$A points delete E000004 >/dev/null 2>&1 &&
	stele-agent -C v/$A points add M0001 B01 --date 2026-09-20 >/dev/null 2>&1 &&
	stele-agent -C v/$A income set I0002 --amount 320 >/dev/null 2>&1 &&
	stele-agent -C v/$A member set M0003 --status active >/dev/null 2>&1 &&
	stele-agent -C v/$A sync 2>/dev/null &&
	stele-aggregator -C county fetch 2>/dev/null &&
	merge_both county &&
	test "$(cat county.c.rc)" = 0 &&
	test_cmp county.o.dump county.c.dump &&
	test "$(sqlite3 county.c/stele.db "SELECT count(*) FROM point_event_hist")" -gt 0 &&
	stele-aggregator -C county.c log --format csv >log.c &&
	stele-aggregator -C county.o log --format csv >log.o &&
	test_cmp log.o log.c &&
	stele-aggregator -C county.c rank villages --month 2026-09 --as-of 1 --format csv >asof.c &&
	stele-aggregator -C county.o rank villages --month 2026-09 --as-of 1 --format csv >asof.o &&
	test_cmp asof.o asof.c
'

# forge SQL: village B's next change set, written by stele-forge (not the agent).
forge() {
	"$STELE_BUILD/tools/stele-forge" v/$B "$TRASH/server/$B.git" --sql "$1" >/dev/null
}

test_expect_success 'village B: good change sets, one breaking a foreign key, more after it' '
	stele-agent -C v/$B init --village $B --name 乙村 2>/dev/null &&
	stele-agent -C v/$B member add 李四 >/dev/null &&
	stele-agent -C v/$B member add 王五 >/dev/null &&
	"$STELE_BUILD/tools/stele-forge" v/$B "$TRASH/server/$B.git" &&
	for i in 1 2 3 4 5 6; do
		forge "INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on,
			points, stage) VALUES ('\''$B'\'', '\''F$i'\'', '\''M0001'\'', '\''B01'\'',
			'\''2026-09-01'\'', 10, '\''published'\'')" || exit 1
	done &&
	forge "PRAGMA defer_foreign_keys = ON; INSERT INTO point_event (village_code, id,
		member_id, rule_code, occurred_on, points, stage) VALUES ('\''$B'\'', '\''BAD'\'',
		'\''M0099'\'', '\''B01'\'', '\''2026-09-01'\'', 10, '\''published'\'')" &&
	# the next one adds the member it names: combined, the foreign key would pass
	forge "INSERT INTO member (village_code, id, name) VALUES ('\''$B'\'', '\''M0099'\'', '\''迟到'\'')" &&
	for i in 7 8 9; do
		forge "INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on,
			points, stage) VALUES ('\''$B'\'', '\''F$i'\'', '\''M0002'\'', '\''B01'\'',
			'\''2026-09-02'\'', 10, '\''published'\'')" || exit 1
	done &&
	stele-aggregator -C county village add $B --name 乙村 --township-name 镇 \
		--remote "$TRASH/server/$B.git" --key "$(stele-agent -C v/$B key)" >/dev/null &&
	stele-agent -C v/$A points add M0002 B01 --date 2026-09-21 >/dev/null 2>&1 &&
	stele-agent -C v/$A sync 2>/dev/null &&
	stele-aggregator -C county fetch 2>/dev/null
'

test_expect_success 'merge quarantines exactly the bad one; the rest of B and all of A merge' '
	merge_both county &&
	test "$(cat county.c.rc)" = 5 && test "$(cat county.o.rc)" = 5 &&
	test_grep "village $B: quarantined (conflict): seq 9: a row change of a table does not apply: it breaks a foreign key" county.c.err &&
	test "$(sqlite3 county.c/stele.db "SELECT seq, reason FROM stele_quarantine WHERE writer = '\''$B'\''")" = "9|conflict" &&
	test "$(sqlite3 county.c/stele.db "SELECT max(seq) FROM stele_applied WHERE writer = '\''$B'\''")" = 8 &&
	test "$(sqlite3 county.c/stele.db "SELECT count(*) FROM point_event WHERE village_code = '\''$B'\''")" = 6 &&
	test "$(sqlite3 county.c/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''$A'\''")" = \
		"$(sqlite3 v/$A/stele.db "SELECT max(seq) FROM stele_outbox")" &&
	test_cmp county.o.dump county.c.dump
'

test_expect_success 'a change set adding the row the one before it added: its own seq' '
	C=990101001203 &&
	stele-agent -C v/$C init --village $C --name 丙村 2>/dev/null &&
	stele-agent -C v/$C member add 赵六 >/dev/null &&
	"$STELE_BUILD/tools/stele-forge" v/$C "$TRASH/server/$C.git" &&
	for i in 1 2 3; do
		"$STELE_BUILD/tools/stele-forge" v/$C "$TRASH/server/$C.git" --sql "INSERT INTO member
			(village_code, id, name) VALUES ('\''$C'\'', '\''M010$i'\'', '\''党员'\'')" \
			>/dev/null || exit 1
	done &&
	"$STELE_BUILD/tools/stele-forge" v/$C "$TRASH/server/$C.git" --sql "INSERT INTO member
		(village_code, id, name) VALUES ('\''$C'\'', '\''M0103'\'', '\''又一个'\'')" >/dev/null &&
	"$STELE_BUILD/tools/stele-forge" v/$C "$TRASH/server/$C.git" --sql "INSERT INTO member
		(village_code, id, name) VALUES ('\''$C'\'', '\''M0104'\'', '\''党员'\'')" >/dev/null &&
	rm -rf county && mv county.c county && rm -rf county.o &&
	stele-aggregator -C county village add $C --name 丙村 --township-name 镇 \
		--remote "$TRASH/server/$C.git" --key "$(stele-agent -C v/$C key)" >/dev/null &&
	stele-aggregator -C county fetch 2>/dev/null &&
	merge_both county &&
	test "$(cat county.c.rc)" = 5 &&
	test_grep "village $C: quarantined (conflict): seq 5: a row change of member does not apply: the row it adds already exists here" county.c.err &&
	test "$(sqlite3 county.c/stele.db "SELECT max(seq) FROM stele_applied WHERE writer = '\''$C'\''")" = 4 &&
	test "$(sqlite3 county.c/stele.db "SELECT name FROM member WHERE village_code = '\''$C'\'' AND id = '\''M0103'\''")" = 党员 &&
	test_cmp county.o.dump county.c.dump
'

test_expect_success 'a change set signed with another key in the middle of a batch: its own seq' '
	D=990101001204 &&
	F="$STELE_BUILD/tools/stele-forge" &&
	stele-agent -C v/$D init --village $D --name 丁村 2>/dev/null &&
	stele-agent -C v/$D member add 孙七 >/dev/null &&
	"$F" v/$D "$TRASH/server/$D.git" &&
	"$F" v/$D "$TRASH/server/$D.git" --repeat 30 --sql "INSERT INTO point_event (village_code,
		id, member_id, rule_code, occurred_on, points, stage) VALUES ('\''$D'\'', '\''G{n}'\'',
		'\''M0001'\'', '\''B01'\'', '\''2026-09-03'\'', 10, '\''published'\'')" &&
	"$F" v/$D "$TRASH/server/$D.git" --key v/$A/signing.key --sql "INSERT INTO point_event
		(village_code, id, member_id, rule_code, occurred_on, points, stage) VALUES
		('\''$D'\'', '\''X1'\'', '\''M0001'\'', '\''B01'\'', '\''2026-09-03'\'', 10,
		'\''published'\'')" &&
	"$F" v/$D "$TRASH/server/$D.git" --repeat 5 --sql "INSERT INTO point_event (village_code,
		id, member_id, rule_code, occurred_on, points, stage) VALUES ('\''$D'\'', '\''H{n}'\'',
		'\''M0001'\'', '\''B01'\'', '\''2026-09-04'\'', 10, '\''published'\'')" &&
	rm -rf county && mv county.c county && rm -rf county.o &&
	stele-aggregator -C county village add $D --name 丁村 --township-name 镇 \
		--remote "$TRASH/server/$D.git" --key "$(stele-agent -C v/$D key)" >/dev/null &&
	stele-aggregator -C county fetch 2>/dev/null &&
	merge_both county &&
	test_grep "village $D: quarantined (signature): seq 32: signature does not verify" county.c.err &&
	test "$(sqlite3 county.c/stele.db "SELECT max(seq) FROM stele_applied WHERE writer = '\''$D'\''")" = 31 &&
	test "$(sqlite3 county.c/stele.db "SELECT count(*) FROM point_event WHERE village_code = '\''$D'\''")" = 30 &&
	test_cmp county.o.dump county.c.dump
'

test_done
