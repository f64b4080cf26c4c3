/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --diagnose: rules over a snapshot (and the last interval's changes, when there is one) that
 * each look for one kind of trouble and say, in plain words, what it means and what to check,
 * with the numbers behind it. A rule is a function in the table at the bottom; the
 * classifier's findings (reflected or duplicated broadcasts, loops, MAC moves, ARP storms,
 * unanswered requests) are added as more rules over the classifier part of the snapshot.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "stat.h"

/* A heartbeat older than this means the primary's main lcore does not run. */
#define HEARTBEAT_STALE_NS	(1000ULL * 1000 * 1000)
/* Link state changes since start beyond the first poll (unknown -> up) and one down/up. */
#define LINK_FLAP_CHANGES	3

typedef void (*rule_fn)(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
			struct vb_stat_findings *out);

const char *
vb_stat_severity_name(enum vb_stat_severity s)
{
	switch (s) {
	case VB_STAT_INFO:
		return "info";
	case VB_STAT_WARNING:
		return "warning";
	case VB_STAT_PROBLEM:
		return "problem";
	}
	return "unknown";
}

static struct vb_stat_finding *
finding(struct vb_stat_findings *out, enum vb_stat_severity sev, const char *code,
	const char *port)
{
	struct vb_stat_finding *f;

	if (out->n == VB_STAT_MAX_FINDINGS) {
		out->dropped++;
		return NULL;
	}
	f = &out->f[out->n++];
	memset(f, 0, sizeof(*f));
	f->severity = sev;
	snprintf(f->code, sizeof(f->code), "%s", code);
	snprintf(f->port, sizeof(f->port), "%s", port != NULL ? port : "");
	return f;
}

static void __rte_format_printf(2, 3)
text(struct vb_stat_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

static void __rte_format_printf(2, 3)
evidence(struct vb_stat_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->evidence, sizeof(f->evidence), fmt, ap);
	va_end(ap);
}

static double
pct(uint64_t part, uint64_t whole)
{
	return whole == 0 ? 0.0 : 100.0 * (double)part / (double)whole;
}

static void
rule_primary(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta __rte_unused,
	     struct vb_stat_findings *out)
{
	struct vb_stat_finding *f;

	if (snap->heartbeat_age_ns > HEARTBEAT_STALE_NS) {
		f = finding(out, VB_STAT_PROBLEM, "primary_stalled", NULL);
		if (f == NULL)
			return;
		text(f, "vbridge's main lcore has not run for %.1f s: link watching and counter "
		     "publication are stalled. Is the process stopped (SIGSTOP, a debugger) or "
		     "starved of CPU on its main lcore?", snap->heartbeat_age_ns / 1e9);
		evidence(f, "pid %d, heartbeat %.3f s old", snap->pid,
			 snap->heartbeat_age_ns / 1e9);
	}
	if (snap->state != VB_STATE_RUNNING) {
		f = finding(out, VB_STAT_WARNING, "primary_not_running", NULL);
		if (f == NULL)
			return;
		text(f, "vbridge is %s, not forwarding yet or any more.",
		     vb_stat_state_name(snap->state));
		evidence(f, "pid %d, state %s", snap->pid, vb_stat_state_name(snap->state));
	}
}

static void
rule_link(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta __rte_unused,
	  struct vb_stat_findings *out)
{
	struct vb_stat_finding *f;
	unsigned int i;

	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];
		const struct vb_stat_port *peer = &snap->port[p->peer];

		if (p->link_up == 0) {
			f = finding(out, VB_STAT_PROBLEM, "link_down", p->name);
			if (f == NULL)
				return;
			if (p->link_forced_down)
				text(f, "Port %s is down because vbridge took it down: its peer %s "
				     "lost its link and link-fault propagation is on. Fix %s's "
				     "link; %s comes back up by itself.", p->name, peer->name,
				     peer->name, p->name);
			else
				text(f, "Port %s has no link: nothing is received on it and "
				     "frames from %s sent out of it are lost. Check the cable or "
				     "the virtual switch port and the device behind it.",
				     p->name, peer->name);
			evidence(f, "link down, %" PRIu64 " link changes since start%s",
				 p->link_changes, p->link_forced_down ? ", set down by vbridge" : "");
		} else if (p->link_up == 1 && p->link_changes >= LINK_FLAP_CHANGES) {
			f = finding(out, VB_STAT_WARNING, "link_flapped", p->name);
			if (f == NULL)
				return;
			text(f, "The link of port %s has gone down and up since vbridge started. "
			     "It is up now; if this repeats, check the cable, the switch port or "
			     "the hypervisor's vNIC.", p->name);
			evidence(f, "%" PRIu64 " link state changes since start (the first poll "
				 "counts as one)", p->link_changes);
		}
	}
}

/* Frames received on a port that its peer did not take, by reason. */
static void
rule_peer_drops(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
		struct vb_stat_findings *out)
{
	struct vb_stat_finding *f;
	unsigned int i, r;

	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];
		const struct vb_stat_port *peer = &snap->port[p->peer];

		for (r = 0; r < VB_DROP_REASONS; r++) {
			uint64_t total = p->dir.drop_frames[r];
			uint64_t now = delta != NULL ? delta->dir[i].drop_frames[r] : 0;

			if (total == 0)
				continue;
			f = finding(out, now > 0 ? VB_STAT_PROBLEM : VB_STAT_WARNING,
				    "peer_drops", p->name);
			if (f == NULL)
				return;
			if (r == VB_DROP_PEER_FULL)
				text(f, "%s could not take all frames received on %s: its transmit "
				     "queue was full, so vbridge dropped them rather than stall. %s's "
				     "link, or the device behind it, is slower than the traffic from "
				     "%s%s.", peer->name, p->name, peer->name, p->name,
				     now > 0 ? "" : " (it happened earlier, not in the last interval)");
			else
				text(f, "Frames received on %s were not sent out of %s (%s).",
				     p->name, peer->name, vb_drop_reason_name(r));
			if (delta != NULL)
				evidence(f, "%s: %" PRIu64 " frames (%.2f %% of received) in the "
					 "last %.1f s, %" PRIu64 " (%.2f %%) since start",
					 vb_drop_reason_name(r), now,
					 pct(now, delta->dir[i].rx_frames), delta->interval_s, total,
					 pct(total, p->dir.rx_frames));
			else
				evidence(f, "%s: %" PRIu64 " frames (%.2f %% of received) since "
					 "start", vb_drop_reason_name(r), total,
					 pct(total, p->dir.rx_frames));
		}
	}
}

/* One side of a pair talks, the other is silent: replies do not come back. */
static void
rule_one_way(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
	     struct vb_stat_findings *out)
{
	struct vb_stat_finding *f;
	unsigned int i;

	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];
		const struct vb_stat_port *peer = &snap->port[p->peer];
		uint64_t mine, theirs;

		if (p->peer == i || p->link_up == 0)
			continue;
		mine = delta != NULL ? delta->dir[i].rx_frames : p->dir.rx_frames;
		theirs = delta != NULL ? delta->dir[p->peer].rx_frames : peer->dir.rx_frames;
		if (mine != 0 || theirs == 0)
			continue;
		f = finding(out, VB_STAT_WARNING, "one_way", p->name);
		if (f == NULL)
			return;
		text(f, "Traffic flows one way only: %s receives frames and vbridge sends them "
		     "out of %s, but nothing comes back in on %s. Whatever is behind %s sends "
		     "nothing, or its frames do not reach the bridge: check that device, and on "
		     "a virtual switch the port group's security policy (promiscuous mode, "
		     "forged transmits, MAC address changes).",
		     peer->name, p->name, p->name, p->name);
		if (delta != NULL)
			evidence(f, "in the last %.1f s: %" PRIu64 " frames received on %s, 0 on %s",
				 delta->interval_s, theirs, peer->name, p->name);
		else
			evidence(f, "since start: %" PRIu64 " frames received on %s, 0 on %s",
				 theirs, peer->name, p->name);
	}
}

/* The PMD's own drop and error counters. */
static void
rule_ethdev(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
	    struct vb_stat_findings *out)
{
	static const struct {
		const char *code;
		size_t off;
		const char *what;
	} kinds[] = {
		{ "rx_missed", offsetof(struct vb_stat_ethdev, imissed),
		  "the NIC dropped frames because its receive ring was full (imissed): the worker "
		  "lcore did not poll fast enough. Give vbridge more worker lcores and queues, or "
		  "keep other work off its cores" },
		{ "rx_nombuf", offsetof(struct vb_stat_ethdev, rx_nombuf),
		  "the mbuf pool ran out (rx_nombuf): frames are held too long somewhere, or the "
		  "pool is too small for the queues; raise mbufs in vbridge.ini" },
		{ "rx_errors", offsetof(struct vb_stat_ethdev, ierrors),
		  "frames arrived damaged (ierrors: bad CRC, length, or too long for the MTU): check "
		  "the cable, duplex settings and the MTU on both sides" },
		{ "tx_errors", offsetof(struct vb_stat_ethdev, oerrors),
		  "the PMD failed to transmit frames (oerrors): check the link and the device" },
	};
	struct vb_stat_finding *f;
	unsigned int i, k;

	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];

		if (p->eth.error != 0)
			continue;
		for (k = 0; k < RTE_DIM(kinds); k++) {
			uint64_t total = *(const uint64_t *)((const char *)&p->eth + kinds[k].off);
			uint64_t now = delta != NULL ?
				*(const uint64_t *)((const char *)&delta->eth[i] + kinds[k].off) : 0;

			if (total == 0)
				continue;
			f = finding(out, now > 0 ? VB_STAT_PROBLEM : VB_STAT_WARNING,
				    kinds[k].code, p->name);
			if (f == NULL)
				return;
			text(f, "On port %s %s.", p->name, kinds[k].what);
			if (delta != NULL)
				evidence(f, "%" PRIu64 " in the last %.1f s, %" PRIu64 " since the "
					 "port started", now, delta->interval_s, total);
			else
				evidence(f, "%" PRIu64 " since the port started", total);
		}
	}
}

static void
rule_ethdev_unreadable(const struct vb_stat_snap *snap,
		       const struct vb_stat_delta *delta __rte_unused,
		       struct vb_stat_findings *out)
{
	struct vb_stat_finding *f;
	unsigned int i;

	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];

		if (p->eth.error == 0)
			continue;
		f = finding(out, VB_STAT_INFO, "ethdev_unreadable", p->name);
		if (f == NULL)
			return;
		text(f, "The PMD counters of %s (%s) cannot be read from a secondary process, so "
		     "NIC-level drops are not checked; vbridge's own counters are.",
		     p->name, p->driver);
		evidence(f, "rte_eth_stats_get: %s", strerror(-p->eth.error));
	}
}

static const rule_fn rules[] = {
	rule_primary,
	rule_link,
	rule_peer_drops,
	rule_one_way,
	rule_ethdev,
	rule_ethdev_unreadable,
};

void
vb_stat_diagnose(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
		 struct vb_stat_findings *out)
{
	unsigned int i;

	out->n = 0;
	out->dropped = 0;
	for (i = 0; i < RTE_DIM(rules); i++)
		rules[i](snap, delta, out);
}
