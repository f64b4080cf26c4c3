/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding loop. Each worker lcore owns a list of paths, (rx port, rx queue) ->
 * (tx port, tx queue); every TX queue belongs to exactly one path, so the loop takes no
 * lock and no locked instruction. The worker's state is private to it; its counters are its
 * own block of the shared memory.
 */
#ifndef VB_FWD_H
#define VB_FWD_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#ifdef __SSE4_1__
#include <smmintrin.h>
#endif

#include "capture.h"
#include "classify.h"
#include "config.h"
#include "policy.h"
#include "shm.h"

#define VB_MAX_PATHS	64	/* per worker lcore */

struct vb_path {
	uint16_t rx_port;
	uint16_t rx_queue;
	uint16_t tx_port;
	uint16_t tx_queue;
	uint16_t nb_held;		/* frames waiting in held[] */
	uint64_t held_bytes;
	struct vb_dir_ctrs *ctrs;	/* this lcore's counters of the receiving port */
	const uint8_t *tx_down;		/* the TX port's link is down (main lcore writes) */
	struct vb_cls_ctx cls;		/* the classifier's view of this path */
	struct vb_cap_ctrs *cap;	/* this lcore's capture counters of the receiving port */
	struct rte_ring *mirror;	/* this worker's mirror ring, NULL: no mirror */
	const struct vb_filter *mirror_filter;	/* NULL: mirror every frame */
	const struct vb_filter *sample_filter;	/* NULL: none */
	/* RX lands here directly; flushed once a burst is held, or by the drain timer. */
	struct rte_mbuf *held[2 * VB_MAX_BURST];
};

struct vb_worker {
	unsigned int index;		/* in shm->lcore[] */
	unsigned int lcore_id;
	unsigned int nb_paths;
	uint16_t burst;
	bool classify;
	uint64_t drain_tsc;		/* drain_us in TSC ticks, 0: flush every pass */
	struct vb_lcore_ctrs *ctrs;
	/* The policy: NULL when there is none (no cost beyond one test per burst). */
	struct vb_policy *const *policy;	/* where the running set is published */
	struct vb_pol_ctrs *pol_ctrs;		/* this worker's counter slots */
	unsigned int pol_mode;			/* VB_POL_MODE_* */
	struct rte_rcu_qsbr *qs;		/* quiescent state once per pass; NULL: none */
	struct vb_path path[VB_MAX_PATHS];
} __rte_cache_aligned;

/* What the capture set-up hands to the loop; each part may be absent (NULL). */
struct vb_fwd_capture {
	struct rte_ring *const *mirror_rings;	/* one per worker */
	const struct vb_filter *mirror_filter;
	const struct vb_filter *sample_filter;	/* needs the classifier's sample rings */
};

/*
 * vb_fwd_fast_pass frame by frame, frames first..first+nb-1 of pkts: a group with a frame
 * too short to test, the end of a burst, and every frame where SSE4.1 is not there. Out of
 * line, so that the group loop keeps its registers.
 */
static __rte_unused __rte_noinline unsigned int
vb_fwd_fast_frames(struct rte_mbuf *const *pkts, unsigned int first, unsigned int nb,
		   uint8_t *slow_idx, unsigned int nb_slow, uint64_t *bytes)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = first; i < first + nb; i++) {
		const struct rte_mbuf *m = pkts[i];

		sum += m->pkt_len;
		if (unlikely(!vb_cls_fast(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len)))
			slow_idx[nb_slow++] = (uint8_t)i;
	}
	*bytes += sum;
	return nb_slow;
}

#define VB_FWD_GROUP	8	/* frames vb_fwd_fast_pass tests at once */

/*
 * The classifier's fast test (vb_cls_fast: the I/G bit and the EtherType, on the first
 * segment) of every frame of a burst, and the burst's bytes (pkt_len) added to *bytes, in one
 * pass over the mbufs. The index of every frame the test cannot settle goes to slow_idx[], in
 * order; returns how many. nb <= VB_MAX_BURST.
 *
 * Eight frames at a time with SSE4.1: their data_len in one vector, checked against the
 * Ethernet header before any frame byte is read (a group with a shorter frame goes frame by
 * frame); then their EtherTypes in one vector, compared with the four slow ones, and their
 * first two bytes in another, whose I/G bit is shifted to the top of its lane: one byte mask
 * names the frames of the group that need the slow path, with no second look at any. About
 * half the instructions of vb_cls_fast frame by frame (tests/unit/test_classify.c checks that
 * both give the same frames and bytes). No prefetch: the loads of a group do not depend on
 * each other, and a PMD that writes the frames (a NIC's DMA into the cache, net_null copy=1,
 * net_pcap) leaves them in the cache.
 */
static inline unsigned int
vb_fwd_fast_pass(struct rte_mbuf *const *pkts, unsigned int nb, uint8_t *slow_idx,
		 uint64_t *bytes)
{
	unsigned int i = 0, nb_slow = 0;
#ifdef __SSE4_1__
	const __m128i arp = _mm_set1_epi16((short)RTE_BE16(VB_ETYPE_ARP));
	const __m128i vlan = _mm_set1_epi16((short)RTE_BE16(VB_ETYPE_VLAN));
	const __m128i qinq = _mm_set1_epi16((short)RTE_BE16(VB_ETYPE_QINQ));
	const __m128i qinq_old = _mm_set1_epi16((short)RTE_BE16(VB_ETYPE_QINQ_OLD));
	struct rte_mbuf *const *g = pkts;
	unsigned int n;
	uint64_t sum = 0;

	for (n = nb / VB_FWD_GROUP; n != 0; n--, g += VB_FWD_GROUP) {
		__m128i len, et, dst, hit;
		unsigned int mask;

		len = _mm_cvtsi32_si128(g[0]->data_len);
		len = _mm_insert_epi16(len, g[1]->data_len, 1);
		len = _mm_insert_epi16(len, g[2]->data_len, 2);
		len = _mm_insert_epi16(len, g[3]->data_len, 3);
		len = _mm_insert_epi16(len, g[4]->data_len, 4);
		len = _mm_insert_epi16(len, g[5]->data_len, 5);
		len = _mm_insert_epi16(len, g[6]->data_len, 6);
		len = _mm_insert_epi16(len, g[7]->data_len, 7);
		/* the shortest of the eight: phminposuw leaves it in the low word */
		if (unlikely((uint16_t)_mm_cvtsi128_si32(_mm_minpos_epu16(len)) < VB_ETH_HLEN)) {
			nb_slow = vb_fwd_fast_frames(pkts, (unsigned int)(g - pkts), VB_FWD_GROUP,
						     slow_idx, nb_slow, bytes);
			continue;
		}
		/* lane k: frame k's EtherType and its first two bytes, as the frame holds them */
#define VB_FWD_LANE(k) do { \
		const uint8_t *f = rte_pktmbuf_mtod(g[k], const uint8_t *); \
		uint16_t w0, w12; \
 \
		memcpy(&w0, f + VB_ETH_DST_OFF, sizeof(w0)); \
		memcpy(&w12, f + VB_ETH_TYPE_OFF, sizeof(w12)); \
		dst = _mm_insert_epi16(dst, w0, k); \
		et = _mm_insert_epi16(et, w12, k); \
		sum += g[k]->pkt_len; \
	} while (0)
		/* every lane is written below */
		dst = _mm_undefined_si128();
		et = _mm_undefined_si128();
		VB_FWD_LANE(0);
		VB_FWD_LANE(1);
		VB_FWD_LANE(2);
		VB_FWD_LANE(3);
		VB_FWD_LANE(4);
		VB_FWD_LANE(5);
		VB_FWD_LANE(6);
		VB_FWD_LANE(7);
#undef VB_FWD_LANE
		hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi16(et, arp), _mm_cmpeq_epi16(et, vlan)),
				   _mm_or_si128(_mm_cmpeq_epi16(et, qinq),
						_mm_cmpeq_epi16(et, qinq_old)));
		/* byte 0's I/G bit (bit 0 of the little-endian word) to the top of the lane */
		hit = _mm_or_si128(hit, _mm_slli_epi16(dst, 15));
		/* bit 2k + 1: lane k's top bit */
		mask = (unsigned int)_mm_movemask_epi8(hit) & 0xaaaau;
		while (unlikely(mask != 0)) {
			slow_idx[nb_slow++] = (uint8_t)((g - pkts) + (__builtin_ctz(mask) >> 1));
			mask &= mask - 1;
		}
	}
	i = (unsigned int)(g - pkts);
	*bytes += sum;
#endif
	if (i < nb)
		nb_slow = vb_fwd_fast_frames(pkts, i, nb - i, slow_idx, nb_slow, bytes);
	return nb_slow;
}

/*
 * Spread every (port, queue) direction over the workers, round robin: direction bp on queue
 * q goes out of port peer(bp) on queue q. workers[] must be zeroed, nb_workers long; cap may
 * be NULL. Returns 0, -EINVAL without workers, or -E2BIG when a worker would get more than
 * VB_MAX_PATHS paths.
 */
int vb_fwd_plan(const struct vb_config *cfg, struct vb_shm *shm, uint16_t nb_queues,
		const struct vb_fwd_capture *cap, struct vb_worker *workers,
		unsigned int nb_workers);

/*
 * Give every worker the policy published at *policy (counters in shm's slots) and the
 * quiescent-state variable of live reload (qs may be NULL). Before the workers start.
 */
void vb_fwd_attach_policy(struct vb_worker *workers, unsigned int nb_workers,
			  const struct vb_shm *shm, struct vb_policy *const *policy);

void vb_fwd_attach_rcu(struct vb_worker *workers, unsigned int nb_workers,
		       struct rte_rcu_qsbr *qs);

/* Worker lcore entry point (rte_eal_remote_launch); arg is its struct vb_worker. */
int vb_fwd_loop(void *arg);

/* Ask every worker to stop; async-signal-safe. */
void vb_fwd_request_stop(void);

/* Has a stop been asked for? */
bool vb_fwd_stopping(void);

/* Ask the main lcore to reload (SIGHUP); async-signal-safe. */
void vb_fwd_request_reload(void);

/* Main lcore: was a reload asked for since the last call? */
bool vb_fwd_take_reload(void);

#endif /* VB_FWD_H */
