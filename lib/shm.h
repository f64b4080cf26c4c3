/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shared-memory layout: the contract between vbridge (the primary, the only writer) and
 * any number of readers (vbridge-stat, telemetry callbacks). Both programs include this file
 * and nothing else to agree on what the memzone holds.
 *
 * Rules, so that a reader can never disturb forwarding:
 * - one memzone, VB_SHM_NAME, holding struct vb_shm; no pointers inside (a secondary maps it
 *   at another address);
 * - the header is written once by the main lcore before workers start, except the fields
 *   marked "main lcore", which the housekeeping loop keeps current;
 * - each worker lcore writes only its own struct vb_lcore_ctrs, one plain store per counter
 *   per burst (vb_ctr_add), no locked instructions; readers load with relaxed atomics and sum
 *   over lcores; counters only grow, readers compute deltas and never reset anything;
 * - a layout change bumps VB_LAYOUT_VERSION; a reader built for another version refuses.
 */
#ifndef VB_SHM_H
#define VB_SHM_H

#include <stdint.h>

#include <rte_common.h>

#include "classify.h"
#include "sizes.h"

#define VB_SHM_NAME		"vbridge_shm"
#define VB_SHM_MAGIC		0x5642524944474531ULL	/* "VBRIDGE1" */
#define VB_LAYOUT_VERSION	3

#define VB_MAX_WORKERS		32	/* forwarding lcores */
#define VB_LINK_UNKNOWN		0xff

/* Why a frame received on a port did not leave through its peer. */
enum vb_drop_reason {
	VB_DROP_PEER_FULL,	/* the peer's TX queue took fewer frames than offered */
	VB_DROP_REASONS
};

/* Counters of one direction, named by its receiving bridge port, as one lcore saw them. */
struct vb_dir_ctrs {
	uint64_t rx_frames;
	uint64_t rx_bytes;
	uint64_t tx_frames;	/* handed to the peer port's PMD */
	uint64_t tx_bytes;
	uint64_t drop_frames[VB_DROP_REASONS];
	uint64_t drop_bytes[VB_DROP_REASONS];
};

/* Capture counters of frames received on one bridge port, as one lcore saw them. */
struct vb_cap_ctrs {
	uint64_t mirror_matched;	/* selected by the mirror filter (all, without one) */
	uint64_t mirrored;		/* put on the way to the mirror interface */
	uint64_t mirror_full;		/* selected, but the mirror ring was full: not mirrored */
	uint64_t sample_matched;	/* matched the sample filter, offered to the sample ring */
};

/* Written only by the worker lcore that owns it. */
struct vb_lcore_ctrs {
	struct vb_dir_ctrs dir[VB_MAX_PORTS];	/* indexed by receiving bridge port */
	struct vb_cls_ctrs cls[VB_MAX_PORTS];	/* classifier, by receiving bridge port */
	struct vb_cap_ctrs cap[VB_MAX_PORTS];	/* capture, by receiving bridge port */
	uint64_t polls;		/* loop iterations */
	uint64_t idle_polls;	/* iterations in which no path received a frame */
} __rte_cache_aligned;

enum vb_run_state {
	VB_STATE_STARTING,
	VB_STATE_RUNNING,
	VB_STATE_STOPPING,
};

struct vb_port_info {
	char name[VB_PORT_NAME_LEN];	/* ethdev name, e.g. net_af_xdp0 or 0000:0b:00.0 */
	char driver[32];
	uint16_t port_id;		/* ethdev port id */
	uint16_t peer;			/* bridge port index of the other end of the pair */
	uint16_t nb_queues;
	uint16_t mtu;
	uint8_t can_set_link;		/* PMD implements set_link_down/up */
	/* main lcore: */
	uint8_t link_up;		/* 0, 1, or VB_LINK_UNKNOWN before the first poll */
	uint8_t link_forced_down;	/* taken down by link-fault propagation */
	uint8_t link_full_duplex;
	uint32_t link_speed_mbps;
	uint64_t link_changes;
};

/*
 * The classifier's settings and where its tables are: byte offsets from the start of
 * struct vb_shm, inside the same memzone (0: absent, the classifier is off). Readers use the
 * tables' own reader functions (vb_duptab_occupancy, vb_mactab_read, vb_sample_read).
 */
struct vb_cls_info {
	uint32_t enabled;
	uint32_t dup_window_ms;
	uint32_t dup_hash_len;
	uint32_t mac_ageing_s;
	uint32_t mac_unicast;
	uint32_t snap_len;
	uint32_t sample_rate;
	uint32_t sample_slots;
	uint64_t dup_off;		/* vb_duptab */
	uint64_t mac_off;		/* vb_mactab */
	uint64_t sample_off;		/* worker w's vb_sample ring: sample_off + w * sample_stride */
	uint64_t sample_stride;
};

/* The mirror interface. Counters written only by the mirror thread. */
struct vb_mirror_ctrs {
	uint64_t tx_frames;		/* written to the TAP interface */
	uint64_t tx_bytes;
	uint64_t tx_dropped;		/* the TAP refused them (its reader is too slow) */
	uint64_t rx_discarded;		/* frames the kernel sent into the TAP, freed */
};

struct vb_shm {
	uint64_t magic;
	uint32_t layout_version;
	uint32_t size;			/* sizeof(struct vb_shm) as the writer built it */
	uint64_t total_size;		/* the memzone: header, counters and the classifier's tables */
	uint64_t tsc_hz;
	uint64_t start_tsc;
	uint64_t start_unix_ns;		/* wall clock at start_tsc */
	int32_t primary_pid;
	uint16_t nb_ports;
	uint16_t nb_workers;
	uint32_t burst;
	uint32_t drain_us;
	uint32_t link_propagation;
	uint32_t state;			/* main lcore: enum vb_run_state */
	uint64_t heartbeat_tsc;		/* main lcore: TSC of its last housekeeping pass */
	struct vb_cls_info cls;
	uint32_t mirror_enabled;
	char mirror_iface[VB_IFNAME_LEN];
	char mirror_filter[VB_FILTER_TEXT_LEN];	/* empty: every frame */
	char sample_filter[VB_FILTER_TEXT_LEN];	/* empty: none */
	struct vb_mirror_ctrs mirror;
	struct vb_port_info port[VB_MAX_PORTS];
	struct vb_lcore_ctrs lcore[VB_MAX_WORKERS];
};

/* The one way a worker updates a counter: single writer, plain store, no lock prefix. */
static inline void
vb_ctr_add(uint64_t *ctr, uint64_t n)
{
	__atomic_store_n(ctr, *ctr + n, __ATOMIC_RELAXED);
}

static inline uint64_t
vb_ctr_read(const uint64_t *ctr)
{
	return __atomic_load_n(ctr, __ATOMIC_RELAXED);
}

/* Name of a run state ("starting", "running", "stopping"; "unknown" out of range). */
const char *vb_state_name(uint32_t state);

/* Name of a drop reason, as printed, served by telemetry and exported. */
const char *vb_drop_reason_name(enum vb_drop_reason reason);

struct vb_config;

/*
 * Primary: reserve and initialise the memzone for nb_workers worker lcores, with the
 * classifier's tables when cfg enables it. Returns NULL with rte_errno set (EEXIST if
 * another vbridge with this file prefix already holds one, ENOMEM, EINVAL).
 */
struct vb_shm *vb_shm_create(const struct vb_config *cfg, unsigned int nb_workers);

/* The classifier's tables inside shm, NULL when it is off. */
static inline void *
vb_shm_at(const struct vb_shm *shm, uint64_t off)
{
	return off == 0 ? NULL : (char *)(uintptr_t)shm + off;
}

static inline void *
vb_shm_sample_ring(const struct vb_shm *shm, unsigned int worker)
{
	if (shm->cls.sample_off == 0)
		return NULL;
	return vb_shm_at(shm, shm->cls.sample_off + worker * shm->cls.sample_stride);
}

/* Primary: free the memzone; readers still attached keep their mapping. */
void vb_shm_free(struct vb_shm *shm);

/*
 * Secondary: find the memzone and check magic, version and size.
 * Returns NULL with rte_errno ENOENT (no memzone), EPROTO (not vbridge's, or another layout
 * version; *found_version tells which, when not NULL).
 */
const struct vb_shm *vb_shm_attach(uint32_t *found_version);

/* Sum one direction's counters over all worker lcores, with relaxed loads. */
void vb_shm_sum_dir(const struct vb_shm *shm, unsigned int bridge_port, struct vb_dir_ctrs *sum);

/* Sum one receiving port's classifier counters over all worker lcores. */
void vb_shm_sum_cls(const struct vb_shm *shm, unsigned int bridge_port, struct vb_cls_ctrs *sum);

/* Sum one receiving port's capture counters over all worker lcores. */
void vb_shm_sum_cap(const struct vb_shm *shm, unsigned int bridge_port, struct vb_cap_ctrs *sum);

/* Frames dropped in one direction, over all reasons. */
uint64_t vb_dir_dropped(const struct vb_dir_ctrs *dir);

#endif /* VB_SHM_H */
