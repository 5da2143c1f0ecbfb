#!/bin/sh
# apt-install.sh: installs Debian packages (as root) for the build or a test and
# leaves the machine's services as they were: nothing installed is started, and
# any unit the packages enabled (lighttpd, ssh, ...) is disabled again.
# usage: apt-install.sh LOG PKG...
# apt's output goes to LOG. Waits for another apt holding the lock (at most 10
# minutes), refreshes the package lists once if the first try fails. Exits 0 when
# every package is installed.
set -u
[ $# -ge 2 ] || { echo "usage: apt-install.sh LOG PKG..." >&2; exit 2; }
log=$1
shift
[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 ||
	{ echo "apt-install.sh: needs root and apt-get" >&2; exit 1; }

policy=/usr/sbin/policy-rc.d
made_policy=0
units=/etc/systemd/system
before=$(mktemp) after=$(mktemp)
cleanup() {
	[ $made_policy = 0 ] || rm -f "$policy"
	rm -f "$before" "$after"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# invoke-rc.d and deb-systemd-invoke ask policy-rc.d before starting a service;
# exit 101 means "no". Ours only if the machine has none, and only for this run.
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# written by stele tools/apt-install.sh for one apt-get run\nexit 101\n' \
		>"$policy" && chmod 755 "$policy" && made_policy=1
fi
# What is enabled now: symbolic links under /etc/systemd/system.
find "$units" -type l 2>/dev/null | sort >"$before"

export DEBIAN_FRONTEND=noninteractive
apt_install() {
	timeout 900 apt-get -o DPkg::Lock::Timeout=600 install -y -q \
		--no-install-recommends "$@" >>"$log" 2>&1
}
: >>"$log"
if ! apt_install "$@"; then
	timeout 300 apt-get -o DPkg::Lock::Timeout=600 update -q >>"$log" 2>&1
	apt_install "$@"
fi
rc=$?

# Disable what the packages enabled (deb-systemd-helper keeps the choice across
# upgrades). Their sysv links, if any, are ignored by systemd where a unit exists.
find "$units" -type l 2>/dev/null | sort >"$after"
comm -13 "$before" "$after" | while read -r link; do
	unit=$(basename "$(readlink "$link")")
	echo "apt-install.sh: disabling $unit, which the installed packages enabled" >>"$log"
	if command -v deb-systemd-helper >/dev/null 2>&1; then
		deb-systemd-helper disable "$unit" >>"$log" 2>&1
	fi
	rm -f "$link"
done
exit $rc
