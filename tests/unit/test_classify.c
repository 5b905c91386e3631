/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/classify: class tables built from a hand-made configuration (destination
 * class first, source class otherwise, TCP and UDP apart, range edges, first class wins);
 * the Luhn check; every shipped signature on its own protocol's payloads and on near misses,
 * other protocols' payloads and 10000 random payloads; card numbers inside HTTP text (only
 * the last four digits come back, Luhn-invalid numbers never); signature files refused with
 * "FILE:LINE: problem"; off-port detection; two workers scanning at once with their own
 * scratches; and the first-byte shortcut of datagram scans changing no result. No EAL is needed: tables are plain memory and Hyperscan runs on the heap.
 */
#include <stdlib.h>
#include <dirent.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <numa.h>
#include <numaif.h>
#include <rte_common.h>

#include "pl_classify.h"
#include "pl_test.h"

#ifndef PL_TEST_SIGS
#error "PL_TEST_SIGS must name lib/classify/signatures.yaml"
#endif

/* ---- class tables ---- */

static struct pl_config cfg;
static struct pl_class_table tab;

static void
add_class(const char *name, uint8_t protos, uint16_t first, uint16_t last)
{
	struct pl_class_def *c = &cfg.classes[cfg.nb_classes++];

	snprintf(c->name, sizeof(c->name), "%s", name);
	c->protos = protos;
	c->ranges[0].first = first;
	c->ranges[0].last = last;
	c->nb_ranges = 1;
}

static void
add_range(uint16_t first, uint16_t last)
{
	struct pl_class_def *c = &cfg.classes[cfg.nb_classes - 1];

	c->ranges[c->nb_ranges].first = first;
	c->ranges[c->nb_ranges].last = last;
	c->nb_ranges++;
}

/* https tcp/443 (0), db tcp/5432 (1), dns tcp+udp/53 (2), api tcp/8080-8089 (3). */
static void
finmark_classes(void)
{
	memset(&cfg, 0, sizeof(cfg));
	add_class("https", PL_PROTO_TCP, 443, 443);
	add_class("db", PL_PROTO_TCP, 5432, 5432);
	add_class("dns", PL_PROTO_TCP | PL_PROTO_UDP, 53, 53);
	add_class("api", PL_PROTO_TCP, 8080, 8089);
	pl_class_table_build(&cfg, &tab);
}

static void
test_class_of_destination_port_wins_over_source_port(void **state)
{
	finmark_classes();
	/* a client on 5432 (odd but possible) talking to 443: the server's class */
	assert_int_equal(pl_class_of(&tab, 6, 5432, 443), 0);
	assert_int_equal(pl_class_of(&tab, 6, 443, 5432), 1);
}

static void
test_class_of_source_port_when_destination_has_none(void **state)
{
	finmark_classes();
	/* the server's answer to an ephemeral port still counts in the server's class */
	assert_int_equal(pl_class_of(&tab, 6, 443, 51000), 0);
	assert_int_equal(pl_class_of(&tab, 6, 51000, 443), 0);
	assert_int_equal(pl_class_of(&tab, 17, 53, 40000), 2);
}

static void
test_class_tables_keep_tcp_and_udp_apart(void **state)
{
	finmark_classes();
	assert_int_equal(pl_class_of(&tab, 17, 51000, 443), PL_CLASS_NONE);
	assert_int_equal(pl_class_of(&tab, 17, 51000, 5432), PL_CLASS_NONE);
	assert_int_equal(pl_class_of(&tab, 6, 51000, 53), 2);
	assert_int_equal(pl_class_of(&tab, 17, 51000, 53), 2);
	assert_int_equal(tab.udp[443], PL_CLASS_NONE);
	assert_int_equal(tab.tcp[443], 0);
}

static void
test_class_ranges_cover_both_edges_and_nothing_more(void **state)
{
	finmark_classes();
	assert_int_equal(pl_class_of(&tab, 6, 50000, 8079), PL_CLASS_NONE);
	assert_int_equal(pl_class_of(&tab, 6, 50000, 8080), 3);
	assert_int_equal(pl_class_of(&tab, 6, 50000, 8085), 3);
	assert_int_equal(pl_class_of(&tab, 6, 50000, 8089), 3);
	assert_int_equal(pl_class_of(&tab, 6, 50000, 8090), PL_CLASS_NONE);

	/* a class with several ranges, the last one ending at 65535 */
	memset(&cfg, 0, sizeof(cfg));
	add_class("high", PL_PROTO_UDP, 0, 0);
	add_range(60000, 65535);
	pl_class_table_build(&cfg, &tab);
	assert_int_equal(tab.udp[0], 0);
	assert_int_equal(tab.udp[1], PL_CLASS_NONE);
	assert_int_equal(tab.udp[59999], PL_CLASS_NONE);
	assert_int_equal(tab.udp[60000], 0);
	assert_int_equal(tab.udp[65535], 0);
	assert_int_equal(tab.tcp[65535], PL_CLASS_NONE);
}

static void
test_class_first_class_wins_on_overlap(void **state)
{
	memset(&cfg, 0, sizeof(cfg));
	add_class("web", PL_PROTO_TCP, 8000, 8100);
	add_class("api", PL_PROTO_TCP | PL_PROTO_UDP, 8080, 8080);
	add_class("all", PL_PROTO_TCP, 0, 65535);
	pl_class_table_build(&cfg, &tab);
	assert_int_equal(tab.tcp[8080], 0);
	assert_int_equal(tab.udp[8080], 1);   /* web does not cover UDP */
	assert_int_equal(tab.tcp[7999], 2);
	assert_int_equal(tab.tcp[8101], 2);
	assert_int_equal(tab.tcp[0], 2);
	assert_int_equal(tab.udp[8081], PL_CLASS_NONE);
}

static void
test_class_none_without_classes_and_for_other_protocols(void **state)
{
	unsigned int p;

	memset(&cfg, 0, sizeof(cfg));
	memset(&tab, 0, sizeof(tab));   /* build must overwrite every entry */
	pl_class_table_build(&cfg, &tab);
	for (p = 0; p < 65536; p++) {
		assert_int_equal(tab.tcp[p], PL_CLASS_NONE);
		assert_int_equal(tab.udp[p], PL_CLASS_NONE);
	}
	finmark_classes();
	assert_int_equal(pl_class_of(&tab, 1, 443, 443), PL_CLASS_NONE);    /* ICMP */
	assert_int_equal(pl_class_of(&tab, 132, 443, 443), PL_CLASS_NONE);  /* SCTP */
	assert_int_equal(pl_class_of(&tab, 6, 40000, 40001), PL_CLASS_NONE);
}

/* ---- Luhn ---- */

static void
test_luhn_accepts_known_card_numbers(void **state)
{
	static const char *const ok[] = {
		"4111111111111111", "5500005555555559", "378282246310005", "4012888888881881",
		"6011111111111117", "3530111333300000", "4222222222222", "79927398713",
		"00",
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(ok); i++)
		assert_true(pl_luhn_valid(ok[i], (unsigned int)strlen(ok[i])));
}

static void
test_luhn_refuses_wrong_checksums_and_non_digits(void **state)
{
	assert_false(pl_luhn_valid("4111111111111112", 16));
	assert_false(pl_luhn_valid("5500005555555558", 16));
	assert_false(pl_luhn_valid("378282246310006", 15));
	assert_false(pl_luhn_valid("79927398710", 11));
	/* a transposition of adjacent digits (not 09/90) is caught */
	assert_false(pl_luhn_valid("1411111111111111", 16));
	assert_false(pl_luhn_valid("5500005555555595", 16));
	assert_false(pl_luhn_valid("4111 1111 1111 1111", 19));
	assert_false(pl_luhn_valid("411111111111111a", 16));
	assert_false(pl_luhn_valid("41111111-1111111", 16));
	assert_false(pl_luhn_valid("0", 1));
	assert_false(pl_luhn_valid("", 0));
	assert_false(pl_luhn_valid(NULL, 16));
}

/* ---- signatures: the shipped file ---- */

static struct pl_sigs *sigs;
static void *scratch;

static int
sigs_setup(void **state)
{
	char err[512] = "";

	sigs = pl_sigs_load(PL_TEST_SIGS, err, sizeof(err));
	if (sigs == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	scratch = pl_sigs_scratch(sigs);
	return scratch != NULL ? 0 : -1;
}

static int
sigs_teardown(void **state)
{
	pl_sigs_scratch_free(scratch);
	pl_sigs_free(sigs);
	return 0;
}

static int
sig_id(const char *name)
{
	unsigned int i;

	for (i = 0; i < pl_sigs_count(sigs); i++) {
		if (strcmp(pl_sigs_def(sigs, i)->name, name) == 0)
			return (int)i;
	}
	fail_msg("no signature '%s' in %s", name, PL_TEST_SIGS);
	return -1;
}

static struct pl_scan_result
scan(const void *data, uint32_t len)
{
	struct pl_scan_result r;

	memset(&r, 0xa5, sizeof(r));
	assert_int_equal(pl_sigs_scan(sigs, scratch, data, len, &r), 0);
	return r;
}

/* A payload of the shipped samples and what it must be labelled with. */
struct sample {
	const char *what;
	const uint8_t *data;
	uint32_t len;
	const char *sig;            /* the one signature that matches */
	unsigned int proto;
};

#define B(s) (const uint8_t *)(s), (uint32_t)(sizeof(s) - 1)

static const struct sample samples[] = {
	{ "TLS 1.2 ClientHello in a TLS 1.0 record",
	  B("\x16\x03\x01\x00\xf8\x01\x00\x00\xf4\x03\x03\x5b\x9c\x27\x11\xaa\x00\x20"),
	  "tls_client_hello", PL_APP_tls },
	{ "TLS 1.3 ClientHello, large",
	  B("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x01\x02\x03\x04"),
	  "tls_client_hello", PL_APP_tls },
	{ "SSL 3.0 ClientHello",
	  B("\x16\x03\x00\x00\x4a\x01\x00\x00\x46\x03\x00\x11\x22"),
	  "tls_client_hello", PL_APP_tls },
	{ "TLS ServerHello",
	  B("\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03\xc0\xff\xee"),
	  "tls_server_hello", PL_APP_tls },
	{ "HTTP GET", B("GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n"),
	  "http_request", PL_APP_http },
	{ "HTTP POST", B("POST /api/v1/orders?x=1 HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}"),
	  "http_request", PL_APP_http },
	{ "HTTP CONNECT", B("CONNECT example.com:443 HTTP/1.1\r\n\r\n"),
	  "http_request", PL_APP_http },
	{ "HTTP GET cut inside its target",
	  B("GET /search?q=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	  "http_request", PL_APP_http },
	{ "HTTP 200", B("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"),
	  "http_response", PL_APP_http },
	{ "HTTP 404 with an empty reason", B("HTTP/1.0 404\r\n\r\n"),
	  "http_response", PL_APP_http },
	{ "h2c preface", B("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x12\x04"),
	  "http2_cleartext_preface", PL_APP_http },
	{ "PostgreSQL SSLRequest", B("\x00\x00\x00\x08\x04\xd2\x16\x2f"),
	  "pgsql_ssl_request", PL_APP_pgsql_ssl },
	{ "PostgreSQL GSSENCRequest", B("\x00\x00\x00\x08\x04\xd2\x16\x30"),
	  "pgsql_gssenc_request", PL_APP_pgsql_ssl },
	{ "PostgreSQL startup",
	  B("\x00\x00\x00\x54\x00\x03\x00\x00user\x00" "app\x00" "database\x00" "shop\x00\x00"),
	  "pgsql_startup_cleartext", PL_APP_pgsql_clear },
	{ "PostgreSQL startup, database first",
	  B("\x00\x00\x00\x29\x00\x03\x00\x00" "database\x00" "shop\x00user\x00" "a\x00\x00"),
	  "pgsql_startup_cleartext", PL_APP_pgsql_clear },
	{ "SSH 2.0 banner", B("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n"),
	  "ssh_banner", PL_APP_ssh },
	{ "SSH 1.99 banner", B("SSH-1.99-Cisco-1.25\r\n"), "ssh_banner", PL_APP_ssh },
	{ "DNS query www.example.com A",
	  B("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07" "example\x03" "com"
	    "\x00\x00\x01\x00\x01"), "dns_query", PL_APP_dns },
	{ "DNS query with EDNS and AD",
	  B("\xbe\xef\x01\x20\x00\x01\x00\x00\x00\x00\x00\x01\x06google\x03" "com\x00\x00\x1c"
	    "\x00\x01\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00"), "dns_query", PL_APP_dns },
	{ "DNS root NS priming query",
	  B("\x00\x07\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01"),
	  "dns_query", PL_APP_dns },
	{ "DNS response, one answer",
	  B("\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x03www\x07" "example\x03" "com"
	    "\x00\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\x5d\xb8\xd8\x22"),
	  "dns_response", PL_APP_dns },
	{ "DNS response NXDOMAIN",
	  B("\x43\x21\x81\x83\x00\x01\x00\x00\x00\x01\x00\x00\x04nope\x07" "example\x00"
	    "\x00\x01\x00\x01"), "dns_response", PL_APP_dns },
};

static void
test_sigs_shipped_file_has_the_expected_signatures(void **state)
{
	static const char *const names[] = {
		"tls_client_hello", "tls_server_hello", "http_request", "http_response",
		"http2_cleartext_preface", "pgsql_ssl_request", "pgsql_gssenc_request",
		"pgsql_startup_cleartext", "ssh_banner", "dns_query", "dns_response",
		"card_number",
	};
	unsigned int i;

	assert_int_equal(pl_sigs_count(sigs), RTE_DIM(names));
	for (i = 0; i < RTE_DIM(names); i++)
		assert_string_equal(pl_sigs_def(sigs, i)->name, names[i]);
	assert_int_equal(pl_sigs_def(sigs, (unsigned int)sig_id("card_number"))->proto,
			 PL_APP_card);
	assert_int_equal(pl_sigs_def(sigs, (unsigned int)sig_id("tls_client_hello"))->nb_ports, 9);
	assert_null(pl_sigs_def(sigs, pl_sigs_count(sigs)));
	assert_int_equal(pl_sigs_count(NULL), 0);
}

static void
test_app_names_and_cleartext_mask(void **state)
{
	uint32_t m = pl_app_cleartext_mask();

	assert_string_equal(pl_app_name(PL_APP_tls), "tls");
	assert_string_equal(pl_app_name(PL_APP_pgsql_clear), "pgsql_clear");
	assert_string_equal(pl_app_name(PL_APP_other), "other");
	assert_string_equal(pl_app_name(PL_APP_MAX), "unknown");
	assert_int_equal(m, (1U << PL_APP_http) | (1U << PL_APP_pgsql_clear) |
			 (1U << PL_APP_dns) | (1U << PL_APP_card));
}

/* Every sample matches exactly its own signature: the true positives and, across the
 * samples, the check that no signature fires on another protocol's payload. */
static void
test_sigs_each_sample_matches_only_its_own_signature(void **state)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(samples); i++) {
		const struct sample *sm = &samples[i];
		struct pl_scan_result r = scan(sm->data, sm->len);

		if (r.sig_hits != 1ULL << sig_id(sm->sig) || r.protos != 1U << sm->proto)
			fail_msg("%s: hits %#" PRIx64 " protos %#x, expected only %s", sm->what,
				 r.sig_hits, r.protos, sm->sig);
		assert_int_equal(r.card_found, 0);
		assert_int_equal(r.card_last4, 0);
	}
}

/* Near misses: payloads one field away from a signature's protocol. */
static void
test_sigs_near_misses_do_not_match(void **state)
{
	static const struct {
		const char *what;
		const uint8_t *data;
		uint32_t len;
	} miss[] = {
		{ "TLS alert record", B("\x15\x03\x03\x00\x02\x02\x28") },
		{ "TLS application data", B("\x17\x03\x03\x00\x40\x01\x00\x00\x3c\x03\x03") },
		{ "TLS Certificate message", B("\x16\x03\x03\x0b\x20\x0b\x00\x0b\x1c\x00\x0b") },
		{ "TLS record version 3.9", B("\x16\x03\x09\x00\xf8\x01\x00\x00\xf4\x03\x03") },
		{ "TLS record too long", B("\x16\x03\x01\x50\x00\x01\x00\x4f\xfc\x03\x03") },
		{ "TLS hello with a 2.0 body", B("\x16\x03\x01\x00\xf8\x01\x00\x00\xf4\x02\x00") },
		{ "SSLv2 ClientHello", B("\x80\x2e\x01\x00\x02\x00\x15\x00\x00\x00\x10") },
		{ "lowercase method", B("get / HTTP/1.1\r\n\r\n") },
		{ "unknown method", B("FETCH / HTTP/1.1\r\n\r\n") },
		{ "HTTP/2.0 request line", B("GET / HTTP/2.0\r\n\r\n") },
		{ "request line without CRLF", B("GET / HTTP/1.1 trailing\r\n") },
		{ "method in the middle", B("xGET / HTTP/1.1\r\n") },
		{ "GET with a bare word cut", B("GET index") },
		{ "status 600", B("HTTP/1.1 600 Nope\r\n") },
		{ "status of two digits", B("HTTP/1.1 20 OK\r\n") },
		{ "HTTP/0.9-style response", B("HTTP/3 200 OK\r\n") },
		{ "PostgreSQL CancelRequest",
		  B("\x00\x00\x00\x10\x04\xd2\x16\x2e\x00\x00\x30\x39\x12\x34\x56\x78") },
		{ "SSLRequest with length 9", B("\x00\x00\x00\x09\x04\xd2\x16\x2f") },
		{ "PostgreSQL startup protocol 2.0",
		  B("\x00\x00\x00\x54\x00\x02\x00\x00user\x00" "app\x00") },
		{ "PostgreSQL startup with an unknown first key",
		  B("\x00\x00\x00\x54\x00\x03\x00\x00" "foo\x00" "bar\x00") },
		{ "PostgreSQL startup, length 64 KiB",
		  B("\x00\x01\x00\x00\x00\x03\x00\x00user\x00" "app\x00") },
		{ "SSH 3.0", B("SSH-3.0-x\r\n") },
		{ "SSH without software version", B("SSH-2.0-\r\n") },
		{ "ssh lowercase", B("ssh-2.0-OpenSSH\r\n") },
		{ "DNS query with an answer",
		  B("\x12\x34\x01\x00\x00\x01\x00\x01\x00\x00\x00\x00\x03www\x00\x00\x01\x00\x01") },
		{ "DNS query with no question",
		  B("\x12\x34\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03www\x00\x00\x01\x00\x01") },
		{ "DNS UPDATE", B("\x12\x34\x28\x00\x00\x01\x00\x00\x00\x01\x00\x00\x03www\x00") },
		{ "DNS query with 17 questions",
		  B("\x12\x34\x01\x00\x00\x11\x00\x00\x00\x00\x00\x00\x03www\x00\x00\x01\x00\x01") },
		{ "DNS response RCODE 9",
		  B("\x12\x34\x81\x89\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x00\x00\x01\x00\x01") },
		{ "DNS query, label of 64", B("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x40w") },
		{ "DNS header cut short", B("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00") },
		{ "all zeros", B("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00") },
		{ "all ones", B("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff") },
		{ "SMTP greeting", B("220 mail.example.com ESMTP Postfix\r\n") },
		{ "Redis command", B("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n") },
		{ "JSON body", B("{\"id\":1234567,\"amount\":\"12.50\",\"ts\":\"2024-05-01\"}") },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(miss); i++) {
		struct pl_scan_result r = scan(miss[i].data, miss[i].len);

		if (r.sig_hits != 0 || r.protos != 0)
			fail_msg("%s: hits %#" PRIx64 " protos %#x", miss[i].what, r.sig_hits,
				 r.protos);
	}
}

/* xorshift64*: the same "random" payloads on every run and machine. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

#define NB_RANDOM 10000

/* Payload @p i of the fixed random corpus: 1-512 bytes, binary or printable text. */
static uint32_t
random_payload(uint64_t *seed, uint8_t *buf, int printable)
{
	uint32_t len = 1 + (uint32_t)(rnd(seed) % 512), j;

	for (j = 0; j < len; j++) {
		uint64_t v = rnd(seed) >> 32;

		buf[j] = printable ? (uint8_t)(0x20 + v % 95) : (uint8_t)v;
	}
	return len;
}

/* Count hits per signature over NB_RANDOM payloads; print the figures. */
static void
random_hits(int printable, unsigned int *hits)
{
	uint64_t seed = printable ? 0x7e57c1a55ULL : 0xc1a551f1ca7e5eedULL;
	uint8_t buf[512];
	unsigned int i, k;

	memset(hits, 0, sizeof(unsigned int) * PL_MAX_SIGS);
	for (i = 0; i < NB_RANDOM; i++) {
		uint32_t len = random_payload(&seed, buf, printable);
		struct pl_scan_result r = scan(buf, len);

		for (k = 0; k < pl_sigs_count(sigs); k++)
			hits[k] += (unsigned int)((r.sig_hits >> k) & 1);
		if (r.sig_hits == 0)
			assert_int_equal(r.protos, 0);
	}
	for (k = 0; k < pl_sigs_count(sigs); k++)
		print_message("%s random payloads: %-24s %u/%u\n", printable ? "text" : "binary",
			      pl_sigs_def(sigs, k)->name, hits[k], NB_RANDOM);
}

static void
test_sigs_random_binary_payloads_give_no_hits(void **state)
{
	unsigned int hits[PL_MAX_SIGS], k;

	random_hits(0, hits);
	for (k = 0; k < pl_sigs_count(sigs); k++) {
		/* DNS has no magic bytes, only a header shape: allow a tight bound of 0.02 % */
		unsigned int bound = pl_sigs_def(sigs, k)->proto == PL_APP_dns ? 2 : 0;

		if (hits[k] > bound)
			fail_msg("%s: %u hits in %u random payloads", pl_sigs_def(sigs, k)->name,
				 hits[k], NB_RANDOM);
	}
}

static void
test_sigs_random_text_payloads_give_no_hits(void **state)
{
	unsigned int hits[PL_MAX_SIGS], k;

	random_hits(1, hits);
	for (k = 0; k < pl_sigs_count(sigs); k++) {
		if (hits[k] != 0)
			fail_msg("%s: %u hits in %u random text payloads",
				 pl_sigs_def(sigs, k)->name, hits[k], NB_RANDOM);
	}
}

/* A card number inside an HTTP request is both HTTP and card, and only 4 digits come back. */
static void
expect_card(const char *text, uint16_t last4)
{
	struct pl_scan_result r = scan(text, (uint32_t)strlen(text));

	if (!r.card_found || r.card_last4 != last4)
		fail_msg("'%s': found %u last4 %u, expected %u", text, r.card_found, r.card_last4,
			 last4);
	assert_true(r.protos & (1U << PL_APP_card));
	assert_true(r.sig_hits & (1ULL << sig_id("card_number")));
}

static void
expect_no_card(const char *text)
{
	struct pl_scan_result r = scan(text, (uint32_t)strlen(text));

	if (r.card_found || (r.protos & (1U << PL_APP_card)) ||
	    (r.sig_hits & (1ULL << sig_id("card_number"))) || r.card_last4 != 0)
		fail_msg("'%s': reported as a card (last4 %u)", text, r.card_last4);
}

static void
test_card_numbers_in_http_text_report_last_four_digits(void **state)
{
	struct pl_scan_result r;
	const char *req = "POST /pay HTTP/1.1\r\nHost: shop\r\n\r\ncard=4111 1111 1111 1111&cvv=1";

	r = scan(req, (uint32_t)strlen(req));
	assert_int_equal(r.protos, (1U << PL_APP_http) | (1U << PL_APP_card));
	assert_int_equal(r.sig_hits, (1ULL << sig_id("http_request")) |
			 (1ULL << sig_id("card_number")));
	assert_int_equal(r.card_found, 1);
	assert_int_equal(r.card_last4, 1111);

	expect_card("GET /x?pan=5500-0055-5555-5559 HTTP/1.1\r\n", 5559);
	expect_card("{\"pan\":\"4012888888881881\"}", 1881);
	expect_card("amex 3782 822463 10005.", 5);                  /* 15 digits, last4 0005 */
	expect_card("card:6011111111111117", 1117);
	expect_card("4222222222222", 2222);                          /* 13 digits, whole payload */
	/* the first valid number is the one reported */
	expect_card("a 4111111111111112 b 5500005555555559 c 4012888888881881", 5559);
}

static void
test_card_candidates_that_are_not_cards_are_not_reported(void **state)
{
	char ts[32];
	unsigned int d;

	expect_no_card("card=4111111111111112");                     /* Luhn-invalid */
	expect_no_card("card=4111 1111 1111 1112");
	expect_no_card("id=411111111111");                           /* 12 digits */
	expect_no_card("id=41111111111111111111");                   /* 20 digits */
	expect_no_card("x4111111111111111");                         /* no word boundary */
	expect_no_card("4111111111111111x");
	expect_no_card("4111--1111-1111-1111");                      /* double separator */
	expect_no_card("4111.1111.1111.1111");
	/* a Luhn-valid millisecond timestamp: first digit 1 is no card network */
	for (d = 0; d <= 9; d++) {
		snprintf(ts, sizeof(ts), "170000000000%u", d);
		if (pl_luhn_valid(ts, 13))
			break;
	}
	assert_true(d <= 9);
	expect_no_card(ts);
}

/* ---- bad signature files ---- */

static char tmpdir[64];

static int
files_setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pl_test_classify.XXXXXX");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
files_teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *
write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/*
 * A datagram whose first bytes no anchored signature accepts skips the block scan of the
 * non-card signatures. The shortcut must never change a result: the shipped file against the
 * same file plus one unanchored signature that never matches here (which turns the shortcut
 * off), on every sample with each of its first 9 bytes set to each of the 256 values, every
 * sample cut short at each length, and 2000 random payloads.
 */
static void
test_first_byte_shortcut_changes_no_result(void **state)
{
	static const char extra[] = "  - name: px_off\n    protocol: other\n"
				    "    pattern: '\\xffzq\\xfe\\x01'\n";
	char text[16384], err[512] = "";
	uint8_t buf[600];
	struct pl_sigs *off;
	size_t n;
	unsigned int i, pos, v, len;
	void *sc;
	FILE *f = fopen(PL_TEST_SIGS, "r");
	uint64_t seed = 42;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - sizeof(extra), f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(text) - sizeof(extra));
	memcpy(text + n, extra, sizeof(extra));
	off = pl_sigs_load(write_file("off.yaml", text), err, sizeof(err));
	if (off == NULL)
		fail_msg("%s", err);
	sc = pl_sigs_scratch(off);
	assert_non_null(sc);
#define SAME(d, l) do { \
		struct pl_scan_result a_ = scan((d), (l)), b_; \
		assert_int_equal(pl_sigs_scan(off, sc, (d), (l), &b_), 0); \
		assert_int_equal(a_.sig_hits, b_.sig_hits); \
		assert_int_equal(a_.protos, b_.protos); \
		assert_int_equal(a_.card_found, b_.card_found); \
	} while (0)
	for (i = 0; i < RTE_DIM(samples); i++) {
		len = RTE_MIN(samples[i].len, (uint32_t)sizeof(buf));
		for (pos = 0; pos < 9 && pos < len; pos++) {
			for (v = 0; v < 256; v++) {
				memcpy(buf, samples[i].data, len);
				buf[pos] = (uint8_t)v;
				SAME(buf, len);
			}
		}
		for (n = 0; n <= len; n++)
			SAME(samples[i].data, (uint32_t)n);
	}
	for (i = 0; i < 2000; i++) {
		len = 1 + (unsigned int)(i % 64);
		for (n = 0; n < len; n++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			buf[n] = (uint8_t)(seed >> 56);
		}
		SAME(buf, len);
	}
#undef SAME
	pl_sigs_scratch_free(sc);
	pl_sigs_free(off);
}

/* @p text must be refused with "PATH:LINE: ..." holding @p what. */
static void
expect_refused(const char *text, unsigned int line, const char *what)
{
	const char *path = write_file("bad.yaml", text);
	char err[512] = "", want[320];
	struct pl_sigs *s = pl_sigs_load(path, err, sizeof(err));

	if (s != NULL)
		fail_msg("accepted, expected line %u: %s", line, what);
	snprintf(want, sizeof(want), "%s:%u: ", path, line);
	if (strncmp(err, want, strlen(want)) != 0 || strstr(err, what) == NULL)
		fail_msg("error '%s', expected '%s...%s'", err, want, what);
}

#define SIG_A "signatures:\n  - name: a\n    protocol: tls\n    pattern: 'abc'\n"

static void
test_bad_files_unknown_keys_are_errors(void **state)
{
	expect_refused(SIG_A "    prot: tls\n", 5, "unknown key 'prot'");
	expect_refused(SIG_A "sigs: []\n", 5, "unknown key 'sigs'");
	expect_refused(SIG_A "    ports: [1]\n    ports: [2]\n", 6, "duplicate key 'ports'");
}

static void
test_bad_files_bad_values_name_their_line(void **state)
{
	expect_refused("signatures:\n  - name: a\n    protocol: tsl\n    pattern: 'x'\n", 3,
		       "unknown protocol 'tsl'");
	expect_refused(SIG_A "  - name: b\n    protocol: ssh\n    pattern: 'SSH'\n"
		       "  - name: a\n    protocol: ssh\n    pattern: 'x'\n", 8,
		       "duplicate signature name 'a' (first on line 4)");
	expect_refused("signatures:\n  - name: Bad-Name\n    protocol: tls\n    pattern: 'x'\n",
		       2, "signature name must be");
	expect_refused(SIG_A "    ports: [443, 70000]\n", 5, "port '70000'");
	expect_refused(SIG_A "    ports: 443\n", 5, "ports must be a list");
	expect_refused(SIG_A "    flags: [dotall, greedy]\n", 5, "unknown flag 'greedy'");
	expect_refused("signatures:\n  - name: a\n    protocol: tls\n    pattern: ''\n", 4,
		       "pattern must be a non-empty string");
	expect_refused("signatures: []\n", 1, "'signatures' is empty");
	expect_refused("signatures: {a: 1}\n", 1, "'signatures' must be a list");
	expect_refused("- a\n- b\n", 1, "expected a mapping");
	expect_refused("# nothing\n", 1, "empty file");
	expect_refused("signatures:\n  - just a string\n", 2, "must be a mapping");
}

static void
test_bad_files_missing_fields(void **state)
{
	expect_refused("signatures:\n  - name: a\n    protocol: tls\n", 2,
		       "signature 'a': no pattern");
	expect_refused("signatures:\n  - name: a\n    pattern: 'x'\n", 2,
		       "signature 'a': no protocol");
	expect_refused("signatures:\n  - protocol: tls\n    pattern: 'x'\n", 2,
		       "signature without a name");
	expect_refused("other: 1\n", 1, "unknown key 'other'");
}

static void
test_bad_files_invalid_regex_names_signature_and_line(void **state)
{
	expect_refused(SIG_A "  - name: broken\n    protocol: http\n    flags: [caseless]\n"
		       "    pattern: '(GET|POST'\n", 8, "signature 'broken': pattern: ");
	/* a pattern that matches the empty string is refused by Hyperscan without allowempty */
	expect_refused(SIG_A "  - name: empty\n    protocol: other\n    pattern: 'x*'\n", 7,
		       "signature 'empty'");
}

static void
test_bad_files_yaml_syntax_and_missing_file(void **state)
{
	char err[512] = "", want[320];
	struct pl_sigs *s;

	expect_refused("signatures:\n  - name: a\n    protocol: [tls\n    pattern: 'x'\n", 4,
		       "YAML syntax error");
	expect_refused("signatures:\n  - name: 'a\n", 3, "YAML syntax error");

	snprintf(want, sizeof(want), "%s/none.yaml", tmpdir);
	s = pl_sigs_load(want, err, sizeof(err));
	assert_null(s);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "cannot open"));
	/* no error buffer: still refused, nothing written */
	assert_null(pl_sigs_load(want, NULL, 0));
	pl_sigs_free(NULL);
	pl_sigs_scratch_free(NULL);
}

static void
test_user_flags_reach_hyperscan(void **state)
{
	const char *path = write_file("flags.yaml",
		"signatures:\n"
		"  - name: shout\n    protocol: other\n    pattern: '^hello.world'\n"
		"    flags: [caseless, dotall, singlematch]\n");
	char err[512] = "";
	struct pl_sigs *s = pl_sigs_load(path, err, sizeof(err));
	struct pl_scan_result r;
	void *sc;

	if (s == NULL)
		fail_msg("%s", err);
	sc = pl_sigs_scratch(s);
	assert_non_null(sc);
	assert_int_equal(pl_sigs_scan(s, sc, (const uint8_t *)"HeLLo\nWORLD", 11, &r), 0);
	assert_int_equal(r.sig_hits, 1);
	assert_int_equal(r.protos, 1U << PL_APP_other);
	assert_int_equal(pl_sigs_scan(s, sc, (const uint8_t *)"", 0, &r), 0);
	assert_int_equal(r.sig_hits, 0);
	pl_sigs_scratch_free(sc);
	pl_sigs_free(s);
}

/*
 * A worker's scratch on a NUMA node (libnuma through Hyperscan's scratch allocator): it scans
 * like any scratch, its memory is on the node asked for where libnuma works, a node that
 * does not exist falls back to ordinary memory, and every way frees cleanly (the sanitizer
 * build checks the frees).
 */
static void
test_scratch_on_a_numa_node_scans_and_frees(void **state)
{
	const char *path = write_file("numa.yaml",
		"signatures:\n"
		"  - name: shout\n    protocol: other\n    pattern: 'hello'\n");
	static const int nodes[] = { 0, -1, 4096 };
	char err[512] = "";
	struct pl_sigs *s = pl_sigs_load(path, err, sizeof(err));
	unsigned int i;

	(void)state;
	if (s == NULL)
		fail_msg("%s", err);
	for (i = 0; i < RTE_DIM(nodes); i++) {
		struct pl_scan_result r;
		void *sc = pl_sigs_scratch_on(s, nodes[i]), *sc2;

		assert_non_null(sc);
		assert_int_equal(pl_sigs_scan(s, sc, (const uint8_t *)"say hello", 9, &r), 0);
		assert_int_equal(r.sig_hits, 1);
		if (nodes[i] == 0 && numa_available() >= 0) {
			int node = -1;

			assert_int_equal(get_mempolicy(&node, NULL, 0, sc, MPOL_F_NODE | MPOL_F_ADDR),
					 0);
			assert_int_equal(node, 0);
		}
		/* a second one while the first lives: distinct blocks */
		sc2 = pl_sigs_scratch_on(s, nodes[i]);
		assert_non_null(sc2);
		assert_ptr_not_equal(sc, sc2);
		pl_sigs_scratch_free(sc2);
		pl_sigs_scratch_free(sc);
	}
	pl_sigs_free(s);
}

/* ---- off-port ---- */

static void
test_tls_on_a_port_not_listed_is_off_port(void **state)
{
	const char *path = write_file("offport.yaml",
		"signatures:\n"
		"  - name: tls_client_hello\n    protocol: tls\n    ports: [443]\n"
		"    pattern: '^\\x16\\x03[\\x00-\\x04][\\x00-\\x48].\\x01'\n    flags: [dotall]\n"
		"  - name: tls_alt\n    protocol: tls\n    ports: [993]\n    pattern: 'zzzz'\n"
		"  - name: magic\n    protocol: other\n    pattern: 'magic'\n");
	const uint8_t hello[] = "\x16\x03\x01\x00\xf8\x01\x00\x00\xf4\x03\x03";
	char err[512] = "";
	struct pl_sigs *s = pl_sigs_load(path, err, sizeof(err));
	struct pl_scan_result r;
	void *sc;

	if (s == NULL)
		fail_msg("%s", err);
	sc = pl_sigs_scratch(s);
	assert_int_equal(pl_sigs_scan(s, sc, hello, sizeof(hello) - 1, &r), 0);
	assert_int_equal(r.protos, 1U << PL_APP_tls);
	/* TLS seen on 8443 where only 443 (and 993 from the other TLS signature) are home */
	assert_false(pl_sigs_on_port(s, PL_APP_tls, 8443));
	assert_true(pl_sigs_on_port(s, PL_APP_tls, 443));
	assert_true(pl_sigs_on_port(s, PL_APP_tls, 993));
	assert_false(pl_sigs_on_port(s, PL_APP_tls, 0));
	/* a protocol whose signatures list no ports is at home everywhere */
	assert_true(pl_sigs_on_port(s, PL_APP_other, 8443));
	assert_true(pl_sigs_on_port(s, PL_APP_ssh, 2222));
	assert_true(pl_sigs_on_port(s, PL_APP_MAX, 1));
	pl_sigs_scratch_free(sc);
	pl_sigs_free(s);

	/* the shipped file: 8443 is a TLS home port, 8080 is not; SSH on 2222 is off-port */
	assert_true(pl_sigs_on_port(sigs, PL_APP_tls, 8443));
	assert_false(pl_sigs_on_port(sigs, PL_APP_tls, 8080));
	assert_false(pl_sigs_on_port(sigs, PL_APP_ssh, 2222));
	assert_true(pl_sigs_on_port(sigs, PL_APP_http, 8080));
	assert_true(pl_sigs_on_port(sigs, PL_APP_card, 12345));
}

/* ---- scratch per worker ---- */

#define NB_CORPUS 2000
#define ROUNDS 10

static uint8_t corpus[NB_CORPUS][512];
static uint32_t corpus_len[NB_CORPUS];

struct worker {
	pthread_t th;
	void *scratch;
	struct pl_scan_result res[NB_CORPUS];
	int errors;
	int mismatches;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct pl_scan_result r;
	unsigned int round, i;

	for (round = 0; round < ROUNDS; round++) {
		for (i = 0; i < NB_CORPUS; i++) {
			if (pl_sigs_scan(sigs, w->scratch, corpus[i], corpus_len[i], &r) != 0)
				w->errors++;
			if (round == 0)
				w->res[i] = r;
			else if (memcmp(&r, &w->res[i], sizeof(r)) != 0)
				w->mismatches++;
		}
	}
	return NULL;
}

static void
test_two_workers_with_own_scratches_scan_alike(void **state)
{
	static struct worker w[2];
	uint64_t seed = 42;
	unsigned int i, k, expect_hits = 0;

	/* the samples, card text and random bytes */
	for (i = 0; i < NB_CORPUS; i++) {
		if (i < RTE_DIM(samples)) {
			memcpy(corpus[i], samples[i].data, samples[i].len);
			corpus_len[i] = samples[i].len;
		} else if (i % 10 == 0) {
			corpus_len[i] = (uint32_t)snprintf((char *)corpus[i], 512,
				"GET /?card=5500 0055 5555 5559&n=%u HTTP/1.1\r\n", i);
		} else {
			corpus_len[i] = random_payload(&seed, corpus[i], i & 1);
		}
	}
	for (k = 0; k < 2; k++) {
		memset(&w[k], 0, sizeof(w[k]));
		w[k].scratch = pl_sigs_scratch(sigs);
		assert_non_null(w[k].scratch);
	}
	for (k = 0; k < 2; k++)
		assert_int_equal(pthread_create(&w[k].th, NULL, worker_main, &w[k]), 0);
	for (k = 0; k < 2; k++)
		assert_int_equal(pthread_join(w[k].th, NULL), 0);
	for (k = 0; k < 2; k++) {
		assert_int_equal(w[k].errors, 0);
		assert_int_equal(w[k].mismatches, 0);
		pl_sigs_scratch_free(w[k].scratch);
	}
	for (i = 0; i < NB_CORPUS; i++) {
		struct pl_scan_result ref = scan(corpus[i], corpus_len[i]);

		assert_memory_equal(&w[0].res[i], &ref, sizeof(ref));
		assert_memory_equal(&w[1].res[i], &ref, sizeof(ref));
		expect_hits += ref.sig_hits != 0;
	}
	/* the corpus does exercise matches: every sample and every card request */
	assert_true(expect_hits >= RTE_DIM(samples) + NB_CORPUS / 10 - 3);
}

/* What cache_files() does to the files of a folder. */
enum { FILES_COUNT, FILES_FLIP, FILES_OPEN, FILES_REMOVE };

/*
 * The files in folder @p dir, counted; FILES_FLIP: byte @p at (from the end when negative)
 * of the @p which-th (from 1) flipped; FILES_OPEN: every one made writable by all;
 * FILES_REMOVE: every one removed.
 */
static unsigned int
cache_files(const char *dir, int op, unsigned int which, long at)
{
	char path[512];
	unsigned int n = 0;
	struct dirent *e;
	DIR *d = opendir(dir);
	FILE *f;
	int c;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n++;
		if (op == FILES_OPEN)
			assert_int_equal(chmod(path, 0666), 0);
		else if (op == FILES_REMOVE)
			unlink(path);
		else if (op == FILES_FLIP && n == which) {
			f = fopen(path, "r+b");
			assert_non_null(f);
			assert_int_equal(fseek(f, at, at >= 0 ? SEEK_SET : SEEK_END), 0);
			c = fgetc(f);
			assert_true(c != EOF);
			assert_int_equal(fseek(f, -1, SEEK_CUR), 0);
			fputc(c ^ 0x5a, f);
			fclose(f);
		}
	}
	closedir(d);
	return n;
}

/* What a set finds in a few payloads (block mode), as one number per payload. */
static void
findings(const struct pl_sigs *s, uint64_t out[4])
{
	static const char *const p[] = {
		"GET /x HTTP/1.1\r\nHost: a\r\n\r\n", "SSH-2.0-OpenSSH_9.2\r\n",
		"pay 4111 1111 1111 1111 now", "HTTP/1.1 200 OK\r\n\r\n" };
	void *sc = pl_sigs_scratch(s);
	struct pl_scan_result r;
	unsigned int i;

	assert_non_null(sc);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pl_sigs_scan(s, sc, (const uint8_t *)p[i], (uint32_t)strlen(p[i]),
					      &r), 0);
		out[i] = r.sig_hits | (uint64_t)r.card_found << 63;
		assert_true(out[i] != 0);
	}
	pl_sigs_scratch_free(sc);
}

/* Load the shipped file: @p cached of its databases must come from the cache; its findings
 * into @p out, or compared with @p want. */
static void
load_cached(unsigned int cached, uint64_t out[4], const uint64_t want[4])
{
	char err[512];
	struct pl_sigs *s = pl_sigs_load(PL_TEST_SIGS, err, sizeof(err));
	uint64_t got[4];

	if (s == NULL)
		fail_msg("%s", err);
	assert_int_equal(pl_sigs_cached(s), cached);
	findings(s, out != NULL ? out : got);
	if (want != NULL)
		assert_memory_equal(want, got, sizeof(got));
	pl_sigs_free(s);
}

/*
 * The compiled databases of an unchanged signature file are read from the cache on the next
 * load and scan alike; a damaged file (in its key or in the database, which Hyperscan's own
 * checksum guards), one others may write, and an empty PORTLENS_CACHE_DIR are all compiled
 * instead, and the damaged files replaced.
 */
static void
test_compiled_databases_are_cached_and_checked(void **state)
{
	char dir[] = "/tmp/pl_sigcache.XXXXXX";
	const char *before = getenv("PORTLENS_CACHE_DIR");
	char *saved = before != NULL ? strdup(before) : NULL;
	uint64_t want[4];

	assert_non_null(mkdtemp(dir));
	assert_int_equal(setenv("PORTLENS_CACHE_DIR", dir, 1), 0);
	load_cached(0, want, NULL);
	/* block and stream, card and other signatures */
	assert_int_equal(cache_files(dir, FILES_COUNT, 0, 0), 4);
	load_cached(4, NULL, want);
	/* a byte of one file's key, of another's database: those two are compiled again */
	cache_files(dir, FILES_FLIP, 1, 10);
	cache_files(dir, FILES_FLIP, 2, -100);
	load_cached(2, NULL, want);
	load_cached(4, NULL, want);     /* replaced */
	/* files others may write are not read */
	cache_files(dir, FILES_OPEN, 0, 0);
	load_cached(0, NULL, want);
	/* set empty: no cache at all */
	assert_int_equal(setenv("PORTLENS_CACHE_DIR", "", 1), 0);
	load_cached(0, NULL, want);

	cache_files(dir, FILES_REMOVE, 0, 0);
	rmdir(dir);
	if (saved != NULL)
		setenv("PORTLENS_CACHE_DIR", saved, 1);
	else
		unsetenv("PORTLENS_CACHE_DIR");
	free(saved);
}

int
main(void)
{
	const struct CMUnitTest classes[] = {
		cmocka_unit_test(test_class_of_destination_port_wins_over_source_port),
		cmocka_unit_test(test_class_of_source_port_when_destination_has_none),
		cmocka_unit_test(test_class_tables_keep_tcp_and_udp_apart),
		cmocka_unit_test(test_class_ranges_cover_both_edges_and_nothing_more),
		cmocka_unit_test(test_class_first_class_wins_on_overlap),
		cmocka_unit_test(test_class_none_without_classes_and_for_other_protocols),
		cmocka_unit_test(test_luhn_accepts_known_card_numbers),
		cmocka_unit_test(test_luhn_refuses_wrong_checksums_and_non_digits),
	};
	const struct CMUnitTest signatures[] = {
		cmocka_unit_test(test_sigs_shipped_file_has_the_expected_signatures),
		cmocka_unit_test(test_app_names_and_cleartext_mask),
		cmocka_unit_test(test_sigs_each_sample_matches_only_its_own_signature),
		cmocka_unit_test(test_sigs_near_misses_do_not_match),
		cmocka_unit_test(test_sigs_random_binary_payloads_give_no_hits),
		cmocka_unit_test(test_sigs_random_text_payloads_give_no_hits),
		cmocka_unit_test(test_card_numbers_in_http_text_report_last_four_digits),
		cmocka_unit_test(test_card_candidates_that_are_not_cards_are_not_reported),
		cmocka_unit_test_setup_teardown(test_bad_files_unknown_keys_are_errors,
						files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_bad_files_bad_values_name_their_line,
						files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_bad_files_missing_fields, files_setup,
						files_teardown),
		cmocka_unit_test_setup_teardown(test_bad_files_invalid_regex_names_signature_and_line,
						files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_bad_files_yaml_syntax_and_missing_file,
						files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_user_flags_reach_hyperscan, files_setup,
						files_teardown),
		cmocka_unit_test_setup_teardown(test_scratch_on_a_numa_node_scans_and_frees,
						files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_tls_on_a_port_not_listed_is_off_port,
						files_setup, files_teardown),
		cmocka_unit_test(test_two_workers_with_own_scratches_scan_alike),
		cmocka_unit_test_setup_teardown(test_first_byte_shortcut_changes_no_result,
						files_setup, files_teardown),
		cmocka_unit_test(test_compiled_databases_are_cached_and_checked),
	};
	int failed;

	failed = cmocka_run_group_tests_name("classes", classes, NULL, NULL);
	failed += cmocka_run_group_tests_name("signatures", signatures, sigs_setup,
					      sigs_teardown);
	return failed;
}
