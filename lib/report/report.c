/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Markdown report (FinMark style) from one snapshot: executive summary, volume,
 * protocols, ports and classes, bandwidth per class, security indicators from the findings
 * and TCP outcomes, QoS colours, backend pools, top talkers, the per-port study block with
 * its four charts, and recommendations derived from what was found. docs/report.md says how
 * each number is computed. Nothing here invents data: a section with nothing to show says so.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pl_classify.h"
#include "pl_export.h"
#include "pl_flow.h"
#include "pl_report.h"

void
pl_report_study(const struct pl_snapshot *s, unsigned int dir, struct pl_report_study *out)
{
	const struct pl_port_ctr *pc = s->ports + (size_t)(dir % PL_DIR_MAX) * 65536;
	unsigned int p;

	memset(out, 0, sizeof(*out));
	out->port_packets = out->port_bytes = -1;
	for (p = 0; p < 65536; p++) {
		if (pc[p].packets == 0)
			continue;
		out->total_packets += pc[p].packets;
		out->total_bytes += pc[p].bytes;
		/* strictly greater: ties go to the lower port, as in the snapshot's top ports */
		if (pc[p].packets > out->max_packets) {
			out->max_packets = pc[p].packets;
			out->port_packets = (int32_t)p;
		}
		if (pc[p].bytes > out->max_bytes) {
			out->max_bytes = pc[p].bytes;
			out->port_bytes = (int32_t)p;
		}
	}
}

/* ---- formatting helpers ---- */

static double
pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* "12.3 MB" (decimal units), exact below 1000. */
static const char *
hbytes(char *buf, size_t len, double v)
{
	static const char *const u[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	unsigned int i = 0;

	while (v >= 1000 && i < 5) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, i ? "%.2f %s" : "%.0f %s", v, u[i]);
	return buf;
}

/* bits per second, "12.34 Mbit/s". */
static const char *
hrate(char *buf, size_t len, double bps)
{
	static const char *const u[] = { "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s" };
	unsigned int i = 0;

	while (bps >= 1000 && i < 4) {
		bps /= 1000;
		i++;
	}
	snprintf(buf, len, "%.2f %s", bps, u[i]);
	return buf;
}

static const char *
addr_text(char *buf, size_t len, int family, const uint8_t *a)
{
	if (family != 4 && family != 6)
		return "-";
	if (inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, (socklen_t)len) == NULL)
		return "?";
	return buf;
}

static double
duration_s(const struct pl_snapshot *s)
{
	uint64_t first = s->total.time_first == UINT64_MAX ? 0 : s->total.time_first;

	return s->total.time_last > first ? (double)(s->total.time_last - first) / 1e9 : 0;
}

/* Markdown table cells must not contain '|' or new lines. */
static void
cell(FILE *f, const char *text)
{
	for (; *text; text++)
		fputs(*text == '|' ? "\\|" : *text == '\n' ? " " : (char[2]){ *text, 0 }, f);
}

/* The busiest interval by bytes (and its index), from the snapshot's intervals. */
static int64_t
peak_interval(const struct pl_snapshot *s, uint64_t *bytes, uint64_t *packets)
{
	int64_t best = -1;
	uint64_t i;

	*bytes = *packets = 0;
	for (i = 0; i < s->ivals.n; i++)
		if (best < 0 || s->ivals.e[i].bytes > *bytes) {
			best = (int64_t)i;
			*bytes = s->ivals.e[i].bytes;
		}
	for (i = 0; i < s->ivals.n; i++)
		if (s->ivals.e[i].packets > *packets)
			*packets = s->ivals.e[i].packets;
	return best;
}

/* What the findings say, counted once for the summary, the indicators and the advice. */
struct digest {
	uint64_t kinds[PL_FINDING_MAX];     /* distinct findings per kind */
	uint64_t events[PL_FINDING_MAX];    /* events per kind (sum of counts) */
	uint64_t http_clear;                /* unencrypted findings: cleartext HTTP */
	uint64_t class_clear;               /* unencrypted findings: encryption required */
	int pgsql_clear;                    /* cleartext PostgreSQL seen */
	uint16_t ports[16];                 /* distinct unauthorised ports (first 16) */
	unsigned int nb_ports;
	unsigned int more_ports;
	uint64_t conn_failed;               /* rejected + unanswered + reset */
};

static void
digest(const struct pl_snapshot *s, struct digest *d)
{
	uint32_t i;
	unsigned int k;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < s->nb_findings; i++) {
		const struct pl_finding *f = &s->findings[i];

		if (f->kind >= PL_FINDING_MAX)
			continue;
		d->kinds[f->kind]++;
		d->events[f->kind] += f->count;
		if (f->kind == PL_FINDING_unencrypted) {
			if (strstr(f->detail, "HTTP"))
				d->http_clear++;
			else
				d->class_clear++;
			if (strstr(f->detail, "pgsql"))
				d->pgsql_clear = 1;
		}
		if (f->kind == PL_FINDING_unauthorized_port && f->has_port) {
			for (k = 0; k < d->nb_ports; k++)
				if (d->ports[k] == f->port)
					break;
			if (k == d->nb_ports) {
				if (d->nb_ports < 16)
					d->ports[d->nb_ports++] = f->port;
				else
					d->more_ports++;
			}
		}
	}
	if (s->total.app_flows[PL_APP_pgsql_clear])
		d->pgsql_clear = 1;
	d->conn_failed = s->total.tcp[PL_TCP_rejected] + s->total.tcp[PL_TCP_unanswered] +
			 s->total.tcp[PL_TCP_reset];
}

/* ---- sections ---- */

static void
sec_header(FILE *f, const struct pl_snapshot *s)
{
	char when[64] = "unknown";
	time_t t = (time_t)(s->wall_ns / 1000000000ULL);
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "# Network traffic report\n\n");
	fprintf(f, "Generated by portlens from snapshot %" PRIu64 "%s, taken %s.\n\n", s->seq,
		s->final ? " (final)" : "", when);
}

static void
sec_summary(FILE *f, const struct pl_snapshot *s, const struct digest *d, unsigned int nb_rec)
{
	const uint64_t *v = s->total.v;
	double dur = duration_s(s);
	char a[32], b[32];
	unsigned int c, best = UINT_MAX;

	for (c = 0; c < s->labels.nb_classes; c++)
		if (s->total.class_bytes[c] &&
		    (best == UINT_MAX || s->total.class_bytes[c] > s->total.class_bytes[best]))
			best = c;
	fprintf(f, "## Executive summary\n\n");
	fprintf(f, "- **%" PRIu64 " packets** and **%s** of IP traffic over %.3f s "
		"(average %s).\n", v[PL_CTR_packets], hbytes(a, sizeof(a), (double)v[PL_CTR_bytes]),
		dur, hrate(b, sizeof(b), dur > 0 ? v[PL_CTR_bytes] * 8.0 / dur : 0));
	if (best != UINT_MAX)
		fprintf(f, "- The largest service class is **%s** (%s priority) with %.1f %% of "
			"the bytes.\n", s->labels.cls[best].name,
			pl_priority_name(s->labels.cls[best].priority),
			pct(s->total.class_bytes[best], v[PL_CTR_bytes]));
	if (s->total.tcp[PL_TCP_attempted])
		fprintf(f, "- TCP connection health: %" PRIu64 " attempts, %" PRIu64
			" established (%.1f %%), %" PRIu64 " failed or reset.\n",
			s->total.tcp[PL_TCP_attempted], s->total.tcp[PL_TCP_established],
			pct(s->total.tcp[PL_TCP_established], s->total.tcp[PL_TCP_attempted]),
			d->conn_failed);
	if (s->nb_findings == 0) {
		fprintf(f, "- **No security findings**: no cleartext where encryption is required, "
			"no connection attempts to unauthorised ports, no card numbers, no source "
			"above its rate limit.\n");
	} else {
		fprintf(f, "- **%" PRIu32 " security findings**:", s->nb_findings);
		for (c = 0; c < PL_FINDING_MAX; c++)
			if (d->kinds[c])
				fprintf(f, " %s %" PRIu64 ";", pl_finding_name(c), d->kinds[c]);
		fprintf(f, " see the security analysis.\n");
	}
	fprintf(f, "- %u recommendation%s follow%s from these results.\n\n", nb_rec,
		nb_rec == 1 ? "" : "s", nb_rec == 1 ? "s" : "");
}

static void
sec_volume(FILE *f, const struct pl_snapshot *s)
{
	const uint64_t *v = s->total.v;
	double dur = duration_s(s), ival = s->ival_ns / 1e9;
	uint64_t pb, pp;
	int64_t peak = peak_interval(s, &pb, &pp);
	char a[32], b[32];

	fprintf(f, "## Traffic volume\n\n| Metric | Value |\n|---|---|\n");
	fprintf(f, "| Total packets | %" PRIu64 " |\n", v[PL_CTR_packets]);
	fprintf(f, "| Total bytes | %" PRIu64 " (%s) |\n", v[PL_CTR_bytes],
		hbytes(a, sizeof(a), (double)v[PL_CTR_bytes]));
	fprintf(f, "| Average packet size | %.1f bytes |\n",
		v[PL_CTR_packets] ? (double)v[PL_CTR_bytes] / v[PL_CTR_packets] : 0);
	fprintf(f, "| Duration | %.3f s |\n", dur);
	fprintf(f, "| Average throughput | %s, %.1f packets/s |\n",
		hrate(a, sizeof(a), dur > 0 ? v[PL_CTR_bytes] * 8.0 / dur : 0),
		dur > 0 ? v[PL_CTR_packets] / dur : 0);
	if (peak >= 0 && ival > 0) {
		/* intervals are aligned on the clock: the first may start before the traffic */
		double at = (double)(s->ivals.base + (uint64_t)peak) * ival -
			    (s->total.time_first == UINT64_MAX ? 0 : s->total.time_first / 1e9);

		fprintf(f, "| Peak throughput | %s in the %.3f s interval starting at %.3f s "
			"(%" PRIu64 " bytes) |\n| Peak packet rate | %.1f packets/s |\n",
			hrate(b, sizeof(b), pb * 8.0 / ival), ival, at > 0 ? at : 0.0, pb,
			pp / ival);
	}
	fprintf(f, "| Frames received | %" PRIu64 " (malformed %" PRIu64 ", non-IP %" PRIu64
		") |\n\n", s->balance.received, v[PL_CTR_malformed], v[PL_CTR_non_ip]);
}

static void
sec_protocols(FILE *f, const struct pl_snapshot *s)
{
	static const struct { int ctr; const char *name; } rows[] = {
		{ PL_CTR_tcp, "TCP" }, { PL_CTR_udp, "UDP" }, { PL_CTR_icmp, "ICMP/ICMPv6" },
		{ PL_CTR_l4_other, "Other L4" }, { PL_CTR_fragments, "Fragments" },
	};
	const uint64_t *v = s->total.v;
	unsigned int i, d;

	fprintf(f, "## Protocol distribution\n\n| Protocol | Packets | Share of IP packets |\n"
		"|---|---:|---:|\n");
	fprintf(f, "| IPv4 | %" PRIu64 " | %.1f %% |\n| IPv6 | %" PRIu64 " | %.1f %% |\n",
		v[PL_CTR_ipv4], pct(v[PL_CTR_ipv4], v[PL_CTR_packets]), v[PL_CTR_ipv6],
		pct(v[PL_CTR_ipv6], v[PL_CTR_packets]));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		fprintf(f, "| %s | %" PRIu64 " | %.1f %% |\n", rows[i].name, v[rows[i].ctr],
			pct(v[rows[i].ctr], v[PL_CTR_packets]));
	fprintf(f, "\n| Direction | Packets | Bytes | Share of bytes |\n|---|---:|---:|---:|\n");
	for (d = 0; d < PL_DIR_MAX; d++)
		fprintf(f, "| %s | %" PRIu64 " | %" PRIu64 " | %.1f %% |\n", pl_dir_name(d),
			s->total.dir_packets[d], s->total.dir_bytes[d],
			pct(s->total.dir_bytes[d], v[PL_CTR_bytes]));
	fputc('\n', f);
}

/* The @p n ports of a direction with most bytes (ties: lower port). */
static unsigned int
top_ports(const struct pl_snapshot *s, unsigned int dir, uint16_t *out, unsigned int n)
{
	const struct pl_port_ctr *pc = s->ports + (size_t)dir * 65536;
	unsigned int k = 0, p, j;

	for (p = 0; p < 65536; p++) {
		if (pc[p].packets == 0)
			continue;
		for (j = k < n ? k : n; j > 0 && pc[out[j - 1]].bytes < pc[p].bytes; j--)
			if (j < n)
				out[j] = out[j - 1];
		if (j < n) {
			out[j] = (uint16_t)p;
			if (k < n)
				k++;
		}
	}
	return k;
}

static void
sec_classes(FILE *f, const struct pl_snapshot *s)
{
	const uint64_t *v = s->total.v;
	uint64_t cp = 0, cb = 0;
	unsigned int c, d, i, n;
	uint16_t top[10];

	fprintf(f, "## Port and class analysis\n\n");
	if (s->labels.nb_classes == 0) {
		fprintf(f, "No service classes are configured.\n\n");
	} else {
		fprintf(f, "| Class | Priority | Encryption required | Packets | Bytes | "
			"Share of bytes | Share of packets | Average size | Connections |\n"
			"|---|---|---|---:|---:|---:|---:|---:|---:|\n");
		for (c = 0; c < s->labels.nb_classes; c++) {
			uint64_t p = s->total.class_packets[c], b = s->total.class_bytes[c];

			cp += p;
			cb += b;
			fprintf(f, "| %s | %s | %s | %" PRIu64 " | %" PRIu64 " | %.1f %% | %.1f %% | "
				"%.1f B | %" PRIu64 " |\n", s->labels.cls[c].name,
				pl_priority_name(s->labels.cls[c].priority),
				s->labels.cls[c].encrypted ? "yes" : "no", p, b,
				pct(b, v[PL_CTR_bytes]), pct(p, v[PL_CTR_packets]),
				p ? (double)b / p : 0, s->total.class_conns[c]);
		}
		fprintf(f, "| (no class) | | | %" PRIu64 " | %" PRIu64 " | %.1f %% | %.1f %% | "
			"%.1f B | |\n\n", v[PL_CTR_packets] - cp, v[PL_CTR_bytes] - cb,
			pct(v[PL_CTR_bytes] - cb, v[PL_CTR_bytes]),
			pct(v[PL_CTR_packets] - cp, v[PL_CTR_packets]),
			v[PL_CTR_packets] > cp ?
			(double)(v[PL_CTR_bytes] - cb) / (v[PL_CTR_packets] - cp) : 0);
	}
	for (d = PL_DIR_IN; d <= PL_DIR_OUT; d++) {
		const struct pl_port_ctr *pc = s->ports + (size_t)d * 65536;

		n = top_ports(s, d, top, 10);
		fprintf(f, "Top destination ports, %s (by bytes):\n\n", d == PL_DIR_IN ?
			"incoming" : "outgoing");
		if (n == 0) {
			fprintf(f, "none (no TCP/UDP traffic in this direction).\n\n");
			continue;
		}
		fprintf(f, "| Port | Packets | Bytes | Share of direction bytes | Average size |\n"
			"|---:|---:|---:|---:|---:|\n");
		for (i = 0; i < n; i++)
			fprintf(f, "| %u | %" PRIu64 " | %" PRIu64 " | %.1f %% | %.1f B |\n", top[i],
				pc[top[i]].packets, pc[top[i]].bytes,
				pct(pc[top[i]].bytes, s->total.dir_bytes[d]),
				(double)pc[top[i]].bytes / pc[top[i]].packets);
		fputc('\n', f);
	}
}

static void
sec_bandwidth(FILE *f, const struct pl_snapshot *s)
{
	double dur = duration_s(s);
	unsigned int c;
	char a[32];

	fprintf(f, "## Bandwidth utilisation per class\n\n");
	if (s->labels.nb_classes == 0 || dur <= 0) {
		fprintf(f, "Not available (%s).\n\n", dur <= 0 ? "the traffic has no duration" :
			"no classes");
		return;
	}
	fprintf(f, "Average rate of each class over the %.3f s of traffic, and its share of all "
		"bytes.\n\n| Class | Average rate | Share of bandwidth |\n|---|---:|---:|\n", dur);
	for (c = 0; c < s->labels.nb_classes; c++)
		fprintf(f, "| %s | %s | %.1f %% |\n", s->labels.cls[c].name,
			hrate(a, sizeof(a), s->total.class_bytes[c] * 8.0 / dur),
			pct(s->total.class_bytes[c], s->total.v[PL_CTR_bytes]));
	fputc('\n', f);
}

static void
sec_security(FILE *f, const struct pl_snapshot *s, const struct digest *d)
{
	const uint64_t *t = s->total.tcp;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	unsigned int i;
	uint32_t k;

	fprintf(f, "## Security analysis\n\n| Indicator | Result | Status |\n|---|---|---|\n");
	fprintf(f, "| Cleartext HTTP | %" PRIu64 " finding%s | %s |\n", d->http_clear,
		d->http_clear == 1 ? "" : "s", d->http_clear ? "ALERT" : "OK");
	fprintf(f, "| Cleartext where encryption is required | %" PRIu64 " finding%s%s | %s |\n",
		d->class_clear, d->class_clear == 1 ? "" : "s",
		d->pgsql_clear ? " (PostgreSQL in cleartext)" : "", d->class_clear ? "ALERT" : "OK");
	fprintf(f, "| Unauthorised ports | %" PRIu64 " finding%s, %" PRIu64 " attempts",
		d->kinds[PL_FINDING_unauthorized_port],
		d->kinds[PL_FINDING_unauthorized_port] == 1 ? "" : "s",
		d->events[PL_FINDING_unauthorized_port]);
	for (i = 0; i < d->nb_ports; i++)
		fprintf(f, "%s%u", i ? ", " : "; ports ", d->ports[i]);
	if (d->more_ports)
		fprintf(f, " and %u more", d->more_ports);
	fprintf(f, " | %s |\n", d->kinds[PL_FINDING_unauthorized_port] ? "ALERT" : "OK");
	fprintf(f, "| Card numbers in cleartext | %" PRIu64 " finding%s | %s |\n",
		d->kinds[PL_FINDING_sensitive_data],
		d->kinds[PL_FINDING_sensitive_data] == 1 ? "" : "s",
		d->kinds[PL_FINDING_sensitive_data] ? "ALERT" : "OK");
	fprintf(f, "| Sources above their rate limit | %" PRIu64 " (%" PRIu64 " events) | %s |\n",
		d->kinds[PL_FINDING_rate_limit], d->events[PL_FINDING_rate_limit],
		d->kinds[PL_FINDING_rate_limit] ? "ALERT" : "OK");
	fprintf(f, "| Failed connections (rejected, unanswered, reset) | %" PRIu64 " of %" PRIu64
		" attempts (%.1f %%) | %s |\n\n", d->conn_failed, t[PL_TCP_attempted],
		pct(d->conn_failed, t[PL_TCP_attempted]),
		pct(d->conn_failed, t[PL_TCP_attempted]) > 5.0 ? "WARN" : "OK");

	fprintf(f, "### Connection health (TCP)\n\n| Outcome | Connections | Share of attempts |\n"
		"|---|---:|---:|\n");
	for (i = 0; i < PL_TCP_MAX; i++)
		fprintf(f, "| %s | %" PRIu64 " | %.1f %% |\n", pl_tcp_outcome_name(i), t[i],
			pct(t[i], t[PL_TCP_attempted]));
	fprintf(f, "\n`time_wait` and `active` are gauges at the snapshot time; the others count "
		"connections over the whole run.\n\n");

	fprintf(f, "### Findings\n\n");
	if (s->nb_findings == 0) {
		fprintf(f, "None.\n\n");
		return;
	}
	fprintf(f, "| Kind | Source | Destination | Port | Count | Detail |\n"
		"|---|---|---|---:|---:|---|\n");
	for (k = 0; k < s->nb_findings && k < 50; k++) {
		const struct pl_finding *x = &s->findings[k];

		fprintf(f, "| %s | %s | %s | ", pl_finding_name(x->kind),
			addr_text(a, sizeof(a), x->family, x->src),
			x->has_dst ? addr_text(b, sizeof(b), x->family, x->dst) : "-");
		if (x->has_port && x->kind != PL_FINDING_qos)
			fprintf(f, "%u", x->port);
		fprintf(f, " | %" PRIu64 " | ", x->count);
		cell(f, x->detail);
		fprintf(f, " |\n");
	}
	if (s->nb_findings > 50)
		fprintf(f, "\n%" PRIu32 " more findings are in the JSON snapshot.\n",
			s->nb_findings - 50);
	if (s->findings_dropped)
		fprintf(f, "\n%" PRIu64 " finding events did not fit the findings table "
			"(`findings.max`).\n", s->findings_dropped);
	fputc('\n', f);
}

static void
sec_qos(FILE *f, const struct pl_snapshot *s)
{
	unsigned int c;

	fprintf(f, "## QoS results\n\nEach class is metered against its committed share of the "
		"link (two-rate three-colour meter): green within the share, yellow within the peak, "
		"red above it.\n\n");
	if (s->labels.nb_classes == 0) {
		fprintf(f, "No classes are configured.\n\n");
		return;
	}
	fprintf(f, "| Class | Green | Yellow | Red | Within share |\n|---|---:|---:|---:|---:|\n");
	for (c = 0; c < s->labels.nb_classes; c++) {
		const uint64_t *q = s->total.qos[c];
		uint64_t n = q[0] + q[1] + q[2];

		fprintf(f, "| %s | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %.1f %% |\n",
			s->labels.cls[c].name, q[0], q[1], q[2], n ? pct(q[0], n) : 100.0);
	}
	fputc('\n', f);
}

static void
sec_backends(FILE *f, const struct pl_snapshot *s)
{
	uint64_t total = 0;
	unsigned int i;

	fprintf(f, "## Distribution over backend pools\n\n");
	if (s->labels.nb_backends == 0) {
		fprintf(f, "No backend pools are configured (`backends:` in the configuration).\n\n");
		return;
	}
	for (i = 0; i < s->labels.nb_backends; i++)
		total += s->total.backend_bytes[i];
	fprintf(f, "Packets and bytes to or from each pool's addresses; the share is of the bytes "
		"of all pools.\n\n| Pool | Packets | Bytes | Share |\n|---|---:|---:|---:|\n");
	for (i = 0; i < s->labels.nb_backends; i++)
		fprintf(f, "| %s | %" PRIu64 " | %" PRIu64 " | %.1f %% |\n", s->labels.backend[i],
			s->total.backend_packets[i], s->total.backend_bytes[i],
			pct(s->total.backend_bytes[i], total));
	fputc('\n', f);
}

static void
sec_talkers(FILE *f, const struct pl_snapshot *s)
{
	char a[INET6_ADDRSTRLEN];
	uint32_t i;

	fprintf(f, "## Top talkers\n\nSources by bytes sent.\n\n");
	if (s->nb_talkers == 0) {
		fprintf(f, "None.\n\n");
		return;
	}
	fprintf(f, "| # | Source | Packets | Bytes | Share of bytes |\n|---:|---|---:|---:|---:|\n");
	for (i = 0; i < s->nb_talkers; i++) {
		const struct pl_talker *t = &s->top_talkers[i];

		fprintf(f, "| %u | %s | %" PRIu64 " | %" PRIu64 " | %.1f %% |\n", i + 1,
			addr_text(a, sizeof(a), t->family, t->addr), t->packets, t->bytes,
			pct(t->bytes, s->total.v[PL_CTR_bytes]));
	}
	fprintf(f, "\n%" PRIu32 " distinct sources", s->talkers_seen);
	if (s->talkers_over_packets)
		fprintf(f, "; %" PRIu64 " packets (%" PRIu64 " bytes) came from sources that did "
			"not fit the table and are not attributed", s->talkers_over_packets,
			s->talkers_over_bytes);
	fprintf(f, ".\n\n");
}

static void
study_port(FILE *f, int32_t port)
{
	if (port < 0)
		fputs("-", f);
	else
		fprintf(f, "%d", port);
}

static void
sec_study(FILE *f, const struct pl_snapshot *s, const char *svg_base)
{
	struct pl_report_study st[2];
	static const char *const names[2] = { "in", "out" };
	unsigned int i;

	pl_report_study(s, PL_DIR_IN, &st[0]);
	pl_report_study(s, PL_DIR_OUT, &st[1]);
	fprintf(f, "## Per-port study\n\nTCP and UDP packets by destination port, split into "
		"incoming and outgoing traffic.\n\n| | Incoming | Outgoing |\n|---|---:|---:|\n");
	fprintf(f, "| Total bytes | %" PRIu64 " | %" PRIu64 " |\n", st[0].total_bytes,
		st[1].total_bytes);
	fprintf(f, "| Max bytes per port | %" PRIu64 " | %" PRIu64 " |\n", st[0].max_bytes,
		st[1].max_bytes);
	fprintf(f, "| Port with most byte traffic | ");
	study_port(f, st[0].port_bytes);
	fprintf(f, " | ");
	study_port(f, st[1].port_bytes);
	fprintf(f, " |\n| Total packets | %" PRIu64 " | %" PRIu64 " |\n", st[0].total_packets,
		st[1].total_packets);
	fprintf(f, "| Max packets per port | %" PRIu64 " | %" PRIu64 " |\n", st[0].max_packets,
		st[1].max_packets);
	fprintf(f, "| Port with most packet traffic | ");
	study_port(f, st[0].port_packets);
	fprintf(f, " | ");
	study_port(f, st[1].port_packets);
	fprintf(f, " |\n\n");
	if (svg_base == NULL)
		return;
	for (i = 0; i < 2; i++)
		fprintf(f, "![%s packets per port](%s-%s-packets.svg)\n\n"
			"![%s bytes per port](%s-%s-bytes.svg)\n\n",
			i ? "Outgoing" : "Incoming", svg_base, names[i],
			i ? "Outgoing" : "Incoming", svg_base, names[i]);
}

/* Recommendations: each one only when the snapshot shows what it answers. */
static unsigned int
recommendations(FILE *f, const struct pl_snapshot *s, const struct digest *d)
{
	char a[INET6_ADDRSTRLEN];
	unsigned int n = 0, i, c;

	if (f)
		fprintf(f, "## Recommendations\n\n");
	if (d->kinds[PL_FINDING_rate_limit]) {
		n++;
		if (f) {
			fprintf(f, "%u. **Rate limiting.** %" PRIu64 " source%s exceeded the "
				"configured connection or packet rate (%" PRIu64 " events)",
				n, d->kinds[PL_FINDING_rate_limit],
				d->kinds[PL_FINDING_rate_limit] == 1 ? "" : "s",
				d->events[PL_FINDING_rate_limit]);
			for (i = 0; i < s->nb_findings; i++)
				if (s->findings[i].kind == PL_FINDING_rate_limit) {
					fprintf(f, ", e.g. %s", addr_text(a, sizeof(a),
						s->findings[i].family, s->findings[i].src));
					break;
				}
			fprintf(f, ". Enforce per-source rate limits at the edge (inline verdict "
				"`drop` or `mark` for `rate_limit`, or the load balancer).\n");
		}
	}
	if (d->pgsql_clear) {
		n++;
		if (f)
			fprintf(f, "%u. **Database encryption.** PostgreSQL was seen starting in "
				"cleartext (%" PRIu64 " flow%s). Require TLS on the database "
				"(`hostssl` in pg_hba.conf, `sslmode=verify-full` in clients).\n", n,
				s->total.app_flows[PL_APP_pgsql_clear],
				s->total.app_flows[PL_APP_pgsql_clear] == 1 ? "" : "s");
	}
	if (d->class_clear > (d->pgsql_clear ? 1u : 0u) && !d->pgsql_clear) {
		n++;
		if (f)
			fprintf(f, "%u. **Encryption.** %" PRIu64 " flow%s of classes that require "
				"encryption carried cleartext. Enforce TLS for those services.\n",
				n, d->class_clear, d->class_clear == 1 ? "" : "s");
	}
	if (d->http_clear) {
		n++;
		if (f)
			fprintf(f, "%u. **HTTPS only.** Cleartext HTTP was seen (%" PRIu64 " finding%s). "
				"Redirect HTTP to HTTPS and send HSTS.\n", n, d->http_clear,
				d->http_clear == 1 ? "" : "s");
	}
	if (d->kinds[PL_FINDING_unauthorized_port]) {
		n++;
		if (f) {
			fprintf(f, "%u. **Intrusion detection.** %" PRIu64 " connection attempts "
				"reached local addresses on ports outside the allowlist (", n,
				d->events[PL_FINDING_unauthorized_port]);
			for (i = 0; i < d->nb_ports; i++)
				fprintf(f, "%s%u", i ? ", " : "", d->ports[i]);
			fprintf(f, "%s). Block them at the firewall and deploy an IDS to follow "
				"up on the sources.\n", d->more_ports ? ", ..." : "");
		}
	}
	if (d->kinds[PL_FINDING_sensitive_data]) {
		n++;
		if (f)
			fprintf(f, "%u. **Card data.** %" PRIu64 " card number%s crossed the network "
				"in cleartext (masked in this report). Find the application that "
				"sends them and encrypt or tokenise (PCI DSS requirement 4).\n", n,
				d->kinds[PL_FINDING_sensitive_data],
				d->kinds[PL_FINDING_sensitive_data] == 1 ? "" : "s");
	}
	if (d->kinds[PL_FINDING_qos]) {
		n++;
		if (f) {
			fprintf(f, "%u. **QoS capacity.** ", n);
			for (c = 0, i = 0; c < s->labels.nb_classes; c++)
				if (s->total.qos[c][2])
					fprintf(f, "%s%s (%" PRIu64 " red packets)", i++ ? ", " : "",
						s->labels.cls[c].name, s->total.qos[c][2]);
			fprintf(f, " went above %s share of the link. Revisit the shares or the "
				"link capacity.\n", i == 1 ? "its" : "their");
		}
	}
	if (s->total.tcp[PL_TCP_attempted] &&
	    pct(d->conn_failed, s->total.tcp[PL_TCP_attempted]) > 5.0) {
		n++;
		if (f)
			fprintf(f, "%u. **Connection failures.** %.1f %% of TCP attempts were "
				"rejected, unanswered or reset. Check server capacity and the "
				"sources of the failures.\n", n,
				pct(d->conn_failed, s->total.tcp[PL_TCP_attempted]));
	}
	if (s->findings_dropped) {
		n++;
		if (f)
			fprintf(f, "%u. **Findings table.** %" PRIu64 " finding events did not fit; "
				"raise `findings.max`.\n", n, s->findings_dropped);
	}
	if (f) {
		if (n == 0)
			fprintf(f, "No action required: the traffic shows no finding, no failed "
				"connections above 5 %% and no class above its share.\n");
		fputc('\n', f);
	}
	return n;
}

int
pl_report_markdown(const struct pl_snapshot *s, const char *svg_base, char **out)
{
	struct digest d;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	*out = NULL;
	f = open_memstream(&text, &len);
	if (f == NULL)
		return -ENOMEM;
	digest(s, &d);
	sec_header(f, s);
	sec_summary(f, s, &d, recommendations(NULL, s, &d));
	sec_volume(f, s);
	sec_protocols(f, s);
	sec_classes(f, s);
	sec_bandwidth(f, s);
	sec_security(f, s, &d);
	sec_qos(f, s);
	sec_backends(f, s);
	sec_talkers(f, s);
	sec_study(f, s, svg_base);
	recommendations(f, s, &d);
	if (fclose(f) != 0 || text == NULL) {
		free(text);
		return -ENOMEM;
	}
	*out = text;
	return 0;
}

static int
fail(char *err, size_t errlen, const char *path, int rc)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	return rc;
}

int
pl_report_write(const struct pl_snapshot *s, const char *path_md, char *err, size_t errlen)
{
	static const char *const names[2] = { "in", "out" };
	char base[PATH_MAX], path[PATH_MAX + 32];
	const char *slash, *rel;
	char *text;
	size_t n = strlen(path_md);
	unsigned int d, k;
	int rc;

	if (n >= 3 && strcmp(path_md + n - 3, ".md") == 0)
		n -= 3;
	if (n == 0 || n >= sizeof(base))
		return fail(err, errlen, path_md, -EINVAL);
	memcpy(base, path_md, n);
	base[n] = '\0';
	/* the Markdown refers to the charts by name, beside it */
	slash = strrchr(base, '/');
	rel = slash ? slash + 1 : base;
	for (d = 0; d < 2; d++)
		for (k = 0; k < 2; k++) {
			rc = pl_report_svg(s, d ? PL_DIR_OUT : PL_DIR_IN, (int)k,
					   PL_REPORT_SCALE_AUTO, &text);
			if (rc < 0)
				return fail(err, errlen, path_md, rc);
			snprintf(path, sizeof(path), "%s-%s-%s.svg", base, names[d],
				 k ? "bytes" : "packets");
			rc = pl_export_write_atomic(path, text, strlen(text));
			free(text);
			if (rc < 0)
				return fail(err, errlen, path, rc);
		}
	rc = pl_report_markdown(s, rel, &text);
	if (rc < 0)
		return fail(err, errlen, path_md, rc);
	rc = pl_export_write_atomic(path_md, text, strlen(text));
	free(text);
	if (rc < 0)
		return fail(err, errlen, path_md, rc);
	return 0;
}
