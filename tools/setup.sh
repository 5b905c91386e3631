#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# portlens set-up: install what is missing (Debian 12, as root), build (profile-guided), then
# either run portlens on the bundled sample capture (demo) or run the whole test suite (test).
# Idempotent: packages already installed are skipped, an existing build is reused.
#
#   tools/setup.sh demo     install + build + portlens --pcap tests/data/sample.pcap (summary,
#                           JSON snapshot and report)
#   tools/setup.sh test     install + build + every test: the unit and integration suites,
#                           the same again built with AddressSanitizer and UBSan, and a
#                           short run of each fuzz target (clang, libFuzzer)
#   tools/setup.sh build    install + build only
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
what=${1:-demo}
build=${PORTLENS_BUILD:-build}

packages=(gcc pkg-config meson ninja-build python3
	dpdk dpdk-dev libdpdk-dev libnuma-dev libhyperscan-dev libcmocka-dev
	libpcap-dev libjansson-dev libyaml-dev libmicrohttpd-dev
	tshark tcpreplay iproute2 ethtool curl python3-prometheus-client prometheus chromium nfdump pmacct
	sip-tester dpkg-dev
	zlib1g-dev libzstd-dev zstd
	tmux stress-ng linux-perf
	clang libclang-rt-14-dev)

install_missing() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && { echo "setup: all packages present"; return 0; }
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: missing packages: ${missing[*]}; run as root (or install them)" >&2
		exit 1
	fi
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The release build, profile-guided (tools/pgo.sh: built instrumented, trained on generated
# traffic, built again with the profiles; PORTLENS_PGO=0 skips that).
build() {
	if [ ! -f "$build/build.ninja" ]; then
		meson setup "$build" --buildtype=release
	fi
	tools/pgo.sh "$build"
}

# The unit and integration suites again, built with AddressSanitizer and UBSan (leak
# checking off: DPDK keeps its memory until exit by design). Any sanitizer report fails.
sanitized() {
	local b=${build}-asan
	if [ ! -f "$b/build.ninja" ]; then
		meson setup "$b" --buildtype=debugoptimized -Db_sanitize=address,undefined \
			-Db_lundef=false
	fi
	ninja -C "$b"
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C "$b" --suite unit --suite integration --print-errorlogs \
		--num-processes 2
	if grep -q "runtime error\|ERROR: AddressSanitizer" "$b/meson-logs/testlog.txt"; then
		echo "setup: sanitizer reports in $b/meson-logs/testlog.txt" >&2
		return 1
	fi
}

# Each fuzz target for a bounded time (clang, libFuzzer, ASan + UBSan).
fuzz() {
	local b=${build}-fuzz
	if [ ! -f "$b/build.ninja" ]; then
		CC=clang meson setup "$b" --buildtype=debugoptimized -Dfuzz=enabled \
			-Db_sanitize=address,undefined -Db_lundef=false \
			-Dfuzz_seconds="${PORTLENS_FUZZ_SECONDS:-30}"
	fi
	ninja -C "$b"
	meson test -C "$b" --suite fuzz --print-errorlogs --num-processes 1
}

case "$what" in
demo)
	install_missing
	build
	echo "setup: portlens --pcap tests/data/sample.pcap --json $build/sample.json" \
		"--report $build/sample-report.md"
	"$build/app/portlens" --pcap tests/data/sample.pcap --json "$build/sample.json" \
		--report "$build/sample-report.md"
	echo "setup: the JSON snapshot is in $build/sample.json, the report in" \
		"$build/sample-report.md (charts beside it)"
	;;
test)
	install_missing
	build
	meson test -C "$build" --print-errorlogs --num-processes 2
	sanitized
	fuzz
	;;
build)
	install_missing
	build
	;;
*)
	echo "usage: tools/setup.sh demo|test|build" >&2
	exit 2
	;;
esac
