/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/export: the JSON rendering of a hand-built snapshot has every key of the
 * schema (docs/snapshot-schema.md) with the values put in; files are written atomically (no
 * temporary file left behind, the result parses with jansson, an existing file is replaced)
 * and a missing folder gives a negative errno; JSON lines and the human summary. The views
 * of the snapshot (bins, top ports, balance) come from pl_snapshot_derive(). No EAL needed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <jansson.h>

#include "pl_export.h"
#include "pl_test.h"

#define PORTS_ENTRIES ((size_t)PL_PORT_ROWS * 65536)
#define NS 1000000000ULL

static struct pl_bins *bins;

static int
group_setup(void **state)
{
	bins = pl_bins_create(PL_BINS_DEFAULT, NULL, 0);
	return bins ? 0 : -1;
}

static int
group_teardown(void **state)
{
	pl_bins_free(bins);
	return 0;
}

static void
set_port(struct pl_snapshot *s, unsigned int dir, uint16_t port, uint64_t pk, uint64_t by)
{
	s->ports[((size_t)dir << 16) | port].packets = pk;
	s->ports[((size_t)dir << 16) | port].bytes = by;
}

/* An empty snapshot with its arrays, as pl_snapshot_build() would lay it out. */
static struct pl_snapshot *
snap_empty(void)
{
	struct pl_snapshot *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->ports = calloc(PORTS_ENTRIES, sizeof(*s->ports));
	s->bins = calloc((size_t)PL_DIR_MAX * bins->n, sizeof(*s->bins));
	assert_non_null(s->ports);
	assert_non_null(s->bins);
	s->bin_def = bins;
	s->refcnt = 1;
	s->seq = 1;
	s->ival_ns = NS;
	pl_ctr_sum_init(&s->total);
	pl_snapshot_derive(s);
	return s;
}

/* A snapshot with a value in every view. */
static struct pl_snapshot *
snap_full(void)
{
	struct pl_snapshot *s = snap_empty();
	struct pl_ctr_sum *t = &s->total;
	struct pl_snap_lcore *l;
	unsigned int r;

	s->seq = 7;
	s->final = 1;
	s->wall_ns = 1700000000ULL * NS;
	t->time_first = 1 * NS;
	t->time_last = 3 * NS + NS / 2;
	t->v[PL_CTR_rx_packets] = 100;
	t->v[PL_CTR_packets] = 95;
	t->v[PL_CTR_bytes] = 64000;
	t->v[PL_CTR_malformed] = 2;
	t->v[PL_CTR_fragments] = 3;
	t->v[PL_CTR_non_ip] = 4;
	t->v[PL_CTR_ipv4] = 80;
	t->v[PL_CTR_ipv6] = 6;
	t->v[PL_CTR_tcp] = 60;
	t->v[PL_CTR_udp] = 15;
	t->v[PL_CTR_icmp] = 5;
	t->v[PL_CTR_l4_other] = 3;
	t->v[PL_CTR_processed] = 90;
	t->v[PL_CTR_forwarded] = 0;
	t->v[PL_CTR_freed] = 90;
	t->drop[PL_DROP_ring_full] = 4;
	t->drop[PL_DROP_verdict] = 1;
	for (r = 1; r < PL_MALFORMED_MAX; r++)
		t->malformed[r] = 100 + r;
	t->dir_packets[PL_DIR_IN] = 50;
	t->dir_bytes[PL_DIR_IN] = 50000;
	t->dir_packets[PL_DIR_OUT] = 30;
	t->dir_bytes[PL_DIR_OUT] = 9000;
	t->dir_packets[PL_DIR_EXTERNAL] = 6;
	t->dir_bytes[PL_DIR_EXTERNAL] = 600;
	for (r = 0; r < PL_SIZE_BUCKETS; r++)
		t->sizes[r] = r * 2;
	t->iat[PL_DIR_IN][0] = 11;
	t->iat[PL_DIR_IN][PL_IAT_BUCKETS - 1] = 12;
	t->iat[PL_DIR_OUT][10] = 13;

	set_port(s, PL_DIR_IN, 443, 30, 45000);
	set_port(s, PL_DIR_IN, 80, 20, 2000);
	set_port(s, PL_DIR_IN, 8080, 30, 60000);
	set_port(s, PL_DIR_IN, 8100, 5, 50);
	set_port(s, PL_DIR_OUT, 53, 10, 800);
	set_port(s, PL_DIR_OUT, 65535, 1, 64);

	s->ivals.base = 1;
	s->ivals.n = s->ivals.cap = 3;
	s->ivals.e = calloc(3, sizeof(*s->ivals.e));
	assert_non_null(s->ivals.e);
	s->ivals.e[0] = (struct pl_ival){ .packets = 40, .bytes = 4000 };
	s->ivals.e[2] = (struct pl_ival){ .packets = 60, .bytes = 6000 };

	s->nb_lcores = 2;
	l = &s->lcore[0];
	l->lcore = 1;
	l->role = PL_ROLE_RX;
	l->sum.v[PL_CTR_rx_packets] = 100;
	l->sum.v[PL_CTR_busy_cycles] = 500;
	l->sum.v[PL_CTR_total_cycles] = 1000;
	l->sum.ring_drops[0] = 1;
	l->sum.ring_drops[1] = 3;
	l = &s->lcore[1];
	l->lcore = 2;
	l->role = PL_ROLE_WORKER;
	l->index = 1;
	l->stale = 1;
	l->sum.v[PL_CTR_packets] = 40;
	l->sum.v[PL_CTR_busy_cycles] = 800;
	l->sum.v[PL_CTR_total_cycles] = 1000;

	s->nb_hw = 1;
	s->hw[0].port = 0;
	snprintf(s->hw[0].name, sizeof(s->hw[0].name), "net_pcap0");
	s->hw[0].ipackets = 101;
	s->hw[0].ibytes = 10100;
	s->hw[0].imissed = 1;
	s->hw[0].opackets = 5;
	pl_snapshot_derive(s);
	return s;
}

static json_t *
get(json_t *o, const char *path)
{
	char buf[128], *save = NULL, *k;
	json_t *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		if (json_is_array(v))
			v = json_array_get(v, strtoul(k, NULL, 10));
		else
			v = json_object_get(v, k);
		if (v == NULL)
			fail_msg("no '%s' in the JSON (at '%s')", path, k);
	}
	return v;
}

static json_int_t
num(json_t *o, const char *path)
{
	json_t *v = get(o, path);

	if (!json_is_integer(v))
		fail_msg("'%s' is not an integer", path);
	return json_integer_value(v);
}

static double
real(json_t *o, const char *path)
{
	json_t *v = get(o, path);

	if (!json_is_real(v))
		fail_msg("'%s' is not a real", path);
	return json_real_value(v);
}

static void
test_json_has_every_schema_key(void **state)
{
	static const struct { const char *key; int type; } keys[] = {
		{ "schema", JSON_STRING }, { "seq", JSON_INTEGER }, { "time", JSON_OBJECT },
		{ "totals", JSON_OBJECT }, { "malformed_reasons", JSON_OBJECT },
		{ "protocols", JSON_OBJECT }, { "directions", JSON_OBJECT },
		{ "ports", JSON_OBJECT }, { "bins", JSON_OBJECT }, { "top_ports", JSON_OBJECT },
		{ "sizes", JSON_ARRAY }, { "iat", JSON_OBJECT }, { "intervals", JSON_ARRAY },
		{ "lcores", JSON_ARRAY }, { "ports_hw", JSON_ARRAY }, { "balance", JSON_OBJECT },
		{ "interval_ns", JSON_INTEGER }, { "wall_ns", JSON_INTEGER }, { "final", JSON_TRUE },
	};
	struct pl_snapshot *s = snap_full();
	json_t *o = pl_export_json(s);
	unsigned int i, d;

	assert_non_null(o);
	for (i = 0; i < RTE_DIM(keys); i++) {
		json_t *v = json_object_get(o, keys[i].key);

		if (v == NULL)
			fail_msg("key '%s' missing", keys[i].key);
		if ((int)json_typeof(v) != keys[i].type)
			fail_msg("key '%s' has type %d, want %d", keys[i].key,
				 (int)json_typeof(v), keys[i].type);
	}
	assert_string_equal(json_string_value(get(o, "schema")), PL_SNAPSHOT_SCHEMA);
	assert_string_equal(PL_SNAPSHOT_SCHEMA, "portlens.snapshot.v1");
	assert_true(json_is_integer(get(o, "time.first_ns")));
	assert_true(json_is_integer(get(o, "time.last_ns")));
	assert_true(json_is_real(get(o, "time.duration_s")));
	for (d = 0; d < PL_DIR_MAX; d++) {
		char k[64];

		snprintf(k, sizeof(k), "directions.%s", pl_dir_name(d));
		assert_true(json_is_object(get(o, k)));
		snprintf(k, sizeof(k), "ports.%s", pl_dir_name(d));
		assert_true(json_is_array(get(o, k)));
		snprintf(k, sizeof(k), "bins.%s", pl_dir_name(d));
		assert_true(json_is_array(get(o, k)));
		snprintf(k, sizeof(k), "iat.%s", pl_dir_name(d));
		assert_true(json_is_array(get(o, k)));
		snprintf(k, sizeof(k), "top_ports.%s.by_packets", pl_dir_name(d));
		assert_true(json_is_object(get(o, k)));
		snprintf(k, sizeof(k), "top_ports.%s.by_bytes", pl_dir_name(d));
		assert_true(json_is_object(get(o, k)));
	}
	json_decref(o);
	pl_snapshot_put(s);
}

static void
test_json_scalars_match_the_snapshot(void **state)
{
	struct pl_snapshot *s = snap_full();
	json_t *o = pl_export_json(s);
	unsigned int r;

	assert_int_equal(num(o, "seq"), 7);
	assert_true(json_is_true(get(o, "final")));
	assert_int_equal(num(o, "wall_ns"), 1700000000LL * 1000000000LL);
	assert_int_equal(num(o, "time.first_ns"), NS);
	assert_int_equal(num(o, "time.last_ns"), 3 * NS + NS / 2);
	assert_true(real(o, "time.duration_s") == 2.5);

	assert_int_equal(num(o, "totals.packets"), 95);
	assert_int_equal(num(o, "totals.bytes"), 64000);
	assert_int_equal(num(o, "totals.malformed"), 2);
	assert_int_equal(num(o, "totals.fragments"), 3);
	assert_int_equal(num(o, "totals.non_ip"), 4);

	assert_int_equal(json_object_size(get(o, "malformed_reasons")), PL_MALFORMED_MAX - 1);
	assert_null(json_object_get(get(o, "malformed_reasons"), "none"));
	for (r = 1; r < PL_MALFORMED_MAX; r++) {
		char k[96];

		snprintf(k, sizeof(k), "malformed_reasons.%s", pl_malformed_name(r));
		assert_int_equal(num(o, k), 100 + r);
	}

	assert_int_equal(num(o, "protocols.ipv4"), 80);
	assert_int_equal(num(o, "protocols.ipv6"), 6);
	assert_int_equal(num(o, "protocols.tcp"), 60);
	assert_int_equal(num(o, "protocols.udp"), 15);
	assert_int_equal(num(o, "protocols.icmp"), 5);
	assert_int_equal(num(o, "protocols.other"), 3);

	assert_int_equal(num(o, "directions.in.packets"), 50);
	assert_int_equal(num(o, "directions.in.bytes"), 50000);
	assert_int_equal(num(o, "directions.out.packets"), 30);
	assert_int_equal(num(o, "directions.out.bytes"), 9000);
	assert_int_equal(num(o, "directions.internal.packets"), 0);
	assert_int_equal(num(o, "directions.external.bytes"), 600);
	json_decref(o);
	pl_snapshot_put(s);
}

static void
test_json_ports_bins_and_top_ports(void **state)
{
	struct pl_snapshot *s = snap_full();
	json_t *o = pl_export_json(s);

	/* only ports with traffic, ascending */
	assert_int_equal(json_array_size(get(o, "ports.in")), 4);
	assert_int_equal(num(o, "ports.in.0.port"), 80);
	assert_int_equal(num(o, "ports.in.0.packets"), 20);
	assert_int_equal(num(o, "ports.in.0.bytes"), 2000);
	assert_int_equal(num(o, "ports.in.1.port"), 443);
	assert_int_equal(num(o, "ports.in.2.port"), 8080);
	assert_int_equal(num(o, "ports.in.3.port"), 8100);
	assert_int_equal(json_array_size(get(o, "ports.out")), 2);
	assert_int_equal(num(o, "ports.out.1.port"), 65535);
	assert_int_equal(json_array_size(get(o, "ports.internal")), 0);

	/* bins from the same ports: 8080 and 8100 share 8024-8123 */
	assert_int_equal(json_array_size(get(o, "bins.in")), 3);
	assert_int_equal(num(o, "bins.in.0.first"), 80);
	assert_int_equal(num(o, "bins.in.0.last"), 80);
	assert_int_equal(num(o, "bins.in.1.first"), 443);
	assert_int_equal(num(o, "bins.in.1.packets"), 30);
	assert_int_equal(num(o, "bins.in.2.first"), 8024);
	assert_int_equal(num(o, "bins.in.2.last"), 8123);
	assert_int_equal(num(o, "bins.in.2.packets"), 35);
	assert_int_equal(num(o, "bins.in.2.bytes"), 60050);
	assert_int_equal(num(o, "bins.out.1.first"), 65502);
	assert_int_equal(num(o, "bins.out.1.last"), 65535);
	assert_int_equal(json_array_size(get(o, "bins.external")), 0);

	/* 443 and 8080 tie on packets: the lower port */
	assert_int_equal(num(o, "top_ports.in.by_packets.port"), 443);
	assert_int_equal(num(o, "top_ports.in.by_packets.packets"), 30);
	assert_int_equal(num(o, "top_ports.in.by_bytes.port"), 8080);
	assert_int_equal(num(o, "top_ports.in.by_bytes.bytes"), 60000);
	assert_int_equal(num(o, "top_ports.out.by_packets.port"), 53);
	assert_true(json_is_null(get(o, "top_ports.internal.by_packets.port")));
	assert_int_equal(num(o, "top_ports.internal.by_packets.packets"), 0);
	assert_true(json_is_null(get(o, "top_ports.external.by_bytes.port")));
	json_decref(o);
	pl_snapshot_put(s);
}

static void
test_json_histograms_and_intervals(void **state)
{
	struct pl_snapshot *s = snap_full();
	json_t *o = pl_export_json(s);
	unsigned int b;

	assert_int_equal(json_array_size(get(o, "sizes")), PL_SIZE_BUCKETS);
	for (b = 0; b < PL_SIZE_BUCKETS; b++) {
		json_t *e = json_array_get(get(o, "sizes"), b);
		uint32_t lo, hi;

		pl_ctr_size_bounds(b, &lo, &hi);
		assert_int_equal(json_integer_value(json_object_get(e, "min")), lo);
		assert_int_equal(json_integer_value(json_object_get(e, "packets")), b * 2);
		if (b < PL_SIZE_BUCKETS - 1)
			assert_int_equal(json_integer_value(json_object_get(e, "max")), hi);
		else
			assert_true(json_is_null(json_object_get(e, "max")));
	}
	/* RMON / NIC buckets of the size on the wire, named as rte_eth_xstats names them */
	assert_int_equal(num(o, "sizes.0.min"), 64);
	assert_int_equal(num(o, "sizes.0.max"), 64);
	assert_string_equal(json_string_value(get(o, "sizes.0.name")), "rx_size_64_packets");
	assert_int_equal(num(o, "sizes.5.min"), 1024);
	assert_int_equal(num(o, "sizes.5.max"), 1518);
	assert_string_equal(json_string_value(get(o, "sizes.5.name")),
			    "rx_size_1024_to_1518_packets");
	assert_int_equal(num(o, "sizes.6.min"), 1519);
	assert_string_equal(json_string_value(get(o, "sizes.6.name")),
			    "rx_size_1519_to_max_packets");

	/* inter-arrival: only buckets with packets */
	assert_int_equal(json_array_size(get(o, "iat.in")), 2);
	assert_int_equal(num(o, "iat.in.0.min_ns"), 0);
	assert_int_equal(num(o, "iat.in.0.max_ns"), 1);
	assert_int_equal(num(o, "iat.in.0.packets"), 11);
	assert_int_equal(num(o, "iat.in.1.min_ns"), 1LL << (PL_IAT_BUCKETS - 1));
	assert_true(json_is_null(get(o, "iat.in.1.max_ns")));
	assert_int_equal(num(o, "iat.in.1.packets"), 12);
	assert_int_equal(json_array_size(get(o, "iat.out")), 1);
	assert_int_equal(num(o, "iat.out.0.min_ns"), 1024);
	assert_int_equal(num(o, "iat.out.0.max_ns"), 2047);
	assert_int_equal(json_array_size(get(o, "iat.internal")), 0);

	/* every interval of the range, empty ones included */
	assert_int_equal(num(o, "interval_ns"), NS);
	assert_int_equal(json_array_size(get(o, "intervals")), 3);
	assert_int_equal(num(o, "intervals.0.start_ns"), 1 * NS);
	assert_int_equal(num(o, "intervals.0.packets"), 40);
	assert_int_equal(num(o, "intervals.0.bytes"), 4000);
	assert_int_equal(num(o, "intervals.1.start_ns"), 2 * NS);
	assert_int_equal(num(o, "intervals.1.packets"), 0);
	assert_int_equal(num(o, "intervals.2.start_ns"), 3 * NS);
	assert_int_equal(num(o, "intervals.2.bytes"), 6000);
	json_decref(o);
	pl_snapshot_put(s);
}

static void
test_json_lcores_hw_and_balance(void **state)
{
	struct pl_snapshot *s = snap_full();
	json_t *o = pl_export_json(s);
	unsigned int r;

	assert_int_equal(json_array_size(get(o, "lcores")), 2);
	assert_int_equal(num(o, "lcores.0.lcore"), 1);
	assert_string_equal(json_string_value(get(o, "lcores.0.role")), "rx");
	assert_int_equal(num(o, "lcores.0.index"), 0);
	assert_int_equal(num(o, "lcores.0.packets"), 100);
	assert_true(real(o, "lcores.0.busy_pct") == 50.0);
	assert_true(real(o, "lcores.0.cycles_per_packet") == 5.0);
	assert_int_equal(num(o, "lcores.0.ring_drops"), 4);  /* all its rings */
	assert_true(json_is_false(get(o, "lcores.0.stale")));
	assert_string_equal(json_string_value(get(o, "lcores.1.role")), "worker");
	assert_int_equal(num(o, "lcores.1.index"), 1);
	assert_int_equal(num(o, "lcores.1.packets"), 40);
	assert_true(real(o, "lcores.1.busy_pct") == 80.0);
	assert_true(real(o, "lcores.1.cycles_per_packet") == 20.0);
	assert_int_equal(num(o, "lcores.1.ring_drops"), 3);  /* the rings toward worker 1 */
	assert_true(json_is_true(get(o, "lcores.1.stale")));

	assert_int_equal(json_array_size(get(o, "ports_hw")), 1);
	assert_int_equal(num(o, "ports_hw.0.port"), 0);
	assert_string_equal(json_string_value(get(o, "ports_hw.0.name")), "net_pcap0");
	assert_int_equal(num(o, "ports_hw.0.ipackets"), 101);
	assert_int_equal(num(o, "ports_hw.0.ibytes"), 10100);
	assert_int_equal(num(o, "ports_hw.0.imissed"), 1);
	assert_int_equal(num(o, "ports_hw.0.ierrors"), 0);
	assert_int_equal(num(o, "ports_hw.0.rx_nombuf"), 0);
	assert_int_equal(num(o, "ports_hw.0.opackets"), 5);
	assert_int_equal(num(o, "ports_hw.0.obytes"), 0);
	assert_int_equal(num(o, "ports_hw.0.oerrors"), 0);

	/* 100 received = 90 processed + 5 dropped + 5 in flight */
	assert_int_equal(num(o, "balance.received"), 100);
	assert_int_equal(num(o, "balance.processed"), 90);
	assert_int_equal(num(o, "balance.forwarded"), 0);
	assert_int_equal(num(o, "balance.freed"), 90);
	assert_int_equal(json_object_size(get(o, "balance.dropped")), PL_DROP_MAX);
	for (r = 0; r < PL_DROP_MAX; r++) {
		char k[64];

		snprintf(k, sizeof(k), "balance.dropped.%s", pl_drop_name(r));
		assert_int_equal(num(o, k), s->total.drop[r]);
	}
	assert_int_equal(num(o, "balance.dropped.ring_full"), 4);
	assert_int_equal(num(o, "balance.dropped.verdict"), 1);
	assert_int_equal(num(o, "balance.dropped_total"), 5);
	assert_int_equal(num(o, "balance.in_flight"), 5);
	assert_true(json_is_false(get(o, "balance.closes")));
	json_decref(o);
	pl_snapshot_put(s);
}

static void
test_json_of_empty_snapshot_has_zero_time_and_closing_balance(void **state)
{
	struct pl_snapshot *s = snap_empty();
	json_t *o = pl_export_json(s);

	assert_int_equal(num(o, "time.first_ns"), 0);
	assert_int_equal(num(o, "time.last_ns"), 0);
	assert_true(real(o, "time.duration_s") == 0.0);
	assert_true(json_is_false(get(o, "final")));
	assert_int_equal(json_array_size(get(o, "intervals")), 0);
	assert_int_equal(json_array_size(get(o, "lcores")), 0);
	assert_int_equal(json_array_size(get(o, "ports.in")), 0);
	assert_true(json_is_null(get(o, "top_ports.in.by_packets.port")));
	assert_int_equal(num(o, "balance.in_flight"), 0);
	assert_true(json_is_true(get(o, "balance.closes")));
	json_decref(o);
	pl_snapshot_put(s);
}

/* A fresh folder under the temporary directory. */
static void
make_dir(char *dir, size_t len)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, len, "%s/pltest-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
}

/* Names in a folder, "." and ".." left out; the first in @p first. */
static int
count_entries(const char *dir, char *first, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n++ == 0)
			snprintf(first, len, "%s", e->d_name);
	}
	closedir(d);
	return n;
}

static void
test_json_file_is_written_atomically_and_parses(void **state)
{
	struct pl_snapshot *s = snap_full();
	char dir[256], path[320], name[256];
	json_error_t jerr;
	json_t *back, *want;

	make_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/snap.json", dir);
	assert_int_equal(pl_export_json_file(s, path), 0);
	assert_int_equal(count_entries(dir, name, sizeof(name)), 1); /* no temporary left */
	assert_string_equal(name, "snap.json");
	back = json_load_file(path, 0, &jerr);
	if (back == NULL)
		fail_msg("%s does not parse: %s (line %d)", path, jerr.text, jerr.line);
	want = pl_export_json(s);
	assert_true(json_equal(back, want));
	json_decref(back);
	json_decref(want);

	/* writing again replaces the file, still with nothing left beside it */
	s->seq = 8;
	assert_int_equal(pl_export_json_file(s, path), 0);
	assert_int_equal(count_entries(dir, name, sizeof(name)), 1);
	back = json_load_file(path, 0, &jerr);
	assert_non_null(back);
	assert_int_equal(num(back, "seq"), 8);
	json_decref(back);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	pl_snapshot_put(s);
}

static void
test_json_file_in_missing_folder_is_negative_errno(void **state)
{
	struct pl_snapshot *s = snap_full();
	char dir[256], path[320], name[256];

	make_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/no/such/folder/snap.json", dir);
	assert_int_equal(pl_export_json_file(s, path), -ENOENT);
	assert_int_equal(count_entries(dir, name, sizeof(name)), 0);
	/* a path that is a folder cannot be replaced by a file */
	assert_int_equal(pl_export_json_file(s, dir), -EISDIR);
	assert_int_equal(count_entries(dir, name, sizeof(name)), 0);
	assert_int_equal(rmdir(dir), 0);
	pl_snapshot_put(s);
}

static void
test_write_atomic_writes_exact_bytes(void **state)
{
	static const char text[] = "line one\nline two\n";
	char dir[256], path[320], buf[64];
	FILE *f;
	size_t n;

	make_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	assert_int_equal(pl_export_write_atomic(path, text, sizeof(text) - 1), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(n, sizeof(text) - 1);
	assert_memory_equal(buf, text, n);
	assert_int_equal(pl_export_write_atomic(path, "", 0), 0); /* empty replaces */
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 0);
	fclose(f);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_json_lines_are_one_compact_object_each(void **state)
{
	struct pl_snapshot *s = snap_full();
	char *buf = NULL, *nl;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_error_t jerr;
	json_t *o;

	assert_non_null(f);
	assert_int_equal(pl_export_json_line(s, f), 0);
	s->seq = 9;
	assert_int_equal(pl_export_json_line(s, f), 0);
	fclose(f);
	nl = strchr(buf, '\n');
	assert_non_null(nl);
	assert_ptr_equal(strchr(nl + 1, '\n'), buf + len - 1); /* two lines, both ended */
	*nl = '\0';
	o = json_loads(buf, 0, &jerr);
	assert_non_null(o);
	assert_int_equal(num(o, "seq"), 7);
	json_decref(o);
	o = json_loads(nl + 1, 0, &jerr);
	assert_non_null(o);
	assert_int_equal(num(o, "seq"), 9);
	assert_int_equal(num(o, "balance.in_flight"), 5);
	json_decref(o);
	free(buf);
	pl_snapshot_put(s);
}

static void
test_summary_states_totals_top_ports_and_balance(void **state)
{
	struct pl_snapshot *s = snap_full();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	s->total.tcp[PL_TCP_attempted] = 50;
	s->total.tcp[PL_TCP_established] = 40;
	s->total.tcp[PL_TCP_rejected] = 3;
	s->total.tcp[PL_TCP_unanswered] = 2;
	s->total.tcp[PL_TCP_reset_in_handshake] = 1;
	s->total.tcp[PL_TCP_closed] = 20;
	s->total.tcp[PL_TCP_reset] = 15;
	s->total.tcp[PL_TCP_active] = 5;
	set_port(s, PL_PORT_ROW_SERVICE, 443, 8, 800);
	set_port(s, PL_PORT_ROW_SERVICE, 8080, 2, 900);
	pl_export_summary(s, f);
	fclose(f);
	/* failed = rejected + unanswered; resets apart; answers by local service port */
	assert_non_null(strstr(buf, "tcp attempts 50: established 40, failed 5 (rejected 3, "
				    "unanswered 2), reset in handshake 1; established: closed 20, "
				    "reset 15, open 5"));
	assert_non_null(strstr(buf, "service port 443 (8 pkts), 8080 (900 bytes)"));
	assert_non_null(strstr(buf, "portlens snapshot 7 (final)"));
	assert_non_null(strstr(buf, "packets 95  bytes 64000  duration 2.500 s"));
	assert_non_null(strstr(buf, "window 1970-01-01 00:00:01.000000000 to "
				    "1970-01-01 00:00:03.500000000 UTC (first and last packet)"));
	assert_non_null(strstr(buf, "rate 38 pps  204800 bit/s (over the window)"));
	assert_non_null(strstr(buf, "fragments 3  non-ip 4  malformed 2"));
	assert_non_null(strstr(buf, "top port 443 (30 pkts), 8080 (60000 bytes)"));
	assert_non_null(strstr(buf, "balance: received 100 = processed 90 + dropped 5 + "
				    "in flight 5 (open)"));
	free(buf);
	pl_snapshot_put(s);
}

/* The Prometheus text of a snapshot (defaults when @p o is NULL); free() it. */
static char *
prom(const struct pl_snapshot *s, const struct pl_prom_opts *o)
{
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(pl_export_prometheus_opts(s, o, &buf, &len), 0);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static void
assert_line(const char *text, const char *line)
{
	char want[256];
	const char *p;

	snprintf(want, sizeof(want), "%s\n", line);
	for (p = text; (p = strstr(p, want)) != NULL; p++)
		if (p == text || p[-1] == '\n')
			return;
	fail_msg("no line \"%s\"", line);
}

/* Lines that start with @p prefix. */
static unsigned int
count_lines(const char *text, const char *prefix)
{
	unsigned int n = 0;
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

static void
test_prometheus_histograms_are_cumulative_with_sum_and_count(void **state)
{
	struct pl_snapshot *s = snap_full();
	char *t;

	(void)state;
	s->total.v[PL_CTR_wire_bytes] = 777;
	s->total.iat_ns[PL_DIR_IN] = 5000000000ULL;
	s->total.iat_ns[PL_DIR_OUT] = 13 * 1500;
	t = prom(s, NULL);
	/* sizes[b] = 2b: 0 2 4 6 8 10 12, cumulative, le the wire size's upper bound */
	assert_line(t, "# TYPE portlens_frame_size_bytes histogram");
	assert_line(t, "portlens_frame_size_bytes_bucket{le=\"64\"} 0");
	assert_line(t, "portlens_frame_size_bytes_bucket{le=\"127\"} 2");
	assert_line(t, "portlens_frame_size_bytes_bucket{le=\"255\"} 6");
	assert_line(t, "portlens_frame_size_bytes_bucket{le=\"1518\"} 30");
	assert_line(t, "portlens_frame_size_bytes_bucket{le=\"+Inf\"} 42");
	assert_line(t, "portlens_frame_size_bytes_sum 777");
	assert_line(t, "portlens_frame_size_bytes_count 42");
	assert_int_equal(count_lines(t, "portlens_frame_size_bytes_bucket"), PL_SIZE_BUCKETS);
	/* gaps: in has 11 in [0, 2) ns and 12 in the open bucket; out 13 in [1024, 2048) ns */
	assert_line(t, "# TYPE portlens_interarrival_seconds histogram");
	assert_line(t, "portlens_interarrival_seconds_bucket{direction=\"in\",le=\"1e-09\"} 11");
	assert_line(t, "portlens_interarrival_seconds_bucket{direction=\"in\",le=\"3e-09\"} 11");
	assert_line(t, "portlens_interarrival_seconds_bucket{direction=\"in\",le=\"+Inf\"} 23");
	assert_line(t, "portlens_interarrival_seconds_sum{direction=\"in\"} 5");
	assert_line(t, "portlens_interarrival_seconds_count{direction=\"in\"} 23");
	assert_line(t, "portlens_interarrival_seconds_bucket{direction=\"out\",le=\"1.023e-06\"} 0");
	assert_line(t, "portlens_interarrival_seconds_bucket{direction=\"out\",le=\"2.047e-06\"} 13");
	assert_line(t, "portlens_interarrival_seconds_count{direction=\"out\"} 13");
	assert_line(t, "portlens_interarrival_seconds_count{direction=\"internal\"} 0");
	assert_null(strstr(t, "frame_size_packets_total"));
	free(t);
	pl_snapshot_put(s);
}

static void
test_prometheus_top_port_is_a_label_and_ratios_are_0_to_1(void **state)
{
	struct pl_snapshot *s = snap_full();
	char *t = prom(s, NULL);

	(void)state;
	assert_line(t, "portlens_top_port_packets{direction=\"in\",port=\"443\"} 30");
	assert_line(t, "portlens_top_port_bytes{direction=\"in\",port=\"8080\"} 60000");
	assert_line(t, "portlens_top_port_packets{direction=\"out\",port=\"53\"} 10");
	assert_null(strstr(t, "top_port{"));
	assert_null(strstr(t, "direction=\"internal\",port="));
	/* 500 of 1000 cycles busy: 0.5, not 50 */
	assert_line(t, "portlens_lcore_busy_ratio{lcore=\"1\",role=\"rx\",index=\"0\"} 0.5");
	assert_null(strstr(t, "percent"));
	free(t);
	pl_snapshot_put(s);
}

static void
test_prometheus_port_series_are_bounded_unless_all_ports(void **state)
{
	struct pl_prom_opts two = { .all_ports = 0, .top_n = 2 }, all = { .all_ports = 1 };
	struct pl_snapshot *s = snap_full();
	unsigned int p;
	char *t;

	(void)state;
	/* 5000 ephemeral ports with one packet each, and two busy high ports */
	for (p = 50000; p < 55000; p++)
		set_port(s, PL_DIR_OUT, (uint16_t)p, 1, 60);
	set_port(s, PL_DIR_OUT, 40000, 500, 1000);   /* most packets */
	set_port(s, PL_DIR_OUT, 40001, 2, 90000);    /* most bytes */
	pl_snapshot_derive(s);
	t = prom(s, NULL);
	/* in: 80, 443 (well-known), 8080, 8100 (top 10); out: 53 (well-known), and the top 10
	 * by packets (40000, 53, 40001, then the tie at 1 packet goes to the lower ports
	 * 50000-50006) with the top 10 by bytes (40001, 40000, 53, 65535, 50000-50005): 11 */
	assert_int_equal(count_lines(t, "portlens_port_packets_total{direction=\"in\""), 4);
	assert_int_equal(count_lines(t, "portlens_port_packets_total{direction=\"out\""), 11);
	assert_line(t, "portlens_port_packets_total{direction=\"out\",port=\"65535\"} 1");
	assert_line(t, "portlens_port_packets_total{direction=\"out\",port=\"50006\"} 1");
	assert_null(strstr(t, "port=\"50007\""));
	assert_line(t, "portlens_port_packets_total{direction=\"out\",port=\"40000\"} 500");
	assert_line(t, "portlens_port_bytes_total{direction=\"out\",port=\"40001\"} 90000");
	/* every port is still in a bin */
	assert_line(t, "portlens_bin_packets_total{direction=\"out\",first=\"54902\",last=\"54951\"} "
		       "50");
	free(t);
	t = prom(s, &two);
	assert_int_equal(count_lines(t, "portlens_port_packets_total{direction=\"out\""), 3);
	assert_line(t, "portlens_port_packets_total{direction=\"out\",port=\"53\"} 10");
	assert_line(t, "portlens_port_packets_total{direction=\"out\",port=\"40000\"} 500");
	assert_line(t, "portlens_port_packets_total{direction=\"out\",port=\"40001\"} 2");
	free(t);
	t = prom(s, &all);
	assert_int_equal(count_lines(t, "portlens_port_packets_total{direction=\"out\""), 5004);
	free(t);
	pl_snapshot_put(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_has_every_schema_key),
		cmocka_unit_test(test_json_scalars_match_the_snapshot),
		cmocka_unit_test(test_json_ports_bins_and_top_ports),
		cmocka_unit_test(test_json_histograms_and_intervals),
		cmocka_unit_test(test_json_lcores_hw_and_balance),
		cmocka_unit_test(test_json_of_empty_snapshot_has_zero_time_and_closing_balance),
		cmocka_unit_test(test_json_file_is_written_atomically_and_parses),
		cmocka_unit_test(test_json_file_in_missing_folder_is_negative_errno),
		cmocka_unit_test(test_write_atomic_writes_exact_bytes),
		cmocka_unit_test(test_json_lines_are_one_compact_object_each),
		cmocka_unit_test(test_summary_states_totals_top_ports_and_balance),
		cmocka_unit_test(test_prometheus_histograms_are_cumulative_with_sum_and_count),
		cmocka_unit_test(test_prometheus_top_port_is_a_label_and_ratios_are_0_to_1),
		cmocka_unit_test(test_prometheus_port_series_are_bounded_unless_all_ports),
	};

	return cmocka_run_group_tests_name("export", tests, group_setup, group_teardown);
}
