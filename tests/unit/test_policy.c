/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/policy: the bounded findings table (aggregation, bound, merge, order),
 * token buckets in packet time, trTCM colours for QoS shares, DSCP rewriting (IPv4 checksum
 * stays valid, IPv6 traffic class keeps its ECN bits) and the per-source table with its
 * connection statistics (peak per second, main target) and the rate_limit finding that
 * carries them.
 */
#include "pl_test.h"

#include <rte_meter.h>

#include "pl_policy.h"

#define NS 1000000000ULL

static int
setup(void **state)
{
	(void)state;
	return pl_test_eal_init("policy");
}

static struct pl_finding
finding(unsigned int kind, uint8_t last_octet, uint16_t port, uint64_t t)
{
	struct pl_finding f;

	memset(&f, 0, sizeof(f));
	f.kind = (uint8_t)kind;
	f.family = 4;
	f.src[0] = 203;
	f.src[3] = last_octet;
	f.dst[0] = 10;
	f.dst[3] = 1;
	f.has_dst = 1;
	f.has_port = 1;
	f.port = port;
	f.count = 1;
	f.first_ns = f.last_ns = t;
	snprintf(f.detail, sizeof(f.detail), "first report %u", last_octet);
	return f;
}

static void
test_same_finding_aggregates_count_and_times(void **state)
{
	struct pl_findings *t = pl_findings_create(16, SOCKET_ID_ANY);
	struct pl_finding f = finding(PL_FINDING_unauthorized_port, 7, 23, 5 * NS);
	const struct pl_finding *out[16];

	(void)state;
	assert_int_equal(pl_findings_add(t, &f), 0);
	f.first_ns = f.last_ns = 9 * NS;
	snprintf(f.detail, sizeof(f.detail), "later detail");
	assert_int_equal(pl_findings_add(t, &f), 0);
	f.first_ns = f.last_ns = 2 * NS;
	assert_int_equal(pl_findings_add(t, &f), 0);
	assert_int_equal(t->n, 1);
	assert_int_equal(pl_findings_sorted(t, out), 1);
	assert_int_equal(out[0]->count, 3);
	assert_int_equal(out[0]->first_ns, 2 * NS);
	assert_int_equal(out[0]->last_ns, 9 * NS);
	assert_string_equal(out[0]->detail, "first report 7");
	pl_findings_free(t);
}

static void
test_findings_differing_in_port_or_kind_are_distinct(void **state)
{
	struct pl_findings *t = pl_findings_create(16, SOCKET_ID_ANY);
	struct pl_finding a = finding(PL_FINDING_unauthorized_port, 7, 23, NS);
	struct pl_finding b = finding(PL_FINDING_unauthorized_port, 7, 3389, NS);
	struct pl_finding c = finding(PL_FINDING_unencrypted, 7, 23, NS);

	(void)state;
	pl_findings_add(t, &a);
	pl_findings_add(t, &b);
	pl_findings_add(t, &c);
	assert_int_equal(t->n, 3);
	pl_findings_free(t);
}

static void
test_full_findings_table_counts_what_it_drops(void **state)
{
	struct pl_findings *t = pl_findings_create(4, SOCKET_ID_ANY);
	unsigned int i;

	(void)state;
	for (i = 0; i < 10; i++) {
		struct pl_finding f = finding(PL_FINDING_rate_limit, (uint8_t)i, 0, NS);

		assert_int_equal(pl_findings_add(t, &f), i < 4 ? 0 : -ENOSPC);
	}
	assert_int_equal(t->n, 4);
	assert_int_equal(t->dropped, 6);
	/* an existing finding still aggregates when the table is full */
	{
		struct pl_finding f = finding(PL_FINDING_rate_limit, 0, 0, 2 * NS);

		assert_int_equal(pl_findings_add(t, &f), 0);
	}
	pl_findings_free(t);
}

static void
test_merge_adds_counts_and_dropped(void **state)
{
	struct pl_findings *a = pl_findings_create(8, SOCKET_ID_ANY);
	struct pl_findings *b = pl_findings_create(8, SOCKET_ID_ANY);
	struct pl_finding f = finding(PL_FINDING_sensitive_data, 1, 80, NS);
	const struct pl_finding *out[8];

	(void)state;
	pl_findings_add(a, &f);
	f.count = 5;
	f.first_ns = f.last_ns = 3 * NS;
	pl_findings_add(b, &f);
	b->dropped = 2;
	pl_findings_merge(a, b);
	assert_int_equal(pl_findings_sorted(a, out), 1);
	assert_int_equal(out[0]->count, 6);
	assert_int_equal(out[0]->last_ns, 3 * NS);
	assert_int_equal(a->dropped, 2);
	pl_findings_clear(a);
	assert_int_equal(a->n, 0);
	assert_int_equal(pl_findings_sorted(a, out), 0);
	pl_findings_free(a);
	pl_findings_free(b);
}

static void
test_sorted_orders_by_kind_then_first_time(void **state)
{
	struct pl_findings *t = pl_findings_create(16, SOCKET_ID_ANY);
	struct pl_finding f1 = finding(PL_FINDING_unencrypted, 1, 80, 9 * NS);
	struct pl_finding f2 = finding(PL_FINDING_unauthorized_port, 2, 23, 8 * NS);
	struct pl_finding f3 = finding(PL_FINDING_unauthorized_port, 3, 23, 1 * NS);
	const struct pl_finding *out[16];

	(void)state;
	pl_findings_add(t, &f1);
	pl_findings_add(t, &f2);
	pl_findings_add(t, &f3);
	assert_int_equal(pl_findings_sorted(t, out), 3);
	assert_int_equal(out[0]->src[3], 3);
	assert_int_equal(out[1]->src[3], 2);
	assert_int_equal(out[2]->kind, PL_FINDING_unencrypted);
	pl_findings_free(t);
}

static void
test_bucket_allows_burst_then_rate(void **state)
{
	struct pl_bucket b = { .tokens = 1000, .last_ns = 0 };
	unsigned int ok = 0, i;

	(void)state;
	/* 1500 takes at one instant: exactly the burst passes */
	for (i = 0; i < 1500; i++)
		ok += pl_bucket_take(&b, 1000, 1000, NS);
	assert_int_equal(ok, 1000);
	/* half a second later: 500 tokens back */
	ok = 0;
	for (i = 0; i < 600; i++)
		ok += pl_bucket_take(&b, 1000, 1000, NS + NS / 2);
	assert_int_equal(ok, 500);
	/* never more than the burst, however long the pause */
	ok = 0;
	for (i = 0; i < 2000; i++)
		ok += pl_bucket_take(&b, 1000, 1000, 100 * NS);
	assert_int_equal(ok, 1000);
}

static void
test_steady_rate_under_the_limit_always_conforms(void **state)
{
	struct pl_bucket b = { .tokens = 10, .last_ns = 0 };
	unsigned int i;

	(void)state;
	/* 900 per second against a limit of 1000 per second, for 10 s */
	for (i = 0; i < 9000; i++)
		assert_int_equal(pl_bucket_take(&b, 1000, 10, (uint64_t)i * NS / 900), 1);
}

/* Colour a constant-rate stream of 1000-byte packets for 2 s of packet time. */
static void
colours(double share, double rate_fraction, uint64_t *out)
{
	struct rte_meter_trtcm_profile p;
	struct rte_meter_trtcm m;
	uint64_t link = 1000000000ULL, hz = rte_get_tsc_hz();
	double bps = rate_fraction * (double)link;
	double gap_ns = 1000.0 * 8 / bps * 1e9;
	unsigned int i, n = (unsigned int)(2e9 / gap_ns);

	assert_int_equal(pl_qos_profile(&p, share, 1.25, link, 1), 0);
	assert_int_equal(rte_meter_trtcm_config(&m, &p), 0);
	out[0] = out[1] = out[2] = 0;
	for (i = 0; i < n; i++)
		out[pl_qos_colour(&m, &p, NS + (uint64_t)(i * gap_ns), hz, 1000)]++;
}

static void
test_meter_gives_rte_meter_colours_without_dividing(void **state)
{
	/* the same profile, state and times through both meters: every colour and every
	 * bucket equal, over shares, rates from idle to 3x the link, bursts, long gaps, time
	 * going backwards, and the first packet after a long idle */
	static const double shares[] = { 0.01, 0.2, 0.6, 1.0 };
	uint64_t hz = rte_get_tsc_hz(), x = 0x9e3779b97f4a7c15ULL, colours[3] = { 0 };
	unsigned int s, i;

	(void)state;
	for (s = 0; s < RTE_DIM(shares); s++) {
		struct rte_meter_trtcm_profile p;
		struct rte_meter_trtcm ref;
		struct pl_meter m;
		uint64_t t;

		assert_int_equal(pl_qos_profile(&p, shares[s], 1.25, 1000000000ULL, 1), 0);
		assert_int_equal(rte_meter_trtcm_config(&ref, &p), 0);
		pl_meter_config(&m, &p, hz, ref.time_tc);
		t = ref.time_tc + 1000;
		for (i = 0; i < 200000; i++) {
			uint32_t len;
			enum rte_color a, b;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			len = 60 + (uint32_t)(x % 1455);
			switch ((x >> 20) % 16) {
			case 0:
				t += (x >> 24) % (hz / 10); /* a gap up to 100 ms */
				break;
			case 1:
				t -= (x >> 24) % 5000;      /* reordered: time goes back a little */
				break;
			default:
				t += (x >> 24) % 3000;      /* line rate and above */
				break;
			}
			a = rte_meter_trtcm_color_blind_check(&ref, &p, t, len);
			b = pl_meter_colour_tsc(&m, t, len);
			assert_int_equal(a, b);
			assert_int_equal(ref.tc, m.tc);
			assert_int_equal(ref.tp, m.tp);
			assert_int_equal(ref.time_tc, m.time_tc);
			assert_int_equal(ref.time_tp, m.time_tp);
			colours[a]++;
		}
	}
	/* the sequence reached every colour */
	assert_true(colours[RTE_COLOR_GREEN] && colours[RTE_COLOR_YELLOW] &&
		    colours[RTE_COLOR_RED]);
}

static void
test_meter_periods_are_exact_floors(void **state)
{
	static const uint64_t periods[] = { 100, 101, 127, 4097, 21000000, 999999999989ULL };
	uint64_t x = 12345;
	unsigned int i, k;

	(void)state;
	for (i = 0; i < RTE_DIM(periods); i++) {
		uint64_t p = periods[i], inv = UINT64_MAX / p;

		assert_int_equal(pl_meter_periods(UINT64_MAX, p, inv), UINT64_MAX / p);
		assert_int_equal(pl_meter_periods(0, p, inv), 0);
		assert_int_equal(pl_meter_periods(p - 1, p, inv), 0);
		assert_int_equal(pl_meter_periods(p, p, inv), 1);
		for (k = 0; k < 100000; k++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			assert_int_equal(pl_meter_periods(x >> (k % 64), p, inv), (x >> (k % 64)) / p);
		}
	}
}

static void
test_meter_packet_time_runs_at_the_tsc_rate(void **state)
{
	/* the meter only sees differences of its time: packet time must turn into TSC cycles
	 * at the TSC's rate (to a cycle a second) and never run backwards */
	struct rte_meter_trtcm_profile p;
	struct pl_meter m;
	uint64_t hz = rte_get_tsc_hz(), ns, prev = 0;

	(void)state;
	assert_int_equal(pl_qos_profile(&p, 0.5, 1.25, 1000000000ULL, 1), 0);
	pl_meter_config(&m, &p, hz, 0);
	for (ns = 1700000000 * NS; ns < 1700000001 * NS; ns += 999983) {
		uint64_t t = (uint64_t)(((unsigned __int128)ns * m.ns_mult) >> 32);
		uint64_t t1 = (uint64_t)(((unsigned __int128)(ns + NS) * m.ns_mult) >> 32);

		assert_true(t >= prev);
		assert_true(t1 - t + 2 >= hz && t1 - t <= hz + 2);
		prev = t;
	}
}

static void
test_class_under_its_share_is_green(void **state)
{
	uint64_t c[3];

	(void)state;
	colours(0.6, 0.5, c);
	assert_true(c[RTE_COLOR_GREEN] > 0);
	assert_int_equal(c[RTE_COLOR_YELLOW], 0);
	assert_int_equal(c[RTE_COLOR_RED], 0);
}

static void
test_class_between_share_and_peak_is_yellow(void **state)
{
	uint64_t c[3], total;

	(void)state;
	/* share 0.2, peak 0.25: a class at 0.23 of the link is above committed, below peak */
	colours(0.2, 0.23, c);
	total = c[0] + c[1] + c[2];
	assert_int_equal(c[RTE_COLOR_RED], 0);
	assert_true(c[RTE_COLOR_YELLOW] > total / 20);
	assert_true(c[RTE_COLOR_GREEN] > total / 2);
}

static void
test_class_above_its_peak_turns_red(void **state)
{
	uint64_t c[3], total;

	(void)state;
	/* share 0.2 (peak 0.25) at 0.5 of the link: about half the bytes are red */
	colours(0.2, 0.5, c);
	total = c[0] + c[1] + c[2];
	assert_true(c[RTE_COLOR_RED] > total * 4 / 10);
	assert_true(c[RTE_COLOR_RED] < total * 6 / 10);
}

static uint16_t
ipv4_checksum(const uint8_t *ip)
{
	uint32_t sum = 0;
	unsigned int i;

	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
test_dscp_rewrite_keeps_ipv4_checksum_valid(void **state)
{
	uint8_t ip[20] = { 0x45, 0x01, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0, 0,
			   10, 0, 0, 1, 192, 168, 1, 9 };
	uint16_t c;
	unsigned int d;

	(void)state;
	c = ipv4_checksum(ip);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	for (d = 0; d < 64; d++) {
		pl_dscp_set(ip, 0, (uint8_t)d);
		assert_int_equal(ip[1] >> 2, d);
		assert_int_equal(ip[1] & 3, 1); /* ECN kept */
		assert_int_equal(ipv4_checksum(ip), 0);
	}
}

static void
test_dscp_rewrite_sets_ipv6_traffic_class(void **state)
{
	uint8_t ip[4] = { 0x60 | 0x0a, 0xb3 | 0x00, 0x45, 0x67 }; /* tc 0xab, flow label */

	(void)state;
	pl_dscp_set(ip, 1, 46);
	assert_int_equal(ip[0] >> 4, 6);
	assert_int_equal((((ip[0] & 0x0f) << 4) | (ip[1] >> 4)), (46 << 2) | (0xab & 3));
	assert_int_equal(ip[1] & 0x0f, 0x03);
	assert_int_equal(ip[2], 0x45);
	assert_int_equal(ip[3], 0x67);
}

static void
test_sources_keep_state_per_address_and_age(void **state)
{
	struct pl_sources *t = pl_sources_create("test_srcs", 64, SOCKET_ID_ANY);
	uint8_t a[4] = { 10, 9, 9, 9 }, b[4] = { 10, 9, 9, 10 };
	struct pl_source *sa, *sb;
	unsigned int i;

	(void)state;
	assert_non_null(t);
	sa = pl_sources_get(t, 4, a, 5, 0, NS);
	sb = pl_sources_get(t, 4, b, 5, 0, NS);
	assert_ptr_not_equal(sa, sb);
	assert_ptr_equal(pl_sources_get(t, 4, a, 5, 0, NS), sa);
	assert_true(sa->conn.tokens == 5.0);
	assert_int_equal(pl_sources_count(t), 2);
	sa->last_ns = 20 * NS;
	sb->last_ns = 1 * NS;
	/* ageing at 15 s with 10 s idle forgets b only, however many slots it walks */
	for (i = 0; i < 10; i++)
		pl_sources_age(t, 15 * NS, 10 * NS, 64);
	assert_int_equal(pl_sources_count(t), 1);
	assert_ptr_equal(pl_sources_get(t, 4, a, 5, 0, NS), sa);
	/* b is gone from the table itself: it comes back as a new source */
	sb = pl_sources_get(t, 4, b, 5, 0, 16 * NS);
	assert_non_null(sb);
	assert_int_equal(pl_sources_count(t), 2);
	assert_true(sb->last_ns == 16 * NS);
	pl_sources_free(t);
}

/* IPv6 sources and an IPv4 source whose address is an IPv6 address's first four bytes:
 * each its own record, each found again, each forgotten and added again by ageing. */
static void
test_sources_ipv6_and_ageing_by_key(void **state)
{
	struct pl_sources *t = pl_sources_create("test_srcs6", 64, SOCKET_ID_ANY);
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	uint8_t b6[16], a4[4] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct pl_source *s6a, *s6b, *s4;
	unsigned int i;

	(void)state;
	assert_non_null(t);
	memcpy(b6, a6, 16);
	b6[15] ^= 1;
	s6a = pl_sources_get(t, 6, a6, 5, 0, NS);
	s6b = pl_sources_get(t, 6, b6, 5, 0, NS);
	s4 = pl_sources_get(t, 4, a4, 5, 0, NS);
	assert_non_null(s6a);
	assert_non_null(s6b);
	assert_non_null(s4);
	assert_ptr_not_equal(s6a, s6b);
	assert_ptr_not_equal(s6a, s4);
	assert_ptr_not_equal(s6b, s4);
	assert_int_equal(pl_sources_count(t), 3);
	assert_ptr_equal(pl_sources_get(t, 6, a6, 5, 0, NS), s6a);
	assert_ptr_equal(pl_sources_get(t, 6, b6, 5, 0, NS), s6b);
	assert_ptr_equal(pl_sources_get(t, 4, a4, 5, 0, NS), s4);
	s6a->last_ns = s6b->last_ns = s4->last_ns = NS;
	for (i = 0; i < 4; i++)
		pl_sources_age(t, 15 * NS, 10 * NS, 64);
	assert_int_equal(pl_sources_count(t), 0);
	/* deleted from the hash table by their keys: each is added again, none found stale */
	assert_non_null(pl_sources_get(t, 6, a6, 5, 0, 16 * NS));
	assert_non_null(pl_sources_get(t, 6, b6, 5, 0, 16 * NS));
	assert_non_null(pl_sources_get(t, 4, a4, 5, 0, 16 * NS));
	assert_int_equal(pl_sources_count(t), 3);
	pl_sources_free(t);
}

/* A table of sources for the connection tests, and one source in it (address 10.9.0.@p n). */
static struct pl_sources *
conn_table(const char *name, uint32_t capacity)
{
	struct pl_sources *t = pl_sources_create(name, capacity, SOCKET_ID_ANY);

	assert_non_null(t);
	return t;
}

static struct pl_source *
source(struct pl_sources *t, uint8_t n, uint64_t now)
{
	uint8_t a[4] = { 10, 9, 0, n };
	struct pl_source *s = pl_sources_get(t, 4, a, 5, 0, now);

	assert_non_null(s);
	s->last_ns = now;
	return s;
}

/* A new connection of @p s to 10.3.0.@p last_octet:@p port at @p t; returns
 * pl_sources_conn()'s result. */
static int
conn_to(struct pl_sources *tab, struct pl_source *s, uint8_t last_octet, uint16_t port,
	uint64_t t)
{
	uint8_t d[4] = { 10, 3, 0, last_octet };

	return pl_sources_conn(tab, s, 4, d, port, t);
}

static void
test_source_counts_its_peak_and_main_target(void **state)
{
	struct pl_sources *tab = conn_table("test_srcs_peak", 64);
	struct pl_source *s = source(tab, 1, 100 * NS);
	const struct pl_src_target *t;
	unsigned int i;

	(void)state;
	/* 5 connections early in second 100, 7 at the very end of second 101 (3 to .2:80, 4
	 * to .1:443), 1 just into second 102: the 7 and the 1 lie within one second */
	for (i = 0; i < 5; i++)
		conn_to(tab, s, 1, 443, 100 * NS + i * 1000);
	for (i = 0; i < 7; i++)
		conn_to(tab, s, i < 3 ? 2 : 1, i < 3 ? 80 : 443, 101 * NS + 999999000 + i);
	conn_to(tab, s, 2, 80, 102 * NS + 5);
	assert_int_equal(s->peak_per_s, 8);
	t = pl_source_target(s);
	assert_non_null(t);
	assert_int_equal(t->addr[3], 1);
	assert_int_equal(t->port, 443);
	assert_int_equal(t->conns, 9);
	/* a tie goes to the lower address, then the lower port */
	s = source(tab, 2, 103 * NS);
	conn_to(tab, s, 9, 80, 103 * NS);
	conn_to(tab, s, 5, 81, 103 * NS);
	conn_to(tab, s, 5, 80, 103 * NS);
	t = pl_source_target(s);
	assert_int_equal(t->addr[3], 5);
	assert_int_equal(t->port, 80);
	s = source(tab, 3, 103 * NS);
	assert_null(pl_source_target(s));
	pl_sources_free(tab);
}

static void
test_source_peak_is_any_one_second_not_whole_seconds(void **state)
{
	struct pl_sources *tab = conn_table("test_srcs_window", 1024);
	struct pl_source *s = source(tab, 1, 10 * NS), *o = source(tab, 2, 10 * NS);
	unsigned int i;

	(void)state;
	/* 60 connections in 10.9-11.0 s and 60 in 11.0-11.1 s: 120 in one second, where
	 * whole seconds would count 60 and 60; another source's connections between them
	 * count for that source only */
	for (i = 0; i < 60; i++) {
		conn_to(tab, s, 1, 80, 10 * NS + 900000000 + i * 1000000);
		conn_to(tab, o, 1, 80, 10 * NS + 900000000 + i * 1000000 + 1);
	}
	for (i = 0; i < 60; i++)
		conn_to(tab, s, 1, 80, 11 * NS + i * 1000000);
	assert_int_equal(s->peak_per_s, 120);
	assert_int_equal(o->peak_per_s, 60);
	/* a connection a whole second after another is not in its second: at 12.0 s and 13.0 s
	 * alone, the window holds one; 12.999999999 s would be two */
	s = source(tab, 3, 12 * NS);
	conn_to(tab, s, 1, 80, 12 * NS);
	conn_to(tab, s, 1, 80, 13 * NS);
	assert_int_equal(s->peak_per_s, 1);
	conn_to(tab, s, 1, 80, 13 * NS + 999999999);
	assert_int_equal(s->peak_per_s, 2);
	/* the window slides on: 100 spread evenly over 10 s never put more than 10 in one
	 * second (9.9 s from the first to the last; each second holds 10) */
	s = source(tab, 4, 20 * NS);
	for (i = 0; i < 100; i++)
		conn_to(tab, s, 1, 80, 20 * NS + i * (NS / 10));
	assert_int_equal(s->peak_per_s, 10);
	/* time going backwards counts at the latest time seen: never a negative window */
	conn_to(tab, s, 1, 80, 25 * NS);
	assert_int_equal(s->peak_per_s, 11);
	pl_sources_free(tab);
}

static void
test_source_window_full_takes_the_oldest_out_and_says_so(void **state)
{
	struct pl_sources *tab = conn_table("test_srcs_full", 8);
	struct pl_source *s = source(tab, 1, NS);
	unsigned int i;

	(void)state;
	/* room for 8 connections a second: the 9th takes the first out early */
	for (i = 0; i < 8; i++)
		assert_int_equal(conn_to(tab, s, 1, 80, NS + i), 0);
	assert_int_equal(conn_to(tab, s, 1, 80, NS + 8), 1);
	assert_int_equal(s->peak_per_s, 8);
	/* a second later the ring has room again */
	assert_int_equal(conn_to(tab, s, 1, 80, 3 * NS), 0);
	pl_sources_free(tab);
}

static void
test_source_targets_stay_bounded_and_keep_the_heavy_one(void **state)
{
	struct pl_sources *tab = conn_table("test_srcs_heavy", 1024);
	struct pl_source *s = source(tab, 1, NS);
	const struct pl_src_target *t;
	unsigned int i;

	(void)state;
	/* one heavy target among 200 others seen once each: held, with at most a share
	 * of 1/PL_SOURCE_TARGETS counted over */
	for (i = 0; i < 600; i++) {
		if (i % 3 == 0)
			conn_to(tab, s, 1, 80, NS + i);
		else
			conn_to(tab, s, (uint8_t)(10 + i % 200), 8080, NS + i);
	}
	t = pl_source_target(s);
	assert_int_equal(t->addr[3], 1);
	assert_int_equal(t->port, 80);
	assert_true(t->conns >= 200 && t->conns <= 200 + 600 / PL_SOURCE_TARGETS);
	assert_int_equal(s->peak_per_s, 600);
	pl_sources_free(tab);
}

static void
test_idle_source_starts_afresh(void **state)
{
	struct pl_sources *tab = pl_sources_create("test_srcs_idle", 64, SOCKET_ID_ANY);
	uint8_t a[4] = { 10, 9, 9, 9 };
	struct pl_source *s;

	(void)state;
	s = pl_sources_get(tab, 4, a, 5, 0, NS);
	conn_to(tab, s, 1, 80, NS);
	s->conn.tokens = 0;
	/* 10 s idle is not yet more than 10 s: the same state */
	s = pl_sources_get(tab, 4, a, 5, 0, NS + PL_SOURCE_IDLE_NS);
	assert_int_equal(s->peak_per_s, 1);
	s->last_ns = NS + PL_SOURCE_IDLE_NS;
	/* more than 10 s: as new, whether or not ageing forgot it */
	s = pl_sources_get(tab, 4, a, 5, 0, 2 * NS + 2 * PL_SOURCE_IDLE_NS);
	assert_int_equal(s->peak_per_s, 0);
	assert_null(pl_source_target(s));
	assert_true(s->conn.tokens == 5.0);
	/* its connections before start nothing in the new statistics */
	conn_to(tab, s, 1, 80, 2 * NS + 2 * PL_SOURCE_IDLE_NS);
	assert_int_equal(s->peak_per_s, 1);
	assert_int_equal(s->win_conns, 1);
	pl_sources_free(tab);
}

static void
test_rate_limit_finding_is_one_per_source_with_the_largest_target(void **state)
{
	struct pl_findings *t = pl_findings_create(16, SOCKET_ID_ANY);
	struct pl_findings *u = pl_findings_create(16, SOCKET_ID_ANY);
	const struct pl_finding *out[16];
	struct pl_finding key, *e;
	uint8_t d1[4] = { 10, 3, 0, 100 }, d2[4] = { 10, 3, 0, 101 };
	int is_new;

	(void)state;
	memset(&key, 0, sizeof(key));
	key.kind = PL_FINDING_rate_limit;
	key.family = 4;
	key.src[0] = 10;
	key.src[3] = 7;
	e = pl_findings_touch(t, &key, NS, &is_new);
	assert_int_equal(is_new, 1);
	pl_finding_target(e, 4, d1, 80, 10, 40);
	/* the same source, another target with fewer connections: one finding, target kept */
	e = pl_findings_touch(t, &key, 2 * NS, &is_new);
	assert_int_equal(is_new, 0);
	pl_finding_target(e, 4, d2, 81, 9, 50);
	assert_int_equal(t->n, 1);
	assert_int_equal(e->count, 2);
	assert_int_equal(e->dst[3], 100);
	assert_int_equal(e->port, 80);
	assert_int_equal(e->target_conns, 10);
	assert_int_equal(e->peak_per_s, 50);
	/* merged with another bank's entry for the source with a larger target */
	e = pl_findings_touch(u, &key, 3 * NS, &is_new);
	pl_finding_target(e, 4, d2, 81, 12, 30);
	pl_findings_merge(t, u);
	assert_int_equal(pl_findings_sorted(t, out), 1);
	assert_int_equal(out[0]->count, 3);
	assert_int_equal(out[0]->has_dst, 1);
	assert_int_equal(out[0]->dst[3], 101);
	assert_int_equal(out[0]->port, 81);
	assert_int_equal(out[0]->target_conns, 12);
	assert_int_equal(out[0]->peak_per_s, 50);
	/* no connection at all (packet rate only): no target */
	key.src[3] = 8;
	e = pl_findings_touch(t, &key, 4 * NS, &is_new);
	pl_finding_target(e, 4, NULL, 0, 0, 0);
	assert_int_equal(e->has_dst, 0);
	assert_int_equal(e->has_port, 0);
	pl_findings_free(t);
	pl_findings_free(u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_finding_aggregates_count_and_times),
		cmocka_unit_test(test_findings_differing_in_port_or_kind_are_distinct),
		cmocka_unit_test(test_full_findings_table_counts_what_it_drops),
		cmocka_unit_test(test_merge_adds_counts_and_dropped),
		cmocka_unit_test(test_sorted_orders_by_kind_then_first_time),
		cmocka_unit_test(test_bucket_allows_burst_then_rate),
		cmocka_unit_test(test_steady_rate_under_the_limit_always_conforms),
		cmocka_unit_test(test_meter_gives_rte_meter_colours_without_dividing),
		cmocka_unit_test(test_meter_periods_are_exact_floors),
		cmocka_unit_test(test_meter_packet_time_runs_at_the_tsc_rate),
		cmocka_unit_test(test_class_under_its_share_is_green),
		cmocka_unit_test(test_class_between_share_and_peak_is_yellow),
		cmocka_unit_test(test_class_above_its_peak_turns_red),
		cmocka_unit_test(test_dscp_rewrite_keeps_ipv4_checksum_valid),
		cmocka_unit_test(test_dscp_rewrite_sets_ipv6_traffic_class),
		cmocka_unit_test(test_sources_keep_state_per_address_and_age),
		cmocka_unit_test(test_sources_ipv6_and_ageing_by_key),
		cmocka_unit_test(test_source_counts_its_peak_and_main_target),
		cmocka_unit_test(test_source_peak_is_any_one_second_not_whole_seconds),
		cmocka_unit_test(test_source_window_full_takes_the_oldest_out_and_says_so),
		cmocka_unit_test(test_source_targets_stay_bounded_and_keep_the_heavy_one),
		cmocka_unit_test(test_idle_source_starts_afresh),
		cmocka_unit_test(test_rate_limit_finding_is_one_per_source_with_the_largest_target),
	};

	return cmocka_run_group_tests_name("policy", tests, setup, NULL);
}
