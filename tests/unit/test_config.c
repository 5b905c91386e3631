/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/config: defaults, every key read over them, the shipped portlens.yaml
 * equal to the defaults, the dump/load round trip, and one test per kind of bad file,
 * each asserting the exact "FILE:LINE: " prefix, the key path and a fragment of the message,
 * and that the caller's struct was left untouched. Files are written to a private temporary
 * folder. No EAL is needed: the loader is plain C and libyaml.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pl_config.h"
#include "pl_test.h"

static char tmpdir[64];

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int
group_setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pltest-config-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	return nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Write @p text to @p name in the temporary folder; returns its path (static buffer). */
static const char *
write_file(const char *name, const char *text)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Load @p text; it must be accepted. */
static void
load_ok(const char *text, struct pl_config *cfg)
{
	char err[512] = "";
	const char *path = write_file("ok.yaml", text);
	int rc = pl_config_load(path, cfg, err, sizeof(err));

	if (rc != 0)
		fail_msg("refused (%d): %s\n--- file:\n%s", rc, err, text);
	assert_string_equal(cfg->path, path);
}

/*
 * Load @p text; it must be refused with -EINVAL, a message starting with "FILE:LINE: " for
 * line @p line and containing @p fragment, and the struct must be untouched.
 */
static void
expect_error(const char *text, int line, const char *fragment)
{
	struct pl_config *cfg = malloc(sizeof(*cfg)), *copy = malloc(sizeof(*copy));
	char err[512] = "", prefix[PATH_MAX + 32];
	const char *path = write_file("bad.yaml", text);
	int rc;

	assert_non_null(cfg);
	assert_non_null(copy);
	memset(cfg, 0xa5, sizeof(*cfg));
	memcpy(copy, cfg, sizeof(*cfg));
	rc = pl_config_load(path, cfg, err, sizeof(err));
	if (rc != -EINVAL)
		fail_msg("rc %d (expected -EINVAL), message '%s'\n--- file:\n%s", rc, err, text);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("message '%s' does not start with '%s'\n--- file:\n%s", err, prefix,
			 text);
	if (strstr(err, fragment) == NULL)
		fail_msg("message '%s' lacks '%s'\n--- file:\n%s", err, fragment, text);
	assert_memory_equal(cfg, copy, sizeof(*cfg));
	free(cfg);
	free(copy);
}

/* Field by field, so a failure names the field; then memcmp for the rest (padding, tails). */
static void
assert_config_equal(const struct pl_config *a, const struct pl_config *b)
{
	unsigned int i;

	assert_string_equal(a->path, b->path);
	assert_int_equal(a->nb_nets, b->nb_nets);
	assert_memory_equal(a->nets, b->nets, sizeof(a->nets));
	assert_string_equal(a->bins, b->bins);
	assert_int_equal(a->nb_classes, b->nb_classes);
	for (i = 0; i < a->nb_classes; i++) {
		assert_string_equal(a->classes[i].name, b->classes[i].name);
		assert_int_equal(a->classes[i].priority, b->classes[i].priority);
		assert_int_equal(a->classes[i].encrypted, b->classes[i].encrypted);
		assert_int_equal(a->classes[i].protos, b->classes[i].protos);
		assert_int_equal(a->classes[i].nb_ranges, b->classes[i].nb_ranges);
		assert_memory_equal(a->classes[i].ranges, b->classes[i].ranges,
				    sizeof(a->classes[i].ranges));
		assert_true(a->classes[i].qos_share == b->classes[i].qos_share);
	}
	assert_int_equal(a->nb_backends, b->nb_backends);
	for (i = 0; i < a->nb_backends; i++) {
		assert_string_equal(a->backends[i].name, b->backends[i].name);
		assert_int_equal(a->backends[i].nb_nets, b->backends[i].nb_nets);
		assert_memory_equal(a->backends[i].nets, b->backends[i].nets,
				    sizeof(a->backends[i].nets));
	}
	assert_string_equal(a->signatures, b->signatures);
	assert_int_equal(a->scan_budget, b->scan_budget);
	assert_int_equal(a->scan_flows, b->scan_flows);
	assert_int_equal(a->scan_packets, b->scan_packets);
	assert_int_equal(a->scan_bytes, b->scan_bytes);
	assert_int_equal(a->flow_capacity, b->flow_capacity);
	assert_int_equal(a->syn_timeout_ns, b->syn_timeout_ns);
	assert_int_equal(a->tcp_idle_ns, b->tcp_idle_ns);
	assert_int_equal(a->udp_idle_ns, b->udp_idle_ns);
	assert_int_equal(a->time_wait_ns, b->time_wait_ns);
	assert_memory_equal(a->allowed, b->allowed, sizeof(a->allowed));
	assert_true(a->conn_rate == b->conn_rate);
	assert_true(a->conn_burst == b->conn_burst);
	assert_true(a->pkt_rate == b->pkt_rate);
	assert_true(a->pkt_burst == b->pkt_burst);
	assert_int_equal(a->link_bps, b->link_bps);
	for (i = 0; i < PL_PRIO_MAX; i++)
		assert_true(a->prio_share[i] == b->prio_share[i]);
	assert_true(a->qos_peak == b->qos_peak);
	assert_int_equal(a->qos_mark, b->qos_mark);
	assert_memory_equal(a->qos_dscp, b->qos_dscp, sizeof(a->qos_dscp));
	assert_int_equal(a->qos_drop_red, b->qos_drop_red);
	assert_memory_equal(a->verdict, b->verdict, sizeof(a->verdict));
	assert_int_equal(a->verdict_dscp, b->verdict_dscp);
	assert_int_equal(a->findings_max, b->findings_max);
	assert_memory_equal(a, b, sizeof(*a));
}

/* The defaults as a file at @p path would give them: path set, signatures resolved. */
static void
defaults_as_loaded(struct pl_config *d, const char *path, const char *sigs)
{
	pl_config_defaults(d);
	memset(d->path, 0, sizeof(d->path));
	memcpy(d->path, path, strlen(path));
	memset(d->signatures, 0, sizeof(d->signatures));
	memcpy(d->signatures, sigs, strlen(sigs));
}

static char *
real_dir(char *buf)
{
	char *r = realpath(tmpdir, NULL);

	assert_non_null(r);
	snprintf(buf, PATH_MAX, "%s", r);
	free(r);
	return buf;
}

/* ---- defaults and valid files ---- */

static void
test_defaults_are_the_finmark_setup(void **state)
{
	static const char *const names[] = { "https", "api", "db", "http", "dns", "ssh" };
	static struct pl_config d;
	char path[PATH_MAX];
	unsigned int i, n = 0;

	pl_config_defaults(&d);
	assert_string_equal(d.path, "");
	assert_int_equal(d.nb_nets, 4);
	assert_string_equal(d.bins, "0-1023/1,1024-49151/100,49152-65535/50");
	assert_int_equal(d.decap, 1);
	assert_int_equal(d.nb_classes, 6);
	for (i = 0; i < 6; i++)
		assert_string_equal(d.classes[i].name, names[i]);
	assert_int_equal(d.classes[0].ranges[0].first, 443);
	assert_int_equal(d.classes[0].priority, PL_PRIO_CRITICAL);
	assert_int_equal(d.classes[0].encrypted, 1);
	assert_true(d.classes[0].qos_share == 0.8);
	assert_int_equal(d.classes[1].ranges[0].first, 8080);
	assert_int_equal(d.classes[1].priority, PL_PRIO_HIGH);
	assert_int_equal(d.classes[1].encrypted, 0);
	assert_int_equal(d.classes[2].ranges[0].last, 5432);
	assert_int_equal(d.classes[2].encrypted, 1);
	assert_int_equal(d.classes[3].priority, PL_PRIO_MEDIUM);
	assert_true(d.classes[3].qos_share == 0.4);
	assert_int_equal(d.classes[4].protos, PL_PROTO_TCP | PL_PROTO_UDP);
	assert_int_equal(d.classes[5].ranges[0].first, 22);
	for (i = 0; i < 65536; i++)
		n += (unsigned int)pl_config_allowed(&d, (uint16_t)i);
	assert_int_equal(n, 5);
	assert_true(pl_config_allowed(&d, 53) && pl_config_allowed(&d, 80) &&
		    pl_config_allowed(&d, 443) && pl_config_allowed(&d, 5432) &&
		    pl_config_allowed(&d, 8080));
	/* the installed data folder's, else the source tree's */
	assert_int_equal(pl_config_find_data(NULL, "signatures.yaml", PL_SIGS_DIR, path,
					     sizeof(path)), 0);
	assert_string_equal(d.signatures, path);
	assert_int_equal(d.scan_budget, 65536);
	assert_int_equal(d.scan_flows, 16384);
	assert_int_equal(d.scan_packets, 2);
	assert_int_equal(d.scan_bytes, 256);
	assert_int_equal(d.flow_capacity, 61440);
	assert_int_equal(d.syn_timeout_ns, 5000000000ULL);
	assert_int_equal(d.tcp_idle_ns, 300000000000ULL);
	assert_int_equal(d.udp_idle_ns, 60000000000ULL);
	assert_int_equal(d.time_wait_ns, 60000000000ULL);
	assert_true(d.conn_rate == 1000 && d.conn_burst == 1000);
	assert_true(d.pkt_rate == 0 && d.pkt_burst == 0);
	assert_int_equal(d.link_bps, 10000000000ULL);
	assert_true(d.prio_share[PL_PRIO_LOW] == 0.2);
	assert_true(d.qos_peak == 1.25);
	for (i = 0; i < PL_FINDING_MAX; i++)
		assert_int_equal(d.verdict[i], PL_VERDICT_FORWARD);
	assert_int_equal(d.findings_max, 4096);
}

static void
test_empty_file_gives_the_defaults(void **state)
{
	static struct pl_config cfg, d;
	char dir[PATH_MAX], sigs[PATH_MAX + 32];

	(void)dir;
	pl_config_defaults(&d);
	snprintf(sigs, sizeof(sigs), "%s", d.signatures);
	load_ok("", &cfg);
	defaults_as_loaded(&d, cfg.path, sigs);
	assert_config_equal(&cfg, &d);
	load_ok("# only a comment\n\n   # and another\n", &cfg);
	assert_config_equal(&cfg, &d);
	load_ok("---\n", &cfg);
	assert_config_equal(&cfg, &d);
}

static void
test_shipped_file_equals_the_defaults(void **state)
{
	static struct pl_config cfg, d;
	char err[512] = "", dir[PATH_MAX], sigs[PATH_MAX + 64];
	const char *path = PL_CONFIG_DIR "/portlens.yaml";
	char *r;

	if (pl_config_load(path, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* "signatures.yaml": not beside it in the source tree, so the shipped one */
	(void)r;
	(void)dir;
	pl_config_defaults(&d);
	snprintf(sigs, sizeof(sigs), "%s", d.signatures);
	defaults_as_loaded(&d, path, sigs);
	assert_config_equal(&cfg, &d);
}

static void
test_every_key_is_read(void **state)
{
	static struct pl_config cfg;
	unsigned int i, n = 0;

	load_ok("local_nets: [192.0.2.0/24, \"2001:db8::/32\", 10.1.2.3]\n"
		"bins: \"0-1023/1,1024-65535/1000\"\n"
		"decap: off\n"
		"classes:\n"
		"  - name: web-1\n"
		"    protocol: udp\n"
		"    ports: [443, \"8443-8444\", 9000-9001]\n"
		"    priority: low\n"
		"    encrypted: yes\n"
		"    qos_share: 0.05\n"
		"  - name: other_2\n"
		"    ports: [\"7000\"]\n"
		"allowed_ports: [22, \"1000-1002\"]\n"
		"scan: {signatures: /etc/sigs.yaml, budget: 1000, flows: 9, packets: 0, bytes: 16}\n"
		"flows:\n"
		"  capacity: 8\n"
		"  syn_timeout: 0.5\n"
		"  tcp_idle: 7200\n"
		"  udp_idle: 0.000000001\n"
		"  time_wait: 120.25\n"
		"rate_limit:\n"
		"  new_connections_per_s: 12.5\n"
		"  connection_burst: 40\n"
		"  packets_per_s: 1e5\n"
		"qos:\n"
		"  link_mbps: 2.5\n"
		"  shares: {high: 0.7, medium: 0.3}\n"
		"  peak: 1\n"
		"  mark: true\n"
		"  dscp: {green: 0, yellow: 63, red: 1}\n"
		"  drop_red: on\n"
		"verdicts:\n"
		"  unencrypted: drop\n"
		"  qos: mark\n"
		"verdict_dscp: 8\n"
		"findings:\n"
		"  max: 16\n"
		"ipfix:\n"
		"  collector: \"[2001:db8::1]:4739\"\n"
		"  active_timeout: 5\n"
		"  domain: 4294967295\n"
		"  mode: uniflow\n"
		"  rate: 0\n"
		"  template_refresh: 30\n", &cfg);
	assert_string_equal(cfg.ipfix_collector, "[2001:db8::1]:4739");
	assert_int_equal(cfg.ipfix_active_ns, 5000000000ULL);
	assert_int_equal(cfg.ipfix_domain, 4294967295u);
	assert_int_equal(cfg.ipfix_mode, 1);
	assert_int_equal(cfg.ipfix_rate, 0);
	assert_int_equal(cfg.ipfix_template_refresh, 30);
	assert_int_equal(cfg.nb_nets, 3);
	assert_int_equal(cfg.nets[0].family, 4);
	assert_int_equal(cfg.nets[0].depth, 24);
	assert_int_equal(cfg.nets[1].family, 6);
	assert_int_equal(cfg.nets[1].depth, 32);
	assert_int_equal(cfg.nets[2].depth, 32);
	assert_string_equal(cfg.bins, "0-1023/1,1024-65535/1000");
	assert_int_equal(cfg.decap, 0);
	assert_int_equal(cfg.nb_classes, 2);
	assert_string_equal(cfg.classes[0].name, "web-1");
	assert_int_equal(cfg.classes[0].protos, PL_PROTO_UDP);
	assert_int_equal(cfg.classes[0].nb_ranges, 3);
	assert_int_equal(cfg.classes[0].ranges[1].first, 8443);
	assert_int_equal(cfg.classes[0].ranges[1].last, 8444);
	assert_int_equal(cfg.classes[0].ranges[2].last, 9001);
	assert_int_equal(cfg.classes[0].priority, PL_PRIO_LOW);
	assert_int_equal(cfg.classes[0].encrypted, 1);
	assert_true(cfg.classes[0].qos_share == 0.05);
	/* defaults of a class: tcp, medium, not encrypted, share from qos.shares.medium */
	assert_string_equal(cfg.classes[1].name, "other_2");
	assert_int_equal(cfg.classes[1].protos, PL_PROTO_TCP);
	assert_int_equal(cfg.classes[1].priority, PL_PRIO_MEDIUM);
	assert_int_equal(cfg.classes[1].encrypted, 0);
	assert_int_equal(cfg.classes[1].ranges[0].first, 7000);
	assert_true(cfg.classes[1].qos_share == 0.3);
	for (i = 0; i < 65536; i++)
		n += (unsigned int)pl_config_allowed(&cfg, (uint16_t)i);
	assert_int_equal(n, 4);
	assert_true(pl_config_allowed(&cfg, 22) && pl_config_allowed(&cfg, 1001));
	assert_false(pl_config_allowed(&cfg, 443));
	assert_string_equal(cfg.signatures, "/etc/sigs.yaml");
	assert_int_equal(cfg.scan_budget, 1000);
	assert_int_equal(cfg.scan_flows, 9);
	assert_int_equal(cfg.scan_packets, 0);
	assert_int_equal(cfg.scan_bytes, 16);
	assert_int_equal(cfg.flow_capacity, 8);
	assert_int_equal(cfg.syn_timeout_ns, 500000000ULL);
	assert_int_equal(cfg.tcp_idle_ns, 7200000000000ULL);
	assert_int_equal(cfg.udp_idle_ns, 1);
	assert_int_equal(cfg.time_wait_ns, 120250000000ULL);
	assert_true(cfg.conn_rate == 12.5);
	assert_true(cfg.conn_burst == 40);
	assert_true(cfg.pkt_rate == 1e5);
	assert_true(cfg.pkt_burst == 1e5); /* left out: follows the rate */
	assert_int_equal(cfg.link_bps, 2500000);
	assert_true(cfg.prio_share[PL_PRIO_CRITICAL] == 0.8);
	assert_true(cfg.prio_share[PL_PRIO_HIGH] == 0.7);
	assert_true(cfg.qos_peak == 1);
	assert_int_equal(cfg.qos_mark, 1);
	assert_int_equal(cfg.qos_dscp[0], 0);
	assert_int_equal(cfg.qos_dscp[1], 63);
	assert_int_equal(cfg.qos_dscp[2], 1);
	assert_int_equal(cfg.qos_drop_red, 1);
	assert_int_equal(cfg.verdict[PL_FINDING_unauthorized_port], PL_VERDICT_FORWARD);
	assert_int_equal(cfg.verdict[PL_FINDING_unencrypted], PL_VERDICT_DROP);
	assert_int_equal(cfg.verdict[PL_FINDING_qos], PL_VERDICT_MARK);
	assert_int_equal(cfg.verdict_dscp, 8);
	assert_int_equal(cfg.findings_max, 16);
}

static void
test_default_classes_follow_changed_shares(void **state)
{
	static struct pl_config cfg;

	load_ok("qos: {shares: {critical: 0.9}}\n", &cfg);
	assert_int_equal(cfg.nb_classes, 6);
	assert_true(cfg.classes[0].qos_share == 0.9);  /* https, critical */
	assert_true(cfg.classes[1].qos_share == 0.6);  /* api, high */
}

static void
test_empty_lists_mean_defaults_or_nothing(void **state)
{
	static struct pl_config cfg;
	unsigned int i, n = 0;

	load_ok("local_nets: []\nclasses: []\nallowed_ports: []\nbins: \"\"\n", &cfg);
	assert_int_equal(cfg.nb_nets, 0);     /* 0: the default local networks */
	assert_int_equal(cfg.nb_classes, 0);
	for (i = 0; i < 65536; i++)
		n += (unsigned int)pl_config_allowed(&cfg, (uint16_t)i);
	assert_int_equal(n, 0);
	assert_string_equal(cfg.bins, "");    /* "": the default bins */
}

static void
test_burst_left_out_follows_the_rate(void **state)
{
	static struct pl_config cfg;

	load_ok("rate_limit: {new_connections_per_s: 50}\n", &cfg);
	assert_true(cfg.conn_rate == 50 && cfg.conn_burst == 50);
	load_ok("rate_limit: {new_connections_per_s: 0}\n", &cfg);
	assert_true(cfg.conn_rate == 0 && cfg.conn_burst == 0);
}

static void
test_relative_signatures_resolved_against_the_config_folder(void **state)
{
	static struct pl_config cfg;
	char dir[PATH_MAX], want[PATH_MAX + 64], sub[PATH_MAX], err[512];
	FILE *f;

	real_dir(dir);
	load_ok("scan:\n  signatures: sigs/my.yaml\n", &cfg);
	snprintf(want, sizeof(want), "%s/sigs/my.yaml", dir);
	assert_string_equal(cfg.signatures, want);

	/* a config in a subfolder, loaded by a relative path from elsewhere */
	snprintf(sub, sizeof(sub), "%s/conf", tmpdir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/conf/p.yaml", tmpdir);
	f = fopen(sub, "w");
	assert_non_null(f);
	fputs("scan: {signatures: s.yaml}\n", f);
	fclose(f);
	assert_int_equal(chdir(tmpdir), 0);
	if (pl_config_load("conf/p.yaml", &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	snprintf(want, sizeof(want), "%s/conf/s.yaml", dir);
	assert_string_equal(cfg.signatures, want);
	assert_string_equal(cfg.path, "conf/p.yaml");
	assert_int_equal(chdir("/"), 0);
	remove(sub);
	snprintf(sub, sizeof(sub), "%s/conf", tmpdir);
	rmdir(sub);

	/* absolute paths are kept as they are */
	load_ok("scan:\n  signatures: /opt/x/../sigs.yaml\n", &cfg);
	assert_string_equal(cfg.signatures, "/opt/x/../sigs.yaml");
}

/* Dump @p cfg, load the dump back; it must equal @p cfg but for the path. */
static void
round_trip(const struct pl_config *cfg)
{
	static struct pl_config back, want;
	char path[PATH_MAX], err[512] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/dump.yaml", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(pl_config_dump(cfg, f), 0);
	assert_int_equal(fclose(f), 0);
	if (pl_config_load(path, &back, err, sizeof(err)) != 0)
		fail_msg("dump refused: %s", err);
	want = *cfg;
	memset(want.path, 0, sizeof(want.path));
	memcpy(want.path, path, strlen(path));
	assert_config_equal(&back, &want);
}

static void
test_dump_loads_back_identical(void **state)
{
	static struct pl_config cfg;
	char err[512] = "";

	/* the shipped file (signatures resolved, so absolute) */
	if (pl_config_load(PL_CONFIG_DIR "/portlens.yaml", &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	round_trip(&cfg);

	/* awkward values: fractions that are not exact in binary, ranges, odd names */
	load_ok("local_nets: [\"::/0\", 0.0.0.0/0, 10.0.0.1/32]\n"
		"bins: 0-65535/1\n"
		"classes:\n"
		"  - {name: a, protocol: both, ports: [0, 65535, \"1-65535\"], qos_share: 0.1}\n"
		"  - {name: \"123\", protocol: udp, ports: [1], priority: low, encrypted: true}\n"
		"allowed_ports: [0-10, 12, 65535, 65534]\n"
		"scan: {signatures: \"/tmp/a \\\"quoted\\\" name.yaml\",\n"
		"       packets: 255, bytes: 65535}\n"
		"flows: {capacity: 16777216, syn_timeout: 0.1, tcp_idle: 1000000,\n"
		"        udp_idle: 3.333333333, time_wait: 0.000000001}\n"
		"rate_limit: {new_connections_per_s: 0.3, connection_burst: 1.1,\n"
		"             packets_per_s: 123456.789, packet_burst: 1e9}\n"
		"qos: {link_mbps: 0.000001, shares: {low: 0.3333333333333333}, peak: 1.1}\n"
		"verdicts: {sensitive_data: drop, rate_limit: mark}\n", &cfg);
	assert_int_equal(cfg.link_bps, 1);
	round_trip(&cfg);

	/* no classes, nothing allowed */
	load_ok("classes: []\nallowed_ports: []\nlocal_nets: []\n", &cfg);
	round_trip(&cfg);
}

static void
test_dump_of_the_defaults_loads_as_the_defaults(void **state)
{
	static struct pl_config d, back, want;
	char path[PATH_MAX], err[512] = "", dir[PATH_MAX], sigs[PATH_MAX + 32];
	FILE *f;

	pl_config_defaults(&d);
	snprintf(path, sizeof(path), "%s/defaults.yaml", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(pl_config_dump(&d, f), 0);
	fclose(f);
	if (pl_config_load(path, &back, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	(void)dir;
	snprintf(sigs, sizeof(sigs), "%s", d.signatures);
	defaults_as_loaded(&want, path, sigs);
	assert_config_equal(&back, &want);
}

static void
test_names(void **state)
{
	assert_string_equal(pl_priority_name(PL_PRIO_CRITICAL), "critical");
	assert_string_equal(pl_priority_name(PL_PRIO_LOW), "low");
	assert_string_equal(pl_priority_name(PL_PRIO_MAX), "unknown");
	assert_string_equal(pl_verdict_name(PL_VERDICT_FORWARD), "forward");
	assert_string_equal(pl_verdict_name(PL_VERDICT_MARK), "mark");
	assert_string_equal(pl_verdict_name(PL_VERDICT_DROP), "drop");
	assert_string_equal(pl_verdict_name(99), "unknown");
	assert_string_equal(pl_finding_name(PL_FINDING_unauthorized_port), "unauthorized_port");
	assert_string_equal(pl_finding_name(PL_FINDING_sensitive_data), "sensitive_data");
	assert_string_equal(pl_finding_name(PL_FINDING_qos), "qos");
	assert_string_equal(pl_finding_name(PL_FINDING_MAX), "unknown");
}

/* ---- refusals ---- */

static void
test_missing_file_is_enoent_naming_the_path(void **state)
{
	static struct pl_config cfg, copy;
	char err[512] = "", path[PATH_MAX], want[PATH_MAX + 64];

	memset(&cfg, 0x5a, sizeof(cfg));
	copy = cfg;
	snprintf(path, sizeof(path), "%s/no-such.yaml", tmpdir);
	assert_int_equal(pl_config_load(path, &cfg, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	assert_string_equal(err, want);
	assert_memory_equal(&cfg, &copy, sizeof(cfg));
	/* no error buffer is fine */
	assert_int_equal(pl_config_load(path, &cfg, NULL, 0), -ENOENT);
}

static void
test_unknown_top_level_key(void **state)
{
	expect_error("scan:\n  packets: 2\nfoo: 1\n", 3,
		     "foo: unknown key (expected one of local_nets, bins, decap, classes,");
}

static void
test_unknown_nested_key(void **state)
{
	expect_error("flows:\n  capacity: 64\n  tcp_idel: 5\n", 3,
		     "flows.tcp_idel: unknown key (expected one of capacity, syn_timeout,");
	expect_error("classes:\n  - name: a\n    ports: [1]\n    colour: red\n", 4,
		     "classes[0].colour: unknown key (expected one of name, protocol,");
	expect_error("qos:\n  shares: {critical: 0.5, urgent: 0.9}\n", 2,
		     "qos.shares.urgent: unknown key "
		     "(expected one of critical, high, medium, low)");
	expect_error("verdicts:\n  port_scan: drop\n", 2,
		     "verdicts.port_scan: unknown key (expected one of unauthorized_port,");
}

/* The IPFIX keys refuse what the exporter could not use, naming the line and the key. */
static void
test_ipfix_keys_refuse_bad_values(void **state)
{
	expect_error("ipfix:\n  rate: 10\n  collector: \"collector.example\"\n", 3,
		     "ipfix.collector: 'collector.example' has no port (expected HOST:PORT)");
	expect_error("ipfix:\n  mode: both\n", 2,
		     "ipfix.mode: 'both' is not one of biflow, uniflow");
	expect_error("ipfix:\n  template_refresh: 86401\n", 2,
		     "ipfix.template_refresh: 86401 is out of range");
	expect_error("ipfix:\n  active_timeout: 0\n", 2, "ipfix.active_timeout: ");
}

static void
test_wrong_types(void **state)
{
	expect_error("scan:\n  packets: two\n", 2,
		     "scan.packets: 'two' is not an integer (expected an integer 0-255)");
	expect_error("scan:\n  packets: \"2\"\n", 2,
		     "scan.packets: the string '2' is not an integer");
	expect_error("scan:\n  packets: 2.5\n", 2, "scan.packets: '2.5' is not an integer");
	expect_error("\nlocal_nets: {a: 1}\n", 2,
		     "local_nets: a mapping is not a list (expected a list of networks");
	expect_error("allowed_ports: 80\n", 1, "allowed_ports: '80' is not a list");
	expect_error("scan: [1, 2]\n", 1, "scan: a list is not a mapping (expected a mapping");
	expect_error("flows:\n  tcp_idle:\n", 2,
		     "flows.tcp_idle: an empty value is not a number");
	expect_error("qos:\n  mark: maybe\n", 2,
		     "qos.mark: 'maybe' is not a boolean (expected true or false)");
	expect_error("qos:\n  link_mbps: [1]\n", 2, "qos.link_mbps: a list is not a number");
	expect_error("bins: [1]\n", 1, "bins: a list is not a string");
	expect_error("classes:\n  - name: {x: 1}\n    ports: [1]\n", 2,
		     "classes[0].name: a mapping is not a name");
	expect_error("classes:\n  - https\n", 2, "classes[0]: 'https' is not a mapping");
	expect_error("just a string\n", 1, "top level: 'just a string' is not a mapping");
	expect_error("[1, 2]\n", 1, "top level: a list is not a mapping");
}

static void
test_out_of_range_numbers(void **state)
{
	expect_error("scan:\n  packets: 256\n", 2,
		     "scan.packets: 256 is out of range (expected an integer 0-255)");
	expect_error("scan:\n  bytes: 15\n", 2, "scan.bytes: 15 is out of range");
	expect_error("flows:\n  capacity: 16777217\n", 2,
		     "flows.capacity: 16777217 is out of range (expected an integer 8-16777216)");
	expect_error("flows:\n  syn_timeout: 0\n", 2,
		     "flows.syn_timeout: 0 is out of range (expected a number of seconds > 0");
	expect_error("flows:\n  udp_idle: -1\n", 2, "flows.udp_idle: -1 is out of range");
	expect_error("flows:\n  time_wait: 0.0000000001\n", 2, "expected at least 1 ns");
	expect_error("qos:\n  dscp: {green: 64}\n", 2,
		     "qos.dscp.green: 64 is out of range (expected an integer 0-63)");
	expect_error("qos:\n  peak: 0.9\n", 2, "qos.peak: 0.9 is out of range (expected a peak");
	expect_error("qos:\n  shares: {low: 0}\n", 2,
		     "qos.shares.low: 0 is out of range (expected a share of the link > 0");
	expect_error("qos:\n  shares: {low: 1.01}\n", 2, "qos.shares.low: 1.01 is out of range");
	expect_error("qos:\n  link_mbps: 0\n", 2, "qos.link_mbps: 0 is out of range");
	expect_error("rate_limit:\n  packets_per_s: -5\n", 2,
		     "rate_limit.packets_per_s: -5 is out of range");
	expect_error("verdict_dscp: 99\n", 1, "verdict_dscp: 99 is out of range");
	expect_error("findings:\n  max: 15\n", 2,
		     "findings.max: 15 is out of range (expected an integer 16-1000000)");
	expect_error("scan:\n  packets: 99999999999999999999\n", 2, "is out of range");
	expect_error("classes:\n  - {name: a, ports: [1], qos_share: 1.5}\n", 2,
		     "classes[0].qos_share: 1.5 is out of range");
	expect_error("rate_limit:\n  packets_per_s: 10\n  packet_burst: 0.5\n", 3,
		     "rate_limit.packet_burst: 0.5 is below 1 "
		     "while rate_limit.packets_per_s is on");
	expect_error("rate_limit:\n  new_connections_per_s: 0.5\n", 2,
		     "rate_limit.new_connections_per_s: 0.5 makes the default");
}

static void
test_bad_cidr(void **state)
{
	expect_error("local_nets:\n  - 10.0.0.0/8\n  - 10.0.0.0/33\n", 3,
		     "local_nets[1]: '10.0.0.0/33' is not a network (expected ADDRESS/PREFIX");
	expect_error("local_nets: [10.0.0.0/8, bogus]\n", 1,
		     "local_nets[1]: 'bogus' is not a network");
	expect_error("local_nets: [\"fc00::/129\"]\n", 1, "local_nets[0]: 'fc00::/129'");
	expect_error("local_nets: [[1]]\n", 1, "local_nets[0]: a list is not a string");
}

static void
test_bad_port_ranges(void **state)
{
	expect_error("classes:\n  - name: a\n    ports: [1, \"9000-8000\"]\n", 3,
		     "classes[0].ports[1]: '9000-8000' is reversed (expected a range FIRST-LAST");
	expect_error("classes:\n  - name: a\n    ports: [70000]\n", 3,
		     "classes[0].ports[0]: '70000' is beyond port 65535");
	expect_error("allowed_ports:\n  - 80\n  - 1-65536\n", 3,
		     "allowed_ports[1]: '1-65536' is beyond port 65535");
	expect_error("allowed_ports: [-1]\n", 1, "allowed_ports[0]: '-1' is not a port");
	expect_error("allowed_ports: [http]\n", 1,
		     "allowed_ports[0]: 'http' is not a port or a port range (expected a port");
	expect_error("allowed_ports: [\"1-\"]\n", 1, "allowed_ports[0]: the string '1-'");
	expect_error("classes:\n  - name: a\n    ports: []\n", 3,
		     "classes[0].ports: no ports (expected at least one port or range)");
}

static void
test_backends_are_read_and_dumped(void **state)
{
	static struct pl_config cfg;
	char buf[64];

	load_ok("backends:\n"
		"  - name: web\n"
		"    addresses: [10.1.0.0/24, \"fd00:1::/64\"]\n"
		"  - {name: db-1, addresses: [10.1.2.13]}\n", &cfg);
	assert_int_equal(cfg.nb_backends, 2);
	assert_string_equal(cfg.backends[0].name, "web");
	assert_int_equal(cfg.backends[0].nb_nets, 2);
	assert_string_equal(pl_cidr_format(&cfg.backends[0].nets[0], buf, sizeof(buf)),
			    "10.1.0.0/24");
	assert_int_equal(cfg.backends[0].nets[1].family, 6);
	assert_string_equal(cfg.backends[1].name, "db-1");
	assert_string_equal(pl_cidr_format(&cfg.backends[1].nets[0], buf, sizeof(buf)),
			    "10.1.2.13/32");
	round_trip(&cfg);
	/* none by default; an empty list is none */
	load_ok("backends: []\n", &cfg);
	assert_int_equal(cfg.nb_backends, 0);
	round_trip(&cfg);
}

static void
test_bad_backends(void **state)
{
	expect_error("backends:\n  - name: web\n", 2,
		     "backends[0]: missing key 'addresses' (required)");
	expect_error("backends:\n  - addresses: [10.0.0.0/8]\n", 2,
		     "backends[0]: missing key 'name' (required)");
	expect_error("backends:\n  - name: web\n    addresses: [10.0.0.0/8, 10.0.0.0/40]\n", 3,
		     "backends[0].addresses[1]: '10.0.0.0/40' is not a network");
	expect_error("backends:\n  - {name: a, addresses: [10.0.0.0/8]}\n"
		     "  - {name: a, addresses: [10.0.0.0/8]}\n", 3,
		     "backends[1].name: 'a' is already the name of backends[0]");
	expect_error("backends:\n  - {name: Web, addresses: [10.0.0.0/8]}\n", 2,
		     "backends[0].name: 'Web' is not a valid backend name");
	expect_error("backends:\n  - {name: a, addresses: []}\n", 2,
		     "backends[0].addresses: no addresses");
	expect_error("backends:\n  - {name: a, addresses: [10.0.0.0/8], weight: 2}\n", 2,
		     "weight");
	expect_error("backends: {name: a}\n", 1, "backends: ");
}

static void
test_bad_priority(void **state)
{
	expect_error("classes:\n  - name: a\n    ports: [1]\n    priority: urgent\n", 4,
		     "classes[0].priority: 'urgent' is not one of critical, high, medium, low");
}

static void
test_bad_protocol(void **state)
{
	expect_error("classes:\n  - name: a\n    protocol: sctp\n    ports: [1]\n", 3,
		     "classes[0].protocol: 'sctp' is not one of tcp, udp, both");
}

static void
test_bad_or_missing_class_name(void **state)
{
	expect_error("classes:\n  - name: Web\n    ports: [1]\n", 2,
		     "classes[0].name: 'Web' is not a valid class name (expected a unique name");
	expect_error("classes:\n  - name: abcdefghijabcdefghijabcdefghijab\n    ports: [1]\n", 2,
		     "is not a valid class name");
	expect_error("classes:\n  - ports: [1]\n", 2,
		     "classes[0]: missing key 'name' (required)");
	expect_error("classes:\n  - name: a\n  - name: b\n    ports: [2]\n", 2,
		     "classes[0]: missing key 'ports' (required)");
}

static void
test_duplicate_class_name(void **state)
{
	expect_error("classes:\n  - name: web\n    ports: [80]\n"
		     "  - name: db\n    ports: [5432]\n"
		     "  - name: web\n    ports: [8080]\n", 6,
		     "classes[2].name: 'web' is already the name of classes[0]");
}

static void
test_duplicate_keys(void **state)
{
	expect_error("scan:\n  packets: 1\nflows: {}\nscan:\n  bytes: 20\n", 4,
		     "scan: duplicate key (first given at line 1)");
	expect_error("flows:\n  capacity: 64\n  syn_timeout: 1\n  capacity: 128\n", 4,
		     "flows.capacity: duplicate key (first given at line 2)");
	expect_error("classes:\n  - name: a\n    ports: [1]\n    name: b\n", 4,
		     "classes[0].name: duplicate key (first given at line 2)");
}

static void
test_bad_verdict(void **state)
{
	expect_error("verdicts:\n  unencrypted: drop\n  qos: block\n", 3,
		     "verdicts.qos: 'block' is not one of forward, mark, drop");
}

static void
test_bad_bins_spec(void **state)
{
	expect_error("\n\nbins: \"0-1023/1,1000-2000/10\"\n", 3,
		     "bins: bin range 2: starts at 1000, overlapping");
	expect_error("bins: nonsense\n", 1,
		     "bins: bin range 1: expected FIRST-LAST/WIDTH");
}

static void
test_yaml_syntax_error(void **state)
{
	expect_error("scan:\n  packets: 2\n bytes: 3\n", 3, "YAML syntax error: ");
	expect_error("local_nets: [10.0.0.0/8\nbins: x\n", 2,
		     "YAML syntax error: did not find expected ',' or ']'");
	expect_error("scan: {packets: 2\n", 2, "YAML syntax error");
	expect_error("a: 'unterminated\n", 2, "YAML syntax error: found unexpected end of stream");
	expect_error("scan:\n  packets: 2\n---\nscan: {}\n", 4,
		     "top level: a second YAML document (expected one document)");
	expect_error("scan: {}\n---\n]\n", 3, "YAML syntax error");
}

static void
test_too_many_entries(void **state)
{
	char text[16384];
	size_t n = 0;
	int i;

	/* 33 classes: the 33rd is refused at its own line */
	n = (size_t)snprintf(text, sizeof(text), "classes:\n");
	for (i = 0; i < PL_MAX_CLASSES + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  - {name: c%d, ports: [%d]}\n",
				      i, i + 1);
	expect_error(text, 2 + PL_MAX_CLASSES, "classes: too many classes (expected at most 32)");

	/* 17 ranges in one class */
	n = (size_t)snprintf(text, sizeof(text), "classes:\n  - name: a\n    ports:\n");
	for (i = 0; i < PL_MAX_CLASS_RANGES + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "      - %d\n", i);
	expect_error(text, 4 + PL_MAX_CLASS_RANGES,
		     "classes[0].ports: too many port ranges (expected at most 16)");

	/* 65 local networks */
	n = (size_t)snprintf(text, sizeof(text), "local_nets:\n");
	for (i = 0; i < 65; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  - 10.%d.0.0/16\n", i);
	expect_error(text, 66, "local_nets: too many networks (expected at most 64)");

	/* exactly the maxima are fine */
	{
		static struct pl_config cfg;

		n = (size_t)snprintf(text, sizeof(text), "local_nets:\n");
		for (i = 0; i < 64; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "  - 10.%d.0.0/16\n", i);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "classes:\n");
		for (i = 0; i < PL_MAX_CLASSES; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      "  - {name: c%d, ports: [1,2,3,4,5,6,7,8,9,10,11,12,"
					      "13,14,15,16]}\n", i);
		load_ok(text, &cfg);
		assert_int_equal(cfg.nb_nets, 64);
		assert_int_equal(cfg.nb_classes, PL_MAX_CLASSES);
		assert_int_equal(cfg.classes[31].nb_ranges, PL_MAX_CLASS_RANGES);
	}
}

static void
test_error_leaves_the_struct_untouched(void **state)
{
	static struct pl_config cfg, before;
	char err[512] = "";
	const char *path;

	/* a valid configuration first, then a file valid up to its very last key */
	load_ok("scan: {packets: 7}\n", &cfg);
	before = cfg;
	path = write_file("late.yaml",
			  "local_nets: [192.0.2.0/24]\n"
			  "classes:\n  - {name: x, ports: [1]}\n"
			  "allowed_ports: []\n"
			  "scan: {packets: 9}\n"
			  "flows: {capacity: 99}\n"
			  "findings: {max: 1}\n");
	assert_int_equal(pl_config_load(path, &cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "late.yaml:7: findings.max: 1 is out of range"));
	assert_memory_equal(&cfg, &before, sizeof(cfg));
	/* and after a syntax error late in the file */
	path = write_file("late.yaml", "scan: {packets: 9}\nflows: {capacity: 99}\nbins: [\n");
	assert_int_equal(pl_config_load(path, &cfg, err, sizeof(err)), -EINVAL);
	assert_memory_equal(&cfg, &before, sizeof(cfg));
}


/* ---- the table of keys ---- */

static void
test_table_of_keys_is_consistent(void **state)
{
	char err[256] = "";

	if (pl_config_check_table(err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static void
test_set_changes_one_key_with_the_file_checks(void **state)
{
	static struct pl_config cfg, before;
	char err[512] = "";

	pl_config_defaults(&cfg);
	assert_int_equal(pl_config_set(&cfg, "flows.tcp_idle", "600", err, sizeof(err)), 0);
	assert_int_equal(cfg.tcp_idle_ns, 600000000000ULL);
	assert_int_equal(pl_config_set(&cfg, "verdicts.qos", "drop", err, sizeof(err)), 0);
	assert_int_equal(cfg.verdict[PL_FINDING_qos], PL_VERDICT_DROP);
	assert_int_equal(pl_config_set(&cfg, "allowed_ports", "[22, \"8000-8001\"]", err,
				       sizeof(err)), 0);
	assert_true(pl_config_allowed(&cfg, 22) && pl_config_allowed(&cfg, 8001));
	assert_false(pl_config_allowed(&cfg, 443));
	/* a burst left out follows the rate it goes with; an explicit one stays */
	assert_int_equal(pl_config_set(&cfg, "rate_limit.new_connections_per_s", "50", err,
				       sizeof(err)), 0);
	assert_true(cfg.conn_rate == 50 && cfg.conn_burst == 50);
	assert_int_equal(pl_config_set(&cfg, "rate_limit.connection_burst", "7", err,
				       sizeof(err)), 0);
	assert_int_equal(pl_config_set(&cfg, "qos.peak", "2", err, sizeof(err)), 0);
	assert_true(cfg.conn_rate == 50 && cfg.conn_burst == 7 && cfg.qos_peak == 2);
	/* classes following qos.shares go on following it; other keys are untouched */
	assert_int_equal(pl_config_set(&cfg, "qos.shares.critical", "0.5", err, sizeof(err)), 0);
	assert_true(cfg.classes[0].qos_share == 0.5);
	assert_true(cfg.classes[1].qos_share == 0.6);
	assert_int_equal(cfg.tcp_idle_ns, 600000000000ULL);

	/* refusals change nothing and say why, naming the key */
	before = cfg;
	assert_int_equal(pl_config_set(&cfg, "flows.tcp_idle", "soon", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "flows.tcp_idle: 'soon' is not a number "
			    "(expected a number of seconds > 0 and <= 1000000)");
	assert_int_equal(pl_config_set(&cfg, "scan.packets", "300", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "scan.packets: 300 is out of range (expected an integer 0-255)");
	assert_int_equal(pl_config_set(&cfg, "flows.tcp_idel", "5", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "flows.tcp_idel: unknown key"));
	assert_int_equal(pl_config_set(&cfg, "flows", "{tcp_idle: 5}", err, sizeof(err)),
			 -ENOENT);
	assert_int_equal(pl_config_set(&cfg, "qos.mark", "true\nqos.peak: 9", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(pl_config_set(&cfg, "qos.mark", "[true", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "YAML syntax error"));
	assert_memory_equal(&cfg, &before, sizeof(cfg));
}

static void
test_describe_names_value_type_range_default_and_help(void **state)
{
	static struct pl_config cfg;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	pl_config_defaults(&cfg);
	cfg.qos_peak = 1.5;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(pl_config_describe(&cfg, "qos.peak", f), 0);
	assert_int_equal(pl_config_describe(&cfg, "flows", f), 0);
	assert_int_equal(pl_config_describe(&cfg, "flows.tcp", f), -ENOENT);
	fclose(f);
	assert_non_null(strstr(text, "qos.peak: 1.5\n    peak rate = share x peak"));
	assert_non_null(strstr(text, "type number, a peak factor >= 1 and <= 100; default 1.25"));
	assert_non_null(strstr(text, "flows.capacity: 61440\n"));
	assert_non_null(strstr(text, "flows.time_wait: 60\n"));
	assert_null(strstr(text, "qos.mark"));
	free(text);
}

static void
test_dump_writes_every_key_of_the_table(void **state)
{
	static struct pl_config cfg;
	char *text = NULL, *doc = NULL;
	size_t len = 0, dlen = 0;
	FILE *f;

	pl_config_defaults(&cfg);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(pl_config_dump(&cfg, f), 0);
	fclose(f);
	/* sections open once, keys sit under them, items of lists as mappings */
	assert_non_null(strstr(text, "\nqos:\n  link_mbps: 10000\n  shares:\n    critical: 0.8\n"
				     "    high: 0.6\n"));
	assert_non_null(strstr(text, "\n  dscp:\n    green: 10\n    yellow: 12\n    red: 14\n"
				     "  drop_red: false\nverdicts:\n  unauthorized_port: forward\n"));
	assert_non_null(strstr(text, "\nclasses:\n  - name: \"https\"\n    protocol: tcp\n"
				     "    ports: [443]\n    priority: critical\n"));
	assert_non_null(strstr(text, "\nbackends: []\n"));
	/* the documentation's list has a row for each key */
	f = open_memstream(&doc, &dlen);
	assert_non_null(f);
	assert_int_equal(pl_config_doc(f), 0);
	fclose(f);
	assert_non_null(strstr(doc, "| `flows.tcp_idle` | seconds | a number of seconds > 0 and "
				    "<= 1000000 | `300` |"));
	assert_non_null(strstr(doc, "| `classes[].priority` | critical \\| high \\| medium \\| "
				    "low | — | `medium` |"));
	assert_non_null(strstr(doc, "| `verdict_dscp` | integer | 0-63 | `46` |"));
	free(text);
	free(doc);
}


static void
test_data_files_are_found_beside_the_config_then_in_the_data_folder(void **state)
{
	static struct pl_config cfg;
	char dir[PATH_MAX], want[PATH_MAX + 64], out[PATH_MAX], cfgpath[PATH_MAX];
	FILE *f;

	real_dir(dir);
	/* a copy of the shipped file anywhere else still finds the shipped signatures */
	snprintf(cfgpath, sizeof(cfgpath), "%s/copy.yaml", tmpdir);
	f = fopen(cfgpath, "w");
	assert_non_null(f);
	fputs("scan: {signatures: signatures.yaml}\n", f);
	fclose(f);
	load_ok("scan: {signatures: signatures.yaml}\n", &cfg);
	assert_int_equal(pl_config_find_data(NULL, "signatures.yaml", PL_SIGS_DIR, out,
					     sizeof(out)), 0);
	assert_string_equal(cfg.signatures, out);
	assert_int_equal(access(cfg.signatures, R_OK), 0);
	/* one placed beside the configuration wins */
	write_file("signatures.yaml", "signatures: []\n");
	load_ok("scan: {signatures: signatures.yaml}\n", &cfg);
	snprintf(want, sizeof(want), "%s/signatures.yaml", dir);
	assert_string_equal(cfg.signatures, want);
	assert_int_equal(pl_config_find_data(cfgpath, "signatures.yaml", PL_SIGS_DIR, out,
					     sizeof(out)), 0);
	assert_string_equal(out, want);
	remove(want);
	/* nowhere: -ENOENT, and the first place looked */
	assert_int_equal(pl_config_find_data(cfgpath, "no-such.yaml", PL_SIGS_DIR, out,
					     sizeof(out)), -ENOENT);
	snprintf(want, sizeof(want), "%s/no-such.yaml", dir);
	assert_string_equal(out, want);
	assert_int_equal(pl_config_find_data(NULL, "/abs/x.yaml", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "/abs/x.yaml");
	remove(cfgpath);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_the_finmark_setup),
		cmocka_unit_test(test_empty_file_gives_the_defaults),
		cmocka_unit_test(test_shipped_file_equals_the_defaults),
		cmocka_unit_test(test_every_key_is_read),
		cmocka_unit_test(test_default_classes_follow_changed_shares),
		cmocka_unit_test(test_empty_lists_mean_defaults_or_nothing),
		cmocka_unit_test(test_burst_left_out_follows_the_rate),
		cmocka_unit_test(test_relative_signatures_resolved_against_the_config_folder),
		cmocka_unit_test(test_dump_loads_back_identical),
		cmocka_unit_test(test_dump_of_the_defaults_loads_as_the_defaults),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_missing_file_is_enoent_naming_the_path),
		cmocka_unit_test(test_unknown_top_level_key),
		cmocka_unit_test(test_unknown_nested_key),
		cmocka_unit_test(test_ipfix_keys_refuse_bad_values),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_out_of_range_numbers),
		cmocka_unit_test(test_bad_cidr),
		cmocka_unit_test(test_bad_port_ranges),
		cmocka_unit_test(test_bad_priority),
		cmocka_unit_test(test_bad_protocol),
		cmocka_unit_test(test_bad_or_missing_class_name),
		cmocka_unit_test(test_duplicate_class_name),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_bad_verdict),
		cmocka_unit_test(test_bad_bins_spec),
		cmocka_unit_test(test_backends_are_read_and_dumped),
		cmocka_unit_test(test_bad_backends),
		cmocka_unit_test(test_yaml_syntax_error),
		cmocka_unit_test(test_too_many_entries),
		cmocka_unit_test(test_error_leaves_the_struct_untouched),
		cmocka_unit_test(test_table_of_keys_is_consistent),
		cmocka_unit_test(test_set_changes_one_key_with_the_file_checks),
		cmocka_unit_test(test_describe_names_value_type_range_default_and_help),
		cmocka_unit_test(test_dump_writes_every_key_of_the_table),
		cmocka_unit_test(test_data_files_are_found_beside_the_config_then_in_the_data_folder),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
