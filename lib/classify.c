/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The classifier's slow path and the per-frame chain (classify, duplicate table, MAC table,
 * counters, sample). Every read of the frame is preceded by a length check against len:
 * tests/unit/test_classify.c runs every case with the frame ending on a guard page.
 */
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>

#include "classify.h"
#include "duptab_dp.h"
#include "mactab_dp.h"

#define ARP_BODY_LEN		28	/* Ethernet/IPv4 ARP: 8 fixed + 2 * (6 + 4) */
#define IPV6_HLEN		40
#define IPPROTO_ICMPV6_		58

/* vb_cls_fast's table: the four EtherTypes in four different slots (a collision would drop one) */
_Static_assert(VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_ARP)) != VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_VLAN)) &&
	       VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_ARP)) != VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_QINQ)) &&
	       VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_ARP)) !=
	       VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_QINQ_OLD)) &&
	       VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_VLAN)) != VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_QINQ)) &&
	       VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_VLAN)) !=
	       VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_QINQ_OLD)) &&
	       VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_QINQ)) !=
	       VB_CLS_ET_SLOT(RTE_BE16(VB_ETYPE_QINQ_OLD)),
	       "the slow EtherTypes hash to four slots");

/* The chain indexes the kind counters by kind: the lists must stay in the enums' order. */
_Static_assert(VB_CLS_CTR_arp_malformed - VB_CLS_CTR_arp_request ==
	       VB_ARP_MALFORMED - VB_ARP_REQUEST, "ARP counters follow enum vb_arp_kind");
_Static_assert(VB_CLS_CTR_nd_malformed - VB_CLS_CTR_nd_rs == VB_ND_MALFORMED - VB_ND_RS,
	       "ND counters follow enum vb_nd_kind");

const char *
vb_arp_kind_name(unsigned int kind)
{
	static const char *const names[VB_ARP_KINDS] = {
		[VB_ARP_NONE] = "none",
		[VB_ARP_REQUEST] = "request",
		[VB_ARP_REPLY] = "reply",
		[VB_ARP_PROBE] = "probe",
		[VB_ARP_ANNOUNCE] = "announce",
		[VB_ARP_GRATUITOUS] = "gratuitous",
		[VB_ARP_OTHER] = "other",
		[VB_ARP_MALFORMED] = "malformed",
	};

	return kind < VB_ARP_KINDS ? names[kind] : "?";
}

const char *
vb_nd_kind_name(unsigned int kind)
{
	static const char *const names[VB_ND_KINDS] = {
		[VB_ND_NONE] = "none",
		[VB_ND_RS] = "rs",
		[VB_ND_RA] = "ra",
		[VB_ND_NS] = "ns",
		[VB_ND_DAD] = "dad",
		[VB_ND_NA] = "na",
		[VB_ND_REDIRECT] = "redirect",
		[VB_ND_MALFORMED] = "malformed",
	};

	return kind < VB_ND_KINDS ? names[kind] : "?";
}

static inline uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline bool
is_tpid(uint16_t et)
{
	return et == VB_ETYPE_VLAN || et == VB_ETYPE_QINQ || et == VB_ETYPE_QINQ_OLD;
}

static inline uint16_t
load16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t
load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t
load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The kind of a well-formed Ethernet/IPv4 ARP body p (28 bytes readable). */
static inline uint8_t
arp_kind(const uint8_t *p)
{
	uint32_t spa = load32(p + 14), tpa = load32(p + 24);
	bool same = spa == tpa;

	switch (be16(p + 6)) {
	case 1:
		if (spa == 0)
			return VB_ARP_PROBE;
		return same ? VB_ARP_ANNOUNCE : VB_ARP_REQUEST;
	case 2:
		return same ? VB_ARP_GRATUITOUS : VB_ARP_REPLY;
	default:
		return VB_ARP_OTHER;
	}
}

/*
 * p: the ARP body, n bytes of it readable. full: also copy the addresses out (what readers
 * show); the datapath only needs the kind, which it takes from the frame's bytes.
 */
static inline void
parse_arp(const uint8_t *p, uint32_t n, struct vb_cls *out, bool full)
{
	out->flags |= VB_CLS_ARP;
	/* htype 1, ptype 0x0800, hlen 6, plen 4: two loads and two compares, in frame order */
	if (n < ARP_BODY_LEN || load32(p) != RTE_BE32(0x00010800) ||
	    load16(p + 4) != RTE_BE16(0x0604)) {
		out->arp = VB_ARP_MALFORMED;
		out->flags |= VB_CLS_MALFORMED;
		return;
	}
	if (full) {
		out->arp_op = be16(p + 6);
		memcpy(out->arp_sha, p + 8, 6);
		memcpy(out->arp_spa, p + 14, 4);
		memcpy(out->arp_tha, p + 18, 6);
		memcpy(out->arp_tpa, p + 24, 4);
	}
	out->arp = arp_kind(p);
}

/* p: the IPv6 header, n bytes of it readable. full: as for parse_arp. */
static inline void
parse_ipv6(const uint8_t *p, uint32_t n, struct vb_cls *out, bool full)
{
	const uint8_t *icmp;
	uint32_t avail, need;
	uint8_t type;

	out->flags |= VB_CLS_IPV6;
	/* RFC 8200: a header whose version is not 6 is not IPv6, whatever the EtherType says */
	if (n < IPV6_HLEN || (p[0] >> 4) != 6) {
		out->flags |= VB_CLS_MALFORMED;
		return;
	}
	if (p[6] != IPPROTO_ICMPV6_)
		return;
	/* what the frame holds and what the header claims must both cover the message */
	avail = RTE_MIN(n - IPV6_HLEN, (uint32_t)be16(p + 4));
	if (avail < 1) {
		out->flags |= VB_CLS_MALFORMED;
		return;
	}
	icmp = p + IPV6_HLEN;
	type = icmp[0];
	switch (type) {
	case 133:
		out->nd = VB_ND_RS;
		need = 8;
		break;
	case 134:
		out->nd = VB_ND_RA;
		need = 16;
		break;
	case 135:
		out->nd = VB_ND_NS;
		need = 24;
		break;
	case 136:
		out->nd = VB_ND_NA;
		need = 24;
		break;
	case 137:
		out->nd = VB_ND_REDIRECT;
		need = 40;
		break;
	default:
		return;	/* other ICMPv6 (echo, MLD...): not ours */
	}
	out->flags |= VB_CLS_ND;
	if (avail < need) {
		out->nd = VB_ND_MALFORMED;
		out->flags |= VB_CLS_MALFORMED;
		return;
	}
	if (full) {
		memcpy(out->nd_src, p + 8, 16);
		if (need >= 24)
			memcpy(out->nd_target, icmp + 8, 16);
	}
	if (out->nd == VB_ND_NS && (load64(p + 8) | load64(p + 16)) == 0)
		out->nd = VB_ND_DAD;
}

/*
 * The one parser. full: every field of *out defined (zeroed first, addresses copied), for
 * vb_classify_slow's callers; otherwise only flags, arp, nd, nb_vlan, vlan[0..nb_vlan),
 * tpid[], ethertype and l3_off are written: all the chain reads, without a memset per frame.
 */
static inline uint32_t
parse_frame(const uint8_t *frame, uint32_t len, struct vb_cls *out, bool full)
{
	uint32_t off = VB_ETH_TYPE_OFF;
	uint16_t et;

	if (full) {
		memset(out, 0, sizeof(*out));
	} else {
		out->flags = 0;
		out->arp = VB_ARP_NONE;
		out->nd = VB_ND_NONE;
		out->nb_vlan = 0;
		out->ethertype = 0;
		out->l3_off = 0;
	}
	if (len >= 6) {
		/* broadcast: all 48 bits set; the first four bytes and the last two */
		if (load32(frame) == UINT32_MAX && be16(frame + 4) == 0xffff)
			out->flags |= VB_CLS_BCAST;
		else if ((frame[0] & 1) != 0)
			out->flags |= VB_CLS_MCAST;
	}
	if (len < VB_ETH_HLEN) {
		out->flags |= VB_CLS_MALFORMED;
		return out->flags;
	}
	et = be16(frame + off);
	while (is_tpid(et) && out->nb_vlan < 2) {
		out->flags |= VB_CLS_TAGGED;
		/* the tag: TPID (already read), TCI, then the next EtherType */
		if (len < off + 6) {
			out->flags |= VB_CLS_MALFORMED;
			out->ethertype = et;
			out->l3_off = (uint8_t)RTE_MIN(len, off + 2);
			return out->flags;
		}
		out->tpid[out->nb_vlan] = et;
		out->vlan[out->nb_vlan] = be16(frame + off + 2) & 0xfff;
		out->nb_vlan++;
		off += 4;
		et = be16(frame + off);
	}
	if (out->nb_vlan == 2)
		out->flags |= VB_CLS_QINQ;
	out->ethertype = et;
	off += 2;
	out->l3_off = (uint8_t)off;
	if (et == VB_ETYPE_ARP)
		parse_arp(frame + off, len - off, out, full);
	else if (et == VB_ETYPE_IPV6 && (out->flags & (VB_CLS_BCAST | VB_CLS_MCAST)) != 0)
		parse_ipv6(frame + off, len - off, out, full);
	return out->flags;
}

uint32_t
vb_classify_slow(const uint8_t *frame, uint32_t len, struct vb_cls *out)
{
	return parse_frame(frame, len, out, true);
}

/* Add a table's events of one frame to the per-port counters. */
static inline void
add_tab_ctrs(uint64_t *inserts, uint64_t *evictions, uint64_t *torn,
	     const struct vb_tab_ctrs *ev)
{
	if (ev->inserts != 0)
		__atomic_store_n(inserts, *inserts + ev->inserts, __ATOMIC_RELAXED);
	if (ev->evictions != 0)
		__atomic_store_n(evictions, *evictions + ev->evictions, __ATOMIC_RELAXED);
	if (ev->torn != 0)
		__atomic_store_n(torn, *torn + ev->torn, __ATOMIC_RELAXED);
}

/* What the first pass over a chunk leaves for the second. */
struct cls_work {
	uint64_t dup_h;		/* duplicate-table hash; valid when DUP_KEYED */
	uint64_t src_key;	/* MAC-table keys, VB_MAC_NO_KEY: none */
	uint64_t dst_key;
	uint32_t f;		/* VB_CLS_* of the bytes, DUP_KEYED */
	uint32_t kinds;		/* arp kind << RUN_ARP_SHIFT | nd kind << RUN_ND_SHIFT */
};

/*
 * Frames per chunk: bounds the stack and the bucket prefetches in flight (3 per frame). A
 * burst of 32 is one chunk: with 16, bench_classify's storms took 3-5 % longer.
 */
#define CLS_CHUNK	32

/* cls_work.f bit (above the VB_CLS_* ones): the frame goes to the duplicate table. */
#define DUP_KEYED	(1u << 31)

/* The MAC table's bits are the classifier's, shifted: one shift and an or per frame. */
#define MAC_FLAG_SHIFT	11
_Static_assert(VB_MAC_MOVED << MAC_FLAG_SHIFT == VB_CLS_MAC_MOVED &&
	       VB_MAC_WOULD_FILTER << MAC_FLAG_SHIFT == VB_CLS_WOULD_FILTER,
	       "MAC table bits map onto the flags by a shift");

/*
 * A frame's counters are a function of its flags and kinds (its "signature"); a burst is
 * counted by runs of equal signatures, one add per counter per run: a storm is one run.
 */
#define RUN_FLAGS_MASK	0xffffu
#define RUN_ARP_SHIFT	16
#define RUN_ND_SHIFT	20
_Static_assert(VB_CLS_SHADOW <= RUN_FLAGS_MASK && VB_ARP_KINDS <= 16 && VB_ND_KINDS <= 16,
	       "a signature holds the flags and both kinds");

/* Count n frames of signature sig into ctx->ctrs. */
static void
count_run(const struct vb_cls_ctx *ctx, uint32_t sig, uint64_t n)
{
	struct vb_cls_ctrs *k = ctx->ctrs;
	unsigned int arp = (sig >> RUN_ARP_SHIFT) & 0xf, nd = (sig >> RUN_ND_SHIFT) & 0xf;

	if (sig & VB_CLS_BCAST)
		vb_ctr_add(&k->bcast, n);
	if (sig & VB_CLS_MCAST)
		vb_ctr_add(&k->mcast, n);
	if (sig & VB_CLS_TAGGED)
		vb_ctr_add(&k->tagged, n);
	if (sig & VB_CLS_QINQ)
		vb_ctr_add(&k->qinq, n);
	if (sig & VB_CLS_MALFORMED)
		vb_ctr_add(&k->malformed, n);
	if (arp != VB_ARP_NONE)
		vb_ctr_add(&k->v[VB_CLS_CTR_arp_request + arp - VB_ARP_REQUEST], n);
	if (nd != VB_ND_NONE)
		vb_ctr_add(&k->v[VB_CLS_CTR_nd_rs + nd - VB_ND_RS], n);
	if (sig & VB_CLS_DUPLICATE)
		vb_ctr_add(&k->duplicate, n);
	if (sig & VB_CLS_REFLECTED)
		vb_ctr_add(&k->reflected, n);
	if (sig & VB_CLS_LOOPED)
		vb_ctr_add(&k->looped, n);
	if (sig & VB_CLS_MAC_MOVED)
		vb_ctr_add(&k->mac_moves, n);
	if (sig & VB_CLS_WOULD_FILTER)
		vb_ctr_add(&k->would_be_filtered, n);
	if ((sig & ctx->sample_mask) != 0 && ctx->samples != NULL)
		vb_ctr_add(&k->samples, n);
}

/*
 * Pass 1's hashes and prefetches, one function per duplicate-table hash: HASH is the table's
 * inline hash (vb_duptab_hash_crc, vb_duptab_hash_aes). The context in registers: the
 * compiler cannot tell that w[] does not alias it.
 */
#define CHUNK_HASH_LOOP(HASH)								\
	do {										\
		const void *dup = ctx->duptab, *mac = ctx->mactab;			\
		const uint8_t rx_port = ctx->rx_port, tx_port = ctx->tx_port;		\
		unsigned int i;								\
											\
		for (i = 0; i < n; i++) {						\
			if (w[i].f & DUP_KEYED) {					\
				w[i].dup_h = HASH(dup, pkts[i].data, pkts[i].len,	\
						  pkts[i].pkt_len, rx_port, tx_port);	\
				vb_duptab_prefetch(dup, w[i].dup_h);			\
			}								\
			vb_mactab_prefetch(mac, w[i].src_key);				\
			vb_mactab_prefetch(mac, w[i].dst_key);				\
		}									\
	} while (0)

static void
chunk_hash_crc(const struct vb_cls_ctx *ctx, const struct vb_cls_pkt *pkts, unsigned int n,
	       struct cls_work *w)
{
	CHUNK_HASH_LOOP(vb_duptab_hash_crc);
}

#ifdef VB_DUP_HAVE_AES
static VB_DUP_TARGET_AES void
chunk_hash_aes(const struct vb_cls_ctx *ctx, const struct vb_cls_pkt *pkts, unsigned int n,
	       struct cls_work *w)
{
	CHUNK_HASH_LOOP(vb_duptab_hash_aes);
}
#endif

/*
 * Pass 1 over a chunk: parse, compute every table key and start loading its bucket. Nothing
 * waits for a bucket here; pass 2 finds them in cache.
 */
static inline void
chunk_parse(const struct vb_cls_ctx *ctx, const struct vb_cls_pkt *pkts, unsigned int n,
	    struct cls_work *w)
{
	const uint32_t dup_keyed = ctx->duptab != NULL ? DUP_KEYED : 0;
	const bool mac = ctx->mactab != NULL;
	unsigned int i;

	for (i = 0; i < n; i++) {
		const uint8_t *frame = pkts[i].data;
		uint32_t len = pkts[i].len;
		struct vb_cls c;
		uint32_t f;

		/*
		 * A storm's frame: untagged Ethernet/IPv4 ARP to broadcast, the whole body there.
		 * What parse_frame finds in it, read with three loads: the destination, and
		 * EtherType, htype, ptype, hlen and plen as one word.
		 */
		if (len >= VB_ETH_HLEN + ARP_BODY_LEN &&
		    (load64(frame) | RTE_BE64(UINT64_C(0xffff))) == UINT64_MAX &&
		    load64(frame + VB_ETH_TYPE_OFF) == RTE_BE64(UINT64_C(0x0806000108000604))) {
			w[i].f = VB_CLS_BCAST | VB_CLS_ARP | dup_keyed;
			w[i].kinds = (uint32_t)arp_kind(frame + VB_ETH_HLEN) << RUN_ARP_SHIFT;
			w[i].src_key = mac ? vb_mactab_key(frame + VB_ETH_SRC_OFF, 0, ctx->pair) :
					     VB_MAC_NO_KEY;
			w[i].dst_key = VB_MAC_NO_KEY;	/* a group address */
			continue;
		}
		f = parse_frame(frame, len, &c, false);
		if ((f & (VB_CLS_BCAST | VB_CLS_MCAST)) != 0 && len >= VB_ETH_HLEN)
			f |= dup_keyed;
		if (len >= VB_ETH_HLEN && mac) {
			uint16_t vlan = c.nb_vlan > 0 ? c.vlan[0] : 0;

			w[i].src_key = vb_mactab_key(frame + VB_ETH_SRC_OFF, vlan, ctx->pair);
			w[i].dst_key = vb_mactab_key(frame + VB_ETH_DST_OFF, vlan, ctx->pair);
		} else {
			w[i].src_key = VB_MAC_NO_KEY;
			w[i].dst_key = VB_MAC_NO_KEY;
		}
		w[i].f = f;
		w[i].kinds = (uint32_t)c.arp << RUN_ARP_SHIFT | (uint32_t)c.nd << RUN_ND_SHIFT;
	}
	/*
	 * The hashes in a loop of their own: independent chains that the CPU runs side by side,
	 * where one per parsed frame would wait for each chain's latency in turn. The table's
	 * hash is asked once per chunk; the AES loop is built for AES, the hash inline in it.
	 */
#ifdef VB_DUP_HAVE_AES
	if (ctx->duptab != NULL && vb_duptab_hash_kind(ctx->duptab) == VB_DUP_HASH_AES)
		chunk_hash_aes(ctx, pkts, n, w);
	else
#endif
		chunk_hash_crc(ctx, pkts, n, w);
}

void
vb_cls_burst_slow(const struct vb_cls_ctx *ctx, const struct vb_cls_pkt *pkts, unsigned int nb,
		  uint64_t now, uint32_t *flags)
{
	static const uint32_t dup_flag[] = {
		[VB_DUP_NEW] = 0,
		[VB_DUP_DUPLICATE] = VB_CLS_DUPLICATE,
		[VB_DUP_REFLECTED] = VB_CLS_REFLECTED,
		[VB_DUP_LOOPED] = VB_CLS_LOOPED,
	};
	struct vb_cls_ctrs *k = ctx->ctrs;
	struct cls_work w[CLS_CHUNK];
	struct vb_tab_ctrs dev = { 0 }, mev = { 0 };
	/* the context in registers: the tables' stores could alias it */
	void *const duptab = ctx->duptab, *const mactab = ctx->mactab, *const samples = ctx->samples;
	const uint32_t sample_mask = ctx->sample_mask;
	const uint8_t rx_port = ctx->rx_port, tx_port = ctx->tx_port;
	const struct vb_duptab_hdr dup_hdr = duptab != NULL ? *(const struct vb_duptab_hdr *)duptab :
					     (struct vb_duptab_hdr){ .magic = 0 };
	struct vb_way *const dup_ents = duptab != NULL ? dup_ents_of(duptab) : NULL;
	/* the MAC keys of the frame before; before the first, "none", for which m is 0 */
	uint64_t prev_src = VB_MAC_NO_KEY, prev_dst = VB_MAC_NO_KEY;
	uint64_t suppressed = 0, run_n = 0;
	uint32_t run_sig = 0, m = 0;
	bool sample_open = samples != NULL;
	unsigned int base, i, n;

	for (base = 0; base < nb; base += n) {
		n = RTE_MIN(nb - base, (unsigned int)CLS_CHUNK);
		chunk_parse(ctx, pkts + base, n, w);
		/* Pass 2: the tables, in frame order (each table sees the frames as they came). */
		for (i = 0; i < n; i++) {
			const struct vb_cls_pkt *pk = &pkts[base + i];
			uint32_t f = w[i].f, sig;

			if (f & DUP_KEYED)
				f |= dup_flag[vb_duptab_lookup_in(&dup_hdr, dup_ents, w[i].dup_h,
								  pk->pkt_len, rx_port, tx_port,
								  now, &dev)];
			/*
			 * m: the MAC table's answer. A frame with the same keys as the frame just
			 * before it (a storm from one host, a flow) finds the table as that frame
			 * left it at the same `now`: its source is steady on this port (no move,
			 * nothing written) and its destination's answer is the same, so the table
			 * is not asked again.
			 */
			if (w[i].src_key != prev_src || w[i].dst_key != prev_dst) {
				m = (w[i].src_key & w[i].dst_key) == VB_MAC_NO_KEY ? 0 :
				    vb_mactab_lookup(mactab, w[i].dst_key, w[i].src_key, rx_port,
						     now, &mev);
				prev_src = w[i].src_key;
				prev_dst = w[i].dst_key;
			} else {
				m &= VB_MAC_WOULD_FILTER;
			}
			f = (f & ~DUP_KEYED) | m << MAC_FLAG_SHIFT;
			/*
			 * The token bucket refills with time only, and now is the burst's: once it
			 * refuses, it refuses the rest of the burst, which is then counted as
			 * suppressed without a call and without a look at the frame.
			 */
			if ((f & sample_mask) != 0 && samples != NULL) {
				if (sample_open)
					sample_open = vb_sample_put(samples, now, f, rx_port,
								    ctx->rx_queue, pk->data, pk->len,
								    pk->pkt_len);
				else
					suppressed++;
			}
			sig = f | w[i].kinds;
			if (sig != run_sig) {
				if (run_n != 0)
					count_run(ctx, run_sig, run_n);
				run_sig = sig;
				run_n = 0;
			}
			run_n++;
			flags[base + i] = f;
		}
	}
	if (run_n != 0 && run_sig != 0)
		count_run(ctx, run_sig, run_n);
	add_tab_ctrs(&k->dup_inserts, &k->dup_evictions, &k->dup_torn, &dev);
	add_tab_ctrs(&k->mac_inserts, &k->mac_evictions, &k->mac_torn, &mev);
	if (suppressed != 0)
		vb_sample_suppressed(samples, suppressed);
}

uint32_t
vb_cls_frame_slow(const struct vb_cls_ctx *ctx, const uint8_t *frame, uint32_t len,
		  uint32_t pkt_len, uint64_t now)
{
	const struct vb_cls_pkt pk = { .data = frame, .len = len, .pkt_len = pkt_len };
	uint32_t f;

	vb_cls_burst_slow(ctx, &pk, 1, now, &f);
	return f;
}
