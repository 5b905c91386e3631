#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Lcores and memory bandwidth a link needs at line rate, from measured cycles per packet.

For each traffic mix (its mean frame size as received, without FCS, and the RX lcore's and
the worker's cycles per packet as tools/bench measures them), each link speed and each clock
rate, it prints the packet rate at line rate (a frame occupies its bytes + 4 FCS + 20
preamble and inter-frame gap on the wire), the RX lcores and the workers that rate needs
(ceil(rate x cycles / clock)), and the memory traffic it implies: every frame written once
by the NIC, plus MEM_PER_PACKET bytes of cache lines a packet makes the cores fetch (the
frame's first line on the worker, the mbuf's two lines, the flow record) when the last-level
cache does not hold them.

usage: lcores.py --mix NAME:FRAME_BYTES:RX_CYCLES:WORKER_CYCLES [--mix ...]
                 [--gbps 10,25,40,100] [--ghz 2.1,3.0]
"""
import argparse
import math
import sys

WIRE_OVERHEAD = 4 + 20   # FCS, preamble + start delimiter + inter-frame gap
MEM_PER_PACKET = 4 * 64  # cache lines a packet costs beyond its DMA write


def parse_mix(text):
    try:
        name, frame, rx, wk = text.split(":")
        return name, float(frame), float(rx), float(wk)
    except ValueError:
        raise argparse.ArgumentTypeError("--mix %s: expected NAME:FRAME_BYTES:RX_CYCLES:"
                                         "WORKER_CYCLES" % text)


def floats(text):
    try:
        return [float(x) for x in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("expected numbers separated by commas: %s" % text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mix", type=parse_mix, action="append", required=True)
    ap.add_argument("--gbps", type=floats, default=[10, 25, 40, 100])
    ap.add_argument("--ghz", type=floats, default=[2.1, 3.0])
    a = ap.parse_args()
    hdr = ["link", "mix", "Mpps"]
    for ghz in a.ghz:
        hdr += ["RX @%.1f" % ghz, "workers @%.1f" % ghz]
    hdr += ["memory GB/s"]
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    for gbps in a.gbps:
        for name, frame, rx, wk in a.mix:
            pps = gbps * 1e9 / 8 / (max(frame, 60) + WIRE_OVERHEAD)
            row = ["%g GbE" % gbps, name, "%.2f" % (pps / 1e6)]
            for ghz in a.ghz:
                row += ["%d" % math.ceil(pps * rx / (ghz * 1e9)),
                        "%d" % math.ceil(pps * wk / (ghz * 1e9))]
            row += ["%.1f" % (pps * (frame + MEM_PER_PACKET) / 1e9)]
            print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
