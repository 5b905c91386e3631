/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP server: libmicrohttpd with its own polling thread, a socket we bind ourselves
 * (so a bad address or a port in use is reported with bind()'s own reason before anything
 * starts), a fixed routing table and nothing read from disk. Each request renders the
 * newest snapshot (or the history) on the server thread; the snapshot reference is held
 * only while rendering.
 *
 * Answers: 200 for the routes, 404 (JSON body) for any other path, 405 with Allow for a
 * method other than GET or HEAD, 413 for a body over the limit, 403 when bound to loopback
 * and the Host header names something else, 503 before the first snapshot, 400 for an
 * HTTP/1.1 request without Host; other malformed requests get libmicrohttpd's 400 (strict
 * parsing). HEAD is answered by libmicrohttpd from the GET response.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>
#include <rte_log.h>

#include "mhd_priv.h"
#include "pl_export.h"
#include "pl_http.h"

RTE_LOG_REGISTER(pl_http_logtype, portlens.http, NOTICE);
#define HTTP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pl_http_logtype, "portlens.http: " fmt "\n", ##__VA_ARGS__)

/* The dashboard page, generated from dashboard.html at build time (embed.py). */
extern const unsigned char pl_http_dashboard_html[];
extern const size_t pl_http_dashboard_html_len;

/* Addresses whose request rate is tracked; the least recent makes room for a new one. */
#define PL_HTTP_CLIENTS 128

struct pl_http {
	struct MHD_Daemon *d;
	struct pl_publisher *pub;
	struct pl_http_opts o;
	struct pl_http_addr addr;
	int fd;
	int loopback;             /* bound to a loopback address: check Host */
	char token[256];          /* bearer token required, "" for none */
	struct client {
		uint8_t addr[16];
		uint8_t used;
		double tokens;
		uint64_t last_ns;
	} clients[PL_HTTP_CLIENTS]; /* request buckets; the server thread alone uses them */
};

/* Per-request state: how much body has arrived. */
struct req {
	size_t body;
	int too_big;
};

/* ---- addresses ---- */

static int
addr_err(char *err, size_t errlen, const char *s, const char *why)
{
	snprintf(err, errlen, "'%s': %s (expected PORT, ADDR:PORT or [ADDR6]:PORT)", s, why);
	errno = EINVAL;
	return -EINVAL;
}

int
pl_http_parse_addr(const char *s, struct pl_http_addr *a, char *err, size_t errlen)
{
	char host[64];
	const char *port_s;
	unsigned long port;
	char *end;
	int v6 = 0;

	memset(a, 0, sizeof(*a));
	if (s == NULL || *s == '\0')
		return addr_err(err, errlen, s ? s : "", "empty address");
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof(host))
			return addr_err(err, errlen, s, "bad IPv6 form");
		memcpy(host, s + 1, (size_t)(rb - s - 1));
		host[rb - s - 1] = '\0';
		port_s = rb + 2;
		v6 = 1;
	} else {
		const char *colon = strrchr(s, ':');

		if (colon == NULL) {
			snprintf(host, sizeof(host), "%s", PL_HTTP_DEFAULT_ADDR);
			port_s = s;
		} else {
			if ((size_t)(colon - s) >= sizeof(host) || strchr(s, ':') != colon)
				return addr_err(err, errlen, s, "bad address (IPv6 needs [ ])");
			memcpy(host, s, (size_t)(colon - s));
			host[colon - s] = '\0';
			port_s = colon + 1;
		}
		if (strcmp(host, "localhost") == 0)
			snprintf(host, sizeof(host), "%s", PL_HTTP_DEFAULT_ADDR);
		else if (strcmp(host, "*") == 0)
			snprintf(host, sizeof(host), "0.0.0.0");
	}
	errno = 0;
	port = strtoul(port_s, &end, 10);
	if (*port_s == '\0' || *end != '\0' || *port_s == '-' || *port_s == '+' || errno ||
	    port > 65535)
		return addr_err(err, errlen, s, "the port must be a number from 0 to 65535");
	if (v6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;

		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return addr_err(err, errlen, s, "not a numeric IPv6 address");
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		a->len = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&a->ss;

		if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
			return addr_err(err, errlen, s, "not a numeric IPv4 address");
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		a->len = sizeof(*in);
	}
	snprintf(a->text, sizeof(a->text), v6 ? "[%s]:%lu" : "%s:%lu", host, port);
	return 0;
}

static int
is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/* Host header of a request to a loopback-bound server: a loopback name, any port. */
static int
host_allowed(const char *host)
{
	char name[64];
	const char *p;
	size_t n;

	if (host == NULL)
		return 1; /* HTTP/1.0 without Host: not a browser page's request */
	if (host[0] == '[') {
		p = strchr(host, ']');
		if (p == NULL)
			return 0;
		n = (size_t)(p - host - 1);
		if (n >= sizeof(name))
			return 0;
		memcpy(name, host + 1, n);
		name[n] = '\0';
		p++;
	} else {
		p = strchr(host, ':');
		n = p ? (size_t)(p - host) : strlen(host);
		if (n >= sizeof(name))
			return 0;
		memcpy(name, host, n);
		name[n] = '\0';
		p = host + n;
	}
	if (*p != '\0' && (*p != ':' || strspn(p + 1, "0123456789") != strlen(p + 1)))
		return 0;
	if (strcasecmp(name, "localhost") == 0 || strcmp(name, "::1") == 0)
		return 1;
	{
		struct in_addr in;

		return inet_pton(AF_INET, name, &in) == 1 && (ntohl(in.s_addr) >> 24) == 127;
	}
}

/* ---- responses ---- */

static enum MHD_Result
send_buf(struct MHD_Connection *c, unsigned int code, const char *type, void *buf, size_t len,
	 enum MHD_ResponseMemoryMode mode, int html)
{
	struct MHD_Response *r = pl_mhd.create_response_from_buffer(len, buf, mode);
	enum MHD_Result ret;

	if (r == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(buf);
		return MHD_NO;
	}
	pl_mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	pl_mhd.add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	pl_mhd.add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (html) {
		/* everything the page needs is in the page; it only talks to this server */
		pl_mhd.add_response_header(r, "Content-Security-Policy",
					   "default-src 'none'; script-src 'unsafe-inline'; "
					   "style-src 'unsafe-inline'; img-src data:; "
					   "connect-src 'self'; base-uri 'none'; "
					   "form-action 'none'; frame-ancestors 'none'");
		pl_mhd.add_response_header(r, "X-Frame-Options", "DENY");
		pl_mhd.add_response_header(r, "Referrer-Policy", "no-referrer");
	}
	/* what each status says the client should do next */
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		pl_mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (code == MHD_HTTP_SERVICE_UNAVAILABLE || code == MHD_HTTP_TOO_MANY_REQUESTS)
		pl_mhd.add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (code == MHD_HTTP_UNAUTHORIZED)
		pl_mhd.add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	ret = pl_mhd.queue_response(c, code, r);
	pl_mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result
send_error(struct MHD_Connection *c, unsigned int code, const char *msg)
{
	char *body;
	int n;

	n = asprintf(&body, "{\"error\":\"%s\",\"status\":%u}\n", msg, code);
	if (n < 0)
		return MHD_NO;
	return send_buf(c, code, "application/json", body, (size_t)n, MHD_RESPMEM_MUST_FREE, 0);
}

static enum MHD_Result
send_json(struct MHD_Connection *c, json_t *o)
{
	char *text;

	if (o == NULL)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	/* the same document as --json, compact */
	text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(o);
	if (text == NULL)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return send_buf(c, MHD_HTTP_OK, "application/json", text, strlen(text),
			MHD_RESPMEM_MUST_FREE, 0);
}

/* ---- routes ---- */

static enum MHD_Result
route_metrics(struct pl_http *h, struct MHD_Connection *c)
{
	const char *ports = pl_mhd.lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "ports");
	struct pl_prom_opts o = { .all_ports = 0, .top_n = PL_PROM_TOP_N };
	struct pl_snapshot *s;
	char *buf;
	size_t len;
	int rc;

	/* ?ports=all: a series per port with traffic; by default they are bounded */
	if (ports && strcmp(ports, "all") != 0 && strcmp(ports, "bounded") != 0)
		return send_error(c, MHD_HTTP_BAD_REQUEST, "ports: expected 'all' or 'bounded'");
	o.all_ports = ports && strcmp(ports, "all") == 0;
	s = pl_snapshot_get(h->pub);
	if (s == NULL)
		return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "no snapshot yet");
	rc = pl_export_prometheus_opts(s, &o, &buf, &len);
	pl_snapshot_put(s);
	if (rc < 0)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return send_buf(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", buf, len,
			MHD_RESPMEM_MUST_FREE, 0);
}

static enum MHD_Result
route_snapshot(struct pl_http *h, struct MHD_Connection *c)
{
	struct pl_snapshot *s = pl_snapshot_get(h->pub);
	json_t *o;

	if (s == NULL)
		return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "no snapshot yet");
	o = pl_export_json(s);
	pl_snapshot_put(s);
	return send_json(c, o);
}

static enum MHD_Result
route_history(struct pl_http *h, struct MHD_Connection *c)
{
	size_t len;
	char *text = pl_http_history_json(h->pub, &len);

	if (text == NULL)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return send_buf(c, MHD_HTTP_OK, "application/json", text, len, MHD_RESPMEM_MUST_FREE, 0);
}

static enum MHD_Result
route_dashboard(struct pl_http *h, struct MHD_Connection *c)
{
	(void)h;
	return send_buf(c, MHD_HTTP_OK, "text/html; charset=utf-8",
			(void *)(uintptr_t)pl_http_dashboard_html, pl_http_dashboard_html_len,
			MHD_RESPMEM_PERSISTENT, 1);
}

/*
 * open: served without the bearer token. Only the dashboard page is: it is the same static
 * text for everyone, holds no data, and asks for the token itself (a login form that sends
 * it as a bearer header on its data requests), so a browser can load it first.
 */
static const struct {
	const char *path;
	enum MHD_Result (*fn)(struct pl_http *h, struct MHD_Connection *c);
	int open;
} routes[] = {
	{ "/", route_dashboard, 1 },
	{ "/index.html", route_dashboard, 1 },
	{ "/metrics", route_metrics, 0 },
	{ "/api/snapshot", route_snapshot, 0 },
	{ "/api/history", route_history, 0 },
};

/* Is @p url a route served without the token? */
static int
route_open(const char *url)
{
	unsigned int i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(url, routes[i].path) == 0)
			return routes[i].open;
	return 0;
}

/* One request from this client: is it within its rate (token bucket per address)? */
static int
rate_ok(struct pl_http *h, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		pl_mhd.get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	uint8_t a[16] = { 0 };
	struct client *cl = NULL, *oldest = &h->clients[0];
	uint64_t now = pl_clock_ns(CLOCK_MONOTONIC);
	unsigned int i;

	if (ci == NULL || ci->client_addr == NULL)
		return 1;
	if (ci->client_addr->sa_family == AF_INET)
		memcpy(a, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, 4);
	else if (ci->client_addr->sa_family == AF_INET6)
		memcpy(a, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, 16);
	for (i = 0; i < PL_HTTP_CLIENTS; i++) {
		struct client *x = &h->clients[i];

		if (x->used && memcmp(x->addr, a, 16) == 0) {
			cl = x;
			break;
		}
		if (!x->used || x->last_ns < oldest->last_ns)
			oldest = x;
	}
	if (cl == NULL) {
		cl = oldest;
		memcpy(cl->addr, a, 16);
		cl->used = 1;
		cl->tokens = h->o.req_burst;
		cl->last_ns = now;
	}
	cl->tokens += (double)(now - cl->last_ns) * 1e-9 * h->o.req_rate;
	if (cl->tokens > h->o.req_burst)
		cl->tokens = h->o.req_burst;
	cl->last_ns = now;
	if (cl->tokens < 1.0)
		return 0;
	cl->tokens -= 1.0;
	return 1;
}

/* Is this the "Bearer TOKEN" the server was started with? Constant time in the token. */
static int
token_ok(const struct pl_http *h, const char *auth)
{
	size_t n = strlen(h->token), i;
	unsigned char diff = 0;

	if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0 || strlen(auth + 7) != n)
		return 0;
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(auth[7 + i] ^ h->token[i]);
	return diff == 0;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	   const char *version, const char *upload, size_t *upload_size, void **state)
{
	struct pl_http *h = cls;
	struct req *r = *state;
	size_t i;

	(void)upload;
	if (r == NULL) {
		/* headers are in: refuse an announced oversized body before reading it */
		const char *cl = pl_mhd.lookup_connection_value(c, MHD_HEADER_KIND,
								MHD_HTTP_HEADER_CONTENT_LENGTH);

		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return MHD_NO;
		*state = r;
		if (!rate_ok(h, c))
			return send_error(c, MHD_HTTP_TOO_MANY_REQUESTS, "too many requests");
		if (cl != NULL && strtoull(cl, NULL, 10) > h->o.max_body)
			return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
		return MHD_YES;
	}
	if (*upload_size) {
		/* a chunked body has no length: count it, keep nothing */
		r->body += *upload_size;
		if (r->body > h->o.max_body)
			r->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->too_big)
		return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
	if (url == NULL || url[0] != '/')
		return send_error(c, MHD_HTTP_BAD_REQUEST, "bad request target");
	if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
	    pl_mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST) == NULL)
		return send_error(c, MHD_HTTP_BAD_REQUEST, "HTTP/1.1 request without Host");
	if (h->loopback &&
	    !host_allowed(pl_mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST)))
		return send_error(c, MHD_HTTP_FORBIDDEN, "host not allowed");
	if (h->token[0] && !route_open(url) &&
	    !token_ok(h, pl_mhd.lookup_connection_value(c, MHD_HEADER_KIND,
							MHD_HTTP_HEADER_AUTHORIZATION)))
		return send_error(c, MHD_HTTP_UNAUTHORIZED, "a bearer token is required");
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(url, routes[i].path) != 0)
			continue;
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
		    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
			return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed");
		return routes[i].fn(h, c);
	}
	return send_error(c, MHD_HTTP_NOT_FOUND, "not found");
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **state,
	     enum MHD_RequestTerminationCode code)
{
	(void)cls;
	(void)c;
	(void)code;
	free(*state);
	*state = NULL;
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	HTTP_LOG(INFO, "%s", msg);
}

/* ---- history ---- */

static json_t *
jpair(uint64_t packets, uint64_t bytes)
{
	json_t *o = json_object();

	json_object_set_new(o, "packets", json_integer((json_int_t)packets));
	json_object_set_new(o, "bytes", json_integer((json_int_t)bytes));
	return o;
}

/* Counter difference; a counter that went down (cleared) counts from zero. */
static double
delta(uint64_t now, uint64_t before)
{
	return now >= before ? (double)(now - before) : (double)now;
}

char *
pl_http_history_json(struct pl_publisher *pub, size_t *len)
{
	struct pl_hist_point *pt;
	json_t *doc, *arr;
	uint32_t n, i, cap;
	unsigned int d;
	char *text;

	pthread_mutex_lock(&pub->lock);
	cap = pub->hist_cap;
	pthread_mutex_unlock(&pub->lock);
	pt = calloc(cap ? cap : 1, sizeof(*pt));
	if (pt == NULL)
		return NULL;
	n = pl_history_copy(pub, pt, cap);
	doc = json_object();
	arr = json_array();
	json_object_set_new(doc, "schema", json_string("portlens.history.v1"));
	json_object_set_new(doc, "clock", json_string("wall"));
	for (i = 0; i < n; i++) {
		const struct pl_hist_point *p = &pt[i];
		json_t *e = json_object(), *dirs = json_object();

		json_object_set_new(e, "seq", json_integer((json_int_t)p->seq));
		json_object_set_new(e, "wall_ns", json_integer((json_int_t)p->wall_ns));
		json_object_set_new(e, "pkt_ns", json_integer((json_int_t)p->pkt_ns));
		json_object_set_new(e, "packets", json_integer((json_int_t)p->packets));
		json_object_set_new(e, "bytes", json_integer((json_int_t)p->bytes));
		json_object_set_new(e, "dropped", json_integer((json_int_t)p->dropped));
		for (d = 0; d < PL_DIR_MAX; d++)
			json_object_set_new(dirs, pl_dir_name(d),
					    jpair(p->dir_packets[d], p->dir_bytes[d]));
		json_object_set_new(e, "directions", dirs);
		if (i > 0 && p->wall_ns > pt[i - 1].wall_ns) {
			const struct pl_hist_point *q = &pt[i - 1];
			double dt = (p->wall_ns - q->wall_ns) / 1e9;
			json_t *r = json_object(), *rd = json_object();

			json_object_set_new(r, "dt_s", json_real(dt));
			json_object_set_new(r, "pps", json_real(delta(p->packets, q->packets) / dt));
			json_object_set_new(r, "bps",
					    json_real(8 * delta(p->bytes, q->bytes) / dt));
			json_object_set_new(r, "drops_ps",
					    json_real(delta(p->dropped, q->dropped) / dt));
			for (d = 0; d < PL_DIR_MAX; d++) {
				json_t *x = json_object();

				json_object_set_new(x, "pps", json_real(
					delta(p->dir_packets[d], q->dir_packets[d]) / dt));
				json_object_set_new(x, "bps", json_real(
					8 * delta(p->dir_bytes[d], q->dir_bytes[d]) / dt));
				json_object_set_new(rd, pl_dir_name(d), x);
			}
			json_object_set_new(r, "directions", rd);
			json_object_set_new(e, "rates", r);
		} else {
			json_object_set_new(e, "rates", json_null());
		}
		json_array_append_new(arr, e);
	}
	free(pt);
	json_object_set_new(doc, "points", arr);
	text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(doc);
	if (text)
		*len = strlen(text);
	return text;
}

/* ---- start and stop ---- */

struct pl_http *
pl_http_start(const char *addr_port, struct pl_publisher *pub, const struct pl_http_opts *o,
	      char *err, size_t errlen)
{
	struct pl_http *h;
	int one = 1, e;

	if (pl_mhd_load(err, errlen) < 0) {
		errno = ENOENT;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	h->fd = -1;
	h->pub = pub;
	if (o)
		h->o = *o;
	if (h->o.max_conns == 0)
		h->o.max_conns = 32;
	if (h->o.per_ip == 0)
		h->o.per_ip = 8;
	if (h->o.timeout_s == 0)
		h->o.timeout_s = 10;
	if (h->o.max_body == 0)
		h->o.max_body = 1024;
	if (h->o.req_rate <= 0)
		h->o.req_rate = 50;
	if (h->o.req_burst < 1)
		h->o.req_burst = 100;
	if (h->o.token) {
		if (strlen(h->o.token) >= sizeof(h->token) || strlen(h->o.token) < 16) {
			snprintf(err, errlen, "the bearer token must be 16 to %zu characters",
				 sizeof(h->token) - 1);
			goto fail;
		}
		strcpy(h->token, h->o.token);
	}
	h->o.token = NULL;
	if (pl_http_parse_addr(addr_port, &h->addr, err, errlen) < 0)
		goto fail;
	h->loopback = is_loopback(&h->addr.ss);
	h->fd = socket(h->addr.ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->fd < 0) {
		snprintf(err, errlen, "%s: socket: %s", h->addr.text, strerror(errno));
		goto fail;
	}
	setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (h->addr.ss.ss_family == AF_INET6)
		setsockopt(h->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(h->fd, (struct sockaddr *)&h->addr.ss, h->addr.len) < 0 ||
	    listen(h->fd, 64) < 0) {
		snprintf(err, errlen, "%s: %s", h->addr.text, strerror(errno));
		goto fail;
	}
	{
		/* the port actually bound (port 0 asks the kernel for one) */
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		char host[INET6_ADDRSTRLEN];

		if (getsockname(h->fd, (struct sockaddr *)&ss, &sl) == 0) {
			if (ss.ss_family == AF_INET6) {
				struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

				inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
				snprintf(h->addr.text, sizeof(h->addr.text), "[%s]:%u", host,
					 ntohs(in6->sin6_port));
			} else {
				struct sockaddr_in *in = (struct sockaddr_in *)&ss;

				inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
				snprintf(h->addr.text, sizeof(h->addr.text), "%s:%u", host,
					 ntohs(in->sin_port));
			}
		}
	}
	h->d = pl_mhd.start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
				   (h->addr.ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				   0, NULL, NULL, on_request, h,
				   MHD_OPTION_LISTEN_SOCKET, h->fd,
				   MHD_OPTION_CONNECTION_LIMIT, h->o.max_conns,
				   MHD_OPTION_PER_IP_CONNECTION_LIMIT, h->o.per_ip,
				   MHD_OPTION_CONNECTION_TIMEOUT, h->o.timeout_s,
				   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
				   MHD_OPTION_STRICT_FOR_CLIENT, 1, /* malformed headers: 400 */
				   MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
				   MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
				   MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, errlen, "%s: the HTTP server did not start", h->addr.text);
		errno = EIO;
		goto fail;
	}
	HTTP_LOG(INFO, "serving on http://%s/", h->addr.text);
	return h;
fail:
	e = errno;
	if (h->fd >= 0)
		close(h->fd);
	free(h);
	errno = e;
	return NULL;
}

const char *
pl_http_url_addr(const struct pl_http *h)
{
	return h->addr.text;
}

void
pl_http_stop(struct pl_http *h)
{
	if (h == NULL)
		return;
	pl_mhd.stop_daemon(h->d); /* joins the server thread and closes the listen socket */
	free(h);
}
