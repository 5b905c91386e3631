/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop. A worker dequeues bursts from its ring of every RX lcore and first
 * completes what the RX lcore left undone: the full parse of frames it only hashed, the
 * direction where it used the NIC's hash; then it counts every frame (sizes, intervals,
 * malformed and non-IP frames) and analyses each IP packet: protocol distribution,
 * direction, fragments, exact per-destination-port counters; then, for TCP/UDP/ICMP
 * packets that are not fragments, the service class and its QoS meter, the flow and its TCP
 * state, the source's rate limits, payload signatures streamed over each direction of a
 * flow (lib/classify's pl_sigs_stream_scan()), and the policy checks that produce findings
 * and verdicts. Then it disposes of the burst: free (monitor) or transmit to the peer port
 * (inline), unless the verdict drops.
 * It exits once every RX lcore is done and its rings are empty, so nothing is in flight.
 */
#include <sched.h>
#include <string.h>

#include <netinet/in.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_rcu_qsbr.h>
#include <rte_tcp.h>

#include "pl_app.h"
#include "pl_count.h"
#include "pl_dist.h"
#include "pl_parse.h"

/* Defined with the worker, which every program driving the packet path links (the RX
 * lcore's assist sets it, rx.c). */
uint64_t pl_counted_flag;

int
pl_count_init(void)
{
	static const struct rte_mbuf_dynflag counted = { .name = "portlens_counted" };
	int bit = rte_mbuf_dynflag_register(&counted);

	if (bit < 0)
		return -rte_errno;
	pl_counted_flag = 1ULL << bit;
	return 0;
}

/* The flow table's counters in a bank; ended flows go to the bank's export buffer when
 * flows are exported (--ipfix). */
static inline struct pl_flow_ctrs
flow_ctrs(struct pl_ctr_bank *b)
{
	struct pl_flow_ctrs fc = {
		.tcp = b->tcp, .flow = b->flow, .exp = pl_app.ipfix ? b->flowrec : NULL,
	};

	return fc;
}

/* Flows and sources examined for expiry per burst: bounded work, never a stall. A burst
 * larger than a live one (offline: app->burst) examines as many as its live bursts would, so
 * that the sweep keeps the same pace per packet. */
#define PL_AGE_FLOWS 16
#define PL_AGE_SOURCES 4
#define PL_AGE_SCALE(n, per) \
	RTE_MAX((unsigned int)(per), ((per) * (unsigned int)(n) + PL_LIVE_BURST - 1) / PL_LIVE_BURST)

/* What the analysis of one packet decided. */
struct pkt_ctx {
	struct rte_mbuf *m;
	struct pl_meta *meta;
	const uint8_t *frame;
	uint64_t now;
	uint32_t len;
	uint8_t verdict;   /* enum pl_verdict */
	uint8_t colour;    /* QoS colour, 0xff if not metered */
};

/* The bytes a flow counts for a packet: IP (header and payload), as IPFIX's octets. */
static inline uint32_t
ip_bytes(const struct pl_meta *meta)
{
	return (uint32_t)(meta->l4_off - meta->l3_off) + meta->l4_hlen + meta->payload_len;
}

/* Addresses of a packet: family and pointers to source and destination. */
static inline int
addrs(const struct pkt_ctx *p, const uint8_t **src, const uint8_t **dst)
{
	const uint8_t *ip = p->frame + p->meta->l3_off;

	if (p->meta->flags & PL_F_IPV6) {
		*src = ip + 8;
		*dst = ip + 24;
		return 6;
	}
	*src = ip + 12;
	*dst = ip + 16;
	return 4;
}

/*
 * Report a finding. a/b are the finding's source and destination (b may be NULL), port is
 * reported when has_port. The detail is formatted (fmt, x) only when the finding is new in
 * this bank: once per finding and tick, not per event. The flow (may be NULL) takes the
 * kind's verdict. Returns the finding, or NULL when the bank's table was full.
 */
static struct pl_finding *
report(struct pl_ctr_bank *b, const struct pl_runtime *rt, struct pkt_ctx *p,
       struct pl_flow *flow, unsigned int kind, int family, const uint8_t *a,
       const uint8_t *d, int has_port, uint16_t port, const char *fmt, const char *s,
       unsigned int x)
{
	struct pl_finding key, *e;
	uint8_t v = rt->cfg.verdict[kind];
	int is_new;

	memset(&key, 0, offsetof(struct pl_finding, count));
	key.kind = (uint8_t)kind;
	key.family = (uint8_t)family;
	if (a)
		memcpy(key.src, a, family == 6 ? 16 : 4);
	if (d) {
		memcpy(key.dst, d, family == 6 ? 16 : 4);
		key.has_dst = 1;
	}
	key.has_port = (uint8_t)has_port;
	key.port = port;
	e = pl_findings_touch(b->findings, &key, p->now, &is_new);
	if (e && is_new)
		snprintf(e->detail, sizeof(e->detail), fmt, s ? s : "", x);
	if (v > p->verdict)
		p->verdict = v;
	if (flow && v > flow->verdict)
		flow->verdict = v;
	return e;
}

/* A source above a rate limit: one finding per source, naming its main target and peak. */
static void
report_rate(struct pl_ctr_bank *b, const struct pl_runtime *rt, struct pkt_ctx *p,
	    struct pl_flow *flow, int family, const uint8_t *src, const struct pl_source *s,
	    const char *fmt, unsigned int limit)
{
	struct pl_finding *e = report(b, rt, p, flow, PL_FINDING_rate_limit, family, src, NULL,
				      0, 0, fmt, NULL, limit);
	const struct pl_src_target *t = pl_source_target(s);

	if (e)
		pl_finding_target(e, family, t ? t->addr : NULL, t ? t->port : 0,
				  t ? t->conns : 0, s->peak_per_s);
}

/* The scan counters are one run of the bank's scalars, in PL_SCAN_COUNTERS order. */
_Static_assert(PL_CTR_scan_stale - PL_CTR_scans + 1 == PL_SCANC_MAX,
	       "PL_CTR_SCALARS must hold PL_SCAN_COUNTERS in one piece");

/* A flow ends (lib/flow's release hook): its scan stream goes back to the pool. */
static void
stream_release(void *arg, struct pl_flow *f)
{
	struct pl_worker_ctx *wk = arg;

	pl_sigs_stream_release(wk->streams, &f->stream, f);
}

_Static_assert(PL_MAX_SIGS <= 64, "a bit of pl_scan_result.sig_hits per signature");

/* The payload bytes of @p m that its frame holds (0: none), from *@p data: the payload less
 * what the capture or the segment cut off. */
static inline uint32_t
frame_payload(const struct rte_mbuf *m, const struct pl_meta *meta, const uint8_t **data)
{
	uint32_t off = pl_meta_payload_off(meta), seg = rte_pktmbuf_data_len(m);

	*data = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
	return off < seg ? RTE_MIN((uint32_t)meta->payload_len, seg - off) : 0;
}

/* Scan one packet's payload, in its direction's stream, and act on what it shows. */
static void
scan(struct pl_worker_ctx *wk, struct pl_ctr_bank *b, const struct pl_runtime *rt,
     struct pkt_ctx *p, const struct pl_flow_event *ev)
{
	struct pl_flow *flow = ev->flow;
	const struct pl_meta *meta = p->meta;
	const uint8_t *data;
	uint32_t len = frame_payload(p->m, meta, &data), fresh, i;
	struct pl_seg sg = {
		.data = data,
		.len = len,
		.dir = ev->dir,
		.tcp = meta->l4_proto == IPPROTO_TCP,
		.fin = (meta->tcp_flags & RTE_TCP_FIN_FLAG) != 0,
		.rst = (meta->tcp_flags & RTE_TCP_RST_FLAG) != 0,
	};
	struct pl_scan_result res;
	uint64_t hits;
	const uint8_t *src, *dst, *cli, *srv;
	char detail[PL_FINDING_DETAIL_LEN];
	int family;

	if (sg.tcp) { /* the data of a SYN starts one past its sequence number */
		uint32_t seq; /* the TCP header may sit at any offset: read it byte-wise */

		memcpy(&seq, p->frame + meta->l4_off + 4, sizeof(seq));
		sg.seq = rte_be_to_cpu_32(seq) + ((meta->tcp_flags & RTE_TCP_SYN_FLAG) != 0);
	} else          /* a datagram: the budget this direction spent before it (IP bytes) */
		sg.seq = (uint32_t)RTE_MIN(flow->bytes[ev->dir] - ip_bytes(meta),
					   (uint64_t)UINT32_MAX);
	if (!pl_sigs_stream_scan(wk->streams, rt->scratch[wk->index], &flow->stream,
				 &flow->scan, flow, &sg, &b->v[PL_CTR_scans], &res))
		return;
	/* each signature that matched, lowest first (PL_MAX_SIGS is 64: one bit each) */
	for (hits = res.sig_hits; hits; hits &= hits - 1)
		b->sig_hits[__builtin_ctzll(hits)]++;
	fresh = res.protos & ~flow->app_protos;
	flow->app_protos |= res.protos;
	family = addrs(p, &src, &dst);
	/* the client is the flow's initiator */
	cli = ev->dir == 0 ? src : dst;
	srv = ev->dir == 0 ? dst : src;
	for (i = 0; fresh >> i; i++) {
		if (!(fresh & (1u << i)))
			continue;
		b->app_flows[i]++;
		if (i != PL_APP_card && i != PL_APP_other &&
		    !pl_sigs_on_port(rt->sigs, i, flow->server_port))
			b->v[PL_CTR_off_port]++;
	}
	if (fresh & (1u << PL_APP_http))
		report(b, rt, p, flow, PL_FINDING_unencrypted, family, cli, srv, 1,
		       flow->server_port, "cleartext HTTP on port %s%u", NULL, flow->server_port);
	if (flow->cls != PL_CLASS_NONE && rt->cfg.classes[flow->cls].encrypted &&
	    (fresh & rt->cleartext & ~((1u << PL_APP_http) | (1u << PL_APP_card)))) {
		unsigned int k = __builtin_ctz(fresh & rt->cleartext &
					       ~((1u << PL_APP_http) | (1u << PL_APP_card)));

		/* once per flow and protocol: formatting here costs nothing per packet */
		snprintf(detail, sizeof(detail), "%s in cleartext on class %s",
			 pl_app_name(k), rt->cfg.classes[flow->cls].name);
		report(b, rt, p, flow, PL_FINDING_unencrypted, family, cli, srv, 1,
		       flow->server_port, "%s%.0u", detail, 0);
	}
	if (res.card_found &&
	    !(flow->app_protos & ((1u << PL_APP_tls) | (1u << PL_APP_ssh)))) {
		/* only the last four digits ever leave the scan */
		report(b, rt, p, flow, PL_FINDING_sensitive_data, family, src, dst, 1,
		       meta->dport, "card number ending %s%04u", NULL, res.card_last4);
	}
}

/*
 * What a packet that opens a connection (@p opens), or any packet when a packet rate limit
 * is set, is checked for: the class's connections, the port allowlist, the source's rate
 * limits. Out of line: most packets open nothing and skip all of it.
 */
static void
opens_and_rates(struct pl_worker_ctx *wk, struct pl_ctr_bank *b, const struct pl_runtime *rt,
		struct pkt_ctx *p, const struct pl_flow_event *ev, uint8_t cls, int opens)
{
	const struct pl_meta *meta = p->meta;
	const uint8_t *src, *dst;
	int family;

	family = addrs(p, &src, &dst);
	if (opens && cls != PL_CLASS_NONE)
		b->class_conns[cls]++;
	/* an attempt toward a local address on a port outside the allowlist; a UDP flow
	 * whose first packet comes from an allowed service port to a port that is not
	 * allowed is a reply whose request was not seen (capture started late, request
	 * dropped), not an attempt */
	if (opens && (meta->flags & PL_F_L4) &&
	    (meta->dir == PL_DIR_IN || meta->dir == PL_DIR_INTERNAL) &&
	    !pl_config_allowed(&rt->cfg, meta->dport) &&
	    !(meta->l4_proto == IPPROTO_UDP && pl_config_allowed(&rt->cfg, meta->sport)))
		report(b, rt, p, ev->flow, PL_FINDING_unauthorized_port, family, src, dst, 1,
		       meta->dport, "%s%.0u", meta->l4_proto == IPPROTO_TCP ? "tcp" : "udp", 0);
	/* a source's state is needed for its new connections, or for every packet when a
	 * packet rate is set */
	if ((opens && rt->conn_rate > 0) || rt->pkt_rate > 0) {
		struct pl_source *s = pl_sources_get(wk->sources, family, src, rt->conn_burst,
						     rt->pkt_burst, p->now);

		if (s == NULL) {
			b->v[PL_CTR_sources_full]++;
		} else {
			s->last_ns = p->now;
			if (opens)
				b->v[PL_CTR_sources_window_full] +=
					(uint64_t)pl_sources_conn(wk->sources, s, family, dst,
								  meta->dport, p->now);
			if (opens && rt->conn_rate > 0 &&
			    !pl_bucket_take(&s->conn, rt->conn_rate, rt->conn_burst, p->now))
				report_rate(b, rt, p, ev->flow, family, src, s,
					    "new connections above %s%u/s",
					    (unsigned int)rt->cfg.conn_rate);
			if (rt->pkt_rate > 0 &&
			    !pl_bucket_take(&s->pkt, rt->pkt_rate, rt->pkt_burst, p->now))
				report_rate(b, rt, p, ev->flow, family, src, s,
					    "packets above %s%u/s", (unsigned int)rt->cfg.pkt_rate);
		}
	}
}

/*
 * Flow, rate limits, policy and QoS for one IP packet that is not a fragment: @p key, @p hash
 * and @p pos are its flow's tuple, hash and position from the burst's lookup; @p fc the
 * flow table's counters in the burst's bank.
 */
static void
analyse(struct pl_worker_ctx *wk, struct pl_ctr_bank *b, const struct pl_runtime *rt,
	const struct pl_flow_ctrs *fc, struct pkt_ctx *p, const struct pl_tuple *key,
	uint32_t hash, int32_t pos)
{
	const struct pl_meta *meta = p->meta;
	struct pl_flow_event ev;
	uint8_t cls = PL_CLASS_NONE;
	int opens;

	if (meta->flags & PL_F_L4) {
		cls = pl_class_of(&rt->classes, meta->l4_proto, meta->sport, meta->dport);
		if (cls != PL_CLASS_NONE) {
			b->class_packets[cls]++;
			b->class_bytes[cls] += p->len;
			p->colour = (uint8_t)pl_meter_colour(&wk->meter[cls], p->now, p->len);
			b->qos[cls][p->colour]++;
			if (p->colour == RTE_COLOR_RED) {
				struct pl_finding k, *e;
				int is_new;

				/* one finding per class: no addresses, the class in `port` */
				memset(&k, 0, offsetof(struct pl_finding, count));
				k.kind = PL_FINDING_qos;
				k.port = cls;
				e = pl_findings_touch(b->findings, &k, p->now, &is_new);
				if (e && is_new)
					snprintf(e->detail, sizeof(e->detail),
						 "class %s above its share",
						 rt->cfg.classes[cls].name);
			}
		}
	}
	/* the inline hit path first; what changes state (or was not found) goes to lib/flow */
	if (!pl_flow_hit(wk->flows, key, pos, meta, ip_bytes(meta), p->now, &ev))
		pl_flow_update_at(wk->flows, key, hash, pos, meta, ip_bytes(meta), p->now, fc,
				  &ev);
	if (ev.flow && ev.created) {
		ev.flow->cls = cls;
		ev.flow->verdict = PL_VERDICT_FORWARD;
	}
	if (ev.flow && ev.flow->verdict > p->verdict)
		p->verdict = ev.flow->verdict;
	/* a local server's answer to a client outside: outgoing traffic by service port */
	if (ev.flow && ev.dir == 1 && meta->dir == PL_DIR_OUT && (meta->flags & PL_F_L4))
		pl_ctr_port(b, PL_PORT_ROW_SERVICE, meta->sport, p->len);
	/* a new connection: a TCP attempt, or the first packet of a UDP flow */
	opens = ev.attempt || (ev.created && meta->l4_proto == IPPROTO_UDP);
	if (unlikely(opens || rt->pkt_rate > 0))
		opens_and_rates(wk, b, rt, p, &ev, cls, opens);
	if (ev.flow && rt->sigs && !(ev.flow->scan & PL_SCAN_DONE) && (meta->payload_len ||
	    (ev.flow->stream && (meta->tcp_flags & (RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG)))))
		scan(wk, b, rt, p, &ev);
}

/* Dispose of a packet by its verdict: free (monitor), transmit, mark or drop (inline). A
 * monitor's processed and freed counts are the burst's size, counted once a burst. */
static inline void
dispose(struct pl_worker_ctx *wk, struct pl_ctr_bank *b, const struct pl_runtime *rt,
	struct pkt_ctx *p, struct rte_mbuf **freeb, uint16_t *nfree)
{
	struct pl_app *app = &pl_app;
	struct rte_mbuf *m = p->m;
	int peer;

	if (likely(p->meta->kind == PL_KIND_IP))
		b->verdicts[p->verdict]++;
	else if (p->meta->kind == PL_KIND_MALFORMED && app->opt.inline_mode &&
		 app->opt.malformed_drop) {
		b->drop[PL_DROP_malformed]++;
		freeb[(*nfree)++] = m;
		return;
	}
	if (!app->opt.inline_mode) {
		freeb[(*nfree)++] = m;
		return;
	}
	if (p->verdict == PL_VERDICT_DROP) {
		b->drop[PL_DROP_verdict]++;
		freeb[(*nfree)++] = m;
		return;
	}
	if (p->colour == RTE_COLOR_RED && rt->cfg.qos_drop_red) {
		b->drop[PL_DROP_qos_red]++;
		freeb[(*nfree)++] = m;
		return;
	}
	peer = app->opt.peer[m->port];
	if (peer < 0) {
		b->drop[PL_DROP_no_tx_port]++;
		freeb[(*nfree)++] = m;
		return;
	}
	/* a tunnelled frame is forwarded as it came: its inner header is under the outer
	 * checksums, and the outer header is the one the network forwards on */
	if (p->meta->kind == PL_KIND_IP && p->meta->encap == 0) {
		uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *) + p->meta->l3_off;
		int v6 = p->meta->flags & PL_F_IPV6;

		if (p->verdict == PL_VERDICT_MARK)
			pl_dscp_set(ip, v6, rt->cfg.verdict_dscp);
		else if (rt->cfg.qos_mark && p->colour <= RTE_COLOR_RED)
			pl_dscp_set(ip, v6, rt->cfg.qos_dscp[p->colour]);
	}
	pl_tx_one(&wk->tx[peer], m, (uint16_t)peer, wk->txq, b);
}

/*
 * Free a burst's mbufs. Nearly always each is a direct mbuf of one segment that nobody else
 * holds, all from one pool: then they go back to the pool in one put, as they are (what
 * rte_pktmbuf_free_bulk() would leave them as: a free mbuf has one segment, no next and a
 * reference count of 1), without its per-segment walk (callgrind: 41 instructions a
 * packet). Anything else (a chain, a clone, an attached buffer, two pools) takes DPDK's
 * path. The worker read both mbuf lines already.
 */
static inline void
free_burst(struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mempool *mp = pkts[0]->pool;
	uint16_t i;

	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];

		if (unlikely(m->pool != mp || m->next != NULL || m->nb_segs != 1 ||
			     rte_mbuf_refcnt_read(m) != 1 || !RTE_MBUF_DIRECT(m))) {
			rte_pktmbuf_free_bulk(pkts, n);
			return;
		}
	}
	rte_mempool_put_bulk(mp, (void **)pkts, n);
}

/* Set the QoS meters up for the runtime in force (first burst, and after a change). */
static void
meters_sync(struct pl_worker_ctx *wk, const struct pl_runtime *rt)
{
	unsigned int c;

	for (c = 0; c < rt->cfg.nb_classes; c++)
		pl_meter_config(&wk->meter[c], &rt->qos[c], pl_app.tsc_hz, 0);
	wk->meter_gen = rt->gen;
}

/* Packets ahead whose headers the worker prefetches while completing a burst; their mbufs
 * twice as far ahead, so that finding a packet's data does not wait for its mbuf. */
#define PL_WK_PREFETCH 6
/* Packets ahead whose scanned payload is prefetched (payload_prefetch()). */
#define PL_WK_SCAN_AHEAD 3

/* An mbuf's two lines the worker reads: the data's address and lengths, and the dynamic
 * fields (the parse summary and the time). The RX lcore's core wrote both last. */
static inline void
mbuf_prefetch(const struct rte_mbuf *m)
{
	rte_prefetch0(m);
	rte_prefetch0(RTE_PTR_ADD(m, RTE_CACHE_LINE_SIZE));
}

/*
 * The payload of a packet a few ahead whose flow is scanned (or new: pos < 0), every line:
 * the scan's first test reads every byte, and the RX lcore wrote them past the cache (past
 * the first 128 bytes: lib/capture's copy_frame()) or on its own core. Asked for when the
 * packet is scanned, the lines arrive while the scan waits; asked for PL_WK_SCAN_AHEAD
 * packets ahead, they arrive while the packets before it are analysed.
 */
static inline void
payload_prefetch(struct pl_worker_ctx *wk, struct rte_mbuf *m, int32_t pos)
{
	const struct pl_meta *meta = pl_meta(m);
	const uint8_t *data, *line;
	uint32_t len, i;

	if (meta->payload_len == 0 ||
	    (pos >= 0 && (pl_flow_at(wk->flows, pos)->scan & PL_SCAN_DONE)))
		return;
	len = frame_payload(m, meta, &data);
	if (len == 0)
		return;
	/* from the line the payload starts in to the one it ends in */
	line = RTE_PTR_ALIGN_FLOOR(data, RTE_CACHE_LINE_SIZE);
	len += (uint32_t)RTE_PTR_DIFF(data, line);
	for (i = 0; i < len; i += RTE_CACHE_LINE_SIZE)
		rte_prefetch0(line + i);
}

/*
 * What every frame counts in as it arrives: its size, its interval, the time range. A frame
 * of the same interval as the last one goes straight to that interval's slot (a burst's
 * frames mostly share one); arrivals_begin() forgets the slot when the bank changed.
 */
static inline uint32_t
arrival(struct pl_worker_ctx *wk, struct pl_ctr_bank *b, struct rte_mbuf *m, uint64_t ival_ns)
{
	uint32_t len = pl_frame_len(m);
	uint64_t t = *pl_meta_time(m);

	pl_ctr_size(b, len);
	pl_ctr_time(b, t);
	if (likely(wk->ival_slot != NULL && t >= wk->ival.lo_ns && t < wk->ival.hi_ns)) {
		wk->ival_slot->packets++;
		wk->ival_slot->bytes += len;
	} else {
		wk->ival_slot = pl_ctr_ival(b, pl_ctr_ival_number(&wk->ival, t, ival_ns), len);
	}
	if (t > wk->now_ns)
		wk->now_ns = t;
	return len;
}

/* A burst starts: the interval slot arrival() keeps belongs to the bank in use, if the
 * counter block has not flipped banks since (the bank left is drained and cleared). */
static inline void
arrivals_begin(struct pl_worker_ctx *wk)
{
	uint32_t ack = wk->ctr->ack;

	if (unlikely(ack != wk->ival_ack)) {
		wk->ival_slot = NULL;
		wk->ival_ack = ack;
	}
}

/*
 * Analysis stopped (console `stop`): pass a burst on without analysis. Monitor mode frees
 * it, inline mode forwards it to the peer port; either way it counts as received and
 * processed in the balance, and in no analysis view; the arrival statistics (sizes,
 * intervals, time) go on.
 */
static void
pass_on(struct pl_worker_ctx *wk, struct pl_ctr_bank *b, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		if (!(pkts[i]->ol_flags & pl_counted_flag))
			arrival(wk, b, pkts[i], pl_app.opt.ival_ns);
	if (!pl_app.opt.inline_mode) {
		b->v[PL_CTR_processed] += n;
		b->v[PL_CTR_freed] += n;
		free_burst(pkts, n);
		return;
	}
	for (i = 0; i < n; i++) {
		int peer = pl_app.opt.peer[pkts[i]->port];

		if (peer < 0) {
			b->drop[PL_DROP_no_tx_port]++;
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		pl_tx_one(&wk->tx[peer], pkts[i], (uint16_t)peer, wk->txq, b);
	}
}

/*
 * Complete and count one frame as it arrives: what the parser would give, from the headers
 * the RX lcore's fast read checked (pl_dist_complete()), or the full parse where the NIC's
 * hash placed it unread; the direction (and its inter-arrival time, in this worker's order)
 * if the RX lcore used the NIC's hash, then what every frame counts in: size, interval,
 * time range, malformed or non-IP, or the IP counters. Offline the RX lcore may have done
 * all of that already (pl_counted_flag): then only the worker's clock moves. Returns the
 * frame's bytes: the caller counts packets and bytes once a burst.
 */
static inline uint32_t
arrive(struct pl_worker_ctx *wk, struct pl_ctr_bank *b, const struct pl_runtime *rt,
       const struct pl_direction *dir, struct rte_mbuf *m, uint64_t ival_ns)
{
	struct pl_meta *meta = pl_meta(m);
	uint32_t len;

	if (m->ol_flags & pl_counted_flag) {
		/* the RX lcore completed and counted it (rx.c, rx_assist()): only the clock */
		uint64_t t = *pl_meta_time(m);

		if (t > wk->now_ns)
			wk->now_ns = t;
		return pl_frame_len(m);
	}
	len = arrival(wk, b, m, ival_ns);

	if (likely(meta->kind == PL_KIND_UNPARSED && (meta->flags & PL_F_TUPLE_HASH))) {
		/* the fast read took it: a plain TCP/UDP packet, completed from what it
		 * checked, as the parser would */
		pl_dist_complete(rte_pktmbuf_mtod(m, const uint8_t *), meta);
	} else if (meta->kind == PL_KIND_UNPARSED) {
		/* the NIC's hash placed it: a frame in one segment (nearly all) goes to the
		 * parser itself, a chain to the burst parser, which copies a short first
		 * segment out first */
		if (likely(rte_pktmbuf_data_len(m) == len))
			pl_parse_frame(rte_pktmbuf_mtod(m, const uint8_t *), len, len, meta);
		else
			pl_parse_burst(&m, 1);
	}
	pl_ctr_encap(b, meta->encap, len);
	switch (meta->kind) {
	case PL_KIND_IP:
		if (meta->dir >= PL_DIR_MAX) {
			/* the NIC's hash chose the worker: nobody read the addresses yet */
			meta->dir = (uint8_t)pl_direction_of(dir, rte_pktmbuf_mtod(m, const uint8_t *),
							    meta);
			pl_ctr_iat_since(b, wk->last_time, meta->dir, *pl_meta_time(m));
		}
		pl_count_ip(b, meta, len);
		/* its source is counted in the burst's second pass, its slot asked for now */
		pl_ctr_source_prefetch(b, rte_pktmbuf_mtod(m, const uint8_t *) + meta->l3_off,
				       meta->flags & PL_F_IPV6);
		return len;
	case PL_KIND_MALFORMED:
		b->v[PL_CTR_malformed]++;
		b->malformed[meta->malformed]++;
		return len;
	default:
		b->v[PL_CTR_non_ip]++;
		return len;
	}
}

/* Analyse and dispose of one burst (also driven directly by tools/bench). */
void
pl_worker_burst(struct pl_worker_ctx *wk, struct rte_mbuf **pkts, uint16_t n,
		struct pl_ctr_bank *b)
{
	const struct pl_runtime *rt = __atomic_load_n(&pl_app.rt, __ATOMIC_ACQUIRE);
	/* the local networks in force for this burst (reconfig.c switches them by pointer) */
	const struct pl_direction *dir = __atomic_load_n(&pl_app.dir, __ATOMIC_ACQUIRE);
	const uint64_t ival_ns = pl_app.opt.ival_ns;
	const struct pl_flow_ctrs fc = flow_ctrs(b);
	struct rte_mbuf *freeb[PL_BURST];
	struct pl_tuple keys[PL_BURST];
	uint32_t hashes[PL_BURST];
	int32_t pos[PL_BURST];
	uint16_t kpkt[PL_BURST]; /* the packet of each key */
	uint64_t bytes = 0;
	uint16_t nfree = 0, nk = 0, k = 0, nx, i;
	size_t doff;

	if (unlikely(wk->meter_gen != rt->gen))
		meters_sync(wk, rt);
	if (unlikely(wk->streams != rt->streams[wk->index])) {
		/* a new runtime: flows that end give their streams back to its pool */
		wk->streams = rt->streams[wk->index];
		pl_flow_set_release(wk->flows, stream_release, wk);
	}
	arrivals_begin(wk);
	if (unlikely(__atomic_load_n(&pl_app.paused, __ATOMIC_RELAXED))) {
		pass_on(wk, b, pkts, n);
		return;
	}
	/*
	 * Burst-wide stages first, so that the cache misses of the big tables overlap instead
	 * of queueing one packet at a time. Each frame is completed and counted as it arrives
	 * (headers prefetched a few packets ahead), and the flows of the burst's packets are
	 * looked up together (lib/flow's cache of recent flows, then one bulk lookup of what
	 * it misses; the records found are prefetched). The RX lcore's tuple hash is reused.
	 * The keys are built for exactly the packets analyse() will see, in order.
	 */
	for (i = 0; i < RTE_MIN(n, (uint16_t)(2 * PL_WK_PREFETCH)); i++)
		mbuf_prefetch(pkts[i]);
	for (i = 0; i < RTE_MIN(n, (uint16_t)PL_WK_PREFETCH); i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	/* where a frame's data starts in an mbuf, as a rule: as in this burst's first */
	doff = n ? RTE_PTR_DIFF(rte_pktmbuf_mtod(pkts[0], void *), pkts[0]) : 0;
	nx = wk->nb_next;
	wk->nb_next = 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct pl_meta *meta = pl_meta(m);

		if (i + 2 * PL_WK_PREFETCH < n)
			mbuf_prefetch(pkts[i + 2 * PL_WK_PREFETCH]);
		if (i + PL_WK_PREFETCH < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PL_WK_PREFETCH], void *));
		/* the next burst's lines, one frame's a packet: they come from the RX lcore's
		 * core, and a few packets ahead is too short a time for that (its data's
		 * address is taken as this burst's, not read from the mbuf) */
		if (i < nx) {
			mbuf_prefetch(wk->next[i]);
			rte_prefetch0(RTE_PTR_ADD(wk->next[i], doff));
		}
		bytes += arrive(wk, b, rt, dir, m, ival_ns);
		if (meta->kind != PL_KIND_IP || (meta->flags & PL_F_FRAGMENT))
			continue;
		pl_dist_tuple(rte_pktmbuf_mtod(m, const uint8_t *), meta, &keys[nk]);
		hashes[nk] = (meta->flags & PL_F_TUPLE_HASH) ? m->hash.rss :
			     pl_dist_hash_tuple(&keys[nk]);
		kpkt[nk++] = i;
	}
	b->v[PL_CTR_packets] += n;
	b->v[PL_CTR_bytes] += bytes;
	pl_flow_lookup_burst(wk->flows, keys, hashes, nk, pos);
	if (rt->sigs)
		for (i = 0; i < RTE_MIN(nk, (uint16_t)PL_WK_SCAN_AHEAD); i++)
			payload_prefetch(wk, pkts[kpkt[i]], pos[i]);
	for (i = 0; i < n; i++) {
		struct pkt_ctx p = {
			.m = pkts[i],
			.meta = pl_meta(pkts[i]),
			.frame = rte_pktmbuf_mtod(pkts[i], const uint8_t *),
			.len = pl_frame_len(pkts[i]),
			.verdict = PL_VERDICT_FORWARD,
			.colour = 0xff,
		};

		/* non-IP and malformed frames were counted on arrival; they come here to be
		 * disposed of (freed, transmitted, or dropped by the malformed verdict) */
		if (likely(p.meta->kind == PL_KIND_IP)) {
			if (!(p.m->ol_flags & pl_counted_flag))
				pl_ctr_source(b, &rt->cfg, p.frame + p.meta->l3_off,
					      p.meta->flags & PL_F_IPV6, p.len);
			if (likely(!(p.meta->flags & PL_F_FRAGMENT))) {
				if (k + PL_WK_SCAN_AHEAD < nk && rt->sigs)
					payload_prefetch(wk, pkts[kpkt[k + PL_WK_SCAN_AHEAD]],
							 pos[k + PL_WK_SCAN_AHEAD]);
				p.now = *pl_meta_time(p.m);
				analyse(wk, b, rt, &fc, &p, &keys[k], hashes[k], pos[k]);
				k++;
			}
		}
		dispose(wk, b, rt, &p, freeb, &nfree);
	}
	if (!pl_app.opt.inline_mode) {
		b->v[PL_CTR_processed] += n;
		b->v[PL_CTR_freed] += n;
	}
	if (nfree)
		free_burst(freeb, nfree);
	pl_flow_age(wk->flows, wk->now_ns, PL_AGE_SCALE(n, PL_AGE_FLOWS), &fc);
	pl_sources_age(wk->sources, wk->now_ns, PL_SOURCE_IDLE_NS,
		       PL_AGE_SCALE(n, PL_AGE_SOURCES));
}

/*
 * Offline, a worker whose flow-export buffer has less room than one loop could fill with
 * flows ended by packets waits for the stats role to drain it (its next flip) before taking
 * more packets: a file can wait, so no flow record is lost however slowly the control plane
 * runs. Ageing never fills the reserve (lib/flow), so this only happens when packets alone
 * ended that many flows in one tick. Live traffic cannot wait: there a full buffer counts
 * what it loses (flows.export_dropped).
 */
_Static_assert(PL_MAX_RX * PL_LIVE_BURST <= PL_BANK_FLOWRECS_RESERVE &&
	       PL_BURST <= PL_BANK_FLOWRECS_RESERVE,
	       "a worker loop must fit in the flow-export reserve");

static inline int
export_full(const struct pl_worker_ctx *wk, const struct pl_ctr_bank *b)
{
	const struct pl_flow_export *e = b->flowrec;

	return pl_app.offline && pl_app.ipfix && e && e->cap - e->n < wk->nb_rings * pl_app.burst;
}

/* Outside any burst: this lcore holds no runtime pointer; a console request is served. */
static inline void
between_bursts(struct pl_worker_ctx *wk)
{
	rte_rcu_qsbr_quiescent(pl_app.rcu, wk->lcore);
	if (unlikely(__atomic_load_n(&pl_topflows_req, __ATOMIC_ACQUIRE) !=
		     pl_topflows_ack[wk->index]))
		pl_topflows_serve(wk);
}

/* Newest packet time any RX lcore saw: the end of the traffic, once they are done. */
static uint64_t
traffic_end(void)
{
	uint64_t end = 0;
	unsigned int r;

	for (r = 0; r < pl_app.nb_rx; r++)
		end = RTE_MAX(end, pl_app.rx[r]->last_ns);
	return end;
}

/* The mbufs that ring @p r holds next, up to @p max, left in it: the worker is its only
 * consumer, so they stay there until it dequeues them (the producer wrote them before it
 * moved the tail read here). */
static inline uint16_t
ring_peek(const struct rte_ring *r, struct rte_mbuf **obj, unsigned int max)
{
	const uint32_t head = r->cons.head;
	const uint32_t avail = __atomic_load_n(&r->prod.tail, __ATOMIC_ACQUIRE) - head;
	struct rte_mbuf *const *slot = (struct rte_mbuf *const *)&r[1];
	unsigned int i, k = RTE_MIN(avail, max);

	for (i = 0; i < k; i++)
		obj[i] = slot[(head + i) & r->mask];
	return (uint16_t)k;
}

int
pl_worker_loop(void *arg)
{
	struct pl_worker_ctx *wk = arg;
	struct pl_app *app = &pl_app;
	struct rte_mbuf *pkts[PL_BURST];
	unsigned int r, idle = 0;
	int yield = app->opt.idle_yield > 0;
	/* offline a burst is the reader's, live an RX lcore's (PL_LIVE_BURST) */
	const unsigned int burst = app->burst;

	rte_rcu_qsbr_thread_online(app->rcu, wk->lcore);
	for (;;) {
		uint64_t t0;
		struct pl_ctr_bank *b;

		if (unlikely(wk->stall_ms)) {
			/* fault injection (console: debug stall worker): a stuck worker */
			uint32_t ms = __atomic_exchange_n(&wk->stall_ms, 0, __ATOMIC_ACQ_REL);

			rte_delay_us_sleep(ms * 1000);
		}
		t0 = rte_rdtsc();
		b = pl_ctr_begin(wk->ctr);
		unsigned int got = 0, rx_done = 1;

		if (unlikely(export_full(wk, b))) {
			/* no burst: the next begin flips to the drained bank; meanwhile this
			 * lcore holds no runtime pointer and answers the console */
			pl_ctr_end(wk->ctr);
			between_bursts(wk);
			sched_yield();
			continue;
		}
		for (r = 0; r < wk->nb_rings; r++) {
			unsigned int n;

			/* read "done" before dequeuing: a done RX lcore enqueues nothing more,
			 * so an empty ring seen after it means empty for good */
			rx_done &= __atomic_load_n(&app->rx[r]->done, __ATOMIC_ACQUIRE);
			n = rte_ring_sc_dequeue_burst(wk->ring[r], (void **)pkts, burst, NULL);
			if (n == 0)
				continue;
			got += n;
			rx_done = 0;
			wk->nb_next = ring_peek(wk->ring[r], wk->next, burst);
			pl_worker_burst(wk, pkts, (uint16_t)n, b);
		}
		if (app->opt.inline_mode) {
			unsigned int p;

			for (p = 0; p < app->nb_ports; p++)
				pl_tx_flush(&wk->tx[p], (uint16_t)p, wk->txq, b);
		}
		if (!got && rx_done) {
			/* end of the traffic: attempts still waiting are unanswered */
			struct pl_flow_ctrs fc = flow_ctrs(b);

			pl_flow_finish(wk->flows, RTE_MAX(traffic_end(), wk->now_ns), &fc);
		}
		pl_ctr_poll(b, t0, got);
		if (got)
			idle = 0;
		pl_ctr_end(wk->ctr);
		between_bursts(wk);
		if (!got && rx_done)
			break;
		if (!got && ++idle > 1024 && yield) {
			sched_yield();
			idle = 0;
		}
	}
	rte_rcu_qsbr_thread_offline(app->rcu, wk->lcore);
	wk->done = 1;
	pl_stats_wake();
	return 0;
}
