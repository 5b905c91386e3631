#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IPFIX through real collectors at their default settings (socket buffers included), on
# loopback: nfdump's nfcapd (biflow and uniflow) and pmacct's nfacctd (uniflow: it ignores
# RFC 5103's reverse elements). Each collector's packet and byte totals must equal the
# capture's IP totals (tshark: IPv4 total length, IPv6 40 + payload length) exactly, with
# --ipfix-active 5 on captures of 30 s from several pl-gen mixes and a seed drawn at each run
# (printed, for a rerun with PL_IPFIX_SEED), and on a real capture Debian ships (sip-tester's
# G.711 RTP stream) where installed. The collectors' sockets must not have dropped a
# datagram. Then flowEndReason on a capture with known ends (tests/integration/
# ipfix_reasons.py): FIN both ways and RST give 3, timeouts 1, long flows 2 then 4 at the
# end of the capture, flows still open 4; and each flow's records add up to its packets.
# usage: test_ipfix_collectors.sh PORTLENS PL_GEN [SRC_DIR]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ipfix_lib.sh"
test_setup ipfix_collectors "$@"
need_tshark
for tool in nfcapd nfdump nfacctd; do
	command -v "$tool" >/dev/null || { echo "no $tool (packages nfdump, pmacct): skipped"; exit 77; }
done
seed=${PL_IPFIX_SEED:-$(( $(date +%s) % 100000 ))}
echo "captures from seed $seed (PL_IPFIX_SEED=$seed to rerun them)"
collector_pid=


gone() { ! kill -0 "$1" 2>/dev/null; }
# stop_collector [SIGNAL]: stop the collector (SIGTERM; nfacctd's core stops on SIGINT), and
# wait until it has written what it holds and exited; SIGKILL past a generous bound.
stop_collector() {
	if [ -n "$collector_pid" ]; then
		kill -"${1:-TERM}" "$collector_pid" 2>/dev/null || true
		wait_for "the collector to exit" 60 gone "$collector_pid" ||
			kill -KILL "$collector_pid" 2>/dev/null || true
		wait "$collector_pid" 2>/dev/null || true
		collector_pid=
	fi
}
trap 'stop_collector; test_cleanup' EXIT

# truth PCAP: "packets bytes" of the capture's IP packets.
truth() {
	tshark -r "$1" -n -T fields -E occurrence=f -e ip.len -e ipv6.plen 2>/dev/null |
		awk -F'\t' '$1 != "" { p++; b += $1 } $1 == "" && $2 != "" { p++; b += 40 + $2 }
			    END { printf "%d %d\n", p, b }'
}

# send PCAP PORT ARGS...: portlens exports the capture to the collector on PORT; then wait
# until the collector has read every datagram.
# The totals compared are the capture's IP totals as tshark counts them, by the outer header:
# tunnels stay closed (--no-decap), or a random mix's datagram that happens to go to a tunnel
# port (VXLAN 4789, Geneve 6081) would be opened, found to carry no IP, and left out of every
# flow, as it should be when decapsulating.
send() {
	local pcap=$1 port=$2
	shift 2
	"$portlens" --pcap "$pcap" --ipfix "127.0.0.1:$port" --ipfix-active 5 --no-summary \
		--quiet --no-decap "$@"
	wait_for "the collector to read every datagram" 120 drained "$port"
}

# nfcapd_totals PCAP MODE: "packets bytes drops" seen by nfcapd (default settings).
nfcapd_totals() {
	local pcap=$1 mode=$2 port dir drops
	port=$(free_port)
	dir="$work/nfcapd.$mode.$(basename "$pcap")"
	mkdir -p "$dir"
	nfcapd -b 127.0.0.1 -p "$port" -w "$dir" >"$dir.log" 2>&1 &
	collector_pid=$!
	wait_for "nfcapd to listen" 30 bound "$port"
	send "$pcap" "$port" --ipfix-mode "$mode"
	drops=$(udp_socket "$port" drops)
	stop_collector # nfcapd writes its file when it stops
	nfdump -R "$dir" -q -o "fmt:%ipkt %opkt %ibyt %obyt" |
		awk -v d="$drops" '{ p += $1 + $2; b += $3 + $4 } END { printf "%d %d %d\n", p, b, d }'
}

# nfacctd_totals PCAP: "packets bytes drops" seen by nfacctd (print plugin, uniflow).
nfacctd_totals() {
	local pcap=$1 port out drops
	port=$(free_port)
	out="$work/nfacctd.$(basename "$pcap")"
	cat >"$out.conf" <<-EOF
	daemonize: false
	nfacctd_ip: 127.0.0.1
	nfacctd_port: $port
	plugins: print
	aggregate: src_host, dst_host, src_port, dst_port, proto
	print_output: csv
	print_output_file: $out.csv
	print_output_file_append: true
	print_refresh_time: 3600
	EOF
	nfacctd -f "$out.conf" >"$out.log" 2>&1 &
	collector_pid=$!
	wait_for "nfacctd to listen" 30 bound "$port"
	send "$pcap" "$port" --ipfix-mode uniflow
	drops=$(udp_socket "$port" drops)
	stop_collector INT # the print plugin writes what it holds when it stops
	"$py" - "$out.csv" "$drops" <<'PY'
import csv, sys
p = b = 0
for row in csv.reader(open(sys.argv[1])):
    if row and row[0] != "SRC_IP":  # the header, once per write
        p += int(row[5]); b += int(row[6])
print(p, b, sys.argv[2])
PY
}

# 30-second captures of several mixes, and a real one where Debian ships it (sip-tester's
# 7-second G.711 RTP stream: one flow, through an active timeout)
pcaps=()
n=0
# (random-ports: tens of thousands of one-packet flows, most of them ending or reaching the
# active timeout while the capture is read, so the workers' export buffers fill fastest)
for mix in finmark policy imix-flows random-ports; do
	n=$((n + 1))
	pcaps+=("$work/$mix-$((seed + n)).pcap")
	"$pl_gen" --mix "$mix" --count 30000 --pps 1000 --seed $((seed + n)) \
		--out "${pcaps[-1]}" >/dev/null
done
real=/usr/share/sip-tester/g711a.pcap
if [ -r "$real" ]; then pcaps+=("$real"); else echo "no $real (package sip-tester): not used"; fi

for pcap in "${pcaps[@]}"; do
	name=$(basename "$pcap" .pcap)
	want=$(truth "$pcap")
	for coll in "nfcapd biflow" "nfcapd uniflow" "nfacctd uniflow"; do
		set -- $coll
		if [ "$1" = nfcapd ]; then got=$(nfcapd_totals "$pcap" "$2"); else got=$(nfacctd_totals "$pcap"); fi
		read -r gp gb gd <<<"$got"
		echo "$name, $coll: capture $want, collector $gp $gb, socket drops $gd"
		check "$name ($coll): $1's packets and bytes equal the capture's IP totals" \
			"$([ "$gp $gb" = "$want" ] && echo True || echo False)"
		check "$name ($coll): $1's socket dropped nothing" \
			"$([ "$gd" = 0 ] && echo True || echo False)"
	done
done

# flowEndReason, decoded by tshark from what a loopback socket received
"$py" "$src/ipfix_reasons.py" "$work/reasons.pcap" >"$work/reasons.expect"
printf 'flows:\n  capacity: 64\n' >"$work/small.yaml" # every flow aged every few bursts
port=$(free_port)
"$py" "$src/ipfix_collector.py" "$port" "$work/reasons.ipfix.pcap" 120 "$work/ready" >/dev/null &
collector_pid=$!
wait_for "the test collector" 30 test -e "$work/ready"
"$portlens" --pcap "$work/reasons.pcap" --config "$work/small.yaml" --ipfix "127.0.0.1:$port" \
	--ipfix-active 30 --no-summary --quiet
wait_for "the test collector to read every datagram" 60 drained "$port"
stop_collector
tshark -r "$work/reasons.ipfix.pcap" -n -d udp.port==4739,cflow -T fields -E occurrence=a \
	-E aggregator=, -E separator=/t -e cflow.srcport -e cflow.flow_end_reason \
	-e cflow.packets 2>/dev/null >"$work/reasons.txt"
res=$("$py" - "$work/reasons.expect" "$work/reasons.txt" <<'PY'
import sys
expect = {}
for line in open(sys.argv[1]):
    port, reason, packets, _ = map(int, line.split())
    expect[port] = (reason, packets)
recs = {}  # port -> [(reason, packets of both directions)]
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 3 or not f[0]:
        continue
    ports = [int(x) for x in f[0].split(",")]
    reasons = [int(x) for x in f[1].split(",")]
    pk = [int(x) for x in f[2].split(",")]
    for i, p in enumerate(ports):
        recs.setdefault(p, []).append((reasons[i], pk[2 * i] + pk[2 * i + 1]))
for port, (reason, packets) in sorted(expect.items()):
    got = recs.get(port, [])
    last = got[-1][0] if got else None
    early = [r for r, _ in got[:-1]]
    ok = last == reason and all(r == 2 for r in early) and sum(p for _, p in got) == packets
    print(port, reason, last, ",".join(map(str, early)) or "-", packets,
          sum(p for _, p in got), ok)
print("active", any(r == 2 for r, _ in recs.get(1005, [])), "-", "-", "-", "-", "-")
PY
)
while read -r port want last early packets sum ok; do
	if [ "$port" = active ]; then
		check "the long flow had active-timeout records (reason 2)" "$want"
		continue
	fi
	check "flow $port: ends with reason $want (got $last, earlier: $early), records add up to $packets packets (got $sum)" "$ok"
done <<<"$res"

finish
