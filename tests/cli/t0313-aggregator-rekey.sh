#!/bin/sh
test_description='an aggregator rotates its own key (key rotate): the county announces
its new key in a change set signed with the old one; its villages'"'"' agents, its city
and a township that follows it verify each county change set with the key in force
for its seq; a change set signed with the old key after the rotation is refused; a
township rotates and its county keeps merging its reviews; an interrupted rotation is
finished or undone when the directory is next opened'
. "$(dirname "$0")/test-lib.sh"

FORGE=$STELE_BUILD/tools/stele-forge
T=990101001                       # the township
A=990101001201 B=990101001202     # its villages
COUNTY_URL=$TRASH/server/county.git

# config_value DIR KEY: ranking_config KEY in DIR's database.
config_value() {
	sqlite3 "$1/stele.db" "SELECT value FROM ranking_config WHERE key = '$2'"
}

# import_config DIR KEY VALUE: the county's ranking_config KEY set to VALUE.
import_config() {
	printf "key,value\n%s,%s\n" "$2" "$3" >config.csv &&
	stele-aggregator -C "$1" rules import config config.csv 2>/dev/null
}

test_expect_success 'a county publishes; its villages pin its key and sync' '
	mkdir server &&
	stele-aggregator -C county init --county 990101 --name 测试县 --publish "$COUNTY_URL" \
		2>/dev/null &&
	stele-aggregator -C county rules publish 2>/dev/null &&
	stele-aggregator -C county key >k1 &&
	for code in $A $B; do
		stele-agent -C v/$code init --village $code --name "村$code" \
			--remote "$TRASH/server/$code.git" --county "$COUNTY_URL" \
			--county-key "$(cat k1)" 2>/dev/null &&
		stele-agent -C v/$code member add 张三 >/dev/null &&
		stele-agent -C v/$code assess set 2026 S1 18 &&
		stele-agent -C v/$code sync 2>/dev/null &&
		stele-aggregator -C county village add $code --name "村$code" --township-name 正营镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	stele-aggregator -C county sync 2>/dev/null &&
	stele-aggregator -C county key history --format csv >h &&
	printf "seq_from,seq_to,public_key,source\n1,,%s,first\n" "$(cat k1)" >expect &&
	test_cmp expect h
'

test_expect_success 'a city and a township follow the county with its first key' '
	stele-aggregator -C city init --city 9901 --name 测试市 2>/dev/null &&
	stele-aggregator -C city county add 990101 --name 测试县 --remote "$COUNTY_URL" \
		--key "$(cat k1)" >/dev/null &&
	stele-aggregator -C city sync 2>/dev/null &&
	stele-aggregator -C town init --township $T --name 正营镇 \
		--publish "$TRASH/server/$T.git" 2>/dev/null &&
	stele-aggregator -C town key >t1 &&
	for code in $A $B; do
		stele-aggregator -C town village add $code --name "村$code" --township-name 正营镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	stele-aggregator -C town county join --remote "$COUNTY_URL" --key "$(cat k1)" &&
	stele-aggregator -C town sync 2>/dev/null &&
	test "$(sqlite3 town/stele.db "SELECT count(*) FROM stele_quarantine")" = 0
'

test_expect_success 'key rotate at the county: the old key signs the announcement' '
	cp county/signing.key old-county.key &&
	seq=$(sqlite3 county/stele.db "SELECT max(seq) + 1 FROM stele_outbox") &&
	stele-aggregator -C county key rotate >k2 2>err &&
	test_grep "rotated the signing key of 990101: change set $seq, signed with the old key" err &&
	test "$(wc -c <k2)" = 65 && ! test_cmp k1 k2 >/dev/null &&
	stele-aggregator -C county key >now && test_cmp k2 now &&
	test -f county/signing.key.old && ! test -e county/signing.key.new &&
	stele-aggregator -C county key history --format csv >h &&
	printf "seq_from,seq_to,public_key,source\n1,%s,%s,first\n%s,,%s,rotation\n" \
		$seq "$(cat k1)" $((seq + 1)) "$(cat k2)" >expect &&
	test_cmp expect h &&
	test "$(sqlite3 county/stele.db "SELECT village_code, seq_from FROM writer_key")" = \
		"990101|$((seq + 1))" &&
	echo $seq >rotation.seq
'

test_expect_success 'the county publishes: each commit names the key that signed it' '
	import_config county weight.income 77 &&
	stele-aggregator -C county rules publish 2>/dev/null &&
	! test -e county/signing.key.old &&
	seq=$(cat rotation.seq) &&
	for n in $seq $((seq + 1)); do
		c=$(git --git-dir=server/county.git log --format="%H %s" main |
			awk -v n="seq $n:" "index(\$0, n) { print \$1 }") &&
		git --git-dir=server/county.git show $c:writer.pub >pub.$n || exit 1
	done &&
	test "$(cat pub.$seq)" = "$(cat k1)" &&
	test "$(cat pub.$((seq + 1)))" = "$(cat k2)"
'

test_expect_success 'the villages pull the county rules across the rotation' '
	for code in $A $B; do
		stele-agent -C v/$code sync 2>/dev/null &&
		test "$(config_value v/$code weight.income)" = 77 &&
		test "$(sqlite3 v/$code/stele.db "SELECT value FROM stele_meta WHERE key = '\''county_seq'\''")" = \
			"$(sqlite3 county/stele.db "SELECT max(seq) FROM stele_outbox")" || exit 1
	done &&
	stele-agent -C v/$A key history --format csv >h &&
	test_line_count 2 h &&
	stele-agent -C v/$A verify 2>err
'

test_expect_success 'the city keeps merging the county stream after the rotation' '
	stele-aggregator -C city sync 2>/dev/null &&
	test "$(sqlite3 city/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''990101'\''")" = \
		"$(sqlite3 county/stele.db "SELECT max(seq) FROM stele_outbox")" &&
	test "$(sqlite3 city/stele.db "SELECT count(*) FROM stele_quarantine")" = 0
'

test_expect_success 'the township follows the county catalogue across the rotation' '
	stele-aggregator -C town sync 2>err &&
	test_grep "the catalogue of county 990101 (to seq [0-9]*) is the township.s" err &&
	test "$(config_value town weight.income)" = 77 &&
	test "$(sqlite3 town/stele.db "SELECT count(*) FROM stele_quarantine")" = 0
'

test_expect_success 'a county change set signed with the old key after the rotation is refused' '
	cp -r server/county.git county-good.git &&
	"$FORGE" county server/county.git --writer county --key old-county.key \
		--sql "INSERT INTO veto_item VALUES ('\''V9'\'', '\''伪造'\'')" &&
	test_expect_code 5 stele-agent -C v/$A sync 2>err &&
	test_grep "seq [0-9]*: signature does not verify against the key in force for county at seq [0-9]* (not the pinned key: its own .key rotate. replaced it)" err &&
	test "$(sqlite3 v/$A/stele.db "SELECT count(*) FROM veto_item WHERE code = '\''V9'\''")" = 0 &&
	test_expect_code 5 stele-aggregator -C city sync 2>/dev/null &&
	test "$(sqlite3 city/stele.db "SELECT reason FROM stele_quarantine WHERE writer = '\''990101'\''")" = signature &&
	rm -rf server/county.git && mv county-good.git server/county.git
'

test_expect_success 'a county may announce a key for its own code only' '
	cp -r server/county.git county-good.git &&
	seq=$(( $(sqlite3 county/stele.db "SELECT max(seq) FROM stele_outbox") + 1 )) &&
	"$FORGE" county server/county.git --writer county --key county/signing.key \
		--sql "INSERT INTO writer_key VALUES ('\''$A'\'', $((seq + 1)), '\''$(cat k1)'\'')" &&
	test_expect_code 5 stele-agent -C v/$B sync 2>err &&
	test_grep "announces a signing key for .$A.; county may only announce its own (990101)" err &&
	test "$(sqlite3 v/$B/stele.db "SELECT count(*) FROM writer_key WHERE village_code = '\''$A'\''")" = 0 &&
	rm -rf server/county.git && mv county-good.git server/county.git
'

test_expect_success 'county revoke at the city: the county key in force is refused from a seq on' '
	merged=$(sqlite3 city/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''990101'\''") &&
	test_expect_code 3 stele-aggregator -C city county revoke 990101 --from-seq $merged 2>err &&
	test_grep "up to seq $merged are already merged" err &&
	test_expect_code 3 stele-aggregator -C city county revoke 990199 --from-seq 9 2>err &&
	test_grep "county .990199. is not registered here" err &&
	test_expect_code 1 stele-aggregator -C county county revoke 990101 --from-seq 9 2>err &&
	test_grep "is not a city.s or a township.s directory" err &&
	stele-aggregator -C town county revoke 990101 --from-seq 999 2>err &&
	test_grep "county 990101: from seq 999 on" err &&
	test "$(sqlite3 town/stele.db "SELECT revokes FROM stele_key_override WHERE village_code = '\''990101'\''")" = 1 &&
	next=$((merged + 1)) &&
	stele-aggregator -C city county revoke 990101 --from-seq $next 2>err &&
	test_grep "county 990101: from seq $next on, change sets signed with the key in force there are refused" err &&
	cp -r server/county.git county-good.git &&
	"$FORGE" county server/county.git --writer county --key county/signing.key \
		--sql "INSERT INTO veto_item VALUES ('\''V8'\'', '\''盗用'\'')" &&
	test_expect_code 5 stele-aggregator -C city sync 2>/dev/null &&
	sqlite3 city/stele.db "SELECT reason, detail FROM stele_quarantine WHERE writer = '\''990101'\'' ORDER BY rowid DESC LIMIT 1" >q &&
	test_grep "^revoked|seq $next is signed with the key .*, which was revoked here for 990101 (.county revoke.)" q &&
	test "$(sqlite3 city/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''990101'\''")" = $merged &&
	echo $next >revoked.seq
'

test_expect_success 'county revoke --key: the county'"'"'s new key signs from that seq on' '
	next=$(cat revoked.seq) &&
	stele-aggregator -C spare init --county 990102 --name 备用 2>/dev/null &&
	stele-aggregator -C spare key >k9 &&
	stele-aggregator -C city county revoke 990101 --from-seq $next --key "$(cat k9)" 2>err &&
	test_grep "the key $(cut -c1-16 k9)... signs instead" err &&
	test "$(sqlite3 city/stele.db "SELECT state FROM stele_stream WHERE writer = '\''990101'\''")" = ok &&
	rm -rf server/county.git && cp -r county-good.git server/county.git &&
	"$FORGE" county server/county.git --writer county --key spare/signing.key \
		--sql "INSERT INTO veto_item VALUES ('\''V7'\'', '\''新钥'\'')" &&
	quarantined=$(sqlite3 city/stele.db "SELECT count(*) FROM stele_quarantine") &&
	stele-aggregator -C city sync 2>/dev/null &&
	test "$(sqlite3 city/stele.db "SELECT count(*) FROM stele_quarantine")" = $quarantined &&
	test "$(sqlite3 city/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''990101'\''")" = $next &&
	"$FORGE" county server/county.git --writer county --key spare/signing.key \
		--sql "INSERT INTO veto_item VALUES ('\''V6'\'', '\''又一条'\'')" &&
	stele-aggregator -C city sync 2>/dev/null &&
	test "$(sqlite3 city/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''990101'\''")" = $((next + 1)) &&
	test "$(sqlite3 city/stele.db "SELECT count(*) FROM stele_key_override WHERE village_code = '\''990101'\''")" = 1 &&
	rm -rf server/county.git && mv county-good.git server/county.git
'

test_expect_success 'county revoke at an agent: the stolen county key refused, the new one taken' '
	C=990101001203 &&
	stele-agent -C v/$C init --village $C --name 村C --remote "$TRASH/server/$C.git" \
		--county "$COUNTY_URL" --county-key "$(cat k1)" 2>/dev/null &&
	stele-agent -C v/$C sync 2>/dev/null &&
	taken=$(sqlite3 v/$C/stele.db "SELECT value FROM stele_meta WHERE key = '\''county_seq'\''") &&
	test_expect_code 3 stele-agent -C v/$C county revoke --from-seq $taken 2>err &&
	test_grep "up to seq $taken are already taken" err &&
	test_expect_code 2 stele-agent -C v/$C county revoke 2>err &&
	next=$((taken + 1)) &&
	stele-agent -C v/$C county revoke --from-seq $next 2>err &&
	test_grep "county 990101: from seq $next on, its rules signed with the key in force there are refused" err &&
	cp -r server/county.git county-good.git &&
	"$FORGE" county server/county.git --writer county --key county/signing.key \
		--sql "INSERT INTO veto_item VALUES ('\''Z5'\'', '\''盗用'\'')" &&
	test_expect_code 5 stele-agent -C v/$C sync 2>err &&
	test_grep "seq $next is signed with the key .*, which was revoked here for county (.county revoke.)" err &&
	test "$(sqlite3 v/$C/stele.db "SELECT count(*) FROM veto_item WHERE code = '\''Z5'\''")" = 0 &&
	rm -rf server/county.git && cp -r county-good.git server/county.git &&
	stele-agent -C v/$C county revoke --from-seq $next --key "$(cat k9)" 2>err &&
	test_grep "the key $(cut -c1-16 k9)... signs instead" err &&
	"$FORGE" county server/county.git --writer county --key spare/signing.key \
		--sql "INSERT INTO veto_item VALUES ('\''Z4'\'', '\''新钥'\'')" &&
	stele-agent -C v/$C sync 2>/dev/null &&
	test "$(sqlite3 v/$C/stele.db "SELECT count(*) FROM veto_item WHERE code = '\''Z4'\''")" = 1 &&
	stele-agent -C v/$C key history --format csv >h &&
	test_line_count 2 h &&
	rm -rf server/county.git && mv county-good.git server/county.git
'

test_expect_success 'a township rotates; its county keeps merging its reviews' '
	stele-aggregator -C town assess review $A S1 15 --year 2026 &&
	stele-aggregator -C town rules publish 2>/dev/null &&
	stele-aggregator -C county township add $T --remote "$TRASH/server/$T.git" \
		--key "$(cat t1)" >/dev/null &&
	stele-aggregator -C county sync 2>/dev/null &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM township_review")" = 1 &&
	stele-aggregator -C town key rotate >t2 2>err &&
	test_grep "rotated the signing key of $T: change set 2" err &&
	stele-aggregator -C town assess review $B S1 12 --year 2026 &&
	stele-aggregator -C town rules publish 2>/dev/null &&
	stele-aggregator -C county sync 2>/dev/null &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM township_review")" = 2 &&
	test "$(sqlite3 county/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''$T'\''")" = 3 &&
	test "$(sqlite3 county/stele.db "SELECT pubkey FROM writer_key WHERE village_code = '\''$T'\''")" = \
		"$(cat t2)" &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM stele_quarantine")" = 0
'

test_expect_success 'the city rotates; its county keeps following its catalogue' '
	stele-aggregator -C city key >c1 &&
	stele-aggregator -C city rules publish --to "$TRASH/server/city.git" 2>/dev/null &&
	stele-aggregator -C county city join --remote "$TRASH/server/city.git" --key "$(cat c1)" \
		>/dev/null &&
	stele-aggregator -C county sync 2>/dev/null &&
	stele-aggregator -C city key rotate >c2 2>/dev/null &&
	import_config city weight.income 55 &&
	stele-aggregator -C city rules publish --to "$TRASH/server/city.git" 2>/dev/null &&
	stele-aggregator -C county sync 2>err &&
	test_grep "the catalogue of city 9901" err &&
	test "$(config_value county weight.income)" = 55 &&
	test "$(sqlite3 county/stele.db "SELECT pubkey FROM writer_key WHERE village_code = '\''9901'\''")" = \
		"$(cat c2)" &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM stele_quarantine")" = 0 &&
	stele-agent -C v/$A sync 2>/dev/null &&
	test "$(config_value v/$A weight.income)" = 55
'

test_expect_success 'an interrupted rotate before its commit leaves an unused key that goes' '
	cp -a county crash &&
	cp town/signing.key crash/signing.key.new &&
	stele-aggregator -C crash key >out 2>err &&
	test_grep "removed signing.key.new" err &&
	test ! -e crash/signing.key.new && test_cmp k2 out
'

test_expect_success 'an interrupted rotate after its commit is finished by the next command' '
	stele-aggregator -C crash key rotate >new 2>/dev/null &&
	mv crash/signing.key crash/signing.key.new &&
	mv crash/signing.key.old crash/signing.key &&
	stele-aggregator -C crash status >/dev/null 2>err &&
	test_grep "finished an interrupted" err &&
	stele-aggregator -C crash key >now && test_cmp new now &&
	test -e crash/signing.key.old && test ! -e crash/signing.key.new &&
	stele-aggregator -C crash key history --format csv >h && test_line_count 4 h
'

test_expect_success 'key rotate killed at random instants: the key always matches the stream' '
	cp -a town kill &&
	i=0 &&
	while [ $i -lt 15 ]; do
		stele-aggregator -C kill key rotate >/dev/null 2>&1 &
		pid=$! &&
		sleep "0.0$((i % 5))" &&
		kill -KILL $pid 2>/dev/null || : &&
		wait $pid || : &&
		stele-aggregator -C kill key >now 2>/dev/null &&
		stele-aggregator -C kill key history --format csv | tail -n 1 | cut -d, -f3 >last &&
		test_cmp last now &&
		test ! -e kill/signing.key.new || exit 1
		i=$((i + 1))
	done &&
	stele-aggregator -C kill assess review $B S2 9 --year 2026 &&
	stele-aggregator -C kill rules publish --to "$TRASH/kill.git" 2>/dev/null &&
	sqlite3 county/stele.db "UPDATE stele_township_source SET remote = '\''$TRASH/kill.git'\''" &&
	stele-aggregator -C county sync 2>/dev/null &&
	test "$(sqlite3 county/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''$T'\''")" = \
		"$(sqlite3 kill/stele.db "SELECT max(seq) FROM stele_outbox")"
'

test_expect_success 'a signing.key that is not the directory key is refused' '
	cp town/signing.key crash/signing.key &&
	test_expect_code 1 stele-aggregator -C crash veto add $A V1 --year 2026 2>err &&
	test_grep "is not the key this directory signs with" err &&
	test_line_count 1 err
'

test_expect_success 'township revoke at the county: its new key taken, the stolen one refused' '
	merged=$(sqlite3 county/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''$T'\''") &&
	next=$((merged + 1)) &&
	test_expect_code 3 stele-aggregator -C county township revoke $T --from-seq $merged 2>err &&
	test_grep "up to seq $merged are already merged" err &&
	test_expect_code 3 stele-aggregator -C county township revoke 990101009 --from-seq 9 2>err &&
	test_grep "township .990101009. is not registered here" err &&
	test_expect_code 1 stele-aggregator -C city township revoke $T --from-seq 9 2>err &&
	test_grep "is not a county.s directory" err &&
	stele-aggregator -C spare2 init --township 990101002 --name 备用镇 2>/dev/null &&
	stele-aggregator -C county township revoke $T --from-seq $next \
		--key "$(stele-aggregator -C spare2 key)" 2>err &&
	test_grep "township $T: from seq $next on, change sets signed with the key in force there are refused (revoked) and the key" err &&
	reviews=$(sqlite3 county/stele.db "SELECT count(*) FROM township_review") &&
	"$FORGE" kill kill.git --writer $T --key spare2/signing.key \
		--sql "INSERT INTO township_review VALUES ('\''$A'\'', 2026, '\''S3'\'', 30, NULL)" &&
	stele-aggregator -C county sync 2>/dev/null &&
	test "$(sqlite3 county/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''$T'\''")" = $next &&
	"$FORGE" kill kill.git --writer $T --key kill/signing.key \
		--sql "INSERT INTO township_review VALUES ('\''$A'\'', 2026, '\''S4'\'', 30, NULL)" &&
	test_expect_code 5 stele-aggregator -C county sync 2>/dev/null &&
	sqlite3 county/stele.db "SELECT reason, detail FROM stele_quarantine WHERE writer = '\''$T'\'' ORDER BY rowid DESC LIMIT 1" >q &&
	test_grep "^revoked|seq $((next + 1)) is signed with the key .*, which was revoked here for $T (.township revoke.)" q &&
	test "$(sqlite3 county/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''$T'\''")" = $next &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM township_review")" = $reviews
'

test_done
