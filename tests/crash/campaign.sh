#!/bin/sh
# campaign.sh: the crash campaign (`make crashtest`; docs/security.md): SIGKILL
# at every syscall of the agent's write commands, of `sync` to a path remote and
# of `gc`, of the aggregator's `fetch` and `merge`,
# injected ENOSPC/EIO on every write, sync, rename, truncate, open and unlink of
# the village's files, and kills at random instants, each followed by the checks
# of crash-lib.sh.
# Usage: campaign.sh [-m quick|full] [-p REGEX] [-s SEED] [-k]
#   -m  quick: about 170 points, under a minute (what t0710 runs);
#       full: every syscall of five agent commands, sync, fetch and merge (up to
#       400 each), ~500 fault points, 160 random kills: about 3,000 points (default)
#   -p  run only the phases whose name matches the extended regex
#   -s  seed of the random-instant phase (default 1)
#   -k  keep the work directory
# Prints one "# phase: ..." line per phase and the summary line; exits 1 if any
# promise was broken.
set -u
mode=full
keep=""
only=""
CRASH_SEED=1
while getopts m:p:s:k opt; do
	case $opt in
	m) mode=$OPTARG ;;
	p) only=$OPTARG ;;
	s) CRASH_SEED=$OPTARG ;;
	k) keep=1 ;;
	*) echo "usage: campaign.sh [-m quick|full] [-p REGEX] [-s SEED] [-k]" >&2; exit 2 ;;
	esac
done
case $mode in quick | full) ;; *) echo "campaign.sh: unknown mode '$mode'" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
: "${STELE_BUILD:=$here/../../build}"
STELE_BUILD=$(cd "$STELE_BUILD" && pwd)
for tool in strace sqlite3 git sha256sum "$STELE_BUILD/stele-agent" "$STELE_BUILD/stele-aggregator" \
	"$STELE_BUILD/crash/outbox-check"; do
	command -v "$tool" >/dev/null 2>&1 || { echo "campaign.sh: $tool is missing" >&2; exit 1; }
done

root=$(mktemp -d "${TMPDIR:-/tmp}/stele-crash.XXXXXX") || exit 1
if [ -n "$keep" ]; then
	trap 'echo "# kept $root"' EXIT
else
	trap 'rm -rf "$root"' EXIT
fi
trap 'exit 130' INT TERM
# The programs are copied, so a rebuild during a long campaign changes nothing.
mkdir -p "$root/bin/crash" &&
	cp "$STELE_BUILD/stele-agent" "$STELE_BUILD/stele-aggregator" "$root/bin/" &&
	cp "$STELE_BUILD/crash/outbox-check" "$root/bin/crash/" || exit 1
STELE_BUILD=$root/bin
PATH=$STELE_BUILD:$PATH
# LeakSanitizer cannot run under ptrace: a sanitizer build is checked for leaks by
# the other tests, and here for everything else.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
export PATH STELE_BUILD CRASH_SEED ASAN_OPTIONS
unset STELE_DIR
. "$here/crash-lib.sh"
base=$root/base
scratch=$root/work
crash_village "$base" || { echo "campaign.sh: cannot set up the village" >&2; exit 1; }
synced=$root/synced
crash_synced_village "$synced" || { echo "campaign.sh: cannot set up the synced village" >&2; exit 1; }
loose=$root/loose
crash_loose_village "$loose" || { echo "campaign.sh: cannot set up the loose village" >&2; exit 1; }
county=$root/county
mkdir -p "$county" && crash_county "$county" ||
	{ echo "campaign.sh: cannot set up the county" >&2; exit 1; }
started=$(date +%s)

# phase NAME FUNCTION ARGS...: runs one sweep and reports the points it added.
phase() {
	name=$1
	shift
	[ -z "$only" ] || echo "$name" | grep -Eq -- "$only" || return 0
	p0=$crash_points f0=$fault_points e0=$crash_failures
	"$@"
	echo "# $name: $((crash_points - p0)) kill points, $((fault_points - f0)) fault points," \
		"$((crash_failures - e0)) failures"
}

agent="stele-agent -C $scratch"
# The syscalls that change files, for the quick sweeps.
writes='pwrite64|write|fdatasync|fsync|ftruncate|unlink|rename|openat|flock|close'

if [ "$mode" = quick ]; then
	phase 'kill: points add' crash_kill_sweep "$base" "$scratch" "$writes" 40 \
		$agent points add M0002 B03 --date 2026-09-07
	phase 'kill: import points' crash_kill_sweep "$base" "$scratch" "$writes" 36 \
		$agent import points --allow-duplicates "$base.points.csv"
	phase 'ENOSPC on pwrite64: points add' crash_fault_sweep "$base" "$scratch" pwrite64 ENOSPC 14 \
		$agent points add M0002 B03 --date 2026-09-07
	phase 'EIO on fdatasync: import points' crash_fault_sweep "$base" "$scratch" 'fdatasync|fsync' \
		EIO 8 $agent import points --allow-duplicates "$base.points.csv"
	phase 'EIO on open/truncate: member add' crash_fault_sweep "$base" "$scratch" 'openat|ftruncate' \
		EIO 8 $agent member add 王五
	cp -a "$base" "$scratch.random"
	phase 'random kills: member add' crash_random_kills "$scratch.random" 16 \
		stele-agent -C "$scratch.random" member add 赵六
	CRASH_EXTRA=crash_sync_check
	phase 'kill: sync to a path remote' crash_kill_sweep "$synced" "$scratch" "$writes" 20 \
		$agent sync --remote "$scratch/usb.git"
	phase 'EIO on fsync/rename: sync' crash_fault_sweep "$synced" "$scratch" \
		'fsync|fdatasync|rename' EIO 8 $agent sync --remote "$scratch/usb.git"
	CRASH_EXTRA=crash_gc_check
	phase 'kill: gc' crash_kill_sweep "$loose" "$scratch" "$writes" 16 $agent gc
	CRASH_EXTRA=
	phase 'kill: aggregator fetch' crash_county_sweep "$county/county-fresh" "$scratch" "$writes" 8 \
		stele-aggregator -C "$scratch" fetch --jobs 1
	phase 'kill: aggregator merge' crash_county_sweep "$county/county-fetched" "$scratch" "$writes" 14 \
		stele-aggregator -C "$scratch" merge
	phase 'kill: rules publish, every rename' crash_publish_sweep "$county/county-fresh" \
		"$scratch" 'rename|renameat|renameat2' 100
else
	for cmd in "points add M0002 B03 --date 2026-09-07" "member add 王五 --born 1980" \
		"task add 清理河道 --due 2026-10-15" "request add --received 2026-09-20 --category 环境" \
		"import points --allow-duplicates $base.points.csv"; do
		phase "kill: $cmd" crash_kill_sweep "$base" "$scratch" '[a-z0-9_]+' 400 $agent $cmd
	done
	for cmd in "points add M0002 B03 --date 2026-09-07" "import points --allow-duplicates $base.points.csv"; do
		for fault in 'pwrite64|write ENOSPC' 'pwrite64|write EIO' 'fdatasync|fsync EIO' \
			'ftruncate EIO' 'openat ENOSPC' 'openat EIO' 'unlink|rename EIO' \
			'pread64|read EIO'; do
			set -- $fault
			phase "$2 on $1: $cmd" crash_fault_sweep "$base" "$scratch" "$1" "$2" 100 $agent $cmd
		done
	done
	CRASH_EXTRA=crash_sync_check
	phase 'kill: sync to a path remote' crash_kill_sweep "$synced" "$scratch" '[a-z0-9_]+' 400 \
		$agent sync --remote "$scratch/usb.git"
	for fault in 'pwrite64|write ENOSPC' 'fsync|fdatasync EIO' 'rename EIO' 'openat ENOSPC' \
		'unlink|ftruncate EIO' 'pread64|read EIO'; do
		set -- $fault
		phase "$2 on $1: sync" crash_fault_sweep "$synced" "$scratch" "$1" "$2" 60 \
			$agent sync --remote "$scratch/usb.git"
	done
	CRASH_EXTRA=crash_gc_check
	phase 'kill: gc' crash_kill_sweep "$loose" "$scratch" '[a-z0-9_]+' 300 $agent gc
	for fault in 'unlink|rename EIO' 'fsync|fdatasync EIO' 'pwrite64|write ENOSPC'; do
		set -- $fault
		phase "$2 on $1: gc" crash_fault_sweep "$loose" "$scratch" "$1" "$2" 40 $agent gc
	done
	CRASH_EXTRA=
	phase 'kill: aggregator fetch' crash_county_sweep "$county/county-fresh" "$scratch" \
		'[a-z0-9_]+' 300 stele-aggregator -C "$scratch" fetch --jobs 1
	phase 'kill: aggregator merge' crash_county_sweep "$county/county-fetched" "$scratch" \
		'[a-z0-9_]+' 300 stele-aggregator -C "$scratch" merge
	phase 'kill: rules publish' crash_publish_sweep "$county/county-fresh" "$scratch" \
		'[a-z0-9_]+' 400
	cp -a "$base" "$scratch.random"
	phase 'random kills: points add' crash_random_kills "$scratch.random" 100 \
		stele-agent -C "$scratch.random" points add M0001 B02 --date 2026-09-08
	phase 'random kills: import points' crash_random_kills "$scratch.random" 60 \
		stele-agent -C "$scratch.random" import points --allow-duplicates "$base.points.csv"
fi

echo "# $mode campaign in $(($(date +%s) - started))s"
crash_summary
[ "$crash_failures" = 0 ]
