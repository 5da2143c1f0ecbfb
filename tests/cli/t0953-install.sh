#!/bin/sh
test_description='make install: only installs, honours PREFIX, DESTDIR and PKG_CONFIG; make uninstall removes it all'
. "$(dirname "$0")/test-lib.sh"
test_must_run_on_ci

R=$TRASH/root
# mk ARGS...: make in the source tree with the tests' build directory, and an
# apt-get and sudo on PATH that only record being called.
mkdir fakebin
for p in apt-get sudo; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/called"\nexit 1\n' "$p" "$TRASH" >"fakebin/$p"
	chmod +x "fakebin/$p"
done
mk() {
	PATH=$TRASH/fakebin:$PATH make -s -C "$SRC_ROOT" --no-print-directory \
		BUILD="$STELE_BUILD" "$@"
}

test_expect_success 'make install DESTDIR=... PREFIX=/usr installs into the staging root' '
	mk install DESTDIR="$R" PREFIX=/usr >out 2>&1 &&
	test -x "$R/usr/bin/stele-agent" &&
	test -x "$R/usr/bin/stele-aggregator" &&
	test -f "$R/usr/share/man/man1/stele-agent.1" &&
	test -f "$R/usr/share/man/man1/stele-agent-points.1" &&
	test -f "$R/usr/share/man/man1/stele-aggregator.1" &&
	test -f "$R/usr/share/man/man5/stele-format.5" &&
	test -f "$R/usr/share/bash-completion/completions/stele-agent" &&
	test -f "$R/usr/share/bash-completion/completions/stele-aggregator" &&
	test -f "$R/usr/lib/systemd/user/stele-sync.timer" &&
	test -f "$R/usr/lib/systemd/system/stele-county-sync.timer" &&
	test -f "$R/usr/share/doc/stele/clerk-guide.md" &&
	test_grep "^ExecStart=/usr/bin/stele-agent " "$R/usr/lib/systemd/user/stele-sync.service"
'

test_expect_success 'nothing lands outside DESTDIR, nothing was installed with apt' '
	! test -e called &&
	find "$R" -mindepth 1 -maxdepth 1 >top &&
	echo "$R/usr" >expected &&
	test_cmp expected top
'

test_expect_success 'the installed programs and man pages work from there' '
	"$R/usr/bin/stele-agent" --version >out &&
	test_grep "^stele-agent [0-9]" out &&
	MANWIDTH=80 man -M "$R/usr/share/man" stele-agent 2>/dev/null | col -b >page &&
	test_grep "stele-agent - the village clerk" page &&
	MANWIDTH=80 man -M "$R/usr/share/man" 5 stele-format 2>/dev/null | col -b >page &&
	test_grep "STELECS1" page
'

test_expect_success 'the installed program finds its own catalogue, wherever it is installed' '
	env -u STELE_LOCALEDIR LC_ALL=C.UTF-8 LANGUAGE=zh_CN "$R/usr/bin/stele-agent" --help >out &&
	test_grep "用法" out
'

test_expect_success 'installing under another PREFIX rebuilds nothing the tests run' '
	ls -l --time-style=+%s.%N "$STELE_BUILD/stele-agent" "$STELE_BUILD/stele-aggregator" \
		"$STELE_BUILD/lib/i18n.o" >before &&
	mk install DESTDIR="$R/other" PREFIX=/opt/stele >out 2>&1 &&
	ls -l --time-style=+%s.%N "$STELE_BUILD/stele-agent" "$STELE_BUILD/stele-aggregator" \
		"$STELE_BUILD/lib/i18n.o" >after &&
	test_cmp before after &&
	env -u STELE_LOCALEDIR LC_ALL=C.UTF-8 LANGUAGE=zh_CN "$R/other/opt/stele/bin/stele-agent" --help >out &&
	test_grep "用法" out
'
rm -rf "$R/other"

test_expect_success 'the installed completion, loaded by its name as bash-completion does' '
	bash -c "source \"$R/usr/share/bash-completion/completions/stele-aggregator\" &&
		complete -p stele-aggregator" >out &&
	test_grep "_stele stele-aggregator" out
'

test_expect_success 'the default PREFIX is /usr/local' '
	mk -n install DESTDIR="$R/x" >plan &&
	test_grep "$R/x/usr/local/bin" plan &&
	! grep -v "$R/x" plan | grep -q "install -d"
'

test_expect_success 'PKG_CONFIG names the pkg-config to ask' '
	printf "#!/bin/sh\necho \"\$*\" >>\"%s/pkg-config.log\"\nexec pkg-config \"\$@\"\n" "$TRASH" \
		>my-pkg-config && chmod +x my-pkg-config &&
	mk -n -B "$STELE_BUILD/lib/buf.o" PKG_CONFIG="$TRASH/my-pkg-config" >/dev/null &&
	test_grep "libgit2" pkg-config.log
'

test_expect_success 'make uninstall removes every file install put there' '
	mk uninstall DESTDIR="$R" PREFIX=/usr >out 2>&1 &&
	find "$R" -type f -o -type l >left &&
	test_line_count 0 left
'

test_expect_success 'without root, make deps prints the apt-get line, never sudo' '
	if test "$(id -u)" = 0 && command -v setpriv >/dev/null; then
		chmod 755 "$TRASH" &&
		printf "#!/bin/sh\nexit 1\n" >fakebin/dpkg-query &&
		cp "$SRC_ROOT/tools/deps.sh" fakebin/deps.sh &&
		chmod 755 fakebin fakebin/dpkg-query fakebin/deps.sh &&
		! PATH=$TRASH/fakebin:$PATH setpriv --reuid=65534 --regid=65534 --clear-groups \
			sh "$TRASH/fakebin/deps.sh" build 2>err &&
		test_grep "run as root" err &&
		test_grep "^  apt-get install .*libgit2-dev" err &&
		! grep -q "sudo apt-get" err &&
		! test -e called
	fi
'

test_done
