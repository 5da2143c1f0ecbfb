#!/bin/sh
test_description='the rules catalogue flows city -> counties -> villages: the city
publishes it in its own signed stream, a county that joined the city takes it at its
sync (verified: chain, signature, ownership) and publishes it on to its villages in its
own stream; a city stream writing a village row is refused; a county under a city
refuses its own rules import; a catalogue change at the city changes the city'"'"'s and
the counties'"'"' league tables the same way'
. "$(dirname "$0")/test-lib.sh"

test_must_run_on_ci
command -v python3 >/dev/null 2>&1 || test_skip_all 'python3 is missing (tools/deps.sh test)'
. "$TEST_DIRECTORY/lib-city.sh"
FORGE=$STELE_BUILD/tools/stele-forge
MONTH=2026-03
CITY_URL=$TRASH/city-server/city.git

# catalogue DIR: the four kinds as rules list prints them (agent or aggregator).
catalogue() {
	prog=$1 dir=$2
	for kind in point-rules standard-items veto-items config; do
		$prog -C $dir rules list $kind --format csv || return 1
	done
}

test_expect_success 'the city publishes its catalogue in its own signed stream' '
	county_generate a 990102 31 &&
	county_generate b 990103 32 &&
	stele-aggregator -C city init --city 9901 --name 生成市 --publish "$CITY_URL" 2>/dev/null &&
	test "$(sqlite3 city/stele.db "SELECT count(*) FROM stele_outbox")" = 1 &&
	for kind in point-rules standard-items veto-items config; do
		stele-aggregator -C city rules import $kind a-in/rules/$kind.csv 2>/dev/null || exit 1
	done &&
	stele-aggregator -C city rules publish 2>err &&
	test_grep "published seq 1..2 to" err &&
	test "$(stream_seq "$CITY_URL")" = 2 &&
	stele-aggregator -C city key >city.key
'

test_expect_success 'a county joins its city once; bad joins are refused, nothing written' '
	stele-aggregator -C x init --county 990201 --name 外县 2>/dev/null &&
	test_expect_code 3 stele-aggregator -C x city join --remote "$CITY_URL" --key abc 2>err &&
	test_grep "is not a public key" err &&
	test_expect_code 2 stele-aggregator -C x city join --key "$(cat city.key)" 2>err &&
	test_grep "city join needs --remote URL and --key KEY" err &&
	test_expect_code 1 stele-aggregator -C city city join --remote "$CITY_URL" \
		--key "$(cat city.key)" 2>err &&
	test_grep "is not a county.s directory" err &&
	stele-aggregator -C x rules import config a-in/rules/config.csv 2>/dev/null &&
	test_expect_code 3 stele-aggregator -C x city join --remote "$CITY_URL" \
		--key "$(cat city.key)" 2>err &&
	test_grep "has draft rules" err &&
	test "$(sqlite3 x/stele.db "SELECT count(*) FROM stele_city_source")" = 0
'

test_expect_success 'two counties join the city; its catalogue reaches them and their villages' '
	county_drive a 990102 "$CITY_URL" "$(cat city.key)" &&
	county_drive b 990103 "$CITY_URL" "$(cat city.key)" &&
	stele-aggregator -C a city show --format csv >show &&
	test_grep "^9901,$CITY_URL,$(cat city.key),2,2,ok," show &&
	catalogue stele-aggregator city >want &&
	catalogue stele-aggregator a >got-a && test_cmp want got-a &&
	catalogue stele-aggregator b >got-b && test_cmp want got-b &&
	v=$(ls a-in/villages | head -n 1) &&
	stele-agent -C a-v/$v sync 2>/dev/null &&
	catalogue stele-agent a-v/$v >got-v && test_cmp want got-v &&
	stele-aggregator -C a status --format csv >status &&
	test_grep "^9901,,2," status
'

test_expect_success 'a county under a city refuses its own rules import (exit 1)' '
	sqlite3 a/stele.db "SELECT count(*) FROM stele_outbox" >before &&
	test_expect_code 1 stele-aggregator -C a rules import config a-in/rules/config.csv 2>err &&
	test_grep "belongs to city 9901, whose catalogue governs" err &&
	test "$(sqlite3 a/stele.db "SELECT count(*) FROM stele_rules_draft")" = 0 &&
	sqlite3 a/stele.db "SELECT count(*) FROM stele_outbox" >after &&
	test_cmp before after
'

# oracle_all OUT CONFIG: the oracle's league of $MONTH over county a, county b and
# their union, all with the catalogue the city publishes and CONFIG as its settings.
oracle_all() {
	out=$1 config=$2
	for n in a b union; do
		rm -rf in-$n && mkdir in-$n &&
		if test $n = union; then
			mkdir in-union/villages &&
			for f in villages vetoes reviews; do
				{ cat a-in/$f.csv && tail -n +2 b-in/$f.csv; } >in-union/$f.csv || return 1
			done &&
			cp -r a-in/villages/* b-in/villages/* in-union/villages/
		else
			cp -r $n-in/villages $n-in/villages.csv $n-in/vetoes.csv $n-in/reviews.csv in-$n/
		fi &&
		cp -r a-in/rules in-$n/ && cp $config in-$n/rules/config.csv &&
		python3 "$TOOLS/oracle.py" in-$n $out-$n --month $MONTH >/dev/null || return 1
	done
}

# league_all OUT DIR...: rank villages of $MONTH in each directory, into OUT-DIR.csv.
league_all() {
	out=$1
	shift
	for d in "$@"; do
		stele-aggregator -C $d rank villages --month $MONTH --format csv >$out-$d.csv ||
			return 1
	done
}

test_expect_success 'the city over both counties: every league table the catalogue'"'"'s' '
	stele-aggregator -C city county add 990102 --name 生成县a \
		--remote "$TRASH/a-server/county.git" --key "$(stele-aggregator -C a key)" &&
	stele-aggregator -C city county add 990103 --name 生成县b \
		--remote "$TRASH/b-server/county.git" --key "$(stele-aggregator -C b key)" &&
	stele-aggregator -C city sync 2>/dev/null &&
	oracle_all want a-in/rules/config.csv &&
	league_all got a b city &&
	test_cmp want-a/league-$MONTH.csv got-a.csv &&
	test_cmp want-b/league-$MONTH.csv got-b.csv &&
	test_cmp want-union/league-$MONTH.csv got-city.csv
'

test_expect_success 'a catalogue change at the city changes every league table the same way' '
	sed -e "s/^weight.task,.*/weight.task,40/" -e "s/^weight.income,.*/weight.income,5/" \
		-e "s/^weight.assessment,.*/weight.assessment,10/" a-in/rules/config.csv >config.csv &&
	! cmp -s config.csv a-in/rules/config.csv &&
	stele-aggregator -C city rules import config config.csv 2>/dev/null &&
	stele-aggregator -C city rules publish 2>/dev/null &&
	stele-aggregator -C a sync 2>err &&
	test_grep "catalogue of city 9901 (to seq 3) is the county" err &&
	test_grep "published seq" err &&
	stele-aggregator -C b sync 2>/dev/null &&
	stele-aggregator -C city sync 2>/dev/null &&
	oracle_all want2 config.csv &&
	league_all got2 a b city &&
	test_cmp want2-a/league-$MONTH.csv got2-a.csv &&
	test_cmp want2-b/league-$MONTH.csv got2-b.csv &&
	test_cmp want2-union/league-$MONTH.csv got2-city.csv &&
	! cmp -s got-a.csv got2-a.csv && ! cmp -s got-city.csv got2-city.csv &&
	v=$(ls b-in/villages | head -n 1) &&
	stele-agent -C b-v/$v sync 2>/dev/null &&
	test "$(stele-agent -C b-v/$v rules list config --format csv | grep ^weight.task,)" = weight.task,40
'

test_expect_success 'an unchanged city catalogue makes no change set at the county' '
	sqlite3 a/stele.db "SELECT count(*) FROM stele_outbox" >before &&
	stele-aggregator -C a sync 2>/dev/null &&
	sqlite3 a/stele.db "SELECT count(*) FROM stele_outbox" >after &&
	test_cmp before after
'

test_expect_success 'a city stream writing a village row is refused, nothing of it taken' '
	v=$(ls a-in/villages | head -n 1) &&
	"$FORGE" city "$CITY_URL" --sql "INSERT INTO member (village_code, id, name, gender, born, joined, status) VALUES ('\''$v'\'', '\''M9999'\'', '\''冒名'\'', '\''M'\'', 1980, '\''2000-01-01'\'', '\''active'\'')" 2>/dev/null &&
	sqlite3 a/stele.db "SELECT count(*) FROM stele_outbox" >before &&
	test_expect_code 5 stele-aggregator -C a sync 2>err &&
	test_grep "city 9901: quarantined (ownership): seq 4: row change 1 writes table .member., which 9901 does not own" err &&
	stele-aggregator -C a quarantine list --format csv | grep ",9901,4,.*,ownership," &&
	test "$(sqlite3 a/stele.db "SELECT count(*) FROM member WHERE id = '\''M9999'\''")" = 0 &&
	sqlite3 a/stele.db "SELECT count(*) FROM stele_outbox" >after &&
	test_cmp before after &&
	stele-aggregator -C a city show --format csv | grep "^9901,.*,3,3,quarantined,"
'

test_expect_success 'a city stream signed with another key is refused' '
	stele-aggregator -C c init --county 990104 --name 生成县c --publish "$TRASH/c-server/county.git" 2>/dev/null &&
	stele-aggregator -C c city join --remote "$CITY_URL" --key "$(stele-aggregator -C a key)" >/dev/null &&
	test_expect_code 5 stele-aggregator -C c sync 2>err &&
	test_grep "city 9901: quarantined (signature)" err &&
	test "$(sqlite3 c/stele.db "SELECT value FROM ranking_config WHERE key = '\''weight.task'\''")" != 40
'

test_done
