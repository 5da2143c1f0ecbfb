#!/bin/sh
test_description='stele-agent serve: grids (网格) and request follow-ups (经办人, 上报, 回访)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-serve.sh"

# The number of change sets in the village's log.
changesets() {
	stele-agent -C v log --format csv | sed 1d | wc -l
}

test_expect_success 'setup: a village with two members, the workbench running' '
	stele-agent -C v init --village 990101001201 --name 正营村 >/dev/null 2>&1 &&
	stele-agent -C v member add 王建国 >/dev/null &&
	stele-agent -C v member add 李梅 >/dev/null &&
	serve_start v
'

test_expect_success 'the navigation links the grids page; in Chinese it is 网格' '
	code=$(web_get /grids) && test_status 200 "$code" &&
	test_grep "<li><a href=\"/grids\" aria-current=\"page\">Grids</a></li>" page &&
	test_grep "grids: 0" page &&
	serve_env &&
	curl -s -o /dev/null -b jar -c jar.zh "$SERVE_BASE/lang?to=zh" &&
	curl -s -b jar.zh -o page "$SERVE_BASE/members" &&
	test_grep "<li><a href=\"/grids\">网格</a></li>" page
'

test_expect_success 'adding a grid: grid_put, one signed change set, listed as grid list shows it' '
	before=$(changesets) &&
	code=$(web_form /grids/add id=G1 name=第一网格 households=320 worker=王芳) &&
	test_status 303 "$code" &&
	tr -d "\r" <head | test_grep "^Location: /grids?saved=G1$" - &&
	stele-agent -C v grid list --format csv >list &&
	test_grep "^G1,第一网格,320,王芳$" list &&
	test $(changesets) = $((before + 1)) &&
	stele-agent -C v log --format csv | sed -n 2p | test_grep ",grid G1 added,.*,ok$" - &&
	stele-agent -C v member set M0001 --grid G1 &&
	code=$(web_get "/grids?saved=G1") && test_status 200 "$code" &&
	test_grep "Saved grid G1." page &&
	test_grep "<tr><td>G1</td><td>第一网格</td><td class=\"num\">320</td><td>王芳</td><td class=\"num\">1</td><td class=\"num\">0</td>" page &&
	code=$(web_get /members/edit) &&
	test_grep "name=\"grid\" value=\"\" maxlength=\"64\" list=\"grid-codes\">" page &&
	test_grep "<datalist id=\"grid-codes\"><option value=\"G1\">第一网格</option></datalist>" page &&
	code=$(web_get /requests) &&
	test_grep "<datalist id=\"grid-codes\"><option value=\"G1\">第一网格</option></datalist>" page
'

test_expect_success 'refused input: the CLI message beside its field, the form as typed, nothing written' '
	test_expect_code 2 stele-agent -C v grid add G2 --households abc 2>cli.err &&
	msg=$(sed "s/^stele-agent: //; s/'"'"'/\&#39;/g" cli.err) &&
	db_dump v >before &&
	code=$(web_form /grids/add id=G2 name=第二网格 households=abc worker=) &&
	test_status 422 "$code" &&
	test_grep "id=\"e-households\">$msg</span>" page &&
	test_grep "name=\"id\" value=\"G2\"" page &&
	test_grep "name=\"name\" value=\"第二网格\"" page &&
	code=$(web_form /grids/add id=G1 name=又一个) && test_status 422 "$code" &&
	test_grep "id=\"e-id\">grid &#39;G1&#39; already exists in village 990101001201</span>" page &&
	code=$(web_form /grids/add "id=G 1") && test_status 422 "$code" &&
	test_grep "id=\"e-id\">" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'editing a grid: the form filled in, the change saved ("" clears)' '
	code=$(web_get /grids/edit?id=G1) && test_status 200 "$code" &&
	test_grep "name=\"households\" value=\"320\"" page &&
	test_grep "name=\"worker\" value=\"王芳\"" page &&
	code=$(web_form /grids/save id=G1 name=第一网格 households=350 worker=) &&
	test_status 303 "$code" &&
	stele-agent -C v grid list --format csv >list &&
	test_grep "^G1,第一网格,350,$" list &&
	db_dump v >before &&
	code=$(web_form /grids/save id=G1 name=第一网格 households=100001) && test_status 422 "$code" &&
	test_grep "id=\"e-households\">" page &&
	test_grep "name=\"households\" value=\"100001\"" page &&
	code=$(web_get /grids/edit?id=G9) && test_status 404 "$code" &&
	test_grep "grid &#39;G9&#39; does not exist" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'deleting a grid: refused in its row while a member is in it; deleted once empty' '
	db_dump v >before &&
	code=$(web_form /grids/delete id=G1) && test_status 422 "$code" &&
	test_grep "<span class=\"error\">grid &#39;G1&#39;: member M0001 is in this grid" page &&
	db_dump v >after && test_cmp before after &&
	code=$(web_form /grids/add id=G2 name=第二网格) && test_status 303 "$code" &&
	code=$(web_form /grids/delete id=G2) && test_status 303 "$code" &&
	tr -d "\r" <head | test_grep "^Location: /grids?deleted=G2$" - &&
	stele-agent -C v grid list --format csv >list &&
	! grep -q "^G2," list &&
	stele-agent -C v log --format csv | sed -n 2p | test_grep ",grid G2 removed,.*,ok$" -
'

test_expect_success 'a grid sent while the directory is busy: 503, the form as typed, nothing written' '
	db_dump v >before
	flock v/lock sleep 5 &
	holder=$! &&
	sleep 0.2 &&
	code=$(web_form /grids/add id=G3 name=第三网格 households=410) &&
	wait $holder &&
	test_status 503 "$code" &&
	test_grep "not saved yet: another stele-agent command is using" page &&
	test_grep "name=\"id\" value=\"G3\"" page &&
	test_grep "name=\"households\" value=\"410\"" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'the member who took a request (经办人): as request set --handler' '
	today=$(date +%Y-%m-%d) &&
	stele-agent -C v request add --received $today --category 道路 --grid G1 >/dev/null &&
	before=$(changesets) &&
	code=$(web_form /requests/handler id=R0001 handler=M0002) && test_status 303 "$code" &&
	tr -d "\r" <head | test_grep "^Location: /requests/followup?id=R0001&saved=R0001$" - &&
	stele-agent -C v request list --format csv >list &&
	test_grep "^R0001,$today,道路,G1,,,M0002,,,$" list &&
	test $(changesets) = $((before + 1)) &&
	stele-agent -C v log --format csv | sed -n 2p | test_grep ",ok$" - &&
	code=$(web_get /requests) && test_status 200 "$code" &&
	test_grep "<td>G1</td><td>李梅</td><td></td>" page &&
	code=$(web_get /requests/followup?id=R0001) && test_status 200 "$code" &&
	test_grep "<option value=\"M0002\" selected>李梅 (M0002)</option>" page
'

test_expect_success 'a request recorded on the page with the member who took it' '
	today=$(date +%Y-%m-%d) &&
	code=$(web_form /requests/add received=$today category=低保 grid=G1 handler=M0001) &&
	test_status 303 "$code" &&
	stele-agent -C v request list --format csv >list &&
	test_grep "^R0002,$today,低保,G1,,,M0001,,,$" list
'

test_expect_success 'a handler not in the village: the CLI message, nothing written' '
	test_expect_code 3 stele-agent -C v request set R0001 --handler M0099 2>cli.err &&
	db_dump v >before &&
	code=$(web_form /requests/handler id=R0001 handler=M0099) && test_status 422 "$code" &&
	msg=$(sed "s/^stele-agent: //; s/'"'"'/\&#39;/g" cli.err) &&
	test_grep "member &#39;M0099&#39; does not exist in village 990101001201" page &&
	test_grep "<p class=\"notice refused\" role=\"alert\">$msg</p>" page &&
	test_grep "id=\"f-handler\" name=\"handler\"><option value=\"\">nobody in particular</option><option value=\"M0001\">" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'escalating to the township (上报): as request escalate; once only' '
	today=$(date +%Y-%m-%d) &&
	code=$(web_form /requests/escalate id=R0001 to=东关镇 date=$today) && test_status 303 "$code" &&
	stele-agent -C v request list --format csv >list &&
	test_grep "^R0001,$today,道路,G1,,,M0002,东关镇,$today,$" list &&
	code=$(web_get /requests) &&
	test_grep "<td>李梅</td><td>东关镇 ($today)</td>" page &&
	code=$(web_get /requests/followup?id=R0001) &&
	! grep -q "action=\"/requests/escalate\"" page &&
	db_dump v >before &&
	code=$(web_form /requests/escalate id=R0001 to=县民政局 date=$today) && test_status 422 "$code" &&
	test_grep "request &#39;R0001&#39; was already escalated to 东关镇 on $today" page &&
	code=$(web_form /requests/escalate id=R0002 to= date=$today) && test_status 422 "$code" &&
	test_grep "id=\"e-to\">request &#39;R0002&#39;: where it is escalated to (上报至) is empty</span>" page &&
	code=$(web_form /requests/escalate id=R0002 to=东关镇 date=2020-01-01) && test_status 422 "$code" &&
	test_grep "before it was received" page &&
	test_grep "name=\"to\" value=\"东关镇\"" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'an escalation sent while the directory is busy: 503, the form as typed' '
	db_dump v >before
	flock v/lock sleep 5 &
	holder=$! &&
	sleep 0.2 &&
	code=$(web_form /requests/escalate id=R0002 to=县住建局 date=$(date +%Y-%m-%d)) &&
	wait $holder &&
	test_status 503 "$code" &&
	test_grep "not saved yet: another stele-agent command is using" page &&
	test_grep "name=\"to\" value=\"县住建局\"" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'feedback (回访, 满意度): only once resolved; then as request feedback' '
	today=$(date +%Y-%m-%d) &&
	db_dump v >before &&
	code=$(web_form /requests/feedback id=R0001 satisfied= note=还行) && test_status 422 "$code" &&
	test_grep "request &#39;R0001&#39; is not resolved yet" page &&
	db_dump v >after && test_cmp before after &&
	code=$(web_form /requests/resolve id=R0001 date=$today satisfied=) && test_status 303 "$code" &&
	code=$(web_get /requests/followup?id=R0001) &&
	test_grep "action=\"/requests/feedback\"" page &&
	! grep -q "action=\"/requests/handler\"" page &&
	before=$(changesets) &&
	code=$(web_form /requests/feedback id=R0001 satisfied=0 note=路灯还没修) && test_status 303 "$code" &&
	test $(changesets) = $((before + 1)) &&
	stele-agent -C v request list --format csv >list &&
	test_grep "^R0001,$today,道路,G1,$today,0,M0002,东关镇,$today,路灯还没修$" list &&
	code=$(web_get /requests/followup?id=R0001) &&
	test_grep "$today (not satisfied)" page &&
	test_grep "name=\"note\" value=\"路灯还没修\"" page
'

test_expect_success 'a request not in the village: 404' '
	code=$(web_get /requests/followup?id=R0099) && test_status 404 "$code" &&
	test_grep "request &#39;R0099&#39; does not exist in village 990101001201" page
'

test_expect_success 'the follow-up page in Chinese' '
	serve_env &&
	curl -s -b jar.zh -o page "$SERVE_BASE/requests/followup?id=R0002" &&
	test_grep "<html lang=\"zh-CN\">" page &&
	test_grep "经办人" page && test_grep "上报" page
'

test_done
