#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# capture_formats: one capture rewritten into every link type and format portlens reads
# (tools/capture/pl-capconv.py, which shares no code with portlens's reader) must give the
# same analysis as the original: totals, protocols, directions, ports, bins, top ports,
# classes and TCP outcomes, with one worker and with three. The original itself is checked
# against tshark (truth.py). Compressed and multi-file runs (a folder, a pattern, several
# --pcap, rotated gzip files) equal the single plain file. Frames rewritten from link types
# without an Ethernet header count as the Ethernet frame they would have been, padded to 60
# bytes (docs/operator-guide.md, "Link types"). A capture cut by a snapshot length, and its
# rewrites, give the original's analysis too. A plain file is read the same mapped, with
# read() and as the reader's measurement of both decides (--capture-io).
#
# usage: test_capture_formats.sh PORTLENS PL_GEN [SRC_DIR]
set -euo pipefail

. "$(dirname "$0")/lib.sh"
test_setup capture_formats "$@"
need_tshark
conv="$src/../../tools/capture/pl-capconv.py"

failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# same NAME A.json B.json: the analyses agree (compare.py's sections, classes, TCP outcomes).
same() {
	local name=$1
	if ! "$py" "$src/compare.py" --names original,"$name" "$2" "$3" > "$work/cmp.log"; then
		tail -n 8 "$work/cmp.log"
		fail "$name: totals/protocols/directions/ports/bins differ from the original"
		return
	fi
	"$py" - "$2" "$3" "$name" <<'EOF' || fail "$name: classes or TCP outcomes differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
cls = lambda s: {c["name"]: (c["packets"], c["bytes"], c["connections"]) for c in s["classes"]}
bad = []
if cls(a) != cls(b):
	bad.append("classes %r != %r" % (cls(a), cls(b)))
if a["tcp"] != b["tcp"]:
	bad.append("tcp %r != %r" % (a["tcp"], b["tcp"]))
if b["balance"]["in_flight"] != 0 or b["balance"]["received"] != b["totals"]["packets"]:
	bad.append("balance not closed: %r" % b["balance"])
for m in bad:
	print("%s: %s" % (sys.argv[3], m))
sys.exit(1 if bad else 0)
EOF
	echo "ok: $name"
}

# run NAME JSON ARGS...: portlens offline; any failure is reported with its log.
run() {
	local name=$1 out=$2 rc=0
	shift 2
	"$portlens" "$@" --json "$out" --no-summary > "$work/run.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] || [ ! -s "$out" ]; then
		fail "$name: portlens exited with $rc"
		tail -n 5 "$work/run.log"
		return 1
	fi
}

orig=$work/orig.pcap
"$pl_gen" --mix finmark --count 20000 --seed 6 --out "$orig"
"$py" "$src/truth.py" "$orig" --out "$work/truth.json"
for w in 1 3; do
	run "original, $w workers" "$work/orig.w$w.json" --pcap "$orig" --workers "$w"
	"$py" "$src/compare.py" --names truth,portlens "$work/truth.json" "$work/orig.w$w.json" \
		> "$work/cmp.log" || { tail -n 8 "$work/cmp.log"; fail "original: tshark disagrees"; }
done
same "original, 3 workers" "$work/orig.w1.json" "$work/orig.w3.json"

# a snapshot length (tcpdump -s 96, here editcap's): each frame's first 96 bytes; lengths
# and byte counts from the length on the wire, as tshark reads them, so the analysis is the
# original's (payload signatures aside: they see the bytes held); rewrites keep the cut
snap=$work/snap.pcap
editcap -F pcap -s 96 "$orig" "$snap"
"$py" "$src/truth.py" "$snap" --out "$work/snap.truth.json"
for w in 1 3; do
	run "snaplen 96, $w workers" "$work/snap.w$w.json" --pcap "$snap" --workers "$w" ||
		continue
	"$py" "$src/compare.py" --names truth,portlens "$work/snap.truth.json" \
		"$work/snap.w$w.json" > "$work/cmp.log" ||
		{ tail -n 8 "$work/cmp.log"; fail "snaplen 96: tshark disagrees"; }
	same "snaplen 96, $w workers" "$work/orig.w1.json" "$work/snap.w$w.json"
done
for kind in sll raw null-le pcapng pcap-ns; do
	"$py" "$conv" "$snap" "$work/snap.$kind" "$kind" 2> /dev/null
	run "snaplen 96, $kind" "$work/snap.$kind.json" --pcap "$work/snap.$kind" &&
		same "snaplen 96 as $kind" "$work/orig.w1.json" "$work/snap.$kind.json"
done

# every link type and format, one and three workers
for kind in pcap-ns pcap-be sll sll2 raw raw12 raw14 ipv4 ipv6 null-le null-be loop-be \
	loop-le pcapng pcapng-be gzip zstd; do
	"$py" "$conv" "$orig" "$work/c.$kind" "$kind" 2> /dev/null
	for w in 1 3; do
		run "$kind" "$work/c.$kind.w$w.json" --pcap "$work/c.$kind" --workers "$w" || continue
		case $kind in
		ipv4 | ipv6) ;; # half the traffic each: checked below, added up
		*) same "$kind, $w workers" "$work/orig.w1.json" "$work/c.$kind.w$w.json" ;;
		esac
	done
done
# IPV4 + IPV6 as two files read as one: the original's traffic again
run "ipv4+ipv6" "$work/v46.json" --pcap "$work/c.ipv4" --pcap "$work/c.ipv6"
same "ipv4 and ipv6 files together" "$work/orig.w1.json" "$work/v46.json"

# several files: rotated plain files as a folder, a pattern, shell words, reversed --pcap
mkdir "$work/rot"
"$py" "$conv" "$orig" "$work/rot/trace.pcap" pcap-us --files 4
run "folder" "$work/dir.json" --pcap "$work/rot" --workers 2 &&
	same "rotated files as a folder" "$work/orig.w1.json" "$work/dir.json"
run "pattern" "$work/glob.json" --pcap "$work/rot/trace.pcap*" &&
	same "rotated files as a quoted pattern" "$work/orig.w1.json" "$work/glob.json"
run "words" "$work/words.json" --pcap "$work"/rot/trace.pcap* &&
	same "rotated files as shell words" "$work/orig.w1.json" "$work/words.json"
run "reversed" "$work/rev.json" --pcap "$work/rot/trace.pcap3" --pcap "$work/rot/trace.pcap2" \
	--pcap "$work/rot/trace.pcap1" --pcap "$work/rot/trace.pcap" &&
	same "rotated files named newest first" "$work/orig.w1.json" "$work/rev.json"
mkdir "$work/rotz"
"$py" "$conv" "$orig" "$work/rotz/trace.pcap.gz" gzip --files 3
"$py" "$conv" "$orig" "$work/rotz/trace.zst" zstd --files 2
run "rotated gzip" "$work/rotgz.json" --pcap "$work/rotz/trace.pcap.gz*" --workers 3 &&
	same "rotated gzip files" "$work/orig.w1.json" "$work/rotgz.json"
run "rotated zstd + pcapng" "$work/mix.json" --pcap "$work/rotz/trace.zst" \
	--pcap "$work/rotz/trace.zst1" &&
	same "rotated zstd files" "$work/orig.w1.json" "$work/mix.json"

# a plain file large enough for the reader to measure mapping against read() (8 MiB): read
# mapped, with read() and as the measurement decides, the same analysis; --timings says
# how the files were read and, with auto, what the measurement found
big=$work/big.pcap
"$pl_gen" --mix finmark --count 32000 --seed 7 --out "$big"
for io in map read auto; do
	run "--capture-io $io" "$work/big.$io.json" --pcap "$big" --capture-io "$io" --timings ||
		continue
	case $io in
	map) want="plain files mapped \\(--capture-io\\)" ;;
	read) want="plain files read\\(\\) \\(--capture-io\\)" ;;
	auto) want="plain files (mapped|read\(\)): a KiB mapped [0-9]+ cycles, read\(\) [0-9]+" ;;
	esac
	grep -Eq "reading [0-9]+, $want\)" "$work/run.log" ||
		{ grep "run:" "$work/run.log"; fail "--capture-io $io: --timings does not say '$want'"; }
	[ "$io" = map ] || same "--capture-io $io" "$work/big.map.json" "$work/big.$io.json"
done

# bytes without an Ethernet header: the Ethernet frame it would have been, at least 60
"$pl_gen" --mix min64 --count 3000 --seed 5 --out "$work/min.pcap"
"$py" "$conv" "$work/min.pcap" "$work/min.raw" raw
run "min64 raw" "$work/min.raw.json" --pcap "$work/min.raw" &&
	"$py" - "$work/min.raw.json" "$work/min.raw" <<'EOF' || fail "raw IP bytes: not 14 + IP length padded to 60"
import json, struct, sys
s = json.load(open(sys.argv[1]))
d = open(sys.argv[2], "rb").read()
off, want, n = 24, 0, 0
while off < len(d):
	caplen = struct.unpack("<I", d[off + 8:off + 12])[0]
	want += max(60, 14 + caplen)
	n += 1
	off += 16 + caplen
ok = s["totals"]["packets"] == n and s["totals"]["bytes"] == want and want > 0
print("%s: raw IP bytes %d, expected %d (%d packets)" % ("ok" if ok else "FAIL", s["totals"]["bytes"], want, n))
sys.exit(0 if ok else 1)
EOF

if [ "$failures" -ne 0 ]; then
	echo "capture_formats: $failures failure(s)"
	exit 1
fi
echo "capture_formats: every rewrite matches the original"
