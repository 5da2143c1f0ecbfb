#!/bin/sh
test_description='signing keys: key rotate through the stream, the county verifying each
change set with the key in force, forged and stale-key change sets quarantined, and the
stolen-laptop procedure (village revoke, restore with a new key)'
. "$(dirname "$0")/test-lib.sh"

FORGE=$STELE_BUILD/tools/stele-forge
A=990101001201 B=990101001202 C=990101001203 D=990101002201 E=990101002202

# register CODE: a village with two members, registered at the county with its key.
register() {
	stele-agent -C v/$1 init --village $1 --name "村$1" --remote "$TRASH/server/$1.git" \
		>/dev/null 2>&1 &&
	stele-agent -C v/$1 member add 甲 >/dev/null &&
	stele-agent -C v/$1 member add 乙 >/dev/null &&
	stele-aggregator -C county village add $1 --name "村$1" --township-name 镇 \
		--remote "$TRASH/server/$1.git" --key "$(stele-agent -C v/$1 key)" >/dev/null &&
	stele-agent -C v/$1 sync >/dev/null 2>&1
}

# commit_of REPO SEQ: the commit holding change set SEQ of a village repository
# (its subject "seq SEQ: ..." or, for a batch, "seq A-B: ...").
commit_of() {
	git --git-dir "$1" log --format='%H %s' main | awk -v s="$2" '$2 == "seq" {
		r = $3; sub(/:$/, "", r); n = split(r, ab, "-"); if (n == 1) ab[2] = ab[1]
		if (ab[1] + 0 <= s + 0 && s + 0 <= ab[2] + 0) print $1 }'
}

# reason CODE SEQ: the quarantine reason of the village's change set SEQ.
reason() {
	stele-aggregator -C county quarantine list --format csv |
		awk -F, -v v="$1" -v s="$2" '$2 == v && $3 == s { print $5 }' | tail -n 1
}

test_expect_success 'setup: a county and five registered villages' '
	stele-aggregator -C county init --county 990101 --name 参考县 2>/dev/null &&
	mkdir v server &&
	for code in $A $B $C $D $E; do register $code || exit 1; done &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 10 change sets" err
'

test_expect_success 'key prints the public key; key history starts with it at seq 1' '
	stele-agent -C v/$A key >k1 &&
	test "$(wc -c <k1)" = 65 &&
	stele-agent -C v/$A key history --format csv >h &&
	printf "seq_from,seq_to,public_key,source\n1,,%s,first\n" "$(cat k1)" >expect &&
	test_cmp expect h
'

test_expect_success 'key rotate: a change set signed with the old key announces the new one' '
	cp v/$A/signing.key k1.key &&
	stele-agent -C v/$A key rotate >k2 2>err &&
	test_grep "change set 3, signed with the old key" err &&
	stele-agent -C v/$A key >now && test_cmp k2 now &&
	! test_cmp k1 k2 >/dev/null &&
	test "$(stat -c %a v/$A/signing.key)" = 600 &&
	cmp k1.key v/$A/signing.key.old &&
	test ! -e v/$A/signing.key.new &&
	stele-agent -C v/$A key history --format csv >h &&
	printf "seq_from,seq_to,public_key,source\n1,3,%s,first\n4,,%s,rotation\n" \
		"$(cat k1)" "$(cat k2)" >expect &&
	test_cmp expect h &&
	stele-agent -C v/$A log --format csv >log &&
	test_grep "^3,.*,signing key from seq 4 added,pending,ok$" log
'

test_expect_success 'the agent verifies its history across the rotation' '
	stele-agent -C v/$A member add 丙 >/dev/null &&
	stele-agent -C v/$A verify 2>err &&
	test_grep "the database matches" err
'

test_expect_success 'sync: each commit names its signer, and the old key file goes' '
	stele-agent -C v/$A sync 2>err &&
	test ! -e v/$A/signing.key.old &&
	git --git-dir server/$A.git show "$(commit_of server/$A.git 3):writer.pub" >pub3 &&
	git --git-dir server/$A.git show "$(commit_of server/$A.git 4):writer.pub" >pub4 &&
	test_cmp k1 pub3 && test_cmp k2 pub4 &&
	stele-agent -C v/$A log --format csv >log &&
	test "$(grep -c ",ok$" log)" = 4
'

test_expect_success 'the county merges across the rotation with the right key for each seq' '
	stele-aggregator -C county sync 2>err &&
	sqlite3 county/stele.db "SELECT seq FROM stele_applied WHERE writer = '\''$A'\'' ORDER BY seq" >seqs &&
	printf "1\n2\n3\n4\n" >expect && test_cmp expect seqs &&
	sqlite3 county/stele.db "SELECT name FROM member WHERE village_code = '\''$A'\'' ORDER BY id" >names &&
	printf "甲\n乙\n丙\n" >expect && test_cmp expect names &&
	stele-aggregator -C county village keys $A --format csv >keys &&
	printf "seq_from,seq_to,public_key,source\n1,3,%s,registered\n4,,%s,rotation\n" \
		"$(cat k1)" "$(cat k2)" >expect &&
	test_cmp expect keys
'

test_expect_success 'a second rotation is merged too; the county needs no new registration' '
	stele-agent -C v/$A key rotate >k3 2>/dev/null &&
	stele-agent -C v/$A member add 丁 >/dev/null &&
	stele-agent -C v/$A sync 2>/dev/null &&
	stele-aggregator -C county sync 2>err &&
	test "$(sqlite3 county/stele.db "SELECT max(seq) FROM stele_applied WHERE writer = '\''$A'\''")" = 6 &&
	stele-aggregator -C county village keys $A --format csv | tail -n 1 >last &&
	printf "6,,%s,rotation\n" "$(cat k3)" >expect && test_cmp expect last
'

test_expect_success 'trust on first use pins the key of seq 1, not the rotated key at the tip' '
	F=990101003201 &&
	stele-agent -C v/$F init --village $F --name 村F --remote "$TRASH/server/$F.git" \
		>/dev/null 2>&1 &&
	stele-agent -C v/$F member add 甲 >/dev/null &&
	stele-agent -C v/$F key >f1 &&
	stele-agent -C v/$F key rotate >f2 2>/dev/null &&
	stele-agent -C v/$F member add 乙 >/dev/null &&
	stele-agent -C v/$F sync 2>/dev/null &&
	stele-aggregator -C county village add $F --name 村F --township-name 镇 \
		--remote "$TRASH/server/$F.git" >/dev/null &&
	stele-aggregator -C county sync 2>err &&
	test_grep "pinned the key $(cut -c1-16 f1)" err &&
	stele-aggregator -C county village keys $F --format csv >keys &&
	printf "seq_from,seq_to,public_key,source\n1,2,%s,registered\n3,,%s,rotation\n" \
		"$(cat f1)" "$(cat f2)" >expect &&
	test_cmp expect keys
'

test_expect_success 'restore with --key of the current key replays every key and verifies' '
	stele-agent -C r1 restore --remote "$TRASH/server/$A.git" --village $A \
		--key v/$A/signing.key 2>err &&
	stele-agent -C r1 verify 2>/dev/null &&
	db_dump v/$A >expect && db_dump r1 >actual && test_cmp expect actual &&
	stele-agent -C v/$A key history >expect && stele-agent -C r1 key history >actual &&
	test_cmp expect actual &&
	stele-agent -C r1 member add 戊 >/dev/null && stele-agent -C r1 verify 2>/dev/null
'

test_expect_success 'restore with a key that was rotated away is refused (exit 3), nothing left' '
	test_expect_code 3 stele-agent -C r2 restore --remote "$TRASH/server/$A.git" \
		--village $A --key k1.key 2>err &&
	test_grep "is not the key this village signed with last" err &&
	test ! -e r2
'

test_expect_success 'restore without a key: a new key from the next seq, recorded for verify' '
	stele-agent -C r3 restore --remote "$TRASH/server/$A.git" --village $A 2>err &&
	test_grep "village revoke $A --from-seq 7 --key $(stele-agent -C r3 key)" err &&
	stele-agent -C r3 member add 己 >/dev/null &&
	stele-agent -C r3 verify 2>/dev/null &&
	stele-agent -C r3 key history --format csv | tail -n 1 >last &&
	printf "7,,%s,restore\n" "$(stele-agent -C r3 key)" >expect && test_cmp expect last
'

test_expect_success 'an interrupted rotate before its commit leaves an unused key that goes' '
	cp v/$C/signing.key v/$B/signing.key.new &&
	stele-agent -C v/$B key >out 2>err &&
	test_grep "removed signing.key.new" err &&
	test ! -e v/$B/signing.key.new &&
	stele-agent -C v/$B key history --format csv >h && test_line_count 2 h
'

test_expect_success 'an interrupted rotate after its commit is finished by the next command' '
	cp -a v/$B crash &&
	stele-agent -C crash key rotate >new 2>/dev/null &&
	mv crash/signing.key crash/signing.key.new &&
	mv crash/signing.key.old crash/signing.key &&
	stele-agent -C crash member add 庚 >/dev/null 2>err &&
	test_grep "finished an interrupted" err &&
	stele-agent -C crash key >now && test_cmp new now &&
	test -e crash/signing.key.old && test ! -e crash/signing.key.new &&
	stele-agent -C crash verify 2>/dev/null
'

test_expect_success 'a signing.key that is not the village key is refused' '
	cp v/$C/signing.key crash/signing.key &&
	test_expect_code 1 stele-agent -C crash member add 辛 2>err &&
	test_grep "is not the key this village signs with" err &&
	test_line_count 1 err
'

test_expect_success 'key rotate killed at random instants: the key always matches the stream' '
	cp -a v/$B kill &&
	i=0 &&
	while [ $i -lt 30 ]; do
		stele-agent -C kill key rotate >/dev/null 2>&1 &
		pid=$! &&
		sleep "0.00$((i % 10))" &&
		kill -KILL $pid 2>/dev/null || : &&
		wait $pid || : &&
		stele-agent -C kill key >now 2>/dev/null &&
		stele-agent -C kill key history --format csv | tail -n 1 | cut -d, -f3 >last &&
		test_cmp last now &&
		test ! -e kill/signing.key.new || exit 1
		i=$((i + 1))
	done &&
	stele-agent -C kill member add 壬 >/dev/null &&
	stele-agent -C kill verify 2>/dev/null &&
	stele-agent -C kill sync --remote "$TRASH/kill.git" 2>/dev/null &&
	stele-aggregator -C county village set $B --remote "$TRASH/kill.git" >/dev/null &&
	stele-aggregator -C county sync 2>err &&
	test "$(sqlite3 county/stele.db "SELECT max(seq) FROM stele_applied WHERE writer = '\''$B'\''")" = \
		"$(sqlite3 kill/stele.db "SELECT max(seq) FROM stele_outbox")"
'

test_expect_success 'a change set after the rotation signed with the old key is quarantined' '
	cp v/$C/signing.key c-old.key &&
	stele-agent -C v/$C key rotate >/dev/null 2>&1 &&
	stele-agent -C v/$C sync 2>/dev/null &&
	"$FORGE" v/$C server/$C.git --key c-old.key \
		--sql "INSERT INTO member (village_code, id, name) VALUES ('\''$C'\'', '\''M9'\'', '\''x'\'')" &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test "$(reason $C 4)" = signature &&
	test "$(sqlite3 county/stele.db "SELECT max(seq) FROM stele_applied WHERE writer = '\''$C'\''")" = 3
'

test_expect_success 'a rotation announced with a key not in force is quarantined' '
	stele-agent -C other init --village 990101009901 --name 外 >/dev/null 2>&1 &&
	"$FORGE" v/$D server/$D.git --key other/signing.key \
		--sql "INSERT INTO writer_key VALUES ('\''$D'\'', 4, '\''$(stele-agent -C other key)'\'')" &&
	test_expect_code 5 stele-aggregator -C county sync 2>/dev/null &&
	test "$(reason $D 3)" = signature &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM writer_key WHERE village_code = '\''$D'\''")" = 0
'

test_expect_success 'a rotation for a later seq, even signed by the key in force, is quarantined (key)' '
	git --git-dir server/$D.git update-ref refs/heads/main "$(commit_of server/$D.git 2)" &&
	"$FORGE" v/$D server/$D.git \
		--sql "INSERT INTO writer_key VALUES ('\''$D'\'', 9, '\''$(stele-agent -C other key)'\'')" &&
	stele-aggregator -C county quarantine retry $D 2>/dev/null &&
	test_expect_code 5 stele-aggregator -C county sync 2>/dev/null &&
	test "$(reason $D 3)" = key
'

test_expect_success 'stolen laptop: the thief writes and pushes with the village key' '
	test "$(sqlite3 county/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''$E'\''")" = 2 &&
	cp -a v/$E thief &&
	stele-agent -C thief member add 贼 >/dev/null &&
	stele-agent -C thief key rotate >/dev/null 2>&1 &&
	stele-agent -C thief member add 贼二 >/dev/null &&
	stele-agent -C thief sync 2>/dev/null &&
	test "$(stream_seq server/$E.git)" = 5
'

test_expect_success 'village revoke refuses a seq already merged (exit 3)' '
	test_expect_code 3 stele-aggregator -C county village revoke $E --from-seq 2 2>err &&
	test_grep "up to seq 2 are already merged" err &&
	test_expect_code 2 stele-aggregator -C county village revoke $E 2>/dev/null &&
	test_expect_code 3 stele-aggregator -C county village revoke $E --from-seq 3 --key xyz 2>/dev/null
'

test_expect_success 'after village revoke, the thief'\''s change sets are quarantined as revoked' '
	stele-aggregator -C county village revoke $E --from-seq 3 2>err &&
	test_grep "from seq 3 on" err &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test "$(reason $E 3)" = revoked &&
	id=$(stele-aggregator -C county quarantine list --format csv |
		awk -F, -v v=$E '\''$2 == v && $5 == "revoked" { print $1 }'\'') &&
	stele-aggregator -C county quarantine show $id --format csv >show &&
	test_grep "^summary,member M0003 added$" show &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE village_code = '\''$E'\''")" = 2
'

test_expect_success 'the county resets the village repository to seq 2; the clerk restores with a new key' '
	git --git-dir server/$E.git update-ref refs/heads/main "$(commit_of server/$E.git 2)" &&
	git --git-dir server/$E.git reflog expire --expire=now --all &&
	git --git-dir server/$E.git gc --prune=now --quiet &&
	stele-agent -C e2 restore --remote "$TRASH/server/$E.git" --village $E 2>err &&
	test_grep "from seq 3 on" err &&
	stele-agent -C e2 key >e-new &&
	stele-agent -C e2 member add 丙 >/dev/null &&
	stele-agent -C e2 sync 2>/dev/null
'

test_expect_success 'village revoke --key: the new stream merges, the thief stays out' '
	stele-aggregator -C county village revoke $E --from-seq 3 --key "$(cat e-new)" 2>/dev/null &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "merged 1 change set " err &&
	test_grep "2 villages are held or quarantined" err &&
	test "$(sqlite3 county/stele.db "SELECT state FROM stele_stream WHERE writer = '\''$E'\''")" = ok &&
	sqlite3 county/stele.db "SELECT name FROM member WHERE village_code = '\''$E'\'' ORDER BY id" >names &&
	printf "甲\n乙\n丙\n" >expect && test_cmp expect names &&
	stele-aggregator -C county village keys $E --format csv | tail -n 1 >last &&
	printf "3,,%s,revocation\n" "$(cat e-new)" >expect && test_cmp expect last
'

test_expect_success 'the thief cannot push over the new history, and its stick is refused' '
	stele-agent -C thief member add 贼三 >/dev/null &&
	test_expect_code 1 stele-agent -C thief sync 2>err &&
	test_grep "diverged" err &&
	mkdir stick &&
	"$FORGE" thief stick/$E.git &&
	test_expect_code 5 stele-aggregator -C county sync --from stick 2>/dev/null &&
	test "$(sqlite3 county/stele.db "SELECT state FROM stele_stream WHERE writer = '\''$E'\''")" != ok &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE village_code = '\''$E'\''")" = 3
'

test_done
