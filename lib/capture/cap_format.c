/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two capture formats, walked over a file's window: classic pcap (24-byte file
 * header, 16-byte record headers, either byte order, microsecond or nanosecond
 * timestamps) and pcapng (blocks: section headers set the byte order and reset the
 * interfaces, interface descriptions give each interface its link type, timestamp
 * resolution and offset, enhanced/simple/obsolete packet blocks carry packets, every other
 * block is stepped over). Every length is checked before it is used; a problem stops the
 * file with one message saying where and what to do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_priv.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAPNG_SHB 0x0a0d0d0au
#define PCAPNG_BOM 0x1a2b3c4du

enum { BLK_IDB = 1, BLK_OPB = 2, BLK_SPB = 3, BLK_EPB = 6 };
enum { OPT_END = 0, OPT_TSRESOL = 9, OPT_TSOFFSET = 14 };

static const char damaged_advice[] =
	"the file is damaged there: repair it (pcapfix) or keep the records before it "
	"(editcap -r FILE OUT 1-N)";

static inline uint32_t
rd32(const uint8_t *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static inline uint16_t
rd16(const uint8_t *p, int swap)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return swap ? __builtin_bswap16(v) : v;
}

static const char *
where_in(const struct cap_file *f)
{
	return f->comp == CAP_PLAIN ? "" : " of the decompressed stream";
}

/* A record or block cut short by the end of the file: an error, or with
 * PL_CAPTURE_ALLOW_TRUNCATED the quiet end of the file (0) with a notice. */
static int
cut(struct cap_file *f, const char *unit, uint64_t num, size_t need, size_t have)
{
	char what[224];

	if (f->state < 0) /* the stream itself failed: that is the message */
		return -1;
	if (need)
		snprintf(what, sizeof(what), "truncated: %s %" PRIu64 " at byte %" PRIu64 "%s needs "
			 "%zu bytes, %zu are left", unit, num, cap_off(f), where_in(f), need, have);
	else
		snprintf(what, sizeof(what), "truncated: the %s stream ends early, after %s %" PRIu64
			 " at byte %" PRIu64 " of the decompressed stream", cap_comp_name(f), unit,
			 num - 1, cap_off(f));
	if ((f->flags & PL_CAPTURE_ALLOW_TRUNCATED) && f->rec) {
		snprintf(f->err, sizeof(f->err), "%s; analysing the %" PRIu64 " whole records "
			 "before it (--allow-truncated)", what, f->rec);
		f->state = 1;
		return 0;
	}
	if (f->rec == 0)
		return cap_fail(f, "%s; the capture was cut short before its first packet: take "
				"it again", what);
	return cap_fail(f, "%s; the capture was cut short: --allow-truncated analyses the %"
			PRIu64 " whole records before it", what, f->rec);
}

/* End of the window: the end of the file, unless a compressed stream was cut. */
static int
at_end(struct cap_file *f, const char *unit, uint64_t num)
{
	if (f->state < 0)
		return -1;
	if (cap_stream_cut(f))
		return cut(f, unit, num, 0, 0);
	f->state = 1;
	return 0;
}

static int
start_pcap(struct cap_file *f, const uint8_t *p, size_t have, uint32_t magic)
{
	uint16_t vmaj, vmin;

	f->swap = magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS;
	f->tsmul = (magic == PCAP_MAGIC_NS || magic == __builtin_bswap32(PCAP_MAGIC_NS)) ?
		1 : 1000;
	if (have < 24)
		return cap_fail(f, "the file header is cut short (%zu of 24 bytes)%s; the file "
				"is not a whole capture: copy it again", have, where_in(f));
	vmaj = rd16(p + 4, f->swap);
	vmin = rd16(p + 6, f->swap);
	if (vmaj != 2)
		return cap_fail(f, "pcap version %u.%u at byte 4 (portlens reads version 2.x); "
				"rewrite it: editcap -F pcap FILE OUT.pcap", vmaj, vmin);
	f->linktype = rd32(p + 20, f->swap) & 0xffff;
	if (!cap_linktype_ok(f->linktype))
		return cap_linktype_refuse(f, f->linktype, "in the file header at byte 20");
	f->pos += 24;
	return 0;
}

int
cap_format_start(struct cap_file *f)
{
	size_t have = cap_fill(f, 24);
	const uint8_t *p = cap_ptr(f);
	uint32_t magic;

	f->rec = f->blk = 0;
	f->nb_if = 0;
	f->last_ts = 0;
	if (f->state < 0)
		return -1;
	if (have < 4)
		return cap_fail(f, "the file header is cut short (%zu of 24 bytes)%s; the file "
				"is not a whole capture: copy it again", have, where_in(f));
	magic = rd32(p, 0);
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS ||
	    magic == __builtin_bswap32(PCAP_MAGIC_US) || magic == __builtin_bswap32(PCAP_MAGIC_NS))
		return start_pcap(f, p, have, magic);
	if (magic == PCAPNG_SHB) {
		f->pcapng = 1;
		return 0;
	}
	return cap_fail(f, "not a pcap or pcapng capture (magic 0x%08x at byte 0%s); give a "
			"pcap or pcapng file, plain, .gz or .zst (tshark -r FILE -w OUT.pcapng "
			"converts other formats)", magic, where_in(f));
}

static int
next_pcap(struct cap_file *f, struct pl_capture_rec *r)
{
	size_t have;
	const uint8_t *p;
	uint32_t caplen;

	if (cap_pcap_next_fast(f, r))
		return 1;
	have = cap_fill(f, 16);
	if (have == 0)
		return at_end(f, "record", f->rec + 1);
	if (have < 16)
		return cut(f, "record", f->rec + 1, 16, have);
	p = cap_ptr(f);
	caplen = rd32(p + 8, f->swap);
	if (caplen > PL_CAPTURE_MAX_RECORD)
		return cap_fail(f, "damaged: record %" PRIu64 " at byte %" PRIu64 "%s claims %u "
				"bytes (at most %u); %s", f->rec + 1, cap_off(f), where_in(f),
				caplen, PL_CAPTURE_MAX_RECORD, damaged_advice);
	have = cap_fill(f, 16 + (size_t)caplen);
	if (have < 16 + (size_t)caplen)
		return cut(f, "record", f->rec + 1, caplen, have < 16 ? 0 : have - 16);
	p = cap_ptr(f);
	r->data = p + 16;
	r->caplen = caplen;
	r->wirelen = rd32(p + 12, f->swap);
	r->linktype = f->linktype;
	r->ts_ns = (uint64_t)rd32(p, f->swap) * 1000000000ull +
		(uint64_t)rd32(p + 4, f->swap) * f->tsmul;
	f->pos += 16 + (size_t)caplen;
	f->rec++;
	return 1;
}

/* Block-level damage in a pcapng file. */
static int
bad_block(struct cap_file *f, const char *what)
{
	return cap_fail(f, "damaged: pcapng block %" PRIu64 " at byte %" PRIu64 "%s %s; %s",
			f->blk + 1, cap_off(f), where_in(f), what, damaged_advice);
}

static uint64_t
pow10u(unsigned int e)
{
	uint64_t v = 1;

	while (e--)
		v *= 10;
	return v;
}

/* An interface description block: link type, if_tsresol, if_tsoffset. */
static int
read_idb(struct cap_file *f, const uint8_t *p, uint32_t len)
{
	struct cap_if *ifc;
	uint32_t o = 16;
	char where[96];

	if (len < 20)
		return bad_block(f, "is an interface description shorter than 20 bytes");
	if (f->nb_if == f->if_cap) {
		unsigned int ncap = f->if_cap ? f->if_cap * 2 : 4;
		struct cap_if *n = realloc(f->ifs, ncap * sizeof(*n));

		if (n == NULL || ncap > 65536)
			return bad_block(f, "adds an interface beyond 65536");
		f->ifs = n;
		f->if_cap = ncap;
	}
	ifc = &f->ifs[f->nb_if];
	memset(ifc, 0, sizeof(*ifc));
	ifc->linktype = rd16(p + 8, f->swap);
	ifc->snaplen = rd32(p + 12, f->swap);
	ifc->mul = 1000; /* default resolution: microseconds */
	ifc->div = 1;
	snprintf(where, sizeof(where), "for interface %u (pcapng block %" PRIu64 " at byte %"
		 PRIu64 ")", f->nb_if, f->blk + 1, cap_off(f));
	if (!cap_linktype_ok(ifc->linktype))
		return cap_linktype_refuse(f, ifc->linktype, where);
	while (o + 4 <= len - 4) {
		uint16_t code = rd16(p + o, f->swap), olen = rd16(p + o + 2, f->swap);

		if (code == OPT_END)
			break;
		if ((uint32_t)o + 4 + olen > len - 4)
			return bad_block(f, "has an option running past its end");
		if (code == OPT_TSRESOL && olen >= 1) {
			uint8_t v = p[o + 4];

			if (v & 0x80) {
				if ((v & 0x7f) > 63)
					return bad_block(f, "has a timestamp resolution beyond 2^-63");
				ifc->pow2 = 1;
				ifc->shift = v & 0x7f;
			} else if (v > 19) {
				return bad_block(f, "has a timestamp resolution beyond 10^-19");
			} else if (v <= 9) {
				ifc->mul = pow10u(9 - v);
			} else {
				ifc->mul = 1;
				ifc->div = pow10u(v - 9);
			}
		} else if (code == OPT_TSOFFSET && olen == 8) {
			uint64_t s;

			memcpy(&s, p + o + 4, 8); /* a 64-bit integer in the file's byte order */
			if (f->swap)
				s = __builtin_bswap64(s);
			ifc->offset_ns = (int64_t)(s * 1000000000ull); /* wraps, as time does */
		}
		o += 4 + (((uint32_t)olen + 3) & ~3u);
	}
	f->nb_if++;
	return 0;
}

/* Timestamp units of an interface to ns since the epoch. */
static uint64_t
if_ns(const struct cap_if *ifc, uint64_t units)
{
	uint64_t ns;

	if (ifc->pow2)
		ns = (uint64_t)(((unsigned __int128)units * 1000000000u) >> ifc->shift);
	else
		ns = units * ifc->mul / ifc->div;
	return ns + (uint64_t)ifc->offset_ns;
}

/* A packet in an EPB or OPB at p: interface id already read. 1, or -1. */
static int
packet_block(struct cap_file *f, const uint8_t *p, uint32_t len, uint32_t ifid,
	     struct pl_capture_rec *r)
{
	uint32_t caplen = rd32(p + 20, f->swap);
	uint64_t units = ((uint64_t)rd32(p + 12, f->swap) << 32) | rd32(p + 16, f->swap);
	const struct cap_if *ifc;
	char what[128];

	if (ifid >= f->nb_if) {
		snprintf(what, sizeof(what), "names interface %u, the section describes %u", ifid,
			 f->nb_if);
		return bad_block(f, what);
	}
	if (caplen > PL_CAPTURE_MAX_RECORD || (uint64_t)caplen + 32 > len) {
		snprintf(what, sizeof(what), "holds a packet of %u bytes in a block of %u", caplen,
			 len);
		return bad_block(f, what);
	}
	ifc = &f->ifs[ifid];
	r->data = p + 28;
	r->caplen = caplen;
	r->wirelen = rd32(p + 24, f->swap);
	r->linktype = ifc->linktype;
	r->ts_ns = if_ns(ifc, units);
	return 1;
}

static int
next_pcapng(struct cap_file *f, struct pl_capture_rec *r)
{
	for (;;) {
		size_t have = cap_fill(f, 12);
		const uint8_t *p;
		uint32_t type, len;
		int got = 0;

		if (have == 0)
			return at_end(f, "pcapng block", f->blk + 1);
		if (have < 12)
			return cut(f, "pcapng block", f->blk + 1, 12, have);
		p = cap_ptr(f);
		if (rd32(p, 0) == PCAPNG_SHB) {
			uint32_t bom = rd32(p + 8, 0);

			if (bom != PCAPNG_BOM && bom != __builtin_bswap32(PCAPNG_BOM))
				return bad_block(f, "is a section header with a bad byte-order magic");
			f->swap = bom != PCAPNG_BOM;
		}
		type = rd32(p, f->swap);
		len = rd32(p + 4, f->swap);
		if (len < 12 || len % 4 || len > CAP_MAX_BLOCK) {
			char what[64];

			snprintf(what, sizeof(what), "has length %u", len);
			return bad_block(f, what);
		}
		have = cap_fill(f, len);
		if (have < len)
			return cut(f, "pcapng block", f->blk + 1, len, have);
		p = cap_ptr(f);
		if (rd32(p + len - 4, f->swap) != len)
			return bad_block(f, "ends with a length other than its own");
		switch (type) {
		case PCAPNG_SHB:
			if (len < 28)
				return bad_block(f, "is a section header shorter than 28 bytes");
			if (rd16(p + 12, f->swap) != 1)
				return cap_fail(f, "pcapng version %u.%u in the section header at byte %"
						PRIu64 " (portlens reads 1.x); rewrite it: editcap -F "
						"pcapng FILE OUT.pcapng", rd16(p + 12, f->swap),
						rd16(p + 14, f->swap), cap_off(f));
			f->nb_if = 0;
			break;
		case BLK_IDB:
			if (read_idb(f, p, len) < 0)
				return -1;
			break;
		case BLK_EPB:
			if (len < 32)
				return bad_block(f, "is a packet block shorter than 32 bytes");
			got = packet_block(f, p, len, rd32(p + 8, f->swap), r);
			break;
		case BLK_OPB:
			if (len < 32)
				return bad_block(f, "is a packet block shorter than 32 bytes");
			got = packet_block(f, p, len, rd16(p + 8, f->swap), r);
			break;
		case BLK_SPB: {
			uint32_t olen;

			if (len < 16)
				return bad_block(f, "is a simple packet block shorter than 16 bytes");
			if (f->nb_if == 0)
				return bad_block(f, "is a packet before any interface description");
			olen = rd32(p + 8, f->swap);
			r->data = p + 12;
			r->caplen = RTE_MIN(olen, len - 16);
			if (f->ifs[0].snaplen)
				r->caplen = RTE_MIN(r->caplen, f->ifs[0].snaplen);
			r->caplen = RTE_MIN(r->caplen, PL_CAPTURE_MAX_RECORD);
			r->wirelen = olen;
			r->linktype = f->ifs[0].linktype;
			r->ts_ns = f->last_ts; /* simple packets carry no time */
			got = 1;
			break;
		}
		default:
			break; /* statistics, name resolution, custom, ...: not packets */
		}
		if (got < 0)
			return -1;
		f->pos += len;
		f->blk++;
		if (got) {
			f->rec++;
			f->last_ts = r->ts_ns;
			return 1;
		}
	}
}

int
cap_format_next(struct cap_file *f, struct pl_capture_rec *r)
{
	if (f->state)
		return f->state < 0 ? -1 : 0;
	return f->pcapng ? next_pcapng(f, r) : next_pcap(f, r);
}
