#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Link down and up under traffic: portlens on net_af_packet on one end of a veth pair (in a
# network namespace of its own), tcpreplay on the other end; between two replays the link
# goes down for a third one (lost) and comes back. portlens must keep running, count what
# arrives after the link is back, and stop cleanly with its balance closed.
# usage: test_link_flap.sh PORTLENS PL_GEN
set -euo pipefail
. "$(dirname "$0")/lib.sh"
portlens=$1
plgen=$2
[ "$(id -u)" -eq 0 ] || { echo "needs root: skipped"; exit 77; }
command -v tcpreplay >/dev/null || { echo "no tcpreplay: skipped"; exit 77; }
ns=plflap$$
va=plf$$a
vb=plf$$b
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && sleep 1
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null || true
	[ -n "${PL_KEEP:-}" ] || rm -rf "$tmp"; rm -rf "/var/run/dpdk/pl-flap-$$"
}
trap cleanup EXIT
ip netns add "$ns" 2>/dev/null || { echo "no network namespaces: skipped"; exit 77; }
nsx() { ip netns exec "$ns" "$@"; }
nsx ip link add "$va" type veth peer name "$vb" || { echo "no veth: skipped"; exit 77; }
for v in "$va" "$vb"; do
	nsx sysctl -qw "net.ipv6.conf.$v.disable_ipv6=1" 2>/dev/null || true
	nsx ip link set "$v" up
done
# 4000 frames in three parts, so that what is sent while the link is down is defined by
# the test's steps, not by timing: 1500 before, 1000 while down, 1500 after
"$plgen" --mix random-ports --count 1500 --seed 71 --out "$tmp/before.pcap" >/dev/null
"$plgen" --mix random-ports --count 1000 --seed 72 --out "$tmp/down.pcap" >/dev/null
"$plgen" --mix random-ports --count 1500 --seed 73 --out "$tmp/after.pcap" >/dev/null
# nsenter, not "ip netns exec": the latter forks, and signals must reach portlens itself
# shellcheck disable=SC2086
nsenter --net="/run/netns/$ns" -- "$portlens" $lc --no-huge -m 512 --no-pci --no-shconf --file-prefix "pl-flap-$$" \
	--log-level=error --vdev "net_af_packet0,iface=$va,framecnt=4096" \
	-- --workers 1 --tick-ms 200 --json "$tmp/out.json" --json-lines "$tmp/out.jsonl" \
	--json-interval 0.5 --no-summary --quiet >"$tmp/portlens.log" 2>&1 &
pid=$!
# received: frames received in the newest --json-lines snapshot (-1 before the first one);
# read with grep, not python: cheap enough to poll on a loaded machine
received() {
	local lines n
	# complete lines only: the newest may be half written
	lines=$(wc -l <"$tmp/out.jsonl" 2>/dev/null || echo 0)
	n=$(head -n "$lines" "$tmp/out.jsonl" 2>/dev/null | tail -n 1 |
		grep -o '"balance":{"received":[0-9]*' | grep -o '[0-9]*$')
	echo "${n:--1}"
}
# wait_received N: until a snapshot has more than N frames received (bound 60 s)
wait_received() {
	local end=$((SECONDS + 60))
	while [ "$SECONDS" -lt "$end" ]; do
		[ "$(received)" -gt "$1" ] && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# portlens is up: its first snapshot is out
wait_received -1 || { cat "$tmp/portlens.log"; echo "FAIL: portlens did not start"; exit 1; }
replay() { nsx tcpreplay -i "$vb" --pps 1000 "$tmp/$1.pcap" >>"$tmp/replay.log" 2>&1 || true; }
replay before
wait_received 0 || true # traffic arrived
# operstate: the kernel applies a link change asynchronously (linkwatch)
operstate() { # IFACE STATE: until the interface is in that state (bound 60 s)
	local end=$((SECONDS + 60))
	while [ "$SECONDS" -lt "$end" ]; do
		[ "$(nsx cat "/sys/class/net/$1/operstate")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "FAIL: $1 did not go $2"
	return 1
}
nsx ip link set "$va" down
operstate "$vb" lowerlayerdown # its peer is down
replay down # sent while the link is down: the kernel drops it
nsx ip link set "$va" up
operstate "$va" up
operstate "$vb" up
before_up=$(received)
replay after
wait_received "$before_up" || true # what was sent after the link came back has arrived
alive=$(kill -0 "$pid" 2>/dev/null && echo True || echo False)
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
python3 - "$tmp/out.json" "$before_up" "$alive" "$rc" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); before_up = int(sys.argv[2]); alive = sys.argv[3] == "True"
rc = int(sys.argv[4]); b = d["balance"]
checks = [
    ("portlens kept running through the link flap", alive),
    ("it stopped cleanly (exit 0)", rc == 0),
    ("frames sent after the link came back were counted", b["received"] > before_up > 0),
    ("some frames were lost while the link was down (the kernel drops them)",
     b["received"] < 4000),
    ("nothing in flight, the balance closes",
     b["in_flight"] == 0 and b["received"] == b["processed"] + b["dropped_total"]),
]
fail = 0
for name, ok in checks:
    print(("ok: " if ok else "FAIL: ") + name)
    fail += not ok
print("%d passed, %d failed" % (len(checks) - fail, fail))
sys.exit(1 if fail else 0)
PY
