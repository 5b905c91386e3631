#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tunnels: tunnelled traffic counts as its inner traffic.
#
# usage: test_tunnels.sh PORTLENS PL_GEN [SRC_DIR]
# Environment: PL_KEEP=1 keeps the work directory (its path is printed) for a post-mortem.
#
# pl-gen writes the policy mix (FinMark-like traffic with planted findings) twice with the
# same seed: plain, and with every frame wrapped in a tunnel (--encap all: VXLAN over IPv4 and
# over VLAN/IPv6, Geneve with options, GRE with a key, ERSPAN II, ERSPAN III over IPv6 with its
# sub-header, IP-in-IP, MPLS), so both hold the same traffic with the same timestamps.
# Checks, with --workers 1 and 3:
#   * tshark, tunnel dissectors on, innermost headers (truth.py --inner), against portlens on
#     the tunnelled capture: totals, protocols, directions, ports, bins, top ports, exactly,
#     bytes included (both count the whole frame);
#   * tshark on the plain capture (truth_policy.py) against portlens on the tunnelled one:
#     classes (packets, connections), TCP outcomes, flows and findings exactly;
#   * portlens on the tunnelled capture against portlens on the plain one with as many
#     workers: every packet count (totals, protocols, directions, ports, classes, TCP outcomes)
#     and every finding equal (the inner tuple picks the worker, so even the per-worker rate
#     limit sees the same connections);
#   * encap: per kind, the frames and bytes tshark sees in that encapsulation;
# and with --no-decap: the outer view, against tshark with the tunnel dissectors off
# (truth.py), and encap all zero. Also: `--mix tunnels` is `--mix policy --encap all`.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
test_setup tunnels "$@"
need_tshark

# run NAME PCAP ARGS...: portlens on PCAP with ARGS, the snapshot in $work/NAME.json.
run() {
	local name=$1 pcap=$2 rc=0
	shift 2
	"$portlens" --pcap "$pcap" --json "$work/$name.json" "$@" > "$work/$name.log" 2>&1 || rc=$?
	check "portlens $name exits 0 and writes a snapshot" \
		"$([ "$rc" -eq 0 ] && [ -s "$work/$name.json" ] && echo True || echo False)"
	if [ "$rc" -ne 0 ]; then tail -n 20 "$work/$name.log"; fi
}

# tally SCRIPT_OUTPUT NAME: the `N passed, N failed` line of a compare script, as one check.
tally() {
	local last
	last=$(tail -n 1 <<< "$1")
	grep -v ' passed, ' <<< "$1" | head -n 20 || true
	check "$2 ($last)" "$([[ $last =~ ^[0-9]+\ passed,\ 0\ failed$ ]] && echo True ||
		echo False)"
}

args=(--mix policy --count 30000 --seed 21)
"$pl_gen" "${args[@]}" --out "$work/plain.pcap"
"$pl_gen" "${args[@]}" --encap all --out "$work/tun.pcap"
"$pl_gen" --mix tunnels --count 30000 --seed 21 --out "$work/tun2.pcap"
check "pl-gen --mix tunnels is the policy mix with --encap all" \
	"$(cmp -s "$work/tun.pcap" "$work/tun2.pcap" && echo True || echo False)"

"$py" "$src/truth.py" --inner "$work/tun.pcap" --out "$work/inner.truth.json"
"$py" "$src/truth.py" "$work/tun.pcap" --out "$work/outer.truth.json"
"$py" "$src/truth_policy.py" --config-defaults "$work/plain.pcap" --out "$work/policy.truth.json"

for w in 1 3; do
	run "plain.w$w" "$work/plain.pcap" --workers "$w"
	run "tun.w$w" "$work/tun.pcap" --workers "$w"
	out=$("$py" "$src/compare.py" --names tshark-inner,portlens "$work/inner.truth.json" \
		"$work/tun.w$w.json") || true
	tally "$out" "--workers $w: tshark's inner packets and portlens agree"
	out=$("$py" "$src/compare_policy.py" --workers "$w" --no-bytes \
		"$work/policy.truth.json" "$work/tun.w$w.json") || true
	tally "$out" "--workers $w: classes, TCP outcomes, flows, findings of the plain traffic"
done

run nodecap "$work/tun.pcap" --workers 3 --no-decap
out=$("$py" "$src/compare.py" --names tshark-outer,portlens "$work/outer.truth.json" \
	"$work/nodecap.json") || true
tally "$out" "--no-decap: tshark's outer headers and portlens agree"

# The same packets, tunnelled or not; encap against tshark's view of each frame.
res=$("$py" - "$work" "$src" <<'EOF'
import json, sys
work, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, src)
import truth

def load(n):
    with open("%s/%s.json" % (work, n)) as f:
        return json.load(f)

def pkts(s):
    """Every packet count of a snapshot that does not depend on the frame's size."""
    v = {"totals." + k: s["totals"][k] for k in ("packets", "malformed", "fragments", "non_ip")}
    v.update({"protocols." + k: n for k, n in s["protocols"].items()})
    v.update({"directions.%s" % d: e["packets"] for d, e in s["directions"].items()})
    for d, a in s["ports"].items():
        v.update({"ports.%s.%d" % (d, e["port"]): e["packets"] for e in a})
    for c in s["classes"]:
        v["classes.%s" % c["name"]] = (c["packets"], c["connections"])
    v["tcp"] = s["tcp"]
    v["findings"] = sorted((f["kind"], f["src"], f["dst"], f["port"], f["count"])
                           for f in s["findings"])
    return v

# expected encap from tshark: the kind of each frame's tunnel, and its length
want = {}
for r in truth.tshark_rows("%s/tun.pcap" % work, ["frame.len", "frame.protocols", "gre.proto"],
                           inner=True):
    p = r["frame.protocols"].split(":")
    kinds = set()
    if "vxlan" in p: kinds.add("vxlan")
    if "geneve" in p: kinds.add("geneve")
    if "mpls" in p: kinds.add("mpls")
    if "gre" in p:
        g = int(r["gre.proto"].split(",")[0], 0)
        kinds.add({0x88be: "erspan_ii", 0x22eb: "erspan_iii"}.get(g, "gre"))
    if any(a in ("ip", "ipv6") and b in ("ip", "ipv6") for a, b in zip(p, p[1:])):
        kinds.add("ipip")
    for k in kinds:
        e = want.setdefault(k, [0, 0])
        e[0] += 1
        e[1] += int(r["frame.len"])

nd = load("nodecap")
ok = True
for w in (1, 3):
    plain, tun = load("plain.w%d" % w), load("tun.w%d" % w)
    a, b = pkts(plain), pkts(tun)
    diff = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    print("%s: workers %d: tunnelled packet counts equal the plain ones%s"
          % ("ok" if not diff else "FAIL", w, "" if not diff else ": " + ", ".join(diff[:10])))
    ok &= not diff
    got = {k: [e["packets"], e["bytes"]] for k, e in tun["encap"].items() if e["packets"]}
    good = got == want and len(want) == 7
    print("%s: workers %d: encap per kind as tshark sees it: %s%s"
          % ("ok" if good else "FAIL", w, json.dumps(got, sort_keys=True),
             "" if good else " (tshark: %s)" % json.dumps(want, sort_keys=True)))
    ok &= good
zero = all(e["packets"] == 0 and e["bytes"] == 0 for e in nd["encap"].values())
print("%s: --no-decap counts no encapsulation" % ("ok" if zero else "FAIL"))
print("RESULT", "True" if ok and zero else "False")
EOF
)
grep -v '^RESULT' <<< "$res"
check "tunnelled counts equal the plain ones, encap as tshark sees it" \
	"$(sed -n 's/^RESULT //p' <<< "$res")"
grep -q 'encap ' "$work/tun.w1.log" && check "the summary has an encap line" True ||
	check "the summary has an encap line" False

finish
