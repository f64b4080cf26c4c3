/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every counter vbridge keeps, described once. Each group (direction, drop reason, capture,
 * mirror, classifier, tables, samples, worker, PMD) is one X-macro list; the list makes the
 * struct the writer updates and a table of descriptors (name, help, type, unit, offsetof)
 * that every reader iterates: sums over lcores, deltas, telemetry, JSON, Prometheus, the text
 * views and vbridge's final lines. Adding a counter is one line in its list.
 *
 * A leaf header: it includes nothing of vbridge's, so that any file can describe or read a
 * counter without pulling in the shared layout or the classifier.
 *
 * Names are [a-z0-9_] and are the keys of the final lines, the JSON and telemetry; they never
 * change once shipped (scripts and dashboards read them). The Prometheus name of each counter
 * is spelled out in its list (tokens, stringized), so that the exposition's names are there
 * to read and grep, not derived by rules.
 */
#ifndef VB_COUNTERS_H
#define VB_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

enum vb_ctr_type {
	VB_CTR_COUNTER,		/* only grows: readers compute deltas, never reset */
	VB_CTR_GAUGE,		/* a level (occupancy, a setting): shown as it is */
};

enum vb_ctr_unit {
	VB_UNIT_FRAMES,
	VB_UNIT_BYTES,
	VB_UNIT_EVENTS,		/* table writes, evictions, torn reads */
	VB_UNIT_SAMPLES,
	VB_UNIT_POLLS,
	VB_UNIT_ENTRIES,
	VB_UNIT_MS,
	VB_UNIT_SECONDS,
	VB_UNIT_PER_SECOND,
	VB_UNIT_UNITS
};

/* Which port of a direction a counter belongs to, for views that are per port. */
enum vb_ctr_side {
	VB_SIDE_NONE,
	VB_SIDE_RX,		/* the port the direction receives on */
	VB_SIDE_TX,		/* the port it sends out of (the receiving port's peer) */
};

/* One counter: what every view needs to show it. */
struct vb_ctr_desc {
	const char *name;	/* key: final lines, JSON, telemetry; [a-z0-9_] */
	const char *help;	/* one line, for Prometheus HELP and the docs */
	const char *prom;	/* Prometheus metric name; NULL: not exported */
	const char *plabel;	/* extra Prometheus label, e.g. direction="rx"; NULL: none */
	uint16_t off;		/* offsetof in the group's struct; always a uint64_t */
	uint8_t type;		/* enum vb_ctr_type */
	uint8_t unit;		/* enum vb_ctr_unit */
	uint8_t side;		/* enum vb_ctr_side */
};

/* The one way a writer updates a counter: single writer, plain store, no lock prefix. */
static inline void
vb_ctr_add(uint64_t *ctr, uint64_t n)
{
	__atomic_store_n(ctr, *ctr + n, __ATOMIC_RELAXED);
}

/* The one way a reader loads one: relaxed, never torn on a 64-bit machine. */
static inline uint64_t
vb_ctr_read(const uint64_t *ctr)
{
	return __atomic_load_n(ctr, __ATOMIC_RELAXED);
}

/* The counter d describes in the struct at base (a reader's plain copy or shared memory). */
static inline uint64_t
vb_ctr_get(const void *base, const struct vb_ctr_desc *d)
{
	return vb_ctr_read((const uint64_t *)(const void *)((const char *)base + d->off));
}

static inline uint64_t *
vb_ctr_ptr(void *base, const struct vb_ctr_desc *d)
{
	return (uint64_t *)(void *)((char *)base + d->off);
}

/* Add every counter of n descriptors at src into dst (both structs of the group). */
static inline void
vb_ctr_sum(void *dst, const void *src, const struct vb_ctr_desc *d, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		*vb_ctr_ptr(dst, &d[i]) += vb_ctr_get(src, &d[i]);
}

/*
 * dst = new - old for counters (a smaller new value means another writer: no change), new for
 * gauges. dst may be new.
 */
static inline void
vb_ctr_delta(void *dst, const void *old, const void *new, const struct vb_ctr_desc *d,
	     unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t o = vb_ctr_get(old, &d[i]), v = vb_ctr_get(new, &d[i]);

		if (d[i].type == VB_CTR_COUNTER)
			v = v >= o ? v - o : 0;
		*vb_ctr_ptr(dst, &d[i]) = v;
	}
}

/* "frames", "bytes", ...: the unit's name, as the docs and --help texts say it. */
const char *vb_ctr_unit_name(unsigned int unit);

/*
 * A test build may add one counter to every list (tests/unit/meson.build builds the lists a
 * second time with VB_CTR_TEST_EXTRA) to show that one line is all a new counter needs.
 */
#ifdef VB_CTR_TEST_EXTRA
#define VB_CTR_TEST_LINE_(X, ...) X(__VA_ARGS__)
#else
#define VB_CTR_TEST_LINE_(X, ...)
#endif

/*
 * Direction: frames received on a bridge port and sent out of its peer, by the receiving
 * port's index. X(name, side, unit, Prometheus name, Prometheus label, help)
 */
#define VB_DIR_CTR_LIST(X) \
	X(rx_frames, RX, FRAMES, vbridge_frames_total, "direction=\"rx\"", \
	  "Frames received on the port") \
	X(rx_bytes, RX, BYTES, vbridge_bytes_total, "direction=\"rx\"", \
	  "Bytes received on the port") \
	X(tx_frames, TX, FRAMES, vbridge_frames_total, "direction=\"tx\"", \
	  "Frames sent out of the port (handed to its PMD, its link up)") \
	X(tx_bytes, TX, BYTES, vbridge_bytes_total, "direction=\"tx\"", \
	  "Bytes sent out of the port") \
	X(policy_would_deny, RX, FRAMES, vbridge_policy_would_deny_frames_total, NULL, \
	  "Frames received on the port that the policy in shadow mode forwarded but would deny") \
	VB_CTR_TEST_LINE_(X, test_extra, RX, FRAMES, vbridge_test_extra_total, NULL, \
			  "A counter only the unit test's build has")

/*
 * Why a frame received on a port did not leave through its peer: each reason counts frames
 * and bytes. X(ID, name, help): VB_DROP_<ID> is its index (enum vb_drop_reason).
 */
#define VB_DROP_REASON_LIST(X) \
	X(PEER_FULL, peer_full, "the peer's TX queue took fewer frames than offered") \
	X(POLICY, policy, "denied by the policy (enforce mode)") \
	X(PEER_DOWN, peer_down, "the peer's link was down: not handed to its PMD") \
	VB_CTR_TEST_LINE_(X, TEST_EXTRA, test_extra, "a reason only the unit test's build has")

/* Capture, by receiving port. X(name, unit, Prometheus name, help) */
#define VB_CAP_CTR_LIST(X) \
	X(mirror_matched, FRAMES, vbridge_capture_mirror_matched_frames_total, \
	  "Frames received on a port selected by the mirror filter (all, without one).") \
	X(mirrored, FRAMES, vbridge_capture_mirrored_frames_total, \
	  "Frames received on a port put on the way to the mirror interface.") \
	X(mirror_full, FRAMES, vbridge_capture_mirror_full_frames_total, \
	  "Frames selected for the mirror but not mirrored: its ring was full.") \
	X(sample_matched, FRAMES, vbridge_capture_sample_matched_frames_total, \
	  "Frames received on a port that matched the sample filter.") \
	VB_CTR_TEST_LINE_(X, test_extra, FRAMES, vbridge_capture_test_extra_total, \
			  "A counter only the unit test's build has")

/* The mirror interface, written by the mirror thread. X(name, unit, Prometheus name, help) */
#define VB_MIRROR_CTR_LIST(X) \
	X(tx_frames, FRAMES, vbridge_mirror_tx_frames_total, \
	  "Frames written to the mirror interface.") \
	X(tx_bytes, BYTES, vbridge_mirror_tx_bytes_total, \
	  "Bytes written to the mirror interface.") \
	X(tx_dropped, FRAMES, vbridge_mirror_tx_dropped_frames_total, \
	  "Frames the mirror interface refused (its reader is too slow).") \
	X(rx_discarded, FRAMES, vbridge_mirror_rx_discarded_frames_total, \
	  "Frames the kernel sent into the mirror interface, discarded.") \
	VB_CTR_TEST_LINE_(X, test_extra, FRAMES, vbridge_mirror_test_extra_total, \
			  "A counter only the unit test's build has")

/*
 * The classifier, by receiving port. X(name, unit, Prometheus name, help). The ND kinds'
 * short names read as units to Prometheus's linter (promtool: "nd_ns" contains "ns",
 * nanoseconds): their metrics spell the message out. The ARP and ND kinds stay in the order
 * of enum vb_arp_kind and vb_nd_kind (classify.c checks).
 */
#define VB_CLS_CTR_LIST(X) \
	X(bcast, FRAMES, vbridge_classifier_bcast_total, \
	  "broadcast frames received") \
	X(mcast, FRAMES, vbridge_classifier_mcast_total, \
	  "multicast (not broadcast) frames received") \
	X(tagged, FRAMES, vbridge_classifier_tagged_total, \
	  "frames with at least one VLAN tag") \
	X(qinq, FRAMES, vbridge_classifier_qinq_total, \
	  "frames with two or more VLAN tags") \
	X(malformed, FRAMES, vbridge_classifier_malformed_total, \
	  "runts, truncated tags, malformed ARP or ND (still forwarded)") \
	X(arp_request, FRAMES, vbridge_classifier_arp_request_total, \
	  "ARP requests (not probe, not announcement)") \
	X(arp_reply, FRAMES, vbridge_classifier_arp_reply_total, \
	  "ARP replies (not gratuitous)") \
	X(arp_probe, FRAMES, vbridge_classifier_arp_probe_total, \
	  "ARP probes: requests from 0.0.0.0 (RFC 5227)") \
	X(arp_announce, FRAMES, vbridge_classifier_arp_announce_total, \
	  "ARP announcements: requests with sender IP = target IP") \
	X(arp_gratuitous, FRAMES, vbridge_classifier_arp_gratuitous_total, \
	  "gratuitous ARP replies: sender IP = target IP") \
	X(arp_other, FRAMES, vbridge_classifier_arp_other_total, \
	  "ARP with an opcode other than request or reply") \
	X(arp_malformed, FRAMES, vbridge_classifier_arp_malformed_total, \
	  "ARP truncated or not Ethernet/IPv4") \
	X(nd_rs, FRAMES, vbridge_classifier_nd_router_solicit_total, \
	  "IPv6 router solicitations") \
	X(nd_ra, FRAMES, vbridge_classifier_nd_router_advert_total, \
	  "IPv6 router advertisements") \
	X(nd_ns, FRAMES, vbridge_classifier_nd_neighbour_solicit_total, \
	  "IPv6 neighbour solicitations (not DAD)") \
	X(nd_dad, FRAMES, vbridge_classifier_nd_dad_total, \
	  "IPv6 duplicate address detection: NS from ::") \
	X(nd_na, FRAMES, vbridge_classifier_nd_neighbour_advert_total, \
	  "IPv6 neighbour advertisements") \
	X(nd_redirect, FRAMES, vbridge_classifier_nd_redirect_total, \
	  "IPv6 redirects") \
	X(nd_malformed, FRAMES, vbridge_classifier_nd_malformed_total, \
	  "IPv6 ND truncated or inconsistent") \
	X(duplicate, FRAMES, vbridge_classifier_duplicate_total, \
	  "bcast/mcast received again on the same port within the window") \
	X(reflected, FRAMES, vbridge_classifier_reflected_total, \
	  "bcast/mcast received back on the port it was sent out of") \
	X(looped, FRAMES, vbridge_classifier_looped_total, \
	  "bcast/mcast that came back on both sides: circulating") \
	X(mac_moves, FRAMES, vbridge_classifier_mac_moves_total, \
	  "source MAC seen on this port after the other side of its pair") \
	X(would_be_filtered, FRAMES, vbridge_classifier_would_be_filtered_total, \
	  "frames a learning bridge would drop: destination seen here") \
	X(dup_inserts, EVENTS, vbridge_classifier_dup_inserts_total, \
	  "duplicate-table entries written for a new frame") \
	X(dup_evictions, EVENTS, vbridge_classifier_dup_evictions_total, \
	  "duplicate-table live entries evicted before their window ended") \
	X(dup_torn, EVENTS, vbridge_classifier_dup_torn_total, \
	  "duplicate-table entries found torn by a concurrent write") \
	X(mac_inserts, EVENTS, vbridge_classifier_mac_inserts_total, \
	  "MAC-table entries written for a new MAC") \
	X(mac_evictions, EVENTS, vbridge_classifier_mac_evictions_total, \
	  "MAC-table live entries evicted before ageing out") \
	X(mac_torn, EVENTS, vbridge_classifier_mac_torn_total, \
	  "MAC-table entries found torn by a concurrent write") \
	X(samples, FRAMES, vbridge_classifier_samples_total, \
	  "frames offered to the sample ring (see the ring's own counters)") \
	VB_CTR_TEST_LINE_(X, test_extra, FRAMES, vbridge_classifier_test_extra_total, \
			  "a counter only the unit test's build has")

/*
 * The classifier's shared tables, read by walking them (occupancy) and from their settings.
 * X(name, type, unit, Prometheus name, Prometheus label, help)
 */
#define VB_TABLE_CTR_LIST(X) \
	X(dup_entries, GAUGE, ENTRIES, vbridge_table_entries, "table=\"dup\"", \
	  "Size of the duplicate table in entries") \
	X(dup_live, GAUGE, ENTRIES, vbridge_table_live_entries, "table=\"dup\"", \
	  "Entries of the duplicate table not expired") \
	X(dup_window_ms, GAUGE, MS, , NULL, \
	  "How long a broadcast is remembered (setting)") \
	X(mac_entries, GAUGE, ENTRIES, vbridge_table_entries, "table=\"mac\"", \
	  "Size of the MAC table in entries") \
	X(mac_live, GAUGE, ENTRIES, vbridge_table_live_entries, "table=\"mac\"", \
	  "Entries of the MAC table not aged out") \
	X(mac_ageing_s, GAUGE, SECONDS, , NULL, \
	  "How long an unseen MAC is kept (setting)") \
	VB_CTR_TEST_LINE_(X, test_extra, GAUGE, ENTRIES, vbridge_table_test_extra, NULL, \
			  "A gauge only the unit test's build has")

/*
 * The sample rings, summed over the workers' rings. X(name, type, unit, Prometheus name,
 * help); an empty Prometheus name: not exported (a setting).
 */
#define VB_SAMPLE_CTR_LIST(X) \
	X(samples_written, COUNTER, SAMPLES, vbridge_samples_written_total, \
	  "Samples stored in the workers' sample rings.") \
	X(samples_overwritten, COUNTER, SAMPLES, vbridge_samples_overwritten_total, \
	  "Samples stored over an older sample not yet overwritten.") \
	X(samples_suppressed, COUNTER, SAMPLES, vbridge_samples_suppressed_total, \
	  "Samples refused by the rate limit (sample_rate).") \
	X(sample_rate, GAUGE, PER_SECOND, , \
	  "Samples per second per worker at most, 0: no limit (setting)") \
	X(sample_slots, GAUGE, SAMPLES, , \
	  "Slots of each worker's ring (setting)") \
	X(snap_len, GAUGE, BYTES, , \
	  "Bytes kept of each sampled frame (setting)") \
	VB_CTR_TEST_LINE_(X, test_extra_samples, COUNTER, SAMPLES, vbridge_samples_test_extra_total, \
			  "A counter only the unit test's build has")

/* A worker lcore's forwarding loop. X(name, unit, Prometheus name, help) */
#define VB_WORKER_CTR_LIST(X) \
	X(polls, POLLS, vbridge_worker_polls_total, \
	  "Forwarding loop iterations of a worker lcore.") \
	X(idle_polls, POLLS, vbridge_worker_idle_polls_total, \
	  "Loop iterations of a worker lcore in which no port received a frame.") \
	VB_CTR_TEST_LINE_(X, test_extra, POLLS, vbridge_worker_test_extra_total, \
			  "A counter only the unit test's build has")

/*
 * The PMD's own counters of a port (the rte_eth_stats fields the monitor shows, under their
 * ethdev names). X(name, side, unit, Prometheus name, Prometheus label, help)
 */
#define VB_ETH_CTR_LIST(X) \
	X(ipackets, RX, FRAMES, vbridge_ethdev_frames_total, "direction=\"rx\"", \
	  "Frames the PMD received (ipackets)") \
	X(opackets, TX, FRAMES, vbridge_ethdev_frames_total, "direction=\"tx\"", \
	  "Frames the PMD sent (opackets)") \
	X(ibytes, RX, BYTES, vbridge_ethdev_bytes_total, "direction=\"rx\"", \
	  "Bytes the PMD received (ibytes)") \
	X(obytes, TX, BYTES, vbridge_ethdev_bytes_total, "direction=\"tx\"", \
	  "Bytes the PMD sent (obytes)") \
	X(imissed, RX, FRAMES, vbridge_ethdev_missed_frames_total, NULL, \
	  "Frames the NIC dropped because its receive ring was full (imissed)") \
	X(ierrors, RX, FRAMES, vbridge_ethdev_errors_total, "direction=\"rx\"", \
	  "Erroneous frames received (ierrors)") \
	X(oerrors, TX, FRAMES, vbridge_ethdev_errors_total, "direction=\"tx\"", \
	  "Failed transmissions (oerrors)") \
	X(rx_nombuf, RX, EVENTS, vbridge_ethdev_rx_nombuf_total, NULL, \
	  "Receive mbuf allocation failures (rx_nombuf)") \
	VB_CTR_TEST_LINE_(X, test_extra, RX, FRAMES, vbridge_ethdev_test_extra_total, NULL, \
			  "A counter only the unit test's build has")

/* The structs the lists make: uint64_t fields in list order, nothing else. */
#define VB_CTR_FIELD_(name, ...) uint64_t name;
#define VB_CTR_COUNT_(...) +1
#define VB_DROP_ENUM_(id, name, help) VB_DROP_##id,

enum vb_drop_reason {
	VB_DROP_REASON_LIST(VB_DROP_ENUM_)
	VB_DROP_REASONS
};

#define VB_DIR_CTRS		(0 VB_DIR_CTR_LIST(VB_CTR_COUNT_))
#define VB_CAP_CTRS		(0 VB_CAP_CTR_LIST(VB_CTR_COUNT_))
#define VB_MIRROR_CTRS		(0 VB_MIRROR_CTR_LIST(VB_CTR_COUNT_))
#define VB_TABLE_CTRS		(0 VB_TABLE_CTR_LIST(VB_CTR_COUNT_))
#define VB_SAMPLE_CTRS		(0 VB_SAMPLE_CTR_LIST(VB_CTR_COUNT_))
#define VB_WORKER_CTRS		(0 VB_WORKER_CTR_LIST(VB_CTR_COUNT_))
#define VB_ETH_CTRS		(0 VB_ETH_CTR_LIST(VB_CTR_COUNT_))

/* Counters of one direction, named by its receiving bridge port, as one lcore saw them. */
struct vb_dir_ctrs {
	VB_DIR_CTR_LIST(VB_CTR_FIELD_)
	uint64_t drop_frames[VB_DROP_REASONS];	/* by enum vb_drop_reason */
	uint64_t drop_bytes[VB_DROP_REASONS];
};

/* Capture counters of frames received on one bridge port, as one lcore saw them. */
struct vb_cap_ctrs {
	VB_CAP_CTR_LIST(VB_CTR_FIELD_)
};

/* The mirror interface's counters, written only by the mirror thread. */
struct vb_mirror_ctrs {
	VB_MIRROR_CTR_LIST(VB_CTR_FIELD_)
};

/* A worker's loop counters, written only by that worker. */
struct vb_worker_ctrs {
	VB_WORKER_CTR_LIST(VB_CTR_FIELD_)
};

/* The classifier's tables and sample rings as a reader sees them (vb_shm_read_tables). */
struct vb_table_ctrs {
	VB_TABLE_CTR_LIST(VB_CTR_FIELD_)
	VB_SAMPLE_CTR_LIST(VB_CTR_FIELD_)
};

/* The PMD's counters of one port (the rte_eth_stats fields of the same names). */
struct vb_eth_ctrs {
	VB_ETH_CTR_LIST(VB_CTR_FIELD_)
};

#define VB_CLS_CTR_ENUM_(name, ...) VB_CLS_CTR_##name,
enum vb_cls_ctr_index {
	VB_CLS_CTR_LIST(VB_CLS_CTR_ENUM_)
	VB_CLS_CTR_COUNT
};
#undef VB_CLS_CTR_ENUM_

/*
 * Classifier counters of one receiving bridge port as one lcore saw them. One writer (the
 * lcore), plain stores (vb_cls_ctr_inc); readers load with relaxed atomics and sum over
 * lcores. The union lets the classifier index the kind counters by kind.
 */
struct vb_cls_ctrs {
	union {
		struct {
			VB_CLS_CTR_LIST(VB_CTR_FIELD_)
		};
		uint64_t v[VB_CLS_CTR_COUNT];
	};
};

/*
 * The descriptor tables, in list order (lib/counters.c). vb_dir_ctr_desc has the direction's
 * own counters; vb_drop_frames_desc and vb_drop_bytes_desc one per drop reason (name: the
 * reason), also at offsets of struct vb_dir_ctrs; vb_dir_all_desc all of them, for sums and
 * deltas. vb_table_ctr_desc covers VB_TABLE_CTR_LIST then VB_SAMPLE_CTR_LIST (one struct).
 */
extern const struct vb_ctr_desc vb_dir_ctr_desc[VB_DIR_CTRS];
extern const struct vb_ctr_desc vb_drop_frames_desc[VB_DROP_REASONS];
extern const struct vb_ctr_desc vb_drop_bytes_desc[VB_DROP_REASONS];
extern const struct vb_ctr_desc vb_dir_all_desc[VB_DIR_CTRS + 2 * VB_DROP_REASONS];
extern const struct vb_ctr_desc vb_cap_ctr_desc[VB_CAP_CTRS];
extern const struct vb_ctr_desc vb_mirror_ctr_desc[VB_MIRROR_CTRS];
extern const struct vb_ctr_desc vb_cls_ctr_desc[VB_CLS_CTR_COUNT];
extern const struct vb_ctr_desc vb_table_ctr_desc[VB_TABLE_CTRS + VB_SAMPLE_CTRS];
extern const struct vb_ctr_desc vb_worker_ctr_desc[VB_WORKER_CTRS];
extern const struct vb_ctr_desc vb_eth_ctr_desc[VB_ETH_CTRS];

#define VB_DIR_ALL_CTRS		(VB_DIR_CTRS + 2 * VB_DROP_REASONS)
#define VB_TABLE_ALL_CTRS	(VB_TABLE_CTRS + VB_SAMPLE_CTRS)

/* Frames dropped in one direction, over all reasons. */
static inline uint64_t
vb_dir_dropped(const struct vb_dir_ctrs *dir)
{
	uint64_t n = 0;
	unsigned int r;

	for (r = 0; r < VB_DROP_REASONS; r++)
		n += dir->drop_frames[r];
	return n;
}

/* Name of a drop reason, as printed, served by telemetry and exported ("unknown" if not). */
const char *vb_drop_reason_name(unsigned int reason);

#endif /* VB_COUNTERS_H */
