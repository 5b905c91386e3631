/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console section "config": show the configuration in force and change it live. `show config
 * KEY` and `set config KEY VALUE` work for every key of the configuration's table of keys
 * (lib/config), with the same checks and messages as a file. Each `set`
 * copies the configuration in force, changes one thing, and hands the copy to
 * pl_config_apply() (reconfig.c): a new runtime (and direction table when the local
 * networks change) is built whole, switched to by pointer, and the old one freed after
 * every lcore has moved on. A change that cannot be built changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmdline_parse_string.h>

#include "pl_console.h"

#define SEC "config"
#define MAX_CFG_NETS 64 /* struct pl_config holds 64 networks */

/* The configuration in force, with the local networks the direction table holds. */
static struct pl_config *
cfg_current(void)
{
	const struct pl_runtime *rt = __atomic_load_n(&pl_app.rt, __ATOMIC_ACQUIRE);
	struct pl_config *cfg = malloc(sizeof(*cfg));
	const struct pl_cidr *nets;
	unsigned int n;

	if (cfg == NULL) {
		printf("error: out of memory\n");
		return NULL;
	}
	*cfg = rt->cfg;
	nets = pl_direction_nets(pl_app.dir, &n);
	if (n <= MAX_CFG_NETS) {
		memcpy(cfg->nets, nets, n * sizeof(nets[0]));
		cfg->nb_nets = n;
	}
	return cfg;
}

/*
 * Apply a changed configuration. On success, wait (a few ticks at most) until a snapshot
 * taken after the switch is published, so that the next `show` reflects the change.
 */
static void
apply(struct pl_config *cfg, const char *what)
{
	char err[256];
	unsigned int w, running = 0;

	if (pl_config_apply(&pl_app, cfg, err, sizeof(err)) < 0) {
		printf("error: configuration not changed: %s (type 'help config')\n", err);
		free(cfg);
		return;
	}
	free(cfg);
	for (w = 0; w < pl_app.nb_workers; w++)
		running |= !__atomic_load_n(&pl_app.wk[w]->done, __ATOMIC_ACQUIRE);
	if (running)
		pl_cmd_next_snapshot();
	printf("applied: %s\n", what);
}

static void
show_config(void *res, struct cmdline *c, void *data)
{
	struct pl_config *cfg = cfg_current();

	if (cfg == NULL)
		return;
	pl_config_dump(cfg, stdout);
	free(cfg);
}

struct cmd_set_result {
	cmdline_fixed_string_t set, what, op, a1, k2, a2, k3, a3, k4, a4;
};

/* show config KEY: one key, a section ("qos"), or `keys` for all, described by the table */
static void
show_config_key(void *res, struct cmdline *c, void *data)
{
	struct cmd_set_result *r = res;
	struct pl_config *cfg = cfg_current();

	if (cfg == NULL)
		return;
	if (pl_config_describe(cfg, strcmp(r->op, "keys") == 0 ? "" : r->op, stdout) == -ENOENT)
		pl_cmd_error(SEC, "'%s' is no key or section (type 'show config keys')", r->op);
	free(cfg);
}

/* set config KEY VALUE: any key, checked as in a file, applied live */
static void
set_config_key(void *res, struct cmdline *c, void *data)
{
	struct cmd_set_result *r = res;
	struct pl_config *cfg = cfg_current();
	const char *value = r->a1;
	char err[512], what[384];

	if (cfg == NULL)
		return;
	while (*value == ' ' || *value == '\t')
		value++;
	if (pl_config_set(cfg, r->op, value, err, sizeof(err)) < 0) {
		pl_cmd_error(SEC, "%s (type 'show config %s')", err, r->op);
		free(cfg);
		return;
	}
	snprintf(what, sizeof(what), "%s set to %s", r->op, value);
	apply(cfg, what);
}

/* ---- set local-net add|del CIDR ---- */

static void
set_local_net(void *res, struct cmdline *c, void *data)
{
	struct cmd_set_result *r = res;
	struct pl_config *cfg;
	struct pl_cidr net;
	char text[64];
	unsigned int i, found = MAX_CFG_NETS;

	if (pl_cidr_parse(r->a1, &net) < 0) {
		pl_cmd_error(SEC, "'%s' is not a network (such as 10.1.0.0/16 or fd00::/8)",
			     r->a1);
		return;
	}
	cfg = cfg_current();
	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nb_nets; i++)
		if (memcmp(&cfg->nets[i], &net, sizeof(net)) == 0)
			found = i;
	pl_cidr_format(&net, text, sizeof(text));
	if (strcmp(r->op, "add") == 0) {
		if (found != MAX_CFG_NETS) {
			printf("%s is already a local network: nothing to do\n", text);
			free(cfg);
			return;
		}
		if (cfg->nb_nets >= MAX_CFG_NETS) {
			pl_cmd_error(SEC, "at most %d local networks", MAX_CFG_NETS);
			free(cfg);
			return;
		}
		cfg->nets[cfg->nb_nets++] = net;
	} else {
		if (found == MAX_CFG_NETS) {
			pl_cmd_error(SEC, "%s is not a local network (see show config)", text);
			free(cfg);
			return;
		}
		if (cfg->nb_nets == 1) {
			pl_cmd_error(SEC, "%s is the last local network: add another first", text);
			free(cfg);
			return;
		}
		memmove(&cfg->nets[found], &cfg->nets[found + 1],
			(cfg->nb_nets - found - 1) * sizeof(net));
		cfg->nb_nets--;
	}
	snprintf(text + strlen(text), sizeof(text) - strlen(text), " %s",
		 strcmp(r->op, "add") == 0 ? "added to the local networks" :
		 "removed from the local networks");
	apply(cfg, text);
}

/* ---- set allow-port add|del P[-Q] ---- */

static int
port_range(const char *s, unsigned long *a, unsigned long *b)
{
	char buf[32], *dash;

	snprintf(buf, sizeof(buf), "%s", s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (pl_cmd_uint(SEC, "port", buf, 0, 65535, a))
		return -1;
	*b = *a;
	if (dash && pl_cmd_uint(SEC, "port", dash + 1, 0, 65535, b))
		return -1;
	if (*b < *a) {
		pl_cmd_error(SEC, "port range %s: the last port is below the first", s);
		return -1;
	}
	return 0;
}

static void
set_allow_port(void *res, struct cmdline *c, void *data)
{
	struct cmd_set_result *r = res;
	unsigned long a, b, p;
	struct pl_config *cfg;
	char what[384];
	int add = strcmp(r->op, "add") == 0;

	if (port_range(r->a1, &a, &b))
		return;
	cfg = cfg_current();
	if (cfg == NULL)
		return;
	for (p = a; p <= b; p++) {
		if (add)
			cfg->allowed[p >> 3] |= (uint8_t)(1u << (p & 7));
		else
			cfg->allowed[p >> 3] &= (uint8_t)~(1u << (p & 7));
	}
	snprintf(what, sizeof(what), "port%s %s %s the allowed ports", a == b ? "" : "s", r->a1,
		 add ? "added to" : "removed from");
	apply(cfg, what);
}

/* ---- set rate-limit conn|pkt RATE [BURST] ---- */

static int
parse_rate(const char *what, const char *s, double *out)
{
	char *end;
	double v;

	if (strcmp(s, "off") == 0) {
		*out = 0;
		return 0;
	}
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || v != v) {
		pl_cmd_error(SEC, "%s '%s': expected a number (per second) or off", what, s);
		return -1;
	}
	if (v < 0 || v > 1e9) {
		pl_cmd_error(SEC, "%s %s: out of range (0 to 1000000000)", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

static void
rate_common(struct cmd_set_result *r, int with_burst)
{
	int conn = strcmp(r->op, "conn") == 0;
	double rate, burst;
	struct pl_config *cfg;
	char what[384];

	if (parse_rate("rate", r->a1, &rate))
		return;
	if (with_burst) {
		if (parse_rate("burst", r->k2, &burst))
			return;
		if (burst < 1) {
			pl_cmd_error(SEC, "burst %s: out of range (at least 1)", r->k2);
			return;
		}
	} else if (rate == 0) {
		burst = 0; /* off: no bucket, as a configuration without the key */
	} else {
		burst = rate > 1 ? rate : 1; /* one second's worth */
	}
	cfg = cfg_current();
	if (cfg == NULL)
		return;
	if (conn) {
		cfg->conn_rate = rate;
		cfg->conn_burst = burst;
	} else {
		cfg->pkt_rate = rate;
		cfg->pkt_burst = burst;
	}
	if (rate == 0)
		snprintf(what, sizeof(what), "%s rate limit off", conn ? "connection" : "packet");
	else
		snprintf(what, sizeof(what), "%s rate limit %g/s per source, burst %g",
			 conn ? "connection" : "packet", rate, burst);
	apply(cfg, what);
}

static void
set_rate(void *res, struct cmdline *c, void *data)
{
	rate_common(res, 0);
}

static void
set_rate_burst(void *res, struct cmdline *c, void *data)
{
	rate_common(res, 1);
}

/* ---- set class NAME port P[-Q] priority PRIO [encrypted on|off] ---- */

static void
class_common(struct cmd_set_result *r, int with_enc)
{
	unsigned long a, b;
	unsigned int prio, i;
	struct pl_config *cfg;
	struct pl_class_def *cd;
	char what[384];

	if (strlen(r->op) >= PL_CLASS_NAME_LEN) {
		pl_cmd_error(SEC, "class name '%s': at most %d characters", r->op,
			     PL_CLASS_NAME_LEN - 1);
		return;
	}
	if (port_range(r->a1, &a, &b))
		return;
	for (prio = 0; prio < PL_PRIO_MAX; prio++)
		if (strcmp(r->a2, pl_priority_name(prio)) == 0)
			break;
	if (prio == PL_PRIO_MAX) {
		pl_cmd_error(SEC, "priority '%s': expected critical, high, medium or low", r->a2);
		return;
	}
	cfg = cfg_current();
	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nb_classes; i++)
		if (strcmp(cfg->classes[i].name, r->op) == 0)
			break;
	if (i == cfg->nb_classes) {
		if (cfg->nb_classes >= PL_MAX_CLASSES) {
			pl_cmd_error(SEC, "at most %d classes", PL_MAX_CLASSES);
			free(cfg);
			return;
		}
		cd = &cfg->classes[cfg->nb_classes++];
		memset(cd, 0, sizeof(*cd));
		snprintf(cd->name, sizeof(cd->name), "%s", r->op);
		cd->protos = PL_PROTO_TCP;
	} else {
		cd = &cfg->classes[i];
	}
	cd->priority = (uint8_t)prio;
	cd->nb_ranges = 1;
	cd->ranges[0].first = (uint16_t)a;
	cd->ranges[0].last = (uint16_t)b;
	if (with_enc)
		cd->encrypted = strcmp(r->a3, "on") == 0;
	snprintf(what, sizeof(what), "class %s: port %s, priority %s, encryption %s", cd->name,
		 r->a1, r->a2, cd->encrypted ? "required" : "not required");
	apply(cfg, what);
}

static void
set_class(void *res, struct cmdline *c, void *data)
{
	class_common(res, 0);
}

static void
set_class_enc(void *res, struct cmdline *c, void *data)
{
	class_common(res, 1);
}

/* load config FILE: a whole file, applied live, or nothing changes */
static void
load_config(void *res, struct cmdline *c, void *data)
{
	struct cmd_set_result *r = res;
	struct pl_config *cfg = malloc(sizeof(*cfg));
	char err[512], what[384];

	(void)c;
	(void)data;
	if (cfg == NULL) {
		printf("error: out of memory\n");
		return;
	}
	if (pl_config_load(r->a1, cfg, err, sizeof(err)) < 0) {
		printf("error: %s: the configuration in force stays (type 'help config')\n", err);
		free(cfg);
		return;
	}
	snprintf(what, sizeof(what), "configuration loaded from %s", r->a1);
	apply(cfg, what);
}

/* ---- tokens ---- */

#define T(st, v, s) static cmdline_parse_token_string_t st = \
	TOKEN_STRING_INITIALIZER(struct cmd_set_result, v, s)
T(t_show, set, "show");
T(t_load, set, "load");
T(t_config, what, "config");
T(t_set, set, "set");
T(t_localnet, what, "local-net");
T(t_allowport, what, "allow-port");
T(t_addel, op, "add#del");
T(t_a1, a1, NULL);
T(t_ratelimit, what, "rate-limit");
T(t_connpkt, op, "conn#pkt");
T(t_burst, k2, NULL);
T(t_class, what, "class");
T(t_name, op, NULL);
T(t_port, k2, "port");
T(t_priority, k3, "priority");
T(t_prio, a2, "critical#high#medium#low");
T(t_enc, k4, "encrypted");
T(t_onoff, a3, "on#off");
T(t_rest, a1, TOKEN_STRING_MULTI);

#define INST(name, fn, h, ...) \
	static cmdline_parse_inst_t name = { .f = fn, .help_str = h, \
		.tokens = { __VA_ARGS__, NULL } }
INST(i_show, show_config, "show config", (void *)&t_show, (void *)&t_config);
INST(i_show_key, show_config_key, "show config KEY|keys", (void *)&t_show, (void *)&t_config,
     (void *)&t_name);
INST(i_set_key, set_config_key, "set config KEY VALUE", (void *)&t_set, (void *)&t_config,
     (void *)&t_name, (void *)&t_rest);
INST(i_load, load_config, "load config FILE", (void *)&t_load, (void *)&t_config,
     (void *)&t_a1);
INST(i_net, set_local_net, "set local-net add|del CIDR", (void *)&t_set,
     (void *)&t_localnet, (void *)&t_addel, (void *)&t_a1);
INST(i_allow, set_allow_port, "set allow-port add|del P[-Q]", (void *)&t_set,
     (void *)&t_allowport, (void *)&t_addel, (void *)&t_a1);
INST(i_rate, set_rate, "set rate-limit conn|pkt RATE|off", (void *)&t_set,
     (void *)&t_ratelimit, (void *)&t_connpkt, (void *)&t_a1);
INST(i_rate_b, set_rate_burst, "set rate-limit conn|pkt RATE BURST", (void *)&t_set,
     (void *)&t_ratelimit, (void *)&t_connpkt, (void *)&t_a1, (void *)&t_burst);
INST(i_class, set_class, "set class NAME port P[-Q] priority PRIO", (void *)&t_set,
     (void *)&t_class, (void *)&t_name, (void *)&t_port, (void *)&t_a1, (void *)&t_priority,
     (void *)&t_prio);
INST(i_class_e, set_class_enc, "set class NAME port P[-Q] priority PRIO encrypted on|off",
     (void *)&t_set, (void *)&t_class, (void *)&t_name, (void *)&t_port, (void *)&t_a1,
     (void *)&t_priority, (void *)&t_prio, (void *)&t_enc, (void *)&t_onoff);

static cmdline_parse_inst_t *const insts[] = {
	&i_show, &i_show_key, &i_set_key, &i_load, &i_net, &i_allow, &i_rate, &i_rate_b, &i_class, &i_class_e, NULL,
};

static const struct pl_cmd_help help[] = {
	{ "show config", "the configuration in force, as YAML" },
	{ "show config keys", "every key: value, help, type, range and default" },
	{ "show config KEY", "one key or section (flows, qos.shares ...) described" },
	{ "set config KEY VALUE", "change any key live, checked as in a file (set config "
	  "flows.tcp_idle 600, set config allowed_ports [22, 443])" },
	{ "load config FILE", "apply a configuration file live; a bad file changes nothing" },
	{ "set local-net add|del CIDR", "add or remove a local network (directions)" },
	{ "set allow-port add|del P[-Q]", "allow or disallow a port or range" },
	{ "set rate-limit conn|pkt RATE|off [BURST]",
	  "per-source new connections or packets per second" },
	{ "set class NAME port P[-Q] priority critical|high|medium|low [encrypted on|off]",
	  "add a TCP class or change one (its ports, priority, encryption)" },
	{ NULL, NULL },
};

const struct pl_cmd_section pl_cmd_config = {
	.name = "config",
	.summary = "the configuration, changed live (no packet lost)",
	.insts = insts,
	.help = help,
};
