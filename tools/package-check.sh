#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# package-check.sh: install the portlens package on a fresh Debian 12 and run its service.
#
#   tools/package-check.sh [--deb FILE] [--root DIR] [--mirror URL] [--keep]
#
# Builds the package with tools/package.sh unless --deb names one, makes a minimal Debian 12
# root with debootstrap (default mirror http://deb.debian.org/debian, default root a new
# folder under /var/tmp), installs the package there with apt-get (which must bring in every
# dependency the package declares), then boots that root's systemd as PID 1 of new PID and
# mount namespaces and, through systemctl: enables and starts portlens.service with its shipped
# settings (the bundled sample capture replayed through net_pcap: no NIC, no hugepages), waits
# for its RX lcore to start, reloads it (SIGHUP), stops it, and checks that the unit stopped
# with status 0, that the final snapshot (/var/lib/portlens/snapshot.json) says final with a
# balance that closes, and that every log line reached the journal once.
# Needs root, network access to the mirror, debootstrap and about 600 MB of disk. Exit 0 when
# every check passed; each failed check is printed. --keep leaves the root for inspection.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
deb=
root=
mirror=http://deb.debian.org/debian
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--deb) deb=$(realpath "$2"); shift 2 ;;
	--root) root=$2; shift 2 ;;
	--mirror) mirror=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h|--help) sed -n '3,16p' "$0"; exit 0 ;;
	*) echo "package-check.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "package-check.sh: needs root" >&2; exit 2; }
command -v debootstrap >/dev/null || apt-get install -y -q --no-install-recommends debootstrap
work=$(mktemp -d /var/tmp/pl-pkgcheck.XXXXXX)
[ -n "$root" ] || root=$work/root
sd_pid=
cleanup() {
	[ -n "$sd_pid" ] && kill -9 "$sd_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	if [ "$keep" = 1 ]; then
		echo "package-check.sh: root kept in $root"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

fails=0
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}

if [ -z "$deb" ]; then
	echo "== building the package"
	bash "$src/tools/package.sh" --out "$work" >/dev/null
	deb=$(ls "$work"/portlens_*.deb)
fi
echo "== a fresh Debian 12 root in $root"
debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus bookworm "$root" \
	"$mirror" >"$work/debootstrap.log" 2>&1 ||
	{ tail -5 "$work/debootstrap.log"; echo "package-check.sh: debootstrap failed" >&2; exit 1; }
cp "$deb" "$root/root/"
cp /etc/resolv.conf "$root/etc/resolv.conf"

echo "== installing $(basename "$deb") with apt-get"
# apt-get runs in the new root with its own /proc, /sys and /dev, in a private mount namespace
unshare -m --propagation private bash -c "
	mount -t proc proc '$root/proc' && mount --rbind /sys '$root/sys' &&
	mount --rbind /dev '$root/dev' &&
	chroot '$root' /bin/bash -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q /root/$(basename "$deb")'" >"$work/install.log" 2>&1
check "apt-get installs the package and its dependencies on a fresh Debian 12" \
	test -x "$root/usr/bin/portlens"

echo "== booting systemd in the root"
# the root is bound onto itself so that systemd can set up the units' mount namespaces
unshare -pfm --propagation private bash -c "
	mount --rbind '$root' '$root' && mount --make-rshared '$root' &&
	mount -t proc proc '$root/proc' && mount --rbind /sys '$root/sys' &&
	mount --rbind /dev '$root/dev' && mount -t tmpfs tmpfs '$root/run' &&
	exec chroot '$root' /usr/bin/env container=other /lib/systemd/systemd --system \
		--log-target=console" >"$work/boot.log" 2>&1 &
unshare_pid=$!
sd() { nsenter -t "$sd_pid" -m -p -r -w "$@"; }
for _ in $(seq 1 600); do
	sd_pid=$(pgrep -P "$unshare_pid" -x systemd || true)
	if [ -n "$sd_pid" ] && sd systemctl is-system-running 2>/dev/null |
		grep -qE '^(running|degraded)$'; then
		break
	fi
	sleep 0.1
done
[ -n "$sd_pid" ] || { tail -20 "$work/boot.log"; echo "package-check.sh: systemd did not boot" >&2; exit 1; }

echo "== the service"
check "systemctl enable --now portlens" sd systemctl enable --now portlens
ready=0
for _ in $(seq 1 1200); do
	if sd journalctl -u portlens --no-pager 2>/dev/null | grep -q 'RX lcore .* polls'; then
		ready=1
		break
	fi
	sleep 0.1
done
check "the service starts its lcores" test "$ready" = 1
check "systemctl reload portlens (SIGHUP)" sd systemctl reload portlens
reloaded=0
for _ in $(seq 1 600); do
	if sd journalctl -u portlens --no-pager | grep -q 'configuration reloaded'; then
		reloaded=1
		break
	fi
	sleep 0.1
done
check "the reload re-reads the configuration" test "$reloaded" = 1
check "systemctl stop portlens" sd systemctl stop portlens
status=$(sd systemctl show portlens -p ExecMainStatus --value)
check "portlens exits 0 at stop (status $status)" test "$status" = 0
check "the final snapshot says final and its balance closes" python3 -c "
import json, sys
d = json.load(open('$root/var/lib/portlens/snapshot.json'))
b = d['balance']
sys.exit(0 if d['final'] and b['closes'] and b['received'] > 0 and
         b['received'] == b['processed'] + b['dropped_total'] else 1)"
dups=$(sd journalctl -u portlens --no-pager -o cat | grep -v '^host-setup' | sort | uniq -d |
	grep -c . || true)
check "each log line reaches the journal once ($dups repeated)" test "$dups" = 0
sd journalctl -u portlens --no-pager | tail -5
sd systemctl poweroff >/dev/null 2>&1 || true
if [ "$fails" -gt 0 ]; then
	echo "package-check.sh: $fails check(s) failed (logs in $work; --keep to keep them)"
	exit 1
fi
echo "package-check.sh: every check passed"
