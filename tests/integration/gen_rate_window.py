#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write a capture whose connection burst straddles a second boundary, for the rate_limit
peak: 198.51.100.7 sends 60 TCP SYNs in the last 0.1 s of one second and 60 in the first
0.1 s of the next (every sixth to 10.1.0.3:8443, the rest to 10.1.0.2:443), and
198.51.100.8 sends one SYN every 0.3 s for 3 s. The most new connections in any one second
is 120 for the first (whole seconds would say 60). Prints the expected
rate_limit finding of the first as "SRC DST PORT PEAK TARGET_CONNS" on stdout, for a rate
limit of 50 connections a second with a burst of 50; the second source stays under it.
usage: gen_rate_window.py OUT.pcap"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_inspect import csum  # noqa: E402  (the IPv4 header checksum, beside this file)

T0 = 1700000000 * 10**9  # ns
SYN = 0x02
frames = []  # (time ns, frame)


def syn(t, src, dst, sport, dport):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, SYN, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0, 64, 6, 0,
                     bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
    frames.append((t, eth + ip + tcp))


flood, calm = [198, 51, 100, 7], [198, 51, 100, 8]
main_t, other_t = [10, 1, 0, 2], [10, 1, 0, 3]
n = 0
for start in (T0 + 900 * 10**6, T0 + 1000 * 10**6):
    for i in range(60):
        to_other = n % 6 == 5
        syn(start + i * 1500 * 1000, flood, other_t if to_other else main_t, 20000 + n,
            8443 if to_other else 443)
        n += 1
for i in range(10):
    syn(T0 + i * 300 * 10**6 + 7, calm, main_t, 30000 + i, 443)

frames.sort(key=lambda f: f[0])
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for t, fr in frames:
        f.write(struct.pack("<IIII", t // 10**9, t % 10**9 // 1000, len(fr), len(fr)) + fr)
print("198.51.100.7 10.1.0.2 443 120 100")
