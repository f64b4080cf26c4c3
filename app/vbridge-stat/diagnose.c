/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --diagnose: rules over a snapshot (and the last interval's changes, when there is one) that
 * each look for one kind of trouble and say, in plain words, what it means and what to check,
 * with the numbers behind it. A rule is a function in the table at the bottom. The classifier's
 * rules (reflected or duplicated broadcasts, loops, MAC flapping, ARP storms, unanswered
 * requests, malformed frames, table and sample limits) read its counters in the snapshot and,
 * for their evidence (the MAC, the delay), the samples. Everything here is pure over its
 * arguments: no DPDK call, no shared memory, so tests/unit/test_diagnose.c runs it on made-up
 * snapshots.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "classify.h"
#include "stat.h"

/* A heartbeat older than this means the primary's main lcore does not run. */
#define HEARTBEAT_STALE_NS	(1000ULL * 1000 * 1000)
/* Link state changes since start beyond the first poll (unknown -> up) and one down/up. */
#define LINK_FLAP_CHANGES	3

typedef void (*rule_fn)(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
			const struct vb_stat_samples *smp, struct vb_stat_findings *out);

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

struct vb_stat_finding *
vb_stat_finding_add(struct vb_stat_findings *out, enum vb_stat_severity sev, const char *code,
		    const char *port)
{
	return finding(out, sev, code, port);
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
	     const struct vb_stat_samples *smp __rte_unused,
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
		     vb_state_name(snap->state));
		evidence(f, "pid %d, state %s", snap->pid, vb_state_name(snap->state));
	}
}

static void
rule_link(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta __rte_unused,
	  const struct vb_stat_samples *smp __rte_unused,
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
			else if (p->kif_state == VB_KIF_REMOVED)
				text(f, "The kernel interface %s behind port %s was removed (ip link "
				     "del, or its driver went away): nothing is received on %s, and "
				     "frames from %s for it are dropped (peer_down). Once %s exists "
				     "again, restart vbridge: the port stays bound to the removed "
				     "interface.", p->kif_name, p->name, p->name, peer->name,
				     p->kif_name);
			else if (p->kif_state == VB_KIF_REPLACED)
				text(f, "The kernel interface %s behind port %s was removed, and a new "
				     "interface has its name. The port is still bound to the removed "
				     "one: nothing goes through %s until vbridge is restarted.",
				     p->kif_name, p->name, p->name);
			else if (p->kif_state == VB_KIF_ADMIN_DOWN)
				text(f, "The kernel interface %s behind port %s is set down (ip link "
				     "set dev %s down): nothing is received on it, and frames from "
				     "%s for it are dropped (peer_down). Set it up again.",
				     p->kif_name, p->name, p->kif_name, peer->name);
			else if (p->kif_state == VB_KIF_NO_CARRIER)
				text(f, "The kernel interface %s behind port %s has no carrier: the "
				     "cable, or the other end of the veth or virtual switch port, is "
				     "down. Frames from %s for it are dropped (peer_down).",
				     p->kif_name, p->name, peer->name);
			else
				text(f, "Port %s has no link: nothing is received on it and "
				     "frames from %s sent out of it are lost. Check the cable or "
				     "the virtual switch port and the device behind it.",
				     p->name, peer->name);
			if (p->kif_state != VB_KIF_NONE)
				evidence(f, "%s: %s (ifindex %u), %" PRIu64 " link changes since "
					 "start%s", p->kif_name, vb_kif_state_text(p->kif_state),
					 p->kif_index, p->link_changes,
					 p->link_forced_down ? ", set down by vbridge" : "");
			else
				evidence(f, "link down, %" PRIu64 " link changes since start%s",
					 p->link_changes,
					 p->link_forced_down ? ", set down by vbridge" : "");
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
		const struct vb_stat_samples *smp __rte_unused,
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
			if (r == VB_DROP_PEER_DOWN)
				text(f, "Frames received on %s were dropped because %s's link was "
				     "down%s: vbridge does not hand frames to a port that cannot send "
				     "them.", p->name, peer->name,
				     now > 0 ? "" : " (earlier, not in the last interval)");
			else if (r == VB_DROP_PEER_FULL)
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
	     const struct vb_stat_samples *smp __rte_unused,
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
	    const struct vb_stat_samples *smp __rte_unused,
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
		       const struct vb_stat_samples *smp __rte_unused,
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
		text(f, "The PMD counters of %s (%s) are not available (vbridge could not read "
		     "them, or has not copied them yet), so NIC-level drops are not checked; "
		     "vbridge's own counters are.", p->name, p->driver);
		if (p->eth.error == -EAGAIN)
			evidence(f, "no copy in the stats segment yet");
		else
			evidence(f, "rte_eth_stats_get in vbridge: %s", strerror(-p->eth.error));
	}
}

/* --- the classifier's rules ------------------------------------------------------------- */

/* An ARP rate above this on one port, in the last interval, is a storm. */
#define ARP_STORM_PPS		1000.0
/* An ARP request not answered within this long counts as unanswered. */
#define ARP_REPLY_WAIT_NS	(1000ULL * 1000 * 1000)
/* Unanswered requests for one target IP before it is worth a finding. */
#define ARP_UNANSWERED_MIN	2
#define ARP_TARGETS_MAX		64

/* Problem when the counter grew in the last interval, warning when it only did earlier. */
static enum vb_stat_severity
cls_severity(const struct vb_stat_delta *delta, unsigned int port, unsigned int k)
{
	return delta != NULL && delta->cls[port].v[k] > 0 ? VB_STAT_PROBLEM : VB_STAT_WARNING;
}

/* " (N in the last S s)", or "" without an interval. */
static const char *
recent(const struct vb_stat_delta *delta, unsigned int port, unsigned int k, char *buf,
       size_t len)
{
	if (delta == NULL)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, " (%" PRIu64 " in the last %.1f s)", delta->cls[port].v[k],
			 delta->interval_s);
	return buf;
}

static uint64_t
pair_sum(const struct vb_stat_snap *snap, unsigned int port, unsigned int k)
{
	const struct vb_stat_port *p = &snap->port[port];

	return p->cls.v[k] + (p->peer != port ? snap->port[p->peer].cls.v[k] : 0);
}

static bool
same_frame(const struct vb_sample *a, const struct vb_sample *b)
{
	return a->orig_len == b->orig_len && a->cap_len == b->cap_len &&
	       memcmp(a->data, b->data, a->cap_len) == 0;
}

/* What the samples with a flag on a port show: how many, the most frequent source MAC. */
struct flagged {
	unsigned int n;
	unsigned int nb_macs;		/* distinct source MACs, up to RTE_DIM(mac) */
	unsigned int all_arp_req;	/* 1 while every one is an ARP request */
	uint8_t mac[8][6];
	unsigned int count[8];
	unsigned int best;		/* index into mac of the most frequent */
};

static void
flagged_scan(const struct vb_stat_samples *smp, unsigned int port, uint32_t flag,
	     struct flagged *fl)
{
	uint32_t i;
	unsigned int m;

	memset(fl, 0, sizeof(*fl));
	fl->all_arp_req = 1;
	if (smp == NULL)
		return;
	for (i = 0; i < smp->n; i++) {
		const struct vb_sample *s = &smp->s[i];

		if (s->port != port || (s->reason & flag) == 0 || s->cap_len < VB_ETH_HLEN)
			continue;
		fl->n++;
		/* opcode 1 at offset 20 of an untagged ARP; tagged ones are not "requests" here */
		if (!((s->reason & VB_CLS_ARP) && s->cap_len >= 22 && s->data[12] == 0x08 &&
		      s->data[13] == 0x06 && s->data[20] == 0 && s->data[21] == 1))
			fl->all_arp_req = 0;
		for (m = 0; m < fl->nb_macs; m++)
			if (memcmp(fl->mac[m], s->data + VB_ETH_SRC_OFF, 6) == 0)
				break;
		if (m == fl->nb_macs) {
			if (m == RTE_DIM(fl->mac))
				continue;
			memcpy(fl->mac[m], s->data + VB_ETH_SRC_OFF, 6);
			fl->nb_macs++;
		}
		fl->count[m]++;
		if (fl->count[m] > fl->count[fl->best])
			fl->best = m;
	}
}

/* "aa:bb:cc:dd:ee:ff" or "aa:bb:cc:dd:ee:ff (and 2 other MACs)" from the samples. */
static const char *
flagged_macs(const struct flagged *fl, char *buf, size_t len)
{
	char mac[18];

	vb_stat_mac_str(fl->mac[fl->best], mac, sizeof(mac));
	if (fl->nb_macs > 1)
		snprintf(buf, len, "%s (and %u other MAC%s)", mac, fl->nb_macs - 1,
			 fl->nb_macs > 2 ? "s" : "");
	else
		snprintf(buf, len, "%s", mac);
	return buf;
}

/*
 * How long a reflected copy took to come back: each reflected sample on port is matched with
 * the latest earlier sample of the same bytes received on the peer (the original, which
 * vbridge then sent out of port). Returns the number matched, with min and median delays.
 */
static unsigned int
reflection_delay(const struct vb_stat_snap *snap, const struct vb_stat_samples *smp,
		 unsigned int port, double *min_us, double *median_us)
{
	double d[64];
	unsigned int nd = 0, a, b;
	uint32_t i, j;

	if (smp == NULL)
		return 0;
	for (i = 0; i < smp->n && nd < RTE_DIM(d); i++) {
		const struct vb_sample *r = &smp->s[i];

		if (r->port != port || (r->reason & VB_CLS_REFLECTED) == 0)
			continue;
		for (j = i; j-- > 0;) {
			const struct vb_sample *o = &smp->s[j];

			if (o->port == snap->port[port].peer && o->tsc <= r->tsc &&
			    same_frame(o, r)) {
				d[nd++] = vb_stat_tsc_us(snap, r->tsc - o->tsc);
				break;
			}
		}
	}
	if (nd == 0)
		return 0;
	/* insertion sort: a few dozen values */
	for (a = 1; a < nd; a++) {
		double v = d[a];

		for (b = a; b > 0 && d[b - 1] > v; b--)
			d[b] = d[b - 1];
		d[b] = v;
	}
	*min_us = d[0];
	*median_us = d[nd / 2];
	return nd;
}

/* The MAC that moved most, when the samples do not say: from the snapshot's MAC table. */
static bool
top_mover(const struct vb_stat_snap *snap, char *buf, size_t len)
{
	char mac[18];

	if (snap->nb_top_macs == 0 || snap->top_macs[0].moves == 0)
		return false;
	snprintf(buf, len, "%s (moved %u times)",
		 vb_stat_mac_str(snap->top_macs[0].mac, mac, sizeof(mac)),
		 snap->top_macs[0].moves);
	return true;
}

/* The scenario: broadcasts sent out of a port come back into it. */
static void
rule_reflected(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
	       const struct vb_stat_samples *smp, struct vb_stat_findings *out)
{
	struct vb_stat_finding *f;
	struct flagged fl;
	char who[96], mac[48], delay[48], rec[48], ev[256];
	double min_us = 0, median_us = 0;
	unsigned int i, matched;

	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];
		uint64_t wbf = pair_sum(snap, i, VB_CLS_CTR_would_be_filtered);

		if (p->cls.reflected == 0)
			continue;
		f = finding(out, cls_severity(delta, i, VB_CLS_CTR_reflected), "reflected", p->name);
		if (f == NULL)
			return;
		flagged_scan(smp, i, VB_CLS_REFLECTED, &fl);
		matched = reflection_delay(snap, smp, i, &min_us, &median_us);
		if (matched > 0)
			snprintf(delay, sizeof(delay), " %.0f µs", median_us);
		else
			delay[0] = '\0';
		if (fl.n > 0)
			snprintf(who, sizeof(who), "%s from %s", fl.all_arp_req ? "ARP requests" :
				 "Broadcasts", flagged_macs(&fl, mac, sizeof(mac)));
		else if (top_mover(snap, mac, sizeof(mac)))
			snprintf(who, sizeof(who), "Broadcasts (MAC %s)", mac);
		else
			snprintf(who, sizeof(who), "Broadcasts");
		text(f, "%s come back into port %s%s after leaving it: the switch on port %s's side "
		     "duplicates broadcasts (two uplinks on a promiscuous vSwitch?). A learning "
		     "bridge here would lose replies (would-be-filtered: %" PRIu64 "); vbridge does "
		     "not learn, so forwarding is unaffected.", who, p->name, delay, p->name, wbf);
		if (matched > 0)
			snprintf(ev, sizeof(ev), "; %u reflected copies matched to their originals "
				 "on %s: %.0f µs at least, %.0f µs median", matched,
				 snap->port[p->peer].name, min_us, median_us);
		else
			snprintf(ev, sizeof(ev), "; no sampled original to time the delay with");
		evidence(f, "reflected %" PRIu64 "%s, mac_moves %" PRIu64 " on %s and %" PRIu64
			 " on %s, would_be_filtered %" PRIu64 "%s", p->cls.reflected,
			 recent(delta, i, VB_CLS_CTR_reflected, rec, sizeof(rec)), p->cls.mac_moves,
			 p->name, snap->port[p->peer].cls.mac_moves, snap->port[p->peer].name, wbf,
			 ev);
	}
}

static void
rule_duplicate(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
	       const struct vb_stat_samples *smp, struct vb_stat_findings *out)
{
	struct vb_stat_finding *f;
	struct flagged fl;
	char mac[48], rec[48], from[80];
	unsigned int i;

	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];

		if (p->cls.duplicate == 0)
			continue;
		f = finding(out, cls_severity(delta, i, VB_CLS_CTR_duplicate), "duplicate", p->name);
		if (f == NULL)
			return;
		flagged_scan(smp, i, VB_CLS_DUPLICATE, &fl);
		if (fl.n > 0)
			snprintf(from, sizeof(from), " (from %s)", flagged_macs(&fl, mac, sizeof(mac)));
		else
			from[0] = '\0';
		text(f, "Broadcast or multicast frames%s arrive twice on port %s within %" PRIu64 " ms: the "
		     "network on %s's side delivers them twice (two uplinks both flooding, or a "
		     "sender repeating itself). vbridge forwards both copies, as a hub would; the "
		     "hosts on the other side see each one twice.", from, p->name,
		     snap->tables.dup_window_ms, p->name);
		evidence(f, "duplicate %" PRIu64 "%s of %" PRIu64 " broadcast and %" PRIu64
			 " multicast frames received", p->cls.duplicate,
			 recent(delta, i, VB_CLS_CTR_duplicate, rec, sizeof(rec)), p->cls.bcast,
			 p->cls.mcast);
	}
}

static void
rule_looped(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
	    const struct vb_stat_samples *smp, struct vb_stat_findings *out)
{
	struct vb_stat_finding *f;
	struct flagged fl;
	char mac[48], rec[48], from[80];
	unsigned int i;

	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];
		const struct vb_stat_port *peer = &snap->port[p->peer];

		if (p->cls.looped == 0)
			continue;
		f = finding(out, VB_STAT_PROBLEM, "looped", p->name);
		if (f == NULL)
			return;
		flagged_scan(smp, i, VB_CLS_LOOPED, &fl);
		if (fl.n > 0)
			snprintf(from, sizeof(from), " (from %s)", flagged_macs(&fl, mac, sizeof(mac)));
		else
			from[0] = '\0';
		text(f, "Broadcasts%s circulate: they came back into port %s after having "
		     "already come back once, so both sides send them back. There is a loop "
		     "between %s's and %s's networks (a second path joining them: another bridge, "
		     "a vSwitch with uplinks on both sides, STP off). This becomes a broadcast "
		     "storm; break the second path.", from, p->name, p->name, peer->name);
		evidence(f, "looped %" PRIu64 "%s, reflected %" PRIu64 " on %s and %" PRIu64
			 " on %s", p->cls.looped,
			 recent(delta, i, VB_CLS_CTR_looped, rec, sizeof(rec)), p->cls.reflected,
			 p->name, peer->cls.reflected, peer->name);
	}
}

/* MACs changing side with no reflection, duplicate or loop on the pair to explain it. */
static void
rule_mac_flapping(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
		  const struct vb_stat_samples *smp __rte_unused, struct vb_stat_findings *out)
{
	struct vb_stat_finding *f;
	char macs[192], mac[18];
	unsigned int i, k;
	size_t off;

	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];
		const struct vb_stat_port *peer = &snap->port[p->peer];
		uint64_t moves = pair_sum(snap, i, VB_CLS_CTR_mac_moves);

		if (p->peer < i || moves == 0 || pair_sum(snap, i, VB_CLS_CTR_reflected) != 0 ||
		    pair_sum(snap, i, VB_CLS_CTR_duplicate) != 0 ||
		    pair_sum(snap, i, VB_CLS_CTR_looped) != 0)
			continue;
		f = finding(out, delta != NULL && (delta->cls[i].mac_moves +
			    delta->cls[p->peer].mac_moves) > 0 ? VB_STAT_PROBLEM : VB_STAT_WARNING,
			    "mac_flapping", p->name);
		if (f == NULL)
			return;
		off = 0;
		macs[0] = '\0';
		for (k = 0; k < snap->nb_top_macs && off < sizeof(macs); k++) {
			const struct vb_mac_entry *e = &snap->top_macs[k];

			if (e->moves == 0 || e->port >= snap->nb_ports ||
			    (e->port != i && e->port != p->peer))
				continue;
			off += snprintf(macs + off, sizeof(macs) - off, "%s%s moved %u times, now "
					"on %s", off > 0 ? "; " : "",
					vb_stat_mac_str(e->mac, mac, sizeof(mac)), e->moves,
					snap->port[e->port].name);
		}
		text(f, "Source MACs change side between %s and %s, with no reflected or looped "
		     "broadcasts to explain it: a host moved (a VM migrated), two hosts share a "
		     "MAC address, or frames take a second path elsewhere. A learning bridge would "
		     "send frames for these MACs to the wrong side until they speak again.",
		     p->name, peer->name);
		evidence(f, "mac_moves %" PRIu64 " on %s, %" PRIu64 " on %s%s%s", p->cls.mac_moves,
			 p->name, peer->cls.mac_moves, peer->name, macs[0] != '\0' ? "; " : "",
			 macs);
	}
}

static uint64_t
arp_frames(const struct vb_cls_ctrs *c)
{
	return c->arp_request + c->arp_reply + c->arp_probe + c->arp_announce +
	       c->arp_gratuitous + c->arp_other + c->arp_malformed;
}

static void
rule_arp_storm(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
	       const struct vb_stat_samples *smp, struct vb_stat_findings *out)
{
	struct vb_stat_finding *f;
	struct flagged fl;
	char mac[48];
	unsigned int i;

	if (delta == NULL || delta->interval_s <= 0)
		return;
	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_cls_ctrs *d = &delta->cls[i];
		double rate = (double)arp_frames(d) / delta->interval_s;

		if (rate <= ARP_STORM_PPS)
			continue;
		f = finding(out, VB_STAT_PROBLEM, "arp_storm", snap->port[i].name);
		if (f == NULL)
			return;
		flagged_scan(smp, i, VB_CLS_ARP, &fl);
		text(f, "An ARP storm on port %s: %.0f ARP frames per second%s%s. Something "
		     "on %s's side resolves addresses in a loop (a misconfigured host, a scan) or "
		     "ARP circulates in a loop; every host on the segment has to process them.",
		     snap->port[i].name, rate, fl.n > 0 ? ", mostly from " : "",
		     fl.n > 0 ? flagged_macs(&fl, mac, sizeof(mac)) : "", snap->port[i].name);
		evidence(f, "in the last %.1f s: request %" PRIu64 ", reply %" PRIu64 ", probe %"
			 PRIu64 ", announce %" PRIu64 ", gratuitous %" PRIu64 ", other %" PRIu64
			 " (threshold %.0f/s)", delta->interval_s, d->arp_request, d->arp_reply,
			 d->arp_probe, d->arp_announce, d->arp_gratuitous, d->arp_other,
			 ARP_STORM_PPS);
	}
}

/* Requests for one target IP and what became of them, from the samples. */
struct arp_target {
	uint8_t tpa[4];
	uint8_t spa[4];
	uint8_t sha[6];
	uint16_t port;
	unsigned int unanswered;
	unsigned int answered;
	uint64_t first_tsc;
	uint64_t last_tsc;
};

static bool
arp_answered(const struct vb_stat_snap *snap, const struct vb_stat_samples *smp, uint32_t from,
	     const uint8_t *tpa, uint64_t tsc)
{
	uint64_t wait = snap->tsc_hz * (ARP_REPLY_WAIT_NS / 1000000) / 1000;
	uint32_t i;

	for (i = from + 1; i < smp->n && smp->s[i].tsc - tsc <= wait; i++) {
		const struct vb_sample *s = &smp->s[i];
		struct vb_cls c;

		if ((s->reason & VB_CLS_ARP) == 0)
			continue;
		vb_classify_slow(s->data, s->cap_len, &c);
		if ((c.arp == VB_ARP_REPLY || c.arp == VB_ARP_GRATUITOUS) &&
		    memcmp(c.arp_spa, tpa, 4) == 0)
			return true;
	}
	return false;
}

static void
rule_arp_unanswered(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta __rte_unused,
		    const struct vb_stat_samples *smp, struct vb_stat_findings *out)
{
	struct arp_target t[ARP_TARGETS_MAX];
	struct vb_stat_finding *f;
	unsigned int nt = 0, k;
	uint32_t i;

	if (smp == NULL || snap->tsc_hz == 0)
		return;
	for (i = 0; i < smp->n; i++) {
		const struct vb_sample *s = &smp->s[i];
		struct vb_cls c;

		/* A reflected, duplicated or looped copy is the same request again. */
		if ((s->reason & VB_CLS_ARP) == 0 ||
		    (s->reason & (VB_CLS_REFLECTED | VB_CLS_DUPLICATE | VB_CLS_LOOPED)) != 0)
			continue;
		vb_classify_slow(s->data, s->cap_len, &c);
		if (c.arp != VB_ARP_REQUEST)
			continue;
		/* Too recent to judge: its reply may still be on its way. */
		if (vb_stat_sample_unix_ns(snap, s->tsc) + ARP_REPLY_WAIT_NS > snap->unix_ns)
			continue;
		for (k = 0; k < nt; k++)
			if (memcmp(t[k].tpa, c.arp_tpa, 4) == 0)
				break;
		if (k == nt) {
			if (nt == ARP_TARGETS_MAX)
				continue;
			memset(&t[k], 0, sizeof(t[k]));
			memcpy(t[k].tpa, c.arp_tpa, 4);
			t[k].first_tsc = s->tsc;
			nt++;
		}
		memcpy(t[k].spa, c.arp_spa, 4);
		memcpy(t[k].sha, c.arp_sha, 6);
		t[k].port = s->port;
		t[k].last_tsc = s->tsc;
		if (arp_answered(snap, smp, i, c.arp_tpa, s->tsc))
			t[k].answered++;
		else
			t[k].unanswered++;
	}
	for (k = 0; k < nt; k++) {
		const struct arp_target *a = &t[k];
		const char *port, *peer;
		char mac[18];

		if (a->unanswered < ARP_UNANSWERED_MIN || a->answered > 0 ||
		    a->port >= snap->nb_ports)
			continue;
		port = snap->port[a->port].name;
		peer = snap->port[snap->port[a->port].peer].name;
		f = finding(out, VB_STAT_WARNING, "arp_unanswered", port);
		if (f == NULL)
			return;
		text(f, "Host %u.%u.%u.%u (%s) on port %s asks who has %u.%u.%u.%u and no reply "
		     "crosses the bridge: %u requests, none answered within %.0f s. Either "
		     "%u.%u.%u.%u is absent or down on %s's side, or its replies never reach "
		     "vbridge (check that side's switch).", a->spa[0], a->spa[1], a->spa[2],
		     a->spa[3], vb_stat_mac_str(a->sha, mac, sizeof(mac)), port, a->tpa[0],
		     a->tpa[1], a->tpa[2], a->tpa[3], a->unanswered, ARP_REPLY_WAIT_NS / 1e9,
		     a->tpa[0], a->tpa[1], a->tpa[2], a->tpa[3], peer);
		evidence(f, "samples: %u requests for %u.%u.%u.%u over %.1f s, no ARP reply from it"
			 "%s", a->unanswered, a->tpa[0], a->tpa[1], a->tpa[2], a->tpa[3],
			 vb_stat_tsc_us(snap, a->last_tsc - a->first_tsc) / 1e6,
			 snap->tables.samples_suppressed > 0 ?
			 " (the sample rate limit refused some samples: a reply may be missing)" : "");
	}
}

static void
rule_malformed(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
	       const struct vb_stat_samples *smp __rte_unused, struct vb_stat_findings *out)
{
	struct vb_stat_finding *f;
	char rec[48];
	unsigned int i;

	for (i = 0; i < snap->nb_ports; i++) {
		const struct vb_stat_port *p = &snap->port[i];

		if (p->cls.malformed == 0)
			continue;
		f = finding(out, VB_STAT_WARNING, "malformed", p->name);
		if (f == NULL)
			return;
		text(f, "Frames that cannot be parsed arrive on port %s: runts, cut VLAN tags, or "
		     "ARP / IPv6 ND that is truncated or not Ethernet/IPv4. vbridge forwards them "
		     "unchanged; the sender on %s's side (or a device in between) is faulty.",
		     p->name, p->name);
		evidence(f, "malformed %" PRIu64 "%s, of which ARP %" PRIu64 ", ND %" PRIu64,
			 p->cls.malformed, recent(delta, i, VB_CLS_CTR_malformed, rec, sizeof(rec)),
			 p->cls.arp_malformed, p->cls.nd_malformed);
	}
}

static void
rule_samples_suppressed(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
			const struct vb_stat_samples *smp __rte_unused,
			struct vb_stat_findings *out)
{
	const struct vb_stat_tables *t = &snap->tables;
	struct vb_stat_finding *f;

	if (!t->enabled || t->samples_suppressed == 0)
		return;
	f = finding(out, VB_STAT_INFO, "samples_suppressed", NULL);
	if (f == NULL)
		return;
	text(f, "The sample rate limit refused samples, so the sample rings (--samples, "
	     "--pcapng, and the rules that read them) miss some of the frames counted. The "
	     "counters are complete. If the datapath can afford it, raise [classifier] "
	     "sample_rate (now %" PRIu64 " per second per worker).", t->sample_rate);
	if (delta != NULL)
		evidence(f, "suppressed %" PRIu64 " (%" PRIu64 " in the last %.1f s), written %"
			 PRIu64, t->samples_suppressed, delta->samples_suppressed,
			 delta->interval_s, t->samples_written);
	else
		evidence(f, "suppressed %" PRIu64 ", written %" PRIu64, t->samples_suppressed,
			 t->samples_written);
}

/* Live entries evicted: the table is too small for the traffic, detections are lost. */
static void
rule_evictions(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta __rte_unused,
	       const struct vb_stat_samples *smp __rte_unused, struct vb_stat_findings *out)
{
	static const struct {
		unsigned int ctr;
		const char *code;
		const char *what;
		const char *key;
	} tabs[] = {
		{ VB_CLS_CTR_dup_evictions, "dup_table_full", "duplicate table: broadcasts "
		  "forgotten within their window, so duplicates, reflections and loops among "
		  "them go unnoticed", "dup_entries" },
		{ VB_CLS_CTR_mac_evictions, "mac_table_full", "MAC table: MACs forgotten before "
		  "ageing out, so moves and would-be-filtered frames of them go unnoticed",
		  "mac_entries" },
	};
	const struct vb_stat_tables *t = &snap->tables;
	struct vb_stat_finding *f;
	unsigned int k, i;

	for (k = 0; k < RTE_DIM(tabs); k++) {
		uint64_t n = 0;

		for (i = 0; i < snap->nb_ports; i++)
			n += snap->port[i].cls.v[tabs[k].ctr];
		if (n == 0)
			continue;
		f = finding(out, VB_STAT_WARNING, tabs[k].code, NULL);
		if (f == NULL)
			return;
		text(f, "The %s. Raise [classifier] %s in vbridge.ini (a power of two; now %" PRIu64 ") "
		     "and restart vbridge.", tabs[k].what, tabs[k].key,
		     tabs[k].ctr == VB_CLS_CTR_dup_evictions ? t->dup_entries : t->mac_entries);
		evidence(f, "%s %" PRIu64 "; table %" PRIu64 " of %" PRIu64 " entries live",
			 vb_cls_ctr_desc[tabs[k].ctr].name, n,
			 tabs[k].ctr == VB_CLS_CTR_dup_evictions ? t->dup_live : t->mac_live,
			 tabs[k].ctr == VB_CLS_CTR_dup_evictions ? t->dup_entries : t->mac_entries);
	}
}

/* The mirror could not keep up: its copies are incomplete (forwarding is not affected). */
static void
rule_mirror(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta __rte_unused,
	    const struct vb_stat_samples *smp __rte_unused, struct vb_stat_findings *out)
{
	struct vb_stat_finding *f;
	uint64_t full = 0;
	unsigned int i;

	for (i = 0; i < snap->nb_ports; i++)
		full += snap->port[i].cap.mirror_full;
	if (!snap->mirror_enabled || (full == 0 && snap->mirror.tx_dropped == 0))
		return;
	f = finding(out, VB_STAT_WARNING, "mirror_drops", NULL);
	if (f == NULL)
		return;
	text(f, "The mirror interface %s misses frames: its reader (tcpdump, Wireshark) or the "
	     "mirror thread is slower than the traffic. Forwarding is not affected. Narrow the "
	     "mirror filter, or capture with dpdk-dumpcap instead.", snap->mirror_iface);
	evidence(f, "mirror ring full %" PRIu64 ", refused by the interface %" PRIu64 ", sent %"
		 PRIu64, full, snap->mirror.tx_dropped, snap->mirror.tx_frames);
}

static const rule_fn rules[] = {
	rule_primary,
	rule_link,
	rule_peer_drops,
	rule_one_way,
	rule_ethdev,
	rule_ethdev_unreadable,
	rule_reflected,
	rule_duplicate,
	rule_looped,
	rule_mac_flapping,
	rule_arp_storm,
	rule_arp_unanswered,
	rule_malformed,
	rule_samples_suppressed,
	rule_evictions,
	rule_mirror,
};

void
vb_stat_diagnose(const struct vb_stat_snap *snap, const struct vb_stat_delta *delta,
		 const struct vb_stat_samples *smp, struct vb_stat_findings *out)
{
	unsigned int i;

	out->n = 0;
	out->dropped = 0;
	for (i = 0; i < RTE_DIM(rules); i++)
		rules[i](snap, delta, smp, out);
}
