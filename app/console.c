/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console: `portlens> ` in the style of testpmd, on a control thread of its own (the
 * main lcore keeps the stats role and keeps ticking). Commands come, in this order, from
 * --cmdline-file FILE, then with -i from the terminal (line editing, history, tab
 * completion through DPDK's rdline and cmdline) or, when stdin is not a terminal, from
 * stdin line by line. Command output goes to stdout. A line that is not a command, or a
 * command with wrong arguments, prints what was wrong and how to ask for help; the console
 * goes on. Commands are registered from the section table below, one section per file.
 */
/* rdline_new()/rdline_free(): experimental in DPDK 22.11 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cmdline.h>
#include <cmdline_parse_string.h>
#include <cmdline_rdline.h>

#include "pl_console.h"
#include "pl_export.h"

#define PL_PROMPT "portlens> "
/* the longest command line; rdline's own buffer is a little longer */
#define PL_LINE_MAX 480

static const struct pl_cmd_section *const sections[] = {
	&pl_cmd_stats, &pl_cmd_port, &pl_cmd_config, &pl_cmd_ctl,
};

static cmdline_parse_ctx_t *ctx;
static struct cmdline *cl;
static pthread_t thread;
static int started, finished;
static int tty_raw;
static struct termios tty_saved;

/* ---- shared helpers for the command files ---- */

void
pl_cmd_error(const char *section, const char *fmt, ...)
{
	va_list ap;

	printf("error: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (type 'help %s')\n", section);
}

struct pl_snapshot *
pl_cmd_snapshot(void)
{
	struct pl_snapshot *s = pl_snapshot_get(&pl_app.pub);

	if (s == NULL)
		printf("no snapshot yet: the first comes after one stats tick (--tick-ms)\n");
	return s;
}

json_t *
pl_view(const struct pl_snapshot *s, const char *key)
{
	json_t *all = pl_export_json(s), *v;

	if (all == NULL)
		return NULL;
	v = json_object_get(all, key);
	json_incref(v);
	json_decref(all);
	return v;
}

void
pl_cmd_show(const char *key, pl_view_print_t *print)
{
	struct pl_snapshot *s = pl_cmd_snapshot();
	json_t *v;

	if (s == NULL)
		return;
	v = key != NULL ? pl_view(s, key) : NULL;
	print(s, v);
	json_decref(v);
	pl_snapshot_put(s);
}

uint64_t
pl_cmd_newest_seq(void)
{
	struct pl_snapshot *s = pl_snapshot_get(&pl_app.pub);
	uint64_t seq = s ? s->seq : 0;

	pl_snapshot_put(s);
	return seq;
}

uint64_t
pl_cmd_next_snapshot(void)
{
	struct pl_snapshot *s = pl_snapshot_get(&pl_app.pub);
	uint64_t seq = s ? s->seq : 0, got = 0, waited;
	int final = s ? s->final : 0;

	pl_snapshot_put(s);
	/* the tick after the next one began after this call; after a final snapshot, none */
	for (waited = 0; !final && !got && waited < 3000 + 3ULL * pl_app.opt.tick_ms &&
	     !pl_app.force_quit; waited++) {
		usleep(1000);
		s = pl_snapshot_get(&pl_app.pub);
		if (s && s->seq >= seq + 2)
			got = s->seq;
		final = s && s->final;
		pl_snapshot_put(s);
	}
	return got;
}

/* ---- a string token whose Tab completion offers names ---- */

static int
names_nb(cmdline_parse_token_hdr_t *tk)
{
	const struct pl_token_names *t = (const struct pl_token_names *)tk;
	int n = 0;

	while (t->name((unsigned int)n))
		n++;
	return n;
}

static int
names_elt(cmdline_parse_token_hdr_t *tk, int idx, char *dst, unsigned int size)
{
	const struct pl_token_names *t = (const struct pl_token_names *)tk;
	const char *n = idx >= 0 ? t->name((unsigned int)idx) : NULL;

	if (n == NULL || strlen(n) >= size)
		return -1;
	snprintf(dst, size, "%s", n);
	return 0;
}

struct cmdline_token_ops pl_token_names_ops = {
	.parse = cmdline_parse_string,
	.complete_get_nb = names_nb,
	.complete_get_elt = names_elt,
	.get_help = cmdline_get_help_string,
};

int
pl_cmd_uint(const char *section, const char *what, const char *s, unsigned long lo,
	    unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno) {
		pl_cmd_error(section, "%s '%s': expected a whole number", what, s);
		return -1;
	}
	if (v < lo || v > hi) {
		pl_cmd_error(section, "%s %s: out of range (%lu to %lu)", what, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

/* ---- help ---- */

static void
help_section(const struct pl_cmd_section *sec)
{
	const struct pl_cmd_help *h;

	printf("%s: %s\n", sec->name, sec->summary);
	for (h = sec->help; h->syntax; h++)
		printf("  %-46s %s\n", h->syntax, h->what);
}

struct cmd_help_result {
	cmdline_fixed_string_t help;
	cmdline_fixed_string_t section;
};

static void
cmd_help_all(void *res, struct cmdline *c, void *data)
{
	size_t i;

	printf("portlens console. Commands by section (help SECTION for one):\n");
	for (i = 0; i < RTE_DIM(sections); i++)
		help_section(sections[i]);
	printf("Tab completes keywords; lines starting with # are comments.\n");
}

static void
cmd_help_one(void *res, struct cmdline *c, void *data)
{
	struct cmd_help_result *r = res;
	size_t i;

	for (i = 0; i < RTE_DIM(sections); i++)
		if (strcmp(sections[i]->name, r->section) == 0) {
			help_section(sections[i]);
			return;
		}
	printf("error: no help section '%s'; sections:", r->section);
	for (i = 0; i < RTE_DIM(sections); i++)
		printf(" %s", sections[i]->name);
	printf(" (type 'help')\n");
}

static cmdline_parse_token_string_t tok_help =
	TOKEN_STRING_INITIALIZER(struct cmd_help_result, help, "help");
static cmdline_parse_token_string_t tok_help_section =
	TOKEN_STRING_INITIALIZER(struct cmd_help_result, section, NULL);

static cmdline_parse_inst_t cmd_help = {
	.f = cmd_help_all,
	.help_str = "help: the commands by section",
	.tokens = { (void *)&tok_help, NULL },
};
static cmdline_parse_inst_t cmd_help_section = {
	.f = cmd_help_one,
	.help_str = "help SECTION: the commands of one section (stats, port, config, control)",
	.tokens = { (void *)&tok_help, (void *)&tok_help_section, NULL },
};

/* The context: help, then every section's instructions. */
static int
build_ctx(void)
{
	size_t i, n = 2, k = 0;

	for (i = 0; i < RTE_DIM(sections); i++) {
		cmdline_parse_inst_t *const *p;

		for (p = sections[i]->insts; *p; p++)
			n++;
	}
	ctx = calloc(n + 1, sizeof(*ctx));
	if (ctx == NULL)
		return -ENOMEM;
	ctx[k++] = &cmd_help;
	ctx[k++] = &cmd_help_section;
	for (i = 0; i < RTE_DIM(sections); i++) {
		cmdline_parse_inst_t *const *p;

		for (p = sections[i]->insts; *p; p++)
			ctx[k++] = *p;
	}
	ctx[k] = NULL;
	return 0;
}

/* ---- running one line ---- */

/* Usage of the commands that start with the line's first word(s). */
static void
usage_for(const char *line)
{
	char w1[64] = "", w2[64] = "";
	int shown = 0, pass;
	size_t i;

	sscanf(line, "%63s %63s", w1, w2);
	/* first the commands matching two words, else those matching the first */
	for (pass = 0; pass < 2 && !shown; pass++)
		for (i = 0; i < RTE_DIM(sections); i++) {
			const struct pl_cmd_help *h;

			for (h = sections[i]->help; h->syntax; h++) {
				char s1[64] = "", s2[64] = "";

				sscanf(h->syntax, "%63s %63s", s1, s2);
				if (strcmp(s1, w1) || (pass == 0 && strcmp(s2, w2)))
					continue;
				if (!shown)
					printf("usage:\n");
				printf("  %-46s %s\n", h->syntax, h->what);
				shown = 1;
			}
		}
}

static int
known_word(const char *w)
{
	size_t i;

	if (strcmp(w, "help") == 0)
		return 1;
	for (i = 0; i < RTE_DIM(sections); i++) {
		const struct pl_cmd_help *h;

		for (h = sections[i]->help; h->syntax; h++) {
			size_t n = strcspn(h->syntax, " ");

			if (strlen(w) == n && strncmp(h->syntax, w, n) == 0)
				return 1;
		}
	}
	return 0;
}

/* Run one command line (no newline needed). */
static void
run_line(const char *line)
{
	char first[64] = "";
	const char *p = line;
	int rc;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '\n' || *p == '\r' || *p == '#')
		return;
	{
		/* cmdline_parse() runs only a line that ends with a newline */
		char buf[PL_LINE_MAX + 34];

		snprintf(buf, sizeof(buf), "%s\n", p);
		rc = cmdline_parse(cl, buf);
	}
	if (rc >= 0) { /* the length parsed: the command ran */
		fflush(stdout);
		return;
	}
	sscanf(p, "%63s", first);
	if (rc == CMDLINE_PARSE_AMBIGUOUS)
		printf("error: ambiguous command (type 'help')\n");
	else if (!known_word(first))
		printf("error: unknown command '%s' (type 'help' for the list of commands)\n",
		       first);
	else {
		printf("error: wrong arguments for '%s'\n", first);
		usage_for(p);
		printf("(type 'help' for every command)\n");
	}
	fflush(stdout);
}

/*
 * Parse a line against every command without running it (fuzzing, scripts' dry runs).
 * Returns what cmdline_parse_check() says: >= 0 when a command matches.
 */
int
pl_console_check(const char *line)
{
	char buf[PL_LINE_MAX + 34];

	if (ctx == NULL && build_ctx() < 0)
		return -ENOMEM;
	if (cl == NULL) {
		cl = cmdline_new(ctx, PL_PROMPT, -1, -1);
		if (cl == NULL)
			return -ENOMEM;
	}
	if (strlen(line) > PL_LINE_MAX)
		return CMDLINE_PARSE_BAD_ARGS;
	snprintf(buf, sizeof(buf), "%s\n", line);
	return cmdline_parse_check(cl, buf);
}

static int
quit_requested(void)
{
	return pl_app.force_quit;
}

/* Commands from a stream (a script, or stdin that is not a terminal); echoes each one. */
static void
run_stream(FILE *f, const char *name)
{
	char line[PL_LINE_MAX + 2];
	unsigned int lineno = 0;

	while (!quit_requested() && fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			printf("error: %s line %u: line too long (at most %d characters); "
			       "ignored (type 'help')\n", name, lineno, PL_LINE_MAX);
			fflush(stdout);
			continue;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		printf(PL_PROMPT "%s\n", line);
		run_line(line);
		fflush(stdout); /* comments and blank lines too: a reader may wait for them */
	}
}

/* ---- the terminal: DPDK's rdline for editing, history and completion ---- */

static int
tty_write(struct rdline *rdl, char c)
{
	return write(STDOUT_FILENO, &c, 1) == 1 ? 0 : -1;
}

static void
tty_validate(struct rdline *rdl, const char *buf, unsigned int size)
{
	char line[PL_LINE_MAX + 32];
	size_t len;

	snprintf(line, sizeof(line), "%s", buf);
	len = strlen(line);
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (len && line[0] != '#')
		rdline_add_history(rdl, line);
	run_line(line);
}

static int
tty_complete(struct rdline *rdl, const char *buf, char *dst, unsigned int size, int *state)
{
	return cmdline_complete(cl, buf, state, dst, size);
}

static void
tty_restore(void)
{
	if (tty_raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &tty_saved);
		tty_raw = 0;
	}
}

static void
run_tty(void)
{
	struct rdline *rdl = rdline_new(tty_write, tty_validate, tty_complete, NULL);
	struct termios t;

	if (rdl == NULL) {
		fprintf(stderr, "portlens: console: out of memory\n");
		return;
	}
	if (tcgetattr(STDIN_FILENO, &tty_saved) == 0) {
		t = tty_saved;
		t.c_lflag &= ~(ICANON | ECHO); /* keep ISIG: Ctrl-C stops portlens */
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
		tty_raw = 1;
	}
	rdline_newline(rdl, PL_PROMPT);
	while (!quit_requested()) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		char c;
		int rc;

		/* a bounded wait, so that Ctrl-C (a signal caught by another thread) ends the
		 * console at once, without waiting for a key */
		rc = poll(&pfd, 1, 50);
		if (rc == 0 || (rc < 0 && errno == EINTR))
			continue;
		if (rc < 0 || read(STDIN_FILENO, &c, 1) != 1)
			break;
		rc = rdline_char_in(rdl, c);
		if (rc == RDLINE_RES_EOF || rc == RDLINE_RES_EXITED)
			break;
		if (rc == RDLINE_RES_VALIDATED && !quit_requested())
			rdline_newline(rdl, PL_PROMPT);
	}
	tty_restore();
	rdline_free(rdl);
}

static void *
console_main(void *arg)
{
	struct pl_app *app = arg;
	int old;

	pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, &old);
	/* every view needs a snapshot: wait for the first tick */
	while (!quit_requested()) {
		struct pl_snapshot *s = pl_snapshot_get(&app->pub);

		if (s) {
			pl_snapshot_put(s);
			break;
		}
		usleep(10000);
	}
	if (app->opt.cmdline_file) {
		FILE *f = fopen(app->opt.cmdline_file, "r");

		if (f == NULL) {
			printf("error: --cmdline-file %s: %s\n", app->opt.cmdline_file,
			       strerror(errno));
		} else {
			run_stream(f, app->opt.cmdline_file);
			fclose(f);
		}
	}
	if (app->opt.interactive && !quit_requested()) {
		if (isatty(STDIN_FILENO))
			run_tty();
		else
			run_stream(stdin, "stdin");
	}
	fflush(stdout);
	__atomic_store_n(&finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

int
pl_console_start(struct pl_app *app)
{
	if (build_ctx() < 0)
		return -ENOMEM;
	/* no file descriptors: lines are read and parsed here (cmdline_parse()), and
	 * commands print to stdout */
	cl = cmdline_new(ctx, PL_PROMPT, -1, -1);
	if (cl == NULL) {
		fprintf(stderr, "portlens: console: cmdline_new failed\n");
		return -ENOMEM;
	}
	if (pthread_create(&thread, NULL, console_main, app) != 0) {
		fprintf(stderr, "portlens: console: cannot start its thread\n");
		return -EAGAIN;
	}
	pthread_setname_np(thread, "pl-console");
	started = 1;
	return 0;
}

/*
 * After the final snapshot. Offline, the console goes on over it until `quit` or the end of
 * its input, unless a signal stopped portlens. Live, the packet path stops only on `quit`, a
 * signal or --duration: the console is stopped.
 */
void
pl_console_wait(struct pl_app *app)
{
	if (!started)
		return;
	/* a signal during the wait ends it: pl_console_stop() then ends the console */
	while (app->offline && !app->force_quit && !__atomic_load_n(&finished, __ATOMIC_ACQUIRE))
		usleep(10000);
	if (app->offline && !app->force_quit) {
		pthread_join(thread, NULL);
		started = 0;
	}
}

void
pl_console_stop(struct pl_app *app)
{
	if (started) {
		if (!__atomic_load_n(&finished, __ATOMIC_ACQUIRE))
			pthread_cancel(thread);
		pthread_join(thread, NULL);
		started = 0;
	}
	tty_restore();
	if (cl) {
		cmdline_free(cl);
		cl = NULL;
	}
	free(ctx);
	ctx = NULL;
}
