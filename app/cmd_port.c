/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console section "port": NIC ports. `show port stats` comes from the snapshot's ports_hw
 * view (rte_eth_stats at the last tick); xstats and info have no place in a snapshot and
 * are read from ethdev when asked (control plane calls, safe while the ports run).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmdline_parse_string.h>
#include <rte_ethdev.h>

#include "pl_console.h"

#define SEC "port"

struct cmd_port_result {
	cmdline_fixed_string_t verb, port, what, which;
};

/* "all" or a port id in use: fills first/last. */
static int
which_ports(const char *w, uint16_t *first, uint16_t *last)
{
	unsigned long id;

	if (pl_app.nb_ports == 0) {
		printf("no ports\n");
		return -1;
	}
	if (strcmp(w, "all") == 0) {
		*first = 0;
		*last = (uint16_t)(pl_app.nb_ports - 1);
		return 0;
	}
	if (pl_cmd_uint(SEC, "port", w, 0, pl_app.nb_ports - 1u, &id))
		return -1;
	*first = *last = (uint16_t)id;
	return 0;
}

static void
port_stats(uint16_t first, uint16_t last)
{
	struct pl_snapshot *s = pl_cmd_snapshot();
	json_t *a, *e;
	size_t i;

	if (s == NULL)
		return;
	a = pl_view(s, "ports_hw");
	json_array_foreach(a, i, e) {
		uint64_t id = (uint64_t)json_integer_value(json_object_get(e, "port"));

		if (id < first || id > last)
			continue;
		printf("port %" PRIu64 " (%s), snapshot %" PRIu64 "\n", id,
		       json_string_value(json_object_get(e, "name")), s->seq);
#define F(k) (uint64_t)json_integer_value(json_object_get(e, k))
		printf("  RX packets %14" PRIu64 "  bytes %16" PRIu64 "  missed %10" PRIu64
		       "  errors %8" PRIu64 "  no mbuf %8" PRIu64 "\n", F("ipackets"), F("ibytes"),
		       F("imissed"), F("ierrors"), F("rx_nombuf"));
		printf("  TX packets %14" PRIu64 "  bytes %16" PRIu64 "  errors %10" PRIu64 "\n",
		       F("opackets"), F("obytes"), F("oerrors"));
#undef F
	}
	json_decref(a);
	pl_snapshot_put(s);
}

static void
port_xstats(uint16_t p)
{
	int n = rte_eth_xstats_get(p, NULL, 0), i;
	struct rte_eth_xstat *x;
	struct rte_eth_xstat_name *names;

	printf("port %u xstats (now)\n", p);
	if (n <= 0) {
		printf("  none\n");
		return;
	}
	x = calloc(n, sizeof(*x));
	names = calloc(n, sizeof(*names));
	if (x && names && rte_eth_xstats_get(p, x, n) == n &&
	    rte_eth_xstats_get_names(p, names, n) == n)
		for (i = 0; i < n; i++)
			printf("  %-40s %16" PRIu64 "\n", names[i].name, x[i].value);
	free(x);
	free(names);
}

static void
port_info(uint16_t p)
{
	const struct pl_port *pp = &pl_app.port[p];
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	struct rte_ether_addr mac;
	char macs[RTE_ETHER_ADDR_FMT_SIZE] = "?";

	if (rte_eth_dev_info_get(p, &info) != 0) {
		printf("port %u: no device information\n", p);
		return;
	}
	if (rte_eth_macaddr_get(p, &mac) == 0)
		rte_ether_format_addr(macs, sizeof(macs), &mac);
	rte_eth_link_get_nowait(p, &link);
	printf("port %u: %s, driver %s, socket %d\n", p, pp->name, info.driver_name, pp->socket);
	printf("  MAC %s  link %s %u Mbit/s\n", macs, link.link_status ? "up" : "down",
	       link.link_speed);
	printf("  RX queues %u  TX queues %u  (device max %u/%u)\n", pp->nb_rxq, pp->nb_txq,
	       info.max_rx_queues, info.max_tx_queues);
	printf("  profile %s  RSS %s%s  NIC hash used %s  capture time %s\n",
	       pp->prof.path[0] ? pp->prof.path : "-", pp->prof.rss ? "on" : "off",
	       pp->prof.symmetric ? " (symmetric)" : "", pp->use_nic_hash ? "yes" : "no",
	       pp->hw_time ? "yes" : "no");
}

static void
show_port(void *res, struct cmdline *c, void *data)
{
	struct cmd_port_result *r = res;
	uint16_t first, last, p;

	if (which_ports(r->which, &first, &last))
		return;
	if (strcmp(r->what, "stats") == 0) {
		port_stats(first, last);
		return;
	}
	for (p = first; p <= last; p++) {
		if (strcmp(r->what, "xstats") == 0)
			port_xstats(p);
		else
			port_info(p);
	}
}

static void
clear_port(void *res, struct cmdline *c, void *data)
{
	struct cmd_port_result *r = res;
	uint16_t first, last, p;

	if (which_ports(r->which, &first, &last))
		return;
	for (p = first; p <= last; p++) {
		rte_eth_stats_reset(p);
		rte_eth_xstats_reset(p);
	}
	printf("port statistics cleared (NIC counters; the analysis counters are not "
	       "touched); the next snapshot shows them\n");
}

#define T(st, v, s) static cmdline_parse_token_string_t st = \
	TOKEN_STRING_INITIALIZER(struct cmd_port_result, v, s)
T(t_show, verb, "show");
T(t_clear, verb, "clear");
T(t_port, port, "port");
T(t_what, what, "stats#xstats#info");
T(t_stats, what, "stats");
T(t_which, which, NULL);

static cmdline_parse_inst_t i_show = {
	.f = show_port,
	.help_str = "show port stats|xstats|info all|ID",
	.tokens = { (void *)&t_show, (void *)&t_port, (void *)&t_what, (void *)&t_which, NULL },
};
static cmdline_parse_inst_t i_clear = {
	.f = clear_port,
	.help_str = "clear port stats all|ID",
	.tokens = { (void *)&t_clear, (void *)&t_port, (void *)&t_stats, (void *)&t_which,
		    NULL },
};

static cmdline_parse_inst_t *const insts[] = { &i_show, &i_clear, NULL };

static const struct pl_cmd_help help[] = {
	{ "show port stats all|ID", "NIC counters of the last snapshot (rte_eth_stats)" },
	{ "show port xstats all|ID", "extended NIC counters, now" },
	{ "show port info all|ID", "driver, MAC, link, queues, profile" },
	{ "clear port stats all|ID", "reset the NIC counters (analysis counters stay)" },
	{ NULL, NULL },
};

const struct pl_cmd_section pl_cmd_port = {
	.name = "port",
	.summary = "NIC ports",
	.insts = insts,
	.help = help,
};
