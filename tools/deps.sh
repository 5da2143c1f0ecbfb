#!/bin/sh
# deps.sh: the Debian packages Stele builds, tests and packages with.
# usage: deps.sh [--check] [build|test|deb]...   (default: build test)
# Installs what is missing with apt-get when root (`make deps`); as another user,
# or with --check (`make` itself never installs anything), prints the command to
# run and fails. apt's output goes to $TMPDIR/stele-deps.log (not build/, which
# a root-owned file would make unwritable for the user who builds), not to the screen.
set -u
# build: the compiler, pkg-config, the libraries (libmicrohttpd: the workbench's
# HTTP server; libxlsxwriter writes .xlsx; minizip and expat read it), scdoc (the
# man pages), gettext (xgettext, msgmerge and msgfmt make the message catalogues:
# docs/translating.md).
# test: cmocka, curl (the workbench's pages), the sqlite3 and git programs, prove
# (perl), python3 (writes the workbooks the import tests read; runs tools/oracle.py
# and tools/gen-county.py, the rankings' independent check, t0425), faketime (clock
# skew), strace (the crash campaign), time (a fetch's peak memory, t0758), clang
# with its fuzzer runtime (the libFuzzer targets), bash-completion and systemd
# (systemd-analyze verify of the units; installing it starts nothing: see
# tests/cli/lib-apt.sh), iproute2 (ss: which ports are free, and that the
# workbench listens on 127.0.0.1 only; a minbase install has none). The tests that need servers or a browser install those
# packages themselves, when root.
# deb: what `make deb` and `make debtest` use: debhelper, lintian, debootstrap.
build="build-essential pkg-config libsqlite3-dev libgit2-dev zlib1g-dev libsodium-dev
libmicrohttpd-dev libxlsxwriter-dev libminizip-dev libexpat1-dev scdoc gettext"
test="libcmocka-dev curl sqlite3 git perl python3 faketime strace time clang libclang-rt-14-dev
bash-completion systemd man-db iproute2"
deb="debhelper dpkg-dev lintian debootstrap"

check=0
groups=""
for a in "$@"; do
	case $a in
	--check) check=1 ;;
	build | test | deb) groups="$groups $a" ;;
	*) echo "usage: deps.sh [--check] [build|test|deb]..." >&2; exit 2 ;;
	esac
done
[ -n "$groups" ] || groups="build test"
command -v dpkg-query >/dev/null 2>&1 || exit 0 # not Debian: nothing to check

pkgs=""
for g in $groups; do
	eval "pkgs=\"\$pkgs \$$g\""
done
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ $check = 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	log=${TMPDIR:-/tmp}/stele-deps.log
	echo "deps: installing$missing (apt-get's output: $log)" >&2
	: >"$log"
	# apt-install.sh waits for another apt's lock, refreshes the package lists if
	# needed, and starts or enables no service.
	if sh "$(dirname "$0")/apt-install.sh" "$log" $missing; then
		exit 0
	fi
	tail -n 20 "$log" >&2
	echo "deps: apt-get failed ($log); run as root: apt-get install$missing" >&2
	exit 1
fi
if [ $check = 1 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: 'make deps' as root installs them, or run as root: apt-get install$missing" >&2
else
	echo "deps: missing Debian packages; run as root (su -, or sudo if you use it):" >&2
	echo "  apt-get install$missing" >&2
fi
exit 1
