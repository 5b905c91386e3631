#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The HTTP surface (--http, lib/http) end to end:
#  1. offline run with --linger: /metrics parses as Prometheus text, passes `promtool check
#     metrics` (Debian's prometheus package), and every value checked equals /api/snapshot
#     (the same final snapshot: exact equality), histograms included; per-port series are
#     the well-known ports and the top 10 by packets and by bytes per direction, every port
#     with ?ports=all, and ?ports=junk is a 400; /api/history has
#     points; 404 for unknown paths and traversal attempts, 405 (+ Allow) for POST, 413 for a
#     big body, 400 for a malformed request, 403 for a foreign Host, HEAD works; `--http PORT`
#     binds 127.0.0.1 only;
#  2. bad --http values and a port in use exit 2 with a clear message;
#  3. live run on a net_pcap vdev (infinite_rx) of random destination ports: metrics move
#     forward between scrapes and bracket the JSON snapshot taken between them; a live
#     scrape passes promtool and its number of series stays bounded although every port
#     has traffic; the history has rates;
#  4. headless Chromium renders the dashboard: the four per-port charts, throughput, the
#     findings and lcore tables, the packet count; a screenshot is taken (PL_SCREENSHOT=FILE
#     keeps a copy).
# The offline server lingers long enough for the whole test (600 s); cleanup ends it.
# usage: test_http.sh PORTLENS PL_GEN   (exit 77: chromium, curl or promtool not installed)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
portlens=$1
plgen=$2
for tool in curl chromium promtool; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool not installed"
		exit 77
	fi
done
# prometheus_client is in Debian's python3-prometheus-client (system python)
py=python3
if /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null; then py=/usr/bin/python3; fi
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

"$plgen" --mix policy --count 30000 --seed 5 --out "$tmp/policy.pcap" >/dev/null

# ---- 1. offline run, lingering on the final snapshot ----
port=$(free_port)
base="http://127.0.0.1:$port"
"$portlens" --pcap "$tmp/policy.pcap" --local-net 10.1.0.0/16 --http "$port" --linger 600 \
	--no-summary --quiet >"$tmp/off.log" 2>&1 &
pids+=($!)
final=False
for _ in $(seq 1 100); do
	if curl -sf "$base/api/snapshot" -o "$tmp/snap.json" 2>/dev/null &&
	   python3 -c 'import json,sys;sys.exit(0 if json.load(open(sys.argv[1]))["final"] else 1)' "$tmp/snap.json"; then
		final=True
		break
	fi
	sleep 0.2
done
check "offline: the final snapshot is served while lingering" "$final"
curl -sf -D "$tmp/metrics.hdr" "$base/metrics" -o "$tmp/metrics.txt"
curl -sf "$base/metrics?ports=all" -o "$tmp/metrics-all.txt"
check "promtool check metrics passes on /metrics" "$(promtool check metrics <"$tmp/metrics.txt" \
	>"$tmp/promtool.out" 2>&1 && [ ! -s "$tmp/promtool.out" ] && echo True || { cat "$tmp/promtool.out"; echo False; })"
check "promtool check metrics passes on /metrics?ports=all" "$(promtool check metrics \
	<"$tmp/metrics-all.txt" >/dev/null 2>&1 && echo True || echo False)"
check "/metrics?ports=junk: 400" "$([ "$(status "$base/metrics?ports=junk")" = 400 ] && echo True || echo False)"
curl -sf "$base/api/snapshot" -o "$tmp/snap.json"
curl -sf "$base/api/history" -o "$tmp/hist.json"
check "/metrics content type is text/plain; version=0.0.4" \
	"$(grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/metrics.hdr" && echo True || echo False)"

cmp_ok=0
"$py" - "$tmp/metrics.txt" "$tmp/snap.json" "$tmp/hist.json" "$tmp/metrics-all.txt" >"$tmp/cmp.out" <<'PY' || cmp_ok=$?
import json, re, sys
text = open(sys.argv[1]).read()
snap = json.load(open(sys.argv[2]))
hist = json.load(open(sys.argv[3]))
text_all = open(sys.argv[4]).read()

def ok(name, cond):
    print(("ok: " if cond else "FAIL: ") + name)

# Parse: prometheus_client when available, and a strict line check in any case.
samples = {}
line_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (\S+)$')
lab_re = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
helps, types, bad = set(), {}, []
for ln in text.splitlines():
    if ln.startswith('# HELP '):
        helps.add(ln.split()[2])
    elif ln.startswith('# TYPE '):
        _, _, n, t = ln.split(' ', 3)
        types[n] = t
    elif ln:
        m = line_re.match(ln)
        if not m:
            bad.append(ln)
            continue
        labels = tuple(sorted(lab_re.findall(m.group(2) or '')))
        samples[(m.group(1), labels)] = float(m.group(3))
ok("every metric line is well-formed (%d bad)" % len(bad), not bad)
ok("every family has HELP and TYPE", set(types) == helps and len(types) > 40)
ok("every name starts with portlens_", all(n.startswith('portlens_') for n in types))
ok("counters end in _total, gauges do not",
   all((t == 'counter') == n.endswith('_total') for n, t in types.items()))
def family_of(n):
    for suffix in ('_bucket', '_sum', '_count'):
        if n.endswith(suffix) and types.get(n[:-len(suffix)]) == 'histogram':
            return n[:-len(suffix)]
    return n
ok("every sample belongs to a declared family", all(family_of(n) in types for n, _ in samples))
ok("histograms: frame_size_bytes, interarrival_seconds",
   types.get('portlens_frame_size_bytes') == 'histogram' and
   types.get('portlens_interarrival_seconds') == 'histogram')
try:
    from prometheus_client.parser import text_string_to_metric_families
    fams = list(text_string_to_metric_families(text))
    ok("prometheus_client parses /metrics (%d families)" % len(fams), len(fams) == len(types))
except ImportError:
    print("ok: prometheus_client not installed, strict line check only")

def v(_metric, **lab):
    return samples.get(('portlens_' + _metric, tuple(sorted(lab.items()))))

t = snap['totals']
ok("schema portlens.snapshot.v1", snap['schema'] == 'portlens.snapshot.v1')
ok("packets_total == totals.packets", v('packets_total') == t['packets'] > 0)
ok("bytes_total == totals.bytes", v('bytes_total') == t['bytes'])
ok("snapshot_seq and final agree", v('snapshot_seq') == snap['seq'] and v('snapshot_final') == 1)
ok("malformed by reason", all(v('malformed_packets_total', reason=r) == n
                              for r, n in snap['malformed_reasons'].items()))
ok("ip and l4 protocols", all(v('ip_packets_total', protocol=p) == snap['protocols'][p]
                              for p in ('ipv4', 'ipv6')) and
   all(v('l4_packets_total', protocol=p) == snap['protocols'][p]
       for p in ('tcp', 'udp', 'icmp', 'other')))
ok("directions", all(v('direction_packets_total', direction=d) == x['packets'] and
                     v('direction_bytes_total', direction=d) == x['bytes']
                     for d, x in snap['directions'].items()))
def bounded(a, n=10):
    """The ports with their own series by default: well-known, and the top n both ways."""
    keep = {e['port'] for e in a if e['port'] < 1024}
    for k in ('packets', 'bytes'):
        keep |= {e['port'] for e in sorted(a, key=lambda e: (-e[k], e['port']))[:n]}
    return keep
want = {(d, p) for d, a in snap['ports'].items() for p in bounded(a)}
got = {(dict(l)['direction'], int(dict(l)['port'])) for n, l in samples
       if n == 'portlens_port_packets_total'}
ok("per-port series: the well-known ports and the top 10 both ways (%d)" % len(want),
   len(want) > 0 and got == want and
   all(v('port_packets_total', direction=d, port=str(e['port'])) == e['packets'] and
       v('port_bytes_total', direction=d, port=str(e['port'])) == e['bytes']
       for d, a in snap['ports'].items() for e in a if (d, e['port']) in want))
nports = sum(len(a) for a in snap['ports'].values())
ok("?ports=all: a series per port with traffic (%d)" % nports,
   sum(1 for ln in text_all.splitlines() if ln.startswith('portlens_port_packets_total{')) == nports)
cum, sizes = 0, []
for b in snap['sizes']:
    cum += b['packets']
    sizes.append((b['max'], cum))
ok("frame sizes: cumulative buckets at the wire-size bounds, sum and count",
   all(v('frame_size_bytes_bucket', le=str(m) if m is not None else '+Inf') == c for m, c in sizes) and
   v('frame_size_bytes_sum') == snap['sizes_wire_bytes'] and v('frame_size_bytes_count') == cum)
ok("inter-arrival: count and sum per direction",
   all(v('interarrival_seconds_count', direction=d) == sum(e['packets'] for e in a) and
       abs(v('interarrival_seconds_sum', direction=d) - snap['iat_sum_ns'][d] / 1e9) <= 1e-9 * max(1, snap['iat_sum_ns'][d] / 1e9)
       for d, a in snap['iat'].items()))
ok("bins with first/last labels",
   all(v('bin_packets_total', direction=d, first=str(e['first']), last=str(e['last'])) == e['packets'] and
       v('bin_bytes_total', direction=d, first=str(e['first']), last=str(e['last'])) == e['bytes']
       for d, a in snap['bins'].items() for e in a))
ok("top ports: the port is a label, the value its packets or bytes",
   all(v('top_port_packets', direction=d, port=str(x['by_packets']['port'])) == x['by_packets']['packets'] and
       v('top_port_bytes', direction=d, port=str(x['by_bytes']['port'])) == x['by_bytes']['bytes']
       for d, x in snap['top_ports'].items() if x['by_packets']['port'] is not None))
ok("classes: packets, bytes, connections, share",
   len(snap['classes']) > 0 and
   all(v('class_packets_total', **{'class': c['name']}) == c['packets'] and
       v('class_bytes_total', **{'class': c['name']}) == c['bytes'] and
       v('class_connections_total', **{'class': c['name']}) == c['connections'] and
       abs(v('class_share_ratio', **{'class': c['name']}) - c['share']) < 1e-5
       for c in snap['classes']))
ok("qos colours", all(v('qos_packets_total', colour=k, **{'class': c}) == n
                      for c, x in snap['qos'].items() for k, n in x.items()))
tcp = snap['tcp']
ok("tcp outcomes and gauges",
   all(v('tcp_connections_total', outcome=o) == tcp[o]
       for o in ('attempted', 'established', 'rejected', 'unanswered', 'closed', 'reset',
                 'reset_in_handshake')) and
   v('tcp_active_connections') == tcp['active'] and
   v('tcp_time_wait_connections') == tcp['time_wait'] and tcp['established'] > 0)
ok("flows", v('flows_tracked') == snap['flows']['tracked'] and
   v('flows_created_total') == snap['flows']['created'])
kinds = {}
for f in snap['findings']:
    kinds[f['kind']] = kinds.get(f['kind'], 0) + 1
ok("findings per kind", len(kinds) > 0 and
   all(v('findings', kind=k) == n for k, n in kinds.items()))
b = snap['balance']
ok("balance", v('received_packets_total') == b['received'] and
   v('processed_packets_total') == b['processed'] and
   v('in_flight_packets') == b['in_flight'] and v('balance_closes') == 1 and
   all(v('dropped_packets_total', reason=r) == n for r, n in b['dropped'].items()))
ok("lcores: packets, busy ratio (0 to 1), cycles per packet",
   all(v('lcore_packets_total', lcore=str(l['lcore']), role=l['role'], index=str(l['index'])) == l['packets'] and
       abs(100 * v('lcore_busy_ratio', lcore=str(l['lcore']), role=l['role'], index=str(l['index'])) - l['busy_pct']) <= 1e-5 * max(1, l['busy_pct']) and
       abs(v('lcore_cycles_per_packet', lcore=str(l['lcore']), role=l['role'], index=str(l['index'])) - l['cycles_per_packet']) <= 1e-5 * max(1, l['cycles_per_packet'])
       for l in snap['lcores']))
ok("ports_hw by port_id", all(v('port_hw_rx_packets_total', port_id=str(h['port']), name=h['name']) == h['ipackets']
                              for h in snap['ports_hw']) and len(snap['ports_hw']) > 0)
ok("verdicts", all(v('verdict_packets_total', verdict=k) == n for k, n in snap['verdicts'].items()))
pts = hist['points']
ok("history: schema and points (%d)" % len(pts), hist['schema'] == 'portlens.history.v1' and len(pts) >= 1
   and pts[-1]['packets'] == t['packets'] and all(p['rates'] is None or p['rates']['pps'] >= 0 for p in pts))
PY
[ "$cmp_ok" = 0 ] || echo "FAIL: the comparison script stopped (exit $cmp_ok)" >>"$tmp/cmp.out"
cat "$tmp/cmp.out"
fail=$((fail + $(grep -c '^FAIL' "$tmp/cmp.out" || true)))
total=$((total + $(grep -c '^\(ok\|FAIL\)' "$tmp/cmp.out" || true)))

check "unknown path: 404 with a JSON body" "$([ "$(status "$base/nope")" = 404 ] &&
	curl -s "$base/nope" | python3 -c 'import json,sys;sys.exit(0 if json.load(sys.stdin)["status"]==404 else 1)' && echo True || echo False)"
check "POST: 405 with Allow: GET, HEAD" "$([ "$(status -X POST -d a=1 "$base/metrics")" = 405 ] &&
	curl -s -D - -o /dev/null -X POST -d a=1 "$base/metrics" | grep -qi '^allow: GET, HEAD' && echo True || echo False)"
check "DELETE on /: 405" "$([ "$(status -X DELETE "$base/")" = 405 ] && echo True || echo False)"
head -c 100000 /dev/zero >"$tmp/big"
check "big body: 413" "$([ "$(status -X POST --data-binary @"$tmp/big" "$base/api/snapshot")" = 413 ] && echo True || echo False)"
check "big chunked body: 413" "$([ "$(status -X POST -H 'Transfer-Encoding: chunked' --data-binary @"$tmp/big" "$base/metrics")" = 413 ] && echo True || echo False)"
check "traversal /../../etc/passwd: 404" "$([ "$(status --path-as-is "$base/../../etc/passwd")" = 404 ] && echo True || echo False)"
check "traversal /%2e%2e/%2e%2e/etc/passwd: 404" "$([ "$(status --path-as-is "$base/%2e%2e/%2e%2e/etc/passwd")" = 404 ] && echo True || echo False)"
check "traversal /api/../metrics is not normalised: 404" "$([ "$(status --path-as-is "$base/api/../etc/passwd")" = 404 ] && echo True || echo False)"
check "HEAD /api/snapshot: 200, no body" "$([ "$(status -I "$base/api/snapshot")" = 200 ] &&
	[ "$(curl -s -I "$base/api/snapshot" | tail -n +2 | grep -vc ':' || true)" -le 1 ] && echo True || echo False)"
check "foreign Host on a loopback server: 403" "$([ "$(status -H 'Host: evil.example' "$base/")" = 403 ] && echo True || echo False)"
check "Host localhost: 200" "$([ "$(status -H "Host: localhost:$port" "$base/")" = 200 ] && echo True || echo False)"
raw() { # port request: the status line of the answer
	python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
try:
    print(s.recv(100).split(b"\r\n")[0].decode(errors="replace") or "closed")
except OSError:
    print("closed")
PY
}
bad_hdr=$(raw "$port" 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n')
check "malformed header line: 400 ($bad_hdr)" "$([[ "$bad_hdr" == *" 400 "* ]] && echo True || echo False)"
no_host=$(raw "$port" 'GET /metrics HTTP/1.1\r\n\r\n')
check "HTTP/1.1 without Host: 400 ($no_host)" "$([[ "$no_host" == *" 400 "* ]] && echo True || echo False)"
garbage=$(raw "$port" 'GARBAGE\r\n\r\n')
check "garbage request line: refused, not served ($garbage)" "$([[ "$garbage" != *" 200 "* ]] && echo True || echo False)"
check "dashboard: text/html with a CSP, no external resources" "$(curl -s -D "$tmp/dash.hdr" "$base/" -o "$tmp/dash.html" &&
	grep -qi '^content-type: text/html' "$tmp/dash.hdr" && grep -qi '^content-security-policy:' "$tmp/dash.hdr" &&
	! grep -Eq '(src|href)="(https?:)?//' "$tmp/dash.html" && echo True || echo False)"
hexport=$(printf '%04X' "$port")
check "--http PORT listens on 127.0.0.1 only" "$(awk -v p=":$hexport" '$4=="0A" && $2 ~ p"$" {print $2}' /proc/net/tcp |
	grep -qx "0100007F:$hexport" && ! grep -q "00000000:$hexport .* 0A " /proc/net/tcp &&
	! grep -q ":$hexport 00000000000000000000000000000000:0000 0A" /proc/net/tcp6 2>/dev/null && echo True || echo False)"

# ---- 2. bad values and a port in use ----
rc=0; "$portlens" --pcap "$tmp/policy.pcap" --http "127.0.0.1:$port" --quiet >"$tmp/inuse.log" 2>&1 || rc=$?
check "port in use: exit 2, says so" "$([ "$rc" = 2 ] && grep -q 'Address already in use' "$tmp/inuse.log" && echo True || echo False)"
for bad in "nonsense:80" "127.0.0.1:99999" "::1:80" "" "127.0.0.1:" "[::1]80"; do
	rc=0; "$portlens" --pcap "$tmp/policy.pcap" --http "$bad" --quiet >"$tmp/bad.log" 2>&1 || rc=$?
	check "--http '$bad': exit 2 with a message" "$([ "$rc" = 2 ] && grep -q -- '--http' "$tmp/bad.log" && echo True || echo False)"
done
rc=0; "$portlens" --pcap "$tmp/policy.pcap" --linger 3 --quiet >"$tmp/bad.log" 2>&1 || rc=$?
check "--linger without --http: exit 2" "$([ "$rc" = 2 ] && grep -q 'needs --http' "$tmp/bad.log" && echo True || echo False)"

# ---- 3. live run on net_pcap with infinite_rx ----
lport=$(free_port)
lbase="http://127.0.0.1:$lport"
"$plgen" --mix random-ports --count 3000 --seed 22 --out "$tmp/flat.pcap" >/dev/null
# shellcheck disable=SC2086
"$portlens" $lc --no-huge -m 512 --no-pci --no-shconf --log-level=error --file-prefix "pl-http-$$" \
	--vdev "net_pcap0,rx_pcap=$tmp/flat.pcap,infinite_rx=1" \
	-- --workers 1 --tick-ms 200 --http "127.0.0.1:$lport" --no-summary --quiet >"$tmp/live.log" 2>&1 &
live=$!
pids+=($live)
up=False
for _ in $(seq 1 100); do
	if [ "$(status "$lbase/api/snapshot")" = 200 ]; then up=True; break; fi
	sleep 0.1
done
check "live: serving snapshots" "$up"
# wait for states, not time: a history with two rated points, then packets beyond a scrape
metric_of() { awk -v n="$2" '$1 == n { print int($2); exit }' "$1"; }
for _ in $(seq 1 600); do
	[ "$(curl -sf "$lbase/api/history" | grep -o '"pps"' | wc -l)" -ge 2 ] && break
	sleep 0.1
done
curl -sf "$lbase/metrics" -o "$tmp/m1.txt"
curl -sf "$lbase/api/snapshot" -o "$tmp/s.json"
for _ in $(seq 1 600); do
	curl -sf "$lbase/metrics" -o "$tmp/m2.txt" || true
	[ "$(metric_of "$tmp/m2.txt" portlens_packets_total)" -gt \
		"$(metric_of "$tmp/m1.txt" portlens_packets_total)" ] 2>/dev/null && break
	sleep 0.1
done
curl -sf "$lbase/api/history" -o "$tmp/h.json"
curl -sf "$lbase/api/snapshot" -o "$tmp/s2.json"
check "live: promtool check metrics passes on a live scrape" "$(promtool check metrics <"$tmp/m2.txt" \
	>"$tmp/promtool2.out" 2>&1 && [ ! -s "$tmp/promtool2.out" ] && echo True || { cat "$tmp/promtool2.out"; echo False; })"
bound=$(python3 - "$tmp/m2.txt" "$tmp/s2.json" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip() and not l.startswith('#')]
s = json.load(open(sys.argv[2]))
ports = sum(1 for l in lines if l.startswith('portlens_port_packets_total{'))
wk = sum(1 for a in s['ports'].values() for e in a if e['port'] < 1024)
distinct = sum(len(a) for a in s['ports'].values())
nbins = sum(len(a) for a in s['bins'].values())
# per direction at most its well-known ports and 2 x 10 busiest; bins, and 400 other series
print(ports <= wk + 2 * 10 * 4 and distinct > 2 * ports and
      len(lines) <= 2 * (wk + 80) + 2 * nbins + 400, len(lines), distinct)
PY
)
read -r b1 b2 b3 <<<"$bound"
check "live: series bounded by default ($b2 series, $b3 ports with traffic)" "$b1"
res=$(python3 - "$tmp/m1.txt" "$tmp/s.json" "$tmp/m2.txt" "$tmp/h.json" <<'PY'
import json, sys
def metric(path, name):
    for ln in open(path):
        if ln.startswith(name + ' '):
            return float(ln.split()[1])
m1, m2 = sys.argv[1], sys.argv[3]
s = json.load(open(sys.argv[2])); h = json.load(open(sys.argv[4]))
p1, p2 = metric(m1, 'portlens_packets_total'), metric(m2, 'portlens_packets_total')
r1, r2 = metric(m1, 'portlens_received_packets_total'), metric(m2, 'portlens_received_packets_total')
rated = [p for p in h['points'] if p['rates']]
print(p1 <= s['totals']['packets'] <= p2 and p1 < p2,
      r1 <= s['balance']['received'] <= r2,
      metric(m2, 'portlens_snapshot_seq') > metric(m1, 'portlens_snapshot_seq') and s['final'] is False,
      len(rated) >= 2 and rated[-1]['rates']['pps'] > 0 and rated[-1]['rates']['bps'] > 0)
PY
)
read -r r1 r2 r3 r4 <<<"$res"
check "live: packets_total of two scrapes bracket the JSON snapshot and grow" "$r1"
check "live: received_packets_total brackets balance.received" "$r2"
check "live: snapshots move on (seq), not final" "$r3"
check "live: the history has rates (pps, bps > 0)" "$r4"
kill -TERM "$live"
rc=0
wait "$live" || rc=$?
check "live: SIGTERM with the server running exits 0 (got $rc)" "$([ "$rc" = 0 ] && echo True || echo False)"

# ---- 4. the dashboard in headless Chromium ----
chrome() {
	timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-dev-shm-usage --user-data-dir="$(mktemp -d -p "$tmp")" \
		--window-size=1400,1800 --virtual-time-budget=5000 "$@" 2>>"$tmp/chrome.log"
}
chrome --dump-dom "$base/" >"$tmp/dom.html" || true
res=$(python3 - "$tmp/dom.html" "$tmp/snap.json" <<'PY'
import json, re, sys
dom = open(sys.argv[1]).read(); s = json.load(open(sys.argv[2]))
def section(i):
    m = re.search(r'<div id="%s">(.*?)</div>' % i, dom, re.S)
    return m.group(1) if m else ''
charts = [section('chart-%s-%s' % (d, w)) for d in ('in', 'out') for w in ('packets', 'bytes')]
print(all('<svg' in c and c.count('<rect') >= 1 for c in charts),
      '<polyline' in section('chart-throughput') or '<circle' in section('chart-throughput'),
      'id="findings-table"' in dom and dom.count('<tr>') > 10,
      'id="lcores-table"' in dom and 'worker' in dom,
      '{:,}'.format(s['totals']['packets']) in dom and 'final snapshot' in dom,
      all(c['name'] in dom for c in s['classes']) and 'id="tcp-chart"' in dom)
PY
)
read -r d1 d2 d3 d4 d5 d6 <<<"$res"
check "dashboard: four per-port charts drawn (SVG bars)" "$d1"
check "dashboard: throughput chart drawn" "$d2"
check "dashboard: findings table" "$d3"
check "dashboard: lcore table" "$d4"
check "dashboard: the packet count of the snapshot is shown" "$d5"
check "dashboard: classes and TCP health" "$d6"
(cd "$tmp" && chrome --screenshot="$tmp/dashboard.png" "$base/" >/dev/null) || true
shot=$(python3 - "$tmp/dashboard.png" <<'PY'
import struct, sys
try:
    d = open(sys.argv[1], 'rb').read()
    w, h = struct.unpack('>II', d[16:24])
    print(d[:8] == b'\x89PNG\r\n\x1a\n' and (w, h) == (1400, 1800) and len(d) > 50000)
except OSError:
    print(False)
PY
)
check "dashboard: screenshot taken (1400x1800 PNG)" "$shot"
if [ -n "${PL_SCREENSHOT:-}" ] && [ -f "$tmp/dashboard.png" ]; then cp "$tmp/dashboard.png" "$PL_SCREENSHOT"; fi

finish
