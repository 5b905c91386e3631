/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Direction tables. Two lookups per packet (source and destination) give the direction. A
 * family with few networks (the usual case: RFC 1918 and fc00::/7) is kept as a short list
 * of (network, mask) pairs, matched with a few compares and no memory beyond the table
 * itself; a family with more goes into DPDK's LPM, every network with next hop 1, a hit
 * meaning "local". The LPM is built only where it is used: rte_lpm's and rte_lpm6's 64 MiB
 * first levels miss the caches for addresses spread wide, and their memory costs start-up
 * time (offline, the EAL zeroes a descriptor per 4 KiB page of its memory).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_malloc.h>

#include "pl_direction.h"

#define DIR_FEW PL_DIRECTION_FEW

/* The LPM tables' sizes: the rules, then the first level (2^24 entries of 4 bytes each)
 * and the second-level groups (256 entries of 4 bytes each); rte_lpm6's rules live in a
 * hash of its own. */
#define DIR_LPM4_TBL8S 256
#define DIR_LPM6_TBL8S (1 << 12)
#define DIR_LPM4_MB 65
#define DIR_LPM6_MB 69

struct pl_direction {
	struct rte_lpm *lpm4;
	struct rte_lpm6 *lpm6;
	/* few networks: matched by compares (nb_few4 <= DIR_FEW), else -1: the LPM */
	int nb_few4, nb_few6;
	uint32_t net4[DIR_FEW], mask4[DIR_FEW];    /* host order */
	uint64_t net6[DIR_FEW][2], mask6[DIR_FEW][2]; /* host order */
	unsigned int n;
	struct pl_cidr nets[];
};

/* Mask of the first @p bits (0-64) of a 64-bit word in host order. */
static inline uint64_t
pl_mask64(unsigned int bits)
{
	return bits == 0 ? 0 : bits >= 64 ? ~0ULL : ~0ULL << (64 - bits);
}

static void
cidr_mask(struct pl_cidr *c)
{
	int bytes = c->family == 4 ? 4 : 16, i;

	for (i = 0; i < bytes; i++) {
		int keep = (int)c->depth - i * 8;

		if (keep <= 0)
			c->addr[i] = 0;
		else if (keep < 8)
			c->addr[i] &= (uint8_t)(0xff << (8 - keep));
	}
}

int
pl_cidr_parse(const char *s, struct pl_cidr *out)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	struct pl_cidr c;
	long depth;

	if (s == NULL || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	memset(&c, 0, sizeof(c));
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, c.addr) == 1)
		c.family = 4;
	else if (inet_pton(AF_INET6, buf, c.addr) == 1)
		c.family = 6;
	else
		return -EINVAL;
	depth = c.family == 4 ? 32 : 128;
	if (slash) {
		long max = depth;

		if (*slash == '\0')
			return -EINVAL;
		depth = strtol(slash, &end, 10);
		if (*end != '\0' || depth < 0 || depth > max)
			return -EINVAL;
	}
	c.depth = (uint8_t)depth;
	cidr_mask(&c);
	*out = c;
	return 0;
}

char *
pl_cidr_format(const struct pl_cidr *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, c->depth);
	return buf;
}

unsigned int
pl_direction_defaults(struct pl_cidr *out)
{
	static const char *const defs[] = {
		"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7",
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(defs); i++)
		pl_cidr_parse(defs[i], &out[i]);
	return RTE_DIM(defs);
}

/* Add one network to the table of its family. */
static int
lpm_add(struct pl_direction *d, const struct pl_cidr *c)
{
	if (c->depth == 0) {
		/* rte_lpm and rte_lpm6 take depths from 1: a /0 goes in as its two /1 halves */
		struct pl_cidr half = { .family = c->family, .depth = 1 };
		int rc = lpm_add(d, &half);

		half.addr[0] = 0x80;
		return rc < 0 ? rc : lpm_add(d, &half);
	}
	if (c->family == 4) {
		uint32_t ip = ((uint32_t)c->addr[0] << 24) | ((uint32_t)c->addr[1] << 16) |
			      ((uint32_t)c->addr[2] << 8) | c->addr[3];

		return rte_lpm_add(d->lpm4, ip, c->depth, 1);
	}
	return rte_lpm6_add(d->lpm6, c->addr, c->depth, 1);
}

/* Keep a network in its family's compare list, or give the list up when there are many. */
static void
few_add(struct pl_direction *d, const struct pl_cidr *c)
{
	uint64_t a[2];

	if (c->family == 4) {
		uint32_t ip;

		if (d->nb_few4 < 0 || d->nb_few4 == DIR_FEW) {
			d->nb_few4 = -1;
			return;
		}
		memcpy(&ip, c->addr, 4);
		d->mask4[d->nb_few4] = (uint32_t)(pl_mask64(c->depth) >> 32);
		d->net4[d->nb_few4++] = rte_be_to_cpu_32(ip);
		return;
	}
	if (d->nb_few6 < 0 || d->nb_few6 == DIR_FEW) {
		d->nb_few6 = -1;
		return;
	}
	memcpy(a, c->addr, 16);
	d->mask6[d->nb_few6][0] = pl_mask64(c->depth);
	d->mask6[d->nb_few6][1] = pl_mask64(c->depth > 64 ? c->depth - 64u : 0);
	d->net6[d->nb_few6][0] = rte_be_to_cpu_64(a[0]);
	d->net6[d->nb_few6++][1] = rte_be_to_cpu_64(a[1]);
}

struct pl_direction *
pl_direction_create(const char *name, int socket, const struct pl_cidr *nets, unsigned int n)
{
	struct rte_lpm_config c4 = { .max_rules = PL_DIRECTION_MAX_NETS,
				     .number_tbl8s = DIR_LPM4_TBL8S };
	struct rte_lpm6_config c6 = { .max_rules = PL_DIRECTION_MAX_NETS,
				      .number_tbl8s = DIR_LPM6_TBL8S };
	struct pl_direction *d;
	char nm[RTE_LPM_NAMESIZE];
	unsigned int i;

	if (n > PL_DIRECTION_MAX_NETS) {
		rte_errno = E2BIG;
		return NULL;
	}
	d = rte_zmalloc_socket(name, sizeof(*d) + n * sizeof(nets[0]), RTE_CACHE_LINE_SIZE,
			       socket);
	if (d == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		d->nets[i] = nets[i];
		few_add(d, &nets[i]);
	}
	d->n = n;
	/* an LPM table only for a family with too many networks for the compares */
	snprintf(nm, sizeof(nm), "%s4", name);
	if (d->nb_few4 < 0 && (d->lpm4 = rte_lpm_create(nm, socket, &c4)) == NULL)
		goto fail;
	snprintf(nm, sizeof(nm), "%s6", name);
	if (d->nb_few6 < 0 && (d->lpm6 = rte_lpm6_create(nm, socket, &c6)) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		int lpm = nets[i].family == 4 ? d->lpm4 != NULL : d->lpm6 != NULL;
		int rc = lpm ? lpm_add(d, &nets[i]) : 0;

		if (rc < 0) {
			rte_errno = -rc;
			goto fail;
		}
	}
	return d;
fail:
	i = rte_errno;
	pl_direction_free(d);
	rte_errno = i ? i : ENOMEM;
	return NULL;
}

unsigned int
pl_direction_mem_mb(const struct pl_cidr *nets, unsigned int n)
{
	unsigned int n4 = 0, n6 = 0, i;

	for (i = 0; i < n; i++) {
		/* a /0 goes into an LPM as two /1s, but the compares take it as one */
		if (nets[i].family == 4)
			n4++;
		else
			n6++;
	}
	return (n4 > DIR_FEW ? DIR_LPM4_MB : 0) + (n6 > DIR_FEW ? DIR_LPM6_MB : 0);
}

void
pl_direction_free(struct pl_direction *d)
{
	if (d == NULL)
		return;
	rte_lpm_free(d->lpm4);
	rte_lpm6_free(d->lpm6);
	rte_free(d);
}

const struct pl_cidr *
pl_direction_nets(const struct pl_direction *d, unsigned int *n)
{
	*n = d->n;
	return d->nets;
}

/* Is an IPv4 address (as loaded from the packet, network order) local? */
static inline int
local4(const struct pl_direction *d, const uint8_t *addr)
{
	uint32_t ip, hop;
	int i;

	memcpy(&ip, addr, 4);
	ip = rte_be_to_cpu_32(ip);
	if (d->nb_few4 < 0)
		return rte_lpm_lookup(d->lpm4, ip, &hop) == 0;
	for (i = 0; i < d->nb_few4; i++)
		if (((ip ^ d->net4[i]) & d->mask4[i]) == 0)
			return 1;
	return 0;
}

static inline int
local6(const struct pl_direction *d, const uint8_t *addr)
{
	uint64_t a[2];
	uint32_t hop;
	int i;

	if (d->nb_few6 < 0)
		return rte_lpm6_lookup(d->lpm6, addr, &hop) == 0;
	memcpy(a, addr, 16);
	a[0] = rte_be_to_cpu_64(a[0]);
	a[1] = rte_be_to_cpu_64(a[1]);
	for (i = 0; i < d->nb_few6; i++)
		if ((((a[0] ^ d->net6[i][0]) & d->mask6[i][0]) |
		     ((a[1] ^ d->net6[i][1]) & d->mask6[i][1])) == 0)
			return 1;
	return 0;
}

int
pl_direction_is_local(const struct pl_direction *d, int family, const uint8_t *addr)
{
	return family == 4 ? local4(d, addr) : local6(d, addr);
}

enum pl_dir
pl_direction_of(const struct pl_direction *d, const uint8_t *frame, const struct pl_meta *meta)
{
	const uint8_t *ip = frame + meta->l3_off;
	int src, dst;

	if (meta->flags & PL_F_IPV6) {
		src = local6(d, ip + 8);
		dst = local6(d, ip + 24);
	} else {
		src = local4(d, ip + 12);
		dst = local4(d, ip + 16);
	}
	if (src)
		return dst ? PL_DIR_INTERNAL : PL_DIR_OUT;
	return dst ? PL_DIR_IN : PL_DIR_EXTERNAL;
}

void
pl_direction_burst(const struct pl_direction *d, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct pl_meta *meta = pl_meta(pkts[i]);

		if (meta->kind == PL_KIND_IP)
			meta->dir = pl_direction_of(d, rte_pktmbuf_mtod(pkts[i], const uint8_t *),
						    meta);
	}
}
