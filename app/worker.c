/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop. A worker dequeues bursts from its ring of every RX lcore and analyses
 * each IP packet from the metadata the RX lcore left in the mbuf: protocol distribution,
 * direction, fragments, exact per-destination-port counters per direction. Then it
 * disposes of the burst: free (monitor) or transmit to the peer port (inline). It exits
 * once every RX lcore is done and its rings are empty, so nothing is left in flight.
 */
#include <sched.h>

#include <netinet/in.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "pl_app.h"
#include "pl_parse.h"

/* Count one IP packet. */
static inline void
worker_count(struct pl_ctr_bank *b, const struct pl_meta *meta, uint32_t len)
{
	b->v[PL_CTR_packets]++;
	b->v[PL_CTR_bytes] += len;
	b->v[(meta->flags & PL_F_IPV6) ? PL_CTR_ipv6 : PL_CTR_ipv4]++;
	b->dir_packets[meta->dir]++;
	b->dir_bytes[meta->dir] += len;
	if (meta->flags & PL_F_FRAGMENT) {
		b->v[PL_CTR_fragments]++;
		return;
	}
	switch (meta->l4_proto) {
	case IPPROTO_TCP:
		b->v[PL_CTR_tcp]++;
		break;
	case IPPROTO_UDP:
		b->v[PL_CTR_udp]++;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		b->v[PL_CTR_icmp]++;
		return;
	default:
		b->v[PL_CTR_l4_other]++;
		return;
	}
	pl_ctr_port(b, meta->dir, meta->dport, len);
}

/* Analyse and dispose of one burst. */
static void
worker_burst(struct pl_worker_ctx *wk, struct rte_mbuf **pkts, uint16_t n,
	     struct pl_ctr_bank *b)
{
	struct pl_app *app = &pl_app;
	uint16_t i;

	for (i = 0; i < n; i++) {
		const struct pl_meta *meta = pl_meta(pkts[i]);

		if (i + 2 < n)
			rte_prefetch0(pl_meta(pkts[i + 2]));
		/* non-IP and malformed frames come here only to be transmitted (inline):
		 * the RX lcore counted them */
		if (likely(meta->kind == PL_KIND_IP))
			worker_count(b, meta, rte_pktmbuf_pkt_len(pkts[i]));
	}
	if (!app->opt.inline_mode) {
		b->v[PL_CTR_processed] += n;
		b->v[PL_CTR_freed] += n;
		rte_pktmbuf_free_bulk(pkts, n);
		return;
	}
	for (i = 0; i < n; i++) {
		int peer = app->opt.peer[pkts[i]->port];

		if (peer < 0) {
			b->drop[PL_DROP_no_tx_port]++;
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		pl_tx_one(&wk->tx[peer], pkts[i], (uint16_t)peer, wk->txq, b);
	}
}

int
pl_worker_loop(void *arg)
{
	struct pl_worker_ctx *wk = arg;
	struct pl_app *app = &pl_app;
	struct rte_mbuf *pkts[PL_BURST];
	unsigned int r, idle = 0;
	int yield = app->opt.idle_yield > 0;

	for (;;) {
		uint64_t t0 = rte_rdtsc();
		struct pl_ctr_bank *b = pl_ctr_begin(wk->ctr);
		unsigned int got = 0, rx_done = 1;

		for (r = 0; r < wk->nb_rings; r++) {
			unsigned int n;

			/* read "done" before dequeuing: a done RX lcore enqueues nothing more,
			 * so an empty ring seen after it means empty for good */
			rx_done &= __atomic_load_n(&app->rx[r]->done, __ATOMIC_ACQUIRE);
			n = rte_ring_sc_dequeue_burst(wk->ring[r], (void **)pkts, PL_BURST, NULL);
			if (n == 0)
				continue;
			got += n;
			rx_done = 0;
			worker_burst(wk, pkts, (uint16_t)n, b);
		}
		if (app->opt.inline_mode) {
			unsigned int p;

			for (p = 0; p < app->nb_ports; p++)
				pl_tx_flush(&wk->tx[p], (uint16_t)p, wk->txq, b);
		}
		t0 = rte_rdtsc() - t0;
		b->v[PL_CTR_polls]++;
		b->v[PL_CTR_total_cycles] += t0;
		if (got) {
			b->v[PL_CTR_busy_polls]++;
			b->v[PL_CTR_busy_cycles] += t0;
			idle = 0;
		}
		pl_ctr_end(wk->ctr);
		if (!got && rx_done)
			break;
		if (!got && ++idle > 1024 && yield) {
			sched_yield();
			idle = 0;
		}
	}
	wk->done = 1;
	return 0;
}
