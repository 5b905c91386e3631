/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Service classes by port: the two 65536-entry tables (TCP, UDP) that turn a port into a
 * class index in one load. Built once on the control thread from a configuration; workers
 * only read them (pl_class_of() in pl_classify.h).
 */
#include <string.h>

#include "pl_classify.h"

/*
 * Fill one protocol's table from the classes covering it. A port keeps the first class that
 * claims it, so the order of the classes in the configuration settles overlaps.
 */
static void
fill_table(const struct pl_config *cfg, uint8_t proto_bit, uint8_t *tab)
{
	unsigned int c, r, p, nb = cfg->nb_classes;

	memset(tab, PL_CLASS_NONE, 65536);
	if (nb > PL_MAX_CLASSES)
		nb = PL_MAX_CLASSES;
	for (c = 0; c < nb; c++) {
		const struct pl_class_def *def = &cfg->classes[c];
		unsigned int nr = def->nb_ranges;

		if (!(def->protos & proto_bit))
			continue;
		if (nr > PL_MAX_CLASS_RANGES)
			nr = PL_MAX_CLASS_RANGES;
		for (r = 0; r < nr; r++) {
			/* unsigned int, so a range ending at 65535 terminates */
			for (p = def->ranges[r].first; p <= def->ranges[r].last; p++) {
				if (tab[p] == PL_CLASS_NONE)
					tab[p] = (uint8_t)c;
			}
		}
	}
}

void
pl_class_table_build(const struct pl_config *cfg, struct pl_class_table *t)
{
	fill_table(cfg, PL_PROTO_TCP, t->tcp);
	fill_table(cfg, PL_PROTO_UDP, t->udp);
}
