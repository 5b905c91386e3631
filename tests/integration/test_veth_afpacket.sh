#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# veth_afpacket: portlens on a live kernel interface. A network namespace holds a veth pair;
# portlens runs on one end through net_af_packet, tcpreplay replays a generated capture into
# the other end, and the final JSON snapshot must account for every replayed frame:
#   * totals.packets >= frames replayed (the kernel may add a few frames of its own);
#   * protocols.ipv4/ipv6/tcp/udp >= what was replayed of each;
#   * for every TCP/UDP destination port in the capture, the packets and bytes summed over
#     the directions in ports equal what was replayed to that port, exactly;
#   * balance.in_flight == 0 and balance.received == processed + sum(dropped).
#
# usage: test_veth_afpacket.sh PORTLENS [PL_GEN]
#   PORTLENS  path of the portlens binary
#   PL_GEN    path of pl-gen (default: tools/gen/pl-gen beside PORTLENS's build dir, or
#             $PL_GEN); without it the capture is written by a python3 snippet below
# Environment: PL_KEEP=1 keeps the work directory (its path is printed).
# Exit status: 0 pass, 1 fail, 77 skipped (not root, no netns/veth, no tcpreplay).
# PL_VETH_PMD=af_xdp runs the same on net_af_xdp instead (test_veth_afxdp.sh): the XDP
# program is attached to portlens's end (native XDP, which veth implements) after
# af-xdp-setup.sh prepared it; the test skips, saying why, when the kernel refuses AF_XDP.
set -euo pipefail

pmd=${PL_VETH_PMD:-af_packet}
NAME=veth_${pmd//_/}
COUNT=2000
PPS=2000
DURATION=6

say() { echo "$NAME: $*"; }
skip() { echo "$NAME: SKIP: $*"; exit 77; }
die() { echo "$NAME: FAIL: $*"; exit 1; }

[ $# -ge 1 ] || { echo "usage: $0 PORTLENS [PL_GEN]" >&2; exit 2; }
portlens=$1
[ -x "$portlens" ] || die "$portlens is not an executable"
pl_gen=${2:-${PL_GEN:-$(dirname "$(dirname "$(readlink -f "$portlens")")")/tools/gen/pl-gen}}

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, veth, $pmd sockets)"
command -v ip > /dev/null || skip "ip (iproute2) not found"
command -v tcpreplay > /dev/null || skip "tcpreplay not found"
py=$(command -v python3) || skip "python3 not found"

ns=plns$$
va=plv$$a	# portlens's end
vb=plv$$b	# tcpreplay's end
work=$(mktemp -d "${TMPDIR:-/tmp}/pl-veth.XXXXXX")
pl_pid=

# Runs on every exit path: stop portlens if it still runs, remove the namespace (which takes
# the veth pair with it), remove the work directory.
cleanup() {
	local rc=$?
	if [ -n "$pl_pid" ] && kill -0 "$pl_pid" 2> /dev/null; then
		kill -TERM "$pl_pid" 2> /dev/null || true
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pl_pid" 2> /dev/null || break
			sleep 0.3
		done
		kill -KILL "$pl_pid" 2> /dev/null || true
		wait "$pl_pid" 2> /dev/null || true
	fi
	ip netns del "$ns" 2> /dev/null || true
	ip link del "$va" 2> /dev/null || true
	rm -rf "/var/run/dpdk/pl-veth-$$"	# EAL's runtime dir (root: /var/run), even with --no-shconf
	if [ "${PL_KEEP:-0}" = 1 ]; then
		echo "$NAME: work directory kept: $work"
	else
		rm -rf "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

nsx() { ip netns exec "$ns" "$@"; }

ip netns add "$ns" 2> "$work/netns.err" || skip "cannot create a network namespace: $(cat "$work/netns.err")"
nsx ip link add "$va" type veth peer name "$vb" 2> "$work/veth.err" ||
	skip "cannot create a veth pair: $(cat "$work/veth.err")"
# No IPv6 on either end: no router solicitations, DAD or MLD frames from the kernel, so what
# portlens sees is what was replayed (the checks still allow extra frames).
for v in "$va" "$vb"; do
	nsx sysctl -qw "net.ipv6.conf.$v.disable_ipv6=1" 2> /dev/null || true
	nsx ip link set "$v" up
done

# --- the capture ------------------------------------------------------------------------
pcap=$work/replay.pcap
if [ -x "$pl_gen" ]; then
	"$pl_gen" --mix random-ports --count "$COUNT" --seed 7 --out "$pcap" > "$work/gen.log" 2>&1 ||
		die "pl-gen failed: $(cat "$work/gen.log")"
	say "capture: $COUNT frames from pl-gen --mix random-ports --seed 7"
else
	# IPv4 and IPv6 TCP/UDP frames, half toward 10.0.0.0/8 (in) and half from it (out),
	# random destination ports, deterministic (seed 7).
	"$py" - "$pcap" "$COUNT" <<'EOF'
import random, struct, sys

out, count = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def l4(proto, sport, dport, payload, pseudo):
    if proto == 6:
        hdr = struct.pack("!HHIIBBHHH", sport, dport, rnd.getrandbits(32), 0, 5 << 4, 0x18,
                          65535, 0, 0)
    else:
        hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    seg = hdr + payload
    c = csum(pseudo + seg) or 0xFFFF
    off = 16 if proto == 6 else 6
    return seg[:off] + struct.pack("!H", c) + seg[off + 2:]


def frame(i):
    proto = 6 if rnd.random() < 0.5 else 17
    sport, dport = rnd.randrange(1024, 65536), rnd.randrange(0, 65536)
    payload = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 200)))
    inbound = i % 2 == 0
    if i % 4 < 3:   # IPv4
        loc = bytes([10, rnd.randrange(256), rnd.randrange(256), rnd.randrange(1, 255)])
        pub = bytes([198, 51, 100, rnd.randrange(1, 255)])
        src, dst = (pub, loc) if inbound else (loc, pub)
        plen = (20 if proto == 6 else 8) + len(payload)
        seg = l4(proto, sport, dport, payload, src + dst + struct.pack("!BBH", 0, proto, plen))
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), i & 0xFFFF, 0x4000, 64,
                         proto, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        et, l3 = 0x0800, ip + seg
    else:           # IPv6, 2001:db8::/32 outside, fd00::/8 (ULA) inside
        loc = bytes([0xfd, 0]) + bytes(rnd.getrandbits(8) for _ in range(14))
        pub = bytes([0x20, 0x01, 0x0d, 0xb8]) + bytes(rnd.getrandbits(8) for _ in range(12))
        src, dst = (pub, loc) if inbound else (loc, pub)
        plen = (20 if proto == 6 else 8) + len(payload)
        seg = l4(proto, sport, dport, payload,
                 src + dst + struct.pack("!IxxxB", plen, proto))
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(seg), proto, 64, src, dst)
        et, l3 = 0x86DD, ip + seg
    eth = bytes.fromhex("020000000002") + bytes.fromhex("020000000001") + struct.pack("!H", et)
    f = eth + l3
    return f + b"\0" * max(0, 60 - len(f))


with open(out, "wb") as fh:
    fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i in range(count):
        f = frame(i)
        t = 1700000000 * 1000000 + i * 500
        fh.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(f), len(f)))
        fh.write(f)
EOF
	say "capture: $COUNT frames from the built-in python generator (no pl-gen at $pl_gen)"
fi

# What the capture holds, by the definitions portlens shares (DESIGN.md): frames, IPv4/IPv6,
# TCP/UDP (IPv4 fragments excluded), and per destination port packets and bytes.
"$py" - "$pcap" > "$work/expected.json" <<'EOF'
import json, struct, sys

data = open(sys.argv[1], "rb").read()
magic = struct.unpack("<I", data[:4])[0]
if magic in (0xA1B2C3D4, 0xA1B23C4D):
    end = "<"
elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
    end = ">"
else:
    sys.exit("not a pcap file")
linktype = struct.unpack(end + "I", data[20:24])[0]
if linktype != 1:
    sys.exit("link type %d, expected Ethernet" % linktype)
exp = {"frames": 0, "bytes": 0, "ipv4": 0, "ipv6": 0, "tcp": 0, "udp": 0, "ports": {}}
off = 24
while off + 16 <= len(data):
    _, _, caplen, wirelen = struct.unpack(end + "IIII", data[off:off + 16])
    f = data[off + 16:off + 16 + caplen]
    off += 16 + caplen
    exp["frames"] += 1
    exp["bytes"] += len(f)
    if len(f) < 14:
        continue
    et, p = struct.unpack("!H", f[12:14])[0], 14
    while et in (0x8100, 0x88A8, 0x9100) and len(f) >= p + 4:
        et, p = struct.unpack("!H", f[p + 2:p + 4])[0], p + 4
    proto = None
    if et == 0x0800 and len(f) >= p + 20 and f[p] >> 4 == 4:
        ihl = (f[p] & 15) * 4
        tot = struct.unpack("!H", f[p + 2:p + 4])[0]
        if ihl < 20 or tot < ihl or p + tot > len(f):
            continue   # malformed: counted in packets only
        exp["ipv4"] += 1
        frag = struct.unpack("!H", f[p + 6:p + 8])[0]
        if frag & 0x3FFF:
            continue   # a fragment: not in the L4 counts
        proto, l4 = f[p + 9], p + ihl
        l4end = p + tot
    elif et == 0x86DD and len(f) >= p + 40 and f[p] >> 4 == 6:
        plen = struct.unpack("!H", f[p + 4:p + 6])[0]
        if p + 40 + plen > len(f):
            continue
        exp["ipv6"] += 1
        proto, l4 = f[p + 6], p + 40
        l4end = p + 40 + plen
        if proto not in (6, 17):
            continue   # extension headers: not produced by the generators used here
    else:
        continue
    if proto == 6 and l4end - l4 >= 20 and (f[l4 + 12] >> 4) >= 5:
        exp["tcp"] += 1
    elif proto == 17 and l4end - l4 >= 8:
        exp["udp"] += 1
    else:
        continue
    dport = struct.unpack("!H", f[l4 + 2:l4 + 4])[0]
    e = exp["ports"].setdefault(str(dport), {"packets": 0, "bytes": 0})
    e["packets"] += 1
    e["bytes"] += len(f)
json.dump(exp, sys.stdout)
EOF

# --- portlens -----------------------------------------------------------------------------
# Three lcores (main, RX, worker). On a host with fewer CPUs, float the three lcores over the
# CPUs there are: the traffic is light.
mapfile -t cpus < <("$py" -c 'import os; print(*sorted(os.sched_getaffinity(0)), sep="\n")')
if [ "${#cpus[@]}" -ge 3 ]; then
	lcores=(-l "${cpus[0]},${cpus[1]},${cpus[2]}")
else
	lcores=(--lcores "(0-2)@($(IFS=,; echo "${cpus[*]}"))")
fi
json=$work/snapshot.json
# framecnt: a ring deep enough for the whole replay, so nothing is lost if the RX lcore starts
# polling after the replay began. DPDK 22.11 refuses --in-memory with --no-huge (no-huge is
# legacy memory), so --no-shconf and a private --file-prefix stand in for it.
# Not through nsx (a function would run in a subshell): ip netns exec execs portlens, so $!
# is portlens itself and the cleanup signals the right process.
vdev="net_af_packet0,iface=$va,framecnt=4096"
if [ "$pmd" = af_xdp ]; then
	# the host set-up the service runs (channels, busy polling), here inside the namespace
	nsx "$(dirname "$0")/../../drivers-config/scripts/af-xdp-setup.sh" --iface "$va" \
		--queues 1 > "$work/setup.log" 2>&1 || { cat "$work/setup.log"; die "af-xdp-setup.sh failed"; }
	vdev="net_af_xdp0,iface=$va,start_queue=0,queue_count=1"
fi
nsenter --net="/run/netns/$ns" -- "$portlens" "${lcores[@]}" --no-huge -m 512 --no-pci --no-shconf --file-prefix "pl-veth-$$" \
	--vdev "$vdev" -- \
	--workers 1 --duration "$DURATION" --json "$json" --local-net 10.0.0.0/8 \
	> "$work/portlens.log" 2>&1 &
pl_pid=$!
say "portlens started (pid $pl_pid) on $va in namespace $ns: ${lcores[*]}"

# Wait until portlens's AF_PACKET socket is bound to the interface (column 5 of
# /proc/net/packet is the ifindex).
ifindex=$(nsx cat "/sys/class/net/$va/ifindex")
for _ in $(seq 50); do
	kill -0 "$pl_pid" 2> /dev/null || break
	if [ "$pmd" = af_xdp ]; then
		# the XDP program is attached once the PMD's socket is set up
		nsx ip -d link show dev "$va" > "$work/xdp-mode" 2>&1 || true
		grep -q 'prog/xdp' "$work/xdp-mode" && break
	# shellcheck disable=SC2016 # $5 and i are awk's
	elif nsx awk -v i="$ifindex" 'NR > 1 && $5 == i { f = 1 } END { exit !f }' /proc/net/packet
	then
		break
	fi
	sleep 0.1
done
if ! kill -0 "$pl_pid" 2> /dev/null; then
	wait "$pl_pid" && rc=0 || rc=$?
	pl_pid=
	cat "$work/portlens.log"
	# the kernel or libbpf refusing AF_XDP is this host's limit, not portlens's: say which
	if [ "$pmd" = af_xdp ] && grep -qiE 'xsk|af_xdp|libbpf|libxdp|bpf' "$work/portlens.log"; then
		skip "net_af_xdp cannot run here: $(grep -iE 'xsk|af_xdp|libbpf|libxdp|bpf' "$work/portlens.log" | head -3 | tr '\n' ' ')"
	fi
	die "portlens exited early (status $rc)"
fi
# no wait for the lcores: the socket is bound and its ring holds the whole replay

# --- replay -------------------------------------------------------------------------------
nsx tcpreplay -i "$vb" --pps "$PPS" "$pcap" > "$work/tcpreplay.log" 2>&1 ||
	{ cat "$work/tcpreplay.log"; die "tcpreplay failed"; }
sent=$(sed -n 's/.*Successful packets: *\([0-9]*\).*/\1/p' "$work/tcpreplay.log" | head -n1)
failed=$(sed -n 's/.*Failed packets: *\([0-9]*\).*/\1/p' "$work/tcpreplay.log" | head -n1)
say "tcpreplay: ${sent:-?} frames sent, ${failed:-?} failed"

# --- wait for the final snapshot ----------------------------------------------------------
rc=
for _ in $(seq $(((DURATION + 20) * 10))); do
	if ! kill -0 "$pl_pid" 2> /dev/null; then
		wait "$pl_pid" && rc=0 || rc=$?
		break
	fi
	sleep 0.1
done
if [ -z "$rc" ]; then
	say "portlens still running $((DURATION + 20)) s after start: sending SIGINT"
	kill -INT "$pl_pid" 2> /dev/null || true
	sleep 3
	cat "$work/portlens.log"
	die "portlens did not stop by itself after --duration $DURATION"
fi
pl_pid=
if [ "$rc" -ne 0 ]; then
	cat "$work/portlens.log"
	die "portlens exited with status $rc"
fi
[ -s "$json" ] || { cat "$work/portlens.log"; die "portlens wrote no JSON snapshot to $json"; }

# --- checks -------------------------------------------------------------------------------
result=0
"$py" - "$json" "$work/expected.json" "${sent:-}" "${failed:-}" <<'EOF' || result=$?
import json, sys

raw = open(sys.argv[1]).read()
exp = json.load(open(sys.argv[2]))
sent = int(sys.argv[3]) if sys.argv[3] else None
failed = int(sys.argv[4]) if sys.argv[4] else 0

# The file holds one snapshot, or several (one JSON document per line/tick): take the last.
docs, dec, i = [], json.JSONDecoder(), 0
while i < len(raw):
    while i < len(raw) and raw[i] in " \t\r\n,[]":
        i += 1
    if i >= len(raw):
        break
    d, i = dec.raw_decode(raw, i)
    docs.append(d)
snaps = [d for d in docs if isinstance(d, dict) and "totals" in d]
if not snaps:
    print("FAIL: no snapshot with totals in the JSON output")
    sys.exit(1)
s = snaps[-1]
fails = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        fails.append(what)


def num(d, *path):
    for k in path:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


if sent is not None:
    check(sent == exp["frames"] and failed == 0,
          "tcpreplay sent every frame: %s of %d, %d failed" % (sent, exp["frames"], failed))
tot = num(s, "totals", "packets")
check(tot is not None and tot >= exp["frames"],
      "totals.packets %s >= %d frames replayed" % (tot, exp["frames"]))
for p in ("ipv4", "ipv6", "tcp", "udp"):
    got = num(s, "protocols", p)
    check(got is not None and got >= exp[p],
          "protocols.%s %s >= %d replayed" % (p, got, exp[p]))

# Per destination port, summed over directions.
got_ports = {}
ports = s.get("ports") or {}
for direction, entries in ports.items():
    for e in entries or []:
        g = got_ports.setdefault(str(e.get("port")), {"packets": 0, "bytes": 0})
        g["packets"] += e.get("packets", 0)
        g["bytes"] += e.get("bytes", 0)
bad = []
for port, e in sorted(exp["ports"].items(), key=lambda kv: int(kv[0])):
    g = got_ports.get(port, {"packets": 0, "bytes": 0})
    if g != e:
        bad.append("port %s: expected %d packets / %d bytes, got %d / %d"
                   % (port, e["packets"], e["bytes"], g["packets"], g["bytes"]))
check(not bad, "ports: packets and bytes of all %d replayed destination ports match"
      % len(exp["ports"]))
for b in bad[:20]:
    print("        " + b)
if len(bad) > 20:
    print("        ... %d more" % (len(bad) - 20))

bal = s.get("balance") or {}
rcv, prc, inf = bal.get("received"), bal.get("processed"), bal.get("in_flight")
drops = bal.get("dropped") or {}
dsum = sum(drops.values()) if isinstance(drops, dict) else None
check(inf == 0, "balance.in_flight %s == 0" % inf)
check(None not in (rcv, prc, dsum) and rcv == prc + dsum,
      "balance.received %s == processed %s + dropped %s %s"
      % (rcv, prc, dsum, json.dumps(drops, sort_keys=True)))
check(rcv is not None and tot is not None and rcv >= tot,
      "balance.received %s >= totals.packets %s" % (rcv, tot))
print("snapshot: totals %s, protocols %s" % (json.dumps(s.get("totals"), sort_keys=True),
                                             json.dumps(s.get("protocols"), sort_keys=True)))
sys.exit(1 if fails else 0)
EOF
if [ "$pmd" = af_xdp ]; then
	say "XDP mode: $(grep -oE 'xdp(generic|drv)?' "$work/xdp-mode" 2>/dev/null | head -1 || echo unknown)"
fi
# the mbuf pool's handler: the profile's [pool] stack (net_af_xdp's says no: its UMEM is
# the pool's memory)
handler=ring_mp_mc
[ "$pmd" = af_xdp ] || handler=stack
if grep -q "mempool: [0-9]* mbufs on socket [0-9]*, handler $handler\$" "$work/portlens.log"; then
	echo "ok    mempool handler $handler, as the $pmd profile says"
else
	echo "FAIL  mempool handler: $(grep 'handler' "$work/portlens.log" | head -1), expected $handler"
	result=1
fi
if [ "$result" -ne 0 ]; then
	echo "--- portlens log (tail)"
	tail -n 40 "$work/portlens.log"
	die "snapshot does not account for the replayed traffic"
fi
say "PASS"
