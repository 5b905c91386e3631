/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console section "stats": the statistics views of the published snapshot. Views the JSON
 * snapshot has (lcores, balance, classes, tcp, findings, qos) are laid out from
 * pl_export_json()'s objects, so the console shows exactly what JSON and telemetry show;
 * bins and ports come from the snapshot's derived tables. Only `show lcores`'s ring fill is
 * live: it is a gauge of the rings now (rte_ring_count / rte_ring_get_capacity).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmdline_parse_string.h>

#include "pl_console.h"
#include "pl_export.h"

#define SEC "stats"
#define BAR_WIDTH 40

static uint64_t
ju(json_t *o, const char *k)
{
	return (uint64_t)json_integer_value(json_object_get(o, k));
}

static double
jr(json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static const char *
js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

static int
dir_of(const char *w)
{
	unsigned int d;

	for (d = 0; d < PL_DIR_MAX; d++)
		if (strcmp(w, pl_dir_name(d)) == 0)
			return (int)d;
	return -1;
}

/* ---- show lcores ---- */

/* Live ring fill of an lcore: RX: its rings to every worker; worker: every ring to it. */
static void
ring_fill(const struct pl_app *app, const char *role, unsigned int index, unsigned int *used,
	  unsigned int *cap)
{
	unsigned int i;

	*used = *cap = 0;
	if (strcmp(role, "rx") == 0 && index < app->nb_rx) {
		for (i = 0; i < app->nb_workers; i++) {
			*used += rte_ring_count(app->rx[index]->ring[i]);
			*cap += rte_ring_get_capacity(app->rx[index]->ring[i]);
		}
	} else if (strcmp(role, "worker") == 0 && index < app->nb_workers) {
		for (i = 0; i < app->wk[index]->nb_rings; i++) {
			*used += rte_ring_count(app->wk[index]->ring[i]);
			*cap += rte_ring_get_capacity(app->wk[index]->ring[i]);
		}
	}
}

static void
print_lcores(const struct pl_snapshot *s, json_t *a)
{
	json_t *e;
	size_t i;

	printf("lcores (snapshot %" PRIu64 ")%s\n", s->seq, pl_app.paused ?
	       "  [analysis stopped]" : "");
	printf("  %5s %-7s %5s %14s %7s %12s %17s %10s\n", "lcore", "role", "index", "packets",
	       "busy%", "cycles/pkt", "ring fill", "drops");
	printf("  %5u %-7s %5s %14s %7s %12s %17s %10s\n", rte_get_main_lcore(), "stats", "-",
	       "-", "-", "-", "-", "-");
	json_array_foreach(a, i, e) {
		unsigned int used, cap;
		char fill[32];

		ring_fill(&pl_app, js(e, "role"), (unsigned int)ju(e, "index"), &used, &cap);
		snprintf(fill, sizeof(fill), "%u/%u %3.0f%%", used, cap,
			 cap ? 100.0 * used / cap : 0.0);
		printf("  %5" PRIu64 " %-7s %5" PRIu64 " %14" PRIu64 " %6.1f%% %12.1f %17s %10"
		       PRIu64 "%s\n", ju(e, "lcore"), js(e, "role"), ju(e, "index"),
		       ju(e, "packets"), jr(e, "busy_pct"), jr(e, "cycles_per_packet"), fill,
		       ju(e, "ring_drops"), json_is_true(json_object_get(e, "stale")) ?
		       "  (stale)" : "");
	}
}

static void
show_lcores(void *res, struct cmdline *c, void *data)
{
	pl_cmd_show("lcores", print_lcores);
}

/* ---- show fwd stats all / clear fwd stats all: per lcore, since the last clear ---- */

/* The lcore sums at `clear fwd stats`, and the analysis clear they were taken under. */
static struct pl_ctr_sum *fwd_base;
static uint64_t fwd_base_clears;
static uint32_t fwd_base_n;

static void
show_fwd(void *res, struct cmdline *c, void *data)
{
	struct pl_snapshot *s = pl_cmd_snapshot();
	uint64_t tot_pkts = 0, tot_drops = 0;
	uint32_t i;
	int based;

	if (s == NULL)
		return;
	/* `clear stats` since restarts every count: the baseline no longer applies */
	based = fwd_base && fwd_base_clears == s->clears && fwd_base_n == s->nb_lcores;
	for (i = 0; i < s->nb_lcores; i++) {
		const struct pl_snap_lcore *l = &s->lcore[i];
		struct pl_ctr_sum d = l->sum;
		const uint64_t *bv = based ? fwd_base[i].v : NULL;
		uint64_t *dv = d.v, pkts, drops = 0;
		size_t k;

		for (k = 0; bv && k < PL_CTR_NVALUES; k++)
			dv[k] -= bv[k];
		pkts = l->role == PL_ROLE_RX ? d.v[PL_CTR_rx_packets] : d.v[PL_CTR_packets];
		for (k = 0; k < PL_MAX_WORKERS; k++)
			drops += d.ring_drops[k];
		tot_pkts += l->role == PL_ROLE_RX ? pkts : 0;
		tot_drops += drops;
		printf("\n  ------- Forward statistics for lcore %-3u (%s %u)%s -------\n", l->lcore,
		       pl_role_name(l->role), l->index, l->stale ? " stale" : "");
		printf("  %s: %-14" PRIu64 " Ring-drops: %-12" PRIu64 " Busy: %5.1f%%   "
		       "CPU cycles/packet: %.1f\n", l->role == PL_ROLE_RX ? "RX-packets" :
		       "Analysed", pkts, drops, d.v[PL_CTR_total_cycles] ?
		       100.0 * d.v[PL_CTR_busy_cycles] / d.v[PL_CTR_total_cycles] : 0.0,
		       pkts ? (double)d.v[PL_CTR_busy_cycles] / pkts : 0.0);
	}
	printf("\n  +++++++++++++++ Accumulated forward statistics for all lcores "
	       "+++++++++++++++\n");
	printf("  RX-packets: %-14" PRIu64 " Ring-drops: %-12" PRIu64 " (snapshot %" PRIu64
	       ", %s)\n", tot_pkts, tot_drops, s->seq, based ? "since clear fwd stats" :
	       s->clears ? "since clear stats" : "since start");
	printf("  ++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++\n");
	pl_snapshot_put(s);
}

static void
clear_fwd(void *res, struct cmdline *c, void *data)
{
	struct pl_snapshot *s = pl_cmd_snapshot();
	uint32_t i;

	if (s == NULL)
		return;
	if (fwd_base == NULL)
		fwd_base = calloc(PL_MAX_LCORES, sizeof(*fwd_base));
	if (fwd_base == NULL) {
		printf("error: out of memory\n");
		pl_snapshot_put(s);
		return;
	}
	for (i = 0; i < s->nb_lcores; i++)
		fwd_base[i] = s->lcore[i].sum;
	fwd_base_n = s->nb_lcores;
	fwd_base_clears = s->clears;
	printf("  forward statistics cleared at snapshot %" PRIu64 " (per lcore; the analysis "
	       "counters stay: 'clear stats' clears them)\n", s->seq);
	pl_snapshot_put(s);
}

/* clear stats: the analysis counters restart from zero at the next tick */
static void
clear_stats(void *res, struct cmdline *c, void *data)
{
	uint64_t seq;

	pl_collector_clear_request(&pl_app.col);
	seq = pl_cmd_next_snapshot();
	if (seq)
		printf("statistics cleared: snapshot %" PRIu64 " counts from zero (NIC counters "
		       "stay: 'clear port stats' clears them)\n", seq);
	else
		printf("nothing cleared: the packet path has ended and the final snapshot "
		       "keeps its counts\n");
}

/* ---- show balance ---- */

static void
show_balance(void *res, struct cmdline *c, void *data)
{
	struct pl_snapshot *s = pl_cmd_snapshot();
	json_t *b, *d, *v;
	const char *k;

	if (s == NULL)
		return;
	b = pl_view(s, "balance");
	printf("balance (snapshot %" PRIu64 "%s)\n", s->seq, s->final ? ", final" : "");
	printf("  received   %14" PRIu64 "\n", ju(b, "received"));
	printf("  processed  %14" PRIu64 "  (forwarded %" PRIu64 ", freed %" PRIu64 ")\n",
	       ju(b, "processed"), ju(b, "forwarded"), ju(b, "freed"));
	printf("  dropped    %14" PRIu64 "\n", ju(b, "dropped_total"));
	d = json_object_get(b, "dropped");
	json_object_foreach(d, k, v)
		if (json_integer_value(v))
			printf("    %-12s %12" PRIu64 "\n", k, (uint64_t)json_integer_value(v));
	printf("  in flight  %14" PRId64 "\n", (int64_t)json_integer_value(
		json_object_get(b, "in_flight")));
	printf("  received = processed + dropped + in flight: %s\n",
	       json_is_true(json_object_get(b, "closes")) ? "closes" :
	       "open (packets in flight)");
	if (pl_app.paused)
		printf("  analysis stopped: frames are received and processed, not analysed\n");
	json_decref(b);
	pl_snapshot_put(s);
}

/* ---- show bins / show ports top ---- */

struct row {
	uint32_t first, last;
	uint64_t v;
};

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? 1 : -1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static void
print_rows(const struct row *r, unsigned int n, const char *unit)
{
	uint64_t max = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (r[i].v > max)
			max = r[i].v;
	for (i = 0; i < n; i++) {
		char label[24], bar[BAR_WIDTH + 1];
		unsigned int w = max ? (unsigned int)((r[i].v * BAR_WIDTH + max - 1) / max) : 0;

		if (r[i].first == r[i].last)
			snprintf(label, sizeof(label), "%u", r[i].first);
		else
			snprintf(label, sizeof(label), "%u-%u", r[i].first, r[i].last);
		memset(bar, '#', w);
		bar[w] = '\0';
		printf("  %-12s %14" PRIu64 " %s |%s\n", label, r[i].v, unit, bar);
	}
}

struct cmd_bins_result {
	cmdline_fixed_string_t show, bins, dir, what, top, n;
};

static void
bins_common(struct cmd_bins_result *r, int with_top)
{
	struct pl_snapshot *s;
	unsigned long top = 0;
	int dir = dir_of(r->dir), bytes = strcmp(r->what, "bytes") == 0;
	struct row *rows;
	uint32_t nb, b, n = 0;

	if (with_top && pl_cmd_uint(SEC, "top", r->n, 1, 65536, &top))
		return;
	s = pl_cmd_snapshot();
	if (s == NULL)
		return;
	nb = s->bin_def ? s->bin_def->n : 0;
	rows = calloc(nb ? nb : 1, sizeof(*rows));
	if (rows == NULL) {
		pl_snapshot_put(s);
		return;
	}
	for (b = 0; b < nb; b++) {
		const struct pl_port_ctr *bc = &s->bins[(size_t)dir * nb + b];
		uint64_t v = bytes ? bc->bytes : bc->packets;

		if (v == 0)
			continue;
		rows[n++] = (struct row){ s->bin_def->bin[b].first, s->bin_def->bin[b].last, v };
	}
	if (with_top) {
		qsort(rows, n, sizeof(*rows), row_cmp);
		if (n > top)
			n = (uint32_t)top;
	}
	printf("bins %s %s (snapshot %" PRIu64 "): %u non-empty bins%s\n", r->dir, r->what,
	       s->seq, n, with_top ? ", largest first" : "");
	print_rows(rows, n, bytes ? "bytes" : "pkts");
	free(rows);
	pl_snapshot_put(s);
}

static void
show_bins(void *res, struct cmdline *c, void *data)
{
	bins_common(res, 0);
}

static void
show_bins_top(void *res, struct cmdline *c, void *data)
{
	bins_common(res, 1);
}

struct cmd_ports_result {
	cmdline_fixed_string_t show, ports, top, n, dir;
};

static void
show_ports_top(void *res, struct cmdline *c, void *data)
{
	struct cmd_ports_result *r = res;
	struct pl_snapshot *s;
	unsigned long top;
	struct row *rows;
	int dir = dir_of(r->dir);
	uint32_t p, n = 0, i;

	if (pl_cmd_uint(SEC, "top", r->n, 1, 65536, &top))
		return;
	s = pl_cmd_snapshot();
	if (s == NULL)
		return;
	rows = calloc(65536, sizeof(*rows));
	if (rows == NULL) {
		pl_snapshot_put(s);
		return;
	}
	for (p = 0; p < 65536; p++) {
		const struct pl_port_ctr *pc = &s->ports[(size_t)dir * 65536 + p];

		if (pc->packets)
			rows[n++] = (struct row){ p, p, pc->packets };
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	if (n > top)
		n = (uint32_t)top;
	printf("ports %s, top %lu by packets (snapshot %" PRIu64 ")\n", r->dir, top, s->seq);
	printf("  %-8s %14s %16s\n", "port", "packets", "bytes");
	for (i = 0; i < n; i++)
		printf("  %-8u %14" PRIu64 " %16" PRIu64 "\n", rows[i].first, rows[i].v,
		       s->ports[(size_t)dir * 65536 + rows[i].first].bytes);
	free(rows);
	pl_snapshot_put(s);
}

/* ---- classes, conn, findings, qos ---- */

static void
print_classes(const struct pl_snapshot *s, json_t *a)
{
	json_t *e;
	size_t i;

	printf("classes (snapshot %" PRIu64 ")\n", s->seq);
	printf("  %-16s %-9s %-9s %12s %14s %10s %7s %10s\n", "class", "priority", "encrypted",
	       "packets", "bytes", "conns", "share", "avg size");
	json_array_foreach(a, i, e) {
		uint64_t p = ju(e, "packets");

		printf("  %-16s %-9s %-9s %12" PRIu64 " %14" PRIu64 " %10" PRIu64 " %6.1f%% %10.1f\n",
		       js(e, "name"), js(e, "priority"),
		       json_is_true(json_object_get(e, "encrypted")) ? "yes" : "no", p,
		       ju(e, "bytes"), ju(e, "connections"), 100.0 * jr(e, "share"),
		       p ? (double)ju(e, "bytes") / p : 0.0);
	}
}

static void
show_classes(void *res, struct cmdline *c, void *data)
{
	pl_cmd_show("classes", print_classes);
}

static void
show_conn(void *res, struct cmdline *c, void *data)
{
	struct pl_snapshot *s = pl_cmd_snapshot();
	json_t *t, *f, *v;
	const char *k;
	uint64_t att;

	if (s == NULL)
		return;
	t = pl_view(s, "tcp");
	f = pl_view(s, "flows");
	att = ju(t, "attempted");
	printf("TCP connections (snapshot %" PRIu64 ")\n", s->seq);
	json_object_foreach(t, k, v) {
		uint64_t n = (uint64_t)json_integer_value(v);

		if (strcmp(k, "attempted") && att && strcmp(k, "time_wait") && strcmp(k, "active"))
			printf("  %-12s %12" PRIu64 "  %5.1f%% of attempts\n", k, n,
			       100.0 * n / att);
		else
			printf("  %-12s %12" PRIu64 "\n", k, n);
	}
	printf("flow table:");
	json_object_foreach(f, k, v)
		printf(" %s %" PRIu64, k, (uint64_t)json_integer_value(v));
	printf("\n");
	json_decref(t);
	json_decref(f);
	pl_snapshot_put(s);
}

struct cmd_findings_result {
	cmdline_fixed_string_t show, findings, kind;
};

static void
findings_common(const char *kind)
{
	struct pl_snapshot *s;
	json_t *a, *e;
	size_t i;
	unsigned int k, shown = 0;

	if (kind) {
		for (k = 0; k < PL_FINDING_MAX; k++)
			if (strcmp(kind, pl_finding_name(k)) == 0)
				break;
		if (k == PL_FINDING_MAX) {
			printf("error: no finding kind '%s'; kinds:", kind);
			for (k = 0; k < PL_FINDING_MAX; k++)
				printf(" %s", pl_finding_name(k));
			printf(" (type 'help stats')\n");
			return;
		}
	}
	s = pl_cmd_snapshot();
	if (s == NULL)
		return;
	a = pl_view(s, "findings");
	printf("findings%s%s (snapshot %" PRIu64 ")\n", kind ? " " : "", kind ? kind : "",
	       s->seq);
	json_array_foreach(a, i, e) {
		json_t *port = json_object_get(e, "port");
		char ps[8] = "-";

		if (kind && strcmp(js(e, "kind"), kind))
			continue;
		if (json_is_integer(port))
			snprintf(ps, sizeof(ps), "%" PRIu64, (uint64_t)json_integer_value(port));
		printf("  %-17s %-39s -> %-39s port %-5s x%-8" PRIu64 " %s", js(e, "kind"),
		       js(e, "src"), js(e, "dst"), ps, ju(e, "count"), js(e, "detail"));
		if (json_object_get(e, "peak_per_s"))
			printf(" (peak %" PRIu64 "/s, %" PRIu64 " to the target)",
			       ju(e, "peak_per_s"), ju(e, "target_conns"));
		printf("\n");
		shown++;
	}
	printf("  %u finding(s)", shown);
	if (s->findings_dropped)
		printf(", %" PRIu64 " finding events did not fit the table", s->findings_dropped);
	printf("\n");
	json_decref(a);
	pl_snapshot_put(s);
}

static void
show_findings(void *res, struct cmdline *c, void *data)
{
	findings_common(NULL);
}

static void
show_findings_kind(void *res, struct cmdline *c, void *data)
{
	findings_common(((struct cmd_findings_result *)res)->kind);
}

static void
print_qos(const struct pl_snapshot *s, json_t *q)
{
	json_t *v;
	const char *k;

	printf("QoS colours per class (snapshot %" PRIu64 ")\n", s->seq);
	printf("  %-16s %12s %12s %12s %7s\n", "class", "green", "yellow", "red", "red%");
	json_object_foreach(q, k, v) {
		uint64_t g = ju(v, "green"), y = ju(v, "yellow"), r = ju(v, "red");

		printf("  %-16s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %6.1f%%\n", k, g, y, r,
		       g + y + r ? 100.0 * r / (g + y + r) : 0.0);
	}
}

static void
show_qos(void *res, struct cmdline *c, void *data)
{
	pl_cmd_show("qos", print_qos);
}

/* Frame sizes as NICs count them (rte_eth_xstats names, wire sizes), and the gaps. */
static void
print_sizes(const struct pl_snapshot *s, json_t *a)
{
	uint64_t n = 0, g;
	unsigned int d, b;
	json_t *e;
	size_t i;

	json_array_foreach(a, i, e)
		n += ju(e, "packets");
	printf("frame sizes on the wire, FCS included (snapshot %" PRIu64 ")\n", s->seq);
	json_array_foreach(a, i, e)
		printf("  %-30s %14" PRIu64 " %6.1f%%\n", js(e, "name"), ju(e, "packets"),
		       n ? 100.0 * ju(e, "packets") / n : 0.0);
	printf("  %-30s %14" PRIu64 " B, %.1f B a frame\n", "wire bytes",
	       s->total.v[PL_CTR_wire_bytes], n ? (double)s->total.v[PL_CTR_wire_bytes] / n : 0.0);
	printf("inter-arrival gaps per direction\n");
	for (d = 0; d < PL_DIR_MAX; d++) {
		for (g = 0, b = 0; b < PL_IAT_BUCKETS; b++)
			g += s->total.iat[d][b];
		printf("  %-10s %14" PRIu64 " gaps, mean %.3f us\n", pl_dir_name(d), g,
		       g ? s->total.iat_ns[d] / 1e3 / (double)g : 0.0);
	}
}

static void
show_sizes(void *res, struct cmdline *c, void *data)
{
	pl_cmd_show("sizes", print_sizes);
}

/* ---- show encap ---- */

static void
print_encap(const struct pl_snapshot *s, json_t *o)
{
	json_t *v;
	const char *k;

	printf("encapsulations stripped (snapshot %" PRIu64 "%s; bytes: frames as received)\n",
	       s->seq, s->final ? ", final" : "");
	printf("  %-12s %14s %16s\n", "encap", "packets", "bytes");
	json_object_foreach(o, k, v)
		printf("  %-12s %14" PRIu64 " %16" PRIu64 "\n", k, ju(v, "packets"),
		       ju(v, "bytes"));
	if (!pl_parse_decap())
		printf("  decapsulation is off (--no-decap, config decap): tunnels count by "
		       "their outer headers\n");
}

static void
show_encap(void *res, struct cmdline *c, void *data)
{
	pl_cmd_show("encap", print_encap);
}

static void
print_summary(const struct pl_snapshot *s, json_t *none)
{
	pl_export_summary(s, stdout);
}

static void
show_summary(void *res, struct cmdline *c, void *data)
{
	pl_cmd_show(NULL, print_summary);
}

/* ---- show flows top N ---- */

struct cmd_flows_result {
	cmdline_fixed_string_t show, flows, top, n;
};

static void
show_flows_top(void *res, struct cmdline *c, void *data)
{
	struct cmd_flows_result *r = res;
	struct pl_topflow tf[PL_TOPFLOWS_MAX];
	unsigned long top;
	int n, i;

	if (pl_cmd_uint(SEC, "top", r->n, 1, PL_TOPFLOWS_MAX, &top))
		return;
	n = pl_topflows_get(&pl_app, tf, (unsigned int)top);
	if (n < 0) {
		printf("error: the workers did not answer (stopped?); try again\n");
		return;
	}
	printf("flows, top %lu by bytes (both directions; workers' tables now)\n", top);
	printf("  %-47s %-47s %-5s %10s %14s %-11s %s\n", "initiator", "responder", "proto",
	       "packets", "bytes", "tcp state", "class");
	for (i = 0; i < n; i++) {
		const struct pl_topflow *f = &tf[i];

		printf("  %-47s %-47s %-5s %10" PRIu64 " %14" PRIu64 " %-11s %s\n", f->src, f->dst,
		       f->proto, f->packets, f->bytes, f->state, f->cls);
	}
	printf("  %d flow(s)\n", n);
}

/* ---- tokens and instructions ---- */

/* Tab completion of `show findings KIND` */
static const char *
finding_kind(unsigned int i)
{
	return i < PL_FINDING_MAX ? pl_finding_name(i) : NULL;
}


#define T(st, S, f, v) static cmdline_parse_token_string_t st = TOKEN_STRING_INITIALIZER(S, f, v)
#define DIRS "in#out#internal#external"

struct cmd_word_result {
	cmdline_fixed_string_t show, what;
};
T(t_show, struct cmd_word_result, show, "show");
T(t_lcores, struct cmd_word_result, what, "lcores");
T(t_balance, struct cmd_word_result, what, "balance");
T(t_classes, struct cmd_word_result, what, "classes");
T(t_conn, struct cmd_word_result, what, "conn");
T(t_qos, struct cmd_word_result, what, "qos");
T(t_summary, struct cmd_word_result, what, "summary");
T(t_sizes, struct cmd_word_result, what, "sizes");
T(t_encap, struct cmd_word_result, what, "encap");

T(tb_show, struct cmd_bins_result, show, "show");
T(tb_bins, struct cmd_bins_result, bins, "bins");
T(tb_dir, struct cmd_bins_result, dir, DIRS);
T(tb_what, struct cmd_bins_result, what, "pkts#bytes");
T(tb_top, struct cmd_bins_result, top, "top");
T(tb_n, struct cmd_bins_result, n, NULL);

T(tp_show, struct cmd_ports_result, show, "show");
T(tp_ports, struct cmd_ports_result, ports, "ports");
T(tp_top, struct cmd_ports_result, top, "top");
T(tp_n, struct cmd_ports_result, n, NULL);
T(tp_dir, struct cmd_ports_result, dir, DIRS);

T(tf_show, struct cmd_findings_result, show, "show");
T(tf_findings, struct cmd_findings_result, findings, "findings");
static struct pl_token_names tf_kind =
	PL_TOKEN_NAMES_INITIALIZER(struct cmd_findings_result, kind, finding_kind);

T(tl_show, struct cmd_flows_result, show, "show");
T(tl_flows, struct cmd_flows_result, flows, "flows");
T(tl_top, struct cmd_flows_result, top, "top");
T(tl_n, struct cmd_flows_result, n, NULL);

struct cmd_fwd_result {
	cmdline_fixed_string_t verb, fwd, stats, all;
};
T(tw_show, struct cmd_fwd_result, verb, "show");
T(tw_clear, struct cmd_fwd_result, verb, "clear");
T(tw_fwd, struct cmd_fwd_result, fwd, "fwd");
T(tw_stats, struct cmd_fwd_result, stats, "stats");
T(tw_stats1, struct cmd_fwd_result, fwd, "stats");
T(tw_all, struct cmd_fwd_result, all, "all");

#define INST(name, fn, help, ...) \
	static cmdline_parse_inst_t name = { .f = fn, .help_str = help, \
		.tokens = { __VA_ARGS__, NULL } }

INST(i_lcores, show_lcores, "show lcores", (void *)&t_show, (void *)&t_lcores);
INST(i_balance, show_balance, "show balance", (void *)&t_show, (void *)&t_balance);
INST(i_classes, show_classes, "show classes", (void *)&t_show, (void *)&t_classes);
INST(i_conn, show_conn, "show conn", (void *)&t_show, (void *)&t_conn);
INST(i_qos, show_qos, "show qos", (void *)&t_show, (void *)&t_qos);
INST(i_summary, show_summary, "show summary", (void *)&t_show, (void *)&t_summary);
INST(i_sizes, show_sizes, "show sizes", (void *)&t_show, (void *)&t_sizes);
INST(i_encap, show_encap, "show encap", (void *)&t_show, (void *)&t_encap);
INST(i_bins, show_bins, "show bins in|out|internal|external pkts|bytes", (void *)&tb_show,
     (void *)&tb_bins, (void *)&tb_dir, (void *)&tb_what);
INST(i_bins_top, show_bins_top, "show bins in|out|internal|external pkts|bytes top N",
     (void *)&tb_show, (void *)&tb_bins, (void *)&tb_dir, (void *)&tb_what, (void *)&tb_top,
     (void *)&tb_n);
INST(i_ports, show_ports_top, "show ports top N in|out|internal|external", (void *)&tp_show,
     (void *)&tp_ports, (void *)&tp_top, (void *)&tp_n, (void *)&tp_dir);
INST(i_findings, show_findings, "show findings", (void *)&tf_show, (void *)&tf_findings);
INST(i_findings_kind, show_findings_kind, "show findings KIND", (void *)&tf_show,
     (void *)&tf_findings, (void *)&tf_kind);
INST(i_fwd, show_fwd, "show fwd stats all", (void *)&tw_show, (void *)&tw_fwd,
     (void *)&tw_stats, (void *)&tw_all);
INST(i_clear_fwd, clear_fwd, "clear fwd stats all", (void *)&tw_clear, (void *)&tw_fwd,
     (void *)&tw_stats, (void *)&tw_all);
INST(i_clear_stats, clear_stats, "clear stats", (void *)&tw_clear, (void *)&tw_stats1);
INST(i_flows, show_flows_top, "show flows top N", (void *)&tl_show, (void *)&tl_flows,
     (void *)&tl_top, (void *)&tl_n);

static cmdline_parse_inst_t *const insts[] = {
	&i_lcores, &i_balance, &i_classes, &i_conn, &i_qos, &i_summary, &i_bins, &i_bins_top,
	&i_ports, &i_findings, &i_findings_kind, &i_flows, &i_fwd, &i_clear_fwd, &i_clear_stats,
	&i_sizes, &i_encap, NULL,
};

static const struct pl_cmd_help help[] = {
	{ "show summary", "totals, directions, top ports, classes, balance" },
	{ "show lcores", "per lcore: role, packets, busy %, cycles/packet, ring fill, drops" },
	{ "show balance", "received = processed + dropped (by reason) + in flight" },
	{ "show bins in|out|internal|external pkts|bytes [top N]",
	  "per-bin counts with a bar chart (port order, or the N largest)" },
	{ "show ports top N in|out|internal|external", "the N busiest destination ports" },
	{ "show classes", "service classes: packets, bytes, connections, share, avg size" },
	{ "show conn", "TCP connection outcomes and the flow table" },
	{ "show findings [KIND]", "findings (all, or one kind: unauthorized_port ...)" },
	{ "show qos", "QoS meter colours per class" },
	{ "show sizes", "frame sizes as NICs count them (rx_size_*), inter-arrival gaps" },
	{ "show flows top N", "the N largest flows now (bytes), N <= 64" },
	{ "show fwd stats all",
	  "per lcore since 'clear fwd stats': packets, ring drops, busy %, cycles/packet" },
	{ "clear fwd stats all", "restart the per-lcore view from zero" },
	{ "clear stats", "restart the analysis counters from zero (every view; balance closes)" },
	{ "show encap", "tunnelled frames per encapsulation stripped: packets, bytes" },
	{ NULL, NULL },
};

const struct pl_cmd_section pl_cmd_stats = {
	.name = "stats",
	.summary = "statistics views of the newest snapshot",
	.insts = insts,
	.help = help,
};
