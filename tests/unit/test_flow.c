/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/flow: the TCP connection state machine gives exactly the DESIGN.md
 * outcomes (table-driven: each case is a packet script between a client and a server with
 * the state expected after every step and the counters expected at the end), ageing and
 * pl_flow_finish() count unanswered attempts and release the gauges, gauges never go
 * negative and always equal the states of the flows in the table, UDP and ICMP flows are
 * tracked and expire, a full table refuses new flows and recovers after ageing, both
 * directions map onto one flow with the right direction and per-direction counts, ageing
 * honours its budget, and pl_flow_memory() matches what the heap really gave.
 *
 * Frames are built byte by byte, parsed by pl_parse_frame() and hashed by lib/dist, exactly
 * as the workers do; the EAL is real (no hugepages) because rte_hash needs it.
 */
#include <errno.h>
#include <netinet/in.h>

#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "pl_flow.h"
#include "pl_test.h"

#include <stdlib.h>

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define ACK 0x10

#define MS 1000000ull
#define SEC 1000000000ull

/* Client 10.0.0.9:40000 (the tuple's higher endpoint), server 10.0.0.2:443. */
#define CLI_IP PL_IP4(10, 0, 0, 9)
#define SRV_IP PL_IP4(10, 0, 0, 2)
#define CLI_PORT 40000
#define SRV_PORT 443

static uint64_t tcp_c[PL_TCP_MAX];
static uint64_t flow_c[PL_FLOWC_MAX];
static const struct pl_flow_ctrs ctrs = { .tcp = tcp_c, .flow = flow_c };
static unsigned int table_seq;

static struct pl_flow_table *
new_table(uint32_t capacity)
{
	char name[32];
	struct pl_flow_table *t;

	snprintf(name, sizeof(name), "tflow%u", table_seq++);
	t = pl_flow_create(name, capacity, (int)rte_socket_id());
	assert_non_null(t);
	memset(tcp_c, 0, sizeof(tcp_c));
	memset(flow_c, 0, sizeof(flow_c));
	return t;
}

/* A parsed packet: its meta, canonical tuple, hash and length. */
struct pkt {
	struct pl_tuple key __rte_aligned(8); /* rte_hash_crc() reads it in words */
	struct pl_meta meta;
	uint32_t hash;
	uint32_t len;
};

static void
finish_pkt(struct pl_fb *f, struct pkt *p)
{
	assert_int_equal(pl_parse_frame(f->b, f->len, f->len, &p->meta), PL_KIND_IP);
	pl_dist_tuple(f->b, &p->meta, &p->key);
	p->hash = pl_dist_hash_tuple(&p->key);
	p->len = f->len;
}

static void
mk_tcp(struct pkt *p, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
       uint8_t flags, uint32_t payload)
{
	struct pl_fb f;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(&f, IPPROTO_TCP, src, dst, 0, 0);
	fb_tcp(&f, sport, dport, flags, 5, payload);
	fb_ipv4_done(&f, ip);
	finish_pkt(&f, p);
	assert_int_equal(p->meta.tcp_flags, flags);
}

static void
mk_udp(struct pkt *p, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
       uint32_t payload)
{
	struct pl_fb f;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(&f, IPPROTO_UDP, src, dst, 0, 0);
	fb_udp(&f, sport, dport, payload);
	fb_ipv4_done(&f, ip);
	finish_pkt(&f, p);
}

static void
mk_udp6(struct pkt *p, const uint8_t *src, const uint8_t *dst, uint16_t sport,
	uint16_t dport, uint32_t payload)
{
	struct pl_fb f;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV6);
	ip = fb_ipv6(&f, IPPROTO_UDP, src, dst);
	fb_udp(&f, sport, dport, payload);
	fb_ipv6_done(&f, ip);
	finish_pkt(&f, p);
}

static void
mk_icmp(struct pkt *p, uint32_t src, uint32_t dst, uint8_t type)
{
	struct pl_fb f;
	uint32_t ip;

	fb_eth(&f, NULL, 0, RTE_ETHER_TYPE_IPV4);
	ip = fb_ipv4(&f, IPPROTO_ICMP, src, dst, 0, 0);
	fb_icmp(&f, type, 32);
	fb_ipv4_done(&f, ip);
	finish_pkt(&f, p);
}

static void
send_pkt(struct pl_flow_table *t, const struct pkt *p, uint64_t now, struct pl_flow_event *ev)
{
	pl_flow_update(t, &p->key, p->hash, &p->meta, p->len, now, &ctrs, ev);
}

/* The one flow a test's table holds, found by walking. */
struct found {
	int n;
	struct pl_flow f;
	struct pl_tuple key;
};

static int
find_cb(const struct pl_tuple *key, const struct pl_flow *f, void *arg)
{
	struct found *fd = arg;

	fd->n++;
	fd->f = *f;
	fd->key = *key;
	return 0;
}

/* Gauges equal the states of the flows in the table; counts agree. */
struct gauge_check {
	uint64_t active, time_wait, n;
};

static int
gauge_cb(const struct pl_tuple *key, const struct pl_flow *f, void *arg)
{
	struct gauge_check *g = arg;

	(void)key;
	g->n++;
	if (f->proto == IPPROTO_TCP) {
		if (f->tcp_state == PL_TCPS_ESTABLISHED || f->tcp_state == PL_TCPS_FIN_WAIT)
			g->active++;
		if (f->tcp_state == PL_TCPS_TIME_WAIT)
			g->time_wait++;
	}
	return 0;
}

static void
check_gauges(struct pl_flow_table *t)
{
	struct gauge_check g = { 0 };

	pl_flow_walk(t, gauge_cb, &g);
	assert_int_equal(tcp_c[PL_TCP_active], g.active);
	assert_int_equal(tcp_c[PL_TCP_time_wait], g.time_wait);
	assert_int_equal(flow_c[PL_FLOWC_tracked], g.n);
	assert_int_equal(pl_flow_count(t), g.n);
	assert_int_equal(flow_c[PL_FLOWC_created] - flow_c[PL_FLOWC_evicted],
			 flow_c[PL_FLOWC_tracked]);
}

/* ---- table-driven TCP transitions ---- */

enum op { C, S, AGE, FINISH };

#define GONE 0xff /* after AGE/FINISH: the flow is no longer in the table */

struct step {
	enum op op;
	uint8_t flags;      /* C/S: TCP flags */
	uint64_t at_ms;     /* packet or ageing time */
	uint8_t state;      /* expected state after the step (GONE: not in the table) */
};

struct tcp_case {
	const char *name;
	struct step steps[16];
	int nsteps;
	/* expected counters at the end: attempted, established, rejected, unanswered,
	 * closed, reset, time_wait, active, reset_in_handshake (the PL_TCP_OUTCOMES order;
	 * W() of 8 leaves the last 0) */
	uint64_t want[PL_TCP_MAX];
};

#define P(o, fl, t, st) { o, fl, t, PL_TCPS_##st }
#define A(t, st) { AGE, 0, t, st }
#define F(t, st) { FINISH, 0, t, st }
#define NSTEPS(...) (int)(sizeof((struct step[]){ __VA_ARGS__ }) / sizeof(struct step))
#define CASE(nm, want_, ...) \
	{ .name = nm, .steps = { __VA_ARGS__ }, .nsteps = NSTEPS(__VA_ARGS__), .want = want_ }
#define W(...) { __VA_ARGS__ }

#define OPEN P(C, SYN, 0, SYN_SENT), P(S, SYN | ACK, 1, SYN_RECV), P(C, ACK, 2, ESTABLISHED)

static const struct tcp_case tcp_cases[] = {
	CASE("open, client FIN first, close", W(1, 1, 0, 0, 1, 0, 1, 0),
	     OPEN, P(C, ACK | PSH, 3, ESTABLISHED), P(S, ACK, 4, ESTABLISHED),
	     P(C, FIN | ACK, 5, FIN_WAIT), P(S, ACK, 6, FIN_WAIT),
	     P(S, FIN | ACK, 7, TIME_WAIT), P(C, ACK, 8, TIME_WAIT)),
	CASE("open, server FIN first, close", W(1, 1, 0, 0, 1, 0, 1, 0),
	     OPEN, P(S, FIN | ACK, 5, FIN_WAIT), P(C, ACK, 6, FIN_WAIT),
	     P(C, FIN | ACK, 7, TIME_WAIT), P(S, ACK, 8, TIME_WAIT)),
	CASE("FIN retransmitted by one side does not close", W(1, 1, 0, 0, 0, 0, 0, 1),
	     OPEN, P(C, FIN | ACK, 5, FIN_WAIT), P(C, FIN | ACK, 6, FIN_WAIT)),
	CASE("data and FIN in the handshake-completing ACK", W(1, 1, 0, 0, 0, 0, 0, 1),
	     P(C, SYN, 0, SYN_SENT), P(S, SYN | ACK, 1, SYN_RECV),
	     P(C, ACK | PSH | FIN, 2, FIN_WAIT)),
	CASE("simultaneous open: both SYN-ACKs", W(1, 1, 0, 0, 0, 0, 0, 1),
	     P(C, SYN, 0, SYN_SENT), P(S, SYN, 1, SYN_RECV), P(C, SYN | ACK, 2, SYN_RECV),
	     P(S, SYN | ACK, 3, ESTABLISHED), P(C, ACK, 4, ESTABLISHED)),
	CASE("simultaneous open: SYN-ACK answered by ACK", W(1, 1, 0, 0, 0, 0, 0, 1),
	     P(C, SYN, 0, SYN_SENT), P(S, SYN, 1, SYN_RECV), P(C, SYN | ACK, 2, SYN_RECV),
	     P(S, ACK, 3, ESTABLISHED)),
	CASE("retransmitted SYN counts once", W(1, 1, 0, 0, 0, 0, 0, 1),
	     P(C, SYN, 0, SYN_SENT), P(C, SYN, 1000, SYN_SENT), P(C, SYN, 3000, SYN_SENT),
	     P(S, SYN | ACK, 3001, SYN_RECV), P(C, SYN, 3002, SYN_RECV),
	     P(S, SYN | ACK, 3003, SYN_RECV), P(C, ACK, 3004, ESTABLISHED)),
	CASE("SYN answered by RST is rejected", W(1, 0, 1, 0, 0, 0, 0, 0),
	     P(C, SYN, 0, SYN_SENT), P(S, RST, 1, CLOSED)),
	CASE("SYN answered by RST-ACK is rejected", W(1, 0, 1, 0, 0, 0, 0, 0),
	     P(C, SYN, 0, SYN_SENT), P(S, RST | ACK, 1, CLOSED), P(C, ACK, 2, CLOSED),
	     F(3, PL_TCPS_CLOSED)),
	CASE("RST from the server after its SYN-ACK is rejected", W(1, 0, 1, 0, 0, 0, 0, 0),
	     P(C, SYN, 0, SYN_SENT), P(S, SYN | ACK, 1, SYN_RECV), P(S, RST, 2, CLOSED)),
	CASE("client abort in SYN_SENT: reset in the handshake", W(1, 0, 0, 0, 0, 0, 0, 0, 1),
	     P(C, SYN, 0, SYN_SENT), P(C, RST, 1, CLOSED), A(60000, PL_TCPS_CLOSED),
	     A(60001, GONE)),
	CASE("client RST after SYN-ACK (half-open scan): reset in the handshake",
	     W(1, 0, 0, 0, 0, 0, 0, 0, 1),
	     P(C, SYN, 0, SYN_SENT), P(S, SYN | ACK, 1, SYN_RECV), P(C, RST, 2, CLOSED),
	     F(3, PL_TCPS_CLOSED)),
	CASE("established then RST from the client is reset", W(1, 1, 0, 0, 0, 1, 0, 0),
	     OPEN, P(C, RST, 3, CLOSED), P(S, RST, 4, CLOSED)),
	CASE("established then RST-ACK from the server is reset", W(1, 1, 0, 0, 0, 1, 0, 0),
	     OPEN, P(S, ACK | PSH, 3, ESTABLISHED), P(S, RST | ACK, 4, CLOSED)),
	CASE("half-close then RST is reset, not closed", W(1, 1, 0, 0, 0, 1, 0, 0),
	     OPEN, P(C, FIN | ACK, 3, FIN_WAIT), P(S, RST, 4, CLOSED), P(S, FIN, 5, CLOSED)),
	CASE("RST in TIME_WAIT changes nothing", W(1, 1, 0, 0, 1, 0, 1, 0),
	     OPEN, P(C, FIN | ACK, 3, FIN_WAIT), P(S, FIN | ACK, 4, TIME_WAIT),
	     P(C, RST, 5, TIME_WAIT), P(S, RST | ACK, 6, TIME_WAIT)),
	CASE("reuse after close: new attempt, TIME_WAIT released", W(2, 2, 0, 0, 1, 0, 0, 1),
	     OPEN, P(C, FIN | ACK, 3, FIN_WAIT), P(S, FIN | ACK, 4, TIME_WAIT),
	     P(C, SYN, 1000, SYN_SENT), P(S, SYN | ACK, 1001, SYN_RECV),
	     P(C, ACK, 1002, ESTABLISHED)),
	CASE("reuse after reset", W(2, 2, 0, 0, 0, 1, 0, 1),
	     OPEN, P(S, RST, 3, CLOSED), P(C, SYN, 10, SYN_SENT),
	     P(S, SYN | ACK, 11, SYN_RECV), P(C, ACK, 12, ESTABLISHED)),
	CASE("reuse after reject", W(2, 0, 2, 0, 0, 0, 0, 0),
	     P(C, SYN, 0, SYN_SENT), P(S, RST | ACK, 1, CLOSED), P(C, SYN, 2, SYN_SENT),
	     P(S, RST | ACK, 3, CLOSED)),
	CASE("reuse by the former server", W(2, 2, 0, 0, 1, 0, 0, 1),
	     OPEN, P(C, FIN | ACK, 3, FIN_WAIT), P(S, FIN | ACK, 4, TIME_WAIT),
	     P(S, SYN, 10, SYN_SENT), P(C, SYN | ACK, 11, SYN_RECV), P(S, ACK, 12, ESTABLISHED)),
	CASE("pure SYN on an open connection is not a new attempt", W(1, 1, 0, 0, 0, 0, 0, 1),
	     OPEN, P(C, SYN, 3, ESTABLISHED)),
	CASE("SYN timeout by ageing: unanswered, flow removed", W(1, 0, 0, 1, 0, 0, 0, 0),
	     P(C, SYN, 0, SYN_SENT), P(C, SYN, 1000, SYN_SENT), A(4999, PL_TCPS_SYN_SENT),
	     A(5000, GONE)),
	CASE("SYN still waiting at the end: unanswered by finish", W(1, 0, 0, 1, 0, 0, 0, 0),
	     P(C, SYN, 0, SYN_SENT), F(1000, PL_TCPS_CLOSED), F(2000, PL_TCPS_CLOSED)),
	CASE("SYN-ACK seen but no ACK at the end: not unanswered", W(1, 0, 0, 0, 0, 0, 0, 0),
	     P(C, SYN, 0, SYN_SENT), P(S, SYN | ACK, 1, SYN_RECV), F(1000, PL_TCPS_SYN_RECV)),
	CASE("SYN_RECV times out without an outcome", W(1, 0, 0, 0, 0, 0, 0, 0),
	     P(C, SYN, 0, SYN_SENT), P(S, SYN | ACK, 1, SYN_RECV), A(5001, GONE)),
	CASE("SYN-ACK after the SYN timeout: unanswered, then a mid-stream flow",
	     W(1, 0, 0, 1, 0, 0, 0, 0),
	     P(C, SYN, 0, SYN_SENT), P(S, SYN | ACK, 6000, NONE), P(C, ACK, 6001, NONE)),
	CASE("TIME_WAIT ends by ageing", W(1, 1, 0, 0, 1, 0, 0, 0),
	     OPEN, P(C, FIN | ACK, 3, FIN_WAIT), P(S, FIN | ACK, 4, TIME_WAIT),
	     A(60003, PL_TCPS_TIME_WAIT), A(60004, GONE)),
	CASE("TIME_WAIT at the end: kept when recent", W(1, 1, 0, 0, 1, 0, 1, 0),
	     OPEN, P(C, FIN | ACK, 3, FIN_WAIT), P(S, FIN | ACK, 4, TIME_WAIT),
	     F(30000, PL_TCPS_TIME_WAIT)),
	CASE("TIME_WAIT at the end: released when older than the period",
	     W(1, 1, 0, 0, 1, 0, 0, 0),
	     OPEN, P(C, FIN | ACK, 3, FIN_WAIT), P(S, FIN | ACK, 4, TIME_WAIT),
	     F(60004, PL_TCPS_CLOSED), F(70000, PL_TCPS_CLOSED), A(200000, GONE)),
	CASE("SYN after TIME_WAIT ended is a new attempt", W(2, 1, 0, 0, 1, 0, 0, 0),
	     OPEN, P(C, FIN | ACK, 3, FIN_WAIT), P(S, FIN | ACK, 4, TIME_WAIT),
	     P(C, SYN, 61000, SYN_SENT)),
	CASE("idle established flow expires: active released", W(1, 1, 0, 0, 0, 0, 0, 0),
	     OPEN, P(S, ACK | PSH, 1000, ESTABLISHED), A(300999, PL_TCPS_ESTABLISHED),
	     A(301000, GONE)),
	CASE("idle established flow hit by a late packet: active released once",
	     W(1, 1, 0, 0, 0, 0, 0, 0),
	     OPEN, P(C, ACK | PSH, 400000, NONE), A(400001, PL_TCPS_NONE)),
	CASE("idle established flow at the end: active released by finish",
	     W(1, 1, 0, 0, 0, 0, 0, 0),
	     OPEN, F(300002, PL_TCPS_CLOSED)),
	CASE("active at the end stays active", W(1, 1, 0, 0, 0, 0, 0, 1),
	     OPEN, F(1000, PL_TCPS_ESTABLISHED)),
	CASE("mid-stream pickup: tracked, no outcomes", W(0, 0, 0, 0, 0, 0, 0, 0),
	     P(C, ACK | PSH, 0, NONE), P(S, ACK, 1, NONE), P(C, FIN | ACK, 2, NONE),
	     P(S, FIN | ACK, 3, NONE), P(C, RST, 4, NONE), F(5, PL_TCPS_NONE)),
	CASE("SYN-ACK as the first packet: no outcome", W(0, 0, 0, 0, 0, 0, 0, 0),
	     P(S, SYN | ACK, 0, NONE), P(C, ACK, 1, NONE), P(S, SYN | ACK, 2, NONE)),
	CASE("pure SYN after a mid-stream pickup starts a connection",
	     W(1, 1, 0, 0, 0, 0, 0, 1),
	     P(C, ACK | PSH, 0, NONE), P(C, SYN, 10, SYN_SENT), P(S, SYN | ACK, 11, SYN_RECV),
	     P(C, ACK, 12, ESTABLISHED)),
	CASE("initiator ACK without a SYN-ACK does not establish", W(1, 0, 0, 1, 0, 0, 0, 0),
	     P(C, SYN, 0, SYN_SENT), P(C, ACK, 1, SYN_SENT), A(5000, GONE)),
};

static void
run_tcp_case(const struct tcp_case *tc)
{
	struct pl_flow_table *t = new_table(64);
	struct pkt cp[256], sp[256];
	int i;

	for (i = 0; i < tc->nsteps; i++) {
		const struct step *s = &tc->steps[i];
		uint64_t now = s->at_ms * MS;
		struct pl_flow_event ev;
		struct found fd = { 0 };

		switch (s->op) {
		case C:
			mk_tcp(&cp[i], CLI_IP, SRV_IP, CLI_PORT, SRV_PORT, s->flags, 10);
			send_pkt(t, &cp[i], now, &ev);
			assert_non_null(ev.flow);
			assert_int_equal(ev.flow->tcp_state, s->state);
			break;
		case S:
			mk_tcp(&sp[i], SRV_IP, CLI_IP, SRV_PORT, CLI_PORT, s->flags, 10);
			send_pkt(t, &sp[i], now, &ev);
			assert_non_null(ev.flow);
			assert_int_equal(ev.flow->tcp_state, s->state);
			break;
		case AGE:
			/* positions past the highest one given a flow are not swept */
			assert_int_equal(pl_flow_age(t, now, 64, &ctrs), 1);
			break;
		case FINISH:
			pl_flow_finish(t, now, &ctrs);
			break;
		}
		pl_flow_walk(t, find_cb, &fd);
		if (s->op == AGE || s->op == FINISH) {
			if (s->state == GONE) {
				assert_int_equal(fd.n, 0);
			} else {
				assert_int_equal(fd.n, 1);
				assert_int_equal(fd.f.tcp_state, s->state);
			}
		}
		/* gauges never negative: they always equal the states in the table */
		check_gauges(t);
		assert_true(tcp_c[PL_TCP_active] <= 1);
		assert_true(tcp_c[PL_TCP_time_wait] <= 1);
	}
	for (i = 0; i < PL_TCP_MAX; i++) {
		if (tcp_c[i] != tc->want[i])
			fail_msg("case \"%s\": %s = %lu, want %lu", tc->name,
				 pl_tcp_outcome_name((unsigned int)i), (unsigned long)tcp_c[i],
				 (unsigned long)tc->want[i]);
	}
	pl_flow_free(t);
}

static void
test_tcp_transitions_give_the_design_outcomes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(tcp_cases); i++) {
		print_message("  tcp case: %s\n", tcp_cases[i].name);
		run_tcp_case(&tcp_cases[i]);
	}
}

/* ---- events, direction and per-direction counts ---- */

static void
test_events_report_created_attempt_and_established(void **state)
{
	struct pl_flow_table *t = new_table(64);
	struct pkt syn, synack, ack;
	struct pl_flow_event ev;

	(void)state;
	mk_tcp(&syn, CLI_IP, SRV_IP, CLI_PORT, SRV_PORT, SYN, 0);
	mk_tcp(&synack, SRV_IP, CLI_IP, SRV_PORT, CLI_PORT, SYN | ACK, 0);
	mk_tcp(&ack, CLI_IP, SRV_IP, CLI_PORT, SRV_PORT, ACK, 0);
	send_pkt(t, &syn, 0, &ev);
	assert_true(ev.created && ev.attempt && !ev.established);
	assert_int_equal(ev.dir, 0);
	send_pkt(t, &syn, 1, &ev);
	assert_true(!ev.created && !ev.attempt && !ev.established);
	send_pkt(t, &synack, 2, &ev);
	assert_true(!ev.created && !ev.attempt && !ev.established);
	assert_int_equal(ev.dir, 1);
	send_pkt(t, &ack, 3, &ev);
	assert_true(!ev.created && !ev.attempt && ev.established);
	assert_int_equal(ev.dir, 0);
	assert_int_equal(ev.flow->server_port, SRV_PORT);
	assert_int_equal(ev.flow->proto, IPPROTO_TCP);
	assert_int_equal(flow_c[PL_FLOWC_created], 1);
	assert_int_equal(flow_c[PL_FLOWC_tracked], 1);
	pl_flow_free(t);
}

static void
test_both_directions_map_to_one_flow_with_direction_and_counts(void **state)
{
	struct pl_flow_table *t = new_table(64);
	struct pkt out, in;
	struct pl_flow_event ev;
	struct found fd = { 0 };
	int i;

	(void)state;
	/* initiator is the tuple's higher endpoint: init_lo = 0 */
	mk_udp(&out, CLI_IP, SRV_IP, 5353, 53, 20);
	mk_udp(&in, SRV_IP, CLI_IP, 53, 5353, 200);
	assert_int_equal(out.hash, in.hash);
	for (i = 0; i < 3; i++) {
		send_pkt(t, &out, (uint64_t)i * MS, &ev);
		assert_int_equal(ev.dir, 0);
	}
	for (i = 0; i < 2; i++) {
		send_pkt(t, &in, (uint64_t)(10 + i) * MS, &ev);
		assert_int_equal(ev.dir, 1);
		assert_int_equal(ev.created, 0);
	}
	assert_int_equal(pl_flow_count(t), 1);
	pl_flow_walk(t, find_cb, &fd);
	assert_int_equal(fd.n, 1);
	assert_int_equal(fd.f.init_lo, 0);
	assert_int_equal(fd.key.lo_is_src, 0); /* shown from the initiator's side */
	assert_int_equal(fd.f.packets[0], 3);
	assert_int_equal(fd.f.packets[1], 2);
	assert_int_equal(fd.f.bytes[0], 3 * out.len);
	assert_int_equal(fd.f.bytes[1], 2 * in.len);
	assert_int_equal(fd.f.server_port, 53);
	assert_int_equal(fd.f.first_ns, 0);
	assert_int_equal(fd.f.last_ns, 11 * MS);
	assert_int_equal(fd.f.tcp_state, PL_TCPS_NONE);
	assert_int_equal(fd.f.cls, 0xff);
	pl_flow_free(t);
}

static void
test_ipv6_directions_map_to_one_flow(void **state)
{
	static const uint8_t a[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
	struct pl_flow_table *t = new_table(64);
	struct pkt out, in;
	struct pl_flow_event ev;
	struct found fd = { 0 };

	(void)state;
	mk_udp6(&out, a, b, 1000, 2000, 10);
	mk_udp6(&in, b, a, 2000, 1000, 10);
	send_pkt(t, &out, 0, &ev);
	assert_int_equal(ev.dir, 0);
	send_pkt(t, &in, 1, &ev);
	assert_int_equal(ev.dir, 1);
	pl_flow_walk(t, find_cb, &fd);
	assert_int_equal(fd.n, 1);
	assert_int_equal(fd.f.init_lo, 0); /* the initiator fd00::1 sorts above 2001:db8::2 */
	pl_flow_free(t);
}

static void
test_reuse_by_former_server_swaps_direction_counts(void **state)
{
	struct pl_flow_table *t = new_table(64);
	struct pkt c_syn, s_synack, c_ack, c_fin, s_fin, s_syn;
	struct pl_flow_event ev;

	(void)state;
	mk_tcp(&c_syn, CLI_IP, SRV_IP, CLI_PORT, SRV_PORT, SYN, 0);
	mk_tcp(&s_synack, SRV_IP, CLI_IP, SRV_PORT, CLI_PORT, SYN | ACK, 0);
	mk_tcp(&c_ack, CLI_IP, SRV_IP, CLI_PORT, SRV_PORT, ACK, 100);
	mk_tcp(&c_fin, CLI_IP, SRV_IP, CLI_PORT, SRV_PORT, FIN | ACK, 0);
	mk_tcp(&s_fin, SRV_IP, CLI_IP, SRV_PORT, CLI_PORT, FIN | ACK, 0);
	mk_tcp(&s_syn, SRV_IP, CLI_IP, SRV_PORT, CLI_PORT, SYN, 0);
	send_pkt(t, &c_syn, 0, &ev);
	send_pkt(t, &s_synack, 1, &ev);
	send_pkt(t, &c_ack, 2, &ev);
	send_pkt(t, &c_fin, 3, &ev);
	send_pkt(t, &s_fin, 4, &ev);
	assert_int_equal(ev.flow->packets[0], 3);
	assert_int_equal(ev.flow->packets[1], 2);
	send_pkt(t, &s_syn, 5, &ev);
	assert_int_equal(ev.attempt, 1);
	assert_int_equal(ev.dir, 0);
	assert_int_equal(ev.flow->init_lo, 1); /* the server 10.0.0.2 is the lower endpoint */
	assert_int_equal(ev.flow->server_port, CLI_PORT);
	assert_int_equal(ev.flow->packets[0], 3); /* 2 earlier server packets + its SYN */
	assert_int_equal(ev.flow->packets[1], 3);
	assert_int_equal(ev.flow->bytes[1], c_syn.len + c_ack.len + c_fin.len);
	pl_flow_free(t);
}

/* ---- UDP and ICMP ---- */

static void
test_udp_flow_is_created_and_expires_after_udp_idle(void **state)
{
	struct pl_flow_table *t = new_table(64);
	struct pkt p;
	struct pl_flow_event ev;

	(void)state;
	mk_udp(&p, CLI_IP, SRV_IP, 5000, 53, 30);
	send_pkt(t, &p, 0, &ev);
	assert_non_null(ev.flow);
	assert_int_equal(ev.created, 1);
	assert_int_equal(ev.attempt, 0);
	assert_int_equal(ev.flow->proto, IPPROTO_UDP);
	send_pkt(t, &p, 10 * SEC, &ev);
	pl_flow_age(t, 69 * SEC, 64, &ctrs);
	assert_int_equal(pl_flow_count(t), 1);
	pl_flow_age(t, 70 * SEC, 64, &ctrs);
	assert_int_equal(pl_flow_count(t), 0);
	assert_int_equal(flow_c[PL_FLOWC_created], 1);
	assert_int_equal(flow_c[PL_FLOWC_evicted], 1);
	assert_int_equal(flow_c[PL_FLOWC_tracked], 0);
	for (int i = 0; i < PL_TCP_MAX; i++)
		assert_int_equal(tcp_c[i], 0);
	/* it comes back as a new flow */
	send_pkt(t, &p, 71 * SEC, &ev);
	assert_int_equal(ev.created, 1);
	assert_int_equal(flow_c[PL_FLOWC_created], 2);
	check_gauges(t);
	pl_flow_free(t);
}

static struct pl_flow_export *
new_export(uint32_t cap)
{
	struct pl_flow_export *e = calloc(1, sizeof(*e) + cap * sizeof(e->rec[0]));

	assert_non_null(e);
	e->cap = cap;
	return e;
}

static void
test_ended_flows_are_exported_with_their_reason(void **state)
{
	struct pl_flow_table *t = new_table(64);
	struct pl_flow_export *e = new_export(16);
	const struct pl_flow_ctrs c = { .tcp = tcp_c, .flow = flow_c, .exp = e };
	struct pl_flow_event ev;
	struct pkt u, syn, synack, ack, fin1, fin2;

	(void)state;
	/* a UDP flow that idles out, and a TCP connection closed by FIN both ways */
	mk_udp(&u, CLI_IP, SRV_IP, 5000, 53, 30);
	pl_flow_update(t, &u.key, u.hash, &u.meta, u.len, 0, &c, &ev);
	mk_tcp(&syn, CLI_IP, SRV_IP, 40000, 443, SYN, 0);
	mk_tcp(&synack, SRV_IP, CLI_IP, 443, 40000, SYN | ACK, 0);
	mk_tcp(&ack, CLI_IP, SRV_IP, 40000, 443, ACK, 100);
	mk_tcp(&fin1, CLI_IP, SRV_IP, 40000, 443, FIN | ACK, 0);
	mk_tcp(&fin2, SRV_IP, CLI_IP, 443, 40000, FIN | ACK, 0);
	pl_flow_update(t, &syn.key, syn.hash, &syn.meta, syn.len, 1 * SEC, &c, &ev);
	pl_flow_update(t, &synack.key, synack.hash, &synack.meta, synack.len, 1 * SEC, &c, &ev);
	pl_flow_update(t, &ack.key, ack.hash, &ack.meta, ack.len, 1 * SEC, &c, &ev);
	pl_flow_update(t, &fin1.key, fin1.hash, &fin1.meta, fin1.len, 2 * SEC, &c, &ev);
	pl_flow_update(t, &fin2.key, fin2.hash, &fin2.meta, fin2.len, 2 * SEC, &c, &ev);
	assert_int_equal(e->n, 0);
	pl_flow_age(t, 200 * SEC, 64, &c);
	assert_int_equal(e->n, 2);
	for (uint32_t i = 0; i < e->n; i++) {
		const struct pl_flow_rec *r = &e->rec[i];

		/* the initiator reads as the source */
		assert_int_equal(r->key.lo_is_src, r->f.init_lo);
		if (r->f.proto == IPPROTO_UDP) {
			assert_int_equal(r->reason, PL_FLOW_END_IDLE);
			assert_int_equal(r->f.packets[0], 1);
		} else {
			assert_int_equal(r->reason, PL_FLOW_END_CLOSED);
			assert_int_equal(r->f.packets[0], 3);
			assert_int_equal(r->f.packets[1], 2);
			assert_int_equal(r->f.server_port, 443);
		}
	}
	free(e);
	pl_flow_free(t);
}

static void
test_long_flows_are_exported_at_each_active_timeout(void **state)
{
	struct pl_flow_table *t = new_table(64);
	struct pl_flow_export *e = new_export(16);
	const struct pl_flow_ctrs c = { .tcp = tcp_c, .flow = flow_c, .exp = e };
	struct pl_flow_event ev;
	struct pkt u;
	uint64_t s;

	(void)state;
	pl_flow_set_active_timeout(t, 10 * SEC);
	mk_udp(&u, CLI_IP, SRV_IP, 5000, 5001, 30);
	for (s = 0; s <= 35; s++) {
		pl_flow_update(t, &u.key, u.hash, &u.meta, u.len, s * SEC, &c, &ev);
		pl_flow_age(t, s * SEC, 64, &c);
	}
	/* at 10, 20 and 30 s: three active records, the flow still tracked */
	assert_int_equal(e->n, 3);
	for (uint32_t i = 0; i < e->n; i++)
		assert_int_equal(e->rec[i].reason, PL_FLOW_END_ACTIVE);
	assert_int_equal(e->rec[2].f.packets[0], 31);
	assert_int_equal(pl_flow_count(t), 1);
	free(e);
	pl_flow_free(t);
}

static void
test_ageing_waits_for_room_in_the_export_buffer(void **state)
{
	struct pl_flow_table *t = new_table(64);
	struct pl_flow_export *e = new_export(4);
	const struct pl_flow_ctrs c = { .tcp = tcp_c, .flow = flow_c, .exp = e };
	struct pl_flow_event ev;
	uint8_t seen[10] = { 0 };
	unsigned int total = 0, rounds = 0;
	struct pkt u, v;
	uint16_t i;

	(void)state;
	/* 10 one-packet flows timed out, a buffer of 4 of which 2 are left to the packet path:
	 * ageing ends 2 at a time and keeps the others until the buffer is drained */
	e->reserve = 2;
	for (i = 0; i < 10; i++) {
		mk_udp(&u, CLI_IP, SRV_IP, (uint16_t)(6000 + i), 53, 10);
		pl_flow_update(t, &u.key, u.hash, &u.meta, u.len, 0, &c, &ev);
	}
	pl_flow_age(t, 100 * SEC, 64, &c);
	assert_int_equal(e->n, 2);
	assert_int_equal(pl_flow_count(t), 8);
	while (pl_flow_count(t) > 0 && rounds++ < 10) {
		for (i = 0; i < e->n; i++) {
			uint16_t sport = e->rec[i].key.lo_is_src ? e->rec[i].key.port_lo
								 : e->rec[i].key.port_hi;

			assert_int_equal(e->rec[i].reason, PL_FLOW_END_IDLE);
			seen[sport - 6000]++;
			total++;
		}
		e->n = 0; /* the stats role drained it */
		pl_flow_age(t, 100 * SEC, 64, &c);
	}
	for (i = 0; i < e->n; i++) {
		uint16_t sport = e->rec[i].key.lo_is_src ? e->rec[i].key.port_lo
							 : e->rec[i].key.port_hi;

		seen[sport - 6000]++;
		total++;
	}
	assert_int_equal(total, 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(e->dropped, 0);

	/* the reserve is the packet path's: a timed-out flow that a packet starts afresh in
	 * place exports its record there, and only a buffer full to the last record drops */
	e->n = 2;
	mk_udp(&u, CLI_IP, SRV_IP, 7000, 53, 10);
	mk_udp(&v, CLI_IP, SRV_IP, 7001, 53, 10);
	pl_flow_update(t, &u.key, u.hash, &u.meta, u.len, 200 * SEC, &c, &ev);
	pl_flow_update(t, &v.key, v.hash, &v.meta, v.len, 200 * SEC, &c, &ev);
	pl_flow_age(t, 300 * SEC, 64, &c); /* no room left for ageing: both stay */
	assert_int_equal(pl_flow_count(t), 2);
	pl_flow_update(t, &u.key, u.hash, &u.meta, u.len, 300 * SEC, &c, &ev);
	pl_flow_update(t, &v.key, v.hash, &v.meta, v.len, 300 * SEC, &c, &ev);
	assert_int_equal(e->n, 4);
	assert_int_equal(e->dropped, 0);
	pl_flow_update(t, &u.key, u.hash, &u.meta, u.len, 400 * SEC, &c, &ev);
	assert_int_equal(e->dropped, 1);
	free(e);
	pl_flow_free(t);
}

static void
test_udp_timeouts_follow_set_timeouts(void **state)
{
	struct pl_flow_table *t = new_table(64);
	struct pkt p;
	struct pl_flow_event ev;

	(void)state;
	pl_flow_set_timeouts(t, 1 * SEC, 2 * SEC, 3 * SEC, 4 * SEC);
	mk_udp(&p, CLI_IP, SRV_IP, 5000, 53, 30);
	send_pkt(t, &p, 0, &ev);
	pl_flow_age(t, 3 * SEC - 1, 64, &ctrs);
	assert_int_equal(pl_flow_count(t), 1);
	pl_flow_age(t, 3 * SEC, 64, &ctrs);
	assert_int_equal(pl_flow_count(t), 0);
	pl_flow_free(t);
}

static void
test_icmp_flow_is_tracked_without_ports(void **state)
{
	struct pl_flow_table *t = new_table(64);
	struct pkt req, rep;
	struct pl_flow_event ev;

	(void)state;
	mk_icmp(&req, CLI_IP, SRV_IP, 8);
	mk_icmp(&rep, SRV_IP, CLI_IP, 0);
	send_pkt(t, &req, 0, &ev);
	assert_int_equal(ev.created, 1);
	assert_int_equal(ev.flow->proto, IPPROTO_ICMP);
	assert_int_equal(ev.flow->server_port, 0);
	send_pkt(t, &rep, 1, &ev);
	assert_int_equal(ev.created, 0);
	assert_int_equal(ev.dir, 1);
	assert_int_equal(pl_flow_count(t), 1);
	pl_flow_age(t, 60 * SEC, 64, &ctrs);
	assert_int_equal(pl_flow_count(t), 1);
	pl_flow_age(t, 60 * SEC + 1, 64, &ctrs);
	assert_int_equal(pl_flow_count(t), 0);
	pl_flow_free(t);
}

/* ---- table full ---- */

static void
test_full_table_refuses_new_flows_until_ageing_makes_room(void **state)
{
	struct pl_flow_table *t = new_table(8);
	struct pkt p[9];
	struct pl_flow_event ev;
	int i;

	(void)state;
	assert_int_equal(pl_flow_capacity(t), 8);
	for (i = 0; i < 9; i++)
		mk_udp(&p[i], CLI_IP, SRV_IP, (uint16_t)(6000 + i), 53, 10);
	for (i = 0; i < 8; i++) {
		send_pkt(t, &p[i], (uint64_t)i * SEC, &ev);
		assert_non_null(ev.flow);
	}
	assert_int_equal(pl_flow_count(t), 8);
	send_pkt(t, &p[8], 8 * SEC, &ev);
	assert_null(ev.flow);
	assert_int_equal(ev.created, 0);
	assert_int_equal(flow_c[PL_FLOWC_table_full], 1);
	assert_int_equal(flow_c[PL_FLOWC_tracked], 8);
	/* a tracked flow is unaffected */
	send_pkt(t, &p[7], 9 * SEC, &ev);
	assert_non_null(ev.flow);
	assert_int_equal(ev.flow->packets[0], 2);
	/* a TCP SYN on a full table is not tracked and not counted */
	{
		struct pkt syn;

		mk_tcp(&syn, CLI_IP, SRV_IP, CLI_PORT, SRV_PORT, SYN, 0);
		send_pkt(t, &syn, 9 * SEC, &ev);
		assert_null(ev.flow);
		assert_int_equal(tcp_c[PL_TCP_attempted], 0);
		assert_int_equal(flow_c[PL_FLOWC_table_full], 2);
	}
	/* flow 0 idles out at 60 s: room for one */
	pl_flow_age(t, 60 * SEC, 8, &ctrs);
	assert_int_equal(pl_flow_count(t), 7);
	send_pkt(t, &p[8], 60 * SEC, &ev);
	assert_non_null(ev.flow);
	assert_int_equal(ev.created, 1);
	assert_int_equal(pl_flow_count(t), 8);
	check_gauges(t);
	pl_flow_free(t);
}

/* ---- ageing budget ---- */

static void
test_ageing_respects_its_budget_and_wraps(void **state)
{
	struct pl_flow_table *t = new_table(64);
	struct pkt p;
	struct pl_flow_event ev;
	int i, calls = 0;

	(void)state;
	for (i = 0; i < 40; i++) {
		mk_udp(&p, CLI_IP, SRV_IP, (uint16_t)(7000 + i), 53, 10);
		send_pkt(t, &p, 0, &ev);
	}
	assert_int_equal(pl_flow_age(t, 0, 0, &ctrs), 0);
	assert_int_equal(pl_flow_age(t, 0, 10, &ctrs), 10);
	/* the 40 positions given flows, not the 24 no flow ever had */
	assert_int_equal(pl_flow_age(t, 0, 1000, &ctrs), 40);
	assert_int_equal(pl_flow_count(t), 40);
	/* everything expired: budget 16 needs 3 calls to sweep the 40 slots */
	while (pl_flow_count(t) > 0) {
		assert_true(pl_flow_age(t, 60 * SEC, 16, &ctrs) <= 16);
		calls++;
		assert_true(calls <= 3);
	}
	assert_int_equal(flow_c[PL_FLOWC_evicted], 40);
	check_gauges(t);
	pl_flow_free(t);
}

/* ---- gauges under random traffic ---- */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * Each client port follows a normal conversation (open, data, close from either side) most
 * of the time; one packet in five is a random flag combination from a random side, and time
 * jumps now and then past every timeout, so every transition and expiry path runs.
 */
static void
test_gauges_equal_states_under_random_traffic(void **state)
{
	static const uint8_t flag_set[] = { SYN, SYN | ACK, ACK, ACK | PSH, FIN | ACK, RST,
					    RST | ACK };
	static const struct { int srv; uint8_t flags; } script[] = {
		{ 0, SYN }, { 1, SYN | ACK }, { 0, ACK }, { 0, ACK | PSH }, { 1, ACK | PSH },
		{ 0, FIN | ACK }, { 1, ACK }, { 1, FIN | ACK }, { 0, ACK },
	};
	enum { NPORTS = 20 };
	uint8_t pos[NPORTS] = { 0 };
	struct pl_flow_table *t = new_table(16);
	uint64_t now = 0;
	int i;

	(void)state;
	/* short timeouts so that every expiry path runs often */
	pl_flow_set_timeouts(t, 1 * SEC, 10 * SEC, 5 * SEC, 3 * SEC);
	for (i = 0; i < 50000; i++) {
		uint64_t r = rnd();
		unsigned int port = (unsigned int)(r % NPORTS);
		uint16_t cport = (uint16_t)(50000 + port);
		int from_srv;
		uint8_t fl;
		struct pl_flow_event ev;
		struct pkt p;

		if ((r >> 8) % 5 == 0) {
			from_srv = (int)((r >> 12) & 1);
			fl = flag_set[(r >> 13) % sizeof(flag_set)];
		} else {
			from_srv = script[pos[port]].srv;
			fl = script[pos[port]].flags;
			/* the server closes first half of the time */
			if (pos[port] >= 5 && ((r >> 20) & 1))
				from_srv ^= 1;
			pos[port] = (uint8_t)((pos[port] + 1) % RTE_DIM(script));
		}
		now += (r >> 24) % ((r >> 56) == 0 ? 30 * SEC : 100 * MS);
		if (from_srv)
			mk_tcp(&p, SRV_IP, CLI_IP, SRV_PORT, cport, fl, 0);
		else
			mk_tcp(&p, CLI_IP, SRV_IP, cport, SRV_PORT, fl, 0);
		send_pkt(t, &p, now, &ev);
		if ((r >> 40) % 8 == 0)
			pl_flow_age(t, now, (uint32_t)((r >> 44) % 8), &ctrs);
		if ((r >> 48) % 1000 == 0)
			pl_flow_finish(t, now, &ctrs);
		check_gauges(t);
		assert_true(tcp_c[PL_TCP_active] <= 16);
		assert_true(tcp_c[PL_TCP_time_wait] <= 16);
		/* an attempt ends at most once; only established connections close or reset */
		assert_true(tcp_c[PL_TCP_established] + tcp_c[PL_TCP_rejected] +
			    tcp_c[PL_TCP_unanswered] <= tcp_c[PL_TCP_attempted]);
		assert_true(tcp_c[PL_TCP_closed] + tcp_c[PL_TCP_reset] <=
			    tcp_c[PL_TCP_established]);
	}
	for (i = 0; i < PL_TCP_MAX; i++)
		print_message("  %s %lu\n", pl_tcp_outcome_name((unsigned int)i),
			      (unsigned long)tcp_c[i]);
	print_message("  table_full %lu evicted %lu\n",
		      (unsigned long)flow_c[PL_FLOWC_table_full],
		      (unsigned long)flow_c[PL_FLOWC_evicted]);
	/* every outcome happened at least once */
	for (i = 0; i < PL_TCP_time_wait; i++)
		assert_true(tcp_c[i] > 0);
	pl_flow_age(t, now + 1000 * SEC, 16, &ctrs);
	assert_int_equal(pl_flow_count(t), 0);
	assert_int_equal(tcp_c[PL_TCP_active], 0);
	assert_int_equal(tcp_c[PL_TCP_time_wait], 0);
	pl_flow_free(t);
}

/* ---- walk ---- */

static int
stop_after_two(const struct pl_tuple *key, const struct pl_flow *f, void *arg)
{
	int *n = arg;

	(void)key;
	(void)f;
	return ++*n == 2;
}

static void
test_walk_visits_every_flow_and_stops_when_asked(void **state)
{
	struct pl_flow_table *t = new_table(64);
	struct pkt p;
	struct pl_flow_event ev;
	struct found fd = { 0 };
	int i, n = 0;

	(void)state;
	for (i = 0; i < 5; i++) {
		mk_udp(&p, CLI_IP, SRV_IP, (uint16_t)(8000 + i), 53, 10);
		send_pkt(t, &p, 0, &ev);
	}
	pl_flow_walk(t, find_cb, &fd);
	assert_int_equal(fd.n, 5);
	pl_flow_walk(t, stop_after_two, &n);
	assert_int_equal(n, 2);
	pl_flow_free(t);
}

/* ---- burst lookup ---- */

/* Sum of every flow's per-direction packets and bytes, and how many flows. */
struct flow_sums {
	uint64_t flows, packets[2], bytes[2], last_ns, state_ns;
};

static int
sum_cb(const struct pl_tuple *key, const struct pl_flow *f, void *arg)
{
	struct flow_sums *s = arg;

	(void)key;
	s->flows++;
	s->packets[0] += f->packets[0];
	s->packets[1] += f->packets[1];
	s->bytes[0] += f->bytes[0];
	s->bytes[1] += f->bytes[1];
	s->last_ns += f->last_ns;
	s->state_ns += f->state_ns;
	return 0;
}

/*
 * The worker's path (pl_flow_lookup_burst() for a burst, then per packet the inline hit path
 * pl_flow_hit() and, where it declines, pl_flow_update_at()) and the one-packet path
 * (pl_flow_update()) give the same table and the same counters on the same traffic,
 * including new flows seen twice in one burst (the second packet's lookup missed, but the
 * first one created the flow), a full table, timeouts, and ageing between bursts.
 */
static void
test_burst_lookup_matches_one_at_a_time(void **state)
{
	enum { BURST = 32, NFLOWS = 48 };
	uint64_t tc2[PL_TCP_MAX] = { 0 }, fc2[PL_FLOWC_MAX] = { 0 };
	const struct pl_flow_ctrs c2 = { .tcp = tc2, .flow = fc2 };
	struct pl_flow_table *a = new_table(40), *b = new_table(40);
	struct flow_sums sa = { 0 }, sb = { 0 };
	uint64_t now = 0;
	int round, i, hits = 0, misses = 0, inline_hits = 0;

	(void)state;
	pl_flow_set_timeouts(a, 1 * SEC, 4 * SEC, 2 * SEC, 1 * SEC);
	pl_flow_set_timeouts(b, 1 * SEC, 4 * SEC, 2 * SEC, 1 * SEC);
	for (round = 0; round < 400; round++) {
		struct pkt p[BURST];
		struct pl_tuple keys[BURST];
		uint32_t hashes[BURST];
		int32_t pos[BURST];

		for (i = 0; i < BURST; i++) {
			uint64_t r = rnd();
			/* a few flows per burst, each often more than once */
			uint16_t port = (uint16_t)(20000 + (round * 7 + (r % 5)) % NFLOWS);
			int back = (int)((r >> 8) & 1);

			if ((r >> 9) % 3 == 0)
				mk_udp(&p[i], back ? SRV_IP : CLI_IP, back ? CLI_IP : SRV_IP,
				       back ? 53 : port, back ? port : 53, 20);
			else
				mk_tcp(&p[i], back ? SRV_IP : CLI_IP, back ? CLI_IP : SRV_IP,
				       back ? SRV_PORT : port, back ? port : SRV_PORT,
				       (r >> 12) % 4 == 0 ? SYN : ACK, 0);
			keys[i] = p[i].key;
			hashes[i] = p[i].hash;
		}
		now += 150 * MS;
		pl_flow_lookup_burst(b, keys, hashes, BURST, pos);
		for (i = 0; i < BURST; i++) {
			struct pl_flow_event ea, eb;

			hits += pos[i] >= 0;
			misses += pos[i] < 0;
			send_pkt(a, &p[i], now, &ea);
			if (pl_flow_hit(b, &keys[i], pos[i], &p[i].meta, p[i].len, now, &eb))
				inline_hits++;
			else
				pl_flow_update_at(b, &keys[i], hashes[i], pos[i], &p[i].meta,
						  p[i].len, now, &c2, &eb);
			assert_int_equal(ea.flow == NULL, eb.flow == NULL);
			assert_int_equal(ea.created, eb.created);
			assert_int_equal(ea.attempt, eb.attempt);
			assert_int_equal(ea.established, eb.established);
			if (ea.flow)
				assert_int_equal(ea.dir, eb.dir);
		}
		pl_flow_age(a, now, 8, &ctrs);
		pl_flow_age(b, now, 8, &c2);
	}
	assert_memory_equal(tcp_c, tc2, sizeof(tc2));
	assert_memory_equal(flow_c, fc2, sizeof(fc2));
	/* the traffic did what the test is about: hits, misses and a full table */
	assert_true(hits > 1000 && misses > 100 && inline_hits > 1000 && inline_hits < hits);
	assert_true(fc2[PL_FLOWC_table_full] > 0 && fc2[PL_FLOWC_evicted] > 0);
	pl_flow_walk(a, sum_cb, &sa);
	pl_flow_walk(b, sum_cb, &sb);
	assert_memory_equal(&sa, &sb, sizeof(sa));
	assert_true(sa.flows > 0);
	pl_flow_free(a);
	pl_flow_free(b);
}

/* Account a burst the worker's way: one bulk lookup, then each packet in order. */
static void
burst_update(struct pl_flow_table *t, struct pkt *p, uint32_t n, uint64_t now,
	     struct pl_flow_event *ev)
{
	struct pl_tuple keys[80];
	uint32_t hashes[80], i;
	int32_t pos[80];

	assert_true(n <= 80);
	for (i = 0; i < n; i++) {
		keys[i] = p[i].key;
		hashes[i] = p[i].hash;
	}
	pl_flow_lookup_burst(t, keys, hashes, n, pos);
	for (i = 0; i < n; i++) {
		assert_int_equal(pos[i] >= 0 || pos[i] == PL_FLOW_ABSENT, 1);
		pl_flow_update_at(t, &keys[i], hashes[i], pos[i], &p[i].meta, p[i].len, now,
				  &ctrs, &ev[i]);
	}
}

/*
 * A key the burst's lookup found absent is looked up again only when an earlier packet of
 * the burst added a flow with its hash: two new flows that share a hash, each seen twice
 * in one burst, are each created once and found the second time; and a burst that adds more
 * flows than the table remembers hashes for still finds a flow added early in it.
 */
static void
test_burst_miss_found_again_after_an_add_with_its_hash(void **state)
{
	struct pl_flow_table *t = new_table(256);
	struct pl_flow_event ev[80];
	struct pkt p[80];
	uint32_t i;

	(void)state;
	mk_udp(&p[0], CLI_IP, SRV_IP, 5000, 53, 10);
	mk_udp(&p[1], CLI_IP, SRV_IP, 5001, 53, 10);
	p[1].hash = p[0].hash; /* a collision: same hash, different flows */
	p[2] = p[0];
	p[3] = p[1];
	burst_update(t, p, 4, 1 * SEC, ev);
	assert_true(ev[0].created && ev[1].created);
	assert_false(ev[2].created || ev[3].created);
	assert_ptr_equal(ev[2].flow, ev[0].flow);
	assert_ptr_equal(ev[3].flow, ev[1].flow);
	assert_int_equal(ev[0].flow->packets[0], 2);
	assert_int_equal(ev[1].flow->packets[0], 2);
	assert_int_equal(flow_c[PL_FLOWC_created], 2);
	/* 78 new flows, then the first of them again: past the hashes remembered */
	for (i = 0; i < 78; i++)
		mk_udp(&p[i], CLI_IP, SRV_IP, (uint16_t)(6000 + i), 53, 10);
	p[78] = p[0];
	burst_update(t, p, 79, 2 * SEC, ev);
	assert_false(ev[78].created);
	assert_ptr_equal(ev[78].flow, ev[0].flow);
	assert_int_equal(ev[0].flow->packets[0], 2);
	assert_int_equal(flow_c[PL_FLOWC_created], 2 + 78);
	assert_int_equal(pl_flow_count(t), 2 + 78);
	pl_flow_free(t);
}

/*
 * A flow that ageing removed is gone for lookups too, even while the table's exact-match
 * cache still held it and its position went to a new flow: its next packet is a new flow
 * (here refused: the table is full again), never the new flow's record.
 */
static void
test_removed_flow_is_not_found_through_a_reused_position(void **state)
{
	struct pl_flow_table *t = new_table(16); /* holds 15 */
	struct pl_flow_event ev;
	struct flow_sums sums = { 0 };
	struct pkt p, gone, fresh;
	struct pl_flow *fresh_rec;
	int i;

	(void)state;
	assert_int_equal(pl_flow_limit(t), 15);
	pl_flow_set_timeouts(t, 1 * SEC, 10 * SEC, 5 * SEC, 1 * SEC);
	for (i = 0; i < 15; i++) {
		mk_udp(&p, CLI_IP, SRV_IP, (uint16_t)(7000 + i), 53, 10);
		send_pkt(t, &p, 0, &ev);
		assert_true(ev.created);
	}
	mk_udp(&gone, CLI_IP, SRV_IP, 7014, 53, 10);
	send_pkt(t, &gone, 1 * SEC, &ev);  /* cached now, by a hit */
	assert_false(ev.created);
	for (i = 0; i < 14; i++) {          /* all but the last stay alive */
		mk_udp(&p, CLI_IP, SRV_IP, (uint16_t)(7000 + i), 53, 10);
		send_pkt(t, &p, 4 * SEC, &ev);
		assert_false(ev.created);
	}
	pl_flow_age(t, 8 * SEC, 64, &ctrs);
	assert_int_equal(pl_flow_count(t), 14);
	assert_int_equal(flow_c[PL_FLOWC_evicted], 1);
	mk_udp(&fresh, CLI_IP, SRV_IP, 9000, 53, 10);
	send_pkt(t, &fresh, 8 * SEC, &ev);  /* takes the freed position */
	assert_true(ev.created);
	fresh_rec = ev.flow;
	send_pkt(t, &gone, 8 * SEC, &ev);
	assert_null(ev.flow);               /* a new flow, refused: the table is full */
	assert_int_equal(flow_c[PL_FLOWC_table_full], 1);
	assert_int_equal(fresh_rec->packets[0], 1);
	pl_flow_walk(t, sum_cb, &sums);
	assert_int_equal(sums.flows, 15);
	pl_flow_free(t);
}

/* ---- create, memory, names ---- */

static void
test_create_refuses_bad_capacity_and_duplicate_name(void **state)
{
	struct pl_flow_table *t;

	(void)state;
	assert_null(pl_flow_create("tflow_small", 7, 0));
	assert_int_equal(rte_errno, EINVAL);
	assert_null(pl_flow_create(NULL, 64, 0));
	t = pl_flow_create("tflow_dup", 64, (int)rte_socket_id());
	assert_non_null(t);
	assert_null(pl_flow_create("tflow_dup", 64, (int)rte_socket_id()));
	pl_flow_free(t);
	pl_flow_free(NULL);
	/* the name is free again */
	t = pl_flow_create("tflow_dup", 64, (int)rte_socket_id());
	assert_non_null(t);
	pl_flow_free(t);
}

/* Heap bytes a table of @p capacity takes, and how many flows it holds. */
static double
heap_per_held_flow(uint32_t capacity)
{
	struct rte_malloc_socket_stats before, after;
	struct pl_flow_table *t;
	int socket = (int)rte_socket_id();
	double per;

	assert_int_equal(rte_malloc_get_socket_stats(socket, &before), 0);
	t = pl_flow_create("tflow_per", capacity, socket);
	assert_non_null(t);
	assert_int_equal(rte_malloc_get_socket_stats(socket, &after), 0);
	per = (double)(after.heap_allocsz_bytes - before.heap_allocsz_bytes +
		       pl_flow_records_mapped(t)) / pl_flow_limit(t);
	print_message("  capacity %u holds %u flows: %.1f bytes a flow (heap and records)\n", capacity,
		      pl_flow_limit(t), per);
	pl_flow_free(t);
	return per;
}

/* The flow table's memory target, at the default capacity and at 15/16 of other powers of
 * two: at most 128 bytes of heap per flow the table holds (hash, keys, records, everything). */
static void
test_default_capacity_costs_at_most_128_bytes_a_flow(void **state)
{
	(void)state;
	assert_true(heap_per_held_flow(61440) <= 128.0);
	assert_true(heap_per_held_flow(15 * 1024) <= 128.0);
	assert_true(heap_per_held_flow(15 * 65536) <= 128.0);
}

static void
check_memory(uint32_t capacity)
{
	struct rte_malloc_socket_stats before, after;
	struct pl_flow_table *t;
	int socket = (int)rte_socket_id();
	double used, est;
	char name[32];

	snprintf(name, sizeof(name), "tflow_mem%u", capacity);
	assert_int_equal(rte_malloc_get_socket_stats(socket, &before), 0);
	t = pl_flow_create(name, capacity, socket);
	assert_non_null(t);
	assert_int_equal(rte_malloc_get_socket_stats(socket, &after), 0);
	/* the records are mapped apart without hugepages (pl_flow_records_mapped()) */
	used = (double)(after.heap_allocsz_bytes - before.heap_allocsz_bytes +
			pl_flow_records_mapped(t));
	est = (double)pl_flow_memory(t);
	print_message("  capacity %u: heap and records %.0f bytes, estimate %.0f (%.1f bytes/flow)\n",
		      capacity, used, est, est / capacity);
	assert_true(est >= used * 0.9 && est <= used * 1.1);
	pl_flow_free(t);
	assert_int_equal(rte_malloc_get_socket_stats(socket, &after), 0);
	assert_int_equal(after.heap_allocsz_bytes, before.heap_allocsz_bytes);
}

static void
test_memory_estimate_matches_the_heap_within_10_percent(void **state)
{
	(void)state;
	check_memory(8);
	check_memory(1000);
	check_memory(1024);
	check_memory(65536);
	check_memory(100000);
}

static void
test_names_come_from_the_lists(void **state)
{
	(void)state;
	assert_string_equal(pl_tcp_outcome_name(PL_TCP_attempted), "attempted");
	assert_string_equal(pl_tcp_outcome_name(PL_TCP_time_wait), "time_wait");
	assert_string_equal(pl_tcp_outcome_name(PL_TCP_active), "active");
	assert_string_equal(pl_tcp_outcome_name(PL_TCP_MAX), "unknown");
	assert_string_equal(pl_flow_ctr_name(PL_FLOWC_table_full), "table_full");
	assert_string_equal(pl_flow_ctr_name(PL_FLOWC_tracked), "tracked");
	assert_string_equal(pl_flow_ctr_name(PL_FLOWC_MAX), "unknown");
	assert_string_equal(pl_tcp_state_name(PL_TCPS_NONE), "none");
	assert_string_equal(pl_tcp_state_name(PL_TCPS_SYN_RECV), "syn_recv");
	assert_string_equal(pl_tcp_state_name(PL_TCPS_CLOSED), "closed");
	assert_string_equal(pl_tcp_state_name(99), "unknown");
}

static int
setup(void **state)
{
	(void)state;
	return pl_test_eal_init("flow");
}

/* The release hook's log: how often it ran, and the stream index it saw last. */
static unsigned int released;
static uint16_t released_stream;

static void
on_release(void *arg, struct pl_flow *f)
{
	assert_ptr_equal(arg, &released);
	released++;
	released_stream = f->stream;
}

static void
test_release_hook_runs_when_a_flow_with_a_stream_ends(void **state)
{
	struct pl_flow_table *t = new_table(64);
	struct pl_flow_event ev;
	struct pkt syn, rst, other;

	(void)state;
	released = 0;
	pl_flow_set_release(t, on_release, &released);
	mk_tcp(&syn, CLI_IP, SRV_IP, CLI_PORT, SRV_PORT, SYN, 0);
	mk_tcp(&rst, SRV_IP, CLI_IP, SRV_PORT, CLI_PORT, RST | ACK, 0);
	mk_tcp(&other, CLI_IP, SRV_IP, CLI_PORT + 1, SRV_PORT, SYN, 0);
	/* a flow without a stream ends: no call */
	send_pkt(t, &other, 0, &ev);
	pl_flow_age(t, 100 * SEC, 64, &ctrs);
	assert_int_equal(released, 0);
	/* a new connection on a record holding a stream (rejected, then a SYN again within
	 * the TIME_WAIT period): the stream goes, scanning restarts */
	send_pkt(t, &syn, 0, &ev);
	ev.flow->stream = 7;
	ev.flow->scan = 1;
	send_pkt(t, &rst, 1 * SEC, &ev);
	assert_int_equal(released, 0);
	send_pkt(t, &syn, 2 * SEC, &ev);
	assert_int_equal(ev.attempt, 1);
	assert_int_equal(ev.created, 0);
	assert_int_equal(released, 1);
	assert_int_equal(released_stream, 7);
	assert_int_equal(ev.flow->stream, 0);
	assert_int_equal(ev.flow->scan, 0);
	/* removed by ageing */
	ev.flow->stream = 8;
	pl_flow_age(t, 200 * SEC, 64, &ctrs);
	assert_int_equal(released, 2);
	assert_int_equal(released_stream, 8);
	assert_int_equal(pl_flow_count(t), 0);
	/* restarted in place (expired, its packet came before ageing reached it) */
	send_pkt(t, &other, 300 * SEC, &ev);
	ev.flow->stream = 9;
	send_pkt(t, &other, 400 * SEC, &ev);
	assert_int_equal(ev.created, 1);
	assert_int_equal(released, 3);
	assert_int_equal(released_stream, 9);
	assert_int_equal(ev.flow->stream, 0);
	pl_flow_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_transitions_give_the_design_outcomes),
		cmocka_unit_test(test_events_report_created_attempt_and_established),
		cmocka_unit_test(test_both_directions_map_to_one_flow_with_direction_and_counts),
		cmocka_unit_test(test_ipv6_directions_map_to_one_flow),
		cmocka_unit_test(test_reuse_by_former_server_swaps_direction_counts),
		cmocka_unit_test(test_udp_flow_is_created_and_expires_after_udp_idle),
		cmocka_unit_test(test_ended_flows_are_exported_with_their_reason),
		cmocka_unit_test(test_long_flows_are_exported_at_each_active_timeout),
		cmocka_unit_test(test_ageing_waits_for_room_in_the_export_buffer),
		cmocka_unit_test(test_udp_timeouts_follow_set_timeouts),
		cmocka_unit_test(test_icmp_flow_is_tracked_without_ports),
		cmocka_unit_test(test_full_table_refuses_new_flows_until_ageing_makes_room),
		cmocka_unit_test(test_ageing_respects_its_budget_and_wraps),
		cmocka_unit_test(test_gauges_equal_states_under_random_traffic),
		cmocka_unit_test(test_walk_visits_every_flow_and_stops_when_asked),
		cmocka_unit_test(test_burst_lookup_matches_one_at_a_time),
		cmocka_unit_test(test_burst_miss_found_again_after_an_add_with_its_hash),
		cmocka_unit_test(test_removed_flow_is_not_found_through_a_reused_position),
		cmocka_unit_test(test_create_refuses_bad_capacity_and_duplicate_name),
		cmocka_unit_test(test_memory_estimate_matches_the_heap_within_10_percent),
		cmocka_unit_test(test_default_capacity_costs_at_most_128_bytes_a_flow),
		cmocka_unit_test(test_names_come_from_the_lists),
		cmocka_unit_test(test_release_hook_runs_when_a_flow_with_a_stream_ends),
	};

	return cmocka_run_group_tests_name("flow", tests, setup, NULL);
}
