/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Policy building blocks: the bounded findings table, per-source token-bucket state in a
 * per-worker rte_hash, trTCM profiles for QoS shares and DSCP rewriting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "pl_policy.h"

/* ---- findings ---- */

struct pl_findings *
pl_findings_create(uint32_t max, int socket)
{
	struct pl_findings *t;
	uint32_t cap;

	if (max == 0)
		max = 1;
	cap = pl_table_slots(max);
	t = rte_zmalloc_socket("pl_findings", sizeof(*t) + cap * sizeof(t->e[0]),
			       RTE_CACHE_LINE_SIZE, socket);
	if (t == NULL)
		return NULL;
	t->cap = cap;
	t->max = max;
	return t;
}

void
pl_findings_free(struct pl_findings *t)
{
	rte_free(t);
}

void
pl_findings_clear(struct pl_findings *t)
{
	if (t->n)
		memset(t->e, 0, t->cap * sizeof(t->e[0]));
	t->n = 0;
	t->dropped = 0;
}

/* The key of a finding: everything before `count`, with unused bytes zero; a rate_limit
 * finding's target (dst, port and their flags) is a value, not part of its key. The key is
 * copied into words and masked there (memset on the words' own bytes), so the CRC's word
 * reads see the masked bytes whatever the compiler does with field stores. */
#define FINDING_KEY_LEN offsetof(struct pl_finding, count)
#define FINDING_KEY_WORDS (FINDING_KEY_LEN / 8)

static inline void
finding_key(const struct pl_finding *f, uint64_t *w)
{
	RTE_BUILD_BUG_ON(FINDING_KEY_LEN % 8 != 0);
	memcpy(w, f, FINDING_KEY_LEN);
	if (f->kind != PL_FINDING_rate_limit)
		return;
	memset((uint8_t *)w + offsetof(struct pl_finding, has_dst), 0,
	       offsetof(struct pl_finding, pad) - offsetof(struct pl_finding, has_dst));
	memset((uint8_t *)w + offsetof(struct pl_finding, dst), 0, sizeof(f->dst));
}

static inline uint32_t
finding_hash(const struct pl_finding *f)
{
	uint64_t w[FINDING_KEY_WORDS];

	finding_key(f, w);
	return rte_hash_crc(w, FINDING_KEY_LEN, 0x46494e44);
}

static inline int
finding_same(const struct pl_finding *a, const struct pl_finding *b)
{
	uint64_t x[FINDING_KEY_WORDS], y[FINDING_KEY_WORDS];

	finding_key(a, x);
	finding_key(b, y);
	return memcmp(x, y, FINDING_KEY_LEN) == 0;
}

void
pl_finding_target(struct pl_finding *e, int family, const uint8_t *dst, uint16_t port,
		  uint32_t target_conns, uint32_t peak_per_s)
{
	if (peak_per_s > e->peak_per_s)
		e->peak_per_s = peak_per_s;
	if (dst == NULL || (e->has_dst && target_conns <= e->target_conns))
		return;
	memset(e->dst, 0, sizeof(e->dst));
	memcpy(e->dst, dst, family == 6 ? 16 : 4);
	e->has_dst = 1;
	e->has_port = 1;
	e->port = port;
	e->target_conns = target_conns;
}

int
pl_findings_add(struct pl_findings *t, const struct pl_finding *f)
{
	uint32_t i = finding_hash(f) & (t->cap - 1);

	/* empty slots have count 0; a recorded finding always has count >= 1 */
	for (;;) {
		struct pl_finding *e = &t->e[i];

		if (e->count == 0) {
			if (t->n >= t->max) {
				t->dropped += f->count ? f->count : 1;
				return -ENOSPC;
			}
			*e = *f;
			if (e->count == 0)
				e->count = 1;
			t->n++;
			return 0;
		}
		if (finding_same(e, f)) {
			e->count += f->count ? f->count : 1;
			if (f->first_ns < e->first_ns)
				e->first_ns = f->first_ns;
			if (f->last_ns > e->last_ns)
				e->last_ns = f->last_ns;
			if (f->kind == PL_FINDING_rate_limit)
				pl_finding_target(e, f->family, f->has_dst ? f->dst : NULL,
						  f->port, f->target_conns, f->peak_per_s);
			return 0;
		}
		i = (i + 1) & (t->cap - 1);
	}
}

struct pl_finding *
pl_findings_touch(struct pl_findings *t, const struct pl_finding *key, uint64_t now_ns,
		  int *is_new)
{
	uint32_t i = finding_hash(key) & (t->cap - 1);

	*is_new = 0;
	for (;;) {
		struct pl_finding *e = &t->e[i];

		if (e->count == 0) {
			if (t->n >= t->max) {
				t->dropped++;
				return NULL;
			}
			memcpy(e, key, offsetof(struct pl_finding, count));
			e->count = 1;
			e->first_ns = e->last_ns = now_ns;
			/* only the key's part before count is read: callers fill no more */
			e->peak_per_s = 0;
			e->target_conns = 0;
			e->detail[0] = '\0';
			t->n++;
			*is_new = 1;
			return e;
		}
		if (finding_same(e, key)) {
			e->count++;
			if (now_ns < e->first_ns)
				e->first_ns = now_ns;
			if (now_ns > e->last_ns)
				e->last_ns = now_ns;
			return e;
		}
		i = (i + 1) & (t->cap - 1);
	}
}

void
pl_findings_merge(struct pl_findings *dst, const struct pl_findings *src)
{
	uint32_t i;

	dst->dropped += src->dropped;
	if (src->n == 0)
		return;
	for (i = 0; i < src->cap; i++)
		if (src->e[i].count)
			pl_findings_add(dst, &src->e[i]);
}

static int
finding_cmp(const void *a, const void *b)
{
	const struct pl_finding *x = *(const struct pl_finding *const *)a;
	const struct pl_finding *y = *(const struct pl_finding *const *)b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return memcmp(x, y, offsetof(struct pl_finding, count));
}

uint32_t
pl_findings_sorted(const struct pl_findings *t, const struct pl_finding **out)
{
	uint32_t i, n = 0;

	for (i = 0; i < t->cap; i++)
		if (t->e[i].count)
			out[n++] = &t->e[i];
	qsort(out, n, sizeof(out[0]), finding_cmp);
	return n;
}

/* ---- sources ---- */

struct pl_src_key {
	uint8_t family;
	uint8_t pad[3];
	uint8_t addr[16];
};

/* A new connection of the last second: when, and whose (a position in the table). */
struct pl_src_conn {
	uint64_t t;
	uint32_t pos;
	uint32_t pad;
};

struct pl_sources {
	struct rte_hash *h;
	uint32_t capacity;
	uint32_t cursor;
	uint32_t n;
	struct pl_source *rec;
	uint8_t *used;
	/* the connections of the last second, oldest first: a ring of `capacity` */
	struct pl_src_conn *win;
	uint32_t win_head;
	uint32_t win_n;
	uint64_t win_last;            /* the latest time put in (time never goes back in it) */
};

struct pl_sources *
pl_sources_create(const char *name, uint32_t capacity, int socket)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = capacity,
		.key_len = sizeof(struct pl_src_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
	};
	struct pl_sources *t = rte_zmalloc_socket("pl_sources", sizeof(*t), RTE_CACHE_LINE_SIZE,
						  socket);

	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	t->h = rte_hash_create(&hp);
	t->capacity = capacity;
	/* without the multi-writer flag rte_hash has entries + 1 key slots (slot 0 a dummy)
	 * and hands out positions 0 .. entries - 1 */
	t->rec = rte_zmalloc_socket("pl_sources_rec", sizeof(t->rec[0]) * capacity,
				    RTE_CACHE_LINE_SIZE, socket);
	t->used = rte_zmalloc_socket("pl_sources_used", capacity, RTE_CACHE_LINE_SIZE, socket);
	t->win = rte_malloc_socket("pl_sources_win", sizeof(t->win[0]) * capacity,
				   RTE_CACHE_LINE_SIZE, socket);
	if (t->h == NULL || t->rec == NULL || t->used == NULL || t->win == NULL) {
		pl_sources_free(t);
		rte_errno = ENOMEM;
		return NULL;
	}
	return t;
}

void
pl_sources_free(struct pl_sources *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->h);
	rte_free(t->rec);
	rte_free(t->used);
	rte_free(t->win);
	rte_free(t);
}

/* A source as new: full buckets, no connections counted. */
static void
source_init(struct pl_source *s, double burst_conn, double burst_pkt, uint64_t now_ns)
{
	memset(s, 0, sizeof(*s));
	s->conn.tokens = burst_conn;
	s->conn.last_ns = now_ns;
	s->pkt.tokens = burst_pkt;
	s->pkt.last_ns = now_ns;
	s->last_ns = now_ns;
	s->since_ns = now_ns;
}

/*
 * Take the oldest connection out of the window ring, and out of its source's count when it
 * is one of the source's present statistics: a source forgotten or started afresh since
 * (idle for PL_SOURCE_IDLE_NS, longer than the window) started after every connection of
 * its earlier life.
 */
static void
window_pop(struct pl_sources *t)
{
	const struct pl_src_conn *c = &t->win[t->win_head];
	struct pl_source *s = &t->rec[c->pos];

	if (t->used[c->pos] && c->t >= s->since_ns && s->win_conns)
		s->win_conns--;
	t->win_head = t->win_head + 1 == t->capacity ? 0 : t->win_head + 1;
	t->win_n--;
}

int
pl_sources_conn(struct pl_sources *t, struct pl_source *s, int family, const uint8_t *dst,
		uint16_t port, uint64_t now_ns)
{
	uint8_t a[16] = { 0 };
	struct pl_src_target *tg, *min = &s->tgt[0];
	struct pl_src_conn *c;
	unsigned int i;
	int early = 0;

	/* the ring is in time order: a packet from the past counts at the latest time */
	if (now_ns < t->win_last)
		now_ns = t->win_last;
	t->win_last = now_ns;
	/* (now - 1 s, now]: connections a second old or more leave their source's count */
	while (t->win_n && t->win[t->win_head].t + PL_SOURCE_WINDOW_NS <= now_ns)
		window_pop(t);
	if (t->win_n == t->capacity) {
		window_pop(t); /* still in its second, but there is no room: counted */
		early = 1;
	}
	c = &t->win[(t->win_head + t->win_n) % t->capacity];
	c->t = now_ns;
	c->pos = (uint32_t)(s - t->rec);
	t->win_n++;
	if (++s->win_conns > s->peak_per_s)
		s->peak_per_s = s->win_conns;
	memcpy(a, dst, family == 6 ? 16 : 4);
	for (i = 0; i < PL_SOURCE_TARGETS; i++) {
		tg = &s->tgt[i];
		if (tg->conns && tg->port == port && memcmp(tg->addr, a, sizeof(a)) == 0) {
			tg->conns++;
			return early;
		}
		if (tg->conns < min->conns)
			min = tg;
	}
	/* not held: it takes the place of the least counted (an empty entry if any) */
	memcpy(min->addr, a, sizeof(a));
	min->port = port;
	min->conns++;
	return early;
}

/* Order of targets: more connections first, then the lower address, then the lower port. */
static int
target_before(const struct pl_src_target *x, const struct pl_src_target *y)
{
	int c;

	if (x->conns != y->conns)
		return x->conns > y->conns;
	c = memcmp(x->addr, y->addr, sizeof(x->addr));
	return c != 0 ? c < 0 : x->port < y->port;
}

const struct pl_src_target *
pl_source_target(const struct pl_source *s)
{
	const struct pl_src_target *best = NULL;
	unsigned int i;

	for (i = 0; i < PL_SOURCE_TARGETS; i++)
		if (s->tgt[i].conns && (best == NULL || target_before(&s->tgt[i], best)))
			best = &s->tgt[i];
	return best;
}

/*
 * A key's hash, as the table's own hash function (rte_hash_crc, initial value 0) gives it,
 * but inline: through the table, every lookup, insert and delete called the function by
 * its pointer, and a miss hashed twice.
 */
static inline uint32_t
src_hash(const struct pl_src_key *k)
{
	return rte_hash_crc(k, sizeof(*k), 0);
}

struct pl_source *
pl_sources_get(struct pl_sources *t, int family, const uint8_t *addr, double burst_conn,
	       double burst_pkt, uint64_t now_ns)
{
	struct pl_src_key k;
	uint32_t hash;
	int32_t pos;

	memset(&k, 0, sizeof(k));
	k.family = (uint8_t)family;
	memcpy(k.addr, addr, family == 6 ? 16 : 4);
	hash = src_hash(&k);
	pos = rte_hash_lookup_with_hash(t->h, &k, hash);
	if (pos >= 0) {
		/* idle long enough for ageing to forget it: the same as forgotten */
		if (now_ns > t->rec[pos].last_ns + PL_SOURCE_IDLE_NS)
			source_init(&t->rec[pos], burst_conn, burst_pkt, now_ns);
		return &t->rec[pos];
	}
	pos = rte_hash_add_key_with_hash(t->h, &k, hash);
	if (pos < 0)
		return NULL;
	if (unlikely((uint32_t)pos >= t->capacity)) {
		/* never, by rte_hash's rule above; kept consistent if it ever changes */
		rte_hash_del_key_with_hash(t->h, &k, hash);
		return NULL;
	}
	source_init(&t->rec[pos], burst_conn, burst_pkt, now_ns);
	t->used[pos] = 1;
	t->n++;
	return &t->rec[pos];
}

void
pl_sources_age(struct pl_sources *t, uint64_t now_ns, uint64_t idle_ns, uint32_t budget)
{
	uint32_t limit = t->capacity;

	while (budget--) {
		uint32_t pos = t->cursor;

		t->cursor = pos + 1 >= limit ? 0 : pos + 1;
		if (t->used[pos] && now_ns > t->rec[pos].last_ns + idle_ns) {
			void *key;

			if (rte_hash_get_key_with_position(t->h, (int32_t)pos, &key) == 0)
				rte_hash_del_key_with_hash(t->h, key, src_hash(key));
			t->used[pos] = 0;
			t->n--;
		}
	}
}

uint32_t
pl_sources_count(const struct pl_sources *t)
{
	return t->n;
}

/* ---- QoS ---- */

int
pl_qos_profile(struct rte_meter_trtcm_profile *p, double share, double peak, uint64_t link_bps,
	       unsigned int workers)
{
	double w = workers ? workers : 1;
	double cir = share * (double)link_bps / 8.0 / w;
	double pir = RTE_MIN(share * peak, 1.0) * (double)link_bps / 8.0 / w;
	struct rte_meter_trtcm_params prm;

	if (pir < cir)
		pir = cir;
	prm.cir = (uint64_t)cir;
	prm.pir = (uint64_t)pir;
	prm.cbs = RTE_MAX((uint64_t)(cir / 100), (uint64_t)9600);
	prm.pbs = RTE_MAX((uint64_t)(pir / 100), (uint64_t)9600);
	if (prm.cir == 0)
		prm.cir = 1;
	if (prm.pir == 0)
		prm.pir = 1;
	return rte_meter_trtcm_profile_config(p, &prm);
}

void
pl_meter_config(struct pl_meter *m, const struct rte_meter_trtcm_profile *p, uint64_t hz,
		uint64_t t0)
{
	m->time_tc = m->time_tp = t0;
	m->cbs = m->tc = p->cbs;
	m->pbs = m->tp = p->pbs;
	m->cir_period = p->cir_period;
	m->cir_bytes = p->cir_bytes_per_period;
	m->pir_period = p->pir_period;
	m->pir_bytes = p->pir_bytes_per_period;
	/* rte_meter's periods are at least RTE_METER_TB_PERIOD_MIN cycles, never 0 */
	m->cir_inv = UINT64_MAX / m->cir_period;
	m->pir_inv = UINT64_MAX / m->pir_period;
	m->ns_mult = (uint64_t)(((unsigned __int128)hz << 32) / 1000000000u);
}

void
pl_dscp_set(uint8_t *ip, int ipv6, uint8_t dscp)
{
	if (ipv6) {
		/* traffic class spans the low nibble of byte 0 and the high nibble of byte 1;
		 * DSCP is its upper six bits, ECN the lower two */
		uint8_t tc = (uint8_t)(((ip[0] & 0x0f) << 4) | (ip[1] >> 4));

		tc = (uint8_t)((dscp << 2) | (tc & 0x03));
		ip[0] = (uint8_t)((ip[0] & 0xf0) | (tc >> 4));
		ip[1] = (uint8_t)((ip[1] & 0x0f) | (tc << 4));
	} else {
		uint8_t old = ip[1], nw = (uint8_t)((dscp << 2) | (old & 0x03));
		uint32_t sum;

		if (old == nw)
			return;
		ip[1] = nw;
		/* RFC 1624: HC' = ~(~HC + ~m + m'), on the 16-bit word holding the TOS */
		sum = (uint16_t)~((ip[10] << 8) | ip[11]);
		sum += (uint16_t)~((ip[0] << 8) | old);
		sum += (uint16_t)((ip[0] << 8) | nw);
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (uint16_t)~sum;
		ip[10] = (uint8_t)(sum >> 8);
		ip[11] = (uint8_t)sum;
	}
}
