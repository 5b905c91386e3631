/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/capture's insides: one input file (its byte window over a read or a decompressed
 * stream, its format state) and the functions the library's files share.
 */
#ifndef CAPTURE_PRIV_H
#define CAPTURE_PRIV_H

#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "pl_capture.h"

/* Longest pcapng block accepted: a whole record with room for options. */
#define CAP_MAX_BLOCK (PL_CAPTURE_MAX_RECORD + 64u * 1024)
#define CAP_ERR 384

enum cap_comp { CAP_PLAIN, CAP_GZIP, CAP_ZSTD };

/* A pcapng interface: its link type and how its timestamps convert to ns. */
struct cap_if {
	uint32_t linktype;
	uint32_t snaplen;
	uint8_t pow2;       /* resolution 2^-shift s, else 10^-digits s */
	uint8_t shift;
	uint64_t mul, div;  /* decimal resolutions: ns = units * mul / div */
	int64_t offset_ns;  /* if_tsoffset */
};

/* One input file. */
/* bytes of the window ahead of the record being copied that the reader asks for */
#define CAP_AHEAD 2048

struct cap_file {
	char name[PATH_MAX];
	enum cap_comp comp;
	int fd;
	uint64_t size;              /* bytes on disk (or in memory) */
	/* the window: stream bytes [pos, end) at buf; buf[0] is stream byte base; a file's
	 * window is read (plain) or decompressed into, a capture in memory is its own */
	uint8_t *buf;
	size_t cap, pos, end;
	uint64_t base;
	/* a plain file read through a mapping (buf: a chunk of it, from file byte base) */
	int mapped;
	volatile int cut;           /* the file got shorter while mapped (SIGBUS) */
	/* readahead of a file mapped whole (cap_ahead.c): the reader stores its position once a
	 * burst; the rest is the helper's, under its lock */
	struct cap_ahead *ra;
	uint64_t ra_pos;
	uint64_t ra_done, ra_dropped; /* filled in up to, emptied up to (file bytes) */
	int ra_failed;              /* populating failed (a cut): only emptying goes on */
	/* compressed input */
	const uint8_t *in;          /* input chunk (inbuf, or the whole memory buffer) */
	uint8_t *inbuf;
	size_t in_len, in_pos;
	uint64_t in_read;           /* input bytes read so far */
	int in_eof;                 /* no input left to read */
	int out_eof;                /* the decompressed stream has ended cleanly */
	int frame_open;             /* a compressed member/frame is started, not ended */
	z_stream z;
	int z_init;
	ZSTD_DStream *zs;
	/* format */
	int pcapng, swap;
	uint32_t linktype;          /* pcap: the file's link type */
	uint64_t tsmul;             /* pcap: 1000 (us) or 1 (ns) */
	struct cap_if *ifs;
	unsigned int nb_if, if_cap;
	uint64_t rec, blk;          /* packet records and blocks (pcapng) read */
	uint64_t last_ts;
	int flags;
	int state;                  /* 0 reading, 1 ended, -1 failed */
	char err[CAP_ERR];          /* what failed, or the notice of a tolerated cut */
	/* the merge: the record this file offers next */
	struct pl_capture_rec cur;
	int has_cur;
};

/* cap_input.c: open/close one file and move its window */
int cap_file_open(struct cap_file *f, const char *path, int flags);
int cap_file_open_mem(struct cap_file *f, const void *buf, size_t len, const char *name,
		      int flags);
void cap_file_close(struct cap_file *f);
int cap_file_cut(struct cap_file *f);
int cap_file_shrank(struct cap_file *f);
extern volatile int cap_cut_seen;
size_t cap_fill(struct cap_file *f, size_t want);
int cap_rewind(struct cap_file *f);
uint64_t cap_in_done(const struct cap_file *f);
int cap_stream_cut(const struct cap_file *f);
const char *cap_comp_name(const struct cap_file *f);
int cap_fail(struct cap_file *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline const uint8_t *
cap_ptr(const struct cap_file *f)
{
	return f->buf + f->pos;
}

static inline uint64_t
cap_off(const struct cap_file *f)
{
	return f->base + f->pos;
}

/*
 * The next classic pcap record when the window holds it whole, as most records are: 1 with
 * @p r filled, else 0 (nothing consumed: the window must slide or refill, or the file ends
 * or is damaged there, which cap_format_next() sorts out). Inline for the burst loop.
 */
static inline int
cap_pcap_next_fast(struct cap_file *f, struct pl_capture_rec *r)
{
	const uint8_t *p = f->buf + f->pos;
	size_t have = f->end - f->pos;
	uint32_t h[4], caplen;

	if (unlikely(have < 16))
		return 0;
	memcpy(h, p, 16);
	if (f->swap) {
		h[0] = __builtin_bswap32(h[0]);
		h[1] = __builtin_bswap32(h[1]);
		h[2] = __builtin_bswap32(h[2]);
		h[3] = __builtin_bswap32(h[3]);
	}
	caplen = h[2];
	if (unlikely(caplen > PL_CAPTURE_MAX_RECORD || 16 + (size_t)caplen > have))
		return 0;
	r->data = p + 16;
	r->caplen = caplen;
	r->wirelen = h[3];
	r->linktype = f->linktype;
	r->ts_ns = (uint64_t)h[0] * 1000000000ull + (uint64_t)h[1] * f->tsmul;
	f->pos += 16 + (size_t)caplen;
	f->rec++;
	return 1;
}

/* cap_ahead.c: the readahead helper */
struct cap_ahead;
struct cap_ahead *cap_ahead_start(void);
void cap_ahead_stop(struct cap_ahead *a);
int cap_ahead_room(struct cap_ahead *a);
void cap_ahead_add(struct cap_ahead *a, struct cap_file *f);
void cap_ahead_del(struct cap_file *f);
void cap_ahead_settle(struct cap_ahead *a, struct pl_capture_ahead_stats *st);

/* The reader is at its window's position: tell the readahead helper (one store). */
static inline void
cap_ahead_seen(struct cap_file *f)
{
	if (f->ra != NULL)
		__atomic_store_n(&f->ra_pos, cap_off(f), __ATOMIC_RELAXED);
}

/* cap_format.c: the file's header, then its records */
int cap_format_start(struct cap_file *f);
int cap_format_next(struct cap_file *f, struct pl_capture_rec *r);

/* cap_link.c */
int cap_linktype_ok(uint32_t linktype);
int cap_linktype_refuse(struct cap_file *f, uint32_t linktype, const char *where);

#endif /* CAPTURE_PRIV_H */
