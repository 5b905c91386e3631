/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stats role, on the main lcore. Every tick it collects every counter block (workers
 * first, then RX lcores), builds a snapshot, publishes it and appends it to the JSON-lines
 * stream when due. It also decides when the packet path stops: on a signal, after
 * --duration, or when every worker is done (end of a capture).
 */
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <sys/eventfd.h>

#include <rte_cycles.h>

#include "pl_app.h"
#include "pl_export.h"

/* How long a tick waits for lcores to honour a flip before calling them stale. */
#define PL_FLIP_TIMEOUT_US 50000
/* The stats role's poll where it cannot sleep until its next tick: flows exported at a
 * paced rate, or no eventfd to wake it. */
#define PL_STATS_POLL_NS 2000000ULL

static int
workers_done(const struct pl_app *app)
{
	unsigned int i;

	for (i = 0; i < app->nb_workers; i++)
		if (!__atomic_load_n(&app->wk[i]->done, __ATOMIC_ACQUIRE))
			return 0;
	return 1;
}

/* Build and publish a snapshot from the collector's totals. */
static struct pl_snapshot *
take(struct pl_app *app, int final)
{
	struct pl_port_hw hw[PL_MAX_PORTS];
	unsigned int nb_hw = pl_ports_hw(app, hw, PL_MAX_PORTS);
	struct pl_snapshot *s = pl_snapshot_build(&app->col, hw, nb_hw, final);

	if (s == NULL) {
		PL_LOG(ERR, "out of memory building a snapshot");
		return NULL;
	}
	pl_publish(&app->pub, s);
	return s;
}

int
pl_stats_loop(struct pl_app *app)
{
	uint64_t tick_ns = (uint64_t)app->opt.tick_ms * 1000000ULL;
	uint64_t start = pl_clock_ns(CLOCK_MONOTONIC), next = start + tick_ns;
	uint64_t json_every = (uint64_t)(app->opt.json_interval * 1e9), next_json = start + json_every;
	uint64_t stop_at = app->opt.duration > 0 ? start + (uint64_t)(app->opt.duration * 1e9) : 0;
	FILE *jl = app->json_lines;
	/* offline with nobody to read a snapshot before the final one (no HTTP, console or
	 * JSON lines): ticks only drain the counter blocks, and the CPU that the stats role
	 * shares with a worker stays the worker's */
	int snap = !app->offline || app->http || jl || app->opt.interactive ||
		   app->opt.cmdline_file;

	for (;;) {
		uint64_t now = pl_clock_ns(CLOCK_MONOTONIC);
		struct pl_snapshot *s;

		if (app->reload) {
			app->reload = 0;
			pl_config_reload(app);
		}
		if (app->force_quit || (stop_at && now >= stop_at))
			app->rx_stop = 1;
		if (workers_done(app))
			break;
		pl_flowexp_poll(app); /* paced flow export: what the bucket allows by now */
		if (now < next) {
			uint64_t wait = next - now;
			struct timespec ts;

			/* until the next tick, the end of --duration, or a wake-up (a worker's
			 * return, a signal, the console's quit); every 2 ms while flows are
			 * exported (their pacing) or with nothing to wake it */
			if (stop_at > now)
				wait = RTE_MIN(wait, stop_at - now);
			if (app->ipfix || app->wake_fd < 0)
				wait = RTE_MIN(wait, PL_STATS_POLL_NS);
			ts.tv_sec = (time_t)(wait / 1000000000ULL);
			ts.tv_nsec = (long)(wait % 1000000000ULL);
			if (app->wake_fd >= 0) {
				struct pollfd pfd = { .fd = app->wake_fd, .events = POLLIN };
				eventfd_t v;

				if (ppoll(&pfd, 1, &ts, NULL) > 0)
					eventfd_read(app->wake_fd, &v);
			} else {
				nanosleep(&ts, NULL);
			}
			continue;
		}
		next += tick_ns;
		if (next < now)
			next = now + tick_ns;
		pl_reconfig_labels(app); /* names of a configuration applied live */
		pl_collector_tick(&app->col, PL_FLIP_TIMEOUT_US);
		if (!snap)
			continue;
		s = take(app, 0);
		if (s && jl && now >= next_json) {
			struct pl_snapshot *cur = pl_snapshot_get(&app->pub);

			if (cur && pl_export_json_line(cur, jl) < 0)
				PL_LOG(ERR, "--json-lines %s: write failed", app->opt.json_lines);
			pl_snapshot_put(cur);
			next_json += json_every;
			if (next_json < now)
				next_json = now + json_every;
		}
	}
	return 0;
}

/* The final snapshot, once every lcore of the packet path has returned. */
struct pl_snapshot *
pl_stats_final(struct pl_app *app)
{
	struct pl_snapshot *s;

	pl_collector_final(&app->col);
	s = take(app, 1);
	return s ? pl_snapshot_get(&app->pub) : NULL;
}
