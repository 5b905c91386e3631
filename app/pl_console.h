/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console (-i, --cmdline-file) and the rte_telemetry endpoints. Console commands are
 * split by topic (cmd_port.c, cmd_stats.c, cmd_config.c, cmd_ctl.c); each file exports one
 * section: its cmdline instructions and their help lines, registered from the table in
 * console.c. Every view printed comes from the published snapshot; views that the JSON
 * snapshot has are taken from pl_export_json() so the console, JSON and telemetry agree.
 */
#ifndef PL_CONSOLE_H
#define PL_CONSOLE_H

#include <stdio.h>
#include <jansson.h>
#include <cmdline_parse.h>

#include "pl_app.h"

/** One help line: the syntax and what it does. */
struct pl_cmd_help {
	const char *syntax;
	const char *what;
};

/** A section of commands: one file's table. */
struct pl_cmd_section {
	const char *name;                 /* `help NAME` */
	const char *summary;
	cmdline_parse_inst_t *const *insts;  /* NULL-terminated */
	const struct pl_cmd_help *help;      /* ends with a NULL syntax */
};

extern const struct pl_cmd_section pl_cmd_port, pl_cmd_stats, pl_cmd_config, pl_cmd_ctl;

/* console.c */
int pl_console_start(struct pl_app *app);
void pl_console_wait(struct pl_app *app);
void pl_console_stop(struct pl_app *app);
/* Parse a line against every command without running it: >= 0 if a command matches. */
int pl_console_check(const char *line);
/** Print an argument error and the way to ask for help. */
void pl_cmd_error(const char *section, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** The published snapshot (a reference: pl_snapshot_put() it), or NULL with a message. */
struct pl_snapshot *pl_cmd_snapshot(void);
/** One view of a snapshot as pl_export_json() renders it (a new reference), or NULL. */
json_t *pl_view(const struct pl_snapshot *s, const char *key);
/** Parse an unsigned number in [lo, hi]; prints the error. @return 0 or -1. */
int pl_cmd_uint(const char *section, const char *what, const char *s, unsigned long lo,
		unsigned long hi, unsigned long *out);

/* topflows.c: the largest flows of every worker, on request (`show flows top N`) */
#define PL_TOPFLOWS_MAX 64
struct pl_topflow {
	char src[56], dst[56];     /* initiator and responder, "addr port" */
	char proto[8];
	char state[16];            /* TCP state, "-" for others */
	char cls[PL_CLASS_NAME_LEN];
	uint64_t packets, bytes;   /* both directions */
};
/** Ask every worker for its largest flows and merge them. @return flows (<= max) or -1. */
int pl_topflows_get(struct pl_app *app, struct pl_topflow *out, unsigned int max);

/* telemetry.c */
int pl_telemetry_init(struct pl_app *app);

#endif /* PL_CONSOLE_H */
