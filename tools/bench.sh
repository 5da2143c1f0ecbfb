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
#    The table's "peak RSS" column is the largest resident set of the programs the
#    figure ran under `peak COMMAND...` (or timed, wall_cpu, measured, which do the
#    same): /usr/bin/time's %M, appended to $RSS_FILE.
#    Helpers: now_ns, ms_since START_NS, seconds_since START_NS, percentile P FILE,
#    nproc_count.
# A figure whose function does not exist yet is printed as "not measured yet".
# BENCH_ONLY="id id ..." runs only those figures; BENCH_KEEP=1 keeps the scratch
# directories (their path is printed at the end).
set -u

BUILD=${STELE_BUILD:-$(pwd)/build}
STELE_BUILD=$BUILD
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
import_1m|`import points` of 1,000,000 point events (one transaction, split into change sets)|s|-|-|value
sync_1000|sync of 1,000 pending single-row change sets to a local bare repository vs the same objects as one pack with libgit2 directly|s|< 0.5|libgit2 one pack|value
sync_day_bytes|bytes pushed for one day'"'"'s work (40 writes) vs the village database|bytes|-|database size|ratio
server_bytes_cs|server-side bytes per change set: growth of the village'"'"'s bare repository on the server per change set of that day (40 single-row writes, one push) vs the change set'"'"'s own compressed size|bytes|<= 1.5|change set bytes|ratio
server_bytes_bulk|the same for one bulk change set (`import points` of 300 rows, one push)|bytes|<= 1.5|change set bytes|ratio
server_bytes_year|a village'"'"'s year as its clerk syncs it (305 change sets, 49 pushes) on the server after its own `git gc`, vs the change sets'"'"' own bytes|bytes|<= 1.5|change set bytes|ratio
merge_rate|merge rate (bulk: 100 change sets of 301 rows) vs raw sqlite3changeset_apply of the same rows into the county schema with the same history triggers|rows/s|>= 0.8|raw apply with triggers rows/s|ratio
merge_rate_bare|the same merge vs raw sqlite3changeset_apply into the plain schema (no history triggers)|rows/s|-|raw apply, no triggers, rows/s|ratio
merge_single|county merge of single-row change sets (1,000 of one village, process start included) vs raw sqlite3changeset_apply of each|change sets/s|>= 6000|raw apply change sets/s|value
merge_single_cpu|the same merge by its user + system CPU time (every thread), process start included, vs the same with --jobs 1|change sets/s|>= 6000|--jobs 1 change sets/s by CPU|value
merge_villages|county merge of 20 villages x 300 single-row change sets (wall, process start included; default --jobs) vs --jobs 1|change sets/s|-|--jobs 1 change sets/s|ratio
merge_villages_cpu|the same merge by its user + system CPU time vs --jobs 1|change sets/s|-|--jobs 1 change sets/s by CPU|ratio
noop_sync_300|no-op `stele-aggregator sync` of 300 villages|s|< 1|-|value
rank_2436|`rank villages --month` over 2,436 villages (wall time) against the 1 s goal|s|< 1|1|ratio
rank_2436_cpu|`rank villages --month` over 2,436 villages (user + system CPU time) against the 1 s goal|s|< 1|1|ratio
as_of_2436|`rank villages --as-of` a past run over 2,436 villages x one year, after later changes (wall time) against the 3 s goal|s|<= 1|3|ratio
as_of_2436_cpu|`rank villages --as-of` a past run, as above (user + system CPU time) against the 3 s goal|s|<= 1|3|ratio
history_2436|storage of the past states (history tables) after those changes, against the whole county database|MiB|<= 0.25|database MiB|ratio
cold_changzhi|cold `stele-aggregator sync` + `rank villages` of 2,436 villages x one year|s|-|-|value
as_of_changzhi|`rank villages --as-of` a past merge run, 2,436 villages x one year, after later merges and rules|s|<= 3|live `rank villages`|value
cold_real_changzhi|cold `stele-aggregator sync` + `rank villages` of 2,436 villages whose year arrives as their clerks write it (one change set per command, ~743,000)|s|< 120|-|value
cold_real_changzhi_cpu|the same, user + system CPU time|s|< 120|-|value
cold_real_changzhi_rss|the same, peak RSS of the sync or the rank against 1 GiB|MiB|< 1|1024|ratio
city_cold_changzhi|a city of 12 counties, 2,436 villages x a clerk'"'"'s year: cold `sync` + `rank villages` at the city|s|< 60|-|value
city_cold_changzhi_cpu|the same, user + system CPU time|s|< 60|-|value
city_noop_changzhi|no-op `sync` at that city (12 counties, 2,436 villages)|s|< 2|-|value
city_noop_changzhi_cpu|the same, user + system CPU time|s|< 2|-|value
serve_page_p95|workbench server time per page, p95 of the slowest page (300 members, 20,000 point events)|ms|< 1|50|ratio
serve_page_cpu|workbench server CPU time per request of the slowest page (user + system), against the 50 ms limit|ms|< 1|50|ratio'

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

# is_number TEXT: a plain decimal number.
is_number() {
	echo "$1" | grep -Eq '^-?[0-9]+(\.[0-9]+)?$'
}

record() {
	record_for "$CURRENT_FIGURE" "$@"
}

record_for() {
	is_number "$2" && { [ -z "${3:-}" ] || is_number "$3"; } || {
		echo "bench: $1: not a number: '$2' '${3:-}'" >&2
		return 1
	}
	printf '%s|%s\n' "$2" "${3:-}" >"$SCRATCH/result.$1"
	echo "$CURRENT_FIGURE" >"$SCRATCH/by.$1"
}

# peak COMMAND...: runs COMMAND under /usr/bin/time, appending its peak resident set
# (KiB) to $RSS_FILE, the running figure's (the table's "peak RSS" column).
peak() {
	/usr/bin/time -a -f '%M' -o "$RSS_FILE" "$@"
}

note() {
	printf '%s\n' "$*" >>"$BENCH_NOTES"
}

# ---- figures ----
# Each engineer adds bench_ID functions here (see the top of this file). Timing in
# the agent, sync and ranking figures uses perl's Time::HiRes (perl ships with prove).

# A village with ten members, in directory $1.
bench_village() {
	stele-agent -C "$1" init --village 990101001201 --name 基准村 >/dev/null 2>&1
	for i in 1 2 3 4 5 6 7 8 9 10; do
		stele-agent -C "$1" member add "党员$i" >/dev/null
	done
}

# write_p50 (and write_p95): one `points add`, process start included, 200 runs
# (QUICK: 50).
bench_write_p50() {
	runs=200
	[ -n "$QUICK" ] && runs=50
	bench_village latency
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
	' "$runs" latency >latency.out
	read -r p50 p95 <latency.out
	# Its memory, from one more run outside the timed ones.
	peak stele-agent -C latency points add M0001 B01 --date 2026-09-01 >/dev/null
	record "$p50"
	record_for write_p95 "$p95"
	note "write latency: $runs runs of \`points add\`"
}

# import_rate: rows per second of one `import points` of 100,000 point events
# (QUICK: 10,000), one change set for the whole file.
bench_import_rate() {
	rows=100000
	[ -n "$QUICK" ] && rows=10000
	bench_village import
	awk -v n=$rows 'BEGIN {
		print "id,member_id,rule_code,occurred_on,points,stage,note"
		srand(1)
		for (i = 1; i <= n; i++)
			printf ",M%04d,%s,2025-%02d-%02d,,published,批量导入 %d\n", 1 + int(rand() * 10),
				rand() < 0.5 ? "B01" : "M01", 1 + int(rand() * 12), 1 + int(rand() * 28), i
	}' >points.csv
	perl -MTime::HiRes=time -e '
		my ($dir, $file) = @ARGV;
		my $t = time;
		system("/usr/bin/time -a -f %M -o $ENV{RSS_FILE} stele-agent -C $dir import points $file 2>/dev/null") == 0
			or die "import failed\n";
		printf "%.2f\n", time - $t;
	' import points.csv >import.out
	read -r secs <import.out
	record "$(awk -v r=$rows -v s="$secs" 'BEGIN { printf "%d", r / s }')"
	note "import: $rows point events in $secs s"
}

# serve_page_p95: the workbench (`stele-agent serve`) answering each page of a
# village of 300 members and 20,000 point events (most published, some at each
# review stage), 20 requests per page (QUICK: 5) over 127.0.0.1 with curl; the
# figure is the p95 of the slowest page, against the 50 ms limit (the ratio).
# serve_cpu_ticks PID: the CPU time (user + system, in clock ticks) PID has used.
serve_cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

bench_serve_page_p95() {
	runs=20
	[ -n "$QUICK" ] && runs=5
	stele-agent -C web init --village 990101001201 --name 基准村 >/dev/null 2>&1
	awk 'BEGIN { print "id,name,gender,born,joined,status,grid"
		for (i = 1; i <= 300; i++) printf ",党员%d,%s,%d,2001-07-01,,%d组\n", i, i % 2 ? "M" : "F", 1950 + i % 50, i % 8 + 1 }' >members.csv
	awk 'BEGIN { print "id,member_id,rule_code,occurred_on,points,stage,note"
		split("recorded group committee assembly", st, " ")
		srand(1)
		for (i = 1; i <= 20000; i++) {
			m = 1 + int(rand() * 12)
			stage = (i % 100 < 4) ? st[1 + i % 4] : "published"
			printf ",M%04d,%s,2026-%02d-%02d,,%s,\n", 1 + int(rand() * 300), rand() < 0.5 ? "B01" : "B02", m, 1 + int(rand() * 28), stage
		} }' >points.csv
	stele-agent -C web import members members.csv 2>/dev/null &&
		stele-agent -C web import points points.csv 2>/dev/null || return 1
	for i in $(seq 1 40); do stele-agent -C web task add "任务$i" --due 2026-0$((i % 9 + 1))-15 >/dev/null; done
	stele-agent -C web serve >serve.out 2>serve.err &
	pid=$!
	n=0
	while [ $n -lt 100 ] && ! [ -s serve.out ]; do sleep 0.05; n=$((n + 1)); done
	url=$(head -n 1 serve.out)
	base=${url%%/?token=*}
	curl -s -o /dev/null -c jar "$url" || { kill $pid; return 1; }
	worst=0 worst_page= worst_cpu=0 worst_cpu_page=
	for page in / /members /points "/points?month=2026-06" /points/review "/points/rank?month=2026-06" \
		"/points/rank?month=2026-06&scope=year" "/points/notice?month=2026-06" /tasks /requests \
		/income /assess /close /log /data /sync; do
		: >times
		cpu0=$(serve_cpu_ticks $pid)
		i=0
		while [ $i -lt $runs ]; do
			i=$((i + 1))
			curl -s -b jar -o /dev/null -w '%{time_total}\n' "$base$page" >>times
		done
		cpu=$(awk -v a="$cpu0" -v b="$(serve_cpu_ticks $pid)" -v hz="$(getconf CLK_TCK)" -v n=$runs \
			'BEGIN { printf "%.1f", (b - a) * 1000 / hz / n }')
		p95=$(awk '{ printf "%.2f\n", $1 * 1000 }' times | { cat >ms; percentile 95 ms; })
		note "workbench $page: p95 $p95 ms (server CPU $cpu ms a request)"
		if awk -v a="$p95" -v b="$worst" 'BEGIN { exit !(a > b) }'; then
			worst=$p95 worst_page=$page
		fi
		if awk -v a="$cpu" -v b="$worst_cpu" 'BEGIN { exit !(a > b) }'; then
			worst_cpu=$cpu worst_cpu_page=$page
		fi
	done
	# A download, not a page: noted, not counted.
	: >times
	for i in 1 2 3; do curl -s -b jar -o /dev/null -w '%{time_total}\n' "$base/export?kind=points" >>times; done
	note "workbench export of 20,000 point events (a download): $(awk '{ s += $1 } END { printf "%.0f", s / NR * 1000 }' times) ms"
	awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" >>"$RSS_FILE"
	kill -TERM $pid
	wait $pid
	record "$worst" 50
	record_for serve_page_cpu "$worst_cpu" 50
	note "workbench: slowest page $worst_page, most CPU $worst_cpu_page ($runs requests a page," \
		"load average $(cut -d' ' -f1 /proc/loadavg))"
}

# import_1m: one `import points` of 1,000,000 point events (QUICK: 200,000), a
# 53 MB file: too much for one change set, so it is split into several, all in one
# transaction.
bench_import_1m() {
	rows=1000000
	[ -n "$QUICK" ] && rows=200000
	bench_village big
	awk -v n=$rows 'BEGIN {
		print "id,member_id,rule_code,occurred_on,points,stage,note"
		srand(2)
		for (i = 1; i <= n; i++)
			printf ",M%04d,%s,2025-%02d-%02d,,published,批量导入 %d\n", 1 + int(rand() * 10),
				rand() < 0.5 ? "B01" : "M01", 1 + int(rand() * 12), 1 + int(rand() * 28), i
	}' >big.csv
	before=$(sqlite3 big/stele.db "SELECT count(*) FROM stele_outbox")
	start=$(now_ns)
	peak stele-agent -C big import points big.csv 2>/dev/null || return 1
	secs=$(seconds_since "$start")
	after=$(sqlite3 big/stele.db "SELECT count(*) FROM stele_outbox")
	record "$secs"
	note "import_1m: $rows point events ($(wc -c <big.csv) bytes) in $secs s, $((after - before)) change sets"
}

# sync_1000: one `sync` committing and pushing 1,000 pending single-row change
# sets (QUICK: 200) to a local bare repository (a USB stick), against the same
# objects written as one pack into a new repository with libgit2 directly
# (tools/bench-pack.c), both timed as processes, in the same run.
bench_sync_1000() {
	sets=1000
	[ -n "$QUICK" ] && sets=200
	stele-agent -C sync init --village 990101001201 --name 基准村 >/dev/null 2>&1
	i=0
	while [ $i -lt $sets ]; do
		i=$((i + 1))
		stele-agent -C sync member add "党员$i" >/dev/null
	done
	cp sync/stele.db limit.db
	perl -MTime::HiRes=time -e '
		my ($dir, $remote, $db) = @ARGV;
		my $t = time;
		system("bench-pack $db limit.git >limit.out") == 0 or die "bench-pack failed\n";
		my $limit = time - $t;
		$t = time;
		system("/usr/bin/time -a -f %M -o $ENV{RSS_FILE} stele-agent -C $dir sync --remote $remote 2>/dev/null") == 0
			or die "sync failed\n";
		printf "%.3f %.3f\n", time - $t, $limit;
	' sync "$PWD/sync-remote.git" limit.db >sync.out
	read -r secs limit <sync.out
	read -r _ inner <limit.out
	record "$secs" "$limit"
	note "sync: $sets change sets; libgit2 alone: $limit s as a process, $inner s inside it;" \
		"$(ls sync/repo.git/objects/pack/*.pack | wc -l) pack(s) in the village repository," \
		"$(find sync/repo.git/objects -path '*/objects/??/*' -type f | wc -l) loose objects"
}

# sync_day_bytes: the bytes a day's work (40 writes) adds to the remote, against
# the village database's size.
bench_sync_day_bytes() {
	writes=40
	bench_village day
	stele-agent -C day remote set "$PWD/day-remote.git" 2>/dev/null
	stele-agent -C day sync 2>/dev/null
	before=$(du -sb day-remote.git/objects | cut -f1)
	i=0
	while [ $i -lt $writes ]; do
		i=$((i + 1))
		stele-agent -C day points add M000$((i % 9 + 1)) B01 --date 2026-09-01 \
			--note "第 $i 条" >/dev/null
	done
	old=$(stream_seq day-remote.git)
	peak stele-agent -C day sync 2>/dev/null
	after=$(du -sb day-remote.git/objects | cut -f1)
	record "$((after - before))" "$(stat -c %s day/stele.db)"
	note "sync bytes: growth of the remote's objects (its small pack and index, the push folded into them) for $writes \`points add\`"
	# server_bytes_cs: the same growth per change set, against the change sets' own
	# encoded (signed, zlib-compressed) bytes, as the outbox holds them (a batch's
	# framing counts as the server's).
	sets=$(( $(stream_seq day-remote.git) - old ))
	own=$(outbox_bytes day "$old")
	record_for server_bytes_cs "$(( (after - before) / sets ))" "$((own / sets))"
	# server_bytes_bulk: one change set of 300 point events, pushed alone.
	awk 'BEGIN { print "id,member_id,rule_code,occurred_on,points,stage,note"
		for (i = 1; i <= 300; i++) printf ",M%04d,B01,2026-09-%02d,,published,批量 %d\n", 1 + i % 10, 1 + i % 28, i }' >bulk.csv
	stele-agent -C day import points bulk.csv 2>/dev/null
	old=$(stream_seq day-remote.git)
	before=$(du -sb day-remote.git/objects | cut -f1)
	stele-agent -C day sync 2>/dev/null
	after=$(du -sb day-remote.git/objects | cut -f1)
	[ "$(stream_seq day-remote.git)" -eq $((old + 1)) ] || return 1
	record_for server_bytes_bulk "$((after - before))" "$(outbox_bytes day "$old")"
	note "server bytes: a push adds one commit, its tree and the change sets' blob (a batch of" \
		"the day's 40, or the bulk one alone) and 28 bytes of index an object: its pack is folded" \
		"into the remote's small one (lib/gitodb.c stele_repo_rollup); $(git -C day-remote.git count-objects -v |
		awk '/^packs:/ { print $2 }') pack(s) on the server after $(stream_seq day-remote.git) change sets"
	# server_bytes_year: a village's year as its clerk syncs it (clerk-year: 305
	# change sets in 49 pushes) on a server that has run its own \`git gc\` (as git's
	# receive-pack does by itself, gc.auto), against the change sets' own bytes.
	clerk-year year.repos --county 990101 --seed 7 >/dev/null || return 1
	repo=year.repos/990101001201.git
	git -C "$repo" -c gc.auto=0 gc -q 2>/dev/null || return 1
	own=$(git -C "$repo" log --format=%H main | sed 's/$/:changeset/' |
		git -C "$repo" cat-file --batch | perl -e '
			my $own = 0; $/ = "\n";
			while (my $head = <STDIN>) { my ($id, $type, $size) = split " ", $head;
				read STDIN, my $b, $size; <STDIN>;
				if (substr($b, 0, 8) ne "STELECB1") { $own += $size; next }
				for (my $at = 8; $at + 4 <= $size;) { my $n = unpack("N", substr($b, $at, 4));
					$own += $n; $at += 4 + $n } }
			print "$own\n"')
	record_for server_bytes_year "$(du -sb "$repo/objects" | cut -f1)" "$own"
	note "server bytes, a year: $(stream_seq "$repo") change sets in" \
		"$(git -C "$repo" rev-list --count main) commits, $(du -sb "$repo/objects" | cut -f1) bytes" \
		"after git gc, the change sets themselves $own bytes"
}

# outbox_bytes DIR SEQ: the encoded bytes of DIR's change sets past SEQ.
outbox_bytes() {
	sqlite3 "$1/stele.db" "SELECT coalesce(sum(length(data)), 0) FROM stele_outbox WHERE seq > $2"
}

# stream_seq GIT_DIR: the last seq of a stream's main, from its subject ("seq N:
# ..." for one change set, "seq A-B: N change sets" for a batch).
stream_seq() {
	git --git-dir="$1" log -1 --format=%s main 2>/dev/null |
		sed -n 's/^seq \([0-9]*-\)\{0,1\}\([0-9]*\):.*/\2/p' | grep . || echo 0
}

# rank_2436: a synthetic county of 2,436 villages (122 townships of 20): members
# with point events every month, tasks, requests, income, two years of
# assessments; every 50th village never synced. Measured: one month's league table.

# timed OUT COMMAND...: runs COMMAND with its stdout in OUT; sets wall_s (its
# wall time) and cpu_s (the user + system CPU time it and its children used), in
# seconds. On a loaded machine the CPU time is the figure to read.
timed() {
	perl -MTime::HiRes=time -e 'my $out = shift; my $t = time;
		open(my $keep, ">&", \*STDOUT) or die; open(STDOUT, ">", $out) or die "$out: $!\n";
		my $rc = system("/usr/bin/time", "-a", "-f", "%M", "-o", $ENV{RSS_FILE}, @ARGV); my @c = times; open(STDOUT, ">&", $keep) or die;
		open(my $f, ">", "timed.out") or die; printf $f "%.3f %.3f\n", time - $t, $c[2] + $c[3];
		exit($rc == 0 ? 0 : 1)' "$@" || return 1
	read -r wall_s cpu_s <timed.out
}

# Milliseconds since the epoch, and one timed command (stdout discarded) as a note.
ms_now() {
	perl -MTime::HiRes=time -e 'printf "%d\n", time * 1000'
}
time_note() {
	what=$1
	shift
	start=$(ms_now)
	"$@" >/dev/null
	note "$what: $(( $(ms_now) - start )) ms"
}

# history_mib DB: the MiB the past states take in DB (lib/history.c: the NAME_hist
# and NAME_since tables, their indexes, stele_hist_mark), from SQLite's dbstat.
history_mib() {
	sqlite3 "$1" "SELECT printf('%.1f', coalesce(sum(pgsize), 0) / 1048576.0) FROM dbstat
		WHERE name LIKE '%\\_hist%' ESCAPE '\\' OR name LIKE '%\\_since' ESCAPE '\\'"
}

bench_rank_2436() {
	villages=2436 members=25 months=12 per_month=3
	if [ -n "$QUICK" ]; then members=10 months=3 per_month=2; fi
	county=$PWD/county
	mkdir -p "$county"
	last=0
	for f in "$SRC"/schema/[0-9]*.sql; do
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
	note "rankings: synthetic county of $villages villages, $(sqlite3 "$county/stele.db" \
		"SELECT count(*) FROM point_event") point events, built in $(( $(ms_now) - start )) ms"
	month=$(printf '2026-%02d' "$months")
	timed league.csv stele-aggregator -C "$county" rank villages --month "$month" --format csv
	record "$wall_s" 1
	record_for rank_2436_cpu "$cpu_s" 1
	note "rankings: rank villages --month: $wall_s s wall, $cpu_s s CPU (user + system)"
	time_note "rankings: rank villages --month --township" \
		stele-aggregator -C "$county" rank villages --month "$month" --township 990101061 --format csv
	time_note "rankings: rank stars --year" stele-aggregator -C "$county" rank stars --year 2026 --format csv
	time_note "rankings: rank members --year (all villages)" \
		stele-aggregator -C "$county" rank members --year 2026 --format csv
	time_note "rankings: rank members --month (all villages)" \
		stele-aggregator -C "$county" rank members --month "$month" --format csv
	time_note "rankings: report --month (12 league tables)" \
		stele-aggregator -C "$county" report --month "$month" --out report.html
	note "rankings: report size $(wc -c <report.html) bytes"

	# Past states at the same scale: the history is installed (every row at epoch
	# 0) by the first command that opens the county for writing, a merge run 1 is
	# numbered at the state just ranked; then a month of reviews moves on and the
	# weights change (a later epoch), and the league of run 1 is asked for again.
	stele-aggregator -C keysrc init --county 990101 --name 密钥 >/dev/null 2>&1 || return 1
	cp keysrc/signing.key "$county/signing.key"
	t0=$(ms_now)
	stele-aggregator -C "$county" veto list >/dev/null || return 1
	note "past states: history installed over the synthetic county in $(( $(ms_now) - t0 )) ms"
	sqlite3 -bail "$county/stele.db" >/dev/null <<SQL || return 1
INSERT INTO stele_epoch VALUES (1, unixepoch() * 1000, 'merge');
INSERT INTO stele_run (id, epoch, started_at, finished_at)
  VALUES (1, 1, unixepoch() * 1000, unixepoch() * 1000);
INSERT INTO stele_epoch VALUES (2, unixepoch() * 1000 + 1, 'merge');
BEGIN;
UPDATE point_event SET stage = 'published' WHERE stage = 'recorded';
INSERT INTO ranking_config VALUES ('weight.income', '40')
  ON CONFLICT (key) DO UPDATE SET value = excluded.value;
COMMIT;
SQL
	stele-aggregator -C "$county" rank villages --month "$month" --format csv >league-now.csv
	! cmp -s league.csv league-now.csv || { echo "bench: the later changes changed nothing" >&2; return 1; }
	timed league-as-of.csv stele-aggregator -C "$county" rank villages --month "$month" \
		--as-of 1 --format csv || return 1
	as_of_wall=$wall_s as_of_cpu=$cpu_s
	cmp -s league.csv league-as-of.csv || {
		echo "bench: rank --as-of 1 differs from the league printed at run 1" >&2
		return 1
	}
	timed /dev/null stele-aggregator -C "$county" rank villages --month "$month" --format csv
	note "past states: rank villages --as-of 1 $as_of_wall s wall, $as_of_cpu s CPU; the live" \
		"league after the changes $wall_s s wall, $cpu_s s CPU (same run)"
	note "past states: $(sqlite3 "$county/stele.db" "SELECT count(*) FROM point_event") point" \
		"events, $(sqlite3 "$county/stele.db" "SELECT count(*) FROM point_event_hist") kept" \
		"versions of changed ones, $(sqlite3 "$county/stele.db" "SELECT count(*) FROM point_event_since") noted epochs"
	record_for as_of_2436 "$as_of_wall" 3
	record_for as_of_2436_cpu "$as_of_cpu" 3
	sqlite3 "$county/stele.db" "PRAGMA wal_checkpoint(TRUNCATE); VACUUM" >/dev/null || return 1
	record_for history_2436 "$(history_mib "$county/stele.db")" \
		"$(awk -v b="$(wc -c <"$county/stele.db")" 'BEGIN { printf "%.1f", b / 1048576 }')"
}

# merge_rate: the merge rate (verify + apply + record, batches of change sets per
# transaction) against a raw sqlite3changeset_apply of the same change sets in one
# transaction (tools/bench-apply.c), in the same run. 100 change sets of 300 point
# events (QUICK: 20 of 200), forged straight into a repository (tools/stele-forge).
# The county keeps past states (lib/history.c): its merge fires the history
# triggers on every row, so the goal is against a raw apply into the same schema
# with the same triggers and an epoch open (bench-apply --history); merge_rate_bare
# is against a raw apply into the plain schema, which pays no triggers. The merge is
# timed as a process (start, reading the mirror, checks, signatures, the commit's
# fsync); the raw applies inside their process, once the change sets are in memory.
bench_merge_rate() {
	sets=100 per=300
	[ -n "$QUICK" ] && sets=20 per=200
	code=990101001201
	stele-agent -C mv init --village $code --name 基准村 >/dev/null 2>&1
	k=1
	while [ $k -le $sets ]; do
		stele-forge mv "$PWD/mv-remote.git" --sql "
			INSERT INTO member (village_code, id, name) VALUES ('$code', 'M$k', '党员$k');
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $per)
			INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on, points,
			  stage, note) SELECT '$code', 'E$k-' || i, 'M$k', 'B01', '2026-09-01', 20,
			  'published', '批量 ' || i FROM n"
		k=$((k + 1))
	done
	stele-aggregator -C mc init --county 990101 --name 基准县 2>/dev/null
	stele-aggregator -C mc village add $code --name 基准村 --township-name 镇 \
		--remote "$PWD/mv-remote.git" --key "$(stele-agent -C mv key)" >/dev/null
	stele-aggregator -C mc fetch 2>/dev/null
	# Three rounds, each the merge (a fresh copy of the fetched county) then both raw
	# applies (fresh databases); the best of each counts, the machine being shared.
	: >rounds
	for round in 1 2 3; do
		rm -rf mc.run raw.db* rawh.db*
		cp -a mc mc.run
		wall_cpu stele-aggregator -C mc.run merge >merge.out 2>/dev/null || return 1
		peak bench-apply --history "$PWD/mv-remote.git" "$PWD/rawh.db" >rawh.out
		peak bench-apply "$PWD/mv-remote.git" "$PWD/raw.db" >raw.out
		read -r merge_ms merge_cpu <merge.out
		read -r hist_rows hist_secs hist_cpu <rawh.out
		read -r raw_rows raw_secs raw_cpu <raw.out
		echo "$merge_ms $merge_cpu $hist_secs $hist_cpu $raw_secs $raw_cpu" >>rounds
	done
	rows=$(sqlite3 mc.run/stele.db "SELECT sum(rows) FROM stele_applied")
	[ "$hist_rows" = "$rows" ] && [ "$raw_rows" = "$rows" ] || return 1
	# The best of each: merge ms, merge CPU ms, then seconds for the raw applies.
	awk 'NR == 1 { for (i = 1; i <= 6; i++) m[i] = $i }
		{ for (i = 1; i <= 6; i++) if ($i + 0 < m[i] + 0) m[i] = $i }
		END { print m[1], m[2], m[3], m[4], m[5], m[6] }' rounds >best
	read -r merge_ms merge_cpu hist_secs hist_cpu raw_secs raw_cpu <best
	merge_rate=$(per_second "$rows" "$merge_ms")
	record "$merge_rate" "$(awk -v r="$rows" -v s="$hist_secs" 'BEGIN { printf "%d", r / s }')"
	record_for merge_rate_bare "$merge_rate" \
		"$(awk -v r="$rows" -v s="$raw_secs" 'BEGIN { printf "%d", r / s }')"
	note "merge: $sets change sets, $rows rows, best of 3 rounds: $merge_ms ms ($merge_cpu ms CPU)," \
		"process start included; raw apply with the history triggers $hist_secs s ($hist_cpu s" \
		"CPU), without $raw_secs s ($raw_cpu s CPU); by CPU time the merge is" \
		"$(awk -v m="$merge_cpu" -v h="$hist_cpu" 'BEGIN { printf "%.2f", h * 1000 / m }') of the" \
		"first and $(awk -v m="$merge_cpu" -v r="$raw_cpu" 'BEGIN { printf "%.2f", r * 1000 / m }')" \
		"of the second; rounds (merge ms, CPU ms; raw s, CPU s with and without triggers):" \
		"$(tr '\n' ';' <rounds) load average $(load_now)"
}

# merge_single: the county's merge of 1,000 single-row change sets of one village
# (QUICK: 200), forged into its repository as a clerk's day of `points add` would
# write them (tools/stele-forge --repeat), against a raw sqlite3changeset_apply of
# each of the same change sets in one transaction (tools/bench-apply.c). Notes: the
# merge's CPU time, and the one-by-one path (STELE_MERGE_ONE_BY_ONE=1) on the same
# input, for the ratio combining gains.
# wall_cpu CMD...: runs CMD, prints its wall and CPU (user + system, every thread)
# milliseconds.
wall_cpu() {
	perl -MTime::HiRes=time -e '
		my $t = time;
		system("/usr/bin/time", "-a", "-f", "%M", "-o", $ENV{RSS_FILE}, @ARGV) == 0 or exit 1;
		my @c = times;
		printf "%.1f %.1f\n", (time - $t) * 1000, ($c[2] + $c[3]) * 1000;
	' "$@"
}

# per_second N MS: N in MS milliseconds, per second.
per_second() {
	awk -v n="$1" -v ms="$2" 'BEGIN { printf "%d", n / (ms > 0 ? ms : 1) * 1000 }'
}

bench_merge_single() {
	n=1000
	[ -n "$QUICK" ] && n=200
	code=990101001201
	stele-agent -C sv init --village $code --name 基准村 >/dev/null 2>&1 &&
	stele-agent -C sv member add 党员 >/dev/null 2>&1 &&
	stele-forge sv "$PWD/sv.git" &&
	stele-forge sv "$PWD/sv.git" --repeat $n --sql "INSERT INTO point_event (village_code,
		id, member_id, rule_code, occurred_on, points, stage, note) VALUES ('$code',
		'E{n}', 'M0001', 'B01', '2026-09-01', 20, 'published', '第 {n} 条')" || return 1
	stele-aggregator -C sc init --county 990101 --name 基准县 2>/dev/null &&
	stele-aggregator -C sc village add $code --name 基准村 --township-name 镇 \
		--remote "$PWD/sv.git" --key "$(stele-agent -C sv key)" >/dev/null &&
	stele-aggregator -C sc fetch 2>/dev/null &&
	cp -a sc so && cp -a sc s1 || return 1
	wall_cpu stele-aggregator -C sc merge >combined.out 2>combined.err || return 1
	wall_cpu stele-aggregator -C s1 merge --jobs 1 >jobs1.out 2>jobs1.err || return 1
	STELE_MERGE_ONE_BY_ONE=1 wall_cpu stele-aggregator -C so merge >single.out 2>single.err ||
		return 1
	read -r c_ms c_cpu <combined.out
	read -r j_ms j_cpu <jobs1.out
	read -r o_ms o_cpu <single.out
	sets=$(sqlite3 sc/stele.db "SELECT count(*) FROM stele_applied")
	[ "$sets" = "$(sqlite3 so/stele.db "SELECT count(*) FROM stele_applied")" ] || return 1
	bench-apply "$PWD/sv.git" "$PWD/raw.db" >raw.out || return 1
	read -r raw_sets raw_secs _ <raw.out
	rate=$(awk -v n="$sets" -v ms="$c_ms" 'BEGIN { printf "%d", n / (ms > 0 ? ms : 1) * 1000 }')
	raw_rate=$(awk -v n="$raw_sets" -v s="$raw_secs" 'BEGIN { printf "%d", n / s }')
	record "$rate" "$raw_rate"
	record_for merge_single_cpu "$(per_second "$sets" "$c_cpu")" "$(per_second "$sets" "$j_cpu")"
	note "merge_single: $sets change sets in $c_ms ms ($c_cpu ms CPU) combined, default --jobs ($(nproc_count) cores); --jobs 1 $j_ms ms ($j_cpu ms CPU); one by one $o_ms ms ($o_cpu ms CPU): $(awk -v a="$o_cpu" -v b="$c_cpu" 'BEGIN { printf "%.1f", a / (b > 0 ? b : 1) }')x the CPU"
}

# merge_villages: the county's merge of 20 villages x 300 single-row change sets
# (QUICK: 5 x 100), as their clerks' days write them, with the default --jobs and
# with --jobs 1, the same input; each includes process start.
bench_merge_villages() {
	nv=20 per=300
	[ -n "$QUICK" ] && nv=5 per=100
	stele-aggregator -C mv init --county 990101 --name 基准县 2>/dev/null || return 1
	i=0
	while [ $i -lt $nv ]; do
		code=$(printf '990101%03d%03d' $((i / 10 + 1)) $((i % 10 + 201)))
		stele-agent -C "v/$code" init --village $code --name 村$i >/dev/null 2>&1 &&
		stele-agent -C "v/$code" member add 党员 >/dev/null 2>&1 &&
		stele-forge "v/$code" "$PWD/r/$code.git" &&
		stele-forge "v/$code" "$PWD/r/$code.git" --repeat $per --sql "INSERT INTO point_event
			(village_code, id, member_id, rule_code, occurred_on, points, stage) VALUES
			('$code', 'E{n}', 'M0001', 'B01', '2026-09-01', 20, 'published')" >/dev/null &&
		stele-aggregator -C mv village add $code --name 村$i --township-name 镇$((i / 10 + 1)) \
			--remote "$PWD/r/$code.git" --key "$(stele-agent -C "v/$code" key)" >/dev/null ||
			return 1
		i=$((i + 1))
	done
	stele-aggregator -C mv fetch 2>/dev/null && cp -a mv m1 || return 1
	wall_cpu stele-aggregator -C mv merge >jobs.out 2>jobs.err || return 1
	wall_cpu stele-aggregator -C m1 merge --jobs 1 >jobs1.out 2>jobs1.err || return 1
	read -r n_ms n_cpu <jobs.out
	read -r j_ms j_cpu <jobs1.out
	sets=$(sqlite3 mv/stele.db "SELECT count(*) FROM stele_applied")
	[ "$sets" = "$(sqlite3 m1/stele.db "SELECT count(*) FROM stele_applied")" ] || return 1
	record "$(per_second "$sets" "$n_ms")" "$(per_second "$sets" "$j_ms")"
	record_for merge_villages_cpu "$(per_second "$sets" "$n_cpu")" "$(per_second "$sets" "$j_cpu")"
	note "merge_villages: $sets change sets of $nv villages in $n_ms ms ($n_cpu ms CPU) with the default --jobs ($(nproc_count) cores); --jobs 1 $j_ms ms ($j_cpu ms CPU)"
}

# noop_sync_300: a second `stele-aggregator sync` of 300 villages with nothing new
# (each village has one change set, merged by the first sync).
bench_noop_sync_300() {
	n=300
	mkdir -p ns-v ns-remotes
	echo "code,name,township_name,remote,key" >ns-villages.csv
	i=0
	while [ $i -lt $n ]; do
		code=$(printf '990101%03d%03d' $((i / 20 + 1)) $((i % 20 + 201)))
		stele-agent -C "ns-v/$code" init --village "$code" --name 村$i >/dev/null 2>&1
		stele-agent -C "ns-v/$code" member add 党员 >/dev/null
		stele-forge "ns-v/$code" "$PWD/ns-remotes/$code.git"
		echo "$code,村$i,镇,$PWD/ns-remotes/$code.git,$(stele-agent -C "ns-v/$code" key)" \
			>>ns-villages.csv
		i=$((i + 1))
	done
	stele-aggregator -C ns init --county 990101 --name 基准县 2>/dev/null
	stele-aggregator -C ns village import ns-villages.csv 2>/dev/null
	time_note "no-op sync: the first sync of $n villages (1 change set each)" stele-aggregator -C ns sync
	start=$(ms_now)
	peak stele-aggregator -C ns sync 2>/dev/null
	record "$(awk -v ms=$(( $(ms_now) - start )) 'BEGIN { printf "%.3f", ms / 1000 }')"
}

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
stele-agent -C "v/$code" close "$last" --force >/dev/null 2>&1
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

	measured sync.out stele-aggregator -C county sync || return 1
	sync_s=$wall_s sync_cpu=$cpu_s sync_rss=$rss_mib
	measured league.csv stele-aggregator -C county rank villages --month $year-12 --format csv ||
		return 1
	rank_s=$wall_s
	total=$(awk -v a="$sync_s" -v b="$rank_s" 'BEGIN { printf "%.2f", a + b }')
	[ "$(($(wc -l <league.csv) - 1))" -eq $((townships * per)) ] || {
		echo "bench: the league table does not list every village" >&2
		return 1
	}
	note "cold run: county sync $sync_s s ($sync_cpu s CPU, peak RSS $sync_rss MiB) + rank" \
		"$rank_s s ($cpu_s s CPU, peak RSS $rss_mib MiB); county database" \
		"$(du -k county/stele.db | cut -f1) KiB"
	record "$total"

	# Past states: a later merge run (20 villages record more income) and new rules
	# live, then the league table of the first run again, which must not move.
	sed 1d data/villages.csv | head -n 20 | cut -d, -f1 | while read -r code; do
		stele-agent -C "v/$code" income add $year-12 1 --source 补记 >/dev/null &&
		stele-agent -C "v/$code" sync >/dev/null 2>&1 || exit 1
	done || return 1
	stele-aggregator -C county sync || return 1
	printf 'key,value\nweight.income,40\n' >config.csv
	stele-aggregator -C county rules import config config.csv || return 1
	stele-aggregator -C county rules publish || return 1
	t0=$(now_ns)
	stele-aggregator -C county rank villages --month $year-12 --as-of 1 --format csv \
		>league-as-of.csv || return 1
	as_of_s=$(seconds_since "$t0")
	cmp -s league.csv league-as-of.csv || {
		echo "bench: rank --as-of 1 differs from the league table printed after run 1" >&2
		return 1
	}
	note "past states: rank villages --as-of 1 $as_of_s s against live $rank_s s; history" \
		"tables $(history_mib county/stele.db) MiB of $(du -m county/stele.db | cut -f1) MiB"
	record_for as_of_changzhi "$as_of_s" "$rank_s"
}

# measured OUT COMMAND...: runs COMMAND (stdout to OUT) under /usr/bin/time; sets wall_s,
# cpu_s (user + system) and rss_mib (its peak resident set, VmHWM, in MiB).
measured() {
	out=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o measured.out "$@" >"$out" || return 1
	read -r wall_s user_s sys_s rss_kib <measured.out
	echo "$rss_kib" >>"$RSS_FILE"
	cpu_s=$(awk -v u="$user_s" -v s="$sys_s" 'BEGIN { printf "%.2f", u + s }')
	rss_mib=$(awk -v k="$rss_kib" 'BEGIN { printf "%.1f", k / 1024 }')
}

# load_now: the 1-minute load average.
load_now() {
	cut -d' ' -f1 /proc/loadavg
}

# real_county DIR CODE SERVER TOWNSHIPS PER SEED: county CODE in DIR, its villages'
# year written as their clerks write it (tools/clerk-year.c: one change set per
# command, about 305 a village) into SERVER/VILLAGE.git, every village registered
# with its key, the registry and the default catalogue published to
# SERVER/county.git. Nothing merged yet.
real_county() {
	stele-aggregator -C "$1" init --county "$2" --name "规模县$2" --publish "$3/county.git" \
		2>/dev/null &&
	clerk-year "$3" --county "$2" --townships "$4" --villages-per-township "$5" --year 2025 \
		--seed "$6" --jobs "$(nproc_count)" >"$1.registry.csv" &&
	stele-aggregator -C "$1" village import "$1.registry.csv" >/dev/null 2>&1 &&
	stele-aggregator -C "$1" rules publish >/dev/null 2>&1
}

# cold_sync_rank DIR VILLAGES SETS: the measured part of a cold run: DIR's first
# `sync` (sync_wall, sync_cpu, sync_rss) and December's league table (wall_s,
# cpu_s, rss_mib), checked by all_merged; total is the two wall times; load0 the
# load average before.
cold_sync_rank() {
	load0=$(load_now)
	measured sync.out stele-aggregator -C "$1" sync || return 1
	sync_wall=$wall_s sync_cpu=$cpu_s sync_rss=$rss_mib
	measured league.csv stele-aggregator -C "$1" rank villages --month 2025-12 --format csv ||
		return 1
	all_merged "$1" league.csv "$2" "$3" || return 1
	total=$(awk -v a="$sync_wall" -v b="$wall_s" 'BEGIN { printf "%.2f", a + b }')
}

# all_merged DIR LEAGUE VILLAGES SETS: the check of a cold run: the league table
# LEAGUE (CSV) lists every one of VILLAGES, and DIR's database applied all SETS
# village change sets with none quarantined.
all_merged() {
	[ "$(($(wc -l <"$2") - 1))" -eq "$3" ] || {
		echo "bench: $1's league table lists $(($(wc -l <"$2") - 1)) of $3 villages" >&2
		return 1
	}
	applied=$(sqlite3 "$1/stele.db" "SELECT count(*) FROM stele_applied WHERE length(writer) = 12")
	quarantined=$(sqlite3 "$1/stele.db" "SELECT count(*) FROM stele_quarantine")
	[ "$quarantined" -eq 0 ] && [ "$applied" -eq "$4" ] || {
		echo "bench: $1 applied $applied of $4 village change sets, $quarantined quarantined" >&2
		return 1
	}
}

# bench_cold_real_changzhi: a Changzhi-scale county (2,436 villages = 203 townships
# of 12; QUICK: 40) whose villages arrive as their clerks write them: every command
# its own signed change set, about 305 a village (about 743,000 in all), one pack per
# village (tools/clerk-year.c, prepared unmeasured). Measured: the county's first
# `sync` (fetch, verify and apply everything) + `rank villages --month 2025-12`,
# wall, CPU and peak RSS. The figure checks that nothing was quarantined, that every
# change set was applied, and that the league table lists every village.
# BENCH_REAL_TOWNSHIPS overrides the 203 townships (the growth table).
bench_cold_real_changzhi() {
	townships=${BENCH_REAL_TOWNSHIPS:-203} per=12
	[ -n "$QUICK" ] && townships=4 per=10
	villages=$((townships * per))
	t0=$(now_ns)
	real_county county 990101 "$PWD/server" $townships $per 42 || return 1
	sets=$(for r in server/9901*.git; do stream_seq "$r"; done |
		awk '{ s += $1 } END { print s }')
	note "cold real: $villages villages' clerk years written by clerk-year ($sets change sets," \
		"$(du -sm server | cut -f1) MiB of packs) and registered: $(seconds_since "$t0") s (not counted)"
	cold_sync_rank county "$villages" "$sets" || return 1
	note "cold real: county sync $sync_wall s wall, $sync_cpu s CPU, peak RSS $sync_rss MiB" \
		"($(awk -v n="$sets" -v s="$sync_cpu" 'BEGIN { printf "%d", n / s }') change sets per CPU" \
		"second); rank $wall_s s wall, $cpu_s s CPU, peak RSS $rss_mib MiB; county database" \
		"$(du -m county/stele.db | cut -f1) MiB; load average $load0 at the start, $(load_now) at the end"
	record "$total"
	# Unmeasured: a real agent carries one generated stream on. `restore` reads it
	# with the agent's own checks (every signature, the chain, the rows), the
	# clerk writes one more change set, and the county merges it after the 305.
	code=990101001201
	clerk-year keys.repos --county 990101 --seed 42 --keys keys >/dev/null &&
	stele-agent -C restored restore --remote "$PWD/server/$code.git" --village $code \
		--key keys/$code.key >/dev/null 2>&1 &&
	stele-agent -C restored points add M0001 B01 --date 2025-12-20 >/dev/null &&
	stele-agent -C restored sync >/dev/null 2>&1 &&
	stele-aggregator -C county sync >/dev/null 2>&1 || return 1
	carried=$(sqlite3 county/stele.db "SELECT count(*) FROM stele_applied WHERE writer = '$code'")
	[ "$carried" -eq "$(stream_seq "server/$code.git")" ] &&
	[ "$(sqlite3 county/stele.db "SELECT count(*) FROM stele_quarantine")" -eq 0 ] || {
		echo "bench: the agent's continuation of a generated stream did not merge" >&2
		return 1
	}
	note "cold real: \`stele-agent restore\` verified village $code's generated stream, its" \
		"clerk wrote change set $carried, and the county merged it"
	record_for cold_real_changzhi_cpu "$(awk -v a="$sync_cpu" -v b="$cpu_s" 'BEGIN { printf "%.2f", a + b }')"
	record_for cold_real_changzhi_rss "$(awk -v a="$sync_rss" -v b="$rss_mib" 'BEGIN { print (a > b ? a : b) }')" 1024
}

# bench_city_cold_changzhi: a city of Changzhi's shape: 12 counties (9901 01..12),
# each of 7 townships of 29 villages (2,436 in all; QUICK: 3 counties of 2 x 5), every
# village's year written as its clerk writes it (tools/clerk-year.c). Each county is
# a real directory: init, village import, rules publish (its registry, remotes and
# keys, signed), and its own first sync (prepared, not counted). The city: init
# --city, its catalogue published, every county added with its key. Measured: the
# city's first `sync` (every county stream, then every village it vouches for,
# fetched from its own remote and verified end to end) + `rank villages --month
# 2025-12`; then (city_noop_changzhi) a second `sync` with nothing new.
# BENCH_CITY_SHAPE="COUNTIES TOWNSHIPS PER" overrides the shape (a smaller city to
# profile: "3 7 29" is a quarter of Changzhi).
bench_city_cold_changzhi() {
	counties=12 townships=7 per=29
	[ -n "$QUICK" ] && counties=3 townships=2 per=5
	# shellcheck disable=SC2086 # three numbers, split on purpose
	[ -n "${BENCH_CITY_SHAPE:-}" ] && set -- $BENCH_CITY_SHAPE &&
		counties=$1 townships=$2 per=$3
	villages=$((counties * townships * per))
	t0=$(now_ns)
	c=1
	while [ $c -le $counties ]; do
		code=$(printf '9901%02d' $c)
		mkdir -p "srv/$code"
		real_county "c$code" "$code" "$PWD/srv/$code" $townships $per $((100 + c)) || return 1
		c=$((c + 1))
	done
	t1=$(now_ns)
	# Each county's own first sync, two at a time.
	ls -d c9901?? | xargs -P "$(nproc_count)" -I{} stele-aggregator -C {} sync >/dev/null 2>&1 ||
		return 1
	sets=$(for r in srv/*/9901*.git; do stream_seq "$r"; done |
		awk '{ s += $1 } END { print s }')
	note "city: $counties counties, $villages villages, $sets change sets written and registered" \
		"in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s, the counties'" \
		"own syncs $(seconds_since "$t1") s (not counted)"
	stele-aggregator -C city init --city 9901 --name 规模市 >/dev/null 2>&1 &&
	stele-aggregator -C city rules publish >/dev/null 2>&1 || return 1
	for d in c9901??; do
		code=${d#c}
		stele-aggregator -C city county add "$code" --name "规模县$code" \
			--remote "$PWD/srv/$code/county.git" --key "$(stele-aggregator -C "$d" key)" \
			>/dev/null || return 1
	done
	cold_sync_rank city "$villages" "$sets" || return 1
	note "city cold: sync $sync_wall s wall, $sync_cpu s CPU, peak RSS $sync_rss MiB; rank $wall_s s" \
		"wall, $cpu_s s CPU, peak RSS $rss_mib MiB; city database $(du -m city/stele.db | cut -f1) MiB;" \
		"load average $load0 at the start, $(load_now) at the end"
	record "$total"
	record_for city_cold_changzhi_cpu "$(awk -v a="$sync_cpu" -v b="$cpu_s" 'BEGIN { printf "%.2f", a + b }')"
	measured /dev/null stele-aggregator -C city sync || return 1
	note "city no-op sync: $wall_s s wall, $cpu_s s CPU, peak RSS $rss_mib MiB ($((counties + villages)) streams)"
	record_for city_noop_changzhi "$wall_s"
	record_for city_noop_changzhi_cpu "$cpu_s"
}

# ---- the driver ----

machine() {
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
	printf '%s; %s cores; %s; %s; %s; load average at start %s\n' "${cpu:-unknown CPU}" \
		"$(nproc_count)" "${mem:-? GiB}" "$(uname -sr)" \
		"$(sqlite3 --version 2>/dev/null | cut -d' ' -f1 | sed 's/^/SQLite /')" \
		"$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
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
		CURRENT_FIGURE=$id
		dir=$SCRATCH/$id
		mkdir -p "$dir"
		RSS_FILE=$SCRATCH/rss.$id
		export RSS_FILE
		value=- peer_value=- ratio_text=- met=-
		measured=
		if [ -s "$BENCH_RESULT" ]; then
			measured=earlier # by another figure's run (record_for)
		elif [ -n "${BENCH_ONLY:-}" ] && ! echo " $BENCH_ONLY " | grep -q " $id "; then
			value="skipped (BENCH_ONLY)"
			measured=skipped
		elif is_function "bench_$id"; then
			printf 'bench: %s ...\n' "$id" >&2
			echo "== bench_$id" >>"$BENCH_LOG"
			start=$(now_ns)
			# set -e holds inside: any failing command fails the figure.
			(set -e; cd "$dir"; "bench_$id") </dev/null >>"$BENCH_LOG" 2>&1
			status=$?
			[ $status -eq 0 ] && [ -s "$BENCH_RESULT" ] && measured=now
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
		# The peak RSS of the run that measured it (another figure's, for record_for).
		rss_text=-
		by=$id
		[ -s "$SCRATCH/by.$id" ] && read -r by <"$SCRATCH/by.$id"
		case $measured in now | earlier)
			[ -s "$SCRATCH/rss.$by" ] && rss_text=$(awk '/^[0-9]+$/ { if ($1 > m) m = $1 }
				END { if (m > 0) printf "%.1f MiB", m / 1024; else print "-" }' "$SCRATCH/rss.$by")
			;;
		esac
		[ -n "${BENCH_KEEP:-}" ] || rm -rf "$dir"
		goal_text=$goal
		[ "$goal" != - ] && [ "$applies" = ratio ] && goal_text="ratio $goal"
		[ "$goal" != - ] && [ "$applies" = value ] && goal_text="$goal $unit"
		[ "$peer" != - ] && [ "$peer_value" != - ] && peer_value="$peer: $peer_value"
		[ "$peer" != - ] && [ "$peer_value" = - ] && peer_value="$peer"
		printf '%s|%s|%s|%s|%s|%s|%s\n' "$figure" "$value" "$goal_text" "$peer_value" \
			"$ratio_text" "$met" "$rss_text" >>"$rows"
	done
}

# The rows as a Markdown table (readable as plain text too).
print_table() {
	echo "| figure | value | goal | peer/limit | ratio | met | peak RSS |"
	echo "|---|---|---|---|---|---|---|"
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
