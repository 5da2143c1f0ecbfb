#!/bin/sh
test_description='stele-agent import and export: all or nothing, file:line:col, round trip'
. "$(dirname "$0")/test-lib.sh"

# refused PATTERN command...: a refusal in village v (test_refused).
refused() {
	test_refused v "$@"
}

q() {
	sqlite3 v/stele.db "$1"
}

test_expect_success 'setup' '
	new_village v 990101001201 &&
	cat >members.csv <<-\EOT &&
	id,name,gender,born,joined,status,grid
	M0001,余文英,M,1984,1981-06-19,flowing,G1
	,白志梅,,1990,2012-01-19,active,G4
	M0007,"董,秀芳",F,,,,
	EOT
	stele-agent -C v import members members.csv 2>err &&
	test_grep "imported 3 rows of members" err
'

test_expect_success 'import assigns empty ids, keeps given ones, one change set' '
	test "$(q "SELECT group_concat(id) FROM member")" = M0001,M0002,M0007 &&
	test "$(q "SELECT status FROM member WHERE id = '\''M0007'\''")" = active &&
	test "$(q "SELECT count(*) FROM stele_outbox")" = 1
'

test_expect_success 'points import: any stage for new events, one change set' '
	cat >points.csv <<-\EOT &&
	id,member_id,rule_code,occurred_on,points,stage,note
	E000001,M0001,B01,2026-01-01,2.0,published,现场照片已存档
	E000002,M0001,D02,2026-01-07,-3.5,assembly,
	,M0002,B02,2026-01-08,,group,"含,逗号"
	EOT
	stele-agent -C v import points points.csv &&
	test "$(q "SELECT group_concat(id || stage || points) FROM point_event")" = "E000001published20,E000002assembly-35,E000003group10" &&
	test "$(q "SELECT count(*) FROM stele_outbox")" = 2
'

test_expect_success 'export writes exactly the imported CSV back' '
	stele-agent -C v export points >out &&
	cat >expect <<-\EOT &&
	id,member_id,rule_code,occurred_on,points,stage,note
	E000001,M0001,B01,2026-01-01,2.0,published,现场照片已存档
	E000002,M0001,D02,2026-01-07,-3.5,assembly,
	E000003,M0002,B02,2026-01-08,1.0,group,"含,逗号"
	EOT
	test_cmp expect out
'

test_expect_success 'an update may move the stage forward, never back or out of a final stage' '
	printf "id,member_id,rule_code,occurred_on,points,stage,note\nE000003,M0002,B02,2026-01-08,1.0,assembly,\n" >fwd.csv &&
	stele-agent -C v import points fwd.csv &&
	test "$(q "SELECT stage || coalesce(note, '\''-'\'') FROM point_event WHERE id = '\''E000003'\''")" = assembly- &&
	printf "id,member_id,rule_code,occurred_on,points,stage,note\nE000003,M0002,B02,2026-01-08,1.0,group,\n" >back.csv &&
	refused "back.csv:2:6: point event '\''E000003'\'': stage cannot move back from assembly to group" stele-agent -C v import points back.csv &&
	printf "id,member_id,rule_code,occurred_on,points,stage,note\nE000001,M0001,B01,2026-01-01,2.0,rejected,\n" >final.csv &&
	refused "final.csv:2:6: point event '\''E000001'\'': stage published is final" stele-agent -C v import points final.csv
'

test_expect_success 'one bad row refuses the whole file, naming file, line and column' '
	cat >bad.csv <<-\EOT &&
	id,member_id,rule_code,occurred_on,points,stage,note
	,M0001,B01,2026-02-01,2.0,recorded,
	,M0001,B01,2026-02-02,2.0,recorded,

	,M0001,B01,2026-02-30,2.0,recorded,
	EOT
	refused "bad.csv:5:4: point event '\''E000006'\'': date '\''2026-02-30'\'' is not a real date" stele-agent -C v import points bad.csv
'

test_expect_success 'each field refusal names its column' '
	h="id,member_id,rule_code,occurred_on,points,stage,note" &&
	printf "%s\n,M0099,B01,2026-02-01,,recorded,\n" "$h" >f.csv &&
	refused "f.csv:2:2: .*member '\''M0099'\'' does not exist" stele-agent -C v import points f.csv &&
	printf "%s\n,M0001,X01,2026-02-01,,recorded,\n" "$h" >f.csv &&
	refused "f.csv:2:3: .*rule '\''X01'\'' does not exist" stele-agent -C v import points f.csv &&
	printf "%s\n,M0001,D01,2026-02-01,1.0,recorded,\n" "$h" >f.csv &&
	refused "f.csv:2:5: .*must be <= 0" stele-agent -C v import points f.csv &&
	printf "%s\n,M0001,B01,2026-02-01,1.05,recorded,\n" "$h" >f.csv &&
	refused "f.csv:2:5: .*more than 1 decimal" stele-agent -C v import points f.csv &&
	printf "%s\n,M0001,B01,2026-02-01,,approved,\n" "$h" >f.csv &&
	refused "f.csv:2:6: .*stage '\''approved'\'' is not" stele-agent -C v import points f.csv &&
	printf "%s\n,M0001,B01,2026-02-01,,recorded,\377\n" "$h" >f.csv &&
	refused "f.csv:2:7: field is not valid UTF-8" stele-agent -C v import points f.csv &&
	printf "id,name,gender,born,joined,status,grid\n,王,X,,,,\n" >m.csv &&
	refused "m.csv:2:3: member .*gender '\''X'\''" stele-agent -C v import members m.csv &&
	printf "id,name,gender,born,joined,status,grid\n,王,,,2026-02-29,,\n" >m.csv &&
	refused "m.csv:2:5: member .*2026-02-29" stele-agent -C v import members m.csv &&
	printf "id,period,amount,source\n,2026-01,5,a\n,2026-01,6,a\n" >i.csv &&
	refused "i.csv:3:4: income '\''I0002'\'': income for 2026-01 from source '\''a'\'' is already recorded as I0001" stele-agent -C v import income i.csv &&
	printf "year,item_code,score,note\n2026,S1,25,\n" >a.csv &&
	refused "a.csv:2:3: assessment 2026 S1: score 25 is not between 0" stele-agent -C v import assessments a.csv
'

test_expect_success 'the header must name exactly the columns; rows must be complete' '
	printf "id,member,rule_code,occurred_on,points,stage,note\n" >h.csv &&
	refused "h.csv:1:2: unknown column '\''member'\''" stele-agent -C v import points h.csv &&
	printf "id,member_id,rule_code,occurred_on,points,stage\n" >h.csv &&
	refused "h.csv:1: missing column '\''note'\''" stele-agent -C v import points h.csv &&
	printf "id,member_id,rule_code,occurred_on,points,stage,note\n,M0001,B01\n" >h.csv &&
	refused "h.csv:2: expected 7 fields, found 3" stele-agent -C v import points h.csv &&
	printf "id,member_id,rule_code,occurred_on,points,stage,note\n,M0001,B01,\"2026\n" >h.csv &&
	refused "h.csv:2:4: unterminated quoted field" stele-agent -C v import points h.csv
'

test_expect_success 'columns may come in any order; a BOM (Excel) is accepted' '
	printf "\357\273\277year,score,item_code,note\n2026,12.5,S1,自评\n" >a.csv &&
	stele-agent -C v import assessments a.csv &&
	test "$(q "SELECT score FROM assessment")" = 125
'

test_expect_success 'usage errors: unknown kind, missing file' '
	test_expect_code 2 stele-agent -C v import frogs a.csv 2>err && test_grep "unknown kind" err &&
	test_expect_code 1 stele-agent -C v import points nope.csv 2>err && test_grep "nope.csv" err &&
	test_expect_code 2 stele-agent -C v export frogs 2>err
'

test_expect_success 'every kind round-trips: export, import into a new village, export again' '
	stele-agent -C v task add 走访 --due 2026-03-01 --assignee M0001 >/dev/null &&
	stele-agent -C v task close T0001 --date 2026-03-02 &&
	stele-agent -C v request add --received 2026-03-01 --category "停车,占道" --grid G1 >/dev/null &&
	stele-agent -C v request resolve R0001 --date 2026-03-03 --satisfied no &&
	stele-agent -C v income add 2026-03 0.5 --source "租金 \"旧\"" >/dev/null &&
	stele-agent -C v income add 2026-04 -- -12.34 >/dev/null &&
	new_village w 990101001202 &&
	for k in members points tasks requests income assessments; do
		stele-agent -C v export $k >$k.v &&
		stele-agent -C w import $k $k.v 2>/dev/null &&
		stele-agent -C w export $k >$k.w &&
		test_cmp $k.v $k.w || return 1
	done &&
	test_grep "^I0002,2026-04,-12.34,$" income.v &&
	test_grep "^R0001,2026-03-01,\"停车,占道\",G1,2026-03-03,0$" requests.v
'

test_expect_success 'export --format json and --bom' '
	stele-agent -C v export income --format json >out &&
	test_grep "\"amount\": 0.50" out &&
	stele-agent -C v export members --bom | head -c 3 | od -An -tx1 | grep -q "ef bb bf"
'

test_expect_success 'import from stdin' '
	printf "id,period,amount,source\n,2026-05,7,\n" | stele-agent -C v import income - &&
	test "$(q "SELECT amount FROM income WHERE period = '\''2026-05'\''")" = 700
'

test_done
