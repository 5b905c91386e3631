/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/snapshot: a collector over real counter blocks (pl_ctr_create()) of RX
 * and worker roles, served by an owner thread that honours flips; a tick flips workers
 * before RX lcores and drains exact totals, unanswered blocks are marked stale, the final
 * collection drains both banks; pl_snapshot_build() derives bins from ports, top ports
 * (ties to the lower port) and the balance; the publisher's reference counts and history
 * ring (oldest first, wrapping).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include <rte_lcore.h>

#include "pl_snapshot.h"
#include "pl_test.h"

#define IVAL_NS 1000000000ULL

static struct pl_bins *bins;

static int
group_setup(void **state)
{
	if (pl_test_eal_init("snapshot") < 0)
		return -1;
	bins = pl_bins_create(PL_BINS_DEFAULT, NULL, 0);
	return bins ? 0 : -1;
}

static int
group_teardown(void **state)
{
	pl_bins_free(bins);
	rte_eal_cleanup();
	return 0;
}

/* The test's packet path: one RX lcore and two workers. */
struct rig {
	struct pl_collector col;
	struct pl_lcore_ctr *rx, *w0, *w1;
};

static void
rig_init(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(pl_collector_init(&r->col, bins, IVAL_NS), 0);
	r->rx = pl_ctr_create(1, PL_ROLE_RX, 0, 0, 1, SOCKET_ID_ANY);
	r->w0 = pl_ctr_create(2, PL_ROLE_WORKER, 0, 1, 0, SOCKET_ID_ANY);
	r->w1 = pl_ctr_create(3, PL_ROLE_WORKER, 1, 1, 0, SOCKET_ID_ANY);
	assert_non_null(r->rx);
	assert_non_null(r->w0);
	assert_non_null(r->w1);
	/* RX first in the collector, so a tick that went in order would flip it first */
	assert_int_equal(pl_collector_add(&r->col, r->rx), 0);
	assert_int_equal(pl_collector_add(&r->col, r->w0), 0);
	assert_int_equal(pl_collector_add(&r->col, r->w1), 0);
}

static void
rig_fini(struct rig *r)
{
	pl_collector_fini(&r->col);
	pl_ctr_free(r->rx);
	pl_ctr_free(r->w0);
	pl_ctr_free(r->w1);
}

static void
count_ports(struct pl_ctr_bank *b, unsigned int dir, uint16_t port, unsigned int n,
	    uint32_t bytes)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		pl_ctr_port(b, dir, port, bytes);
}

/*
 * One burst per block, as the packet path would count it: 100 frames received, 3 lost on a
 * full ring, 97 handed over; worker 0 frees 50, worker 1 frees 44 and drops 1 by verdict,
 * so 2 are still in flight.
 */
static void
rig_count(struct rig *r)
{
	struct pl_ctr_bank *b;

	b = pl_ctr_begin(r->rx);
	b->v[PL_CTR_rx_packets] += 100;
	b->v[PL_CTR_rx_bytes] += 100000;
	b->v[PL_CTR_enqueued] += 97;
	b->drop[PL_DROP_ring_full] += 3;
	b->ring_drops[0] += 2;
	b->ring_drops[1] += 1;
	pl_ctr_time(b, 10 * IVAL_NS + 5);
	pl_ctr_time(b, 12 * IVAL_NS + 7);
	pl_ctr_ival(b, 10, 1000);
	pl_ctr_ival(b, 12, 2000);
	pl_ctr_ival(b, 12, 3000);
	pl_ctr_end(r->rx);

	b = pl_ctr_begin(r->w0);
	b->v[PL_CTR_packets] += 50;
	b->v[PL_CTR_processed] += 50;
	b->v[PL_CTR_freed] += 50;
	b->v[PL_CTR_tcp] += 50;
	b->dir_packets[PL_DIR_IN] += 50;
	count_ports(b, PL_DIR_IN, 443, 30, 1500);
	count_ports(b, PL_DIR_IN, 80, 20, 100);
	pl_ctr_end(r->w0);

	b = pl_ctr_begin(r->w1);
	b->v[PL_CTR_packets] += 45;
	b->v[PL_CTR_processed] += 44;
	b->v[PL_CTR_freed] += 44;
	b->drop[PL_DROP_verdict] += 1;
	count_ports(b, PL_DIR_IN, 8080, 30, 2000);  /* ties 443 on packets */
	count_ports(b, PL_DIR_IN, 8100, 5, 10);     /* same bin as 8080 */
	count_ports(b, PL_DIR_OUT, 53, 10, 80);
	pl_ctr_end(r->w1);
}

/* Owner thread: keeps every block's bursts going and notes when each one flips. */
struct owner {
	struct pl_lcore_ctr *c[3];
	unsigned int flip_at[3];
	unsigned int clock;
	int stop;
	pthread_t th;
};

static void *
owner_main(void *arg)
{
	struct owner *o = arg;
	unsigned int i;

	while (!__atomic_load_n(&o->stop, __ATOMIC_ACQUIRE)) {
		for (i = 0; i < 3; i++) {
			uint32_t ack = o->c[i]->ack;

			pl_ctr_begin(o->c[i]);
			if (o->c[i]->ack != ack)
				o->flip_at[i] = ++o->clock;
			pl_ctr_end(o->c[i]);
		}
		sched_yield();
	}
	return NULL;
}

static void
owner_start(struct owner *o, struct rig *r)
{
	memset(o, 0, sizeof(*o));
	o->c[0] = r->rx;
	o->c[1] = r->w0;
	o->c[2] = r->w1;
	assert_int_equal(pthread_create(&o->th, NULL, owner_main, o), 0);
}

static void
owner_stop(struct owner *o)
{
	__atomic_store_n(&o->stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(o->th, NULL), 0);
}

static struct pl_port_ctr
port_of(const struct pl_snapshot *s, unsigned int dir, uint16_t port)
{
	return s->ports[((size_t)dir << 16) | port];
}

static struct pl_port_ctr
bin_of(const struct pl_snapshot *s, unsigned int dir, uint16_t port)
{
	return s->bins[(size_t)dir * s->bin_def->n + pl_bins_of(s->bin_def, port)];
}

static void
test_tick_flips_workers_before_rx_and_drains_exact_totals(void **state)
{
	struct owner o;
	struct rig r;
	struct pl_snapshot *s;
	unsigned int i;

	rig_init(&r);
	rig_count(&r);
	owner_start(&o, &r);
	assert_int_equal(pl_collector_tick(&r.col, 2000000), 0);
	owner_stop(&o);
	/* both workers had flipped before the RX lcore was asked */
	assert_true(o.flip_at[1] > 0 && o.flip_at[2] > 0);
	assert_true(o.flip_at[0] > o.flip_at[1]);
	assert_true(o.flip_at[0] > o.flip_at[2]);

	s = pl_snapshot_build(&r.col, NULL, 0, 0);
	assert_non_null(s);
	assert_int_equal(s->seq, 1);
	assert_int_equal(s->final, 0);
	assert_int_equal(s->refcnt, 1);
	assert_int_equal(s->nb_lcores, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(s->lcore[i].stale, 0);
		assert_int_equal(s->lcore[i].seq & 1, 0);
	}
	assert_int_equal(s->lcore[0].role, PL_ROLE_RX);
	assert_int_equal(s->lcore[0].lcore, 1);
	assert_int_equal(s->lcore[2].role, PL_ROLE_WORKER);
	assert_int_equal(s->lcore[2].index, 1);
	assert_int_equal(s->lcore[2].lcore, 3);
	assert_int_equal(s->lcore[0].sum.v[PL_CTR_rx_packets], 100);
	assert_int_equal(s->lcore[1].sum.v[PL_CTR_packets], 50);
	assert_int_equal(s->lcore[2].sum.v[PL_CTR_packets], 45);

	assert_int_equal(s->total.v[PL_CTR_rx_packets], 100);
	assert_int_equal(s->total.v[PL_CTR_rx_bytes], 100000);
	assert_int_equal(s->total.v[PL_CTR_packets], 95);
	assert_int_equal(s->total.v[PL_CTR_tcp], 50);
	assert_int_equal(s->total.dir_packets[PL_DIR_IN], 50);
	assert_int_equal(s->total.ring_drops[0], 2);
	assert_int_equal(s->total.time_first, 10 * IVAL_NS + 5);
	assert_int_equal(s->total.time_last, 12 * IVAL_NS + 7);

	/* the balance: 100 received = 94 processed + 4 dropped + 2 in flight */
	assert_int_equal(s->balance.received, 100);
	assert_int_equal(s->balance.processed, 94);
	assert_int_equal(s->balance.freed, 94);
	assert_int_equal(s->balance.forwarded, 0);
	assert_int_equal(s->balance.dropped[PL_DROP_ring_full], 3);
	assert_int_equal(s->balance.dropped[PL_DROP_verdict], 1);
	assert_int_equal(s->balance.dropped_total, 4);
	assert_int_equal(s->balance.in_flight, 2);

	/* intervals of the RX lcore */
	assert_int_equal(s->ival_ns, IVAL_NS);
	assert_int_equal(s->ivals.base, 10);
	assert_int_equal(s->ivals.n, 3);
	assert_int_equal(s->ivals.e[0].packets, 1);
	assert_int_equal(s->ivals.e[0].bytes, 1000);
	assert_int_equal(s->ivals.e[1].packets, 0);
	assert_int_equal(s->ivals.e[2].packets, 2);
	assert_int_equal(s->ivals.e[2].bytes, 5000);
	pl_snapshot_put(s);

	/* a second tick with nothing new changes no total */
	owner_start(&o, &r);
	assert_int_equal(pl_collector_tick(&r.col, 2000000), 0);
	owner_stop(&o);
	s = pl_snapshot_build(&r.col, NULL, 0, 0);
	assert_non_null(s);
	assert_int_equal(s->seq, 2);
	assert_int_equal(s->total.v[PL_CTR_rx_packets], 100);
	assert_int_equal(s->balance.in_flight, 2);
	assert_int_equal(port_of(s, PL_DIR_IN, 443).packets, 30);
	pl_snapshot_put(s);
	rig_fini(&r);
}

static void
test_snapshot_derives_bins_and_top_ports_from_ports(void **state)
{
	struct owner o;
	struct rig r;
	struct pl_snapshot *s;

	rig_init(&r);
	rig_count(&r);
	owner_start(&o, &r);
	assert_int_equal(pl_collector_tick(&r.col, 2000000), 0);
	owner_stop(&o);
	s = pl_snapshot_build(&r.col, NULL, 0, 0);
	assert_non_null(s);
	assert_ptr_equal(s->bin_def, bins);

	assert_int_equal(port_of(s, PL_DIR_IN, 443).packets, 30);
	assert_int_equal(port_of(s, PL_DIR_IN, 443).bytes, 45000);
	assert_int_equal(port_of(s, PL_DIR_IN, 8080).bytes, 60000);
	assert_int_equal(port_of(s, PL_DIR_OUT, 53).packets, 10);
	assert_int_equal(port_of(s, PL_DIR_OUT, 443).packets, 0);

	/* well-known ports have their own bins; 8080 and 8100 share 8024-8123 */
	assert_int_equal(bin_of(s, PL_DIR_IN, 443).packets, 30);
	assert_int_equal(bin_of(s, PL_DIR_IN, 80).packets, 20);
	assert_int_equal(bin_of(s, PL_DIR_IN, 8080).packets, 35);
	assert_int_equal(bin_of(s, PL_DIR_IN, 8080).bytes, 60050);
	assert_int_equal(bin_of(s, PL_DIR_IN, 8024).packets, 35);
	assert_int_equal(bin_of(s, PL_DIR_OUT, 53).bytes, 800);
	assert_int_equal(bin_of(s, PL_DIR_OUT, 8080).packets, 0);
	assert_int_equal(bin_of(s, PL_DIR_INTERNAL, 443).packets, 0);

	/* 443 and 8080 tie at 30 packets: the lower port wins; by bytes 8080 leads */
	assert_int_equal(s->top_packets[PL_DIR_IN].port, 443);
	assert_int_equal(s->top_packets[PL_DIR_IN].value, 30);
	assert_int_equal(s->top_bytes[PL_DIR_IN].port, 8080);
	assert_int_equal(s->top_bytes[PL_DIR_IN].value, 60000);
	assert_int_equal(s->top_packets[PL_DIR_OUT].port, 53);
	assert_int_equal(s->top_bytes[PL_DIR_OUT].value, 800);
	/* no traffic: no top port */
	assert_int_equal(s->top_packets[PL_DIR_INTERNAL].port, -1);
	assert_int_equal(s->top_packets[PL_DIR_INTERNAL].value, 0);
	assert_int_equal(s->top_bytes[PL_DIR_EXTERNAL].port, -1);
	pl_snapshot_put(s);
	rig_fini(&r);
}

static void
test_unanswered_flips_mark_blocks_stale(void **state)
{
	struct rig r;
	struct pl_snapshot *s;
	unsigned int i;

	rig_init(&r);
	rig_count(&r);
	/* no owner runs: nobody answers */
	assert_int_equal(pl_collector_tick(&r.col, 200), 3);
	s = pl_snapshot_build(&r.col, NULL, 0, 0);
	assert_non_null(s);
	for (i = 0; i < 3; i++)
		assert_int_equal(s->lcore[i].stale, 1);
	assert_int_equal(s->total.v[PL_CTR_rx_packets], 0);
	assert_int_equal(s->total.v[PL_CTR_packets], 0);
	assert_int_equal(s->balance.in_flight, 0);
	pl_snapshot_put(s);
	rig_fini(&r);
}

static void
test_final_collection_drains_both_banks(void **state)
{
	struct pl_ctr_bank *b;
	struct rig r;
	struct pl_snapshot *s;
	unsigned int i;

	rig_init(&r);
	rig_count(&r); /* into bank 0 */
	assert_int_equal(pl_collector_tick(&r.col, 100), 3); /* asked, never drained */
	/* the owners answer with their next burst and count into bank 1, then stop */
	b = pl_ctr_begin(r.w0);
	assert_ptr_equal(b, r.w0->bank[1]);
	b->v[PL_CTR_packets] += 7;
	b->v[PL_CTR_processed] += 7;
	count_ports(b, PL_DIR_IN, 443, 7, 1500);
	pl_ctr_end(r.w0);
	b = pl_ctr_begin(r.rx);
	assert_ptr_equal(b, r.rx->bank[1]);
	b->v[PL_CTR_rx_packets] += 7;
	pl_ctr_ival(b, 13, 400);
	pl_ctr_end(r.rx);

	pl_collector_final(&r.col);
	s = pl_snapshot_build(&r.col, NULL, 0, 1);
	assert_non_null(s);
	assert_int_equal(s->final, 1);
	for (i = 0; i < 3; i++)
		assert_int_equal(s->lcore[i].stale, 0);
	assert_int_equal(s->total.v[PL_CTR_rx_packets], 107);
	assert_int_equal(s->total.v[PL_CTR_packets], 102);
	assert_int_equal(s->balance.processed, 101);
	assert_int_equal(s->balance.in_flight, 107 - 101 - 4);
	assert_int_equal(port_of(s, PL_DIR_IN, 443).packets, 37);
	assert_int_equal(s->top_packets[PL_DIR_IN].port, 443);
	assert_int_equal(s->ivals.base, 10);
	assert_int_equal(s->ivals.n, 4);
	assert_int_equal(s->ivals.e[3].bytes, 400);
	/* the last snapshot shows the collector's table itself, not a copy */
	assert_ptr_equal(s->ports, r.col.ports);
	assert_non_null(s->ports_own);
	pl_snapshot_put(s);

	/* both banks are empty now: a second final adds nothing */
	pl_collector_final(&r.col);
	s = pl_snapshot_build(&r.col, NULL, 0, 1);
	assert_non_null(s);
	assert_int_equal(s->total.v[PL_CTR_rx_packets], 107);
	pl_snapshot_put(s);

	/* a snapshot after it (the console over a finished capture) reuses a released one:
	 * it has its own table back, a copy with the same counts */
	s = pl_snapshot_build(&r.col, NULL, 0, 0);
	assert_non_null(s);
	assert_true(s->ports != r.col.ports);
	assert_null(s->ports_own);
	assert_int_equal(port_of(s, PL_DIR_IN, 443).packets, 37);
	pl_snapshot_put(s);

	/* after a clear, the last snapshot counts since it: a copy less the baseline */
	assert_int_equal(pl_collector_clear(&r.col), 0);
	pl_collector_final(&r.col);
	s = pl_snapshot_build(&r.col, NULL, 0, 1);
	assert_non_null(s);
	assert_true(s->ports != r.col.ports);
	assert_int_equal(port_of(s, PL_DIR_IN, 443).packets, 0);
	assert_int_equal(r.col.ports[((size_t)PL_DIR_IN << 16) | 443].packets, 37);
	pl_snapshot_put(s);
	rig_fini(&r);
}

/* The flow records the collector hands to its sink, in order (each record's first_ns). */
static uint64_t sunk[16];
static unsigned int nsunk;

static void
sink(void *ctx, const struct pl_flow_rec *r, uint32_t n)
{
	uint32_t i;

	(void)ctx;
	for (i = 0; i < n && nsunk < 16; i++)
		sunk[nsunk++] = r[i].f.first_ns;
}

/* A worker's burst that ends one flow (record @p id), into whichever bank it is on. */
static void
export_one(struct pl_lcore_ctr *c, uint64_t id)
{
	struct pl_ctr_bank *b = pl_ctr_begin(c);
	struct pl_flow_rec *r = &b->flowrec->rec[b->flowrec->n++];

	memset(r, 0, sizeof(*r));
	r->f.first_ns = id;
	pl_ctr_end(c);
}

/* A collector with a flow sink whose blocks have flipped once (workers on bank 1). */
static void
rig_flows(struct rig *r)
{
	struct owner o;

	rig_init(r);
	r->col.flow_sink = sink;
	nsunk = 0;
	owner_start(&o, r);
	assert_int_equal(pl_collector_tick(&r->col, 10000000), 0);
	owner_stop(&o);
}

static void
test_flow_records_keep_their_order_past_a_late_flip(void **state)
{
	struct owner o;
	struct rig r;

	(void)state;
	rig_flows(&r);
	export_one(r.w0, 1);
	assert_int_equal(pl_collector_tick(&r.col, 100), 3); /* nobody answers in time */
	/* worker 0 answers late, and its next burst ends another flow in the other bank */
	export_one(r.w0, 2);
	owner_start(&o, &r);
	assert_int_equal(pl_collector_tick(&r.col, 10000000), 0);
	assert_int_equal(pl_collector_tick(&r.col, 10000000), 0);
	owner_stop(&o);
	/* the bank left late is drained before the blocks are asked again: 1 before 2 (an
	 * active-timeout record after its flow's end would count the flow twice) */
	assert_int_equal(nsunk, 2);
	assert_int_equal(sunk[0], 1);
	assert_int_equal(sunk[1], 2);
	rig_fini(&r);
}

static void
test_final_collection_drains_the_older_bank_first(void **state)
{
	struct rig r;

	(void)state;
	rig_flows(&r);
	export_one(r.w0, 1);                                  /* into bank 1 */
	assert_int_equal(pl_collector_tick(&r.col, 100), 3); /* asked, never drained */
	export_one(r.w0, 2);                                  /* the flip: into bank 0 */
	pl_collector_final(&r.col);
	assert_int_equal(nsunk, 2);
	assert_int_equal(sunk[0], 1);
	assert_int_equal(sunk[1], 2);
	rig_fini(&r);
}

static void
test_snapshot_copies_hw_stats_and_owns_its_data(void **state)
{
	struct pl_port_hw hw[PL_MAX_PORTS + 8];
	struct pl_snapshot *s;
	struct rig r;
	unsigned int i;

	memset(hw, 0, sizeof(hw));
	for (i = 0; i < RTE_DIM(hw); i++) {
		hw[i].port = (uint16_t)i;
		hw[i].ipackets = 1000 + i;
		snprintf(hw[i].name, sizeof(hw[i].name), "net_test%u", i);
	}
	rig_init(&r);
	rig_count(&r);
	pl_collector_final(&r.col);
	s = pl_snapshot_build(&r.col, hw, RTE_DIM(hw), 0);
	assert_non_null(s);
	assert_int_equal(s->nb_hw, PL_MAX_PORTS);
	assert_int_equal(s->hw[PL_MAX_PORTS - 1].ipackets, 1000 + PL_MAX_PORTS - 1);
	assert_string_equal(s->hw[3].name, "net_test3");

	/* later counting does not reach a snapshot already built */
	r.col.ports[(PL_DIR_IN << 16) | 443].packets += 1000;
	r.col.ivals.e[0].packets += 1000;
	assert_int_equal(port_of(s, PL_DIR_IN, 443).packets, 30);
	assert_int_equal(s->ivals.e[0].packets, 1);
	pl_snapshot_put(s);

	s = pl_snapshot_build(&r.col, NULL, 5, 0); /* a count without an array */
	assert_non_null(s);
	assert_int_equal(s->hw[0].ipackets, 0);
	pl_snapshot_put(s);
	pl_snapshot_put(NULL);
	rig_fini(&r);
}

static void
test_collector_refuses_more_than_max_lcores(void **state)
{
	struct pl_collector *col = calloc(1, sizeof(*col));
	struct pl_lcore_ctr *c = pl_ctr_create(0, PL_ROLE_WORKER, 0, 0, 0, SOCKET_ID_ANY);
	unsigned int i;

	assert_non_null(col);
	assert_non_null(c);
	assert_int_equal(pl_collector_init(col, bins, IVAL_NS), 0);
	for (i = 0; i < PL_MAX_LCORES; i++)
		assert_int_equal(pl_collector_add(col, c), 0);
	assert_int_equal(pl_collector_add(col, c), -ENOSPC);
	assert_int_equal(col->n, PL_MAX_LCORES);
	pl_collector_fini(col);
	assert_null(col->ports);
	pl_ctr_free(c);
	free(col);
}

/* A snapshot whose running totals say @p rx packets were received. */
static struct pl_snapshot *
snap_with(struct pl_collector *col, uint64_t rx)
{
	struct pl_snapshot *s = pl_snapshot_build(col, NULL, 0, 0);

	assert_non_null(s);
	s->total.v[PL_CTR_rx_packets] = rx;
	s->total.v[PL_CTR_rx_bytes] = rx * 100;
	s->total.dir_packets[PL_DIR_OUT] = rx / 2;
	s->total.time_last = rx * 1000;
	s->total.drop[PL_DROP_tx_full] = 1;
	pl_snapshot_derive(s);
	return s;
}

static void
test_publisher_get_put_counts_references(void **state)
{
	struct pl_collector col;
	struct pl_publisher p;
	struct pl_snapshot *s1, *s2, *g;

	assert_int_equal(pl_collector_init(&col, bins, IVAL_NS), 0);
	assert_int_equal(pl_publisher_init(&p, 4), 0);
	assert_null(pl_snapshot_get(&p));

	s1 = snap_with(&col, 10);
	pl_publish(&p, s1);          /* the publisher holds the one reference */
	assert_int_equal(s1->refcnt, 1);
	g = pl_snapshot_get(&p);
	assert_ptr_equal(g, s1);
	assert_int_equal(s1->refcnt, 2);
	g = pl_snapshot_get(&p);
	assert_int_equal(s1->refcnt, 3);
	pl_snapshot_put(g);
	assert_int_equal(s1->refcnt, 2);

	s2 = snap_with(&col, 20);
	pl_publish(&p, s2);          /* drops the publisher's reference to s1 */
	assert_int_equal(s1->refcnt, 1); /* still ours */
	assert_int_equal(s1->total.v[PL_CTR_rx_packets], 10);
	g = pl_snapshot_get(&p);
	assert_ptr_equal(g, s2);
	assert_int_equal(s2->refcnt, 2);
	pl_snapshot_put(g);
	pl_snapshot_put(s1);         /* the last reference: freed */

	pl_publisher_fini(&p);       /* releases s2 */
	assert_null(p.cur);
	pl_collector_fini(&col);
}

static void
test_history_is_oldest_first_and_wraps(void **state)
{
	struct pl_collector col;
	struct pl_publisher p;
	struct pl_hist_point h[8];
	uint32_t n, i;

	assert_int_equal(pl_collector_init(&col, bins, IVAL_NS), 0);
	assert_int_equal(pl_publisher_init(&p, 4), 0);
	assert_int_equal(pl_history_copy(&p, h, 8), 0);

	for (i = 1; i <= 3; i++)
		pl_publish(&p, snap_with(&col, i * 10));
	n = pl_history_copy(&p, h, 8);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(h[i].seq, i + 1);
		assert_int_equal(h[i].packets, (i + 1) * 10);
		assert_int_equal(h[i].bytes, (i + 1) * 1000);
		assert_int_equal(h[i].pkt_ns, (i + 1) * 10000);
		assert_int_equal(h[i].dir_packets[PL_DIR_OUT], (i + 1) * 5);
		assert_int_equal(h[i].dropped, 1);
		assert_true(h[i].wall_ns > 0);
	}

	for (i = 4; i <= 7; i++)
		pl_publish(&p, snap_with(&col, i * 10));
	n = pl_history_copy(&p, h, 8);
	assert_int_equal(n, 4); /* the ring holds the newest 4: 4, 5, 6, 7 */
	for (i = 0; i < 4; i++) {
		assert_int_equal(h[i].seq, i + 4);
		assert_int_equal(h[i].packets, (i + 4) * 10);
	}
	assert_true(h[0].wall_ns <= h[3].wall_ns);

	/* room for fewer: the newest ones, still oldest first */
	n = pl_history_copy(&p, h, 2);
	assert_int_equal(n, 2);
	assert_int_equal(h[0].seq, 6);
	assert_int_equal(h[1].seq, 7);
	pl_publisher_fini(&p);

	/* a history of 0 points keeps 1 */
	assert_int_equal(pl_publisher_init(&p, 0), 0);
	pl_publish(&p, snap_with(&col, 1));
	pl_publish(&p, snap_with(&col, 2));
	n = pl_history_copy(&p, h, 8);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].packets, 2);
	pl_publisher_fini(&p);
	pl_collector_fini(&col);
}

static void
test_balance_in_flight_is_signed(void **state)
{
	struct pl_collector col;
	struct pl_snapshot *s;

	assert_int_equal(pl_collector_init(&col, bins, IVAL_NS), 0);
	s = pl_snapshot_build(&col, NULL, 0, 0);
	assert_non_null(s);
	s->total.v[PL_CTR_rx_packets] = 10;
	s->total.v[PL_CTR_processed] = 9;
	s->total.drop[PL_DROP_malformed] = 3;
	pl_snapshot_derive(s);
	assert_int_equal(s->balance.dropped_total, 3);
	assert_true(s->balance.in_flight == -2);
	pl_snapshot_put(s);
	pl_collector_fini(&col);
}

/*
 * `clear stats`: snapshots after a clear count from zero (scalars, ports, intervals), keep
 * the gauges, and the balance closes with the frames in flight at the clear counted as
 * received after it; the history restarts with the clear.
 */
static void
test_clear_subtracts_a_baseline_and_the_balance_still_closes(void **state)
{
	struct pl_publisher pub;
	struct pl_ctr_bank *b;
	struct pl_snapshot *s;
	struct rig r;

	rig_init(&r);
	rig_count(&r);
	b = pl_ctr_begin(r.w0);
	b->tcp[PL_TCP_active] += 5;     /* a gauge */
	b->tcp[PL_TCP_established] += 5;
	pl_ctr_end(r.w0);
	pl_collector_final(&r.col);
	assert_int_equal(pl_collector_clear(&r.col), 0);
	s = pl_snapshot_build(&r.col, NULL, 0, 0);
	assert_non_null(s);
	assert_int_equal(s->clears, 1);
	assert_int_equal(s->total.v[PL_CTR_packets], 0);
	assert_int_equal(s->total.tcp[PL_TCP_established], 0);
	assert_int_equal(s->total.tcp[PL_TCP_active], 5);
	assert_int_equal(port_of(s, PL_DIR_IN, 443).packets, 0);
	/* the 2 frames in flight at the clear are the only ones received since */
	assert_int_equal(s->balance.received, 2);
	assert_int_equal(s->balance.in_flight, 2);
	pl_snapshot_put(s);

	/* the same traffic again: exactly one round's worth, and the balance closes */
	rig_count(&r);
	pl_collector_final(&r.col);
	s = pl_snapshot_build(&r.col, NULL, 0, 0);
	assert_non_null(s);
	assert_int_equal(s->total.v[PL_CTR_packets], 95);
	assert_int_equal(s->total.v[PL_CTR_tcp], 50);
	assert_int_equal(s->total.tcp[PL_TCP_active], 5);
	assert_int_equal(port_of(s, PL_DIR_IN, 443).packets, 30);
	assert_int_equal(port_of(s, PL_DIR_IN, 8080).bytes, 60000);
	assert_int_equal(s->ivals.e[12 - s->ivals.base].bytes, 5000);
	assert_int_equal(s->balance.received, 102);
	assert_int_equal(s->balance.processed, 94);
	assert_int_equal(s->balance.dropped_total, 4);
	assert_true(s->balance.in_flight == 4);
	assert_int_equal(s->balance.received,
			 s->balance.processed + s->balance.dropped_total + s->balance.in_flight);

	/* rates across a clear would be nonsense: the history restarts */
	assert_int_equal(pl_publisher_init(&pub, 8), 0);
	{
		struct pl_snapshot *before = pl_snapshot_build(&r.col, NULL, 0, 0);

		assert_non_null(before);
		before->clears = 0;
		pl_publish(&pub, before);
	}
	pl_publish(&pub, s);
	assert_int_equal(pub.hist_n, 1);
	pl_publisher_fini(&pub);
	rig_fini(&r);
}

/* A clear asked for from another thread is honoured by the next tick, after it drained. */
static void
test_clear_request_is_honoured_at_the_next_tick(void **state)
{
	struct pl_snapshot *s;
	struct rig r;

	rig_init(&r);
	pl_collector_clear_request(&r.col);
	assert_int_equal(r.col.clears, 0);
	pl_collector_tick(&r.col, 100); /* the blocks do not answer: stale, still honoured */
	assert_int_equal(r.col.clears, 1);
	s = pl_snapshot_build(&r.col, NULL, 0, 0);
	assert_non_null(s);
	assert_int_equal(s->clears, 1);
	pl_snapshot_put(s);
	pl_collector_tick(&r.col, 100);
	assert_int_equal(r.col.clears, 1); /* once per request */
	rig_fini(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tick_flips_workers_before_rx_and_drains_exact_totals),
		cmocka_unit_test(test_snapshot_derives_bins_and_top_ports_from_ports),
		cmocka_unit_test(test_unanswered_flips_mark_blocks_stale),
		cmocka_unit_test(test_final_collection_drains_both_banks),
		cmocka_unit_test(test_flow_records_keep_their_order_past_a_late_flip),
		cmocka_unit_test(test_final_collection_drains_the_older_bank_first),
		cmocka_unit_test(test_snapshot_copies_hw_stats_and_owns_its_data),
		cmocka_unit_test(test_collector_refuses_more_than_max_lcores),
		cmocka_unit_test(test_publisher_get_put_counts_references),
		cmocka_unit_test(test_history_is_oldest_first_and_wraps),
		cmocka_unit_test(test_balance_in_flight_is_signed),
		cmocka_unit_test(test_clear_subtracts_a_baseline_and_the_balance_still_closes),
		cmocka_unit_test(test_clear_request_is_honoured_at_the_next_tick),
	};

	return cmocka_run_group_tests_name("snapshot", tests, group_setup, group_teardown);
}
