#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# package.sh: build a Debian package of portlens from this tree.
#
#   tools/package.sh [--out DIR] [--build DIR] [--no-pgo]
#
# Configures a build with prefix /usr (configuration in /etc/portlens, data in
# /usr/share/portlens, host scripts in /usr/libexec/portlens, the unit in systemd's unit
# folder), installs it into a staging folder (meson install --destdir), and packs that with
# dpkg-deb: DIR/portlens_VERSION_ARCH.deb (DIR defaults to the current folder). --build
# reuses a build folder across runs (default: a temporary one). The program is built
# profile-guided (tools/pgo.sh) unless --no-pgo is given. Depends come from
# dpkg-shlibdeps on the program (every shared library it links, with its minimum version),
# plus the DPDK drivers the default service uses and the tools the host scripts call.
# Install it with `apt-get install ./portlens_*.deb`; docs/operator-guide.md says what then.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
out=$PWD
build=
pgo=1
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--no-pgo) pgo=0; shift ;;
	-h|--help) sed -n '3,15p' "$0"; exit 0 ;;
	*) echo "package.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
for tool in meson ninja dpkg-deb dpkg-shlibdeps; do
	command -v "$tool" >/dev/null || { echo "package.sh: $tool is needed" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "$build" ] || build=$work/build
mkdir -p "$out"
out=$(cd "$out" && pwd)

# ---- build and stage ----
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$src" --prefix=/usr --buildtype=release -Dtests=disabled >/dev/null
fi
PORTLENS_PGO=$pgo "$src/tools/pgo.sh" "$build" >/dev/null
stage=$work/root
DESTDIR=$stage meson install -C "$build" --no-rebuild --quiet >/dev/null
strip --strip-unneeded "$stage/usr/bin/portlens"

version=$(meson introspect --projectinfo "$build" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
arch=$(dpkg --print-architecture)

# ---- dependencies: the program's shared libraries, then what it loads or calls ----
mkdir -p "$work/debian"
printf 'Source: portlens\n\nPackage: portlens\nArchitecture: any\n' >"$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O "$stage/usr/bin/portlens" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "package.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# A shared DPDK build (-Ddpdk_static=false) loads its drivers as plugins: the default
# service's net_pcap, the AF_XDP and AF_PACKET drivers for NICs that stay with the kernel,
# the ring mempool every port uses. The static build (the default) has them linked in.
dpdk_abi=$(dpkg-query -W -f='${Version}' librte-eal23 2>/dev/null | cut -d- -f1)
# the HTTP server's library is loaded when --http starts it (lib/http/mhd.c), not linked
mhd_so=$(ldconfig -p | awk '$1 == "libmicrohttpd.so.12" && !f {print $NF; f = 1}')
mhd=$({ dpkg -S "$(readlink -f "${mhd_so:-/nonexistent}")" 2>/dev/null || true; } |
	awk -F: 'NR == 1 {print $1}')
shlibs="$shlibs, ${mhd:-libmicrohttpd12}"
depends="$shlibs, iproute2"
if objdump -p "$stage/usr/bin/portlens" | grep -q 'NEEDED *librte_eal'; then
	depends="$shlibs, librte-net-pcap23, librte-net-af-xdp23, librte-net-af-packet23, librte-mempool-ring23, iproute2"
fi
recommends="dpdk (>= ${dpdk_abi:-22.11}), ethtool"

# ---- control files ----
mkdir -p "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: portlens
Version: $version
Architecture: $arch
Maintainer: portlens maintainers <portlens@localhost>
Installed-Size: $size
Depends: $depends
Recommends: $recommends
Section: net
Priority: optional
Homepage: https://github.com/portlens/portlens
Description: DPDK packet-processing appliance: traffic analysis and policy
 portlens analyses the traffic of DPDK ports or capture files: directions, port bins,
 service classes, TCP outcomes, payload signatures (Hyperscan), policy findings, with a
 console, a dashboard, Prometheus, IPFIX export and a report. The package holds the
 program, the default configuration (/etc/portlens/portlens.yaml), the signature file
 and port profiles (/usr/share/portlens), the host set-up scripts (hugepages, NIC binding,
 AF_XDP) and a systemd unit (portlens.service; settings in /etc/default/portlens).
CONTROL
(cd "$stage" && find etc -type f | sed 's|^|/|') >"$stage/DEBIAN/conffiles"
cat >"$stage/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
# the unit is installed, not enabled: set /etc/default/portlens first, then
# `systemctl enable --now portlens`
set -e
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
	systemctl daemon-reload || true
fi
exit 0
SCRIPT
cat >"$stage/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
	systemctl stop portlens.service || true
	systemctl disable portlens.service || true
fi
exit 0
SCRIPT
cat >"$stage/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = purge ]; then
	rm -rf /var/lib/portlens
fi
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload || true
fi
exit 0
SCRIPT
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"

deb=$out/portlens_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
