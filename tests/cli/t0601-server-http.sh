#!/bin/sh
test_description='the county HTTP(S) git server (lighttpd + git http-backend) with the git CLI'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

# The server is proven with plain git first, independently of Stele: each
# village's account may push only its own repository, the county reads all.
server_need lighttpd lighttpd-mod-openssl apache2-utils openssl git ||
	server_skip_all "lighttpd, lighttpd-mod-openssl or apache2-utils not available"
V1=990101001201 V2=990101001202 V3=990101001203
http_server_start $V1 $V2 $V3 || server_skip_all "lighttpd did not start"

# No user configuration (credential helpers!) leaks into the test.
HOME=$TRASH/home GIT_CONFIG_NOSYSTEM=1
export HOME GIT_CONFIG_NOSYSTEM
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global user.name test && git config --global user.email test@example.invalid

# repo_url USER REPO [BASE]: the repository's URL with USER's credentials in it.
repo_url() {
	eval "pw=\$PASS_$1"
	printf '%s/%s.git\n' "$(echo "${3:-$HTTP_URL}" | sed "s|://|://$1:$pw@|")" "$2"
}

# try_push USER REPO [BASE]: a push that must succeed. refuse_push USER REPO
# [BASE]: one that the server must refuse (git push $PUSH_FLAGS), leaving the
# repository as it was.
try_push() {
	echo "$1 -> $2" >>"$TRASH/pushes"
	git -C work push -q "$(repo_url "$1" "$2" "${3:-}")" HEAD:refs/heads/main
}
refuse_push() {
	before=$(git -C "$HTTP_ROOT/$2.git" rev-parse -q --verify refs/heads/main || echo none)
	echo "$1 -> $2" >>"$TRASH/pushes"
	if git -C work push -q ${PUSH_FLAGS:-} "$(repo_url "$1" "$2" "${3:-}")" HEAD:refs/heads/main 2>err; then
		echo "$1 could push to $2" >&2
		return 1
	fi
	after=$(git -C "$HTTP_ROOT/$2.git" rev-parse -q --verify refs/heads/main || echo none)
	test "$before" = "$after" && echo "$1 -> $2" >>"$TRASH/refused"
}

git init -q work && git -C work commit -q --allow-empty -m "seq 1"

test_expect_success 'each village pushes its own repository over HTTP' '
	for v in $V1 $V2 $V3; do
		try_push $v $v || exit 1
		test "$(git -C "$HTTP_ROOT/$v.git" rev-parse refs/heads/main)" = \
			"$(git -C work rev-parse HEAD)" || exit 1
	done
'

git -C work commit -q --allow-empty -m "seq 2"
test_expect_success 'every cross-village push (all 6 ordered pairs) is refused' '
	n=0
	for a in $V1 $V2 $V3; do
		for b in $V1 $V2 $V3; do
			[ $a = $b ] && continue
			refuse_push $a $b && test_grep "$a may not push to $b.git" err || exit 1
			n=$((n + 1))
		done
	done
	test $n = 6
'

test_expect_success 'the county reads every village but may not push to one' '
	for v in $V1 $V2 $V3; do
		git ls-remote "$(repo_url county $v)" >refs &&
		test_grep "refs/heads/main" refs || exit 1
	done &&
	refuse_push county $V1
'

test_expect_success 'a village reads county.git, cannot push it, cannot read a neighbour' '
	try_push county county &&
	git ls-remote "$(repo_url $V1 county)" >refs && test_grep refs/heads/main refs &&
	refuse_push $V1 county &&
	! git ls-remote "$(repo_url $V2 $V1)" 2>err
'

test_expect_success 'a wrong password and no password are refused' '
	PASS_intruder=wrong &&
	refuse_push intruder $V1 2>err &&
	before=$(git -C "$HTTP_ROOT/$V1.git" rev-parse refs/heads/main) &&
	echo "anonymous -> $V1" >>"$TRASH/pushes" &&
	! GIT_TERMINAL_PROMPT=0 git -C work push -q "$HTTP_URL/$V1.git" HEAD:refs/heads/main \
		2>err </dev/null &&
	test "$(git -C "$HTTP_ROOT/$V1.git" rev-parse refs/heads/main)" = "$before" &&
	echo "anonymous -> $V1" >>"$TRASH/refused"
'

test_expect_success 'the repositories refuse a rewrite and a deletion' '
	try_push $V1 $V1 &&
	git -C work commit -q --amend --allow-empty -m "seq 2, rewritten" &&
	PUSH_FLAGS=--force && refuse_push $V1 $V1 && PUSH_FLAGS= &&
	test_grep "non-fast-forward\|denied\|rejected" err &&
	echo "$V1 -> $V1 (delete)" >>"$TRASH/pushes" &&
	! git -C work push -q "$(repo_url $V1 $V1)" :refs/heads/main 2>err &&
	git -C "$HTTP_ROOT/$V1.git" rev-parse -q --verify refs/heads/main &&
	echo "$V1 -> $V1 (delete)" >>"$TRASH/refused"
'

test_expect_success 'HTTPS: the test CA is trusted when given, refused otherwise' '
	GIT_SSL_CAINFO="$CA_FILE" git ls-remote "$(repo_url $V2 $V2 "$HTTPS_URL")" >refs &&
	test_grep refs/heads/main refs &&
	git -C work commit -q --allow-empty -m "seq 3" &&
	GIT_SSL_CAINFO="$CA_FILE" try_push $V2 $V2 "$HTTPS_URL" &&
	! git ls-remote "$(repo_url $V2 $V2 "$HTTPS_URL")" 2>err &&
	grep -qi "certificate" err
'

test_expect_success 'HTTPS applies the same per-village rules' '
	export GIT_SSL_CAINFO="$CA_FILE" &&
	refuse_push $V3 $V2 "$HTTPS_URL"
'

echo "# pushes: $(cat pushes 2>/dev/null | wc -l) attempted," \
	"$(cat refused 2>/dev/null | wc -l) refused as expected"
test_done
