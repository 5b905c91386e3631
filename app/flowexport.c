/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow export (--ipfix HOST:PORT). Workers leave the flows that end (and active-timeout
 * snapshots of long flows) in their counter banks; the stats role hands them here at each
 * tick, and they leave as IPFIX records over UDP, paced (--ipfix-rate): the stats loop polls
 * the exporter between ticks. At the end of the traffic, once the workers have stopped, the
 * banks are drained first (so a flow's last active-timeout record comes before its end),
 * then every flow still in a table is exported with the reason lib/flow gives (end seen,
 * idle, or forced end), and the queue is sent out at the paced rate before the program
 * goes on. Control plane only: nothing here runs on a packet-path lcore.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <netinet/in.h>

#include "pl_app.h"
#include "pl_ipfix.h"

/* TCP flags a flow's state implies (the table keeps states, not every flag seen). */
static uint8_t
tcp_flags_of(const struct pl_flow *f)
{
	uint8_t fl = 0;

	if (f->proto != IPPROTO_TCP)
		return 0;
	if (f->fin_seen & (PL_FLOW_SEEN_SYN(0) | PL_FLOW_SEEN_SYN(1)))
		fl |= 0x02;
	if (f->fin_seen & (PL_FLOW_SEEN_FIN(0) | PL_FLOW_SEEN_FIN(1)))
		fl |= 0x01;
	if (f->tcp_state >= PL_TCPS_SYN_RECV)
		fl |= 0x10;
	if (f->fin_seen & PL_FLOW_SEEN_RST)
		fl |= 0x04;
	return fl;
}

/* One exported flow as an IPFIX record, from the initiator's side. */
static void
to_record(const struct pl_runtime *rt, const struct pl_flow_rec *fr, struct pl_ipfix_record *r)
{
	const struct pl_tuple *k = &fr->key;
	const struct pl_flow *f = &fr->f;
	int alen = k->family == 6 ? 16 : 4, lo_first = k->lo_is_src;
	unsigned int i;
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	r->family = k->family;
	r->proto = k->proto ? k->proto : f->proto;
	memcpy(r->src, lo_first ? k->addr_lo : k->addr_hi, alen);
	memcpy(r->dst, lo_first ? k->addr_hi : k->addr_lo, alen);
	r->sport = lo_first ? k->port_lo : k->port_hi;
	r->dport = lo_first ? k->port_hi : k->port_lo;
	r->first_ns = f->first_ns;
	r->last_ns = f->last_ns;
	r->packets[0] = f->packets[0];
	r->packets[1] = f->packets[1];
	r->bytes[0] = f->bytes[0];
	r->bytes[1] = f->bytes[1];
	r->tcp_flags = tcp_flags_of(f);
	r->reason = fr->reason;
	r->verdict = f->verdict;
	if (f->cls != PL_CLASS_NONE && f->cls < rt->cfg.nb_classes)
		snprintf(r->cls, sizeof(r->cls), "%s", rt->cfg.classes[f->cls].name);
	for (i = 0; i < PL_APP_MAX; i++)
		if (f->app_protos & (1u << i)) {
			int w = snprintf(r->apps + n, sizeof(r->apps) - n, "%s%s", n ? "," : "",
					 pl_app_name(i));

			if (w < 0 || (size_t)w >= sizeof(r->apps) - n)
				break;
			n += (size_t)w;
		}
}

static uint64_t
now_ns(void)
{
	return pl_clock_ns(CLOCK_REALTIME);
}

static void
add(struct pl_app *app, const struct pl_flow_rec *fr)
{
	const struct pl_runtime *rt = __atomic_load_n(&app->rt, __ATOMIC_ACQUIRE);
	struct pl_ipfix_record r;

	to_record(rt, fr, &r);
	pl_ipfix_add(app->ipfix, &r, now_ns());
}

/* The collector's sink: called by the stats role with the records of a drained bank. */
void
pl_flowexp_sink(void *ctx, const struct pl_flow_rec *recs, uint32_t n)
{
	struct pl_app *app = ctx;
	uint32_t i;

	for (i = 0; i < n; i++)
		add(app, &recs[i]);
	pl_ipfix_flush(app->ipfix, now_ns());
}

void
pl_flowexp_poll(struct pl_app *app)
{
	if (app->ipfix)
		pl_ipfix_poll(app->ipfix, now_ns());
}

/* Wait (control plane, the traffic is over) until at most @p left messages are queued. */
static void
drain_to(struct pl_app *app, uint32_t left)
{
	while (pl_ipfix_poll(app->ipfix, now_ns()) > left) {
		uint64_t w = pl_ipfix_wait_ns(app->ipfix, now_ns());
		struct timespec ts = { 0, (long)RTE_MIN(RTE_MAX(w, 100000ull), 10000000ull) };

		nanosleep(&ts, NULL);
	}
}

/* Messages queued at most while the end-of-traffic walk goes on. */
#define FINAL_QUEUE 256

struct final_ctx {
	struct pl_app *app;
	const struct pl_flow_table *t;
	uint64_t end_ns;
};

static int
final_one(const struct pl_tuple *key, const struct pl_flow *f, void *arg)
{
	struct final_ctx *fc = arg;
	struct pl_flow_rec fr;

	fr.key = *key; /* pl_flow_walk gives the initiator's side as lo_is_src */
	fr.f = *f;
	fr.reason = pl_flow_end_reason(fc->t, f, fc->end_ns);
	add(fc->app, &fr);
	fc->app->col.flow_exported++;
	drain_to(fc->app, FINAL_QUEUE);
	return 0;
}

/* End of the traffic: export every flow still tracked, paced. The workers have stopped. */
void
pl_flowexp_final(struct pl_app *app)
{
	struct final_ctx fc = { .app = app };
	unsigned int w;

	if (app->ipfix == NULL)
		return;
	/* records still in the banks first: a flow's active-timeout record before its end */
	pl_collector_final(&app->col);
	for (w = 0; w < app->nb_workers; w++)
		fc.end_ns = RTE_MAX(fc.end_ns, app->wk[w]->now_ns);
	for (w = 0; w < app->nb_workers; w++) {
		fc.t = app->wk[w]->flows;
		pl_flow_walk(app->wk[w]->flows, final_one, &fc);
	}
	pl_ipfix_flush(app->ipfix, now_ns());
	drain_to(app, 0);
}

/* An IPFIX setting: the command-line option when given, else the configuration's key. */
static unsigned int
setting(unsigned int opt, unsigned int cfg)
{
	return opt != PL_OPT_UNSET ? opt : cfg;
}

uint64_t
pl_flowexp_active_ns(const struct pl_app *app)
{
	return app->opt.ipfix_active > 0 ? (uint64_t)(app->opt.ipfix_active * 1e9)
					 : app->rt->cfg.ipfix_active_ns;
}

int
pl_flowexp_open(struct pl_app *app)
{
	const struct pl_config *cfg = &app->rt->cfg;
	const char *collector = app->opt.ipfix ? app->opt.ipfix
			      : cfg->ipfix_collector[0] ? cfg->ipfix_collector : NULL;
	struct pl_ipfix_conf conf = {
		.domain = setting(app->opt.ipfix_domain, cfg->ipfix_domain),
		.template_refresh = setting(app->opt.ipfix_template_refresh,
					    cfg->ipfix_template_refresh),
		.rate = setting(app->opt.ipfix_rate, cfg->ipfix_rate),
		.mode = (uint8_t)setting(app->opt.ipfix_mode, cfg->ipfix_mode),
	};
	char err[256];
	unsigned int w;

	if (collector == NULL)
		return 0;
	/* deltas are remembered for flows that are still tracked: the tables bound them */
	for (w = 0; w < app->nb_workers; w++)
		conf.flows_max += pl_flow_limit(app->wk[w]->flows);
	app->ipfix = pl_ipfix_open_udp(collector, &conf, err, sizeof(err));
	if (app->ipfix == NULL) {
		if (app->opt.ipfix)
			fprintf(stderr, "portlens: --ipfix %s\n", err);
		else
			fprintf(stderr, "portlens: configuration: %s: ipfix.collector: %s\n",
				cfg->path[0] ? cfg->path : "(defaults)", err);
		return -1;
	}
	app->ipfix_mode = conf.mode;
	return 0;
}

void
pl_flowexp_close(struct pl_app *app)
{
	struct pl_ipfix_stats st;

	if (app->ipfix == NULL)
		return;
	pl_ipfix_stats(app->ipfix, &st);
	/* a record lost on the way is worth a warning: the collectors' totals are short */
	if (st.send_errors || st.dropped || app->col.flow_export_dropped)
		PL_LOG(WARNING, "IPFIX: %" PRIu64 " records in %" PRIu64 " messages (%s), %"
		       PRIu64 " send errors, %" PRIu64 " dropped (queue full), %" PRIu64
		       " lost before the exporter", st.records, st.messages,
		       pl_ipfix_mode_name(app->ipfix_mode), st.send_errors, st.dropped,
		       app->col.flow_export_dropped);
	else
		PL_LOG(INFO, "IPFIX: %" PRIu64 " records in %" PRIu64 " messages (%s)",
		       st.records, st.messages, pl_ipfix_mode_name(app->ipfix_mode));
	pl_ipfix_close(app->ipfix, now_ns());
	app->ipfix = NULL;
}
