/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vbridge-stat's --diagnose rules over made-up snapshots and samples: no EAL, no vbridge.
 * Each case builds a two-port snapshot (one pair, links up, classifier on), changes what it
 * is about, and checks which findings come out (codes, ports) and what their text and
 * evidence name (the MAC, the port, the delay). A failing case prints what it saw.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stat.h"

#define TSC_HZ		1000000000ULL	/* one tick = 1 ns: delays read directly */
#define START_UNIX_NS	1700000000000000000ULL
#define NOW_S		10ULL		/* the snapshot is taken 10 s after start */
#define US		1000ULL		/* ticks per µs */
#define MS		1000000ULL

static const uint8_t MAC_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t IP_A[4] = { 198, 18, 0, 1 };
static const uint8_t IP_B[4] = { 198, 18, 0, 2 };
static const uint8_t IP_X[4] = { 198, 18, 0, 9 };

static struct vb_stat_snap snap;
static struct vb_stat_delta delta;
static struct vb_sample sample_buf[64];
static struct vb_stat_samples samples = { .s = sample_buf, .cap = 64 };
static struct vb_stat_findings out;

static void
base(void)
{
	unsigned int i;

	memset(&snap, 0, sizeof(snap));
	memset(&delta, 0, sizeof(delta));
	memset(sample_buf, 0, sizeof(sample_buf));
	samples.n = 0;
	snap.state = VB_STATE_RUNNING;
	snap.pid = 4242;
	snap.nb_ports = 2;
	snap.nb_workers = 1;
	snap.tsc_hz = TSC_HZ;
	snap.start_tsc = 0;
	snap.start_unix_ns = START_UNIX_NS;
	snap.unix_ns = START_UNIX_NS + NOW_S * 1000 * MS;
	snap.tables.enabled = true;
	snap.tables.dup_entries = 4096;
	snap.tables.mac_entries = 16384;
	snap.tables.dup_window_ms = 50;
	snap.tables.sample_rate = 1000;
	for (i = 0; i < 2; i++) {
		snprintf(snap.port[i].name, sizeof(snap.port[i].name), "p%u", i);
		snprintf(snap.port[i].driver, sizeof(snap.port[i].driver), "net_test");
		snap.port[i].peer = 1 - i;
		snap.port[i].link_up = 1;
		snap.port[i].link_changes = 1;
		snap.port[i].dir.rx_frames = 100;
		snap.port[i].dir.tx_frames = 100;
	}
	delta.interval_s = 1.0;
	for (i = 0; i < 2; i++)
		delta.dir[i].rx_frames = 10;
}

/* An untagged ARP frame of 42 bytes: op 1 request, 2 reply. */
static void
add_arp(uint64_t tsc, uint16_t port, uint32_t reason, const uint8_t *dst, const uint8_t *src,
	uint16_t op, const uint8_t *spa, const uint8_t *tpa)
{
	struct vb_sample *s = &sample_buf[samples.n];
	uint8_t *d = s->data;

	memset(s, 0, sizeof(*s));
	s->seq = samples.n;
	s->tsc = tsc;
	s->reason = reason | VB_CLS_ARP;
	s->port = port;
	s->orig_len = s->cap_len = 42;
	memcpy(d, dst, 6);
	memcpy(d + 6, src, 6);
	d[12] = 0x08, d[13] = 0x06;		/* ARP */
	d[14] = 0, d[15] = 1;			/* Ethernet */
	d[16] = 0x08, d[17] = 0x00;		/* IPv4 */
	d[18] = 6, d[19] = 4;
	d[20] = 0, d[21] = (uint8_t)op;
	memcpy(d + 22, src, 6);
	memcpy(d + 28, spa, 4);
	if (op == 2)
		memcpy(d + 32, dst, 6);
	memcpy(d + 38, tpa, 4);
	samples.n++;
}

static unsigned int
count_code(const char *code)
{
	unsigned int i, n = 0;

	for (i = 0; i < out.n; i++)
		n += strcmp(out.f[i].code, code) == 0;
	return n;
}

static const struct vb_stat_finding *
find_code(const char *code)
{
	unsigned int i;

	for (i = 0; i < out.n; i++)
		if (strcmp(out.f[i].code, code) == 0)
			return &out.f[i];
	return NULL;
}

static void
show(void)
{
	unsigned int i;

	for (i = 0; i < out.n; i++)
		printf("    saw %s %s on '%s': %s | evidence: %s\n",
		       vb_stat_severity_name(out.f[i].severity), out.f[i].code, out.f[i].port,
		       out.f[i].text, out.f[i].evidence);
	if (out.n == 0)
		printf("    saw no findings\n");
}

static int failures;

/* want: the finding code (NULL: no finding at all); port; strings its text+evidence hold. */
static void
expect(const char *name, const char *want, const char *port, enum vb_stat_severity sev,
       const char *const *has, const char *const *lacks)
{
	const struct vb_stat_finding *f;
	char all[1024];
	bool ok = true;

	if (want == NULL) {
		ok = out.n == 0;
		if (!ok)
			printf("FAIL %s: expected no findings\n", name);
	} else if ((f = find_code(want)) == NULL) {
		printf("FAIL %s: expected a '%s' finding\n", name, want);
		ok = false;
	} else {
		snprintf(all, sizeof(all), "%s | %s", f->text, f->evidence);
		if (port != NULL && strcmp(f->port, port) != 0) {
			printf("FAIL %s: '%s' is about port '%s', expected '%s'\n", name, want,
			       f->port, port);
			ok = false;
		}
		if (f->severity != sev) {
			printf("FAIL %s: '%s' is %s, expected %s\n", name, want,
			       vb_stat_severity_name(f->severity), vb_stat_severity_name(sev));
			ok = false;
		}
		for (; has != NULL && *has != NULL; has++)
			if (strstr(all, *has) == NULL) {
				printf("FAIL %s: '%s' does not say '%s'\n", name, want, *has);
				ok = false;
			}
		for (; lacks != NULL && *lacks != NULL; lacks++)
			if (strstr(all, *lacks) != NULL) {
				printf("FAIL %s: '%s' says '%s', it should not\n", name, want, *lacks);
				ok = false;
			}
	}
	if (!ok) {
		show();
		failures++;
	} else {
		printf("ok   %s\n", name);
	}
}

#define S(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The scenario: b's ARP request enters on p1, leaves by p0, comes back into p0 111 µs later. */
static void
scenario_counters(void)
{
	snap.port[0].cls.bcast = 3;
	snap.port[1].cls.bcast = 3;
	snap.port[0].cls.reflected = 3;
	snap.port[0].cls.mac_moves = 3;
	snap.port[1].cls.mac_moves = 2;
	snap.port[0].cls.would_be_filtered = 3;
	snap.port[0].cls.arp_request = 3;
	snap.port[1].cls.arp_request = 3;
	snap.port[0].cls.arp_reply = 3;
	delta.cls[0].reflected = 1;
	snap.nb_top_macs = 1;
	memcpy(snap.top_macs[0].mac, MAC_B, 6);
	snap.top_macs[0].port = 1;
	snap.top_macs[0].moves = 5;
}

static void
scenario_samples(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t t = (1 + i) * 1000 * MS;

		add_arp(t, 1, 0, BCAST, MAC_B, 1, IP_B, IP_A);
		add_arp(t + 111 * US, 0, VB_CLS_REFLECTED | VB_CLS_MAC_MOVED, BCAST, MAC_B, 1,
			IP_B, IP_A);
		add_arp(t + 150 * US, 0, VB_CLS_WOULD_FILTER, MAC_B, MAC_A, 2, IP_A, IP_B);
	}
}

int
main(void)
{
	const struct vb_stat_finding *f;

	base();
	vb_stat_diagnose(&snap, &delta, &samples, &out);
	expect("healthy: no findings", NULL, NULL, 0, NULL, NULL);

	base();
	scenario_counters();
	scenario_samples(3);
	vb_stat_diagnose(&snap, &delta, &samples, &out);
	expect("reflected, with samples: port, MAC, delay", "reflected", "p0", VB_STAT_PROBLEM,
	       S("ARP requests from 02:00:00:00:00:0b", "come back into port p0 111 µs after",
		 "would-be-filtered: 3", "vbridge does not learn", "3 reflected copies matched"),
	       NULL);
	expect("reflected: the pair's moves are not flapping", "reflected", "p0",
	       VB_STAT_PROBLEM, NULL, NULL);
	if (count_code("mac_flapping") != 0 || count_code("arp_unanswered") != 0 ||
	    out.n != 1) {
		printf("FAIL reflected: expected exactly one finding\n");
		show();
		failures++;
	}

	base();
	scenario_counters();
	delta.cls[0].reflected = 0;
	vb_stat_diagnose(&snap, NULL, NULL, &out);
	expect("reflected, no samples, no interval: MAC from the table, no delay", "reflected",
	       "p0", VB_STAT_WARNING, S("02:00:00:00:00:0b", "come back into port p0 after"),
	       S("µs after"));

	base();
	snap.port[1].cls.duplicate = 7;
	snap.port[1].cls.bcast = 20;
	delta.cls[1].duplicate = 2;
	add_arp(5 * 1000 * MS, 1, VB_CLS_DUPLICATE, BCAST, MAC_A, 1, IP_A, IP_B);
	vb_stat_diagnose(&snap, &delta, &samples, &out);
	expect("duplicate", "duplicate", "p1", VB_STAT_PROBLEM,
	       S("arrive twice on port p1", "02:00:00:00:00:0a", "duplicate 7"), NULL);

	base();
	snap.port[0].cls.looped = 4;
	snap.port[0].cls.reflected = 1;
	snap.port[1].cls.reflected = 1;
	vb_stat_diagnose(&snap, &delta, NULL, &out);
	expect("looped", "looped", "p0", VB_STAT_PROBLEM, S("loop", "looped 4"), NULL);
	if (count_code("mac_flapping") != 0) {
		printf("FAIL looped: a loop is not MAC flapping\n");
		failures++;
	}

	base();
	snap.port[0].cls.mac_moves = 6;
	snap.port[1].cls.mac_moves = 5;
	snap.nb_top_macs = 1;
	memcpy(snap.top_macs[0].mac, MAC_A, 6);
	snap.top_macs[0].port = 0;
	snap.top_macs[0].moves = 11;
	vb_stat_diagnose(&snap, NULL, NULL, &out);
	expect("MAC flapping without reflections", "mac_flapping", "p0", VB_STAT_WARNING,
	       S("02:00:00:00:00:0a moved 11 times, now on p0", "mac_moves 6 on p0"), NULL);
	if (count_code("mac_flapping") != 1) {
		printf("FAIL MAC flapping: one finding per pair, saw %u\n",
		       count_code("mac_flapping"));
		failures++;
	}

	base();
	delta.cls[1].arp_request = 4000;
	delta.cls[1].arp_reply = 1500;
	delta.interval_s = 2.0;
	vb_stat_diagnose(&snap, &delta, NULL, &out);
	expect("ARP storm: 2750/s", "arp_storm", "p1", VB_STAT_PROBLEM,
	       S("2750 ARP frames per second", "request 4000"), NULL);
	base();
	delta.cls[1].arp_request = 1500;
	delta.interval_s = 2.0;
	vb_stat_diagnose(&snap, &delta, NULL, &out);
	expect("ARP at 750/s is no storm", NULL, NULL, 0, NULL, NULL);

	base();
	add_arp(2 * 1000 * MS, 1, 0, BCAST, MAC_B, 1, IP_B, IP_X);
	add_arp(3 * 1000 * MS, 1, 0, BCAST, MAC_B, 1, IP_B, IP_X);
	add_arp(4 * 1000 * MS, 1, 0, BCAST, MAC_B, 1, IP_B, IP_X);
	add_arp(NOW_S * 1000 * MS - 10 * MS, 1, 0, BCAST, MAC_B, 1, IP_B, IP_A);	/* too new */
	vb_stat_diagnose(&snap, &delta, &samples, &out);
	expect("unanswered ARP requests", "arp_unanswered", "p1", VB_STAT_WARNING,
	       S("198.18.0.2 (02:00:00:00:00:0b) on port p1 asks who has 198.18.0.9",
		 "3 requests", "on p0's side"), S("198.18.0.1"));
	base();
	add_arp(2 * 1000 * MS, 1, 0, BCAST, MAC_B, 1, IP_B, IP_X);
	add_arp(2 * 1000 * MS + 300 * US, 0, 0, MAC_B, MAC_A, 2, IP_X, IP_B);
	add_arp(3 * 1000 * MS, 1, 0, BCAST, MAC_B, 1, IP_B, IP_X);
	add_arp(3 * 1000 * MS + 200 * US, 0, 0, MAC_B, MAC_A, 2, IP_X, IP_B);
	vb_stat_diagnose(&snap, &delta, &samples, &out);
	expect("answered ARP requests: nothing", NULL, NULL, 0, NULL, NULL);

	base();
	snap.port[0].cls.malformed = 2;
	snap.port[0].cls.arp_malformed = 1;
	vb_stat_diagnose(&snap, &delta, NULL, &out);
	expect("malformed", "malformed", "p0", VB_STAT_WARNING, S("malformed 2", "ARP 1"), NULL);

	base();
	snap.tables.samples_suppressed = 40;
	snap.tables.samples_written = 1000;
	vb_stat_diagnose(&snap, NULL, NULL, &out);
	expect("samples suppressed", "samples_suppressed", "", VB_STAT_INFO,
	       S("sample_rate (now 1000", "suppressed 40"), NULL);

	base();
	snap.port[0].cls.mac_evictions = 12;
	snap.tables.mac_live = 16000;
	vb_stat_diagnose(&snap, NULL, NULL, &out);
	expect("MAC table evictions", "mac_table_full", "", VB_STAT_WARNING,
	       S("[classifier] mac_entries", "now 16384", "mac_evictions 12"), NULL);
	if ((f = find_code("dup_table_full")) != NULL) {
		printf("FAIL MAC table evictions: dup_table_full too\n");
		failures++;
	}

	/* Ports with a kernel interface: the kernel's words, and the drops they cause. */
	base();
	snap.port[1].link_up = 0;
	snap.port[1].link_changes = 2;
	snap.port[1].kif_state = VB_KIF_REMOVED;
	snap.port[1].kif_index = 12;
	snprintf(snap.port[1].kif_name, sizeof(snap.port[1].kif_name), "m1");
	snap.port[0].dir.tx_frames = 60;
	snap.port[0].dir.drop_frames[VB_DROP_PEER_DOWN] = 40;
	delta.dir[0].drop_frames[VB_DROP_PEER_DOWN] = 10;
	vb_stat_diagnose(&snap, &delta, NULL, &out);
	expect("kernel interface removed", "link_down", "p1", VB_STAT_PROBLEM,
	       S("m1 behind port p1 was removed", "restart vbridge", "m1: interface removed",
		 "ifindex 12"), S("cable"));
	expect("kernel interface removed: its drops", "peer_drops", "p0", VB_STAT_PROBLEM,
	       S("p1's link was down", "peer_down: 10 frames", "40"), S("queue was full"));

	base();
	snap.port[0].link_up = 0;
	snap.port[0].kif_state = VB_KIF_NO_CARRIER;
	snprintf(snap.port[0].kif_name, sizeof(snap.port[0].kif_name), "m0");
	vb_stat_diagnose(&snap, &delta, NULL, &out);
	expect("kernel interface without carrier", "link_down", "p0", VB_STAT_PROBLEM,
	       S("m0 behind port p0 has no carrier", "m0: no carrier"), NULL);

	base();
	snap.port[0].link_up = 0;
	snap.port[0].kif_state = VB_KIF_REPLACED;
	snprintf(snap.port[0].kif_name, sizeof(snap.port[0].kif_name), "m0");
	vb_stat_diagnose(&snap, &delta, NULL, &out);
	expect("kernel interface replaced", "link_down", "p0", VB_STAT_PROBLEM,
	       S("a new interface has its name", "until vbridge is restarted"), NULL);

	base();
	snap.port[1].link_up = 0;
	snap.port[1].link_forced_down = 1;
	snap.port[1].kif_state = VB_KIF_ADMIN_DOWN;
	snprintf(snap.port[1].kif_name, sizeof(snap.port[1].kif_name), "m1");
	vb_stat_diagnose(&snap, &delta, NULL, &out);
	expect("kernel interface set down by propagation", "link_down", "p1", VB_STAT_PROBLEM,
	       S("vbridge took it down", "m1: set down", "set down by vbridge"), NULL);

	printf("%s\n", failures == 0 ? "all passed" : "FAILED");
	return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
