#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Independent truth for service classes, TCP outcomes and policy findings of a capture.

The companion of truth.py: every number comes from tshark's dissection of the capture (ports,
addresses, TCP flags, timestamps, the payload bytes as hex, tshark's own HTTP dissector), with
the definitions of DESIGN.md and the default configuration (lib/config/pl_config.h) applied in
Python. Nothing here knows how the capture was made. Frames are sorted into malformed,
fragments and whole TCP/UDP packets by truth.py's rules (imported), so both truths agree on
which packets count.

Definitions (the default configuration; --config-defaults names it, and it is the only one):

  classes      https tcp/443, api tcp/8080, db tcp/5432, http tcp/80, dns tcp+udp/53,
               ssh tcp/22. A non-fragment TCP/UDP packet belongs to the class of its
               destination port if that port (for its protocol) has a class, else to the class
               of its source port. packets and bytes (frame.len) per class. connections = TCP
               connection attempts classified by the SYN's ports, plus UDP flows (classified
               by their first packet): a flow is the packets of one canonical 5-tuple; a
               packet that comes 60 s (udp_idle) or more after the tuple's previous one
               starts a new flow, which is a new connection.
  tcp          per canonical 5-tuple, a connection starts with a SYN without ACK when none is
               open on the tuple (no record, or the previous one finished: closed, reset,
               rejected or unanswered); a SYN from the initiator while the attempt waits is a
               retransmission. attempted: such SYNs. established: SYN, SYN-ACK from the
               responder, then an ACK from the initiator. rejected: RST from the responder
               before established. unanswered: no SYN-ACK or RST within 5 s of packet time
               after the (first) SYN, or before the end of the capture. closed: FIN seen from
               both sides after established. reset: established (not closed), then RST from
               either side. reset_in_handshake: RST from the initiator before established.
               Packets of a tuple with no SYN seen count for no outcome.
               Also given: active = established - closed - reset (open at the end), and
               time_wait = tuples whose latest connection closed within 60 s of the last
               frame's time (a new SYN on a tuple in TIME_WAIT takes it out of TIME_WAIT).
  flows        created: distinct canonical 5-tuples of non-fragment TCP/UDP/other packets
               (a lower bound: portlens creates a flow again when ageing forgot it).
  findings     (kind, src, dst, port):
    unauthorized_port  a connection attempt (TCP SYN as above, or the first packet of a UDP
                       flow as above) whose destination is local (RFC 1918, fc00::/7) and whose
                       destination port is not in {53, 80, 443, 5432, 8080}:
                       (src, dst, dport). Except a UDP flow whose first packet comes from
                       an allowed port: a reply whose request was not seen, no attempt.
    unencrypted        a cleartext HTTP request (tshark http.request, or a TCP payload that
                       starts with an HTTP method and a space) -> (src, dst, dport); an HTTP
                       response (http.response, or a payload starting "HTTP/1.") ->
                       (dst, src, sport), i.e. always (client, server, server port). And a
                       PostgreSQL StartupMessage (int32 length == the payload length, int32
                       protocol 3.0 = 0x00030000) from a client on a TCP connection on which
                       no SSLRequest (length 8, code 80877103) was seen, in a class that
                       requires encryption (db on 5432, https on 443) -> (src, dst, dport).
                       Cleartext PostgreSQL elsewhere is no finding: the rule is "cleartext
                       where encryption is required, or cleartext HTTP".
    sensitive_data     a Luhn-valid card number in cleartext payload: a maximal sequence of
                       digits, consecutive digits optionally separated by one space or one
                       dash, holding 13 to 19 digits in all -> (src, dst, dport of that
                       direction). TCP: each direction's payload is put together in sequence
                       order (docs/configuration.md, "How flows are scanned"): it starts at
                       its first segment with data; a segment wholly before the next expected
                       byte adds nothing, one overlapping it adds what is new, one beyond it
                       (a gap) ends the direction; only the first 65536 bytes (scan.budget)
                       count; FIN ends the direction, RST both. A card run that ends at the
                       last byte counts only when the direction ended that way (not when the
                       capture ends first). Not cleartext, and nothing more of the connection
                       is looked at: from a segment that starts with a TLS record header (type
                       20-23, version 3.x) at the next expected byte, and after a direction's
                       data starts with an SSH banner ("SSH-1." / "SSH-2.") or a PostgreSQL
                       SSLRequest/GSSENCRequest. A new connection on a tuple starts afresh.
                       UDP: each datagram on its own, its first 65536 - B bytes where B is the
                       IP bytes of the flow's earlier datagrams in that direction; none
                       once B reaches 65536; a datagram starting with a TLS record header is
                       skipped.
    rate_limit         a source whose new-connection attempts (TCP attempts as above and UDP
                       flow first packets) find its token bucket empty: 1000 tokens per second
                       of packet time, 1000 deep, full at the source's first attempt, one
                       token per attempt -> (src, dst, port): the source's main target. A
                       source's statistics start at its first attempt after more than 10 s
                       without one (or at its first); at each attempt that finds the bucket
                       empty, the target is the (destination, port) it opened most attempts
                       to so far in them (ties: the lower address, then the lower port), and
                       it replaces the finding's target when it has more attempts than that
                       one had. rate_peaks gives each such source's peak: the most attempts
                       in any one second of packet time ([a, a + 1 s) for any a), the highest
                       seen at any of its over-limit attempts.

The output (JSON) holds classes {name: {packets, bytes, connections}}, tcp {attempted,
established, rejected, unanswered, closed, reset, reset_in_handshake, active, time_wait}, flows {created},
findings (sorted [kind, src, dst, port] lists), cards (every 13-19 digit candidate seen in
cleartext, as written and as bare digits, with its Luhn verdict) and end_states (how many
connections ended in each state: a diagnostic for mismatches).
"""

import argparse
import ipaddress
import json
import os
import re
import shutil
import sys
from collections import deque
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import truth  # noqa: E402  (truth.py beside this file: the frame rules and tshark set-up)

# The default classes: name, priority, encrypted, {protocol: ports}.
CLASSES = [
    ("https", "critical", True, {"tcp": {443}}),
    ("api", "high", False, {"tcp": {8080}}),
    ("db", "critical", True, {"tcp": {5432}}),
    ("http", "medium", False, {"tcp": {80}}),
    ("dns", "high", False, {"tcp": {53}, "udp": {53}}),
    ("ssh", "high", False, {"tcp": {22}}),
]
ALLOWED = {53, 80, 443, 5432, 8080}
ENCRYPTED = {c[0] for c in CLASSES if c[2]}
SYN_TIMEOUT_NS = 5 * 10**9
UDP_IDLE_NS = 60 * 10**9
TIME_WAIT_NS = 60 * 10**9
CONN_RATE = 1000.0
CONN_BURST = 1000.0

HTTP_METHODS = (b"GET ", b"POST ", b"PUT ", b"DELETE ", b"HEAD ", b"OPTIONS ", b"PATCH ",
                b"CONNECT ", b"TRACE ")
SSL_REQUEST = bytes.fromhex("0000000804d2162f")
CARD_RUN = re.compile(rb"[0-9](?:[ -]?[0-9])*")

# Application protocols tshark may dissect here on top of truth.py's set: HTTP only, so that
# http.request/http.response exist; everything else above L4 stays off (a dissector choking
# on a payload must not hide the payload from us).
EXTRA_PROTOCOLS = re.compile(r"^http$")

EXTRA_FIELDS = [
    "frame.time_epoch", "tcp.srcport", "tcp.flags", "tcp.seq_raw", "udp.srcport",
    "http.request", "http.response", "tcp.payload", "udp.payload",
]
FIELDS = truth.FIELDS[:-1] + EXTRA_FIELDS + truth.FIELDS[-1:]   # _ws.malformed stays last

TH_FIN, TH_SYN, TH_RST, TH_ACK = 0x01, 0x02, 0x04, 0x10
SCAN_BUDGET = 65536
SOURCE_IDLE_NS = 10 * 10**9


def luhn(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def cards_in(data, complete):
    """Card runs (as written, bare digits) in data; a run touching the end of data counts
    only when the data is complete (its end known)."""
    for m in CARD_RUN.finditer(bytes(data)):
        if m.end() == len(data) and not complete:
            continue
        written = m.group().decode()
        yield written, re.sub(r"[ -]", "", written)


def tls_record(p):
    return len(p) >= 3 and 20 <= p[0] <= 23 and p[1] == 3 and p[2] <= 4


class Dir:
    """One direction of a TCP connection as portlens streams it."""

    def __init__(self, src, dst, dport):
        self.addr = (src, dst, dport)
        self.state = "new"          # new open ended
        self.next = 0
        self.buf = bytearray()


class Stream:
    """The payload of one TCP connection, per direction (keyed by the sender)."""

    def __init__(self):
        self.dirs = {}
        self.done = False


def tshark_config_dir():
    """truth.py's configuration directory, with HTTP enabled again."""
    d = truth.tshark_config_dir()
    path = os.path.join(d, "disabled_protos")
    with open(path) as f:
        names = [n for n in f.read().split() if not EXTRA_PROTOCOLS.match(n)]
    with open(path, "w") as f:
        f.write("".join(n + "\n" for n in names))
    return d


def tshark_rows(path):
    return truth.tshark_rows(path, FIELDS, tshark_config_dir())


def first(s):
    return s.split(",")[0] if s else ""


def epoch_ns(s):
    return int(Decimal(s) * 10**9)


class Conn:
    """One TCP connection on a tuple: its initiator endpoint and its state."""

    def __init__(self, init, syn_ns, cls):
        self.init = init            # (addr, port) of the SYN's sender
        self.syn_ns = syn_ns
        self.cls = cls
        self.state = "syn_sent"     # syn_sent syn_recv established closed reset rejected
        self.fins = set()           # unanswered aborted
        self.close_ns = None


class PolicyTruth:
    def __init__(self, local_nets):
        self.frames = truth.Truth(local_nets)      # frame rules only (classify)
        self.local = [ipaddress.ip_network(n, strict=False) for n in local_nets]
        self.classes = {c[0]: dict(packets=0, bytes=0, connections=0) for c in CLASSES}
        self.port_class = {"tcp": {}, "udp": {}}
        for name, _prio, _enc, ports in CLASSES:
            for proto, ps in ports.items():
                for p in ps:
                    self.port_class[proto].setdefault(p, name)
        self.tcp = dict(attempted=0, established=0, rejected=0, unanswered=0, closed=0,
                        reset=0, reset_in_handshake=0)
        self.conns = {}          # tuple key -> Conn (latest on the tuple)
        self.finished = []       # Conns that ended (for end_states)
        self.flows = set()       # canonical tuples (any protocol)
        self.udp_last = {}       # UDP tuple -> time of its last packet
        self.tls_tuples = set()
        self.ssl_requested = set()
        self.findings = set()
        self.buckets = {}        # src -> [tokens, last_ns]
        self.src_stats = {}      # src -> dict(last, sec, sec_n, peak, targets)
        self.rate_target = {}    # src -> [dst, port, conns]
        self.rate_peak = {}      # src -> peak
        self.streams = {}        # TCP tuple key -> Stream (its latest connection)
        self.udp_sent = {}       # (UDP tuple key, sender) -> frame bytes before
        self.cards = {}          # as written -> dict(digits, luhn, frames)
        self.last_ns = 0

    def is_local(self, a):
        ip = ipaddress.ip_address(a)
        return any(ip.version == n.version and ip in n for n in self.local)

    def class_of(self, proto, sport, dport):
        t = self.port_class[proto]
        return t.get(dport) or t.get(sport)

    def attempt(self, src, dst, sport, dport, now, udp=False):
        """A new connection attempt (TCP SYN or UDP flow start): policy checks."""
        if self.is_local(dst) and dport not in ALLOWED and not (udp and sport in ALLOWED):
            self.findings.add(("unauthorized_port", src, dst, dport))
        st = self.src_stats.get(src)
        if st is None or now > st["last"] + SOURCE_IDLE_NS:
            st = self.src_stats[src] = dict(last=now, recent=deque(), peak=0, targets={})
        st["last"] = now
        # the attempts of the second up to this one, (now - 1 s, now]: the peak is the most
        # in any one-second window
        recent = st["recent"]
        while recent and recent[0] + 10**9 <= now:
            recent.popleft()
        recent.append(now)
        st["peak"] = max(st["peak"], len(recent))
        st["targets"][(dst, dport)] = st["targets"].get((dst, dport), 0) + 1
        b = self.buckets.get(src)
        if b is None:
            b = self.buckets[src] = [CONN_BURST, now]
        b[0] = min(CONN_BURST, b[0] + (now - b[1]) * CONN_RATE / 1e9)
        b[1] = now
        if b[0] >= 1.0:
            b[0] -= 1.0
        else:
            (tdst, tport), n = min(st["targets"].items(), key=lambda kv: (
                -kv[1], ipaddress.ip_address(kv[0][0]).packed.ljust(16, b"\0"), kv[0][1]))
            cur = self.rate_target.get(src)
            if cur is None or n > cur[2]:
                self.rate_target[src] = [tdst, tport, n]
            self.rate_peak[src] = max(self.rate_peak.get(src, 0), st["peak"])

    def end_conn(self, c, state):
        """Connection c ends in state (an outcome; "reset_in_handshake": the initiator's RST
        before the handshake completed)."""
        c.state = state
        if state in self.tcp:
            self.tcp[state] += 1
        self.finished.append(c)

    def tcp_packet(self, key, src, dst, sport, dport, flags, now):
        me = (src, sport)
        c = self.conns.get(key)
        if c is not None and c.state == "syn_sent" and now - c.syn_ns >= SYN_TIMEOUT_NS:
            self.end_conn(c, "unanswered")
        syn, ack, rst, fin = flags & TH_SYN, flags & TH_ACK, flags & TH_RST, flags & TH_FIN
        if syn and not ack and not rst:
            if c is None or c.state not in ("syn_sent", "syn_recv", "established"):
                cls = self.class_of("tcp", sport, dport)
                c = self.conns[key] = Conn(me, now, cls)
                self.end_stream(key)
                self.tcp["attempted"] += 1
                if cls:
                    self.classes[cls]["connections"] += 1
                self.attempt(src, dst, sport, dport, now)
            return
        if c is None:
            return
        from_init = me == c.init
        if c.state == "syn_sent":
            if not from_init and syn and ack and not rst:
                c.state = "syn_recv"
            elif not from_init and rst:
                self.end_conn(c, "rejected")
            elif from_init and rst:
                self.end_conn(c, "reset_in_handshake")
        elif c.state == "syn_recv":
            if not from_init and rst:
                self.end_conn(c, "rejected")
            elif from_init and rst:
                self.end_conn(c, "reset_in_handshake")
            elif from_init and ack and not syn:
                c.state = "established"
                self.tcp["established"] += 1
                if fin:
                    c.fins.add(from_init)
        elif c.state == "established":
            if rst:
                self.end_conn(c, "reset")
            elif fin:
                c.fins.add(from_init)
                if len(c.fins) == 2:
                    c.close_ns = now
                    self.end_conn(c, "closed")

    def card_found(self, data, complete, src, dst, dport, frame):
        for written, digits in cards_in(data, complete):
            if not 13 <= len(digits) <= 19:
                continue
            ok = luhn(digits)
            e = self.cards.setdefault(written, dict(digits=digits, luhn=ok, frames=[]))
            e["frames"].append(frame)
            if ok:
                self.findings.add(("sensitive_data", src, dst, dport))

    def end_dir(self, d, complete, frame):
        if d.state == "open":
            self.card_found(d.buf, complete, *d.addr, frame)
        d.state = "ended"

    def end_stream(self, key, frame=0):
        """The connection's scanning ends without knowing its directions' ends."""
        st = self.streams.pop(key, None)
        if st is not None and not st.done:
            for d in st.dirs.values():
                self.end_dir(d, False, frame)

    def tcp_stream(self, key, src, dst, sport, dport, flags, seq, payload, frame):
        st = self.streams.setdefault(key, Stream())
        if st.done:
            return
        me = (src, sport)
        d = st.dirs.setdefault(me, Dir(src, dst, dport))
        stop = False
        if flags & TH_SYN:
            seq = (seq + 1) & 0xffffffff
        if payload and d.state == "new":
            d.state, d.next = "open", seq
        if payload and d.state == "open":
            delta = (seq - d.next) & 0xffffffff
            delta = delta - (1 << 32) if delta >= 1 << 31 else delta
            if delta > 0:
                self.end_dir(d, True, frame)                  # a gap
            elif -delta < len(payload):
                data = payload[-delta:]
                if delta == 0 and tls_record(data):
                    stop = True
                else:
                    start = len(d.buf) == 0
                    n = min(len(data), SCAN_BUDGET - len(d.buf))
                    d.buf += data[:n]
                    d.next = (d.next + n) & 0xffffffff
                    if start and (re.match(rb"SSH-[12]\.\d+-[\x21-\x7e]", bytes(d.buf))
                                  or d.buf[:7] in (SSL_REQUEST[:7],)
                                  and d.buf[7:8] in (b"\x2f", b"\x30")):
                        stop = True
                    elif len(d.buf) >= SCAN_BUDGET:
                        self.end_dir(d, True, frame)
        if stop:
            for x in st.dirs.values():
                if x.state == "open":
                    self.card_found(x.buf, False, *x.addr, frame)
                x.state = "ended"
            st.done = True
            return
        if flags & TH_RST:
            for x in st.dirs.values():
                self.end_dir(x, True, frame)
        elif flags & TH_FIN:
            self.end_dir(d, True, frame)
        if st.dirs and all(x.state == "ended" for x in st.dirs.values()) and len(st.dirs) == 2:
            st.done = True

    def scan_payload(self, key, proto, src, dst, sport, dport, payload, r):
        if not payload:
            return
        tlsrec = tls_record(payload)
        if proto == "tcp":
            # HTTP, by tshark and by the first bytes.
            if r["http.request"] or payload.startswith(HTTP_METHODS):
                self.findings.add(("unencrypted", src, dst, dport))
            if r["http.response"] or payload.startswith(b"HTTP/1."):
                self.findings.add(("unencrypted", dst, src, sport))
            # PostgreSQL: SSLRequest marks the connection; a StartupMessage without one is
            # cleartext.
            if payload == SSL_REQUEST:
                self.ssl_requested.add(key)
            elif (len(payload) >= 9 and int.from_bytes(payload[0:4], "big") == len(payload)
                  and payload[4:8] == b"\x00\x03\x00\x00" and key not in self.ssl_requested
                  and self.class_of("tcp", sport, dport) in ENCRYPTED):
                self.findings.add(("unencrypted", src, dst, dport))
        if tlsrec or proto == "tcp":
            return      # TCP payload: tcp_stream()
        before = self.udp_sent.get((key, src, sport), 0)
        ip_bytes = (int(first(r["ip.len"])) if r["ip.len"]
                    else 40 + int(first(r["ipv6.plen"])))
        self.udp_sent[(key, src, sport)] = before + ip_bytes
        if before < SCAN_BUDGET:
            self.card_found(payload[:SCAN_BUDGET - before], True, src, dst, dport,
                            int(r["frame.number"]))

    def add(self, r):
        verdict, detail = self.frames.classify(r)
        now = epoch_ns(r["frame.time_epoch"])
        self.last_ns = max(self.last_ns, now)
        if verdict not in ("ipv4", "ipv6") or detail == "fragment":
            return
        if verdict == "ipv4":
            src, dst = first(r["ip.src"]), first(r["ip.dst"])
        else:
            src, dst = first(r["ipv6.src"]), first(r["ipv6.dst"])
        if detail not in ("tcp", "udp"):
            # Other L4 protocols are flows too (no ports).
            self.flows.add((detail, tuple(sorted([src, dst]))))
            return
        proto = detail
        sport, dport = int(first(r[proto + ".srcport"])), int(first(r[proto + ".dstport"]))
        ends = sorted([(src, sport), (dst, dport)],
                      key=lambda e: (ipaddress.ip_address(e[0]).packed, e[1]))
        key = (proto, ends[0], ends[1])
        flen = int(r["frame.len"])
        cls = self.class_of(proto, sport, dport)
        if cls:
            self.classes[cls]["packets"] += 1
            self.classes[cls]["bytes"] += flen
        self.flows.add(key)
        if proto == "udp":
            last = self.udp_last.get(key)
            new_flow = last is None or now - last >= UDP_IDLE_NS
            self.udp_last[key] = now
        if proto == "tcp":
            self.tcp_packet(key, src, dst, sport, dport, int(first(r["tcp.flags"]), 16), now)
        elif new_flow:
            for k in [k for k in self.udp_sent if k[0] == key]:
                del self.udp_sent[k]
            if cls:
                self.classes[cls]["connections"] += 1
            self.attempt(src, dst, sport, dport, now, udp=True)
        payload = bytes.fromhex(first(r[proto + ".payload"]).replace(":", ""))
        self.scan_payload(key, proto, src, dst, sport, dport, payload, r)
        if proto == "tcp":
            self.tcp_stream(key, src, dst, sport, dport, int(first(r["tcp.flags"]), 16),
                            int(first(r["tcp.seq_raw"])), payload, int(r["frame.number"]))

    def result(self):
        for key in list(self.streams):
            self.end_stream(key)
        for src, (tdst, tport, _n) in self.rate_target.items():
            self.findings.add(("rate_limit", src, tdst, tport))
        end_states = {}
        open_conns = [c for c in self.conns.values()
                      if c.state in ("syn_sent", "syn_recv", "established")]
        for c in open_conns:
            if c.state == "syn_sent":
                self.end_conn(c, "unanswered")
        for c in self.finished + [c for c in open_conns if c.state != "unanswered"]:
            end_states[c.state] = end_states.get(c.state, 0) + 1
        tcp = dict(self.tcp)
        tcp["active"] = tcp["established"] - tcp["closed"] - tcp["reset"]
        # A tuple is in TIME_WAIT when its latest connection closed within TIME_WAIT_NS of
        # the end: a new SYN on a closed tuple takes it out of TIME_WAIT (RFC 793 / 6191).
        tcp["time_wait"] = sum(1 for c in self.conns.values() if c.state == "closed"
                               and c.close_ns > self.last_ns - TIME_WAIT_NS)
        classes = {}
        for name, prio, enc, _ports in CLASSES:
            classes[name] = dict(self.classes[name], priority=prio, encrypted=enc)
        return dict(classes=classes, tcp=tcp, flows=dict(created=len(self.flows)),
                    findings=sorted([list(f) for f in self.findings],
                                    key=lambda f: [str(x) for x in f]),
                    cards=[dict(written=w, **v) for w, v in sorted(self.cards.items())],
                    rate_peaks=self.rate_peak,
                    end_states=end_states)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pcap")
    ap.add_argument("--config-defaults", action="store_true",
                    help="use portlens's built-in default configuration (the only one "
                         "supported, and the default)")
    ap.add_argument("--out", help="write the JSON here instead of stdout")
    a = ap.parse_args()
    if shutil.which("tshark") is None:
        print("truth_policy.py: tshark not found", file=sys.stderr)
        return 2
    t = PolicyTruth(truth.DEFAULT_LOCAL)
    for r in tshark_rows(a.pcap):
        t.add(r)
    text = json.dumps(t.result(), indent=1, sort_keys=True) + "\n"
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
