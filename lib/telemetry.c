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
	rte_tel_data_add_dict_u64(d, "mirror_tx_frames", vb_ctr_read(&shm->mirror.tx_frames));
	rte_tel_data_add_dict_u64(d, "mirror_tx_bytes", vb_ctr_read(&shm->mirror.tx_bytes));
	rte_tel_data_add_dict_u64(d, "mirror_tx_dropped", vb_ctr_read(&shm->mirror.tx_dropped));
	rte_tel_data_add_dict_u64(d, "mirror_rx_discarded",
				  vb_ctr_read(&shm->mirror.rx_discarded));
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
	rte_tel_data_add_dict_u64(d, "link_forced_down",
				  __atomic_load_n(&pi->link_forced_down, __ATOMIC_RELAXED));
	/* The kernel's view, for a port that works through a kernel interface. */
	if (pi->kif_index != 0) {
		rte_tel_data_add_dict_string(d, "kernel_iface", pi->kif_name);
		rte_tel_data_add_dict_u64(d, "kernel_ifindex", pi->kif_index);
		rte_tel_data_add_dict_string(d, "kernel_state", vb_kif_state_name(
			__atomic_load_n(&pi->kif_state, __ATOMIC_RELAXED)));
	}
	rte_tel_data_add_dict_u64(d, "rx_frames", sum.rx_frames);
	rte_tel_data_add_dict_u64(d, "rx_bytes", sum.rx_bytes);
	rte_tel_data_add_dict_u64(d, "tx_frames", sum.tx_frames);
	rte_tel_data_add_dict_u64(d, "tx_bytes", sum.tx_bytes);
	rte_tel_data_add_dict_u64(d, "dropped", vb_dir_dropped(&sum));
	for (r = 0; r < VB_DROP_REASONS; r++) {
		snprintf(key, sizeof(key), "drop_%s", vb_drop_reason_name(r));
		rte_tel_data_add_dict_u64(d, key, sum.drop_frames[r]);
	}
	vb_shm_sum_cap(shm, bp, &cap);
	rte_tel_data_add_dict_u64(d, "mirror_matched", cap.mirror_matched);
	rte_tel_data_add_dict_u64(d, "mirrored", cap.mirrored);
	rte_tel_data_add_dict_u64(d, "mirror_full", cap.mirror_full);
	rte_tel_data_add_dict_u64(d, "sample_matched", cap.sample_matched);
	return 0;
}

/* /vbridge/classifier,N: every classifier counter of frames received on bridge port N. */
static int
handle_classifier(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct vb_shm *shm = shm_get();
	struct vb_cls_ctrs sum;
	unsigned int bp, i;

	if (shm == NULL)
		return -ENODEV;
	if (parse_port(shm, params, &bp) != 0)
		return -EINVAL;
	vb_shm_sum_cls(shm, bp, &sum);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "port", shm->port[bp].name);
	rte_tel_data_add_dict_u64(d, "enabled", shm->cls.enabled);
	for (i = 0; i < VB_CLS_CTR_COUNT; i++)
		rte_tel_data_add_dict_u64(d, vb_cls_ctr_names[i], sum.v[i]);
	return 0;
}

/* /vbridge/tables: occupancy of the shared tables and the sample rings' counters. */
static int
handle_tables(const char *cmd __rte_unused, const char *params __rte_unused,
	      struct rte_tel_data *d)
{
	const struct vb_shm *shm = shm_get();
	struct vb_sample_ctrs sc, total = { 0 };
	uint64_t now = rte_get_tsc_cycles();
	unsigned int w;

	if (shm == NULL)
		return -ENODEV;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "enabled", shm->cls.enabled);
	if (!shm->cls.enabled)
		return 0;
	rte_tel_data_add_dict_u64(d, "dup_entries",
				  vb_duptab_entries(vb_shm_at(shm, shm->cls.dup_off)));
	rte_tel_data_add_dict_u64(d, "dup_live",
				  vb_duptab_occupancy(vb_shm_at(shm, shm->cls.dup_off), now));
	rte_tel_data_add_dict_u64(d, "dup_window_ms", shm->cls.dup_window_ms);
	rte_tel_data_add_dict_u64(d, "mac_entries",
				  vb_mactab_entries(vb_shm_at(shm, shm->cls.mac_off)));
	rte_tel_data_add_dict_u64(d, "mac_live",
				  vb_mactab_occupancy(vb_shm_at(shm, shm->cls.mac_off), now));
	rte_tel_data_add_dict_u64(d, "mac_ageing_s", shm->cls.mac_ageing_s);
	for (w = 0; w < shm->nb_workers; w++) {
		vb_sample_ctrs_read(vb_shm_sample_ring(shm, w), &sc);
		total.written += sc.written;
		total.overwritten += sc.overwritten;
		total.suppressed += sc.suppressed;
	}
	rte_tel_data_add_dict_u64(d, "samples_written", total.written);
	rte_tel_data_add_dict_u64(d, "samples_overwritten", total.overwritten);
	rte_tel_data_add_dict_u64(d, "samples_suppressed", total.suppressed);
	rte_tel_data_add_dict_u64(d, "snap_len", shm->cls.snap_len);
	rte_tel_data_add_dict_u64(d, "sample_rate", shm->cls.sample_rate);
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
	struct vb_mac_entry best[MAC_REPLY_MAX], e[64];
	uint64_t now = rte_get_tsc_cycles();
	unsigned int nb_best = 0, i, j, k;
	uint32_t pos = 0, got;
	char key[40], val[96];
	const void *tab;

	if (shm == NULL)
		return -ENODEV;
	rte_tel_data_start_dict(d);
	if (!shm->cls.enabled)
		return 0;
	tab = vb_shm_at(shm, shm->cls.mac_off);
	/* Keep the MAC_REPLY_MAX "worst": most moves, then youngest. Insertion into a sorted list. */
	while ((got = vb_mactab_read(tab, &pos, e, RTE_DIM(e), now, NULL)) != 0) {
		for (i = 0; i < got; i++) {
			for (j = 0; j < nb_best; j++)
				if (e[i].moves > best[j].moves ||
				    (e[i].moves == best[j].moves && e[i].age < best[j].age))
					break;
			if (j == MAC_REPLY_MAX)
				continue;
			k = nb_best < MAC_REPLY_MAX ? nb_best++ : MAC_REPLY_MAX - 1;
			for (; k > j; k--)
				best[k] = best[k - 1];
			best[j] = e[i];
		}
	}
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
			"Counters of the direction received on a bridge port. Parameters: int port");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/vbridge/classifier", handle_classifier,
			"Classifier counters of frames received on a bridge port. Parameters: int port");
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
