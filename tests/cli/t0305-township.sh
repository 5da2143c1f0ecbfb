#!/bin/sh
test_description='townships as writers: init --township merges its own villages and writes
its first reviews (assess review) into its own signed stream; the county registers it
(township add) and merges that stream like a village'"'"'s; assess list shows declared,
township and county scores side by side; assess approve takes the township'"'"'s score'
. "$(dirname "$0")/test-lib.sh"

T=990101001                       # 正营镇
A=990101001201 B=990101001202     # its villages
C=990101002201                    # a village of another township

test_expect_success 'three villages declare their self-assessment and sync' '
	mkdir server &&
	for code in $A $B $C; do
		stele-agent -C v/$code init --village $code --name "村$code" \
			--remote "$TRASH/server/$code.git" 2>/dev/null &&
		stele-agent -C v/$code member add 张三 >/dev/null &&
		stele-agent -C v/$code assess set 2026 S1 18 &&
		stele-agent -C v/$code assess set 2026 S2 12 &&
		stele-agent -C v/$code sync 2>/dev/null || exit 1
	done
'

test_expect_success 'init --township makes a township directory' '
	stele-aggregator -C town init --township $T --name 正营镇 \
		--publish "$TRASH/server/$T.git" 2>err &&
	test_grep "initialized township $T (正营镇)" err &&
	test "$(sqlite3 town/stele.db "SELECT value FROM stele_meta WHERE key = '\''role'\''")" = township &&
	test "$(sqlite3 town/stele.db "SELECT value FROM stele_meta WHERE key = '\''writer'\''")" = $T &&
	test "$(sqlite3 town/stele.db "SELECT count(*) FROM stele_outbox")" = 0 &&
	stele-aggregator -C town key >town.key &&
	test "$(wc -c <town.key)" = 65
'

test_expect_success 'init refuses a malformed township code, or both levels at once' '
	test_expect_code 2 stele-aggregator -C bad init --township 99010100 --name x 2>err &&
	test_grep "not a 9-digit township code" err && ! test -e bad/stele.db &&
	test_expect_code 2 stele-aggregator -C bad init --township $T --county 990101 --name x &&
	! test -e bad/stele.db
'

test_expect_success 'a township registers only its own villages' '
	for code in $A $B; do
		stele-aggregator -C town village add $code --name "村$code" --township-name 正营镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	test_expect_code 3 stele-aggregator -C town village add $C --name x --township-name y \
		--remote "$TRASH/server/$C.git" 2>err &&
	test_grep "village: code .$C. is not in township $T" err &&
	test "$(sqlite3 town/stele.db "SELECT count(*) FROM village")" = 2
'

test_expect_success 'the township fetches and merges its villages, and ranks them' '
	stele-aggregator -C town sync 2>err &&
	test_grep "from 2 villages" err &&
	stele-aggregator -C town rank stars --year 2026 --format csv >stars &&
	test_line_count 3 stars &&
	stele-aggregator -C town assess list --year 2026 --format csv >list &&
	test_grep "^$A,村$A,2026,S1,.*,20.0,18.0,,,,no,$" list
'

test_expect_success 'assess review writes the first review into the township stream' '
	stele-aggregator -C town assess review $A S1 15.5 --year 2026 --note 乡镇初审核减 &&
	stele-aggregator -C town assess review $B S2 10 --year 2026 &&
	test "$(sqlite3 town/stele.db "SELECT count(*) FROM stele_outbox")" = 2 &&
	test "$(sqlite3 town/stele.db "SELECT count(*) FROM township_review")" = 2 &&
	stele-aggregator -C town assess list --year 2026 --village $A --format csv >list &&
	test_grep "^$A,村$A,2026,S1,.*,20.0,18.0,15.5,,,no,$" list
'

test_expect_success 'a review outside the township, or beyond the item, is refused' '
	test_expect_code 3 stele-aggregator -C town assess review $C S1 10 --year 2026 2>err &&
	test_grep "is not in township $T" err &&
	test_expect_code 3 stele-aggregator -C town assess review $A S1 25 --year 2026 2>err &&
	test_grep "not between 0 and the item" err &&
	test_expect_code 2 stele-aggregator -C town assess review $A S1 x --year 2026 &&
	test "$(sqlite3 town/stele.db "SELECT count(*) FROM stele_outbox")" = 2
'

test_expect_success 'what only the county writes is refused in a township' '
	test_expect_code 1 stele-aggregator -C town assess approve $A --year 2026 2>err &&
	test_grep "is township $T.s directory; this is the county.s to do" err &&
	test_expect_code 1 stele-aggregator -C town assess adjust $A S1 1 --year 2026 &&
	test_expect_code 1 stele-aggregator -C town veto add $A V1 --year 2026 &&
	printf "code,name\nV9,x\n" >veto.csv &&
	test_expect_code 1 stele-aggregator -C town rules import veto-items veto.csv &&
	test "$(sqlite3 town/stele.db "SELECT count(*) FROM assessment_review") $(sqlite3 town/stele.db "SELECT count(*) FROM veto_event")" = "0 0"
'

test_expect_success 'rules publish pushes the township stream' '
	stele-aggregator -C town rules publish 2>err &&
	test_grep "published seq 1..2" err &&
	test "$(stream_seq server/$T.git)" = 2
'

test_expect_success 'a county directory holds the villages and registers the township' '
	stele-aggregator -C county init --county 990101 --name 参考县 2>/dev/null &&
	for code in $A $B $C; do
		stele-aggregator -C county village add $code --name "村$code" --township-name 镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	stele-aggregator -C county township add $T --remote "$TRASH/server/$T.git" \
		--key "$(cat town.key)" >out &&
	echo $T >want && test_cmp want out &&
	test_expect_code 3 stele-aggregator -C county township add $T --remote x --key "$(cat town.key)" 2>err &&
	test_grep "township $T is already registered" err &&
	test_expect_code 3 stele-aggregator -C county township add 990201001 --remote x \
		--key "$(cat town.key)" 2>err &&
	test_grep "is not in county 990101" err &&
	test_expect_code 2 stele-aggregator -C county township add 99010100 --remote x --key "$(cat town.key)" &&
	test_expect_code 3 stele-aggregator -C county township add 990101003 --remote x --key abc 2>err &&
	test_grep "is not a public key" err &&
	stele-aggregator -C county township list --format csv >list &&
	test_line_count 2 list
'

test_expect_success 'the county merges the township stream beside its villages' '
	stele-aggregator -C county sync 2>err &&
	test_grep "from 3 villages" err &&
	test "$(sqlite3 county/stele.db "SELECT village_code, item_code, score, note FROM township_review ORDER BY 1")" = "$A|S1|155|乡镇初审核减
$B|S2|100|" &&
	stele-aggregator -C county township list --format csv >list &&
	test_grep "^$T,.*,2,ok$" list &&
	stele-aggregator -C county assess list --year 2026 --village $A --format csv >list &&
	head -n 1 list >header &&
	echo "village_code,village_name,year,item_code,item_name,max_score,declared,township,reviewed,review_note,approved,approved_on" >want &&
	test_cmp want header &&
	test_grep "^$A,村$A,2026,S1,.*,20.0,18.0,15.5,,,no,$" list &&
	test_grep "^$A,村$A,2026,S2,.*,15.0,12.0,,,,no,$" list
'

test_expect_success 'status shows the township stream beside its villages, and its fetch' '
	stele-aggregator -C county status --format csv >status &&
	test_grep "^$T,[^,]*,2,.*,ok,0,[0-9]" status &&
	test $(grep -n "^$T," status | cut -d: -f1) -lt $(grep -n "^$A," status | cut -d: -f1) &&
	mv server/$T.git server/$T.away &&
	test_expect_code 1 stele-aggregator -C county fetch 2>/dev/null &&
	stele-aggregator -C county status --format csv >status &&
	test_grep "^$T,.*,ok,0,[^,]*,[^,]*$T.git" status &&
	mv server/$T.away server/$T.git &&
	stele-aggregator -C county fetch 2>/dev/null
'

test_expect_success 'assess approve takes the township score where there is one' '
	stele-aggregator -C county assess approve $A --year 2026 2>/dev/null &&
	test "$(sqlite3 county/stele.db "SELECT item_code, score FROM assessment_review WHERE village_code = '\''$A'\'' ORDER BY 1" | head -n 2)" = "S1|155
S2|120" &&
	stele-aggregator -C county assess adjust $B S2 11 --year 2026 &&
	stele-aggregator -C county assess approve $B --year 2026 2>/dev/null &&
	test "$(sqlite3 county/stele.db "SELECT score FROM assessment_review WHERE village_code = '\''$B'\'' AND item_code = '\''S2'\''")" = 110 &&
	stele-aggregator -C county rank stars --year 2026 --format csv >stars &&
	test_grep "^$A,村$A,990101001,30.0,27.5," stars
'

test_expect_success 'a township re-syncing changes nothing; a new review arrives' '
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 0 change sets" err &&
	stele-aggregator -C town assess review $B S1 16 --year 2026 &&
	stele-aggregator -C town rules publish 2>/dev/null &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 1 change set " err &&
	test "$(sqlite3 county/stele.db "SELECT score FROM township_review WHERE village_code = '\''$B'\'' AND item_code = '\''S1'\''")" = 160
'

test_expect_success 'a stream registered under another township, or with another key, is refused' '
	stele-aggregator -C county township add 990101002 --remote "$TRASH/server/$T.git" \
		--key "$(cat town.key)" >/dev/null &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	stele-aggregator -C county quarantine list --format csv >q &&
	test_grep "^[0-9]*,990101002,1,.*writer" q &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM township_review")" = 3
'

test_done
