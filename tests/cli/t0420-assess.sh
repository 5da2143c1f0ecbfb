#!/bin/sh
test_description='stele-aggregator assess list|approve|adjust: the county reviews the
villages'"'"' self-assessments; stars come from the reviewed score; star.review; a
month that has not begun is refused'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/rank-lib.sh"

V=990101001201   # 正营村: declared 2025 and 2026, approved both
P=990101003203   # 土楼胜利村: 2026 pending, S3 adjusted
N=990101004203   # 二沟村: declared nothing

test_expect_success 'a county directory holds the reference county, reviewed' '
	load_reference_county county &&
	cp -r county pristine &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM assessment_approval")" = 18
'

test_expect_success 'assess list shows declared beside reviewed, and the approval' '
	stele-aggregator -C county assess list --year 2026 --village $P --format csv >list &&
	head -n 1 list >header &&
	echo "village_code,village_name,year,item_code,item_name,max_score,declared,township,reviewed,review_note,approved,approved_on" >want &&
	test_cmp want header &&
	test_grep "^$P,土楼胜利村,2026,S3,.*,15.0,[0-9.]*,,7.8,乡镇初审核减,no,$" list &&
	test_grep "^$P,土楼胜利村,2026,S1,.*,,,,no,$" list
'

test_expect_success 'assess list --pending lists only the villages not approved yet' '
	stele-aggregator -C county assess list --year 2026 --pending --format csv >pending &&
	tail -n +2 pending | cut -d, -f1 | sort -u >codes &&
	echo $P >want &&
	test_cmp want codes &&
	stele-aggregator -C county assess list --year 2025 --pending --format csv >pending25 &&
	tail -n +2 pending25 | cut -d, -f1 | sort -u >codes &&
	echo 990101004201 >want &&
	test_cmp want codes
'

test_expect_success 'approving the pending village gives it stars, as reviewed' '
	stele-aggregator -C county assess approve $P --year 2026 --note 县级批准 2>err &&
	test_grep "approved" err &&
	stele-aggregator -C county rank stars --year 2026 --format csv >stars &&
	line=$(grep "^$P," stars) &&
	test "$(echo "$line" | cut -d, -f4,5,8)" = "71.6,68.1,approved" &&
	stele-aggregator -C county assess list --year 2026 --village $P --format csv >list &&
	test_grep "^$P,.*,S1,.*,yes,[0-9-]*$" list
'

test_expect_success 'a later village edit does not move the reviewed score; an adjustment does' '
	sqlite3 county/stele.db "UPDATE assessment SET score = 0 WHERE village_code = '\''$V'\'' AND year = 2026" &&
	stele-aggregator -C county rank stars --year 2026 --format csv >stars &&
	test "$(grep "^$V," stars | cut -d, -f4,5,6)" = "0.0,61.6,2" &&
	stele-aggregator -C county assess adjust $V S1 20 --year 2026 &&
	stele-aggregator -C county rank stars --year 2026 --format csv >stars &&
	# S1 was 12.7 (reviewed as declared): 61.6 - 12.7 + 20.0
	test "$(grep "^$V," stars | cut -d, -f5,6)" = "68.9,2"
'

test_expect_success 'the reviews are county change sets, published with the rules' '
	sqlite3 county/stele.db "SELECT summary FROM stele_outbox ORDER BY seq DESC LIMIT 3" >summaries &&
	test_grep "assessment_review" summaries
'

test_expect_success 'refusals exit 3, name the problem, and write nothing' '
	test_refused county "already approved" \
		stele-aggregator -C county assess approve $V --year 2026 &&
	test_refused county "village $N has declared no self-assessment for 2026" \
		stele-aggregator -C county assess approve $N --year 2026 &&
	test_refused county "score 25.0 is not between 0 and the item.s maximum 20.0" \
		stele-aggregator -C county assess adjust $V S1 25 --year 2026 &&
	test_refused county "standard item .S9. does not exist" \
		stele-aggregator -C county assess adjust $V S9 1 --year 2026 &&
	test_refused county "village .990101009201. is not registered" \
		stele-aggregator -C county assess approve 990101009201 --year 2026
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 stele-aggregator -C county assess approve $V 2>err &&
	test_grep "needs --year" err &&
	test_expect_code 2 stele-aggregator -C county assess adjust $V S1 abc --year 2026 2>err &&
	test_expect_code 2 stele-aggregator -C county assess adjust $V S1 --year 2026 2>err &&
	test_expect_code 2 stele-aggregator -C county assess list 2>err &&
	test_grep "needs --year" err &&
	test_expect_code 2 stele-aggregator -C county assess approve 12 --year 2026 2>err
'

test_expect_success 'star.review none: the declared scores count as they are' '
	cp -r county none &&
	sed "s/^star.review,required$/star.review,none/" "$REFERENCE/rules/config.csv" >config.csv &&
	stele-aggregator -C none rules import config config.csv 2>/dev/null &&
	stele-aggregator -C none rules publish 2>/dev/null &&
	stele-aggregator -C none rank stars --year 2026 --format csv >stars &&
	test "$(grep "^990101004202," stars | cut -d, -f4,5,8)" = "61.7,61.7,approved" &&
	test "$(grep "^990101001202," stars | cut -d, -f4,5,9)" = ",,3"
'

test_expect_success 'a star.review that is neither required nor none is refused' '
	sed "s/^star.review,required$/star.review,maybe/" "$REFERENCE/rules/config.csv" >bad.csv &&
	test_refused county "star.review .maybe. is not one of none|required" \
		stele-aggregator -C county rules import config bad.csv
'

# faketime preloads itself before the sanitizer runtime of a SANITIZE build.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS
test_expect_success 'a month that has not begun is refused with exit 2 (machine clock)' '
	faketime "2026-10-15 12:00:00" stele-aggregator -C pristine rank villages --month 2026-10 \
		--format csv >oct &&
	test_cmp "$REFERENCE/expected/league-2026-10.csv" oct &&
	test_expect_code 2 faketime "2026-10-15 12:00:00" stele-aggregator -C county \
		rank villages --month 2026-11 2>err &&
	test_grep "month 2026-11 has not begun yet" err &&
	test_expect_code 2 faketime "2026-10-15 12:00:00" stele-aggregator -C county \
		rank members --month 2026-11 2>err &&
	test_expect_code 2 faketime "2026-10-15 12:00:00" stele-aggregator -C county \
		report --month 2026-11 --out r.html 2>err &&
	! test -e r.html
'

test_done
