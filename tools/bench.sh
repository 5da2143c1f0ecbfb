#!/bin/sh
# bench.sh: the benchmarks behind `make bench` (QUICK=1 for a short run). One
# function per figure; each prints one row: what was measured, the result, the goal.
# Timing is done by perl's Time::HiRes (perl ships with prove).
set -eu

: "${STELE_BUILD:=$(pwd)/build}"
PATH=$STELE_BUILD:$PATH
export PATH
unset STELE_DIR
QUICK=${QUICK:-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stele-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

row() {
	printf '%-44s %16s %16s\n' "$1" "$2" "$3"
}

# A village with the reference county's members of one village.
bench_village() {
	stele-agent -C "$1" init --village 990101001201 --name 基准村 >/dev/null 2>&1
	for i in 1 2 3 4 5 6 7 8 9 10; do
		stele-agent -C "$1" member add "党员$i" >/dev/null
	done
}

# p50/p95 of one `points add`, process start included.
bench_write_latency() {
	runs=200
	[ -n "$QUICK" ] && runs=50
	bench_village "$WORK/latency"
	perl -MTime::HiRes=time -e '
		my ($runs, $dir) = @ARGV;
		my @ms;
		for my $i (1 .. $runs) {
			my $t = time;
			system("stele-agent -C $dir points add M0001 B01 --date 2026-09-01 >/dev/null") == 0
				or die "points add failed\n";
			push @ms, (time - $t) * 1000;
		}
		@ms = sort { $a <=> $b } @ms;
		printf "%.2f %.2f\n", $ms[int($runs * 0.50)], $ms[int($runs * 0.95) - 1];
	' "$runs" "$WORK/latency" >"$WORK/latency.out"
	read -r p50 p95 <"$WORK/latency.out"
	row "points add p50 ($runs runs, incl. start)" "$p50 ms" "< 10 ms"
	row "points add p95" "$p95 ms" "-"
}

# Rows per second of `import points`, one change set for the whole file.
bench_import_rate() {
	rows=100000
	[ -n "$QUICK" ] && rows=10000
	bench_village "$WORK/import"
	awk -v n=$rows 'BEGIN {
		print "id,member_id,rule_code,occurred_on,points,stage,note"
		srand(1)
		for (i = 1; i <= n; i++)
			printf ",M%04d,%s,2025-%02d-%02d,,published,批量导入 %d\n", 1 + int(rand() * 10),
				rand() < 0.5 ? "B01" : "M01", 1 + int(rand() * 12), 1 + int(rand() * 28), i
	}' >"$WORK/points.csv"
	perl -MTime::HiRes=time -e '
		my ($dir, $file) = @ARGV;
		my $t = time;
		system("stele-agent -C $dir import points $file 2>/dev/null") == 0
			or die "import failed\n";
		printf "%.2f\n", time - $t;
	' "$WORK/import" "$WORK/points.csv" >"$WORK/import.out"
	read -r secs <"$WORK/import.out"
	rate=$(awk -v r=$rows -v s="$secs" 'BEGIN { printf "%d", r / s }')
	row "import $rows point events" "$secs s" "100000 < 3 s"
	row "import rate" "$rate rows/s" "> 33333 rows/s"
}

# Time of one `sync` committing and pushing 1,000 pending change sets to a local
# bare repository (a USB stick).
bench_sync_pending() {
	sets=1000
	[ -n "$QUICK" ] && sets=200
	stele-agent -C "$WORK/sync" init --village 990101001201 --name 基准村 >/dev/null 2>&1
	i=0
	while [ $i -lt $sets ]; do
		i=$((i + 1))
		stele-agent -C "$WORK/sync" member add "党员$i" >/dev/null
	done
	perl -MTime::HiRes=time -e '
		my ($dir, $remote) = @ARGV;
		my $t = time;
		system("stele-agent -C $dir sync --remote $remote 2>/dev/null") == 0
			or die "sync failed\n";
		printf "%.2f\n", time - $t;
	' "$WORK/sync" "$WORK/sync-remote.git" >"$WORK/sync.out"
	read -r secs <"$WORK/sync.out"
	row "sync of $sets pending change sets (local)" "$secs s" "-"
}

# Bytes a day's work (40 writes) adds to the remote, against the database's size.
bench_sync_bytes() {
	writes=40
	bench_village "$WORK/day"
	stele-agent -C "$WORK/day" sync --remote "$WORK/day-remote.git" 2>/dev/null
	before=$(du -sb "$WORK/day-remote.git/objects" | cut -f1)
	i=0
	while [ $i -lt $writes ]; do
		i=$((i + 1))
		stele-agent -C "$WORK/day" points add M000$((i % 9 + 1)) B01 --date 2026-09-01 \
			--note "第 $i 条" >/dev/null
	done
	stele-agent -C "$WORK/day" sync 2>/dev/null
	after=$(du -sb "$WORK/day-remote.git/objects" | cut -f1)
	db=$(stat -c %s "$WORK/day/stele.db")
	row "bytes pushed for $writes writes (loose objects)" "$((after - before)) B" "-"
	row "village database size" "$db B" "-"
}

# ---- rankings -------------------------------------------------------------
# A synthetic county of 2,436 villages (122 townships of 20): members with point
# events every month, tasks, requests, income, two years of assessments; every
# 50th village never synced. Goal: one month's league table in under 1 s.

# Milliseconds since the epoch, and one timed command (stdout discarded) as a row.
ms_now() {
	perl -MTime::HiRes=time -e 'printf "%d\n", time * 1000'
}
time_row() {
	what=$1 goal=$2
	shift 2
	start=$(ms_now)
	"$@" >/dev/null
	row "$what" "$(( $(ms_now) - start )) ms" "$goal"
}

bench_rankings() {
	villages=2436 members=25 months=12 per_month=3
	if [ -n "$QUICK" ]; then members=10 months=3 per_month=2; fi
	county=$WORK/county
	ROOT=$(cd "$(dirname "$0")/.." && pwd)
	mkdir -p "$county"
	last=0
	for f in "$ROOT"/schema/[0-9]*.sql; do
		sqlite3 "$county/stele.db" <"$f"
		last=$(basename "$f" | sed 's/^0*\([0-9][0-9]*\)-.*/\1/')
	done
	start=$(ms_now)
	sqlite3 -bail "$county/stele.db" >/dev/null <<SQL
PRAGMA user_version = $last;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO stele_meta VALUES ('role', 'county'), ('writer', 'county'),
  ('county_code', '990101'), ('county_name', '基准县');
INSERT INTO point_rule VALUES ('B01', 'base', 'b', 20, 1), ('M01', 'merit', 'm', 30, 1),
  ('D01', 'deduction', 'd', -20, 1), ('Z01', 'zeroing', 'z', 0, 1);
INSERT INTO standard_item (code, name, max_score) VALUES ('S1', 's', 200), ('S2', 's', 150),
  ('S3', 's', 150), ('S4', 's', 150), ('S5', 's', 200), ('S6', 's', 150);
CREATE TEMP TABLE n (i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < $villages - 1)
INSERT INTO n SELECT i FROM c;
CREATE TEMP TABLE v AS SELECT i, printf('990101%03d%03d', i / 20 + 1, i % 20 + 201) AS code FROM n;
INSERT INTO village SELECT code, '村' || i, substr(code, 1, 9), '镇' || (i / 20 + 1) FROM v;
INSERT INTO stele_stream (writer, last_seq) SELECT code, 100 FROM v WHERE i % 50 <> 49;
INSERT INTO member (village_code, id, name, status)
  SELECT v.code, printf('M%04d', m.i + 1), '党员', CASE WHEN m.i % 10 = 9 THEN 'flowing' ELSE 'active' END
  FROM v JOIN n m ON m.i < $members WHERE v.i % 50 <> 49;
INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on, points, stage)
  SELECT v.code, printf('E%06d', (mo.i * $members + m.i) * $per_month + k.i + 1),
    printf('M%04d', m.i + 1),
    CASE (v.i + m.i + k.i + mo.i) % 23 WHEN 0 THEN 'D01' WHEN 1 THEN 'M01' WHEN 22 THEN
      CASE WHEN m.i = 3 THEN 'Z01' ELSE 'B01' END ELSE 'B01' END,
    printf('2026-%02d-%02d', mo.i + 1, 1 + (v.i * 7 + m.i * 3 + k.i * 11) % 28),
    CASE (v.i + m.i + k.i + mo.i) % 23 WHEN 0 THEN -20 WHEN 1 THEN 30 WHEN 22 THEN
      CASE WHEN m.i = 3 THEN 0 ELSE 20 END ELSE 20 END,
    CASE (v.i + k.i) % 7 WHEN 0 THEN 'recorded' WHEN 1 THEN 'assembly' ELSE 'published' END
  FROM v JOIN n mo ON mo.i < $months JOIN n m ON m.i < $members JOIN n k ON k.i < $per_month
  WHERE v.i % 50 <> 49;
INSERT INTO task (village_code, id, title, due_on, closed_on)
  SELECT v.code, printf('T%04d', mo.i * 5 + k.i + 1), '任务',
    printf('2026-%02d-%02d', mo.i + 1, 1 + (v.i + k.i * 5) % 28),
    CASE WHEN (v.i + k.i + mo.i) % 4 = 0 THEN NULL
      ELSE printf('2026-%02d-%02d', mo.i + 1, 1 + (v.i + k.i * 5 + (v.i + k.i) % 3) % 28) END
  FROM v JOIN n mo ON mo.i < $months JOIN n k ON k.i < 5 WHERE v.i % 50 <> 49;
INSERT INTO request (village_code, id, received_on, resolved_on)
  SELECT v.code, printf('R%04d', mo.i * 8 + k.i + 1),
    printf('2026-%02d-%02d', mo.i + 1, 1 + (v.i * 3 + k.i) % 20),
    CASE WHEN (v.i + k.i) % 5 = 0 THEN NULL
      ELSE printf('2026-%02d-%02d', mo.i + 1, 1 + (v.i * 3 + k.i) % 20 + (v.i + k.i * 3) % 9) END
  FROM v JOIN n mo ON mo.i < $months JOIN n k ON k.i < 8 WHERE v.i % 50 <> 49;
INSERT INTO income (village_code, id, period, amount, source)
  SELECT v.code, printf('I%04d', mo.i + 1), printf('2026-%02d', mo.i + 1),
    100000 + (v.i * 7919 + mo.i * 104729) % 5000000, '分红'
  FROM v JOIN n mo ON mo.i < $months WHERE v.i % 50 <> 49 AND v.i % 13 <> 5;
INSERT INTO assessment (village_code, year, item_code, score)
  SELECT v.code, y.i + 2025, 'S' || (k.i + 1), 50 + (v.i * 31 + k.i * 17 + y.i) % 100
  FROM v JOIN n y ON y.i < 2 JOIN n k ON k.i < 6 WHERE v.i % 50 <> 49 AND NOT (y.i = 1 AND v.i % 17 = 3);
INSERT INTO period_close SELECT v.code, printf('2026-%02d', mo.i + 1), 'bench'
  FROM v JOIN n mo ON mo.i < $months WHERE v.i % 50 <> 49 AND NOT (mo.i = $months - 1 AND v.i % 9 = 0);
COMMIT;
PRAGMA journal_mode = DELETE;
SQL
	row "synthetic county: $villages villages" "$(( $(ms_now) - start )) ms" "-"
	row "  with point events" "$(sqlite3 "$county/stele.db" "SELECT count(*) FROM point_event")" "-"
	month=$(printf '2026-%02d' "$months")
	time_row "rank villages --month (all villages)" "< 1000 ms" \
		stele-aggregator -C "$county" rank villages --month "$month" --format csv
	time_row "rank villages --month --township" "-" \
		stele-aggregator -C "$county" rank villages --month "$month" --township 990101061 --format csv
	time_row "rank stars --year" "-" stele-aggregator -C "$county" rank stars --year 2026 --format csv
	time_row "rank members --year (all villages)" "-" \
		stele-aggregator -C "$county" rank members --year 2026 --format csv
	time_row "rank members --month (all villages)" "-" \
		stele-aggregator -C "$county" rank members --month "$month" --format csv
	time_row "report --month (12 league tables)" "-" \
		stele-aggregator -C "$county" report --month "$month" --out "$WORK/report.html"
	row "  report size" "$(wc -c <"$WORK/report.html") bytes" "-"
}

# ---- merge (stele-aggregator) ---------------------------------------------
# The merge rate (verify + apply + record, batches of change sets per transaction)
# against a raw sqlite3changeset_apply of the same change sets in one transaction
# (tools/bench-apply.c), in the same run; and a no-op sync of 300 villages.

bench_merge_rate() {
	sets=100 per=300
	[ -n "$QUICK" ] && sets=20 per=200
	code=990101001201
	stele-agent -C "$WORK/mv" init --village $code --name 基准村 >/dev/null 2>&1
	k=1
	while [ $k -le $sets ]; do
		"$STELE_BUILD/tools/stele-forge" "$WORK/mv" "$WORK/mv-remote.git" --sql "
			INSERT INTO member (village_code, id, name) VALUES ('$code', 'M$k', '党员$k');
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $per)
			INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on, points,
			  stage, note) SELECT '$code', 'E$k-' || i, 'M$k', 'B01', '2026-09-01', 20,
			  'published', '批量 ' || i FROM n"
		k=$((k + 1))
	done
	stele-aggregator -C "$WORK/mc" init --county 990101 --name 基准县 2>/dev/null
	stele-aggregator -C "$WORK/mc" village add $code --name 基准村 --township-name 镇 \
		--remote "$WORK/mv-remote.git" --key "$(stele-agent -C "$WORK/mv" key)" >/dev/null
	stele-aggregator -C "$WORK/mc" fetch 2>/dev/null
	start=$(ms_now)
	stele-aggregator -C "$WORK/mc" merge 2>/dev/null
	merge_ms=$(( $(ms_now) - start ))
	rows=$(sqlite3 "$WORK/mc/stele.db" "SELECT sum(rows) FROM stele_applied")
	"$STELE_BUILD/tools/bench-apply" "$WORK/mv-remote.git" "$WORK/raw.db" >"$WORK/raw.out"
	read -r raw_rows raw_secs <"$WORK/raw.out"
	merge_rate=$(awk -v r="$rows" -v ms="$merge_ms" 'BEGIN { printf "%d", r / (ms > 0 ? ms : 1) * 1000 }')
	raw_rate=$(awk -v r="$raw_rows" -v s="$raw_secs" 'BEGIN { printf "%d", r / s }')
	row "merge $sets change sets, $rows rows" "$merge_ms ms" "-"
	row "merge rate (incl. process start)" "$merge_rate rows/s" "-"
	row "raw sqlite3changeset_apply rate" "$raw_rate rows/s" "-"
	row "merge / raw apply" "$(awk -v a="$merge_rate" -v b="$raw_rate" 'BEGIN { printf "%.2f", a / b }')" ">= 0.50"
}

# Runs a command with its stderr (the one-line summaries) discarded.
quiet() {
	"$@" 2>/dev/null
}

bench_noop_sync() {
	n=300
	mkdir -p "$WORK/ns-v" "$WORK/ns-remotes"
	echo "code,name,township_name,remote,key" >"$WORK/ns-villages.csv"
	i=0
	while [ $i -lt $n ]; do
		code=$(printf '990101%03d%03d' $((i / 20 + 1)) $((i % 20 + 201)))
		stele-agent -C "$WORK/ns-v/$code" init --village "$code" --name 村$i >/dev/null 2>&1
		stele-agent -C "$WORK/ns-v/$code" member add 党员 >/dev/null
		"$STELE_BUILD/tools/stele-forge" "$WORK/ns-v/$code" "$WORK/ns-remotes/$code.git"
		echo "$code,村$i,镇,$WORK/ns-remotes/$code.git,$(stele-agent -C "$WORK/ns-v/$code" key)" \
			>>"$WORK/ns-villages.csv"
		i=$((i + 1))
	done
	stele-aggregator -C "$WORK/ns" init --county 990101 --name 基准县 2>/dev/null
	stele-aggregator -C "$WORK/ns" village import "$WORK/ns-villages.csv" 2>/dev/null
	time_row "first sync of $n villages (1 change set each)" "-" quiet stele-aggregator -C "$WORK/ns" sync
	time_row "no-op sync of $n villages" "< 1000 ms" quiet stele-aggregator -C "$WORK/ns" sync
}

row "figure" "result" "goal"
bench_write_latency
bench_import_rate
bench_sync_pending
bench_sync_bytes
bench_rankings
bench_merge_rate
bench_noop_sync
