#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# af-xdp-setup.sh: prepare a kernel network interface for DPDK's net_af_xdp PMD, the way to
# run portlens on a NIC that stays with its kernel driver (see operator-guide.md, "AF_XDP or
# binding the NIC").
#
#   * queues: net_af_xdp opens one AF_XDP socket per queue, from start_queue for
#     queue_count queues; the interface needs that many channels (ethtool -L combined N,
#     or rx N tx N where the driver counts them apart, as veth does), and RSS spreads the
#     traffic over them;
#   * busy polling: the PMD asks for preferred busy polling (SO_PREFER_BUSY_POLL, its
#     busy_budget devarg, 64 by default); the kernel then needs the interface's interrupts
#     deferred (napi_defer_hard_irqs) with a flush timeout (gro_flush_timeout), or traffic
#     waits for interrupts;
#   * MTU: with XDP in native (driver) mode a frame must fit one page with its headroom:
#     the PMD's default frame is 4 KiB, so an MTU above about 3000 bytes is refused by many
#     drivers; the script says so;
#   * privileges: loading the XDP program and the sockets needs CAP_NET_ADMIN, CAP_BPF and
#     CAP_PERFMON (kernel >= 5.8; CAP_SYS_ADMIN before), CAP_NET_RAW; kernels before 5.11
#     charge BPF maps to RLIMIT_MEMLOCK, which must then be raised (the unit sets
#     LimitMEMLOCK=infinity).
#
# The XDP program mode is chosen by libxdp when the PMD starts: native (driver) mode when
# the driver implements XDP, else generic (skb) mode, slower but available on every
# interface. --status shows the mode of an attached program.
#
# usage: af-xdp-setup.sh --iface IF [--queues N] [--busy-poll-defer N] [--gro-flush NS]
#        af-xdp-setup.sh --iface IF --status
# Needs root except for --status. Exit status: 0 done, 1 failed, 2 bad usage.
set -euo pipefail

. "$(dirname "$(readlink -f "$0")")/messages.sh"
IFACE=
QUEUES=1
DEFER=2
FLUSH=200000
ACTION=setup
SYSFS=${PL_SYSFS:-/sys}

usage() {
	cat <<USAGE
usage: $PROG --iface IF [--queues N] [--busy-poll-defer N] [--gro-flush NS]
       $PROG --iface IF --status

  --iface IF             the kernel interface net_af_xdp will use (iface=IF)
  --queues N             channels to configure (queue_count=N of the vdev; default 1)
  --busy-poll-defer N    napi_defer_hard_irqs for preferred busy polling (default 2; 0 off)
  --gro-flush NS         gro_flush_timeout in ns while busy polling (default 200000)
  --status               show channels, busy-poll settings, MTU and any attached XDP program
USAGE
}

while [ $# -gt 0 ]; do
	case "$1" in
	--iface) [ $# -ge 2 ] || usage_error "--iface needs a name"; IFACE=$2; shift 2 ;;
	--queues) [ $# -ge 2 ] || usage_error "--queues needs a number"; QUEUES=$2; shift 2 ;;
	--busy-poll-defer) [ $# -ge 2 ] || usage_error "--busy-poll-defer needs a number"
		DEFER=$2; shift 2 ;;
	--gro-flush) [ $# -ge 2 ] || usage_error "--gro-flush needs a number"; FLUSH=$2; shift 2 ;;
	--status) ACTION=status; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage_error "unknown argument '$1'" ;;
	esac
done
[ -n "$IFACE" ] || usage_error "--iface is required"
for v in "$QUEUES" "$DEFER" "$FLUSH"; do
	case "$v" in ''|*[!0-9]*) usage_error "'$v' is not a non-negative integer" ;; esac
done
[ "$QUEUES" -ge 1 ] || usage_error "--queues must be at least 1"
NET=$SYSFS/class/net/$IFACE
[ -d "$NET" ] || die "no interface '$IFACE' ($NET missing)"

# "combined rx tx" channel counts now, from ethtool -l (0 where the driver has none)
channels() {
	ethtool -l "$IFACE" 2>/dev/null | awk '
		/^Current hardware settings/ { cur = 1 }
		cur && /^Combined:/ { c = $2 } cur && /^RX:/ { r = $2 } cur && /^TX:/ { t = $2 }
		END { printf "%d %d %d\n", c, r, t }'
}

status() {
	local mtu prog
	read -r c r t < <(channels)
	say "$IFACE: channels combined $c rx $r tx $t"
	say "$IFACE: napi_defer_hard_irqs $(cat "$NET/napi_defer_hard_irqs" 2>/dev/null || echo -)" \
		"gro_flush_timeout $(cat "$NET/gro_flush_timeout" 2>/dev/null || echo -)"
	mtu=$(cat "$NET/mtu")
	say "$IFACE: mtu $mtu"
	prog=$(ip -d link show dev "$IFACE" | grep -oE 'xdp(generic|drv|offload)?[^ ]*|prog/xdp id [0-9]+' |
		tr '\n' ' ' || true)
	say "$IFACE: XDP ${prog:-none attached}"
	say "memlock limit of this shell: $(ulimit -l) (kernels before 5.11 need it unlimited)"
}

setup() {
	local c r t mtu
	[ "$(id -u)" -eq 0 ] || die "must run as root (ethtool -L, /sys/class/net writes)"
	command -v ethtool >/dev/null || die "ethtool is needed (apt-get install ethtool)"
	ip link set dev "$IFACE" up || die "cannot bring $IFACE up"
	read -r c r t < <(channels)
	if [ "$c" -ge "$QUEUES" ] || { [ "$c" -eq 0 ] && [ "$r" -ge "$QUEUES" ]; }; then
		say "$IFACE: $QUEUES queue(s) wanted, channels combined $c rx $r: nothing to change"
	elif ethtool -L "$IFACE" combined "$QUEUES" 2>/dev/null; then
		say "$IFACE: channels set to combined $QUEUES"
	elif ethtool -L "$IFACE" rx "$QUEUES" tx "$QUEUES" 2>/dev/null; then
		say "$IFACE: channels set to rx $QUEUES tx $QUEUES"
	else
		die "$IFACE: cannot set $QUEUES channels (ethtool -l $IFACE shows the maximum);" \
			"use queue_count no higher than the interface has"
	fi
	if [ -w "$NET/napi_defer_hard_irqs" ]; then
		echo "$DEFER" >"$NET/napi_defer_hard_irqs"
		echo "$FLUSH" >"$NET/gro_flush_timeout"
		say "$IFACE: busy polling: napi_defer_hard_irqs $DEFER, gro_flush_timeout $FLUSH ns"
	else
		warn "$IFACE: no napi_defer_hard_irqs (kernel before 5.11): no preferred busy" \
			"polling; give the vdev busy_budget=0"
	fi
	# libxdp's dispatcher (several XDP programs on one interface) needs bpffs
	if ! grep -q ' /sys/fs/bpf bpf ' /proc/mounts; then
		if mount -t bpf bpf /sys/fs/bpf 2>/dev/null; then
			say "mounted bpffs on /sys/fs/bpf"
		else
			warn "cannot mount bpffs on /sys/fs/bpf: libxdp loads its program without" \
				"the dispatcher (the interface then holds that one XDP program)"
		fi
	fi
	mtu=$(cat "$NET/mtu")
	if [ "$mtu" -gt 3000 ]; then
		warn "$IFACE: mtu $mtu: XDP native mode needs a frame in one page; many drivers" \
			"refuse an MTU above about 3000 (lower it, or the PMD falls back to generic mode)"
	fi
	say "$IFACE: ready for --vdev net_af_xdp0,iface=$IFACE,start_queue=0,queue_count=$QUEUES"
}

case "$ACTION" in
status) status ;;
setup) setup ;;
esac
