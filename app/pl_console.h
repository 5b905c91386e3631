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
#include <cmdline_parse_string.h>

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

/**
 * A token that takes any word, like a string token without choices, but that Tab completes
 * from a list of names (finding kinds, log types): the command checks the word itself and
 * says what the choices are, so a wrong word gets a precise error instead of a usage line.
 */
struct pl_token_names {
	cmdline_parse_token_string_t str;   /* first: parsed as a string token */
	const char *(*name)(unsigned int i); /* the i-th name, NULL past the last */
};
extern struct cmdline_token_ops pl_token_names_ops;
#define PL_TOKEN_NAMES_INITIALIZER(structure, field, namefn) { \
	.str = { .hdr = { .ops = &pl_token_names_ops, .offset = offsetof(structure, field) }, \
		 .string_data = { .str = NULL } }, \
	.name = namefn }

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
/** A `show` renderer: prints @view (the snapshot's view asked for, or NULL) of @s. */
typedef void pl_view_print_t(const struct pl_snapshot *s, json_t *view);
/**
 * Print the newest snapshot with @print: takes the snapshot (or says there is none yet),
 * renders the view @key (NULL: none) and releases both.
 */
void pl_cmd_show(const char *key, pl_view_print_t *print);
/** Sequence number of the newest published snapshot, 0 if none. */
uint64_t pl_cmd_newest_seq(void);
/**
 * Wait (a few ticks at most) until a snapshot taken wholly after this call is published.
 * @return its sequence number, or 0 when none will come (the packet path has ended: the
 *         final snapshot is out) or the wait ran out.
 */
uint64_t pl_cmd_next_snapshot(void);
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
