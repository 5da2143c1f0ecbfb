#!/bin/sh
test_description='stele-aggregator merge quarantines each tampered stream with its reason,
holds a rewritten history, and merges the other villages'
. "$(dirname "$0")/test-lib.sh"

FORGE=$STELE_BUILD/tools/stele-forge
GOOD=990101001201 WRONG=990101004203
# One village per attack; each has two honest change sets first.
VILLAGES="990101001202 990101001203 990101002201 990101002202 990101002203 990101003201
990101003202 990101003203 990101004201 990101004202"

test_expect_success 'a county with honest villages, all merged' '
	stele-aggregator -C county init --county 990101 --name 参考县 2>/dev/null &&
	mkdir v server &&
	for code in $GOOD $VILLAGES; do
		new_village v/$code $code &&
		stele-agent -C v/$code member add 甲 >/dev/null &&
		stele-agent -C v/$code member add 乙 >/dev/null &&
		"$FORGE" v/$code server/$code.git &&
		stele-aggregator -C county village add $code --name "村$code" --township-name 镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 22 change sets" err
'

test_expect_success 'every attack is committed to its village repository' '
	set -- $VILLAGES &&
	"$FORGE" v/$1 server/$1.git --key v/$GOOD/signing.key \
		--sql "INSERT INTO member (village_code, id, name) VALUES ('\''$1'\'', '\''M9'\'', '\''x'\'')" &&
	"$FORGE" v/$2 server/$2.git \
		--sql "INSERT INTO member (village_code, id, name) VALUES ('\''$GOOD'\'', '\''M9'\'', '\''x'\'')" &&
	"$FORGE" v/$3 server/$3.git --sql "UPDATE point_rule SET points = 100 WHERE code = '\''B01'\''" &&
	"$FORGE" v/$4 server/$4.git --corrupt payload \
		--sql "UPDATE member SET name = '\''丙'\'' WHERE id = '\''M0001'\''" &&
	"$FORGE" v/$5 server/$5.git --seq 4 \
		--sql "UPDATE member SET name = '\''丙'\'' WHERE id = '\''M0001'\''" &&
	"$FORGE" v/$6 server/$6.git --corrupt bomb \
		--sql "UPDATE member SET name = '\''丙'\'' WHERE id = '\''M0001'\''" &&
	"$FORGE" v/$7 server/$7.git --schema 99 \
		--sql "UPDATE member SET name = '\''丙'\'' WHERE id = '\''M0001'\''" &&
	"$FORGE" v/$8 server/$8.git --sql "DELETE FROM member WHERE id = '\''M0001'\''" &&
	"$FORGE" v/$8 server/$8.git --sql "DELETE FROM member WHERE id = '\''M0001'\''" &&
	"$FORGE" v/$9 server/$9.git --seq 2 \
		--sql "UPDATE member SET name = '\''丙'\'' WHERE id = '\''M0001'\''" &&
	stele-agent -C v/$GOOD member add 丁 >/dev/null && "$FORGE" v/$GOOD server/$GOOD.git
'

test_expect_success 'a village is registered with another village'\''s repository' '
	new_village v/$WRONG $WRONG &&
	stele-aggregator -C county village add $WRONG --name 错村 --township-name 镇 \
		--remote "$TRASH/server/$GOOD.git" --key "$(stele-agent -C v/$WRONG key)" >/dev/null
'

test_expect_success 'merge quarantines each with its own reason and merges the honest village' '
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "merged 2 change sets" err &&
	test_grep "10 villages are held or quarantined" err &&
	stele-aggregator -C county quarantine list --format csv >q.csv &&
	cut -d, -f2,3,5 q.csv >reasons &&
	set -- $VILLAGES &&
	cat >want <<-EOF &&
	village,seq,reason
	$1,3,signature
	$2,3,ownership
	$3,3,ownership
	$4,,payload
	$5,4,chain
	$6,,too-large
	$7,3,schema
	$8,4,conflict
	$9,2,conflict
	$WRONG,1,writer
	EOF
	cp reasons got &&
	test_cmp want got
'

test_expect_success 'the details say what is wrong in words' '
	test_grep "carries village_code .$GOOD., not" q.csv &&
	test_grep "writes table .point_rule., which village" q.csv &&
	test_grep "change sets 3..3 are missing" q.csv &&
	test_grep "schema version 99" q.csv &&
	test_grep "was written by $GOOD" q.csv &&
	test_grep "payload inflates past its declared" q.csv
'

test_expect_success 'nothing of a quarantined change set was applied' '
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE id = '\''M9'\''")" = 0 &&
	test "$(sqlite3 county/stele.db "SELECT points FROM point_rule WHERE code = '\''B01'\''")" = 20 &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE village_code = '\''$GOOD'\''")" = 3
'

test_expect_success 'quarantine show gives the reason, the seq and the summary' '
	id=$(sqlite3 county/stele.db "SELECT id FROM stele_quarantine WHERE reason = '\''ownership'\'' ORDER BY id LIMIT 1") &&
	stele-aggregator -C county quarantine show $id --format csv >show.csv &&
	test_grep "^reason,ownership$" show.csv &&
	test_grep "^summary,member M9 added$" show.csv &&
	test_expect_code 3 stele-aggregator -C county quarantine show 999 2>err &&
	test_grep "does not exist" err
'

test_expect_success 'a quarantined stream stays stopped: later change sets wait' '
	set -- $VILLAGES &&
	"$FORGE" v/$2 server/$2.git \
		--sql "INSERT INTO member (village_code, id, name) VALUES ('\''$2'\'', '\''M0005'\'', '\''x'\'')" &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "village $2: quarantined; waiting for" err &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM stele_quarantine")" = 10 &&
	stele-aggregator -C county status --format csv >status.csv &&
	test_grep "^$2,村$2,2,.*,quarantined,2," status.csv
'

test_expect_success 'registering the right remote lets the stream merge' '
	stele-agent -C v/$WRONG member add 庚 >/dev/null && "$FORGE" v/$WRONG server/$WRONG.git &&
	stele-aggregator -C county village set $WRONG --remote "$TRASH/server/$WRONG.git" &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	! grep -q "village $WRONG" err &&
	test "$(sqlite3 county/stele.db "SELECT state || last_seq FROM stele_stream WHERE writer = '\''$WRONG'\''")" = ok1 &&
	test_expect_code 3 stele-aggregator -C county quarantine retry $WRONG 2>err &&
	test_grep "has no held or quarantined stream" err
'

test_expect_success 'quarantine retry verifies a stream again (and quarantines it again if still bad)' '
	set -- $VILLAGES &&
	stele-aggregator -C county quarantine retry $1 2>err &&
	test_grep "verified again from seq 3" err &&
	test_expect_code 5 stele-aggregator -C county merge 2>err &&
	test_grep "village $1: quarantined (signature)" err &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM stele_quarantine WHERE writer = '\''$1'\''")" = 2
'

test_expect_success 'a force-pushed history with another signed seq 3 is held as a fork, never merged' '
	before=$(sqlite3 county/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''$GOOD'\''") &&
	git --git-dir=server/$GOOD.git update-ref refs/heads/main main~1 &&
	"$FORGE" v/$GOOD server/$GOOD.git \
		--sql "INSERT INTO member (village_code, id, name) VALUES ('\''$GOOD'\'', '\''M0008'\'', '\''x'\'')" &&
	stele-aggregator -C county fetch &&
	stele-aggregator -C county status --format csv >status.csv &&
	test_grep "^$GOOD,.*,diverged," status.csv &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "village $GOOD: forked at seq 3" err &&
	test "$(sqlite3 county/stele.db "SELECT last_seq FROM stele_stream WHERE writer = '\''$GOOD'\''")" = "$before" &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE id = '\''M0008'\''")" = 0 &&
	stele-aggregator -C county status --format csv >status.csv &&
	test_grep "^$GOOD,.*,held,.*forked at seq 3" status.csv
'

test_expect_success 'a forked village merges again once resolved and its history extends the merged one' '
	git --git-dir=server/$GOOD.git update-ref refs/heads/main \
		"$(git --git-dir=county/villages/$GOOD.git rev-parse "$(sqlite3 county/stele.db "SELECT last_commit FROM stele_stream WHERE writer = '\''$GOOD'\''")")" &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "village $GOOD: forked at seq 3" err &&
	stele-aggregator -C county quarantine retry $GOOD 2>err &&
	test_grep "1 fork marked resolved" err &&
	stele-agent -C v/$GOOD member add 己 >/dev/null && "$FORGE" v/$GOOD server/$GOOD.git &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	! grep -q "village $GOOD" err &&
	test "$(sqlite3 county/stele.db "SELECT state FROM stele_stream WHERE writer = '\''$GOOD'\''")" = ok
'

test_done
