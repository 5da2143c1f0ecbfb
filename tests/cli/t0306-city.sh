#!/bin/sh
test_description='a city over two counties generated independently (tools/gen-county.py),
each driven end to end through local remotes: the city fetches every village its
counties vouch for and verifies it itself; its league, stars and member rankings are
what the independent oracle (tools/oracle.py) computes over the union of the two; a
county vouching for another county'"'"'s village is refused and nothing of it merged; a
county offline stops only its own part; a revocation passes from county to city'
. "$(dirname "$0")/test-lib.sh"

test_must_run_on_ci
command -v python3 >/dev/null 2>&1 || test_skip_all 'python3 is missing (tools/deps.sh test)'
. "$TEST_DIRECTORY/lib-city.sh"
MONTH=2026-03
YEAR=2026

test_expect_success 'two counties, generated and each driven end to end' '
	county_pipeline a 990102 21 &&
	county_pipeline b 990103 22 &&
	test $(ls a-in/villages | wc -l) = 10 &&
	test $(ls b-in/villages | wc -l) = 10
'

test_expect_success 'the oracle ranks the union of the two counties' '
	diff -r a-in/rules b-in/rules &&
	mkdir -p union/villages &&
	cp -r a-in/rules union/ &&
	for f in villages vetoes reviews; do
		{ cat a-in/$f.csv && tail -n +2 b-in/$f.csv; } >union/$f.csv || exit 1
	done &&
	cp -r a-in/villages/* b-in/villages/* union/villages/ &&
	python3 "$TOOLS/oracle.py" union want --month $MONTH --township 990102001 &&
	test $(ls want | wc -l) = 6
'

test_expect_success 'a city registers both counties with their keys' '
	stele-aggregator -C city init --city 9901 --name 生成市 2>/dev/null &&
	for kind in point-rules standard-items veto-items config; do
		stele-aggregator -C city rules import $kind union/rules/$kind.csv 2>/dev/null || exit 1
	done &&
	stele-aggregator -C city rules publish 2>/dev/null &&
	stele-aggregator -C city county add 990102 --name 生成县a \
		--remote "$TRASH/a-server/county.git" --key "$(stele-aggregator -C a key)" &&
	stele-aggregator -C city county add 990103 --name 生成县b \
		--remote "$TRASH/b-server/county.git" --key "$(stele-aggregator -C b key)" &&
	stele-aggregator -C city county list --format csv >counties &&
	test $(grep -c "^99010[23]," counties) = 2
'

test_expect_success 'a county outside the city, a bad key, a second registration: refused' '
	test_expect_code 2 stele-aggregator -C bad init --city 140 --name x 2>err &&
	grep "city code .140. is not a 4-digit city code" err &&
	test_expect_code 2 stele-aggregator -C bad init --city 9901 --county 990102 --name x &&
	test ! -e bad &&
	test_expect_code 1 stele-aggregator -C a county list 2>err &&
	grep "is not a city.s directory" err &&
	test_expect_code 3 stele-aggregator -C city county add 990201 --name x \
		--remote "$TRASH/a-server/county.git" --key "$(stele-aggregator -C a key)" 2>err &&
	grep "county 990201 is not in city 9901" err &&
	test_expect_code 3 stele-aggregator -C city county add 990104 --name x \
		--remote /x --key abc 2>err &&
	grep "is not a public key" err &&
	test_expect_code 3 stele-aggregator -C city county add 990102 --name x \
		--remote /x --key "$(stele-aggregator -C a key)" 2>err &&
	grep "already registered" err &&
	test $(stele-aggregator -C city county list --format csv | wc -l) = 3
'

test_expect_success 'the city syncs: both counties, then every village they vouch for' '
	# County a publishes a catalogue change first: a city keeps its own catalogue.
	sqlite3 a/stele.db "SELECT key, value FROM ranking_config ORDER BY key" >a-config &&
	{ echo key,value && tr "|" , <a-config | sed "/^income.weak_yuan,/d" &&
	  echo income.weak_yuan,123; } >a-config.csv &&
	stele-aggregator -C a rules import config a-config.csv 2>/dev/null &&
	stele-aggregator -C a rules publish 2>/dev/null &&
	test "$(sqlite3 a/stele.db "SELECT value FROM ranking_config WHERE key = '\''income.weak_yuan'\''")" = 123 &&
	sqlite3 city/stele.db "SELECT key, value FROM ranking_config ORDER BY key" >city-config &&
	stele-aggregator -C city sync 2>err &&
	sqlite3 city/stele.db "SELECT key, value FROM ranking_config ORDER BY key" >city-config.after &&
	test_cmp city-config city-config.after &&
	stele-aggregator -C city county list --format csv >counties &&
	grep "^990102,.*,ok,10,0," counties &&
	grep "^990103,.*,ok,10,0," counties &&
	stele-aggregator -C city status --format csv >status &&
	test $(grep -c "^99010[23]00" status) = 20 &&
	! grep -e quarantined -e held status
'

for spec in \
	"league-$MONTH.csv villages --month $MONTH" \
	"league-2026-02.csv villages --month 2026-02" \
	"league-$MONTH-township-990102001.csv villages --month $MONTH --township 990102001" \
	"stars-$YEAR.csv stars --year $YEAR" \
	"members-$YEAR.csv members --year $YEAR" \
	"members-$MONTH.csv members --year $YEAR --month $MONTH"; do
	set -- $spec
	file=$1
	shift
	test_expect_success "city: rank $* is the oracle's $file over both counties" "
		stele-aggregator -C city rank $* --format csv >got-$file &&
		test_cmp want/$file got-$file
	"
done

test_expect_success 'city: --county and --township keep one area (stars, members per village)' '
	{ head -n 1 want/stars-$YEAR.csv && grep "^990102" want/stars-$YEAR.csv; } >want-stars-a &&
	stele-aggregator -C city rank stars --year $YEAR --county 990102 --format csv >got &&
	test_cmp want-stars-a got &&
	{ head -n 1 want/members-$YEAR.csv && grep ",990103001[0-9]*," want/members-$YEAR.csv; } >want-members &&
	stele-aggregator -C city rank members --year $YEAR --township 990103001 --format csv >got &&
	test_cmp want-members got &&
	stele-aggregator -C city rank villages --month $MONTH --county 990103 --format csv >got &&
	test $(grep -c "^[0-9]*,990103" got) -gt 0 &&
	! grep ",990102" got &&
	test $(wc -l <got) = 11 &&
	test_expect_code 2 stele-aggregator -C city rank stars --year $YEAR --county 9901 2>err &&
	grep "not a 6-digit county code" err &&
	test_expect_code 2 stele-aggregator -C city rank stars --year $YEAR --county 990102 \
		--township 990102001 2>err &&
	grep "do not go together" err &&
	test_expect_code 3 stele-aggregator -C city rank stars --year $YEAR --county 990109 2>err &&
	grep "county 990109 has no registered village" err
'

test_expect_success 'city: the report adds the county summary beside the township summary' '
	stele-aggregator -C city report --month $MONTH --out report.html 2>/dev/null &&
	grep -q "id=\"counties\"" report.html &&
	grep -q "id=\"townships\"" report.html &&
	grep -q "<tr><td>生成县a</td><td>990102</td><td class=\"num\">10</td>" report.html &&
	grep -q "<tr><td>生成县b</td><td>990103</td><td class=\"num\">10</td>" report.html &&
	stele-aggregator -C a report --month $MONTH --out county.html 2>/dev/null &&
	! grep -q "id=\"counties\"" county.html
'

test_expect_success 'the city took the villages from their own streams, not the county' '
	for code in $(tail -n +2 a-in/villages.csv | cut -d, -f1); do
		test -d city/villages/$code.git || exit 1
	done &&
	stele-aggregator -C city veto list --format csv >vetoes &&
	test $(($(wc -l <a-in/vetoes.csv) + $(wc -l <b-in/vetoes.csv) - 1)) = $(wc -l <vetoes)
'

test_expect_success 'a city does not revoke, register or veto: that is the county'"'"'s' '
	code=$(tail -n 1 a-in/villages.csv | cut -d, -f1) &&
	test_expect_code 1 stele-aggregator -C city village revoke $code --from-seq 9 2>err &&
	grep "is city 9901.s directory; this is done at the county" err &&
	test_expect_code 1 stele-aggregator -C city veto add $code V1 --year 2026 2>err &&
	grep "this is done at the county" err &&
	stele-aggregator -C city village keys $code --format csv >keys &&
	! grep revocation keys
'

test_expect_success 'a county offline stops only its own part; status says which and why' '
	mv a-server/county.git a-server/county.away &&
	b1=$(tail -n +2 b-in/villages.csv | head -n 1 | cut -d, -f1) &&
	seq=$(stele-aggregator -C city status --format csv | grep "^$b1," | cut -d, -f3) &&
	stele-agent -C b-v/$b1 member add 新党员 >/dev/null 2>&1 &&
	stele-agent -C b-v/$b1 sync 2>/dev/null &&
	test_expect_code 1 stele-aggregator -C city sync 2>err &&
	grep "990102: .*county.git" err &&
	total=$(stele-aggregator -C city status --format csv | grep -c "^[0-9]\{12\},") &&
	test_grep "0 of $total villages and 1 of 2 other streams (counties, townships, the city) could not be fetched" err &&
	stele-aggregator -C city status --format csv >status &&
	grep "^990102,.*county.git" status &&
	grep "^$b1,[^,]*,$((seq + 1))," status &&
	mv a-server/county.away a-server/county.git &&
	stele-aggregator -C city sync 2>/dev/null &&
	stele-aggregator -C city status --format csv >status &&
	! grep "^990102,.*county.git" status
'

test_expect_success 'a revocation passes from the county to the city' '
	a1=$(tail -n +2 a-in/villages.csv | head -n 1 | cut -d, -f1) &&
	seq=$(stele-aggregator -C city status --format csv | grep "^$a1," | cut -d, -f3) &&
	next=$((seq + 1)) &&
	stele-aggregator -C a village revoke $a1 --from-seq $next 2>/dev/null &&
	stele-aggregator -C a rules publish 2>/dev/null &&
	stele-agent -C a-v/$a1 member add 被盗密钥 >/dev/null 2>&1 &&
	stele-agent -C a-v/$a1 sync 2>/dev/null &&
	test_expect_code 5 stele-aggregator -C city sync 2>err &&
	grep "$a1: quarantined (revoked)" err &&
	stele-aggregator -C city quarantine list --format csv | grep ",$a1,$next,.*,revoked,"
'

test_expect_success 'a rotation made by the clerk reaches the city in the village stream' '
	b2=$(tail -n +2 b-in/villages.csv | sed -n 2p | cut -d, -f1) &&
	stele-agent -C b-v/$b2 key rotate >/dev/null 2>&1 &&
	stele-agent -C b-v/$b2 member add 轮换后 >/dev/null 2>&1 &&
	stele-agent -C b-v/$b2 sync 2>/dev/null &&
	stele-aggregator -C city sync 2>/dev/null; true &&
	stele-aggregator -C city village keys $b2 --format csv >keys &&
	grep rotation keys &&
	stele-aggregator -C city status --format csv | grep "^$b2,.*,ok,"
'

test_expect_success 'a county vouching for a key its village never had: refused at the city' '
	a3=$(tail -n +2 a-in/villages.csv | sed -n 3p | cut -d, -f1) &&
	python3 -c "
import sqlite3
db = sqlite3.connect(\"a/stele.db\")
db.execute(\"UPDATE stele_village_source SET pubkey = ? WHERE village_code = ?\",
           (\"$(stele-aggregator -C b key)\", \"$a3\"))
db.commit()
" &&
	stele-aggregator -C a rules publish 2>/dev/null &&
	stele-agent -C a-v/$a3 member add 真党员 >/dev/null 2>&1 &&
	stele-agent -C a-v/$a3 sync 2>/dev/null &&
	test_expect_code 5 stele-aggregator -C city sync 2>err &&
	grep "village $a3: quarantined (signature)" err &&
	stele-aggregator -C city rank members --year $YEAR --village $a3 --format csv >members &&
	! grep 真党员 members
'

test_expect_success 'a county vouching for another county'"'"'s village is refused, nothing merged' '
	a2=$(tail -n +2 a-in/villages.csv | sed -n 2p | cut -d, -f1) &&
	python3 -c "
import sqlite3, sys
db = sqlite3.connect(\"b/stele.db\")
db.execute(\"INSERT INTO stele_village_source (village_code, remote, pubkey) VALUES (?, ?, ?)\",
           (\"$a2\", \"$TRASH/b-server/forged.git\", \"$(stele-aggregator -C b key)\"))
db.commit()
" &&
	stele-aggregator -C b rules publish 2>/dev/null &&
	test_expect_code 5 stele-aggregator -C city sync 2>err &&
	grep "county 990103: quarantined (ownership): seq [0-9]*: row change 1 (insert of registry_source) carries village code .$a2., which is not a village of 990103" err &&
	stele-aggregator -C city status --format csv | grep "^990103,.*,quarantined," &&
	stele-aggregator -C city status --format csv | grep "^$a2,.*,ok," &&
	python3 -c "
import sqlite3
db = sqlite3.connect(\"city/stele.db\")
print(db.execute(\"SELECT remote FROM stele_village_source WHERE village_code = ?\", (\"$a2\",)).fetchone()[0])
" >remote &&
	grep a-server remote
'

test_expect_success 'a county publishes a remote without its user name or password' '
	b3=$(tail -n +2 b-in/villages.csv | sed -n 3p | cut -d, -f1) &&
	stele-aggregator -C b village set $b3 \
		--remote "https://clerk:s3cret@git.example/$b3.git" 2>/dev/null &&
	stele-aggregator -C b rules publish 2>/dev/null &&
	python3 -c "
import sqlite3
db = sqlite3.connect(\"b/stele.db\")
print(db.execute(\"SELECT remote FROM registry_source WHERE code = ?\", (\"$b3\",)).fetchone()[0])
" >remote &&
	echo "https://git.example/$b3.git" >want-remote &&
	test_cmp want-remote remote
'

test_done
