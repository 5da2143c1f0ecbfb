#!/bin/sh
test_description='the county SSH git server (sshd + gitolite3) with the git CLI'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

# The server is proven with plain git and OpenSSH first, independently of Stele.
server_need openssh-server openssh-client gitolite3 git ||
	server_skip_all "openssh-server or gitolite3 not available"
V1=990101001201 V2=990101001202 V3=990101001203
ssh_server_start $V1 $V2 $V3 || server_skip_all "sshd or gitolite did not start"

HOME=$TRASH/home GIT_CONFIG_NOSYSTEM=1
export HOME GIT_CONFIG_NOSYSTEM
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global user.name test && git config --global user.email test@example.invalid

# try_push KEY REPO: a push that must succeed. refuse_push KEY REPO: one the
# server must refuse (git push $PUSH_FLAGS), leaving the repository as it was.
try_push() {
	echo "$1 -> $2" >>"$TRASH/pushes"
	git_ssh "$1" -C work push -q "$SSH_URL/$2" HEAD:refs/heads/main
}
refuse_push() {
	before=$(git -C "$GL_ROOT/$2.git" rev-parse -q --verify refs/heads/main || echo none)
	echo "$1 -> $2" >>"$TRASH/pushes"
	if git_ssh "$1" -C work push -q ${PUSH_FLAGS:-} "$SSH_URL/$2" HEAD:refs/heads/main 2>err
	then
		echo "$1 could push to $2" >&2
		return 1
	fi
	after=$(git -C "$GL_ROOT/$2.git" rev-parse -q --verify refs/heads/main || echo none)
	test "$before" = "$after" && echo "$1 -> $2" >>"$TRASH/refused"
}

git init -q work && git -C work commit -q --allow-empty -m "seq 1"

test_expect_success 'each village pushes its own repository with its key' '
	for v in $V1 $V2 $V3; do
		try_push $v $v || exit 1
		test "$(git -C "$GL_ROOT/$v.git" rev-parse refs/heads/main)" = \
			"$(git -C work rev-parse HEAD)" || exit 1
	done
'

git -C work commit -q --allow-empty -m "seq 2"
test_expect_success 'every cross-village push (all 6 ordered pairs) is refused' '
	for a in $V1 $V2 $V3; do
		for b in $V1 $V2 $V3; do
			[ $a = $b ] && continue
			refuse_push $a $b && test_grep "DENIED" err || exit 1
		done
	done
'

test_expect_success 'the county reads every village, pushes only county' '
	for v in $V1 $V2 $V3; do
		git_ssh county ls-remote "$SSH_URL/$v" >refs &&
		test_grep refs/heads/main refs || exit 1
	done &&
	refuse_push county $V1 &&
	try_push county county &&
	git_ssh $V2 ls-remote "$SSH_URL/county" >refs && test_grep refs/heads/main refs &&
	refuse_push $V2 county &&
	! git_ssh $V2 ls-remote "$SSH_URL/$V1" 2>err && test_grep "DENIED" err
'

test_expect_success 'RW, not RW+: a rewrite and a deletion are refused' '
	try_push $V1 $V1 &&
	git -C work commit -q --amend --allow-empty -m "seq 2, rewritten" &&
	PUSH_FLAGS=--force && refuse_push $V1 $V1 && PUSH_FLAGS= &&
	echo "$V1 -> $V1 (delete)" >>"$TRASH/pushes" &&
	! git_ssh $V1 -C work push -q "$SSH_URL/$V1" :refs/heads/main 2>err &&
	git -C "$GL_ROOT/$V1.git" rev-parse -q --verify refs/heads/main &&
	echo "$V1 -> $V1 (delete)" >>"$TRASH/refused"
'

test_expect_success 'an unknown key gets no access, a wrong host key is refused' '
	ssh-keygen -q -t ed25519 -N "" -C stranger -f "$SSH_KEYS/stranger" &&
	refuse_push stranger $V3 &&
	sed "s/ssh-ed25519 .*/$(cut -d" " -f1,2 "$SSH_KEYS/admin.pub" | sed "s|/|\\\\/|g")/" \
		"$SSH_KNOWN_HOSTS" >wrong_hosts &&
	! GIT_SSH_COMMAND="ssh -i $SSH_KEYS/$V3 -o IdentitiesOnly=yes -o BatchMode=yes \
-o UserKnownHostsFile=$TRASH/wrong_hosts -o StrictHostKeyChecking=yes" \
		git ls-remote "$SSH_URL/$V3" 2>err &&
	grep -qi "host key" err
'

echo "# pushes: $(cat pushes 2>/dev/null | wc -l) attempted," \
	"$(cat refused 2>/dev/null | wc -l) refused as expected"
test_done
