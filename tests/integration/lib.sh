# SPDX-License-Identifier: BSD-3-Clause
# Sourced by the integration scripts: the EAL lcore map and named checks with a tally.
# shellcheck shell=bash

# EAL lcores 0-2 (main, RX, worker): a CPU each where there are 3, else spread over the CPUs
# there are (the lcores then share them; the scripts check results, not speed).
cpus=$(nproc)
if [ "$cpus" -ge 3 ]; then lc="-l 0-2"; else lc="--lcores (0-2)@(0,$((cpus - 1)))"; fi

fail=0
total=0
# check NAME True|False: one named check, printed and counted.
check() {
	total=$((total + 1))
	if [ "$2" = "True" ]; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi
}
# finish: print the tally; false (so the script fails) when a check failed.
finish() {
	echo "$((total - fail)) passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# test_setup NAME ARGS...: the start the tests taking PORTLENS PL_GEN [SRC_DIR] share: sets
# portlens, pl_gen, src (this folder by default), py and work (a directory removed at exit,
# kept with PL_KEEP=1).
test_setup() {
	local tool
	test_name=$1
	shift
	if [ $# -lt 2 ]; then
		echo "usage: $0 PORTLENS PL_GEN [SRC_DIR]" >&2
		exit 2
	fi
	portlens=$1
	pl_gen=$2
	src=${3:-$(cd "$(dirname "$0")" && pwd)}
	py=/usr/bin/python3
	for tool in "$portlens" "$pl_gen"; do
		if [ ! -x "$tool" ]; then
			echo "$test_name: $tool is not an executable" >&2
			exit 2
		fi
	done
	work=$(mktemp -d "${TMPDIR:-/tmp}/pl-${test_name//_/-}.XXXXXX")
	trap test_cleanup EXIT
}

test_cleanup() {
	if [ "${PL_KEEP:-0}" = 1 ]; then
		echo "$test_name: work directory kept: $work"
	else
		rm -rf "$work"
	fi
}

# need_tshark: skip the test (meson's exit 77) where tshark is missing.
need_tshark() {
	if ! command -v tshark >/dev/null; then
		echo "$test_name: tshark not found; skipping" >&2
		exit 77
	fi
}
