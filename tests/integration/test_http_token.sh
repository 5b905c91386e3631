#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# HTTP bearer token (--http-token FILE): without it or with a wrong one every route answers
# 401 with WWW-Authenticate; with it, 200. A token file others can read, or a short token,
# is refused at start (exit 2). And the per-address request rate: a burst beyond 100
# requests gets 429 with Retry-After, and a second later requests are served again. The
# dashboard page is the one route served without the token; in headless Chromium it shows a
# login form, refuses a wrong token, keeps the right one in sessionStorage and sends it as a
# bearer header (never in a URL); without --http-token it loads its data directly.
# usage: test_http_token.sh PORTLENS DATA_DIR
set -euo pipefail
portlens=$1
data=$2
command -v curl >/dev/null || { echo "no curl: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; true' EXIT
fail=0
total=0
check() {
	total=$((total + 1))
	if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1 (got $2, want $3)"; fail=$((fail + 1)); fi
}
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
umask 077
printf 's3cret-token-0123456789\n' >"$tmp/token"
"$portlens" --pcap "$data/sample.pcap" --http "127.0.0.1:$port" --http-token "$tmp/token" \
	--linger 300 --no-summary --quiet &
pid=$!
# up, and its first snapshot published
for _ in $(seq 1 300); do
	curl -sf -o /dev/null -H 'Authorization: Bearer s3cret-token-0123456789' \
		"http://127.0.0.1:$port/api/snapshot" && break
	sleep 0.1
done
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "no token: 401" "$(code "http://127.0.0.1:$port/metrics")" 401
check "wrong token: 401" "$(code -H 'Authorization: Bearer s3cret-token-0123456780' "http://127.0.0.1:$port/api/snapshot")" 401
check "token with a suffix: 401" "$(code -H 'Authorization: Bearer s3cret-token-0123456789x' "http://127.0.0.1:$port/api/history")" 401
check "right token: 200" "$(code -H 'Authorization: Bearer s3cret-token-0123456789' "http://127.0.0.1:$port/api/snapshot")" 200
check "401 says how to authenticate" "$(curl -s -D - -o /dev/null "http://127.0.0.1:$port/metrics" | grep -ci '^www-authenticate: bearer')" 1
# the dashboard page itself is static, holds no data and asks for the token: served without it
check "the dashboard page loads without the token" "$(code "http://127.0.0.1:$port/")" 200
check "and holds no data" "$(curl -s "http://127.0.0.1:$port/" | grep -c 's3cret\|"totals"')" 0

# ---- the dashboard in headless Chromium, both ways ----
if command -v chromium >/dev/null; then
	here=$(dirname "$0")
	want=$(curl -s -H 'Authorization: Bearer s3cret-token-0123456789' "http://127.0.0.1:$port/api/snapshot" |
		python3 -c 'import json,sys; print("{:,}".format(json.load(sys.stdin)["totals"]["packets"]))')
	python3 "$here/dashboard_cdp.py" "http://127.0.0.1:$port/" --token s3cret-token-0123456789 \
		--wrong wrong-token-0123456789 >"$tmp/cdp-token.json" 2>"$tmp/cdp.err" || cat "$tmp/cdp.err"
	res=$(python3 - "$tmp/cdp-token.json" "$want" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    print("False " * 7); sys.exit()
api = [r for r in d["requests"] if "/api/" in r["url"]]
good = [r for r in api if r["bearer"] == "Bearer s3cret-token-0123456789"]
print(d["login_shown"] and not d["data_before_login"], d.get("wrong_refused", False),
      d["data_loaded"] and d["login_hidden"] and sys.argv[2] in (d["packets_shown"] or ""),
      d["stored"], d["signout_shown"],
      len(good) >= 2 and all("s3cret" not in r["url"] and "token" not in r["url"] for r in d["requests"]),
      all(r["bearer"].startswith("Bearer ") for r in api[2:]))
PY
)
	read -r c1 c2 c3 c4 c5 c6 c7 <<<"$res"
	check "dashboard with a token: the login form shows, no data before" "$c1" True
	check "dashboard: a wrong token is refused, the form says so" "$c2" True
	check "dashboard: after the right token the data loads" "$c3" True
	check "dashboard: the token is kept in sessionStorage" "$c4" True
	check "dashboard: sign out is offered" "$c5" True
	check "dashboard: the token travels as a bearer header, never in a URL" "$c6" True
	check "dashboard: every data request after the login carries it" "$c7" True
	[ "$c2" = True ] || cat "$tmp/cdp-token.json"
fi
rate=$(python3 - "$port" <<'PY'
import http.client, sys, time
port = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
codes = []
for _ in range(200):
    c.request("GET", "/api/history", headers={"Authorization": "Bearer s3cret-token-0123456789"})
    r = c.getresponse()
    r.read()
    codes.append((r.status, r.getheader("Retry-After")))
# served again once the bucket refills: asked at a slow pace, with a bound
for _ in range(100):
    time.sleep(0.1)
    c.request("GET", "/api/history", headers={"Authorization": "Bearer s3cret-token-0123456789"})
    r = c.getresponse()
    r.read()
    later = r.status
    if later == 200:
        break
limited = [x for x in codes if x[0] == 429]
print(all(s == 200 for s, _ in codes[:90]), len(limited) > 0,
      all(ra == "1" for _, ra in limited), later == 200)
PY
)
read -r r1 r2 r3 r4 <<<"$rate"
check "rate: a burst within the limit is served" "$r1" True
check "rate: beyond it, 429" "$r2" True
check "rate: 429 says when to retry" "$r3" True
check "rate: a second later, served again" "$r4" True
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=
chmod 644 "$tmp/token"
rc=0
"$portlens" --pcap "$data/sample.pcap" --http "127.0.0.1:$port" --http-token "$tmp/token" \
	--no-summary 2>"$tmp/err" || rc=$?
check "a token file others can read is refused (exit 2)" "$rc" 2
check "and the message says so" "$(grep -c 'readable by others' "$tmp/err")" 1
printf 'short\n' >"$tmp/short"
chmod 600 "$tmp/short"
rc=0
"$portlens" --pcap "$data/sample.pcap" --http "127.0.0.1:$port" --http-token "$tmp/short" \
	--no-summary 2>"$tmp/err" || rc=$?
check "a short token is refused (exit 2)" "$rc" 2

# ---- without a token the dashboard loads its data directly ----
if command -v chromium >/dev/null; then
	"$portlens" --pcap "$data/sample.pcap" --http "127.0.0.1:$port" --linger 300 \
		--no-summary --quiet &
	pid=$!
	for _ in $(seq 1 300); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/api/snapshot" && break
		sleep 0.1
	done
	want=$(curl -s "http://127.0.0.1:$port/api/snapshot" |
		python3 -c 'import json,sys; print("{:,}".format(json.load(sys.stdin)["totals"]["packets"]))')
	python3 "$(dirname "$0")/dashboard_cdp.py" "http://127.0.0.1:$port/" \
		>"$tmp/cdp-open.json" 2>"$tmp/cdp.err" || cat "$tmp/cdp.err"
	res=$(python3 -c "
import json,sys
d = json.load(open(sys.argv[1]))
print(d['data_loaded'] and not d['login_shown'] and sys.argv[2] in (d['packets_shown'] or ''),
      all(r['bearer'] == '' for r in d['requests']))" "$tmp/cdp-open.json" "$want" 2>/dev/null || echo "False False")
	read -r o1 o2 <<<"$res"
	check "dashboard without a token: the data loads directly, no login form" "$o1" True
	check "and no bearer header is sent" "$o2" True
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
fi
echo "$((total - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
