/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/http's libmicrohttpd: the functions http.c calls, reached through pointers that
 * pl_mhd_load() fills when the first HTTP server starts (mhd.c says why).
 */
#ifndef MHD_PRIV_H
#define MHD_PRIV_H

#include <stddef.h>
#include <microhttpd.h>

/* every libmicrohttpd function lib/http calls: its name without MHD_ */
#define PL_MHD_FUNCS(X) \
	X(start_daemon) X(stop_daemon) X(create_response_from_buffer) X(destroy_response) \
	X(add_response_header) X(queue_response) X(lookup_connection_value) \
	X(get_connection_info)

struct pl_mhd {
#define X(f) __typeof__(MHD_##f) *f;
	PL_MHD_FUNCS(X)
#undef X
};

/* filled by pl_mhd_load(); NULL pointers before */
extern struct pl_mhd pl_mhd;

/**
 * Load libmicrohttpd (once; later calls return at once).
 *
 * @param err     receives why not, in one line.
 * @param errlen  its size.
 * @return 0, or -1 (the library or one of its functions is missing).
 */
int pl_mhd_load(char *err, size_t errlen);

#endif /* MHD_PRIV_H */
