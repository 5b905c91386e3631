/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/report and of the top-talker tables it shows: on hand-built snapshots,
 * the Markdown has every section with the numbers put in, the per-port study block picks the
 * right ports (ties to the lower port, none when a direction is empty), recommendations
 * appear only when the data supports them (a flooding source's resets after established
 * connections are not failures, and never read as a capacity problem), the connection
 * tables add up, the capture window and inputs are stated, numbers carry thousands
 * separators, card numbers stay masked, the charts are well-formed XML (checked with a tiny
 * tag matcher) that switch to a log scale on skewed data, and pl_report_write() leaves the
 * report and seven charts and no temporary file.
 * Talker tables need rte_malloc, so the group starts an EAL without hugepages.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "pl_report.h"
#include "pl_test.h"

#define PORTS_ENTRIES ((size_t)PL_PORT_ROWS * 65536)
#define NS 1000000000ULL

static struct pl_bins *bins;

static int
group_setup(void **state)
{
	(void)state;
	bins = pl_bins_create(PL_BINS_DEFAULT, NULL, 0);
	return bins ? pl_test_eal_init("report") : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	pl_bins_free(bins);
	rte_eal_cleanup();
	return 0;
}

static void
set_port(struct pl_snapshot *s, unsigned int dir, uint16_t port, uint64_t pk, uint64_t by)
{
	s->ports[((size_t)dir << 16) | port].packets = pk;
	s->ports[((size_t)dir << 16) | port].bytes = by;
}

static void
snap_free(struct pl_snapshot *s)
{
	free(s->ports);
	free(s->bins);
	free(s->ivals.e);
	free(s->findings);
	free(s);
}

/* A FinMark-like snapshot with no findings. */
static struct pl_snapshot *
snap_clean(void)
{
	struct pl_snapshot *s = calloc(1, sizeof(*s));
	struct pl_ctr_sum *t;

	assert_non_null(s);
	s->ports = calloc(PORTS_ENTRIES, sizeof(*s->ports));
	s->bins = calloc((size_t)PL_DIR_MAX * bins->n, sizeof(*s->bins));
	assert_non_null(s->ports);
	assert_non_null(s->bins);
	s->bin_def = bins;
	s->refcnt = 1;
	s->seq = 9;
	s->final = 1;
	s->wall_ns = 1700000000ULL * NS;
	s->ival_ns = NS;
	pl_ctr_sum_init(&s->total);
	t = &s->total;
	t->time_first = 10 * NS;
	t->time_last = 20 * NS;
	t->v[PL_CTR_rx_packets] = 1000;
	t->v[PL_CTR_packets] = 1000;
	t->v[PL_CTR_bytes] = 800000;
	t->v[PL_CTR_ipv4] = 1000;
	t->v[PL_CTR_tcp] = 900;
	t->v[PL_CTR_udp] = 100;
	t->v[PL_CTR_processed] = 1000;
	t->v[PL_CTR_freed] = 1000;
	t->dir_packets[PL_DIR_IN] = 600;
	t->dir_bytes[PL_DIR_IN] = 500000;
	t->dir_packets[PL_DIR_OUT] = 400;
	t->dir_bytes[PL_DIR_OUT] = 300000;
	set_port(s, PL_DIR_IN, 443, 300, 300000);
	set_port(s, PL_DIR_IN, 8080, 300, 200000);   /* ties 443 on packets: 443 wins */
	set_port(s, PL_DIR_OUT, 53, 100, 10000);
	set_port(s, PL_DIR_OUT, 50001, 300, 290000);

	s->labels.nb_classes = 3;
	snprintf(s->labels.cls[0].name, PL_CLASS_NAME_LEN, "https");
	s->labels.cls[0].priority = PL_PRIO_CRITICAL;
	s->labels.cls[0].encrypted = 1;
	snprintf(s->labels.cls[1].name, PL_CLASS_NAME_LEN, "api");
	s->labels.cls[1].priority = PL_PRIO_HIGH;
	snprintf(s->labels.cls[2].name, PL_CLASS_NAME_LEN, "db");
	s->labels.cls[2].priority = PL_PRIO_CRITICAL;
	s->labels.cls[2].encrypted = 1;
	t->class_packets[0] = 500;
	t->class_bytes[0] = 400000;
	t->class_conns[0] = 20;
	t->class_packets[1] = 300;
	t->class_bytes[1] = 300000;
	t->qos[0][0] = 450;
	t->qos[0][1] = 50;
	t->qos[1][0] = 300;
	t->tcp[PL_TCP_attempted] = 40;
	t->tcp[PL_TCP_established] = 40;
	t->tcp[PL_TCP_closed] = 38;

	s->labels.nb_backends = 2;
	snprintf(s->labels.backend[0], PL_CLASS_NAME_LEN, "web");
	snprintf(s->labels.backend[1], PL_CLASS_NAME_LEN, "db");
	t->backend_packets[0] = 30;
	t->backend_bytes[0] = 3000;
	t->backend_packets[1] = 10;
	t->backend_bytes[1] = 1000;

	s->nb_talkers = 2;
	s->talkers_seen = 5;
	s->top_talkers[0] = (struct pl_talker){ .family = 4, .addr = { 10, 0, 0, 5 },
						.packets = 400, .bytes = 300000 };
	s->top_talkers[1] = (struct pl_talker){ .family = 4, .addr = { 203, 0, 113, 7 },
						.packets = 200, .bytes = 100000 };

	s->ivals.base = 10;
	s->ivals.n = s->ivals.cap = 10;
	s->ivals.e = calloc(10, sizeof(*s->ivals.e));
	assert_non_null(s->ivals.e);
	s->ivals.e[3] = (struct pl_ival){ .packets = 500, .bytes = 500000 };
	s->ivals.e[4] = (struct pl_ival){ .packets = 500, .bytes = 300000 };
	pl_snapshot_derive(s);
	return s;
}

static void
add_finding(struct pl_snapshot *s, unsigned int kind, uint16_t port, uint64_t count,
	    const char *detail)
{
	struct pl_finding *f;

	s->findings = realloc(s->findings, (s->nb_findings + 1) * sizeof(*s->findings));
	assert_non_null(s->findings);
	f = &s->findings[s->nb_findings++];
	memset(f, 0, sizeof(*f));
	f->kind = (uint8_t)kind;
	f->family = 4;
	f->src[0] = 198;
	f->src[1] = 51;
	f->src[2] = 100;
	f->src[3] = 9;
	f->has_dst = 1;
	f->dst[0] = 10;
	f->dst[3] = 1;
	f->has_port = 1;
	f->port = port;
	f->count = count;
	snprintf(f->detail, sizeof(f->detail), "%s", detail);
}

static char *
markdown(const struct pl_snapshot *s)
{
	char *md = NULL;

	assert_int_equal(pl_report_markdown(s, "rep", &md), 0);
	assert_non_null(md);
	return md;
}

static void
assert_has(const char *text, const char *what)
{
	if (strstr(text, what) == NULL)
		fail_msg("report lacks \"%s\"", what);
}

static void
assert_lacks(const char *text, const char *what)
{
	if (strstr(text, what) != NULL)
		fail_msg("report has \"%s\"", what);
}

static void
test_every_section_is_present(void **state)
{
	static const char *const sections[] = {
		"# Network traffic report", "## Executive summary", "## Traffic volume",
		"## Protocol distribution", "## Port and class analysis",
		"## Bandwidth utilisation per class", "## Security analysis",
		"### Connection health (TCP)", "### Findings", "## QoS results",
		"## Distribution over backend pools", "## Top talkers", "## Per-port study",
		"## Recommendations",
	};
	struct pl_snapshot *s = snap_clean();
	char *md = markdown(s);
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		assert_has(md, sections[i]);
	free(md);
	snap_free(s);
}

static void
test_volume_numbers_come_from_the_snapshot(void **state)
{
	struct pl_snapshot *s = snap_clean();
	char *md = markdown(s);

	(void)state;
	assert_has(md, "| Total packets | 1,000 packets |");
	assert_has(md, "| Total bytes | 800,000 B (800.00 kB) |");
	assert_has(md, "| Average packet size | 800.0 B |");
	assert_has(md, "| Duration | 10.000 s |");
	/* 800000 bytes over 10 s = 640 kbit/s; busiest 1 s interval 500000 bytes = 4 Mbit/s,
	 * interval 13 = 3 s after the first packet */
	assert_has(md, "| Average throughput | 640.00 kbit/s, 100.0 packets/s |");
	assert_has(md, "| Peak throughput | 4.00 Mbit/s in the 1.000 s interval starting at "
		       "3.000 s (500,000 B) |");
	assert_has(md, "| Peak packet rate | 500.0 packets/s |");
	assert_has(md, "| TCP | 900 | 90.0 % |");
	/* classes: share of bytes, share of packets, average size */
	assert_has(md, "| https | critical | yes | 500 | 400,000 B | 50.0 % | 50.0 % | 800.0 B | "
		       "20 |");
	assert_has(md, "| (no class) | | | 200 | 100,000 B | 12.5 % | 20.0 % | 500.0 B | |");
	assert_has(md, "| https | 320.00 kbit/s | 50.0 % |");
	assert_has(md, "| https | 450 | 50 | 0 | 90.0 % |");
	assert_has(md, "| web | 30 | 3,000 B | 75.0 % |");
	assert_has(md, "| 1 | 10.0.0.5 | 400 | 300,000 B | 37.5 % |");
	assert_has(md, "| 443 | 300 | 300,000 B | 60.0 % | 1,000.0 B |");
	free(md);
	snap_free(s);
}

static void
test_study_block_per_direction(void **state)
{
	struct pl_snapshot *s = snap_clean();
	struct pl_report_study in, out, ext;
	char *md;

	(void)state;
	pl_report_study(s, PL_DIR_IN, &in);
	pl_report_study(s, PL_DIR_OUT, &out);
	pl_report_study(s, PL_DIR_EXTERNAL, &ext);
	assert_int_equal(in.total_bytes, 500000);
	assert_int_equal(in.max_bytes, 300000);
	assert_int_equal(in.port_bytes, 443);
	assert_int_equal(in.total_packets, 600);
	assert_int_equal(in.max_packets, 300);
	assert_int_equal(in.port_packets, 443); /* tie with 8080: the lower port */
	assert_int_equal(out.total_bytes, 300000);
	assert_int_equal(out.port_bytes, 50001);
	assert_int_equal(out.port_packets, 50001);
	assert_int_equal(ext.port_packets, -1);
	assert_int_equal(ext.total_packets, 0);
	md = markdown(s);
	assert_has(md, "| Total bytes | 500,000 B | 300,000 B |");
	assert_has(md, "| Max bytes per port | 300,000 B | 290,000 B |");
	assert_has(md, "| Port with most byte traffic | 443 | 50001 |");
	assert_has(md, "| Total packets | 600 | 400 |");
	assert_has(md, "| Max packets per port | 300 | 300 |");
	assert_has(md, "| Port with most packet traffic | 443 | 50001 |");
	assert_has(md, "(rep-in-packets.svg)");
	assert_has(md, "(rep-in-bytes.svg)");
	assert_has(md, "(rep-out-packets.svg)");
	assert_has(md, "(rep-out-bytes.svg)");
	free(md);
	snap_free(s);
}

static void
test_clean_traffic_gets_no_recommendation(void **state)
{
	struct pl_snapshot *s = snap_clean();
	char *md = markdown(s);

	(void)state;
	assert_has(md, "No action required");
	assert_has(md, "**No security findings**");
	assert_has(md, "0 recommendations follow");
	assert_lacks(md, "Rate limiting");
	assert_lacks(md, "Database encryption");
	assert_lacks(md, "Intrusion detection");
	assert_lacks(md, "ALERT");
	free(md);
	snap_free(s);
}

static void
test_recommendations_follow_the_findings(void **state)
{
	struct pl_snapshot *s = snap_clean();
	char *md;

	(void)state;
	add_finding(s, PL_FINDING_rate_limit, 0, 42, "new connections above the limit");
	s->findings[0].has_port = 0;
	s->findings[0].has_dst = 0;
	add_finding(s, PL_FINDING_unauthorized_port, 23, 3, "tcp");
	add_finding(s, PL_FINDING_unauthorized_port, 3389, 1, "tcp");
	add_finding(s, PL_FINDING_unencrypted, 5432, 1, "cleartext pgsql_clear on db (encryption required)");
	add_finding(s, PL_FINDING_sensitive_data, 8080, 1, "card number ending 1111");
	s->total.app_flows[PL_APP_pgsql_clear] = 1;
	md = markdown(s);
	assert_has(md, "**5 security findings**");
	assert_has(md, "**Rate limiting.** 1 source exceeded");
	assert_has(md, "e.g. 198.51.100.9");
	assert_has(md, "**Database encryption.**");
	assert_has(md, "**Intrusion detection.** 4 connection attempts");
	assert_has(md, "(23, 3389)");
	assert_has(md, "**Card data.**");
	assert_has(md, "card number ending 1111");
	assert_has(md, "| Unauthorised ports | 2 findings, 4 attempts; ports 23, 3389 | ALERT |");
	assert_lacks(md, "HTTPS only");
	assert_lacks(md, "No action required");
	assert_lacks(md, "4111111111111111");
	free(md);
	snap_free(s);
}

static void
test_failed_connections_above_five_percent_are_flagged(void **state)
{
	struct pl_snapshot *s = snap_clean();
	char *md;

	(void)state;
	s->total.tcp[PL_TCP_rejected] = 2;
	s->total.tcp[PL_TCP_unanswered] = 1;
	md = markdown(s);
	assert_has(md, "| Failed connections (rejected + unanswered) | 3 of 40 attempts (7.5 %) | "
		       "WARN |");
	assert_has(md, "**Connection failures.** 3 of 40 TCP attempts (7.5 %) failed: 2 rejected");
	assert_has(md, "1 unanswered");
	assert_lacks(md, "Resets after establishment.**");
	free(md);
	snap_free(s);
}

/* A tiny XML check: declarations skipped, every start tag closed in order, quotes balanced. */
static int
xml_ok(const char *x)
{
	char stack[64][32];
	int depth = 0, roots = 0;

	while ((x = strchr(x, '<')) != NULL) {
		const char *end = strchr(x, '>');
		char name[32];
		size_t n;
		int quotes = 0;
		const char *q;

		if (end == NULL)
			return 0;
		for (q = x; q < end; q++)
			quotes += *q == '"';
		if (quotes % 2)
			return 0;
		if (x[1] == '?') {
			x = end + 1;
			continue;
		}
		if (x[1] == '/') {
			n = strcspn(x + 2, " >");
			if (depth == 0 || n >= sizeof(name) || strncmp(stack[depth - 1], x + 2, n) ||
			    stack[depth - 1][n])
				return 0;
			depth--;
		} else {
			n = strcspn(x + 1, " />");
			if (n == 0 || n >= sizeof(name))
				return 0;
			if (end[-1] != '/') {
				if (depth == 64)
					return 0;
				if (depth == 0)
					roots++;
				memcpy(stack[depth], x + 1, n);
				stack[depth++][n] = '\0';
			}
		}
		/* text between tags must not hold a raw '&' or '<' */
		x = end + 1;
		{
			const char *next = strchr(x, '<'), *amp = strchr(x, '&');

			if (amp && (next == NULL || amp < next))
				return 0;
		}
	}
	return depth == 0 && roots == 1;
}

static void
test_charts_are_well_formed_svg(void **state)
{
	struct pl_snapshot *s = snap_clean();
	unsigned int d, k;
	char *svg;

	(void)state;
	for (d = 0; d < PL_DIR_MAX; d++)
		for (k = 0; k < 2; k++) {
			assert_int_equal(pl_report_svg(s, d, (int)k, PL_REPORT_SCALE_AUTO, &svg), 0);
			assert_true(xml_ok(svg));
			assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
			free(svg);
		}
	assert_false(xml_ok("<svg><g></svg>"));
	assert_false(xml_ok("<svg>a & b</svg>"));
	/* the busiest bin is named; an empty direction says so */
	assert_int_equal(pl_report_svg(s, PL_DIR_IN, 1, PL_REPORT_SCALE_AUTO, &svg), 0);
	assert_non_null(strstr(svg, "port 443: 300 kB"));
	assert_non_null(strstr(svg, "<title>ports 443-443: 300000 bytes</title>"));
	free(svg);
	assert_int_equal(pl_report_svg(s, PL_DIR_EXTERNAL, 0, PL_REPORT_SCALE_AUTO, &svg), 0);
	assert_non_null(strstr(svg, "no TCP/UDP traffic"));
	free(svg);
	snap_free(s);
}

static void
test_skewed_data_gets_a_log_scale(void **state)
{
	struct pl_snapshot *s = snap_clean();
	char *svg;

	(void)state;
	/* inbound packets 300/300: even, linear */
	assert_int_equal(pl_report_svg(s, PL_DIR_IN, 0, PL_REPORT_SCALE_AUTO, &svg), 0);
	assert_non_null(strstr(svg, "linear scale"));
	free(svg);
	assert_int_equal(pl_report_svg(s, PL_DIR_IN, 0, PL_REPORT_SCALE_LOG, &svg), 0);
	assert_non_null(strstr(svg, "logarithmic scale"));
	free(svg);
	set_port(s, PL_DIR_IN, 22, 1, 60);
	set_port(s, PL_DIR_IN, 25, 1, 60);
	set_port(s, PL_DIR_IN, 110, 1, 60);
	pl_snapshot_derive(s);
	assert_int_equal(pl_report_svg(s, PL_DIR_IN, 1, PL_REPORT_SCALE_AUTO, &svg), 0);
	assert_non_null(strstr(svg, "logarithmic scale"));
	assert_true(xml_ok(svg));
	free(svg);
	snap_free(s);
}

static void
test_write_leaves_report_and_seven_charts(void **state)
{
	static const char *const files[] = { "r.md", "r-in-packets.svg", "r-in-bytes.svg",
					     "r-out-packets.svg", "r-out-bytes.svg",
					     "r-intervals.svg", "r-sizes.svg", "r-iat.svg" };
	struct pl_snapshot *s = snap_clean();
	char dir[] = "/tmp/pl-report-XXXXXX", path[512], err[256];
	struct dirent *de;
	struct stat st;
	unsigned int i, n = 0;
	DIR *dd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.md", dir);
	assert_int_equal(pl_report_write(s, path, err, sizeof(err)), 0);
	for (i = 0; i < RTE_DIM(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		assert_int_equal(stat(path, &st), 0);
		assert_true(st.st_size > 100);
	}
	dd = opendir(dir);
	assert_non_null(dd);
	while ((de = readdir(dd)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		assert_null(strstr(de->d_name, ".tmp"));
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
		n++;
	}
	closedir(dd);
	assert_int_equal(n, RTE_DIM(files));
	rmdir(dir);
	/* a folder that does not exist: a negative errno naming the file */
	assert_int_equal(pl_report_write(s, "/nonexistent/x/r.md", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x/r-in-packets.svg"));
	snap_free(s);
}

/*
 * A flooding source: its connections were established, then it reset them. Those resets
 * are not failures: the report says failed = rejected + unanswered, puts the resets apart,
 * and never sends the reader to server capacity for them.
 */
static void
test_flood_resets_after_establishment_are_not_failures(void **state)
{
	struct pl_snapshot *s = snap_clean();
	char *md;

	(void)state;
	s->total.tcp[PL_TCP_attempted] = 3568;
	s->total.tcp[PL_TCP_established] = 3558;
	s->total.tcp[PL_TCP_rejected] = 4;
	s->total.tcp[PL_TCP_unanswered] = 6;
	s->total.tcp[PL_TCP_closed] = 549;
	s->total.tcp[PL_TCP_reset] = 3009;
	add_finding(s, PL_FINDING_rate_limit, 0, 2558, "new connections above 1000/s");
	md = markdown(s);
	assert_has(md, "**TCP:** 3,568 connection attempts: 3,558 established (99.7 %), 10 failed "
		       "(0.3 %: 4 rejected, 6 unanswered)");
	assert_has(md, "549 closed and 3,009 reset after establishment (84.6 % of the "
		       "established)");
	assert_has(md, "| Failed connections (rejected + unanswered) | 10 of 3,568 attempts "
		       "(0.3 %) | OK |");
	assert_has(md, "| Resets after establishment | 3,009 of 3,558 established (84.6 %) | "
		       "WARN |");
	assert_has(md, "**Resets after establishment.** 3,009 of 3,558 established connections "
		       "(84.6 %)");
	assert_has(md, "not failures to connect");
	assert_has(md, "a client that floods connections and aborts them");
	assert_lacks(md, "Connection failures.**");
	assert_lacks(md, "capacity");
	free(md);
	snap_free(s);
}

/* The two connection tables: every attempt and every established connection in one row. */
static void
test_connection_tables_add_up(void **state)
{
	struct pl_snapshot *s = snap_clean();
	char *md;

	(void)state;
	s->total.tcp[PL_TCP_attempted] = 1000;
	s->total.tcp[PL_TCP_established] = 900;
	s->total.tcp[PL_TCP_rejected] = 30;
	s->total.tcp[PL_TCP_unanswered] = 20;
	s->total.tcp[PL_TCP_reset_in_handshake] = 40;
	s->total.tcp[PL_TCP_closed] = 700;
	s->total.tcp[PL_TCP_reset] = 100;
	s->total.tcp[PL_TCP_active] = 60;
	s->total.tcp[PL_TCP_time_wait] = 5;
	md = markdown(s);
	assert_has(md, "| Established (handshake completed) | 900 | 90.0 % |");
	assert_has(md, "| Failed: rejected (answered by RST) | 30 | 3.0 % |");
	assert_has(md, "| Failed: unanswered (no SYN-ACK or RST in time) | 20 | 2.0 % |");
	assert_has(md, "| Reset by the initiator in the handshake | 40 | 4.0 % |");
	assert_has(md, "| Still in the handshake, or answered and never completed | 10 | 1.0 % |");
	assert_has(md, "| **All attempts** | 1,000 | 100.0 % |");
	assert_has(md, "| Closed (FIN from both sides) | 700 | 77.8 % |");
	assert_has(md, "| Reset after establishment (RST from either side) | 100 | 11.1 % |");
	assert_has(md, "| Still open at the snapshot | 60 | 6.7 % |");
	assert_has(md, "| Ended unseen (idle timeout) | 40 | 4.4 % |");
	assert_has(md, "Of the closed, 5 were in TIME_WAIT");
	/* 5 % failed is not above the threshold; 11.1 % resets after establishment is */
	assert_lacks(md, "Connection failures.**");
	assert_has(md, "**Resets after establishment.** 100 of 900");
	assert_lacks(md, "a client that floods"); /* no rate_limit finding to point at */
	free(md);
	/* the initiators' aborts above 5 %: said apart, with no capacity advice */
	s->total.tcp[PL_TCP_reset_in_handshake] = 60;
	s->total.tcp[PL_TCP_established] = 880;
	s->total.tcp[PL_TCP_closed] = 680;
	md = markdown(s);
	assert_has(md, "**Aborted handshakes.** 60 of 1,000 TCP attempts (6.0 %)");
	assert_lacks(md, "capacity");
	free(md);
	snap_free(s);
}

static void
test_window_inputs_and_thousands(void **state)
{
	static const char *const files[] = { "/data/a.pcap", "b.pcapng" };
	struct pl_collector col;
	struct pl_snapshot *s = snap_clean();
	char *md;

	(void)state;
	memset(&col, 0, sizeof(col));
	assert_int_equal(pl_collector_inputs(&col, files, 2), 0);
	memcpy(s->inputs, col.inputs, sizeof(s->inputs));
	s->total.time_first = 1700000000ULL * NS + 123456789;
	s->total.time_last = 1700000012ULL * NS + 500000;
	md = markdown(s);
	assert_has(md, "- **Capture window:** 2023-11-14 22:13:20.123456 UTC to "
		       "2023-11-14 22:13:32.000500 UTC (11.877 s)");
	assert_has(md, "- **Input:** `/data/a.pcap`, `b.pcapng`");
	free(md);
	/* live: the ports */
	s->inputs[0] = '\0';
	s->nb_hw = 1;
	s->hw[0].port = 0;
	snprintf(s->hw[0].name, sizeof(s->hw[0].name), "0000:3b:00.0");
	md = markdown(s);
	assert_has(md, "- **Input:** port 0 (`0000:3b:00.0`)");
	free(md);
	/* a name with a new line, or more than fits, is refused */
	assert_int_equal(pl_collector_inputs(&col, (const char *const[]){ "a\nb" }, 1),
			 -ENAMETOOLONG);
	snap_free(s);
}

/* Outgoing traffic by local service port, and the clients' ports not called top ports. */
static void
test_outgoing_by_local_service_port(void **state)
{
	struct pl_snapshot *s = snap_clean();
	struct pl_report_study svc;
	char *md;

	(void)state;
	set_port(s, PL_PORT_ROW_SERVICE, 443, 280, 280000);
	set_port(s, PL_PORT_ROW_SERVICE, 8080, 20, 10000);
	pl_report_study(s, PL_PORT_ROW_SERVICE, &svc);
	assert_int_equal(svc.port_bytes, 443);
	md = markdown(s);
	assert_has(md, "Outgoing traffic by local service port");
	assert_has(md, "| 443 | 280 | 280,000 B | 93.3 % | 1,000.0 B |");
	assert_has(md, "| Local service port with most byte traffic (answers) | | 443 |");
	assert_lacks(md, "Top destination ports");
	free(md);
	snap_free(s);
}

static void
test_size_interval_and_iat_charts(void **state)
{
	struct pl_snapshot *s = snap_clean();
	char *svg, *md;

	(void)state;
	s->total.sizes[0] = 700;
	s->total.sizes[5] = 300;
	s->total.v[PL_CTR_wire_bytes] = 700 * 64 + 300 * 1518;
	s->total.iat[PL_DIR_IN][10] = 500;
	s->total.iat[PL_DIR_OUT][20] = 300;
	s->total.iat_ns[PL_DIR_IN] = 500 * 1500;
	md = markdown(s);
	assert_has(md, "| 64 B (`rx_size_64_packets`) | 700 | 70.0 % |");
	assert_has(md, "| 1,024-1,518 B (`rx_size_1024_to_1518_packets`) | 300 | 30.0 % |");
	assert_has(md, "Average size on the wire: 500.2 B.");
	assert_has(md, "| in | 500 | 1.5 µs |");
	assert_has(md, "| internal | 0 | - |");
	assert_has(md, "(rep-intervals.svg)");
	assert_has(md, "(rep-sizes.svg)");
	assert_has(md, "(rep-iat.svg)");
	free(md);
	assert_int_equal(pl_report_chart(s, PL_REPORT_CHART_SIZES, &svg), 0);
	assert_true(xml_ok(svg));
	assert_non_null(strstr(svg, "<title>rx_size_64_packets: 700 frames</title>"));
	assert_non_null(strstr(svg, ">1519+</text>"));
	free(svg);
	assert_int_equal(pl_report_chart(s, PL_REPORT_CHART_IAT, &svg), 0);
	assert_true(xml_ok(svg));
	assert_non_null(strstr(svg, "<title>in, 1.02 us to under 2.05 us: 500 packets</title>"));
	assert_non_null(strstr(svg, "<title>out, 1.05 ms to under 2.1 ms: 300 packets</title>"));
	assert_null(strstr(svg, "internal"));
	free(svg);
	assert_int_equal(pl_report_chart(s, PL_REPORT_CHART_INTERVALS, &svg), 0);
	assert_true(xml_ok(svg));
	assert_non_null(strstr(svg, "<title>3-4 s: 500 frames</title>"));
	free(svg);
	assert_int_equal(pl_report_chart(s, PL_REPORT_CHART_MAX, &svg), -EINVAL);
	snap_free(s);
}

static void
test_talkers_exact_then_overflow_counted(void **state)
{
	struct pl_talkers *a = pl_talkers_create(3, SOCKET_ID_ANY);
	struct pl_talkers *g = pl_talkers_create(100, SOCKET_ID_ANY);
	uint8_t x[4] = { 10, 0, 0, 1 }, y[4] = { 10, 0, 0, 2 }, z[4] = { 10, 0, 0, 3 };
	uint8_t w[4] = { 10, 0, 0, 4 }, v6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct pl_talker top[4];

	(void)state;
	assert_non_null(a);
	assert_non_null(g);
	assert_int_equal(pl_talkers_add(a, 4, x, 1, 100), 0);
	assert_int_equal(pl_talkers_add(a, 4, y, 1, 500), 0);
	assert_int_equal(pl_talkers_add(a, 4, x, 1, 100), 0);
	assert_int_equal(pl_talkers_add(a, 6, v6, 1, 300), 0);
	assert_int_equal(pl_talkers_add(a, 4, z, 2, 900), -ENOSPC); /* full: overflow */
	assert_int_equal(a->n, 3);
	assert_int_equal(a->over_packets, 2);
	assert_int_equal(a->over_bytes, 900);
	pl_talkers_merge(g, a);
	pl_talkers_merge(g, a);
	pl_talkers_clear(a);
	assert_int_equal(a->n, 0);
	assert_int_equal(pl_talkers_add(a, 4, w, 1, 200), 0);
	pl_talkers_merge(g, a);
	assert_int_equal(g->n, 4);
	assert_int_equal(g->over_packets, 4);
	assert_int_equal(pl_talkers_top(g, top, 3), 3);
	/* by bytes: y 1000, v6 600, x 400, w 200 */
	assert_memory_equal(top[0].addr, y, 4);
	assert_int_equal(top[0].bytes, 1000);
	assert_int_equal(top[0].packets, 2);
	assert_int_equal(top[1].family, 6);
	assert_int_equal(top[1].bytes, 600);
	assert_memory_equal(top[2].addr, x, 4);
	assert_int_equal(top[2].packets, 4);
	pl_talkers_free(a);
	pl_talkers_free(g);
}

static void
test_cidr_match_and_backend_counting(void **state)
{
	static struct pl_config cfg;
	struct pl_ctr_bank b;
	uint8_t ip[40] = { 0 };

	(void)state;
	memset(&b, 0, sizeof(b));
	pl_config_defaults(&cfg);
	cfg.nb_backends = 2;
	assert_int_equal(pl_cidr_parse("10.0.1.0/25", &cfg.backends[0].nets[0]), 0);
	cfg.backends[0].nb_nets = 1;
	assert_int_equal(pl_cidr_parse("10.0.2.7/32", &cfg.backends[1].nets[0]), 0);
	assert_int_equal(pl_cidr_parse("fd00:1::/32", &cfg.backends[1].nets[1]), 0);
	cfg.backends[1].nb_nets = 2;
	/* IPv4 header: src 203.0.113.1, dst 10.0.1.100 (pool 0) */
	memcpy(ip + 12, (uint8_t[]){ 203, 0, 113, 1 }, 4);
	memcpy(ip + 16, (uint8_t[]){ 10, 0, 1, 100 }, 4);
	pl_ctr_source(&b, &cfg, ip, 0, 100);
	/* the reply: src in pool 0 */
	memcpy(ip + 12, (uint8_t[]){ 10, 0, 1, 100 }, 4);
	memcpy(ip + 16, (uint8_t[]){ 203, 0, 113, 1 }, 4);
	pl_ctr_source(&b, &cfg, ip, 0, 50);
	/* 10.0.1.128 is outside /25 */
	memcpy(ip + 16, (uint8_t[]){ 10, 0, 1, 128 }, 4);
	memcpy(ip + 12, (uint8_t[]){ 10, 0, 2, 7 }, 4);
	pl_ctr_source(&b, &cfg, ip, 0, 70);
	/* IPv6 src fd00:1::5 */
	memset(ip, 0, sizeof(ip));
	ip[8] = 0xfd;
	ip[10] = 0x00;
	ip[11] = 0x01;
	ip[23] = 5;
	pl_ctr_source(&b, &cfg, ip, 1, 90);
	assert_int_equal(b.backend_packets[0], 2);
	assert_int_equal(b.backend_bytes[0], 150);
	assert_int_equal(b.backend_packets[1], 2);
	assert_int_equal(b.backend_bytes[1], 160);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_section_is_present),
		cmocka_unit_test(test_volume_numbers_come_from_the_snapshot),
		cmocka_unit_test(test_study_block_per_direction),
		cmocka_unit_test(test_clean_traffic_gets_no_recommendation),
		cmocka_unit_test(test_recommendations_follow_the_findings),
		cmocka_unit_test(test_failed_connections_above_five_percent_are_flagged),
		cmocka_unit_test(test_charts_are_well_formed_svg),
		cmocka_unit_test(test_skewed_data_gets_a_log_scale),
		cmocka_unit_test(test_write_leaves_report_and_seven_charts),
		cmocka_unit_test(test_flood_resets_after_establishment_are_not_failures),
		cmocka_unit_test(test_connection_tables_add_up),
		cmocka_unit_test(test_window_inputs_and_thousands),
		cmocka_unit_test(test_outgoing_by_local_service_port),
		cmocka_unit_test(test_size_interval_and_iat_charts),
		cmocka_unit_test(test_talkers_exact_then_overflow_counted),
		cmocka_unit_test(test_cidr_match_and_backend_counting),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
