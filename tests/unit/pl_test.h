/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the unit test programs share: starting a real EAL with no hugepages (so several test
 * programs run side by side), and a tiny frame builder that lays out Ethernet, VLAN, IPv4,
 * IPv6 (with extension headers), TCP, UDP and ICMP headers byte by byte in network order, so
 * tests describe their frames in a few lines and then corrupt single fields.
 */
#ifndef PL_TEST_H
#define PL_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_eal.h>

/* The EAL's runtime folder for this program's prefix: removed at exit once empty (the
 * EAL leaves it; every test run would leave one more). */
static char pl_test_eal_dir[256];

static inline void
pl_test_eal_dir_remove(void)
{
	if (pl_test_eal_dir[0] != '\0')
		rmdir(pl_test_eal_dir);
}

/*
 * Start the EAL for test program @p name on the lcores @p lcores (the EAL's --lcores form,
 * lcore 0 the main one): no hugepages, no PCI, no shared config, a file prefix unique to
 * this process, its runtime folder removed at exit. Returns 0 or -1.
 */
static inline int
pl_test_eal_start(const char *name, const char *lcores)
{
	char prefix[64];
	char *argv[] = {
		(char *)"pltest", (char *)"--no-huge", (char *)"-m", (char *)"256",
		(char *)"--no-pci", (char *)"--no-shconf", prefix, (char *)"--log-level=error",
		(char *)"--lcores", (char *)(uintptr_t)lcores, (char *)"--main-lcore", (char *)"0",
		NULL,
	};
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;

	snprintf(prefix, sizeof(prefix), "--file-prefix=pltest-%s-%d", name, (int)getpid());
	/* before rte_eal_init(): runs after the EAL's own exit handlers (telemetry's socket) */
	atexit(pl_test_eal_dir_remove);
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "%s: rte_eal_init failed\n", name);
		return -1;
	}
	snprintf(pl_test_eal_dir, sizeof(pl_test_eal_dir), "%s", rte_eal_get_runtime_dir());
	return 0;
}

/* The EAL for test program @p name on one lcore (cmocka group setup convention). */
static inline int
pl_test_eal_init(const char *name)
{
	return pl_test_eal_start(name, "0");
}

/* A frame under construction. */
struct pl_fb {
	uint8_t b[16384];
	uint32_t len;
};

static inline void
fb_u8(struct pl_fb *f, uint8_t v)
{
	f->b[f->len++] = v;
}

static inline void
fb_u16(struct pl_fb *f, uint16_t v)
{
	fb_u8(f, (uint8_t)(v >> 8));
	fb_u8(f, (uint8_t)v);
}

static inline void
fb_put16(struct pl_fb *f, uint32_t off, uint16_t v)
{
	f->b[off] = (uint8_t)(v >> 8);
	f->b[off + 1] = (uint8_t)v;
}

static inline void
fb_bytes(struct pl_fb *f, const void *p, uint32_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static inline void
fb_zero(struct pl_fb *f, uint32_t n)
{
	memset(f->b + f->len, 0, n);
	f->len += n;
}

/* Start a frame: MAC addresses, one tag per TPID in @p tpids (VID = index + 1), ethertype. */
static inline void
fb_eth(struct pl_fb *f, const uint16_t *tpids, int ntags, uint16_t ethertype)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
	int i;

	memset(f, 0, sizeof(*f));
	fb_bytes(f, macs, sizeof(macs));
	for (i = 0; i < ntags; i++) {
		fb_u16(f, tpids[i]);
		fb_u16(f, (uint16_t)(i + 1));
	}
	fb_u16(f, ethertype);
}

/*
 * IPv4 header with @p opt_bytes of options (a multiple of 4, NOPs), @p frag the flags and
 * fragment offset field. Total length is 0 until fb_ipv4_done(). Returns the header offset.
 */
static inline uint32_t
fb_ipv4(struct pl_fb *f, uint8_t proto, uint32_t src, uint32_t dst, uint32_t opt_bytes,
	uint16_t frag)
{
	uint32_t off = f->len, i;

	fb_u8(f, (uint8_t)(0x40 | ((20 + opt_bytes) / 4)));
	fb_u8(f, 0);
	fb_u16(f, 0);
	fb_u16(f, 0x1234);
	fb_u16(f, frag);
	fb_u8(f, 64);
	fb_u8(f, proto);
	fb_u16(f, 0);
	fb_u16(f, (uint16_t)(src >> 16));
	fb_u16(f, (uint16_t)src);
	fb_u16(f, (uint16_t)(dst >> 16));
	fb_u16(f, (uint16_t)dst);
	for (i = 0; i < opt_bytes; i++)
		fb_u8(f, 1);
	return off;
}

/* Set the IPv4 total length to cover everything from @p ip to the current end. */
static inline void
fb_ipv4_done(struct pl_fb *f, uint32_t ip)
{
	fb_put16(f, ip + 2, (uint16_t)(f->len - ip));
}

/* IPv6 header; payload length 0 until fb_ipv6_done(). Returns the header offset. */
static inline uint32_t
fb_ipv6(struct pl_fb *f, uint8_t nh, const uint8_t *src, const uint8_t *dst)
{
	uint32_t off = f->len;

	fb_u8(f, 0x60);
	fb_u8(f, 0);
	fb_u16(f, 0);
	fb_u16(f, 0);
	fb_u8(f, nh);
	fb_u8(f, 64);
	fb_bytes(f, src, 16);
	fb_bytes(f, dst, 16);
	return off;
}

static inline void
fb_ipv6_done(struct pl_fb *f, uint32_t ip)
{
	fb_put16(f, ip + 4, (uint16_t)(f->len - ip - 40));
}

/* A generic IPv6 extension header of (hdrlen + 1) * 8 bytes. */
static inline void
fb_ipv6_ext(struct pl_fb *f, uint8_t nh, uint8_t hdrlen)
{
	fb_u8(f, nh);
	fb_u8(f, hdrlen);
	fb_zero(f, (uint32_t)(hdrlen + 1) * 8 - 2);
}

/* An IPv6 fragment header: offset in 8-byte units, M flag. */
static inline void
fb_ipv6_frag(struct pl_fb *f, uint8_t nh, uint16_t offset, int more)
{
	fb_u8(f, nh);
	fb_u8(f, 0);
	fb_u16(f, (uint16_t)((offset << 3) | (more ? 1 : 0)));
	fb_u16(f, 0xabcd);
	fb_u16(f, 0x0001);
}

/* TCP header of @p doff 32-bit words (options are NOPs), then @p payload zero bytes. */
static inline void
fb_tcp(struct pl_fb *f, uint16_t sport, uint16_t dport, uint8_t flags, uint8_t doff,
       uint32_t payload)
{
	uint32_t i;

	fb_u16(f, sport);
	fb_u16(f, dport);
	fb_u16(f, 0);
	fb_u16(f, 1);
	fb_u16(f, 0);
	fb_u16(f, 0);
	fb_u8(f, (uint8_t)(doff << 4));
	fb_u8(f, flags);
	fb_u16(f, 65535);
	fb_u16(f, 0);
	fb_u16(f, 0);
	for (i = 20; i < (uint32_t)doff * 4; i++)
		fb_u8(f, 1);
	fb_zero(f, payload);
}

/* UDP header with a length covering itself and @p payload bytes, then the payload. */
static inline void
fb_udp(struct pl_fb *f, uint16_t sport, uint16_t dport, uint32_t payload)
{
	fb_u16(f, sport);
	fb_u16(f, dport);
	fb_u16(f, (uint16_t)(8 + payload));
	fb_u16(f, 0);
	fb_zero(f, payload);
}

/* ICMP / ICMPv6 header (type, code, checksum), 4 more header bytes and a payload. */
static inline void
fb_icmp(struct pl_fb *f, uint8_t type, uint32_t payload)
{
	fb_u8(f, type);
	fb_u8(f, 0);
	fb_u16(f, 0);
	fb_zero(f, payload);
}

/* Dotted quad as a host-order integer. */
#define PL_IP4(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

#endif /* PL_TEST_H */
