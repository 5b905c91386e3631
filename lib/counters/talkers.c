/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Top talkers: bounded open-addressing tables of source addresses (packets, bytes). A worker
 * fills one per counter bank; the stats role merges each retired bank into one global table
 * and copies the largest entries (by bytes) into each snapshot. A source that finds its
 * table full is not attributed: its packets and bytes are counted as overflow, so the table
 * is exact for every source it holds and the overflow bounds what it misses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "pl_counters.h"

struct pl_talkers *
pl_talkers_create(uint32_t max, int socket)
{
	struct pl_talkers *t;
	uint32_t cap;

	if (max == 0)
		max = 1;
	cap = pl_table_slots(max);
	t = rte_zmalloc_socket("pl_talkers", sizeof(*t) + cap * sizeof(t->e[0]) +
			       max * sizeof(*t->used), RTE_CACHE_LINE_SIZE, socket);
	if (t == NULL)
		return NULL;
	t->cap = cap;
	t->max = max;
	t->used = (uint32_t *)&t->e[cap];
	return t;
}

void
pl_talkers_free(struct pl_talkers *t)
{
	rte_free(t);
}

void
pl_talkers_clear(struct pl_talkers *t)
{
	uint32_t k;

	for (k = 0; k < t->n; k++)
		memset(&t->e[t->used[k]], 0, sizeof(t->e[0]));
	t->n = 0;
	t->over_packets = t->over_bytes = 0;
}

int
pl_talkers_add(struct pl_talkers *t, int family, const uint8_t *addr, uint64_t packets,
	       uint64_t bytes)
{
	uint64_t a6[2] = { 0, 0 };
	uint32_t a4 = 0, i;

	_Static_assert(offsetof(struct pl_talker, addr) == 4, "talker key layout");
	if (family == 6)
		memcpy(a6, addr, 16);
	else
		memcpy(&a4, addr, 4);
	i = pl_talkers_slot(t, family, addr);
	/* empty slots have packets 0; a recorded source always has packets >= 1 */
	for (;;) {
		struct pl_talker *e = &t->e[i];

		if (e->packets == 0) {
			if (t->n >= t->max) {
				t->over_packets += packets;
				t->over_bytes += bytes;
				return -ENOSPC;
			}
			memset(e, 0, offsetof(struct pl_talker, packets));
			e->family = (uint8_t)family;
			memcpy(e->addr, addr, family == 6 ? 16 : 4);
			e->packets = packets;
			e->bytes = bytes;
			t->used[t->n++] = i;
			return 0;
		}
		if (e->family == family) {
			uint64_t x[2];
			uint32_t y;
			int same;

			if (family == 6) {
				memcpy(x, e->addr, 16);
				same = ((x[0] ^ a6[0]) | (x[1] ^ a6[1])) == 0;
			} else {
				memcpy(&y, e->addr, 4);
				same = y == a4;
			}
			if (same) {
				e->packets += packets;
				e->bytes += bytes;
				return 0;
			}
		}
		i = (i + 1) & (t->cap - 1);
	}
}

void
pl_talkers_merge(struct pl_talkers *dst, const struct pl_talkers *src)
{
	uint32_t i;

	dst->over_packets += src->over_packets;
	dst->over_bytes += src->over_bytes;
	for (i = 0; i < src->n; i++) {
		const struct pl_talker *e = &src->e[src->used[i]];

		pl_talkers_add(dst, e->family, e->addr, e->packets, e->bytes);
	}
}

/* Bytes down, then packets down, then address up: a stable order. */
static int
talker_cmp(const void *a, const void *b)
{
	const struct pl_talker *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	return memcmp(x, y, offsetof(struct pl_talker, packets));
}

uint32_t
pl_talkers_top(const struct pl_talkers *t, struct pl_talker *out, uint32_t max)
{
	struct pl_talker *all;
	uint32_t i, n = 0;

	if (t->n == 0 || max == 0)
		return 0;
	all = malloc(t->n * sizeof(*all));
	if (all == NULL)
		return 0;
	for (i = 0; i < t->n; i++)
		all[n++] = t->e[t->used[i]];
	qsort(all, n, sizeof(*all), talker_cmp);
	n = n < max ? n : max;
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}
