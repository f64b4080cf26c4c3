/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shared-memory layout: the contract between vbridge (the primary, the only writer) and
 * any number of readers (vbridge-stat, telemetry callbacks). Both programs include this file
 * and nothing else to agree on what the stats segment holds.
 *
 * The segment is a file vbridge creates and maps itself, outside DPDK's memory: on tmpfs,
 * at vb_shm_path() (/run/vbridge/<file-prefix>/stats), mode 0640 root:[monitor] group.
 * Readers map it read-only with vb_shm_open(): no EAL, no DPDK lock, nothing they do or die
 * of can hold anything the primary waits for (VPP's stats segment model).
 *
 * Rules, so that a reader can never disturb forwarding:
 * - one file holding struct vb_shm, then the classifier's tables; no pointers inside (each
 *   reader maps it at another address);
 * - the file is complete (header, magic) before it appears under its name (rename), it never
 *   shrinks, and the primary holds a write lock (fcntl) on it for as long as it lives: a file
 *   nobody holds is left by a vbridge that has exited;
 * - the header is written once by the main lcore before workers start, except the fields
 *   marked "main lcore", which the housekeeping loop keeps current;
 * - each worker lcore writes only its own struct vb_lcore_ctrs, one plain store per counter
 *   per burst (vb_ctr_add), no locked instructions; readers load with relaxed atomics and sum
 *   over lcores; counters only grow, readers compute deltas and never reset anything;
 * - a layout change bumps VB_LAYOUT_VERSION; a reader built for another version refuses.
 */
#ifndef VB_SHM_H
#define VB_SHM_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <rte_common.h>

#include "classify.h"
#include "counters.h"
#include "mactab.h"
#include "sizes.h"

#define VB_SHM_MAGIC		0x5642524944474531ULL	/* "VBRIDGE1" */
#define VB_LAYOUT_VERSION	8
#define VB_SHM_FILE		"stats"		/* in the prefix's runtime directory */
#define VB_RUN_DIR		"/run/vbridge"	/* when /run is a tmpfs, as on Debian */
#define VB_RUN_DIR_SHM		"/dev/shm/vbridge"	/* otherwise (some containers) */
#define VB_RUN_DIR_ENV		"VBRIDGE_RUNTIME_DIR"	/* overrides both */
#define VB_MONITOR_GROUP	"vbridge"	/* [monitor] group when not set, if it exists */

#define VB_MAX_WORKERS		32	/* forwarding lcores */
#define VB_LINK_UNKNOWN		0xff
#define VB_KIF_NAME_LEN		16	/* IFNAMSIZ */

/* The counter structs (direction, capture, mirror, worker) are made in counters.h. */

/* Written only by the worker lcore that owns it. */
struct vb_lcore_ctrs {
	struct vb_dir_ctrs dir[VB_MAX_PORTS];	/* indexed by receiving bridge port */
	struct vb_cls_ctrs cls[VB_MAX_PORTS];	/* classifier, by receiving bridge port */
	struct vb_cap_ctrs cap[VB_MAX_PORTS];	/* capture, by receiving bridge port */
	struct vb_worker_ctrs worker;		/* the loop's own */
} __rte_cache_aligned;

enum vb_run_state {
	VB_STATE_STARTING,
	VB_STATE_RUNNING,
	VB_STATE_STOPPING,
};

/*
 * The PMD's own counters of one port: struct vb_eth_ctrs (counters.h VB_ETH_CTR_LIST, the
 * rte_eth_stats fields of the same names), as the main lcore last copied them (readers cannot
 * call ethdev without being a DPDK process).
 */


/*
 * The kernel's view of a port's interface (vb_port_info.kif_state), for ports whose PMD works
 * through one (net_af_packet, net_af_xdp, net_tap: rte_eth_dev_info.if_index). Their link is
 * the kernel's, not the PMD's constant "up": link_up is 1 exactly in VB_KIF_UP. Readers that
 * say why a link is down (vbridge-stat's summary, --diagnose, --check) say it from this.
 */
enum vb_kif_state {
	VB_KIF_NONE,		/* no kernel interface (vfio NICs, net_ring, net_null): the PMD's link */
	VB_KIF_UNKNOWN,		/* not read yet, or the kernel did not answer */
	VB_KIF_UP,		/* administratively up and running (carrier) */
	VB_KIF_NO_CARRIER,	/* up but not running: no carrier (a veth whose other end is down) */
	VB_KIF_ADMIN_DOWN,	/* set down: ip link set dev X down, or link propagation (forced) */
	VB_KIF_REMOVED,		/* the interface is gone (ip link del, driver unbound) */
	VB_KIF_REPLACED,	/* gone, and another interface of its name exists (a new ifindex):
				 * the port is bound to the old one and forwards nothing through it
				 * until vbridge is restarted */
	VB_KIF_STATES
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
	/* main lcore, every housekeeping pass (vb_shm_eth_write; readers vb_shm_eth_read): */
	uint32_t eth_seq;		/* odd while the copy below is being written */
	int32_t eth_error;		/* 0, or rte_eth_stats_get's negative errno */
	uint64_t eth_tsc;		/* TSC of the copy; 0: none yet */
	struct vb_eth_ctrs eth;
	/*
	 * main lcore: 1 while the link is down. Workers read it once per TX flush and drop
	 * what they would send through this port (drop reason peer_down) instead of handing
	 * it to a PMD that cannot send it (or, net_af_packet, would block on it).
	 */
	uint8_t tx_down;
	/* The kernel interface, if any: set at start, kif_state by the main lcore. */
	uint8_t kif_state;		/* enum vb_kif_state */
	char kif_name[VB_KIF_NAME_LEN];	/* its name at start (kept when it is removed) */
	uint32_t kif_index;		/* the ifindex the port is bound to; 0: none */
};

/*
 * The classifier's settings and where its tables are: byte offsets from the start of
 * struct vb_shm, inside the same segment (0: absent, the classifier is off). Readers use the
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

/*
 * The policy (docs/policy.md). Per-rule counters live in counter slots, not rule positions,
 * so that a rule that survives a reload unchanged keeps its counts: each worker writes its
 * own array of slots (ctr_off + w * ctr_stride); readers sum over workers. The running rule
 * set, in file order, is a table of entries naming their slots, rewritten by the main lcore
 * on reload under a sequence count (odd while it writes: readers copy, check, retry).
 */
#define VB_POL_TEXT_LEN		112
#define VB_POL_SHM_SLOTS	32768	/* counter slots: a reload needs old + new rules */

/* Per-rule counters of one worker, indexed by slot. */
struct vb_pol_ctrs {
	uint64_t frames;
	uint64_t bytes;
	uint64_t last_tsc;	/* TSC of the last hit's burst, 0: never */
};

/* One rule of the running set. */
struct vb_pol_entry {
	uint32_t slot;
	uint32_t line;		/* in the rules file; 0: the implicit default */
	uint8_t action;		/* 0 deny, 1 permit */
	uint8_t named;		/* protected kinds it names: 1 ARP, 2 ND, 4 link-local */
	uint8_t truncated;	/* text cut to fit */
	uint8_t reserved;
	char text[VB_POL_TEXT_LEN - 12];
};

struct vb_pol_info {
	uint32_t enabled;		/* a rules file was given */
	uint32_t mode;			/* 0 enforce, 1 shadow */
	uint32_t nb_slots;
	uint32_t seq;			/* main lcore: odd while the table changes */
	uint32_t nb_rules;		/* main lcore: entries in the table, the default last */
	uint32_t protected_slot;	/* ARP, ND, link-local frames no rule named */
	uint64_t generation;		/* main lcore: rule sets loaded, 1 at start */
	uint64_t reloads;		/* main lcore: SIGHUPs that replaced the rule set */
	uint64_t reload_failures;	/* main lcore: SIGHUPs that kept the running set */
	uint64_t loaded_unix_ns;	/* main lcore: when the running set was loaded */
	uint64_t build_ns;		/* main lcore: parse + rte_acl build of the running set */
	uint64_t mem_bytes;		/* main lcore: its rte_acl memory */
	char alg[16];			/* rte_acl classify method */
	char path[256];
	char last_error[256];		/* main lcore: why the last reload failed */
	uint64_t table_off;		/* struct vb_pol_entry[nb_slots] */
	uint64_t ctr_off;		/* worker w: struct vb_pol_ctrs[nb_slots] at ctr_off + w * stride */
	uint64_t ctr_stride;
};

/* magic and layout_version stay where they are in every version, so readers can name both. */
struct vb_shm {
	uint64_t magic;
	uint32_t layout_version;
	uint32_t size;			/* sizeof(struct vb_shm) as the writer built it */
	uint64_t total_size;		/* the file: header, counters and the classifier's tables */
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
	struct vb_pol_info pol;
	uint32_t mirror_enabled;
	char mirror_iface[VB_IFNAME_LEN];
	char mirror_filter[VB_FILTER_TEXT_LEN];	/* empty: every frame */
	char sample_filter[VB_FILTER_TEXT_LEN];	/* empty: none */
	struct vb_mirror_ctrs mirror;		/* written by the mirror thread */
	struct vb_port_info port[VB_MAX_PORTS];
	struct vb_lcore_ctrs lcore[VB_MAX_WORKERS];
};

/* Name of a run state ("starting", "running", "stopping"; "unknown" out of range). */
const char *vb_state_name(uint32_t state);

/*
 * Name of a kernel interface state as telemetry and JSON give it ("none", "unknown", "up",
 * "no_carrier", "admin_down", "removed", "replaced"; "invalid" out of range).
 */
const char *vb_kif_state_name(uint32_t state);

/* The same in words, as logs and vbridge-stat print it after the interface's name. */
const char *vb_kif_state_text(uint32_t state);

struct vb_config;

/*
 * The segment's file for a DPDK file prefix: $VBRIDGE_RUNTIME_DIR/<prefix>/stats when that is
 * set, else /run/vbridge/<prefix>/stats when /run is a tmpfs, else /dev/shm/vbridge/... (a
 * file on a disk would be written back while the workers write it). Returns 0, or -ENAMETOOLONG.
 */
int vb_shm_path(const char *file_prefix, char *buf, size_t len);

/* The primary's side of the segment. */
struct vb_shm_writer {
	struct vb_shm *shm;		/* the mapping, read-write */
	size_t len;
	int fd;				/* open for as long as vbridge runs: it holds the lock */
	char path[PATH_MAX];
};

/*
 * Primary, after rte_eal_init(): create and initialise the segment for nb_workers worker
 * lcores (with the classifier's tables when cfg enables it) in a new file, lock it, and
 * publish it under vb_shm_path() of EAL's file prefix, replacing one left by a vbridge that
 * has exited. Directory 0750 and file 0640 with cfg->monitor_group (its default: "vbridge"
 * when that group exists, else root only: 0700 and 0600). Returns 0, or -errno with a
 * message in err (-EEXIST: another live vbridge publishes one for this prefix).
 */
int vb_shm_create(struct vb_shm_writer *w, const struct vb_config *cfg,
		  unsigned int nb_workers, char *err, size_t errlen);

/*
 * Primary, stopping: remove the file's name, so that new readers find no vbridge; readers
 * that have it mapped keep their mapping and see the state "stopping". Async-signal-safe.
 */
void vb_shm_unpublish(struct vb_shm_writer *w);

/* Primary: unpublish, unmap and close (which releases the lock). Not while anything reads it. */
void vb_shm_free(struct vb_shm_writer *w);

/* Main lcore: publish a port's PMD counters (error: 0 or rte_eth_stats_get's -errno). */
void vb_shm_eth_write(struct vb_port_info *pi, const struct vb_eth_ctrs *eth, int error,
		      uint64_t tsc);

/*
 * Reader: a consistent copy of a port's PMD counters, their error and the TSC of the copy
 * (0: none yet). Retries while the main lcore writes; never blocks it.
 */
void vb_shm_eth_read(const struct vb_port_info *pi, struct vb_eth_ctrs *eth, int *error,
		     uint64_t *tsc);

/* The reader's side: no EAL, no DPDK lock, a read-only mapping. */
struct vb_shm_reader {
	const struct vb_shm *shm;	/* NULL when not open */
	size_t len;			/* bytes mapped: the file's size when opened */
	int fd;
	dev_t dev;			/* the file mapped, to tell a newer one under its name */
	ino_t ino;
	int32_t pid;			/* the primary's */
	char path[PATH_MAX];
};

/*
 * Map the segment of the vbridge started with --file-prefix file_prefix, read-only, and
 * check it. Returns 0, or -ENOENT (no vbridge with that prefix), -EACCES (not allowed: err
 * names the group to join), -EPROTO (not vbridge's, or another layout version: err says
 * both), -ESRCH (left by a vbridge that has exited). err always gets a one-line message for
 * the user (without a program name in front). A vbridge still starting publishes its
 * segment with state "starting" and its ports not filled in yet.
 */
int vb_shm_open(struct vb_shm_reader *r, const char *file_prefix, char *err, size_t errlen);

/*
 * True once the primary has exited (nobody holds the file's lock), or the file is no longer
 * under its name or another replaced it (a restarted vbridge). A few system calls, no lock.
 */
bool vb_shm_gone(const struct vb_shm_reader *r);

/* Unmap and close; r may be one that failed to open or was never opened (zeroed). */
void vb_shm_close(struct vb_shm_reader *r);

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

/* Sum one direction's counters over all worker lcores, with relaxed loads. */
void vb_shm_sum_dir(const struct vb_shm *shm, unsigned int bridge_port, struct vb_dir_ctrs *sum);

/* Sum one receiving port's classifier counters over all worker lcores. */
void vb_shm_sum_cls(const struct vb_shm *shm, unsigned int bridge_port, struct vb_cls_ctrs *sum);

/* Sum one receiving port's capture counters over all worker lcores. */
void vb_shm_sum_cap(const struct vb_shm *shm, unsigned int bridge_port, struct vb_cap_ctrs *sum);

/* Worker w's per-rule counters, NULL without a policy. */
static inline struct vb_pol_ctrs *
vb_shm_pol_ctrs(const struct vb_shm *shm, unsigned int worker)
{
	if (shm->pol.ctr_off == 0)
		return NULL;
	return vb_shm_at(shm, shm->pol.ctr_off + worker * shm->pol.ctr_stride);
}

/* Sum one counter slot over all worker lcores (last_tsc: the latest). */
void vb_shm_sum_rule(const struct vb_shm *shm, uint32_t slot, struct vb_pol_ctrs *sum);

/*
 * Reader: copy the running rule set (at most max entries) into out, retrying while the main
 * lcore rewrites it. Returns the number of entries, or -EAGAIN when it kept changing.
 */
int vb_shm_pol_read(const struct vb_shm *shm, struct vb_pol_entry *out, unsigned int max);


/*
 * The classifier's tables and sample rings as one reader sees them now (TSC): occupancy walks
 * both tables, sample counters are summed over the workers' rings, settings copied; all zero
 * when the classifier is off. When top is not NULL, the MAC table's max "worst" entries
 * (vb_mactab_cmp order: most moves, then most recent) are copied there too. Returns how many.
 */
unsigned int vb_shm_read_tables(const struct vb_shm *shm, uint64_t now, struct vb_table_ctrs *t,
				struct vb_mac_entry *top, unsigned int max);

#endif /* VB_SHM_H */
