#!/bin/sh
test_description='stele-agent sync killed at random instants: nothing is lost or pushed twice'
. "$(dirname "$0")/test-lib.sh"

V=990101001201
N=150
KILLS=30

test_expect_success "a village with $N pending change sets" '
	stele-agent -C v init --village $V --name 正营村 --remote "$TRASH/remote.git" 2>/dev/null &&
	i=0 &&
	while [ $i -lt $N ]; do
		i=$((i + 1)) &&
		stele-agent -C v member add "党员$i" >/dev/null || exit 1
	done &&
	test "$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox")" = $N
'

# A pseudo-random delay of 0-60 ms for round $1 (reproducible from the round).
delay() {
	awk -v seed="$1" "BEGIN { srand(seed * 7919); printf \"%.3f\", rand() * 0.06 }"
}

test_expect_success "$KILLS syncs killed with SIGKILL at random instants" '
	round=0 &&
	while [ $round -lt $KILLS ]; do
		round=$((round + 1))
		stele-agent -C v sync 2>/dev/null &
		pid=$!
		sleep "$(delay $round)"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		# Every few rounds, a write lands between the kills too.
		if [ $((round % 10)) -eq 0 ]; then
			stele-agent -C v member add "补录$round" >/dev/null || exit 1
		fi
	done
'

test_expect_success 'a final sync finishes the work' '
	stele-agent -C v sync 2>err &&
	total=$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox") &&
	test "$total" = $((N + KILLS / 10)) &&
	test "$(git -C remote.git rev-parse main)" = "$(git -C v/repo.git rev-parse main)"
'

test_expect_success 'the remote holds each seq exactly once, in order' '
	# Each change set has its own "seq N: ..." line, a commit'\''s subject or a
	# batch'\''s body line (docs/sync.md "The git layout").
	git -C remote.git log --reverse --first-parent --format=%B main |
		grep -E "^seq [0-9]+: " | sed "s/:.*//" >seqs &&
	total=$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox") &&
	i=0 && : >expect &&
	while [ $i -lt $total ]; do i=$((i + 1)); echo "seq $i" >>expect; done &&
	test_cmp expect seqs &&
	test "$(stream_seq remote.git)" = "$total"
'

test_expect_success 'pushes to a new USB stick killed at random instants, then a final push' '
	mkdir stick &&
	round=0 &&
	while [ $round -lt 10 ]; do
		round=$((round + 1))
		stele-agent -C v sync --remote "$TRASH/stick/v.git" 2>/dev/null &
		pid=$!
		sleep "$(delay $((round + 100)))"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
	done
	stele-agent -C v sync --remote "$TRASH/stick/v.git" 2>err &&
	test "$(git -C stick/v.git rev-parse main)" = "$(git -C v/repo.git rev-parse main)" &&
	git -C stick/v.git fsck --no-dangling 2>&1 >/dev/null | { ! grep -q .; }
'

test_expect_success 'verify is clean, and a restore matches' '
	stele-agent -C v verify >out 2>/dev/null &&
	test_line_count 0 out &&
	stele-agent -C r restore --remote "$TRASH/remote.git" --village $V --key v/signing.key 2>/dev/null &&
	db_dump v >expect && db_dump r >actual && test_cmp expect actual
'

test_done
