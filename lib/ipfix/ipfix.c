/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPFIX encoder, its delta bookkeeping, its paced queue and its UDP transport.
 *
 * Records: the caller's counts are since the flow started; a side table keyed by the flow
 * (direction-free tuple and start time) remembers what the flow's active-timeout records
 * already carried, so each record carries the difference. An entry is made at a flow's first
 * active-timeout record and removed at its end record: only long flows take room, and the
 * table is bounded by conf.flows_max (the least recently updated entry goes first; that can
 * only be a flow whose end record was lost before it reached the exporter).
 *
 * Messages are built in place (header, then data sets, one per run of records of the same
 * template); a record that would overflow PL_IPFIX_MTU queues the message first. Queued
 * messages leave when the token bucket holds a token per record; each gets its export time
 * and its sequence number (data records sent before it) as it leaves. Templates travel in
 * messages of their own, unpaced: before the first data message and on the refresh timer.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pl_ipfix.h"

#define PEN_REVERSE 29305 /* RFC 5103 reverse information elements */
#define NS 1000000000ull
#define VARLEN 65535

static inline uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The record's fields: X(name, IANA id (enterprise bit included), length, PEN, biflow only).
 * The encoder walks a template's fields for both the template and the data. */
#define FIELDS(X) \
	X(SRC, 8, 4, 0, 0)                        /* sourceIPv4Address (v6: 27, 16) */ \
	X(DST, 12, 4, 0, 0)                       /* destinationIPv4Address (v6: 28, 16) */ \
	X(SPORT, 7, 2, 0, 0)                      /* sourceTransportPort */ \
	X(DPORT, 11, 2, 0, 0)                     /* destinationTransportPort */ \
	X(PROTO, 4, 1, 0, 0)                      /* protocolIdentifier */ \
	X(TCPFLAGS, 6, 2, 0, 0)                   /* tcpControlBits */ \
	X(REASON, 136, 1, 0, 0)                   /* flowEndReason */ \
	X(START, 152, 8, 0, 0)                    /* flowStartMilliseconds */ \
	X(END, 153, 8, 0, 0)                      /* flowEndMilliseconds */ \
	X(OCTETS, 1, 8, 0, 0)                     /* octetDeltaCount */ \
	X(PACKETS, 2, 8, 0, 0)                    /* packetDeltaCount */ \
	X(ROCTETS, 0x8000 | 1, 8, PEN_REVERSE, 1) /* reverse octetDeltaCount */ \
	X(RPACKETS, 0x8000 | 2, 8, PEN_REVERSE, 1) /* reverse packetDeltaCount */ \
	X(CLASS, 0x8000 | 1, VARLEN, PL_IPFIX_PEN, 0) /* portlens service class */ \
	X(APPS, 0x8000 | 2, VARLEN, PL_IPFIX_PEN, 0) /* portlens detected protocols */ \
	X(VERDICT, 0x8000 | 3, 1, PL_IPFIX_PEN, 0) /* portlens verdict */

enum fid {
#define X_ENUM(name, id, len, pen, bi) F_##name,
	FIELDS(X_ENUM)
#undef X_ENUM
	F_MAX
};

struct field {
	uint16_t id;
	uint16_t len;     /* VARLEN: variable length */
	uint32_t pen;
	uint8_t fid;
	uint8_t biflow;   /* only in biflow templates */
};

static const struct field fields[F_MAX] = {
#define X_FIELD(name, i, l, p, bi) \
	[F_##name] = { .id = i, .len = l, .pen = p, .fid = F_##name, .biflow = bi },
	FIELDS(X_FIELD)
#undef X_FIELD
};

/* A template: its id and the fields it has, in order. */
struct tmpl {
	uint16_t id;
	uint16_t n;
	struct field f[F_MAX];
};

/* A message: queued, or being built. */
struct qmsg {
	uint16_t len;
	uint16_t records;
	uint8_t data[PL_IPFIX_MTU];
};

/* A flow's counts already exported, per endpoint of the direction-free key ([e]: sent by
 * endpoint e). */
struct dkey {
	uint64_t first_ns;
	uint8_t family;
	uint8_t proto;
	uint16_t port[2];
	uint8_t addr[2][16];
};

struct dent {
	struct dkey k;
	uint64_t packets[2];
	uint64_t bytes[2];
	uint64_t stamp;           /* update order: the oldest goes when the table is full */
	uint8_t used;
};

struct pl_ipfix {
	pl_ipfix_send_t send;
	void *ctx;
	int fd;                       /* UDP socket, or -1 */
	struct pl_ipfix_conf conf;
	struct tmpl t[2];             /* [0] IPv4, [1] IPv6, of the mode */
	int templates_sent;
	uint64_t last_template_ns;
	uint32_t seq;                 /* data records sent before the next message */
	/* token bucket: tokens in record-nanoseconds (a record costs NS) */
	uint64_t tokens;
	uint64_t tokens_max;
	uint64_t refill_ns;
	/* queue of finished messages (a ring that grows up to conf.queue_max) */
	struct qmsg *q;
	uint32_t qcap, qhead, qn;
	/* the message being built */
	struct qmsg cur;
	size_t set_off;               /* offset of the open data set's header, 0: none */
	uint16_t set_id;
	/* deltas */
	struct dent *d;
	uint32_t dcap;                /* slots, a power of two (0: none yet) */
	uint32_t dn;
	uint64_t dstamp;
	struct pl_ipfix_stats st;
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

static void
build_template(struct tmpl *t, uint16_t id, int v6, int biflow)
{
	int i;

	t->id = id;
	t->n = 0;
	for (i = 0; i < F_MAX; i++) {
		struct field f = fields[i];

		if (f.biflow && !biflow)
			continue;
		if (v6 && (i == F_SRC || i == F_DST)) {
			f.id = i == F_SRC ? 27 : 28;
			f.len = 16;
		}
		t->f[t->n++] = f;
	}
}

static size_t
put_template(uint8_t *p, const struct tmpl *t)
{
	size_t n = 4;
	int i;

	put16(p, t->id);
	put16(p + 2, t->n);
	for (i = 0; i < t->n; i++) {
		put16(p + n, t->f[i].id);
		put16(p + n + 2, t->f[i].len);
		n += 4;
		if (t->f[i].pen) {
			put32(p + n, t->f[i].pen);
			n += 4;
		}
	}
	return n;
}

/* Header fields known when a message leaves; then hand it over. */
static int
emit(struct pl_ipfix *x, uint8_t *m, size_t len, uint32_t records, uint64_t now_ns)
{
	int rc;

	put16(m, 10);
	put16(m + 2, (uint16_t)len);
	put32(m + 4, (uint32_t)(now_ns / NS));
	put32(m + 8, x->seq);
	put32(m + 12, x->conf.domain);
	rc = x->send(x->ctx, m, len);
	x->st.messages++;
	if (rc < 0)
		x->st.send_errors++;
	x->seq += records;
	x->st.records += records;
	return rc;
}

static int
send_templates(struct pl_ipfix *x, uint64_t now_ns)
{
	uint8_t m[PL_IPFIX_MTU];
	size_t len = 20;

	put16(m + 16, 2); /* template set */
	len += put_template(m + len, &x->t[0]);
	len += put_template(m + len, &x->t[1]);
	put16(m + 18, (uint16_t)(len - 16));
	x->templates_sent = 1;
	x->last_template_ns = now_ns;
	x->st.templates++;
	return emit(x, m, len, 0, now_ns);
}

static void
refill(struct pl_ipfix *x, uint64_t now_ns)
{
	uint64_t dt = now_ns > x->refill_ns ? now_ns - x->refill_ns : 0;

	if (now_ns > x->refill_ns)
		x->refill_ns = now_ns;
	if (dt >= x->tokens_max / x->conf.rate)
		x->tokens = x->tokens_max;
	else
		x->tokens = min_u64(x->tokens_max, x->tokens + dt * x->conf.rate);
}

/* Send the head of the queue (tokens already taken). */
static int
send_head(struct pl_ipfix *x, uint64_t now_ns)
{
	struct qmsg *m = &x->q[x->qhead];
	int rc;

	if (!x->templates_sent)
		send_templates(x, now_ns);
	rc = emit(x, m->data, m->len, m->records, now_ns);
	x->qhead = (x->qhead + 1) % x->qcap;
	x->qn--;
	return rc;
}

static int
templates_due(const struct pl_ipfix *x, uint64_t now_ns)
{
	return x->templates_sent && x->conf.template_refresh &&
	       now_ns - x->last_template_ns >= (uint64_t)x->conf.template_refresh * NS;
}

uint32_t
pl_ipfix_poll(struct pl_ipfix *x, uint64_t now_ns)
{
	if (templates_due(x, now_ns))
		send_templates(x, now_ns);
	if (x->conf.rate)
		refill(x, now_ns);
	while (x->qn) {
		uint64_t need = (uint64_t)x->q[x->qhead].records * NS;

		if (x->conf.rate) {
			if (x->tokens < need)
				break;
			x->tokens -= need;
		}
		send_head(x, now_ns);
	}
	x->st.queued = x->qn;
	return x->qn;
}

uint64_t
pl_ipfix_wait_ns(const struct pl_ipfix *x, uint64_t now_ns)
{
	uint64_t need, have, dt;

	if (x->qn == 0)
		return UINT64_MAX;
	if (x->conf.rate == 0)
		return 0;
	need = (uint64_t)x->q[x->qhead].records * NS;
	dt = now_ns > x->refill_ns ? now_ns - x->refill_ns : 0;
	have = dt >= x->tokens_max / x->conf.rate ? x->tokens_max
						 : min_u64(x->tokens_max, x->tokens + dt * x->conf.rate);
	return have >= need ? 0 : (need - have + x->conf.rate - 1) / x->conf.rate;
}

/* Make room for one more queued message: grow the ring up to queue_max. */
static int
queue_room(struct pl_ipfix *x)
{
	struct qmsg *nq;
	uint32_t ncap, i;

	if (x->qn < x->qcap)
		return 0;
	if (x->qcap >= x->conf.queue_max)
		return -ENOBUFS;
	ncap = x->qcap ? x->qcap * 2 : 16;
	if (ncap > x->conf.queue_max)
		ncap = x->conf.queue_max;
	nq = malloc((size_t)ncap * sizeof(*nq));
	if (nq == NULL)
		return -ENOBUFS;
	for (i = 0; i < x->qn; i++)
		nq[i] = x->q[(x->qhead + i) % x->qcap];
	free(x->q);
	x->q = nq;
	x->qcap = ncap;
	x->qhead = 0;
	return 0;
}

/* Queue the message being built (there is room: see queue_room()). */
static void
queue_cur(struct pl_ipfix *x)
{
	if (x->cur.records == 0)
		return;
	if (x->set_off)
		put16(x->cur.data + x->set_off + 2, (uint16_t)(x->cur.len - x->set_off));
	x->q[(x->qhead + x->qn) % x->qcap] = x->cur;
	x->qn++;
	x->cur.len = 0;
	x->cur.records = 0;
	x->set_off = 0;
	x->st.queued = x->qn;
}

/* ---- deltas ---- */

static void
dkey_of(const struct pl_ipfix_record *r, struct dkey *k, int *swapped)
{
	size_t alen = r->family == 6 ? 16 : 4;
	int c = memcmp(r->src, r->dst, alen);
	int s = c > 0 || (c == 0 && r->sport > r->dport);

	memset(k, 0, sizeof(*k));
	k->first_ns = r->first_ns;
	k->family = r->family;
	k->proto = r->proto;
	memcpy(k->addr[s], r->src, alen);
	memcpy(k->addr[!s], r->dst, alen);
	k->port[s] = r->sport;
	k->port[!s] = r->dport;
	*swapped = s;
}

static uint32_t
dhash(const struct dkey *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static struct dent *
dfind(const struct pl_ipfix *x, const struct dkey *k)
{
	uint32_t i;

	if (x->dcap == 0)
		return NULL;
	for (i = dhash(k) & (x->dcap - 1); x->d[i].used; i = (i + 1) & (x->dcap - 1))
		if (memcmp(&x->d[i].k, k, sizeof(*k)) == 0)
			return &x->d[i];
	return NULL;
}

/* Remove an entry (backward-shift deletion keeps every probe chain unbroken). */
static void
dremove(struct pl_ipfix *x, struct dent *e)
{
	uint32_t mask = x->dcap - 1, i = (uint32_t)(e - x->d), j = i;

	x->d[i].used = 0;
	x->dn--;
	for (;;) {
		uint32_t home;

		j = (j + 1) & mask;
		if (!x->d[j].used)
			return;
		home = dhash(&x->d[j].k) & mask;
		/* j's entry may move to the hole at i unless its home lies in (i, j] */
		if ((i <= j) ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		x->d[i] = x->d[j];
		x->d[j].used = 0;
		i = j;
	}
}

/* The free slot where @p k goes in table @p d of @p cap slots. */
static struct dent *
dslot(struct dent *d, uint32_t cap, const struct dkey *k)
{
	uint32_t i;

	for (i = dhash(k) & (cap - 1); d[i].used; i = (i + 1) & (cap - 1))
		;
	return &d[i];
}

/* A new entry for @p k, or NULL (out of memory: the flow's next record repeats counts). */
static struct dent *
dinsert(struct pl_ipfix *x, const struct dkey *k)
{
	struct dent *e;

	if (x->conf.flows_max && x->dn >= x->conf.flows_max) {
		struct dent *old = NULL;
		uint32_t i;

		for (i = 0; i < x->dcap; i++)
			if (x->d[i].used && (old == NULL || x->d[i].stamp < old->stamp))
				old = &x->d[i];
		dremove(x, old);
		x->st.forgotten++;
	}
	if ((uint64_t)(x->dn + 1) * 2 > x->dcap) {
		uint32_t ncap = x->dcap ? x->dcap * 2 : 1024, i;
		struct dent *old = x->d, *nd = calloc(ncap, sizeof(*nd));

		if (nd == NULL)
			return NULL;
		for (i = 0; i < x->dcap; i++)
			if (old[i].used)
				*dslot(nd, ncap, &old[i].k) = old[i];
		x->d = nd;
		x->dcap = ncap;
		free(old);
	}
	e = dslot(x->d, x->dcap, k);
	memset(e, 0, sizeof(*e));
	e->k = *k;
	e->used = 1;
	x->dn++;
	return e;
}

/*
 * What @p r adds to the flow's earlier records: packets and bytes per direction of the
 * record ([0] initiator). Remembers the counts of an active-timeout record, forgets the flow
 * at any other.
 */
static void
delta(struct pl_ipfix *x, const struct pl_ipfix_record *r, uint64_t dp[2], uint64_t db[2])
{
	struct dkey k;
	struct dent *e;
	int s, d;

	dkey_of(r, &k, &s);
	e = dfind(x, &k);
	for (d = 0; d < 2; d++) {
		/* record direction d was sent by key endpoint d ^ s */
		uint64_t pp = e ? e->packets[d ^ s] : 0, pb = e ? e->bytes[d ^ s] : 0;

		dp[d] = r->packets[d] >= pp ? r->packets[d] - pp : r->packets[d];
		db[d] = r->bytes[d] >= pb ? r->bytes[d] - pb : r->bytes[d];
	}
	if (r->reason == PL_IPFIX_ACTIVE) {
		if (e == NULL)
			e = dinsert(x, &k);
		if (e) {
			for (d = 0; d < 2; d++) {
				e->packets[d ^ s] = r->packets[d];
				e->bytes[d ^ s] = r->bytes[d];
			}
			e->stamp = ++x->dstamp;
		}
	} else if (e) {
		dremove(x, e);
	}
	x->st.flows = x->dn;
}

/* ---- encoding ---- */

static size_t
var_len(const char *s)
{
	size_t n = strlen(s);

	return n < 255 ? 1 + n : 3 + n;
}

static size_t
record_size(const struct tmpl *t, const struct pl_ipfix_record *r)
{
	size_t n = 0;
	int i;

	for (i = 0; i < t->n; i++)
		n += t->f[i].len != VARLEN ? t->f[i].len
					   : var_len(t->f[i].fid == F_CLASS ? r->cls : r->apps);
	return n;
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

/* One data record of template @p t: the flow seen from direction @p d's sender. */
static size_t
put_record(uint8_t *p0, const struct tmpl *t, const struct pl_ipfix_record *r, int d,
	   const uint64_t dp[2], const uint64_t db[2])
{
	size_t alen = r->family == 6 ? 16 : 4;
	uint8_t *p = p0;
	int i;

	for (i = 0; i < t->n; i++) {
		switch (t->f[i].fid) {
		case F_SRC: memcpy(p, d ? r->dst : r->src, alen); p += alen; break;
		case F_DST: memcpy(p, d ? r->src : r->dst, alen); p += alen; break;
		case F_SPORT: put16(p, d ? r->dport : r->sport); p += 2; break;
		case F_DPORT: put16(p, d ? r->sport : r->dport); p += 2; break;
		case F_PROTO: *p++ = r->proto; break;
		case F_TCPFLAGS: put16(p, r->tcp_flags); p += 2; break;
		case F_REASON: *p++ = r->reason; break;
		case F_START: put64(p, r->first_ns / 1000000); p += 8; break;
		case F_END: put64(p, r->last_ns / 1000000); p += 8; break;
		case F_OCTETS: put64(p, db[d]); p += 8; break;
		case F_PACKETS: put64(p, dp[d]); p += 8; break;
		case F_ROCTETS: put64(p, db[!d]); p += 8; break;
		case F_RPACKETS: put64(p, dp[!d]); p += 8; break;
		case F_CLASS: p += put_var(p, r->cls); break;
		case F_APPS: p += put_var(p, r->apps); break;
		case F_VERDICT: *p++ = r->verdict; break;
		default: break;
		}
	}
	return (size_t)(p - p0);
}

/* Append one data record to the message being built, queueing a full one first. */
static int
add_one(struct pl_ipfix *x, const struct pl_ipfix_record *r, int d, const uint64_t dp[2],
	const uint64_t db[2], uint64_t now_ns)
{
	const struct tmpl *t = &x->t[r->family == 6];
	size_t need = record_size(t, r);

	if (x->cur.len && x->cur.len + need + (x->set_off && x->set_id == t->id ? 0 : 4) >
	    PL_IPFIX_MTU) {
		queue_cur(x);
		pl_ipfix_poll(x, now_ns);
	}
	if (x->cur.len == 0) {
		if (queue_room(x) < 0) {
			x->st.dropped++;
			return -ENOBUFS;
		}
		x->cur.len = 16;
		x->cur.records = 0;
		x->set_off = 0;
	}
	if (!x->set_off || x->set_id != t->id) {
		if (x->set_off)
			put16(x->cur.data + x->set_off + 2, (uint16_t)(x->cur.len - x->set_off));
		x->set_off = x->cur.len;
		x->set_id = t->id;
		put16(x->cur.data + x->cur.len, t->id);
		x->cur.len += 4;
	}
	x->cur.len += put_record(x->cur.data + x->cur.len, t, r, d, dp, db);
	x->cur.records++;
	return 0;
}

int
pl_ipfix_add(struct pl_ipfix *x, const struct pl_ipfix_record *r, uint64_t now_ns)
{
	uint64_t dp[2], db[2];
	int rc = 0, d;

	delta(x, r, dp, db);
	if (r->reason == PL_IPFIX_ACTIVE && (dp[0] | dp[1] | db[0] | db[1]) == 0) {
		x->st.skipped++; /* nothing happened since the previous record */
		return 0;
	}
	if (x->conf.mode == PL_IPFIX_BIFLOW)
		return add_one(x, r, 0, dp, db, now_ns);
	/* uniflow: one record per direction with packets; an end with nothing new still
	 * tells the collector the flow ended (the initiator's record) */
	for (d = 0; d < 2; d++)
		if (dp[d] || (d == 0 && dp[1] == 0 && r->reason != PL_IPFIX_ACTIVE)) {
			int e = add_one(x, r, d, dp, db, now_ns);

			rc = rc ? rc : e;
		}
	return rc;
}

int
pl_ipfix_flush(struct pl_ipfix *x, uint64_t now_ns)
{
	if (x->cur.records && queue_room(x) == 0)
		queue_cur(x);
	pl_ipfix_poll(x, now_ns);
	return 0;
}

struct pl_ipfix *
pl_ipfix_create(const struct pl_ipfix_conf *conf, pl_ipfix_send_t send, void *ctx)
{
	struct pl_ipfix *x = calloc(1, sizeof(*x));
	int bi;

	if (x == NULL)
		return NULL;
	x->send = send;
	x->ctx = ctx;
	x->fd = -1;
	x->conf = *conf;
	if (x->conf.queue_max == 0)
		x->conf.queue_max = PL_IPFIX_QUEUE_DEFAULT;
	if (x->conf.burst == 0)
		x->conf.burst = x->conf.rate / 20;
	if (x->conf.burst < 64)
		x->conf.burst = 64; /* a full message fits the bucket */
	x->tokens_max = (uint64_t)x->conf.burst * NS;
	x->tokens = x->tokens_max;
	bi = x->conf.mode == PL_IPFIX_BIFLOW;
	build_template(&x->t[0], bi ? PL_IPFIX_TEMPLATE_V4 : PL_IPFIX_TEMPLATE_V4_UNI, 0, bi);
	build_template(&x->t[1], bi ? PL_IPFIX_TEMPLATE_V6 : PL_IPFIX_TEMPLATE_V6_UNI, 1, bi);
	return x;
}

static int
udp_send(void *ctx, const uint8_t *msg, size_t len)
{
	struct pl_ipfix *x = ctx;

	return send(x->fd, msg, len, MSG_DONTWAIT) < 0 ? -errno : 0;
}

struct pl_ipfix *
pl_ipfix_open_udp(const char *host_port, const struct pl_ipfix_conf *conf, char *err,
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
	{
		char *end;
		unsigned long pn = strtoul(port, &end, 10);

		if (*end != '\0' || pn == 0 || pn > 65535 || port[0] == '-' || port[0] == '+') {
			snprintf(err, errlen, "%s: host '%s', port '%s': the port must be a number "
				 "from 1 to 65535 (HOST:PORT)", host_port, host, port);
			return NULL;
		}
	}
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errlen, "%s: host '%s', port %s: cannot resolve the host (%s)",
			 host_port, host, port, gai_strerror(rc));
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
	x = pl_ipfix_create(conf, udp_send, NULL);
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
pl_ipfix_close(struct pl_ipfix *x, uint64_t now_ns)
{
	if (x == NULL)
		return;
	if (x->cur.records && queue_room(x) == 0)
		queue_cur(x);
	while (x->qn)
		send_head(x, now_ns);
	if (x->fd >= 0)
		close(x->fd);
	free(x->q);
	free(x->d);
	free(x);
}

const char *
pl_ipfix_mode_name(unsigned int mode)
{
	return mode == PL_IPFIX_UNIFLOW ? "uniflow" : mode == PL_IPFIX_BIFLOW ? "biflow" : "?";
}

int
pl_ipfix_mode_parse(const char *s)
{
	if (strcasecmp(s, "biflow") == 0)
		return PL_IPFIX_BIFLOW;
	if (strcasecmp(s, "uniflow") == 0)
		return PL_IPFIX_UNIFLOW;
	return -1;
}
