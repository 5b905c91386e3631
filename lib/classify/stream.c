/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stream scanning: each direction of a flow's TCP payload is one Hyperscan stream, fed the
 * segments in sequence order, so a signature or a card number split over two segments is
 * found, up to a byte budget per direction.
 *
 * State lives in a per-worker pool of slots (one slot per flow being scanned, two streams
 * each) in one block allocated when the pool is created, on the worker's NUMA node. A
 * slot's two streams are opened in the block's room reserved for them the first time the
 * slot is used (a stream is about 60 bytes, far below a page: one allocation each would
 * waste memory, and opening them all at start would delay it), and reset, not closed, when
 * the slot goes back: scanning never allocates. A flow holds only a 16-bit slot index and a state byte, so the flow table's
 * records stay one cache line. A slot records its owner, so an index that outlived its slot
 * (a configuration change brought a new pool) is recognised and never reads another flow's
 * stream.
 *
 * Sequence tracking per direction is the simplest that is exact for in-order traffic: the
 * next expected byte. A segment at it is scanned; one wholly before it (a retransmission)
 * is skipped; one overlapping it is scanned from it on; one beyond it (a gap: a lost or
 * reordered segment) ends the direction, because scanning on would join bytes that are not
 * adjacent. No segment is ever buffered for reordering.
 *
 * Card numbers across segments: the card signature asks Hyperscan for the start of each
 * match (SOM, horizon 2^16 bytes in stream mode), and the slot keeps the last
 * CARD_MAX_SPAN bytes of each direction; a match that began in an earlier segment reads its
 * first digits from there. That costs 64 bytes a direction and one small copy per segment,
 * where keeping digits as they stream by would need a second matcher beside Hyperscan's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sigs_priv.h"

/* States of one direction. */
enum { DIR_NEW = 0, DIR_OPEN, DIR_ENDED };

struct sdir {
	hs_stream_t *hs;
	uint32_t next_seq;      /* TCP sequence number of the next expected byte */
	uint32_t scanned;       /* bytes fed to the stream (its current offset) */
	uint8_t state;
	uint8_t tail_len;
	uint8_t tail[CARD_MAX_SPAN];   /* the stream's last bytes */
};

struct sslot {
	const void *owner;      /* the flow, NULL when free */
	uint32_t next_free;     /* free list: index + 1, 0 ends it */
	struct sdir d[2];
};

struct pl_sigs_streams {
	const struct pl_sigs *s;
	uint32_t n;             /* slots */
	uint32_t used;
	uint32_t free_head;     /* index + 1, 0: none free */
	uint32_t budget;
	size_t state_bytes;     /* hs_stream_size per direction */
	size_t need;            /* room for one stream in the block, header included */
	uint8_t *arena;         /* the streams' room: slot i at arena + i * 2 * need */
	size_t memory;
	struct sslot slot[];
};

/*
 * Hyperscan's stream allocator. While a slot's streams are opened, the slot's room in its
 * pool's block is this thread's arena and the streams are carved from it; a stream that
 * does not fit is refused, never taken from the heap (the worker opens slots). A 16-byte
 * header before each stream says where it came from, for the release; streams opened by
 * anyone else (not portlens) come from the heap.
 */
struct sblk {
	uint64_t arena;
	uint64_t pad;
};

static __thread uint8_t *arena_next, *arena_end;
static __thread int arena_only;

static size_t
stream_need(size_t size)
{
	return sizeof(struct sblk) + RTE_ALIGN_CEIL(size, 16);
}

static void *
stream_alloc(size_t size)
{
	size_t need = stream_need(size);
	struct sblk *h;

	if (arena_next != NULL && (size_t)(arena_end - arena_next) >= need) {
		h = (struct sblk *)arena_next;
		arena_next += need;
		h->arena = 1;
		return h + 1;
	}
	if (arena_only || posix_memalign((void **)&h, 16, need) != 0)
		return NULL;
	h->arena = 0;
	return h + 1;
}

static void
stream_release(void *p)
{
	struct sblk *h;

	if (p == NULL)
		return;
	h = (struct sblk *)p - 1;
	if (!h->arena)
		free(h);
}

static int slot_open(struct pl_sigs_streams *p, uint32_t idx);

size_t
pl_sigs_stream_state_bytes(const struct pl_sigs *s)
{
	size_t sz = 0;

	if (s == NULL || s->sdb == NULL || hs_stream_size(s->sdb, &sz) != HS_SUCCESS)
		return 0;
	return sz;
}

void
pl_sigs_streams_free(struct pl_sigs_streams *p)
{
	uint32_t i;
	int d;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		for (d = 0; d < 2; d++)
			if (p->slot[i].d[d].hs != NULL)
				hs_close_stream(p->slot[i].d[d].hs, NULL, NULL, NULL);
	pl_sigs_release(p);
}

struct pl_sigs_streams *
pl_sigs_streams_create(const struct pl_sigs *s, uint32_t flows, uint32_t budget, int node)
{
	static int allocator_set;
	struct pl_sigs_streams *p;
	size_t size, head, state;
	uint32_t i;

	if (s == NULL || s->sdb == NULL || flows == 0 || flows > PL_SCAN_FLOWS_MAX ||
	    budget == 0) {
		errno = EINVAL;
		return NULL;
	}
	if (!allocator_set) {
		if (hs_set_stream_allocator(stream_alloc, stream_release) != HS_SUCCESS) {
			errno = EINVAL;
			return NULL;
		}
		allocator_set = 1;
	}
	state = pl_sigs_stream_state_bytes(s);
	head = RTE_ALIGN_CEIL(sizeof(*p) + (size_t)flows * sizeof(p->slot[0]), 64);
	size = head + (size_t)flows * 2 * stream_need(state);
	pl_sigs_alloc_node(node);
	p = pl_sigs_alloc(size);
	pl_sigs_alloc_node(-1);
	if (p == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	/* the streams' room is written by hs_open_stream() when a slot is first used */
	memset(p, 0, head);
	p->s = s;
	p->n = flows;
	p->budget = budget;
	p->state_bytes = state;
	p->need = stream_need(state);
	p->arena = (uint8_t *)p + head;
	for (i = 0; i < flows; i++)
		p->slot[i].next_free = i + 2 <= flows ? i + 2 : 0;
	/* the first slot now: a stream that does not fit its room fails here, not later */
	if (!slot_open(p, 0)) {
		pl_sigs_streams_free(p);
		errno = ENOMEM;
		return NULL;
	}
	p->free_head = 1;
	p->memory = size;
	return p;
}

/* Open slot @p idx's two streams in its room of the block; 0 when Hyperscan refused. */
static int
slot_open(struct pl_sigs_streams *p, uint32_t idx)
{
	struct sslot *sl = &p->slot[idx];
	int d, ok = 1;

	arena_next = p->arena + (size_t)idx * 2 * p->need;
	arena_end = arena_next + 2 * p->need;
	arena_only = 1;
	for (d = 0; d < 2 && ok; d++)
		ok = hs_open_stream(p->s->sdb, 0, &sl->d[d].hs) == HS_SUCCESS;
	arena_next = arena_end = NULL;
	arena_only = 0;
	if (!ok && sl->d[0].hs != NULL) {
		hs_close_stream(sl->d[0].hs, NULL, NULL, NULL);
		sl->d[0].hs = NULL;
	}
	return ok;
}

size_t
pl_sigs_streams_memory(const struct pl_sigs_streams *p)
{
	return p != NULL ? p->memory : 0;
}

uint32_t
pl_sigs_streams_used(const struct pl_sigs_streams *p)
{
	return p != NULL ? p->used : 0;
}

uint32_t
pl_sigs_streams_size(const struct pl_sigs_streams *p)
{
	return p != NULL ? p->n : 0;
}

/* Put a slot back: its streams reset without reporting, ready for the next flow. */
static void
slot_free(struct pl_sigs_streams *p, uint32_t idx)
{
	struct sslot *sl = &p->slot[idx];
	int d;

	for (d = 0; d < 2; d++) {
		if (sl->d[d].state == DIR_OPEN)
			hs_reset_stream(sl->d[d].hs, 0, NULL, NULL, NULL);
		sl->d[d].state = DIR_NEW;
		sl->d[d].scanned = 0;
		/* payload bytes do not outlive their flow */
		if (sl->d[d].tail_len)
			memset(sl->d[d].tail, 0, sizeof(sl->d[d].tail));
		sl->d[d].tail_len = 0;
	}
	sl->owner = NULL;
	sl->next_free = p->free_head;
	p->free_head = idx + 1;
	p->used--;
}

void
pl_sigs_stream_release(struct pl_sigs_streams *p, uint16_t *slot, const void *owner)
{
	uint32_t idx = (uint32_t)*slot - 1;

	if (p != NULL && *slot != 0 && idx < p->n && p->slot[idx].owner == owner)
		slot_free(p, idx);
	*slot = 0;
}

/* Keep the last CARD_MAX_SPAN bytes of a direction after @p len more bytes of data. */
static void
tail_push(struct sdir *d, const uint8_t *data, uint32_t len)
{
	uint32_t keep;

	if (len >= CARD_MAX_SPAN) {
		memcpy(d->tail, data + len - CARD_MAX_SPAN, CARD_MAX_SPAN);
		d->tail_len = CARD_MAX_SPAN;
		return;
	}
	keep = RTE_MIN((uint32_t)d->tail_len, (uint32_t)CARD_MAX_SPAN - len);
	memmove(d->tail, d->tail + d->tail_len - keep, keep);
	memcpy(d->tail + keep, data, len);
	d->tail_len = (uint8_t)(keep + len);
}

/*
 * End a direction: let Hyperscan report the matches that needed the end of the data (a
 * card number that is the direction's last bytes satisfies its closing \b only here). The
 * stream is reset, ready for the slot's next flow.
 */
static int
dir_end(struct pl_sigs_streams *p, struct sdir *d, void *scratch, struct scan_ctx *c)
{
	hs_error_t rc = HS_SUCCESS;

	if (d->state == DIR_OPEN) {
		c->data = NULL;
		c->len = 0;
		c->base = d->scanned;
		c->tail = d->tail;
		c->tail_len = d->tail_len;
		rc = hs_reset_stream(d->hs, 0, scratch, pl_sigs_on_match, c);
	}
	d->state = DIR_ENDED;
	RTE_SET_USED(p);
	return rc == HS_SUCCESS ? 0 : -1;
}

/* A TLS record header at the start of a payload: content type 20-23, version 3.0-3.4. */
static inline int
tls_record(const uint8_t *b, uint32_t len)
{
	return len >= 3 && b[0] >= 20 && b[0] <= 23 && b[1] == 3 && b[2] <= 4;
}

/* A datagram: one payload in block mode, while the direction's budget lasts. */
static int
scan_datagram(struct pl_sigs_streams *p, void *scratch, uint8_t *scan,
	      const struct pl_seg *seg, uint64_t *ctr, struct pl_scan_result *res)
{
	uint32_t len = seg->len;

	if (seg->seq >= p->budget || len == 0 || tls_record(seg->data, len))
		return 0;
	len = RTE_MIN(len, p->budget - seg->seq);
	ctr[PL_SCANC_scans]++;
	ctr[PL_SCANC_scan_bytes] += len;
	if (pl_sigs_scan(p->s, scratch, seg->data, len, res) < 0) {
		ctr[PL_SCANC_scan_errors]++;
		return 0;
	}
	if (res->protos & PL_APP_ENCRYPTING) {
		*scan |= PL_SCAN_DONE;
		ctr[PL_SCANC_scan_encrypted]++;
	}
	return 1;
}

/* Take a free slot for @p owner; 0 when none is free. */
static uint32_t
slot_take(struct pl_sigs_streams *p, const void *owner)
{
	uint32_t idx;

	if (p->free_head == 0)
		return 0;
	idx = p->free_head - 1;
	if (p->slot[idx].d[0].hs == NULL && !slot_open(p, idx))
		return 0;
	p->free_head = p->slot[idx].next_free;
	p->slot[idx].owner = owner;
	p->used++;
	return idx + 1;
}

int
pl_sigs_stream_scan(struct pl_sigs_streams *p, void *scratch, uint16_t *slot, uint8_t *scan,
		    const void *owner, const struct pl_seg *seg, uint64_t *ctr,
		    struct pl_scan_result *res)
{
	struct scan_ctx c = { .s = p->s, .res = res };
	const uint8_t *data = seg->data;
	uint32_t len = seg->len, idx, n;
	struct sslot *sl;
	struct sdir *d;
	int32_t delta;
	int did = 0, err = 0, tls = 0;

	memset(res, 0, sizeof(*res));
	if (*scan & PL_SCAN_DONE)
		return 0;
	if (!seg->tcp)
		return scan_datagram(p, scratch, scan, seg, ctr, res);
	if (*slot == 0) {
		if (len == 0)
			return 0;   /* a FIN or RST before any data: nothing to end */
		idx = slot_take(p, owner);
		if (idx == 0) {
			*scan |= PL_SCAN_DONE;
			ctr[PL_SCANC_scan_full]++;
			return 0;
		}
		*slot = (uint16_t)idx;
		ctr[PL_SCANC_scan_flows]++;
	}
	idx = (uint32_t)*slot - 1;
	if (idx >= p->n || p->slot[idx].owner != owner) {
		/* the index belongs to an older pool: this flow is not scanned further */
		*slot = 0;
		*scan |= PL_SCAN_DONE;
		ctr[PL_SCANC_scan_stale]++;
		return 0;
	}
	sl = &p->slot[idx];
	d = &sl->d[seg->dir & 1];
	if (d->state == DIR_NEW && len > 0) {
		d->state = DIR_OPEN;
		d->next_seq = seg->seq;
	}
	if (d->state == DIR_OPEN && len > 0) {
		delta = (int32_t)(seg->seq - d->next_seq);
		if (delta > 0) {
			/* a gap: the bytes before this segment are missing here */
			ctr[PL_SCANC_scan_gaps]++;
			err |= dir_end(p, d, scratch, &c);
			did = 1;
			len = 0;
		} else if ((uint32_t)-delta >= len) {
			ctr[PL_SCANC_scan_retrans]++;
			len = 0;
		} else {
			data += (uint32_t)-delta;
			len -= (uint32_t)-delta;
			tls = delta == 0 && tls_record(data, len);
		}
	}
	if (d->state == DIR_OPEN && len > 0) {
		n = RTE_MIN(len, p->budget - d->scanned);
		c.data = data;
		c.len = n;
		c.base = d->scanned;
		c.tail = d->tail;
		c.tail_len = d->tail_len;
		if (hs_scan_stream(d->hs, (const char *)data, n, 0, scratch, pl_sigs_on_match,
				   &c) != HS_SUCCESS)
			err = 1;
		tail_push(d, data, n);
		d->scanned += n;
		d->next_seq += n;
		ctr[PL_SCANC_scans]++;
		ctr[PL_SCANC_scan_bytes] += n;
		did = 1;
		if (tls) {
			/* a TLS record is not cleartext: it names the protocol (a handshake
			 * signature), never a card number */
			res->card_found = 0;
			res->card_last4 = 0;
			res->protos &= ~(1u << PL_APP_card);
			res->sig_hits &= ~p->s->card_sigs;
		}
		if (tls || (res->protos & PL_APP_ENCRYPTING)) {
			ctr[PL_SCANC_scan_encrypted]++;
			goto stop;
		}
		if (d->scanned >= p->budget) {
			ctr[PL_SCANC_scan_budget]++;
			err |= dir_end(p, d, scratch, &c);
		}
	}
	if (seg->rst) {
		err |= dir_end(p, &sl->d[0], scratch, &c);
		err |= dir_end(p, &sl->d[1], scratch, &c);
		did = 1;
	} else if (seg->fin && d->state != DIR_ENDED) {
		err |= dir_end(p, d, scratch, &c);
		did = 1;
	}
	if (sl->d[0].state == DIR_ENDED && sl->d[1].state == DIR_ENDED) {
		*scan |= PL_SCAN_DONE;
		pl_sigs_stream_release(p, slot, owner);
	}
	if (err) {
		ctr[PL_SCANC_scan_errors]++;
		memset(res, 0, sizeof(*res));
		return 0;
	}
	return did;
stop:
	/* encrypted from here on: what was found so far stands, the rest is not scanned */
	*scan |= PL_SCAN_DONE;
	pl_sigs_stream_release(p, slot, owner);
	return err ? 0 : did;
}
