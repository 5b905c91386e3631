#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IPFIX export end to end: portlens analyses a capture with --ipfix to a loopback collector;
# tshark decodes what arrived (an independent IPFIX decoder). Every flow is exported once
# at its end (records with an end reason == flows created), the records' packets add up to
# the packets the flows saw, templates are there, and with a short active timeout long flows
# are also exported while they go on.
# usage: test_ipfix.sh PORTLENS PL_GEN SRC_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ipfix_lib.sh"
portlens=$1
plgen=$2
src=$3
command -v tshark >/dev/null || { echo "no tshark: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$plgen" --mix policy --count 30000 --seed 41 --out "$tmp/p.pcap" >/dev/null

run() { # name extra-args...
	local name=$1
	shift
	local port
	port=$(free_port)
	rm -f "$tmp/ready"
	python3 "$src/ipfix_collector.py" "$port" "$tmp/$name.pcap" 60 "$tmp/ready" >/dev/null &
	local coll=$!
	wait_for "the collector to listen" 30 test -e "$tmp/ready"
	"$portlens" --pcap "${pcap:-$tmp/p.pcap}" --ipfix "127.0.0.1:$port" --json "$tmp/$name.json" \
		--no-summary --quiet "$@"
	# the collector has read every datagram (its socket's queue is empty) and written it
	# (the file no longer grows between two looks)
	local size=-1 now
	for _ in $(seq 1 300); do
		now=$(stat -c %s "$tmp/$name.pcap")
		if [ "$now" = "$size" ] && ss -u -l -n "sport = :$port" | awk 'NR > 1 && $2 != 0 { q = 1 } END { exit q }'; then
			break
		fi
		size=$now
		sleep 0.1
	done
	kill "$coll" 2>/dev/null || true
	wait "$coll" 2>/dev/null || true
	tshark -r "$tmp/$name.pcap" -n -d udp.port==4739,cflow -T fields -E occurrence=a \
		-E aggregator=, -E separator=/t -e cflow.flow_end_reason -e cflow.packets \
		-e cflow.template_id 2>/dev/null >"$tmp/$name.txt" || true
}

run end
res=$(python3 - "$tmp/end.json" "$tmp/end.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
reasons, packets, templates = [], [], set()
for line in open(sys.argv[2]):
    f = (line.rstrip("\n").split("\t") + ["", "", ""])[:3]
    reasons += [int(x) for x in f[0].split(",") if x]
    packets += [int(x) for x in f[1].split(",") if x]
    templates |= {int(x) for x in f[2].split(",") if x}
ends = [r for r in reasons if r != 2]
flows = d["flows"]
ip = d["protocols"]["tcp"] + d["protocols"]["udp"] + d["protocols"]["icmp"] + d["protocols"]["other"]
# packets come in (forward, reverse) pairs, one pair per record
print(len(ends) == flows["created"], flows["exported"] == flows["created"],
      flows["export_dropped"] == 0, sum(packets) == ip, 256 in templates,
      len(packets) == 2 * len(reasons))
PY
)
read -r r1 r2 r3 r4 r5 r6 <<<"$res"
check "one end record per flow created" "$r1"
check "flows.exported == flows.created" "$r2"
check "no record lost in the banks" "$r3"
check "the records' packets add up to the tracked packets" "$r4"
check "the IPv4 template (256) reached the collector" "$r5"
check "every record has forward and reverse packet counts" "$r6"

printf 'flows:\n  capacity: 5000\n' >"$tmp/small.yaml"
run active --config "$tmp/small.yaml" --ipfix-active 2
res=$(python3 - "$tmp/active.json" "$tmp/active.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
reasons = []
for line in open(sys.argv[2]):
    reasons += [int(x) for x in line.split("\t")[0].split(",") if x]
print(reasons.count(2) > 0, len([r for r in reasons if r != 2]) == d["flows"]["created"])
PY
)
read -r r1 r2 <<<"$res"
check "long flows exported at the active timeout (reason 2)" "$r1"
check "still one end record per flow with active exports" "$r2"

# a control plane that drains the workers' records late (one tick in 5 s, the whole capture
# read long before the first): tens of thousands of one-packet flows end or reach their
# active timeout between two drains, many more than a bank holds. Ageing waits for room and
# the worker waits for the drain, so no record is lost and the totals stay exact.
"$plgen" --mix random-ports --count 30000 --seed 43 --out "$tmp/rp.pcap" >/dev/null
pcap=$tmp/rp.pcap run slow --ipfix-active 5 --tick-ms 5000
res=$(python3 - "$tmp/slow.json" "$tmp/slow.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
packets = []
for line in open(sys.argv[2]):
    f = (line.rstrip("\n").split("\t") + ["", ""])[:2]
    packets += [int(x) for x in f[1].split(",") if x]
ip = d["protocols"]["tcp"] + d["protocols"]["udp"] + d["protocols"]["icmp"] + d["protocols"]["other"]
print(d["flows"]["export_dropped"] == 0, sum(packets) == ip, d["flows"]["export_dropped"],
      sum(packets), ip)
PY
)
read -r r1 r2 dropped got want <<<"$res"
check "late drains: no record lost in the banks (got $dropped)" "$r1"
check "late drains: the records' packets add up to the capture's ($got of $want)" "$r2"

# the same export from the configuration file alone (ipfix.* keys), uniflow there; then the
# command line's --ipfix-mode wins over the file
port=$(free_port)
printf 'ipfix:\n  collector: "127.0.0.1:%s"\n  mode: uniflow\n  rate: 50000\n' "$port" \
	>"$tmp/ipfix.yaml"
yaml_run() { # name extra-args...
	local name=$1 coll
	shift
	rm -f "$tmp/ready"
	python3 "$src/ipfix_collector.py" "$port" "$tmp/$name.pcap" 60 "$tmp/ready" >/dev/null &
	coll=$!
	wait_for "the collector to listen" 30 test -e "$tmp/ready"
	"$portlens" --pcap "$tmp/p.pcap" --config "$tmp/ipfix.yaml" --no-summary --quiet "$@"
	wait_for "the collector to read every datagram" 60 drained "$port"
	kill "$coll" 2>/dev/null || true
	wait "$coll" 2>/dev/null || true
	tshark -r "$tmp/$name.pcap" -n -d udp.port==4739,cflow -T fields -E occurrence=a \
		-E aggregator=, -e cflow.template_id 2>/dev/null | tr ',' '\n' | sort -u | tr '\n' ' '
}
ids=$(yaml_run yaml)
check "ipfix.collector and ipfix.mode from the file: uniflow templates (got $ids)" \
	"$([[ " $ids " == *" 258 "* && " $ids " != *" 256 "* ]] && echo True || echo False)"
ids=$(yaml_run yaml_cli --ipfix-mode biflow)
check "--ipfix-mode wins over ipfix.mode: biflow templates (got $ids)" \
	"$([[ " $ids " == *" 256 "* && " $ids " != *" 258 "* ]] && echo True || echo False)"

rc=0
"$portlens" --pcap "$tmp/p.pcap" --ipfix "no-port" --no-summary 2>"$tmp/err" || rc=$?
check "a bad --ipfix address exits 2 (got $rc)" "$([ "$rc" -eq 2 ] && echo True || echo False)"
check "and says why" "$(grep -q 'HOST:PORT' "$tmp/err" && echo True || echo False)"

finish
