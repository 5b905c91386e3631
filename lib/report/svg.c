/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-port charts of the report: packets or bytes of one direction over the port bins,
 * drawn as SVG text (no library, no network): bars per bin in port order, the three port
 * ranges (well-known, registered, dynamic) marked, axes with labels, the busiest bin named,
 * and a logarithmic y axis when the data is skewed (a few ports carry most traffic, which is
 * the usual case, and a linear axis would show one bar and nothing else).
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

int
pl_report_svg(const struct pl_snapshot *s, unsigned int dir, int bytes, int scale, char **out)
{
	static const char *const colour[PL_DIR_MAX] = { "#2b6cb0", "#dd6b20", "#2f855a",
							 "#6b46c1" };
	const struct pl_bins *bd = s->bin_def;
	uint32_t nb = bd ? bd->n : 0, i, nz = 0, top = 0;
	const struct pl_port_ctr *bc = s->bins + (size_t)dir * nb;
	double pw = W - ML - MR, ph = H - MT - MB, lo = 0, hi = 1, bw;
	uint64_t vmax = 0, vmin = UINT64_MAX, *vals = NULL;
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
		if (v < vmin)
			vmin = v;
	}
	if (nz) {
		qsort(vals, nz, sizeof(*vals), cmp_u64);
		/* skewed: the busiest bin is 20 times the median bin or more, so most bars
		 * would be a pixel high on a linear axis */
		logy = scale == PL_REPORT_SCALE_LOG ||
		       (scale == PL_REPORT_SCALE_AUTO && vmax >= 20 * vals[nz / 2] && vmax >= 100);
	}
	free(vals);
	if (logy) {
		lo = floor(log10((double)vmin)) - 0.3;
		hi = ceil(log10((double)vmax) + 0.05);
	} else if (nz) {
		double st = nice_step((double)vmax);

		hi = ceil((double)vmax * 1.08 / st) * st;
	}

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" "
		"font-size=\"12\">\n", W, H, W, H);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W, H);
	fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"17\" font-weight=\"bold\" "
		"fill=\"#1a202c\">%s %s per destination port</text>\n", ML,
		dir == PL_DIR_IN ? "Incoming" : dir == PL_DIR_OUT ? "Outgoing" :
		dir == PL_DIR_INTERNAL ? "Internal" : "External", bytes ? "bytes" : "packets");
	fprintf(f, "<text x=\"%d\" y=\"40\" fill=\"#4a5568\">TCP/UDP, %u port bins "
		"(default: 0-1023 one by one, 1024-49151 by 100, 49152-65535 by 50); %s scale"
		"</text>\n", ML, nb, logy ? "logarithmic" : "linear");

	/* plot frame and horizontal grid with y labels */
	fprintf(f, "<g stroke=\"#e2e8f0\" stroke-width=\"1\">\n");
	if (logy) {
		int e;

		for (e = (int)ceil(lo); e <= (int)hi; e++) {
			double y = MT + ph - ((double)e - lo) / (hi - lo) * ph;

			fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", ML, y,
				W - MR, y);
		}
	} else if (nz) {
		double st = nice_step(hi / 1.0), v;

		for (v = 0; v <= hi + st / 2; v += st) {
			double y = MT + ph - v / hi * ph;

			fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", ML, y,
				W - MR, y);
		}
	}
	fprintf(f, "</g>\n<g fill=\"#4a5568\" text-anchor=\"end\">\n");
	if (logy) {
		int e;

		for (e = (int)ceil(lo); e <= (int)hi; e++) {
			double y = MT + ph - ((double)e - lo) / (hi - lo) * ph;

			si(a, sizeof(a), pow(10, e), bytes);
			fprintf(f, "<text x=\"%d\" y=\"%.1f\">%s</text>\n", ML - 6, y + 4, a);
		}
	} else if (nz) {
		double st = nice_step(hi), v;

		for (v = 0; v <= hi + st / 2; v += st) {
			si(a, sizeof(a), v, bytes);
			fprintf(f, "<text x=\"%d\" y=\"%.1f\">%s</text>\n", ML - 6,
				MT + ph - v / hi * ph + 4, a);
		}
	}
	fprintf(f, "</g>\n");

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
		h = logy ? (log10((double)v) - lo) / (hi - lo) * ph : (double)v / hi * ph;
		if (h < 1)
			h = 1;
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
