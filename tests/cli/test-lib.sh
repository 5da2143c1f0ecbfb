# test-lib.sh: the CLI tests' library, in the style of git's t/test-lib.sh.
# A test script sets test_description, sources this file, calls
# test_expect_success for each case and ends with test_done. Output is TAP.
# Every script runs in its own trash directory, removed at exit unless
# STELE_TEST_KEEP is set. The programs come from $STELE_BUILD (set by make).

set -u
TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd)
SRC_ROOT=$(cd "$TEST_DIRECTORY/../.." && pwd)
SHARED=${STELE_SHARED:-$SRC_ROOT/../shared}
REFERENCE=$SHARED/data/reference-county
: "${STELE_BUILD:=$SRC_ROOT/build}"
PATH=$STELE_BUILD:$PATH
export PATH
unset STELE_DIR
# English unless a test asks for another language (zh below); the catalogues
# are the build's.
LC_ALL=C
STELE_LOCALEDIR=$STELE_BUILD/locale
export LC_ALL STELE_LOCALEDIR
unset LANGUAGE
# The tests' own git commits (a foreign commit, a planted blob) carry a fixed
# identity, as git's own test-lib does: a fresh machine has none configured.
GIT_AUTHOR_NAME='Stele Test' GIT_AUTHOR_EMAIL=test@example.org
GIT_COMMITTER_NAME='Stele Test' GIT_COMMITTER_EMAIL=test@example.org
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

# zh command...: runs the command in Chinese on any machine: C.UTF-8 (always
# there) with LANGUAGE=zh_CN (docs/translating.md).
zh() {
	env LC_ALL=C.UTF-8 LANGUAGE=zh_CN "$@"
}

test_count=0
test_failed=0
test_skipped=0
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/stele-test.XXXXXX") || exit 1
test_cleanup_cmds=""

test_at_end() {
	test_cleanup_cmds="$1
$test_cleanup_cmds"
}

test_exit_handler() {
	cd / || :
	eval "$test_cleanup_cmds"
	if [ -z "${STELE_TEST_KEEP:-}" ]; then
		rm -rf "$TRASH"
	else
		echo "# kept $TRASH"
	fi
}
trap test_exit_handler EXIT
trap 'exit 130' INT TERM
cd "$TRASH" || exit 1

# say_output FILE: the captured output of a failed case, as TAP comments.
say_output() {
	sed -e 's/^/#   /' "$1" | head -n 80
}

# test_expect_success 'description' 'shell commands'
test_expect_success() {
	test_count=$((test_count + 1))
	if (set -e; cd "$TRASH" && eval "$2") >"$TRASH/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		say_output "$TRASH/.out"
	fi
}

# test_must_run_on_ci: this script's cases must run on CI (.ci/run sets
# CI=true): there, a skip is a failure, so a green CI cannot hide an untested
# transport, browser or tool. Elsewhere a skip still prints its reason.
TEST_MUST_RUN_ON_CI=
test_must_run_on_ci() {
	TEST_MUST_RUN_ON_CI=1
}

# test_skip_is_failure: true when a skip must fail (a must-run script on CI).
test_skip_is_failure() {
	[ -n "$TEST_MUST_RUN_ON_CI" ] && [ "${CI:-}" = true ]
}

# test_skip 'description' 'reason'
test_skip() {
	test_count=$((test_count + 1))
	if test_skip_is_failure; then
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1 # skipped on CI, where it must run: $2"
		return
	fi
	test_skipped=$((test_skipped + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

# test_skip_all 'reason': the whole script is skipped (TAP plan 1..0), or fails
# where it must run.
test_skip_all() {
	if test_skip_is_failure; then
		echo "not ok 1 - skipped on CI, where this script must run: $1"
		echo "1..1"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

# test_apt_install PKG...: installs the Debian packages a test needs, when root
# (tools/apt-install.sh: waits for apt's lock, starts and enables no service;
# its output in $TRASH/.apt.log). Fails when not root or when apt-get fails.
test_apt_install() {
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
	echo "# installing $*"
	sh "$SRC_ROOT/tools/apt-install.sh" "$TRASH/.apt.log" "$@"
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
	exit $?
}

# test_expect_code CODE command...: the command exits with exactly CODE.
test_expect_code() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "expected exit $want, got $got: $*" >&2
		return 1
	fi
	return 0
}

# test_cmp EXPECTED ACTUAL: the files are identical (a diff is shown otherwise).
test_cmp() {
	diff -u "$1" "$2"
}

# test_grep PATTERN FILE: FILE has a line matching PATTERN (shows FILE if not).
test_grep() {
	if ! grep -q -e "$1" "$2"; then
		echo "no line matching '$1' in $2:" >&2
		cat "$2" >&2
		return 1
	fi
}

# test_line_count N FILE
test_line_count() {
	n=$(wc -l <"$2")
	if [ "$n" -ne "$1" ]; then
		echo "expected $1 lines in $2, found $n" >&2
		cat "$2" >&2
		return 1
	fi
}

# stream_seq GIT_DIR [REV]: the last seq of a stream's commit REV (main when not
# given), from its subject: "seq N: ..." for one change set, "seq A-B: N change
# sets" for a batch (docs/sync.md "The git layout"); how many change sets the
# stream holds up to REV.
stream_seq() {
	git --git-dir="$1" log -1 --format=%s "${2:-main}" |
		sed -n 's/^seq \([0-9]*-\)\{0,1\}\([0-9]*\):.*/\2/p'
}

# db_dump DIR: every synced row of the directory's database, canonical.
db_dump() {
	sqlite3 "$1/stele.db" ".mode list" \
		"SELECT 'member', * FROM member ORDER BY village_code, id" \
		"SELECT 'point_event', * FROM point_event ORDER BY village_code, id" \
		"SELECT 'task', * FROM task ORDER BY village_code, id" \
		"SELECT 'request', * FROM request ORDER BY village_code, id" \
		"SELECT 'income', * FROM income ORDER BY village_code, id" \
		"SELECT 'assessment', * FROM assessment ORDER BY village_code, year, item_code" \
		"SELECT 'period_close', village_code, period FROM period_close ORDER BY 2, 3" \
		"SELECT 'outbox', seq, summary FROM stele_outbox ORDER BY seq"
}

# test_refused DIR PATTERN command...: the command is refused as cli.md says:
# exit 3, one line on stderr (left in ./err) matching PATTERN, and nothing
# written to DIR's database (db_dump before and after are the same).
test_refused() {
	refused_dir=$1
	refused_pattern=$2
	shift 2
	db_dump "$refused_dir" >before &&
	test_expect_code 3 "$@" 2>err &&
	test_grep "$refused_pattern" err &&
	test_line_count 1 err &&
	db_dump "$refused_dir" >after &&
	test_cmp before after
}

# test_usage DIR PATTERN command...: a malformed value on the command line is a
# usage error: exit 2, one line on stderr (left in ./err) matching PATTERN, and
# nothing written to DIR's database.
test_usage() {
	usage_dir=$1
	usage_pattern=$2
	shift 2
	db_dump "$usage_dir" >before &&
	test_expect_code 2 "$@" 2>err &&
	test_grep "$usage_pattern" err &&
	test_line_count 1 err &&
	db_dump "$usage_dir" >after &&
	test_cmp before after
}

# test_faketime "YYYY-MM-DD HH:MM:SS" command...: the command with this computer's
# clock set there (libfaketime; a sanitized build must not insist on its runtime
# coming first).
test_faketime() {
	tf_clock=$1
	shift
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		faketime "$tf_clock" "$@"
}

# new_village DIR CODE [NAME]: an initialized village directory.
new_village() {
	stele-agent -C "$1" init --village "$2" --name "${3:-测试村}" >/dev/null 2>&1
}

# load_reference_reviews COUNTY_DIR [REVIEWS_CSV]: the county's review of the
# self-assessments, REVIEWS_CSV (default $REFERENCE/reviews.csv;
# village_code,year,item_code,score,note; no quoted fields) row by row in file
# order, as the reference county's README says: an empty item_code approves
# (assess approve), any other sets the item's reviewed score (assess adjust);
# --note only when the note is not empty.
load_reference_reviews() {
	reviews_dir=$1
	tail -n +2 "${2:-$REFERENCE/reviews.csv}" | while IFS=, read -r code year item score note; do
		if [ -z "$item" ]; then
			set -- approve "$code" --year "$year"
		else
			set -- adjust "$code" "$item" "$score" --year "$year"
		fi
		if [ -n "$note" ]; then
			set -- "$@" --note "$note"
		fi
		stele-aggregator -C "$reviews_dir" assess "$@" 2>/dev/null || {
			echo "assess $* failed" >&2
			exit 1
		}
	done
}

# test_reference_rankings COUNTY_DIR: one case per file of the reference county's
# expected/ folder, each comparing `stele-aggregator rank ... --format csv` with it
# byte for byte.
test_reference_rankings() {
	county_dir=$1
	for spec in \
		"league-2026-10.csv villages --month 2026-10" \
		"league-2026-09.csv villages --month 2026-09" \
		"league-2026-10-township-990101001.csv villages --month 2026-10 --township 990101001" \
		"stars-2026.csv stars --year 2026" \
		"members-2026.csv members --year 2026" \
		"members-2026-10.csv members --year 2026 --month 2026-10"; do
		set -- $spec
		name=$1
		shift
		test_expect_success "rank $* reproduces expected/$name" "
			stele-aggregator -C \"$county_dir\" rank $* --format csv >actual-$name &&
			test_cmp \"$REFERENCE/expected/$name\" actual-$name
		"
	done
}
