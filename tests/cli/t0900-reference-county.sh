#!/bin/sh
test_description='the reference county, end to end through both programs, reproduces
every expected ranking byte for byte'
. "$(dirname "$0")/test-lib.sh"

# The county server is a folder of bare repositories; every village syncs to it.
SERVER=$TRASH/server

test_expect_success 'the county is set up with the reference rules' '
	stele-aggregator -C county init --county 990101 --name 参考县 \
		--publish "$SERVER/county.git" 2>/dev/null &&
	stele-aggregator -C county rules import point-rules "$REFERENCE/rules/point-rules.csv" &&
	stele-aggregator -C county rules import standard-items "$REFERENCE/rules/standard-items.csv" &&
	stele-aggregator -C county rules import veto-items "$REFERENCE/rules/veto-items.csv" &&
	stele-aggregator -C county rules import config "$REFERENCE/rules/config.csv"
'

test_expect_success 'every village is initialized and registered with its key' '
	tail -n +2 "$REFERENCE/villages.csv" | while IFS=, read code name township; do
		# The county creates each village'"'"'s empty repository on its server.
		git init -q --bare "$SERVER/$code.git" &&
		stele-agent -C "v/$code" init --village "$code" --name "$name" \
			--remote "$SERVER/$code.git" --county "$SERVER/county.git" 2>/dev/null &&
		stele-aggregator -C county village add "$code" --name "$name" \
			--township-name "$township" --remote "$SERVER/$code.git" \
			--key "$(stele-agent -C "v/$code" key)" || exit 1
	done
'

test_expect_success 'the county publishes its rules' '
	stele-aggregator -C county rules publish 2>/dev/null
'

test_expect_success 'every village imports its records, closes its months and syncs' '
	for dir in "$REFERENCE"/villages/*/; do
		code=$(basename "$dir")
		for kind in members points tasks requests income assessments; do
			stele-agent -C "v/$code" import "$kind" "$dir/$kind.csv" || exit 1
		done
		while read month; do
			stele-agent -C "v/$code" close "$month" 2>/dev/null || exit 1
		done <"$dir/closes.txt"
		stele-agent -C "v/$code" sync 2>/dev/null || exit 1
	done
'

test_expect_success 'the villages scored with the county rules they pulled' '
	for dir in v/*/; do
		test "$(sqlite3 "$dir/stele.db" "SELECT value FROM ranking_config WHERE key = '\''weight.task'\''")" = 25 || exit 1
	done
'

test_expect_success 'the county records its veto events' '
	tail -n +2 "$REFERENCE/vetoes.csv" | while IFS=, read code veto year note; do
		stele-aggregator -C county veto add "$code" "$veto" --year "$year" --note "$note" >/dev/null || exit 1
	done
'

test_expect_success 'the county syncs every village' '
	stele-aggregator -C county sync 2>err &&
	stele-aggregator -C county status --format csv >status.csv &&
	test_grep "^990101001201," status.csv
'

test_expect_success 'the county reviews the self-assessments (reviews.csv, in file order)' '
	load_reference_reviews county &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM assessment_approval")" = 18
'

test_reference_rankings county

test_expect_success 'the county publishes its reviews; each agent shows its reviewed score' '
	stele-aggregator -C county rules publish 2>/dev/null &&
	for dir in v/*/; do stele-agent -C "$dir" sync 2>/dev/null || exit 1; done &&
	stele-agent -C v/990101001203 assess list --year 2026 --format csv >assess.csv &&
	head -n 1 assess.csv >header &&
	echo "year,item_code,item_name,score,max_score,note,reviewed,review_note,approved" >want &&
	test_cmp want header &&
	test_grep "^2026,S1,.*,5.0,佐证材料不全,yes$" assess.csv &&
	stele-agent -C v/990101003203 assess list --year 2026 --format csv >pending.csv &&
	test_grep "^2026,S3,.*,7.8,乡镇初审核减,no$" pending.csv
'

test_expect_success 'each agent ranks its own members as the county does' '
	for dir in "$REFERENCE"/villages/*/; do
		code=$(basename "$dir")
		stele-agent -C "v/$code" points rank --year 2026 --format csv >mine || exit 1
		{ head -n 1 "$REFERENCE/expected/members-2026.csv" &&
		  grep ",$code," "$REFERENCE/expected/members-2026.csv"; } >want
		test_cmp want mine || exit 1
		stele-agent -C "v/$code" points rank --year 2026 --month 2026-10 --format csv >mine || exit 1
		{ head -n 1 "$REFERENCE/expected/members-2026-10.csv" &&
		  grep ",$code," "$REFERENCE/expected/members-2026-10.csv"; } >want
		test_cmp want mine || exit 1
	done
'

test_expect_success 'a second sync of everything changes nothing' '
	sqlite3 county/stele.db "SELECT writer, seq, hex(hash) FROM stele_applied ORDER BY 1, 2" >before &&
	for dir in v/*/; do stele-agent -C "$dir" sync 2>/dev/null || exit 1; done &&
	stele-aggregator -C county sync 2>/dev/null &&
	sqlite3 county/stele.db "SELECT writer, seq, hex(hash) FROM stele_applied ORDER BY 1, 2" >after &&
	test_cmp before after &&
	stele-aggregator -C county rank villages --month 2026-10 --format csv >again &&
	test_cmp "$REFERENCE/expected/league-2026-10.csv" again
'

test_done
