#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare a policy truth (truth_policy.py) with a portlens snapshot (portlens.snapshot.v1).

Checks, each counted as one pass or one failure:
  classes   per class name: packets, bytes, connections exact; priority and encrypted as the
            defaults say. A class one side lists and the other omits counts as zeros.
            --no-bytes leaves bytes out: for a snapshot of the same traffic tunnelled, whose
            bytes include the outer headers, checked against the truth of the plain capture.
  tcp       attempted, established, rejected, unanswered, closed, reset, reset_in_handshake
            exact, and the gauges active and time_wait (derived in the truth: see truth_policy.py).
  flows     table_full is 0, tracked + evicted equals created, and created lies between the
            truth's distinct 5-tuples and that plus evicted (a flow forgotten by ageing, e.g.
            at its SYN timeout, is created again by its next packet).
  findings  of the kinds unauthorized_port, unencrypted, sensitive_data and rate_limit: every
            expected (kind, src, dst, port) is in portlens's `findings`, and portlens reports
            none that is not expected (so a capture with no expected finding must give none).
            With --workers N > 1 the rate limit is per worker (rate / N, burst / N) and only
            approximate: the expected rate_limit findings must be present, other rate_limit
            findings are printed as notes, not failures. Each finding present must have
            count >= 1 and first_ns <= last_ns. A rate_limit finding names its source's main
            target as (dst, port); each worker sees its share of the source's connections,
            so with --workers N > 1 the target is checked only with --exact-targets (a
            capture whose flooders each have one target), else rate_limit findings match on
            (kind, src). With --workers 1 its peak_per_s must equal the truth's rate_peaks.
  cards     no card-number candidate the truth saw in cleartext (Luhn-valid or not) appears
            in full in the snapshot text or in the extra files given with --no-leak, neither
            as written (with its spaces or dashes) nor as bare digits.
Every failure is printed with its path; the last line is `N passed, N failed`. Exit status 0
when everything matches, 1 on any failure, 2 when a file cannot be read.
"""

import argparse
import ipaddress
import json
import sys

KINDS = ("unauthorized_port", "unencrypted", "sensitive_data", "rate_limit")
TCP_KEYS = ("attempted", "established", "rejected", "unanswered", "closed", "reset",
            "reset_in_handshake", "active", "time_wait")


class Checker:
    def __init__(self, names):
        self.names = names
        self.passed = 0
        self.failed = 0

    def ok(self, cond, msg):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL " + msg)
        return cond

    def eq(self, path, a, b):
        return self.ok(a == b, "%s: %s %s, %s %s" % (path, self.names[0], fmt(a),
                                                     self.names[1], fmt(b)))


def fmt(v):
    return "absent" if v is None else json.dumps(v, sort_keys=True)


def addr(a):
    if a is None:
        return None
    try:
        return str(ipaddress.ip_address(a))
    except ValueError:
        return a


def fkey(kind, src, dst, port):
    return (kind, addr(src), addr(dst), None if port is None else int(port))


def show(k):
    return "(%s, %s, %s, %s)" % k


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("truth")
    ap.add_argument("snapshot")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--names", default="truth,portlens")
    ap.add_argument("--exact-targets", action="store_true",
                    help="check rate_limit targets with several workers too")
    ap.add_argument("--no-bytes", action="store_true",
                    help="do not compare class bytes (the snapshot's traffic is tunnelled)")
    ap.add_argument("--no-leak", action="append", default=[], metavar="FILE",
                    help="another file (a log) in which no card number may appear")
    a = ap.parse_args()
    try:
        with open(a.truth) as f:
            t = json.load(f)
        with open(a.snapshot) as f:
            text = f.read()
        s = json.loads(text)
        extra = {}
        for p in a.no_leak:
            with open(p, errors="replace") as f:
                extra[p] = f.read()
    except (OSError, ValueError) as e:
        print("compare_policy: %s" % e)
        return 2
    c = Checker(a.names.split(","))

    # classes
    got = {}
    for e in s.get("classes") or []:
        got[e.get("name")] = e
    for name in sorted(set(t["classes"]) | set(got)):
        exp, g = t["classes"].get(name, {}), got.get(name, {})
        for k in ("packets", "connections") if a.no_bytes else ("packets", "bytes", "connections"):
            c.eq("classes[%s].%s" % (name, k), exp.get(k, 0), g.get(k, 0))
        if name in t["classes"] and name in got:
            c.eq("classes[%s].priority" % name, exp["priority"], g.get("priority"))
            c.eq("classes[%s].encrypted" % name, exp["encrypted"], g.get("encrypted"))

    # tcp
    tcp = s.get("tcp") or {}
    for k in TCP_KEYS:
        c.eq("tcp.%s" % k, t["tcp"][k], tcp.get(k))

    # flows
    fl = s.get("flows") or {}
    c.eq("flows.table_full", 0, fl.get("table_full"))
    created, tracked, evicted = fl.get("created"), fl.get("tracked"), fl.get("evicted")
    if c.ok(None not in (created, tracked, evicted),
            "flows: created %r, tracked %r, evicted %r" % (created, tracked, evicted)):
        c.eq("flows.tracked+evicted", created, tracked + evicted)
        # Ageing may forget a flow (an unanswered attempt at its SYN timeout) that a later
        # packet then creates again: each tuple is created at least once, and at most once
        # more per eviction.
        distinct = t["flows"]["created"]
        c.ok(distinct <= created <= distinct + evicted,
             "flows.created: %s %d distinct 5-tuples, %s created %d with %d evicted" %
             (c.names[0], distinct, c.names[1], created, evicted))

    # findings
    loose = a.workers > 1 and not a.exact_targets

    def key_of(kind, src, dst, port):
        if loose and kind == "rate_limit":
            return fkey(kind, src, None, None)
        return fkey(kind, src, dst, port)

    exp = {key_of(*f) for f in t["findings"] if f[0] in KINDS}
    have = {}
    for e in s.get("findings") or []:
        if e.get("kind") in KINDS:
            have[key_of(e["kind"], e.get("src"), e.get("dst"), e.get("port"))] = e
    if a.workers == 1:
        for src, peak in sorted((t.get("rate_peaks") or {}).items()):
            e = have.get(key_of("rate_limit", src, *next(
                (f[2], f[3]) for f in t["findings"] if f[0] == "rate_limit" and f[1] == src)))
            if e is not None:
                c.eq("findings (rate_limit, %s).peak_per_s" % src, peak, e.get("peak_per_s"))
    for k in sorted(exp, key=lambda k: [str(x) for x in k]):
        e = have.get(k)
        if c.ok(e is not None, "findings: expected %s, %s has none" % (show(k), c.names[1])):
            c.ok(isinstance(e.get("count"), int) and e["count"] >= 1
                 and e.get("first_ns", 0) <= e.get("last_ns", 0),
                 "findings %s: count %r, first_ns %r, last_ns %r" %
                 (show(k), e.get("count"), e.get("first_ns"), e.get("last_ns")))
    for k in sorted(set(have) - exp, key=lambda k: [str(x) for x in k]):
        e = have[k]
        what = "%s reports %s (count %s, detail %r), %s expects none" % (
            c.names[1], show(k), e.get("count"), e.get("detail"), c.names[0])
        if k[0] == "rate_limit" and a.workers > 1:
            print("note (per-worker rate limit, approximate by design): " + what)
            continue
        c.ok(False, "findings: " + what)

    # cards
    needles = set()
    for e in t.get("cards") or []:
        needles.add(e["written"])
        needles.add(e["digits"])
    for n in sorted(needles):
        c.ok(n not in text, "cards: %r appears in full in %s" % (n, a.snapshot))
        for p, body in extra.items():
            c.ok(n not in body, "cards: %r appears in full in %s" % (n, p))

    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
