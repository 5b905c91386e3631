/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counter blocks: allocation on the owner's socket, names, and the reader's side of the
 * bank flip (draining a retired bank into running totals).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "pl_counters.h"

#define PORTS_BYTES (sizeof(struct pl_port_ctr) * PL_PORT_ROWS * 65536)
#define TOUCHED_WORDS (PL_PORT_ROWS * PL_PORT_GROUPS / 64)

static void
bank_reset(struct pl_ctr_bank *b)
{
	memset(b->v, 0, PL_CTR_NVALUES * sizeof(uint64_t));
	b->time_first = UINT64_MAX;
	b->time_last = 0;
	b->ival_base = 0;
	b->ival_lo = b->ival_hi = 0;
}

static struct pl_ctr_bank *
bank_create(int ports, int worker, int ivals, int socket)
{
	struct pl_ctr_bank *b = rte_zmalloc_socket("pl_ctr_bank", sizeof(*b),
						   RTE_CACHE_LINE_SIZE, socket);

	if (b == NULL)
		return NULL;
	if (ports) {
		b->ports = rte_zmalloc_socket("pl_ctr_ports", PORTS_BYTES, RTE_CACHE_LINE_SIZE,
					      socket);
		b->touched = rte_zmalloc_socket("pl_ctr_touched", TOUCHED_WORDS * 8,
						RTE_CACHE_LINE_SIZE, socket);
		b->talkers = pl_talkers_create(PL_BANK_TALKERS, socket);
		if (b->ports == NULL || b->touched == NULL || b->talkers == NULL)
			goto fail;
	}
	if (ports && worker) {
		b->findings = pl_findings_create(PL_BANK_FINDINGS, socket);
		b->flowrec = rte_zmalloc_socket("pl_ctr_flowrec", sizeof(*b->flowrec) +
						PL_BANK_FLOWRECS * sizeof(b->flowrec->rec[0]),
						RTE_CACHE_LINE_SIZE, socket);
		if (b->findings == NULL || b->flowrec == NULL)
			goto fail;
		b->flowrec->cap = PL_BANK_FLOWRECS;
		b->flowrec->reserve = PL_BANK_FLOWRECS_RESERVE;
	}
	if (ivals) {
		b->ival = rte_zmalloc_socket("pl_ctr_ival", sizeof(struct pl_ival) * PL_IVAL_SLOTS,
					     RTE_CACHE_LINE_SIZE, socket);
		if (b->ival == NULL)
			goto fail;
	}
	bank_reset(b);
	return b;
fail:
	rte_free(b->ports);
	rte_free(b->touched);
	rte_free(b->flowrec);
	pl_findings_free(b->findings);
	pl_talkers_free(b->talkers);
	rte_free(b);
	return NULL;
}

static void
bank_free(struct pl_ctr_bank *b)
{
	if (b == NULL)
		return;
	rte_free(b->ports);
	rte_free(b->touched);
	rte_free(b->ival);
	rte_free(b->flowrec);
	pl_findings_free(b->findings);
	pl_talkers_free(b->talkers);
	rte_free(b);
}

struct pl_lcore_ctr *
pl_ctr_create(unsigned int lcore, enum pl_role role, unsigned int index, int ports, int ivals,
	      int socket)
{
	struct pl_lcore_ctr *c = rte_zmalloc_socket("pl_lcore_ctr", sizeof(*c),
						    RTE_CACHE_LINE_SIZE, socket);

	if (c == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	c->bank[0] = bank_create(ports, role == PL_ROLE_WORKER, ivals, socket);
	c->bank[1] = bank_create(ports, role == PL_ROLE_WORKER, ivals, socket);
	if (c->bank[0] == NULL || c->bank[1] == NULL) {
		pl_ctr_free(c);
		rte_errno = ENOMEM;
		return NULL;
	}
	c->lcore = lcore;
	c->role = (uint8_t)role;
	c->index = (uint8_t)index;
	return c;
}

void
pl_ctr_free(struct pl_lcore_ctr *c)
{
	if (c == NULL)
		return;
	bank_free(c->bank[0]);
	bank_free(c->bank[1]);
	rte_free(c);
}

void
pl_ctr_bank_clear(struct pl_ctr_bank *b)
{
	if (b->ports)
		memset(b->ports, 0, PORTS_BYTES);
	if (b->touched)
		memset(b->touched, 0, TOUCHED_WORDS * 8);
	if (b->ival)
		memset(b->ival, 0, sizeof(struct pl_ival) * PL_IVAL_SLOTS);
	if (b->findings)
		pl_findings_clear(b->findings);
	if (b->talkers)
		pl_talkers_clear(b->talkers);
	bank_reset(b);
}

void
pl_ctr_flip_request(struct pl_lcore_ctr *c)
{
	if (!pl_ctr_flip_done(c))
		return; /* the previous request is still pending */
	__atomic_store_n(&c->req, c->req + 1, __ATOMIC_RELEASE);
}

void
pl_ctr_sum_init(struct pl_ctr_sum *s)
{
	memset(s, 0, sizeof(*s));
	s->time_first = UINT64_MAX;
}

/* Most intervals kept (at 1 s, 48 days); beyond that intervals count as overflow. */
#define PL_IVAL_SUM_MAX (1ULL << 22)

/* Make the merged interval array cover [lo, hi), zero-filling what is new. */
static int
ival_grow(struct pl_ival_sum *s, uint64_t lo, uint64_t hi)
{
	uint64_t base = s->n ? RTE_MIN(s->base, lo) : lo;
	uint64_t end = s->n ? RTE_MAX(s->base + s->n, hi) : hi;
	uint64_t n = end - base, shift = s->n ? s->base - base : 0;

	if (n > PL_IVAL_SUM_MAX)
		return -ENOMEM;
	if (n > s->cap) {
		uint64_t cap = RTE_MIN(RTE_MAX(n, s->cap * 2), PL_IVAL_SUM_MAX);
		struct pl_ival *e = realloc(s->e, cap * sizeof(*e));

		if (e == NULL)
			return -ENOMEM;
		s->e = e;
		s->cap = cap;
	}
	if (shift)
		memmove(s->e + shift, s->e, s->n * sizeof(*s->e));
	memset(s->e, 0, shift * sizeof(*s->e));
	memset(s->e + shift + s->n, 0, (n - shift - s->n) * sizeof(*s->e));
	s->base = base;
	s->n = n;
	return 0;
}

/* dst += src over every counter of PL_CTR_VALUES */
static void
values_add(uint64_t *dst, const uint64_t *src)
{
	size_t i;

	for (i = 0; i < PL_CTR_NVALUES; i++)
		dst[i] += src[i];
}

int
pl_ctr_drain(struct pl_ctr_sum *s, struct pl_port_ctr *ports, struct pl_ival_sum *ivals,
	     struct pl_findings *finds, struct pl_ctr_bank *b)
{
	unsigned int i, j;
	int rc = 0;

	values_add(s->v, b->v);
	if (b->findings && b->findings->n + b->findings->dropped) {
		if (finds)
			pl_findings_merge(finds, b->findings);
		pl_findings_clear(b->findings);
	}
	if (b->time_first < s->time_first)
		s->time_first = b->time_first;
	if (b->time_last > s->time_last)
		s->time_last = b->time_last;

	if (b->ports && ports) {
		/* only 64-port groups the owner touched: a quiet bank costs almost nothing */
		for (i = 0; i < TOUCHED_WORDS; i++) {
			uint64_t w = b->touched[i];

			while (w) {
				unsigned int g = i * 64 + __builtin_ctzll(w);
				struct pl_port_ctr *src = b->ports + (size_t)g * 64;
				struct pl_port_ctr *dst = ports + (size_t)g * 64;

				w &= w - 1;
				for (j = 0; j < 64; j++) {
					dst[j].packets += src[j].packets;
					dst[j].bytes += src[j].bytes;
				}
				memset(src, 0, 64 * sizeof(*src));
			}
			b->touched[i] = 0;
		}
	}
	if (b->ival && b->ival_lo < b->ival_hi) {
		uint64_t lo = b->ival_base + b->ival_lo, hi = b->ival_base + b->ival_hi;

		if (ivals && ival_grow(ivals, lo, hi) == 0) {
			for (i = b->ival_lo; i < b->ival_hi; i++) {
				struct pl_ival *d = &ivals->e[b->ival_base + i - ivals->base];

				d->packets += b->ival[i].packets;
				d->bytes += b->ival[i].bytes;
			}
		} else {
			for (i = b->ival_lo; i < b->ival_hi; i++)
				s->v[PL_CTR_ival_overflow] += b->ival[i].packets;
			rc = -ENOMEM;
		}
		memset(b->ival + b->ival_lo, 0, (b->ival_hi - b->ival_lo) * sizeof(*b->ival));
	}
	bank_reset(b);
	return rc;
}

void
pl_ctr_drain_talkers(struct pl_talkers *dst, struct pl_ctr_bank *b)
{
	struct pl_talkers *t = b->talkers;

	if (t == NULL || (t->n == 0 && t->over_packets == 0))
		return;
	if (dst)
		pl_talkers_merge(dst, t);
	pl_talkers_clear(t);
}

void
pl_ctr_sum_add(struct pl_ctr_sum *dst, const struct pl_ctr_sum *src)
{
	values_add(dst->v, src->v);
	if (src->time_first < dst->time_first)
		dst->time_first = src->time_first;
	if (src->time_last > dst->time_last)
		dst->time_last = src->time_last;
}

/* The size buckets: wire sizes [lo, hi] and the rte_eth_xstats name of each. */
static const struct {
	uint32_t lo, hi;
	const char *name;
} size_buckets[PL_SIZE_BUCKETS] = {
	{ 64, 64, "rx_size_64_packets" },
	{ 65, 127, "rx_size_65_to_127_packets" },
	{ 128, 255, "rx_size_128_to_255_packets" },
	{ 256, 511, "rx_size_256_to_511_packets" },
	{ 512, 1023, "rx_size_512_to_1023_packets" },
	{ 1024, 1518, "rx_size_1024_to_1518_packets" },
	{ 1519, UINT32_MAX, "rx_size_1519_to_max_packets" },
};

void
pl_ctr_size_bounds(unsigned int bucket, uint32_t *lo, uint32_t *hi)
{
	if (bucket >= PL_SIZE_BUCKETS)
		bucket = PL_SIZE_BUCKETS - 1;
	*lo = size_buckets[bucket].lo;
	*hi = size_buckets[bucket].hi;
}

const char *
pl_ctr_size_name(unsigned int bucket)
{
	return bucket < PL_SIZE_BUCKETS ? size_buckets[bucket].name : "unknown";
}

const char *
pl_ctr_name(unsigned int ctr)
{
	static const char *const names[] = {
#define PL_X_NAME(name, help) #name,
		PL_CTR_SCALARS(PL_X_NAME)
#undef PL_X_NAME
	};

	return ctr < PL_CTR_MAX ? names[ctr] : "unknown";
}

const char *
pl_drop_name(unsigned int reason)
{
	static const char *const names[] = {
#define PL_X_NAME(name, help) #name,
		PL_DROP_REASONS(PL_X_NAME)
#undef PL_X_NAME
	};

	return reason < PL_DROP_MAX ? names[reason] : "unknown";
}

const char *
pl_role_name(unsigned int role)
{
	static const char *const names[] = { "none", "rx", "worker", "stats" };

	return role < RTE_DIM(names) ? names[role] : "unknown";
}

void
pl_ival_sum_free(struct pl_ival_sum *s)
{
	free(s->e);
	memset(s, 0, sizeof(*s));
}
