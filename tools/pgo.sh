#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Profile-guided build of portlens (GCC's -fprofile-generate / -fprofile-use through meson's
# b_pgo): the build folder is built instrumented, portlens runs a training set of traffic
# on the paths users run (offline captures of every generated mix and several formats, with
# one and two workers; a live port, net_pcap, with and without payload scanning), and the
# folder is built again with the profiles. Code the training never ran keeps its ordinary
# optimisation (-fprofile-partial-training, meson.build). docs/benchmarking.md ("Profile-
# guided build") has what it gains and how it was measured.
#
#   tools/pgo.sh BUILD     BUILD: a configured meson build folder (gcc)
#
# Idempotent: a folder built with profiles of the same sources (app/ and lib/, a checksum in
# BUILD/pgo-sources) is only brought up to date; after a change to them it is trained again
# (a plain `ninja -C BUILD` in between keeps the old profiles for the functions that did not
# change). PORTLENS_PGO=0 in the environment skips the training (b_pgo stays as it is).
set -euo pipefail

build=${1:?usage: tools/pgo.sh BUILD}
here=$(cd "$(dirname "$0")/.." && pwd)

pgo_mode() {
	meson introspect "$build" --buildoptions | python3 -c "import json, sys
print([o['value'] for o in json.load(sys.stdin) if o['name'] == 'b_pgo'][0])"
}

sources=$(cd "$here" && find app lib -type f \( -name '*.c' -o -name '*.h' \) -print0 |
	sort -z | xargs -0 cat | sha1sum | cut -d' ' -f1)
if [ "${PORTLENS_PGO:-1}" = 0 ] ||
	{ [ "$(pgo_mode)" = use ] && [ "$(cat "$build/pgo-sources" 2>/dev/null)" = "$sources" ]; }; then
	ninja -C "$build"
	exit 0
fi
if ! grep -q "C compiler for the host machine: .*(gcc " "$build/meson-logs/meson-log.txt"; then
	echo "pgo: $build is not built with gcc; building without profiles" >&2
	ninja -C "$build"
	exit 0
fi

echo "pgo: building $build instrumented (b_pgo=generate)"
find "$build" -name '*.gcda' -delete
meson configure "$build" -Db_pgo=generate >/dev/null
ninja -C "$build" app/portlens tools/gen/pl-gen

train=$(mktemp -d)
trap 'rm -rf "$train"' EXIT
gen="$build/tools/gen/pl-gen"
# the shipped configuration, whatever the machine's /etc/portlens holds
cfg="$here/lib/config/portlens.yaml"
pl() { "$build/app/portlens" "$@"; }
run() { # a training run; its output is of no interest, its failure is
	"$@" >"$train/out.txt" 2>&1 || { cat "$train/out.txt" >&2; echo "pgo: failed: $*" >&2; exit 1; }
}

echo "pgo: training"
for m in finmark:200000 imix-flows:60000 min64:60000 policy:30000 tunnels:30000 \
	mixed:20000 random-ports:20000 imix:4000; do
	run "$gen" --mix "${m%%:*}" --count "${m##*:}" --seed 7 --out "$train/${m%%:*}.pcap"
done
# offline: the fast reader (classic pcap of Ethernet frames), then the general one
for f in finmark imix-flows min64 policy tunnels mixed random-ports; do
	run pl --pcap "$train/$f.pcap" --config "$cfg" --quiet --no-summary
done
run pl --pcap "$train/finmark.pcap" --config "$cfg" --quiet --no-summary --workers 2
run pl --pcap "$here/tests/data/sample.pcap" --config "$cfg" --json "$train/s.json" \
	--report "$train/r.md"
for k in pcapng sll2 raw gzip; do
	run python3 "$here/tools/capture/pl-capconv.py" "$train/policy.pcap" "$train/p.$k" "$k"
	run pl --pcap "$train/p.$k" --config "$cfg" --quiet --no-summary
done
# live: a port that replays a capture (net_pcap, which holds it in mbufs: a short one), the
# RX lcore hashing in software
printf 'scan:\n  budget: 0\n' >"$train/noscan.yaml"
for c in "$cfg" "$train/noscan.yaml"; do
	run pl --lcores "(0-2)@(0-$(($(nproc) - 1)))" --no-huge -m 1024 --no-pci \
		--no-shconf --file-prefix "plpgo$$" \
		--vdev "net_pcap0,rx_pcap=$train/imix.pcap,infinite_rx=1" -- \
		--workers 1 --duration 3 --no-summary --config "$c"
done

echo "pgo: building $build with the profiles (b_pgo=use)"
meson configure "$build" -Db_pgo=use >/dev/null
ninja -C "$build"
echo "$sources" >"$build/pgo-sources"
