/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration file: one table of keys, and from it the built-in defaults, the YAML
 * loader, the YAML writer, one-key changes (`set config`) and the key list of
 * docs/configuration.md.
 *
 * Each row of the table names a key by its dotted path ("flows.tcp_idle"), says its type,
 * its range, its default (as YAML text), one line of help, and where it lives in struct
 * pl_config. Sections ("flows", "qos.shares") are simply the shared prefixes of rows. Lists
 * of mappings (classes, backends) have a table of their own for the keys of one item; lists
 * and anything else with a shape of its own are rows of type CT_CUSTOM with a parser and a
 * writer. Adding a scalar key is one row (and the field in struct pl_config).
 *
 * The loader reads the whole file with libyaml's document API, then walks the node tree
 * against the table into a private copy of the defaults; the caller's struct is written
 * only once every key has been accepted. Every refusal names the file, the 1-based line of
 * the offending node and the key path ("classes[2].ports[0]"), says what is wrong and what
 * was expected. Types are strict: numbers and booleans must be plain scalars, so
 * `packets: "2"` is refused just like `packets: two`. Control-plane only; nothing here runs
 * on the packet path.
 */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "pl_bins.h"
#include "pl_config.h"

#define CFG_PATH_LEN 160          /* key paths in messages ("classes[31].ports[15]") */
#define CFG_NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_-"

static const char *const prio_names[PL_PRIO_MAX + 1] = {
	"critical", "high", "medium", "low", NULL
};
static const char *const verdict_names[PL_VERDICT_MAX + 1] = {
	"forward", "mark", "drop", NULL
};
static const char *const finding_names[PL_FINDING_MAX + 1] = {
#define PL_X_NAME(name, help) #name,
	PL_FINDING_KINDS(PL_X_NAME)
#undef PL_X_NAME
	NULL
};
static const char *const proto_names[] = { "tcp", "udp", "both", NULL };
/* IPFIX record layouts, in the order of enum pl_ipfix_mode (lib/ipfix). */
static const char *const ipfix_mode_names[] = { "biflow", "uniflow", NULL };
static const uint8_t proto_masks[] = { PL_PROTO_TCP, PL_PROTO_UDP, PL_PROTO_TCP | PL_PROTO_UDP };

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

/* ---- the table ---- */

/* Value types. The ones with a range take it from min/max (and open_min). */
enum cfg_type {
	CT_INT,    /* unsigned integer field of 1, 4 or 8 bytes, [min, max] */
	CT_REAL,   /* double, [min, max] or (min, max] */
	CT_UNITS,  /* a number scaled by 10^decimals into a uint64_t (seconds to ns ...) */
	CT_BOOL,   /* int or uint8_t field, 0 or 1 */
	CT_ENUM,   /* one of names, stored as a uint8_t (its index, or values[index]) */
	CT_STRING, /* non-empty text into a char array */
	CT_CUSTOM, /* a list or other shape: parse and dump functions */
};

/* What a type is called in messages ("'x' is not <kind>") and in the documentation. */
static const char *const type_kind[] = {
	[CT_INT] = "an integer", [CT_REAL] = "a number", [CT_UNITS] = "a number",
	[CT_BOOL] = "a boolean", [CT_ENUM] = "a name", [CT_STRING] = "a string",
	[CT_CUSTOM] = "a value",
};
static const char *const type_doc[] = {
	[CT_INT] = "integer", [CT_REAL] = "number", [CT_UNITS] = "number", [CT_BOOL] = "boolean",
	[CT_ENUM] = "name", [CT_STRING] = "string", [CT_CUSTOM] = "",
};

struct cfg_ctx;
struct cfg_key;
struct cfg_table;

/* A custom key's parser: the value node @p v for the row @p k into @p base. */
typedef int (*cfg_parse_fn)(struct cfg_ctx *c, const struct cfg_table *t,
			    const struct cfg_key *k, void *base, const char *path, yaml_node_t *v);
/* A custom key's writer: the value only (after "key: "), then whatever lines it needs. */
typedef void (*cfg_dump_fn)(FILE *f, const struct cfg_key *k, const void *base);
/* A custom key's default, applied by pl_config_defaults(). */
typedef void (*cfg_default_fn)(const struct cfg_key *k, void *base);

/* One key. */
struct cfg_key {
	const char *name;           /* dotted path from the table's base ("flows.tcp_idle") */
	enum cfg_type type;
	size_t off, size;           /* the field in the table's base struct */
	double min, max;            /* CT_INT, CT_REAL, CT_UNITS */
	int open_min;               /* CT_REAL, CT_UNITS: min itself is out of range */
	unsigned int decimals;      /* CT_UNITS: stored = value x 10^decimals */
	const char *unit;           /* CT_UNITS: the stored unit, for "at least 1 <unit>" */
	const char *const *names;   /* CT_ENUM: NULL-terminated */
	const uint8_t *values;      /* CT_ENUM: stored value of each name (NULL: the index) */
	const char *range;          /* the range in words ("a share of the link > 0 and <= 1") */
	const char *def;            /* the default, as YAML text */
	const char *help;           /* one line */
	const char *doc_type;       /* CT_CUSTOM: its type in the documentation */
	int required;               /* items of a list: the key must be given */
	cfg_parse_fn parse;         /* CT_CUSTOM */
	cfg_dump_fn dump;           /* CT_CUSTOM */
	cfg_default_fn set_default; /* CT_CUSTOM: NULL when the default is set elsewhere */
};

/* A table: the top level, or the keys of one item of a list of mappings. */
struct cfg_table {
	const struct cfg_key *keys;
	unsigned int n;
	/* items only: */
	const char *item;     /* what one is called in messages ("class") */
	const char *list;     /* the list's key ("classes") */
	const char *plural;   /* "too many <plural>" */
	const char *expected; /* what the list should be */
	size_t stride;        /* sizeof one item */
	unsigned int max;     /* items at most */
	/* after an item is read: @p set holds the node of each key given, NULL if left out */
	void (*item_done)(struct cfg_ctx *c, unsigned int i, yaml_node_t *const *set);
};

#define CFG_FIELD(st, fld) .off = offsetof(st, fld), .size = sizeof(((st *)0)->fld)
#define C(fld) CFG_FIELD(struct pl_config, fld)

/* Rows by type, for struct pl_config; items use the same shapes with their own struct. */
#define CFG_INT(n, fld, lo, hi, d, h) \
	{ .name = n, .type = CT_INT, C(fld), .min = lo, .max = hi, .def = d, .help = h }
#define CFG_REAL(n, fld, lo, open, hi, r, d, h) \
	{ .name = n, .type = CT_REAL, C(fld), .min = lo, .open_min = open, .max = hi, \
	  .range = r, .def = d, .help = h }
#define CFG_SECONDS(n, fld, d, h) \
	{ .name = n, .type = CT_UNITS, C(fld), .min = 0, .open_min = 1, .max = 1000000, \
	  .decimals = 9, .unit = "ns", .range = "a number of seconds > 0 and <= 1000000", \
	  .def = d, .help = h }
#define CFG_BOOL(n, fld, d, h) { .name = n, .type = CT_BOOL, C(fld), .def = d, .help = h }
#define CFG_ENUM(n, fld, nm, d, h) \
	{ .name = n, .type = CT_ENUM, C(fld), .names = nm, .def = d, .help = h }
#define CFG_STRING(n, fld, r, d, h) \
	{ .name = n, .type = CT_STRING, C(fld), .range = r, .def = d, .help = h }
#define CFG_CUSTOM(n, fld, t, r, d, h, p, w, dflt) \
	{ .name = n, .type = CT_CUSTOM, C(fld), .doc_type = t, .range = r, .def = d, .help = h, \
	  .parse = p, .dump = w, .set_default = dflt }

static int parse_nets(struct cfg_ctx *, const struct cfg_table *, const struct cfg_key *,
		      void *, const char *, yaml_node_t *);
static int parse_bins(struct cfg_ctx *, const struct cfg_table *, const struct cfg_key *,
		      void *, const char *, yaml_node_t *);
static int parse_classes(struct cfg_ctx *, const struct cfg_table *, const struct cfg_key *,
			 void *, const char *, yaml_node_t *);
static int parse_allowed(struct cfg_ctx *, const struct cfg_table *, const struct cfg_key *,
			 void *, const char *, yaml_node_t *);
static int parse_backends(struct cfg_ctx *, const struct cfg_table *, const struct cfg_key *,
			  void *, const char *, yaml_node_t *);
static int parse_item_name(struct cfg_ctx *, const struct cfg_table *, const struct cfg_key *,
			   void *, const char *, yaml_node_t *);
static int parse_class_ports(struct cfg_ctx *, const struct cfg_table *,
			     const struct cfg_key *, void *, const char *, yaml_node_t *);
static int parse_backend_nets(struct cfg_ctx *, const struct cfg_table *,
			      const struct cfg_key *, void *, const char *, yaml_node_t *);
static int parse_collector(struct cfg_ctx *, const struct cfg_table *, const struct cfg_key *,
			   void *, const char *, yaml_node_t *);
static void dump_nets(FILE *, const struct cfg_key *, const void *);
static void dump_bins(FILE *, const struct cfg_key *, const void *);
static void dump_collector(FILE *, const struct cfg_key *, const void *);
static void dump_classes(FILE *, const struct cfg_key *, const void *);
static void dump_allowed(FILE *, const struct cfg_key *, const void *);
static void dump_backends(FILE *, const struct cfg_key *, const void *);
static void dump_item_name(FILE *, const struct cfg_key *, const void *);
static void dump_class_ports(FILE *, const struct cfg_key *, const void *);
static void dump_backend_nets(FILE *, const struct cfg_key *, const void *);
static void default_nets(const struct cfg_key *, void *);
static void default_bins(const struct cfg_key *, void *);
static void default_classes(const struct cfg_key *, void *);
static void default_allowed(const struct cfg_key *, void *);

#define SHARE_RANGE "a share of the link > 0 and <= 1"
#define RATE_RANGE "a rate >= 0 and <= 1000000000, 0 for off"
#define BURST_RANGE "a bucket depth >= 0 and <= 1000000000"
#define NAME_RANGE "a unique name of 1-31 characters from a-z, 0-9, '_' and '-'"
#define VERDICT_ROW(kind, h) \
	CFG_ENUM("verdicts." #kind, verdict[PL_FINDING_##kind], verdict_names, "forward", \
		 "verdict (inline mode) on: " h),

/*
 * The keys of the file, in the order the writer writes them and the documentation lists
 * them; the keys of one section stay together. To add a key: add its field to struct
 * pl_config, then one row here (name, field, range, default, help); the loader, the
 * defaults, `show config`, `set config`, the writer and docs/configuration.md follow (run
 * `ninja -C build config-doc` to rewrite the key list of the documentation).
 */
static const struct cfg_key top_keys[] = {
	CFG_CUSTOM("local_nets", nets, "list of networks", "at most 64 networks ADDRESS/PREFIX, IPv4 or IPv6",
		   "[10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, \"fc00::/7\"]",
		   "local networks: they decide each packet's direction; [] means the default",
		   parse_nets, dump_nets, default_nets),
	{ .name = "bins", .type = CT_CUSTOM, C(bins), .doc_type = "string",
	  .range = "FIRST-LAST/WIDTH ranges, ascending, comma-separated",
	  .def = "\"" PL_BINS_DEFAULT "\"", .help = "port bins of the per-port counters; \"\" "
	  "means the default", .parse = parse_bins, .dump = dump_bins, .set_default = default_bins },
	CFG_BOOL("decap", decap, "true", "analyse tunnelled traffic (VXLAN, Geneve, GRE, ERSPAN, "
		 "IP-in-IP, MPLS) as the packet inside; false: by its outer headers"),
	CFG_CUSTOM("classes", classes, "list of classes", "at most 32 classes (keys: classes[].*)",
		   "the FinMark classes https, api, db, http, dns, ssh",
		   "service classes, by destination port, else source port", parse_classes,
		   dump_classes, default_classes),
	CFG_CUSTOM("allowed_ports", allowed, "list of ports", "ports 0-65535 and \"FIRST-LAST\" ranges",
		   "[53, 80, 443, 5432, 8080]",
		   "ports a connection to a local address may use (else unauthorized_port)",
		   parse_allowed, dump_allowed, default_allowed),
	CFG_STRING("scan.signatures", signatures, "a file path", "signatures.yaml",
		   "signature file; relative: beside this file, else in the data folder"),
	CFG_INT("scan.budget", scan_budget, 0, 16777216, "65536",
		"payload bytes scanned per flow direction, streamed across segments; 0: no "
		"scanning"),
	CFG_INT("scan.flows", scan_flows, 1, PL_SCAN_FLOWS_MAX, "16384",
		"flows a worker scans at once; a new flow beyond them is not scanned (scan_full)"),
	CFG_INT("scan.packets", scan_packets, 0, 255, "2",
		"kept for older files: 0 turns scanning off as scan.budget 0 does; else no effect"),
	CFG_INT("scan.bytes", scan_bytes, 16, 65535, "256",
		"kept for older files: no effect (scan.budget replaced it)"),
	CFG_INT("flows.capacity", flow_capacity, 8, 16777216, "61440",
		"flows per worker (15/16 of a power of two: about 125 bytes a flow)"),
	CFG_SECONDS("flows.syn_timeout", syn_timeout_ns, "5",
		    "an attempt with no SYN-ACK or RST after this is unanswered"),
	CFG_SECONDS("flows.tcp_idle", tcp_idle_ns, "300",
		    "an idle established TCP flow is forgotten after this"),
	CFG_SECONDS("flows.udp_idle", udp_idle_ns, "60",
		    "an idle UDP/ICMP/other flow is forgotten after this"),
	CFG_SECONDS("flows.time_wait", time_wait_ns, "60",
		    "a closed connection counts as time_wait for this long"),
	CFG_REAL("rate_limit.new_connections_per_s", conn_rate, 0, 0, 1e9, RATE_RANGE, "1000",
		 "new connections per second per source; above: rate_limit"),
	CFG_REAL("rate_limit.connection_burst", conn_burst, 0, 0, 1e9, BURST_RANGE, "1000",
		 "new-connection bucket depth; left out: the rate"),
	CFG_REAL("rate_limit.packets_per_s", pkt_rate, 0, 0, 1e9, RATE_RANGE, "0",
		 "packets per second per source; above: rate_limit"),
	CFG_REAL("rate_limit.packet_burst", pkt_burst, 0, 0, 1e9, BURST_RANGE, "0",
		 "packet bucket depth; left out: the rate"),
	{ .name = "qos.link_mbps", .type = CT_UNITS, C(link_bps), .min = 0, .open_min = 1,
	  .max = 1e7, .decimals = 6, .unit = "bit/s",
	  .range = "a link rate in Mbit/s > 0 and <= 10000000", .def = "10000",
	  .help = "link rate the QoS shares are shares of" },
	CFG_REAL("qos.shares.critical", prio_share[PL_PRIO_CRITICAL], 0, 1, 1, SHARE_RANGE,
		 "0.8", "committed share of a critical class without its own qos_share"),
	CFG_REAL("qos.shares.high", prio_share[PL_PRIO_HIGH], 0, 1, 1, SHARE_RANGE, "0.6",
		 "committed share of a high class without its own qos_share"),
	CFG_REAL("qos.shares.medium", prio_share[PL_PRIO_MEDIUM], 0, 1, 1, SHARE_RANGE, "0.4",
		 "committed share of a medium class without its own qos_share"),
	CFG_REAL("qos.shares.low", prio_share[PL_PRIO_LOW], 0, 1, 1, SHARE_RANGE, "0.2",
		 "committed share of a low class without its own qos_share"),
	CFG_REAL("qos.peak", qos_peak, 1, 0, 100, "a peak factor >= 1 and <= 100", "1.25",
		 "peak rate = share x peak, capped at the link; above it: red, a qos finding"),
	CFG_BOOL("qos.mark", qos_mark, "false", "inline mode: rewrite the DSCP by colour"),
	CFG_INT("qos.dscp.green", qos_dscp[0], 0, 63, "10", "DSCP of green packets (AF11)"),
	CFG_INT("qos.dscp.yellow", qos_dscp[1], 0, 63, "12", "DSCP of yellow packets (AF12)"),
	CFG_INT("qos.dscp.red", qos_dscp[2], 0, 63, "14", "DSCP of red packets (AF13)"),
	CFG_BOOL("qos.drop_red", qos_drop_red, "false", "inline mode: drop red packets"),
	PL_FINDING_KINDS(VERDICT_ROW)
	CFG_INT("verdict_dscp", verdict_dscp, 0, 63, "46", "DSCP written by the mark verdict (EF)"),
	CFG_INT("findings.max", findings_max, 16, 1000000, "4096",
		"distinct findings kept (bounded memory)"),
	CFG_CUSTOM("ipfix.collector", ipfix_collector, "string", "HOST:PORT or [V6ADDR]:PORT, \"\" for none",
		   "\"\"", "IPFIX collector flow records go to (UDP); \"\": no export",
		   parse_collector, dump_collector, NULL),
	CFG_SECONDS("ipfix.active_timeout", ipfix_active_ns, "60",
		    "a flow older than each multiple of this is exported again"),
	CFG_INT("ipfix.domain", ipfix_domain, 0, 4294967295.0, "1", "observation domain id"),
	CFG_ENUM("ipfix.mode", ipfix_mode, ipfix_mode_names, "biflow",
		 "biflow: a record per flow (RFC 5103); uniflow: a record per direction"),
	CFG_INT("ipfix.rate", ipfix_rate, 0, 100000000, "10000",
		"records per second at most, end-of-traffic flush included; 0: unpaced"),
	CFG_INT("ipfix.template_refresh", ipfix_template_refresh, 0, 86400, "600",
		"seconds between template sends; 0: only before the first data"),
	CFG_CUSTOM("backends", backends, "list of pools", "at most 16 pools (keys: backends[].*)", "[]",
		   "backend pools for the report's load distribution", parse_backends,
		   dump_backends, NULL),
};

#undef C
#define C(fld) CFG_FIELD(struct pl_class_def, fld)

/* The keys of one class. */
static const struct cfg_key class_keys[] = {
	{ .name = "name", .type = CT_CUSTOM, C(name), .doc_type = "name", .range = NAME_RANGE, .def = "",
	  .help = "the name every report uses", .required = 1, .parse = parse_item_name,
	  .dump = dump_item_name },
	{ .name = "protocol", .type = CT_ENUM, C(protos), .names = proto_names,
	  .values = proto_masks, .def = "tcp", .help = "the transports the class covers" },
	{ .name = "ports", .type = CT_CUSTOM, C(ranges), .doc_type = "list of ports",
	  .range = "1-16 ports 0-65535 and \"FIRST-LAST\" ranges", .def = "",
	  .help = "the class's ports", .required = 1, .parse = parse_class_ports,
	  .dump = dump_class_ports },
	{ .name = "priority", .type = CT_ENUM, C(priority), .names = prio_names, .def = "medium",
	  .help = "picks the default QoS share (qos.shares)" },
	{ .name = "encrypted", .type = CT_BOOL, C(encrypted), .def = "false",
	  .help = "encryption required: cleartext on this class is an unencrypted finding" },
	{ .name = "qos_share", .type = CT_REAL, C(qos_share), .min = 0, .open_min = 1, .max = 1,
	  .range = SHARE_RANGE, .def = "",
	  .help = "committed share of the link; left out: qos.shares of its priority" },
};

#undef C
#define C(fld) CFG_FIELD(struct pl_backend_def, fld)

/* The keys of one backend pool. */
static const struct cfg_key backend_keys[] = {
	{ .name = "name", .type = CT_CUSTOM, C(name), .doc_type = "name", .range = NAME_RANGE, .def = "",
	  .help = "the pool's name in reports", .required = 1, .parse = parse_item_name,
	  .dump = dump_item_name },
	{ .name = "addresses", .type = CT_CUSTOM, C(nets), .doc_type = "list of networks",
	  .range = "1-16 networks ADDRESS/PREFIX, IPv4 or IPv6", .def = "",
	  .help = "the pool's servers: traffic to or from them counts in the pool",
	  .required = 1, .parse = parse_backend_nets, .dump = dump_backend_nets },
};

#undef C

static void class_done(struct cfg_ctx *c, unsigned int i, yaml_node_t *const *set);

#define NB(a) ((unsigned int)(sizeof(a) / sizeof((a)[0])))
static const struct cfg_table top_table = { .keys = top_keys, .n = NB(top_keys) };
static const struct cfg_table class_table = {
	.keys = class_keys, .n = NB(class_keys), .item = "class", .list = "classes",
	.plural = "classes", .expected = "a list of classes",
	.stride = sizeof(struct pl_class_def), .max = PL_MAX_CLASSES, .item_done = class_done,
};
static const struct cfg_table backend_table = {
	.keys = backend_keys, .n = NB(backend_keys), .item = "backend", .list = "backends",
	.plural = "backend pools", .expected = "a list of backend pools {name, addresses}",
	.stride = sizeof(struct pl_backend_def), .max = PL_MAX_BACKENDS,
};

/* The row of @p t named @p name, or NULL. */
static const struct cfg_key *
key_find(const struct cfg_table *t, const char *name)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->keys[i].name, name) == 0)
			return &t->keys[i];
	return NULL;
}

/* Does a row of @p t lie under section @p sec ("qos.shares")? */
static int
is_section(const struct cfg_table *t, const char *sec)
{
	size_t n = strlen(sec);
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (strncmp(t->keys[i].name, sec, n) == 0 && t->keys[i].name[n] == '.')
			return 1;
	return 0;
}

/*
 * The keys directly under section @p sec ("" for the top), in table order, comma-separated,
 * into @p out: what an unknown key's message says was expected.
 */
static void
section_keys(const struct cfg_table *t, const char *sec, char *out, size_t len)
{
	size_t sl = strlen(sec), n;
	unsigned int i, j;

	out[0] = '\0';
	for (i = 0; i < t->n; i++) {
		const char *name = t->keys[i].name, *child, *dot;
		int seen = 0;

		if (sl > 0 && (strncmp(name, sec, sl) != 0 || name[sl] != '.'))
			continue;
		child = name + (sl ? sl + 1 : 0);
		dot = strchr(child, '.');
		n = dot ? (size_t)(dot - child) : strlen(child);
		for (j = 0; j < i && !seen; j++) {
			const char *prev = t->keys[j].name + (sl ? sl + 1 : 0);

			seen = (sl == 0 || (strncmp(t->keys[j].name, sec, sl) == 0 &&
					    t->keys[j].name[sl] == '.')) &&
			       strncmp(prev, child, n) == 0 && (prev[n] == '.' || prev[n] == '\0');
		}
		if (!seen)
			snprintf(out + strlen(out), len - strlen(out), "%s%.*s",
				 out[0] ? ", " : "", (int)n, child);
	}
}

/* ---- values: text into a field, for files, defaults and `set config` alike ---- */

/* A scalar value being converted. */
struct cfg_val {
	const char *text;  /* NULL for a mapping or a list */
	size_t len;        /* bytes of text (a NUL inside makes it longer than strlen) */
	int plain;         /* a plain YAML scalar: numbers and booleans must be */
	int null;          /* an empty value: `key:`, `~`, `null` */
	const char *desc;  /* in messages: "'two'", "the string '2'", "a list" */
};

static int __attribute__((format(printf, 3, 4)))
msg_error(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
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

static void
store_uint(void *field, size_t size, uint64_t v)
{
	if (size == 1)
		*(uint8_t *)field = (uint8_t)v;
	else if (size == 2)
		*(uint16_t *)field = (uint16_t)v;
	else if (size == 4)
		*(uint32_t *)field = (uint32_t)v;
	else
		*(uint64_t *)field = v;
}

static uint64_t
load_uint(const void *field, size_t size)
{
	if (size == 1)
		return *(const uint8_t *)field;
	if (size == 2)
		return *(const uint16_t *)field;
	if (size == 4)
		return *(const uint32_t *)field;
	return *(const uint64_t *)field;
}

static uint64_t
pow10u(unsigned int decimals)
{
	uint64_t scale = 1;

	while (decimals-- > 0)
		scale *= 10;
	return scale;
}

/* A boolean's words: 1 for yes, 0 for no, -1 for neither. */
static int
bool_text(const char *s)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on",
					   "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off",
					  "Off", "OFF" };
	unsigned int i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0)
			return 1;
		if (strcmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* "a, b, c" from a NULL-terminated list. */
static void
join_names(const char *const *names, const char *sep, char *out, size_t len)
{
	unsigned int i;

	out[0] = '\0';
	for (i = 0; names[i] != NULL; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", i ? sep : "", names[i]);
}

/* The expected value of a scalar row, in words, for messages and `show config KEY`. */
static const char *
key_expected(const struct cfg_key *k, char *buf, size_t len)
{
	char names[128];

	switch (k->type) {
	case CT_INT:
		snprintf(buf, len, "an integer %lld-%lld", (long long)k->min, (long long)k->max);
		return buf;
	case CT_BOOL:
		return "true or false";
	case CT_ENUM:
		join_names(k->names, ", ", names, sizeof(names));
		snprintf(buf, len, "one of %s", names);
		return buf;
	default:
		return k->range ? k->range : "";
	}
}

/*
 * Convert @p v into the field of row @p k (not CT_CUSTOM) in @p base. On failure, @p msg
 * gets what is wrong and what was expected, without file, line or key, and nothing is
 * written.
 */
static int
key_convert(const struct cfg_key *k, void *base, const struct cfg_val *v, char *msg,
	    size_t len)
{
	char *field = (char *)base + k->off, exp[160], names[128];
	const char *expected = key_expected(k, exp, sizeof(exp));
	long long x;
	double d;
	int rc, b;
	unsigned int i;

	switch (k->type) {
	case CT_INT:
		if (!v->plain || v->null)
			break;
		rc = int_text(v->text, &x);
		if (rc == -EINVAL)
			break;
		if (rc == -ERANGE || x < (long long)k->min || x > (long long)k->max)
			return msg_error(msg, len, "%s is out of range (expected %s)", v->text,
					 expected);
		store_uint(field, k->size, (uint64_t)x);
		return 0;
	case CT_REAL:
	case CT_UNITS:
		if (!v->plain || v->null || real_text(v->text, &d) != 0)
			break;
		if (d < k->min || (k->open_min && d == k->min) || d > k->max)
			return msg_error(msg, len, "%s is out of range (expected %s)", v->text,
					 expected);
		if (k->type == CT_REAL) {
			memcpy(field, &d, sizeof(d));
			return 0;
		}
		x = llround(d * (double)pow10u(k->decimals));
		if (x == 0)
			return msg_error(msg, len, "%s is out of range (expected at least 1 %s)",
					 v->text, k->unit);
		store_uint(field, k->size, (uint64_t)x);
		return 0;
	case CT_BOOL:
		b = v->plain ? bool_text(v->text) : -1;
		if (b < 0)
			break;
		store_uint(field, k->size, (uint64_t)b);
		return 0;
	case CT_ENUM:
		for (i = 0; v->text != NULL && !v->null && k->names[i] != NULL; i++)
			if (strcmp(v->text, k->names[i]) == 0) {
				*(uint8_t *)field = k->values ? k->values[i] : (uint8_t)i;
				return 0;
			}
		join_names(k->names, ", ", names, sizeof(names));
		return msg_error(msg, len, "%s is not one of %s", v->desc, names);
	case CT_STRING:
		if (v->text == NULL || v->null || v->text[0] == '\0')
			break;
		if (strlen(v->text) != v->len)
			return msg_error(msg, len, "contains a NUL character (expected %s)",
					 expected);
		if (v->len >= k->size)
			return msg_error(msg, len, "is %zu characters long (expected at most %zu)",
					 v->len, k->size - 1);
		memset(field, 0, k->size);
		memcpy(field, v->text, v->len);
		return 0;
	case CT_CUSTOM:
		return msg_error(msg, len, "has no scalar form");
	}
	return msg_error(msg, len, "%s is not %s (expected %s)", v->desc, type_kind[k->type],
			 expected);
}

/* Apply the defaults of every row of @p t to @p base (zeroed by the caller). */
static void
table_defaults(const struct cfg_table *t, void *base)
{
	struct cfg_val v = { .plain = 1 };
	unsigned int i;
	char msg[8];

	for (i = 0; i < t->n; i++) {
		const struct cfg_key *k = &t->keys[i];

		if (k->type == CT_CUSTOM) {
			if (k->set_default != NULL)
				k->set_default(k, base);
			continue;
		}
		if (k->def[0] == '\0')
			continue; /* no default of its own (required, or derived) */
		v.text = v.desc = k->def;
		v.len = strlen(k->def);
		/* pl_config_check_table() proves every default converts */
		(void)key_convert(k, base, &v, msg, sizeof(msg));
	}
}

static void
allow_range(struct pl_config *cfg, unsigned int first, unsigned int last)
{
	unsigned int p;

	for (p = first; p <= last; p++)
		cfg->allowed[p >> 3] |= (uint8_t)(1u << (p & 7));
}

int
pl_config_find_data(const char *config, const char *name, const char *devdir, char *out,
		    size_t len)
{
	const char *dirs[3] = { NULL, PL_DATA_DIR, devdir };
	char folder[PATH_MAX], real[PATH_MAX], first[PATH_MAX] = "";
	unsigned int i;
	int n;

	if (name[0] == '/') {
		n = snprintf(out, len, "%s", name);
		return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
	}
	if (config != NULL && config[0] != '\0') {
		snprintf(folder, sizeof(folder), "%s", config);
		if (realpath(dirname(folder), real) == NULL)
			return -errno;
		dirs[0] = real;
	}
	for (i = 0; i < NB(dirs); i++) {
		char path[PATH_MAX];

		if (dirs[i] == NULL || dirs[i][0] == '\0')
			continue;
		n = snprintf(path, sizeof(path), "%s%s%s", dirs[i],
			     dirs[i][strlen(dirs[i]) - 1] == '/' ? "" : "/", name);
		if (n < 0 || (size_t)n >= sizeof(path) || (size_t)n >= len)
			return -ENAMETOOLONG;
		if (first[0] == '\0')
			memcpy(first, path, (size_t)n + 1);
		if (access(path, F_OK) == 0) {
			memcpy(out, path, (size_t)n + 1);
			return 0;
		}
	}
	/* none there: the first place looked, for the message that follows */
	snprintf(out, len, "%s", first);
	return -ENOENT;
}

static void
default_nets(const struct cfg_key *k, void *base)
{
	struct pl_config *cfg = base;

	cfg->nb_nets = pl_direction_defaults(cfg->nets);
}

static void
default_bins(const struct cfg_key *k, void *base)
{
	struct pl_config *cfg = base;

	snprintf(cfg->bins, sizeof(cfg->bins), "%s", PL_BINS_DEFAULT);
}

static void
default_allowed(const struct cfg_key *k, void *base)
{
	static const uint16_t allowed[] = { 53, 80, 443, 5432, 8080 };
	unsigned int i;

	for (i = 0; i < NB(allowed); i++)
		allow_range(base, allowed[i], allowed[i]);
}

/* The FinMark service classes; their shares follow qos.shares (pl_config_defaults()). */
static void
default_classes(const struct cfg_key *k, void *base)
{
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
	struct pl_config *cfg = base;
	unsigned int i;

	cfg->nb_classes = NB(classes);
	for (i = 0; i < cfg->nb_classes; i++) {
		struct pl_class_def *c = &cfg->classes[i];

		snprintf(c->name, sizeof(c->name), "%s", classes[i].name);
		c->priority = classes[i].priority;
		c->encrypted = classes[i].encrypted;
		c->protos = classes[i].protos;
		c->nb_ranges = 1;
		c->ranges[0].first = classes[i].port;
		c->ranges[0].last = classes[i].port;
	}
}

void
pl_config_defaults(struct pl_config *cfg)
{
	unsigned int i;

	/* zero everything, padding and string tails included, so configs compare with memcmp */
	memset(cfg, 0, sizeof(*cfg));
	table_defaults(&top_table, cfg);
	for (i = 0; i < cfg->nb_classes; i++)
		cfg->classes[i].qos_share = cfg->prio_share[cfg->classes[i].priority];
	/* the shipped signature file: the installed data folder, else the source tree's */
	(void)pl_config_find_data(NULL, key_find(&top_table, "scan.signatures")->def,
				  PL_SIGS_DIR, cfg->signatures, sizeof(cfg->signatures));
}

/* ---- the loader ---- */

/* One load in progress. */
struct cfg_ctx {
	const char *file;                  /* NULL: a `set config`, no file or line */
	char *err;
	size_t errlen;
	yaml_document_t *doc;
	struct pl_config cfg;              /* the base, then the file's keys over it */
	uint8_t share_set[PL_MAX_CLASSES]; /* qos_share given: not derived from qos.shares */
	unsigned int item;                 /* index of the list item being read */
	yaml_node_t *set[NB(top_keys)];    /* the node each top-table key was read from */
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
	if (c->file == NULL)
		snprintf(c->err, c->errlen, "%s: %s", path, msg);
	else if (n != NULL)
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
	for (i = 0; i < NB(nulls); i++)
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

/* One key's value from its node into @p base. */
static int
key_parse(struct cfg_ctx *c, const struct cfg_table *t, const struct cfg_key *k, void *base,
	  const char *path, yaml_node_t *n)
{
	char buf[96], msg[384];
	struct cfg_val v = { .desc = what(n, buf, sizeof(buf)) };

	if (k->type == CT_CUSTOM)
		return k->parse(c, t, k, base, path, n);
	if (is_scalar(n)) {
		v.text = scalar(n);
		v.len = n->data.scalar.length;
		v.plain = is_plain(n);
		v.null = is_null(n);
	}
	if (key_convert(k, base, &v, msg, sizeof(msg)) != 0)
		return cfg_error(c, n, path, "%s", msg);
	return 0;
}

/*
 * Walk the mapping @p map, section @p sec of table @p t ("" for its top), into @p base:
 * refuses a node that is not a mapping, a key that is not a scalar, a duplicate key and a
 * key the table does not have; reads each key by its row, or walks it as a section.
 * @p set[row] gets the node each row was read from. Returns 0 or -EINVAL.
 */
static int
cfg_walk(struct cfg_ctx *c, const struct cfg_table *t, yaml_node_t *map, void *base,
	 const char *sec, const char *path, yaml_node_t **set)
{
	char kpath[CFG_PATH_LEN], full[CFG_PATH_LEN], list[512], buf[96];
	yaml_node_pair_t *p, *q;
	const struct cfg_key *k;
	int rc;

	if (map->type != YAML_MAPPING_NODE)
		return type_error(c, map, path[0] ? path : "top level", "a mapping",
				  "a mapping of keys");
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);

		if (!is_scalar(kn) || is_null(kn))
			return cfg_error(c, kn, path[0] ? path : "top level",
					 "%s is not a key (expected a name)",
					 what(kn, buf, sizeof(buf)));
		join_path(kpath, sizeof(kpath), path, scalar(kn));
		for (q = map->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k0 = yaml_document_get_node(c->doc, q->key);

			if (is_scalar(k0) && strcmp(scalar(k0), scalar(kn)) == 0)
				return cfg_error(c, kn, kpath,
						 "duplicate key (first given at line %lu)",
						 (unsigned long)k0->start_mark.line + 1);
		}
		join_path(full, sizeof(full), sec, scalar(kn));
		k = strchr(scalar(kn), '.') ? NULL : key_find(t, full);
		if (k != NULL) {
			set[k - t->keys] = v;
			rc = key_parse(c, t, k, base, kpath, v);
		} else if (strchr(scalar(kn), '.') == NULL && is_section(t, full)) {
			rc = cfg_walk(c, t, v, base, full, kpath, set);
		} else {
			section_keys(t, sec, list, sizeof(list));
			return cfg_error(c, kn, kpath, "unknown key (expected one of %s)", list);
		}
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
	static const struct cfg_key any = { .type = CT_STRING };
	struct cfg_key k = any;

	k.range = expected;
	k.size = len;
	return key_parse(c, NULL, &k, out, path, n);
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

/* ---- custom keys ---- */

/* A list of networks into @p out (at most @p max); @p nb is how many. */
static int
cfg_net_list(struct cfg_ctx *c, yaml_node_t *n, const char *path, struct pl_cidr *out,
	     unsigned int max, unsigned int *nb, const char *example)
{
	char ipath[CFG_PATH_LEN], text[64];
	unsigned int i, len;
	int rc;

	rc = cfg_list(c, n, path, "a list of networks ADDRESS/PREFIX");
	if (rc != 0)
		return rc;
	len = list_len(n);
	for (i = 0; i < len; i++) {
		yaml_node_t *it = list_item(c, n, i);

		if (i >= max)
			return cfg_error(c, it, path, "too many networks (expected at most %u)",
					 max);
		snprintf(ipath, sizeof(ipath), "%s[%u]", path, i);
		rc = cfg_string(c, it, ipath, "a network ADDRESS/PREFIX", text, sizeof(text));
		if (rc != 0)
			return rc;
		if (pl_cidr_parse(text, &out[i]) != 0)
			return cfg_error(c, it, ipath,
					 "'%s' is not a network (expected ADDRESS/PREFIX, IPv4 "
					 "or IPv6, e.g. %s)", text, example);
	}
	*nb = len;
	return 0;
}

static int
parse_nets(struct cfg_ctx *c, const struct cfg_table *t, const struct cfg_key *k, void *base,
	   const char *path, yaml_node_t *n)
{
	struct pl_config *cfg = base;

	memset(cfg->nets, 0, sizeof(cfg->nets));
	cfg->nb_nets = 0;
	return cfg_net_list(c, n, path, cfg->nets, NB(cfg->nets), &cfg->nb_nets, "10.0.0.0/8");
}

static int
parse_bins(struct cfg_ctx *c, const struct cfg_table *t, const struct cfg_key *k, void *base,
	   const char *path, yaml_node_t *n)
{
	struct pl_config *cfg = base;
	char msg[256] = "";
	struct pl_bins *b;

	/* "" means the default bins */
	if (is_scalar(n) && !is_plain(n) && scalar(n)[0] == '\0') {
		memset(cfg->bins, 0, sizeof(cfg->bins));
		return 0;
	}
	if (cfg_string(c, n, path, "a bin specification FIRST-LAST/WIDTH,...", cfg->bins,
		       sizeof(cfg->bins)) != 0)
		return -EINVAL;
	b = pl_bins_create(cfg->bins, msg, sizeof(msg));
	if (b == NULL)
		return cfg_error(c, n, path, "%s (expected FIRST-LAST/WIDTH,... e.g. %s)", msg,
				 PL_BINS_DEFAULT);
	pl_bins_free(b);
	return 0;
}

/* The IPFIX collector: HOST:PORT (resolved when the exporter opens), or "" for none. */
static int
parse_collector(struct cfg_ctx *c, const struct cfg_table *t, const struct cfg_key *k,
		void *base, const char *path, yaml_node_t *n)
{
	struct pl_config *cfg = base;
	const char *port;

	if (is_scalar(n) && !is_plain(n) && scalar(n)[0] == '\0') {
		cfg->ipfix_collector[0] = '\0';
		return 0;
	}
	if (cfg_string(c, n, path, "HOST:PORT, or \"\" for none", cfg->ipfix_collector,
		       sizeof(cfg->ipfix_collector)) != 0)
		return -EINVAL;
	port = strrchr(cfg->ipfix_collector, ':');
	if (port == NULL || port[1] == '\0')
		return cfg_error(c, n, path, "'%s' has no port (expected HOST:PORT)",
				 cfg->ipfix_collector);
	return 0;
}

/* A list of ports and ranges into @p out (at most @p max); @p nb is how many. */
static int
cfg_port_list(struct cfg_ctx *c, yaml_node_t *n, const char *path, struct pl_port_range *out,
	      unsigned int max, unsigned int *nb)
{
	char ipath[CFG_PATH_LEN];
	struct pl_port_range r;
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
		rc = cfg_port_range(c, it, ipath, out ? &out[i] : &r);
		if (rc != 0)
			return rc;
	}
	*nb = len;
	return 0;
}

static int
parse_allowed(struct cfg_ctx *c, const struct cfg_table *t, const struct cfg_key *k,
	      void *base, const char *path, yaml_node_t *n)
{
	struct pl_config *cfg = base;
	struct pl_port_range r;
	unsigned int i, nb;
	int rc;

	/* checked whole first, then set range by range */
	rc = cfg_port_list(c, n, path, NULL, UINT_MAX, &nb);
	if (rc != 0)
		return rc;
	memset(cfg->allowed, 0, sizeof(cfg->allowed));
	for (i = 0; i < nb; i++) {
		(void)cfg_port_range(c, list_item(c, n, i), path, &r);
		allow_range(cfg, r.first, r.last);
	}
	return 0;
}

/*
 * A list of mappings read with the item table @p it into @p items (replacing what was
 * there); @p count gets how many. Each item starts from the item table's defaults.
 */
static int
cfg_items(struct cfg_ctx *c, const struct cfg_table *it, const char *path, yaml_node_t *n,
	  void *items, unsigned int *count)
{
	yaml_node_t *set[8];
	char ipath[CFG_PATH_LEN];
	unsigned int i, j, len;
	int rc;

	rc = cfg_list(c, n, path, it->expected);
	if (rc != 0)
		return rc;
	memset(items, 0, it->stride * it->max);
	*count = 0;
	len = list_len(n);
	for (i = 0; i < len; i++) {
		yaml_node_t *item = list_item(c, n, i);
		char *base = (char *)items + i * it->stride;

		if (i >= it->max)
			return cfg_error(c, item, path, "too many %s (expected at most %u)",
					 it->plural, it->max);
		snprintf(ipath, sizeof(ipath), "%s[%u]", path, i);
		table_defaults(it, base);
		memset(set, 0, sizeof(set));
		c->item = i;
		rc = cfg_walk(c, it, item, base, "", ipath, set);
		if (rc != 0)
			return rc;
		for (j = 0; j < it->n; j++)
			if (it->keys[j].required && set[j] == NULL)
				return cfg_error(c, item, ipath, "missing key '%s' (required)",
						 it->keys[j].name);
		if (it->item_done != NULL)
			it->item_done(c, i, set);
		*count = i + 1;
	}
	return 0;
}

static void
class_done(struct cfg_ctx *c, unsigned int i, yaml_node_t *const *set)
{
	const struct cfg_key *k = key_find(&class_table, "qos_share");

	c->share_set[i] = set[k - class_keys] != NULL;
}

static int
parse_classes(struct cfg_ctx *c, const struct cfg_table *t, const struct cfg_key *k,
	      void *base, const char *path, yaml_node_t *n)
{
	struct pl_config *cfg = base;

	memset(c->share_set, 0, sizeof(c->share_set));
	return cfg_items(c, &class_table, path, n, cfg->classes, &cfg->nb_classes);
}

static int
parse_backends(struct cfg_ctx *c, const struct cfg_table *t, const struct cfg_key *k,
	       void *base, const char *path, yaml_node_t *n)
{
	struct pl_config *cfg = base;

	return cfg_items(c, &backend_table, path, n, cfg->backends, &cfg->nb_backends);
}

/* The name of a list item: valid characters, unique among the items before it. */
static int
parse_item_name(struct cfg_ctx *c, const struct cfg_table *t, const struct cfg_key *k,
		void *base, const char *path, yaml_node_t *v)
{
	char *name = (char *)base + k->off;
	const char *s;
	unsigned int i;

	if (!is_scalar(v) || is_null(v))
		return type_error(c, v, path, "a name", NAME_RANGE);
	s = scalar(v);
	if (s[0] == '\0' || strlen(s) >= k->size || strlen(s) != v->data.scalar.length ||
	    strspn(s, CFG_NAME_CHARS) != strlen(s))
		return cfg_error(c, v, path, "'%.40s' is not a valid %s name (expected %s)", s,
				 t->item, NAME_RANGE);
	for (i = 0; i < c->item; i++)
		if (strcmp(name - (c->item - i) * t->stride, s) == 0)
			return cfg_error(c, v, path,
					 "'%s' is already the name of %s[%u] (expected %s)", s,
					 t->list, i, NAME_RANGE);
	memset(name, 0, k->size);
	memcpy(name, s, strlen(s));
	return 0;
}

static int
parse_class_ports(struct cfg_ctx *c, const struct cfg_table *t, const struct cfg_key *k,
		  void *base, const char *path, yaml_node_t *v)
{
	struct pl_class_def *d = base;
	unsigned int nb = 0;
	int rc;

	rc = cfg_port_list(c, v, path, d->ranges, PL_MAX_CLASS_RANGES, &nb);
	if (rc != 0)
		return rc;
	if (nb == 0)
		return cfg_error(c, v, path, "no ports (expected at least one port or range)");
	d->nb_ranges = (uint8_t)nb;
	return 0;
}

static int
parse_backend_nets(struct cfg_ctx *c, const struct cfg_table *t, const struct cfg_key *k,
		   void *base, const char *path, yaml_node_t *v)
{
	struct pl_backend_def *d = base;
	unsigned int nb = 0;
	int rc;

	rc = cfg_net_list(c, v, path, d->nets, PL_MAX_BACKEND_NETS, &nb, "10.1.0.0/24");
	if (rc != 0)
		return rc;
	if (nb == 0)
		return cfg_error(c, v, path,
				 "no addresses (expected at least one ADDRESS/PREFIX)");
	d->nb_nets = (uint8_t)nb;
	return 0;
}

/* The node a top-level key was read from, NULL if it was not given. */
static yaml_node_t *
given(struct cfg_ctx *c, const char *name)
{
	return c->set[key_find(&top_table, name) - top_keys];
}

/* A burst left out follows its rate; a bucket under one token would never let anything by. */
static int
finish_burst(struct cfg_ctx *c, double rate, double *burst, const char *rate_path,
	     const char *burst_path)
{
	yaml_node_t *rate_node = given(c, rate_path), *burst_node = given(c, burst_path);

	if (burst_node == NULL && rate_node != NULL)
		*burst = rate;
	if (rate > 0 && *burst < 1 && (burst_node != NULL || rate_node != NULL)) {
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
 * qos.shares, bursts left out follow their rate, a relative signature path is found by
 * pl_config_find_data() beside @p dir_of, else in the data folder (made absolute, so the
 * result does not depend on the working directory).
 */
static int
cfg_finish(struct cfg_ctx *c, const char *dir_of)
{
	unsigned int i;
	int rc;

	for (i = 0; i < c->cfg.nb_classes; i++)
		if (!c->share_set[i])
			c->cfg.classes[i].qos_share = c->cfg.prio_share[c->cfg.classes[i].priority];
	rc = finish_burst(c, c->cfg.conn_rate, &c->cfg.conn_burst,
			  "rate_limit.new_connections_per_s", "rate_limit.connection_burst");
	if (rc == 0)
		rc = finish_burst(c, c->cfg.pkt_rate, &c->cfg.pkt_burst,
				  "rate_limit.packets_per_s", "rate_limit.packet_burst");
	if (rc != 0)
		return rc;

	/* a relative signature path: beside the configuration, else in the data folder */
	if (c->cfg.signatures[0] != '/') {
		char found[PATH_MAX];

		rc = pl_config_find_data(dir_of, c->cfg.signatures, PL_SIGS_DIR, found,
					 sizeof(found));
		if (rc == -ENAMETOOLONG || (rc == 0 && strlen(found) >= sizeof(c->cfg.signatures)))
			return cfg_error(c, given(c, "scan.signatures"), "scan.signatures",
					 "the resolved path is too long (expected at most %zu "
					 "characters)", sizeof(c->cfg.signatures) - 1);
		if (rc < 0 && rc != -ENOENT) {
			snprintf(c->err, c->errlen, "%s: cannot resolve its folder: %s", dir_of,
				 strerror(-rc));
			return rc;
		}
		memset(c->cfg.signatures, 0, sizeof(c->cfg.signatures));
		memcpy(c->cfg.signatures, found, strlen(found));
	}
	return 0;
}

/* "FILE:LINE: YAML syntax error: problem (context)" from a failed libyaml parser. */
static int
cfg_yaml_error(struct cfg_ctx *c, const yaml_parser_t *p)
{
	unsigned long line;

	if (p->error == YAML_MEMORY_ERROR) {
		snprintf(c->err, c->errlen, "%s: out of memory", c->file ? c->file : "set config");
		return -ENOMEM;
	}
	line = (unsigned long)(p->error == YAML_READER_ERROR ? p->mark.line :
			       p->problem_mark.line) + 1;
	if (c->file == NULL)
		snprintf(c->err, c->errlen, "YAML syntax error: %s%s%s%s",
			 p->problem ? p->problem : "unknown problem", p->context ? " (" : "",
			 p->context ? p->context : "", p->context ? ")" : "");
	else
		snprintf(c->err, c->errlen, "%s:%lu: YAML syntax error: %s%s%s%s", c->file, line,
			 p->problem ? p->problem : "unknown problem", p->context ? " (" : "",
			 p->context ? p->context : "", p->context ? ")" : "");
	return -EINVAL;
}

/*
 * The one document of the input: its keys over c->cfg, then what depends on several keys
 * (while the document, whose nodes messages quote, is still alive).
 */
static int
cfg_document(struct cfg_ctx *c, yaml_parser_t *parser, const char *dir_of)
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
		rc = cfg_walk(c, &top_table, root, &c->cfg, "", "", c->set);
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
		rc = cfg_finish(c, dir_of);
	c->doc = NULL;
	yaml_document_delete(&doc);
	return rc;
}

/* A load context over @p base (NULL: the defaults); NULL when out of memory. */
static struct cfg_ctx *
cfg_ctx_new(const struct pl_config *base, const char *file, char *err, size_t errlen)
{
	struct cfg_ctx *c = calloc(1, sizeof(*c));
	unsigned int i;

	if (c == NULL) {
		snprintf(err, errlen, "%s: out of memory", file ? file : "set config");
		return NULL;
	}
	c->file = file;
	c->err = err;
	c->errlen = errlen;
	if (base == NULL) {
		pl_config_defaults(&c->cfg);
		return c; /* the default classes follow qos.shares too */
	}
	c->cfg = *base;
	/* a class whose share is not its priority's was given one: it keeps it */
	for (i = 0; i < base->nb_classes && i < PL_MAX_CLASSES; i++)
		c->share_set[i] = base->classes[i].qos_share !=
				  base->prio_share[base->classes[i].priority];
	return c;
}

int
pl_config_load(const char *path, struct pl_config *cfg, char *err, size_t errlen)
{
	static char no_err[1];
	yaml_parser_t parser;
	struct cfg_ctx *c;
	struct stat st;
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
	c = cfg_ctx_new(NULL, path, err, errlen);
	if (c == NULL)
		return -ENOMEM;
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
	rc = cfg_document(c, &parser, path);
	yaml_parser_delete(&parser);
	fclose(f);
	if (rc == 0) {
		memset(c->cfg.path, 0, sizeof(c->cfg.path));
		memcpy(c->cfg.path, path, strlen(path));
		memcpy(cfg, &c->cfg, sizeof(*cfg));
	}
	free(c);
	return rc;
}

int
pl_config_set(struct pl_config *cfg, const char *key, const char *value, char *err,
	      size_t errlen)
{
	static char no_err[1];
	char text[1024], *p = text;
	const char *name, *dot;
	yaml_parser_t parser;
	struct cfg_ctx *c;
	int rc, depth = 0;

	if (err == NULL || errlen == 0) {
		err = no_err;
		errlen = sizeof(no_err);
	}
	err[0] = '\0';
	if (cfg == NULL || key == NULL || value == NULL)
		return -EINVAL;
	if (key_find(&top_table, key) == NULL) {
		snprintf(err, errlen, "%s: unknown key (see show config keys)", key);
		return -ENOENT;
	}
	if (strpbrk(value, "\r\n") != NULL || strlen(value) > 512) {
		snprintf(err, errlen, "%s: the value must be one line of at most 512 characters",
			 key);
		return -EINVAL;
	}
	/* "a.b.c" and V as the YAML "a:\n  b:\n    c: V\n", read like a file over @p cfg */
	for (name = key; (dot = strchr(name, '.')) != NULL; name = dot + 1, depth++)
		p += snprintf(p, sizeof(text) - (size_t)(p - text), "%*s%.*s:\n", 2 * depth, "",
			      (int)(dot - name), name);
	snprintf(p, sizeof(text) - (size_t)(p - text), "%*s%s: %s\n", 2 * depth, "", name, value);

	c = cfg_ctx_new(cfg, NULL, err, errlen);
	if (c == NULL)
		return -ENOMEM;
	if (!yaml_parser_initialize(&parser)) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
	/* a relative signature path is beside the configuration file, else the working folder */
	rc = cfg_document(c, &parser, cfg->path[0] ? cfg->path : "./set-config");
	yaml_parser_delete(&parser);
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
	uint64_t scale = pow10u(decimals);
	char frac[24];
	size_t n;

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

/* The value of row @p k of @p base, as YAML (a CT_CUSTOM writes its own lines). */
static void
dump_value(FILE *f, const struct cfg_key *k, const void *base)
{
	const char *field = (const char *)base + k->off;
	uint64_t u;
	double d;
	unsigned int i;

	switch (k->type) {
	case CT_INT:
		fprintf(f, " %llu", (unsigned long long)load_uint(field, k->size));
		return;
	case CT_REAL:
		memcpy(&d, field, sizeof(d));
		fputc(' ', f);
		dump_real(f, d);
		return;
	case CT_UNITS:
		fputc(' ', f);
		dump_fixed(f, load_uint(field, k->size), k->decimals);
		return;
	case CT_BOOL:
		fputs(load_uint(field, k->size) ? " true" : " false", f);
		return;
	case CT_ENUM:
		u = *(const uint8_t *)field;
		for (i = 0; k->names[i] != NULL; i++)
			if ((k->values ? k->values[i] : i) == u)
				break;
		fprintf(f, " %s", k->names[i] ? k->names[i] : "unknown");
		return;
	case CT_STRING:
		fputc(' ', f);
		dump_str(f, field);
		return;
	case CT_CUSTOM:
		k->dump(f, k, base);
		return;
	}
}

/* How many dot-separated components @p a and @p b share, of their first @p max. */
static unsigned int
common_sections(const char *a, const char *b, unsigned int max)
{
	unsigned int n = 0;

	while (n < max) {
		const char *da = strchr(a, '.'), *db = strchr(b, '.');

		if (da == NULL || db == NULL || da - a != db - b || strncmp(a, b, (size_t)(da - a)))
			break;
		n++;
		a = da + 1;
		b = db + 1;
	}
	return n;
}

static unsigned int
nb_dots(const char *s)
{
	unsigned int n = 0;

	while ((s = strchr(s, '.')) != NULL) {
		n++;
		s++;
	}
	return n;
}

/*
 * Every row of @p t for @p base, one line each, opening the sections they are in; each line
 * starts with a newline and @p indent spaces, the very first with @p lead instead ("  - "
 * for a list item).
 */
static void
dump_table(FILE *f, const struct cfg_table *t, const void *base, int indent, const char *lead)
{
	const char *prev = "";
	unsigned int i, d, depth, common;

	for (i = 0; i < t->n; i++) {
		const struct cfg_key *k = &t->keys[i];
		const char *comp = k->name;

		depth = nb_dots(k->name);
		common = common_sections(prev, k->name, depth);
		for (d = 0; d < common; d++)
			comp = strchr(comp, '.') + 1;
		for (d = common; d <= depth; d++) {
			const char *dot = strchr(comp, '.');
			int n = dot ? (int)(dot - comp) : (int)strlen(comp);

			if (lead != NULL)
				fprintf(f, "\n%s", lead);
			else
				fprintf(f, "\n%*s", indent + 2 * (int)d, "");
			lead = NULL;
			fprintf(f, "%.*s:", n, comp);
			if (dot)
				comp = dot + 1;
		}
		dump_value(f, k, base);
		prev = k->name;
	}
}

static void
dump_net_list(FILE *f, const struct pl_cidr *nets, unsigned int n)
{
	unsigned int i;
	char buf[64];

	fputs(" [", f);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		dump_str(f, pl_cidr_format(&nets[i], buf, sizeof(buf)));
	}
	fputc(']', f);
}

static void
dump_nets(FILE *f, const struct cfg_key *k, const void *base)
{
	const struct pl_config *cfg = base;

	dump_net_list(f, cfg->nets, cfg->nb_nets);
}

static void
dump_bins(FILE *f, const struct cfg_key *k, const void *base)
{
	fputc(' ', f);
	dump_str(f, ((const struct pl_config *)base)->bins);
}

static void
dump_collector(FILE *f, const struct cfg_key *k, const void *base)
{
	fputc(' ', f);
	dump_str(f, ((const struct pl_config *)base)->ipfix_collector);
}

static void
dump_items(FILE *f, const struct cfg_table *it, const void *items, unsigned int n)
{
	unsigned int i;

	if (n == 0)
		fputs(" []", f);
	for (i = 0; i < n; i++)
		dump_table(f, it, (const char *)items + i * it->stride, 4, "  - ");
}

static void
dump_classes(FILE *f, const struct cfg_key *k, const void *base)
{
	const struct pl_config *cfg = base;

	dump_items(f, &class_table, cfg->classes, cfg->nb_classes);
}

static void
dump_backends(FILE *f, const struct cfg_key *k, const void *base)
{
	const struct pl_config *cfg = base;

	dump_items(f, &backend_table, cfg->backends, cfg->nb_backends);
}

static void
dump_item_name(FILE *f, const struct cfg_key *k, const void *base)
{
	fputc(' ', f);
	dump_str(f, (const char *)base + k->off);
}

static void
dump_class_ports(FILE *f, const struct cfg_key *k, const void *base)
{
	const struct pl_class_def *c = base;
	unsigned int j;

	fputs(" [", f);
	for (j = 0; j < c->nb_ranges; j++) {
		fputs(j ? ", " : "", f);
		dump_range(f, c->ranges[j].first, c->ranges[j].last);
	}
	fputc(']', f);
}

static void
dump_backend_nets(FILE *f, const struct cfg_key *k, const void *base)
{
	const struct pl_backend_def *b = base;

	dump_net_list(f, b->nets, b->nb_nets);
}

static void
dump_allowed(FILE *f, const struct cfg_key *k, const void *base)
{
	const struct pl_config *cfg = base;
	unsigned int p, n = 0;

	fputs(" [", f);
	for (p = 0; p < 65536; p++) {
		unsigned int last = p;

		if (!pl_config_allowed(cfg, (uint16_t)p))
			continue;
		while (last < 65535 && pl_config_allowed(cfg, (uint16_t)(last + 1)))
			last++;
		fputs(n++ ? ", " : "", f);
		dump_range(f, p, last);
		p = last;
	}
	fputc(']', f);
}

int
pl_config_dump(const struct pl_config *cfg, FILE *f)
{
	if (cfg == NULL || f == NULL)
		return -EINVAL;
	fprintf(f, "# portlens configuration%s%s", cfg->path[0] ? " loaded from " : "",
		cfg->path);
	dump_table(f, &top_table, cfg, 0, NULL);
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

/* ---- descriptions: `show config KEY` and the documentation ---- */

/* The type of a row, in words, for the documentation. */
static const char *
key_type_doc(const struct cfg_key *k, char *buf, size_t len)
{
	if (k->type == CT_ENUM) {
		join_names(k->names, " \\| ", buf, len);
		return buf;
	}
	if (k->type == CT_UNITS)
		return strcmp(k->unit, "ns") == 0 ? "seconds" : "Mbit/s";
	if (k->type == CT_CUSTOM)
		return k->doc_type;
	return type_doc[k->type];
}

static void
doc_rows(FILE *f, const struct cfg_table *t, const char *prefix)
{
	char type[128], range[160];
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct cfg_key *k = &t->keys[i];
		const char *def = k->def;

		if (k->type == CT_ENUM)
			snprintf(range, sizeof(range), "—");
		else if (k->type == CT_INT)
			snprintf(range, sizeof(range), "%lld-%lld", (long long)k->min,
				 (long long)k->max);
		else
			snprintf(range, sizeof(range), "%s", key_expected(k, type, sizeof(type)));
		fprintf(f, "| `%s%s` | %s | %s | ", prefix, k->name, key_type_doc(k, type,
			sizeof(type)), range);
		if (def[0] == '\0')
			fputs(k->required ? "required" : "—", f);
		else if (k->type == CT_CUSTOM && def[0] != '[' && def[0] != '"')
			fputs(def, f);
		else
			fprintf(f, "`%s`", def);
		fprintf(f, " | %s |\n", k->help);
		if (k->parse == parse_classes)
			doc_rows(f, &class_table, "classes[].");
		else if (k->parse == parse_backends)
			doc_rows(f, &backend_table, "backends[].");
	}
}

int
pl_config_doc(FILE *f)
{
	if (f == NULL)
		return -EINVAL;
	fputs("| key | type | range | default | meaning |\n|---|---|---|---|---|\n", f);
	doc_rows(f, &top_table, "");
	return ferror(f) ? -EIO : 0;
}

int
pl_config_describe(const struct pl_config *cfg, const char *key, FILE *f)
{
	char type[128], range[160];
	unsigned int i, n = 0;
	size_t kl = key ? strlen(key) : 0;

	if (cfg == NULL || f == NULL)
		return -EINVAL;
	for (i = 0; i < top_table.n; i++) {
		const struct cfg_key *k = &top_keys[i];

		/* the key itself, every key of a section, or every key for "" */
		if (kl > 0 && strcmp(k->name, key) != 0 &&
		    (strncmp(k->name, key, kl) != 0 || k->name[kl] != '.'))
			continue;
		fprintf(f, "%s:", k->name);
		dump_value(f, k, cfg);
		fprintf(f, "\n    %s\n    type %s, %s; default %s\n", k->help,
			key_type_doc(k, type, sizeof(type)),
			k->type == CT_ENUM ? "one of the names" : key_expected(k, range,
									       sizeof(range)),
			k->def[0] ? k->def : "none");
		n++;
	}
	return n ? 0 : -ENOENT;
}

/* One table's rows: names unique, sections contiguous, defaults valid. */
static int
check_table(const struct cfg_table *t, void *scratch, char *err, size_t errlen)
{
	struct cfg_val v = { .plain = 1 };
	unsigned int i, j;
	char msg[256];

	for (i = 0; i < t->n; i++) {
		const struct cfg_key *k = &t->keys[i];

		if (is_section(t, k->name)) {
			snprintf(err, errlen, "%s: both a key and a section", k->name);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			unsigned int s = common_sections(t->keys[j].name, k->name, 64);

			if (strcmp(t->keys[j].name, k->name) == 0) {
				snprintf(err, errlen, "%s: given twice", k->name);
				return -EINVAL;
			}
			/* a section left and opened again: the rows between are elsewhere */
			if (s > common_sections(t->keys[i - 1].name, k->name, 64)) {
				snprintf(err, errlen, "%s: not next to the other keys of its section",
					 k->name);
				return -EINVAL;
			}
		}
		if (k->type == CT_CUSTOM ? k->parse == NULL || k->dump == NULL : k->def == NULL) {
			snprintf(err, errlen, "%s: incomplete row", k->name);
			return -EINVAL;
		}
		if (k->type == CT_CUSTOM || k->def[0] == '\0')
			continue;
		v.text = v.desc = k->def;
		v.len = strlen(k->def);
		if (key_convert(k, scratch, &v, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s: default %s", k->name, msg);
			return -EINVAL;
		}
	}
	return 0;
}

int
pl_config_check_table(char *err, size_t errlen)
{
	struct pl_config *cfg = calloc(1, sizeof(*cfg));
	int rc;

	if (cfg == NULL)
		return -ENOMEM;
	rc = check_table(&top_table, cfg, err, errlen);
	if (rc == 0)
		rc = check_table(&class_table, &cfg->classes[0], err, errlen);
	if (rc == 0)
		rc = check_table(&backend_table, &cfg->backends[0], err, errlen);
	free(cfg);
	return rc;
}
