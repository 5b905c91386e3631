/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link types: which are read, their names, and the Ethernet frame each record stands for.
 * A record that is not Ethernet becomes the frame it would have been on an Ethernet wire:
 * zero addresses, the ethertype its own link header (cooked, NULL/LOOP) or its IP version
 * nibble (raw IP) names, its network-layer bytes, padding to 60 bytes. The parser then
 * sees every capture alike, and `bytes` of the same traffic captured as Ethernet and as
 * cooked or raw IP agree (docs/operator-guide.md, "Link types").
 */
#include <stdio.h>
#include <string.h>

#include "capture_priv.h"

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd

/* Link types portlens does not read, named in its refusal (LINKTYPE_ values). */
#define OTHER_LINKTYPES(X) \
	X(6, IEEE802_5) X(9, PPP) X(10, FDDI) X(50, PPP_HDLC) X(51, PPP_ETHER) \
	X(104, C_HDLC) X(105, IEEE802_11) X(107, FRELAY) X(119, IEEE802_11_PRISM) \
	X(127, IEEE802_11_RADIOTAP) X(143, DOCSIS) X(147, USER0) X(189, USB_LINUX) \
	X(192, PPI) X(195, IEEE802_15_4) X(201, BLUETOOTH_HCI_H4_WITH_PHDR) \
	X(204, PPP_PPPD) X(220, USB_LINUX_MMAPPED) X(249, USBPCAP) X(239, NFLOG) \
	X(253, NETLINK) X(263, ZWAVE_R1_R2)

int
cap_linktype_ok(uint32_t linktype)
{
	switch (linktype) {
#define X(v, name) case v:
	PL_CAPTURE_LINKTYPES(X)
#undef X
		return 1;
	default:
		return 0;
	}
}

const char *
pl_capture_linktype_name(uint32_t linktype)
{
	switch (linktype) {
#define X(v, name) case v: return #name;
	PL_CAPTURE_LINKTYPES(X)
	OTHER_LINKTYPES(X)
#undef X
	default:
		return NULL;
	}
}

int
cap_linktype_refuse(struct cap_file *f, uint32_t linktype, const char *where)
{
	const char *name = pl_capture_linktype_name(linktype);

	return cap_fail(f, "link type %u%s%s%s %s is not one portlens reads (Ethernet, Linux "
			"cooked v1/v2, raw IP, IPv4, IPv6, NULL, LOOP); convert the capture to "
			"Ethernet first, e.g. tcprewrite --dlt=enet -i FILE -o OUT.pcap",
			linktype, name ? " (" : "", name ? name : "", name ? ")" : "", where);
}

static inline uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* NULL/LOOP: the address family, written in either byte order. */
static uint16_t
family_type(const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];

	if (v > 0xffff)
		v = __builtin_bswap32(v);
	switch (v) {
	case 2:
		return ETH_IPV4;
	case 10: /* Linux */
	case 24: /* NetBSD, OpenBSD */
	case 28: /* FreeBSD */
	case 30: /* macOS */
		return ETH_IPV6;
	default:
		return 0; /* not IP: counted as non-IP */
	}
}

uint32_t
pl_capture_eth(const struct pl_capture_rec *r, uint8_t hdr[14], uint32_t *off)
{
	const uint8_t *d = r->data;
	uint32_t n = r->caplen, hl;
	uint16_t type;

	switch (r->linktype) {
	case 1: /* ETHERNET */
		*off = 0;
		return n;
	case 0: /* NULL */
	case 108: /* LOOP */
		hl = 4;
		if (n <= hl)
			goto empty;
		type = family_type(d);
		break;
	case 113: /* LINUX_SLL: ..., protocol at 14 */
		hl = 16;
		if (n <= hl)
			goto empty;
		type = be16(d + 14);
		break;
	case 276: /* LINUX_SLL2: protocol first */
		hl = 20;
		if (n <= hl)
			goto empty;
		type = be16(d);
		break;
	case 228: /* IPV4 */
	case 229: /* IPV6 */
		/* the version nibble says, as for raw IP: tcpdump reads an IPv6 packet in an
		 * IPV4 capture, or the reverse, as what it is (tshark the first) */
		hl = 0;
		type = n && (d[0] >> 4) == 6 ? ETH_IPV6 :
		       n && (d[0] >> 4) == 4 ? ETH_IPV4 :
		       r->linktype == 228 ? ETH_IPV4 : ETH_IPV6;
		break;
	default: /* RAW, RAW12, RAW14: the version nibble says */
		hl = 0;
		type = n && (d[0] >> 4) == 6 ? ETH_IPV6 : ETH_IPV4;
		break;
	}
	if (n <= hl)
		goto empty;
	memset(hdr, 0, 12);
	hdr[12] = (uint8_t)(type >> 8);
	hdr[13] = (uint8_t)type;
	*off = hl;
	return RTE_MAX(14 + n - hl, PL_CAPTURE_MIN_FRAME);
empty:
	*off = n;
	return 0;
}
