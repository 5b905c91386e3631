#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A stalled worker (fault injection: console `debug stall worker 0 MS`) under traffic: its
# ring fills and the RX lcore drops and counts (ring_full), the stats role reports the
# worker stale while it is stuck, the worker catches up afterwards, and at the end nothing
# is in flight and the balance closes. The stale window is the one the console names when
# the worker resumes (snapshots collected wholly between the worker taking the stall and
# its next burst), so the checks hold however the machine schedules the lcores.
# usage: test_stall.sh PORTLENS PL_GEN
set -euo pipefail
. "$(dirname "$0")/lib.sh"
portlens=$1
plgen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$plgen" --mix random-ports --count 3000 --seed 61 --out "$tmp/in.pcap" >/dev/null
cat >"$tmp/script.txt" <<'SCRIPT'
debug stall worker 0 3000
debug stall worker 9 10
quit
SCRIPT
# shellcheck disable=SC2086
"$portlens" $lc --no-huge -m 512 --no-pci --no-shconf --log-level=error \
	--file-prefix "pl-stall-$$" --vdev "net_pcap0,rx_pcap=$tmp/in.pcap,infinite_rx=1" \
	-- --workers 1 --tick-ms 200 --ring-size 1024 --cmdline-file "$tmp/script.txt" \
	--json "$tmp/out.json" --json-lines "$tmp/out.jsonl" --json-interval 0.2 \
	--no-summary --quiet >"$tmp/console.out" 2>&1
python3 - "$tmp/out.json" "$tmp/out.jsonl" "$tmp/console.out" <<'PY'
import json, re, sys
final = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2])]
console = open(sys.argv[3]).read()
def worker(s):
    return [l for l in s["lcores"] if l["role"] == "worker"][0]
m = re.search(r"worker 0 resumed: snapshots (\d+) to (\d+) were collected while it was stuck",
              console)
checks = [("the console names the snapshots taken while the worker was stuck", m is not None)]
if m:
    first, last = int(m.group(1)), int(m.group(2))
    window = [s for s in lines if first <= s["seq"] <= last]
    checks.append(("the worker is reported stale in every one of them (%d lines)" % len(window),
                   len(window) >= 2 and all(worker(s)["stale"] for s in window)))
    during = [worker(s)["packets"] for s in window]
    checks.append(("its counts stand still while stale", len(set(during)) == 1))
    drops = [s["balance"]["dropped"]["ring_full"] for s in window]
    checks.append(("the full ring's drops are counted", len(drops) >= 2 and drops[-1] > drops[0]))
    checks.append(("the worker catches up afterwards",
                   bool(during) and worker(final)["packets"] > during[-1]
                   and not worker(final)["stale"] and not worker(lines[-1])["stale"]))
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
