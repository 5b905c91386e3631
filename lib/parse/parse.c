/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parse once. The RX lcore runs pl_parse_burst() on every frame; the result (offsets, kind,
 * ports, flags) goes into the pl_meta dynamic field and the standard mbuf fields, and nobody
 * looks at the headers again to learn them. Every bound is checked against both the frame
 * and the length the IP header claims: the IP length may be shorter than the frame (padding
 * of short frames is normal), never longer.
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
int pl_time_offset = -1;
uint64_t pl_time_flag;

/* Ethertypes of VLAN tags we step over: 802.1Q, 802.1ad and the legacy 0x9100 outer tag. */
#define PL_ETHER_QINQ_LEGACY 0x9100
/* More IPv6 extension headers than this is treated as a broken chain (RFC 8200 allows
 * each once or twice; the cap stops a crafted chain from costing the RX lcore). */
#define PL_IPV6_MAX_EXT 8
/* Bytes of a chained frame copied out for parsing when its first segment is shorter. */
#define PL_PARSE_LINEAR 512

int
pl_parse_init(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "portlens_meta",
		.size = sizeof(struct pl_meta),
		.align = __alignof__(struct pl_meta),
	};
	int off = rte_mbuf_dynfield_register(&desc);

	if (off < 0)
		return -rte_errno;
	pl_meta_offset = off;
	if (rte_mbuf_dyn_rx_timestamp_register(&pl_time_offset, &pl_time_flag) < 0)
		return -rte_errno;
	return 0;
}

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline enum pl_kind
malformed(struct pl_meta *meta, enum pl_malformed why)
{
	meta->kind = PL_KIND_MALFORMED;
	meta->malformed = why;
	return PL_KIND_MALFORMED;
}

/*
 * Parse the L4 header at off, within [off, end). Fills ports, payload and TCP flags.
 * Returns PL_KIND_IP, or PL_KIND_MALFORMED with the reason set.
 */
static enum pl_kind
parse_l4(const uint8_t *d, uint32_t off, uint32_t end, uint32_t cap, struct pl_meta *meta)
{
	uint32_t seg = end - off;
	/* header bytes that can be read here: bounded by the segment and the contiguous data */
	uint32_t hdr = RTE_MIN(end, cap) - off;

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
		meta->payload_len = (uint16_t)(seg - hl);
		meta->flags |= PL_F_L4;
		break;
	}
	case IPPROTO_UDP: {
		uint32_t ulen;

		if (hdr < 8)
			return malformed(meta, PL_MALFORMED_udp_truncated);
		ulen = rd16(d + off + 4);
		if (ulen < 8 || ulen > seg)
			return malformed(meta, PL_MALFORMED_udp_bad_length);
		meta->sport = rd16(d + off);
		meta->dport = rd16(d + off + 2);
		meta->l4_hlen = 8;
		meta->payload_len = (uint16_t)(ulen - 8);
		meta->flags |= PL_F_L4;
		break;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (hdr < 4)
			return malformed(meta, PL_MALFORMED_icmp_truncated);
		meta->l4_hlen = 4;
		meta->payload_len = (uint16_t)(seg - 4);
		break;
	default:
		meta->payload_len = (uint16_t)seg;
		break;
	}
	meta->kind = PL_KIND_IP;
	return PL_KIND_IP;
}

static enum pl_kind
parse_ipv4(const uint8_t *d, uint32_t off, uint32_t cap, uint32_t len, struct pl_meta *meta)
{
	uint32_t room = len - off, ihl, tot;
	uint16_t frag;

	if (cap - off < 20)
		return malformed(meta, PL_MALFORMED_ipv4_truncated);
	if ((d[off] >> 4) != 4)
		return malformed(meta, PL_MALFORMED_ipv4_bad_version);
	ihl = (uint32_t)(d[off] & 0x0f) * 4;
	if (ihl < 20 || ihl > cap - off)
		return malformed(meta, PL_MALFORMED_ipv4_bad_ihl);
	tot = rd16(d + off + 2);
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
		meta->payload_len = (uint16_t)(tot - ihl);
		meta->kind = PL_KIND_IP;
		return PL_KIND_IP;
	}
	return parse_l4(d, off + ihl, off + tot, cap, meta);
}

static enum pl_kind
parse_ipv6(const uint8_t *d, uint32_t off, uint32_t cap, uint32_t len, struct pl_meta *meta)
{
	uint32_t end, p, lim;
	uint8_t nh;
	int n;

	if (cap - off < 40)
		return malformed(meta, PL_MALFORMED_ipv6_truncated);
	if ((d[off] >> 4) != 6)
		return malformed(meta, PL_MALFORMED_ipv6_bad_version);
	end = off + 40 + rd16(d + off + 4);
	if (end > len)
		return malformed(meta, PL_MALFORMED_ipv6_bad_length);
	lim = RTE_MIN(end, cap); /* extension headers must be readable here */
	meta->flags |= PL_F_IPV6;
	nh = d[off + 6];
	p = off + 40;
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
			meta->payload_len = (uint16_t)(end - p);
			meta->kind = PL_KIND_IP;
			return PL_KIND_IP;
		}
		default:
			break;
		}
		break;
	}
	meta->l4_proto = nh;
	return parse_l4(d, p, end, cap, meta);
}

enum pl_kind
pl_parse_frame(const uint8_t *d, uint32_t cap, uint32_t len, struct pl_meta *meta)
{
	uint32_t off = 12;
	uint16_t et;
	int tags = 0;

	meta->l3_off = meta->l4_hlen = 0;
	meta->l4_off = meta->payload_len = 0;
	meta->sport = meta->dport = 0;
	meta->malformed = PL_MALFORMED_NONE;
	meta->l4_proto = 0;
	meta->flags = 0;
	meta->tcp_flags = 0;

	if (len == 0)
		return malformed(meta, PL_MALFORMED_empty);
	if (len < RTE_ETHER_HDR_LEN || cap < RTE_ETHER_HDR_LEN)
		return malformed(meta, PL_MALFORMED_short_l2);
	et = rd16(d + off);
	while (et == RTE_ETHER_TYPE_VLAN || et == RTE_ETHER_TYPE_QINQ ||
	       et == PL_ETHER_QINQ_LEGACY) {
		if (cap - off < 2 + 4)
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
	meta->l3_off = (uint8_t)off;
	if (et == RTE_ETHER_TYPE_IPV4)
		return parse_ipv4(d, off, cap, len, meta);
	if (et == RTE_ETHER_TYPE_IPV6)
		return parse_ipv6(d, off, cap, len, meta);
	meta->kind = PL_KIND_NON_IP;
	return PL_KIND_NON_IP;
}

/* The RTE_PTYPE_* view of a parsed frame, for PMD offloads and DPDK tools. */
static uint32_t
ptype_of(const struct pl_meta *meta)
{
	uint32_t pt;

	if (meta->kind == PL_KIND_MALFORMED)
		return RTE_PTYPE_UNKNOWN;
	pt = (meta->flags & PL_F_QINQ) ? RTE_PTYPE_L2_ETHER_QINQ :
	     (meta->flags & PL_F_VLAN) ? RTE_PTYPE_L2_ETHER_VLAN : RTE_PTYPE_L2_ETHER;
	if (meta->kind != PL_KIND_IP)
		return pt;
	if (meta->flags & PL_F_IPV6)
		pt |= (meta->flags & PL_F_IPOPT) ? RTE_PTYPE_L3_IPV6_EXT : RTE_PTYPE_L3_IPV6;
	else
		pt |= (meta->flags & PL_F_IPOPT) ? RTE_PTYPE_L3_IPV4_EXT : RTE_PTYPE_L3_IPV4;
	if (meta->flags & PL_F_FRAGMENT)
		return pt | RTE_PTYPE_L4_FRAG;
	switch (meta->l4_proto) {
	case IPPROTO_TCP:
		return pt | RTE_PTYPE_L4_TCP;
	case IPPROTO_UDP:
		return pt | RTE_PTYPE_L4_UDP;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return pt | RTE_PTYPE_L4_ICMP;
	default:
		return pt | RTE_PTYPE_L4_NONFRAG;
	}
}

void
pl_parse_burst(struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct pl_meta *meta = pl_meta(m);
		uint32_t len = rte_pktmbuf_pkt_len(m);
		uint32_t cap = rte_pktmbuf_data_len(m);
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
		uint8_t lin[PL_PARSE_LINEAR];

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		/* Headers are normally in the first segment. A chained frame whose first
		 * segment is short has its head copied out (once, bounded) so headers split
		 * across segments still parse. */
		if (unlikely(cap < len && cap < PL_PARSE_LINEAR)) {
			cap = RTE_MIN(len, (uint32_t)PL_PARSE_LINEAR);
			d = rte_pktmbuf_read(m, 0, cap, lin);
		}
		pl_parse_frame(d, cap, len, meta);
		m->packet_type = ptype_of(meta);
		if (meta->kind == PL_KIND_IP) {
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
pl_dir_name(unsigned int dir)
{
	static const char *const names[PL_DIR_MAX] = { "in", "out", "internal", "external" };

	return dir < PL_DIR_MAX ? names[dir] : "unknown";
}
