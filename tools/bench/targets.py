#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The live fast path's speed targets, measured in one go and judged.

Writes the captures (pl-gen, fixed seeds), then:

* the worker and the RX lcore past the PMD, with pl-bench-worker (one thread pinned with
  taskset, prepared mbufs, no PMD), each case run --runs times, the cases interleaved so
  that a busy period of the machine spreads over all of them; the median is kept:
    - FinMark without scanning                        worker <= 150 (goal 120)
    - min64 over 50,000 flows (each seen every round) worker <= 250 (goal 200)
    - IMIX over recurring flows, new each round, scanning on          <= 400
    - FinMark, NIC hash (the RX lcore reads no packet data): RX past the PMD
* the RX lcore against dpdk-testpmd rxonly on the same net_pcap source and CPUs, with
  bench.py --rx-target (min64 100,000 frames, the FinMark mix 100,000 frames, and FinMark
  10,000 frames, a source that stays in the caches), --runs times each, the two programs
  interleaved; judged on the lowest figure of each (TSC cycles count whatever else ran on
  the CPU): portlens RX cycles per packet minus testpmd rxonly's <= 40 (goal 15);
* the bare pipeline (pl-bench-pipe, which bench.py runs beside them: DPDK alone, an RX lcore
  that reads each frame's first line and hands it through a ring to an lcore that reads it
  and frees it): the floor of the RX lcore's figure in any design that hands packets to
  another lcore, so that RX - testpmd rxonly splits into what the hand-over costs on the
  source (bare pipeline - rxonly) and what portlens adds to it (portlens RX - bare pipeline);
* RX + worker (bench.py's RX and worker cycles of the same run) against half of the figures
  before the RX lcore was cut down: with --before PORTLENS (that build, 2b63d1f, measured by
  the same bench.py command, interleaved with the build under test), half of its RX +
  worker in this run; without, the figures taken then on another VM (min64: RX 222, worker
  206; FinMark: RX 379, worker 331), which a different machine does not reproduce.

Every command it runs is printed before its result, so a figure can be taken again by hand.
bench.py needs dpdk-testpmd; --skip-bench leaves it out. Cycle figures need a quiet
machine: on a shared one, read the spread (min-max) next to the median.

usage: targets.py [--build build] [--work DIR] [--runs 5] [--cpu 1] [--cpus 0-3]
                  [--workers 2] [--seconds 8] [--skip-bench] [--on-cpu] [--before PORTLENS]
                  [--json OUT]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# name: (pl-gen mix, frames, seed)
CAPTURES = {
    "f1m.pcap": ("finmark", 1000000, 1),
    "if1m.pcap": ("imix-flows", 1000000, 4),
    "m1m.pcap": ("min64", 1000000, 2),
    "m100k.pcap": ("min64", 100000, 2),
    "f100k.pcap": ("finmark", 100000, 1),
    "f10k.pcap": ("finmark", 10000, 1),
}

# pl-bench-worker cases: name, arguments, stage judged, limit, goal
WORKER_CASES = [
    ("finmark, no scanning", ["--pcap", "f1m.pcap", "--packets", "100000", "--rounds", "5",
                              "--config", "noscan.yaml"], "worker", 150, 120),
    ("min64, 50,000 flows, no scanning", ["--pcap", "m1m.pcap", "--packets", "50000",
                                          "--rounds", "5", "--config", "noscan.yaml"],
     "worker", 250, 200),
    ("imix-flows, new flows, scanning", ["--pcap", "if1m.pcap", "--packets", "60000",
                                         "--rounds", "5", "--new-flows"], "worker", 400, None),
    ("finmark, NIC hash, no scanning", ["--pcap", "f1m.pcap", "--packets", "100000",
                                        "--rounds", "5", "--config", "noscan.yaml",
                                        "--nic-hash"], "rx", None, None),
]

# bench.py sources and the figures before the RX lcore was cut down (RX, worker). net_pcap's
# infinite_rx copies every frame from the capture's mbufs: 100,000 FinMark frames (28 MB of
# data in 230 MB of mbufs) do not stay in the caches, so the copy waits on memory, and the
# more so when a worker uses the caches too; 10,000 frames stay cached and leave the RX
# lcore's own work to be compared.
BENCH_SOURCES = [("min64", "m100k.pcap", (222, 206)), ("finmark", "f100k.pcap", (379, 331)),
                 ("finmark, cache-resident source", "f10k.pcap", (379, 331))]
RX_LIMIT, RX_GOAL = 40, 15


def show(cmd):
    print("$ " + " ".join(cmd), flush=True)


def spread(vals):
    return "%.0f (%.0f-%.0f, n=%d)" % (statistics.median(vals), min(vals), max(vals), len(vals))


def verdict(value, limit, goal):
    if limit is None:
        return "-"
    if goal is not None and value <= goal:
        return "met (goal too)"
    return "met" if value <= limit else "not met"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--work", default="bench-targets")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cpu", default="1", help="CPU pl-bench-worker is pinned to")
    ap.add_argument("--cpus", default="0-%d" % min(3, os.cpu_count() - 1),
                    help="bench.py's CPUs: main lcore, RX lcore, workers")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--skip-bench", action="store_true", help="no testpmd side-by-side")
    ap.add_argument("--on-cpu", action="store_true",
                    help="bench.py --on-cpu: also the RX lcores' on-CPU cycles (perf)")
    ap.add_argument("--before", help="the build from before the RX lcore was cut down, "
                    "measured with the same bench.py command in the same run")
    ap.add_argument("--json")
    a = ap.parse_args()
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    build = os.path.abspath(a.build)
    gen = os.path.join(build, "tools/gen/pl-gen")
    bench = os.path.join(build, "tools/bench/pl-bench-worker")
    portlens = os.path.join(build, "app/portlens")
    pipe = os.path.join(build, "tools/bench/pl-bench-pipe")
    for p in (gen, bench, portlens, pipe):
        if not os.access(p, os.X_OK):
            ap.error("%s: not built (--build names the build folder)" % p)
    json_out = os.path.abspath(a.json) if a.json else None
    os.makedirs(a.work, exist_ok=True)
    os.chdir(a.work)
    with open("noscan.yaml", "w") as f:
        f.write("scan:\n  packets: 0\n")
    for name, (mix, count, seed) in CAPTURES.items():
        if not os.path.exists(name):
            cmd = [gen, "--mix", mix, "--count", str(count), "--seed", str(seed), "--out", name]
            show(cmd)
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    out = {"worker_cases": [], "bench": [], "runs": a.runs}
    # pl-bench-worker, the cases interleaved
    got = {c[0]: [] for c in WORKER_CASES}
    for r in range(a.runs):
        for name, args, _, _, _ in WORKER_CASES:
            cmd = ["taskset", "-c", a.cpu, bench] + args + ["--json"]
            if r == 0:
                show(cmd)
            res = subprocess.run(cmd, check=True, capture_output=True, text=True)
            got[name].append(json.loads(res.stdout))
    print("\npl-bench-worker, TSC cycles a packet, median (min-max) of %d runs:" % a.runs)
    print("%-36s %-22s %-22s %-8s %s" % ("case", "RX past the PMD", "worker", "scanned",
                                         "target"))
    for name, _, stage, limit, goal in WORKER_CASES:
        rx = [g["cycles_per_packet"]["rx"] for g in got[name]]
        wk = [g["cycles_per_packet"]["worker"] for g in got[name]]
        judged = statistics.median(wk if stage == "worker" else rx)
        tgt = "-" if limit is None else "%s <= %d%s: %s" % (
            stage, limit, "" if goal is None else " (goal %d)" % goal,
            verdict(judged, limit, goal))
        print("%-36s %-22s %-22s %-8.3f %s" % (name, spread(rx), spread(wk),
                                               got[name][0]["scanned_share"], tgt))
        out["worker_cases"].append({"case": name, "rx": rx, "worker": wk, "limit": limit,
                                    "goal": goal, "stage": stage,
                                    "verdict": verdict(judged, limit, goal)})

    if not a.skip_bench:
        print()
        for label, cap, (old_rx, old_wk) in BENCH_SOURCES:
            rows, before = [], []
            for r in range(a.runs):
                for which, prog in (("", portlens), ("before-", a.before)):
                    if prog is None:
                        continue
                    js = "bench-%s%s-%d.json" % (which, cap.split(".")[0], r)
                    cmd = [sys.executable, os.path.join(HERE, "bench.py"), "--source",
                           "pcap:" + cap, "--rx", "1", "--workers", str(a.workers),
                           "--cpus", a.cpus, "--seconds", str(a.seconds), "--portlens",
                           os.path.abspath(prog), "--pipe", pipe, "--rx-target", "--json",
                           js] + (["--on-cpu"] if a.on_cpu else [])
                    if r == 0:
                        show(cmd)
                    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                    with open(js) as f:
                        (before if which else rows).append(
                            {x["run"]: x for x in json.load(f)["results"]})
            key = [k for k in rows[0] if k.startswith("portlens") and k.endswith("off")][0]
            tp = [x["testpmd rxonly"]["rx_cycles_per_packet"] for x in rows]
            rx = [x[key]["rx_cycles_per_packet"] for x in rows]
            wk = [x[key]["worker_cycles_per_packet"] for x in rows]
            diff = [x[key]["rx_minus_rxonly"] for x in rows]
            both = [x[key]["rx_cycles_per_packet"] + x[key]["worker_cycles_per_packet"]
                    for x in rows]
            drops = [x[key]["rx_drops"] for x in rows]
            # judged on the lowest of the interleaved runs: TSC cycles count whatever else
            # ran on the CPU, so the least disturbed run of each program is the best estimate
            d = min(rx) - min(tp)
            s = statistics.median(both)
            if before:
                b_rx = statistics.median(x[key]["rx_cycles_per_packet"] for x in before)
                b_wk = statistics.median(x[key]["worker_cycles_per_packet"] for x in before)
                old_rx, old_wk = round(b_rx), round(b_wk)
            half = (old_rx + old_wk) / 2
            print("bench.py %s (%s), TSC cycles a packet, median (min-max) of %d runs:" %
                  (label, cap, a.runs))
            print("  testpmd rxonly %s | portlens RX %s | worker %s | ring drops %.1f %%" %
                  (spread(tp), spread(rx), spread(wk), 100 * statistics.median(drops)))
            print("  RX - testpmd rxonly: lowest %.0f - lowest %.0f = %+.0f (per run %s); "
                  "target <= +%d (goal +%d): %s" %
                  (min(rx), min(tp), d, spread(diff), RX_LIMIT, RX_GOAL,
                   verdict(d, RX_LIMIT, RX_GOAL)))
            if a.on_cpu:
                on_tp = [x["testpmd rxonly"]["rx_on_cpu_cycles_per_packet"] for x in rows]
                on_rx = [x[key]["rx_on_cpu_cycles_per_packet"] for x in rows]
                print("  on the CPU (perf, preemption left out): testpmd rxonly %s | portlens "
                      "RX %s | RX - rxonly, lowest: %+.0f" % (spread(on_tp), spread(on_rx),
                                                            min(on_rx) - min(on_tp)))
            pp = [x["bare pipeline"] for x in rows if "bare pipeline" in x]
            if pp:
                p_rx = [x["rx_cycles_per_packet"] for x in pp]
                p_sk = [x["worker_cycles_per_packet"] for x in pp]
                print("  bare pipeline (no portlens): RX %s, its sink %s | hand-over alone, "
                      "lowest - lowest: %+.0f over rxonly | portlens RX over the bare "
                      "pipeline, lowest - lowest: %+.0f" %
                      (spread(p_rx), spread(p_sk), min(p_rx) - min(tp),
                       min(rx) - min(p_rx)))
                print("  bare pipeline RX + sink: %s (the floor of RX + worker)" %
                      spread([x + y for x, y in zip(p_rx, p_sk)]))
            print("  RX + worker: %s; before %d + %d = %d (%s), half %.0f: %s" %
                  (spread(both), old_rx, old_wk, old_rx + old_wk,
                   "measured in this run, median" if before else "another VM's figures",
                   half, "met" if s <= half else "not met"))
            out["bench"].append({"mix": label, "capture": cap, "testpmd_rxonly": tp, "rx": rx,
                                 "worker": wk, "rx_minus_rxonly": diff,
                                 "rx_minus_rxonly_lowest": d, "rx_plus_worker": both,
                                 "ring_drops": drops, "before": [old_rx, old_wk],
                                 "before_measured": bool(before),
                                 "bare_pipeline": [[x["rx_cycles_per_packet"],
                                                    x["worker_cycles_per_packet"]]
                                                   for x in pp]})
    if json_out:
        with open(json_out, "w") as f:
            json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
