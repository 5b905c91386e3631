/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Payload signatures: the signature file (YAML, read with libyaml's document API), the
 * Hyperscan databases compiled from it on the control thread (block mode for one payload,
 * stream mode for a flow direction's payload: stream.c; in each mode the card-number
 * signatures apart from the others), the per-worker scratches, and the block-mode scan.
 *
 * Card-number signatures must look at every byte of a payload, where the others are
 * anchored at its start: they are most of the cost of scanning. The match callback accepts
 * a card only with 13 to 19 digits in at most 64 bytes and no digit just before or after
 * them, so the card database runs only on payloads where some 64 bytes hold 13 digits that
 * are not part of a run of 20 or more (pl_sigs_card_window(), about a cycle a byte where
 * digits are dense, a fraction of one elsewhere); on any other payload it could report
 * nothing.
 *
 * Loading is all or nothing and every refusal names the file and the line ("sigs.yaml:14:
 * signature 'x': unknown key 'prot'"). Scanning never allocates and never makes a system
 * call: the match callback only sets bits in the caller's result, and for card-number
 * candidates copies at most 19 digits onto its stack for the Luhn check, keeping only the last
 * four digits of the first valid number.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>

#include <hs/hs.h>
#include <numa.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <rte_common.h>
#include <yaml.h>

#include "pl_classify.h"
#include "sigs_priv.h"

static const char *const app_names[] = {
#define PL_X_NAME(name, help, clear) #name,
	PL_APP_PROTOS(PL_X_NAME)
#undef PL_X_NAME
};

uint32_t
pl_app_cleartext_mask(void)
{
	uint32_t m = 0;

#define PL_X_MASK(name, help, clear) m |= (uint32_t)(clear) << PL_APP_##name;
	PL_APP_PROTOS(PL_X_MASK)
#undef PL_X_MASK
	return m;
}

const char *
pl_app_name(unsigned int proto)
{
	return proto < PL_APP_MAX ? app_names[proto] : "unknown";
}

/* ---- loading ---- */

/* What a load works with: the file name for messages, the document, the set being built. */
struct loader {
	const char *path;
	yaml_document_t *doc;
	struct pl_sigs *s;
	char *err;
	size_t errlen;
};

/* Write "FILE:LINE: message" (LINE from @p node, 1-based) and return -EINVAL. */
static int __attribute__((format(printf, 3, 4)))
fail(struct loader *ld, const yaml_node_t *node, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ld->err != NULL && ld->errlen > 0)
		snprintf(ld->err, ld->errlen, "%s:%lu: %s", ld->path,
			 node != NULL ? (unsigned long)node->start_mark.line + 1 : 1UL, msg);
	return -EINVAL;
}

static const char *
scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int
valid_name(const char *v)
{
	size_t i, len = strlen(v);

	if (len == 0 || len >= PL_SIG_NAME_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_'))
			return 0;
	}
	return 1;
}

static const struct {
	const char *name;
	unsigned int flag;
} flag_names[] = {
	{ "caseless", HS_FLAG_CASELESS },
	{ "dotall", HS_FLAG_DOTALL },
	{ "multiline", HS_FLAG_MULTILINE },
	{ "singlematch", HS_FLAG_SINGLEMATCH },
	{ "allowempty", HS_FLAG_ALLOWEMPTY },
	{ "utf8", HS_FLAG_UTF8 },
	{ "ucp", HS_FLAG_UCP },
	{ "som_leftmost", HS_FLAG_SOM_LEFTMOST },
};

static int
parse_ports(struct loader *ld, const char *who, const yaml_node_t *v, struct pl_sig_def *d)
{
	yaml_node_item_t *it;

	if (v->type != YAML_SEQUENCE_NODE)
		return fail(ld, v, "signature '%s': ports must be a list of port numbers", who);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		const yaml_node_t *e = yaml_document_get_node(ld->doc, *it);
		const char *str;
		char *end;
		unsigned long p;

		if (e == NULL || e->type != YAML_SCALAR_NODE)
			return fail(ld, v, "signature '%s': ports must be a list of port numbers",
				    who);
		str = scalar(e);
		errno = 0;
		p = strtoul(str, &end, 10);
		if (str[0] < '0' || str[0] > '9' || *end != '\0' || errno != 0 || p < 1 ||
		    p > 65535)
			return fail(ld, e, "signature '%s': port '%s' is not a number from 1 to 65535",
				    who, str);
		if (d->nb_ports >= RTE_DIM(d->ports))
			return fail(ld, e, "signature '%s': more than %u ports", who,
				    (unsigned int)RTE_DIM(d->ports));
		d->ports[d->nb_ports++] = (uint16_t)p;
	}
	return 0;
}

static int
parse_flags(struct loader *ld, const char *who, const yaml_node_t *v, struct pl_sig_def *d)
{
	yaml_node_item_t *it;
	size_t i;

	if (v->type != YAML_SEQUENCE_NODE)
		return fail(ld, v, "signature '%s': flags must be a list", who);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		const yaml_node_t *e = yaml_document_get_node(ld->doc, *it);

		if (e == NULL || e->type != YAML_SCALAR_NODE)
			return fail(ld, v, "signature '%s': flags must be a list of names", who);
		for (i = 0; i < RTE_DIM(flag_names); i++) {
			if (strcmp(scalar(e), flag_names[i].name) == 0)
				break;
		}
		if (i == RTE_DIM(flag_names))
			return fail(ld, e, "signature '%s': unknown flag '%s' (caseless, dotall, "
				    "multiline, singlematch, allowempty, utf8, ucp, som_leftmost)",
				    who, scalar(e));
		d->hs_flags |= flag_names[i].flag;
	}
	return 0;
}

/*
 * One entry of the signatures list into s->def[s->n]. The name is read first whatever its
 * position so that every later message can name the signature.
 */
static int
parse_sig(struct loader *ld, const yaml_node_t *item)
{
	struct pl_sigs *s = ld->s;
	struct pl_sig_def *d = &s->def[s->n];
	const yaml_node_t *name = NULL, *proto = NULL, *ports = NULL, *pattern = NULL;
	const yaml_node_t *flags = NULL;
	yaml_node_pair_t *pr;
	const char *who;
	unsigned int i;
	int rc;

	if (item->type != YAML_MAPPING_NODE)
		return fail(ld, item, "a signature must be a mapping (name, protocol, ports, "
			    "pattern, flags)");
	for (pr = item->data.mapping.pairs.start; pr < item->data.mapping.pairs.top; pr++) {
		const yaml_node_t *k = yaml_document_get_node(ld->doc, pr->key);
		const yaml_node_t *v = yaml_document_get_node(ld->doc, pr->value);
		const yaml_node_t **slot;

		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			return fail(ld, item, "signature keys must be plain names");
		if (strcmp(scalar(k), "name") == 0)
			slot = &name;
		else if (strcmp(scalar(k), "protocol") == 0)
			slot = &proto;
		else if (strcmp(scalar(k), "ports") == 0)
			slot = &ports;
		else if (strcmp(scalar(k), "pattern") == 0)
			slot = &pattern;
		else if (strcmp(scalar(k), "flags") == 0)
			slot = &flags;
		else
			return fail(ld, k, "unknown key '%s' in a signature (name, protocol, ports, "
				    "pattern, flags)", scalar(k));
		if (*slot != NULL)
			return fail(ld, k, "duplicate key '%s'", scalar(k));
		*slot = v;
	}

	if (name == NULL)
		return fail(ld, item, "signature without a name");
	if (name->type != YAML_SCALAR_NODE || !valid_name(scalar(name)))
		return fail(ld, name, "signature name must be 1 to %d characters of a-z, 0-9 and _",
			    PL_SIG_NAME_LEN - 1);
	who = scalar(name);
	for (i = 0; i < s->n; i++) {
		if (strcmp(s->def[i].name, who) == 0)
			return fail(ld, name, "duplicate signature name '%s' (first on line %u)",
				    who, s->line[i]);
	}
	snprintf(d->name, sizeof(d->name), "%s", who);

	if (proto == NULL)
		return fail(ld, item, "signature '%s': no protocol", who);
	if (proto->type != YAML_SCALAR_NODE)
		return fail(ld, proto, "signature '%s': protocol must be a name", who);
	for (i = 0; i < PL_APP_MAX; i++) {
		if (strcmp(scalar(proto), app_names[i]) == 0)
			break;
	}
	if (i == PL_APP_MAX)
		return fail(ld, proto, "signature '%s': unknown protocol '%s' (tls, http, "
			    "pgsql_ssl, pgsql_clear, ssh, dns, card, other)", who, scalar(proto));
	d->proto = (uint8_t)i;

	if (pattern == NULL)
		return fail(ld, item, "signature '%s': no pattern", who);
	if (pattern->type != YAML_SCALAR_NODE || pattern->data.scalar.length == 0)
		return fail(ld, pattern, "signature '%s': pattern must be a non-empty string", who);
	if (pattern->data.scalar.length >= sizeof(d->pattern) ||
	    strlen(scalar(pattern)) != pattern->data.scalar.length)
		return fail(ld, pattern, "signature '%s': pattern longer than %u characters or "
			    "holding a NUL (write \\x00)", who,
			    (unsigned int)sizeof(d->pattern) - 1);
	memcpy(d->pattern, scalar(pattern), pattern->data.scalar.length + 1);
	s->line[s->n] = (unsigned int)pattern->start_mark.line + 1;

	if (ports != NULL && (rc = parse_ports(ld, who, ports, d)) < 0)
		return rc;
	if (flags != NULL && (rc = parse_flags(ld, who, flags, d)) < 0)
		return rc;
	if (d->proto == PL_APP_card) {
		/* the callback needs the start of the match to read the digits */
		d->hs_flags |= HS_FLAG_SOM_LEFTMOST;
		s->card_sigs |= 1ULL << s->n;
	}
	s->n++;
	return 0;
}

/* The root mapping: one key, "signatures", a non-empty list. */
static int
parse_root(struct loader *ld)
{
	const yaml_node_t *root = yaml_document_get_root_node(ld->doc);
	const yaml_node_t *list = NULL;
	yaml_node_pair_t *pr;
	yaml_node_item_t *it;
	int rc;

	if (root == NULL)
		return fail(ld, NULL, "empty file: expected a 'signatures' list");
	if (root->type != YAML_MAPPING_NODE)
		return fail(ld, root, "expected a mapping with a 'signatures' list");
	for (pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
		const yaml_node_t *k = yaml_document_get_node(ld->doc, pr->key);

		if (k == NULL || k->type != YAML_SCALAR_NODE || strcmp(scalar(k), "signatures") != 0)
			return fail(ld, k != NULL ? k : root, "unknown key '%s' (expected "
				    "'signatures')", k != NULL && k->type == YAML_SCALAR_NODE ?
				    scalar(k) : "?");
		if (list != NULL)
			return fail(ld, k, "duplicate key 'signatures'");
		list = yaml_document_get_node(ld->doc, pr->value);
	}
	if (list == NULL)
		return fail(ld, root, "no 'signatures' list");
	if (list->type != YAML_SEQUENCE_NODE)
		return fail(ld, list, "'signatures' must be a list");
	for (it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
		const yaml_node_t *item = yaml_document_get_node(ld->doc, *it);

		if (ld->s->n >= PL_MAX_SIGS)
			return fail(ld, item, "more than %d signatures", PL_MAX_SIGS);
		if ((rc = parse_sig(ld, item)) < 0)
			return rc;
	}
	if (ld->s->n == 0)
		return fail(ld, list, "'signatures' is empty");
	return 0;
}

/*
 * Compile the signatures that are (@p card 1) or are not (0) card-number signatures into
 * one database of @p mode; none: *db is NULL. Errors name the signature. Stream mode tracks
 * the start of matches over a small horizon (2^16 bytes), which covers every card-number
 * match (at most CARD_MAX_SPAN bytes long) whatever the budget.
 */
static int
compile_mode(struct loader *ld, int card, unsigned int mode, hs_database_t **db)
{
	struct pl_sigs *s = ld->s;
	const char *exprs[PL_MAX_SIGS];
	unsigned int flags[PL_MAX_SIGS], ids[PL_MAX_SIGS], i, k = 0, bad;
	hs_compile_error_t *ce = NULL;
	struct pl_sigcache_req req = { .exprs = exprs, .flags = flags, .ids = ids, .mode = mode };

	*db = NULL;
	for (i = 0; i < s->n; i++) {
		if ((int)((s->card_sigs >> i) & 1) != card)
			continue;
		exprs[k] = s->def[i].pattern;
		flags[k] = s->def[i].hs_flags;
		ids[k++] = i;   /* matches report the signature's own number */
	}
	if (k == 0)
		return 0;
	/* an unchanged set compiled before: read from the cache (sigcache.c) */
	req.n = k;
	if (pl_sigcache_load(&req, db) == 0) {
		s->from_cache++;
		return 0;
	}
	if (hs_compile_multi(exprs, flags, ids, k, mode, NULL, db, &ce) == HS_SUCCESS) {
		pl_sigcache_store(&req, *db);
		return 0;
	}
	pl_sigcache_store(&req, NULL);
	if (ce != NULL && ce->expression >= 0 && (unsigned int)ce->expression < k) {
		bad = ids[ce->expression];
		snprintf(ld->err, ld->errlen, "%s:%u: signature '%s': pattern: %s", ld->path,
			 s->line[bad], s->def[bad].name, ce->message);
	} else {
		snprintf(ld->err, ld->errlen, "%s:1: Hyperscan: %s", ld->path,
			 ce != NULL ? ce->message : "compile failed");
	}
	hs_free_compile_error(ce);
	*db = NULL;
	return -EINVAL;
}

/* The longest match of signature @p d, UINT32_MAX when unbounded or unknown. */
static uint32_t
sig_width(const struct pl_sig_def *d)
{
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *ce = NULL;
	uint32_t w = UINT32_MAX;

	if (hs_expression_info(d->pattern, d->hs_flags, &info, &ce) != HS_SUCCESS) {
		hs_free_compile_error(ce);
		return w;
	}
	if (info->max_width != UINT_MAX)
		w = info->max_width;
	free(info);
	return w;
}

/* Whether every card signature matches at most CARD_MAX_SPAN bytes. */
static int
card_bounded(const struct pl_sigs *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (((s->card_sigs >> i) & 1) && sig_width(&s->def[i]) > CARD_MAX_SPAN)
			return 0;
	return 1;
}

static int
compile(struct loader *ld)
{
	static const unsigned int smode = HS_MODE_STREAM | HS_MODE_SOM_HORIZON_SMALL;
	struct pl_sigs *s = ld->s;
	int rc;

	rc = compile_mode(ld, 0, HS_MODE_BLOCK, &s->db);
	if (rc == 0)
		rc = compile_mode(ld, 1, HS_MODE_BLOCK, &s->cdb);
	if (rc == 0)
		rc = compile_mode(ld, 0, smode, &s->sdb);
	if (rc == 0)
		rc = compile_mode(ld, 1, smode, &s->csdb);
	if (rc < 0) {
		hs_free_database(s->db);
		hs_free_database(s->cdb);
		hs_free_database(s->sdb);
		s->db = s->cdb = s->sdb = NULL;
		return rc;
	}
	s->card_bounded = card_bounded(s);
	return 0;
}

/* ---- the fixed first bytes of anchored signatures ---- */

/*
 * A datagram is scanned alone, and Hyperscan's block scan costs about 430 instructions a
 * call even when every signature dies on the first bytes. Every non-card shipped signature is
 * anchored (`^`) and starts with fixed bytes or classes, so the loader reads the first
 * PREFIX_MAX of them from each pattern, and a datagram whose first bytes no signature accepts
 * skips the call: a match starting at offset 0 must begin with them. The reading is
 * deliberately narrow: only patterns starting with ^, flags dotall, singlematch and
 * som_leftmost only, no alternation at the top, no \Q or inline options; atoms: a literal
 * byte, \xHH, \r \n \t \f \v \e \a \d, an escaped punctuation byte, `.`, a class of such
 * bytes and ranges, and a first group (?:...|...) of such atoms. Anything else ends what is
 * known of the pattern, and one pattern not understood turns the shortcut off.
 */
struct bset {
	uint64_t w[4];
};

static void
bs_add(struct bset *b, unsigned int c)
{
	b->w[(c >> 6) & 3] |= 1ULL << (c & 63);
}

static int
bs_has(const struct bset *b, unsigned int c)
{
	return (b->w[(c >> 6) & 3] >> (c & 63)) & 1;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* An escape (after its backslash) into @p b; returns the characters read, 0: not understood. */
static int
px_escape(const char *p, struct bset *b)
{
	/* not \v: in PCRE and Hyperscan it is any vertical space, not one byte */
	static const char named[] = "rntfea";
	static const unsigned char byte[] = { 13, 10, 9, 12, 27, 7 };
	const char *n;
	unsigned int c;

	if (p[0] == 'x' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
		bs_add(b, (unsigned int)(hexval(p[1]) * 16 + hexval(p[2])));
		return 3;
	}
	if (p[0] == 'd') {
		for (c = '0'; c <= '9'; c++)
			bs_add(b, c);
		return 1;
	}
	if (p[0] != '\0' && (n = strchr(named, p[0])) != NULL) {
		bs_add(b, byte[n - named]);
		return 1;
	}
	if (p[0] != '\0' && !((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z') ||
			      (p[0] >= '0' && p[0] <= '9')) && (unsigned char)p[0] < 0x80) {
		bs_add(b, (unsigned char)p[0]);
		return 1;
	}
	return 0;
}

/* One byte of a class (a range end): its value, the characters read in *n; -1: not one. */
static int
px_class_byte(const char *p, int *n)
{
	struct bset b = { { 0 } };
	unsigned int c, found = 0, val = 0;

	if (*p == '\\') {
		*n = px_escape(p + 1, &b);
		if (*n == 0)
			return -1;
		for (c = 0; c < 256; c++)
			if (bs_has(&b, c)) {
				found++;
				val = c;
			}
		*n += 1;
		return found == 1 ? (int)val : -1;
	}
	if (*p == '\0' || *p == '[' || (unsigned char)*p >= 0x80)
		return -1;
	*n = 1;
	return (unsigned char)*p;
}

/* A class (after its '[') into @p b; returns the characters read through ']', 0: not understood. */
static int
px_class(const char *p, struct bset *b)
{
	const char *q = p;
	struct bset t = { { 0 } };
	int neg = 0, first = 1, lo, hi, n, i;
	unsigned int c;

	if (*q == '^') {
		neg = 1;
		q++;
	}
	while (*q != '\0' && (*q != ']' || first)) {
		first = 0;
		if (q[0] == '\\' && q[1] == 'd') {
			px_escape(q + 1, &t);
			q += 2;
			continue;
		}
		lo = px_class_byte(q, &n);
		if (lo < 0)
			return 0;
		q += n;
		if (q[0] == '-' && q[1] != ']' && q[1] != '\0') {
			hi = px_class_byte(q + 1, &n);
			if (hi < lo)
				return 0;
			q += 1 + n;
		} else {
			hi = lo;
		}
		for (i = lo; i <= hi; i++)
			bs_add(&t, (unsigned int)i);
	}
	if (*q != ']')
		return 0;
	for (c = 0; c < 256 && neg; c++)
		if (bs_has(&t, c))
			t.w[c >> 6] &= ~(1ULL << (c & 63));
		else
			bs_add(&t, c);
	*b = t;
	return (int)(q + 1 - p);
}

/* One atom at @p p into @p b; returns the characters read, 0: not an atom understood. */
static int
px_atom(const char *p, unsigned int flags, struct bset *b)
{
	unsigned int c;
	int n;

	memset(b, 0, sizeof(*b));
	if (*p == '\\')
		return (n = px_escape(p + 1, b)) > 0 ? n + 1 : 0;
	if (*p == '.') {
		for (c = 0; c < 256; c++)
			if (c != '\n' || (flags & HS_FLAG_DOTALL))
				bs_add(b, c);
		return 1;
	}
	if (*p == '[')
		return (n = px_class(p + 1, b)) > 0 ? n + 1 : 0;
	if (*p == '\0' || strchr("^$|?*+(){}", *p) != NULL || (unsigned char)*p >= 0x80)
		return 0;
	bs_add(b, (unsigned char)*p);
	return 1;
}

static int
px_quantified(const char *p)
{
	return *p == '?' || *p == '*' || *p == '+' || *p == '{';
}

/*
 * A pattern's shape allows reading its first bytes: it starts with ^, has no alternation
 * outside parentheses, no (? other than (?:, its parentheses balance, and every escape is
 * one of those that take no argument (so none can hide a parenthesis or a bar: no \Q, \c,
 * \x{...}, \p{...}, back-references).
 */
static int
px_anchored(const char *p)
{
	int depth = 0;

	if (*p != '^')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p == '\\') {
			if (p[1] == 'x' && hexval(p[2]) >= 0 && hexval(p[3]) >= 0)
				p += 2;
			else if (p[1] == '\0' || (((p[1] >= 'a' && p[1] <= 'z') ||
						    (p[1] >= 'A' && p[1] <= 'Z') ||
						    (p[1] >= '0' && p[1] <= '9')) &&
						   strchr("dDwWsSbBhHvVrntfeazZAG", p[1]) == NULL))
				return 0;
			p++;
		} else if (*p == '[') {
			int n = px_class(p + 1, &(struct bset){ { 0 } });

			if (n == 0)
				return 0;
			p += n;
		} else if (*p == '(') {
			if (p[1] == '?' && p[2] != ':')
				return 0;
			depth++;
		} else if (*p == ')') {
			if (--depth < 0)
				return 0;
		} else if (*p == '|' && depth == 0) {
			return 0;
		}
	}
	return depth == 0;
}

/*
 * A group's alternatives (after its "(?:"): at offset j below the shortest alternative, the
 * union of their atoms into sets[j]. Returns how many offsets, 0 when not understood.
 */
static int
px_group(const char *p, unsigned int flags, struct bset sets[PREFIX_MAX])
{
	struct bset b;
	int n, j = 0, shortest = PREFIX_MAX;

	memset(sets, 0, sizeof(struct bset) * PREFIX_MAX);
	for (;;) {
		if (*p == '|' || *p == ')') {
			if (j == 0)
				return 0;
			shortest = RTE_MIN(shortest, j);
			if (*p == ')')
				return px_quantified(p + 1) ? 0 : shortest;
			p++;
			j = 0;
			continue;
		}
		n = px_atom(p, flags, &b);
		if (n == 0 || px_quantified(p + n))
			return 0;
		if (j < PREFIX_MAX) {
			sets[j].w[0] |= b.w[0];
			sets[j].w[1] |= b.w[1];
			sets[j].w[2] |= b.w[2];
			sets[j].w[3] |= b.w[3];
		}
		j++;
		p += n;
	}
}

/* The known first bytes of @p pat into sets[]: how many, -1 when the pattern is not read. */
static int
px_prefix(const char *pat, unsigned int flags, struct bset sets[PREFIX_MAX])
{
	const unsigned int ok = HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH | HS_FLAG_SOM_LEFTMOST;
	struct bset g[PREFIX_MAX];
	const char *p = pat + 1;
	int k = 0, n, i;

	if ((flags & ~ok) != 0 || !px_anchored(pat))
		return -1;
	while (k < PREFIX_MAX) {
		if (p[0] == '(' && p[1] == '?' && p[2] == ':') {
			n = px_group(p + 3, flags, g);
			for (i = 0; i < n && k < PREFIX_MAX; i++)
				sets[k++] = g[i];
			break;   /* the alternatives may differ in length: what follows is unknown */
		}
		n = px_atom(p, flags, &sets[k]);
		if (n == 0 || px_quantified(p + n))
			break;
		k++;
		p += n;
	}
	return k;
}

/* Fill the first-byte tables from every signature but the card ones (prefix_ok 0: none). */
static void
build_prefix(struct pl_sigs *s)
{
	struct bset sets[PREFIX_MAX];
	unsigned int id, c;
	int i, k;

	memset(s->prefix, 0, sizeof(s->prefix));
	memset(s->prefix_short, 0, sizeof(s->prefix_short));
	s->prefix_ok = 0;
	for (id = 0; id < s->n; id++) {
		if ((s->card_sigs >> id) & 1)
			continue;
		k = px_prefix(s->def[id].pattern, s->def[id].hs_flags, sets);
		if (k < 0)
			return;
		s->width[id] = sig_width(&s->def[id]);
		for (i = 0; i < PREFIX_MAX; i++) {
			if (i >= k)
				s->prefix_short[i] |= 1ULL << id;
			for (c = 0; c < 256; c++)
				if (i >= k || bs_has(&sets[i], c))
					s->prefix[i][c] |= 1ULL << id;
		}
	}
	s->prefix_ok = 1;
}

/*
 * The non-card signatures (a bit each) that may match at the start of the @p len bytes at
 * @p b, with prefix_ok. @p whole: the payload ends there (a datagram), so a signature that
 * needs a byte past it cannot match; else the bytes after it are not known yet.
 */
static inline uint64_t
prefix_possible(const struct pl_sigs *s, const uint8_t *b, uint32_t len, int whole)
{
	uint64_t m = ~0ULL;
	int i;

	for (i = 0; i < PREFIX_MAX && m != 0; i++) {
		if ((uint32_t)i < len)
			m &= s->prefix[i][b[i]];
		else if (whole)
			m &= s->prefix_short[i];
		else
			break;
	}
	return m;
}

/* Whether a non-card signature may match at the start of the @p len bytes at @p b. */
static inline int
prefix_may_match(const struct pl_sigs *s, const uint8_t *b, uint32_t len)
{
	return !s->prefix_ok || prefix_possible(s, b, len, 1) != 0;
}

/*
 * How many of a flow direction's first bytes its main stream (the non-card signatures) needs,
 * given the direction's first @p len bytes at @p b: every such signature is anchored
 * (prefix_ok), so a match ends within the longest width of those the first bytes leave
 * possible; one byte more lets an assertion at the end (\b) see what follows. 0: none can
 * match; UINT32_MAX: all of them.
 */
uint32_t
pl_sigs_reach(const struct pl_sigs *s, const uint8_t *b, uint32_t len)
{
	uint32_t reach = 0;
	unsigned int id;
	uint64_t m;

	if (!s->prefix_ok)
		return UINT32_MAX;
	m = prefix_possible(s, b, len, 0);
	for (id = 0; id < s->n; id++) {
		if (!((m >> id) & 1) || ((s->card_sigs >> id) & 1))
			continue;
		if (s->width[id] >= UINT32_MAX - 1)
			return UINT32_MAX;
		reach = RTE_MAX(reach, s->width[id] + 1);
	}
	return reach;
}

static void
build_home_ports(struct pl_sigs *s)
{
	unsigned int i, j;

	for (i = 0; i < s->n; i++) {
		const struct pl_sig_def *d = &s->def[i];

		if (d->nb_ports > 0)
			s->homed |= 1U << d->proto;
		for (j = 0; j < d->nb_ports; j++)
			s->home[d->proto][d->ports[j] >> 3] |= (uint8_t)(1U << (d->ports[j] & 7));
	}
}

struct pl_sigs *
pl_sigs_load(const char *path, char *err, size_t errlen)
{
	char dummy[1];
	struct loader ld = { .path = path, .err = err, .errlen = errlen };
	yaml_parser_t parser;
	yaml_document_t doc;
	struct pl_sigs *s;
	FILE *f;
	int rc, saved;

	if (err == NULL || errlen == 0) {
		ld.err = dummy;
		ld.errlen = sizeof(dummy);
	}
	ld.err[0] = '\0';
	f = fopen(path, "rb");
	if (f == NULL) {
		saved = errno;
		snprintf(ld.err, ld.errlen, "%s:0: cannot open: %s", path, strerror(saved));
		errno = saved;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL || !yaml_parser_initialize(&parser)) {
		snprintf(ld.err, ld.errlen, "%s:0: out of memory", path);
		free(s);
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(ld.err, ld.errlen, "%s:%lu: YAML syntax error: %s%s%s%s", path,
			 (unsigned long)parser.problem_mark.line + 1,
			 parser.problem != NULL ? parser.problem : "unreadable",
			 parser.context != NULL ? " (" : "",
			 parser.context != NULL ? parser.context : "",
			 parser.context != NULL ? ")" : "");
		yaml_parser_delete(&parser);
		fclose(f);
		free(s);
		errno = EINVAL;
		return NULL;
	}
	ld.doc = &doc;
	ld.s = s;
	rc = parse_root(&ld);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	if (rc == 0)
		rc = compile(&ld);
	if (rc < 0) {
		free(s);
		errno = -rc;
		return NULL;
	}
	build_home_ports(s);
	build_prefix(s);
	return s;
}

void
pl_sigs_free(struct pl_sigs *s)
{
	if (s == NULL)
		return;
	hs_free_database(s->db);
	hs_free_database(s->cdb);
	hs_free_database(s->sdb);
	hs_free_database(s->csdb);
	free(s);
}

unsigned int
pl_sigs_cached(const struct pl_sigs *s)
{
	return s != NULL ? s->from_cache : 0;
}

unsigned int
pl_sigs_count(const struct pl_sigs *s)
{
	return s != NULL ? s->n : 0;
}

const struct pl_sig_def *
pl_sigs_def(const struct pl_sigs *s, unsigned int id)
{
	return s != NULL && id < s->n ? &s->def[id] : NULL;
}

int
pl_sigs_on_port(const struct pl_sigs *s, unsigned int proto, uint16_t port)
{
	if (s == NULL || proto >= PL_APP_MAX || !(s->homed & (1U << proto)))
		return 1;
	return (s->home[proto][port >> 3] >> (port & 7)) & 1;
}

/* ---- scratches and scanning ---- */

/*
 * Hyperscan's scratch allocator: a worker's scratch (written on every scan) goes on the NUMA
 * node of the worker's lcore, through libnuma. Hyperscan frees without a size and
 * numa_free() needs one, so each block starts with a header that records its size and how
 * it was allocated. The node comes from the thread allocating (scratch_node; control
 * threads only allocate scratches).
 */
struct scratch_hdr {
	size_t total;
	int numa;
} __attribute__((aligned(64)));

static __thread int scratch_node = -1;

void
pl_sigs_alloc_node(int node)
{
	scratch_node = node;
}

void *
pl_sigs_alloc(size_t size)
{
	size_t total = sizeof(struct scratch_hdr) + size;
	struct scratch_hdr *h = NULL;
	int on_node = scratch_node >= 0 && numa_available() >= 0 &&
		      scratch_node <= numa_max_node();

	if (on_node)
		h = numa_alloc_onnode(total, scratch_node);
	if (h == NULL) {
		on_node = 0;
		if (posix_memalign((void **)&h, 64, total) != 0)
			return NULL;
	}
	/* a stream pool (megabytes, its slot table zeroed at once): transparent huge pages
	 * where the kernel allows them, a few 2 MiB faults instead of a 4 KiB fault a page
	 * (about 20 us each on a virtual machine) */
	if (total >= (4u << 20))
		madvise((void *)((uintptr_t)h & ~(uintptr_t)4095), total, MADV_HUGEPAGE);
	h->total = total;
	h->numa = on_node;
	return h + 1;
}

void
pl_sigs_release(void *p)
{
	struct scratch_hdr *h;

	if (p == NULL)
		return;
	h = (struct scratch_hdr *)p - 1;
	if (h->numa)
		numa_free(h, h->total);
	else
		free(h);
}

void *
pl_sigs_scratch_on(const struct pl_sigs *s, int node)
{
	static int allocator_set;
	hs_database_t *const dbs[4] = { s != NULL ? s->db : NULL, s != NULL ? s->cdb : NULL,
					s != NULL ? s->sdb : NULL, s != NULL ? s->csdb : NULL };
	hs_scratch_t *sc = NULL;
	hs_error_t rc = HS_SUCCESS;
	unsigned int i;

	if (s == NULL || (s->db == NULL && s->cdb == NULL)) {
		errno = EINVAL;
		return NULL;
	}
	if (!allocator_set) {
		if (hs_set_scratch_allocator(pl_sigs_alloc, pl_sigs_release) != HS_SUCCESS) {
			errno = EINVAL;
			return NULL;
		}
		allocator_set = 1;
	}
	/* one scratch serves every database: each call grows it to fit */
	scratch_node = node;
	for (i = 0; i < RTE_DIM(dbs) && rc == HS_SUCCESS; i++)
		if (dbs[i] != NULL)
			rc = hs_alloc_scratch(dbs[i], &sc);
	scratch_node = -1;
	if (rc != HS_SUCCESS) {
		hs_free_scratch(sc);
		errno = ENOMEM;
		return NULL;
	}
	return sc;
}

void *
pl_sigs_scratch(const struct pl_sigs *s)
{
	return pl_sigs_scratch_on(s, -1);
}

void
pl_sigs_scratch_free(void *scratch)
{
	if (scratch != NULL)
		hs_free_scratch(scratch);
}

/* The byte at stream offset @p o: in the payload, in the tail kept from before it, or -1. */
static inline int
byte_at(const struct scan_ctx *c, unsigned long long o)
{
	if (o >= c->base)
		return o - c->base < c->len ? c->data[o - c->base] : -1;
	if (c->base - o <= c->tail_len)
		return c->tail[c->tail_len - (c->base - o)];
	return -1;
}

static inline int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/*
 * A card-number candidate at stream offsets [from, to), possibly begun in an earlier
 * segment: not part of a longer number (no digit just before or after it, where those bytes
 * are known), its digits (separators skipped) must number 13 to 19 and pass the Luhn check.
 * The first valid one leaves its last four digits in the result; the digits themselves stay
 * in this stack frame.
 */
static int
card_valid(struct scan_ctx *c, unsigned long long from, unsigned long long to)
{
	char digits[CARD_MAX_DIGITS];
	unsigned int n = 0;
	unsigned long long i;

	if (from >= to || to - from > CARD_MAX_SPAN)
		return 0;
	/* part of a longer number: a digit just before or just after (where known) */
	if ((from > 0 && is_digit(byte_at(c, from - 1))) || is_digit(byte_at(c, to)))
		return 0;
	for (i = from; i < to; i++) {
		int ch = byte_at(c, i);

		if (ch < 0)
			return 0;

		if (is_digit(ch)) {
			if (n == CARD_MAX_DIGITS)
				return 0;
			digits[n++] = (char)ch;
		}
	}
	if (n < CARD_MIN_DIGITS || !pl_luhn_valid(digits, n))
		return 0;
	if (!c->res->card_found) {
		c->res->card_found = 1;
		c->res->card_last4 = (uint16_t)((digits[n - 4] - '0') * 1000 +
			(digits[n - 3] - '0') * 100 + (digits[n - 2] - '0') * 10 +
			(digits[n - 1] - '0'));
	}
	return 1;
}

int
pl_sigs_on_match(unsigned int id, unsigned long long from, unsigned long long to,
		 unsigned int flags, void *ctx)
{
	struct scan_ctx *c = ctx;

	from += c->shift;
	to += c->shift;
	if (id >= c->s->n || to < c->skip_to)
		return 0;
	if (((c->s->card_sigs >> id) & 1) && !card_valid(c, from, to))
		return 0;
	c->res->sig_hits |= 1ULL << id;
	c->res->protos |= 1U << c->s->def[id].proto;
	return 0;   /* go on: other signatures may match further on */
}

#ifdef __SSE2__
/* A lane of all ones per ASCII digit: '0'..'9' moved to -128..-119, one signed compare. */
static inline __m128i
digit_lanes(__m128i v)
{
	return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x50)), _mm_set1_epi8(-118));
}
#endif

#ifdef __SSE2__
/* The count of digit lanes (all ones) in @p acc, each lane at most 255. */
static inline unsigned int
lanes_sum(__m128i acc)
{
	acc = _mm_sad_epu8(acc, _mm_setzero_si128());
	return (unsigned int)(_mm_cvtsi128_si32(acc) + _mm_extract_epi16(acc, 4));
}
#endif

/* ASCII digits among the 64 bytes at @p b. */
static inline unsigned int
digits64(const uint8_t *b)
{
#ifdef __SSE2__
	__m128i acc = digit_lanes(_mm_loadu_si128((const __m128i *)b));

	acc = _mm_add_epi8(acc, digit_lanes(_mm_loadu_si128((const __m128i *)(b + 16))));
	acc = _mm_add_epi8(acc, digit_lanes(_mm_loadu_si128((const __m128i *)(b + 32))));
	acc = _mm_add_epi8(acc, digit_lanes(_mm_loadu_si128((const __m128i *)(b + 48))));
	/* each lane is minus its count of digits */
	return lanes_sum(_mm_sub_epi8(_mm_setzero_si128(), acc));
#else
	unsigned int n = 0, i;

	for (i = 0; i < 64; i++)
		n += (unsigned int)(b[i] - '0') <= 9;
	return n;
#endif
}

/* ASCII digits among the @p len (< 64) bytes at @p b; reads no byte past them. */
static unsigned int
digits_short(const uint8_t *b, uint32_t len)
{
#ifdef __SSE2__
	/* lanes 16 - r .. 15 of tail_mask + r are ones: the last r bytes of a 16-byte load */
	static const int8_t tail_mask[32] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	__m128i acc = _mm_setzero_si128(), v;
	uint32_t i = 0, r;
	uint8_t pad[16];

	for (; i + 16 <= len; i += 16)
		acc = _mm_sub_epi8(acc, digit_lanes(_mm_loadu_si128((const __m128i *)(b + i))));
	r = len - i;
	if (r > 0) {
		if (len >= 16) {
			/* the last 16 bytes, less those counted already */
			v = _mm_and_si128(digit_lanes(_mm_loadu_si128((const __m128i *)
								       (b + len - 16))),
					  _mm_loadu_si128((const __m128i *)(tail_mask + r)));
		} else {
			memset(pad, 0, sizeof(pad));
			memcpy(pad, b, r);
			v = digit_lanes(_mm_loadu_si128((const __m128i *)pad));
		}
		acc = _mm_sub_epi8(acc, v);
	}
	return lanes_sum(acc);
#else
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < len; i++)
		n += (unsigned int)(b[i] - '0') <= 9;
	return n;
#endif
}

/* Two neighbouring 64-byte pieces hold every stretch of CARD_MAX_SPAN bytes. */
_Static_assert(CARD_MAX_SPAN <= 64, "pl_sigs_card_window() counts digits in 64-byte pieces");

/* Bit i set when byte i of the 64 at @p b is an ASCII digit. */
static inline uint64_t
digit_bits64(const uint8_t *b)
{
#ifdef __SSE2__
	uint64_t m = 0;
	int k;

	for (k = 0; k < 4; k++)
		m |= (uint64_t)(uint16_t)_mm_movemask_epi8(
			digit_lanes(_mm_loadu_si128((const __m128i *)(b + 16 * k)))) << (16 * k);
	return m;
#else
	uint64_t m = 0;
	int i;

	for (i = 0; i < 64; i++)
		m |= (uint64_t)((unsigned int)(b[i] - '0') <= 9) << i;
	return m;
#endif
}

/* Whether the 64 bytes at @p b are all ASCII digits (fewer steps than digit_bits64()). */
static inline int
all_digits64(const uint8_t *b)
{
#ifdef __SSE2__
	__m128i a = _mm_and_si128(digit_lanes(_mm_loadu_si128((const __m128i *)b)),
				  digit_lanes(_mm_loadu_si128((const __m128i *)(b + 16))));
	__m128i c = _mm_and_si128(digit_lanes(_mm_loadu_si128((const __m128i *)(b + 32))),
				  digit_lanes(_mm_loadu_si128((const __m128i *)(b + 48))));

	return _mm_movemask_epi8(_mm_and_si128(a, c)) == 0xffff;
#else
	return digit_bits64(b) == ~0ULL;
#endif
}

/* The same for the @p len (1 to 64) bytes at @p b; reads no byte past them. */
static inline uint64_t
digit_bits(const uint8_t *b, uint32_t len)
{
	uint8_t pad[64];

	if (len >= 64)
		return digit_bits64(b);
	memset(pad, 0, sizeof(pad));
	memcpy(pad, b, len);
	return digit_bits64(pad);
}

/* The digit bits of the piece at @p off of the @p len bytes at @p b (off < len): a short
 * last piece of a region of 64 bytes or more is read as the region's last 64 bytes, shifted,
 * rather than copied out. */
static inline uint64_t
piece_bits(const uint8_t *b, uint32_t len, uint32_t off)
{
	if (off + 64 <= len)
		return digit_bits64(b + off);
	if (len >= 64)
		return digit_bits64(b + len - 64) >> (off + 64 - len);
	return digit_bits(b + off, len - off);
}

/* Bits 0-63 of the 128-bit value @p hi:@p lo shifted right by @p k (1-63). */
static inline uint64_t
shr128(uint64_t lo, uint64_t hi, unsigned int k)
{
	return (lo >> k) | (hi << (64 - k));
}

/* Bits 64-127 of @p hi:@p lo shifted left by @p k (1-63). */
static inline uint64_t
shl128(uint64_t lo, uint64_t hi, unsigned int k)
{
	return (hi << k) | (lo >> (64 - k));
}

/* Bits p of @p lo (the digit bits of a piece, @p hi those of the next) at which a run of
 * CARD_MAX_DIGITS + 1 = 20 digits or more starts: p..p+19 all set. */
static inline uint64_t
long_run_starts(uint64_t lo, uint64_t hi)
{
	uint64_t a = lo & shr128(lo, hi, 1), ah = hi & (hi >> 1);          /* p..p+1 */
	uint64_t b = a & shr128(a, ah, 2), bh = ah & (ah >> 2);            /* p..p+3 */
	uint64_t c = b & shr128(b, bh, 4), ch = bh & (bh >> 4);            /* p..p+7 */
	uint64_t d = c & shr128(c, ch, 8);                                  /* p..p+15 */

	return d & shr128(b, bh, 16);                                       /* p..p+19 */
}

/* Bits of a piece that lie in a run of 20 digits or more: those at most 19 past a start
 * (@p cur: the piece's starts, @p prev: the previous piece's). */
static inline uint64_t
long_run_bits(uint64_t prev, uint64_t cur)
{
	uint64_t lo = prev | (prev << 1), hi = cur | shl128(prev, cur, 1);  /* 0..1 past */

	hi |= shl128(lo, hi, 2);
	lo |= lo << 2;                                                      /* 0..3 */
	hi |= shl128(lo, hi, 4);
	lo |= lo << 4;                                                      /* 0..7 */
	hi |= shl128(lo, hi, 8);
	lo |= lo << 8;                                                      /* 0..15 */
	return hi | shl128(lo, hi, 4);                                      /* 0..19 */
}

/* What the second test keeps from piece to piece. */
struct digit_scan {
	uint64_t prev;          /* digits of the previous piece that count (a bit each) */
	uint32_t prev_at;       /* its first byte's offset */
	uint32_t n;             /* offsets in at[] */
	uint32_t at[16];        /* offsets of the latest digits that count, a ring */
};

/* Whether the digits of @p bits (a piece at offset @p base), after those in the ring, make
 * CARD_MIN_DIGITS within CARD_MAX_SPAN bytes. */
static int
span_hit(struct digit_scan *w, uint64_t bits, uint32_t base)
{
	uint32_t o;

	for (; bits != 0; bits &= bits - 1) {
		o = base + (uint32_t)__builtin_ctzll(bits);
		if (w->n >= CARD_MIN_DIGITS - 1 &&
		    o - w->at[(w->n - (CARD_MIN_DIGITS - 1)) & 15] < CARD_MAX_SPAN)
			return 1;
		w->at[w->n++ & 15] = o;
	}
	return 0;
}

/* A piece's digits that count (@p bits, at offset @p base): a hit when some CARD_MAX_SPAN
 * bytes ending in it hold CARD_MIN_DIGITS of them. Those bytes lie in it and the piece
 * before, so the offsets are walked only where the two hold that many together. */
static int
piece_hit(struct digit_scan *w, uint64_t bits, uint32_t base)
{
	int hit = 0;

	if (__builtin_popcountll(w->prev) + __builtin_popcountll(bits) >= CARD_MIN_DIGITS) {
		w->n = 0;
		hit = span_hit(w, w->prev, w->prev_at) || span_hit(w, bits, base);
	}
	w->prev = bits;
	w->prev_at = base;
	return hit;
}

/*
 * The second test, where the first said yes, closer: digits that belong to a run of 20
 * digits or more cannot be part of a card number (the callback takes 13 to 19 digits with
 * no digit just before or after), so they do not count, and the CARD_MIN_DIGITS digits that
 * count must lie within CARD_MAX_SPAN bytes (offsets compared, not piece counts). Runs are
 * measured within the @p len bytes at @p b (offset @p base), whose edges count as a run's
 * end: a run that goes on past them is measured short and its digits count, never wrongly
 * left out.
 */
static int
region_hit(struct digit_scan *w, const uint8_t *b, uint32_t len, uint32_t base)
{
	uint64_t cur, next, starts, prev_starts = 0;
	uint32_t off;

	if (len == 0)
		return 0;
	cur = piece_bits(b, len, 0);
	for (off = 0; off < len; off += 64) {
		next = off + 64 < len ? piece_bits(b, len, off + 64) : 0;
		if (cur == ~0ULL) {
			/* all digits (a long answer's number): none counts; a start at p
			 * needs the next piece's first p - 44 bits set */
			unsigned int r = next == ~0ULL ? 64 : (unsigned int)__builtin_ctzll(~next);

			starts = r >= 19 ? ~0ULL : (1ULL << (45 + r)) - 1;
			if (piece_hit(w, 0, base + off))
				return 1;
			/* the run goes on through the next piece: every whole piece of digits
			 * after it would count nothing either and leave the state as it is
			 * (nothing kept, every bit a start), so step over them with a test of
			 * the piece alone; cur and next stay all digits */
			if (next == ~0ULL)
				while (off + 192 <= len && all_digits64(b + off + 128))
					off += 64;
		} else {
			/* a run of 20 starting here has its digits in this piece and the next:
			 * with fewer than 20 between them none starts here (most pieces) */
			starts = cur != 0 && __builtin_popcountll(cur) +
				 __builtin_popcountll(next) >= CARD_MAX_DIGITS + 1 ?
				 long_run_starts(cur, next) : 0;
			if (piece_hit(w, (prev_starts | starts) ?
				      cur & ~long_run_bits(prev_starts, starts) : cur, base + off))
				return 1;
		}
		prev_starts = starts;
		cur = next;
	}
	return 0;
}

/* The first test: every digit counts, in the same pieces. */
static int
digits_hit(const uint8_t *tail, uint32_t tail_len, const uint8_t *data, uint32_t len)
{
	unsigned int prev = 0, cur;
	uint32_t off;

	if (tail_len > 0)
		prev = tail_len >= 64 ? digits64(tail + tail_len - 64) : digits_short(tail, tail_len);
	/* a match ending at data[0]: its closing \b is seen only with data[0] */
	if (prev >= CARD_MIN_DIGITS)
		return 1;
	for (off = 0; off + 64 <= len; off += 64) {
		cur = digits64(data + off);
		if (prev + cur >= CARD_MIN_DIGITS)
			return 1;
		prev = cur;
	}
	return off < len && prev + digits_short(data + off, len - off) >= CARD_MIN_DIGITS;
}

int
pl_sigs_card_window(const uint8_t *tail, uint32_t tail_len, const uint8_t *data, uint32_t len)
{
	struct digit_scan w = { .n = 0 };

	if (!digits_hit(tail, tail_len, data, len))
		return 0;
	/* the kept tail is one piece (at most 64 bytes), its edges a run's ends */
	if (tail_len > 64) {
		tail += tail_len - 64;
		tail_len = 64;
	}
	return region_hit(&w, tail, tail_len, 0) || region_hit(&w, data, len, tail_len);
}

int
pl_sigs_scan(const struct pl_sigs *s, void *scratch, const uint8_t *data, uint32_t len,
	     struct pl_scan_result *res)
{
	struct scan_ctx c = { .s = s, .data = data, .len = len, .res = res };

	memset(res, 0, sizeof(*res));
	if (len == 0)
		return 0;
	if ((s->db != NULL && prefix_may_match(s, data, len) &&
	     hs_scan(s->db, (const char *)data, len, 0, scratch, pl_sigs_on_match, &c) !=
	     HS_SUCCESS) ||
	    (s->cdb != NULL && pl_sigs_card_window(NULL, 0, data, len) &&
	     hs_scan(s->cdb, (const char *)data, len, 0, scratch, pl_sigs_on_match, &c) !=
	     HS_SUCCESS)) {
		memset(res, 0, sizeof(*res));
		return -1;
	}
	return 0;
}
