#!/bin/sh
test_description='git-level limits over smart HTTP: a 192 MiB blob of zeros beside the
change set comes as a 200 KB pack; fetch checks it before moving any ref, quarantines the
village (too-large), removes the pack, and the other village merges'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

server_need lighttpd lighttpd-mod-openssl apache2-utils openssl git ||
	server_skip_all "lighttpd, lighttpd-mod-openssl or apache2-utils not available"
BAD=990101001201 GOOD=990101001202
http_server_start $BAD $GOOD || server_skip_all "lighttpd did not start"
HOME=$TRASH/home
export HOME
mkdir -p "$HOME"
unset STELE_GIT_CREDENTIALS STELE_GIT_USERNAME STELE_GIT_PASSWORD STELE_CA_FILE STELE_SSH_KEY
STELE_GIT_USERNAME=county
eval "STELE_GIT_PASSWORD=\$PASS_county"
export STELE_GIT_USERNAME STELE_GIT_PASSWORD
GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid
GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

test_expect_success 'two villages on the server, merged once; then a bomb in one' '
	stele-aggregator -C county init --county 990101 --name 县 2>/dev/null &&
	for code in $BAD $GOOD; do
		new_village v/$code $code &&
		stele-agent -C v/$code member add 甲 >/dev/null &&
		stele-agent -C v/$code sync --remote "$HTTP_ROOT/$code.git" 2>/dev/null &&
		stele-aggregator -C county village add $code --name "村$code" --township-name 镇 \
			--remote "$HTTP_URL/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	stele-aggregator -C county sync 2>err &&
	for code in $BAD $GOOD; do
		stele-agent -C v/$code member add 乙 >/dev/null &&
		stele-agent -C v/$code sync 2>/dev/null || exit 1
	done &&
	R=$HTTP_ROOT/$BAD.git &&
	blob=$(head -c $((192 * 1048576)) /dev/zero | git --git-dir="$R" hash-object -w --stdin) &&
	tree=$( { git --git-dir="$R" ls-tree main; printf "100644 blob %s\tjunk\n" "$blob"; } |
		git --git-dir="$R" mktree) &&
	commit=$(git --git-dir="$R" log -1 --format=%B main | git --git-dir="$R" commit-tree "$tree" -p main~1) &&
	git --git-dir="$R" update-ref refs/heads/main "$commit" &&
	echo "$blob" >bomb.blob
'

test_expect_success 'fetch over HTTP quarantines it and keeps no pack of it' '
	{ ls county/villages/$BAD.git/objects/pack 2>/dev/null || :; } >packs.before &&
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v -o time.out stele-aggregator -C county sync 2>err; echo $? >rc &&
		echo "# peak RSS of an HTTP fetch with the bomb: $(sed -n "s/^[[:space:]]*Maximum resident set size (kbytes): //p" time.out) KiB" >&3 &&
		test "$(sed -n "s/^[[:space:]]*Maximum resident set size (kbytes): //p" time.out)" -lt $((64 * 1024))
	else
		stele-aggregator -C county sync 2>err; echo $? >rc
	fi &&
	test "$(cat rc)" = 5 &&
	test_grep "village $BAD: quarantined (too-large): remote http://.*: commit [0-9a-f]*: its tree has 3 entries" err &&
	! git --git-dir=county/villages/$BAD.git cat-file -e "$(cat bomb.blob)" 2>/dev/null &&
	{ ls county/villages/$BAD.git/objects/pack 2>/dev/null || :; } >packs.after &&
	test_cmp packs.before packs.after &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE village_code = '\''$GOOD'\''")" = 2
' 3>&1

test_done
