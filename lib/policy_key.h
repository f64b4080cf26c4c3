/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading a frame's policy key (struct vb_pol_key, policy.h): the one per-frame step before
 * rte_acl. Inline, because vb_policy_burst() calls it for every frame of every burst; pure,
 * so the unit tests and the fuzzer run it without EAL.
 *
 * Two readers: vb_pol_key_read_full() handles every frame, cut at any length;
 * vb_pol_key_read() takes the whole IP frames (enum vb_pol_kind) in a few tests and leaves
 * the others to it. For a frame both take, both write the same key.
 */
#ifndef VB_POLICY_KEY_H
#define VB_POLICY_KEY_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
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

/* 16 bits as they are in the frame (network order): one load, no swap. */
static inline uint16_t
vb_pol_raw16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * v in network order, as plain C that compilers turn into one rotate (DPDK 22.11's
 * rte_cpu_to_be_16() is an asm volatile on x86, which they cannot move out of a loop).
 */
static inline uint16_t
vb_pol_be16(uint16_t v)
{
	const uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	uint16_t r;

	memcpy(&r, b, sizeof(r));
	return r;
}

/* The TPIDs libpcap's `vlan` knows: 802.1Q, 802.1ad, and the old QinQ 0x9100. */
static inline bool
vb_pol_is_tpid(uint16_t et)
{
	return et == 0x8100 || et == 0x88a8 || et == 0x9100;
}

/* The same for an EtherType in network order. */
static inline bool
vb_pol_is_tpid_raw(uint16_t raw)
{
	return raw == RTE_BE16(0x8100) || raw == RTE_BE16(0x88a8) || raw == RTE_BE16(0x9100);
}

/* The link-local control group 01:80:c2:00:00:00-0f (STP, LACP, LLDP, 802.1X, PAUSE). */
static inline bool
vb_pol_is_linklocal(const uint8_t *f)
{
	return f[0] == 0x01 && f[1] == 0x80 && f[2] == 0xc2 && f[3] == 0 && f[4] == 0 &&
	       (f[5] & 0xf0) == 0;
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
 * read after up to two VLAN tags. Never reads past len; what is not there is zero and flagged
 * in k->cls. Returns the kind by EtherType only: VB_POL_K_IP6_REST, VB_POL_K_IP4_REST or
 * VB_POL_K_L2 (their contexts read the whole key, cls included).
 */
static inline unsigned int
vb_pol_key_read_full(struct vb_pol_key *k, const uint8_t *f, uint32_t len, uint16_t in_port)
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
		return VB_POL_K_L2;
	}
	memcpy(k->mac, f, 12);
	if (vb_pol_is_linklocal(f))
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
		memcpy(k->addr, f + l3 + 12, 8);	/* source, destination */
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
		memcpy(k->addr, f + l3 + 8, 32);	/* source, destination */
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
	if (et == VB_POL_ETH_IPV4)
		return VB_POL_K_IP4_REST;
	return v6 ? VB_POL_K_IP6_REST : VB_POL_K_L2;
cut:
	/* A TPID without its tag: only rules without match words apply. */
	k->cls = rte_cpu_to_be_16(cls | VB_POL_CLS_RUNT | VB_POL_CLS_NO_L3 | VB_POL_CLS_NO_L4);
	return VB_POL_K_L2;
}

/* The fields every whole IP frame has the same way; l4: its first 4 bytes are there. */
static inline void
vb_pol_key_finish(struct vb_pol_key *k, const uint8_t *f, uint32_t l4, uint8_t proto,
		  uint8_t icmp, uint16_t vlan, uint16_t et, uint16_t in_port)
{
	k->proto = proto;
	memset(k->pad, 0, sizeof(k->pad));
	if (likely(proto == 6 || proto == 17)) {
		memcpy(&k->sport, f + l4, 2);
		memcpy(&k->dport, f + l4 + 2, 2);
	} else if (proto == icmp) {
		k->sport = vb_pol_be16(f[l4]);
		k->dport = vb_pol_be16(f[l4 + 1]);
	} else {
		k->sport = 0;
		k->dport = 0;
	}
	k->vlan = vlan;
	k->in_port = vb_pol_be16(in_port);
	memcpy(k->mac, f, 12);
	k->cls = 0;
	k->etype = et;
}

/* vb_pol_key_read() for an IPv6 EtherType at l3; vlan, et in network order. */
static inline unsigned int
vb_pol_key_read_ip6(struct vb_pol_key *k, const uint8_t *f, uint32_t len, uint32_t l3,
		    uint16_t vlan, uint16_t et, uint16_t in_port)
{
	uint32_t l4;
	uint8_t proto;

	if (unlikely(len < l3 + 40 + 4))
		return vb_pol_key_read_full(k, f, len, in_port);
	proto = f[l3 + 6];
	l4 = vb_pol_ipv6_skip(f, len, l3 + 40, &proto);
	if (unlikely(l4 == 0 || len < l4 + 4) ||
	    unlikely(proto == 58 && f[l4] >= 133 && f[l4] <= 137))
		return vb_pol_key_read_full(k, f, len, in_port);
	memcpy(k->addr, f + l3 + 8, 32);	/* source, destination */
	vb_pol_key_finish(k, f, l4, proto, 58, vlan, et, in_port);
	return VB_POL_K_IP6;
}

/*
 * As vb_pol_key_read_full(), but a whole IPv4 or IPv6 frame (enum vb_pol_kind) is read here,
 * in few tests, without a memset, in network order throughout, and VB_POL_K_IP4 or
 * VB_POL_K_IP6 returned; any other frame is left to vb_pol_key_read_full(). Both write the
 * same key for a whole IP frame (its cls is 0).
 */
static inline unsigned int
vb_pol_key_read(struct vb_pol_key *k, const uint8_t *f, uint32_t len, uint16_t in_port)
{
	uint32_t l3 = 14, l4;
	uint16_t et, vlan = UINT16_MAX;

	/* The shortest whole IP frame: untagged IPv4 and 4 bytes of L4; all tags are read. */
	if (unlikely(len < 14 + 20 + 4) || unlikely(vb_pol_is_linklocal(f)))
		return vb_pol_key_read_full(k, f, len, in_port);
	et = vb_pol_raw16(f + 12);
	if (unlikely(et != RTE_BE16(VB_POL_ETH_IPV4))) {
		if (vb_pol_is_tpid_raw(et)) {
			vlan = vb_pol_raw16(f + 14) & RTE_BE16(0x0fff);
			et = vb_pol_raw16(f + 16);
			l3 = 18;
			if (vb_pol_is_tpid_raw(et)) {
				et = vb_pol_raw16(f + 20);
				l3 = 22;
			}
		}
		if (et == RTE_BE16(VB_POL_ETH_IPV6))
			return vb_pol_key_read_ip6(k, f, len, l3, vlan, et, in_port);
		if (et != RTE_BE16(VB_POL_ETH_IPV4))
			return vb_pol_key_read_full(k, f, len, in_port);
	}
	l4 = l3 + (uint32_t)(f[l3] & 0x0f) * 4;
	/* Options are fine; a later fragment or L4 bytes missing are not for here. */
	if (unlikely(l4 < l3 + 20 || len < l4 + 4 ||
		     (vb_pol_raw16(f + l3 + 6) & RTE_BE16(0x1fff)) != 0))
		return vb_pol_key_read_full(k, f, len, in_port);
	memcpy(k->addr, f + l3 + 12, 8);	/* source, destination */
	memset(&k->addr[2], 0, sizeof(k->addr[0]) * 6);
	vb_pol_key_finish(k, f, l4, f[l3 + 9], 1, vlan, et, in_port);
	return VB_POL_K_IP4;
}

#endif /* VB_POLICY_KEY_H */
