/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memzone.h>
#include <rte_string_fns.h>

#include "config.h"
#include "shm.h"

static const char * const drop_reason_names[VB_DROP_REASONS] = {
	[VB_DROP_PEER_FULL] = "peer_full",
};

const char *
vb_state_name(uint32_t state)
{
	static const char * const names[] = {
		[VB_STATE_STARTING] = "starting",
		[VB_STATE_RUNNING] = "running",
		[VB_STATE_STOPPING] = "stopping",
	};

	return state < RTE_DIM(names) ? names[state] : "unknown";
}

const char *
vb_drop_reason_name(enum vb_drop_reason reason)
{
	return (unsigned int)reason < VB_DROP_REASONS ? drop_reason_names[reason] : "unknown";
}

/* Lay the classifier's tables out after the header, each on its own cache lines. */
static size_t
layout_cls(const struct vb_config *cfg, unsigned int nb_workers, struct vb_cls_info *ci)
{
	size_t off = RTE_ALIGN_CEIL(sizeof(struct vb_shm), RTE_CACHE_LINE_SIZE);

	memset(ci, 0, sizeof(*ci));
	if (!cfg->cls_enabled)
		return off;
	ci->enabled = 1;
	ci->dup_window_ms = cfg->dup_window_ms;
	ci->dup_hash_len = cfg->dup_hash_len;
	ci->mac_ageing_s = cfg->mac_ageing_s;
	ci->mac_unicast = cfg->mac_unicast;
	ci->snap_len = cfg->snap_len;
	ci->sample_rate = cfg->sample_rate;
	ci->sample_slots = cfg->sample_slots;
	ci->dup_off = off;
	off += RTE_ALIGN_CEIL(vb_duptab_mem_size(cfg->dup_entries), RTE_CACHE_LINE_SIZE);
	ci->mac_off = off;
	off += RTE_ALIGN_CEIL(vb_mactab_mem_size(cfg->mac_entries), RTE_CACHE_LINE_SIZE);
	ci->sample_off = off;
	ci->sample_stride = RTE_ALIGN_CEIL(vb_sample_mem_size(cfg->sample_slots, cfg->snap_len),
					   RTE_CACHE_LINE_SIZE);
	return off + ci->sample_stride * nb_workers;
}

/* The MAC table keeps time in 32 bits of 2^12 ticks: ~25 min at 3 GHz, less on faster TSCs. */
#define MAC_AGEING_MAX	(UINT64_C(1) << 42)

static int
init_cls(struct vb_shm *shm, const struct vb_config *cfg, unsigned int nb_workers)
{
	const uint64_t hz = shm->tsc_hz;
	unsigned int w;

	if (!shm->cls.enabled)
		return 0;
	if (vb_duptab_init(vb_shm_at(shm, shm->cls.dup_off), cfg->dup_entries, cfg->dup_hash_len,
			   hz / 1000 * cfg->dup_window_ms) != 0 ||
	    vb_mactab_init(vb_shm_at(shm, shm->cls.mac_off), cfg->mac_entries,
			   RTE_MIN(hz * cfg->mac_ageing_s, MAC_AGEING_MAX)) != 0)
		return -EINVAL;
	for (w = 0; w < nb_workers; w++)
		if (vb_sample_init(vb_shm_sample_ring(shm, w), cfg->sample_slots, cfg->snap_len,
				   cfg->sample_rate, VB_SAMPLE_BURST_DEF, hz) != 0)
			return -EINVAL;
	return 0;
}

struct vb_shm *
vb_shm_create(const struct vb_config *cfg, unsigned int nb_workers)
{
	const struct rte_memzone *mz;
	struct vb_cls_info ci;
	struct vb_shm *shm;
	struct timespec now;
	size_t total;

	total = layout_cls(cfg, nb_workers, &ci);
	mz = rte_memzone_reserve_aligned(VB_SHM_NAME, total, rte_socket_id(), 0,
					 RTE_CACHE_LINE_SIZE);
	if (mz == NULL)
		return NULL;

	shm = mz->addr;
	memset(shm, 0, total);
	clock_gettime(CLOCK_REALTIME, &now);
	shm->layout_version = VB_LAYOUT_VERSION;
	shm->size = sizeof(*shm);
	shm->total_size = total;
	shm->tsc_hz = rte_get_tsc_hz();
	shm->start_tsc = rte_get_tsc_cycles();
	shm->start_unix_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	shm->primary_pid = getpid();
	shm->state = VB_STATE_STARTING;
	shm->nb_workers = nb_workers;
	shm->burst = cfg->burst;
	shm->drain_us = cfg->drain_us;
	shm->link_propagation = cfg->link_propagation;
	shm->cls = ci;
	shm->mirror_enabled = cfg->mirror;
	strlcpy(shm->mirror_iface, cfg->mirror_iface, sizeof(shm->mirror_iface));
	strlcpy(shm->mirror_filter, cfg->mirror_filter, sizeof(shm->mirror_filter));
	strlcpy(shm->sample_filter, cfg->sample_filter, sizeof(shm->sample_filter));
	if (init_cls(shm, cfg, nb_workers) != 0) {
		rte_memzone_free(mz);
		rte_errno = EINVAL;
		return NULL;
	}
	/* Magic last: a reader that sees it sees an initialised header. */
	__atomic_store_n(&shm->magic, VB_SHM_MAGIC, __ATOMIC_RELEASE);
	return shm;
}

void
vb_shm_free(struct vb_shm *shm)
{
	const struct rte_memzone *mz;

	if (shm == NULL)
		return;
	mz = rte_memzone_lookup(VB_SHM_NAME);
	if (mz != NULL && mz->addr == shm) {
		__atomic_store_n(&shm->magic, 0, __ATOMIC_RELEASE);
		rte_memzone_free(mz);
	}
}

const struct vb_shm *
vb_shm_attach(uint32_t *found_version)
{
	const struct rte_memzone *mz;
	const struct vb_shm *shm;

	mz = rte_memzone_lookup(VB_SHM_NAME);
	if (mz == NULL) {
		rte_errno = ENOENT;
		return NULL;
	}
	shm = mz->addr;
	if (found_version != NULL)
		*found_version = mz->len >= sizeof(shm->magic) + sizeof(shm->layout_version) ?
			shm->layout_version : 0;
	if (mz->len < sizeof(*shm) ||
	    __atomic_load_n(&shm->magic, __ATOMIC_ACQUIRE) != VB_SHM_MAGIC ||
	    shm->layout_version != VB_LAYOUT_VERSION || shm->size != sizeof(*shm) ||
	    shm->total_size > mz->len) {
		rte_errno = EPROTO;
		return NULL;
	}
	return shm;
}

void
vb_shm_sum_dir(const struct vb_shm *shm, unsigned int bridge_port, struct vb_dir_ctrs *sum)
{
	unsigned int lc, r;

	memset(sum, 0, sizeof(*sum));
	for (lc = 0; lc < shm->nb_workers; lc++) {
		const struct vb_dir_ctrs *d = &shm->lcore[lc].dir[bridge_port];

		sum->rx_frames += vb_ctr_read(&d->rx_frames);
		sum->rx_bytes += vb_ctr_read(&d->rx_bytes);
		sum->tx_frames += vb_ctr_read(&d->tx_frames);
		sum->tx_bytes += vb_ctr_read(&d->tx_bytes);
		for (r = 0; r < VB_DROP_REASONS; r++) {
			sum->drop_frames[r] += vb_ctr_read(&d->drop_frames[r]);
			sum->drop_bytes[r] += vb_ctr_read(&d->drop_bytes[r]);
		}
	}
}

void
vb_shm_sum_cls(const struct vb_shm *shm, unsigned int bridge_port, struct vb_cls_ctrs *sum)
{
	unsigned int lc, i;

	memset(sum, 0, sizeof(*sum));
	for (lc = 0; lc < shm->nb_workers; lc++)
		for (i = 0; i < VB_CLS_CTR_COUNT; i++)
			sum->v[i] += vb_ctr_read(&shm->lcore[lc].cls[bridge_port].v[i]);
}

void
vb_shm_sum_cap(const struct vb_shm *shm, unsigned int bridge_port, struct vb_cap_ctrs *sum)
{
	unsigned int lc;

	memset(sum, 0, sizeof(*sum));
	for (lc = 0; lc < shm->nb_workers; lc++) {
		const struct vb_cap_ctrs *c = &shm->lcore[lc].cap[bridge_port];

		sum->mirror_matched += vb_ctr_read(&c->mirror_matched);
		sum->mirrored += vb_ctr_read(&c->mirrored);
		sum->mirror_full += vb_ctr_read(&c->mirror_full);
		sum->sample_matched += vb_ctr_read(&c->sample_matched);
	}
}

uint64_t
vb_dir_dropped(const struct vb_dir_ctrs *dir)
{
	uint64_t n = 0;
	unsigned int r;

	for (r = 0; r < VB_DROP_REASONS; r++)
		n += dir->drop_frames[r];
	return n;
}
