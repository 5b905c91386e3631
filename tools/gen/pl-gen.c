/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pl-gen: deterministic capture generator for portlens tests and benchmarks.
 *
 * Writes a pcap file (libpcap, Ethernet link type) with a known traffic mix. The same
 * arguments always give a byte-identical file: all randomness comes from one seeded
 * splitmix64 stream and nothing depends on the clock or the host. The integration tests do
 * not trust the generator's own idea of what it wrote; they compute the truth from tshark.
 *
 * Mixes (see usage()):
 *   mixed         every kind of frame portlens must handle, well-formed and malformed
 *   random-ports  IPv4 TCP/UDP, half in / half out, uniformly random destination ports
 *   imix          7:4:1 of 64/594/1518-byte frames on the wire, written without the 4-byte
 *                 FCS (DESIGN.md: bytes = frame as received, no FCS), i.e. 60/590/1514 bytes
 *   imix-flows    the imix sizes over 4096 recurring flows, every frame with data (the
 *                 benchmark mix for payload scanning: only a flow's first packets are scanned)
 *   min64         60-byte (64 with FCS) TCP/UDP frames spread over 65536 flows
 *   finmark       200 users on 10.0.x.y talking to 443 (TLS), 8080 (HTTP) and 5432
 *                 (PostgreSQL) backends with full TCP lifecycles, rejects, unanswered SYNs
 *                 and resets
 *   policy        FinMark-like traffic that is clean by policy (TLS on 443 and 8080,
 *                 SSLRequest then TLS on 5432, DNS over UDP to a local resolver) plus planted
 *                 findings on distinct addresses: unauthorized ports, cleartext HTTP and
 *                 PostgreSQL, card numbers, one source above the connection rate limit
 *   policy-clean  the same clean traffic without the planted findings
 *   sample        the bundled sample capture: FinMark traffic with customers outside on 443,
 *                 the policy mix's planted findings, a flooding client outside that resets
 *                 each connection once established, a little malformed traffic and ARP
 *   tunnels       the policy mix with every frame in a tunnel (VXLAN, Geneve, GRE, ERSPAN
 *                 II/III, IP-in-IP, MPLS); --encap wraps any mix the same way
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#define FRAME_MAX	9100	/* largest frame we ever build (jumbo tops out at 9000) */
#define ETH_MIN		60	/* Ethernet minimum without FCS: shorter frames get padded */
#define JUMBO_MAX	9000

#define ET_IPV4		0x0800
#define ET_ARP		0x0806
#define ET_VLAN		0x8100
#define ET_IPV6		0x86dd
#define ET_QINQ		0x88a8
#define ET_QINQ_OLD	0x9100

#define P_HOPOPT	0
#define P_ICMP		1
#define P_TCP		6
#define P_UDP		17
#define P_ROUTING	43
#define P_FRAGMENT	44
#define P_ICMPV6	58
#define P_DSTOPTS	60
#define P_EXPERIMENT	253	/* RFC 3692 experimental: the "other" L4 protocol */

#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_PSH		0x08
#define TH_ACK		0x10

/* ---------------------------------------------------------------------------------------- */
/* Random numbers                                                                           */

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform integer in [lo, hi] (inclusive); the modulo bias is irrelevant here. */
static uint32_t
rnd_range(uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rnd() % ((uint64_t)hi - lo + 1));
}

/* True with probability pct/100. */
static bool
rnd_pct(unsigned int pct)
{
	return rnd() % 100 < pct;
}

static void
rnd_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* ---------------------------------------------------------------------------------------- */
/* Output                                                                                   */

struct out {
	pcap_t *pd;
	pcap_dumper_t *dumper;
	bool nsec;
	uint64_t t_ns;		/* timestamp of the next frame */
	uint64_t period_ns;	/* mean gap between frames */
	uint64_t written;
};

static struct out out;

/*
 * Write one frame of len bytes at the current time, then advance the clock by the mean
 * period with +-50% jitter (so timestamps strictly increase at nanosecond precision and never
 * decrease at microsecond precision).
 */
static void
emit(const uint8_t *frame, size_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(out.t_ns / 1000000000ULL);
	/* A nanosecond-precision dumper reads tv_usec as nanoseconds. */
	if (out.nsec)
		h.ts.tv_usec = (suseconds_t)(out.t_ns % 1000000000ULL);
	else
		h.ts.tv_usec = (suseconds_t)(out.t_ns % 1000000000ULL / 1000);
	h.caplen = (bpf_u_int32)len;
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)out.dumper, &h, frame);
	out.written++;
	out.t_ns += out.period_ns / 2 + rnd() % (out.period_ns + 1);
}

/* ---------------------------------------------------------------------------------------- */
/* Addresses and ports                                                                      */

struct addr {
	int ver;		/* 4 or 6 */
	uint8_t a[16];		/* IPv4 in the first 4 bytes */
};

static void
v4(struct addr *x, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	memset(x, 0, sizeof(*x));
	x->ver = 4;
	x->a[0] = a;
	x->a[1] = b;
	x->a[2] = c;
	x->a[3] = d;
}

/* A local (RFC 1918) IPv4 address, from each of the three blocks. */
static void
v4_local(struct addr *x)
{
	switch (rnd() % 4) {
	case 0:
		v4(x, 10, (uint8_t)rnd(), (uint8_t)rnd(), (uint8_t)rnd_range(1, 254));
		break;
	case 1:
		v4(x, 172, (uint8_t)rnd_range(16, 31), (uint8_t)rnd(), (uint8_t)rnd_range(1, 254));
		break;
	case 2:
		v4(x, 192, 168, (uint8_t)rnd(), (uint8_t)rnd_range(1, 254));
		break;
	default:	/* the block edges */
		switch (rnd() % 3) {
		case 0: v4(x, 10, 255, 255, 254); break;
		case 1: v4(x, 172, 31, 255, 254); break;
		default: v4(x, 172, 16, 0, 1); break;
		}
	}
}

/* A public IPv4 address, including neighbours of the RFC 1918 blocks. */
static void
v4_public(struct addr *x)
{
	switch (rnd() % 6) {
	case 0: v4(x, 198, 51, 100, (uint8_t)rnd_range(1, 254)); break;
	case 1: v4(x, 203, 0, 113, (uint8_t)rnd_range(1, 254)); break;
	case 2: v4(x, 8, 8, 8, 8); break;
	case 3: v4(x, 1, 1, 1, 1); break;
	case 4: v4(x, 172, 32, 0, (uint8_t)rnd_range(1, 254)); break;
	default:
		switch (rnd() % 3) {
		case 0: v4(x, 172, 15, 255, 254); break;
		case 1: v4(x, 11, 0, 0, 1); break;
		default: v4(x, 192, 169, 0, 1); break;
		}
	}
}

/* A local IPv6 address: fd00::/8 mostly, fc00::/8 sometimes (both inside fc00::/7). */
static void
v6_local(struct addr *x)
{
	memset(x, 0, sizeof(*x));
	x->ver = 6;
	rnd_bytes(x->a, 16);
	x->a[0] = rnd_pct(80) ? 0xfd : 0xfc;
}

/* A public IPv6 address: 2001:db8::/32 mostly, and fe00::/8 just outside fc00::/7. */
static void
v6_public(struct addr *x)
{
	memset(x, 0, sizeof(*x));
	x->ver = 6;
	rnd_bytes(x->a, 16);
	if (rnd_pct(85)) {
		x->a[0] = 0x20;
		x->a[1] = 0x01;
		x->a[2] = 0x0d;
		x->a[3] = 0xb8;
	} else {
		x->a[0] = 0xfe;
		x->a[1] = 0x00;
	}
}

/* A source/destination pair of version ver in a random one of the four directions. */
static void
addr_pair(int ver, struct addr *src, struct addr *dst)
{
	bool src_local = rnd_pct(50), dst_local = rnd_pct(50);

	if (ver == 4) {
		src_local ? v4_local(src) : v4_public(src);
		dst_local ? v4_local(dst) : v4_public(dst);
	} else {
		src_local ? v6_local(src) : v6_public(src);
		dst_local ? v6_local(dst) : v6_public(dst);
	}
}

static const uint16_t well_known[] = { 22, 53, 80, 443, 5432, 8080 };
static const uint16_t edges[] = { 0, 1023, 1024, 49151, 49152, 65535 };

/* A destination port: well-known, a bin edge, or uniformly random. */
static uint16_t
port_pick(void)
{
	uint32_t r = (uint32_t)(rnd() % 10);

	if (r < 4)
		return well_known[rnd() % 6];
	if (r < 6)
		return edges[rnd() % 6];
	return (uint16_t)rnd();
}

/* ---------------------------------------------------------------------------------------- */
/* Frame building                                                                           */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * What to build. pkt_build() turns a spec into a well-formed frame; the malformed kinds
 * damage that frame afterwards.
 */
struct spec {
	int ntags;			/* VLAN tags: 0, 1 or 2 */
	uint16_t tpid[2];		/* outer first */
	uint16_t ethertype;		/* after the tags: ET_IPV4, ET_IPV6 or ET_ARP */
	struct addr src, dst;
	int v4_opt_words;		/* IPv4 options, 32-bit words (0-10) */
	uint16_t v4_frag;		/* IPv4 flags+offset field (MF = 0x2000) */
	int n_ext;			/* IPv6 extension headers before L4 */
	uint8_t ext[3];
	uint16_t v6_frag_off;		/* fragment header: offset in 8-byte units */
	bool v6_frag_m;			/* fragment header: more fragments */
	uint8_t l4;			/* P_TCP, P_UDP, P_ICMP(v6), P_EXPERIMENT */
	bool l4_header;			/* false: a later fragment, payload only */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint32_t seq, ack;
	const uint8_t *payload;		/* NULL: random bytes */
	size_t payload_len;
};

/* Offsets into a built frame, so damage can be done without re-parsing. */
struct built {
	size_t len;
	size_t l3;			/* start of the IP header */
	size_t l4;			/* start of the L4 header (or fragment payload) */
	size_t ext_first;		/* IPv6: start of the first extension header */
};

static void
eth_macs(uint8_t *f)
{
	static const uint8_t dmac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
	static const uint8_t smac[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x02 };

	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
}

/* Ethernet header and VLAN tags; returns where L3 starts. */
static size_t
l2_build(uint8_t *f, const struct spec *s)
{
	size_t o = 12;

	eth_macs(f);
	for (int i = 0; i < s->ntags; i++) {
		put16(f + o, s->tpid[i]);
		put16(f + o + 2, (uint16_t)rnd_range(1, 4094) | (uint16_t)(rnd() % 8) << 13);
		o += 4;
	}
	put16(f + o, s->ethertype);
	return o + 2;
}

/* L4 header and payload at f; returns its length. Checksums are filled in by the caller. */
static size_t
l4_build(uint8_t *f, const struct spec *s)
{
	size_t hl = 0;

	if (s->l4_header) {
		switch (s->l4) {
		case P_TCP:
			put16(f, s->sport);
			put16(f + 2, s->dport);
			put32(f + 4, s->seq);
			put32(f + 8, s->ack);
			f[12] = 5 << 4;
			f[13] = s->tcp_flags;
			put16(f + 14, 65535);
			put16(f + 16, 0);
			put16(f + 18, 0);
			hl = 20;
			break;
		case P_UDP:
			put16(f, s->sport);
			put16(f + 2, s->dport);
			put16(f + 4, (uint16_t)(8 + s->payload_len));
			put16(f + 6, 0);
			hl = 8;
			break;
		case P_ICMP:
		case P_ICMPV6:	/* echo request */
			f[0] = s->l4 == P_ICMP ? 8 : 128;
			f[1] = 0;
			put16(f + 2, 0);
			put16(f + 4, s->sport);
			put16(f + 6, s->dport);
			hl = 8;
			break;
		default:
			break;
		}
	}
	if (s->payload != NULL)
		memcpy(f + hl, s->payload, s->payload_len);
	else
		rnd_bytes(f + hl, s->payload_len);
	return hl + s->payload_len;
}

/* Checksum of the L4 header at f (len bytes) over the IP pseudo-header of s. */
static void
l4_csum(uint8_t *f, size_t len, const struct spec *s)
{
	uint8_t ph[40];
	size_t pl, at;
	uint32_t sum;

	if (!s->l4_header || s->v4_frag != 0 || s->v6_frag_m || s->v6_frag_off != 0)
		return;
	switch (s->l4) {
	case P_TCP: at = 16; break;
	case P_UDP: at = 6; break;
	case P_ICMP: at = 2; break;
	case P_ICMPV6: at = 2; break;
	default: return;
	}
	memset(ph, 0, sizeof(ph));
	if (s->src.ver == 4) {
		memcpy(ph, s->src.a, 4);
		memcpy(ph + 4, s->dst.a, 4);
		ph[9] = s->l4;
		put16(ph + 10, (uint16_t)len);
		pl = 12;
	} else {
		memcpy(ph, s->src.a, 16);
		memcpy(ph + 16, s->dst.a, 16);
		put32(ph + 32, (uint32_t)len);
		ph[39] = s->l4;
		pl = 40;
	}
	sum = s->l4 == P_ICMP ? 0 : csum_add(0, ph, pl);
	sum = csum_add(sum, f, len);
	put16(f + at, csum_fold(sum) == 0 && s->l4 == P_UDP ? 0xffff : csum_fold(sum));
}

/* IPv4 header at f with total length tot; returns the header length. */
static size_t
ipv4_build(uint8_t *f, const struct spec *s, size_t tot)
{
	size_t hl = 20 + 4 * (size_t)s->v4_opt_words;

	f[0] = (uint8_t)(0x40 | hl / 4);
	f[1] = 0;
	put16(f + 2, (uint16_t)tot);
	put16(f + 4, (uint16_t)rnd());
	put16(f + 6, s->v4_frag);
	f[8] = 64;
	f[9] = s->l4;
	put16(f + 10, 0);
	memcpy(f + 12, s->src.a, 4);
	memcpy(f + 16, s->dst.a, 4);
	/* Options: NOPs then one End of Options List, padded with zeros. */
	if (s->v4_opt_words > 0) {
		size_t nop = rnd() % (4 * (size_t)s->v4_opt_words);

		memset(f + 20, 0, hl - 20);
		memset(f + 20, 1, nop);
	}
	put16(f + 10, csum_fold(csum_add(0, f, hl)));
	return hl;
}

/* IPv6 extension headers of s at f, ending in next header l4; returns their total length. */
static size_t
ipv6_ext_build(uint8_t *f, const struct spec *s)
{
	size_t o = 0;

	for (int i = 0; i < s->n_ext; i++) {
		uint8_t nxt = i + 1 < s->n_ext ? s->ext[i + 1] : s->l4;
		uint8_t *h = f + o;

		h[0] = nxt;
		switch (s->ext[i]) {
		case P_FRAGMENT:
			h[1] = 0;
			put16(h + 2, (uint16_t)(s->v6_frag_off << 3 | (s->v6_frag_m ? 1 : 0)));
			put32(h + 4, (uint32_t)rnd());
			o += 8;
			break;
		case P_ROUTING:
			/* Type 0 with one address and no segments left: nothing to route. */
			h[1] = 2;
			h[2] = 0;
			h[3] = 0;
			put32(h + 4, 0);
			rnd_bytes(h + 8, 16);
			h[8] = 0x20;
			h[9] = 0x01;
			h[10] = 0x0d;
			h[11] = 0xb8;
			o += 24;
			break;
		default: {	/* hop-by-hop or destination options: one PadN */
			size_t units = rnd_pct(70) ? 0 : 1;
			size_t len = 8 * (units + 1);

			h[1] = (uint8_t)units;
			h[2] = 1;
			h[3] = (uint8_t)(len - 4);
			memset(h + 4, 0, len - 4);
			o += len;
		}
		}
	}
	return o;
}

/*
 * Build the well-formed frame s describes into f (FRAME_MAX bytes); frames shorter than the
 * Ethernet minimum are zero-padded to 60 bytes unless no_pad. Fills *b with the offsets.
 */
static void
pkt_build(uint8_t *f, const struct spec *s, bool no_pad, struct built *b)
{
	size_t l3, l4, n;

	memset(f, 0, FRAME_MAX);
	l3 = l2_build(f, s);
	b->l3 = l3;
	b->ext_first = 0;
	if (s->ethertype == ET_ARP) {
		uint8_t *a = f + l3;

		put16(a, 1);
		put16(a + 2, ET_IPV4);
		a[4] = 6;
		a[5] = 4;
		put16(a + 6, 1);
		/* A request: sender MAC and IP, unknown target MAC, target IP. */
		memcpy(a + 8, f + 6, 6);
		memcpy(a + 14, s->src.a, 4);
		memset(a + 18, 0, 6);
		memcpy(a + 24, s->dst.a, 4);
		b->l4 = l3 + 28;
		n = l3 + 28;
	} else if (s->ethertype == ET_IPV4) {
		size_t hl = 20 + 4 * (size_t)s->v4_opt_words;

		l4 = l3 + hl;
		n = l4_build(f + l4, s);
		ipv4_build(f + l3, s, hl + n);
		l4_csum(f + l4, n, s);
		b->l4 = l4;
		n += l4;
	} else {
		size_t el;

		b->ext_first = l3 + 40;
		el = ipv6_ext_build(f + l3 + 40, s);
		l4 = l3 + 40 + el;
		n = l4_build(f + l4, s);
		l4_csum(f + l4, n, s);
		f[l3] = 0x60;
		f[l3 + 1] = 0;
		put16(f + l3 + 2, (uint16_t)rnd());
		put16(f + l3 + 4, (uint16_t)(el + n));
		f[l3 + 6] = s->n_ext > 0 ? s->ext[0] : s->l4;
		f[l3 + 7] = 64;
		memcpy(f + l3 + 8, s->src.a, 16);
		memcpy(f + l3 + 24, s->dst.a, 16);
		b->l4 = l4;
		n += l4;
	}
	if (n < ETH_MIN && !no_pad)
		n = ETH_MIN;
	b->len = n;
}

/* A fresh TCP/UDP/ICMP spec with no tags, random addresses of version ver and small payload. */
static void
spec_basic(struct spec *s, int ver, uint8_t l4)
{
	memset(s, 0, sizeof(*s));
	s->ethertype = ver == 4 ? ET_IPV4 : ET_IPV6;
	addr_pair(ver, &s->src, &s->dst);
	if (l4 == P_ICMP && ver == 6)
		l4 = P_ICMPV6;
	s->l4 = l4;
	s->l4_header = true;
	s->sport = rnd_pct(50) ? (uint16_t)rnd_range(1024, 65535) : port_pick();
	s->dport = port_pick();
	s->tcp_flags = rnd_pct(20) ? TH_SYN : TH_ACK | (rnd_pct(50) ? TH_PSH : 0);
	s->seq = (uint32_t)rnd();
	s->ack = s->tcp_flags & TH_ACK ? (uint32_t)rnd() : 0;
	s->payload_len = rnd_pct(30) ? 0 : rnd_range(1, 1400);
}

static uint8_t
l4_any(void)
{
	static const uint8_t l4s[] = { P_TCP, P_UDP, P_ICMP };

	return l4s[rnd() % 3];
}

/* ---------------------------------------------------------------------------------------- */
/* The mixed mix                                                                            */

enum kind {
	K_V4_TCP, K_V4_UDP, K_V4_ICMP, K_V4_OPTS, K_V6_TCP, K_V6_UDP, K_V6_ICMP, K_V6_EXT,
	K_VLAN, K_QINQ_88A8, K_QINQ_9100, K_V4_FRAG_FIRST, K_V4_FRAG_LATER, K_V6_FRAG_FIRST,
	K_V6_FRAG_LATER, K_ARP, K_SHORT_PADDED, K_JUMBO, K_OTHER_L4,
	/* malformed */
	K_BAD_RUNT, K_BAD_VLAN, K_BAD_V4_SHORT, K_BAD_IHL, K_BAD_V4_LEN, K_BAD_V6_SHORT,
	K_BAD_V6_LEN, K_BAD_TCP_TRUNC, K_BAD_UDP_TRUNC, K_BAD_DOFF_SMALL, K_BAD_DOFF_BIG,
	K_BAD_V6_EXT,
	K_COUNT
};

/* How many slots of the repeating schedule each kind gets: plain TCP/UDP are the bulk. */
static const uint8_t kind_weight[K_COUNT] = {
	[K_V4_TCP] = 4, [K_V4_UDP] = 3, [K_V6_TCP] = 3, [K_V6_UDP] = 2,
	[K_V4_OPTS] = 2, [K_V6_EXT] = 2, [K_VLAN] = 2,
};

static void
v6_ext_chain(struct spec *s)
{
	static const uint8_t later[] = { P_ROUTING, P_DSTOPTS, P_FRAGMENT };
	bool frag = false;

	s->n_ext = (int)rnd_range(1, 3);
	for (int i = 0; i < s->n_ext; i++) {
		uint8_t t;

		do {
			t = (i == 0 && rnd_pct(40)) ? P_HOPOPT : later[rnd() % 3];
		} while (t == P_FRAGMENT && frag);
		frag |= t == P_FRAGMENT;
		s->ext[i] = t;
	}
	/* A fragment header here is atomic (offset 0, M=0): not a fragment. */
}

/*
 * Build one malformed frame of kind k into f: a well-formed frame, then damaged in exactly
 * the way the kind names. Returns its length. Malformed frames are not padded: the damage
 * must stay visible in the frame length.
 */
static size_t
mixed_bad(uint8_t *f, enum kind k)
{
	struct spec s;
	struct built b;
	int ver = rnd_pct(50) ? 4 : 6;
	uint8_t *ip;
	size_t keep;

	switch (k) {
	case K_BAD_V4_SHORT:
	case K_BAD_IHL:
	case K_BAD_V4_LEN:
		ver = 4;
		break;
	case K_BAD_V6_SHORT:
	case K_BAD_V6_LEN:
	case K_BAD_V6_EXT:
		ver = 6;
		break;
	default:
		break;
	}
	spec_basic(&s, ver, k == K_BAD_UDP_TRUNC ? P_UDP : P_TCP);
	if (k != K_BAD_RUNT && rnd_pct(25)) {
		s.ntags = 1;
		s.tpid[0] = ET_VLAN;
	}
	if (k == K_BAD_VLAN) {
		s.ntags = rnd_pct(50) ? 1 : 2;
		s.tpid[0] = s.ntags == 1 ? ET_VLAN : ET_QINQ;
		s.tpid[1] = ET_VLAN;
	}
	if (k == K_BAD_DOFF_BIG)
		s.payload_len = rnd_range(0, 36);
	if (k == K_BAD_V6_EXT) {
		s.n_ext = (int)rnd_range(1, 2);
		s.ext[0] = rnd_pct(50) ? P_HOPOPT : P_DSTOPTS;
		s.ext[1] = rnd_pct(50) ? P_ROUTING : P_DSTOPTS;
	}
	pkt_build(f, &s, true, &b);
	ip = f + b.l3;

	switch (k) {
	case K_BAD_RUNT:	/* shorter than an Ethernet header, possibly empty */
		return rnd_range(0, 13);
	case K_BAD_VLAN:	/* the last tag is cut short */
		return 14 + 4 * ((size_t)s.ntags - 1) + rnd_range(0, 3);
	case K_BAD_V4_SHORT:	/* less than a minimal IPv4 header */
		return b.l3 + rnd_range(0, 19);
	case K_BAD_IHL:
		ip[0] = (uint8_t)(0x40 | rnd_range(0, 4));
		put16(ip + 10, 0);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
		return b.len;
	case K_BAD_V4_LEN:	/* total length beyond the frame */
		put16(ip + 2, (uint16_t)(b.len - b.l3 + rnd_range(1, 200)));
		put16(ip + 10, 0);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
		return b.len;
	case K_BAD_V6_SHORT:
		return b.l3 + rnd_range(0, 39);
	case K_BAD_V6_LEN:	/* payload length beyond the frame */
		put16(ip + 4, (uint16_t)(b.len - b.l3 - 40 + rnd_range(1, 200)));
		return b.len;
	case K_BAD_TCP_TRUNC:
	case K_BAD_UDP_TRUNC:	/* the IP packet ends inside the L4 header */
		keep = b.l4 + rnd_range(0, k == K_BAD_TCP_TRUNC ? 19 : 7);
		if (ver == 4) {
			put16(ip + 2, (uint16_t)(keep - b.l3));
			put16(ip + 10, 0);
			put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
		} else {
			put16(ip + 4, (uint16_t)(keep - b.l3 - 40));
		}
		return keep;
	case K_BAD_DOFF_SMALL:
		f[b.l4 + 12] = (uint8_t)(rnd_range(0, 4) << 4);
		return b.len;
	case K_BAD_DOFF_BIG: {	/* data offset past the end of the segment (IP length) */
		size_t seg = 20 + s.payload_len;

		f[b.l4 + 12] = (uint8_t)(rnd_range((uint32_t)seg / 4 + 1, 15) << 4);
		/* Pad like a NIC would: the padding must not count as segment. */
		return b.len < ETH_MIN ? ETH_MIN : b.len;
	}
	case K_BAD_V6_EXT: {	/* the last extension header runs past the end */
		size_t last = b.ext_first, o = b.ext_first;

		for (int i = 0; i < s.n_ext; i++) {
			last = o;
			o += 8 * ((size_t)f[o + 1] + 1);
		}
		/* Either its length field claims more than is left ... */
		if ((b.len - last) / 8 <= 255 && rnd_pct(50)) {
			f[last + 1] = (uint8_t)rnd_range((uint32_t)(b.len - last) / 8, 255);
			return b.len;
		}
		/* ... or the packet (payload length and frame alike) ends inside it. */
		keep = last + rnd_range(2, 7);
		put16(ip + 4, (uint16_t)(keep - b.l3 - 40));
		return keep;
	}
	default:
		return 0;
	}
}

/* Build one frame of kind k into f; returns its length. */
static size_t
mixed_one(uint8_t *f, enum kind k)
{
	struct spec s;
	struct built b;
	int ver = rnd_pct(50) ? 4 : 6;

	switch (k) {
	case K_V4_TCP: spec_basic(&s, 4, P_TCP); break;
	case K_V4_UDP: spec_basic(&s, 4, P_UDP); break;
	case K_V4_ICMP: spec_basic(&s, 4, P_ICMP); break;
	case K_V6_TCP: spec_basic(&s, 6, P_TCP); break;
	case K_V6_UDP: spec_basic(&s, 6, P_UDP); break;
	case K_V6_ICMP: spec_basic(&s, 6, P_ICMP); break;
	case K_V4_OPTS:
		spec_basic(&s, 4, l4_any());
		s.v4_opt_words = (int)rnd_range(1, 10);
		break;
	case K_V6_EXT:
		spec_basic(&s, 6, l4_any());
		v6_ext_chain(&s);
		break;
	case K_VLAN:
		spec_basic(&s, ver, rnd_pct(50) ? P_TCP : P_UDP);
		s.ntags = 1;
		s.tpid[0] = ET_VLAN;
		break;
	case K_QINQ_88A8:
	case K_QINQ_9100:
		spec_basic(&s, ver, rnd_pct(50) ? P_TCP : P_UDP);
		s.ntags = 2;
		s.tpid[0] = k == K_QINQ_88A8 ? ET_QINQ : ET_QINQ_OLD;
		s.tpid[1] = ET_VLAN;
		break;
	case K_V4_FRAG_FIRST:
		spec_basic(&s, 4, rnd_pct(50) ? P_TCP : P_UDP);
		s.payload_len = 8 * rnd_range(3, 170) - (s.l4 == P_TCP ? 20 : 8);
		s.v4_frag = 0x2000;
		break;
	case K_V4_FRAG_LATER:
		spec_basic(&s, 4, l4_any());
		s.l4_header = false;
		s.payload_len = rnd_pct(20) ? rnd_range(1, 8) : rnd_range(8, 1400);
		s.v4_frag = (uint16_t)(rnd_range(1, 8000) | (rnd_pct(50) ? 0x2000 : 0));
		break;
	case K_V6_FRAG_FIRST:
		spec_basic(&s, 6, rnd_pct(50) ? P_TCP : P_UDP);
		s.payload_len = 8 * rnd_range(3, 170) - (s.l4 == P_TCP ? 20 : 8);
		s.n_ext = 1;
		s.ext[0] = P_FRAGMENT;
		s.v6_frag_m = true;
		break;
	case K_V6_FRAG_LATER:
		spec_basic(&s, 6, l4_any());
		s.l4_header = false;
		s.payload_len = rnd_pct(20) ? rnd_range(1, 8) : rnd_range(8, 1400);
		s.n_ext = rnd_pct(30) ? 2 : 1;
		s.ext[0] = s.n_ext == 2 ? P_HOPOPT : P_FRAGMENT;
		s.ext[1] = P_FRAGMENT;
		s.v6_frag_off = (uint16_t)rnd_range(1, 8000);
		s.v6_frag_m = rnd_pct(50);
		break;
	case K_ARP:
		memset(&s, 0, sizeof(s));
		s.ethertype = ET_ARP;
		v4_local(&s.src);
		v4_local(&s.dst);
		if (rnd_pct(30)) {
			s.ntags = 1;
			s.tpid[0] = ET_VLAN;
		}
		break;
	case K_SHORT_PADDED:
		spec_basic(&s, 4, l4_any());
		s.payload_len = rnd_range(0, 5);
		if (rnd_pct(30)) {
			s.ntags = 1;
			s.tpid[0] = ET_VLAN;
		}
		break;
	case K_JUMBO:
		spec_basic(&s, ver, rnd_pct(50) ? P_TCP : P_UDP);
		s.payload_len = rnd_range(1515, JUMBO_MAX) - 14 - (ver == 4 ? 20 : 40)
			- (s.l4 == P_TCP ? 20 : 8);
		break;
	case K_OTHER_L4:
		spec_basic(&s, ver, P_EXPERIMENT);
		break;
	default:
		return mixed_bad(f, k);
	}
	pkt_build(f, &s, false, &b);
	return b.len;
}

/* The repeating schedule of kinds, expanded from kind_weight (0 means 1). */
static uint8_t schedule[64];
static size_t schedule_len;

static void
mixed_init(void)
{
	for (int k = 0; k < K_COUNT; k++)
		for (int w = 0; w < (kind_weight[k] ? kind_weight[k] : 1); w++)
			schedule[schedule_len++] = (uint8_t)k;
}

static size_t
mixed_next(uint8_t *f, uint64_t i)
{
	return mixed_one(f, (enum kind)schedule[i % schedule_len]);
}

/* ---------------------------------------------------------------------------------------- */
/* The benchmark and study mixes                                                            */

/* IPv4 TCP/UDP, half in and half out, uniformly random destination port. */
static size_t
random_ports_next(uint8_t *f, uint64_t i)
{
	struct spec s;
	struct built b;

	spec_basic(&s, 4, rnd_pct(50) ? P_TCP : P_UDP);
	if (i % 2 == 0) {
		v4_public(&s.src);
		v4_local(&s.dst);
	} else {
		v4_local(&s.src);
		v4_public(&s.dst);
	}
	s.dport = (uint16_t)rnd();
	pkt_build(f, &s, false, &b);
	return b.len;
}

/* A TCP/UDP IPv4 frame of exactly len bytes (len >= 60) with random addresses and ports. */
static size_t
sized_frame(uint8_t *f, size_t len)
{
	struct spec s;
	struct built b;

	spec_basic(&s, 4, rnd_pct(50) ? P_TCP : P_UDP);
	s.payload_len = len - 14 - 20 - (s.l4 == P_TCP ? 20 : 8);
	pkt_build(f, &s, false, &b);
	return b.len;
}

/* IMIX 7:4:1 by position, so any 12 consecutive frames hold exactly that ratio. */
static size_t
imix_next(uint8_t *f, uint64_t i)
{
	uint64_t r = i % 12;

	return sized_frame(f, r < 7 ? 60 : r < 11 ? 590 : 1514);
}

/*
 * The spec of frame i of recurring flow number `flow`: its addresses and ports are a function
 * of the flow number only, so every flow recurs identically; half the flows come in.
 */
static void
recurring_flow(struct spec *s, uint32_t flow, uint64_t i)
{
	uint64_t saved = rng_state, h;

	rng_state = 0x5eed0000ULL + flow;
	h = rnd();
	rng_state = saved;
	memset(s, 0, sizeof(*s));
	s->ethertype = ET_IPV4;
	s->l4 = h & 1 ? P_TCP : P_UDP;
	s->l4_header = true;
	v4(&s->src, 10, (uint8_t)(flow >> 8), (uint8_t)flow, 1);
	v4(&s->dst, 203, 0, 113, (uint8_t)(1 + (h >> 8) % 254));
	s->sport = (uint16_t)(1024 + (h >> 16) % 64000);
	s->dport = (h >> 32) % 4 == 0 ? (uint16_t)(h >> 40) : well_known[(h >> 40) % 6];
	if (flow & 2) {
		struct addr t = s->src;

		s->src = s->dst;
		s->dst = t;
	}
	s->tcp_flags = TH_ACK;
	s->seq = (uint32_t)i;
	s->ack = (uint32_t)(h >> 8);
}

/* 60-byte frames over 65536 flows: frame i belongs to flow i % 65536. */
static size_t
min64_next(uint8_t *f, uint64_t i)
{
	struct spec s;
	struct built b;

	recurring_flow(&s, (uint32_t)(i % 65536), i);
	s.payload_len = s.l4 == P_TCP ? 6 : 18;
	pkt_build(f, &s, false, &b);
	return b.len;
}

/*
 * IMIX over 4096 recurring flows (frame i belongs to flow i % 4096, sizes 7:4:1 of
 * 60/590/1514 bytes by position as in imix): flows of a few hundred packets per million,
 * every packet with data, so payload scanning sees the first packets of each flow only.
 */
static size_t
imix_flows_next(uint8_t *f, uint64_t i)
{
	uint64_t r = i % 12;
	size_t len = r < 7 ? 60 : r < 11 ? 590 : 1514;
	struct spec s;
	struct built b;

	recurring_flow(&s, (uint32_t)(i % 4096), i);
	s.payload_len = len - 14 - 20 - (s.l4 == P_TCP ? 20 : 8);
	pkt_build(f, &s, false, &b);
	return b.len;
}

/* ---------------------------------------------------------------------------------------- */
/* The FinMark mix: TCP connections with whole lifecycles                                   */

enum script { S_NORMAL, S_REJECTED, S_UNANSWERED, S_RESET, S_DNS };

struct conn {
	bool live;
	enum script script;
	struct addr cli, srv;
	uint16_t cport, sport;
	uint32_t cseq, sseq;	/* next sequence number of each side */
	int step;
	int rounds;		/* request/response rounds left */
	int round;		/* rounds done */
	bool server_closes;	/* the server sends the first FIN */
	bool server_resets;
	bool api_tls;		/* 8080 speaks TLS (the policy mix), not cleartext HTTP */
};

#define FM_USERS	200
#define FM_CONC		48	/* connections open at once */

static struct conn conns[FM_CONC];
static uint32_t fm_next_port[FM_USERS];
static bool sa_mode;	/* the sample mix: customers outside, small records, its own burst */

static void
conn_start(struct conn *c)
{
	static const uint8_t backends[3] = { 3, 4, 2 };
	uint32_t u = (uint32_t)(rnd() % FM_USERS), r = (uint32_t)(rnd() % 100), svc;

	memset(c, 0, sizeof(*c));
	c->live = true;
	svc = r < 50 ? 0 : r < 85 ? 1 : 2;
	c->sport = svc == 0 ? 443 : svc == 1 ? 8080 : 5432;
	v4(&c->cli, 10, 0, (uint8_t)(u / 100), (uint8_t)(10 + u % 100));
	v4(&c->srv, 10, 1, (uint8_t)svc, (uint8_t)(11 + rnd() % backends[svc]));
	c->cport = (uint16_t)(32768 + fm_next_port[u]++ % 28000);
	c->cseq = (uint32_t)rnd();
	c->sseq = (uint32_t)rnd();
	r = (uint32_t)(rnd() % 100);
	c->script = r < 85 ? S_NORMAL : r < 90 ? S_REJECTED : r < 95 ? S_UNANSWERED : S_RESET;
	c->rounds = (int)rnd_range(1, 6);
	c->server_closes = rnd_pct(30);
	c->server_resets = rnd_pct(50);
}

/* Application payload of round c->round in the given direction; returns its length. */
static size_t
conn_payload(const struct conn *c, bool from_client, uint8_t *p)
{
	static const uint8_t ssl_request[8] = { 0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f };
	size_t n;
	bool hello;
	int h;

	if (c->sport == 8080 && !c->api_tls) {
		if (from_client)
			return (size_t)sprintf((char *)p,
				"GET /api/v1/accounts/%u/balance HTTP/1.1\r\n"
				"Host: api.finmark.internal:8080\r\n"
				"Accept: application/json\r\nUser-Agent: finmark-load/1.0\r\n\r\n",
				(unsigned int)rnd_range(1000, 99999));
		n = rnd_range(20, 900);
		h = sprintf((char *)p, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			"Content-Length: %zu\r\n\r\n{\"balance\":\"", n + 2);

		memset(p + h, '7', n);
		memcpy(p + h + n, "\"}", 2);
		return (size_t)h + n + 2;
	}
	if (c->sport == 5432 && c->round == 0) {
		if (from_client) {
			memcpy(p, ssl_request, 8);
			return 8;
		}
		p[0] = 'S';
		return 1;
	}
	/* TLS: a handshake record first (ClientHello 0x16 0x03 0x01), application data after. */
	hello = c->round == 0 || (c->sport == 5432 && c->round == 1);

	n = from_client ? rnd_range(hello ? 200 : 60, hello ? 512 : 1200) : rnd_range(300, 1400);
	if (sa_mode)	/* the bundled sample stays small: shorter records */
		n = n / 4 + 8;
	rnd_bytes(p, n);
	p[0] = hello ? 0x16 : 0x17;
	p[1] = 0x03;
	p[2] = hello && from_client ? 0x01 : 0x03;
	put16(p + 3, (uint16_t)(n - 5));
	if (hello)
		p[5] = from_client ? 0x01 : 0x02;
	return n;
}

/* Build one TCP segment of c into f; from_client picks the side. Returns the frame length. */
static size_t
conn_segment(uint8_t *f, struct conn *c, bool from_client, uint8_t flags, const uint8_t *pl,
	     size_t pl_len)
{
	struct spec s;
	struct built b;

	memset(&s, 0, sizeof(s));
	s.ethertype = c->cli.ver == 6 ? ET_IPV6 : ET_IPV4;
	s.l4 = P_TCP;
	s.l4_header = true;
	s.src = from_client ? c->cli : c->srv;
	s.dst = from_client ? c->srv : c->cli;
	s.sport = from_client ? c->cport : c->sport;
	s.dport = from_client ? c->sport : c->cport;
	s.seq = from_client ? c->cseq : c->sseq;
	s.ack = flags & TH_ACK ? (from_client ? c->sseq : c->cseq) : 0;
	s.tcp_flags = flags;
	s.payload = pl;
	s.payload_len = pl_len;
	pkt_build(f, &s, false, &b);
	if (from_client)
		c->cseq += (uint32_t)pl_len + (flags & (TH_SYN | TH_FIN) ? 1 : 0);
	else
		c->sseq += (uint32_t)pl_len + (flags & (TH_SYN | TH_FIN) ? 1 : 0);
	return b.len;
}

/*
 * Emit the next packet of connection c into f and advance it; c->live turns false after its
 * last packet. Steps: 0 SYN, 1 SYN-ACK (or RST, or a SYN retransmission), 2 ACK, then per
 * round request / response / ACK, then FIN-ACK, ACK, FIN-ACK, ACK (or one RST).
 */
static size_t
conn_step(uint8_t *f, struct conn *c)
{
	static uint8_t pl[2048];
	int st = c->step++;
	bool first = !c->server_closes, fin_side;
	size_t n, len;

	if (st == 0)
		return conn_segment(f, c, true, TH_SYN, NULL, 0);
	if (st == 1) {
		switch (c->script) {
		case S_REJECTED:
			c->live = false;
			c->sseq = 0;
			return conn_segment(f, c, false, TH_RST | TH_ACK, NULL, 0);
		case S_UNANSWERED:
			c->live = false;
			c->cseq--;	/* a retransmission of the same SYN */
			return conn_segment(f, c, true, TH_SYN, NULL, 0);
		default:
			return conn_segment(f, c, false, TH_SYN | TH_ACK, NULL, 0);
		}
	}
	if (st == 2)
		return conn_segment(f, c, true, TH_ACK, NULL, 0);
	st -= 3;
	if (c->round < c->rounds) {
		switch (st % 3) {
		case 0:
			n = conn_payload(c, true, pl);
			return conn_segment(f, c, true, TH_PSH | TH_ACK, pl, n);
		case 1:
			n = conn_payload(c, false, pl);
			return conn_segment(f, c, false, TH_PSH | TH_ACK, pl, n);
		default:
			c->round++;
			if (c->script == S_RESET) {
				c->live = false;
				return conn_segment(f, c, !c->server_resets, TH_RST | TH_ACK,
						    NULL, 0);
			}
			return conn_segment(f, c, true, TH_ACK, NULL, 0);
		}
	}
	st -= 3 * c->rounds;
	fin_side = st < 2 ? first : !first;
	if (st % 2 == 0)
		len = conn_segment(f, c, fin_side, TH_FIN | TH_ACK, NULL, 0);
	else
		len = conn_segment(f, c, !fin_side, TH_ACK, NULL, 0);
	if (st == 3)
		c->live = false;
	return len;
}

static size_t
finmark_next(uint8_t *f, uint64_t i)
{
	struct conn *c = &conns[rnd() % FM_CONC];

	if (!c->live)
		conn_start(c);
	return conn_step(f, c);
}

/* ---------------------------------------------------------------------------------------- */
/* The policy mix: clean FinMark traffic, and findings planted on their own addresses       */

/*
 * Clean means clean by the default policy (lib/config: allowed ports 53 80 443 5432 8080,
 * https and db classes encrypted, cleartext HTTP is a finding on any port): the background
 * speaks TLS on 443 and on 8080 (the API is HTTPS: cleartext HTTP on 8080 would be an
 * `unencrypted` finding), SSLRequest then TLS on 5432, and DNS over UDP to 10.0.0.53. No
 * source comes near 1000 new connections per second.
 *
 * The planted conversations use addresses no background connection uses (203.0.113.66,
 * 10.0.5-9.x, 10.1.0.2x, 10.1.3.80 ...), so each finding names exactly one planted thing.
 * Everything a payload signature has to see sits in the first 256 bytes of the first data
 * packet of its flow (the default scan window). Planted frames are interleaved with the
 * background at an even spacing; the rate-limit burst (1500 connections from 10.9.9.9, six
 * frames each, 30 us apart) sits in the middle of the capture.
 */

#define PO_BURST_CONNS	1500
#define PO_BURST_TCP	(6 * PO_BURST_CONNS)
#define PO_BURST_FRAMES	(PO_BURST_TCP + 2 * PO_BURST_CONNS)
#define PO_BURST_GAP_NS	30000ULL
#define PLANT_MAX	256
#define PLANT_FRAME	1600

static struct conn pconns[FM_CONC];
static uint32_t po_next_port[FM_USERS];
static uint32_t po_next_dns_port[FM_USERS];
static uint8_t plant_buf[PLANT_MAX][PLANT_FRAME];
static uint16_t plant_len[PLANT_MAX];
static uint64_t plant_wait_ns[PLANT_MAX];	/* least packet time after the previous one */
static uint64_t plant_pending_wait, plant_total_wait, plant_last_ns;
static size_t plant_n, plant_next, plant_every, plant_since;
static uint64_t po_burst_start, po_period_ns;
static bool po_findings;
static struct conn po_burst;
/* Frames of the capture that are neither background nor planted (policy: the burst). */
static uint64_t po_reserve = PO_BURST_FRAMES;

/* Frames pl-gen writes (main sets it before the first frame). */
static uint64_t gen_count;

/* A UDP datagram from src:sport to dst:dport carrying pl; returns the frame length. */
static size_t
udp_frame(uint8_t *f, const struct addr *src, const struct addr *dst, uint16_t sport,
	  uint16_t dport, const uint8_t *pl, size_t n)
{
	struct spec s;
	struct built b;

	memset(&s, 0, sizeof(s));
	s.ethertype = src->ver == 6 ? ET_IPV6 : ET_IPV4;
	s.l4 = P_UDP;
	s.l4_header = true;
	s.src = *src;
	s.dst = *dst;
	s.sport = sport;
	s.dport = dport;
	s.payload = pl;
	s.payload_len = n;
	pkt_build(f, &s, false, &b);
	return b.len;
}

/* A DNS query (or, with answer, its response) for name; returns the payload length. */
static size_t
dns_message(uint8_t *p, uint16_t id, const char *name, const struct addr *answer)
{
	size_t o = 12;
	const char *l = name;

	put16(p, id);
	put16(p + 2, answer != NULL ? 0x8180 : 0x0100);
	put16(p + 4, 1);
	put16(p + 6, answer != NULL ? 1 : 0);
	put16(p + 8, 0);
	put16(p + 10, 0);
	while (*l != '\0') {
		const char *dot = strchr(l, '.');
		size_t n = dot != NULL ? (size_t)(dot - l) : strlen(l);

		p[o++] = (uint8_t)n;
		memcpy(p + o, l, n);
		o += n;
		l += n + (dot != NULL ? 1 : 0);
	}
	p[o++] = 0;
	put16(p + o, 1);	/* A */
	put16(p + o + 2, 1);	/* IN */
	o += 4;
	if (answer != NULL) {
		put16(p + o, 0xc00c);
		put16(p + o + 2, 1);
		put16(p + o + 4, 1);
		put32(p + o + 6, 300);
		put16(p + o + 10, 4);
		memcpy(p + o + 12, answer->a, 4);
		o += 16;
	}
	return o;
}

/* A background connection: TCP to 443/8080/5432 like FinMark but all TLS, or one DNS query. */
static void
po_conn_start(struct conn *c)
{
	static const uint8_t backends[3] = { 3, 4, 2 };
	uint32_t u = (uint32_t)(rnd() % FM_USERS), r = (uint32_t)(rnd() % 100), svc;

	memset(c, 0, sizeof(*c));
	c->live = true;
	c->api_tls = true;
	v4(&c->cli, 10, 0, (uint8_t)(u / 100), (uint8_t)(10 + u % 100));
	if (r < 12) {
		c->script = S_DNS;
		v4(&c->srv, 10, 0, 0, 53);
		c->sport = 53;
		c->cport = (uint16_t)(49152 + po_next_dns_port[u]++ % 16000);
		c->cseq = (uint32_t)rnd();
		c->rounds = (int)(rnd() % 4);
		return;
	}
	svc = r < 55 ? 0 : r < 85 ? 1 : 2;
	c->sport = svc == 0 ? 443 : svc == 1 ? 8080 : 5432;
	if (sa_mode && svc == 0)	/* the sample: customers outside (TEST-NET-1) */
		v4(&c->cli, 192, 0, 2, (uint8_t)(1 + u % 200));
	v4(&c->srv, 10, 1, (uint8_t)svc, (uint8_t)(11 + rnd() % backends[svc]));
	c->cport = (uint16_t)(32768 + po_next_port[u]++ % 16000);
	c->cseq = (uint32_t)rnd();
	c->sseq = (uint32_t)rnd();
	r = (uint32_t)(rnd() % 100);
	c->script = r < 85 ? S_NORMAL : r < 90 ? S_REJECTED : r < 95 ? S_UNANSWERED : S_RESET;
	c->rounds = (int)rnd_range(1, 6);
	c->server_closes = rnd_pct(30);
	c->server_resets = rnd_pct(50);
}

/* The next frame of a DNS exchange: the query, then the answer (and the exchange ends). */
static size_t
po_dns_step(uint8_t *f, struct conn *c)
{
	static const char *const names[4] = {
		"api.finmark.internal", "db.finmark.internal", "www.finmark.example",
		"login.finmark.example",
	};
	uint8_t pl[256];
	struct addr ans;
	size_t n;

	if (c->step++ == 0) {
		n = dns_message(pl, (uint16_t)c->cseq, names[c->rounds], NULL);
		return udp_frame(f, &c->cli, &c->srv, c->cport, 53, pl, n);
	}
	c->live = false;
	v4(&ans, 10, 1, (uint8_t)(c->rounds % 3), (uint8_t)(11 + c->cseq % 2));
	n = dns_message(pl, (uint16_t)c->cseq, names[c->rounds], &ans);
	return udp_frame(f, &c->srv, &c->cli, 53, c->cport, pl, n);
}

/* ---- planted conversations, built once into plant_buf ---- */

static void
plant_add(const uint8_t *f, size_t len)
{
	if (plant_n < PLANT_MAX && len <= PLANT_FRAME) {
		memcpy(plant_buf[plant_n], f, len);
		plant_len[plant_n] = (uint16_t)len;
		plant_wait_ns[plant_n++] = plant_pending_wait;
		plant_pending_wait = 0;
	}
}

/* The next planted frame goes out at least ns of packet time after the one before it. */
static void
plant_pause(uint64_t ns)
{
	plant_pending_wait = ns;
	plant_total_wait += ns;
}

static void
plant_tcp(struct conn *c, bool from_client, uint8_t flags, const void *pl, size_t n)
{
	static uint8_t f[FRAME_MAX];
	size_t len;

	len = conn_segment(f, c, from_client, flags, pl, n);
	plant_add(f, len);
}

static void
plant_udp(const struct addr *src, const struct addr *dst, uint16_t sport, uint16_t dport,
	  const void *pl, size_t n)
{
	static uint8_t f[FRAME_MAX];
	size_t len;

	len = udp_frame(f, src, dst, sport, dport, pl, n);
	plant_add(f, len);
}

static void
pc_init(struct conn *c, const struct addr *cli, const struct addr *srv, uint16_t cport,
	uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	c->cli = *cli;
	c->srv = *srv;
	c->cport = cport;
	c->sport = sport;
	c->cseq = (uint32_t)rnd();
	c->sseq = (uint32_t)rnd();
}

/* SYN, SYN-ACK, ACK. */
static void
pc_open(struct conn *c)
{
	plant_tcp(c, true, TH_SYN, NULL, 0);
	plant_tcp(c, false, TH_SYN | TH_ACK, NULL, 0);
	plant_tcp(c, true, TH_ACK, NULL, 0);
}

/* A request, its response, and the client's ACK of the response. */
static void
pc_exchange(struct conn *c, const void *req, size_t req_len, const void *resp, size_t resp_len)
{
	plant_tcp(c, true, TH_PSH | TH_ACK, req, req_len);
	plant_tcp(c, false, TH_PSH | TH_ACK, resp, resp_len);
	plant_tcp(c, true, TH_ACK, NULL, 0);
}

/* The four-way close: FIN from one side, ACK, FIN from the other, ACK. */
static void
pc_close(struct conn *c, bool server_first)
{
	plant_tcp(c, !server_first, TH_FIN | TH_ACK, NULL, 0);
	plant_tcp(c, server_first, TH_ACK, NULL, 0);
	plant_tcp(c, server_first, TH_FIN | TH_ACK, NULL, 0);
	plant_tcp(c, !server_first, TH_ACK, NULL, 0);
}

/* A TLS hello exchange (ClientHello, ServerHello) of random bodies. */
static void
pc_tls(struct conn *c)
{
	uint8_t hello[2][400];

	for (int i = 0; i < 2; i++) {
		size_t n = i == 0 ? 260 : 380;

		rnd_bytes(hello[i], n);
		hello[i][0] = 0x16;
		hello[i][1] = 0x03;
		hello[i][2] = i == 0 ? 0x01 : 0x03;
		put16(hello[i] + 3, (uint16_t)(n - 5));
		hello[i][5] = i == 0 ? 0x01 : 0x02;
	}
	pc_exchange(c, hello[0], 260, hello[1], 380);
}

/* A cleartext HTTP exchange: request (with body, if any) and a short response. */
static void
pc_http(struct conn *c, const char *method, const char *path, const char *ctype,
	const char *body, const char *status)
{
	char req[512], resp[256];
	int n, m;

	if (body != NULL)
		n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: shop.finmark.internal\r\n"
			     "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n%s",
			     method, path, ctype, strlen(body), body);
	else
		n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: shop.finmark.internal\r\n"
			     "Accept: */*\r\n\r\n", method, path);
	m = snprintf(resp, sizeof(resp), "HTTP/1.1 %s\r\nContent-Type: text/plain\r\n"
		     "Content-Length: 2\r\n\r\nok", status);
	pc_exchange(c, req, (size_t)n, resp, (size_t)m);
}

/*
 * The planted conversations. The negatives (clean by policy, in both variants) exercise
 * what must not be a finding; the findings (policy only) are listed in the comments with
 * the (kind, src, dst, port) each must produce.
 */
static void
plant_build(bool findings)
{
	struct addr a, b, scanner;
	struct conn c;
	uint8_t pl[512];
	size_t n;

	/* Negative: outbound SMTP to an outside server (a port not allowed, but not local). */
	v4(&a, 10, 0, 5, 5);
	v4(&b, 198, 51, 100, 25);
	pc_init(&c, &a, &b, 41000, 25);
	pc_open(&c);
	pc_exchange(&c, "EHLO pay.finmark.example\r\n", 26, "250 mx.example.net\r\n", 20);
	pc_close(&c, false);
	/* Negative: an outside client on 443 with TLS; the server closes first. */
	v4(&a, 198, 51, 100, 30);
	v4(&b, 10, 1, 0, 11);
	pc_init(&c, &a, &b, 51000, 443);
	pc_open(&c);
	pc_tls(&c);
	pc_close(&c, true);
	/* Negative, TCP outcomes: a 5-tuple closed, then opened again (two attempts). */
	v4(&a, 10, 0, 9, 1);
	v4(&b, 10, 1, 0, 12);
	pc_init(&c, &a, &b, 50000, 443);
	pc_open(&c);
	pc_tls(&c);
	pc_close(&c, false);
	pc_init(&c, &a, &b, 50000, 443);
	pc_open(&c);
	pc_tls(&c);
	pc_close(&c, true);
	/* Negative, TCP outcomes: a retransmitted SYN, then answered (one attempt). */
	v4(&a, 10, 0, 9, 2);
	v4(&b, 10, 1, 0, 13);
	pc_init(&c, &a, &b, 50001, 443);
	plant_tcp(&c, true, TH_SYN, NULL, 0);
	c.cseq--;
	pc_open(&c);
	pc_tls(&c);
	pc_close(&c, false);
	/* Negative, TCP outcomes: a SYN unanswered for 6 s (past the 5 s SYN timeout: one
	 * unanswered attempt), then sent again and answered (a second attempt, established). */
	v4(&a, 10, 0, 9, 3);
	v4(&b, 10, 1, 0, 13);
	pc_init(&c, &a, &b, 50002, 443);
	plant_tcp(&c, true, TH_SYN, NULL, 0);
	c.cseq--;
	plant_pause(6000000000ULL);
	pc_open(&c);
	pc_tls(&c);
	pc_close(&c, true);
	/* Negative, TCP outcomes: half-open, SYN and SYN-ACK and never the ACK (answered: not
	 * unanswered, not established). */
	v4(&a, 10, 0, 9, 4);
	v4(&b, 10, 1, 0, 11);
	pc_init(&c, &a, &b, 50003, 443);
	plant_tcp(&c, true, TH_SYN, NULL, 0);
	plant_tcp(&c, false, TH_SYN | TH_ACK, NULL, 0);
	/* Negative, TCP outcomes: SYN, SYN-ACK, then RST from the responder (rejected). */
	v4(&a, 10, 0, 9, 5);
	v4(&b, 10, 1, 0, 12);
	pc_init(&c, &a, &b, 50004, 443);
	plant_tcp(&c, true, TH_SYN, NULL, 0);
	plant_tcp(&c, false, TH_SYN | TH_ACK, NULL, 0);
	plant_tcp(&c, false, TH_RST | TH_ACK, NULL, 0);
	/* Negative, TCP outcomes: FIN from the client, then RST from the server (reset). */
	v4(&a, 10, 0, 9, 6);
	v4(&b, 10, 1, 0, 13);
	pc_init(&c, &a, &b, 50005, 443);
	pc_open(&c);
	pc_tls(&c);
	plant_tcp(&c, true, TH_FIN | TH_ACK, NULL, 0);
	plant_tcp(&c, false, TH_ACK, NULL, 0);
	plant_tcp(&c, false, TH_RST | TH_ACK, NULL, 0);
	/* Negative, TCP outcomes: reset by the client, then the same 5-tuple again, closed. */
	v4(&a, 10, 0, 9, 7);
	v4(&b, 10, 1, 0, 11);
	pc_init(&c, &a, &b, 50006, 443);
	pc_open(&c);
	pc_tls(&c);
	plant_tcp(&c, true, TH_RST | TH_ACK, NULL, 0);
	pc_init(&c, &a, &b, 50006, 443);
	pc_open(&c);
	pc_tls(&c);
	pc_close(&c, false);
	/* Negative, TCP outcomes: rejected twice on the same 5-tuple (two attempts). */
	v4(&a, 10, 0, 9, 8);
	v4(&b, 10, 1, 0, 12);
	for (int k = 0; k < 2; k++) {
		pc_init(&c, &a, &b, 50007, 443);
		plant_tcp(&c, true, TH_SYN, NULL, 0);
		c.sseq = 0;
		plant_tcp(&c, false, TH_RST | TH_ACK, NULL, 0);
	}
	/* Negative, IPv6: fd00:1::10 to fd00:2::11:443 with TLS. */
	memset(&a, 0, sizeof(a));
	a.ver = 6;
	a.a[0] = 0xfd;
	a.a[3] = 0x01;
	b = a;
	a.a[15] = 0x10;
	b.a[3] = 0x02;
	b.a[15] = 0x11;
	pc_init(&c, &a, &b, 50100, 443);
	pc_open(&c);
	pc_tls(&c);
	pc_close(&c, true);
	/* Negative: a DNS answer from 8.8.8.8 whose query is not in the capture: the first
	 * packet of a UDP flow toward a local port outside the allowlist, but from an allowed
	 * service port, so a reply and no attempt (still a flow of the dns class). */
	v4(&a, 8, 8, 8, 8);
	v4(&b, 10, 0, 9, 11);
	{
		struct addr ans;

		v4(&ans, 10, 1, 0, 12);
		n = dns_message(pl, 0x2b2b, "login.finmark.example", &ans);
		plant_udp(&a, &b, 53, 52000, pl, n);
	}
	/* Negative, UDP flows: in a capture of two minutes or more, a DNS exchange from
	 * 10.0.9.9:40000, then 61 s of silence (past the 60 s UDP idle time), then another on
	 * the same 5-tuple: two flows, two connections of the dns class. */
	if (gen_count * po_period_ns >= 120000000000ULL) {
		v4(&a, 10, 0, 9, 9);
		v4(&b, 10, 0, 0, 53);
		for (int k = 0; k < 2; k++) {
			struct addr ans;

			v4(&ans, 10, 1, 0, 11);
			n = dns_message(pl, (uint16_t)(0x5151 + k), "api.finmark.internal", NULL);
			plant_udp(&a, &b, 40000, 53, pl, n);
			n = dns_message(pl, (uint16_t)(0x5151 + k), "api.finmark.internal", &ans);
			plant_udp(&b, &a, 53, 40000, pl, n);
			if (k == 0)
				plant_pause(61000000000ULL);
		}
	}
	if (!findings)
		return;

	/* IPv6 findings: 2001:db8:66::66 to fd00:2::21:23, rejected (unauthorized_port); a
	 * cleartext GET from fd00:1::10 to fd00:2::80:80 (unencrypted) whose response carries
	 * a card number (sensitive_data from the server to the client's port 46100). */
	memset(&scanner, 0, sizeof(scanner));
	scanner.ver = 6;
	scanner.a[0] = 0x20;
	scanner.a[1] = 0x01;
	scanner.a[2] = 0x0d;
	scanner.a[3] = 0xb8;
	scanner.a[5] = 0x66;
	scanner.a[15] = 0x66;
	b.a[15] = 0x21;
	pc_init(&c, &scanner, &b, 40100, 23);
	plant_tcp(&c, true, TH_SYN, NULL, 0);
	c.sseq = 0;
	plant_tcp(&c, false, TH_RST | TH_ACK, NULL, 0);
	b.a[15] = 0x80;
	pc_init(&c, &a, &b, 46100, 80);
	pc_open(&c);
	{
		static const char req[] = "GET /account/card HTTP/1.1\r\nHost: shop.finmark.internal"
			"\r\nAccept: application/json\r\n\r\n";
		static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			"Content-Length: 30\r\n\r\n{\"card\":\"6011-0009-9013-9424\"}";

		pc_exchange(&c, req, sizeof(req) - 1, resp, sizeof(resp) - 1);
	}
	pc_close(&c, false);

	/* unauthorized_port from 203.0.113.66: answered and closed (23), rejected (3389),
	 * unanswered (6379), answered then reset by the scanner (22, the ssh class), a SYN
	 * retransmitted then rejected (6379), and a UDP flow (161). */
	v4(&scanner, 203, 0, 113, 66);
	v4(&b, 10, 1, 0, 21);
	pc_init(&c, &scanner, &b, 40001, 23);
	pc_open(&c);
	pc_close(&c, false);
	v4(&b, 10, 1, 0, 22);
	pc_init(&c, &scanner, &b, 40002, 3389);
	plant_tcp(&c, true, TH_SYN, NULL, 0);
	c.sseq = 0;
	plant_tcp(&c, false, TH_RST | TH_ACK, NULL, 0);
	v4(&b, 10, 1, 0, 23);
	pc_init(&c, &scanner, &b, 40003, 6379);
	plant_tcp(&c, true, TH_SYN, NULL, 0);
	v4(&b, 10, 1, 0, 24);
	pc_init(&c, &scanner, &b, 40004, 22);
	pc_open(&c);
	plant_tcp(&c, true, TH_RST | TH_ACK, NULL, 0);
	v4(&b, 10, 1, 0, 25);
	pc_init(&c, &scanner, &b, 40005, 6379);
	plant_tcp(&c, true, TH_SYN, NULL, 0);
	c.cseq--;
	plant_tcp(&c, true, TH_SYN, NULL, 0);
	c.sseq = 0;
	plant_tcp(&c, false, TH_RST | TH_ACK, NULL, 0);
	v4(&b, 10, 1, 0, 26);
	{	/* SNMPv2c get-request sysDescr.0, and its response */
		static const uint8_t get[] = {
			0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
			0xa0, 0x19, 0x02, 0x01, 0x2a, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30,
			0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01,
			0x00, 0x05, 0x00,
		};

		plant_udp(&scanner, &b, 40006, 161, get, sizeof(get));
		memcpy(pl, get, sizeof(get));
		pl[13] = 0xa2;
		plant_udp(&b, &scanner, 161, 40006, pl, sizeof(get));
	}
	/* unauthorized_port inside: 10.0.0.10 -> 10.1.0.30:9100, the server closes first. */
	v4(&a, 10, 0, 0, 10);
	v4(&b, 10, 1, 0, 30);
	pc_init(&c, &a, &b, 45000, 9100);
	pc_open(&c);
	pc_close(&c, true);

	/* unencrypted: cleartext HTTP on 80, HTTP on 443, HTTP on 8080, PostgreSQL startup. */
	v4(&a, 10, 0, 7, 10);
	v4(&b, 10, 1, 3, 80);
	pc_init(&c, &a, &b, 46000, 80);
	pc_open(&c);
	pc_http(&c, "GET", "/index.html", NULL, NULL, "200 OK");
	pc_close(&c, true);
	v4(&a, 10, 0, 7, 11);
	v4(&b, 10, 1, 0, 12);
	pc_init(&c, &a, &b, 46001, 443);
	pc_open(&c);
	pc_http(&c, "GET", "/checkout", NULL, NULL, "301 Moved Permanently");
	pc_close(&c, false);
	v4(&a, 10, 0, 7, 14);
	v4(&b, 10, 1, 1, 12);
	pc_init(&c, &a, &b, 46003, 8080);
	pc_open(&c);
	pc_http(&c, "GET", "/api/v1/health", NULL, NULL, "200 OK");
	pc_close(&c, false);
	v4(&a, 10, 0, 7, 12);
	v4(&b, 10, 1, 2, 13);
	pc_init(&c, &a, &b, 46002, 5432);
	pc_open(&c);
	{	/* StartupMessage, protocol 3.0; AuthenticationOk + ReadyForQuery; Terminate */
		static const char params[] = "user\0finmark\0database\0ledger\0application_name\0"
			"settle\0";
		static const uint8_t ok[] = {
			'R', 0, 0, 0, 8, 0, 0, 0, 0, 'Z', 0, 0, 0, 5, 'I',
		};
		static const uint8_t term[] = { 'X', 0, 0, 0, 4 };

		n = 8 + sizeof(params);	/* the params' final NUL ends the message */
		put32(pl, (uint32_t)n);
		put32(pl + 4, 0x00030000);
		memcpy(pl + 8, params, sizeof(params));
		pc_exchange(&c, pl, n, ok, sizeof(ok));
		plant_tcp(&c, true, TH_PSH | TH_ACK, term, sizeof(term));
	}
	pc_close(&c, true);

	/* sensitive_data: Luhn-valid cards in cleartext POST bodies (also unencrypted) and in
	 * an outbound syslog datagram; a Luhn-invalid 16-digit number that is no finding. */
	v4(&a, 10, 0, 8, 20);
	v4(&b, 10, 1, 3, 80);
	pc_init(&c, &a, &b, 47000, 80);
	pc_open(&c);
	pc_http(&c, "POST", "/pay", "application/json",
		"{\"card\":\"4111 1111 1111 1111\",\"exp\":\"12/29\",\"amount\":\"42.50\"}",
		"201 Created");
	pc_close(&c, false);
	v4(&a, 10, 0, 8, 21);
	pc_init(&c, &a, &b, 47001, 80);
	pc_open(&c);
	pc_http(&c, "POST", "/checkout", "application/x-www-form-urlencoded",
		"amount=19.99&pan=5500-0055-5555-5559&name=J+Doe", "200 OK");
	pc_close(&c, true);
	v4(&a, 10, 0, 8, 22);
	pc_init(&c, &a, &b, 47002, 80);
	pc_open(&c);
	pc_http(&c, "POST", "/refund", "application/json",
		"{\"ref\":\"4111 1111 1111 1113\",\"amount\":\"10.00\"}", "200 OK");
	pc_close(&c, false);
	v4(&a, 10, 0, 3, 7);
	v4(&b, 198, 51, 100, 20);
	n = (size_t)sprintf((char *)pl, "<134>pos1 pay: charged card 378282246310005 amount 12.00");
	plant_udp(&a, &b, 40514, 514, pl, n);
}

/*
 * Frame j of the burst: first connection j / 6 of 10.9.9.9 to 10.1.0.11-13:443, step j % 6;
 * then DNS query (j - PO_BURST_TCP) / 2 of 10.9.9.10 to the resolver, and its answer (UDP
 * flows are new connections too).
 */
static size_t
po_burst_frame(uint8_t *f, uint64_t j)
{
	struct conn *c = &po_burst;
	uint32_t k = (uint32_t)(j / 6);
	struct addr a, b;

	if (j >= PO_BURST_TCP) {
		uint8_t pl[256];
		size_t n;

		j -= PO_BURST_TCP;
		k = (uint32_t)(j / 2);
		v4(&a, 10, 9, 9, 10);
		v4(&b, 10, 0, 0, 53);
		n = dns_message(pl, (uint16_t)(k * 7919), "api.finmark.internal", j % 2 ? &b : NULL);
		if (j % 2 == 0)
			return udp_frame(f, &a, &b, (uint16_t)(30000 + k), 53, pl, n);
		return udp_frame(f, &b, &a, 53, (uint16_t)(30000 + k), pl, n);
	}
	switch (j % 6) {
	case 0:
		v4(&a, 10, 9, 9, 9);
		v4(&b, 10, 1, 0, (uint8_t)(11 + k % 3));
		pc_init(c, &a, &b, (uint16_t)(20000 + k), 443);
		return conn_segment(f, c, true, TH_SYN, NULL, 0);
	case 1: return conn_segment(f, c, false, TH_SYN | TH_ACK, NULL, 0);
	case 2: return conn_segment(f, c, true, TH_ACK, NULL, 0);
	case 3: return conn_segment(f, c, true, TH_FIN | TH_ACK, NULL, 0);
	case 4: return conn_segment(f, c, false, TH_FIN | TH_ACK, NULL, 0);
	default: return conn_segment(f, c, true, TH_ACK, NULL, 0);
	}
}

static size_t
po_next(uint8_t *f, uint64_t i, bool findings)
{
	uint64_t room, wait;
	struct conn *c;

	if (i == 0) {
		po_findings = findings;
		po_period_ns = out.period_ns;
		plant_build(findings);
		room = gen_count - (findings ? po_reserve : 0);
		wait = plant_total_wait / po_period_ns * 3 / 2;	/* the pauses, with a margin */
		room = room > wait + plant_n ? room - wait : plant_n;
		plant_every = (size_t)(room / (plant_n + 1));
		if (plant_every > 200)	/* keep planted conversations quick */
			plant_every = 200;
		if (plant_every < 2)
			fprintf(stderr, "pl-gen: policy: too few frames at this rate for every "
				"planted conversation\n");
		po_burst_start = gen_count / 2;
	}
	if (po_findings && !sa_mode && i >= po_burst_start &&
	    i < po_burst_start + PO_BURST_FRAMES) {
		out.period_ns = po_period_ns < PO_BURST_GAP_NS ? po_period_ns : PO_BURST_GAP_NS;
		return po_burst_frame(f, i - po_burst_start);
	}
	out.period_ns = po_period_ns;
	if (plant_next < plant_n && ++plant_since >= plant_every &&
	    out.t_ns >= plant_last_ns + plant_wait_ns[plant_next]) {
		plant_since = 0;
		plant_last_ns = out.t_ns;
		memcpy(f, plant_buf[plant_next], plant_len[plant_next]);
		return plant_len[plant_next++];
	}
	c = &pconns[rnd() % FM_CONC];
	if (!c->live)
		po_conn_start(c);
	return c->script == S_DNS ? po_dns_step(f, c) : conn_step(f, c);
}

static size_t
policy_next(uint8_t *f, uint64_t i)
{
	return po_next(f, i, true);
}

static size_t
policy_clean_next(uint8_t *f, uint64_t i)
{
	return po_next(f, i, false);
}

/* ---------------------------------------------------------------------------------------- */
/* The sample mix: what a first look at portlens should show                                */

/*
 * The policy mix's traffic and planted findings, with customers outside (192.0.2.0/24) on
 * the HTTPS front ends, so incoming and outgoing traffic mean something; one malformed frame
 * in SA_BAD_EVERY (a few kinds) and an ARP request in SA_ARP_EVERY; and, a third of the way
 * in, a client outside (198.18.0.9) that opens SA_FLOOD_CONNS connections to 443 within
 * about 50 ms, completes each handshake and then resets it: above the default connection
 * rate limit (rate_limit finding), and resets after establishment that are not failures.
 */
#define SA_FLOOD_CONNS	1100
#define SA_FLOOD_FRAMES	(4 * SA_FLOOD_CONNS)
#define SA_FLOOD_GAP_NS	10000ULL
#define SA_BAD_EVERY	97
#define SA_ARP_EVERY	211

/* Frame j of the flood: connection j / 4, step j % 4 (SYN, SYN-ACK, ACK, RST-ACK). */
static size_t
sa_flood_frame(uint8_t *f, uint64_t j)
{
	struct conn *c = &po_burst;
	uint32_t k = (uint32_t)(j / 4);
	struct addr a, b;

	switch (j % 4) {
	case 0:
		v4(&a, 198, 18, 0, 9);
		v4(&b, 10, 1, 0, (uint8_t)(11 + k % 3));
		pc_init(c, &a, &b, (uint16_t)(20000 + k), 443);
		return conn_segment(f, c, true, TH_SYN, NULL, 0);
	case 1: return conn_segment(f, c, false, TH_SYN | TH_ACK, NULL, 0);
	case 2: return conn_segment(f, c, true, TH_ACK, NULL, 0);
	default: return conn_segment(f, c, true, TH_RST | TH_ACK, NULL, 0);
	}
}

static size_t
sample_next(uint8_t *f, uint64_t i)
{
	static const enum kind bad[] = { K_BAD_RUNT, K_BAD_V4_SHORT, K_BAD_IHL, K_BAD_V4_LEN,
					 K_BAD_TCP_TRUNC, K_BAD_UDP_TRUNC, K_BAD_DOFF_SMALL };
	static uint64_t flood_start;

	if (i == 0) {
		sa_mode = true;
		po_reserve = SA_FLOOD_FRAMES + gen_count / SA_BAD_EVERY + gen_count / SA_ARP_EVERY;
		flood_start = gen_count / 3;
	}
	if (i >= flood_start && i < flood_start + SA_FLOOD_FRAMES) {
		out.period_ns = po_period_ns < SA_FLOOD_GAP_NS ? po_period_ns : SA_FLOOD_GAP_NS;
		return sa_flood_frame(f, i - flood_start);
	}
	if (i % SA_BAD_EVERY == SA_BAD_EVERY - 1) {
		out.period_ns = po_period_ns;
		return mixed_bad(f, bad[i / SA_BAD_EVERY % (sizeof(bad) / sizeof(bad[0]))]);
	}
	if (i % SA_ARP_EVERY == SA_ARP_EVERY - 1) {
		out.period_ns = po_period_ns;
		return mixed_one(f, K_ARP);
	}
	return po_next(f, i, true);
}

/* ---------------------------------------------------------------------------------------- */
/* Tunnels: every frame of a mix wrapped as mirrored traffic arrives                        */

/*
 * --encap wraps each frame the mix built, without drawing from the random stream, so the
 * inner frames and every timestamp are those of the same mix unwrapped: the two captures
 * hold the same traffic, one of them tunnelled. Outer headers come from VTEPs 192.0.2.1 and
 * 192.0.2.2 (2001:db8:7e9::1 and ::2 for IPv6 outers); their roles and the outer UDP source
 * port come from a hash of the inner frame, so the two directions of a connection use
 * different outer ports, as VTEPs do.
 */
enum encap {
	E_VXLAN, E_GENEVE, E_GRE, E_ERSPAN2, E_ERSPAN3, E_IPIP, E_MPLS, E_VXLAN6, E_COUNT
};

static const char *const encap_names[E_COUNT] = {
	"vxlan", "geneve", "gre", "erspan2", "erspan3", "ipip", "mpls", "vxlan6",
};

static uint32_t encap_set;	/* bit per enum encap in use; 0: frames unwrapped */
static uint32_t encap_turn;	/* rotates through encap_set */

/* FNV-1a over the first bytes of a frame: a per-frame value that costs no random draw. */
static uint32_t
frame_hash(const uint8_t *f, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len && i < 64; i++)
		h = (h ^ f[i]) * 16777619u;
	return h;
}

/* The ethertype after an inner frame's VLAN tags, and where its L3 header starts. */
static uint16_t
inner_l3(const uint8_t *f, size_t len, size_t *l3)
{
	size_t off = 12;
	uint16_t et;

	if (len < 14)
		return 0;
	et = (uint16_t)(f[off] << 8 | f[off + 1]);
	while ((et == ET_VLAN || et == ET_QINQ || et == ET_QINQ_OLD) && off + 6 <= len) {
		off += 4;
		et = (uint16_t)(f[off] << 8 | f[off + 1]);
	}
	*l3 = off + 2;
	return et;
}

/* Outer Ethernet (one VLAN tag when asked) and IP header for @p plen bytes of payload. */
static size_t
outer_ip(uint8_t *o, int ver, bool vlan, uint8_t proto, bool swap, size_t plen)
{
	size_t off = 12, ip;

	eth_macs(o);
	if (vlan) {
		put16(o + off, ET_VLAN);
		put16(o + off + 2, 42);
		off += 4;
	}
	put16(o + off, ver == 4 ? ET_IPV4 : ET_IPV6);
	ip = off + 2;
	if (ver == 4) {
		uint8_t *h = o + ip;

		memset(h, 0, 20);
		h[0] = 0x45;
		put16(h + 2, (uint16_t)(20 + plen));
		put16(h + 6, 0x4000);
		h[8] = 64;
		h[9] = proto;
		h[12] = h[16] = 192;
		h[14] = h[18] = 2;
		h[15] = swap ? 2 : 1;
		h[19] = swap ? 1 : 2;
		put16(h + 10, csum_fold(csum_add(0, h, 20)));
		return ip + 20;
	}
	memset(o + ip, 0, 40);
	o[ip] = 0x60;
	put16(o + ip + 4, (uint16_t)plen);
	o[ip + 6] = proto;
	o[ip + 7] = 64;
	for (int k = 0; k < 2; k++) {
		uint8_t *a = o + ip + 8 + 16 * k;

		put32(a, 0x20010db8);
		put16(a + 4, 0x07e9);
		a[15] = (uint8_t)(1 + ((k == 0) == swap));
	}
	return ip + 40;
}

/* A UDP header to @p dport covering @p plen bytes after it (checksum 0: RFC 6935 allows it
 * for tunnels over IPv6; tshark does not check it). */
static void
outer_udp(uint8_t *u, uint16_t sport, uint16_t dport, size_t plen)
{
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + plen));
	put16(u + 6, 0);
}

/*
 * Wrap frame @p f (len bytes) in encapsulation @p e into @p o; returns the new length.
 * IP-in-IP and MPLS carry the inner IP packet without its Ethernet header; a non-IP inner
 * frame goes into GRE (Ethernet bridging) or an MPLS pseudowire instead.
 */
static size_t
wrap(uint8_t *o, const uint8_t *f, size_t len, enum encap e)
{
	uint32_t h = frame_hash(f, len);
	bool swap = h & 1;
	uint16_t sport = (uint16_t)(49152 + (h >> 1) % 16384), et;
	size_t l3 = 0, off, hl;

	et = inner_l3(f, len, &l3);
	if (e == E_IPIP && et != ET_IPV4 && et != ET_IPV6)
		e = E_GRE;
	switch (e) {
	case E_VXLAN:
	case E_VXLAN6:
		off = outer_ip(o, e == E_VXLAN ? 4 : 6, e == E_VXLAN6, P_UDP, swap, 16 + len);
		outer_udp(o + off, sport, 4789, 8 + len);
		memset(o + off + 8, 0, 8);
		o[off + 8] = 0x08;
		put16(o + off + 12, 0x0100);	/* VNI 0x000100 */
		memcpy(o + off + 16, f, len);
		return off + 16 + len;
	case E_GENEVE:
		off = outer_ip(o, 4, false, P_UDP, swap, 24 + len);
		outer_udp(o + off, sport, 6081, 16 + len);
		memset(o + off + 8, 0, 16);
		o[off + 8] = 2;			/* 2 words of options */
		put16(o + off + 10, 0x6558);
		put16(o + off + 12, 0x0001);	/* VNI 0x000100 */
		put16(o + off + 16, 0x0103);	/* option class 0x0103, type 0x80, 1 word */
		o[off + 18] = 0x80;
		o[off + 19] = 1;
		memcpy(o + off + 24, f, len);
		return off + 24 + len;
	case E_GRE:
		off = outer_ip(o, 4, false, 47, swap, 8 + len);
		put16(o + off, 0x2000);		/* key present */
		put16(o + off + 2, 0x6558);
		put32(o + off + 4, 100);
		memcpy(o + off + 8, f, len);
		return off + 8 + len;
	case E_ERSPAN2:
		off = outer_ip(o, 4, false, 47, swap, 16 + len);
		put16(o + off, 0x1000);		/* sequence present: ERSPAN type II */
		put16(o + off + 2, 0x88be);
		put32(o + off + 4, h);
		put16(o + off + 8, 0x1000 | 42);	/* version 1, VLAN 42 */
		put16(o + off + 10, 7);		/* mirror ID 7 */
		put32(o + off + 12, 0);
		memcpy(o + off + 16, f, len);
		return off + 16 + len;
	case E_ERSPAN3:
		off = outer_ip(o, 6, false, 47, swap, 8 + 20 + len);
		put16(o + off, 0x1000);
		put16(o + off + 2, 0x22eb);
		put32(o + off + 4, h);
		memset(o + off + 8, 0, 20);
		put16(o + off + 8, 0x2000 | 42);	/* version 2, VLAN 42 */
		put16(o + off + 10, 7);
		put32(o + off + 12, h);		/* timestamp */
		o[off + 19] = 0x01;		/* O: platform sub-header follows */
		o[off + 20] = 0x0c;		/* sub-header platform id 3 */
		memcpy(o + off + 28, f, len);
		return off + 28 + len;
	case E_IPIP:
		hl = len - l3;
		off = outer_ip(o, 4, false, et == ET_IPV4 ? 4 : 41, swap, hl);
		memcpy(o + off, f + l3, hl);
		return off + hl;
	case E_MPLS:
	default:
		eth_macs(o);
		put16(o + 12, 0x8847);
		put32(o + 14, (16u << 12) | 64);			/* label 16 */
		if (et == ET_IPV4 || et == ET_IPV6) {
			put32(o + 18, ((uint32_t)(17 + (h & 7)) << 12) | 0x100 | 64);
			memcpy(o + 22, f + l3, len - l3);
			return 22 + len - l3;
		}
		put32(o + 18, (1000u << 12) | 0x100 | 64);	/* pseudowire label */
		put32(o + 22, 0);				/* control word */
		memcpy(o + 26, f, len);
		return 26 + len;
	}
}

/* Parse --encap LIST (names, or "all") into encap_set. */
static bool
encap_parse(const char *arg)
{
	char buf[256], *tok, *save = NULL;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		return false;
	encap_set = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool found = strcmp(tok, "all") == 0;

		if (found)
			encap_set |= (1u << E_COUNT) - 1;
		for (int e = 0; e < E_COUNT; e++)
			if (strcmp(tok, encap_names[e]) == 0) {
				encap_set |= 1u << e;
				found = true;
			}
		if (!found) {
			fprintf(stderr, "pl-gen: --encap: unknown encapsulation '%s'\n", tok);
			return false;
		}
	}
	return encap_set != 0;
}

/* The next encapsulation of encap_set, in turn. */
static enum encap
encap_next(void)
{
	while (!(encap_set & (1u << (encap_turn % E_COUNT))))
		encap_turn++;
	return (enum encap)(encap_turn++ % E_COUNT);
}

/* The tunnels mix: the policy mix (findings and all), every frame in a tunnel. */
static size_t
tunnels_next(uint8_t *f, uint64_t i)
{
	return policy_next(f, i);
}

/* ---------------------------------------------------------------------------------------- */
/* Command line                                                                             */

struct mix {
	const char *name;
	size_t (*next)(uint8_t *f, uint64_t i);
	const char *help;
	uint64_t min_count;	/* fewest frames the mix can be written in (0: any) */
};

static const struct mix mixes[] = {
	{ "mixed", mixed_next, "every frame kind, well-formed and malformed (default)", 0 },
	{ "random-ports", random_ports_next, "IPv4 TCP/UDP, half in/out, random dst ports", 0 },
	{ "imix", imix_next, "7:4:1 of 60/590/1514-byte frames (64/594/1518 with FCS)", 0 },
	{ "imix-flows", imix_flows_next, "imix sizes over 4096 recurring flows", 0 },
	{ "min64", min64_next, "60-byte TCP/UDP frames over 65536 flows", 0 },
	{ "finmark", finmark_next, "200 users, 443/8080/5432, full TCP lifecycles", 0 },
	{ "policy", policy_next, "clean FinMark-like traffic plus planted findings", 30000 },
	{ "policy-clean", policy_clean_next, "the policy mix without its findings", 12000 },
	{ "sample", sample_next, "the bundled sample: FinMark, findings, a flood, some malformed",
	  6000 },
	{ "tunnels", tunnels_next, "the policy mix, each frame in a tunnel (--encap all)", 30000 },
};

static void
usage(FILE *to)
{
	fprintf(to, "usage: pl-gen --out FILE [--mix NAME] [--count N] [--seed S]\n"
		"              [--start-ns T] [--pps R] [--nsec] [--encap LIST]\n"
		"  --mix NAME     traffic mix (default mixed):\n");
	for (size_t i = 0; i < sizeof(mixes) / sizeof(mixes[0]); i++)
		fprintf(to, "                   %-13s %s\n", mixes[i].name, mixes[i].help);
	fprintf(to, "  --count N      frames to write (default 10000)\n"
		"  --seed S       random seed (default 1); same arguments, same bytes\n"
		"  --start-ns T   first timestamp in ns since the epoch (default 1700000000 s)\n"
		"  --pps R        mean frame rate, frames per second (default 1000)\n"
		"  --nsec         nanosecond timestamps (default microsecond)\n"
		"  --encap LIST   wrap every frame of the mix in a tunnel, taking in turn each of\n"
		"                 LIST (comma-separated, or all): vxlan, geneve, gre, erspan2,\n"
		"                 erspan3, ipip, mpls, vxlan6; the inner frames and timestamps stay\n"
		"                 those of the mix (default: none; the tunnels mix: all)\n");
}

/* Parse an unsigned decimal of at most max into *v; false (with a message) if it is not one. */
static bool
parse_u64(const char *opt, const char *arg, uint64_t max, uint64_t *v)
{
	char *end;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9') {
		fprintf(stderr, "pl-gen: %s: '%s' is not a non-negative integer\n", opt, arg);
		return false;
	}
	*v = strtoull(arg, &end, 10);
	if (errno != 0 || *end != '\0' || *v > max) {
		fprintf(stderr, "pl-gen: %s: '%s' is not an integer in 0..%" PRIu64 "\n",
			opt, arg, max);
		return false;
	}
	return true;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mix", required_argument, NULL, 'm' },
		{ "count", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "start-ns", required_argument, NULL, 't' },
		{ "pps", required_argument, NULL, 'p' },
		{ "nsec", no_argument, NULL, 'n' },
		{ "encap", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct mix *mix = &mixes[0];
	uint64_t count = 10000, seed = 1, start = 1700000000ULL * 1000000000ULL, pps = 1000;
	const char *path = NULL;
	static uint8_t frame[FRAME_MAX], wrapped[FRAME_MAX + 128];
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		bool ok = true;

		switch (c) {
		case 'm':
			mix = NULL;
			for (size_t i = 0; i < sizeof(mixes) / sizeof(mixes[0]); i++)
				if (strcmp(optarg, mixes[i].name) == 0)
					mix = &mixes[i];
			if (mix == NULL) {
				fprintf(stderr, "pl-gen: --mix: unknown mix '%s'\n", optarg);
				ok = false;
			}
			break;
		case 'c': ok = parse_u64("--count", optarg, 1000000000ULL, &count); break;
		case 's': ok = parse_u64("--seed", optarg, UINT64_MAX, &seed); break;
		case 't': ok = parse_u64("--start-ns", optarg, UINT64_MAX / 2, &start); break;
		case 'p':
			ok = parse_u64("--pps", optarg, 1000000000ULL, &pps);
			if (ok && pps == 0) {
				fprintf(stderr, "pl-gen: --pps: must be at least 1\n");
				ok = false;
			}
			break;
		case 'o': path = optarg; break;
		case 'n': out.nsec = true; break;
		case 'e': ok = encap_parse(optarg); break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			if (optopt != 0)
				fprintf(stderr,
					"pl-gen: option '%s' needs an argument or is unknown\n",
					argv[optind - 1]);
			else
				fprintf(stderr, "pl-gen: unknown option '%s'\n", argv[optind - 1]);
			ok = false;
		}
		if (!ok) {
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "pl-gen: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (path == NULL) {
		fprintf(stderr, "pl-gen: --out FILE is required\n");
		usage(stderr);
		return 2;
	}

	if (count < mix->min_count) {
		fprintf(stderr, "pl-gen: --count: the %s mix needs at least %" PRIu64 " frames\n",
			mix->name, mix->min_count);
		return 2;
	}
	if (mix->next == tunnels_next && encap_set == 0)
		encap_set = (1u << E_COUNT) - 1;
	gen_count = count;
	rng_state = seed;
	mixed_init();
	out.t_ns = start;
	out.period_ns = 1000000000ULL / pps;
	out.pd = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535,
		out.nsec ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	if (out.pd == NULL) {
		fprintf(stderr, "pl-gen: cannot create a pcap handle\n");
		return 1;
	}
	out.dumper = pcap_dump_open(out.pd, path);
	if (out.dumper == NULL) {
		fprintf(stderr, "pl-gen: %s: %s\n", path, pcap_geterr(out.pd));
		pcap_close(out.pd);
		return 1;
	}
	for (uint64_t i = 0; i < count; i++) {
		size_t len = mix->next(frame, i);

		if (encap_set)
			emit(wrapped, wrap(wrapped, frame, len, encap_next()));
		else
			emit(frame, len);
	}
	if (pcap_dump_flush(out.dumper) != 0) {
		fprintf(stderr, "pl-gen: %s: write failed\n", path);
		pcap_dump_close(out.dumper);
		pcap_close(out.pd);
		return 1;
	}
	pcap_dump_close(out.dumper);
	pcap_close(out.pd);
	return 0;
}
