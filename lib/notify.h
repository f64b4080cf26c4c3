/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * systemd's service notification (sd_notify): readiness, a one-line status, stopping,
 * reloading, and the watchdog. Every call is a no-op when vbridge does not run under
 * systemd (NOTIFY_SOCKET unset), so the same binary runs by hand, in tests and as a unit.
 * Main lcore only.
 */
#ifndef VB_NOTIFY_H
#define VB_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "shm.h"

/*
 * The watchdog's decision, kept apart from the clock and the socket so that it can be
 * tested: every period, feed the watchdog only if every worker's poll counter moved since
 * the last decision. A worker stuck in a PMD call, a spinning lock or an endless loop stops
 * its counter, the watchdog goes hungry, and systemd restarts vbridge after WatchdogSec.
 */
struct vb_wd {
	uint64_t period;		/* between decisions, in the caller's time unit; 0: off */
	uint64_t next;			/* time of the next decision */
	unsigned int nb;		/* workers */
	uint64_t last[VB_MAX_WORKERS];	/* poll counters at the last decision */
};

enum vb_wd_verdict {
	VB_WD_WAIT,		/* not time to decide yet */
	VB_WD_FEED,		/* every worker polled since the last decision: send WATCHDOG=1 */
	VB_WD_STALLED,		/* a worker did not: send nothing */
};

/*
 * Start deciding every period time units from now, with polls[0..nb-1] the workers' poll
 * counters as they are now (nb is capped at VB_MAX_WORKERS; period 0 never decides).
 */
void vb_wd_init(struct vb_wd *wd, uint64_t period, const uint64_t *polls, unsigned int nb,
		uint64_t now);

/*
 * The decision at time now, given the workers' poll counters. VB_WD_STALLED sets *stalled
 * (when not NULL) to the first worker whose counter did not move. Counters are recorded at
 * each decision, so a worker that moves again is fed again at the next one.
 */
enum vb_wd_verdict vb_wd_check(struct vb_wd *wd, const uint64_t *polls, unsigned int nb,
			       uint64_t now, unsigned int *stalled);

/* What the main lcore keeps between housekeeping passes. */
struct vb_notify {
	bool enabled;			/* NOTIFY_SOCKET was set */
	bool ready;			/* READY=1 sent */
	bool stalled;			/* the last watchdog decision found a stuck worker */
	uint64_t watchdog_usec;		/* WATCHDOG_USEC for us, 0: no watchdog */
	uint64_t tsc_per_us;
	uint64_t next_status;		/* TSC of the next STATUS= update */
	uint64_t last_tsc;		/* when the rate counters below were read */
	uint64_t last_rx;
	uint64_t last_tx;
	uint64_t last_drop;
	struct vb_wd wd;		/* in microseconds */
};

/* Read NOTIFY_SOCKET and WATCHDOG_USEC; nothing is sent yet. */
void vb_notify_init(struct vb_notify *nt);

/*
 * One housekeeping pass (call it every few ms while running): READY=1 with the first
 * STATUS= once every worker has polled all its ports at least once; then STATUS= once a
 * second (ports and links, workers, frame and drop rates) and WATCHDOG=1 when vb_wd_check
 * says so (a decision every WATCHDOG_USEC / 3, so at least two feeds per interval).
 */
void vb_notify_housekeeping(struct vb_notify *nt, const struct vb_shm *shm, uint64_t now_tsc);

/* STOPPING=1: call as soon as a stop has been asked for. */
void vb_notify_stopping(struct vb_notify *nt);

/* RELOADING=1 before re-reading the configuration; vb_notify_reloaded() after, either way. */
void vb_notify_reloading(struct vb_notify *nt);
void vb_notify_reloaded(struct vb_notify *nt, const char *outcome);

#endif /* VB_NOTIFY_H */
