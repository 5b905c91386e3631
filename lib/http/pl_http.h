/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The HTTP surface: Prometheus metrics, the JSON snapshot, the history and a live dashboard,
 * served by libmicrohttpd from a thread of its own.
 *
 * Routes (GET and HEAD only): `/metrics` (text/plain; version=0.0.4), `/api/snapshot`
 * (the portlens.snapshot.v1 document), `/api/history` (points and rates) and `/` (the
 * dashboard, embedded in the binary). Nothing is read from disk, so no path can reach a
 * file. Every request takes a reference to the newest snapshot with pl_snapshot_get() and
 * drops it with pl_snapshot_put(): the packet path never meets the server. The server binds
 * to 127.0.0.1 unless told otherwise, and when bound to a loopback address it answers only
 * requests whose Host names a loopback address (no DNS rebinding from a web page).
 */
#ifndef PL_HTTP_H
#define PL_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "pl_snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default address when only a port is given. */
#define PL_HTTP_DEFAULT_ADDR "127.0.0.1"

/** Limits of the server; zero fields take the defaults in brackets. */
struct pl_http_opts {
	unsigned int max_conns;   /**< connections at once [32] */
	unsigned int per_ip;      /**< connections at once from one address [8] */
	unsigned int timeout_s;   /**< idle connection timeout [10] */
	size_t max_body;          /**< largest request body accepted [1024]; none is used */
	double req_rate;          /**< requests per second from one address [50] */
	double req_burst;         /**< and their burst [100]; more get 429 */
	const char *token;        /**< bearer token every request must carry, NULL for none
				   *   (copied at start) */
};

/** A parsed listen address. */
struct pl_http_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	char text[72];            /**< "127.0.0.1:8080" or "[::1]:8080" (any host it parsed) */
};

struct pl_http;

/**
 * Parse a listen address: `PORT` (127.0.0.1:PORT), `ADDR:PORT` with a numeric IPv4
 * address, `[ADDR6]:PORT`, or `localhost:PORT`. Port 0 asks the kernel for a free port.
 *
 * @param s       the text.
 * @param a       filled on success.
 * @param err     message on failure (what is wrong with the text).
 * @param errlen  its size.
 * @return 0, or -EINVAL.
 */
int pl_http_parse_addr(const char *s, struct pl_http_addr *a, char *err, size_t errlen);

/**
 * Bind and start serving.
 *
 * @param addr_port  listen address, as for pl_http_parse_addr().
 * @param pub        the publisher to read snapshots and history from; must outlive the
 *                   server (stop it first).
 * @param o          limits, or NULL for the defaults.
 * @param err        message on failure (bad address, port in use, ...).
 * @param errlen     its size.
 * @return the server, or NULL with errno set (EINVAL: bad address; EADDRINUSE,
 *         EACCES ...: from bind()).
 */
struct pl_http *pl_http_start(const char *addr_port, struct pl_publisher *pub,
			      const struct pl_http_opts *o, char *err, size_t errlen);

/** The address actually bound ("127.0.0.1:41234" when port 0 was asked for). */
const char *pl_http_url_addr(const struct pl_http *h);

/** Stop serving: close the socket, wait for the server thread, free. NULL is fine. */
void pl_http_stop(struct pl_http *h);

/**
 * Render the history as JSON (schema portlens.history.v1): the points, oldest first, and
 * for each point after the first the rates since the previous one (packets and bits per
 * second in total and per direction, drops per second), over wall-clock time.
 *
 * @param pub  the publisher.
 * @param len  set to the length of the text.
 * @return malloc'd NUL-terminated text, or NULL when out of memory.
 */
char *pl_http_history_json(struct pl_publisher *pub, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* PL_HTTP_H */
