/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/capture on captures built byte by byte in memory: timestamps of every resolution, the
 * Ethernet frame of every link type, pcapng interfaces and offsets, the time-order merge of
 * the mbuf path, and refusals; and on files written here, the window a plain file is read
 * through. The integration test capture_formats covers whole captures.
 */
#include "pl_test.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "pl_capture.h"
#include "pl_parse.h"

static uint8_t buf[4096];
static size_t blen;

static void
put(const void *p, size_t n)
{
	memcpy(buf + blen, p, n);
	blen += n;
}

static void
put32(uint32_t v)
{
	put(&v, 4);
}

/* A little-endian pcap header of a link type; nanoseconds when ns. */
static void
pcap_header(uint32_t linktype, int ns)
{
	blen = 0;
	put32(ns ? 0xa1b23c4d : 0xa1b2c3d4);
	put32(0x00040002);
	put32(0);
	put32(0);
	put32(65535);
	put32(linktype);
}

/* A record of @p len bytes captured of a frame of @p wire bytes on the wire. */
static void
pcap_record_cut(uint32_t sec, uint32_t frac, const void *data, uint32_t len, uint32_t wire)
{
	put32(sec);
	put32(frac);
	put32(len);
	put32(wire);
	put(data, len);
}

static void
pcap_record(uint32_t sec, uint32_t frac, const void *data, uint32_t len)
{
	pcap_record_cut(sec, frac, data, len, len);
}

static struct pl_capture *
open_buf(void)
{
	char err[512];
	struct pl_capture *c = pl_capture_open_mem(buf, blen, "test.pcap", 0, err, sizeof(err));

	if (c == NULL)
		fail_msg("%s", err);
	return c;
}

/* A minimal IPv4 header (20 bytes, total length 20) and an IPv6 one (40 bytes). */
static const uint8_t ip4[20] = { 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1,
				 10, 0, 0, 2 };
static const uint8_t ip6[40] = { 0x60, 0, 0, 0, 0, 0, 59, 64 };

static void
test_pcap_microseconds_and_nanoseconds_give_ns(void **state)
{
	struct pl_capture_rec r;
	struct pl_capture *c;

	(void)state;
	pcap_header(1, 0);
	pcap_record(1700000000, 123456, ip4, 20);
	c = open_buf();
	assert_int_equal(pl_capture_next(c, &r), 1);
	assert_true(r.ts_ns == 1700000000123456000ull);
	assert_int_equal(pl_capture_next(c, &r), 0);
	assert_int_equal(pl_capture_done(c), 1);
	pl_capture_close(c);
	pcap_header(1, 1);
	pcap_record(1700000000, 123456789, ip4, 20);
	c = open_buf();
	assert_int_equal(pl_capture_next(c, &r), 1);
	assert_true(r.ts_ns == 1700000000123456789ull);
	pl_capture_close(c);
}

static void
test_raw_ip_becomes_a_padded_ethernet_frame(void **state)
{
	struct pl_capture_rec r = { .data = ip4, .caplen = 20, .linktype = 101 };
	uint8_t hdr[14];
	uint32_t off;

	(void)state;
	assert_int_equal(pl_capture_eth(&r, hdr, &off), 60); /* 14 + 20, padded */
	assert_int_equal(off, 0);
	assert_int_equal(hdr[12], 0x08);
	assert_int_equal(hdr[13], 0x00);
	r.data = ip6;
	r.caplen = 40;
	assert_int_equal(pl_capture_eth(&r, hdr, &off), 60); /* 14 + 40 = 54, padded */
	assert_int_equal(hdr[12] << 8 | hdr[13], 0x86dd);
	r.caplen = 0;
	assert_int_equal(pl_capture_eth(&r, hdr, &off), 0); /* nothing: an empty frame */
}

/* LINKTYPE_IPV4/IPV6 holding a packet of the other version (tcpdump's LINKTYPE_IPV4_invalid
 * test capture): read by its version nibble, as tcpdump and tshark read it, not malformed */
static void
test_ipv4_and_ipv6_link_types_follow_the_version_nibble(void **state)
{
	struct pl_capture_rec r = { .data = ip6, .caplen = 40, .linktype = 228 };
	uint8_t hdr[14], bad[20] = { 0x50 };
	uint32_t off;

	(void)state;
	assert_int_equal(pl_capture_eth(&r, hdr, &off), 60);
	assert_int_equal(hdr[12] << 8 | hdr[13], 0x86dd);
	r.data = ip4;
	r.caplen = 20;
	r.linktype = 229;
	assert_int_equal(pl_capture_eth(&r, hdr, &off), 60);
	assert_int_equal(hdr[12] << 8 | hdr[13], 0x0800);
	/* neither version: the link type's own (then malformed, bad version, in lib/parse) */
	r.data = bad;
	assert_int_equal(pl_capture_eth(&r, hdr, &off), 60);
	assert_int_equal(hdr[12] << 8 | hdr[13], 0x86dd);
	r.linktype = 228;
	assert_int_equal(pl_capture_eth(&r, hdr, &off), 60);
	assert_int_equal(hdr[12] << 8 | hdr[13], 0x0800);
}

static void
test_null_and_loop_read_the_family_in_either_byte_order(void **state)
{
	static const uint32_t fam[] = { 0x00000002, 0x02000000, 0x0000001c, 0x1e000000,
					0x0000000a };
	static const uint16_t want[] = { 0x0800, 0x0800, 0x86dd, 0x86dd, 0x86dd };
	uint8_t rec[4 + 40], hdr[14];
	unsigned int i;
	uint32_t off;

	(void)state;
	for (i = 0; i < RTE_DIM(fam); i++) {
		struct pl_capture_rec r = { .data = rec, .caplen = sizeof(rec),
					    .linktype = i % 2 ? 0 : 108 };
		uint32_t be = rte_cpu_to_be_32(fam[i]);

		memcpy(rec, &be, 4);
		memcpy(rec + 4, ip6, 40);
		assert_int_equal(pl_capture_eth(&r, hdr, &off), 60);
		assert_int_equal(off, 4);
		assert_int_equal(hdr[12] << 8 | hdr[13], want[i]);
	}
}

static void
test_cooked_v1_and_v2_take_the_protocol_field(void **state)
{
	uint8_t v1[16 + 40] = { 0 }, v2[20 + 40] = { 0 }, hdr[14];
	struct pl_capture_rec r1 = { .data = v1, .caplen = sizeof(v1), .linktype = 113 };
	struct pl_capture_rec r2 = { .data = v2, .caplen = sizeof(v2), .linktype = 276 };
	uint32_t off;

	(void)state;
	v1[14] = 0x86;
	v1[15] = 0xdd;
	v2[0] = 0x81; /* a VLAN tag kept by the capture stays a VLAN tag */
	v2[1] = 0x00;
	assert_int_equal(pl_capture_eth(&r1, hdr, &off), 60); /* 14 + 40, padded */
	assert_int_equal(off, 16);
	assert_int_equal(hdr[12] << 8 | hdr[13], 0x86dd);
	assert_int_equal(pl_capture_eth(&r2, hdr, &off), 60);
	assert_int_equal(off, 20);
	assert_int_equal(hdr[12] << 8 | hdr[13], 0x8100);
}

/* pcapng: section, an interface with if_tsresol 2^-10 and if_tsoffset 100 s, one packet. */
static void
test_pcapng_binary_resolution_and_offset(void **state)
{
	struct pl_capture_rec r;
	struct pl_capture *c;
	uint64_t units = (5ull << 10) | 512; /* 5.5 s in 2^-10 s */

	(void)state;
	blen = 0;
	put32(0x0a0d0d0a); put32(28); put32(0x1a2b3c4d); put32(1); put32(0xffffffff);
	put32(0xffffffff); put32(28);
	put32(1); put32(44); put32(101); put32(0);
	put32(9 | 1 << 16); put32(0x8a);            /* if_tsresol: 2^-10 */
	put32(14 | 8 << 16); put32(100); put32(0);  /* if_tsoffset: 100 s */
	put32(0); put32(44);
	put32(6); put32(32 + 20); put32(0); put32((uint32_t)(units >> 32)); put32((uint32_t)units);
	put32(20); put32(20); put(ip4, 20); put32(32 + 20);
	c = open_buf();
	assert_int_equal(pl_capture_next(c, &r), 1);
	assert_int_equal(r.linktype, 101);
	assert_int_equal(r.caplen, 20);
	assert_true(r.ts_ns == 105500000000ull);
	assert_int_equal(pl_capture_next(c, &r), 0);
	pl_capture_close(c);
}

static void
test_unsupported_link_type_is_refused_in_one_line(void **state)
{
	char err[512];

	(void)state;
	pcap_header(105, 0);
	pcap_record(1, 0, ip4, 20);
	assert_null(pl_capture_open_mem(buf, blen, "wifi.pcap", 0, err, sizeof(err)));
	assert_non_null(strstr(err, "wifi.pcap: link type 105 (IEEE802_11)"));
	assert_non_null(strstr(err, "tcprewrite --dlt=enet"));
	assert_null(strchr(err, '\n'));
}

static void
test_truncated_record_is_refused_unless_allowed(void **state)
{
	char err[512];
	struct pl_capture *c;
	struct pl_capture_rec r;

	(void)state;
	pcap_header(1, 0);
	pcap_record(1, 0, ip4, 20);
	pcap_record(2, 0, ip4, 20);
	blen -= 5;
	assert_null(pl_capture_open_mem(buf, blen, "cut.pcap", 0, err, sizeof(err)));
	assert_non_null(strstr(err, "truncated: record 2 at byte 60 needs 20 bytes, 15 are left"));
	c = pl_capture_open_mem(buf, blen, "cut.pcap", PL_CAPTURE_ALLOW_TRUNCATED, err,
				sizeof(err));
	assert_non_null(c);
	assert_int_equal(pl_capture_records(c), 1);
	assert_int_equal(pl_capture_next(c, &r), 1);
	assert_int_equal(pl_capture_next(c, &r), 0);
	assert_non_null(strstr(pl_capture_error(c), "analysing the 1 whole records"));
	pl_capture_close(c);
}

/* The mbuf path: frames, time in the RX timestamp field, bytes as documented. */
static void
test_burst_fills_mbufs_with_frames_and_time(void **state)
{
	struct rte_mempool *mp = rte_pktmbuf_pool_create("captest", 256, 0, 0,
							 RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	struct rte_mbuf *m[4];
	struct pl_capture *c;
	uint64_t flag;
	int off;
	uint16_t n;

	(void)state;
	assert_non_null(mp);
	pcap_header(228, 0);
	pcap_record(3, 1, ip4, 20);
	pcap_record(3, 2, ip4, 20);
	c = open_buf();
	n = pl_capture_burst(c, mp, m, 4);
	assert_int_equal(n, 2);
	assert_int_equal(rte_mbuf_dyn_rx_timestamp_register(&off, &flag), 0);
	assert_int_equal(m[0]->pkt_len, 60);
	assert_memory_equal(rte_pktmbuf_mtod_offset(m[0], uint8_t *, 14), ip4, 20);
	assert_int_equal(*rte_pktmbuf_mtod_offset(m[0], uint8_t *, 59), 0);
	assert_true(*RTE_MBUF_DYNFIELD(m[1], off, uint64_t *) == 3000002000ull);
	assert_true(m[1]->ol_flags & flag);
	rte_pktmbuf_free_bulk(m, n);
	assert_int_equal(pl_capture_burst(c, mp, m, 4), 0);
	assert_int_equal(pl_capture_done(c), 1);
	pl_capture_close(c);
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
	rte_mempool_free(mp);
}

/*
 * A capture with a snapshot length holds the first bytes of each frame: the mbuf holds
 * those, and is marked with the frame's length on the wire (the link header replaced as
 * for any frame of its link type, at most the longest record), which the parser checks
 * the IP length against: a TCP packet cut at 64 bytes is a whole TCP packet, not a
 * malformed one. Frames captured whole carry no mark.
 */
static void
test_snapshot_length_keeps_the_length_on_the_wire(void **state)
{
	struct rte_mempool *mp = rte_pktmbuf_pool_create("capsnap", 256, 0, 0,
							 RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	uint8_t eth[64] = { [12] = 0x08, [13] = 0x00 }, sll[16 + 50] = { [14] = 0x08 };
	struct pl_capture_progress pr;
	struct rte_mbuf *m[4];
	struct pl_capture *c;
	uint16_t n, k;

	(void)state;
	assert_non_null(mp);
	/* IPv4 (total length 1500), TCP (data offset 5), source 10.0.0.1 */
	memcpy(eth + 14, ip4, 20);
	eth[14 + 2] = 1500 >> 8;
	eth[14 + 3] = 1500 & 0xff;
	eth[14 + 9] = 6;
	eth[14 + 20 + 12] = 5 << 4;
	memcpy(sll + 16, eth + 14, 50);
	pcap_header(1, 0);
	pcap_record_cut(1, 0, eth, 64, 1514);      /* the Ethernet fast path */
	pcap_record(1, 1, eth, 60);
	pcap_record_cut(1, 2, eth, 64, 1u << 30);  /* a claim past any record */
	c = open_buf();
	n = pl_capture_burst(c, mp, m, 4);
	assert_int_equal(n, 3);
	assert_int_equal(rte_pktmbuf_pkt_len(m[0]), 64);
	assert_int_equal(rte_pktmbuf_data_len(m[0]), 64);
	assert_true(m[0]->ol_flags & pl_snap_flag);
	assert_int_equal(pl_frame_len(m[0]), 1514);
	assert_false(m[1]->ol_flags & pl_snap_flag);
	assert_int_equal(pl_frame_len(m[1]), 60);
	assert_int_equal(pl_frame_len(m[2]), PL_CAPTURE_MAX_RECORD);
	pl_capture_progress(c, &pr); /* the capture's port counts the frames on the wire */
	assert_true(pr.frame_bytes == 1514 + 60 + PL_CAPTURE_MAX_RECORD);
	pl_parse_burst(m, 1);
	assert_int_equal(pl_meta(m[0])->kind, PL_KIND_IP);
	assert_int_equal(pl_meta(m[0])->l4_proto, 6);
	assert_int_equal(pl_meta(m[0])->payload_len, 1500 - 40);
	rte_pktmbuf_free_bulk(m, n);
	pl_capture_close(c);

	/* Linux cooked v1 (16-byte header): the frame as Ethernet, on the wire 14 + 1500 */
	pcap_header(113, 0);
	pcap_record_cut(2, 0, sll, sizeof(sll), 16 + 1500);
	pcap_record(2, 1, sll, sizeof(sll));
	c = open_buf();
	n = pl_capture_burst(c, mp, m, 4);
	assert_int_equal(n, 2);
	assert_int_equal(rte_pktmbuf_pkt_len(m[0]), 64);
	assert_int_equal(pl_frame_len(m[0]), 14 + 1500);
	assert_false(m[1]->ol_flags & pl_snap_flag);
	pl_capture_progress(c, &pr);
	assert_true(pr.frame_bytes == 14 + 1500 + 64);
	for (k = 0; k < n; k++)
		pl_parse_burst(&m[k], 1);
	assert_int_equal(pl_meta(m[0])->kind, PL_KIND_IP);
	/* the same bytes captured whole claim 1500: past the frame, malformed */
	assert_int_equal(pl_meta(m[1])->kind, PL_KIND_MALFORMED);
	rte_pktmbuf_free_bulk(m, n);
	pl_capture_close(c);
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
	rte_mempool_free(mp);
}

/*
 * The reader takes mbufs raw from the pool and writes only what a received frame needs:
 * mbufs a worker used before (offsets moved, flags and types set, chained, then freed)
 * come out as a fresh received frame would, on the Ethernet fast path and the general one.
 */
static void
test_burst_mbufs_from_a_used_pool_are_set_as_received(void **state)
{
	static const unsigned int linktypes[] = { 1, 228 };
	struct rte_mempool *mp = rte_pktmbuf_pool_create("capused", 4, 0, 0,
							 RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	struct rte_mbuf *m[4], *fresh;
	uint8_t frame[60] = { 0 };
	uint16_t port;
	unsigned int t, i;
	uint64_t flag;
	int off;

	(void)state;
	assert_non_null(mp);
	fresh = rte_pktmbuf_alloc(mp);
	assert_non_null(fresh);
	port = fresh->port;
	rte_pktmbuf_free(fresh);
	assert_int_equal(rte_mbuf_dyn_rx_timestamp_register(&off, &flag), 0);
	memcpy(frame + 12, "\x08\x00", 2);
	memcpy(frame + 14, ip4, 20);
	for (t = 0; t < RTE_DIM(linktypes); t++) {
		struct pl_capture *c;

		/* every mbuf of the pool used and left as a worker may leave it */
		assert_int_equal(rte_pktmbuf_alloc_bulk(mp, m, 4), 0);
		for (i = 0; i < 4; i++) {
			m[i]->data_off = 7;
			m[i]->packet_type = RTE_PTYPE_L3_IPV4;
			m[i]->vlan_tci = 5;
			m[i]->vlan_tci_outer = 6;
			m[i]->ol_flags = RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_RSS_HASH;
			m[i]->port = 3;
			m[i]->pkt_len = m[i]->data_len = 1000;
		}
		m[0]->next = m[1];
		m[0]->nb_segs = 2;
		m[0]->pkt_len = 2000;
		rte_pktmbuf_free(m[0]);
		rte_pktmbuf_free_bulk(m + 2, 2);
		pcap_header(linktypes[t], 0);
		for (i = 0; i < 4; i++)
			pcap_record(3, i, t == 0 ? (const void *)frame : ip4, t == 0 ? 60 : 20);
		c = open_buf();
		assert_int_equal(pl_capture_burst(c, mp, m, 4), 4);
		for (i = 0; i < 4; i++) {
			assert_int_equal(m[i]->data_off, RTE_PKTMBUF_HEADROOM);
			assert_int_equal(m[i]->nb_segs, 1);
			assert_null(m[i]->next);
			assert_int_equal(rte_mbuf_refcnt_read(m[i]), 1);
			assert_int_equal(m[i]->packet_type, 0);
			assert_int_equal(m[i]->vlan_tci, 0);
			assert_int_equal(m[i]->vlan_tci_outer, 0);
			assert_int_equal(m[i]->port, port);
			assert_true(m[i]->ol_flags == flag);
			assert_int_equal(m[i]->pkt_len, 60);
			assert_int_equal(m[i]->data_len, 60);
			assert_memory_equal(rte_pktmbuf_mtod_offset(m[i], uint8_t *, 14), ip4, 20);
			assert_true(*RTE_MBUF_DYNFIELD(m[i], off, uint64_t *) == 3000000000ull + i * 1000);
		}
		rte_pktmbuf_free_bulk(m, 4);
		pl_capture_close(c);
	}
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
	rte_mempool_free(mp);
}

/* A pcap file of @p n Ethernet records of varied lengths (some longer than an mbuf, one
 * longer than the reader's window) in a byte order, written to a temporary file. The
 * records' bytes are a function of (record, offset); @p lens gets their lengths. */
static char *
write_varied(unsigned int n, int big_endian, uint32_t *lens, size_t *size)
{
	static char path[64];
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1 };
	uint8_t *rec = malloc(PL_CAPTURE_MAX_RECORD);
	int fd = mkstemp(strcpy(path, "/tmp/pl-test-capture-XXXXXX"));
	FILE *f = fd < 0 ? NULL : fdopen(fd, "wb");
	unsigned int i, k;

	assert_non_null(f);
	assert_non_null(rec);
	for (k = 0; k < 6 && big_endian; k++)
		hdr[k] = k == 1 ? 0x04000200 : __builtin_bswap32(hdr[k]); /* two 16-bit fields */
	fwrite(hdr, 4, 6, f);
	*size = 24;
	for (i = 0; i < n; i++) {
		uint32_t len = 60 + (i * 7919u) % 1500, rh[4];

		if (i % 97 == 5)
			len = 3000 + i; /* chained */
		if (i == n / 2)
			len = PL_CAPTURE_MAX_RECORD; /* longer than the window */
		lens[i] = len;
		rh[0] = 1700000000 + i;
		rh[1] = i;
		rh[2] = len;
		rh[3] = len;
		for (k = 0; k < 4; k++)
			rh[k] = big_endian ? __builtin_bswap32(rh[k]) : rh[k];
		for (k = 0; k < len; k++)
			rec[k] = (uint8_t)(i * 31 + k);
		fwrite(rh, 4, 4, f);
		fwrite(rec, 1, len, f);
		*size += 16 + len;
	}
	fclose(f);
	free(rec);
	return path;
}

/* Check the mbufs of a file written by write_varied(), from record @p first on. */
static void
check_varied(struct rte_mbuf **m, uint16_t n, unsigned int first, const uint32_t *lens,
	     int ts_off)
{
	uint16_t j;

	for (j = 0; j < n; j++) {
		unsigned int i = first + j, k = 0;
		const struct rte_mbuf *seg;

		assert_int_equal(m[j]->pkt_len, lens[i]);
		assert_true(*RTE_MBUF_DYNFIELD(m[j], ts_off, uint64_t *) ==
			    (1700000000ull + i) * 1000000000ull + i * 1000ull);
		for (seg = m[j]; seg; seg = seg->next) {
			const uint8_t *d = rte_pktmbuf_mtod(seg, const uint8_t *);
			uint16_t b;

			for (b = 0; b < seg->data_len; b++, k++)
				if (d[b] != (uint8_t)(i * 31 + k))
					fail_msg("record %u byte %u: %u", i, k, d[b]);
		}
		assert_int_equal(k, lens[i]);
	}
}

/* Read bursts from @p c until @p until records (from @p got on) or the end, checking each
 * record against write_varied()'s; the records read in all. */
static unsigned int
read_varied(struct pl_capture *c, struct rte_mempool *mp, const uint32_t *lens, int ts_off,
	    unsigned int got, unsigned int until)
{
	struct rte_mbuf *m[32];
	uint16_t n;

	while (got < until && (n = pl_capture_burst(c, mp, m, 32)) > 0) {
		check_varied(m, n, got, lens, ts_off);
		got += n;
		rte_pktmbuf_free_bulk(m, n);
	}
	return got;
}

/* A plain file is read through a window that slides and refills, mapped (in one chunk, in
 * chunks of three pages, smaller than the longest record, or whole with the readahead
 * helper) or read(): every record comes out whole and in order, in either byte order,
 * across refills and chunk boundaries, chained when longer than an mbuf, and one longer
 * than the window itself. */
static void
test_plain_file_streams_every_record_whole(void **state)
{
	enum { N = 3000 };
	static uint32_t lens[N];
	struct rte_mempool *mp = rte_pktmbuf_pool_create("capfile", 512, 0, 0,
							 RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	struct pl_capture_progress pr;
	char err[512];
	int be, off;
	uint64_t flag;

	(void)state;
	assert_non_null(mp);
	assert_int_equal(rte_mbuf_dyn_rx_timestamp_register(&off, &flag), 0);
	for (be = 0; be < 8; be++) {
		size_t size;
		const char *path = write_varied(N, be & 1, lens, &size);
		struct pl_capture *c;

		pl_capture_map_chunk(be >> 1 == 1 ? 3 * 4096 : 0);
		c = pl_capture_open(&path, 1, be >> 1 == 2 ? PL_CAPTURE_READ :
				    be >> 1 == 3 ? PL_CAPTURE_READAHEAD : 0, err, sizeof(err));

		if (c == NULL)
			fail_msg("%s", err);
		assert_int_equal(read_varied(c, mp, lens, off, 0, N), N);
		assert_int_equal(pl_capture_done(c), 1);
		pl_capture_progress(c, &pr);
		assert_true(pr.bytes_done == size && pr.bytes_total == size && pr.records == N);
		pl_capture_close(c);
		unlink(path);
	}
	pl_capture_map_chunk(0);
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
	rte_mempool_free(mp);
}

/* PL_CAPTURE_PROBE: no measurement on a file under PL_CAPTURE_PROBE_MIN bytes (mapped, as
 * without the flag); one on the first file large enough, taken once a process, whose rule
 * (read() when a fifth cheaper) decides; every record comes out whole either way. */
static void
test_probe_measures_once_on_a_large_file(void **state)
{
	enum { SMALL = 3000, LARGE = 12000 };
	static uint32_t lens[LARGE];
	struct rte_mempool *mp = rte_pktmbuf_pool_create("capprobe", 512, 0, 0,
							 RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	struct pl_capture_probe p, again;
	unsigned int round, n;
	char err[512];
	uint64_t flag;
	int off;

	(void)state;
	assert_non_null(mp);
	assert_int_equal(rte_mbuf_dyn_rx_timestamp_register(&off, &flag), 0);
	for (round = 0; round < 3; round++) {
		size_t size;
		const char *path;
		struct pl_capture *c;

		n = round == 0 ? SMALL : LARGE;
		path = write_varied(n, 0, lens, &size);
		assert_true(round == 0 ? size < PL_CAPTURE_PROBE_MIN : size >= PL_CAPTURE_PROBE_MIN);
		c = pl_capture_open(&path, 1, PL_CAPTURE_PROBE, err, sizeof(err));
		if (c == NULL)
			fail_msg("%s", err);
		pl_capture_probe_get(round < 2 ? &p : &again);
		if (round == 0) {
			assert_int_equal(p.done, 0);
		} else {
			assert_int_equal(p.done, 1);
			assert_true(p.map_cycles > 0 && p.read_cycles > 0);
			assert_int_equal(p.read, p.read_cycles * 5 < p.map_cycles * 4);
		}
		if (round == 2) /* not measured again */
			assert_memory_equal(&p, &again, sizeof(p));
		assert_int_equal(read_varied(c, mp, lens, off, 0, n), n);
		assert_int_equal(pl_capture_done(c), 1);
		pl_capture_close(c);
		unlink(path);
	}
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
	rte_mempool_free(mp);
}

/* Readahead (PL_CAPTURE_READAHEAD): the helper fills a file's mapping in a window ahead of
 * the reader, even before it starts, and no further; empties it behind the reader as it
 * goes; and every record still comes out whole and in order. The window is made small
 * (64 KiB ahead, 16 KiB behind) so that a 3000-record file takes many steps. */
static void
test_readahead_fills_ahead_of_the_reader_and_empties_behind(void **state)
{
	enum { N = 3000 };
	static uint32_t lens[N];
	struct rte_mempool *mp = rte_pktmbuf_pool_create("capahead", 512, 0, 0,
							 RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	struct pl_capture_ahead_stats st, none;
	struct pl_capture_progress pr;
	char err[512];
	size_t size;
	const char *path = write_varied(N, 0, lens, &size);
	struct pl_capture *c;
	unsigned int got;
	uint64_t flag;
	int off;

	(void)state;
	assert_non_null(mp);
	assert_int_equal(rte_mbuf_dyn_rx_timestamp_register(&off, &flag), 0);
	assert_true(size > (1u << 20));
	pl_capture_readahead_window(64u << 10, 16u << 10);
	c = pl_capture_open(&path, 1, PL_CAPTURE_READAHEAD, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	/* before the first burst: the window from the start, exactly */
	pl_capture_ahead_settle(c, &st);
	assert_int_equal(st.populated, 64u << 10);
	assert_int_equal(st.dropped, 0);
	got = read_varied(c, mp, lens, off, 0, N / 2);
	/* half way: more filled in, and what lies behind the reader (less the 16 KiB kept)
	 * emptied, none of what is ahead of it */
	pl_capture_ahead_settle(c, &st);
	pl_capture_progress(c, &pr);
	assert_true(st.populated > 64u << 10);
	assert_true(st.dropped > 0);
	assert_true(st.dropped + (16u << 10) <= pr.bytes_done);
	assert_int_equal(read_varied(c, mp, lens, off, got, N), N);
	assert_int_equal(pl_capture_done(c), 1);
	pl_capture_close(c);
	/* without the flag there is no helper */
	c = pl_capture_open(&path, 1, 0, err, sizeof(err));
	assert_non_null(c);
	pl_capture_ahead_settle(c, &none);
	assert_true(none.populated == 0 && none.dropped == 0);
	pl_capture_close(c);
	pl_capture_readahead_window(0, 0);
	unlink(path);
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
	rte_mempool_free(mp);
}

/* A file that another program cuts shorter while it is mapped (a capture rewritten in
 * place): the pages past its new end would raise SIGBUS; the reader instead stops the
 * capture with one line that says so and loses no mbuf; the frames before the cut come out
 * as they were. With the file in one chunk and in chunks of three pages (mapped after the
 * cut too), cut inside the last page (no SIGBUS: read as zeros, found by the size), and
 * cut then written on with other bytes (what the reader takes for damage is the cut), and
 * mapped whole with the readahead helper's pages filled in past the cut. */
static void
test_a_file_cut_while_mapped_is_refused_not_a_crash(void **state)
{
	enum { N = 3000 };
	static uint32_t lens[N];
	struct rte_mempool *mp = rte_pktmbuf_pool_create("capcut", 512, 0, 0,
							 RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	struct rte_mbuf *m[32];
	char err[512];
	int small, off;
	uint64_t flag;

	(void)state;
	assert_non_null(mp);
	assert_int_equal(rte_mbuf_dyn_rx_timestamp_register(&off, &flag), 0);
	for (small = 0; small < 5; small++) {
		size_t size, cut;
		uint64_t at = 24;
		unsigned int whole = 0;
		const char *path = write_varied(N, 0, lens, &size);
		struct pl_capture *c;
		unsigned int got = 0;
		uint16_t n;
		int fd;

		cut = small == 2 ? size - 100 : size / 3;
		while (whole < N && at + 16 + lens[whole] <= cut)
			at += 16 + lens[whole++];
		pl_capture_map_chunk(small == 1 ? 3 * 4096 : 0);
		c = pl_capture_open(&path, 1, small == 4 ? PL_CAPTURE_READAHEAD : 0, err,
				    sizeof(err));
		if (c == NULL)
			fail_msg("%s", err);
		n = pl_capture_burst(c, mp, m, 32);
		assert_int_equal(n, 32);
		if (small == 4) {
			/* the helper has filled in the pages past the cut before it */
			struct pl_capture_ahead_stats st;

			pl_capture_ahead_settle(c, &st);
			assert_true(st.populated >= cut);
		}
		check_varied(m, n, 0, lens, off);
		got += n;
		rte_pktmbuf_free_bulk(m, n);
		fd = open(path, O_WRONLY);
		assert_true(fd >= 0);
		assert_int_equal(ftruncate(fd, (off_t)cut), 0);
		if (small == 3) {
			/* bytes that claim impossible record lengths, up to half the size */
			static uint8_t junk[4096];

			memset(junk, 0x7f, sizeof(junk));
			while ((size_t)lseek(fd, 0, SEEK_END) < size / 2)
				assert_int_equal(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
		}
		close(fd);
		while ((n = pl_capture_burst(c, mp, m, 32)) > 0) {
			/* the records whole before the cut are as written */
			check_varied(m, RTE_MIN(n, (uint16_t)(whole > got ? whole - got : 0)), got,
				     lens, off);
			got += n;
			rte_pktmbuf_free_bulk(m, n);
		}
		assert_int_equal(pl_capture_done(c), -1);
		if (strstr(pl_capture_error(c), "got shorter while being read") == NULL ||
		    strchr(pl_capture_error(c), '\n') != NULL)
			fail_msg("'%s'", pl_capture_error(c));
		pl_capture_close(c);
		unlink(path);
	}
	pl_capture_map_chunk(0);
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
	rte_mempool_free(mp);
}

/* Damage past the first record of a file is found when the reader reaches it: the records
 * before it come out, then the capture stops with the record, its byte and the advice. */
static void
test_damage_in_a_file_stops_the_reader_where_it_is(void **state)
{
	enum { N = 600, BAD = 400 };
	static uint32_t lens[N];
	struct rte_mempool *mp = rte_pktmbuf_pool_create("capbad", 512, 0, 0,
							 RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	struct rte_mbuf *m[32];
	char err[512], want[128];
	uint32_t bad = 0x7fffffff;
	uint64_t at = 24, flag;
	unsigned int i, got = 0;
	size_t size;
	const char *path = write_varied(N, 0, lens, &size);
	struct pl_capture *c;
	int fd, off;
	uint16_t n;

	(void)state;
	assert_non_null(mp);
	assert_int_equal(rte_mbuf_dyn_rx_timestamp_register(&off, &flag), 0);
	for (i = 0; i < BAD; i++)
		at += 16 + lens[i];
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &bad, 4, (off_t)at + 8), 4);
	close(fd);
	c = pl_capture_open(&path, 1, 0, err, sizeof(err));
	if (c == NULL)
		fail_msg("refused at open: %s", err);
	while ((n = pl_capture_burst(c, mp, m, 32)) > 0) {
		check_varied(m, n, got, lens, off);
		got += n;
		rte_pktmbuf_free_bulk(m, n);
	}
	assert_int_equal(got, BAD);
	assert_int_equal(pl_capture_done(c), -1);
	snprintf(want, sizeof(want), "damaged: record %u at byte %" PRIu64 " claims", BAD + 1, at);
	if (strstr(pl_capture_error(c), want) == NULL)
		fail_msg("'%s' lacks '%s'", pl_capture_error(c), want);
	pl_capture_close(c);
	unlink(path);
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
	rte_mempool_free(mp);
}

static int
setup(void **state)
{
	(void)state;
	return pl_test_eal_init("capture");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcap_microseconds_and_nanoseconds_give_ns),
		cmocka_unit_test(test_raw_ip_becomes_a_padded_ethernet_frame),
		cmocka_unit_test(test_ipv4_and_ipv6_link_types_follow_the_version_nibble),
		cmocka_unit_test(test_null_and_loop_read_the_family_in_either_byte_order),
		cmocka_unit_test(test_cooked_v1_and_v2_take_the_protocol_field),
		cmocka_unit_test(test_pcapng_binary_resolution_and_offset),
		cmocka_unit_test(test_unsupported_link_type_is_refused_in_one_line),
		cmocka_unit_test(test_truncated_record_is_refused_unless_allowed),
		cmocka_unit_test(test_burst_fills_mbufs_with_frames_and_time),
		cmocka_unit_test(test_burst_mbufs_from_a_used_pool_are_set_as_received),
		cmocka_unit_test(test_snapshot_length_keeps_the_length_on_the_wire),
		cmocka_unit_test(test_plain_file_streams_every_record_whole),
		cmocka_unit_test(test_probe_measures_once_on_a_large_file),
		cmocka_unit_test(test_readahead_fills_ahead_of_the_reader_and_empties_behind),
		cmocka_unit_test(test_a_file_cut_while_mapped_is_refused_not_a_crash),
		cmocka_unit_test(test_damage_in_a_file_stops_the_reader_where_it_is),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
