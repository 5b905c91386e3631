/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Symmetric hashing and the RX lcore's choice of worker. The canonical tuple orders the two
 * endpoints, so the CRC over it is the same in both directions; no symmetric Toeplitz key or
 * XOR folding (which collides for every pair with the same XOR) is needed in software.
 *
 * pl_dist_pick() is what the RX lcore does per packet: the NIC's symmetric hash when the port
 * gives one (packet data untouched), else the fewest header bytes that give the tuple hash
 * (untagged or 802.1Q-tagged IPv4/IPv6 TCP/UDP without options, extension headers or
 * fragmentation, not a UDP tunnel), and the full parser only for everything else. What it
 * learnt stays in the mbuf's pl_meta, so the worker parses a frame only if the RX lcore did
 * not.
 */
#include <string.h>

#include <netinet/in.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_prefetch.h>
#if defined(RTE_ARCH_X86_64) && defined(__SSE4_2__)
#include <nmmintrin.h>
#endif

#include "pl_dist.h"

#define PL_DIST_SEED 0x706c656eu /* "plen" */
/* Packets ahead whose headers pl_dist_pick() prefetches: eight, so that a header in memory
 * (a NIC's DMA, or a line another core wrote) arrives before its packet's turn where a
 * memory access costs 350 cycles or more; four left `pl-bench-worker`'s RX stage waiting
 * (160-170 against 107-131 cycles a packet) and net_pcap's RX lcore 4-5 % slower. */
#define PL_DIST_PREFETCH 8

/* Order two addresses as memcmp() would (network byte order), with fixed-size loads. */
static inline int
addr_cmp(const uint8_t *a, const uint8_t *b, int v6)
{
	if (v6) {
		uint64_t a0, a1, b0, b1;

		memcpy(&a0, a, 8);
		memcpy(&a1, a + 8, 8);
		memcpy(&b0, b, 8);
		memcpy(&b1, b + 8, 8);
		a0 = rte_be_to_cpu_64(a0);
		b0 = rte_be_to_cpu_64(b0);
		if (a0 != b0)
			return a0 < b0 ? -1 : 1;
		a1 = rte_be_to_cpu_64(a1);
		b1 = rte_be_to_cpu_64(b1);
		return (a1 > b1) - (a1 < b1);
	} else {
		uint32_t x, y;

		memcpy(&x, a, 4);
		memcpy(&y, b, 4);
		x = rte_be_to_cpu_32(x);
		y = rte_be_to_cpu_32(y);
		return (x > y) - (x < y);
	}
}

void
pl_dist_tuple6(const uint8_t *frame, const struct pl_meta *meta, struct pl_tuple *t)
{
	const uint8_t *ip = frame + meta->l3_off;
	const uint8_t *src = ip + 8, *dst = ip + 24, *lo, *hi;
	uint16_t sport = 0, dport = 0;
	int c;

	memset(t, 0, sizeof(*t));
	t->family = 6;
	if (!(meta->flags & PL_F_FRAGMENT)) {
		t->proto = meta->l4_proto;
		if (meta->flags & PL_F_L4) {
			sport = meta->sport;
			dport = meta->dport;
		}
	}
	c = addr_cmp(src, dst, 1);
	if (c < 0 || (c == 0 && sport <= dport)) {
		lo = src;
		hi = dst;
		t->port_lo = sport;
		t->port_hi = dport;
		t->lo_is_src = 1;
	} else {
		lo = dst;
		hi = src;
		t->port_lo = dport;
		t->port_hi = sport;
	}
	/* fixed sizes: copies the compiler inlines */
	memcpy(t->addr_lo, lo, 16);
	memcpy(t->addr_hi, hi, 16);
}

/* The last word every tuple hash takes: ports, protocol, family (as in struct pl_tuple). */
static inline uint64_t
tail_word(uint16_t port_lo, uint16_t port_hi, uint8_t proto, uint8_t family)
{
	return (uint64_t)port_lo | (uint64_t)port_hi << 16 | (uint64_t)proto << 32 |
	       (uint64_t)family << 40;
}

/*
 * CRC32-C of one 64-bit word. Where the build targets SSE4.2 it is the CRC32 instruction
 * itself: rte_hash_crc_8byte() gives the same value but first checks, on every call, which
 * implementation it chose at start-up.
 */
static inline uint32_t
crc64(uint64_t data, uint32_t init)
{
#if defined(RTE_ARCH_X86_64) && defined(__SSE4_2__)
	return (uint32_t)_mm_crc32_u64(init, data);
#else
	return rte_hash_crc_8byte(data, init);
#endif
}

/* The IPv4 tuple hash from its parts: addresses as loaded from memory (network order). */
static inline uint32_t
hash4(uint32_t lo, uint32_t hi, uint64_t tail)
{
	return crc64(tail, crc64((uint64_t)lo | (uint64_t)hi << 32, PL_DIST_SEED));
}

/* The IPv6 tuple hash from its parts: 16-byte addresses, lower endpoint first. */
static inline uint32_t
hash6(const uint8_t *lo, const uint8_t *hi, uint64_t tail)
{
	uint64_t w[4];

	memcpy(&w[0], lo, 16);
	memcpy(&w[2], hi, 16);
	return crc64(tail, crc64(w[3], crc64(w[2], crc64(w[1], crc64(w[0], PL_DIST_SEED)))));
}

uint32_t
pl_dist_hash_tuple(const struct pl_tuple *t)
{
	/* lo_is_src is direction-dependent and not hashed; the 12 unused address bytes of an
	 * IPv4 tuple are always zero and not hashed either */
	uint64_t tail = tail_word(t->port_lo, t->port_hi, t->proto, t->family);

	if (t->family == 4) {
		uint32_t lo, hi;

		memcpy(&lo, t->addr_lo, 4);
		memcpy(&hi, t->addr_hi, 4);
		return hash4(lo, hi, tail);
	}
	return hash6(t->addr_lo, t->addr_hi, tail);
}

uint32_t
pl_dist_hash(const uint8_t *frame, const struct pl_meta *meta)
{
	struct pl_tuple t;

	if (meta->kind != PL_KIND_IP)
		return 0;
	pl_dist_tuple(frame, meta, &t);
	return pl_dist_hash_tuple(&t);
}

int
pl_dist_udp_tunnel(uint16_t sport, uint16_t dport)
{
	/* either port: a tunnel's replies come from its port as well */
	static const uint16_t ports[] = { PL_DIST_UDP_TUNNEL_PORTS };
	unsigned int i;

	for (i = 0; i < RTE_DIM(ports); i++)
		if (sport == ports[i] || dport == ports[i])
			return 1;
	return 0;
}

/*
 * The ports of a TCP/UDP header (host order) whose IP payload is @p room bytes, all of them
 * in the segment. -1 when the full parser must see it: a UDP tunnel, or a header the parser
 * would call malformed (TCP data offset below 5 or beyond the payload, UDP length below 8 or
 * beyond it), so that every frame the fast read accepts is a well-formed IP packet for the
 * worker's parse, with the tuple hashed here.
 */
static inline int
fast_ports(const uint8_t *l4, uint8_t proto, uint32_t room, uint16_t *sport, uint16_t *dport)
{
	uint32_t ports;

	memcpy(&ports, l4, 4);
	*sport = rte_be_to_cpu_16((uint16_t)ports);
	*dport = rte_be_to_cpu_16((uint16_t)(ports >> 16));
	if (proto == IPPROTO_TCP) {
		uint32_t hl = (uint32_t)(l4[12] >> 4) * 4;

		return hl >= 20 && hl <= room ? 0 : -1;
	} else {
		uint16_t ulen;

		memcpy(&ulen, l4 + 4, 2);
		ulen = rte_be_to_cpu_16(ulen);
		return ulen >= 8 && ulen <= room && !pl_dist_udp_tunnel(*sport, *dport) ? 0 : -1;
	}
}

/*
 * The fast read: the tuple hash of a plain TCP/UDP frame from the fewest bytes, or -1 when
 * the frame needs the full parser. Leaves l3_off and the IPv6/VLAN and tuple-hash flags in
 * @p meta.
 */
static __rte_always_inline int64_t
fast_hash(const uint8_t *d, uint32_t cap, struct pl_meta *meta)
{
	uint32_t off = RTE_ETHER_HDR_LEN;
	uint16_t et, sport, dport;
	uint8_t flags = 0, proto;
	const uint8_t *ip;

	/* each branch checks its own length; this one covers the tag */
	if (unlikely(cap < RTE_ETHER_HDR_LEN + 20 + 4))
		return -1;
	memcpy(&et, d + 12, 2);
	if (et == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		memcpy(&et, d + 16, 2);
		off += 4;
		flags = PL_F_VLAN;
	}
	ip = d + off;
	if (et == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		uint32_t src, dst, a, b;
		uint16_t frag, tot;

		if (cap < off + 20 + 4 || ip[0] != 0x45)
			return -1; /* short, not version 4, or options */
		memcpy(&frag, ip + 6, 2);
		memcpy(&tot, ip + 2, 2);
		tot = rte_be_to_cpu_16(tot);
		proto = ip[9];
		if ((frag & RTE_BE16(0x3fff)) || (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
			return -1;
		/* the whole packet in this segment, room for the L4 header (a total length of
		 * 0, a TSO frame, goes to the full parser) */
		if (tot < 20 + (proto == IPPROTO_TCP ? 20 : 8) || tot > cap - off)
			return -1;
		if (fast_ports(ip + 20, proto, tot - 20u, &sport, &dport) < 0)
			return -1;
		memcpy(&src, ip + 12, 4);
		memcpy(&dst, ip + 16, 4);
		a = rte_be_to_cpu_32(src);
		b = rte_be_to_cpu_32(dst);
		meta->l3_off = (uint8_t)off;
		meta->flags = flags | PL_F_TUPLE_HASH;
		if (a < b || (a == b && sport <= dport))
			return hash4(src, dst, tail_word(sport, dport, proto, 4));
		return hash4(dst, src, tail_word(dport, sport, proto, 4));
	}
	if (et == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		uint16_t plen;
		int c;

		proto = ip[6];
		if (cap < off + 40 + 4 || (ip[0] >> 4) != 6 ||
		    (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
			return -1;
		memcpy(&plen, ip + 4, 2);
		plen = rte_be_to_cpu_16(plen);
		/* as for IPv4: the payload in this segment, room for the L4 header */
		if (plen < (proto == IPPROTO_TCP ? 20 : 8) || plen > cap - off - 40)
			return -1;
		if (fast_ports(ip + 40, proto, plen, &sport, &dport) < 0)
			return -1;
		meta->l3_off = (uint8_t)off;
		meta->flags = flags | PL_F_IPV6 | PL_F_TUPLE_HASH;
		c = addr_cmp(ip + 8, ip + 24, 1);
		if (c < 0 || (c == 0 && sport <= dport))
			return hash6(ip + 8, ip + 24, tail_word(sport, dport, proto, 6));
		return hash6(ip + 24, ip + 8, tail_word(dport, sport, proto, 6));
	}
	return -1;
}

/* Prefetch the headers the fast read looks at: the first cache line, and the second when
 * the frame reaches it (an IPv6 TCP header's data offset lies there). */
static inline void
prefetch_headers(const struct rte_mbuf *m)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

	rte_prefetch0(d);
	if (rte_pktmbuf_data_len(m) > RTE_CACHE_LINE_SIZE)
		rte_prefetch0(d + RTE_CACHE_LINE_SIZE);
}

/*
 * The frames the fast read leaves (tunnels, fragments, options, extension chains, other
 * tags, malformed, not IP): the full parse, once, here; the worker will not parse again.
 * Out of line, so that the fast read's loop keeps its registers.
 */
static __rte_noinline uint16_t
pick_parsed(struct rte_mbuf *m, struct pl_meta *meta, uint32_t nb_workers)
{
	uint32_t h;

	pl_parse_burst(&m, 1);
	if (meta->kind != PL_KIND_IP)
		return 0;
	h = pl_dist_hash(rte_pktmbuf_mtod(m, const uint8_t *), meta);
	/* the worker's flow table hashes the same tuple the same way: keep it */
	m->hash.rss = h;
	meta->flags |= PL_F_TUPLE_HASH;
	meta->dir = PL_DIR_MAX;
	return (uint16_t)pl_dist_worker(h, nb_workers);
}

/* The software hash's choice for one frame: the fast read, else the full parser. */
static __rte_always_inline uint16_t
pick_soft(struct rte_mbuf *m, struct pl_meta *meta, uint32_t nb_workers)
{
	int64_t h = fast_hash(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m), meta);

	if (unlikely(h < 0))
		return pick_parsed(m, meta, nb_workers);
	m->hash.rss = (uint32_t)h;
	meta->kind = PL_KIND_UNPARSED;
	meta->dir = PL_DIR_MAX;
	return (uint16_t)pl_dist_worker((uint32_t)h, nb_workers);
}

uint16_t
pl_dist_pick(struct rte_mbuf **pkts, uint16_t n, uint32_t nb_workers, int use_nic,
	     uint16_t *worker)
{
	/* a local copy: the byte stores into pl_meta would make the compiler reload it */
	const int moff = pl_meta_offset;
	uint16_t i, read = 0;

	if (use_nic) {
		/* the data is read only for the frames without a hash: no prefetch */
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			struct pl_meta *meta = RTE_MBUF_DYNFIELD(m, moff, struct pl_meta *);

			if (unlikely(!(m->ol_flags & RTE_MBUF_F_RX_RSS_HASH))) {
				worker[i] = pick_soft(m, meta, nb_workers);
				read++;
				continue;
			}
			/* the NIC's hash: not the tuple hash, so the flow table hashes itself */
			meta->kind = PL_KIND_UNPARSED;
			meta->flags = 0;
			meta->dir = PL_DIR_MAX;
			worker[i] = (uint16_t)pl_dist_worker(m->hash.rss, nb_workers);
		}
		return read;
	}
	for (i = 0; i < RTE_MIN(n, (uint16_t)PL_DIST_PREFETCH); i++)
		prefetch_headers(pkts[i]);
	/* two loops rather than a test per packet: prefetching ahead, then the last few */
	for (i = 0; i + PL_DIST_PREFETCH < n; i++) {
		prefetch_headers(pkts[i + PL_DIST_PREFETCH]);
		worker[i] = pick_soft(pkts[i], RTE_MBUF_DYNFIELD(pkts[i], moff, struct pl_meta *),
				      nb_workers);
	}
	for (; i < n; i++)
		worker[i] = pick_soft(pkts[i], RTE_MBUF_DYNFIELD(pkts[i], moff, struct pl_meta *),
				      nb_workers);
	return n;
}
