#!/bin/sh
test_description='a township follows its county: county join names the county, whose
stream sync fetches and verifies beside the villages'"'"'; the township takes its rules
catalogue, vetoes and reviews, so its league table and stars are the county'"'"'s for
its villages, and stay so when the county changes its rules; its own stream carries
none of it'
. "$(dirname "$0")/test-lib.sh"

T=990101001                       # the township
A=990101001201 B=990101001202     # its villages
C=990101002201                    # a village of another township
M=2026-10
COUNTY_URL=$TRASH/server/county.git

# same_league: the township's league and stars equal the county's for the township.
# (The league's income percentile is over the villages each ranks: equal here, where
# the county's other village has not started by $M; rankings.md "--township".)
same_league() {
	stele-aggregator -C county rank villages --month $M --township $T --format csv >want &&
	stele-aggregator -C town rank villages --month $M --format csv >got &&
	test_cmp want got &&
	stele-aggregator -C county rank stars --year 2026 --township $T --format csv >want &&
	stele-aggregator -C town rank stars --year 2026 --format csv >got &&
	test_cmp want got
}

test_expect_success 'three villages keep their records and sync' '
	mkdir server &&
	for code in $A $B $C; do
		stele-agent -C v/$code init --village $code --name "村$code" \
			--remote "$TRASH/server/$code.git" 2>/dev/null &&
		stele-agent -C v/$code member add 张三 >/dev/null &&
		stele-agent -C v/$code assess set 2026 S1 18 || exit 1
	done &&
	stele-agent -C v/$A income add $M 100 >/dev/null &&
	stele-agent -C v/$B income add $M 40 >/dev/null &&
	stele-agent -C v/$B task add 修路 --due 2026-10-06 >/dev/null &&
	stele-agent -C v/$B task close T0001 --date 2026-10-05 &&
	for code in $A $B $C; do stele-agent -C v/$code sync 2>/dev/null || exit 1; done
'

test_expect_success 'the county weighs income its own way, vetoes one village and publishes' '
	stele-aggregator -C county init --county 990101 --name 测试县 --publish "$COUNTY_URL" \
		2>/dev/null &&
	for code in $A $B $C; do
		stele-aggregator -C county village add $code --name "村$code" --township-name 正营镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	printf "key,value\nweight.income,90\n" >income-heavy.csv &&
	stele-aggregator -C county rules import config income-heavy.csv 2>/dev/null &&
	stele-aggregator -C county rules publish 2>/dev/null &&
	stele-aggregator -C county veto add $B V3 --year 2026 >/dev/null &&
	stele-aggregator -C county task issue 人居环境整治 --due 2026-10-20 --township $T >/dev/null &&
	stele-aggregator -C county sync 2>/dev/null &&
	stele-aggregator -C county key >county.key
'

test_expect_success 'a township on its own ranks with the default catalogue' '
	stele-aggregator -C town init --township $T --name 正营镇 2>/dev/null &&
	for code in $A $B; do
		stele-aggregator -C town village add $code --name "村$code" --township-name 正营镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	stele-aggregator -C town sync 2>/dev/null &&
	! same_league 2>/dev/null
'

test_expect_success 'county join: bad joins are refused, nothing written' '
	test_expect_code 2 stele-aggregator -C town county join --key "$(cat county.key)" 2>err &&
	test_grep "county join needs --remote URL and --key KEY" err &&
	test_expect_code 3 stele-aggregator -C town county join --remote "$COUNTY_URL" --key abc 2>err &&
	test_grep "is not a public key" err &&
	test_expect_code 1 stele-aggregator -C county county join --remote "$COUNTY_URL" \
		--key "$(cat county.key)" 2>err &&
	test_grep "is not a township.s directory" err &&
	test "$(sqlite3 town/stele.db "SELECT count(*) FROM stele_county_source")" = 0
'

test_expect_success 'joined: the township takes the county'"'"'s catalogue and vetoes' '
	stele-aggregator -C town county join --remote "$COUNTY_URL" --key "$(cat county.key)" &&
	stele-aggregator -C town sync 2>err &&
	test_grep "the catalogue of county 990101 (to seq [0-9]*) is the township.s" err &&
	same_league &&
	test "$(sqlite3 town/stele.db "SELECT count(*) FROM issued_task")" = 1 &&
	test "$(sqlite3 town/stele.db "SELECT count(*) FROM stele_quarantine")" = 0 &&
	stele-aggregator -C town county list --format csv >list &&
	test_grep "^990101,.*,ok,.*" list &&
	test_expect_code 3 stele-aggregator -C town county join --remote "$COUNTY_URL" \
		--key "$(cat county.key)" 2>err &&
	test_grep "township $T already belongs to county 990101" err
'

test_expect_success 'the county changes its rules: the township follows at its next sync' '
	printf "key,value\nweight.income,10\n" >income-light.csv &&
	stele-aggregator -C county rules import config income-light.csv 2>/dev/null &&
	stele-aggregator -C county rules publish 2>/dev/null &&
	stele-aggregator -C town rank villages --month $M --format csv >before &&
	stele-aggregator -C town sync 2>/dev/null &&
	stele-aggregator -C town rank villages --month $M --format csv >after &&
	! test_cmp before after >/dev/null &&
	same_league
'

test_expect_success 'a county change set with no rule in it changes no catalogue' '
	stele-aggregator -C county veto add $A V3 --year 2026 >/dev/null &&
	stele-aggregator -C county rules publish 2>/dev/null &&
	stele-aggregator -C town sync 2>err &&
	! test_grep "the catalogue of county" err >/dev/null &&
	same_league
'

test_expect_success 'the township'"'"'s own stream carries none of it' '
	test "$(sqlite3 town/stele.db "SELECT count(*) FROM stele_outbox")" = 0 &&
	test_expect_code 1 stele-aggregator -C town rules import config income-heavy.csv 2>/dev/null
'

test_done
