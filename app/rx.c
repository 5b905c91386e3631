/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RX loop. Per burst: receive, stamp packet time, choose each packet's worker
 * (lib/dist: the NIC's symmetric hash, else a fast read of the tuple and a CRC hash, the
 * full parser only for what the fast read does not cover), look the direction up where the
 * addresses were read anyway and count the inter-arrival times per direction (they need
 * arrival order, which only the RX lcore sees), and enqueue on this lcore's SP/SC ring to
 * each worker. Everything else (the full parse, the counters, sizes, intervals, malformed
 * and non-IP frames) is the workers', except that offline, while the workers are the
 * slower, this lcore also completes and counts the frames its fast read took (rx_assist()).
 * A full ring drops and counts (live) or waits (offline: a file can always wait, so the
 * analysis stays exact). Offline, where this lcore wrote the frames itself, the lines a
 * worker reads first are demoted to the L3 before the enqueue on CPUs with CLDEMOTE
 * (rx_demote()).
 */
#include <sched.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include "pl_app.h"
#include "pl_count.h"
#include "pl_dist.h"
#include "pl_parse.h"

/* What every frame counts as it arrives, into this lcore's bank: its size, its time, its
 * interval (the frames a full ring dropped, and those this lcore assists with). */
static inline void
rx_arrival(struct pl_rx_ctx *rx, struct pl_ctr_bank *b, uint32_t len, uint64_t t,
	   uint64_t ival_ns)
{
	pl_ctr_size(b, len);
	pl_ctr_time(b, t);
	pl_ctr_ival(b, pl_ctr_ival_number(&rx->ival, t, ival_ns), len);
}

/*
 * Frames dropped on a full ring never reach a worker, which counts every frame's size,
 * interval and time: the RX lcore counts these here, so that the sizes and intervals still
 * cover every frame received.
 */
static void
rx_arrival_dropped(struct pl_rx_ctx *rx, struct pl_ctr_bank *b, struct rte_mbuf **pkts,
		   uint16_t n, uint64_t ival_ns)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		rx_arrival(rx, b, pl_frame_len(pkts[i]), *pl_meta_time(pkts[i]), ival_ns);
}

/*
 * Assist (offline, the workers the slower): what the worker would do first for a frame the
 * fast read took, done here from the header lines this lcore has just written: complete it
 * (the pl_meta the parser would give) and add what every frame counts as it arrives (size,
 * time, interval, protocols, direction, ports, source) to this lcore's bank. The frame is
 * marked (pl_counted_flag) and the worker goes straight to its flow.
 */
static inline void
rx_assist(struct pl_rx_ctx *rx, struct pl_ctr_bank *b, struct rte_mbuf *m,
	  struct pl_meta *meta, const struct pl_config *cfg, uint64_t t)
{
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = pl_frame_len(m);

	if (meta->kind == PL_KIND_UNPARSED)
		pl_dist_complete(frame, meta);
	rx_arrival(rx, b, len, t, pl_app.opt.ival_ns);
	pl_ctr_encap(b, meta->encap, len);
	pl_count_ip(b, meta, len);
	pl_ctr_source(b, cfg, frame + meta->l3_off, meta->flags & PL_F_IPV6, len);
	m->ol_flags |= pl_counted_flag;
}

/*
 * Inter-arrival times per direction, in arrival order, for the frames whose addresses the
 * RX lcore read anyway (every IP frame the software hash covered: not with a NIC hash,
 * not non-IP or malformed). A loop of its own, after the worker choice: the direction
 * lookup is a call, and around it this loop has few values to keep.
 *
 * With @p assist (offline, when a ring was more than half full at the last burst: the
 * workers are the slower and this lcore has time to spare; or always, --rx-assist on),
 * those frames are completed and counted here as well (rx_assist()), the backends'
 * networks from @p assist (docs/architecture.md, "The RX lcore assists").
 */
static inline void
rx_directions(struct pl_rx_ctx *rx, struct pl_ctr_bank *b, struct rte_mbuf **pkts,
	      uint16_t n, const struct pl_direction *dir, const struct pl_config *assist)
{
	const int moff = pl_meta_offset, toff = pl_time_offset;
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct pl_meta *meta = RTE_MBUF_DYNFIELD(m, moff, struct pl_meta *);
		uint64_t t;
		uint8_t d;

		if (!(meta->flags & PL_F_TUPLE_HASH))
			continue;
		d = (uint8_t)pl_direction_of(dir, rte_pktmbuf_mtod(m, const uint8_t *), meta);
		meta->dir = d;
		t = *RTE_MBUF_DYNFIELD(m, toff, uint64_t *);
		if (assist)
			rx_assist(rx, b, m, meta, assist, t);
		pl_ctr_iat_since(b, rx->last_time, d, t);
	}
}

/* CLDEMOTE: move a cache line this core holds to the shared L3 (a hint; a NOP on CPUs
 * without it, whose encoding is a reserved NOP). DPDK 22.11's rte_cldemote() is still
 * experimental. */
static inline void
rx_cldemote(const void *p)
{
#if defined(RTE_ARCH_X86)
	asm volatile(".byte 0x0f, 0x1c, 0x06" :: "S" (p));
#else
	RTE_SET_USED(p);
#endif
}

/*
 * Frames this lcore wrote whole (the offline reader copied them into the mbufs) are
 * modified lines in this core's cache, so the worker's first read of each would snoop this
 * core. The lines every worker reads (the mbuf's two, and the frame's first two: the
 * headers and the first payload bytes) are demoted to the L3 before the enqueue. The rest
 * of a payload is left: most of it (encrypted payloads past their first record) is never
 * read by a worker, and the reader writes those lines again when the mbuf comes back.
 * Measured offline (docs/benchmarking.md, "The reader over a mapping"): 5M FinMark run
 * phase 559-608 -> 558-589 ms, reader 193-219 -> 171-182 and worker 283-302 -> 281-294
 * cycles a packet; every payload line demoted instead: the worker 263-288, but the reader
 * did not gain and the run was no faster.
 */
static inline void
rx_demote(struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

		rx_cldemote(m);
		rx_cldemote(RTE_PTR_ADD(m, RTE_CACHE_LINE_SIZE));
		rx_cldemote(d);
		if (rte_pktmbuf_data_len(m) > RTE_CACHE_LINE_SIZE)
			rx_cldemote(d + RTE_CACHE_LINE_SIZE);
	}
}

/* Enqueue @p k frames on a worker's ring; what a full ring refuses is dropped and counted
 * (live), or waited for (offline). */
static inline void
rx_enqueue(struct pl_rx_ctx *rx, struct pl_ctr_bank *b, unsigned int w, struct rte_mbuf **pkts,
	   uint16_t k)
{
	struct pl_app *app = &pl_app;
	unsigned int room;
	uint16_t sent = (uint16_t)rte_ring_sp_enqueue_burst(rx->ring[w], (void **)pkts, k, &room);

	/* a ring more than half full: its worker is the slower (offline: the RX lcore then
	 * assists, rx_assist()) */
	if (room < rte_ring_get_capacity(rx->ring[w]) / 2)
		rx->behind = 1;
	/* offline: wait for the worker rather than lose a packet of the file */
	while (sent < k && app->offline && !app->force_quit) {
		rte_pause();
		sent += (uint16_t)rte_ring_sp_enqueue_burst(rx->ring[w], (void **)pkts + sent,
							     k - sent, NULL);
	}
	b->v[PL_CTR_enqueued] += sent;
	if (unlikely(sent < k)) {
		b->ring_drops[w] += k - sent;
		b->drop[PL_DROP_ring_full] += k - sent;
		rx_arrival_dropped(rx, b, pkts + sent, k - sent, app->opt.ival_ns);
		rte_pktmbuf_free_bulk(pkts + sent, k - sent);
	}
}

void
pl_rx_burst(struct pl_rx_ctx *rx, const struct pl_port *pp, struct rte_mbuf **pkts,
	    uint16_t n, struct pl_ctr_bank *b)
{
	struct pl_app *app = &pl_app;
	const unsigned int nb_workers = app->nb_workers;
	const int toff = pl_time_offset;
	uint16_t worker[PL_BURST];
	uint16_t i, read;
	uint64_t bytes = 0;
	/* the table in force for this burst (reconfig.c switches it by pointer) */
	const struct pl_direction *dir = __atomic_load_n(&app->dir, __ATOMIC_ACQUIRE);
	const uint64_t now = pl_now_ns(app);

	/* offline: a worker was behind at the last burst, this lcore has time to spare
	 * (or --rx-assist on); not while the analysis is stopped, which counts arrivals only */
	const struct pl_config *assist = NULL;

	if (app->offline && pl_counted_flag &&
	    (app->opt.rx_assist > 0 || (app->opt.rx_assist < 0 && rx->behind)) &&
	    !__atomic_load_n(&app->paused, __ATOMIC_RELAXED))
		assist = &__atomic_load_n(&app->rt, __ATOMIC_ACQUIRE)->cfg;
	rx->behind = 0;
	read = pl_dist_pick(pkts, n, nb_workers, pp->use_nic_hash, worker);
	/* packet time: the capture time when the port gives it, else the time of this burst */
	if (pp->hw_time) {
		const uint64_t flag = pl_time_flag, scale = pp->ts_scale;
		uint64_t last = rx->last_ns;

		for (i = 0; i < n; i++) {
			uint64_t *t = RTE_MBUF_DYNFIELD(pkts[i], toff, uint64_t *);
			uint64_t ts = (pkts[i]->ol_flags & flag) ? *t * scale : now;

			last = RTE_MAX(last, ts);
			*t = ts;
			bytes += pl_frame_len(pkts[i]);
		}
		rx->last_ns = last;
	} else {
		for (i = 0; i < n; i++) {
			*RTE_MBUF_DYNFIELD(pkts[i], toff, uint64_t *) = now;
			bytes += pl_frame_len(pkts[i]);
		}
		rx->last_ns = RTE_MAX(rx->last_ns, now);
	}
	/* with the NIC's hash no frame's addresses were read, as a rule: nothing to do */
	if (read)
		rx_directions(rx, b, pkts, n, dir, assist);
	b->v[PL_CTR_rx_packets] += n;
	b->v[PL_CTR_rx_bytes] += bytes;
	if (pp->demote)
		rx_demote(pkts, n);
	if (nb_workers == 1) {
		/* one ring: the burst as it came, no sorting */
		rx_enqueue(rx, b, 0, pkts, n);
	} else {
		struct rte_mbuf *out[PL_MAX_WORKERS][PL_BURST];
		uint16_t nout[PL_MAX_WORKERS] = { 0 };
		unsigned int w;

		for (i = 0; i < n; i++) {
			w = worker[i];
			out[w][nout[w]++] = pkts[i];
		}
		for (w = 0; w < nb_workers; w++)
			if (nout[w])
				rx_enqueue(rx, b, w, out[w], nout[w]);
	}
}

int
pl_rx_loop(void *arg)
{
	struct pl_rx_ctx *rx = arg;
	struct pl_app *app = &pl_app;
	struct rte_mbuf *pkts[PL_BURST];
	unsigned int q, idle = 0;
	int yield = app->opt.idle_yield > 0;

	rte_rcu_qsbr_thread_online(app->rcu, rx->lcore);
	while (!app->rx_stop) {
		uint64_t t0 = rte_rdtsc();
		struct pl_ctr_bank *b = pl_ctr_begin(rx->ctr);
		unsigned int got = 0;

		for (q = 0; q < rx->nb_q; q++) {
			struct pl_port *pp = &app->port[rx->q[q].port];
			uint16_t n;

			if (__atomic_load_n(&pp->stopped, __ATOMIC_RELAXED))
				continue; /* `port stop` */
			n = rte_eth_rx_burst(rx->q[q].port, rx->q[q].queue, pkts, PL_LIVE_BURST);
			if (n == 0)
				continue;
			got += n;
			pl_rx_burst(rx, pp, pkts, n, b);
		}
		pl_ctr_poll(b, t0, got);
		pl_ctr_end(rx->ctr);
		/* outside any burst: this lcore holds no configuration pointer */
		rte_rcu_qsbr_quiescent(app->rcu, rx->lcore);
		if (got)
			idle = 0;
		else if (++idle > 1024 && yield) {
			sched_yield();
			idle = 0;
		}
	}
	rte_rcu_qsbr_thread_offline(app->rcu, rx->lcore);
	__atomic_store_n(&rx->done, 1, __ATOMIC_RELEASE);
	return 0;
}
