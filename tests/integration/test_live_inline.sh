#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Live (EAL) mode on net_pcap vdevs, no hugepages:
#  1. inline mode: port 0 reads a capture, every well-formed frame must leave on port 1
#     (written by net_pcap to a file) and malformed frames are dropped by the default verdict;
#     the balance must close with forwarded + dropped == received; in monitor mode every
#     frame, chained jumbo frames too, is freed and the pool is whole at the end;
#  2. SIGTERM while running (net_pcap replaying a capture with infinite_rx, which takes no
#     chained jumbo frames, hence a second capture without them): exit 0, the final snapshot written (final: true, in_flight 0),
#     and --json-lines holds periodic snapshots followed by the final one.
# usage: test_live_inline.sh PORTLENS PL_GEN
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# Live mode drops when a ring is full (offline mode waits); net_pcap reads the whole capture
# at once, so rings big enough for all of it keep these runs lossless on a 2-CPU machine.
portlens=$1
plgen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
eal="$lc --no-huge -m 512 --no-pci --no-shconf --log-level=error"

"$plgen" --mix mixed --count 3000 --seed 21 --out "$tmp/in.pcap" >/dev/null
"$plgen" --mix random-ports --count 3000 --seed 22 --out "$tmp/flat.pcap" >/dev/null
"$plgen" --mix mixed --count 0 --seed 1 --out "$tmp/empty.pcap" >/dev/null 2>&1 ||
	python3 -c "import struct,sys;open(sys.argv[1],'wb').write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1))" "$tmp/empty.pcap"


# ---- 1. inline forwarding between two net_pcap ports ----
# shellcheck disable=SC2086
"$portlens" $eal --file-prefix "pl-inline-$$" \
	--vdev "net_pcap0,rx_pcap=$tmp/in.pcap,tx_pcap=$tmp/out0.pcap" \
	--vdev "net_pcap1,rx_pcap=$tmp/empty.pcap,tx_pcap=$tmp/out1.pcap" \
	-- --inline 0:1 --workers 1 --ring-size 65536 --duration 3 --json "$tmp/inline.json" --no-summary --quiet
out1=$(tshark -r "$tmp/out1.pcap" -T fields -e frame.number 2>/dev/null | wc -l)
out0=$(tshark -r "$tmp/out0.pcap" -T fields -e frame.number 2>/dev/null | wc -l)
res=$(python3 - "$tmp/inline.json" "$out1" "$out0" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); out1 = int(sys.argv[2]); out0 = int(sys.argv[3])
b = d["balance"]; t = d["totals"]
print(b["received"] == 3000, b["forwarded"] == 3000 - t["malformed"],
      b["dropped"]["malformed"] == t["malformed"], b["in_flight"] == 0,
      b["received"] == b["processed"] + b["dropped_total"],
      out1 == b["forwarded"], out0 == 0, t["malformed"] > 0)
PY
)
read -r r1 r2 r3 r4 r5 r6 r7 r8 <<<"$res"
check "inline: received every frame of the capture" "$r1"
check "inline: forwarded = received - malformed" "$r2"
check "inline: malformed dropped by the default verdict" "$r3"
check "inline: in_flight 0" "$r4"
check "inline: received = processed + dropped" "$r5"
check "inline: port 1 transmitted exactly the forwarded frames ($out1)" "$r6"
check "inline: nothing went back out of port 0" "$r7"
check "inline: the capture had malformed frames" "$r8"

# ---- 1b. monitor mode over the same capture: its chained jumbo frames and the rest are
# freed by the workers, and the pool is whole once the ports stopped ----
# shellcheck disable=SC2086
"$portlens" $lc --no-huge -m 512 --no-pci --no-shconf --log-level portlens:info \
	--file-prefix "pl-mon-$$" \
	--vdev "net_pcap0,rx_pcap=$tmp/in.pcap" \
	-- --workers 1 --ring-size 65536 --duration 2 --json "$tmp/mon.json" --no-summary \
	>"$tmp/mon.out" 2>&1
res=$(python3 - "$tmp/mon.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["balance"]
print(b["received"] == 3000 and b["freed"] == 3000 and b["in_flight"] == 0)
PY
)
check "monitor: every frame received and freed, chained ones too ($res)" "$res"
check "monitor: all mbufs back in the pool ($(grep 'mempool:' "$tmp/mon.out" | tail -1))" \
	"$(grep -q 'mempool: all [0-9]* mbufs back' "$tmp/mon.out" && echo True || echo False)"

# ---- 2. SIGTERM in monitor mode, with JSON lines ----
# shellcheck disable=SC2086
"$portlens" $eal --file-prefix "pl-term-$$" \
	--vdev "net_pcap0,rx_pcap=$tmp/flat.pcap,infinite_rx=1" \
	-- --workers 1 --tick-ms 200 --json "$tmp/term.json" --json-lines "$tmp/term.jsonl" \
	--json-interval 0.5 --no-summary --quiet &
pid=$!
# SIGTERM once three periodic snapshots are out (the checks want at least three lines)
for _ in $(seq 1 600); do
	[ "$(wc -l <"$tmp/term.jsonl" 2>/dev/null || echo 0)" -ge 3 ] && break
	sleep 0.1
done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check "SIGTERM: exit code 0 (got $rc)" "$([ "$rc" -eq 0 ] && echo True || echo False)"
res=$(python3 - "$tmp/term.json" "$tmp/term.jsonl" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2])]
b = d["balance"]
print(d["final"] is True, b["in_flight"] == 0, b["received"] > 3000,
      len(lines) >= 3, lines[-1]["final"] is True and not any(l["final"] for l in lines[:-1]),
      all(lines[i]["seq"] < lines[i + 1]["seq"] for i in range(len(lines) - 1)),
      lines[-1]["balance"]["received"] == b["received"])
PY
)
read -r r1 r2 r3 r4 r5 r6 r7 <<<"$res"
check "SIGTERM: final snapshot written" "$r1"
check "SIGTERM: in_flight 0 after draining" "$r2"
check "SIGTERM: infinite_rx kept the RX busy (> 3000 frames)" "$r3"
check "json-lines: periodic snapshots (>= 3 lines)" "$r4"
check "json-lines: only the last line is final" "$r5"
check "json-lines: seq increases" "$r6"
check "json-lines: the last line is the final snapshot" "$r7"

finish
