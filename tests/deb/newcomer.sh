#!/bin/sh
test_description="the README's commands, and only they, take a newcomer on a fresh Debian 12 (minbase + git) to a passing make test"
. "$(dirname "$0")/../cli/test-lib.sh"
. "$TEST_DIRECTORY/lib-root.sh"

# `make newcomertest` (as root): a copy of this source tree (what git tracks)
# and of ../shared go into a fresh Debian 12 root (lib-root.sh) with git
# installed, as a newcomer would have after cloning; then the commands of the
# README's "Getting started" section run there, as printed, one by one, as root
# (apt-get's question answered yes, the others with no standard input, as on
# CI). About half an hour: the whole suite runs in the root.
root_need
[ -d "$SHARED/data" ] || test_skip_all "no specification data in $SHARED"

README=$SRC_ROOT/README.md
# getting_started: the commands of the README's "Getting started" blocks.
getting_started() {
	awk '$0 == "## Getting started" { s = 1; next } s && /^## / { exit }
	     s && /^```sh$/ { b = 1; next } b && /^```$/ { b = 0; next } b { print }' "$README" |
		sed 's/[[:space:]]*#.*//' | grep -v '^[[:space:]]*$'
}

test_expect_success 'the README names its commands' '
	getting_started >commands &&
	test_grep "^apt-get install make git$" commands &&
	test_grep "^make test$" commands
'

test_expect_success 'a fresh Debian 12 root with git and a clone of the project' '
	root_fresh &&
	timed git in_root "apt-get -q install -y --no-install-recommends git ca-certificates" \
		>git.log 2>&1 &&
	mkdir -p "$ROOT/root/stele" "$ROOT/root/shared" &&
	git -C "$SRC_ROOT" ls-files -z --cached --others --exclude-standard |
		(cd "$SRC_ROOT" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$ROOT/root/stele" &&
	cp -r "$SHARED/." "$ROOT/root/shared/" &&
	! in_root "command -v make" >/dev/null
'

IN_ROOT_TIMEOUT=3600
n=0
while IFS= read -r cmd; do
	n=$((n + 1))
	case $cmd in
	apt-get*) input="yes |" ;;
	*) input="</dev/null" ;;
	esac
	test_expect_success "README: $cmd" "
		timed 'step $n' in_root 'cd /root/stele && $input $cmd' >step-$n.log 2>&1 ||
			{ tail -n 40 step-$n.log; exit 1; }
	"
done <commands

test_done
