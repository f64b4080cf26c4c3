/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy engine: rules as rte_acl entries over struct vb_pol_key, one context per kind
 * of frame (enum vb_pol_kind), each holding only the rules that can match there and walking
 * only the key's fields it needs; one classify per kind present in a burst. Built on the
 * main lcore; the datapath only reads a built policy.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "classify.h"
#include "config.h"
#include "log.h"
#include "policy.h"
#include "sample.h"
#include "shm.h"

/*
 * The key's fields, each an rte_acl field where a context uses it. make_entry() fills all of
 * them for a rule; a context's layout (struct ctx_layout) picks those it walks.
 */
enum {
	L_PROTO,
	L_A0, L_A1, L_A2, L_A3, L_A4, L_A5, L_A6, L_A7,	/* the words of addr[] */
	L_SPORT, L_DPORT, L_VLAN, L_INPORT,
	L_DMAC_HI, L_DMAC_LO, L_SMAC_HI, L_SMAC_LO,	/* 4 + 2, 2 + 4 bytes */
	L_CLS, L_ETYPE,
	L_NUM
};

#define KOFF(m) offsetof(struct vb_pol_key, m)

static const struct {
	uint8_t type;
	uint8_t size;
	uint8_t offset;
} key_field[L_NUM] = {
	[L_PROTO] = { RTE_ACL_FIELD_TYPE_BITMASK, 1, KOFF(proto) },
	[L_A0] = { RTE_ACL_FIELD_TYPE_MASK, 4, KOFF(addr[0]) },
	[L_A1] = { RTE_ACL_FIELD_TYPE_MASK, 4, KOFF(addr[1]) },
	[L_A2] = { RTE_ACL_FIELD_TYPE_MASK, 4, KOFF(addr[2]) },
	[L_A3] = { RTE_ACL_FIELD_TYPE_MASK, 4, KOFF(addr[3]) },
	[L_A4] = { RTE_ACL_FIELD_TYPE_MASK, 4, KOFF(addr[4]) },
	[L_A5] = { RTE_ACL_FIELD_TYPE_MASK, 4, KOFF(addr[5]) },
	[L_A6] = { RTE_ACL_FIELD_TYPE_MASK, 4, KOFF(addr[6]) },
	[L_A7] = { RTE_ACL_FIELD_TYPE_MASK, 4, KOFF(addr[7]) },
	[L_SPORT] = { RTE_ACL_FIELD_TYPE_RANGE, 2, KOFF(sport) },
	[L_DPORT] = { RTE_ACL_FIELD_TYPE_RANGE, 2, KOFF(dport) },
	[L_VLAN] = { RTE_ACL_FIELD_TYPE_RANGE, 2, KOFF(vlan) },
	[L_INPORT] = { RTE_ACL_FIELD_TYPE_BITMASK, 2, KOFF(in_port) },
	[L_DMAC_HI] = { RTE_ACL_FIELD_TYPE_BITMASK, 4, KOFF(mac) },
	[L_DMAC_LO] = { RTE_ACL_FIELD_TYPE_BITMASK, 2, KOFF(mac) + 4 },
	[L_SMAC_HI] = { RTE_ACL_FIELD_TYPE_BITMASK, 2, KOFF(mac) + 6 },
	[L_SMAC_LO] = { RTE_ACL_FIELD_TYPE_BITMASK, 4, KOFF(mac) + 8 },
	[L_CLS] = { RTE_ACL_FIELD_TYPE_BITMASK, 2, KOFF(cls) },
	[L_ETYPE] = { RTE_ACL_FIELD_TYPE_BITMASK, 2, KOFF(etype) },
};

/*
 * A context's fields in trie order, in groups of 4 bytes of the key (rte_acl reads one
 * group per 4 transitions; the first field, proto, is one byte alone). Groups every rule of
 * a trie leaves wild (a VLAN, a port, a MAC no rule names) rte_acl drops by itself; cls and
 * etype are never wild, so only the contexts that need them have them.
 */
#define GROUPS_MAX	16
#define END		UINT8_MAX

struct ctx_layout {
	uint8_t group[GROUPS_MAX][2];	/* logical fields, END: none */
};

#define G1(a)		{ a, END }
#define G2(a, b)	{ a, b }
#define L2_GROUPS	G2(L_SPORT, L_DPORT), G2(L_VLAN, L_INPORT), G1(L_DMAC_HI), \
			G2(L_DMAC_LO, L_SMAC_HI), G1(L_SMAC_LO)
#define A4_GROUPS	G1(L_A0), G1(L_A1)
#define A6_GROUPS	G1(L_A0), G1(L_A1), G1(L_A2), G1(L_A3), \
			G1(L_A4), G1(L_A5), G1(L_A6), G1(L_A7)

static const struct ctx_layout layout_ip4 = { {
	G1(L_PROTO), A4_GROUPS, L2_GROUPS, G1(END),
} };
static const struct ctx_layout layout_ip6 = { {
	G1(L_PROTO), A6_GROUPS, L2_GROUPS, G1(END),
} };
static const struct ctx_layout layout_rest4 = { {
	G1(L_PROTO), G2(L_CLS, L_ETYPE), L2_GROUPS, A4_GROUPS, G1(END),
} };
static const struct ctx_layout layout_rest6 = { {
	G1(L_PROTO), G2(L_CLS, L_ETYPE), L2_GROUPS, A6_GROUPS, G1(END),
} };

/* Per kind of frame (enum vb_pol_kind): its layout, its EtherType (0: neither IP), v6. */
static const struct {
	const struct ctx_layout *layout;
	uint16_t etype;
	bool v6;
	char tag;			/* in the context's name */
} kind_ctx[VB_POL_NB_KINDS] = {
	[VB_POL_K_IP4] = { &layout_ip4, VB_POL_ETH_IPV4, false, '4' },
	[VB_POL_K_IP6] = { &layout_ip6, VB_POL_ETH_IPV6, true, '6' },
	[VB_POL_K_L2] = { &layout_rest4, 0, false, 'e' },
	[VB_POL_K_IP4_REST] = { &layout_rest4, VB_POL_ETH_IPV4, false, 'r' },
	[VB_POL_K_IP6_REST] = { &layout_rest6, VB_POL_ETH_IPV6, true, 's' },
};

/* The rte_acl field definitions of a layout; returns how many (the rule's field count). */
static unsigned int
field_defs(const struct ctx_layout *lay, struct rte_acl_field_def *d, uint8_t *map)
{
	unsigned int g, j, n = 0;

	for (g = 0; g < GROUPS_MAX && lay->group[g][0] != END; g++) {
		for (j = 0; j < 2 && lay->group[g][j] != END; j++) {
			unsigned int lf = lay->group[g][j];

			d[n] = (struct rte_acl_field_def){ .type = key_field[lf].type,
				.size = key_field[lf].size, .field_index = (uint8_t)n,
				.input_index = (uint8_t)g, .offset = key_field[lf].offset };
			map[n++] = (uint8_t)lf;
		}
	}
	return n;
}

/* The most fields a layout has: every one. */
#define FIELDS_MAX	L_NUM

static uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A prefix of len bits as per-word prefix lengths over nw 32-bit words. */
static void
set_prefix(struct rte_acl_field *f, const uint8_t *addr, unsigned int len, unsigned int nw)
{
	unsigned int i;

	for (i = 0; i < nw; i++) {
		unsigned int bits = len > 32 * i ? RTE_MIN(len - 32 * i, 32u) : 0;

		f[i].value.u32 = bits ? be32_at(addr + 4 * (size_t)i) : 0;
		f[i].mask_range.u32 = bits;
	}
}

/*
 * The EtherType rule r requires of frames in a context (v6 or not): the IP one of the
 * context when it names a family or a protocol, its own `ether-type`, or -1: any.
 */
static int
rule_etype(const struct vb_rule *r, bool v6)
{
	if (r->family != 0 || (r->has & VB_RULE_PROTO))
		return v6 ? VB_POL_ETH_IPV6 : VB_POL_ETH_IPV4;
	if (r->has & VB_RULE_ETYPE)
		return r->etype;
	return -1;
}

/*
 * Whether rule r can match a frame of kind k, whose EtherType is kind_ctx[k].etype (0: any
 * but IPv4 and IPv6). A rule left out of a context could never have matched there.
 */
static bool
rule_in_kind(const struct vb_rule *r, unsigned int k)
{
	int et;

	if (r->family != 0 && (r->family == 6) != kind_ctx[k].v6)
		return false;
	et = rule_etype(r, kind_ctx[k].v6);
	if (et < 0)
		return true;
	if (kind_ctx[k].etype != 0)
		return et == kind_ctx[k].etype;
	return et != VB_POL_ETH_IPV4 && et != VB_POL_ETH_IPV6;
}

/*
 * The rte_acl fields (by L_*) of rule r for a context (v6 or not); which: 0 normal, 1 and 2
 * the two halves of `port N` (source, destination).
 */
static void
make_entry(struct rte_acl_field *f, const struct vb_rule *r, bool v6, unsigned int which)
{
	uint16_t cls_mask = VB_POL_CLS_PROTECTED & ~r->named;
	uint16_t match = r->has & (uint16_t)~VB_RULE_IN;
	int et = rule_etype(r, v6);

	if (match != 0 || r->family != 0)
		cls_mask |= VB_POL_CLS_RUNT;
	if ((match & (uint16_t)~(VB_RULE_ETHER_SRC | VB_RULE_ETHER_DST | VB_RULE_VLAN)) != 0 ||
	    r->family != 0)
		cls_mask |= VB_POL_CLS_NO_ETYPE;
	if (r->has & (VB_RULE_PROTO | VB_RULE_SRC | VB_RULE_DST))
		cls_mask |= VB_POL_CLS_NO_L3;
	if (r->has & (VB_RULE_SPORT | VB_RULE_DPORT | VB_RULE_PORT))
		cls_mask |= VB_POL_CLS_NO_L4;

	memset(f, 0, sizeof(*f) * L_NUM);
	f[L_PROTO].value.u8 = r->proto;
	f[L_PROTO].mask_range.u8 = (r->has & VB_RULE_PROTO) ? 0xff : 0;
	f[L_CLS].value.u16 = 0;
	f[L_CLS].mask_range.u16 = cls_mask;
	f[L_VLAN].value.u16 = (r->has & VB_RULE_VLAN) ? r->vlan : 0;
	f[L_VLAN].mask_range.u16 = (r->has & VB_RULE_VLAN) ? r->vlan : UINT16_MAX;
	f[L_INPORT].value.u16 = r->in_port;
	f[L_INPORT].mask_range.u16 = (r->has & VB_RULE_IN) ? UINT16_MAX : 0;
	f[L_ETYPE].value.u16 = et < 0 ? 0 : (uint16_t)et;
	f[L_ETYPE].mask_range.u16 = et < 0 ? 0 : UINT16_MAX;
	f[L_SPORT].value.u16 = 0;
	f[L_SPORT].mask_range.u16 = UINT16_MAX;
	f[L_DPORT].value.u16 = 0;
	f[L_DPORT].mask_range.u16 = UINT16_MAX;
	if ((r->has & VB_RULE_SPORT) || which == 1) {
		f[L_SPORT].value.u16 = r->sport_lo;
		f[L_SPORT].mask_range.u16 = r->sport_hi;
	}
	if (r->has & VB_RULE_DPORT) {
		f[L_DPORT].value.u16 = r->dport_lo;
		f[L_DPORT].mask_range.u16 = r->dport_hi;
	} else if (which == 2) {
		f[L_DPORT].value.u16 = r->sport_lo;
		f[L_DPORT].mask_range.u16 = r->sport_hi;
	}
	f[L_DMAC_HI].value.u32 = be32_at(r->dmac);
	f[L_DMAC_LO].value.u16 = (uint16_t)(r->dmac[4] << 8 | r->dmac[5]);
	f[L_SMAC_HI].value.u16 = (uint16_t)(r->smac[0] << 8 | r->smac[1]);
	f[L_SMAC_LO].value.u32 = be32_at(r->smac + 2);
	f[L_DMAC_HI].mask_range.u32 = (r->has & VB_RULE_ETHER_DST) ? UINT32_MAX : 0;
	f[L_DMAC_LO].mask_range.u16 = (r->has & VB_RULE_ETHER_DST) ? UINT16_MAX : 0;
	f[L_SMAC_HI].mask_range.u16 = (r->has & VB_RULE_ETHER_SRC) ? UINT16_MAX : 0;
	f[L_SMAC_LO].mask_range.u32 = (r->has & VB_RULE_ETHER_SRC) ? UINT32_MAX : 0;
	/* IPv4: source and destination in addr[0], addr[1]; IPv6: addr[0-3], addr[4-7]. */
	set_prefix(&f[L_A0], r->src, (r->has & VB_RULE_SRC) ? r->src_len : 0, v6 ? 4 : 1);
	set_prefix(&f[v6 ? L_A4 : L_A1], r->dst, (r->has & VB_RULE_DST) ? r->dst_len : 0,
		   v6 ? 4 : 1);
}

/* Field f's value (or range low end, or mask) as an integer of def d's size. */
static uint64_t
field_u(const struct rte_acl_field_def *d, const union rte_acl_field_types *u)
{
	switch (d->size) {
	case 1:
		return u->u8;
	case 2:
		return u->u16;
	case 4:
		return u->u32;
	default:
		return u->u64;
	}
}

/*
 * The values byte i (0: the most significant, the first in the key) of field f of an entry
 * allows, as an interval [*lo, *hi]: exact for ranges and prefixes, a superset for other
 * masks (the values between the lowest and the highest allowed) and for an empty range
 * (every value), which keeps the pre-test a necessary condition.
 */
static void
byte_span(const struct rte_acl_field_def *d, const struct rte_acl_field *f, unsigned int i,
	  uint8_t *lo, uint8_t *hi)
{
	unsigned int sh = 8 * (d->size - 1 - i), bits;
	uint64_t v = field_u(d, &f->value), m = field_u(d, &f->mask_range), skip;
	uint8_t vb = (uint8_t)(v >> sh), mb;

	switch (d->type) {
	case RTE_ACL_FIELD_TYPE_RANGE:
		/* The bytes above i equal at both ends: this byte runs from one to the other. */
		if ((i == 0 || (v >> (sh + 8)) == (m >> (sh + 8))) && vb <= (uint8_t)(m >> sh)) {
			*lo = vb;
			*hi = (uint8_t)(m >> sh);
		} else {
			*lo = 0;
			*hi = UINT8_MAX;
		}
		return;
	case RTE_ACL_FIELD_TYPE_MASK:	/* m: the prefix length in bits */
		skip = (uint64_t)i * 8;
		bits = m > skip ? (unsigned int)RTE_MIN(m - skip, (uint64_t)8) : 0;
		mb = (uint8_t)(bits == 0 ? 0 : 0xff << (8 - bits));
		break;
	default:
		mb = (uint8_t)(m >> sh);
		break;
	}
	*lo = vb & mb;
	*hi = (uint8_t)(vb | ~mb);
}

static void
allow_span(uint64_t *w, unsigned int lo, unsigned int hi)
{
	unsigned int b;

	for (b = lo; b <= hi; b++)
		w[b >> 6] |= 1ULL << (b & 63);
}

static unsigned int
allow_count(const uint64_t *w)
{
	return (unsigned int)(__builtin_popcountll(w[0]) + __builtin_popcountll(w[1]) +
			      __builtin_popcountll(w[2]) + __builtin_popcountll(w[3]));
}

/* A pre-test that lets through at most this many of a byte's 256 values is worth its test. */
#define PRE_KEEP_VALUES	128

/*
 * Whether the key byte at pos holds few distinct values in real traffic (the protocol: TCP
 * and UDP; VLAN, port, cls, EtherType): a poor place for the pre-test, taken only when no
 * address or port byte does as well 32 times over.
 */
static bool
skewed_byte(unsigned int pos)
{
	return pos == KOFF(proto) || (pos >= KOFF(vlan) && pos < KOFF(vlan) + 4) ||
	       pos >= KOFF(cls);
}
#define SKEW_WEIGHT	32

/*
 * The pre-test of a context from its n rte_acl entries (buf, rule size rsz, fields defs):
 * greedily, the key byte whose entries constrain it (not every value allowed) cover the most
 * entries not yet covered per value allowed, until every entry is covered. An entry that
 * constrains no byte (`permit any`) or more than VB_POL_PRE_MAX bytes needed, or too many
 * values let through: no pre-test (nb 0). Out of memory: no pre-test either, which is only
 * slower.
 */
static void
build_pretest(struct vb_pol_pretest *pt, const uint8_t *buf, size_t rsz, unsigned int n,
	      const struct rte_acl_field_def *defs, unsigned int nf)
{
	uint8_t pos[64], cand_field[64], cand_byte[64], (*span)[2] = NULL;
	unsigned int nc = 0, c, e, j, i, left = n, total = 0;
	bool *covered = NULL, used[64] = { false };

	memset(pt, 0, sizeof(*pt));
	for (j = 0; j < nf; j++)
		for (i = 0; i < defs[j].size && nc < RTE_DIM(pos); i++) {
			cand_field[nc] = (uint8_t)j;
			cand_byte[nc] = (uint8_t)i;
			pos[nc++] = (uint8_t)(defs[j].offset + i);
		}
	if (nc == 0)
		goto none;
	span = malloc(sizeof(*span) * nc * (size_t)n);
	covered = calloc(n, sizeof(*covered));
	if (span == NULL || covered == NULL)
		goto none;
	for (e = 0; e < n; e++) {
		const struct rte_acl_rule *r = (const struct rte_acl_rule *)(buf + rsz * e);

		for (c = 0; c < nc; c++)
			byte_span(&defs[cand_field[c]], &r->field[defs[cand_field[c]].field_index],
				  cand_byte[c], &span[e * nc + c][0], &span[e * nc + c][1]);
	}
	while (left != 0) {
		unsigned int best = nc, best_cnt = 0, best_vals = 0;

		if (pt->nb == VB_POL_PRE_MAX)
			goto none;
		for (c = 0; c < nc; c++) {
			uint64_t w[4] = { 0 };
			unsigned int cnt = 0, vals;

			if (used[c])
				continue;
			for (e = 0; e < n; e++) {
				const uint8_t *sp = span[e * nc + c];

				if (covered[e] || (sp[0] == 0 && sp[1] == UINT8_MAX))
					continue;
				cnt++;
				allow_span(w, sp[0], sp[1]);
			}
			vals = allow_count(w) * (skewed_byte(pos[c]) ? SKEW_WEIGHT : 1);
			/*
			 * Most entries per value allowed: cnt / vals, compared without dividing.
			 * A tie goes to the later byte: of a prefix's constant bytes the last
			 * (2001:db8::/32's 0xb8, not its 0x20 that all of 2000::/3 shares).
			 */
			if (cnt != 0 && (best == nc ||
					 (uint64_t)cnt * best_vals >= (uint64_t)best_cnt * vals)) {
				best = c;
				best_cnt = cnt;
				best_vals = vals;
			}
		}
		if (best == nc)
			goto none;	/* an entry constrains no byte */
		used[best] = true;
		pt->pos[pt->nb] = pos[best];
		for (e = 0; e < n; e++) {
			const uint8_t *sp = span[e * nc + best];

			if (covered[e] || (sp[0] == 0 && sp[1] == UINT8_MAX))
				continue;
			covered[e] = true;
			left--;
			allow_span(pt->allow[pt->nb], sp[0], sp[1]);
		}
		total += allow_count(pt->allow[pt->nb]);
		pt->nb++;
	}
	if (total > PRE_KEEP_VALUES)
		goto none;
	free(span);
	free(covered);
	return;
none:
	memset(pt, 0, sizeof(*pt));
	free(span);
	free(covered);
}

/* The fastest classify method this CPU and EAL's SIMD limit allow; its name. */
static const char *
pick_alg(struct rte_acl_ctx *ctx)
{
	static const struct {
		enum rte_acl_classify_alg alg;
		const char *name;
	} algs[] = {
		{ RTE_ACL_CLASSIFY_AVX512X32, "avx512x32" },
		{ RTE_ACL_CLASSIFY_AVX512X16, "avx512x16" },
		{ RTE_ACL_CLASSIFY_AVX2, "avx2" },
		{ RTE_ACL_CLASSIFY_SSE, "sse" },
		{ RTE_ACL_CLASSIFY_NEON, "neon" },
		{ RTE_ACL_CLASSIFY_ALTIVEC, "altivec" },
		{ RTE_ACL_CLASSIFY_SCALAR, "scalar" },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(algs); i++)
		if (rte_acl_set_ctx_classify(ctx, algs[i].alg) == 0)
			return algs[i].name;
	return "default";
}

static const char *const kind_name[VB_POL_NB_KINDS] = {
	[VB_POL_K_IP4] = "whole IPv4",
	[VB_POL_K_IP6] = "whole IPv6",
	[VB_POL_K_L2] = "non-IP",
	[VB_POL_K_IP4_REST] = "other IPv4",
	[VB_POL_K_IP6_REST] = "other IPv6",
};

/* Build the context of kind k from every rule that can match there; NULL without any. */
static int
build_ctx(struct rte_acl_ctx **ctx, struct vb_pol_pretest *pt, const struct vb_rules *rules,
	  unsigned int k, unsigned int gen, const char **alg, char *err, size_t errlen)
{
	struct rte_acl_field f[L_NUM];
	struct rte_acl_param prm = { 0 };
	struct rte_acl_config cfg = { 0 };
	uint8_t map[FIELDS_MAX];
	unsigned int i, j, n = 0, w, nf;
	char name[RTE_ACL_NAMESIZE];
	size_t rsz;
	uint8_t *buf;
	int ret;

	nf = field_defs(kind_ctx[k].layout, cfg.defs, map);
	rsz = RTE_ACL_RULE_SZ(nf);
	buf = calloc((size_t)rules->nb * 2 + 1, rsz);
	if (buf == NULL)
		return vb_errf(err, errlen, "policy: out of memory for %u rules", rules->nb),
			-ENOMEM;
	for (i = 0; i < rules->nb; i++) {
		const struct vb_rule *r = &rules->rule[i];

		if (!rule_in_kind(r, k))
			continue;
		for (w = (r->has & VB_RULE_PORT) ? 1 : 0; w <= ((r->has & VB_RULE_PORT) ? 2u : 0u);
		     w++) {
			struct rte_acl_rule *e = (struct rte_acl_rule *)(buf + rsz * n++);

			make_entry(f, r, kind_ctx[k].v6, w);
			for (j = 0; j < nf; j++)
				e->field[j] = f[map[j]];
			e->data.category_mask = 1;
			e->data.priority = RTE_ACL_MAX_PRIORITY - i;
			e->data.userdata = i + 1;
		}
	}
	*ctx = NULL;
	if (n == 0) {
		/* No rule can match here: a pre-test no frame passes. */
		memset(pt, 0, sizeof(*pt));
		pt->nb = 1;
		free(buf);
		return 0;
	}
	build_pretest(pt, buf, rsz, n, cfg.defs, nf);
	snprintf(name, sizeof(name), "vb_pol%c_%u", kind_ctx[k].tag, gen);
	prm.name = name;
	prm.socket_id = (int)rte_socket_id();
	prm.rule_size = (uint32_t)rsz;
	prm.max_rule_num = n;
	*ctx = rte_acl_create(&prm);
	if (*ctx == NULL) {
		free(buf);
		return vb_errf(err, errlen, "policy: rte_acl_create: %s", rte_strerror(rte_errno)),
			-ENOMEM;
	}
	ret = rte_acl_add_rules(*ctx, (const struct rte_acl_rule *)buf, n);
	free(buf);
	if (ret == 0) {
		cfg.num_categories = 1;
		cfg.num_fields = nf;
		ret = rte_acl_build(*ctx, &cfg);
	}
	if (ret != 0) {
		rte_acl_free(*ctx);
		*ctx = NULL;
		return vb_errf(err, errlen, "policy: building the rules for %s frames failed: %s",
			       kind_name[k], strerror(-ret)), ret;
	}
	*alg = pick_alg(*ctx);
	return 0;
}

static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats((int)rte_socket_id(), &st) != 0)
		return 0;
	return st.heap_allocsz_bytes;
}

struct vb_policy *
vb_policy_build(const struct vb_rules *rules, const uint32_t *slots, uint32_t dflt_slot,
		uint32_t prot_slot, char *err, size_t errlen)
{
	static unsigned int gen;	/* main lcore only: rte_acl wants unique names */
	struct vb_policy *pol;
	size_t before = heap_used();
	unsigned int i, k;
	int ret;

	pol = rte_zmalloc("vb_policy", sizeof(*pol), RTE_CACHE_LINE_SIZE);
	if (pol == NULL)
		goto nomem;
	pol->verdict = rte_zmalloc("vb_policy_rules", sizeof(*pol->verdict) * (rules->nb + 1),
				   RTE_CACHE_LINE_SIZE);
	if (pol->verdict == NULL)
		goto nomem;
	pol->nb_rules = rules->nb;
	pol->verdict[0] = (struct vb_pol_verdict){ .slot = dflt_slot, .number = 0,
						   .action = rules->default_action };
	pol->prot = (struct vb_pol_verdict){ .slot = prot_slot, .number = 0,
					     .action = VB_POL_PERMIT };
	for (i = 0; i < rules->nb; i++)
		pol->verdict[i + 1] = (struct vb_pol_verdict){ .slot = slots[i],
			.number = (uint16_t)(i + 1), .action = rules->rule[i].action };
	pol->alg = "none";
	gen++;
	for (k = 0, ret = 0; k < VB_POL_NB_KINDS && ret == 0; k++)
		ret = build_ctx(&pol->ctx[k], &pol->pre[k], rules, k, gen, &pol->alg, err,
				errlen);
	if (ret != 0) {
		vb_policy_free(pol);
		rte_errno = -ret;
		return NULL;
	}
	pol->mem = heap_used() - before;
	return pol;
nomem:
	vb_policy_free(pol);
	vb_errf(err, errlen, "policy: out of memory for %u rules", rules->nb);
	rte_errno = ENOMEM;
	return NULL;
}

void
vb_policy_free(struct vb_policy *pol)
{
	unsigned int k;

	if (pol == NULL)
		return;
	for (k = 0; k < VB_POL_NB_KINDS; k++)
		rte_acl_free(pol->ctx[k]);
	rte_free(pol->verdict);
	rte_free(pol);
}

/*
 * The verdict of a frame of kind k that no rule matched: ARP, ND and link-local control
 * frames that no rule named pass, never by the default.
 */
static inline const struct vb_pol_verdict *
no_match(const struct vb_policy *pol, unsigned int k, const struct vb_pol_key *key)
{
	return k >= VB_POL_K_L2 && (key->cls & RTE_BE16(VB_POL_CLS_PROTECTED)) ? &pol->prot :
	       &pol->verdict[0];
}

/*
 * The verdicts of n frames of kind k whose keys are data[] (frame at[j] of the burst, or j
 * when at is NULL): one rte_acl_classify for all of them.
 */
static inline void
judge_kind(const struct vb_policy *pol, unsigned int k, const uint8_t **data, unsigned int n,
	   const uint16_t *at, const struct vb_pol_verdict **out)
{
	uint32_t res[VB_MAX_BURST];
	unsigned int j;

	if (pol->ctx[k] != NULL)
		rte_acl_classify(pol->ctx[k], data, res, n, 1);
	else
		memset(res, 0, sizeof(res[0]) * n);
	for (j = 0; j < n; j++)
		out[at != NULL ? at[j] : j] = &pol->verdict[res[j]];
	if (k < VB_POL_K_L2)
		return;	/* whole IP frames: none is protected */
	for (j = 0; j < n; j++)
		if (res[j] == 0)
			out[at != NULL ? at[j] : j] =
				no_match(pol, k, (const struct vb_pol_key *)data[j]);
}

/*
 * Every frame's verdict: its key read, then one rte_acl_classify per kind of frame in the
 * burst. Bursts are mostly of one kind (whole IPv4 frames): those are classified in place.
 */
static inline void
judge(const struct vb_policy *pol, struct rte_mbuf *const *pkts, uint16_t nb, uint16_t in_port,
      const struct vb_pol_verdict **out)
{
	struct vb_pol_key key[VB_MAX_BURST];
	const uint8_t *data[VB_MAX_BURST];
	uint8_t kind[VB_MAX_BURST];
	uint16_t at[VB_MAX_BURST];
	unsigned int n[VB_POL_NB_KINDS + 1], first[VB_POL_NB_KINDS], next[VB_POL_NB_KINDS];
	unsigned int i, k, seen = 0;

	if (unlikely(nb == 0))
		return;
	for (i = 0; i < nb; i++) {
		const struct rte_mbuf *m = pkts[i];

		k = vb_pol_key_read(&key[i], rte_pktmbuf_mtod(m, const uint8_t *), m->data_len,
				    in_port);
		data[i] = (const uint8_t *)&key[i];
		/*
		 * No rule of its kind can match it (ARP with IP rules only, or a pre-test
		 * failed): judged here, not sorted.
		 */
		if (!vb_pol_pretest_pass(&pol->pre[k], &key[i])) {
			out[i] = no_match(pol, k, &key[i]);
			k = VB_POL_NB_KINDS;
		}
		kind[i] = (uint8_t)k;
		seen |= 1u << k;
	}
	if (seen == 1u << VB_POL_NB_KINDS)
		return;
	if (likely(seen == 1u << kind[0])) {
		judge_kind(pol, kind[0], data, nb, NULL, out);
		return;
	}
	/* Several kinds: sort the keys by kind in one pass, then one classify per kind. */
	memset(n, 0, sizeof(n));
	for (i = 0; i < nb; i++)
		n[kind[i]]++;	/* n[VB_POL_NB_KINDS]: the judged ones */
	for (k = 0, i = 0; k < VB_POL_NB_KINDS; k++) {
		first[k] = i;
		i += n[k];
	}
	memcpy(next, first, sizeof(next));
	for (i = 0; i < nb; i++) {
		unsigned int j;

		if (kind[i] == VB_POL_NB_KINDS)
			continue;
		j = next[kind[i]]++;
		data[j] = (const uint8_t *)&key[i];
		at[j] = (uint16_t)i;
	}
	for (k = 0; k < VB_POL_NB_KINDS; k++)
		if (n[k] != 0)
			judge_kind(pol, k, data + first[k], n[k], at + first[k], out);
}

void
vb_policy_judge(const struct vb_policy *pol, struct rte_mbuf *const *pkts, uint16_t nb,
		uint16_t in_port, const struct vb_pol_verdict **out)
{
	judge(pol, pkts, nb, in_port, out);
}

static inline void
count_run(struct vb_pol_ctrs *c, unsigned int frames, uint64_t bytes, uint64_t now)
{
	vb_ctr_add(&c->frames, frames);
	vb_ctr_add(&c->bytes, bytes);
	__atomic_store_n(&c->last_tsc, now, __ATOMIC_RELAXED);
}

uint16_t
vb_policy_burst(const struct vb_policy *pol, unsigned int mode, struct rte_mbuf **pkts,
		uint16_t nb, uint16_t in_port, uint64_t now, struct vb_pol_ctrs *ctrs,
		const struct vb_pol_sample *smp, struct vb_pol_burst *res)
{
	const struct vb_pol_verdict *v[VB_MAX_BURST];
	struct rte_mbuf *gone[VB_MAX_BURST];
	const struct vb_pol_verdict *run = NULL;
	unsigned int i, kept = 0, nb_gone = 0, nb_denied = 0, run_frames = 0;
	uint64_t denied_bytes = 0, run_bytes = 0;

	judge(pol, pkts, nb, in_port, v);
	/* Frames of a burst mostly share a verdict: count runs, one store per run. */
	for (i = 0; i < nb; i++) {
		const struct vb_pol_verdict *vi = v[i];
		struct rte_mbuf *m = pkts[i];

		if (run == NULL || vi != run) {
			if (run != NULL)
				count_run(&ctrs[run->slot], run_frames, run_bytes, now);
			run = vi;
			run_frames = 0;
			run_bytes = 0;
		}
		run_frames++;
		run_bytes += m->pkt_len;
		if (likely(vi->action == VB_POL_PERMIT)) {
			pkts[kept++] = m;
			continue;
		}
		nb_denied++;
		denied_bytes += m->pkt_len;
		if (smp->ring != NULL)
			vb_sample_put_tag(smp->ring, now, VB_CLS_POLICY |
					  (mode == VB_POL_MODE_SHADOW ? VB_CLS_SHADOW : 0),
					  vi->number, smp->bridge_port, smp->queue,
					  rte_pktmbuf_mtod(m, const uint8_t *), m->data_len,
					  m->pkt_len);
		if (mode == VB_POL_MODE_SHADOW)
			pkts[kept++] = m;
		else
			gone[nb_gone++] = m;
	}
	if (run != NULL)
		count_run(&ctrs[run->slot], run_frames, run_bytes, now);
	if (nb_gone != 0)
		rte_pktmbuf_free_bulk(gone, nb_gone);
	res->denied = (uint16_t)nb_denied;
	res->denied_bytes = denied_bytes;
	return (uint16_t)kept;
}
