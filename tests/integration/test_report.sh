#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# report: `portlens --pcap CAPTURE --report out.md --json out.json` on a policy capture
# (FinMark-like traffic with planted findings), with backend pools configured, once with one
# worker and once with three; then on a finmark capture (connection failures above 5 %) and
# a sample-mix capture (a flooding client outside that resets each connection once it is
# established, customers outside, a little malformed traffic). check_report.py compares
# every number of the report with the JSON snapshot of the same run, recomputes top talkers
# and pool traffic from the capture, and checks that the report does not contradict itself
# (window, failed = rejected + unanswered, resets apart, tables that add up, advice that
# follows the definitions). The flood must read as resets after establishment, never as
# failures or a capacity problem. The seven charts must be valid XML (python3 xml.etree,
# and xmllint when present), and one is converted to PNG (rsvg-convert, else headless
# Chromium; skipped when neither is there).
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
	python3 "$src/check_report.py" "$d/out.md" "$d/out.json" "$work/policy.pcap" --backends
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

# more mixes: failures above 5 % (finmark), and a flood of established-then-reset connections
"$pl_gen" --out "$work/finmark.pcap" --mix finmark --count 20000 --seed 4 >/dev/null
"$pl_gen" --out "$work/flood.pcap" --mix sample --count 7000 --pps 150 --seed 7 >/dev/null
for m in finmark flood; do
	mkdir -p "$work/$m"
	"$portlens" --pcap "$work/$m.pcap" --workers 2 --quiet --no-summary \
		--report "$work/$m/out.md" --json "$work/$m/out.json"
	python3 "$src/check_report.py" "$work/$m/out.md" "$work/$m/out.json" "$work/$m.pcap"
done
python3 - "$work/flood/out.md" "$work/flood/out.json" "$work/finmark/out.md" <<'PY'
import json, sys
md, j, fm = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), open(sys.argv[3]).read()
t = j["tcp"]
bad = []
flooder = [f for f in j["findings"] if f["kind"] == "rate_limit" and f["src"] == "198.18.0.9"]
if not flooder:
    bad.append("the flooding source 198.18.0.9 has no rate_limit finding")
if not (t["reset"] > 1000 and t["reset"] > t["established"] / 2):
    bad.append("the flood's resets after establishment were not counted: %s" % t)
if "**Connection failures.**" in md or "capacity" in md.split("## Recommendations")[1]:
    bad.append("the flood's resets read as connection failures or a capacity problem")
if "**Resets after establishment.**" not in md or "floods connections" not in md:
    bad.append("the flood's resets are not explained as resets after establishment")
if "**Connection failures.**" not in fm:
    bad.append("finmark: failures above 5 % are not flagged")
for b in bad:
    print("report: " + b)
sys.exit(1 if bad else 0)
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
