/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_telemetry endpoints (live mode), so dpdk-telemetry.py and telemetry-based exporters
 * read portlens over EAL's telemetry socket, and rte_pdump so dpdk-dumpcap can capture from
 * a running portlens. Each endpoint is a view of the published snapshot as pl_export_json()
 * renders it, converted to rte_tel_data: the same numbers as the JSON and the console.
 * rte_tel_data has no floating point in DPDK 22.11: real numbers are given as strings.
 * A reply is at most 16 KiB, so findings are capped (PL_TEL_FINDINGS). DPDK 22.11 arrays
 * cannot hold dicts: a JSON array of objects (lcores, classes, findings, ports_hw) becomes
 * a dict keyed by the element's "name" when it has one, else by its index ("0", "1" ...).
 */
#include <inttypes.h>
#include <stdio.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_eal.h>
#include <rte_pdump.h>
#include <rte_telemetry.h>

#include "pl_console.h"
#include "pl_export.h"

#define PL_TEL_FINDINGS 32

static int fill(struct rte_tel_data *d, json_t *v);

/* A nested value as a container, or NULL. */
static struct rte_tel_data *
child(json_t *v)
{
	struct rte_tel_data *c = rte_tel_data_alloc();

	if (c && fill(c, v) < 0) {
		rte_tel_data_free(c);
		return NULL;
	}
	return c;
}

static void
real_text(json_t *v, char *buf, size_t len)
{
	snprintf(buf, len, "%.6g", json_number_value(v));
}

static void
dict_add(struct rte_tel_data *d, const char *k, json_t *v)
{
	char buf[RTE_TEL_MAX_STRING_LEN];
	struct rte_tel_data *c;

	switch (json_typeof(v)) {
	case JSON_INTEGER:
		if (json_integer_value(v) < 0)
			rte_tel_data_add_dict_int(d, k, (int)json_integer_value(v));
		else
			rte_tel_data_add_dict_u64(d, k, (uint64_t)json_integer_value(v));
		break;
	case JSON_REAL:
		real_text(v, buf, sizeof(buf));
		rte_tel_data_add_dict_string(d, k, buf);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		rte_tel_data_add_dict_u64(d, k, json_is_true(v));
		break;
	case JSON_STRING:
		snprintf(buf, sizeof(buf), "%s", json_string_value(v));
		rte_tel_data_add_dict_string(d, k, buf);
		break;
	case JSON_NULL:
		rte_tel_data_add_dict_string(d, k, "null");
		break;
	default:
		c = child(v);
		if (c && rte_tel_data_add_dict_container(d, k, c, 0) < 0)
			rte_tel_data_free(c);
		break;
	}
}

static int
fill(struct rte_tel_data *d, json_t *v)
{
	const char *k;
	json_t *e;
	size_t i;

	if (json_is_object(v)) {
		rte_tel_data_start_dict(d);
		json_object_foreach(v, k, e)
			dict_add(d, k, e);
		return 0;
	}
	if (!json_is_array(v))
		return -1;
	e = json_array_get(v, 0);
	if (json_is_object(e) || json_is_array(e)) {
		/* DPDK 22.11 arrays hold no dicts: a dict keyed by the element's name, else
		 * by its index */
		rte_tel_data_start_dict(d);
		json_array_foreach(v, i, e) {
			const char *name = json_string_value(json_object_get(e, "name"));
			char key[RTE_TEL_MAX_STRING_LEN];

			if (i >= RTE_TEL_MAX_DICT_ENTRIES)
				break;
			if (name)
				snprintf(key, sizeof(key), "%s", name);
			else
				snprintf(key, sizeof(key), "%zu", i);
			dict_add(d, key, e);
		}
	} else if (json_is_integer(e)) {
		rte_tel_data_start_array(d, RTE_TEL_U64_VAL);
		json_array_foreach(v, i, e)
			if (i < RTE_TEL_MAX_ARRAY_ENTRIES)
				rte_tel_data_add_array_u64(d, (uint64_t)json_integer_value(e));
	} else {
		rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
		json_array_foreach(v, i, e) {
			char buf[RTE_TEL_MAX_STRING_LEN];

			if (i >= RTE_TEL_MAX_ARRAY_ENTRIES)
				break;
			if (json_is_string(e))
				snprintf(buf, sizeof(buf), "%s", json_string_value(e));
			else
				real_text(e, buf, sizeof(buf));
			rte_tel_data_add_array_string(d, buf);
		}
	}
	return 0;
}

/* Build the reply from some keys of the snapshot's JSON; one key gives its value alone. */
static int
reply(struct rte_tel_data *d, const char *const *keys, unsigned int nb_keys)
{
	struct pl_snapshot *s = pl_snapshot_get(&pl_app.pub);
	json_t *all, *out;
	unsigned int i;

	if (s == NULL) {
		rte_tel_data_string(d, "no snapshot yet");
		return 0;
	}
	all = pl_export_json(s);
	pl_snapshot_put(s);
	if (all == NULL)
		return -1;
	if (nb_keys == 1) {
		out = json_incref(json_object_get(all, keys[0]));
	} else {
		out = json_object();
		for (i = 0; i < nb_keys; i++)
			json_object_set(out, keys[i], json_object_get(all, keys[i]));
	}
	json_decref(all);
	if (json_is_array(out) && json_array_size(out) > PL_TEL_FINDINGS &&
	    strcmp(keys[0], "findings") == 0)
		while (json_array_size(out) > PL_TEL_FINDINGS)
			json_array_remove(out, PL_TEL_FINDINGS);
	if (out == NULL || fill(d, out) < 0) {
		json_decref(out);
		return -1;
	}
	json_decref(out);
	return 0;
}

#define KEYS(...) (const char *const[]){ __VA_ARGS__ }, \
	(unsigned int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *))

static int
tel_snapshot(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return reply(d, KEYS("schema", "seq", "final", "wall_ns", "time", "totals", "protocols",
			     "directions", "top_ports", "balance", "verdicts"));
}

static int
tel_balance(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return reply(d, KEYS("balance"));
}

static int
tel_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return reply(d, KEYS("lcores"));
}

static int
tel_classes(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return reply(d, KEYS("classes"));
}

static int
tel_tcp(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return reply(d, KEYS("tcp", "flows"));
}

static int
tel_findings(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return reply(d, KEYS("findings"));
}

static int
tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return reply(d, KEYS("ports_hw", "top_ports"));
}

static int
tel_encap(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return reply(d, KEYS("encap"));
}

static int
tel_qos(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return reply(d, KEYS("qos"));
}

static int
tel_sizes(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return reply(d, KEYS("sizes", "sizes_wire_bytes"));
}

static const struct {
	const char *path;
	telemetry_cb fn;
	const char *help;
} endpoints[] = {
	{ "/portlens/snapshot", tel_snapshot,
	  "Newest snapshot: totals, protocols, directions, top ports, balance. No parameters." },
	{ "/portlens/balance", tel_balance,
	  "Accounting balance: received = processed + dropped + in flight. No parameters." },
	{ "/portlens/lcores", tel_lcores, "Per lcore: role, packets, busy %, cycles/packet." },
	{ "/portlens/classes", tel_classes, "Service classes: packets, bytes, share." },
	{ "/portlens/tcp", tel_tcp, "TCP connection outcomes and flow-table counters." },
	{ "/portlens/findings", tel_findings, "Findings (first 32, in snapshot order)." },
	{ "/portlens/ports", tel_ports, "NIC port counters and the top port per direction." },
	{ "/portlens/qos", tel_qos, "QoS meter colours per class." },
	{ "/portlens/sizes", tel_sizes,
	  "Frame sizes on the wire by rte_eth_xstats name (rx_size_64_packets ...)." },
	{ "/portlens/encap", tel_encap,
	  "Tunnelled frames per encapsulation stripped: packets, bytes (frames as received)." },
};

/* Whether EAL opened its multi-process socket, through which dpdk-dumpcap reaches us:
 * it does not with --in-memory or --no-shconf (and says nothing about it). */
static int
mp_socket_exists(void)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/mp_socket", rte_eal_get_runtime_dir());
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

int
pl_telemetry_init(struct pl_app *app)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < RTE_DIM(endpoints); i++)
		if (rte_telemetry_register_cmd(endpoints[i].path, endpoints[i].fn,
					       endpoints[i].help) < 0) {
			PL_LOG(WARNING, "telemetry: cannot register %s", endpoints[i].path);
			rc = -1;
		}
	/* dpdk-dumpcap is a secondary process: it needs EAL's shared configuration (pdump's
	 * requests travel over it) and memory it can map (hugepages) */
	if (rte_pdump_init() < 0 || !mp_socket_exists())
		PL_LOG(WARNING, "dpdk-dumpcap cannot capture: EAL runs without a shared "
		       "configuration (--in-memory or --no-shconf); start without them to allow it "
		       "(docs/operator-guide.md)");
	else if (!rte_eal_has_hugepages())
		PL_LOG(WARNING, "dpdk-dumpcap cannot capture: EAL runs without hugepages "
		       "(--no-huge), and a secondary process cannot map that memory; reserve "
		       "hugepages and start without --no-huge to allow it "
		       "(docs/operator-guide.md)");
	return rc;
}
