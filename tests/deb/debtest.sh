#!/bin/sh
test_description='the Debian packages on a fresh Debian 12: apt-get install ./*.deb pulls only Debian packages; man, completion, a village and a county work there'
. "$(dirname "$0")/../cli/test-lib.sh"
test_must_run_on_ci

# `make debtest` builds the packages (make deb, into $STELE_DEB_DIR) and runs
# this script as root, in a fresh Debian 12 root (lib-root.sh). Each step is
# bounded in time; how long each took is printed.
. "$TEST_DIRECTORY/lib-root.sh"
DEB_DIR=${STELE_DEB_DIR:-$SRC_ROOT/build/deb}

root_need
ls "$DEB_DIR"/stele-agent_*.deb "$DEB_DIR"/stele-aggregator_*.deb "$DEB_DIR"/stele-common_*.deb \
	>/dev/null 2>&1 || test_skip_all "no packages in $DEB_DIR (make deb)"

test_expect_success 'a fresh Debian 12 root (debootstrap minbase, cached)' '
	root_fresh &&
	mkdir -p "$ROOT/tmp/debs" &&
	cp "$DEB_DIR"/stele-agent_*.deb "$DEB_DIR"/stele-aggregator_*.deb \
		"$DEB_DIR"/stele-common_*.deb "$ROOT/tmp/debs/"
'

test_expect_success 'apt-get install ./*.deb would pull only Debian packages' '
	in_root "apt-get -s install -y --no-install-recommends /tmp/debs/*.deb" >plan 2>&1 &&
	grep "^Inst " plan >inst &&
	test_grep "^Inst stele-agent " inst &&
	test_grep "^Inst libgit2-1.5 " inst &&
	# every other package comes from the Debian 12 archive
	{ grep -v "^Inst stele-" inst | grep -v "(.* Debian:12[.0-9]*/[a-z-]* \[" >foreign || :; } &&
	test_line_count 0 foreign
'

test_expect_success 'apt-get install ./*.deb installs them' '
	timed apt-install in_root "apt-get -q install -y --no-install-recommends /tmp/debs/*.deb" \
		>install.log 2>&1 || { tail -n 30 install.log; exit 1; } &&
	in_root "dpkg-query -W -f=\"\\\${Status}\\n\" stele-agent stele-aggregator stele-common" >st &&
	test "$(grep -c "install ok installed" st)" = 3
'

test_expect_success 'stele-agent --version, and the county account exists' '
	in_root "stele-agent --version && stele-aggregator --version" >out &&
	test_grep "^stele-agent [0-9]" out &&
	test_grep "^stele-aggregator [0-9]" out &&
	in_root "getent passwd stele" >pw &&
	test_grep "^stele:.*:/var/lib/stele:" pw
'

test_expect_success 'a village: init, a write, a sync to a USB stick; the county merges it' '
	in_root "set -e
		cd /root
		mkdir usb
		stele-agent -C village init --village 990101001201 --name 正营村
		stele-agent -C village member add 王建国 --joined 2001-07-01
		stele-agent -C village points add M0001 B01 --date 2026-10-08
		stele-agent -C village sync --remote /root/usb/990101001201.git
		stele-aggregator -C county init --county 990101 --name 示例县
		stele-aggregator -C county village add 990101001201 --name 正营村 \
			--township-name 东关镇 --key \"\$(stele-agent -C village key)\"
		stele-aggregator -C county sync --from /root/usb
		stele-aggregator -C county status --format csv
	" >out 2>&1 || { cat out; exit 1; } &&
	test_grep "^M0001$" out &&
	test_grep "^990101001201,.*,ok," out
'

test_expect_success 'man stele-agent and stele-format(5), once man-db is there' '
	timed man-db in_root "apt-get -q install -y --no-install-recommends man-db" >man.log 2>&1 &&
	in_root "MANWIDTH=80 man stele-agent | col -b" >page &&
	test_grep "stele-agent - the village clerk" page &&
	in_root "MANWIDTH=80 man 1 stele-agent-points | col -b" >page &&
	test_grep "points review EVENT" page &&
	in_root "MANWIDTH=80 man 5 stele-format | col -b" >page &&
	test_grep "STELECS1" page
'

test_expect_success 'bash completion, loaded on demand by bash-completion' '
	timed bash-completion in_root "apt-get -q install -y --no-install-recommends bash-completion" \
		>bc.log 2>&1 &&
	in_root "bash -c \". /usr/share/bash-completion/bash_completion &&
		__load_completion stele-agent && __load_completion stele-aggregator &&
		complete -p stele-agent stele-aggregator &&
		COMP_WORDS=(stele-agent -C /root/village member set \\\"\\\") COMP_CWORD=5 &&
		_stele && echo \\\"\\\${COMPREPLY[*]}\\\"\"" >out 2>&1 || { cat out; exit 1; } &&
	test_grep "_stele stele-agent" out &&
	test_grep "_stele stele-aggregator" out &&
	test_grep "^M0001$" out
'

test_expect_success 'the units are installed where systemd looks, and none is enabled' '
	test -f "$ROOT/lib/systemd/system/stele-county-sync.timer" &&
	test -f "$ROOT/lib/systemd/system/stele-county-report.timer" &&
	test -f "$ROOT/usr/lib/systemd/user/stele-sync.timer" &&
	test_grep "^ExecStart=/usr/bin/stele-agent " "$ROOT/usr/lib/systemd/user/stele-sync.service" &&
	! find "$ROOT/etc/systemd" -name "stele*" | grep .
'

test_expect_success 'the documents are in /usr/share/doc' '
	test -f "$ROOT/usr/share/doc/stele-agent/clerk-guide.md.gz" &&
	test -f "$ROOT/usr/share/doc/stele-aggregator/county-guide.md.gz" &&
	test -f "$ROOT/usr/share/doc/stele-common/format.md.gz"
'

test_expect_success 'apt-get purge removes them cleanly' '
	in_root "apt-get -q purge -y stele-agent stele-aggregator stele-common" >purge.log 2>&1 &&
	! test -e "$ROOT/usr/bin/stele-agent" &&
	! test -e "$ROOT/lib/systemd/system/stele-county-sync.timer"
'

test_done
