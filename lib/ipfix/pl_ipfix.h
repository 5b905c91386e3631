/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * IPFIX export (RFC 7011, information elements from RFC 7012 / IANA, biflow reverse
 * elements from RFC 5103).
 *
 * One record per flow, at its end and at each active timeout, from the initiator's point of
 * view: the standard 5-tuple, octets and packets each way (forward: octetDeltaCount /
 * packetDeltaCount; reverse: the RFC 5103 reverse elements, PEN 29305), start and end times
 * in milliseconds, the TCP flags seen, the end reason, and three portlens elements under
 * the enterprise number PL_IPFIX_PEN: the service class (string), the detected application
 * protocols (string, e.g. "tls,http") and the verdict (unsigned8: 0 forward, 1 mark, 2 drop).
 * Templates (256: IPv4, 257: IPv6) open the first message and are re-sent periodically, as
 * UDP transport requires (RFC 7011, 8.4). Messages stay under 1400 bytes.
 *
 * Control plane only: records reach the exporter through the stats role, never from the
 * packet path directly.
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
#define PL_IPFIX_TEMPLATE_V4 256
#define PL_IPFIX_TEMPLATE_V6 257
/** Largest message (fits a 1500-byte MTU with IP and UDP headers). */
#define PL_IPFIX_MTU 1400

/** Why a record was exported (IANA flowEndReason). */
enum pl_ipfix_reason {
	PL_IPFIX_IDLE = 1,      /**< idle timeout */
	PL_IPFIX_ACTIVE = 2,    /**< active timeout: the flow goes on */
	PL_IPFIX_END = 3,       /**< end of flow detected (FIN, RST) */
	PL_IPFIX_FORCED = 4,    /**< forced end (shutdown, end of capture) */
	PL_IPFIX_LACK = 5,      /**< lack of resources (table full) */
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
	uint64_t first_ns;
	uint64_t last_ns;
	uint64_t packets[2];   /**< [0] initiator -> responder, [1] back */
	uint64_t bytes[2];
	char cls[32];          /**< service class name, "" for none */
	char apps[48];         /**< detected protocols, comma-separated, "" for none */
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
 * @param domain          observation domain id.
 * @param template_every  seconds between template re-sends (0: only in the first message).
 * @return the exporter, or NULL (out of memory).
 */
struct pl_ipfix *pl_ipfix_create(uint32_t domain, uint32_t template_every, pl_ipfix_send_t send,
				 void *ctx);

/**
 * Create an exporter sending UDP datagrams to a collector.
 *
 * @param host_port  "HOST:PORT", "[V6ADDR]:PORT" (numeric or resolvable).
 * @param err        on failure, what went wrong.
 * @return the exporter, or NULL.
 */
struct pl_ipfix *pl_ipfix_open_udp(const char *host_port, uint32_t domain,
				   uint32_t template_every, char *err, size_t errlen);

/**
 * Add a record to the message being built; a full message is sent first.
 *
 * @param now_s  export time (seconds since the epoch), also for template re-sends.
 * @return 0, or a negative errno from sending.
 */
int pl_ipfix_add(struct pl_ipfix *x, const struct pl_ipfix_record *r, uint32_t now_s);

/** Send the message being built, if any. @return 0 or a negative errno. */
int pl_ipfix_flush(struct pl_ipfix *x, uint32_t now_s);

/** Exporter statistics. */
struct pl_ipfix_stats {
	uint64_t records;
	uint64_t messages;
	uint64_t templates;     /**< template sets sent */
	uint64_t send_errors;
};
void pl_ipfix_stats(const struct pl_ipfix *x, struct pl_ipfix_stats *s);

/** Flush and free (NULL is fine). */
void pl_ipfix_close(struct pl_ipfix *x, uint32_t now_s);

#ifdef __cplusplus
}
#endif

#endif /* PL_IPFIX_H */
