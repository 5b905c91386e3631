/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lists of CPUs or lcores, "1,3-5": the grammar of the --rx-lcores and --worker-lcores
 * options and of the kernel's CPU list files (/sys/devices/system/cpu/online, a NUMA node's
 * cpulist), read by one parser.
 */
#include <stdlib.h>

#include "pl_app.h"

int
pl_cpulist_parse(const char *s, char stop, unsigned long max, cpu_set_t *set)
{
	if (set != NULL)
		CPU_ZERO(set);
	while (*s != '\0' && *s != stop) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a, i;

		if (end == s || a >= max)
			return -1;
		s = end;
		if (*s == '-') {
			b = strtoul(s + 1, &end, 10);
			if (end == s + 1 || b < a || b >= max)
				return -2;
			s = end;
		}
		if (set != NULL)
			for (i = a; i <= b; i++)
				CPU_SET(i, set);
		if (*s == ',')
			s++;
		else if (*s != '\0' && *s != stop)
			return -1;
	}
	return 0;
}
