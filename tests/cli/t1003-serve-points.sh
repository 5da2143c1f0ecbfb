#!/bin/sh
test_description='stele-agent serve: points (积分): recording, the review queue, rankings, the 公示 sheet'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-serve.sh"

test_expect_success 'setup' '
	new_village v 990101001201 正营村 &&
	stele-agent -C v member add 王建国 >/dev/null &&
	stele-agent -C v member add 李秀英 >/dev/null &&
	serve_start v
'

test_expect_success 'the record form picks members by name and rules by name and points' '
	code=$(web_get /points) && test_status 200 "$code" &&
	test_grep "<option value=\"M0001\">王建国 (M0001)</option>" page &&
	test_grep "<option value=\"B01\">B01 参加主题党日活动 (+2.0)</option>" page &&
	test_grep "<optgroup label=" page
'

test_expect_success 'recording an event: point_put, stage recorded, the rule points' '
	code=$(web_form /points/add member=M0001 rule=B01 date=2026-11-03 points= note=学习) &&
	test_status 303 "$code" &&
	tr -d "\r" <head | test_grep "^Location: /points?saved=E000001&month=2026-11$" - &&
	stele-agent -C v points list --format csv >list &&
	test_grep "^E000001,M0001,王建国,B01,参加主题党日活动,2026-11-03,2.0,recorded,学习$" list &&
	code=$(web_form /points/add member=M0002 rule=B02 date=2026-11-04) && test_status 303 "$code" &&
	code=$(web_form /points/add member=M0002 rule=B01 date=2026-11-05 points=1.5) && test_status 303 "$code"
'

test_expect_success 'a refusal is the engine message beside its field, nothing written' '
	db_dump v >before &&
	code=$(web_form /points/add member=M0001 rule=B01 date=2026-11-31) && test_status 422 "$code" &&
	test_grep "id=\"e-date\">point event &#39;E000004&#39;: date &#39;2026-11-31&#39; is not a real date" page &&
	code=$(web_form /points/add member=M0001 rule=B01 date=2026-11-01 points=-3) && test_status 422 "$code" &&
	test_grep "id=\"e-points\">point event &#39;E000004&#39;: points -3.0 do not fit rule B01" page &&
	code=$(web_form /points/add member=M0009 rule=B01 date=2026-11-01) && test_status 422 "$code" &&
	test_grep "M0009" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'the review queue lists each stage with its events' '
	code=$(web_get /points/review) && test_status 200 "$code" &&
	test_grep "id=\"stage-recorded\"" page && test_grep "id=\"stage-assembly\"" page &&
	test_grep "name=\"id\" value=\"E000001\"" page
'

test_expect_success 'advance the selected: all of them move one stage, in one change set' '
	before=$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox") &&
	code=$(web_form /points/review stage=recorded action=advance id=E000001 id=E000002) &&
	test_status 303 "$code" &&
	stele-agent -C v points list --stage group --format csv >list &&
	test_grep "^E000001," list && test_grep "^E000002," list &&
	after=$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox") &&
	test $after = $((before + 1))
'

test_expect_success 'advancing from the wrong stage is refused for all, nothing written' '
	db_dump v >before &&
	code=$(web_form /points/review stage=group action=advance id=E000001 id=E000003) &&
	test_status 422 "$code" &&
	test_grep "E000003" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'nothing selected: said so, nothing written' '
	db_dump v >before &&
	code=$(web_form /points/review stage=recorded action=advance) && test_status 422 "$code" &&
	test_grep "no event was selected" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'reject with a note: stage rejected, the reason joins the note' '
	code=$(web_form /points/review stage=recorded action=reject id=E000003 note=材料不全) &&
	test_status 303 "$code" &&
	stele-agent -C v points list --format csv >list &&
	test_grep "^E000003,M0002,李秀英,B01,参加主题党日活动,2026-11-05,1.5,rejected,材料不全$" list
'

test_expect_success 'through every stage to published' '
	for s in group committee assembly; do
		code=$(web_form /points/review stage=$s action=advance id=E000001 id=E000002) &&
		test_status 303 "$code" || return 1
	done &&
	stele-agent -C v points list --stage published --format csv >list &&
	test_grep "^E000001," list && test_grep "^E000002," list
'

test_expect_success 'the member ranking of the month and of the year, as points rank computes it' '
	code=$(web_get "/points/rank?month=2026-11") && test_status 200 "$code" &&
	stele-agent -C v points rank --month 2026-11 --format csv >rank &&
	test_grep "^1,990101001201,M0001,王建国,2.0$" rank &&
	test_grep "<td class=\"num\">1</td><td><a href=\"/members/edit?id=M0001\">M0001</a></td><td>王建国</td><td class=\"num\">2.0</td></tr>" page &&
	code=$(web_get "/points/rank?month=2026-11&scope=year") && test_status 200 "$code" &&
	test_grep "2026</h2>" page
'

test_expect_success 'the year ranking shows each member'"'"'s stars (积分争星) as rank member-stars gives them' '
	stele-agent -C v rank member-stars --year 2026 --format csv >stars &&
	test_grep "^1,990101001201,M0001,王建国,2.0,1$" stars &&
	code=$(web_get "/points/rank?month=2026-11&scope=year") && test_status 200 "$code" &&
	test_grep "<td class=\"num\">1</td><td><a href=\"/members/edit?id=M0001\">M0001</a></td><td>王建国</td><td class=\"num\">2.0</td><td class=\"stars\" aria-label=\"1 star\"><span aria-hidden=\"true\">★</span> 1 star</td>" page &&
	code=$(web_get "/points/rank?month=2026-11") && ! grep -q "class=\"stars\"" page
'

test_expect_success 'a member'"'"'s page shows the stars of this year so far' '
	year=$(date +%Y) &&
	stele-agent -C v rank member-stars --year $year --format csv | grep ",M0001," >row || : &&
	code=$(web_get "/members/edit?id=M0001") && test_status 200 "$code" &&
	if [ -s row ]; then
		IFS=, read -r rank v id name pts n <row &&
		test_grep "<p class=\"lead\">Stars (积分争星) $year so far: $pts points, rank $rank, $n star" page
	else
		! grep -q "积分争星" page
	fi
'

test_expect_success 'the 公示 sheet: the month'"'"'s approved events with totals, printable' '
	code=$(web_get "/points/notice?month=2026-11") && test_status 200 "$code" &&
	test_grep "正营村" page &&
	test_grep "<td>王建国</td><td>参加主题党日活动</td><td>2026-11-03</td><td class=\"num\">2.0</td>" page &&
	! grep -q "材料不全" page &&
	web_get /style.css >/dev/null && test_grep "@page { size: A4" page
'

test_expect_success 'the review queue sent while the directory is busy: the same boxes ticked, the note kept' '
	id=$(stele-agent -C v points add M0001 B01 --date 2026-11-10 2>/dev/null)
	db_dump v >before
	flock v/lock sleep 5 &
	holder=$! &&
	sleep 0.2 &&
	code=$(web_form /points/review stage=recorded action=reject note=材料待补 id=$id) &&
	wait $holder &&
	test_status 503 "$code" &&
	test_grep "not saved yet: another stele-agent command is using" page &&
	test_grep "name=\"id\" value=\"$id\" id=\"c-$id\" aria-label=\"Select $id\" checked>" page &&
	test_grep "id=\"n-recorded\" name=\"note\" maxlength=\"200\" size=\"30\" value=\"材料待补\">" page &&
	! grep -q "id=\"n-group\" name=\"note\" maxlength=\"200\" size=\"30\" value=\"材料待补\">" page &&
	db_dump v >after && test_cmp before after
'

test_done
