#!/bin/sh
test_description='stele-aggregator init, village registry, rules, vetoes and publishing'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'init creates a county directory whose first change set is the catalogue' '
	stele-aggregator -C county init --county 990101 --name 参考县 --publish "$TRASH/pub/county.git" 2>err &&
	test_grep "initialized county 990101" err &&
	test -f county/stele.db && test "$(stat -c %a county/signing.key)" = 600 &&
	test -d county/repo.git &&
	test "$(sqlite3 county/stele.db "SELECT value FROM stele_meta WHERE key = '\''role'\''")" = county &&
	test "$(sqlite3 county/stele.db "SELECT seq FROM stele_outbox")" = 1 &&
	stele-aggregator -C county rules list point-rules --format csv >rules.csv &&
	test_grep "^D02,deduction,违反村规民约,-3.5,1$" rules.csv
'

test_expect_success 'init refuses a bad county code and an initialized directory' '
	test_expect_code 2 stele-aggregator -C bad init --county 99010 --name x 2>err &&
	test_grep "not a 6-digit county code" err && ! test -e bad/stele.db &&
	test_expect_code 1 stele-aggregator -C county init --county 990101 --name x 2>err &&
	test_grep "already a Stele directory" err
'

test_expect_success 'village add registers a village and prints its code' '
	new_village v1 990101001201 正营村 &&
	stele-aggregator -C county village add 990101001201 --name 正营村 --township-name 东关镇 \
		--remote "$TRASH/server/990101001201.git" --key "$(stele-agent -C v1 key)" >out &&
	echo 990101001201 >want && test_cmp want out &&
	test "$(sqlite3 county/stele.db "SELECT township_code FROM village")" = 990101001
'

test_expect_success 'village add refuses bad input with one line, writing nothing' '
	sqlite3 county/stele.db "SELECT count(*) FROM stele_outbox" >before &&
	test_expect_code 3 stele-aggregator -C county village add 990102001201 --name x \
		--township-name y 2>err &&
	test_grep "is not in county 990101" err &&
	test_expect_code 3 stele-aggregator -C county village add 990101001201 --name x \
		--township-name y 2>err &&
	test_grep "already registered" err &&
	test_expect_code 3 stele-aggregator -C county village add 990101001203 --name x \
		--township-name y --key abc 2>err &&
	test_grep "key is not a public key" err &&
	test_expect_code 2 stele-aggregator -C county village add 990101001203 --name x 2>err &&
	sqlite3 county/stele.db "SELECT count(*) FROM stele_outbox" >after &&
	test_cmp before after
'

test_expect_success 'village import registers all rows or none' '
	cat >villages.csv <<-\EOF &&
	code,name,township_name,remote
	990101002201,官场村,西郊街道,/nowhere/a.git
	990101002202,西岳村,西郊街道,
	EOF
	stele-aggregator -C county village import villages.csv 2>err &&
	test_grep "registered 2 villages" err &&
	cat >bad.csv <<-\EOF &&
	code,name,township_name
	990101003201,东子牙村,北闸口镇
	99010100320X,庆功台村,北闸口镇
	EOF
	test_expect_code 3 stele-aggregator -C county village import bad.csv 2>err &&
	test_grep "bad.csv:3" err &&
	stele-aggregator -C county village list --format csv >list.csv &&
	test_line_count 4 list.csv &&
	! grep -q 990101003201 list.csv &&
	test_grep "^990101002202,西岳村,990101002,西郊街道,,no,0$" list.csv
'

test_expect_success 'village set changes a registration; unknown codes are refused' '
	stele-aggregator -C county village set 990101002202 --remote /stick/x.git --name 西岳新村 &&
	stele-aggregator -C county village list --format json >list.json &&
	test_grep "\"name\": \"西岳新村\"" list.json &&
	test_expect_code 3 stele-aggregator -C county village set 990101009999 --name x 2>err &&
	test_grep "is not registered" err
'

test_expect_success 'one township code has one name: a second name is refused, --rename renames' '
	sqlite3 county/stele.db "SELECT * FROM village ORDER BY code" >before &&
	test_expect_code 3 stele-aggregator -C county village add 990101002203 --name 毛毛匠村 \
		--township-name 西郊镇 2>err &&
	test_grep "^stele-aggregator: village .990101002203.: township 990101002 is named 西郊街道 (village 990101002201); one township has one name: give --township-name 西郊街道, or rename the township with --rename$" err &&
	test_line_count 1 err &&
	test_expect_code 3 stele-aggregator -C county village set 990101002202 --township-name 西郊镇 2>err &&
	test_grep "township 990101002 is named 西郊街道" err &&
	printf "code,name,township_name\n990101002203,毛毛匠村,西郊镇\n" >second-name.csv &&
	test_expect_code 3 stele-aggregator -C county village import second-name.csv 2>err &&
	test_grep "second-name.csv:2: village .990101002203.: township 990101002 is named 西郊街道" err &&
	sqlite3 county/stele.db "SELECT * FROM village ORDER BY code" >after &&
	test_cmp before after &&
	stele-aggregator -C county village add 990101002203 --name 毛毛匠村 --township-name 西郊镇 \
		--rename >/dev/null &&
	test "$(sqlite3 county/stele.db "SELECT group_concat(DISTINCT township_name) FROM village WHERE township_code = '\''990101002'\''")" = 西郊镇
'

test_expect_success 'rules import checks a table and keeps it as a draft; errors name the line' '
	sqlite3 county/stele.db "SELECT count(*) FROM stele_outbox" >outbox-before &&
	stele-aggregator -C county rules import point-rules "$REFERENCE/rules/point-rules.csv" 2>err &&
	test_grep "as a draft" err &&
	stele-aggregator -C county rules import config "$REFERENCE/rules/config.csv" 2>err &&
	sqlite3 county/stele.db "SELECT count(*) FROM stele_outbox" >outbox-after &&
	test_cmp outbox-before outbox-after &&
	test "$(sqlite3 county/stele.db "SELECT group_concat(kind) FROM stele_rules_draft")" = "config,point-rules" &&
	printf "code,category,name,points,active\nX1,deduction,坏,2.0,1\n" >bad-rules.csv &&
	test_expect_code 3 stele-aggregator -C county rules import point-rules bad-rules.csv 2>err &&
	test_grep "bad-rules.csv:2" err &&
	test "$(sqlite3 county/stele.db "SELECT file FROM stele_rules_draft WHERE kind = '\''point-rules'\''")" = "$REFERENCE/rules/point-rules.csv" &&
	test_expect_code 2 stele-aggregator -C county rules import frobs bad-rules.csv 2>err &&
	stele-aggregator -C county rules list config --format csv >config.csv &&
	test_grep "^weight.task,25$" config.csv
'

test_expect_success 'veto add records an event against a registered village' '
	stele-aggregator -C county veto add 990101001201 V3 --year 2026 --note 事故 >id &&
	echo VE0001 >want && test_cmp want id &&
	test_expect_code 3 stele-aggregator -C county veto add 990101009999 V3 --year 2026 2>err &&
	test_grep "not registered" err &&
	test_expect_code 3 stele-aggregator -C county veto add 990101001201 V9 --year 2026 2>err &&
	test_grep "veto item .V9. is not in the catalogue" err &&
	test_expect_code 3 stele-aggregator -C county veto add 990101001201 V3 --year 26 2>err &&
	stele-aggregator -C county veto list --format csv >vetoes.csv &&
	test_line_count 2 vetoes.csv
'

test_expect_success 'rules publish commits every county change set and pushes it' '
	stele-aggregator -C county rules publish 2>err &&
	test_grep "draft rules (2 tables) are live" err &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM stele_rules_draft")" = 0 &&
	n=$(sqlite3 county/stele.db "SELECT max(seq) FROM stele_outbox") &&
	test_grep "published seq 1..$n to" err &&
	git --git-dir=pub/county.git log --format=%B main | grep -E "^seq [0-9]+: " >log &&
	test_line_count "$n" log &&
	test_grep "^seq 1: 11 point rules added" log &&
	test_grep "veto event VE0001 added" log
'

test_expect_success 'a second publish is a no-op; --to pushes elsewhere' '
	stele-aggregator -C county rules publish 2>err &&
	test_grep "up to date" err &&
	mkdir usb &&
	stele-aggregator -C county rules publish --to "file://$TRASH/usb/county.git" 2>err &&
	test "$(git --git-dir=usb/county.git rev-parse main)" = "$(git --git-dir=pub/county.git rev-parse main)"
'

test_expect_success 'a village directory is not a county directory' '
	test_expect_code 1 stele-aggregator -C v1 village list 2>err &&
	test_grep "use stele-agent" err
'

test_done
