#!/bin/sh
test_description='stele-aggregator merge killed (SIGKILL) at random instants, then run to the
end, applies every change set exactly once: the database equals an uninterrupted run'
. "$(dirname "$0")/test-lib.sh"

FORGE=$STELE_BUILD/tools/stele-forge
CODES="990101001201 990101002201 990101003201"

# add_changesets FROM TO: change sets FROM..TO of every village, 300 members each.
add_changesets() {
	for code in $CODES; do
		k=$1
		while [ $k -le $2 ]; do
			"$FORGE" v/$code server/$code.git --sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL
				SELECT i + 1 FROM n WHERE i < 300) INSERT INTO member (village_code, id, name, grid)
				SELECT '$code', 'K$k-' || i, '成员' || i, 'G$k' FROM n" || return 1
			k=$((k + 1))
		done
	done
}

test_expect_success 'three villages with 5 change sets of 300 rows each' '
	mkdir v server &&
	for code in $CODES; do new_village v/$code $code || exit 1; done &&
	add_changesets 1 5 &&
	for county in county clean; do
		stele-aggregator -C $county init --county 990101 --name 参考县 2>/dev/null &&
		for code in $CODES; do
			stele-aggregator -C $county village add $code --name "村$code" --township-name 镇 \
				--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
				>/dev/null || exit 1
		done &&
		:
	done
'

test_expect_success '30 merges killed at random instants, each with new change sets to merge' '
	i=1 killed=0
	while [ $i -le 30 ]; do
		add_changesets $((i + 5)) $((i + 5)) && stele-aggregator -C county fetch || exit 1
		stele-aggregator -C county merge 2>/dev/null &
		pid=$!
		sleep "$(awk -v s=$i "BEGIN { srand(s * 7919); printf \"%.3f\", rand() * 0.06 }")"
		kill -9 $pid 2>/dev/null || :
		rc=0 && wait $pid || rc=$?
		[ $rc = 137 ] && killed=$((killed + 1))
		[ $rc = 0 ] || [ $rc = 137 ] || { echo "merge exited $rc" >&2; exit 1; }
		i=$((i + 1))
	done
	echo "# $killed of 30 merges were killed while running" >&3
' 3>&1

test_expect_success 'an uninterrupted merge of the same change sets' '
	stele-aggregator -C clean fetch && stele-aggregator -C clean merge 2>err &&
	test_grep "merged 105 change sets (31500 row changes)" err
'

test_expect_success 'a final merge completes; every change set was applied exactly once' '
	stele-aggregator -C county merge 2>/dev/null &&
	db_dump clean >clean.dump && db_dump county >county.dump &&
	test_cmp clean.dump county.dump &&
	q="SELECT writer, seq, hex(hash), rows FROM stele_applied ORDER BY 1, 2" &&
	sqlite3 clean/stele.db "$q" >clean.applied && sqlite3 county/stele.db "$q" >county.applied &&
	test_cmp clean.applied county.applied &&
	test_line_count 105 county.applied &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member")" = 31500 &&
	test "$(sqlite3 county/stele.db "SELECT group_concat(writer || last_seq || state) FROM stele_stream ORDER BY writer")" = \
		"99010100120135ok,99010100220135ok,99010100320135ok" &&
	sqlite3 county/stele.db "PRAGMA integrity_check" >check && echo ok >want && test_cmp want check
'

test_done
