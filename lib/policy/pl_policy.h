/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Policy: findings, per-source rate limits and per-class QoS meters.
 *
 * Findings are aggregated by (kind, source, destination, port) in small open-addressing
 * tables of bounded size: each worker fills one per counter bank (per tick), the stats role
 * merges them into one table of `findings.max` entries. A finding that does not fit is
 * counted, never silently lost. Nothing here allocates, locks or logs on the fast path.
 * A rate_limit finding is one per source: its key is (kind, source), and its destination
 * and port name the source's main target, a value (pl_finding_target()).
 *
 * Rate limits are token buckets in packet time, one per source address and worker. Symmetric
 * distribution spreads a source's connections over workers by their 5-tuples, so with W
 * workers each enforces rate / W and burst / W: exact with one worker (offline by default),
 * approximate with several (a source is flagged when its busiest worker's share exceeds
 * 1/W of the limit; with many connections the shares are close to even).
 *
 * QoS: one two-rate three-colour meter (rte_meter trTCM, RFC 2698) per class and worker,
 * committed rate = share x link, peak rate = min(share x peak, 1) x link, each divided by W.
 */
#ifndef PL_POLICY_H
#define PL_POLICY_H

#include <stdint.h>
#include <rte_meter.h>

#include "pl_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PL_FINDING_DETAIL_LEN 48

/** One finding: what, between whom, how often, when. Addresses in network order. */
struct pl_finding {
	uint8_t kind;      /**< enum pl_finding_kind */
	uint8_t family;    /**< 4, 6, or 0 when there is no address */
	uint8_t has_dst;
	uint8_t has_port;
	uint16_t port;
	uint16_t pad;
	uint8_t src[16];
	uint8_t dst[16];
	uint64_t count;
	uint64_t first_ns;
	uint64_t last_ns;
	uint32_t peak_per_s;     /**< rate_limit: most new connections in any one second */
	uint32_t target_conns;   /**< rate_limit: new connections to the target (dst, port) */
	char detail[PL_FINDING_DETAIL_LEN];
};

/**
 * Slots of an open-addressing table that holds up to @p max entries: a power of two, at
 * least 16, with the load kept at or under 3/4 so probes stay short. Shared by the
 * findings and the top-talkers tables.
 */
static inline uint32_t
pl_table_slots(uint32_t max)
{
	uint32_t cap = 16;

	while (cap / 4 * 3 < max)
		cap <<= 1;
	return cap;
}

/** A bounded findings table. */
struct pl_findings {
	uint32_t cap;       /**< slots, a power of two */
	uint32_t max;       /**< most entries kept (<= 3/4 of cap) */
	uint32_t n;
	uint32_t pad;
	uint64_t dropped;   /**< finding events that did not fit */
	struct pl_finding e[];
};

/**
 * Create a findings table holding up to @p max findings.
 *
 * @param socket  NUMA socket (rte_malloc); SOCKET_ID_ANY is fine.
 * @return the table, or NULL.
 */
struct pl_findings *pl_findings_create(uint32_t max, int socket);

/** Free a findings table (NULL is fine). */
void pl_findings_free(struct pl_findings *t);

/** Empty a table. */
void pl_findings_clear(struct pl_findings *t);

/**
 * Record a finding: add to the entry with the same (kind, family, src, dst, port), or start
 * one. f->count is added; times widen; the detail of the first report is kept.
 *
 * @return 0, or -ENOSPC when the table is full (counted in dropped).
 */
int pl_findings_add(struct pl_findings *t, const struct pl_finding *f);

/**
 * Count one event of a finding without building it whole: find the entry with the key of
 * @p key (kind, family, addresses, port; count, times and detail ignored) and add one event
 * at @p now_ns, or start an entry. The caller fills the detail of a new entry, so text is
 * formatted once per finding, not once per event (the fast path's way in).
 *
 * @param is_new  out: 1 when the entry was just made (its detail is empty).
 * @return the entry, or NULL when the table is full (counted in dropped).
 */
struct pl_finding *pl_findings_touch(struct pl_findings *t, const struct pl_finding *key,
				     uint64_t now_ns, int *is_new);

/**
 * Set a rate_limit finding's target and peak from a source's statistics, keeping the larger:
 * the target with more connections (ties: the entry's), the higher peak. Also how merging
 * two entries of one source combines them.
 *
 * @param e       the finding.
 * @param family  4 or 6.
 * @param dst     the target's address, or NULL when the source opened no connection.
 */
void pl_finding_target(struct pl_finding *e, int family, const uint8_t *dst, uint16_t port,
		       uint32_t target_conns, uint32_t peak_per_s);

/** Merge every entry of @p src into @p dst (src->dropped is added too). */
void pl_findings_merge(struct pl_findings *dst, const struct pl_findings *src);

/**
 * Visit the entries in a stable order (kind, then first time, then addresses).
 *
 * @param out  room for t->n pointers.
 * @return number of entries.
 */
uint32_t pl_findings_sorted(const struct pl_findings *t, const struct pl_finding **out);

/* ---- token buckets ---- */

/** A token bucket in packet time. */
struct pl_bucket {
	double tokens;
	uint64_t last_ns;
};

/**
 * Take one token.
 *
 * @return 1 if a token was there (conforming), 0 if the bucket was empty (over the rate).
 */
static inline int
pl_bucket_take(struct pl_bucket *b, double rate, double burst, uint64_t now_ns)
{
	if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * 1e-9 * rate;
		if (b->tokens > burst)
			b->tokens = burst;
		b->last_ns = now_ns;
	}
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return 1;
	}
	return 0;
}

/** A source idle this long (packet time) has full buckets again: it is forgotten, and its
 * connection statistics start afresh at its next packet. */
#define PL_SOURCE_IDLE_NS (10ULL * 1000000000ULL)

/** Per-worker table of sources. */
struct pl_sources;

/** Targets (destination, port) counted per source (Space-Saving: see pl_sources_conn()). */
#define PL_SOURCE_TARGETS 4

/** The window of a source's connection peak: any one second of packet time. */
#define PL_SOURCE_WINDOW_NS 1000000000ULL

/** One target of a source's new connections. */
struct pl_src_target {
	uint8_t addr[16];
	uint16_t port;
	uint16_t pad;
	uint32_t conns;          /**< new connections to it (0: unused entry) */
};

/**
 * Per-source rate state: buckets for new connections and packets, and the statistics of
 * its new connections since it was last idle for PL_SOURCE_IDLE_NS: the most in any one
 * second and the targets it opened most connections to.
 */
struct pl_source {
	struct pl_bucket conn;
	struct pl_bucket pkt;
	uint64_t last_ns;
	uint64_t since_ns;       /**< when these statistics started (the source new or idle) */
	uint32_t win_conns;      /**< new connections in the second up to the latest one */
	uint32_t peak_per_s;     /**< most new connections in any one second (sliding) */
	struct pl_src_target tgt[PL_SOURCE_TARGETS];
};

/**
 * Count a new connection of source @p s (held in table @p t) to (@p dst, @p port) at
 * @p now_ns: its one-second window and peak, and its target counts.
 *
 * The peak is the most new connections the source opened in any one-second window of
 * packet time, [a, a + 1 s) for any a, not only whole seconds: each connection counts the
 * source's connections in the second up to and including it, (now - 1 s, now], and the
 * peak is the largest such count. The table keeps the time and source of every
 * connection of the last second in one ring shared by its sources (16 bytes a connection,
 * as many as the table has sources, allocated with it), and takes each out of its source's
 * count once it is a second old: exact while the worker sees at most that many new
 * connections in one second. Beyond, the oldest connection is taken out early and counted
 * (the return value): the peaks of that second may then come out lower. Packet time that
 * goes backwards counts at the latest time seen.
 *
 * Targets are kept the Space-Saving way in PL_SOURCE_TARGETS entries: a target not held
 * replaces the one with the fewest connections and inherits its count plus one. Counts are
 * exact while the source has opened connections to at most PL_SOURCE_TARGETS distinct
 * targets; beyond, any target with more than 1/PL_SOURCE_TARGETS of its connections is
 * held, its count over by at most that share.
 *
 * @return 1 when a connection still in its second had to be taken out early (the ring
 *         was full), else 0.
 */
int pl_sources_conn(struct pl_sources *t, struct pl_source *s, int family, const uint8_t *dst,
		    uint16_t port, uint64_t now_ns);

/**
 * A source's main target: the entry with the most connections (ties: the lower address,
 * then the lower port), or NULL when it opened none.
 */
const struct pl_src_target *pl_source_target(const struct pl_source *s);

/**
 * Create a source table for one worker.
 *
 * @param name      unique (rte_hash).
 * @param capacity  most sources.
 * @param socket    NUMA socket.
 * @return the table, or NULL with rte_errno set.
 */
struct pl_sources *pl_sources_create(const char *name, uint32_t capacity, int socket);

/** Free a source table (NULL is fine). */
void pl_sources_free(struct pl_sources *t);

/**
 * The state of a source, created with full buckets if new. A source idle for more than
 * PL_SOURCE_IDLE_NS (last_ns) starts afresh as if new, whether or not ageing forgot it yet,
 * so its statistics do not depend on how fast ageing sweeps.
 *
 * @param family  4 or 6.
 * @param addr    4 or 16 bytes.
 * @param burst_conn, burst_pkt  initial tokens.
 * @return the state, or NULL when the table is full (the source is then not limited).
 */
struct pl_source *pl_sources_get(struct pl_sources *t, int family, const uint8_t *addr,
				 double burst_conn, double burst_pkt, uint64_t now_ns);

/**
 * Incremental ageing: forget up to @p budget sources idle for more than @p idle_ns
 * (their buckets are full again, so forgetting them changes nothing).
 */
void pl_sources_age(struct pl_sources *t, uint64_t now_ns, uint64_t idle_ns, uint32_t budget);

/** Sources held now. */
uint32_t pl_sources_count(const struct pl_sources *t);

/* ---- QoS ---- */

/** Meter colours, in rte_meter's order. */
#define PL_COLOURS(X) X(green) X(yellow) X(red)

/**
 * Configure a trTCM profile for a class: committed = share x link / workers, peak =
 * min(share x peak, 1) x link / workers (bytes per second), bursts of 10 ms at each rate
 * (at least one jumbo frame).
 *
 * @return 0 or a negative errno.
 */
int pl_qos_profile(struct rte_meter_trtcm_profile *p, double share, double peak,
		   uint64_t link_bps, unsigned int workers);

/**
 * Colour a packet at packet time.
 *
 * @param hz  the TSC rate rte_meter converts rates with (rte_get_tsc_hz()).
 * @return enum rte_color.
 */
static inline enum rte_color
pl_qos_colour(struct rte_meter_trtcm *m, struct rte_meter_trtcm_profile *p, uint64_t now_ns,
	      uint64_t hz, uint32_t bytes)
{
	uint64_t t = (uint64_t)((double)now_ns * ((double)hz * 1e-9));

	return rte_meter_trtcm_color_blind_check(m, p, t, bytes);
}

/**
 * A trTCM meter (RFC 2698, colour blind) that gives exactly the colours of
 * rte_meter_trtcm_color_blind_check() for the same profile, state and times, without its two
 * 64-bit divisions per packet: the number of token periods elapsed is a multiply by a
 * precomputed reciprocal of the period and at most two corrections, and packet time (ns)
 * becomes the meter's TSC time by a fixed-point multiply instead of floating point.
 */
struct pl_meter {
	uint64_t time_tc, time_tp;   /**< times of the buckets' last updates (TSC) */
	uint64_t tc, tp;             /**< bytes in the committed and peak buckets */
	uint64_t cbs, pbs;           /**< bucket sizes */
	uint64_t cir_period, cir_bytes, pir_period, pir_bytes; /**< per period (TSC, bytes) */
	uint64_t cir_inv, pir_inv;   /**< floor((2^64 - 1) / period) */
	uint64_t ns_mult;            /**< TSC cycles per ns, 32.32 fixed point */
};

/**
 * Set a meter up from an rte_meter trTCM profile: full buckets, as rte_meter_trtcm_config()
 * leaves them, and bucket times @p t0 (TSC).
 *
 * @param hz  the TSC rate the profile was made with (rte_get_tsc_hz()).
 */
void pl_meter_config(struct pl_meter *m, const struct rte_meter_trtcm_profile *p, uint64_t hz,
		     uint64_t t0);

/*
 * floor(d / period) and its remainder, from floor((2^64 - 1) / period): the estimate is at
 * most 2 short.
 */
static inline uint64_t
pl_meter_divmod(uint64_t d, uint64_t period, uint64_t inv, uint64_t *rem)
{
	uint64_t q = (uint64_t)(((unsigned __int128)d * inv) >> 64);
	uint64_t r = d - q * period;

	while (r >= period) {
		q++;
		r -= period;
	}
	*rem = r;
	return q;
}

/* floor(d / period), from floor((2^64 - 1) / period). */
static inline uint64_t
pl_meter_periods(uint64_t d, uint64_t period, uint64_t inv)
{
	uint64_t r;

	return pl_meter_divmod(d, period, inv, &r);
}

/*
 * One token bucket brought to @p time (TSC): the whole periods since its last update add
 * their bytes, up to its size; its time moves on by those periods, which is @p time less
 * the remainder (no multiply).
 */
static inline uint64_t
pl_meter_refill(uint64_t time, uint64_t *last, uint64_t period, uint64_t inv,
		uint64_t bytes_per_period, uint64_t tokens, uint64_t size)
{
	uint64_t r, n = pl_meter_divmod(time - *last, period, inv, &r);

	*last = time - r;
	return RTE_MIN(tokens + n * bytes_per_period, size);
}

/**
 * Colour a packet at a meter's own time (TSC): rte_meter_trtcm_color_blind_check()'s
 * colour and state changes, exactly.
 */
static inline enum rte_color
pl_meter_colour_tsc(struct pl_meter *m, uint64_t time, uint32_t bytes)
{
	uint64_t tc = pl_meter_refill(time, &m->time_tc, m->cir_period, m->cir_inv, m->cir_bytes,
				      m->tc, m->cbs);
	uint64_t tp = pl_meter_refill(time, &m->time_tp, m->pir_period, m->pir_inv, m->pir_bytes,
				      m->tp, m->pbs);

	if (tp < bytes) {
		m->tc = tc;
		m->tp = tp;
		return RTE_COLOR_RED;
	}
	m->tp = tp - bytes;
	if (tc < bytes) {
		m->tc = tc;
		return RTE_COLOR_YELLOW;
	}
	m->tc = tc - bytes;
	return RTE_COLOR_GREEN;
}

/** Colour a packet at packet time (ns). */
static inline enum rte_color
pl_meter_colour(struct pl_meter *m, uint64_t now_ns, uint32_t bytes)
{
	return pl_meter_colour_tsc(m, (uint64_t)(((unsigned __int128)now_ns * m->ns_mult) >> 32),
				   bytes);
}

/**
 * Rewrite the DSCP of an IP packet (IPv4 header checksum updated incrementally; IPv6
 * traffic class).
 *
 * @param ip     the IP header.
 * @param ipv6   non-zero for IPv6.
 * @param dscp   0-63.
 */
void pl_dscp_set(uint8_t *ip, int ipv6, uint8_t dscp);

#ifdef __cplusplus
}
#endif

#endif /* PL_POLICY_H */
