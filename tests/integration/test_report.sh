#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# report: `portlens --pcap CAPTURE --report out.md --json out.json` on a policy capture
# (FinMark-like traffic with planted findings), with backend pools configured, once with one
# worker and once with three; check_report.py compares every number of the report with the
# JSON snapshot of the same run and recomputes top talkers and pool traffic from the capture.
# The four charts must be valid XML (python3 xml.etree, and xmllint when present), and one is
# converted to PNG (rsvg-convert, else headless Chromium; skipped when neither is there).
#
# usage: test_report.sh PORTLENS PL_GEN [SRC_DIR]
# Environment: PL_KEEP=1 keeps the work directory (its path is printed).
set -euo pipefail

. "$(dirname "$0")/lib.sh"
test_setup report "$@"

"$pl_gen" --out "$work/policy.pcap" --mix policy --count 30000 --seed 11 >/dev/null
cat > "$work/portlens.yaml" <<'YAML'
backends:
  - name: web
    addresses: [10.1.0.0/24]
  - name: api
    addresses: [10.1.1.0/24]
  - name: db
    addresses: [10.1.2.0/24]
YAML

for w in 1 3; do
	d="$work/w$w"
	mkdir -p "$d"
	"$portlens" --pcap "$work/policy.pcap" --config "$work/portlens.yaml" --workers $w \
		--quiet --no-summary --report "$d/out.md" --json "$d/out.json"
	python3 "$src/check_report.py" "$d/out.md" "$d/out.json" "$work/policy.pcap"
	if ls "$d" | grep -q '\.tmp\.'; then
		echo "report: a temporary file was left in $d" >&2
		exit 1
	fi
done

# the same numbers whatever the worker count (talkers and pools merge exactly)
python3 - "$work/w1/out.json" "$work/w3/out.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("top_talkers", "backends", "talkers"):
    if a[k] != b[k]:
        print("report: %s differ between 1 and 3 workers" % k)
        sys.exit(1)
PY

if command -v xmllint >/dev/null; then
	xmllint --noout "$work"/w1/out-*.svg
fi

svg="$work/w1/out-in-packets.svg"
png="$work/w1/out-in-packets.png"
if command -v rsvg-convert >/dev/null; then
	rsvg-convert -o "$png" "$svg"
elif command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
	chrome=$(command -v chromium || command -v chromium-browser)
	timeout 60 "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--window-size=960,420 --screenshot="$png" "file://$svg" >/dev/null 2>&1 || true
else
	echo "report: no rsvg-convert or chromium, PNG conversion skipped"
fi
if [ -e "$png" ]; then
	if [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ] ||
	   [ "$(stat -c %s "$png")" -lt 2000 ]; then
		echo "report: $png is not a PNG with a chart in it" >&2
		exit 1
	fi
	echo "report: $svg converted to PNG ($(stat -c %s "$png") bytes)"
fi
echo "report: ok"
