#!/bin/sh
test_description='anomalies on the clerk'\''s laptop: a damaged object in the village repository
is reported by verify (exit 5) and stops sync without losing a change set; a deleted
branch is reported by verify; both are repaired by committing again from the outbox,
which gives the very same commits, so the remote and the county see no difference'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/anomaly-lib.sh"

V=990101001201

# loose_object REPO ID: the file of a loose object.
loose_object() {
	echo "$1/objects/$(echo "$2" | cut -c1-2)/$(echo "$2" | cut -c3-)"
}

test_expect_success 'a village with four change sets synced, merged by the county' '
	stele-agent -C v init --village $V --name 正营村 --remote "$TRASH/remote.git" 2>/dev/null &&
	# A sync after each write: one commit each.
	for name in 甲 乙 丙 丁; do
		stele-agent -C v member add $name >/dev/null && stele-agent -C v sync 2>/dev/null ||
			exit 1
	done &&
	# Each sync wrote one pack; their objects are unpacked into loose files (as an
	# earlier version wrote them), so that one object can be damaged alone.
	for pack in v/repo.git/objects/pack/pack-*.pack; do
		mv "$pack" "saved.${pack##*/}" && rm -f "${pack%.pack}.idx" || exit 1
	done &&
	for pack in saved.pack-*.pack; do
		git --git-dir=v/repo.git unpack-objects -q <"$pack" || exit 1
	done &&
	git --git-dir=v/repo.git rev-list main >history.before &&
	test_line_count 4 history.before &&
	stele-aggregator -C county init --county 990101 --name 参考县 2>/dev/null &&
	stele-aggregator -C county village add $V --name 正营村 --township-name 镇 \
		--remote "$TRASH/remote.git" --key "$(stele-agent -C v key)" >/dev/null &&
	stele-aggregator -C county sync 2>/dev/null
'

test_expect_success 'a damaged object: verify names the repository and the commit, exit 5' '
	anomaly_case damaged-object &&
	tip=$(git --git-dir=v/repo.git rev-parse main) &&
	blob=$(git --git-dir=v/repo.git rev-parse main:changeset) &&
	file=$(loose_object v/repo.git $blob) && test -f "$file" &&
	cp "$file" blob.good &&
	smash "$file" 20 &&
	test_expect_code 5 stele-agent -C v verify >out 2>err &&
	test_grep "^the repository repo.git cannot be read after seq 3: commit $tip: reading its change set: " out &&
	test_line_count 1 out &&
	test_grep "1 difference between the database and the repository" err &&
	anomaly_detected damaged-object
'

test_expect_success 'a damaged object: sync stops, says why, and keeps every change set' '
	tip=$(head -n 1 history.before) &&
	stele-agent -C v member add 戊 >/dev/null &&
	db_dump v >before.dump &&
	remote_before=$(git --git-dir=remote.git rev-parse main) &&
	test_expect_code 1 stele-agent -C v sync 2>err &&
	test_grep "^stele-agent: the repository repo.git cannot be read (commit $tip: reading its change set: .*); nothing was committed or pushed and every change set is kept in the database" err &&
	test_line_count 1 err &&
	db_dump v >after.dump && test_cmp before.dump after.dump &&
	test "$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox")" = 5 &&
	test "$(git --git-dir=remote.git rev-parse main)" = "$remote_before"
'

test_expect_success 'a damaged repository set aside is rebuilt from the outbox, commit for commit' '
	mv v/repo.git v/repo.git.damaged &&
	stele-agent -C v sync 2>err &&
	test_grep "committed 5 change sets (up to seq 5)" err &&
	test_grep "pushed to $TRASH/remote.git (seq 5)" err &&
	git --git-dir=v/repo.git rev-list main >history.after &&
	test_line_count 5 history.after &&
	sed 1d history.after >rebuilt && test_cmp history.before rebuilt &&
	test "$(git --git-dir=remote.git rev-parse main)" = "$(head -n 1 history.after)" &&
	stele-agent -C v verify >out 2>/dev/null && test_line_count 0 out &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 1 change set" err
'

test_expect_success 'a deleted branch: verify reports what was pushed but is missing, exit 5' '
	anomaly_case deleted-ref &&
	git --git-dir=v/repo.git update-ref -d refs/heads/main &&
	test_expect_code 5 stele-agent -C v verify >out 2>/dev/null &&
	test_grep "^the repository holds 0 change sets but 5 were pushed: its main was deleted or moved back" out &&
	test_line_count 1 out &&
	anomaly_detected deleted-ref
'

test_expect_success 'a branch moved back: verify reports it too' '
	anomaly_case moved-back &&
	git --git-dir=v/repo.git update-ref refs/heads/main "$(sed -n 3p history.after)" &&
	test_expect_code 5 stele-agent -C v verify >out 2>/dev/null &&
	test_grep "^the repository holds 3 change sets but 5 were pushed" out &&
	anomaly_detected moved-back
'

test_expect_success 'sync commits again from the outbox: the same ids, the remote is up to date' '
	stele-agent -C v sync 2>err &&
	test_grep "committed 2 change sets (up to seq 5)" err &&
	test_grep "is up to date (seq 5)" err &&
	git --git-dir=v/repo.git rev-list main >history.again &&
	test_cmp history.after history.again &&
	git --git-dir=v/repo.git update-ref -d refs/heads/main &&
	stele-agent -C v sync 2>err &&
	test_grep "committed 5 change sets (up to seq 5)" err &&
	git --git-dir=v/repo.git rev-list main >history.again &&
	test_cmp history.after history.again &&
	stele-agent -C v verify >out 2>/dev/null && test_line_count 0 out &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 0 change sets" err && test_line_count 1 err
'

test_expect_success 'a batch is rebuilt from the outbox as the very commit it was' '
	for name in 己 庚 辛; do stele-agent -C v member add $name >/dev/null || exit 1; done &&
	stele-agent -C v sync 2>err &&
	test_grep "committed 3 change sets (up to seq 8)" err &&
	test "$(git --git-dir=v/repo.git log -1 --format=%s main)" = "seq 6-8: 3 change sets" &&
	git --git-dir=v/repo.git rev-list main >history.batch &&
	test_line_count 6 history.batch &&
	git --git-dir=v/repo.git update-ref -d refs/heads/main &&
	stele-agent -C v sync 2>err &&
	test_grep "committed 8 change sets (up to seq 8)" err &&
	test_grep "is up to date (seq 8)" err &&
	git --git-dir=v/repo.git rev-list main >history.again &&
	test_cmp history.batch history.again &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 3 change sets" err
'

anomaly_summary 3

test_done
