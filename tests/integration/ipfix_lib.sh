# SPDX-License-Identifier: BSD-3-Clause
# Sourced by the IPFIX integration scripts: a free loopback UDP port, the state of a loopback
# UDP socket (/proc/net/udp), and a bounded wait for a condition.
# shellcheck shell=bash

free_port() {
	python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# udp_socket PORT FIELD: a field of the loopback UDP socket on PORT in /proc/net/udp
# (rx_queue: bytes waiting, drops: datagrams the socket dropped); empty when there is none.
udp_socket() {
	python3 - "$1" "$2" <<'PY'
import sys
port, field = int(sys.argv[1]), sys.argv[2]
for line in open("/proc/net/udp").read().splitlines()[1:]:
    f = line.split()
    if int(f[1].split(":")[1], 16) == port:
        print(int(f[4].split(":")[1], 16) if field == "rx_queue" else int(f[12]))
        break
PY
}

# wait_for WHAT SECONDS COMMAND...: until COMMAND succeeds, polling, within a generous bound.
wait_for() {
	local what=$1 secs=$2 i
	shift 2
	for i in $(seq 1 $((secs * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	echo "timed out waiting for $what" >&2
	return 1
}
bound() { [ -n "$(udp_socket "$1" rx_queue)" ]; }
drained() { [ "$(udp_socket "$1" rx_queue)" = 0 ]; }
