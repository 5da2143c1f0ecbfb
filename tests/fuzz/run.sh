#!/bin/sh
# run.sh: runs each libFuzzer target in BINDIR over its seed corpus
# (tests/fuzz/corpus/TARGET) and prints "# target X: N inputs, C crashes".
# Usage: run.sh [-t SECONDS] [-k KEEPDIR] [-c CRASHDIR] BINDIR [TARGET...]
#   -t  seconds per target (default 10)
#   -k  keep each target's grown corpus in KEEPDIR/TARGET (default: a temporary
#       directory, removed afterwards)
#   -c  where a failing input goes, as TARGET-crash-* (or -timeout-, -leak-,
#       -oom-); default KEEPDIR, else ./fuzz-crashes
# Any failure makes the exit status 1. Add a fixed failure's input to
# corpus/TARGET/ as regress-* so every later run replays it.
set -u
seconds=10
keep=""
crashdir=""
usage="usage: run.sh [-t SECONDS] [-k KEEPDIR] [-c CRASHDIR] BINDIR [TARGET...]"
while getopts t:k:c: opt; do
	case $opt in
	t) seconds=$OPTARG ;;
	k) keep=$OPTARG ;;
	c) crashdir=$OPTARG ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "$usage" >&2; exit 2; }
bindir=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
targets=$*
[ -n "$targets" ] || targets=$(cd "$bindir" && ls fuzz-* | sed 's/^fuzz-//')

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stele-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
[ -n "$crashdir" ] || crashdir=${keep:-$PWD/fuzz-crashes}
status=0
total=0
for t in $targets; do
	work=${keep:+$keep/$t}
	[ -n "$work" ] || work=$tmp/$t
	mkdir -p "$work" "$crashdir"
	# ASan's own leak check stays on; the RSS cap is above the 64 MiB inflate cap.
	"$bindir/fuzz-$t" -max_total_time="$seconds" -max_len=65536 -timeout=20 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crashdir/$t-" "$work" "$here/corpus/$t" \
		>"$tmp/$t.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/$t.log" | tail -n 1)
	runs=${runs:-0}
	total=$((total + runs))
	if [ "$rc" -eq 0 ]; then
		echo "# target $t: $runs inputs, 0 crashes"
	else
		status=1
		echo "# target $t: $runs inputs, 1 crash (exit $rc); input in $crashdir"
		grep -E 'ERROR|SUMMARY|fuzz: |check failed|#[0-9]+ 0x' "$tmp/$t.log" | head -n 30 |
			sed 's/^/#   /'
	fi
done
echo "# all targets: $total inputs"
exit $status
