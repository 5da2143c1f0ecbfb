#!/bin/sh
# run.sh: runs each libFuzzer target in BINDIR over its seed corpus
# (tests/fuzz/corpus/TARGET) and prints "# target X: N inputs, C crashes".
# Usage: run.sh [-t SECONDS] [-k KEEPDIR] BINDIR [TARGET...]
#   -t  seconds per target (default 10)
#   -k  keep each target's grown corpus in KEEPDIR/TARGET (default: a temporary
#       directory, removed afterwards)
# A crash leaves the input in KEEPDIR (or ./fuzz-crashes/) as TARGET-crash-*
# and makes the exit status 1.
set -u
seconds=10
keep=""
while getopts t:k: opt; do
	case $opt in
	t) seconds=$OPTARG ;;
	k) keep=$OPTARG ;;
	*) echo "usage: run.sh [-t SECONDS] [-k KEEPDIR] BINDIR [TARGET...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: run.sh [-t SECONDS] [-k KEEPDIR] BINDIR [TARGET...]" >&2; exit 2; }
bindir=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
targets=$*
[ -n "$targets" ] || targets=$(cd "$bindir" && ls fuzz-* | sed 's/^fuzz-//')

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stele-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
crashdir=${keep:-$PWD/fuzz-crashes}
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
