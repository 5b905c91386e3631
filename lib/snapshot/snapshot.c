/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stats lcore's side of the counters: collect (flip, wait, drain), build immutable
 * snapshots with their derived views, publish them to control-plane readers and keep a
 * history ring of running totals for rates and time series.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include "pl_snapshot.h"

#define PORTS_ENTRIES ((size_t)PL_PORT_ROWS * 65536)
#define HUGE_2M (2u << 20)

/*
 * The collector's per-port tables (totals and the baseline of a clear: 5 MiB each), zeroed:
 * a mapping of their own, whose pages the kernel gives zeroed when first touched, so that
 * the table costs no page nothing wrote (the collector writes only the ports that see
 * traffic; a snapshot's copy reads untouched pages as the shared zero page). Snapshots read
 * and write the table whole, so it is put on transparent huge pages where the kernel allows
 * them (madvise mode): three 2 MiB faults instead of 1280 4 KiB ones, which cost about
 * 20 us each on a virtual machine (a first snapshot took 50 ms of faults).
 */
#define PORTS_BYTES RTE_ALIGN_CEIL(PORTS_ENTRIES * sizeof(struct pl_port_ctr), (size_t)HUGE_2M)

static struct pl_port_ctr *
ports_alloc(void)
{
	size_t full = PORTS_BYTES + HUGE_2M, head;
	uint8_t *p = mmap(NULL, full, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	/* from a 2 MiB boundary, the rest of the mapping given back */
	a = RTE_ALIGN_CEIL((uintptr_t)p, (uintptr_t)HUGE_2M);
	head = a - (uintptr_t)p;
	if (head > 0)
		munmap(p, head);
	if (full - head > PORTS_BYTES)
		munmap((void *)(a + PORTS_BYTES), full - head - PORTS_BYTES);
	madvise((void *)a, PORTS_BYTES, MADV_HUGEPAGE); /* advice only: 4 KiB pages if refused */
	return (struct pl_port_ctr *)a;
}

static void
ports_free(struct pl_port_ctr *p)
{
	if (p != NULL)
		munmap(p, PORTS_BYTES);
}

/* A snapshot's table: written whole by every build that copies, on huge pages as above. */
static struct pl_port_ctr *
snap_ports_alloc(void)
{
	struct pl_port_ctr *p = aligned_alloc(HUGE_2M, PORTS_BYTES);

	if (p != NULL)
		madvise(p, PORTS_BYTES, MADV_HUGEPAGE); /* advice only */
	return p;
}

/* A final snapshot shows the collector's own table instead of a copy (see
 * pl_snapshot_build()): its own goes back in place before it is freed or kept for reuse. */
static void
snap_ports_return(struct pl_snapshot *s)
{
	if (s->ports_own != NULL) {
		s->ports = s->ports_own;
		s->ports_own = NULL;
	}
}

int
pl_collector_init(struct pl_collector *col, const struct pl_bins *bins, uint64_t ival_ns)
{
	memset(col, 0, sizeof(*col));
	col->ports = ports_alloc();
	if (col->ports == NULL)
		return -ENOMEM;
	col->bins = bins;
	col->ival_ns = ival_ns;
	col->talkers = pl_talkers_create(PL_TALKERS_MAX, SOCKET_ID_ANY);
	if (col->talkers == NULL) {
		ports_free(col->ports);
		col->ports = NULL;
		return -ENOMEM;
	}
	return pl_collector_findings(col, 4096);
}

int
pl_collector_findings(struct pl_collector *col, uint32_t max)
{
	struct pl_findings *f;

	/* the same bound again (the default configuration's): keep the table, since freeing
	 * one zeroes it whole (rte_free), faulting in pages never used */
	if (col->findings && col->findings->max == max)
		return 0;
	f = pl_findings_create(max, SOCKET_ID_ANY);
	if (f == NULL)
		return -ENOMEM;
	if (col->findings)
		pl_findings_merge(f, col->findings);
	pl_findings_free(col->findings);
	col->findings = f;
	return 0;
}

int
pl_collector_inputs(struct pl_collector *col, const char *const *files, unsigned int n)
{
	size_t used = 0, len;
	unsigned int i;

	col->inputs[0] = '\0';
	for (i = 0; i < n; i++) {
		len = strlen(files[i]);
		if (used + len + 2 > sizeof(col->inputs) || memchr(files[i], '\n', len))
			return -ENAMETOOLONG;
		if (used)
			col->inputs[used++] = '\n';
		memcpy(col->inputs + used, files[i], len + 1);
		used += len;
	}
	return 0;
}

int
pl_collector_add(struct pl_collector *col, struct pl_lcore_ctr *c)
{
	if (col->n >= PL_MAX_LCORES)
		return -ENOSPC;
	col->ctr[col->n] = c;
	pl_ctr_sum_init(&col->sum[col->n]);
	col->n++;
	return 0;
}

static void
baseline_free(struct pl_baseline *b)
{
	if (b == NULL)
		return;
	ports_free(b->ports);
	pl_ival_sum_free(&b->ivals);
	free(b);
}

void
pl_collector_fini(struct pl_collector *col)
{
	baseline_free(col->base);
	ports_free(col->ports);
	pl_ival_sum_free(&col->ivals);
	pl_findings_free(col->findings);
	pl_talkers_free(col->talkers);
	memset(col, 0, sizeof(*col));
}

static void
drain(struct pl_collector *col, unsigned int i, struct pl_ctr_bank *b)
{
	struct pl_flow_export *fx = b->flowrec;

	if (fx && (fx->n || fx->dropped)) {
		if (col->flow_sink && fx->n)
			col->flow_sink(col->flow_sink_ctx, fx->rec, fx->n);
		col->flow_exported += col->flow_sink ? fx->n : 0;
		col->flow_export_dropped += fx->dropped;
		fx->n = 0;
		fx->dropped = 0;
	}
	pl_ctr_drain_talkers(col->talkers, b);
	pl_ctr_drain(&col->sum[i], col->ports, &col->ivals, col->findings, b);
}

/* Flip every block of one role and drain those that answer within the timeout. */
static unsigned int
tick_role(struct pl_collector *col, enum pl_role role, unsigned int timeout_us)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() * timeout_us / 1000000;
	unsigned int i, pending, stale = 0;

	for (i = 0; i < col->n; i++) {
		struct pl_lcore_ctr *c = col->ctr[i];

		if (c->role != role)
			continue;
		/* a block that answered after an earlier tick gave up on it: drain the bank it
		 * left before asking again, or the next flip would write into it and the
		 * bank after it would be drained first (flow records out of order) */
		if (col->stale[i] && pl_ctr_flip_done(c)) {
			drain(col, i, pl_ctr_retired(c));
			col->stale[i] = 0;
		}
		pl_ctr_flip_request(c);
	}
	do {
		pending = 0;
		for (i = 0; i < col->n; i++)
			if (col->ctr[i]->role == role && !pl_ctr_flip_done(col->ctr[i]))
				pending++;
		if (pending == 0)
			break;
		/* the stats role may share a CPU with the lcores it waits for: give way */
		sched_yield();
	} while (rte_get_timer_cycles() < deadline);

	for (i = 0; i < col->n; i++) {
		struct pl_lcore_ctr *c = col->ctr[i];

		if (c->role != role)
			continue;
		if (!pl_ctr_flip_done(c)) {
			col->stale[i] = 1;
			stale++;
			continue;
		}
		col->stale[i] = 0;
		drain(col, i, pl_ctr_retired(c));
	}
	return stale;
}

unsigned int
pl_collector_tick(struct pl_collector *col, unsigned int timeout_us)
{
	/* Workers first: their cut must not be later than the RX lcores' cut. */
	unsigned int stale = tick_role(col, PL_ROLE_WORKER, timeout_us);
	uint32_t req;

	stale += tick_role(col, PL_ROLE_RX, timeout_us);
	req = __atomic_load_n(&col->clear_req, __ATOMIC_ACQUIRE);
	if (req != col->clear_done && pl_collector_clear(col) == 0)
		col->clear_done = req;
	return stale;
}

/* Frames received and not yet processed or dropped, over the collector's totals. */
static uint64_t
in_flight(const struct pl_collector *col)
{
	uint64_t r = 0, done = 0;
	unsigned int i, k;

	for (i = 0; i < col->n; i++) {
		r += col->sum[i].v[PL_CTR_rx_packets];
		done += col->sum[i].v[PL_CTR_processed];
		for (k = 0; k < PL_DROP_MAX; k++)
			done += col->sum[i].drop[k];
	}
	return r - done;
}

int
pl_collector_clear(struct pl_collector *col)
{
	struct pl_baseline *b = col->base;

	if (b == NULL) {
		b = calloc(1, sizeof(*b));
		if (b == NULL)
			return -ENOMEM;
		b->ports = ports_alloc();
		if (b->ports == NULL) {
			free(b);
			return -ENOMEM;
		}
	}
	if (col->ivals.n > b->ivals.cap) {
		struct pl_ival *e = realloc(b->ivals.e, col->ivals.n * sizeof(*e));

		if (e == NULL) {
			if (b != col->base)
				baseline_free(b);
			return -ENOMEM;
		}
		b->ivals.e = e;
		b->ivals.cap = col->ivals.n;
	}
	if (col->ivals.n)
		memcpy(b->ivals.e, col->ivals.e, col->ivals.n * sizeof(*b->ivals.e));
	b->ivals.base = col->ivals.base;
	b->ivals.n = col->ivals.n;
	memcpy(b->sum, col->sum, col->n * sizeof(col->sum[0]));
	memcpy(b->ports, col->ports, PORTS_ENTRIES * sizeof(*b->ports));
	b->in_flight = in_flight(col);
	b->wall_ns = pl_clock_ns(CLOCK_REALTIME);
	/* tables of things seen, not counts: they start again empty */
	if (col->findings)
		pl_findings_clear(col->findings);
	if (col->talkers)
		pl_talkers_clear(col->talkers);
	col->base = b;
	col->clears++;
	return 0;
}

void
pl_collector_clear_request(struct pl_collector *col)
{
	__atomic_add_fetch(&col->clear_req, 1, __ATOMIC_RELEASE);
}

/* One lcore's counts since the clear: everything but the gauges, which are states. */
static void
sum_since(struct pl_ctr_sum *d, const struct pl_ctr_sum *base)
{
	uint64_t tw = d->tcp[PL_TCP_time_wait], act = d->tcp[PL_TCP_active];
	uint64_t tracked = d->flow[PL_FLOWC_tracked];
	uint64_t *dv = d->v;
	const uint64_t *bv = base->v;
	size_t i;

	for (i = 0; i < PL_CTR_NVALUES; i++)
		dv[i] -= bv[i];
	d->tcp[PL_TCP_time_wait] = tw;
	d->tcp[PL_TCP_active] = act;
	d->flow[PL_FLOWC_tracked] = tracked;
	/* the first packet after the clear is not known: the newest before it bounds it */
	if (base->time_last && d->time_last > base->time_last)
		d->time_first = RTE_MAX(d->time_first, base->time_last);
	else if (base->time_last) {
		d->time_first = UINT64_MAX; /* nothing since */
		d->time_last = 0;
	}
}

/* Subtract the baseline from a snapshot's per-port table and intervals. */
static void
tables_since(struct pl_snapshot *s, const struct pl_baseline *b)
{
	size_t i;

	for (i = 0; i < PORTS_ENTRIES; i++) {
		s->ports[i].packets -= b->ports[i].packets;
		s->ports[i].bytes -= b->ports[i].bytes;
	}
	for (i = 0; i < b->ivals.n; i++) {
		uint64_t k = b->ivals.base + i;

		if (k < s->ivals.base || k >= s->ivals.base + s->ivals.n)
			continue;
		s->ivals.e[k - s->ivals.base].packets -= b->ivals.e[i].packets;
		s->ivals.e[k - s->ivals.base].bytes -= b->ivals.e[i].bytes;
	}
}

void
pl_collector_final(struct pl_collector *col)
{
	unsigned int i;

	for (i = 0; i < col->n; i++) {
		struct pl_lcore_ctr *c = col->ctr[i];

		/* the older bank first: the one left at the last flip asked for (empty when
		 * it was drained, or the current one when the flip never happened) */
		drain(col, i, c->bank[(c->req & 1) ^ 1]);
		drain(col, i, c->bank[c->req & 1]);
		col->stale[i] = 0;
	}
}

unsigned int
pl_snapshot_top_ports(const struct pl_snapshot *s, unsigned int row, int by_bytes,
		      uint16_t *out, unsigned int n)
{
	const struct pl_port_ctr *pc = s->ports + (size_t)(row % PL_PORT_ROWS) * 65536;
	unsigned int k = 0, p, j;

	/* insertion into the n best so far: one pass, n small */
	for (p = 0; p < 65536; p++) {
		uint64_t v = by_bytes ? pc[p].bytes : pc[p].packets;

		if (pc[p].packets == 0)
			continue;
		for (j = k < n ? k : n; j > 0 &&
		     (by_bytes ? pc[out[j - 1]].bytes : pc[out[j - 1]].packets) < v; j--)
			if (j < n)
				out[j] = out[j - 1];
		if (j < n) {
			out[j] = (uint16_t)p;
			if (k < n)
				k++;
		}
	}
	return k;
}

void
pl_snapshot_derive(struct pl_snapshot *s)
{
	struct pl_balance *bl = &s->balance;
	unsigned int d, p, i;
	uint32_t nb = s->bin_def ? s->bin_def->n : 0;

	for (d = 0; d < PL_DIR_MAX; d++) {
		const struct pl_port_ctr *pc = s->ports + (size_t)d * 65536;
		struct pl_port_ctr *bc = s->bins + (size_t)d * nb;

		s->top_packets[d].port = -1;
		s->top_bytes[d].port = -1;
		s->top_packets[d].value = s->top_bytes[d].value = 0;
		if (nb)
			memset(bc, 0, nb * sizeof(*bc));
		for (p = 0; p < 65536; p++) {
			uint32_t bin;

			if (pc[p].packets == 0)
				continue;
			/* strictly greater: ties go to the lower port */
			if (pc[p].packets > s->top_packets[d].value) {
				s->top_packets[d].port = (int32_t)p;
				s->top_packets[d].value = pc[p].packets;
			}
			if (pc[p].bytes > s->top_bytes[d].value) {
				s->top_bytes[d].port = (int32_t)p;
				s->top_bytes[d].value = pc[p].bytes;
			}
			bin = nb ? pl_bins_of(s->bin_def, (uint16_t)p) : PL_BIN_NONE;
			if (bin != PL_BIN_NONE) {
				bc[bin].packets += pc[p].packets;
				bc[bin].bytes += pc[p].bytes;
			}
		}
	}

	memset(bl, 0, sizeof(*bl));
	bl->received = s->total.v[PL_CTR_rx_packets];
	bl->processed = s->total.v[PL_CTR_processed];
	bl->forwarded = s->total.v[PL_CTR_forwarded];
	bl->freed = s->total.v[PL_CTR_freed];
	for (i = 0; i < PL_DROP_MAX; i++) {
		bl->dropped[i] = s->total.drop[i];
		bl->dropped_total += s->total.drop[i];
	}
	bl->in_flight = (int64_t)(bl->received - bl->processed - bl->dropped_total);
}

/*
 * Released snapshots are kept for reuse: a snapshot holds megabytes (the per-port table),
 * and fresh pages each tick cost a page fault per 4 KiB. Only the bin table size varies
 * (with the bin specification), so a recycled snapshot keeps its buffers when it fits.
 */
#define PL_SNAP_SPARE 4
static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pl_snapshot *spare[PL_SNAP_SPARE];
static unsigned int nb_spare;

static void
snapshot_free(struct pl_snapshot *s)
{
	snap_ports_return(s);
	free(s->findings);
	free(s->ports);
	free(s->bins);
	free(s->ivals.e);
	free(s);
}

static struct pl_snapshot *
snapshot_alloc(uint32_t nb_bins)
{
	struct pl_snapshot *s = NULL;
	size_t bins_bytes = ((size_t)PL_DIR_MAX * nb_bins + 1) * sizeof(*s->bins);

	pthread_mutex_lock(&spare_lock);
	if (nb_spare)
		s = spare[--nb_spare];
	pthread_mutex_unlock(&spare_lock);
	if (s) {
		struct pl_port_ctr *ports = s->ports, *bins = s->bins;
		struct pl_ival *e = s->ivals.e;
		struct pl_finding *fd = s->findings;
		uint32_t fcap = s->findings_cap;
		uint64_t cap = s->ivals.cap;
		size_t had = s->bins_bytes;

		memset(s, 0, sizeof(*s));
		s->findings = fd;
		s->findings_cap = fcap;
		s->ports = ports;
		s->ivals.e = e;
		s->ivals.cap = cap;
		s->bins = had >= bins_bytes ? bins : realloc(bins, bins_bytes);
		s->bins_bytes = s->bins ? RTE_MAX(had, bins_bytes) : 0;
		if (s->bins == NULL)
			free(bins);
	} else {
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return NULL;
		s->ports = snap_ports_alloc();
		s->bins = malloc(bins_bytes);
		s->bins_bytes = bins_bytes;
	}
	if (s->ports == NULL || s->bins == NULL) {
		snapshot_free(s);
		return NULL;
	}
	return s;
}

struct pl_snapshot *
pl_snapshot_build(struct pl_collector *col, const struct pl_port_hw *hw, unsigned int nb_hw,
		  int final)
{
	uint32_t nb = col->bins ? col->bins->n : 0;
	struct pl_snapshot *s = snapshot_alloc(nb);
	unsigned int i;

	if (s == NULL)
		return NULL;
	if (col->ivals.n) {
		if (s->ivals.cap < col->ivals.n) {
			struct pl_ival *e = realloc(s->ivals.e, col->ivals.n * sizeof(*e));

			if (e == NULL) {
				snapshot_free(s);
				return NULL;
			}
			s->ivals.e = e;
			s->ivals.cap = col->ivals.n;
		}
		memcpy(s->ivals.e, col->ivals.e, col->ivals.n * sizeof(*s->ivals.e));
		s->ivals.base = col->ivals.base;
		s->ivals.n = col->ivals.n;
	}
	if (col->findings && col->findings->n) {
		const struct pl_finding **sorted = malloc(col->findings->n * sizeof(*sorted));
		uint32_t k, n;

		if (s->findings_cap < col->findings->n) {
			struct pl_finding *fd = realloc(s->findings,
							col->findings->n * sizeof(*fd));

			if (fd == NULL || sorted == NULL) {
				free(sorted);
				free(fd ? fd : s->findings);
				s->findings = NULL;
				snapshot_free(s);
				return NULL;
			}
			s->findings = fd;
			s->findings_cap = col->findings->n;
		}
		if (sorted == NULL) {
			snapshot_free(s);
			return NULL;
		}
		n = pl_findings_sorted(col->findings, sorted);
		for (k = 0; k < n; k++)
			s->findings[k] = *sorted[k];
		s->nb_findings = n;
		free(sorted);
	}
	if (col->findings)
		s->findings_dropped = col->findings->dropped;
	s->flow_exported = col->flow_exported;
	s->flow_export_dropped = col->flow_export_dropped;
	if (col->talkers) {
		s->nb_talkers = pl_talkers_top(col->talkers, s->top_talkers, PL_TOP_TALKERS);
		s->talkers_seen = col->talkers->n;
		s->talkers_over_packets = col->talkers->over_packets;
		s->talkers_over_bytes = col->talkers->over_bytes;
	}
	s->labels = col->labels;
	memcpy(s->inputs, col->inputs, sizeof(s->inputs));
	if (final && col->base == NULL) {
		/*
		 * The last snapshot: nothing counts into the collector's table any more, and
		 * it stays as it is as long as the collector lives (the console's clear, the
		 * only other writer, keeps a baseline and changes copies). The snapshot shows
		 * it as it is: no 5 MiB copy, no fault on the snapshot's own pages, at the end
		 * of every offline run.
		 */
		s->ports_own = s->ports;
		s->ports = col->ports;
	} else {
		memcpy(s->ports, col->ports, PORTS_ENTRIES * sizeof(*s->ports));
		if (col->base)
			tables_since(s, col->base);
	}
	s->refcnt = 1;
	s->seq = ++col->seq;
	s->wall_ns = pl_clock_ns(CLOCK_REALTIME);
	s->final = final;
	s->ival_ns = col->ival_ns;
	s->bin_def = col->bins;
	pl_ctr_sum_init(&s->total);
	s->nb_lcores = col->n;
	for (i = 0; i < col->n; i++) {
		struct pl_snap_lcore *l = &s->lcore[i];

		l->lcore = col->ctr[i]->lcore;
		l->role = col->ctr[i]->role;
		l->index = col->ctr[i]->index;
		l->stale = col->stale[i];
		l->seq = pl_ctr_seq(col->ctr[i]);
		l->sum = col->sum[i];
		if (col->base)
			sum_since(&l->sum, &col->base->sum[i]);
	}
	if (col->base) {
		/* frames in flight at the clear are received "after" it: the balance closes */
		for (i = 0; i < col->n && s->lcore[i].role != PL_ROLE_RX; i++)
			;
		s->lcore[i < col->n ? i : 0].sum.v[PL_CTR_rx_packets] += col->base->in_flight;
		s->clears = col->clears;
		s->cleared_ns = col->base->wall_ns;
	}
	for (i = 0; i < col->n; i++)
		pl_ctr_sum_add(&s->total, &s->lcore[i].sum);
	s->nb_hw = RTE_MIN(nb_hw, (unsigned int)PL_MAX_PORTS);
	if (hw && s->nb_hw)
		memcpy(s->hw, hw, s->nb_hw * sizeof(*hw));
	pl_snapshot_derive(s);
	return s;
}

void
pl_snapshot_put(struct pl_snapshot *s)
{
	if (s == NULL || __atomic_sub_fetch(&s->refcnt, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	snap_ports_return(s);
	pthread_mutex_lock(&spare_lock);
	if (nb_spare < PL_SNAP_SPARE) {
		spare[nb_spare++] = s;
		s = NULL;
	}
	pthread_mutex_unlock(&spare_lock);
	if (s)
		snapshot_free(s);
}

int
pl_publisher_init(struct pl_publisher *p, uint32_t hist_cap)
{
	memset(p, 0, sizeof(*p));
	p->hist = calloc(hist_cap ? hist_cap : 1, sizeof(*p->hist));
	if (p->hist == NULL)
		return -ENOMEM;
	p->hist_cap = hist_cap ? hist_cap : 1;
	pthread_mutex_init(&p->lock, NULL);
	return 0;
}

void
pl_publisher_fini(struct pl_publisher *p)
{
	pl_snapshot_put(p->cur);
	free(p->hist);
	pthread_mutex_destroy(&p->lock);
	memset(p, 0, sizeof(*p));
}

void
pl_publish(struct pl_publisher *p, struct pl_snapshot *s)
{
	struct pl_hist_point *h;
	struct pl_snapshot *old;
	unsigned int d;

	pthread_mutex_lock(&p->lock);
	old = p->cur;
	p->cur = s;
	if (old && old->clears != s->clears)
		p->hist_n = 0; /* counts restarted: rates across a clear would be nonsense */
	h = &p->hist[p->hist_next];
	memset(h, 0, sizeof(*h));
	h->seq = s->seq;
	h->wall_ns = s->wall_ns;
	h->pkt_ns = s->total.time_last;
	h->packets = s->total.v[PL_CTR_rx_packets];
	h->bytes = s->total.v[PL_CTR_rx_bytes];
	h->dropped = s->balance.dropped_total;
	for (d = 0; d < PL_DIR_MAX; d++) {
		h->dir_packets[d] = s->total.dir_packets[d];
		h->dir_bytes[d] = s->total.dir_bytes[d];
	}
	p->hist_next = (p->hist_next + 1) % p->hist_cap;
	if (p->hist_n < p->hist_cap)
		p->hist_n++;
	pthread_mutex_unlock(&p->lock);
	pl_snapshot_put(old);
}

struct pl_snapshot *
pl_snapshot_get(struct pl_publisher *p)
{
	struct pl_snapshot *s;

	pthread_mutex_lock(&p->lock);
	s = p->cur;
	if (s)
		__atomic_add_fetch(&s->refcnt, 1, __ATOMIC_ACQ_REL);
	pthread_mutex_unlock(&p->lock);
	return s;
}

uint32_t
pl_history_copy(struct pl_publisher *p, struct pl_hist_point *out, uint32_t max)
{
	uint32_t n, i, first;

	pthread_mutex_lock(&p->lock);
	n = RTE_MIN(p->hist_n, max);
	first = (p->hist_next + p->hist_cap - n) % p->hist_cap;
	for (i = 0; i < n; i++)
		out[i] = p->hist[(first + i) % p->hist_cap];
	pthread_mutex_unlock(&p->lock);
	return n;
}
