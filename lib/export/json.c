/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The JSON rendering of a snapshot (schema portlens.snapshot.v1) and the human summary.
 * Views come from the snapshot as derived once (bins, top ports, balance); this file only
 * lays them out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pl_export.h"

static void
set_u64(json_t *o, const char *k, uint64_t v)
{
	json_object_set_new(o, k, json_integer((json_int_t)v));
}

static json_t *
pkts_bytes(uint64_t packets, uint64_t bytes)
{
	json_t *o = json_object();

	set_u64(o, "packets", packets);
	set_u64(o, "bytes", bytes);
	return o;
}

static json_t *
render_time(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	uint64_t first = s->total.time_first == UINT64_MAX ? 0 : s->total.time_first;
	uint64_t last = s->total.time_last;

	set_u64(o, "first_ns", first);
	set_u64(o, "last_ns", last);
	json_object_set_new(o, "duration_s", json_real(last > first ? (last - first) / 1e9 : 0));
	return o;
}

static json_t *
render_totals(const struct pl_snapshot *s)
{
	json_t *o = json_object();

	set_u64(o, "packets", s->total.v[PL_CTR_packets]);
	set_u64(o, "bytes", s->total.v[PL_CTR_bytes]);
	set_u64(o, "malformed", s->total.v[PL_CTR_malformed]);
	set_u64(o, "fragments", s->total.v[PL_CTR_fragments]);
	set_u64(o, "non_ip", s->total.v[PL_CTR_non_ip]);
	return o;
}

static json_t *
render_malformed(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	unsigned int r;

	for (r = PL_MALFORMED_NONE + 1; r < PL_MALFORMED_MAX; r++)
		set_u64(o, pl_malformed_name(r), s->total.malformed[r]);
	return o;
}

/* Per encapsulation kind: the frames that carried it and their bytes (outer headers in). */
static json_t *
render_encap(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	unsigned int k;

	for (k = 0; k < PL_ENCAP_MAX; k++)
		json_object_set_new(o, pl_encap_name(k),
				    pkts_bytes(s->total.encap_packets[k], s->total.encap_bytes[k]));
	return o;
}

static json_t *
render_protocols(const struct pl_snapshot *s)
{
	json_t *o = json_object();

	set_u64(o, "ipv4", s->total.v[PL_CTR_ipv4]);
	set_u64(o, "ipv6", s->total.v[PL_CTR_ipv6]);
	set_u64(o, "tcp", s->total.v[PL_CTR_tcp]);
	set_u64(o, "udp", s->total.v[PL_CTR_udp]);
	set_u64(o, "icmp", s->total.v[PL_CTR_icmp]);
	set_u64(o, "other", s->total.v[PL_CTR_l4_other]);
	return o;
}

static json_t *
render_directions(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	unsigned int d;

	for (d = 0; d < PL_DIR_MAX; d++)
		json_object_set_new(o, pl_dir_name(d),
				    pkts_bytes(s->total.dir_packets[d], s->total.dir_bytes[d]));
	return o;
}

/* One row of the per-port table: {port, packets, bytes} per port with traffic, ascending. */
static json_t *
port_row(const struct pl_snapshot *s, unsigned int row)
{
	const struct pl_port_ctr *pc = s->ports + (size_t)row * 65536;
	json_t *a = json_array();
	unsigned int p;

	for (p = 0; p < 65536; p++) {
		json_t *e;

		if (pc[p].packets == 0)
			continue;
		e = pkts_bytes(pc[p].packets, pc[p].bytes);
		set_u64(e, "port", p);
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *
render_ports(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	unsigned int d;

	for (d = 0; d < PL_DIR_MAX; d++)
		json_object_set_new(o, pl_dir_name(d), port_row(s, d));
	return o;
}

static json_t *
render_bins(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	uint32_t nb = s->bin_def ? s->bin_def->n : 0, b;
	unsigned int d;

	for (d = 0; d < PL_DIR_MAX; d++) {
		const struct pl_port_ctr *bc = s->bins + (size_t)d * nb;
		json_t *a = json_array();

		for (b = 0; b < nb; b++) {
			json_t *e;

			if (bc[b].packets == 0)
				continue;
			e = json_object();
			set_u64(e, "first", s->bin_def->bin[b].first);
			set_u64(e, "last", s->bin_def->bin[b].last);
			set_u64(e, "packets", bc[b].packets);
			set_u64(e, "bytes", bc[b].bytes);
			json_array_append_new(a, e);
		}
		json_object_set_new(o, pl_dir_name(d), a);
	}
	return o;
}

static json_t *
top_entry(const struct pl_top *t, const char *what)
{
	json_t *e = json_object();

	json_object_set_new(e, "port", t->port < 0 ? json_null() : json_integer(t->port));
	set_u64(e, what, t->value);
	return e;
}

static json_t *
render_top(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	unsigned int d;

	for (d = 0; d < PL_DIR_MAX; d++) {
		json_t *e = json_object();

		json_object_set_new(e, "by_packets", top_entry(&s->top_packets[d], "packets"));
		json_object_set_new(e, "by_bytes", top_entry(&s->top_bytes[d], "bytes"));
		json_object_set_new(o, pl_dir_name(d), e);
	}
	return o;
}

static json_t *
render_sizes(const struct pl_snapshot *s)
{
	json_t *a = json_array();
	unsigned int b;

	for (b = 0; b < PL_SIZE_BUCKETS; b++) {
		json_t *e = json_object();
		uint32_t lo, hi;

		pl_ctr_size_bounds(b, &lo, &hi);
		json_object_set_new(e, "name", json_string(pl_ctr_size_name(b)));
		set_u64(e, "min", lo);
		json_object_set_new(e, "max", hi == UINT32_MAX ? json_null() : json_integer(hi));
		set_u64(e, "packets", s->total.sizes[b]);
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *
render_iat_sum(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	unsigned int d;

	for (d = 0; d < PL_DIR_MAX; d++)
		set_u64(o, pl_dir_name(d), s->total.iat_ns[d]);
	return o;
}

static json_t *
render_iat(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	unsigned int d, b;

	for (d = 0; d < PL_DIR_MAX; d++) {
		json_t *a = json_array();

		for (b = 0; b < PL_IAT_BUCKETS; b++) {
			json_t *e;

			if (s->total.iat[d][b] == 0)
				continue;
			e = json_object();
			set_u64(e, "min_ns", b == 0 ? 0 : 1ULL << b);
			if (b == PL_IAT_BUCKETS - 1)
				json_object_set_new(e, "max_ns", json_null());
			else
				set_u64(e, "max_ns", (1ULL << (b + 1)) - 1);
			set_u64(e, "packets", s->total.iat[d][b]);
			json_array_append_new(a, e);
		}
		json_object_set_new(o, pl_dir_name(d), a);
	}
	return o;
}

/* The capture files, one per line in the snapshot. */
static json_t *
render_inputs(const struct pl_snapshot *s)
{
	json_t *a = json_array();
	const char *p = s->inputs, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		json_array_append_new(a, json_stringn(p, nl ? (size_t)(nl - p) : strlen(p)));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return a;
}

static json_t *
render_intervals(const struct pl_snapshot *s)
{
	json_t *a = json_array();
	uint64_t i;

	for (i = 0; i < s->ivals.n; i++) {
		json_t *e = pkts_bytes(s->ivals.e[i].packets, s->ivals.e[i].bytes);

		set_u64(e, "start_ns", (s->ivals.base + i) * s->ival_ns);
		json_array_append_new(a, e);
	}
	return a;
}

/* Ring drops toward a worker: summed over every RX lcore's ring to it. */
static uint64_t
ring_drops_to(const struct pl_snapshot *s, unsigned int worker)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < s->nb_lcores; i++)
		if (s->lcore[i].role == PL_ROLE_RX)
			n += s->lcore[i].sum.ring_drops[worker];
	return n;
}

static json_t *
render_lcores(const struct pl_snapshot *s)
{
	json_t *a = json_array();
	unsigned int i, w;

	for (i = 0; i < s->nb_lcores; i++) {
		const struct pl_snap_lcore *l = &s->lcore[i];
		const uint64_t *v = l->sum.v;
		uint64_t pkts = l->role == PL_ROLE_RX ? v[PL_CTR_rx_packets] : v[PL_CTR_packets];
		uint64_t drops = 0;
		json_t *e = json_object();

		if (l->role == PL_ROLE_RX) {
			for (w = 0; w < PL_MAX_WORKERS; w++)
				drops += l->sum.ring_drops[w];
		} else if (l->role == PL_ROLE_WORKER) {
			drops = ring_drops_to(s, l->index);
		}
		set_u64(e, "lcore", l->lcore);
		json_object_set_new(e, "role", json_string(pl_role_name(l->role)));
		set_u64(e, "index", l->index);
		set_u64(e, "packets", pkts);
		json_object_set_new(e, "busy_pct", json_real(v[PL_CTR_total_cycles] ?
			100.0 * v[PL_CTR_busy_cycles] / v[PL_CTR_total_cycles] : 0));
		json_object_set_new(e, "cycles_per_packet",
				    json_real(pkts ? (double)v[PL_CTR_busy_cycles] / pkts : 0));
		set_u64(e, "ring_drops", drops);
		json_object_set_new(e, "stale", json_boolean(l->stale));
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *
render_hw(const struct pl_snapshot *s)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < s->nb_hw; i++) {
		const struct pl_port_hw *h = &s->hw[i];
		json_t *e = json_object();

		set_u64(e, "port", h->port);
		json_object_set_new(e, "name", json_string(h->name));
		set_u64(e, "ipackets", h->ipackets);
		set_u64(e, "ibytes", h->ibytes);
		set_u64(e, "imissed", h->imissed);
		set_u64(e, "ierrors", h->ierrors);
		set_u64(e, "rx_nombuf", h->rx_nombuf);
		set_u64(e, "opackets", h->opackets);
		set_u64(e, "obytes", h->obytes);
		set_u64(e, "oerrors", h->oerrors);
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *
render_balance(const struct pl_snapshot *s)
{
	const struct pl_balance *b = &s->balance;
	json_t *o = json_object(), *d = json_object();
	unsigned int r;

	set_u64(o, "received", b->received);
	set_u64(o, "processed", b->processed);
	set_u64(o, "forwarded", b->forwarded);
	set_u64(o, "freed", b->freed);
	for (r = 0; r < PL_DROP_MAX; r++)
		set_u64(d, pl_drop_name(r), b->dropped[r]);
	json_object_set_new(o, "dropped", d);
	set_u64(o, "dropped_total", b->dropped_total);
	json_object_set_new(o, "in_flight", json_integer(b->in_flight));
	json_object_set_new(o, "closes", json_boolean(b->in_flight == 0));
	return o;
}

static json_t *
render_classes(const struct pl_snapshot *s)
{
	json_t *a = json_array();
	uint64_t total = s->total.v[PL_CTR_bytes];
	unsigned int c;

	for (c = 0; c < s->labels.nb_classes; c++) {
		json_t *e = json_object();

		json_object_set_new(e, "name", json_string(s->labels.cls[c].name));
		json_object_set_new(e, "priority",
				    json_string(pl_priority_name(s->labels.cls[c].priority)));
		json_object_set_new(e, "encrypted", json_boolean(s->labels.cls[c].encrypted));
		set_u64(e, "packets", s->total.class_packets[c]);
		set_u64(e, "bytes", s->total.class_bytes[c]);
		set_u64(e, "connections", s->total.class_conns[c]);
		json_object_set_new(e, "share", json_real(total ?
			(double)s->total.class_bytes[c] / (double)total : 0));
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *
render_tcp(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	unsigned int i;

	for (i = 0; i < PL_TCP_MAX; i++)
		set_u64(o, pl_tcp_outcome_name(i), s->total.tcp[i]);
	return o;
}

static json_t *
render_flows(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	unsigned int i;

	for (i = 0; i < PL_FLOWC_MAX; i++)
		set_u64(o, pl_flow_ctr_name(i), s->total.flow[i]);
	set_u64(o, "exported", s->flow_exported);
	set_u64(o, "export_dropped", s->flow_export_dropped);
	return o;
}

static json_t *
addr_json(int family, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (family != 4 && family != 6)
		return json_null();
	inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
render_findings(const struct pl_snapshot *s)
{
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; i < s->nb_findings; i++) {
		const struct pl_finding *f = &s->findings[i];
		json_t *e = json_object();

		json_object_set_new(e, "kind", json_string(pl_finding_name(f->kind)));
		json_object_set_new(e, "src", addr_json(f->family, f->src));
		json_object_set_new(e, "dst", f->has_dst ? addr_json(f->family, f->dst) :
							    json_null());
		json_object_set_new(e, "port", f->has_port ? json_integer(f->port) : json_null());
		set_u64(e, "count", f->count);
		set_u64(e, "first_ns", f->first_ns);
		set_u64(e, "last_ns", f->last_ns);
		if (f->kind == PL_FINDING_rate_limit) {
			set_u64(e, "peak_per_s", f->peak_per_s);
			set_u64(e, "target_conns", f->target_conns);
		}
		json_object_set_new(e, "detail", json_string(f->detail));
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *
render_qos(const struct pl_snapshot *s)
{
	static const char *const colour[] = {
#define PL_X_NAME(name) #name,
		PL_COLOURS(PL_X_NAME)
#undef PL_X_NAME
	};
	json_t *o = json_object();
	unsigned int c, k;

	for (c = 0; c < s->labels.nb_classes; c++) {
		json_t *e = json_object();

		for (k = 0; k < 3; k++)
			set_u64(e, colour[k], s->total.qos[c][k]);
		json_object_set_new(o, s->labels.cls[c].name, e);
	}
	return o;
}

static json_t *
render_signatures(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	unsigned int i;

	for (i = 0; i < s->labels.nb_sigs; i++)
		set_u64(o, s->labels.sig[i], s->total.sig_hits[i]);
	return o;
}

static json_t *
render_apps(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	unsigned int i;

	for (i = 0; i < PL_APP_MAX; i++)
		set_u64(o, pl_app_name(i), s->total.app_flows[i]);
	set_u64(o, "off_port", s->total.v[PL_CTR_off_port]);
	return o;
}

/* Payload scanning: the PL_SCAN_COUNTERS, by their names. */
static json_t *
render_scan(const struct pl_snapshot *s)
{
	json_t *o = json_object();

#define PL_X_SET(name, help) set_u64(o, #name, s->total.v[PL_CTR_##name]);
	PL_SCAN_COUNTERS(PL_X_SET)
#undef PL_X_SET
	return o;
}

static json_t *
render_verdicts(const struct pl_snapshot *s)
{
	json_t *o = json_object();
	unsigned int i;

	for (i = 0; i < PL_VERDICT_MAX; i++)
		set_u64(o, pl_verdict_name(i), s->total.verdicts[i]);
	return o;
}

static json_t *
render_talkers(const struct pl_snapshot *s)
{
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; i < s->nb_talkers; i++) {
		const struct pl_talker *t = &s->top_talkers[i];
		json_t *e = json_object();

		json_object_set_new(e, "addr", addr_json(t->family, t->addr));
		set_u64(e, "packets", t->packets);
		set_u64(e, "bytes", t->bytes);
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *
render_backends(const struct pl_snapshot *s)
{
	json_t *a = json_array();
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < s->labels.nb_backends; i++)
		total += s->total.backend_bytes[i];
	for (i = 0; i < s->labels.nb_backends; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "name", json_string(s->labels.backend[i]));
		set_u64(e, "packets", s->total.backend_packets[i]);
		set_u64(e, "bytes", s->total.backend_bytes[i]);
		json_object_set_new(e, "share", json_real(total ?
			(double)s->total.backend_bytes[i] / (double)total : 0));
		json_array_append_new(a, e);
	}
	return a;
}

json_t *
pl_export_json(const struct pl_snapshot *s)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "schema", json_string(PL_SNAPSHOT_SCHEMA));
	set_u64(o, "seq", s->seq);
	json_object_set_new(o, "final", json_boolean(s->final));
	set_u64(o, "wall_ns", s->wall_ns);
	json_object_set_new(o, "time", render_time(s));
	json_object_set_new(o, "totals", render_totals(s));
	json_object_set_new(o, "malformed_reasons", render_malformed(s));
	json_object_set_new(o, "encap", render_encap(s));
	json_object_set_new(o, "protocols", render_protocols(s));
	json_object_set_new(o, "directions", render_directions(s));
	json_object_set_new(o, "ports", render_ports(s));
	json_object_set_new(o, "bins", render_bins(s));
	json_object_set_new(o, "top_ports", render_top(s));
	json_object_set_new(o, "sizes", render_sizes(s));
	set_u64(o, "sizes_wire_bytes", s->total.v[PL_CTR_wire_bytes]);
	json_object_set_new(o, "iat", render_iat(s));
	json_object_set_new(o, "iat_sum_ns", render_iat_sum(s));
	json_object_set_new(o, "service_ports", json_pack("{s:o}", "out",
							  port_row(s, PL_PORT_ROW_SERVICE)));
	json_object_set_new(o, "inputs", render_inputs(s));
	set_u64(o, "interval_ns", s->ival_ns);
	json_object_set_new(o, "intervals", render_intervals(s));
	json_object_set_new(o, "lcores", render_lcores(s));
	json_object_set_new(o, "ports_hw", render_hw(s));
	json_object_set_new(o, "balance", render_balance(s));
	json_object_set_new(o, "classes", render_classes(s));
	json_object_set_new(o, "tcp", render_tcp(s));
	json_object_set_new(o, "flows", render_flows(s));
	json_object_set_new(o, "findings", render_findings(s));
	set_u64(o, "findings_dropped", s->findings_dropped);
	set_u64(o, "sources_window_full", s->total.v[PL_CTR_sources_window_full]);
	json_object_set_new(o, "qos", render_qos(s));
	json_object_set_new(o, "signatures", render_signatures(s));
	json_object_set_new(o, "app_protocols", render_apps(s));
	json_object_set_new(o, "scan", render_scan(s));
	json_object_set_new(o, "verdicts", render_verdicts(s));
	json_object_set_new(o, "top_talkers", render_talkers(s));
	json_object_set_new(o, "talkers", json_pack("{s:I,s:I,s:I}", "distinct",
		(json_int_t)s->talkers_seen, "overflow_packets",
		(json_int_t)s->talkers_over_packets, "overflow_bytes",
		(json_int_t)s->talkers_over_bytes));
	json_object_set_new(o, "backends", render_backends(s));
	return o;
}

int
pl_export_write_atomic(const char *path, const char *buf, size_t len)
{
	char tmp[PATH_MAX];
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	/* traffic data: owner and group only (and the umask on top) */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		buf += n;
		len -= (size_t)n;
	}
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

int
pl_export_json_file(const struct pl_snapshot *s, const char *path)
{
	json_t *o = pl_export_json(s);
	char *text;
	int rc;

	if (o == NULL)
		return -ENOMEM;
	text = json_dumps(o, JSON_INDENT(1) | JSON_REAL_PRECISION(6));
	json_decref(o);
	if (text == NULL)
		return -ENOMEM;
	rc = pl_export_write_atomic(path, text, strlen(text));
	free(text);
	return rc;
}

int
pl_export_json_line(const struct pl_snapshot *s, FILE *f)
{
	json_t *o = pl_export_json(s);
	int rc;

	if (o == NULL)
		return -ENOMEM;
	rc = json_dumpf(o, f, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(o);
	if (rc == 0 && (fputc('\n', f) == EOF || fflush(f) == EOF))
		rc = -1;
	return rc ? -EIO : 0;
}

/* "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" of a packet time in ns since the epoch, UTC. */
static const char *
utc_ns(uint64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000ULL);
	struct tm tm;
	size_t n;

	gmtime_r(&sec, &tm);
	n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09" PRIu64, (uint64_t)(ns % 1000000000ULL));
	return buf;
}

/* The summary's encapsulation line, only when some frame was tunnelled. */
static void
encap_line(const struct pl_snapshot *s, FILE *f)
{
	unsigned int k, any = 0;

	for (k = 0; k < PL_ENCAP_MAX; k++) {
		if (s->total.encap_packets[k] == 0)
			continue;
		fprintf(f, "%s %s %" PRIu64 " pkts %" PRIu64 " bytes", any++ ? "," : "  encap",
			pl_encap_name(k), s->total.encap_packets[k], s->total.encap_bytes[k]);
	}
	if (any)
		fputc('\n', f);
}

void
pl_export_summary(const struct pl_snapshot *s, FILE *f)
{
	const uint64_t *v = s->total.v;
	const struct pl_balance *b = &s->balance;
	uint64_t first = s->total.time_first == UINT64_MAX ? 0 : s->total.time_first;
	double dur = s->total.time_last > first ? (s->total.time_last - first) / 1e9 : 0;
	const struct pl_port_ctr *svc = s->ports + (size_t)PL_PORT_ROW_SERVICE * 65536;
	const uint64_t *t = s->total.tcp;
	unsigned int d;
	uint16_t sp, sb;

	fprintf(f, "portlens snapshot %" PRIu64 "%s\n", s->seq, s->final ? " (final)" : "");
	fprintf(f, "  packets %" PRIu64 "  bytes %" PRIu64 "  duration %.3f s\n",
		v[PL_CTR_packets], v[PL_CTR_bytes], dur);
	if (first && s->total.time_last) {
		char a[40], z[40];

		/* rates over the packets' own time: a capture read in 1 s that spans 30 s
		 * reports its traffic's rate, not the reading speed */
		fprintf(f, "  window %s to %s UTC (first and last packet)\n",
			utc_ns(first, a, sizeof(a)), utc_ns(s->total.time_last, z, sizeof(z)));
		fprintf(f, "  rate %.0f pps  %.0f bit/s", dur > 0 ? v[PL_CTR_packets] / dur : 0.0,
			dur > 0 ? v[PL_CTR_bytes] * 8.0 / dur : 0.0);
		fprintf(f, "%s\n", dur > 0 ? " (over the window)" : " (a window of one instant)");
	}
	fprintf(f, "  ipv4 %" PRIu64 "  ipv6 %" PRIu64 "  tcp %" PRIu64 "  udp %" PRIu64
		"  icmp %" PRIu64 "  other %" PRIu64 "\n", v[PL_CTR_ipv4], v[PL_CTR_ipv6],
		v[PL_CTR_tcp], v[PL_CTR_udp], v[PL_CTR_icmp], v[PL_CTR_l4_other]);
	fprintf(f, "  fragments %" PRIu64 "  non-ip %" PRIu64 "  malformed %" PRIu64 "\n",
		v[PL_CTR_fragments], v[PL_CTR_non_ip], v[PL_CTR_malformed]);
	encap_line(s, f);
	for (d = 0; d < PL_DIR_MAX; d++) {
		fprintf(f, "  %-8s %12" PRIu64 " pkts %14" PRIu64 " bytes", pl_dir_name(d),
			s->total.dir_packets[d], s->total.dir_bytes[d]);
		/* outgoing answers go to clients' ports: name the local service port instead */
		if (d == PL_DIR_OUT && pl_snapshot_top_ports(s, PL_PORT_ROW_SERVICE, 0, &sp, 1) &&
		    pl_snapshot_top_ports(s, PL_PORT_ROW_SERVICE, 1, &sb, 1))
			fprintf(f, "   service port %u (%" PRIu64 " pkts), %u (%" PRIu64 " bytes)",
				sp, svc[sp].packets, sb, svc[sb].bytes);
		else if (s->top_packets[d].port >= 0)
			fprintf(f, "   top port %d (%" PRIu64 " pkts), %d (%" PRIu64 " bytes)",
				s->top_packets[d].port, s->top_packets[d].value,
				s->top_bytes[d].port, s->top_bytes[d].value);
		fputc('\n', f);
	}
	for (d = 0; d < s->labels.nb_classes; d++)
		if (s->total.class_packets[d])
			fprintf(f, "  class %-10s %10" PRIu64 " pkts %14" PRIu64 " bytes %8" PRIu64
				" conns %5.1f%%\n", s->labels.cls[d].name,
				s->total.class_packets[d], s->total.class_bytes[d],
				s->total.class_conns[d], v[PL_CTR_bytes] ?
				100.0 * s->total.class_bytes[d] / v[PL_CTR_bytes] : 0.0);
	if (t[PL_TCP_attempted] || t[PL_TCP_established])
		/* the report's definitions: failed = rejected + unanswered, resets apart */
		fprintf(f, "  tcp attempts %" PRIu64 ": established %" PRIu64 ", failed %" PRIu64
			" (rejected %" PRIu64 ", unanswered %" PRIu64 "), reset in handshake %" PRIu64
			"; established: closed %" PRIu64 ", reset %" PRIu64 ", open %" PRIu64
			", time_wait %" PRIu64 "\n", t[PL_TCP_attempted], t[PL_TCP_established],
			t[PL_TCP_rejected] + t[PL_TCP_unanswered], t[PL_TCP_rejected],
			t[PL_TCP_unanswered], t[PL_TCP_reset_in_handshake], t[PL_TCP_closed],
			t[PL_TCP_reset], t[PL_TCP_active], t[PL_TCP_time_wait]);
	if (s->nb_findings) {
		uint64_t per[PL_FINDING_MAX] = { 0 };
		uint32_t i;

		for (i = 0; i < s->nb_findings; i++)
			per[s->findings[i].kind]++;
		fprintf(f, "  findings %" PRIu32 ":", s->nb_findings);
		for (d = 0; d < PL_FINDING_MAX; d++)
			if (per[d])
				fprintf(f, " %s %" PRIu64, pl_finding_name(d), per[d]);
		fputc('\n', f);
	}
	fprintf(f, "  balance: received %" PRIu64 " = processed %" PRIu64 " + dropped %" PRIu64
		" + in flight %" PRId64 " %s\n", b->received, b->processed, b->dropped_total,
		b->in_flight, b->in_flight == 0 ? "(closes)" : "(open)");
}
