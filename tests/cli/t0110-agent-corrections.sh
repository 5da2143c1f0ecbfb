#!/bin/sh
test_description='correcting mistakes: the duplicate-import guard, revert, the clerk named in
every change set, restore keeping the village name'
. "$(dirname "$0")/test-lib.sh"

V=990101001201

refused() {
	test_refused v "$@"
}

q() {
	sqlite3 v/stele.db "$1"
}

# village_rows DIR: the village's synced rows in DIR's database (village or county).
village_rows() {
	sqlite3 "$1/stele.db" ".mode list" \
		"SELECT 'member', * FROM member WHERE village_code = '$V' ORDER BY id" \
		"SELECT 'point_event', * FROM point_event WHERE village_code = '$V' ORDER BY id" \
		"SELECT 'task', * FROM task WHERE village_code = '$V' ORDER BY id"
}

test_expect_success 'setup: a village and its county' '
	new_village v $V 正营村 &&
	mkdir server &&
	stele-agent -C v remote set "$TRASH/server/$V.git" 2>/dev/null &&
	stele-aggregator -C county init --county 990101 --name 示例县 2>/dev/null &&
	stele-aggregator -C county village add $V --name 正营村 --township-name 东关镇 \
		--remote "$TRASH/server/$V.git" --key "$(stele-agent -C v key)" >/dev/null
'

test_expect_success 'clerk set: every later change set names the clerk' '
	stele-agent -C v clerk set 张三 2>err &&
	test_grep "^stele-agent: the clerk is 张三: every later change set names them$" err &&
	test "$(stele-agent -C v clerk show)" = 张三 &&
	stele-agent -C v member add 王建国 >/dev/null &&
	stele-agent -C v member add 李秀英 --gender F >/dev/null &&
	stele-agent -C v log --format csv >log &&
	test_grep "^2,.*,member M0002 added (clerk 张三),pending,ok$" log &&
	test "$(q "SELECT clerk FROM change_note WHERE seq = 2")" = 张三
'

test_expect_success 'refused: a clerk name that is not one line (exit 2)' '
	test_expect_code 2 stele-agent -C v clerk set "$(printf "a\nb")" 2>err &&
	test_expect_code 2 stele-agent -C v clerk set "" 2>err &&
	test "$(stele-agent -C v clerk show)" = 张三
'

test_expect_success 'importing the same id-less sheet twice: the second is refused, nothing doubled' '
	cat >sheet.csv <<-\EOF &&
	id,member_id,rule_code,occurred_on,points,stage,note
	,M0001,B01,2026-10-08,,recorded,
	,M0002,B01,2026-10-08,,recorded,开会
	EOF
	stele-agent -C v import points sheet.csv 2>err &&
	test "$(q "SELECT count(*) FROM point_event")" = 2 &&
	refused "^stele-agent: sheet.csv: 2 rows with an empty id repeat records already stored (line 2 repeats point event .E000001., line 3 repeats point event .E000002.); nothing imported: if they are new records, import with --allow-duplicates$" \
		stele-agent -C v import points sheet.csv &&
	test "$(q "SELECT count(*) FROM point_event")" = 2
'

test_expect_success 'refused: a sheet with one new row and one repeated names only the repeated one' '
	cat >mixed.csv <<-\EOF &&
	id,member_id,rule_code,occurred_on,points,stage,note
	,M0001,B02,2026-10-09,,recorded,
	,M0002,B01,2026-10-08,,recorded,开会
	EOF
	refused "^stele-agent: mixed.csv: 1 row with an empty id repeats records already stored (line 3 repeats point event .E000002.);" \
		stele-agent -C v import points mixed.csv
'

test_expect_success 'a record reviewed since is still the one the sheet repeats' '
	stele-agent -C v points review E000001 --stage group &&
	refused "line 2 repeats point event .E000001." stele-agent -C v import points sheet.csv
'

test_expect_success 'import --allow-duplicates takes them as new records' '
	stele-agent -C v import points mixed.csv --allow-duplicates 2>err &&
	test_grep "imported 2 rows of point events from mixed.csv (2 written" err &&
	test "$(q "SELECT count(*) FROM point_event")" = 4
'

test_expect_success 'the guard covers members, tasks and requests' '
	printf "id,name,gender,born,joined,status,grid\n,王建国,,,,,\n" >members.csv &&
	refused "members.csv: 1 row with an empty id repeats records already stored (line 2 repeats member .M0001.)" \
		stele-agent -C v import members members.csv &&
	stele-agent -C v task add 走访困难户 --due 2026-10-20 >/dev/null &&
	printf "id,title,category,assignee,due_on,closed_on\n,走访困难户,,,2026-10-20,\n" >tasks.csv &&
	refused "line 2 repeats task .T0001." stele-agent -C v import tasks tasks.csv &&
	stele-agent -C v request add --received 2026-10-05 --category 低保 >/dev/null &&
	printf "id,received_on,category,grid,resolved_on,satisfied\n,2026-10-05,低保,,,\n" >requests.csv &&
	refused "line 2 repeats request .R0001." stele-agent -C v import requests requests.csv
'

test_expect_success 'sync: the county has every change set, naming the clerk' '
	stele-agent -C v sync 2>/dev/null &&
	stele-aggregator -C county sync 2>/dev/null &&
	git -C server/$V.git log --format=%B main >gitlog &&
	test_grep "^seq 2: member M0002 added (clerk 张三)$" gitlog &&
	test "$(sqlite3 county/stele.db "SELECT summary FROM stele_applied WHERE writer = '\''$V'\'' AND seq = 2")" = "member M0002 added (clerk 张三)" &&
	test "$(sqlite3 county/stele.db "SELECT clerk FROM change_note WHERE village_code = '\''$V'\'' AND seq = 2")" = 张三 &&
	stele-aggregator -C county log --village $V --format csv >county-log &&
	test_grep "^2,member M0002 added (clerk 张三),1," county-log
'

test_expect_success 'revert SEQ: a new change set undoes SEQ, and says so' '
	village_rows county >before-seq &&
	stele-agent -C v points add M0001 B02 --date 2026-10-10 >/dev/null &&
	seq=$(q "SELECT max(seq) FROM stele_outbox") &&
	stele-agent -C v revert $seq --note 录错了 2>err &&
	test_grep "^stele-agent: reverted change set $seq as change set $((seq + 1)) (it was: point event E000005 added (clerk 张三))$" err &&
	test_line_count 1 err &&
	test "$(q "SELECT count(*) FROM point_event WHERE id = '\''E000005'\''")" = 0 &&
	stele-agent -C v log -n 1 --format csv >log &&
	test_grep "^$((seq + 1)),.*,revert of seq $seq (录错了): point event E000005 removed (clerk 张三),pending,ok$" log &&
	test "$(q "SELECT reverts || note FROM change_note WHERE seq = $((seq + 1))")" = "${seq}录错了"
'

test_expect_success 'revert then sync: the county rows are as they were before SEQ' '
	stele-agent -C v sync 2>/dev/null &&
	stele-aggregator -C county sync 2>/dev/null &&
	village_rows county >after-revert &&
	test_cmp before-seq after-revert
'

test_expect_success 'refused: a revert that moves a review stage back' '
	seq=$(q "SELECT seq FROM stele_outbox WHERE summary LIKE '\''point event E000001 reviewed%'\''") &&
	refused "^stele-agent: change set $seq cannot be reverted: it would move point event .E000001. back from stage group to recorded$" \
		stele-agent -C v revert $seq
'

test_expect_success 'refused: reverting what a later change set changed again' '
	seq=$(q "SELECT seq FROM stele_outbox WHERE summary LIKE '\''2 point events added%'\'' ORDER BY seq LIMIT 1") &&
	refused "^stele-agent: change set $seq cannot be reverted: point event .E000001. has changed since (revert the later change sets first, newest first)$" \
		stele-agent -C v revert $seq
'

test_expect_success 'refused: reverting twice, a seq that does not exist; a malformed seq is exit 2' '
	seq=$(q "SELECT reverts FROM change_note WHERE reverts IS NOT NULL") &&
	refused "^stele-agent: change set $seq was reverted already, by change set $((seq + 1))$" \
		stele-agent -C v revert $seq &&
	refused "^stele-agent: change set 999 does not exist in village $V (its last is" \
		stele-agent -C v revert 999 &&
	db_dump v >before &&
	test_expect_code 2 stele-agent -C v revert 3x 2>err &&
	test_grep "^stele-agent: change set .3x. is not a seq" err &&
	test_expect_code 2 stele-agent -C v revert 0 2>err &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'refused: reverting a change set of a closed month, or the closing itself' '
	stele-agent -C v points add M0002 B02 --date 2026-09-03 >/dev/null &&
	add=$(q "SELECT max(seq) FROM stele_outbox") &&
	stele-agent -C v close 2026-09 --force 2>/dev/null &&
	close=$(q "SELECT max(seq) FROM stele_outbox") &&
	refused "^stele-agent: change set $add cannot be reverted: point event .E000005. lies in month 2026-09, which is closed (corrections go into an open month)$" \
		stele-agent -C v revert $add &&
	refused "^stele-agent: change set $close closed a month: a closed month stays closed (corrections go into an open month)$" \
		stele-agent -C v revert $close
'

test_expect_success 'refused: reverting the add of a member other records refer to' '
	refused "^stele-agent: change set 1 cannot be reverted: other records refer to what it added (a member.s point events: correct those first)$" \
		stele-agent -C v revert 1
'

test_expect_success 'delete: records not yet reviewed, in open months; refusals name why' '
	new_village d 990101001202 &&
	stele-agent -C d member add 甲 >/dev/null 2>&1 &&
	stele-agent -C d member add 乙 >/dev/null 2>&1 &&
	stele-agent -C d points add M0001 B01 --date 2026-10-01 >/dev/null 2>&1 &&
	stele-agent -C d points add M0001 B01 --date 2026-10-02 >/dev/null 2>&1 &&
	stele-agent -C d points review E000002 --stage group 2>/dev/null &&
	test_refused d "^stele-agent: point event .E000002.: it is at stage group: a reviewed event is not deleted; a published one is reversed (.points reverse.)$" \
		stele-agent -C d points delete E000001 E000002 &&
	stele-agent -C d points set E000001 --rule B02 --note 改 2>err &&
	test_grep "^stele-agent: change set 6: point event E000001 changed$" err &&
	test_refused d "^stele-agent: point event .E000002.: it is at stage group: a reviewed event is not changed, it is corrected by a new event$" \
		stele-agent -C d points set E000002 --note x &&
	test_usage d "^stele-agent: point event .E000001.: date .2026-10-32. is not a real date" \
		stele-agent -C d points set E000001 --date 2026-10-32 &&
	stele-agent -C d points delete E000001 2>err &&
	test_grep "^stele-agent: change set 7: point event E000001 removed$" err &&
	test_refused d "^stele-agent: member .M0001.: point event E000002 names them: only a member no record names can be deleted (else set --status)$" \
		stele-agent -C d member delete M0001 &&
	stele-agent -C d member delete M0002 2>/dev/null &&
	test "$(sqlite3 d/stele.db "SELECT group_concat(id) FROM member")" = M0001 &&
	test_refused d "^stele-agent: task .T0009. does not exist in village 990101001202$" \
		stele-agent -C d task delete T0009 &&
	test_usage d "^stele-agent: member id .bad!. is not 1-32 letters" stele-agent -C d member delete "bad!" &&
	stele-agent -C d income add 2026-09 5 >/dev/null 2>&1 &&
	stele-agent -C d close 2026-09 2>/dev/null &&
	test_refused d "^stele-agent: income .I0001.: month 2026-09 is closed (corrections go into an open month)$" \
		stele-agent -C d income delete I0001
'

test_expect_success 'a negative number is a value where a value is expected' '
	stele-agent -C d income add 2026-10 -120.50 >id 2>err &&
	test_grep "^stele-agent: change set [0-9]*: income entry I0002 added$" err &&
	test "$(sqlite3 d/stele.db "SELECT amount FROM income WHERE id = '\''I0002'\''")" = -12050 &&
	test_usage d "^stele-agent: add: unknown option .-x." stele-agent -C d income add 2026-10 -x
'

test_expect_success 'restore keeps the village name (said in its stream)' '
	stele-agent -C v sync 2>/dev/null &&
	stele-agent -C back restore --remote "$TRASH/server/$V.git" --village $V --key v/signing.key 2>/dev/null &&
	stele-agent -C back status --format csv >status &&
	test_grep "^name,正营村$" status &&
	test "$(stele-agent -C back remote show | sed -n "s/^remote\t//p")" = "$TRASH/server/$V.git"
'

test_done
