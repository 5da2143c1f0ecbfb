#!/bin/sh
# mkdeb.sh: `make deb`: builds the Debian packages (debian/) with
# `dpkg-buildpackage -us -uc -b` in a clean copy of the source tree under OUTDIR,
# where the .deb files land, then runs lintian on them; any lintian error fails.
# usage: mkdeb.sh OUTDIR
# The build's output goes to OUTDIR/build.log, lintian's to OUTDIR/lintian.log.
set -eu
[ $# -eq 1 ] || { echo "usage: mkdeb.sh OUTDIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -SVersion)
tree=$out/stele-$version

rm -rf "$tree" "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes
mkdir -p "$tree"
# The tracked files when this is a git checkout (nothing built, no demo), else
# the tree without its build directories.
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$src" ls-files -z --cached --others --exclude-standard |
		(cd "$src" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$tree"
else
	(cd "$src" && tar -cf - --exclude=./build --exclude='./build-*' --exclude=./demo .) |
		tar -xf - -C "$tree"
fi
# `make test` runs the unit tests on this same code; the package build skips
# them (DEB_BUILD_OPTIONS=nocheck) unless told otherwise.
DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-nocheck}
export DEB_BUILD_OPTIONS

echo "deb: dpkg-buildpackage in $tree (log: $out/build.log)"
if ! (cd "$tree" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed; the whole log: $out/build.log" >&2
	exit 1
fi
for f in "$out"/*.deb; do
	[ -e "$f" ] || { echo "deb: no .deb was built" >&2; exit 1; }
done
changes=$(ls "$out"/stele_"$version"_*.changes)
echo "deb: lintian $changes (log: $out/lintian.log)"
lintian --fail-on error --display-info "$changes" >"$out/lintian.log" 2>&1 || {
	cat "$out/lintian.log" >&2
	echo "deb: lintian found errors" >&2
	exit 1
}
sed 's/^/  /' "$out/lintian.log"
ls "$out"/*.deb
