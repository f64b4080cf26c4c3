/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_telemetry.h>

#include "classify.h"
#include "mactab.h"
#include "sample.h"
#include "shm.h"
#include "telemetry.h"

#define MAC_REPLY_MAX	64	/* MAC entries in one reply: telemetry replies are 16 KiB */

/*
 * The stats segment the callbacks read. Cleared at shutdown; a callback already past its
 * check reads memory that stays mapped (vbridge never unmaps the segment before it exits),
 * so at worst one reply at shutdown is stale.
 */
static const struct vb_shm *tel_shm;

static const struct vb_shm *
shm_get(void)
{
	return __atomic_load_n(&tel_shm, __ATOMIC_ACQUIRE);
}

/*
 * A per-port command's parameter. Without one, the command answers the bridge ports it
 * takes, as ethdev's do, and this returns 1; with a bridge port number, *bp is set and this
 * returns 0; anything else is -EINVAL.
 */
static int
port_arg(const struct vb_shm *shm, const char *params, struct rte_tel_data *d,
	 unsigned int *bp)
{
	unsigned long v;
	char *end;

	if (params == NULL || *params == '\0') {
		rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
		for (v = 0; v < shm->nb_ports; v++)
			rte_tel_data_add_array_int(d, (int)v);
		return 1;
	}
	v = strtoul(params, &end, 10);
	if (*end != '\0' || v >= shm->nb_ports)
		return -EINVAL;
	*bp = (unsigned int)v;
	return 0;
}

/* The counters n descriptors describe in the struct at base, as name: value, prefixed. */
static void
add_ctrs(struct rte_tel_data *d, const char *prefix, const struct vb_ctr_desc *desc,
	 unsigned int n, const void *base)
{
	char key[RTE_TEL_MAX_STRING_LEN];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%s%s", prefix, desc[i].name);
		rte_tel_data_add_dict_u64(d, key, vb_ctr_get(base, &desc[i]));
	}
}

/* Without a parameter: the policy and each rule's frames; with N: rule N in full. */
static int
handle_policy(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct vb_shm *shm = shm_get();
	struct vb_pol_entry *tab;
	struct vb_pol_ctrs c;
	struct rte_tel_data *a;
	unsigned long want = 0;
	char *end;
	int n, i;

	if (shm == NULL || !shm->pol.enabled)
		return -ENODEV;
	if (params != NULL && *params != '\0') {
		want = strtoul(params, &end, 10);
		if (*end != '\0' || want == 0)
			return -EINVAL;
	}
	tab = malloc(sizeof(*tab) * shm->pol.nb_slots);
	if (tab == NULL)
		return -ENOMEM;
	n = vb_shm_pol_read(shm, tab, shm->pol.nb_slots);
	if (n <= 0 || want > (unsigned long)n) {
		free(tab);
		return n < 0 ? n : -EINVAL;
	}
	rte_tel_data_start_dict(d);
	if (want != 0) {
		const struct vb_pol_entry *e = &tab[want - 1];

		vb_shm_sum_rule(shm, e->slot, &c);
		rte_tel_data_add_dict_u64(d, "rule", (unsigned long)n == want ? 0 : want);
		rte_tel_data_add_dict_u64(d, "line", e->line);
		rte_tel_data_add_dict_string(d, "action", e->action ? "permit" : "deny");
		rte_tel_data_add_dict_string(d, "text", e->text);
		rte_tel_data_add_dict_u64(d, "frames", c.frames);
		rte_tel_data_add_dict_u64(d, "bytes", c.bytes);
		rte_tel_data_add_dict_u64(d, "last_hit_ms_ago", c.last_tsc == 0 ? 0 :
					  (rte_get_tsc_cycles() - c.last_tsc) * 1000 / shm->tsc_hz);
		free(tab);
		return 0;
	}
	rte_tel_data_add_dict_string(d, "path", shm->pol.path);
	rte_tel_data_add_dict_string(d, "mode", shm->pol.mode ? "shadow" : "enforce");
	rte_tel_data_add_dict_string(d, "alg", shm->pol.alg);
	rte_tel_data_add_dict_u64(d, "rules", (uint64_t)n - 1);
	rte_tel_data_add_dict_u64(d, "generation", shm->pol.generation);
	rte_tel_data_add_dict_u64(d, "reloads", shm->pol.reloads);
	rte_tel_data_add_dict_u64(d, "reload_failures", shm->pol.reload_failures);
	rte_tel_data_add_dict_string(d, "last_error", shm->pol.last_error);
	vb_shm_sum_rule(shm, shm->pol.protected_slot, &c);
	rte_tel_data_add_dict_u64(d, "protected_passed", c.frames);
	/* Frames per rule in file order, the default last; telemetry arrays hold 512. */
	a = rte_tel_data_alloc();
	if (a != NULL) {
		rte_tel_data_start_array(a, RTE_TEL_U64_VAL);
		for (i = 0; i < n && i < 512; i++) {
			vb_shm_sum_rule(shm, tab[i].slot, &c);
			rte_tel_data_add_array_u64(a, c.frames);
		}
		rte_tel_data_add_dict_container(d, "frames_per_rule", a, 0);
	}
	free(tab);
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
	rte_tel_data_add_dict_string(d, "state", vb_state_name(state));
	rte_tel_data_add_dict_u64(d, "uptime_s",
				  (rte_get_tsc_cycles() - shm->start_tsc) / shm->tsc_hz);
	rte_tel_data_add_dict_u64(d, "layout_version", shm->layout_version);
	rte_tel_data_add_dict_u64(d, "ports", shm->nb_ports);
	rte_tel_data_add_dict_u64(d, "workers", shm->nb_workers);
	rte_tel_data_add_dict_u64(d, "burst", shm->burst);
	rte_tel_data_add_dict_u64(d, "drain_us", shm->drain_us);
	rte_tel_data_add_dict_u64(d, "link_propagation", shm->link_propagation);
	rte_tel_data_add_dict_u64(d, "classifier", shm->cls.enabled);
	rte_tel_data_add_dict_string(d, "sample_filter", shm->sample_filter);
	rte_tel_data_add_dict_u64(d, "mirror", shm->mirror_enabled);
	if (!shm->mirror_enabled)
		return 0;
	rte_tel_data_add_dict_string(d, "mirror_iface", shm->mirror_iface);
	rte_tel_data_add_dict_string(d, "mirror_filter", shm->mirror_filter);
	add_ctrs(d, "mirror_", vb_mirror_ctr_desc, VB_MIRROR_CTRS, &shm->mirror);
	return 0;
}

/* /vbridge/stats lists the bridge ports, /vbridge/stats,N gives the direction received on N. */
static int
handle_stats(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct vb_shm *shm = shm_get();
	const struct vb_port_info *pi;
	struct vb_cap_ctrs cap;
	struct vb_dir_ctrs sum;
	unsigned int bp;
	int ret;

	if (shm == NULL)
		return -ENODEV;
	ret = port_arg(shm, params, d, &bp);
	if (ret != 0)
		return ret < 0 ? ret : 0;

	pi = &shm->port[bp];
	vb_shm_sum_dir(shm, bp, &sum);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "port", pi->name);
	rte_tel_data_add_dict_u64(d, "port_id", pi->port_id);
	rte_tel_data_add_dict_string(d, "peer", shm->port[pi->peer].name);
	rte_tel_data_add_dict_u64(d, "peer_port_id", shm->port[pi->peer].port_id);
	rte_tel_data_add_dict_u64(d, "link_up", __atomic_load_n(&pi->link_up, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "link_forced_down",
				  __atomic_load_n(&pi->link_forced_down, __ATOMIC_RELAXED));
	/* The kernel's view, for a port that works through a kernel interface. */
	if (pi->kif_index != 0) {
		rte_tel_data_add_dict_string(d, "kernel_iface", pi->kif_name);
		rte_tel_data_add_dict_u64(d, "kernel_ifindex", pi->kif_index);
		rte_tel_data_add_dict_string(d, "kernel_state", vb_kif_state_name(
			__atomic_load_n(&pi->kif_state, __ATOMIC_RELAXED)));
	}
	add_ctrs(d, "", vb_dir_ctr_desc, VB_DIR_CTRS, &sum);
	rte_tel_data_add_dict_u64(d, "dropped", vb_dir_dropped(&sum));
	add_ctrs(d, "drop_", vb_drop_frames_desc, VB_DROP_REASONS, &sum);
	vb_shm_sum_cap(shm, bp, &cap);
	add_ctrs(d, "", vb_cap_ctr_desc, VB_CAP_CTRS, &cap);
	return 0;
}

/*
 * /vbridge/classifier lists the bridge ports, /vbridge/classifier,N gives every classifier
 * counter of frames received on bridge port N.
 */
static int
handle_classifier(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct vb_shm *shm = shm_get();
	struct vb_cls_ctrs sum;
	unsigned int bp;
	int ret;

	if (shm == NULL)
		return -ENODEV;
	ret = port_arg(shm, params, d, &bp);
	if (ret != 0)
		return ret < 0 ? ret : 0;
	vb_shm_sum_cls(shm, bp, &sum);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "port", shm->port[bp].name);
	rte_tel_data_add_dict_u64(d, "enabled", shm->cls.enabled);
	add_ctrs(d, "", vb_cls_ctr_desc, VB_CLS_CTR_COUNT, &sum);
	return 0;
}

/* /vbridge/tables: occupancy of the shared tables and the sample rings' counters. */
static int
handle_tables(const char *cmd __rte_unused, const char *params __rte_unused,
	      struct rte_tel_data *d)
{
	const struct vb_shm *shm = shm_get();
	struct vb_table_ctrs t;

	if (shm == NULL)
		return -ENODEV;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "enabled", shm->cls.enabled);
	if (!shm->cls.enabled)
		return 0;
	vb_shm_read_tables(shm, rte_get_tsc_cycles(), &t, NULL, 0);
	add_ctrs(d, "", vb_table_ctr_desc, VB_TABLE_ALL_CTRS, &t);
	return 0;
}

/*
 * /vbridge/macs: the MAC table's entries that moved most, then the most recently seen, up to
 * MAC_REPLY_MAX: "mac vlan" -> "port moves age_ms". A whole table is vbridge-stat --macs's job.
 */
static int
handle_macs(const char *cmd __rte_unused, const char *params __rte_unused,
	    struct rte_tel_data *d)
{
	const struct vb_shm *shm = shm_get();
	struct vb_mac_entry best[MAC_REPLY_MAX];
	unsigned int nb_best, i;
	char key[40], val[96];

	if (shm == NULL)
		return -ENODEV;
	rte_tel_data_start_dict(d);
	if (!shm->cls.enabled)
		return 0;
	nb_best = vb_mactab_top(vb_shm_at(shm, shm->cls.mac_off), rte_get_tsc_cycles(), best,
				MAC_REPLY_MAX, NULL);
	for (i = 0; i < nb_best; i++) {
		const uint8_t *m = best[i].mac;

		snprintf(key, sizeof(key), "%02x_%02x_%02x_%02x_%02x_%02x_vlan%u", m[0], m[1],
			 m[2], m[3], m[4], m[5], best[i].vlan);
		snprintf(val, sizeof(val), "port %s moves %u age_ms %" PRIu64,
			 shm->port[best[i].port].name, best[i].moves,
			 best[i].age * 1000 / shm->tsc_hz);
		rte_tel_data_add_dict_string(d, key, val);
	}
	return 0;
}

int
vb_telemetry_register(const struct vb_shm *shm)
{
	int ret;

	__atomic_store_n(&tel_shm, shm, __ATOMIC_RELEASE);
	if (shm->pol.enabled)
		rte_telemetry_register_cmd("/vbridge/policy", handle_policy,
					   "The policy: mode, reloads, frames per rule. "
					   "Param: rule number (1-based) for its text and counters");
	ret = rte_telemetry_register_cmd("/vbridge/info", handle_info,
			"vbridge process, state and settings. No parameters");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/vbridge/stats", handle_stats,
			"Counters of the direction received on a bridge port. Parameters: int port "
			"(none: the list of ports)");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/vbridge/classifier", handle_classifier,
			"Classifier counters of frames received on a bridge port. Parameters: int port "
			"(none: the list of ports)");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/vbridge/tables", handle_tables,
			"Duplicate and MAC table occupancy, sample counters. No parameters");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/vbridge/macs", handle_macs,
			"MACs that moved most or were seen last (at most 64). No parameters");
	return ret;
}

void
vb_telemetry_unregister(void)
{
	__atomic_store_n(&tel_shm, NULL, __ATOMIC_RELEASE);
}
