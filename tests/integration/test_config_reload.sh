#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Reloading the configuration under traffic: a bad file is rejected whole and the running
# configuration stays; a good one is applied live; traffic never stops and the balance
# closes. Both ways in: the console's `load config FILE` and SIGHUP on the --config file.
# usage: test_config_reload.sh PORTLENS PL_GEN
set -euo pipefail
. "$(dirname "$0")/lib.sh"
portlens=$1
plgen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; true' EXIT
eal="$lc --no-huge -m 1024 --no-pci --no-shconf --log-level=error"
has() { grep -qF -- "$2" "$1" && echo True || echo False; }
# has, waiting up to 30 s for the line (a reload compiles Hyperscan databases: seconds
# under sanitizers on a loaded machine)
waits_for() {
	local i
	for i in $(seq 300); do
		grep -qF -- "$2" "$1" && { echo True; return; }
		sleep 0.1
	done
	echo False
}
"$plgen" --mix random-ports --count 3000 --seed 51 --out "$tmp/in.pcap" >/dev/null
printf 'allowed_ports: [53, 80]\n' >"$tmp/cfg.yaml"
printf 'allowed_ports: [53, 80]\nflows:\n  capacity: many\n' >"$tmp/bad.yaml"
printf 'allowed_ports: [443, 8443]\n' >"$tmp/good.yaml"

# ---- the console ----
cat >"$tmp/script.txt" <<SCRIPT
load config $tmp/bad.yaml
show config
load config $tmp/good.yaml
show config
set config flows.tcp_idle soon
set config flows.tcp_idle 600
show config flows.tcp_idle
set config allowed_ports [22, 8000-8001]
show config allowed_ports
show config nosuch
quit
SCRIPT
# shellcheck disable=SC2086
"$portlens" $eal --file-prefix "pl-reload-c-$$" \
	--vdev "net_pcap0,rx_pcap=$tmp/in.pcap,infinite_rx=1" \
	-- --workers 1 --tick-ms 200 --config "$tmp/cfg.yaml" --cmdline-file "$tmp/script.txt" \
	--json "$tmp/c.json" --no-summary --quiet >"$tmp/c.out" 2>&1
check "console: a bad file is refused with its line" "$(has "$tmp/c.out" "bad.yaml:3:")"
check "console: and the configuration in force stays" \
	"$(awk '/configuration in force stays/{f=1} f && /allowed_ports: \[53, 80\]/{print "True"; exit}' "$tmp/c.out" | grep -q True && echo True || echo False)"
check "console: a good file is applied" "$(has "$tmp/c.out" "applied: configuration loaded from")"
check "console: the new allowed ports are in force" "$(has "$tmp/c.out" "allowed_ports: [443, 8443]")"
check "console: set config refuses a bad value, naming the key and the range" \
	"$(has "$tmp/c.out" "flows.tcp_idle: 'soon' is not a number (expected a number of seconds > 0 and <= 1000000)")"
check "console: set config changes one key live" "$(has "$tmp/c.out" "applied: flows.tcp_idle set to 600")"
check "console: show config KEY gives its value, help and default" \
	"$(grep -A2 -F "flows.tcp_idle: 600" "$tmp/c.out" | grep -qF "default 300" && echo True || echo False)"
check "console: set config takes a list" "$(has "$tmp/c.out" 'allowed_ports: [22, "8000-8001"]')"
check "console: show config of an unknown key says so" "$(has "$tmp/c.out" "'nosuch' is no key or section")"
res=$(python3 -c "import json,sys;b=json.load(open(sys.argv[1]))['balance'];print(b['in_flight']==0 and b['received']==b['processed']+b['dropped_total'] and b['received']>0)" "$tmp/c.json")
check "console: traffic went on and the balance closes" "$res"

# ---- SIGHUP ----
# shellcheck disable=SC2086
"$portlens" $eal --file-prefix "pl-reload-h-$$" \
	--vdev "net_pcap0,rx_pcap=$tmp/in.pcap,infinite_rx=1" \
	-- --workers 1 --tick-ms 200 --config "$tmp/cfg.yaml" --json "$tmp/h.json" \
	--json-lines "$tmp/h.jsonl" --json-interval 0.5 --no-summary --quiet 2>"$tmp/h.err" &
pid=$!
# SIGHUP once portlens is up (its handler is in place before the first snapshot)
for _ in $(seq 1 600); do [ -s "$tmp/h.jsonl" ] && break; sleep 0.1; done
cp "$tmp/bad.yaml" "$tmp/cfg.yaml"
kill -HUP "$pid"
check "SIGHUP: a bad file is rejected, naming the line" "$(waits_for "$tmp/h.err" "reload rejected: $tmp/cfg.yaml:3:")"
check "SIGHUP: portlens keeps running" "$(kill -0 "$pid" 2>/dev/null && echo True || echo False)"
lines1=$(wc -l <"$tmp/h.jsonl")
cp "$tmp/good.yaml" "$tmp/cfg.yaml"
kill -HUP "$pid"
check "SIGHUP: a good file is reloaded" "$(waits_for "$tmp/h.err" "configuration reloaded from $tmp/cfg.yaml")"
for _ in $(seq 1 600); do [ "$(wc -l <"$tmp/h.jsonl")" -gt "$lines1" ] && break; sleep 0.1; done
check "SIGHUP: snapshots go on meanwhile" "$([ "$(wc -l <"$tmp/h.jsonl")" -gt "$lines1" ] && echo True || echo False)"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
check "SIGTERM after reloads: exit 0 (got $rc)" "$([ "$rc" -eq 0 ] && echo True || echo False)"
res=$(python3 -c "import json,sys;b=json.load(open(sys.argv[1]))['balance'];print(b['in_flight']==0 and b['received']==b['processed']+b['dropped_total'])" "$tmp/h.json")
check "SIGHUP: the balance closes" "$res"
finish
