#!/bin/sh
test_description='weak village organisations (软弱涣散整顿): weak suggest proposes the bottom
share of a year by average league composite (倒排, ties included), weak add and convert
keep the list and its turnaround, weak list and the report show the time on it and the
rank trend'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/rank-lib.sh"

Q=990101003202   # 庆功台村: ranked only from October
X=990101002202   # 西岳村

test_expect_success 'the reference county' '
	load_reference_county county
'

test_expect_success 'the year average of every village, recomputed from the monthly leagues' '
	for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
		stele-aggregator -C county rank villages --month 2026-$m --format csv |
			tail -n +2 || exit 1
	done >months.csv &&
	# The composite in hundredths (the dot removed), summed over the months a village
	# was ranked in; the average rounded half away from zero: (2 * sum + n) / (2 * n).
	awk -F, '\''$5 != "" { c = $5; sub(/\./, "", c); s[$2] += c; n[$2]++ }
		END { for (v in s) printf "%s %d.%02d %d\n", v,
			int((2 * s[v] + n[v]) / (2 * n[v])) / 100, int((2 * s[v] + n[v]) / (2 * n[v])) % 100, n[v] }'\'' \
		months.csv | sort >want &&
	stele-aggregator -C county weak suggest --year 2026 --pct 100 --format csv 2>err >all &&
	tail -n +2 all | awk -F, '\''{ print $2, $5, $6 }'\'' | sort >got &&
	test_cmp want got &&
	test_grep "11 villages ranked in 2026; 100% of them is 11; 11 proposed" err &&
	# 庆功台村: 43.48, 10.42 and 10.42 in October to December: 6432 / 3 = 2144 -> 21.44.
	test_grep "^$Q 21.44 3$" got
'

test_expect_success 'default 10%: ceil(11 * 10 / 100) = 2, worst first' '
	stele-aggregator -C county weak suggest --year 2026 --format csv 2>err >weak &&
	cat >want <<-EOF &&
	rank,village_code,village_name,township_code,average,months,listed
	11,$Q,庆功台村,990101003,21.44,3,no
	10,$X,西岳村,990101002,41.50,12,no
	EOF
	test_cmp want weak &&
	test_grep "10% of them is 2; 2 proposed" err
'

test_expect_success 'ties at the cut are proposed too' '
	# 40% of 11 is ceil(4.4) = 5: down to 东子牙村 (49.49), tied with 毛毛匠村 above it.
	stele-aggregator -C county weak suggest --year 2026 --pct 40 --format csv 2>err >weak &&
	test_grep "40% of them is 5; 6 proposed" err &&
	tail -n 2 weak >last &&
	cat >want <<-EOF &&
	6,990101002203,毛毛匠村,990101002,49.49,12,no
	6,990101003201,东子牙村,990101003,49.49,12,no
	EOF
	test_cmp want last &&
	test_expect_code 2 stele-aggregator -C county weak suggest --year 2026 --pct 0 2>err &&
	test_expect_code 2 stele-aggregator -C county weak suggest 2>err &&
	test_grep "needs --year" err &&
	test_expect_code 2 stele-aggregator -C county weak suggest --year 2999 2>err
'

test_expect_success 'weak add and convert: the list and its turnaround (整顿转化)' '
	stele-aggregator -C county weak add $Q --year 2026 --reason 班子软弱 --date 2026-03-15 2>/dev/null &&
	stele-aggregator -C county weak add $X --year 2026 --reason 组织生活不正常 --date 2026-06-01 2>/dev/null &&
	stele-aggregator -C county weak suggest --year 2026 --format csv 2>/dev/null >weak &&
	test_grep "^11,$Q,.*,yes$" weak &&
	test_refused county "village $X is on the weak list for 2026 already" \
		stele-aggregator -C county weak add $X --year 2026 --reason 又一次 &&
	test_refused county "village $X is on the weak list since 2026 and not yet turned around" \
		stele-aggregator -C county weak add $X --year 2025 --reason 去年 &&
	test_refused county "village 990101001209 is not registered" \
		stele-aggregator -C county weak add 990101001209 --year 2026 --reason 无此村 &&
	test_refused county "turned around on 2026-05-01, before it was listed (2026-06-01)" \
		stele-aggregator -C county weak convert $X --date 2026-05-01 --note 太早 &&
	test_usage county "needs --reason" \
		stele-aggregator -C county weak add $X --year 2026 &&
	test_usage county "after today" \
		stele-aggregator -C county weak add $X --year 2026 --reason 未来 --date 2999-01-01 &&
	stele-aggregator -C county weak convert $X --date 2026-10-20 --note 选派第一书记 2>/dev/null &&
	test_refused county "village $X is not on the weak list" \
		stele-aggregator -C county weak convert $X --date 2026-10-21 --note 再次
'

test_expect_success 'weak list on a date: days on the list by hand' '
	stele-aggregator -C county weak list --date 2026-11-30 --format csv >list &&
	cat >want <<-EOF &&
	village_code,village_name,township_code,year,listed_on,reason,converted_on,note,days_listed,status
	$Q,庆功台村,990101003,2026,2026-03-15,班子软弱,,,260,listed
	$X,西岳村,990101002,2026,2026-06-01,组织生活不正常,2026-10-20,选派第一书记,141,converted
	EOF
	# 03-15 .. 11-30: 16 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 = 260 days;
	# 06-01 .. 10-20: 29 + 31 + 31 + 30 + 20 = 141 days.
	test_cmp want list &&
	# Before its turnaround, 西岳村 was still listed: 06-01 .. 09-30 is 121 days.
	stele-aggregator -C county weak list --date 2026-09-30 --format csv >list &&
	test_grep "^$X,.*,2026-06-01,组织生活不正常,,,121,listed$" list &&
	stele-aggregator -C county weak list --date 2026-05-31 --format csv >list &&
	test_line_count 2 list
'

test_expect_success 'the report lists them with time on the list, rank trend and turnarounds' '
	stele-aggregator -C county report --month 2026-11 --out r.html 2>/dev/null &&
	sed -n "/<section id=\"weak-section\">/,/<\/section>/p" r.html >weak.html &&
	# 西岳村: 8th in June (its listing month), 9th in November: down 1.
	grep "$X" weak.html >row &&
	test_grep "2026-10-20</td><td class=\"num\">141</td><td class=\"num\">8</td><td class=\"num\">9</td><td class=\"down\">↓1</td>" row &&
	# 庆功台村 was not ranked in March (no record yet), 11th now: no trend.
	grep "$Q" weak.html >row &&
	test_grep "<td class=\"num\">260</td><td class=\"na\">—</td><td class=\"num\">11</td><td class=\"na\">—</td>" row &&
	test_grep "名单上共 2 个村，已整顿转化 1 个" weak.html &&
	stele-aggregator -C county rank villages --month 2026-06 --format csv >june &&
	test_grep "^8,$X," june &&
	stele-aggregator -C county rank villages --month 2026-11 --format csv >nov &&
	test_grep "^9,$X," nov
'

test_done
