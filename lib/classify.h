/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame classifier: a pure function over a frame's bytes that says what a learning bridge
 * or a network engineer would want to know about it (broadcast, VLAN tags, ARP kind, IPv6
 * neighbour discovery kind, malformed). No allocation, no logging, no EAL: unit-testable and
 * fuzzable on its own.
 *
 * The fast path (vb_cls_fast) is a look at the destination MAC's I/G bit and the EtherType:
 * a unicast frame that is neither ARP nor VLAN-tagged is "plain" and nothing else is read.
 * Everything else goes to the out-of-line slow path (vb_classify_slow).
 *
 * Consequence worth knowing: unicast IPv6 ND (NUD probes, solicited NAs) and unicast IPv4
 * are not parsed; multicast NS (address resolution, DAD) and all-nodes NAs are.
 *
 * Kinds of ARP (Ethernet/IPv4 ARP, RFC 826, named as RFC 5227 names them). Exactly one kind
 * per ARP frame, tested in this order:
 *   MALFORMED   shorter than the 28-byte Ethernet/IPv4 ARP body, or htype != 1,
 *               ptype != 0x0800, hlen != 6 or plen != 4 (an ARP that cannot be Ethernet/IPv4
 *               on this wire); the frame is also flagged VB_CLS_MALFORMED;
 *   OTHER       well-formed header, opcode neither 1 (request) nor 2 (reply)
 *               (RARP, InARP, garbage);
 *   PROBE       request with sender IP 0.0.0.0 (RFC 5227 2.1.1: "is anyone using TPA?");
 *   ANNOUNCE    request with sender IP == target IP (RFC 5227 2.3 announcement, also called
 *               a gratuitous request);
 *   REQUEST     any other request;
 *   GRATUITOUS  reply with sender IP == target IP (a gratuitous reply, RFC 5227 3);
 *   REPLY       any other reply.
 * So "all gratuitous ARP" = ANNOUNCE + GRATUITOUS, "all requests" = REQUEST + PROBE + ANNOUNCE.
 *
 * Kinds of IPv6 neighbour discovery (RFC 4861), recognised when the IPv6 next header is
 * ICMPv6 (58) directly (ND never uses extension headers in practice):
 *   RS, RA, NS, NA, REDIRECT  ICMPv6 types 133..137;
 *   DAD        an NS whose IPv6 source is :: (RFC 4862 duplicate address detection; counted
 *              instead of NS, not as well);
 *   MALFORMED  ICMPv6 shorter than the message's fixed part (RS 8, RA 16, NS/NA 24,
 *              redirect 40 bytes), or an IPv6 payload length too short for it; the frame is
 *              also flagged VB_CLS_MALFORMED.
 * A frame too short for its IPv6 header is flagged VB_CLS_MALFORMED with no ND kind. So is a
 * frame whose EtherType is IPv6 but whose header's version field is not 6 (RFC 8200: that is
 * not an IPv6 packet, and a host drops it as a header error): it counts as IPV6 (the
 * EtherType) and MALFORMED, never as any ND kind, whatever ICMPv6 type follows.
 *
 * VLAN tags: TPIDs 0x8100, 0x88a8 and 0x9100, up to two (outer first). A third tag is left
 * unparsed (ethertype then holds its TPID); it is not malformed.
 */
#ifndef VB_CLASSIFY_H
#define VB_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>

#include "counters.h"
#include "duptab.h"
#include "mactab.h"
#include "sample.h"

#define VB_ETH_HLEN		14
#define VB_ETH_DST_OFF		0	/* destination MAC, always at the start */
#define VB_ETH_SRC_OFF		6	/* source MAC */
#define VB_ETH_TYPE_OFF		12

#define VB_ETYPE_ARP		0x0806
#define VB_ETYPE_IPV6		0x86dd
#define VB_ETYPE_VLAN		0x8100
#define VB_ETYPE_QINQ		0x88a8
#define VB_ETYPE_QINQ_OLD	0x9100

/*
 * Result flags. The low byte is what the classifier finds in the bytes; the next bits are
 * what the tables add (vb_cls_frame). The same bits are the "reason" of a sample.
 */
#define VB_CLS_BCAST		(1u << 0)	/* destination ff:ff:ff:ff:ff:ff */
#define VB_CLS_MCAST		(1u << 1)	/* destination I/G bit set, not broadcast */
#define VB_CLS_TAGGED		(1u << 2)	/* at least one VLAN tag */
#define VB_CLS_QINQ		(1u << 3)	/* two (or more) VLAN tags */
#define VB_CLS_ARP		(1u << 4)	/* EtherType ARP after the tags; see arp kind */
#define VB_CLS_ND		(1u << 5)	/* IPv6 ICMPv6 ND message; see nd kind */
#define VB_CLS_IPV6		(1u << 6)	/* EtherType IPv6 after the tags */
#define VB_CLS_MALFORMED	(1u << 7)	/* runt, cut tag, bad ARP/ND; still forwarded */
#define VB_CLS_DUPLICATE	(1u << 8)	/* vb_cls_frame: duptab said DUPLICATE */
#define VB_CLS_REFLECTED	(1u << 9)	/* vb_cls_frame: duptab said REFLECTED */
#define VB_CLS_LOOPED		(1u << 10)	/* vb_cls_frame: duptab said LOOPED */
#define VB_CLS_MAC_MOVED	(1u << 11)	/* vb_cls_frame: source MAC changed side */
#define VB_CLS_WOULD_FILTER	(1u << 12)	/* vb_cls_frame: a learning bridge drops it */
#define VB_CLS_FILTER		(1u << 13)	/* sampled because it matched the sample filter */
#define VB_CLS_POLICY		(1u << 14)	/* denied by a policy rule (its number: the tag) */
#define VB_CLS_SHADOW		(1u << 15)	/* with VB_CLS_POLICY: shadow mode, forwarded */

/* What vb_cls_frame samples unless told otherwise: the frames that explain a fault. */
#define VB_CLS_SAMPLE_DEFAULT	(VB_CLS_ARP | VB_CLS_ND | VB_CLS_DUPLICATE | VB_CLS_REFLECTED | \
				 VB_CLS_LOOPED | VB_CLS_MAC_MOVED | VB_CLS_WOULD_FILTER)

enum vb_arp_kind {
	VB_ARP_NONE = 0,	/* not ARP */
	VB_ARP_REQUEST,
	VB_ARP_REPLY,
	VB_ARP_PROBE,
	VB_ARP_ANNOUNCE,
	VB_ARP_GRATUITOUS,
	VB_ARP_OTHER,
	VB_ARP_MALFORMED,
	VB_ARP_KINDS
};

enum vb_nd_kind {
	VB_ND_NONE = 0,		/* not ND */
	VB_ND_RS,
	VB_ND_RA,
	VB_ND_NS,
	VB_ND_DAD,
	VB_ND_NA,
	VB_ND_REDIRECT,
	VB_ND_MALFORMED,
	VB_ND_KINDS
};

/*
 * What the slow path found. Only flags is written by the fast path; the other fields are
 * valid as the flags say (vlan/tpid when TAGGED, arp_* when arp is neither NONE nor
 * MALFORMED, nd_* when nd is neither NONE nor MALFORMED). Addresses are in network order,
 * as in the frame.
 */
struct vb_cls {
	uint32_t flags;		/* VB_CLS_* */
	uint8_t arp;		/* enum vb_arp_kind */
	uint8_t nd;		/* enum vb_nd_kind */
	uint8_t nb_vlan;	/* tags parsed, 0..2 */
	uint8_t l3_off;		/* offset of the payload after the Ethernet header and tags */
	uint16_t ethertype;	/* host order; the first one after the parsed tags */
	uint16_t vlan[2];	/* VLAN ids (TCI & 0xfff), outer first */
	uint16_t tpid[2];	/* host order */
	uint16_t arp_op;	/* host order */
	uint8_t arp_sha[6];	/* sender MAC */
	uint8_t arp_tha[6];	/* target MAC */
	uint8_t arp_spa[4];	/* sender IPv4 */
	uint8_t arp_tpa[4];	/* target IPv4 */
	uint8_t nd_src[16];	/* IPv6 source */
	uint8_t nd_target[16];	/* NS/NA/redirect target; zero for RS/RA */
};

/*
 * The caller's per-port classifier counters: struct vb_cls_ctrs, made from VB_CLS_CTR_LIST
 * (counters.h), which also names and describes them (vb_cls_ctr_desc).
 */

/* Name of an ARP / ND kind ("request", "dad", ...); "?" when out of range. */
const char *vb_arp_kind_name(unsigned int kind);
const char *vb_nd_kind_name(unsigned int kind);

/* Single writer add: plain load and store, no lock prefix (counters.h vb_ctr_add). */
static inline void
vb_cls_ctr_inc(uint64_t *ctr)
{
	vb_ctr_add(ctr, 1);
}

/*
 * The four EtherTypes that send a unicast frame to the slow path (ARP and the three TPIDs),
 * as the frame holds them (network order), each in its own slot of a perfect hash: one
 * multiply, one load and one compare per frame instead of four compares. The multiplier was
 * searched so that the four values fall in four slots in either byte order (asserted where
 * the table is used, lib/classify.c).
 */
#define VB_CLS_ET_MUL		0x645b2361u
#define VB_CLS_ET_SLOT(raw)	((uint32_t)(uint16_t)(raw) * VB_CLS_ET_MUL >> 30)

static const uint16_t vb_cls_slow_et[4] = {
	[VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_ARP))] = RTE_BE16(VB_ETYPE_ARP),
	[VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_VLAN))] = RTE_BE16(VB_ETYPE_VLAN),
	[VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_QINQ))] = RTE_BE16(VB_ETYPE_QINQ),
	[VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_QINQ_OLD))] = RTE_BE16(VB_ETYPE_QINQ_OLD),
};

/*
 * Fast-path test: true when the frame is "plain" (at least an Ethernet header, unicast
 * destination, EtherType neither ARP nor a VLAN TPID) and needs no further look.
 * Reads bytes 0 and 12..13 only, and only when len >= 14.
 */
static inline bool
vb_cls_fast(const uint8_t *frame, uint32_t len)
{
	uint16_t et;

	if (unlikely(len < VB_ETH_HLEN) || (frame[0] & 1) != 0)
		return false;
	memcpy(&et, frame + VB_ETH_TYPE_OFF, sizeof(et));	/* network order */
	return vb_cls_slow_et[VB_CLS_ET_SLOT(et)] != et;
}

/*
 * Slow path: fill *out from the len bytes at frame. Never reads frame[len] or beyond, never
 * fails: whatever it cannot parse is flagged VB_CLS_MALFORMED. Returns out->flags.
 */
uint32_t vb_classify_slow(const uint8_t *frame, uint32_t len, struct vb_cls *out);

/*
 * Classify a frame of len readable bytes (for a multi-segment mbuf: the first segment's
 * data length; headers are always there). Returns the VB_CLS_* flags found in the bytes;
 * 0 means a plain unicast frame, in which case only out->flags was written.
 */
static inline uint32_t
vb_classify(const uint8_t *frame, uint32_t len, struct vb_cls *out)
{
	if (likely(vb_cls_fast(frame, len))) {
		out->flags = 0;
		return 0;
	}
	return vb_classify_slow(frame, len, out);
}

/*
 * Everything vb_cls_frame needs for one path (rx port -> tx port, one rx queue), set up once
 * by the lcore that owns the path; the datapath only reads it. Any table pointer may be NULL
 * to switch that stage off.
 */
struct vb_cls_ctx {
	void *duptab;			/* shared by all lcores (vb_duptab_init) */
	void *mactab;			/* shared by all lcores (vb_mactab_init) */
	void *samples;			/* this lcore's ring (vb_sample_init) */
	struct vb_cls_ctrs *ctrs;	/* this lcore's counters for rx_port; never NULL */
	uint32_t sample_mask;		/* flags that make a frame sampled; VB_CLS_SAMPLE_DEFAULT */
	uint8_t rx_port;		/* bridge port index the frame arrived on */
	uint8_t tx_port;		/* its peer, where the frame is forwarded */
	uint8_t pair;			/* < VB_MAC_MAX_PAIRS, the same on both ports of a pair */
	uint8_t mac_unicast;		/* 1: run the MAC table on plain unicast frames too */
	uint16_t rx_queue;
};

/*
 * Slow part of vb_cls_frame: classify, then for broadcast/multicast consult and update the
 * duplicate table, run the MAC table (move, would-be-filtered), count into ctx->ctrs and
 * offer the frame to the sample ring when its flags meet ctx->sample_mask.
 * frame/len: readable bytes; pkt_len: the whole frame's length (for the duplicate key and the
 * sample's original length); now: the TSC, read once per burst by the caller.
 * Returns all VB_CLS_* flags of the frame.
 */
uint32_t vb_cls_frame_slow(const struct vb_cls_ctx *ctx, const uint8_t *frame, uint32_t len,
			   uint32_t pkt_len, uint64_t now);

/* One frame of a burst handed to the slow path. */
struct vb_cls_pkt {
	const uint8_t *data;	/* the frame's readable bytes */
	uint32_t len;		/* how many (a multi-segment mbuf: its first segment's) */
	uint32_t pkt_len;	/* the whole frame's length */
};

/*
 * vb_cls_frame_slow over nb frames at once, with the same results, counters and samples as
 * nb calls in order (tests/unit/test_classify.c checks it): each frame is parsed and its
 * table keys hashed (duptab.h) and their buckets prefetched for a chunk of frames before any
 * lookup, so the cache misses of the duplicate and MAC tables overlap instead of adding up
 * (VPP's dual loops, rte_hash_lookup_bulk). flags[i] gets frame i's VB_CLS_* flags.
 * Sampling asks the token bucket first and copies only what it grants.
 */
void vb_cls_burst_slow(const struct vb_cls_ctx *ctx, const struct vb_cls_pkt *pkts,
		       unsigned int nb, uint64_t now, uint32_t *flags);

/*
 * Does a frame need the slow path under ctx? False for a plain unicast frame when the MAC
 * table does not learn from unicast (the fast path: bytes 0 and 12..13 read).
 */
static inline bool
vb_cls_needs_slow(const struct vb_cls_ctx *ctx, const uint8_t *frame, uint32_t len)
{
	return unlikely(!vb_cls_fast(frame, len)) || unlikely(ctx->mac_unicast != 0);
}

/*
 * The one call the forwarding loop makes per received frame. A plain unicast frame costs
 * the fast-path header look (plus the MAC table when ctx->mac_unicast is set) and returns 0.
 * Never changes the frame and never decides its fate: every frame is still forwarded.
 */
static inline uint32_t
vb_cls_frame(const struct vb_cls_ctx *ctx, const uint8_t *frame, uint32_t len, uint32_t pkt_len,
	     uint64_t now)
{
	if (likely(vb_cls_fast(frame, len)) && likely(ctx->mac_unicast == 0))
		return 0;
	return vb_cls_frame_slow(ctx, frame, len, pkt_len, now);
}

#endif /* VB_CLASSIFY_H */
