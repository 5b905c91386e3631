#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check portlens port profiles against the schema in drivers-config/README.md.

Reads each profile the way rte_cfgfile_load(path, 0) does (';' ends a line's content,
'[section]', 'key = value', no empty values: portlens loads profiles without
CFG_FLAG_EMPTY_VALUES, so a list or key with nothing in it is left out) and checks the sections, keys and values portlens's
loader accepts, plus the facts that would make a port fail to start: descriptors a power of
two, a hex key of 40 or 52 bytes, driver equal to the file name. Prints one line per problem
as FILE:LINE: problem and exits 1 if there was any, 0 otherwise.

usage: check-profiles.py [PROFILE.ini | DIR]...   (default: the profiles/ folder beside this)
"""

import os
import re
import sys

YESNO = ("yes", "no")
RSS_FUNCTIONS = {"ipv4", "ipv6", "tcp", "udp", "sctp", "frag", "l2"}
HASH_FUNCTIONS = {"default", "toeplitz", "symmetric_toeplitz", "simple_xor"}
# RTE_ETH_RX_OFFLOAD_* / RTE_ETH_TX_OFFLOAD_* of DPDK 22.11, lower case without prefix.
RX_OFFLOADS = {
    "vlan_strip", "ipv4_cksum", "udp_cksum", "tcp_cksum", "tcp_lro", "qinq_strip",
    "outer_ipv4_cksum", "macsec_strip", "vlan_filter", "vlan_extend", "scatter",
    "timestamp", "security", "keep_crc", "sctp_cksum", "outer_udp_cksum", "rss_hash",
    "buffer_split",
}
TX_OFFLOADS = {
    "vlan_insert", "ipv4_cksum", "udp_cksum", "tcp_cksum", "sctp_cksum", "tcp_tso",
    "udp_tso", "outer_ipv4_cksum", "qinq_insert", "vxlan_tnl_tso", "gre_tnl_tso",
    "ipip_tnl_tso", "geneve_tnl_tso", "macsec_insert", "mt_lockfree", "multi_segs",
    "mbuf_fast_free", "security", "udp_tnl_tso", "ip_tnl_tso", "outer_udp_cksum",
    "send_on_timestamp",
}
LINE_MAX = 64 + 256 + 4 - 1  # rte_cfgfile's line buffer, CFG_NAME_LEN + CFG_VALUE_LEN + 4
# Keys that may be left out, and what their absence means.
OPTIONAL = {("rss", "functions"): "", ("rss", "key"): "", ("offloads", "rx"): "",
            ("offloads", "tx"): "", ("pool", "stack"): "yes"}


def is_pow2(n):
    return n > 0 and (n & (n - 1)) == 0


def parse_list(value):
    return [v.strip() for v in value.split(",") if v.strip()] if value.strip() else []


def check_uint(v):
    return re.fullmatch(r"[0-9]+", v) is not None


def check_list(allowed):
    def check(v):
        bad = [x for x in parse_list(v) if x not in allowed]
        return not bad, "unknown name(s): " + ",".join(bad)
    return check


SCHEMA = {
    "profile": {
        "driver": lambda v: (re.fullmatch(r"[a-z0-9_]+", v) is not None, "not a driver name"),
        "description": lambda v: (v != "", "empty"),
    },
    "rx": {
        "queues": lambda v: (check_uint(v), "not an integer >= 0"),
        "descriptors": lambda v: (check_uint(v) and is_pow2(int(v)), "not a power of two"),
    },
    "tx": {
        "queues": lambda v: (check_uint(v), "not an integer >= 0"),
        "descriptors": lambda v: (check_uint(v) and is_pow2(int(v)), "not a power of two"),
    },
    "rss": {
        "enabled": lambda v: (v in YESNO, "not yes|no"),
        "functions": check_list(RSS_FUNCTIONS),
        "hash_function": lambda v: (v in HASH_FUNCTIONS, "not one of " +
                                    "|".join(sorted(HASH_FUNCTIONS))),
        "key": lambda v: (v == "" or (re.fullmatch(r"[0-9a-fA-F]+", v) is not None and
                                      len(v) in (80, 104)),
                          "not empty or 40/52 bytes of hex"),
        "symmetric": lambda v: (v in YESNO, "not yes|no"),
    },
    "offloads": {
        "rx": check_list(RX_OFFLOADS),
        "tx": check_list(TX_OFFLOADS),
    },
    "link": {
        "mtu": lambda v: (check_uint(v) and 68 <= int(v) <= 16128, "not an MTU (68..16128)"),
        "promiscuous": lambda v: (v in YESNO, "not yes|no"),
    },
    "pool": {
        "stack": lambda v: (v in YESNO, "not yes|no"),
    },
}


def load(path, errors):
    """Parse like rte_cfgfile_load(CFG_FLAG_EMPTY_VALUES); return {section: {key: (v, line)}}."""
    sections = {}
    current = None
    with open(path, encoding="ascii") as f:
        for lineno, raw in enumerate(f, 1):
            if len(raw) > LINE_MAX:
                errors.append(f"{path}:{lineno}: line longer than rte_cfgfile accepts")
            line = raw.split(";", 1)[0].strip()
            if not line:
                continue
            if line.startswith("["):
                if not line.endswith("]"):
                    errors.append(f"{path}:{lineno}: no terminating ']'")
                    continue
                current = line[1:-1].strip()
                if current in sections:
                    errors.append(f"{path}:{lineno}: section [{current}] repeated")
                sections.setdefault(current, {})
                continue
            if "=" not in line:
                continue  # rte_cfgfile skips such lines silently; portlens would too
            if current is None:
                errors.append(f"{path}:{lineno}: key outside any section")
                continue
            key, value = (s.strip() for s in line.split("=", 1))
            if value == "":
                errors.append(f"{path}:{lineno}: empty value for {key}: rte_cfgfile_load() "
                              "without CFG_FLAG_EMPTY_VALUES rejects the whole file; leave "
                              "the key out (as a comment) instead")
                continue
            if key in sections[current]:
                errors.append(f"{path}:{lineno}: key {key} repeated")
            sections[current][key] = (value, lineno)
    return sections


def check_file(path):
    errors = []
    sections = load(path, errors)
    stem = os.path.splitext(os.path.basename(path))[0]
    for name, secs in sections.items():
        if name not in SCHEMA:
            errors.append(f"{path}: unknown section [{name}]")
            continue
        for key, (value, lineno) in secs.items():
            if key not in SCHEMA[name]:
                errors.append(f"{path}:{lineno}: unknown key {key} in [{name}]")
                continue
            ok, why = SCHEMA[name][key](value)
            if not ok:
                errors.append(f"{path}:{lineno}: [{name}] {key} = '{value}': {why}")
    for name, keys in SCHEMA.items():
        for key in keys:
            if key not in sections.get(name, {}):
                if (name, key) in OPTIONAL:
                    sections.setdefault(name, {})[key] = (OPTIONAL[(name, key)], 0)
                else:
                    errors.append(f"{path}: missing [{name}] {key}")
    if errors:
        return errors

    def get(sec, key):
        return sections[sec][key][0]

    def line(sec, key):
        return f"{path}:{sections[sec][key][1]}"

    if get("profile", "driver") != stem:
        errors.append(f"{line('profile', 'driver')}: driver '{get('profile', 'driver')}' "
                      f"is not the file name's stem '{stem}'")
    rx = parse_list(get("offloads", "rx"))
    if get("rss", "symmetric") == "yes":
        if get("rss", "enabled") != "yes":
            errors.append(f"{line('rss', 'symmetric')}: symmetric = yes with RSS disabled")
        if "rss_hash" not in rx:
            errors.append(f"{line('rss', 'symmetric')}: symmetric = yes needs the rss_hash "
                          "RX offload to see the hash")
        key = get("rss", "key").lower()
        if (get("rss", "hash_function") != "symmetric_toeplitz" and
                not (key and key == "6d5a" * (len(key) // 4))):
            errors.append(f"{line('rss', 'symmetric')}: symmetric = yes but neither "
                          "symmetric_toeplitz nor a 0x6d5a key")
    if get("rss", "enabled") == "yes" and not parse_list(get("rss", "functions")):
        errors.append(f"{line('rss', 'functions')}: RSS enabled with no hash types")
    if get("rss", "enabled") == "no" and get("rss", "symmetric") == "yes":
        errors.append(f"{line('rss', 'enabled')}: RSS disabled but symmetric = yes")
    if int(get("link", "mtu")) > 1500 + 500 and "scatter" not in rx and stem != "net_pcap":
        errors.append(f"{line('link', 'mtu')}: jumbo MTU without the scatter RX offload")
    return errors


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    targets = argv[1:] or [os.path.join(here, "..", "profiles")]
    files = []
    for t in targets:
        if os.path.isdir(t):
            files += sorted(os.path.join(t, f) for f in os.listdir(t) if f.endswith(".ini"))
        else:
            files.append(t)
    if not files:
        print("check-profiles: no profiles found", file=sys.stderr)
        return 1
    errors = []
    for f in files:
        errors += check_file(f)
    for e in errors:
        print(e)
    print(f"check-profiles: {len(files)} profile(s), {len(errors)} problem(s)",
          file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
