/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stream scanning: each direction of a flow's TCP payload is one Hyperscan stream, fed the
 * segments in sequence order, so a signature or a card number split over two segments is
 * found, up to a byte budget per direction.
 *
 * State lives in a per-worker pool of slots (one slot per flow being scanned, two
 * directions each, each direction a stream of the main database and one of the card
 * database) in one block allocated when the pool is created, on the worker's NUMA node. A
 * slot's streams are opened in the block's room reserved for them the first time the slot
 * is used (a stream is 20 to 60 bytes, far below a page: one allocation each would waste
 * memory, and opening them all at start would delay it), and reset, not closed, when the
 * slot goes back: scanning never allocates. A flow holds only a 16-bit slot index and a
 * state byte, so the flow table's
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
 *
 * The card stream runs only where a card number can end: a segment is fed to it when some
 * 64 bytes of the kept tail and the segment hold 13 digits outside runs of 20 or more
 * (pl_sigs_card_window()), else
 * the stream is reset and stays idle. When a later segment qualifies, the stream starts
 * again with the kept tail before the segment, so a card number that began in the skipped
 * bytes is whole again, and matches ending in the tail are ignored (they were judged with
 * the segment that held them). That is exact when no card signature matches more than
 * CARD_MAX_SPAN bytes (pl_sigs.card_bounded, the shipped one matches at most 37): a card
 * the callback accepts begins at most CARD_MAX_SPAN bytes before its end, within the tail
 * and the segment. Otherwise the card stream is fed every segment, as the main one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sigs_priv.h"

/* States of one direction. */
enum { DIR_NEW = 0, DIR_OPEN, DIR_ENDED };

struct sdir {
	uint32_t next_seq;      /* TCP sequence number of the next expected byte */
	uint32_t scanned;       /* bytes fed to the main stream (its current offset) */
	uint32_t card_shift;    /* the direction's offset of the card stream's first byte */
	uint32_t reach;         /* the main stream takes the direction's first reach bytes */
	uint8_t state;
	uint8_t card_live;      /* the card stream was fed the direction's bytes up to now */
	uint8_t main_cut;       /* the main stream was left bytes past its reach */
	uint8_t tail_len;
	uint8_t tail[CARD_MAX_SPAN];   /* the stream's last bytes */
};

struct sslot {
	const void *owner;      /* the flow, NULL when free */
	uint32_t next_free;     /* free list: index + 1, 0 ends it */
	uint8_t opened;         /* the slot's streams were opened in its room */
	struct sdir d[2];
};

/* A slot's room: per direction the main stream (need_main bytes) then the card stream. */
enum { STREAM_MAIN = 0, STREAM_CARD };

struct pl_sigs_streams {
	const struct pl_sigs *s;
	uint32_t n;             /* slots */
	uint32_t used;
	uint32_t free_head;     /* index + 1, 0: none free */
	uint32_t untaken;       /* slots from here on were never taken (nor written) */
	uint32_t budget;
	int card_gate;          /* the card stream skips segments where no card can end */
	size_t state_bytes;     /* hs_stream_size per direction, both streams */
	size_t need[2];         /* room for a direction's main and card stream in the block */
	size_t room;            /* room of one slot: 2 * (need[0] + need[1]) */
	uint8_t *arena;         /* the streams' room: slot i at arena + i * room */
	hs_stream_t *fresh[2];  /* a main and a card stream just opened, copied into slots */
	size_t memory;
	struct sslot slot[];
};

/*
 * Hyperscan's stream allocator. While a slot's streams are opened, the slot's room in its
 * pool's block is this thread's arena and the streams are carved from it; a stream that
 * does not fit is refused, never taken from the heap (the worker opens slots). Streams in
 * a pool's room are never closed (they go with the block), so the release sees only
 * streams opened by anyone else (not portlens), which come from the heap.
 */
static __thread uint8_t *arena_next, *arena_end;
static __thread int arena_only;

static size_t
stream_need(size_t size)
{
	return RTE_ALIGN_CEIL(size, 16);
}

static void *
stream_alloc(size_t size)
{
	size_t need = stream_need(size);
	void *h;

	if (arena_next != NULL && (size_t)(arena_end - arena_next) >= need) {
		h = arena_next;
		arena_next += need;
		return h;
	}
	if (arena_only || posix_memalign(&h, 16, need) != 0)
		return NULL;
	return h;
}

static void
stream_release(void *p)
{
	free(p);
}

/* Stream @p which (STREAM_MAIN, STREAM_CARD) of direction @p dir of slot @p idx. */
static inline hs_stream_t *
stream_of(const struct pl_sigs_streams *p, uint32_t idx, int dir, int which)
{
	return (hs_stream_t *)(p->arena + (size_t)idx * p->room +
			       (size_t)dir * (p->need[0] + p->need[1]) +
			       (which == STREAM_CARD ? p->need[0] : 0));
}

static int slot_open(struct pl_sigs_streams *p, uint32_t idx);

size_t
pl_sigs_stream_state_bytes(const struct pl_sigs *s)
{
	size_t sz = 0, card = 0;

	if (s == NULL || (s->sdb != NULL && hs_stream_size(s->sdb, &sz) != HS_SUCCESS) ||
	    (s->csdb != NULL && hs_stream_size(s->csdb, &card) != HS_SUCCESS))
		return 0;
	return sz + card;
}

void
pl_sigs_streams_free(struct pl_sigs_streams *p)
{
	/* the streams live in the block: nothing to close one by one */
	if (p == NULL)
		return;
	if (p->fresh[STREAM_MAIN] != NULL)
		hs_close_stream(p->fresh[STREAM_MAIN], NULL, NULL, NULL);
	if (p->fresh[STREAM_CARD] != NULL)
		hs_close_stream(p->fresh[STREAM_CARD], NULL, NULL, NULL);
	pl_sigs_release(p);
}

struct pl_sigs_streams *
pl_sigs_streams_create(const struct pl_sigs *s, uint32_t flows, uint32_t budget, int node)
{
	static int allocator_set;
	struct pl_sigs_streams *p;
	size_t size, head, need[2] = { 0, 0 }, sz;

	if (s == NULL || (s->sdb == NULL && s->csdb == NULL) || flows == 0 ||
	    flows > PL_SCAN_FLOWS_MAX ||
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
	if (s->sdb != NULL && hs_stream_size(s->sdb, &sz) == HS_SUCCESS)
		need[STREAM_MAIN] = stream_need(sz);
	if (s->csdb != NULL && hs_stream_size(s->csdb, &sz) == HS_SUCCESS)
		need[STREAM_CARD] = stream_need(sz);
	head = RTE_ALIGN_CEIL(sizeof(*p) + (size_t)flows * sizeof(p->slot[0]), 64);
	size = head + (size_t)flows * 2 * (need[0] + need[1]);
	pl_sigs_alloc_node(node);
	p = pl_sigs_alloc(size);
	pl_sigs_alloc_node(-1);
	if (p == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	/* the slots and the streams' room are written when a slot is first taken (slot_take():
	 * the slots from p->untaken on are free), so set-up touches no more than it uses: a
	 * 4 KiB fault a page is most of start-up on a virtual machine */
	memset(p, 0, sizeof(*p));
	p->s = s;
	p->n = flows;
	p->budget = budget;
	p->card_gate = s->card_bounded;
	p->state_bytes = pl_sigs_stream_state_bytes(s);
	p->need[0] = need[0];
	p->need[1] = need[1];
	p->room = 2 * (need[0] + need[1]);
	p->arena = (uint8_t *)p + head;
	/* a slot's streams are copies of these (hs_copy_stream(), a copy of the state, where
	 * hs_open_stream() builds it: a few hundred instructions less a stream) */
	if ((s->sdb != NULL && hs_open_stream(s->sdb, 0, &p->fresh[STREAM_MAIN]) != HS_SUCCESS) ||
	    (s->csdb != NULL && hs_open_stream(s->csdb, 0, &p->fresh[STREAM_CARD]) != HS_SUCCESS)) {
		pl_sigs_streams_free(p);
		errno = ENOMEM;
		return NULL;
	}
	/* the first slot now: a stream that does not fit its room fails here, not later */
	memset(&p->slot[0], 0, sizeof(p->slot[0]));
	p->untaken = 1;
	if (!slot_open(p, 0)) {
		pl_sigs_streams_free(p);
		errno = ENOMEM;
		return NULL;
	}
	p->free_head = 1;
	p->memory = size;
	return p;
}

/* Open slot @p idx's streams in its room of the block; 0 when Hyperscan refused. */
static int
slot_open(struct pl_sigs_streams *p, uint32_t idx)
{
	hs_stream_t *hs;
	int d, w, ok = 1;

	arena_only = 1;
	for (d = 0; d < 2 && ok; d++) {
		for (w = 0; w < 2 && ok; w++) {
			if (p->fresh[w] == NULL)
				continue;
			/* each stream exactly in its place: stream_of() finds it there */
			arena_next = (uint8_t *)stream_of(p, idx, d, w);
			arena_end = arena_next + p->need[w];
			ok = hs_copy_stream(&hs, p->fresh[w]) == HS_SUCCESS &&
			     hs == stream_of(p, idx, d, w);
		}
	}
	arena_next = arena_end = NULL;
	arena_only = 0;
	p->slot[idx].opened = (uint8_t)ok;
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
		if (sl->d[d].state == DIR_OPEN && p->s->sdb != NULL)
			hs_reset_stream(stream_of(p, idx, d, STREAM_MAIN), 0, NULL, NULL, NULL);
		if (sl->d[d].card_live)
			hs_reset_stream(stream_of(p, idx, d, STREAM_CARD), 0, NULL, NULL, NULL);
		sl->d[d].card_live = 0;
		sl->d[d].main_cut = 0;
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

	if (p != NULL && *slot != 0 && idx < p->untaken && p->slot[idx].owner == owner)
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
 * End direction @p dir of slot @p idx: let Hyperscan report the matches that needed the end
 * of the data (a card number that is the direction's last bytes satisfies its closing \b
 * only here). The streams are reset, ready for the slot's next flow.
 */
static int
dir_end(struct pl_sigs_streams *p, uint32_t idx, int dir, void *scratch, struct scan_ctx *c)
{
	struct sdir *d = &p->slot[idx].d[dir];
	hs_error_t rc = HS_SUCCESS;

	if (d->state == DIR_OPEN) {
		c->data = NULL;
		c->len = 0;
		c->base = d->scanned;
		c->tail = d->tail;
		c->tail_len = d->tail_len;
		c->shift = 0;
		c->skip_to = 0;
		/* a main stream cut at its reach ends before the direction does: no match
		 * can end at the direction's end (past every width), nor at the cut */
		if (p->s->sdb != NULL)
			rc = hs_reset_stream(stream_of(p, idx, dir, STREAM_MAIN), 0, scratch,
					     d->main_cut ? NULL : pl_sigs_on_match, c);
		if (d->card_live && rc == HS_SUCCESS) {
			c->shift = d->card_shift;
			rc = hs_reset_stream(stream_of(p, idx, dir, STREAM_CARD), 0, scratch,
					     pl_sigs_on_match, c);
		}
	}
	d->card_live = 0;
	d->state = DIR_ENDED;
	return rc == HS_SUCCESS ? 0 : -1;
}

/*
 * Feed @p c's data (c->len bytes at stream offset c->base, the kept tail before it) to the
 * card stream of direction @p dir of slot @p idx where a card number can end in it; reset
 * the stream where none can. A stream idle before starts over with the kept tail, whose
 * own matches were judged before and are skipped.
 */
static hs_error_t
card_feed(struct pl_sigs_streams *p, uint32_t idx, int dir, void *scratch, struct scan_ctx *c)
{
	struct sdir *d = &p->slot[idx].d[dir];
	hs_stream_t *hs = stream_of(p, idx, dir, STREAM_CARD);
	hs_error_t rc = HS_SUCCESS;

	if (p->card_gate && !pl_sigs_card_window(d->tail, d->tail_len, c->data, c->len)) {
		if (d->card_live)
			rc = hs_reset_stream(hs, 0, NULL, NULL, NULL);
		d->card_live = 0;
		return rc;
	}
	c->skip_to = 0;
	if (!d->card_live) {
		d->card_live = 1;
		d->card_shift = d->scanned - d->tail_len;
		c->skip_to = (unsigned long long)d->scanned + 1;
		c->shift = d->card_shift;
		if (d->tail_len > 0)
			rc = hs_scan_stream(hs, (const char *)d->tail, d->tail_len, 0, scratch,
					    pl_sigs_on_match, c);
	}
	c->shift = d->card_shift;
	if (rc == HS_SUCCESS)
		rc = hs_scan_stream(hs, (const char *)c->data, c->len, 0, scratch,
				    pl_sigs_on_match, c);
	c->shift = 0;
	c->skip_to = 0;
	return rc;
}

/*
 * How many of @p n bytes at the direction's offset d->scanned its main stream takes: the
 * first segment sets the reach (pl_sigs_reach), bytes past it are left out (main_cut).
 */
static inline uint32_t
main_takes(const struct pl_sigs *s, struct sdir *d, const uint8_t *data, uint32_t n)
{
	uint32_t take;

	if (d->scanned == 0)
		d->reach = pl_sigs_reach(s, data, n);
	take = d->reach > d->scanned ? RTE_MIN(n, d->reach - d->scanned) : 0;
	if (take < n)
		d->main_cut = 1;
	return take;
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

	if (p->free_head == 0) {
		/* no slot freed: the first one never taken joins the (empty) free list, zeroed
		 * at its first use */
		if (p->untaken == p->n)
			return 0;
		memset(&p->slot[p->untaken], 0, sizeof(p->slot[0]));
		p->free_head = ++p->untaken;
	}
	idx = p->free_head - 1;
	if (!p->slot[idx].opened && !slot_open(p, idx))
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
	uint32_t len = seg->len, idx, n, m;
	struct sslot *sl;
	struct sdir *d;
	int32_t delta;
	int did = 0, err = 0, tls = 0, dir;

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
	if (idx >= p->untaken || p->slot[idx].owner != owner) {
		/* the index belongs to an older pool: this flow is not scanned further */
		*slot = 0;
		*scan |= PL_SCAN_DONE;
		ctr[PL_SCANC_scan_stale]++;
		return 0;
	}
	sl = &p->slot[idx];
	dir = seg->dir & 1;
	d = &sl->d[dir];
	if (d->state == DIR_NEW && len > 0) {
		d->state = DIR_OPEN;
		d->next_seq = seg->seq;
	}
	if (d->state == DIR_OPEN && len > 0) {
		delta = (int32_t)(seg->seq - d->next_seq);
		if (delta > 0) {
			/* a gap: the bytes before this segment are missing here */
			ctr[PL_SCANC_scan_gaps]++;
			err |= dir_end(p, idx, dir, scratch, &c);
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
		m = p->s->sdb != NULL ? main_takes(p->s, d, data, n) : 0;
		/* a TLS record is scanned for its handshake signature only: what the card
		 * stream would find in it is dropped below, and the flow's scan ends with it */
		if ((m > 0 &&
		     hs_scan_stream(stream_of(p, idx, dir, STREAM_MAIN), (const char *)data, m, 0,
				    scratch, pl_sigs_on_match, &c) != HS_SUCCESS) ||
		    (p->s->csdb != NULL && !tls &&
		     card_feed(p, idx, dir, scratch, &c) != HS_SUCCESS))
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
			err |= dir_end(p, idx, dir, scratch, &c);
		}
	}
	if (seg->rst) {
		err |= dir_end(p, idx, 0, scratch, &c);
		err |= dir_end(p, idx, 1, scratch, &c);
		did = 1;
	} else if (seg->fin && d->state != DIR_ENDED) {
		err |= dir_end(p, idx, dir, scratch, &c);
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
