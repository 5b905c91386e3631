/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPFIX encoder and its UDP transport. Messages are built in place: header, an optional
 * template set, then data sets (one per run of records of the same template). A record
 * that would overflow PL_IPFIX_MTU sends the message first.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pl_ipfix.h"

#define PEN_REVERSE 29305 /* RFC 5103 reverse information elements */

struct field {
	uint16_t id;      /* with the enterprise bit when pen != 0 */
	uint16_t len;     /* 65535: variable length */
	uint32_t pen;
};

/* The record layout, defined once; the encoder walks it for templates and data. */
enum fid {
	F_SRC, F_DST, F_SPORT, F_DPORT, F_PROTO, F_TCPFLAGS, F_REASON, F_START, F_END,
	F_OCTETS, F_PACKETS, F_ROCTETS, F_RPACKETS, F_CLASS, F_APPS, F_VERDICT, F_MAX
};

static const struct field v4[F_MAX] = {
	[F_SRC] = { 8, 4, 0 }, [F_DST] = { 12, 4, 0 },
	[F_SPORT] = { 7, 2, 0 }, [F_DPORT] = { 11, 2, 0 }, [F_PROTO] = { 4, 1, 0 },
	[F_TCPFLAGS] = { 6, 2, 0 }, [F_REASON] = { 136, 1, 0 },
	[F_START] = { 152, 8, 0 }, [F_END] = { 153, 8, 0 },
	[F_OCTETS] = { 1, 8, 0 }, [F_PACKETS] = { 2, 8, 0 },
	[F_ROCTETS] = { 0x8000 | 1, 8, PEN_REVERSE }, [F_RPACKETS] = { 0x8000 | 2, 8, PEN_REVERSE },
	[F_CLASS] = { 0x8000 | 1, 65535, PL_IPFIX_PEN }, [F_APPS] = { 0x8000 | 2, 65535, PL_IPFIX_PEN },
	[F_VERDICT] = { 0x8000 | 3, 1, PL_IPFIX_PEN },
};

struct pl_ipfix {
	pl_ipfix_send_t send;
	void *ctx;
	int fd;                       /* UDP socket, or -1 */
	uint32_t domain;
	uint32_t every;
	uint32_t last_template;       /* export time of the last template set */
	int templates_sent;
	uint32_t seq;                 /* data records sent before the current message */
	uint32_t pending;             /* data records in the current message */
	size_t len;                   /* bytes used in msg; 0: no message open */
	size_t set_off;               /* offset of the open data set's header, 0: none */
	uint16_t set_id;
	struct pl_ipfix_stats st;
	uint8_t msg[PL_IPFIX_MTU];
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static const struct field *
layout(int family, struct field *tmp)
{
	if (family == 4)
		return v4;
	memcpy(tmp, v4, sizeof(v4));
	tmp[F_SRC].id = 27;
	tmp[F_SRC].len = 16;
	tmp[F_DST].id = 28;
	tmp[F_DST].len = 16;
	return tmp;
}

/* Bytes a template record takes. */
static size_t
template_size(const struct field *f)
{
	size_t n = 4;
	int i;

	for (i = 0; i < F_MAX; i++)
		n += f[i].pen ? 8 : 4;
	return n;
}

static size_t
put_template(uint8_t *p, uint16_t id, const struct field *f)
{
	size_t n = 4;
	int i;

	put16(p, id);
	put16(p + 2, F_MAX);
	for (i = 0; i < F_MAX; i++) {
		put16(p + n, f[i].id);
		put16(p + n + 2, f[i].len);
		n += 4;
		if (f[i].pen) {
			put32(p + n, f[i].pen);
			n += 4;
		}
	}
	return n;
}

static void
close_set(struct pl_ipfix *x)
{
	if (x->set_off) {
		put16(x->msg + x->set_off + 2, (uint16_t)(x->len - x->set_off));
		x->set_off = 0;
	}
}

static int
send_msg(struct pl_ipfix *x)
{
	int rc;

	if (x->len == 0)
		return 0;
	close_set(x);
	put16(x->msg + 2, (uint16_t)x->len);
	rc = x->send(x->ctx, x->msg, x->len);
	x->st.messages++;
	if (rc < 0)
		x->st.send_errors++;
	x->seq += x->pending;
	x->pending = 0;
	x->len = 0;
	return rc;
}

/* Open a message (header, and the template set when due). */
static void
open_msg(struct pl_ipfix *x, uint32_t now_s)
{
	struct field t6[F_MAX];
	uint8_t *p = x->msg;

	put16(p, 10);
	put32(p + 4, now_s);
	put32(p + 8, x->seq);
	put32(p + 12, x->domain);
	x->len = 16;
	x->set_off = 0;
	if (!x->templates_sent || (x->every && now_s - x->last_template >= x->every)) {
		size_t start = x->len;

		put16(p + start, 2); /* template set */
		x->len += 4;
		x->len += put_template(p + x->len, PL_IPFIX_TEMPLATE_V4, v4);
		x->len += put_template(p + x->len, PL_IPFIX_TEMPLATE_V6, layout(6, t6));
		put16(p + start + 2, (uint16_t)(x->len - start));
		x->templates_sent = 1;
		x->last_template = now_s;
		x->st.templates++;
	}
}

static size_t
var_len(const char *s)
{
	size_t n = strlen(s);

	return n < 255 ? 1 + n : 3 + n;
}

static size_t
record_size(const struct field *f, const struct pl_ipfix_record *r)
{
	size_t n = 0;
	int i;

	for (i = 0; i < F_MAX; i++)
		if (f[i].len != 65535)
			n += f[i].len;
	return n + var_len(r->cls) + var_len(r->apps);
}

static size_t
put_var(uint8_t *p, const char *s)
{
	size_t n = strlen(s);

	if (n < 255) {
		p[0] = (uint8_t)n;
		memcpy(p + 1, s, n);
		return 1 + n;
	}
	p[0] = 255;
	put16(p + 1, (uint16_t)n);
	memcpy(p + 3, s, n);
	return 3 + n;
}

int
pl_ipfix_add(struct pl_ipfix *x, const struct pl_ipfix_record *r, uint32_t now_s)
{
	struct field t6[F_MAX];
	const struct field *f = layout(r->family, t6);
	uint16_t tid = r->family == 4 ? PL_IPFIX_TEMPLATE_V4 : PL_IPFIX_TEMPLATE_V6;
	size_t need = record_size(f, r), alen = r->family == 4 ? 4 : 16;
	uint8_t *p;
	int rc = 0;

	if (need + 4 + 16 + 2 * template_size(t6) > PL_IPFIX_MTU)
		return -EMSGSIZE; /* cannot happen with the bounded strings */
	if (x->len && x->len + need + (x->set_id == tid && x->set_off ? 0 : 4) > PL_IPFIX_MTU)
		rc = send_msg(x);
	if (x->len == 0)
		open_msg(x, now_s);
	if (!x->set_off || x->set_id != tid) {
		close_set(x);
		x->set_off = x->len;
		x->set_id = tid;
		put16(x->msg + x->len, tid);
		x->len += 4;
	}
	p = x->msg + x->len;
	memcpy(p, r->src, alen);
	memcpy(p + alen, r->dst, alen);
	p += 2 * alen;
	put16(p, r->sport);
	put16(p + 2, r->dport);
	p[4] = r->proto;
	put16(p + 5, r->tcp_flags);
	p[7] = r->reason;
	put64(p + 8, r->first_ns / 1000000);
	put64(p + 16, r->last_ns / 1000000);
	put64(p + 24, r->bytes[0]);
	put64(p + 32, r->packets[0]);
	put64(p + 40, r->bytes[1]);
	put64(p + 48, r->packets[1]);
	p += 56;
	p += put_var(p, r->cls);
	p += put_var(p, r->apps);
	*p++ = r->verdict;
	x->len = (size_t)(p - x->msg);
	x->pending++;
	x->st.records++;
	return rc;
}

int
pl_ipfix_flush(struct pl_ipfix *x, uint32_t now_s)
{
	(void)now_s;
	return send_msg(x);
}

struct pl_ipfix *
pl_ipfix_create(uint32_t domain, uint32_t template_every, pl_ipfix_send_t send, void *ctx)
{
	struct pl_ipfix *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return NULL;
	x->send = send;
	x->ctx = ctx;
	x->fd = -1;
	x->domain = domain;
	x->every = template_every;
	return x;
}

static int
udp_send(void *ctx, const uint8_t *msg, size_t len)
{
	struct pl_ipfix *x = ctx;

	return send(x->fd, msg, len, MSG_DONTWAIT) < 0 ? -errno : 0;
}

struct pl_ipfix *
pl_ipfix_open_udp(const char *host_port, uint32_t domain, uint32_t template_every, char *err,
		  size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai = NULL;
	char host[256], *port;
	struct pl_ipfix *x;
	int fd, rc;

	if (strlen(host_port) >= sizeof(host)) {
		snprintf(err, errlen, "'%s': too long", host_port);
		return NULL;
	}
	strcpy(host, host_port);
	port = strrchr(host, ':');
	if (port == NULL || port[1] == '\0') {
		snprintf(err, errlen, "'%s': expected HOST:PORT", host_port);
		return NULL;
	}
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errlen, "'%s': %s", host_port, gai_strerror(rc));
		return NULL;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		snprintf(err, errlen, "'%s': %s", host_port, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return NULL;
	}
	freeaddrinfo(ai);
	x = pl_ipfix_create(domain, template_every, udp_send, NULL);
	if (x == NULL) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	x->ctx = x;
	x->fd = fd;
	return x;
}

void
pl_ipfix_stats(const struct pl_ipfix *x, struct pl_ipfix_stats *s)
{
	*s = x->st;
}

void
pl_ipfix_close(struct pl_ipfix *x, uint32_t now_s)
{
	if (x == NULL)
		return;
	pl_ipfix_flush(x, now_s);
	if (x->fd >= 0)
		close(x->fd);
	free(x);
}
