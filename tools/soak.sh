#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Soak: portlens at the highest rate the machine gives (net_pcap replaying a capture with
# infinite_rx: no NIC, no pacing) for SECONDS, sampling its memory (RSS) and its snapshots
# every 10 s, then checking: memory flat after warm-up, the flow tables within their bound,
# the balance closed exactly at the end, and every mbuf back in the pool after stop.
# Writes OUT/soak.csv (time, rss_kb, received, dropped, flows_tracked) and OUT/soak.json.
#
# usage: tools/soak.sh [SECONDS=600] [OUT=soak-out] [WORKERS=1]
set -euo pipefail
secs=${1:-600}
out=${2:-soak-out}
workers=${3:-1}
here=$(cd "$(dirname "$0")/.." && pwd)
portlens=${PORTLENS:-$here/build/app/portlens}
plgen=${PL_GEN:-$here/build/tools/gen/pl-gen}
mkdir -p "$out"
"$plgen" --mix random-ports --count 20000 --seed 81 --out "$out/replay.pcap" >/dev/null
cpus=$(nproc)
n=$((2 + workers))
if [ "$cpus" -ge "$n" ]; then lc="-l 0-$((n - 1))"; else lc="--lcores (0-$((n - 1)))@(0-$((cpus - 1)))"; fi
# shellcheck disable=SC2086
"$portlens" $lc --no-huge -m 1024 --no-pci --no-shconf --file-prefix "pl-soak-$$" \
	--log-level=portlens:info \
	--vdev "net_pcap0,rx_pcap=$out/replay.pcap,infinite_rx=1" \
	-- --workers "$workers" --mbufs 40960 --duration "$secs" --json "$out/final.json" \
	--json-lines "$out/snapshots.jsonl" --json-interval 10 --no-summary \
	>"$out/portlens.log" 2>&1 &
pid=$!
echo "time_s,rss_kb" >"$out/rss.csv"
t=0
while kill -0 "$pid" 2>/dev/null; do
	rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
	echo "$t,$rss" >>"$out/rss.csv"
	sleep 10
	t=$((t + 10))
done
rc=0
wait "$pid" || rc=$?
python3 - "$out" "$rc" <<'PY'
import csv, json, sys
out, rc = sys.argv[1], int(sys.argv[2])
rss = [(int(r["time_s"]), int(r["rss_kb"])) for r in csv.DictReader(open(out + "/rss.csv"))
       if int(r["rss_kb"]) > 0]
snaps = [json.loads(l) for l in open(out + "/snapshots.jsonl")]
final = json.load(open(out + "/final.json"))
log = open(out + "/portlens.log").read()
with open(out + "/soak.csv", "w") as f:
    f.write("time_s,received,dropped,flows_tracked\n")
    t0 = snaps[0]["wall_ns"]
    for s in snaps:
        f.write("%.0f,%d,%d,%d\n" % ((s["wall_ns"] - t0) / 1e9, s["balance"]["received"],
                                     s["balance"]["dropped_total"], s["flows"]["tracked"]))
warm = [kb for t, kb in rss if t >= min(60, max(t for t, _ in rss) // 2)]
b = final["balance"]
dur = (snaps[-1]["wall_ns"] - snaps[0]["wall_ns"]) / 1e9 if len(snaps) > 1 else 0
res = {
    "seconds": dur,
    "exit_code": rc,
    "received": b["received"],
    "mpps": b["received"] / dur / 1e6 if dur else 0,
    "dropped": b["dropped"],
    "rss_kb_after_warmup": {"min": min(warm), "max": max(warm)},
    "rss_growth_pct": 100.0 * (max(warm) - min(warm)) / min(warm),
    "flows_tracked_max": max(s["flows"]["tracked"] for s in snaps),
    "balance_closes": b["in_flight"] == 0 and b["received"] == b["processed"] + b["dropped_total"],
    "mempool_whole_after_stop": "mbufs back after the ports stopped" in log,
}
res["pass"] = (rc == 0 and res["balance_closes"] and res["mempool_whole_after_stop"]
               and res["rss_growth_pct"] < 5.0 and res["flows_tracked_max"] <= 61440)
json.dump(res, open(out + "/soak.json", "w"), indent=1)
print(json.dumps(res, indent=1))
sys.exit(0 if res["pass"] else 1)
PY
