/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/counters: the size and inter-arrival buckets, the interval window and
 * its overflow, draining a bank into running totals (scalars, per-port table, intervals),
 * the bank flip handshake and the sequence number, and the concurrent merge: a writer thread
 * counts bursts that keep two counters and a port entry equal while the main thread flips,
 * waits and drains over and over; the invariant must hold exactly after every drain and the
 * final totals must equal what was written. Counter blocks come from pl_ctr_create() on a
 * real EAL (rte_malloc).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include <rte_lcore.h>
#include <rte_pause.h>

#include "pl_counters.h"
#include "pl_test.h"

#define PORTS_ENTRIES ((size_t)PL_PORT_ROWS * 65536)

static int
group_setup(void **state)
{
	return pl_test_eal_init("counters");
}

static int
group_teardown(void **state)
{
	rte_eal_cleanup();
	return 0;
}

/* Frames as received carry no FCS: the buckets are of the size on the wire (RMON, NICs). */
static void
test_size_buckets_split_at_wire_sizes(void **state)
{
	static const struct { uint32_t bytes; unsigned int bucket; } c[] = {
		{ 0, 0 }, { 42, 0 }, { 59, 0 }, { 60, 0 },      /* padded: 64 on the wire */
		{ 61, 1 }, { 123, 1 },                         /* 65-127 */
		{ 124, 2 }, { 251, 2 }, { 252, 3 }, { 507, 3 }, { 508, 4 }, { 1019, 4 },
		{ 1020, 5 }, { 1514, 5 },                      /* 1024-1518: a full frame */
		{ 1515, 6 }, { 1518, 6 }, { 9000, 6 }, { UINT32_MAX - PL_ETH_FCS, 6 },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(c); i++)
		if (pl_ctr_size_bucket(c[i].bytes) != c[i].bucket)
			fail_msg("%u bytes: bucket %u, want %u", c[i].bytes,
				 pl_ctr_size_bucket(c[i].bytes), c[i].bucket);
	assert_int_equal(pl_ctr_wire_size(60), 64);
	assert_int_equal(pl_ctr_wire_size(42), 64);
	assert_int_equal(pl_ctr_wire_size(61), 65);
	assert_int_equal(pl_ctr_wire_size(1514), 1518);
}

static void
test_size_bounds_agree_with_buckets(void **state)
{
	static const char *const names[PL_SIZE_BUCKETS] = {
		"rx_size_64_packets", "rx_size_65_to_127_packets", "rx_size_128_to_255_packets",
		"rx_size_256_to_511_packets", "rx_size_512_to_1023_packets",
		"rx_size_1024_to_1518_packets", "rx_size_1519_to_max_packets",
	};
	uint32_t lo, hi, prev_hi = 0;
	unsigned int b;

	for (b = 0; b < PL_SIZE_BUCKETS; b++) {
		pl_ctr_size_bounds(b, &lo, &hi);
		/* the bounds are wire sizes: a frame as received is 4 bytes (FCS) shorter */
		assert_int_equal(pl_ctr_size_bucket(lo - PL_ETH_FCS), b);
		assert_int_equal(pl_ctr_size_bucket(hi - PL_ETH_FCS), b);
		if (b > 0)
			assert_int_equal(lo, prev_hi + 1);
		else
			assert_int_equal(lo, 64);
		assert_string_equal(pl_ctr_size_name(b), names[b]);
		prev_hi = hi;
	}
	assert_int_equal(hi, UINT32_MAX);
	pl_ctr_size_bounds(PL_SIZE_BUCKETS + 3, &lo, &hi); /* clamped to the last */
	assert_int_equal(lo, 1519);
	assert_string_equal(pl_ctr_size_name(PL_SIZE_BUCKETS), "unknown");
}

static void
test_size_and_iat_sums_follow_the_histograms(void **state)
{
	struct pl_ctr_bank *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	pl_ctr_size(b, 60);
	pl_ctr_size(b, 42);
	pl_ctr_size(b, 1514);
	assert_int_equal(b->sizes[0], 2);
	assert_int_equal(b->sizes[5], 1);
	assert_int_equal(b->v[PL_CTR_wire_bytes], 64 + 64 + 1518);
	pl_ctr_iat(b, PL_DIR_OUT, 1000);
	pl_ctr_iat(b, PL_DIR_OUT, 3);
	assert_int_equal(b->iat[PL_DIR_OUT][9], 1);
	assert_int_equal(b->iat[PL_DIR_OUT][1], 1);
	assert_int_equal(b->iat_ns[PL_DIR_OUT], 1003);
	assert_int_equal(b->iat_ns[PL_DIR_IN], 0);
	free(b);
}

static void
test_iat_buckets_are_powers_of_two(void **state)
{
	assert_int_equal(pl_ctr_iat_bucket(0), 0);
	assert_int_equal(pl_ctr_iat_bucket(1), 0);
	assert_int_equal(pl_ctr_iat_bucket(2), 1);
	assert_int_equal(pl_ctr_iat_bucket(3), 1);
	assert_int_equal(pl_ctr_iat_bucket(4), 2);
	assert_int_equal(pl_ctr_iat_bucket(1023), 9);
	assert_int_equal(pl_ctr_iat_bucket(1024), 10);
	assert_int_equal(pl_ctr_iat_bucket(1000000000ULL), 29); /* 1 s */
	assert_int_equal(pl_ctr_iat_bucket((1ULL << 39) - 1), 38);
	assert_int_equal(pl_ctr_iat_bucket(1ULL << 39), PL_IAT_BUCKETS - 1);
	assert_int_equal(pl_ctr_iat_bucket(1ULL << 50), PL_IAT_BUCKETS - 1);
	assert_int_equal(pl_ctr_iat_bucket(UINT64_MAX), PL_IAT_BUCKETS - 1);
}

static void
test_create_sets_identity_and_empty_banks(void **state)
{
	struct pl_lcore_ctr *w = pl_ctr_create(3, PL_ROLE_WORKER, 2, 1, 0, SOCKET_ID_ANY);
	struct pl_lcore_ctr *r = pl_ctr_create(1, PL_ROLE_RX, 0, 0, 1, SOCKET_ID_ANY);
	int i;

	assert_non_null(w);
	assert_non_null(r);
	assert_int_equal(w->lcore, 3);
	assert_int_equal(w->role, PL_ROLE_WORKER);
	assert_int_equal(w->index, 2);
	assert_int_equal(r->role, PL_ROLE_RX);
	for (i = 0; i < 2; i++) {
		assert_non_null(w->bank[i]->ports);
		assert_non_null(w->bank[i]->touched);
		assert_null(w->bank[i]->ival);
		assert_null(r->bank[i]->ports);
		assert_non_null(r->bank[i]->ival);
		assert_true(w->bank[i]->time_first == UINT64_MAX);
		assert_int_equal(w->bank[i]->time_last, 0);
		assert_true(w->bank[i]->ival_lo >= w->bank[i]->ival_hi);
	}
	assert_int_equal(w->seq, 0);
	assert_int_equal(w->cur, 0);
	pl_ctr_free(w);
	pl_ctr_free(r);
	pl_ctr_free(NULL);
}

static void
test_sequence_is_odd_inside_a_burst_and_even_after(void **state)
{
	struct pl_lcore_ctr *c = pl_ctr_create(0, PL_ROLE_WORKER, 0, 0, 0, SOCKET_ID_ANY);
	int i;

	assert_non_null(c);
	assert_int_equal(pl_ctr_seq(c), 0);
	for (i = 1; i <= 5; i++) {
		pl_ctr_begin(c);
		assert_int_equal(pl_ctr_seq(c) & 1, 1);
		assert_int_equal(pl_ctr_seq(c), 2 * i - 1);
		pl_ctr_end(c);
		assert_int_equal(pl_ctr_seq(c) & 1, 0);
		assert_int_equal(pl_ctr_seq(c), 2 * i);
	}
	pl_ctr_free(c);
}

static void
test_flip_is_honoured_at_next_begin(void **state)
{
	struct pl_lcore_ctr *c = pl_ctr_create(0, PL_ROLE_WORKER, 0, 0, 0, SOCKET_ID_ANY);
	struct pl_ctr_bank *b;

	assert_non_null(c);
	assert_true(pl_ctr_flip_done(c)); /* nothing asked yet */
	b = pl_ctr_begin(c);
	assert_ptr_equal(b, c->bank[0]);
	b->v[PL_CTR_packets] = 7;
	pl_ctr_end(c);

	pl_ctr_flip_request(c);
	assert_false(pl_ctr_flip_done(c));
	pl_ctr_flip_request(c); /* not repeated while pending */
	assert_int_equal(c->req, 1);
	assert_false(pl_ctr_flip_done(c));

	b = pl_ctr_begin(c);
	assert_ptr_equal(b, c->bank[1]);
	assert_true(pl_ctr_flip_done(c));
	assert_ptr_equal(pl_ctr_retired(c), c->bank[0]);
	assert_int_equal(pl_ctr_retired(c)->v[PL_CTR_packets], 7);
	pl_ctr_end(c);

	assert_ptr_equal(pl_ctr_begin(c), c->bank[1]); /* no request: no flip */
	pl_ctr_end(c);

	pl_ctr_flip_request(c);
	assert_int_equal(c->req, 2);
	assert_ptr_equal(pl_ctr_begin(c), c->bank[0]);
	pl_ctr_end(c);
	assert_true(pl_ctr_flip_done(c));
	assert_ptr_equal(pl_ctr_retired(c), c->bank[1]);
	pl_ctr_free(c);
}

static void
test_interval_window_counts_and_overflows(void **state)
{
	struct pl_lcore_ctr *c = pl_ctr_create(0, PL_ROLE_RX, 0, 0, 1, SOCKET_ID_ANY);
	struct pl_ctr_bank *b;
	struct pl_ival_sum iv = { 0 };
	struct pl_ctr_sum s;
	uint64_t base;

	assert_non_null(c);
	b = c->bank[0];
	pl_ctr_ival(b, 1000, 100);
	base = b->ival_base;
	assert_int_equal(base, 1000 - 64); /* room for time running backwards */
	pl_ctr_ival(b, 1000, 50);
	pl_ctr_ival(b, 1001, 60);
	pl_ctr_ival(b, 990, 70);              /* backwards, inside the window */
	pl_ctr_ival(b, base, 80);             /* the first slot */
	pl_ctr_ival(b, base - 1, 1);          /* before the window */
	pl_ctr_ival(b, base + PL_IVAL_SLOTS - 1, 90); /* the last slot */
	pl_ctr_ival(b, base + PL_IVAL_SLOTS, 1);      /* past the window */
	assert_int_equal(b->v[PL_CTR_ival_overflow], 2);
	assert_int_equal(b->ival_lo, 0);
	assert_int_equal(b->ival_hi, PL_IVAL_SLOTS);
	assert_int_equal(b->ival[1000 - base].packets, 2);
	assert_int_equal(b->ival[1000 - base].bytes, 150);

	pl_ctr_sum_init(&s);
	assert_int_equal(pl_ctr_drain(&s, NULL, &iv, NULL, b), 0);
	assert_int_equal(s.v[PL_CTR_ival_overflow], 2);
	assert_int_equal(iv.base, base);
	assert_int_equal(iv.n, PL_IVAL_SLOTS);
	assert_int_equal(iv.e[0].packets, 1);
	assert_int_equal(iv.e[0].bytes, 80);
	assert_int_equal(iv.e[990 - base].bytes, 70);
	assert_int_equal(iv.e[1000 - base].packets, 2);
	assert_int_equal(iv.e[1001 - base].bytes, 60);
	assert_int_equal(iv.e[PL_IVAL_SLOTS - 1].bytes, 90);
	assert_int_equal(iv.e[500].packets, 0);
	/* the bank's window is empty again and its slots are zero */
	assert_true(b->ival_lo >= b->ival_hi);
	assert_int_equal(b->ival[1000 - base].packets, 0);
	assert_int_equal(b->ival[PL_IVAL_SLOTS - 1].packets, 0);
	assert_int_equal(b->v[PL_CTR_ival_overflow], 0);

	/* an earlier interval in a later bank grows the array downwards, keeping the rest */
	pl_ctr_ival(b, 5, 11);
	assert_int_equal(b->ival_base, 0);
	assert_int_equal(pl_ctr_drain(&s, NULL, &iv, NULL, b), 0);
	assert_int_equal(iv.base, 5);
	assert_int_equal(iv.n, base + PL_IVAL_SLOTS - 5);
	assert_int_equal(iv.e[0].bytes, 11);
	assert_int_equal(iv.e[1000 - 5].packets, 2);
	assert_int_equal(iv.e[base - 5].bytes, 80);
	assert_int_equal(iv.e[iv.n - 1].bytes, 90);
	assert_int_equal(iv.e[1].packets, 0);

	/* and a bank that adds into intervals already there sums them */
	pl_ctr_ival(b, 1000, 5);
	assert_int_equal(pl_ctr_drain(&s, NULL, &iv, NULL, b), 0);
	assert_int_equal(iv.base, 5);
	assert_int_equal(iv.e[1000 - 5].packets, 3);
	assert_int_equal(iv.e[1000 - 5].bytes, 155);

	pl_ival_sum_free(&iv);
	assert_null(iv.e);
	assert_int_equal(iv.n, 0);
	pl_ctr_free(c);
}

static void
test_intervals_that_cannot_be_kept_count_as_overflow(void **state)
{
	struct pl_lcore_ctr *c = pl_ctr_create(0, PL_ROLE_RX, 0, 0, 1, SOCKET_ID_ANY);
	struct pl_ival_sum iv = { 0 };
	struct pl_ctr_sum s;
	struct pl_ctr_bank *b;

	assert_non_null(c);
	b = c->bank[0];
	pl_ctr_sum_init(&s);
	/* no interval array: the packets are overflow */
	pl_ctr_ival(b, 10, 100);
	pl_ctr_ival(b, 11, 100);
	assert_int_equal(pl_ctr_drain(&s, NULL, NULL, NULL, b), -ENOMEM);
	assert_int_equal(s.v[PL_CTR_ival_overflow], 2);
	assert_true(b->ival_lo >= b->ival_hi);
	assert_int_equal(b->ival[10].packets, 0);

	/* an array that would span more than its limit (2^22 intervals) */
	pl_ctr_ival(b, 10, 100);
	assert_int_equal(pl_ctr_drain(&s, NULL, &iv, NULL, b), 0);
	pl_ctr_ival(b, 10 + (1ULL << 23), 100);
	pl_ctr_ival(b, 10 + (1ULL << 23), 100);
	pl_ctr_ival(b, 10 + (1ULL << 23), 100);
	assert_int_equal(pl_ctr_drain(&s, NULL, &iv, NULL, b), -ENOMEM);
	assert_int_equal(s.v[PL_CTR_ival_overflow], 5);
	assert_int_equal(iv.base, 10);
	assert_int_equal(iv.n, 1);
	assert_int_equal(iv.e[0].packets, 1);
	pl_ival_sum_free(&iv);
	pl_ctr_free(c);
}

/* Put a distinct value in every counter of a bank. */
static void
fill_bank(struct pl_ctr_bank *b, uint64_t k)
{
	unsigned int i, j;

	for (i = 0; i < PL_CTR_MAX; i++)
		b->v[i] = k + i;
	for (i = 0; i < PL_DROP_MAX; i++)
		b->drop[i] = k * 2 + i;
	for (i = 0; i < PL_MALFORMED_MAX; i++)
		b->malformed[i] = k * 3 + i;
	for (i = 0; i < PL_DIR_MAX; i++) {
		b->dir_packets[i] = k * 4 + i;
		b->dir_bytes[i] = k * 5 + i;
		for (j = 0; j < PL_IAT_BUCKETS; j++)
			b->iat[i][j] = k + i * 100 + j;
	}
	for (i = 0; i < PL_SIZE_BUCKETS; i++)
		b->sizes[i] = k * 6 + i;
	for (i = 0; i < PL_MAX_WORKERS; i++)
		b->ring_drops[i] = k * 7 + i;
	pl_ctr_time(b, 5000 + k);
	pl_ctr_time(b, 1000 + k);
	pl_ctr_time(b, 3000 + k);
}

static void
assert_bank_empty(const struct pl_ctr_bank *b)
{
	static const uint8_t zero[offsetof(struct pl_ctr_bank, time_first)];
	size_t i;

	assert_memory_equal(b, zero, sizeof(zero));
	assert_true(b->time_first == UINT64_MAX);
	assert_int_equal(b->time_last, 0);
	if (b->ports)
		for (i = 0; i < PORTS_ENTRIES; i++)
			if (b->ports[i].packets || b->ports[i].bytes)
				fail_msg("port entry %zu not cleared", i);
	if (b->touched)
		for (i = 0; i < PL_PORT_ROWS * PL_PORT_GROUPS / 64; i++)
			assert_int_equal(b->touched[i], 0);
}

static void
test_drain_adds_bank_into_sums_and_clears_it(void **state)
{
	struct pl_lcore_ctr *c = pl_ctr_create(0, PL_ROLE_WORKER, 0, 1, 0, SOCKET_ID_ANY);
	struct pl_port_ctr *ports = calloc(PORTS_ENTRIES, sizeof(*ports));
	struct pl_ctr_bank *b;
	struct pl_ctr_sum s;
	unsigned int i, j;

	assert_non_null(c);
	assert_non_null(ports);
	b = c->bank[0];
	pl_ctr_sum_init(&s);
	assert_true(s.time_first == UINT64_MAX);

	fill_bank(b, 10);
	pl_ctr_port(b, PL_DIR_IN, 443, 1500);
	pl_ctr_port(b, PL_DIR_IN, 443, 60);
	pl_ctr_port(b, PL_DIR_OUT, 0, 100);
	pl_ctr_port(b, PL_DIR_EXTERNAL, 65535, 9000);
	assert_int_equal(pl_ctr_drain(&s, ports, NULL, NULL, b), 0);
	assert_bank_empty(b);

	fill_bank(b, 1000);
	pl_ctr_port(b, PL_DIR_IN, 443, 40);
	pl_ctr_port(b, PL_DIR_INTERNAL, 5432, 200);
	assert_int_equal(pl_ctr_drain(&s, ports, NULL, NULL, b), 0);
	assert_bank_empty(b);

	for (i = 0; i < PL_CTR_MAX; i++)
		assert_int_equal(s.v[i], 10 + 1000 + 2 * i);
	for (i = 0; i < PL_DROP_MAX; i++)
		assert_int_equal(s.drop[i], 20 + 2000 + 2 * i);
	for (i = 0; i < PL_MALFORMED_MAX; i++)
		assert_int_equal(s.malformed[i], 30 + 3000 + 2 * i);
	for (i = 0; i < PL_DIR_MAX; i++) {
		assert_int_equal(s.dir_packets[i], 40 + 4000 + 2 * i);
		assert_int_equal(s.dir_bytes[i], 50 + 5000 + 2 * i);
		for (j = 0; j < PL_IAT_BUCKETS; j++)
			assert_int_equal(s.iat[i][j], 1010 + 2 * (i * 100 + j));
	}
	for (i = 0; i < PL_SIZE_BUCKETS; i++)
		assert_int_equal(s.sizes[i], 60 + 6000 + 2 * i);
	for (i = 0; i < PL_MAX_WORKERS; i++)
		assert_int_equal(s.ring_drops[i], 70 + 7000 + 2 * i);
	assert_int_equal(s.time_first, 1010);
	assert_int_equal(s.time_last, 6000);

	assert_int_equal(ports[(PL_DIR_IN << 16) | 443].packets, 3);
	assert_int_equal(ports[(PL_DIR_IN << 16) | 443].bytes, 1600);
	assert_int_equal(ports[(PL_DIR_OUT << 16) | 0].packets, 1);
	assert_int_equal(ports[(PL_DIR_EXTERNAL << 16) | 65535].bytes, 9000);
	assert_int_equal(ports[(PL_DIR_INTERNAL << 16) | 5432].packets, 1);
	assert_int_equal(ports[(PL_DIR_OUT << 16) | 443].packets, 0);

	/* an empty bank changes nothing, time range included */
	assert_int_equal(pl_ctr_drain(&s, ports, NULL, NULL, b), 0);
	assert_int_equal(s.v[PL_CTR_packets], 1010 + 2 * PL_CTR_packets);
	assert_int_equal(s.time_first, 1010);
	assert_int_equal(s.time_last, 6000);
	free(ports);
	pl_ctr_free(c);
}

static void
test_bank_clear_empties_everything(void **state)
{
	struct pl_lcore_ctr *c = pl_ctr_create(0, PL_ROLE_WORKER, 0, 1, 1, SOCKET_ID_ANY);
	struct pl_ctr_bank *b;

	assert_non_null(c);
	b = c->bank[1];
	fill_bank(b, 3);
	pl_ctr_port(b, PL_DIR_OUT, 22, 100);
	pl_ctr_ival(b, 77, 100);
	pl_ctr_bank_clear(b);
	assert_bank_empty(b);
	assert_int_equal(b->ival[64].packets, 0);
	assert_true(b->ival_lo >= b->ival_hi);
	pl_ctr_free(c);
}

static void
test_sum_add_adds_scalars_and_merges_time(void **state)
{
	struct pl_ctr_sum a, b;

	pl_ctr_sum_init(&a);
	pl_ctr_sum_init(&b);
	a.v[PL_CTR_tcp] = 5;
	a.drop[PL_DROP_verdict] = 1;
	a.time_first = 100;
	a.time_last = 200;
	b.v[PL_CTR_tcp] = 7;
	b.drop[PL_DROP_verdict] = 2;
	b.malformed[PL_MALFORMED_short_l2] = 3;
	b.ring_drops[5] = 9;
	b.iat[PL_DIR_OUT][3] = 4;
	b.time_first = 50;
	b.time_last = 150;
	pl_ctr_sum_add(&a, &b);
	assert_int_equal(a.v[PL_CTR_tcp], 12);
	assert_int_equal(a.drop[PL_DROP_verdict], 3);
	assert_int_equal(a.malformed[PL_MALFORMED_short_l2], 3);
	assert_int_equal(a.ring_drops[5], 9);
	assert_int_equal(a.iat[PL_DIR_OUT][3], 4);
	assert_int_equal(a.time_first, 50);
	assert_int_equal(a.time_last, 200);
	pl_ctr_sum_init(&b); /* an empty sum does not move the time range */
	pl_ctr_sum_add(&a, &b);
	assert_int_equal(a.time_first, 50);
	assert_int_equal(a.time_last, 200);
}

static void
test_names_of_counters_drops_and_roles(void **state)
{
	assert_string_equal(pl_ctr_name(PL_CTR_rx_packets), "rx_packets");
	assert_string_equal(pl_ctr_name(PL_CTR_total_cycles), "total_cycles");
	assert_string_equal(pl_ctr_name(PL_CTR_MAX), "unknown");
	assert_string_equal(pl_drop_name(PL_DROP_ring_full), "ring_full");
	assert_string_equal(pl_drop_name(PL_DROP_no_tx_port), "no_tx_port");
	assert_string_equal(pl_drop_name(PL_DROP_MAX), "unknown");
	assert_string_equal(pl_role_name(PL_ROLE_NONE), "none");
	assert_string_equal(pl_role_name(PL_ROLE_RX), "rx");
	assert_string_equal(pl_role_name(PL_ROLE_WORKER), "worker");
	assert_string_equal(pl_role_name(PL_ROLE_STATS), "stats");
	assert_string_equal(pl_role_name(17), "unknown");
}

/* ---- the concurrent merge ---- */

#define MERGE_FLIPS 3000
#define MERGE_PORT_A 443
#define MERGE_PORT_B 50000

struct writer {
	struct pl_lcore_ctr *c;
	int stop;
	uint64_t written;  /* packets written in all */
	uint64_t bursts;
};

/*
 * The owner: each burst adds k to rx_packets, to port entries (split over two ports in
 * different 64-port groups) and, last, to packets. A reader that saw part of a burst would
 * find the three unequal. Now and then the owner yields in the middle of a burst, so the
 * reader also runs while the sequence is odd where both threads share one CPU.
 */
static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	uint64_t written = 0, n = 0;

	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		struct pl_ctr_bank *b = pl_ctr_begin(w->c);
		unsigned int k = 1 + (unsigned int)(n % 7), j;

		b->v[PL_CTR_rx_packets] += k;
		for (j = 0; j < k; j++)
			pl_ctr_port(b, PL_DIR_IN, j & 1 ? MERGE_PORT_A : MERGE_PORT_B, 100);
		if ((n & 63) == 0)
			sched_yield(); /* let the reader in mid-burst, even on one CPU */
		b->v[PL_CTR_packets] += k;
		pl_ctr_end(w->c);
		written += k;
		n++;
	}
	w->written = written;
	w->bursts = n;
	return NULL;
}

static uint64_t
port_packets(const struct pl_port_ctr *ports)
{
	return ports[(PL_DIR_IN << 16) | MERGE_PORT_A].packets +
	       ports[(PL_DIR_IN << 16) | MERGE_PORT_B].packets;
}

static void
test_concurrent_flip_and_drain_keeps_invariants_exact(void **state)
{
	struct pl_port_ctr *ports = calloc(PORTS_ENTRIES, sizeof(*ports));
	struct writer w = { 0 };
	struct pl_ctr_sum s;
	pthread_attr_t attr;
	cpu_set_t cpus;
	pthread_t th;
	unsigned int i, nonempty = 0, odd = 0;

	assert_non_null(ports);
	w.c = pl_ctr_create(1, PL_ROLE_WORKER, 0, 1, 0, SOCKET_ID_ANY);
	assert_non_null(w.c);
	pl_ctr_sum_init(&s);
	/* the EAL pinned this thread to one CPU; let the writer run on any */
	CPU_ZERO(&cpus);
	for (i = 0; i < (unsigned int)sysconf(_SC_NPROCESSORS_ONLN) && i < CPU_SETSIZE; i++)
		CPU_SET(i, &cpus);
	assert_int_equal(pthread_attr_init(&attr), 0);
	assert_int_equal(pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus), 0);
	assert_int_equal(pthread_create(&th, &attr, writer_main, &w), 0);
	pthread_attr_destroy(&attr);

	for (i = 0; i < MERGE_FLIPS; i++) {
		struct pl_ctr_bank *b;
		uint64_t a, pp, bb;

		pl_ctr_flip_request(w.c);
		odd += pl_ctr_seq(w.c) & 1;
		while (!pl_ctr_flip_done(w.c))
			sched_yield();
		b = pl_ctr_retired(w.c);
		/* the retired bank alone holds whole bursts */
		a = b->v[PL_CTR_rx_packets];
		bb = b->v[PL_CTR_packets];
		pp = port_packets(b->ports);
		if (a != bb || a != pp)
			fail_msg("flip %u: bank rx_packets %" PRIu64 " packets %" PRIu64
				 " port packets %" PRIu64, i, a, bb, pp);
		nonempty += a != 0;
		assert_int_equal(pl_ctr_drain(&s, ports, NULL, NULL, b), 0);
		/* and so do the running totals */
		a = s.v[PL_CTR_rx_packets];
		bb = s.v[PL_CTR_packets];
		pp = port_packets(ports);
		if (a != bb || a != pp)
			fail_msg("drain %u: rx_packets %" PRIu64 " packets %" PRIu64
				 " port packets %" PRIu64, i, a, bb, pp);
		assert_int_equal(ports[(PL_DIR_IN << 16) | MERGE_PORT_A].bytes +
				 ports[(PL_DIR_IN << 16) | MERGE_PORT_B].bytes, 100 * pp);
	}

	__atomic_store_n(&w.stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(th, NULL), 0);
	/* the owner is gone: drain both banks, whatever the flip state */
	assert_int_equal(pl_ctr_drain(&s, ports, NULL, NULL, w.c->bank[0]), 0);
	assert_int_equal(pl_ctr_drain(&s, ports, NULL, NULL, w.c->bank[1]), 0);
	assert_int_equal(s.v[PL_CTR_rx_packets], w.written);
	assert_int_equal(s.v[PL_CTR_packets], w.written);
	assert_int_equal(port_packets(ports), w.written);
	assert_int_equal(ports[(PL_DIR_IN << 16) | MERGE_PORT_A].bytes +
			 ports[(PL_DIR_IN << 16) | MERGE_PORT_B].bytes, 100 * w.written);
	assert_int_equal(pl_ctr_seq(w.c), 2 * w.bursts); /* even: not inside a burst */
	assert_true(w.bursts >= MERGE_FLIPS);
	assert_true(nonempty > 0);
	print_message("%" PRIu64 " bursts, %" PRIu64 " packets, %u/%u drains non-empty, "
		      "%u flips asked mid-burst\n", w.bursts, w.written, nonempty, MERGE_FLIPS,
		      odd);
	pl_ctr_free(w.c);
	free(ports);
}

/* The byte-wise definition of "inside the network": the first depth bits are equal. */
static int
cidr_has_ref(const struct pl_cidr *c, int family, const uint8_t *a)
{
	unsigned int bit;

	if (c->family != family)
		return 0;
	for (bit = 0; bit < c->depth; bit++)
		if (((c->addr[bit / 8] ^ a[bit / 8]) >> (7 - bit % 8)) & 1)
			return 0;
	return 1;
}

/* pl_cidr_has() (word-wise, every packet) agrees with the bit-wise definition at every
 * depth of both families, near and far from the network. */
static void
test_cidr_has_agrees_with_bitwise_definition(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	unsigned int depth, fam, i, b, inside = 0, outside = 0;

	(void)state;
	for (fam = 0; fam < 2; fam++) {
		unsigned int alen = fam ? 16 : 4, maxd = alen * 8;

		for (depth = 0; depth <= maxd; depth++) {
			for (i = 0; i < 200; i++) {
				struct pl_cidr c = { .family = fam ? 6 : 4, .depth = (uint8_t)depth };
				uint8_t a[16] = { 0 };

				for (b = 0; b < alen; b++) {
					x ^= x << 13;
					x ^= x >> 7;
					x ^= x << 17;
					c.addr[b] = (uint8_t)x;
					a[b] = (uint8_t)(x >> 8);
				}
				/* mask the network to its depth, as the configuration does */
				for (b = depth; b < maxd; b++)
					c.addr[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
				/* half the addresses share the prefix, then differ in one bit */
				if (i & 1) {
					for (b = 0; b < depth; b++)
						a[b / 8] = (uint8_t)((a[b / 8] & ~(0x80 >> (b % 8))) |
								     (c.addr[b / 8] & (0x80 >> (b % 8))));
					if (depth && (i & 2))
						a[(i / 4 % depth) / 8] ^= (uint8_t)(0x80 >> ((i / 4 % depth) % 8));
				}
				assert_int_equal(pl_cidr_has(&c, c.family, a),
						 cidr_has_ref(&c, c.family, a));
				assert_int_equal(pl_cidr_has(&c, fam ? 4 : 6, a), 0);
				if (cidr_has_ref(&c, c.family, a))
					inside++;
				else
					outside++;
			}
		}
	}
	assert_true(inside > 5000 && outside > 5000);
}

static void
test_interval_number_divides_only_when_time_leaves_the_interval(void **state)
{
	/* the cached interval is always t / ival_ns, for time running forward, jumping and
	 * going back */
	struct pl_ival_cache c = { 0 };
	uint64_t t = 1700000000ULL * 1000000000ULL, x = 77, ival_ns = 1000000000ULL, i;
	unsigned int divisions = 0;

	(void)state;
	for (i = 0; i < 100000; i++) {
		uint64_t before = c.hi_ns;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		if (x % 1000 == 0)
			t -= (x >> 20) % (3 * ival_ns);
		else if (x % 1000 == 1)
			t += (x >> 20) % (100 * ival_ns);
		else
			t += (x >> 40) % 100000;
		assert_int_equal(pl_ctr_ival_number(&c, t, ival_ns), t / ival_ns);
		divisions += c.hi_ns != before;
	}
	/* about 15 s of time went by in small steps, plus the jumps */
	assert_true(divisions < 1000);
}

/* Every entry of a talker table, in slot order. */
static void
talkers_equal(const struct pl_talkers *a, const struct pl_talkers *b)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->over_packets, b->over_packets);
	assert_int_equal(a->over_bytes, b->over_bytes);
	assert_memory_equal(a->e, b->e, a->cap * sizeof(a->e[0]));
}

/*
 * The inline one-packet count (pl_talkers_count()) leaves a table exactly as
 * pl_talkers_add() does: IPv4 and IPv6 sources, many sharing a slot (a small table, so
 * searches go past the first slot), repeated, and more sources than the table holds.
 */
static void
test_talkers_count_equals_add(void **state)
{
	struct pl_talkers *a = pl_talkers_create(40, SOCKET_ID_ANY);
	struct pl_talkers *b = pl_talkers_create(40, SOCKET_ID_ANY);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned int i, inline_hits = 0;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < 5000; i++) {
		uint8_t addr[16] = { 10, 0, 0, 0 };
		int family;
		uint32_t bytes;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		family = (x & 3) == 0 ? 6 : 4;
		addr[3] = (uint8_t)((x >> 8) % 60);   /* 60 sources a family: more than 40 */
		addr[15] = addr[3];
		bytes = (uint32_t)(60 + (x >> 20) % 1400);
		{
			const struct pl_talker *e = &b->e[pl_talkers_slot(b, family, addr)];

			inline_hits += e->family == family &&
				       memcmp(e->addr, addr, family == 6 ? 16 : 4) == 0;
		}
		pl_talkers_add(a, family, addr, 1, bytes);
		pl_talkers_count(b, family, addr, bytes);
	}
	talkers_equal(a, b);
	/* the traffic went both ways: inline hits, searches past the first slot, overflow */
	assert_true(inline_hits > 1000 && inline_hits < 4900);
	assert_true(a->over_packets > 0 && a->n == 40);
	pl_talkers_free(a);
	pl_talkers_free(b);
}

/*
 * Merging, ranking and clearing visit the slots in use only (the list of slots taken): a
 * full table cleared is as empty as a new one, slot for slot, and takes new sources as a
 * new one does; a merge and the top sources see every entry, whatever slot it landed in.
 */
static void
test_talkers_clear_merge_top_by_used_slots(void **state)
{
	struct pl_talkers *a = pl_talkers_create(40, SOCKET_ID_ANY);
	struct pl_talkers *fresh = pl_talkers_create(40, SOCKET_ID_ANY);
	struct pl_talkers *sum = pl_talkers_create(100, SOCKET_ID_ANY);
	struct pl_talker top[3];
	unsigned int i;

	(void)state;
	assert_non_null(a);
	assert_non_null(fresh);
	assert_non_null(sum);
	for (i = 0; i < 60; i++) {  /* 40 kept, 20 over */
		uint8_t addr[16] = { 192, 0, 2, (uint8_t)i };

		pl_talkers_add(a, i % 3 ? 4 : 6, addr, 1, 100 + i);
	}
	assert_int_equal(a->n, 40);
	pl_talkers_merge(sum, a);
	assert_int_equal(sum->n, 40);
	assert_int_equal(sum->over_packets, 20);
	assert_int_equal(pl_talkers_top(sum, top, 3), 3);
	assert_int_equal(top[0].bytes, 100 + 39); /* the last source kept, the largest */
	pl_talkers_clear(a);
	assert_int_equal(a->n, 0);
	talkers_equal(a, fresh);
	assert_int_equal(pl_talkers_top(a, top, 3), 0);
	for (i = 0; i < 5; i++) {
		uint8_t addr[16] = { 198, 51, 100, (uint8_t)i };

		pl_talkers_add(a, 4, addr, 2, 1000 * (i + 1));
		pl_talkers_add(fresh, 4, addr, 2, 1000 * (i + 1));
	}
	talkers_equal(a, fresh);
	pl_talkers_merge(sum, a);
	assert_int_equal(sum->n, 45);
	assert_int_equal(pl_talkers_top(sum, top, 3), 3);
	assert_int_equal(top[0].bytes, 5000);
	assert_int_equal(top[2].bytes, 3000);
	pl_talkers_free(a);
	pl_talkers_free(fresh);
	pl_talkers_free(sum);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interval_number_divides_only_when_time_leaves_the_interval),
		cmocka_unit_test(test_size_buckets_split_at_wire_sizes),
		cmocka_unit_test(test_size_and_iat_sums_follow_the_histograms),
		cmocka_unit_test(test_size_bounds_agree_with_buckets),
		cmocka_unit_test(test_iat_buckets_are_powers_of_two),
		cmocka_unit_test(test_create_sets_identity_and_empty_banks),
		cmocka_unit_test(test_sequence_is_odd_inside_a_burst_and_even_after),
		cmocka_unit_test(test_flip_is_honoured_at_next_begin),
		cmocka_unit_test(test_interval_window_counts_and_overflows),
		cmocka_unit_test(test_intervals_that_cannot_be_kept_count_as_overflow),
		cmocka_unit_test(test_drain_adds_bank_into_sums_and_clears_it),
		cmocka_unit_test(test_bank_clear_empties_everything),
		cmocka_unit_test(test_sum_add_adds_scalars_and_merges_time),
		cmocka_unit_test(test_names_of_counters_drops_and_roles),
		cmocka_unit_test(test_concurrent_flip_and_drain_keeps_invariants_exact),
		cmocka_unit_test(test_cidr_has_agrees_with_bitwise_definition),
		cmocka_unit_test(test_talkers_count_equals_add),
		cmocka_unit_test(test_talkers_clear_merge_top_by_used_slots),
	};

	return cmocka_run_group_tests_name("counters", tests, group_setup, group_teardown);
}
