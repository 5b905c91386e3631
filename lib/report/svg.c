/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The charts of the report, drawn as SVG text (no library, no network). The per-port
 * charts: packets or bytes of one direction over the port bins, bars per bin in port order,
 * the three port ranges (well-known, registered, dynamic) marked, axes with labels, the
 * busiest bin named, and a logarithmic y axis when the data is skewed (a few ports carry
 * most traffic, which is the usual case, and a linear axis would show one bar and nothing
 * else). The other charts (frames per interval, frame sizes, inter-arrival times per
 * direction) are bar charts over categories with up to one series per direction, drawn by
 * one function from a description (struct chart).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_report.h"

#define W 960
#define H 420
#define ML 84   /* margins: left (y labels), right, top (title), bottom (x labels) */
#define MR 24
#define MT 56
#define MB 78

/* 1234567 -> "1.23M", 7000 -> "7k"; bytes add a unit ("1.65 MB"). */
static void
si(char *buf, size_t len, double v, int bytes)
{
	static const char *const pfx[] = { "", "k", "M", "G", "T", "P" };
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	unsigned int i = 0;
	char num[32];
	size_t n;

	while (fabs(v) >= 1000 && i < 5) {
		v /= 1000;
		i++;
	}
	snprintf(num, sizeof(num), "%.*f", i == 0 ? 0 : v < 10 ? 2 : v < 100 ? 1 : 0, v);
	n = strlen(num);
	if (strchr(num, '.')) {
		while (n && num[n - 1] == '0')
			num[--n] = '\0';
		if (n && num[n - 1] == '.')
			num[--n] = '\0';
	}
	if (bytes)
		snprintf(buf, len, "%s %s", num, unit[i]);
	else
		snprintf(buf, len, "%s%s", num, pfx[i]);
}

/* A round step (1, 2, 5 x 10^k) near span/5. */
static double
nice_step(double span)
{
	double raw = span / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;

	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The SVG header, a white background and the title ("@p a @p b"). */
static void
svg_open(FILE *f, const char *a, const char *b)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" "
		"font-size=\"12\">\n", W, H, W, H);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W, H);
	fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"17\" font-weight=\"bold\" "
		"fill=\"#1a202c\">%s %s</text>\n", ML, a, b);
}

/* Horizontal grid lines and their y labels, for a log (decades) or linear (round) axis. */
static void
y_axis(FILE *f, int logy, double lo, double hi, uint32_t nz, int bytes)
{
	double ph = H - MT - MB, st = nz ? nice_step(hi) : 0, v;
	char a[32];
	int e;

	fprintf(f, "<g stroke=\"#e2e8f0\" stroke-width=\"1\">\n");
	if (logy)
		for (e = (int)ceil(lo); e <= (int)hi; e++) {
			double y = MT + ph - ((double)e - lo) / (hi - lo) * ph;

			fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", ML, y,
				W - MR, y);
		}
	else if (nz)
		for (v = 0; v <= hi + st / 2; v += st) {
			double y = MT + ph - v / hi * ph;

			fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", ML, y,
				W - MR, y);
		}
	fprintf(f, "</g>\n<g fill=\"#4a5568\" text-anchor=\"end\">\n");
	if (logy)
		for (e = (int)ceil(lo); e <= (int)hi; e++) {
			double y = MT + ph - ((double)e - lo) / (hi - lo) * ph;

			si(a, sizeof(a), pow(10, e), bytes);
			fprintf(f, "<text x=\"%d\" y=\"%.1f\">%s</text>\n", ML - 6, y + 4, a);
		}
	else if (nz)
		for (v = 0; v <= hi + st / 2; v += st) {
			si(a, sizeof(a), v, bytes);
			fprintf(f, "<text x=\"%d\" y=\"%.1f\">%s</text>\n", ML - 6,
				MT + ph - v / hi * ph + 4, a);
		}
	fprintf(f, "</g>\n");
}

/* Height in pixels of a bar of value @p v (> 0) on the y axis [lo, hi]: at least 1. */
static double
bar_height(uint64_t v, int logy, double lo, double hi)
{
	double ph = H - MT - MB;
	double h = logy ? (log10((double)v) - lo) / (hi - lo) * ph : (double)v / hi * ph;

	return h < 1 ? 1 : h;
}

/*
 * The y range of a set of values: log scale when asked, or (auto) when the largest is 20
 * times the median of the non-zero values or more (and at least 100), so most bars would be
 * a pixel high on a linear axis. Sets *lo and *hi (decades for log, 0 and a round top for
 * linear) and returns whether the axis is logarithmic. @p vals is sorted in place.
 */
static int
y_range(uint64_t *vals, uint32_t nz, int scale, double *lo, double *hi)
{
	int logy = 0;

	*lo = 0;
	*hi = 1;
	if (nz == 0)
		return 0;
	qsort(vals, nz, sizeof(*vals), cmp_u64);
	logy = scale == PL_REPORT_SCALE_LOG ||
	       (scale == PL_REPORT_SCALE_AUTO && vals[nz - 1] >= 20 * vals[nz / 2] &&
		vals[nz - 1] >= 100);
	if (logy) {
		*lo = floor(log10((double)vals[0])) - 0.3;
		*hi = ceil(log10((double)vals[nz - 1]) + 0.05);
	} else {
		double st = nice_step((double)vals[nz - 1]);

		*hi = ceil((double)vals[nz - 1] * 1.08 / st) * st;
	}
	return logy;
}

int
pl_report_svg(const struct pl_snapshot *s, unsigned int dir, int bytes, int scale, char **out)
{
	static const char *const colour[PL_DIR_MAX] = { "#2b6cb0", "#dd6b20", "#2f855a",
							 "#6b46c1" };
	const struct pl_bins *bd = s->bin_def;
	uint32_t nb = bd ? bd->n : 0, i, nz = 0, top = 0;
	const struct pl_port_ctr *bc = s->bins + (size_t)dir * nb;
	double pw = W - ML - MR, ph = H - MT - MB, lo = 0, hi = 1, bw;
	uint64_t vmax = 0, *vals = NULL;
	char *text = NULL, a[32], b[32];
	size_t len = 0;
	int logy = 0;
	FILE *f;

	*out = NULL;
	f = open_memstream(&text, &len);
	if (f == NULL)
		return -ENOMEM;
	if (nb)
		vals = malloc(nb * sizeof(*vals));
	for (i = 0; vals && i < nb; i++) {
		uint64_t v = bytes ? bc[i].bytes : bc[i].packets;

		if (v == 0)
			continue;
		vals[nz++] = v;
		if (v > vmax) {
			vmax = v;
			top = i;
		}
	}
	logy = y_range(vals, nz, scale, &lo, &hi);
	free(vals);

	snprintf(a, sizeof(a), "%s", dir == PL_DIR_IN ? "Incoming" : dir == PL_DIR_OUT ?
		 "Outgoing" : dir == PL_DIR_INTERNAL ? "Internal" : "External");
	svg_open(f, a, bytes ? "bytes per destination port" : "packets per destination port");
	fprintf(f, "<text x=\"%d\" y=\"40\" fill=\"#4a5568\">TCP/UDP, %u port bins "
		"(default: 0-1023 one by one, 1024-49151 by 100, 49152-65535 by 50); %s scale"
		"</text>\n", ML, nb, logy ? "logarithmic" : "linear");

	y_axis(f, logy, lo, hi, nz, bytes);

	/* the three port ranges */
	bw = nb ? pw / nb : pw;
	if (nb) {
		static const struct { uint32_t port; const char *name; } rg[] = {
			{ 0, "well-known" }, { 1024, "registered" }, { 49152, "dynamic" },
		};
		unsigned int k;

		for (k = 0; k < 3; k++) {
			uint32_t first = bd->of_port[rg[k].port];
			uint32_t end = k < 2 ? bd->of_port[rg[k + 1].port] : nb;
			double x0, x1;

			if (first == PL_BIN_NONE)
				continue;
			if (end == PL_BIN_NONE)
				end = nb;
			x0 = ML + first * bw;
			x1 = ML + end * bw;
			if (k % 2)
				fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.0f\" "
					"fill=\"#f7fafc\"/>\n", x0, MT, x1 - x0, ph);
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"#718096\" "
				"text-anchor=\"middle\" font-size=\"11\">%s</text>\n",
				(x0 + x1) / 2, MT - 4, rg[k].name);
			if (k)
				fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\" "
					"stroke=\"#a0aec0\" stroke-dasharray=\"4 3\"/>\n", x0, MT,
					x0, MT + ph);
		}
	}

	/* bars: one per bin with traffic, at least one pixel wide */
	fprintf(f, "<g fill=\"%s\">\n", colour[dir % PL_DIR_MAX]);
	for (i = 0; i < nb; i++) {
		uint64_t v = bytes ? bc[i].bytes : bc[i].packets;
		double h, x = ML + i * bw;

		if (v == 0)
			continue;
		h = bar_height(v, logy, lo, hi);
		fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\">"
			"<title>ports %u-%u: %" PRIu64 " %s</title></rect>\n", x, MT + ph - h,
			bw < 1.5 ? 1.5 : bw, h, bd->bin[i].first, bd->bin[i].last, v,
			bytes ? "bytes" : "packets");
	}
	fprintf(f, "</g>\n");

	/* name the busiest bin */
	if (nz) {
		double x = ML + top * bw, h = logy ?
			(log10((double)vmax) - lo) / (hi - lo) * ph : (double)vmax / hi * ph;
		const char *anchor = x < ML + 60 ? "start" : x > W - MR - 120 ? "end" : "middle";

		si(a, sizeof(a), (double)vmax, bytes);
		if (bd->bin[top].first == bd->bin[top].last)
			snprintf(b, sizeof(b), "port %u", bd->bin[top].first);
		else
			snprintf(b, sizeof(b), "ports %u-%u", bd->bin[top].first, bd->bin[top].last);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-weight=\"bold\" "
			"fill=\"#1a202c\">%s: %s</text>\n", x, MT + ph - h - 6 < MT + 12 ?
			MT + 14 : MT + ph - h - 6, anchor, b, a);
	} else {
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" fill=\"#718096\" "
			"font-size=\"15\">no TCP/UDP traffic in this direction</text>\n",
			ML + pw / 2, MT + ph / 2);
	}

	/* axes and x ticks at round ports */
	fprintf(f, "<g stroke=\"#2d3748\" stroke-width=\"1\">\n"
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.0f\"/>\n"
		"<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\"/>\n</g>\n",
		ML, MT, ML, MT + ph, ML, MT + ph, W - MR, MT + ph);
	if (nb) {
		static const uint32_t ticks[] = { 0, 256, 512, 768, 1024, 10000, 20000, 30000,
						  40000, 49152, 57344, 65535 };
		double last_x = -1000;
		unsigned int k;

		fprintf(f, "<g fill=\"#4a5568\" text-anchor=\"middle\">\n");
		for (k = 0; k < sizeof(ticks) / sizeof(ticks[0]); k++) {
			uint32_t bi = bd->of_port[ticks[k]];
			double x;

			if (bi == PL_BIN_NONE)
				continue;
			x = ML + bi * bw + (k == sizeof(ticks) / sizeof(ticks[0]) - 1 ? bw : 0);
			if (x - last_x < 34)
				continue;
			last_x = x;
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" "
				"stroke=\"#2d3748\"/>\n<text x=\"%.1f\" y=\"%.0f\">%u</text>\n",
				x, MT + ph, x, MT + ph + 5, x, MT + ph + 19, ticks[k]);
		}
		fprintf(f, "</g>\n");
	}
	fprintf(f, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\" fill=\"#2d3748\">"
		"destination port (bins in port order)</text>\n", ML + pw / 2, H - 34);
	fprintf(f, "<text transform=\"translate(18 %.0f) rotate(-90)\" text-anchor=\"middle\" "
		"fill=\"#2d3748\">%s</text>\n", MT + ph / 2, bytes ? "bytes" : "packets");
	fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#718096\" font-size=\"11\">portlens snapshot "
		"%" PRIu64 "%s; bins with no traffic are not drawn</text>\n", ML, H - 10, s->seq,
		s->final ? " (final)" : "");
	fprintf(f, "</svg>\n");
	if (fclose(f) != 0 || text == NULL) {
		free(text);
		return -ENOMEM;
	}
	*out = text;
	return 0;
}

/* ---- bar charts over categories: intervals, frame sizes, inter-arrival times ---- */

#define MAX_SERIES PL_DIR_MAX

static const char *const dir_colour[PL_DIR_MAX] = { "#2b6cb0", "#dd6b20", "#2f855a", "#6b46c1" };

/* A bar chart: n categories, up to MAX_SERIES series of values over them. */
struct chart {
	const char *title;
	char subtitle[160];
	const char *xlabel;
	const char *ylabel;
	const char *empty;                 /* said when every value is 0 */
	uint32_t n;                        /* categories */
	unsigned int nser;
	const char *ser_name[MAX_SERIES];
	const char *ser_colour[MAX_SERIES];
	uint64_t *val[MAX_SERIES];         /* [n] each */
	char (*xlab)[24];                  /* [n]: axis label of each category, "" for none */
	char (*tip)[64];                   /* [n]: what each category is, for the tooltips */
	const char *unit;                  /* of the values, in tooltips */
	uint64_t seq;
	int final;
};

static void
chart_free(struct chart *c)
{
	unsigned int k;

	for (k = 0; k < MAX_SERIES; k++)
		free(c->val[k]);
	free(c->xlab);
	free(c->tip);
}

/* Room for @p n categories and @p nser series. @return 0 or -ENOMEM. */
static int
chart_alloc(struct chart *c, uint32_t n, unsigned int nser)
{
	unsigned int k;

	c->n = n;
	c->nser = nser;
	c->xlab = calloc(n ? n : 1, sizeof(*c->xlab));
	c->tip = calloc(n ? n : 1, sizeof(*c->tip));
	for (k = 0; k < nser; k++)
		c->val[k] = calloc(n ? n : 1, sizeof(uint64_t));
	for (k = 0; k < nser; k++)
		if (c->val[k] == NULL)
			return -ENOMEM;
	return c->xlab && c->tip ? 0 : -ENOMEM;
}

static int
chart_svg(const struct chart *c, char **out)
{
	double pw = W - ML - MR, ph = H - MT - MB, lo, hi, gw, bw, last_x = -1000;
	uint64_t *vals = malloc(((size_t)c->n * c->nser + 1) * sizeof(uint64_t));
	uint32_t i, nz = 0;
	unsigned int k;
	char *text = NULL;
	size_t len = 0;
	int logy;
	FILE *f;

	*out = NULL;
	if (vals == NULL)
		return -ENOMEM;
	for (k = 0; k < c->nser; k++)
		for (i = 0; i < c->n; i++)
			if (c->val[k][i])
				vals[nz++] = c->val[k][i];
	logy = y_range(vals, nz, PL_REPORT_SCALE_AUTO, &lo, &hi);
	free(vals);
	f = open_memstream(&text, &len);
	if (f == NULL)
		return -ENOMEM;
	svg_open(f, c->title, "");
	fprintf(f, "<text x=\"%d\" y=\"40\" fill=\"#4a5568\">%s; %s scale</text>\n", ML,
		c->subtitle, logy ? "logarithmic" : "linear");
	y_axis(f, logy, lo, hi, nz, 0);

	/* bars: one group per category, one bar per series, at least a pixel wide */
	gw = c->n ? pw / c->n : pw;
	bw = gw * (c->n > 100 ? 1.0 : 0.8) / (c->nser ? c->nser : 1);
	for (k = 0; k < c->nser; k++) {
		fprintf(f, "<g fill=\"%s\">\n", c->ser_colour[k]);
		for (i = 0; i < c->n; i++) {
			uint64_t v = c->val[k][i];
			double h, x = ML + i * gw + (c->n > 100 ? 0 : gw * 0.1) + k * bw;

			if (v == 0)
				continue;
			h = bar_height(v, logy, lo, hi);
			fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\">"
				"<title>%s%s%s: %" PRIu64 " %s</title></rect>\n", x, MT + ph - h,
				bw < 1 ? 1.0 : bw, h, c->nser > 1 ? c->ser_name[k] : "",
				c->nser > 1 ? ", " : "", c->tip[i], v, c->unit);
		}
		fprintf(f, "</g>\n");
	}
	if (nz == 0)
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" fill=\"#718096\" "
			"font-size=\"15\">%s</text>\n", ML + pw / 2, MT + ph / 2, c->empty);

	/* legend when there are several series */
	for (k = 0; c->nser > 1 && k < c->nser; k++)
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			"<text x=\"%d\" y=\"%d\" fill=\"#2d3748\">%s</text>\n", W - MR - 110,
			MT + 4 + 16 * (int)k, c->ser_colour[k], W - MR - 95, MT + 13 + 16 * (int)k,
			c->ser_name[k]);

	/* axes, and the category labels that fit */
	fprintf(f, "<g stroke=\"#2d3748\" stroke-width=\"1\">\n"
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.0f\"/>\n"
		"<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\"/>\n</g>\n",
		ML, MT, ML, MT + ph, ML, MT + ph, W - MR, MT + ph);
	fprintf(f, "<g fill=\"#4a5568\" text-anchor=\"middle\" font-size=\"11\">\n");
	for (i = 0; i < c->n; i++) {
		double x = ML + (i + 0.5) * gw;

		if (c->xlab[i][0] == '\0' || x - last_x < 8.0 * (double)strlen(c->xlab[i]))
			continue;
		last_x = x;
		fprintf(f, "<text x=\"%.1f\" y=\"%.0f\">%s</text>\n", x, MT + ph + 16, c->xlab[i]);
	}
	fprintf(f, "</g>\n");
	fprintf(f, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\" fill=\"#2d3748\">%s</text>\n",
		ML + pw / 2, H - 34, c->xlabel);
	fprintf(f, "<text transform=\"translate(18 %.0f) rotate(-90)\" text-anchor=\"middle\" "
		"fill=\"#2d3748\">%s</text>\n", MT + ph / 2, c->ylabel);
	fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#718096\" font-size=\"11\">portlens snapshot "
		"%" PRIu64 "%s</text>\n</svg>\n", ML, H - 10, c->seq, c->final ? " (final)" : "");
	if (fclose(f) != 0 || text == NULL) {
		free(text);
		return -ENOMEM;
	}
	*out = text;
	return 0;
}

/* Most bars of the interval chart: longer runs are summed, several intervals a bar. */
#define MAX_IVAL_BARS 600

static int
chart_intervals(const struct pl_snapshot *s, struct chart *c)
{
	uint64_t per = (s->ivals.n + MAX_IVAL_BARS - 1) / MAX_IVAL_BARS, i;
	double ival = s->ival_ns / 1e9;

	if (per == 0)
		per = 1;
	if (chart_alloc(c, (uint32_t)((s->ivals.n + per - 1) / per), 1) < 0)
		return -ENOMEM;
	snprintf(c->subtitle, sizeof(c->subtitle), "every frame received, %g s interval%s, %"
		 PRIu64 " interval%s a bar", ival * (double)per, "s from the first frame", per,
		 per == 1 ? "" : "s");
	c->ser_name[0] = "frames";
	c->ser_colour[0] = dir_colour[0];
	for (i = 0; i < s->ivals.n; i++)
		c->val[0][i / per] += s->ivals.e[i].packets;
	for (i = 0; i < c->n; i++) {
		double t0 = (double)(i * per) * ival;

		snprintf(c->xlab[i], sizeof(c->xlab[i]), "%g", t0);
		snprintf(c->tip[i], sizeof(c->tip[i]), "%g-%g s", t0, t0 + ival * (double)per);
	}
	return 0;
}

static int
chart_sizes(const struct pl_snapshot *s, struct chart *c)
{
	unsigned int b;

	if (chart_alloc(c, PL_SIZE_BUCKETS, 1) < 0)
		return -ENOMEM;
	c->ser_name[0] = "frames";
	c->ser_colour[0] = dir_colour[0];
	for (b = 0; b < PL_SIZE_BUCKETS; b++) {
		uint32_t lo, hi;

		pl_ctr_size_bounds(b, &lo, &hi);
		c->val[0][b] = s->total.sizes[b];
		if (hi == UINT32_MAX)
			snprintf(c->xlab[b], sizeof(c->xlab[b]), "%u+", lo);
		else if (lo == hi)
			snprintf(c->xlab[b], sizeof(c->xlab[b]), "%u", lo);
		else
			snprintf(c->xlab[b], sizeof(c->xlab[b]), "%u-%u", lo, hi);
		snprintf(c->tip[b], sizeof(c->tip[b]), "%s", pl_ctr_size_name(b));
	}
	return 0;
}

/* "512 ns", "1 us", "16.8 ms", "2.2 s": a duration of ns for an axis label. */
static void
dur_text(char *buf, size_t len, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.3g us", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.3g ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3g s", ns / 1e9);
}

static int
chart_iat(const struct pl_snapshot *s, struct chart *c)
{
	unsigned int d, b, first = PL_IAT_BUCKETS, last = 0, k = 0;
	unsigned int dirs[PL_DIR_MAX];

	for (d = 0; d < PL_DIR_MAX; d++) {
		int any = 0;

		for (b = 0; b < PL_IAT_BUCKETS; b++)
			if (s->total.iat[d][b]) {
				any = 1;
				first = b < first ? b : first;
				last = b > last ? b : last;
			}
		if (any)
			dirs[k++] = d;
	}
	if (k == 0) {
		first = last = 0;
		dirs[k++] = PL_DIR_IN;
	}
	if (chart_alloc(c, last - first + 1, k) < 0)
		return -ENOMEM;
	for (d = 0; d < k; d++) {
		c->ser_name[d] = pl_dir_name(dirs[d]);
		c->ser_colour[d] = dir_colour[dirs[d]];
		for (b = first; b <= last; b++)
			c->val[d][b - first] = s->total.iat[dirs[d]][b];
	}
	for (b = first; b <= last; b++) {
		char lo[24], hi[24];

		dur_text(lo, sizeof(lo), b == 0 ? 0 : 1ULL << b);
		dur_text(hi, sizeof(hi), 1ULL << (b + 1));
		snprintf(c->xlab[b - first], sizeof(c->xlab[0]), "%s", lo);
		if (b == PL_IAT_BUCKETS - 1)
			snprintf(c->tip[b - first], sizeof(c->tip[0]), "%s and more", lo);
		else
			snprintf(c->tip[b - first], sizeof(c->tip[0]), "%s to under %s", lo, hi);
	}
	return 0;
}

/* The charts: how each is built from a snapshot, and its words. */
static const struct {
	int (*build)(const struct pl_snapshot *s, struct chart *c);
	const char *title, *subtitle, *xlabel, *ylabel, *unit, *empty;
} charts[PL_REPORT_CHART_MAX] = {
	[PL_REPORT_CHART_INTERVALS] = { chart_intervals, "Frames per interval", "",
		"seconds since the start of the first interval", "frames", "frames",
		"no frames" },
	[PL_REPORT_CHART_SIZES] = { chart_sizes, "Frame sizes", "every frame received, by its "
		"size on the wire (FCS included, padded to 64 bytes), as NICs count them",
		"frame size on the wire (bytes)", "frames", "frames", "no frames" },
	[PL_REPORT_CHART_IAT] = { chart_iat, "Inter-arrival times per direction", "gaps "
		"between consecutive IP packets of a direction, power-of-two buckets",
		"gap (lower bound of the bucket)", "packets", "packets",
		"no inter-arrival times" },
};

int
pl_report_chart(const struct pl_snapshot *s, unsigned int which, char **out)
{
	struct chart c;
	int rc;

	*out = NULL;
	if (which >= PL_REPORT_CHART_MAX)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.title = charts[which].title;
	snprintf(c.subtitle, sizeof(c.subtitle), "%s", charts[which].subtitle);
	c.xlabel = charts[which].xlabel;
	c.ylabel = charts[which].ylabel;
	c.unit = charts[which].unit;
	c.empty = charts[which].empty;
	c.seq = s->seq;
	c.final = s->final;
	rc = charts[which].build(s, &c);
	if (rc == 0)
		rc = chart_svg(&c, out);
	chart_free(&c);
	return rc;
}
