/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "fwd.h"

/* Set by a signal handler, read by every worker: the one flag the house style allows. */
static bool vb_quit;

void
vb_fwd_request_stop(void)
{
	__atomic_store_n(&vb_quit, true, __ATOMIC_RELAXED);
}

bool
vb_fwd_stopping(void)
{
	return __atomic_load_n(&vb_quit, __ATOMIC_RELAXED);
}

/* Set by SIGHUP, taken by the main lcore: a signal can only set a flag. */
static bool vb_reload_asked;

void
vb_fwd_request_reload(void)
{
	__atomic_store_n(&vb_reload_asked, true, __ATOMIC_RELAXED);
}

bool
vb_fwd_take_reload(void)
{
	return __atomic_exchange_n(&vb_reload_asked, false, __ATOMIC_ACQ_REL);
}

void
vb_fwd_attach_policy(struct vb_worker *workers, unsigned int nb_workers,
		     const struct vb_shm *shm, struct vb_policy *const *policy)
{
	unsigned int w;

	for (w = 0; w < nb_workers; w++) {
		workers[w].policy = policy;
		workers[w].pol_ctrs = vb_shm_pol_ctrs(shm, workers[w].index);
		workers[w].pol_mode = shm->pol.mode;
	}
}

void
vb_fwd_attach_rcu(struct vb_worker *workers, unsigned int nb_workers, struct rte_rcu_qsbr *qs)
{
	unsigned int w;

	for (w = 0; w < nb_workers; w++)
		workers[w].qs = qs;
}

int
vb_fwd_plan(const struct vb_config *cfg, struct vb_shm *shm, uint16_t nb_queues,
	    const struct vb_fwd_capture *cap, struct vb_worker *workers, unsigned int nb_workers)
{
	static const struct vb_fwd_capture no_capture;
	unsigned int bp, q, w, next = 0;

	if (nb_workers == 0)
		return -EINVAL;
	if (cap == NULL)
		cap = &no_capture;
	for (w = 0; w < nb_workers; w++) {
		workers[w].index = w;
		workers[w].burst = (uint16_t)cfg->burst;
		workers[w].drain_tsc = (rte_get_tsc_hz() + 999999) / 1000000 * cfg->drain_us;
		workers[w].ctrs = &shm->lcore[w];
		workers[w].classify = shm->cls.enabled != 0;
	}
	/* Queue-major, so that with two workers and one pair each direction has its own. */
	for (q = 0; q < nb_queues; q++) {
		for (bp = 0; bp < shm->nb_ports; bp++) {
			struct vb_worker *wk = &workers[next++ % nb_workers];
			struct vb_path *p;

			if (wk->nb_paths == VB_MAX_PATHS)
				return -E2BIG;
			p = &wk->path[wk->nb_paths++];
			p->rx_port = shm->port[bp].port_id;
			p->rx_queue = q;
			p->tx_port = shm->port[shm->port[bp].peer].port_id;
			p->tx_queue = q;
			p->ctrs = &wk->ctrs->dir[bp];
			p->tx_down = &shm->port[shm->port[bp].peer].tx_down;
			p->cls = (struct vb_cls_ctx){
				.duptab = vb_shm_at(shm, shm->cls.dup_off),
				.mactab = vb_shm_at(shm, shm->cls.mac_off),
				.samples = vb_shm_sample_ring(shm, wk->index),
				.ctrs = &wk->ctrs->cls[bp],
				.sample_mask = VB_CLS_SAMPLE_DEFAULT,
				.rx_port = bp,
				.tx_port = shm->port[bp].peer,
				.pair = bp / 2,
				.mac_unicast = cfg->mac_unicast,
				.rx_queue = q,
			};
			p->cap = &wk->ctrs->cap[bp];
			p->mirror = cap->mirror_rings != NULL ? cap->mirror_rings[wk->index] : NULL;
			p->mirror_filter = cap->mirror_filter;
			p->sample_filter = shm->cls.enabled ? cap->sample_filter : NULL;
		}
	}
	return 0;
}

/*
 * Hand the held frames to the peer. What the PMD does not take is freed and counted at once:
 * a peer that cannot keep up must never stall this loop or hold frames back.
 */
static inline void
path_flush(struct vb_path *p)
{
	struct vb_dir_ctrs *ctrs = p->ctrs;
	uint64_t bytes = p->held_bytes;
	uint16_t sent;

	/*
	 * A port whose link is down sends nothing (and net_af_packet would block on a kernel
	 * interface that is down or gone): drop the held frames as peer_down, so that tx_frames
	 * are frames that left. One relaxed load per flush; the main lcore sets the flag.
	 */
	if (unlikely(__atomic_load_n(p->tx_down, __ATOMIC_RELAXED))) {
		rte_pktmbuf_free_bulk(p->held, p->nb_held);
		vb_ctr_add(&ctrs->drop_frames[VB_DROP_PEER_DOWN], p->nb_held);
		vb_ctr_add(&ctrs->drop_bytes[VB_DROP_PEER_DOWN], bytes);
		p->nb_held = 0;
		p->held_bytes = 0;
		return;
	}
	sent = rte_eth_tx_burst(p->tx_port, p->tx_queue, p->held, p->nb_held);

	if (unlikely(sent < p->nb_held)) {
		uint16_t unsent = p->nb_held - sent, i;
		uint64_t lost = 0;

		for (i = sent; i < p->nb_held; i++)
			lost += p->held[i]->pkt_len;
		rte_pktmbuf_free_bulk(&p->held[sent], unsent);
		vb_ctr_add(&ctrs->drop_frames[VB_DROP_PEER_FULL], unsent);
		vb_ctr_add(&ctrs->drop_bytes[VB_DROP_PEER_FULL], lost);
		bytes -= lost;
	}
	vb_ctr_add(&ctrs->tx_frames, sent);
	vb_ctr_add(&ctrs->tx_bytes, bytes);
	p->nb_held = 0;
	p->held_bytes = 0;
}

/*
 * The rest of a burst's classification, out of line: the frames the fast pass could not
 * settle (slow_idx[], nb_slow of them) at once through vb_cls_burst_slow, so that their table
 * lookups overlap; then, with a sample filter, every frame that matches it is sampled, once.
 */
static void __rte_noinline
classify_rest(struct vb_path *p, struct rte_mbuf *const *pkts, uint16_t nb,
	      const uint8_t *slow_idx, unsigned int nb_slow,
	      const struct vb_filter *sample_filter, uint64_t now)
{
	const struct vb_cls_ctx *cls = &p->cls;
	struct vb_cls_pkt slow[VB_MAX_BURST];
	uint32_t flags[VB_MAX_BURST];
	uint64_t sampled = 0;
	unsigned int i, j;

	for (j = 0; j < nb_slow; j++) {
		const struct rte_mbuf *m = pkts[slow_idx[j]];

		slow[j] = (struct vb_cls_pkt){
			.data = rte_pktmbuf_mtod(m, const uint8_t *),
			.len = m->data_len,
			.pkt_len = m->pkt_len,
		};
	}
	if (nb_slow != 0)
		vb_cls_burst_slow(cls, slow, nb_slow, now, flags);
	if (sample_filter == NULL)
		return;
	for (i = 0, j = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t f = 0;

		if (j < nb_slow && slow_idx[j] == i)
			f = flags[j++];
		if (!vb_filter_match(sample_filter, m))
			continue;
		sampled++;
		if ((f & cls->sample_mask) == 0)
			vb_sample_put(cls->samples, now, f | VB_CLS_FILTER, cls->rx_port,
				      cls->rx_queue, rte_pktmbuf_mtod(m, const uint8_t *),
				      m->data_len, m->pkt_len);
	}
	if (sampled != 0)
		vb_ctr_add(&p->cap->sample_matched, sampled);
}

/*
 * Let the classifier read every frame of a burst (it never changes one): its fast test and
 * the bytes in one pass (vb_fwd_fast_pass), the rest out of line only when a frame needs the
 * slow path or a sample filter is set. Returns the burst's bytes.
 */
static __rte_always_inline uint64_t
classify_burst(struct vb_path *p, struct rte_mbuf *const *pkts, uint16_t nb, uint64_t now)
{
	/*
	 * Read once per burst: a reload (lib/live.c) may publish another filter at any time;
	 * the old one lives until our next pass.
	 */
	const struct vb_filter *sample_filter = __atomic_load_n(&p->sample_filter,
								 __ATOMIC_ACQUIRE);
	uint8_t slow_idx[VB_MAX_BURST];
	unsigned int nb_slow;
	uint64_t bytes = 0;
	uint16_t i;

	if (likely(p->cls.mac_unicast == 0)) {
		nb_slow = vb_fwd_fast_pass(pkts, nb, slow_idx, &bytes);
	} else {
		/* --mac-unicast on: every frame goes to the MAC table */
		for (i = 0; i < nb; i++) {
			bytes += pkts[i]->pkt_len;
			slow_idx[i] = (uint8_t)i;
		}
		nb_slow = nb;
	}
	if (unlikely(nb_slow != 0) || unlikely(sample_filter != NULL))
		classify_rest(p, pkts, nb, slow_idx, nb_slow, sample_filter, now);
	return bytes;
}

/* The bytes of a burst, with the classifier off: four frames a step, as the loop is short. */
static inline uint64_t
burst_bytes(struct rte_mbuf *const *pkts, unsigned int nb)
{
	uint64_t bytes = 0;
	unsigned int n;

	for (n = nb / 4; n != 0; n--, pkts += 4)
		bytes += (uint64_t)pkts[0]->pkt_len + pkts[1]->pkt_len + pkts[2]->pkt_len +
			 pkts[3]->pkt_len;
	for (n = nb % 4; n != 0; n--, pkts++)
		bytes += pkts[0]->pkt_len;
	return bytes;
}

/*
 * Frames for the mirror get a reference and go on this worker's mirror ring. The bridged
 * frames themselves are not touched: the mirror holds its own reference, so the TX path may
 * free its own at any time, and a full ring only costs the mirror its copy.
 */
static void
mirror_burst(struct vb_path *p, struct rte_mbuf **pkts, uint16_t nb)
{
	/* Once per burst: a reload may publish another filter (lib/live.c). */
	const struct vb_filter *filter = __atomic_load_n(&p->mirror_filter, __ATOMIC_ACQUIRE);
	struct rte_mbuf *sel[VB_MAX_BURST];
	uint16_t i, nb_sel = 0, nb_match = 0;
	/* Single producer: the room seen now can only grow before the enqueue below. */
	unsigned int room = rte_ring_free_count(p->mirror);

	for (i = 0; i < nb; i++) {
		if (filter != NULL && !vb_filter_match(filter, pkts[i]))
			continue;
		nb_match++;
		/* A reference only for what fits: giving one back costs an atomic. */
		if (nb_sel < room) {
			rte_pktmbuf_refcnt_update(pkts[i], 1);
			sel[nb_sel++] = pkts[i];
		}
	}
	if (nb_match == 0)
		return;
	if (nb_sel != 0)
		rte_ring_sp_enqueue_bulk(p->mirror, (void **)sel, nb_sel, NULL);
	vb_ctr_add(&p->cap->mirror_matched, nb_match);
	vb_ctr_add(&p->cap->mirrored, nb_sel);
	if (unlikely(nb_sel < nb_match))
		vb_ctr_add(&p->cap->mirror_full, nb_match - nb_sel);
}

/*
 * Judge a received burst by the running policy (loaded once: the whole burst by one set).
 * Enforce mode: denied frames are freed and counted as drops, the rest close up in pkts.
 * Shadow mode: all stay, the denied are counted as would-deny. Returns the frames kept and
 * takes the denied bytes off *bytes.
 */
static inline uint16_t
policy_burst(struct vb_path *p, const struct vb_worker *w, struct rte_mbuf **pkts, uint16_t nb,
	     uint64_t now, uint64_t *bytes)
{
	const struct vb_policy *pol = __atomic_load_n(w->policy, __ATOMIC_ACQUIRE);
	const struct vb_pol_sample smp = {
		.ring = p->cls.samples, .bridge_port = p->cls.rx_port, .queue = p->rx_queue,
	};
	struct vb_pol_burst res;
	uint16_t kept;

	kept = vb_policy_burst(pol, w->pol_mode, pkts, nb, p->rx_port, now, w->pol_ctrs, &smp,
			       &res);
	if (res.denied == 0)
		return kept;
	if (w->pol_mode == VB_POL_MODE_SHADOW) {
		vb_ctr_add(&p->ctrs->policy_would_deny, res.denied);
		return kept;
	}
	vb_ctr_add(&p->ctrs->drop_frames[VB_DROP_POLICY], res.denied);
	vb_ctr_add(&p->ctrs->drop_bytes[VB_DROP_POLICY], res.denied_bytes);
	*bytes -= res.denied_bytes;
	return kept;
}

/* Receive a burst into the path's TX buffer; returns the number of frames received. */
static __rte_always_inline uint16_t
path_receive(struct vb_path *p, const struct vb_worker *w, uint64_t now)
{
	struct rte_mbuf **pkts = &p->held[p->nb_held];
	struct vb_dir_ctrs *ctrs = p->ctrs;
	uint64_t bytes;
	uint16_t nb;

	nb = rte_eth_rx_burst(p->rx_port, p->rx_queue, pkts, w->burst);
	if (nb == 0)
		return 0;
	if (w->classify)
		bytes = classify_burst(p, pkts, nb, now);
	else
		bytes = burst_bytes(pkts, nb);
	vb_ctr_add(&ctrs->rx_frames, nb);
	vb_ctr_add(&ctrs->rx_bytes, bytes);
	if (unlikely(w->policy != NULL))
		nb = policy_burst(p, w, pkts, nb, now, &bytes);
	if (unlikely(p->mirror != NULL))
		mirror_burst(p, pkts, nb);
	p->nb_held += nb;
	p->held_bytes += bytes;
	/* Up to one more burst fits, so RX always asks the PMD for a whole burst. */
	if (p->nb_held >= w->burst)
		path_flush(p);
	return nb;
}

int
vb_fwd_loop(void *arg)
{
	struct vb_worker *w = arg;
	struct vb_lcore_ctrs *ctrs = w->ctrs;
	const unsigned int nb_paths = w->nb_paths;
	const uint64_t drain_tsc = w->drain_tsc;
	uint64_t last_drain = rte_rdtsc(), now;
	unsigned int i;
	uint16_t got;

	if (w->qs != NULL)
		rte_rcu_qsbr_thread_online(w->qs, w->index);
	while (!__atomic_load_n(&vb_quit, __ATOMIC_RELAXED)) {
		/* The top of the pass holds nothing a reload may free: the quiescent state. */
		if (w->qs != NULL)
			rte_rcu_qsbr_quiescent(w->qs, w->index);
		/* One clock read per pass: the classifier's time and the drain timer's. */
		now = rte_rdtsc();
		got = 0;
		for (i = 0; i < nb_paths; i++)
			got |= path_receive(&w->path[i], w, now);
		vb_ctr_add(&ctrs->worker.polls, 1);
		if (unlikely(got == 0))
			vb_ctr_add(&ctrs->worker.idle_polls, 1);

		/* A lone frame (an ARP request) leaves within drain_us, not when a burst fills. */
		if (now - last_drain >= drain_tsc) {
			for (i = 0; i < nb_paths; i++)
				if (w->path[i].nb_held != 0)
					path_flush(&w->path[i]);
			last_drain = now;
		}
	}

	for (i = 0; i < nb_paths; i++)
		if (w->path[i].nb_held != 0)
			path_flush(&w->path[i]);
	if (w->qs != NULL)
		rte_rcu_qsbr_thread_offline(w->qs, w->index);
	return 0;
}
