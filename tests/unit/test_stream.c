/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/classify's stream scanning (pl_sigs_stream_scan()) with the shipped
 * signature file and real Hyperscan streams: a card number split over two segments is found
 * (and at byte 362 of a first data packet, and as the very last bytes of a direction), bytes
 * past the per-direction budget are not scanned, a TLS flow stops being scanned, gaps,
 * retransmissions and overlaps follow the documented rules, the cap on flows scanned at once
 * is counted, slots go back to the pool when a flow's scanning ends, a stale slot index
 * never reads another flow's stream, card numbers are found wherever they lie although the
 * card signatures run only where enough digits are (digits of long runs, and digits too
 * far apart, left out), and feeding a direction's anchored signatures only the bytes where
 * they can still match changes no result. No EAL is needed.
 */
#include <stdlib.h>
#include <unistd.h>

#include <rte_common.h>

#include "pl_classify.h"
#include "pl_test.h"
#include "sigs_priv.h"

#ifndef PL_TEST_SIGS
#error "PL_TEST_SIGS must name lib/classify/signatures.yaml"
#endif

static struct pl_sigs *sigs;
static void *scratch;

/* One flow as a worker keeps it: the two bytes of scan state and a counter block. */
struct tflow {
	uint16_t slot;
	uint8_t scan;
	uint64_t ctr[PL_SCANC_MAX];
};

static int
setup(void **state)
{
	char err[512];

	sigs = pl_sigs_load(PL_TEST_SIGS, err, sizeof(err));
	if (sigs == NULL)
		fail_msg("%s", err);
	scratch = pl_sigs_scratch(sigs);
	assert_non_null(scratch);
	return 0;
}

static int
teardown(void **state)
{
	pl_sigs_scratch_free(scratch);
	pl_sigs_free(sigs);
	return 0;
}

/* Feed one TCP segment of flow @p f; returns what the scan found. */
static struct pl_scan_result
seg(struct pl_sigs_streams *p, struct tflow *f, uint8_t dir, uint32_t seq, const void *data,
    uint32_t len, int fin)
{
	struct pl_seg s = { .data = data, .len = len, .seq = seq, .dir = dir, .tcp = 1,
			    .fin = (uint8_t)fin };
	struct pl_scan_result r;

	pl_sigs_stream_scan(p, scratch, &f->slot, &f->scan, f, &s, f->ctr, &r);
	return r;
}

static struct pl_scan_result
str(struct pl_sigs_streams *p, struct tflow *f, uint8_t dir, uint32_t seq, const char *text)
{
	return seg(p, f, dir, seq, text, (uint32_t)strlen(text), 0);
}

static void
test_card_split_across_two_segments_is_found(void **state)
{
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 4, 65536, -1);
	const char *a = "POST /pay HTTP/1.1\r\nHost: shop\r\n\r\ncard=4111 1111 11";
	const char *b = "11 1111&cvv=123";
	struct tflow f = { 0 };
	struct pl_scan_result r, alone;

	assert_non_null(p);
	/* neither half is a card on its own */
	pl_sigs_scan(sigs, scratch, (const uint8_t *)b, (uint32_t)strlen(b), &alone);
	assert_int_equal(alone.card_found, 0);
	r = str(p, &f, 0, 1000, a);
	assert_int_equal(r.card_found, 0);
	assert_true(r.protos & (1u << PL_APP_http));
	r = str(p, &f, 0, 1000 + (uint32_t)strlen(a), b);
	assert_int_equal(r.card_found, 1);
	assert_int_equal(r.card_last4, 1111);
	assert_true(r.protos & (1u << PL_APP_card));
	assert_int_equal(f.ctr[PL_SCANC_scans], 2);
	assert_int_equal(f.ctr[PL_SCANC_scan_flows], 1);

	/* split between two digits with no separator, in the responder's direction */
	r = str(p, &f, 1, 77, "{\"pan\":\"40128888");
	assert_int_equal(r.card_found, 0);
	r = str(p, &f, 1, 77 + 16, "88881881\"}");
	assert_int_equal(r.card_found, 1);
	assert_int_equal(r.card_last4, 1881);
	pl_sigs_streams_free(p);
}

static void
test_card_at_byte_362_of_the_first_data_packet_is_found(void **state)
{
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 4, 65536, -1);
	struct tflow f = { 0 };
	struct pl_scan_result r;
	char body[1400];
	int n;

	n = snprintf(body, sizeof(body), "POST /api/orders HTTP/1.1\r\nHost: shop.example\r\n"
		     "Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"items\":[");
	while (n < 352)
		body[n++] = ' ';
	memcpy(body + n, "\"card\":\"", 8);   /* the digits begin at byte 360 + 2 = 362 */
	n += 8;
	assert_int_equal(n, 360);
	n += snprintf(body + n, sizeof(body) - (size_t)n, "  5500005555555559\"}]}");
	assert_int_equal(memcmp(body + 362, "5500", 4), 0);
	r = seg(p, &f, 0, 1, body, (uint32_t)n, 0);
	assert_int_equal(r.card_found, 1);
	assert_int_equal(r.card_last4, 5559);
	pl_sigs_streams_free(p);
}

static void
test_card_as_the_last_bytes_is_reported_when_the_direction_ends(void **state)
{
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 4, 65536, -1);
	struct tflow f = { 0 };
	struct pl_scan_result r;

	/* a form body ending in the digits: the closing word boundary is the end of data */
	r = str(p, &f, 0, 5, "POST / HTTP/1.1\r\n\r\npan=4111111111111111");
	assert_int_equal(r.card_found, 0);
	r = seg(p, &f, 0, 5 + 39, NULL, 0, 1);   /* FIN, no data */
	assert_int_equal(r.card_found, 1);
	assert_int_equal(r.card_last4, 1111);
	pl_sigs_streams_free(p);
}

/* Filler that no signature matches: lower-case letters and spaces. */
static void
filler(char *b, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		b[i] = i % 7 == 6 ? ' ' : (char)('a' + i % 26);
}

static void
test_bytes_past_the_budget_are_not_scanned(void **state)
{
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 4, 65536, -1);
	struct tflow f = { 0 }, g = { 0 };
	static char buf[1460];
	struct pl_scan_result r;
	uint32_t seq = 1, sent = 0, i;

	filler(buf, sizeof(buf));
	/* 44 full segments: 64240 bytes, then a card that ends at byte 65535 (the last byte
	 * the budget covers) is still found */
	for (i = 0; i < 44; i++, seq += sizeof(buf), sent += sizeof(buf))
		seg(p, &f, 0, seq, buf, sizeof(buf), 0);
	memcpy(buf + 1296 - 20, " 4111111111111111 ", 18);
	r = seg(p, &f, 0, seq, buf, 1296, 0);
	sent += 1296;
	seq += 1296;
	assert_int_equal(sent, 65536);
	assert_int_equal(r.card_found, 1);
	assert_int_equal(f.ctr[PL_SCANC_scan_budget], 1);
	assert_int_equal(f.ctr[PL_SCANC_scan_bytes], 65536);
	/* past the budget: nothing more is scanned in that direction */
	r = str(p, &f, 0, seq, " 4111111111111111 ");
	assert_int_equal(r.card_found, 0);
	assert_int_equal(f.ctr[PL_SCANC_scan_bytes], 65536);
	assert_int_equal(f.scan & PL_SCAN_DONE, 0);   /* the other direction goes on */
	r = str(p, &f, 1, 9, "ok 5500005555555559 ok");
	assert_int_equal(r.card_found, 1);

	/* a card straddling the budget's end is not complete within it: not found */
	filler(buf, sizeof(buf));
	for (i = 0, seq = 1; i < 44; i++, seq += sizeof(buf))
		seg(p, &g, 0, seq, buf, sizeof(buf), 0);
	memcpy(buf + 1296 - 8, " 4111111111111111 ", 18);
	r = seg(p, &g, 0, seq, buf, 1296 + 10, 0);
	assert_int_equal(r.card_found, 0);
	assert_int_equal(g.ctr[PL_SCANC_scan_bytes], 65536);
	pl_sigs_streams_free(p);
}

static void
test_tls_flow_stops_scanning(void **state)
{
	static const uint8_t hello[] = { 0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1,
					 0x03, 0x03, 0x11, 0x22 };
	static const uint8_t appdata[] = { 0x17, 0x03, 0x03, 0x00, 0x20, '4', '1', '1', '1' };
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 4, 65536, -1);
	struct tflow f = { 0 }, g = { 0 };
	struct pl_scan_result r;

	r = seg(p, &f, 0, 100, hello, sizeof(hello), 0);
	assert_true(r.protos & (1u << PL_APP_tls));
	assert_int_equal(f.scan & PL_SCAN_DONE, PL_SCAN_DONE);
	assert_int_equal(f.slot, 0);
	assert_int_equal(pl_sigs_streams_used(p), 0);
	assert_int_equal(f.ctr[PL_SCANC_scan_encrypted], 1);
	r = str(p, &f, 1, 5, "card 4111111111111111 ");
	assert_int_equal(r.card_found, 0);
	assert_int_equal(f.ctr[PL_SCANC_scans], 1);

	/* picked up mid-stream: a segment starting with a TLS record header stops it too */
	r = str(p, &g, 1, 9, "220 hello\r\n");
	assert_int_equal(g.scan, 0);
	r = seg(p, &g, 1, 20, appdata, sizeof(appdata), 0);
	assert_int_equal(g.scan & PL_SCAN_DONE, PL_SCAN_DONE);
	assert_int_equal(g.ctr[PL_SCANC_scan_encrypted], 1);
	assert_int_equal(pl_sigs_streams_used(p), 0);
	pl_sigs_streams_free(p);
}

static void
test_ssh_banner_stops_scanning(void **state)
{
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 4, 65536, -1);
	struct tflow f = { 0 };
	struct pl_scan_result r;

	r = str(p, &f, 1, 1, "SSH-2.0-OpenSSH_9.2\r\n");
	assert_true(r.protos & (1u << PL_APP_ssh));
	assert_int_equal(f.scan & PL_SCAN_DONE, PL_SCAN_DONE);
	r = str(p, &f, 0, 1, "SSH-2.0-x 4111111111111111 ");
	assert_int_equal(r.card_found, 0);
	pl_sigs_streams_free(p);
}

static void
test_gaps_retransmissions_and_overlaps(void **state)
{
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 4, 65536, -1);
	struct tflow f = { 0 };
	struct pl_scan_result r;
	char a[100];

	filler(a, sizeof(a));
	seg(p, &f, 0, 1000, a, 100, 0);                     /* 1000-1099 */
	/* a retransmission is not scanned again */
	seg(p, &f, 0, 1000, a, 100, 0);
	assert_int_equal(f.ctr[PL_SCANC_scan_retrans], 1);
	assert_int_equal(f.ctr[PL_SCANC_scan_bytes], 100);
	/* an overlap is scanned from the next expected byte: 1100-1149 new */
	seg(p, &f, 0, 1050, a, 100, 0);
	assert_int_equal(f.ctr[PL_SCANC_scan_bytes], 150);
	/* the split card across an overlap: the retransmitted part is not fed twice */
	r = str(p, &f, 0, 1140, "aaaaaaaaaa 4111 1111");   /* 10 old bytes, then new */
	assert_int_equal(r.card_found, 0);
	r = str(p, &f, 0, 1160, " 1111 1111 ");
	assert_int_equal(r.card_found, 1);
	/* a gap (or an out-of-order segment) ends the direction */
	r = str(p, &f, 0, 1300, "x 5500005555555559 ");
	assert_int_equal(r.card_found, 0);
	assert_int_equal(f.ctr[PL_SCANC_scan_gaps], 1);
	r = str(p, &f, 0, 1171, "x 5500005555555559 ");   /* the missing bytes, late */
	assert_int_equal(r.card_found, 0);
	assert_int_equal(f.ctr[PL_SCANC_scan_gaps], 1);
	/* the other direction is unaffected, and sequence numbers wrap */
	r = str(p, &f, 1, 0xfffffff8u, "abc 4111 ");
	r = str(p, &f, 1, 0xfffffff8u + 9, "1111 1111 1111 ");
	assert_int_equal(r.card_found, 1);
	assert_int_equal(pl_sigs_streams_used(p), 1);
	/* its FIN ends the flow's scanning: the slot goes back */
	seg(p, &f, 1, 0xfffffff8u + 24, NULL, 0, 1);
	assert_int_equal(f.scan & PL_SCAN_DONE, PL_SCAN_DONE);
	assert_int_equal(pl_sigs_streams_used(p), 0);
	pl_sigs_streams_free(p);
}

static void
test_cap_on_flows_scanned_at_once_is_counted(void **state)
{
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 2, 65536, -1);
	struct tflow f[4] = { 0 };
	struct pl_scan_result r;
	int i;

	assert_int_equal(pl_sigs_streams_size(p), 2);
	for (i = 0; i < 3; i++)
		r = str(p, &f[i], 0, 1, "GET / HTTP/1.1\r\n");
	assert_int_equal(pl_sigs_streams_used(p), 2);
	/* the third flow found the pool full: never scanned, counted once */
	assert_int_equal(f[2].ctr[PL_SCANC_scan_full], 1);
	assert_int_equal(f[2].scan & PL_SCAN_DONE, PL_SCAN_DONE);
	assert_int_equal(r.protos, 0);
	r = str(p, &f[2], 0, 17, "card 4111111111111111 ");
	assert_int_equal(r.card_found, 0);
	assert_int_equal(f[2].ctr[PL_SCANC_scan_full], 1);
	/* a flow that ends gives its slot back; the next new flow gets it */
	pl_sigs_stream_release(p, &f[0].slot, &f[0]);
	assert_int_equal(f[0].slot, 0);
	assert_int_equal(pl_sigs_streams_used(p), 1);
	r = str(p, &f[3], 0, 1, "card 4111111111111111 ");
	assert_int_equal(r.card_found, 1);
	assert_int_equal(f[3].ctr[PL_SCANC_scan_full], 0);
	pl_sigs_streams_free(p);
}

static void
test_released_and_stale_slots_never_read_another_flows_stream(void **state)
{
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 1, 65536, -1);
	struct tflow f = { 0 }, g = { 0 };
	struct pl_scan_result r;

	str(p, &f, 0, 1, "card 4111 1111");
	pl_sigs_stream_release(p, &f.slot, &f);
	/* g gets the same slot: it starts clean, f's half number is gone */
	r = str(p, &g, 0, 1, " 1111 1111 ");
	assert_int_equal(r.card_found, 0);
	assert_int_equal(g.slot, 1);
	/* f's old index (as after a configuration change) is recognised as stale */
	f.slot = 1;
	r = str(p, &f, 0, 15, " 1111 1111 ");
	assert_int_equal(r.card_found, 0);
	assert_int_equal(f.ctr[PL_SCANC_scan_stale], 1);
	assert_int_equal(f.slot, 0);
	pl_sigs_stream_release(p, &f.slot, &f);   /* nothing: g keeps its slot */
	assert_int_equal(pl_sigs_streams_used(p), 1);
	pl_sigs_streams_free(p);
	/* an older pool's index of a slot this pool never handed out (its slots are written
	 * when first taken): stale as well, and the next flows take the slots in order */
	p = pl_sigs_streams_create(sigs, 4, 65536, -1);
	memset(&f, 0, sizeof(f));
	memset(&g, 0, sizeof(g));
	f.slot = 4;
	r = str(p, &f, 0, 1, "card 4111111111111111 ");
	assert_int_equal(r.card_found, 0);
	assert_int_equal(f.ctr[PL_SCANC_scan_stale], 1);
	pl_sigs_stream_release(p, &f.slot, &f);
	assert_int_equal(pl_sigs_streams_used(p), 0);
	r = str(p, &g, 0, 1, "card 4111111111111111 ");
	assert_int_equal(r.card_found, 1);
	assert_int_equal(g.slot, 1);
	memset(&f, 0, sizeof(f));
	str(p, &f, 0, 1, "GET / HTTP/1.1\r\n");
	assert_int_equal(f.slot, 2);
	assert_int_equal(pl_sigs_streams_used(p), 2);
	pl_sigs_streams_free(p);
}

static void
test_datagrams_are_scanned_alone_within_the_budget(void **state)
{
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 1, 1000, -1);
	struct pl_seg s = { .data = (const uint8_t *)"id 4111111111111111 ", .len = 20 };
	struct tflow f = { 0 };
	struct pl_scan_result r;

	s.seq = 0;
	assert_int_equal(pl_sigs_stream_scan(p, scratch, &f.slot, &f.scan, &f, &s, f.ctr, &r), 1);
	assert_int_equal(r.card_found, 1);
	assert_int_equal(f.slot, 0);   /* no stream taken */
	s.seq = 1000;                   /* the direction spent its budget */
	assert_int_equal(pl_sigs_stream_scan(p, scratch, &f.slot, &f.scan, &f, &s, f.ctr, &r), 0);
	assert_int_equal(r.card_found, 0);
	pl_sigs_streams_free(p);
}

/*
 * The card signatures run only where some 64 bytes hold 13 digits, counted in 64-byte
 * pieces: a card number must be found wherever it lies against those pieces. The 13-digit
 * card with a space between each two digits (25 bytes) and a 19-digit one with spaces
 * (37 bytes, the longest the shipped pattern matches; none of its first 13 to 18 digits
 * passes the Luhn check) are placed at every offset of a
 * 300-byte payload of dots, scanned as a datagram (block mode), as one segment, and as two
 * segments split at every byte of the card.
 */
static void
test_card_at_every_offset_against_the_digit_count_pieces_is_found(void **state)
{
	static const char *const cards[] = { "4 2 2 2 2 2 2 2 2 2 2 2 2",
					     "4 0 8 8 9 9 5 7 9 0 3 2 8 9 2 1 8 4 0" };
	static const unsigned int last4[] = { 2222, 1840 };
	char buf[300];
	unsigned int c, off, cut, len;

	for (c = 0; c < RTE_DIM(cards); c++) {
		len = (unsigned int)strlen(cards[c]);
		for (off = 0; off + len <= sizeof(buf); off++) {
			struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 4, 65536, -1);
			struct pl_scan_result r;
			struct tflow f = { 0 };

			memset(buf, '.', sizeof(buf));
			memcpy(buf + off, cards[c], len);
			assert_int_equal(pl_sigs_scan(sigs, scratch, (const uint8_t *)buf,
						      sizeof(buf), &r), 0);
			assert_int_equal(r.card_found, 1);
			assert_int_equal(r.card_last4, last4[c]);
			r = seg(p, &f, 0, 1, buf, sizeof(buf), 1);
			assert_int_equal(r.card_found, 1);
			assert_int_equal(r.card_last4, last4[c]);
			pl_sigs_streams_free(p);
			for (cut = off + 1; cut < off + len; cut++) {
				struct tflow g = { 0 };
				int found;

				p = pl_sigs_streams_create(sigs, 4, 65536, -1);
				r = seg(p, &g, 0, 1, buf, cut, 0);
				found = r.card_found;
				r = seg(p, &g, 0, 1 + cut, buf + cut, sizeof(buf) - cut, 1);
				assert_int_equal(found + r.card_found, 1);
				assert_int_equal(r.card_last4, last4[c]);
				pl_sigs_streams_free(p);
			}
		}
	}
}

/*
 * A segment whose bytes (with the kept tail) cannot hold a card number is not fed to the
 * card stream. A card that begins in it is still found when the next segment brings the
 * rest: the card stream starts again from the kept tail. After a segment with no digits at
 * all, a new card is found again, and nothing is joined across the skipped bytes.
 */
static void
test_card_begun_in_a_segment_with_too_few_digits_to_scan_is_found(void **state)
{
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 4, 65536, -1);
	struct tflow f = { 0 };
	struct pl_scan_result r;
	char a[300], quiet[200];
	uint32_t seq = 1;

	assert_non_null(p);
	/* 9 digits at the end of 300 bytes: no card can end here */
	memset(a, '.', sizeof(a));
	memcpy(a + sizeof(a) - 16, "card=4111 1111 1", 16);
	r = seg(p, &f, 0, seq, a, sizeof(a), 0);
	seq += sizeof(a);
	assert_int_equal(r.card_found, 0);
	r = str(p, &f, 0, seq, "111 1111 thanks");
	seq += 15;
	assert_int_equal(r.card_found, 1);
	assert_int_equal(r.card_last4, 1111);
	/* no digits: the card stream rests */
	memset(quiet, '.', sizeof(quiet));
	r = seg(p, &f, 0, seq, quiet, sizeof(quiet), 0);
	seq += sizeof(quiet);
	assert_int_equal(r.card_found, 0);
	/* the end of one number and the start of another, skipped bytes between them */
	r = str(p, &f, 0, seq, "ref 5500 0055 5");
	seq += 15;
	assert_int_equal(r.card_found, 0);
	r = seg(p, &f, 0, seq, quiet, sizeof(quiet), 0);
	seq += sizeof(quiet);
	assert_int_equal(r.card_found, 0);
	r = str(p, &f, 0, seq, "555 5559 end");
	seq += 12;
	assert_int_equal(r.card_found, 0);
	r = str(p, &f, 0, seq, " pan 5500 0055 5555 5559 end");
	assert_int_equal(r.card_found, 1);
	assert_int_equal(r.card_last4, 5559);
	assert_int_equal(f.ctr[PL_SCANC_scan_errors], 0);
	pl_sigs_streams_free(p);
}

static void
test_stream_state_is_measured_and_bounded(void **state)
{
	size_t per_dir = pl_sigs_stream_state_bytes(sigs);
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 1000, 65536, -1);

	assert_non_null(p);
	assert_true(per_dir > 0);
	/* slots and both directions' stream state, nothing per packet */
	assert_true(pl_sigs_streams_memory(p) >= 1000 * 2 * per_dir);
	assert_true(pl_sigs_streams_memory(p) <= 1000 * (2 * per_dir + 256) + 4096);
	print_message("Hyperscan stream state: %zu bytes a direction; pool of 1000 flows: %zu "
		      "bytes (%.0f a flow)\n", per_dir, pl_sigs_streams_memory(p),
		      pl_sigs_streams_memory(p) / 1000.0);
	pl_sigs_streams_free(p);
	/* bad sizes are refused */
	assert_null(pl_sigs_streams_create(sigs, 0, 65536, -1));
	assert_null(pl_sigs_streams_create(sigs, PL_SCAN_FLOWS_MAX + 1, 65536, -1));
	assert_null(pl_sigs_streams_create(sigs, 4, 0, -1));
}

/* Every result a direction's segments give, OR-ed, with the end (FIN) at the last. */
static struct pl_scan_result
direction(void *sc, struct pl_sigs_streams *p, const uint8_t *b, uint32_t len,
	  uint32_t step)
{
	struct pl_scan_result all = { 0 }, r;
	struct tflow f = { 0 };
	uint32_t off, n;

	for (off = 0; off < len; off += n) {
		struct pl_seg s = { .data = b + off, .seq = 1000 + off, .dir = 0, .tcp = 1 };

		n = RTE_MIN(step, len - off);
		s.len = n;
		s.fin = (uint8_t)(off + n == len);
		pl_sigs_stream_scan(p, sc, &f.slot, &f.scan, &f, &s, f.ctr, &r);
		all.sig_hits |= r.sig_hits;
		all.protos |= r.protos;
		all.card_found |= r.card_found;
	}
	assert_int_equal(f.ctr[PL_SCANC_scan_errors], 0);
	pl_sigs_stream_release(p, &f.slot, &f);
	return all;
}

static int
same(const struct pl_scan_result *x, const struct pl_scan_result *y)
{
	return x->sig_hits == y->sig_hits && x->protos == y->protos &&
	       x->card_found == y->card_found;
}

/* The shipped signature file with @p more appended, loaded. */
static struct pl_sigs *
load_with(const char *more)
{
	char text[16384], path[] = "/tmp/pl_test_stream.XXXXXX", err[512] = "";
	struct pl_sigs *s;
	size_t n, m = strlen(more);
	FILE *f = fopen(PL_TEST_SIGS, "r");
	int fd;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - m - 1, f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(text) - m - 1);
	memcpy(text + n, more, m + 1);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n + m), (ssize_t)(n + m));
	close(fd);
	s = pl_sigs_load(path, err, sizeof(err));
	unlink(path);
	if (s == NULL)
		fail_msg("%s", err);
	return s;
}

/*
 * A direction's main stream takes only the bytes its first bytes leave a match possible in
 * (the longest match of the anchored signatures they allow, one more for an assertion at
 * the end), and a stream cut short ends without reporting. The cut must never change a
 * result: the shipped file with two anchored signatures that end in assertions (\b, $)
 * against the same plus one unanchored signature that never matches here (which makes every
 * stream take every byte), on payloads that open as each signature's traffic does, with each
 * of their first 16 bytes set to each of the 256 values, cut at each length up to 24 and fed
 * in segments of 1, 5, 14 and all their bytes.
 */
static void
test_main_stream_cut_at_its_reach_changes_no_result(void **state)
{
#define ENDS "  - name: ends_b\n    protocol: other\n    pattern: '^abc\\b'\n" \
	     "  - name: ends_dollar\n    protocol: other\n    pattern: '^wxyz$'\n"
#define HEAD(x) { x, sizeof(x) - 1 }
	static const struct { const char *b; uint32_t len; } heads[] = {
		HEAD("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"card\": "
		     "\"4111 1111 1111 1111\"}"),
		HEAD("HTTP/1.0 404\rx"),
		HEAD("GET /x HTTP/1.1\r\nHost: a\r\n\r\n"),
		HEAD("GET /"),
		HEAD("SSH-2.0-OpenSSH_9.2\r\n"),
		HEAD("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n4111111111111111 "),
		HEAD("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03rest of a client hello"),
		HEAD("\x00\x00\x00\x08\x04\xd2\x16\x2f"),
		HEAD("\x00\x00\x00\x29\x00\x03\x00\x00user\x00app\x00database\x00db\x00\x00"),
		HEAD("pay 5500 0000 0000 0004 now"),
		HEAD("abc def"),
		HEAD("abc"),
		HEAD("wxyz"),
		HEAD("wxyz\nmore"),
	};
	static const uint32_t steps[] = { 1, 5, 14, 4096 };
	struct pl_sigs *on = load_with("  - name: pad\n    protocol: other\n"
				       "    pattern: '^\\x01\\x02\\x03'\n" ENDS);
	struct pl_sigs *off = load_with("  - name: reach_off\n    protocol: other\n"
					"    pattern: '\\xffzq\\xfe\\x01'\n" ENDS);
	struct pl_sigs_streams *p, *q;
	struct pl_scan_result x, y;
	uint8_t b[256];
	uint32_t h, len, pos, v, k, cut, cuts = 0;
	void *sc = pl_sigs_scratch(on), *sc2 = pl_sigs_scratch(off);

	p = pl_sigs_streams_create(on, 4, 65536, -1);
	q = pl_sigs_streams_create(off, 4, 65536, -1);
	assert_true(sc != NULL && sc2 != NULL && p != NULL && q != NULL);
	for (h = 0; h < RTE_DIM(heads); h++) {
		len = heads[h].len;
		for (pos = 0; pos <= 16; pos++) {
			for (v = 0; v < (pos < 16 && pos < len ? 256u : 1u); v++) {
				memcpy(b, heads[h].b, len);
				if (pos < 16 && pos < len)
					b[pos] = (uint8_t)v;
				for (cut = 1; cut <= len; cut++) {
					if (cut > 24 && cut < len)
						continue;
					for (k = 0; k < RTE_DIM(steps); k++, cuts++) {
						x = direction(sc, p, b, cut, steps[k]);
						y = direction(sc2, q, b, cut, steps[k]);
						if (!same(&x, &y))
							fail_msg("head %u byte %u = %u, %u bytes "
								 "in segments of %u: %#llx, "
								 "%#llx", h, pos, v, cut, steps[k],
								 (unsigned long long)x.sig_hits,
								 (unsigned long long)y.sig_hits);
					}
				}
			}
		}
	}
	print_message("%u directions compared, cut and whole\n", cuts);
	pl_sigs_streams_free(p);
	pl_sigs_streams_free(q);
	pl_sigs_scratch_free(sc);
	pl_sigs_scratch_free(sc2);
	pl_sigs_free(on);
	pl_sigs_free(off);
#undef HEAD
#undef ENDS
}

/* A pseudo-random number (xorshift64), the same sequence on every run. */
static uint64_t
test_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The most ASCII digits any 64 consecutive of the @p len bytes at @p b hold. */
static unsigned int
digits_within_64(const uint8_t *b, uint32_t len)
{
	unsigned int n = 0, most = 0;
	uint32_t i;

	for (i = 0; i < len; i++) {
		n += b[i] >= '0' && b[i] <= '9';
		if (i >= 64)
			n -= b[i - 64] >= '0' && b[i - 64] <= '9';
		most = RTE_MAX(most, n);
	}
	return most;
}

/* A Luhn-valid card number of @p n digits (13-19, first 2-6) from @p rnd, into @p out. */
static void
card_digits(uint64_t *rnd, unsigned int n, char *out)
{
	unsigned int i, sum = 0, d;

	out[0] = (char)('2' + test_rand(rnd) % 5);
	for (i = 1; i + 1 < n; i++)
		out[i] = (char)('0' + test_rand(rnd) % 10);
	/* the check digit: double every second digit counting leftwards from it */
	for (i = 0; i + 1 < n; i++) {
		d = (unsigned int)(out[n - 2 - i] - '0');
		if (i % 2 == 0)
			d = d * 2 > 9 ? d * 2 - 9 : d * 2;
		sum += d;
	}
	out[n - 1] = (char)('0' + (10 - sum % 10) % 10);
}

/*
 * Digits in runs of 20 or more cannot be part of a card number, so the test that keeps the
 * card stream idle leaves them out: the shipped file (card stream fed only where the test
 * says yes) against the same plus a card signature longer than 64 bytes that never matches
 * here (which feeds every card stream every segment), segment by segment, on payloads of
 * digit runs of every length up to 25 and longer ones (30, 63-65, 100, 300), valid card
 * numbers with and without separators, and separators of every kind between them, cut into
 * one to four segments. Also: the test itself on the answers it must give, and a card
 * signature without word boundaries finds no card inside a longer number.
 */
static void
test_digits_in_long_runs_change_no_card_result(void **state)
{
	static const char seps[] = " -,\"a.\n:";
	static const unsigned int longs[] = { 30, 63, 64, 65, 100, 300 };
	struct pl_sigs *all = load_with("  - name: card_ungated\n    protocol: card\n"
					"    pattern: 'qq\\d{70}qq'\n");
	struct pl_sigs_streams *p = pl_sigs_streams_create(sigs, 4, 65536, -1);
	struct pl_sigs_streams *q = pl_sigs_streams_create(all, 4, 65536, -1);
	void *sc2 = pl_sigs_scratch(all);
	uint64_t rnd = 0x5eed0c4d;
	unsigned int t, k, n, cuts, found = 0, idle = 0;
	uint32_t len, at[5], i;
	char b[1200], seven[960];

	assert_true(p != NULL && q != NULL && sc2 != NULL);
	/* the test's answers */
	memset(seven, '7', sizeof(seven));
	n = (unsigned int)snprintf(b, sizeof(b), "{\"balance\":\"%.900s\"}", seven);
	assert_false(pl_sigs_card_window(NULL, 0, (const uint8_t *)b, n));
	assert_true(pl_sigs_card_window(NULL, 0, (const uint8_t *)seven, 19));
	assert_false(pl_sigs_card_window(NULL, 0, (const uint8_t *)seven, 20));
	assert_false(pl_sigs_card_window((const uint8_t *)seven, 64, (const uint8_t *)"7 ab", 4));
	assert_true(pl_sigs_card_window((const uint8_t *)"x7777777", 8,
					(const uint8_t *)"777777 ab", 9));
	n = (unsigned int)snprintf(b, sizeof(b), "%.300s 4111 1111 1111 1111 %.300s", seven,
				   seven);
	assert_true(pl_sigs_card_window(NULL, 0, (const uint8_t *)b, n));
	/* 14 digits in 128 bytes, no 13 of them within 64 */
	n = (unsigned int)snprintf(b, sizeof(b), "GET /api/v1/accounts/12345/balance HTTP/1.1"
				   "\r\nHost: api.internal:8080\r\nUser-Agent: load/1.0\r\n\r\n");
	assert_false(pl_sigs_card_window(NULL, 0, (const uint8_t *)b, n));
	assert_true(pl_sigs_card_window(NULL, 0, (const uint8_t *)"1-2-3-4-5-6-7-8-9-0-1-2-3", 25));
	/* 13 digits in 64 bytes exactly, and in 65 */
	memset(b, '.', 70);
	memcpy(b, "1234567", 7);
	memcpy(b + 58, "123456", 6);
	assert_true(pl_sigs_card_window(NULL, 0, (const uint8_t *)b, 70));
	memcpy(b + 58, ".", 1);
	memcpy(b + 64, "4", 1);
	assert_false(pl_sigs_card_window(NULL, 0, (const uint8_t *)b, 70));

	for (t = 0; t < 20000; t++) {
		len = 0;
		while (len < 700) {
			k = (unsigned int)(test_rand(&rnd) % 4);
			if (k == 0) {           /* a short run */
				n = 1 + (unsigned int)(test_rand(&rnd) % 25);
				for (i = 0; i < n; i++)
					b[len + i] = (char)('0' + test_rand(&rnd) % 10);
			} else if (k == 1) {    /* a long run */
				n = longs[test_rand(&rnd) % RTE_DIM(longs)];
				for (i = 0; i < n; i++)
					b[len + i] = (char)('0' + test_rand(&rnd) % 10);
			} else if (k == 2) {    /* a card, maybe grouped by 4 */
				char d[19];
				unsigned int m = 13 + (unsigned int)(test_rand(&rnd) % 7);
				char g = test_rand(&rnd) % 3 == 0 ? seps[test_rand(&rnd) % 2] : 0;

				card_digits(&rnd, m, d);
				for (i = 0, n = 0; i < m; i++) {
					if (g && i > 0 && i % 4 == 0)
						b[len + n++] = g;
					b[len + n++] = d[i];
				}
			} else {                /* separators */
				n = 1 + (unsigned int)(test_rand(&rnd) % 2);
				for (i = 0; i < n; i++)
					b[len + i] = seps[test_rand(&rnd) % (sizeof(seps) - 1)];
			}
			len += n;
		}
		cuts = (unsigned int)(test_rand(&rnd) % 4);
		at[0] = 0;
		for (k = 1; k <= cuts; k++)
			at[k] = at[k - 1] + 1 + (uint32_t)(test_rand(&rnd) % (len - at[k - 1] - 1 -
									    (cuts - k)));
		at[cuts + 1] = len;
		{
			struct tflow f = { 0 }, g = { 0 };

			for (k = 0; k <= cuts; k++) {
				struct pl_seg sg = { .data = (const uint8_t *)b + at[k],
						     .len = at[k + 1] - at[k], .seq = 1 + at[k],
						     .tcp = 1, .fin = (uint8_t)(k == cuts) };
				struct pl_scan_result x, y;

				/* 13 digits within 64 bytes, yet left out: long runs */
				idle += !pl_sigs_card_window(NULL, 0, sg.data, sg.len) &&
					digits_within_64(sg.data, sg.len) >= CARD_MIN_DIGITS;
				pl_sigs_stream_scan(p, scratch, &f.slot, &f.scan, &f, &sg, f.ctr,
						    &x);
				pl_sigs_stream_scan(q, sc2, &g.slot, &g.scan, &g, &sg, g.ctr, &y);
				if (x.card_found != y.card_found || x.card_last4 != y.card_last4 ||
				    x.sig_hits != y.sig_hits)
					fail_msg("payload %u segment %u: card %d %04u against %d "
						 "%04u", t, k, x.card_found, x.card_last4,
						 y.card_found, y.card_last4);
				found += x.card_found;
			}
			assert_int_equal(f.ctr[PL_SCANC_scan_errors] + g.ctr[PL_SCANC_scan_errors],
					 0);
			pl_sigs_stream_release(p, &f.slot, &f);
			pl_sigs_stream_release(q, &g.slot, &g);
		}
	}
	print_message("20000 payloads: %u cards found alike, %u segments left to rest\n", found,
		      idle);
	assert_true(found > 5000);
	assert_true(idle > 1000);

	/* a card signature with no word boundaries: no card inside a longer number */
	{
		struct pl_sigs *nb = load_with("  - name: card_bare\n    protocol: card\n"
					       "    pattern: '[2-6](?:[ -]?\\d){12,18}'\n");
		void *sc3 = pl_sigs_scratch(nb);
		struct pl_scan_result r;

		assert_non_null(sc3);
		assert_int_equal(pl_sigs_scan(nb, sc3, (const uint8_t *)"ab4111111111111111cd",
					      20, &r), 0);
		assert_int_equal(r.card_found, 1);
		assert_int_equal(pl_sigs_scan(nb, sc3, (const uint8_t *)"ab74111111111111111cd",
					      21, &r), 0);
		assert_int_equal(r.card_found, 0);
		assert_int_equal(pl_sigs_scan(nb, sc3, (const uint8_t *)"ab41111111111111119cd",
					      21, &r), 0);
		assert_int_equal(r.card_found, 0);
		pl_sigs_scratch_free(sc3);
		pl_sigs_free(nb);
	}
	pl_sigs_streams_free(p);
	pl_sigs_streams_free(q);
	pl_sigs_scratch_free(sc2);
	pl_sigs_free(all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_card_split_across_two_segments_is_found),
		cmocka_unit_test(test_card_at_byte_362_of_the_first_data_packet_is_found),
		cmocka_unit_test(test_card_as_the_last_bytes_is_reported_when_the_direction_ends),
		cmocka_unit_test(test_bytes_past_the_budget_are_not_scanned),
		cmocka_unit_test(test_tls_flow_stops_scanning),
		cmocka_unit_test(test_ssh_banner_stops_scanning),
		cmocka_unit_test(test_gaps_retransmissions_and_overlaps),
		cmocka_unit_test(test_cap_on_flows_scanned_at_once_is_counted),
		cmocka_unit_test(test_released_and_stale_slots_never_read_another_flows_stream),
		cmocka_unit_test(test_datagrams_are_scanned_alone_within_the_budget),
		cmocka_unit_test(test_card_at_every_offset_against_the_digit_count_pieces_is_found),
		cmocka_unit_test(test_card_begun_in_a_segment_with_too_few_digits_to_scan_is_found),
		cmocka_unit_test(test_stream_state_is_measured_and_bounded),
		cmocka_unit_test(test_main_stream_cut_at_its_reach_changes_no_result),
		cmocka_unit_test(test_digits_in_long_runs_change_no_card_result),
	};

	return cmocka_run_group_tests_name("stream", tests, setup, teardown);
}
