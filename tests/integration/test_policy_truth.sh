#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# policy_truth: service classes, TCP outcomes and policy findings of portlens on generated
# captures, checked against the truth tshark gives (truth_policy.py, compare_policy.py).
#
# usage: test_policy_truth.sh PORTLENS PL_GEN [SRC_DIR]
#   PORTLENS  path of the portlens binary
#   PL_GEN    path of the pl-gen binary
#   SRC_DIR   tests/integration in the source tree (default: this script's folder)
# Environment: PL_KEEP=1 keeps the work directory (its path is printed) for a post-mortem.
#
# Captures: two `policy` captures (different seeds; one with nanosecond timestamps), clean
# FinMark-like traffic plus planted findings, and one `policy-clean` capture in which no
# finding of the four kinds checked may appear. For each, portlens runs with --workers 1 and
# --workers 3 (default configuration) and compare_policy.py checks classes (packets, bytes,
# connections), TCP outcomes and flows exactly, every expected finding present and none
# unexpected, and that no card number appears in full in the JSON or the console output.
# Then a burst of connections that straddles a second boundary (gen_rate_window.py): the
# rate_limit finding's peak counts it in one one-second window.
#
# The rate limit is per worker: with W workers each enforces 1000/W new connections per
# second (burst 1000/W) on the share of a source's connections symmetric hashing gives it.
# With --workers 3 only the planted source's rate_limit finding is required (the planted
# source opens 1500 connections in about 0.27 s: over the limit whichever way they spread);
# other rate_limit findings there are printed as notes. With --workers 1 it is exact.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
test_setup policy_truth "$@"
need_tshark

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# compare TRUTH SNAPSHOT WORKERS LOG: compare_policy.py, its counts added to ours.
compare() {
	local res rc=0
	res=$("$py" "$src/compare_policy.py" --workers "$3" --no-leak "$4" "$1" "$2") || rc=$?
	echo "$res"
	if [ "$rc" -eq 2 ]; then
		fail "compare_policy.py could not read $1 or $2"
		return
	fi
	local last
	last=$(tail -n 1 <<< "$res")
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
	else
		fail "compare_policy.py gave no summary"
	fi
}

# run_case NAME PL_GEN_ARGS...: one capture, its truth, portlens with 1 and 3 workers.
run_case() {
	local name=$1
	shift
	local pcap=$work/$name.pcap truth=$work/$name.truth.json
	local w out log rc

	echo "== $name: pl-gen $*"
	"$pl_gen" "$@" --out "$pcap"
	"$py" "$src/truth_policy.py" --config-defaults "$pcap" --out "$truth"
	for w in 1 3; do
		out=$work/$name.w$w.json
		log=$work/$name.w$w.log
		rc=0
		"$portlens" --pcap "$pcap" --json "$out" --workers "$w" > "$log" 2>&1 || rc=$?
		if [ "$rc" -ne 0 ]; then
			fail "$name: portlens --workers $w exited with status $rc (log follows)"
			tail -n 20 "$log"
			continue
		fi
		if [ ! -s "$out" ]; then
			fail "$name: portlens --workers $w wrote no JSON"
			continue
		fi
		pass
		echo "-- $name: truth vs portlens --workers $w"
		compare "$truth" "$out" "$w" "$log"
	done
}

# The generator: same arguments, same bytes; too few frames for the mix exits 2.
"$pl_gen" --mix policy --count 30000 --seed 3 --out "$work/a.pcap"
"$pl_gen" --mix policy --count 30000 --seed 3 --out "$work/b.pcap"
if cmp -s "$work/a.pcap" "$work/b.pcap"; then pass; else
	fail "pl-gen: the policy mix gave different files for the same arguments"
fi
rc=0
"$pl_gen" --mix policy --count 100 --out "$work/c.pcap" 2> /dev/null || rc=$?
if [ "$rc" -eq 2 ]; then pass; else fail "pl-gen: policy --count 100 exited $rc, not 2"; fi

run_case policy-s11 --mix policy --count 30000 --seed 11
run_case policy-s12-nsec --mix policy --count 40000 --seed 12 --nsec --pps 2000
run_case policy-clean-s13-150s --mix policy-clean --count 30000 --seed 13 --pps 200

# The rate_limit peak is the most new connections in any one second, not per whole second:
# 60 SYNs in the last 0.1 s of a second and 60 in the first 0.1 s of the next give 120.
echo "== rate-window: gen_rate_window.py"
read -r w_src w_dst w_port w_peak w_conns < <("$py" "$src/gen_rate_window.py" "$work/rw.pcap")
printf 'rate_limit:\n  new_connections_per_s: 50\n  connection_burst: 50\n' > "$work/rw.yaml"
"$portlens" --pcap "$work/rw.pcap" --config "$work/rw.yaml" --json "$work/rw.json" \
	--no-summary --quiet
got=$("$py" - "$work/rw.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["findings"]:
    if f["kind"] == "rate_limit":
        print(f["src"], f["dst"], f["port"], f["peak_per_s"], f["target_conns"])
PY
)
if [ "$got" = "$w_src $w_dst $w_port $w_peak $w_conns" ]; then pass; else
	fail "rate-window: one rate_limit finding '$w_src $w_dst $w_port $w_peak $w_conns'" \
		"(source, target, peak, target connections) expected, got '$got'"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
