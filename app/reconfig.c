/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live configuration, by pointer with RCU (the grout model). The packet path reaches its
 * configuration through two pointers: pl_app.rt (the runtime, loaded by workers once per
 * burst) and pl_app.dir (the direction table, loaded by RX lcores and workers once per burst).
 * Every RX and worker lcore reports a quiescent state once per loop iteration, outside any burst.
 *
 * pl_config_apply() runs on a control thread (the console): it builds the new runtime and,
 * when the local networks changed, a new direction table, whole or not at all; publishes
 * them with release stores; then waits, on the control thread only, until every lcore has
 * passed a quiescent state, and frees the old ones. The packet path never waits: a packet
 * is analysed entirely under one runtime, old or new, and none is lost. Should an lcore not
 * report within PL_RCU_WAIT_MS (it cannot happen while it runs its loop), the old objects
 * are parked and freed at a later call or at shutdown, never while they may be in use.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "pl_app.h"

#define PL_RCU_WAIT_MS 2000
#define PL_PARKED 16

/* Old objects waiting for a grace period. */
struct parked {
	uint64_t token;
	struct pl_runtime *rt;
	struct pl_direction *dir;
};

static pthread_mutex_t apply_lock = PTHREAD_MUTEX_INITIALIZER;
static struct parked parked[PL_PARKED];
static unsigned int nb_parked;
static unsigned int dir_gen;

/* Labels for the stats role: written here, picked up by pl_reconfig_labels(). */
static pthread_mutex_t labels_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pl_labels labels_next;
static int labels_pending;

int
pl_reconfig_init(struct pl_app *app)
{
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	unsigned int i;

	app->rcu = rte_zmalloc("pl_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (app->rcu == NULL || rte_rcu_qsbr_init(app->rcu, RTE_MAX_LCORE) != 0)
		return -ENOMEM;
	/* registered before the lcores start; each goes online in its loop */
	for (i = 0; i < app->nb_rx; i++)
		rte_rcu_qsbr_thread_register(app->rcu, app->rx_lcore[i]);
	for (i = 0; i < app->nb_workers; i++)
		rte_rcu_qsbr_thread_register(app->rcu, app->worker_lcore[i]);
	return 0;
}

static void
free_parked(struct pl_app *app, const struct parked *p)
{
	pl_runtime_free(p->rt, app->nb_workers);
	pl_direction_free(p->dir);
}

/* Free what has passed its grace period; keep the rest. */
static void
reclaim(struct pl_app *app, int all)
{
	unsigned int i, n = 0;

	for (i = 0; i < nb_parked; i++) {
		if (all || rte_rcu_qsbr_check(app->rcu, parked[i].token, false) == 1)
			free_parked(app, &parked[i]);
		else
			parked[n++] = parked[i];
	}
	nb_parked = n;
}

/* Are the networks of a configuration those of the table in force? */
static int
same_nets(const struct pl_direction *d, const struct pl_cidr *nets, unsigned int n)
{
	unsigned int cur;
	const struct pl_cidr *c = pl_direction_nets(d, &cur);

	return cur == n && memcmp(c, nets, n * sizeof(nets[0])) == 0;
}

int
pl_config_apply(struct pl_app *app, const struct pl_config *cfg, char *err, size_t errlen)
{
	struct pl_runtime *rt, *old_rt;
	struct pl_direction *dir = NULL, *old_dir = NULL;
	struct pl_cidr defnets[8];
	const struct pl_cidr *nets = cfg->nets;
	unsigned int nb_nets = cfg->nb_nets, waited;
	struct pl_labels l;
	uint64_t token;

	if (app->rcu == NULL) {
		snprintf(err, errlen, "the packet path is not running");
		return -EAGAIN;
	}
	if (nb_nets == 0) {
		nb_nets = pl_direction_defaults(defnets);
		nets = defnets;
	}
	pthread_mutex_lock(&apply_lock);
	reclaim(app, 0);
	rt = pl_runtime_build(app, cfg, err, errlen);
	if (rt == NULL) {
		pthread_mutex_unlock(&apply_lock);
		return -EINVAL;
	}
	if (!same_nets(app->dir, nets, nb_nets)) {
		char name[24];

		snprintf(name, sizeof(name), "pl_dir%u", ++dir_gen);
		dir = pl_direction_create(name, (int)rte_socket_id(), nets, nb_nets);
		if (dir == NULL) {
			snprintf(err, errlen, "local networks: %s", rte_strerror(rte_errno));
			pl_runtime_free(rt, app->nb_workers);
			pthread_mutex_unlock(&apply_lock);
			return -ENOMEM;
		}
	}
	old_rt = app->rt;
	__atomic_store_n(&app->rt, rt, __ATOMIC_RELEASE);
	pl_parse_set_decap(cfg->decap && !app->opt.no_decap);
	if (dir) {
		old_dir = app->dir;
		__atomic_store_n(&app->dir, dir, __ATOMIC_RELEASE);
	}
	pl_runtime_labels(rt, &l);
	pthread_mutex_lock(&labels_lock);
	labels_next = l;
	labels_pending = 1;
	pthread_mutex_unlock(&labels_lock);

	/* wait here, on the control thread, for every lcore to move on */
	token = rte_rcu_qsbr_start(app->rcu);
	for (waited = 0; waited < PL_RCU_WAIT_MS * 10; waited++) {
		struct timespec ts = { 0, 100000 };

		if (rte_rcu_qsbr_check(app->rcu, token, false) == 1)
			break;
		nanosleep(&ts, NULL);
	}
	if (waited < PL_RCU_WAIT_MS * 10) {
		pl_runtime_free(old_rt, app->nb_workers);
		pl_direction_free(old_dir);
	} else if (nb_parked < PL_PARKED) {
		parked[nb_parked++] = (struct parked){ token, old_rt, old_dir };
	} else {
		/* every slot taken by lcores that never report: wait for good */
		rte_rcu_qsbr_synchronize(app->rcu, RTE_QSBR_THRID_INVALID);
		pl_runtime_free(old_rt, app->nb_workers);
		pl_direction_free(old_dir);
	}
	pthread_mutex_unlock(&apply_lock);
	return 0;
}

/* Stats role, each tick: take the class and signature names of a new configuration. */
void
pl_reconfig_labels(struct pl_app *app)
{
	if (!__atomic_load_n(&labels_pending, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&labels_lock);
	app->col.labels = labels_next;
	labels_pending = 0;
	pthread_mutex_unlock(&labels_lock);
}

/* Shutdown, once the lcores have returned: free what is parked. */
void
pl_reconfig_fini(struct pl_app *app)
{
	if (app->rcu == NULL)
		return;
	pthread_mutex_lock(&apply_lock);
	reclaim(app, 1);
	pthread_mutex_unlock(&apply_lock);
}

/*
 * SIGHUP: load the --config file again and apply it live. A file with an error is
 * rejected whole and the configuration in force stays; either way the outcome is said
 * on stderr. Runs on the stats role's thread, between two ticks.
 */
void
pl_config_reload(struct pl_app *app)
{
	struct pl_config *cfg;
	char err[512];

	if (app->opt.config == NULL) {
		fprintf(stderr, "portlens: SIGHUP: no --config file to reload\n");
		return;
	}
	cfg = malloc(sizeof(*cfg));
	if (cfg == NULL) {
		fprintf(stderr, "portlens: reload: out of memory\n");
		return;
	}
	if (pl_config_load(app->opt.config, cfg, err, sizeof(err)) < 0)
		fprintf(stderr, "portlens: reload rejected: %s; the configuration in force "
			"stays\n", err);
	else if (pl_config_apply(app, cfg, err, sizeof(err)) < 0)
		fprintf(stderr, "portlens: reload rejected: %s; the configuration in force "
			"stays\n", err);
	else
		fprintf(stderr, "portlens: configuration reloaded from %s\n", app->opt.config);
	free(cfg);
}
