#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check a portlens report against the JSON snapshot of the same run and the capture.

usage: check_report.py REPORT.md SNAPSHOT.json CAPTURE.pcap

Every number of the report's tables is compared with the JSON (totals, average size,
duration, peak interval, protocols, classes, TCP outcomes, QoS, backend pools, top talkers,
the per-port study block); top talkers and backend pools are also recomputed from the
capture itself (per source address, per pool address either way). The four charts must be
well-formed SVG; no card number may appear in full; recommendations must match the
findings. Exits 1 with one line per difference.
"""
import ipaddress
import json
import os
import re
import struct
import sys
import xml.etree.ElementTree as ET

BACKENDS = {"web": "10.1.0.0/24", "api": "10.1.1.0/24", "db": "10.1.2.0/24"}
errors = []


def check(cond, what):
    if not cond:
        errors.append(what)


def table_rows(md, heading):
    """Rows (lists of cells) of the first table after a heading."""
    at = md.find(heading)
    if at < 0:
        errors.append("no section " + heading)
        return []
    rows, started = [], False
    for line in md[at:].splitlines()[1:]:
        if line.startswith("|"):
            started = True
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not set("".join(cells)) <= set("-:"):
                rows.append(cells)
        elif started:
            break
    return rows[1:]  # without the header


def kv(rows):
    return {r[0]: r[1:] for r in rows}


def read_pcap(path):
    """(src, dst, frame length) of each IP packet."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        et, l3 = struct.unpack(">H", frame[12:14])[0], 14
        while et in (0x8100, 0x88A8, 0x9100):
            et, l3 = struct.unpack(">H", frame[l3 + 2:l3 + 4])[0], l3 + 4
        if et == 0x0800:
            yield (ipaddress.ip_address(frame[l3 + 12:l3 + 16]),
                   ipaddress.ip_address(frame[l3 + 16:l3 + 20]), incl)
        elif et == 0x86DD:
            yield (ipaddress.ip_address(frame[l3 + 8:l3 + 24]),
                   ipaddress.ip_address(frame[l3 + 24:l3 + 40]), incl)


def main():
    md_path, json_path, pcap = sys.argv[1:4]
    md = open(md_path).read()
    j = json.load(open(json_path))
    tot = j["totals"]

    vol = kv(table_rows(md, "## Traffic volume"))
    check(vol["Total packets"][0] == str(tot["packets"]), "total packets")
    check(vol["Total bytes"][0].split()[0] == str(tot["bytes"]), "total bytes")
    check(vol["Average packet size"][0] == "%.1f bytes" % (tot["bytes"] / tot["packets"]),
          "average size")
    check(vol["Duration"][0] == "%.3f s" % j["time"]["duration_s"], "duration")
    peak = max(j["intervals"], key=lambda e: e["bytes"])
    check("(%d bytes)" % peak["bytes"] in vol["Peak throughput"][0], "peak interval bytes")
    ival = j["interval_ns"] / 1e9
    check(vol["Peak packet rate"][0] == "%.1f packets/s" %
          (max(e["packets"] for e in j["intervals"]) / ival), "peak packet rate")

    proto = kv(table_rows(md, "## Protocol distribution"))
    for name, key in (("TCP", "tcp"), ("UDP", "udp"), ("IPv4", "ipv4"), ("IPv6", "ipv6"),
                      ("ICMP/ICMPv6", "icmp")):
        check(proto[name][0] == str(j["protocols"][key]), "protocol " + name)

    cls = kv(table_rows(md, "## Port and class analysis"))
    for c in j["classes"]:
        row = cls.get(c["name"])
        check(row is not None, "class row " + c["name"])
        if row:
            check(row[2:4] == [str(c["packets"]), str(c["bytes"])], "class numbers " + c["name"])
            check(row[4] == "%.1f %%" % (100 * c["share"]), "class share " + c["name"])
            check(row[7] == str(c["connections"]), "class connections " + c["name"])

    tcp = kv(table_rows(md, "### Connection health (TCP)"))
    for k, v in j["tcp"].items():
        check(tcp[k][0] == str(v), "tcp " + k)

    qos = kv(table_rows(md, "## QoS results"))
    for name, col in j["qos"].items():
        check(qos[name][:3] == [str(col["green"]), str(col["yellow"]), str(col["red"])],
              "qos " + name)

    # backend pools: the JSON, and the capture (a packet counts once per pool it touches)
    be = kv(table_rows(md, "## Distribution over backend pools"))
    truth = {n: [0, 0] for n in BACKENDS}
    talk = {}
    for src, dst, n in read_pcap(pcap):
        t = talk.setdefault(str(src), [0, 0])
        t[0] += 1
        t[1] += n
        for name, net in BACKENDS.items():
            net = ipaddress.ip_network(net)
            if src.version == 4 and (src in net or dst in net):
                truth[name][0] += 1
                truth[name][1] += n
    for b in j["backends"]:
        check(be[b["name"]][:2] == [str(b["packets"]), str(b["bytes"])], "backend " + b["name"])
        check(truth[b["name"]] == [b["packets"], b["bytes"]],
              "backend %s: json %d/%d, capture %d/%d" % (b["name"], b["packets"], b["bytes"],
                                                          *truth[b["name"]]))

    # top talkers: the JSON and the capture's largest sources by bytes
    tt = table_rows(md, "## Top talkers")
    check(len(tt) == len(j["top_talkers"]) > 0, "top talker rows")
    want = sorted(talk.items(), key=lambda kv_: (-kv_[1][1], -kv_[1][0]))
    for i, (row, t) in enumerate(zip(tt, j["top_talkers"])):
        check(row[1:4] == [t["addr"], str(t["packets"]), str(t["bytes"])], "talker row %d" % i)
        check(talk.get(t["addr"]) == [t["packets"], t["bytes"]],
              "talker %s: capture %s" % (t["addr"], talk.get(t["addr"])))
        check(t["bytes"] == want[i][1][1], "talker %d is not the capture's #%d" % (i, i + 1))
    check(j["talkers"]["distinct"] == len(talk), "distinct sources")

    # per-port study block, recomputed from the per-port counters of the JSON
    st = kv(table_rows(md, "## Per-port study"))
    for col, d in ((0, "in"), (1, "out")):
        ports = j["ports"][d]
        tb = sum(p["bytes"] for p in ports)
        tp = sum(p["packets"] for p in ports)
        mb = max((p["bytes"] for p in ports), default=0)
        mp = max((p["packets"] for p in ports), default=0)
        check(st["Total bytes"][col] == str(tb), d + " total bytes")
        check(st["Total packets"][col] == str(tp), d + " total packets")
        check(st["Max bytes per port"][col] == str(mb), d + " max bytes")
        check(st["Max packets per port"][col] == str(mp), d + " max packets")
        top = j["top_ports"][d]
        check(st["Port with most byte traffic"][col] == str(top["by_bytes"]["port"]),
              d + " top port by bytes")
        check(st["Port with most packet traffic"][col] == str(top["by_packets"]["port"]),
              d + " top port by packets")

    # findings and recommendations
    kinds = {f["kind"] for f in j["findings"]}
    check("**%d security findings**" % len(j["findings"]) in md, "findings count")
    for kind, text in (("rate_limit", "**Rate limiting.**"),
                       ("unauthorized_port", "**Intrusion detection.**"),
                       ("sensitive_data", "**Card data.**")):
        check((kind in kinds) == (text in md), "recommendation %s vs findings" % text)
    check((j["app_protocols"]["pgsql_clear"] > 0) == ("**Database encryption.**" in md),
          "database encryption recommendation")
    check(re.search(r"(?<!\d)\d{13,19}(?!\d)", md) is None, "a card number in full")

    base = md_path[:-3] if md_path.endswith(".md") else md_path
    for d in ("in", "out"):
        for k in ("packets", "bytes"):
            svg = "%s-%s-%s.svg" % (base, d, k)
            check(os.path.exists(svg), "missing " + svg)
            check("(%s)" % os.path.basename(svg) in md, "report does not show " + svg)
            try:
                root = ET.parse(svg).getroot()
                check(root.tag == "{http://www.w3.org/2000/svg}svg", svg + ": not svg")
                check(len(root.findall(".//{http://www.w3.org/2000/svg}rect")) > 1,
                      svg + ": no bars")
            except ET.ParseError as e:
                errors.append("%s: %s" % (svg, e))

    for e in errors:
        print("check_report: " + e)
    if not errors:
        print("check_report: %s agrees with %s and the capture" % (md_path, json_path))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
