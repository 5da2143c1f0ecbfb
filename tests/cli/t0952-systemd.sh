#!/bin/sh
test_description='systemd units: installed with the installed path, pass systemd-analyze verify, and their commands work'
. "$(dirname "$0")/test-lib.sh"
test_must_run_on_ci

if ! command -v systemd-analyze >/dev/null 2>&1; then
	test_skip 'systemd units' 'systemd-analyze is not installed (Debian package systemd)'
	test_done
fi

# Installed into a prefix of its own (no DESTDIR), so the units name programs
# that exist and `man:` links resolve against the installed man pages.
P=$TRASH/prefix
install_here() {
	make -s -C "$SRC_ROOT" --no-print-directory BUILD="$STELE_BUILD" PREFIX="$P" install \
		>"$TRASH/install.log" 2>&1
}

test_expect_success 'make install puts the units in place with the installed path' '
	install_here &&
	for u in stele-sync.service stele-sync.timer; do
		test -f "$P/lib/systemd/user/$u" || exit 1
	done &&
	for u in stele-county-sync.service stele-county-sync.timer \
		stele-county-report.service stele-county-report.timer; do
		test -f "$P/lib/systemd/system/$u" || exit 1
	done &&
	test_grep "^ExecStart=$P/bin/stele-agent sync --timeout 10m$" \
		"$P/lib/systemd/user/stele-sync.service" &&
	test_grep "^ExecStart=$P/bin/stele-aggregator sync " \
		"$P/lib/systemd/system/stele-county-sync.service" &&
	! grep -r "@BINDIR@" "$P/lib/systemd"
'

test_expect_success 'the county units pass systemd-analyze verify' '
	MANPATH=$P/share/man systemd-analyze verify "$P"/lib/systemd/system/* >out 2>&1 &&
	! grep . out
'

test_expect_success 'the clerk'"'"'s user units pass systemd-analyze --user verify' '
	mkdir -m 700 runtime &&
	XDG_RUNTIME_DIR=$TRASH/runtime MANPATH=$P/share/man \
		systemd-analyze --user verify "$P"/lib/systemd/user/* >out 2>&1 &&
	! grep . out
'

test_expect_success 'verify catches a unit whose program is missing (the check can fail)' '
	sed "s|$P/bin/stele-aggregator|$P/bin/no-such-program|" \
		"$P/lib/systemd/system/stele-county-sync.service" >stele-county-sync.service &&
	! MANPATH=$P/share/man systemd-analyze verify ./stele-county-sync.service >out 2>&1 &&
	test_grep "no-such-program" out
'

# exec_start UNIT: the ExecStart= command line with systemd's escapes ($$, %%)
# undone, for sh.
exec_start() {
	sed -n "s/^ExecStart=//p" "$1" | sed "s/%%/%/g; s/\\\$\\\$/\$/g"
}

test_expect_success 'setup: a county with one village that has synced' '
	new_village v 990101001201 &&
	stele-agent -C v member add 王建国 >/dev/null &&
	stele-agent -C v points add M0001 B01 --date "$(date +%Y-%m)-01" >/dev/null &&
	stele-agent -C v sync --remote "$TRASH/990101001201.git" >/dev/null 2>&1 &&
	stele-aggregator -C county init --county 990101 --name 示例县 >/dev/null 2>&1 &&
	stele-aggregator -C county village add 990101001201 --name 正营村 --township-name 东关镇 \
		--remote "$TRASH/990101001201.git" --key "$(stele-agent -C v key)" >/dev/null
'

test_expect_success 'the county sync service'"'"'s command fetches and merges' '
	cmd=$(exec_start "$P/lib/systemd/system/stele-county-sync.service") &&
	STELE_DIR=$TRASH/county sh -c "$cmd" >out 2>&1 &&
	stele-aggregator -C county status --format csv >status &&
	test_grep "^990101001201,.*,ok," status
'

test_expect_success 'the report service'"'"'s command writes last month'"'"'s report' '
	last=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m) &&
	cmd=$(exec_start "$P/lib/systemd/system/stele-county-report.service") &&
	STELE_DIR=$TRASH/county STELE_REPORT_DIR=$TRASH/reports sh -c "$cmd" &&
	test -s "reports/report-$last.html" &&
	test_grep "$last" "reports/report-$last.html"
'

test_expect_success 'the timers are not enabled by installing: [Install] only' '
	test_grep "^WantedBy=timers.target$" "$P/lib/systemd/system/stele-county-sync.timer" &&
	test_grep "^WantedBy=timers.target$" "$P/lib/systemd/user/stele-sync.timer" &&
	! test -e "$P/etc"
'

test_done
