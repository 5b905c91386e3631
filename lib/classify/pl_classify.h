/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Classification: service classes by port, and payload signatures with Hyperscan.
 *
 * Classes: a 65536-entry table per transport protocol maps a port to its class; a TCP/UDP
 * packet belongs to the class of its destination port if it has one, else to the class of
 * its source port, so both directions of a connection count in the class.
 *
 * Signatures: two Hyperscan databases compiled on the control thread from the signature
 * file (YAML, see docs/configuration.md), block mode (one payload) and stream mode (a flow
 * direction's in-order TCP payload across segments), and one scratch per worker. Workers
 * stream each direction of a cleartext flow through the stream database up to a byte budget
 * (pl_sigs_stream_scan()); a match labels the flow with the detected protocol (TLS
 * handshake, HTTP request/response, PostgreSQL SSLRequest, PostgreSQL cleartext startup, SSH
 * banner, DNS, ...). A card-number candidate is validated with the Luhn check inside the
 * match callback, also when it spans two segments; only the last four digits ever leave it.
 */
#ifndef PL_CLASSIFY_H
#define PL_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "pl_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- classes by port ---- */

/** Port -> class tables, built from a configuration. */
struct pl_class_table {
	uint8_t tcp[65536];   /**< class index or PL_CLASS_NONE */
	uint8_t udp[65536];
};

/**
 * Build the port tables of the classes in a configuration. A port claimed by two classes of
 * the same protocol belongs to the first.
 *
 * @param cfg  configuration.
 * @param t    filled in completely.
 */
void pl_class_table_build(const struct pl_config *cfg, struct pl_class_table *t);

/**
 * Class of a TCP/UDP packet: its destination port's class, else its source port's.
 *
 * @param proto  IPPROTO_TCP or IPPROTO_UDP (anything else: PL_CLASS_NONE).
 * @return class index or PL_CLASS_NONE.
 */
static inline uint8_t
pl_class_of(const struct pl_class_table *t, uint8_t proto, uint16_t sport, uint16_t dport)
{
	const uint8_t *tab;
	uint8_t c;

	if (proto == 6)
		tab = t->tcp;
	else if (proto == 17)
		tab = t->udp;
	else
		return PL_CLASS_NONE;
	c = tab[dport];
	return c != PL_CLASS_NONE ? c : tab[sport];
}

/* ---- payload signatures ---- */

/** Most signatures in a set. */
#define PL_MAX_SIGS 64
#define PL_SIG_NAME_LEN 32

/** Protocols a signature can detect (bit per protocol, so a flow keeps all it saw). */
#define PL_APP_PROTOS(X) \
	X(tls, "TLS handshake", 0) \
	X(http, "HTTP request or response", 1) \
	X(pgsql_ssl, "PostgreSQL SSLRequest", 0) \
	X(pgsql_clear, "PostgreSQL startup in cleartext", 1) \
	X(ssh, "SSH banner", 0) \
	X(dns, "DNS message", 1) \
	X(card, "card number candidate (Luhn-valid)", 1) \
	X(other, "a user signature with no protocol of its own", 0)

enum pl_app_proto {
#define PL_X_ENUM(name, help, clear) PL_APP_##name,
	PL_APP_PROTOS(PL_X_ENUM)
#undef PL_X_ENUM
	PL_APP_MAX
};

/** Bit mask of the protocols that are cleartext (the third column of PL_APP_PROTOS). */
uint32_t pl_app_cleartext_mask(void);

/** Protocols after which a flow's payload is encrypted: scanning it stops there. */
#define PL_APP_ENCRYPTING ((1u << PL_APP_tls) | (1u << PL_APP_pgsql_ssl) | (1u << PL_APP_ssh))

/** One signature from the signature file. */
struct pl_sig_def {
	char name[PL_SIG_NAME_LEN];   /**< unique, e.g. "tls_client_hello" */
	uint8_t proto;                /**< enum pl_app_proto it detects */
	uint8_t nb_ports;
	uint16_t ports[16];           /**< the protocol's home ports (for "off-port") */
	char pattern[512];            /**< Hyperscan (PCRE subset) pattern */
	unsigned int hs_flags;        /**< HS_FLAG_* from the file's flags */
};

/** A compiled signature set; shared read-only by all workers. */
struct pl_sigs;

/**
 * Load a signature file and compile its Hyperscan database (control thread only).
 *
 * @param path    YAML signature file.
 * @param err     on failure "FILE:LINE: what is wrong" (Hyperscan compile errors name the
 *                signature and its line).
 * @param errlen  size of err.
 * @return the set, or NULL.
 */
struct pl_sigs *pl_sigs_load(const char *path, char *err, size_t errlen);

/** Free a set (NULL is fine). Scratches made for it must be freed first. */
void pl_sigs_free(struct pl_sigs *s);

/** Number of signatures in a set, and each one's definition. */
unsigned int pl_sigs_count(const struct pl_sigs *s);

/** How many of the set's compiled databases were read from the compiled-signature cache
 *  (lib/classify/sigcache.c) rather than compiled. */
unsigned int pl_sigs_cached(const struct pl_sigs *s);
const struct pl_sig_def *pl_sigs_def(const struct pl_sigs *s, unsigned int id);

/**
 * A scratch for one worker (hs_alloc_scratch; control thread).
 *
 * @return an opaque scratch, or NULL.
 */
void *pl_sigs_scratch(const struct pl_sigs *s);

/**
 * pl_sigs_scratch() with the scratch's memory on NUMA node @p node (libnuma), the node of
 * the worker that will scan with it; -1, or a node libnuma does not know, is anywhere.
 */
void *pl_sigs_scratch_on(const struct pl_sigs *s, int node);

/** Free a scratch (NULL is fine). */
void pl_sigs_scratch_free(void *scratch);

/** What a scan found. */
struct pl_scan_result {
	uint64_t sig_hits;      /**< bit per signature id that matched */
	uint32_t protos;        /**< bit per enum pl_app_proto detected */
	uint16_t card_last4;    /**< last four digits of the first Luhn-valid card, as a number */
	uint8_t card_found;     /**< a Luhn-valid card number was seen */
};

/**
 * Scan one payload (block mode). No allocation, no system call.
 *
 * @param s        the set.
 * @param scratch  this worker's scratch from pl_sigs_scratch().
 * @param data     payload bytes.
 * @param len      how many (the caller bounds it by scan_bytes).
 * @param res      filled in completely.
 * @return 0, or a negative value when Hyperscan failed (res is then empty).
 */
int pl_sigs_scan(const struct pl_sigs *s, void *scratch, const uint8_t *data, uint32_t len,
		 struct pl_scan_result *res);

/* ---- stream scanning (one flow direction's payload across segments) ---- */

/**
 * Stream-scanning counters: X(name, "help"). They are part of the counter blocks' scalars
 * (PL_CTR_SCALARS includes this list, in this order), and pl_sigs_stream_scan() counts into
 * an array of them.
 */
#define PL_SCAN_COUNTERS(X) \
	X(scans, "payload segments scanned for signatures") \
	X(scan_bytes, "payload bytes scanned") \
	X(scan_errors, "scans Hyperscan refused") \
	X(scan_flows, "flows whose payload scanning began (a stream taken from the pool)") \
	X(scan_full, "flows not scanned: the worker was already scanning scan.flows flows") \
	X(scan_budget, "flow directions whose scanning ended at the byte budget") \
	X(scan_gaps, "flow directions whose scanning ended at a gap or out-of-order segment") \
	X(scan_retrans, "segments not scanned again: wholly before the next expected byte") \
	X(scan_encrypted, "flows whose scanning stopped at TLS, SSH or a request for encryption") \
	X(scan_stale, "flows whose scanning stopped because the configuration changed")

enum pl_scan_ctr {
#define PL_X_ENUM(name, help) PL_SCANC_##name,
	PL_SCAN_COUNTERS(PL_X_ENUM)
#undef PL_X_ENUM
	PL_SCANC_MAX
};

/** Bits of a flow's scan state (the @p scan byte a caller keeps per flow, 0 at its start). */
#define PL_SCAN_DONE 0x01   /**< nothing more of this flow is scanned */

/** One payload as the stream scanner sees it. */
struct pl_seg {
	const uint8_t *data;   /**< payload */
	uint32_t len;          /**< payload bytes (0 for a FIN or RST without data) */
	/** TCP: sequence number of data[0] (a SYN's own number plus one). A datagram: bytes
	 * this direction of the flow carried before it (how much of the budget is spent). */
	uint32_t seq;
	uint8_t dir;           /**< 0: from the flow's initiator, 1: from the responder */
	uint8_t tcp;           /**< 1: a TCP segment, streamed; 0: a datagram, scanned alone */
	uint8_t fin;           /**< TCP FIN: this direction's data ends with this segment */
	uint8_t rst;           /**< TCP RST: the flow's data ends here, both ways */
};

/** A worker's pool of streams. */
struct pl_sigs_streams;

/**
 * Create a worker's pool: @p flows slots of two Hyperscan streams each (one per direction),
 * in one block allocated now on NUMA node @p node (libnuma; -1: anywhere); a slot's streams
 * are opened in its room of the block when it is first used, so scanning never allocates.
 * Control thread.
 *
 * @param s       the set (streams belong to its stream database).
 * @param flows   most flows scanned at once, 1 to PL_SCAN_FLOWS_MAX.
 * @param budget  bytes of in-order payload scanned per flow direction (>= 1).
 * @return the pool, or NULL with errno set.
 */
struct pl_sigs_streams *pl_sigs_streams_create(const struct pl_sigs *s, uint32_t flows,
					       uint32_t budget, int node);

/** Free a pool (NULL is fine). */
void pl_sigs_streams_free(struct pl_sigs_streams *p);

/** Bytes of Hyperscan stream state per flow direction of a set (hs_stream_size). */
size_t pl_sigs_stream_state_bytes(const struct pl_sigs *s);

/** Bytes a pool holds in all: slots and Hyperscan stream state. */
size_t pl_sigs_streams_memory(const struct pl_sigs_streams *p);

/** Slots of a pool in use now, and in all. */
uint32_t pl_sigs_streams_used(const struct pl_sigs_streams *p);
uint32_t pl_sigs_streams_size(const struct pl_sigs_streams *p);

/**
 * Scan one payload of a flow (worker; no allocation, no system call).
 *
 * TCP: each direction is one Hyperscan stream over its in-order payload, starting at the
 * first segment with data seen in that direction and ending at its budget, its FIN, the
 * flow's RST, or a gap: a segment beyond the next expected byte (lost or out of order; no
 * reordering is attempted) ends that direction's scanning (counted in scan_gaps). A segment
 * wholly before the next expected byte is a retransmission and is not scanned again
 * (scan_retrans); one overlapping it is scanned from the next expected byte on. When a
 * direction ends, matches that needed its end (a card number that is the last bytes) are
 * reported. The whole flow stops as soon as it is known to be encrypted: a segment that
 * starts with a TLS record header, or a match of a protocol in PL_APP_ENCRYPTING. The first
 * payload of a flow takes a slot from the pool (none free: the flow is never scanned,
 * scan_full); the slot goes back as soon as both directions have ended, or through
 * pl_sigs_stream_release() when the flow does.
 *
 * A datagram (seg->tcp 0) is scanned alone in block mode while seg->seq is under the budget,
 * and needs no slot.
 *
 * @param p        this worker's pool.
 * @param scratch  this worker's scratch.
 * @param slot     the flow's slot index (0: none), kept by the caller in the flow.
 * @param scan     the flow's PL_SCAN_* bits, kept by the caller in the flow.
 * @param owner    the flow (a slot remembers its owner: a stale index never reads another
 *                 flow's stream).
 * @param seg      the payload.
 * @param ctr      [PL_SCANC_MAX] counters to add to.
 * @param res      filled in completely: what this payload (and any end of direction it
 *                 caused) matched.
 * @return 1 when something was scanned or a direction ended (res may hold matches), else 0.
 */
int pl_sigs_stream_scan(struct pl_sigs_streams *p, void *scratch, uint16_t *slot,
			uint8_t *scan, const void *owner, const struct pl_seg *seg, uint64_t *ctr,
			struct pl_scan_result *res);

/**
 * A flow ends (removed, or restarted as a new connection): give its slot back, if it holds
 * one of this pool owned by @p owner, without reporting anything. *slot becomes 0.
 */
void pl_sigs_stream_release(struct pl_sigs_streams *p, uint16_t *slot, const void *owner);

/**
 * The Luhn check on a string of digits (other characters: not valid).
 *
 * @param digits  ASCII digits.
 * @param n       how many (13-19 for card numbers; any n >= 2 is checked).
 * @return 1 if the Luhn checksum is valid.
 */
int pl_luhn_valid(const char *digits, unsigned int n);

/** Name of an application protocol ("tls", "http" ...). */
const char *pl_app_name(unsigned int proto);

/**
 * Does a detected protocol belong on this server port? False ("off-port") when the
 * protocol's signatures list home ports and @p port is not one of them.
 *
 * @param s      the set.
 * @param proto  enum pl_app_proto.
 * @param port   the flow's server (destination of the first packet) port.
 */
int pl_sigs_on_port(const struct pl_sigs *s, unsigned int proto, uint16_t port);

#ifdef __cplusplus
}
#endif

#endif /* PL_CLASSIFY_H */
