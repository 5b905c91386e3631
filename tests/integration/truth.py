#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Independent truth for a capture, computed from tshark's dissection.

portlens's integration tests compare its JSON snapshot with what this script derives from
tshark. Nothing here knows how the capture was made: every number comes from the fields tshark
reports, with the definitions of /work/shared/DESIGN.md applied in Python. The output has the
same shape as the matching parts of portlens.snapshot.v1 (totals, protocols, directions, ports,
bins, top_ports).

tshark runs with a private configuration directory in which every protocol above L4 is
disabled, so that an application dissector (DNS on port 53, TLS on 443 ...) choking on random
payload cannot mark a frame malformed: only Ethernet, VLAN/802.1ad, ARP, IPv4, IPv6 and its
extension headers, TCP, UDP, ICMP and ICMPv6 are dissected. Reassembly is off (ip.defragment,
ipv6.defragment, tcp.desegment_tcp_streams) so every frame is judged on its own. An IPv4 total
length of 0 is a TSO frame whose length is the frame's (ip.tso_support, tshark's default).

Tunnels: by default a tunnelled frame is judged by its outer headers, as `portlens
--no-decap` does: the tunnel dissectors are disabled, and an IP packet inside IP (protocol 4
or 41) is the outer packet's payload (protocol "other"). With --inner the tunnel dissectors
(VXLAN, Geneve, GRE, ERSPAN, MPLS, Ethernet pseudowires) are enabled and every field is read
from its last occurrence, the innermost packet, as portlens analyses tunnelled traffic;
bytes stay frame.len, the whole frame.

Rules (a frame is examined in this order):

  totals.packets/bytes   every frame; bytes = frame.len (the frame without FCS).
  malformed              any of:
    M1  frame.len < 14 (shorter than an Ethernet header; includes empty frames).
    M2  tshark flags the frame `_ws.malformed` in the Ethernet, VLAN, 802.1ad, IPv4 or IPv6
        layers (including IPv6 extension headers): truncated tag, IP header cut short, an
        extension header running past the end of the payload.
    M3  IPv4: ip.hdr_len missing or < 20 (IHL < 5), ip.len < ip.hdr_len, or
        ip.len > frame.len - L2 header (total length beyond the frame). An IP length smaller
        than the frame is padding, not an error.
    M4  IPv6: 40 + ipv6.plen > frame.len - L2 header (payload length beyond the frame); for a
        jumbogram (payload length 0, RFC 2675) the Jumbo Payload length instead of plen.
    With --inner the L2 header of M3/M4 is the whole frame's (inner IP lengths are only
    checked against the frame): the generated tunnelled captures have no malformed inner
    packet, and a broken one is caught by tshark's own `_ws.malformed`.
    M5  non-fragment TCP: tcp.hdr_len missing (header truncated), < 20 (data offset < 5),
        or tcp.len missing (tshark cannot fit the header in the segment: data offset beyond
        the segment), or `_ws.malformed` in the TCP layer.
    M6  non-fragment UDP: udp.length missing or `_ws.malformed` in the UDP layer (header
        truncated). Same for ICMP/ICMPv6 (`_ws.malformed` in their layer). An IPv4 packet
        whose protocol is TCP or UDP but which carries no L4 bytes at all (tshark then shows
        no TCP/UDP layer) is malformed too.
    The L2 header length is 14 + 4 per VLAN/802.1ad tag tshark dissected. L4 problems in a
    fragment are ignored: DESIGN.md says fragments are not parsed above L3.
  non_ip                 not malformed, and the protocol tshark dissected after the last
                         ethertype is neither ip nor ipv6 (ARP, unknown ethertypes).
  protocols.ipv4/ipv6    every well-formed IP packet, fragments included.
  fragments              IPv4: ip.flags.mf == 1 or ip.frag_offset != 0. IPv6: a fragment
                         header with M == 1 or offset != 0. An atomic fragment header (offset 0,
                         M == 0, RFC 6946) is NOT a fragment: the packet is whole and is
                         counted by L4 like any other.
  directions             every well-formed IP packet (fragments included) by the local-ness of
                         ip.src/ipv6.src and ip.dst/ipv6.dst: in (dst local only), out (src
                         local only), internal (both), external (neither).
  protocols.tcp/udp/icmp/other
                         non-fragment IP packets by the last L4 protocol tshark dissected: tcp,
                         udp, icmp or icmpv6 (both count as icmp), anything else is other.
  ports, bins, top_ports non-fragment TCP/UDP packets, by destination port, per direction.
  iat, iat_sum_ns        inter-arrival times per direction: for every well-formed IP packet
                         (fragments included) in capture order, its time (frame.time_epoch,
                         in ns) minus the time of the previous IP packet of its direction;
                         counted in the power-of-two bucket of the gap (0-1 ns in the first,
                         [2^k, 2^(k+1)) in bucket k, everything from 2^39 ns in the last) and
                         summed. A time earlier than the previous one counts no gap (portlens
                         counts it in iat_backwards) but becomes the previous time.
"""

import argparse
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

DEFAULT_LOCAL = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
DIRECTIONS = ["in", "out", "internal", "external"]

# Protocols left enabled in tshark; everything else (application layers) is disabled.
KEEP_PROTOCOLS = re.compile(
    r"^(frame|eth|ethertype|vlan|ieee8021ad|arp|ip|ipv6|tcp|udp|icmp|icmpv6|data|_ws)(\..*)?$")
# Kept as well with --inner: the tunnels portlens decapsulates.
TUNNEL_PROTOCOLS = re.compile(r"^(vxlan|geneve|gre|erspan|mpls|pwethcw|pwethnocw)(\..*)?$")

# Which occurrence of a field tshark repeats (one per header): 0 the outermost, -1 (--inner)
# the innermost.
OCC = 0

# `_ws.malformed` shows as "[Malformed Packet: <layer>]"; layers that make a frame malformed
# whatever it carries, and L4 layers that do so only when the packet is not a fragment.
L23_LAYERS = ("Ethernet", "VLAN", "IEEE 802.1ad", "IPv4", "IPv6")
L4_LAYERS = ("TCP", "UDP", "ICMP", "ICMPv6")

FIELDS = [
    "frame.number", "frame.len", "frame.protocols",
    "ip.hdr_len", "ip.len", "ip.proto", "ip.flags.mf", "ip.frag_offset", "ip.src", "ip.dst",
    "ipv6.plen", "ipv6.src", "ipv6.dst", "ipv6.fraghdr.offset", "ipv6.fraghdr.more",
    "tcp.dstport", "tcp.hdr_len", "tcp.len", "udp.dstport", "udp.length", "ipv6.opt.jumbo",
    "frame.time_epoch",
    "_ws.malformed",	# last: its text may contain anything but a tab
]


# Inter-arrival buckets (lib/counters' PL_IAT_BUCKETS): bucket k holds gaps in [2^k, 2^(k+1)).
IAT_BUCKETS = 40


def epoch_ns(s):
    """frame.time_epoch ("1700000000.123456789") as integer ns, without float rounding."""
    sec, _, frac = s.partition(".")
    return int(sec) * 1000000000 + int((frac + "000000000")[:9])


def iat_bucket(gap):
    return 0 if gap <= 1 else min(gap.bit_length() - 1, IAT_BUCKETS - 1)


def default_bins():
    """The default bin edges of DESIGN.md as a list of (first, last)."""
    bins = [(p, p) for p in range(1024)]
    bins += [(p, min(p + 99, 49151)) for p in range(1024, 49152, 100)]
    bins += [(p, min(p + 49, 65535)) for p in range(49152, 65536, 50)]
    return bins


def tshark_config_dir(inner=False, keep=KEEP_PROTOCOLS):
    """A fresh tshark configuration directory disabling every protocol not in keep (default
    KEEP_PROTOCOLS) nor in TUNNEL_PROTOCOLS when inner."""
    d = tempfile.mkdtemp(prefix="pl-truth-ws.")
    out = subprocess.run(["tshark", "-G", "protocols"], check=True, capture_output=True,
                         text=True, env=dict(os.environ, WIRESHARK_CONFIG_DIR=d)).stdout
    names = [ln.split("\t")[2] for ln in out.splitlines() if ln.count("\t") >= 2]
    with open(os.path.join(d, "disabled_protos"), "w") as f:
        for n in names:
            if not keep.match(n) and not (inner and TUNNEL_PROTOCOLS.match(n)):
                f.write(n + "\n")
    return d


def tshark_rows(path, fields=None, config_dir=None, inner=False):
    """Yield one dict of field name -> string (empty when absent) per frame of path.

    fields: the tshark fields to read (default FIELDS); config_dir: a throw-away
    WIRESHARK_CONFIG_DIR to use and remove (default: a fresh tshark_config_dir(inner))."""
    fields = FIELDS if fields is None else fields
    cfg = tshark_config_dir(inner) if config_dir is None else config_dir
    try:
        cmd = ["tshark", "-r", path, "-n",
               "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
               "-o", "tcp.desegment_tcp_streams:FALSE",
               "-o", "tcp.analyze_sequence_numbers:FALSE",
               "-o", "ip.tso_support:TRUE",
               "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
               "-E", "aggregator=,"]
        for f in fields:
            cmd += ["-e", f]
        env = dict(os.environ, WIRESHARK_CONFIG_DIR=cfg)
        proc = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env,
                              errors="replace")
    finally:
        shutil.rmtree(cfg, ignore_errors=True)
    for line in proc.stdout.splitlines():
        vals = line.split("\t", len(fields) - 1)
        vals += [""] * (len(fields) - len(vals))
        yield dict(zip(fields, vals))


def first_int(s):
    """The OCC-th of tshark's comma-aggregated values (the first, or the last with --inner)
    as an int (hex allowed), or None."""
    if s == "":
        return None
    return int(s.split(",")[OCC], 0)


def visible_protocols(protos):
    """The layers judged: with --inner all of them, the last IP header being the packet's;
    by default those before an IP header nested right inside another (IP-in-IP's inner
    packet is the outer packet's payload, as for portlens --no-decap)."""
    if OCC != 0:
        return protos
    for i in range(1, len(protos)):
        if protos[i] in ("ip", "ipv6") and protos[i - 1] in ("ip", "ipv6"):
            return protos[:i]
    return protos


def all_ints(s):
    return [int(v, 0) for v in s.split(",") if v != ""]


class Truth:
    def __init__(self, local_nets):
        self.local = [ipaddress.ip_network(n, strict=False) for n in local_nets]
        self.totals = dict(packets=0, bytes=0, malformed=0, fragments=0, non_ip=0)
        self.protocols = dict(ipv4=0, ipv6=0, tcp=0, udp=0, icmp=0, other=0)
        self.directions = {d: dict(packets=0, bytes=0) for d in DIRECTIONS}
        self.ports = {d: {} for d in DIRECTIONS}
        self.malformed_frames = []
        self.last_ns = {d: None for d in DIRECTIONS}
        self.iat = {d: [0] * IAT_BUCKETS for d in DIRECTIONS}
        self.iat_sum = {d: 0 for d in DIRECTIONS}

    def is_local(self, a):
        ip = ipaddress.ip_address(a)
        return any(ip.version == n.version and ip in n for n in self.local)

    def direction(self, src, dst):
        s, d = self.is_local(src), self.is_local(dst)
        if s and d:
            return "internal"
        if d:
            return "in"
        if s:
            return "out"
        return "external"

    def classify(self, r):
        """Return (verdict, detail) for one frame: 'malformed', 'non_ip', 'ipv4' or 'ipv6'."""
        flen = int(r["frame.len"])
        protos = visible_protocols(r["frame.protocols"].split(":") if r["frame.protocols"]
                                   else [])
        bad_layers = re.findall(r"\[Malformed Packet: ([^\]]*)\]", r["_ws.malformed"])

        if flen < 14:
            return "malformed", "M1 shorter than Ethernet"
        for layer in bad_layers:
            if layer.startswith(L23_LAYERS):
                return "malformed", "M2 tshark malformed in " + layer
        ntags = sum(1 for p in protos if p in ("vlan", "ieee8021ad"))
        l3_room = flen - 14 - 4 * ntags
        last_et = max((i for i, p in enumerate(protos) if p == "ethertype"), default=None)
        l3 = protos[last_et + 1] if last_et is not None and last_et + 1 < len(protos) else ""
        if OCC != 0:
            l3 = next((p for p in reversed(protos) if p in ("ip", "ipv6")), l3)
            l3_room = flen
        if l3 not in ("ip", "ipv6"):
            return "non_ip", None

        if l3 == "ip":
            hl, tl = first_int(r["ip.hdr_len"]), first_int(r["ip.len"])
            if hl is None or hl < 20:
                return "malformed", "M3 IHL < 5"
            if tl is None or tl < hl:
                return "malformed", "M3 total length < header"
            if tl > l3_room:
                return "malformed", "M3 total length %d beyond frame (%d)" % (tl, l3_room)
            frag = first_int(r["ip.flags.mf"]) == 1 or first_int(r["ip.frag_offset"]) != 0
        else:
            plen = first_int(r["ipv6.plen"])
            if plen is None:
                return "malformed", "M4 no IPv6 header"
            if plen == 0 and r["ipv6.opt.jumbo"] != "":
                plen = first_int(r["ipv6.opt.jumbo"])
            if 40 + plen > l3_room:
                return "malformed", "M4 payload length %d beyond frame (%d)" % (plen,
                                                                              l3_room - 40)
            offs = all_ints(r["ipv6.fraghdr.offset"])
            more = all_ints(r["ipv6.fraghdr.more"])
            frag = any(o != 0 for o in offs) or any(m != 0 for m in more)
        ver = "ipv4" if l3 == "ip" else "ipv6"
        if frag:
            return ver, "fragment"

        l4 = last_l4(protos)
        l4_bad = [x for x in bad_layers if x in L4_LAYERS]
        if l3 == "ip" and l4 is None and first_int(r["ip.proto"]) in (6, 17):
            # tshark does not call TCP/UDP on an empty payload: the header is missing.
            return "malformed", "M5/M6 L4 header missing"
        if l4 == "tcp":
            th = first_int(r["tcp.hdr_len"])
            if th is None:
                return "malformed", "M5 TCP header truncated"
            if th < 20:
                return "malformed", "M5 TCP data offset < 5"
            if r["tcp.len"] == "":
                return "malformed", "M5 TCP data offset beyond the segment"
            if l4_bad:
                return "malformed", "M5 tshark malformed in TCP"
        elif l4 == "udp":
            if r["udp.length"] == "" or l4_bad:
                return "malformed", "M6 UDP header truncated"
        elif l4 in ("icmp", "icmpv6") and l4_bad:
            return "malformed", "M6 tshark malformed in ICMP"
        return ver, l4

    def add(self, r):
        flen = int(r["frame.len"])
        self.totals["packets"] += 1
        self.totals["bytes"] += flen
        verdict, detail = self.classify(r)
        if verdict == "malformed":
            self.totals["malformed"] += 1
            self.malformed_frames.append((int(r["frame.number"]), detail))
            return
        if verdict == "non_ip":
            self.totals["non_ip"] += 1
            return
        if verdict == "ipv4":
            self.protocols["ipv4"] += 1
            src, dst = r["ip.src"].split(",")[OCC], r["ip.dst"].split(",")[OCC]
        else:
            self.protocols["ipv6"] += 1
            src, dst = r["ipv6.src"].split(",")[OCC], r["ipv6.dst"].split(",")[OCC]
        d = self.direction(src, dst)
        self.directions[d]["packets"] += 1
        self.directions[d]["bytes"] += flen
        t, prev = epoch_ns(r["frame.time_epoch"]), self.last_ns[d]
        if prev is not None and t >= prev:
            self.iat[d][iat_bucket(t - prev)] += 1
            self.iat_sum[d] += t - prev
        self.last_ns[d] = t
        if detail == "fragment":
            self.totals["fragments"] += 1
            return
        if detail == "tcp":
            self.protocols["tcp"] += 1
            port = first_int(r["tcp.dstport"])
        elif detail == "udp":
            self.protocols["udp"] += 1
            port = first_int(r["udp.dstport"])
        elif detail in ("icmp", "icmpv6"):
            self.protocols["icmp"] += 1
            return
        else:
            self.protocols["other"] += 1
            return
        pc = self.ports[d].setdefault(port, [0, 0])
        pc[0] += 1
        pc[1] += flen

    def result(self, bins):
        ports, binned, top = {}, {}, {}
        for d in DIRECTIONS:
            ports[d] = [dict(port=p, packets=c[0], bytes=c[1])
                        for p, c in sorted(self.ports[d].items())]
            binned[d] = []
            for first, last in bins:
                pk = by = 0
                for p in range(first, last + 1):
                    c = self.ports[d].get(p)
                    if c:
                        pk += c[0]
                        by += c[1]
                if pk:
                    binned[d].append(dict(first=first, last=last, packets=pk, bytes=by))
            if ports[d]:
                # max() keeps the first maximum; entries are ascending, so ties go low.
                bp = max(ports[d], key=lambda e: e["packets"])
                bb = max(ports[d], key=lambda e: e["bytes"])
                top[d] = dict(by_packets=dict(port=bp["port"], packets=bp["packets"]),
                              by_bytes=dict(port=bb["port"], bytes=bb["bytes"]))
            else:
                top[d] = None
        iat = {d: [dict(min_ns=0 if k == 0 else 1 << k,
                        max_ns=None if k == IAT_BUCKETS - 1 else (1 << (k + 1)) - 1,
                        packets=n)
                   for k, n in enumerate(self.iat[d]) if n]
               for d in DIRECTIONS}
        return dict(totals=self.totals, protocols=self.protocols,
                    directions=self.directions, ports=ports, bins=binned, top_ports=top,
                    iat=iat, iat_sum_ns=self.iat_sum)


def last_l4(protos):
    """The last transport-level protocol tshark dissected, or None."""
    l4 = None
    for p in protos:
        if p in ("tcp", "udp", "icmp", "icmpv6"):
            l4 = p
    if l4 is None and protos and protos[-1] not in ("ip", "ipv6") \
            and not protos[-1].startswith("ipv6."):
        return protos[-1]	# e.g. "data": an L4 protocol tshark does not know
    return l4


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pcap")
    ap.add_argument("--local-net", action="append", metavar="CIDR",
                    help="a local network (repeatable); replaces the default "
                         + ", ".join(DEFAULT_LOCAL))
    ap.add_argument("--out", help="write the JSON here instead of stdout")
    ap.add_argument("--inner", action="store_true",
                    help="judge tunnelled frames by their innermost packet (portlens's default)")
    ap.add_argument("--list-malformed", action="store_true",
                    help="print the malformed frames and the rule that caught each on stderr")
    a = ap.parse_args()
    if shutil.which("tshark") is None:
        print("truth.py: tshark not found", file=sys.stderr)
        return 2
    global OCC
    OCC = -1 if a.inner else 0
    t = Truth(a.local_net or DEFAULT_LOCAL)
    for r in tshark_rows(a.pcap, inner=a.inner):
        t.add(r)
    if a.list_malformed:
        for n, why in t.malformed_frames:
            print("frame %d: %s" % (n, why), file=sys.stderr)
    text = json.dumps(t.result(default_bins()), indent=1, sort_keys=True) + "\n"
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
