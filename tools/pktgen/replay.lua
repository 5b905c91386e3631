-- SPDX-License-Identifier: BSD-3-Clause
--
-- replay.lua: pktgen-dpdk 23.06.1 profile, replay of a capture given to pktgen at start with
-- `-s P:FILE.pcap`: the FinMark capture from the project's generator,
--   build/tools/gen/pl-gen --mix finmark --count 100000 --seed 1 --out finmark.pcap
-- (200 users, HTTPS 443, API 8080, PostgreSQL 5432, DNS, full TCP lifecycles), or any other
-- capture (`pl-gen --mix imix` gives 7:4:1 IMIX over many flows).
--
-- pktgen reads the whole capture into a pool of its own at start (one mbuf per frame,
-- repeated up to 24,576 mbufs when the capture is shorter) and sends the frames in capture
-- order, over and over. It ignores the capture's timestamps: the rate is a percent of the
-- link speed, paced by the capture's average frame size. Frames shorter than 60 bytes are
-- padded to 60, longer than 1514 cut to 1514 (without pktgen's -j); FinMark has none.
--
-- Without -s pktgen has no capture loaded, `pktgen.pcap(port, "on")` does nothing and pktgen
-- sends its single default packet (one TCP 5-tuple, 64 bytes) instead; pktgen 23.06.1 gives a
-- Lua script no way to tell, so pl-zeroloss.py checks the frame sizes portlens saw after its
-- first trial and stops if they are not the capture's.
--
-- Globals read when set: PL_PORT (default 0), PL_RATE (percent of the link speed, default 1).

local port = tostring(PL_PORT or 0)
local rate = PL_RATE or 1

pktgen.stop(port)
pktgen.set_range(port, "off")
pktgen.set(port, "seq_cnt", 0)
pktgen.set(port, "count", 0)
pktgen.pcap(port, "on")
pktgen.set(port, "rate", rate)

