/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the packet parser and the symmetric hash. Any bytes are a frame; the parser
 * must never read outside them, and what it reports must be consistent: offsets inside the
 * frame, a malformed reason exactly when the kind is malformed, a payload inside the frame.
 * For IP packets the canonical tuple and hash are computed too, and the tuple of the same
 * frame with its endpoints swapped must hash the same (symmetry). Each input is parsed with
 * tunnel decapsulation on (the inner packet's offsets must lie inside the frame too, and only
 * known encapsulations be reported) and off (no encapsulation reported).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_dist.h"
#include "pl_parse.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse one frame (decapsulating or not) and check what the parser reports. */
static void
one(const uint8_t *data, uint32_t len, int decap)
{
	struct pl_meta meta;
	struct pl_tuple t;
	uint8_t *copy;
	enum pl_kind k;

	/* an exact-size heap copy, so ASan sees any read past the frame */
	copy = malloc(len ? len : 1);
	if (copy == NULL)
		return;
	memcpy(copy, data, len);
	memset(&meta, 0xa5, sizeof(meta));
	pl_parse_set_decap(decap);
	k = pl_parse_frame(copy, len, len, &meta);
	CHECK(meta.encap < (1u << PL_ENCAP_MAX));
	CHECK(decap || meta.encap == 0);
	CHECK(k == meta.kind);
	CHECK((k == PL_KIND_MALFORMED) == (meta.malformed != PL_MALFORMED_NONE));
	CHECK(meta.malformed < PL_MALFORMED_MAX);
	if (k == PL_KIND_IP) {
		CHECK(meta.l3_off < len);
		CHECK(meta.l4_off >= meta.l3_off && meta.l4_off <= len);
		CHECK(pl_meta_payload_off(&meta) + meta.payload_len <= len);
		pl_dist_tuple(copy, &meta, &t);
		CHECK(t.family == ((meta.flags & PL_F_IPV6) ? 6 : 4));
		if (meta.flags & PL_F_FRAGMENT)
			CHECK(t.port_lo == 0 && t.port_hi == 0 && t.proto == 0);
		{
			/* the same packet seen the other way round hashes the same */
			struct pl_meta rev = meta;
			uint8_t *ip = copy + meta.l3_off, tmp[16];
			int al = (meta.flags & PL_F_IPV6) ? 16 : 4, so = al == 16 ? 8 : 12;
			struct pl_tuple t2;

			memcpy(tmp, ip + so, al);
			memmove(ip + so, ip + so + al, al);
			memcpy(ip + so + al, tmp, al);
			rev.sport = meta.dport;
			rev.dport = meta.sport;
			pl_dist_tuple(copy, &rev, &t2);
			CHECK(pl_dist_hash_tuple(&t) == pl_dist_hash_tuple(&t2));
			CHECK(t.lo_is_src != t2.lo_is_src || memcmp(t.addr_lo, t.addr_hi, 16) == 0);
		}
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t len = size > 65535 ? 65535 : (uint32_t)size;

	one(data, len, 1);
	one(data, len, 0);
	return 0;
}
