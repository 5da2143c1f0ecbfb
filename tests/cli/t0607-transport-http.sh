#!/bin/sh
test_description='transport over HTTP(S): passwords kept out of the database, one-line
errors that say unreachable / credentials refused / access refused, and the
aggregator with the agent'"'"'s remote options (credentials file, CA, --timeout)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

server_need lighttpd lighttpd-mod-openssl apache2-utils openssl git ||
	server_skip_all "lighttpd, lighttpd-mod-openssl or apache2-utils not available"
V1=990101001201 V2=990101001202 V3=990101001203
http_server_start $V1 $V2 $V3 || server_skip_all "lighttpd did not start"
stall_server_start || server_skip_all "could not start the stalling server"
HOME=$TRASH/home
export HOME
mkdir -p "$HOME"
unset STELE_GIT_CREDENTIALS STELE_GIT_USERNAME STELE_GIT_PASSWORD STELE_CA_FILE STELE_SSH_KEY

HOSTPORT=127.0.0.1:$HTTP_PORT
# with_pw USER URL: URL (http://HOST/...) with USER and USER's password in it.
with_pw() {
	eval "pw=\$PASS_$1"
	echo "$2" | sed "s|://|://$1:$pw@|"
}
server_seq() {
	stream_seq "$HTTP_ROOT/$1.git" refs/heads/main 2>/dev/null | grep . || echo none
}
# no_secret PASSWORD FILE...: PASSWORD is in none of the files.
no_secret() {
	pw=$1
	shift
	for f in "$@"; do
		[ -e "$f" ] || continue
		if grep -aqF "$pw" "$f"; then
			echo "the password is in $f" >&2
			return 1
		fi
	done
}
# no_secret_in_dir PASSWORD DIR: not in the database (canonical dump and
# files), the repository's config, or any file of DIR but its credentials file.
no_secret_in_dir() {
	sqlite3 "$2/stele.db" .dump >"$TRASH/dump" &&
	no_secret "$1" "$TRASH/dump" "$2/repo.git/config" &&
	! grep -rlaF "$1" "$2" --exclude=credentials
}
# one_line_each PROG FILE: every line of FILE is a message of PROG (a message
# never spans lines).
one_line_each() {
	if grep -v "^$1: " "$2" | grep -q .; then
		echo "a message spans lines in $2:" >&2
		cat "$2" >&2
		return 1
	fi
}
mode_of() {
	stat -c %a "$1"
}

new_village v1 $V1
stele-agent -C v1 member add 张三 >/dev/null 2>&1

test_expect_success 'remote set with user:password@ keeps the password in DIR/credentials only' '
	stele-agent -C v1 remote set "$(with_pw $V1 "$HTTP_URL/$V1.git")" >out 2>err &&
	stele-agent -C v1 sync >>out 2>>err &&
	test "$(server_seq $V1)" = 1 &&
	test_grep "password of $V1 for $HTTP_URL/$V1.git is kept in v1/credentials" err &&
	no_secret "$PASS_990101001201" out err &&
	test "$(mode_of v1/credentials)" = 600 &&
	test "$(sqlite3 v1/stele.db "SELECT value FROM stele_meta WHERE key = '"'remote'"'")" = \
		"http://$V1@$HOSTPORT/git/$V1.git" &&
	no_secret_in_dir "$PASS_990101001201" v1 &&
	echo "$HTTP_URL/$V1.git $V1 $PASS_990101001201" >expect &&
	test_cmp expect v1/credentials
'

test_expect_success 'the next sync authenticates with the saved password' '
	stele-agent -C v1 member add 李四 >/dev/null 2>&1 &&
	stele-agent -C v1 sync >out 2>err &&
	test "$(server_seq $V1)" = 2 &&
	test_grep "pushed to $HTTP_URL/$V1.git (seq 2)" err &&
	no_secret "$PASS_990101001201" out err
'

test_expect_success 'a new password for the same URL and user replaces the old line' '
	printf "# the county'"'"'s server\nhttp://elsewhere.example/ someone secret\n" >v1/credentials.head &&
	cat v1/credentials.head v1/credentials >v1/credentials.new &&
	chmod 600 v1/credentials.new && mv v1/credentials.new v1/credentials &&
	test_expect_code 1 stele-agent -C v1 sync \
		--remote "http://$V1:not-the-password@$HOSTPORT/git/$V1.git" 2>err &&
	test_line_count 3 v1/credentials &&
	test_grep "^http://elsewhere.example/ someone secret$" v1/credentials &&
	test_grep "^$HTTP_URL/$V1.git $V1 not-the-password$" v1/credentials &&
	test "$(mode_of v1/credentials)" = 600 &&
	stele-agent -C v1 sync --remote "$(with_pw $V1 "$HTTP_URL/$V1.git")" 2>err &&
	test_line_count 3 v1/credentials &&
	test_grep "^$HTTP_URL/$V1.git $V1 $PASS_990101001201$" v1/credentials
'

test_expect_success 'a password an older version stored moves to DIR/credentials at the next sync' '
	rm v1/credentials &&
	sqlite3 v1/stele.db "UPDATE stele_meta SET value = '"'$(with_pw $V1 "$HTTP_URL/$V1.git")'"' WHERE key = '"'remote'"'" &&
	stele-agent -C v1 sync >out 2>err &&
	test_grep "password of $V1 for $HTTP_URL/$V1.git is kept in v1/credentials" err &&
	test_grep "is up to date (seq 2)" err &&
	no_secret "$PASS_990101001201" out err &&
	no_secret_in_dir "$PASS_990101001201" v1 &&
	stele-agent -C v1 sync 2>err &&
	test_grep "is up to date (seq 2)" err
'

test_expect_success 'init --remote and --county with passwords keep neither in the database' '
	stele-agent -C v2 init --village $V2 --name 二村 \
		--remote "$(with_pw $V2 "$HTTP_URL/$V2.git")" \
		--county "$(with_pw $V2 "$HTTP_URL/county.git")" >out 2>err &&
	test_grep "password of $V2 for $HTTP_URL/$V2.git is kept in v2/credentials" err &&
	test_grep "password of $V2 for $HTTP_URL/county.git is kept in v2/credentials" err &&
	test_line_count 2 v2/credentials &&
	test "$(mode_of v2/credentials)" = 600 &&
	no_secret "$PASS_990101001202" out err &&
	no_secret_in_dir "$PASS_990101001202" v2 &&
	stele-agent -C v2 member add 王五 >/dev/null 2>&1 &&
	stele-agent -C v2 sync 2>err &&
	test "$(server_seq $V2)" = 1 &&
	no_secret "$PASS_990101001202" err
'

test_expect_success 'restore --remote with a password keeps it out of the new database' '
	stele-agent -C v1r restore --village $V1 --key v1/signing.key \
		--remote "$(with_pw $V1 "$HTTP_URL/$V1.git")" >out 2>err &&
	test_grep "password of $V1 for $HTTP_URL/$V1.git is kept in v1r/credentials" err &&
	no_secret "$PASS_990101001201" out err &&
	no_secret_in_dir "$PASS_990101001201" v1r &&
	stele-agent -C v1r sync 2>err &&
	test_grep "is up to date (seq 2)" err
'

test_expect_success 'a URL with a password and no user name is refused, nothing kept' '
	test_expect_code 3 stele-agent -C v2 sync --remote "http://:hunter2@$HOSTPORT/git/$V2.git" \
		2>err &&
	test_line_count 1 err &&
	test_grep "a password without a user name" err &&
	no_secret hunter2 err v2/credentials &&
	test "$(sqlite3 v2/stele.db "SELECT value FROM stele_meta WHERE key = '"'remote'"'")" = \
		"http://$V2@$HOSTPORT/git/$V2.git"
'

# The three ways a remote fails, each exit 1 and one line naming it without
# credentials.
new_village v3 $V3
stele-agent -C v3 member add 赵六 >/dev/null 2>&1

test_expect_success 'unreachable: cannot reach remote' '
	url=http://127.0.0.1:$(dead_port)/git/$V3.git &&
	test_expect_code 1 stele-agent -C v3 sync --remote "$url" 2>err &&
	test_grep "^stele-agent: cannot reach remote $url: .*Connection refused" err &&
	test_expect_code 1 stele-agent -C v3 sync --remote "http://no-such-host.invalid/git/$V3.git" \
		2>err &&
	test_grep "^stele-agent: cannot reach remote http://no-such-host.invalid/git/$V3.git: " err &&
	one_line_each stele-agent err
'

test_expect_success 'no credentials at all: says where to put them' '
	stele-agent -C v3 remote set "$HTTP_URL/$V3.git" 2>/dev/null &&
	test_expect_code 1 stele-agent -C v3 sync 2>err &&
	test_grep "remote $HTTP_URL/$V3.git wants a user name and password and none was given (put them in v3/credentials" err &&
	one_line_each stele-agent err
'

test_expect_success 'a wrong password (401 after every source): refused the credentials for USER' '
	test_expect_code 1 env STELE_GIT_USERNAME=$V3 STELE_GIT_PASSWORD=wrong-one \
		stele-agent -C v3 sync 2>err &&
	test_grep "^stele-agent: remote $HTTP_URL/$V3.git refused the credentials for $V3; everything is kept" err &&
	one_line_each stele-agent err &&
	! grep -q wrong-one err &&
	test "$(server_seq $V3)" = none
'

test_expect_success 'another village'"'"'s repository (403): refused access' '
	test_expect_code 1 env STELE_GIT_USERNAME=$V3 STELE_GIT_PASSWORD=$PASS_990101001203 \
		stele-agent -C v3 sync --remote "$HTTP_URL/$V1.git" 2>err &&
	test_grep "^stele-agent: remote $HTTP_URL/$V1.git refused access: the server answered 403" err &&
	one_line_each stele-agent err &&
	test "$(server_seq $V1)" = 2 &&
	test_expect_code 1 env STELE_GIT_USERNAME=$V3 STELE_GIT_PASSWORD=$PASS_990101001203 \
		stele-agent -C v3 sync --remote "$HTTP_URL/county.git" 2>err &&
	test_grep "^stele-agent: remote $HTTP_URL/county.git refused access: the server answered 403" err &&
	one_line_each stele-agent err &&
	test "$(server_seq county)" = none
'

# The aggregator: passwords given to it are kept like the agent's, and its fetch
# finds them in the county directory's credentials file.
test_expect_success 'aggregator init --publish, village add/set/import keep passwords out of the database' '
	stele-aggregator -C county init --county 990101 --name 测试县 \
		--publish "$(with_pw county "$HTTP_URL/county.git")" >out 2>err &&
	test_grep "password of county for $HTTP_URL/county.git is kept in county/credentials" err &&
	stele-aggregator -C county village add $V1 --name 一村 --township-name 镇 \
		--remote "$(with_pw county "$HTTP_URL/$V1.git")" --key "$(stele-agent -C v1 key)" \
		>>out 2>>err &&
	stele-aggregator -C county village add $V2 --name 二村 --township-name 镇 >>out 2>>err &&
	stele-aggregator -C county village set $V2 \
		--remote "$(with_pw county "$HTTP_URL/$V2.git")" >>out 2>>err &&
	printf "code,name,township_name,remote\n%s,三村,镇,%s\n" $V3 \
		"$(with_pw county "$HTTP_URL/$V3.git")" >villages.csv &&
	stele-aggregator -C county village import villages.csv >>out 2>>err &&
	test_grep "password of county for $HTTP_URL/$V3.git is kept in county/credentials" err &&
	test_line_count 4 county/credentials &&
	test "$(mode_of county/credentials)" = 600 &&
	no_secret "$PASS_county" out err &&
	no_secret_in_dir "$PASS_county" county &&
	sqlite3 county/stele.db "SELECT remote FROM stele_village_source ORDER BY 1" >remotes &&
	for v in $V1 $V2 $V3; do echo "http://county@$HOSTPORT/git/$v.git"; done >expect &&
	test_cmp expect remotes
'

test_expect_success 'a bad row of village import keeps no password of any row' '
	cp county/credentials credentials.before &&
	printf "code,name,township_name,remote\n%s,三村,镇,%s\n%s,,镇,%s\n" \
		$V3 "http://county:first-secret@$HOSTPORT/git/x.git" \
		990101001299 "http://county:second-secret@$HOSTPORT/git/y.git" >bad.csv &&
	test_expect_code 3 stele-aggregator -C county village import bad.csv 2>err &&
	test_grep "bad.csv:3" err &&
	test_cmp credentials.before county/credentials &&
	no_secret first-secret err county/credentials &&
	no_secret second-secret err county/credentials
'

test_expect_success 'the aggregator fetches over HTTP with its credentials file alone' '
	stele-aggregator -C county fetch 2>err &&
	stele-aggregator -C county merge 2>>err &&
	sqlite3 county/stele.db "SELECT village_code, name FROM member ORDER BY 1, 2" >actual &&
	printf "%s|张三\n%s|李四\n%s|王五\n" $V1 $V1 $V2 >expect &&
	test_cmp expect actual &&
	no_secret "$PASS_county" err
'

test_expect_success 'rules publish pushes to the kept --publish URL with the saved password' '
	stele-aggregator -C county rules publish >out 2>err &&
	test_grep "published seq 1\.\." err &&
	test "$(server_seq county)" != none &&
	no_secret "$PASS_county" out err &&
	stele-aggregator -C county rules publish --to "$(with_pw county "$HTTP_URL/county.git")" \
		>out 2>err &&
	test_grep "$HTTP_URL/county.git is up to date" err &&
	no_secret "$PASS_county" out err
'

test_expect_success 'the aggregator fetches over HTTPS with the county CA in STELE_CA_FILE' '
	stele-aggregator -C county2 init --county 990101 --name 测试县 >/dev/null 2>&1 &&
	stele-aggregator -C county2 village add $V1 --name 一村 --township-name 镇 \
		--remote "https://county@localhost:$HTTPS_PORT/git/$V1.git" >/dev/null &&
	printf "%s county %s\n" "$HTTPS_URL/" "$PASS_county" >county2/credentials &&
	chmod 600 county2/credentials &&
	test_expect_code 1 stele-aggregator -C county2 fetch 2>err &&
	test_grep "village $V1: .*certificate" err &&
	STELE_CA_FILE=$CA_FILE stele-aggregator -C county2 fetch 2>err &&
	STELE_CA_FILE=$CA_FILE stele-aggregator -C county2 merge 2>>err &&
	test "$(sqlite3 county2/stele.db "SELECT count(*) FROM member")" = 2
'

test_expect_success 'the aggregator says which villages were refused, one line each' '
	stele-aggregator -C county3 init --county 990101 --name 测试县 >/dev/null 2>&1 &&
	stele-aggregator -C county3 village add $V1 --name 一村 --township-name 镇 \
		--remote "$(with_pw $V2 "$HTTP_URL/$V1.git")" >/dev/null 2>&1 &&
	stele-aggregator -C county3 village add $V2 --name 二村 --township-name 镇 \
		--remote "http://$V2:wrong-one@$HOSTPORT/git/$V2.git" >/dev/null 2>&1 &&
	stele-aggregator -C county3 village add $V3 --name 三村 --township-name 镇 \
		--remote "http://127.0.0.1:$(dead_port)/git/$V3.git" >/dev/null 2>&1 &&
	test_expect_code 1 stele-aggregator -C county3 fetch 2>err &&
	test_grep "village $V1: remote $HTTP_URL/$V1.git refused access" err &&
	test_grep "village $V2: remote $HTTP_URL/$V2.git refused the credentials for $V2" err &&
	test_grep "village $V3: cannot reach remote http://127.0.0.1:[0-9]*/git/$V3.git: " err &&
	one_line_each stele-aggregator err &&
	no_secret "$PASS_990101001202" err &&
	no_secret wrong-one err
'

test_expect_success 'aggregator fetch --timeout ends a fetch a silent server holds' '
	stele-aggregator -C county3 village set $V3 \
		--remote "http://127.0.0.1:$STALL_PORT/git/$V3.git" >/dev/null 2>&1 &&
	test_expect_code 1 timeout 60 stele-aggregator -C county3 fetch --timeout 2s 2>err &&
	test_grep "fetch timed out after 2s" err &&
	test_expect_code 2 stele-aggregator -C county3 fetch --timeout soon 2>err &&
	test_grep "is not a duration" err
'

test_done
