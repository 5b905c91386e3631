/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Prometheus rendering of a snapshot (text exposition format 0.0.4), served by
 * lib/http at /metrics. Like json.c it only lays out the views the snapshot already holds
 * (totals, bins, top ports, balance, classes ...), with the same formulas for the few
 * ratios, so a scrape and /api/snapshot of the same snapshot carry the same numbers.
 *
 * Names follow the Prometheus conventions: prefix portlens_, base units, _total on
 * counters, ratios from 0 to 1, histograms as histograms (cumulative _bucket{le}, _sum,
 * _count). Labelled families iterate the X-macro lists (malformed and drop reasons, TCP
 * outcomes, flow counters, finding kinds), so a counter added there appears here too.
 *
 * The number of series is bounded by default: per-port series only for the well-known ports
 * (0-1023) and the busiest ports of each direction (top N by packets and by bytes), the bins
 * for everything; a label per port with traffic (up to 65536 per direction) only when asked
 * (pl_prom_opts.all_ports, /metrics?ports=all).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_export.h"

/* A growing text buffer; a failed allocation sticks (err) and is reported at the end. */
struct pbuf {
	char *p;
	size_t len, cap;
	int err;
};

static void __attribute__((format(printf, 2, 3)))
out(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->err = -EINVAL;
			return;
		}
		if ((size_t)n < b->cap - b->len)
			break;
		{
			size_t cap = (b->cap + (size_t)n + 1) * 2;
			char *q = realloc(b->p, cap);

			if (q == NULL) {
				b->err = -ENOMEM;
				return;
			}
			b->p = q;
			b->cap = cap;
		}
	}
	b->len += (size_t)n;
}

/* HELP and TYPE of a metric family. HELP text escapes backslash and newline. */
static void
family(struct pbuf *b, const char *name, const char *type, const char *help)
{
	const char *c;

	out(b, "# HELP portlens_%s ", name);
	for (c = help; *c; c++) {
		if (*c == '\\')
			out(b, "\\\\");
		else if (*c == '\n')
			out(b, "\\n");
		else
			out(b, "%c", *c);
	}
	out(b, "\n# TYPE portlens_%s %s\n", name, type);
}

/*
 * A label set {k1="v1",k2="v2"} from NULL-terminated key/value pairs, values escaped
 * (backslash, double quote, newline). Keys and values are short (names, numbers, class
 * and signature names of at most 32 bytes, port names of 64), so 512 bytes always hold
 * the longest; a value that would not fit is cut rather than overrun.
 */
struct lbl {
	char s[512];
};

static const char *
labels(struct lbl *l, ...)
{
	const size_t room = sizeof(l->s) - 4; /* keep space for '"', '}' and NUL */
	size_t n = 0;
	const char *k;
	va_list ap;

	va_start(ap, l);
	l->s[n++] = '{';
	while ((k = va_arg(ap, const char *)) != NULL) {
		const char *v = va_arg(ap, const char *);

		if (n > 1 && n < room)
			l->s[n++] = ',';
		for (; *k && n < room; k++)
			l->s[n++] = *k;
		if (n + 2 < room) {
			l->s[n++] = '=';
			l->s[n++] = '"';
		}
		for (; *v && n + 2 < room; v++) {
			char c = *v == '\n' ? 'n' : *v;

			if (*v == '\\' || *v == '"' || *v == '\n')
				l->s[n++] = '\\';
			l->s[n++] = c;
		}
		l->s[n++] = '"';
	}
	va_end(ap);
	l->s[n++] = '}';
	l->s[n] = '\0';
	return n == 2 ? "" : l->s;
}

static void
u64(struct pbuf *b, const char *name, const char *lbl, uint64_t v)
{
	out(b, "portlens_%s%s %" PRIu64 "\n", name, lbl, v);
}

static void
dbl(struct pbuf *b, const char *name, const char *lbl, double v)
{
	out(b, "portlens_%s%s %.17g\n", name, lbl, v);
}

/* A family of one unlabelled sample. */
static void
one_u64(struct pbuf *b, const char *name, const char *type, const char *help, uint64_t v)
{
	family(b, name, type, help);
	u64(b, name, "", v);
}

static void
render_meta(struct pbuf *b, const struct pl_snapshot *s)
{
	uint64_t first = s->total.time_first == UINT64_MAX ? 0 : s->total.time_first;
	uint64_t last = s->total.time_last;

	one_u64(b, "snapshot_seq", "gauge", "number of the snapshot these values come from",
		s->seq);
	one_u64(b, "snapshot_final", "gauge",
		"1 when this is the final snapshot, taken after the packet path stopped",
		s->final ? 1 : 0);
	family(b, "snapshot_timestamp_seconds", "gauge",
	       "wall-clock time the snapshot was taken");
	dbl(b, "snapshot_timestamp_seconds", "", s->wall_ns / 1e9);
	family(b, "packet_time_first_seconds", "gauge", "packet time of the first frame (0 if none)");
	dbl(b, "packet_time_first_seconds", "", first / 1e9);
	family(b, "packet_time_last_seconds", "gauge", "packet time of the last frame (0 if none)");
	dbl(b, "packet_time_last_seconds", "", last / 1e9);
	family(b, "capture_duration_seconds", "gauge", "packet time from the first to the last frame");
	dbl(b, "capture_duration_seconds", "", last > first ? (last - first) / 1e9 : 0);
	family(b, "interval_seconds", "gauge", "length of one counting interval");
	dbl(b, "interval_seconds", "", s->ival_ns / 1e9);
}

static void
render_totals(struct pbuf *b, const struct pl_snapshot *s)
{
	const uint64_t *v = s->total.v;
	struct lbl l;
	unsigned int r, d;

	one_u64(b, "packets_total", "counter",
		"frames analysed: IP + non-IP + malformed", v[PL_CTR_packets]);
	one_u64(b, "bytes_total", "counter",
		"bytes of the frames analysed (Ethernet header included, no FCS)", v[PL_CTR_bytes]);
	family(b, "malformed_packets_total", "counter",
	       "malformed frames by reason (sum: totals.malformed)");
	for (r = PL_MALFORMED_NONE + 1; r < PL_MALFORMED_MAX; r++)
		u64(b, "malformed_packets_total", labels(&l, "reason", pl_malformed_name(r), NULL),
		    s->total.malformed[r]);
	family(b, "encap_packets_total", "counter",
	       "frames analysed as the packet inside a tunnel, by encapsulation stripped");
	for (r = 0; r < PL_ENCAP_MAX; r++)
		u64(b, "encap_packets_total", labels(&l, "encap", pl_encap_name(r), NULL),
		    s->total.encap_packets[r]);
	family(b, "encap_bytes_total", "counter",
	       "bytes of those frames as received (outer headers included), by encapsulation");
	for (r = 0; r < PL_ENCAP_MAX; r++)
		u64(b, "encap_bytes_total", labels(&l, "encap", pl_encap_name(r), NULL),
		    s->total.encap_bytes[r]);
	one_u64(b, "fragments_total", "counter", "IPv4/IPv6 fragments (first and later)",
		v[PL_CTR_fragments]);
	one_u64(b, "non_ip_packets_total", "counter", "well-formed frames that are not IPv4/IPv6",
		v[PL_CTR_non_ip]);
	family(b, "ip_packets_total", "counter", "IP packets by version, fragments included");
	u64(b, "ip_packets_total", labels(&l, "protocol", "ipv4", NULL), v[PL_CTR_ipv4]);
	u64(b, "ip_packets_total", labels(&l, "protocol", "ipv6", NULL), v[PL_CTR_ipv6]);
	family(b, "l4_packets_total", "counter",
	       "non-fragment IP packets by L4 protocol (icmp includes ICMPv6)");
	u64(b, "l4_packets_total", labels(&l, "protocol", "tcp", NULL), v[PL_CTR_tcp]);
	u64(b, "l4_packets_total", labels(&l, "protocol", "udp", NULL), v[PL_CTR_udp]);
	u64(b, "l4_packets_total", labels(&l, "protocol", "icmp", NULL), v[PL_CTR_icmp]);
	u64(b, "l4_packets_total", labels(&l, "protocol", "other", NULL), v[PL_CTR_l4_other]);
	family(b, "direction_packets_total", "counter", "IP packets per direction");
	for (d = 0; d < PL_DIR_MAX; d++)
		u64(b, "direction_packets_total", labels(&l, "direction", pl_dir_name(d), NULL),
		    s->total.dir_packets[d]);
	family(b, "direction_bytes_total", "counter", "bytes of IP packets per direction");
	for (d = 0; d < PL_DIR_MAX; d++)
		u64(b, "direction_bytes_total", labels(&l, "direction", pl_dir_name(d), NULL),
		    s->total.dir_bytes[d]);
}

/* Mark in @p keep (65536 bits) the @p n ports of a row with most packets and with most bytes. */
static void
mark_top(const struct pl_snapshot *s, unsigned int row, unsigned int n, uint64_t *keep)
{
	uint16_t top[PL_PROM_TOP_MAX];
	unsigned int by, k, j;

	for (by = 0; by < 2; by++) {
		k = pl_snapshot_top_ports(s, row, (int)by, top, n);
		for (j = 0; j < k; j++)
			keep[top[j] >> 6] |= 1ULL << (top[j] & 63);
	}
}

/*
 * Per-port counters of the ports with traffic (as in the JSON `ports` view): by default only
 * the well-known ports and each direction's top N, every port with o->all_ports.
 */
static void
render_ports(struct pbuf *b, const struct pl_snapshot *s, const struct pl_prom_opts *o,
	     int bytes)
{
	const char *name = bytes ? "port_bytes_total" : "port_packets_total";
	uint64_t keep[65536 / 64];
	struct lbl l;
	unsigned int d, p;
	char port[8];

	family(b, name, "counter", bytes ?
	       "bytes per TCP/UDP destination port and direction (ports with traffic: the "
	       "well-known ones and the busiest, or all with ?ports=all)" :
	       "packets per TCP/UDP destination port and direction (ports with traffic: the "
	       "well-known ones and the busiest, or all with ?ports=all)");
	for (d = 0; d < PL_DIR_MAX; d++) {
		const struct pl_port_ctr *pc = s->ports + (size_t)d * 65536;

		memset(keep, 0, sizeof(keep));
		memset(keep, 0xff, 1024 / 8);
		if (!o->all_ports)
			mark_top(s, d, o->top_n, keep);
		for (p = 0; p < 65536; p++) {
			if (pc[p].packets == 0 ||
			    (!o->all_ports && !(keep[p >> 6] & (1ULL << (p & 63)))))
				continue;
			snprintf(port, sizeof(port), "%u", p);
			u64(b, name, labels(&l, "direction", pl_dir_name(d), "port", port, NULL),
			    bytes ? pc[p].bytes : pc[p].packets);
		}
	}
}

static void
render_bins(struct pbuf *b, const struct pl_snapshot *s, int bytes)
{
	const char *name = bytes ? "bin_bytes_total" : "bin_packets_total";
	uint32_t nb = s->bin_def ? s->bin_def->n : 0, i;
	struct lbl l;
	unsigned int d;
	char first[8], last[8];

	family(b, name, "counter", bytes ?
	       "bytes per port bin [first, last] and direction (bins with traffic)" :
	       "packets per port bin [first, last] and direction (bins with traffic)");
	for (d = 0; d < PL_DIR_MAX; d++) {
		const struct pl_port_ctr *bc = s->bins + (size_t)d * nb;

		for (i = 0; i < nb; i++) {
			if (bc[i].packets == 0)
				continue;
			snprintf(first, sizeof(first), "%u", (unsigned int)s->bin_def->bin[i].first);
			snprintf(last, sizeof(last), "%u", (unsigned int)s->bin_def->bin[i].last);
			u64(b, name, labels(&l, "direction", pl_dir_name(d), "first", first,
					    "last", last, NULL),
			    bytes ? bc[i].bytes : bc[i].packets);
		}
	}
}

/* The top ports: the port is a label, the value its packets or bytes. */
static void
render_top(struct pbuf *b, const struct pl_snapshot *s)
{
	struct lbl l;
	unsigned int d, by;
	char port[8];

	for (by = 0; by < 2; by++) {
		const char *name = by ? "top_port_bytes" : "top_port_packets";

		family(b, name, "gauge", by ?
		       "bytes of the TCP/UDP destination port with the most bytes, per direction "
		       "(the port is the label; absent when the direction has no TCP/UDP traffic)" :
		       "packets of the TCP/UDP destination port with the most packets, per "
		       "direction (the port is the label; absent when the direction has no TCP/UDP "
		       "traffic)");
		for (d = 0; d < PL_DIR_MAX; d++) {
			const struct pl_top *t = by ? &s->top_bytes[d] : &s->top_packets[d];

			if (t->port < 0)
				continue;
			snprintf(port, sizeof(port), "%u", (unsigned int)(uint16_t)t->port);
			u64(b, name, labels(&l, "direction", pl_dir_name(d), "port", port, NULL),
			    t->value);
		}
	}
}

/*
 * One histogram series: cumulative _bucket{le} from the counts of @p n buckets whose upper
 * bounds (inclusive, in the metric's unit) are @p le (the last bucket is +Inf), then _sum and
 * _count. @p lk/@p lv: one more label (NULL for none).
 */
static void
histogram(struct pbuf *b, const char *name, const char *lk, const char *lv,
	  const uint64_t *count, const double *le, unsigned int n, double sum)
{
	uint64_t acc = 0;
	struct lbl l;
	unsigned int i;
	char bound[32];

	for (i = 0; i < n; i++) {
		acc += count[i];
		if (i == n - 1)
			snprintf(bound, sizeof(bound), "+Inf");
		else
			snprintf(bound, sizeof(bound), "%.10g", le[i]);
		out(b, "portlens_%s_bucket%s %" PRIu64 "\n", name,
		    lk ? labels(&l, lk, lv, "le", bound, NULL) : labels(&l, "le", bound, NULL), acc);
	}
	out(b, "portlens_%s_sum%s %.17g\n", name, lk ? labels(&l, lk, lv, NULL) : "", sum);
	out(b, "portlens_%s_count%s %" PRIu64 "\n", name, lk ? labels(&l, lk, lv, NULL) : "",
	    acc);
}

/* Frame sizes on the wire (RMON / NIC buckets) and inter-arrival times, as histograms. */
static void
render_histograms(struct pbuf *b, const struct pl_snapshot *s)
{
	double le[PL_IAT_BUCKETS];
	unsigned int i, d;

	for (i = 0; i < PL_SIZE_BUCKETS; i++) {
		uint32_t lo, hi;

		pl_ctr_size_bounds(i, &lo, &hi);
		le[i] = hi;
	}
	family(b, "frame_size_bytes", "histogram",
	       "frames received by size on the wire (FCS included, padded to 64): the buckets "
	       "of rte_eth_xstats rx_size_64_packets ... rx_size_1519_to_max_packets");
	histogram(b, "frame_size_bytes", NULL, NULL, s->total.sizes, le, PL_SIZE_BUCKETS,
		  (double)s->total.v[PL_CTR_wire_bytes]);
	/* bucket i holds gaps in [2^i, 2^(i+1)) ns: at most 2^(i+1) - 1 ns */
	for (i = 0; i < PL_IAT_BUCKETS; i++)
		le[i] = (double)((2ULL << i) - 1) / 1e9;
	family(b, "interarrival_seconds", "histogram",
	       "gaps between consecutive IP packets of a direction (power-of-two buckets of ns)");
	for (d = 0; d < PL_DIR_MAX; d++)
		histogram(b, "interarrival_seconds", "direction", pl_dir_name(d), s->total.iat[d],
			  le, PL_IAT_BUCKETS, (double)s->total.iat_ns[d] / 1e9);
}

/* Same formulas as the JSON `lcores` view. */
static void
render_lcores(struct pbuf *b, const struct pl_snapshot *s)
{
	static const char *const names[] = { "lcore_packets_total", "lcore_busy_ratio",
		"lcore_cycles_per_packet", "lcore_ring_drops_total", "lcore_busy_cycles_total",
		"lcore_cycles_total", "lcore_stale" };
	static const char *const types[] = { "counter", "gauge", "gauge", "counter", "counter",
		"counter", "gauge" };
	static const char *const helps[] = {
		"frames received (rx) or analysed (worker) per lcore",
		"share of loop cycles spent on iterations that had packets, from 0 to 1",
		"busy TSC cycles per packet",
		"frames dropped on this RX lcore's rings, or on the rings toward this worker",
		"TSC cycles spent in iterations that handled packets",
		"TSC cycles of all loop iterations",
		"1 when the lcore did not answer this snapshot's flip in time",
	};
	unsigned int m, i, w, j;

	for (m = 0; m < RTE_DIM(names); m++) {
		family(b, names[m], types[m], helps[m]);
		for (i = 0; i < s->nb_lcores; i++) {
			const struct pl_snap_lcore *lc = &s->lcore[i];
			const uint64_t *v = lc->sum.v;
			uint64_t pkts = lc->role == PL_ROLE_RX ? v[PL_CTR_rx_packets] :
								 v[PL_CTR_packets];
			uint64_t drops = 0;
			char id[16], idx[16];
			struct lbl l;
			const char *lb;

			snprintf(id, sizeof(id), "%u", lc->lcore);
			snprintf(idx, sizeof(idx), "%u", lc->index);
			lb = labels(&l, "lcore", id, "role", pl_role_name(lc->role), "index", idx,
				    NULL);
			switch (m) {
			case 0:
				u64(b, names[m], lb, pkts);
				break;
			case 1:
				dbl(b, names[m], lb, v[PL_CTR_total_cycles] ?
				    (double)v[PL_CTR_busy_cycles] / v[PL_CTR_total_cycles] : 0);
				break;
			case 2:
				dbl(b, names[m], lb,
				    pkts ? (double)v[PL_CTR_busy_cycles] / pkts : 0);
				break;
			case 3:
				if (lc->role == PL_ROLE_RX) {
					for (w = 0; w < PL_MAX_WORKERS; w++)
						drops += lc->sum.ring_drops[w];
				} else if (lc->role == PL_ROLE_WORKER) {
					for (j = 0; j < s->nb_lcores; j++)
						if (s->lcore[j].role == PL_ROLE_RX)
							drops += s->lcore[j].sum.ring_drops[lc->index];
				}
				u64(b, names[m], lb, drops);
				break;
			case 4:
				u64(b, names[m], lb, v[PL_CTR_busy_cycles]);
				break;
			case 5:
				u64(b, names[m], lb, v[PL_CTR_total_cycles]);
				break;
			default:
				u64(b, names[m], lb, lc->stale ? 1 : 0);
				break;
			}
		}
	}
}

static void
render_hw(struct pbuf *b, const struct pl_snapshot *s)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} f[] = {
		{ "port_hw_rx_packets_total", "frames received by the port (rte_eth_stats ipackets)",
		  offsetof(struct pl_port_hw, ipackets) },
		{ "port_hw_rx_bytes_total", "bytes received by the port (ibytes)",
		  offsetof(struct pl_port_hw, ibytes) },
		{ "port_hw_rx_missed_total", "frames the port missed (imissed)",
		  offsetof(struct pl_port_hw, imissed) },
		{ "port_hw_rx_errors_total", "erroneous frames received (ierrors)",
		  offsetof(struct pl_port_hw, ierrors) },
		{ "port_hw_rx_nombuf_total", "RX mbuf allocation failures (rx_nombuf)",
		  offsetof(struct pl_port_hw, rx_nombuf) },
		{ "port_hw_tx_packets_total", "frames transmitted by the port (opackets)",
		  offsetof(struct pl_port_hw, opackets) },
		{ "port_hw_tx_bytes_total", "bytes transmitted by the port (obytes)",
		  offsetof(struct pl_port_hw, obytes) },
		{ "port_hw_tx_errors_total", "failed transmissions (oerrors)",
		  offsetof(struct pl_port_hw, oerrors) },
	};
	unsigned int m, i;

	for (m = 0; m < RTE_DIM(f); m++) {
		family(b, f[m].name, "counter", f[m].help);
		for (i = 0; i < s->nb_hw; i++) {
			const struct pl_port_hw *h = &s->hw[i];
			struct lbl l;
			char id[8];

			snprintf(id, sizeof(id), "%u", h->port);
			u64(b, f[m].name, labels(&l, "port_id", id, "name", h->name, NULL),
			    *(const uint64_t *)((const char *)h + f[m].off));
		}
	}
}

static void
render_balance(struct pbuf *b, const struct pl_snapshot *s)
{
	const struct pl_balance *bal = &s->balance;
	struct lbl l;
	unsigned int r;

	one_u64(b, "received_packets_total", "counter", "frames returned by rte_eth_rx_burst",
		bal->received);
	one_u64(b, "processed_packets_total", "counter",
		"frames analysed and disposed of normally (forwarded + freed)", bal->processed);
	one_u64(b, "forwarded_packets_total", "counter", "frames transmitted (inline mode)",
		bal->forwarded);
	one_u64(b, "freed_packets_total", "counter", "frames freed after analysis (monitor mode)",
		bal->freed);
	family(b, "dropped_packets_total", "counter",
	       "frames discarded, by reason: ring_full, tx_full, malformed (inline verdict), "
	       "verdict, qos_red, no_tx_port");
	for (r = 0; r < PL_DROP_MAX; r++)
		u64(b, "dropped_packets_total", labels(&l, "reason", pl_drop_name(r), NULL),
		    bal->dropped[r]);
	family(b, "in_flight_packets", "gauge",
	       "received - processed - dropped: frames in rings and TX buffers");
	out(b, "portlens_in_flight_packets %" PRId64 "\n", bal->in_flight);
	one_u64(b, "balance_closes", "gauge", "1 when received = processed + dropped",
		bal->in_flight == 0);
}

static void
render_classes(struct pbuf *b, const struct pl_snapshot *s)
{
	static const char *const colour[] = {
#define PL_X_NAME(name) #name,
		PL_COLOURS(PL_X_NAME)
#undef PL_X_NAME
	};
	uint64_t total = s->total.v[PL_CTR_bytes];
	struct lbl l;
	unsigned int c, k;

	family(b, "class_info", "gauge", "configured service classes (value 1)");
	for (c = 0; c < s->labels.nb_classes; c++)
		u64(b, "class_info", labels(&l, "class", s->labels.cls[c].name, "priority",
					    pl_priority_name(s->labels.cls[c].priority),
					    "encrypted", s->labels.cls[c].encrypted ? "true" : "false",
					    NULL), 1);
	family(b, "class_packets_total", "counter", "TCP/UDP packets per service class");
	for (c = 0; c < s->labels.nb_classes; c++)
		u64(b, "class_packets_total", labels(&l, "class", s->labels.cls[c].name, NULL),
		    s->total.class_packets[c]);
	family(b, "class_bytes_total", "counter", "bytes per service class");
	for (c = 0; c < s->labels.nb_classes; c++)
		u64(b, "class_bytes_total", labels(&l, "class", s->labels.cls[c].name, NULL),
		    s->total.class_bytes[c]);
	family(b, "class_connections_total", "counter",
	       "TCP connection attempts and UDP flows per service class");
	for (c = 0; c < s->labels.nb_classes; c++)
		u64(b, "class_connections_total", labels(&l, "class", s->labels.cls[c].name, NULL),
		    s->total.class_conns[c]);
	family(b, "class_share_ratio", "gauge", "a class's bytes over all bytes analysed");
	for (c = 0; c < s->labels.nb_classes; c++)
		dbl(b, "class_share_ratio", labels(&l, "class", s->labels.cls[c].name, NULL),
		    total ? (double)s->total.class_bytes[c] / (double)total : 0);
	family(b, "qos_packets_total", "counter", "packets per class and trTCM colour");
	for (c = 0; c < s->labels.nb_classes; c++)
		for (k = 0; k < 3; k++)
			u64(b, "qos_packets_total", labels(&l, "class", s->labels.cls[c].name,
							   "colour", colour[k], NULL),
			    s->total.qos[c][k]);
}

static void
render_tcp_flows(struct pbuf *b, const struct pl_snapshot *s)
{
	static const char *const fhelp[] = {
#define PL_X_HELP(name, help) help,
		PL_FLOW_COUNTERS(PL_X_HELP)
#undef PL_X_HELP
	};
	struct lbl l;
	unsigned int i;
	char name[64];

	family(b, "tcp_connections_total", "counter",
	       "TCP connection outcomes: attempted, established, rejected, unanswered, closed, "
	       "reset");
	for (i = 0; i < PL_TCP_MAX; i++)
		if (i != PL_TCP_time_wait && i != PL_TCP_active)
			u64(b, "tcp_connections_total",
			    labels(&l, "outcome", pl_tcp_outcome_name(i), NULL), s->total.tcp[i]);
	one_u64(b, "tcp_time_wait_connections", "gauge",
		"TCP connections closed within the TIME_WAIT period", s->total.tcp[PL_TCP_time_wait]);
	one_u64(b, "tcp_active_connections", "gauge",
		"TCP connections established, not closed or reset", s->total.tcp[PL_TCP_active]);
	for (i = 0; i < PL_FLOWC_MAX; i++) {
		int gauge = i == PL_FLOWC_tracked;

		snprintf(name, sizeof(name), "flows_%s%s", pl_flow_ctr_name(i), gauge ? "" : "_total");
		one_u64(b, name, gauge ? "gauge" : "counter", fhelp[i], s->total.flow[i]);
	}
}

static void
render_findings(struct pbuf *b, const struct pl_snapshot *s)
{
	uint64_t per[PL_FINDING_MAX] = { 0 }, ev[PL_FINDING_MAX] = { 0 };
	struct lbl l;
	uint32_t i;

	for (i = 0; i < s->nb_findings; i++) {
		per[s->findings[i].kind]++;
		ev[s->findings[i].kind] += s->findings[i].count;
	}
	family(b, "findings", "gauge", "findings in the snapshot per kind");
	for (i = 0; i < PL_FINDING_MAX; i++)
		u64(b, "findings", labels(&l, "kind", pl_finding_name(i), NULL), per[i]);
	family(b, "finding_events", "gauge", "events aggregated into the findings, per kind");
	for (i = 0; i < PL_FINDING_MAX; i++)
		u64(b, "finding_events", labels(&l, "kind", pl_finding_name(i), NULL), ev[i]);
	one_u64(b, "findings_dropped_total", "counter",
		"finding events that did not fit the bounded tables", s->findings_dropped);
}

static void
render_policy(struct pbuf *b, const struct pl_snapshot *s)
{
	struct lbl l;
	unsigned int i;

	family(b, "signature_matches_total", "counter", "payloads each signature matched");
	for (i = 0; i < s->labels.nb_sigs; i++)
		u64(b, "signature_matches_total", labels(&l, "signature", s->labels.sig[i], NULL),
		    s->total.sig_hits[i]);
	family(b, "app_protocol_flows_total", "counter", "flows per detected protocol");
	for (i = 0; i < PL_APP_MAX; i++)
		u64(b, "app_protocol_flows_total", labels(&l, "protocol", pl_app_name(i), NULL),
		    s->total.app_flows[i]);
	one_u64(b, "off_port_detections_total", "counter",
		"detections on a port that is not the protocol's home", s->total.v[PL_CTR_off_port]);
	/* payload scanning: one counter per PL_SCAN_COUNTERS entry, portlens_<name>_total */
#define PL_X_ONE(name, help) one_u64(b, #name "_total", "counter", help, \
				     s->total.v[PL_CTR_##name]);
	PL_SCAN_COUNTERS(PL_X_ONE)
#undef PL_X_ONE
	family(b, "verdict_packets_total", "counter", "decisions per IP packet");
	for (i = 0; i < PL_VERDICT_MAX; i++)
		u64(b, "verdict_packets_total", labels(&l, "verdict", pl_verdict_name(i), NULL),
		    s->total.verdicts[i]);
}

int
pl_export_prometheus(const struct pl_snapshot *s, char **buf, size_t *len)
{
	return pl_export_prometheus_opts(s, NULL, buf, len);
}

int
pl_export_prometheus_opts(const struct pl_snapshot *s, const struct pl_prom_opts *opts,
			  char **buf, size_t *len)
{
	static const struct pl_prom_opts defaults = { .all_ports = 0, .top_n = PL_PROM_TOP_N };
	struct pl_prom_opts o = opts ? *opts : defaults;
	struct pbuf b = { .cap = 64 * 1024 };

	if (o.top_n > PL_PROM_TOP_MAX)
		o.top_n = PL_PROM_TOP_MAX;

	b.p = malloc(b.cap);
	if (b.p == NULL)
		return -ENOMEM;
	b.p[0] = '\0';
	render_meta(&b, s);
	render_totals(&b, s);
	render_ports(&b, s, &o, 0);
	render_ports(&b, s, &o, 1);
	render_bins(&b, s, 0);
	render_bins(&b, s, 1);
	render_top(&b, s);
	render_histograms(&b, s);
	render_lcores(&b, s);
	render_hw(&b, s);
	render_balance(&b, s);
	render_classes(&b, s);
	render_tcp_flows(&b, s);
	render_findings(&b, s);
	render_policy(&b, s);
	if (b.err) {
		free(b.p);
		return b.err;
	}
	*buf = b.p;
	*len = b.len;
	return 0;
}
