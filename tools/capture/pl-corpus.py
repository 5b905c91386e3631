#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Run portlens over captures made elsewhere and compare it with tshark, capture by capture.

For each capture it finds the link type(s) from the file header (pcap) or the interface
description blocks (pcapng), asks capinfos whether libpcap/wiretap reads the file, runs
portlens on it offline (once as configured by default, once with --no-decap, each writing its
final JSON snapshot), and for a capture portlens analysed compares the IP-level counts of the
--no-decap snapshot with tshark's count of the same frames. It prints one line per capture, then
a table by verdict and link type.

Verdicts:
  analysed-match   analysed (exit 0) and every IP-level count equals tshark's
  analysed-diff    analysed, some count differs (each shown as name portlens/tshark); where a
                   documented portlens definition accounts for the whole difference the line
                   says which (`explained: ...`), else `unexplained`
  refused-ok       exit 2 in one or two stderr lines, and the refusal was expected: a link type
                   portlens does not read, a format it does not read, or a file libpcap/wiretap
                   also finds damaged
  refused-too-many-lines  exit 2 with more than two stderr lines
  crash            killed by a signal, or an exit status other than 0, 1 and 2
  wrong-exit       analysed where a refusal was due (unlisted link type), refused where the
                   link type is listed and wiretap reads the whole file, or exit 1

The exit status is 1 when any capture is crash, refused-too-many-lines or wrong-exit.

Like for like. tshark runs with a private configuration directory in which every protocol
above L4 and every tunnel is disabled (the approach of tests/integration/truth.py), with
reassembly off, and the comparison uses portlens --no-decap, which analyses a tunnel by its
outer headers as tshark then does. A frame counts for tshark as IPv4/IPv6 when the first
network layer after the link layer (Ethernet, VLAN/802.1ad, Linux cooked, NULL/LOOP, raw IP)
is IP; its L4 protocol is the layer right after that IP header (after IPv6 extension headers):
tcp, udp, icmp/icmpv6 (both `icmp`), anything else `other`. IPv4/IPv6 fragments (first and
later) count in ipv4/ipv6 but not by L4, as portlens counts them (DESIGN.md).

Known definition differences, named on the lines they explain:
  malformed   portlens counts a frame whose headers cannot be parsed only in packets and
              malformed (DESIGN.md); tshark may still show its IP or L4 layer. When portlens
              counts fewer than tshark, its malformed frames cover the whole shortfall, and so
              do the IP frames tshark itself finds broken (`_ws.malformed` or an expert error),
              warns about (a length beyond the frame) or marks as ending inside a header
              (`_ws.short`: the capture kept less than the headers; portlens counts such a
              frame malformed, `*_truncated`), the line says `explained:
              malformed` with portlens's reasons and those numbers; a shortfall they do not
              cover is `unexplained`.
  version     a LINKTYPE_IPV6 (229) record holding an IPv4 packet: portlens reads the version
              nibble, as tcpdump does (and tshark for LINKTYPE_IPV4 holding IPv6); tshark
              calls it a bogus IPv6 version and shows no IP layer.
A record cut by the capture's snapshot length is read at its length on the wire, by portlens
as by tshark: it explains nothing (the count of such frames is shown, not used).

usage: pl-corpus.py PORTLENS CAPTURE_OR_FOLDER... [--tshark-timeout S] [--json-out FILE]
  a folder stands for its files named *.pcap, *.pcapng or *.cap (.gz, .zst), in name order;
  --json-out writes every capture's record (link types, exit, stderr, counts, verdict).
"""

import argparse
import collections
import gzip
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile

# tshark's private configuration comes from the integration tests' truth.py
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "integration"))
import truth  # noqa: E402

LISTED = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276}
KEEP_PROTOCOLS = re.compile(
    r"^(frame|eth|ethertype|vlan|ieee8021ad|sll|null|raw|ip|ipv6|tcp|udp|icmp|icmpv6|data|_ws)"
    r"(\..*)?$")
# Layers that may come before the first IP header of a frame portlens reads as IP.
LINK_LAYERS = {"frame", "eth", "ethertype", "vlan", "ieee8021ad", "sll", "null", "raw"}
COUNTS = ["packets", "ipv4", "ipv6", "tcp", "udp", "icmp", "other", "fragments"]
SEVERE = {"crash", "refused-too-many-lines", "wrong-exit"}
FIELDS = ["frame.protocols", "ip.proto", "frame.len", "frame.cap_len", "ip.flags.mf",
          "ip.frag_offset", "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "_ws.expert.severity",
          "_ws.expert.message", "_ws.short", "_ws.malformed"]	# last: any text but a tab
# _ws.expert.severity of an error (PI_ERROR) and a warning (PI_WARN): tshark found the packet
# broken, or a length in it beyond what the frame holds (IPv6 payload length, for one).
PI_ERROR = 0x00800000
PI_WARN = 0x00600000


def read_head(path, n=1 << 20):
    """The first n bytes of path, decompressed when gzip or zstd; b"" when unreadable."""
    try:
        with open(path, "rb") as f:
            head = f.read(n)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as f:
                return f.read(n)
        if head[:4] == b"\x28\xb5\x2f\xfd" and shutil.which("zstd"):
            return subprocess.run(["zstd", "-dc", path], capture_output=True).stdout[:n]
        return head
    except (OSError, EOFError, gzip.BadGzipFile):
        return b""


def link_types(path):
    """(format, sorted link types) read from the capture's header(s); format is pcap,
    pcap-modified, pcapng or unknown."""
    b = read_head(path)
    if len(b) >= 24 and b[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1",
                                   b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d",
                                   b"\x34\xcd\xb2\xa1", b"\xa1\xb2\xcd\x34"):
        e = "<" if b[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\x34\xcd\xb2\xa1") else ">"
        fmt = "pcap-modified" if b[:4] in (b"\x34\xcd\xb2\xa1", b"\xa1\xb2\xcd\x34") else "pcap"
        return fmt, [struct.unpack(e + "I", b[20:24])[0] & 0x03FFFFFF]
    if len(b) >= 12 and b[:4] == b"\x0a\x0d\x0d\x0a":
        lts, pos, e = set(), 0, "<"
        while pos + 12 <= len(b):
            btype = struct.unpack("<I", b[pos:pos + 4])[0]
            if btype == 0x0A0D0D0A:
                e = "<" if b[pos + 8:pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            blen = struct.unpack(e + "I", b[pos + 4:pos + 8])[0]
            if btype == 1 and pos + 10 <= len(b):
                lts.add(struct.unpack(e + "H", b[pos + 8:pos + 10])[0])
            if blen < 12 or blen % 4:
                break
            pos += blen
        return "pcapng", sorted(lts)
    return "unknown", []


def capinfos(path):
    """(readable, encapsulation text, message): whether wiretap reads the whole file."""
    p = subprocess.run(["capinfos", "-T", "-m", "-E", "-c", path], capture_output=True,
                       text=True, errors="replace")
    encap = ""
    rows = p.stdout.splitlines()
    if len(rows) >= 2:
        cols = rows[1].split(",")
        encap = cols[1] if len(cols) > 1 else ""
    msg = " ".join(p.stderr.split())[:160]
    return p.returncode == 0 and not p.stderr.strip(), encap, msg


def first(s):
    return s.split(",")[0] if s else ""


def tshark_counts(path, cfg, timeout):
    """tshark's view of the capture as a dict of COUNTS plus `snapcut` (records captured
    shorter than they were), or None with a message when tshark fails."""
    cmd = ["tshark", "-r", path, "-n",
           "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
           "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "tcp.analyze_sequence_numbers:FALSE",
           "-o", "ip.tso_support:TRUE",
           "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                           env=dict(os.environ, WIRESHARK_CONFIG_DIR=cfg), timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "tshark timed out"
    c = collections.Counter({k: 0 for k in COUNTS})
    c["snapcut"] = c["short"] = c["flagged"] = c["warned"] = c["bogus"] = 0
    for line in p.stdout.splitlines():
        v = dict(zip(FIELDS, line.split("\t", len(FIELDS) - 1) + [""] * len(FIELDS)))
        c["packets"] += 1
        if "Bogus IPv6 version" in v["_ws.expert.message"] \
                or "Bogus IP version" in v["_ws.expert.message"]:
            c["bogus"] += 1
        protos = v["frame.protocols"].split(":")
        i = next((k for k, x in enumerate(protos) if x in ("ip", "ipv6")), None)
        if i is None or any(x not in LINK_LAYERS for x in protos[:i]):
            continue
        # an IP frame tshark finds broken or warns about: where portlens counting it
        # malformed is the documented definition, not a disagreement. A frame cut by the
        # snapshot length is no excuse (portlens reads it at its length on the wire, as
        # tshark does): it is counted only to be shown.
        if v["frame.cap_len"] and v["frame.len"] and int(v["frame.cap_len"]) < int(v["frame.len"]):
            c["snapcut"] += 1
        sev = {int(x, 0) for x in v["_ws.expert.severity"].split(",") if x}
        if v["_ws.short"]:
            # the capture ends inside a header ("Packet size limited during capture"):
            # tshark counts the layers it began, portlens needs the headers it reads whole
            c["short"] += 1
        elif v["_ws.malformed"] or PI_ERROR in sev:
            c["flagged"] += 1
        elif PI_WARN in sev:
            c["warned"] += 1
        if protos[i] == "ip" and protos[i + 1:i + 2] == ["ipv6"] and not v["ip.proto"]:
            i += 1	# an IPv6 packet the IPv4 dissector handed on by its version nibble
        net = protos[i]
        c["ipv4" if net == "ip" else "ipv6"] += 1
        rest = [x for x in protos[i + 1:] if not x.startswith("ipv6.")]
        if net == "ip":
            frag = first(v["ip.flags.mf"]) in ("1", "True") \
                or first(v["ip.frag_offset"]) not in ("", "0")
        else:
            chain = []
            for x in protos[i + 1:]:
                if not x.startswith("ipv6."):
                    break
                chain.append(x)
            frag = "ipv6.fraghdr" in chain and (
                first(v["ipv6.fraghdr.offset"]) not in ("", "0")
                or first(v["ipv6.fraghdr.more"]) in ("1", "True"))
        if frag:
            c["fragments"] += 1
            continue
        l4 = rest[0] if rest else ""
        c[{"tcp": "tcp", "udp": "udp", "icmp": "icmp", "icmpv6": "icmp"}.get(l4, "other")] += 1
    if p.returncode != 0 and c["packets"] == 0:
        return None, " ".join(p.stderr.split())[:160]
    return c, " ".join(p.stderr.split())[:160]


def run_portlens(binary, path, extra, json_path):
    """(exit status or None, signal or None, stderr lines, snapshot dict or None)."""
    if os.path.exists(json_path):
        os.unlink(json_path)
    cmd = [binary, "--pcap", path, "--json", json_path, "--no-summary", "--no-progress"] + extra
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=300)
    except subprocess.TimeoutExpired:
        return None, "timeout", ["(killed after 300 s)"], None
    if p.returncode >= 0:
        rc, sig = p.returncode, None
    else:
        rc, sig = None, signal.Signals(-p.returncode).name
    snap = None
    if rc == 0 and os.path.exists(json_path):
        with open(json_path) as f:
            snap = json.load(f)
    return rc, sig, p.stderr.splitlines(), snap


def portlens_counts(snap):
    t, pr = snap["totals"], snap["protocols"]
    return {"packets": t["packets"], "ipv4": pr["ipv4"], "ipv6": pr["ipv6"], "tcp": pr["tcp"],
            "udp": pr["udp"], "icmp": pr["icmp"], "other": pr["other"],
            "fragments": t.get("fragments", 0)}


def explain(pl, ts, snap):
    """Why pl differs from ts, if a documented definition accounts for all of it, else
    'unexplained' and what is left."""
    mal = snap["totals"].get("malformed", 0)
    excess = (pl["ipv4"] + pl["ipv6"]) - (ts["ipv4"] + ts["ipv6"])
    if ts["bogus"] and pl["packets"] == ts["packets"] and 0 < excess <= ts["bogus"]:
        return "explained: version nibble: %d records whose IP version is not their link " \
               "type's; portlens (and tcpdump) read them by their version, tshark calls the " \
               "version bogus" % ts["bogus"]
    short_ip = (ts["ipv4"] + ts["ipv6"]) - (pl["ipv4"] + pl["ipv6"])
    shorts = [ts[k] - pl[k] for k in COUNTS if k != "packets"]
    if pl["packets"] == ts["packets"] and all(s >= 0 for s in shorts) and mal > 0 \
            and short_ip <= mal and max(shorts) <= mal:
        reasons = snap.get("malformed_reasons") or {}
        r = ",".join("%s=%s" % (k, v) for k, v in sorted(reasons.items()) if v)
        cover = ts["flagged"] + ts["warned"] + ts["short"]
        why = "malformed (%s); of tshark's IP frames %d are broken for tshark too, %d draw " \
              "a tshark warning, %d end inside a header (%d were cut by the snapshot " \
              "length)" % (r, ts["flagged"], ts["warned"], ts["short"], ts["snapcut"])
        if short_ip <= cover and max(shorts) <= cover:
            return "explained: " + why
        return "unexplained: " + why
    return "unexplained"


def captures(args):
    for a in args:
        if os.path.isdir(a):
            for n in sorted(os.listdir(a)):
                p = os.path.join(a, n)
                if os.path.isfile(p) and re.search(r"\.(pcap|pcapng|cap)(\.gz|\.zst)?$", n):
                    yield p
        else:
            yield a


def judge(binary, path, cfg, work, timeout):
    """One capture's verdict line fields."""
    fmt, lts = link_types(path)
    ok_wiretap, encap, wmsg = capinfos(path)
    listed = bool(lts) and all(lt in LISTED for lt in lts)
    rec = {"file": os.path.basename(path), "format": fmt, "linktypes": lts, "encap": encap,
           "wiretap_ok": ok_wiretap, "wiretap_msg": wmsg}
    rc, sig, err, snap = run_portlens(binary, path, [], os.path.join(work, "d.json"))
    rec.update(rc=rc, signal=sig, stderr_lines=len(err), stderr=" | ".join(err)[:300])
    if sig is not None or rc not in (0, 1, 2):
        rec["verdict"] = "crash"
        return rec
    if rc == 2:
        if len(err) > 2:
            rec["verdict"] = "refused-too-many-lines"
        elif listed and fmt in ("pcap", "pcapng") and ok_wiretap:
            rec["verdict"] = "wrong-exit"
            rec["note"] = "listed link type, wiretap reads the file, portlens refused"
        else:
            rec["verdict"] = "refused-ok"
        return rec
    if rc == 1:
        rec["verdict"] = "wrong-exit"
        return rec
    if not listed:
        rec["verdict"] = "wrong-exit"
        rec["note"] = "unlisted link type analysed"
        return rec
    encap_pkts = sum(v["packets"] for v in (snap.get("encap") or {}).values())
    rc2, sig2, err2, snap2 = run_portlens(binary, path, ["--no-decap"],
                                          os.path.join(work, "n.json"))
    if sig2 is not None or rc2 != 0:
        rec["verdict"] = "crash" if sig2 else "wrong-exit"
        rec["note"] = "--no-decap run: exit %s signal %s: %s" % (rc2, sig2, " | ".join(err2)[:200])
        return rec
    ts, tmsg = tshark_counts(path, cfg, timeout)
    if ts is None:
        rec["verdict"] = "analysed-diff"
        rec["note"] = "unexplained: tshark gave no frames (%s)" % tmsg
        return rec
    pl = portlens_counts(snap2)
    diffs = {k: (pl[k], ts[k]) for k in COUNTS if pl[k] != ts[k]}
    rec["encap_decapsulated"] = encap_pkts
    rec["counts"] = pl
    if not diffs:
        rec["verdict"] = "analysed-match"
        if encap_pkts:
            rec["note"] = "tunnels: %d frames decapsulated by default; compared with --no-decap" \
                % encap_pkts
        return rec
    rec["verdict"] = "analysed-diff"
    rec["diffs"] = diffs
    rec["note"] = explain(pl, ts, snap2)
    return rec


def line(rec):
    lt = ",".join(str(x) for x in rec["linktypes"]) or "?"
    s = "%-24s %-48s lt=%s %s" % (rec["verdict"], rec["file"], lt, rec["format"])
    if rec["verdict"] in ("refused-ok", "refused-too-many-lines", "wrong-exit", "crash"):
        s += " rc=%s sig=%s lines=%d wiretap=%s" % (rec["rc"], rec["signal"], rec["stderr_lines"],
                                                    "ok" if rec["wiretap_ok"] else "refuses")
    if rec.get("diffs"):
        s += " " + " ".join("%s=%d/%d" % (k, a, b) for k, (a, b) in rec["diffs"].items())
    if rec.get("note"):
        s += " -- " + rec["note"]
    if rec["verdict"] != "analysed-match" and rec.get("stderr"):
        s += " :: " + rec["stderr"]
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("portlens")
    ap.add_argument("captures", nargs="+")
    ap.add_argument("--tshark-timeout", type=float, default=300)
    ap.add_argument("--json-out", help="write every capture's record to this file")
    a = ap.parse_args()
    for tool in ("tshark", "capinfos"):
        if shutil.which(tool) is None:
            sys.exit("pl-corpus.py: %s not found" % tool)
    # application layers (whose dissectors could flag payload malformed) and tunnels disabled
    cfg = truth.tshark_config_dir(keep=KEEP_PROTOCOLS)
    work = tempfile.mkdtemp(prefix="pl-corpus.")
    recs = []
    try:
        for path in captures(a.captures):
            rec = judge(a.portlens, path, cfg, work, a.tshark_timeout)
            recs.append(rec)
            print(line(rec), flush=True)
    finally:
        shutil.rmtree(cfg, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    table = collections.Counter()
    for r in recs:
        v = r["verdict"]
        if v == "analysed-diff":
            v += " (explained)" if r["note"].startswith("explained") else " (unexplained)"
        for lt in r["linktypes"] or ["?"]:
            table[(v, lt)] += 1
    lts = sorted({lt for _, lt in table}, key=lambda x: (isinstance(x, str), x))
    verdicts = sorted({v for v, _ in table})
    print("\n%-34s %s %6s" % ("verdict \\ link type", " ".join("%5s" % x for x in lts), "files"))
    for v in verdicts:
        n = sum(1 for r in recs if (r["verdict"] + ("" if r["verdict"] != "analysed-diff" else
                (" (explained)" if r["note"].startswith("explained") else " (unexplained)"))) == v)
        print("%-34s %s %6d" % (v, " ".join("%5d" % table[(v, x)] for x in lts), n))
    print("%-34s %s %6d" % ("files", " ".join("%5d" % sum(table[(v, x)] for v in verdicts)
                                                 for x in lts), len(recs)))
    print("(a pcapng file with several link types counts once under each)")
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(recs, f, indent=1, default=str)
    return 1 if any(r["verdict"] in SEVERE for r in recs) else 0


if __name__ == "__main__":
    sys.exit(main())
