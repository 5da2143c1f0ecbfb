#!/bin/sh
test_description='transport over ssh:// to gitolite: its multi-line refusals become one line
saying "refused access", a key it does not know "refused the credentials", and the
aggregator fetches with STELE_SSH_KEY like the agent'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

server_need openssh-server openssh-client gitolite3 git ||
	server_skip_all "openssh-server or gitolite3 not available"
V1=990101001201 V2=990101001202
ssh_server_start $V1 $V2 || server_skip_all "sshd or gitolite did not start"
HOME=$TRASH/home
export HOME
mkdir -p "$HOME/.ssh"
cp "$SSH_KNOWN_HOSTS" "$HOME/.ssh/known_hosts"
unset STELE_GIT_CREDENTIALS STELE_GIT_USERNAME STELE_GIT_PASSWORD STELE_CA_FILE STELE_SSH_KEY

# libgit2 1.5's ssh transport leaks its known_hosts state on every connection
# (libgit2 issue #6598, fixed in 1.7): as in t0604, LeakSanitizer ignores leaks
# allocated inside libgit2 or libssh2 in this script only, and keeps quiet about
# it (the tests read stderr line by line).
printf '%s\n' 'leak:libgit2.so' 'leak:libssh2.so' >"$TRASH/lsan.supp"
LSAN_OPTIONS="suppressions=$TRASH/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

SSH_SHOWN=$(echo "$SSH_URL" | sed 's|://[^@]*@|://|')
# one_line_each PROG FILE: every line of FILE is a message of PROG.
one_line_each() {
	if grep -v "^$1: " "$2" | grep -q .; then
		echo "a message spans lines in $2:" >&2
		cat "$2" >&2
		return 1
	fi
}
server_seq() {
	stream_seq "$GL_ROOT/$1.git" refs/heads/main 2>/dev/null | grep . || echo none
}

for v in $V1 $V2; do
	new_village $v $v
	stele-agent -C $v member add "村民$v" >/dev/null 2>&1
	stele-agent -C $v remote set "$SSH_URL/$v" >/dev/null 2>&1
	STELE_SSH_KEY=$SSH_KEYS/$v stele-agent -C $v sync >/dev/null 2>&1
done

test_expect_success 'gitolite'"'"'s DENIED (two lines from the server) is one line: refused access' '
	test "$(server_seq $V1)" = 1 && test "$(server_seq $V2)" = 1 &&
	test_expect_code 1 env STELE_SSH_KEY=$SSH_KEYS/$V1 \
		stele-agent -C $V1 sync --remote "$SSH_URL/$V2" 2>err &&
	test_grep "^stele-agent: remote $SSH_SHOWN/$V2 refused access: FATAL: .* DENIED by fallthru (or you mis-spelled the reponame); everything is kept" err &&
	one_line_each stele-agent err &&
	test "$(server_seq $V2)" = 1
'

test_expect_success 'a push that only the write rule refuses is one line too' '
	test_expect_code 1 env STELE_SSH_KEY=$SSH_KEYS/$V1 \
		stele-agent -C $V1 sync --remote "$SSH_URL/county" 2>err &&
	test_grep "^stele-agent: remote $SSH_SHOWN/county refused access: FATAL: W .*DENIED" err &&
	one_line_each stele-agent err &&
	test "$(server_seq county)" = none
'

test_expect_success 'a key the server does not know: refused the credentials for USER' '
	ssh-keygen -q -t ed25519 -N "" -C stranger -f stranger &&
	test_expect_code 1 env STELE_SSH_KEY=$TRASH/stranger \
		stele-agent -C $V1 sync --remote "$SSH_URL/$V1" 2>err &&
	test_grep "^stele-agent: remote $SSH_SHOWN/$V1 refused the credentials for $(id -un);" err &&
	one_line_each stele-agent err
'

test_expect_success 'the aggregator fetches every village with the county key in STELE_SSH_KEY' '
	stele-aggregator -C county init --county 990101 --name 测试县 >/dev/null 2>&1 &&
	for v in $V1 $V2; do
		stele-aggregator -C county village add $v --name "村$v" --township-name 镇 \
			--remote "$SSH_URL/$v" --key "$(stele-agent -C $v key)" >/dev/null || exit 1
	done &&
	STELE_SSH_KEY=$SSH_KEYS/county stele-aggregator -C county fetch 2>err &&
	stele-aggregator -C county merge 2>>err &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member")" = 2
'

test_expect_success 'with a village key the aggregator is refused the other village, one line' '
	stele-agent -C $V2 member add 第二位 >/dev/null 2>&1 &&
	STELE_SSH_KEY=$SSH_KEYS/$V2 stele-agent -C $V2 sync >/dev/null 2>&1 &&
	test_expect_code 1 env STELE_SSH_KEY=$SSH_KEYS/$V1 stele-aggregator -C county fetch 2>err &&
	test_grep "^stele-aggregator: village $V2: remote $SSH_SHOWN/$V2 refused access: FATAL: R .*DENIED" err &&
	one_line_each stele-aggregator err &&
	sqlite3 county/stele.db "SELECT fetch_error FROM stele_village_source WHERE village_code = '"'$V2'"'" >note &&
	test_line_count 1 note &&
	test_grep "refused access" note
'

test_done
