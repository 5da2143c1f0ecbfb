#!/bin/sh
test_description='bounds on values: the agent refuses amounts, points and text past the
rules; the county quarantines forged rows the agent would refuse (reason value); one
village'\''s maximal honest rows never stop the rankings or the report'
. "$(dirname "$0")/test-lib.sh"

FORGE=$STELE_BUILD/tools/stele-forge
BIG=990101001201 HONEST=990101001202 FORGER=990101002201

test_expect_success 'the agent refuses an amount or points past the bound, writing nothing' '
	new_village a $BIG &&
	stele-agent -C a member add 甲 >/dev/null &&
	test_refused a "income .I0001.: amount 9999999999999.99 is out of range (at most 1000000000.00 either way)" \
		stele-agent -C a income add 2026-10 9999999999999.99 &&
	test_refused a "amount -1000000000.01 is out of range" \
		stele-agent -C a income add 2026-10 -- -1000000000.01 &&
	test_refused a "points 10000.1 is out of range" \
		stele-agent -C a points add M0001 B01 --date 2026-10-08 --points 10000.1 &&
	printf "id,period,amount,source\n,2026-09,1000000000.01,x\n" >big.csv &&
	test_refused a "big.csv:2:3: income .I0001.: amount 1000000000.01 is out of range" \
		stele-agent -C a import income big.csv
'

test_expect_success 'the agent refuses control characters in text (ESC, BEL, C1 CSI)' '
	test_refused a "not valid one-line UTF-8" \
		stele-agent -C a member add "$(printf "x\033[31m")" &&
	test_refused a "not valid one-line UTF-8" \
		stele-agent -C a member add "$(printf "x\007")" &&
	test_refused a "not valid one-line UTF-8" \
		stele-agent -C a member add "$(printf "x\302\233")"
'

test_expect_success '9,300 maximal honest income rows are accepted' '
	awk "BEGIN { print \"id,period,amount,source\";
		for (i = 1; i <= 9300; i++) printf \",2026-10,1000000000.00,s%d\n\", i }" >max.csv &&
	stele-agent -C a import income max.csv 2>err &&
	test "$(sqlite3 a/stele.db "SELECT count(*), sum(amount) FROM income")" = "9300|930000000000000"
'

test_expect_success 'a county with the maximal village, an honest one and a forger' '
	stele-aggregator -C county init --county 990101 --name 县 2>/dev/null &&
	mkdir server &&
	new_village b $HONEST && new_village f $FORGER &&
	for d in b f; do
		stele-agent -C $d member add 乙 >/dev/null &&
		stele-agent -C $d points add M0001 B01 --date 2026-10-08 >/dev/null &&
		stele-agent -C $d points review E000001 --stage group >/dev/null &&
		stele-agent -C $d points review E000001 --stage committee >/dev/null &&
		stele-agent -C $d points review E000001 --stage assembly >/dev/null &&
		stele-agent -C $d income add 2026-10 12.50 >/dev/null || exit 1
	done &&
	for pair in a:$BIG b:$HONEST f:$FORGER; do
		d=${pair%%:*} code=${pair#*:} &&
		"$FORGE" $d server/$code.git &&
		stele-aggregator -C county village add $code --name "村$code" --township-name 镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C $d key)" >/dev/null || exit 1
	done &&
	stele-aggregator -C county sync 2>err &&
	stele-aggregator -C county rank villages --month 2026-10 --format csv >league &&
	stele-aggregator -C county rank members --year 2026 --format csv >members &&
	stele-aggregator -C county report --month 2026-10 --out report.html &&
	grep -q "^3,$BIG,村$BIG,990101001,42.86,,,0.0000,1.0000,,B,no," league &&
	test_grep ",$HONEST,M0001,乙,2.0$" members
'

forge_rejected() {
	"$FORGE" f server/$FORGER.git --sql "$1" &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "village $FORGER: quarantined (value)" err &&
	test "$(sqlite3 county/stele.db "SELECT reason FROM stele_quarantine ORDER BY id DESC LIMIT 1")" = value &&
	sqlite3 county/stele.db "SELECT detail FROM stele_quarantine ORDER BY id DESC LIMIT 1" >detail &&
	test_grep "$2" detail &&
	stele-aggregator -C county rank villages --month 2026-10 --format csv >league.after &&
	# the forger is flagged (rankings.md: status), every figure stays as it was
	grep -q "^[0-9]*,$FORGER,.*,quarantined\$" league.after &&
	sed "/,$FORGER,/s/,quarantined\$/,ok/" league.after >league.cmp &&
	test_cmp league league.cmp &&
	stele-aggregator -C county rank members --year 2026 --format csv >members.after &&
	test_cmp members members.after &&
	stele-aggregator -C county report --month 2026-10 --out report.after.html &&
	# the forger's stream is reset to its honest tip for the next attack
	git --git-dir=server/$FORGER.git update-ref refs/heads/main main~1 &&
	sqlite3 county/stele.db "DELETE FROM stele_quarantine; UPDATE stele_stream SET state = 'ok', state_note = NULL" &&
	rm -rf county/villages/$FORGER.git
}

test_expect_success 'forged INT64_MAX income is quarantined; rankings and report unchanged' '
	forge_rejected "INSERT INTO income (village_code, id, period, amount, source) VALUES ('\''$FORGER'\'', '\''I9'\'', '\''2026-10'\'', 9223372036854775807, '\''x'\'')" \
		"seq 7: row change 1: income .I9.: amount 92233720368547758.07 is out of range"
'

test_expect_success 'forged INT64_MAX points are quarantined' '
	forge_rejected "INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on, points, stage) VALUES ('\''$FORGER'\'', '\''E9'\'', '\''M0001'\'', '\''B01'\'', '\''2026-10-09'\'', 9223372036854775807, '\''published'\'')" \
		"point_event .E9.: points 922337203685477580.7 is out of range"
'

test_expect_success 'forged control characters and invalid UTF-8 in a name are quarantined' '
	forge_rejected "UPDATE member SET name = '\''x'\'' || char(27) || '\''[2J'\'' WHERE id = '\''M0001'\''" \
		"member .M0001.: name is not valid one-line UTF-8" &&
	forge_rejected "UPDATE member SET name = CAST(X'\''78FF'\'' AS TEXT) WHERE id = '\''M0001'\''" \
		"member .M0001.: name is not valid one-line UTF-8"
'

test_expect_success 'a forged impossible date, and a stage moved back, are quarantined' '
	forge_rejected "UPDATE point_event SET occurred_on = '\''2026-02-30'\'' WHERE id = '\''E000001'\''" \
		"occurred_on .2026-02-30. is not a real YYYY-MM-DD date" &&
	forge_rejected "UPDATE point_event SET stage = '\''recorded'\'' WHERE id = '\''E000001'\''" \
		"stage cannot move back from assembly to recorded"
'

test_expect_success 'a change set naming seq 0 is a chain fault, not a fork' '
	"$FORGE" f server/$FORGER.git --seq 0 --sql "UPDATE member SET name = '\''丁'\'' WHERE id = '\''M0001'\''" &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "village $FORGER: quarantined (chain)" err &&
	sqlite3 county/stele.db "SELECT detail FROM stele_quarantine" >detail &&
	test_grep "names seq 0; a stream starts at seq 1" detail &&
	! grep -q fork detail &&
	git --git-dir=server/$FORGER.git update-ref refs/heads/main main~1 &&
	sqlite3 county/stele.db "DELETE FROM stele_quarantine; UPDATE stele_stream SET state = '\''ok'\'', state_note = NULL" &&
	rm -rf county/villages/$FORGER.git
'

test_expect_success 'an honest change set after them still merges' '
	stele-agent -C f member add 丙 >/dev/null &&
	"$FORGE" f server/$FORGER.git &&
	stele-aggregator -C county sync 2>err &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE village_code = '\''$FORGER'\''")" = 2
'

test_done
