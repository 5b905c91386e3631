/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Capture files: portlens's own reader for offline analysis.
 *
 * A capture is one or more input files read as one stream of records in time order (the
 * files of a rotated `tcpdump -G/-C` capture, several `--pcap` options, a folder). Each
 * file is a classic pcap (either byte order, microsecond or nanosecond timestamps) or a
 * pcapng (several interfaces and link types, per-interface timestamp resolution and
 * offset, either byte order, non-packet blocks skipped), stored plain (read as a stream)
 * or compressed with gzip or zstd (decompressed as a stream): never whole in memory.
 *
 * Link types: Ethernet, Linux cooked v1/v2, raw IP (101, 12, 14), IPv4 (228), IPv6 (229),
 * NULL and LOOP (either byte order). Every record that is not Ethernet is rewritten at
 * read time into the Ethernet frame it would have been on the wire: a 14-byte header with
 * zero addresses and the ethertype of its network layer, then the network-layer bytes,
 * padded with zeros to the 60-byte Ethernet minimum. A record shorter than its own link
 * header becomes an empty frame (malformed downstream). So one parser and one set of
 * counters serve every capture, and `bytes` of the same traffic captured two ways agree.
 *
 * Every problem is reported as one line naming the file, where (record or block number and
 * byte offset) and what is wrong, with what to do about it. A file is checked as far as its
 * first record when it is opened; damage further in shows when the reader reaches it (a
 * capture held in memory is checked whole when opened).
 */
#ifndef PL_CAPTURE_H
#define PL_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest record accepted (libpcap's own limit); a longer claim is damage. */
#define PL_CAPTURE_MAX_RECORD (256u * 1024)
/** Frames rewritten from other link types are padded to this length. */
#define PL_CAPTURE_MIN_FRAME 60u
/** Most input files in one capture. */
#define PL_CAPTURE_MAX_FILES 4096u

/** The supported link types: LINKTYPE_ value, name. */
#define PL_CAPTURE_LINKTYPES(X) \
	X(0, NULL) X(1, ETHERNET) X(12, RAW12) X(14, RAW14) X(101, RAW) X(108, LOOP) \
	X(113, LINUX_SLL) X(228, IPV4) X(229, IPV6) X(276, LINUX_SLL2)

/** Open flags. */
#define PL_CAPTURE_ALLOW_TRUNCATED 0x1 /**< a file cut inside a record ends there, quietly */
#define PL_CAPTURE_READ 0x2            /**< plain files with read(), not mapped */
/** plain files mapped whole, a helper thread filling the mapping's page tables ahead of the
 *  reader and emptying them behind it (pl_capture_readahead_window()) */
#define PL_CAPTURE_READAHEAD 0x4
/** plain files mapped or read(), as a measurement of both decides (pl_capture_probe_get());
 *  PL_CAPTURE_READ wins over it */
#define PL_CAPTURE_PROBE 0x8

/** The measurement behind PL_CAPTURE_PROBE, taken once a process on the first plain file
 *  large enough (PL_CAPTURE_PROBE_MIN bytes); until then plain files are mapped. */
struct pl_capture_probe {
	int done;              /**< 1 once measured */
	int read;              /**< 1: plain files are read(); 0: mapped */
	double map_cycles;     /**< TSC cycles a KiB copied out of a fresh mapping */
	double read_cycles;    /**< TSC cycles a KiB read() into a window and copied out */
};
#define PL_CAPTURE_PROBE_MIN (8u << 20)

/** What the measurement of PL_CAPTURE_PROBE found (done 0: none taken yet). */
void pl_capture_probe_get(struct pl_capture_probe *p);

/** One record as stored in the file. */
struct pl_capture_rec {
	const uint8_t *data;   /**< link-layer bytes, valid until the next call on the capture */
	uint32_t caplen;       /**< bytes at @p data */
	uint32_t wirelen;      /**< length on the wire the file claims */
	uint32_t linktype;     /**< LINKTYPE_ value (one of PL_CAPTURE_LINKTYPES) */
	uint64_t ts_ns;        /**< packet time, ns since the epoch */
};

/** How far a capture has been read (for progress lines). */
struct pl_capture_progress {
	uint64_t bytes_done;   /**< input bytes consumed (compressed bytes for compressed files) */
	uint64_t bytes_total;  /**< input bytes in all files */
	uint64_t records;      /**< packet records delivered */
	uint64_t frame_bytes;  /**< bytes of the Ethernet frames delivered, on the wire (a frame
	                        *   cut by a snapshot length counts its length on the wire) */
	unsigned int files_done, files;
};

/** What the readahead helper did (PL_CAPTURE_READAHEAD). */
struct pl_capture_ahead_stats {
	uint64_t populated;    /**< bytes of mappings filled in ahead of the reader */
	uint64_t dropped;      /**< bytes emptied behind it */
};

struct pl_capture;

/**
 * Expand one --pcap argument into file paths: a file as it is; a folder into every regular
 * file in it whose name does not start with '.', sorted by name; a pattern with *, ? or [
 * (when no file has that very name) into its matches.
 *
 * @param arg     the argument.
 * @param paths   array receiving strdup()'d paths (the caller frees them).
 * @param n       in: entries already used in @p paths; out: entries used after expanding.
 * @param max     capacity of @p paths.
 * @param err     receives the one-line reason on failure.
 * @param errlen  its size.
 * @return 0, or -1 (no such file, unreadable folder, a folder or pattern with no file,
 *         too many files).
 */
int pl_capture_expand(const char *arg, char **paths, unsigned int *n, unsigned int max,
		      char *err, size_t errlen);

/**
 * Bytes of a plain file mapped at a time (rounded up to whole pages; the default, 0 here,
 * is 16 MiB). Records that straddle two chunks are read whole: the next chunk starts at
 * the page of the first byte still needed. Tests set small chunks to walk many boundaries.
 */
void pl_capture_map_chunk(size_t bytes);

/**
 * How far the readahead helper (PL_CAPTURE_READAHEAD) keeps each file's mapping filled
 * ahead of the reader, and how much it keeps behind it before emptying (both rounded up to
 * whole pages; 0 for the defaults, 256 MiB and 16 MiB). Applies to captures opened after.
 * The filled part of a mapping is page cache the process maps: it shows in its RSS.
 */
void pl_capture_readahead_window(size_t ahead, size_t behind);

/**
 * Wait until the readahead helper has nothing left to do for where the reader is now, and
 * say what it did so far. For tests and benchmarks: it blocks while the helper works.
 *
 * @param c   the capture (opened with PL_CAPTURE_READAHEAD, else @p st is zeroed).
 * @param st  receives the helper's totals.
 */
void pl_capture_ahead_settle(struct pl_capture *c, struct pl_capture_ahead_stats *st);

/**
 * Open the input files of one capture and check them as far as their first record: each
 * must be a pcap or pcapng capture, plain, gzip or zstd, with a supported link type.
 * Damage further in stops the capture when the reader reaches it (pl_capture_done() < 0).
 *
 * @param paths   the files (read in time order across files; file order within one).
 * @param n       how many, 1 to PL_CAPTURE_MAX_FILES.
 * @param flags   PL_CAPTURE_* flags.
 * @param err     receives the one-line reason on failure ("FILE: where: what; what to do").
 * @param errlen  its size.
 * @return the capture, or NULL with @p err set.
 */
struct pl_capture *pl_capture_open(const char *const *paths, unsigned int n, int flags,
				   char *err, size_t errlen);

/**
 * Open a capture held in memory (one file's bytes, plain or compressed). For tests and
 * fuzzing; the buffer must outlive the capture. A plain one is walked whole now, so damage
 * anywhere in it is found before the first record is read.
 *
 * @param buf     the bytes.
 * @param len     how many.
 * @param name    the name used in messages.
 * @param flags   PL_CAPTURE_* flags.
 * @param err     receives the one-line reason on failure.
 * @param errlen  its size.
 * @return the capture, or NULL with @p err set.
 */
struct pl_capture *pl_capture_open_mem(const void *buf, size_t len, const char *name,
				       int flags, char *err, size_t errlen);

/**
 * The next record in time order.
 *
 * @param c  the capture.
 * @param r  filled in when a record is returned.
 * @return 1 (a record), 0 (end of the capture), -1 (an error: pl_capture_error()).
 */
int pl_capture_next(struct pl_capture *c, struct pl_capture_rec *r);

/**
 * The Ethernet frame of a record (see the file comment for other link types).
 *
 * @param r     the record.
 * @param hdr   receives the 14-byte Ethernet header to put before the payload (when the
 *              return value says one is needed).
 * @param off   receives the offset in r->data where the bytes after @p hdr start.
 * @return the length of the Ethernet frame: for Ethernet records r->caplen (and *off = 0,
 *         no header); else 14 + the network-layer bytes, padded to PL_CAPTURE_MIN_FRAME,
 *         or 0 for a record shorter than its link header.
 */
uint32_t pl_capture_eth(const struct pl_capture_rec *r, uint8_t hdr[14], uint32_t *off);

/**
 * Fill mbufs with the next records, as Ethernet frames, packet time in the standard RX
 * timestamp dynamic field (ns since the epoch) with its ol_flags bit set. Frames longer
 * than one mbuf are chained. A record cut by the capture's snapshot length holds its
 * captured bytes and is marked with its length on the wire (pl_frame_set_wire(): the
 * link header replaced as for any frame of its link type, at most PL_CAPTURE_MAX_RECORD).
 * Nothing is consumed when the pool cannot give @p n mbufs.
 *
 * @param c     the capture.
 * @param mp    the pool: packet mbufs laid out by rte_pktmbuf_init() (data at the same
 *              offset in each; not a pinned external-buffer pool). Its mbufs are taken
 *              raw and only the fields a received frame needs are written, as a PMD does
 *              (the TX offload lengths are left as the last user left them).
 * @param pkts  receives the mbufs.
 * @param n     at most this many.
 * @return mbufs filled; 0 at the end, on an error, or when the pool is short (tell them
 *         apart with pl_capture_done()).
 */
uint16_t pl_capture_burst(struct pl_capture *c, struct rte_mempool *mp,
			  struct rte_mbuf **pkts, uint16_t n);

/**
 * Has the capture ended?
 *
 * @param c  the capture.
 * @return 0 (more to read), 1 (read to its end), -1 (stopped by an error).
 */
int pl_capture_done(const struct pl_capture *c);

/**
 * The error that stopped the capture, or a notice about its end (a file cut short that
 * PL_CAPTURE_ALLOW_TRUNCATED let pass); "" when there is none.
 *
 * @param c  the capture.
 * @return a one-line message (no newline).
 */
const char *pl_capture_error(const struct pl_capture *c);

/**
 * How far the capture has been read. Safe to call from another thread while the reader
 * runs (the figures are read without locking and may lag by a burst).
 *
 * @param c  the capture.
 * @param p  filled in.
 */
void pl_capture_progress(const struct pl_capture *c, struct pl_capture_progress *p);

/**
 * Records in the capture when known before reading (a plain capture in memory): else 0.
 *
 * @param c  the capture.
 * @return the number of packet records.
 */
uint64_t pl_capture_records(const struct pl_capture *c);

/**
 * Name of a link type ("ETHERNET", "LINUX_SLL" ...; a few common unsupported ones too).
 *
 * @param linktype  a LINKTYPE_ value.
 * @return a static string, NULL when unknown.
 */
const char *pl_capture_linktype_name(uint32_t linktype);

/**
 * Close a capture: close its files, stop decompressing, free.
 *
 * @param c  the capture, or NULL.
 */
void pl_capture_close(struct pl_capture *c);

#ifdef __cplusplus
}
#endif

#endif /* PL_CAPTURE_H */
