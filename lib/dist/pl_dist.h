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
 * Build the canonical tuple of a parsed IP packet. Fragments and packets without ports get
 * zero ports; fragments also get proto 0, so the tuple is the address pair.
 *
 * @param frame  the frame's first bytes (headers contiguous, as given to the parser).
 * @param meta   the parse result; meta->kind must be PL_KIND_IP.
 * @param t      filled in completely (pad and lo_is_src included).
 */
void pl_dist_tuple(const uint8_t *frame, const struct pl_meta *meta, struct pl_tuple *t);

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
 */
void pl_dist_pick(struct rte_mbuf **pkts, uint16_t n, uint32_t nb_workers, int use_nic,
		  uint16_t *worker);

#ifdef __cplusplus
}
#endif

#endif /* PL_DIST_H */
