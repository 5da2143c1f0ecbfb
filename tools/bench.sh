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

row "figure" "result" "goal"
bench_write_latency
bench_import_rate
