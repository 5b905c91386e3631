#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The stats role sleeps between its ticks and is woken at once by what needs it: with a
# tick of 30 s, SIGTERM and --duration still end the run within seconds, the balance
# closes, and the main thread blocks about once a tick instead of every few milliseconds
# (its voluntary context switches over two seconds of traffic).
# usage: test_stats_wake.sh PORTLENS PL_GEN
set -euo pipefail
. "$(dirname "$0")/lib.sh"
test_setup stats_wake "$@"
pid=
trap 'test_cleanup; [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; true' EXIT
eal="$lc --no-huge -m 512 --no-pci --no-shconf --log-level=error"
"$pl_gen" --mix finmark --count 2000 --seed 7 --out "$work/in.pcap" >/dev/null
balance='import json,sys
b = json.load(open(sys.argv[1]))["balance"]
print(b["in_flight"] == 0 and b["received"] == b["processed"] + b["dropped_total"] and
      b["received"] > 0)'
# switches THREAD: the voluntary context switches of a thread (/proc/PID/task/TID/status)
switches() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$pid/task/$1/status"; }

# ---- a signal wakes it: SIGTERM ends a run whose next tick is 30 s away ----
# shellcheck disable=SC2086
"$portlens" $eal --file-prefix "pl-wake-$$" \
	--vdev "net_pcap0,rx_pcap=$work/in.pcap,infinite_rx=1" \
	-- --workers 1 --tick-ms 30000 --json "$work/t.json" --no-summary --quiet \
	2>"$work/t.err" &
pid=$!
# up once its SIGTERM handler is in place (bit 14 of SigCgt), which portlens installs after
# the EAL's start; the window below holds whether or not the rest of the start-up (a few
# dozen blocking calls at most) falls in it
up=False
for _ in $(seq 1 600); do
	m=$(awk '/^SigCgt/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
	if [ -n "$m" ] && (((16#$m >> 14) & 1)); then
		up=True
		break
	fi
	sleep 0.1
done
check "the run is up (its SIGTERM handler in place)" "$up"
s0=$(switches "$pid")
sleep 2
s1=$(switches "$pid")
check "the main thread blocks a few times in 2 s, not every few ms ($((s1 - s0)))" \
	"$([ $((s1 - s0)) -lt 100 ] && echo True || echo False)"
t0=$(date +%s%N)
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
ms=$((($(date +%s%N) - t0) / 1000000))
check "SIGTERM: exit 0 (got $rc)" "$([ "$rc" -eq 0 ] && echo True || echo False)"
check "SIGTERM: the run ends well before the next tick ($ms ms)" \
	"$([ "$ms" -lt 10000 ] && echo True || echo False)"
check "SIGTERM: the balance closes" "$(python3 -c "$balance" "$work/t.json")"

# ---- --duration ends it between two ticks ----
t0=$(date +%s%N)
rc=0
# shellcheck disable=SC2086
"$portlens" $eal --file-prefix "pl-wake-d-$$" \
	--vdev "net_pcap0,rx_pcap=$work/in.pcap,infinite_rx=1" \
	-- --workers 1 --tick-ms 30000 --duration 1 --json "$work/d.json" --no-summary \
	--quiet 2>"$work/d.err" || rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check "--duration 1: exit 0 (got $rc)" "$([ "$rc" -eq 0 ] && echo True || echo False)"
check "--duration 1: over well before the first tick ($ms ms)" \
	"$([ "$ms" -lt 15000 ] && echo True || echo False)"
check "--duration 1: the balance closes" "$(python3 -c "$balance" "$work/d.json")"
finish
