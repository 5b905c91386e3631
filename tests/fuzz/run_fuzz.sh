#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run one fuzz target for a bounded time on its seed corpus (read-only: new inputs go to a
# temporary folder), and fail if it finds a crash.
# usage: run_fuzz.sh TARGET SEEDS SECONDS
set -euo pipefail
target=$1
seeds=$2
secs=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
"$target" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds" >"$work/log" 2>&1 || true
# the coverage line, the final statistics, and any report
grep -E "DONE|stat::|ERROR|SUMMARY|Test unit written|deadly signal" "$work/log" | tail -n 20
if ls "$work/artifacts"/* >/dev/null 2>&1; then
	echo "crash artifacts:" "$work"/artifacts/*
	exit 1
fi
