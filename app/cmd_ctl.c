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
#include <stdio.h>
#include <string.h>

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
 * role reports it stale; then it catches up.
 */
static void
cmd_stall(void *res, struct cmdline *c, void *data)
{
	struct cmd_ctl_result *r = res;

	(void)c;
	(void)data;
	if (r->n >= pl_app.nb_workers) {
		printf("error: no worker %u (there are %u; type 'help control')\n", r->n,
		       pl_app.nb_workers);
		return;
	}
	__atomic_store_n(&pl_app.wk[r->n]->stall_ms, r->ms, __ATOMIC_RELEASE);
	printf("worker %u stalls for %u ms\n", r->n, r->ms);
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

static void
cmd_quit(void *res, struct cmdline *c, void *data)
{
	printf("quitting: final snapshot follows\n");
	pl_app.force_quit = 1;
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
#ifdef PL_HAVE_REPORT
INST(i_report, cmd_report, "report FILE.md", (void *)&t_report, (void *)&t_rfile);
#endif

static cmdline_parse_inst_t *const insts[] = {
	&i_start, &i_stop, &i_snapshot,
#ifdef PL_HAVE_REPORT
	&i_report,
#endif
	&i_sleep, &i_stall, &i_quit, NULL,
};

static const struct pl_cmd_help help[] = {
	{ "start", "resume the analysis" },
	{ "stop", "pause the analysis (traffic still received, disposed of, balanced)" },
	{ "snapshot json FILE", "write the newest snapshot as JSON (atomically)" },
#ifdef PL_HAVE_REPORT
	{ "report FILE.md", "write the report and its four charts beside it" },
#endif
	{ "sleep MS", "wait MS milliseconds (scripts)" },
	{ "debug stall worker N MS", "fault injection: worker N stops polling for MS ms" },
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
