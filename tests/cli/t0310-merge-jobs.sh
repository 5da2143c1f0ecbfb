#!/bin/sh
test_description='merge --jobs N reads and verifies villages'"'"' change sets on N threads and
applies them on one, in the order of --jobs 1: the same database, the same league
table, the same messages; a quarantined village among good ones stops only itself;
a village whose mirror cannot be read fails alone, the same way'
. "$(dirname "$0")/test-lib.sh"

CLOCK="2026-10-08 09:30:00"
F="$STELE_BUILD/tools/stele-forge"
V1=990101001201 V2=990101001202 V3=990101001203 V4=990101001204 V5=990101002201
V6=990101002202

# frozen: the command with the clock stopped (applied_at, the epochs' times).
frozen() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		faketime -f "$CLOCK" "$@"
}

# points CODE N TAG [FORGE OPTIONS]: N single-row change sets of point events of CODE.
points() {
	code=$1 n=$2 tag=$3
	shift 3
	"$F" v/$code "$TRASH/server/$code.git" --repeat "$n" "$@" --sql "INSERT INTO point_event
		(village_code, id, member_id, rule_code, occurred_on, points, stage) VALUES
		('$code', '$tag{n}', 'M0001', 'B01', '2026-09-03', 10, 'published')" >/dev/null
}

# merge_jobs DIR: merges copies DIR.1 (--jobs 1) and DIR.4 (--jobs 4) of DIR with the
# clock stopped; exit codes in DIR.N.rc, stderr in DIR.N.err, dumps in DIR.N.dump.
merge_jobs() {
	for j in 1 4; do
		rm -rf "$1.$j" && cp -a "$1" "$1.$j" &&
		{ frozen stele-aggregator -C "$1.$j" merge --jobs $j 2>"$1.$j.err"
		  echo $? >"$1.$j.rc"; } &&
		sqlite3 "$1.$j/stele.db" .dump >"$1.$j.dump" || return 1
	done
}

test_expect_success 'six villages of single-row change sets, one bulk, and a second member' '
	mkdir server &&
	for c in $V1 $V2 $V3 $V4 $V5 $V6; do
		stele-agent -C v/$c init --village $c --name 村$c 2>/dev/null &&
		stele-agent -C v/$c member add 党员 >/dev/null &&
		"$F" v/$c "$TRASH/server/$c.git" || exit 1
	done &&
	points $V1 120 A && points $V2 40 B && points $V4 60 D && points $V5 700 E &&
	points $V6 30 G &&
	"$F" v/$V4 "$TRASH/server/$V4.git" --sql "INSERT INTO member (village_code, id, name)
		VALUES ('\''$V4'\'', '\''M0002'\'', '\''二号'\'')" >/dev/null &&
	stele-aggregator -C county init --county 990101 --name 测试县 2>/dev/null &&
	for c in $V1 $V2 $V3 $V4 $V5 $V6; do
		stele-aggregator -C county village add $c --name 村$c --township-name 镇${c%???} \
			--remote "$TRASH/server/$c.git" --key "$(stele-agent -C v/$c key)" \
			>/dev/null || exit 1
	done
'

test_expect_success 'village 3: good change sets, one signed with another key, more after it' '
	points $V3 25 C &&
	points $V3 1 X --key v/$V1/signing.key &&
	points $V3 10 Y &&
	stele-aggregator -C county fetch 2>/dev/null
'

test_expect_success '--jobs 4 and --jobs 1: the same database, messages and exit code' '
	merge_jobs county &&
	test "$(cat county.1.rc)" = 5 && test "$(cat county.4.rc)" = 5 &&
	test_cmp county.1.dump county.4.dump &&
	test_cmp county.1.err county.4.err &&
	test_grep "village $V3: quarantined (signature): seq 27: signature does not verify" county.4.err
'

test_expect_success 'only the quarantined village stops: the others merged in full' '
	test "$(sqlite3 county.4/stele.db "SELECT writer, max(seq) FROM stele_applied GROUP BY writer
		ORDER BY writer" | tr "\n" " ")" = \
		"$V1|121 $V2|41 $V3|26 $V4|62 $V5|701 $V6|31 " &&
	test "$(sqlite3 county.4/stele.db "SELECT count(*) FROM point_event")" = \
		$((120 + 40 + 25 + 60 + 700 + 30)) &&
	test "$(sqlite3 county.4/stele.db "SELECT writer, seq, reason FROM stele_quarantine")" = \
		"$V3|27|signature"
'

test_expect_success 'the same league table either way' '
	frozen stele-aggregator -C county.1 rank villages --month 2026-09 --format csv >rank.1 &&
	frozen stele-aggregator -C county.4 rank villages --month 2026-09 --format csv >rank.4 &&
	test_line_count = 7 rank.4 &&
	test_cmp rank.1 rank.4
'

test_expect_success 'a second merge after new change sets: the same again, each applied once' '
	rm -rf county && mv county.4 county && rm -rf county.1 &&
	points $V1 15 AA && points $V6 15 GG &&
	stele-aggregator -C county fetch 2>/dev/null &&
	merge_jobs county &&
	test_cmp county.1.dump county.4.dump &&
	test_cmp county.1.err county.4.err &&
	test "$(sqlite3 county.4/stele.db "SELECT count(*) FROM stele_applied WHERE writer = '\''$V1'\''")" = 136 &&
	test "$(sqlite3 county.4/stele.db "SELECT count(*), count(DISTINCT seq) FROM stele_applied
		WHERE writer = '\''$V6'\''")" = "46|46"
'

test_expect_success 'a mirror that cannot be read fails its village alone, the same way' '
	rm -rf county && mv county.4 county && rm -rf county.1 &&
	points $V2 20 BB && points $V5 20 EE &&
	stele-aggregator -C county fetch 2>/dev/null &&
	for p in county/villages/$V2.git/objects/pack/*.pack; do
		size=$(wc -c <"$p") && chmod u+w "$p" &&
		dd if=/dev/zero of="$p" bs=1 seek=$((size - 400)) count=380 conv=notrunc \
			2>/dev/null || exit 1
	done &&
	merge_jobs county &&
	test "$(cat county.1.rc)" = "$(cat county.4.rc)" && test "$(cat county.4.rc)" != 0 &&
	test_cmp county.1.dump county.4.dump &&
	# (only the program'"'"'s own lines: a sanitizer build adds libgit2'"'"'s error buffers)
	grep "^stele-aggregator:" county.1.err >err.1 &&
	grep "^stele-aggregator:" county.4.err >err.4 &&
	test_cmp err.1 err.4 &&
	test_grep "village $V2: " county.4.err &&
	test "$(sqlite3 county.4/stele.db "SELECT max(seq) FROM stele_applied WHERE writer = '\''$V5'\''")" = 721
'

test_expect_success '--jobs takes a number from 1 to 256' '
	test_expect_code 2 stele-aggregator -C county merge --jobs 0 2>err &&
	test_grep "jobs .0. is not a whole number from 1 to 256" err &&
	test_expect_code 2 stele-aggregator -C county merge --jobs many 2>err &&
	stele-aggregator merge --help >help &&
	test_grep "jobs N" help
'

test_done
