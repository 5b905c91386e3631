/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * IPFIX export (RFC 7011, information elements from RFC 7012 / IANA, biflow reverse
 * elements from RFC 5103).
 *
 * The caller hands over one record per flow at each active timeout and at its end, with the
 * flow's counts since it started; the exporter turns them into deltas (what happened since
 * the previous record of the same flow) and sends them as octetDeltaCount/packetDeltaCount,
 * so a collector that sums a flow's records gets the flow's totals. It remembers the counts
 * already exported only for flows that had an active-timeout record and have not ended.
 *
 * Two modes. Biflow (RFC 5103): one record per flow, from the initiator's point of view,
 * the reverse direction in the reverse elements (PEN 29305). Uniflow: one record per
 * direction that carried packets since the previous record, for collectors that ignore
 * RFC 5103. Both carry the 5-tuple, start and end times in milliseconds, the TCP flags, the
 * end reason, and three portlens elements under the enterprise number PL_IPFIX_PEN: the
 * service class (string), the detected application protocols (string, e.g. "tls,http") and
 * the verdict (unsigned8: 0 forward, 1 mark, 2 drop).
 *
 * Templates go in messages of their own: before the first data message and again whenever
 * the template refresh interval has passed (RFC 7011, 8.4: UDP transport). Data messages
 * stay under PL_IPFIX_MTU bytes and leave at a paced rate: a token bucket of records per
 * second; messages wait in a queue for their tokens. Each message's sequence number is the
 * count of data records sent before it in its observation domain (one exporter, one domain).
 *
 * Control plane only: records reach the exporter through the stats role, never from the
 * packet path directly. Time is passed in explicitly (ns of CLOCK_REALTIME in production),
 * so the pacing is testable without sleeping.
 */
#ifndef PL_IPFIX_H
#define PL_IPFIX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Enterprise number of portlens's own elements: IANA's documentation PEN (RFC 5612). */
#define PL_IPFIX_PEN 32473
#define PL_IPFIX_TEMPLATE_V4 256    /**< biflow, IPv4 */
#define PL_IPFIX_TEMPLATE_V6 257    /**< biflow, IPv6 */
#define PL_IPFIX_TEMPLATE_V4_UNI 258 /**< uniflow, IPv4 */
#define PL_IPFIX_TEMPLATE_V6_UNI 259 /**< uniflow, IPv6 */
/** Largest message (fits a 1500-byte MTU with IP and UDP headers). */
#define PL_IPFIX_MTU 1400

/** Defaults: template refresh (RFC 6728's templateRefreshTimeout), pacing. */
#define PL_IPFIX_TEMPLATE_REFRESH_DEFAULT 600
#define PL_IPFIX_RATE_DEFAULT 10000
/** Messages held waiting for tokens before new records are refused (and counted). */
#define PL_IPFIX_QUEUE_DEFAULT 65536

/** Why a record was exported (IANA flowEndReason). */
enum pl_ipfix_reason {
	PL_IPFIX_IDLE = 1,      /**< idle timeout */
	PL_IPFIX_ACTIVE = 2,    /**< active timeout: the flow goes on */
	PL_IPFIX_END = 3,       /**< end of flow detected (FIN, RST) */
	PL_IPFIX_FORCED = 4,    /**< forced end (shutdown, end of capture) */
	PL_IPFIX_LACK = 5,      /**< lack of resources (table full) */
};

/** Record layout. */
enum pl_ipfix_mode {
	PL_IPFIX_BIFLOW = 0,    /**< one record per flow, RFC 5103 reverse elements */
	PL_IPFIX_UNIFLOW = 1,   /**< one record per direction */
};

/** One flow record. Addresses in network order; IPv4 in the first 4 bytes. */
struct pl_ipfix_record {
	uint8_t family;        /**< 4 or 6 */
	uint8_t proto;
	uint8_t tcp_flags;     /**< OR of the TCP flags seen both ways */
	uint8_t reason;        /**< enum pl_ipfix_reason */
	uint8_t verdict;
	uint8_t src[16];       /**< the initiator */
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint64_t first_ns;     /**< with the tuple, what identifies the flow */
	uint64_t last_ns;
	uint64_t packets[2];   /**< since the flow started: [0] initiator -> responder, [1] back */
	uint64_t bytes[2];
	char cls[32];          /**< service class name, "" for none */
	char apps[48];         /**< detected protocols, comma-separated, "" for none */
};

/** How an exporter behaves. Zero fields take the defaults noted. */
struct pl_ipfix_conf {
	uint32_t domain;           /**< observation domain id */
	uint32_t template_refresh; /**< s between template sends; 0: only before the first data */
	uint32_t rate;             /**< records per second; 0: unpaced */
	uint32_t burst;            /**< bucket depth in records; 0: rate / 20, at least 64 */
	uint32_t queue_max;        /**< messages held; 0: PL_IPFIX_QUEUE_DEFAULT */
	uint32_t flows_max;        /**< flows remembered for deltas; 0: unbounded */
	uint8_t mode;              /**< enum pl_ipfix_mode */
};

/**
 * Where messages go: a function given each finished message.
 *
 * @return 0, or a negative errno (counted by the exporter).
 */
typedef int (*pl_ipfix_send_t)(void *ctx, const uint8_t *msg, size_t len);

struct pl_ipfix;

/**
 * Create an exporter that hands messages to @p send.
 *
 * @return the exporter, or NULL (out of memory).
 */
struct pl_ipfix *pl_ipfix_create(const struct pl_ipfix_conf *conf, pl_ipfix_send_t send,
				 void *ctx);

/**
 * Create an exporter sending UDP datagrams to a collector.
 *
 * @param host_port  "HOST:PORT", "[V6ADDR]:PORT" (numeric or resolvable).
 * @param err        on failure, what went wrong.
 * @return the exporter, or NULL.
 */
struct pl_ipfix *pl_ipfix_open_udp(const char *host_port, const struct pl_ipfix_conf *conf,
				   char *err, size_t errlen);

/**
 * Add a flow's record (counts since the flow started) to the message being built: the
 * exporter sends what changed since the flow's previous record. A full message is queued,
 * and queued messages go out as the bucket allows.
 *
 * @param now_ns  time (ns since the epoch): message export time, templates, pacing.
 * @return 0, -ENOBUFS when the queue is full (the record is dropped and counted), or a
 *         negative errno from sending.
 */
int pl_ipfix_add(struct pl_ipfix *x, const struct pl_ipfix_record *r, uint64_t now_ns);

/** Queue the message being built, if any, and send what the bucket allows. */
int pl_ipfix_flush(struct pl_ipfix *x, uint64_t now_ns);

/**
 * Send what the bucket allows at @p now_ns, and the templates when their refresh is due.
 *
 * @return messages still queued.
 */
uint32_t pl_ipfix_poll(struct pl_ipfix *x, uint64_t now_ns);

/**
 * Nanoseconds from @p now_ns until the next queued message may leave (0: now), or
 * UINT64_MAX when nothing is queued.
 */
uint64_t pl_ipfix_wait_ns(const struct pl_ipfix *x, uint64_t now_ns);

/** Exporter statistics. */
struct pl_ipfix_stats {
	uint64_t records;       /**< data records sent */
	uint64_t messages;      /**< messages sent (templates included) */
	uint64_t templates;     /**< template messages sent */
	uint64_t send_errors;
	uint64_t dropped;       /**< records refused: queue full */
	uint64_t skipped;       /**< active-timeout records with nothing new, not sent */
	uint64_t queued;        /**< messages waiting for tokens now */
	uint64_t flows;         /**< flows remembered for deltas now */
	uint64_t forgotten;     /**< remembered flows dropped to stay within flows_max */
};
void pl_ipfix_stats(const struct pl_ipfix *x, struct pl_ipfix_stats *s);

/**
 * Free (NULL is fine). What is still queued or being built is sent first, unpaced: pace it
 * beforehand with pl_ipfix_flush(), pl_ipfix_wait_ns() and pl_ipfix_poll().
 */
void pl_ipfix_close(struct pl_ipfix *x, uint64_t now_ns);

/** Name of a mode ("biflow", "uniflow"); pl_ipfix_mode_parse(): -1 when unknown. */
const char *pl_ipfix_mode_name(unsigned int mode);
int pl_ipfix_mode_parse(const char *s);

#ifdef __cplusplus
}
#endif

#endif /* PL_IPFIX_H */
