/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Flow tracking: a per-worker flow table with a TCP state machine.
 *
 * Each worker owns one table (single writer, no locks): an rte_hash keyed by the canonical
 * 5-tuple (struct pl_tuple) and an array of flow records indexed by the key's position.
 * Symmetric distribution puts both directions of a connection on the same worker.
 *
 * TCP outcomes (DESIGN.md): attempted (SYN without ACK), established (3-way handshake
 * seen), rejected (attempt answered by RST), unanswered (no SYN-ACK or RST before the SYN
 * timeout or the end of the capture), closed (FIN from both sides), reset (established,
 * then RST), reset_in_handshake (the initiator's RST before the handshake completed: an
 * abort, e.g. a half-open scan), and the gauges time_wait (closed within the TIME_WAIT
 * period of the table's packet time) and active (established, neither closed nor reset).
 * Each outcome is counted once per connection, at the moment it happens, into the caller's
 * counters.
 *
 * Time is packet time. Ageing is incremental: each call to pl_flow_age() examines a bounded
 * number of slots, so it never stalls the worker.
 */
#ifndef PL_FLOW_H
#define PL_FLOW_H

#include <stdint.h>
#include <netinet/in.h>

#include "pl_dist.h"
#include "pl_parse.h"

#ifdef __cplusplus
extern "C" {
#endif

/** TCP outcome counters: X(name, "help"). Gauges are deltas too (+1 / -1). */
#define PL_TCP_OUTCOMES(X) \
	X(attempted, "connection attempts: SYN without ACK") \
	X(established, "three-way handshakes completed") \
	X(rejected, "attempts answered by RST") \
	X(unanswered, "attempts with no SYN-ACK or RST before the SYN timeout or the end") \
	X(closed, "connections closed by FIN from both sides") \
	X(reset, "established connections ended by RST") \
	X(time_wait, "gauge: closed within the TIME_WAIT period") \
	X(active, "gauge: established, not closed or reset") \
	X(reset_in_handshake, "attempts reset by the initiator before the handshake completed")

enum pl_tcp_outcome {
#define PL_X_ENUM(name, help) PL_TCP_##name,
	PL_TCP_OUTCOMES(PL_X_ENUM)
#undef PL_X_ENUM
	PL_TCP_MAX
};

/** Flow-table counters: X(name, "help"). */
#define PL_FLOW_COUNTERS(X) \
	X(created, "flows added to the table") \
	X(table_full, "new flows not tracked because the table was full") \
	X(evicted, "flows removed by ageing (timeouts)") \
	X(tracked, "gauge: flows in the table")

enum pl_flow_ctr {
#define PL_X_ENUM(name, help) PL_FLOWC_##name,
	PL_FLOW_COUNTERS(PL_X_ENUM)
#undef PL_X_ENUM
	PL_FLOWC_MAX
};

/** TCP connection states. */
enum pl_tcp_state {
	PL_TCPS_NONE = 0,     /**< not TCP, or TCP picked up mid-stream (no SYN seen) */
	PL_TCPS_SYN_SENT,     /**< SYN seen, no answer yet */
	PL_TCPS_SYN_RECV,     /**< SYN-ACK seen */
	PL_TCPS_ESTABLISHED,
	PL_TCPS_FIN_WAIT,     /**< FIN from one side */
	PL_TCPS_TIME_WAIT,    /**< FIN from both sides: closed */
	PL_TCPS_CLOSED,       /**< reset, rejected or unanswered: final */
};

/**
 * One flow. Direction 0 is the flow's initiator (source of its first packet, or of the
 * SYN), direction 1 the responder. 64 bytes.
 */
struct pl_flow {
	uint64_t first_ns;
	uint64_t last_ns;
	uint64_t state_ns;      /**< when the current TCP state began (timeouts) */
	uint32_t packets[2];
	uint64_t bytes[2];
	uint16_t server_port;   /**< destination port of the initiator */
	uint8_t tcp_state;      /**< enum pl_tcp_state */
	uint8_t fin_seen;       /**< PL_FLOW_SEEN_* bits: FIN (0-1), handshake (2-5), RST (6) */
	uint8_t init_lo;        /**< 1 when the initiator is the tuple's lower endpoint */
	uint8_t cls;            /**< class index or PL_CLASS_NONE (set by the caller) */
	uint8_t scan;           /**< payload scanning state (PL_SCAN_* bits, the caller's) */
	uint8_t verdict;        /**< enum pl_verdict (set by the caller) */
	uint16_t app_protos;    /**< detected protocols (enum pl_app_proto bits) */
	uint16_t stream;        /**< the caller's scan stream slot, 0: none (see
				 *   pl_flow_set_release()) */
	uint16_t flags;         /**< active-timeout exports made so far (flow export) */
	uint8_t proto;          /**< IPPROTO_* */
	uint8_t in_use;
};

/**
 * Bits of pl_flow.fin_seen, per direction @p d (0 initiator, 1 responder). Bit 0: FIN from
 * dir 0, bit 1: FIN from dir 1, as before; the handshake bits record which SYNs were seen and
 * which were acknowledged by the other side, so that a simultaneous open (SYN from both sides,
 * then SYN-ACKs) is recognised as established when each side's SYN has been acknowledged.
 */
#define PL_FLOW_SEEN_FIN(d)   (0x01u << (d))  /**< FIN from direction d */
#define PL_FLOW_SEEN_SYN(d)   (0x04u << (d))  /**< SYN from direction d */
#define PL_FLOW_SEEN_ACKED(d) (0x10u << (d))  /**< direction d's SYN acknowledged */
#define PL_FLOW_SEEN_RST      0x40u           /**< the connection ended by RST */

/** Why a flow record was exported (the values of IPFIX flowEndReason). */
enum pl_flow_end {
	PL_FLOW_END_IDLE = 1,    /**< idle timeout */
	PL_FLOW_END_ACTIVE = 2,  /**< active timeout: the flow goes on */
	PL_FLOW_END_CLOSED = 3,  /**< end seen: FIN both ways, or RST (reset, rejected) */
	PL_FLOW_END_FORCED = 4,  /**< end of the traffic (shutdown, end of a capture) */
	PL_FLOW_END_LACK = 5,    /**< lack of resources: never sent, a full table refuses new
				      flows (flows.table_full) instead of evicting tracked ones */
};


/** A flow as it was when exported: its key, the record, and why. */
struct pl_flow_rec {
	struct pl_tuple key;     /**< lo_is_src == init_lo: the initiator is the source */
	struct pl_flow f;
	uint8_t reason;          /**< enum pl_flow_end */
};

/**
 * A bounded buffer of exported flows (one per counter bank of a worker). Ageing leaves the
 * last @c reserve records of room to the flows that end as a packet arrives (a flow timed
 * out before ageing reached it, started afresh in place, whose record cannot wait): past
 * that, ageing stops and the flows it would have ended stay in the table, with their
 * records, until the buffer has been drained. So a control plane that drains late delays
 * records, and only a buffer filled by packets alone loses any (counted in @c dropped).
 */
struct pl_flow_export {
	uint32_t n;
	uint32_t cap;
	uint32_t reserve;        /**< room ageing leaves (see above) */
	uint32_t pad;
	uint64_t dropped;        /**< records that did not fit */
	struct pl_flow_rec rec[];
};

/** Counters a table updates: the caller points them into its counter bank. */
struct pl_flow_ctrs {
	uint64_t *tcp;   /**< [PL_TCP_MAX] */
	uint64_t *flow;  /**< [PL_FLOWC_MAX] */
	struct pl_flow_export *exp; /**< where ended flows go (flow export), or NULL */
};

/** Result of pl_flow_update(): what this packet did. */
struct pl_flow_event {
	struct pl_flow *flow;  /**< the flow, or NULL when not tracked (table full) */
	uint8_t dir;           /**< 0: from the initiator, 1: from the responder */
	uint8_t created;       /**< this packet created the flow */
	uint8_t attempt;       /**< this packet is a new connection attempt (SYN, no ACK) */
	uint8_t established;   /**< this packet completed the handshake */
};

struct pl_flow_table;

/**
 * Create a table.
 *
 * @param name      unique name (rte_hash).
 * @param capacity  most flows (>= 8). The table holds at most 15/16 of the hash's
 *                  power-of-two slot count (a cuckoo table searches long when nearly full),
 *                  so a power-of-two capacity holds 15/16 of it; other values hold all.
 * @param socket    NUMA socket.
 * @return the table, or NULL with rte_errno set.
 */
struct pl_flow_table *pl_flow_create(const char *name, uint32_t capacity, int socket);

/** Free a table (NULL is fine). */
void pl_flow_free(struct pl_flow_table *t);

/**
 * Export flows: every flow that ends (removed by ageing, restarted in place after a
 * timeout) is appended to the caller's export buffer (pl_flow_ctrs.exp), and a flow older
 * than each multiple of @p active_ns is exported again with reason ACTIVE (checked by the
 * ageing sweep), unless its end was seen (FIN from both sides, RST: it only lingers for late
 * packets). 0 turns active exports off. Without an export buffer nothing is recorded.
 */
void pl_flow_set_active_timeout(struct pl_flow_table *t, uint64_t active_ns);

/** Append a flow to an export buffer (counted in dropped when full). */
void pl_flow_export_add(struct pl_flow_export *e, const struct pl_tuple *key,
			const struct pl_flow *f, uint8_t reason);

/**
 * A flow's end, for state the caller keeps outside the record (a scan stream): @p fn is
 * called for each flow that holds a stream (pl_flow.stream != 0) when it ends, removed by
 * ageing or restarted in place after a timeout, and when a new connection starts on its
 * record; the record is cleared after it. @p fn runs on the table's worker, inside the
 * table's calls, and must not call the table.
 */
void pl_flow_set_release(struct pl_flow_table *t, void (*fn)(void *arg, struct pl_flow *f),
			 void *arg);

/** Set the timeouts (ns of packet time); defaults 5 s, 300 s, 60 s, 60 s. */
void pl_flow_set_timeouts(struct pl_flow_table *t, uint64_t syn_ns, uint64_t tcp_idle_ns,
			  uint64_t udp_idle_ns, uint64_t time_wait_ns);

/**
 * Account one IP packet (not a fragment) to its flow, creating the flow if needed, and run
 * the TCP state machine. Counts outcomes into @p c.
 *
 * A full table: the packet's flow is not tracked (event.flow is NULL) and table_full is
 * counted; flows already tracked are unaffected, and ageing makes room again.
 *
 * Connection reuse: a SYN (without ACK) on a flow that is closed, reset, rejected,
 * unanswered or in TIME_WAIT starts a new connection on the same record (a new attempt).
 * A retransmitted SYN on a flow in SYN_SENT is not a new attempt. Simultaneous open (SYN
 * from both sides, then SYN-ACKs) counts one attempt and one established.
 *
 * @param t       the table.
 * @param key     the packet's canonical tuple (pl_dist_tuple()).
 * @param hash    pl_dist_hash_tuple(key).
 * @param meta    the packet's parse result (proto, flags, ports, TCP flags).
 * @param bytes   frame bytes.
 * @param now_ns  packet time.
 * @param c       counters to update.
 * @param ev      out: what happened.
 */
void pl_flow_update(struct pl_flow_table *t, const struct pl_tuple *key, uint32_t hash,
		    const struct pl_meta *meta, uint32_t bytes, uint64_t now_ns,
		    const struct pl_flow_ctrs *c, struct pl_flow_event *ev);

/** pl_flow_update_at() hint: no lookup was made for this packet. */
#define PL_FLOW_NO_HINT (-1)
/** pl_flow_lookup_burst() position: looked up, not in the table. */
#define PL_FLOW_ABSENT (-2)

/**
 * Look a burst of packets' flows up at once: the table's cache of recent flows first, then
 * what it misses with rte_hash's bulk lookup, which fetches every key's buckets before
 * comparing any, so the cache misses of a table bigger than the caches overlap instead of
 * queueing (one or two misses are looked up singly: the bulk set-up would cost more than
 * it overlaps); the records of the flows found are prefetched too. Pass
 * each position to pl_flow_update_at() for the same packet, in order, before the table is
 * aged (pl_flow_age() frees positions; updates never do, so the positions stay valid for
 * the whole burst).
 *
 * @param keys    the packets' tuples (pl_dist_tuple(); the direction field is ignored).
 * @param hashes  pl_dist_hash_tuple() of each.
 * @param n       number of keys (any).
 * @param pos     out: each key's position, or PL_FLOW_ABSENT when it is not in the table
 *                (another negative value: not looked up). Use them before the next call.
 */
void pl_flow_lookup_burst(struct pl_flow_table *t, const struct pl_tuple *keys,
			  const uint32_t *hashes, uint32_t n, int32_t *pos);

/**
 * pl_flow_update() for a packet whose flow was looked up by pl_flow_lookup_burst(): a
 * position found is used as it is; PL_FLOW_ABSENT is looked up again only when an earlier
 * packet of the burst created a flow with the same hash (the table remembers the hashes of
 * the flows it added since the lookup), and the flow is created if still absent; any other
 * negative hint is looked up.
 */
void pl_flow_update_at(struct pl_flow_table *t, const struct pl_tuple *key, uint32_t hash,
		       int32_t hint, const struct pl_meta *meta, uint32_t bytes,
		       uint64_t now_ns, const struct pl_flow_ctrs *c,
		       struct pl_flow_event *ev);

/**
 * The head of every flow table: what the inline hit path (pl_flow_hit()) reads. The rest of
 * the table is private to lib/flow.
 */
struct pl_flow_hot {
	struct pl_flow *flows;   /**< records, indexed by key position */
	uint64_t syn_ns;         /**< timeouts, ns of packet time (pl_flow_set_timeouts()) */
	uint64_t tcp_idle_ns;
	uint64_t udp_idle_ns;
	uint64_t time_wait_ns;
};

/** The record at position @p pos (>= 0) of pl_flow_lookup_burst(). */
static inline struct pl_flow *
pl_flow_at(struct pl_flow_table *t, int32_t pos)
{
	return &((const struct pl_flow_hot *)t)->flows[pos];
}

/**
 * Has a flow timed out at @p now_ns (packet time)? SYN_SENT and SYN_RECV after the SYN
 * timeout since their state began, TIME_WAIT after the TIME_WAIT period since it began,
 * CLOSED after that period since its last packet, other TCP states after the TCP idle
 * timeout, other protocols after the UDP idle timeout (both since the last packet). Time
 * that went backwards counts as no time.
 */
static inline int
pl_flow_expired(const struct pl_flow_hot *h, const struct pl_flow *f, uint64_t now_ns)
{
	uint64_t since = f->last_ns, limit = h->tcp_idle_ns;

	if (f->proto != IPPROTO_TCP) {
		limit = h->udp_idle_ns;
	} else {
		switch (f->tcp_state) {
		case PL_TCPS_SYN_SENT:
		case PL_TCPS_SYN_RECV:
			since = f->state_ns;
			limit = h->syn_ns;
			break;
		case PL_TCPS_TIME_WAIT:
			since = f->state_ns;
			limit = h->time_wait_ns;
			break;
		case PL_TCPS_CLOSED:
			limit = h->time_wait_ns;
			break;
		default: /* NONE, ESTABLISHED, FIN_WAIT */
			break;
		}
	}
	return (now_ns > since ? now_ns - since : 0) >= limit;
}

/**
 * The flow cache's hit path, inline: account a packet whose flow the burst's lookup found
 * (@p pos >= 0) when it changes nothing but the flow's counts and time: the flow has not
 * timed out, and it is not TCP, or the packet has no SYN, FIN or RST and the connection is
 * not in its handshake. Everything else (not found, timed out, a TCP state change) is left
 * to pl_flow_update_at(), which gives the same result for what this takes.
 *
 * @return 1 when the packet was accounted (@p ev filled as pl_flow_update_at() does),
 *         0 when the caller must call pl_flow_update_at().
 */
static inline int
pl_flow_hit(struct pl_flow_table *t, const struct pl_tuple *key, int32_t pos,
	    const struct pl_meta *meta, uint32_t bytes, uint64_t now_ns,
	    struct pl_flow_event *ev)
{
	const struct pl_flow_hot *h = (const struct pl_flow_hot *)t;
	struct pl_flow *f;
	unsigned int d;

	if (pos < 0)
		return 0;
	f = pl_flow_at(t, pos);
	if (f->proto == IPPROTO_TCP &&
	    ((meta->tcp_flags & 0x07) != 0 /* FIN, SYN, RST */ ||
	     f->tcp_state == PL_TCPS_SYN_SENT || f->tcp_state == PL_TCPS_SYN_RECV))
		return 0;
	if (pl_flow_expired(h, f, now_ns))
		return 0;
	d = key->lo_is_src == f->init_lo ? 0 : 1;
	ev->flow = f;
	ev->dir = (uint8_t)d;
	ev->created = ev->attempt = ev->established = 0;
	f->packets[d]++;
	f->bytes[d] += bytes;
	if (now_ns > f->last_ns)
		f->last_ns = now_ns;
	return 1;
}

/**
 * Incremental ageing: examine up to @p budget slots from where the last call stopped;
 * expire what timed out at @p now_ns (SYN timeout: unanswered; TIME_WAIT over: time_wait
 * gauge down; idle: flow forgotten, active gauge down if it was established) and remove
 * expired flows (evicted). With an export buffer (@p c->exp), ageing stops early while the
 * buffer has no more than its reserve of room left (struct pl_flow_export): nothing it
 * would export is lost, it waits in the table for the next call after a drain.
 *
 * @return slots examined.
 */
uint32_t pl_flow_age(struct pl_flow_table *t, uint64_t now_ns, uint32_t budget,
		     const struct pl_flow_ctrs *c);

/**
 * End of the traffic (end of a capture, or shutdown): every attempt still waiting is
 * unanswered; TIME_WAIT and active gauges are left as they are at @p end_ns (closes within
 * TIME_WAIT of end_ns stay counted in time_wait, older ones leave it). Flows stay in the
 * table.
 */
void pl_flow_finish(struct pl_flow_table *t, uint64_t end_ns, const struct pl_flow_ctrs *c);

/** Flows in the table now. */
uint32_t pl_flow_count(const struct pl_flow_table *t);

/** Capacity, and bytes of memory the table uses (hash, keys, records). */
uint32_t pl_flow_capacity(const struct pl_flow_table *t);
size_t pl_flow_memory(const struct pl_flow_table *t);

/**
 * Bytes of the table mapped outside the EAL's heap: the flow records, when the EAL has no
 * hugepages (they are then on transparent huge pages where the kernel allows); 0 otherwise.
 * pl_flow_memory() counts them too.
 */
size_t pl_flow_records_mapped(const struct pl_flow_table *t);

/** Most flows the table holds (the capacity, or 15/16 of it for a power of two). */
uint32_t pl_flow_limit(const struct pl_flow_table *t);

/**
 * Visit every flow (control plane: `show flows`, tests). Not safe while the owner worker
 * runs.
 *
 * @param fn  called with the key and flow; return non-zero to stop.
 */
void pl_flow_walk(struct pl_flow_table *t,
		  int (*fn)(const struct pl_tuple *key, const struct pl_flow *f, void *arg),
		  void *arg);

/**
 * Why a flow still in the table ends when the traffic ends at @p end_ns (the flows
 * pl_flow_walk() visits after pl_flow_finish()): CLOSED when its end was seen (FIN from both
 * sides, RST), IDLE when it had timed out by @p end_ns (ageing had not reached it yet),
 * FORCED otherwise.
 */
uint8_t pl_flow_end_reason(const struct pl_flow_table *t, const struct pl_flow *f,
			   uint64_t end_ns);

/** Name of a TCP outcome / flow counter / TCP state. */
const char *pl_tcp_outcome_name(unsigned int o);
const char *pl_flow_ctr_name(unsigned int c);
const char *pl_tcp_state_name(unsigned int s);

#ifdef __cplusplus
}
#endif

#endif /* PL_FLOW_H */
