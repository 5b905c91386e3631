/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Offline mode's capture source. The capture files are expanded and checked (lib/capture)
 * in a thread while the EAL starts; any problem is one line on stderr and exit 2. Then the
 * RX role reads the capture directly: each burst of mbufs is filled by the reader, then
 * handed to the same per-burst RX handler as a live port's (pl_rx_burst() in rx.c), so
 * the packets take the same RX -> ring -> worker path and the same snapshots. There is no
 * ethdev in between (docs/architecture.md says why). A progress thread prints one status
 * line about twice a second when stderr is a terminal or --progress asks for it.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cpuflags.h>
#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include "pl_app.h"
#include "pl_capture.h"

#define PROGRESS_NS 500000000ull

/* The capture as a source of the RX handler: its mbufs carry packet time in ns. */
static struct pl_port capture_port = {
	.hw_time = 1,
	.ts_scale = 1,
	/* the reader wrote every byte of each frame on this lcore: demoted where the CPU
	 * has CLDEMOTE (pl_offline_rx_loop()) */
	.name = "capture",
};

static struct {
	pthread_t tid;
	char **paths;
	unsigned int n;
	int flags;
	cpu_set_t spare;  /* CPUs no lcore uses: the reader's helper's (readahead) */
	struct pl_capture *cap;
	int joinable;
	int noticed;      /* the notice of a tolerated cut was printed */
	char err[PATH_MAX + 512];
} open_job;

static struct {
	pthread_t tid;
	int running;
	int tty;
	volatile int stop;
	uint64_t start_ns;
} prog;

static void *
open_thread(void *arg)
{
	(void)arg;
	/* the readahead helper the capture starts runs where this thread runs */
	if (open_job.flags & PL_CAPTURE_READAHEAD)
		pthread_setaffinity_np(pthread_self(), sizeof(open_job.spare), &open_job.spare);
	open_job.cap = pl_capture_open((const char *const *)open_job.paths, open_job.n,
				       open_job.flags, open_job.err, sizeof(open_job.err));
	return NULL;
}

int
pl_offline_open_start(struct pl_app *app)
{
	struct pl_options *o = &app->opt;
	unsigned int i;

	open_job.paths = calloc(PL_CAPTURE_MAX_FILES, sizeof(char *));
	if (open_job.paths == NULL)
		return -1;
	for (i = 0; i < o->nb_pcaps; i++)
		if (pl_capture_expand(o->pcaps[i], open_job.paths, &open_job.n,
				      PL_CAPTURE_MAX_FILES, open_job.err,
				      sizeof(open_job.err)) < 0) {
			fprintf(stderr, "portlens: --pcap %s\n", open_job.err);
			return -1;
		}
	open_job.flags = o->allow_truncated ? PL_CAPTURE_ALLOW_TRUNCATED : 0;
	/* Plain files are mapped; filling the mapping's page tables costs the reader up to a
	 * quarter of its time. A CPU that no lcore uses takes that over (docs/architecture.md);
	 * where there is none, the helper would only take CPU time from the lcores. */
	if (pl_offline_spare_cpus(o, &open_job.spare) > 0)
		open_job.flags |= PL_CAPTURE_READAHEAD;
	/* mapped or read(): measured at the first large file unless --capture-io says */
	if (o->capture_io > 0)
		open_job.flags |= PL_CAPTURE_READ;
	else if (o->capture_io < 0)
		open_job.flags |= PL_CAPTURE_PROBE;
	if (pthread_create(&open_job.tid, NULL, open_thread, NULL) != 0)
		open_thread(NULL);
	else
		open_job.joinable = 1;
	return 0;
}

int
pl_offline_open_wait(struct pl_app *app)
{
	if (open_job.joinable)
		pthread_join(open_job.tid, NULL);
	open_job.joinable = 0;
	if (open_job.cap == NULL) {
		fprintf(stderr, "portlens: --pcap %s\n", open_job.err);
		return -1;
	}
	app->cap = open_job.cap;
	/* a file cut short that --allow-truncated lets through: say so before analysis when
	 * it shows already (a file with no whole record past its header) */
	if (pl_capture_error(app->cap)[0]) {
		fprintf(stderr, "portlens: --pcap %s\n", pl_capture_error(app->cap));
		open_job.noticed = 1;
	}
	return 0;
}

void
pl_offline_notice(struct pl_app *app)
{
	/* the cut the reader found at the end (--allow-truncated), once */
	if (app->cap && !open_job.noticed && pl_capture_done(app->cap) > 0 &&
	    pl_capture_error(app->cap)[0]) {
		fprintf(stderr, "portlens: --pcap %s\n", pl_capture_error(app->cap));
		open_job.noticed = 1;
	}
}

/* Cycles the RX lcore spent reading (the one offline RX lcore writes it, main reads it
 * after that lcore returned). */
static uint64_t read_cycles;

uint64_t
pl_offline_read_cycles(void)
{
	return read_cycles;
}

void
pl_offline_io_note(const struct pl_app *app, char *buf, size_t len)
{
	struct pl_capture_probe p;

	pl_capture_probe_get(&p);
	if (app->opt.capture_io >= 0)
		snprintf(buf, len, ", plain files %s (--capture-io)",
			 app->opt.capture_io ? "read()" : "mapped");
	else if (p.done)
		snprintf(buf, len, ", plain files %s: a KiB mapped %.0f cycles, read() %.0f",
			 p.read ? "read()" : "mapped", p.map_cycles, p.read_cycles);
	else
		snprintf(buf, len, ", plain files mapped (no plain file of %u MiB or more to "
			 "measure)", PL_CAPTURE_PROBE_MIN >> 20);
}

/*
 * Offline rings only smooth the flow: the RX lcore waits when one is full. A larger ring
 * rides out more of the two lcores' swings in speed, and larger bursts spread the per-burst
 * costs of both lcores over more packets (a 5M FinMark run phase 2.7 % shorter with 1,024
 * entries than with 512, and 2.5 % with bursts of 128 than of 64), but the pool that fills
 * them costs page faults at start (a 1-packet run 7 ms longer for the ring,
 * docs/benchmarking.md): both only for an input long enough to win that back. --ring-size
 * sets the ring whatever the input.
 */
void
pl_offline_sizes(struct pl_app *app)
{
	struct pl_capture_progress p;
	int big;

	pl_capture_progress(app->cap, &p);
	big = p.bytes_total >= PL_OFFLINE_BIG_INPUT;
	app->burst = big ? PL_BURST : PL_OFFLINE_BURST;
	if (!app->opt.ring_size_set)
		app->opt.ring_size = big ? PL_OFFLINE_RING_BIG : PL_OFFLINE_RING;
}

/* The RX role on a capture: bursts from the reader through the RX handler. */
int
pl_offline_rx_loop(void *arg)
{
	struct pl_rx_ctx *rx = arg;
	struct pl_app *app = &pl_app;
	struct rte_mbuf *pkts[PL_BURST];
	unsigned int idle = 0;
	int yield = app->opt.idle_yield > 0;

	/* without CLDEMOTE the hint is a NOP: no loop over the burst for it */
	capture_port.demote = rte_cpu_get_flag_enabled(RTE_CPUFLAG_CLDEMOTE) > 0;
	rte_rcu_qsbr_thread_online(app->rcu, rx->lcore);
	while (!app->rx_stop) {
		uint64_t t0 = rte_rdtsc();
		struct pl_ctr_bank *b = pl_ctr_begin(rx->ctr);
		uint16_t n = pl_capture_burst(app->cap, app->pool, pkts, (uint16_t)app->burst);

		if (n) {
			read_cycles += rte_rdtsc() - t0;
			pl_rx_burst(rx, &capture_port, pkts, n, b);
			idle = 0;
		}
		pl_ctr_poll(b, t0, n);
		pl_ctr_end(rx->ctr);
		rte_rcu_qsbr_quiescent(app->rcu, rx->lcore);
		if (n == 0) {
			if (pl_capture_done(app->cap))
				break; /* the end, or an error main reports */
			/* the workers still hold the mbufs: wait for them as a live RX lcore waits
			 * for traffic (a yield gives the CPU away for a whole time slice when the
			 * machine is busy) */
			rte_pause();
			if (yield && ++idle > 1024) {
				sched_yield();
				idle = 0;
			}
		}
	}
	rte_rcu_qsbr_thread_offline(app->rcu, rx->lcore);
	__atomic_store_n(&rx->done, 1, __ATOMIC_RELEASE);
	return 0;
}

/* "1:02:03" or "2:03". */
static void
fmt_time(char *buf, size_t len, double sec)
{
	unsigned long s = sec < 0 ? 0 : (unsigned long)(sec + 0.5);

	if (s >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%lu:%02lu", s / 60, s % 60);
}

static void
progress_line(const struct pl_app *app, int last)
{
	struct pl_capture_progress p;
	double el = (double)(pl_clock_ns(CLOCK_MONOTONIC) - prog.start_ns) / 1e9;
	double share = 0, left = 0;
	char elapsed[32], remain[32];

	pl_capture_progress(app->cap, &p);
	if (p.bytes_total)
		share = (double)p.bytes_done / (double)p.bytes_total;
	if (last)
		share = 1;
	if (share > 0)
		left = el * (1 - share) / share;
	if (el <= 0)
		el = 1e-9;
	fmt_time(elapsed, sizeof(elapsed), el);
	fmt_time(remain, sizeof(remain), left);
	fprintf(stderr, "%sportlens: %5.1f%% | %" PRIu64 " packets | %.2f Mpps | %.0f MB/s | "
		"%s elapsed | %s left%s", prog.tty ? "\r" : "", share * 100, p.records,
		(double)p.records / el / 1e6, (double)p.bytes_done / el / 1e6, elapsed, remain,
		prog.tty ? "\033[K" : "\n");
	if (last && prog.tty)
		fputc('\n', stderr);
	fflush(stderr);
}

static void *
progress_thread(void *arg)
{
	const struct pl_app *app = arg;
	uint64_t next = prog.start_ns + PROGRESS_NS;

	while (!prog.stop) {
		struct timespec ts = { 0, 20000000 }; /* notice the end within 20 ms */

		nanosleep(&ts, NULL);
		if (pl_clock_ns(CLOCK_MONOTONIC) >= next && !prog.stop) {
			progress_line(app, 0);
			next += PROGRESS_NS;
		}
	}
	return NULL;
}

void
pl_offline_progress_start(struct pl_app *app)
{
	int want = app->opt.progress;

	prog.tty = isatty(STDERR_FILENO);
	if (want < 0)
		want = prog.tty && !app->opt.quiet;
	if (!want)
		return;
	prog.start_ns = pl_clock_ns(CLOCK_MONOTONIC);
	prog.stop = 0;
	if (pthread_create(&prog.tid, NULL, progress_thread, app) == 0)
		prog.running = 1;
}

void
pl_offline_progress_stop(struct pl_app *app, int ok)
{
	if (prog.running != 1)
		return;
	prog.stop = 1;
	pthread_join(prog.tid, NULL);
	prog.running = 0;
	if (ok)
		progress_line(app, 1);
	else if (prog.tty)
		fputs("\r\033[K", stderr); /* the error line takes its place */
}

/* The capture as the one port of a snapshot's ports_hw: frames and bytes read. */
unsigned int
pl_offline_hw(struct pl_app *app, struct pl_port_hw *hw, unsigned int max)
{
	struct pl_capture_progress p;

	if (max == 0 || app->cap == NULL)
		return 0;
	pl_capture_progress(app->cap, &p);
	memset(hw, 0, sizeof(*hw));
	snprintf(hw->name, sizeof(hw->name), "%s", capture_port.name);
	hw->ipackets = p.records;
	hw->ibytes = p.frame_bytes;
	return 1;
}

int
pl_offline_failed(const struct pl_app *app)
{
	return app->cap && pl_capture_done(app->cap) < 0;
}

void
pl_offline_inputs(struct pl_app *app)
{
	if (pl_collector_inputs(&app->col, (const char *const *)open_job.paths, open_job.n) < 0)
		PL_LOG(NOTICE, "%u capture files: the snapshot lists those whose names fit",
		       open_job.n);
}

void
pl_offline_close(struct pl_app *app)
{
	unsigned int i;

	pl_capture_close(app->cap);
	app->cap = NULL;
	for (i = 0; open_job.paths && i < open_job.n; i++)
		free(open_job.paths[i]);
	free(open_job.paths);
	open_job.paths = NULL;
	open_job.n = 0;
}
