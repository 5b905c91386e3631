#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A stalled worker (fault injection: console `debug stall worker 0 MS`) under traffic: its
# ring fills and the RX lcore drops and counts (ring_full), the stats role reports the
# worker stale while it is stuck, the worker catches up afterwards, and at the end nothing
# is in flight and the balance closes.
# usage: test_stall.sh PORTLENS PL_GEN
set -euo pipefail
. "$(dirname "$0")/lib.sh"
portlens=$1
plgen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$plgen" --mix random-ports --count 3000 --seed 61 --out "$tmp/in.pcap" >/dev/null
cat >"$tmp/script.txt" <<'SCRIPT'
sleep 1500
debug stall worker 0 2500
sleep 4000
debug stall worker 9 10
quit
SCRIPT
# shellcheck disable=SC2086
"$portlens" $lc --no-huge -m 512 --no-pci --no-shconf --log-level=error \
	--file-prefix "pl-stall-$$" --vdev "net_pcap0,rx_pcap=$tmp/in.pcap,infinite_rx=1" \
	-- --workers 1 --tick-ms 200 --ring-size 1024 --cmdline-file "$tmp/script.txt" \
	--json "$tmp/out.json" --json-lines "$tmp/out.jsonl" --json-interval 0.4 \
	--no-summary --quiet >"$tmp/console.out" 2>&1
python3 - "$tmp/out.json" "$tmp/out.jsonl" "$tmp/console.out" <<'PY'
import json, sys
final = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2])]
console = open(sys.argv[3]).read()
def worker(s):
    return [l for l in s["lcores"] if l["role"] == "worker"][0]
stale = [i for i, s in enumerate(lines) if worker(s)["stale"]]
checks = []
checks.append(("the worker is reported stale while stuck", len(stale) >= 2))
if stale:
    during = [worker(lines[i])["packets"] for i in stale]
    checks.append(("its counts stand still while stale", len(set(during)) == 1))
    before = lines[stale[0] - 1]["balance"]["dropped"]["ring_full"] if stale[0] else 0
    after = lines[stale[-1]]["balance"]["dropped"]["ring_full"]
    checks.append(("the full ring's drops are counted", after > before))
    later = [worker(s)["packets"] for s in lines[stale[-1] + 1:]]
    checks.append(("the worker catches up afterwards",
                   bool(later) and max(later) > during[-1] and not lines[-1]["lcores"][0]["stale"]))
b = final["balance"]
checks.append(("nothing in flight at the end, the balance closes",
               b["in_flight"] == 0 and b["received"] == b["processed"] + b["dropped_total"]))
checks.append(("a stall of a worker that does not exist is refused",
               "error: no worker 9" in console))
fail = 0
for name, ok in checks:
    print(("ok: " if ok else "FAIL: ") + name)
    fail += not ok
print("%d passed, %d failed" % (len(checks) - fail, fail))
sys.exit(1 if fail else 0)
PY
