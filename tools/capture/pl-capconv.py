#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Rewrite an Ethernet capture into other link types and capture formats.

portlens's offline tests use it to make, from one Ethernet pcap, the same traffic as the
captures users bring: Linux cooked v1/v2, raw IP (LINKTYPE 101 and the old 12/14), IPv4/IPv6
(228/229), NULL and LOOP in either byte order, pcapng with several interfaces, link types
and timestamp resolutions (either byte order, several sections, non-packet blocks),
nanosecond pcap, big-endian pcap, gzip, zstd, and a capture split into rotated files. It is
written from the file format specifications and shares nothing with portlens's reader.

Frames that a link type cannot represent (not IP, for the IP-only types; shorter than an
Ethernet header) are left out and counted on stderr. For the IP-only types the IP packet is
cut at its total length (Ethernet padding dropped), as a host's raw-IP capture holds it.

usage: pl-capconv.py IN.pcap OUT KIND [--files N]
  KIND: pcap-us pcap-ns pcap-be sll sll2 raw raw12 raw14 ipv4 ipv6 null-le null-be loop-be
        loop-le pcapng pcapng-be gzip zstd; --files N splits the output into N rotated files
        OUT, OUT1, OUT2 ... (tcpdump -C naming), each in the KIND's format.
"""

import gzip
import struct
import subprocess
import sys

LINKTYPE = {"sll": 113, "sll2": 276, "raw": 101, "raw12": 12, "raw14": 14, "ipv4": 228,
            "ipv6": 229, "null-le": 0, "null-be": 0, "loop-be": 108, "loop-le": 108}
VLAN_TYPES = (0x8100, 0x88a8, 0x9100)


def read_pcap(path):
    """Records of an Ethernet pcap: (ts_ns, frame, wirelen)."""
    data = open(path, "rb").read()
    magic = data[:4]
    order = {b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<",
             b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">"}.get(magic)
    if order is None:
        sys.exit("pl-capconv: %s: not a pcap file" % path)
    nsec = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(order + "I", data[20:24])[0] & 0xffff
    if linktype != 1:
        sys.exit("pl-capconv: %s: link type %d, not Ethernet" % (path, linktype))
    off, out = 24, []
    while off + 16 <= len(data):
        sec, frac, caplen, wire = struct.unpack(order + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        out.append((sec * 10**9 + frac * (1 if nsec else 1000), frame, wire))
        off += 16 + caplen
    return out


def l3(frame):
    """(ethertype, offset of the network layer) after any VLAN tags, or None."""
    if len(frame) < 14:
        return None
    off = 12
    etype = struct.unpack(">H", frame[off:off + 2])[0]
    while etype in VLAN_TYPES:
        off += 4
        if off + 2 > len(frame):
            return None
        etype = struct.unpack(">H", frame[off:off + 2])[0]
    return etype, off + 2


def ip_packet(frame):
    """The IP packet of a frame, cut at its total length when that is sane; else None."""
    r = l3(frame)
    if r is None or r[0] not in (0x0800, 0x86dd):
        return None
    etype, off = r
    pkt = frame[off:]
    if etype == 0x0800 and len(pkt) >= 4 and pkt[0] >> 4 == 4:
        tot = struct.unpack(">H", pkt[2:4])[0]
        if 20 <= tot <= len(pkt):
            pkt = pkt[:tot]
    elif etype == 0x86dd and len(pkt) >= 6 and pkt[0] >> 4 == 6:
        tot = 40 + struct.unpack(">H", pkt[4:6])[0]
        if 40 < tot <= len(pkt):
            pkt = pkt[:tot]
    return etype, pkt


def family(etype, big, bsd=False):
    af = 2 if etype == 0x0800 else (28 if bsd else 10)
    return struct.pack(">I" if big else "<I", af)


def rewrite(kind, frame):
    """The record of a frame in a link type: bytes, or None when it cannot be written."""
    if kind in ("sll", "sll2"):
        if len(frame) < 14:
            return None
        proto, rest = frame[12:14], frame[14:]
        if kind == "sll":  # packet type, ARPHRD_ETHER, address length, address, protocol
            return struct.pack(">HHH", 0, 1, 6) + frame[6:12] + b"\0\0" + proto + rest
        # protocol, reserved, ifindex, ARPHRD_ETHER, packet type, address length, address
        return proto + b"\0\0" + struct.pack(">IHBB", 2, 1, 0, 6) + frame[6:12] + b"\0\0" + rest
    ip = ip_packet(frame)
    if ip is None:
        return None
    etype, pkt = ip
    if kind in ("raw", "raw12", "raw14"):
        return pkt
    if kind == "ipv4":
        return pkt if etype == 0x0800 else None
    if kind == "ipv6":
        return pkt if etype == 0x86dd else None
    if kind == "null-le":
        return family(etype, False) + pkt
    if kind == "null-be":
        return family(etype, True, bsd=True) + pkt
    if kind == "loop-be":
        return family(etype, True, bsd=True) + pkt
    if kind == "loop-le":
        return family(etype, False) + pkt
    raise ValueError(kind)


def pcap_bytes(records, linktype, order="<", nsec=False):
    out = [struct.pack(order + "IHHiIII", 0xa1b23c4d if nsec else 0xa1b2c3d4, 2, 4, 0, 0,
                       262144, linktype)]
    for ts, data, wire in records:
        frac = ts % 10**9 if nsec else (ts % 10**9) // 1000
        out.append(struct.pack(order + "IIII", ts // 10**9, frac, len(data), wire) + data)
    return b"".join(out)


def block(order, btype, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack(order + "II", btype, n) + body + struct.pack(order + "I", n)


def option(order, code, value):
    return struct.pack(order + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


# pcapng interfaces: (link type, if_tsresol byte or None, if_tsoffset seconds)
NG_IFS = [(1, None, 1000), (228, 9, 0), (229, 7, -5), (113, 9, 0)]


def ng_section(order, records):
    """One section: header, four interfaces, the packets, non-packet blocks among them."""
    end = b"\0\0\0\0"
    out = [block(order, 0x0a0d0d0a, struct.pack(order + "IHHq", 0x1a2b3c4d, 1, 0, -1) +
                 option(order, 4, b"pl-capconv") + end)]
    for lt, resol, offset in NG_IFS:
        opts = option(order, 2, b"if%d" % lt)
        if resol is not None:
            opts += option(order, 9, bytes([resol]))
        if offset:
            opts += option(order, 14, struct.pack(order + "q", offset))
        out.append(block(order, 1, struct.pack(order + "HHI", lt, 0, 0) + opts + end))
    # a name resolution block and a custom block: readers step over them
    out.append(block(order, 4, struct.pack(order + "HH", 0, 0)))
    out.append(block(order, 0x00000bad, struct.pack(order + "I", 32473) + b"portlens"))
    for i, (ts, frame, wire) in enumerate(records):
        ip = ip_packet(frame)
        if ip is not None and i % 3 == 1:
            ifid, data = (1, ip[1]) if ip[0] == 0x0800 else (2, ip[1])
        elif i % 3 == 2 and len(frame) >= 14:
            ifid, data = 3, rewrite("sll", frame)
        else:
            ifid, data = 0, frame
        lt, resol, offset = NG_IFS[ifid]
        units = ts - offset * 10**9
        if resol is None:
            units //= 1000
        elif resol == 7:
            units //= 100
        wire = len(data) + max(0, wire - len(frame))  # a frame cut by a snapshot length
        out.append(block(order, 6, struct.pack(order + "IIIII", ifid, units >> 32,
                                               units & 0xffffffff, len(data), wire) + data))
        if i % 1000 == 999:  # interface statistics now and then
            out.append(block(order, 5, struct.pack(order + "III", 0, units >> 32,
                                                   units & 0xffffffff)))
    return b"".join(out)


def pcapng_bytes(records, order="<"):
    half = len(records) // 2  # two sections: the second redefines its interfaces
    return ng_section(order, records[:half]) + ng_section(order, records[half:])


def encode(kind, records):
    """The whole output file of a KIND, and how many records it left out."""
    if kind in ("pcap-us", "pcap-ns", "pcap-be", "gzip", "zstd"):
        data = pcap_bytes(records, 1, ">" if kind == "pcap-be" else "<", kind == "pcap-ns")
        if kind == "gzip":
            data = gzip.compress(data, 6)
        elif kind == "zstd":
            data = subprocess.run(["zstd", "-q", "-c"], input=data, check=True,
                                  stdout=subprocess.PIPE).stdout
        return data, 0
    if kind in ("pcapng", "pcapng-be"):
        return pcapng_bytes(records, ">" if kind == "pcapng-be" else "<"), 0
    if kind not in LINKTYPE:
        sys.exit("pl-capconv: unknown kind %r" % kind)
    out, skipped = [], 0
    for ts, frame, wire in records:
        data = rewrite(kind, frame)
        if data is None:
            skipped += 1
            continue
        # the link header changed; a frame cut by a snapshot length keeps what was cut
        out.append((ts, data, len(data) + max(0, wire - len(frame))))
    return pcap_bytes(out, LINKTYPE[kind]), skipped


def main():
    args = sys.argv[1:]
    files = 1
    if "--files" in args:
        i = args.index("--files")
        files = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    src, dst, kind = args
    records = read_pcap(src)
    per = -(-len(records) // files)
    skipped = 0
    for k in range(files):
        data, s = encode(kind, records[k * per:(k + 1) * per])
        skipped += s
        with open(dst + (str(k) if k else ""), "wb") as f:
            f.write(data)
    if skipped:
        print("pl-capconv: %s: %d frames cannot be written as %s, left out" %
              (dst, skipped, kind), file=sys.stderr)


if __name__ == "__main__":
    main()
