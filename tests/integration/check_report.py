#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check a portlens report against the JSON snapshot of the same run and the capture.

usage: check_report.py REPORT.md SNAPSHOT.json CAPTURE.pcap [--backends]

Every number of the report's tables is compared with the JSON (totals, average size,
duration, peak interval, protocols, classes, TCP outcomes, QoS, backend pools, top talkers,
the per-port study block, outgoing traffic by local service port, frame sizes, inter-arrival
gaps); top talkers (and, with --backends, the pools of test_report.sh's configuration) are
also recomputed from the capture itself. The report must not contradict itself: the capture
window is the JSON's first and last packet times; failed = rejected + unanswered wherever it
is stated; resets after establishment and in the handshake are stated apart and are never
called failures; each connection table adds up to its total and its shares to 100 %; a
"connection failures" recommendation (the one about capacity) appears exactly when failed
attempts are above 5 %. Numbers are read with their thousands separators and units. The
seven charts must be well-formed SVG; no card number may appear in full; recommendations
must match the findings. Exits 1 with one line per difference.
"""
import ipaddress
import json
import os
import re
import struct
import sys
import time
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


def num(cell):
    """The leading number of a cell, without thousands separators or unit ("1,234 B")."""
    m = re.match(r"^-?[\d,]+(\.\d+)?", cell.strip())
    if not m:
        errors.append("not a number: %r" % cell)
        return None
    t = m.group(0).replace(",", "")
    return float(t) if "." in t else int(t)


def grouped(n):
    """n as the report writes it: 1234567 -> "1,234,567"."""
    return "{:,}".format(n)


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
        if len(frame) < 34:
            continue
        et, l3 = struct.unpack(">H", frame[12:14])[0], 14
        while et in (0x8100, 0x88A8, 0x9100):
            et, l3 = struct.unpack(">H", frame[l3 + 2:l3 + 4])[0], l3 + 4
        if et == 0x0800 and len(frame) >= l3 + 20:
            yield (ipaddress.ip_address(frame[l3 + 12:l3 + 16]),
                   ipaddress.ip_address(frame[l3 + 16:l3 + 20]), incl)
        elif et == 0x86DD and len(frame) >= l3 + 40:
            yield (ipaddress.ip_address(frame[l3 + 8:l3 + 24]),
                   ipaddress.ip_address(frame[l3 + 24:l3 + 40]), incl)


def share_rows(rows, total, what):
    """A connection table: its rows add up to the total row, and their shares to 100 %."""
    body = [r for r in rows if not r[0].startswith("**")]
    tot = [r for r in rows if r[0].startswith("**")]
    check(len(tot) == 1 and num(tot[0][1]) == total, what + ": total row")
    check(sum(num(r[1]) for r in body) == total, what + ": rows do not add up to %d" % total)
    if total:
        s = sum(num(r[2]) for r in body)
        check(abs(s - 100.0) <= 0.05 * len(body) + 1e-9,
              what + ": shares add up to %.1f %%" % s)
    return {r[0]: num(r[1]) for r in body}


def check_tcp(md, j):
    """The TCP numbers, everywhere the report states them, by one set of definitions."""
    t = j["tcp"]
    failed = t["rejected"] + t["unanswered"]
    att, est = t["attempted"], t["established"]
    summary = md.split("## Executive summary")[1].split("##")[0]
    if att:
        want = ("**TCP:** %s connection attempts: %s established (%.1f %%), %s failed "
                "(%.1f %%: %s rejected, %s unanswered)" %
                (grouped(att), grouped(est), 100.0 * est / att, grouped(failed),
                 100.0 * failed / att, grouped(t["rejected"]), grouped(t["unanswered"])))
        check(want in summary, "summary TCP line: want %r" % want)
        check("%s closed and %s reset after establishment" % (grouped(t["closed"]),
                                                             grouped(t["reset"])) in summary,
              "summary: resets after establishment")
        check(("%s reset by their initiator in the handshake" %
               grouped(t["reset_in_handshake"]) in summary) == (t["reset_in_handshake"] > 0),
              "summary: resets in the handshake")
    check("failed or reset" not in md, "resets counted with failures")
    ind = kv(table_rows(md, "## Security analysis"))
    check(ind["Failed connections (rejected + unanswered)"][0].startswith(
          "%s of %s attempts" % (grouped(failed), grouped(att))), "failed indicator")
    check(ind["Resets after establishment"][0].startswith(
          "%s of %s established" % (grouped(t["reset"]), grouped(est))), "reset indicator")
    check(ind["Resets by the initiator in the handshake"][0].startswith(
          "%s of %s attempts" % (grouped(t["reset_in_handshake"]), grouped(att))),
          "handshake reset indicator")
    health = md.split("### Connection health (TCP)")[1]
    a = share_rows(table_rows(health, "Each connection attempt"), att, "attempts table")
    check(a.get("Established (handshake completed)") == est and
          a.get("Failed: rejected (answered by RST)") == t["rejected"] and
          a.get("Failed: unanswered (no SYN-ACK or RST in time)") == t["unanswered"] and
          a.get("Reset by the initiator in the handshake") == t["reset_in_handshake"],
          "attempts table rows")
    e = share_rows(table_rows(health, "Each established connection"), est, "established table")
    check(e.get("Closed (FIN from both sides)") == t["closed"] and
          e.get("Reset after establishment (RST from either side)") == t["reset"] and
          e.get("Still open at the snapshot") == t["active"], "established table rows")
    rec = md.split("## Recommendations")[1]
    over = att and 100.0 * failed / att > 5.0
    check(("**Connection failures.**" in rec) == bool(over),
          "connection failures recommendation vs %d failed of %d" % (failed, att))
    check(("capacity to answer" in rec) == bool(over), "capacity advice without failures")
    rs = est and 100.0 * t["reset"] / est > 5.0
    check(("**Resets after establishment.**" in rec) == bool(rs), "resets recommendation")
    for para in rec.split("\n"):
        if "Resets after establishment" in para or "Aborted handshakes" in para:
            check("capacity" not in para and "failed" not in para,
                  "resets described as failures: " + para[:80])


def main():
    backends = "--backends" in sys.argv
    md_path, json_path, pcap = [a for a in sys.argv[1:] if a != "--backends"][:3]
    md = open(md_path).read()
    j = json.load(open(json_path))
    tot = j["totals"]

    # the capture window and the inputs, in the header
    t0, t1 = j["time"]["first_ns"], j["time"]["last_ns"]

    def utc(ns):
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ns // 10**9)) + \
            ".%06d UTC" % (ns % 10**9 // 1000)
    check("- **Capture window:** %s to %s (%s s)" % (utc(t0), utc(t1),
                                                    "{:,.3f}".format((t1 - t0) / 1e9)) in md,
          "capture window is not the JSON's first and last packet times")
    for f in j.get("inputs", []):
        check("`%s`" % f in md.split("## Executive summary")[0], "input %s not named" % f)

    vol = kv(table_rows(md, "## Traffic volume"))
    check(vol["Total packets"][0] == grouped(tot["packets"]) + " packets", "total packets")
    check(vol["Total bytes"][0].startswith(grouped(tot["bytes"]) + " B ("), "total bytes")
    check(vol["Average packet size"][0] == "{:,.1f} B".format(tot["bytes"] / tot["packets"]),
          "average size")
    check(vol["Duration"][0] == "{:,.3f} s".format(j["time"]["duration_s"]), "duration")
    peak = max(j["intervals"], key=lambda e: e["bytes"])
    check("(%s B)" % grouped(peak["bytes"]) in vol["Peak throughput"][0], "peak interval bytes")
    ival = j["interval_ns"] / 1e9
    check(vol["Peak packet rate"][0] == "{:,.1f} packets/s".format(
          max(e["packets"] for e in j["intervals"]) / ival), "peak packet rate")

    proto = kv(table_rows(md, "## Protocol distribution"))
    for name, key in (("TCP", "tcp"), ("UDP", "udp"), ("IPv4", "ipv4"), ("IPv6", "ipv6"),
                      ("ICMP/ICMPv6", "icmp")):
        check(num(proto[name][0]) == j["protocols"][key], "protocol " + name)

    cls = kv(table_rows(md, "## Port and class analysis"))
    for c in j["classes"]:
        row = cls.get(c["name"])
        check(row is not None, "class row " + c["name"])
        if row:
            check([num(x) for x in row[2:4]] == [c["packets"], c["bytes"]],
                  "class numbers " + c["name"])
            check(row[4] == "%.1f %%" % (100 * c["share"]), "class share " + c["name"])
            check(num(row[7]) == c["connections"], "class connections " + c["name"])

    check_tcp(md, j)

    qos = kv(table_rows(md, "## QoS results"))
    for name, col in j["qos"].items():
        check([num(x) for x in qos[name][:3]] == [col["green"], col["yellow"], col["red"]],
              "qos " + name)

    # backend pools: the JSON, and the capture (a packet counts once per pool it touches)
    talk = {}
    truth = {n: [0, 0] for n in BACKENDS}
    for src, dst, n in read_pcap(pcap):
        t = talk.setdefault(str(src), [0, 0])
        t[0] += 1
        t[1] += n
        for name, net in BACKENDS.items():
            net = ipaddress.ip_network(net)
            if src.version == 4 and (src in net or dst in net):
                truth[name][0] += 1
                truth[name][1] += n
    if backends:
        be = kv(table_rows(md, "## Distribution over backend pools"))
        for b in j["backends"]:
            check([num(x) for x in be[b["name"]][:2]] == [b["packets"], b["bytes"]],
                  "backend " + b["name"])
            check(truth[b["name"]] == [b["packets"], b["bytes"]],
                  "backend %s: json %d/%d, capture %d/%d" % (b["name"], b["packets"],
                                                              b["bytes"], *truth[b["name"]]))

    # top talkers: the JSON, and (when no frame is malformed: this reader does not parse
    # like portlens) the capture's largest sources by bytes
    tt = table_rows(md, "## Top talkers")
    check(len(tt) == len(j["top_talkers"]) > 0, "top talker rows")
    exact = tot["malformed"] == 0
    want = sorted(talk.items(), key=lambda kv_: (-kv_[1][1], -kv_[1][0]))
    for i, (row, t) in enumerate(zip(tt, j["top_talkers"])):
        check(row[1] == t["addr"] and [num(x) for x in row[2:4]] == [t["packets"], t["bytes"]],
              "talker row %d" % i)
        check(not exact or talk.get(t["addr"]) == [t["packets"], t["bytes"]],
              "talker %s: capture %s" % (t["addr"], talk.get(t["addr"])))
        check(not exact or t["bytes"] == want[i][1][1],
              "talker %d is not the capture's #%d" % (i, i + 1))
    check(not exact or j["talkers"]["distinct"] == len(talk), "distinct sources")

    # per-port study block, recomputed from the per-port counters of the JSON
    st = kv(table_rows(md, "## Per-port study"))
    for col, d in ((0, "in"), (1, "out")):
        ports = j["ports"][d]
        tb = sum(p["bytes"] for p in ports)
        tp = sum(p["packets"] for p in ports)
        mb = max((p["bytes"] for p in ports), default=0)
        mp = max((p["packets"] for p in ports), default=0)
        check(num(st["Total bytes"][col]) == tb, d + " total bytes")
        check(num(st["Total packets"][col]) == tp, d + " total packets")
        check(num(st["Max bytes per port"][col]) == mb, d + " max bytes")
        check(num(st["Max packets per port"][col]) == mp, d + " max packets")
        top = j["top_ports"][d]
        check(st["Port with most byte traffic"][col] == str(top["by_bytes"]["port"] if
              top["by_bytes"]["port"] is not None else "-"), d + " top port by bytes")
        check(st["Port with most packet traffic"][col] == str(top["by_packets"]["port"] if
              top["by_packets"]["port"] is not None else "-"), d + " top port by packets")
    svc = j["service_ports"]["out"]
    best = max(svc, key=lambda p: (p["bytes"], -p["port"]), default=None)
    check(st["Local service port with most byte traffic (answers)"][1] ==
          (str(best["port"]) if best else "-"), "service port with most bytes")
    check("Top destination ports" not in md, "outgoing ports called top ports")
    svc_rows = table_rows(md, "Outgoing traffic by local service port")
    for row, p in zip(svc_rows, sorted(svc, key=lambda p: (-p["bytes"], p["port"]))[:10]):
        check(row[0] == str(p["port"]) and [num(x) for x in row[1:3]] ==
              [p["packets"], p["bytes"]], "service port row %s" % row)

    # frame sizes and inter-arrival gaps
    sz = table_rows(md, "Frame sizes on the wire")
    check(len(sz) == len(j["sizes"]) == 7, "frame size rows")
    for row, b in zip(sz, j["sizes"]):
        check("`%s`" % b["name"] in row[0] and num(row[1]) == b["packets"],
              "frame size row " + b["name"])
    check(sum(b["packets"] for b in j["sizes"]) == j["balance"]["received"],
          "sizes add up to the frames received")
    gaps = kv(table_rows(md, "Inter-arrival times between"))
    for d, a in j["iat"].items():
        check(num(gaps[d][0]) == sum(e["packets"] for e in a), "gaps " + d)

    # findings and recommendations
    kinds = {f["kind"] for f in j["findings"]}
    check(not j["findings"] or "**%s security finding" % grouped(len(j["findings"])) in md,
          "findings count")
    for kind, text in (("rate_limit", "**Rate limiting.**"),
                       ("unauthorized_port", "**Intrusion detection.**"),
                       ("sensitive_data", "**Card data.**")):
        check((kind in kinds) == (text in md), "recommendation %s vs findings" % text)
    check((j["app_protocols"]["pgsql_clear"] > 0) == ("**Database encryption.**" in md),
          "database encryption recommendation")
    check(re.search(r"(?<!\d)\d{13,19}(?!\d)", md) is None, "a card number in full")

    base = md_path[:-3] if md_path.endswith(".md") else md_path
    charts = ["%s-%s" % (d, k) for d in ("in", "out") for k in ("packets", "bytes")]
    for name in charts + ["intervals", "sizes", "iat"]:
        svg = "%s-%s.svg" % (base, name)
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
