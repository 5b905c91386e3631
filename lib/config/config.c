/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration file: built-in defaults, the YAML loader and the YAML writer.
 *
 * The loader reads the whole file with libyaml's document API, then walks the node tree key
 * by key into a private copy of the defaults; the caller's struct is written only once every
 * key has been accepted. Every refusal names the file, the 1-based line of the offending node
 * and the key path ("classes[2].ports[0]"), says what is wrong and what was expected. Types
 * are strict: numbers and booleans must be plain scalars, so `packets: "2"` is refused just
 * like `packets: two`. Control-plane only; nothing here runs on the packet path.
 */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "pl_bins.h"
#include "pl_config.h"

#define CFG_PATH_LEN 160          /* key paths in messages ("classes[31].ports[15]") */
#define CFG_MAX_SECONDS 1000000.0 /* durations: ns stay exact through a double */
#define CFG_MAX_RATE 1e9          /* rates and bursts */
#define CFG_MAX_MBPS 1e7          /* 10 Tbit/s */
#define CFG_MAX_PEAK 100.0

static const char *const prio_names[PL_PRIO_MAX + 1] = {
	"critical", "high", "medium", "low", NULL
};
static const char *const verdict_names[PL_VERDICT_MAX] = { "forward", "mark", "drop" };
static const char *const finding_names[PL_FINDING_MAX + 1] = {
#define PL_X_NAME(name, help) #name,
	PL_FINDING_KINDS(PL_X_NAME)
#undef PL_X_NAME
	NULL
};
static const char *const proto_names[] = { "tcp", "udp", "both" };
static const uint8_t proto_masks[] = { PL_PROTO_TCP, PL_PROTO_UDP, PL_PROTO_TCP | PL_PROTO_UDP };
static const char *const colour_names[] = { "green", "yellow", "red", NULL };

const char *
pl_priority_name(unsigned int prio)
{
	return prio < PL_PRIO_MAX ? prio_names[prio] : "unknown";
}

const char *
pl_verdict_name(unsigned int verdict)
{
	return verdict < PL_VERDICT_MAX ? verdict_names[verdict] : "unknown";
}

const char *
pl_finding_name(unsigned int kind)
{
	return kind < PL_FINDING_MAX ? finding_names[kind] : "unknown";
}

static void
allow_range(struct pl_config *cfg, unsigned int first, unsigned int last)
{
	unsigned int p;

	for (p = first; p <= last; p++)
		cfg->allowed[p >> 3] |= (uint8_t)(1u << (p & 7));
}

void
pl_config_defaults(struct pl_config *cfg)
{
	/* the FinMark service classes */
	static const struct {
		const char *name;
		uint8_t priority, encrypted, protos;
		uint16_t port;
	} classes[] = {
		{ "https", PL_PRIO_CRITICAL, 1, PL_PROTO_TCP, 443 },
		{ "api", PL_PRIO_HIGH, 0, PL_PROTO_TCP, 8080 },
		{ "db", PL_PRIO_CRITICAL, 1, PL_PROTO_TCP, 5432 },
		{ "http", PL_PRIO_MEDIUM, 0, PL_PROTO_TCP, 80 },
		{ "dns", PL_PRIO_HIGH, 0, PL_PROTO_TCP | PL_PROTO_UDP, 53 },
		{ "ssh", PL_PRIO_HIGH, 0, PL_PROTO_TCP, 22 },
	};
	static const uint16_t allowed[] = { 53, 80, 443, 5432, 8080 };
	unsigned int i;

	/* zero everything, padding and string tails included, so configs compare with memcmp */
	memset(cfg, 0, sizeof(*cfg));
	cfg->nb_nets = pl_direction_defaults(cfg->nets);
	snprintf(cfg->bins, sizeof(cfg->bins), "%s", PL_BINS_DEFAULT);

	cfg->prio_share[PL_PRIO_CRITICAL] = 0.8;
	cfg->prio_share[PL_PRIO_HIGH] = 0.6;
	cfg->prio_share[PL_PRIO_MEDIUM] = 0.4;
	cfg->prio_share[PL_PRIO_LOW] = 0.2;

	cfg->nb_classes = (unsigned int)(sizeof(classes) / sizeof(classes[0]));
	for (i = 0; i < cfg->nb_classes; i++) {
		struct pl_class_def *c = &cfg->classes[i];

		snprintf(c->name, sizeof(c->name), "%s", classes[i].name);
		c->priority = classes[i].priority;
		c->encrypted = classes[i].encrypted;
		c->protos = classes[i].protos;
		c->nb_ranges = 1;
		c->ranges[0].first = classes[i].port;
		c->ranges[0].last = classes[i].port;
		c->qos_share = cfg->prio_share[c->priority];
	}
	/* the shipped signature file; a path given in a file is relative to that file */
	snprintf(cfg->signatures, sizeof(cfg->signatures), "%s", PL_SIGS_DIR "/signatures.yaml");
	cfg->scan_packets = 2;
	cfg->scan_bytes = 256;

	cfg->flow_capacity = 61440; /* 15/16 of 2^16: see pl_flow_create() */
	cfg->syn_timeout_ns = 5ULL * 1000000000ULL;
	cfg->tcp_idle_ns = 300ULL * 1000000000ULL;
	cfg->udp_idle_ns = 60ULL * 1000000000ULL;
	cfg->time_wait_ns = 60ULL * 1000000000ULL;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		allow_range(cfg, allowed[i], allowed[i]);
	cfg->conn_rate = 1000;
	cfg->conn_burst = 1000;
	cfg->pkt_rate = 0;
	cfg->pkt_burst = 0;
	cfg->link_bps = 10000ULL * 1000000ULL;
	cfg->qos_peak = 1.25;
	cfg->qos_mark = 0;
	cfg->qos_dscp[0] = 10; /* AF11 */
	cfg->qos_dscp[1] = 12; /* AF12 */
	cfg->qos_dscp[2] = 14; /* AF13 */
	cfg->qos_drop_red = 0;
	for (i = 0; i < PL_FINDING_MAX; i++)
		cfg->verdict[i] = PL_VERDICT_FORWARD;
	cfg->verdict_dscp = 46; /* EF */
	cfg->findings_max = 4096;
}

/* ---- the loader ---- */

/* One load in progress. */
struct cfg_ctx {
	const char *file;
	char *err;
	size_t errlen;
	yaml_document_t *doc;
	struct pl_config cfg;             /* defaults, then the file's keys over them */
	uint8_t share_set[PL_MAX_CLASSES]; /* qos_share given: not derived from qos.shares */
	yaml_node_t *conn_rate_node, *conn_burst_node; /* where they were set, if they were */
	yaml_node_t *pkt_rate_node, *pkt_burst_node;
	yaml_node_t *signatures_node;
};

/* Report "FILE:LINE: PATH: message" (no line without a node); returns -EINVAL. */
static int __attribute__((format(printf, 4, 5)))
cfg_error(struct cfg_ctx *c, const yaml_node_t *n, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->err == NULL || c->errlen == 0)
		return -EINVAL;
	if (n != NULL)
		snprintf(c->err, c->errlen, "%s:%lu: %s: %s", c->file,
			 (unsigned long)n->start_mark.line + 1, path, msg);
	else
		snprintf(c->err, c->errlen, "%s: %s: %s", c->file, path, msg);
	return -EINVAL;
}

static int
is_scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE;
}

static const char *
scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int
is_plain(const yaml_node_t *n)
{
	return is_scalar(n) && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* An empty value: `key:` with nothing after it, `~` or `null`. */
static int
is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	unsigned int i;

	if (!is_plain(n))
		return 0;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(scalar(n), nulls[i]) == 0)
			return 1;
	return 0;
}

/* Describe a node for a message: "a mapping", "the string '2'", "'abc'". */
static const char *
what(const yaml_node_t *n, char *buf, size_t len)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (is_null(n))
		return "an empty value";
	snprintf(buf, len, "%s'%.40s%s'", is_plain(n) ? "" : "the string ", scalar(n),
		 strlen(scalar(n)) > 40 ? "..." : "");
	return buf;
}

/* "<node> is not <kind> (expected <expected>)" */
static int
type_error(struct cfg_ctx *c, const yaml_node_t *n, const char *path, const char *kind,
	   const char *expected)
{
	char buf[96];

	return cfg_error(c, n, path, "%s is not %s (expected %s)", what(n, buf, sizeof(buf)),
			 kind, expected);
}

static void
join_path(char *out, size_t len, const char *path, const char *key)
{
	if (path[0] == '\0')
		snprintf(out, len, "%s", key);
	else
		snprintf(out, len, "%s.%s", path, key);
}

typedef int (*cfg_key_fn)(struct cfg_ctx *c, int key, const char *path, yaml_node_t *val,
			  void *arg);

/*
 * Walk a mapping whose keys must come from @p keys (NULL-terminated): refuses a node that is
 * not a mapping, a key that is not a scalar, a duplicate key and an unknown key, and calls
 * @p fn with the key's index in @p keys, its path and its value. Returns 0 or -EINVAL.
 */
static int
cfg_map(struct cfg_ctx *c, yaml_node_t *map, const char *path, const char *const *keys,
	cfg_key_fn fn, void *arg)
{
	yaml_node_pair_t *p, *q;
	char kpath[CFG_PATH_LEN];
	int rc;

	if (map->type != YAML_MAPPING_NODE)
		return type_error(c, map, path[0] ? path : "top level", "a mapping",
				  "a mapping of keys");
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		char list[256] = "", buf[96];
		int i;

		if (!is_scalar(k) || is_null(k))
			return cfg_error(c, k, path[0] ? path : "top level",
					 "%s is not a key (expected a name)",
					 what(k, buf, sizeof(buf)));
		join_path(kpath, sizeof(kpath), path, scalar(k));
		for (q = map->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k0 = yaml_document_get_node(c->doc, q->key);

			if (is_scalar(k0) && strcmp(scalar(k0), scalar(k)) == 0)
				return cfg_error(c, k, kpath,
						 "duplicate key (first given at line %lu)",
						 (unsigned long)k0->start_mark.line + 1);
		}
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(keys[i], scalar(k)) == 0)
				break;
		if (keys[i] == NULL) {
			for (i = 0; keys[i] != NULL; i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 i ? ", " : "", keys[i]);
			return cfg_error(c, k, kpath, "unknown key (expected one of %s)", list);
		}
		rc = fn(c, i, kpath, v, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* A sequence node, or an error. */
static int
cfg_list(struct cfg_ctx *c, yaml_node_t *n, const char *path, const char *expected)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return type_error(c, n, path, "a list", expected);
	return 0;
}

static yaml_node_t *
list_item(struct cfg_ctx *c, yaml_node_t *list, unsigned int i)
{
	return yaml_document_get_node(c->doc, list->data.sequence.items.start[i]);
}

static unsigned int
list_len(yaml_node_t *list)
{
	return (unsigned int)(list->data.sequence.items.top - list->data.sequence.items.start);
}

/* A non-empty scalar that fits in @p len bytes with its NUL, plain or quoted. */
static int
cfg_string(struct cfg_ctx *c, yaml_node_t *n, const char *path, const char *expected,
	   char *out, size_t len)
{
	if (!is_scalar(n) || is_null(n) || scalar(n)[0] == '\0')
		return type_error(c, n, path, "a string", expected);
	if (strlen(scalar(n)) != n->data.scalar.length)
		return cfg_error(c, n, path, "contains a NUL character (expected %s)", expected);
	if (strlen(scalar(n)) >= len)
		return cfg_error(c, n, path, "is %zu characters long (expected at most %zu)",
				 strlen(scalar(n)), len - 1);
	memset(out, 0, len);
	memcpy(out, scalar(n), strlen(scalar(n)));
	return 0;
}

/* Plain decimal integer text: [+-]digits. */
static int
int_text(const char *s, long long *out)
{
	const char *p = s;
	char *end;

	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	return errno == ERANGE ? -ERANGE : 0;
}

/* Plain decimal number text: digits, one point, an exponent; finite. */
static int
real_text(const char *s, double *out)
{
	char *end;

	if (s[0] == '\0' || strspn(s, "0123456789.eE+-") != strlen(s) ||
	    strpbrk(s, "0123456789") == NULL)
		return -EINVAL;
	*out = strtod(s, &end);
	if (*end != '\0' || !isfinite(*out))
		return -EINVAL;
	return 0;
}

/* An integer in [min, max]. */
static int
cfg_int(struct cfg_ctx *c, yaml_node_t *n, const char *path, long long min, long long max,
	long long *out)
{
	char expected[64];
	long long v;
	int rc;

	snprintf(expected, sizeof(expected), "an integer %lld-%lld", min, max);
	if (!is_plain(n) || is_null(n))
		return type_error(c, n, path, "an integer", expected);
	rc = int_text(scalar(n), &v);
	if (rc == -EINVAL)
		return type_error(c, n, path, "an integer", expected);
	if (rc == -ERANGE || v < min || v > max)
		return cfg_error(c, n, path, "%s is out of range (expected %s)", scalar(n),
				 expected);
	*out = v;
	return 0;
}

/* A number in (min, max] when @p open_min, else [min, max]. */
static int
cfg_real(struct cfg_ctx *c, yaml_node_t *n, const char *path, double min, int open_min,
	 double max, const char *expected, double *out)
{
	double v;

	if (!is_plain(n) || is_null(n) || real_text(scalar(n), &v) != 0)
		return type_error(c, n, path, "a number", expected);
	if (v < min || (open_min && v == min) || v > max)
		return cfg_error(c, n, path, "%s is out of range (expected %s)", scalar(n),
				 expected);
	*out = v;
	return 0;
}

static int
cfg_bool(struct cfg_ctx *c, yaml_node_t *n, const char *path, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on",
					   "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off",
					  "Off", "OFF" };
	unsigned int i;

	if (is_plain(n)) {
		for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
			if (strcmp(scalar(n), yes[i]) == 0) {
				*out = 1;
				return 0;
			}
			if (strcmp(scalar(n), no[i]) == 0) {
				*out = 0;
				return 0;
			}
		}
	}
	return type_error(c, n, path, "a boolean", "true or false");
}

/* One of @p n names; "'x' is not one of a, b, c" otherwise. */
static int
cfg_enum(struct cfg_ctx *c, yaml_node_t *node, const char *path, const char *const *names,
	 unsigned int n, unsigned int *out)
{
	char list[128] = "", buf[96];
	unsigned int i;

	if (is_scalar(node) && !is_null(node))
		for (i = 0; i < n; i++)
			if (strcmp(scalar(node), names[i]) == 0) {
				*out = i;
				return 0;
			}
	for (i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 names[i]);
	return cfg_error(c, node, path, "%s is not one of %s", what(node, buf, sizeof(buf)),
			 list);
}

/* Seconds, a number > 0 (fractions allowed), into nanoseconds. */
static int
cfg_seconds(struct cfg_ctx *c, yaml_node_t *n, const char *path, uint64_t *ns)
{
	double s;
	int rc = cfg_real(c, n, path, 0, 1, CFG_MAX_SECONDS,
			  "a number of seconds > 0 and <= 1000000", &s);

	if (rc != 0)
		return rc;
	*ns = (uint64_t)llround(s * 1e9);
	if (*ns == 0)
		return cfg_error(c, n, path, "%s is out of range (expected at least 1 ns)",
				 scalar(n));
	return 0;
}

/* A port number in [0, 65535] from text; -EINVAL when not digits, -ERANGE when too big. */
static int
port_text(const char *s, size_t len, unsigned int *out)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return -ERANGE;
	*out = (unsigned int)v;
	return 0;
}

/* A port (plain number) or a range ("A-B", or "A"), inclusive. */
static int
cfg_port_range(struct cfg_ctx *c, yaml_node_t *n, const char *path, struct pl_port_range *r)
{
	static const char expected[] = "a port 0-65535 or a range \"FIRST-LAST\"";
	unsigned int first, last;
	const char *s, *dash;
	int rc;

	if (!is_scalar(n) || is_null(n))
		return type_error(c, n, path, "a port", expected);
	s = scalar(n);
	dash = strchr(s, '-');
	rc = port_text(s, dash ? (size_t)(dash - s) : strlen(s), &first);
	if (rc == 0 && dash)
		rc = port_text(dash + 1, strlen(dash + 1), &last);
	else if (rc == 0)
		last = first;
	if (rc == -ERANGE)
		return cfg_error(c, n, path, "'%s' is beyond port 65535 (expected %s)", s,
				 expected);
	if (rc != 0)
		return type_error(c, n, path, "a port or a port range", expected);
	if (last < first)
		return cfg_error(c, n, path,
				 "'%s' is reversed (expected a range FIRST-LAST with FIRST <= "
				 "LAST)", s);
	r->first = (uint16_t)first;
	r->last = (uint16_t)last;
	return 0;
}

/* ---- sections ---- */

static int
cfg_nets(struct cfg_ctx *c, const char *path, yaml_node_t *n)
{
	unsigned int i, len;
	char ipath[CFG_PATH_LEN];
	int rc;

	rc = cfg_list(c, n, path, "a list of networks ADDRESS/PREFIX");
	if (rc != 0)
		return rc;
	len = list_len(n);
	memset(c->cfg.nets, 0, sizeof(c->cfg.nets));
	c->cfg.nb_nets = 0;
	for (i = 0; i < len; i++) {
		yaml_node_t *it = list_item(c, n, i);
		char text[64];

		if (i >= sizeof(c->cfg.nets) / sizeof(c->cfg.nets[0]))
			return cfg_error(c, it, path, "too many networks (expected at most %zu)",
					 sizeof(c->cfg.nets) / sizeof(c->cfg.nets[0]));
		snprintf(ipath, sizeof(ipath), "%s[%u]", path, i);
		rc = cfg_string(c, it, ipath, "a network ADDRESS/PREFIX", text, sizeof(text));
		if (rc != 0)
			return rc;
		if (pl_cidr_parse(text, &c->cfg.nets[i]) != 0)
			return cfg_error(c, it, ipath,
					 "'%s' is not a network (expected ADDRESS/PREFIX, IPv4 "
					 "or IPv6, e.g. 10.0.0.0/8)", text);
		c->cfg.nb_nets++;
	}
	return 0;
}

static int
cfg_bins(struct cfg_ctx *c, const char *path, yaml_node_t *n)
{
	char msg[256] = "";
	struct pl_bins *b;

	/* "" means the default bins */
	if (is_scalar(n) && !is_plain(n) && scalar(n)[0] == '\0') {
		memset(c->cfg.bins, 0, sizeof(c->cfg.bins));
		return 0;
	}
	if (cfg_string(c, n, path, "a bin specification FIRST-LAST/WIDTH,...", c->cfg.bins,
		       sizeof(c->cfg.bins)) != 0)
		return -EINVAL;
	b = pl_bins_create(c->cfg.bins, msg, sizeof(msg));
	if (b == NULL)
		return cfg_error(c, n, path, "%s (expected FIRST-LAST/WIDTH,... e.g. %s)", msg,
				 PL_BINS_DEFAULT);
	pl_bins_free(b);
	return 0;
}

/* A list of ports and ranges into @p out (at most @p max); @p nb is how many. */
static int
cfg_port_list(struct cfg_ctx *c, yaml_node_t *n, const char *path, struct pl_port_range *out,
	      unsigned int max, unsigned int *nb)
{
	char ipath[CFG_PATH_LEN];
	unsigned int i, len;
	int rc;

	rc = cfg_list(c, n, path, "a list of ports and \"FIRST-LAST\" ranges");
	if (rc != 0)
		return rc;
	len = list_len(n);
	for (i = 0; i < len; i++) {
		yaml_node_t *it = list_item(c, n, i);

		if (i >= max)
			return cfg_error(c, it, path,
					 "too many port ranges (expected at most %u)", max);
		snprintf(ipath, sizeof(ipath), "%s[%u]", path, i);
		rc = cfg_port_range(c, it, ipath, &out[i]);
		if (rc != 0)
			return rc;
	}
	*nb = len;
	return 0;
}

static int
cfg_allowed(struct cfg_ctx *c, const char *path, yaml_node_t *n)
{
	char ipath[CFG_PATH_LEN];
	struct pl_port_range r;
	unsigned int i, len;
	int rc;

	rc = cfg_list(c, n, path, "a list of ports and \"FIRST-LAST\" ranges");
	if (rc != 0)
		return rc;
	memset(c->cfg.allowed, 0, sizeof(c->cfg.allowed));
	len = list_len(n);
	for (i = 0; i < len; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%u]", path, i);
		rc = cfg_port_range(c, list_item(c, n, i), ipath, &r);
		if (rc != 0)
			return rc;
		allow_range(&c->cfg, r.first, r.last);
	}
	return 0;
}

/* A class being read. */
struct class_arg {
	unsigned int idx;
	struct pl_class_def *def;
	int have_name;
	int have_ports;
};

enum { CK_NAME, CK_PROTOCOL, CK_PORTS, CK_PRIORITY, CK_ENCRYPTED, CK_QOS_SHARE };
static const char *const class_keys[] = {
	"name", "protocol", "ports", "priority", "encrypted", "qos_share", NULL
};

static int
class_name(struct cfg_ctx *c, const char *path, yaml_node_t *v, struct class_arg *a)
{
	static const char expected[] =
		"a unique name of 1-31 characters from a-z, 0-9, '_' and '-'";
	const char *s;
	unsigned int i;

	if (!is_scalar(v) || is_null(v))
		return type_error(c, v, path, "a name", expected);
	s = scalar(v);
	if (strlen(s) >= PL_CLASS_NAME_LEN || strlen(s) != v->data.scalar.length ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(s))
		return cfg_error(c, v, path, "'%.40s' is not a valid class name (expected %s)", s,
				 expected);
	for (i = 0; i < a->idx; i++)
		if (strcmp(c->cfg.classes[i].name, s) == 0)
			return cfg_error(c, v, path,
					 "'%s' is already the name of classes[%u] (expected %s)",
					 s, i, expected);
	snprintf(a->def->name, sizeof(a->def->name), "%s", s);
	a->have_name = 1;
	return 0;
}

static int
class_key(struct cfg_ctx *c, int key, const char *path, yaml_node_t *v, void *arg)
{
	struct class_arg *a = arg;
	unsigned int u = 0, nb = 0;
	double d;
	int b, rc;

	switch (key) {
	case CK_NAME:
		return class_name(c, path, v, a);
	case CK_PROTOCOL:
		rc = cfg_enum(c, v, path, proto_names, 3, &u);
		if (rc == 0)
			a->def->protos = proto_masks[u];
		return rc;
	case CK_PORTS:
		rc = cfg_port_list(c, v, path, a->def->ranges, PL_MAX_CLASS_RANGES, &nb);
		if (rc != 0)
			return rc;
		if (nb == 0)
			return cfg_error(c, v, path,
					 "no ports (expected at least one port or range)");
		a->def->nb_ranges = (uint8_t)nb;
		a->have_ports = 1;
		return 0;
	case CK_PRIORITY:
		rc = cfg_enum(c, v, path, prio_names, PL_PRIO_MAX, &u);
		if (rc == 0)
			a->def->priority = (uint8_t)u;
		return rc;
	case CK_ENCRYPTED:
		rc = cfg_bool(c, v, path, &b);
		if (rc == 0)
			a->def->encrypted = (uint8_t)b;
		return rc;
	case CK_QOS_SHARE:
		rc = cfg_real(c, v, path, 0, 1, 1, "a share of the link > 0 and <= 1", &d);
		if (rc == 0) {
			a->def->qos_share = d;
			c->share_set[a->idx] = 1;
		}
		return rc;
	}
	return -EINVAL;
}

static int
cfg_classes(struct cfg_ctx *c, const char *path, yaml_node_t *n)
{
	char ipath[CFG_PATH_LEN];
	unsigned int i, len;
	int rc;

	rc = cfg_list(c, n, path, "a list of classes");
	if (rc != 0)
		return rc;
	/* the file's list replaces the defaults */
	memset(c->cfg.classes, 0, sizeof(c->cfg.classes));
	memset(c->share_set, 0, sizeof(c->share_set));
	c->cfg.nb_classes = 0;
	len = list_len(n);
	for (i = 0; i < len; i++) {
		yaml_node_t *it = list_item(c, n, i);
		struct class_arg a = { .idx = i, .def = &c->cfg.classes[i] };

		if (i >= PL_MAX_CLASSES)
			return cfg_error(c, it, path, "too many classes (expected at most %d)",
					 PL_MAX_CLASSES);
		snprintf(ipath, sizeof(ipath), "%s[%u]", path, i);
		a.def->priority = PL_PRIO_MEDIUM;
		a.def->protos = PL_PROTO_TCP;
		rc = cfg_map(c, it, ipath, class_keys, class_key, &a);
		if (rc != 0)
			return rc;
		if (!a.have_name)
			return cfg_error(c, it, ipath, "missing key 'name' (required)");
		if (!a.have_ports)
			return cfg_error(c, it, ipath, "missing key 'ports' (required)");
		c->cfg.nb_classes++;
	}
	return 0;
}

/* A backend pool being read. */
struct backend_arg {
	unsigned int idx;
	struct pl_backend_def *def;
	int have_name;
	int have_addresses;
};

enum { BK_NAME, BK_ADDRESSES };
static const char *const backend_keys[] = { "name", "addresses", NULL };

static int
backend_name(struct cfg_ctx *c, const char *path, yaml_node_t *v, struct backend_arg *a)
{
	static const char expected[] =
		"a unique name of 1-31 characters from a-z, 0-9, '_' and '-'";
	const char *s;
	unsigned int i;

	if (!is_scalar(v) || is_null(v))
		return type_error(c, v, path, "a name", expected);
	s = scalar(v);
	if (strlen(s) == 0 || strlen(s) >= PL_CLASS_NAME_LEN || strlen(s) != v->data.scalar.length ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(s))
		return cfg_error(c, v, path, "'%.40s' is not a valid backend name (expected %s)",
				 s, expected);
	for (i = 0; i < a->idx; i++)
		if (strcmp(c->cfg.backends[i].name, s) == 0)
			return cfg_error(c, v, path,
					 "'%s' is already the name of backends[%u] (expected %s)",
					 s, i, expected);
	snprintf(a->def->name, sizeof(a->def->name), "%s", s);
	a->have_name = 1;
	return 0;
}

static int
backend_key(struct cfg_ctx *c, int key, const char *path, yaml_node_t *v, void *arg)
{
	struct backend_arg *a = arg;
	char ipath[CFG_PATH_LEN], text[64];
	unsigned int i, len;
	int rc;

	if (key == BK_NAME)
		return backend_name(c, path, v, a);
	rc = cfg_list(c, v, path, "a list of networks ADDRESS/PREFIX");
	if (rc != 0)
		return rc;
	len = list_len(v);
	if (len == 0)
		return cfg_error(c, v, path,
				 "no addresses (expected at least one ADDRESS/PREFIX)");
	for (i = 0; i < len; i++) {
		yaml_node_t *it = list_item(c, v, i);

		if (i >= PL_MAX_BACKEND_NETS)
			return cfg_error(c, it, path, "too many networks (expected at most %d)",
					 PL_MAX_BACKEND_NETS);
		snprintf(ipath, sizeof(ipath), "%s[%u]", path, i);
		rc = cfg_string(c, it, ipath, "a network ADDRESS/PREFIX", text, sizeof(text));
		if (rc != 0)
			return rc;
		if (pl_cidr_parse(text, &a->def->nets[i]) != 0)
			return cfg_error(c, it, ipath,
					 "'%s' is not a network (expected ADDRESS/PREFIX, IPv4 "
					 "or IPv6, e.g. 10.0.1.0/24)", text);
	}
	a->def->nb_nets = (uint8_t)len;
	a->have_addresses = 1;
	return 0;
}

static int
cfg_backends(struct cfg_ctx *c, const char *path, yaml_node_t *n)
{
	char ipath[CFG_PATH_LEN];
	unsigned int i, len;
	int rc;

	rc = cfg_list(c, n, path, "a list of backend pools {name, addresses}");
	if (rc != 0)
		return rc;
	memset(c->cfg.backends, 0, sizeof(c->cfg.backends));
	c->cfg.nb_backends = 0;
	len = list_len(n);
	for (i = 0; i < len; i++) {
		yaml_node_t *it = list_item(c, n, i);
		struct backend_arg a = { .idx = i, .def = &c->cfg.backends[i] };

		if (i >= PL_MAX_BACKENDS)
			return cfg_error(c, it, path,
					 "too many backend pools (expected at most %d)",
					 PL_MAX_BACKENDS);
		snprintf(ipath, sizeof(ipath), "%s[%u]", path, i);
		rc = cfg_map(c, it, ipath, backend_keys, backend_key, &a);
		if (rc != 0)
			return rc;
		if (!a.have_name)
			return cfg_error(c, it, ipath, "missing key 'name' (required)");
		if (!a.have_addresses)
			return cfg_error(c, it, ipath, "missing key 'addresses' (required)");
		c->cfg.nb_backends++;
	}
	return 0;
}

enum { SK_SIGNATURES, SK_PACKETS, SK_BYTES };
static const char *const scan_keys[] = { "signatures", "packets", "bytes", NULL };

static int
scan_key(struct cfg_ctx *c, int key, const char *path, yaml_node_t *v, void *arg)
{
	long long x = 0;
	int rc;

	switch (key) {
	case SK_SIGNATURES:
		c->signatures_node = v;
		return cfg_string(c, v, path, "a file path", c->cfg.signatures,
				  sizeof(c->cfg.signatures));
	case SK_PACKETS:
		rc = cfg_int(c, v, path, 0, 255, &x);
		c->cfg.scan_packets = (uint32_t)x;
		return rc;
	case SK_BYTES:
		rc = cfg_int(c, v, path, 16, 65535, &x);
		c->cfg.scan_bytes = (uint32_t)x;
		return rc;
	}
	return -EINVAL;
}

enum { FK_CAPACITY, FK_SYN, FK_TCP_IDLE, FK_UDP_IDLE, FK_TIME_WAIT };
static const char *const flows_keys[] = {
	"capacity", "syn_timeout", "tcp_idle", "udp_idle", "time_wait", NULL
};

static int
flows_key(struct cfg_ctx *c, int key, const char *path, yaml_node_t *v, void *arg)
{
	long long x = 0;
	int rc;

	switch (key) {
	case FK_CAPACITY:
		rc = cfg_int(c, v, path, 8, 16777216, &x);
		c->cfg.flow_capacity = (uint32_t)x;
		return rc;
	case FK_SYN:
		return cfg_seconds(c, v, path, &c->cfg.syn_timeout_ns);
	case FK_TCP_IDLE:
		return cfg_seconds(c, v, path, &c->cfg.tcp_idle_ns);
	case FK_UDP_IDLE:
		return cfg_seconds(c, v, path, &c->cfg.udp_idle_ns);
	case FK_TIME_WAIT:
		return cfg_seconds(c, v, path, &c->cfg.time_wait_ns);
	}
	return -EINVAL;
}

enum { RK_CONN_RATE, RK_CONN_BURST, RK_PKT_RATE, RK_PKT_BURST };
static const char *const rate_keys[] = {
	"new_connections_per_s", "connection_burst", "packets_per_s", "packet_burst", NULL
};

static int
rate_key(struct cfg_ctx *c, int key, const char *path, yaml_node_t *v, void *arg)
{
	static const char rate[] = "a rate >= 0 and <= 1000000000, 0 for off";
	static const char burst[] = "a bucket depth >= 0 and <= 1000000000";

	switch (key) {
	case RK_CONN_RATE:
		c->conn_rate_node = v;
		return cfg_real(c, v, path, 0, 0, CFG_MAX_RATE, rate, &c->cfg.conn_rate);
	case RK_CONN_BURST:
		c->conn_burst_node = v;
		return cfg_real(c, v, path, 0, 0, CFG_MAX_RATE, burst, &c->cfg.conn_burst);
	case RK_PKT_RATE:
		c->pkt_rate_node = v;
		return cfg_real(c, v, path, 0, 0, CFG_MAX_RATE, rate, &c->cfg.pkt_rate);
	case RK_PKT_BURST:
		c->pkt_burst_node = v;
		return cfg_real(c, v, path, 0, 0, CFG_MAX_RATE, burst, &c->cfg.pkt_burst);
	}
	return -EINVAL;
}

static int
share_key(struct cfg_ctx *c, int key, const char *path, yaml_node_t *v, void *arg)
{
	return cfg_real(c, v, path, 0, 1, 1, "a share of the link > 0 and <= 1",
			&c->cfg.prio_share[key]);
}

static int
dscp_key(struct cfg_ctx *c, int key, const char *path, yaml_node_t *v, void *arg)
{
	long long x = 0;
	int rc = cfg_int(c, v, path, 0, 63, &x);

	c->cfg.qos_dscp[key] = (uint8_t)x;
	return rc;
}

enum { QK_LINK, QK_SHARES, QK_PEAK, QK_MARK, QK_DSCP, QK_DROP_RED };
static const char *const qos_keys[] = {
	"link_mbps", "shares", "peak", "mark", "dscp", "drop_red", NULL
};

static int
qos_key(struct cfg_ctx *c, int key, const char *path, yaml_node_t *v, void *arg)
{
	double d;
	int rc;

	switch (key) {
	case QK_LINK:
		rc = cfg_real(c, v, path, 0, 1, CFG_MAX_MBPS,
			      "a link rate in Mbit/s > 0 and <= 10000000", &d);
		if (rc == 0)
			c->cfg.link_bps = (uint64_t)llround(d * 1e6);
		if (rc == 0 && c->cfg.link_bps == 0)
			return cfg_error(c, v, path,
					 "%s is out of range (expected at least 1 bit/s)",
					 scalar(v));
		return rc;
	case QK_SHARES:
		return cfg_map(c, v, path, prio_names, share_key, NULL);
	case QK_PEAK:
		return cfg_real(c, v, path, 1, 0, CFG_MAX_PEAK,
				"a peak factor >= 1 and <= 100", &c->cfg.qos_peak);
	case QK_MARK:
		return cfg_bool(c, v, path, &c->cfg.qos_mark);
	case QK_DSCP:
		return cfg_map(c, v, path, colour_names, dscp_key, NULL);
	case QK_DROP_RED:
		return cfg_bool(c, v, path, &c->cfg.qos_drop_red);
	}
	return -EINVAL;
}

static int
verdict_key(struct cfg_ctx *c, int key, const char *path, yaml_node_t *v, void *arg)
{
	unsigned int u = 0;
	int rc = cfg_enum(c, v, path, verdict_names, PL_VERDICT_MAX, &u);

	if (rc == 0)
		c->cfg.verdict[key] = (uint8_t)u;
	return rc;
}

static const char *const findings_keys[] = { "max", NULL };

static int
findings_key(struct cfg_ctx *c, int key, const char *path, yaml_node_t *v, void *arg)
{
	long long x = 0;
	int rc = cfg_int(c, v, path, 16, 1000000, &x);

	c->cfg.findings_max = (uint32_t)x;
	return rc;
}

enum {
	TK_NETS, TK_BINS, TK_CLASSES, TK_ALLOWED, TK_SCAN, TK_FLOWS, TK_RATE, TK_QOS,
	TK_VERDICTS, TK_VERDICT_DSCP, TK_FINDINGS, TK_BACKENDS
};
static const char *const top_keys[] = {
	"local_nets", "bins", "classes", "allowed_ports", "scan", "flows", "rate_limit", "qos",
	"verdicts", "verdict_dscp", "findings", "backends", NULL
};

static int
top_key(struct cfg_ctx *c, int key, const char *path, yaml_node_t *v, void *arg)
{
	long long x = 0;
	int rc;

	switch (key) {
	case TK_NETS:
		return cfg_nets(c, path, v);
	case TK_BINS:
		return cfg_bins(c, path, v);
	case TK_CLASSES:
		return cfg_classes(c, path, v);
	case TK_ALLOWED:
		return cfg_allowed(c, path, v);
	case TK_SCAN:
		return cfg_map(c, v, path, scan_keys, scan_key, NULL);
	case TK_FLOWS:
		return cfg_map(c, v, path, flows_keys, flows_key, NULL);
	case TK_RATE:
		return cfg_map(c, v, path, rate_keys, rate_key, NULL);
	case TK_QOS:
		return cfg_map(c, v, path, qos_keys, qos_key, NULL);
	case TK_VERDICTS:
		return cfg_map(c, v, path, finding_names, verdict_key, NULL);
	case TK_VERDICT_DSCP:
		rc = cfg_int(c, v, path, 0, 63, &x);
		c->cfg.verdict_dscp = (uint8_t)x;
		return rc;
	case TK_FINDINGS:
		return cfg_map(c, v, path, findings_keys, findings_key, NULL);
	case TK_BACKENDS:
		return cfg_backends(c, path, v);
	}
	return -EINVAL;
}

/* A burst left out follows its rate; a bucket under one token would never let anything by. */
static int
finish_burst(struct cfg_ctx *c, double rate, double *burst, yaml_node_t *rate_node,
	     yaml_node_t *burst_node, const char *rate_path, const char *burst_path)
{
	if (burst_node == NULL)
		*burst = rate;
	if (rate > 0 && *burst < 1) {
		if (burst_node != NULL)
			return cfg_error(c, burst_node, burst_path,
					 "%s is below 1 while %s is on (expected >= 1)",
					 scalar(burst_node), rate_path);
		return cfg_error(c, rate_node, rate_path,
				 "%s makes the default %s below 1 (expected a rate >= 1 or "
				 "an explicit burst >= 1)", scalar(rate_node), burst_path);
	}
	return 0;
}

/*
 * What depends on several keys, once the whole file is read: class shares left out follow
 * qos.shares, bursts left out follow their rate, a relative signature path is resolved
 * against the config file's folder (made absolute, so the result does not depend on the
 * working directory).
 */
static int
cfg_finish(struct cfg_ctx *c, const char *path)
{
	char dir[PATH_MAX], real[PATH_MAX];
	unsigned int i;
	int rc;

	for (i = 0; i < c->cfg.nb_classes; i++)
		if (!c->share_set[i])
			c->cfg.classes[i].qos_share = c->cfg.prio_share[c->cfg.classes[i].priority];
	rc = finish_burst(c, c->cfg.conn_rate, &c->cfg.conn_burst, c->conn_rate_node,
			  c->conn_burst_node, "rate_limit.new_connections_per_s",
			  "rate_limit.connection_burst");
	if (rc == 0)
		rc = finish_burst(c, c->cfg.pkt_rate, &c->cfg.pkt_burst, c->pkt_rate_node,
				  c->pkt_burst_node, "rate_limit.packets_per_s",
				  "rate_limit.packet_burst");
	if (rc != 0)
		return rc;

	if (c->cfg.signatures[0] != '/') {
		char joined[PATH_MAX];
		size_t dl;
		int n;

		snprintf(dir, sizeof(dir), "%s", path);
		if (realpath(dirname(dir), real) == NULL) {
			rc = -errno;
			snprintf(c->err, c->errlen, "%s: cannot resolve its folder: %s", path,
				 strerror(errno));
			return rc;
		}
		dl = strlen(real);
		n = snprintf(joined, sizeof(joined), "%s%s%s", real,
			     dl > 0 && real[dl - 1] == '/' ? "" : "/", c->cfg.signatures);
		if (n < 0 || (size_t)n >= sizeof(joined))
			return cfg_error(c, c->signatures_node, "scan.signatures",
					 "the resolved path is too long (expected at most %d "
					 "characters)", PATH_MAX - 1);
		memset(c->cfg.signatures, 0, sizeof(c->cfg.signatures));
		memcpy(c->cfg.signatures, joined, (size_t)n);
	}
	memset(c->cfg.path, 0, sizeof(c->cfg.path));
	memcpy(c->cfg.path, path, strlen(path));
	return 0;
}

/* "FILE:LINE: YAML syntax error: problem (context)" from a failed libyaml parser. */
static int
cfg_yaml_error(struct cfg_ctx *c, const yaml_parser_t *p)
{
	unsigned long line;

	if (p->error == YAML_MEMORY_ERROR) {
		snprintf(c->err, c->errlen, "%s: out of memory", c->file);
		return -ENOMEM;
	}
	line = (unsigned long)(p->error == YAML_READER_ERROR ? p->mark.line :
			       p->problem_mark.line) + 1;
	snprintf(c->err, c->errlen, "%s:%lu: YAML syntax error: %s%s%s%s", c->file, line,
		 p->problem ? p->problem : "unknown problem", p->context ? " (" : "",
		 p->context ? p->context : "", p->context ? ")" : "");
	return -EINVAL;
}

/*
 * The one document of the file: its keys over the defaults, then what depends on several
 * keys (while the document, whose nodes messages quote, is still alive).
 */
static int
cfg_document(struct cfg_ctx *c, yaml_parser_t *parser)
{
	yaml_document_t doc, next;
	yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_load(parser, &doc))
		return cfg_yaml_error(c, parser);
	c->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	/* an empty file, or one of comments only, keeps every default */
	if (root != NULL && !is_null(root))
		rc = cfg_map(c, root, "", top_keys, top_key, NULL);
	if (rc == 0) {
		/* a syntax error after the first document is still an error in the file */
		if (!yaml_parser_load(parser, &next)) {
			rc = cfg_yaml_error(c, parser);
		} else {
			root = yaml_document_get_root_node(&next);
			if (root != NULL)
				rc = cfg_error(c, root, "top level",
					       "a second YAML document (expected one document)");
			yaml_document_delete(&next);
		}
	}
	if (rc == 0)
		rc = cfg_finish(c, c->file);
	c->doc = NULL;
	yaml_document_delete(&doc);
	return rc;
}

int
pl_config_load(const char *path, struct pl_config *cfg, char *err, size_t errlen)
{
	static char no_err[1];
	yaml_parser_t parser;
	struct cfg_ctx *c;
	struct stat st;
	unsigned int i;
	FILE *f;
	int rc;

	if (err == NULL || errlen == 0) {
		err = no_err;
		errlen = sizeof(no_err);
	}
	err[0] = '\0';
	if (path == NULL || cfg == NULL) {
		snprintf(err, errlen, "no configuration file given");
		return -EINVAL;
	}
	if (strlen(path) >= PATH_MAX) {
		snprintf(err, errlen, "%.64s...: file name too long", path);
		return -ENAMETOOLONG;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	c->file = path;
	c->err = err;
	c->errlen = errlen;
	pl_config_defaults(&c->cfg);
	for (i = 0; i < PL_MAX_CLASSES; i++)
		c->share_set[i] = 0; /* default classes follow qos.shares too */

	f = fopen(path, "rb");
	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		free(c);
		return rc;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(EISDIR));
		fclose(f);
		free(c);
		return -EISDIR;
	}
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errlen, "%s: out of memory", path);
		fclose(f);
		free(c);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	rc = cfg_document(c, &parser);
	yaml_parser_delete(&parser);
	fclose(f);
	if (rc == 0)
		memcpy(cfg, &c->cfg, sizeof(*cfg));
	free(c);
	return rc;
}

/* ---- the writer ---- */

/* A double-quoted YAML string. */
static void
dump_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* The shortest decimal that reads back as exactly @p v. */
static void
dump_real(FILE *f, double v)
{
	char buf[40];
	int p;

	for (p = 15; p <= 17; p++) {
		snprintf(buf, sizeof(buf), "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, f);
}

/* @p v / 10^@p decimals, exactly, without trailing zeros. */
static void
dump_fixed(FILE *f, uint64_t v, unsigned int decimals)
{
	uint64_t scale = 1;
	unsigned int i;
	char frac[24];
	size_t n;

	for (i = 0; i < decimals; i++)
		scale *= 10;
	fprintf(f, "%llu", (unsigned long long)(v / scale));
	if (v % scale == 0)
		return;
	snprintf(frac, sizeof(frac), "%0*llu", (int)decimals, (unsigned long long)(v % scale));
	n = strlen(frac);
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	fprintf(f, ".%s", frac);
}

static void
dump_range(FILE *f, unsigned int first, unsigned int last)
{
	if (first == last)
		fprintf(f, "%u", first);
	else
		fprintf(f, "\"%u-%u\"", first, last);
}

int
pl_config_dump(const struct pl_config *cfg, FILE *f)
{
	unsigned int i, j, p, n;
	char buf[64];

	if (cfg == NULL || f == NULL)
		return -EINVAL;
	fprintf(f, "# portlens configuration%s%s\n", cfg->path[0] ? " loaded from " : "",
		cfg->path);
	fputs("local_nets: [", f);
	for (i = 0; i < cfg->nb_nets; i++) {
		fputs(i ? ", " : "", f);
		dump_str(f, pl_cidr_format(&cfg->nets[i], buf, sizeof(buf)));
	}
	fputs("]\nbins: ", f);
	dump_str(f, cfg->bins);

	if (cfg->nb_classes == 0)
		fputs("\nclasses: []", f);
	else
		fputs("\nclasses:", f);
	for (i = 0; i < cfg->nb_classes; i++) {
		const struct pl_class_def *c = &cfg->classes[i];

		fputs("\n  - name: ", f);
		dump_str(f, c->name);
		fprintf(f, "\n    protocol: %s\n    ports: [",
			c->protos == (PL_PROTO_TCP | PL_PROTO_UDP) ? "both" :
			c->protos == PL_PROTO_UDP ? "udp" : "tcp");
		for (j = 0; j < c->nb_ranges; j++) {
			fputs(j ? ", " : "", f);
			dump_range(f, c->ranges[j].first, c->ranges[j].last);
		}
		fprintf(f, "]\n    priority: %s\n    encrypted: %s\n    qos_share: ",
			pl_priority_name(c->priority), c->encrypted ? "true" : "false");
		dump_real(f, c->qos_share);
	}

	fputs("\nallowed_ports: [", f);
	for (p = 0, n = 0; p < 65536; p++) {
		unsigned int last = p;

		if (!pl_config_allowed(cfg, (uint16_t)p))
			continue;
		while (last < 65535 && pl_config_allowed(cfg, (uint16_t)(last + 1)))
			last++;
		fputs(n++ ? ", " : "", f);
		dump_range(f, p, last);
		p = last;
	}
	fputs("]\nscan:\n  signatures: ", f);
	dump_str(f, cfg->signatures);
	fprintf(f, "\n  packets: %u\n  bytes: %u\n", cfg->scan_packets, cfg->scan_bytes);

	fprintf(f, "flows:\n  capacity: %u\n  syn_timeout: ", cfg->flow_capacity);
	dump_fixed(f, cfg->syn_timeout_ns, 9);
	fputs("\n  tcp_idle: ", f);
	dump_fixed(f, cfg->tcp_idle_ns, 9);
	fputs("\n  udp_idle: ", f);
	dump_fixed(f, cfg->udp_idle_ns, 9);
	fputs("\n  time_wait: ", f);
	dump_fixed(f, cfg->time_wait_ns, 9);

	fputs("\nrate_limit:\n  new_connections_per_s: ", f);
	dump_real(f, cfg->conn_rate);
	fputs("\n  connection_burst: ", f);
	dump_real(f, cfg->conn_burst);
	fputs("\n  packets_per_s: ", f);
	dump_real(f, cfg->pkt_rate);
	fputs("\n  packet_burst: ", f);
	dump_real(f, cfg->pkt_burst);

	fputs("\nqos:\n  link_mbps: ", f);
	dump_fixed(f, cfg->link_bps, 6);
	fputs("\n  shares: {", f);
	for (i = 0; i < PL_PRIO_MAX; i++) {
		fprintf(f, "%s%s: ", i ? ", " : "", prio_names[i]);
		dump_real(f, cfg->prio_share[i]);
	}
	fputs("}\n  peak: ", f);
	dump_real(f, cfg->qos_peak);
	fprintf(f, "\n  mark: %s\n  dscp: {green: %u, yellow: %u, red: %u}\n  drop_red: %s\n",
		cfg->qos_mark ? "true" : "false", cfg->qos_dscp[0], cfg->qos_dscp[1],
		cfg->qos_dscp[2], cfg->qos_drop_red ? "true" : "false");

	fputs("verdicts:\n", f);
	for (i = 0; i < PL_FINDING_MAX; i++)
		fprintf(f, "  %s: %s\n", finding_names[i], pl_verdict_name(cfg->verdict[i]));
	fprintf(f, "verdict_dscp: %u\nfindings:\n  max: %u\n", cfg->verdict_dscp,
		cfg->findings_max);
	fputs(cfg->nb_backends ? "backends:" : "backends: []", f);
	for (i = 0; i < cfg->nb_backends; i++) {
		const struct pl_backend_def *b = &cfg->backends[i];

		fputs("\n  - name: ", f);
		dump_str(f, b->name);
		fputs("\n    addresses: [", f);
		for (j = 0; j < b->nb_nets; j++) {
			fputs(j ? ", " : "", f);
			dump_str(f, pl_cidr_format(&b->nets[j], buf, sizeof(buf)));
		}
		fputc(']', f);
	}
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}
