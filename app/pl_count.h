/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The counts every IP frame adds as it arrives, shared by the two lcores that may add them:
 * the worker, and offline the RX lcore for the plain TCP/UDP frames its fast read took while
 * the workers are the slower (rx.c, rx_assist()). A frame the RX lcore counted carries
 * pl_counted_flag, and the worker leaves those counts out for it: each frame is counted
 * once, by one lcore, into that lcore's bank.
 */
#ifndef PL_COUNT_H
#define PL_COUNT_H

#include <netinet/in.h>

#include <rte_mbuf.h>

#include "pl_counters.h"
#include "pl_parse.h"

/** ol_flags bit of a frame whose arrival counts the RX lcore added; 0 until
 * pl_count_init() registers it (and where it could not: then only workers count). */
extern uint64_t pl_counted_flag;

/** Register pl_counted_flag (once, after pl_parse_init()). 0, or a negative errno. */
int pl_count_init(void);

/** Count one IP packet: protocols, direction, ports (packets and bytes). */
static inline void
pl_count_ip(struct pl_ctr_bank *b, const struct pl_meta *meta, uint32_t len)
{
	b->v[(meta->flags & PL_F_IPV6) ? PL_CTR_ipv6 : PL_CTR_ipv4]++;
	b->dir_packets[meta->dir]++;
	b->dir_bytes[meta->dir] += len;
	if (meta->flags & PL_F_FRAGMENT) {
		b->v[PL_CTR_fragments]++;
		return;
	}
	switch (meta->l4_proto) {
	case IPPROTO_TCP:
		b->v[PL_CTR_tcp]++;
		break;
	case IPPROTO_UDP:
		b->v[PL_CTR_udp]++;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		b->v[PL_CTR_icmp]++;
		return;
	default:
		b->v[PL_CTR_l4_other]++;
		return;
	}
	pl_ctr_port(b, meta->dir, meta->dport, len);
}

#endif /* PL_COUNT_H */
