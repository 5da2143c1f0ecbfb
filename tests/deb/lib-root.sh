# lib-root.sh: a fresh Debian 12 root for the packaging tests (debtest.sh,
# newcomer.sh): `debootstrap --variant=minbase bookworm` from the mirror this
# machine's apt uses, made once and kept as build/debtest/bookworm-minbase.tar (a
# rerun unpacks it: seconds, not minutes); each script unpacks it anew, so every
# run starts from a fresh root, removed at exit. Source after test-lib.sh; needs
# root (root_need skips the script otherwise, and fails it on CI).
CACHE=$SRC_ROOT/build/debtest
TARBALL=$CACHE/bookworm-minbase.tar
ROOT=$CACHE/root-$$

# root_need: skips the whole script unless root with debootstrap and chroot.
root_need() {
	if [ "$(id -u)" != 0 ]; then
		test_skip_all "needs root (debootstrap and chroot)"
	fi
	for tool in debootstrap chroot mount mountpoint; do
		command -v $tool >/dev/null 2>&1 ||
			test_skip_all "$tool is not installed (make deps installs debootstrap as root)"
	done
}

# mirror: the Debian archive apt is configured with here (the machine reaches
# it through apt's sources only); STELE_DEBIAN_MIRROR overrides.
mirror() {
	if [ -n "${STELE_DEBIAN_MIRROR:-}" ]; then
		echo "$STELE_DEBIAN_MIRROR"
		return
	fi
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '/^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ && u != "" { print u; exit }
		     /^$/ { u = "" }' "$f"
	done | head -n 1 | grep . && return
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" && $3 == "bookworm" { print ($2 ~ /^\[/ ? $3 : $2); exit }' |
		grep . || echo http://deb.debian.org/debian
}

# timed NAME COMMAND...: runs COMMAND, prints how long it took.
timed() {
	timed_name=$1
	shift
	t0=$(date +%s)
	"$@"
	rc=$?
	echo "# $timed_name: $(($(date +%s) - t0)) s" >&3
	return $rc
}
exec 3>&1

# in_root COMMAND: runs the shell COMMAND in the fresh root as root, with a clean
# environment and at most $IN_ROOT_TIMEOUT (10 minutes).
IN_ROOT_TIMEOUT=600
in_root() {
	timeout "$IN_ROOT_TIMEOUT" chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/sh -c "$1"
}

# remove_root: unmounts the root's /proc, then removes the root (never while
# anything is still mounted in it).
remove_root() {
	if mountpoint -q "$ROOT/proc" 2>/dev/null; then
		umount "$ROOT/proc" || return 1
	fi
	if [ -d "$ROOT" ] && grep -q " $ROOT/" /proc/mounts; then
		echo "something is still mounted in $ROOT; not removing it" >&2
		return 1
	fi
	rm -rf "$ROOT"
}
test_at_end remove_root

make_tarball() {
	rm -rf "$CACHE/bootstrap" &&
	mkdir -p "$CACHE" &&
	timeout 1200 debootstrap --variant=minbase bookworm "$CACHE/bootstrap" "$(mirror)" \
		>"$CACHE/debootstrap.log" 2>&1 &&
	tar -C "$CACHE/bootstrap" -cf "$TARBALL.new" . &&
	mv "$TARBALL.new" "$TARBALL" &&
	rm -rf "$CACHE/bootstrap"
}


# root_fresh: the fresh root at $ROOT, with /proc mounted, the host's resolver,
# the /etc/hosts Debian's installer writes (debootstrap writes none, and the
# HTTPS tests' certificates name localhost), and a policy-rc.d that lets no
# service start; the package lists updated.
root_fresh() {
	if ! test -s "$TARBALL"; then
		echo "# debootstrap from $(mirror): a few minutes, once" >&3
		timed debootstrap make_tarball || { tail -n 20 "$CACHE/debootstrap.log"; return 1; }
	fi
	remove_root && mkdir -p "$ROOT" &&
	timed unpack tar -C "$ROOT" -xf "$TARBALL" &&
	{ cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || :; } &&
	printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
		>"$ROOT/etc/hosts" &&
	mount -t proc proc "$ROOT/proc" &&
	printf "#!/bin/sh\nexit 101\n" >"$ROOT/usr/sbin/policy-rc.d" &&
	chmod 755 "$ROOT/usr/sbin/policy-rc.d" &&
	timed apt-update in_root "apt-get -q update" >"$TRASH/apt-update.log" 2>&1 ||
		{ tail -n 20 "$TRASH/apt-update.log"; return 1; }
}
