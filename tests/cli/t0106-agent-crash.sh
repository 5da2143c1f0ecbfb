#!/bin/sh
test_description='stele-agent: SIGKILL at random instants loses no acknowledged write and leaves no half-captured one'
. "$(dirname "$0")/test-lib.sh"

q() {
	sqlite3 v/stele.db "$1"
}

test_expect_success 'setup' '
	new_village v 990101001201 && stele-agent -C v member add 张三 >/dev/null
'

# 200 writes; three in four are killed after a random delay spread over 0..1x
# the time one write takes here (so some die before, some during, some after the
# commit). Acknowledged = exited 0 having printed its id.
test_expect_success 'a loop of points add, SIGKILLed at random instants' '
	start=$(date +%s%N) &&
	for i in 1 2 3 4 5; do stele-agent -C v points add M0001 B01 --date 2026-09-01 >>acked; done &&
	per_run_us=$(( ($(date +%s%N) - start) / 5000 )) &&
	awk -v us=$per_run_us "BEGIN { srand(); for (i = 0; i < 195; i++)
		if (i % 4 == 3) print 0; else printf \"%.6f\n\", rand() * us / 1e6 }" >delays &&
	kills=0 &&
	while read -r delay; do
		if [ "$delay" = 0 ]; then
			stele-agent -C v points add M0001 B01 --date 2026-09-01 >>acked
		else
			stele-agent -C v points add M0001 B01 --date 2026-09-01 >out 2>/dev/null &
			pid=$! &&
			sleep "$delay" &&
			kill -KILL $pid 2>/dev/null || : &&
			rc=0 && wait $pid || rc=$? &&
			case $rc in
			0) cat out >>acked ;;
			137) kills=$((kills + 1)) ;;
			*) echo "unexpected exit $rc" && return 1 ;;
			esac
		fi
	done <delays &&
	echo "# $kills writes killed, $(wc -l <acked) acknowledged" &&
	test $kills -ge 25
'

test_expect_success 'the database is intact' '
	test "$(q "PRAGMA integrity_check")" = ok
'

test_expect_success 'every acknowledged write is present' '
	sort acked >acked.sorted &&
	q "SELECT id FROM point_event ORDER BY id" >present &&
	comm -23 acked.sorted present >lost &&
	test_line_count 0 lost
'

test_expect_success 'no half-captured write: one change set per row, seqs 1..N with no gap' '
	n=$(q "SELECT count(*) FROM stele_outbox") &&
	test "$(q "SELECT max(seq) FROM stele_outbox")" = "$n" &&
	test "$(q "SELECT count(*) FROM point_event")" = $((n - 1)) &&
	test "$(q "SELECT count(*) FROM stele_outbox WHERE length(data) = 0 OR length(hash) <> 32")" = 0
'

test_expect_success 'ids were assigned without gaps, and the village still takes writes' '
	n=$(q "SELECT count(*) FROM point_event") &&
	test "$(q "SELECT max(id) FROM point_event")" = "$(printf "E%06d" $n)" &&
	stele-agent -C v points add M0001 B02 --date 2026-09-02 >id &&
	test "$(cat id)" = "$(printf "E%06d" $((n + 1)))"
'

test_done
