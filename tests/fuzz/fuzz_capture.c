/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the capture reader (lib/capture), which parses files from strangers. The
 * first byte picks how the rest is presented:
 *   0  as a whole file: pcap, pcapng, gzip or zstd, whatever the bytes say;
 *   1  as the records of a pcap whose header names a supported link type (the second
 *      byte chooses which), so every link type's rewrite is reached;
 *   2  as a file again, gzip-compressed here first, so the stream code sees valid
 *      compression around arbitrary content.
 * Every record is read, rewritten as an Ethernet frame and parsed (tunnels included, as the
 * worker would); the reader must never read outside its input, and what it returns must be
 * consistent: a frame within its bounds, padded frames for other link types, an error
 * message exactly when it stops with an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pl_capture.h"
#include "pl_parse.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static const uint32_t linktypes[] = {
#define X(v, name) v,
	PL_CAPTURE_LINKTYPES(X)
#undef X
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read the whole capture; check each record and its Ethernet frame. */
static void
walk(const uint8_t *buf, size_t len)
{
	static uint8_t frame[PL_CAPTURE_MAX_RECORD + 64];
	char err[512];
	struct pl_capture *c = pl_capture_open_mem(buf, len, "fuzz", 0, err, sizeof(err));
	struct pl_capture_rec r;
	int plain = !(len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) &&
		!(len >= 4 && buf[0] == 0x28 && buf[1] == 0xb5 && buf[2] == 0x2f && buf[3] == 0xfd);
	int rc;

	if (c == NULL) {
		CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
		return;
	}
	while ((rc = pl_capture_next(c, &r)) == 1) {
		uint8_t hdr[14];
		uint32_t off, flen = pl_capture_eth(&r, hdr, &off);
		struct pl_meta meta;

		CHECK(r.caplen <= PL_CAPTURE_MAX_RECORD);
		if (plain) /* a plain input's records lie inside it (a stream has a window) */
			CHECK(r.data >= buf && r.data + r.caplen <= buf + len);
		CHECK(off <= r.caplen);
		if (r.linktype == 1) {
			CHECK(flen == r.caplen && off == 0);
			memcpy(frame, r.data, flen);
		} else if (flen) {
			CHECK(flen >= PL_CAPTURE_MIN_FRAME && flen >= 14 + r.caplen - off);
			memcpy(frame, hdr, 14);
			memcpy(frame + 14, r.data + off, r.caplen - off);
			memset(frame + 14 + r.caplen - off, 0, flen - 14 - (r.caplen - off));
		}
		pl_parse_frame(frame, flen, flen, &meta);
		CHECK(meta.kind == PL_KIND_MALFORMED || flen >= 14);
	}
	CHECK(rc == 0 || (rc < 0 && pl_capture_done(c) < 0 && pl_capture_error(c)[0]));
	pl_capture_close(c);
}

/* A pcap header naming a supported link type, then the fuzzer's bytes as records. */
static void
as_records(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 0 };

	if (size < 1)
		return;
	hdr[5] = linktypes[data[0] % (sizeof(linktypes) / sizeof(linktypes[0]))];
	buf = malloc(24 + size - 1);
	if (buf == NULL)
		return;
	memcpy(buf, hdr, 24);
	memcpy(buf + 24, data + 1, size - 1);
	walk(buf, 24 + size - 1);
	free(buf);
}

static void
as_gzip(const uint8_t *data, size_t size)
{
	z_stream z = { 0 };
	uLong room = compressBound(size) + 64;
	uint8_t *out = malloc(room);

	if (out == NULL || deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(out);
		return;
	}
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)size;
	z.next_out = out;
	z.avail_out = (uInt)room;
	if (deflate(&z, Z_FINISH) == Z_STREAM_END)
		walk(out, room - z.avail_out);
	deflateEnd(&z);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	if (size < 1 || size > 4u << 20)
		return 0;
	/* an exact-size heap copy, so ASan sees any read past the input */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		walk(copy, size - 1);
		break;
	case 1:
		as_records(copy, size - 1);
		break;
	default:
		as_gzip(copy, size - 1);
		break;
	}
	free(copy);
	return 0;
}
