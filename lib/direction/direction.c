/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Direction tables over DPDK's LPM. Every local network is added with next hop 1; a lookup
 * hit means "local". Two lookups per packet (source and destination) give the direction.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_malloc.h>

#include "pl_direction.h"

struct pl_direction {
	struct rte_lpm *lpm4;
	struct rte_lpm6 *lpm6;
	unsigned int n;
	struct pl_cidr nets[];
};

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

struct pl_direction *
pl_direction_create(const char *name, int socket, const struct pl_cidr *nets, unsigned int n)
{
	struct rte_lpm_config c4 = { .max_rules = PL_DIRECTION_MAX_NETS, .number_tbl8s = 256 };
	struct rte_lpm6_config c6 = { .max_rules = PL_DIRECTION_MAX_NETS,
				      .number_tbl8s = 1 << 12 };
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
	snprintf(nm, sizeof(nm), "%s4", name);
	d->lpm4 = rte_lpm_create(nm, socket, &c4);
	snprintf(nm, sizeof(nm), "%s6", name);
	d->lpm6 = rte_lpm6_create(nm, socket, &c6);
	if (d->lpm4 == NULL || d->lpm6 == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		int rc = lpm_add(d, &nets[i]);

		if (rc < 0) {
			rte_errno = -rc;
			goto fail;
		}
		d->nets[i] = nets[i];
	}
	d->n = n;
	return d;
fail:
	i = rte_errno;
	pl_direction_free(d);
	rte_errno = i ? i : ENOMEM;
	return NULL;
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

int
pl_direction_is_local(const struct pl_direction *d, int family, const uint8_t *addr)
{
	uint32_t hop;

	if (family == 4) {
		uint32_t ip = ((uint32_t)addr[0] << 24) | ((uint32_t)addr[1] << 16) |
			      ((uint32_t)addr[2] << 8) | addr[3];

		return rte_lpm_lookup(d->lpm4, ip, &hop) == 0;
	}
	return rte_lpm6_lookup(d->lpm6, addr, &hop) == 0;
}

enum pl_dir
pl_direction_of(const struct pl_direction *d, const uint8_t *frame, const struct pl_meta *meta)
{
	const uint8_t *ip = frame + meta->l3_off;
	int src, dst;

	if (meta->flags & PL_F_IPV6) {
		src = pl_direction_is_local(d, 6, ip + 8);
		dst = pl_direction_is_local(d, 6, ip + 24);
	} else {
		src = pl_direction_is_local(d, 4, ip + 12);
		dst = pl_direction_is_local(d, 4, ip + 16);
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
