#!/bin/sh
test_description='stele-agent serve: the URL, 127.0.0.1 only, token, Host, CSRF, caps, signals'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-serve.sh"

test_expect_success 'setup' '
	new_village v 990101001201 正营村 &&
	stele-agent -C v member add 王建国 >/dev/null
'

test_expect_success 'the first stdout line is the URL with a fresh 64-hex token' '
	serve_start v &&
	serve_env &&
	test_line_count 1 serve.out &&
	test_grep "^http://127\.0\.0\.1:[0-9][0-9]*/?token=[0-9a-f]\{64\}$" serve.out
'

test_expect_success 'it listens on 127.0.0.1 only' '
	serve_env &&
	ss -Hltn "sport = :$SERVE_PORT" >listen &&
	test_line_count 1 listen &&
	test_grep "127\.0\.0\.1:$SERVE_PORT" listen
'

test_expect_success 'the URL logs in: an HttpOnly, SameSite=Strict cookie, and the token leaves the address' '
	serve_env &&
	code=$(curl -s -D head -o /dev/null -w "%{http_code}" "$SERVE_URL") &&
	test_status 303 "$code" &&
	tr -d "\r" <head >h &&
	test_grep "^Set-Cookie: stele_token=$SERVE_TOKEN; Path=/; HttpOnly; SameSite=Strict$" h &&
	test_grep "^Location: /$" h
'

test_expect_success 'the home page, in Chinese by default: <html lang="zh-CN">' '
	serve_env &&
	curl -s -o /dev/null -b jar -c jar "$SERVE_BASE/lang?to=zh" &&
	code=$(web_get /) && test_status 200 "$code" &&
	test_grep "<html lang=\"zh-CN\">" page &&
	test_grep "正营村" page &&
	curl -s -o /dev/null -b jar -c jar "$SERVE_BASE/lang?to=en" &&
	code=$(web_get /) && test_grep "<html lang=\"en\">" page
'

test_expect_success 'without the token: 403, for pages and the style sheet alike' '
	serve_env &&
	for p in / /members /members/edit /style.css /nothing; do
		code=$(curl -s -o page -w "%{http_code}" "$SERVE_BASE$p") &&
		test_status 403 "$code" || return 1
	done &&
	! grep -q "王建国" page
'

test_expect_success 'a wrong token (in the URL or the cookie) is 403' '
	serve_env &&
	bad=$(printf "%064d" 0) &&
	code=$(curl -s -o /dev/null -w "%{http_code}" "$SERVE_BASE/?token=$bad") && test_status 403 "$code" &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -b "stele_token=$bad" "$SERVE_BASE/") && test_status 403 "$code" &&
	short=$(printf "%s" "$SERVE_TOKEN" | cut -c1-63) &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -b "stele_token=$short" "$SERVE_BASE/") && test_status 403 "$code"
'

test_expect_success 'a Host that is not 127.0.0.1/localhost with the right port: 421 (DNS rebinding)' '
	serve_env &&
	for h in "evil.example:$SERVE_PORT" "127.0.0.1" "127.0.0.1:1" "localhost.evil.example:$SERVE_PORT" \
		 "127.0.0.1.evil:$SERVE_PORT"; do
		code=$(curl -s -o page -w "%{http_code}" -H "Host: $h" -b "stele_token=$SERVE_TOKEN" "$SERVE_BASE/") &&
		test_status 421 "$code" || return 1
	done &&
	! grep -q "王建国" page &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -H "Host: localhost:$SERVE_PORT" \
		-b "stele_token=$SERVE_TOKEN" "$SERVE_BASE/") &&
	test_status 200 "$code"
'

test_expect_success 'a POST without the CSRF token, or with a wrong one: 403, nothing written' '
	serve_env &&
	db_dump v >before &&
	code=$(curl -s -b jar -o page -w "%{http_code}" --data-urlencode "name=李四" "$SERVE_BASE/members/save") &&
	test_status 403 "$code" &&
	code=$(curl -s -b jar -o page -w "%{http_code}" --data-urlencode "name=李四" \
		--data-urlencode "csrf=$(printf "%064d" 1)" "$SERVE_BASE/members/save") &&
	test_status 403 "$code" &&
	code=$(curl -s -b jar -o page -w "%{http_code}" -F "name=李四" "$SERVE_BASE/members/save") &&
	test_status 403 "$code" &&
	db_dump v >after &&
	test_cmp before after
'

test_expect_success 'a POST with the token in its URL but no CSRF token is still 403' '
	serve_env &&
	db_dump v >before &&
	code=$(curl -s -o page -w "%{http_code}" --data-urlencode "name=李四" "$SERVE_BASE/members/save?token=$SERVE_TOKEN") &&
	test_status 403 "$code" &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'no CORS: no Access-Control header, whatever the Origin' '
	serve_env &&
	code=$(web_get / -H "Origin: http://evil.example") && test_status 200 "$code" &&
	! grep -i "^access-control" head &&
	code=$(curl -s -b jar -D head -o /dev/null -w "%{http_code}" -X OPTIONS \
		-H "Origin: http://evil.example" -H "Access-Control-Request-Method: POST" "$SERVE_BASE/members/save") &&
	test_status 405 "$code" &&
	! grep -i "^access-control" head
'

test_expect_success 'nothing comes from the network: a CSP, and no outside address in any page' '
	code=$(web_get /) && test_status 200 "$code" &&
	test_grep "^Content-Security-Policy: default-src '"'"'none'"'"'" head &&
	for p in / /members /members/edit /style.css; do
		web_get $p >/dev/null && ! grep -E "(https?:)?//[a-z0-9]" page || return 1
	done &&
	code=$(web_get /style.css) && test_status 200 "$code" &&
	test_grep "Noto Sans CJK SC" page && test_grep "WenQuanYi" page &&
	test_grep "Microsoft YaHei" page && test_grep "SimSun" page &&
	test_grep "@media print" page
'

test_expect_success 'an upload over the cap is refused (413), nothing written' '
	db_dump v >before &&
	head -c 9000000 /dev/zero | tr "\0" a >big.csv &&
	code=$(web_upload /members/save file big.csv) &&
	test_status 413 "$code" &&
	db_dump v >after && test_cmp before after
'

test_expect_success 'the English switch: a cookie, back to the same page, <html lang="en">' '
	serve_env &&
	code=$(curl -s -b jar -c jar -D head -o /dev/null -w "%{http_code}" "$SERVE_BASE/lang?to=en&back=/members") &&
	test_status 303 "$code" &&
	tr -d "\r" <head | test_grep "^Location: /members$" - &&
	code=$(web_get /members) && test_status 200 "$code" &&
	test_grep "<html lang=\"en\">" page &&
	code=$(curl -s -b jar -c jar -o /dev/null -w "%{http_code}" "$SERVE_BASE/lang?to=zh&back=//evil.example/") &&
	test_status 303 "$code" &&
	code=$(web_get /) && test_grep "<html lang=\"zh-CN\">" page
'

test_expect_success 'a CLI write succeeds while the workbench runs, and the page shows it' '
	stele-agent -C v member add 李秀英 >id &&
	echo M0002 >expect && test_cmp expect id &&
	web_get /members >/dev/null && test_grep "李秀英" page
'

test_expect_success 'a write that meets a busy directory waits, then is done' '
	flock v/lock sleep 1 &
	holder=$! &&
	sleep 0.2 &&
	code=$(web_form /members/save name=钱七) &&
	wait $holder &&
	test_status 303 "$code" &&
	stele-agent -C v member list >list && test_grep "钱七" list
'

test_expect_success 'a page that only reads is shown while another process holds the directory' '
	flock v/lock sleep 4 &
	holder=$! &&
	sleep 0.2 &&
	code=$(web_get /members) &&
	kill -0 $holder &&
	wait $holder &&
	test_status 200 "$code" && test_grep "李秀英" page
'

# busy_post LANG: POSTs a new member while another process holds the
# directory for longer than the workbench waits, with the language switch set to
# LANG; the page is ./page, its status is printed.
busy_post() {
	serve_env
	curl -s -b jar -c jar -o /dev/null "$SERVE_BASE/lang?to=$1" &&
	flock v/lock sleep 5 &
	holder=$!
	sleep 0.2
	db_dump v >before
	code=$(web_form /members/save name=赵六)
	wait $holder
	db_dump v >after
	echo "$code"
}

test_expect_success 'a directory busy for long: 503, the form back as it was sent, saying so in English' '
	code=$(busy_post en) &&
	test_status 503 "$code" &&
	test_grep "<html lang=\"en\">" page &&
	test_grep "name=\"name\" value=\"赵六\"" page &&
	test_grep "class=\"notice refused\" role=\"alert\">not saved yet: another stele-agent command is using the village&#39;s records. What you entered is kept below" page &&
	test_grep "<form method=\"post\" action=\"/members/save\">" page &&
	! grep -q "占用" page &&
	test_cmp before after
'

test_expect_success 'the same in Chinese, the default' '
	code=$(busy_post zh) &&
	test_status 503 "$code" &&
	test_grep "<html lang=\"zh-CN\">" page &&
	test_grep "name=\"name\" value=\"赵六\"" page &&
	test_grep "尚未保存：另一个 stele-agent 命令正在使用村里的数据" page &&
	test_cmp before after
'

test_expect_success 'SIGTERM stops it cleanly: exit 0, the port closed' '
	serve_env &&
	serve_stop &&
	test "$SERVE_RC" = 0 &&
	! ss -Hltn "sport = :$SERVE_PORT" | grep -q .
'

test_expect_success 'SIGINT stops it cleanly too' '
	serve_start v &&
	serve_stop INT &&
	test "$SERVE_RC" = 0
'

test_expect_success '--port N listens there; a taken port is exit 1; a bad one exit 2' '
	test_expect_code 2 stele-agent -C v serve --port abc >out 2>err &&
	test_grep "^stele-agent: --port .abc. is not a port number" err &&
	test_line_count 0 out &&
	serve_start v && serve_env &&
	taken=$SERVE_PORT &&
	test_expect_code 1 stele-agent -C v serve --port "$taken" >out 2>err &&
	test_grep "127.0.0.1:$taken" err &&
	test_line_count 0 out &&
	serve_stop &&
	serve_start v --port "$taken" && serve_env &&
	test "$SERVE_PORT" = "$taken" &&
	serve_stop
'

test_expect_success '--open hands the URL to the browser ($STELE_BROWSER stands in for xdg-open)' '
	cat >browser <<-\EOF &&
	#!/bin/sh
	echo "$1" >"$(dirname "$0")/opened"
	EOF
	chmod +x browser &&
	STELE_BROWSER=$TRASH/browser serve_start v --open &&
	n=0 && while [ $n -lt 50 ] && ! [ -s opened ]; do sleep 0.1; n=$((n + 1)); done &&
	test_cmp serve.out opened &&
	serve_stop
'

test_expect_success 'a directory that is not a village: refused before listening' '
	test_expect_code 1 stele-agent -C nowhere serve >out 2>err &&
	test_line_count 0 out &&
	test_grep "not a Stele directory" err
'

test_done
