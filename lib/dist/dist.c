/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Symmetric hashing. The canonical tuple orders the two endpoints, so the CRC over it is the
 * same in both directions; no symmetric Toeplitz key or XOR folding (which collides for
 * every pair with the same XOR) is needed in software.
 */
#include <string.h>

#include <rte_hash_crc.h>

#include "pl_dist.h"

#define PL_DIST_SEED 0x706c656eu /* "plen" */

void
pl_dist_tuple(const uint8_t *frame, const struct pl_meta *meta, struct pl_tuple *t)
{
	const uint8_t *ip = frame + meta->l3_off;
	const uint8_t *src, *dst;
	uint16_t sport = 0, dport = 0;
	int alen, c;

	memset(t, 0, sizeof(*t));
	if (meta->flags & PL_F_IPV6) {
		src = ip + 8;
		dst = ip + 24;
		alen = 16;
		t->family = 6;
	} else {
		src = ip + 12;
		dst = ip + 16;
		alen = 4;
		t->family = 4;
	}
	if (!(meta->flags & PL_F_FRAGMENT)) {
		t->proto = meta->l4_proto;
		if (meta->flags & PL_F_L4) {
			sport = meta->sport;
			dport = meta->dport;
		}
	}
	c = memcmp(src, dst, alen);
	if (c < 0 || (c == 0 && sport <= dport)) {
		memcpy(t->addr_lo, src, alen);
		memcpy(t->addr_hi, dst, alen);
		t->port_lo = sport;
		t->port_hi = dport;
		t->lo_is_src = 1;
	} else {
		memcpy(t->addr_lo, dst, alen);
		memcpy(t->addr_hi, src, alen);
		t->port_lo = dport;
		t->port_hi = sport;
	}
}

uint32_t
pl_dist_hash_tuple(const struct pl_tuple *t)
{
	/* lo_is_src is direction-dependent: hash everything before it. */
	return rte_hash_crc(t, offsetof(struct pl_tuple, lo_is_src), PL_DIST_SEED);
}

uint32_t
pl_dist_hash(const uint8_t *frame, const struct pl_meta *meta)
{
	struct pl_tuple t;

	if (meta->kind != PL_KIND_IP)
		return 0;
	pl_dist_tuple(frame, meta, &t);
	return pl_dist_hash_tuple(&t);
}

void
pl_dist_pick(struct rte_mbuf **pkts, uint16_t n, uint32_t nb_workers, int use_nic,
	     uint16_t *worker)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t h;

		if (use_nic && (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH))
			h = m->hash.rss;
		else
			h = pl_dist_hash(rte_pktmbuf_mtod(m, const uint8_t *), pl_meta(m));
		/* Keep the hash for later stages (the flow table reuses it). */
		m->hash.rss = h;
		worker[i] = (uint16_t)pl_dist_worker(h, nb_workers);
	}
}
