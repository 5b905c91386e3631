#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Captures that cannot be read never pass for shorter ones or for empty traffic: each is
# refused with exit 2, no output file, and exactly one line on stderr naming the file,
# where (record or block and byte) and what is wrong, with what to do: a truncated capture,
# a damaged record length, a file cut inside its header, a file that is not a capture, an
# empty file, a folder without captures, a missing file, a pcap of another version, broken
# pcapng blocks, an unsupported link type (pcap and pcapng), damaged and cut gzip/zstd
# streams (found while reading: still no output, still one line). --allow-truncated
# analyses exactly the whole records before the cut.
# usage: test_capture_errors.sh PORTLENS DATA_DIR
set -euo pipefail
portlens=$1
data=$2
conv="$(cd "$(dirname "$0")" && pwd)/../../tools/capture/pl-capconv.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
total=0
expect() { # name file expected-message-fragment [options...]
	local name=$1 file=$2 frag=$3 rc=0
	shift 3
	rm -f "$tmp/out.json"
	"$portlens" --pcap "$file" --json "$tmp/out.json" --no-summary "$@" 2>"$tmp/err" || rc=$?
	total=$((total + 1))
	if [ "$rc" -eq 2 ] && grep -qF -- "$frag" "$tmp/err" && grep -qF -- "$file" "$tmp/err" &&
		[ "$(wc -l < "$tmp/err")" -eq 1 ] && [ ! -e "$tmp/out.json" ]; then
		echo "ok: $name"
	else
		echo "FAIL: $name (rc $rc, want 2 and one line with '$frag'): $(cat "$tmp/err")"
		fail=$((fail + 1))
	fi
}
# patch FILE OFFSET FORMAT VALUE: overwrite bytes (struct FORMAT) at OFFSET
patch() {
	python3 -c 'import struct,sys
d = bytearray(open(sys.argv[1], "rb").read())
v = struct.pack(sys.argv[3], int(sys.argv[4], 0))
d[int(sys.argv[2]):int(sys.argv[2]) + len(v)] = v
open(sys.argv[1], "wb").write(d)' "$@"
}
s=$data/sample.pcap
size=$(stat -c %s "$s")
head -c $((size - 100)) "$s" >"$tmp/cut.pcap"
# the whole records before the cut (the cut lands in the next one)
whole=$(python3 - "$s" $((size - 100)) <<'PY'
import struct, sys
d, cut, off, n = open(sys.argv[1], "rb").read(), int(sys.argv[2]), 24, 0
while off + 16 <= len(d) and off + 16 + struct.unpack("<I", d[off + 8:off + 12])[0] <= cut:
    off += 16 + struct.unpack("<I", d[off + 8:off + 12])[0]
    n += 1
print(n)
PY
)
expect "truncated capture" "$tmp/cut.pcap" "truncated: record $((whole + 1)) at byte"
head -c 30 "$s" >"$tmp/cut30.pcap"
expect "cut inside the first record header" "$tmp/cut30.pcap" "truncated: record 1 at byte 24"
head -c 12 "$s" >"$tmp/cut12.pcap"
expect "cut inside the file header" "$tmp/cut12.pcap" "file header is cut short"
cp "$s" "$tmp/damaged.pcap"
patch "$tmp/damaged.pcap" 32 "<I" 10000000 # the first record's caplen
expect "damaged record length" "$tmp/damaged.pcap" "damaged: record 1 at byte 24 claims"
printf 'this is not a capture at all\n' >"$tmp/text.pcap"
expect "not a capture" "$tmp/text.pcap" "not a pcap or pcapng capture"
: >"$tmp/empty.pcap"
expect "an empty file" "$tmp/empty.pcap" "empty file (0 bytes)"
mkdir "$tmp/nothing"
expect "a folder without captures" "$tmp/nothing" "a folder with no capture files"
expect "a missing file" "$tmp/none.pcap" "No such file"
expect "a pattern nothing matches" "$tmp/none-*.pcap" "no file matches"
cp "$s" "$tmp/v3.pcap"
patch "$tmp/v3.pcap" 4 "<H" 3
expect "another pcap version" "$tmp/v3.pcap" "pcap version 3.4 at byte 4"
cp "$s" "$tmp/usb.pcap"
patch "$tmp/usb.pcap" 20 "<I" 220
expect "an unsupported link type (pcap)" "$tmp/usb.pcap" "link type 220 (USB_LINUX_MMAPPED) in the file header at byte 20 is not one portlens reads"
grep -q "tcprewrite --dlt=enet" "$tmp/err" || { echo "FAIL: link type: no way to convert"; fail=$((fail + 1)); }

# pcapng: section header 28+12 bytes, then four interface blocks (pl-capconv's layout)
python3 "$conv" "$s" "$tmp/ok.pcapng" pcapng
shb=$(python3 -c 'import struct,sys;print(struct.unpack("<I",open(sys.argv[1],"rb").read()[4:8])[0])' "$tmp/ok.pcapng")
cp "$tmp/ok.pcapng" "$tmp/len.pcapng"
patch "$tmp/len.pcapng" $((shb + 4)) "<I" 13 # the first interface block's length
expect "a pcapng block with a bad length" "$tmp/len.pcapng" "damaged: pcapng block 2 at byte $shb has length 13"
cp "$tmp/ok.pcapng" "$tmp/trail.pcapng"
patch "$tmp/trail.pcapng" $((shb - 4)) "<I" 44
expect "a pcapng block with a mismatched trailing length" "$tmp/trail.pcapng" "damaged: pcapng block 1 at byte 0 ends with a length other than its own"
cp "$tmp/ok.pcapng" "$tmp/lt.pcapng"
patch "$tmp/lt.pcapng" $((shb + 8)) "<H" 147
expect "an unsupported link type (pcapng)" "$tmp/lt.pcapng" "link type 147 (USER0) for interface 0 (pcapng block 2 at byte $shb)"
cp "$tmp/ok.pcapng" "$tmp/ver.pcapng"
patch "$tmp/ver.pcapng" 12 "<H" 2
expect "another pcapng version" "$tmp/ver.pcapng" "pcapng version 2.0 in the section header at byte 0"

# compressed: damage is found while reading, and still refused in one line, no output
python3 "$conv" "$s" "$tmp/ok.pcap.gz" gzip
gz=$(stat -c %s "$tmp/ok.pcap.gz")
head -c $((gz / 2)) "$tmp/ok.pcap.gz" >"$tmp/cut.pcap.gz"
expect "a cut gzip stream" "$tmp/cut.pcap.gz" "of the decompressed stream needs"
cp "$tmp/ok.pcap.gz" "$tmp/bad.pcap.gz"
patch "$tmp/bad.pcap.gz" $((gz - 8)) "<I" 0x12345678 # the CRC-32 of the content
expect "a damaged gzip stream" "$tmp/bad.pcap.gz" "damaged gzip stream at compressed byte"
python3 "$conv" "$s" "$tmp/ok.zst" zstd
zs=$(stat -c %s "$tmp/ok.zst")
cp "$tmp/ok.zst" "$tmp/bad.zst"
patch "$tmp/bad.zst" $((zs - 4)) "<I" 0x12345678 # the content checksum
expect "a damaged zstd stream" "$tmp/bad.zst" "damaged zstd stream at compressed byte"
printf '\x1f\x8bthis is no gzip' >"$tmp/nogz.gz"
expect "a gzip header with nothing valid" "$tmp/nogz.gz" "damaged gzip stream at compressed byte"
# one bad file among good ones: that file is named
expect "a bad file among good ones" "$tmp/v3.pcap" "pcap version 3.4" --pcap "$s"

# --allow-truncated: the whole records before the cut, exactly
"$portlens" --pcap "$tmp/cut.pcap" --allow-truncated --json "$tmp/t.json" --no-summary \
	2>"$tmp/err" || true
total=$((total + 1))
if python3 -c "import json,sys;d=json.load(open(sys.argv[1]));sys.exit(0 if d['balance']['received']==int(sys.argv[2]) and d['balance']['in_flight']==0 else 1)" "$tmp/t.json" "$whole" &&
	grep -q "analysing the $whole whole records" "$tmp/err"; then
	echo "ok: --allow-truncated analyses the $whole whole records"
else
	echo "FAIL: --allow-truncated: $(cat "$tmp/err")"
	fail=$((fail + 1))
fi
echo "$((total - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
