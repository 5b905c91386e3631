#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Benchmark driver: portlens against dpdk-testpmd on the same source and the same cores.

In one run it measures, for each source (net_pcap replaying a capture with infinite_rx,
net_null, or net_memif fed by a generator), dpdk-testpmd in rxonly and io modes as the
baseline and portlens with R RX lcores (each with its own source) and W workers, with and
without payload scanning. It prints Mpps, cycles per packet and the ratio to testpmd rxonly,
as a table and (--json) as JSON, with each portlens RX lcore's cycles per packet minus
testpmd rxonly's ("RX-rxonly": what portlens's RX lcore adds to receiving; the issue's target
is +40 with the software hash). The RX lcore's cycles include frames dropped on a full ring
(their arrival statistics and free): with fewer worker CPUs than the traffic needs, read the
figure with the drops in the JSON (rx_drops) in mind.

With --rx-target and one RX lcore, the bare pipeline runs too (pl-bench-pipe, DPDK alone: an
RX lcore that reads each frame's first line and enqueues it on a ring, an lcore that reads it
and frees it), on the same source, pool size and CPUs: the RX lcore's floor in any design that
hands packets from one lcore to another. "RX-rxonly" on its row is what the hand-over alone
costs on the source; each portlens row's distance to it is printed below the table.

memif: a generator, dpdk-testpmd in txonly mode (64-byte frames, --txonly-multi-flow: many
flows) on its own CPUs (--gen-cpus), is the memif server of R interfaces; the measured
program is the client of each, started once the server's sockets exist and stopped before
the server (a DPDK 22.11 memif server fed by a txonly client received nothing here).
The generator sends as fast as it can; what the server does not take is the generator's
TX-dropped, not the server's loss. For a paced source and the zero-loss rate, use
tools/pktgen/pl-zeroloss.py (pktgen-dpdk).

Rates are steady-state: testpmd's RX-packets and portlens's balance.received are sampled
every second from the first sample on (start-up excluded) and the first samples are
dropped. Cycles per packet are, for portlens, the RX lcores' busy cycles over their packets
(its own accounting) and, for testpmd, the forwarding cores' TSC cycles over the packets (a
fully busy poll loop), both over that same steady window: portlens's cumulative counters
are differenced between the window's first and last snapshots, so its start-up (the first
touch of every mbuf, cold caches) counts no more than testpmd's. The drop share is over the
window too. Both figures are TSC cycles, which keep running while the OS runs something
else on the CPU: on a shared machine take the lowest of several interleaved runs
(targets.py does), or add --on-cpu: perf record -e cpu-clock samples each program's RX
lcore threads (rte-worker-1..R) only while they run, from 2 s into the window to its end,
and their on-CPU time times the TSC rate over the packets received meanwhile gives cycles a packet that preemption does not inflate (for both programs alike).

usage: bench.py [--source pcap:FILE] [--source null] [--source memif] [--seconds 8] [--rx 1]
                [--workers 2] [--cpus 0-15] [--gen-cpus 14-15] [--portlens build/app/portlens]
                [--rx-target] [--on-cpu] [--json OUT]
"""
import argparse
import atexit
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

EAL_COMMON = ["--no-pci", "--no-shconf", "--log-level=error"]


def eal_memory(mbufs):
    """--no-huge and the memory for a pool of mbufs (about 2.3 KB each) and the rest."""
    return ["--no-huge", "-m", str(max(2048, 1024 + mbufs * 4096 // (1 << 20)))]
# Most seconds a program may take to start (load a capture, come up on a loaded machine).
START_LIMIT = 120
# the fewest stats samples (testpmd) or snapshots (portlens) a window holds
MIN_SAMPLES = 3


def cpu_list(spec):
    cpus = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            cpus.extend(range(int(a), int(b) + 1))
        else:
            cpus.append(int(part))
    return cpus


def lcores_arg(n, cpus):
    """Map lcores 0..n-1 onto the CPUs, one each while they last (then round robin)."""
    return ",".join("%d@%d" % (i, cpus[i % len(cpus)]) for i in range(n))


def interrupt(p, timeout):
    """Stop a DPDK program as its user would (SIGINT), killing it if it outstays timeout."""
    p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def pcap_frames(path):
    """Frames in a classic pcap file (net_pcap's infinite_rx holds them all in mbufs)."""
    n = 0
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return 0
        order = "<" if hdr[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return n
            f.seek(struct.unpack(order + "IIII", rec)[2], 1)
            n += 1


def pool_size(source, rx):
    """mbufs each program needs: each RX port's replayed capture on top of the usual."""
    return 32768 + (rx * pcap_frames(source[5:]) if source.startswith("pcap:") else 0)


def memif_sock(tmp, i):
    return os.path.join(tmp, "memif%d.sock" % i)


def vdevs(source, count, tmp):
    out = []
    for i in range(count):
        if source == "null":
            out += ["--vdev", "net_null%d,size=64" % i]
        elif source == "memif":
            out += ["--vdev", "net_memif%d,role=client,socket=%s,socket-abstract=no" %
                    (i, memif_sock(tmp, i))]
        else:
            out += ["--vdev", "net_pcap%d,rx_pcap=%s,infinite_rx=1" % (i, source[5:])]
    return out


class Generator:
    """For the memif source: testpmd txonly, the server of one memif per RX lcore."""

    def __init__(self, source, count, cpus, tmp):
        self.p = None
        if source != "memif":
            return
        n = 1 + count
        socks = [memif_sock(tmp, i) for i in range(count)]
        for x in socks:  # a server binds a fresh socket
            if os.path.exists(x):
                os.unlink(x)
        cmd = (["dpdk-testpmd", "--lcores", lcores_arg(n, cpus), "--main-lcore", "0",
                "--file-prefix", "plb-gen-%d" % os.getpid()] + eal_memory(32768) +
               EAL_COMMON +
               sum([["--vdev", "net_memif%d,role=server,socket=%s,socket-abstract=no" %
                     (i, socks[i])] for i in range(count)], []) +
               ["--", "--no-mlockall", "-a", "--forward-mode=txonly", "--txpkts=64",
                # a stats period keeps testpmd running without a terminal (otherwise it
                # waits for Enter on stdin, and /dev/null ends it at once)
                "--txonly-multi-flow", "--stats-period", "1", "--nb-cores=%d" % count,
                "--rxq=1", "--txq=1",
                "--total-num-mbufs=32768"])
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while not all(os.path.exists(x) for x in socks):
            if time.time() > deadline or self.p.poll() is not None:
                self.stop()
                raise RuntimeError("the memif generator did not create %s" % socks)
            time.sleep(0.1)

    def stop(self):
        """Stop the server, after its clients (the measured program) have gone."""
        if self.p is None:
            return
        interrupt(self.p, 20)
        self.p = None


def run_testpmd(source, mode, rx, seconds, cpus, gen_cpus, tmp, on_cpu=False):
    """testpmd's rate over the steady window, and (on_cpu) the RX lcores' perf view."""
    n = 1 + rx
    # each sample is timed when its lines arrive: testpmd's stdout into a pipe is
    # block-buffered, so several samples could come at once with one time (a rate of 0);
    # stdbuf makes it line-buffered
    cmd = ((["stdbuf", "-oL"] if shutil.which("stdbuf") else []) +
           ["dpdk-testpmd", "--lcores", lcores_arg(n, cpus), "--main-lcore", "0",
            "--file-prefix", "plb-tp-%d" % os.getpid()] +
           eal_memory(pool_size(source, rx)) + EAL_COMMON +
           vdevs(source, rx, tmp) +
           ["--", "--no-mlockall", "-a", "--forward-mode=" + mode, "--stats-period", "1",
            "--nb-cores=%d" % rx, "--rxq=1", "--txq=1",
            "--total-num-mbufs=%d" % pool_size(source, rx)])
    gen = Generator(source, rx, gen_cpus, tmp)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         stdin=subprocess.DEVNULL)
    samples = []
    # the window counts from the first sample: start-up is not part of it (on a loaded
    # machine it can take longer than the window), with a bound for a testpmd that never
    # reports
    start = None
    give_up = time.time() + seconds + 120
    block = {}
    perf = None
    for line in p.stdout:
        m = re.search(r"NIC statistics for port (\d+)", line)
        if m:
            port = int(m.group(1))
        m = re.search(r"RX-packets:\s+(\d+)", line)
        if m:
            block[port] = int(m.group(1))
            if len(block) == rx:
                samples.append((time.time(), sum(block.values())))
                block = {}
                start = start or time.time()
                if on_cpu and perf is None and time.time() - start >= 2:
                    perf = OnCpu(p.pid, rx, tmp)
        if time.time() > give_up:
            break
        # the window is a time and at least MIN_SAMPLES samples: on a loaded machine a
        # sample can come late, and fewer than two give no rate
        if start and time.time() - start > seconds and len(samples) >= MIN_SAMPLES:
            # with perf: stop it, and read on to a sample after it stopped
            if perf is None or samples[-1][0] > perf.stop():
                break
    oncpu = perf.finish() if perf else None
    interrupt(p, 20)
    gen.stop()
    return rate(samples), on_cpu_cycles(oncpu, samples, tsc_hz())


class OnCpu:
    """perf's view of the RX lcores: cpu-clock samples a thread only while it runs.

    Started 2 s into the steady window and stopped at its end, it gives the RX lcores'
    on-CPU time (samples over the sampling rate); with the packets received in the same
    interval, their on-CPU cycles a packet, which preemption by other work on the CPU does
    not inflate (TSC cycles do).
    """
    HZ = 10000

    def __init__(self, pid, rx, tmp):
        self.data = os.path.join(tmp, "oncpu.data")
        self.threads = ["rte-worker-%d" % i for i in range(1, rx + 1)]
        self.t0 = time.time()
        self.p = subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock", "-F",
                                   str(self.HZ), "-o", self.data, "-p", str(pid)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.t1 = None

    def stop(self):
        """Stop recording (as Ctrl-C does); returns the time it was told to."""
        if self.t1 is None:
            self.t1 = time.time()
            interrupt(self.p, 60)
        return self.t1

    def finish(self):
        """The RX lcores' on-CPU seconds and the interval perf recorded."""
        self.stop()
        out = subprocess.run(["perf", "report", "-i", self.data, "--sort", "comm", "-F",
                              "sample,comm", "--stdio"], capture_output=True,
                             text=True).stdout
        n = 0
        for line in out.splitlines():
            f = line.split()
            if len(f) == 2 and f[0].isdigit() and f[1] in self.threads:
                n += int(f[0])
        return n / self.HZ, self.t0, self.t1


def at(samples, t):
    """Packets counted at time t, interpolated between (time, packets) samples."""
    for (a, pa), (b, pb) in zip(samples, samples[1:]):
        if a <= t <= b:
            return pa + (pb - pa) * (t - a) / (b - a) if b > a else pa
    return None


def on_cpu_cycles(oncpu, samples, hz):
    """On-CPU cycles a packet of the RX lcores from OnCpu.finish() and packet samples."""
    if oncpu is None:
        return 0.0
    busy, t0, t1 = oncpu
    a, b = at(samples, t0), at(samples, t1)
    if a is None or b is None or b <= a:
        return 0.0
    return busy * hz / (b - a)


def rate(samples):
    """Packets per second over the steady part (first two samples dropped)."""
    s = samples[2:] if len(samples) > 4 else samples
    if len(s) < 2 or s[-1][0] <= s[0][0]:
        return 0.0
    return (s[-1][1] - s[0][1]) / (s[-1][0] - s[0][0])


def run_portlens(portlens, source, rx, workers, scan, seconds, cpus, gen_cpus, tmp,
                 on_cpu=False):
    n = 1 + rx + workers
    cfg = os.path.join(tmp, "bench.yaml")
    with open(cfg, "w") as f:
        # scanning off as every build reads it (scan.packets 0 predates scan.budget), so
        # that an older build can be measured with the same command (targets.py --before)
        f.write("scan:\n  budget: 65536\n" if scan else "scan:\n  packets: 0\n")
    jl = os.path.join(tmp, "bench.jsonl")
    if os.path.exists(jl):
        os.unlink(jl)
    cmd = ([portlens, "--lcores", lcores_arg(n, cpus), "--main-lcore", "0",
            "--file-prefix", "plb-pl-%d" % os.getpid()] +
           eal_memory(pool_size(source, rx)) + EAL_COMMON +
           vdevs(source, rx, tmp) +
           ["--", "--rx-lcores", "1-%d" % rx, "--worker-lcores",
            "%d-%d" % (rx + 1, rx + workers), "--config", cfg, "--json-lines", jl,
            "--json-interval", "1", "--tick-ms", "500", "--mbufs", str(pool_size(source, rx)),
            "--no-summary", "--quiet"])
    gen = Generator(source, rx, gen_cpus, tmp)
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    # the window counts from the first snapshot, as testpmd's from its first sample
    deadline = time.time() + 120
    while p.poll() is None and time.time() < deadline and not (
            os.path.exists(jl) and os.path.getsize(jl) > 0):
        time.sleep(0.1)
    perf, oncpu, end = None, None, time.time() + seconds
    if on_cpu:
        try:
            p.wait(timeout=2)
        except subprocess.TimeoutExpired:
            perf = OnCpu(p.pid, rx, tmp)
    try:
        p.wait(timeout=max(0.1, end - time.time()))
    except subprocess.TimeoutExpired:
        pass
    # and at least MIN_SAMPLES snapshots in the window, as for testpmd (bounded)
    while p.poll() is None and time.time() < deadline and snapshots(jl) < MIN_SAMPLES:
        time.sleep(0.1)
    if perf:
        perf.stop()
        # a snapshot after perf stopped (one a second), so its interval is covered
        try:
            p.wait(timeout=2.5)
        except subprocess.TimeoutExpired:
            pass
        oncpu = perf.finish()
    interrupt(p, 60)
    gen.stop()
    snaps = []
    if not os.path.exists(jl):
        print("bench.py: portlens exited %s without a snapshot: %s" % (p.returncode,
                                                                       " ".join(cmd)),
              file=sys.stderr)
        return 0.0, 0.0, 0.0, 0.0, 0.0
    with open(jl) as f:
        for line in f:
            snaps.append(json.loads(line))
    rx_pkts = [(d["wall_ns"] / 1e9, lcore_sums(d, "rx")[1]) for d in snaps]
    return steady(snaps) + (on_cpu_cycles(oncpu, rx_pkts, tsc_hz()),)


def run_pipe(pipe, source, seconds, cpus, tmp):
    """The bare pipeline (pl-bench-pipe: RX lcore -> ring -> an lcore that reads each
    frame's first line and frees it; the RX lcore reads the first line too) on the same
    source, pool size and CPUs: the RX lcore's floor in any design that hands packets to
    another lcore. Returns its rate and RX cycles a packet (busy polls, as portlens's)."""
    cmd = ([pipe, "--lcores", lcores_arg(3, cpus), "--main-lcore", "0",
            "--file-prefix", "plb-pp-%d" % os.getpid()] +
           eal_memory(pool_size(source, 1)) + EAL_COMMON + vdevs(source, 1, tmp) +
           ["--", "--mode", "pipe", "--rx-read", "--sink-read", "--seconds", str(seconds),
            "--mbufs", str(pool_size(source, 1)), "--json"])
    res = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=seconds + START_LIMIT)
    for line in res.stdout.splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            return r["mpps"] * 1e6, r["rx_cycles_per_packet"], r["sink_cycles_per_packet"], \
                r["rx_drops"]
    print("bench.py: pl-bench-pipe gave no result: %s\n%s" % (" ".join(cmd), res.stderr),
          file=sys.stderr)
    return 0.0, 0.0, 0.0, 0.0


def snapshots(path):
    """Complete JSON lines written so far to portlens's --json-lines file."""
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except OSError:
        return 0


def lcore_sums(snap, role):
    """Busy cycles and packets of a snapshot's lcores of one role (cumulative counts)."""
    ls = [l for l in snap["lcores"] if l["role"] == role]
    return (sum(l["cycles_per_packet"] * l["packets"] for l in ls),
            sum(l["packets"] for l in ls), len(ls))


def steady(snaps):
    """Rate, RX and worker cycles a packet and drop share over the steady window.

    The same window as testpmd's rate (first two samples dropped, and the last, taken at
    shutdown): the lcores' cumulative busy cycles and packets are differenced between its
    ends, so start-up (first touch of every mbuf, cold caches) counts for neither program.
    """
    win = snaps[2:-1] if len(snaps) > 4 else snaps
    if not win:
        return 0.0, 0.0, 0.0, 0.0
    # one snapshot only (a very short run): its counts from the start
    zero = {"lcores": [], "balance": {"received": 0, "dropped_total": 0}}
    a, b = (win[0], win[-1]) if len(win) > 1 else (zero, win[0])
    pps = rate([(d["wall_ns"] / 1e9, d["balance"]["received"]) for d in win])
    per = []
    for role in ("rx", "worker"):
        (c0, p0, _), (c1, p1, _) = lcore_sums(a, role), lcore_sums(b, role)
        # the role's busy cycles over its packets (several lcores: weighted by packets)
        per.append((c1 - c0) / (p1 - p0) if p1 > p0 else 0.0)
    recv = b["balance"]["received"] - a["balance"]["received"]
    drop = ((b["balance"].get("dropped_total") or 0) -
            (a["balance"].get("dropped_total") or 0))
    return pps, per[0], per[1], (drop / recv if recv > 0 else 0.0)


def tsc_hz():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("cpu MHz"):
                    return float(line.split(":")[1]) * 1e6
    except OSError:
        pass
    return 0.0


def runtime_dirs_remove():
    """The EAL runtime folders of this run's prefixes, where left empty (testpmd's and the
    generator's EAL leave theirs behind; a folder still holding files stays)."""
    base = ("/var/run/dpdk" if os.geteuid() == 0 else
            os.path.join(os.environ.get("XDG_RUNTIME_DIR") or "/tmp", "dpdk"))
    for prefix in ("plb-tp", "plb-gen", "plb-pl"):
        try:
            os.rmdir(os.path.join(base, "%s-%d" % (prefix, os.getpid())))
        except OSError:
            pass


def main():
    atexit.register(runtime_dirs_remove)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", action="append", default=[])
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--rx", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cpus", default="0-%d" % (os.cpu_count() - 1))
    ap.add_argument("--gen-cpus", default=None,
                    help="CPUs of the memif generator (default: the last rx + 1 CPUs)")
    ap.add_argument("--portlens", default="build/app/portlens")
    ap.add_argument("--pipe", default=None,
                    help="pl-bench-pipe (default: beside --portlens's build, "
                         "tools/bench/pl-bench-pipe); with --rx-target and --rx 1, the bare "
                         "pipeline runs on the same source and CPUs")
    ap.add_argument("--json")
    ap.add_argument("--on-cpu", action="store_true",
                    help="also the RX lcores' on-CPU cycles a packet (perf record -e "
                         "cpu-clock), which preemption does not inflate")
    ap.add_argument("--rx-target", action="store_true",
                    help="only what the RX target compares: testpmd rxonly and portlens "
                         "without scanning")
    a = ap.parse_args()
    if a.on_cpu and (a.seconds < 6 or shutil.which("perf") is None):
        ap.error("--on-cpu needs perf (linux-perf) and --seconds 6 or more")
    sources = a.source or ["null"]
    for s in sources:
        if s not in ("null", "memif") and not (s.startswith("pcap:") and
                                               os.path.exists(s[5:])):
            ap.error("--source %s: expected null, memif or pcap:FILE (existing)" % s)
    cpus = cpu_list(a.cpus)
    pipe = a.pipe or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
        a.portlens))), "tools", "bench", "pl-bench-pipe")
    with_pipe = a.rx_target and a.rx == 1 and os.access(pipe, os.X_OK)
    gen_cpus = (cpu_list(a.gen_cpus) if a.gen_cpus else
                list(range(os.cpu_count()))[-(a.rx + 1):])
    hz = tsc_hz()
    results = []
    with tempfile.TemporaryDirectory(prefix="plb-") as tmp:
        for src in sources:
            base, base_on = run_testpmd(src, "rxonly", a.rx, a.seconds, cpus, gen_cpus, tmp,
                                        a.on_cpu)
            # testpmd's cycles a packet on each forwarding core: R cores share the rate
            base_c = a.rx * hz / base if base else 0
            rows = [("testpmd rxonly", base, base_c, 0, 0, base_on)]
            pipe_c = 0
            if with_pipe:
                pps, pipe_c, sink_c, drops = run_pipe(pipe, src, a.seconds, cpus, tmp)
                rows.append(("bare pipeline", pps, pipe_c, sink_c, drops, 0))
            if not a.rx_target:
                io, io_on = run_testpmd(src, "io", a.rx, a.seconds, cpus, gen_cpus, tmp,
                                        a.on_cpu)
                rows.append(("testpmd io", io, a.rx * hz / io if io else 0, 0, 0, io_on))
            for scan in (False,) if a.rx_target else (False, True):
                pps, rxc, wkc, drops, rx_on = run_portlens(a.portlens, src, a.rx, a.workers,
                                                           scan, a.seconds, cpus, gen_cpus,
                                                           tmp, a.on_cpu)
                rows.append(("portlens %dRX+%dW scan %s" % (a.rx, a.workers,
                                                             "on" if scan else "off"),
                             pps, rxc, wkc, drops, rx_on))
            for name, pps, c_rx, c_wk, drops, c_on in rows:
                pl = name.startswith("portlens") or name == "bare pipeline"
                results.append({"source": src, "run": name, "mpps": pps / 1e6,
                                "rx_cycles_per_packet": c_rx,
                                "worker_cycles_per_packet": c_wk,
                                "rx_minus_rxonly": c_rx - base_c if pl and base_c else 0,
                                "rx_minus_pipe": (c_rx - pipe_c if pl and pipe_c and
                                                  name != "bare pipeline" else 0),
                                "rx_drops": drops,
                                "ratio_to_rxonly": pps / base if base else 0,
                                "rx_on_cpu_cycles_per_packet": c_on,
                                "rx_on_cpu_minus_rxonly": (c_on - base_on
                                                           if pl and c_on and base_on else 0)})
    print("%-28s %-26s %8s %8s %8s %10s %7s %6s%s" % ("source", "run", "Mpps", "RX c/p",
                                                      "W c/p", "RX-rxonly", "drops", "ratio",
                                                      " %8s %10s" % ("on-CPU", "on-rxonly")
                                                      if a.on_cpu else ""))
    for r in results:
        pl = r["run"].startswith("portlens") or r["run"] == "bare pipeline"
        print("%-28s %-26s %8.2f %8.0f %8s %10s %7s %6.2f%s" % (
            r["source"][-28:], r["run"], r["mpps"], r["rx_cycles_per_packet"],
            "%.0f" % r["worker_cycles_per_packet"] if pl else "",
            "%+.0f" % r["rx_minus_rxonly"] if pl else "",
            "%.1f%%" % (100 * r["rx_drops"]) if pl else "", r["ratio_to_rxonly"],
            " %8.0f %10s" % (r["rx_on_cpu_cycles_per_packet"],
                             "%+.0f" % r["rx_on_cpu_minus_rxonly"] if pl else "")
            if a.on_cpu else ""))
    print("TSC %.2f GHz; testpmd's cycles per packet: the clock over its rate per "
          "forwarding core (each busy); portlens's: its lcores' own busy cycles over their "
          "packets" % (hz / 1e9))
    for r in results:
        if r["rx_minus_pipe"]:
            print("%s: portlens RX - bare pipeline RX: %+.0f cycles a packet (the bare "
                  "pipeline's W c/p is its sink's)" % (r["source"][-28:], r["rx_minus_pipe"]))
    if a.on_cpu:
        print("on-CPU: the RX lcores' time on the CPU (perf cpu-clock samples) times the TSC "
              "rate over the packets received meanwhile; preemption does not count")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"cpus": cpus, "rx": a.rx, "workers": a.workers, "tsc_hz": hz,
                       "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
