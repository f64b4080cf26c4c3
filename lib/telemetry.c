/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_telemetry.h>

#include "shm.h"
#include "telemetry.h"

/*
 * The shared memory the callbacks read. Cleared before the memzone is freed; a callback
 * already past its check reads memory that stays mapped (a freed memzone returns to the
 * DPDK heap, it is not unmapped), so at worst one reply at shutdown is stale.
 */
static const struct vb_shm *tel_shm;

static const struct vb_shm *
shm_get(void)
{
	return __atomic_load_n(&tel_shm, __ATOMIC_ACQUIRE);
}

static const char * const state_names[] = {
	[VB_STATE_STARTING] = "starting",
	[VB_STATE_RUNNING] = "running",
	[VB_STATE_STOPPING] = "stopping",
};

static int
parse_port(const struct vb_shm *shm, const char *params, unsigned int *bp)
{
	unsigned long v;
	char *end;

	if (params == NULL || *params == '\0')
		return -EINVAL;
	v = strtoul(params, &end, 10);
	if (*end != '\0' || v >= shm->nb_ports)
		return -EINVAL;
	*bp = (unsigned int)v;
	return 0;
}

static int
handle_info(const char *cmd __rte_unused, const char *params __rte_unused,
	    struct rte_tel_data *d)
{
	const struct vb_shm *shm = shm_get();
	uint32_t state;

	if (shm == NULL)
		return -ENODEV;
	state = __atomic_load_n(&shm->state, __ATOMIC_RELAXED);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", VB_VERSION);
	rte_tel_data_add_dict_int(d, "pid", shm->primary_pid);
	rte_tel_data_add_dict_string(d, "state", state < RTE_DIM(state_names) ?
				     state_names[state] : "unknown");
	rte_tel_data_add_dict_u64(d, "uptime_s",
				  (rte_get_tsc_cycles() - shm->start_tsc) / shm->tsc_hz);
	rte_tel_data_add_dict_u64(d, "layout_version", shm->layout_version);
	rte_tel_data_add_dict_u64(d, "ports", shm->nb_ports);
	rte_tel_data_add_dict_u64(d, "workers", shm->nb_workers);
	rte_tel_data_add_dict_u64(d, "burst", shm->burst);
	rte_tel_data_add_dict_u64(d, "drain_us", shm->drain_us);
	rte_tel_data_add_dict_u64(d, "link_propagation", shm->link_propagation);
	return 0;
}

/* /vbridge/stats lists the bridge ports, /vbridge/stats,N gives the direction received on N. */
static int
handle_stats(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct vb_shm *shm = shm_get();
	const struct vb_port_info *pi;
	struct vb_dir_ctrs sum;
	char key[64];
	unsigned int bp, r;

	if (shm == NULL)
		return -ENODEV;
	if (params == NULL || *params == '\0') {
		rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
		for (bp = 0; bp < shm->nb_ports; bp++)
			rte_tel_data_add_array_int(d, (int)bp);
		return 0;
	}
	if (parse_port(shm, params, &bp) != 0)
		return -EINVAL;

	pi = &shm->port[bp];
	vb_shm_sum_dir(shm, bp, &sum);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "port", pi->name);
	rte_tel_data_add_dict_u64(d, "port_id", pi->port_id);
	rte_tel_data_add_dict_string(d, "peer", shm->port[pi->peer].name);
	rte_tel_data_add_dict_u64(d, "peer_port_id", shm->port[pi->peer].port_id);
	rte_tel_data_add_dict_u64(d, "link_up", __atomic_load_n(&pi->link_up, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "rx_frames", sum.rx_frames);
	rte_tel_data_add_dict_u64(d, "rx_bytes", sum.rx_bytes);
	rte_tel_data_add_dict_u64(d, "tx_frames", sum.tx_frames);
	rte_tel_data_add_dict_u64(d, "tx_bytes", sum.tx_bytes);
	rte_tel_data_add_dict_u64(d, "dropped", vb_dir_dropped(&sum));
	for (r = 0; r < VB_DROP_REASONS; r++) {
		snprintf(key, sizeof(key), "drop_%s", vb_drop_reason_name(r));
		rte_tel_data_add_dict_u64(d, key, sum.drop_frames[r]);
	}
	return 0;
}

int
vb_telemetry_register(const struct vb_shm *shm)
{
	int ret;

	__atomic_store_n(&tel_shm, shm, __ATOMIC_RELEASE);
	ret = rte_telemetry_register_cmd("/vbridge/info", handle_info,
			"vbridge process, state and settings. No parameters");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/vbridge/stats", handle_stats,
			"Counters of the direction received on a bridge port. Parameters: int port");
	return ret;
}

void
vb_telemetry_unregister(void)
{
	__atomic_store_n(&tel_shm, NULL, __ATOMIC_RELEASE);
}
