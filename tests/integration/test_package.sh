#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The Debian package: tools/package.sh builds it; its contents, conffiles and Depends are
# checked (every shared library the program links comes from a package it depends on, and
# apt accepts it: `apt-get install --simulate`); then the packaged service is run as systemd
# would run it, from the unpacked package, without altering this machine:
#
#   * the package is unpacked (dpkg-deb -x), not installed;
#   * in a private mount namespace (unshare -m), read-only overlays put the unpacked /etc
#     and /usr over the real ones, and the source tree is hidden under an empty tmpfs, so
#     the program can only find what the package installed;
#   * systemd is not PID 1 here, so the unit's commands are run directly: its
#     EnvironmentFile (the packaged /etc/default/portlens, which analyses the bundled
#     sample through a net_pcap vdev), each ExecStartPre, ExecStart, ExecReload (SIGHUP),
#     then SIGTERM as `systemctl stop` sends it. The service must analyse, reload and stop
#     with exit 0 and a balance that closes.
#
# Needs root (namespaces, overlays); skipped (77) otherwise.
# usage: test_package.sh SRC_DIR PKG_BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
src=$1
pkgbuild=$2
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v dpkg-deb >/dev/null; then
	echo "test_package: needs root, unshare and dpkg-deb; skipping" >&2
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/pl-package.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --no-pgo: the profile-guided build is the suite's own (tools/setup.sh); here, the packing
deb=$("$src/tools/package.sh" --out "$work" --build "$pkgbuild" --no-pgo)
check "package.sh builds portlens_VERSION_ARCH.deb" \
	"$([[ "$deb" == "$work"/portlens_*_*.deb ]] && [ -s "$deb" ] && echo True || echo False)"

# ---- contents ----
dpkg-deb -c "$deb" | awk '{print $6}' >"$work/contents"
for f in ./usr/bin/portlens ./etc/portlens/portlens.yaml ./etc/default/portlens \
	./usr/share/portlens/signatures.yaml ./usr/share/portlens/sample.pcap \
	./usr/share/portlens/profiles/default.ini ./usr/share/portlens/profiles/net_af_xdp.ini \
	./usr/libexec/portlens/hugepages.sh ./usr/libexec/portlens/bind-nic.sh \
	./usr/libexec/portlens/af-xdp-setup.sh ./usr/libexec/portlens/host-setup.sh \
	./usr/libexec/portlens/messages.sh \
	./lib/systemd/system/portlens.service ./usr/share/doc/portlens/operator-guide.md; do
	check "the package holds $f" "$(grep -qxF "$f" "$work/contents" && echo True || echo False)"
done
check "nothing of the source or build tree is packaged" \
	"$(grep -qE 'wt-|/build|/work/' "$work/contents" && echo False || echo True)"
dpkg-deb -I "$deb" conffiles >"$work/conffiles"
check "the configuration and the service settings are conffiles" \
	"$(grep -qx /etc/portlens/portlens.yaml "$work/conffiles" && grep -qx /etc/default/portlens "$work/conffiles" && echo True || echo False)"

# ---- dependencies ----
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
root=$work/root
dpkg-deb -x "$deb" "$root"
# the host scripts run from where the package puts them (their shared messages.sh beside them)
bad=$("$root/usr/libexec/portlens/bind-nic.sh" --bogus 2>"$work/bad.err" >/dev/null
	rc=$?; head -1 "$work/bad.err"; echo "rc=$rc")
check "the packaged bind-nic.sh refuses a bad option in its own name, exit 2 ($bad)" \
	"$([ "$bad" = "bind-nic.sh: unknown option '--bogus'"$'\n'"rc=2" ] && echo True || echo False)"
check "the packaged hugepages.sh --status runs" \
	"$("$root/usr/libexec/portlens/hugepages.sh" --status >/dev/null 2>&1 && echo True || echo False)"
missing=
while read -r lib; do
	pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1 || true)
	[ -n "$pkg" ] || pkg=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1 || true)
	case ", $depends," in
	*", $pkg "*|*", $pkg,"*) ;;
	*) missing="$missing $lib($pkg)" ;;
	esac
done < <(readelf -d "$root/usr/bin/portlens" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
	grep -vE '^(libc|libm|libpthread|libdl|librt|libgcc_s|ld-linux)' |
	while read -r so; do ldd "$root/usr/bin/portlens" | awk -v so="$so" '$1 == so {print $3}'; done)
check "every library the program links is from a package in Depends${missing:+ (not:$missing)}" \
	"$([ -z "$missing" ] && echo True || echo False)"
# a shared DPDK build loads the default service's drivers as plugins: they must be Depends;
# the static build (the default) has them inside (the EAL says so when it starts)
plugins=
if readelf -d "$root/usr/bin/portlens" | grep -q 'NEEDED.*librte_eal'; then
	plugins="librte-net-pcap23 librte-net-af-xdp23"
else
	drivers=$(strings "$root/usr/bin/portlens" | grep -xE 'net_pcap|net_af_xdp' | sort -u | wc -l)
	check "static DPDK: the drivers of the default service are linked in" \
		"$([ "$drivers" -eq 2 ] && echo True || echo False)"
fi
# libmicrohttpd12: loaded when --http starts the server, not linked
for p in $plugins libhyperscan5 libyaml-0-2 libmicrohttpd12; do
	check "Depends names $p" "$(case ", $depends," in *", $p"[\ ,]*) echo True ;; *) echo False ;; esac)"
done
unknown=
for p in $(echo "$depends" | tr ',' '\n' | sed 's/(.*//; s/ //g'); do
	apt-cache show "$p" >/dev/null 2>&1 || unknown="$unknown $p"
done
check "every package in Depends is one Debian 12 has${unknown:+ (unknown:$unknown)}" \
	"$([ -z "$unknown" ] && echo True || echo False)"
check "apt accepts it: apt-get install --simulate ./portlens_*.deb" \
	"$(apt-get install -s "$deb" 2>&1 | grep -q '^Inst portlens' && echo True || echo False)"

# ---- the unit, run as systemd would ----
unit=$root/lib/systemd/system/portlens.service
line() { sed -n "s/^$1=//p" "$unit"; }
check "the unit: Restart=on-failure, reload by SIGHUP, journal, capabilities" \
	"$([ "$(line Restart)" = on-failure ] && line ExecReload | grep -q 'kill -HUP \$MAINPID' &&
	   [ "$(line StandardError)" = journal ] && line CapabilityBoundingSet | grep -q CAP_IPC_LOCK &&
	   [ "$(line LimitMEMLOCK)" = infinity ] && echo True || echo False)"
check "the unit: hugepages then NIC binding before the start" \
	"$(line ExecStartPre | tr '\n' ' ' | grep -q 'host-setup.sh hugepages .*host-setup.sh bind' && echo True || echo False)"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify --root="$root" /lib/systemd/system/portlens.service >"$work/verify" 2>&1 || true
	check "systemd-analyze verify finds no error in the unit" \
		"$(grep -qiE 'error|invalid|unknown' "$work/verify" && { cat "$work/verify"; echo False; } || echo True)"
fi

cat >"$work/inner.sh" <<INNER
set -uo pipefail
root=$root; work=$work; unit=$unit
INNER
cat >>"$work/inner.sh" <<'INNER'
mount -t overlay overlay -o "lowerdir=$root/etc:/etc" /etc || exit 3
mount -t overlay overlay -o "lowerdir=$root/usr:/usr" /usr || exit 3
INNER
echo "mount -t tmpfs none '$src' || exit 3" >>"$work/inner.sh"
cat >>"$work/inner.sh" <<'INNER'
r() { echo "$1=$2" >>"$work/results"; }
# the environment file as systemd reads it: KEY="value" lines
set -a
env_file=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$unit")
. "$env_file"
set +a
# where this run writes (systemd would give /var/lib/portlens, StateDirectory=)
PORTLENS_ARGS="--json $work/final.json --json-lines $work/live.jsonl --json-interval 0.5"
pre=0
while read -r cmd; do
	cmd=${cmd#+}
	# shellcheck disable=SC2086
	$cmd >>"$work/pre.log" 2>&1 || pre=1
done < <(sed -n 's/^ExecStartPre=//p' "$unit")
r pre "$pre"
start=$(sed -n 's/^ExecStart=//p' "$unit")
start=${start//\$PORTLENS_EAL_ARGS/$PORTLENS_EAL_ARGS}
start=${start//\$PORTLENS_ARGS/$PORTLENS_ARGS}
echo "ExecStart: $start" >>"$work/pre.log"
# shellcheck disable=SC2086
$start >"$work/out.log" 2>"$work/err.log" &
pid=$!
for _ in $(seq 600); do
	[ "$(wc -l <"$work/live.jsonl" 2>/dev/null || echo 0)" -ge 3 ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
r snapshots "$(wc -l <"$work/live.jsonl" 2>/dev/null || echo 0)"
reload=$(sed -n 's/^ExecReload=//p' "$unit")
reload=${reload//\$MAINPID/$pid}
$reload
for _ in $(seq 300); do
	grep -q "configuration reloaded" "$work/err.log" && break
	sleep 0.1
done
r reloaded "$(grep -c "configuration reloaded" "$work/err.log")"
kill -TERM "$pid"
wait "$pid"
r exit "$?"
# a copy of the packaged configuration anywhere else still finds the packaged data
mkdir -p "$work/elsewhere"
cp /etc/portlens/portlens.yaml "$work/elsewhere/"
/usr/bin/portlens --print-config --config "$work/elsewhere/portlens.yaml" >"$work/printed.yaml" 2>>"$work/err.log"
r printed "$?"
r printed_sigs "$(sed -n 's/^  signatures: //p' "$work/printed.yaml")"
mkdir -p "$work/other"
cp "$work/printed.yaml" "$work/other/p.yaml"
/usr/bin/portlens --print-config --config "$work/other/p.yaml" >"$work/printed2.yaml" 2>>"$work/err.log"
r reprinted "$?"
r source_hidden "$(ls -A "$(dirname "$unit")/../../../" >/dev/null; echo 0)"
INNER
unshare -m --propagation private bash "$work/inner.sh"
rc=$?
if [ "$rc" -eq 3 ]; then
	echo "test_package: overlay or tmpfs mounts refused here; skipping the service run" >&2
	finish
	exit $?
fi
get() { sed -n "s/^$1=//p" "$work/results" | tail -1; }
cat "$work/pre.log"
check "ExecStartPre steps succeed and touch nothing with the default settings" \
	"$([ "$(get pre)" = 0 ] && grep -q 'hugepages: none asked' "$work/pre.log" && echo True || echo False)"
check "the service analyses: live snapshots appear ($(get snapshots))" \
	"$([ "$(get snapshots)" -ge 3 ] && echo True || echo False)"
check "ExecReload (SIGHUP) reloads the configuration" "$([ "$(get reloaded)" -ge 1 ] && echo True || echo False)"
check "SIGTERM (systemctl stop) stops it with exit 0 (got $(get exit))" "$([ "$(get exit)" = 0 ] && echo True || echo False)"
res=$(python3 -c "
import json,sys; s=json.load(open(sys.argv[1])); b=s['balance']
print(b['received'] > 0 and b['in_flight'] == 0 and b['received'] == b['processed'] + b['dropped_total'] and len(s['classes']) > 0)" "$work/final.json" 2>/dev/null || echo False)
check "the final snapshot: traffic analysed, classes seen, the balance closes" "$res"
check "--print-config from a copy of the configuration elsewhere: the packaged signatures" \
	"$([ "$(get printed)" = 0 ] && [ "$(get printed_sigs)" = '"/usr/share/portlens/signatures.yaml"' ] && echo True || echo False)"
check "what --print-config writes is a configuration that loads from anywhere" \
	"$([ "$(get reprinted)" = 0 ] && echo True || echo False)"
[ "$fail" -eq 0 ] || { echo "--- stderr of the service:"; tail -20 "$work/err.log"; }
finish
