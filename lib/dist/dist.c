/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Symmetric hashing. The canonical tuple orders the two endpoints, so the CRC over it is the
 * same in both directions; no symmetric Toeplitz key or XOR folding (which collides for
 * every pair with the same XOR) is needed in software.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash_crc.h>

#include "pl_dist.h"

#define PL_DIST_SEED 0x706c656eu /* "plen" */

/* Order two addresses as memcmp() would (network byte order), with fixed-size loads. */
static inline int
addr_cmp(const uint8_t *a, const uint8_t *b, int v6)
{
	if (v6) {
		uint64_t a0, a1, b0, b1;

		memcpy(&a0, a, 8);
		memcpy(&a1, a + 8, 8);
		memcpy(&b0, b, 8);
		memcpy(&b1, b + 8, 8);
		a0 = rte_be_to_cpu_64(a0);
		b0 = rte_be_to_cpu_64(b0);
		if (a0 != b0)
			return a0 < b0 ? -1 : 1;
		a1 = rte_be_to_cpu_64(a1);
		b1 = rte_be_to_cpu_64(b1);
		return (a1 > b1) - (a1 < b1);
	} else {
		uint32_t x, y;

		memcpy(&x, a, 4);
		memcpy(&y, b, 4);
		x = rte_be_to_cpu_32(x);
		y = rte_be_to_cpu_32(y);
		return (x > y) - (x < y);
	}
}

void
pl_dist_tuple(const uint8_t *frame, const struct pl_meta *meta, struct pl_tuple *t)
{
	const uint8_t *ip = frame + meta->l3_off;
	const int v6 = meta->flags & PL_F_IPV6;
	const uint8_t *src = ip + (v6 ? 8 : 12), *dst = ip + (v6 ? 24 : 16), *lo, *hi;
	uint16_t sport = 0, dport = 0;
	int c;

	memset(t, 0, sizeof(*t));
	t->family = v6 ? 6 : 4;
	if (!(meta->flags & PL_F_FRAGMENT)) {
		t->proto = meta->l4_proto;
		if (meta->flags & PL_F_L4) {
			sport = meta->sport;
			dport = meta->dport;
		}
	}
	c = addr_cmp(src, dst, v6);
	if (c < 0 || (c == 0 && sport <= dport)) {
		lo = src;
		hi = dst;
		t->port_lo = sport;
		t->port_hi = dport;
		t->lo_is_src = 1;
	} else {
		lo = dst;
		hi = src;
		t->port_lo = dport;
		t->port_hi = sport;
	}
	/* fixed sizes: copies the compiler inlines */
	if (v6) {
		memcpy(t->addr_lo, lo, 16);
		memcpy(t->addr_hi, hi, 16);
	} else {
		memcpy(t->addr_lo, lo, 4);
		memcpy(t->addr_hi, hi, 4);
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

		if (use_nic && (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH)) {
			h = m->hash.rss;
		} else {
			struct pl_meta *meta = pl_meta(m);

			h = pl_dist_hash(rte_pktmbuf_mtod(m, const uint8_t *), meta);
			/* Keep the hash for the worker's flow table, which hashes the same
			 * tuple the same way. */
			m->hash.rss = h;
			meta->flags |= PL_F_TUPLE_HASH;
		}
		worker[i] = (uint16_t)pl_dist_worker(h, nb_workers);
	}
}
