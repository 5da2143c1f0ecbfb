#!/bin/sh
test_description='township streams at a city: a township'"'"'s first reviews reach the city
through its county'"'"'s registry, fetched from the township'"'"'s own remote; the
registry is refreshed and pushed by the county'"'"'s sync after village add and village
revoke, with no other command; fetch --from DIR at a city takes the counties'"'"', the
townships'"'"' and the villages'"'"' repositories from a directory named by code'
. "$(dirname "$0")/test-lib.sh"

T=990101001                       # 正营镇
A=990101001201 B=990101001202     # its villages
C=990101002201                    # a village of another township
D=990101002202                    # registered later

test_expect_success 'villages declare, the township reviews, the county syncs and publishes' '
	mkdir server &&
	for code in $A $B $C $D; do
		stele-agent -C v/$code init --village $code --name "村$code" \
			--remote "$TRASH/server/$code.git" 2>/dev/null &&
		stele-agent -C v/$code member add 张三 >/dev/null &&
		stele-agent -C v/$code assess set 2026 S1 18 &&
		stele-agent -C v/$code sync 2>/dev/null || exit 1
	done &&
	stele-aggregator -C town init --township $T --name 正营镇 \
		--publish "$TRASH/server/$T.git" 2>/dev/null &&
	for code in $A $B; do
		stele-aggregator -C town village add $code --name "村$code" --township-name 正营镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	stele-aggregator -C town sync 2>/dev/null &&
	stele-aggregator -C town assess review $A S1 15.5 --year 2026 --note 乡镇初审核减 &&
	stele-aggregator -C town rules publish 2>/dev/null &&
	stele-aggregator -C county init --county 990101 --name 参考县 \
		--publish "$TRASH/server/county.git" 2>/dev/null &&
	for code in $A $B $C; do
		stele-aggregator -C county village add $code --name "村$code" --township-name 镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	stele-aggregator -C county township add $T --remote "$TRASH/server/$T.git" \
		--key "$(stele-aggregator -C town key)" >/dev/null &&
	stele-aggregator -C county sync 2>err &&
	test_grep "published seq 1..[0-9]* to $TRASH/server/county.git" err &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM registry_source")" = 4
'

test_expect_success 'the township'"'"'s reviews reach the city from the township'"'"'s own stream' '
	stele-aggregator -C city init --city 9901 --name 参考市 2>/dev/null &&
	stele-aggregator -C city county add 990101 --name 参考县 \
		--remote "$TRASH/server/county.git" --key "$(stele-aggregator -C county key)" \
		>/dev/null &&
	stele-aggregator -C city sync 2>/dev/null &&
	test -d city/villages/$T.git &&
	test "$(sqlite3 city/stele.db "SELECT village_code, item_code, score, note FROM township_review")" = "$A|S1|155|乡镇初审核减" &&
	stele-aggregator -C city status --format csv >status &&
	test_grep "^$T,[^,]*,1,.*,ok," status &&
	test $(grep -n "^990101," status | cut -d: -f1) -lt $(grep -n "^$T," status | cut -d: -f1) &&
	stele-aggregator -C city assess list --year 2026 --village $A --format csv >list &&
	test_grep "^$A,村$A,2026,S1,.*,20.0,18.0,15.5," list
'

test_expect_success 'a second review reaches the city at the next syncs' '
	stele-aggregator -C town assess review $B S1 12 --year 2026 &&
	stele-aggregator -C town rules publish 2>/dev/null &&
	stele-aggregator -C city sync 2>/dev/null &&
	test "$(sqlite3 city/stele.db "SELECT count(*) FROM township_review")" = 2
'

test_expect_success 'an unchanged registry makes no change set and no push at the county' '
	sqlite3 county/stele.db "SELECT count(*) FROM stele_outbox" >before &&
	git -C server/county.git rev-parse main >tip-before &&
	stele-aggregator -C county sync 2>err &&
	! test_grep "published" err &&
	sqlite3 county/stele.db "SELECT count(*) FROM stele_outbox" >after &&
	test_cmp before after &&
	git -C server/county.git rev-parse main >tip-after &&
	test_cmp tip-before tip-after
'

test_expect_success 'village add at the county reaches the city at the county'"'"'s sync' '
	stele-aggregator -C county village add $D --name "村$D" --township-name 镇 \
		--remote "$TRASH/server/$D.git" --key "$(stele-agent -C v/$D key)" >/dev/null &&
	stele-aggregator -C county sync 2>err &&
	test_grep "published seq" err &&
	stele-aggregator -C city sync 2>/dev/null &&
	stele-aggregator -C city status --format csv >status &&
	test_grep "^$D,村$D,[1-9]" status &&
	stele-aggregator -C city county list --format csv | grep "^990101,.*,4,1,"
'

test_expect_success 'village revoke at the county reaches the city at the county'"'"'s sync' '
	seq=$(stele-aggregator -C city status --format csv | grep "^$C," | cut -d, -f3) &&
	next=$((seq + 1)) &&
	stele-aggregator -C county village revoke $C --from-seq $next 2>/dev/null &&
	stele-aggregator -C county sync 2>/dev/null &&
	stele-agent -C v/$C member add 被盗密钥 >/dev/null 2>&1 &&
	stele-agent -C v/$C sync 2>/dev/null &&
	test_expect_code 5 stele-aggregator -C city sync 2>err &&
	test_grep "$C: quarantined (revoked)" err &&
	stele-aggregator -C city village keys $C --format csv | grep "^[0-9]*,,,revoked$"
'

test_expect_success 'fetch --from DIR at a city: counties, townships and villages by code' '
	mkdir usb &&
	cp -r server/county.git usb/990101.git &&
	for code in $T $A $B $D; do
		cp -r server/$code.git usb/$code.git || exit 1
	done &&
	cp -r server/$C.git usb/$C &&
	mkdir usb/notes &&
	stele-aggregator -C city2 init --city 9901 --name 参考市 2>/dev/null &&
	stele-aggregator -C city2 county add 990101 --name 参考县 \
		--remote "$TRASH/nowhere/county.git" --key "$(stele-aggregator -C county key)" \
		>/dev/null &&
	stele-aggregator -C city2 fetch --from usb 2>err &&
	test_grep "took 6 repositories from usb, ignored 1 other entry" err &&
	test -d city2/villages/990101.git && test -d city2/villages/$T.git &&
	test -d city2/villages/$D.git &&
	test_expect_code 5 stele-aggregator -C city2 merge 2>err &&
	test_grep "$C: quarantined (revoked)" err &&
	test "$(sqlite3 city2/stele.db "SELECT count(*) FROM township_review")" = 2 &&
	stele-aggregator -C city2 rank stars --year 2026 --format csv >stars2 &&
	stele-aggregator -C city rank stars --year 2026 --format csv >stars1 &&
	test_cmp stars1 stars2
'

test_expect_success 'fetch --from at a county takes its city'"'"'s and its townships'"'"' repositories' '
	stele-aggregator -C county2 init --county 990101 --name 参考县 2>/dev/null &&
	stele-aggregator -C county2 township add $T --remote "$TRASH/nowhere/$T.git" \
		--key "$(stele-aggregator -C town key)" >/dev/null &&
	stele-aggregator -C county2 fetch --from usb 2>err &&
	test_grep "took 1 repository from usb" err &&
	test -d county2/villages/$T.git
'

test_done
