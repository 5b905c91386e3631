/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the block-mode scan (sigs.c) and the per-flow stream scan (stream.c) share: the
 * compiled set (card-number signatures in databases of their own, run only where a card
 * number can be), the match context whose card-number check reads a candidate's digits
 * from the current payload and, for a match that began in an earlier segment of the same
 * stream, from the few bytes kept from before it, and the test that says where a card
 * number can be.
 */
#ifndef PL_SIGS_PRIV_H
#define PL_SIGS_PRIV_H

#include <limits.h>

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
/* How many first bytes of anchored signatures are known (pl_sigs.prefix). */
#define PREFIX_MAX 8

/*
 * The signatures are compiled into two databases per mode: the card-number signatures
 * (protocol card) and all the others, so that the card ones, which are not anchored and
 * must look at every byte, run only on payloads that hold enough digits for a card number
 * (pl_sigs_card_window()). A database is NULL when it would have no signature.
 */
struct pl_sigs {
	hs_database_t *db;                      /* block mode: one payload at a time */
	hs_database_t *cdb;                     /* block mode, card-number signatures */
	hs_database_t *sdb;                     /* stream mode: a flow direction's payload */
	hs_database_t *csdb;                    /* stream mode, card-number signatures */
	unsigned int n;
	/* every card signature matches at most CARD_MAX_SPAN bytes (hs_expression_info), so
	 * a direction's card stream may skip segments and start again (stream.c) */
	int card_bounded;
	uint64_t card_sigs;                     /* bit per signature detecting card numbers */
	/* first bytes of the other signatures (all anchored and understood: prefix_ok):
	 * bit p of prefix[i][b] is set when signature p may have byte b at offset i of a match
	 * starting at offset 0; prefix_short[i]: the signatures that need no byte at offset i */
	int prefix_ok;
	uint64_t prefix_short[PREFIX_MAX];
	uint64_t prefix[PREFIX_MAX][256];
	/* with prefix_ok: the longest match of each non-card signature (hs_expression_info's
	 * max_width), UINT32_MAX when unbounded; an anchored signature's match ends there */
	uint32_t width[PL_MAX_SIGS];
	unsigned int from_cache;                /* databases read from the cache (sigcache.c) */
	uint32_t homed;                         /* bit per protocol with home ports */
	struct pl_sig_def def[PL_MAX_SIGS];
	unsigned int line[PL_MAX_SIGS];         /* line of each signature's pattern */
	uint8_t home[PL_APP_MAX][65536 / 8];    /* home ports per protocol (bitmap) */
};

/*
 * What the match callback needs: Hyperscan passes offsets only, not the data. Offsets are
 * from the start of the Hyperscan stream (block mode: of the payload); shift is added to
 * them to give offsets in the flow direction's data (a card stream started late, stream.c),
 * and a match ending before skip_to is ignored (it was judged when its bytes came). data[0]
 * is at offset base, and the tail_len bytes before it are tail[] (stream mode: the end of
 * earlier segments).
 */
struct scan_ctx {
	const struct pl_sigs *s;
	const uint8_t *data;
	uint32_t len;
	uint32_t tail_len;
	unsigned long long base;
	unsigned long long shift;
	unsigned long long skip_to;
	const uint8_t *tail;
	struct pl_scan_result *res;
};

/* The Hyperscan match callback of both modes (sigs.c). */
int pl_sigs_on_match(unsigned int id, unsigned long long from, unsigned long long to,
		     unsigned int flags, void *ctx);

/* How many of a flow direction's first bytes the non-card signatures can match in (sigs.c). */
uint32_t pl_sigs_reach(const struct pl_sigs *s, const uint8_t *b, uint32_t len);

/*
 * Whether a card number can end in @p data: some stretch of at most CARD_MAX_SPAN bytes
 * ending in data (or at its very start) holds CARD_MIN_DIGITS ASCII digits or more that are
 * not part of a run of more than CARD_MAX_DIGITS digits, the stretch reaching back into
 * @p tail (the tail_len bytes just before data) where data is short. The match callback
 * accepts a card only under that condition, so where this says no, a card scan finds
 * nothing. It may say yes where no such stretch is (a run that goes on past the tail or
 * the data is measured within them): it never says no wrongly. Digits are counted in 64-byte
 * pieces first (SSE2, a fraction of a cycle a byte); only where two neighbouring pieces hold
 * enough are runs measured and the digits' offsets compared.
 */
int pl_sigs_card_window(const uint8_t *tail, uint32_t tail_len, const uint8_t *data,
			uint32_t len);

/* One database's compile: its expressions, flags and ids (n of each) and mode; and, from
 * pl_sigcache_load() to pl_sigcache_store(), its cache key and file. */
struct pl_sigcache_req {
	const char *const *exprs;
	const unsigned int *flags;
	const unsigned int *ids;
	unsigned int n;
	unsigned int mode;
	uint8_t *key;           /* NULL when there is no cache to use */
	size_t klen;
	char path[PATH_MAX];
};

/*
 * The compiled-signature cache (sigcache.c). pl_sigcache_load(): the database compiled from
 * @p r before, into *db (0, nothing kept), or -1: compile it, then call pl_sigcache_store()
 * with the database just compiled (NULL when the compile failed), which keeps it for the
 * next start under the key and file load worked out, and frees them.
 */
int pl_sigcache_load(struct pl_sigcache_req *r, hs_database_t **db);
void pl_sigcache_store(struct pl_sigcache_req *r, const hs_database_t *db);

/* NUMA-aware allocation for Hyperscan's scratches and streams (sigs.c): memory on the node
 * pl_sigs_alloc_node() set for this thread, -1 for anywhere. */
void *pl_sigs_alloc(size_t size);
void pl_sigs_release(void *p);
void pl_sigs_alloc_node(int node);

#endif /* PL_SIGS_PRIV_H */
