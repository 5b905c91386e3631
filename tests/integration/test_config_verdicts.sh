#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The configuration at work, end to end:
#  1. a bad configuration file (unknown key, bad value, broken signature file) never starts
#     the appliance: exit 2, FILE:LINE in the message, no snapshot written;
#  2. inline mode with `verdicts: unauthorized_port: drop`: the flows with that finding are
#     dropped (dropped.verdict == verdicts.drop > 0) and everything else leaves on the peer
#     port (forwarded == frames written by net_pcap on port 1);
#  3. inline mode with QoS marking on a slow "link": forwarded frames carry the DSCP of their
#     colour (tshark reads ip.dsfield.dscp), and red frames are dropped with drop_red.
# usage: test_config_verdicts.sh PORTLENS PL_GEN
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# Live mode drops when a ring is full (offline mode waits); net_pcap reads the whole capture
# at once, so rings big enough for all of it keep these runs lossless on a 2-CPU machine.
portlens=$1
plgen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
eal="$lc --no-huge -m 512 --no-pci --no-shconf --log-level=error"

"$plgen" --mix policy --count 30000 --seed 31 --out "$tmp/policy.pcap" >/dev/null
python3 -c "import struct,sys;open(sys.argv[1],'wb').write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1))" "$tmp/empty.pcap"

# ---- 1. bad configurations ----
bad() { # name file-content expected-fragment
	printf '%s\n' "$2" >"$tmp/bad.yaml"
	rc=0
	"$portlens" --pcap "$tmp/policy.pcap" --config "$tmp/bad.yaml" --json "$tmp/bad.json" \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	check "bad config ($1): exit 2 (got $rc)" "$([ "$rc" -eq 2 ] && echo True || echo False)"
	check "bad config ($1): message '$3'" \
		"$(grep -qF -- "$3" "$tmp/err" && echo True || echo False)"
	check "bad config ($1): no snapshot written" \
		"$([ ! -e "$tmp/bad.json" ] && echo True || echo False)"
}
bad "unknown key" "$(printf 'flows:\n  capacity: 1024\n  colour: blue')" "bad.yaml:3:"
bad "bad priority" "$(printf 'classes:\n  - name: web\n    ports: [80]\n    priority: urgent')" \
	"bad.yaml:4:"
bad "bad port range" "$(printf 'allowed_ports: [80, "900-100"]')" "bad.yaml:1:"
printf 'signatures:\n  - name: broken\n    protocol: http\n    pattern: "(unclosed"\n' \
	>"$tmp/sigs.yaml"
bad "broken signature" "$(printf 'scan:\n  signatures: %s' "$tmp/sigs.yaml")" "sigs.yaml:"

# ---- 2. inline verdict: drop the flows of unauthorized_port findings ----
cat >"$tmp/drop.yaml" <<'YAML'
verdicts:
  unauthorized_port: drop
YAML
# shellcheck disable=SC2086
"$portlens" $eal --file-prefix "pl-verdict-$$" \
	--vdev "net_pcap0,rx_pcap=$tmp/policy.pcap,tx_pcap=$tmp/o0.pcap" \
	--vdev "net_pcap1,rx_pcap=$tmp/empty.pcap,tx_pcap=$tmp/o1.pcap" \
	-- --inline 0:1 --workers 1 --ring-size 65536 --duration 4 --config "$tmp/drop.yaml" \
	--json "$tmp/drop.json" --no-summary --quiet
n1=$(tshark -r "$tmp/o1.pcap" -T fields -e frame.number 2>/dev/null | wc -l)
res=$(python3 - "$tmp/drop.json" "$n1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); n1 = int(sys.argv[2]); b = d["balance"]
unauth = [f for f in d["findings"] if f["kind"] == "unauthorized_port"]
print(b["dropped"]["verdict"] > 0, b["dropped"]["verdict"] == d["verdicts"]["drop"],
      len(unauth) > 0, b["forwarded"] == n1,
      b["received"] == b["forwarded"] + b["dropped_total"], b["in_flight"] == 0)
PY
)
read -r r1 r2 r3 r4 r5 r6 <<<"$res"
check "verdict drop: frames dropped by verdict" "$r1"
check "verdict drop: dropped.verdict == verdicts.drop" "$r2"
check "verdict drop: the findings are reported" "$r3"
check "verdict drop: port 1 sent exactly the forwarded frames ($n1)" "$r4"
check "verdict drop: received == forwarded + dropped" "$r5"
check "verdict drop: in_flight 0" "$r6"

# ---- 3. QoS marking and drop_red on a 1 Mbit/s "link" ----
cat >"$tmp/qos.yaml" <<'YAML'
qos:
  link_mbps: 1
  mark: true
  dscp: {green: 10, yellow: 12, red: 14}
  drop_red: true
YAML
# shellcheck disable=SC2086
"$portlens" $eal --file-prefix "pl-qos-$$" \
	--vdev "net_pcap0,rx_pcap=$tmp/policy.pcap,tx_pcap=$tmp/q0.pcap" \
	--vdev "net_pcap1,rx_pcap=$tmp/empty.pcap,tx_pcap=$tmp/q1.pcap" \
	-- --inline 0:1 --workers 1 --ring-size 65536 --duration 4 --config "$tmp/qos.yaml" \
	--json "$tmp/qos.json" --no-summary --quiet
tshark -r "$tmp/q1.pcap" -Y "tcp or udp" -T fields -e ip.dsfield.dscp -e ipv6.tclass.dscp \
	2>/dev/null | tr '\t' '\n' | grep -v '^$' | sort | uniq -c >"$tmp/dscp"
res=$(python3 - "$tmp/qos.json" "$tmp/dscp" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
seen = {}
for line in open(sys.argv[2]):
    n, v = line.split()
    seen[int(v)] = int(n)
q = d["qos"]
green = sum(c["green"] for c in q.values()); yellow = sum(c["yellow"] for c in q.values())
red = sum(c["red"] for c in q.values())
print(red > 0, d["balance"]["dropped"]["qos_red"] == red, seen.get(10, 0) > 0,
      14 not in seen, any(f["kind"] == "qos" for f in d["findings"]),
      seen.get(10, 0) + seen.get(12, 0) == green + yellow)
PY
)
read -r r1 r2 r3 r4 r5 r6 <<<"$res"
check "qos: some packets are red on a 1 Mbit/s link" "$r1"
check "qos: every red packet dropped (drop_red)" "$r2"
check "qos: green packets leave marked DSCP 10" "$r3"
check "qos: no red packet left" "$r4"
check "qos: a qos finding is reported" "$r5"
check "qos: every metered packet that left carries its colour's DSCP" "$r6"

finish
