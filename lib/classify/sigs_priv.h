/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the block-mode scan (sigs.c) and the per-flow stream scan (stream.c) share: the
 * compiled set, and the match context whose card-number check reads a candidate's digits
 * from the current payload and, for a match that began in an earlier segment of the same
 * stream, from the few bytes kept from before it.
 */
#ifndef PL_SIGS_PRIV_H
#define PL_SIGS_PRIV_H

#include <hs/hs.h>
#include <rte_common.h>

#include "pl_classify.h"

/* Card numbers are 13 to 19 digits long (ISO/IEC 7812). */
#define CARD_MIN_DIGITS 13
#define CARD_MAX_DIGITS 19
/* The longest card match read (the shipped pattern's longest is 37 bytes: 19 digits with a
 * one-byte separator between each two). A stream keeps this many of its latest bytes, so a
 * match that began in an earlier segment can still be read whole. */
#define CARD_MAX_SPAN 64

struct pl_sigs {
	hs_database_t *db;                      /* block mode: one payload at a time */
	hs_database_t *sdb;                     /* stream mode: a flow direction's payload */
	unsigned int n;
	uint64_t card_sigs;                     /* bit per signature detecting card numbers */
	uint32_t homed;                         /* bit per protocol with home ports */
	struct pl_sig_def def[PL_MAX_SIGS];
	unsigned int line[PL_MAX_SIGS];         /* line of each signature's pattern */
	uint8_t home[PL_APP_MAX][65536 / 8];    /* home ports per protocol (bitmap) */
};

/*
 * What the match callback needs: Hyperscan passes offsets only, not the data. Offsets are
 * from the start of the stream (block mode: of the payload); data[0] is at offset base, and
 * the tail_len bytes before it are tail[] (stream mode: the end of earlier segments).
 */
struct scan_ctx {
	const struct pl_sigs *s;
	const uint8_t *data;
	uint32_t len;
	uint32_t tail_len;
	unsigned long long base;
	const uint8_t *tail;
	struct pl_scan_result *res;
};

/* The Hyperscan match callback of both modes (sigs.c). */
int pl_sigs_on_match(unsigned int id, unsigned long long from, unsigned long long to,
		     unsigned int flags, void *ctx);

/* NUMA-aware allocation for Hyperscan's scratches and streams (sigs.c): memory on the node
 * pl_sigs_alloc_node() set for this thread, -1 for anywhere. */
void *pl_sigs_alloc(size_t size);
void pl_sigs_release(void *p);
void pl_sigs_alloc_node(int node);

#endif /* PL_SIGS_PRIV_H */
