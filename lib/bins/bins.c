/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bin tables from their text specification. Control-plane only: built at start or on a
 * configuration change, read by the stats lcore when it sums per-port counters into bins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_bins.h"

static int
parse_num(const char **p, long max, long *out)
{
	char *end;
	long v;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	v = strtol(*p, &end, 10);
	if (v > max)
		return -ERANGE;
	*p = end;
	*out = v;
	return 0;
}

struct pl_bins *
pl_bins_create(const char *spec, char *err, size_t errlen)
{
	struct pl_bins *b = malloc(sizeof(*b));
	const char *p = spec;
	long next = 0; /* lowest port a following range may start at */
	int item = 0;

	if (b == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->n = 0;
	memset(b->of_port, 0xff, sizeof(b->of_port));
	if (spec == NULL || *spec == '\0') {
		snprintf(err, errlen, "empty bin specification");
		goto fail;
	}
	while (*p) {
		long first, last, width, port;

		item++;
		if (parse_num(&p, 65535, &first) || *p++ != '-' ||
		    parse_num(&p, 65535, &last) || *p++ != '/' ||
		    parse_num(&p, 65536, &width) || (*p != ',' && *p != '\0')) {
			snprintf(err, errlen,
				 "bin range %d: expected FIRST-LAST/WIDTH with ports 0-65535 "
				 "(e.g. 1024-49151/100)", item);
			goto fail;
		}
		if (last < first || width < 1) {
			snprintf(err, errlen, "bin range %d: %ld-%ld/%ld is empty", item, first,
				 last, width);
			goto fail;
		}
		if (first < next) {
			snprintf(err, errlen,
				 "bin range %d: starts at %ld, overlapping or before the previous "
				 "range (ranges must ascend)", item, first);
			goto fail;
		}
		for (port = first; port <= last; port += width) {
			long end = port + width - 1 > last ? last : port + width - 1, q;

			b->bin[b->n].first = (uint16_t)port;
			b->bin[b->n].last = (uint16_t)end;
			for (q = port; q <= end; q++)
				b->of_port[q] = b->n;
			b->n++;
		}
		next = last + 1;
		if (*p == ',')
			p++;
	}
	return b;
fail:
	free(b);
	return NULL;
}

void
pl_bins_free(struct pl_bins *b)
{
	free(b);
}
