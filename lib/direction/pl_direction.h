/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Direction: is each endpoint of a packet on a local network?
 *
 * The local networks (IPv4 and IPv6 CIDRs) of a family are matched by a few compares when
 * there are at most PL_DIRECTION_FEW of them (the usual case), and compiled into an rte_lpm
 * or rte_lpm6 table when there are more. A table is immutable once built: a configuration
 * change builds a new one and the packet path switches to it by pointer (the old one is freed
 * after every lcore has moved on).
 */
#ifndef PL_DIRECTION_H
#define PL_DIRECTION_H

#include <stdint.h>
#include <rte_mbuf.h>

#include "pl_parse.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most local networks a table holds (IPv4 and IPv6 together). */
#define PL_DIRECTION_MAX_NETS 1024

/** One local network. */
struct pl_cidr {
	uint8_t family;   /**< 4 or 6 */
	uint8_t depth;    /**< prefix length */
	uint8_t addr[16]; /**< network address, masked to depth; IPv4 in the first 4 bytes */
};

struct pl_direction;

/**
 * Parse "a.b.c.d/n" or "x:y::/n" (a bare address means a host route).
 *
 * @param s    the text.
 * @param out  the network, masked to its prefix.
 * @return 0, or -EINVAL with nothing written.
 */
int pl_cidr_parse(const char *s, struct pl_cidr *out);

/**
 * Format a network as text.
 *
 * @return buf.
 */
char *pl_cidr_format(const struct pl_cidr *c, char *buf, size_t len);

/**
 * The default local networks: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7.
 *
 * @param out  room for at least 4 entries.
 * @return number written (4).
 */
unsigned int pl_direction_defaults(struct pl_cidr *out);

/** Most networks of one family matched by compares, without an LPM table. */
#define PL_DIRECTION_FEW 8

/**
 * The memory a direction table of @p nets takes beyond its own few lines: the LPM tables of
 * the families with more than PL_DIRECTION_FEW networks (about 64 MiB for IPv4, 68 for
 * IPv6), rounded up to whole MiB; 0 when compares serve both families.
 */
unsigned int pl_direction_mem_mb(const struct pl_cidr *nets, unsigned int n);

/** What pl_direction_mem_mb() gives at most: both families in LPM tables. */
#define PL_DIRECTION_MEM_MAX_MB 134

/**
 * Build a direction table.
 *
 * @param name    unique name (used for the rte_lpm objects).
 * @param socket  NUMA socket for the tables.
 * @param nets    local networks; duplicates are fine.
 * @param n       how many (at most PL_DIRECTION_MAX_NETS).
 * @return the table, or NULL with rte_errno set.
 */
struct pl_direction *pl_direction_create(const char *name, int socket,
					 const struct pl_cidr *nets, unsigned int n);

/** Free a table (NULL is fine). */
void pl_direction_free(struct pl_direction *d);

/**
 * The networks a table was built from.
 *
 * @param n  out: how many.
 * @return array owned by the table.
 */
const struct pl_cidr *pl_direction_nets(const struct pl_direction *d, unsigned int *n);

/**
 * Is this address local?
 *
 * @param family  4 or 6.
 * @param addr    4 or 16 bytes, network order.
 * @return 1 if local, 0 if not.
 */
int pl_direction_is_local(const struct pl_direction *d, int family, const uint8_t *addr);

/**
 * Direction of a parsed IP packet (enum pl_dir).
 *
 * @param frame  the frame's first bytes.
 * @param meta   its parse result (kind PL_KIND_IP).
 */
enum pl_dir pl_direction_of(const struct pl_direction *d, const uint8_t *frame,
			    const struct pl_meta *meta);

/**
 * Set pl_meta.dir on every IP packet of a burst.
 */
void pl_direction_burst(const struct pl_direction *d, struct rte_mbuf **pkts, uint16_t n);

#ifdef __cplusplus
}
#endif

#endif /* PL_DIRECTION_H */
