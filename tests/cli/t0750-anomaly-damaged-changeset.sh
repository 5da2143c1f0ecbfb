#!/bin/sh
test_description='anomalies: a change set cut short or with a flipped bit inside a git
commit is quarantined with its specific reason, nothing of it is applied, the other
villages merge, and a good copy merges after quarantine retry'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/anomaly-lib.sh"

GOOD=990101001201
# One village per damage: NAME CODE DAMAGE AT REASON SEQ DETAIL-PATTERN. Each damaged
# copy is the village's honest change set 3 (member M0003 added): 132 bytes of header
# and summary, a zlib payload of about 60 bytes, and the 64-byte signature. AT is a
# byte offset, or end-K for K bytes before the end.
cat >cases <<-\EOF
cut-empty      990101001202 cut    0      malformed  - change set truncated at byte 0 (magic field)
cut-magic      990101001203 cut    7      malformed  - change set truncated at byte 7 (magic field)
cut-prev-hash  990101001204 cut    57     malformed  - change set truncated at byte 57 (prev_hash field)
cut-payload    990101001205 cut    end-80 malformed  - payload length [0-9]* at byte 128 is more than the [0-9]* bytes that remain
cut-signature  990101001206 cut    end-1  malformed  - change set truncated at byte [0-9]* (signature field)
trailing-byte  990101001207 append 1      malformed  - 1 byte follows the signature
no-changeset   990101001208 none   -      malformed  - holds no readable change set
flip-magic     990101001209 flip   0      malformed  - not a Stele change set (bad magic at byte 0)
flip-format    990101001210 flip   8      format     - change-set format 0 is not one this program knows
flip-seq       990101001211 flip   18     signature  2 seq 2: signature does not verify against the key pinned
flip-payload   990101001212 flip   end-80 signature  - signature does not verify against the writer's key
flip-signature 990101001213 flip   end-1  signature  3 seq 3: signature does not verify against the key pinned
flip-writer    990101001200 flip   39     signature  3 seq 3: signature does not verify; it names writer 990101001201
EOF
CODES=$(awk '{print $2}' cases)

test_expect_success 'a county whose villages have each merged two honest change sets' '
	stele-aggregator -C county init --county 990101 --name 参考县 2>/dev/null &&
	mkdir v server &&
	for code in $GOOD $CODES; do
		stele-agent -C v/$code init --village $code --name "村$code" \
			--remote "$TRASH/server/$code.git" >/dev/null 2>&1 &&
		stele-agent -C v/$code member add 甲 >/dev/null &&
		stele-agent -C v/$code member add 乙 >/dev/null &&
		stele-agent -C v/$code sync 2>/dev/null &&
		stele-aggregator -C county village add $code --name "村$code" --township-name 镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	stele-aggregator -C county sync 2>err &&
	# 28 member rows, and the first change set of each village says its name once
	# (a change_note row, schema 0005, so restore keeps it): 14 more.
	test_grep "merged 28 change sets (42 row changes) from 14 villages" err &&
	db_dump county >before.dump
'

test_expect_success 'each village records a third member; its damaged copy is committed' '
	while read name code damage arg reason seq detail <&3; do
		stele-agent -C v/$code member add 丙 >/dev/null &&
		outbox_bytes v/$code 3 cs.$name &&
		case $arg in
		end-*) arg=$(($(wc -c <cs.$name) - ${arg#end-})) ;;
		esac &&
		case $damage in
		cut) head -c $arg cs.$name >cut && mv cut cs.$name ;;
		append) printf x >>cs.$name ;;
		flip) flip_bit cs.$name $arg ;;
		none) rm cs.$name ;;
		esac &&
		if [ -e cs.$name ]; then file=cs.$name; else file=; fi &&
		commit_bytes server/$code.git "$file" "seq 3: member M0003 added" || exit 1
	done 3<cases &&
	stele-agent -C v/$GOOD member add 丙 >/dev/null &&
	stele-agent -C v/$GOOD sync 2>/dev/null
'

test_expect_success 'merge quarantines every damaged copy and merges the honest village' '
	while read name code rest; do anomaly_case $name; done <cases &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "merged 1 change set (1 row change) from 14 villages" err &&
	test_grep "13 villages are held or quarantined" err &&
	test "$(grep -c ": quarantined (" err)" = 13 &&
	stele-aggregator -C county quarantine list --format csv >q.csv &&
	test "$(wc -l <q.csv)" = 14
'

while read name code damage arg reason seq detail; do
	test_expect_success "$name: quarantined as $reason, naming the village" "
		test_grep \"^stele-aggregator: village $code: quarantined ($reason): \" err &&
		awk -F, -v c=$code '\$2 == c' q.csv >row &&
		test_line_count 1 row &&
		test \"\$(cut -d, -f5 row)\" = $reason &&
		test \"\$(cut -d, -f3 row)\" = \"$(test "$seq" = - || echo "$seq")\" &&
		test_grep \"$detail\" row &&
		anomaly_detected $name
	"
done <cases

test_expect_success 'nothing of a damaged change set was applied' '
	db_dump county >after.dump &&
	{ diff before.dump after.dump >changes || :; } &&
	grep "^>" changes >added &&
	test_line_count 1 added &&
	test_grep "^> member|$GOOD|M0003|丙|" added &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE id = '\''M0003'\''")" = 1 &&
	for code in $CODES; do
		test "$(sqlite3 county/stele.db "SELECT last_seq || state FROM stele_stream WHERE writer = '\''$code'\''")" = 2quarantined || exit 1
	done
'

test_expect_success 'the league table flags every quarantined village' '
	stele-aggregator -C county rank villages --month "$(date +%Y-%m)" --format csv >league.csv &&
	for code in $CODES; do
		grep -q "^,$code,.*,quarantined\$" league.csv || exit 1
	done &&
	# members alone are no dated record: the honest village has not started
	grep -q "^,$GOOD,.*,not_started\$" league.csv
'

test_expect_success 'a later honest change set waits behind the quarantined one' '
	code=$(awk '\''$1 == "cut-payload" { print $2 }'\'' cases) &&
	git --git-dir=server/$code.git update-ref refs/heads/main main~1 &&
	stele-agent -C v/$code member add 丁 >/dev/null &&
	stele-agent -C v/$code sync 2>/dev/null &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "village $code: quarantined; waiting for .quarantine retry $code." err &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE village_code = '\''$code'\''")" = 2
'

test_expect_success 'after a good copy arrives, quarantine retry merges the village whole' '
	code=$(awk '\''$1 == "cut-payload" { print $2 }'\'' cases) &&
	stele-aggregator -C county quarantine retry $code 2>err &&
	test_grep "verified again from seq 3" err &&
	test_expect_code 5 stele-aggregator -C county sync 2>err &&
	test_grep "merged 2 change sets" err &&
	db_dump county >county.dump && db_dump v/$code >village.dump &&
	village_rows county.dump $code >from-county &&
	village_rows village.dump $code >from-village &&
	test_line_count 4 from-village &&
	test_cmp from-village from-county
'

anomaly_summary "$(wc -l <cases)"

test_done
