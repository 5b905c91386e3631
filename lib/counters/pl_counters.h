/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Per-lcore counter blocks: single writer, lock-free reader, consistent cuts.
 *
 * Every lcore of the packet path owns one block (struct pl_lcore_ctr) and is its only
 * writer. The writer wraps each burst's updates in pl_ctr_begin()/pl_ctr_end(), which bump
 * the block's sequence number (odd while a burst is being counted). The counters
 * themselves are deltas kept in two banks: the writer adds into the current bank, and the
 * stats lcore asks for a flip. The writer honours the request at its next pl_ctr_begin(),
 * that is between two bursts, so the bank it leaves is a complete, consistent set of
 * deltas ending on a burst boundary; the stats lcore adds it into its running totals and
 * clears it while the writer fills the other bank. Per-port tables are far too large to be
 * copied between two bursts, which is why a retry-on-sequence read of one live block cannot
 * work at line rate and the flip is used instead; the sequence still tells the reader
 * whether a writer is alive (it moves) and whether it is stuck inside a burst (odd and
 * still). Scalar counters are defined once in PL_CTR_SCALARS; adding one is one line.
 */
#ifndef PL_COUNTERS_H
#define PL_COUNTERS_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_prefetch.h>

#include "pl_classify.h"
#include "pl_config.h"
#include "pl_flow.h"
#include "pl_parse.h"
#include "pl_policy.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most workers (and rings per RX lcore). */
#define PL_MAX_WORKERS 64
/** Frame-size histogram buckets, RMON / NIC convention (see pl_ctr_size_bucket()). */
#define PL_SIZE_BUCKETS 7
/** Ethernet FCS: frames as received carry none, the wire sizes count it. */
#define PL_ETH_FCS 4
/** Least Ethernet frame without the FCS: a shorter frame is padded on the wire. */
#define PL_ETH_MIN 60
/** Inter-arrival histogram: bucket b holds gaps in [2^b, 2^(b+1)) ns; bucket 0 also 0 ns. */
#define PL_IAT_BUCKETS 40
/** Interval slots one bank can hold (a bank covers one stats tick). */
#define PL_IVAL_SLOTS 65536
/** 64-port groups per direction, for the touched-group bitmap. */
#define PL_PORT_GROUPS (65536 / 64)
/**
 * Rows of the per-port tables: one per direction (by destination port), then one for
 * outgoing traffic by local service port: the source port of packets a local server sends
 * to a client outside (the responder's side of a flow, direction out).
 */
#define PL_PORT_ROWS (PL_DIR_MAX + 1)
/** The row of outgoing traffic by local service port. */
#define PL_PORT_ROW_SERVICE PL_DIR_MAX

/** Scalar counters: X(name, "help"). Adding a counter is one line here. */
#define PL_CTR_SCALARS(X) \
	X(rx_packets, "frames received from ports") \
	X(rx_bytes, "bytes received from ports") \
	X(packets, "frames analysed") \
	X(bytes, "bytes analysed") \
	X(malformed, "frames whose headers could not be parsed") \
	X(non_ip, "well-formed frames that are not IPv4/IPv6") \
	X(fragments, "IPv4/IPv6 fragments (first and later)") \
	X(ipv4, "IPv4 packets") \
	X(ipv6, "IPv6 packets") \
	X(tcp, "TCP packets (not fragments)") \
	X(udp, "UDP packets (not fragments)") \
	X(icmp, "ICMP and ICMPv6 packets (not fragments)") \
	X(l4_other, "other L4 protocols (not fragments)") \
	X(processed, "frames analysed and disposed of normally (forwarded + freed)") \
	X(forwarded, "frames transmitted (inline mode)") \
	X(freed, "frames freed after analysis (monitor mode)") \
	X(enqueued, "frames handed to workers (RX lcores)") \
	X(ival_overflow, "frames whose time fell outside the interval window") \
	PL_SCAN_COUNTERS(X) \
	X(off_port, "flows whose detected protocol is not at home on their server port") \
	X(sources_full, "packets whose source could not be rate-tracked (table full)") \
	X(sources_window_full, "new connections that took an older one out of the one-second " \
	  "window of rate_limit peaks early (more in one second than the source table holds)") \
	X(iat_backwards, "packets whose time went backwards (no inter-arrival counted)") \
	X(wire_bytes, "bytes on the wire of the frames received: padded to 60, plus the FCS") \
	X(polls, "loop iterations") \
	X(busy_polls, "loop iterations that handled packets") \
	X(busy_cycles, "TSC cycles spent in iterations that handled packets") \
	X(total_cycles, "TSC cycles of all iterations")

enum pl_ctr {
#define PL_X_ENUM(name, help) PL_CTR_##name,
	PL_CTR_SCALARS(PL_X_ENUM)
#undef PL_X_ENUM
	PL_CTR_MAX
};

/** Why a frame was discarded: X(name, "help"). */
#define PL_DROP_REASONS(X) \
	X(ring_full, "the ring to the worker was full") \
	X(tx_full, "the TX queue did not take the frame (inline mode)") \
	X(malformed, "malformed frame dropped by the configured verdict (inline mode)") \
	X(verdict, "dropped by a policy verdict") \
	X(qos_red, "red packets dropped by QoS (qos.drop_red)") \
	X(no_tx_port, "inline mode without a peer port for the input port")

enum pl_drop {
#define PL_X_ENUM(name, help) PL_DROP_##name,
	PL_DROP_REASONS(PL_X_ENUM)
#undef PL_X_ENUM
	PL_DROP_MAX
};

/** Lcore roles. */
enum pl_role {
	PL_ROLE_NONE = 0,
	PL_ROLE_RX,
	PL_ROLE_WORKER,
	PL_ROLE_STATS,
};

/** Packet and byte counters of one port in one direction. */
struct pl_port_ctr {
	uint64_t packets;
	uint64_t bytes;
};

/** Packets and bytes in one time interval. */
struct pl_ival {
	uint64_t packets;
	uint64_t bytes;
};

/**
 * Every counter of a block, as one run of uint64_t (so drain and sum are one loop).
 * Scalars first, then the arrays. Gauges (tcp time_wait/active, flows tracked) are kept as
 * deltas too: sums wrap modulo 2^64 and come out right.
 */
#define PL_CTR_VALUES \
	uint64_t v[PL_CTR_MAX]; \
	uint64_t drop[PL_DROP_MAX]; \
	uint64_t malformed[PL_MALFORMED_MAX]; \
	uint64_t encap_packets[PL_ENCAP_MAX]; /* frames that carried each encapsulation */ \
	uint64_t encap_bytes[PL_ENCAP_MAX];   /* their bytes: the frame as received */ \
	uint64_t dir_packets[PL_DIR_MAX]; \
	uint64_t dir_bytes[PL_DIR_MAX]; \
	uint64_t sizes[PL_SIZE_BUCKETS]; \
	uint64_t iat[PL_DIR_MAX][PL_IAT_BUCKETS]; \
	uint64_t iat_ns[PL_DIR_MAX];          /* sum of the gaps counted in iat */ \
	uint64_t ring_drops[PL_MAX_WORKERS]; /* per (this RX lcore, worker) ring */ \
	uint64_t class_packets[PL_MAX_CLASSES]; \
	uint64_t class_bytes[PL_MAX_CLASSES]; \
	uint64_t class_conns[PL_MAX_CLASSES]; \
	uint64_t qos[PL_MAX_CLASSES][3];      /* green, yellow, red */ \
	uint64_t tcp[PL_TCP_MAX]; \
	uint64_t flow[PL_FLOWC_MAX]; \
	uint64_t sig_hits[PL_MAX_SIGS]; \
	uint64_t app_flows[PL_APP_MAX];       /* flows per detected protocol */ \
	uint64_t verdicts[PL_VERDICT_MAX]; \
	uint64_t backend_packets[PL_MAX_BACKENDS]; /* to or from a pool's addresses */ \
	uint64_t backend_bytes[PL_MAX_BACKENDS]

/** One source address and its traffic (a top talker). Address in network order. */
struct pl_talker {
	uint8_t family;     /**< 4 or 6 */
	uint8_t pad[3];
	uint8_t addr[16];
	uint64_t packets;
	uint64_t bytes;
};

/**
 * A bounded table of sources (open addressing, like the findings table). A source that does
 * not fit is counted in over_packets/over_bytes, never silently lost: every source held is
 * exact, and the overflow bounds what the table misses.
 */
struct pl_talkers {
	uint32_t cap;       /**< slots, a power of two */
	uint32_t max;       /**< most entries kept (<= 3/4 of cap) */
	uint32_t n;
	uint32_t pad;
	uint64_t over_packets;
	uint64_t over_bytes;
	uint32_t *used;     /**< the slots in use, n of them, in the order they were taken:
			     *   merging, ranking and clearing visit these, not every slot
			     *   (the stats role's table is 1.3 MB, mostly never touched) */
	struct pl_talker e[];
};

/** Sources one worker bank holds between two ticks. */
#define PL_BANK_TALKERS 2048
/** Sources the stats role keeps over a run. */
#define PL_TALKERS_MAX 16384

/**
 * Create a talker table holding up to @p max sources.
 *
 * @param socket  NUMA socket (rte_malloc); SOCKET_ID_ANY is fine.
 * @return the table, or NULL.
 */
struct pl_talkers *pl_talkers_create(uint32_t max, int socket);

/** Free a talker table (NULL is fine). */
void pl_talkers_free(struct pl_talkers *t);

/** Empty a table (overflow too). */
void pl_talkers_clear(struct pl_talkers *t);

/**
 * Add traffic to a source.
 *
 * @param family  4 or 6.
 * @param addr    4 or 16 bytes, network order.
 * @return 0, or -ENOSPC when the table is full (counted as overflow).
 */
int pl_talkers_add(struct pl_talkers *t, int family, const uint8_t *addr, uint64_t packets,
		   uint64_t bytes);

/**
 * The slot where a source's search starts: its address alone hashed with one (IPv4) or two
 * (IPv6) CRC32 instructions.
 */
static inline uint32_t
pl_talkers_slot(const struct pl_talkers *t, int family, const uint8_t *addr)
{
	uint64_t a6[2];
	uint32_t a4;

	if (family == 6) {
		memcpy(a6, addr, 16);
		return rte_hash_crc_8byte(a6[1], rte_hash_crc_8byte(a6[0], 0x54414c4b)) &
		       (t->cap - 1);
	}
	memcpy(&a4, addr, 4);
	return rte_hash_crc_4byte(a4, 0x54414c4b) & (t->cap - 1);
}

/**
 * Count one packet of a source: pl_talkers_add(t, family, addr, 1, bytes), with the common
 * case inline (the source already in the slot its search starts from: one CRC32, one
 * compare, two adds); everything else goes to pl_talkers_add().
 *
 * @param family  4 or 6.
 * @param addr    4 or 16 bytes, network order.
 */
static inline void
pl_talkers_count(struct pl_talkers *t, int family, const uint8_t *addr, uint32_t bytes)
{
	struct pl_talker *e = &t->e[pl_talkers_slot(t, family, addr)];
	uint64_t x[2], y[2];
	uint32_t x4, y4;
	int same;

	/* an empty slot has family 0, so a family match is a recorded source */
	if (family == 6) {
		memcpy(x, e->addr, 16);
		memcpy(y, addr, 16);
		same = ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
	} else {
		memcpy(&x4, e->addr, 4);
		memcpy(&y4, addr, 4);
		same = x4 == y4;
	}
	if (likely(e->family == family && same)) {
		e->packets++;
		e->bytes += bytes;
		return;
	}
	pl_talkers_add(t, family, addr, 1, bytes);
}

/**
 * Ask for the slot pl_talkers_count() starts from, so that counting the source later in
 * the burst does not wait for its line (a worker's table is a random access among the
 * flows and payloads that pass through its caches).
 */
static inline void
pl_talkers_prefetch(const struct pl_talkers *t, int family, const uint8_t *addr)
{
	rte_prefetch0(&t->e[pl_talkers_slot(t, family, addr)]);
}

/** Merge every entry and the overflow of @p src into @p dst. */
void pl_talkers_merge(struct pl_talkers *dst, const struct pl_talkers *src);

/**
 * The largest sources by bytes (then packets, then address), largest first.
 *
 * @param out  room for @p max entries.
 * @return entries written (0 when the table is empty or memory is short).
 */
uint32_t pl_talkers_top(const struct pl_talkers *t, struct pl_talker *out, uint32_t max);

/**
 * One bank of delta counters. The big per-port table, the interval window and the findings
 * table are separate allocations and exist only for the roles that fill them (ports and
 * findings: workers; intervals: RX lcores).
 */
struct pl_ctr_bank {
	PL_CTR_VALUES;
	uint64_t time_first;  /**< earliest packet time in this bank, UINT64_MAX if none */
	uint64_t time_last;   /**< latest packet time in this bank, 0 if none */
	/* interval window: slot i holds interval number ival_base + i */
	uint64_t ival_base;
	uint32_t ival_lo, ival_hi; /**< used slots [lo, hi), empty when lo >= hi */
	struct pl_ival *ival;      /**< PL_IVAL_SLOTS entries, or NULL */
	struct pl_port_ctr *ports; /**< [PL_PORT_ROWS][65536], or NULL */
	uint64_t *touched;         /**< [PL_PORT_ROWS][PL_PORT_GROUPS / 64] bitmap, or NULL */
	struct pl_findings *findings; /**< findings of this bank, or NULL */
	struct pl_flow_export *flowrec; /**< flows that ended (flow export), or NULL */
	struct pl_talkers *talkers;   /**< sources of this bank (workers), or NULL */
} __rte_cache_aligned;

/** Ended flows one worker bank holds between two ticks (flow export). */
#define PL_BANK_FLOWRECS 8192
/** Of which ageing leaves this many to flows ended by a packet (struct pl_flow_export):
 * more than a worker's loop can end that way (a burst from each of PL_MAX_RX rings). */
#define PL_BANK_FLOWRECS_RESERVE 1024

/** Findings one worker bank holds between two ticks. */
#define PL_BANK_FINDINGS 1024

/** An lcore's counter block. */
struct pl_lcore_ctr {
	/* written by the owner only */
	uint64_t seq;      /**< bumped before and after each burst's updates */
	uint32_t cur;      /**< bank in use */
	uint32_t ack;      /**< last flip request honoured */
	struct pl_ctr_bank *bank[2];
	uint32_t lcore;    /**< lcore id */
	uint8_t role;      /**< enum pl_role */
	uint8_t index;     /**< index within its role */
	/* written by the stats lcore only */
	uint32_t req __rte_cache_aligned; /**< flip requests made */
} __rte_cache_aligned;

/**
 * Allocate a counter block and its banks on a socket.
 *
 * @param lcore   owner lcore id.
 * @param role    enum pl_role.
 * @param index   index within the role.
 * @param ports   non-zero to give the banks per-port tables and a talkers table (workers,
 *                and offline RX lcores, which may count arrivals for the workers).
 * @param ivals   non-zero to give the banks interval windows.
 * (workers' banks, those with ports, also get a findings table and a flow-export buffer)
 * @param socket  NUMA socket (the owner's).
 * @return the block, or NULL with rte_errno set.
 */
struct pl_lcore_ctr *pl_ctr_create(unsigned int lcore, enum pl_role role, unsigned int index,
				   int ports, int ivals, int socket);

/** Free a counter block (NULL is fine). */
void pl_ctr_free(struct pl_lcore_ctr *c);

/** Clear a bank (all counters zero, time range and interval window empty). */
void pl_ctr_bank_clear(struct pl_ctr_bank *b);

/**
 * Start counting a burst: honour a pending flip, make the sequence odd.
 *
 * @return the bank to add into until pl_ctr_end().
 */
static inline struct pl_ctr_bank *
pl_ctr_begin(struct pl_lcore_ctr *c)
{
	uint32_t req = __atomic_load_n(&c->req, __ATOMIC_ACQUIRE);

	if (unlikely(req != c->ack)) {
		c->cur ^= 1;
		/* release: every update to the bank we leave is visible before the ack */
		__atomic_store_n(&c->ack, req, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&c->seq, c->seq + 1, __ATOMIC_RELAXED);
	rte_smp_wmb();
	return c->bank[c->cur];
}

/** Finish counting a burst: the sequence is even again. */
static inline void
pl_ctr_end(struct pl_lcore_ctr *c)
{
	__atomic_store_n(&c->seq, c->seq + 1, __ATOMIC_RELEASE);
}

/**
 * Count one poll of an lcore loop (the lcores view's load): a poll and its cycles, and when
 * it found packets a busy poll and its cycles. Call it last before pl_ctr_end().
 *
 * @param t0    the TSC when the poll began (rte_rdtsc()).
 * @param busy  non-zero when the poll found packets.
 * @return the cycles the poll took.
 */
static inline uint64_t
pl_ctr_poll(struct pl_ctr_bank *b, uint64_t t0, int busy)
{
	uint64_t c = rte_rdtsc() - t0;

	b->v[PL_CTR_polls]++;
	b->v[PL_CTR_total_cycles] += c;
	if (busy) {
		b->v[PL_CTR_busy_polls]++;
		b->v[PL_CTR_busy_cycles] += c;
	}
	return c;
}

/** Add a packet's time to a bank's time range. */
static inline void
pl_ctr_time(struct pl_ctr_bank *b, uint64_t t)
{
	if (t < b->time_first)
		b->time_first = t;
	if (t > b->time_last)
		b->time_last = t;
}

/**
 * Size on the wire of a frame of @p bytes as received (no FCS): padded to the Ethernet
 * minimum, plus the FCS. A 60-byte frame is 64 on the wire, and so is a shorter one
 * (captured on its sender before the NIC padded it).
 */
static inline uint32_t
pl_ctr_wire_size(uint32_t bytes)
{
	return (bytes < PL_ETH_MIN ? PL_ETH_MIN : bytes) + PL_ETH_FCS;
}

/**
 * Frame-size bucket of a frame of @p bytes as received, by the RMON / NIC convention
 * (rte_eth_xstats rx_size_*_packets): its size on the wire (pl_ctr_wire_size()) in 64,
 * 65-127, 128-255, 256-511, 512-1023, 1024-1518, 1519 and above.
 */
static inline unsigned int
pl_ctr_size_bucket(uint32_t bytes)
{
	uint32_t w = pl_ctr_wire_size(bytes);

	if (w <= 64)
		return 0;
	if (w <= 1023)
		return 31 - __builtin_clz(w) - 5; /* 65-127 -> 1 ... 512-1023 -> 4 */
	return w <= 1518 ? 5 : 6;
}

/**
 * Count a received frame of @p bytes in the frame-size histogram (workers; the RX lcore for
 * the frames a full ring dropped).
 */
static inline void
pl_ctr_size(struct pl_ctr_bank *b, uint32_t bytes)
{
	b->sizes[pl_ctr_size_bucket(bytes)]++;
	b->v[PL_CTR_wire_bytes] += pl_ctr_wire_size(bytes);
}

/**
 * Lower and upper bound (inclusive, wire sizes) of a size bucket; upper UINT32_MAX for the
 * last.
 */
void pl_ctr_size_bounds(unsigned int bucket, uint32_t *lo, uint32_t *hi);

/**
 * The name of a size bucket as rte_eth_xstats names a NIC's size counters
 * ("rx_size_64_packets", "rx_size_65_to_127_packets" ... "rx_size_1519_to_max_packets").
 */
const char *pl_ctr_size_name(unsigned int bucket);

/** Inter-arrival bucket of a gap in ns. */
static inline unsigned int
pl_ctr_iat_bucket(uint64_t gap_ns)
{
	unsigned int b = gap_ns <= 1 ? 0 : 63 - __builtin_clzll(gap_ns);

	return b < PL_IAT_BUCKETS ? b : PL_IAT_BUCKETS - 1;
}

/** Count an inter-arrival gap of @p gap_ns in direction @p dir. */
static inline void
pl_ctr_iat(struct pl_ctr_bank *b, unsigned int dir, uint64_t gap_ns)
{
	b->iat[dir][pl_ctr_iat_bucket(gap_ns)]++;
	b->iat_ns[dir] += gap_ns;
}

/**
 * Count a packet's gap to the previous packet of its direction (pl_ctr_iat()), in the
 * order the caller sees packets; a time earlier than the previous one counts in
 * iat_backwards instead.
 *
 * @param last  the caller's time of the previous packet per direction (0: none yet).
 * @param dir   the packet's direction (< PL_DIR_MAX).
 * @param t     its time, ns.
 */
static inline void
pl_ctr_iat_since(struct pl_ctr_bank *b, uint64_t *last, unsigned int dir, uint64_t t)
{
	uint64_t prev = last[dir];

	if (prev) {
		if (likely(t >= prev))
			pl_ctr_iat(b, dir, t - prev);
		else
			b->v[PL_CTR_iat_backwards]++;
	}
	last[dir] = t;
}

/** The interval of the last frame an lcore counted: [lo_ns, hi_ns) is interval number ival. */
struct pl_ival_cache {
	uint64_t ival;
	uint64_t lo_ns;
	uint64_t hi_ns;
};

/**
 * Interval number of packet time @p t (t / ival_ns), dividing only when t leaves the
 * interval of the previous call: consecutive frames nearly always share one.
 *
 * @param c        the caller's cache, zeroed at first.
 * @param ival_ns  interval length, > 0.
 */
static inline uint64_t
pl_ctr_ival_number(struct pl_ival_cache *c, uint64_t t, uint64_t ival_ns)
{
	if (likely(t >= c->lo_ns && t < c->hi_ns))
		return c->ival;
	c->ival = t / ival_ns;
	c->lo_ns = c->ival * ival_ns;
	c->hi_ns = c->lo_ns + ival_ns;
	return c->ival;
}

/**
 * Count a frame in the interval window of a bank (workers).
 *
 * @param b      the bank (with an interval window).
 * @param ival   interval number (packet time / interval length).
 * @param bytes  frame bytes.
 * @return the interval's slot, where more frames of the same interval may be counted
 *         directly (packets and bytes) until the bank is drained; NULL when the frame fell
 *         outside the window (counted in ival_overflow).
 */
static inline struct pl_ival *
pl_ctr_ival(struct pl_ctr_bank *b, uint64_t ival, uint32_t bytes)
{
	uint64_t slot;

	if (unlikely(b->ival_lo >= b->ival_hi)) {
		/* first frame of this bank: leave room for time running a little backwards */
		b->ival_base = ival > 64 ? ival - 64 : 0;
		b->ival_lo = b->ival_hi = (uint32_t)(ival - b->ival_base);
	}
	slot = ival - b->ival_base;
	if (unlikely(ival < b->ival_base || slot >= PL_IVAL_SLOTS)) {
		b->v[PL_CTR_ival_overflow]++;
		return NULL;
	}
	b->ival[slot].packets++;
	b->ival[slot].bytes += bytes;
	if (slot < b->ival_lo)
		b->ival_lo = (uint32_t)slot;
	if (slot >= b->ival_hi)
		b->ival_hi = (uint32_t)slot + 1;
	return &b->ival[slot];
}

/**
 * Count the encapsulations a parsed frame carried (pl_meta.encap): one packet and the
 * frame's bytes (as received, outer headers included) per kind stripped.
 */
static inline void
pl_ctr_encap(struct pl_ctr_bank *b, uint8_t encap, uint32_t bytes)
{
	while (unlikely(encap)) {
		unsigned int k = (unsigned int)__builtin_ctz(encap);

		b->encap_packets[k]++;
		b->encap_bytes[k] += bytes;
		encap &= (uint8_t)(encap - 1);
	}
}

/**
 * Count a packet on a port of a per-port row (workers): a direction's row by destination
 * port, or PL_PORT_ROW_SERVICE by local service port.
 */
static inline void
pl_ctr_port(struct pl_ctr_bank *b, unsigned int dir, uint16_t port, uint32_t bytes)
{
	struct pl_port_ctr *p = &b->ports[(dir << 16) | port];
	unsigned int g = (dir * PL_PORT_GROUPS) + (port >> 6);

	p->packets++;
	p->bytes += bytes;
	b->touched[g >> 6] |= 1ULL << (g & 63);
}

/* Mask of the first @p bits (0-64) of a 64-bit word in host order. */
static inline uint64_t
pl_prefix_mask64(unsigned int bits)
{
	return bits == 0 ? 0 : bits >= 64 ? ~0ULL : ~0ULL << (64 - bits);
}

/** Is @p a (4 or 16 bytes) inside network @p c of the same family? (c->addr is masked.) */
static inline int
pl_cidr_has(const struct pl_cidr *c, int family, const uint8_t *a)
{
	if (c->family != family)
		return 0;
	if (family == 4) {
		uint32_t x, n;

		memcpy(&x, a, 4);
		memcpy(&n, c->addr, 4);
		return ((rte_be_to_cpu_32(x) ^ rte_be_to_cpu_32(n)) &
			(uint32_t)(pl_prefix_mask64(c->depth) >> 32)) == 0;
	} else {
		uint64_t x[2], n[2];

		memcpy(x, a, 16);
		memcpy(n, c->addr, 16);
		return ((rte_be_to_cpu_64(x[0]) ^ rte_be_to_cpu_64(n[0])) &
			pl_prefix_mask64(c->depth)) == 0 &&
		       ((rte_be_to_cpu_64(x[1]) ^ rte_be_to_cpu_64(n[1])) &
			pl_prefix_mask64(c->depth > 64 ? c->depth - 64u : 0)) == 0;
	}
}

/* The source address in an IPv4 or IPv6 header. */
static inline const uint8_t *
pl_ctr_ip_src(const uint8_t *ip, int v6)
{
	return ip + (v6 ? 8 : 12);
}

/**
 * Ask for the talkers slot pl_ctr_source() will count this packet's source in, so that a
 * count later in the burst does not wait for it.
 *
 * @param ip    the IP header.
 * @param v6    non-zero for IPv6.
 */
static inline void
pl_ctr_source_prefetch(const struct pl_ctr_bank *b, const uint8_t *ip, int v6)
{
	if (b->talkers)
		pl_talkers_prefetch(b->talkers, v6 ? 6 : 4, pl_ctr_ip_src(ip, v6));
}

/**
 * Count an IP packet's source as a talker and its backend pools (workers, every IP
 * packet): the pools whose networks hold the source or the destination each count the
 * packet once. A linear match: pools are few, and none configured costs one compare.
 *
 * @param ip    the IP header.
 * @param v6    non-zero for IPv6.
 */
static inline void
pl_ctr_source(struct pl_ctr_bank *b, const struct pl_config *cfg, const uint8_t *ip, int v6,
	      uint32_t bytes)
{
	const uint8_t *src = pl_ctr_ip_src(ip, v6), *dst = ip + (v6 ? 24 : 16);
	int family = v6 ? 6 : 4;
	unsigned int i, j;

	if (b->talkers)
		pl_talkers_count(b->talkers, family, src, bytes);
	for (i = 0; i < cfg->nb_backends; i++) {
		const struct pl_backend_def *d = &cfg->backends[i];

		for (j = 0; j < d->nb_nets; j++)
			if (pl_cidr_has(&d->nets[j], family, src) ||
			    pl_cidr_has(&d->nets[j], family, dst)) {
				b->backend_packets[i]++;
				b->backend_bytes[i] += bytes;
				break;
			}
	}
}

/* ---- reader side (the stats lcore) ---- */

/**
 * Ask the owner to flip banks. Pair with pl_ctr_flip_done(); one request outstanding at
 * a time: a request is not repeated while the previous one is unanswered.
 */
void pl_ctr_flip_request(struct pl_lcore_ctr *c);

/** Has the owner honoured the last flip request? */
static inline int
pl_ctr_flip_done(const struct pl_lcore_ctr *c)
{
	return __atomic_load_n(&c->ack, __ATOMIC_ACQUIRE) == c->req;
}

/**
 * The bank the owner left at the last honoured flip; stable until the next request.
 * Only valid when pl_ctr_flip_done() is true.
 */
static inline struct pl_ctr_bank *
pl_ctr_retired(struct pl_lcore_ctr *c)
{
	/* the owner starts on bank 0 and flips once per request */
	return c->bank[(c->req & 1) ^ 1];
}

/** The owner's sequence number (odd while it counts a burst). */
static inline uint64_t
pl_ctr_seq(const struct pl_lcore_ctr *c)
{
	return __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
}

/**
 * Running totals built from banks, owned by the stats lcore. Scalars are per lcore;
 * per-port and interval data are merged across lcores into one table.
 */
struct pl_ctr_sum {
	PL_CTR_VALUES;
	uint64_t time_first;
	uint64_t time_last;
};

/** Number of uint64_t counters in PL_CTR_VALUES. */
#define PL_CTR_NVALUES (offsetof(struct pl_ctr_sum, time_first) / sizeof(uint64_t))

/** Interval totals across lcores: a growable array starting at interval number base. */
struct pl_ival_sum {
	uint64_t base;     /**< interval number of entry 0 */
	uint64_t n;        /**< entries used */
	uint64_t cap;      /**< entries allocated */
	struct pl_ival *e;
};

/** Reset a sum to zero (empty time range). */
void pl_ctr_sum_init(struct pl_ctr_sum *s);

/**
 * Add a bank into running totals and clear it.
 *
 * @param s      scalar totals of the bank's owner.
 * @param ports  merged per-port table [PL_PORT_ROWS][65536] (may be NULL if the bank has none).
 * @param ivals  merged intervals (may be NULL if the bank has none).
 * @param finds  merged findings (may be NULL: the bank's findings are then dropped).
 * @param b      a retired bank (or a bank of a stopped owner).
 * @return 0, or -ENOMEM when the interval array could not grow (the bank's intervals
 *         are then lost and counted in ival_overflow).
 */
int pl_ctr_drain(struct pl_ctr_sum *s, struct pl_port_ctr *ports, struct pl_ival_sum *ivals,
		 struct pl_findings *finds, struct pl_ctr_bank *b);

/**
 * Move a bank's sources into a merged table and empty the bank's (call with
 * pl_ctr_drain() on the same retired bank).
 *
 * @param dst  merged table (may be NULL: the bank's sources are then dropped).
 */
void pl_ctr_drain_talkers(struct pl_talkers *dst, struct pl_ctr_bank *b);

/** Add the scalar totals src into dst (for summing lcores). */
void pl_ctr_sum_add(struct pl_ctr_sum *dst, const struct pl_ctr_sum *src);

/** Name of a scalar counter / drop reason. */
const char *pl_ctr_name(unsigned int ctr);
const char *pl_drop_name(unsigned int reason);
const char *pl_role_name(unsigned int role);

/** Free an interval array. */
void pl_ival_sum_free(struct pl_ival_sum *s);

#ifdef __cplusplus
}
#endif

#endif /* PL_COUNTERS_H */
