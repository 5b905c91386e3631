/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/direction: CIDR parsing (host bits masked, /0, /32, /128, garbage and
 * out-of-range depths refused with nothing written), the default local networks, lookups on
 * the edges of 172.16.0.0/12 and fc00::/7, the four directions of IPv4 and IPv6 packets,
 * and pl_direction_burst() on real mbufs; the LPM tables built only for a family with more
 * networks than the compares serve, and pl_direction_mem_mb() saying what they take.
 * rte_lpm needs a running EAL; a table with both LPM tables takes some 130 MB (rte_lpm and
 * rte_lpm6 tbl24), so each test holds at most one within -m 256.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "pl_direction.h"
#include "pl_test.h"

static struct pl_direction *defaults;
static struct rte_mempool *pool;

static int
group_setup(void **state)
{
	if (pl_test_eal_init("direction") < 0 || pl_parse_init() < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("pltest_dir", 63, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	return pool ? 0 : -1;
}

static int
group_teardown(void **state)
{
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return 0;
}

/* A table of the default networks for the tests that look addresses up in it. */
static int
defaults_setup(void **state)
{
	struct pl_cidr nets[4];

	if (pl_direction_defaults(nets) != 4)
		return -1;
	defaults = pl_direction_create("pltest_dir", SOCKET_ID_ANY, nets, 4);
	return defaults ? 0 : -1;
}

static int
defaults_teardown(void **state)
{
	pl_direction_free(defaults);
	defaults = NULL;
	return 0;
}

static void
expect_cidr(const char *text, int family, int depth, const char *addr)
{
	struct pl_cidr c;
	uint8_t want[16] = { 0 };

	memset(&c, 0xaa, sizeof(c));
	if (pl_cidr_parse(text, &c) != 0)
		fail_msg("'%s' did not parse", text);
	assert_int_equal(c.family, family);
	assert_int_equal(c.depth, depth);
	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, addr, want), 1);
	assert_memory_equal(c.addr, want, 16); /* masked, and zero past an IPv4 address */
}

static void
test_cidr_parse_masks_host_bits(void **state)
{
	expect_cidr("10.1.2.3/8", 4, 8, "10.0.0.0");
	expect_cidr("192.168.1.255/23", 4, 23, "192.168.0.0");
	expect_cidr("172.31.255.255/12", 4, 12, "172.16.0.0");
	expect_cidr("2001:db8:ffff::1/32", 6, 32, "2001:db8::");
	expect_cidr("fdff:1234::ff/7", 6, 7, "fc00::");
	expect_cidr("fe80::1:2:3:4/10", 6, 10, "fe80::");
	expect_cidr("2001:db8::ffff/127", 6, 127, "2001:db8::fffe");
}

static void
test_cidr_parse_extreme_depths_and_bare_addresses(void **state)
{
	expect_cidr("1.2.3.4/0", 4, 0, "0.0.0.0");
	expect_cidr("0.0.0.0/0", 4, 0, "0.0.0.0");
	expect_cidr("1.2.3.4/32", 4, 32, "1.2.3.4");
	expect_cidr("1.2.3.4", 4, 32, "1.2.3.4");
	expect_cidr("2001:db8::1/0", 6, 0, "::");
	expect_cidr("2001:db8::1/128", 6, 128, "2001:db8::1");
	expect_cidr("2001:db8::1", 6, 128, "2001:db8::1");
}

static void
test_cidr_parse_refuses_garbage_and_writes_nothing(void **state)
{
	static const char *const bad[] = {
		"", "garbage", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8x",
		"10.0.0/8", "256.0.0.0/8", "10.0.0.0/8/8", "2001:db8::/129", "2001:db8::/1000",
		"2001:db8:::/64", "/24", "10.0.0.0 /8", "fc00::/7 and more text that is long",
		"10.0.0.0/99999999999999999999",
	};
	struct pl_cidr c, before;
	unsigned int i;

	memset(&before, 0x5a, sizeof(before));
	for (i = 0; i < RTE_DIM(bad); i++) {
		c = before;
		if (pl_cidr_parse(bad[i], &c) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_memory_equal(&c, &before, sizeof(c));
	}
	assert_int_equal(pl_cidr_parse(NULL, &c), -EINVAL);
}

static void
test_cidr_format_round_trips(void **state)
{
	static const char *const texts[] = {
		"10.0.0.0/8", "172.16.0.0/12", "0.0.0.0/0", "1.2.3.4/32", "fc00::/7",
		"2001:db8::1/128",
	};
	struct pl_cidr c;
	char buf[64];
	unsigned int i;

	for (i = 0; i < RTE_DIM(texts); i++) {
		assert_int_equal(pl_cidr_parse(texts[i], &c), 0);
		assert_string_equal(pl_cidr_format(&c, buf, sizeof(buf)), texts[i]);
	}
}

static void
test_defaults_are_rfc1918_and_ula(void **state)
{
	static const char *const want[] = {
		"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7",
	};
	struct pl_cidr nets[4];
	const struct pl_cidr *got;
	char buf[64];
	unsigned int i, n;

	assert_int_equal(pl_direction_defaults(nets), 4);
	for (i = 0; i < 4; i++)
		assert_string_equal(pl_cidr_format(&nets[i], buf, sizeof(buf)), want[i]);
	got = pl_direction_nets(defaults, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(got, nets, sizeof(nets));
}

static int
local4(const struct pl_direction *d, const char *a)
{
	uint8_t b[4];

	assert_int_equal(inet_pton(AF_INET, a, b), 1);
	return pl_direction_is_local(d, 4, b);
}

static int
local6(const struct pl_direction *d, const char *a)
{
	uint8_t b[16];

	assert_int_equal(inet_pton(AF_INET6, a, b), 1);
	return pl_direction_is_local(d, 6, b);
}

static void
test_default_edges_of_172_16_slash_12(void **state)
{
	assert_int_equal(local4(defaults, "172.15.255.255"), 0);
	assert_int_equal(local4(defaults, "172.16.0.0"), 1);
	assert_int_equal(local4(defaults, "172.31.255.255"), 1);
	assert_int_equal(local4(defaults, "172.32.0.0"), 0);
}

static void
test_default_edges_of_other_networks(void **state)
{
	assert_int_equal(local4(defaults, "9.255.255.255"), 0);
	assert_int_equal(local4(defaults, "10.0.0.0"), 1);
	assert_int_equal(local4(defaults, "10.255.255.255"), 1);
	assert_int_equal(local4(defaults, "11.0.0.0"), 0);
	assert_int_equal(local4(defaults, "192.167.255.255"), 0);
	assert_int_equal(local4(defaults, "192.168.0.0"), 1);
	assert_int_equal(local4(defaults, "192.168.255.255"), 1);
	assert_int_equal(local4(defaults, "192.169.0.0"), 0);
	assert_int_equal(local4(defaults, "8.8.8.8"), 0);
	assert_int_equal(local6(defaults, "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 0);
	assert_int_equal(local6(defaults, "fc00::"), 1);
	assert_int_equal(local6(defaults, "fd12:3456::1"), 1);
	assert_int_equal(local6(defaults, "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 1);
	assert_int_equal(local6(defaults, "fe00::"), 0);
	assert_int_equal(local6(defaults, "fe80::1"), 0);
	assert_int_equal(local6(defaults, "2001:db8::1"), 0);
	/* an IPv4 network says nothing about IPv6 addresses with the same leading bytes */
	assert_int_equal(local6(defaults, "a00::1"), 0);
}

static void
test_host_routes_and_prefixes_of_a_custom_table(void **state)
{
	static const char *const texts[] = {
		"198.51.100.7/32", "203.0.113.0/25", "2001:db8:1::/48", "2001:db8:2::5/128",
	};
	struct pl_cidr nets[4];
	struct pl_direction *d;
	unsigned int i;

	for (i = 0; i < 4; i++)
		assert_int_equal(pl_cidr_parse(texts[i], &nets[i]), 0);
	d = pl_direction_create("pltest_custom", SOCKET_ID_ANY, nets, 4);
	assert_non_null(d);
	assert_int_equal(local4(d, "198.51.100.7"), 1);
	assert_int_equal(local4(d, "198.51.100.6"), 0);
	assert_int_equal(local4(d, "198.51.100.8"), 0);
	assert_int_equal(local4(d, "203.0.113.127"), 1);
	assert_int_equal(local4(d, "203.0.113.128"), 0);
	assert_int_equal(local4(d, "10.0.0.1"), 0); /* defaults are not implied */
	assert_int_equal(local6(d, "2001:db8:1:ffff::1"), 1);
	assert_int_equal(local6(d, "2001:db8:0:ffff::1"), 0);
	assert_int_equal(local6(d, "2001:db8:2::5"), 1);
	assert_int_equal(local6(d, "2001:db8:2::4"), 0);
	assert_int_equal(local6(d, "fd00::1"), 0);
	pl_direction_free(d);
}

static void
test_slash_zero_makes_every_address_local(void **state)
{
	struct pl_cidr nets[2];
	struct pl_direction *d;

	assert_int_equal(pl_cidr_parse("0.0.0.0/0", &nets[0]), 0);
	assert_int_equal(pl_cidr_parse("::/0", &nets[1]), 0);
	d = pl_direction_create("pltest_all", SOCKET_ID_ANY, nets, 2);
	assert_non_null(d);
	assert_int_equal(local4(d, "0.0.0.0"), 1);
	assert_int_equal(local4(d, "127.255.255.255"), 1);
	assert_int_equal(local4(d, "128.0.0.0"), 1);
	assert_int_equal(local4(d, "255.255.255.255"), 1);
	assert_int_equal(local6(d, "::"), 1);
	assert_int_equal(local6(d, "2001:db8::1"), 1);
	assert_int_equal(local6(d, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 1);
	pl_direction_free(d);
}

static void
test_create_refuses_too_many_networks(void **state)
{
	static struct pl_cidr nets[PL_DIRECTION_MAX_NETS + 1];

	rte_errno = 0;
	assert_null(pl_direction_create("pltest_big", SOCKET_ID_ANY, nets,
					PL_DIRECTION_MAX_NETS + 1));
	assert_int_equal(rte_errno, E2BIG);
}

static void
test_empty_table_has_nothing_local(void **state)
{
	struct pl_direction *d = pl_direction_create("pltest_none", SOCKET_ID_ANY, NULL, 0);
	unsigned int n = 99;

	assert_non_null(d);
	assert_int_equal(local4(d, "10.0.0.1"), 0);
	assert_int_equal(local6(d, "fc00::1"), 0);
	assert_non_null(pl_direction_nets(d, &n));
	assert_int_equal(n, 0);
	pl_direction_free(d);
	pl_direction_free(NULL);
}

/* The textbook answer: is @p a inside any of @p nets (prefix compare bit by bit)? */
static int
oracle(const struct pl_cidr *nets, unsigned int n, int family, const uint8_t *a)
{
	unsigned int i, bit;

	for (i = 0; i < n; i++) {
		if (nets[i].family != family)
			continue;
		for (bit = 0; bit < nets[i].depth; bit++)
			if (((a[bit / 8] ^ nets[i].addr[bit / 8]) >> (7 - bit % 8)) & 1)
				break;
		if (bit == nets[i].depth)
			return 1;
	}
	return 0;
}

static void
test_few_and_many_networks_agree_with_a_prefix_match(void **state)
{
	/* up to 8 networks of a family are matched by compares, more by rte_lpm(6): both
	 * must give the prefix match, whatever the depths */
	static struct pl_cidr nets[24];
	uint64_t x = 0x243f6a8885a308d3ULL;
	unsigned int i, j, n, k;

	for (i = 0; i < 24; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		nets[i].family = i < 12 ? 4 : 6;
		nets[i].depth = (uint8_t)(1 + (x >> 33) % (nets[i].family == 4 ? 32 : 128));
		for (j = 0; j < 16; j++)
			nets[i].addr[j] = (uint8_t)(x >> (j * 4));
		for (j = 0; j < 16; j++) /* mask to the depth, as pl_cidr_parse() does */
			if (j * 8 >= nets[i].depth || (nets[i].family == 4 && j >= 4))
				nets[i].addr[j] = 0;
			else if (j * 8 + 8 > nets[i].depth)
				nets[i].addr[j] &= (uint8_t)(0xff << (8 - (nets[i].depth - j * 8)));
	}
	for (n = 4; n <= 24; n += 20) {
		/* n = 4: two of each family (compares); 24: twelve of each (the LPM) */
		struct pl_cidr sel[24];
		struct pl_direction *d;
		unsigned int m = 0;

		for (i = 0; i < 24; i++)
			if ((i % 12) < n / 2)
				sel[m++] = nets[i];
		d = pl_direction_create(n == 4 ? "pltest_few" : "pltest_many", SOCKET_ID_ANY,
					sel, m);
		assert_non_null(d);
		for (k = 0; k < 20000; k++) {
			const struct pl_cidr *near = &sel[k % m];
			uint8_t a[16];
			int fam = near->family;

			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			memcpy(a, near->addr, 16);
			/* flip one random bit: inside or just outside the network */
			a[(x >> 40) % (fam == 4 ? 4 : 16)] ^= (uint8_t)(1u << ((x >> 50) % 8));
			assert_int_equal(pl_direction_is_local(d, fam, a), oracle(sel, m, fam, a));
		}
		pl_direction_free(d);
	}
}

/* Heap bytes allocated on every socket now. */
static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;
	size_t sum = 0;
	unsigned int s;

	for (s = 0; s < rte_socket_count(); s++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(s), &st) == 0)
			sum += st.heap_allocsz_bytes;
	return sum;
}

static void
test_lpm_tables_only_for_a_family_with_many_networks(void **state)
{
	/* the default networks (three IPv4, one IPv6) and eight of a family: compares only,
	 * a few hundred bytes; nine IPv4 networks: the IPv4 LPM (about 64 MiB), not the IPv6
	 * one; nine of each: both. pl_direction_mem_mb() says as much, and covers what the
	 * heap gave each table. */
	static const unsigned int sizes[] = { 8, 9, 18 };
	struct pl_cidr nets[18];
	char text[32];
	unsigned int i, k, n, def = pl_direction_defaults(nets);
	size_t before = heap_used(), took;
	struct pl_direction *d = pl_direction_create("pltest_mem_def", SOCKET_ID_ANY, nets, def);

	assert_non_null(d);
	assert_true(heap_used() - before < 4096);
	assert_int_equal(pl_direction_mem_mb(nets, def), 0);
	pl_direction_free(d);
	for (k = 0; k < RTE_DIM(sizes); k++) {
		n = sizes[k];
		for (i = 0; i < n; i++) {
			if (n == 18 && i >= 9)
				snprintf(text, sizeof(text), "fd00:%x::/32", i);
			else
				snprintf(text, sizeof(text), "10.%u.0.0/16", i);
			assert_int_equal(pl_cidr_parse(text, &nets[i]), 0);
		}
		before = heap_used();
		d = pl_direction_create("pltest_mem", SOCKET_ID_ANY, nets, n);
		assert_non_null(d);
		took = heap_used() - before;
		if (n == 8) {
			assert_true(took < 4096);
			assert_int_equal(pl_direction_mem_mb(nets, n), 0);
		} else if (n == 9) {
			assert_true(took > (60u << 20) && took < (70u << 20));
			assert_true(pl_direction_mem_mb(nets, n) << 20 >= took);
			assert_true(pl_direction_mem_mb(nets, n) < 70);
		} else {
			assert_true(took > (130u << 20));
			assert_true((size_t)pl_direction_mem_mb(nets, n) << 20 >= took);
			assert_int_equal(pl_direction_mem_mb(nets, n), PL_DIRECTION_MEM_MAX_MB);
		}
		/* and the table answers as built */
		assert_true(pl_direction_is_local(d, 4, (const uint8_t[]){ 10, 3, 1, 2 }));
		assert_false(pl_direction_is_local(d, 4, (const uint8_t[]){ 10, 200, 1, 2 }));
		pl_direction_free(d);
	}
}

/* A parsed UDP packet between two addresses of one family, in @p f. */
static void
build(struct pl_fb *f, struct pl_meta *m, int family, const char *src, const char *dst,
      int vlan)
{
	static const uint16_t tag[] = { RTE_ETHER_TYPE_VLAN };
	uint8_t s[16], d[16];
	uint32_t ip;

	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, src, s), 1);
	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, dst, d), 1);
	fb_eth(f, tag, vlan, family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	if (family == 4) {
		ip = fb_ipv4(f, IPPROTO_UDP, PL_IP4(s[0], s[1], s[2], s[3]),
			     PL_IP4(d[0], d[1], d[2], d[3]), 0, 0);
		fb_udp(f, 1, 2, 10);
		fb_ipv4_done(f, ip);
	} else {
		ip = fb_ipv6(f, IPPROTO_UDP, s, d);
		fb_udp(f, 1, 2, 10);
		fb_ipv6_done(f, ip);
	}
	assert_int_equal(pl_parse_frame(f->b, f->len, f->len, m), PL_KIND_IP);
}

static const struct {
	int family;
	const char *src, *dst;
	enum pl_dir dir;
} dir_cases[] = {
	{ 4, "8.8.8.8", "10.0.0.5", PL_DIR_IN },
	{ 4, "192.168.1.20", "1.1.1.1", PL_DIR_OUT },
	{ 4, "172.16.0.1", "192.168.0.1", PL_DIR_INTERNAL },
	{ 4, "203.0.113.1", "198.51.100.1", PL_DIR_EXTERNAL },
	{ 4, "172.32.0.0", "172.31.255.255", PL_DIR_IN },
	{ 4, "172.16.0.0", "172.15.255.255", PL_DIR_OUT },
	{ 6, "2001:db8::1", "fd00::1", PL_DIR_IN },
	{ 6, "fc00::1", "2606:4700::1111", PL_DIR_OUT },
	{ 6, "fd12::1", "fcff::2", PL_DIR_INTERNAL },
	{ 6, "2001:db8::1", "fe80::1", PL_DIR_EXTERNAL },
};

static void
test_direction_of_ipv4_and_ipv6_packets(void **state)
{
	struct pl_fb f;
	struct pl_meta m;
	unsigned int i;
	int vlan;

	for (i = 0; i < RTE_DIM(dir_cases); i++) {
		for (vlan = 0; vlan <= 1; vlan++) {
			build(&f, &m, dir_cases[i].family, dir_cases[i].src, dir_cases[i].dst,
			      vlan);
			if (pl_direction_of(defaults, f.b, &m) != dir_cases[i].dir)
				fail_msg("%s -> %s: got %s, want %s", dir_cases[i].src,
					 dir_cases[i].dst,
					 pl_dir_name(pl_direction_of(defaults, f.b, &m)),
					 pl_dir_name(dir_cases[i].dir));
		}
	}
}

static void
test_burst_sets_dir_on_ip_packets_only(void **state)
{
	struct rte_mbuf *pkts[RTE_DIM(dir_cases) + 1];
	struct pl_fb f;
	struct pl_meta m;
	unsigned int i, n = RTE_DIM(dir_cases);

	for (i = 0; i < n; i++) {
		build(&f, &m, dir_cases[i].family, dir_cases[i].src, dir_cases[i].dst, i & 1);
		pkts[i] = rte_pktmbuf_alloc(pool);
		assert_non_null(pkts[i]);
		memcpy(rte_pktmbuf_append(pkts[i], (uint16_t)f.len), f.b, f.len);
	}
	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_ARP);
	fb_zero(&f, 46);
	pkts[n] = rte_pktmbuf_alloc(pool);
	assert_non_null(pkts[n]);
	memcpy(rte_pktmbuf_append(pkts[n], (uint16_t)f.len), f.b, f.len);
	pl_parse_burst(pkts, (uint16_t)(n + 1));
	for (i = 0; i <= n; i++)
		pl_meta(pkts[i])->dir = 0xee;

	pl_direction_burst(defaults, pkts, (uint16_t)(n + 1));
	for (i = 0; i < n; i++)
		assert_int_equal(pl_meta(pkts[i])->dir, dir_cases[i].dir);
	assert_int_equal(pl_meta(pkts[n])->dir, 0xee); /* not IP: left alone */
	rte_pktmbuf_free_bulk(pkts, n + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_parse_masks_host_bits),
		cmocka_unit_test(test_cidr_parse_extreme_depths_and_bare_addresses),
		cmocka_unit_test(test_cidr_parse_refuses_garbage_and_writes_nothing),
		cmocka_unit_test(test_cidr_format_round_trips),
		cmocka_unit_test_setup_teardown(test_defaults_are_rfc1918_and_ula, defaults_setup,
						defaults_teardown),
		cmocka_unit_test_setup_teardown(test_default_edges_of_172_16_slash_12, defaults_setup,
						defaults_teardown),
		cmocka_unit_test_setup_teardown(test_default_edges_of_other_networks, defaults_setup,
						defaults_teardown),
		cmocka_unit_test(test_host_routes_and_prefixes_of_a_custom_table),
		cmocka_unit_test(test_slash_zero_makes_every_address_local),
		cmocka_unit_test(test_create_refuses_too_many_networks),
		cmocka_unit_test(test_empty_table_has_nothing_local),
		cmocka_unit_test(test_few_and_many_networks_agree_with_a_prefix_match),
		cmocka_unit_test(test_lpm_tables_only_for_a_family_with_many_networks),
		cmocka_unit_test_setup_teardown(test_direction_of_ipv4_and_ipv6_packets, defaults_setup,
						defaults_teardown),
		cmocka_unit_test_setup_teardown(test_burst_sets_dir_on_ip_packets_only, defaults_setup,
						defaults_teardown),
	};

	return cmocka_run_group_tests_name("direction", tests, group_setup, group_teardown);
}
