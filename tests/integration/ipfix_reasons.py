#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write a 100-second capture whose flows end in known ways, for the IPFIX end-reason test.
Each flow is told apart by its client port; the expected flowEndReason of its last record
(IANA: 1 idle, 2 active, 3 end detected, 4 forced end) is printed as "PORT REASON PACKETS
BYTES" lines (bytes: IP bytes) on stdout, with portlens's default timeouts and --ipfix-active
30 in mind.
usage: ipfix_reasons.py OUT.pcap"""
import struct
import sys

T0 = 1700000000
CLI, SRV = bytes([10, 0, 0, 1]), bytes([10, 1, 0, 2])
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
frames = []   # (time, frame)
expect = {}   # port -> [reason, packets, ip bytes]


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip(src, dst, proto, l4):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + l4


def add(t, port, from_client, proto, l4):
    src, dst = (CLI, SRV) if from_client else (SRV, CLI)
    pkt = ip(src, dst, proto, l4)
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
    frames.append((t, eth + pkt))
    expect[port][1] += 1
    expect[port][2] += len(pkt)


def tcp(t, port, sport_is_client, flags, payload=b"", dport=80):
    sp, dp = (port, dport) if sport_is_client else (dport, port)
    hdr = struct.pack("!HHIIBBHHH", sp, dp, 1, 1, 5 << 4, flags, 65535, 0, 0)
    add(t, port, sport_is_client, 6, hdr + payload)


def udp(t, port, from_client, payload, dport=53):
    sp, dp = (port, dport) if from_client else (dport, port)
    add(t, port, from_client, 17, struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload)


def handshake(t, port, dport=80):
    tcp(t, port, True, SYN, dport=dport)
    tcp(t + 0.01, port, False, SYN | ACK, dport=dport)
    tcp(t + 0.02, port, True, ACK, dport=dport)


def flow(port, reason):
    expect[port] = [reason, 0, 0]


# 1001: closed by FIN from both sides -> 3
flow(1001, 3)
handshake(1.0, 1001)
tcp(1.1, 1001, True, PSH | ACK, b"GET / HTTP/1.1\r\n\r\n")
tcp(1.2, 1001, False, PSH | ACK, b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 300)
tcp(1.3, 1001, True, FIN | ACK)
tcp(1.4, 1001, False, FIN | ACK)
tcp(1.5, 1001, True, ACK)
# 1002: established, then reset -> 3
flow(1002, 3)
handshake(2.0, 1002)
tcp(2.1, 1002, True, RST | ACK)
# 1003: attempt rejected by RST -> 3
flow(1003, 3)
tcp(3.0, 1003, True, SYN)
tcp(3.01, 1003, False, RST | ACK)
# 1004: UDP exchange, then 96 s of silence (UDP idle timeout 60 s) -> 1
flow(1004, 1)
udp(4.0, 1004, True, b"q" * 30)
udp(4.01, 1004, False, b"a" * 90)
# 1007: SYN never answered (SYN timeout 5 s) -> 1
flow(1007, 1)
tcp(10.0, 1007, True, SYN)
# 1005: a long flow, a segment every 0.1 s until the end (so that the table is aged every
# few seconds of packet time) -> active records (2), then 4
flow(1005, 4)
handshake(5.0, 1005, dport=443)
for i in range(70, 995):
    tcp(i / 10, 1005, i % 2 == 0, PSH | ACK, b"d" * 100, dport=443)
# 1008: established, then quiet (TCP idle timeout 300 s) -> 4
flow(1008, 4)
handshake(6.0, 1008, dport=22)
# 1006: SYN just before the end, unanswered when the capture ends -> 4
flow(1006, 4)
tcp(99.0, 1006, True, SYN)
# the capture's last packet, at 100 s: the long flow's
tcp(100.0, 1005, True, ACK, dport=443)

frames.sort(key=lambda f: f[0])
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for ts, fr in frames:
        sec = T0 + int(ts)
        usec = int(round((ts - int(ts)) * 1e6))
        f.write(struct.pack("<IIII", sec, usec, len(fr), len(fr)) + fr)
for port, (reason, packets, nbytes) in sorted(expect.items()):
    print(port, reason, packets, nbytes)
