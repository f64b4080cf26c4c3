/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classifier unit tests, no EAL. Every frame is classified with its last byte right before a
 * PROT_NONE page, so a read past len faults instead of passing silently; every case is also
 * classified at every shorter length, and random frames are thrown at it.
 * Then the whole per-frame chain replays the scenario (reflected ARP request, moved MAC,
 * filtered reply) and checks the counters and samples.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "classify.h"
#include "fwd.h"

#include "check.h"

static uint8_t *guard_end;	/* first byte of the PROT_NONE page */

static void
guard_setup(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);

	if (p == MAP_FAILED || mprotect(p + pg, pg, PROT_NONE) != 0) {
		perror("guard page");
		exit(1);
	}
	guard_end = p + pg;
}

/* The frame copied so that its last byte is the last readable one. */
static const uint8_t *
at_guard(const uint8_t *frame, uint32_t len)
{
	memcpy(guard_end - len, frame, len);
	return guard_end - len;
}

/* ---- frame building ---- */

struct fb {
	uint8_t b[512];
	uint32_t len;
};

static void
put(struct fb *f, const void *p, uint32_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void
put8(struct fb *f, uint8_t v)
{
	f->b[f->len++] = v;
}

static void
put16(struct fb *f, uint16_t v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static void
put32(struct fb *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static const uint8_t MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC_X[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x0a };	/* the VM */
static const uint8_t MAC_G[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };	/* gateway */
static const uint8_t MAC_MC4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const uint8_t MAC_SNM[6] = { 0x33, 0x33, 0xff, 0x00, 0x00, 0x0a };	/* sol. node */
static const uint8_t MAC_ALLN[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t MAC_STP[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define IP_X IP(198, 18, 0, 10)
#define IP_G IP(198, 18, 0, 1)

enum payload { PL_NONE, PL_ARP, PL_IPV6, PL_RAW };

struct ccase {
	const char *name;
	const uint8_t *dst;
	int ntags;
	uint16_t tpid[3];
	uint16_t vid[3];
	uint16_t etype;		/* after the tags; 0: from the payload */
	enum payload pl;
	/* ARP */
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	uint32_t spa, tpa;
	/* IPv6 */
	uint8_t next_hdr;	/* 0: ICMPv6 */
	uint8_t icmp_type;
	uint8_t unspec_src;
	int plen_adj;		/* added to the true IPv6 payload length */
	int icmp_len;		/* ICMPv6 bytes; 0: 24 */
	uint8_t ver_xor;	/* xored into the IPv6 version field (6) */
	/* length: cut > 0 keeps cut bytes, cut < 0 drops -cut from the end; no padding then */
	int cut;
	/* expected */
	uint32_t flags;
	uint8_t arp, nd, nvlan;
	uint16_t vid0, vid1;
	uint16_t etype_out;
};

#define ARP_OK .pl = PL_ARP, .htype = 1, .ptype = 0x0800, .hlen = 6, .plen = 4

static const struct ccase cases[] = {
	/* the fast path */
	{ .name = "unicast IPv4", .dst = MAC_G, .etype = 0x0800, .pl = PL_RAW, .flags = 0 },
	{ .name = "unicast IPv6 NS (not parsed)", .dst = MAC_G, .pl = PL_IPV6, .icmp_type = 135,
	  .flags = 0 },
	{ .name = "unicast exactly 14 bytes", .dst = MAC_G, .etype = 0x0800, .pl = PL_NONE,
	  .cut = 14, .flags = 0 },
	/* broadcast and multicast */
	{ .name = "broadcast IPv4", .dst = MAC_BCAST, .etype = 0x0800, .pl = PL_RAW,
	  .flags = VB_CLS_BCAST, .etype_out = 0x0800 },
	{ .name = "multicast IPv4", .dst = MAC_MC4, .etype = 0x0800, .pl = PL_RAW,
	  .flags = VB_CLS_MCAST },
	{ .name = "STP link-local", .dst = MAC_STP, .etype = 0x0026, .pl = PL_RAW,
	  .flags = VB_CLS_MCAST },
	/* ARP kinds */
	{ .name = "ARP request", .dst = MAC_BCAST, ARP_OK, .op = 1, .spa = IP_X, .tpa = IP_G,
	  .flags = VB_CLS_BCAST | VB_CLS_ARP, .arp = VB_ARP_REQUEST, .etype_out = 0x0806 },
	{ .name = "ARP reply (unicast)", .dst = MAC_X, ARP_OK, .op = 2, .spa = IP_G,
	  .tpa = IP_X, .flags = VB_CLS_ARP, .arp = VB_ARP_REPLY },
	{ .name = "ARP probe", .dst = MAC_BCAST, ARP_OK, .op = 1, .spa = 0, .tpa = IP_X,
	  .flags = VB_CLS_BCAST | VB_CLS_ARP, .arp = VB_ARP_PROBE },
	{ .name = "ARP probe, target 0 too", .dst = MAC_BCAST, ARP_OK, .op = 1, .spa = 0,
	  .tpa = 0, .flags = VB_CLS_BCAST | VB_CLS_ARP, .arp = VB_ARP_PROBE },
	{ .name = "ARP announcement", .dst = MAC_BCAST, ARP_OK, .op = 1, .spa = IP_X,
	  .tpa = IP_X, .flags = VB_CLS_BCAST | VB_CLS_ARP, .arp = VB_ARP_ANNOUNCE },
	{ .name = "ARP gratuitous reply", .dst = MAC_BCAST, ARP_OK, .op = 2, .spa = IP_X,
	  .tpa = IP_X, .flags = VB_CLS_BCAST | VB_CLS_ARP, .arp = VB_ARP_GRATUITOUS },
	{ .name = "RARP opcode 3", .dst = MAC_BCAST, ARP_OK, .op = 3, .spa = IP_X, .tpa = IP_G,
	  .flags = VB_CLS_BCAST | VB_CLS_ARP, .arp = VB_ARP_OTHER },
	{ .name = "ARP exactly 28 bytes, no padding", .dst = MAC_BCAST, ARP_OK, .op = 1,
	  .spa = IP_X, .tpa = IP_G, .cut = 42, .flags = VB_CLS_BCAST | VB_CLS_ARP,
	  .arp = VB_ARP_REQUEST },
	/* ARP malformed */
	{ .name = "ARP truncated by 1", .dst = MAC_BCAST, ARP_OK, .op = 1, .spa = IP_X,
	  .tpa = IP_G, .cut = 41, .flags = VB_CLS_BCAST | VB_CLS_ARP | VB_CLS_MALFORMED,
	  .arp = VB_ARP_MALFORMED },
	{ .name = "ARP header only 7 bytes", .dst = MAC_BCAST, ARP_OK, .op = 1, .cut = 21,
	  .flags = VB_CLS_BCAST | VB_CLS_ARP | VB_CLS_MALFORMED, .arp = VB_ARP_MALFORMED },
	{ .name = "ARP no body", .dst = MAC_BCAST, ARP_OK, .op = 1, .cut = 14,
	  .flags = VB_CLS_BCAST | VB_CLS_ARP | VB_CLS_MALFORMED, .arp = VB_ARP_MALFORMED },
	{ .name = "ARP htype 6", .dst = MAC_BCAST, .pl = PL_ARP, .htype = 6, .ptype = 0x0800,
	  .hlen = 6, .plen = 4, .op = 1, .spa = IP_X, .tpa = IP_G,
	  .flags = VB_CLS_BCAST | VB_CLS_ARP | VB_CLS_MALFORMED, .arp = VB_ARP_MALFORMED },
	{ .name = "ARP ptype IPv6", .dst = MAC_BCAST, .pl = PL_ARP, .htype = 1, .ptype = 0x86dd,
	  .hlen = 6, .plen = 4, .op = 1,
	  .flags = VB_CLS_BCAST | VB_CLS_ARP | VB_CLS_MALFORMED, .arp = VB_ARP_MALFORMED },
	{ .name = "ARP hlen 8", .dst = MAC_BCAST, .pl = PL_ARP, .htype = 1, .ptype = 0x0800,
	  .hlen = 8, .plen = 4, .op = 1,
	  .flags = VB_CLS_BCAST | VB_CLS_ARP | VB_CLS_MALFORMED, .arp = VB_ARP_MALFORMED },
	{ .name = "ARP plen 16", .dst = MAC_BCAST, .pl = PL_ARP, .htype = 1, .ptype = 0x0800,
	  .hlen = 6, .plen = 16, .op = 1,
	  .flags = VB_CLS_BCAST | VB_CLS_ARP | VB_CLS_MALFORMED, .arp = VB_ARP_MALFORMED },
	/* VLAN tags, every TPID, one and two */
	{ .name = "802.1Q ARP", .dst = MAC_BCAST, .ntags = 1, .tpid = { 0x8100 },
	  .vid = { 10 }, ARP_OK, .op = 1, .spa = IP_X, .tpa = IP_G,
	  .flags = VB_CLS_BCAST | VB_CLS_TAGGED | VB_CLS_ARP, .arp = VB_ARP_REQUEST,
	  .nvlan = 1, .vid0 = 10, .etype_out = 0x0806 },
	{ .name = "802.1ad ARP", .dst = MAC_BCAST, .ntags = 1, .tpid = { 0x88a8 },
	  .vid = { 4094 }, ARP_OK, .op = 2, .spa = IP_X, .tpa = IP_G,
	  .flags = VB_CLS_BCAST | VB_CLS_TAGGED | VB_CLS_ARP, .arp = VB_ARP_REPLY,
	  .nvlan = 1, .vid0 = 4094 },
	{ .name = "0x9100 unicast IPv4", .dst = MAC_G, .ntags = 1, .tpid = { 0x9100 },
	  .vid = { 1 }, .etype = 0x0800, .pl = PL_RAW, .flags = VB_CLS_TAGGED, .nvlan = 1,
	  .vid0 = 1, .etype_out = 0x0800 },
	{ .name = "QinQ 88a8/8100 ARP", .dst = MAC_BCAST, .ntags = 2,
	  .tpid = { 0x88a8, 0x8100 }, .vid = { 100, 200 }, ARP_OK, .op = 1, .spa = 0,
	  .tpa = IP_X, .flags = VB_CLS_BCAST | VB_CLS_TAGGED | VB_CLS_QINQ | VB_CLS_ARP,
	  .arp = VB_ARP_PROBE, .nvlan = 2, .vid0 = 100, .vid1 = 200 },
	{ .name = "QinQ 9100/9100 unicast", .dst = MAC_G, .ntags = 2,
	  .tpid = { 0x9100, 0x9100 }, .vid = { 5, 6 }, .etype = 0x0800, .pl = PL_RAW,
	  .flags = VB_CLS_TAGGED | VB_CLS_QINQ, .nvlan = 2, .vid0 = 5, .vid1 = 6 },
	{ .name = "QinQ 8100/88a8 ND", .dst = MAC_SNM, .ntags = 2, .tpid = { 0x8100, 0x88a8 },
	  .vid = { 7, 8 }, .pl = PL_IPV6, .icmp_type = 135,
	  .flags = VB_CLS_MCAST | VB_CLS_TAGGED | VB_CLS_QINQ | VB_CLS_IPV6 | VB_CLS_ND,
	  .nd = VB_ND_NS, .nvlan = 2, .vid0 = 7, .vid1 = 8, .etype_out = 0x86dd },
	{ .name = "three tags: third left alone", .dst = MAC_BCAST, .ntags = 3,
	  .tpid = { 0x88a8, 0x8100, 0x8100 }, .vid = { 1, 2, 3 }, ARP_OK, .op = 1,
	  .flags = VB_CLS_BCAST | VB_CLS_TAGGED | VB_CLS_QINQ, .nvlan = 2, .vid0 = 1,
	  .vid1 = 2, .etype_out = 0x8100 },
	/* truncated tags */
	{ .name = "tag truncated after TPID", .dst = MAC_BCAST, .ntags = 1, .tpid = { 0x8100 },
	  .vid = { 10 }, ARP_OK, .cut = 14,
	  .flags = VB_CLS_BCAST | VB_CLS_TAGGED | VB_CLS_MALFORMED, .etype_out = 0x8100 },
	{ .name = "tag truncated in TCI", .dst = MAC_G, .ntags = 1, .tpid = { 0x8100 },
	  .vid = { 10 }, ARP_OK, .cut = 15, .flags = VB_CLS_TAGGED | VB_CLS_MALFORMED },
	{ .name = "tag truncated before inner type", .dst = MAC_G, .ntags = 1,
	  .tpid = { 0x88a8 }, .vid = { 10 }, ARP_OK, .cut = 17,
	  .flags = VB_CLS_TAGGED | VB_CLS_MALFORMED },
	{ .name = "second tag truncated", .dst = MAC_BCAST, .ntags = 2,
	  .tpid = { 0x88a8, 0x8100 }, .vid = { 10, 20 }, ARP_OK, .cut = 20,
	  .flags = VB_CLS_BCAST | VB_CLS_TAGGED | VB_CLS_MALFORMED, .nvlan = 1, .vid0 = 10 },
	{ .name = "tagged ARP truncated", .dst = MAC_BCAST, .ntags = 1, .tpid = { 0x8100 },
	  .vid = { 10 }, ARP_OK, .op = 1, .cut = 30,
	  .flags = VB_CLS_BCAST | VB_CLS_TAGGED | VB_CLS_ARP | VB_CLS_MALFORMED,
	  .arp = VB_ARP_MALFORMED, .nvlan = 1, .vid0 = 10 },
	/* runts */
	{ .name = "runt 0 bytes", .dst = MAC_BCAST, .pl = PL_NONE, .cut = -1000,
	  .flags = VB_CLS_MALFORMED },
	{ .name = "runt 5 bytes of broadcast", .dst = MAC_BCAST, .pl = PL_NONE, .cut = 5,
	  .flags = VB_CLS_MALFORMED },
	{ .name = "runt 6 bytes of broadcast", .dst = MAC_BCAST, .pl = PL_NONE, .cut = 6,
	  .flags = VB_CLS_BCAST | VB_CLS_MALFORMED },
	{ .name = "runt 13 bytes unicast", .dst = MAC_G, .pl = PL_NONE, .etype = 0x0800,
	  .cut = 13, .flags = VB_CLS_MALFORMED },
	/* IPv6 ND */
	{ .name = "ND NS (address resolution)", .dst = MAC_SNM, .pl = PL_IPV6,
	  .icmp_type = 135, .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_ND, .nd = VB_ND_NS },
	{ .name = "ND NS from :: (DAD)", .dst = MAC_SNM, .pl = PL_IPV6, .icmp_type = 135,
	  .unspec_src = 1, .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_ND, .nd = VB_ND_DAD },
	{ .name = "ND NA unsolicited", .dst = MAC_ALLN, .pl = PL_IPV6, .icmp_type = 136,
	  .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_ND, .nd = VB_ND_NA },
	{ .name = "ND RS", .dst = MAC_ALLN, .pl = PL_IPV6, .icmp_type = 133, .icmp_len = 8,
	  .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_ND, .nd = VB_ND_RS },
	{ .name = "ND RA", .dst = MAC_ALLN, .pl = PL_IPV6, .icmp_type = 134, .icmp_len = 16,
	  .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_ND, .nd = VB_ND_RA },
	{ .name = "ND redirect", .dst = MAC_ALLN, .pl = PL_IPV6, .icmp_type = 137,
	  .icmp_len = 40, .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_ND,
	  .nd = VB_ND_REDIRECT },
	{ .name = "ICMPv6 echo: IPv6, not ND", .dst = MAC_ALLN, .pl = PL_IPV6,
	  .icmp_type = 128, .flags = VB_CLS_MCAST | VB_CLS_IPV6 },
	{ .name = "IPv6 UDP: not ND", .dst = MAC_ALLN, .pl = PL_IPV6, .next_hdr = 17,
	  .icmp_type = 135, .flags = VB_CLS_MCAST | VB_CLS_IPV6 },
	/* ND malformed */
	{ .name = "IPv6 header truncated", .dst = MAC_SNM, .pl = PL_IPV6, .icmp_type = 135,
	  .cut = 14 + 39, .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_MALFORMED },
	{ .name = "ICMPv6 absent", .dst = MAC_SNM, .pl = PL_IPV6, .icmp_type = 135,
	  .cut = 14 + 40, .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_MALFORMED },
	{ .name = "NS truncated", .dst = MAC_SNM, .pl = PL_IPV6, .icmp_type = 135, .cut = -1,
	  .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_ND | VB_CLS_MALFORMED,
	  .nd = VB_ND_MALFORMED },
	{ .name = "NS payload length too short", .dst = MAC_SNM, .pl = PL_IPV6,
	  .icmp_type = 135, .plen_adj = -1,
	  .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_ND | VB_CLS_MALFORMED,
	  .nd = VB_ND_MALFORMED },
	{ .name = "redirect truncated to 24", .dst = MAC_ALLN, .pl = PL_IPV6,
	  .icmp_type = 137, .icmp_len = 24,
	  .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_ND | VB_CLS_MALFORMED,
	  .nd = VB_ND_MALFORMED },
	{ .name = "RS truncated to 4", .dst = MAC_ALLN, .pl = PL_IPV6, .icmp_type = 133,
	  .icmp_len = 4, .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_ND | VB_CLS_MALFORMED,
	  .nd = VB_ND_MALFORMED },
	{ .name = "IPv6 version 0, NA after it: not IPv6", .dst = MAC_ALLN, .pl = PL_IPV6,
	  .icmp_type = 136, .ver_xor = 6,
	  .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_MALFORMED, .nd = VB_ND_NONE },
	{ .name = "IPv6 version 4, NS after it: not IPv6", .dst = MAC_SNM, .pl = PL_IPV6,
	  .icmp_type = 135, .ver_xor = 2,
	  .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_MALFORMED, .nd = VB_ND_NONE },
	{ .name = "NS payload length larger than frame", .dst = MAC_SNM, .pl = PL_IPV6,
	  .icmp_type = 135, .plen_adj = 100,
	  .flags = VB_CLS_MCAST | VB_CLS_IPV6 | VB_CLS_ND, .nd = VB_ND_NS },
};

static void
build(const struct ccase *c, struct fb *f)
{
	static const uint8_t ip6_src[16] = { 0xfe, 0x80, [15] = 0x0a };
	static const uint8_t ip6_dst[16] = { 0xff, 0x02, [11] = 1, 0xff, [15] = 0x0a };
	static const uint8_t target[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0a };
	int i;

	memset(f, 0, sizeof(*f));
	put(f, c->dst, 6);
	put(f, MAC_X, 6);
	for (i = 0; i < c->ntags; i++) {
		put16(f, c->tpid[i]);
		put16(f, (uint16_t)(3 << 13 | c->vid[i]));
	}
	switch (c->pl) {
	case PL_NONE:
	case PL_RAW:
		put16(f, c->etype);
		if (c->pl == PL_RAW)
			put(f, "\x45\x00\x00\x54payload....", 16);
		break;
	case PL_ARP:
		put16(f, VB_ETYPE_ARP);
		put16(f, c->htype);
		put16(f, c->ptype);
		put8(f, c->hlen);
		put8(f, c->plen);
		put16(f, c->op);
		put(f, MAC_X, 6);
		put32(f, c->spa);
		put(f, c->op == 2 ? MAC_G : (const uint8_t [6]){ 0 }, 6);
		put32(f, c->tpa);
		break;
	case PL_IPV6: {
		int ilen = c->icmp_len != 0 ? c->icmp_len : 24;
		uint8_t icmp[64] = { 0 };

		put16(f, VB_ETYPE_IPV6);
		put32(f, (uint32_t)(6 ^ c->ver_xor) << 28);
		put16(f, (uint16_t)(ilen + c->plen_adj));
		put8(f, c->next_hdr != 0 ? c->next_hdr : 58);
		put8(f, 255);
		if (c->unspec_src)
			put(f, (const uint8_t [16]){ 0 }, 16);
		else
			put(f, ip6_src, 16);
		put(f, ip6_dst, 16);
		icmp[0] = c->icmp_type;
		memcpy(icmp + 8, target, 16);
		put(f, icmp, (uint32_t)ilen);
		break;
	}
	}
	if (c->cut > 0)
		f->len = (uint32_t)c->cut;
	else if (c->cut < 0)
		f->len = (uint32_t)-c->cut >= f->len ? 0 : f->len - (uint32_t)-c->cut;
	else if (f->len < 60)
		f->len = 60;	/* Ethernet minimum, padding zeros */
}

static void
test_cases(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct ccase *c = &cases[i];
		struct vb_cls out;
		struct fb f;
		const uint8_t *p;
		uint32_t flags;

		build(c, &f);
		p = at_guard(f.b, f.len);
		memset(&out, 0xa5, sizeof(out));
		flags = vb_classify(p, f.len, &out);
		CHECK(flags == c->flags && out.flags == flags,
		      "%s (len %u): flags saw 0x%x (out 0x%x), expected 0x%x",
		      c->name, f.len, flags, out.flags, c->flags);
		CHECK(vb_cls_fast(p, f.len) == (c->flags == 0),
		      "%s: fast path saw %d, expected %d", c->name, vb_cls_fast(p, f.len),
		      c->flags == 0);
		if (flags == 0)
			continue;	/* only flags is defined on the fast path */
		CHECK(out.arp == c->arp, "%s: ARP kind saw %s, expected %s", c->name,
		      vb_arp_kind_name(out.arp), vb_arp_kind_name(c->arp));
		CHECK(out.nd == c->nd, "%s: ND kind saw %s, expected %s", c->name,
		      vb_nd_kind_name(out.nd), vb_nd_kind_name(c->nd));
		CHECK(out.nb_vlan == c->nvlan, "%s: tags saw %u, expected %u", c->name,
		      out.nb_vlan, c->nvlan);
		if (c->nvlan >= 1)
			CHECK(out.vlan[0] == c->vid0 && out.tpid[0] == c->tpid[0],
			      "%s: outer tag saw %#x/%u, expected %#x/%u", c->name, out.tpid[0],
			      out.vlan[0], c->tpid[0], c->vid0);
		if (c->nvlan >= 2)
			CHECK(out.vlan[1] == c->vid1 && out.tpid[1] == c->tpid[1],
			      "%s: inner tag saw %#x/%u, expected %#x/%u", c->name, out.tpid[1],
			      out.vlan[1], c->tpid[1], c->vid1);
		if (c->etype_out != 0)
			CHECK(out.ethertype == c->etype_out, "%s: ethertype saw %#x, expected %#x",
			      c->name, out.ethertype, c->etype_out);
		if (out.arp != VB_ARP_NONE && out.arp != VB_ARP_MALFORMED) {
			uint8_t spa[4] = { c->spa >> 24, c->spa >> 16, c->spa >> 8, c->spa };
			uint8_t tpa[4] = { c->tpa >> 24, c->tpa >> 16, c->tpa >> 8, c->tpa };

			CHECK(memcmp(out.arp_spa, spa, 4) == 0 &&
			      memcmp(out.arp_tpa, tpa, 4) == 0 &&
			      memcmp(out.arp_sha, MAC_X, 6) == 0 && out.arp_op == c->op,
			      "%s: ARP fields not copied (op saw %u, expected %u)", c->name,
			      out.arp_op, c->op);
		}
		if (out.nd == VB_ND_NS || out.nd == VB_ND_NA || out.nd == VB_ND_DAD)
			CHECK(out.nd_target[0] == 0x20 && out.nd_target[15] == 0x0a,
			      "%s: ND target not copied", c->name);
	}
	printf("classify: %zu table cases\n", RTE_DIM(cases));
}

/* Every case at every shorter length: never a fault, and short means malformed or plain. */
static void
test_prefixes(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < RTE_DIM(cases); i++) {
		struct vb_cls out;
		struct fb f;
		uint32_t l;

		build(&cases[i], &f);
		for (l = 0; l <= f.len; l++) {
			uint32_t flags = vb_classify(at_guard(f.b, l), l, &out);

			if (l < VB_ETH_HLEN)
				CHECK(flags & VB_CLS_MALFORMED,
				      "%s cut to %u: not malformed (0x%x)", cases[i].name, l,
				      flags);
			n++;
		}
	}
	printf("classify: %u prefixes at the guard page\n", n);
}

/* Random frames, biased toward the interesting EtherTypes; only a crash can fail. */
static void
test_random(void)
{
	static const uint16_t types[] = { 0x0806, 0x8100, 0x88a8, 0x9100, 0x86dd, 0x0800 };
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	uint8_t buf[160];
	uint32_t i, j, acc = 0;
	struct vb_cls out;

	for (i = 0; i < 200000; i++) {
		uint32_t len;

		for (j = 0; j < sizeof(buf); j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[j] = (uint8_t)x;
		}
		/* plant types at the places a parser looks */
		for (j = 12; j + 1 < 24; j += 4) {
			uint16_t t = types[(buf[j] ^ i) % RTE_DIM(types)];

			buf[j] = t >> 8;
			buf[j + 1] = t & 0xff;
		}
		if (buf[100] & 1)
			buf[20 + (buf[101] & 7)] = 58;
		len = (uint32_t)(x >> 40) % sizeof(buf);
		acc += vb_classify(at_guard(buf, len), len, &out);
	}
	printf("classify: 200000 random frames (checksum %u)\n", acc);
}

static void
test_names(void)
{
	unsigned int i, j;

	for (i = 0; i < VB_CLS_CTR_COUNT; i++) {
		const char *s = vb_cls_ctr_desc[i].name;

		CHECK(s != NULL && vb_cls_ctr_desc[i].help != NULL && s[0] != '\0',
		      "counter %u has no name or help", i);
		for (j = 0; s != NULL && s[j] != '\0'; j++)
			CHECK((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= '0' && s[j] <= '9') ||
			      s[j] == '_', "counter name %s: character '%c' not in [a-z0-9_]", s,
			      s[j]);
		for (j = 0; j < i; j++)
			CHECK(strcmp(s, vb_cls_ctr_desc[j].name) != 0, "counter name %s twice", s);
	}
	CHECK(strcmp(vb_cls_ctr_desc[VB_CLS_CTR_reflected].name, "reflected") == 0,
	      "names out of order: %s", vb_cls_ctr_desc[VB_CLS_CTR_reflected].name);
	CHECK(sizeof(struct vb_cls_ctrs) == VB_CLS_CTR_COUNT * sizeof(uint64_t),
	      "struct vb_cls_ctrs saw %zu bytes, expected %zu", sizeof(struct vb_cls_ctrs),
	      VB_CLS_CTR_COUNT * sizeof(uint64_t));
}

#define TSC_HZ		UINT64_C(3000000000)
#define US(n)		((uint64_t)(n) * (uint64_t)(TSC_HZ / 1000000))

static void *
aligned_zalloc(size_t sz)
{
	void *p = NULL;

	if (posix_memalign(&p, 64, sz) != 0) {
		perror("posix_memalign");
		exit(1);
	}
	memset(p, 0, sz);
	return p;
}

static struct fb
arp_frame(const uint8_t *dst, const uint8_t *src, uint16_t op, uint32_t spa,
	  const uint8_t *tha, uint32_t tpa)
{
	struct fb f = { .len = 0 };

	put(&f, dst, 6);
	put(&f, src, 6);
	put16(&f, VB_ETYPE_ARP);
	put16(&f, 1);
	put16(&f, 0x0800);
	put8(&f, 6);
	put8(&f, 4);
	put16(&f, op);
	put(&f, src, 6);
	put32(&f, spa);
	put(&f, tha, 6);
	put32(&f, tpa);
	f.len = 60;
	return f;
}

/*
 * The scenario through the whole chain: X's ARP request enters port 1 and leaves by port 0;
 * an identical copy comes back into port 0 111 us later; the gateway's reply to X enters
 * port 0. Port 0 must count one reflection, one move of X and one would-be-filtered reply.
 */
static void
test_chain_scenario(void)
{
	static const uint8_t zero[6];
	struct vb_cls_ctrs ctrs[2];
	struct vb_cls_ctx ctx[2];
	void *dup = aligned_zalloc(vb_duptab_mem_size(1024));
	void *mac = aligned_zalloc(vb_mactab_mem_size(1024));
	void *ring = aligned_zalloc(vb_sample_mem_size(16, VB_SAMPLE_SNAP_DEF));
	struct vb_sample s[16];
	struct vb_sample_read_stats st;
	struct fb req = arp_frame(MAC_BCAST, MAC_X, 1, IP_X, zero, IP_G);
	struct fb rep = arp_frame(MAC_X, MAC_G, 2, IP_G, MAC_X, IP_X);
	struct fb uni = { .len = 60 };
	uint64_t t0 = 1000000000ULL;
	uint32_t f, n;
	int p;

	CHECK(vb_duptab_init(dup, 1024, VB_DUPTAB_DEF_HASH_LEN, US(50000)) == 0, "duptab init");
	CHECK(vb_mactab_init(mac, 1024, US(300000000)) == 0, "mactab init");
	CHECK(vb_sample_init(ring, 16, VB_SAMPLE_SNAP_DEF, 1000, 32, TSC_HZ) == 0, "ring init");
	memset(ctrs, 0, sizeof(ctrs));
	for (p = 0; p < 2; p++) {
		ctx[p] = (struct vb_cls_ctx){
			.duptab = dup, .mactab = mac, .samples = ring, .ctrs = &ctrs[p],
			.sample_mask = VB_CLS_SAMPLE_DEFAULT, .rx_port = p, .tx_port = !p,
			.pair = 0, .rx_queue = 0,
		};
	}
	memcpy(uni.b, MAC_G, 6);
	memcpy(uni.b + 6, MAC_X, 6);
	uni.b[12] = 0x08;

	f = vb_cls_frame(&ctx[1], uni.b, uni.len, uni.len, t0 - US(10));
	CHECK(f == 0, "plain unicast through the chain: flags saw 0x%x, expected 0", f);
	f = vb_cls_frame(&ctx[1], req.b, req.len, req.len, t0);
	CHECK(f == (VB_CLS_BCAST | VB_CLS_ARP), "request on port 1: saw 0x%x, expected 0x%x", f,
	      VB_CLS_BCAST | VB_CLS_ARP);
	f = vb_cls_frame(&ctx[0], req.b, req.len, req.len, t0 + US(111));
	CHECK(f == (VB_CLS_BCAST | VB_CLS_ARP | VB_CLS_REFLECTED | VB_CLS_MAC_MOVED),
	      "reflected copy on port 0: saw 0x%x, expected 0x%x", f,
	      VB_CLS_BCAST | VB_CLS_ARP | VB_CLS_REFLECTED | VB_CLS_MAC_MOVED);
	f = vb_cls_frame(&ctx[0], rep.b, rep.len, rep.len, t0 + US(400));
	CHECK(f == (VB_CLS_ARP | VB_CLS_WOULD_FILTER),
	      "reply to X on port 0: saw 0x%x, expected 0x%x", f,
	      VB_CLS_ARP | VB_CLS_WOULD_FILTER);

	CHECK(ctrs[0].reflected == 1 && ctrs[0].mac_moves == 1 &&
	      ctrs[0].would_be_filtered == 1 && ctrs[0].arp_request == 1 &&
	      ctrs[0].arp_reply == 1 && ctrs[0].bcast == 1 && ctrs[0].duplicate == 0 &&
	      ctrs[0].looped == 0,
	      "port 0 counters: reflected %" PRIu64 " moves %" PRIu64 " wbf %" PRIu64
	      " req %" PRIu64 " rep %" PRIu64 ", expected 1 1 1 1 1",
	      ctrs[0].reflected, ctrs[0].mac_moves, ctrs[0].would_be_filtered,
	      ctrs[0].arp_request, ctrs[0].arp_reply);
	CHECK(ctrs[1].arp_request == 1 && ctrs[1].bcast == 1 && ctrs[1].reflected == 0 &&
	      ctrs[1].mac_moves == 0 && ctrs[1].would_be_filtered == 0 &&
	      ctrs[1].dup_inserts == 1,
	      "port 1 counters: req %" PRIu64 " bcast %" PRIu64 " refl %" PRIu64 " moves %"
	      PRIu64 " dup_inserts %" PRIu64 ", expected 1 1 0 0 1", ctrs[1].arp_request,
	      ctrs[1].bcast, ctrs[1].reflected, ctrs[1].mac_moves, ctrs[1].dup_inserts);

	n = vb_sample_read(ring, 0, s, RTE_DIM(s), &st);
	CHECK(n == 3 && st.lost == 0 && st.torn == 0, "samples saw %u (lost %" PRIu64
	      ", torn %u), expected 3", n, st.lost, st.torn);
	if (n == 3) {
		CHECK(s[1].port == 0 && (s[1].reason & VB_CLS_REFLECTED) &&
		      s[1].tsc == t0 + US(111) && s[1].cap_len == 60 &&
		      memcmp(s[1].data, req.b, 60) == 0,
		      "reflection sample: port %u reason 0x%x cap %u", s[1].port, s[1].reason,
		      s[1].cap_len);
		CHECK(s[2].reason & VB_CLS_WOULD_FILTER, "reply sample reason 0x%x",
		      s[2].reason);
	}
	free(dup);
	free(mac);
	free(ring);
}

/* One frame of the mixed stream test_burst_equivalence replays. */
static struct fb
mixed_frame(uint32_t i, uint64_t *x)
{
	static const uint8_t zero[6];
	uint8_t src[6] = { 0x02, 0x00, 0x5e, 0x00, 0x01, 0x00 };
	struct fb f = { .len = 0 };
	uint32_t r;

	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	r = (uint32_t)(*x >> 20);
	src[5] = (uint8_t)(r & 7);	/* few sources, so they move and get filtered */
	switch (r >> 3 & 7) {
	case 0:
	case 1:	/* ARP requests, some of them repeated (sequence from an earlier frame) */
		f = arp_frame(MAC_BCAST, src, 1, IP_X, zero, IP(198, 18, 1, (i - (r >> 6 & 3)) & 255));
		break;
	case 2:	/* replies to the sources */
		f = arp_frame(src, MAC_G, 2, IP_G, src, IP_X);
		break;
	case 3:	/* plain unicast from and to the sources */
		put(&f, (r & 64) ? MAC_G : src, 6);
		put(&f, (r & 64) ? src : MAC_G, 6);
		put16(&f, 0x0800);
		f.len = 60;
		break;
	default: {	/* a table case: tags, ND, runts, malformed ARP */
		const struct ccase *c = &cases[(r >> 6) % RTE_DIM(cases)];

		build(c, &f);
		break;
	}
	}
	return f;
}

/*
 * The burst path gives what frame-by-frame calls give: the same flags for every frame, the
 * same counters and the same samples, over a mixed stream on both ports of a pair, in bursts
 * of 1 to 40 frames (more than one chunk), with and without --mac-unicast.
 */
static void
test_burst_equivalence(void)
{
	enum { N = 4000, SLOTS = 4096 };
	static struct fb frames[N];
	static uint32_t f_one[N], f_burst[N];
	struct vb_cls_ctrs ctrs[2][2];
	struct vb_cls_ctx ctx[2][2];
	void *dup[2], *mac[2], *ring[2];
	static struct vb_sample s[2][64];
	struct vb_sample_read_stats st;
	uint64_t x = 0x2545f4914f6cdd1dULL, t0 = 1000000000ULL;
	uint32_t i, n[2], mu, diffs;
	int v, p;

	for (i = 0; i < N; i++)
		frames[i] = mixed_frame(i, &x);
	for (mu = 0; mu < 2; mu++) {
		for (v = 0; v < 2; v++) {
			dup[v] = aligned_zalloc(vb_duptab_mem_size(256));
			mac[v] = aligned_zalloc(vb_mactab_mem_size(64));
			ring[v] = aligned_zalloc(vb_sample_mem_size(SLOTS, VB_SAMPLE_SNAP_DEF));
			CHECK(vb_duptab_init(dup[v], 256, VB_DUPTAB_DEF_HASH_LEN, US(50)) == 0 &&
			      vb_mactab_init(mac[v], 64, US(3000)) == 0 &&
			      vb_sample_init(ring[v], SLOTS, VB_SAMPLE_SNAP_DEF, 100000, 8,
					     TSC_HZ) == 0, "tables init");
			memset(ctrs[v], 0, sizeof(ctrs[v]));
			for (p = 0; p < 2; p++)
				ctx[v][p] = (struct vb_cls_ctx){
					.duptab = dup[v], .mactab = mac[v], .samples = ring[v],
					.ctrs = &ctrs[v][p], .sample_mask = VB_CLS_SAMPLE_DEFAULT,
					.rx_port = p, .tx_port = !p, .pair = 0,
					.mac_unicast = (uint8_t)mu, .rx_queue = 0,
				};
		}
		/* frame by frame; then the same frames as bursts, one burst per port at a time */
		for (i = 0; i < N; i++) {
			uint64_t now = t0 + US(i / 16);

			f_one[i] = vb_cls_frame(&ctx[0][(i / 16) & 1], frames[i].b, frames[i].len,
						frames[i].len, now);
		}
		for (i = 0; i < N;) {
			struct vb_cls_pkt pk[48];
			uint32_t fl[48], idx[48], j, end, ns = 0;

			/* a burst ends where the port or the time changes, or after 1-40 frames */
			end = i + 1 + (uint32_t)((x = x * 6364136223846793005ULL + 1) >> 58) % 40;
			for (j = i + 1; j < end && j < N && (j / 16) == (i / 16); j++)
				;
			end = j;
			for (j = i; j < end; j++) {
				f_burst[j] = 0;
				if (vb_cls_needs_slow(&ctx[1][0], frames[j].b, frames[j].len)) {
					pk[ns] = (struct vb_cls_pkt){ frames[j].b, frames[j].len,
								      frames[j].len };
					idx[ns++] = j;
				}
			}
			if (ns != 0)
				vb_cls_burst_slow(&ctx[1][(i / 16) & 1], pk, ns, t0 + US(i / 16), fl);
			for (j = 0; j < ns; j++)
				f_burst[idx[j]] = fl[j];
			i = end;
		}
		for (i = 0, diffs = 0; i < N; i++)
			if (f_one[i] != f_burst[i] && diffs++ < 5)
				printf("FAIL: frame %u: burst flags 0x%x, one by one 0x%x\n", i,
				       f_burst[i], f_one[i]);
		CHECK(diffs == 0, "mac_unicast %u: %u frames classified differently in bursts",
		      mu, diffs);
		for (p = 0; p < 2; p++)
			for (i = 0; i < VB_CLS_CTR_COUNT; i++)
				CHECK(ctrs[0][p].v[i] == ctrs[1][p].v[i],
				      "mac_unicast %u port %d counter %s: bursts %" PRIu64
				      ", one by one %" PRIu64, mu, p, vb_cls_ctr_desc[i].name,
				      ctrs[1][p].v[i], ctrs[0][p].v[i]);
		CHECK(ctrs[0][0].reflected + ctrs[0][1].reflected > 0 &&
		      ctrs[0][0].duplicate + ctrs[0][1].duplicate > 0 &&
		      ctrs[0][0].mac_moves > 0 && ctrs[0][0].would_be_filtered > 0 &&
		      ctrs[0][0].samples > 0 && ctrs[0][0].malformed > 0,
		      "mixed stream too tame: refl %" PRIu64 " dup %" PRIu64 " moves %" PRIu64
		      " wbf %" PRIu64, ctrs[0][0].reflected + ctrs[0][1].reflected,
		      ctrs[0][0].duplicate + ctrs[0][1].duplicate, ctrs[0][0].mac_moves,
		      ctrs[0][0].would_be_filtered);
		/* the samples: same number, and the last ones byte for byte */
		{
			struct vb_sample_ctrs sc[2];

			vb_sample_ctrs_read(ring[0], &sc[0]);
			vb_sample_ctrs_read(ring[1], &sc[1]);
			CHECK(sc[0].written == sc[1].written && sc[0].suppressed == sc[1].suppressed &&
			      sc[0].suppressed > 0, "samples written %" PRIu64 "/%" PRIu64
			      " suppressed %" PRIu64 "/%" PRIu64 " (one by one/bursts)",
			      sc[0].written, sc[1].written, sc[0].suppressed, sc[1].suppressed);
			for (v = 0; v < 2; v++)
				n[v] = vb_sample_read(ring[v], sc[v].written > 64 ?
						      sc[v].written - 64 : 0, s[v], 64, &st);
			CHECK(n[0] == n[1], "samples read %u/%u", n[0], n[1]);
			for (i = 0; i < n[0] && i < n[1]; i++)
				CHECK(s[0][i].reason == s[1][i].reason && s[0][i].tsc == s[1][i].tsc &&
				      s[0][i].cap_len == s[1][i].cap_len &&
				      memcmp(s[0][i].data, s[1][i].data, s[0][i].cap_len) == 0,
				      "sample %u differs", i);
		}
		for (v = 0; v < 2; v++) {
			free(dup[v]);
			free(mac[v]);
			free(ring[v]);
		}
	}
	printf("classify: %u frames, bursts equal to one by one\n", N);
}

/*
 * The fast path's EtherType table against the rule it stands for, over every EtherType, a
 * unicast and a group destination and the shortest lengths around the header's end.
 */
static void
test_fast_all_etypes(void)
{
	uint8_t b[VB_ETH_HLEN] = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2 };
	uint32_t et, len, bad = 0;
	unsigned int g;

	for (g = 0; g < 2; g++) {
		b[0] = g ? 0x03 : 0x02;
		for (et = 0; et <= 0xffff; et++) {
			b[12] = (uint8_t)(et >> 8);
			b[13] = (uint8_t)et;
			for (len = VB_ETH_HLEN - 1; len <= VB_ETH_HLEN; len++) {
				bool want = len >= VB_ETH_HLEN && g == 0 && et != VB_ETYPE_ARP &&
					    et != VB_ETYPE_VLAN && et != VB_ETYPE_QINQ &&
					    et != VB_ETYPE_QINQ_OLD;

				if (vb_cls_fast(b, len) != want && bad++ < 5)
					printf("FAIL: fast path: EtherType 0x%04x group %u len %u saw %d, "
					       "expected %d\n", et, g, len, !want, want);
			}
		}
	}
	CHECK(bad == 0, "fast path wrong for %u EtherType/destination/length cases", bad);
}

/*
 * The forwarding loop's fast pass (vb_fwd_fast_pass: groups of VB_FWD_GROUP frames tested
 * at once, the rest frame by frame) against vb_cls_fast frame by frame: the same frames
 * sent to the slow path, in order, and the same bytes. Every frame ends right before its own
 * PROT_NONE page, so a pass that reads a short frame's header faults. Every EtherType goes
 * through every place of a group with a unicast and a group destination; then random bursts
 * of 1 to VB_MAX_BURST mostly plain frames, one odd frame hidden among them: each slow
 * EtherType, a multicast or broadcast destination, a frame of 0 to 15 bytes.
 */
struct pass_slot {
	uint8_t *end;		/* first byte of the slot's PROT_NONE page */
	struct rte_mbuf m;
};

static struct pass_slot *
pass_slots(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct pass_slot *slot = calloc(VB_MAX_BURST, sizeof(*slot));
	uint8_t *p = mmap(NULL, 2 * pg * VB_MAX_BURST, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned int i;

	if (slot == NULL || p == MAP_FAILED) {
		perror("fast pass slots");
		exit(1);
	}
	for (i = 0; i < VB_MAX_BURST; i++) {
		slot[i].end = p + (2 * i + 1) * pg;
		if (mprotect(slot[i].end, pg, PROT_NONE) != 0) {
			perror("fast pass guard page");
			exit(1);
		}
	}
	return slot;
}

/* Slot i holds a frame of len bytes (dst[0] = ig, EtherType et), pkt_len beyond it. */
static struct rte_mbuf *
pass_frame(struct pass_slot *slot, uint8_t ig, uint16_t et, uint16_t len, uint32_t pkt_len)
{
	uint8_t b[64] = { 0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, 0, 0, 0x45 };
	uint8_t *frame = slot->end - len;

	b[0] = ig;
	b[12] = (uint8_t)(et >> 8);
	b[13] = (uint8_t)et;
	memcpy(frame, b, RTE_MIN(len, sizeof(b)));
	memset(&slot->m, 0, sizeof(slot->m));
	slot->m.buf_addr = frame - RTE_PKTMBUF_HEADROOM;
	slot->m.data_off = RTE_PKTMBUF_HEADROOM;
	slot->m.data_len = len;
	slot->m.pkt_len = pkt_len;
	return &slot->m;
}

/* One burst through the fast pass and through vb_cls_fast; false (and says why) if they differ */
static bool
pass_check(struct rte_mbuf **pkts, unsigned int nb, const char *what, unsigned int n)
{
	uint8_t got[VB_MAX_BURST], want[VB_MAX_BURST];
	unsigned int nb_got, nb_want = 0, i;
	uint64_t bytes = 0, want_bytes = 0;

	for (i = 0; i < nb; i++) {
		want_bytes += pkts[i]->pkt_len;
		if (!vb_cls_fast(rte_pktmbuf_mtod(pkts[i], const uint8_t *), pkts[i]->data_len))
			want[nb_want++] = (uint8_t)i;
	}
	nb_got = vb_fwd_fast_pass(pkts, nb, got, &bytes);
	if (nb_got == nb_want && memcmp(got, want, nb_got) == 0 && bytes == want_bytes)
		return true;
	printf("FAIL: fast pass, %s %u, burst of %u: %u slow frames, %" PRIu64 " bytes; "
	       "expected %u, %" PRIu64 "\n", what, n, nb, nb_got, bytes, nb_want, want_bytes);
	for (i = 0; i < nb; i++) {
		const uint8_t *f = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
		unsigned int len = pkts[i]->data_len;

		printf("  frame %u: len %u dst[0] %02x EtherType %02x%02x\n", i, len,
		       len > 0 ? f[0] : 0, len >= VB_ETH_HLEN ? f[12] : 0,
		       len >= VB_ETH_HLEN ? f[13] : 0);
	}
	return false;
}

static void
test_fast_pass(void)
{
	static const uint16_t odd_et[] = { VB_ETYPE_ARP, VB_ETYPE_VLAN, VB_ETYPE_QINQ,
					   VB_ETYPE_QINQ_OLD };
	struct pass_slot *slot = pass_slots();
	struct rte_mbuf *pkts[VB_MAX_BURST];
	unsigned int bad = 0, n, i, nb;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint32_t et;

	/*
	 * Every EtherType, in bursts of 32 consecutive ones: all unicast, then again with a
	 * group destination on every ninth frame (other places of a group each time).
	 */
	for (n = 0; n < 2; n++) {
		for (et = 0; et <= 0xffff && bad < 5; et += 32) {
			for (i = 0; i < 32; i++)
				pkts[i] = pass_frame(&slot[i],
						     n == 1 && (et / 32 + i) % 9 == 0 ? 0x01 : 0x02,
						     (uint16_t)(et + i), 60, 60 + i);
			if (!pass_check(pkts, 32, n == 0 ? "unicast, EtherTypes from" :
					"with group destinations, EtherTypes from", et))
				bad++;
		}
	}
	/* random bursts: mostly plain, now and then an odd frame anywhere */
	for (n = 0; n < 200000 && bad < 5; n++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		nb = 1 + (unsigned int)(x % (n % 4 == 0 ? VB_MAX_BURST : 40));
		for (i = 0; i < nb; i++) {
			uint8_t ig = 0x02;
			uint16_t e = 0x0800, len = 60;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			switch (x % 64) {
			case 0: case 1: case 2: case 3:
				e = odd_et[(x >> 8) % RTE_DIM(odd_et)];
				break;
			case 4:
				ig = (x >> 8) & 1 ? 0xff : 0x33;
				break;
			case 5:
				len = (uint16_t)((x >> 8) % (VB_ETH_HLEN + 2));
				break;
			case 6:
				e = (uint16_t)(x >> 16);
				break;
			case 7:
				e = VB_ETYPE_IPV6;
				break;
			}
			if (n % 8 != 0 && x % 64 < 8 && (x >> 24) % 4 != 0)
				e = 0x0800, ig = 0x02, len = 60;	/* sparser odd frames */
			pkts[i] = pass_frame(&slot[i], ig, e, len, len + (uint32_t)((x >> 32) % 9000));
		}
		if (!pass_check(pkts, nb, "random burst", n))
			bad++;
	}
	/* slot 0 starts the mapping, one page before its guard page */
	munmap(slot[0].end - sysconf(_SC_PAGESIZE), 2 * sysconf(_SC_PAGESIZE) * VB_MAX_BURST);
	free(slot);
	CHECK(bad == 0, "fast pass differs from vb_cls_fast in %u bursts", bad);
	printf("classify: fast pass agrees with vb_cls_fast: 65,536 EtherTypes, %u random bursts\n",
	       n);
}

/*
 * No frame is taken for a copy of one never seen: a broadcast stream of few varying bytes
 * (ARP from six senders, two opcodes, 512 targets; a VLAN tag, a multicast destination, a
 * frame length beyond its bytes now and then) on two pairs, with time jumping ahead and
 * slipping back, through tables of 4 to 64 entries where every key meets many others' tags.
 * An exact set of every frame seen (its hashed bytes, length and pair) is the reference.
 * A tag that is a poor function of the bytes (one linear map of too few bits of state) fails
 * here: such a hash judged 11 to 43 new frames copies. Run with each of the table's hashes
 * (the CRC fallback and, where the CPU has it, the AES one).
 */
static void
test_no_false_copies(enum vb_dup_hash hash)
{
	enum { SET = 1 << 20 };
	static const uint32_t sizes[] = { 4, 16, 64 };
	uint64_t *set = calloc(SET, sizeof(*set));
	uint64_t x = 88172645463325252ULL, now = UINT64_C(1) << 47, verdicts = 0;
	uint32_t wrong = 0, z, it, i;

	CHECK(set != NULL, "out of memory");
	if (set == NULL)
		return;
	for (z = 0; z < RTE_DIM(sizes); z++) {
		void *dup = aligned_zalloc(vb_duptab_mem_size(sizes[z]));
		struct vb_cls_ctrs ctrs;
		struct vb_cls_ctx ctx[4];
		int p;

		memset(set, 0, SET * sizeof(*set));
		CHECK(vb_duptab_init_hash(dup, sizes[z], VB_DUPTAB_DEF_HASH_LEN, US(50000),
					  hash) == 0, "duptab init (%s)", vb_dup_hash_name(hash));
		for (p = 0; p < 4; p++)
			ctx[p] = (struct vb_cls_ctx){
				.duptab = dup, .ctrs = &ctrs, .sample_mask = VB_CLS_SAMPLE_DEFAULT,
				.rx_port = (uint8_t)p, .tx_port = (uint8_t)(p ^ 1),
				.pair = (uint8_t)(p / 2),
			};
		for (it = 0; it < 4000; it++) {
			static uint8_t fr[32][64];
			struct vb_cls_pkt pk[32];
			uint32_t fl[32], nb, r;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			r = (uint32_t)(x >> 16);
			p = (int)(r & 3);
			nb = 1 + (r >> 2) % 32;
			if (r % 50 == 0)
				now += US(1000) * ((r >> 8) % 300);
			else if (r % 97 == 0)
				now -= (r >> 8) % 20000;
			else
				now += (r >> 8) % 30000;
			for (i = 0; i < nb; i++) {
				uint8_t *f = fr[i];
				uint32_t q, len = 60;

				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				q = (uint32_t)(x >> 16);
				memset(f, 0, 64);
				memset(f, 0xff, 6);
				f[6] = 2;
				f[11] = (uint8_t)((q >> 8) % 6);
				f[12] = 8, f[13] = 6, f[15] = 1, f[16] = 8, f[18] = 6, f[19] = 4;
				f[21] = (uint8_t)(1 + (q >> 20) % 2);
				memcpy(f + 22, f + 6, 6);
				f[28] = 198, f[29] = 18, f[31] = 1, f[38] = 198, f[39] = 19;
				f[40] = (uint8_t)((q >> 4) % 64);
				f[41] = (uint8_t)((q >> 12) % 8);
				if (q % 17 == 0) {
					f[12] = 0x81, f[13] = 0, f[15] = 5, f[16] = 8, f[17] = 6;
					len = 64;
				}
				if (q % 23 == 0)
					f[0] = 0x33, f[1] = 0x33;
				pk[i] = (struct vb_cls_pkt){ f, len, len + (q % 11 == 0 ? 1000 : 0) };
			}
			vb_cls_burst_slow(&ctx[p], pk, nb, now, fl);
			for (i = 0; i < nb; i++) {
				/* FNV-1a over what the key covers: the bytes, the length, the pair */
				uint64_t k = 1469598103934665603ULL ^ pk[i].pkt_len ^ (uint64_t)(p / 2) << 40;
				uint32_t j, slot;
				bool seen = false;

				for (j = 0; j < pk[i].len; j++)
					k = (k ^ pk[i].data[j]) * 0x100000001b3ULL;
				k |= 1;
				for (slot = (uint32_t)((k * 0x9e3779b97f4a7c15ULL) >> 44); set[slot] != 0;
				     slot = (slot + 1) & (SET - 1))
					if (set[slot] == k) {
						seen = true;
						break;
					}
				if (!seen)
					set[slot] = k;
				if ((fl[i] & (VB_CLS_DUPLICATE | VB_CLS_REFLECTED | VB_CLS_LOOPED)) == 0)
					continue;
				verdicts++;
				if (!seen && wrong++ < 3)
					printf("FAIL: %s table of %u: a frame never seen judged a copy "
					       "(0x%x)\n", vb_dup_hash_name(hash), sizes[z], fl[i]);
			}
		}
		free(dup);
	}
	free(set);
	printf("no false copies, %s hash: %u false of %" PRIu64 " copies judged\n",
	       vb_dup_hash_name(hash), wrong, verdicts);
	CHECK(wrong == 0 && verdicts > 200, "%s hash: false copies %u (of %" PRIu64
	      " copies judged)", vb_dup_hash_name(hash), wrong, verdicts);
}

int
main(void)
{
	guard_setup();
	test_cases();
	test_fast_all_etypes();
	test_fast_pass();
	test_prefixes();
	test_random();
	test_names();
	test_chain_scenario();
	test_burst_equivalence();
	test_no_false_copies(VB_DUP_HASH_CRC);
	if (vb_dup_hash_best() == VB_DUP_HASH_AES)
		test_no_false_copies(VB_DUP_HASH_AES);
	else
		printf("no false copies, aes hash: this CPU has no AES-NI, not checked\n");
	if (failures != 0) {
		printf("test_classify: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_classify: ok\n");
	return 0;
}
