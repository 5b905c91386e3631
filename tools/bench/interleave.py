#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Whole-process times of several commands, run in turn, round by round.

hyperfine runs each command's runs in a row: on a VM whose speed drifts by a third within
minutes, a drift between two commands moves their ratio, and the steady state (the 5M run
minus the 1M run) most of all. Here every round runs every command once, in the order
given, so a drift hits them alike; the first --warmup rounds are not counted. It prints, per
command, the median, mean, standard deviation and range of its wall time (ms); with
--steady NAME_LONG,NAME_SHORT,PACKETS the packets a second of the difference between the
two commands' medians, and round by round (given once for each pair: two builds compared in
the same rounds).

usage: interleave.py [--rounds N] [--warmup N] [--steady LONG,SHORT,PACKETS]... NAME=COMMAND...
"""
import shlex
import statistics
import subprocess
import sys
import time


def fail(msg):
    print("interleave.py: " + msg, file=sys.stderr)
    sys.exit(2)


def main(argv):
    rounds, warmup, steady, cmds = 10, 1, [], {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--rounds", "--warmup", "--steady"):
            if i + 1 == len(argv):
                fail(a + " needs a value")
            v = argv[i + 1]
            i += 2
            if a == "--steady":
                parts = v.split(",")
                if len(parts) != 3 or not parts[2].isdigit():
                    fail("--steady %s: expected LONG,SHORT,PACKETS" % v)
                steady.append((parts[0], parts[1], int(parts[2])))
            elif not v.isdigit() or (a == "--rounds" and int(v) < 1):
                least = " of at least 1" if a == "--rounds" else ""
                fail("%s %s: expected a whole number%s" % (a, v, least))
            elif a == "--rounds":
                rounds = int(v)
            else:
                warmup = int(v)
            continue
        name, sep, cmd = a.partition("=")
        if not sep or not name or not cmd.strip():
            fail("%s: expected NAME=COMMAND" % a)
        if name in cmds:
            fail("%s: the name %s is given twice" % (a, name))
        cmds[name] = shlex.split(cmd)
        i += 1
    if not cmds:
        fail("no command given (NAME=COMMAND...)")
    for st in steady:
        if not (st[0] in cmds and st[1] in cmds):
            fail("--steady names %s and %s, not both among the commands" % st[:2])
    times = {k: [] for k in cmds}
    for r in range(warmup + rounds):
        for name, cmd in cmds.items():
            t0 = time.perf_counter()
            try:
                rc = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL).returncode
            except OSError as e:
                fail("%s: %s" % (name, e))
            t1 = time.perf_counter()
            if rc != 0:
                fail("%s: exited with %d (%s)" % (name, rc, shlex.join(cmd)))
            if r >= warmup:
                times[name].append((t1 - t0) * 1000)
    print("| command | median ms | mean ms | sd | range |")
    print("|---|---|---|---|---|")
    for name, v in times.items():
        sd = statistics.stdev(v) if len(v) > 1 else 0.0
        print("| %s | %.1f | %.1f | %.1f | %.1f-%.1f |" % (name, statistics.median(v),
                                                       statistics.mean(v), sd, min(v), max(v)))
    for long_, short, pkts in steady:
        d = statistics.median(times[long_]) - statistics.median(times[short])
        rate = pkts / d / 1e3 if d > 0 else float("nan")
        per = [pkts / (a - b) / 1e3 if a > b else float("nan")
               for a, b in zip(times[long_], times[short])]
        print("steady state (%s - %s, %d packets): %.2f Mpps; by round: %s" %
              (long_, short, pkts, rate, " ".join("%.2f" % x for x in per)))


if __name__ == "__main__":
    main(sys.argv[1:])
