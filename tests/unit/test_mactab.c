/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MAC table unit tests, no EAL: moves and would-be-filtered frames (the scenario among them),
 * ageing, VLAN and pair separation, eviction, refresh suppression, move counts, the reader's
 * iterator with a torn entry, init checks, and two threads proving no move is invented.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "mactab.h"

#include "check.h"

#define TSC_HZ		UINT64_C(3000000000)
#define US(n)		((uint64_t)(n) * (uint64_t)(TSC_HZ / 1000000))
#define AGEING		US(10000000)	/* 10 s */
#define T0		(UINT64_C(1) << 52)

static void *
table_new(uint32_t entries, uint64_t ageing)
{
	void *p = NULL;
	int rc;

	if (posix_memalign(&p, 64, vb_mactab_mem_size(entries)) != 0) {
		perror("posix_memalign");
		exit(1);
	}
	rc = vb_mactab_init(p, entries, ageing);
	if (rc != 0) {
		printf("FAIL: vb_mactab_init(%u) = %d\n", entries, rc);
		exit(1);
	}
	return p;
}

/*
 * 'X' the VM, 'G' the gateway, 'H' another host, 'B' broadcast, 'M' a multicast MAC, 'Z'
 * 00:00:00:00:00:00 (untagged on pair 0 its key is 0, as an empty way's).
 */
static const uint8_t *
mac_of(char id)
{
	static const uint8_t x[6] = { 0x02, 0, 0, 0, 0, 0x0a };
	static const uint8_t g[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t h[6] = { 0x02, 0, 0, 0, 0, 0x0b };
	static const uint8_t b[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t m[6] = { 0x01, 0x00, 0x5e, 0, 0, 0x01 };
	static const uint8_t z[6] = { 0 };

	switch (id) {
	case 'X': return x;
	case 'G': return g;
	case 'H': return h;
	case 'M': return m;
	case 'Z': return z;
	default: return b;
	}
}

struct step {
	char src, dst;
	uint16_t vlan;
	uint8_t pair;
	uint8_t port;
	uint32_t t_ms;
	uint32_t expect;
};

struct mcase {
	const char *name;
	struct step steps[6];
};

#define MV VB_MAC_MOVED
#define WF VB_MAC_WOULD_FILTER

static const struct mcase cases[] = {
	{ "steady host", { { 'X', 'G', 0, 0, 1, 0, 0 }, { 'X', 'G', 0, 0, 1, 1, 0 } } },
	{ "move", { { 'X', 'B', 0, 0, 1, 0, 0 }, { 'X', 'B', 0, 0, 0, 1, MV } } },
	{ "move and back",
	  { { 'X', 'B', 0, 0, 1, 0, 0 }, { 'X', 'B', 0, 0, 0, 1, MV },
	    { 'X', 'B', 0, 0, 1, 2, MV } } },
	{ "would be filtered",
	  { { 'X', 'B', 0, 0, 1, 0, 0 }, { 'G', 'X', 0, 0, 1, 1, WF } } },
	{ "from the other side: forwarded",
	  { { 'X', 'B', 0, 0, 1, 0, 0 }, { 'G', 'X', 0, 0, 0, 1, 0 } } },
	{ "unknown destination: flooded, not filtered", { { 'G', 'H', 0, 0, 0, 0, 0 } } },
	/* request on port 1, reflection on port 0, reply on port 0, X speaks again */
	{ "the scenario",
	  { { 'X', 'B', 0, 0, 1, 0, 0 }, { 'X', 'B', 0, 0, 0, 0, MV },
	    { 'G', 'X', 0, 0, 0, 1, WF }, { 'X', 'G', 0, 0, 1, 2, MV },
	    { 'G', 'X', 0, 0, 0, 3, 0 } } },
	{ "aged out: no move",
	  { { 'X', 'B', 0, 0, 1, 0, 0 }, { 'X', 'B', 0, 0, 0, 10001, 0 } } },
	{ "aged out: not filtered",
	  { { 'X', 'B', 0, 0, 1, 0, 0 }, { 'G', 'X', 0, 0, 1, 10001, 0 } } },
	{ "just before ageing: still known",
	  { { 'X', 'B', 0, 0, 1, 0, 0 }, { 'X', 'B', 0, 0, 0, 9999, MV } } },
	{ "VLANs apart",
	  { { 'X', 'B', 10, 0, 1, 0, 0 }, { 'X', 'B', 20, 0, 0, 1, 0 },
	    { 'G', 'X', 20, 0, 0, 2, WF }, { 'G', 'X', 10, 0, 0, 3, 0 } } },
	{ "pairs apart",
	  { { 'X', 'B', 0, 0, 1, 0, 0 }, { 'X', 'B', 0, 1, 2, 1, 0 },
	    { 'G', 'X', 0, 1, 2, 2, WF }, { 'G', 'X', 0, 0, 0, 3, 0 } } },
	{ "multicast source not learned, multicast destination not filtered",
	  { { 'M', 'B', 0, 0, 1, 0, 0 }, { 'G', 'M', 0, 0, 1, 1, 0 },
	    { 'M', 'B', 0, 0, 0, 2, 0 } } },
	{ "to itself: learned, then filtered", { { 'X', 'X', 0, 0, 1, 0, WF } } },
	/* at T0 the time unit is 0 too: an empty way looked like Z, steady on port 0 */
	{ "all-zero MAC learned on port 0, moves",
	  { { 'Z', 'B', 0, 0, 0, 0, 0 }, { 'Z', 'B', 0, 0, 1, 0, MV } } },
	{ "all-zero MAC on port 0, filtered there",
	  { { 'Z', 'B', 0, 0, 0, 0, 0 }, { 'G', 'Z', 0, 0, 0, 1, WF } } },
};

#undef MV
#undef WF

static void
test_sequences(void)
{
	unsigned int i, j;

	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct mcase *c = &cases[i];
		void *t = table_new(256, AGEING);
		struct vb_tab_ctrs ev = { 0 };

		for (j = 0; j < RTE_DIM(c->steps) && c->steps[j].src != 0; j++) {
			const struct step *s = &c->steps[j];
			uint32_t r;

			r = vb_mactab_observe(t, mac_of(s->dst), mac_of(s->src), s->vlan, s->pair,
					      s->port, T0 + US(s->t_ms * 1000ULL), &ev);
			CHECK(r == s->expect, "%s, step %u (%c->%c vlan %u pair %u port %u at +%u"
			      " ms): saw 0x%x, expected 0x%x", c->name, j + 1, s->src, s->dst,
			      s->vlan, s->pair, s->port, s->t_ms, r, s->expect);
		}
		CHECK(ev.evictions == 0 && ev.torn == 0, "%s: evictions %" PRIu64 " torn %"
		      PRIu64, c->name, ev.evictions, ev.torn);
		free(t);
	}
	printf("mactab: %zu sequences\n", RTE_DIM(cases));
}

static void
mac_n(uint8_t *m, uint32_t n)
{
	m[0] = 0x02;
	m[1] = 0x42;
	m[2] = n >> 24;
	m[3] = n >> 16;
	m[4] = n >> 8;
	m[5] = n;
}

static void
test_full(void)
{
	void *t = table_new(VB_MACTAB_WAYS, AGEING);
	struct vb_tab_ctrs ev = { 0 };
	uint8_t m[6];
	uint32_t i, occ, r;

	for (i = 0; i < 5; i++) {
		mac_n(m, i);
		vb_mactab_observe(t, mac_of('B'), m, 0, 0, 1, T0 + US(i), &ev);
	}
	occ = vb_mactab_occupancy(t, T0 + US(10));
	CHECK(occ == 4 && ev.inserts == 5 && ev.evictions == 1,
	      "5 MACs in 4 entries: occupancy %u inserts %" PRIu64 " evictions %" PRIu64
	      ", expected 4 5 1", occ, ev.inserts, ev.evictions);
	/* MAC 0 was the oldest: forgotten, so seeing it on port 0 is no move */
	mac_n(m, 0);
	r = vb_mactab_observe(t, mac_of('B'), m, 0, 0, 0, T0 + US(20), &ev);
	CHECK(r == 0, "evicted MAC on the other port: saw 0x%x, expected 0", r);
	/* MAC 4 is known */
	mac_n(m, 4);
	r = vb_mactab_observe(t, mac_of('B'), m, 0, 0, 0, T0 + US(30), &ev);
	CHECK(r == VB_MAC_MOVED, "known MAC on the other port: saw 0x%x, expected moved", r);
	occ = vb_mactab_occupancy(t, T0 + AGEING + US(100));
	CHECK(occ == 0, "after ageing: occupancy saw %u, expected 0", occ);
	free(t);
}

/*
 * Consecutive MACs (a VM farm: 02:00:00:00:xx:xx) must spread over the buckets: 1000 of them
 * in 16384 entries, 6 % full, may not evict each other. A hash whose multiplier did not
 * depend on the key put them in few buckets (47,937 evictions per 2M frames in bench/).
 */
static void
test_spread(void)
{
	void *t = table_new(16384, AGEING);
	struct vb_tab_ctrs ev = { 0 };
	uint8_t m[6] = { 0x02, 0, 0, 0, 0, 0 };
	uint32_t i, occ;

	for (i = 0; i < 1000; i++) {
		m[4] = (uint8_t)(i >> 8);
		m[5] = (uint8_t)i;
		vb_mactab_observe(t, mac_of('B'), m, 0, 0, 1, T0 + US(i), &ev);
	}
	occ = vb_mactab_occupancy(t, T0 + US(2000));
	CHECK(occ == 1000 && ev.evictions == 0,
	      "1000 consecutive MACs in 16384 entries: occupancy %u evictions %" PRIu64
	      ", expected 1000 0", occ, ev.evictions);
	free(t);
}

/* Copy everything out; returns the count. */
static uint32_t
read_all(const void *t, uint64_t now, struct vb_mac_entry *out, uint32_t max, uint32_t *torn)
{
	uint32_t pos = 0, n = 0, entries = vb_mactab_entries(t);

	*torn = 0;
	/* one entry per call, to exercise the position */
	while (pos < entries && n < max)
		n += vb_mactab_read(t, &pos, out + n, 1, now, torn);
	return n;
}

static void
test_reader(void)
{
	void *t = table_new(64, AGEING);
	struct vb_tab_ctrs ev = { 0 };
	struct vb_mac_entry e[64];
	uint32_t n, torn, i, moves = 0;
	uint64_t *w;

	/* X moves 3 times, G stays; X in VLAN 7 */
	for (i = 0; i < 4; i++)
		vb_mactab_observe(t, mac_of('B'), mac_of('X'), 7, 3, (uint8_t)(6 + (i & 1)),
				  T0 + US(i), &ev);
	vb_mactab_observe(t, mac_of('B'), mac_of('G'), 0, 3, 6, T0, &ev);
	n = read_all(t, T0 + US(1000), e, RTE_DIM(e), &torn);
	CHECK(n == 2 && torn == 0, "reader: saw %u entries (%u torn), expected 2", n, torn);
	for (i = 0; i < n; i++) {
		if (memcmp(e[i].mac, mac_of('X'), 6) == 0) {
			moves = e[i].moves;
			CHECK(e[i].vlan == 7 && e[i].pair == 3 && e[i].port == 7 &&
			      e[i].age <= US(1000) && e[i].age >= US(990),
			      "X: vlan %u pair %u port %u age %" PRIu64
			      ", expected 7 3 7 ~%" PRIu64,
			      e[i].vlan, e[i].pair, e[i].port, e[i].age, US(997));
		}
	}
	CHECK(moves == 3, "X moves saw %u, expected 3", moves);

	/* moves saturate */
	for (i = 0; i < 300; i++)
		vb_mactab_observe(t, mac_of('B'), mac_of('H'), 0, 0, (uint8_t)(i & 1),
				  T0 + US(i), &ev);
	n = read_all(t, T0 + US(1000), e, RTE_DIM(e), &torn);
	for (i = 0; i < n; i++)
		if (memcmp(e[i].mac, mac_of('H'), 6) == 0)
			CHECK(e[i].moves == 255, "H moves saw %u, expected 255", e[i].moves);

	/* tear G's entry: the reader skips and counts it, the datapath ignores it */
	w = (uint64_t *)((uint8_t *)t + 64);
	for (i = 0; i < 2 * 64; i += 2)
		if (w[i] == ((uint64_t)3 << 60 | 0x020000000001ULL))
			w[i + 1] ^= (uint64_t)1 << 33;	/* port 6 -> 4 */
	n = read_all(t, T0 + US(1000), e, RTE_DIM(e), &torn);
	CHECK(n == 2 && torn == 1, "after tearing: saw %u entries, %u torn, expected 2 1", n,
	      torn);
	CHECK(vb_mactab_observe(t, mac_of('G'), mac_of('H'), 0, 3, 6, T0 + US(1000), &ev) == 0,
	      "torn entry made a would-be-filtered frame");
	free(t);
}

/* A known MAC on the same port is not rewritten until ageing/8 has passed. */
static void
test_refresh(void)
{
	void *t = table_new(64, AGEING);
	struct vb_tab_ctrs ev = { 0 };
	struct vb_mac_entry e[4];
	uint32_t n, torn;

	vb_mactab_observe(t, mac_of('B'), mac_of('X'), 0, 0, 1, T0, &ev);
	vb_mactab_observe(t, mac_of('B'), mac_of('X'), 0, 0, 1, T0 + US(1000000), &ev);
	n = read_all(t, T0 + US(1000000), e, RTE_DIM(e), &torn);
	CHECK(n == 1 && e[0].age >= US(999000), "1 s later: age saw %" PRIu64
	      ", expected ~1 s (not rewritten)", n ? e[0].age : 0);
	vb_mactab_observe(t, mac_of('B'), mac_of('X'), 0, 0, 1, T0 + US(2000000), &ev);
	n = read_all(t, T0 + US(2000000), e, RTE_DIM(e), &torn);
	CHECK(n == 1 && e[0].age < US(10), "2 s later: age saw %" PRIu64
	      ", expected 0 (rewritten)", n ? e[0].age : 0);
	free(t);
}

static void
test_init(void)
{
	static const struct {
		uint32_t entries;
		uint64_t ageing;
		int misalign, rc;
	} c[] = {
		{ 1024, AGEING, 0, 0 },
		{ 4, UINT64_C(1) << VB_MAC_TSHIFT, 0, 0 },
		{ 4, UINT64_C(1) << 42, 0, 0 },
		{ 1000, AGEING, 0, -EINVAL },
		{ 2, AGEING, 0, -EINVAL },
		{ 1024, 100, 0, -EINVAL },
		{ 1024, (UINT64_C(1) << 42) + 1, 0, -EINVAL },
		{ 1024, AGEING, 32, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(c); i++) {
		uint8_t *p = NULL;
		int rc;

		if (posix_memalign((void **)&p, 64, vb_mactab_mem_size(1024) + 64) != 0)
			exit(1);
		rc = vb_mactab_init(p + c[i].misalign, c[i].entries, c[i].ageing);
		CHECK(rc == c[i].rc, "init case %u: saw %d, expected %d", i, rc, c[i].rc);
		free(p);
	}
}

/*
 * Two threads as two lcores on the two ports of one pair: A's hosts only ever on port 1,
 * B's only on port 0, each sending to the other's hosts. No move and no would-be-filtered
 * frame may appear, whatever the interleaving.
 */
#define MT_N		300000
#define MT_HOSTS	2000

static void *mt_tab;

struct mt_arg {
	uint8_t port;
	uint32_t base, other;
	uint64_t bad;
	struct vb_tab_ctrs ev;
};

static void *
mt_thread(void *arg)
{
	struct mt_arg *a = arg;
	uint8_t src[6], dst[6];
	uint32_t i;

	for (i = 0; i < MT_N; i++) {
		mac_n(src, a->base + i % MT_HOSTS);
		mac_n(dst, a->other + (i * 7) % MT_HOSTS);
		/* the clock moves fast enough for refreshes to happen */
		if (vb_mactab_observe(mt_tab, dst, src, 0, 0, a->port,
				      T0 + (uint64_t)i * US(100), &a->ev) != 0)
			a->bad++;
	}
	return NULL;
}

static void
test_threads(void)
{
	struct mt_arg a = { .port = 1, .base = 0, .other = 100000 };
	struct mt_arg b = { .port = 0, .base = 100000, .other = 0 };
	pthread_t ta, tb;

	mt_tab = table_new(8192, AGEING);
	if (pthread_create(&ta, NULL, mt_thread, &a) != 0 ||
	    pthread_create(&tb, NULL, mt_thread, &b) != 0) {
		perror("pthread_create");
		exit(1);
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	printf("mactab threads: %u frames each; false alarms A %" PRIu64 " B %" PRIu64
	       "; inserts %" PRIu64 "; evictions %" PRIu64 "; torn %" PRIu64 "\n", MT_N,
	       a.bad, b.bad, a.ev.inserts + b.ev.inserts, a.ev.evictions + b.ev.evictions,
	       a.ev.torn + b.ev.torn);
	CHECK(a.bad == 0 && b.bad == 0, "false moves/filters: A %" PRIu64 " B %" PRIu64
	      ", expected 0 0", a.bad, b.bad);
	free(mt_tab);
}

int
main(void)
{
	test_init();
	test_sequences();
	test_full();
	test_spread();
	test_reader();
	test_refresh();
	test_threads();
	if (failures != 0) {
		printf("test_mactab: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_mactab: ok\n");
	return 0;
}
