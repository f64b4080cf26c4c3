/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy engine: rules as rte_acl entries over struct vb_pol_key, two contexts (IPv6
 * frames; everything else), a whole burst classified per call. Built on the main lcore;
 * the datapath only reads a built policy.
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

/* The fields, in the order of struct vb_pol_key; IPv4 stops after the first address words. */
enum {
	F_PROTO, F_CLS, F_VLAN, F_INPORT, F_ETYPE, F_SPORT, F_DPORT,
	F_SMAC_HI, F_SMAC_LO, F_DMAC_LO, F_DMAC_HI,
	F_SRC0,
	F4_DST0, F4_NUM,
	F6_SRC1 = F4_DST0, F6_SRC2, F6_SRC3, F6_DST0, F6_DST1, F6_DST2, F6_DST3, F6_NUM,
};

RTE_ACL_RULE_DEF(acl_rule4, F4_NUM);
RTE_ACL_RULE_DEF(acl_rule6, F6_NUM);

#define FD(t, sz, fld, idx, off) { .type = RTE_ACL_FIELD_TYPE_##t, .size = sz, \
	.field_index = fld, .input_index = idx, .offset = off }
#define KOFF(m) offsetof(struct vb_pol_key, m)

static void
field_defs(struct rte_acl_field_def *d, bool v6)
{
	static const unsigned int src_field[4] = { F_SRC0, F6_SRC1, F6_SRC2, F6_SRC3 };
	unsigned int i, n = 0;

	d[n++] = (struct rte_acl_field_def)FD(BITMASK, 1, F_PROTO, 0, KOFF(proto));
	d[n++] = (struct rte_acl_field_def)FD(BITMASK, 2, F_CLS, 1, KOFF(cls));
	d[n++] = (struct rte_acl_field_def)FD(RANGE, 2, F_VLAN, 1, KOFF(vlan));
	d[n++] = (struct rte_acl_field_def)FD(BITMASK, 2, F_INPORT, 2, KOFF(in_port));
	d[n++] = (struct rte_acl_field_def)FD(BITMASK, 2, F_ETYPE, 2, KOFF(etype));
	d[n++] = (struct rte_acl_field_def)FD(RANGE, 2, F_SPORT, 3, KOFF(sport));
	d[n++] = (struct rte_acl_field_def)FD(RANGE, 2, F_DPORT, 3, KOFF(dport));
	d[n++] = (struct rte_acl_field_def)FD(BITMASK, 4, F_SMAC_HI, 4, KOFF(smac_hi));
	d[n++] = (struct rte_acl_field_def)FD(BITMASK, 2, F_SMAC_LO, 5, KOFF(smac_lo));
	d[n++] = (struct rte_acl_field_def)FD(BITMASK, 2, F_DMAC_LO, 5, KOFF(dmac_lo));
	d[n++] = (struct rte_acl_field_def)FD(BITMASK, 4, F_DMAC_HI, 6, KOFF(dmac_hi));
	if (!v6) {
		d[n++] = (struct rte_acl_field_def)FD(MASK, 4, F_SRC0, 7, KOFF(src[0]));
		d[n++] = (struct rte_acl_field_def)FD(MASK, 4, F4_DST0, 8, KOFF(dst[0]));
		return;
	}
	for (i = 0; i < 4; i++)
		d[n++] = (struct rte_acl_field_def)FD(MASK, 4, src_field[i], 7 + i,
						       KOFF(src[0]) + 4 * (size_t)i);
	for (i = 0; i < 4; i++)
		d[n++] = (struct rte_acl_field_def)FD(MASK, 4, F6_DST0 + i, 11 + i,
						       KOFF(dst[0]) + 4 * (size_t)i);
}

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
 * One rte_acl entry of rule r for a context (v6 or not); which: 0 normal, 1 and 2 the two
 * halves of `port N` (source, destination).
 */
static void
make_entry(struct rte_acl_field *f, const struct vb_rule *r, bool v6, unsigned int which)
{
	uint16_t cls_mask = VB_POL_CLS_PROTECTED & ~r->named;
	uint16_t match = r->has & (uint16_t)~VB_RULE_IN;

	if (match != 0 || r->family != 0)
		cls_mask |= VB_POL_CLS_RUNT;
	if ((match & (uint16_t)~(VB_RULE_ETHER_SRC | VB_RULE_ETHER_DST | VB_RULE_VLAN)) != 0 ||
	    r->family != 0)
		cls_mask |= VB_POL_CLS_NO_ETYPE;
	if (r->has & (VB_RULE_PROTO | VB_RULE_SRC | VB_RULE_DST))
		cls_mask |= VB_POL_CLS_NO_L3;
	if (r->has & (VB_RULE_SPORT | VB_RULE_DPORT | VB_RULE_PORT))
		cls_mask |= VB_POL_CLS_NO_L4;

	f[F_PROTO].value.u8 = r->proto;
	f[F_PROTO].mask_range.u8 = (r->has & VB_RULE_PROTO) ? 0xff : 0;
	f[F_CLS].value.u16 = 0;
	f[F_CLS].mask_range.u16 = cls_mask;
	f[F_VLAN].value.u16 = (r->has & VB_RULE_VLAN) ? r->vlan : 0;
	f[F_VLAN].mask_range.u16 = (r->has & VB_RULE_VLAN) ? r->vlan : UINT16_MAX;
	f[F_INPORT].value.u16 = r->in_port;
	f[F_INPORT].mask_range.u16 = (r->has & VB_RULE_IN) ? UINT16_MAX : 0;
	if (r->family != 0 || (r->has & VB_RULE_PROTO)) {
		f[F_ETYPE].value.u16 = v6 ? VB_POL_ETH_IPV6 : VB_POL_ETH_IPV4;
		f[F_ETYPE].mask_range.u16 = UINT16_MAX;
	} else {
		f[F_ETYPE].value.u16 = r->etype;
		f[F_ETYPE].mask_range.u16 = (r->has & VB_RULE_ETYPE) ? UINT16_MAX : 0;
	}
	f[F_SPORT].value.u16 = 0;
	f[F_SPORT].mask_range.u16 = UINT16_MAX;
	f[F_DPORT].value.u16 = 0;
	f[F_DPORT].mask_range.u16 = UINT16_MAX;
	if ((r->has & VB_RULE_SPORT) || which == 1) {
		f[F_SPORT].value.u16 = r->sport_lo;
		f[F_SPORT].mask_range.u16 = r->sport_hi;
	}
	if (r->has & VB_RULE_DPORT) {
		f[F_DPORT].value.u16 = r->dport_lo;
		f[F_DPORT].mask_range.u16 = r->dport_hi;
	} else if (which == 2) {
		f[F_DPORT].value.u16 = r->sport_lo;
		f[F_DPORT].mask_range.u16 = r->sport_hi;
	}
	f[F_SMAC_HI].value.u32 = be32_at(r->smac);
	f[F_SMAC_LO].value.u16 = (uint16_t)(r->smac[4] << 8 | r->smac[5]);
	f[F_DMAC_HI].value.u32 = be32_at(r->dmac);
	f[F_DMAC_LO].value.u16 = (uint16_t)(r->dmac[4] << 8 | r->dmac[5]);
	f[F_SMAC_HI].mask_range.u32 = (r->has & VB_RULE_ETHER_SRC) ? UINT32_MAX : 0;
	f[F_SMAC_LO].mask_range.u16 = (r->has & VB_RULE_ETHER_SRC) ? UINT16_MAX : 0;
	f[F_DMAC_HI].mask_range.u32 = (r->has & VB_RULE_ETHER_DST) ? UINT32_MAX : 0;
	f[F_DMAC_LO].mask_range.u16 = (r->has & VB_RULE_ETHER_DST) ? UINT16_MAX : 0;
	if (!v6) {
		set_prefix(&f[F_SRC0], r->src, (r->has & VB_RULE_SRC) ? r->src_len : 0, 1);
		set_prefix(&f[F4_DST0], r->dst, (r->has & VB_RULE_DST) ? r->dst_len : 0, 1);
	} else {
		struct rte_acl_field tmp[4];
		unsigned int i;

		set_prefix(tmp, r->src, (r->has & VB_RULE_SRC) ? r->src_len : 0, 4);
		f[F_SRC0] = tmp[0];
		for (i = 1; i < 4; i++)
			f[F6_SRC1 + i - 1] = tmp[i];
		set_prefix(&f[F6_DST0], r->dst, (r->has & VB_RULE_DST) ? r->dst_len : 0, 4);
	}
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

/* Build one context from every rule that applies to it; *ctx stays NULL without entries. */
static int
build_ctx(struct rte_acl_ctx **ctx, const struct vb_rules *rules, bool v6, unsigned int gen,
	  const char **alg, char *err, size_t errlen)
{
	const unsigned int nf = v6 ? F6_NUM : F4_NUM;
	const size_t rsz = RTE_ACL_RULE_SZ(nf);
	struct rte_acl_param prm = { 0 };
	struct rte_acl_config cfg = { 0 };
	unsigned int i, n = 0, w;
	char name[RTE_ACL_NAMESIZE];
	uint8_t *buf;
	int ret;

	buf = calloc((size_t)rules->nb * 2 + 1, rsz);
	if (buf == NULL)
		return vb_errf(err, errlen, "policy: out of memory for %u rules", rules->nb),
			-ENOMEM;
	for (i = 0; i < rules->nb; i++) {
		const struct vb_rule *r = &rules->rule[i];

		if (r->family != 0 && (r->family == 6) != v6)
			continue;
		for (w = (r->has & VB_RULE_PORT) ? 1 : 0; w <= ((r->has & VB_RULE_PORT) ? 2u : 0u);
		     w++) {
			struct rte_acl_rule *e = (struct rte_acl_rule *)(buf + rsz * n++);

			make_entry(e->field, r, v6, w);
			e->data.category_mask = 1;
			e->data.priority = RTE_ACL_MAX_PRIORITY - i;
			e->data.userdata = i + 1;
		}
	}
	*ctx = NULL;
	if (n == 0) {
		free(buf);
		return 0;
	}
	snprintf(name, sizeof(name), "vb_pol%c_%u", v6 ? '6' : '4', gen);
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
		field_defs(cfg.defs, v6);
		ret = rte_acl_build(*ctx, &cfg);
	}
	if (ret != 0) {
		rte_acl_free(*ctx);
		*ctx = NULL;
		return vb_errf(err, errlen, "policy: building the IPv%c rule set failed: %s",
			       v6 ? '6' : '4', strerror(-ret)), ret;
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
	unsigned int i;
	int ret;

	pol = rte_zmalloc("vb_policy", sizeof(*pol), RTE_CACHE_LINE_SIZE);
	if (pol == NULL)
		goto nomem;
	pol->rule = rte_zmalloc("vb_policy_rules", sizeof(*pol->rule) * (rules->nb + 1),
				RTE_CACHE_LINE_SIZE);
	if (pol->rule == NULL)
		goto nomem;
	pol->nb_rules = rules->nb;
	pol->dflt = (struct vb_pol_verdict){ .slot = dflt_slot, .number = 0,
					     .action = rules->default_action };
	pol->prot = (struct vb_pol_verdict){ .slot = prot_slot, .number = 0,
					     .action = VB_POL_PERMIT };
	for (i = 0; i < rules->nb; i++)
		pol->rule[i] = (struct vb_pol_verdict){ .slot = slots[i],
			.number = (uint16_t)(i + 1), .action = rules->rule[i].action };
	pol->alg = "none";
	gen++;
	ret = build_ctx(&pol->ctx4, rules, false, gen, &pol->alg, err, errlen);
	if (ret == 0)
		ret = build_ctx(&pol->ctx6, rules, true, gen, &pol->alg, err, errlen);
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
	if (pol == NULL)
		return;
	rte_acl_free(pol->ctx4);
	rte_acl_free(pol->ctx6);
	rte_free(pol->rule);
	rte_free(pol);
}

/* Every frame's verdict: one rte_acl_classify per context for the whole burst. */
static inline void
judge(const struct vb_policy *pol, struct rte_mbuf *const *pkts, uint16_t nb, uint16_t in_port,
      const struct vb_pol_verdict **out)
{
	struct vb_pol_key key[VB_MAX_BURST];
	const uint8_t *d4[VB_MAX_BURST], *d6[VB_MAX_BURST];
	uint32_t r4[VB_MAX_BURST], r6[VB_MAX_BURST], res[VB_MAX_BURST];
	uint16_t i4[VB_MAX_BURST], i6[VB_MAX_BURST];
	uint16_t n4 = 0, n6 = 0, i;

	for (i = 0; i < nb; i++) {
		const struct rte_mbuf *m = pkts[i];

		if (vb_pol_key_read(&key[i], rte_pktmbuf_mtod(m, const uint8_t *), m->data_len,
				    in_port)) {
			d6[n6] = (const uint8_t *)&key[i];
			i6[n6++] = i;
		} else {
			d4[n4] = (const uint8_t *)&key[i];
			i4[n4++] = i;
		}
	}
	/* One classify per context per burst: the tries walk several frames at once. */
	if (n4 != 0 && pol->ctx4 != NULL)
		rte_acl_classify(pol->ctx4, d4, r4, n4, 1);
	else
		memset(r4, 0, sizeof(r4[0]) * n4);
	if (n6 != 0 && pol->ctx6 != NULL)
		rte_acl_classify(pol->ctx6, d6, r6, n6, 1);
	else
		memset(r6, 0, sizeof(r6[0]) * n6);
	/* cppcheck cannot see that the first loop filled i4[0..n4) and i6[0..n6). */
	for (i = 0; i < n4; i++)
		res[i4[i]] = r4[i];	/* cppcheck-suppress uninitvar */
	for (i = 0; i < n6; i++)
		res[i6[i]] = r6[i];	/* cppcheck-suppress uninitvar */
	for (i = 0; i < nb; i++) {
		if (res[i] != 0)
			out[i] = &pol->rule[res[i] - 1];
		else if (key[i].cls & rte_cpu_to_be_16(VB_POL_CLS_PROTECTED))
			out[i] = &pol->prot;	/* ARP, ND, link-local: never the default */
		else
			out[i] = &pol->dflt;
	}
}

void
vb_policy_judge(const struct vb_policy *pol, struct rte_mbuf *const *pkts, uint16_t nb,
		uint16_t in_port, const struct vb_pol_verdict **out)
{
	judge(pol, pkts, nb, in_port, out);
}

static inline void
count_run(struct vb_pol_ctrs *c, uint16_t frames, uint64_t bytes, uint64_t now)
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
	uint16_t i, kept = 0, nb_gone = 0, nb_denied = 0, run_frames = 0;
	uint64_t denied_bytes = 0, run_bytes = 0;

	judge(pol, pkts, nb, in_port, v);
	/* Frames of a burst mostly share a verdict: count runs, one store per run. */
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];

		if (run == NULL || v[i] != run) {
			if (run != NULL)
				count_run(&ctrs[run->slot], run_frames, run_bytes, now);
			run = v[i];
			run_frames = 0;
			run_bytes = 0;
		}
		run_frames++;
		run_bytes += m->pkt_len;
		if (v[i]->action == VB_POL_PERMIT) {
			pkts[kept++] = m;
			continue;
		}
		nb_denied++;
		denied_bytes += m->pkt_len;
		if (smp->ring != NULL)
			vb_sample_put_tag(smp->ring, now, VB_CLS_POLICY |
					  (mode == VB_POL_MODE_SHADOW ? VB_CLS_SHADOW : 0),
					  v[i]->number, smp->bridge_port, smp->queue,
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
	res->denied = nb_denied;
	res->denied_bytes = denied_bytes;
	return kept;
}
