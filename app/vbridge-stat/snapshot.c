/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reader layer: the one place that reads vbridge's stats segment (through a const
 * pointer, with relaxed loads, never a store), copying it into plain memory. It takes no
 * lock, calls no DPDK library and can be killed at any instruction without leaving anything
 * behind in the primary.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>

#include "stat.h"

static uint64_t
clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * The PMD's counters, as vbridge's main lcore last copied them into the segment (a reader
 * has no ethdev of its own); their age says how fresh they are.
 */
static void
read_ethdev(const struct vb_port_info *pi, struct vb_stat_ethdev *e, uint64_t *age_ns,
	    uint64_t now_tsc, uint64_t tsc_hz)
{
	struct vb_eth_ctrs c;
	uint64_t tsc;
	int error;

	vb_shm_eth_read(pi, &c, &error, &tsc);
	memset(e, 0, sizeof(*e));
	*age_ns = 0;
	if (tsc == 0) {
		e->error = -EAGAIN;	/* vbridge has not copied them yet */
		return;
	}
	if (now_tsc > tsc && tsc_hz != 0)
		*age_ns = (uint64_t)((double)(now_tsc - tsc) * 1e9 / (double)tsc_hz);
	e->error = error;
	if (error != 0)
		return;
	e->c = c;
}

static void
read_capture(const struct vb_shm *shm, struct vb_stat_snap *snap)
{
	snap->mirror_enabled = shm->mirror_enabled != 0;
	memcpy(snap->mirror_iface, shm->mirror_iface, sizeof(snap->mirror_iface));
	snap->mirror_iface[sizeof(snap->mirror_iface) - 1] = '\0';
	/* Written by the mirror thread alone: relaxed loads, as for the workers' counters. */
	vb_ctr_sum(&snap->mirror, &shm->mirror, vb_mirror_ctr_desc, VB_MIRROR_CTRS);
}

int
vb_stat_macs_read(const struct vb_shm *shm, struct vb_stat_macs *macs)
{
	const void *mac = shm->cls.enabled ? vb_shm_at(shm, shm->cls.mac_off) : NULL;
	uint32_t entries = vb_mactab_entries(mac), pos = 0, got;

	memset(macs, 0, sizeof(*macs));
	if (entries == 0)
		return -ENOENT;
	macs->e = malloc((size_t)entries * sizeof(*macs->e));
	if (macs->e == NULL)
		return -ENOMEM;
	/* One pass; entries change under us, so each is as it was when its turn came. */
	while (pos < entries &&
	       (got = vb_mactab_read(mac, &pos, macs->e + macs->n, entries - macs->n,
				     rte_get_tsc_cycles(), &macs->torn)) != 0)
		macs->n += got;
	qsort(macs->e, macs->n, sizeof(*macs->e), vb_mactab_cmp);
	return 0;
}

void
vb_stat_macs_free(struct vb_stat_macs *macs)
{
	free(macs->e);
	macs->e = NULL;
	macs->n = 0;
}

static int
sample_cmp(const void *a, const void *b)
{
	const struct vb_sample *x = a, *y = b;

	if (x->tsc != y->tsc)
		return x->tsc < y->tsc ? -1 : 1;
	/* Same burst: keep each ring's order (one ring per worker, one worker per burst). */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
vb_stat_samples_read(const struct vb_shm *shm, struct vb_stat_samples *smp)
{
	unsigned int nb_workers = RTE_MIN(shm->nb_workers, (uint16_t)VB_MAX_WORKERS), w;
	struct vb_sample_read_stats st;
	uint32_t per_ring, got;

	smp->n = 0;
	smp->lost = 0;
	smp->torn = 0;
	if (!shm->cls.enabled || shm->cls.sample_off == 0 || nb_workers == 0)
		return -ENOENT;
	if (smp->s == NULL) {
		uint32_t slots = vb_sample_nb_slots(vb_shm_sample_ring(shm, 0));

		smp->cap = RTE_MIN((uint64_t)slots * nb_workers, (uint64_t)VB_STAT_MAX_SAMPLES);
		if (smp->cap == 0)
			return -ENOENT;
		smp->s = malloc((size_t)smp->cap * sizeof(*smp->s));
		if (smp->s == NULL)
			return -ENOMEM;
	}
	per_ring = smp->cap / nb_workers;
	for (w = 0; w < nb_workers; w++) {
		const void *ring = vb_shm_sample_ring(shm, w);
		struct vb_sample_ctrs c;
		uint64_t from = smp->next[w];

		if (vb_sample_nb_slots(ring) == 0)
			continue;
		/*
		 * More than there is room for: skip to the newest per_ring. History before the
		 * first read is simply not shown; skipped after it (--follow) is lost.
		 */
		vb_sample_ctrs_read(ring, &c);
		if (c.written > from + per_ring) {
			if (from != 0)
				smp->lost += c.written - per_ring - from;
			from = c.written - per_ring;
		}
		got = vb_sample_read(ring, from, smp->s + smp->n, per_ring, &st);
		smp->n += got;
		smp->lost += st.lost;
		smp->torn += st.torn;
		smp->next[w] = st.next;
	}
	qsort(smp->s, smp->n, sizeof(*smp->s), sample_cmp);
	return 0;
}

void
vb_stat_samples_free(struct vb_stat_samples *smp)
{
	free(smp->s);
	smp->s = NULL;
	smp->n = 0;
	smp->cap = 0;
}

void
vb_stat_snap_take(const struct vb_shm *shm, struct vb_stat_snap *snap)
{
	uint64_t now_tsc, hb;
	unsigned int i;

	memset(snap, 0, sizeof(*snap));
	snap->layout_version = shm->layout_version;
	snap->pid = shm->primary_pid;
	snap->start_unix_ns = shm->start_unix_ns;
	snap->nb_ports = RTE_MIN(shm->nb_ports, (uint16_t)VB_MAX_PORTS);
	snap->nb_workers = RTE_MIN(shm->nb_workers, (uint16_t)VB_MAX_WORKERS);
	snap->burst = shm->burst;
	snap->drain_us = shm->drain_us;
	snap->link_propagation = shm->link_propagation != 0;
	snap->tsc_hz = shm->tsc_hz;
	snap->start_tsc = shm->start_tsc;
	snap->state = __atomic_load_n(&shm->state, __ATOMIC_ACQUIRE);

	/* The TSC is the machine's, so the primary's timestamps compare with ours. */
	hb = __atomic_load_n(&shm->heartbeat_tsc, __ATOMIC_RELAXED);
	now_tsc = rte_get_tsc_cycles();
	if (hb != 0 && now_tsc > hb && shm->tsc_hz != 0)
		snap->heartbeat_age_ns = (uint64_t)((double)(now_tsc - hb) * 1e9 /
						    (double)shm->tsc_hz);

	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_port_info *pi = &shm->port[i];
		struct vb_stat_port *p = &snap->port[i];

		memcpy(p->name, pi->name, sizeof(p->name));
		p->name[sizeof(p->name) - 1] = '\0';
		memcpy(p->driver, pi->driver, sizeof(p->driver));
		p->driver[sizeof(p->driver) - 1] = '\0';
		p->port_id = pi->port_id;
		p->peer = pi->peer < snap->nb_ports ? pi->peer : i;
		p->nb_queues = pi->nb_queues;
		p->mtu = pi->mtu;
		p->can_set_link = pi->can_set_link;
		p->link_up = __atomic_load_n(&pi->link_up, __ATOMIC_RELAXED);
		p->link_forced_down = __atomic_load_n(&pi->link_forced_down, __ATOMIC_RELAXED);
		p->link_full_duplex = __atomic_load_n(&pi->link_full_duplex, __ATOMIC_RELAXED);
		p->link_speed_mbps = __atomic_load_n(&pi->link_speed_mbps, __ATOMIC_RELAXED);
		p->link_changes = __atomic_load_n(&pi->link_changes, __ATOMIC_RELAXED);
		p->kif_state = __atomic_load_n(&pi->kif_state, __ATOMIC_RELAXED);
		p->kif_index = pi->kif_index;
		memcpy(p->kif_name, pi->kif_name, sizeof(p->kif_name));
		p->kif_name[sizeof(p->kif_name) - 1] = '\0';
	}
	/* Counters and ethdev stats back to back, so that they describe the same moment. */
	for (i = 0; i < snap->nb_ports; i++)
		vb_shm_sum_dir(shm, i, &snap->port[i].dir);
	for (i = 0; i < snap->nb_workers; i++) {
		vb_ctr_sum(&snap->worker[i].c, &shm->lcore[i].worker, vb_worker_ctr_desc,
			   VB_WORKER_CTRS);
	}
	for (i = 0; i < snap->nb_ports; i++) {
		vb_shm_sum_cls(shm, i, &snap->port[i].cls);
		vb_shm_sum_cap(shm, i, &snap->port[i].cap);
	}
	for (i = 0; i < snap->nb_ports; i++)
		read_ethdev(&shm->port[i], &snap->port[i].eth, &snap->port[i].eth_age_ns,
			    rte_get_tsc_cycles(), shm->tsc_hz);
	read_capture(shm, snap);
	/* Occupancy walks both tables (microseconds, no stores); the MAC walk keeps evidence. */
	snap->tables.enabled = shm->cls.enabled != 0;
	snap->nb_top_macs = vb_shm_read_tables(shm, now_tsc, &snap->tables.c, snap->top_macs,
					       VB_STAT_TOP_MACS);

	snap->mono_ns = clock_ns(CLOCK_MONOTONIC);
	snap->unix_ns = clock_ns(CLOCK_REALTIME);
}
