/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "log.h"
#include "notify.h"

void
vb_wd_init(struct vb_wd *wd, uint64_t period, const uint64_t *polls, unsigned int nb,
	   uint64_t now)
{
	memset(wd, 0, sizeof(*wd));
	wd->period = period;
	wd->next = now + period;
	wd->nb = RTE_MIN(nb, (unsigned int)VB_MAX_WORKERS);
	memcpy(wd->last, polls, sizeof(wd->last[0]) * wd->nb);
}

enum vb_wd_verdict
vb_wd_check(struct vb_wd *wd, const uint64_t *polls, unsigned int nb, uint64_t now,
	    unsigned int *stalled)
{
	enum vb_wd_verdict v = VB_WD_FEED;
	unsigned int i;

	if (wd->period == 0 || now < wd->next)
		return VB_WD_WAIT;
	nb = RTE_MIN(nb, wd->nb);
	for (i = 0; i < nb; i++) {
		if (polls[i] == wd->last[i] && v == VB_WD_FEED) {
			v = VB_WD_STALLED;
			if (stalled != NULL)
				*stalled = i;
		}
		wd->last[i] = polls[i];
	}
	/* No workers is nothing to watch: never feed a process that forwards nothing. */
	if (nb == 0)
		v = VB_WD_STALLED;
	wd->next = now + wd->period;
	return v;
}

/* The workers' poll counters; returns how many: the count is read once, as they are. */
static unsigned int
read_polls(const struct vb_shm *shm, uint64_t *polls)
{
	unsigned int w, nb = RTE_MIN(shm->nb_workers, (unsigned int)VB_MAX_WORKERS);

	for (w = 0; w < nb; w++)
		polls[w] = vb_ctr_read(&shm->lcore[w].worker.polls);
	return nb;
}

void
vb_notify_init(struct vb_notify *nt)
{
	uint64_t usec = 0;

	memset(nt, 0, sizeof(*nt));
	nt->enabled = getenv("NOTIFY_SOCKET") != NULL;
	/* > 0 only when WATCHDOG_USEC is set (and WATCHDOG_PID, if set, is ours). */
	if (sd_watchdog_enabled(0, &usec) > 0)
		nt->watchdog_usec = usec;
	nt->tsc_per_us = RTE_MAX(rte_get_tsc_hz() / 1000000, (uint64_t)1);
}

/* The one-line summary: what an operator wants from `systemctl status vbridge`. */
static void
send_status(struct vb_notify *nt, const struct vb_shm *shm, uint64_t now_tsc, bool ready)
{
	struct vb_dir_ctrs sum;
	uint64_t rx = 0, tx = 0, drop = 0, dt;
	unsigned int bp, up = 0;
	char line[256];

	for (bp = 0; bp < shm->nb_ports; bp++) {
		vb_shm_sum_dir(shm, bp, &sum);
		rx += sum.rx_frames;
		tx += sum.tx_frames;
		drop += vb_dir_dropped(&sum);
		up += shm->port[bp].link_up == 1;
	}
	dt = now_tsc - nt->last_tsc;
	if (nt->last_tsc == 0 || dt == 0)
		snprintf(line, sizeof(line), "forwarding: %u ports (%u links up), %u worker lcore(s)",
			 shm->nb_ports, up, shm->nb_workers);
	else
		snprintf(line, sizeof(line), "forwarding: %u ports (%u links up), %u worker lcore(s), "
			 "rx %.0f fps, tx %.0f fps, dropped %.0f/s%s", shm->nb_ports, up,
			 shm->nb_workers, (double)(rx - nt->last_rx) * rte_get_tsc_hz() / dt,
			 (double)(tx - nt->last_tx) * rte_get_tsc_hz() / dt,
			 (double)(drop - nt->last_drop) * rte_get_tsc_hz() / dt,
			 nt->stalled ? "; a worker is stalled" : "");
	nt->last_tsc = now_tsc;
	nt->last_rx = rx;
	nt->last_tx = tx;
	nt->last_drop = drop;
	sd_notifyf(0, "%sSTATUS=%s", ready ? "READY=1\n" : "", line);
}

void
vb_notify_housekeeping(struct vb_notify *nt, const struct vb_shm *shm, uint64_t now_tsc)
{
	uint64_t polls[VB_MAX_WORKERS];
	unsigned int w, nb, stalled = 0;

	if (!nt->enabled)
		return;
	nb = read_polls(shm, polls);
	if (!nt->ready) {
		/* One pass of each worker's loop has polled every port it owns. */
		for (w = 0; w < nb; w++)
			if (polls[w] == 0)
				return;
		nt->ready = true;
		send_status(nt, shm, now_tsc, true);
		nt->next_status = now_tsc + rte_get_tsc_hz();
		if (nt->watchdog_usec != 0) {
			vb_wd_init(&nt->wd, nt->watchdog_usec / 3, polls, nb,
				   now_tsc / nt->tsc_per_us);
			sd_notify(0, "WATCHDOG=1");
		}
		VB_LOG(INFO, "told systemd: ready%s", nt->watchdog_usec != 0 ?
		       ", watchdog on" : "");
		return;
	}
	switch (vb_wd_check(&nt->wd, polls, nb, now_tsc / nt->tsc_per_us,
			    &stalled)) {
	case VB_WD_FEED:
		if (nt->stalled)
			VB_LOG(NOTICE, "every worker polls again: watchdog fed");
		nt->stalled = false;
		sd_notify(0, "WATCHDOG=1");
		break;
	case VB_WD_STALLED:
		if (!nt->stalled)
			VB_LOG(ERR, "worker %u has not polled for %" PRIu64 " ms: the watchdog "
			       "is not fed, systemd restarts vbridge if it stays stuck", stalled,
			       nt->watchdog_usec / 3000);
		nt->stalled = true;
		break;
	case VB_WD_WAIT:
		break;
	}
	if (now_tsc >= nt->next_status) {
		send_status(nt, shm, now_tsc, false);
		nt->next_status = now_tsc + rte_get_tsc_hz();
	}
}

void
vb_notify_stopping(struct vb_notify *nt)
{
	if (nt->enabled)
		sd_notify(0, "STOPPING=1\nSTATUS=stopping: flushing and closing the ports");
}

void
vb_notify_reloading(struct vb_notify *nt)
{
	struct timespec ts;

	if (!nt->enabled)
		return;
	/* systemd 253's Type=notify-reload wants the time with RELOADING=1; 252 ignores it. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64 "\nSTATUS=reloading the "
		   "configuration", (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
}

void
vb_notify_reloaded(struct vb_notify *nt, const char *outcome)
{
	if (nt->enabled)
		sd_notifyf(0, "READY=1\nSTATUS=forwarding; %s", outcome);
}
