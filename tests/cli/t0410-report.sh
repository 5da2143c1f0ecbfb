#!/bin/sh
test_description='stele-aggregator report: one self-contained, deterministic HTML page,
escaped, with the league table, charts and the data-completeness panel'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/rank-lib.sh"

test_expect_success 'the report of the reference county is written' '
	load_reference_county county &&
	stele-aggregator -C county report --month 2026-10 --out report.html 2>err &&
	test_must_be_empty() { ! test -s "$1"; } && test_must_be_empty err &&
	head -n 1 report.html | grep -q "^<!DOCTYPE html>$" &&
	! test -e report.html.tmp
'

test_expect_success 'it lists every village of the league with grades and rank changes' '
	test "$(grep -c "<tr class=\"village" report.html)" = 12 &&
	grep "data-code=\"990101004202\"" report.html | grep -q "<span class=\"grade grade-A\">A</span>" &&
	grep "data-code=\"990101004202\"" report.html | grep -q "<td class=\"up\">↑2</td>" &&
	grep "data-code=\"990101001201\"" report.html | grep -q "<td class=\"down\">↓4</td>" &&
	grep "data-code=\"990101004203\"" report.html | grep -q "unranked"
'

test_expect_success 'it has the rank-history chart, the star chart and the township summary' '
	grep -q "<svg id=\"rank-history\"" report.html &&
	test "$(grep -c "<g class=\"village-line\"" report.html)" = 12 &&
	test "$(grep -o "<svg class=\"spark\"" report.html | wc -l)" = 12 &&
	grep -q "<svg id=\"star-chart\"" report.html &&
	grep -q "<table id=\"townships\">" report.html &&
	# 南营乡: 3 villages, 2 ranked, mean of 70.22 and 57.74, 1 never synced
	grep -q "<td>南营乡</td><td>990101004</td><td class=\"num\">3</td><td class=\"num\">2</td><td class=\"num\">63.98</td>" report.html
'

test_expect_success 'stars: declared beside reviewed, the review, last year and the change' '
	sed -n "/<table id=\"stars\">/,/<\/table>/p" report.html >stars &&
	grep -q "<th><span class=\"zh\">申报得分</span>" stars &&
	grep -q "<th><span class=\"zh\">审核得分</span>" stars &&
	# 寨河村: 67.2 declared, 53.1 reviewed, 1 star, down from 5
	grep "<td>990101001203</td>" stars | grep -q "<td class=\"num\">67.2</td><td class=\"num\">53.1</td><td>★</td><td><span class=\"zh\">已批准</span><span class=\"en\">approved</span></td><td>★★★★★</td><td class=\"down\">↓<span class=\"zh\">摘星</span>" &&
	grep "<td>990101003203</td>" stars | grep -q "<span class=\"zh\">待审核</span>" &&
	sed -n "/<ul id=\"pending-reviews\">/,/<\/ul>/p" report.html >pending &&
	test_grep "土楼胜利村 <code>990101003203</code>" pending &&
	! grep -q "990101001201" pending
'

test_expect_success 'charts at county scale: top and bottom five, one chart per township' '
	test "$(grep -c "<g class=\"top-line\"" report.html)" = 10 &&
	test "$(grep -c "<figure class=\"township-chart\">" report.html)" = 4 &&
	# a name in the league table links to its line, which :target highlights
	grep "data-code=\"990101001201\"" report.html | grep -q "<a href=\"#rank-990101001201\">" &&
	grep -q "<g class=\"village-line\" data-code=\"990101001201\" id=\"rank-990101001201\"" report.html &&
	grep -q "village-line:target polyline" report.html &&
	# no colour repeats within a chart
	sed -n "/<svg id=\"rank-history\"/,/<\/svg>/p" report.html |
		grep -o "<g class=\"top-line\"[^>]*stroke=\"#[0-9a-f]*\"" | sed "s/.*stroke=//" | sort | uniq -d >repeated &&
	test_line_count 0 repeated
'

test_expect_success 'an A4 print stylesheet: landscape, names unbroken, buttons not printed' '
	grep -q "@page { size: A4 landscape;" report.html &&
	grep -q "@media print { nav.lang, button { display: none !important; }" report.html &&
	grep -q "td.vname { white-space: nowrap; }" report.html
'

test_expect_success 'it is self-contained: no external resources' '
	! grep -Eiq "<link|<script[^>]*src|@import|url\\(|<img|<iframe" report.html &&
	test "$(grep -o "https\\?://[^\"]*" report.html | sort -u)" = "http://www.w3.org/2000/svg"
'

test_expect_success 'the same database gives the same bytes' '
	stele-aggregator -C county report --month 2026-10 --out again.html &&
	cmp report.html again.html
'

test_expect_success 'the data-completeness panel names unsynced villages and open months' '
	sed -n "/<section id=\"completeness\">/,/<\\/section>/p" report.html >panel &&
	test_grep "二沟村 <code>990101004203</code>" panel &&
	test_grep "寨河村 <code>990101001203</code>" panel
'

test_expect_success 'quarantined change sets, held streams and odd names are escaped' '
	sqlite3 county/stele.db "
		INSERT INTO village VALUES (\"990101004209\", \"<b>坏&\"\"村</b>\", \"990101004\", \"南营乡\");
		INSERT INTO stele_quarantine (writer, seq, reason, detail, at)
			VALUES (\"990101001202\", 7, \"signature\", \"<script>alert(1)</script>\", 0);
		UPDATE stele_stream SET state = \"held\", state_note = \"history rewritten <x>\"
			WHERE writer = \"990101003201\";" &&
	stele-aggregator -C county report --month 2026-10 --out odd.html &&
	! grep -q "<b>坏" odd.html && ! grep -q "<script>alert" odd.html &&
	test_grep "&lt;b&gt;坏&amp;&quot;村&lt;/b&gt;" odd.html &&
	test_grep "&lt;script&gt;alert(1)&lt;/script&gt;" odd.html &&
	test_grep "<td>990101003201 东子牙村</td><td><span class=\"zh\">暂停合并：该村历史记录被改写</span><span class=\"en\">held</span></td><td>1</td><td><span class=\"zh\">[^<]*</span><span class=\"en\">history rewritten &lt;x&gt;</span></td>" odd.html &&
	test_grep "<td>990101001202 桥南村</td><td>7</td><td><span class=\"zh\">签名无法验证[^<]*</span><span class=\"en\">signature</span></td>" odd.html &&
	# the held village is flagged beside its name in the league table
	grep "data-code=\"990101003201\"" odd.html | grep -q "<small class=\"flag flag-held\"><span class=\"zh\">暂停合并</span>"
'

test_expect_success 'the provenance digest follows the applied change sets' '
	digest() { grep -o "SHA-256 of their list (writer, seq, hash) is <code>[0-9a-f]*" "$1" | sed "s/.*<code>//"; } &&
	before=$(digest odd.html) && test ${#before} = 64 &&
	sqlite3 county/stele.db "INSERT INTO stele_applied (writer, seq, hash, commit_id, created_at, applied_at, rows, summary) VALUES (\"990101001201\", 1, zeroblob(1), NULL, 0, 0, 3, \"seq 1\")" &&
	stele-aggregator -C county report --month 2026-10 --out applied.html &&
	after=$(digest applied.html) && test ${#after} = 64 &&
	test "$before" != "$after" &&
	test_grep "computed from the 1 change sets\\|Computed from the 1 change sets" applied.html
'

test_expect_success 'errors: usage exits 2, an unwritable path exits 1 and leaves nothing' '
	test_expect_code 2 stele-aggregator -C county report --month 2026-10 2>err &&
	test_grep "needs --month YYYY-MM and --out" err &&
	test_expect_code 2 stele-aggregator -C county report --month 10 --out x.html 2>err &&
	test_expect_code 1 stele-aggregator -C county report --month 2026-10 --out no/such/dir.html 2>err &&
	test_grep "cannot write no/such/dir\.html\.[0-9]*\.tmp" err &&
	! test -e no
'

# Headless Chromium renders the page: installed here when we are root and have
# apt-get (bounded), skipped otherwise, never on CI.
test_must_run_on_ci
find_chromium() {
	for c in chromium chromium-browser google-chrome; do
		command -v "$c" >/dev/null 2>&1 && { echo "$c"; return 0; }
	done
	return 1
}
CHROMIUM=$(find_chromium)
if [ -z "$CHROMIUM" ]; then
	test_apt_install chromium && CHROMIUM=$(find_chromium)
fi

chromium_run() {
	mkdir -p "$TRASH/chrome-profile" &&
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$TRASH/chrome-profile" "$@" 2>>"$TRASH/chrome.log"
}

if [ -n "$CHROMIUM" ]; then
	test_expect_success 'headless Chromium: the DOM has the league rows and the SVG charts' '
		chromium_run --dump-dom "file://$TRASH/report.html" >dom.html &&
		test "$(grep -o "<tr class=\"village" dom.html | wc -l)" = 12 &&
		grep -q "<svg id=\"rank-history\"" dom.html &&
		# one unbroken line for each synced village in its township chart and in its
		# small one (庆功台村: a point, it started in October), ten in the chart of
		# the top and bottom five; 二沟村 has none
		test "$(grep -o "<polyline" dom.html | wc -l)" = 32 &&
		test "$(grep -o "<svg class=\"spark\"" dom.html | wc -l)" = 12 &&
		grep -q "<rect class=\"bar\"" dom.html &&
		grep -q "<html lang=\"zh-CN\" class=\"zh\">" dom.html
	'
	test_expect_success 'headless Chromium: the page renders to a screenshot' '
		chromium_run --window-size=1280,2000 --screenshot="$TRASH/shot.png" \
			"file://$TRASH/report.html" >/dev/null &&
		test "$(head -c 8 shot.png | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a
	'
else
	test_skip 'headless Chromium: the DOM has the league rows and the SVG charts' 'no chromium'
	test_skip 'headless Chromium: the page renders to a screenshot' 'no chromium'
fi

test_done
