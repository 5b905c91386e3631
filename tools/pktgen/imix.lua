-- SPDX-License-Identifier: BSD-3-Clause
--
-- imix.lua: pktgen-dpdk 23.06.1 profile, simple IMIX: 64, 594 and 1518-byte frames in the
-- proportions 7:4:1 (sizes with FCS; 60, 590 and 1514 bytes on the wire as portlens counts
-- them).
--
-- pktgen 23.06.1 has no IMIX mode, and its range mode can only step the size (64, 65, 66
-- ...), not weight it. This profile uses sequence mode instead: 12 sequence packets, seven
-- of 64 bytes, four of 594 and one of 1518, interleaved. pktgen gives the mbufs of its
-- sequence pool the sequence packets in turn (24,576 mbufs = 2,048 rounds of 12), so the pool
-- holds exactly 7:4:1. Two approximations follow from how pktgen sends:
--  * 12 distinct 5-tuples only (one per sequence packet; pktgen has 16 sequence slots), so
--    the traffic lands on at most 12 of portlens's flows and workers; for many flows in the
--    same proportions replay a capture instead (`pl-gen --mix imix`, and pl-zeroloss.py's
--    --traffic imix-pcap);
--  * the sequence pool has a per-lcore mempool cache, so the mbufs in circulation are a run
--    of a few hundred consecutive ones: the mix holds to within one round of 12 over any such
--    run (portlens's `sizes` view shows the proportions it saw).
-- pktgen paces sequence traffic by the average size of the sequence packets (the IMIX
-- average, 353.83 bytes with FCS), so the rate in percent is right.
--
-- pktgen 23.06.1's Lua functions read the port list from their first argument whatever its
-- position (pktgen_get_portlist() parses index 1), so pktgen.seqTable(n, port, t) applies
-- sequence packet n to port n. Sequence numbers are given here as hex strings ("0x0",
-- "0x1" ... "0xb"): Lua reads them as the numbers 0-11 and pktgen's port list parser (base
-- 10) as port 0. The profile therefore works on port 0 only; for another port, type the
-- `seq` commands in pktgen's CLI (docs/pktgen.md).
--
-- Globals read when set: PL_PORT (default 0), PL_RATE (percent of the link speed, default 1).

local port = tostring(PL_PORT or 0)
local rate = PL_RATE or 1

if port ~= "0" then
	error("imix.lua: port 0 only (pktgen 23.06.1 takes sequence numbers for port lists)")
end

-- 7 x 64, 4 x 594, 1 x 1518, spread out over the round of 12
local sizes = { 64, 594, 64, 64, 594, 64, 1518, 64, 594, 64, 64, 594 }

pktgen.stop(port)
pktgen.set_range(port, "off")
pktgen.pcap(port, "off")
pktgen.set(port, "count", 0)

for i, size in ipairs(sizes) do
	pktgen.seqTable(string.format("0x%x", i - 1), port, {
		["eth_dst_addr"] = "02:00:00:00:00:02",
		["eth_src_addr"] = "02:00:00:00:00:01",
		["ip_dst_addr"] = string.format("10.1.1.%d", i),
		["ip_src_addr"] = string.format("198.18.1.%d/24", i),
		["sport"] = 40000 + i,
		["dport"] = 5000 + i,
		["ethType"] = "ipv4",
		["ipProto"] = "udp",
		["vlanid"] = 1,
		["pktSize"] = size,
		["gtpu_teid"] = 0,
		["cos"] = 0,
		["tos"] = 0,
	})
end
pktgen.set(port, "seq_cnt", #sizes)
-- after seq_cnt: the rate is computed from the average of the sequence sizes
pktgen.set(port, "rate", rate)
