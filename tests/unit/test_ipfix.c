/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/ipfix: messages decode with an independent decoder (tshark's cflow
 * dissector reads them from a capture the test writes); records carry deltas (a flow's
 * records sum to its totals, whatever active-timeout records came before); uniflow mode
 * sends one record per direction; templates go before the first data and again on their
 * timer, even when idle; messages respect the MTU; sequence numbers count the data records
 * sent before each message, per observation domain; the token bucket paces records (time
 * is passed in, nothing sleeps); the side table of deltas and the queue stay bounded; the
 * UDP transport reaches a collector on loopback.
 */
#include "pl_test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "pl_ipfix.h"

#define T0 1700000000u
#define NS 1000000000ull
#define T0NS ((uint64_t)T0 * NS)

#define SINK_MAX 256

struct sink {
	int n;
	size_t len[SINK_MAX];
	uint8_t msg[SINK_MAX][PL_IPFIX_MTU];
};

static int
collect(void *ctx, const uint8_t *m, size_t n)
{
	struct sink *s = ctx;

	if (s->n < SINK_MAX) {
		memcpy(s->msg[s->n], m, n);
		s->len[s->n++] = n;
	}
	return 0;
}

static struct pl_ipfix_record
rec4(uint16_t sport)
{
	struct pl_ipfix_record r;
	const uint8_t s[4] = { 10, 0, 0, 1 }, d[4] = { 10, 1, 0, 2 };

	memset(&r, 0, sizeof(r));
	r.family = 4;
	r.proto = 6;
	r.tcp_flags = 0x1b;
	r.reason = PL_IPFIX_END;
	r.verdict = 2;
	memcpy(r.src, s, 4);
	memcpy(r.dst, d, 4);
	r.sport = sport;
	r.dport = 443;
	r.first_ns = 1700000000123000000ULL;
	r.last_ns = 1700000005456000000ULL;
	r.packets[0] = 10;
	r.packets[1] = 8;
	r.bytes[0] = 1500;
	r.bytes[1] = 9000;
	strcpy(r.cls, "https");
	strcpy(r.apps, "tls");
	return r;
}

/* Write the messages as UDP datagrams to port 4739 in a pcap file. */
static void
write_pcap(const char *path, const struct sink *s)
{
	FILE *f = fopen(path, "wb");
	const uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	int i;

	assert_non_null(f);
	fwrite(gh, 4, 6, f);
	for (i = 0; i < s->n; i++) {
		uint8_t h[42] = { 0 };
		uint32_t ph[4] = { T0, (uint32_t)i, (uint32_t)s->len[i] + 42,
				   (uint32_t)s->len[i] + 42 };
		uint16_t il = (uint16_t)(28 + s->len[i]), ul = (uint16_t)(8 + s->len[i]);

		h[12] = 0x08;
		h[14] = 0x45;
		h[16] = (uint8_t)(il >> 8);
		h[17] = (uint8_t)il;
		h[22] = 64;
		h[23] = 17;
		h[26] = 127;
		h[29] = 1;
		h[30] = 127;
		h[33] = 1;
		h[34] = 0x30;
		h[35] = 0x39;
		h[36] = 4739 >> 8;
		h[37] = 4739 & 0xff;
		h[38] = (uint8_t)(ul >> 8);
		h[39] = (uint8_t)ul;
		fwrite(ph, 4, 4, f);
		fwrite(h, 1, 42, f);
		fwrite(s->msg[i], 1, s->len[i], f);
	}
	fclose(f);
}

/* Run tshark on the capture; return its field output (one line per message). */
static char *
tshark_fields(const char *pcap, const char *fields)
{
	static char out[1 << 16];
	char cmd[1024];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "tshark -r %s -n -d udp.port==4739,cflow -T fields "
		 "-E occurrence=a -E aggregator=, -E separator=/t %s 2>/dev/null", pcap, fields);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

static int
count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

static struct pl_ipfix *
exporter(uint32_t domain, uint32_t refresh, uint32_t rate, uint8_t mode, struct sink *s)
{
	struct pl_ipfix_conf c = {
		.domain = domain, .template_refresh = refresh, .rate = rate, .mode = mode,
	};
	struct pl_ipfix *x;

	memset(s, 0, sizeof(*s));
	x = pl_ipfix_create(&c, collect, s);
	assert_non_null(x);
	return x;
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t
get64(const uint8_t *p)
{
	return ((uint64_t)get32(p) << 32) | get32(p + 4);
}

/* Sizes of an IPv4 record with empty strings: biflow and uniflow. */
#define REC_BI 67
#define REC_UNI 51

/* What a decoded capture of messages holds (IPv4 records with empty strings). */
struct decoded {
	int templates;          /* template sets */
	int template_ids[8];
	int records;
	uint64_t packets, bytes;        /* forward counters, summed */
	uint64_t rpackets, rbytes;      /* reverse counters (biflow), summed */
};

/* Walk one message: its data records' counters; returns its data records. */
static int
decode_msg(const uint8_t *m, size_t len, struct decoded *d)
{
	size_t off = 16;
	int n = 0;

	assert_int_equal(m[0] << 8 | m[1], 10);
	assert_int_equal(m[2] << 8 | m[3], len);
	while (off + 4 <= len) {
		uint16_t id = (uint16_t)(m[off] << 8 | m[off + 1]);
		uint16_t sl = (uint16_t)(m[off + 2] << 8 | m[off + 3]);
		size_t r, rs = id == PL_IPFIX_TEMPLATE_V4 ? REC_BI : REC_UNI;

		assert_true(sl >= 4 && off + sl <= len);
		if (id == 2) {
			size_t t = off + 4;

			while (t < off + sl) {
				uint16_t tid = (uint16_t)(m[t] << 8 | m[t + 1]), nf = (uint16_t)(m[t + 2] << 8 | m[t + 3]);
				size_t k;

				if (d->templates < 8)
					d->template_ids[d->templates] = tid;
				d->templates++;
				t += 4;
				for (k = 0; k < nf; k++)
					t += (m[t] & 0x80) ? 8 : 4;
			}
		} else if (id == PL_IPFIX_TEMPLATE_V4 || id == PL_IPFIX_TEMPLATE_V4_UNI) {
			assert_int_equal((sl - 4) % rs, 0);
			for (r = off + 4; r < off + sl; r += rs) {
				d->bytes += get64(m + r + 32);
				d->packets += get64(m + r + 40);
				if (id == PL_IPFIX_TEMPLATE_V4) {
					d->rbytes += get64(m + r + 48);
					d->rpackets += get64(m + r + 56);
				}
				n++;
			}
		}
		off += sl;
	}
	d->records += n;
	return n;
}

static void
decode_all(const struct sink *s, struct decoded *d)
{
	int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < s->n; i++)
		decode_msg(s->msg[i], s->len[i], d);
}

/* A record with empty strings (fixed size), of reason @p why, with counts since the start. */
static struct pl_ipfix_record
flowrec(uint16_t sport, uint8_t why, uint64_t p0, uint64_t b0, uint64_t p1, uint64_t b1)
{
	struct pl_ipfix_record r = rec4(sport);

	r.cls[0] = '\0';
	r.apps[0] = '\0';
	r.reason = why;
	r.packets[0] = p0;
	r.bytes[0] = b0;
	r.packets[1] = p1;
	r.bytes[1] = b1;
	return r;
}

static void
test_records_decode_with_tshark(void **state)
{
	static struct sink s;
	struct pl_ipfix *x = exporter(7, 60, 0, PL_IPFIX_BIFLOW, &s);
	struct pl_ipfix_record r;
	char path[] = "/tmp/pl-test-ipfix-XXXXXX";
	char *out;
	int i, fd;

	(void)state;
	if (system("command -v tshark >/dev/null 2>&1") != 0)
		skip();
	for (i = 0; i < 30; i++) {
		r = rec4((uint16_t)(40000 + i));
		assert_int_equal(pl_ipfix_add(x, &r, T0NS), 0);
	}
	r = rec4(5353);
	r.family = 6;
	memset(r.src, 0, 16);
	r.src[0] = 0xfd;
	r.src[15] = 1;
	memset(r.dst, 0, 16);
	r.dst[0] = 0x20;
	r.dst[1] = 0x01;
	r.dst[15] = 2;
	r.proto = 17;
	r.cls[0] = '\0';
	strcpy(r.apps, "dns");
	assert_int_equal(pl_ipfix_add(x, &r, T0NS), 0);
	pl_ipfix_close(x, T0NS);
	assert_true(s.n >= 3); /* templates, and 31 records do not fit one 1400-byte message */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_pcap(path, &s);
	out = tshark_fields(path, "-e cflow.version -e cflow.srcaddr -e cflow.srcaddrv6 "
				  "-e cflow.dstport -e cflow.octets -e cflow.packets "
				  "-e cflow.flow_end_reason -e cflow.od_id");
	unlink(path);
	assert_int_equal(count(out, "10.0.0.1"), 30);
	assert_int_equal(count(out, "fd00::1"), 1);
	/* forward and reverse counters of every record */
	assert_int_equal(count(out, "1500,9000"), 31);
	assert_int_equal(count(out, "10,8"), 31);
	assert_true(strstr(out, "10\t") == out); /* version 10 */
}

/* Active-timeout records carry what is new; a flow's records sum to its totals. */
static void
test_records_carry_deltas_that_sum_to_the_totals(void **state)
{
	static struct sink s;
	struct pl_ipfix *x = exporter(1, 0, 0, PL_IPFIX_BIFLOW, &s);
	struct pl_ipfix_record r;
	struct pl_ipfix_stats st;
	struct decoded d;

	(void)state;
	/* flow A: two active-timeout records, then its end */
	r = flowrec(1000, PL_IPFIX_ACTIVE, 10, 1500, 8, 9000);
	pl_ipfix_add(x, &r, T0NS);
	r = flowrec(1000, PL_IPFIX_ACTIVE, 15, 2000, 8, 9000);
	pl_ipfix_add(x, &r, T0NS);
	/* nothing new since: not sent */
	r = flowrec(1000, PL_IPFIX_ACTIVE, 15, 2000, 8, 9000);
	pl_ipfix_add(x, &r, T0NS);
	r = flowrec(1000, PL_IPFIX_IDLE, 20, 2600, 12, 9400);
	pl_ipfix_add(x, &r, T0NS);
	/* flow B (same tuple, later start: another flow), no active record: its totals */
	r = flowrec(1000, PL_IPFIX_END, 3, 300, 2, 200);
	r.first_ns += NS;
	pl_ipfix_add(x, &r, T0NS);
	/* flow C: the connection reused the other way round (the initiator changed): the
	 * counts swap sides, the deltas follow the endpoints */
	r = flowrec(2000, PL_IPFIX_ACTIVE, 5, 500, 4, 400);
	pl_ipfix_add(x, &r, T0NS);
	{
		uint8_t a[16];
		uint16_t p = r.sport;

		memcpy(a, r.src, 16);
		memcpy(r.src, r.dst, 16);
		memcpy(r.dst, a, 16);
		r.sport = r.dport;
		r.dport = p;
	}
	r.reason = PL_IPFIX_FORCED;
	r.packets[0] = 6; /* was [1] = 4: 2 new */
	r.bytes[0] = 600;
	r.packets[1] = 7; /* was [0] = 5: 2 new */
	r.bytes[1] = 700;
	pl_ipfix_add(x, &r, T0NS);
	pl_ipfix_stats(x, &st);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.flows, 0); /* every flow ended: nothing remembered */
	pl_ipfix_close(x, T0NS);
	decode_all(&s, &d);
	assert_int_equal(d.records, 6);
	assert_int_equal(d.packets + d.rpackets, 20 + 12 + 3 + 2 + 6 + 7);
	assert_int_equal(d.bytes + d.rbytes, 2600 + 9400 + 300 + 200 + 600 + 700);
	assert_int_equal(d.packets, 20 + 3 + 5 + 2); /* flow C: 5 then 2 by its first initiator */
}

/* Uniflow: one record per direction that carried packets, template 258, no reverse fields. */
static void
test_uniflow_sends_one_record_per_direction(void **state)
{
	static struct sink s;
	struct pl_ipfix *x = exporter(1, 0, 0, PL_IPFIX_UNIFLOW, &s);
	struct pl_ipfix_record r;
	struct decoded d;

	(void)state;
	r = flowrec(1000, PL_IPFIX_ACTIVE, 10, 1500, 8, 9000);
	pl_ipfix_add(x, &r, T0NS);
	r = flowrec(1000, PL_IPFIX_ACTIVE, 12, 1700, 8, 9000); /* only forward is new */
	pl_ipfix_add(x, &r, T0NS);
	r = flowrec(1000, PL_IPFIX_END, 12, 1700, 8, 9000);    /* nothing new: the end still */
	pl_ipfix_add(x, &r, T0NS);
	r = flowrec(3000, PL_IPFIX_END, 0, 0, 5, 50);          /* only the responder spoke */
	pl_ipfix_add(x, &r, T0NS);
	pl_ipfix_close(x, T0NS);
	decode_all(&s, &d);
	assert_int_equal(d.templates, 2);
	assert_int_equal(d.template_ids[0], PL_IPFIX_TEMPLATE_V4_UNI);
	assert_int_equal(d.template_ids[1], PL_IPFIX_TEMPLATE_V6_UNI);
	assert_int_equal(d.records, 2 + 1 + 1 + 1);
	assert_int_equal(d.packets, 12 + 8 + 5);
	assert_int_equal(d.bytes, 1700 + 9000 + 50);
	assert_int_equal(d.rpackets, 0);
}

/* Every message's sequence number counts the data records sent before it in its domain. */
static void
test_sequence_counts_data_records_per_domain(void **state)
{
	static struct sink s;
	struct pl_ipfix_conf c1 = { .domain = 1 }, c2 = { .domain = 2, .mode = PL_IPFIX_UNIFLOW };
	struct pl_ipfix *x1, *x2;
	struct pl_ipfix_record r = flowrec(1, PL_IPFIX_END, 1, 100, 1, 100);
	uint64_t sent[3] = { 0, 0, 0 };
	int i, data_msgs = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	x1 = pl_ipfix_create(&c1, collect, &s);
	x2 = pl_ipfix_create(&c2, collect, &s);
	for (i = 0; i < 200; i++) {
		r.sport = (uint16_t)i;
		pl_ipfix_add(i % 3 ? x1 : x2, &r, T0NS);
	}
	pl_ipfix_close(x1, T0NS);
	pl_ipfix_close(x2, T0NS);
	for (i = 0; i < s.n; i++) {
		struct decoded d;
		uint32_t dom = get32(s.msg[i] + 12);

		memset(&d, 0, sizeof(d));
		assert_true(dom == 1 || dom == 2);
		assert_int_equal(get32(s.msg[i] + 8), sent[dom]);
		sent[dom] += (uint64_t)decode_msg(s.msg[i], s.len[i], &d);
		data_msgs += d.records > 0;
	}
	assert_true(data_msgs >= 4);
	assert_int_equal(sent[1], 133);     /* biflow: one record per flow */
	assert_int_equal(sent[2], 2 * 67);  /* uniflow: two */
}

static int
has_template_set(const struct sink *s, int i)
{
	return s->msg[i][16] == 0 && s->msg[i][17] == 2;
}

/* Templates before the first data, then again on their timer, with or without data. */
static void
test_templates_resent_on_their_timer(void **state)
{
	static struct sink s;
	struct pl_ipfix *x = exporter(1, 10, 0, PL_IPFIX_BIFLOW, &s);
	struct pl_ipfix_record r = rec4(1);

	(void)state;
	assert_int_equal(pl_ipfix_poll(x, T0NS), 0);
	assert_int_equal(s.n, 0); /* nothing before there is data */
	pl_ipfix_add(x, &r, T0NS);
	pl_ipfix_flush(x, T0NS);
	assert_int_equal(s.n, 2);
	assert_true(has_template_set(&s, 0));
	assert_false(has_template_set(&s, 1));
	pl_ipfix_add(x, &r, T0NS + 5 * NS);
	pl_ipfix_flush(x, T0NS + 5 * NS);
	assert_int_equal(s.n, 3);
	assert_false(has_template_set(&s, 2));
	/* idle: the timer alone sends them */
	pl_ipfix_poll(x, T0NS + 9 * NS);
	assert_int_equal(s.n, 3);
	pl_ipfix_poll(x, T0NS + 10 * NS);
	assert_int_equal(s.n, 4);
	assert_true(has_template_set(&s, 3));
	assert_int_equal(get32(s.msg[3] + 8), 2); /* two data records before it */
	pl_ipfix_poll(x, T0NS + 15 * NS);
	assert_int_equal(s.n, 4);
	pl_ipfix_close(x, T0NS + 16 * NS);
}

/* The token bucket: never more records than burst + rate x elapsed time. */
static void
test_pacing_follows_the_token_bucket(void **state)
{
	static struct sink s;
	struct pl_ipfix_conf c = { .domain = 1, .rate = 1000, .burst = 64 };
	struct pl_ipfix_record r = flowrec(1, PL_IPFIX_END, 1, 100, 1, 100);
	struct pl_ipfix_stats st;
	struct pl_ipfix *x;
	uint64_t t = T0NS, prev_sent = 0;
	int i;

	(void)state;
	memset(&s, 0, sizeof(s));
	x = pl_ipfix_create(&c, collect, &s);
	for (i = 0; i < 1000; i++) {
		r.sport = (uint16_t)i;
		assert_int_equal(pl_ipfix_add(x, &r, t), 0);
	}
	pl_ipfix_flush(x, t);
	pl_ipfix_stats(x, &st);
	assert_true(st.records <= 64);
	assert_true(st.records > 0);
	assert_true(st.queued > 0);
	assert_true(pl_ipfix_wait_ns(x, t) > 0);
	/* 10 ms steps: at most 10 records more each, and the whole lot in about a second */
	for (i = 1; i <= 200 && st.queued; i++) {
		uint64_t now = t + (uint64_t)i * 10000000ull;

		pl_ipfix_poll(x, now);
		pl_ipfix_stats(x, &st);
		assert_true(st.records <= 64 + (uint64_t)i * 10);
		assert_true(st.records >= prev_sent);
		prev_sent = st.records;
		if (st.queued)
			assert_true(pl_ipfix_wait_ns(x, now) > 0 ||
				    pl_ipfix_poll(x, now) < st.queued);
	}
	pl_ipfix_stats(x, &st);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.records, 1000);
	assert_true(i >= 90); /* (1000 - 64) records at 1000/s: at least 0.9 s */
	assert_int_equal(pl_ipfix_wait_ns(x, t + 3 * NS), UINT64_MAX);
	pl_ipfix_close(x, t + 3 * NS);
}

/* The side table of deltas stays within flows_max; the queue within queue_max. */
static void
test_deltas_and_queue_stay_bounded(void **state)
{
	static struct sink s;
	struct pl_ipfix_conf c = { .domain = 1, .rate = 1, .burst = 64, .queue_max = 2,
				   .flows_max = 4 };
	struct pl_ipfix_record r = flowrec(1, PL_IPFIX_ACTIVE, 1, 100, 1, 100);
	struct pl_ipfix_stats st;
	struct pl_ipfix *x;
	int i, nobufs = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	x = pl_ipfix_create(&c, collect, &s);
	for (i = 0; i < 2000; i++) {
		r.sport = (uint16_t)i;
		nobufs += pl_ipfix_add(x, &r, T0NS) == -ENOBUFS;
	}
	pl_ipfix_stats(x, &st);
	assert_int_equal(st.flows, 4);
	assert_int_equal(st.forgotten, 2000 - 4);
	assert_true(nobufs > 0);
	assert_int_equal(st.dropped, (uint64_t)nobufs);
	assert_true(st.queued <= 2);
	pl_ipfix_close(x, T0NS);
}

static void
test_messages_never_exceed_the_mtu(void **state)
{
	static struct sink s;
	struct pl_ipfix *x = exporter(1, 1, 0, PL_IPFIX_BIFLOW, &s);
	struct pl_ipfix_record r = rec4(1);
	int i;

	(void)state;
	memset(r.cls, 'c', sizeof(r.cls) - 1);
	memset(r.apps, 'a', sizeof(r.apps) - 1);
	for (i = 0; i < 500 && s.n < 60; i++) {
		r.family = i % 3 ? 4 : 6;
		r.sport = (uint16_t)i;
		assert_int_equal(pl_ipfix_add(x, &r, T0NS + (uint64_t)i * NS), 0);
	}
	pl_ipfix_close(x, T0NS + 500 * NS);
	for (i = 0; i < s.n; i++) {
		assert_true(s.len[i] <= PL_IPFIX_MTU);
		assert_int_equal(s.msg[i][2] << 8 | s.msg[i][3], s.len[i]);
	}
}

static void
test_udp_exporter_reaches_a_loopback_collector(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	struct pl_ipfix_conf c = { .domain = 9, .template_refresh = 60 };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct pl_ipfix_record r = rec4(1);
	struct pl_ipfix_stats st;
	char hp[64], err[128];
	uint8_t buf[2048];
	struct pl_ipfix *x;
	ssize_t n;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(fd, (struct sockaddr *)&a, &al);
	snprintf(hp, sizeof(hp), "127.0.0.1:%u", ntohs(a.sin_port));
	x = pl_ipfix_open_udp(hp, &c, err, sizeof(err));
	assert_non_null(x);
	pl_ipfix_add(x, &r, T0NS);
	pl_ipfix_flush(x, T0NS);
	n = recv(fd, buf, sizeof(buf), 0); /* the templates */
	assert_true(n > 16);
	assert_int_equal(buf[0] << 8 | buf[1], 10);
	assert_int_equal(buf[15], 9); /* observation domain */
	assert_int_equal(buf[17], 2); /* template set */
	n = recv(fd, buf, sizeof(buf), 0); /* the data */
	assert_true(n > 16);
	assert_int_equal(buf[16] << 8 | buf[17], PL_IPFIX_TEMPLATE_V4);
	pl_ipfix_stats(x, &st);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.messages, 2);
	assert_int_equal(st.send_errors, 0);
	pl_ipfix_close(x, T0NS);
	close(fd);
	assert_null(pl_ipfix_open_udp("no-port-here", &c, err, sizeof(err)));
	assert_non_null(strstr(err, "HOST:PORT"));
	assert_null(pl_ipfix_open_udp("host.invalid.:4739", &c, err, sizeof(err)));
	assert_int_equal(pl_ipfix_mode_parse("uniflow"), PL_IPFIX_UNIFLOW);
	assert_int_equal(pl_ipfix_mode_parse("BIFLOW"), PL_IPFIX_BIFLOW);
	assert_int_equal(pl_ipfix_mode_parse("both"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_decode_with_tshark),
		cmocka_unit_test(test_records_carry_deltas_that_sum_to_the_totals),
		cmocka_unit_test(test_uniflow_sends_one_record_per_direction),
		cmocka_unit_test(test_sequence_counts_data_records_per_domain),
		cmocka_unit_test(test_templates_resent_on_their_timer),
		cmocka_unit_test(test_pacing_follows_the_token_bucket),
		cmocka_unit_test(test_deltas_and_queue_stay_bounded),
		cmocka_unit_test(test_messages_never_exceed_the_mtu),
		cmocka_unit_test(test_udp_exporter_reaches_a_loopback_collector),
	};

	return cmocka_run_group_tests_name("ipfix", tests, NULL, NULL);
}
