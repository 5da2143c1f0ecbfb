#!/bin/sh
test_description='stele-agent sync against the county HTTP(S) server: own pushes, refusals, secrets'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

server_need lighttpd lighttpd-mod-openssl apache2-utils openssl git ||
	server_skip_all "lighttpd, lighttpd-mod-openssl or apache2-utils not available"
V1=990101001201 V2=990101001202 V3=990101001203
http_server_start $V1 $V2 $V3 || server_skip_all "lighttpd did not start"
HOME=$TRASH/home
export HOME
mkdir -p "$HOME"

# Each village has its own credentials file (the documented place: DIR/credentials,
# mode 600, "URL-prefix user password" lines) and one member to sync.
for v in $V1 $V2 $V3; do
	new_village $v $v
	eval "pw=\$PASS_$v"
	printf '%s %s %s\n' "http://127.0.0.1:$HTTP_PORT/" "$v" "$pw" \
		"https://localhost:$HTTPS_PORT/" "$v" "$pw" >$v/credentials
	chmod 600 $v/credentials
	stele-agent -C $v member add "村民$v" >/dev/null 2>&1
done

# server_seq REPO: the seq of the tip of a server repository's main ("none").
server_seq() {
	stream_seq "$HTTP_ROOT/$1.git" refs/heads/main 2>/dev/null | grep . || echo none
}
pending() {
	sqlite3 "$1/stele.db" "SELECT count(*) FROM stele_outbox"
}

test_expect_success 'each village syncs its own repository over HTTP' '
	for v in $V1 $V2 $V3; do
		echo "$v -> $v" >>"$TRASH/pushes"
		stele-agent -C $v remote set "$HTTP_URL/$v.git" 2>/dev/null || exit 1
		stele-agent -C $v sync 2>>sync.err || exit 1
		test "$(server_seq $v)" = 1 || exit 1
	done &&
	test_grep "pushed to $HTTP_URL/$V1.git (seq 1)" sync.err
'

test_expect_success 'every cross-village sync (all 6 ordered pairs) is refused and reported' '
	for a in $V1 $V2 $V3; do
		stele-agent -C $a member add "第二位$a" >/dev/null 2>&1 || exit 1
		for b in $V1 $V2 $V3; do
			[ $a = $b ] && continue
			echo "$a -> $b" >>"$TRASH/pushes"
			test_expect_code 1 stele-agent -C $a sync --remote "$HTTP_URL/$b.git" \
				2>err || exit 1
			test_grep "$HTTP_URL/$b.git" err || exit 1
			test_grep "403" err || exit 1
			test "$(server_seq $b)" = 1 || exit 1
			echo "$a -> $b" >>"$TRASH/refused"
		done
	done
'

test_expect_success 'a village may read county.git but its push there is refused' '
	echo "$V1 -> county" >>"$TRASH/pushes" &&
	test_expect_code 1 stele-agent -C $V1 sync --remote "$HTTP_URL/county.git" 2>err &&
	test_grep "$HTTP_URL/county.git" err &&
	test "$(server_seq county)" = none &&
	echo "$V1 -> county" >>"$TRASH/refused"
'

test_expect_success 'after the refusals, each village pushes everything to its own' '
	for v in $V1 $V2 $V3; do
		echo "$v -> $v" >>"$TRASH/pushes"
		stele-agent -C $v sync --remote "$HTTP_URL/$v.git" 2>err || exit 1
		test "$(server_seq $v)" = 2 || exit 1
	done
'

test_expect_success 'a wrong password is refused, saying so without the password' '
	stele-agent -C $V2 member add 第三位 >/dev/null 2>&1 &&
	echo "$V2 -> $V2 (wrong password)" >>"$TRASH/pushes" &&
	test_expect_code 1 env STELE_GIT_CREDENTIALS="$TRASH/none" STELE_GIT_USERNAME=$V2 \
		STELE_GIT_PASSWORD=not-the-password stele-agent -C $V2 sync 2>err &&
	test_grep "remote $HTTP_URL/$V2.git refused the credentials for $V2" err &&
	! grep -q not-the-password err &&
	test "$(server_seq $V2)" = 2 &&
	echo "$V2 -> $V2 (wrong password)" >>"$TRASH/refused"
'

test_expect_success 'credentials in the environment work as well' '
	echo "$V2 -> $V2" >>"$TRASH/pushes" &&
	STELE_GIT_CREDENTIALS="$TRASH/none" STELE_GIT_USERNAME=$V2 STELE_GIT_PASSWORD=$PASS_990101001202 \
		stele-agent -C $V2 sync 2>err &&
	test "$(server_seq $V2)" = 3
'

test_expect_success 'HTTPS with the county CA given in STELE_CA_FILE' '
	stele-agent -C $V3 member add 第三位 >/dev/null 2>&1 &&
	echo "$V3 -> $V3 (https, no CA)" >>"$TRASH/pushes" &&
	test_expect_code 1 stele-agent -C $V3 sync --remote "$HTTPS_URL/$V3.git" 2>err &&
	grep -qi "certificate" err &&
	test "$(server_seq $V3)" = 2 &&
	echo "$V3 -> $V3 (https, no CA)" >>"$TRASH/refused" &&
	echo "$V3 -> $V3 (https)" >>"$TRASH/pushes" &&
	STELE_CA_FILE=$CA_FILE stele-agent -C $V3 sync 2>err &&
	test "$(server_seq $V3)" = 3
'

test_expect_success 'HTTPS applies the same per-village rules' '
	echo "$V3 -> $V1 (https)" >>"$TRASH/pushes" &&
	test_expect_code 1 env STELE_CA_FILE=$CA_FILE \
		stele-agent -C $V3 sync --remote "$HTTPS_URL/$V1.git" 2>err &&
	test_grep "403" err &&
	test "$(server_seq $V1)" = 2 &&
	echo "$V3 -> $V1 (https)" >>"$TRASH/refused" &&
	STELE_CA_FILE=$CA_FILE stele-agent -C $V3 sync --remote "$HTTPS_URL/$V3.git" 2>err
'

test_expect_success 'the county account reads every village repository' '
	for v in $V1 $V2 $V3; do
		git ls-remote "http://county:$PASS_county@127.0.0.1:$HTTP_PORT/git/$v.git" >refs &&
		test_grep refs/heads/main refs || exit 1
	done
'

test_expect_success 'the aggregator, as the county account, fetches and merges every village' '
	stele-aggregator -C county init --county 990101 --name 测试县 >/dev/null 2>&1 &&
	for v in $V1 $V2 $V3; do
		stele-aggregator -C county village add $v --name "村$v" --township-name 镇 \
			--remote "$HTTP_URL/$v.git" --key "$(stele-agent -C $v key)" >/dev/null ||
			exit 1
	done &&
	STELE_GIT_USERNAME=county STELE_GIT_PASSWORD=$PASS_county \
		stele-aggregator -C county fetch 2>agg.err &&
	stele-aggregator -C county merge 2>>agg.err &&
	for v in $V1 $V2 $V3; do
		sqlite3 $v/stele.db "SELECT village_code, id, name FROM member ORDER BY 1, 2"
	done >expected &&
	sqlite3 county/stele.db "SELECT village_code, id, name FROM member ORDER BY 1, 2" >actual &&
	test -s actual &&
	test_cmp expected actual &&
	! grep -aqF "$PASS_county" agg.err county/stele.db
'

test_expect_success 'a village account cannot fetch the other villages for the county' '
	mkdir -p county2 &&
	stele-aggregator -C county2 init --county 990101 --name 测试县 >/dev/null 2>&1 &&
	stele-aggregator -C county2 village add $V1 --name 村 --township-name 镇 \
		--remote "$HTTP_URL/$V1.git" >/dev/null &&
	stele-aggregator -C county2 village add $V2 --name 村 --township-name 镇 \
		--remote "$HTTP_URL/$V2.git" >/dev/null &&
	! STELE_GIT_USERNAME=$V1 STELE_GIT_PASSWORD=$PASS_990101001201 \
		stele-aggregator -C county2 fetch 2>err &&
	test_grep "$HTTP_URL/$V2.git" err &&
	test_grep 403 err
'

test_expect_success 'the server stores what the villages pushed, in order' '
	git -C "$HTTP_ROOT/$V1.git" log --format=%s refs/heads/main >log &&
	test_line_count 2 log &&
	test_grep "^seq 1: member M0001 added" log &&
	test_grep "^seq 2: member M0002 added" log
'

test_expect_success 'no password is anywhere: output, repository config, database' '
	for v in $V1 $V2 $V3; do
		eval "pw=\$PASS_$v"
		for f in "$TRASH"/*.err "$TRASH"/err $v/repo.git/config $v/stele.db*; do
			[ -e "$f" ] || continue
			if grep -aqF "$pw" "$f"; then
				echo "the password of $v is in $f" >&2
				exit 1
			fi
		done
		sqlite3 $v/stele.db .dump >dump && ! grep -qF "$pw" dump || exit 1
		! grep -rlaF "$pw" $v --exclude=credentials || exit 1
	done
'

echo "# pushes: $(cat pushes 2>/dev/null | wc -l) attempted," \
	"$(cat refused 2>/dev/null | wc -l) refused as expected"
test_done
