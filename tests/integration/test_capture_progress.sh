#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Offline progress: on a terminal (a pseudo-terminal from `script`) stderr carries one
# status line rewritten in place (carriage return, erase to the end of the line) ending at
# 100 % with every packet counted; without a terminal nothing extra is printed; --progress
# asks for it anyway (one line per update) and --no-progress silences the terminal.
# --timings: two lines at exit, the steps from main() to the end (adding up to the total)
# and the run's packets and cycles.
# usage: test_capture_progress.sh PORTLENS PL_GEN
set -euo pipefail
. "$(dirname "$0")/lib.sh"
test_setup capture_progress "$@"
"$pl_gen" --mix finmark --count 50000 --seed 2 --out "$work/in.pcap"
n=50000

# on a pseudo-terminal: script copies what portlens writes to the terminal into a file
script -qec "'$portlens' --pcap '$work/in.pcap' --no-summary --json '$work/tty.json'" \
	"$work/tty.log" >/dev/null </dev/null
res=$(python3 - "$work/tty.log" $n <<'PY'
import re, sys
t = open(sys.argv[1], "rb").read().decode(errors="replace")
lines = [l for l in t.split("\r") if l.startswith("portlens: ")]
pat = re.compile(r"portlens: +[0-9.]+% \| [0-9]+ packets \| [0-9.]+ Mpps \| [0-9]+ MB/s \| "
                 r"[0-9:]+ elapsed \| [0-9:]+ left\x1b\[K$")
last = lines[-1] if lines else ""
print(bool(lines) and all(pat.match(l) for l in lines) and
      last.startswith("portlens: 100.0%% | %s packets" % sys.argv[2]))
PY
)
check "terminal: status lines rewritten in place (CR ... erase line), the last at 100 %" "$res"
check "terminal: the run still writes its snapshot" "$([ -s "$work/tty.json" ] && echo True || echo False)"

# not a terminal: nothing on stderr
"$portlens" --pcap "$work/in.pcap" --no-summary --json "$work/p.json" 2>"$work/plain.err"
check "no terminal: nothing extra on stderr" "$([ ! -s "$work/plain.err" ] && echo True || echo False)"

# --progress without a terminal: whole lines, the last at 100 %
"$portlens" --pcap "$work/in.pcap" --no-summary --progress 2>"$work/asked.err" >/dev/null
check "--progress: lines on a pipe, ending at 100 %" "$(tail -n 1 "$work/asked.err" |
	grep -q "^portlens: 100.0% | $n packets | " && ! grep -q $'\r' "$work/asked.err" &&
	echo True || echo False)"

# --no-progress on a terminal: nothing
script -qec "'$portlens' --pcap '$work/in.pcap' --no-summary --no-progress" \
	"$work/quiet.log" >/dev/null </dev/null
check "--no-progress: no status line on a terminal" "$(grep -q "packets |" "$work/quiet.log" &&
	echo False || echo True)"

# --timings: the steps add up to the total (faults: at most the total, which counts those
# before main()), the run counts every packet
"$portlens" --pcap "$work/in.pcap" --no-summary --timings 2>"$work/timings.err" >/dev/null
res=$(python3 - "$work/timings.err" $n <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
ok = len(lines) == 2 and lines[0].startswith("portlens: timings: EAL ")
parts = lines[0].split(":", 2)[2].split("|") if ok else []
steps = [re.fullmatch(r" ?[A-Za-z ,]+ ([0-9.]+) ms \(([0-9]+) faults\) ?", p) for p in parts[:-1]]
ok = ok and all(steps)
total = re.search(r"total ([0-9.]+) ms from main\(\) \(([0-9]+) faults\)$", lines[0]) if ok else None
ok = ok and len(steps) == 7 and total and \
    abs(sum(float(m.group(1)) for m in steps) - float(total.group(1))) < 0.5 and \
    sum(int(m.group(2)) for m in steps) <= int(total.group(2))
ok = ok and re.match(r"portlens: run: %s packets in [0-9.]+ ms \([0-9.]+ Mpps\); RX lcore "
                     r"[0-9]+ %% busy, [0-9]+ cycles a packet \(reading [0-9]+, plain files "
                     r"(mapped|read\(\))[^;]*\); 1 worker "
                     r"[0-9]+ %% busy, [0-9]+ cycles a packet$" % sys.argv[2], lines[1])
print(bool(ok))
PY
)
check "--timings: seven steps (time, page faults) adding up to the total, then the run's line" "$res"
finish
