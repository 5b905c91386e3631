#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The command line's one-line answers: --version names DPDK once; a --cmdline-file that
# cannot be read and an --ipfix address whose port or host is bad stop portlens at start
# (exit 2, nothing analysed, one line naming the option and what is wrong); live mode says
# at start when dpdk-dumpcap cannot capture (no shared configuration, no hugepages); the
# end-of-run summary has the capture window and the rates over it; the mbuf pool's handler
# (stack by default, the EAL's --mbuf-pool-ops-name otherwise, an unknown name refused);
# no run leaves the EAL's runtime folder behind; a pool too large for --mem is one line.
# usage: test_cli.sh PORTLENS PL_GEN
set -euo pipefail
. "$(dirname "$0")/lib.sh"
portlens=$1
plgen=$2
tmp=$(mktemp -d)
# the EAL's runtime folder for a file prefix, as the EAL picks it
rundir() {
	if [ "$(id -u)" -eq 0 ]; then echo "/var/run/dpdk/$1"
	elif [ -n "${XDG_RUNTIME_DIR:-}" ]; then echo "$XDG_RUNTIME_DIR/dpdk/$1"
	else echo "/tmp/dpdk/$1"; fi
}
# live runs with the shared configuration leave the EAL's files in theirs: this test's go
trap 'rm -rf "$tmp" "$(rundir "pl-cli-$$")"' EXIT
"$plgen" --mix random-ports --count 500 --seed 5 --out "$tmp/in.pcap" >/dev/null

# refused NAME EXPECTED-FRAGMENT OPTIONS...: exit 2, one line with the fragment, no output
refused() {
	local name=$1 frag=$2 rc=0
	shift 2
	rm -f "$tmp/out.json"
	"$portlens" --pcap "$tmp/in.pcap" --json "$tmp/out.json" --no-summary "$@" \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	check "$name (rc $rc: $(head -c 300 "$tmp/err"))" "$([ "$rc" -eq 2 ] &&
		grep -qF -- "$frag" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
		[ ! -e "$tmp/out.json" ] && echo True || echo False)"
}

v=$("$portlens" --version)
check "--version names DPDK once ($v)" "$(echo "$v" | grep -qE '^portlens [0-9.]+ \(DPDK [0-9]' &&
	! echo "$v" | grep -q 'DPDK DPDK' && echo True || echo False)"

refused "--rx-assist with a value it does not take" \
	"portlens: --rx-assist 'sometimes': expected auto, on or off" --rx-assist sometimes
refused "--capture-io with a value it does not take" \
	"portlens: --capture-io 'mmap': expected auto, map or read" --capture-io mmap
# offline the pool is built while the tables are: a pool too large for --mem is still one
# line, the pool's
refused "--mbufs beyond --mem: the pool's line alone" \
	"portlens: cannot create a pool of 100000 mbufs: Cannot allocate memory (try --mem)" \
	--mem 64 --mbufs 100000
refused "--cmdline-file missing: refused at start" \
	"portlens: --cmdline-file $tmp/nothere.txt: No such file or directory" \
	--cmdline-file "$tmp/nothere.txt"
refused "--cmdline-file a folder: refused at start" "is a folder, not a script" \
	--cmdline-file "$tmp"
refused "--ipfix with a port that is not a number" \
	"portlens: --ipfix nohost:abc: host 'nohost', port 'abc': the port must be a number from 1 to 65535" \
	--ipfix nohost:abc
refused "--ipfix with port 0" "port '0': the port must be a number from 1 to 65535" \
	--ipfix 127.0.0.1:0
refused "--ipfix with a host that does not resolve" \
	"portlens: --ipfix nohost.invalid:4739: host 'nohost.invalid', port 4739: cannot resolve the host" \
	--ipfix nohost.invalid:4739

# the summary: capture window and rates, from the packets' own time
"$portlens" --pcap "$tmp/in.pcap" --quiet >"$tmp/sum.txt" 2>/dev/null
res=$(python3 - "$tmp/sum.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
w = re.search(r"^  window (\S+ \S+) to (\S+ \S+) UTC \(first and last packet\)$", t, re.M)
r = re.search(r"^  rate (\d+) pps  (\d+) bit/s \(over the window\)$", t, re.M)
d = re.search(r"^  packets (\d+)  bytes (\d+)  duration ([0-9.]+) s$", t, re.M)
ok = bool(w and r and d)
if ok:
    p, b, dur = int(d.group(1)), int(d.group(2)), float(d.group(3))
    ok = (p == 500 and dur > 0 and abs(int(r.group(1)) - p / dur) <= 1
          and abs(int(r.group(2)) - b * 8 / dur) <= max(1, b * 8 / dur * 1e-3)
          and w.group(1) < w.group(2))
print(ok)
PY
)
check "summary: capture window and rates over it" "$res"

# dpdk-dumpcap: one line at start saying capture cannot work, and why
dumpcap_line() { # EAL options...: the dumpcap lines portlens printed at start
	printf 'quit\n' | "$portlens" $lc -m 512 --no-pci --file-prefix "pl-cli-$$" "$@" \
		--vdev "net_pcap0,rx_pcap=$tmp/in.pcap" -- --workers 1 --tick-ms 100 -i \
		--no-summary 2>&1 | grep 'dpdk-dumpcap' || true
}
l=$(dumpcap_line --no-huge --no-shconf)
check "dumpcap: without shared configuration, one line says so ($l)" "$([ "$(echo "$l" | wc -l)" -eq 1 ] &&
	echo "$l" | grep -q 'cannot capture: EAL runs without a shared configuration (--in-memory or --no-shconf); start without them' &&
	echo True || echo False)"
l=$(dumpcap_line --no-huge)
check "dumpcap: without hugepages, one line says so ($l)" "$([ "$(echo "$l" | wc -l)" -eq 1 ] &&
	echo "$l" | grep -q 'cannot capture: EAL runs without hugepages (--no-huge).*start without --no-huge' &&
	echo True || echo False)"

# the mbuf pool's handler: the stack (LIFO) in place of DPDK's default ring; the EAL's
# --mbuf-pool-ops-name chooses another, and a name no driver registered stops the start
pool_run() { # EAL options...: what portlens printed (stdout and stderr), then its exit code
	local rc=0
	printf 'quit\n' | "$portlens" $lc -m 512 --no-huge --no-pci --no-shconf \
		--file-prefix "pl-cli-$$" --log-level portlens:info "$@" \
		--vdev "net_pcap0,rx_pcap=$tmp/in.pcap" -- --workers 1 --tick-ms 100 -i \
		--no-summary >"$tmp/pool.out" 2>&1 || rc=$?
	echo "$rc"
}
rc=$(pool_run)
l=$(grep 'mempool:' "$tmp/pool.out" | tr '\n' ' ')
check "mempool: the stack handler by default, every mbuf back at the end (rc $rc: $l)" \
	"$([ "$rc" -eq 0 ] && echo "$l" | grep -q 'mbufs on socket [0-9]*, handler stack ' &&
	echo "$l" | grep -q 'all [0-9]* mbufs back' && echo True || echo False)"
# the EAL's runtime folder for a file prefix (as the EAL picks it) is gone after the run
rc=0
printf 'quit\n' | "$portlens" $lc -m 512 --no-huge --no-pci --no-shconf --file-prefix "pl-cli-rd-$$" \
	--vdev "net_pcap0,rx_pcap=$tmp/in.pcap" -- --workers 1 -i --no-summary >/dev/null 2>&1 ||
	rc=$?
check "runtime folder: a live run leaves no $(rundir "pl-cli-rd-$$") (rc $rc)" \
	"$([ "$rc" -eq 0 ] && [ ! -e "$(rundir "pl-cli-rd-$$")" ] && echo True || echo False)"
rc=0
sh -c 'echo $$ >"$1/pid"; exec "$2" --pcap "$1/in.pcap" --no-summary --quiet' sh "$tmp" \
	"$portlens" || rc=$?
check "runtime folder: an offline run leaves no $(rundir "portlens-$(cat "$tmp/pid")")" \
	"$([ "$rc" -eq 0 ] && [ -s "$tmp/pid" ] &&
	[ ! -e "$(rundir "portlens-$(cat "$tmp/pid")")" ] && echo True || echo False)"
rc=$(pool_run --mbuf-pool-ops-name ring_mp_mc)
l=$(grep 'mempool:' "$tmp/pool.out" | tr '\n' ' ')
check "mempool: --mbuf-pool-ops-name ring_mp_mc is kept (rc $rc: $l)" \
	"$([ "$rc" -eq 0 ] && echo "$l" | grep -q 'handler ring_mp_mc ' &&
	echo "$l" | grep -q 'all [0-9]* mbufs back' && echo True || echo False)"
rc=$(pool_run --mbuf-pool-ops-name nosuch)
l=$(grep -v '^EAL:\|^TELEMETRY:' "$tmp/pool.out" | head -3 | tr '\n' ' ')
check "mempool: an unknown --mbuf-pool-ops-name stops the start, exit 2, its line last (rc $rc: $l)" \
	"$([ "$rc" -eq 2 ] && tail -n 1 "$tmp/pool.out" | grep -q '^portlens: --mbuf-pool-ops-name nosuch: no such mempool handler' &&
	echo True || echo False)"

# a static DPDK build refuses driver plugins (-d) in one line instead of loading a second EAL
if ! ldd "$portlens" | grep -q librte_eal; then
	rc=0
	"$portlens" $lc -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_net_null.so --no-huge \
		--no-pci --file-prefix "pl-cli-$$" -- --workers 1 >"$tmp/d.out" 2>"$tmp/d.err" || rc=$?
	check "static DPDK: -d refused in one line, exit 2 (rc $rc)" "$([ "$rc" -eq 2 ] &&
		[ "$(wc -l <"$tmp/d.err")" -eq 1 ] && grep -q 'cannot load driver plugins.*-Ddpdk_static=false' "$tmp/d.err" &&
		echo True || echo False)"
fi
finish
