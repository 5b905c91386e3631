/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker flow table and TCP connection state machine.
 *
 * A table is an rte_hash keyed by the canonical tuple plus an array of flow records indexed
 * by the key's position in the hash's key store. One worker owns a table, so nothing here
 * locks; the hash is created without any concurrency flag. Callers pass the tuple's hash
 * (computed once on the RX lcore), and the hash's own hash function is the same function,
 * so rte_hash_get_key_with_position() (which re-hashes the stored key) and the caller's
 * precomputed hash always agree.
 *
 * The table counts TCP connection outcomes (DESIGN.md) once per connection, at the moment
 * they happen, into the caller's counters. The gauges follow the state: a flow is in
 * `active` exactly while its state is ESTABLISHED or FIN_WAIT and in `time_wait` exactly
 * while its state is TIME_WAIT; every state change goes through flow_set_state(), which
 * moves the gauges, so they can never go negative or leak.
 *
 * TCP rules (d: the packet's direction, 0 initiator, 1 responder; "pure SYN": SYN without
 * ACK or RST). Handshake bits: SYN(d) seen, ACKED(d) = d's SYN acknowledged by the other
 * side (any packet with ACK from !d after SYN(d)); HS = all four set.
 *
 *   state         packet                       next          counted
 *   ------------  ---------------------------  ------------  ----------------------------
 *   (new flow)    any                          NONE          (flow created)
 *   NONE          pure SYN                     SYN_SENT      attempted; sender = initiator
 *   NONE          anything else (SYN-ACK too)  NONE          -  (mid-stream pickup)
 *   SYN_SENT      pure SYN from d=0            SYN_SENT      -  (retransmission)
 *   SYN_SENT      SYN (ACK or not) from d=1    SYN_RECV      -  (answer / simultaneous open)
 *   SYN_SENT/RECV RST from d=1                 CLOSED        rejected
 *   SYN_SENT/RECV RST from d=0                 CLOSED        reset_in_handshake (abort)
 *   SYN_SENT/RECV packet completing HS         ESTABLISHED   established; active +1
 *                 (normal: the initiator's ACK after the SYN-ACK; simultaneous open: the
 *                 second SYN-ACK, or an ACK answering the other side's SYN-ACK)
 *   ESTABLISHED   FIN from d                   FIN_WAIT      -
 *   FIN_WAIT      FIN from the other side      TIME_WAIT     closed; active -1; time_wait +1
 *   EST/FIN_WAIT  RST (either side, any flags) CLOSED        reset; active -1
 *   EST/FIN_WAIT  pure SYN                     unchanged     -  (not a reuse: still open)
 *   TIME_WAIT     pure SYN                     SYN_SENT      attempted; time_wait -1
 *   TIME_WAIT     anything else (RST too)      TIME_WAIT     -  (already closed)
 *   CLOSED        pure SYN                     SYN_SENT      attempted (reuse)
 *   CLOSED        anything else                CLOSED        -
 *
 * FINs seen during the handshake are remembered; the packet that completes the handshake
 * then lands in FIN_WAIT or TIME_WAIT according to the FINs seen (with their outcomes).
 * A new connection on an existing record (reuse) makes the SYN's sender the initiator: if
 * that is the former responder, the per-direction packet and byte counts are swapped so
 * that index 0 stays the initiator's; the counts and first_ns cover the record's life.
 *
 * Timeouts (packet time; "age" of a timestamp = now - it, 0 if now is earlier):
 *
 *   state                 expires when                 counted on expiry
 *   --------------------  ---------------------------  -------------------------------
 *   SYN_SENT              age(state_ns) >= syn         unanswered
 *   SYN_RECV              age(state_ns) >= syn         -  (answered, never completed)
 *   ESTABLISHED/FIN_WAIT  age(last_ns) >= tcp_idle     active -1 (ended unseen)
 *   NONE (TCP)            age(last_ns) >= tcp_idle     -
 *   TIME_WAIT             age(state_ns) >= time_wait   time_wait -1
 *   CLOSED                age(last_ns) >= time_wait    -  (lingers for late packets)
 *   UDP, ICMP, other      age(last_ns) >= udp_idle     -
 *
 * An expired flow is removed (evicted +1, tracked -1), by pl_flow_age() or, when a packet
 * of an expired flow arrives before ageing reached it, by pl_flow_update() itself, which
 * then starts a new flow on the same record; so outcomes do not depend on how fast ageing
 * sweeps. pl_flow_finish() applies the same rules at the end time without removing
 * anything, except that every SYN_SENT flow is unanswered whatever its age.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/mman.h>

#include <numa.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_ring_elem.h>

#include "pl_flow.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10


/* Class index meaning "no class" (PL_CLASS_NONE in pl_config.h), until the caller sets it. */
#define FLOW_CLS_NONE 0xff

#define FLOW_SEC 1000000000ull

#define HS_ALL (PL_FLOW_SEEN_SYN(0) | PL_FLOW_SEEN_SYN(1) | PL_FLOW_SEEN_ACKED(0) | \
		PL_FLOW_SEEN_ACKED(1))

/*
 * The exact-match cache in front of the hash: a direct-mapped array of recent keys and their
 * positions, indexed by the tuple hash's low bits. A hit costs one 40-byte compare instead of
 * rte_hash's bucket search; traffic with popular flows (most real traffic, the FinMark mix)
 * hits almost always, traffic spread evenly over many more flows than entries mostly
 * misses and pays one probe more. An entry is a copy of the stored (direction-free) key, so
 * it can only be wrong if its flow left the table: flow_remove() clears it then.
 */
#define FLOW_EMC_MAX 1024

/* Cache entries of a table of @p capacity: a power of two near capacity / 32 (under one byte
 * a flow), 16 to FLOW_EMC_MAX. */
static uint32_t
emc_entries(uint32_t capacity)
{
	return RTE_MAX(16u, RTE_MIN((uint32_t)FLOW_EMC_MAX, rte_align32prevpow2(capacity / 32)));
}

/* Hashes of the flows added since a burst's lookup that a table remembers: the largest burst
 * a caller hands over (portlens offline: 128). Past it every flow not found is looked up
 * again: still exact, only dearer. */
#define FLOW_ADDS_MAX 128

struct flow_emc {
	struct pl_tuple key;
	int32_t pos;            /* -1: empty */
	uint32_t hash;
};

struct pl_flow_table {
	struct pl_flow_hot hot; /* first: what pl_flow_hit() reads (records, timeouts) */
	struct rte_hash *h;
	struct flow_emc *emc;   /* [emc_mask + 1] */
	uint32_t emc_mask;
	uint32_t capacity;
	size_t records_mapped;  /* records mapped apart (records_alloc()), 0: EAL memory */
	uint32_t limit;         /* most flows held: see pl_flow_create() */
	uint32_t count;
	uint32_t cursor;        /* next position pl_flow_age() examines */
	uint32_t used_end;      /* 1 + the highest position ever given a flow: the end-of-run
				 * and walk loops stop there (rte_hash hands out free positions
				 * lowest first, so a short run touches a few pages of records,
				 * not the whole table) */
	uint64_t active_ns;     /* flow export: active timeout, 0 = off */
	size_t memory;
	void (*release)(void *arg, struct pl_flow *f);   /* pl_flow_set_release() */
	void *release_arg;
	/* flows added since the last pl_flow_lookup_burst() (saturating at FLOW_ADDS_MAX + 1)
	 * and their hashes: a key that burst found absent is still absent unless one of them
	 * has its hash, so most misses need no second lookup */
	uint32_t nb_added;
	uint32_t added_hash[FLOW_ADDS_MAX];
};

_Static_assert(sizeof(struct pl_flow) == 64, "struct pl_flow must stay one cache line");
_Static_assert(offsetof(struct pl_flow_table, hot) == 0, "pl_flow_hit() reads the table's head");

/*
 * The hash's own hash function is the caller's: pl_dist_hash_tuple() covers the bytes
 * before lo_is_src, and keys are stored with lo_is_src and pad zeroed, so the whole-key
 * compare rte_hash does and this hash agree on what "the same flow" means.
 */
static uint32_t
flow_hash_fn(const void *key, uint32_t key_len, uint32_t init_val)
{
	RTE_SET_USED(key_len);
	RTE_SET_USED(init_val);
	return pl_dist_hash_tuple(key);
}

/* rte_hash's key compare for the 40-byte tuple (it has fast compares for 16, 32, 48... bytes
 * only, and would call memcmp()): five 8-byte words. 0 when equal. */
static int
flow_key_cmp(const void *a, const void *b, size_t key_len)
{
	uint64_t x[5], y[5];

	RTE_SET_USED(key_len);
	RTE_BUILD_BUG_ON(sizeof(struct pl_tuple) != sizeof(x));
	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) |
		(x[4] ^ y[4])) != 0;
}

/*
 * Memory estimate. rte_hash does not report its size, so it is computed from what
 * rte_hash_create() (DPDK 22.11, lib/hash/rte_cuckoo_hash.c) allocates without the
 * multi-writer, RW-concurrency and extendable-table flags:
 *   - free-slot ring: a memzone of rte_ring_get_memsize_elem(4, align32pow2(capacity + 1));
 *   - buckets: align32pow2(capacity) / 8 buckets of 64 bytes (8 16-bit signatures,
 *     8 32-bit key indices, 8 flag bytes, a next pointer: one cache line);
 *   - key store: capacity + 1 entries (entry 0 is a dummy) of
 *     RTE_ALIGN(8-byte pdata pointer + key_len, 16) bytes: 48 for a 40-byte tuple;
 *   - struct rte_hash (private, a few cache lines), the table-change counter (one cache line)
 *     and the tailq entry: FLOW_HASH_FIXED bytes;
 * plus the table struct, the records (capacity * 64 bytes), the exact-match cache, and for each of the
 * FLOW_NB_ALLOCS heap allocations the malloc element header and alignment padding
 * (FLOW_MALLOC_OVERHEAD). A unit test checks the estimate against the heap's statistics.
 */
#define FLOW_HASH_FIXED 464
/* rte_hash's bucket width (FLOW_BUCKET_ENTRIES lives in a private header). */
#define FLOW_BUCKET_ENTRIES 8
#define FLOW_NB_ALLOCS 10
#define FLOW_MALLOC_OVERHEAD 128

static size_t
flow_memory_estimate(uint32_t capacity)
{
	size_t ring, buckets, keys, recs;

	ring = (size_t)rte_ring_get_memsize_elem(sizeof(uint32_t),
						 rte_align32pow2(capacity + 1));
	buckets = (size_t)(rte_align32pow2(capacity) / FLOW_BUCKET_ENTRIES) *
		  RTE_CACHE_LINE_SIZE;
	keys = (size_t)(capacity + 1) * RTE_ALIGN(sizeof(void *) + sizeof(struct pl_tuple), 16);
	recs = (size_t)capacity * sizeof(struct pl_flow);
	return ring + buckets + keys + recs + emc_entries(capacity) * sizeof(struct flow_emc) +
	       FLOW_HASH_FIXED +
	       RTE_ALIGN(sizeof(struct pl_flow_table), RTE_CACHE_LINE_SIZE) +
	       FLOW_NB_ALLOCS * FLOW_MALLOC_OVERHEAD;
}

#define FLOW_HUGE ((size_t)2 << 20)

/*
 * The flow records, @p len bytes, zeroed. With hugepages they come from the EAL's memory on
 * NUMA node @p socket. Without (offline, --no-huge) that memory is 4 KiB pages, and a run's
 * new flows took a page fault every 64 records on the worker (about 900 faults in a 1M
 * FinMark run, some 20 us each on a virtual machine): records of 2 MiB or more are then
 * mapped apart,
 * from a 2 MiB boundary, advised onto transparent huge pages (one fault per 2 MiB where the
 * kernel allows it, 4 KiB pages otherwise) and bound to the node. *@p mapped: the bytes
 * mapped, 0 for EAL memory.
 */
static void *
records_alloc(size_t len, int socket, size_t *mapped)
{
	/* whole 4 KiB pages, from a 2 MiB boundary (a last partial 2 MiB stays 4 KiB pages) */
	size_t keep = RTE_ALIGN_CEIL(len, (size_t)4096), full = keep + FLOW_HUGE, head;
	uint8_t *p;
	uintptr_t a;

	*mapped = 0;
	/* under 2 MiB no huge page fits: the heap serves as well */
	if (rte_eal_has_hugepages() || len < FLOW_HUGE)
		return rte_zmalloc_socket("pl_flow_records", len, RTE_CACHE_LINE_SIZE, socket);
	p = mmap(NULL, full, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = RTE_ALIGN_CEIL((uintptr_t)p, FLOW_HUGE);
	head = a - (uintptr_t)p;
	if (head > 0)
		munmap(p, head);
	if (full - head > keep)
		munmap((void *)(a + keep), full - head - keep);
	madvise((void *)a, keep, MADV_HUGEPAGE);       /* advice only */
	if (socket >= 0 && numa_available() >= 0)
		numa_tonode_memory((void *)a, keep, socket);
	*mapped = keep;
	return (void *)a;
}

static void
records_free(struct pl_flow_table *t)
{
	if (t->records_mapped > 0)
		munmap(t->hot.flows, t->records_mapped);
	else
		rte_free(t->hot.flows);
	t->hot.flows = NULL;
}

struct pl_flow_table *
pl_flow_create(const char *name, uint32_t capacity, int socket)
{
	struct rte_hash_parameters p = {
		.name = name,
		.entries = capacity,
		.key_len = sizeof(struct pl_tuple),
		.hash_func = flow_hash_fn,
		.hash_func_init_val = 0,
		.socket_id = socket,
		.extra_flag = 0,
	};
	struct pl_flow_table *t;

	if (name == NULL || capacity < FLOW_BUCKET_ENTRIES ||
	    capacity > RTE_HASH_ENTRIES_MAX) {
		rte_errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc_socket("pl_flow_table", sizeof(*t), RTE_CACHE_LINE_SIZE, socket);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	t->hot.flows = records_alloc((size_t)capacity * sizeof(*t->hot.flows), socket,
				     &t->records_mapped);
	if (t->hot.flows == NULL) {
		rte_free(t);
		rte_errno = ENOMEM;
		return NULL;
	}
	t->emc_mask = emc_entries(capacity) - 1;
	t->emc = rte_malloc_socket("pl_flow_emc", (t->emc_mask + 1) * sizeof(*t->emc),
				   RTE_CACHE_LINE_SIZE, socket);
	t->h = t->emc ? rte_hash_create(&p) : NULL;
	if (t->h == NULL) {
		int err = rte_errno ? rte_errno : ENOMEM;

		rte_free(t->emc);
		records_free(t);
		rte_free(t);
		rte_errno = err;
		return NULL;
	}
	for (uint32_t i = 0; i <= t->emc_mask; i++) {
		memset(&t->emc[i].key, 0, sizeof(t->emc[i].key));
		t->emc[i].pos = -1;
		t->emc[i].hash = 0;
	}
	rte_hash_set_cmp_func(t->h, flow_key_cmp);
	t->capacity = capacity;
	/* A cuckoo table with 8-entry buckets near 100 % load spends long searches on every
	 * insert (thousands of cycles each once full). rte_hash has align32pow2(capacity)
	 * slots; the table stops at 15/16 of them, so a power-of-two capacity holds 15/16 of
	 * its nominal flows and any other capacity holds all of them. */
	t->limit = RTE_MIN(capacity, rte_align32pow2(capacity) - rte_align32pow2(capacity) / 16);
	t->memory = flow_memory_estimate(capacity);
	pl_flow_set_timeouts(t, 5 * FLOW_SEC, 300 * FLOW_SEC, 60 * FLOW_SEC, 60 * FLOW_SEC);
	return t;
}

void
pl_flow_free(struct pl_flow_table *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->h);
	rte_free(t->emc);
	records_free(t);
	rte_free(t);
}

void
pl_flow_set_active_timeout(struct pl_flow_table *t, uint64_t active_ns)
{
	t->active_ns = active_ns;
}

void
pl_flow_set_release(struct pl_flow_table *t, void (*fn)(void *arg, struct pl_flow *f),
		    void *arg)
{
	t->release = fn;
	t->release_arg = arg;
}

/* The caller's state outside the record goes with the flow (see pl_flow_set_release()). */
static inline void
flow_release(const struct pl_flow_table *t, struct pl_flow *f)
{
	if (f->stream != 0 && t->release != NULL)
		t->release(t->release_arg, f);
	f->stream = 0;
}

void
pl_flow_set_timeouts(struct pl_flow_table *t, uint64_t syn_ns, uint64_t tcp_idle_ns,
		     uint64_t udp_idle_ns, uint64_t time_wait_ns)
{
	t->hot.syn_ns = syn_ns;
	t->hot.tcp_idle_ns = tcp_idle_ns;
	t->hot.udp_idle_ns = udp_idle_ns;
	t->hot.time_wait_ns = time_wait_ns;
}

/* now - then, or 0 when packet time went backwards (reordered queues, odd captures). */
static inline uint64_t
age_of(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

static inline int
state_is_active(uint8_t s)
{
	return s == PL_TCPS_ESTABLISHED || s == PL_TCPS_FIN_WAIT;
}

/* Every TCP state change: keeps the active and time_wait gauges equal to the states. */
static inline void
flow_set_state(struct pl_flow *f, uint8_t s, uint64_t now, const struct pl_flow_ctrs *c)
{
	uint8_t old = f->tcp_state;

	if (state_is_active(old) && !state_is_active(s))
		c->tcp[PL_TCP_active]--;
	else if (!state_is_active(old) && state_is_active(s))
		c->tcp[PL_TCP_active]++;
	if (old == PL_TCPS_TIME_WAIT && s != PL_TCPS_TIME_WAIT)
		c->tcp[PL_TCP_time_wait]--;
	else if (old != PL_TCPS_TIME_WAIT && s == PL_TCPS_TIME_WAIT)
		c->tcp[PL_TCP_time_wait]++;
	f->tcp_state = s;
	f->state_ns = now;
}

static inline int
flow_expired(const struct pl_flow_table *t, const struct pl_flow *f, uint64_t now)
{
	return pl_flow_expired(&t->hot, f, now);
}

/* Count what the end of an expired flow means, and leave it in a state with no gauge. */
static void
flow_expire(struct pl_flow *f, uint64_t now, const struct pl_flow_ctrs *c)
{
	if (f->proto == IPPROTO_TCP) {
		if (f->tcp_state == PL_TCPS_SYN_SENT)
			c->tcp[PL_TCP_unanswered]++;
		flow_set_state(f, PL_TCPS_CLOSED, now, c);
	}
}

/* A fresh record for the flow of @p key: its first packet's source is the initiator. */
static void
flow_init(struct pl_flow_table *t, struct pl_flow *f, const struct pl_tuple *key,
	  const struct pl_meta *meta, uint64_t now, const struct pl_flow_ctrs *c)
{
	memset(f, 0, sizeof(*f));
	f->first_ns = now;
	f->last_ns = now;
	f->state_ns = now;
	f->init_lo = key->lo_is_src;
	f->server_port = (meta->flags & PL_F_L4) ? meta->dport : 0;
	f->cls = FLOW_CLS_NONE;
	f->proto = key->proto;
	f->in_use = 1;
	t->count++;
	c->flow[PL_FLOWC_created]++;
	c->flow[PL_FLOWC_tracked]++;
}

void
pl_flow_export_add(struct pl_flow_export *e, const struct pl_tuple *key, const struct pl_flow *f,
		   uint8_t reason)
{
	struct pl_flow_rec *r;

	if (e->n >= e->cap) {
		e->dropped++;
		return;
	}
	r = &e->rec[e->n++];
	r->key = *key;
	r->key.lo_is_src = f->init_lo; /* the initiator reads as the source */
	r->f = *f;
	r->reason = reason;
}

/* Whether a flow's end was seen: FIN from both sides (TIME_WAIT, or CLOSED once TIME_WAIT
 * timed out), or an RST (reset, rejected). A flow CLOSED otherwise was unanswered or timed
 * out: its end was not seen. */
static int
end_seen(const struct pl_flow *f)
{
	const uint8_t fins = PL_FLOW_SEEN_FIN(0) | PL_FLOW_SEEN_FIN(1);

	return f->proto == IPPROTO_TCP &&
	       (f->tcp_state == PL_TCPS_TIME_WAIT ||
		(f->tcp_state == PL_TCPS_CLOSED &&
		 ((f->fin_seen & PL_FLOW_SEEN_RST) || (f->fin_seen & fins) == fins)));
}

/* Why a flow that ageing removes ends: its end was seen, or it timed out. */
static uint8_t
end_reason(const struct pl_flow *f)
{
	return end_seen(f) ? PL_FLOW_END_CLOSED : PL_FLOW_END_IDLE;
}

uint8_t
pl_flow_end_reason(const struct pl_flow_table *t, const struct pl_flow *f, uint64_t end_ns)
{
	if (end_seen(f))
		return PL_FLOW_END_CLOSED;
	return flow_expired(t, f, end_ns) ? PL_FLOW_END_IDLE : PL_FLOW_END_FORCED;
}

/* Export a flow that ends now, if there is an export buffer. */
static void
flow_export(const struct pl_tuple *key, const struct pl_flow *f, uint8_t reason,
	    const struct pl_flow_ctrs *c)
{
	if (c->exp)
		pl_flow_export_add(c->exp, key, f, reason);
}

/* Remove the flow at @p pos from the hash and the records, exporting it (reason @p why). */
static void
flow_remove(struct pl_flow_table *t, uint32_t pos, const struct pl_flow_ctrs *c, uint8_t why)
{
	struct pl_tuple k;
	void *kp;

	if (rte_hash_get_key_with_position(t->h, (int32_t)pos, &kp) == 0) {
		/* Copy first: the key store slot is freed by the delete. */
		memcpy(&k, kp, sizeof(k));
		uint32_t hash = pl_dist_hash_tuple(&k);
		struct flow_emc *e = &t->emc[hash & t->emc_mask];

		flow_export(&k, &t->hot.flows[pos], why, c);
		flow_release(t, &t->hot.flows[pos]);
		if (e->pos == (int32_t)pos)
			e->pos = -1;
		rte_hash_del_key_with_hash(t->h, &k, hash);
	}
	t->hot.flows[pos].in_use = 0;
	t->count--;
	c->flow[PL_FLOWC_evicted]++;
	c->flow[PL_FLOWC_tracked]--;
}

/* A new connection (pure SYN) on @p f: the SYN's sender becomes the initiator. */
static void
tcp_new_connection(struct pl_flow *f, const struct pl_tuple *key, const struct pl_meta *meta,
		   uint64_t now, const struct pl_flow_ctrs *c, struct pl_flow_event *ev)
{
	if (f->init_lo != key->lo_is_src) {
		uint32_t p = f->packets[0];
		uint64_t b = f->bytes[0];

		f->packets[0] = f->packets[1];
		f->packets[1] = p;
		f->bytes[0] = f->bytes[1];
		f->bytes[1] = b;
		f->init_lo = key->lo_is_src;
	}
	f->server_port = (meta->flags & PL_F_L4) ? meta->dport : 0;
	f->fin_seen = PL_FLOW_SEEN_SYN(0);
	flow_set_state(f, PL_TCPS_SYN_SENT, now, c);
	c->tcp[PL_TCP_attempted]++;
	ev->attempt = 1;
	ev->dir = 0;
}

/* After the handshake: FINs from one side (FIN_WAIT) or both (closed, TIME_WAIT). */
static void
tcp_fin_state(struct pl_flow *f, uint64_t now, const struct pl_flow_ctrs *c)
{
	uint8_t fins = f->fin_seen & (PL_FLOW_SEEN_FIN(0) | PL_FLOW_SEEN_FIN(1));

	if (fins == (PL_FLOW_SEEN_FIN(0) | PL_FLOW_SEEN_FIN(1))) {
		c->tcp[PL_TCP_closed]++;
		flow_set_state(f, PL_TCPS_TIME_WAIT, now, c);
	} else if (fins != 0 && f->tcp_state == PL_TCPS_ESTABLISHED) {
		flow_set_state(f, PL_TCPS_FIN_WAIT, now, c);
	}
}

/* The TCP state machine: see the table at the top of this file. */
static void
tcp_update(struct pl_flow *f, const struct pl_tuple *key, const struct pl_meta *meta,
	   uint64_t now, const struct pl_flow_ctrs *c, struct pl_flow_event *ev)
{
	uint8_t fl = meta->tcp_flags;
	uint8_t st = f->tcp_state;
	unsigned int d = ev->dir;

	if ((fl & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN &&
	    (st == PL_TCPS_NONE || st == PL_TCPS_TIME_WAIT || st == PL_TCPS_CLOSED)) {
		tcp_new_connection(f, key, meta, now, c, ev);
		return;
	}
	switch (st) {
	case PL_TCPS_SYN_SENT:
	case PL_TCPS_SYN_RECV:
		if (fl & TCP_RST) {
			c->tcp[d == 1 ? PL_TCP_rejected : PL_TCP_reset_in_handshake]++;
			f->fin_seen |= PL_FLOW_SEEN_RST;
			flow_set_state(f, PL_TCPS_CLOSED, now, c);
			return;
		}
		if (fl & TCP_SYN)
			f->fin_seen |= PL_FLOW_SEEN_SYN(d);
		if ((fl & TCP_ACK) && (f->fin_seen & PL_FLOW_SEEN_SYN(d ^ 1)))
			f->fin_seen |= PL_FLOW_SEEN_ACKED(d ^ 1);
		if (fl & TCP_FIN)
			f->fin_seen |= PL_FLOW_SEEN_FIN(d);
		if ((f->fin_seen & HS_ALL) == HS_ALL) {
			flow_set_state(f, PL_TCPS_ESTABLISHED, now, c);
			c->tcp[PL_TCP_established]++;
			ev->established = 1;
			tcp_fin_state(f, now, c);
		} else if (st == PL_TCPS_SYN_SENT && d == 1 && (fl & TCP_SYN)) {
			flow_set_state(f, PL_TCPS_SYN_RECV, now, c);
		}
		return;
	case PL_TCPS_ESTABLISHED:
	case PL_TCPS_FIN_WAIT:
		if (fl & TCP_RST) {
			c->tcp[PL_TCP_reset]++;
			f->fin_seen |= PL_FLOW_SEEN_RST;
			flow_set_state(f, PL_TCPS_CLOSED, now, c);
			return;
		}
		if (fl & TCP_FIN) {
			f->fin_seen |= PL_FLOW_SEEN_FIN(d);
			tcp_fin_state(f, now, c);
		}
		return;
	default: /* NONE (mid-stream), TIME_WAIT, CLOSED: nothing to count */
		return;
	}
}

/* The stored form of a packet's tuple: direction-free, the same bytes both ways. */
static inline void
stored_key(struct pl_tuple *k, const struct pl_tuple *key)
{
	*k = *key;
	k->lo_is_src = 0;
	k->pad = 0;
}

/* The bytes of a tuple's last word that identify a flow: all but lo_is_src and pad. */
static const union {
	uint8_t b[8];
	uint64_t w;
} flow_key_tail = { .b = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0 } };

_Static_assert(offsetof(struct pl_tuple, lo_is_src) == 38 && offsetof(struct pl_tuple, pad) == 39,
	       "the direction is the last word's 7th byte");

/* Is a packet's tuple (any direction) the stored key @p s? Five words, no copy. */
static inline int
flow_key_is(const struct pl_tuple *s, const struct pl_tuple *key)
{
	uint64_t x[5], y[5];

	memcpy(x, s, sizeof(x));
	memcpy(y, key, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) |
		((x[4] ^ y[4]) & flow_key_tail.w)) == 0;
}

/* The cache entry of a tuple (stored or a packet's): its position if cached, else -1. */
static inline int32_t
emc_probe(const struct pl_flow_table *t, const struct pl_tuple *k, uint32_t hash)
{
	const struct flow_emc *e = &t->emc[hash & t->emc_mask];

	if (e->pos >= 0 && e->hash == hash && flow_key_is(&e->key, k))
		return e->pos;
	return -1;
}

static inline void
emc_fill(struct pl_flow_table *t, const struct pl_tuple *k, uint32_t hash, int32_t pos)
{
	struct flow_emc *e = &t->emc[hash & t->emc_mask];

	e->key = *k;
	e->hash = hash;
	e->pos = pos;
}

/* Position of a direction-free key: the cache, then the hash (filling the cache). */
static inline int32_t
flow_find(struct pl_flow_table *t, const struct pl_tuple *k, uint32_t hash)
{
	int32_t pos = emc_probe(t, k, hash);

	if (pos >= 0)
		return pos;
	pos = rte_hash_lookup_with_hash(t->h, k, hash);
	if (pos >= 0)
		emc_fill(t, k, hash, pos);
	return pos;
}

/* Most cache misses in a burst looked up one at a time: rte_hash's bulk lookup costs about
 * six single lookups in instructions, and a miss or two leave no cache misses to overlap. */
#define FLOW_SINGLE_MAX 2

void
pl_flow_lookup_burst(struct pl_flow_table *t, const struct pl_tuple *keys,
		     const uint32_t *hashes, uint32_t n, int32_t *pos)
{
	struct pl_tuple k[RTE_HASH_LOOKUP_BULK_MAX];
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	hash_sig_t sig[RTE_HASH_LOOKUP_BULK_MAX];
	uint32_t at[RTE_HASH_LOOKUP_BULK_MAX];
	int32_t found[RTE_HASH_LOOKUP_BULK_MAX];
	uint32_t done, i;

	t->nb_added = 0;
	for (done = 0; done < n; done += RTE_HASH_LOOKUP_BULK_MAX) {
		uint32_t cnt = RTE_MIN(n - done, (uint32_t)RTE_HASH_LOOKUP_BULK_MAX), nm = 0;

		/* the cache first (the packet's tuple as it is); what it misses goes, in its
		 * stored form, to one bulk lookup of the hash */
		for (i = 0; i < cnt; i++) {
			uint32_t h = hashes[done + i];
			int32_t p = emc_probe(t, &keys[done + i], h);

			pos[done + i] = p >= 0 ? p : PL_FLOW_ABSENT;
			if (p >= 0) {
				rte_prefetch0(&t->hot.flows[p]);
				continue;
			}
			stored_key(&k[nm], &keys[done + i]);
			kp[nm] = &k[nm];
			sig[nm] = h;
			at[nm++] = done + i;
		}
		if (nm == 0)
			continue;
		if (nm <= FLOW_SINGLE_MAX) {
			/* too few misses for the bulk lookup's set-up to pay: one at a time */
			for (i = 0; i < nm; i++)
				found[i] = rte_hash_lookup_with_hash(t->h, kp[i], sig[i]);
		} else if (rte_hash_lookup_with_hash_bulk(t->h, kp, sig, nm, found) < 0) {
			/* (never with valid arguments) left to pl_flow_update_at() */
			for (i = 0; i < nm; i++)
				pos[at[i]] = PL_FLOW_NO_HINT;
			continue;
		}
		for (i = 0; i < nm; i++) {
			if (found[i] < 0)
				continue;
			pos[at[i]] = found[i];
			emc_fill(t, &k[i], sig[i], found[i]);
			rte_prefetch0(&t->hot.flows[found[i]]);
		}
	}
}

/* Was a flow with this hash added since the burst's lookup (or are there too many to tell)? */
static inline int
flow_added_since_lookup(const struct pl_flow_table *t, uint32_t hash)
{
	uint32_t i;

	if (t->nb_added > FLOW_ADDS_MAX)
		return 1;
	for (i = 0; i < t->nb_added; i++)
		if (t->added_hash[i] == hash)
			return 1;
	return 0;
}

void
pl_flow_update(struct pl_flow_table *t, const struct pl_tuple *key, uint32_t hash,
	       const struct pl_meta *meta, uint32_t bytes, uint64_t now_ns,
	       const struct pl_flow_ctrs *c, struct pl_flow_event *ev)
{
	pl_flow_update_at(t, key, hash, PL_FLOW_NO_HINT, meta, bytes, now_ns, c, ev);
}

void
pl_flow_update_at(struct pl_flow_table *t, const struct pl_tuple *key, uint32_t hash,
		  int32_t hint, const struct pl_meta *meta, uint32_t bytes, uint64_t now_ns,
		  const struct pl_flow_ctrs *c, struct pl_flow_event *ev)
{
	struct pl_tuple k;
	struct pl_flow *f;
	int32_t pos = hint;

	memset(ev, 0, sizeof(*ev));
	if (pos < 0) {
		/* not found by the burst's lookup: look up again only if an earlier packet of
		 * the burst added a flow with its hash since; no lookup made: look up; then add */
		stored_key(&k, key);
		if (pos != PL_FLOW_ABSENT || flow_added_since_lookup(t, hash))
			pos = flow_find(t, &k, hash);
	}
	if (pos < 0) {
		/* past the limit an insert would mostly fail after a long cuckoo search: refuse
		 * at once (the documented full-table rule) */
		pos = t->count < t->limit ? rte_hash_add_key_with_hash(t->h, &k, hash) : -ENOSPC;
		if (pos < 0) {
			c->flow[PL_FLOWC_table_full]++;
			return;
		}
		emc_fill(t, &k, hash, pos);
		if ((uint32_t)pos >= t->used_end)
			t->used_end = (uint32_t)pos + 1;
		if (t->nb_added < FLOW_ADDS_MAX)
			t->added_hash[t->nb_added] = hash;
		if (t->nb_added <= FLOW_ADDS_MAX)
			t->nb_added++;
		f = &t->hot.flows[pos];
		flow_init(t, f, key, meta, now_ns, c);
		ev->created = 1;
	} else {
		f = &t->hot.flows[pos];
		if (flow_expired(t, f, now_ns)) {
			/* Timed out before ageing reached it: end it, start afresh in place. */
			uint8_t why = end_reason(f);

			stored_key(&k, key);
			flow_expire(f, now_ns, c);
			flow_export(&k, f, why, c);
			flow_release(t, f);
			t->count--;
			c->flow[PL_FLOWC_evicted]++;
			c->flow[PL_FLOWC_tracked]--;
			flow_init(t, f, key, meta, now_ns, c);
			ev->created = 1;
		}
	}
	ev->flow = f;
	ev->dir = key->lo_is_src == f->init_lo ? 0 : 1;
	if (f->proto == IPPROTO_TCP) {
		tcp_update(f, key, meta, now_ns, c, ev);
		if (ev->attempt && !ev->created) {
			/* a new connection on the record: its payload is a new stream */
			flow_release(t, f);
			f->scan = 0;
		}
	}
	f->packets[ev->dir]++;
	f->bytes[ev->dir] += bytes;
	if (now_ns > f->last_ns)
		f->last_ns = now_ns;
}

uint32_t
pl_flow_age(struct pl_flow_table *t, uint64_t now_ns, uint32_t budget,
	    const struct pl_flow_ctrs *c)
{
	uint32_t n, k, from, end = t->used_end;

	/* positions from used_end on never held a flow: the sweep stays below it, so it
	 * touches no page of records nothing else touched (a short run faulted in the whole
	 * table here) and spends its budget on flows */
	if (budget > end)
		budget = end;
	for (n = 0; n < budget; n++) {
		uint32_t pos = t->cursor < end ? t->cursor : 0;
		struct pl_flow *f = &t->hot.flows[pos];

		/* each slot may export one record: stop while only the reserve is left, and go
		 * on from this slot once the buffer has been drained */
		if (c->exp && c->exp->n + c->exp->reserve >= c->exp->cap)
			break;

		t->cursor = pos + 1 >= end ? 0 : pos + 1;
		if (f->in_use && flow_expired(t, f, now_ns)) {
			uint8_t why = end_reason(f);

			/* the reason is the state before expiry: a timeout is not a close */
			flow_expire(f, now_ns, c);
			flow_remove(t, pos, c, why);
		} else if (f->in_use && t->active_ns && c->exp && !end_seen(f) &&
			   age_of(now_ns, f->first_ns) >= (uint64_t)(f->flags + 1) * t->active_ns) {
			/* (a flow whose end was seen only lingers for late packets: no active
			 * records, its end record follows when it leaves the table) */
			void *kp;

			f->flags++;
			if (rte_hash_get_key_with_position(t->h, (int32_t)pos, &kp) == 0)
				pl_flow_export_add(c->exp, kp, f, PL_FLOW_END_ACTIVE);
		}
	}
	/* the records the next sweep reads (one line each), on their way into L2 while the
	 * caller's next burst runs: the sweep walks megabytes of records a few at a time, so
	 * each one was a miss to L3 or memory where it waited (perf: most of this function) */
	for (k = 0, from = t->cursor < end ? t->cursor : 0; k < budget; k++) {
		uint32_t pos = from + k;

		rte_prefetch1(&t->hot.flows[pos < end ? pos : pos - end]);
	}
	return n;
}

void
pl_flow_finish(struct pl_flow_table *t, uint64_t end_ns, const struct pl_flow_ctrs *c)
{
	uint32_t pos;

	for (pos = 0; pos < t->used_end; pos++) {
		struct pl_flow *f = &t->hot.flows[pos];

		if (!f->in_use || f->proto != IPPROTO_TCP)
			continue;
		switch (f->tcp_state) {
		case PL_TCPS_SYN_SENT:
			/* Still waiting at the end: unanswered, whatever its age. */
			flow_expire(f, end_ns, c);
			break;
		case PL_TCPS_TIME_WAIT:
		case PL_TCPS_ESTABLISHED:
		case PL_TCPS_FIN_WAIT:
			/* Gauges as they are at end_ns: what ageing would have ended by then. */
			if (flow_expired(t, f, end_ns))
				flow_expire(f, end_ns, c);
			break;
		default: /* SYN_RECV was answered: not unanswered; NONE, CLOSED: nothing */
			break;
		}
	}
}

uint32_t
pl_flow_count(const struct pl_flow_table *t)
{
	return t->count;
}

uint32_t
pl_flow_capacity(const struct pl_flow_table *t)
{
	return t->capacity;
}

uint32_t
pl_flow_limit(const struct pl_flow_table *t)
{
	return t->limit;
}

size_t
pl_flow_records_mapped(const struct pl_flow_table *t)
{
	return t != NULL ? t->records_mapped : 0;
}

size_t
pl_flow_memory(const struct pl_flow_table *t)
{
	return t->memory;
}

void
pl_flow_walk(struct pl_flow_table *t,
	     int (*fn)(const struct pl_tuple *key, const struct pl_flow *f, void *arg),
	     void *arg)
{
	uint32_t pos;

	for (pos = 0; pos < t->used_end; pos++) {
		const struct pl_flow *f = &t->hot.flows[pos];
		struct pl_tuple k;
		void *kp;

		if (!f->in_use || rte_hash_get_key_with_position(t->h, (int32_t)pos, &kp) != 0)
			continue;
		memcpy(&k, kp, sizeof(k));
		/* Shown from the initiator's side: its source is the lower endpoint or not. */
		k.lo_is_src = f->init_lo;
		if (fn(&k, f, arg) != 0)
			return;
	}
}

const char *
pl_tcp_outcome_name(unsigned int o)
{
	static const char *const names[PL_TCP_MAX] = {
#define PL_X_NAME(name, help) [PL_TCP_##name] = #name,
		PL_TCP_OUTCOMES(PL_X_NAME)
#undef PL_X_NAME
	};

	return o < PL_TCP_MAX ? names[o] : "unknown";
}

const char *
pl_flow_ctr_name(unsigned int c)
{
	static const char *const names[PL_FLOWC_MAX] = {
#define PL_X_NAME(name, help) [PL_FLOWC_##name] = #name,
		PL_FLOW_COUNTERS(PL_X_NAME)
#undef PL_X_NAME
	};

	return c < PL_FLOWC_MAX ? names[c] : "unknown";
}

const char *
pl_tcp_state_name(unsigned int s)
{
	static const char *const names[] = {
		[PL_TCPS_NONE] = "none",
		[PL_TCPS_SYN_SENT] = "syn_sent",
		[PL_TCPS_SYN_RECV] = "syn_recv",
		[PL_TCPS_ESTABLISHED] = "established",
		[PL_TCPS_FIN_WAIT] = "fin_wait",
		[PL_TCPS_TIME_WAIT] = "time_wait",
		[PL_TCPS_CLOSED] = "closed",
	};

	return s < RTE_DIM(names) ? names[s] : "unknown";
}
