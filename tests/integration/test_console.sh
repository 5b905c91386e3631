#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The console (docs/console.md) and the telemetry endpoints:
#  1. live (net_pcap infinite_rx): a --cmdline-file script with every view and bad input,
#     then commands on stdin (not a terminal): `set local-net add` changes directions live,
#     repeated `set` commands under traffic, `quit` exits 0 with the final snapshot;
#  2. offline, a 2M-frame capture: repeated live configuration switches while it is read;
#     every frame received and processed, none dropped, the balance closes;
#  3. tmux: the prompt, tab completion, help, history;
#  4. telemetry: /portlens/balance and the other endpoints over the telemetry socket.
# usage: test_console.sh PORTLENS PL_GEN
set -euo pipefail
. "$(dirname "$0")/lib.sh"
portlens=$1
plgen=$2
tmp=$(mktemp -d)
sess="plcons$$"
trap 'tmux -L "$sess" kill-server 2>/dev/null || true; [ -n "${PL_KEEP:-}" ] || rm -rf "$tmp"' EXIT
# 1 GiB: a local-network change builds a second direction table (64 MiB rte_lpm) beside the
# one in force
eal="$lc --no-huge -m 1024 --no-pci --no-shconf --log-level=error"

"$plgen" --mix random-ports --count 3000 --seed 22 --out "$tmp/flat.pcap" >/dev/null
"$plgen" --mix min64 --count 2000000 --seed 3 --out "$tmp/big.pcap" >/dev/null

fail=0
check() { # name condition-result
	if [ "$2" = "True" ] || [ "$2" = "0" ]; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi
}
has() { # name pattern file
	if grep -qE -- "$2" "$3"; then echo "ok: $1"; else echo "FAIL: $1 (no /$2/)"; fail=$((fail + 1)); fi
}

# ---- 1. live: a script, then stdin ----
long=$(printf 'x%.0s' $(seq 1 700))
cat >"$tmp/script.txt" <<EOF
# comments and blank lines are skipped

help
help config
help nosuchsection
show summary
show balance
show lcores
show bins in pkts
show bins out bytes top 3
show ports top 3 in
show classes
show conn
show findings
show findings unauthorized_port
show qos
show flows top 3
show port stats all
show port xstats 0
show port info all
clear port stats all
show config
frobnicate now
show bins sideways pkts
show ports top many in
show ports top 0 in
show flows top 1000
show port stats 9
set local-net add 300.1.2.3/8
set allow-port add 70000
set rate-limit conn fast
set class web port 8000 priority urgent
show findings nosuchkind
$long
set class web port 8000-8099 priority high encrypted on
show classes
EOF
{
	sleep 1
	echo "snapshot json $tmp/a.json"
	echo "set local-net add 0.0.0.0/1"
	echo "set local-net add 128.0.0.0/1"
	sleep 3
	echo "snapshot json $tmp/b.json"
	for i in $(seq 1 10); do
		echo "set allow-port add 7000-7010"
		echo "set rate-limit pkt $((i * 1000)) 500"
		echo "set allow-port del 7000-7010"
	done
	echo "set rate-limit pkt off"
	echo "stop"
	# a `set` returns once a snapshot taken after it is out: s1 and s2 are taken after
	# the stop took effect, and s2 after s1
	echo "set allow-port add 7100"
	echo "snapshot json $tmp/s1.json"
	sleep 1
	echo "set allow-port del 7100"
	echo "snapshot json $tmp/s2.json"
	echo "start"
	echo "show balance"
	echo "quit"
	sleep 30 # quit, not the end of stdin, ends portlens
} | "$portlens" $eal --file-prefix "pl-cons-$$" \
	--vdev "net_pcap0,rx_pcap=$tmp/flat.pcap,infinite_rx=1" \
	-- --workers 1 --ring-size 65536 --tick-ms 100 --cmdline-file "$tmp/script.txt" -i \
	--json "$tmp/final.json" --no-summary --quiet >"$tmp/out.txt" 2>"$tmp/err.txt" &
pid=$!
rc=0
for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
wait "$pid" || rc=$?
out="$tmp/out.txt"
check "live: quit exits 0 (got $rc)" "$([ "$rc" -eq 0 ] && echo True || echo False)"
has "help lists the sections" "^config: the configuration" "$out"
has "help config lists its commands" "set local-net add\|del CIDR" "$out"
has "help of an unknown section says so" "no help section 'nosuchsection'" "$out"
has "show summary: totals" "portlens snapshot [0-9]+" "$out"
has "show balance: received" "^  received +[1-9][0-9]*" "$out"
has "show lcores: rx and worker rows with ring fill" "^ +[0-9]+ worker .*[0-9]+/[0-9]+ +[0-9]+%" "$out"
has "show bins: bar chart" "pkts \|#+" "$out"
has "show bins top 3: largest first" "bins out bytes .*largest first" "$out"
has "show ports top 3 in" "^ports in, top 3 by packets" "$out"
has "show classes: the shipped classes" "^  https +critical" "$out"
has "show conn: TCP outcomes" "^  attempted +[0-9]+" "$out"
has "show findings: a count" "finding\(s\)" "$out"
has "show qos: colours" "^  https +[0-9]+ +[0-9]+ +[0-9]+" "$out"
has "show flows top 3: flows" "^  3 flow\(s\)" "$out"
has "show port stats: RX packets" "^  RX packets +[1-9]" "$out"
has "show port xstats" "port 0 xstats" "$out"
has "show port info: driver" "driver net_pcap" "$out"
has "clear port stats" "port statistics cleared" "$out"
has "show config: YAML" "^allowed_ports: \[" "$out"
has "unknown command: message and help" "unknown command 'frobnicate' \(type 'help'" "$out"
has "wrong keyword: usage shown" "wrong arguments for 'show'" "$out"
has "wrong type: not a number" "top 'many': expected a whole number" "$out"
has "out of range: top 0" "top 0: out of range \(1 to 65536\)" "$out"
has "out of range: flows top 1000" "top 1000: out of range \(1 to 64\)" "$out"
has "out of range: port 9" "port 9: out of range" "$out"
has "bad network" "'300.1.2.3/8' is not a network" "$out"
has "bad port" "port 70000: out of range \(0 to 65535\)" "$out"
has "bad rate" "rate 'fast': expected a number" "$out"
has "bad priority (wrong keyword)" "wrong arguments for 'set'" "$out"
has "unknown finding kind" "no finding kind 'nosuchkind'" "$out"
has "over-long line refused" "line too long" "$out"
has "the console went on after errors" "applied: class web: port 8000-8099, priority high" "$out"
has "show classes shows the new class" "^  web +high +yes" "$out"
has "set local-net applied" "applied: 0.0.0.0/1 added to the local networks" "$out"
has "stop" "analysis stopped" "$out"
has "start" "analysis started" "$out"
has "quit" "quitting: final snapshot follows" "$out"
res=$(python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
L = lambda n: json.load(open(f"{t}/{n}.json"))
a, b, s1, s2, f = L("a"), L("b"), L("s1"), L("s2"), L("final")
d = lambda x, y, k: y["directions"][k]["packets"] - x["directions"][k]["packets"]
bal = f["balance"]
print(a["directions"]["internal"]["packets"] == 0,          # nothing internal before
      d(b, f, "internal") > 0,                               # everything local after
      d(b, f, "in") == 0 and d(b, f, "out") == 0,
      f["final"] is True and bal["in_flight"] == 0,
      bal["received"] == bal["processed"] + bal["dropped_total"],
      s2["seq"] > s1["seq"] and s2["balance"]["received"] > s1["balance"]["received"],
      s2["totals"]["packets"] == s1["totals"]["packets"],      # ... but not analysed
      any(cl["name"] == "web" for cl in f["classes"]))
PY
)
read -r r1 r2 r3 r4 r5 r6 r7 r8 <<<"$res"
check "directions: nothing internal before set local-net" "$r1"
check "directions: internal grows after set local-net add 0/1 + 128/1" "$r2"
check "directions: in and out stop growing after it" "$r3"
check "final snapshot, in_flight 0" "$r4"
check "live balance: received = processed + dropped" "$r5"
check "stop: frames still received" "$r6"
check "stop: frames not analysed" "$r7"
check "set class: the final snapshot has the new class" "$r8"
echo "live drops: $(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["balance"]["dropped"])' "$tmp/final.json")"

# ---- 2. offline: switches while a capture is read, nothing lost ----
{
	for i in $(seq 1 15); do
		echo "set allow-port add 7000"
		echo "show balance"
		echo "set rate-limit conn $((i * 100)) 200"
		echo "show balance"
		echo "set class bulk port 9000-9100 priority low"
		echo "show balance"
		echo "set allow-port del 7000"
		echo "show balance"
	done
	echo "set local-net add 8.8.8.0/24"
	echo "show balance"
	echo "set local-net del 8.8.8.0/24"
	echo "show balance"
} >"$tmp/loop.txt"
rc=0
"$portlens" --pcap "$tmp/big.pcap" --workers 1 --cmdline-file "$tmp/loop.txt" \
	--json "$tmp/off.json" --quiet --no-summary >"$tmp/off.txt" 2>&1 || rc=$?
check "offline: exit 0 (got $rc)" "$([ "$rc" -eq 0 ] && echo True || echo False)"
applied=$(grep -c '^applied:' "$tmp/off.txt" || true)
during=$(awk '/^  received/ { if ($2 > 0 && $2 < 2000000) n++ } END { print n + 0 }' "$tmp/off.txt")
check "offline: 62 switches applied (got $applied)" "$([ "$applied" -eq 62 ] && echo True || echo False)"
check "offline: switches while the capture was read ($during views mid-capture)" \
	"$([ "$during" -ge 1 ] && echo True || echo False)"
res=$(python3 - "$tmp/off.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["balance"]
print(b["received"] == 2000000 and b["processed"] == 2000000 and b["dropped_total"] == 0
      and b["in_flight"] == 0)
PY
)
check "offline: received 2000000 = processed, zero drops, in_flight 0" "$res"

# ---- 3. tmux: prompt, completion, help, history ----
# a server of its own (-L): other users of the default tmux server cannot disturb it
tm() { tmux -L "$sess" "$@"; }
if command -v tmux >/dev/null; then
	# shellcheck disable=SC2086
	tcmd=$(printf '%q ' "$portlens" $eal --file-prefix "pl-tmux-$$" \
		--vdev "net_pcap0,rx_pcap=$tmp/flat.pcap" -- --workers 1 --tick-ms 100 --idle-yield \
		-i --no-summary --quiet)
	tm new-session -d -s "$sess" -x 200 -y 50 "$tcmd; echo EXITED \$?; sleep 30"
	pane() { tm capture-pane -p -t "$sess" -S -200; }
	for _ in $(seq 1 60); do pane | grep -q '^portlens>' && break; sleep 0.5; done
	pane >"$tmp/t0.txt" || true
	has "tmux: prompt" "^portlens>" "$tmp/t0.txt"
	tm send-keys -t "$sess" "show bal" Tab
	sleep 1
	pane >"$tmp/t1.txt" || true
	has "tmux: tab completes 'show bal' to 'show balance'" "portlens> show balance" "$tmp/t1.txt"
	tm send-keys -t "$sess" Enter
	sleep 1
	tm send-keys -t "$sess" "help stats" Enter
	sleep 1
	tm send-keys -t "$sess" "nonsense" Enter
	sleep 1
	tm send-keys -t "$sess" Up Up Up Enter
	sleep 1
	pane >"$tmp/t2.txt" || true
	has "tmux: the completed command ran" "^balance \(snapshot" "$tmp/t2.txt"
	has "tmux: help by section" "^stats: statistics views" "$tmp/t2.txt"
	has "tmux: error and the console goes on" "unknown command 'nonsense'" "$tmp/t2.txt"
	n=$(grep -c '^balance (snapshot' "$tmp/t2.txt" || true)
	check "tmux: history (Up x3 ran show balance again)" "$([ "$n" -ge 2 ] && echo True || echo False)"
	tm send-keys -t "$sess" "quit" Enter
	for _ in $(seq 1 60); do pane | grep -q 'EXITED' && break; sleep 0.5; done
	pane >"$tmp/t3.txt" || true
	has "tmux: quit exits 0" "^EXITED 0" "$tmp/t3.txt"
	tm kill-server -t "$sess" 2>/dev/null || true
else
	echo "skip: tmux not installed"
fi

# ---- 4. telemetry ----
prefix="pl-tel-$$"
{ sleep 60; echo quit; } | "$portlens" $eal --file-prefix "$prefix" \
	--vdev "net_pcap0,rx_pcap=$tmp/flat.pcap" -- --workers 1 --tick-ms 100 --idle-yield -i \
	--no-summary --quiet >"$tmp/tel_out.txt" 2>&1 &
tpid=$!
sock=""
for _ in $(seq 1 60); do
	for d in /var/run/dpdk/"$prefix" "${XDG_RUNTIME_DIR:-/nonexistent}/dpdk/$prefix"; do
		[ -S "$d/dpdk_telemetry.v2" ] && sock="$d/dpdk_telemetry.v2"
	done
	[ -n "$sock" ] && break
	sleep 0.5
done
if [ -z "$sock" ]; then
	kill "$tpid" 2>/dev/null || true
	wait "$tpid" 2>/dev/null || true
	echo "skip: no telemetry socket"
	[ "$fail" -eq 0 ] && exit 77
	exit 1
fi
res=$(python3 - "$sock" <<'PY'
import json, socket, sys, time
path = sys.argv[1]
def ask(cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    json.loads(s.recv(16384))        # the greeting
    s.send(cmd.encode())
    r = json.loads(s.recv(65536))
    s.close()
    return r[cmd]
for _ in range(100):                 # wait for the capture to be read and a snapshot taken
    b = ask("/portlens/balance")
    if isinstance(b, dict) and b["received"] == 3000 and b["in_flight"] == 0:
        break
    time.sleep(0.2)
lc = ask("/portlens/lcores"); cl = ask("/portlens/classes"); tcp = ask("/portlens/tcp")
snap = ask("/portlens/snapshot"); ports = ask("/portlens/ports"); fi = ask("/portlens/findings")
listed = ask("/")
print(isinstance(b, dict) and b["received"] == 3000 and b["processed"] == 3000,
      isinstance(lc, dict) and any(v.get("role") == "worker" for v in lc.values()),
      isinstance(cl, dict) and "https" in cl,
      isinstance(tcp, dict) and tcp["tcp"]["attempted"] > 0,
      isinstance(snap, dict) and snap["totals"]["packets"] == 3000,
      isinstance(ports, dict) and "top_ports" in ports,
      isinstance(fi, (dict, list)),
      all(e in listed for e in ["/portlens/balance", "/portlens/snapshot", "/portlens/lcores",
          "/portlens/classes", "/portlens/tcp", "/portlens/findings", "/portlens/ports"]))
PY
) || res="False False False False False False False False"
kill "$tpid" 2>/dev/null || true
wait "$tpid" 2>/dev/null || true
read -r t1 t2 t3 t4 t5 t6 t7 t8 <<<"$res"
check "telemetry: /portlens/balance received 3000 = processed" "$t1"
check "telemetry: /portlens/lcores has the worker" "$t2"
check "telemetry: /portlens/classes has https" "$t3"
check "telemetry: /portlens/tcp attempts" "$t4"
check "telemetry: /portlens/snapshot totals" "$t5"
check "telemetry: /portlens/ports" "$t6"
check "telemetry: /portlens/findings" "$t7"
check "telemetry: every endpoint listed by /" "$t8"

[ "$fail" -eq 0 ] || { echo "$fail check(s) failed"; exit 1; }
echo "all console checks passed"
