/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A capture: its input files merged into one stream of records in time order, and the
 * bursts of mbufs filled from it.
 *
 * Opening checks every file as far as its first record (header, format, link type); damage
 * further in is found when the reader reaches it, and stops the run the same way (one
 * line, no output). Walking a whole file first would read it twice: a capture in memory
 * (tests, fuzzing) is still walked whole at open. The merge is a binary heap of files keyed
 * by the time of the record each offers next (ties: file order), so rotated files,
 * overlapping or not, come out in time order while each file keeps its own order. With
 * several files only those whose turn has come hold a window (and a decompressor): the
 * others wait "parked", remembering the time of their first record, so a week of rotated
 * files costs the memory and file descriptors of a few.
 *
 * The burst loop has a fast path for what most captures are, one classic pcap file of
 * Ethernet frames: records are taken straight from the window while it holds them whole.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_memcpy.h>
#include <rte_prefetch.h>
#include <rte_mbuf_dyn.h>
#ifdef RTE_ARCH_X86
#include <emmintrin.h>
#endif

#include "capture_priv.h"
#include "pl_parse.h"

#define CAP_MAX_SEGS 256 /* mbufs in one chained frame */
#define CAP_PREFETCH 4   /* frames ahead whose first lines are fetched before the copy */
/* a prefetch for writing (DPDK 22.11's rte_prefetch0_write() is still experimental) */
#define cap_prefetch_w(p) __builtin_prefetch((p), 1, 3)

struct pl_capture {
	unsigned int n;
	struct cap_file *files;
	uint64_t *first_ts;        /* parked files: time of their first record */
	uint8_t *parked;
	unsigned int *heap, nh;    /* files with records left, earliest next record on top */
	struct cap_file *pending;  /* pl_capture_next(): the file whose record was handed out */
	int flags;
	struct cap_ahead *ra;      /* the readahead helper (PL_CAPTURE_READAHEAD), or NULL */
	int state;                 /* 0 reading, 1 ended, -1 failed */
	char err[CAP_ERR + PATH_MAX + 8];
	uint64_t records;          /* known before reading (all files plain), else 0 */
	uint64_t bytes_total;
	volatile uint64_t delivered;
	volatile uint64_t frame_bytes;
	volatile unsigned int files_done;
	int ts_off;
	uint64_t ts_flag;
	/* what a fresh mbuf of the pool looks like (PMD style: written whole, first cache
	 * line only) and the room one holds; taken from the pool at its first burst */
	const struct rte_mempool *mp;
	uint64_t rearm;
	uint32_t room;
	size_t data;               /* from an mbuf to its data: the same in every mbuf of it */
};

/* ------------------------------------------------------------------ inputs */

static int
add_path(const char *p, char **paths, unsigned int *n, unsigned int max, char *err,
	 size_t errlen)
{
	if (*n >= max) {
		snprintf(err, errlen, "%s: more than %u capture files; merge some first (mergecap "
			 "-w OUT.pcapng FILES)", p, max);
		return -1;
	}
	paths[*n] = strdup(p);
	if (paths[*n] == NULL) {
		snprintf(err, errlen, "%s: out of memory", p);
		return -1;
	}
	(*n)++;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
expand_dir(const char *dir, char **paths, unsigned int *n, unsigned int max, char *err,
	   size_t errlen)
{
	DIR *d = opendir(dir);
	unsigned int first = *n;
	struct dirent *e;
	int rc = 0;

	if (d == NULL) {
		snprintf(err, errlen, "%s: %s; check the folder's permissions", dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char p[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >= (int)sizeof(p))
			continue;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			rc = add_path(p, paths, n, max, err, errlen);
	}
	closedir(d);
	if (rc == 0 && *n == first) {
		snprintf(err, errlen, "%s: a folder with no capture files in it; put the captures "
			 "there or name them", dir);
		return -1;
	}
	qsort(paths + first, *n - first, sizeof(*paths), cmp_str);
	return rc;
}

int
pl_capture_expand(const char *arg, char **paths, unsigned int *n, unsigned int max,
		  char *err, size_t errlen)
{
	struct stat st;
	glob_t g;
	size_t i;
	int rc = 0;

	if (stat(arg, &st) == 0)
		return S_ISDIR(st.st_mode) ? expand_dir(arg, paths, n, max, err, errlen) :
			add_path(arg, paths, n, max, err, errlen);
	if (strpbrk(arg, "*?[") == NULL) {
		snprintf(err, errlen, "%s: %s; check the path", arg, strerror(errno));
		return -1;
	}
	if (glob(arg, 0, NULL, &g) != 0) {
		snprintf(err, errlen, "%s: no file matches the pattern; check the path", arg);
		return -1;
	}
	for (i = 0; i < g.gl_pathc && rc == 0; i++)
		rc = add_path(g.gl_pathv[i], paths, n, max, err, errlen);
	globfree(&g);
	return rc;
}

/* ------------------------------------------------------------------ the merge heap */

static inline uint64_t
key(const struct pl_capture *c, unsigned int i)
{
	return c->parked[i] ? c->first_ts[i] : c->files[i].cur.ts_ns;
}

static inline int
before(const struct pl_capture *c, unsigned int a, unsigned int b)
{
	uint64_t ka = key(c, a), kb = key(c, b);

	return ka < kb || (ka == kb && a < b);
}

static void
sift_down(struct pl_capture *c, unsigned int at)
{
	unsigned int *h = c->heap, nh = c->nh;

	for (;;) {
		unsigned int l = 2 * at + 1, m = at;

		if (l < nh && before(c, h[l], h[m]))
			m = l;
		if (l + 1 < nh && before(c, h[l + 1], h[m]))
			m = l + 1;
		if (m == at)
			return;
		RTE_SWAP(h[at], h[m]);
		at = m;
	}
}

static void
heap_push(struct pl_capture *c, unsigned int i)
{
	unsigned int at = c->nh++;

	c->heap[at] = i;
	while (at && before(c, c->heap[at], c->heap[(at - 1) / 2])) {
		RTE_SWAP(c->heap[at], c->heap[(at - 1) / 2]);
		at = (at - 1) / 2;
	}
}

static int
fail_file(struct pl_capture *c, struct cap_file *f)
{
	/* A file cut shorter while mapped reads past its new end as zeros (SIGBUS handled),
	 * or, while the kernel is still dropping the pages of a file just written, as zeros
	 * and stale data without a signal: what looks like damage then is the cut. */
	if (cap_file_shrank(f))
		cap_file_cut(f);
	snprintf(c->err, sizeof(c->err), "%s: %s", f->name, f->err);
	c->state = -1;
	return -1;
}

/* A file is out of records: keep its notice, give back its memory, leave the heap. */
static void
file_ended(struct pl_capture *c, struct cap_file *f)
{
	/* a cut within the last page reads as zeros, without SIGBUS: the size tells */
	if (unlikely(cap_file_shrank(f))) {
		fail_file(c, f);
		return;
	}
	if (f->err[0] && c->err[0] == '\0')
		snprintf(c->err, sizeof(c->err), "%s: %s", f->name, f->err);
	if (f->state == 0)
		f->state = 1;
	cap_file_close(f);
	c->files_done++;
	c->heap[0] = c->heap[--c->nh];
	sift_down(c, 0);
	if (c->nh == 0 && c->state == 0)
		c->state = 1;
}

/* A file's open flags: read ahead only while the helper has room for one more file (the
 * others are mapped a chunk at a time, as without it). */
static int
ahead_flags(const struct pl_capture *c)
{
	return cap_ahead_room(c->ra) ? c->flags : c->flags & ~PL_CAPTURE_READAHEAD;
}

/* Open a file and read its first record into cur. 1 (a record), 0 (none), -1 (error). */
static int
file_start(struct pl_capture *c, struct cap_file *f, const char *path)
{
	char name[PATH_MAX];
	int rc;

	snprintf(name, sizeof(name), "%s", path);
	if (cap_file_open(f, name, ahead_flags(c)) < 0)
		return -1;
	cap_ahead_add(c->ra, f);
	if (cap_format_start(f) < 0)
		return -1;
	rc = cap_format_next(f, &f->cur);
	f->has_cur = rc == 1;
	return rc;
}

/* The file whose record comes next, its record in cur; NULL at the end or on an error. */
static inline struct cap_file *
top(struct pl_capture *c)
{
	while (c->nh && c->state == 0) {
		unsigned int i = c->heap[0];
		struct cap_file *f = &c->files[i];

		if (likely(f->has_cur))
			return f;
		if (c->parked[i]) {
			c->parked[i] = 0;
			if (file_start(c, f, f->name) < 0) {
				fail_file(c, f);
				return NULL;
			}
			if (f->has_cur) {
				sift_down(c, 0); /* its first record may differ from the check's */
				continue;
			}
		}
		file_ended(c, f);
	}
	return NULL;
}

/* The top file's record was used: read its next one and restore the heap order. */
static inline void
advance(struct pl_capture *c, struct cap_file *f)
{
	int rc = cap_format_next(f, &f->cur);

	if (likely(rc == 1)) {
		if (c->nh > 1)
			sift_down(c, 0);
		return;
	}
	f->has_cur = 0;
	if (rc < 0) {
		fail_file(c, f);
		return;
	}
	file_ended(c, f);
}

/* ------------------------------------------------------------------ open / close */

static struct pl_capture *
cap_alloc(unsigned int n, int flags)
{
	struct pl_capture *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->n = n;
	c->flags = flags;
	c->ts_off = -1;
	c->files = calloc(n, sizeof(*c->files));
	c->first_ts = calloc(n, sizeof(*c->first_ts));
	c->parked = calloc(n, 1);
	c->heap = calloc(n, sizeof(*c->heap));
	if (c->files == NULL || c->first_ts == NULL || c->parked == NULL || c->heap == NULL) {
		pl_capture_close(c);
		return NULL;
	}
	return c;
}

/* Check a freshly opened file and put it in the heap. 0, or -1 with c->err set. */
static int
cap_admit(struct pl_capture *c, unsigned int i)
{
	struct cap_file *f = &c->files[i];
	uint64_t count = 0;
	int rc;

	if (f->state < 0 || cap_format_start(f) < 0)
		return fail_file(c, f);
	c->bytes_total += f->size;
	if (f->comp == CAP_PLAIN && f->fd < 0) {
		/* in memory: walk it whole now, damage anywhere stops it before analysis */
		while ((rc = cap_format_next(f, &f->cur)) == 1)
			count++;
		if (rc < 0)
			return fail_file(c, f);
		if (f->err[0] && c->err[0] == '\0') /* a tolerated cut: its notice */
			snprintf(c->err, sizeof(c->err), "%s: %s", f->name, f->err);
		c->records += count;
		cap_rewind(f);
		if (cap_format_start(f) < 0)
			return fail_file(c, f);
	}
	rc = cap_format_next(f, &f->cur);
	if (rc < 0)
		return fail_file(c, f);
	f->has_cur = rc == 1;
	if (!f->has_cur) {
		cap_file_close(f);
		c->files_done++;
		return 0;
	}
	if (c->n > 1) {
		/* parked until its turn: no window, descriptor or decompressor held meanwhile */
		c->first_ts[i] = f->cur.ts_ns;
		c->parked[i] = 1;
		f->has_cur = 0;
		cap_file_close(f);
	}
	heap_push(c, i);
	return 0;
}

struct pl_capture *
pl_capture_open(const char *const *paths, unsigned int n, int flags, char *err, size_t errlen)
{
	struct pl_capture *c;
	unsigned int i;

	if (n == 0 || n > PL_CAPTURE_MAX_FILES) {
		snprintf(err, errlen, "%u capture files: give 1 to %u", n, PL_CAPTURE_MAX_FILES);
		return NULL;
	}
	c = cap_alloc(n, flags);
	if (c == NULL) {
		snprintf(err, errlen, "%s: out of memory", paths[0]);
		return NULL;
	}
	if (flags & PL_CAPTURE_READAHEAD)
		c->ra = cap_ahead_start(); /* none: the reader faults the pages in itself */
	for (i = 0; i < n; i++) {
		if (cap_file_open(&c->files[i], paths[i], ahead_flags(c)) == 0)
			cap_ahead_add(c->ra, &c->files[i]);
		if (cap_admit(c, i) < 0) {
			snprintf(err, errlen, "%s", c->err);
			pl_capture_close(c);
			return NULL;
		}
	}
	c->records = 0; /* files: not known before reading */
	if (c->nh == 0)
		c->state = 1;
	return c;
}

struct pl_capture *
pl_capture_open_mem(const void *buf, size_t len, const char *name, int flags, char *err,
		    size_t errlen)
{
	struct pl_capture *c = cap_alloc(1, flags);

	if (c == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	cap_file_open_mem(&c->files[0], buf, len, name, flags);
	if (cap_admit(c, 0) < 0) {
		snprintf(err, errlen, "%s", c->err);
		pl_capture_close(c);
		return NULL;
	}
	if (c->files[0].comp != CAP_PLAIN)
		c->records = 0;
	if (c->nh == 0)
		c->state = 1;
	return c;
}

void
pl_capture_close(struct pl_capture *c)
{
	unsigned int i;

	if (c == NULL)
		return;
	for (i = 0; c->files && i < c->n; i++)
		cap_file_close(&c->files[i]);
	cap_ahead_stop(c->ra);
	free(c->files);
	free(c->first_ts);
	free(c->parked);
	free(c->heap);
	free(c);
}

/* ------------------------------------------------------------------ reading */

/* A file of the capture got shorter while mapped (the SIGBUS handler saw it): fail the
 * capture. 1 if so, else 0. */
static int
cut_check(struct pl_capture *c)
{
	unsigned int i;

	cap_cut_seen = 0;
	for (i = 0; i < c->n; i++)
		if (c->files[i].cut) {
			fail_file(c, &c->files[i]);
			return 1;
		}
	return 0;
}

int
pl_capture_next(struct pl_capture *c, struct pl_capture_rec *r)
{
	struct cap_file *f;

	if (c->pending) {
		f = c->pending;
		c->pending = NULL;
		advance(c, f);
	}
	if (unlikely(cap_cut_seen) && cut_check(c))
		return -1;
	if (c->state < 0)
		return -1;
	f = top(c);
	if (f == NULL)
		return c->state < 0 ? -1 : 0;
	cap_ahead_seen(f);
	*r = f->cur;
	c->pending = f; /* advanced at the next call: r->data stays valid until then */
	c->delivered++;
	return 1;
}

/* A frame longer than one mbuf: chain more. -1 (nothing taken) when the pool is short. */
static int
fill_chain(struct rte_mempool *mp, struct rte_mbuf *m, const struct pl_capture_rec *r,
	   const uint8_t *hdr, uint32_t off, uint32_t len)
{
	struct rte_mbuf *segs[CAP_MAX_SEGS], *cur = m, *prev = NULL;
	const uint8_t *src[2] = { hdr, r->data + off };
	uint32_t left[2] = { r->linktype == 1 ? 0 : 14, r->caplen - off };
	uint32_t room = rte_pktmbuf_tailroom(m), k, s = 0, i;

	k = (len + room - 1) / room;
	if (k > CAP_MAX_SEGS) { /* a pool of tiny mbufs: keep what fits */
		k = CAP_MAX_SEGS;
		len = k * room;
	}
	if (rte_pktmbuf_alloc_bulk(mp, segs + 1, k - 1) != 0)
		return -1;
	segs[0] = m;
	m->pkt_len = len;
	m->nb_segs = (uint16_t)k;
	for (i = 0; i < k; i++) {
		uint32_t want = RTE_MIN(len, room), done = 0;
		uint8_t *d;

		cur = segs[i];
		d = rte_pktmbuf_mtod(cur, uint8_t *);
		while (done < want) {
			uint32_t c = RTE_MIN(want - done, left[s]);

			rte_memcpy(d + done, src[s], c);
			done += c;
			src[s] += c;
			left[s] -= c;
			if (left[s] == 0)
				s++;
		}
		cur->data_len = (uint16_t)want;
		len -= want;
		if (prev)
			prev->next = cur;
		prev = cur;
	}
	return 0;
}

/*
 * The header of an mbuf taken raw from the pool, for a frame of @p len bytes in one segment
 * (0 before a chain is built). A pool's free mbufs already have refcnt 1, one segment and
 * no next (the free path leaves them so), so only what a PMD writes is written: the first
 * cache line, from the pool's template. The TX offload lengths on the second line are left
 * as they are: offline there is no TX, and the parser sets them where it has them.
 */
static inline void
mbuf_init(const struct pl_capture *c, struct rte_mbuf *m, uint32_t len)
{
	memcpy((uint8_t *)m + offsetof(struct rte_mbuf, rearm_data), &c->rearm, 8);
	m->ol_flags = c->ts_flag;
	m->packet_type = 0;
	m->pkt_len = len;
	m->data_len = (uint16_t)len;
	m->vlan_tci = 0;
	m->vlan_tci_outer = 0;
}

/*
 * A frame whose record the capture cut (its length on the wire above its captured length:
 * a snapshot length) is marked with the length it had on the wire: the link header
 * replaced as pl_capture_eth() replaced it (@p off), at most PL_CAPTURE_MAX_RECORD.
 * Returns the frame's length on the wire (@p len for a frame captured whole).
 */
static inline uint32_t
mark_wire(struct rte_mbuf *m, const struct pl_capture_rec *r, uint32_t len, uint32_t off)
{
	uint32_t wire;

	if (likely(r->wirelen <= r->caplen) || len == 0)
		return len;
	wire = RTE_MIN(r->wirelen, PL_CAPTURE_MAX_RECORD);
	if (r->linktype != 1)
		wire = 14 + wire - off;
	if (wire <= len)
		return len;
	pl_frame_set_wire(m, wire);
	return wire;
}

/* One record into one raw mbuf (chained when long). -1 when the pool cannot give the
 * chain (the mbuf is left fit to go back to the pool). */
static inline int
fill(struct pl_capture *c, struct rte_mempool *mp, struct rte_mbuf *m,
     const struct pl_capture_rec *r)
{
	uint8_t hdr[14];
	uint32_t off, len = pl_capture_eth(r, hdr, &off);

	if (likely(len <= c->room)) {
		uint8_t *d = (uint8_t *)m + c->data;

		mbuf_init(c, m, len);
		if (likely(r->linktype == 1)) {
			rte_memcpy(d, r->data, len);
		} else if (len) {
			uint32_t pl = r->caplen - off;

			memcpy(d, hdr, 14);
			rte_memcpy(d + 14, r->data + off, pl);
			if (14 + pl < len)
				memset(d + 14 + pl, 0, len - 14 - pl);
		}
	} else {
		mbuf_init(c, m, 0);
		if (fill_chain(mp, m, r, hdr, off, len) < 0)
			return -1;
	}
	mark_wire(m, r, len, off);
	*RTE_MBUF_DYNFIELD(m, c->ts_off, uint64_t *) = r->ts_ns;
	return 0;
}

/*
 * A frame's first CAP_HOT bytes are copied into the mbuf as usual: every worker reads its
 * headers there, soon after. The rest (payload, which a worker reads only when it scans a
 * cleartext flow) is written with non-temporal stores, whole lines, from the window: a line
 * written through the cache is first fetched and taken from the core that held it last,
 * the worker's, which read that mbuf's previous frame, and here that costs more than the
 * copy. @p room is the room from @p d to the mbuf's end; the window holds @p have bytes
 * from @p s. The caller fences the stores before the mbufs are handed on.
 */
#define CAP_HOT 128u

static inline void
copy_frame(uint8_t *d, const uint8_t *s, uint32_t len, uint32_t room, size_t have)
{
#ifdef RTE_ARCH_X86
	uint32_t o, whole = RTE_ALIGN_CEIL(len, RTE_CACHE_LINE_SIZE);

	if (len > CAP_HOT && whole <= room && whole <= have &&
	    ((uintptr_t)d & (RTE_CACHE_LINE_SIZE - 1)) == 0) {
		rte_memcpy(d, s, CAP_HOT);
		for (o = CAP_HOT; o < len; o += RTE_CACHE_LINE_SIZE) {
			const __m128i *from = (const __m128i *)(s + o);
			__m128i *to = (__m128i *)(d + o);

			_mm_stream_si128(to, _mm_loadu_si128(from));
			_mm_stream_si128(to + 1, _mm_loadu_si128(from + 1));
			_mm_stream_si128(to + 2, _mm_loadu_si128(from + 2));
			_mm_stream_si128(to + 3, _mm_loadu_si128(from + 3));
		}
		return;
	}
#else
	RTE_SET_USED(room);
	RTE_SET_USED(have);
#endif
	rte_memcpy(d, s, len);
}

/* The pool's template for mbuf_init(): one mbuf allocated (so reset) and given back. */
static int
pool_template(struct pl_capture *c, struct rte_mempool *mp)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

	if (m == NULL)
		return -1;
	memcpy(&c->rearm, (const uint8_t *)m + offsetof(struct rte_mbuf, rearm_data), 8);
	c->room = rte_pktmbuf_tailroom(m);
	c->data = (size_t)(rte_pktmbuf_mtod(m, uint8_t *) - (uint8_t *)m);
	c->mp = mp;
	rte_pktmbuf_free(m);
	return 0;
}

/*
 * The fast path: the one file of the capture is a classic pcap of Ethernet frames. Each
 * record is copied as it is (the next mbuf's data prefetched while this one is copied) and
 * the next one taken straight from the window while it holds it whole; anything else
 * (refill, end, damage, a frame longer than an mbuf) goes the general way. Returns the
 * mbufs filled; their bytes are added to @p bytes.
 */
static uint16_t
burst_pcap_eth(struct pl_capture *c, struct cap_file *f, struct rte_mbuf **pkts, uint16_t n,
	       uint64_t *bytes)
{
	const int ts_off = c->ts_off;
	const uint32_t room = c->room;
	const size_t data = c->data;
	const uint8_t *end, *ahead;
	uint64_t sum = 0;
	uint16_t i;

	/* The worker freed these mbufs last: every line written here is first fetched from
	 * its core. Ask for the headers (the first line, and the second where the time goes)
	 * of the whole burst at once, and for each frame's first lines a few frames ahead. */
	for (i = 0; i < RTE_MIN(n, (uint16_t)(2 * CAP_PREFETCH)); i++) {
		cap_prefetch_w(pkts[i]);
		cap_prefetch_w((uint8_t *)pkts[i] + RTE_CACHE_LINE_SIZE);
	}
	for (i = 0; i < RTE_MIN(n, (uint16_t)CAP_PREFETCH); i++)
		cap_prefetch_w((uint8_t *)pkts[i] + data);
	/* The records are read in order: each line of the window is asked for CAP_AHEAD bytes
	 * before the copy reaches it (the last burst asked for those up to here). The CPU's
	 * own prefetchers follow a stream only within a page, and a record is 5 lines of
	 * memory on average: the copy otherwise waits for most of them. */
	end = f->buf + f->end;
	ahead = RTE_PTR_ALIGN_FLOOR(f->cur.data, RTE_CACHE_LINE_SIZE) + CAP_AHEAD;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t len = f->cur.caplen;
		const uint8_t *want = RTE_MIN(f->cur.data + len + CAP_AHEAD, end);

		if (unlikely(len > room))
			break;
		for (; ahead < want; ahead += RTE_CACHE_LINE_SIZE)
			rte_prefetch0(ahead);
		if (i + 2 * CAP_PREFETCH < n) {
			cap_prefetch_w(pkts[i + 2 * CAP_PREFETCH]);
			cap_prefetch_w((uint8_t *)pkts[i + 2 * CAP_PREFETCH] + RTE_CACHE_LINE_SIZE);
		}
		if (i + CAP_PREFETCH < n) {
			uint8_t *next = (uint8_t *)pkts[i + CAP_PREFETCH] + data;

			cap_prefetch_w(next);
			cap_prefetch_w(next + RTE_CACHE_LINE_SIZE);
		}
		mbuf_init(c, m, len);
		copy_frame((uint8_t *)m + data, f->cur.data, len, room,
			   (size_t)(end - f->cur.data));
		*RTE_MBUF_DYNFIELD(m, ts_off, uint64_t *) = f->cur.ts_ns;
		sum += mark_wire(m, &f->cur, len, 0);
		if (likely(cap_pcap_next_fast(f, &f->cur)))
			continue;
		advance(c, f);
		if (!f->has_cur) {
			i++; /* the file ended or failed after this record */
			break;
		}
		/* a new window (chunk) */
		end = f->buf + f->end;
		ahead = RTE_PTR_ALIGN_FLOOR(f->cur.data, RTE_CACHE_LINE_SIZE) + CAP_AHEAD;
	}
#ifdef RTE_ARCH_X86
	_mm_sfence(); /* copy_frame()'s stores before the mbufs are handed on */
#endif
	*bytes += sum;
	return i;
}

uint16_t
pl_capture_burst(struct pl_capture *c, struct rte_mempool *mp, struct rte_mbuf **pkts,
		 uint16_t n)
{
	uint64_t bytes = 0;
	uint16_t i = 0;

	if (unlikely(c->pending)) {
		struct cap_file *f = c->pending;

		c->pending = NULL;
		advance(c, f);
	}
	if (unlikely(c->ts_off < 0)) {
		/* the packet time and wire length fields (registered at start by an
		 * application that parses; here for one that only reads) */
		if (pl_snap_flag == 0 && pl_parse_init() < 0) {
			snprintf(c->err, sizeof(c->err), "cannot register the mbuf dynamic fields");
			c->state = -1;
			return 0;
		}
		c->ts_off = pl_time_offset;
		c->ts_flag = pl_time_flag;
	}
	if (unlikely(c->mp != mp) && pool_template(c, mp) < 0)
		return 0; /* the pool is short: like a failed bulk get */
	/* raw: mbuf_init() writes what a frame needs (no reset of the second cache line) */
	if (c->state || rte_mempool_get_bulk(mp, (void **)pkts, n) != 0)
		return 0;
	if (likely(c->nh == 1)) {
		struct cap_file *f = &c->files[c->heap[0]];

		if (likely(f->has_cur && !f->pcapng && f->linktype == 1))
			i = burst_pcap_eth(c, f, pkts, n, &bytes);
		cap_ahead_seen(f);
	}
	for (; i < n; i++) {
		struct cap_file *f = top(c);

		if (unlikely(f == NULL) || unlikely(fill(c, mp, pkts[i], &f->cur) < 0))
			break;
		bytes += pl_frame_len(pkts[i]);
		advance(c, f);
		cap_ahead_seen(f);
	}
	if (i < n) /* still as the pool gave them */
		rte_mempool_put_bulk(mp, (void **)(pkts + i), n - i);
	if (unlikely(cap_cut_seen) && cut_check(c)) {
		/* some may hold zeros read past the cut: the capture fails here */
		rte_pktmbuf_free_bulk(pkts, i);
		return 0;
	}
	c->delivered += i;
	c->frame_bytes += bytes;
	return i;
}

void
pl_capture_ahead_settle(struct pl_capture *c, struct pl_capture_ahead_stats *st)
{
	cap_ahead_settle(c->ra, st);
}

int
pl_capture_done(const struct pl_capture *c)
{
	return c->state;
}

const char *
pl_capture_error(const struct pl_capture *c)
{
	return c->err;
}

uint64_t
pl_capture_records(const struct pl_capture *c)
{
	return c->records;
}

void
pl_capture_progress(const struct pl_capture *c, struct pl_capture_progress *p)
{
	unsigned int i;

	p->bytes_total = c->bytes_total;
	p->bytes_done = 0;
	for (i = 0; i < c->n; i++) {
		const struct cap_file *f = &c->files[i];

		if (f->state != 0)
			p->bytes_done += f->size;
		else if (!c->parked[i])
			p->bytes_done += cap_in_done(f);
	}
	p->records = c->delivered;
	p->frame_bytes = c->frame_bytes;
	p->files = c->n;
	p->files_done = c->files_done;
}
