/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vbridge-stat's own parts, shared by its files, one job each:
 * - main.c: the process, as a list of verbs: options, open the segment, run the view;
 * - cli.c: the command line (struct vb_stat_opts) and --help;
 * - reader.c: finding and watching the vbridge: vb_shm_open() with the waits and messages a
 *   user needs, "is it still there?", sleeping between reads;
 * - views.c: each view's read-print loop (summary, --watch, JSON, Prometheus, --diagnose,
 *   --macs, --samples / --pcapng);
 * - snapshot.c: the reader layer, the only code that looks at the shared memory (const);
 *   it copies what it sees into a plain struct vb_stat_snap;
 * - delta.c: the change between two snapshots, pure;
 * - diagnose.c: rules that turn two snapshots into plain-language findings;
 * - output.c: printers (text summary, watch lines, JSON, Prometheus) over snapshots and
 *   findings; they never touch DPDK.
 * - decode.c: what a sample says (reason words, a tcpdump-like summary, wall-clock time), pure;
 * - pcapng.c: a pcapng writer over stdio (not DPDK's rte_pcapng: see the file's comment).
 * The classifier's views follow the same split: snapshot.c copies the MAC table and the sample
 * rings out, output.c prints them, diagnose.c has rules over them.
 */
#ifndef VB_STAT_H
#define VB_STAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "counters.h"
#include "shm.h"
#include "mactab.h"
#include "sample.h"

#define VB_STAT_DEFAULT_PREFIX	"rte"	/* EAL's, and so vbridge's, default --file-prefix */
#define VB_STAT_SCHEMA		"vbridge-stat/1"	/* the JSON schema, docs/vbridge-stat.md */
#define VB_STAT_MAX_FINDINGS	64
#define VB_STAT_TOP_MACS	8	/* MACs that moved most, kept in a snapshot as evidence */
#define VB_STAT_MAX_SAMPLES	65536	/* samples copied out at most, newest kept */

/*
 * The PMD's own counters (rte_eth_stats) of one port, as vbridge last copied them:
 * VB_ETH_CTR_LIST's fields, under their ethdev names; c is the same as vb_eth_ctr_desc
 * describes it.
 */
struct vb_stat_ethdev {
	union {
		struct vb_eth_ctrs c;
		struct {
			VB_ETH_CTR_LIST(VB_CTR_FIELD_)
		};
	};
	int error;		/* 0, the negative errno of rte_eth_stats_get, -EAGAIN: no copy yet */
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
	uint8_t kif_state;		/* enum vb_kif_state; VB_KIF_NONE: the link is the PMD's */
	char kif_name[VB_KIF_NAME_LEN];
	uint32_t kif_index;
	struct vb_dir_ctrs dir;		/* the direction received on this port, out of its peer */
	struct vb_stat_ethdev eth;
	uint64_t eth_age_ns;		/* how long ago vbridge copied eth from the PMD */
	struct vb_cls_ctrs cls;		/* classifier, frames received on this port */
	struct vb_cap_ctrs cap;		/* capture, frames received on this port */
};

/*
 * The classifier's shared tables and sample rings (all zero when the classifier is off):
 * VB_TABLE_CTR_LIST's and VB_SAMPLE_CTR_LIST's fields; c as vb_table_ctr_desc describes it.
 */
struct vb_stat_tables {
	union {
		struct vb_table_ctrs c;
		struct {
			VB_TABLE_CTR_LIST(VB_CTR_FIELD_)
			VB_SAMPLE_CTR_LIST(VB_CTR_FIELD_)
		};
	};
	bool enabled;
};

/* A worker's loop counters (VB_WORKER_CTR_LIST); c as vb_worker_ctr_desc describes it. */
struct vb_stat_worker {
	union {
		struct vb_worker_ctrs c;
		struct {
			VB_WORKER_CTR_LIST(VB_CTR_FIELD_)
		};
	};
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
	uint64_t tsc_hz;		/* the primary's clock, to date samples */
	uint64_t start_tsc;
	struct vb_stat_port port[VB_MAX_PORTS];
	struct vb_stat_worker worker[VB_MAX_WORKERS];
	struct vb_stat_tables tables;
	bool mirror_enabled;
	char mirror_iface[16];
	struct vb_mirror_ctrs mirror;
	/* The MACs that moved most (then the most recent), as evidence for the rules. */
	unsigned int nb_top_macs;
	struct vb_mac_entry top_macs[VB_STAT_TOP_MACS];
};

/* A copy of the MAC table's live entries, sorted: most moves first, then most recent. */
struct vb_stat_macs {
	uint32_t n;
	uint32_t torn;			/* entries skipped, being written while read */
	struct vb_mac_entry *e;		/* malloc'd, vb_stat_macs_free */
};

/*
 * Samples copied out of every worker's ring, oldest first (by TSC). Also the readers' cursors,
 * so that --follow reads only what is new.
 */
struct vb_stat_samples {
	uint32_t n;
	uint32_t cap;			/* room in s */
	uint64_t lost;			/* overwritten before they could be copied (this read) */
	uint64_t torn;			/* being written while copied, skipped (this read) */
	uint64_t next[VB_MAX_WORKERS];	/* per ring: the sample number to read next */
	uint64_t text_day;		/* UTC day of the last sample printed with a date line */
	struct vb_sample *s;		/* malloc'd, vb_stat_samples_free */
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
	struct vb_cls_ctrs cls[VB_MAX_PORTS];		/* classifier counter increments */
	uint64_t samples_suppressed;			/* increment, over all rings */
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

enum vb_stat_view {
	VB_STAT_VIEW_SUMMARY,
	VB_STAT_VIEW_JSON,
	VB_STAT_VIEW_PROMETHEUS,
	VB_STAT_VIEW_DIAGNOSE,
	VB_STAT_VIEW_MACS,
	VB_STAT_VIEW_SAMPLES,
	VB_STAT_VIEW_RULES,
};

/* The command line, checked. */
struct vb_stat_opts {
	const char *prefix;
	enum vb_stat_view view;
	bool watch;
	bool rates;
	bool verbose;
	bool json;		/* --json: the view's JSON form */
	bool follow;		/* --samples: keep reading new samples */
	const char *pcapng;	/* --samples: write them to this file ("-": stdout) */
	double interval_s;	/* --watch refresh, or the one-shot rate interval */
	unsigned long count;	/* --watch refreshes, 0: until stopped */
	long lcore;		/* CPU to run on, -1: any */
	bool listen;		/* --listen: the exporter (listen.c) */
	const char *listen_at;	/* its [ADDR:]PORT, NULL: the default */
};

/* main.c: has SIGINT, SIGTERM or a closed pipe asked us to stop? */
bool vb_stat_quitting(void);
/* Was the terminal resized (SIGWINCH) since the last call? Clears what it reports. */
bool vb_stat_resized(void);

/* cli.c: fill o from argv. Returns 0, 1 for --help / --version (done), -1 after a message. */
int vb_stat_parse_opts(int argc, char **argv, struct vb_stat_opts *o);

/* reader.c */

/*
 * Open the segment of the vbridge with prefix: wait a moment for one still starting (a DPDK
 * primary with that prefix that has not published yet, or a segment in state "starting").
 * Returns 0, or EXIT_FAILURE after a message on stderr.
 */
int vb_stat_open(struct vb_shm_reader *r, const struct vb_stat_opts *o);

/* Has the primary exited, been replaced, or begun to stop? If so, say which in why. */
bool vb_stat_gone(const struct vb_shm_reader *r, char *why, size_t len);

/*
 * Sleep for seconds, looking every 50 ms at Ctrl-C and at the primary (and, with on_resize,
 * at the terminal's size). Returns 0 after the full sleep, 1 when asked to quit, 2 when
 * on_resize and the terminal was resized, -1 when the primary went away (why says how).
 */
int vb_stat_sleep(double seconds, bool on_resize, const struct vb_shm_reader *r, char *why,
		  size_t len);

/* views.c: run the view o asks for on an open segment; returns the exit status. */
int vb_stat_run(const struct vb_stat_opts *o, const struct vb_shm_reader *r);

/* snapshot.c */

/*
 * Copy the shared counters, and the ports' PMD counters vbridge copied into the segment, into
 * snap. Reads shm only (a reader's read-only mapping, or the primary's own).
 */
void vb_stat_snap_take(const struct vb_shm *shm, struct vb_stat_snap *snap);

/* Copy the MAC table out, sorted. Returns 0, -ENOMEM, or -ENOENT when the classifier is off. */
int vb_stat_macs_read(const struct vb_shm *shm, struct vb_stat_macs *macs);
void vb_stat_macs_free(struct vb_stat_macs *macs);

/*
 * Copy the samples newer than the cursors in smp->next out of every worker's ring (the first
 * call, with the cursors at 0, copies all history the rings still hold, at most
 * VB_STAT_MAX_SAMPLES), replacing smp->s's contents, sorted by time. Returns 0, -ENOMEM, or
 * -ENOENT when the classifier is off.
 */
int vb_stat_samples_read(const struct vb_shm *shm, struct vb_stat_samples *smp);
void vb_stat_samples_free(struct vb_stat_samples *smp);

/* delta.c: pure */

/* Fill delta with new - old; old and new must come from the same primary. */
void vb_stat_delta_compute(const struct vb_stat_snap *old, const struct vb_stat_snap *new,
			   struct vb_stat_delta *delta);

/* Share of a worker's polls that received frames since the primary started, 0..1. */
double vb_stat_busy_lifetime(const struct vb_stat_worker *w);

/* decode.c: pure functions of a sample, no DPDK calls */


/* The sample's time as ns since the Unix epoch, from the primary's TSC and wall-clock pair. */
uint64_t vb_stat_sample_unix_ns(const struct vb_stat_snap *snap, uint64_t tsc);

/* TSC ticks as microseconds at the primary's TSC rate. */
double vb_stat_tsc_us(const struct vb_stat_snap *snap, uint64_t ticks);

/* Reason flags as words, comma separated ("arp,reflected,would-filter"); "" for none. */
const char *vb_stat_reason_words(uint32_t reason, char *buf, size_t len);

/* The reason words, and for a policy sample its rule ("policy-deny,rule-3"). */
const char *vb_stat_sample_reason(const struct vb_sample *s, char *buf, size_t len);

/*
 * A tcpdump-like one-line summary of a sampled frame: "ARP who-has 198.18.0.1 tell
 * 198.18.0.2", "ARP reply 198.18.0.1 is-at aa:bb:cc:dd:ee:ff", "IPv6 ND NS who-has 2001:2::1",
 * else "ethertype 0x0800 len 98"; VLAN ids first ("vlan 10, vlan 20, ...").
 */
const char *vb_stat_sample_summary(const struct vb_sample *s, char *buf, size_t len);

/* "aa:bb:cc:dd:ee:ff" */
const char *vb_stat_mac_str(const uint8_t *mac, char *buf, size_t len);

/* pcapng.c */

struct vb_pcapng;

/*
 * Start a pcapng section on f (already open; "-" handling is the caller's): a section header
 * and one interface per bridge port of snap (if_name the port's name, ns timestamps).
 * Returns NULL with errno set.
 */
struct vb_pcapng *vb_pcapng_open(FILE *f, const struct vb_stat_snap *snap, uint32_t snap_len);

/* Append one sample as an enhanced packet block, reasons as its comment. 0 or -1 (errno). */
int vb_pcapng_write(struct vb_pcapng *p, const struct vb_stat_snap *snap,
		    const struct vb_sample *s);

/* Flush; 0 or -1. */
int vb_pcapng_flush(struct vb_pcapng *p);

/* Flush and free the writer (not the stream). Returns 0 or -1 when a write failed. */
int vb_pcapng_close(struct vb_pcapng *p);

/* diagnose.c */

/*
 * Run every rule over snap (and delta, the last interval, when not NULL; and the samples,
 * when not NULL) and fill out. out->n == 0 means no problems seen. Pure: reads only its
 * arguments, so that tests/unit/test_diagnose.c runs it on made-up snapshots without EAL.
 */
void vb_stat_diagnose(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
		      const struct vb_stat_samples *samples, struct vb_stat_findings *out);

const char *vb_stat_severity_name(enum vb_stat_severity s);

/* output.c: each returns 0, or -1 when the stream failed (EPIPE ...). */

/* The summary in width columns (0: not a terminal, the full-width tables scripts read). */
int vb_stat_print_summary(FILE *f, unsigned int width, const struct vb_stat_snap *snap,
			  const struct vb_stat_delta *delta);
int vb_stat_print_watch(FILE *f, bool tty, unsigned int width, const struct vb_stat_snap *snap,
			const struct vb_stat_delta *delta);
int vb_stat_print_json(FILE *f, bool pretty, const struct vb_stat_snap *snap,
		       const struct vb_stat_delta *delta, const struct vb_stat_findings *findings);
/* --diagnose --json: {"schema", "view": "diagnose", "time_unix_ns", "interval_s", "pid",
 * "not_shown", "findings": [...]} (the findings as --json has them). */
int vb_stat_print_findings_json(FILE *f, const struct vb_stat_snap *snap,
				const struct vb_stat_delta *delta,
				const struct vb_stat_findings *findings);
int vb_stat_print_prometheus(FILE *f, const struct vb_stat_snap *snap);
/* No vbridge to read: vbridge_up 0, after the reason as a comment (--listen's answer). */
int vb_stat_print_prometheus_down(FILE *f, const char *reason);
/* --diagnose in width columns (0: not a terminal, the full-width lines scripts read). */
int vb_stat_print_findings(FILE *f, unsigned int width, const struct vb_stat_snap *snap,
			   const struct vb_stat_delta *delta,
			   const struct vb_stat_findings *findings);
/* --macs in width columns (0: not a terminal, port names whole as scripts read them). */
int vb_stat_print_macs(FILE *f, bool json, unsigned int width, const struct vb_stat_snap *snap,
		       const struct vb_stat_macs *macs);
/*
 * One line (or, json, one compact object a line) per sample; in width columns (0: not a
 * terminal, the full lines scripts read), one or two lines each, a date line when the day
 * changes (smp->text_day remembers it from one read to the next).
 */
int vb_stat_print_samples(FILE *f, bool json, unsigned int width, const struct vb_stat_snap *snap,
			  struct vb_stat_samples *smp);
/* The footer of --samples: samples shown, lost and torn, the rings' counters (broken at
 * spaces to width; 0: one line). */
int vb_stat_print_samples_footer(FILE *f, unsigned int width, const struct vb_stat_snap *snap,
				 uint64_t shown, uint64_t lost, uint64_t torn);

/* rules.c: the policy's views, read from the segment (nothing printed without a policy). */

/* One rule of the running set with its counters, summed over workers. */
struct vb_stat_rule {
	struct vb_pol_entry e;
	struct vb_pol_ctrs c;
};

/* The running rule set as copied out of the segment. */
struct vb_stat_rules {
	unsigned int n;			/* rules in r, the default last */
	struct vb_stat_rule *r;		/* malloc'd, vb_stat_rules_free */
	struct vb_pol_ctrs prot;	/* protected frames no rule named */
	struct vb_pol_info info;
	uint64_t tsc_hz, start_tsc, start_unix_ns;
};

/* Copy the running rule set and its counters. Returns 0, -ENOENT (no policy), -ENOMEM. */
int vb_stat_rules_read(const struct vb_shm *shm, struct vb_stat_rules *out);
void vb_stat_rules_free(struct vb_stat_rules *r);

/*
 * --rules: each rule with its hits, bytes and last hit, then the protected kinds' line
 * (json: one JSON object). In width columns (0: not a terminal, the full-width lines scripts
 * read); when the full lines do not fit, counts get their units (k/M/G), dates are short and
 * the rule texts are broken at spaces in their column. 0, or -1 when the stream failed.
 */
int vb_stat_print_rules(FILE *f, bool json, unsigned int width, const struct vb_stat_rules *r);

/* --rules: read and print the running rule set (o->json: JSON). Exit status. */
int vb_stat_run_rules(const struct vb_stat_opts *o, const struct vb_shm *shm);

/* After --prometheus (and each --listen scrape): a series per rule, the reload counters. */
int vb_stat_print_rules_prometheus(FILE *f, const struct vb_shm *shm);

/*
 * The policy's --diagnose findings, appended to out: a warning "policy_drops_neighbours"
 * for each rule (the default aside) that denies ARP or IPv6 neighbour discovery by naming
 * it. Pure over r.
 */
void vb_stat_rules_diagnose(const struct vb_stat_rules *r, struct vb_stat_findings *out);

/* diagnose.c: append a finding (NULL when out is full: counted in out->dropped). */
struct vb_stat_finding *vb_stat_finding_add(struct vb_stat_findings *out,
					    enum vb_stat_severity sev, const char *code,
					    const char *port);

/* output.c: s broken at spaces into lines of at most width (0: one line). */
void vb_stat_print_fitted(FILE *f, const char *s, unsigned int width);

#endif /* VB_STAT_H */
