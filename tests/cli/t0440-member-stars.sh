#!/bin/sh
test_description='member stars (积分争星): rank member-stars at the county and in the village,
from the year'"'"'s points and member_star.5..2; the member ranking itself unchanged'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/rank-lib.sh"

test_expect_success 'the county: each ranked member'"'"'s points and stars, by the defaults' '
	load_reference_county county &&
	stele-aggregator -C county rank member-stars --year 2026 --format csv >stars &&
	head -n 1 stars >header &&
	echo "rank,village_code,member_id,name,points,stars" >want && test_cmp want header &&
	# Defaults 30, 24, 18, 12 whole points: 32.0 and 31.0 reach 30 (5); 29.0 reaches
	# 24 (4); 23.5 reaches 18 (3); 17.5 reaches 12 (2); 8.5 and 6.0 reach none (1).
	test_grep "^1,990101002203,M0007,梁宝平,32.0,5$" stars &&
	test_grep "^1,990101002201,M0005,许桂英,31.0,5$" stars &&
	test_grep "^1,990101001201,M0001,余文英,29.0,4$" stars &&
	test_grep "^2,990101001201,M0004,董秀芳,23.5,3$" stars &&
	test_grep "^7,990101001201,M0006,黎桂华,17.5,2$" stars &&
	test_grep "^4,990101001202,M0003,汤桂强,8.5,1$" stars &&
	test_grep "^10,990101001201,M0003,白志梅,6.0,1$" stars
'

test_expect_success 'its first five columns are the member ranking, row for row' '
	cut -d, -f1-5 stars >ranking &&
	test_cmp "$REFERENCE/expected/members-2026.csv" ranking
'

test_expect_success 'member_star thresholds come from ranking_config' '
	sqlite3 county/stele.db "INSERT INTO ranking_config VALUES ('\''member_star.5'\'', '\''29'\''),
		('\''member_star.2'\'', '\''6'\'')" &&
	stele-aggregator -C county rank member-stars --year 2026 --village 990101001201 \
		--format json >stars.json &&
	test_grep "\"member_id\": \"M0001\", \"name\": \"余文英\", \"points\": 29.0, \"stars\": 5}" stars.json &&
	test_grep "\"member_id\": \"M0003\", \"name\": \"白志梅\", \"points\": 6.0, \"stars\": 2}" stars.json &&
	test_expect_code 3 stele-aggregator -C county rank member-stars --year 2026 \
		--village 990101001299 2>err &&
	test_grep "village 990101001299 is not registered" err &&
	test_expect_code 2 stele-aggregator -C county rank member-stars 2>err &&
	test_grep "needs --year" err
'

test_expect_success 'the village computes the same for its own members' '
	new_village v 990101001201 &&
	stele-agent -C v member add 张三 >/dev/null &&
	stele-agent -C v member add 李四 >/dev/null &&
	stele-agent -C v member add 王五 --joined 2000-01-01 >/dev/null &&
	# 张三: P01 5.0 x 3 = 15.0 (2 stars); 李四: M01 3.0 x 8 = 24.0 (4 stars);
	# 王五: B02 1.0 recorded only, not counted: 0.0 (1 star).
	for i in 1 2 3; do stele-agent -C v points add M0001 P01 --date 2026-0$i-05 || exit 1; done >ids &&
	for i in 1 2 3 4 5 6 7 8; do stele-agent -C v points add M0002 M01 --date 2026-0$i-06 || exit 1; done >>ids &&
	for stage in group committee assembly; do
		stele-agent -C v points review $(cat ids) --stage $stage 2>/dev/null || exit 1
	done &&
	stele-agent -C v points add M0003 B02 --date 2026-03-01 >/dev/null &&
	stele-agent -C v rank member-stars --year 2026 --format csv >stars &&
	printf "%s\n" "rank,village_code,member_id,name,points,stars" \
		"1,990101001201,M0002,李四,24.0,4" "2,990101001201,M0001,张三,15.0,2" \
		"3,990101001201,M0003,王五,0.0,1" >want &&
	test_cmp want stars
'

test_done
