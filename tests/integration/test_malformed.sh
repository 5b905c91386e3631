#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The malformed-traffic regression capture (tests/data/malformed.pcap, made by
# make_malformed.py: every malformed reason, several variants each, and look-alikes that are
# well-formed) in every mode: offline with 1 and 3 workers, live monitor, inline with the
# drop and the forward verdict. Each run must count every reason exactly as expected, never
# crash, and close its balance; the capture must cover every reason portlens knows.
# usage: test_malformed.sh PORTLENS DATA_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
portlens=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
eal="$lc --no-huge -m 512 --no-pci --no-shconf --log-level=error"
python3 -c "import struct,sys;open(sys.argv[1],'wb').write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1))" "$tmp/empty.pcap"

verify() { # name json extra-python-expr
	local res
	res=$(python3 - "$2" "$data/malformed.expected.json" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); e = json.load(open(sys.argv[2]))
got = {k: v for k, v in d["malformed_reasons"].items() if v}
ok = got == e["malformed"]
if not ok:
    print("mismatch:", {k: (got.get(k), e["malformed"].get(k))
                        for k in set(got) | set(e["malformed"]) if got.get(k) != e["malformed"].get(k)},
          file=sys.stderr)
b = d["balance"]
extra = eval(sys.argv[3], {"d": d, "e": e, "b": b})
print(ok and set(d["malformed_reasons"]) == set(e["malformed"]) and b["in_flight"] == 0
      and d["totals"]["malformed"] == sum(e["malformed"].values()) and bool(extra))
PY
)
	total=$((total + 1))
	if [ "$res" = "True" ]; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi
}

for w in 1 3; do
	"$portlens" --pcap "$data/malformed.pcap" --workers "$w" --json "$tmp/off$w.json" \
		--no-summary --quiet
	verify "offline, $w worker(s)" "$tmp/off$w.json" 'b["received"] == e["frames"]'
done

# shellcheck disable=SC2086
"$portlens" $eal --file-prefix "pl-mal-mon-$$" --vdev "net_pcap0,rx_pcap=$data/malformed.pcap" \
	-- --workers 1 --duration 2 --json "$tmp/mon.json" --no-summary --quiet
verify "live monitor" "$tmp/mon.json" 'b["freed"] == e["frames"]'

# shellcheck disable=SC2086
"$portlens" $eal --file-prefix "pl-mal-drop-$$" \
	--vdev "net_pcap0,rx_pcap=$data/malformed.pcap,tx_pcap=$tmp/d0.pcap" \
	--vdev "net_pcap1,rx_pcap=$tmp/empty.pcap,tx_pcap=$tmp/d1.pcap" \
	-- --inline 0:1 --workers 1 --duration 2 --json "$tmp/drop.json" --no-summary --quiet
verify "inline, malformed dropped" "$tmp/drop.json" \
	'b["dropped"]["malformed"] == d["totals"]["malformed"] and b["forwarded"] == e["well_formed"]'

# shellcheck disable=SC2086
"$portlens" $eal --file-prefix "pl-mal-fwd-$$" \
	--vdev "net_pcap0,rx_pcap=$data/malformed.pcap,tx_pcap=$tmp/f0.pcap" \
	--vdev "net_pcap1,rx_pcap=$tmp/empty.pcap,tx_pcap=$tmp/f1.pcap" \
	-- --inline 0:1 --workers 1 --duration 2 --malformed-verdict forward \
	--json "$tmp/fwd.json" --no-summary --quiet
verify "inline, malformed forwarded" "$tmp/fwd.json" \
	'b["forwarded"] == e["frames"] and b["dropped_total"] == 0'

finish
