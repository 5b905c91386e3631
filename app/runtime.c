/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The runtime: what the packet path derives from a configuration (class tables, the
 * Hyperscan databases, one scratch and one pool of scan streams per worker, QoS meter
 * profiles, per-worker rate limits). Built whole on the control thread, or not at all, so a
 * bad configuration never leaves a half-configured appliance.
 *
 * At start-up the part that needs no EAL (reading the configuration, compiling the
 * signatures: tens of milliseconds of Hyperscan) can run on a thread while the EAL starts
 * (pl_runtime_prepare()); pl_runtime_load() then takes its result.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pl_app.h"

/* Build from @p cfg; @p sigs: the signatures already compiled from it (taken over, freed on
 * failure), or NULL to compile them here. */
static struct pl_runtime *
runtime_build(struct pl_app *app, const struct pl_config *cfg, struct pl_sigs *sigs,
	      char *err, size_t errlen)
{
	struct pl_runtime *rt = calloc(1, sizeof(*rt));
	unsigned int w = app->nb_workers ? app->nb_workers : 1, c;
	static uint64_t gen;

	if (rt == NULL) {
		snprintf(err, errlen, "out of memory");
		pl_sigs_free(sigs);
		return NULL;
	}
	rt->cfg = *cfg;
	rt->gen = ++gen;
	pl_class_table_build(cfg, &rt->classes);
	rt->cleartext = pl_app_cleartext_mask();
	if (cfg->scan_budget && cfg->scan_packets) {   /* packets: older files' off switch */
		/* the loader made a file's relative path absolute; the default is the shipped
		 * signature file */
		rt->sigs = sigs ? sigs : pl_sigs_load(cfg->signatures, err, errlen);
		sigs = NULL;
		if (rt->sigs == NULL)
			goto fail;
		for (c = 0; c < app->nb_workers; c++) {
			/* on the worker's NUMA node: it writes the scratch on every scan */
			int node = (int)rte_lcore_to_socket_id(app->worker_lcore[c]);

			rt->scratch[c] = pl_sigs_scratch_on(rt->sigs, node);
			if (rt->scratch[c] == NULL) {
				snprintf(err, errlen, "Hyperscan scratch: out of memory");
				goto fail;
			}
			/* every stream opened now, on the worker's node: scanning never allocates */
			rt->streams[c] = pl_sigs_streams_create(rt->sigs, cfg->scan_flows,
								cfg->scan_budget, node);
			if (rt->streams[c] == NULL) {
				snprintf(err, errlen, "scan streams (scan.flows %u): out of memory",
					 cfg->scan_flows);
				goto fail;
			}
		}
	}
	for (c = 0; c < cfg->nb_classes; c++) {
		const struct pl_class_def *cd = &cfg->classes[c];
		double share = cd->qos_share > 0 ? cd->qos_share : cfg->prio_share[cd->priority];

		if (pl_qos_profile(&rt->qos[c], share, cfg->qos_peak, cfg->link_bps, w) < 0) {
			snprintf(err, errlen, "class %s: QoS rates out of range (share %.2f of %llu "
				 "bit/s)", cd->name, share, (unsigned long long)cfg->link_bps);
			goto fail;
		}
	}
	/* see pl_policy.h: with W workers each enforces 1/W of a source's limits */
	rt->conn_rate = cfg->conn_rate / w;
	rt->conn_burst = RTE_MAX(cfg->conn_burst / w, 1.0);
	rt->pkt_rate = cfg->pkt_rate / w;
	rt->pkt_burst = RTE_MAX(cfg->pkt_burst / w, 1.0);
	pl_sigs_free(sigs); /* compiled for a configuration that scans nothing */
	return rt;
fail:
	pl_runtime_free(rt, app->nb_workers);
	return NULL;
}

struct pl_runtime *
pl_runtime_build(struct pl_app *app, const struct pl_config *cfg, char *err, size_t errlen)
{
	return runtime_build(app, cfg, NULL, err, errlen);
}

void
pl_runtime_free(struct pl_runtime *rt, unsigned int nb_workers)
{
	unsigned int i;

	if (rt == NULL)
		return;
	for (i = 0; i < nb_workers && i < PL_MAX_WORKERS; i++) {
		pl_sigs_streams_free(rt->streams[i]);
		pl_sigs_scratch_free(rt->scratch[i]);
	}
	pl_sigs_free(rt->sigs);
	free(rt);
}

void
pl_runtime_labels(const struct pl_runtime *rt, struct pl_labels *l)
{
	unsigned int i;

	memset(l, 0, sizeof(*l));
	l->nb_classes = rt->cfg.nb_classes;
	for (i = 0; i < rt->cfg.nb_classes; i++) {
		snprintf(l->cls[i].name, sizeof(l->cls[i].name), "%s", rt->cfg.classes[i].name);
		l->cls[i].priority = rt->cfg.classes[i].priority;
		l->cls[i].encrypted = rt->cfg.classes[i].encrypted;
	}
	l->nb_sigs = rt->sigs ? pl_sigs_count(rt->sigs) : 0;
	for (i = 0; i < l->nb_sigs && i < PL_MAX_SIGS; i++)
		snprintf(l->sig[i], sizeof(l->sig[i]), "%s", pl_sigs_def(rt->sigs, i)->name);
	l->nb_backends = rt->cfg.nb_backends;
	for (i = 0; i < rt->cfg.nb_backends && i < PL_MAX_BACKENDS; i++)
		snprintf(l->backend[i], sizeof(l->backend[i]), "%s", rt->cfg.backends[i].name);
}

const char *
pl_runtime_default_config(void)
{
	static const char *const places[] = {
		PL_SYSCONF_DIR "/portlens.yaml", PL_CONFIG_DIR "/portlens.yaml",
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(places); i++)
		if (access(places[i], R_OK) == 0)
			return places[i];
	return NULL;
}

/*
 * The configuration file of @p o: --config, else the default file, else built-in defaults.
 * @p file gets the file read (NULL: none). 0, or -EINVAL with the line to print in @p msg.
 */
static int
config_read(const struct pl_options *o, struct pl_config *cfg, const char **file, char *msg,
	    size_t len)
{
	char err[512];

	*file = o->config ? o->config : pl_runtime_default_config();
	pl_config_defaults(cfg);
	if (*file && pl_config_load(*file, cfg, err, sizeof(err)) < 0) {
		snprintf(msg, len, "portlens: configuration: %s", err);
		return -EINVAL;
	}
	return 0;
}

/* config_read(), its error printed. */
static int
options_config(const struct pl_options *o, struct pl_config *cfg, const char **file)
{
	char msg[640];

	if (config_read(o, cfg, file, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "%s\n", msg);
		return -EINVAL;
	}
	return 0;
}

int
pl_runtime_print_config(const struct pl_options *o)
{
	static struct pl_config cfg;
	const char *file;

	if (options_config(o, &cfg, &file) < 0)
		return -1;
	/* the command line wins, as when running */
	if (o->nb_nets > 0 && o->nb_nets <= RTE_DIM(cfg.nets)) {
		memcpy(cfg.nets, o->nets, o->nb_nets * sizeof(o->nets[0]));
		cfg.nb_nets = o->nb_nets;
	}
	if (o->bins != NULL)
		snprintf(cfg.bins, sizeof(cfg.bins), "%s", o->bins);
	/* every key, the signature path absolute: a file that works from any folder */
	return pl_config_dump(&cfg, stdout) < 0 ? -1 : 0;
}

/* What pl_runtime_prepare()'s thread made: the configuration and its signatures. */
static struct {
	pthread_t tid;
	int started;             /* the thread runs: join it */
	int prepared;            /* pl_runtime_prepare() was called */
	struct pl_config cfg;
	const char *file;
	int rc;                  /* config_read()'s */
	char msg[640];           /* its error line */
	struct pl_sigs *sigs;    /* NULL: none compiled (scanning off, or an error) */
	char err[512];           /* the signature file's error */
} prep;

static void *
prepare_thread(void *arg)
{
	const struct pl_config *cfg = &prep.cfg;

	(void)arg;
	if (prep.rc == 0 && cfg->scan_budget && cfg->scan_packets)
		prep.sigs = pl_sigs_load(cfg->signatures, prep.err, sizeof(prep.err));
	return NULL;
}

void
pl_runtime_prepare(const struct pl_options *o)
{
	prep.rc = config_read(o, &prep.cfg, &prep.file, prep.msg, sizeof(prep.msg));
	if (pthread_create(&prep.tid, NULL, prepare_thread, NULL) == 0)
		prep.started = 1;
	else
		prepare_thread(NULL);
	prep.prepared = 1;
}

unsigned int
pl_runtime_flow_capacity(void)
{
	static struct pl_config def;

	if (prep.prepared && prep.rc == 0)
		return prep.cfg.flow_capacity;
	pl_config_defaults(&def);
	return def.flow_capacity;
}

unsigned int
pl_runtime_direction_mem_mb(const struct pl_options *o)
{
	struct pl_cidr defs[PL_DIRECTION_FEW];

	if (o->nb_nets)
		return pl_direction_mem_mb(o->nets, o->nb_nets);
	if (prep.prepared && prep.rc == 0 && prep.cfg.nb_nets)
		return pl_direction_mem_mb(prep.cfg.nets, prep.cfg.nb_nets);
	return pl_direction_mem_mb(defs, pl_direction_defaults(defs));
}

/*
 * Load the configuration (--config, else the installed or shipped file, else built-in
 * defaults), apply the command line over it (--local-net, --bins win), and build the
 * runtime: from what pl_runtime_prepare() made, when it ran.
 */
int
pl_runtime_load(struct pl_app *app)
{
	static struct pl_config cfg;
	struct pl_sigs *sigs = NULL;
	char err[512];
	const char *file;

	if (prep.prepared) {
		if (prep.started)
			pthread_join(prep.tid, NULL);
		prep.started = prep.prepared = 0;
		if (prep.rc < 0) {
			fprintf(stderr, "%s\n", prep.msg);
			return -EINVAL;
		}
		cfg = prep.cfg;
		file = prep.file;
		sigs = prep.sigs;
		if (sigs == NULL && cfg.scan_budget && cfg.scan_packets) {
			fprintf(stderr, "portlens: configuration%s%s: %s\n", file ? " " : "",
				file ? file : "", prep.err);
			return -EINVAL;
		}
	} else if (options_config(&app->opt, &cfg, &file) < 0) {
		return -EINVAL;
	}
	if (app->opt.nb_nets == 0 && cfg.nb_nets) {
		memcpy(app->opt.nets, cfg.nets, cfg.nb_nets * sizeof(cfg.nets[0]));
		app->opt.nb_nets = cfg.nb_nets;
	}
	if (app->opt.bins == NULL && cfg.bins[0])
		app->opt.bins = cfg.bins;
	pl_parse_set_decap(cfg.decap && !app->opt.no_decap);
	app->rt = runtime_build(app, &cfg, sigs, err, sizeof(err));
	if (app->rt == NULL) {
		fprintf(stderr, "portlens: configuration%s%s: %s\n", file ? " " : "",
			file ? file : "", err);
		return -EINVAL;
	}
	return 0;
}
