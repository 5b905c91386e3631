/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: payload signatures, stream scanning across segments and the Luhn check. The
 * shipped signature set is compiled once; every input is scanned as a payload (block mode),
 * and streamed as TCP segments of one flow direction split at points the input chooses: its
 * first byte says how many splits (0-7), the next bytes where (each a fraction of what is
 * left), the rest is the payload. A stream closed by FIN must find what the block scan of the
 * whole payload finds (the same signatures, a card or none), unless it stopped at something
 * encrypted. A reported card number must be Luhn-valid and have four digits; Luhn is also
 * checked against a direct implementation on the input's digits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_classify.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pl_sigs *sigs;
static void *scratch;
static struct pl_sigs_streams *pool;

/* Stream @p data (len bytes) as segments cut at the input's split points, then FIN. */
static void
stream_check(const uint8_t *data, size_t size, const struct pl_scan_result *block)
{
	uint64_t ctr[PL_SCANC_MAX] = { 0 };
	struct pl_scan_result r, all = { 0 };
	uint32_t cut[8], nc, i, seq = 0x7ffffff0u, from = 0;
	const uint8_t *payload;
	uint16_t slot = 0;
	uint8_t scan = 0;
	size_t len;

	if (size == 0)
		return;
	nc = data[0] & 7;
	if (size < 1 + nc)
		return;
	payload = data + 1 + nc;
	len = size - 1 - nc;
	if (len > 65535)
		len = 65535;
	for (i = 0; i < nc; i++) {
		/* each cut a fraction of what is left after the previous one */
		from += (uint32_t)((len - from) * data[1 + i] / 256);
		cut[i] = from;
	}
	from = 0;
	for (i = 0; i <= nc; i++) {
		uint32_t to = i < nc ? cut[i] : (uint32_t)len;
		struct pl_seg sg = { .data = payload + from, .len = to - from, .seq = seq + from,
				     .tcp = 1, .fin = i == nc };

		if (to == from && i < nc)
			continue;
		pl_sigs_stream_scan(pool, scratch, &slot, &scan, &slot, &sg, ctr, &r);
		CHECK(r.card_last4 < 10000);
		CHECK(!r.card_found || (r.protos & (1u << PL_APP_card)));
		all.protos |= r.protos;
		all.sig_hits |= r.sig_hits;
		all.card_found |= r.card_found;
		from = to;
	}
	{
		/* the other direction's FIN (it sent nothing): the flow's slot is back */
		struct pl_seg fin = { .seq = 1, .dir = 1, .tcp = 1, .fin = 1 };

		pl_sigs_stream_scan(pool, scratch, &slot, &scan, &slot, &fin, ctr, &r);
		CHECK(slot == 0 && pl_sigs_streams_used(pool) == 0);
	}
	CHECK(ctr[PL_SCANC_scan_errors] == 0);
	if (ctr[PL_SCANC_scan_encrypted] || len == 0)
		return;
	CHECK(ctr[PL_SCANC_scan_bytes] == len);
	CHECK(all.sig_hits == block->sig_hits);
	CHECK(all.protos == block->protos);
	CHECK(all.card_found == block->card_found);
}

static int
luhn_ref(const char *d, unsigned int n)
{
	unsigned int sum = 0, i;

	for (i = 0; i < n; i++) {
		unsigned int v = (unsigned int)(d[n - 1 - i] - '0');

		if (i & 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_scan_result res;
	char digits[64];
	unsigned int nd = 0;
	size_t i;

	if (sigs == NULL) {
		char err[512];

		sigs = pl_sigs_load(PL_SIGS_DIR "/signatures.yaml", err, sizeof(err));
		if (sigs == NULL) {
			fprintf(stderr, "%s\n", err);
			abort();
		}
		scratch = pl_sigs_scratch(sigs);
		CHECK(scratch != NULL);
		pool = pl_sigs_streams_create(sigs, 1, 65536, -1);
		CHECK(pool != NULL);
	}
	CHECK(pl_sigs_scan(sigs, scratch, data, (uint32_t)(size > 65535 ? 65535 : size),
			   &res) == 0);
	CHECK(res.card_last4 < 10000);
	CHECK(!res.card_found || (res.protos & (1u << PL_APP_card)));
	for (i = 0; i < size && nd < sizeof(digits); i++)
		if (data[i] >= '0' && data[i] <= '9')
			digits[nd++] = (char)data[i];
	if (nd >= 2)
		CHECK(pl_luhn_valid(digits, nd) == luhn_ref(digits, nd));
	if (size > (size_t)(data[0] & 7)) {
		/* the streamed payload, scanned whole in block mode, is the reference */
		size_t skip = 1 + (data[0] & 7);
		size_t plen = size - skip;

		CHECK(pl_sigs_scan(sigs, scratch, data + skip, (uint32_t)(plen > 65535 ? 65535 :
				   plen), &res) == 0);
		stream_check(data, size, &res);
	}
	return 0;
}
