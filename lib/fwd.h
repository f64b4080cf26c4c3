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
