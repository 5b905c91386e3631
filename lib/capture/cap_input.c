/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One input file as a window of bytes that slides: cap_fill() keeps at least the bytes the
 * format walker asks for (one record or block) in front of it. A plain file is read into
 * the window with read(), a gzip or zstd file is decompressed into it, so no capture ever
 * sits whole in memory. A capture held in memory (tests, fuzzing) is its own window.
 *
 * A plain file is mapped a chunk at a time (16 MiB) and its chunk is the window: the
 * records are copied into mbufs straight from the page cache, with no read() copy before
 * (docs/architecture.md, "The offline source"). A file cut shorter by another program
 * while it is mapped would raise SIGBUS on the pages past its new end; the handler below
 * puts zero pages there instead and marks the file, and the reader stops it with a one-line
 * error. Where a mapping cannot be made, where PL_CAPTURE_READ asks, or where
 * PL_CAPTURE_PROBE's measurement finds it the cheaper (below), the file is read() into a
 * 256 KiB window as compressed files are decompressed into theirs.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_prefetch.h>

#include "capture_priv.h"

#define CAP_WINDOW (256u << 10)   /* bytes held at a time (grows for a longer block) */
#define CAP_IN_CHUNK (256u << 10) /* compressed bytes read at a time */
#define CAP_MAP_CHUNK (16u << 20) /* bytes of a plain file mapped at a time */
#define CAP_GUARDS 64             /* mappings watched for SIGBUS at once */

static size_t map_chunk = CAP_MAP_CHUNK;

void
pl_capture_map_chunk(size_t bytes)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	map_chunk = bytes == 0 ? CAP_MAP_CHUNK : (bytes + pg - 1) / pg * pg;
}

/* ------------------------------------------------------------------ SIGBUS guard */

/* The mappings being read: [lo, hi) of file f. A slot is free while lo is NULL. */
static struct {
	uint8_t *volatile lo;
	uint8_t *volatile hi;
	struct cap_file *volatile f;
} guard[CAP_GUARDS];
static struct sigaction bus_before;
static uintptr_t guard_page;
volatile int cap_cut_seen;

/*
 * A read past the end of a file that another program made shorter while it was mapped. In
 * one of ours: zero pages over the rest of the mapping (the read is retried and finds
 * zeros), the file marked, the reader stops it (cap_file_cut()). Anyone else's: what was
 * there before, or the default action.
 */
static void
on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uint8_t *a = si->si_addr;
	unsigned int i;

	for (i = 0; i < CAP_GUARDS; i++) {
		uint8_t *lo = guard[i].lo, *hi = guard[i].hi;
		uintptr_t pg;

		if (lo == NULL || a < lo || a >= hi)
			continue;
		pg = (uintptr_t)a & ~(guard_page - 1);
		if (mmap((void *)pg, (size_t)((uintptr_t)hi - pg), PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			break;
		guard[i].f->cut = 1;
		cap_cut_seen = 1;
		return;
	}
	if ((bus_before.sa_flags & SA_SIGINFO) && bus_before.sa_sigaction != NULL) {
		bus_before.sa_sigaction(sig, si, uc);
	} else if (bus_before.sa_handler != SIG_DFL && bus_before.sa_handler != SIG_IGN) {
		bus_before.sa_handler(sig);
	} else {
		/* the faulting read runs again on return, and the default action ends it */
		signal(SIGBUS, SIG_DFL);
	}
}

/* Watch [p, p + len) of @p f. 0, or -1 when every slot is taken (then: read() it). */
static int
guard_add(struct cap_file *f, uint8_t *p, size_t len)
{
	struct sigaction cur;
	unsigned int i;

	/* (again) when something replaced the handler, as the EAL does for a while when it
	 * maps hugepages */
	if (sigaction(SIGBUS, NULL, &cur) == 0 &&
	    !((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_sigbus)) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		guard_page = (uintptr_t)sysconf(_SC_PAGESIZE);
		if (sigaction(SIGBUS, &sa, &bus_before) < 0)
			return -1;
	}
	for (i = 0; i < CAP_GUARDS; i++) {
		struct cap_file *none = NULL;

		if (guard[i].lo != NULL || guard[i].f != NULL)
			continue;
		/* the slot is taken by setting its file; its range is set after */
		if (!__atomic_compare_exchange_n(&guard[i].f, &none, f, 0, __ATOMIC_ACQ_REL,
						 __ATOMIC_RELAXED))
			continue;
		guard[i].hi = p + len;
		__atomic_store_n(&guard[i].lo, p, __ATOMIC_RELEASE);
		return 0;
	}
	return -1;
}

static void
guard_del(const uint8_t *p)
{
	unsigned int i;

	for (i = 0; i < CAP_GUARDS; i++)
		if (guard[i].lo == p) {
			__atomic_store_n(&guard[i].lo, NULL, __ATOMIC_RELEASE);
			__atomic_store_n(&guard[i].f, NULL, __ATOMIC_RELEASE);
			return;
		}
}

/* Stop watching and unmap the chunk a file holds. */
static void
map_drop(struct cap_file *f)
{
	guard_del(f->buf);
	munmap(f->buf, f->cap);
	f->mapped = 0;
}

/*
 * Map the chunk of a plain file that starts at the page of file byte @p at and holds at
 * least @p want bytes from it (less at the end of the file); the window is that chunk.
 * 0, or -1 (no mapping: errno set, the window as it was).
 */
static int
map_at(struct cap_file *f, uint64_t at, size_t want)
{
	uint64_t from = at & ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1);
	size_t len = (size_t)RTE_MIN(f->size - from, RTE_MAX((uint64_t)map_chunk,
							     want + (at - from)));
	uint8_t *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, f->fd, (off_t)from);

	if (p == MAP_FAILED)
		return -1;
	if (guard_add(f, p, len) < 0) {
		munmap(p, len);
		errno = EMFILE;
		return -1;
	}
	madvise(p, len, MADV_SEQUENTIAL);
	if (f->mapped)
		map_drop(f);
	f->mapped = 1;
	f->buf = p;
	f->cap = f->end = len;
	f->pos = (size_t)(at - from);
	f->base = from;
	return 0;
}

int
cap_file_shrank(struct cap_file *f)
{
	struct stat st;

	if (f->mapped && !f->cut && fstat(f->fd, &st) == 0 && (uint64_t)st.st_size < f->size)
		f->cut = 1;
	return f->cut;
}

int
cap_file_cut(struct cap_file *f)
{
	struct stat st;
	uint64_t now = fstat(f->fd, &st) == 0 ? (uint64_t)st.st_size : 0;

	return cap_fail(f, "the file got shorter while being read (%" PRIu64 " bytes at open, "
			"%" PRIu64 " now; near record %" PRIu64 " at byte %" PRIu64 "): another "
			"program truncated or rewrote it; read a copy that nothing writes to",
			f->size, now, f->rec, cap_off(f));
}

int
cap_fail(struct cap_file *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->err, sizeof(f->err), fmt, ap);
	va_end(ap);
	f->state = -1;
	return -1;
}

/* Compressed input bytes consumed so far (progress); plain input: the window position. */
uint64_t
cap_in_done(const struct cap_file *f)
{
	if (f->comp == CAP_PLAIN)
		return cap_off(f);
	return f->in_read - (f->in_len - f->in_pos);
}

/* Make more compressed input available. 0: some is; 1: none is left; -1: read error. */
static int
input_more(struct cap_file *f)
{
	ssize_t r;

	if (f->in_pos < f->in_len)
		return 0;
	if (f->in_eof || f->fd < 0) {
		f->in_eof = 1;
		return 1;
	}
	do
		r = read(f->fd, f->inbuf, CAP_IN_CHUNK);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return cap_fail(f, "read error at byte %" PRIu64 ": %s; check the disk or copy the "
				"file elsewhere", f->in_read, strerror(errno));
	if (r == 0) {
		f->in_eof = 1;
		return 1;
	}
	f->in = f->inbuf;
	f->in_len = (size_t)r;
	f->in_pos = 0;
	f->in_read += (uint64_t)r;
	return 0;
}

/* The stream ran out of input inside a gzip member or zstd frame: the file was cut. */
static void
stream_cut(struct cap_file *f)
{
	f->out_eof = 1;
	if (f->frame_open)
		f->frame_open = -1; /* remembered for the message at the last record */
}

/* Decompress once into the free end of the window. 0, or -1 on damage. */
static int
decompress_some(struct cap_file *f)
{
	int none = input_more(f);
	size_t before = f->end;

	if (none < 0)
		return -1;
	if (f->comp == CAP_GZIP) {
		int ret;

		if (!f->frame_open) {
			if (none) {
				f->out_eof = 1;
				return 0;
			}
			inflateReset(&f->z); /* the next gzip member (concatenated files) */
			f->frame_open = 1;
		}
		f->z.next_in = (Bytef *)(uintptr_t)(f->in + f->in_pos);
		f->z.avail_in = (uInt)(f->in_len - f->in_pos);
		f->z.next_out = f->buf + f->end;
		f->z.avail_out = (uInt)(f->cap - f->end);
		ret = inflate(&f->z, Z_NO_FLUSH);
		f->in_pos = f->in_len - f->z.avail_in;
		f->end = f->cap - f->z.avail_out;
		if (ret == Z_STREAM_END)
			f->frame_open = 0;
		else if (ret != Z_OK && ret != Z_BUF_ERROR)
			return cap_fail(f, "damaged gzip stream at compressed byte %" PRIu64 " (%s); "
					"the file is corrupt: take the capture again or restore it",
					cap_in_done(f), f->z.msg ? f->z.msg : "inflate error");
	} else {
		if (none && !f->frame_open) {
			f->out_eof = 1;
			return 0;
		}
		ZSTD_inBuffer ib = { f->in + f->in_pos, f->in_len - f->in_pos, 0 };
		ZSTD_outBuffer ob = { f->buf + f->end, f->cap - f->end, 0 };
		size_t ret = ZSTD_decompressStream(f->zs, &ob, &ib);

		f->in_pos += ib.pos;
		f->end += ob.pos;
		if (ZSTD_isError(ret))
			return cap_fail(f, "damaged zstd stream at compressed byte %" PRIu64 " (%s); "
					"the file is corrupt: take the capture again or restore it",
					cap_in_done(f), ZSTD_getErrorName(ret));
		if (ib.pos || ob.pos)
			f->frame_open = ret != 0;
	}
	if (none && f->end == before)
		stream_cut(f);
	return 0;
}

/* Read a plain file into the free end of the window. 0, or -1 on a read error. */
static int
read_some(struct cap_file *f)
{
	ssize_t r;

	do
		r = read(f->fd, f->buf + f->end, f->cap - f->end);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return cap_fail(f, "read error at byte %" PRIu64 ": %s; check the disk or copy the "
				"file elsewhere", f->base + f->end, strerror(errno));
	if (r == 0)
		f->out_eof = 1;
	f->end += (size_t)r;
	return 0;
}

size_t
cap_fill(struct cap_file *f, size_t want)
{
	if (f->end - f->pos >= want || f->state < 0 || (f->comp == CAP_PLAIN && f->fd < 0))
		return f->end - f->pos;
	if (f->mapped) {
		/* the next chunk, unless this one reaches the end of the file */
		if (f->base + f->end < f->size && map_at(f, cap_off(f), want) < 0)
			cap_fail(f, "cannot map byte %" PRIu64 " on: %s; try again with more "
				 "memory free", cap_off(f), strerror(errno));
		return f->end - f->pos;
	}
	if (f->pos) {
		memmove(f->buf, f->buf + f->pos, f->end - f->pos);
		f->base += f->pos;
		f->end -= f->pos;
		f->pos = 0;
	}
	if (want > f->cap) {
		size_t ncap = RTE_MAX(want, f->cap * 2);
		uint8_t *nb = realloc(f->buf, ncap);

		if (nb == NULL) {
			cap_fail(f, "out of memory for a block of %zu bytes", want);
			return f->end - f->pos;
		}
		f->buf = nb;
		f->cap = ncap;
	}
	while (f->end < want && !f->out_eof)
		if ((f->comp == CAP_PLAIN ? read_some(f) : decompress_some(f)) < 0)
			break;
	return f->end - f->pos;
}

/* Is the stream cut short (input ended inside a member or frame)? For the walker's message. */
int
cap_stream_cut(const struct cap_file *f)
{
	return f->frame_open < 0;
}

/* ------------------------------------------------------------------ mapped or read()? */

/*
 * Which way a plain file is read fastest depends on the machine more than on the file. A
 * mapping saves the copy into a window, but each page costs a fault and a page-table entry
 * (a few microseconds on one VM, tens on a paravirtualised one, where every entry is
 * shadowed by the hypervisor), and the copy out of it is a walk over memory the reader
 * streams itself; read() has the kernel copy the file in large runs (which some CPUs do
 * much faster than any walk) into a window that then sits in the reader's cache. So
 * PL_CAPTURE_PROBE measures both on the first plain file large enough: a region copied
 * out of a fresh mapping, the next read() into a window and copied out of it, in
 * record-sized pieces with the reader's prefetch, PROBE_ROUNDS times each; read() is
 * taken when its best is at least a fifth cheaper (it costs a second copy of each byte,
 * through the cache the reader shares with the mbufs it writes), else the mapping.
 */
#define PROBE_REGION (1u << 20)  /* bytes copied by one measurement */
#define PROBE_ROUNDS 3
#define PROBE_PIECE 288          /* bytes copied at a time: a FinMark frame on average */
#define PROBE_SCRATCH (64u << 10)

static struct pl_capture_probe probe;
static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;

static void
probe_copy(const uint8_t *src, size_t len, uint8_t *dst)
{
	size_t o, d = 0, k;

	for (o = 0; o + PROBE_PIECE <= len; o += PROBE_PIECE) {
		for (k = 0; k < PROBE_PIECE && o + CAP_AHEAD + k < len; k += RTE_CACHE_LINE_SIZE)
			rte_prefetch0(src + o + CAP_AHEAD + k);
		memcpy(dst + d, src + o, PROBE_PIECE);
		d = d + 2 * PROBE_PIECE > PROBE_SCRATCH ? 0 : d + PROBE_PIECE;
	}
}

/* TSC cycles to copy the region at @p off out of a fresh mapping (0: could not map). The
 * unmapping is left out: the reader's chunks are 16 times larger, and so is what that
 * costs per byte here. */
static uint64_t
probe_map(struct cap_file *f, uint64_t off, uint8_t *scratch)
{
	uint64_t t0 = rte_rdtsc(), t;
	uint8_t *p = mmap(NULL, PROBE_REGION, PROT_READ, MAP_PRIVATE, f->fd, (off_t)off);

	if (p == MAP_FAILED)
		return 0;
	if (guard_add(f, p, PROBE_REGION) < 0) {
		munmap(p, PROBE_REGION);
		return 0;
	}
	madvise(p, PROBE_REGION, MADV_SEQUENTIAL);
	probe_copy(p, PROBE_REGION, scratch);
	t = rte_rdtsc() - t0;
	guard_del(p);
	munmap(p, PROBE_REGION);
	return t;
}

/* TSC cycles to read() the region at @p off into a window and copy it out (0: a short
 * read). */
static uint64_t
probe_read(struct cap_file *f, uint64_t off, uint8_t *win, uint8_t *scratch)
{
	uint64_t t0 = rte_rdtsc();
	size_t done;

	for (done = 0; done < PROBE_REGION; done += CAP_WINDOW) {
		if (pread(f->fd, win, CAP_WINDOW, (off_t)(off + done)) != (ssize_t)CAP_WINDOW)
			return 0;
		probe_copy(win, CAP_WINDOW, scratch);
	}
	return rte_rdtsc() - t0;
}

/* Measure on @p f (a plain file of at least PL_CAPTURE_PROBE_MIN bytes), once. */
static void
probe_take(struct cap_file *f)
{
	uint64_t best[2] = { UINT64_MAX, UINT64_MAX }, off = PROBE_REGION;
	uint8_t *win = malloc(CAP_WINDOW), *scratch = malloc(PROBE_SCRATCH);
	unsigned int r, way;

	if (win == NULL || scratch == NULL)
		goto out;
	for (r = 0; r < PROBE_ROUNDS; r++)
		for (way = 0; way < 2; way++, off += PROBE_REGION) {
			uint64_t t = way ? probe_read(f, off, win, scratch) :
				probe_map(f, off, scratch);

			if (t == 0)
				goto out;
			best[way] = RTE_MIN(best[way], t);
		}
	probe.map_cycles = (double)best[0] / (PROBE_REGION >> 10);
	probe.read_cycles = (double)best[1] / (PROBE_REGION >> 10);
	probe.read = best[1] * 5 < best[0] * 4;
	probe.done = 1;
out:
	free(win);
	free(scratch);
}

/* Should plain file @p f be read(), not mapped? */
static int
plain_read(struct cap_file *f)
{
	int r;

	if (f->flags & PL_CAPTURE_READ)
		return 1;
	if (!(f->flags & PL_CAPTURE_PROBE))
		return 0;
	pthread_mutex_lock(&probe_lock);
	if (!probe.done && f->size >= PL_CAPTURE_PROBE_MIN)
		probe_take(f);
	r = probe.done && probe.read;
	pthread_mutex_unlock(&probe_lock);
	return r;
}

void
pl_capture_probe_get(struct pl_capture_probe *p)
{
	pthread_mutex_lock(&probe_lock);
	*p = probe;
	pthread_mutex_unlock(&probe_lock);
}

static int
setup_stream(struct cap_file *f)
{
	if (f->comp == CAP_PLAIN) {
		posix_fadvise(f->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		/* readahead: whole, so that the helper can fill it in ahead of the reader */
		if (!plain_read(f) &&
		    map_at(f, 0, (f->flags & PL_CAPTURE_READAHEAD) ? f->size : 0) == 0)
			return 0;
	}
	f->cap = CAP_WINDOW;
	f->buf = malloc(f->cap);
	if (f->buf == NULL)
		return cap_fail(f, "out of memory");
	if (f->comp == CAP_PLAIN)
		return 0;
	if (f->comp == CAP_GZIP) {
		if (inflateInit2(&f->z, 15 + 16) != Z_OK)
			return cap_fail(f, "cannot start zlib");
		f->z_init = 1;
		f->frame_open = 1;
	} else {
		f->zs = ZSTD_createDStream();
		if (f->zs == NULL || ZSTD_isError(ZSTD_initDStream(f->zs)))
			return cap_fail(f, "cannot start zstd");
	}
	return 0;
}

static enum cap_comp
detect(const uint8_t *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return CAP_GZIP;
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return CAP_ZSTD;
	return CAP_PLAIN;
}

int
cap_file_open(struct cap_file *f, const char *path, int flags)
{
	struct stat st;
	uint8_t head[4];
	ssize_t got;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->flags = flags;
	snprintf(f->name, sizeof(f->name), "%s", path);
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0 || fstat(f->fd, &st) < 0)
		return cap_fail(f, "%s; check the path and its permissions", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return cap_fail(f, "a folder, not a regular file: name the capture files in it");
	if (!S_ISREG(st.st_mode))
		return cap_fail(f, "not a regular file: copy the capture into a file first");
	if (st.st_size == 0)
		return cap_fail(f, "empty file (0 bytes): the capture holds nothing; check that "
				"the capture was written and finished");
	f->size = (uint64_t)st.st_size;
	got = pread(f->fd, head, sizeof(head), 0);
	if (got < 0)
		return cap_fail(f, "read error at byte 0: %s", strerror(errno));
	f->comp = detect(head, (size_t)got);
	if (f->comp != CAP_PLAIN) {
		f->inbuf = malloc(CAP_IN_CHUNK);
		if (f->inbuf == NULL)
			return cap_fail(f, "out of memory");
	}
	return setup_stream(f);
}

int
cap_file_open_mem(struct cap_file *f, const void *buf, size_t len, const char *name, int flags)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->flags = flags;
	snprintf(f->name, sizeof(f->name), "%s", name);
	if (len == 0)
		return cap_fail(f, "empty file (0 bytes): the capture holds nothing; check that "
				"the capture was written and finished");
	f->size = len;
	f->comp = detect(buf, len);
	if (f->comp != CAP_PLAIN) {
		f->in = buf;
		f->in_len = len;
		f->in_read = len;
		f->in_eof = 1;
		return setup_stream(f);
	}
	f->buf = (uint8_t *)(uintptr_t)buf;
	f->cap = f->end = len;
	return 0;
}

/* Back to the first byte (a capture in memory only: a file is read once). */
int
cap_rewind(struct cap_file *f)
{
	if (f->comp != CAP_PLAIN || f->fd >= 0)
		return -1;
	f->pos = 0;
	f->state = 0;
	f->err[0] = '\0';
	return 0;
}

void
cap_file_close(struct cap_file *f)
{
	cap_ahead_del(f); /* before its mapping goes */
	if (f->mapped)
		map_drop(f);
	else if (f->fd >= 0 || f->comp != CAP_PLAIN) /* a window of its own */
		free(f->buf);
	if (f->z_init)
		inflateEnd(&f->z);
	ZSTD_freeDStream(f->zs);
	free(f->inbuf);
	free(f->ifs);
	if (f->fd >= 0)
		close(f->fd);
	f->buf = NULL;
	f->inbuf = NULL;
	f->ifs = NULL;
	f->zs = NULL;
	f->z_init = 0;
	f->fd = -1;
}

const char *
cap_comp_name(const struct cap_file *f)
{
	return f->comp == CAP_PLAIN ? "plain" : f->comp == CAP_GZIP ? "gzip" : "zstd";
}
