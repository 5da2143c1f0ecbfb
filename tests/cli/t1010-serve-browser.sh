#!/bin/sh
test_description='the workbench in real Chromium: a clerk'"'"'s month end to end, then the county merges it'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-serve.sh"

# Debian's chromium, chromium-driver and python3-selenium: installed here when
# root (tools/apt-install.sh waits for apt's lock); skipped with the reason
# otherwise, and a failure on CI, where it must run.
test_must_run_on_ci
need="chromium chromium-driver python3-selenium"
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ] && ! test_apt_install $missing; then
	test_skip_all "the browser test needs the Debian packages$missing (installed by this test when it runs as root)"
fi
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import selenium' 2>/dev/null ||
	test_skip_all "/usr/bin/python3 cannot import selenium (python3-selenium)"

# The month the clerk records and closes: the one before this one.
MONTH=$(date -d "$(date +%Y-%m-15) -1 month" +%Y-%m)
SHOTS=${STELE_SCREENSHOTS:-$TRASH/shots}

test_expect_success 'setup: a village, and a folder standing in for /media with a USB stick' '
	new_village v 990101001201 正营村 &&
	mkdir -p media/usb "$SHOTS" &&
	STELE_USB_ROOTS=$TRASH/media serve_start v
'

test_expect_success "a clerk's month in Chromium: members, events reviewed to published, a task, month end, sync to the stick" '
	serve_env &&
	/usr/bin/python3 "$TEST_DIRECTORY/serve-browser.py" "$SERVE_URL" "$MONTH" "$SHOTS" "$TRASH/v" >browser.out 2>&1 ||
		{ cat browser.out; false; } &&
	cat browser.out &&
	! grep -q "^not ok" browser.out
'

test_expect_success 'what the browser did is in the village: the CLI reads it back' '
	serve_env &&
	{ ! pgrep -P "$SERVE_PID" >/dev/null || { echo "the sync still runs" >&2; false; }; } &&
	stele-agent -C v member list --format csv >members &&
	test_grep "^M0001,王建国,M," members && test_grep "^M0003,张伟," members &&
	test_grep "^M0004,赵敏,F," members &&
	stele-agent -C v points list --stage published --format csv >published &&
	test_line_count 4 published &&
	sqlite3 v/stele.db "SELECT period FROM period_close" >closed &&
	echo "$MONTH" >expect && test_cmp expect closed &&
	test -d media/usb/990101001201.git
'

test_expect_success 'the county merges the stick: members, published events, the closed month, the grid, the escalation' '
	stele-aggregator -C county init --county 990101 --name 示例县 >/dev/null 2>&1 &&
	stele-aggregator -C county village add 990101001201 --name 正营村 --township-name 东关镇 \
		--remote "$TRASH/media/usb/990101001201.git" --key "$(stele-agent -C v key)" >/dev/null 2>&1 &&
	stele-aggregator -C county sync >sync.out 2>&1 &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE village_code = '"'"'990101001201'"'"'")" = 4 &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM point_event WHERE stage = '"'"'published'"'"'")" = 3 &&
	test "$(sqlite3 county/stele.db "SELECT period FROM period_close")" = "$MONTH" &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM task WHERE closed_on IS NOT NULL")" = 1 &&
	test "$(sqlite3 county/stele.db "SELECT id, households, worker FROM grid")" = "G1|320|王芳" &&
	test "$(sqlite3 county/stele.db "SELECT handler, escalated_to FROM request_followup")" = "M0002|东关镇"
'

test_done
