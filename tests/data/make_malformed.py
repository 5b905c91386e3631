#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write tests/data/malformed.pcap: the malformed-traffic regression capture.

Every kind of malformed frame portlens knows (DESIGN.md's definition; the reasons of
PL_MALFORMED_REASONS in lib/parse/pl_parse.h), several variants of each, plus well-formed
frames that look suspicious but are not malformed (padded short frames, atomic IPv6
fragments, IPv4 options, 8 VLAN tags). The expected count per reason is written beside it
(malformed.expected.json). Any malformed input found later (fuzzing, the field) is added
here with its reason. Deterministic: same output every run.

usage: make_malformed.py OUT.pcap OUT.expected.json
"""
import json
import struct
import sys

MAC = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02"
frames, expected, good = [], {}, 0


def add(reason, frame):
    global good
    frames.append(frame)
    if reason is None:
        good += 1
    else:
        expected[reason] = expected.get(reason, 0) + 1


def eth(et, tags=()):
    b = MAC
    for tpid in tags:
        b += struct.pack("!HH", tpid, 100)
    return b + struct.pack("!H", et)


def ipv4(proto, payload, ihl=5, total=None, ver=4, frag=0, opts=b""):
    tl = 4 * ihl + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", (ver << 4) | ihl, 0, tl, 1, frag, 64, proto, 0,
                    bytes([10, 0, 0, 1]), bytes([192, 0, 2, 1]))
    return h + opts + payload


def ipv6(nh, payload, plen=None, ver=6):
    pl = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", ver << 28, pl, nh, 64,
                       bytes([0xfd] + [0] * 14 + [1]), bytes([0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [2])) + payload


def tcp(doff=5, payload=b"x" * 10):
    return struct.pack("!HHIIBBHHH", 40000, 443, 1, 0, doff << 4, 0x18, 1000, 0, 0) + payload


def udp(length=None, payload=b"y" * 12):
    ln = 8 + len(payload) if length is None else length
    return struct.pack("!HHHH", 5353, 53, ln, 0) + payload


def pad(f):
    return f + b"\0" * max(0, 60 - len(f))


# empty and short frames
add("empty", b"")
for n in (1, 6, 13):
    add("short_l2", MAC[:n] if n <= 12 else MAC + b"\x08")
# VLAN
add("vlan_truncated", MAC + b"\x81\x00\x00")
add("vlan_truncated", MAC + b"\x88\xa8\x00\x64\x81\x00")
add("vlan_too_many", eth(0x0800, [0x8100] * 9) + ipv4(17, udp()))
add(None, eth(0x0800, [0x88a8] + [0x8100] * 7) + ipv4(17, udp()))  # 8 tags: fine
# IPv4
add("ipv4_truncated", eth(0x0800) + ipv4(17, udp())[:19])
add("ipv4_truncated", eth(0x0800, [0x8100]) + b"\x45\x00")
add("ipv4_bad_version", eth(0x0800) + ipv4(17, udp(), ver=6))
add("ipv4_bad_version", eth(0x0800) + ipv4(17, udp(), ver=0))
for ihl in (0, 3, 4):
    add("ipv4_bad_ihl", eth(0x0800) + ipv4(17, udp(), ihl=ihl, total=40))
add("ipv4_bad_ihl", eth(0x0800) + ipv4(17, b"", ihl=15, total=60)[:40])  # IHL past the frame
add("ipv4_bad_length", eth(0x0800) + ipv4(17, udp(), total=10))          # below the header
add("ipv4_bad_length", eth(0x0800) + ipv4(17, udp(), total=1500))        # beyond the frame
add(None, pad(eth(0x0800) + ipv4(1, b"\x08\x00\x00\x00")))               # padded: fine
add(None, eth(0x0800) + ipv4(17, udp(), ihl=6, opts=b"\x01\x01\x01\x00"))  # options: fine
# IPv6
add("ipv6_truncated", eth(0x86dd) + ipv6(17, udp())[:39])
add("ipv6_bad_version", eth(0x86dd) + ipv6(17, udp(), ver=4))
add("ipv6_bad_length", eth(0x86dd) + ipv6(17, udp(), plen=1400))
add("ipv6_ext_chain", eth(0x86dd) + ipv6(0, b"\x11\x05" + b"\0" * 6))       # HBH says 48 bytes
add("ipv6_ext_chain", eth(0x86dd) + ipv6(43, b"\x11\x00\x00\x00"))          # routing cut
add("ipv6_ext_chain", eth(0x86dd) + ipv6(60, b"\x3c\x00" + b"\0" * 6 + b"\x3c\x00" * 4) )
add("ipv6_ext_chain", eth(0x86dd) + ipv6(0, (b"\x00\x00" + b"\0" * 6) * 9 + udp()))  # 9 headers
add(None, eth(0x86dd) + ipv6(44, b"\x11\x00\x00\x00\x00\x00\x00\x01" + udp()))  # atomic frag
# TCP
add("tcp_truncated", eth(0x0800) + ipv4(6, tcp()[:12]))
add("tcp_truncated", eth(0x86dd) + ipv6(6, tcp()[:19]))
add("tcp_bad_offset", eth(0x0800) + ipv4(6, tcp(doff=2)))
add("tcp_bad_offset", eth(0x0800) + ipv4(6, tcp(doff=15, payload=b"")))
# UDP
add("udp_truncated", eth(0x0800) + ipv4(17, udp()[:7]))
add("udp_bad_length", eth(0x0800) + ipv4(17, udp(length=4)))
add("udp_bad_length", eth(0x86dd) + ipv6(17, udp(length=300)))
# ICMP
add("icmp_truncated", eth(0x0800) + ipv4(1, b"\x08\x00"))
add("icmp_truncated", eth(0x86dd) + ipv6(58, b"\x80"))
# lengths from the frame: TSO (IPv4 total length 0) is fine; IPv6 payload length 0 with a
# hop-by-hop header needs a Jumbo Payload option above 65535 that fits the frame
add(None, eth(0x0800) + ipv4(6, tcp(payload=b"z" * 3000), total=0))
add("ipv6_bad_jumbo", eth(0x86dd) + ipv6(0, b"\x06\x00" + b"\0" * 6 + tcp(), plen=0))
add("ipv6_bad_jumbo", eth(0x86dd) + ipv6(0, struct.pack("!BBBBI", 6, 0, 0xc2, 4, 38) + tcp(),
                                        plen=0))
add("ipv6_bad_length", eth(0x86dd) + ipv6(0, struct.pack("!BBBBI", 6, 0, 0xc2, 4, 70000)
                                         + tcp(), plen=0))


# tunnels: a well-formed one of each kind around an inner TCP packet, then broken ones
def outer_udp(dport, payload):
    return eth(0x0800) + ipv4(17, struct.pack("!HHHH", 50000, dport, 8 + len(payload), 0)
                              + payload)


def gre(flags, proto, payload, extra=b""):
    return eth(0x0800) + ipv4(47, struct.pack("!HH", flags, proto) + extra + payload)


INNER = eth(0x0800) + ipv4(6, tcp())
VXLAN = b"\x08\0\0\0\0\0\x01\0"
add(None, outer_udp(4789, VXLAN + INNER))
add(None, outer_udp(6081, b"\x01\0\x65\x58\0\0\x01\0" + b"\0" * 4 + INNER))
add(None, gre(0x2000, 0x6558, INNER, b"\0\0\0\x2a"))
add(None, gre(0x1000, 0x88be, b"\x10\x01\0\x07\0\0\0\0" + INNER, b"\0\0\0\x01"))
add(None, eth(0x0800) + ipv4(4, ipv4(6, tcp())))
add(None, eth(0x8847) + struct.pack("!II", (16 << 12) | 64, (17 << 12) | 0x100 | 64)
    + ipv4(6, tcp()))
add("vxlan_truncated", outer_udp(4789, VXLAN[:5]))
add("geneve_truncated", outer_udp(6081, b"\x04\0\x65\x58\0\0\x01\0" + b"\0" * 4))
add("gre_truncated", gre(0x3000, 0x0800, b"", b"\0\0"))
add("erspan_truncated", gre(0x1000, 0x22eb, b"\x20\0" + b"\0" * 8, b"\0\0\0\x01"))
add("mpls_truncated", eth(0x8847) + struct.pack("!I", (16 << 12) | 64))
add("mpls_too_many", eth(0x8847) + struct.pack("!9I", *([(16 << 12) | 64] * 9))
    + ipv4(6, tcp()))
nested = ipv4(6, tcp())
for _ in range(5):
    nested = ipv4(4, nested)
add("encap_too_deep", eth(0x0800) + nested)
add("ipv4_bad_length", outer_udp(4789, VXLAN + INNER[:-4]))  # inner longer than the datagram

with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)) + fr)
with open(sys.argv[2], "w") as f:
    json.dump({"frames": len(frames), "well_formed": good, "malformed": expected}, f,
              indent=1, sort_keys=True)
