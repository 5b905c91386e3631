/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Configuration: the YAML file given with --config (default: /etc/portlens/portlens.yaml
 * when installed, else the file shipped in lib/config/portlens.yaml), read with libyaml.
 *
 * Loading is all or nothing: pl_config_load() fills a struct pl_config only when the whole
 * file is valid, so a bad file never yields a half-configured appliance. Every error names
 * the file, the line and what is wrong ("portlens.yaml:12: classes[2].priority: 'urgent' is
 * not one of critical, high, medium, low"); unknown keys are errors. One table of keys in
 * config.c (name, type, range, default, help) drives the loader, the defaults, the writer,
 * `show config`, `set config` and the key list of docs/configuration.md.
 */
#ifndef PL_CONFIG_H
#define PL_CONFIG_H

#include <limits.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_direction.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PL_MAX_CLASSES 32         /**< service classes */
#define PL_CLASS_NONE 0xff        /**< "no class" in class tables */
#define PL_CLASS_NAME_LEN 32
#define PL_MAX_CLASS_RANGES 16    /**< port ranges per class */
#define PL_MAX_BACKENDS 16        /**< backend pools */
#define PL_MAX_BACKEND_NETS 16    /**< networks per backend pool */

/** Class priorities. */
enum pl_priority {
	PL_PRIO_CRITICAL = 0,
	PL_PRIO_HIGH,
	PL_PRIO_MEDIUM,
	PL_PRIO_LOW,
	PL_PRIO_MAX
};

/** Transport protocols a class covers (bit mask). */
#define PL_PROTO_TCP 0x1
#define PL_PROTO_UDP 0x2

/** Default bytes of in-order payload scanned per flow direction (scan.budget). */
#define PL_SCAN_BUDGET_DEFAULT 65536
/** Default most flows a worker scans at once (scan.flows), and the most allowed (a flow
 * refers to its scan stream by a 16-bit index). */
#define PL_SCAN_FLOWS_DEFAULT 16384
#define PL_SCAN_FLOWS_MAX 65535

/** Finding kinds: X(name, "help"). The policy library reports them; the configuration
 * chooses the verdict of each. */
#define PL_FINDING_KINDS(X) \
	X(unauthorized_port, "connection attempt to a local address on a port not allowed") \
	X(unencrypted, "cleartext where encryption is required, or cleartext HTTP") \
	X(sensitive_data, "a Luhn-valid card number in cleartext payload") \
	X(rate_limit, "a source above its new-connection or packet rate") \
	X(qos, "a class above its share of the link (red packets)")

enum pl_finding_kind {
#define PL_X_ENUM(name, help) PL_FINDING_##name,
	PL_FINDING_KINDS(PL_X_ENUM)
#undef PL_X_ENUM
	PL_FINDING_MAX
};

/** What happens to packets of a flow with a finding (inline mode; monitor mode forwards). */
enum pl_verdict {
	PL_VERDICT_FORWARD = 0, /**< "alert": report the finding, forward the packet */
	PL_VERDICT_MARK,        /**< report, rewrite the DSCP (verdict_dscp), forward */
	PL_VERDICT_DROP,        /**< report, drop this packet and the rest of the flow */
	PL_VERDICT_MAX
};

/** A port range, inclusive. */
struct pl_port_range {
	uint16_t first;
	uint16_t last;
};

/** A service class. */
struct pl_class_def {
	char name[PL_CLASS_NAME_LEN];
	uint8_t priority;   /**< enum pl_priority */
	uint8_t encrypted;  /**< encryption required: cleartext is an `unencrypted` finding */
	uint8_t protos;     /**< PL_PROTO_* */
	uint8_t nb_ranges;
	struct pl_port_range ranges[PL_MAX_CLASS_RANGES];
	double qos_share;   /**< committed share of the link, 0 < share <= 1 (default by priority) */
};

/**
 * A backend pool: servers whose traffic (to and from their addresses) is counted together,
 * for the distribution of load over pools.
 */
struct pl_backend_def {
	char name[PL_CLASS_NAME_LEN];
	uint8_t nb_nets;
	struct pl_cidr nets[PL_MAX_BACKEND_NETS];
};

/** The whole configuration. Plain data: copyable, no pointers. */
struct pl_config {
	char path[PATH_MAX];              /**< file it came from ("" for built-in defaults) */

	/* traffic (command-line options override these) */
	unsigned int nb_nets;             /**< 0: default local networks */
	struct pl_cidr nets[64];
	char bins[256];                   /**< bin specification, "" for the default */
	int decap;                        /**< analyse tunnelled traffic by its inner packet */

	/* classification */
	unsigned int nb_classes;
	struct pl_class_def classes[PL_MAX_CLASSES];
	char signatures[PATH_MAX];        /**< signature file (default: the shipped one; a
					   * relative path in a file is relative to the file) */
	uint32_t scan_budget;             /**< in-order payload bytes scanned per flow direction,
					   * 0: scanning off */
	uint32_t scan_flows;              /**< most flows a worker scans at once */
	uint32_t scan_packets;            /**< older files' key: 0 turns scanning off too */
	uint32_t scan_bytes;              /**< older files' key: no effect */

	/* flows */
	uint32_t flow_capacity;           /**< flows per worker */
	uint64_t syn_timeout_ns;          /**< attempt without answer: unanswered */
	uint64_t tcp_idle_ns;             /**< established TCP idle: forgotten (still active) */
	uint64_t udp_idle_ns;             /**< UDP/ICMP/other flows idle: forgotten */
	uint64_t time_wait_ns;            /**< TIME_WAIT after a close */

	/* policy */
	uint8_t allowed[65536 / 8];       /**< bitmap of allowed ports (unauthorized_port) */
	double conn_rate;                 /**< new connections per second per source, 0: off */
	double conn_burst;                /**< bucket depth */
	double pkt_rate;                  /**< packets per second per source, 0: off */
	double pkt_burst;
	uint64_t link_bps;                /**< link rate for QoS shares, bits per second */
	double prio_share[PL_PRIO_MAX];   /**< default share per priority */
	double qos_peak;                  /**< peak rate = share * qos_peak (>= 1), capped at 1 */
	int qos_mark;                     /**< inline: rewrite DSCP by colour */
	uint8_t qos_dscp[3];              /**< DSCP for green, yellow, red */
	int qos_drop_red;                 /**< inline: drop red packets */
	uint8_t verdict[PL_FINDING_MAX];  /**< enum pl_verdict per finding kind */
	uint8_t verdict_dscp;             /**< DSCP for PL_VERDICT_MARK */
	uint32_t findings_max;            /**< distinct findings kept (bounded memory) */
	/* IPFIX flow export (read at start; the command-line options win) */
	char ipfix_collector[256];        /**< HOST:PORT, "" for no export */
	uint64_t ipfix_active_ns;         /**< active timeout */
	uint32_t ipfix_domain;            /**< observation domain id */
	uint8_t ipfix_mode;               /**< 0 biflow, 1 uniflow (enum pl_ipfix_mode) */
	uint32_t ipfix_rate;              /**< records per second, 0: unpaced */
	uint32_t ipfix_template_refresh;  /**< seconds between template sends, 0: once */

	/* reporting */
	unsigned int nb_backends;         /**< backend pools (0: none) */
	struct pl_backend_def backends[PL_MAX_BACKENDS];
};

/**
 * The built-in defaults: RFC 1918 + fc00::/7, default bins, the FinMark classes (https
 * tcp/443 critical encrypted, api tcp/8080 high, db tcp/5432 critical encrypted, http
 * tcp/80 medium, dns udp+tcp/53 high, ssh tcp/22 high), allowed ports 53 80 443 5432 8080,
 * scan 2 packets x 256 bytes, 65536 flows per worker, SYN 5 s, TCP idle 300 s, UDP idle
 * 60 s, TIME_WAIT 60 s, 1000 new connections/s per source (burst 1000), no packet rate
 * limit, link 10 Gbit/s, shares critical 0.8 high 0.6 medium 0.4 low 0.2, peak 1.25,
 * every verdict forward, 4096 findings.
 */
void pl_config_defaults(struct pl_config *cfg);

/**
 * Load a configuration file over the built-in defaults (keys absent from the file keep
 * their default).
 *
 * @param path    the YAML file.
 * @param cfg     filled only on success.
 * @param err     on failure: "FILE:LINE: what is wrong".
 * @param errlen  size of err.
 * @return 0, or a negative errno (-EINVAL for a bad file, -ENOENT ...).
 */
int pl_config_load(const char *path, struct pl_config *cfg, char *err, size_t errlen);

/** Is a port in the allowlist? */
static inline int
pl_config_allowed(const struct pl_config *cfg, uint16_t port)
{
	return (cfg->allowed[port >> 3] >> (port & 7)) & 1;
}

/** Names: "critical"..., "forward"/"mark"/"drop", finding kinds. */
const char *pl_priority_name(unsigned int prio);
const char *pl_verdict_name(unsigned int verdict);
const char *pl_finding_name(unsigned int kind);

/**
 * Write the configuration as YAML (the same keys pl_config_load() reads), for
 * `show config` and for saving a changed configuration.
 *
 * @return 0 or a negative errno.
 */
int pl_config_dump(const struct pl_config *cfg, FILE *f);

/**
 * Find a data file or folder by portlens's search order: an absolute @p name as it is;
 * else @p name beside the configuration file @p config (when given), then in the installed
 * data folder (PL_DATA_DIR, /usr/share/portlens when installed with prefix /usr), then in
 * @p devdir (a folder of the source tree, for a program run from its build folder; NULL:
 * none). The first that exists wins.
 *
 * @param out  the path found; when none exists, the first place looked.
 * @return 0, -ENOENT when none exists, -ENAMETOOLONG, or a negative errno when the
 *         configuration's folder cannot be resolved.
 */
int pl_config_find_data(const char *config, const char *name, const char *devdir, char *out,
			size_t len);

/**
 * Change one key of @p cfg, as if a file holding only that key were read over it: the same
 * checks, the same messages (without file and line), and what depends on several keys
 * follows (a burst left out follows its rate, a relative signature path is resolved beside
 * cfg->path). For `set config KEY VALUE`.
 *
 * @param cfg     changed only on success.
 * @param key     a dotted key ("flows.tcp_idle"), as `show config keys` lists them.
 * @param value   YAML text on one line ("600", "[22, 80]", "drop").
 * @param err     on failure: "KEY: what is wrong".
 * @param errlen  size of err.
 * @return 0, -ENOENT for an unknown key, -EINVAL for a bad value.
 */
int pl_config_set(struct pl_config *cfg, const char *key, const char *value, char *err,
		  size_t errlen);

/**
 * Describe keys with their value in @p cfg: name, value, help, type, range and default.
 *
 * @param key  one key ("qos.peak"), a section ("qos"), or "" for every key.
 * @return 0, -ENOENT when no key matches, -EINVAL for NULL arguments.
 */
int pl_config_describe(const struct pl_config *cfg, const char *key, FILE *f);

/**
 * Write the key list of docs/configuration.md: a Markdown table of every key with its
 * type, range, default and help, produced from the same table the loader reads with.
 *
 * @return 0 or a negative errno.
 */
int pl_config_doc(FILE *f);

/**
 * Check the table of keys itself: names unique, the keys of a section together, every
 * default accepted by its own key's checks. The unit tests call it.
 *
 * @return 0, or -EINVAL with the offending key in @p err.
 */
int pl_config_check_table(char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* PL_CONFIG_H */
