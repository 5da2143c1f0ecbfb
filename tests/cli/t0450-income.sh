#!/bin/sh
test_description='rank income: collective income year to date beside the same months of the
year before, growth, sources, and the single-source and weak flags (集体经济薄弱村、单一村)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/rank-lib.sh"

V=990101001201   # 正营村
S=990101002202   # 西岳村: no income in the reference county

test_expect_success 'the reference county, with a year before for one village' '
	load_reference_county county &&
	sqlite3 county/stele.db "INSERT INTO income VALUES
		('\''$V'\'', '\''I9001'\'', '\''2025-03'\'', 10000000, '\''合作社分红'\''),
		('\''$V'\'', '\''I9002'\'', '\''2025-11'\'', 5000000, '\''合作社分红'\''),
		('\''$S'\'', '\''I9001'\'', '\''2026-03'\'', 2000000, '\''合作社分红'\'')"
'

test_expect_success 'January to June: income, last year, growth, sources, by income' '
	stele-aggregator -C county rank income --month 2026-06 --format csv >income &&
	head -n 1 income >header &&
	echo "rank,village_code,village_name,township_code,income,prev_income,growth,sources,single_source,weak,status" >want &&
	test_cmp want header &&
	# 正营村 2026-02..06: 68767.90 + 56578.07 + 16417.83 = 141763.80 from 2 sources;
	# 2025-01..06: 100000.00 (2025-11 is outside); growth 41763.80 / 100000.00.
	test_grep "^8,$V,正营村,990101001,141763.80,100000.00,0.4176,2,no,,ok$" income &&
	# 西岳村: one source; no income row in 2025, so no last year and no growth.
	test_grep "^10,$S,西岳村,990101002,20000.00,,,1,yes,,ok$" income &&
	# Equal incomes share a rank; a village with no income row has 0.00 (data).
	test_grep "^4,990101002203,毛毛匠村,990101002,242731.02,,,2,no,,ok$" income &&
	test_grep "^4,990101003201,东子牙村,990101003,242731.02,,,2,no,,ok$" income &&
	test_grep "^11,990101003202,庆功台村,990101003,0.00,,,0,no,,ok$" income &&
	test_grep "^,990101004203,二沟村,990101004,,,,,,,unsynced$" income
'

test_expect_success 'through October: the later months and the third source count' '
	stele-aggregator -C county rank income --month 2026-10 --format json >income.json &&
	# + 15531.09 + 42272.21 + 36628.64 + 59111.12 = 295306.86; 195306.86 / 100000.00.
	test_grep "\"village_code\": \"$V\", \"village_name\": \"正营村\", \"township_code\": \"990101001\", \"income\": 295306.86, \"prev_income\": 100000.00, \"growth\": 1.9531, \"sources\": 3, \"single_source\": \"no\", \"weak\": null" income.json
'

test_expect_success 'weak is empty until the county sets income.weak_yuan, then flags' '
	printf "key,value\nincome.weak_yuan,150000\n" >config.csv &&
	stele-aggregator -C county rules import config config.csv 2>/dev/null &&
	printf "key,value\nincome.weak_yuan,-1\n" >bad.csv &&
	test_expect_code 3 stele-aggregator -C county rules import config bad.csv 2>err &&
	test_grep "income.weak_yuan" err &&
	sqlite3 county/stele.db "INSERT OR REPLACE INTO ranking_config VALUES ('\''income.weak_yuan'\'', '\''150000'\'')" &&
	stele-aggregator -C county rank income --month 2026-06 --format csv >income &&
	# 141763.80 < 150000 (weak), 245447.55 is not; 20000.00 is.
	test_grep "^8,$V,.*,2,no,yes,ok$" income &&
	test_grep "^3,990101001202,.*,no,no,ok$" income &&
	test_grep "^10,$S,.*,1,yes,yes,ok$" income
'

test_expect_success 'rank income needs a year or a month; a month not begun is refused' '
	test_expect_code 2 stele-aggregator -C county rank income 2>err &&
	test_grep "needs --year" err &&
	test_expect_code 2 stele-aggregator -C county rank income --month 2999-01 2>err &&
	test_grep "has not begun" err
'

test_done
