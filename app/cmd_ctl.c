/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console section "control": pause and resume the analysis, write the snapshot or the
 * report, quit.
 *
 * `stop` pauses the analysis, not the traffic: RX lcores still receive, workers still
 * dispose of every frame (free in monitor mode, forward to the peer port in inline mode),
 * and the balance counts those frames as received and processed. Nothing else counts
 * them: protocols, directions, ports, classes, flows and findings stand still until
 * `start`. (The RX lcores' arrival statistics, sizes, intervals and inter-arrival times,
 * go on.)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmdline_parse_string.h>

#include "pl_console.h"
#include <cmdline_parse_num.h>
#include <rte_cycles.h>

#include "pl_export.h"
#ifdef PL_HAVE_REPORT
#include "pl_report.h"
#endif

#define SEC "control"

struct cmd_ctl_result {
	cmdline_fixed_string_t verb, what, file;
	uint32_t n;
	uint32_t ms;
};

/* sleep MS: for scripts, let traffic flow between two commands */
static void
cmd_sleep(void *res, struct cmdline *c, void *data)
{
	struct cmd_ctl_result *r = res;

	(void)c;
	(void)data;
	rte_delay_us_sleep((unsigned int)r->ms * 1000);
	printf("slept %u ms\n", r->ms);
}

/*
 * debug stall worker N MS: fault injection. Worker N stops polling for MS ms between two
 * bursts, as a stuck worker would: its rings fill, the RX lcores drop and count, the stats
 * role reports it stale; then it catches up. The command returns when the worker has
 * resumed, and names the snapshots collected wholly while it was stuck: from the second
 * after the worker took the stall (the tick of the first may have been collecting already)
 * to the last published while the worker's sequence number had not moved. The window is
 * defined by what the worker did, so a test can check those snapshots on a loaded machine.
 */
static void
cmd_stall(void *res, struct cmdline *c, void *data)
{
	struct cmd_ctl_result *r = res;
	struct pl_worker_ctx *wk;
	uint64_t first = 0, last = 0, seq, waited;
	uint32_t wseq;

	(void)c;
	(void)data;
	if (r->n >= pl_app.nb_workers) {
		printf("error: no worker %u (there are %u; type 'help control')\n", r->n,
		       pl_app.nb_workers);
		return;
	}
	wk = pl_app.wk[r->n];
	__atomic_store_n(&wk->stall_ms, r->ms, __ATOMIC_RELEASE);
	printf("worker %u stalls for %u ms\n", r->n, r->ms);
	fflush(stdout);
	/* it takes the request between two bursts: then it is stuck */
	for (waited = 0; __atomic_load_n(&wk->stall_ms, __ATOMIC_ACQUIRE) && waited < 5000;
	     waited++)
		usleep(1000);
	if (__atomic_load_n(&wk->stall_ms, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&wk->stall_ms, 0, __ATOMIC_RELEASE);
		printf("error: worker %u did not take the stall in 5 s (it has stopped?)\n", r->n);
		return;
	}
	first = pl_cmd_newest_seq() + 2;
	wseq = pl_ctr_seq(wk->ctr);
	/* stuck until its sequence number moves again */
	for (waited = 0; waited < 2ULL * r->ms + 10000; waited++) {
		seq = pl_cmd_newest_seq();
		if (pl_ctr_seq(wk->ctr) != wseq)
			break;
		last = seq;
		usleep(1000);
	}
	if (last >= first)
		printf("worker %u resumed: snapshots %" PRIu64 " to %" PRIu64 " were collected "
		       "while it was stuck\n", r->n, first, last);
	else
		printf("worker %u resumed: no snapshot was collected while it was stuck\n", r->n);
}

static void
cmd_start(void *res, struct cmdline *c, void *data)
{
	if (!pl_app.paused) {
		printf("analysis is running\n");
		return;
	}
	__atomic_store_n(&pl_app.paused, 0, __ATOMIC_RELEASE);
	printf("analysis started\n");
}

static void
cmd_stop(void *res, struct cmdline *c, void *data)
{
	if (pl_app.paused) {
		printf("analysis is already stopped\n");
		return;
	}
	__atomic_store_n(&pl_app.paused, 1, __ATOMIC_RELEASE);
	printf("analysis stopped: packets are still received and %s, counted as processed "
	       "(start resumes)\n", pl_app.opt.inline_mode ? "forwarded" : "freed");
}

static void
cmd_snapshot(void *res, struct cmdline *c, void *data)
{
	struct cmd_ctl_result *r = res;
	struct pl_snapshot *s = pl_cmd_snapshot();
	int rc;

	if (s == NULL)
		return;
	rc = pl_export_json_file(s, r->file);
	if (rc < 0)
		pl_cmd_error(SEC, "snapshot json %s: %s", r->file, strerror(-rc));
	else
		printf("snapshot %llu written to %s\n", (unsigned long long)s->seq, r->file);
	pl_snapshot_put(s);
}

#ifdef PL_HAVE_REPORT
static void
cmd_report(void *res, struct cmdline *c, void *data)
{
	struct cmd_ctl_result *r = res;
	struct pl_snapshot *s = pl_cmd_snapshot();
	char err[256] = "";

	if (s == NULL)
		return;
	if (pl_report_write(s, r->what, err, sizeof(err)) < 0)
		pl_cmd_error(SEC, "report %s: %s", r->what, err);
	else
		printf("report of snapshot %llu written to %s (charts beside it)\n",
		       (unsigned long long)s->seq, r->what);
	pl_snapshot_put(s);
}
#endif

/* ---- set log, set verbose (testpmd's words) ---- */

static const char *const level_names[] = {
	NULL, "emergency", "alert", "critical", "error", "warning", "notice", "info", "debug",
};

/* A log level by number (1 to 8, as testpmd takes it) or by name. @return it or -1. */
static int
log_level(const char *w)
{
	unsigned int l;
	char *end;
	unsigned long n = strtoul(w, &end, 10);

	if (*w && *end == '\0')
		return n >= RTE_LOG_EMERG && n <= RTE_LOG_DEBUG ? (int)n : -1;
	for (l = RTE_LOG_EMERG; l <= RTE_LOG_DEBUG; l++)
		if (strcmp(w, level_names[l]) == 0 || (strlen(w) >= 3 &&
		    strncmp(w, level_names[l], strlen(w)) == 0))
			return (int)l;
	return -1;
}

/* Tab completion of `set log WHAT`: the global level, then the usual log types. */
static const char *
log_target(unsigned int i)
{
	static const char *const t[] = { "global", "level", "portlens", "eal", "user1",
		"lib.ethdev", "lib.ring", "lib.mempool", "lib.telemetry", "pmd.*", NULL };

	return i < RTE_DIM(t) ? t[i] : NULL;
}

struct cmd_log_result {
	cmdline_fixed_string_t set, log, what, level;
};

/*
 * set log global|level LEVEL: every log type's level, as EAL's --log-level=LEVEL;
 * set log TYPE LEVEL: the types matching TYPE (a name or a glob such as pmd.net.*), as
 * --log-level=TYPE:LEVEL.
 */
static void
cmd_set_log(void *res, struct cmdline *c, void *data)
{
	struct cmd_log_result *r = res;
	int level = log_level(r->level);

	if (level < 0) {
		pl_cmd_error(SEC, "log level '%s': expected 1 to 8 or emergency, alert, critical, "
			     "error, warning, notice, info, debug", r->level);
		return;
	}
	if (strcmp(r->what, "global") == 0 || strcmp(r->what, "level") == 0) {
		rte_log_set_global_level((uint32_t)level);
		printf("log level of every type: %s (%d)\n", level_names[level], level);
		return;
	}
	if (rte_log_set_level_pattern(r->what, (uint32_t)level) < 0) {
		pl_cmd_error(SEC, "log type '%s': cannot set it", r->what);
		return;
	}
	printf("log level of %s: %s (%d)\n", r->what, level_names[level], level);
}

/*
 * set verbose N: how much portlens itself says (its log type): 0 warnings and errors,
 * 1 information (the default), 2 and more debugging. Nothing is printed per packet.
 */
static void
cmd_set_verbose(void *res, struct cmdline *c, void *data)
{
	struct cmd_ctl_result *r = res;
	int now = rte_log_get_level(pl_logtype);
	unsigned int old = now <= (int)RTE_LOG_WARNING ? 0 : now <= (int)RTE_LOG_INFO ? 1 : 2;

	rte_log_set_level(pl_logtype, r->n == 0 ? RTE_LOG_WARNING : r->n == 1 ? RTE_LOG_INFO :
			  RTE_LOG_DEBUG);
	printf("Change verbose level from %u to %u\n", old, r->n);
}

static void
cmd_quit(void *res, struct cmdline *c, void *data)
{
	printf("quitting: final snapshot follows\n");
	pl_app.force_quit = 1;
	pl_stats_wake();
}

#define T(st, v, s) static cmdline_parse_token_string_t st = \
	TOKEN_STRING_INITIALIZER(struct cmd_ctl_result, v, s)
T(t_start, verb, "start");
T(t_stop, verb, "stop");
T(t_snapshot, verb, "snapshot");
T(t_json, what, "json");
T(t_file, file, NULL);
T(t_quit, verb, "quit");
T(t_sleep, verb, "sleep");
T(t_debug, verb, "debug");
T(t_stallw, what, "stall");
T(t_worker, file, "worker");
static cmdline_parse_token_num_t t_n =
	TOKEN_NUM_INITIALIZER(struct cmd_ctl_result, n, RTE_UINT32);
static cmdline_parse_token_num_t t_ms =
	TOKEN_NUM_INITIALIZER(struct cmd_ctl_result, ms, RTE_UINT32);
T(t_set, verb, "set");
T(t_verbose, what, "verbose");
#undef T
#define T(st, v, s) static cmdline_parse_token_string_t st = \
	TOKEN_STRING_INITIALIZER(struct cmd_log_result, v, s)
T(tg_set, set, "set");
T(tg_log, log, "log");
T(tg_level, level, NULL);
static struct pl_token_names tg_what =
	PL_TOKEN_NAMES_INITIALIZER(struct cmd_log_result, what, log_target);
#undef T
#define T(st, v, s) static cmdline_parse_token_string_t st = \
	TOKEN_STRING_INITIALIZER(struct cmd_ctl_result, v, s)
#ifdef PL_HAVE_REPORT
T(t_report, verb, "report");
T(t_rfile, what, NULL);
#endif

#define INST(name, fn, h, ...) \
	static cmdline_parse_inst_t name = { .f = fn, .help_str = h, \
		.tokens = { __VA_ARGS__, NULL } }
INST(i_start, cmd_start, "start", (void *)&t_start);
INST(i_stop, cmd_stop, "stop", (void *)&t_stop);
INST(i_snapshot, cmd_snapshot, "snapshot json FILE", (void *)&t_snapshot, (void *)&t_json,
     (void *)&t_file);
INST(i_quit, cmd_quit, "quit", (void *)&t_quit);
INST(i_sleep, cmd_sleep, "sleep MS", (void *)&t_sleep, (void *)&t_ms);
INST(i_stall, cmd_stall, "debug stall worker N MS", (void *)&t_debug, (void *)&t_stallw,
     (void *)&t_worker, (void *)&t_n, (void *)&t_ms);
INST(i_log, cmd_set_log, "set log global|level|TYPE LEVEL", (void *)&tg_set, (void *)&tg_log,
     (void *)&tg_what, (void *)&tg_level);
INST(i_verbose, cmd_set_verbose, "set verbose N", (void *)&t_set, (void *)&t_verbose,
     (void *)&t_n);
#ifdef PL_HAVE_REPORT
INST(i_report, cmd_report, "report FILE.md", (void *)&t_report, (void *)&t_rfile);
#endif

static cmdline_parse_inst_t *const insts[] = {
	&i_start, &i_stop, &i_snapshot,
#ifdef PL_HAVE_REPORT
	&i_report,
#endif
	&i_log, &i_verbose, &i_sleep, &i_stall, &i_quit, NULL,
};

static const struct pl_cmd_help help[] = {
	{ "start", "resume the analysis" },
	{ "stop", "pause the analysis (traffic still received, disposed of, balanced)" },
	{ "snapshot json FILE", "write the newest snapshot as JSON (atomically)" },
#ifdef PL_HAVE_REPORT
	{ "report FILE.md", "write the report and its four charts beside it" },
#endif
	{ "set log global|level LEVEL", "log level of every type (1-8 or emergency ... debug)" },
	{ "set log TYPE LEVEL", "log level of the types matching TYPE (pmd.net.*, portlens ...)" },
	{ "set verbose N", "what portlens logs: 0 warnings, 1 information, 2 debugging" },
	{ "sleep MS", "wait MS milliseconds (scripts)" },
	{ "debug stall worker N MS",
	  "fault injection: worker N stops polling for MS ms; names the snapshots taken meanwhile" },
	{ "quit", "stop portlens: final snapshot, balance check, exit" },
	{ "help [SECTION]", "the commands, all or by section" },
	{ NULL, NULL },
};

const struct pl_cmd_section pl_cmd_ctl = {
	.name = "control",
	.summary = "analysis on/off, files, quit",
	.insts = insts,
	.help = help,
};
