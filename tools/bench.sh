#!/bin/sh
# bench.sh: `make bench` (QUICK=1 for a short run): measures every performance figure
# the project promises and prints one table: figure, value, goal, peer/limit, ratio.
#
# HOW TO ADD A FIGURE
# 1. Its row is in FIGURES below: id|figure|unit|goal|peer or limit|goal applies to.
#    "goal applies to" is `value` or `ratio` (ratio = value / peer), and the goal is
#    written as "< N", "<= N", "> N" or ">= N" (plain numbers), or "-" for none set.
# 2. Write a function bench_ID (ID as in FIGURES) in the figures section. It runs in
#    its own subshell, in a fresh scratch directory ($PWD, removed afterwards), with
#    the programs on PATH and stdin from /dev/null, and reports with
#        record VALUE [PEER]      numbers in the figure's unit (PEER: the peer/limit)
#        record_for ID VALUE [PEER]  a later figure measured by the same run (p95
#                                 with p50): bench_ID then need not exist
#        note "one line"          printed under the table (sizes, sub-timings)
#    Its stdout and stderr go to the log ($BENCH_LOG), not the table. It scales its
#    work down when QUICK=1. A non-zero exit marks the figure "failed".
#    Helpers: now_ns, ms_since START_NS, seconds_since START_NS, percentile P FILE,
#    nproc_count.
# A figure whose function does not exist yet is printed as "not measured yet".
# BENCH_ONLY="id id ..." runs only those figures; BENCH_KEEP=1 keeps the scratch
# directories (their path is printed at the end).
set -u

BUILD=${STELE_BUILD:-$(pwd)/build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
PATH=$BUILD:$BUILD/tools:$PATH
export PATH
unset STELE_DIR
QUICK=${QUICK:-}
[ "$QUICK" = 0 ] && QUICK=
export QUICK
BENCH_LOG=${BENCH_LOG:-$BUILD/bench.log}
BENCH_MD=${BENCH_MD:-$BUILD/bench.md}
# Scratch space lives in the build directory: big runs need room, and nothing
# outside the project touches it.
SCRATCH=$(mktemp -d "$BUILD/bench-scratch.XXXXXX") || exit 1
if [ -n "${BENCH_KEEP:-}" ]; then
	trap 'echo "bench: kept $SCRATCH" >&2' EXIT
else
	trap 'rm -rf "$SCRATCH"' EXIT
fi
trap 'exit 130' INT TERM

FIGURES='write_p50|write latency p50 (`points add`, process start included)|ms|< 10|-|value
write_p95|write latency p95 (`points add`, process start included)|ms|-|-|value
import_rate|import rate (point events, one `import points`)|rows/s|>= 33334|-|value
sync_1000|sync of 1,000 pending change sets to a local bare repository|s|-|-|value
sync_day_bytes|bytes pushed for one day'"'"'s work (40 writes) vs the village database|bytes|-|database size|ratio
merge_rate|merge rate vs raw sqlite3changeset_apply of the same rows|rows/s|>= 0.5|raw apply rows/s|ratio
noop_sync_300|no-op `stele-aggregator sync` of 300 villages|s|< 1|-|value
rank_2436|`rank villages --month` over 2,436 villages|s|< 1|-|value
cold_changzhi|cold `stele-aggregator sync` + `rank villages` of 2,436 villages x one year|s|-|-|value'

# ---- helpers for figures ----

now_ns() {
	date +%s%N
}

# ms_since START_NS: milliseconds since START_NS, with one decimal.
ms_since() {
	awk -v s="$1" -v e="$(now_ns)" 'BEGIN { printf "%.1f\n", (e - s) / 1e6 }'
}

# seconds_since START_NS: seconds since START_NS, with three decimals.
seconds_since() {
	awk -v s="$1" -v e="$(now_ns)" 'BEGIN { printf "%.3f\n", (e - s) / 1e9 }'
}

# percentile P FILE: the P-th percentile (nearest rank) of the numbers in FILE.
percentile() {
	sort -g "$2" | awk -v p="$1" '{ v[NR] = $1 }
		END { if (NR == 0) exit 1; r = int((p * NR + 99) / 100); if (r < 1) r = 1; print v[r] }'
}

nproc_count() {
	nproc 2>/dev/null || echo 1
}

record() {
	printf '%s|%s\n' "$1" "${2:-}" >"$BENCH_RESULT"
}

record_for() {
	printf '%s|%s\n' "$2" "${3:-}" >"$SCRATCH/result.$1"
}

note() {
	printf '%s\n' "$*" >>"$BENCH_NOTES"
}

# ---- figures ----
# Each engineer adds bench_ID functions here (see the top of this file).

# bench_cold_changzhi: a Changzhi-scale county (2,436 villages; QUICK: 40) with one
# year of records. Prepared unmeasured: simulate, county init + rules publish, every
# agent init + import + close + sync to its bare repository (in parallel, one job per
# core), registration of every village with its key. Measured: the county's first
# `sync` (fetch + verify + apply everything) and the league table for December.
bench_cold_changzhi() {
	if [ -n "$QUICK" ]; then townships=4 per=10; else townships=203 per=12; fi
	year=2025
	server=$PWD/server
	mkdir -p "$server" v
	t0=$(now_ns)
	simulate --out data --townships $townships --villages-per-township $per --months 12 \
		--year $year --seed 42 || return 1
	note "cold run: simulate $((townships * per)) villages x 12 months: $(seconds_since "$t0") s;" \
		"$(($(cat data/villages/*/points.csv | wc -l) - townships * per)) point events"

	t0=$(now_ns)
	stele-aggregator -C county init --county 990101 --name 长治规模县 \
		--publish "$server/county.git" || return 1
	for kind in point-rules standard-items veto-items; do
		stele-aggregator -C county rules import $kind "data/rules/$kind.csv" || return 1
	done
	stele-aggregator -C county rules publish || return 1

	# One village's clerk, start to first sync: its key goes to v/CODE.key.
	# A failure exits 255, which stops xargs.
	cat >village.sh <<'EOF'
trap '[ $? -eq 0 ] || exit 255' EXIT
set -e
server=$1 data=$2 code=$3 name=$4
stele-agent -C "v/$code" init --village "$code" --name "$name" \
	--remote "$server/$code.git" --county "$server/county.git" 2>/dev/null
for kind in members points tasks requests income assessments; do
	stele-agent -C "v/$code" import $kind "$data/villages/$code/$kind.csv" >/dev/null
done
last=$(tail -n 1 "$data/villages/$code/closes.txt")
stele-agent -C "v/$code" close "$last" >/dev/null 2>&1
stele-agent -C "v/$code" sync >/dev/null 2>&1
stele-agent -C "v/$code" key >"v/$code.key"
EOF
	sed 1d data/villages.csv | cut -d, -f1,2 | tr ',' ' ' |
		xargs -P "$(nproc_count)" -n 2 sh village.sh "$server" "$PWD/data"
	[ "$(ls v/*.key 2>/dev/null | wc -l)" -eq $((townships * per)) ] || {
		echo "bench: not every village synced" >&2
		return 1
	}
	{
		echo code,name,township_name,remote,key
		sed 1d data/villages.csv | while IFS=, read -r code name township; do
			echo "$code,$name,$township,$server/$code.git,$(cat "v/$code.key")"
		done
	} >registry.csv
	stele-aggregator -C county village import registry.csv || return 1
	note "cold run: $((townships * per)) agents init + import + close + sync ($(nproc_count) jobs)" \
		"and registration: $(seconds_since "$t0") s (not counted)"

	t0=$(now_ns)
	stele-aggregator -C county sync || return 1
	sync_s=$(seconds_since "$t0")
	t1=$(now_ns)
	stele-aggregator -C county rank villages --month $year-12 --format csv >league.csv || return 1
	rank_s=$(seconds_since "$t1")
	total=$(seconds_since "$t0")
	[ "$(($(wc -l <league.csv) - 1))" -eq $((townships * per)) ] || {
		echo "bench: the league table does not list every village" >&2
		return 1
	}
	note "cold run: county sync $sync_s s + rank $rank_s s; county database" \
		"$(du -k county/stele.db | cut -f1) KiB"
	record "$total"
}

# ---- the driver ----

machine() {
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
	printf '%s; %s cores; %s; %s; %s\n' "${cpu:-unknown CPU}" "$(nproc_count)" "${mem:-? GiB}" \
		"$(uname -sr)" "$(sqlite3 --version 2>/dev/null | cut -d' ' -f1 | sed 's/^/SQLite /')"
}

# meets VALUE GOAL: exit 0 if VALUE satisfies GOAL ("< 10", ">= 0.5").
meets() {
	awk -v v="$1" -v g="$2" 'BEGIN {
		n = split(g, p, " "); op = p[1]; x = p[2] + 0; v += 0
		ok = (op == "<" && v < x) || (op == "<=" && v <= x) || (op == ">" && v > x) ||
		     (op == ">=" && v >= x)
		exit !ok }'
}

# ratio VALUE PEER: VALUE / PEER with two significant decimals.
ratio() {
	awk -v v="$1" -v p="$2" 'BEGIN { if (p + 0 == 0) exit 1; r = v / p
		printf (r < 0.1 ? "%.4f" : "%.2f"), r }'
}

is_function() {
	case $(LC_ALL=C type "$1" 2>/dev/null) in
	*function*) return 0 ;;
	esac
	return 1
}

run_figures() {
	BENCH_NOTES=$SCRATCH/notes
	: >"$BENCH_NOTES"
	: >"$BENCH_LOG"
	rows=$SCRATCH/rows
	: >"$rows"
	echo "$FIGURES" | while IFS='|' read -r id figure unit goal peer applies; do
		BENCH_RESULT=$SCRATCH/result.$id
		dir=$SCRATCH/$id
		mkdir -p "$dir"
		value=- peer_value=- ratio_text=- met=-
		measured=
		if [ -n "${BENCH_ONLY:-}" ] && ! echo " $BENCH_ONLY " | grep -q " $id "; then
			value="skipped (BENCH_ONLY)"
			measured=skipped
		elif [ -s "$BENCH_RESULT" ]; then
			measured=earlier # by another figure's run (record_for)
		elif is_function "bench_$id"; then
			printf 'bench: %s ...\n' "$id" >&2
			echo "== bench_$id" >>"$BENCH_LOG"
			start=$(now_ns)
			(cd "$dir" && BENCH_RESULT=$BENCH_RESULT BENCH_NOTES=$BENCH_NOTES \
				"bench_$id") </dev/null >>"$BENCH_LOG" 2>&1 && [ -s "$BENCH_RESULT" ] &&
				measured=now
			printf 'bench: %s done in %s s\n' "$id" "$(seconds_since "$start")" >&2
		fi
		if [ "$measured" = skipped ]; then
			:
		elif [ -z "$measured" ] && ! is_function "bench_$id"; then
			value="not measured yet"
		else
			if [ -n "$measured" ]; then
				IFS='|' read -r value peer_value <"$BENCH_RESULT"
				[ -n "$peer_value" ] || peer_value=-
				if [ "$peer_value" != - ] && r=$(ratio "$value" "$peer_value"); then
					ratio_text=$r
				fi
				if [ "$goal" != - ]; then
					checked=$value
					[ "$applies" = ratio ] && checked=$ratio_text
					if [ "$checked" = - ]; then met=-
					elif meets "$checked" "$goal"; then met=yes
					else met=NO
					fi
				fi
				value="$value $unit"
				[ "$peer_value" != - ] && peer_value="$peer_value $unit"
			else
				value="failed (see $BENCH_LOG)"
			fi
		fi
		[ -n "${BENCH_KEEP:-}" ] || rm -rf "$dir"
		goal_text=$goal
		[ "$goal" != - ] && [ "$applies" = ratio ] && goal_text="ratio $goal"
		[ "$goal" != - ] && [ "$applies" = value ] && goal_text="$goal $unit"
		[ "$peer" != - ] && [ "$peer_value" != - ] && peer_value="$peer: $peer_value"
		[ "$peer" != - ] && [ "$peer_value" = - ] && peer_value="$peer"
		printf '%s|%s|%s|%s|%s|%s\n' "$figure" "$value" "$goal_text" "$peer_value" \
			"$ratio_text" "$met" >>"$rows"
	done
}

# The rows as a Markdown table (readable as plain text too).
print_table() {
	echo "| figure | value | goal | peer/limit | ratio | met |"
	echo "|---|---|---|---|---|---|"
	awk -F'|' '{ line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line }' "$1"
}

echo "Stele benchmarks$([ -n "$QUICK" ] && echo " (QUICK=1: reduced sizes)"), $(date -u +%Y-%m-%d)"
echo "machine: $(machine)"
echo
run_figures
print_table "$SCRATCH/rows" | tee "$BENCH_MD"
if [ -s "$SCRATCH/notes" ]; then
	echo
	sed 's/^/- /' "$SCRATCH/notes" | tee -a "$BENCH_MD"
fi
echo
echo "(table also in $BENCH_MD; every figure's output in $BENCH_LOG)"
