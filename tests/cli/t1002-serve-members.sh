#!/bin/sh
test_description='stele-agent serve: members (党员): list, search, add, edit, status, refusals'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-serve.sh"

test_expect_success 'setup' '
	new_village v 990101001201 正营村 &&
	stele-agent -C v member add 王建国 --joined 2001-07-01 --grid 一组 >/dev/null &&
	serve_start v
'

test_expect_success 'adding a member: the CLI engine writes it, with its change set' '
	code=$(web_form /members/save id= name=李秀英 gender=F born=1975 joined=2010-03-15 status= grid=二组) &&
	test_status 303 "$code" &&
	tr -d "\r" <head | test_grep "^Location: /members?saved=M0002$" - &&
	stele-agent -C v member list --format csv >list &&
	test_grep "^M0002,李秀英,F,1975,2010-03-15,active,二组$" list &&
	stele-agent -C v log --format csv >log &&
	test_grep "^2," log
'

test_expect_success 'the list shows every member; the saved notice names the id' '
	code=$(web_get "/members?saved=M0002") && test_status 200 "$code" &&
	test_grep "M0002" page && test_grep "王建国" page && test_grep "李秀英" page &&
	test_grep "class=\"notice ok\"" page
'

test_expect_success 'search by name, id or grid; filter by status' '
	web_get "/members?q=%E7%8E%8B" >/dev/null && test_grep "王建国" page && ! grep -q "李秀英" page &&
	web_get "/members?q=M0002" >/dev/null && test_grep "李秀英" page && ! grep -q "王建国" page &&
	web_get "/members?q=%E4%BA%8C%E7%BB%84" >/dev/null && test_grep "李秀英" page && ! grep -q "王建国" page &&
	web_get "/members?status=flowing" >/dev/null && ! grep -q "李秀英" page && ! grep -q "王建国" page
'

test_expect_success 'every value is escaped: a name with markup shows as text' '
	code=$(web_form /members/save id= "name=<script>alert(1)</script>&\"x\"") &&
	test_status 303 "$code" &&
	web_get /members >/dev/null &&
	test_grep "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;x&quot;" page &&
	! grep -q "<script>" page
'

test_expect_success 'the edit form holds the stored values' '
	code=$(web_get "/members/edit?id=M0002") && test_status 200 "$code" &&
	test_grep "name=\"name\" value=\"李秀英\"" page &&
	test_grep "value=\"F\" selected" page &&
	test_grep "name=\"joined\" value=\"2010-03-15\"" page &&
	test_grep "name=\"id\" value=\"M0002\"" page
'

test_expect_success 'a status change (流动党员) goes through the engine' '
	code=$(web_form /members/save id=M0002 name=李秀英 gender=F born=1975 joined=2010-03-15 status=flowing grid=二组) &&
	test_status 303 "$code" &&
	stele-agent -C v member list --status flowing --format csv >list &&
	test_grep "^M0002,李秀英,F,1975,2010-03-15,flowing,二组$" list &&
	web_get "/members?status=flowing" >/dev/null && test_grep "李秀英" page
'

test_expect_success 'clearing an optional field with an empty value' '
	code=$(web_form /members/save id=M0002 name=李秀英 gender= born= joined=2010-03-15 status=flowing grid=) &&
	test_status 303 "$code" &&
	stele-agent -C v member list --format csv >list &&
	test_grep "^M0002,李秀英,,,2010-03-15,flowing,$" list
'

test_expect_success 'a refused date: the engine message beside the field, values kept, nothing written' '
	db_dump v >before &&
	code=$(web_form /members/save id= name=赵六 joined=2026-02-30) &&
	test_status 422 "$code" &&
	test_grep "id=\"e-joined\">member &#39;M0004&#39;: joined &#39;2026-02-30&#39; is not a real date" page &&
	test_grep "name=\"name\" value=\"赵六\"" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'an empty name, a bad year: beside their fields, nothing written' '
	db_dump v >before &&
	code=$(web_form /members/save id= name= joined=2020-01-01) &&
	test_status 422 "$code" &&
	test_grep "id=\"e-name\">member &#39;M0004&#39;: name is empty" page &&
	code=$(web_form /members/save id= name=某人 born=19x0) &&
	test_status 422 "$code" &&
	test_grep "id=\"e-born\">member &#39;M0004&#39;: born &#39;19x0&#39; is not a year" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'editing a member that does not exist: 404 with the engine message, nothing written' '
	db_dump v >before &&
	code=$(web_get "/members/edit?id=M9999") && test_status 404 "$code" &&
	test_grep "member &#39;M9999&#39; does not exist in village 990101001201" page &&
	code=$(web_form /members/save id=M9999 name=某人) && test_status 422 "$code" &&
	test_grep "M9999" page &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'a date in a closed month is refused as the CLI refuses it' '
	stele-agent -C v close 2026-01 2>/dev/null &&
	db_dump v >before &&
	stele-agent -C v member add 孙七 --joined 2026-01-10 2>cli-err; test $? = 3 &&
	code=$(web_form /members/save id= name=孙七 joined=2026-01-10) && test_status 422 "$code" &&
	msg=$(sed -e "s/^stele-agent: //" -e "s/'"'"'/\&#39;/g" cli-err) &&
	grep -F "$msg" page &&
	db_dump v >after && test_cmp before after
'

test_done
