#!/bin/sh
test_description='stele-agent status and log'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	new_village v 990101001201 正营村 &&
	stele-agent -C v member add 张三 >/dev/null &&
	stele-agent -C v points add M0001 B01 --date 2026-08-01 >/dev/null &&
	stele-agent -C v points add M0001 B02 --date 2026-08-02 >/dev/null &&
	stele-agent -C v task add 走访 --due 2026-08-30 >/dev/null &&
	stele-agent -C v close 2026-08 --force 2>/dev/null
'

test_expect_success 'status: village, pending change sets, never synced, months, counts' '
	stele-agent -C v status --format csv >out &&
	test_grep "^village,990101001201$" out &&
	test_grep "^name,正营村$" out &&
	test_grep "^pending change sets,5 (of 5 captured)$" out &&
	test_grep "^last sync,never$" out &&
	test_grep "^remote,none$" out &&
	test_grep "^rules version,default catalogue" out &&
	test_grep "^months closed,1 (2026-08 to 2026-08)$" out &&
	test_grep "^point events,2 (2 under review)$" out &&
	test_grep "^tasks,1 (1 open)$" out
'

test_expect_success 'status reads what sync records: synced seq, last sync, remote, rules version' '
	sqlite3 v/stele.db "INSERT INTO stele_meta VALUES ('\''synced_seq'\'', '\''3'\''), ('\''remote'\'', '\''file:///mnt/usb/v.git'\''), ('\''county_seq'\'', '\''7'\''), ('\''last_sync_at'\'', '\''2026-09-01T08:00:00Z'\'')" &&
	stele-agent -C v status --format csv >out &&
	test_grep "^pending change sets,2 (of 5 captured)$" out &&
	test_grep "^remote,file:///mnt/usb/v.git$" out &&
	test_grep "^rules version,county change set 7$" out &&
	TZ=UTC stele-agent -C v status --format csv >out &&
	test_grep "^last sync,2026-09-01 08:00:00 +00:00$" out &&
	TZ=CST-8 stele-agent -C v status --format csv >out &&
	test_grep "^last sync,2026-09-01 16:00:00 +08:00$" out
'

test_expect_success 'log lists the change sets newest first; -n limits' '
	stele-agent -C v log --format csv >out &&
	test_line_count 6 out &&
	head -n 1 out >h && echo "seq,time,summary,commit,signature" >expect && test_cmp expect h &&
	sed -n 2p out | grep -q "^5," &&
	sed -n 6p out | grep -q "^1," &&
	stele-agent -C v log -n 2 --format csv >out &&
	test_line_count 3 out &&
	test_expect_code 2 stele-agent -C v log -n many 2>err
'

test_expect_success 'the log summary says what changed' '
	stele-agent -C v log --format csv | sed -n 2p >line &&
	test_grep "2026-08" line
'

test_expect_success 'log and status show local time with its offset, as everywhere' '
	sqlite3 v/stele.db "UPDATE stele_outbox SET created_at = 1788220800 WHERE seq = 1" &&
	TZ=CST-8 stele-agent -C v log --format csv >out &&
	test_grep "^1,2026-09-01 08:00:00 +08:00,member M0001 added," out &&
	TZ=UTC stele-agent -C v log --format csv >out &&
	test_grep "^1,2026-09-01 00:00:00 +00:00,member M0001 added," out
'

test_done
