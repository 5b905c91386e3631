#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare a truth JSON (truth.py) with a portlens snapshot (portlens.snapshot.v1).

Checks totals, protocols, directions, ports, bins, top_ports and the inter-arrival times per
direction (iat: packets per bucket, and iat_sum_ns) exactly, field by field. Each
mismatch is printed with its path (e.g. `ports.in[443].bytes: expected 1234, got 1200`); the
last line is `N passed, N failed`. Exit status: 0 when everything matches, 1 on any mismatch,
2 when a file cannot be read.

Entries absent on one side count as zero, so a port one side lists and the other omits is a
mismatch on its packets and bytes. A direction whose top_ports is null, missing, or names a
port with zero packets means "no TCP/UDP traffic in that direction".
"""

import argparse
import json
import sys

SECTIONS = ["totals", "protocols", "directions", "ports", "bins", "top_ports", "iat"]
DIRECTIONS = ["in", "out", "internal", "external"]


class Checker:
    def __init__(self, names):
        self.names = names
        self.passed = 0
        self.failed = 0

    def eq(self, path, a, b):
        if a == b:
            self.passed += 1
        else:
            self.failed += 1
            print("%s: %s %s, %s %s" % (path, self.names[0], fmt(a), self.names[1], fmt(b)))


def fmt(v):
    return "absent" if v is None else json.dumps(v, sort_keys=True)


def get(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def keyed(entries, key):
    """A list of counter entries as {key: entry}; duplicate keys are reported as such."""
    out, dups = {}, []
    for e in entries or []:
        k = key(e)
        if k in out:
            dups.append(k)
        out[k] = e
    return out, dups


def check_flat(c, a, b, section):
    keys = sorted(set(a.get(section) or {}) | set(b.get(section) or {}))
    if not keys:
        c.eq(section, a.get(section), b.get(section))
    for k in keys:
        c.eq("%s.%s" % (section, k), get(a, section, k), get(b, section, k))


def check_directions(c, a, b):
    for d in DIRECTIONS:
        for f in ("packets", "bytes"):
            c.eq("directions.%s.%s" % (d, f), get(a, "directions", d, f) or 0,
                 get(b, "directions", d, f) or 0)


def check_lists(c, a, b, section, key, label):
    """ports / bins: per direction, the union of entries, each field compared."""
    for d in DIRECTIONS:
        ea, da = keyed(get(a, section, d), key)
        eb, db = keyed(get(b, section, d), key)
        for which, dups in ((0, da), (1, db)):
            for k in dups:
                c.failed += 1
                print("%s.%s[%s]: listed twice by %s" % (section, d, label(k), c.names[which]))
        for which, entries in ((0, get(a, section, d)), (1, get(b, section, d))):
            ks = [key(e) for e in entries or []]
            if ks != sorted(ks):
                c.failed += 1
                print("%s.%s: %s entries are not in ascending order" %
                      (section, d, c.names[which]))
        for k in sorted(set(ea) | set(eb)):
            for f in ("packets", "bytes"):
                va = ea.get(k, {}).get(f, 0)
                vb = eb.get(k, {}).get(f, 0)
                c.eq("%s.%s[%s].%s" % (section, d, label(k), f), va, vb)
            if ea.get(k, {}).get("packets", 1) == 0 or eb.get(k, {}).get("packets", 1) == 0:
                c.failed += 1
                print("%s.%s[%s]: zero entry listed (only non-zero entries belong)" %
                      (section, d, label(k)))


def check_iat(c, a, b):
    """Inter-arrival times: per direction, packets per bucket (by min_ns) and the sum."""
    for d in DIRECTIONS:
        ea, _ = keyed(get(a, "iat", d), lambda e: e.get("min_ns"))
        eb, _ = keyed(get(b, "iat", d), lambda e: e.get("min_ns"))
        for k in sorted(set(ea) | set(eb)):
            c.eq("iat.%s[%s ns].packets" % (d, k), ea.get(k, {}).get("packets", 0),
                 eb.get(k, {}).get("packets", 0))
        c.eq("iat_sum_ns.%s" % d, get(a, "iat_sum_ns", d) or 0, get(b, "iat_sum_ns", d) or 0)


def top_entry(t, kind, field):
    e = get(t, kind)
    if not isinstance(e, dict) or not e.get(field):
        return None
    return {"port": e.get("port"), field: e.get(field)}


def check_top(c, a, b):
    for d in DIRECTIONS:
        for kind, field in (("by_packets", "packets"), ("by_bytes", "bytes")):
            c.eq("top_ports.%s.%s" % (d, kind), top_entry(get(a, "top_ports", d), kind, field),
                 top_entry(get(b, "top_ports", d), kind, field))


def compare(a, b, sections, names=("expected", "got")):
    """Compare snapshot-shaped dicts a and b over sections; returns the Checker."""
    c = Checker(names)
    for s in sections:
        if s in ("totals", "protocols"):
            check_flat(c, a, b, s)
        elif s == "directions":
            check_directions(c, a, b)
        elif s == "ports":
            check_lists(c, a, b, "ports", lambda e: e.get("port"), str)
        elif s == "bins":
            check_lists(c, a, b, "bins", lambda e: (e.get("first"), e.get("last")),
                        lambda k: "%s-%s" % k)
        elif s == "top_ports":
            check_top(c, a, b)
        elif s == "iat":
            check_iat(c, a, b)
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("truth", help="truth.py output (or any snapshot-shaped JSON)")
    ap.add_argument("portlens", help="portlens --json output")
    ap.add_argument("--only", default=",".join(SECTIONS),
                    help="comma-separated sections to compare (default: %(default)s)")
    ap.add_argument("--names", default="expected,got",
                    help="how to call the two sides in messages (default: %(default)s)")
    a = ap.parse_args()
    sections = [s for s in a.only.split(",") if s]
    bad = [s for s in sections if s not in SECTIONS]
    if bad:
        print("compare.py: unknown section(s): %s" % ", ".join(bad), file=sys.stderr)
        return 2
    docs = []
    for path in (a.truth, a.portlens):
        try:
            with open(path) as f:
                docs.append(json.load(f))
        except (OSError, ValueError) as e:
            print("compare.py: %s: %s" % (path, e), file=sys.stderr)
            return 2
    names = (a.names.split(",") + ["expected", "got"])[:2]
    c = compare(docs[0], docs[1], sections, names)
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
