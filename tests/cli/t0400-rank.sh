#!/bin/sh
test_description='stele-aggregator rank and stele-agent points rank: the reference
county reproduced byte for byte, formats, configuration, usage errors'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/rank-lib.sh"

test_expect_success 'a county directory holds the reference county' '
	load_reference_county county &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM village")" = 12
'

test_reference_rankings county

test_expect_success 'rank members --village lists one village' '
	stele-aggregator -C county rank members --year 2026 --village 990101003202 --format csv >one &&
	{ head -n 1 "$REFERENCE/expected/members-2026.csv" &&
	  grep ",990101003202," "$REFERENCE/expected/members-2026.csv"; } >want &&
	test_cmp want one
'

test_expect_success '--month alone implies its year' '
	stele-aggregator -C county rank members --month 2026-10 --format csv >implied &&
	test_cmp "$REFERENCE/expected/members-2026-10.csv" implied
'

test_expect_success '--bom prefixes the CSV with a UTF-8 BOM' '
	stele-aggregator -C county rank stars --year 2026 --format csv --bom >bom &&
	printf "\357\273\277" >want && cat "$REFERENCE/expected/stars-2026.csv" >>want &&
	test_cmp want bom
'

test_expect_success 'JSON: numbers are numbers, empty cells are null' '
	stele-aggregator -C county rank villages --month 2026-10 --format json >league.json &&
	perl -MJSON::PP -e "
		local \$/; my \$rows = decode_json(<STDIN>);
		die \"rows\" unless @\$rows == 12;
		my (\$first, \$last) = (\$rows->[0], \$rows->[11]);
		die \"rank\" unless \$first->{rank} == 1 && !ref \$first->{rank};
		die \"composite\" unless \$first->{composite} == 70.22;
		die \"code kept as text\" unless \$first->{village_code} eq \"990101004202\";
		die \"null\" if defined \$last->{rank} || defined \$last->{composite};
		die \"closed\" unless \$last->{closed} eq \"no\";
		die \"status\" unless \$last->{status} eq \"unsynced\" && \$first->{status} eq \"ok\";
	" <league.json
'

test_expect_success 'the table format aligns Chinese names by display width' '
	stele-aggregator -C county rank stars --year 2026 >table &&
	head -n 1 table | grep -q "^village_code  village_name  township_code  declared  score  stars  veto  review" &&
	test_line_count 13 table &&
	# every row has the score column at the same display position
	grep "中门辛村" table | grep -q "^990101004201  中门辛村      990101004          75.2   82.7      4  no    approved" &&
	grep "土楼胜利村" table | grep -q "^990101003203  土楼胜利村    990101003          71.6                no    pending "
'

test_expect_success 'ranking_config weights re-rank the league' '
	cp -r county reweighted &&
	sqlite3 reweighted/stele.db "UPDATE ranking_config SET value = 0 WHERE key IN
		(\"weight.task\", \"weight.request\", \"weight.participation\", \"weight.income\")" &&
	stele-aggregator -C reweighted rank villages --month 2026-10 --format csv >by-assessment &&
	# 土楼胜利村 is pending for 2026: its 2025 reviewed score stands in
	sed -n 2p by-assessment | grep -q "^1,990101003203,土楼胜利村,990101003,90.60," &&
	sed -n 3p by-assessment | grep -q "^2,990101004201,中门辛村,990101004,82.70," &&
	# the tie stays a tie, listed by code
	grep -q "^6,990101002203,毛毛匠村" by-assessment &&
	grep -q "^6,990101003201,东子牙村" by-assessment
'

test_expect_success 'request.days changes which requests count as resolved in time' '
	cp -r county days &&
	sqlite3 days/stele.db "UPDATE ranking_config SET value = 8 WHERE key = \"request.days\"" &&
	stele-aggregator -C days rank villages --month 2026-10 --format csv >eight &&
	# 西岳村 resolved one of its two October requests on day 8
	grep -q "^11,990101002202,西岳村,990101002,31.42,0.1667,0.0000," actual-league-2026-10.csv &&
	grep -q "^8,990101002202,西岳村,990101002,43.92,0.1667,0.5000," eight
'

test_expect_success 'usage errors exit 2 and name the problem' '
	test_expect_code 2 stele-aggregator -C county rank villages 2>err &&
	test_grep "needs --month" err &&
	test_expect_code 2 stele-aggregator -C county rank villages --month 2026-13 2>err &&
	test_grep "2026-13" err &&
	test_expect_code 2 stele-aggregator -C county rank villages --month 2026-10 --township 99 2>err &&
	test_grep "9-digit township" err &&
	test_expect_code 2 stele-aggregator -C county rank members --year 2026 --month 2025-10 2>err &&
	test_grep "is not in --year" err &&
	test_expect_code 2 stele-aggregator -C county rank stars --year 2026 --month 2026-10 2>err &&
	test_grep "option not taken here" err &&
	test_expect_code 2 stele-aggregator -C county rank stars 2>err &&
	test_expect_code 2 stele-aggregator -C county rank members --year 2026 --village 12 2>err &&
	test_expect_code 2 stele-aggregator -C county rank planets 2>err &&
	test_grep "unknown subcommand" err
'

test_expect_success 'unknown townships and villages are refused with exit 3' '
	test_expect_code 3 stele-aggregator -C county rank villages --month 2026-10 \
		--township 990101009 2>err &&
	test_grep "township 990101009 has no registered village" err &&
	test_expect_code 3 stele-aggregator -C county rank members --year 2026 \
		--village 990101009201 2>err &&
	test_grep "village 990101009201 is not registered" err
'

test_expect_success '--help prints the usage on stdout' '
	stele-aggregator rank villages --help >out &&
	test_grep "^usage: stele-aggregator rank villages --month YYYY-MM" out
'

test_expect_success 'a village directory is not a county' '
	new_village v 990101001201 正营村 &&
	test_expect_code 1 stele-aggregator -C v rank stars --year 2026 2>err &&
	test_grep "is not a county directory" err
'

test_expect_success 'points rank: each village ranks its members as the county does' '
	mkdir a &&
	for dir in "$REFERENCE"/villages/*/; do
		code=$(basename "$dir")
		new_village "a/$code" "$code" &&
		stele-agent -C "a/$code" import members "$dir/members.csv" &&
		stele-agent -C "a/$code" import points "$dir/points.csv" || exit 1
		stele-agent -C "a/$code" points rank --year 2026 --format csv >mine || exit 1
		{ head -n 1 "$REFERENCE/expected/members-2026.csv" &&
		  grep ",$code," "$REFERENCE/expected/members-2026.csv"; } >want
		test_cmp want mine || exit 1
		stele-agent -C "a/$code" points rank --year 2026 --month 2026-10 --format csv >mine || exit 1
		{ head -n 1 "$REFERENCE/expected/members-2026-10.csv" &&
		  grep ",$code," "$REFERENCE/expected/members-2026-10.csv"; } >want
		test_cmp want mine || exit 1
	done
'

test_expect_success 'points rank needs a year' '
	test_expect_code 2 stele-agent -C v points rank 2>err &&
	test_grep "needs --year" err &&
	test_expect_code 2 stele-agent -C v points rank --year 26 2>err
'

test_done
