/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libmicrohttpd, loaded when the first HTTP server starts instead of with the program.
 * Linked, it and the TLS stack it needs (GnuTLS and eight libraries under it, about 2,300
 * symbol relocations) were loaded and relocated at every start, 1.7-2.4 ms, and
 * most runs (a capture read offline, an appliance scraped over rte_telemetry) serve no
 * HTTP (docs/benchmarking.md, "Where start-up goes before main()"). The package depends
 * on the library all the same (tools/package.sh).
 */
#include <dlfcn.h>
#include <stdio.h>

#include "mhd_priv.h"

struct pl_mhd pl_mhd;

int
pl_mhd_load(char *err, size_t errlen)
{
	static const char *const names[] = { PL_MHD_SONAME, "libmicrohttpd.so" };
	static void *lib;
	struct pl_mhd m;
	unsigned int i;

	if (lib != NULL)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && lib == NULL; i++)
		lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		snprintf(err, errlen, "the HTTP server needs libmicrohttpd (%s): %s; install it "
			 "(apt-get install libmicrohttpd12)", PL_MHD_SONAME, dlerror());
		return -1;
	}
#define X(f) \
	*(void **)&m.f = dlsym(lib, "MHD_" #f); \
	if (m.f == NULL) { \
		snprintf(err, errlen, "%s has no MHD_" #f ": install libmicrohttpd 0.9.71 or " \
			 "later", PL_MHD_SONAME); \
		dlclose(lib); \
		lib = NULL; \
		return -1; \
	}
	PL_MHD_FUNCS(X)
#undef X
	pl_mhd = m;
	return 0;
}
