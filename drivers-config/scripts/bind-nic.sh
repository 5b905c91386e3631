#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bind-nic.sh: hand NICs to DPDK (vfio-pci, uio_pci_generic) and give them back.
#
# A thin, careful wrapper over dpdk-devbind.py: it loads the user-space I/O module first,
# picks uio_pci_generic (with a warning) when vfio-pci is asked for on a host without an
# IOMMU, refuses to take a NIC whose kernel interface is up and carries routes (the host
# would lose that network, possibly the one you are logged in through) unless --force,
# and shows each device's state afterwards. --unbind returns a device to its kernel driver.
# Needs root except for --list. Exit status: 0 done, 1 failed or refused, 2 bad usage.

set -euo pipefail

. "$(dirname "$(readlink -f "$0")")/messages.sh"
ACTION=
DRIVER=
FORCE=0
NOIOMMU=0
DEVICES=()
SYSFS=${PL_SYSFS:-/sys}	# PL_SYSFS lets a test point the script at a fake tree

usage() {
	cat <<EOF
usage: $PROG --list
       $PROG [--force] [--noiommu] --bind DRIVER PCI...
       $PROG --unbind PCI...

  --list            network devices and the driver each is bound to; IOMMU state
  --bind DRIVER     bind the PCI devices (0000:03:00.0 or 03:00.0) to DRIVER:
                    vfio-pci (needs an IOMMU), uio_pci_generic or igb_uio
  --unbind          give the devices back to their kernel driver
  --force           bind even if the device's interface is up with routes
  --noiommu         with vfio-pci on a host without IOMMU: use vfio's unsafe
                    no-IOMMU mode instead of falling back to uio_pci_generic
  -h, --help        this text

dpdk-devbind.py is taken from \$DPDK_DEVBIND, PATH or /usr/bin/dpdk-devbind.py.
EOF
}

while [ $# -gt 0 ]; do
	case "$1" in
	--list)
		ACTION=list
		shift ;;
	--bind)
		[ $# -ge 2 ] || usage_error "--bind needs a driver and at least one PCI address"
		ACTION=bind
		DRIVER=$2
		shift 2 ;;
	--unbind)
		ACTION=unbind
		shift ;;
	--force)
		FORCE=1
		shift ;;
	--noiommu)
		NOIOMMU=1
		shift ;;
	-h|--help)
		usage
		exit 0 ;;
	-*)
		usage_error "unknown option '$1'" ;;
	*)
		DEVICES+=("$1")
		shift ;;
	esac
done

[ -n "$ACTION" ] || usage_error "one of --list, --bind or --unbind is needed"

find_devbind() {
	local c
	for c in "${DPDK_DEVBIND:-}" "$(command -v dpdk-devbind.py 2>/dev/null || true)" \
			/usr/bin/dpdk-devbind.py /usr/share/dpdk/usertools/dpdk-devbind.py; do
		if [ -n "$c" ] && [ -x "$c" ]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

DEVBIND=$(find_devbind) ||
	die "dpdk-devbind.py not found (Debian: apt-get install dpdk; or set DPDK_DEVBIND)"

iommu_enabled() {
	# Groups exist only when an IOMMU is active (or vfio no-IOMMU mode made them).
	[ -n "$(ls -A "$SYSFS/kernel/iommu_groups" 2>/dev/null)" ]
}

# 0000:03:00.0 from 03:00.0 or 0000:03:00.0; empty when the text is not a PCI address.
normalise_pci() {
	local a=${1,,}
	if [[ $a =~ ^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]]; then
		a=0000:$a
	fi
	if [[ $a =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]]; then
		echo "$a"
	fi
}

# The kernel network interfaces of a PCI device, one per line: directly under the device
# (ixgbe, i40e, mlx5...) or one level down (virtio-pci puts them under virtioN/net).
pci_ifaces() {
	local n
	for n in "$SYSFS/bus/pci/devices/$1"/net/* "$SYSFS/bus/pci/devices/$1"/*/net/*; do
		[ -e "$n" ] && echo "${n##*/}"
	done
	return 0
}

current_driver() {
	local l
	l=$(readlink "$SYSFS/bus/pci/devices/$1/driver" 2>/dev/null) || return 0
	echo "${l##*/}"
}

# Routes that make an interface "in use": any IPv4 route, and IPv6 routes other than the
# link-local and multicast ones every up interface has.
iface_routes() {
	{
		ip -4 route show dev "$1" 2>/dev/null
		ip -6 route show dev "$1" 2>/dev/null | grep -v -E '^(fe80::|ff00::|multicast )' || true
	} | sed '/^$/d'
}

iface_is_up() {
	local flags
	flags=$(cat "$SYSFS/class/net/$1/flags" 2>/dev/null) || return 1
	[ $((flags & 1)) -ne 0 ]	# IFF_UP
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (loads modules and rebinds PCI devices)"
}

load_module() {
	local mod=$1
	if [ -d "$SYSFS/module/${mod//-/_}" ]; then
		say "module $mod already loaded"
		return 0
	fi
	modprobe "$mod" 2>/dev/null || die "cannot load module $mod (modprobe $mod failed;" \
		"is it built for this kernel? igb_uio comes from dpdk-kmods)"
	say "loaded module $mod"
}

show_devices() {
	local status d
	status=$("$DEVBIND" --status 2>/dev/null) || true
	for d in "$@"; do
		grep -F "$d" <<<"$status" || echo "$d: not listed by dpdk-devbind.py"
	done
}

check_devices() {
	local d p
	NORMALISED=()
	[ "${#DEVICES[@]}" -gt 0 ] || usage_error "no PCI address given"
	for d in "${DEVICES[@]}"; do
		p=$(normalise_pci "$d")
		[ -n "$p" ] || die "'$d' is not a PCI address (expected 0000:03:00.0 or 03:00.0)"
		[ -d "$SYSFS/bus/pci/devices/$p" ] || die "no PCI device $p"
		NORMALISED+=("$p")
	done
}

# Refuses (exit 1) when a device's interface is up with routes, unless --force.
check_not_in_use() {
	local p i routes refused=0
	for p in "${NORMALISED[@]}"; do
		while read -r i; do
			[ -n "$i" ] || continue
			iface_is_up "$i" || continue
			routes=$(iface_routes "$i")
			[ -n "$routes" ] || continue
			if [ "$FORCE" = 1 ]; then
				warn "$p ($i) is up with routes; binding anyway (--force): the host" \
					"loses these routes:"
				echo "    ${routes//$'\n'/$'\n'    }" >&2
			else
				echo "$PROG: error: $p is interface $i, which is up with routes:" >&2
				echo "    ${routes//$'\n'/$'\n'    }" >&2
				echo "$PROG: refusing to take it from the kernel; bring $i down" \
					"first (ip link set $i down) or use --force" >&2
				refused=1
			fi
		done < <(pci_ifaces "$p")
	done
	[ "$refused" = 0 ] || exit 1
}

do_list() {
	"$DEVBIND" --status-dev net
	echo
	if iommu_enabled; then
		echo "IOMMU: enabled (vfio-pci can be used)"
	elif [ "$(cat "$SYSFS/module/vfio/parameters/enable_unsafe_noiommu_mode" 2>/dev/null)" = Y ]
	then
		echo "IOMMU: none; vfio no-IOMMU mode is on (unsafe: DMA is not isolated)"
	else
		echo "IOMMU: none (vfio-pci needs intel_iommu=on / amd_iommu=on;" \
			"uio_pci_generic works without)"
	fi
}

do_bind() {
	local p drv
	case "$DRIVER" in
	vfio-pci|uio_pci_generic|igb_uio) ;;
	*) usage_error "--bind takes vfio-pci, uio_pci_generic or igb_uio, not '$DRIVER'" ;;
	esac
	check_devices
	need_root
	check_not_in_use
	drv=$DRIVER
	if [ "$drv" = vfio-pci ] && ! iommu_enabled; then
		if [ "$NOIOMMU" = 1 ]; then
			load_module vfio
			warn "no IOMMU: enabling vfio's unsafe no-IOMMU mode (DMA is not isolated)"
			echo 1 > "$SYSFS/module/vfio/parameters/enable_unsafe_noiommu_mode" ||
				die "cannot enable vfio no-IOMMU mode"
		else
			warn "no IOMMU on this host: vfio-pci cannot be used; binding to" \
				"uio_pci_generic instead (no DMA isolation; --noiommu keeps vfio-pci" \
				"in its unsafe no-IOMMU mode)"
			drv=uio_pci_generic
		fi
	fi
	load_module "$drv"
	for p in "${NORMALISED[@]}"; do
		if [ "$(current_driver "$p")" = "$drv" ]; then
			say "$p already bound to $drv"
			continue
		fi
		if [ "$FORCE" = 1 ]; then
			"$DEVBIND" --force --bind "$drv" "$p" || die "dpdk-devbind.py failed for $p"
		else
			"$DEVBIND" --bind "$drv" "$p" || die "dpdk-devbind.py failed for $p"
		fi
		[ "$(current_driver "$p")" = "$drv" ] ||
			die "$p is not bound to $drv after dpdk-devbind.py (see dmesg)"
		say "bound $p to $drv"
	done
	show_devices "${NORMALISED[@]}"
}

# The kernel driver that would claim the device: the first module its modalias resolves
# to, mapped to the driver name the PCI core knows (ixgbe, i40e, mlx5_core, virtio-pci...).
kernel_driver() {
	local alias mod
	alias=$(cat "$SYSFS/bus/pci/devices/$1/modalias" 2>/dev/null) || return 0
	mod=$(modprobe -R "$alias" 2>/dev/null | head -n1) || true
	case "$mod" in
	'') ;;
	virtio_pci) echo virtio-pci ;;
	*) echo "$mod" ;;
	esac
}

do_unbind() {
	local p drv cur
	check_devices
	need_root
	for p in "${NORMALISED[@]}"; do
		cur=$(current_driver "$p")
		drv=$(kernel_driver "$p")
		if [ -n "$drv" ] && [ "$cur" = "$drv" ]; then
			say "$p already bound to its kernel driver $drv"
			continue
		fi
		if [ -n "$drv" ]; then
			"$DEVBIND" --bind "$drv" "$p" || die "dpdk-devbind.py --bind $drv $p failed"
			say "gave $p back to $drv (was ${cur:-unbound})"
		elif [ -n "$cur" ]; then
			"$DEVBIND" --unbind "$p" || die "dpdk-devbind.py --unbind $p failed"
			warn "no kernel driver known for $p: unbound it from $cur; bind it with" \
				"'dpdk-devbind.py --bind DRIVER $p'"
		else
			say "$p is not bound to any driver"
		fi
	done
	show_devices "${NORMALISED[@]}"
}

case "$ACTION" in
list) do_list ;;
bind) do_bind ;;
unbind) do_unbind ;;
esac
