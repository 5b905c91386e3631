/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RX loop. Per burst: receive, stamp packet time, parse once, look up the direction,
 * count arrival statistics (sizes, intervals, inter-arrival times), dispose of what needs
 * no worker (malformed and non-IP frames), hash the rest onto workers and enqueue it on
 * this lcore's SP/SC ring to each worker. A full ring drops and counts (live) or waits
 * (offline: a file can always wait, so the analysis stays exact).
 */
#include <sched.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include "pl_app.h"
#include "pl_dist.h"
#include "pl_parse.h"

/*
 * A frame that needs no analysis by a worker (malformed, non-IP). Monitor mode frees it
 * here. Inline mode either drops it (the malformed verdict) or hands it to a worker for
 * transmission: only workers transmit, one TX queue each, so no TX queue is shared.
 * Returns 1 when the frame goes to a worker.
 */
static inline int
rx_dispose(struct rte_mbuf *m, int drop_reason, struct pl_ctr_bank *b,
	   struct rte_mbuf **freeb, uint16_t *nfree)
{
	if (!pl_app.opt.inline_mode) {
		b->v[PL_CTR_processed]++;
		b->v[PL_CTR_freed]++;
		freeb[(*nfree)++] = m;
		return 0;
	}
	if (drop_reason >= 0) {
		b->drop[drop_reason]++;
		freeb[(*nfree)++] = m;
		return 0;
	}
	return 1;
}

/* Arrival statistics of one frame; time in ns. */
static inline void
rx_arrival(struct pl_rx_ctx *rx, struct pl_ctr_bank *b, const struct pl_meta *meta,
	   uint64_t t, uint32_t len, uint64_t ival_ns)
{
	b->v[PL_CTR_rx_packets]++;
	b->v[PL_CTR_rx_bytes] += len;
	pl_ctr_size(b, len);
	pl_ctr_time(b, t);
	pl_ctr_ival(b, t / ival_ns, len);
	if (t > rx->last_ns)
		rx->last_ns = t;
	if (meta->kind == PL_KIND_IP) {
		uint64_t *last = &rx->last_time[meta->dir];

		if (*last) {
			if (t >= *last)
				pl_ctr_iat(b, meta->dir, t - *last);
			else
				b->v[PL_CTR_iat_backwards]++;
		}
		*last = t;
	}
}

/* Handle one received burst (from a port here, from a capture in offline.c). */
void
pl_rx_burst(struct pl_rx_ctx *rx, const struct pl_port *pp, struct rte_mbuf **pkts,
	    uint16_t n, struct pl_ctr_bank *b)
{
	struct pl_app *app = &pl_app;
	struct rte_mbuf *out[PL_MAX_WORKERS][PL_BURST];
	uint16_t nout[PL_MAX_WORKERS] = { 0 };
	uint16_t worker[PL_BURST];
	struct rte_mbuf *freeb[PL_BURST];
	uint16_t nfree = 0, i, w;
	/* the table in force for this burst (reconfig.c switches it by pointer) */
	const struct pl_direction *dir = __atomic_load_n(&app->dir, __ATOMIC_ACQUIRE);
	uint64_t now = pl_now_ns(app);

	pl_parse_burst(pkts, n);
	pl_direction_burst(dir, pkts, n);
	pl_dist_pick(pkts, n, app->nb_workers, pp->use_nic_hash, worker);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct pl_meta *meta = pl_meta(m);
		uint32_t len = rte_pktmbuf_pkt_len(m);
		uint64_t *t = pl_meta_time(m);

		/* capture time when the port gives it, else the time of this burst */
		if (pp->hw_time && (m->ol_flags & pl_time_flag))
			*t *= pp->ts_scale;
		else
			*t = now;
		rx_arrival(rx, b, meta, *t, len, app->opt.ival_ns);
		pl_ctr_encap(b, meta->encap, len);
		switch (meta->kind) {
		case PL_KIND_IP:
			out[worker[i]][nout[worker[i]]++] = m;
			break;
		case PL_KIND_MALFORMED:
			b->v[PL_CTR_packets]++;
			b->v[PL_CTR_bytes] += len;
			b->v[PL_CTR_malformed]++;
			b->malformed[meta->malformed]++;
			if (rx_dispose(m, app->opt.malformed_drop ? PL_DROP_malformed : -1, b,
				       freeb, &nfree))
				out[worker[i]][nout[worker[i]]++] = m;
			break;
		default:
			b->v[PL_CTR_packets]++;
			b->v[PL_CTR_bytes] += len;
			b->v[PL_CTR_non_ip]++;
			if (rx_dispose(m, -1, b, freeb, &nfree))
				out[worker[i]][nout[worker[i]]++] = m;
			break;
		}
	}
	if (nfree)
		rte_pktmbuf_free_bulk(freeb, nfree);
	for (w = 0; w < app->nb_workers; w++) {
		uint16_t k = nout[w], sent;

		if (k == 0)
			continue;
		sent = (uint16_t)rte_ring_sp_enqueue_burst(rx->ring[w], (void **)out[w], k, NULL);
		/* offline: wait for the worker rather than lose a packet of the file */
		while (sent < k && app->offline && !app->force_quit) {
			rte_pause();
			sent += (uint16_t)rte_ring_sp_enqueue_burst(rx->ring[w],
					(void **)out[w] + sent, k - sent, NULL);
		}
		b->v[PL_CTR_enqueued] += sent;
		if (unlikely(sent < k)) {
			b->ring_drops[w] += k - sent;
			b->drop[PL_DROP_ring_full] += k - sent;
			rte_pktmbuf_free_bulk(out[w] + sent, k - sent);
		}
	}
}

/*
 * Offline mode: can this lcore allocate a whole burst, jumbo chains included? net_pcap reads
 * a frame from the file before it allocates its mbuf, so a failed allocation loses the
 * frame: the check must count only what this lcore can get, the pool's common store and its
 * own cache, not the mbufs resting in the workers' caches (rte_mempool_avail_count() counts
 * those too).
 */
static inline int
pool_has_room(const struct pl_app *app)
{
	const struct rte_mempool *mp = app->pool;
	unsigned int me = rte_lcore_id(), lc, others = 0, avail;

	/* only workers free mbufs and only this lcore allocates: the others' caches can
	 * only grow while this is read, which makes the estimate lower, never higher */
	avail = rte_mempool_avail_count(mp);
	if (mp->cache_size)
		RTE_LCORE_FOREACH(lc)
			if (lc != me)
				others += mp->local_cache[lc].len;
	return avail - RTE_MIN(avail, others) >= PL_BURST * 8;
}

int
pl_rx_loop(void *arg)
{
	struct pl_rx_ctx *rx = arg;
	struct pl_app *app = &pl_app;
	struct rte_mbuf *pkts[PL_BURST];
	unsigned int q, idle = 0, eof_queues = 0;
	uint8_t eof[PL_MAX_RXQ_PER_LCORE] = { 0 };
	int yield = app->opt.idle_yield > 0;

	rte_rcu_qsbr_thread_online(app->rcu, rx->lcore);
	while (!app->rx_stop && eof_queues < rx->nb_q) {
		uint64_t t0 = rte_rdtsc();
		struct pl_ctr_bank *b = pl_ctr_begin(rx->ctr);
		unsigned int got = 0;

		for (q = 0; q < rx->nb_q; q++) {
			struct pl_port *pp = &app->port[rx->q[q].port];
			uint16_t n;

			if (eof[q] || __atomic_load_n(&pp->stopped, __ATOMIC_RELAXED))
				continue; /* the end of a capture, or `port stop` */
			if (app->offline && !pool_has_room(app))
				continue; /* workers still hold the mbufs: try again */
			n = rte_eth_rx_burst(rx->q[q].port, rx->q[q].queue, pkts, PL_BURST);
			if (n == 0) {
				/* a capture returns nothing only at its end (the pool had room) */
				if (app->offline) {
					eof[q] = 1;
					eof_queues++;
				}
				continue;
			}
			got += n;
			pl_rx_burst(rx, pp, pkts, n, b);
		}
		t0 = rte_rdtsc() - t0;
		b->v[PL_CTR_polls]++;
		b->v[PL_CTR_total_cycles] += t0;
		if (got) {
			b->v[PL_CTR_busy_polls]++;
			b->v[PL_CTR_busy_cycles] += t0;
			idle = 0;
		}
		pl_ctr_end(rx->ctr);
		/* outside any burst: this lcore holds no configuration pointer */
		rte_rcu_qsbr_quiescent(app->rcu, rx->lcore);
		if (!got && ++idle > 1024 && yield) {
			sched_yield();
			idle = 0;
		}
	}
	rte_rcu_qsbr_thread_offline(app->rcu, rx->lcore);
	rx->done = 1;
	return 0;
}
