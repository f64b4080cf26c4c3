/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memzone.h>

#include "shm.h"

static const char * const drop_reason_names[VB_DROP_REASONS] = {
	[VB_DROP_PEER_FULL] = "peer_full",
};

const char *
vb_drop_reason_name(enum vb_drop_reason reason)
{
	return (unsigned int)reason < VB_DROP_REASONS ? drop_reason_names[reason] : "unknown";
}

struct vb_shm *
vb_shm_create(void)
{
	const struct rte_memzone *mz;
	struct vb_shm *shm;
	struct timespec now;

	mz = rte_memzone_reserve_aligned(VB_SHM_NAME, sizeof(*shm), rte_socket_id(),
			0, RTE_CACHE_LINE_SIZE);
	if (mz == NULL)
		return NULL;

	shm = mz->addr;
	memset(shm, 0, sizeof(*shm));
	clock_gettime(CLOCK_REALTIME, &now);
	shm->layout_version = VB_LAYOUT_VERSION;
	shm->size = sizeof(*shm);
	shm->tsc_hz = rte_get_tsc_hz();
	shm->start_tsc = rte_get_tsc_cycles();
	shm->start_unix_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	shm->primary_pid = getpid();
	shm->state = VB_STATE_STARTING;
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
	    shm->layout_version != VB_LAYOUT_VERSION || shm->size != sizeof(*shm)) {
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

uint64_t
vb_dir_dropped(const struct vb_dir_ctrs *dir)
{
	uint64_t n = 0;
	unsigned int r;

	for (r = 0; r < VB_DROP_REASONS; r++)
		n += dir->drop_frames[r];
	return n;
}
