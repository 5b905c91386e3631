/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Port bins: a 65536-entry table mapping each port to its bin.
 *
 * A bin specification is a comma-separated list of ranges with a width,
 * "FIRST-LAST/WIDTH": the default "0-1023/1,1024-49151/100,49152-65535/50" counts ports
 * 0-1023 one by one, then bins of 100 from 1024 and of 50 from 49152 (a range's last bin
 * is cut at LAST). Ports no range covers belong to no bin. The table is built once from
 * the configuration; exact per-port counters are kept separately, and bins are summed from
 * them, so the two can never disagree.
 */
#ifndef PL_BINS_H
#define PL_BINS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The default bin specification (DESIGN.md). */
#define PL_BINS_DEFAULT "0-1023/1,1024-49151/100,49152-65535/50"

/** No bin for this port. */
#define PL_BIN_NONE UINT32_MAX

/** One bin: ports first..last inclusive. */
struct pl_bin {
	uint16_t first;
	uint16_t last;
};

/** A bin table. */
struct pl_bins {
	uint32_t n;                 /**< number of bins */
	uint32_t of_port[65536];    /**< bin index per port, or PL_BIN_NONE */
	struct pl_bin bin[65536];   /**< bins in ascending port order */
};

/**
 * Build a bin table from a specification.
 *
 * @param spec  e.g. PL_BINS_DEFAULT; ranges must ascend and not overlap.
 * @param err   on failure, what is wrong (may be NULL).
 * @param errlen size of err.
 * @return a table (free with pl_bins_free()), or NULL with err filled.
 */
struct pl_bins *pl_bins_create(const char *spec, char *err, size_t errlen);

/** Free a bin table (NULL is fine). */
void pl_bins_free(struct pl_bins *b);

/**
 * Bin of a port.
 *
 * @return bin index, or PL_BIN_NONE.
 */
static inline uint32_t
pl_bins_of(const struct pl_bins *b, uint16_t port)
{
	return b->of_port[port];
}

#ifdef __cplusplus
}
#endif

#endif /* PL_BINS_H */
