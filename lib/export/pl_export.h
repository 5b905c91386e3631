/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Exporters: renderings of a snapshot.
 *
 * The JSON document (schema portlens.snapshot.v1, docs/snapshot-schema.md) is the public
 * contract: keys may be added, never renamed. Files are written atomically (a temporary
 * file in the same folder, fsync, rename), so a reader never sees half a snapshot.
 */
#ifndef PL_EXPORT_H
#define PL_EXPORT_H

#include <stdio.h>
#include <jansson.h>

#include "pl_snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The schema name written in every JSON snapshot. */
#define PL_SNAPSHOT_SCHEMA "portlens.snapshot.v1"

/**
 * Render a snapshot as a JSON object.
 *
 * @return a new reference (json_decref() it), or NULL when out of memory.
 */
json_t *pl_export_json(const struct pl_snapshot *s);

/**
 * Write a snapshot as an indented JSON file, atomically.
 *
 * @param s     the snapshot.
 * @param path  destination; its folder must exist and be writable.
 * @return 0, or a negative errno.
 */
int pl_export_json_file(const struct pl_snapshot *s, const char *path);

/**
 * Append a snapshot to a JSON-lines stream (one compact object and a newline), flushed.
 *
 * @return 0, or a negative errno.
 */
int pl_export_json_line(const struct pl_snapshot *s, FILE *f);

/**
 * Render a snapshot in the Prometheus text exposition format (version 0.0.4): metric
 * families prefixed portlens_, counters suffixed _total, each with HELP and TYPE lines,
 * label values escaped. The values are those of pl_export_json() for the same snapshot
 * (docs/http.md lists the metrics).
 *
 * @param s    the snapshot.
 * @param buf  set to a malloc'd, NUL-terminated text; the caller frees it.
 * @param len  set to its length, without the NUL.
 * @return 0, or -ENOMEM (nothing to free then).
 */
int pl_export_prometheus(const struct pl_snapshot *s, char **buf, size_t *len);

/** Busiest ports per direction with their own series by default (by packets, by bytes). */
#define PL_PROM_TOP_N 10
/** Most busiest ports per direction a rendering can ask for. */
#define PL_PROM_TOP_MAX 64

/** Options of the Prometheus rendering. */
struct pl_prom_opts {
	int all_ports;       /**< a series for every port with traffic (up to 65536 a direction) */
	unsigned int top_n;  /**< else: the well-known ports and these many busiest (<= 64) */
};

/**
 * pl_export_prometheus() with options: the per-port series bounded (the default: the
 * well-known ports 0-1023 with traffic and each direction's top_n ports by packets and by
 * bytes; the bins always cover every port) or one per port with traffic.
 *
 * @param opts  NULL for the defaults (bounded, PL_PROM_TOP_N).
 * @return 0, or -ENOMEM (nothing to free then).
 */
int pl_export_prometheus_opts(const struct pl_snapshot *s, const struct pl_prom_opts *opts,
			      char **buf, size_t *len);

/**
 * Print a short human summary (totals, directions, top ports, balance).
 */
void pl_export_summary(const struct pl_snapshot *s, FILE *f);

/**
 * Write a buffer to a file atomically (temporary file, fsync, rename), mode 0640 less the
 * umask: snapshots and reports describe the traffic, not for every local user.
 *
 * @return 0, or a negative errno.
 */
int pl_export_write_atomic(const char *path, const char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* PL_EXPORT_H */
