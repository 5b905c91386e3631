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
