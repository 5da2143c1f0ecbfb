#!/bin/sh
test_description='stele-agent restore rebuilds a village from its remote; verify compares database and repository'
. "$(dirname "$0")/test-lib.sh"

V=990101001201

test_expect_success 'a village with history, synced' '
	stele-agent -C v init --village $V --name 正营村 --remote "$TRASH/remote.git" 2>/dev/null &&
	stele-agent -C v member add 张三 --gender M --born 1960 --joined 1985-07-01 >/dev/null &&
	stele-agent -C v member add 李四 --gender F --grid 二组 >/dev/null &&
	stele-agent -C v member add 王五 >/dev/null &&
	stele-agent -C v member set M0002 --status flowing &&
	stele-agent -C v member set M0003 --grid "" --name 王老五 &&
	stele-agent -C v sync 2>/dev/null
'

test_expect_success 'verify is clean on a synced village' '
	stele-agent -C v verify >out 2>err &&
	test_line_count 0 out &&
	test_grep "5 change sets committed, 0 pending" err
'

test_expect_success 'verify is clean with change sets still pending' '
	stele-agent -C v member add 赵六 >/dev/null &&
	stele-agent -C v verify >out 2>err &&
	test_line_count 0 out &&
	test_grep "5 change sets committed, 1 pending" err &&
	stele-agent -C v sync 2>/dev/null
'

test_expect_success 'restore into an empty directory gives the same rows and stream' '
	mkdir r &&
	stele-agent -C r restore --remote "$TRASH/remote.git" --village $V --key v/signing.key 2>err &&
	test_grep "restored village $V" err &&
	db_dump v >expect &&
	db_dump r >actual &&
	test_cmp expect actual &&
	test "$(sqlite3 r/stele.db "SELECT hex(data) FROM stele_outbox ORDER BY seq" | md5sum)" = \
	     "$(sqlite3 v/stele.db "SELECT hex(data) FROM stele_outbox ORDER BY seq" | md5sum)" &&
	test "$(sqlite3 r/stele.db "SELECT value FROM stele_meta WHERE key = '\''synced_seq'\''")" = 6 &&
	stele-agent -C r key >rkey && stele-agent -C v key >vkey && test_cmp vkey rkey &&
	stele-agent -C r verify >out 2>/dev/null && test_line_count 0 out
'

test_expect_success 'the restored village carries its stream on at the next seq' '
	stele-agent -C r member add 孙七 >/dev/null &&
	test "$(sqlite3 r/stele.db "SELECT max(seq) FROM stele_outbox")" = 7 &&
	stele-agent -C r sync 2>/dev/null &&
	git -C remote.git log -1 --format=%s main >last &&
	test_grep "^seq 7: member M0005 added" last
'

test_expect_success 'the old directory is now behind the remote and is told so' '
	stele-agent -C v member add 周八 >/dev/null &&
	test_expect_code 1 stele-agent -C v sync 2>err &&
	test_grep "has diverged" err
'

test_expect_success 'restore refuses a directory that is not empty, touching nothing' '
	mkdir busy && echo keep >busy/file &&
	test_expect_code 2 stele-agent -C busy restore --remote "$TRASH/remote.git" --village $V 2>err &&
	test_grep "is not empty" err &&
	test "$(ls busy)" = file
'

test_expect_success 'a killed restore says so, and restore into it again starts over' '
	# what a restore killed after the database was created leaves behind
	mkdir half && cp -r r/repo.git r/signing.key half/ && : >half/restore.incomplete &&
	sqlite3 half/stele.db "CREATE TABLE t (x)" &&
	test_expect_code 1 stele-agent -C half status 2>err &&
	test_grep "half holds a restore that did not finish; run .stele-agent restore. into it again" err &&
	! grep -q "init" err &&
	stele-agent -C half restore --remote "$TRASH/remote.git" --village $V --key v/signing.key 2>err &&
	test_grep "restored village $V" err &&
	! test -e half/restore.incomplete &&
	stele-agent -C half verify >out 2>/dev/null && test_line_count 0 out
'

test_expect_success 'restore without the key makes a new one and says the county must register it' '
	stele-agent -C n restore --remote "$TRASH/remote.git" --village $V 2>err &&
	test_grep "NEW key" err &&
	stele-agent -C n key >nkey && ! test_cmp vkey nkey >/dev/null &&
	stele-agent -C n verify >out 2>/dev/null && test_line_count 0 out &&
	stele-agent -C n member add 吴九 >/dev/null &&
	stele-agent -C n verify >out 2>/dev/null && test_line_count 0 out
'

test_expect_success 'restore with another key refuses, leaving the directory as it was' '
	stele-agent -C other init --village 990101001299 --name 别村 2>/dev/null &&
	test_expect_code 3 stele-agent -C x restore --remote "$TRASH/remote.git" --village $V \
		--key other/signing.key 2>err &&
	test_grep "is not the key this village signed with" err &&
	! test -e x
'

test_expect_success 'restore refuses a stream that names another village' '
	test_expect_code 5 stele-agent -C y restore --remote "$TRASH/remote.git" \
		--village 990101001202 2>err &&
	test_grep "not 990101001202" err &&
	! test -e y
'

test_expect_success 'restore refuses a tampered change set' '
	git clone -q --bare remote.git bad.git &&
	rev=$(git -C bad.git rev-parse main) &&
	git -C bad.git cat-file blob "$rev:changeset" >cs &&
	printf "\001" | dd of=cs bs=1 seek=120 conv=notrunc 2>/dev/null &&
	blob=$(git -C bad.git hash-object -w "$TRASH/cs") &&
	pub=$(git -C bad.git rev-parse "$rev:writer.pub") &&
	tree=$(printf "100644 blob %s\tchangeset\n100644 blob %s\twriter.pub\n" "$blob" "$pub" |
		git -C bad.git mktree) &&
	commit=$(git -C bad.git -c user.name=x -c user.email=x commit-tree "$tree" -p "$rev^" -m tampered) &&
	git -C bad.git update-ref refs/heads/main "$commit" &&
	test_expect_code 5 stele-agent -C z restore --remote "$TRASH/bad.git" --village $V 2>err &&
	test_grep "commit" err &&
	! test -e z
'

test_expect_success 'restore from a remote with nothing: exit 1, nothing left behind' '
	git init -q --bare empty.git &&
	test_expect_code 1 stele-agent -C e restore --remote "$TRASH/empty.git" --village $V 2>err &&
	test_grep "holds no change sets" err &&
	! test -e e
'

test_expect_success 'verify reports a row changed behind its back, exit 5' '
	sqlite3 r/stele.db "UPDATE member SET name = '\''改名'\'' WHERE id = '\''M0001'\''" &&
	test_expect_code 5 stele-agent -C r verify >out 2>err &&
	test_grep "row only in the database: member|$V|M0001|改名" out &&
	test_grep "row only in the change sets: member|$V|M0001|张三" out &&
	test_grep "2 differences" err
'

test_expect_success 'verify reports a committed change set that differs from the outbox' '
	sqlite3 r/stele.db "UPDATE member SET name = '\''张三'\'' WHERE id = '\''M0001'\''" &&
	sqlite3 r/stele.db "UPDATE stele_outbox SET data = (SELECT data FROM stele_outbox WHERE seq = 1) WHERE seq = 2" &&
	test_expect_code 5 stele-agent -C r verify >out 2>/dev/null &&
	test_grep "^seq 2: the repository.s change set .* differs" out &&
	test_grep "^seq 2: the outbox.s hash" out
'

test_done
