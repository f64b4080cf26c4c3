/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The change between two snapshots: every counter group's list (counters.h) gives what is a
 * counter (an increment) and what a gauge (the newer value). Pure: no EAL, no shared memory.
 */
#include <string.h>

#include "stat.h"

/* Counters only grow; a smaller value means another primary, and shows as no change. */
static uint64_t
inc(uint64_t old, uint64_t new)
{
	return new >= old ? new - old : 0;
}

void
vb_stat_delta_compute(const struct vb_stat_snap *old, const struct vb_stat_snap *new,
		      struct vb_stat_delta *delta)
{
	unsigned int i;
	double s;

	memset(delta, 0, sizeof(*delta));
	s = (double)inc(old->mono_ns, new->mono_ns) / 1e9;
	delta->interval_s = s;
	for (i = 0; i < new->nb_ports; i++) {
		struct vb_dir_ctrs *d = &delta->dir[i];
		struct vb_stat_dir_rate *r = &delta->rate[i];

		vb_ctr_delta(d, &old->port[i].dir, &new->port[i].dir, vb_dir_all_desc,
			     VB_DIR_ALL_CTRS);
		vb_ctr_delta(&delta->eth[i].c, &old->port[i].eth.c, &new->port[i].eth.c,
			     vb_eth_ctr_desc, VB_ETH_CTRS);
		delta->eth[i].error = new->port[i].eth.error != 0 ? new->port[i].eth.error :
				      old->port[i].eth.error;
		if (s <= 0)
			continue;
		r->rx_fps = (double)d->rx_frames / s;
		r->rx_bps = (double)d->rx_bytes * 8 / s;
		r->tx_fps = (double)d->tx_frames / s;
		r->tx_bps = (double)d->tx_bytes * 8 / s;
		r->drop_fps = (double)vb_dir_dropped(d) / s;
	}
	for (i = 0; i < new->nb_ports; i++)
		vb_ctr_delta(&delta->cls[i], &old->port[i].cls, &new->port[i].cls, vb_cls_ctr_desc,
			     VB_CLS_CTR_COUNT);
	delta->samples_suppressed = inc(old->tables.samples_suppressed,
					new->tables.samples_suppressed);
	for (i = 0; i < new->nb_workers; i++) {
		uint64_t polls = inc(old->worker[i].polls, new->worker[i].polls);
		uint64_t idle = inc(old->worker[i].idle_polls, new->worker[i].idle_polls);

		delta->busy[i] = polls == 0 ? 0.0 : 1.0 - (double)RTE_MIN(idle, polls) / polls;
	}
}

double
vb_stat_busy_lifetime(const struct vb_stat_worker *w)
{
	if (w->polls == 0)
		return 0.0;
	return 1.0 - (double)RTE_MIN(w->idle_polls, w->polls) / (double)w->polls;
}
