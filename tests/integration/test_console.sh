#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The console (docs/console.md) and the telemetry endpoints, in two portlens runs:
#  1. live (net_pcap infinite_rx), stdin a FIFO the test writes to: a --cmdline-file script
#     with every view, the testpmd-style commands and bad input; the telemetry endpoints
#     while it runs; then commands one at a time, each waiting for its answer:
#     `set local-net add` changes directions live, `stop`/`start`, `port stop`/`port start`
#     (the NIC counters stand still, the balance closes across it), `clear stats` (counts
#     restart, the balance closes), repeated `set` under traffic, `quit` exits 0;
#  2. offline on a terminal (tmux), a 2M-frame capture: 26 configuration switches while it
#     is read (every frame received and processed, none dropped), then the prompt: Tab
#     completion of commands and finding kinds, help, history, `clear port stats` after the
#     end, and Ctrl-C ending the console at once.
# Every wait is for a state (an answer, a file) with a generous bound, never for time.
# usage: test_console.sh PORTLENS PL_GEN
set -euo pipefail
. "$(dirname "$0")/lib.sh"
portlens=$1
plgen=$2
tmp=$(mktemp -d)
sess="plcons$$"
pid=""
cleanup() {
	exec 3>&- 2>/dev/null || true
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	tmux -L "$sess" kill-server 2>/dev/null || true
	[ -n "${PL_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
# 1 GiB: a local-network change builds a second direction table (64 MiB rte_lpm) beside the
# one in force
eal="$lc --no-huge -m 1024 --no-pci --no-shconf --log-level=error"

"$plgen" --mix random-ports --count 3000 --seed 22 --out "$tmp/flat.pcap" >/dev/null
"$plgen" --mix min64 --count 2000000 --seed 3 --out "$tmp/big.pcap" >/dev/null

# ---- 2. offline, on a terminal: started now, so that the capture is read while part 1 runs;
# its prompt is driven after part 1 ----
{
	for i in $(seq 1 6); do
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
	echo "# end of loop"
} >"$tmp/loop.txt"
# a server of its own (-L): other users of the default tmux server cannot disturb it.
# stdin is the terminal (the console edits lines there); stdout goes through tee into a
# file the checks read, so no screen scraping and no scroll-back limit.
tm() { tmux -L "$sess" "$@"; }
off="$tmp/off.txt"
: >"$off"
have_tmux=0
if command -v tmux >/dev/null; then
	have_tmux=1
	tcmd=$(printf '%q ' "$portlens" --pcap "$tmp/big.pcap" --workers 1 \
		--cmdline-file "$tmp/loop.txt" -i --json "$tmp/off.json" --quiet --no-summary)
	tm new-session -d -s "$sess" -x 200 -y 50 \
		"bash -c '$tcmd | tee -i $off; rc=\${PIPESTATUS[0]}; printf \"\\nEXITED %s\\n\" \$rc >>$off'"
fi

has() { # name pattern file: the file has a line matching
	check "$1" "$(grep -qE -- "$2" "$3" && echo True || echo False)"
}
# wait_for PATTERN FILE [SECONDS]: until a line of FILE matches (default bound 120 s)
wait_for() {
	local i
	for i in $(seq 1 $((${3:-120} * 10))); do
		grep -qE -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "timed out waiting for /$1/ in $2"
	return 1
}
# one JSON value: py FILE EXPR (x is the document)
py() { python3 -c "import json,sys; x=json.load(open(sys.argv[1])); print($2)" "$1"; }

# ---- 1. live: a script, telemetry, then commands one by one ----
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
show sizes
show flows top 3
show port stats all
show port xstats 0
show port info all
show port summary all
show port 0 rxq 0
show rxq info 0 0
show rxq info 0 5
set allow-port add 7300
show port stats 0
clear port stats all
set allow-port del 7300
show port stats 0
show fwd stats all
clear fwd stats all
show fwd stats all
set promisc all on
set promisc 0 off
set log global 7
set log portlens debug
set log level 4
set log global 12
set verbose 2
set verbose 1
set rate-limit pkt 500
set rate-limit pkt off
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
# end of script
EOF
prefix="pl-cons-$$"
mkfifo "$tmp/stdin"
"$portlens" $eal --file-prefix "$prefix" \
	--vdev "net_pcap0,rx_pcap=$tmp/flat.pcap,infinite_rx=1" \
	-- --workers 1 --ring-size 65536 --tick-ms 100 --cmdline-file "$tmp/script.txt" -i \
	--json "$tmp/final.json" --no-summary --quiet <"$tmp/stdin" >"$tmp/out.txt" 2>"$tmp/err.txt" &
pid=$!
exec 3>"$tmp/stdin"
out="$tmp/out.txt"
n_answers=0
# cmd LINE PATTERN: send one command, wait for its answer (the PATTERN's next occurrence)
cmd() {
	local before
	before=$(grep -cE -- "$2" "$out" || true)
	echo "$1" >&3
	for _ in $(seq 1 1200); do
		[ "$(grep -cE -- "$2" "$out" || true)" -gt "$before" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "no answer /$2/ to '$1'"
	return 1
}
wait_for "^portlens> # end of script" "$out"

# telemetry, while the script's portlens runs
sock=""
for d in /var/run/dpdk/"$prefix" "${XDG_RUNTIME_DIR:-/nonexistent}/dpdk/$prefix"; do
	[ -S "$d/dpdk_telemetry.v2" ] && sock="$d/dpdk_telemetry.v2"
done
tel=$(python3 - "$sock" <<'PY'
import json, socket, sys
path = sys.argv[1]
def ask(cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    json.loads(s.recv(16384))        # the greeting
    s.send(cmd.encode())
    r = json.loads(s.recv(65536))
    s.close()
    return r[cmd]
try:
    b = ask("/portlens/balance"); lc = ask("/portlens/lcores"); cl = ask("/portlens/classes")
    tcp = ask("/portlens/tcp"); snap = ask("/portlens/snapshot"); ports = ask("/portlens/ports")
    fi = ask("/portlens/findings"); listed = ask("/"); sz = ask("/portlens/sizes")
    n = sum(int(e["packets"]) for e in sz["sizes"].values())
    print(isinstance(b, dict) and b["received"] > 0 and
          b["received"] == b["processed"] + b["dropped_total"] + b["in_flight"],
          isinstance(lc, dict) and any(v.get("role") == "worker" for v in lc.values()),
          isinstance(cl, dict) and "https" in cl,
          isinstance(tcp, dict) and tcp["tcp"]["attempted"] > 0,
          isinstance(snap, dict) and snap["totals"]["packets"] > 0,
          isinstance(ports, dict) and "top_ports" in ports and len(ports["ports_hw"]) == 1,
          isinstance(fi, (dict, list)),
          all(e in listed for e in ["/portlens/balance", "/portlens/snapshot",
              "/portlens/lcores", "/portlens/classes", "/portlens/tcp", "/portlens/findings",
              "/portlens/ports", "/portlens/sizes"]),
          n > 0 and "rx_size_64_packets" in sz["sizes"] and int(sz["sizes_wire_bytes"]) >= 64 * n)
except Exception as e:
    print("False " * 9)
PY
)
read -r t1 t2 t3 t4 t5 t6 t7 t8 t9 <<<"$tel"
check "telemetry: /portlens/balance received = processed + dropped + in flight" "$t1"
check "telemetry: /portlens/lcores has the worker" "$t2"
check "telemetry: /portlens/classes has https" "$t3"
check "telemetry: /portlens/tcp attempts" "$t4"
check "telemetry: /portlens/snapshot totals" "$t5"
check "telemetry: /portlens/ports" "$t6"
check "telemetry: /portlens/findings" "$t7"
check "telemetry: every endpoint listed by /" "$t8"
check "telemetry: /portlens/sizes keyed by rte_eth_xstats name" "$t9"

# the script starts at the first tick, whose snapshot may hold no traffic yet on a loaded
# machine: then its bar chart has no bar. Ask again until a snapshot has counted traffic in
# (bounded), so the bar-chart check below sees a chart drawn from traffic.
for _ in $(seq 1 600); do
	grep -qE -- "pkts \|#+" "$out" && break
	cmd "show bins in pkts" "^bins in pkts \(snapshot" || break
	sleep 0.1
done
cmd "snapshot json $tmp/a.json" "written to .*/a.json"
cmd "set local-net add 0.0.0.0/0" "^applied: 0.0.0.0/0"
cmd "snapshot json $tmp/b.json" "written to .*/b.json"
for i in $(seq 1 3); do
	echo "set allow-port add 7000-7010" >&3
	echo "set rate-limit pkt $((i * 1000)) 500" >&3
	echo "set allow-port del 7000-7010" >&3
done
cmd "set rate-limit pkt off" "^applied: packet rate limit off"
# a `set` returns once a snapshot taken after it is out: s1 and s2 are taken after the stop
# took effect, and s2 after s1
cmd "stop" "^analysis stopped"
cmd "set allow-port add 7100" "^applied: port 7100 added"
cmd "snapshot json $tmp/s1.json" "written to .*/s1.json"
cmd "set allow-port del 7100" "^applied: port 7100 removed"
cmd "snapshot json $tmp/s2.json" "written to .*/s2.json"
# clear stats while the analysis is stopped: the next snapshots count nothing analysed
cmd "clear stats" "^statistics cleared: snapshot [0-9]+ counts from zero"
cmd "snapshot json $tmp/c.json" "written to .*/c.json"
cmd "show summary" "^portlens snapshot"
cmd "start" "^analysis started"
# port stop: nothing more is received from it; the NIC counters stand still
cmd "port stop 0" "^Port 0 is stopped"
cmd "show port summary all" "^0 +[0-9a-f:]+ +net_pcap0 .*stopped"
# each `set` waits for a snapshot taken after it: p1 and p2 both read the stopped port
cmd "set allow-port add 7200" "^applied: port 7200 added"
cmd "snapshot json $tmp/p1.json" "written to .*/p1.json"
cmd "set allow-port add 7201" "^applied: port 7201 added"
cmd "snapshot json $tmp/p2.json" "written to .*/p2.json"
cmd "port stop 0" "^Port 0 is already stopped"
cmd "port start 0" "^Port 0 is started"
cmd "set allow-port del 7200" "^applied: port 7200 removed"
cmd "show balance" "^balance \(snapshot"
cmd "quit" "^quitting: final snapshot follows"
rc=0
for _ in $(seq 1 1200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
# stdin is still open: quit, not the end of stdin, ended portlens
wait "$pid" || rc=$?
pid=""
exec 3>&-
check "live: quit exits 0 (got $rc)" "$([ "$rc" -eq 0 ] && echo True || echo False)"
has "help lists the sections" "^config: the configuration" "$out"
has "help config lists its commands" "set local-net add\|del CIDR" "$out"
has "help lists the testpmd-style commands" "^  show fwd stats all " "$out"
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
has "show findings KIND" "^findings unauthorized_port \(snapshot" "$out"
has "show qos: colours" "^  https +[0-9]+ +[0-9]+ +[0-9]+" "$out"
has "show sizes: NIC size buckets by xstats name" "^  rx_size_1024_to_1518_packets +[0-9]+" "$out"
has "show flows top 3: flows" "^  3 flow\(s\)" "$out"
has "show port stats: testpmd's counters" "^  RX-packets: [1-9][0-9]* +RX-missed: [0-9]+ +RX-bytes: +[1-9]" "$out"
has "show port stats: throughput since start" "^  Throughput \(since start\)" "$out"
has "show port stats: since clear port stats" "^  Throughput \(since clear port stats\)" "$out"
# the second show port stats: traffic flowed since the first (a set waits two ticks)
res=$(awk '/Throughput \(since last show\)/ { n++; getline; if (n == 2) print ($2 > 0 && $4 > 0) ? "True" : "False" }' "$out")
check "show port stats: Rx-pps and Rx-bps since the last show" "${res:-False}"
has "show port xstats" "port 0 xstats" "$out"
has "show port info: testpmd's infos" "^\*+ Infos for port 0 +\*+" "$out"
has "show port info: driver" "^Driver name: net_pcap" "$out"
has "show port info: promiscuous mode" "^Promiscuous mode: (enabled|disabled)" "$out"
has "show port summary" "^Number of available ports: 1" "$out"
has "show port summary: the port, started" "^0 +[0-9a-f:]+ +net_pcap0 +net_pcap +started" "$out"
n=$(grep -cE "^\*+ Infos for port 0 , RX queue 0 +\*+" "$out" || true)
check "show port 0 rxq 0 and show rxq info 0 0 (got $n)" "$([ "$n" -eq 2 ] && echo True || echo False)"
has "show rxq: the polling lcore" "^Polled by: RX lcore [0-9]+ \(rx 0\)" "$out"
has "show rxq: a queue that is not there" "port 0 has 1 RX queue\(s\): no queue 5" "$out"
has "clear port stats: the snapshot that shows it" "port statistics cleared .*: snapshot [0-9]+ shows them" "$out"
has "show fwd stats: per lcore" "Forward statistics for lcore +[0-9]+ +\(worker 0\)" "$out"
has "show fwd stats: RX lcore packets" "^  RX-packets: [1-9][0-9]* +Ring-drops: [0-9]+ +Busy: " "$out"
has "clear fwd stats all" "forward statistics cleared at snapshot" "$out"
has "show fwd stats after clear" "\(snapshot [0-9]+, since clear fwd stats\)" "$out"
has "set promisc all on" "^Promiscuous mode of port 0: enabled" "$out"
has "set promisc 0 off: done or refused by the driver" "^(Promiscuous mode of port 0: disabled|error: set promisc 0 off: )" "$out"
has "set log global 7" "^log level of every type: info \(7\)" "$out"
has "set log portlens debug" "^log level of portlens: debug \(8\)" "$out"
has "set log level 4" "^log level of every type: error \(4\)" "$out"
has "set log global 12 refused" "log level '12': expected 1 to 8" "$out"
has "set verbose 2" "^Change verbose level from [0-9] to 2" "$out"
has "set verbose 1" "^Change verbose level from 2 to 1" "$out"
has "set rate-limit pkt off keeps packet_burst 0" "packet_burst[\": ]+0(\.0+)?([^.0-9]|$)" "$out"
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
has "set local-net applied" "applied: 0.0.0.0/0 added to the local networks" "$out"
has "stop" "analysis stopped" "$out"
has "start" "analysis started" "$out"
has "port stop" "^Port 0 is stopped" "$out"
has "port start" "^Port 0 is started" "$out"
has "quit" "quitting: final snapshot follows" "$out"
# every command help lists is in docs/console.md
res=$(python3 - "$out" "$(dirname "$0")/../../docs/console.md" <<'PY'
import re, sys
out = open(sys.argv[1]).read().split("portlens> ")
doc = open(sys.argv[2]).read()
helptext = next(b for b in out if b.startswith("help\n"))
missing = []
for line in helptext.splitlines()[2:]:
    if not line.startswith("  "):
        continue
    words = []
    for w in re.split(r"\s{2,}", line.strip())[0].split():
        if not re.fullmatch(r"[a-z][a-z0-9.-]*", w):
            break
        words.append(w)
    if words and "`" + " ".join(words) not in doc:
        missing.append(" ".join(words))
print(not missing and len(helptext) > 1000, ",".join(missing))
PY
)
check "every command of help is in docs/console.md ($res)" "${res%% *}"

res=$(python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
L = lambda n: json.load(open(f"{t}/{n}.json"))
a, b, s1, s2, f = L("a"), L("b"), L("s1"), L("s2"), L("final")
c, p1, p2 = L("c"), L("p1"), L("p2")
# c and the final snapshot both count from the clear, after the local-net change
d = lambda x, y, k: y["directions"][k]["packets"] - x["directions"][k]["packets"]
bal = f["balance"]
closes = lambda x: x["balance"]["received"] == (x["balance"]["processed"] +
    x["balance"]["dropped_total"] + x["balance"]["in_flight"]) and x["balance"]["in_flight"] >= 0
hw = lambda x: x["ports_hw"][0]["ipackets"]
print(a["directions"]["internal"]["packets"] == 0,          # nothing internal before
      d(c, f, "internal") > 0,                               # everything local after
      d(c, f, "in") == 0 and d(c, f, "out") == 0,
      f["final"] is True and bal["in_flight"] == 0,
      bal["received"] == bal["processed"] + bal["dropped_total"],
      s2["seq"] > s1["seq"] and s2["balance"]["received"] > s1["balance"]["received"],
      s2["totals"]["packets"] == s1["totals"]["packets"],      # ... but not analysed
      any(cl["name"] == "web" for cl in f["classes"]),
      # clear stats while stopped: nothing analysed since, the balance closes
      c["totals"]["packets"] == 0 and c["protocols"]["tcp"] == 0 and closes(c)
      and c["balance"]["received"] < s2["balance"]["received"],
      # port stop: its NIC counters and the frames received stand still
      p2["seq"] > p1["seq"] and hw(p2) == hw(p1) and closes(p1) and closes(p2),
      hw(f) > hw(p2) and f["balance"]["received"] > p2["balance"]["received"])
PY
)
read -r r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 <<<"$res"
check "directions: nothing internal before set local-net" "$r1"
check "directions: internal grows after set local-net add 0.0.0.0/0" "$r2"
check "directions: in and out stop growing after it" "$r3"
check "final snapshot, in_flight 0" "$r4"
check "live balance: received = processed + dropped" "$r5"
check "stop: frames still received" "$r6"
check "stop: frames not analysed" "$r7"
check "set class: the final snapshot has the new class" "$r8"
check "clear stats: counts restart from zero, the balance closes" "$r9"
check "port stop: the port's counters stand still, the balance closes" "$r10"
check "port start: frames received again" "$r11"
has "clear stats: show summary counts from zero" "^  packets 0  bytes 0" "$out"
echo "live drops: $(py "$tmp/final.json" 'x["balance"]["dropped"]')"

# ---- 2. the offline console, on its terminal ----
if [ "$have_tmux" = 1 ]; then
	wait_for "^portlens> # end of loop" "$off" 300
	tm send-keys -t "$sess" "show cla" Tab Enter
	wait_for "^classes \(snapshot" "$off"
	tm send-keys -t "$sess" "show findings unauth" Tab Enter
	wait_for "^findings unauthorized_port \(snapshot" "$off"
	tm send-keys -t "$sess" "help stats" Enter
	wait_for "^stats: statistics views" "$off"
	tm send-keys -t "$sess" "nonsense" Enter
	wait_for "unknown command 'nonsense'" "$off"
	tm send-keys -t "$sess" Up Up Up Up Enter
	for _ in $(seq 1 600); do
		[ "$(grep -c '^classes (snapshot' "$off" || true)" -ge 2 ] && break
		sleep 0.1
	done
	# the end of the capture: the final snapshot is out (--json is written with it)
	wait_for "." "$tmp/off.json" 300
	tm send-keys -t "$sess" "clear port stats all" Enter
	wait_for "^(port statistics cleared|no ports)" "$off"
	tm send-keys -t "$sess" "clear stats" Enter
	wait_for "^nothing cleared" "$off"
	# Ctrl-C: the console ends at once, no other key needed
	tm send-keys -t "$sess" C-c
	wait_for "^EXITED" "$off" 60 || true
	has "tmux: tab completes 'show cla' to 'show classes'" "^classes \(snapshot" "$off"
	has "tmux: tab completes a finding kind" "^findings unauthorized_port \(snapshot" "$off"
	has "tmux: help by section" "^stats: statistics views" "$off"
	has "tmux: error and the console goes on" "unknown command 'nonsense'" "$off"
	n=$(grep -c '^classes (snapshot' "$off" || true)
	check "tmux: history (Up x4 ran show classes again)" "$([ "$n" -ge 2 ] && echo True || echo False)"
	# offline reads the capture itself (no port): "no ports"; with a port, no promise
	check "offline clear port stats after the end: no snapshot promised" "$(grep -qE \
		'^no ports$|no snapshot will show it: the packet path has ended' "$off" &&
		! grep -q 'shows them' "$off" && echo True || echo False)"
	has "offline clear stats after the end: nothing cleared" "^nothing cleared: the packet path has ended" "$off"
	has "tmux: Ctrl-C ends the offline console, exit 0" "^EXITED 0" "$off"
	applied=$(grep -c '^applied:' "$off" || true)
	during=$(awk '/^  received/ { if ($2 > 0 && $2 < 2000000) n++ } END { print n + 0 }' "$off")
	check "offline: 26 switches applied (got $applied)" "$([ "$applied" -eq 26 ] && echo True || echo False)"
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
	tm kill-server 2>/dev/null || true
else
	echo "skip: tmux not installed (the offline and terminal checks)"
fi
finish
