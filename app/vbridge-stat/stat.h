/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vbridge-stat's own parts, shared by its files:
 * - snapshot.c: the reader layer, the only code that looks at the shared memory (const) or
 *   calls ethdev; it copies what it sees into a plain struct vb_stat_snap;
 * - diagnose.c: rules that turn two snapshots into plain-language findings;
 * - output.c: printers (text summary, watch lines, JSON, Prometheus) over snapshots and
 *   findings; they never touch DPDK.
 * A view added with the classifier (MAC table, samples) follows the same split: a reader that
 * copies into the snapshot, a printer, and rules in diagnose.c.
 */
#ifndef VB_STAT_H
#define VB_STAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "shm.h"

#define VB_STAT_SCHEMA		"vbridge-stat/1"	/* the JSON schema, docs/vbridge-stat.md */
#define VB_STAT_MAX_FINDINGS	64

/* The PMD's own counters (rte_eth_stats) of one port, as far as the monitor can read them. */
struct vb_stat_ethdev {
	int error;		/* 0, or the negative errno of rte_eth_stats_get */
	uint64_t ipackets;
	uint64_t opackets;
	uint64_t ibytes;
	uint64_t obytes;
	uint64_t imissed;
	uint64_t ierrors;
	uint64_t oerrors;
	uint64_t rx_nombuf;
};

struct vb_stat_port {
	char name[VB_PORT_NAME_LEN];
	char driver[32];
	uint16_t port_id;
	uint16_t peer;			/* bridge port index */
	uint16_t nb_queues;
	uint16_t mtu;
	uint8_t can_set_link;
	uint8_t link_up;		/* 0, 1 or VB_LINK_UNKNOWN */
	uint8_t link_forced_down;
	uint8_t link_full_duplex;
	uint32_t link_speed_mbps;
	uint64_t link_changes;
	struct vb_dir_ctrs dir;		/* the direction received on this port, out of its peer */
	struct vb_stat_ethdev eth;
};

struct vb_stat_worker {
	uint64_t polls;
	uint64_t idle_polls;
};

/* Everything one read of the shared memory and the ethdevs gave, in plain memory. */
struct vb_stat_snap {
	uint64_t mono_ns;		/* CLOCK_MONOTONIC when taken: rate intervals */
	uint64_t unix_ns;		/* CLOCK_REALTIME when taken */
	uint32_t layout_version;
	int32_t pid;
	uint32_t state;			/* enum vb_run_state */
	uint64_t start_unix_ns;
	uint64_t heartbeat_age_ns;	/* how long ago the primary's main lcore last ran */
	uint16_t nb_ports;
	uint16_t nb_workers;
	uint32_t burst;
	uint32_t drain_us;
	bool link_propagation;
	struct vb_stat_port port[VB_MAX_PORTS];
	struct vb_stat_worker worker[VB_MAX_WORKERS];
};

/* Per-second rates of one direction between two snapshots. */
struct vb_stat_dir_rate {
	double rx_fps;
	double rx_bps;			/* bits per second */
	double tx_fps;
	double tx_bps;
	double drop_fps;
};

/* The change between two snapshots of the same primary. */
struct vb_stat_delta {
	double interval_s;
	struct vb_dir_ctrs dir[VB_MAX_PORTS];		/* counter increments */
	struct vb_stat_dir_rate rate[VB_MAX_PORTS];
	struct vb_stat_ethdev eth[VB_MAX_PORTS];	/* increments; error as in the newer */
	double busy[VB_MAX_WORKERS];			/* share of polls that received, 0..1 */
};

enum vb_stat_severity {
	VB_STAT_INFO,
	VB_STAT_WARNING,
	VB_STAT_PROBLEM,
};

struct vb_stat_finding {
	enum vb_stat_severity severity;
	char code[32];			/* stable identifier, [a-z_] */
	char port[VB_PORT_NAME_LEN];	/* the port it is about, "" when none */
	char text[512];			/* what it means and what to check */
	char evidence[256];		/* the numbers behind it */
};

struct vb_stat_findings {
	unsigned int n;
	unsigned int dropped;		/* findings beyond VB_STAT_MAX_FINDINGS */
	struct vb_stat_finding f[VB_STAT_MAX_FINDINGS];
};

/* snapshot.c */

/* Copy the shared counters and the ports' ethdev stats into snap. Reads shm only. */
void vb_stat_snap_take(const struct vb_shm *shm, struct vb_stat_snap *snap);

/* Fill delta with new - old; old and new must come from the same primary. */
void vb_stat_delta_compute(const struct vb_stat_snap *old, const struct vb_stat_snap *new,
			   struct vb_stat_delta *delta);

/* Share of a worker's polls that received frames since the primary started, 0..1. */
double vb_stat_busy_lifetime(const struct vb_stat_worker *w);

const char *vb_stat_state_name(uint32_t state);

/* diagnose.c */

/*
 * Run every rule over snap (and delta, the last interval, when not NULL) and fill out.
 * out->n == 0 means no problems seen.
 */
void vb_stat_diagnose(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
		      struct vb_stat_findings *out);

const char *vb_stat_severity_name(enum vb_stat_severity s);

/* output.c: each returns 0, or -1 when the stream failed (EPIPE ...). */

int vb_stat_print_summary(FILE *f, const struct vb_stat_snap *snap,
			  const struct vb_stat_delta *delta);
int vb_stat_print_watch(FILE *f, bool tty, const struct vb_stat_snap *snap,
			const struct vb_stat_delta *delta);
int vb_stat_print_json(FILE *f, bool pretty, const struct vb_stat_snap *snap,
		       const struct vb_stat_delta *delta, const struct vb_stat_findings *findings);
int vb_stat_print_prometheus(FILE *f, const struct vb_stat_snap *snap);
int vb_stat_print_findings(FILE *f, const struct vb_stat_snap *snap,
			   const struct vb_stat_delta *delta,
			   const struct vb_stat_findings *findings);

#endif /* VB_STAT_H */
