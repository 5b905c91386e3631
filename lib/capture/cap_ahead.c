/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Readahead for mapped plain files (PL_CAPTURE_READAHEAD): a helper thread keeps the page
 * tables of each file's mapping filled a window ahead of the reader, and empties them
 * behind it.
 *
 * Reading a mapping faults in its pages as the reader reaches them (the kernel maps a
 * fault's neighbours with it); for a file cached in small pages, as a capture written in
 * 4 KiB pieces is, those faults were a quarter of the reader's time. MADV_POPULATE_READ
 * fills the same page-table entries from another thread, so on a CPU that no lcore uses
 * the reader stops paying for them; a file not yet in the page cache is read from disk by
 * the helper, ahead of the reader, too. On a CPU an lcore uses it would only move that
 * time (portlens starts it only where a CPU is spare: app/offline.c).
 *
 * Nothing the helper does changes what the reader sees: populating and dropping page-table
 * entries of a read-only mapping leaves its bytes as they are (a dropped page read again is
 * faulted in again). The helper never runs on the fast path's behalf: the reader publishes
 * its position with one store per burst (cap_ahead_seen()), and the helper looks at it
 * every few milliseconds. The reader takes the helper's lock only when a file joins or
 * leaves (its mapping must stay mapped while the helper advises it), so never per packet.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>

#include "capture_priv.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif

#define AHEAD_FILES 8            /* files read ahead at once (merges of more: the rest fault) */
#define AHEAD_STEP (256u << 10)  /* bytes advised in one call (the lock is not held) */
#define AHEAD_POLL_NS 5000000    /* how often the helper looks at the readers' positions */

static size_t ahead_window = 256u << 20; /* populated ahead of the reader */
static size_t ahead_behind = 16u << 20;  /* kept behind it (then dropped in steps) */

struct cap_ahead {
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t cv;          /* the helper: stop, or a new file; waiters: a pass idle */
	struct cap_file *files[AHEAD_FILES];
	const struct cap_file *busy; /* the file being advised, the lock released */
	int stop;
	uint64_t idle_passes;       /* passes that found nothing to do */
	struct pl_capture_ahead_stats st;
};

void
pl_capture_readahead_window(size_t ahead, size_t behind)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	ahead_window = ahead == 0 ? 256u << 20 : RTE_ALIGN_CEIL(ahead, pg);
	ahead_behind = behind == 0 ? 16u << 20 : RTE_ALIGN_CEIL(behind, pg);
}

/* Fill [p, p + len) in: the kernel's populate, or (before Linux 5.14) a read a page. */
static int
populate(uint8_t *p, size_t len, int *touch)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), o;
	volatile uint8_t sink = 0;

	if (!*touch) {
		if (madvise(p, len, MADV_POPULATE_READ) == 0)
			return 0;
		if (errno != EINVAL) /* EFAULT: past the end of a file cut short */
			return -1;   /* (the reader finds the cut itself) */
		*touch = 1;
	}
	/* a read past a cut raises SIGBUS here as in the reader: the guard handles it */
	for (o = 0; o < len; o += pg)
		sink += p[o];
	(void)sink;
	return 0;
}

/*
 * The next thing to do for @p f, given the reader at @p pos: populate [*lo, *hi) (return 1)
 * or drop it (return 2); 0 when nothing is due. Populating starts at the reader, never
 * behind it; dropping waits until a whole step is behind the kept part.
 */
static int
due(const struct cap_file *f, uint64_t pos, uint64_t *lo, uint64_t *hi)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t from = RTE_MAX(f->ra_done, RTE_ALIGN_FLOOR(pos, pg));
	uint64_t to = RTE_ALIGN_CEIL(RTE_MIN(f->size, pos + ahead_window), pg);

	if (!f->ra_failed && from < to) {
		*lo = from;
		*hi = RTE_MIN(to, from + AHEAD_STEP);
		return 1;
	}
	if (pos > ahead_behind) {
		uint64_t keep = RTE_ALIGN_FLOOR(pos - ahead_behind, pg);

		if (keep >= f->ra_dropped + AHEAD_STEP) {
			*lo = f->ra_dropped;
			*hi = keep;
			return 2;
		}
	}
	return 0;
}

/* One step for one of the files, the lock held (released around the advice). 1 if done. */
static int
step(struct cap_ahead *a, int *touch)
{
	unsigned int i;

	for (i = 0; i < AHEAD_FILES; i++) {
		struct cap_file *f = a->files[i];
		uint64_t lo, hi, pos;
		int what, rc;

		if (f == NULL)
			continue;
		pos = __atomic_load_n(&f->ra_pos, __ATOMIC_RELAXED);
		what = due(f, pos, &lo, &hi);
		if (what == 0)
			continue;
		a->busy = f;
		pthread_mutex_unlock(&a->lock);
		if (what == 1)
			rc = populate(f->buf + lo, hi - lo, touch);
		else
			rc = madvise(f->buf + lo, hi - lo, MADV_DONTNEED);
		pthread_mutex_lock(&a->lock);
		a->busy = NULL;
		if (what == 1) {
			if (rc == 0) {
				f->ra_done = hi;
				a->st.populated += hi - lo;
			} else {
				f->ra_failed = 1;
			}
		} else if (rc == 0) {
			f->ra_dropped = hi;
			f->ra_done = RTE_MAX(f->ra_done, hi);
			a->st.dropped += hi - lo;
		}
		pthread_cond_broadcast(&a->cv); /* a file's remover may wait for this one */
		return 1;
	}
	return 0;
}

static void *
helper(void *arg)
{
	struct cap_ahead *a = arg;
	int touch = 0;

	pthread_mutex_lock(&a->lock);
	while (!a->stop) {
		struct timespec t;

		if (step(a, &touch))
			continue;
		a->idle_passes++;
		pthread_cond_broadcast(&a->cv);
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_nsec += AHEAD_POLL_NS;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&a->cv, &a->lock, &t);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

struct cap_ahead *
cap_ahead_start(void)
{
	struct cap_ahead *a = calloc(1, sizeof(*a));
	pthread_condattr_t ca;

	if (a == NULL)
		return NULL;
	pthread_mutex_init(&a->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&a->tid, NULL, helper, a) != 0) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->lock);
		free(a);
		return NULL;
	}
	pthread_setname_np(a->tid, "pl-readahead");
	return a;
}

void
cap_ahead_stop(struct cap_ahead *a)
{
	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->tid, NULL);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

int
cap_ahead_room(struct cap_ahead *a)
{
	unsigned int i, free = 0;

	if (a == NULL)
		return 0;
	pthread_mutex_lock(&a->lock);
	for (i = 0; i < AHEAD_FILES; i++)
		free += a->files[i] == NULL;
	pthread_mutex_unlock(&a->lock);
	return free > 0;
}

void
cap_ahead_add(struct cap_ahead *a, struct cap_file *f)
{
	unsigned int i;

	if (a == NULL || !f->mapped || f->base != 0 || f->cap != f->size)
		return; /* only a file mapped whole */
	pthread_mutex_lock(&a->lock);
	for (i = 0; i < AHEAD_FILES; i++)
		if (a->files[i] == NULL) {
			f->ra = a;
			f->ra_pos = cap_off(f);
			f->ra_done = f->ra_dropped = 0;
			f->ra_failed = 0;
			a->files[i] = f;
			pthread_cond_broadcast(&a->cv);
			break;
		}
	pthread_mutex_unlock(&a->lock);
}

void
cap_ahead_del(struct cap_file *f)
{
	struct cap_ahead *a = f->ra;
	unsigned int i;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	while (a->busy == f)
		pthread_cond_wait(&a->cv, &a->lock);
	for (i = 0; i < AHEAD_FILES; i++)
		if (a->files[i] == f)
			a->files[i] = NULL;
	f->ra = NULL;
	pthread_mutex_unlock(&a->lock);
}

void
cap_ahead_settle(struct cap_ahead *a, struct pl_capture_ahead_stats *st)
{
	uint64_t seen;

	memset(st, 0, sizeof(*st));
	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	/* a pass that starts after now and finds nothing to do */
	seen = a->idle_passes;
	pthread_cond_broadcast(&a->cv);
	while (a->idle_passes == seen)
		pthread_cond_wait(&a->cv, &a->lock);
	*st = a->st;
	pthread_mutex_unlock(&a->lock);
}
