/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console section "port": NIC ports, in testpmd's words. `show port stats` comes from the
 * snapshot's NIC counters (rte_eth_stats at the last tick) with testpmd's throughput lines:
 * Rx/Tx pps and bps since the last `show port stats` and since start (or since the last
 * `clear port stats`), timed by the snapshots' own clock. Summary, info, queue information
 * and xstats have no place in a snapshot and are read from ethdev when asked (control-plane
 * calls, safe while the ports run). `port stop|start` and `set promisc` act on the port.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmdline_parse_num.h>
#include <cmdline_parse_string.h>
#include <rte_ethdev.h>
#include <rte_rcu_qsbr.h>
#include <unistd.h>

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

/* What the last `show port stats` saw of each port, for "since last show". */
struct seen {
	int valid;
	uint64_t ns, ipackets, ibytes, opackets, obytes;
};
static struct seen last_seen[RTE_MAX_ETHPORTS];
/* When each port's NIC counters last started from zero: start, or `clear port stats`. */
static uint64_t zero_ns[RTE_MAX_ETHPORTS];

static void
throughput(const char *title, const struct pl_port_hw *h, const struct seen *from, uint64_t ns)
{
	double dt = ns > from->ns ? (ns - from->ns) / 1e9 : 0;

#define RATE(now, then, mul) (dt > 0 && (now) >= (then) ? ((now) - (then)) * (mul) / dt : 0.0)
	printf("\n  Throughput (%s)\n", title);
	printf("  Rx-pps: %12.0f          Rx-bps: %12.0f\n", RATE(h->ipackets, from->ipackets, 1.0),
	       RATE(h->ibytes, from->ibytes, 8.0));
	printf("  Tx-pps: %12.0f          Tx-bps: %12.0f\n", RATE(h->opackets, from->opackets, 1.0),
	       RATE(h->obytes, from->obytes, 8.0));
#undef RATE
}

static void
port_stats(uint16_t first, uint16_t last)
{
	struct pl_snapshot *s = pl_cmd_snapshot();
	uint32_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nb_hw; i++) {
		const struct pl_port_hw *h = &s->hw[i];
		struct seen *ls = &last_seen[h->port];
		struct seen start = { 1, zero_ns[h->port] ? zero_ns[h->port] : pl_app.wall_base_ns,
				      0, 0, 0, 0 };

		if (h->port < first || h->port > last)
			continue;
		printf("\n  ######################## NIC statistics for port %-2u "
		       "########################\n", h->port);
		printf("  RX-packets: %-14" PRIu64 " RX-missed: %-14" PRIu64 " RX-bytes:  %" PRIu64
		       "\n", h->ipackets, h->imissed, h->ibytes);
		printf("  RX-errors: %" PRIu64 "\n", h->ierrors);
		printf("  RX-nombuf:  %-14" PRIu64 "\n", h->rx_nombuf);
		printf("  TX-packets: %-14" PRIu64 " TX-errors: %-14" PRIu64 " TX-bytes:  %" PRIu64
		       "\n", h->opackets, h->oerrors, h->obytes);
		/* the first call, or counters that went back (cleared): since start */
		if (!ls->valid || h->ipackets < ls->ipackets || h->opackets < ls->opackets)
			*ls = start;
		throughput("since last show", h, ls, s->wall_ns);
		throughput(zero_ns[h->port] ? "since clear port stats" : "since start", h, &start,
			   s->wall_ns);
		printf("  ######################## %s, snapshot %-6" PRIu64
		       " ########################\n", h->name, s->seq);
		if (s->wall_ns > ls->ns)
			*ls = (struct seen){ 1, s->wall_ns, h->ipackets, h->ibytes, h->opackets,
					     h->obytes };
	}
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

static const char *
link_speed(const struct rte_eth_link *l, char *buf, size_t len)
{
	if (l->link_speed == RTE_ETH_SPEED_NUM_NONE || l->link_speed == RTE_ETH_SPEED_NUM_UNKNOWN)
		snprintf(buf, len, "Unknown");
	else if (l->link_speed >= 1000)
		snprintf(buf, len, "%u Gbps", l->link_speed / 1000);
	else
		snprintf(buf, len, "%u Mbps", l->link_speed);
	return buf;
}

static const char *
port_mac(uint16_t p, char *buf, size_t len)
{
	struct rte_ether_addr mac;

	snprintf(buf, len, "?");
	if (rte_eth_macaddr_get(p, &mac) == 0)
		rte_ether_format_addr(buf, (uint16_t)len, &mac);
	return buf;
}

static void
port_info(uint16_t p)
{
	const struct pl_port *pp = &pl_app.port[p];
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	char mac[RTE_ETHER_ADDR_FMT_SIZE], speed[32];
	uint16_t mtu = 0;

	if (rte_eth_dev_info_get(p, &info) != 0) {
		printf("port %u: no device information\n", p);
		return;
	}
	rte_eth_link_get_nowait(p, &link);
	rte_eth_dev_get_mtu(p, &mtu);
	printf("\n********************* Infos for port %-2u *********************\n", p);
	printf("MAC address: %s\n", port_mac(p, mac, sizeof(mac)));
	printf("Device name: %s\n", pp->name);
	printf("Driver name: %s\n", info.driver_name);
	printf("Connect to socket: %d\n", pp->socket);
	printf("Port state: %s\n", __atomic_load_n(&pp->stopped, __ATOMIC_ACQUIRE) ?
	       "stopped (port start resumes)" : "started");
	printf("Link status: %s\n", link.link_status ? "up" : "down");
	printf("Link speed: %s\n", link_speed(&link, speed, sizeof(speed)));
	printf("Link duplex: %s\n", link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX ?
	       "full-duplex" : "half-duplex");
	printf("MTU: %u\n", mtu);
	printf("Promiscuous mode: %s\n", rte_eth_promiscuous_get(p) == 1 ? "enabled" :
	       "disabled");
	printf("Allmulticast mode: %s\n", rte_eth_allmulticast_get(p) == 1 ? "enabled" :
	       "disabled");
	printf("Current number of RX queues: %u\n", pp->nb_rxq);
	printf("Max possible RX queues: %u\n", info.max_rx_queues);
	printf("Max possible number of RXDs per queue: %u\n", info.rx_desc_lim.nb_max);
	printf("Current number of TX queues: %u\n", pp->nb_txq);
	printf("Max possible TX queues: %u\n", info.max_tx_queues);
	printf("Max possible number of TXDs per queue: %u\n", info.tx_desc_lim.nb_max);
	printf("Profile: %s\n", pp->prof.path[0] ? pp->prof.path : "built-in");
	printf("RSS: %s%s; NIC hash used to pick workers: %s\n", pp->prof.rss ? "on" : "off",
	       pp->prof.symmetric ? " (symmetric)" : "", pp->use_nic_hash ? "yes" : "no");
	printf("Capture timestamps from the port: %s\n", pp->hw_time ? "yes" : "no");
}

static void
port_summary(uint16_t first, uint16_t last)
{
	uint16_t p;

	printf("Number of available ports: %u\n", pl_app.nb_ports);
	printf("%-4s %-17s %-14s %-14s %-8s %-8s %s\n", "Port", "MAC Address", "Name", "Driver",
	       "State", "Status", "Link");
	for (p = first; p <= last; p++) {
		struct rte_eth_dev_info info;
		struct rte_eth_link link;
		char mac[RTE_ETHER_ADDR_FMT_SIZE], speed[32];

		if (rte_eth_dev_info_get(p, &info) != 0)
			continue;
		rte_eth_link_get_nowait(p, &link);
		printf("%-4u %-17s %-14s %-14s %-8s %-8s %s\n", p, port_mac(p, mac, sizeof(mac)),
		       pl_app.port[p].name, info.driver_name,
		       __atomic_load_n(&pl_app.port[p].stopped, __ATOMIC_ACQUIRE) ? "stopped" :
		       "started", link.link_status ? "up" : "down",
		       link_speed(&link, speed, sizeof(speed)));
	}
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
	if (strcmp(r->what, "summary") == 0) {
		port_summary(first, last);
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
	uint64_t seq;

	if (pl_app.offline) {
		/* the capture stands for port 0 (ports_hw); there is no NIC counter to reset */
		if (strcmp(r->which, "all") != 0 && strcmp(r->which, "0") != 0) {
			printf("error: clear port stats %s: offline, the capture is port 0\n",
			       r->which);
			return;
		}
		first = last = 0;
	} else if (which_ports(r->which, &first, &last)) {
		return;
	}
	for (p = first; p <= last; p++) {
		if (!pl_app.offline) {
			rte_eth_stats_reset(p);
			rte_eth_xstats_reset(p);
		}
		zero_ns[p] = pl_clock_ns(CLOCK_REALTIME);
		last_seen[p].valid = 0;
	}
	/* say which snapshot shows it, or that none will (the packet path has ended) */
	seq = pl_cmd_next_snapshot();
	if (seq)
		printf("port statistics cleared (NIC counters; the analysis counters are not "
		       "touched): snapshot %" PRIu64 " shows them\n", seq);
	else
		printf("port statistics cleared (NIC counters; the analysis counters are not "
		       "touched); no snapshot will show it: the packet path has ended and the "
		       "final snapshot keeps its counts\n");
}

/* ---- show port N rxq M (testpmd: show rxq info N M) ---- */

struct cmd_rxq_result {
	cmdline_fixed_string_t w1, w2, w3;
	uint16_t port, queue;
};

static void
rxq_info(uint16_t p, uint16_t q)
{
	struct rte_eth_rxq_info qi;
	struct rte_eth_burst_mode bm;
	struct rte_eth_stats st;
	unsigned int i, k;
	int rc;

	if (p >= pl_app.nb_ports) {
		pl_cmd_error(SEC, "port %u: out of range (0 to %d)", p, pl_app.nb_ports - 1);
		return;
	}
	if (q >= pl_app.port[p].nb_rxq) {
		pl_cmd_error(SEC, "port %u has %u RX queue(s): no queue %u", p,
			     pl_app.port[p].nb_rxq, q);
		return;
	}
	printf("\n********************* Infos for port %-2u, RX queue %-2u "
	       "*********************\n", p, q);
	rc = rte_eth_rx_queue_info_get(p, q, &qi);
	if (rc == 0) {
		printf("Mempool: %s\n", qi.mp ? qi.mp->name : "(none)");
		printf("RX prefetch threshold: %u\n", qi.conf.rx_thresh.pthresh);
		printf("RX host threshold: %u\n", qi.conf.rx_thresh.hthresh);
		printf("RX writeback threshold: %u\n", qi.conf.rx_thresh.wthresh);
		printf("RX free threshold: %u\n", qi.conf.rx_free_thresh);
		printf("RX drop packets: %s\n", qi.conf.rx_drop_en ? "on" : "off");
		printf("RX deferred start: %s\n", qi.conf.rx_deferred_start ? "on" : "off");
		printf("RX scattered packets: %s\n", qi.scattered_rx ? "on" : "off");
		printf("Number of RXDs: %u\n", qi.nb_desc);
	} else {
		printf("Queue configuration: not reported by the driver (%s)\n",
		       rte_strerror(-rc));
	}
	if (rte_eth_rx_burst_mode_get(p, q, &bm) == 0)
		printf("Burst mode: %s\n", bm.info);
	/* which RX lcore polls it: portlens's own part */
	for (i = 0; i < pl_app.nb_rx; i++)
		for (k = 0; k < pl_app.rx[i]->nb_q; k++)
			if (pl_app.rx[i]->q[k].port == p && pl_app.rx[i]->q[k].queue == q)
				printf("Polled by: RX lcore %u (rx %u)\n", pl_app.rx[i]->lcore, i);
	if (rte_eth_stats_get(p, &st) == 0 && q < RTE_ETHDEV_QUEUE_STAT_CNTRS)
		printf("RX-packets: %" PRIu64 "  RX-bytes: %" PRIu64 "  RX-errors: %" PRIu64
		       " (queue counters, now; 0 where the driver keeps none)\n",
		       st.q_ipackets[q], st.q_ibytes[q], st.q_errors[q]);
}

static void
show_rxq(void *res, struct cmdline *c, void *data)
{
	struct cmd_rxq_result *r = res;

	rxq_info(r->port, r->queue);
}

/* ---- port stop|start, set promisc ---- */

/*
 * Whether every RX lcore has passed a quiescent state since now (so none is inside a burst
 * on a port it has just been told to skip). RX lcores report one per loop iteration.
 */
static int
rx_lcores_moved_on(void)
{
	uint64_t token = rte_rcu_qsbr_start(pl_app.rcu);
	unsigned int waited;

	for (waited = 0; waited < 2000; waited++) {
		if (rte_rcu_qsbr_check(pl_app.rcu, token, false) == 1)
			return 1;
		usleep(1000);
	}
	return 0;
}

/* Can this port be stopped or started? Prints why not. */
static int
port_op_allowed(uint16_t p, const char *verb)
{
	unsigned int q;

	if (pl_app.offline) {
		pl_cmd_error(SEC, "port %s %u: offline, the port is the capture being read; "
			     "'stop' and 'start' pause and resume the analysis", verb, p);
		return 0;
	}
	for (q = 0; q < pl_app.nb_ports; q++)
		if (pl_app.opt.inline_mode && pl_app.opt.peer[q] == (int)p && q != p) {
			pl_cmd_error(SEC, "port %s %u: port %u sends to it (inline): stop or start "
				     "port %u, which stops its input", verb, p, q, q);
			return 0;
		}
	return 1;
}

struct cmd_portop_result {
	cmdline_fixed_string_t port, verb, which;
};

/*
 * port stop N: RX lcores skip the port from their next loop iteration; once each has moved
 * on, the port is stopped (rte_eth_dev_stop). Frames already received are analysed and
 * disposed of as usual, so the balance closes across it. port start N undoes it.
 */
static void
port_op(void *res, struct cmdline *c, void *data)
{
	struct cmd_portop_result *r = res;
	int stop = strcmp(r->verb, "stop") == 0;
	uint16_t first, last, p;

	if (which_ports(r->which, &first, &last))
		return;
	for (p = first; p <= last; p++) {
		struct pl_port *pp = &pl_app.port[p];
		int rc;

		if (!port_op_allowed(p, r->verb))
			continue;
		if (stop == __atomic_load_n(&pp->stopped, __ATOMIC_ACQUIRE)) {
			printf("Port %u is already %s\n", p, stop ? "stopped" : "started");
			continue;
		}
		if (stop) {
			__atomic_store_n(&pp->stopped, 1, __ATOMIC_RELEASE);
			if (!rx_lcores_moved_on()) {
				__atomic_store_n(&pp->stopped, 0, __ATOMIC_RELEASE);
				printf("error: port %u not stopped: an RX lcore did not answer in 2 s "
				       "(stalled?); try again (type 'help port')\n", p);
				continue;
			}
			rc = rte_eth_dev_stop(p);
		} else {
			rc = rte_eth_dev_start(p);
			if (rc == 0 && pp->prof.promisc)
				rte_eth_promiscuous_enable(p);
			if (rc == 0)
				__atomic_store_n(&pp->stopped, 0, __ATOMIC_RELEASE);
		}
		if (rc < 0)
			printf("error: port %s %u: %s (type 'help port')\n", r->verb, p,
			       rte_strerror(-rc));
		else
			printf("Port %u is %s\n", p, stop ? "stopped: no frame is received from it; "
			       "those received before are analysed" : "started");
	}
}

struct cmd_promisc_result {
	cmdline_fixed_string_t set, promisc, which, onoff;
};

static void
set_promisc(void *res, struct cmdline *c, void *data)
{
	struct cmd_promisc_result *r = res;
	int on = strcmp(r->onoff, "on") == 0;
	uint16_t first, last, p;

	if (which_ports(r->which, &first, &last))
		return;
	for (p = first; p <= last; p++) {
		int rc = on ? rte_eth_promiscuous_enable(p) : rte_eth_promiscuous_disable(p);

		if (rc < 0)
			printf("error: set promisc %u %s: %s (type 'help port')\n", p, r->onoff,
			       rte_strerror(-rc));
		else
			printf("Promiscuous mode of port %u: %s\n", p,
			       rte_eth_promiscuous_get(p) == 1 ? "enabled" : "disabled");
	}
}

#define T(st, v, s) static cmdline_parse_token_string_t st = \
	TOKEN_STRING_INITIALIZER(struct cmd_port_result, v, s)
T(t_show, verb, "show");
T(t_clear, verb, "clear");
T(t_port, port, "port");
T(t_what, what, "stats#xstats#info#summary");
T(t_stats, what, "stats");
T(t_which, which, NULL);
#undef T

#define T(st, S, v, s) static cmdline_parse_token_string_t st = TOKEN_STRING_INITIALIZER(S, v, s)
#define N(st, S, v) static cmdline_parse_token_num_t st = TOKEN_NUM_INITIALIZER(S, v, RTE_UINT16)
T(tq_show, struct cmd_rxq_result, w1, "show");
T(tq_port, struct cmd_rxq_result, w2, "port");
T(tq_rxq, struct cmd_rxq_result, w3, "rxq");
T(tq_rxq1, struct cmd_rxq_result, w2, "rxq");
T(tq_info, struct cmd_rxq_result, w3, "info");
N(tq_p, struct cmd_rxq_result, port);
N(tq_q, struct cmd_rxq_result, queue);
T(to_port, struct cmd_portop_result, port, "port");
T(to_verb, struct cmd_portop_result, verb, "stop#start");
T(to_which, struct cmd_portop_result, which, NULL);
T(tm_set, struct cmd_promisc_result, set, "set");
T(tm_promisc, struct cmd_promisc_result, promisc, "promisc");
T(tm_which, struct cmd_promisc_result, which, NULL);
T(tm_onoff, struct cmd_promisc_result, onoff, "on#off");

#define INST(name, fn, help, ...) \
	static cmdline_parse_inst_t name = { .f = fn, .help_str = help, \
		.tokens = { __VA_ARGS__, NULL } }
INST(i_show, show_port, "show port stats|xstats|info|summary all|ID", (void *)&t_show,
     (void *)&t_port, (void *)&t_what, (void *)&t_which);
INST(i_clear, clear_port, "clear port stats all|ID", (void *)&t_clear, (void *)&t_port,
     (void *)&t_stats, (void *)&t_which);
INST(i_rxq, show_rxq, "show port ID rxq Q", (void *)&tq_show, (void *)&tq_port, (void *)&tq_p,
     (void *)&tq_rxq, (void *)&tq_q);
INST(i_rxq_info, show_rxq, "show rxq info ID Q", (void *)&tq_show, (void *)&tq_rxq1,
     (void *)&tq_info, (void *)&tq_p, (void *)&tq_q);
INST(i_portop, port_op, "port stop|start all|ID", (void *)&to_port, (void *)&to_verb,
     (void *)&to_which);
INST(i_promisc, set_promisc, "set promisc all|ID on|off", (void *)&tm_set,
     (void *)&tm_promisc, (void *)&tm_which, (void *)&tm_onoff);

static cmdline_parse_inst_t *const insts[] = {
	&i_show, &i_clear, &i_rxq, &i_rxq_info, &i_portop, &i_promisc, NULL,
};

static const struct pl_cmd_help help[] = {
	{ "show port stats all|ID",
	  "NIC counters of the last snapshot, Rx/Tx pps and bps since the last show and start" },
	{ "show port xstats all|ID", "extended NIC counters, now" },
	{ "show port info all|ID", "driver, MAC, link, MTU, promiscuous, queues, profile" },
	{ "show port summary all|ID", "one line a port: MAC, name, driver, state, link" },
	{ "show port ID rxq Q", "RX queue Q of a port: configuration, polling lcore, counters" },
	{ "show rxq info ID Q", "the same, in testpmd's words" },
	{ "clear port stats all|ID", "reset the NIC counters (analysis counters stay)" },
	{ "port stop|start all|ID", "stop receiving from a port, or start again (live)" },
	{ "set promisc all|ID on|off", "promiscuous mode of a port" },
	{ NULL, NULL },
};

const struct pl_cmd_section pl_cmd_port = {
	.name = "port",
	.summary = "NIC ports",
	.insts = insts,
	.help = help,
};
