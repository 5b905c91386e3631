#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Link down and up under traffic: portlens on net_af_packet on one end of a veth pair (in a
# network namespace of its own), tcpreplay on the other end; mid-replay the link goes down
# for a second and comes back. portlens must keep running, count what arrives after the
# link is back, and stop cleanly with its balance closed.
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
"$plgen" --mix random-ports --count 4000 --seed 71 --out "$tmp/in.pcap" >/dev/null
# nsenter, not "ip netns exec": the latter forks, and signals must reach portlens itself
# shellcheck disable=SC2086
nsenter --net="/run/netns/$ns" -- "$portlens" $lc --no-huge -m 512 --no-pci --no-shconf --file-prefix "pl-flap-$$" \
	--log-level=error --vdev "net_af_packet0,iface=$va,framecnt=4096" \
	-- --workers 1 --tick-ms 200 --json "$tmp/out.json" --json-lines "$tmp/out.jsonl" \
	--json-interval 0.5 --no-summary --quiet >"$tmp/portlens.log" 2>&1 &
pid=$!
sleep 1.5
nsx tcpreplay -i "$vb" --pps 1000 "$tmp/in.pcap" >"$tmp/replay.log" 2>&1 &
rp=$!
sleep 1.5
nsx ip link set "$va" down
sleep 1
nsx ip link set "$va" up
before_up=$(tail -n 1 "$tmp/out.jsonl" | python3 -c "import json,sys;print(json.loads(sys.stdin.read())['balance']['received'])")
wait "$rp" || true
sleep 1
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
