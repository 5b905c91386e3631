/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parse once. pl_parse_burst() parses each frame; the result (offsets, kind, ports, flags,
 * encapsulations) goes into the pl_meta dynamic field and the standard mbuf fields, and nobody
 * looks at the headers again to learn them. Every bound is checked against both the frame
 * and the length the IP header claims: the IP length may be shorter than the frame (padding
 * of short frames is normal), never longer. A tunnel's inner packet is parsed by the same
 * functions, bounded by the end of what carries it (the outer UDP or IP length), so the
 * outer frame's padding never becomes inner bytes; recursion is bounded by PL_MAX_ENCAP.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_mbuf_ptype.h>

#include "pl_parse.h"

int pl_meta_offset = -1;
/* decapsulation switch: set by the control plane, read per frame (a plain int load) */
static int decap_on = 1;
int pl_time_offset = -1;
uint64_t pl_time_flag;
int pl_wire_offset = -1;
uint64_t pl_snap_flag;

/* Ethertypes of VLAN tags we step over: 802.1Q, 802.1ad and the legacy 0x9100 outer tag. */
#define PL_ETHER_QINQ_LEGACY 0x9100
/* More IPv6 extension headers than this is treated as a broken chain (RFC 8200 allows
 * each once or twice; the cap stops a crafted chain from costing the RX lcore). */
#define PL_IPV6_MAX_EXT 8
/* Bytes of a chained frame copied out for parsing when its first segment is shorter. */
#define PL_PARSE_LINEAR 512
/* What a tunnel parser returns for "not a tunnel portlens strips": the packet stays the
 * outer one (meta untouched by the tunnel parser). */
#define NOT_TUNNEL ((enum pl_kind)0x7f)
/* Most MPLS labels stepped over in one stack. */
#define PL_MAX_MPLS_LABELS 8

int
pl_parse_init(void)
{
	static const struct rte_mbuf_dynfield meta = {
		.name = "portlens_meta",
		.size = sizeof(struct pl_meta),
		.align = __alignof__(struct pl_meta),
	};
	static const struct rte_mbuf_dynfield wire = {
		.name = "portlens_wire_len",
		.size = sizeof(uint32_t),
		.align = __alignof__(uint32_t),
	};
	static const struct rte_mbuf_dynflag snapped = { .name = "portlens_snapped" };
	int off = rte_mbuf_dynfield_register(&meta), bit;

	if (off < 0)
		return -rte_errno;
	pl_meta_offset = off;
	if (rte_mbuf_dyn_rx_timestamp_register(&pl_time_offset, &pl_time_flag) < 0)
		return -rte_errno;
	off = rte_mbuf_dynfield_register(&wire);
	if (off < 0)
		return -rte_errno;
	pl_wire_offset = off;
	bit = rte_mbuf_dynflag_register(&snapped);
	if (bit < 0)
		return -rte_errno;
	pl_snap_flag = 1ULL << bit;
	return 0;
}

void
pl_parse_set_decap(int on)
{
	__atomic_store_n(&decap_on, on ? 1 : 0, __ATOMIC_RELAXED);
}

int
pl_parse_decap(void)
{
	return __atomic_load_n(&decap_on, __ATOMIC_RELAXED);
}

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return ((uint32_t)rd16(p) << 16) | rd16(p + 2);
}

static inline enum pl_kind
malformed(struct pl_meta *meta, enum pl_malformed why)
{
	meta->kind = PL_KIND_MALFORMED;
	meta->malformed = why;
	return PL_KIND_MALFORMED;
}

/*
 * One frame being parsed: its contiguous bytes, how many encapsulations have been stripped,
 * and whether the current IP packet is a jumbogram (its UDP length may then be 0).
 */
struct pctx {
	const uint8_t *d;
	uint32_t cap;
	uint8_t depth;
	uint8_t jumbo;
};

/* Header bytes readable at off before end (a length bound) and the contiguous data. */
static inline uint32_t
avail(const struct pctx *c, uint32_t off, uint32_t end)
{
	uint32_t lim = RTE_MIN(end, c->cap);

	return off < lim ? lim - off : 0;
}

static enum pl_kind parse_eth(struct pctx *c, uint32_t off, uint32_t len, struct pl_meta *meta);
static enum pl_kind parse_net(struct pctx *c, uint16_t et, uint32_t off, uint32_t len,
			      struct pl_meta *meta);

/*
 * Step into an encapsulation of @p kind: record it, and clear what the outer packet left in
 * meta so that the inner packet's parse starts clean (VLAN flags of the outer frame stay).
 * Returns 0, or -1 (meta malformed) when the nesting bound is reached.
 */
static inline int
descend(struct pctx *c, struct pl_meta *meta, enum pl_encap kind)
{
	if (c->depth == PL_MAX_ENCAP) {
		malformed(meta, PL_MALFORMED_encap_too_deep);
		return -1;
	}
	c->depth++;
	c->jumbo = 0;
	meta->encap |= (uint8_t)(1u << kind);
	meta->flags &= PL_F_VLAN | PL_F_QINQ;
	meta->l4_hlen = 0;
	meta->l4_proto = 0;
	meta->sport = meta->dport = 0;
	meta->tcp_flags = 0;
	meta->l4_off = 0;
	meta->payload_len = 0;
	return 0;
}

/* A frame or packet carried by a tunnel, from the first byte of what the tunnel carries. */
static inline enum pl_kind
inner_by_version(struct pctx *c, uint32_t off, uint32_t end, struct pl_meta *meta)
{
	uint8_t v = avail(c, off, end) ? c->d[off] >> 4 : 0;

	if (v == 4)
		return parse_net(c, RTE_ETHER_TYPE_IPV4, off, end, meta);
	if (v == 6)
		return parse_net(c, RTE_ETHER_TYPE_IPV6, off, end, meta);
	meta->kind = PL_KIND_NON_IP;
	return PL_KIND_NON_IP;
}

/*
 * GRE (RFC 2784/2890) at off, within [off, end). Versions other than 0 (PPTP's enhanced GRE)
 * and the deprecated routing bit are not tunnels portlens strips: the packet stays the outer
 * IP packet (returns NOT_TUNNEL to say so). Carried: Ethernet (0x6558), IPv4, IPv6, MPLS,
 * ERSPAN I/II (0x88BE: type II when the sequence bit is set, type I, headerless, when not)
 * and ERSPAN III (0x22EB, with its optional platform sub-header; frame type Ethernet or IP).
 */
static enum pl_kind
parse_gre(struct pctx *c, uint32_t off, uint32_t end, struct pl_meta *meta)
{
	const uint8_t *d = c->d;
	uint32_t hl = 4, room = avail(c, off, end);
	uint16_t fv, proto;

	if (room < 4)
		return malformed(meta, PL_MALFORMED_gre_truncated);
	fv = rd16(d + off);
	if ((fv & 0x0007) || (fv & 0x4000))
		return NOT_TUNNEL;
	proto = rd16(d + off + 2);
	hl += (fv & 0x8000) ? 4 : 0; /* checksum + reserved */
	hl += (fv & 0x2000) ? 4 : 0; /* key */
	hl += (fv & 0x1000) ? 4 : 0; /* sequence number */
	switch (proto) {
	case 0x6558: /* transparent Ethernet bridging */
	case RTE_ETHER_TYPE_IPV4:
	case RTE_ETHER_TYPE_IPV6:
	case RTE_ETHER_TYPE_MPLS:
	case RTE_ETHER_TYPE_MPLSM:
		if (room < hl)
			return malformed(meta, PL_MALFORMED_gre_truncated);
		if (descend(c, meta, PL_ENCAP_gre) < 0)
			return PL_KIND_MALFORMED;
		if (proto == 0x6558)
			return parse_eth(c, off + hl, end, meta);
		return parse_net(c, proto, off + hl, end, meta);
	case 0x88be: /* ERSPAN type II (sequence bit) or type I */
	case 0x22eb: { /* ERSPAN type III */
		uint32_t eh;
		uint8_t ft = 0;

		if (room < hl)
			return malformed(meta, PL_MALFORMED_gre_truncated);
		off += hl;
		room -= hl;
		if (proto == 0x88be) {
			eh = (fv & 0x1000) ? 8 : 0;
		} else {
			if (room < 12)
				return malformed(meta, PL_MALFORMED_erspan_truncated);
			eh = (d[off + 11] & 1) ? 20 : 12;
			ft = (d[off + 10] >> 2) & 0x1f; /* frame type */
		}
		if (room < eh)
			return malformed(meta, PL_MALFORMED_erspan_truncated);
		if (descend(c, meta, proto == 0x22eb ? PL_ENCAP_erspan_iii :
				     PL_ENCAP_erspan_ii) < 0)
			return PL_KIND_MALFORMED;
		switch (ft) {
		case 0:
			return parse_eth(c, off + eh, end, meta);
		case 2:
			return inner_by_version(c, off + eh, end, meta);
		default:
			meta->kind = PL_KIND_NON_IP;
			return PL_KIND_NON_IP;
		}
	}
	default:
		return NOT_TUNNEL;
	}
}

/*
 * A UDP datagram to a tunnel port: payload at off, within [off, end). VXLAN: 8 bytes, then
 * Ethernet. Geneve: 8 bytes plus options, then what its protocol type says; a version other
 * than 0 is not decapsulated (returns NOT_TUNNEL: the datagram stays plain UDP).
 */
static enum pl_kind
parse_udp_tunnel(struct pctx *c, uint16_t dport, uint32_t off, uint32_t end,
		 struct pl_meta *meta)
{
	const uint8_t *d = c->d;
	uint32_t room = avail(c, off, end), hl;
	uint16_t proto;

	if (dport == 4789) {
		if (room < 8)
			return malformed(meta, PL_MALFORMED_vxlan_truncated);
		if (descend(c, meta, PL_ENCAP_vxlan) < 0)
			return PL_KIND_MALFORMED;
		return parse_eth(c, off + 8, end, meta);
	}
	if (room < 8)
		return malformed(meta, PL_MALFORMED_geneve_truncated);
	if (d[off] >> 6)
		return NOT_TUNNEL;
	hl = 8 + (uint32_t)(d[off] & 0x3f) * 4;
	if (room < hl)
		return malformed(meta, PL_MALFORMED_geneve_truncated);
	proto = rd16(d + off + 2);
	if (descend(c, meta, PL_ENCAP_geneve) < 0)
		return PL_KIND_MALFORMED;
	if (proto == 0x6558)
		return parse_eth(c, off + hl, end, meta);
	return parse_net(c, proto, off + hl, end, meta);
}

/*
 * Parse the L4 header at off, within [off, end). Fills ports, payload and TCP flags; with
 * decapsulation on, steps into GRE, IP-in-IP and the UDP tunnels.
 * Returns PL_KIND_IP, or the inner packet's kind, or PL_KIND_MALFORMED with the reason set.
 */
static enum pl_kind
parse_l4(struct pctx *c, uint32_t off, uint32_t end, struct pl_meta *meta)
{
	const uint8_t *d = c->d;
	uint32_t seg = end - off;
	/* header bytes that can be read here: bounded by the segment and the contiguous data */
	uint32_t hdr = avail(c, off, end);

	meta->l4_off = (uint16_t)off;
	switch (meta->l4_proto) {
	case IPPROTO_TCP: {
		uint32_t hl;

		if (hdr < 20)
			return malformed(meta, PL_MALFORMED_tcp_truncated);
		hl = (uint32_t)(d[off + 12] >> 4) * 4;
		if (hl < 20 || hl > seg || hl > hdr)
			return malformed(meta, PL_MALFORMED_tcp_bad_offset);
		meta->sport = rd16(d + off);
		meta->dport = rd16(d + off + 2);
		meta->tcp_flags = d[off + 13];
		meta->l4_hlen = (uint8_t)hl;
		meta->payload_len = seg - hl;
		meta->flags |= PL_F_L4;
		break;
	}
	case IPPROTO_UDP: {
		uint32_t ulen;
		uint16_t dport;

		if (hdr < 8)
			return malformed(meta, PL_MALFORMED_udp_truncated);
		ulen = rd16(d + off + 4);
		if (ulen == 0 && c->jumbo)
			ulen = seg; /* RFC 2675: the length comes from the jumbogram */
		if (ulen < 8 || ulen > seg)
			return malformed(meta, PL_MALFORMED_udp_bad_length);
		dport = rd16(d + off + 2);
		if (unlikely((dport == 4789 || dport == 6081) && pl_parse_decap())) {
			enum pl_kind k = parse_udp_tunnel(c, dport, off + 8, off + ulen, meta);

			if (k != NOT_TUNNEL)
				return k;
		}
		meta->sport = rd16(d + off);
		meta->dport = dport;
		meta->l4_hlen = 8;
		meta->payload_len = ulen - 8;
		meta->flags |= PL_F_L4;
		break;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (hdr < 4)
			return malformed(meta, PL_MALFORMED_icmp_truncated);
		meta->l4_hlen = 4;
		meta->payload_len = seg - 4;
		break;
	case IPPROTO_IPIP:
	case IPPROTO_IPV6:
		if (pl_parse_decap()) {
			uint16_t et = meta->l4_proto == IPPROTO_IPIP ? RTE_ETHER_TYPE_IPV4 :
								       RTE_ETHER_TYPE_IPV6;

			if (descend(c, meta, PL_ENCAP_ipip) < 0)
				return PL_KIND_MALFORMED;
			return parse_net(c, et, off, end, meta);
		}
		meta->payload_len = seg;
		break;
	case IPPROTO_GRE:
		if (pl_parse_decap()) {
			enum pl_kind k = parse_gre(c, off, end, meta);

			if (k != NOT_TUNNEL)
				return k;
		}
		meta->payload_len = seg;
		break;
	default:
		meta->payload_len = seg;
		break;
	}
	meta->kind = PL_KIND_IP;
	return PL_KIND_IP;
}
/*
 * IPv4 at off, the packet ending at most at len. A total length of 0 is a TSO/GSO frame
 * captured on the sending host: its length is the frame's, as tcpdump and tshark read it.
 */
static enum pl_kind
parse_ipv4(struct pctx *c, uint32_t off, uint32_t len, struct pl_meta *meta)
{
	const uint8_t *d = c->d;
	uint32_t room = len - off, ihl, tot;
	uint16_t frag;

	if (avail(c, off, len) < 20)
		return malformed(meta, PL_MALFORMED_ipv4_truncated);
	if ((d[off] >> 4) != 4)
		return malformed(meta, PL_MALFORMED_ipv4_bad_version);
	ihl = (uint32_t)(d[off] & 0x0f) * 4;
	if (ihl < 20 || ihl > avail(c, off, len))
		return malformed(meta, PL_MALFORMED_ipv4_bad_ihl);
	tot = rd16(d + off + 2);
	if (tot == 0)
		tot = room;
	if (tot < ihl || tot > room)
		return malformed(meta, PL_MALFORMED_ipv4_bad_length);
	if (ihl > 20)
		meta->flags |= PL_F_IPOPT;
	meta->l4_proto = d[off + 9];
	frag = rd16(d + off + 6);
	if (frag & 0x3fff) { /* MF set or offset non-zero */
		meta->flags |= PL_F_FRAGMENT;
		if ((frag & 0x1fff) == 0)
			meta->flags |= PL_F_FIRST_FRAG;
		meta->l4_off = (uint16_t)(off + ihl);
		meta->payload_len = tot - ihl;
		meta->kind = PL_KIND_IP;
		return PL_KIND_IP;
	}
	return parse_l4(c, off + ihl, off + tot, meta);
}

/*
 * The Jumbo Payload length of a hop-by-hop header of hl bytes at p (RFC 2675), or 0 when it
 * has none or a value tshark rejects too (65535 or less).
 */
static uint32_t
jumbo_length(const uint8_t *d, uint32_t p, uint32_t hl)
{
	uint32_t o = p + 2, e = p + hl, v;

	while (o < e) {
		if (d[o] == 0) { /* Pad1 */
			o++;
			continue;
		}
		if (e - o < 2 || e - o - 2 < d[o + 1])
			return 0;
		if (d[o] == 0xc2 && d[o + 1] == 4) {
			v = rd32(d + o + 2);
			return v > 65535 ? v : 0;
		}
		o += 2u + d[o + 1];
	}
	return 0;
}

static enum pl_kind
parse_ipv6(struct pctx *c, uint32_t off, uint32_t len, struct pl_meta *meta)
{
	const uint8_t *d = c->d;
	uint32_t end, p, lim;
	uint8_t nh;
	int n;

	if (avail(c, off, len) < 40)
		return malformed(meta, PL_MALFORMED_ipv6_truncated);
	if ((d[off] >> 4) != 6)
		return malformed(meta, PL_MALFORMED_ipv6_bad_version);
	end = off + 40 + rd16(d + off + 4);
	nh = d[off + 6];
	p = off + 40;
	if (end == p && nh == IPPROTO_HOPOPTS) {
		/* payload length 0 and a hop-by-hop header: a jumbogram (RFC 2675), whose
		 * length is in the Jumbo Payload option */
		uint32_t hl, jl;

		if (avail(c, p, len) < 8 || avail(c, p, len) < ((uint32_t)d[p + 1] + 1) * 8)
			return malformed(meta, PL_MALFORMED_ipv6_ext_chain);
		hl = ((uint32_t)d[p + 1] + 1) * 8;
		jl = jumbo_length(d, p, hl);
		if (jl == 0)
			return malformed(meta, PL_MALFORMED_ipv6_bad_jumbo);
		if (jl > len - p)
			return malformed(meta, PL_MALFORMED_ipv6_bad_length);
		end = p + jl;
		c->jumbo = 1;
	}
	if (end > len)
		return malformed(meta, PL_MALFORMED_ipv6_bad_length);
	lim = RTE_MIN(end, c->cap); /* extension headers must be readable here */
	meta->flags |= PL_F_IPV6;
	for (n = 0;; n++) {
		uint32_t hl;

		switch (nh) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case IPPROTO_AH:
			if (n >= PL_IPV6_MAX_EXT || p > lim || lim - p < 8)
				return malformed(meta, PL_MALFORMED_ipv6_ext_chain);
			hl = nh == IPPROTO_AH ? ((uint32_t)d[p + 1] + 2) * 4 :
					       ((uint32_t)d[p + 1] + 1) * 8;
			if (hl > lim - p)
				return malformed(meta, PL_MALFORMED_ipv6_ext_chain);
			meta->flags |= PL_F_IPOPT;
			nh = d[p];
			p += hl;
			continue;
		case IPPROTO_FRAGMENT: {
			uint16_t fo;

			if (n >= PL_IPV6_MAX_EXT || p > lim || lim - p < 8)
				return malformed(meta, PL_MALFORMED_ipv6_ext_chain);
			meta->flags |= PL_F_IPOPT;
			fo = rd16(d + p + 2);
			nh = d[p];
			p += 8;
			if ((fo & 0xfff9) == 0)
				continue; /* atomic fragment (RFC 6946): a whole packet */
			meta->flags |= PL_F_FRAGMENT;
			if ((fo & 0xfff8) == 0)
				meta->flags |= PL_F_FIRST_FRAG;
			meta->l4_proto = nh;
			meta->l4_off = (uint16_t)p;
			meta->payload_len = end - p;
			meta->kind = PL_KIND_IP;
			return PL_KIND_IP;
		}
		default:
			break;
		}
		break;
	}
	meta->l4_proto = nh;
	return parse_l4(c, p, end, meta);
}

/*
 * An MPLS label stack at off (RFC 3032), then what its bottom label carries, told by the
 * first nibble as routers do: 4 is IPv4, 6 is IPv6, 0 is a pseudowire control word (RFC
 * 4385) followed by an Ethernet frame; anything else is left as non-IP.
 */
static enum pl_kind
parse_mpls(struct pctx *c, uint32_t off, uint32_t len, struct pl_meta *meta)
{
	int n;

	for (n = 0;; n++) {
		if (n == PL_MAX_MPLS_LABELS)
			return malformed(meta, PL_MALFORMED_mpls_too_many);
		if (avail(c, off, len) < 4)
			return malformed(meta, PL_MALFORMED_mpls_truncated);
		off += 4;
		if (c->d[off - 2] & 1) /* bottom of stack */
			break;
	}
	if (avail(c, off, len) < 1 || ((c->d[off] >> 4) == 0 && avail(c, off, len) < 4))
		return malformed(meta, PL_MALFORMED_mpls_truncated);
	if (descend(c, meta, PL_ENCAP_mpls) < 0)
		return PL_KIND_MALFORMED;
	if ((c->d[off] >> 4) == 0)
		return parse_eth(c, off + 4, len, meta);
	return inner_by_version(c, off, len, meta);
}

/* What follows an ethertype (or a tunnel's protocol type) @p et at off. */
static enum pl_kind
parse_net(struct pctx *c, uint16_t et, uint32_t off, uint32_t len, struct pl_meta *meta)
{
	meta->l3_off = (uint16_t)off;
	if (et == RTE_ETHER_TYPE_IPV4)
		return parse_ipv4(c, off, len, meta);
	if (et == RTE_ETHER_TYPE_IPV6)
		return parse_ipv6(c, off, len, meta);
	if ((et == RTE_ETHER_TYPE_MPLS || et == RTE_ETHER_TYPE_MPLSM) && pl_parse_decap())
		return parse_mpls(c, off, len, meta);
	meta->kind = PL_KIND_NON_IP;
	return PL_KIND_NON_IP;
}

/* An Ethernet frame at off (the outer frame, or one a tunnel carries), ending at len. */
static enum pl_kind
parse_eth(struct pctx *c, uint32_t off, uint32_t len, struct pl_meta *meta)
{
	const uint8_t *d = c->d;
	uint16_t et;
	int tags = 0;

	if (avail(c, off, len) < RTE_ETHER_HDR_LEN)
		return malformed(meta, PL_MALFORMED_short_l2);
	off += 12;
	et = rd16(d + off);
	while (et == RTE_ETHER_TYPE_VLAN || et == RTE_ETHER_TYPE_QINQ ||
	       et == PL_ETHER_QINQ_LEGACY) {
		if (avail(c, off, len) < 2 + 4)
			return malformed(meta, PL_MALFORMED_vlan_truncated);
		if (tags == PL_MAX_VLAN_TAGS)
			return malformed(meta, PL_MALFORMED_vlan_too_many);
		off += 4;
		et = rd16(d + off);
		tags++;
	}
	off += 2;
	if (tags)
		meta->flags |= tags > 1 ? PL_F_VLAN | PL_F_QINQ : PL_F_VLAN;
	return parse_net(c, et, off, len, meta);
}

enum pl_kind
pl_parse_frame(const uint8_t *d, uint32_t cap, uint32_t len, struct pl_meta *meta)
{
	struct pctx c = { .d = d, .cap = RTE_MIN(cap, len) };

	meta->l3_off = meta->l4_hlen = 0;
	meta->l4_off = 0;
	meta->payload_len = 0;
	meta->sport = meta->dport = 0;
	meta->malformed = PL_MALFORMED_NONE;
	meta->l4_proto = 0;
	meta->flags = 0;
	meta->tcp_flags = 0;
	meta->encap = 0;

	if (len == 0)
		return malformed(meta, PL_MALFORMED_empty);
	return parse_eth(&c, 0, len, meta);
}

/* RTE_PTYPE_TUNNEL_* of the outermost encapsulation stripped (0 when none maps). */
static uint32_t
ptype_tunnel(uint8_t encap)
{
	static const uint32_t map[PL_ENCAP_MAX] = {
		[PL_ENCAP_vxlan] = RTE_PTYPE_TUNNEL_VXLAN,
		[PL_ENCAP_geneve] = RTE_PTYPE_TUNNEL_GENEVE,
		[PL_ENCAP_gre] = RTE_PTYPE_TUNNEL_GRE,
		[PL_ENCAP_erspan_ii] = RTE_PTYPE_TUNNEL_GRE,
		[PL_ENCAP_erspan_iii] = RTE_PTYPE_TUNNEL_GRE,
		[PL_ENCAP_ipip] = RTE_PTYPE_TUNNEL_IP,
		[PL_ENCAP_mpls] = 0,
	};
	unsigned int k;

	for (k = 0; k < PL_ENCAP_MAX; k++)
		if (encap & (1u << k) && map[k])
			return map[k];
	return 0;
}

/*
 * The RTE_PTYPE_* view of a parsed frame, for PMD offloads and DPDK tools. A tunnelled
 * frame gets the tunnel type and the inner packet's types (RTE_PTYPE_INNER_*).
 */
static uint32_t
ptype_of(const struct pl_meta *meta)
{
	uint32_t pt, l3, l4;
	int inner = meta->encap != 0;

	if (meta->kind == PL_KIND_MALFORMED)
		return RTE_PTYPE_UNKNOWN;
	pt = (meta->flags & PL_F_QINQ) ? RTE_PTYPE_L2_ETHER_QINQ :
	     (meta->flags & PL_F_VLAN) ? RTE_PTYPE_L2_ETHER_VLAN : RTE_PTYPE_L2_ETHER;
	if (inner)
		pt |= ptype_tunnel(meta->encap);
	if (meta->kind != PL_KIND_IP)
		return pt;
	if (meta->flags & PL_F_IPV6)
		l3 = (meta->flags & PL_F_IPOPT) ?
		     (inner ? RTE_PTYPE_INNER_L3_IPV6_EXT : RTE_PTYPE_L3_IPV6_EXT) :
		     (inner ? RTE_PTYPE_INNER_L3_IPV6 : RTE_PTYPE_L3_IPV6);
	else
		l3 = (meta->flags & PL_F_IPOPT) ?
		     (inner ? RTE_PTYPE_INNER_L3_IPV4_EXT : RTE_PTYPE_L3_IPV4_EXT) :
		     (inner ? RTE_PTYPE_INNER_L3_IPV4 : RTE_PTYPE_L3_IPV4);
	if (meta->flags & PL_F_FRAGMENT)
		l4 = inner ? RTE_PTYPE_INNER_L4_FRAG : RTE_PTYPE_L4_FRAG;
	else if (meta->l4_proto == IPPROTO_TCP)
		l4 = inner ? RTE_PTYPE_INNER_L4_TCP : RTE_PTYPE_L4_TCP;
	else if (meta->l4_proto == IPPROTO_UDP)
		l4 = inner ? RTE_PTYPE_INNER_L4_UDP : RTE_PTYPE_L4_UDP;
	else if (meta->l4_proto == IPPROTO_ICMP || meta->l4_proto == IPPROTO_ICMPV6)
		l4 = inner ? RTE_PTYPE_INNER_L4_ICMP : RTE_PTYPE_L4_ICMP;
	else
		l4 = inner ? RTE_PTYPE_INNER_L4_NONFRAG : RTE_PTYPE_L4_NONFRAG;
	return pt | l3 | l4;
}

void
pl_parse_burst(struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct pl_meta *meta = pl_meta(m);
		uint32_t len = pl_frame_len(m), held = rte_pktmbuf_pkt_len(m);
		uint32_t cap = rte_pktmbuf_data_len(m);
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
		uint8_t lin[PL_PARSE_LINEAR];

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		/* Headers are normally in the first segment. A chained frame whose first
		 * segment is short has its head copied out (once, bounded) so headers split
		 * across segments still parse. */
		if (unlikely(cap < held && cap < PL_PARSE_LINEAR)) {
			cap = RTE_MIN(held, (uint32_t)PL_PARSE_LINEAR);
			d = rte_pktmbuf_read(m, 0, cap, lin);
		}
		pl_parse_frame(d, cap, len, meta);
		m->packet_type = ptype_of(meta);
		/* l2_len .. l4_len describe a plain packet; a tunnelled one's inner offsets
		 * do not fit their bit widths and stay in pl_meta only */
		if (meta->kind == PL_KIND_IP && meta->encap == 0) {
			m->l2_len = meta->l3_off;
			m->l3_len = meta->l4_off - meta->l3_off;
			m->l4_len = meta->l4_hlen;
		}
	}
}

const char *
pl_malformed_name(unsigned int reason)
{
	static const char *const names[PL_MALFORMED_MAX] = {
		[PL_MALFORMED_NONE] = "none",
#define PL_X_NAME(name, help) [PL_MALFORMED_##name] = #name,
		PL_MALFORMED_REASONS(PL_X_NAME)
#undef PL_X_NAME
	};

	return reason < PL_MALFORMED_MAX ? names[reason] : "unknown";
}

const char *
pl_encap_name(unsigned int kind)
{
	static const char *const names[PL_ENCAP_MAX] = {
#define PL_X_NAME(name, help) [PL_ENCAP_##name] = #name,
		PL_ENCAP_KINDS(PL_X_NAME)
#undef PL_X_NAME
	};

	return kind < PL_ENCAP_MAX ? names[kind] : "unknown";
}

const char *
pl_dir_name(unsigned int dir)
{
	static const char *const names[PL_DIR_MAX] = { "in", "out", "internal", "external" };

	return dir < PL_DIR_MAX ? names[dir] : "unknown";
}
