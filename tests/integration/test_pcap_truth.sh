#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# pcap_truth: run portlens offline on generated captures and compare its JSON snapshot with
# the truth tshark gives (truth.py), and the single-worker run with the three-worker run.
#
# usage: test_pcap_truth.sh PORTLENS PL_GEN [SRC_DIR]
#   PORTLENS  path of the portlens binary
#   PL_GEN    path of the pl-gen binary
#   SRC_DIR   tests/integration in the source tree (default: this script's folder)
# Environment: PL_KEEP=1 keeps the work directory (its path is printed) for a post-mortem.
#
# For every capture: pl-gen writes it, truth.py computes the truth, portlens runs with
# --workers 1 and --workers 3; each run must match the truth (compare.py), the two runs must
# agree with each other on totals, ports and bins, and each run's balance must be closed:
# in_flight == 0 and received == totals.packets. The one-worker run is taken three ways, the
# RX lcore assisting the worker when it is the slower (the default), always and never
# (--rx-assist on, off): all three match the truth, and their snapshots are the same in
# every section but the lcores' own figures, the flows still tracked at the end (which
# depend on where bursts begin) and a talkers or findings table that overflowed (which
# depends on where ticks fall).
set -euo pipefail

. "$(dirname "$0")/lib.sh"
test_setup pcap_truth "$@"
need_tshark

failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# check_balance SNAPSHOT NAME: balance.in_flight == 0 and balance.received == totals.packets.
check_balance() {
	"$py" - "$1" "$2" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
b, t = s.get("balance") or {}, s.get("totals") or {}
bad = []
if b.get("in_flight") != 0:
	bad.append("balance.in_flight is %r, not 0" % b.get("in_flight"))
if b.get("received") != t.get("packets"):
	bad.append("balance.received %r != totals.packets %r" % (b.get("received"), t.get("packets")))
if s.get("schema") != "portlens.snapshot.v1":
	bad.append("schema is %r" % s.get("schema"))
for m in bad:
	print("%s: %s" % (sys.argv[2], m))
sys.exit(1 if bad else 0)
EOF
}

# run_case NAME PL_GEN_ARGS...: one capture, the truth, two portlens runs, all comparisons.
run_case() {
	local name=$1
	shift
	local pcap=$work/$name.pcap truth=$work/$name.truth.json
	local w out log rc assist

	echo "== $name: pl-gen $*"
	"$pl_gen" "$@" --out "$pcap"
	"$py" "$src/truth.py" "$pcap" --out "$truth" ${local_nets[@]+"${local_nets[@]}"}
	for w in 1 1on 1off 3; do
		out=$work/$name.w$w.json
		log=$work/$name.w$w.log
		assist=${w#[0-9]}
		rc=0
		"$portlens" --pcap "$pcap" --json "$out" --workers "${w%%[a-z]*}" \
			${assist:+--rx-assist "$assist"} \
			${local_nets[@]+"${local_nets[@]}"} > "$log" 2>&1 || rc=$?
		if [ "$rc" -ne 0 ]; then
			fail "$name: portlens --workers $w exited with status $rc (log follows)"
			tail -n 20 "$log"
			continue
		fi
		if [ ! -s "$out" ]; then
			fail "$name: portlens --workers $w wrote no JSON"
			continue
		fi
		echo "-- $name: truth vs portlens --workers $w"
		"$py" "$src/compare.py" --names truth,portlens "$truth" "$out" ||
			fail "$name: portlens --workers $w disagrees with tshark"
		check_balance "$out" "$name (workers $w)" ||
			fail "$name: portlens --workers $w balance not closed"
	done
	for w in 1on 1off; do
		[ -s "$work/$name.w1.json" ] && [ -s "$work/$name.w$w.json" ] || continue
		echo "-- $name: --workers 1 vs --workers 1 --rx-assist ${w#1}"
		"$py" - "$work/$name.w1.json" "$work/$name.w$w.json" <<'PY' ||
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
# the lcores' own figures, times of the run, and flows still tracked at the end differ
# from run to run whoever counts; so do a talkers or findings table that overflowed (what
# each keeps depends on where the ticks fall)
skip = {"seq", "wall_ns", "lcores", "flows"}
if a["talkers"]["overflow_packets"] or b["talkers"]["overflow_packets"]:
	skip |= {"talkers", "top_talkers"}
if a["findings_dropped"] or b["findings_dropped"]:
	skip |= {"findings", "findings_dropped"}
bad = sorted(k for k in set(a) | set(b) if k not in skip and a.get(k) != b.get(k))
bad += ["flows.created"] if a["flows"]["created"] != b["flows"]["created"] else []
print("differ:", ", ".join(bad) if bad else "nothing")
sys.exit(1 if bad else 0)
PY
			fail "$name: the RX lcore assisting (--rx-assist ${w#1}) changed the snapshot"
	done
	if [ -s "$work/$name.w1.json" ] && [ -s "$work/$name.w3.json" ]; then
		echo "-- $name: --workers 1 vs --workers 3"
		"$py" "$src/compare.py" --only totals,ports,bins,iat --names workers1,workers3 \
			"$work/$name.w1.json" "$work/$name.w3.json" ||
			fail "$name: --workers 1 and --workers 3 disagree"
	fi
}

# The generator itself: same arguments, same bytes; a bad argument exits 2.
"$pl_gen" --mix mixed --count 3000 --seed 9 --nsec --out "$work/a.pcap"
"$pl_gen" --mix mixed --count 3000 --seed 9 --nsec --out "$work/b.pcap"
cmp -s "$work/a.pcap" "$work/b.pcap" || fail "pl-gen: same arguments gave different files"
rc=0
"$pl_gen" --mix no-such-mix --out "$work/c.pcap" 2> /dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "pl-gen: an unknown mix exited with $rc, not 2"

# local_nets: --local-net options given to both truth.py and portlens (none: the defaults).
local_nets=()
run_case mixed-s1 --mix mixed --count 20000 --seed 1
local_nets=(--local-net 10.0.0.0/8 --local-net 198.51.100.0/24 --local-net 2001:db8::/32)
run_case mixed-s2-localnet --mix mixed --count 10000 --seed 2
local_nets=()
run_case mixed-s7-nsec --mix mixed --count 20000 --seed 7 --nsec --pps 250000
run_case random-ports --mix random-ports --count 20000 --seed 3
run_case imix --mix imix --count 12000 --seed 4
run_case min64 --mix min64 --count 70000 --seed 5
run_case finmark --mix finmark --count 20000 --seed 6
if [ -f "$src/../data/sample.pcap" ]; then
	echo "== sample.pcap (bundled)"
	cp "$src/../data/sample.pcap" "$work/sample.pcap"
	"$py" "$src/truth.py" "$work/sample.pcap" --out "$work/sample.truth.json"
	if "$portlens" --pcap "$work/sample.pcap" --json "$work/sample.json" --workers 2 \
		> "$work/sample.log" 2>&1; then
		"$py" "$src/compare.py" --names truth,portlens "$work/sample.truth.json" \
			"$work/sample.json" || fail "sample.pcap: portlens disagrees with tshark"
	else
		fail "sample.pcap: portlens exited with an error"
		tail -n 20 "$work/sample.log"
	fi
fi

if [ "$failures" -ne 0 ]; then
	echo "pcap_truth: $failures failure(s)"
	exit 1
fi
echo "pcap_truth: all captures match"
