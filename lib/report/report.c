/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Markdown report (FinMark style) from one snapshot: the capture window and inputs,
 * executive summary, volume, protocols, ports and classes (incoming by destination port,
 * outgoing by local service port), bandwidth per class, security indicators from the
 * findings and TCP outcomes, QoS colours, backend pools, top talkers, the per-port study
 * block with its four charts, the charts over time, of frame sizes and of inter-arrival
 * times, and recommendations derived from what was found. docs/report.md says how each
 * number is computed. Nothing here invents data: a section with nothing to show says so.
 *
 * TCP outcomes are read by one set of definitions that cannot contradict each other:
 * failed = rejected + unanswered (the attempt never became a connection); resets stand
 * apart, split into resets after establishment (the connection worked, then one side
 * aborted it) and resets by the initiator in the handshake. Every sentence and
 * recommendation about connections is drawn from those numbers only.
 *
 * Numbers carry thousands separators and units.
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
	const struct pl_port_ctr *pc = s->ports + (size_t)(dir % PL_PORT_ROWS) * 65536;
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

/*
 * Formatted numbers live in a small ring of buffers, so one fprintf() can take several:
 * each call returns the next buffer (24 live at once; no call here uses more than 12).
 * Thread-local: the console and the exit path may render reports concurrently.
 */
static char *
fmt_slot(void)
{
	static __thread char ring[24][48];
	static __thread unsigned int next;

	return ring[next++ % 24];
}

/* Insert thousands separators into the integer digits of @p num (in place, room 48). */
static char *
group(char *num)
{
	char tmp[48];
	size_t n = strspn(num + (*num == '-'), "0123456789") + (*num == '-');
	size_t lead = *num == '-', digits = n - lead, i, o = 0;

	for (i = 0; i < n && o + 2 < sizeof(tmp); i++) {
		if (i > lead && (digits - (i - lead)) % 3 == 0)
			tmp[o++] = ',';
		tmp[o++] = num[i];
	}
	snprintf(tmp + o, sizeof(tmp) - o, "%s", num + n);
	memcpy(num, tmp, sizeof(tmp));
	return num;
}

/* An integer with thousands separators: 1234567 -> "1,234,567". */
static const char *
N(uint64_t v)
{
	char *b = fmt_slot();

	snprintf(b, 48, "%" PRIu64, v);
	return group(b);
}

/* A real with @p dec decimals and thousands separators: "12,345.6". */
static const char *
R(double v, int dec)
{
	char *b = fmt_slot();

	snprintf(b, 48, "%.*f", dec, v);
	return group(b);
}

/* A share in percent, one decimal: "12.5 %". */
static const char *
P(uint64_t part, uint64_t whole)
{
	char *b = fmt_slot();

	snprintf(b, 48, "%.1f %%", pct(part, whole));
	return b;
}

/* Bytes in decimal units: "12.30 MB", exact below 1000 ("999 B"). */
static const char *
hbytes(double v)
{
	static const char *const u[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	char *b = fmt_slot();
	unsigned int i = 0;

	while (v >= 1000 && i < 5) {
		v /= 1000;
		i++;
	}
	snprintf(b, 48, i ? "%.2f %s" : "%.0f %s", v, u[i]);
	return b;
}

/* Bits per second: "12.34 Mbit/s". */
static const char *
hrate(double bps)
{
	static const char *const u[] = { "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s" };
	char *b = fmt_slot();
	unsigned int i = 0;

	while (bps >= 1000 && i < 4) {
		bps /= 1000;
		i++;
	}
	snprintf(b, 48, "%.2f %s", bps, u[i]);
	return b;
}

/* A duration of @p ns in the unit that suits it: "512 ns", "12.5 µs", "3.20 ms", "1.50 s". */
static const char *
hdur(double ns)
{
	static const char *const u[] = { "ns", "µs", "ms", "s" };
	char *b = fmt_slot();
	unsigned int i = 0;

	while (ns >= 1000 && i < 3) {
		ns /= 1000;
		i++;
	}
	snprintf(b, 48, i ? "%.3g %s" : "%.0f %s", ns, u[i]);
	return b;
}

/* A packet time (ns since the epoch) as UTC with microseconds. */
static const char *
utc(uint64_t ns)
{
	char *b = fmt_slot(), day[32] = "?";
	time_t t = (time_t)(ns / 1000000000ULL);
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(b, 48, "%s.%06u UTC", day, (unsigned int)(ns % 1000000000ULL / 1000));
	return b;
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
};

/*
 * TCP connections by the report's definitions. Of the attempts: established, failed
 * (rejected + unanswered), reset by the initiator in the handshake, and the rest (still in
 * the handshake, or answered and never completed): the four add up to the attempts. Of the
 * established: closed, reset after establishment, still open, and the rest (ended unseen by
 * the idle timeout): the four add up to the established.
 */
struct conns {
	uint64_t attempted, established, rejected, unanswered, failed, reset_hs, pending;
	uint64_t closed, reset, open, idle;
};

static uint64_t
rest(uint64_t whole, uint64_t a, uint64_t b, uint64_t c)
{
	return whole > a + b + c ? whole - a - b - c : 0;
}

static void
conns(const struct pl_snapshot *s, struct conns *c)
{
	const uint64_t *t = s->total.tcp;

	c->attempted = t[PL_TCP_attempted];
	c->established = t[PL_TCP_established];
	c->rejected = t[PL_TCP_rejected];
	c->unanswered = t[PL_TCP_unanswered];
	c->failed = c->rejected + c->unanswered;
	c->reset_hs = t[PL_TCP_reset_in_handshake];
	c->pending = rest(c->attempted, c->established, c->failed, c->reset_hs);
	c->closed = t[PL_TCP_closed];
	c->reset = t[PL_TCP_reset];
	c->open = t[PL_TCP_active];
	c->idle = rest(c->established, c->closed, c->reset, c->open);
}

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
}

/* Thresholds above which connection outcomes are flagged (share, percent). */
#define FAILED_WARN_PCT 5.0
#define RESET_WARN_PCT 5.0

/* ---- sections ---- */

static void
sec_header(FILE *f, const struct pl_snapshot *s)
{
	char when[64] = "unknown";
	time_t t = (time_t)(s->wall_ns / 1000000000ULL);
	const char *p = s->inputs, *nl;
	struct tm tm;
	uint32_t i;

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "# Network traffic report\n\n");
	fprintf(f, "Generated by portlens from snapshot %s%s, taken %s.\n\n", N(s->seq),
		s->final ? " (final)" : "", when);
	if (s->total.time_first == UINT64_MAX)
		fprintf(f, "- **Capture window:** no packet yet.\n");
	else
		fprintf(f, "- **Capture window:** %s to %s (%s s), the packet times of the first "
			"and the last frame.\n", utc(s->total.time_first), utc(s->total.time_last),
			R(duration_s(s), 3));
	if (*p) {
		fprintf(f, "- **Input:**");
		for (i = 0; *p; i++) {
			nl = strchr(p, '\n');
			fprintf(f, "%s `%.*s`", i ? "," : "", (int)(nl ? nl - p : (int)strlen(p)), p);
			p = nl ? nl + 1 : p + strlen(p);
		}
		fputs("\n\n", f);
	} else if (s->nb_hw) {
		fprintf(f, "- **Input:** port%s", s->nb_hw == 1 ? "" : "s");
		for (i = 0; i < s->nb_hw; i++)
			fprintf(f, "%s %u (`%s`)", i ? "," : "", s->hw[i].port, s->hw[i].name);
		fputs("\n\n", f);
	} else {
		fputs("\n", f);
	}
}

/* The TCP sentence of the summary, from the definitions of struct conns. */
static void
summary_tcp(FILE *f, const struct conns *c)
{
	fprintf(f, "- **TCP:** %s connection attempts: %s established (%s), %s failed (%s: %s "
		"rejected, %s unanswered)", N(c->attempted), N(c->established),
		P(c->established, c->attempted), N(c->failed), P(c->failed, c->attempted),
		N(c->rejected), N(c->unanswered));
	if (c->reset_hs)
		fprintf(f, ", %s reset by their initiator in the handshake (%s)", N(c->reset_hs),
			P(c->reset_hs, c->attempted));
	fprintf(f, ". Of the established, %s closed and %s reset after establishment (%s of "
		"the established).\n", N(c->closed), N(c->reset), P(c->reset, c->established));
}

static void
sec_summary(FILE *f, const struct pl_snapshot *s, const struct digest *d,
	    const struct conns *cn, unsigned int nb_rec)
{
	const uint64_t *v = s->total.v;
	double dur = duration_s(s);
	unsigned int c, best = UINT_MAX;

	for (c = 0; c < s->labels.nb_classes; c++)
		if (s->total.class_bytes[c] &&
		    (best == UINT_MAX || s->total.class_bytes[c] > s->total.class_bytes[best]))
			best = c;
	fprintf(f, "## Executive summary\n\n");
	fprintf(f, "- **%s packets** and **%s** of traffic over %s s (average %s).\n",
		N(v[PL_CTR_packets]), hbytes((double)v[PL_CTR_bytes]), R(dur, 3),
		hrate(dur > 0 ? v[PL_CTR_bytes] * 8.0 / dur : 0));
	if (best != UINT_MAX)
		fprintf(f, "- The largest service class is **%s** (%s priority) with %s of "
			"the bytes.\n", s->labels.cls[best].name,
			pl_priority_name(s->labels.cls[best].priority),
			P(s->total.class_bytes[best], v[PL_CTR_bytes]));
	if (cn->attempted)
		summary_tcp(f, cn);
	if (s->nb_findings == 0) {
		fprintf(f, "- **No security findings**: no cleartext where encryption is required, "
			"no connection attempts to unauthorised ports, no card numbers, no source "
			"above its rate limit.\n");
	} else {
		fprintf(f, "- **%s security finding%s**:", N(s->nb_findings),
			s->nb_findings == 1 ? "" : "s");
		for (c = 0; c < PL_FINDING_MAX; c++)
			if (d->kinds[c])
				fprintf(f, " %s %s;", pl_finding_name(c), N(d->kinds[c]));
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

	fprintf(f, "## Traffic volume\n\n| Metric | Value |\n|---|---|\n");
	fprintf(f, "| Total packets | %s packets |\n", N(v[PL_CTR_packets]));
	fprintf(f, "| Total bytes | %s B (%s) |\n", N(v[PL_CTR_bytes]),
		hbytes((double)v[PL_CTR_bytes]));
	fprintf(f, "| Average packet size | %s B |\n",
		R(v[PL_CTR_packets] ? (double)v[PL_CTR_bytes] / v[PL_CTR_packets] : 0, 1));
	fprintf(f, "| Duration | %s s |\n", R(dur, 3));
	fprintf(f, "| Average throughput | %s, %s packets/s |\n",
		hrate(dur > 0 ? v[PL_CTR_bytes] * 8.0 / dur : 0),
		R(dur > 0 ? v[PL_CTR_packets] / dur : 0, 1));
	if (peak >= 0 && ival > 0) {
		/* intervals are aligned on the clock: the first may start before the traffic */
		double at = (double)(s->ivals.base + (uint64_t)peak) * ival -
			    (s->total.time_first == UINT64_MAX ? 0 : s->total.time_first / 1e9);

		fprintf(f, "| Peak throughput | %s in the %s s interval starting at %s s "
			"(%s B) |\n| Peak packet rate | %s packets/s |\n", hrate(pb * 8.0 / ival),
			R(ival, 3), R(at > 0 ? at : 0.0, 3), N(pb), R(pp / ival, 1));
	}
	fprintf(f, "| Frames received | %s frames (malformed %s, non-IP %s) |\n\n",
		N(s->balance.received), N(v[PL_CTR_malformed]), N(v[PL_CTR_non_ip]));
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

	fprintf(f, "## Protocol distribution\n\n| Protocol | Packets | Share of packets |\n"
		"|---|---:|---:|\n");
	fprintf(f, "| IPv4 | %s | %s |\n| IPv6 | %s | %s |\n", N(v[PL_CTR_ipv4]),
		P(v[PL_CTR_ipv4], v[PL_CTR_packets]), N(v[PL_CTR_ipv6]),
		P(v[PL_CTR_ipv6], v[PL_CTR_packets]));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		fprintf(f, "| %s | %s | %s |\n", rows[i].name, N(v[rows[i].ctr]),
			P(v[rows[i].ctr], v[PL_CTR_packets]));
	fprintf(f, "\n| Direction | Packets | Bytes | Share of bytes |\n|---|---:|---:|---:|\n");
	for (d = 0; d < PL_DIR_MAX; d++)
		fprintf(f, "| %s | %s | %s B | %s |\n", pl_dir_name(d),
			N(s->total.dir_packets[d]), N(s->total.dir_bytes[d]),
			P(s->total.dir_bytes[d], v[PL_CTR_bytes]));
	fputc('\n', f);
}

/* A table of the ten ports of a per-port row with most bytes. */
static void
port_table(FILE *f, const struct pl_snapshot *s, unsigned int row, unsigned int dir,
	   const char *title, const char *none)
{
	const struct pl_port_ctr *pc = s->ports + (size_t)row * 65536;
	unsigned int i, n;
	uint16_t top[10];

	n = pl_snapshot_top_ports(s, row, 1, top, 10);
	fprintf(f, "%s\n\n", title);
	if (n == 0) {
		fprintf(f, "%s\n\n", none);
		return;
	}
	fprintf(f, "| Port | Packets | Bytes | Share of %s bytes | Average size |\n"
		"|---:|---:|---:|---:|---:|\n", dir == PL_DIR_IN ? "incoming" : "outgoing");
	for (i = 0; i < n; i++)
		fprintf(f, "| %u | %s | %s B | %s | %s B |\n", top[i], N(pc[top[i]].packets),
			N(pc[top[i]].bytes), P(pc[top[i]].bytes, s->total.dir_bytes[dir]),
			R((double)pc[top[i]].bytes / pc[top[i]].packets, 1));
	fputc('\n', f);
}

static void
sec_classes(FILE *f, const struct pl_snapshot *s)
{
	const uint64_t *v = s->total.v;
	uint64_t cp = 0, cb = 0;
	unsigned int c;

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
			fprintf(f, "| %s | %s | %s | %s | %s B | %s | %s | %s B | %s |\n",
				s->labels.cls[c].name, pl_priority_name(s->labels.cls[c].priority),
				s->labels.cls[c].encrypted ? "yes" : "no", N(p), N(b),
				P(b, v[PL_CTR_bytes]), P(p, v[PL_CTR_packets]),
				R(p ? (double)b / p : 0, 1), N(s->total.class_conns[c]));
		}
		fprintf(f, "| (no class) | | | %s | %s B | %s | %s | %s B | |\n\n",
			N(v[PL_CTR_packets] - cp), N(v[PL_CTR_bytes] - cb),
			P(v[PL_CTR_bytes] - cb, v[PL_CTR_bytes]),
			P(v[PL_CTR_packets] - cp, v[PL_CTR_packets]),
			R(v[PL_CTR_packets] > cp ?
			  (double)(v[PL_CTR_bytes] - cb) / (v[PL_CTR_packets] - cp) : 0, 1));
	}
	port_table(f, s, PL_DIR_IN, PL_DIR_IN, "Incoming traffic by destination port (local "
		   "services), the ten with most bytes:", "None (no TCP/UDP traffic in).");
	port_table(f, s, PL_PORT_ROW_SERVICE, PL_DIR_OUT, "Outgoing traffic by local service "
		   "port (the source port of local servers' answers to clients outside), the ten "
		   "with most bytes:", "None (no local server answered a client outside).");
	port_table(f, s, PL_DIR_OUT, PL_DIR_OUT, "Outgoing traffic by destination port (the "
		   "remote side's port: services that local clients use, and the ports of "
		   "clients that local servers answer), the ten with most bytes:",
		   "None (no TCP/UDP traffic out).");
}

static void
sec_bandwidth(FILE *f, const struct pl_snapshot *s)
{
	double dur = duration_s(s);
	unsigned int c;

	fprintf(f, "## Bandwidth utilisation per class\n\n");
	if (s->labels.nb_classes == 0 || dur <= 0) {
		fprintf(f, "Not available (%s).\n\n", dur <= 0 ? "the traffic has no duration" :
			"no classes");
		return;
	}
	fprintf(f, "Average rate of each class over the %s s of traffic, and its share of all "
		"bytes.\n\n| Class | Average rate | Share of bandwidth |\n|---|---:|---:|\n",
		R(dur, 3));
	for (c = 0; c < s->labels.nb_classes; c++)
		fprintf(f, "| %s | %s | %s |\n", s->labels.cls[c].name,
			hrate(s->total.class_bytes[c] * 8.0 / dur),
			P(s->total.class_bytes[c], s->total.v[PL_CTR_bytes]));
	fputc('\n', f);
}

static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* The two connection tables: attempts by outcome, established by ending. */
static void
conn_tables(FILE *f, const struct pl_snapshot *s, const struct conns *c)
{
	fprintf(f, "### Connection health (TCP)\n\nEach connection attempt (a SYN without ACK) "
		"counts in exactly one row; the shares add up to 100 %%.\n\n"
		"| Attempts | Connections | Share of attempts |\n|---|---:|---:|\n");
	fprintf(f, "| Established (handshake completed) | %s | %s |\n", N(c->established),
		P(c->established, c->attempted));
	fprintf(f, "| Failed: rejected (answered by RST) | %s | %s |\n", N(c->rejected),
		P(c->rejected, c->attempted));
	fprintf(f, "| Failed: unanswered (no SYN-ACK or RST in time) | %s | %s |\n",
		N(c->unanswered), P(c->unanswered, c->attempted));
	fprintf(f, "| Reset by the initiator in the handshake | %s | %s |\n", N(c->reset_hs),
		P(c->reset_hs, c->attempted));
	fprintf(f, "| Still in the handshake, or answered and never completed | %s | %s |\n",
		N(c->pending), P(c->pending, c->attempted));
	fprintf(f, "| **All attempts** | %s | %s |\n\n", N(c->attempted),
		c->attempted ? "100.0 %" : "0.0 %");
	fprintf(f, "Each established connection counts in exactly one row; the shares add up to "
		"100 %%.\n\n| Established | Connections | Share of established |\n|---|---:|---:|\n");
	fprintf(f, "| Closed (FIN from both sides) | %s | %s |\n", N(c->closed),
		P(c->closed, c->established));
	fprintf(f, "| Reset after establishment (RST from either side) | %s | %s |\n",
		N(c->reset), P(c->reset, c->established));
	fprintf(f, "| Still open at the snapshot | %s | %s |\n", N(c->open),
		P(c->open, c->established));
	fprintf(f, "| Ended unseen (idle timeout) | %s | %s |\n", N(c->idle),
		P(c->idle, c->established));
	fprintf(f, "| **All established** | %s | %s |\n\n", N(c->established),
		c->established ? "100.0 %" : "0.0 %");
	fprintf(f, "Of the closed, %s %s in TIME_WAIT at the snapshot time. Counters as in the "
		"JSON `tcp` object: failed = `rejected + unanswered`; resets = `reset` (after "
		"establishment) and `reset_in_handshake` (before).\n\n",
		N(s->total.tcp[PL_TCP_time_wait]),
		s->total.tcp[PL_TCP_time_wait] == 1 ? "was" : "were");
}

static void
sec_security(FILE *f, const struct pl_snapshot *s, const struct digest *d,
	     const struct conns *c)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	unsigned int i;
	uint32_t k;

	fprintf(f, "## Security analysis\n\n| Indicator | Result | Status |\n|---|---|---|\n");
	fprintf(f, "| Cleartext HTTP | %s finding%s | %s |\n", N(d->http_clear),
		plural(d->http_clear), d->http_clear ? "ALERT" : "OK");
	fprintf(f, "| Cleartext where encryption is required | %s finding%s%s | %s |\n",
		N(d->class_clear), plural(d->class_clear),
		d->pgsql_clear ? " (PostgreSQL in cleartext)" : "", d->class_clear ? "ALERT" : "OK");
	fprintf(f, "| Unauthorised ports | %s finding%s, %s attempt%s",
		N(d->kinds[PL_FINDING_unauthorized_port]),
		plural(d->kinds[PL_FINDING_unauthorized_port]),
		N(d->events[PL_FINDING_unauthorized_port]),
		plural(d->events[PL_FINDING_unauthorized_port]));
	for (i = 0; i < d->nb_ports; i++)
		fprintf(f, "%s%u", i ? ", " : "; ports ", d->ports[i]);
	if (d->more_ports)
		fprintf(f, " and %u more", d->more_ports);
	fprintf(f, " | %s |\n", d->kinds[PL_FINDING_unauthorized_port] ? "ALERT" : "OK");
	fprintf(f, "| Card numbers in cleartext | %s finding%s | %s |\n",
		N(d->kinds[PL_FINDING_sensitive_data]), plural(d->kinds[PL_FINDING_sensitive_data]),
		d->kinds[PL_FINDING_sensitive_data] ? "ALERT" : "OK");
	fprintf(f, "| Sources above their rate limit | %s (%s event%s) | %s |\n",
		N(d->kinds[PL_FINDING_rate_limit]), N(d->events[PL_FINDING_rate_limit]),
		plural(d->events[PL_FINDING_rate_limit]),
		d->kinds[PL_FINDING_rate_limit] ? "ALERT" : "OK");
	fprintf(f, "| Failed connections (rejected + unanswered) | %s of %s attempts (%s) | %s |\n",
		N(c->failed), N(c->attempted), P(c->failed, c->attempted),
		pct(c->failed, c->attempted) > FAILED_WARN_PCT ? "WARN" : "OK");
	fprintf(f, "| Resets after establishment | %s of %s established (%s) | %s |\n",
		N(c->reset), N(c->established), P(c->reset, c->established),
		pct(c->reset, c->established) > RESET_WARN_PCT ? "WARN" : "OK");
	fprintf(f, "| Resets by the initiator in the handshake | %s of %s attempts (%s) | %s |\n\n",
		N(c->reset_hs), N(c->attempted), P(c->reset_hs, c->attempted),
		pct(c->reset_hs, c->attempted) > RESET_WARN_PCT ? "WARN" : "OK");
	conn_tables(f, s, c);

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
		fprintf(f, " | %s | ", N(x->count));
		cell(f, x->detail);
		if (x->kind == PL_FINDING_rate_limit)
			fprintf(f, "; peak %" PRIu32 " new connections in any one second, %" PRIu32
				" to the target", x->peak_per_s, x->target_conns);
		fprintf(f, " |\n");
	}
	if (s->nb_findings > 50)
		fprintf(f, "\n%s more findings are in the JSON snapshot.\n",
			N(s->nb_findings - 50));
	if (s->findings_dropped)
		fprintf(f, "\n%s finding events did not fit the findings table "
			"(`findings.max`).\n", N(s->findings_dropped));
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
	fprintf(f, "| Class | Green packets | Yellow packets | Red packets | Within share |\n"
		"|---|---:|---:|---:|---:|\n");
	for (c = 0; c < s->labels.nb_classes; c++) {
		const uint64_t *q = s->total.qos[c];
		uint64_t n = q[0] + q[1] + q[2];

		fprintf(f, "| %s | %s | %s | %s | %s |\n", s->labels.cls[c].name, N(q[0]),
			N(q[1]), N(q[2]), n ? P(q[0], n) : "100.0 %");
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
		fprintf(f, "| %s | %s | %s B | %s |\n", s->labels.backend[i],
			N(s->total.backend_packets[i]), N(s->total.backend_bytes[i]),
			P(s->total.backend_bytes[i], total));
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

		fprintf(f, "| %u | %s | %s | %s B | %s |\n", i + 1,
			addr_text(a, sizeof(a), t->family, t->addr), N(t->packets), N(t->bytes),
			P(t->bytes, s->total.v[PL_CTR_bytes]));
	}
	fprintf(f, "\n%s distinct sources", N(s->talkers_seen));
	if (s->talkers_over_packets)
		fprintf(f, "; %s packets (%s B) came from sources that did not fit the table and "
			"are not attributed", N(s->talkers_over_packets),
			N(s->talkers_over_bytes));
	fprintf(f, ".\n\n");
}

/* A port number (no separators: a port is a name, not a quantity), "-" for none. */
static const char *
study_port(int32_t port)
{
	char *b = fmt_slot();

	if (port < 0)
		return "-";
	snprintf(b, 48, "%d", port);
	return b;
}

static void
sec_study(FILE *f, const struct pl_snapshot *s, const char *svg_base)
{
	struct pl_report_study st[2], svc;
	static const char *const names[2] = { "in", "out" };
	unsigned int i;

	pl_report_study(s, PL_DIR_IN, &st[0]);
	pl_report_study(s, PL_DIR_OUT, &st[1]);
	pl_report_study(s, PL_PORT_ROW_SERVICE, &svc);
	fprintf(f, "## Per-port study\n\nTCP and UDP packets by destination port, split into "
		"incoming and outgoing traffic. For outgoing answers of local servers the "
		"destination port is the client's (often ephemeral) port; the last rows show the "
		"same answers by local service port.\n\n"
		"| | Incoming | Outgoing |\n|---|---:|---:|\n");
	fprintf(f, "| Total bytes | %s B | %s B |\n", N(st[0].total_bytes), N(st[1].total_bytes));
	fprintf(f, "| Max bytes per port | %s B | %s B |\n", N(st[0].max_bytes),
		N(st[1].max_bytes));
	fprintf(f, "| Port with most byte traffic | %s | %s |\n", study_port(st[0].port_bytes),
		study_port(st[1].port_bytes));
	fprintf(f, "| Total packets | %s | %s |\n", N(st[0].total_packets),
		N(st[1].total_packets));
	fprintf(f, "| Max packets per port | %s | %s |\n", N(st[0].max_packets),
		N(st[1].max_packets));
	fprintf(f, "| Port with most packet traffic | %s | %s |\n",
		study_port(st[0].port_packets), study_port(st[1].port_packets));
	fprintf(f, "| Local service port with most byte traffic (answers) | | %s |\n",
		study_port(svc.port_bytes));
	fprintf(f, "| Local service port with most packet traffic (answers) | | %s |\n\n",
		study_port(svc.port_packets));
	if (svg_base == NULL)
		return;
	for (i = 0; i < 2; i++)
		fprintf(f, "![%s packets per port](%s-%s-packets.svg)\n\n"
			"![%s bytes per port](%s-%s-bytes.svg)\n\n",
			i ? "Outgoing" : "Incoming", svg_base, names[i],
			i ? "Outgoing" : "Incoming", svg_base, names[i]);
}

static void
sec_charts(FILE *f, const struct pl_snapshot *s, const char *svg_base)
{
	uint64_t ival = s->ival_ns, wire = s->total.v[PL_CTR_wire_bytes], n = 0;
	unsigned int b, d;

	fprintf(f, "## Traffic over time, frame sizes and inter-arrival times\n\n");
	fprintf(f, "Frames received per %s s interval (%s interval%s from the first to the last "
		"frame).\n\n", R(ival / 1e9, 3), N(s->ivals.n), plural(s->ivals.n));
	if (svg_base)
		fprintf(f, "![Frames per interval](%s-intervals.svg)\n\n", svg_base);
	fprintf(f, "Frame sizes on the wire (FCS included, frames padded to 64 bytes), as NICs "
		"count them:\n\n| Size | Frames | Share of frames |\n|---|---:|---:|\n");
	for (b = 0; b < PL_SIZE_BUCKETS; b++)
		n += s->total.sizes[b];
	for (b = 0; b < PL_SIZE_BUCKETS; b++) {
		uint32_t lo, hi;

		pl_ctr_size_bounds(b, &lo, &hi);
		if (hi == UINT32_MAX)
			fprintf(f, "| %s B and above (`%s`) | %s | %s |\n", N(lo), pl_ctr_size_name(b),
				N(s->total.sizes[b]), P(s->total.sizes[b], n));
		else if (lo == hi)
			fprintf(f, "| %s B (`%s`) | %s | %s |\n", N(lo), pl_ctr_size_name(b),
				N(s->total.sizes[b]), P(s->total.sizes[b], n));
		else
			fprintf(f, "| %s-%s B (`%s`) | %s | %s |\n", N(lo), N(hi),
				pl_ctr_size_name(b), N(s->total.sizes[b]), P(s->total.sizes[b], n));
	}
	fprintf(f, "\nAverage size on the wire: %s B.\n\n", R(n ? (double)wire / n : 0, 1));
	if (svg_base)
		fprintf(f, "![Frame sizes](%s-sizes.svg)\n\n", svg_base);
	fprintf(f, "Inter-arrival times between consecutive IP packets of each direction:\n\n"
		"| Direction | Gaps | Mean gap |\n|---|---:|---:|\n");
	for (d = 0; d < PL_DIR_MAX; d++) {
		uint64_t g = 0;

		for (b = 0; b < PL_IAT_BUCKETS; b++)
			g += s->total.iat[d][b];
		fprintf(f, "| %s | %s | %s |\n", pl_dir_name(d), N(g),
			g ? hdur((double)s->total.iat_ns[d] / (double)g) : "-");
	}
	fputc('\n', f);
	if (svg_base)
		fprintf(f, "![Inter-arrival times per direction](%s-iat.svg)\n\n", svg_base);
}

/* Recommendations: each one only when the snapshot shows what it answers. */
static unsigned int
recommendations(FILE *f, const struct pl_snapshot *s, const struct digest *d,
		const struct conns *cn)
{
	char a[INET6_ADDRSTRLEN];
	unsigned int n = 0, i, c;

	if (f)
		fprintf(f, "## Recommendations\n\n");
	if (d->kinds[PL_FINDING_rate_limit]) {
		n++;
		if (f) {
			fprintf(f, "%u. **Rate limiting.** %s source%s exceeded the "
				"configured connection or packet rate (%s events)",
				n, N(d->kinds[PL_FINDING_rate_limit]),
				plural(d->kinds[PL_FINDING_rate_limit]),
				N(d->events[PL_FINDING_rate_limit]));
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
				"cleartext (%s flow%s). Require TLS on the database "
				"(`hostssl` in pg_hba.conf, `sslmode=verify-full` in clients).\n", n,
				N(s->total.app_flows[PL_APP_pgsql_clear]),
				plural(s->total.app_flows[PL_APP_pgsql_clear]));
	}
	if (d->class_clear && !d->pgsql_clear) {
		n++;
		if (f)
			fprintf(f, "%u. **Encryption.** %s flow%s of classes that require "
				"encryption carried cleartext. Enforce TLS for those services.\n",
				n, N(d->class_clear), plural(d->class_clear));
	}
	if (d->http_clear) {
		n++;
		if (f)
			fprintf(f, "%u. **HTTPS only.** Cleartext HTTP was seen (%s finding%s). "
				"Redirect HTTP to HTTPS and send HSTS.\n", n, N(d->http_clear),
				plural(d->http_clear));
	}
	if (d->kinds[PL_FINDING_unauthorized_port]) {
		n++;
		if (f) {
			fprintf(f, "%u. **Intrusion detection.** %s connection attempts "
				"reached local addresses on ports outside the allowlist (", n,
				N(d->events[PL_FINDING_unauthorized_port]));
			for (i = 0; i < d->nb_ports; i++)
				fprintf(f, "%s%u", i ? ", " : "", d->ports[i]);
			fprintf(f, "%s). Block them at the firewall and deploy an IDS to follow "
				"up on the sources.\n", d->more_ports ? ", ..." : "");
		}
	}
	if (d->kinds[PL_FINDING_sensitive_data]) {
		n++;
		if (f)
			fprintf(f, "%u. **Card data.** %s card number%s crossed the network "
				"in cleartext (masked in this report). Find the application that "
				"sends them and encrypt or tokenise (PCI DSS requirement 4).\n", n,
				N(d->kinds[PL_FINDING_sensitive_data]),
				plural(d->kinds[PL_FINDING_sensitive_data]));
	}
	if (d->kinds[PL_FINDING_qos]) {
		n++;
		if (f) {
			fprintf(f, "%u. **QoS capacity.** ", n);
			for (c = 0, i = 0; c < s->labels.nb_classes; c++)
				if (s->total.qos[c][2])
					fprintf(f, "%s%s (%s red packets)", i++ ? ", " : "",
						s->labels.cls[c].name, N(s->total.qos[c][2]));
			fprintf(f, " went above %s share of the link. Revisit the shares or the "
				"link capacity.\n", i == 1 ? "its" : "their");
		}
	}
	/* failed = rejected + unanswered: the attempts that never became connections */
	if (cn->attempted && pct(cn->failed, cn->attempted) > FAILED_WARN_PCT) {
		n++;
		if (f)
			fprintf(f, "%u. **Connection failures.** %s of %s TCP attempts (%s) failed: "
				"%s rejected (the server side answered with RST: nothing listens on "
				"the port, or a firewall refuses) and %s unanswered (no SYN-ACK or RST "
				"within the SYN timeout). Check that the services listen on those ports "
				"and have the capacity to answer.\n", n, N(cn->failed),
				N(cn->attempted), P(cn->failed, cn->attempted), N(cn->rejected),
				N(cn->unanswered));
	}
	/* resets after establishment: the servers accepted these connections */
	if (cn->established && pct(cn->reset, cn->established) > RESET_WARN_PCT) {
		n++;
		if (f) {
			fprintf(f, "%u. **Resets after establishment.** %s of %s established "
				"connections (%s) were ended by RST after the handshake had completed: "
				"the servers accepted them, so these are not failures to connect.", n,
				N(cn->reset), N(cn->established), P(cn->reset, cn->established));
			if (d->kinds[PL_FINDING_rate_limit])
				fprintf(f, " %s source%s exceeded the connection rate limit (see "
					"rate limiting): a client that floods connections and aborts "
					"them produces exactly these resets.",
					N(d->kinds[PL_FINDING_rate_limit]),
					plural(d->kinds[PL_FINDING_rate_limit]));
			fprintf(f, " Find which side sends the RSTs (a client aborting, an "
				"application closing abruptly, a middlebox timing connections out) "
				"from the top talkers and the findings.\n");
		}
	}
	if (cn->attempted && pct(cn->reset_hs, cn->attempted) > RESET_WARN_PCT) {
		n++;
		if (f)
			fprintf(f, "%u. **Aborted handshakes.** %s of %s TCP attempts (%s) were "
				"reset by their initiator before the handshake completed, as half-open "
				"(SYN) scans do. Review the sources that opened them%s.\n", n,
				N(cn->reset_hs), N(cn->attempted), P(cn->reset_hs, cn->attempted),
				d->kinds[PL_FINDING_unauthorized_port] ?
				" (the unauthorised-port findings name probed ports)" : "");
	}
	if (s->findings_dropped) {
		n++;
		if (f)
			fprintf(f, "%u. **Findings table.** %s finding events did not fit; "
				"raise `findings.max`.\n", n, N(s->findings_dropped));
	}
	if (f) {
		if (n == 0)
			fprintf(f, "No action required: the traffic shows no finding, no failed "
				"connections or resets above 5 %% and no class above its share.\n");
		fputc('\n', f);
	}
	return n;
}

int
pl_report_markdown(const struct pl_snapshot *s, const char *svg_base, char **out)
{
	struct digest d;
	struct conns c;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	*out = NULL;
	f = open_memstream(&text, &len);
	if (f == NULL)
		return -ENOMEM;
	digest(s, &d);
	conns(s, &c);
	sec_header(f, s);
	sec_summary(f, s, &d, &c, recommendations(NULL, s, &d, &c));
	sec_volume(f, s);
	sec_protocols(f, s);
	sec_classes(f, s);
	sec_bandwidth(f, s);
	sec_security(f, s, &d, &c);
	sec_qos(f, s);
	sec_backends(f, s);
	sec_talkers(f, s);
	sec_study(f, s, svg_base);
	sec_charts(f, s, svg_base);
	recommendations(f, s, &d, &c);
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
	static const char *const charts[PL_REPORT_CHART_MAX] = { "intervals", "sizes", "iat" };
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
	for (k = 0; k < 4 + PL_REPORT_CHART_MAX; k++) {
		d = k / 2;
		if (k < 4) {
			rc = pl_report_svg(s, d ? PL_DIR_OUT : PL_DIR_IN, (int)(k & 1),
					   PL_REPORT_SCALE_AUTO, &text);
			snprintf(path, sizeof(path), "%s-%s-%s.svg", base, names[d],
				 k & 1 ? "bytes" : "packets");
		} else {
			rc = pl_report_chart(s, k - 4, &text);
			snprintf(path, sizeof(path), "%s-%s.svg", base, charts[k - 4]);
		}
		if (rc < 0)
			return fail(err, errlen, path_md, rc);
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
