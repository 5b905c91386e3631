/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/dist: the software hash is symmetric (both directions of a TCP or UDP
 * connection, IPv4 and IPv6, give the same hash and worker), fragments of a datagram hash
 * on the address pair alone, the canonical tuple orders its endpoints, pl_dist_worker()
 * spreads uniformly over any worker count, and pl_dist_pick() on real mbufs honours the
 * NIC hash only when asked to (reading no packet data then), and otherwise gives, from its
 * fast read or the full parser, exactly the full parse's tuple hash for every frame shape.
 */
#include <netinet/in.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "pl_dist.h"
#include "pl_test.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* An IPv4 or IPv6 packet of @p proto between two endpoints, parsed into @p m. */
static void
build(struct pl_fb *f, struct pl_meta *m, int family, uint8_t proto, const uint8_t *src,
      const uint8_t *dst, uint16_t sport, uint16_t dport, uint16_t frag)
{
	uint32_t ip;

	if (family == 4) {
		fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV4);
		ip = fb_ipv4(f, proto, PL_IP4(src[0], src[1], src[2], src[3]),
			     PL_IP4(dst[0], dst[1], dst[2], dst[3]), 0, frag);
	} else {
		fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV6);
		ip = fb_ipv6(f, frag ? IPPROTO_FRAGMENT : proto, src, dst);
		if (frag)
			fb_ipv6_frag(f, proto, frag & 0x1fff, !!(frag & 0x2000));
	}
	if (frag & 0x1fff)
		fb_zero(f, 64); /* a later fragment: no L4 header */
	else if (proto == IPPROTO_TCP)
		fb_tcp(f, sport, dport, 0x02, 5, 10);
	else if (proto == IPPROTO_UDP)
		fb_udp(f, sport, dport, 10);
	else
		fb_icmp(f, 8, 10);
	if (family == 4)
		fb_ipv4_done(f, ip);
	else
		fb_ipv6_done(f, ip);
	assert_int_equal(pl_parse_frame(f->b, f->len, f->len, m), PL_KIND_IP);
}

static void
rand_addr(uint8_t *a, int family)
{
	int i;

	for (i = 0; i < (family == 4 ? 4 : 16); i++)
		a[i] = (uint8_t)rnd();
}

static void
check_symmetric(int family, uint8_t proto)
{
	struct pl_fb f;
	struct pl_meta m;
	uint8_t a[16], b[16];
	uint32_t h_ab, h_ba, n;
	unsigned int distinct = 0, i;
	uint32_t prev = 0;

	for (i = 0; i < 2000; i++) {
		uint16_t pa = (uint16_t)rnd(), pb = (uint16_t)rnd();

		rand_addr(a, family);
		rand_addr(b, family);
		if (i % 10 == 0)
			memcpy(b, a, 16); /* same address both ends: ports decide the order */
		build(&f, &m, family, proto, a, b, pa, pb, 0);
		assert_true(m.flags & PL_F_L4);
		h_ab = pl_dist_hash(f.b, &m);
		build(&f, &m, family, proto, b, a, pb, pa, 0);
		h_ba = pl_dist_hash(f.b, &m);
		assert_int_equal(h_ab, h_ba);
		for (n = 1; n <= 8; n++)
			assert_int_equal(pl_dist_worker(h_ab, n), pl_dist_worker(h_ba, n));
		distinct += h_ab != prev;
		prev = h_ab;
	}
	/* symmetric, but not by being constant */
	assert_true(distinct > 1990);
}

static void
test_ipv4_tcp_hash_is_symmetric(void **state)
{
	check_symmetric(4, IPPROTO_TCP);
}

static void
test_ipv4_udp_hash_is_symmetric(void **state)
{
	check_symmetric(4, IPPROTO_UDP);
}

static void
test_ipv6_tcp_hash_is_symmetric(void **state)
{
	check_symmetric(6, IPPROTO_TCP);
}

static void
test_ipv6_udp_hash_is_symmetric(void **state)
{
	check_symmetric(6, IPPROTO_UDP);
}

static void
test_ports_and_protocol_change_the_hash(void **state)
{
	static const uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };
	struct pl_fb f;
	struct pl_meta m;
	uint32_t h1, h2, h3;

	build(&f, &m, 4, IPPROTO_TCP, a, b, 1000, 80, 0);
	h1 = pl_dist_hash(f.b, &m);
	build(&f, &m, 4, IPPROTO_TCP, a, b, 1001, 80, 0);
	h2 = pl_dist_hash(f.b, &m);
	build(&f, &m, 4, IPPROTO_UDP, a, b, 1000, 80, 0);
	h3 = pl_dist_hash(f.b, &m);
	assert_int_not_equal(h1, h2);
	assert_int_not_equal(h1, h3);
}

static void
check_fragments(int family)
{
	struct pl_fb f;
	struct pl_meta m;
	uint8_t a[16], b[16];
	uint32_t first, later, back, whole;
	struct pl_tuple t;
	int i;

	for (i = 0; i < 200; i++) {
		rand_addr(a, family);
		rand_addr(b, family);
		build(&f, &m, family, IPPROTO_UDP, a, b, 5000, 53, 0x2000);
		assert_int_equal(m.flags & (PL_F_FRAGMENT | PL_F_FIRST_FRAG),
				 PL_F_FRAGMENT | PL_F_FIRST_FRAG);
		first = pl_dist_hash(f.b, &m);
		pl_dist_tuple(f.b, &m, &t);
		assert_int_equal(t.proto, 0);
		assert_int_equal(t.port_lo, 0);
		assert_int_equal(t.port_hi, 0);
		assert_int_equal(t.family, family);
		build(&f, &m, family, IPPROTO_UDP, a, b, 0, 0, 185);
		assert_int_equal(m.flags & (PL_F_FRAGMENT | PL_F_FIRST_FRAG), PL_F_FRAGMENT);
		later = pl_dist_hash(f.b, &m);
		build(&f, &m, family, IPPROTO_UDP, b, a, 0, 0, 0x2000 | 90);
		back = pl_dist_hash(f.b, &m);
		assert_int_equal(first, later);
		assert_int_equal(first, back);
		/* the unfragmented datagram hashes on its ports as well */
		build(&f, &m, family, IPPROTO_UDP, a, b, 5000, 53, 0);
		whole = pl_dist_hash(f.b, &m);
		assert_int_not_equal(first, whole);
	}
}

static void
test_ipv4_fragments_hash_on_address_pair_symmetrically(void **state)
{
	check_fragments(4);
}

static void
test_ipv6_fragments_hash_on_address_pair_symmetrically(void **state)
{
	check_fragments(6);
}

static void
test_tuple_puts_lower_endpoint_first(void **state)
{
	static const uint8_t lo[4] = { 10, 0, 0, 1 }, hi[4] = { 10, 0, 0, 2 };
	static const uint8_t zero[12];
	struct pl_fb f;
	struct pl_meta m;
	struct pl_tuple t, r;

	build(&f, &m, 4, IPPROTO_TCP, lo, hi, 40000, 443, 0);
	pl_dist_tuple(f.b, &m, &t);
	assert_int_equal(t.lo_is_src, 1);
	assert_memory_equal(t.addr_lo, lo, 4);
	assert_memory_equal(t.addr_hi, hi, 4);
	assert_memory_equal(t.addr_lo + 4, zero, 12);
	assert_memory_equal(t.addr_hi + 4, zero, 12);
	assert_int_equal(t.port_lo, 40000);
	assert_int_equal(t.port_hi, 443);
	assert_int_equal(t.proto, IPPROTO_TCP);
	assert_int_equal(t.family, 4);
	assert_int_equal(t.pad, 0);

	build(&f, &m, 4, IPPROTO_TCP, hi, lo, 443, 40000, 0);
	pl_dist_tuple(f.b, &m, &r);
	assert_int_equal(r.lo_is_src, 0);
	assert_memory_equal(&t, &r, offsetof(struct pl_tuple, lo_is_src));
	assert_int_equal(pl_dist_hash_tuple(&t), pl_dist_hash_tuple(&r));
	assert_int_equal(sizeof(struct pl_tuple), 40);
}

/* The lower endpoint is the one memcmp() orders first (network byte order), for random
 * pairs of both families, including pairs that share a long prefix. */
static void
test_tuple_order_is_memcmp_order(void **state)
{
	int fam, i;

	(void)state;
	for (fam = 4; fam <= 6; fam += 2) {
		int alen = fam == 4 ? 4 : 16;

		for (i = 0; i < 4000; i++) {
			struct pl_fb f;
			struct pl_meta m;
			struct pl_tuple t;
			uint8_t a[16] = { 0 }, b[16];
			int c;

			rand_addr(a, fam);
			memcpy(b, a, 16);
			/* differ from a random byte on (or not at all, 1 in 20) */
			if (i % 20) {
				int j;

				for (j = (int)(rnd() % (uint64_t)alen); j < alen; j++)
					b[j] = (uint8_t)rnd();
			}
			c = memcmp(a, b, (size_t)alen);
			build(&f, &m, fam, IPPROTO_UDP, a, b, 1000, 2000, 0);
			pl_dist_tuple(f.b, &m, &t);
			assert_int_equal(t.lo_is_src, c < 0 || c == 0);
			assert_memory_equal(t.addr_lo, c <= 0 ? a : b, (size_t)alen);
			assert_memory_equal(t.addr_hi, c <= 0 ? b : a, (size_t)alen);
		}
	}
}

static void
test_tuple_with_equal_addresses_orders_by_port(void **state)
{
	static const uint8_t a[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 };
	struct pl_fb f;
	struct pl_meta m;
	struct pl_tuple t;

	build(&f, &m, 6, IPPROTO_UDP, a, a, 80, 1000, 0);
	pl_dist_tuple(f.b, &m, &t);
	assert_int_equal(t.lo_is_src, 1);
	assert_int_equal(t.port_lo, 80);
	assert_int_equal(t.port_hi, 1000);
	assert_int_equal(t.family, 6);
	build(&f, &m, 6, IPPROTO_UDP, a, a, 1000, 80, 0);
	pl_dist_tuple(f.b, &m, &t);
	assert_int_equal(t.lo_is_src, 0);
	assert_int_equal(t.port_lo, 80);
	assert_int_equal(t.port_hi, 1000);
	/* a packet to itself, same ports: its source is the lower endpoint */
	build(&f, &m, 6, IPPROTO_UDP, a, a, 7, 7, 0);
	pl_dist_tuple(f.b, &m, &t);
	assert_int_equal(t.lo_is_src, 1);
}

static void
test_icmp_tuple_has_protocol_but_no_ports(void **state)
{
	static const uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 192, 0, 2, 200 };
	struct pl_fb f;
	struct pl_meta m;
	struct pl_tuple t;
	uint32_t h;

	build(&f, &m, 4, IPPROTO_ICMP, b, a, 0, 0, 0);
	pl_dist_tuple(f.b, &m, &t);
	assert_int_equal(t.proto, IPPROTO_ICMP);
	assert_int_equal(t.port_lo, 0);
	assert_int_equal(t.port_hi, 0);
	assert_int_equal(t.lo_is_src, 0);
	assert_memory_equal(t.addr_lo, a, 4);
	h = pl_dist_hash(f.b, &m);
	build(&f, &m, 4, IPPROTO_ICMP, a, b, 0, 0, 0);
	assert_int_equal(pl_dist_hash(f.b, &m), h);
}

static void
test_non_ip_and_malformed_hash_to_a_constant(void **state)
{
	struct pl_fb f;
	struct pl_meta m;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_ARP);
	fb_zero(&f, 46);
	assert_int_equal(pl_parse_frame(f.b, f.len, f.len, &m), PL_KIND_NON_IP);
	assert_int_equal(pl_dist_hash(f.b, &m), 0);
	f.len = 5;
	assert_int_equal(pl_parse_frame(f.b, f.len, f.len, &m), PL_KIND_MALFORMED);
	assert_int_equal(pl_dist_hash(f.b, &m), 0);
}

/* Chi-square of @p samples hashes over n workers; each worker index must stay below n. */
static double
chi_square(uint32_t n, unsigned int samples, int from_tuples)
{
	uint64_t count[16] = { 0 };
	double expect = (double)samples / n, chi = 0;
	unsigned int i;

	for (i = 0; i < samples; i++) {
		uint32_t h, w;

		if (from_tuples) {
			struct pl_tuple t;

			memset(&t, 0, sizeof(t));
			rand_addr(t.addr_lo, 4);
			rand_addr(t.addr_hi, 4);
			t.port_lo = (uint16_t)rnd();
			t.port_hi = 443;
			t.proto = IPPROTO_TCP;
			t.family = 4;
			h = pl_dist_hash_tuple(&t);
		} else {
			h = (uint32_t)(rnd() >> 32);
		}
		w = pl_dist_worker(h, n);
		assert_true(w < n);
		count[w]++;
	}
	for (i = 0; i < n; i++) {
		double d = (double)count[i] - expect;

		chi += d * d / expect;
		/* every worker within 3 % of its share */
		assert_true(count[i] > expect * 0.97 && count[i] < expect * 1.03);
	}
	return chi;
}

static void
test_worker_spreads_uniformly_over_1_3_5_7(void **state)
{
	/* chi-square critical values at p = 0.001 for n - 1 degrees of freedom */
	static const struct { uint32_t n; double crit; } c[] = {
		{ 1, 0.0001 }, { 3, 13.82 }, { 5, 18.47 }, { 7, 22.46 },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(c); i++) {
		assert_true(chi_square(c[i].n, 100000, 0) < c[i].crit);
		assert_true(chi_square(c[i].n, 100000, 1) < c[i].crit);
	}
}

static void
test_worker_is_always_below_n(void **state)
{
	uint32_t n;

	for (n = 1; n <= 64; n++) {
		assert_int_equal(pl_dist_worker(0, n), 0);
		assert_int_equal(pl_dist_worker(UINT32_MAX, n), n - 1);
		assert_int_equal(pl_dist_worker(0x80000000u, n), n / 2);
	}
	assert_int_equal(pl_dist_worker(UINT32_MAX, 1), 0);
}

/* ---- pl_dist_pick on real mbufs ---- */

static struct rte_mempool *pool;

static int
pick_setup(void **state)
{
	if (pl_test_eal_init("dist") < 0 || pl_parse_init() < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("pltest_dist", 63, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	return pool ? 0 : -1;
}

static int
pick_teardown(void **state)
{
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return 0;
}

static struct rte_mbuf *
mbuf_of(const struct pl_fb *f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)f->len), f->b, f->len);
	return m;
}

static void
test_pick_sends_both_directions_to_one_worker(void **state)
{
	static const uint8_t a[4] = { 10, 1, 2, 3 }, b[4] = { 93, 184, 216, 34 };
	struct rte_mbuf *pkts[2];
	struct pl_fb f;
	struct pl_meta m;
	uint16_t w[2];
	uint32_t h;

	build(&f, &m, 4, IPPROTO_TCP, a, b, 51000, 443, 0);
	h = pl_dist_hash(f.b, &m);
	pkts[0] = mbuf_of(&f);
	build(&f, &m, 4, IPPROTO_TCP, b, a, 443, 51000, 0);
	pkts[1] = mbuf_of(&f);
	pl_parse_burst(pkts, 2);
	pl_dist_pick(pkts, 2, 7, 0, w);
	assert_int_equal(w[0], w[1]);
	assert_int_equal(w[0], pl_dist_worker(h, 7));
	/* the hash is kept in the mbuf for the flow table */
	assert_int_equal(pkts[0]->hash.rss, h);
	assert_int_equal(pkts[1]->hash.rss, h);
	rte_pktmbuf_free_bulk(pkts, 2);
}

static void
test_pick_uses_nic_hash_only_when_asked_and_present(void **state)
{
	static const uint8_t a[4] = { 10, 1, 2, 3 }, b[4] = { 10, 9, 8, 7 };
	struct rte_mbuf *pkts[2];
	struct pl_fb f;
	struct pl_meta m;
	uint16_t w[2];
	uint32_t h;

	build(&f, &m, 4, IPPROTO_UDP, a, b, 1234, 53, 0);
	h = pl_dist_hash(f.b, &m);
	pkts[0] = mbuf_of(&f);
	pkts[1] = mbuf_of(&f);
	pl_parse_burst(pkts, 2);
	pkts[0]->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	pkts[0]->hash.rss = 0xffffffffu;
	pkts[1]->ol_flags &= ~RTE_MBUF_F_RX_RSS_HASH;
	pkts[1]->hash.rss = 0xffffffffu;

	/* one frame came without the NIC's hash: its data was read, the other's was not */
	assert_int_equal(pl_dist_pick(pkts, 2, 4, 1, w), 1);
	assert_int_equal(w[0], 3);
	assert_int_equal(pkts[0]->hash.rss, 0xffffffffu);
	/* the NIC's hash is not the tuple hash: the flow table must not take it */
	assert_false(pl_meta(pkts[0])->flags & PL_F_TUPLE_HASH);
	assert_int_equal(w[1], pl_dist_worker(h, 4)); /* no NIC hash: software */
	assert_int_equal(pkts[1]->hash.rss, h);
	assert_true(pl_meta(pkts[1])->flags & PL_F_TUPLE_HASH);

	/* every frame with the NIC's hash: no frame's data read, none with the tuple hash */
	assert_int_equal(pl_dist_pick(pkts, 1, 4, 1, w), 0);
	assert_false(pl_meta(pkts[0])->flags & PL_F_TUPLE_HASH);

	pkts[0]->hash.rss = 0xffffffffu;
	/* NIC hash present but not trusted: every frame read */
	assert_int_equal(pl_dist_pick(pkts, 2, 4, 0, w), 2);
	assert_int_equal(pkts[0]->hash.rss, h);
	assert_int_equal(w[0], pl_dist_worker(h, 4));
	rte_pktmbuf_free_bulk(pkts, 2);
}

/* A TCP (ACK) or UDP header with 10 bytes of payload. */
static void
l4(struct pl_fb *f, uint8_t proto, uint16_t sp, uint16_t dp)
{
	if (proto == IPPROTO_TCP)
		fb_tcp(f, sp, dp, 0x10, 5, 10);
	else
		fb_udp(f, sp, dp, 10);
}

/* One frame of each shape the RX lcore meets, built into @p f; returns whether the fast read
 * should cover it (plain TCP/UDP, untagged or one 802.1Q tag, no options, not a tunnel). */
static int
shape(struct pl_fb *f, unsigned int k, int swap)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t b6[16] = { 0xfd, 0x00, [15] = 7 };
	static const uint16_t q[1] = { RTE_ETHER_TYPE_VLAN }, qq[2] = { RTE_ETHER_TYPE_QINQ,
									 RTE_ETHER_TYPE_VLAN };
	uint32_t a = PL_IP4(10, 1, 2, 3), b = PL_IP4(93, 184, 216, 34), ip;
	uint16_t sp = 51000, dp = 443;

	if (swap) {
		uint32_t t = a;
		uint16_t u = sp;

		a = b;
		b = t;
		sp = dp;
		dp = u;
	}
	switch (k) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: {
		/* IPv4 TCP/UDP, untagged, 802.1Q, QinQ, with options, a first and a later
		 * fragment, VXLAN */
		int tags = k == 2 ? 1 : k == 3 ? 2 : 0;
		uint8_t proto = (k & 1) ? IPPROTO_UDP : IPPROTO_TCP;

		if (k == 7) {
			proto = IPPROTO_UDP;
			dp = swap ? dp : 4789;
			sp = swap ? 4789 : sp;
		}
		fb_eth(f, tags == 2 ? qq : q, tags, RTE_ETHER_TYPE_IPV4);
		ip = fb_ipv4(f, proto, a, b, k == 4 ? 8 : 0, k == 5 ? 0x2000 : k == 6 ? 0x0010 : 0);
		l4(f, proto, sp, dp);
		fb_ipv4_done(f, ip);
		return k <= 2;
	}
	case 8: case 9: case 10: case 11: {
		/* IPv6 TCP, UDP, 802.1Q TCP, and TCP behind an extension header */
		uint8_t proto = k == 9 ? IPPROTO_UDP : IPPROTO_TCP;

		fb_eth(f, q, k == 10, RTE_ETHER_TYPE_IPV6);
		ip = fb_ipv6(f, k == 11 ? IPPROTO_DSTOPTS : proto, swap ? b6 : a6, swap ? a6 : b6);
		if (k == 11)
			fb_ipv6_ext(f, proto, 0);
		l4(f, proto, sp, dp);
		fb_ipv6_done(f, ip);
		return k <= 10;
	}
	case 12:
		fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV4);
		ip = fb_ipv4(f, IPPROTO_ICMP, a, b, 0, 0);
		fb_icmp(f, 8, 10);
		fb_ipv4_done(f, ip);
		return 0;
	case 13:
		fb_eth(f, NULL, 0, RTE_ETHER_TYPE_ARP);
		fb_zero(f, 46);
		return 0;
	default:
		/* malformed: an IPv4 header cut short */
		fb_eth(f, NULL, 0, RTE_ETHER_TYPE_IPV4);
		fb_zero(f, 10);
		return 0;
	}
}
#define NB_SHAPES 15

/*
 * The worker's completion of a frame the fast read took gives, field by field, what the full
 * parse gave (the direction and PL_F_TUPLE_HASH are the RX lcore's, kept).
 */
static void
assert_complete_is_the_parse(const uint8_t *frame, struct pl_meta *meta,
			     const struct pl_meta *full)
{
	struct pl_meta c = *meta;

	pl_dist_complete(frame, &c);
	assert_int_equal(c.flags, full->flags | PL_F_TUPLE_HASH);
	assert_int_equal(c.dir, meta->dir);
	c.flags = full->flags;
	c.dir = full->dir;
	assert_memory_equal(&c, full, sizeof(c));
}

static void
test_pick_hashes_what_the_full_parse_gives_for_every_shape(void **state)
{
	unsigned int k, swap;

	for (k = 0; k < NB_SHAPES; k++) {
		uint32_t hs[2];

		for (swap = 0; swap < 2; swap++) {
			struct pl_fb f;
			struct pl_meta full;
			struct rte_mbuf *m;
			const struct pl_meta *meta;
			int fast = shape(&f, k, (int)swap);
			enum pl_kind kind = pl_parse_frame(f.b, f.len, f.len, &full);
			uint16_t w;

			m = mbuf_of(&f);
			meta = pl_meta(m);
			pl_dist_pick(&m, 1, 5, 0, &w);
			if (kind != PL_KIND_IP) {
				/* non-IP and malformed: parsed here once, worker 0, no hash */
				assert_int_equal(meta->kind, kind);
				assert_int_equal(w, 0);
				assert_false(meta->flags & PL_F_TUPLE_HASH);
				rte_pktmbuf_free(m);
				break;
			}
			/* the fast read covers exactly the plain shapes; the rest is parsed */
			assert_int_equal(meta->kind, fast ? PL_KIND_UNPARSED : PL_KIND_IP);
			assert_true(meta->flags & PL_F_TUPLE_HASH);
			assert_int_equal(meta->dir, PL_DIR_MAX);
			assert_int_equal(meta->l3_off, full.l3_off);
			assert_int_equal(meta->flags & PL_F_IPV6, full.flags & PL_F_IPV6);
			/* the hash is the full parse's tuple hash, so the flow table can take it */
			assert_int_equal(m->hash.rss, pl_dist_hash(f.b, &full));
			if (fast)
				assert_complete_is_the_parse(f.b, pl_meta(m), &full);
			assert_int_equal(w, pl_dist_worker(m->hash.rss, 5));
			hs[swap] = m->hash.rss;
			rte_pktmbuf_free(m);
		}
		if (swap == 2)
			assert_int_equal(hs[0], hs[1]); /* both directions: one worker */
	}
}

/*
 * A plain frame whose length fields or L4 header are damaged (TCP data offset below 5 or
 * beyond the segment, UDP length below 8 or beyond the packet, IP lengths beyond the frame
 * or too short for the L4 header, the frame cut short): the fast read must leave every one
 * the full parse calls malformed to the full parse, and hash every one it accepts as the
 * full parse does, so that the RX lcore never takes a malformed frame for an IP packet.
 */
static void
test_pick_never_takes_a_damaged_frame_for_a_plain_one(void **state)
{
	static const unsigned int plain[] = { 0, 1, 2, 8, 9, 10 };
	unsigned int i, fast = 0, malformed = 0;

	rng = 0x5eed;
	for (i = 0; i < 20000; i++) {
		struct pl_fb f;
		struct pl_meta full;
		struct rte_mbuf *m;
		const struct pl_meta *meta;
		enum pl_kind kind;
		unsigned int k = plain[rnd() % RTE_DIM(plain)], d, l3;
		uint16_t w;

		shape(&f, k, (int)(rnd() & 1));
		l3 = RTE_ETHER_HDR_LEN + (k == 2 || k == 10 ? 4 : 0);
		for (d = 1 + rnd() % 2; d > 0; d--) {
			/* a length field, the TCP data offset, or any header byte */
			static const uint8_t v4[] = { 2, 3, 20 + 4, 20 + 5, 20 + 12 };
			static const uint8_t v6[] = { 4, 5, 40 + 4, 40 + 5, 40 + 12 };
			unsigned int off = l3 + (k < 8 ? v4[rnd() % 5] : v6[rnd() % 5]);

			if (rnd() % 4 == 0)
				off = l3 + (unsigned int)(rnd() % (f.len - l3));
			f.b[off] = (uint8_t)rnd();
		}
		if (rnd() % 8 == 0)
			f.len = l3 + (uint32_t)(rnd() % (f.len - l3));
		kind = pl_parse_frame(f.b, f.len, f.len, &full);
		m = mbuf_of(&f);
		meta = pl_meta(m);
		pl_dist_pick(&m, 1, 5, 0, &w);
		if (meta->kind == PL_KIND_UNPARSED) {
			fast++;
			assert_int_equal(kind, PL_KIND_IP);
			assert_int_equal(m->hash.rss, pl_dist_hash(f.b, &full));
			assert_complete_is_the_parse(f.b, pl_meta(m), &full);
		} else {
			assert_int_equal(meta->kind, kind);
		}
		malformed += kind == PL_KIND_MALFORMED;
		rte_pktmbuf_free(m);
	}
	/* both outcomes were exercised many times */
	assert_true(fast > 1000);
	assert_true(malformed > 1000);
}

static void
test_pick_with_nic_hash_reads_no_packet_data(void **state)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint16_t w;

	assert_non_null(m);
	/* no frame at all: any read of it would parse it as malformed */
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	m->hash.rss = 0x40000000u;
	pl_dist_pick(&m, 1, 4, 1, &w);
	assert_int_equal(w, 1);
	assert_int_equal(pl_meta(m)->kind, PL_KIND_UNPARSED);
	assert_int_equal(pl_meta(m)->dir, PL_DIR_MAX);
	assert_false(pl_meta(m)->flags & PL_F_TUPLE_HASH);
	/* without trusting the NIC the frame is read: empty is malformed */
	pl_dist_pick(&m, 1, 4, 0, &w);
	assert_int_equal(pl_meta(m)->kind, PL_KIND_MALFORMED);
	assert_int_equal(w, 0);
	rte_pktmbuf_free(m);
}

static void
test_udp_tunnel_ports_are_left_to_the_full_parser(void **state)
{
	assert_true(pl_dist_udp_tunnel(4789, 53));
	assert_true(pl_dist_udp_tunnel(53, 6081));
	assert_false(pl_dist_udp_tunnel(53, 443));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_tcp_hash_is_symmetric),
		cmocka_unit_test(test_ipv4_udp_hash_is_symmetric),
		cmocka_unit_test(test_ipv6_tcp_hash_is_symmetric),
		cmocka_unit_test(test_ipv6_udp_hash_is_symmetric),
		cmocka_unit_test(test_ports_and_protocol_change_the_hash),
		cmocka_unit_test(test_ipv4_fragments_hash_on_address_pair_symmetrically),
		cmocka_unit_test(test_ipv6_fragments_hash_on_address_pair_symmetrically),
		cmocka_unit_test(test_tuple_puts_lower_endpoint_first),
		cmocka_unit_test(test_tuple_order_is_memcmp_order),
		cmocka_unit_test(test_tuple_with_equal_addresses_orders_by_port),
		cmocka_unit_test(test_icmp_tuple_has_protocol_but_no_ports),
		cmocka_unit_test(test_non_ip_and_malformed_hash_to_a_constant),
		cmocka_unit_test(test_worker_spreads_uniformly_over_1_3_5_7),
		cmocka_unit_test(test_worker_is_always_below_n),
		cmocka_unit_test(test_udp_tunnel_ports_are_left_to_the_full_parser),
	};
	const struct CMUnitTest pick_tests[] = {
		cmocka_unit_test(test_pick_sends_both_directions_to_one_worker),
		cmocka_unit_test(test_pick_uses_nic_hash_only_when_asked_and_present),
		cmocka_unit_test(test_pick_hashes_what_the_full_parse_gives_for_every_shape),
		cmocka_unit_test(test_pick_never_takes_a_damaged_frame_for_a_plain_one),
		cmocka_unit_test(test_pick_with_nic_hash_reads_no_packet_data),
	};
	int fails = 0;

	fails += cmocka_run_group_tests_name("dist", tests, NULL, NULL);
	fails += cmocka_run_group_tests_name("dist_pick", pick_tests, pick_setup, pick_teardown);
	return fails;
}
