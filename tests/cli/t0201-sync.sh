#!/bin/sh
test_description='stele-agent sync: commit, fast-forward push, diverged remotes, USB paths, offline'
. "$(dirname "$0")/test-lib.sh"

V=990101001201

# hex_of_blob REPO REV:PATH: the blob's bytes as uppercase hex, one line.
hex_of_blob() {
	git -C "$1" cat-file blob "$2" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F
}

test_expect_success 'init creates a bare repository on main' '
	stele-agent -C v init --village $V --name 正营村 --remote "$TRASH/remote.git" 2>/dev/null &&
	test "$(git -C v/repo.git rev-parse --is-bare-repository)" = true &&
	test "$(git -C v/repo.git symbolic-ref HEAD)" = refs/heads/main
'

test_expect_success 'sync commits and pushes the change sets of one key as one commit' '
	stele-agent -C v member add 张三 >/dev/null &&
	stele-agent -C v member add 李四 --gender F >/dev/null &&
	stele-agent -C v member set M0001 --grid 一组 &&
	stele-agent -C v sync 2>err &&
	test_grep "committed 3 change sets" err &&
	test "$(stream_seq remote.git)" = 3 &&
	test "$(git -C remote.git rev-list --count main)" = 1 &&
	test "$(git -C remote.git rev-parse main)" = "$(git -C v/repo.git rev-parse main)"
'

test_expect_success 'the commit holds the outbox bytes as a batch, and the village key' '
	stele-agent -C v key >key &&
	git -C remote.git show main:writer.pub >pub &&
	test_cmp key pub &&
	# STELECB1, then each change set after its length (docs/format.md "Batches").
	sqlite3 v/stele.db "SELECT printf('\''%08X'\'', length(data)) || hex(data) FROM stele_outbox
		ORDER BY seq" | tr -d "\n" >sets &&
	test "$(hex_of_blob remote.git main:changeset)" = "5354454C45434231$(cat sets)"
'

test_expect_success 'git log on the remote reads as the ledger' '
	git -C remote.git log --reverse --format=%B main >log &&
	cat >expect <<-\EOF &&
	seq 1-3: 3 change sets

	seq 1: member M0001 added
	seq 2: member M0002 added
	seq 3: member M0001 changed

	EOF
	test_cmp expect log &&
	test "$(git -C remote.git log -1 --format=%ae main)" = $V
'

test_expect_success 'a sync of one change set commits it alone, as it always was' '
	stele-agent -C solo init --village 990101001209 --name 单村 2>/dev/null &&
	stele-agent -C solo member add 甲 >/dev/null &&
	stele-agent -C solo sync --remote "$TRASH/solo.git" 2>/dev/null &&
	test "$(git -C solo.git log --format=%B main)" = "seq 1: member M0001 added" &&
	test "$(hex_of_blob solo.git main:changeset)" = \
	     "$(sqlite3 solo/stele.db "SELECT hex(data) FROM stele_outbox WHERE seq = 1")"
'

test_expect_success 'sync records what was pushed and when' '
	test "$(sqlite3 v/stele.db "SELECT value FROM stele_meta WHERE key = '\''synced_seq'\''")" = 3 &&
	sqlite3 v/stele.db "SELECT value FROM stele_meta WHERE key = '\''last_sync_at'\''" >at &&
	grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$" at
'

test_expect_success 'a repeated sync is a no-op' '
	before=$(git -C remote.git rev-parse main) &&
	stele-agent -C v sync 2>err &&
	test_grep "up to date" err &&
	test "$(git -C remote.git rev-parse main)" = "$before" &&
	test "$(stream_seq v/repo.git)" = 3
'

test_expect_success 'a remote with a foreign commit on top is reported as diverged, untouched' '
	git clone -q remote.git work 2>/dev/null &&
	echo intruder >work/note &&
	git -C work add note &&
	git -C work -c user.name=x -c user.email=x@example.org commit -qm foreign &&
	git -C work push -q origin HEAD:main 2>/dev/null &&
	foreign=$(git -C remote.git rev-parse main) &&
	stele-agent -C v member add 王五 >/dev/null &&
	test_expect_code 1 stele-agent -C v sync 2>err &&
	test_grep "has diverged" err &&
	test_grep "nothing was pushed" err &&
	test "$(git -C remote.git rev-parse main)" = "$foreign" &&
	test "$(sqlite3 v/stele.db "SELECT count(*) FROM stele_outbox")" = 4
'

test_expect_success 'once the remote is repaired, the change set that waited is pushed' '
	git -C remote.git update-ref refs/heads/main "$(git -C v/repo.git rev-parse main~1)" &&
	stele-agent -C v sync 2>err &&
	test "$(stream_seq remote.git)" = 4 &&
	test "$(git -C remote.git rev-parse main)" = "$(git -C v/repo.git rev-parse main)"
'

test_expect_success 'sync --remote pushes there this time only; the configured remote stays' '
	mkdir stick &&
	stele-agent -C v sync --remote "$TRASH/stick/village.git" 2>err &&
	test "$(sqlite3 v/stele.db "SELECT value FROM stele_meta WHERE key = '\''remote'\''")" = \
	     "$TRASH/remote.git" &&
	stele-agent -C v status >status &&
	test_grep "^remote  *$TRASH/remote.git\$" status &&
	stele-agent -C v member add 赵六 >/dev/null &&
	stele-agent -C v sync 2>err &&
	test "$(stream_seq stick/village.git)" = 4 &&
	test "$(stream_seq remote.git)" = 5
'

test_expect_success 'a sync --remote that fails leaves the configured remote as well' '
	test_expect_code 1 stele-agent -C v sync --remote "$TRASH/nowhere/stick/v.git" 2>err &&
	test "$(stele-agent -C v remote show | sed -n "s/^remote	//p")" = "$TRASH/remote.git"
'

test_expect_success 'remote set changes the configured remote' '
	stele-agent -C v remote set "$TRASH/stick/village.git" 2>err &&
	test_grep "the remote is now $TRASH/stick/village.git" err &&
	test_line_count 1 err &&
	stele-agent -C v sync 2>err &&
	test "$(stream_seq stick/village.git)" = 5
'

test_expect_success 'a USB-path remote that does not exist is created, and round-trips' '
	test "$(git -C stick/village.git rev-parse --is-bare-repository)" = true &&
	git -C stick/village.git log --format=%s main >usb-log &&
	test "$(tail -n 1 usb-log)" = "seq 1-3: 3 change sets" &&
	test "$(stream_seq stick/village.git)" = 5 &&
	test "$(git -C stick/village.git rev-parse main)" = "$(git -C v/repo.git rev-parse main)"
'

test_expect_success 'a file:// URL works the same' '
	mkdir -p share &&
	stele-agent -C v sync --remote "file://$TRASH/share/v.git" 2>err &&
	test "$(stream_seq share/v.git)" = 5
'

test_expect_success 'a stick that is not plugged in: exit 1, nothing created or lost' '
	stele-agent -C v member add 钱七 >/dev/null &&
	test_expect_code 1 stele-agent -C v sync --remote "$TRASH/media/stick/v.git" 2>err &&
	test_grep "is the USB stick plugged in" err &&
	! test -e media &&
	test "$(stream_seq v/repo.git)" = 6
'

test_expect_success 'an unreachable remote: exit 1 naming it without the password, nothing lost' '
	stele-agent -C v member add 孙八 >/dev/null &&
	test_expect_code 1 stele-agent -C v sync --remote "http://clerk:s3cret@127.0.0.1:1/v.git" 2>err &&
	test_grep "http://127.0.0.1:1/v.git" err &&
	! grep -q s3cret err &&
	test "$(stream_seq v/repo.git)" = 7 &&
	stele-agent -C v sync --remote "$TRASH/stick/village.git" 2>err &&
	test "$(stream_seq stick/village.git)" = 7 &&
	! grep -rq s3cret v/repo.git/config
'

test_expect_success 'no remote at all is a usage error' '
	stele-agent -C w init --village 990101001202 --name 二村 2>/dev/null &&
	test_expect_code 2 stele-agent -C w sync 2>err &&
	test_grep "give --remote URL" err
'

test_expect_success 'sync refuses a database older than its repository' '
	stele-agent -C w member add 甲 >/dev/null &&
	cp w/stele.db old.db &&
	stele-agent -C w member add 乙 >/dev/null &&
	stele-agent -C w sync --remote "$TRASH/w.git" 2>/dev/null &&
	rm -f w/stele.db-wal w/stele.db-shm && cp old.db w/stele.db &&
	test_expect_code 5 stele-agent -C w sync --remote "$TRASH/w.git" 2>err &&
	test_grep "the repository holds seq 2 but the database does not" err &&
	test "$(stream_seq w.git)" = 2
'

test_expect_success 'log reads the history from the repository, signatures checked' '
	stele-agent -C v member add 待同步 >/dev/null &&
	stele-agent -C v log --format csv >out &&
	test_line_count 9 out &&
	head -n 1 out | grep -q "^seq,time,summary,commit,signature$" &&
	sed -n 2p out | grep -q "^8,.*,member M0007 added,pending,ok$" &&
	sed -n 3p out | grep -q "^7,.*,member M0006 added,$(git -C v/repo.git rev-parse --short=12 main),ok$" &&
	sed -n 9p out | grep -q "^1,.*,member M0001 added,[0-9a-f]*,ok$"
'

test_done
