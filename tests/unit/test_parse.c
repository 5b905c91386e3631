/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/parse: pl_parse_frame() on hand-built byte arrays (every header the
 * parser understands, the padding rule, and every malformed reason, each produced by at least
 * one input), then pl_parse_burst() on real mbufs from a pktmbuf pool, including a chained
 * jumbo frame whose headers cross the end of its first segment, and the standard mbuf fields
 * the burst sets (packet_type, l2_len, l3_len, l4_len). Lengths taken from the frame (IPv4
 * total length 0, IPv6 jumbograms), every tunnel the parser strips (one test per
 * encapsulation, each checking the inner packet's meta), broken tunnels and the nesting
 * bound as malformed reasons, the decapsulation switch, and the worker hash of a tunnelled
 * connection (the inner tuple, the same both ways whatever the outer ports).
 */
#include <netinet/in.h>

#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mbuf_ptype.h>

#include "pl_dist.h"
#include "pl_parse.h"
#include "pl_test.h"

static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
static const uint16_t TAG_8100[] = { RTE_ETHER_TYPE_VLAN };
static const uint16_t TAGS_88A8[] = { RTE_ETHER_TYPE_QINQ, RTE_ETHER_TYPE_VLAN };
static const uint16_t TAGS_9100[] = { 0x9100, RTE_ETHER_TYPE_VLAN };
static const uint16_t TAGS_NINE[] = { 0x88a8, 0x8100, 0x8100, 0x8100, 0x8100, 0x8100, 0x8100,
				      0x8100, 0x8100 };

#define SRC4 PL_IP4(192, 168, 1, 10)
#define DST4 PL_IP4(203, 0, 113, 7)

static enum pl_kind
parse(const struct pl_fb *f, struct pl_meta *m)
{
	memset(m, 0xee, sizeof(*m)); /* stale garbage the parser must overwrite */
	return pl_parse_frame(f->b, f->len, f->len, m);
}

/* ---- well-formed frames ---- */

static void
build_ipv4_tcp(struct pl_fb *f, const uint16_t *tags, int ntags, uint32_t opt, uint8_t doff,
	       uint32_t payload)
{
	uint32_t ip;

	fb_eth(f, tags, ntags, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(f, IPPROTO_TCP, SRC4, DST4, opt, 0);
	fb_tcp(f, 12345, 443, 0x12, doff, payload);
	fb_ipv4_done(f, ip);
}

static void
test_ipv4_tcp_gives_ports_flags_and_lengths(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv4_tcp(&f, NULL, 0, 0, 5, 100);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.kind, PL_KIND_IP);
	assert_int_equal(m.malformed, PL_MALFORMED_NONE);
	assert_int_equal(m.flags, PL_F_L4);
	assert_int_equal(m.l3_off, 14);
	assert_int_equal(m.l4_off, 34);
	assert_int_equal(m.l4_hlen, 20);
	assert_int_equal(m.l4_proto, IPPROTO_TCP);
	assert_int_equal(m.sport, 12345);
	assert_int_equal(m.dport, 443);
	assert_int_equal(m.tcp_flags, 0x12);
	assert_int_equal(m.payload_len, 100);
	assert_int_equal(pl_meta_payload_off(&m), 54);
}

static void
test_tcp_options_count_in_l4_hlen(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv4_tcp(&f, NULL, 0, 0, 10, 7);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.l4_hlen, 40);
	assert_int_equal(m.payload_len, 7);
	assert_int_equal(pl_meta_payload_off(&m), 14 + 20 + 40);
}

static void
test_tcp_without_payload_has_payload_len_zero(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv4_tcp(&f, NULL, 0, 0, 5, 0);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.payload_len, 0);
	assert_int_equal(m.flags, PL_F_L4);
}

static void
test_udp_payload_comes_from_udp_length(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(&f, IPPROTO_UDP, SRC4, DST4, 0, 0);
	fb_udp(&f, 5353, 53, 30);
	fb_ipv4_done(&f, ip);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_L4);
	assert_int_equal(m.l4_proto, IPPROTO_UDP);
	assert_int_equal(m.sport, 5353);
	assert_int_equal(m.dport, 53);
	assert_int_equal(m.l4_off, 34);
	assert_int_equal(m.l4_hlen, 8);
	assert_int_equal(m.payload_len, 30);
	assert_int_equal(m.tcp_flags, 0);

	/* a UDP length shorter than the IP payload bounds the payload */
	fb_put16(&f, 34 + 4, 8 + 10);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.payload_len, 10);
}

static void
test_vlan_8021q_sets_vlan_flag_and_l3_off(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv4_tcp(&f, TAG_8100, 1, 0, 5, 10);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_VLAN | PL_F_L4);
	assert_int_equal(m.l3_off, 18);
	assert_int_equal(m.l4_off, 38);
	assert_int_equal(m.dport, 443);
	assert_int_equal(m.payload_len, 10);
}

static void
test_qinq_outer_88a8_sets_qinq_flag(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv4_tcp(&f, TAGS_88A8, 2, 0, 5, 10);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_VLAN | PL_F_QINQ | PL_F_L4);
	assert_int_equal(m.l3_off, 22);
	assert_int_equal(m.l4_off, 42);
	assert_int_equal(m.sport, 12345);
}

static void
test_qinq_outer_9100_sets_qinq_flag(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv4_tcp(&f, TAGS_9100, 2, 0, 5, 10);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_VLAN | PL_F_QINQ | PL_F_L4);
	assert_int_equal(m.l3_off, 22);
	assert_int_equal(m.dport, 443);
}

static void
test_eight_vlan_tags_are_stepped_over(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv4_tcp(&f, TAGS_NINE, PL_MAX_VLAN_TAGS, 0, 5, 0);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.l3_off, 14 + 4 * PL_MAX_VLAN_TAGS);
	assert_int_equal(m.flags, PL_F_VLAN | PL_F_QINQ | PL_F_L4);
}

static void
test_ipv4_options_set_ipopt_and_move_l4(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv4_tcp(&f, NULL, 0, 8, 5, 5);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_IPOPT | PL_F_L4);
	assert_int_equal(m.l4_off, 14 + 28);
	assert_int_equal(m.sport, 12345);
	assert_int_equal(m.dport, 443);
	assert_int_equal(m.payload_len, 5);

	build_ipv4_tcp(&f, NULL, 0, 40, 5, 5); /* IHL 15, the most there is */
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.l4_off, 14 + 60);
	assert_int_equal(m.dport, 443);
}

static void
build_ipv4_frag(struct pl_fb *f, uint16_t frag, uint32_t l4bytes)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(f, IPPROTO_UDP, SRC4, DST4, 0, frag);
	if (l4bytes >= 8) {
		fb_udp(f, 1000, 2000, l4bytes - 8);
		fb_put16(f, 34 + 4, 4000); /* the whole datagram's UDP length */
	} else {
		fb_zero(f, l4bytes);
	}
	fb_ipv4_done(f, ip);
}

static void
test_ipv4_first_fragment_has_no_ports(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv4_frag(&f, 0x2000 /* MF, offset 0 */, 1480);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_FRAGMENT | PL_F_FIRST_FRAG);
	assert_int_equal(m.l4_proto, IPPROTO_UDP);
	assert_int_equal(m.l4_off, 34);
	assert_int_equal(m.l4_hlen, 0);
	assert_int_equal(m.payload_len, 1480);
	assert_int_equal(m.sport, 0);
	assert_int_equal(m.dport, 0);
}

static void
test_ipv4_later_fragment_is_not_first_and_not_parsed_as_l4(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	/* 3 bytes after the IP header would be a truncated UDP header if it were parsed */
	build_ipv4_frag(&f, 185 /* offset 1480, last fragment */, 3);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_FRAGMENT);
	assert_int_equal(m.payload_len, 3);
	assert_int_equal(m.sport, 0);
	assert_int_equal(m.dport, 0);

	build_ipv4_frag(&f, 0x2000 | 185 /* a middle fragment */, 1480);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_FRAGMENT);
}

static void
test_ipv4_dont_fragment_is_not_a_fragment(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(&f, IPPROTO_UDP, SRC4, DST4, 0, 0x4000);
	fb_udp(&f, 1000, 2000, 4);
	fb_ipv4_done(&f, ip);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_L4);
	assert_int_equal(m.dport, 2000);
}

static void
test_ipv6_tcp_gives_ports(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(&f, IPPROTO_TCP, A6, B6);
	fb_tcp(&f, 40000, 22, 0x02, 5, 12);
	fb_ipv6_done(&f, ip);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_IPV6 | PL_F_L4);
	assert_int_equal(m.l3_off, 14);
	assert_int_equal(m.l4_off, 54);
	assert_int_equal(m.l4_proto, IPPROTO_TCP);
	assert_int_equal(m.sport, 40000);
	assert_int_equal(m.dport, 22);
	assert_int_equal(m.tcp_flags, 0x02);
	assert_int_equal(m.payload_len, 12);
}

static void
test_ipv6_hop_routing_dstopts_chain_reaches_tcp(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	uint32_t ip;

	fb_eth(&f, TAG_8100, 1, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(&f, IPPROTO_HOPOPTS, A6, B6);
	fb_ipv6_ext(&f, IPPROTO_ROUTING, 0);  /* 8 bytes */
	fb_ipv6_ext(&f, IPPROTO_DSTOPTS, 2);  /* 24 bytes */
	fb_ipv6_ext(&f, IPPROTO_TCP, 0);      /* 8 bytes */
	fb_tcp(&f, 443, 50000, 0x10, 5, 33);
	fb_ipv6_done(&f, ip);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_VLAN | PL_F_IPV6 | PL_F_IPOPT | PL_F_L4);
	assert_int_equal(m.l3_off, 18);
	assert_int_equal(m.l4_off, 18 + 40 + 8 + 24 + 8);
	assert_int_equal(m.l4_proto, IPPROTO_TCP);
	assert_int_equal(m.sport, 443);
	assert_int_equal(m.dport, 50000);
	assert_int_equal(m.payload_len, 33);
}

static void
test_ipv6_ah_length_is_in_4_byte_units(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(&f, IPPROTO_AH, A6, B6);
	fb_u8(&f, IPPROTO_UDP);
	fb_u8(&f, 4); /* (4 + 2) * 4 = 24 bytes */
	fb_zero(&f, 22);
	fb_udp(&f, 500, 4500, 9);
	fb_ipv6_done(&f, ip);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.l4_off, 14 + 40 + 24);
	assert_int_equal(m.dport, 4500);
	assert_int_equal(m.payload_len, 9);
	assert_int_equal(m.flags, PL_F_IPV6 | PL_F_IPOPT | PL_F_L4);
}

static void
build_ipv6_frag(struct pl_fb *f, uint16_t offset, int more, uint32_t l4bytes)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(f, IPPROTO_HOPOPTS, A6, B6);
	fb_ipv6_ext(f, IPPROTO_FRAGMENT, 0);
	fb_ipv6_frag(f, IPPROTO_UDP, offset, more);
	if (l4bytes >= 8)
		fb_udp(f, 1000, 2000, l4bytes - 8);
	else
		fb_zero(f, l4bytes);
	fb_ipv6_done(f, ip);
}

static void
test_ipv6_first_fragment_has_no_ports(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv6_frag(&f, 0, 1, 1232);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_IPV6 | PL_F_IPOPT | PL_F_FRAGMENT | PL_F_FIRST_FRAG);
	assert_int_equal(m.l4_proto, IPPROTO_UDP);
	assert_int_equal(m.l4_off, 14 + 40 + 8 + 8);
	assert_int_equal(m.payload_len, 1232);
	assert_int_equal(m.sport, 0);
	assert_int_equal(m.dport, 0);
}

static void
test_ipv6_later_fragment_is_not_first(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv6_frag(&f, 154, 0, 3);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_IPV6 | PL_F_IPOPT | PL_F_FRAGMENT);
	assert_int_equal(m.payload_len, 3);
	assert_int_equal(m.sport, 0);
}

static void
test_ipv6_atomic_fragment_is_not_a_fragment(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv6_frag(&f, 0, 0, 8 + 20);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_IPV6 | PL_F_IPOPT | PL_F_L4);
	assert_int_equal(m.l4_proto, IPPROTO_UDP);
	assert_int_equal(m.l4_off, 14 + 40 + 8 + 8);
	assert_int_equal(m.sport, 1000);
	assert_int_equal(m.dport, 2000);
	assert_int_equal(m.payload_len, 20);
}

static void
test_icmp_has_four_byte_header_and_no_ports(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(&f, IPPROTO_ICMP, SRC4, DST4, 0, 0);
	fb_icmp(&f, 8, 60);
	fb_ipv4_done(&f, ip);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, 0);
	assert_int_equal(m.l4_proto, IPPROTO_ICMP);
	assert_int_equal(m.l4_off, 34);
	assert_int_equal(m.l4_hlen, 4);
	assert_int_equal(m.payload_len, 60);
	assert_int_equal(m.sport, 0);
	assert_int_equal(m.dport, 0);
}

static void
test_icmpv6_has_four_byte_header_and_no_ports(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(&f, IPPROTO_ICMPV6, A6, B6);
	fb_icmp(&f, 128, 20);
	fb_ipv6_done(&f, ip);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_IPV6);
	assert_int_equal(m.l4_proto, IPPROTO_ICMPV6);
	assert_int_equal(m.l4_off, 54);
	assert_int_equal(m.l4_hlen, 4);
	assert_int_equal(m.payload_len, 20);
}

static void
test_other_l4_protocol_is_all_payload(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(&f, 47 /* GRE */, SRC4, DST4, 0, 0);
	fb_zero(&f, 24);
	fb_ipv4_done(&f, ip);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.flags, 0);
	assert_int_equal(m.l4_proto, 47);
	assert_int_equal(m.l4_hlen, 0);
	assert_int_equal(m.payload_len, 24);
}

static void
test_arp_is_non_ip(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_ARP);
	fb_zero(&f, 28);
	fb_zero(&f, 60 - f.len);
	assert_int_equal(parse(&f, &m), PL_KIND_NON_IP);
	assert_int_equal(m.kind, PL_KIND_NON_IP);
	assert_int_equal(m.malformed, PL_MALFORMED_NONE);
	assert_int_equal(m.flags, 0);
	assert_int_equal(m.l3_off, 14);
	assert_int_equal(m.sport, 0);

	fb_eth(&f, TAG_8100, 1, RTE_ETHER_TYPE_ARP);
	fb_zero(&f, 28);
	assert_int_equal(parse(&f, &m), PL_KIND_NON_IP);
	assert_int_equal(m.flags, PL_F_VLAN);
	assert_int_equal(m.l3_off, 18);
}

static void
test_padded_60_byte_frame_takes_payload_from_ip_length(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	uint32_t ip;

	/* UDP, no payload: 42 bytes of headers, 18 bytes of Ethernet padding */
	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(&f, IPPROTO_UDP, SRC4, DST4, 0, 0);
	fb_udp(&f, 1111, 2222, 0);
	fb_ipv4_done(&f, ip);
	fb_zero(&f, 60 - f.len);
	assert_int_equal(f.len, 60);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.payload_len, 0);
	assert_int_equal(m.dport, 2222);

	/* TCP with 2 bytes of data: 56 bytes, 4 of padding that are not payload */
	build_ipv4_tcp(&f, NULL, 0, 0, 5, 2);
	fb_zero(&f, 60 - f.len);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.payload_len, 2);
	assert_int_equal(m.flags, PL_F_L4);

	/* the same for IPv6 (padding after a bare ICMPv6 header in a VLAN frame) */
	fb_eth(&f, TAG_8100, 1, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(&f, IPPROTO_ICMPV6, A6, B6);
	fb_icmp(&f, 128, 4);
	fb_ipv6_done(&f, ip);
	fb_zero(&f, 100 - f.len);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.payload_len, 4);
}

static void
test_parse_leaves_dir_alone_and_clears_old_fields(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	memset(&m, 0xee, sizeof(m));
	m.dir = PL_DIR_INTERNAL;
	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_ARP);
	fb_zero(&f, 46);
	assert_int_equal(pl_parse_frame(f.b, f.len, f.len, &m), PL_KIND_NON_IP);
	assert_int_equal(m.dir, PL_DIR_INTERNAL);
	assert_int_equal(m.sport, 0);
	assert_int_equal(m.dport, 0);
	assert_int_equal(m.l4_off, 0);
	assert_int_equal(m.payload_len, 0);
	assert_int_equal(m.tcp_flags, 0);
	assert_int_equal(m.l4_proto, 0);
}

static void
test_headers_beyond_cap_are_not_read(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	/* the frame is whole but only 30 bytes are readable: the IPv4 header is cut */
	build_ipv4_tcp(&f, NULL, 0, 0, 5, 10);
	memset(&m, 0, sizeof(m));
	assert_int_equal(pl_parse_frame(f.b, 30, f.len, &m), PL_KIND_MALFORMED);
	assert_int_equal(m.malformed, PL_MALFORMED_ipv4_truncated);
	/* and a TCP header cut by cap is truncated, not read past cap */
	assert_int_equal(pl_parse_frame(f.b, 40, f.len, &m), PL_KIND_MALFORMED);
	assert_int_equal(m.malformed, PL_MALFORMED_tcp_truncated);
	/* with every header readable, the payload is bounded by len, not cap */
	assert_int_equal(pl_parse_frame(f.b, 54, f.len, &m), PL_KIND_IP);
	assert_int_equal(m.payload_len, 10);
}

/* ---- malformed frames: one case per way of being broken ---- */

struct bad_case {
	const char *name;
	void (*build)(struct pl_fb *f);
	enum pl_malformed why;
};

static void
bad_empty(struct pl_fb *f)
{
	memset(f, 0, sizeof(*f));
}

static void
bad_short_l2(struct pl_fb *f)
{
	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	f->len = 13;
}

static void
bad_vlan_truncated(struct pl_fb *f)
{
	fb_eth(f, TAG_8100, 1, RTE_ETHER_TYPE_IPV4);
	f->len = 16; /* TPID and TCI, no inner ethertype */
}

static void
bad_vlan_tag_only_tpid(struct pl_fb *f)
{
	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_VLAN);
}

static void
bad_vlan_too_many(struct pl_fb *f)
{
	build_ipv4_tcp(f, TAGS_NINE, 9, 0, 5, 0);
}

static void
bad_ipv4_truncated(struct pl_fb *f)
{
	build_ipv4_tcp(f, NULL, 0, 0, 5, 0);
	f->len = 14 + 19;
}

static void
bad_ipv4_version(struct pl_fb *f)
{
	build_ipv4_tcp(f, NULL, 0, 0, 5, 0);
	f->b[14] = 0x65;
}

static void
bad_ipv4_ihl_below_5(struct pl_fb *f)
{
	build_ipv4_tcp(f, NULL, 0, 0, 5, 0);
	f->b[14] = 0x44;
}

static void
bad_ipv4_ihl_beyond_frame(struct pl_fb *f)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(f, IPPROTO_UDP, SRC4, DST4, 0, 0);
	fb_udp(f, 1, 2, 0);
	fb_ipv4_done(f, ip);
	f->b[14] = 0x4f; /* 60-byte header in a 28-byte packet */
}

static void
bad_ipv4_total_below_header(struct pl_fb *f)
{
	build_ipv4_tcp(f, NULL, 0, 0, 5, 0);
	fb_put16(f, 14 + 2, 19);
}

static void
bad_ipv4_total_beyond_frame(struct pl_fb *f)
{
	build_ipv4_tcp(f, NULL, 0, 0, 5, 0);
	fb_put16(f, 14 + 2, (uint16_t)(f->len - 14 + 1));
}

static void
build_ipv6_udp(struct pl_fb *f)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(f, IPPROTO_UDP, A6, B6);
	fb_udp(f, 1, 2, 4);
	fb_ipv6_done(f, ip);
}

static void
bad_ipv6_truncated(struct pl_fb *f)
{
	build_ipv6_udp(f);
	f->len = 14 + 39;
}

static void
bad_ipv6_version(struct pl_fb *f)
{
	build_ipv6_udp(f);
	f->b[14] = 0x40;
}

static void
bad_ipv6_length(struct pl_fb *f)
{
	build_ipv6_udp(f);
	fb_put16(f, 14 + 4, 13);
}

static void
bad_ipv6_ext_chain_past_end(struct pl_fb *f)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(f, IPPROTO_HOPOPTS, A6, B6);
	fb_ipv6_ext(f, IPPROTO_UDP, 0);
	fb_udp(f, 1, 2, 0);
	fb_ipv6_done(f, ip);
	f->b[14 + 40 + 1] = 10; /* claims 88 bytes; 16 follow */
}

static void
bad_ipv6_ext_header_cut(struct pl_fb *f)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(f, IPPROTO_ROUTING, A6, B6);
	fb_zero(f, 4);
	fb_ipv6_done(f, ip);
}

static void
bad_ipv6_ext_chain_too_long(struct pl_fb *f)
{
	uint32_t ip;
	int i;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(f, IPPROTO_DSTOPTS, A6, B6);
	for (i = 0; i < 9; i++)
		fb_ipv6_ext(f, i == 8 ? IPPROTO_UDP : IPPROTO_DSTOPTS, 0);
	fb_udp(f, 1, 2, 0);
	fb_ipv6_done(f, ip);
}

static void
bad_ipv6_fragment_header_cut(struct pl_fb *f)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(f, IPPROTO_FRAGMENT, A6, B6);
	fb_zero(f, 6);
	fb_ipv6_done(f, ip);
}

static void
bad_ipv6_ext_beyond_payload_length(struct pl_fb *f)
{
	uint32_t ip;

	/* the extension header is in the frame, but past the IPv6 payload length */
	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(f, IPPROTO_HOPOPTS, A6, B6);
	fb_ipv6_ext(f, IPPROTO_NONE, 0);
	fb_ipv6_done(f, ip);
	fb_put16(f, ip + 4, 4);
}

static void
bad_tcp_truncated(struct pl_fb *f)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(f, IPPROTO_TCP, SRC4, DST4, 0, 0);
	fb_zero(f, 10);
	fb_ipv4_done(f, ip);
}

static void
bad_tcp_beyond_ip_length(struct pl_fb *f)
{
	/* a whole TCP header in the frame, but the IP length ends 10 bytes into it */
	build_ipv4_tcp(f, NULL, 0, 0, 5, 0);
	fb_put16(f, 14 + 2, 30);
}

static void
bad_tcp_ipv6_truncated(struct pl_fb *f)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(f, IPPROTO_TCP, A6, B6);
	fb_zero(f, 19);
	fb_ipv6_done(f, ip);
}

static void
bad_tcp_offset_below_5(struct pl_fb *f)
{
	build_ipv4_tcp(f, NULL, 0, 0, 5, 8);
	f->b[34 + 12] = 4 << 4;
}

static void
bad_tcp_offset_beyond_segment(struct pl_fb *f)
{
	build_ipv4_tcp(f, NULL, 0, 0, 5, 4);
	f->b[34 + 12] = 15 << 4; /* 60 bytes in a 24-byte segment */
}

static void
bad_udp_truncated(struct pl_fb *f)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(f, IPPROTO_UDP, SRC4, DST4, 0, 0);
	fb_zero(f, 6);
	fb_ipv4_done(f, ip);
}

static void
bad_udp_length_below_8(struct pl_fb *f)
{
	build_ipv6_udp(f);
	fb_put16(f, 54 + 4, 7);
}

static void
bad_udp_length_beyond_packet(struct pl_fb *f)
{
	build_ipv6_udp(f);
	fb_put16(f, 54 + 4, 8 + 4 + 1);
}

static void
bad_icmp_truncated(struct pl_fb *f)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(f, IPPROTO_ICMP, SRC4, DST4, 0, 0);
	fb_zero(f, 3);
	fb_ipv4_done(f, ip);
}

static void
bad_icmpv6_truncated(struct pl_fb *f)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(f, IPPROTO_ICMPV6, A6, B6);
	fb_zero(f, 2);
	fb_ipv6_done(f, ip);
}

/* ---- lengths from the frame: TSO/GSO frames and jumbograms ---- */

/* IPv6 jumbogram (RFC 2675) whose Jumbo Payload length (hop-by-hop header included) is
 * @p jlen: only its headers are built. */
static void
build_ipv6_jumbo(struct pl_fb *f, uint8_t l4, uint32_t jlen)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(f, IPPROTO_HOPOPTS, A6, B6);
	fb_u8(f, l4);
	fb_u8(f, 0);
	fb_u8(f, 0xc2); /* Jumbo Payload option */
	fb_u8(f, 4);
	fb_u16(f, (uint16_t)(jlen >> 16));
	fb_u16(f, (uint16_t)jlen);
	if (l4 == IPPROTO_TCP)
		fb_tcp(f, 40000, 443, 0x10, 5, 0);
	else
		fb_udp(f, 40000, 5353, 0);
	(void)ip; /* payload length stays 0 */
}

static void
bad_ipv6_jumbo_option_missing(struct pl_fb *f)
{
	uint32_t ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(f, IPPROTO_HOPOPTS, A6, B6);
	fb_ipv6_ext(f, IPPROTO_TCP, 0); /* padding only */
	fb_tcp(f, 40000, 443, 0x10, 5, 100);
	(void)ip;
}

static void
bad_ipv6_jumbo_below_65536(struct pl_fb *f)
{
	build_ipv6_jumbo(f, IPPROTO_TCP, 8 + 20 + 100);
	fb_zero(f, 100);
}

/* A jumbo length past the frame: the frame is what the builder holds (cap == len). */
static void
bad_ipv6_jumbo_beyond_frame(struct pl_fb *f)
{
	build_ipv6_jumbo(f, IPPROTO_TCP, 70000);
}

/* ---- tunnels ---- */

#define IN_SRC PL_IP4(10, 1, 0, 1)
#define IN_DST PL_IP4(10, 2, 0, 2)
static const uint8_t IN6_SRC[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t IN6_DST[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

/* Append an untagged Ethernet header carrying @p et (a tunnel's inner frame). */
static void
fb_mac(struct pl_fb *f, uint16_t et)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 3, 2, 0, 0, 0, 0, 4 };

	fb_bytes(f, macs, sizeof(macs));
	fb_u16(f, et);
}

/* The packet every tunnel carries: TCP 40000 -> 443 with 50 payload bytes, IPv4 or IPv6. */
static void
fb_inner(struct pl_fb *f, int v6)
{
	uint32_t ip;

	if (v6) {
		ip = fb_ipv6(f, IPPROTO_TCP, IN6_SRC, IN6_DST);
		fb_tcp(f, 40000, 443, 0x02, 5, 50);
		fb_ipv6_done(f, ip);
	} else {
		ip = fb_ipv4(f, IPPROTO_TCP, IN_SRC, IN_DST, 0, 0);
		fb_tcp(f, 40000, 443, 0x02, 5, 50);
		fb_ipv4_done(f, ip);
	}
}

/* The outer packet of a tunnel: where its IP (and UDP) header sit, for fixing lengths. */
struct outer {
	uint32_t ip, udp;
	int v6;
};

/* Outer Ethernet (tags optional) and IP carrying @p proto; UDP to @p dport when proto is UDP. */
static void
outer_begin(struct pl_fb *f, struct outer *o, int v6, int ntags, uint8_t proto, uint16_t sport,
	    uint16_t dport)
{
	fb_eth(f, TAGS_88A8, ntags, v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
	o->v6 = v6;
	o->ip = v6 ? fb_ipv6(f, proto, A6, B6) : fb_ipv4(f, proto, SRC4, DST4, 0, 0);
	o->udp = 0;
	if (proto == IPPROTO_UDP) {
		o->udp = f->len;
		fb_udp(f, sport, dport, 0);
	}
}

/* Set the outer lengths to cover everything built since outer_begin(). */
static void
outer_done(struct pl_fb *f, const struct outer *o)
{
	if (o->udp)
		fb_put16(f, o->udp + 4, (uint16_t)(f->len - o->udp));
	if (o->v6)
		fb_ipv6_done(f, o->ip);
	else
		fb_ipv4_done(f, o->ip);
}

static void
fb_vxlan(struct pl_fb *f)
{
	fb_u8(f, 0x08); /* I flag: VNI valid */
	fb_zero(f, 3);
	fb_u16(f, 0x0012); /* VNI 0x001234 */
	fb_u16(f, 0x3400);
}

static void
fb_gre(struct pl_fb *f, uint16_t flags, uint16_t proto)
{
	fb_u16(f, flags);
	fb_u16(f, proto);
	if (flags & 0x8000)
		fb_u16(f, 0), fb_u16(f, 0);
	if (flags & 0x2000)
		fb_u16(f, 0), fb_u16(f, 42);
	if (flags & 0x1000)
		fb_u16(f, 0), fb_u16(f, 7);
}

/* An MPLS label stack entry: label, bottom-of-stack bit. */
static void
fb_mpls(struct pl_fb *f, uint32_t label, int bos)
{
	fb_u16(f, (uint16_t)(label >> 4));
	fb_u8(f, (uint8_t)((label << 4) | (bos ? 1 : 0)));
	fb_u8(f, 64);
}

static void
tun_vxlan(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_UDP, 51234, 4789);
	fb_vxlan(f);
	fb_mac(f, RTE_ETHER_TYPE_IPV4);
	fb_inner(f, 0);
	outer_done(f, &o);
}

static void
tun_vxlan_ipv6_qinq_inner_ipv6(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 1, 2, IPPROTO_UDP, 51234, 4789);
	fb_vxlan(f);
	fb_mac(f, RTE_ETHER_TYPE_IPV6);
	fb_inner(f, 1);
	outer_done(f, &o);
}

static void
tun_geneve_options_ethernet(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_UDP, 40001, 6081);
	fb_u8(f, 2); /* version 0, 2 words of options */
	fb_u8(f, 0);
	fb_u16(f, 0x6558);
	fb_zero(f, 4);
	fb_u16(f, 0x0102); /* one option: class, type, length 1 word ... */
	fb_u16(f, 0x0301);
	fb_zero(f, 4);
	fb_mac(f, RTE_ETHER_TYPE_IPV4);
	fb_inner(f, 0);
	outer_done(f, &o);
}

static void
tun_geneve_ipv4(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_UDP, 40001, 6081);
	fb_u8(f, 0);
	fb_u8(f, 0);
	fb_u16(f, RTE_ETHER_TYPE_IPV4);
	fb_zero(f, 4);
	fb_inner(f, 0);
	outer_done(f, &o);
}

static void
tun_gre_teb_csum_key_seq(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_gre(f, 0xb000, 0x6558);
	fb_mac(f, RTE_ETHER_TYPE_IPV4);
	fb_inner(f, 0);
	outer_done(f, &o);
}

static void
tun_gre_ipv4(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_gre(f, 0, RTE_ETHER_TYPE_IPV4);
	fb_inner(f, 0);
	outer_done(f, &o);
}

static void
tun_gre_ipv6_over_ipv6(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 1, 0, IPPROTO_GRE, 0, 0);
	fb_gre(f, 0x2000, RTE_ETHER_TYPE_IPV6);
	fb_inner(f, 1);
	outer_done(f, &o);
}

static void
tun_gre_mpls(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_gre(f, 0, RTE_ETHER_TYPE_MPLS);
	fb_mpls(f, 100, 1);
	fb_inner(f, 0);
	outer_done(f, &o);
}

static void
tun_erspan_ii(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_gre(f, 0x1000, 0x88be);
	fb_u16(f, 0x1000 | 10); /* version 1, VLAN 10 */
	fb_u16(f, 0x0005);      /* session 5 */
	fb_zero(f, 4);
	fb_mac(f, RTE_ETHER_TYPE_IPV4);
	fb_inner(f, 0);
	outer_done(f, &o);
}

static void
tun_erspan_i(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_gre(f, 0, 0x88be);
	fb_mac(f, RTE_ETHER_TYPE_IPV4);
	fb_inner(f, 0);
	outer_done(f, &o);
}

static void
tun_erspan_iii_subheader(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_gre(f, 0x1000, 0x22eb);
	fb_u16(f, 0x2000); /* version 2 */
	fb_u16(f, 0x0005);
	fb_zero(f, 4);     /* timestamp */
	fb_u16(f, 0);      /* SGT */
	fb_u8(f, 0);       /* P, frame type 0 (Ethernet) */
	fb_u8(f, 0x01);    /* O: a platform sub-header follows */
	fb_zero(f, 8);
	fb_mac(f, RTE_ETHER_TYPE_IPV6);
	fb_inner(f, 1);
	outer_done(f, &o);
}

static void
tun_erspan_iii_ip_frame(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_gre(f, 0x1000, 0x22eb);
	fb_u16(f, 0x2000);
	fb_u16(f, 0x0005);
	fb_zero(f, 4);
	fb_u16(f, 0);
	fb_u8(f, 2 << 2); /* frame type 2: IP, no Ethernet header */
	fb_u8(f, 0);
	fb_inner(f, 0);
	outer_done(f, &o);
}

static void
tun_ipv4_in_ipv4(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_IPIP, 0, 0);
	fb_inner(f, 0);
	outer_done(f, &o);
}

static void
tun_ipv6_in_ipv4(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_IPV6, 0, 0);
	fb_inner(f, 1);
	outer_done(f, &o);
}

static void
tun_ipv4_in_ipv6(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 1, 0, IPPROTO_IPIP, 0, 0);
	fb_inner(f, 0);
	outer_done(f, &o);
}

static void
tun_mpls_two_labels_ipv4(struct pl_fb *f)
{
	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_MPLS);
	fb_mpls(f, 16, 0);
	fb_mpls(f, 17, 1);
	fb_inner(f, 0);
}

static void
tun_mpls_ipv6(struct pl_fb *f)
{
	fb_eth(f, TAG_8100, 1, RTE_ETHER_TYPE_MPLSM);
	fb_mpls(f, 2, 1);
	fb_inner(f, 1);
}

static void
tun_mpls_pseudowire_control_word(struct pl_fb *f)
{
	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_MPLS);
	fb_mpls(f, 1000, 1);
	fb_zero(f, 4); /* control word */
	fb_mac(f, RTE_ETHER_TYPE_IPV4);
	fb_inner(f, 0);
}

static void
tun_mpls_then_vxlan(struct pl_fb *f)
{
	uint32_t ip, udp;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_MPLS);
	fb_mpls(f, 16, 1);
	ip = fb_ipv4(f, IPPROTO_UDP, SRC4, DST4, 0, 0);
	udp = f->len;
	fb_udp(f, 999, 4789, 0);
	fb_vxlan(f);
	fb_mac(f, RTE_ETHER_TYPE_IPV4);
	fb_inner(f, 0);
	fb_put16(f, udp + 4, (uint16_t)(f->len - udp));
	fb_ipv4_done(f, ip);
}

/* @p n IPv4-in-IPv4 headers around the inner packet. */
static void
build_ipip_nested(struct pl_fb *f, int n)
{
	uint32_t ip[8];
	int i;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	for (i = 0; i < n; i++)
		ip[i] = fb_ipv4(f, IPPROTO_IPIP, SRC4, DST4, 0, 0);
	fb_inner(f, 0);
	for (i = n - 1; i >= 0; i--)
		fb_ipv4_done(f, ip[i]);
}

static void
tun_ipip_nested_to_the_bound(struct pl_fb *f)
{
	build_ipip_nested(f, PL_MAX_ENCAP);
}

#define ENC(k) (1u << PL_ENCAP_##k)
#define TUN(n, l3, v6, enc) { "test_tunnel_" #n "_gives_the_inner_packet", tun_##n, l3, v6, enc }
static const struct tun_case {
	const char *name;
	void (*build)(struct pl_fb *f);
	uint16_t l3_off; /* where the inner IP header starts */
	int v6;          /* the inner packet is IPv6 */
	uint8_t encap;
} tun_cases[] = {
	TUN(vxlan, 14 + 20 + 8 + 8 + 14, 0, ENC(vxlan)),
	TUN(vxlan_ipv6_qinq_inner_ipv6, 22 + 40 + 8 + 8 + 14, 1, ENC(vxlan)),
	TUN(geneve_options_ethernet, 14 + 20 + 8 + 16 + 14, 0, ENC(geneve)),
	TUN(geneve_ipv4, 14 + 20 + 8 + 8, 0, ENC(geneve)),
	TUN(gre_teb_csum_key_seq, 14 + 20 + 16 + 14, 0, ENC(gre)),
	TUN(gre_ipv4, 14 + 20 + 4, 0, ENC(gre)),
	TUN(gre_ipv6_over_ipv6, 14 + 40 + 8, 1, ENC(gre)),
	TUN(gre_mpls, 14 + 20 + 4 + 4, 0, ENC(gre) | ENC(mpls)),
	TUN(erspan_ii, 14 + 20 + 8 + 8 + 14, 0, ENC(erspan_ii)),
	TUN(erspan_i, 14 + 20 + 4 + 14, 0, ENC(erspan_ii)),
	TUN(erspan_iii_subheader, 14 + 20 + 8 + 20 + 14, 1, ENC(erspan_iii)),
	TUN(erspan_iii_ip_frame, 14 + 20 + 8 + 12, 0, ENC(erspan_iii)),
	TUN(ipv4_in_ipv4, 14 + 20, 0, ENC(ipip)),
	TUN(ipv6_in_ipv4, 14 + 20, 1, ENC(ipip)),
	TUN(ipv4_in_ipv6, 14 + 40, 0, ENC(ipip)),
	TUN(mpls_two_labels_ipv4, 14 + 8, 0, ENC(mpls)),
	TUN(mpls_ipv6, 18 + 4, 1, ENC(mpls)),
	TUN(mpls_pseudowire_control_word, 14 + 4 + 4 + 14, 0, ENC(mpls)),
	TUN(mpls_then_vxlan, 14 + 4 + 20 + 8 + 8 + 14, 0, ENC(mpls) | ENC(vxlan)),
	TUN(ipip_nested_to_the_bound, 14 + 20 * PL_MAX_ENCAP, 0, ENC(ipip)),
};
#undef TUN

/* One cmocka test per tunnel case: the meta is the inner packet's, plus the encapsulation. */
static void
test_tun_case(void **state)
{
	const struct tun_case *c = *state;
	struct pl_fb f;
	struct pl_meta m;
	uint8_t want_src[16];

	c->build(&f);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.malformed, PL_MALFORMED_NONE);
	assert_int_equal(m.encap, c->encap);
	assert_int_equal(m.l3_off, c->l3_off);
	assert_int_equal(m.l4_off, c->l3_off + (c->v6 ? 40 : 20));
	assert_int_equal(m.l4_proto, IPPROTO_TCP);
	assert_int_equal(m.sport, 40000);
	assert_int_equal(m.dport, 443);
	assert_int_equal(m.tcp_flags, 0x02);
	assert_int_equal(m.l4_hlen, 20);
	assert_int_equal(m.payload_len, 50);
	assert_int_equal(m.flags & (PL_F_L4 | PL_F_IPV6 | PL_F_FRAGMENT | PL_F_IPOPT),
			 PL_F_L4 | (c->v6 ? PL_F_IPV6 : 0));
	/* the inner source address is where l3_off says */
	if (c->v6) {
		memcpy(want_src, IN6_SRC, 16);
		assert_memory_equal(f.b + m.l3_off + 8, want_src, 16);
	} else {
		assert_int_equal(f.b[m.l3_off + 12], 10);
		assert_int_equal(f.b[m.l3_off + 13], 1);
	}
}

/* ---- broken tunnels ---- */

static void
bad_vxlan_header_cut(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_UDP, 51234, 4789);
	fb_zero(f, 7);
	outer_done(f, &o);
}

static void
bad_geneve_options_beyond_datagram(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_UDP, 40001, 6081);
	fb_u8(f, 10); /* 40 bytes of options claimed */
	fb_u8(f, 0);
	fb_u16(f, 0x6558);
	fb_zero(f, 4 + 16);
	outer_done(f, &o);
}

static void
bad_geneve_header_cut(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_UDP, 40001, 6081);
	fb_zero(f, 5);
	outer_done(f, &o);
}

static void
bad_gre_key_and_sequence_cut(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_u16(f, 0x3000);
	fb_u16(f, RTE_ETHER_TYPE_IPV4);
	fb_zero(f, 6);
	outer_done(f, &o);
}

static void
bad_gre_header_cut(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 1, 0, IPPROTO_GRE, 0, 0);
	fb_zero(f, 3);
	outer_done(f, &o);
}

static void
bad_erspan_ii_header_cut(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_gre(f, 0x1000, 0x88be);
	fb_zero(f, 5);
	outer_done(f, &o);
}

static void
bad_erspan_iii_subheader_cut(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_gre(f, 0x1000, 0x22eb);
	fb_zero(f, 11);
	fb_u8(f, 0x01);
	fb_zero(f, 4);
	outer_done(f, &o);
}

static void
bad_mpls_no_bottom_of_stack(struct pl_fb *f)
{
	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_MPLS);
	fb_mpls(f, 16, 0);
	fb_mpls(f, 17, 0);
}

static void
bad_mpls_nothing_after_stack(struct pl_fb *f)
{
	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_MPLS);
	fb_mpls(f, 16, 1);
}

static void
bad_mpls_nine_labels(struct pl_fb *f)
{
	int i;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_MPLS);
	for (i = 0; i < 9; i++)
		fb_mpls(f, (uint32_t)(16 + i), i == 8);
	fb_inner(f, 0);
}

static void
bad_ipip_nested_past_the_bound(struct pl_fb *f)
{
	build_ipip_nested(f, PL_MAX_ENCAP + 1);
}

/* The inner IP length runs past the outer UDP datagram, though the frame holds the bytes. */
static void
bad_vxlan_inner_beyond_outer_datagram(struct pl_fb *f)
{
	tun_vxlan(f);
	fb_put16(f, 14 + 20 + 4, (uint16_t)(f->len - 14 - 20 - 10));
}

static void
bad_vxlan_inner_frame_short(struct pl_fb *f)
{
	struct outer o;

	outer_begin(f, &o, 0, 0, IPPROTO_UDP, 51234, 4789);
	fb_vxlan(f);
	fb_zero(f, 10);
	outer_done(f, &o);
}

static void
bad_gre_inner_tcp_cut(struct pl_fb *f)
{
	struct outer o;
	uint32_t ip;

	outer_begin(f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_gre(f, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(f, IPPROTO_TCP, IN_SRC, IN_DST, 0, 0);
	fb_zero(f, 12);
	fb_ipv4_done(f, ip);
	outer_done(f, &o);
}

#define BAD(n, w) { "test_" #n "_is_malformed_" #w, bad_##n, PL_MALFORMED_##w }
static const struct bad_case bad_cases[] = {
	BAD(empty, empty),
	BAD(short_l2, short_l2),
	BAD(vlan_truncated, vlan_truncated),
	BAD(vlan_tag_only_tpid, vlan_truncated),
	BAD(vlan_too_many, vlan_too_many),
	BAD(ipv4_truncated, ipv4_truncated),
	BAD(ipv4_version, ipv4_bad_version),
	BAD(ipv4_ihl_below_5, ipv4_bad_ihl),
	BAD(ipv4_ihl_beyond_frame, ipv4_bad_ihl),
	BAD(ipv4_total_below_header, ipv4_bad_length),
	BAD(ipv4_total_beyond_frame, ipv4_bad_length),
	BAD(ipv6_truncated, ipv6_truncated),
	BAD(ipv6_version, ipv6_bad_version),
	BAD(ipv6_length, ipv6_bad_length),
	BAD(ipv6_ext_chain_past_end, ipv6_ext_chain),
	BAD(ipv6_ext_header_cut, ipv6_ext_chain),
	BAD(ipv6_ext_chain_too_long, ipv6_ext_chain),
	BAD(ipv6_fragment_header_cut, ipv6_ext_chain),
	BAD(ipv6_ext_beyond_payload_length, ipv6_ext_chain),
	BAD(tcp_truncated, tcp_truncated),
	BAD(tcp_beyond_ip_length, tcp_truncated),
	BAD(tcp_ipv6_truncated, tcp_truncated),
	BAD(tcp_offset_below_5, tcp_bad_offset),
	BAD(tcp_offset_beyond_segment, tcp_bad_offset),
	BAD(udp_truncated, udp_truncated),
	BAD(udp_length_below_8, udp_bad_length),
	BAD(udp_length_beyond_packet, udp_bad_length),
	BAD(icmp_truncated, icmp_truncated),
	BAD(icmpv6_truncated, icmp_truncated),
	BAD(ipv6_jumbo_option_missing, ipv6_bad_jumbo),
	BAD(ipv6_jumbo_below_65536, ipv6_bad_jumbo),
	BAD(ipv6_jumbo_beyond_frame, ipv6_bad_length),
	BAD(vxlan_header_cut, vxlan_truncated),
	BAD(geneve_options_beyond_datagram, geneve_truncated),
	BAD(geneve_header_cut, geneve_truncated),
	BAD(gre_key_and_sequence_cut, gre_truncated),
	BAD(gre_header_cut, gre_truncated),
	BAD(erspan_ii_header_cut, erspan_truncated),
	BAD(erspan_iii_subheader_cut, erspan_truncated),
	BAD(mpls_no_bottom_of_stack, mpls_truncated),
	BAD(mpls_nothing_after_stack, mpls_truncated),
	BAD(mpls_nine_labels, mpls_too_many),
	BAD(ipip_nested_past_the_bound, encap_too_deep),
	BAD(vxlan_inner_beyond_outer_datagram, ipv4_bad_length),
	BAD(vxlan_inner_frame_short, short_l2),
	BAD(gre_inner_tcp_cut, tcp_truncated),
};
#undef BAD

/* One cmocka test per case; the case comes in as the initial state. */
static void
test_bad_case(void **state)
{
	const struct bad_case *c = *state;
	struct pl_fb f;
	struct pl_meta m;

	c->build(&f);
	assert_int_equal(parse(&f, &m), PL_KIND_MALFORMED);
	assert_int_equal(m.kind, PL_KIND_MALFORMED);
	assert_string_equal(pl_malformed_name(m.malformed), pl_malformed_name(c->why));
	assert_int_equal(m.malformed, c->why);
}

static void
test_every_malformed_reason_is_produced_by_some_input(void **state)
{
	unsigned int seen[PL_MALFORMED_MAX] = { 0 }, i, r;
	struct pl_fb f;
	struct pl_meta m;

	for (i = 0; i < RTE_DIM(bad_cases); i++) {
		bad_cases[i].build(&f);
		assert_int_equal(parse(&f, &m), PL_KIND_MALFORMED);
		assert_in_range(m.malformed, 1, PL_MALFORMED_MAX - 1);
		seen[m.malformed]++;
	}
	for (r = 1; r < PL_MALFORMED_MAX; r++) {
		if (seen[r] == 0)
			fail_msg("malformed reason %s is produced by no test input",
				 pl_malformed_name(r));
	}
}

static void
test_malformed_and_direction_names(void **state)
{
	unsigned int r, q;

	assert_string_equal(pl_malformed_name(PL_MALFORMED_NONE), "none");
	assert_string_equal(pl_malformed_name(PL_MALFORMED_short_l2), "short_l2");
	assert_string_equal(pl_malformed_name(PL_MALFORMED_icmp_truncated), "icmp_truncated");
	assert_string_equal(pl_malformed_name(PL_MALFORMED_MAX), "unknown");
	for (r = 0; r < PL_MALFORMED_MAX; r++)
		for (q = r + 1; q < PL_MALFORMED_MAX; q++)
			assert_string_not_equal(pl_malformed_name(r), pl_malformed_name(q));
	assert_string_equal(pl_dir_name(PL_DIR_IN), "in");
	assert_string_equal(pl_dir_name(PL_DIR_OUT), "out");
	assert_string_equal(pl_dir_name(PL_DIR_INTERNAL), "internal");
	assert_string_equal(pl_dir_name(PL_DIR_EXTERNAL), "external");
	assert_string_equal(pl_dir_name(PL_DIR_MAX), "unknown");
}

/* ---- lengths from the frame, decapsulation switch, what is not a tunnel ---- */

static void
test_ipv4_total_length_0_is_a_tso_frame_read_from_the_frame(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv4_tcp(&f, NULL, 0, 0, 5, 9000);
	fb_put16(&f, 14 + 2, 0);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.l4_proto, IPPROTO_TCP);
	assert_int_equal(m.dport, 443);
	assert_int_equal(m.payload_len, 9000);
	/* a 64 KB TSO frame: the length comes from the frame, beyond what 16 bits hold */
	assert_int_equal(pl_parse_frame(f.b, f.len, 14 + 20 + 20 + 70000, &m), PL_KIND_IP);
	assert_int_equal(m.payload_len, 70000);
}

static void
test_ipv4_total_length_0_udp_keeps_the_udp_length(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(&f, IPPROTO_UDP, SRC4, DST4, 0, 0);
	fb_udp(&f, 5000, 53, 100);
	(void)ip; /* total length stays 0 */
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.l4_proto, IPPROTO_UDP);
	assert_int_equal(m.payload_len, 100);
}

static void
test_ipv6_jumbogram_length_comes_from_the_jumbo_option(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	/* 70000 bytes of TCP; only the headers are in the buffer (cap), the frame is longer */
	build_ipv6_jumbo(&f, IPPROTO_TCP, 8 + 20 + 70000);
	memset(&m, 0xee, sizeof(m));
	assert_int_equal(pl_parse_frame(f.b, f.len, 14 + 40 + 8 + 20 + 70000, &m), PL_KIND_IP);
	assert_int_equal(m.flags, PL_F_IPV6 | PL_F_IPOPT | PL_F_L4);
	assert_int_equal(m.l4_off, 14 + 40 + 8);
	assert_int_equal(m.dport, 443);
	assert_int_equal(m.payload_len, 70000);
	/* trailing bytes after the jumbogram are padding, as for any IP length */
	assert_int_equal(pl_parse_frame(f.b, f.len, 14 + 40 + 8 + 20 + 70100, &m), PL_KIND_IP);
	assert_int_equal(m.payload_len, 70000);
}

static void
test_ipv6_jumbogram_udp_length_0_takes_the_jumbo_length(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	build_ipv6_jumbo(&f, IPPROTO_UDP, 8 + 8 + 70000);
	fb_put16(&f, 14 + 40 + 8 + 4, 0);
	assert_int_equal(pl_parse_frame(f.b, f.len, 14 + 40 + 8 + 8 + 70000, &m), PL_KIND_IP);
	assert_int_equal(m.dport, 5353);
	assert_int_equal(m.payload_len, 70000);
	/* outside a jumbogram, a UDP length 0 is still malformed */
	build_ipv6_udp(&f);
	fb_put16(&f, 54 + 4, 0);
	assert_int_equal(parse(&f, &m), PL_KIND_MALFORMED);
	assert_int_equal(m.malformed, PL_MALFORMED_udp_bad_length);
}

static void
test_decap_off_analyses_tunnels_by_their_outer_headers(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	pl_parse_set_decap(0);
	assert_int_equal(pl_parse_decap(), 0);
	tun_vxlan(&f);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.encap, 0);
	assert_int_equal(m.l3_off, 14);
	assert_int_equal(m.l4_proto, IPPROTO_UDP);
	assert_int_equal(m.sport, 51234);
	assert_int_equal(m.dport, 4789);
	tun_gre_teb_csum_key_seq(&f);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.encap, 0);
	assert_int_equal(m.l4_proto, IPPROTO_GRE);
	assert_int_equal(m.flags & PL_F_L4, 0);
	tun_ipv6_in_ipv4(&f);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.l4_proto, IPPROTO_IPV6);
	assert_int_equal(m.flags & PL_F_IPV6, 0);
	tun_mpls_two_labels_ipv4(&f);
	assert_int_equal(parse(&f, &m), PL_KIND_NON_IP);
	assert_int_equal(m.encap, 0);
	/* a broken tunnel is no tunnel at all when decapsulation is off */
	bad_vxlan_header_cut(&f);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	pl_parse_set_decap(1);
	assert_int_equal(pl_parse_decap(), 1);
	tun_vxlan(&f);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.encap, ENC(vxlan));
}

static void
test_gre_version_1_and_geneve_version_1_are_not_decapsulated(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	struct outer o;

	outer_begin(&f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_gre(&f, 0x2001, 0x880b); /* PPTP's enhanced GRE */
	fb_zero(&f, 20);
	outer_done(&f, &o);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.encap, 0);
	assert_int_equal(m.l4_proto, IPPROTO_GRE);
	assert_int_equal(m.payload_len, 4 + 4 + 20);

	outer_begin(&f, &o, 0, 0, IPPROTO_GRE, 0, 0);
	fb_gre(&f, 0, 0x880b); /* GRE carrying PPP: not a mirror tunnel */
	fb_zero(&f, 20);
	outer_done(&f, &o);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.encap, 0);
	assert_int_equal(m.l4_proto, IPPROTO_GRE);

	outer_begin(&f, &o, 0, 0, IPPROTO_UDP, 40001, 6081);
	fb_u8(&f, 0x40); /* version 1 */
	fb_zero(&f, 30);
	outer_done(&f, &o);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.encap, 0);
	assert_int_equal(m.dport, 6081);
	assert_int_equal(m.payload_len, 31);

	/* a datagram from port 4789 (not to it) is ordinary UDP */
	outer_begin(&f, &o, 0, 0, IPPROTO_UDP, 4789, 40000);
	fb_zero(&f, 30);
	outer_done(&f, &o);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.encap, 0);
	assert_int_equal(m.dport, 40000);
}

static void
test_tunnelled_arp_is_non_ip_with_its_encapsulation(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	struct outer o;

	outer_begin(&f, &o, 0, 0, IPPROTO_UDP, 51234, 4789);
	fb_vxlan(&f);
	fb_mac(&f, RTE_ETHER_TYPE_ARP);
	fb_zero(&f, 28);
	outer_done(&f, &o);
	assert_int_equal(parse(&f, &m), PL_KIND_NON_IP);
	assert_int_equal(m.encap, ENC(vxlan));
	/* MPLS whose bottom label carries neither IP nor a control word */
	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_MPLS);
	fb_mpls(&f, 16, 1);
	fb_u8(&f, 0x91);
	fb_zero(&f, 40);
	assert_int_equal(parse(&f, &m), PL_KIND_NON_IP);
	assert_int_equal(m.encap, ENC(mpls));
}

static void
test_tunnel_inner_packet_ignores_outer_padding_and_cap(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	uint32_t len;

	/* an inner packet shorter than the outer frame's minimum: the outer frame is padded */
	tun_ipv4_in_ipv4(&f);
	len = f.len;
	fb_zero(&f, 30);
	assert_int_equal(parse(&f, &m), PL_KIND_IP);
	assert_int_equal(m.payload_len, 50);
	/* headers of the inner packet beyond the readable bytes are not read */
	tun_vxlan(&f);
	len = 14 + 20 + 8 + 8 + 14 + 10;
	assert_int_equal(pl_parse_frame(f.b, len, f.len, &m), PL_KIND_MALFORMED);
	assert_int_equal(m.malformed, PL_MALFORMED_ipv4_truncated);
	assert_int_equal(m.encap, ENC(vxlan));
}

static void
test_encap_names(void **state)
{
	unsigned int k, q;

	assert_string_equal(pl_encap_name(PL_ENCAP_vxlan), "vxlan");
	assert_string_equal(pl_encap_name(PL_ENCAP_erspan_iii), "erspan_iii");
	assert_string_equal(pl_encap_name(PL_ENCAP_MAX), "unknown");
	assert_true(PL_ENCAP_MAX <= 8); /* pl_meta.encap is a byte */
	for (k = 0; k < PL_ENCAP_MAX; k++)
		for (q = k + 1; q < PL_ENCAP_MAX; q++)
			assert_string_not_equal(pl_encap_name(k), pl_encap_name(q));
}

/* ---- pl_parse_burst on real mbufs ---- */

static struct rte_mempool *pool;

static int
burst_setup(void **state)
{
	if (pl_test_eal_init("parse") < 0)
		return -1;
	if (pl_parse_init() < 0)
		return -1;
	/* room for a 9000-byte frame in one segment */
	pool = rte_pktmbuf_pool_create("pltest_parse", 255, 0, 0,
				       RTE_PKTMBUF_HEADROOM + 9216, SOCKET_ID_ANY);
	return pool ? 0 : -1;
}

static int
burst_teardown(void **state)
{
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return 0;
}

static struct rte_mbuf *
mbuf_of(const uint8_t *data, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	assert_non_null(m);
	if (len)
		memcpy(rte_pktmbuf_append(m, (uint16_t)len), data, len);
	return m;
}

static void
test_burst_fills_meta_and_mbuf_fields(void **state)
{
	struct rte_mbuf *pkts[6];
	struct pl_fb f;
	struct pl_meta *m;
	uint32_t ip;
	int i;

	build_ipv4_tcp(&f, NULL, 0, 0, 5, 100);
	pkts[0] = mbuf_of(f.b, f.len);
	fb_eth(&f, TAG_8100, 1, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(&f, IPPROTO_HOPOPTS, A6, B6);
	fb_ipv6_ext(&f, IPPROTO_UDP, 1);
	fb_udp(&f, 53, 33333, 40);
	fb_ipv6_done(&f, ip);
	pkts[1] = mbuf_of(f.b, f.len);
	build_ipv4_frag(&f, 0x2000, 1000);
	pkts[2] = mbuf_of(f.b, f.len);
	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_ARP);
	fb_zero(&f, 46);
	pkts[3] = mbuf_of(f.b, f.len);
	bad_short_l2(&f);
	pkts[4] = mbuf_of(f.b, f.len);
	build_ipv4_tcp(&f, TAGS_88A8, 2, 4, 6, 0);
	pkts[5] = mbuf_of(f.b, f.len);
	for (i = 0; i < 6; i++)
		pkts[i]->packet_type = 0xdeadbeef;

	pl_parse_burst(pkts, 6);

	m = pl_meta(pkts[0]);
	assert_int_equal(m->kind, PL_KIND_IP);
	assert_int_equal(m->dport, 443);
	assert_int_equal(m->payload_len, 100);
	assert_int_equal(pkts[0]->packet_type,
			 RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_TCP);
	assert_int_equal(pkts[0]->l2_len, 14);
	assert_int_equal(pkts[0]->l3_len, 20);
	assert_int_equal(pkts[0]->l4_len, 20);

	m = pl_meta(pkts[1]);
	assert_int_equal(m->kind, PL_KIND_IP);
	assert_int_equal(m->flags, PL_F_VLAN | PL_F_IPV6 | PL_F_IPOPT | PL_F_L4);
	assert_int_equal(m->sport, 53);
	assert_int_equal(m->payload_len, 40);
	assert_int_equal(pkts[1]->packet_type,
			 RTE_PTYPE_L2_ETHER_VLAN | RTE_PTYPE_L3_IPV6_EXT | RTE_PTYPE_L4_UDP);
	assert_int_equal(pkts[1]->l2_len, 18);
	assert_int_equal(pkts[1]->l3_len, 40 + 16);
	assert_int_equal(pkts[1]->l4_len, 8);

	m = pl_meta(pkts[2]);
	assert_int_equal(m->flags, PL_F_FRAGMENT | PL_F_FIRST_FRAG);
	assert_int_equal(pkts[2]->packet_type,
			 RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_FRAG);
	assert_int_equal(pkts[2]->l2_len, 14);
	assert_int_equal(pkts[2]->l3_len, 20);
	assert_int_equal(pkts[2]->l4_len, 0);

	m = pl_meta(pkts[3]);
	assert_int_equal(m->kind, PL_KIND_NON_IP);
	assert_int_equal(pkts[3]->packet_type, RTE_PTYPE_L2_ETHER);

	m = pl_meta(pkts[4]);
	assert_int_equal(m->kind, PL_KIND_MALFORMED);
	assert_int_equal(m->malformed, PL_MALFORMED_short_l2);
	assert_int_equal(pkts[4]->packet_type, RTE_PTYPE_UNKNOWN);

	m = pl_meta(pkts[5]);
	assert_int_equal(m->flags, PL_F_VLAN | PL_F_QINQ | PL_F_IPOPT | PL_F_L4);
	assert_int_equal(pkts[5]->packet_type,
			 RTE_PTYPE_L2_ETHER_QINQ | RTE_PTYPE_L3_IPV4_EXT | RTE_PTYPE_L4_TCP);
	assert_int_equal(pkts[5]->l2_len, 22);
	assert_int_equal(pkts[5]->l3_len, 24);
	assert_int_equal(pkts[5]->l4_len, 24);

	rte_pktmbuf_free_bulk(pkts, 6);
}

static void
test_burst_icmp_and_ipv6_ptypes(void **state)
{
	struct rte_mbuf *pkts[2];
	struct pl_fb f;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(&f, IPPROTO_ICMP, SRC4, DST4, 0, 0);
	fb_icmp(&f, 0, 32);
	fb_ipv4_done(&f, ip);
	pkts[0] = mbuf_of(f.b, f.len);
	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(&f, 47, A6, B6);
	fb_zero(&f, 8);
	fb_ipv6_done(&f, ip);
	pkts[1] = mbuf_of(f.b, f.len);
	pl_parse_burst(pkts, 2);
	assert_int_equal(pkts[0]->packet_type,
			 RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_ICMP);
	assert_int_equal(pkts[0]->l4_len, 4);
	assert_int_equal(pkts[1]->packet_type,
			 RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV6 | RTE_PTYPE_L4_NONFRAG);
	assert_int_equal(pkts[1]->l3_len, 40);
	rte_pktmbuf_free_bulk(pkts, 2);
}

/* A frame split in two chained segments, the first @p head bytes long. */
static struct rte_mbuf *
chained_of(const struct pl_fb *f, uint32_t head)
{
	struct rte_mbuf *a = mbuf_of(f->b, head), *b = mbuf_of(f->b + head, f->len - head);

	assert_int_equal(rte_pktmbuf_chain(a, b), 0);
	assert_int_equal(rte_pktmbuf_pkt_len(a), f->len);
	assert_int_equal(a->nb_segs, 2);
	return a;
}

static void
test_burst_chained_jumbo_with_headers_across_segments(void **state)
{
	struct rte_mbuf *pkts[2];
	struct pl_fb f;
	struct pl_meta *m;
	uint32_t ip;

	/* 9000-byte IPv4/TCP frame; the first segment ends 6 bytes into the TCP header */
	build_ipv4_tcp(&f, NULL, 0, 0, 5, 9000 - 54);
	f.b[34 + 13] = 0x18;
	pkts[0] = chained_of(&f, 40);

	/* IPv6 with a hop-by-hop header cut by the first segment, UDP behind it */
	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(&f, IPPROTO_HOPOPTS, A6, B6);
	fb_ipv6_ext(&f, IPPROTO_UDP, 3);
	fb_udp(&f, 4789, 8472, 8000);
	fb_ipv6_done(&f, ip);
	pkts[1] = chained_of(&f, 60);

	pl_parse_burst(pkts, 2);

	m = pl_meta(pkts[0]);
	assert_int_equal(m->kind, PL_KIND_IP);
	assert_int_equal(m->flags, PL_F_L4);
	assert_int_equal(m->sport, 12345);
	assert_int_equal(m->dport, 443);
	assert_int_equal(m->tcp_flags, 0x18);
	assert_int_equal(m->l4_hlen, 20);
	assert_int_equal(m->payload_len, 9000 - 54);
	assert_int_equal(pkts[0]->packet_type,
			 RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_TCP);
	assert_int_equal(pkts[0]->l4_len, 20);

	m = pl_meta(pkts[1]);
	assert_int_equal(m->kind, PL_KIND_IP);
	assert_int_equal(m->flags, PL_F_IPV6 | PL_F_IPOPT | PL_F_L4);
	assert_int_equal(m->l4_off, 14 + 40 + 32);
	assert_int_equal(m->sport, 4789);
	assert_int_equal(m->dport, 8472);
	assert_int_equal(m->payload_len, 8000);
	assert_int_equal(pkts[1]->l3_len, 72);

	rte_pktmbuf_free_bulk(pkts, 2);
}

static void
test_burst_chained_frame_lengths_checked_against_whole_frame(void **state)
{
	struct rte_mbuf *pkt;
	struct pl_fb f;

	/* the IP length claims one byte more than both segments hold */
	build_ipv4_tcp(&f, NULL, 0, 0, 5, 3000);
	fb_put16(&f, 14 + 2, (uint16_t)(f.len - 14 + 1));
	pkt = chained_of(&f, 100);
	pl_parse_burst(&pkt, 1);
	assert_int_equal(pl_meta(pkt)->kind, PL_KIND_MALFORMED);
	assert_int_equal(pl_meta(pkt)->malformed, PL_MALFORMED_ipv4_bad_length);
	assert_int_equal(pkt->packet_type, RTE_PTYPE_UNKNOWN);
	rte_pktmbuf_free(pkt);
}

static void
test_burst_of_empty_mbuf_is_malformed_empty(void **state)
{
	struct rte_mbuf *pkt = mbuf_of(NULL, 0);

	pl_parse_burst(&pkt, 1);
	assert_int_equal(pl_meta(pkt)->kind, PL_KIND_MALFORMED);
	assert_int_equal(pl_meta(pkt)->malformed, PL_MALFORMED_empty);
	rte_pktmbuf_free(pkt);
}

/* A VXLAN frame between two VTEPs carrying TCP between two hosts, either way round. */
static void
build_vxlan_conn(struct pl_fb *f, int reverse, uint16_t outer_sport)
{
	uint32_t oip, udp, ip;

	fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	oip = fb_ipv4(f, IPPROTO_UDP, reverse ? DST4 : SRC4, reverse ? SRC4 : DST4, 0, 0);
	udp = f->len;
	fb_udp(f, outer_sport, 4789, 0);
	fb_vxlan(f);
	fb_mac(f, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(f, IPPROTO_TCP, reverse ? IN_DST : IN_SRC, reverse ? IN_SRC : IN_DST, 0, 0);
	fb_tcp(f, reverse ? 443 : 40000, reverse ? 40000 : 443, reverse ? 0x12 : 0x02, 5, 0);
	fb_ipv4_done(f, ip);
	fb_put16(f, udp + 4, (uint16_t)(f->len - udp));
	fb_ipv4_done(f, oip);
}

static void
test_burst_vxlan_both_directions_hash_on_the_inner_tuple(void **state)
{
	struct rte_mbuf *pkts[3];
	struct pl_fb f;
	uint32_t h[3], ip;
	int i;

	/* the VTEPs pick different outer source ports for the two directions */
	build_vxlan_conn(&f, 0, 51234);
	pkts[0] = mbuf_of(f.b, f.len);
	build_vxlan_conn(&f, 1, 60001);
	pkts[1] = mbuf_of(f.b, f.len);
	/* the same connection seen untunnelled */
	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(&f, IPPROTO_TCP, IN_SRC, IN_DST, 0, 0);
	fb_tcp(&f, 40000, 443, 0x02, 5, 0);
	fb_ipv4_done(&f, ip);
	pkts[2] = mbuf_of(f.b, f.len);

	pl_parse_burst(pkts, 3);
	for (i = 0; i < 3; i++)
		h[i] = pl_dist_hash(rte_pktmbuf_mtod(pkts[i], const uint8_t *), pl_meta(pkts[i]));
	assert_int_equal(pl_meta(pkts[0])->encap, ENC(vxlan));
	assert_int_equal(pkts[0]->packet_type, RTE_PTYPE_L2_ETHER | RTE_PTYPE_TUNNEL_VXLAN |
			 RTE_PTYPE_INNER_L3_IPV4 | RTE_PTYPE_INNER_L4_TCP);
	assert_int_equal(h[0], h[1]);
	assert_int_equal(h[0], h[2]);
	for (i = 1; i <= 8; i++)
		assert_int_equal(pl_dist_worker(h[0], i), pl_dist_worker(h[1], i));

	/* without decapsulation the outer tuples differ, and so would the workers' hashes */
	pl_parse_set_decap(0);
	pl_parse_burst(pkts, 2);
	pl_parse_set_decap(1);
	assert_int_equal(pl_meta(pkts[0])->dport, 4789);
	assert_int_not_equal(pl_dist_hash(rte_pktmbuf_mtod(pkts[0], const uint8_t *),
					  pl_meta(pkts[0])),
			     pl_dist_hash(rte_pktmbuf_mtod(pkts[1], const uint8_t *),
					  pl_meta(pkts[1])));
	rte_pktmbuf_free_bulk(pkts, 3);
}

int
main(void)
{
	const struct CMUnitTest frame_tests[] = {
		cmocka_unit_test(test_ipv4_tcp_gives_ports_flags_and_lengths),
		cmocka_unit_test(test_tcp_options_count_in_l4_hlen),
		cmocka_unit_test(test_tcp_without_payload_has_payload_len_zero),
		cmocka_unit_test(test_udp_payload_comes_from_udp_length),
		cmocka_unit_test(test_vlan_8021q_sets_vlan_flag_and_l3_off),
		cmocka_unit_test(test_qinq_outer_88a8_sets_qinq_flag),
		cmocka_unit_test(test_qinq_outer_9100_sets_qinq_flag),
		cmocka_unit_test(test_eight_vlan_tags_are_stepped_over),
		cmocka_unit_test(test_ipv4_options_set_ipopt_and_move_l4),
		cmocka_unit_test(test_ipv4_first_fragment_has_no_ports),
		cmocka_unit_test(test_ipv4_later_fragment_is_not_first_and_not_parsed_as_l4),
		cmocka_unit_test(test_ipv4_dont_fragment_is_not_a_fragment),
		cmocka_unit_test(test_ipv6_tcp_gives_ports),
		cmocka_unit_test(test_ipv6_hop_routing_dstopts_chain_reaches_tcp),
		cmocka_unit_test(test_ipv6_ah_length_is_in_4_byte_units),
		cmocka_unit_test(test_ipv6_first_fragment_has_no_ports),
		cmocka_unit_test(test_ipv6_later_fragment_is_not_first),
		cmocka_unit_test(test_ipv6_atomic_fragment_is_not_a_fragment),
		cmocka_unit_test(test_icmp_has_four_byte_header_and_no_ports),
		cmocka_unit_test(test_icmpv6_has_four_byte_header_and_no_ports),
		cmocka_unit_test(test_other_l4_protocol_is_all_payload),
		cmocka_unit_test(test_arp_is_non_ip),
		cmocka_unit_test(test_padded_60_byte_frame_takes_payload_from_ip_length),
		cmocka_unit_test(test_parse_leaves_dir_alone_and_clears_old_fields),
		cmocka_unit_test(test_headers_beyond_cap_are_not_read),
		cmocka_unit_test(test_every_malformed_reason_is_produced_by_some_input),
		cmocka_unit_test(test_malformed_and_direction_names),
		cmocka_unit_test(test_ipv4_total_length_0_is_a_tso_frame_read_from_the_frame),
		cmocka_unit_test(test_ipv4_total_length_0_udp_keeps_the_udp_length),
		cmocka_unit_test(test_ipv6_jumbogram_length_comes_from_the_jumbo_option),
		cmocka_unit_test(test_ipv6_jumbogram_udp_length_0_takes_the_jumbo_length),
		cmocka_unit_test(test_decap_off_analyses_tunnels_by_their_outer_headers),
		cmocka_unit_test(test_gre_version_1_and_geneve_version_1_are_not_decapsulated),
		cmocka_unit_test(test_tunnelled_arp_is_non_ip_with_its_encapsulation),
		cmocka_unit_test(test_tunnel_inner_packet_ignores_outer_padding_and_cap),
		cmocka_unit_test(test_encap_names),
	};
	struct CMUnitTest tun_tests[RTE_DIM(tun_cases)];
	struct CMUnitTest bad_tests[RTE_DIM(bad_cases)];
	const struct CMUnitTest burst_tests[] = {
		cmocka_unit_test(test_burst_fills_meta_and_mbuf_fields),
		cmocka_unit_test(test_burst_icmp_and_ipv6_ptypes),
		cmocka_unit_test(test_burst_chained_jumbo_with_headers_across_segments),
		cmocka_unit_test(test_burst_chained_frame_lengths_checked_against_whole_frame),
		cmocka_unit_test(test_burst_of_empty_mbuf_is_malformed_empty),
		cmocka_unit_test(test_burst_vxlan_both_directions_hash_on_the_inner_tuple),
	};
	unsigned int i;
	int fails = 0;

	for (i = 0; i < RTE_DIM(bad_cases); i++) {
		bad_tests[i] = (struct CMUnitTest){
			.name = bad_cases[i].name,
			.test_func = test_bad_case,
			.initial_state = (void *)(uintptr_t)&bad_cases[i],
		};
	}
	for (i = 0; i < RTE_DIM(tun_cases); i++) {
		tun_tests[i] = (struct CMUnitTest){
			.name = tun_cases[i].name,
			.test_func = test_tun_case,
			.initial_state = (void *)(uintptr_t)&tun_cases[i],
		};
	}
	fails += cmocka_run_group_tests_name("parse_frame", frame_tests, NULL, NULL);
	fails += _cmocka_run_group_tests("parse_tunnels", tun_tests, RTE_DIM(tun_tests),
					 NULL, NULL);
	fails += _cmocka_run_group_tests("parse_malformed", bad_tests, RTE_DIM(bad_tests),
					 NULL, NULL);
	fails += cmocka_run_group_tests_name("parse_burst", burst_tests, burst_setup,
					     burst_teardown);
	return fails;
}
