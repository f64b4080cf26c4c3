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
 * vb_fwd_fast_pass's per-frame part, frames first..first+nb-1 of pkts: the rare group with a
 * frame that is not plain, and the end of a burst. Out of line, so that the loop over the
 * groups keeps its registers for the groups.
 */
static __rte_unused __rte_noinline unsigned int
vb_fwd_fast_frames(struct rte_mbuf *const *pkts, unsigned int first, unsigned int nb,
		   uint8_t *slow_idx, unsigned int nb_slow)
{
	unsigned int i;

	for (i = first; i < first + nb; i++) {
		const struct rte_mbuf *m = pkts[i];

		if (unlikely(!vb_cls_fast(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len)))
			slow_idx[nb_slow++] = (uint8_t)i;
	}
	return nb_slow;
}

/*
 * The classifier's fast test (vb_cls_fast) of every frame of a burst, on each frame's first
 * segment, and the burst's bytes (pkt_len) into *bytes: one pass over the mbufs. The index of
 * each frame the test cannot settle goes to slow_idx[], in order; returns how many.
 * nb <= VB_MAX_BURST. Frames go by groups (vb_cls_fast_group); a group with a frame too short
 * or not plain is tested again frame by frame, the rest of the burst too.
 * No prefetch: the frames' loads are independent of each other, so in a loop this short the
 * core has many frames' header loads in flight at once (a prefetch four ahead only added
 * instructions here; a prefetch of the whole burst measured no better, docs/benchmarks.md).
 */
static inline unsigned int
vb_fwd_fast_pass(struct rte_mbuf *const *pkts, unsigned int nb, uint8_t *slow_idx,
		 uint64_t *bytes)
{
	unsigned int i, k, nb_slow = 0;
	uint64_t sum = 0;

	for (i = 0; i + VB_CLS_FAST_GROUP <= nb; i += VB_CLS_FAST_GROUP) {
		struct rte_mbuf *const *group = pkts + i;
		const uint8_t *frame[VB_CLS_FAST_GROUP];
		uint64_t group_bytes = 0;

#ifdef __SSE4_1__
		/* the eight lengths at once: a lane is short when 14 - data_len stays above 0 */
		__m128i len = _mm_cvtsi32_si128(group[0]->data_len);

		len = _mm_insert_epi16(len, group[1]->data_len, 1);
		len = _mm_insert_epi16(len, group[2]->data_len, 2);
		len = _mm_insert_epi16(len, group[3]->data_len, 3);
		len = _mm_insert_epi16(len, group[4]->data_len, 4);
		len = _mm_insert_epi16(len, group[5]->data_len, 5);
		len = _mm_insert_epi16(len, group[6]->data_len, 6);
		len = _mm_insert_epi16(len, group[7]->data_len, 7);
		len = _mm_subs_epu16(_mm_set1_epi16(VB_ETH_HLEN), len);
		if (unlikely(!_mm_testz_si128(len, len)))
			goto by_frame;
#else
		for (k = 0; k < VB_CLS_FAST_GROUP; k++)
			if (unlikely(group[k]->data_len < VB_ETH_HLEN))
				goto by_frame;
#endif
		for (k = 0; k < VB_CLS_FAST_GROUP; k++) {
			frame[k] = rte_pktmbuf_mtod(group[k], const uint8_t *);
			group_bytes += group[k]->pkt_len;
		}
		if (likely(vb_cls_fast_group(frame))) {
			sum += group_bytes;
			continue;
		}
by_frame:
		for (k = 0; k < VB_CLS_FAST_GROUP; k++)
			sum += group[k]->pkt_len;
		nb_slow = vb_fwd_fast_frames(pkts, i, VB_CLS_FAST_GROUP, slow_idx, nb_slow);
	}
	for (k = i; k < nb; k++)
		sum += pkts[k]->pkt_len;
	*bytes = sum;
	return i == nb ? nb_slow : vb_fwd_fast_frames(pkts, i, nb - i, slow_idx, nb_slow);
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
