-- SPDX-License-Identifier: BSD-3-Clause
--
-- sweep64.lua: pktgen-dpdk 23.06.1 profile, 64-byte frames over a wide range of 5-tuples.
--
-- The smallest frame is portlens's hardest case (most packets per second per bit), and a
-- new 5-tuple on nearly every packet is the flow table's hardest case. UDP from the RFC 2544
-- benchmarking block 198.18.0.0/15 (not local to portlens) to 10.1.0.0/24 (local: the default
-- local networks include 10/8), so every frame counts as direction `in`; destination ports
-- 1-1023 land one per bin in portlens's default per-port bins.
--
-- pktgen's range mode steps every field by its increment on each packet and wraps each at
-- its own bounds. The lengths here are pairwise coprime (251 sources, 241 destinations, 256
-- source ports, 1023 destination ports), so the 5-tuple does not repeat before
-- 251 x 241 x 256 x 1023 packets. But pktgen builds range packets once, one per mbuf of its
-- range pool, and then replays that pool: the number of distinct 5-tuples on the wire is the
-- pool size, 24,576 in stock 23.06.1 and 131,072 with the local change docs/pktgen.md
-- describes.
--
-- Use: pktgen ... -- -f tools/pktgen/sweep64.lua (then `start 0`), or let
-- tools/pktgen/pl-zeroloss.py load it through pktgen's Lua socket. Globals read when set:
--   PL_PORT  pktgen port number (default 0)
--   PL_RATE  transmit rate in percent of the link speed pktgen sees (default 1)

local port = tostring(PL_PORT or 0)
local rate = PL_RATE or 1

pktgen.stop(port)
pktgen.set(port, "seq_cnt", 0)
pktgen.pcap(port, "off")

-- pktgen paces range traffic by the single-packet size: keep it at 64 so the rate is right.
pktgen.set(port, "size", 64)
pktgen.set(port, "count", 0)
pktgen.set(port, "rate", rate)

pktgen.range.set_type(port, "ipv4")
pktgen.range.ip_proto(port, "udp")
pktgen.range.dst_mac(port, "start", "02:00:00:00:00:02")
pktgen.range.src_mac(port, "start", "02:00:00:00:00:01")

pktgen.range.src_ip(port, "start", "198.18.0.1")
pktgen.range.src_ip(port, "inc", "0.0.0.1")
pktgen.range.src_ip(port, "min", "198.18.0.1")
pktgen.range.src_ip(port, "max", "198.18.0.251")

pktgen.range.dst_ip(port, "start", "10.1.0.1")
pktgen.range.dst_ip(port, "inc", "0.0.0.1")
pktgen.range.dst_ip(port, "min", "10.1.0.1")
pktgen.range.dst_ip(port, "max", "10.1.0.241")

pktgen.range.src_port(port, "start", 32768)
pktgen.range.src_port(port, "inc", 1)
pktgen.range.src_port(port, "min", 32768)
pktgen.range.src_port(port, "max", 33023)

pktgen.range.dst_port(port, "start", 1)
pktgen.range.dst_port(port, "inc", 1)
pktgen.range.dst_port(port, "min", 1)
pktgen.range.dst_port(port, "max", 1023)

pktgen.range.ttl(port, "start", 64)
pktgen.range.ttl(port, "inc", 0)
pktgen.range.ttl(port, "min", 64)
pktgen.range.ttl(port, "max", 64)

pktgen.range.pkt_size(port, "start", 64)
pktgen.range.pkt_size(port, "inc", 0)
pktgen.range.pkt_size(port, "min", 64)
pktgen.range.pkt_size(port, "max", 64)

pktgen.set_range(port, "on")
