/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading a frame's policy key (struct vb_pol_key, policy.h): the one per-frame step before
 * rte_acl. Inline, because vb_policy_burst() calls it for every frame of every burst; pure,
 * so the unit tests and the fuzzer run it without EAL.
 */
#ifndef VB_POLICY_KEY_H
#define VB_POLICY_KEY_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

#define VB_POL_ETH_IPV4		0x0800
#define VB_POL_ETH_ARP		0x0806
#define VB_POL_ETH_IPV6		0x86dd
#define VB_POL_IPV6_EXT_MAX	8	/* extension headers walked before giving up on L4 */
#define VB_POL_CLS_RUNT		(1u << 5)	/* shorter than 14 bytes, or the outer tag cut */
#define VB_POL_CLS_NO_ETYPE	(1u << 6)	/* the inner tag cut: MACs and VID, no EtherType */

static inline uint16_t
vb_pol_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The TPIDs libpcap's `vlan` knows: 802.1Q, 802.1ad, and the old QinQ 0x9100. */
static inline bool
vb_pol_is_tpid(uint16_t et)
{
	return et == 0x8100 || et == 0x88a8 || et == 0x9100;
}

/*
 * Walk IPv6 extension headers (hop-by-hop, routing, fragment, destination options, AH) from
 * offset p with next header *nh. Returns the offset of the upper-layer header, or 0 when it
 * cannot be read: cut short, a later fragment, or more than VB_POL_IPV6_EXT_MAX headers.
 * *nh is left at the last next-header value read.
 */
static inline uint32_t
vb_pol_ipv6_skip(const uint8_t *f, uint32_t len, uint32_t p, uint8_t *nh)
{
	unsigned int n;

	for (n = 0; n < VB_POL_IPV6_EXT_MAX; n++) {
		switch (*nh) {
		case 0:		/* hop-by-hop */
		case 43:	/* routing */
		case 60:	/* destination options */
			if (p + 2 > len)
				return 0;
			*nh = f[p];
			p += ((uint32_t)f[p + 1] + 1) * 8;
			break;
		case 51:	/* AH: length in 4-byte units, minus 2 */
			if (p + 2 > len)
				return 0;
			*nh = f[p];
			p += ((uint32_t)f[p + 1] + 2) * 4;
			break;
		case 44:	/* fragment */
			if (p + 8 > len)
				return 0;
			*nh = f[p];
			if ((vb_pol_rd16(f + p + 2) & 0xfff8) != 0)
				return 0;
			p += 8;
			break;
		default:
			return p;
		}
	}
	return 0;
}

/*
 * Fill k from a frame's first len readable bytes, received on ethdev port in_port. Fields are
 * read after up to two VLAN tags. Returns true when the frame is IPv6 (the IPv6 context
 * judges it). Never reads past len; what is not there is zero and flagged in k->cls.
 */
static inline bool
vb_pol_key_read(struct vb_pol_key *k, const uint8_t *f, uint32_t len, uint16_t in_port)
{
	uint32_t l3, l4 = 0, hl;
	uint16_t et, cls = 0;
	uint8_t proto = 0;
	bool v6 = false;

	memset(k, 0, sizeof(*k));
	k->in_port = rte_cpu_to_be_16(in_port);
	k->vlan = UINT16_MAX;
	if (len < 14) {
		k->cls = rte_cpu_to_be_16(VB_POL_CLS_RUNT | VB_POL_CLS_NO_L3 | VB_POL_CLS_NO_L4);
		return false;
	}
	memcpy(&k->dmac_hi, f, 4);
	memcpy(&k->dmac_lo, f + 4, 2);
	memcpy(&k->smac_hi, f + 6, 4);
	memcpy(&k->smac_lo, f + 10, 2);
	if (f[0] == 0x01 && f[1] == 0x80 && f[2] == 0xc2 && f[3] == 0 && f[4] == 0 &&
	    (f[5] & 0xf0) == 0)
		cls |= VB_POL_CLS_LINKLOCAL;
	et = vb_pol_rd16(f + 12);
	l3 = 14;
	if (vb_pol_is_tpid(et)) {
		if (len < 18)
			goto cut;
		k->vlan = rte_cpu_to_be_16(vb_pol_rd16(f + 14) & 0x0fff);
		et = vb_pol_rd16(f + 16);
		l3 = 18;
		if (vb_pol_is_tpid(et)) {
			/* Two tags (as libpcap counts them) but no EtherType after them. */
			if (len < 22) {
				cls |= VB_POL_CLS_NO_ETYPE | VB_POL_CLS_NO_L3 | VB_POL_CLS_NO_L4;
				goto out;
			}
			et = vb_pol_rd16(f + 20);
			l3 = 22;
		}
	}
	k->etype = rte_cpu_to_be_16(et);
	if (et == VB_POL_ETH_IPV4) {
		if (len < l3 + 20) {
			cls |= VB_POL_CLS_NO_L3 | VB_POL_CLS_NO_L4;
			goto out;
		}
		proto = f[l3 + 9];
		memcpy(&k->src[0], f + l3 + 12, 4);
		memcpy(&k->dst[0], f + l3 + 16, 4);
		hl = (uint32_t)(f[l3] & 0x0f) * 4;
		/* A later fragment has no L4 header; a header length below 20 is nonsense. */
		if ((vb_pol_rd16(f + l3 + 6) & 0x1fff) == 0 && hl >= 20)
			l4 = l3 + hl;
	} else if (et == VB_POL_ETH_IPV6) {
		v6 = true;
		if (len < l3 + 40) {
			cls |= VB_POL_CLS_NO_L3 | VB_POL_CLS_NO_L4;
			goto out;
		}
		proto = f[l3 + 6];
		memcpy(k->src, f + l3 + 8, 16);
		memcpy(k->dst, f + l3 + 24, 16);
		l4 = vb_pol_ipv6_skip(f, len, l3 + 40, &proto);
	} else {
		if (et == VB_POL_ETH_ARP)
			cls |= VB_POL_CLS_ARP;
		cls |= VB_POL_CLS_NO_L3 | VB_POL_CLS_NO_L4;
		goto out;
	}
	k->proto = proto;
	if (l4 == 0) {
		cls |= VB_POL_CLS_NO_L4;
	} else if (proto == 6 || proto == 17) {
		if (len >= l4 + 4) {
			memcpy(&k->sport, f + l4, 2);
			memcpy(&k->dport, f + l4 + 2, 2);
		} else {
			cls |= VB_POL_CLS_NO_L4;
		}
	} else if ((proto == 1 && !v6) || (proto == 58 && v6)) {
		if (len >= l4 + 2) {
			k->sport = rte_cpu_to_be_16(f[l4]);
			k->dport = rte_cpu_to_be_16(f[l4 + 1]);
			if (v6 && f[l4] >= 133 && f[l4] <= 137)
				cls |= VB_POL_CLS_ND;
		} else {
			cls |= VB_POL_CLS_NO_L4;
		}
	}
out:
	k->cls = rte_cpu_to_be_16(cls);
	return v6;
cut:
	/* A TPID without its tag: only rules without match words apply. */
	k->cls = rte_cpu_to_be_16(cls | VB_POL_CLS_RUNT | VB_POL_CLS_NO_L3 | VB_POL_CLS_NO_L4);
	return false;
}

#endif /* VB_POLICY_KEY_H */
