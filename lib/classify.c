/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The classifier's slow path and the per-frame chain (classify, duplicate table, MAC table,
 * counters, sample). Every read of the frame is preceded by a length check against len:
 * tests/unit/test_classify.c runs every case with the frame ending on a guard page.
 */
#include <string.h>

#include <rte_common.h>

#include "classify.h"

#define ARP_BODY_LEN		28	/* Ethernet/IPv4 ARP: 8 fixed + 2 * (6 + 4) */
#define IPV6_HLEN		40
#define IPPROTO_ICMPV6_		58

#define VB_CLS_NAME_(name, help) #name,
const char *const vb_cls_ctr_names[VB_CLS_CTR_COUNT] = {
	VB_CLS_CTR_LIST(VB_CLS_NAME_)
};
#undef VB_CLS_NAME_

#define VB_CLS_HELP_(name, help) help,
const char *const vb_cls_ctr_help[VB_CLS_CTR_COUNT] = {
	VB_CLS_CTR_LIST(VB_CLS_HELP_)
};
#undef VB_CLS_HELP_

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

/* p: the ARP body, n bytes of it readable. */
static void
parse_arp(const uint8_t *p, uint32_t n, struct vb_cls *out)
{
	static const uint8_t zero_ip[4];
	bool same;

	out->flags |= VB_CLS_ARP;
	if (n < ARP_BODY_LEN || be16(p) != 1 || be16(p + 2) != 0x0800 || p[4] != 6 || p[5] != 4) {
		out->arp = VB_ARP_MALFORMED;
		out->flags |= VB_CLS_MALFORMED;
		return;
	}
	out->arp_op = be16(p + 6);
	memcpy(out->arp_sha, p + 8, 6);
	memcpy(out->arp_spa, p + 14, 4);
	memcpy(out->arp_tha, p + 18, 6);
	memcpy(out->arp_tpa, p + 24, 4);
	same = memcmp(out->arp_spa, out->arp_tpa, 4) == 0;
	switch (out->arp_op) {
	case 1:
		if (memcmp(out->arp_spa, zero_ip, 4) == 0)
			out->arp = VB_ARP_PROBE;
		else
			out->arp = same ? VB_ARP_ANNOUNCE : VB_ARP_REQUEST;
		break;
	case 2:
		out->arp = same ? VB_ARP_GRATUITOUS : VB_ARP_REPLY;
		break;
	default:
		out->arp = VB_ARP_OTHER;
		break;
	}
}

/* p: the IPv6 header, n bytes of it readable. */
static void
parse_ipv6(const uint8_t *p, uint32_t n, struct vb_cls *out)
{
	static const uint8_t unspecified[16];
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
	memcpy(out->nd_src, p + 8, 16);
	if (need >= 24)
		memcpy(out->nd_target, icmp + 8, 16);
	if (out->nd == VB_ND_NS && memcmp(out->nd_src, unspecified, 16) == 0)
		out->nd = VB_ND_DAD;
}

uint32_t
vb_classify_slow(const uint8_t *frame, uint32_t len, struct vb_cls *out)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint32_t off = VB_ETH_TYPE_OFF;
	uint16_t et;

	memset(out, 0, sizeof(*out));
	if (len >= 6) {
		if (memcmp(frame, bcast, 6) == 0)
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
		parse_arp(frame + off, len - off, out);
	else if (et == VB_ETYPE_IPV6 && (out->flags & (VB_CLS_BCAST | VB_CLS_MCAST)) != 0)
		parse_ipv6(frame + off, len - off, out);
	return out->flags;
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

uint32_t
vb_cls_frame_slow(const struct vb_cls_ctx *ctx, const uint8_t *frame, uint32_t len,
		  uint32_t pkt_len, uint64_t now)
{
	static const uint32_t dup_flag[] = {
		[VB_DUP_NEW] = 0,
		[VB_DUP_DUPLICATE] = VB_CLS_DUPLICATE,
		[VB_DUP_REFLECTED] = VB_CLS_REFLECTED,
		[VB_DUP_LOOPED] = VB_CLS_LOOPED,
	};
	struct vb_cls_ctrs *k = ctx->ctrs;
	struct vb_cls c;
	uint32_t f;

	f = vb_classify(frame, len, &c);
	if (f != 0) {
		if (f & VB_CLS_BCAST)
			vb_cls_ctr_inc(&k->bcast);
		if (f & VB_CLS_MCAST)
			vb_cls_ctr_inc(&k->mcast);
		if (f & VB_CLS_TAGGED)
			vb_cls_ctr_inc(&k->tagged);
		if (f & VB_CLS_QINQ)
			vb_cls_ctr_inc(&k->qinq);
		if (f & VB_CLS_MALFORMED)
			vb_cls_ctr_inc(&k->malformed);
		if (c.arp != VB_ARP_NONE)
			vb_cls_ctr_inc(&k->v[VB_CLS_CTR_arp_request + c.arp - VB_ARP_REQUEST]);
		if (c.nd != VB_ND_NONE)
			vb_cls_ctr_inc(&k->v[VB_CLS_CTR_nd_rs + c.nd - VB_ND_RS]);
	}

	if ((f & (VB_CLS_BCAST | VB_CLS_MCAST)) != 0 && len >= VB_ETH_HLEN &&
	    ctx->duptab != NULL) {
		struct vb_tab_ctrs ev = { 0 };
		enum vb_dup_verdict v;

		v = vb_duptab_check(ctx->duptab, frame, len, pkt_len, ctx->rx_port, ctx->tx_port,
				    now, &ev);
		f |= dup_flag[v];
		if (v == VB_DUP_DUPLICATE)
			vb_cls_ctr_inc(&k->duplicate);
		else if (v == VB_DUP_REFLECTED)
			vb_cls_ctr_inc(&k->reflected);
		else if (v == VB_DUP_LOOPED)
			vb_cls_ctr_inc(&k->looped);
		add_tab_ctrs(&k->dup_inserts, &k->dup_evictions, &k->dup_torn, &ev);
	}

	if (len >= VB_ETH_HLEN && ctx->mactab != NULL) {
		struct vb_tab_ctrs ev = { 0 };
		uint16_t vlan = (f & VB_CLS_TAGGED) != 0 && c.nb_vlan > 0 ? c.vlan[0] : 0;
		uint32_t m;

		m = vb_mactab_observe(ctx->mactab, frame + VB_ETH_DST_OFF, frame + VB_ETH_SRC_OFF,
				      vlan, ctx->pair, ctx->rx_port, now, &ev);
		if (m & VB_MAC_MOVED) {
			f |= VB_CLS_MAC_MOVED;
			vb_cls_ctr_inc(&k->mac_moves);
		}
		if (m & VB_MAC_WOULD_FILTER) {
			f |= VB_CLS_WOULD_FILTER;
			vb_cls_ctr_inc(&k->would_be_filtered);
		}
		add_tab_ctrs(&k->mac_inserts, &k->mac_evictions, &k->mac_torn, &ev);
	}

	if ((f & ctx->sample_mask) != 0 && ctx->samples != NULL) {
		vb_cls_ctr_inc(&k->samples);
		vb_sample_put(ctx->samples, now, f, ctx->rx_port, ctx->rx_queue, frame, len,
			      pkt_len);
	}
	return f;
}
