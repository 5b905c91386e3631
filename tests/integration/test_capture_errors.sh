#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Captures that are not whole never pass for shorter ones: a truncated capture, a damaged
# record length, a file cut inside its header, a file that is not a capture, a folder and a
# missing file each stop portlens with exit 2 and a message naming the file and the problem;
# --allow-truncated analyses exactly the whole records before the cut.
# usage: test_capture_errors.sh PORTLENS DATA_DIR
set -euo pipefail
portlens=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
total=0
expect() { # name file expected-message-fragment [options...]
	local name=$1 file=$2 frag=$3 rc=0
	shift 3
	"$portlens" --pcap "$file" --json "$tmp/out.json" --no-summary "$@" 2>"$tmp/err" || rc=$?
	total=$((total + 1))
	if [ "$rc" -eq 2 ] && grep -qF -- "$frag" "$tmp/err" && grep -qF -- "$file" "$tmp/err" &&
		[ ! -e "$tmp/out.json" ]; then
		echo "ok: $name"
	else
		echo "FAIL: $name (rc $rc): $(cat "$tmp/err")"
		fail=$((fail + 1))
	fi
}
size=$(stat -c %s "$data/sample.pcap")
head -c $((size - 100)) "$data/sample.pcap" >"$tmp/cut.pcap"
# the whole records before the cut (the cut lands in the next one)
whole=$(python3 - "$data/sample.pcap" $((size - 100)) <<'PY'
import struct, sys
d, cut, off, n = open(sys.argv[1], "rb").read(), int(sys.argv[2]), 24, 0
while off + 16 <= len(d) and off + 16 + struct.unpack("<I", d[off + 8:off + 12])[0] <= cut:
    off += 16 + struct.unpack("<I", d[off + 8:off + 12])[0]
    n += 1
print(n)
PY
)
expect "truncated capture" "$tmp/cut.pcap" "truncated: record $((whole + 1)) at byte"
head -c 30 "$data/sample.pcap" >"$tmp/cut30.pcap"
expect "cut inside the first record header" "$tmp/cut30.pcap" "truncated: record 1 at byte 24"
head -c 12 "$data/sample.pcap" >"$tmp/cut12.pcap"
expect "cut inside the file header" "$tmp/cut12.pcap" "file header is cut short"
python3 - "$data/sample.pcap" "$tmp/damaged.pcap" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[24 + 8:24 + 12] = (10_000_000).to_bytes(4, "little")  # first record's caplen
open(sys.argv[2], "wb").write(d)
PY
expect "damaged record length" "$tmp/damaged.pcap" "damaged: record 1 at byte 24 claims"
printf 'this is not a capture at all\n' >"$tmp/text.pcap"
expect "not a capture" "$tmp/text.pcap" "not a pcap or pcapng capture"
expect "a folder" "$tmp" "not a regular file"
expect "a missing file" "$tmp/none.pcap" "No such file"

# --allow-truncated: the whole records before the cut, exactly
"$portlens" --pcap "$tmp/cut.pcap" --allow-truncated --json "$tmp/t.json" --no-summary \
	2>"$tmp/err"
total=$((total + 1))
if python3 -c "import json,sys;d=json.load(open(sys.argv[1]));sys.exit(0 if d['balance']['received']==int(sys.argv[2]) and d['balance']['in_flight']==0 else 1)" "$tmp/t.json" "$whole" &&
	grep -q "analysing the $whole whole records" "$tmp/err"; then
	echo "ok: --allow-truncated analyses the $whole whole records"
else
	echo "FAIL: --allow-truncated"
	fail=$((fail + 1))
fi
echo "$((total - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
