#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# inspect_truth: payload scanning across segments and rate_limit targets, on a capture
# gen_inspect.py writes, against the truth tshark gives (truth_policy.py, compare_policy.py).
#
# usage: test_inspect_truth.sh PORTLENS PL_GEN [SRC_DIR]
# Environment: PL_KEEP=1 keeps the work directory (its path is printed).
#
# The capture plants card numbers anywhere in the first 64 KiB of cleartext flows (at byte
# 362 of a first data packet, split over two segments, near byte 60000, in a response, at
# the very end of a direction, in a UDP datagram, after a retransmission), card numbers that
# must not be reported (past the 64 KiB budget, inside TLS, after a gap, after an
# out-of-order segment) and two flooding sources, each with one main target. portlens runs
# with --workers 1 and --workers 3; compare_policy.py checks that every expected finding is
# reported with its kind, source, destination and port and nothing else is (the flooders'
# targets with 3 workers too: --exact-targets), the peak per second with 1 worker, and that
# no card number appears in full. The scan counters show each rule was exercised.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
test_setup inspect_truth "$@"
need_tshark

pcap=$work/inspect.pcap
truth=$work/inspect.truth.json
"$py" "$src/gen_inspect.py" "$pcap"
"$py" "$src/gen_inspect.py" "$work/again.pcap"
check "gen_inspect.py writes the same bytes twice" \
	"$(cmp -s "$pcap" "$work/again.pcap" && echo True || echo False)"
"$py" "$src/truth_policy.py" --config-defaults "$pcap" --out "$truth"
# the truth itself plants what this test is about (a broken truth must not pass silently)
check "truth: the planted findings" "$("$py" - "$truth" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
f = {tuple(x) for x in t["findings"]}
want = {("sensitive_data", "10.2.0.%d" % i, "10.3.0.1", p) for i, p in
        ((1, 8080), (2, 80), (3, 80), (7, 80), (11, 80))}
want |= {("sensitive_data", "10.3.0.2", "10.2.0.5", 40005),
         ("sensitive_data", "10.2.0.9", "10.3.0.5", 8080),
         ("rate_limit", "10.9.8.1", "10.3.0.100", 80),
         ("rate_limit", "10.9.8.2", "10.3.0.53", 53)}
absent = {("sensitive_data", "10.2.0.%d" % i) for i in (4, 6, 8, 10)}
print(want <= f and not absent & {x[:2] for x in f})
PY
)"

for w in 1 3; do
	out=$work/w$w.json
	log=$work/w$w.log
	rc=0
	"$portlens" --pcap "$pcap" --json "$out" --workers "$w" > "$log" 2>&1 || rc=$?
	check "portlens --workers $w exits 0 (status $rc)" "$([ "$rc" -eq 0 ] && echo True || echo False)"
	[ "$rc" -eq 0 ] || { tail -n 20 "$log"; continue; }
	rc=0
	res=$("$py" "$src/compare_policy.py" --workers "$w" --exact-targets --no-leak "$log" \
		"$truth" "$out") || rc=$?
	echo "$res" | grep -v "^ok" || true
	check "--workers $w: compare_policy.py ($(tail -n 1 <<< "$res"))" \
		"$([ "$rc" -eq 0 ] && echo True || echo False)"
	check "--workers $w: every scan rule exercised" "$("$py" - "$out" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["scan"]
print(s, file=sys.stderr)
print(s["scan_budget"] >= 1 and s["scan_gaps"] >= 2 and s["scan_retrans"] >= 1
      and s["scan_encrypted"] >= 1 and s["scan_full"] == 0 and s["scan_errors"] == 0
      and s["scan_flows"] >= 10)
PY
)"
done
finish
