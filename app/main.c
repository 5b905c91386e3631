/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * portlens: start-up and shutdown. Two entry forms: `portlens [EAL options] -- [options]`
 * for NIC ports and vdevs, and `portlens --pcap FILE [options]`, for which portlens builds
 * its own EAL arguments. Start-up: options, EAL, lcore roles, counter blocks, rings, ports;
 * then RX and worker lcores run while the main lcore plays the stats role. Shutdown: RX
 * stops, workers drain the rings, the final snapshot is taken and written atomically, and
 * the accounting balance must close (exit 1 if it does not).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "pl_app.h"
#include "pl_capture.h"
#include "pl_count.h"
#include "pl_console.h"
#include "pl_export.h"
#include "pl_http.h"
#include "pl_parse.h"
#include "pl_report.h"

struct pl_app pl_app = { .wake_fd = -1 };
int pl_logtype;

/* --timings: the milestones of a run, each with the name of the step that ends there. */
#define PL_MARKS(X) \
	X(MAIN, "") \
	X(EAL, "EAL") \
	X(CONFIG, "configuration") \
	X(SETUP, "tables and lcores") \
	X(LAUNCH, "pool, ports, launch") \
	X(RUN, "run") \
	X(FINAL, "final snapshot and outputs") \
	X(END, "release")

enum pl_mark {
#define X(id, name) PL_MARK_##id,
	PL_MARKS(X)
#undef X
	PL_MARK_MAX
};

static uint64_t marks[PL_MARK_MAX];
static long faults[PL_MARK_MAX]; /* page faults of the process so far: on a virtual machine
				  * each costs microseconds, most of a step's time at start */
static char run_line[448];

static inline void
mark(enum pl_mark m)
{
	struct rusage ru;

	marks[m] = pl_clock_ns(CLOCK_MONOTONIC);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		faults[m] = ru.ru_minflt + ru.ru_majflt;
}

/* --timings: where the run's cycles went, from the final snapshot's lcore counters (the RX
 * lcore's reading share offline from offline.c). */
static void
timings_run(const struct pl_app *app, const struct pl_snapshot *fin)
{
	double ms = (double)(marks[PL_MARK_RUN] - marks[PL_MARK_LAUNCH]) / 1e6;
	uint64_t pkts = fin->total.v[PL_CTR_rx_packets], wb = 0, wt = 0, wp = 0, rb = 0, rt = 0;
	double per = pkts ? (double)pkts : 1;
	char note[128];
	unsigned int i;
	int len;

	for (i = 0; i < fin->nb_lcores; i++) {
		const struct pl_snap_lcore *l = &fin->lcore[i];

		if (l->role == PL_ROLE_RX) {
			rb += l->sum.v[PL_CTR_busy_cycles];
			rt += l->sum.v[PL_CTR_total_cycles];
		} else {
			wb += l->sum.v[PL_CTR_busy_cycles];
			wt += l->sum.v[PL_CTR_total_cycles];
			wp += l->sum.v[PL_CTR_packets];
		}
	}
	len = snprintf(run_line, sizeof(run_line), "portlens: run: %" PRIu64 " packets in %.1f ms "
		       "(%.2f Mpps); RX lcore %.0f %% busy, %.0f cycles a packet", pkts, ms,
		       ms > 0 ? pkts / ms / 1e3 : 0, rt ? 100.0 * rb / rt : 0, rb / per);
	if (app->offline && len > 0 && len < (int)sizeof(run_line)) {
		pl_offline_io_note(app, note, sizeof(note));
		len += snprintf(run_line + len, sizeof(run_line) - len, " (reading %.0f%s)",
				pl_offline_read_cycles() / per, note);
	}
	if (len > 0 && len < (int)sizeof(run_line))
		snprintf(run_line + len, sizeof(run_line) - len, "; %u worker%s %.0f %% busy, %.0f "
			 "cycles a packet", app->nb_workers, app->nb_workers == 1 ? "" : "s",
			 wt ? 100.0 * wb / wt : 0, wb / (wp ? (double)wp : 1));
}

/* --timings: one line of the steps from main() to the end, then the run's line. */
static void
timings_print(void)
{
	static const char *const names[] = {
#define X(id, name) name,
		PL_MARKS(X)
#undef X
	};
	char buf[768];
	unsigned int i, prev = PL_MARK_MAIN;
	int len = snprintf(buf, sizeof(buf), "portlens: timings:");

	for (i = PL_MARK_MAIN + 1; i < PL_MARK_MAX && len < (int)sizeof(buf); i++) {
		if (marks[i] == 0)
			continue;
		len += snprintf(buf + len, sizeof(buf) - len, " %s %.1f ms (%ld faults) |",
				names[i], (double)(marks[i] - marks[prev]) / 1e6,
				faults[i] - faults[prev]);
		prev = i;
	}
	if (len < (int)sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len, " total %.1f ms from main() (%ld faults)",
			 (double)(marks[prev] - marks[PL_MARK_MAIN]) / 1e6, faults[prev]);
	fprintf(stderr, "%s\n", buf);
	if (run_line[0])
		fprintf(stderr, "%s\n", run_line);
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		pl_app.reload = 1;
	else
		pl_app.force_quit = 1;
	pl_stats_wake();
}

/* The HTTP bearer token: the first line of a file nobody else may read. */
static int
read_token(const char *path, char *tok, size_t len)
{
	struct stat st;
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL || fstat(fileno(f), &st) < 0) {
		fprintf(stderr, "portlens: --http-token %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (st.st_mode & 077) {
		fprintf(stderr, "portlens: --http-token %s: readable by others (mode %03o): "
			"chmod 600 it\n", path, (unsigned int)(st.st_mode & 0777));
		fclose(f);
		return -1;
	}
	if (fgets(tok, (int)len, f) == NULL)
		tok[0] = '\0';
	fclose(f);
	n = strcspn(tok, "\r\n");
	tok[n] = '\0';
	if (n < 16) {
		fprintf(stderr, "portlens: --http-token %s: the token must be at least 16 "
			"characters\n", path);
		return -1;
	}
	return 0;
}

/* Parse "1,3-5" into lcore ids. */
static int
lcore_list(const char *s, unsigned int *out, unsigned int max)
{
	unsigned int n = 0;

	while (*s) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;

		s = end;
		if (*s == '-')
			b = strtoul(s + 1, (char **)&s, 10);
		for (; a <= b; a++) {
			if (n >= max)
				return -E2BIG;
			out[n++] = (unsigned int)a;
		}
		if (*s == ',')
			s++;
	}
	return (int)n;
}

static int
role_taken(const struct pl_app *app, unsigned int lcore)
{
	unsigned int i;

	for (i = 0; i < app->nb_rx; i++)
		if (app->rx_lcore[i] == lcore)
			return 1;
	for (i = 0; i < app->nb_workers; i++)
		if (app->worker_lcore[i] == lcore)
			return 1;
	return lcore == rte_get_main_lcore();
}

/* Check that an explicit lcore list names enabled lcores other than the main one. */
static int
check_role_lcores(const char *opt, const unsigned int *l, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!rte_lcore_is_enabled(l[i])) {
			fprintf(stderr, "portlens: --%s: lcore %u is not enabled in EAL (-l/--lcores)\n",
				opt, l[i]);
			return -1;
		}
		if (l[i] == rte_get_main_lcore()) {
			fprintf(stderr, "portlens: --%s: lcore %u is the main lcore (stats role)\n",
				opt, l[i]);
			return -1;
		}
	}
	return 0;
}

/* Choose RX and worker lcores: explicit lists first, then what EAL gave, by default one RX
 * lcore per three lcores (at least one) and the rest workers. */
static int
assign_roles(struct pl_app *app)
{
	struct pl_options *o = &app->opt;
	unsigned int avail[RTE_MAX_LCORE], na = 0, lc, i;
	int n;

	if (o->rx_lcores[0]) {
		n = lcore_list(o->rx_lcores, app->rx_lcore, PL_MAX_RX);
		if (n < 0 || check_role_lcores("rx-lcores", app->rx_lcore, n))
			return n < 0 ? (fprintf(stderr, "portlens: --rx-lcores: at most %d\n",
						PL_MAX_RX), -1) : -1;
		app->nb_rx = (unsigned int)n;
	}
	if (o->worker_lcores[0]) {
		n = lcore_list(o->worker_lcores, app->worker_lcore, PL_MAX_WORKERS);
		if (n < 0 || check_role_lcores("worker-lcores", app->worker_lcore, n))
			return n < 0 ? (fprintf(stderr, "portlens: --worker-lcores: at most %d\n",
						PL_MAX_WORKERS), -1) : -1;
		app->nb_workers = (unsigned int)n;
	}
	for (i = 0; i < app->nb_rx; i++) {
		unsigned int j;

		for (j = 0; j < app->nb_workers; j++)
			if (app->rx_lcore[i] == app->worker_lcore[j]) {
				fprintf(stderr, "portlens: lcore %u is both RX and worker\n",
					app->rx_lcore[i]);
				return -1;
			}
	}
	RTE_LCORE_FOREACH_WORKER(lc)
		if (!role_taken(app, lc))
			avail[na++] = lc;
	if (app->nb_rx == 0) {
		unsigned int want = o->nb_rx ? o->nb_rx :
			RTE_MAX(1u, (na - (o->nb_workers ? RTE_MIN(o->nb_workers, na) : 0)) / 3);

		if (app->offline)
			want = 1; /* one capture, one queue */
		if (na < want) {
			fprintf(stderr, "portlens: not enough lcores for %u RX lcore(s): EAL gave %u "
				"besides the main one (use -l/--lcores)\n", want, na);
			return -1;
		}
		for (i = 0; i < want; i++)
			app->rx_lcore[app->nb_rx++] = avail[i];
		memmove(avail, avail + want, (na - want) * sizeof(avail[0]));
		na -= want;
	}
	if (app->nb_workers == 0) {
		unsigned int want = o->nb_workers ? o->nb_workers : na;

		if (want == 0 || na < want) {
			fprintf(stderr, "portlens: not enough lcores for %u worker(s): %u left after "
				"the main and RX lcores (use -l/--lcores, --workers)\n",
				want ? want : 1, na);
			return -1;
		}
		for (i = 0; i < want; i++)
			app->worker_lcore[app->nb_workers++] = avail[i];
	}
	if (app->nb_workers > PL_MAX_WORKERS || app->nb_rx > PL_MAX_RX) {
		fprintf(stderr, "portlens: at most %d RX lcores and %d workers\n", PL_MAX_RX,
			PL_MAX_WORKERS);
		return -1;
	}
	return 0;
}

/* Per-lcore state, counter blocks and rings, each on its lcore's socket. */
/* Heap bytes allocated on @p socket now (per-worker footprints are differences of it). */
static size_t
heap_used(int socket)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats(socket, &st) < 0)
		return 0;
	return st.heap_allocsz_bytes;
}

/*
 * Lines held back while a step runs: its own (written on f) and DPDK's log, in one buffer,
 * said afterwards or dropped. Without a buffer (hold 0, or no memory) f is stderr and
 * nothing is held.
 */
struct held {
	FILE *f;          /* where the step writes its lines */
	FILE *log;        /* DPDK's log stream before, restored by held_end() */
	char *buf;
	size_t len;
};

static void
held_begin(struct held *h, int hold)
{
	memset(h, 0, sizeof(*h));
	h->f = stderr;
	if (!hold)
		return;
	h->log = rte_log_get_stream();
	h->f = open_memstream(&h->buf, &h->len);
	if (h->f == NULL) {
		h->f = stderr;
		return;
	}
	rte_openlog_stream(h->f);
}

/* The step is over: DPDK logs where it did before; the lines are in h->buf. */
static void
held_end(struct held *h)
{
	if (h->f == stderr)
		return;
	rte_openlog_stream(h->log);
	fclose(h->f);
	h->f = stderr;
}

/* Say the held lines (DPDK's and the step's, in their order) on stderr. */
static void
held_say(const struct held *h)
{
	if (h->buf != NULL && h->len > 0) {
		fwrite(h->buf, 1, h->len, stderr);
		fflush(stderr);
	}
}

static void
held_drop(struct held *h)
{
	free(h->buf);
	h->buf = NULL;
	h->len = 0;
}

/* Build the lcores' contexts, counters, tables and rings; what failed is said on @p err. */
static int
build_lcores(struct pl_app *app, FILE *err)
{
	unsigned int i, j;
	char name[RTE_RING_NAMESIZE];

	for (i = 0; i < app->nb_rx; i++) {
		int socket = (int)rte_lcore_to_socket_id(app->rx_lcore[i]);
		struct pl_rx_ctx *rx = rte_zmalloc_socket("pl_rx", sizeof(*rx),
							  RTE_CACHE_LINE_SIZE, socket);

		if (rx == NULL)
			return -ENOMEM;
		rx->lcore = app->rx_lcore[i];
		rx->index = i;
		/* offline it may count arrivals for the workers (rx.c, rx_assist()): per-port
		 * and talkers tables as theirs */
		rx->ctr = pl_ctr_create(rx->lcore, PL_ROLE_RX, i, app->offline, 1, socket);
		if (rx->ctr == NULL)
			return -ENOMEM;
		app->rx[i] = rx;
	}
	for (j = 0; j < app->nb_workers; j++) {
		int socket = (int)rte_lcore_to_socket_id(app->worker_lcore[j]);
		size_t heap0 = heap_used(socket), heap1;
		struct pl_worker_ctx *wk = rte_zmalloc_socket("pl_worker", sizeof(*wk),
							      RTE_CACHE_LINE_SIZE, socket);

		if (wk == NULL)
			return -ENOMEM;
		wk->lcore = app->worker_lcore[j];
		wk->index = j;
		wk->txq = (uint16_t)j;
		heap1 = heap_used(socket);
		wk->ctr = pl_ctr_create(wk->lcore, PL_ROLE_WORKER, j, 1, 1, socket);
		if (wk->ctr == NULL)
			return -ENOMEM;
		wk->mem_ctr = heap_used(socket) - heap1;
		wk->nb_rings = app->nb_rx;
		snprintf(name, sizeof(name), "pl_flows_%u", j);
		heap1 = heap_used(socket);
		wk->flows = pl_flow_create(name, app->rt->cfg.flow_capacity, socket);
		wk->mem_flows = heap_used(socket) - heap1;
		snprintf(name, sizeof(name), "pl_srcs_%u", j);
		heap1 = heap_used(socket);
		wk->sources = pl_sources_create(name, app->rt->cfg.flow_capacity, socket);
		wk->mem_sources = heap_used(socket) - heap1;
		if (wk->flows == NULL || wk->sources == NULL) {
			fprintf(err, "portlens: worker %u: flow table of %u flows: %s\n", j,
				app->rt->cfg.flow_capacity, rte_strerror(rte_errno));
			return -ENOMEM;
		}
		pl_flow_set_timeouts(wk->flows, app->rt->cfg.syn_timeout_ns,
				     app->rt->cfg.tcp_idle_ns, app->rt->cfg.udp_idle_ns,
				     app->rt->cfg.time_wait_ns);
		for (i = 0; i < app->nb_rx; i++) {
			snprintf(name, sizeof(name), "pl_ring_%u_%u", i, j);
			/* the consumer's socket: the worker reads each entry, the RX lcore
			 * only writes pointers */
			wk->ring[i] = rte_ring_create(name, app->opt.ring_size, socket,
						      RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (wk->ring[i] == NULL) {
				fprintf(err, "portlens: ring %s: %s\n", name,
					rte_strerror(rte_errno));
				return -ENOMEM;
			}
			app->rx[i]->ring[j] = wk->ring[i];
		}
		wk->mem_total = heap_used(socket) - heap0;
		app->wk[j] = wk;
	}
	pl_runtime_labels(app->rt, &app->col.labels);
	if (app->offline)
		pl_offline_inputs(app); /* the capture files, as expanded, for the snapshot */
	for (i = 0; i < app->nb_workers; i++)
		if (pl_collector_add(&app->col, app->wk[i]->ctr))
			return -ENOSPC;
	for (i = 0; i < app->nb_rx; i++)
		if (pl_collector_add(&app->col, app->rx[i]->ctr))
			return -ENOSPC;
	return 0;
}

/* Warn when a worker or RX lcore sits on another NUMA socket than the ports it serves. */
static void
check_numa(struct pl_app *app)
{
	unsigned int i, q;

	for (i = 0; i < app->nb_rx; i++)
		for (q = 0; q < app->rx[i]->nb_q; q++) {
			const struct pl_port *pp = &app->port[app->rx[i]->q[q].port];

			if ((int)rte_lcore_to_socket_id(app->rx[i]->lcore) != pp->socket)
				PL_LOG(WARNING, "RX lcore %u is on socket %u, port %u on socket %d",
				       app->rx[i]->lcore, rte_lcore_to_socket_id(app->rx[i]->lcore),
				       pp->id, pp->socket);
		}
	/* a worker reads what every RX lcore hands it (and transmits, inline): it belongs on
	 * the socket of the ports */
	for (i = 0; i < app->nb_workers; i++) {
		int s = (int)rte_lcore_to_socket_id(app->wk[i]->lcore), near = 0;
		uint16_t p;

		for (p = 0; p < app->nb_ports; p++)
			near |= app->port[p].socket == s;
		if (app->nb_ports && !near)
			PL_LOG(WARNING, "worker %u (lcore %u) is on socket %d, no port is: every "
			       "packet it analyses crosses sockets", i, app->wk[i]->lcore, s);
	}
}

static void
log_plan(const struct pl_app *app)
{
	unsigned int i, q;

	for (i = 0; i < app->nb_rx; i++) {
		char buf[256];
		int len = 0;

		for (q = 0; q < app->rx[i]->nb_q && len < (int)sizeof(buf) - 16; q++)
			len += snprintf(buf + len, sizeof(buf) - len, " %u/%u",
					app->rx[i]->q[q].port, app->rx[i]->q[q].queue);
		PL_LOG(INFO, "RX lcore %u polls port/queue%s", app->rx[i]->lcore, buf);
	}
	for (i = 0; i < app->nb_workers; i++) {
		const struct pl_worker_ctx *wk = app->wk[i];

		PL_LOG(INFO, "worker %u on lcore %u: %.1f MiB of heap: counter banks %.1f MiB, "
		       "flow table %.1f MiB for %u flows (%.1f bytes a flow), sources %.1f MiB",
		       i, wk->lcore, wk->mem_total / 1048576.0, wk->mem_ctr / 1048576.0,
		       wk->mem_flows / 1048576.0, pl_flow_limit(wk->flows),
		       (double)wk->mem_flows / pl_flow_limit(wk->flows),
		       wk->mem_sources / 1048576.0);
	}
	if (app->rt->sigs)
		PL_LOG(INFO, "payload scanning: %u bytes a flow direction, at most %u flows at once "
		       "a worker; Hyperscan stream state %zu bytes a direction, %.1f MiB of "
		       "streams a worker", app->rt->cfg.scan_budget, app->rt->cfg.scan_flows,
		       pl_sigs_stream_state_bytes(app->rt->sigs),
		       pl_sigs_streams_memory(app->rt->streams[0]) / 1048576.0);
	PL_LOG(INFO, "stats on main lcore %u; %s mode", rte_get_main_lcore(),
	       app->opt.inline_mode ? "inline" : "monitor");
}

/* --linger: the HTTP server goes on serving the final snapshot for a while (a signal
 * ends it early), so an offline run can be looked at. */
static void
linger(struct pl_app *app, double sec)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	unsigned long steps = (unsigned long)(sec * 10 + 0.5), i;

	PL_LOG(INFO, "serving the final snapshot on http://%s/ for %.1f s",
	       pl_http_url_addr(app->http), sec);
	for (i = 0; i < steps && !app->force_quit; i++)
		nanosleep(&ts, NULL);
}

/*
 * The EAL's clean-up, then its runtime folder (/var/run/dpdk/PREFIX, or under
 * $XDG_RUNTIME_DIR) if it is left empty: the EAL makes one per file prefix and leaves it
 * behind, and offline runs take a prefix of their own (portlens-PID), so every run would
 * leave one more. The folder goes at exit, after DPDK's telemetry has removed its socket
 * from it (its own exit handler, registered by rte_eal_init(), so run before this one). A
 * folder that still holds something (a shared configuration a secondary process may read)
 * stays.
 */
static char eal_dir[PATH_MAX];

static void
eal_dir_remove(void)
{
	if (eal_dir[0] != '\0')
		rmdir(eal_dir);
}

static void
eal_cleanup(void)
{
	snprintf(eal_dir, sizeof(eal_dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
}

int
main(int argc, char **argv)
{
	struct pl_app *app = &pl_app;
	struct pl_options *o = &app->opt;
	struct pl_snapshot *fin = NULL;
	char *eal[32], err[256];
	struct held held;
	int i, sep = -1, rc, pool, exit_code = 0;

	mark(PL_MARK_MAIN);
	atexit(eal_dir_remove); /* before rte_eal_init(): run after the EAL's own handlers */
	/* Under systemd the journal reads stdout, and the EAL's default log stream writes each
	 * line to stdout and to syslog, which the journal also collects: keep one copy. */
	if (getenv("JOURNAL_STREAM") != NULL)
		rte_openlog_stream(stdout);
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
	if (sep < 0) {
		/* no EAL part: offline mode, portlens builds the EAL arguments itself */
		if (pl_options_parse(argc, argv, o) < 0)
			return 2;
		if (o->pcap == NULL) {
			fprintf(stderr, "portlens: nothing to read: give --pcap FILE, or EAL options "
				"and ports: portlens [EAL options] -- [options] (see --help)\n");
			return 2;
		}
		/* the captures are checked (every plain file walked whole) while the EAL starts;
		 * a path that is not there fails at once */
		if (pl_offline_open_start(app) < 0)
			return 2;
		app->offline = 1;
		/* the configuration is read now (the EAL memory depends on it) and its
		 * signatures compiled meanwhile too */
		pl_runtime_prepare(o);
		if (pl_offline_eal_args(o, pl_runtime_flow_capacity(),
					pl_runtime_direction_mem_mb(o), eal, RTE_DIM(eal)) < 0)
			return 2;
		for (i = 0; eal[i]; i++)
			;
		rc = rte_eal_init(i, eal);
		if (pl_offline_open_wait(app) < 0) {
			if (rc >= 0)
				eal_cleanup();
			return 2;
		}
		if (rc < 0) {
			fprintf(stderr, "portlens: EAL initialisation failed: %s\n",
				rte_strerror(rte_errno));
			return 1;
		}
		mark(PL_MARK_EAL);
	} else {
#ifdef PL_DPDK_STATIC
		/* a PMD plugin links the shared EAL: loaded into a static one, two EALs clash */
		for (i = 1; i < sep; i++)
			if (strncmp(argv[i], "-d", 2) == 0 ||
			    strncmp(argv[i], "--driver-path", 13) == 0) {
				fprintf(stderr, "portlens: %s: this portlens has DPDK and its drivers "
					"linked in (" PL_DPDK_STATIC_PMDS ") and cannot load driver "
					"plugins; rebuild with meson -Ddpdk_static=false to use them\n",
					argv[i]);
				return 2;
			}
#endif
		rc = rte_eal_init(argc, argv);
		if (rc < 0) {
			fprintf(stderr, "portlens: EAL initialisation failed: %s (check the EAL "
				"options before --)\n", rte_strerror(rte_errno));
			return 2;
		}
		mark(PL_MARK_EAL);
		argv[rc] = argv[0];
		if (pl_options_parse(argc - rc, argv + rc, o) < 0) {
			eal_cleanup();
			return 2;
		}
		if (o->pcap) {
			fprintf(stderr, "portlens: --pcap builds its own EAL arguments: use it "
				"without EAL options, or give the capture as --vdev "
				"net_pcap0,rx_pcap=FILE\n");
			eal_cleanup();
			return 2;
		}
	}
	pl_logtype = rte_log_register_type_and_pick_level("portlens", RTE_LOG_INFO);
	if (o->quiet)
		rte_log_set_level(pl_logtype, RTE_LOG_WARNING);
	if (o->tick_ms == 0)
		o->tick_ms = app->offline ? 100 : 1000;
	if (o->idle_yield < 0)
		o->idle_yield = app->offline;
	app->burst = PL_LIVE_BURST;
	if (app->offline)
		pl_offline_sizes(app);
	app->tsc_hz = rte_get_tsc_hz();
	app->wall_base_ns = pl_clock_ns(CLOCK_REALTIME);
	app->tsc_base = rte_rdtsc();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);

	exit_code = 2;
	if (assign_roles(app) < 0)
		goto out;
	pl_ports_prepare(app); /* offline: the pool, beside the set-up below */
	if (pl_runtime_load(app) < 0)
		goto out;
	mark(PL_MARK_CONFIG);
	if (o->bins == NULL)
		o->bins = PL_BINS_DEFAULT;
	app->bins = pl_bins_create(o->bins, err, sizeof(err));
	if (app->bins == NULL) {
		fprintf(stderr, "portlens: --bins '%s': %s\n", o->bins, err);
		goto out;
	}
	if (o->nb_nets == 0)
		o->nb_nets = pl_direction_defaults(o->nets);
	app->dir = pl_direction_create("pl_dir", (int)rte_socket_id(), o->nets, o->nb_nets);
	if (app->dir == NULL) {
		fprintf(stderr, "portlens: local networks: %s\n", rte_strerror(rte_errno));
		goto out;
	}
	if (pl_parse_init() < 0) {
		fprintf(stderr, "portlens: mbuf dynamic field: %s\n", rte_strerror(rte_errno));
		goto out;
	}
	/* without its flag (every dynamic flag bit taken) the RX lcore never assists */
	if (pl_count_init() < 0)
		PL_LOG(INFO, "mbuf dynamic flag portlens_counted: %s; the RX lcore will not "
		       "assist the workers", rte_strerror(rte_errno));
	exit_code = 1;
	/* offline the pool is built meanwhile (pl_ports_prepare()), and while it takes memory a
	 * table may find none: what this step says (its lines and DPDK's) is held until the
	 * pool is known, and a pool that failed is the one line, whichever finished first */
	held_begin(&held, app->offline);
	rc = pl_collector_init(&app->col, app->bins, o->ival_ns) < 0 ||
	     pl_collector_findings(&app->col, app->rt->cfg.findings_max) < 0 ||
	     pl_publisher_init(&app->pub, 3600) < 0 || build_lcores(app, held.f) < 0 ? -1 : 0;
	/* the pool's thread has ended here (main waits for it before the ports anyway), so
	 * nothing logs into the held lines after them; 1: no pool built beside (live) */
	pool = pl_ports_prepared();
	held_end(&held);
	if (pool >= 0)
		held_say(&held);
	held_drop(&held);
	if (rc < 0) {
		if (pool < 0)
			exit_code = 2; /* its line said it */
		else
			fprintf(stderr, "portlens: out of memory setting up lcores (try --mem)\n");
		goto out;
	}
	mark(PL_MARK_SETUP);
	if (pl_ports_init(app) < 0) {
		exit_code = 2;
		goto out;
	}
	if (o->json_lines) {
		int fd = open(o->json_lines, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);

		app->json_lines = fd < 0 ? NULL : fdopen(fd, "a");
		if (app->json_lines == NULL) {
			fprintf(stderr, "portlens: --json-lines %s: %s\n", o->json_lines,
				strerror(errno));
			exit_code = 2;
			goto out;
		}
	}
	if (o->http) {
		/* before the lcores start: a bad address or a port in use stops here */
		struct pl_http_opts ho = { 0 };
		char token[256];

		if (o->http_token) {
			if (read_token(o->http_token, token, sizeof(token)) < 0) {
				exit_code = 2;
				goto out;
			}
			ho.token = token;
		}
		app->http = pl_http_start(o->http, &app->pub, &ho, err, sizeof(err));
		memset(token, 0, sizeof(token));
		if (app->http == NULL) {
			fprintf(stderr, "portlens: --http %s\n", err);
			exit_code = 2;
			goto out;
		}
		PL_LOG(INFO, "HTTP: http://%s/ (dashboard), /metrics, /api/snapshot, /api/history",
		       pl_http_url_addr(app->http));
	}
	if (pl_flowexp_open(app) < 0) {
		exit_code = 2;
		goto out;
	}
	if (app->ipfix) {
		app->col.flow_sink = pl_flowexp_sink;
		app->col.flow_sink_ctx = app;
		for (i = 0; i < (int)app->nb_workers; i++)
			pl_flow_set_active_timeout(app->wk[i]->flows,
						   pl_flowexp_active_ns(app));
	}
	check_numa(app);
	log_plan(app);
	if (pl_reconfig_init(app) < 0) {
		fprintf(stderr, "portlens: out of memory for the RCU state\n");
		goto out;
	}
	if (!app->offline)
		pl_telemetry_init(app); /* telemetry endpoints, dpdk-dumpcap */
	if ((o->interactive || o->cmdline_file) && pl_console_start(app) < 0)
		goto out;

	if (app->offline)
		pl_offline_progress_start(app);
	/* the stats role sleeps on it between ticks (none: it polls) */
	app->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	for (i = 0; i < (int)app->nb_rx; i++)
		rte_eal_remote_launch(app->offline ? pl_offline_rx_loop : pl_rx_loop, app->rx[i],
				      app->rx_lcore[i]);
	for (i = 0; i < (int)app->nb_workers; i++)
		rte_eal_remote_launch(pl_worker_loop, app->wk[i], app->worker_lcore[i]);
	mark(PL_MARK_LAUNCH);
	pl_stats_loop(app);
	app->rx_stop = 1;
	pl_lcores_yield_until_back();
	rte_eal_mp_wait_lcore();
	if (app->wake_fd >= 0) {
		int fd = app->wake_fd;

		app->wake_fd = -1; /* first: a signal from here on writes nowhere */
		close(fd);
	}
	mark(PL_MARK_RUN);
	if (app->offline) {
		pl_offline_progress_stop(app, !pl_offline_failed(app));
		pl_offline_notice(app);
		if (pl_offline_failed(app)) {
			/* a capture that cannot be read to its end: no output, one line, last */
			exit_code = 2;
			goto out;
		}
	}

	exit_code = 0;
	/* flows still tracked end with the traffic: export them before the final count */
	pl_flowexp_final(app);
	fin = pl_stats_final(app);
	if (fin == NULL) {
		exit_code = 1;
		goto out;
	}
	if (o->json) {
		rc = pl_export_json_file(fin, o->json);
		if (rc < 0) {
			fprintf(stderr, "portlens: --json %s: %s\n", o->json, strerror(-rc));
			exit_code = 1;
		}
	}
	if (o->report) {
		char err[PATH_MAX + 64];

		if (pl_report_write(fin, o->report, err, sizeof(err)) < 0) {
			fprintf(stderr, "portlens: --report %s\n", err);
			exit_code = 1;
		}
	}
	if (app->json_lines && pl_export_json_line(fin, app->json_lines) < 0) {
		fprintf(stderr, "portlens: --json-lines %s: write failed\n", o->json_lines);
		exit_code = 1;
	}
	if (o->summary)
		pl_export_summary(fin, stdout);
	if (fin->balance.in_flight != 0) {
		fprintf(stderr, "portlens: the accounting balance does not close: received %" PRIu64
			" != processed %" PRIu64 " + dropped %" PRIu64 " (%" PRId64 " unaccounted)\n",
			fin->balance.received, fin->balance.processed, fin->balance.dropped_total,
			fin->balance.in_flight);
		exit_code = 1;
	}
	mark(PL_MARK_FINAL);
	if (o->timings)
		timings_run(app, fin);
	if (app->http && o->linger > 0)
		linger(app, o->linger);
	pl_console_wait(app); /* offline: the console goes on over the final snapshot */
out:
	pl_console_stop(app);
	pl_reconfig_fini(app);
	pl_http_stop(app->http); /* before the publisher it reads from goes */
	pl_flowexp_close(app);
	app->http = NULL;
	pl_snapshot_put(fin);
	if (app->json_lines)
		fclose(app->json_lines);
	pl_ports_stop(app);
	pl_publisher_fini(&app->pub);
	/* The direction table and the collector are not freed here: rte_free() zeroes what it
	 * frees, and the 64 MiB rte_lpm tbl24 and the collector's findings and sources tables
	 * are mostly never touched, so freeing them would fault in every page (0.4 s for the
	 * lpm table without hugepages, 5 ms for the collector's). The EAL heap and the
	 * process's memory go with the process. */
	pl_bins_free(app->bins);
	eal_cleanup();
	if (pl_offline_failed(app))
		fprintf(stderr, "portlens: --pcap %s\n", pl_capture_error(app->cap));
	pl_offline_close(app);
	mark(PL_MARK_END);
	if (o->timings)
		timings_print();
	return exit_code;
}
