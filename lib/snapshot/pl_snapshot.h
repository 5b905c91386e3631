/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Snapshots: the stats lcore's consistent picture of all counters, and its publication.
 *
 * A collector knows every counter block. Each tick it flips the workers' banks first and
 * waits for them, then the RX lcores', so a worker's cut is never later than an RX lcore's:
 * everything a worker counted had been received before the RX cut, and "in flight"
 * (received - processed - dropped) is never negative. Retired banks are drained into
 * running totals; a snapshot is built from those totals with its derived views (bins,
 * top ports, the accounting balance) computed once, so every renderer shows the same
 * numbers. Snapshots are immutable and reference counted; the newest is published to
 * control-plane readers (console, exporters) under a mutex that the packet path never sees.
 */
#ifndef PL_SNAPSHOT_H
#define PL_SNAPSHOT_H

#include <stdint.h>
#include <pthread.h>
#include <time.h>

#include "pl_bins.h"
#include "pl_counters.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most counter blocks a collector handles. */
#define PL_MAX_LCORES 128
/** Most ports in ports_hw. */
#define PL_MAX_PORTS 32
/** Top talkers a snapshot carries (largest by bytes). */
#define PL_TOP_TALKERS 20
/** Room for the names of the input files (one per line) a snapshot carries. */
#define PL_INPUTS_LEN 1024

/** NIC-level statistics of one port (rte_eth_stats), for the ports_hw view. */
struct pl_port_hw {
	uint16_t port;
	char name[64];
	uint64_t ipackets, ibytes, imissed, ierrors, rx_nombuf;
	uint64_t opackets, obytes, oerrors;
};

/**
 * Names the counters are indexed by (classes, signatures), given by the configuration in
 * force and copied into each snapshot so that it renders on its own.
 */
struct pl_labels {
	uint32_t nb_classes;
	struct {
		char name[PL_CLASS_NAME_LEN];
		uint8_t priority;
		uint8_t encrypted;
	} cls[PL_MAX_CLASSES];
	uint32_t nb_sigs;
	char sig[PL_MAX_SIGS][PL_SIG_NAME_LEN];
	uint32_t nb_backends;
	char backend[PL_MAX_BACKENDS][PL_CLASS_NAME_LEN];
};

/** One lcore in a snapshot. */
struct pl_snap_lcore {
	uint32_t lcore;
	uint8_t role;   /**< enum pl_role */
	uint8_t index;
	uint8_t stale;  /**< its last flip was not honoured in time: numbers are from before */
	uint64_t seq;   /**< its sequence number when collected */
	struct pl_ctr_sum sum;
};

/** Top port of one direction. */
struct pl_top {
	int32_t port;   /**< -1 when the direction has no TCP/UDP traffic */
	uint64_t value;
};

/** The accounting balance: received = processed + dropped + in_flight. */
struct pl_balance {
	uint64_t received;
	uint64_t processed;
	uint64_t forwarded;
	uint64_t freed;
	uint64_t dropped[PL_DROP_MAX];
	uint64_t dropped_total;
	int64_t in_flight;
};

/** Now on @p clock (CLOCK_REALTIME for wall time, CLOCK_MONOTONIC for intervals), in ns. */
static inline uint64_t
pl_clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/** An immutable snapshot. */
struct pl_snapshot {
	uint64_t seq;          /**< snapshot number, from 1 */
	uint64_t wall_ns;      /**< wall-clock time it was taken */
	int final;             /**< the last snapshot, taken after the packet path stopped */
	uint64_t ival_ns;      /**< length of one interval */
	struct pl_ctr_sum total;
	uint32_t nb_lcores;
	struct pl_snap_lcore lcore[PL_MAX_LCORES];
	struct pl_port_ctr *ports;    /**< [PL_PORT_ROWS][65536]: directions, then service ports;
				       *   a final snapshot's is the collector's own table, which
				       *   lives as long as the collector: put it before
				       *   pl_collector_fini() */
	struct pl_port_ctr *ports_own; /**< the snapshot's own table while ports is the
					*   collector's, else NULL */
	const struct pl_bins *bin_def; /**< borrowed: lives as long as the collector */
	struct pl_port_ctr *bins;     /**< [PL_DIR_MAX][bin_def->n] */
	size_t bins_bytes;            /**< allocated size of bins */
	struct pl_top top_packets[PL_DIR_MAX];
	struct pl_top top_bytes[PL_DIR_MAX];
	struct pl_ival_sum ivals;     /**< copy */
	uint32_t nb_hw;
	struct pl_port_hw hw[PL_MAX_PORTS];
	struct pl_balance balance;
	struct pl_labels labels;
	uint32_t nb_findings;         /**< findings, sorted (kind, first time, addresses) */
	uint32_t findings_cap;        /**< allocated entries of findings */
	struct pl_finding *findings;
	uint64_t findings_dropped;    /**< finding events that did not fit a table */
	uint64_t flow_exported;       /**< flow records exported so far */
	uint64_t flow_export_dropped; /**< flow records lost to a full bank buffer */
	uint32_t nb_talkers;          /**< entries of top_talkers */
	uint32_t talkers_seen;        /**< distinct sources held by the collector */
	struct pl_talker top_talkers[PL_TOP_TALKERS]; /**< largest sources by bytes */
	uint64_t talkers_over_packets; /**< traffic of sources that did not fit a table */
	uint64_t talkers_over_bytes;
	char inputs[PL_INPUTS_LEN];   /**< the capture files analysed, one per line ("" live) */
	uint64_t clears;              /**< `clear stats` honoured so far (0: counts since start) */
	uint64_t cleared_ns;          /**< wall-clock time of the last clear, 0 if none */
	int refcnt;
};

/**
 * What the collector held when the statistics were cleared: snapshots subtract it, so the
 * counts restart from zero while the running totals behind them go on. Gauges (TCP
 * time_wait and active, flows tracked) are not subtracted: they are states, not counts.
 * Frames in flight at the clear are counted as received after it, so that
 * received = processed + dropped + in flight holds in every snapshot.
 */
struct pl_baseline {
	struct pl_ctr_sum sum[PL_MAX_LCORES]; /**< per counter block */
	struct pl_port_ctr *ports;            /**< [PL_DIR_MAX][65536] */
	struct pl_ival_sum ivals;             /**< interval totals */
	uint64_t in_flight;                   /**< frames in flight at the clear */
	uint64_t wall_ns;                     /**< when it was taken */
};

/** A collector: the stats lcore's view of every counter block. */
struct pl_collector {
	uint32_t n;
	struct pl_lcore_ctr *ctr[PL_MAX_LCORES];
	struct pl_ctr_sum sum[PL_MAX_LCORES];
	uint8_t stale[PL_MAX_LCORES];
	struct pl_port_ctr *ports;    /**< merged per-port totals */
	struct pl_ival_sum ivals;     /**< merged interval totals */
	struct pl_findings *findings; /**< merged findings (bounded) */
	struct pl_talkers *talkers;   /**< merged sources (bounded, PL_TALKERS_MAX) */
	struct pl_labels labels;      /**< names of classes and signatures */
	/** flow export: where the flows that ended in worker banks go (NULL: dropped) */
	void (*flow_sink)(void *ctx, const struct pl_flow_rec *r, uint32_t n);
	void *flow_sink_ctx;
	uint64_t flow_exported;       /**< records handed to the sink */
	uint64_t flow_export_dropped; /**< records lost: a bank's buffer was full */
	const struct pl_bins *bins;
	uint64_t ival_ns;
	uint64_t seq;
	char inputs[PL_INPUTS_LEN];   /**< the capture files analysed, one per line */
	struct pl_baseline *base;     /**< the last clear, NULL if none */
	uint64_t clears;              /**< clears honoured */
	uint32_t clear_req;           /**< clears asked for (pl_collector_clear_request()) */
	uint32_t clear_done;          /**< requests honoured */
};

/**
 * Set up a collector.
 *
 * @param col      zeroed storage.
 * @param bins     bin table (borrowed, must outlive the collector).
 * @param ival_ns  interval length in ns (for rendering intervals).
 * @return 0 or -ENOMEM.
 */
int pl_collector_init(struct pl_collector *col, const struct pl_bins *bins, uint64_t ival_ns);

/**
 * Bound the merged findings (default 4096); call before the packet path starts.
 *
 * @return 0 or -ENOMEM.
 */
int pl_collector_findings(struct pl_collector *col, uint32_t max);

/**
 * Name the capture files the snapshots describe (offline mode), for the report and the
 * JSON snapshot.
 *
 * @param files  file names (not kept: copied).
 * @param n      how many; 0 for none (live ports).
 * @return 0, or -ENAMETOOLONG when the names do not fit PL_INPUTS_LEN (those that fit
 *         are kept).
 */
int pl_collector_inputs(struct pl_collector *col, const char *const *files, unsigned int n);

/** Add a counter block (before the packet path starts). @return 0 or -ENOSPC. */
int pl_collector_add(struct pl_collector *col, struct pl_lcore_ctr *c);

/** Release what a collector allocated (not the counter blocks). */
void pl_collector_fini(struct pl_collector *col);

/**
 * One tick: flip and drain every live block, workers before RX lcores.
 *
 * @param timeout_us  how long to wait for each role's flips; a block that has not
 *                    answered by then is marked stale and drained at a later tick.
 * @return number of stale blocks.
 */
unsigned int pl_collector_tick(struct pl_collector *col, unsigned int timeout_us);

/**
 * Clear the statistics now: take the collector's totals as the baseline that every later
 * snapshot subtracts, and empty the findings and source tables. Call from the thread that
 * ticks (or with no tick running), between two ticks.
 *
 * @return 0, or -ENOMEM (nothing changed).
 */
int pl_collector_clear(struct pl_collector *col);

/**
 * Ask for a clear from any thread: the next pl_collector_tick() honours it after draining,
 * so the baseline is a consistent cut. The first snapshot built after that tick has
 * `clears` one higher.
 */
void pl_collector_clear_request(struct pl_collector *col);

/**
 * Final collection, once every owner has stopped: drain both banks of every block.
 * No flip handshake: the owners are gone.
 */
void pl_collector_final(struct pl_collector *col);

/**
 * Build a snapshot from the collector's totals.
 *
 * @param col    the collector.
 * @param hw     NIC statistics to include (copied), may be NULL.
 * @param nb_hw  how many.
 * @param final  non-zero for the final snapshot.
 * @return a snapshot with one reference, or NULL when out of memory.
 */
struct pl_snapshot *pl_snapshot_build(struct pl_collector *col, const struct pl_port_hw *hw,
				      unsigned int nb_hw, int final);

/** Drop a reference; frees the snapshot with the last one. NULL is fine. */
void pl_snapshot_put(struct pl_snapshot *s);

/**
 * The @p n ports of a per-port row with most packets or bytes, largest first (ties: the
 * lower port).
 *
 * @param row       a direction, or PL_PORT_ROW_SERVICE.
 * @param by_bytes  non-zero to rank by bytes, zero by packets.
 * @param out       room for @p n ports.
 * @return ports written: those with traffic, at most @p n.
 */
unsigned int pl_snapshot_top_ports(const struct pl_snapshot *s, unsigned int row, int by_bytes,
				   uint16_t *out, unsigned int n);

/** Compute bins, top ports and the balance of a snapshot (done by pl_snapshot_build()). */
void pl_snapshot_derive(struct pl_snapshot *s);

/** One point of the history: the running totals at one snapshot. */
struct pl_hist_point {
	uint64_t seq;
	uint64_t wall_ns;
	uint64_t pkt_ns;     /**< packet time of the newest packet */
	uint64_t packets;
	uint64_t bytes;
	uint64_t dropped;
	uint64_t dir_packets[PL_DIR_MAX];
	uint64_t dir_bytes[PL_DIR_MAX];
};

/** The publication point: the newest snapshot and the history ring. */
struct pl_publisher {
	pthread_mutex_t lock;
	struct pl_snapshot *cur;
	struct pl_hist_point *hist;
	uint32_t hist_cap;
	uint32_t hist_n;    /**< points held, <= hist_cap */
	uint32_t hist_next; /**< slot the next point goes to */
};

/** Set up a publisher with a history of @p hist_cap points. @return 0 or -ENOMEM. */
int pl_publisher_init(struct pl_publisher *p, uint32_t hist_cap);

/** Release the current snapshot and the history. */
void pl_publisher_fini(struct pl_publisher *p);

/** Publish a snapshot (the publisher takes over the caller's reference). */
void pl_publish(struct pl_publisher *p, struct pl_snapshot *s);

/** Newest snapshot with a reference for the caller (pl_snapshot_put() it), or NULL. */
struct pl_snapshot *pl_snapshot_get(struct pl_publisher *p);

/**
 * Copy the history, oldest first.
 *
 * @param out  room for @p max points.
 * @return points copied.
 */
uint32_t pl_history_copy(struct pl_publisher *p, struct pl_hist_point *out, uint32_t max);

#ifdef __cplusplus
}
#endif

#endif /* PL_SNAPSHOT_H */
