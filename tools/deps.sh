#!/bin/sh
# deps.sh: makes sure the Debian packages Stele builds and tests with are present.
# As root it installs what is missing with apt-get; otherwise it prints the exact
# command to run and fails.
set -u
# Build: the compiler and the libraries (libxlsxwriter writes .xlsx; minizip and
# expat read it). Tests: cmocka, the sqlite3 and git
# programs, prove (perl), python3 (writes the .xlsx files the import tests read), faketime (clock skew), strace (the crash campaign), clang
# with its fuzzer runtime (the libFuzzer targets). Tests needing servers or a
# browser install those packages themselves.
pkgs="build-essential pkg-config libsqlite3-dev libgit2-dev zlib1g-dev libsodium-dev
libxlsxwriter-dev libminizip-dev libexpat1-dev libcmocka-dev sqlite3 git perl python3 faketime strace clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || true
	apt-get install -y -qq --no-install-recommends $missing >&2 && exit 0
	echo "deps: apt-get failed; run: apt-get install$missing" >&2
	exit 1
fi
echo "deps: missing Debian packages; run: sudo apt-get install$missing" >&2
exit 1
