/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Parse once: L2-L4 header parsing, tunnels included.
 *
 * Every frame is parsed exactly once and the result is left in a per-mbuf dynamic field
 * (struct pl_meta), so nobody touches the headers again to learn the 5-tuple, the offsets or
 * the packet kind. Ethernet, 802.1Q, QinQ (outer 0x88a8 or 0x9100), IPv4 with options and
 * fragments (total length 0, as TSO/GSO frames captured on the sending host have, is read
 * from the frame), IPv6 with hop-by-hop, routing, destination-options and fragment extension
 * headers (jumbograms, RFC 2675, included), TCP, UDP, ICMP and ICMPv6 are understood.
 *
 * Tunnels that carry mirrored traffic are decapsulated (unless pl_parse_set_decap(0)): VXLAN
 * (UDP 4789), Geneve (UDP 6081), GRE (Ethernet, IPv4, IPv6, MPLS), ERSPAN types I/II/III,
 * IPv4/IPv6 in IP (protocols 4 and 41) and MPLS label stacks. pl_meta then describes the
 * innermost packet (offsets, ports, flags) and pl_meta.encap says which encapsulations were
 * stripped. A frame whose headers cannot be parsed, outer or inner, gets a malformed reason
 * (see PL_MALFORMED_REASONS) and nothing else.
 */
#ifndef PL_PARSE_H
#define PL_PARSE_H

#include <stdint.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Malformed reasons, defined once: X(name, "what it means").
 * Adding a reason is one line; counters, JSON and console pick it up.
 */
#define PL_MALFORMED_REASONS(X) \
	X(empty, "frame of zero bytes") \
	X(short_l2, "shorter than an Ethernet header") \
	X(vlan_truncated, "VLAN tag cut by the end of the frame") \
	X(vlan_too_many, "more VLAN tags than portlens steps over (8)") \
	X(ipv4_truncated, "IPv4 header cut by the end of the frame") \
	X(ipv4_bad_version, "IPv4 ethertype but version is not 4") \
	X(ipv4_bad_ihl, "IPv4 IHL below 5 or beyond the frame") \
	X(ipv4_bad_length, "IPv4 total length below the header or beyond the frame") \
	X(ipv6_truncated, "IPv6 header cut by the end of the frame") \
	X(ipv6_bad_version, "IPv6 ethertype but version is not 6") \
	X(ipv6_bad_length, "IPv6 payload length beyond the frame") \
	X(ipv6_ext_chain, "IPv6 extension header chain runs past the packet") \
	X(tcp_truncated, "TCP header cut by the end of the packet") \
	X(tcp_bad_offset, "TCP data offset below 5 or beyond the segment") \
	X(udp_truncated, "UDP header cut by the end of the packet") \
	X(udp_bad_length, "UDP length below 8 or beyond the packet") \
	X(icmp_truncated, "ICMP header cut by the end of the packet") \
	X(ipv6_bad_jumbo, "IPv6 payload length 0 with a hop-by-hop header but no valid Jumbo " \
	  "Payload option (RFC 2675)") \
	X(mpls_truncated, "MPLS label stack (or what its bottom label carries) cut by the end " \
	  "of the frame") \
	X(mpls_too_many, "more MPLS labels than portlens steps over (8)") \
	X(gre_truncated, "GRE header (with its checksum, key and sequence fields) cut by the " \
	  "end of the packet") \
	X(erspan_truncated, "ERSPAN header cut by the end of the packet") \
	X(vxlan_truncated, "VXLAN header cut by the end of the UDP datagram") \
	X(geneve_truncated, "Geneve header or its options cut by the end of the UDP datagram") \
	X(encap_too_deep, "tunnels nested deeper than portlens decapsulates (4)")

/** Malformed reason codes; PL_MALFORMED_NONE for a well-formed frame. */
enum pl_malformed {
	PL_MALFORMED_NONE = 0,
#define PL_X_ENUM(name, help) PL_MALFORMED_##name,
	PL_MALFORMED_REASONS(PL_X_ENUM)
#undef PL_X_ENUM
	PL_MALFORMED_MAX
};

/**
 * Encapsulations stripped to reach the analysed packet, defined once: X(name, "help").
 * Adding one is one line here (at most 8: pl_meta.encap is a bitmask); counters, JSON,
 * console and Prometheus pick it up.
 */
#define PL_ENCAP_KINDS(X) \
	X(vxlan, "VXLAN (UDP port 4789)") \
	X(geneve, "Geneve (UDP port 6081)") \
	X(gre, "GRE carrying Ethernet, IPv4, IPv6 or MPLS") \
	X(erspan_ii, "ERSPAN type I or II (GRE protocol 0x88BE)") \
	X(erspan_iii, "ERSPAN type III (GRE protocol 0x22EB)") \
	X(ipip, "IPv4 or IPv6 inside IPv4 or IPv6 (IP protocol 4 or 41)") \
	X(mpls, "MPLS label stack (ethertype 0x8847/0x8848)")

/** Encapsulation kinds; bit (1 << PL_ENCAP_x) of pl_meta.encap. */
enum pl_encap {
#define PL_X_ENUM(name, help) PL_ENCAP_##name,
	PL_ENCAP_KINDS(PL_X_ENUM)
#undef PL_X_ENUM
	PL_ENCAP_MAX
};

/** Most encapsulations stripped from one frame (an MPLS stack is one); more is malformed. */
#define PL_MAX_ENCAP 4

/** Packet kinds the worker dispatches on. */
enum pl_kind {
	PL_KIND_MALFORMED = 0, /**< headers could not be parsed: see pl_meta.malformed */
	PL_KIND_NON_IP,        /**< well-formed Ethernet, not IPv4/IPv6 (ARP, LLDP ...) */
	PL_KIND_IP,            /**< IPv4 or IPv6; see flags and l4_proto */
	PL_KIND_UNPARSED,      /**< not parsed yet: the RX lcore only chose the worker
	                        *   (pl_dist_pick()); the worker parses it */
};

/** Traffic direction relative to the local networks (DESIGN.md). */
enum pl_dir {
	PL_DIR_IN = 0,    /**< dst local, src not */
	PL_DIR_OUT,       /**< src local, dst not */
	PL_DIR_INTERNAL,  /**< both local */
	PL_DIR_EXTERNAL,  /**< neither local */
	PL_DIR_MAX
};

/* pl_meta.flags */
#define PL_F_IPV6      0x01 /**< IPv6 (else IPv4) */
#define PL_F_FRAGMENT  0x02 /**< a fragment (first or later): no L4 accounting */
#define PL_F_L4        0x04 /**< TCP/UDP ports valid (sport/dport) */
#define PL_F_FIRST_FRAG 0x08 /**< fragment offset 0 (first fragment) */
#define PL_F_VLAN      0x10 /**< at least one VLAN tag */
#define PL_F_QINQ      0x20 /**< two or more VLAN tags */
#define PL_F_IPOPT     0x40 /**< IPv4 options or IPv6 extension headers present */
#define PL_F_TUPLE_HASH 0x80 /**< mbuf hash.rss holds the canonical tuple's software hash
                             *   (pl_dist_hash_tuple(), set by pl_dist_pick()): the flow
                             *   table reuses it instead of hashing again */

/**
 * What the parser learnt about a frame. Lives in an mbuf dynamic field of 20 bytes (the
 * dynfield area is 36 bytes, 8 of which hold the RX timestamp). For a tunnelled frame every
 * field but encap describes the innermost packet: addresses are read from the packet at
 * l3_off (the inner IP header), ports and flags are the inner ones. Ports are in host byte
 * order. Packet time lives in DPDK's standard RX timestamp dynfield (pl_meta_time()).
 */
struct pl_meta {
	uint16_t l3_off;      /**< offset of the (innermost) IP header from the frame start */
	uint16_t l4_off;      /**< offset of the L4 header (valid when kind == IP) */
	uint16_t sport;       /**< TCP/UDP source port, host order (when PL_F_L4) */
	uint16_t dport;       /**< TCP/UDP destination port, host order (when PL_F_L4) */
	uint32_t payload_len; /**< L4 payload bytes, bounded by the IP length and the frame
	                       *   (beyond 65535 only in jumbograms and TSO frames) */
	uint8_t l4_hlen;      /**< L4 header length (payload starts at l4_off + l4_hlen) */
	uint8_t kind;         /**< enum pl_kind */
	uint8_t malformed;    /**< enum pl_malformed when kind == PL_KIND_MALFORMED */
	uint8_t l4_proto;     /**< IPPROTO_* of the final header (fragment: the next header) */
	uint8_t flags;        /**< PL_F_* */
	uint8_t dir;          /**< enum pl_dir; PL_DIR_MAX until looked up (RX lcore or worker) */
	uint8_t tcp_flags;    /**< TCP flags byte when l4_proto == TCP */
	uint8_t encap;        /**< encapsulations stripped: bit (1 << PL_ENCAP_x) per kind */
};

/** Most VLAN tags stepped over; more is malformed (vlan_truncated would mislead: too_many). */
#define PL_MAX_VLAN_TAGS 8

/**
 * Turn tunnel decapsulation on (the default) or off. Off, a tunnelled frame is analysed by
 * its outer headers (a VXLAN frame is UDP to port 4789, GRE is IP protocol 47, MPLS is
 * non-IP). Takes effect from the next frame parsed; safe to call while lcores parse.
 *
 * @param on  non-zero to decapsulate.
 */
void pl_parse_set_decap(int on);

/** Is decapsulation on? */
int pl_parse_decap(void);

/** Name of an encapsulation kind ("vxlan" ...), "unknown" out of range. */
const char *pl_encap_name(unsigned int kind);

/** Offset of the pl_meta dynamic field in every mbuf; set by pl_parse_init(). */
extern int pl_meta_offset;
/** Offset of the RX timestamp dynamic field (packet time, ns); set by pl_parse_init(). */
extern int pl_time_offset;
/** ol_flags bit a PMD sets when it filled the timestamp; set by pl_parse_init(). */
extern uint64_t pl_time_flag;
/** Offset of the wire length dynamic field (uint32), valid where pl_snap_flag is set. */
extern int pl_wire_offset;
/** ol_flags bit of a frame captured short of its length on the wire (a capture's snapshot
 * length): its mbuf holds the first bytes, pl_wire_offset the length; set by
 * pl_parse_init(), 0 before. */
extern uint64_t pl_snap_flag;

/**
 * Register the pl_meta dynamic field, the RX timestamp field and the wire length field and
 * flag. Call once after rte_eal_init(), before ports start.
 *
 * @return 0, or a negative errno.
 */
int pl_parse_init(void);

/**
 * The pl_meta of an mbuf.
 *
 * @param m  an mbuf from any pool (dynfields live in every mbuf).
 * @return pointer into the mbuf.
 */
static inline struct pl_meta *
pl_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, pl_meta_offset, struct pl_meta *);
}

/**
 * A frame's length on the wire: the mbuf's packet length, or, for a frame a capture holds
 * only the first bytes of (pl_snap_flag), the length the capture gives for it. Lengths in
 * the headers are checked against it and every byte count counts it, as tcpdump and tshark
 * count such a frame; only the bytes held are ever read.
 */
static inline uint32_t
pl_frame_len(const struct rte_mbuf *m)
{
	if (unlikely(m->ol_flags & pl_snap_flag))
		return *RTE_MBUF_DYNFIELD(m, pl_wire_offset, const uint32_t *);
	return rte_pktmbuf_pkt_len(m);
}

/**
 * Mark @p m as the first bytes of a frame of @p wire bytes (more than it holds).
 */
static inline void
pl_frame_set_wire(struct rte_mbuf *m, uint32_t wire)
{
	m->ol_flags |= pl_snap_flag;
	*RTE_MBUF_DYNFIELD(m, pl_wire_offset, uint32_t *) = wire;
}

/** Packet time of an mbuf, ns since the epoch (the RX timestamp dynfield). */
static inline uint64_t *
pl_meta_time(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, pl_time_offset, uint64_t *);
}

/** Offset of the L4 payload from the frame start. */
static inline uint32_t
pl_meta_payload_off(const struct pl_meta *meta)
{
	return (uint32_t)meta->l4_off + meta->l4_hlen;
}

/**
 * Parse one frame.
 *
 * Header reads stay within the first @p cap bytes; lengths claimed by headers are checked
 * against @p len. For a frame in one buffer both are the same.
 *
 * @param data  the frame, from the Ethernet header.
 * @param cap   bytes readable at @p data (contiguous).
 * @param len   the frame's length in bytes (as received, no FCS), >= cap.
 * @param meta  filled in completely (dir is left as it is).
 * @return meta->kind.
 */
enum pl_kind pl_parse_frame(const uint8_t *data, uint32_t cap, uint32_t len,
			    struct pl_meta *meta);

/**
 * Parse a burst of mbufs and fill their pl_meta; also sets the standard mbuf fields
 * (packet_type, l2_len, l3_len, l4_len) for the benefit of PMD offloads and tools.
 * Headers are read from the first segment; a chained frame whose first segment is short
 * has its first 512 bytes copied out first. Lengths are checked against the whole frame.
 *
 * @param pkts  the mbufs.
 * @param n     how many.
 */
void pl_parse_burst(struct rte_mbuf **pkts, uint16_t n);

/** Name of a malformed reason ("short_l2" ...), "none" for PL_MALFORMED_NONE. */
const char *pl_malformed_name(unsigned int reason);

/** Name of a direction: "in", "out", "internal", "external". */
const char *pl_dir_name(unsigned int dir);

#ifdef __cplusplus
}
#endif

#endif /* PL_PARSE_H */
