#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The benchmark tools still work (functionally; no timing is checked: figures are taken by
# hand, docs/benchmarking.md): pl-bench-worker reports every stage and the scanned share,
# with and without --new-flows; pl-bench-pipe runs the bare pipeline and the run-to-completion
# loop and gives every mbuf back; pl-capbench reads a capture whole in each mode it is asked
# for (with the readahead helper too) and refuses a mode it does not know;
# bench.py measures testpmd, the bare pipeline and portlens on
# a net_pcap source
# and rejects a bad source (with --on-cpu, both programs' RX lcores' on-CPU cycles, where
# perf is installed); targets.py rejects bad options; cachestate.py tells how the page cache
# holds a capture and puts it there as a read from disk would; interleave.py times commands
# round by round; pl-zeroloss.py's own checks pass
# without pktgen. (bench.py's
# memif source is left to the benchmark runs: its busy generator on a loaded 2-CPU CI machine
# makes a flaky test.)
# usage: test_bench_tools.sh PORTLENS PL_GEN PL_BENCH_WORKER SOURCE_ROOT PL_BENCH_PIPE
#        PL_CAPBENCH
set -euo pipefail
. "$(dirname "$0")/lib.sh"
portlens=$1
plgen=$2
bench=$3
root=$4
pipe=$5
capbench=$6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$plgen" --mix finmark --count 4000 --seed 7 --out "$tmp/f.pcap" >/dev/null
"$plgen" --mix imix-flows --count 12000 --seed 8 --out "$tmp/i.pcap" >/dev/null

# ---- pl-capbench ----
"$capbench" "$tmp/f.pcap" copy ahead read --rounds 2 >"$tmp/c.txt"
# (how much the helper filled in before the reader got there depends on the scheduler; the
# unit test checks the helper itself)
check "pl-capbench: every mode reads all 4000 packets, ahead says what the helper did" "$(python3 -c "
import re, sys
lines = open(sys.argv[1]).read().splitlines()
ok = len(lines) == 6 and all(' 4000 packets, ' in l for l in lines)
ahead = [l for l in lines if l.startswith('ahead ')]
print(ok and len(ahead) == 2 and all(re.search(r', [0-9.]+ MB filled in by the helper$', l) for l in ahead))" "$tmp/c.txt")"
rc=0
"$capbench" "$tmp/f.pcap" copy mmap >/dev/null 2>"$tmp/e.txt" || rc=$?
check "pl-capbench: an unknown mode exits 2 with why" "$([ "$rc" -eq 2 ] && grep -q "mmap: not a mode" "$tmp/e.txt" && echo True || echo False)"

# ---- pl-bench-worker ----
stages='["rx","ring","class","flow","worker"]'
"$bench" --pcap "$tmp/f.pcap" --packets 4000 --rounds 3 --json >"$tmp/w.json"
check "pl-bench-worker: every stage measured, scanning on by default" "$(python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); c=d['cycles_per_packet']
print(all(c[k] > 0 for k in $stages) and d['scan'] is True and d['packets'] == 4000 and 0 < d['scanned_share'] < 1)" "$tmp/w.json")"
# 12000 frames over 4096 flows: about 3 a flow, every data packet scanned while new; flows
# that go on from round to round scan only what is new to their streams (a connection that
# starts again on its record is new), so fewer
"$bench" --pcap "$tmp/i.pcap" --packets 12000 --rounds 3 --new-flows --json >"$tmp/n.json"
"$bench" --pcap "$tmp/i.pcap" --packets 12000 --rounds 3 --json >"$tmp/o.json"
check "pl-bench-worker --new-flows: every round's flows are new and scanned again" "$(python3 -c "
import json,sys; n=json.load(open(sys.argv[1])); o=json.load(open(sys.argv[2]))
print(0.6 < n['scanned_share'] < 0.75 and o['scanned_share'] < n['scanned_share'])" "$tmp/n.json" "$tmp/o.json")"
"$bench" --pcap "$tmp/f.pcap" --packets 4000 --rounds 3 --nic-hash --json >"$tmp/h.json"
check "pl-bench-worker --nic-hash: the RX lcore takes the NIC's hash, every stage measured" \
	"$(python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); c=d['cycles_per_packet']
print(all(c[k] > 0 for k in $stages) and d['nic_hash'] is True)" "$tmp/h.json")"
rc=0
"$bench" --pcap "$tmp/f.pcap" --rounds 1 >/dev/null 2>"$tmp/e.txt" || rc=$?
check "pl-bench-worker: a bad option exits 2 with why" "$([ "$rc" -eq 2 ] && grep -q "rounds >= 2" "$tmp/e.txt" && echo True || echo False)"

# ---- pl-bench-pipe ----
# three lcores on whatever CPUs there are: main, RX lcore, sink (its own file prefix and no
# hugepages, so it runs beside other tests)
pipe_eal=(--lcores "0@0,1@$(($(nproc) - 1)),2@0" --main-lcore 0 --no-huge -m 512 --no-pci
	--no-shconf --log-level=error --file-prefix "plbp$$"
	--vdev "net_pcap0,rx_pcap=$tmp/f.pcap,infinite_rx=1")
for mode in "pipe --rx-read --sink-read" "pipe" "rtc --rx-read"; do
	rc=0
	# shellcheck disable=SC2086
	"$pipe" "${pipe_eal[@]}" -- --mode $mode --seconds 1 --warmup 1 --mbufs 16384 --json \
		>"$tmp/p.json" 2>"$tmp/p.err" || rc=$?
	check "pl-bench-pipe --mode $mode: packets through, cycles counted, every mbuf back" \
		"$(python3 -c "
import json,sys; d=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
pipe = d['mode'] == 'pipe'
print(sys.argv[2] == '0' and d['mpps'] > 0 and d['rx_cycles_per_packet'] > 0 and
      (d['sink_cycles_per_packet'] > 0) == pipe and d['mbufs_back'] == d['mbufs'] == 16384 and
      0 <= d['rx_drops'] <= 1 and (pipe or d['rx_drops'] == 0))" "$tmp/p.json" "$rc" \
		2>/dev/null || echo False)"
	[ "$fail" -eq 0 ] || cat "$tmp/p.json" "$tmp/p.err"
done
rc=0
"$pipe" "${pipe_eal[@]}" -- --mode fast >/dev/null 2>"$tmp/e.txt" || rc=$?
check "pl-bench-pipe: a bad mode exits 2 with why" "$([ "$rc" -eq 2 ] && grep -q "expected pipe or rtc" "$tmp/e.txt" && echo True || echo False)"
rc=0
"$pipe" --lcores 0@0,1@0 --no-huge -m 512 --no-pci --no-shconf --log-level=error \
	--file-prefix "plbq$$" --vdev "net_pcap0,rx_pcap=$tmp/f.pcap,infinite_rx=1" -- \
	--mode pipe >/dev/null 2>"$tmp/e.txt" || rc=$?
check "pl-bench-pipe: a pipeline without a sink lcore exits 2 with why" "$([ "$rc" -eq 2 ] && grep -q "two more (pipe)" "$tmp/e.txt" && echo True || echo False)"

# ---- bench.py (testpmd from Debian's dpdk-dev) ----
if command -v dpdk-testpmd >/dev/null; then
	cpus=$(nproc)
	python3 "$root/tools/bench/bench.py" --source "pcap:$tmp/f.pcap" --rx 1 --workers 1 \
		--cpus "0-$((cpus - 1))" --seconds 3 --portlens "$portlens" --json "$tmp/b.json" \
		>"$tmp/b.txt" 2>&1 || true
	check "bench.py: testpmd rxonly and io, portlens with and without scanning, one JSON row each" \
		"$(python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); r=d['results']
print(len(r) == 4 and all(x['mpps'] > 0 for x in r) and
      all(x['rx_cycles_per_packet'] > 0 and
          x['rx_minus_rxonly'] == x['rx_cycles_per_packet'] - r[0]['rx_cycles_per_packet'] and
          0 <= x['rx_drops'] <= 1 for x in r if x['run'].startswith('portlens')))" "$tmp/b.json" 2>/dev/null || echo False)"
	[ "$fail" -eq 0 ] || cat "$tmp/b.txt"
	# two RX lcores, each with its own replayed port: both programs' pools hold the capture
	# twice, and testpmd's cycles are per forwarding core
	python3 "$root/tools/bench/bench.py" --source "pcap:$tmp/f.pcap" --rx 2 --workers 1 \
		--cpus "0-$((cpus - 1))" --seconds 2 --rx-target --portlens "$portlens" \
		--json "$tmp/b2.json" >"$tmp/b2.txt" 2>&1 || true
	check "bench.py --rx 2: testpmd rxonly and portlens each take both ports" \
		"$(python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); r=d['results']; hz=d['tsc_hz']
print(len(r) == 2 and all(x['mpps'] > 0 for x in r) and r[1]['rx_cycles_per_packet'] > 0 and
      abs(r[0]['rx_cycles_per_packet'] - 2 * hz / (r[0]['mpps'] * 1e6)) < 1)" "$tmp/b2.json" \
		2>/dev/null || echo False)"
	[ "$fail" -eq 0 ] || cat "$tmp/b2.txt" "$tmp/b2.json"
	if command -v perf >/dev/null; then
		python3 "$root/tools/bench/bench.py" --source "pcap:$tmp/f.pcap" --rx 1 --workers 1 \
			--cpus "0-$((cpus - 1))" --seconds 6 --portlens "$portlens" --rx-target --on-cpu \
			--json "$tmp/o.json" >"$tmp/o.txt" 2>&1 || true
		check "bench.py --rx-target --on-cpu: testpmd rxonly, the bare pipeline and portlens, on-CPU cycles of testpmd and portlens, portlens's distance to the bare pipeline" \
			"$(python3 -c "
import json,sys; r=json.load(open(sys.argv[1]))['results']
print([x['run'] for x in r][:2] == ['testpmd rxonly', 'bare pipeline'] and len(r) == 3 and
      all(r[i]['rx_on_cpu_cycles_per_packet'] > 0 for i in (0, 2)) and
      r[1]['mpps'] > 0 and r[1]['rx_cycles_per_packet'] > 0 and
      r[2]['rx_on_cpu_minus_rxonly'] == r[2]['rx_on_cpu_cycles_per_packet'] -
      r[0]['rx_on_cpu_cycles_per_packet'] and
      r[2]['rx_minus_pipe'] == r[2]['rx_cycles_per_packet'] - r[1]['rx_cycles_per_packet'])" \
			"$tmp/o.json" 2>/dev/null || echo False)"
		[ "$fail" -eq 0 ] || cat "$tmp/o.txt"
	else
		echo "skip: bench.py --on-cpu (no perf)"
	fi
else
	echo "skip: bench.py (no dpdk-testpmd)"
fi
rc=0
python3 "$root/tools/bench/bench.py" --source null --on-cpu --seconds 3 >/dev/null 2>"$tmp/e.txt" || rc=$?
check "bench.py: --on-cpu with too short a window exits 2 with why" "$([ "$rc" -eq 2 ] && grep -q "seconds 6 or more" "$tmp/e.txt" && echo True || echo False)"
rc=0
python3 "$root/tools/bench/bench.py" --source bogus >/dev/null 2>"$tmp/e.txt" || rc=$?
check "bench.py: a bad source exits 2 with why" "$([ "$rc" -eq 2 ] && grep -q "expected null, memif or pcap" "$tmp/e.txt" && echo True || echo False)"

# ---- targets.py ----
rc=0
python3 "$root/tools/bench/targets.py" --runs 0 >/dev/null 2>"$tmp/e.txt" || rc=$?
check "targets.py: --runs 0 exits 2 with why" "$([ "$rc" -eq 2 ] && grep -q "at least 1" "$tmp/e.txt" && echo True || echo False)"
rc=0
python3 "$root/tools/bench/targets.py" --build "$tmp/nowhere" >/dev/null 2>"$tmp/e.txt" || rc=$?
check "targets.py: a build folder without the programs exits 2 naming it" "$([ "$rc" -eq 2 ] && grep -q "not built" "$tmp/e.txt" && echo True || echo False)"

# ---- cachestate.py ----
# --fresh leaves the whole capture in the page cache (wherever the test's folder is: a
# tmpfs keeps it, a disk file system reads it back); the folio shares are numbers as root,
# "unknown" otherwise; a file that is not there is refused in one line, exit 2
python3 "$root/tools/bench/cachestate.py" --fresh "$tmp/f.pcap" "$tmp/i.pcap" >"$tmp/cs.txt"
check "cachestate.py --fresh: both captures whole in the page cache, their folios told" "$(python3 -c "
import os, re, sys
lines = open(sys.argv[1]).read().splitlines()
pat = r': (\d+) pages, 100\.0 % in the page cache, (\d+\.\d %+ in large folios, \d+\.\d %+ in 2 MiB ones|unknown \(needs root\))$'
m = [re.search(pat, l) for l in lines]
root = os.geteuid() == 0
print(len(lines) == 2 and all(m) and all((x.group(2) != 'unknown (needs root)') == root for x in m)
      and int(m[0].group(1)) == (os.path.getsize(sys.argv[2]) + 4095) // 4096)" "$tmp/cs.txt" "$tmp/f.pcap")"
rc=0
python3 "$root/tools/bench/cachestate.py" "$tmp/none.pcap" >/dev/null 2>"$tmp/e.txt" || rc=$?
check "cachestate.py: a missing file exits 2 in one line naming it" "$([ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/e.txt")" -eq 1 ] && grep -q "none.pcap: No such file" "$tmp/e.txt" && echo True || echo False)"

# ---- interleave.py ----
# every command once a round; the medians are the commands' own (sleep sets a least time),
# the steady state their difference's rate; bad arguments and a failing command: exit 2
python3 "$root/tools/bench/interleave.py" --rounds 3 --warmup 1 --steady long,short,4000000 \
	"short=sleep 0.01" "long=sleep 0.05" >"$tmp/il.txt"
check "interleave.py: a row per command, their medians ordered, the steady state from them" "$(python3 -c "
import re, sys
t = open(sys.argv[1]).read()
rows = dict((m.group(1), float(m.group(2))) for m in re.finditer(r'^\| (\w+) \| ([0-9.]+) \|', t, re.M))
st = re.search(r'steady state \(long - short, 4000000 packets\): ([0-9.]+) Mpps; by round: (\S+) (\S+) (\S+)$', t, re.M)
print(set(rows) == {'short', 'long'} and rows['long'] >= 50 and 10 <= rows['short'] < rows['long'] and
      st is not None and abs(float(st.group(1)) / (4000 / (rows['long'] - rows['short'])) - 1) < 0.01)" \
	"$tmp/il.txt")"
rc=0
python3 "$root/tools/bench/interleave.py" --rounds 2 "a=true" "b=false" >/dev/null 2>"$tmp/e.txt" || rc=$?
check "interleave.py: a command that fails exits 2 naming it" "$([ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/e.txt")" -eq 1 ] && grep -q "b: exited with 1" "$tmp/e.txt" && echo True || echo False)"
python3 "$root/tools/bench/interleave.py" --rounds 2 --warmup 0 --steady long,short,1000 \
	--steady longer,short,1000 "short=sleep 0.01" "long=sleep 0.05" "longer=sleep 0.09" \
	>"$tmp/il2.txt"
check "interleave.py: --steady twice, a steady state for each pair" "$(python3 -c "
import re, sys
t = open(sys.argv[1]).read()
st = dict((m.group(1), float(m.group(2))) for m in
          re.finditer(r'^steady state \((\w+) - short, 1000 packets\): ([0-9.]+) Mpps', t, re.M))
print(set(st) == {'long', 'longer'} and min(st.values()) > 0)" "$tmp/il2.txt")"
rc=0
python3 "$root/tools/bench/interleave.py" --steady x,y,10 "a=true" >/dev/null 2>"$tmp/e.txt" || rc=$?
check "interleave.py: --steady naming no command exits 2 with why" "$([ "$rc" -eq 2 ] && grep -q "not both among the commands" "$tmp/e.txt" && echo True || echo False)"

# ---- pl-zeroloss.py ----
check "pl-zeroloss.py --self-check" "$(python3 "$root/tools/pktgen/pl-zeroloss.py" --self-check >/dev/null 2>&1 && echo True || echo False)"

finish
