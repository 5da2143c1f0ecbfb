#!/bin/sh
# campaign.sh: the crash campaign (`make crashtest`; docs/security.md): SIGKILL
# at every syscall of the agent's write commands, injected ENOSPC/EIO on every
# write, sync, truncate, open and unlink of the village's files, and kills at
# random instants, each followed by the checks of crash-lib.sh.
# Usage: campaign.sh [-m quick|full] [-s SEED] [-k]
#   -m  quick: about 200 points, under a minute (what t0710 runs);
#       full: every syscall of five commands, well over 1,000 points (default)
#   -s  seed of the random-instant phase (default 1)
#   -k  keep the work directory
# Prints one "# phase: ..." line per phase and the summary line; exits 1 if any
# promise was broken.
set -u
mode=full
keep=""
CRASH_SEED=1
while getopts m:s:k opt; do
	case $opt in
	m) mode=$OPTARG ;;
	s) CRASH_SEED=$OPTARG ;;
	k) keep=1 ;;
	*) echo "usage: campaign.sh [-m quick|full] [-s SEED] [-k]" >&2; exit 2 ;;
	esac
done
case $mode in quick | full) ;; *) echo "campaign.sh: unknown mode '$mode'" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
: "${STELE_BUILD:=$here/../../build}"
STELE_BUILD=$(cd "$STELE_BUILD" && pwd)
PATH=$STELE_BUILD:$PATH
export PATH STELE_BUILD CRASH_SEED
unset STELE_DIR
for tool in strace sqlite3 stele-agent "$STELE_BUILD/crash/outbox-check"; do
	command -v "$tool" >/dev/null 2>&1 || { echo "campaign.sh: $tool is missing" >&2; exit 1; }
done
. "$here/crash-lib.sh"

root=$(mktemp -d "${TMPDIR:-/tmp}/stele-crash.XXXXXX") || exit 1
if [ -n "$keep" ]; then
	trap 'echo "# kept $root"' EXIT
else
	trap 'rm -rf "$root"' EXIT
fi
trap 'exit 130' INT TERM
base=$root/base
work=$root/work
crash_village "$base" || { echo "campaign.sh: cannot set up the village" >&2; exit 1; }
started=$(date +%s)

# phase NAME FUNCTION ARGS...: runs one sweep and reports the points it added.
phase() {
	name=$1
	shift
	p0=$crash_points f0=$fault_points e0=$crash_failures
	"$@"
	echo "# $name: $((crash_points - p0)) kill points, $((fault_points - f0)) fault points," \
		"$((crash_failures - e0)) failures"
}

agent="stele-agent -C $work"
# The syscalls that change files, for the quick sweeps.
writes='pwrite64|write|fdatasync|fsync|ftruncate|unlink|rename|openat|flock|close'

if [ "$mode" = quick ]; then
	phase 'kill: points add' crash_kill_sweep "$base" "$work" "$writes" 60 \
		$agent points add M0002 B03 --date 2026-09-07
	phase 'kill: import points' crash_kill_sweep "$base" "$work" "$writes" 50 \
		$agent import points "$base.points.csv"
	phase 'ENOSPC on pwrite64: points add' crash_fault_sweep "$base" "$work" pwrite64 ENOSPC 14 \
		$agent points add M0002 B03 --date 2026-09-07
	phase 'EIO on fdatasync: import points' crash_fault_sweep "$base" "$work" 'fdatasync|fsync' \
		EIO 8 $agent import points "$base.points.csv"
	phase 'EIO on open/truncate: member add' crash_fault_sweep "$base" "$work" 'openat|ftruncate' \
		EIO 8 $agent member add 王五
	cp -a "$base" "$work.random"
	phase 'random kills: member add' crash_random_kills "$work.random" 20 \
		stele-agent -C "$work.random" member add 赵六
else
	for cmd in "points add M0002 B03 --date 2026-09-07" "member add 王五 --born 1980" \
		"task add 清理河道 --due 2026-10-15" "request add --received 2026-09-20 --category 环境" \
		"import points $base.points.csv"; do
		phase "kill: $cmd" crash_kill_sweep "$base" "$work" '[a-z0-9_]+' 400 $agent $cmd
	done
	for cmd in "points add M0002 B03 --date 2026-09-07" "import points $base.points.csv"; do
		for fault in 'pwrite64|write ENOSPC' 'pwrite64|write EIO' 'fdatasync|fsync EIO' \
			'ftruncate EIO' 'openat ENOSPC' 'openat EIO' 'unlink|rename EIO' \
			'pread64|read EIO'; do
			set -- $fault
			phase "$2 on $1: $cmd" crash_fault_sweep "$base" "$work" "$1" "$2" 100 $agent $cmd
		done
	done
	cp -a "$base" "$work.random"
	phase 'random kills: points add' crash_random_kills "$work.random" 100 \
		stele-agent -C "$work.random" points add M0001 B02 --date 2026-09-08
	phase 'random kills: import points' crash_random_kills "$work.random" 60 \
		stele-agent -C "$work.random" import points "$base.points.csv"
fi

echo "# $mode campaign in $(($(date +%s) - started))s"
crash_summary
[ "$crash_failures" = 0 ]
