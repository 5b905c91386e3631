/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/ipfix: messages decode with an independent decoder (tshark's cflow
 * dissector reads them from a capture the test writes), templates are re-sent on time,
 * messages respect the MTU, sequence numbers count data records, and the UDP transport
 * reaches a collector on loopback.
 */
#include "pl_test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "pl_ipfix.h"

#define T0 1700000000u

struct sink {
	int n;
	size_t len[64];
	uint8_t msg[64][PL_IPFIX_MTU];
};

static int
collect(void *ctx, const uint8_t *m, size_t n)
{
	struct sink *s = ctx;

	if (s->n < 64) {
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

static void
test_records_decode_with_tshark(void **state)
{
	static struct sink s;
	struct pl_ipfix *x = pl_ipfix_create(7, 60, collect, &s);
	struct pl_ipfix_record r;
	char path[] = "/tmp/pl-test-ipfix-XXXXXX";
	char *out;
	int i, fd;

	(void)state;
	if (system("command -v tshark >/dev/null 2>&1") != 0)
		skip();
	for (i = 0; i < 30; i++) {
		r = rec4((uint16_t)(40000 + i));
		assert_int_equal(pl_ipfix_add(x, &r, T0), 0);
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
	assert_int_equal(pl_ipfix_add(x, &r, T0), 0);
	pl_ipfix_close(x, T0);
	assert_true(s.n >= 2); /* 31 records do not fit one 1400-byte message */
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

static void
test_sequence_counts_data_records_of_earlier_messages(void **state)
{
	static struct sink s;
	struct pl_ipfix *x = pl_ipfix_create(1, 0, collect, &s);
	struct pl_ipfix_record r = rec4(1);
	uint32_t seq1, recs;
	int i;

	(void)state;
	for (i = 0; i < 40; i++)
		pl_ipfix_add(x, &r, T0);
	pl_ipfix_close(x, T0);
	assert_true(s.n >= 2);
	seq1 = ((uint32_t)s.msg[1][8] << 24) | ((uint32_t)s.msg[1][9] << 16) |
	       ((uint32_t)s.msg[1][10] << 8) | s.msg[1][11];
	/* the first message's data set: everything after its template set */
	recs = 0;
	{
		size_t off = 16;

		while (off < s.len[0]) {
			uint16_t id = (uint16_t)(s.msg[0][off] << 8 | s.msg[0][off + 1]);
			uint16_t len = (uint16_t)(s.msg[0][off + 2] << 8 | s.msg[0][off + 3]);

			if (id == PL_IPFIX_TEMPLATE_V4)
				recs = (len - 4) / (4 + 4 + 56 + 6 + 4 + 1);
			off += len;
		}
	}
	assert_int_equal(seq1, recs);
	assert_true(seq1 > 0);
}

static int
has_template_set(const struct sink *s, int i)
{
	return s->msg[i][16] == 0 && s->msg[i][17] == 2;
}

static void
test_templates_resent_after_the_interval(void **state)
{
	static struct sink s;
	struct pl_ipfix *x = pl_ipfix_create(1, 10, collect, &s);
	struct pl_ipfix_record r = rec4(1);

	(void)state;
	pl_ipfix_add(x, &r, T0);
	pl_ipfix_flush(x, T0);
	pl_ipfix_add(x, &r, T0 + 5);
	pl_ipfix_flush(x, T0 + 5);
	pl_ipfix_add(x, &r, T0 + 11);
	pl_ipfix_flush(x, T0 + 11);
	pl_ipfix_close(x, T0 + 12);
	assert_int_equal(s.n, 3);
	assert_true(has_template_set(&s, 0));
	assert_false(has_template_set(&s, 1));
	assert_true(has_template_set(&s, 2));
}

static void
test_messages_never_exceed_the_mtu(void **state)
{
	static struct sink s;
	struct pl_ipfix *x = pl_ipfix_create(1, 1, collect, &s);
	struct pl_ipfix_record r = rec4(1);
	int i;

	(void)state;
	memset(r.cls, 'c', sizeof(r.cls) - 1);
	memset(r.apps, 'a', sizeof(r.apps) - 1);
	for (i = 0; i < 500 && s.n < 60; i++) {
		r.family = i % 3 ? 4 : 6;
		assert_int_equal(pl_ipfix_add(x, &r, T0 + (uint32_t)i), 0);
	}
	pl_ipfix_close(x, T0 + 500);
	for (i = 0; i < s.n; i++) {
		assert_true(s.len[i] <= PL_IPFIX_MTU);
		assert_int_equal(s.msg[i][2] << 8 | s.msg[i][3], s.len[i]);
	}
}

static void
test_udp_exporter_reaches_a_loopback_collector(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
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
	x = pl_ipfix_open_udp(hp, 9, 60, err, sizeof(err));
	assert_non_null(x);
	pl_ipfix_add(x, &r, T0);
	pl_ipfix_flush(x, T0);
	n = recv(fd, buf, sizeof(buf), 0);
	assert_true(n > 16);
	assert_int_equal(buf[0] << 8 | buf[1], 10);
	assert_int_equal(buf[15], 9); /* observation domain */
	pl_ipfix_stats(x, &st);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.messages, 1);
	assert_int_equal(st.send_errors, 0);
	pl_ipfix_close(x, T0);
	close(fd);
	assert_null(pl_ipfix_open_udp("no-port-here", 1, 60, err, sizeof(err)));
	assert_non_null(strstr(err, "HOST:PORT"));
	assert_null(pl_ipfix_open_udp("host.invalid.:4739", 1, 60, err, sizeof(err)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_decode_with_tshark),
		cmocka_unit_test(test_sequence_counts_data_records_of_earlier_messages),
		cmocka_unit_test(test_templates_resent_after_the_interval),
		cmocka_unit_test(test_messages_never_exceed_the_mtu),
		cmocka_unit_test(test_udp_exporter_reaches_a_loopback_collector),
	};

	return cmocka_run_group_tests_name("ipfix", tests, NULL, NULL);
}
