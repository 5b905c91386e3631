/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Hashing and distribution: which worker sees a packet.
 *
 * Both directions of a connection must reach the same worker so that flow state needs no
 * locks. The software hash is computed over the canonical 5-tuple (the lower endpoint
 * first), so it is symmetric by construction; fragments are hashed on the address pair alone
 * so that all fragments of a datagram stay together. When a port's profile says the NIC's
 * RSS hash is symmetric, the RX lcore uses that hash instead (pl_dist_pick()). The hash is a
 * CRC32-C of the tuple's words: two CRC32 instructions for IPv4, five for IPv6.
 * The canonical tuple is also the key of the per-worker flow table.
 */
#ifndef PL_DIST_H
#define PL_DIST_H

#include <stdint.h>
#include <string.h>

#include <netinet/in.h>
#include <rte_byteorder.h>
#include <rte_mbuf.h>

#include "pl_parse.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Canonical 5-tuple: the endpoint that sorts lower (address, then port) comes first, so
 * both directions of a connection give the same bytes. IPv4 addresses use the first 4 bytes
 * of each address field, the rest is zero. 40 bytes, no padding holes.
 */
struct pl_tuple {
	uint8_t addr_lo[16];
	uint8_t addr_hi[16];
	uint16_t port_lo;
	uint16_t port_hi;
	uint8_t proto;
	uint8_t family;  /**< 4 or 6 */
	uint8_t lo_is_src; /**< 1 when the packet's source is the lower endpoint */
	uint8_t pad;
};

/**
 * pl_dist_tuple() for an IPv6 packet (PL_F_IPV6): out of line, as its 16-byte addresses make
 * it the rarer and longer case.
 */
void pl_dist_tuple6(const uint8_t *frame, const struct pl_meta *meta, struct pl_tuple *t);

/**
 * Build the canonical tuple of a parsed IP packet. Fragments and packets without ports get
 * zero ports; fragments also get proto 0, so the tuple is the address pair. Inline for IPv4
 * (the worker builds one per packet): two loads, one compare of the addresses in host order,
 * and stores of the whole tuple, with no call and no generic address compare.
 *
 * @param frame  the frame's first bytes (headers contiguous, as given to the parser).
 * @param meta   the parse result; meta->kind must be PL_KIND_IP.
 * @param t      filled in completely (pad and lo_is_src included).
 */
static inline void
pl_dist_tuple(const uint8_t *frame, const struct pl_meta *meta, struct pl_tuple *t)
{
	const uint8_t *ip = frame + meta->l3_off;
	uint16_t sport = 0, dport = 0;
	uint8_t proto = 0;
	uint32_t s, d;
	int lo_src;

	if (meta->flags & PL_F_IPV6) {
		pl_dist_tuple6(frame, meta, t);
		return;
	}
	if (!(meta->flags & PL_F_FRAGMENT)) {
		proto = meta->l4_proto;
		if (meta->flags & PL_F_L4) {
			sport = meta->sport;
			dport = meta->dport;
		}
	}
	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	/* the addresses in network order, as memcmp() orders them, then the ports */
	lo_src = rte_be_to_cpu_32(s) < rte_be_to_cpu_32(d) || (s == d && sport <= dport);
	memset(t, 0, sizeof(*t));
	memcpy(t->addr_lo, lo_src ? &s : &d, 4);
	memcpy(t->addr_hi, lo_src ? &d : &s, 4);
	t->port_lo = lo_src ? sport : dport;
	t->port_hi = lo_src ? dport : sport;
	t->proto = proto;
	t->family = 4;
	t->lo_is_src = (uint8_t)lo_src;
}

/**
 * The symmetric software hash of a canonical tuple (CRC32-C, fixed seed).
 *
 * @param t  a tuple from pl_dist_tuple().
 * @return 32-bit hash; equal for both directions of a connection.
 */
uint32_t pl_dist_hash_tuple(const struct pl_tuple *t);

/**
 * Hash a parsed packet: the tuple hash for IP, a constant for everything else.
 *
 * @param frame  the frame's first bytes.
 * @param meta   its parse result.
 * @return 32-bit symmetric hash.
 */
uint32_t pl_dist_hash(const uint8_t *frame, const struct pl_meta *meta);

/**
 * Map a 32-bit hash onto [0, n) without division and without needing n a power of two
 * (multiply-shift): the high bits of hash * n.
 *
 * @param hash  a uniformly distributed 32-bit hash.
 * @param n     number of workers, >= 1.
 * @return worker index.
 */
static inline uint32_t
pl_dist_worker(uint32_t hash, uint32_t n)
{
	return (uint32_t)(((uint64_t)hash * n) >> 32);
}

/**
 * UDP ports whose payload the full parser decapsulates (VXLAN 4789, VXLAN-GPE 4790,
 * Geneve 6081, GTP-U 2152): such a packet's worker is chosen on its inner tuple, so the
 * fast read leaves it to the full parser.
 */
#define PL_DIST_UDP_TUNNEL_PORTS 4789, 4790, 6081, 2152

/**
 * Is either port of a UDP packet a tunnel port (PL_DIST_UDP_TUNNEL_PORTS)?
 *
 * @return 1 or 0.
 */
int pl_dist_udp_tunnel(uint16_t sport, uint16_t dport);

/**
 * The RX lcore's work per burst: pick a worker for each received (unparsed) mbuf, touching
 * as little as the frame allows.
 *
 * - @p use_nic and the mbuf carries RTE_MBUF_F_RX_RSS_HASH: the NIC's hash picks the worker;
 *   packet data is not read; pl_meta.kind is PL_KIND_UNPARSED, flags 0.
 * - An untagged or 802.1Q-tagged IPv4 (no options, not a fragment) or IPv6 (no extension
 *   header) TCP/UDP frame that is not a UDP tunnel: the fast read (about 40 header bytes,
 *   prefetched a few packets ahead) gives the tuple hash with a few CRC32 instructions;
 *   pl_meta gets kind PL_KIND_UNPARSED, l3_off and the IPv6/VLAN flags.
 * - Anything else: the full parser (pl_parse_burst()), so tunnels are distributed on their
 *   inner tuple; pl_meta holds the whole parse, and non-IP and malformed frames go to
 *   worker 0.
 *
 * Whenever the software hash was computed it is the canonical tuple's hash
 * (pl_dist_hash_tuple()): it is left in mbuf->hash.rss with PL_F_TUPLE_HASH, for the flow
 * table. pl_meta.dir is set to PL_DIR_MAX (not looked up yet) on every IP or unparsed frame.
 *
 * @param pkts       received mbufs.
 * @param n          how many.
 * @param nb_workers workers to spread over, >= 1.
 * @param use_nic    non-zero to use the NIC's RSS hash where the mbuf carries one
 *                   (only when the port's RSS configuration is symmetric).
 * @param worker     out: worker index per packet.
 * @return how many frames' data was read (the software hash or the parser): @p n without
 *         @p use_nic; 0 means no frame of the burst has PL_F_TUPLE_HASH, so the caller can
 *         skip whatever it does only for those.
 */
uint16_t pl_dist_pick(struct rte_mbuf **pkts, uint16_t n, uint32_t nb_workers, int use_nic,
		      uint16_t *worker);

/**
 * Complete, on the worker, the pl_meta of a frame the fast read took (pl_dist_pick():
 * PL_KIND_UNPARSED with PL_F_TUPLE_HASH): exactly what pl_parse_frame() gives for it, from
 * the headers the fast read checked (a plain IPv4 or IPv6 TCP/UDP packet, whole in the
 * first segment, lengths valid, not a tunnel), without parsing it again. Not for a frame the
 * NIC's hash placed (no PL_F_TUPLE_HASH): that one needs the parser.
 *
 * @param frame  the frame's first bytes.
 * @param meta   its pl_meta as pl_dist_pick() left it; dir and PL_F_TUPLE_HASH are kept.
 */
static inline void
pl_dist_complete(const uint8_t *frame, struct pl_meta *meta)
{
	const uint8_t *ip = frame + meta->l3_off, *l4;
	uint32_t seg, ports;
	uint16_t w;

	if (meta->flags & PL_F_IPV6) {
		meta->l4_proto = ip[6];
		memcpy(&w, ip + 4, 2);
		seg = rte_be_to_cpu_16(w);
		meta->l4_off = (uint16_t)(meta->l3_off + 40);
	} else {
		meta->l4_proto = ip[9];
		memcpy(&w, ip + 2, 2);
		seg = rte_be_to_cpu_16(w) - 20u;
		meta->l4_off = (uint16_t)(meta->l3_off + 20);
	}
	l4 = frame + meta->l4_off;
	memcpy(&ports, l4, 4);
	meta->sport = rte_be_to_cpu_16((uint16_t)ports);
	meta->dport = rte_be_to_cpu_16((uint16_t)(ports >> 16));
	if (meta->l4_proto == IPPROTO_TCP) {
		meta->l4_hlen = (uint8_t)((l4[12] >> 4) * 4);
		meta->payload_len = seg - meta->l4_hlen;
		meta->tcp_flags = l4[13];
	} else {
		memcpy(&w, l4 + 4, 2);
		meta->l4_hlen = 8;
		meta->payload_len = rte_be_to_cpu_16(w) - 8u;
		meta->tcp_flags = 0;
	}
	meta->flags |= PL_F_L4;
	meta->kind = PL_KIND_IP;
	meta->malformed = PL_MALFORMED_NONE;
	meta->encap = 0;
}

#ifdef __cplusplus
}
#endif

#endif /* PL_DIST_H */
