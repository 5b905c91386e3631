/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Classification: service classes by port, and payload signatures with Hyperscan.
 *
 * Classes: a 65536-entry table per transport protocol maps a port to its class; a TCP/UDP
 * packet belongs to the class of its destination port if it has one, else to the class of
 * its source port, so both directions of a connection count in the class.
 *
 * Signatures: one Hyperscan block-mode database compiled on the control thread from the
 * signature file (YAML, see docs/configuration.md), one scratch per worker. Workers scan the
 * first bytes of the first data packets of each flow; a match labels the flow with the
 * detected protocol (TLS handshake, HTTP request/response, PostgreSQL SSLRequest, PostgreSQL
 * cleartext startup, SSH banner, DNS, ...). A card-number candidate is validated with the
 * Luhn check inside the match callback; only the last four digits ever leave it.
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
