#!/bin/sh
test_description='git-level limits: a commit carrying a 192 MiB blob of zeros beside its
genuine change set (200 KB on the wire), a huge change-set blob, a tree of many entries:
fetch checks object headers before reading anything, stays under 64 MB of extra memory,
quarantines that village (too-large), keeps none of it, and the others merge'
. "$(dirname "$0")/test-lib.sh"

BAD=990101001201 GOOD=990101001202
MIB=1048576

# peak_kb COMMAND...: runs it, leaving its exit code in ./rc and its peak resident
# memory in KiB on stdout (/usr/bin/time -v).
peak_kb() {
	/usr/bin/time -v -o time.out "$@" >/dev/null 2>cmd.err
	echo $? >rc
	sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' time.out
}

# bomb_commit REPO NAME SIZE: replaces REPO's tip with a commit of the same tree
# plus blob NAME of SIZE zero bytes (NAME changeset: instead of the change set).
bomb_commit() {
	blob=$(head -c "$3" /dev/zero | git --git-dir="$1" hash-object -w --stdin) &&
	tree=$( { git --git-dir="$1" ls-tree main | grep -v "	$2\$";
		  printf "100644 blob %s\t%s\n" "$blob" "$2"; } | git --git-dir="$1" mktree) &&
	commit=$(git --git-dir="$1" log -1 --format=%B main |
		 git --git-dir="$1" commit-tree "$tree" -p main~1) &&
	git --git-dir="$1" update-ref refs/heads/main "$commit" &&
	echo "$blob" >bomb.blob
}

test_expect_success 'two villages merged once' '
	stele-aggregator -C county init --county 990101 --name 县 2>/dev/null &&
	mkdir server &&
	for code in $BAD $GOOD; do
		new_village v/$code $code &&
		stele-agent -C v/$code member add 甲 >/dev/null &&
		stele-agent -C v/$code sync --remote "$TRASH/server/$code.git" 2>/dev/null &&
		stele-aggregator -C county village add $code --name "村$code" --township-name 镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	stele-aggregator -C county sync 2>/dev/null
'

test_expect_success 'a fetch of small honest change sets: the baseline' '
	for code in $BAD $GOOD; do
		stele-agent -C v/$code member add 乙 >/dev/null &&
		stele-agent -C v/$code sync 2>/dev/null || exit 1
	done &&
	cp -R county county.base &&
	if [ -x /usr/bin/time ]; then
		peak_kb stele-aggregator -C county.base fetch >base.kb && test "$(cat rc)" = 0
	fi
'

test_expect_success 'a 192 MiB blob beside the change set: quarantined at fetch, under 64 MB extra' '
	bomb_commit server/$BAD.git junk $((192 * MIB)) &&
	test "$(du -sk server/$BAD.git | cut -f1)" -lt 2048 &&
	if [ -x /usr/bin/time ]; then
		peak_kb stele-aggregator -C county fetch >bomb.kb &&
		test "$(cat rc)" = 5 &&
		echo "# peak RSS of fetch: baseline $(cat base.kb) KiB, with the bomb $(cat bomb.kb) KiB" >&3 &&
		test $(( $(cat bomb.kb) - $(cat base.kb) )) -lt $((64 * 1024))
	else
		test_expect_code 5 stele-aggregator -C county fetch 2>cmd.err
	fi &&
	test_grep "village $BAD: quarantined (too-large): remote .*: commit [0-9a-f]*: its tree has 3 entries, past the limit of 2" cmd.err
' 3>&1

test_expect_success 'the mirror keeps none of it; the other village merges' '
	! git --git-dir=county/villages/$BAD.git cat-file -e "$(cat bomb.blob)" 2>/dev/null &&
	test "$(du -sk county/villages/$BAD.git | cut -f1)" -lt 1024 &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "village $BAD: quarantined" err &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE village_code = '\''$GOOD'\''")" = 2 &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE village_code = '\''$BAD'\''")" = 1 &&
	stele-aggregator -C county quarantine list --format csv >q.csv &&
	test_grep "^1,$BAD,,,too-large,.*its tree has 3 entries" q.csv &&
	stele-aggregator -C county status --format csv >status.csv &&
	test_grep "^$BAD,.*,quarantined,.*too-large" status.csv
'

test_expect_success 'a change-set blob past 16 MiB is too-large, never read' '
	git --git-dir=server/$BAD.git update-ref refs/heads/main \
		"$(git --git-dir=v/$BAD/repo.git rev-parse main)" &&
	bomb_commit server/$BAD.git changeset $((16 * MIB + 1)) &&
	stele-aggregator -C county quarantine retry $BAD 2>/dev/null &&
	test_expect_code 5 stele-aggregator -C county fetch 2>err &&
	test_grep "changeset is 16777217 bytes, past the limit of 16777216" err
'

test_expect_success 'a FIFO where the stick should be is named as one' '
	mkfifo fifo.git &&
	stele-aggregator -C county village set $GOOD --remote "$TRASH/fifo.git" 2>/dev/null &&
	test_expect_code 1 stele-aggregator -C county fetch 2>err &&
	test_grep "remote .*fifo.git is not a repository (it is a FIFO, not a directory)" err &&
	! grep -q "unsupported URL" err
'

test_done
