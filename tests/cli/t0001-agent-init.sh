#!/bin/sh
test_description='stele-agent init, key, help and the directory lock'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'init creates a village directory' '
	stele-agent -C v init --village 990101001201 --name 正营村 2>err &&
	test_grep "initialized village 990101001201" err &&
	test -f v/stele.db && test -f v/signing.key &&
	test "$(stat -c %a v/signing.key)" = 600
'

test_expect_success 'key prints the public key, 64 hex digits' '
	stele-agent -C v key >key &&
	grep -Eq "^[0-9a-f]{64}$" key
'

test_expect_success 'STELE_DIR names the directory too' '
	STELE_DIR=v stele-agent key >key2 && test_cmp key key2
'

test_expect_success 'init refuses an initialized directory' '
	test_expect_code 1 stele-agent -C v init --village 990101001201 --name x 2>err &&
	test_grep "already a Stele directory" err
'

test_expect_success 'init: a malformed village code is a usage error (exit 2), nothing written' '
	test_expect_code 2 stele-agent -C bad init --village 99010100120 --name x 2>err &&
	test_grep "is not a 12-digit village code" err &&
	! test -e bad/stele.db
'

test_expect_success 'the default rules catalogue is installed' '
	test "$(sqlite3 v/stele.db "SELECT count(*) FROM point_rule WHERE active = 1")" = 11 &&
	test "$(sqlite3 v/stele.db "SELECT sum(max_score) FROM standard_item")" = 1000
'

test_expect_success 'member add: a malformed join date or grid is exit 2, naming member and field' '
	test_expect_code 2 stele-agent -C v member add 张三 --joined 2026-02-30 2>err &&
	echo "stele-agent: member '\''M0001'\'': joined '\''2026-02-30'\'' is not a real date" >expect &&
	test_cmp expect err &&
	test_expect_code 2 stele-agent -C v member add 张三 --grid "$(printf "a\001b")" 2>err &&
	echo "stele-agent: member '\''M0001'\'': grid is not valid one-line UTF-8 text" >expect &&
	test_cmp expect err &&
	test "$(sqlite3 v/stele.db "SELECT count(*) FROM member")" = 0
'

test_expect_success 'commands outside a Stele directory fail clearly' '
	mkdir empty &&
	test_expect_code 1 stele-agent -C empty member list 2>err &&
	test_grep "is not a Stele directory" err
'

test_expect_success 'usage errors exit 2; --help exits 0 on stdout' '
	test_expect_code 2 stele-agent -C v member frobnicate 2>err &&
	test_grep "unknown subcommand" err &&
	test_expect_code 2 stele-agent -C v no-such-command 2>err &&
	stele-agent member add --help >out && test_grep "^usage: stele-agent member add" out &&
	stele-agent --version | grep -q "^stele-agent "
'

test_expect_success 'a second process gets exit 4 naming the holder' '
	( exec 9>v/lock && flock -n 9 && echo 4242 >&9 && sleep 2 ) &
	sleep 0.5 &&
	test_expect_code 4 stele-agent -C v member list 2>err &&
	test_grep "in use by process" err &&
	wait
'

test_expect_success 'an init that fails at its last step leaves nothing half-made' '
	mkdir -p half/credentials &&
	test_expect_code 1 stele-agent -C half init --village 990101001201 --name x \
		--remote http://clerk:secret@127.0.0.1:1/x.git 2>err &&
	test_grep "credentials" err &&
	! test -e half/stele.db && ! test -e half/signing.key && ! test -e half/repo.git
'

test_expect_success 'so does the county'"'"'s' '
	mkdir -p halfcounty/credentials &&
	test_expect_code 1 stele-aggregator -C halfcounty init --county 990101 --name x \
		--publish http://county:secret@127.0.0.1:1/c.git 2>err &&
	! test -e halfcounty/stele.db && ! test -e halfcounty/signing.key &&
	! test -e halfcounty/repo.git
'

test_expect_success 'init creates missing parent directories' '
	stele-agent -C deep/er/v init --village 990101001202 --name y 2>/dev/null &&
	stele-aggregator -C deep/er/c init --county 990101 --name z 2>/dev/null &&
	test -f deep/er/v/stele.db && test -d deep/er/c/repo.git
'

test_done
