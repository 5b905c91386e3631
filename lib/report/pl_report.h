/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The report: a Markdown document in the style of the FinMark network traffic report, with
 * the per-port study block and its four charts, and charts of frames per interval, frame
 * sizes and inter-arrival times per direction (SVG written by the program), built from one
 * snapshot.
 *
 * Every number comes from the snapshot and its derived views (top ports, bins, intervals,
 * findings, top talkers), so the report agrees with the JSON snapshot of the same moment.
 * Recommendations are derived from what the snapshot shows and only from that. Findings are
 * rendered as recorded: card numbers were masked when they were found (last four digits).
 * Files are written atomically (temporary file, fsync, rename). Control plane only.
 */
#ifndef PL_REPORT_H
#define PL_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "pl_snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The per-port study numbers of one direction (TCP/UDP, by destination port). */
struct pl_report_study {
	uint64_t total_packets;  /**< sum over ports */
	uint64_t total_bytes;
	uint64_t max_packets;    /**< packets of the busiest port */
	uint64_t max_bytes;      /**< bytes of the port with most bytes */
	int32_t port_packets;    /**< port with most packets, -1 when none (ties: lower port) */
	int32_t port_bytes;      /**< port with most bytes, -1 when none */
};

/** Y scale of a chart. */
enum pl_report_scale {
	PL_REPORT_SCALE_AUTO = 0, /**< logarithmic when the data is skewed, else linear */
	PL_REPORT_SCALE_LINEAR,
	PL_REPORT_SCALE_LOG,
};

/** The charts beside the per-port ones. */
enum pl_report_chart {
	PL_REPORT_CHART_INTERVALS = 0, /**< frames per interval, from the first to the last */
	PL_REPORT_CHART_SIZES,         /**< the frame-size histogram (wire sizes) */
	PL_REPORT_CHART_IAT,           /**< inter-arrival times, one series per direction */
	PL_REPORT_CHART_MAX
};

/**
 * The per-port study block of a direction.
 *
 * @param s    the snapshot.
 * @param dir  PL_DIR_IN or PL_DIR_OUT (any direction works), or PL_PORT_ROW_SERVICE for
 *             outgoing traffic by local service port.
 * @param out  filled.
 */
void pl_report_study(const struct pl_snapshot *s, unsigned int dir, struct pl_report_study *out);

/**
 * Draw one per-port chart: packets or bytes of one direction over the port bins.
 *
 * @param s      the snapshot.
 * @param dir    direction.
 * @param bytes  non-zero for bytes, zero for packets.
 * @param scale  enum pl_report_scale.
 * @param out    on success a NUL-terminated SVG document (free() it).
 * @return 0 or -ENOMEM.
 */
int pl_report_svg(const struct pl_snapshot *s, unsigned int dir, int bytes, int scale,
		  char **out);

/**
 * Draw one of the charts of enum pl_report_chart: bars over intervals, size buckets or
 * inter-arrival buckets (log2 of ns, the range that has gaps), with axes, labels, a
 * tooltip per bar, and a logarithmic y axis when the data is skewed.
 *
 * @param s      the snapshot.
 * @param chart  enum pl_report_chart.
 * @param out    on success a NUL-terminated SVG document (free() it).
 * @return 0, -EINVAL for an unknown chart, or -ENOMEM.
 */
int pl_report_chart(const struct pl_snapshot *s, unsigned int chart, char **out);

/**
 * Render the Markdown report.
 *
 * @param s         the snapshot.
 * @param svg_base  file name prefix of the charts as referenced from the Markdown
 *                  ("report" gives report-in-packets.svg ...), may be NULL for no charts.
 * @param out       on success the NUL-terminated Markdown (free() it).
 * @return 0 or -ENOMEM.
 */
int pl_report_markdown(const struct pl_snapshot *s, const char *svg_base, char **out);

/**
 * Write the report and its charts: FILE.md and, beside it, FILE-in-packets.svg,
 * FILE-in-bytes.svg, FILE-out-packets.svg, FILE-out-bytes.svg, FILE-intervals.svg,
 * FILE-sizes.svg and FILE-iat.svg (FILE is path_md without a trailing ".md"). Each file is
 * written atomically.
 *
 * @param s        the snapshot.
 * @param path_md  the Markdown file.
 * @param err      on failure, what went wrong (file and reason); may be NULL.
 * @param errlen   size of err.
 * @return 0 or a negative errno.
 */
int pl_report_write(const struct pl_snapshot *s, const char *path_md, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* PL_REPORT_H */
