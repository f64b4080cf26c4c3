/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Duplicate table unit tests, no EAL: verdict sequences inside and outside the window, the
 * key (hash length, frame length, pair), a full bucket and eviction, torn entries, init
 * checks, and two threads hammering one table to bound the races duptab.h accepts.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>

#include "duptab.h"

#include "check.h"

#define TSC_HZ		UINT64_C(3000000000)
#define US(n)		((uint64_t)(n) * (uint64_t)(TSC_HZ / 1000000))
#define WINDOW		US(50000)	/* the default 50 ms */
#define T0		(UINT64_C(1) << 50)	/* far from 0, so wrap handling is exercised */
#define FLEN		200

static void *
table_new(uint32_t entries, uint32_t hash_len, uint64_t window)
{
	void *p = NULL;
	int rc;

	if (posix_memalign(&p, 64, vb_duptab_mem_size(entries)) != 0) {
		perror("posix_memalign");
		exit(1);
	}
	rc = vb_duptab_init(p, entries, hash_len, window);
	if (rc != 0) {
		printf("FAIL: vb_duptab_init(%u, %u) = %d\n", entries, hash_len, rc);
		exit(1);
	}
	return p;
}

/*
 * Test frames, FLEN bytes of broadcast: 'A'..'Z' differ early; 'a' is 'A' with byte 150
 * changed (past the default hash length); 'L' is 'A' one byte longer.
 */
static uint32_t
frame_of(char id, uint8_t *b)
{
	uint32_t len = FLEN;

	memset(b, 0, FLEN + 1);
	memset(b, 0xff, 6);
	b[6] = 0x02;
	b[11] = 0x0a;
	b[12] = 0x08;
	b[13] = 0x06;
	b[20] = (uint8_t)(id == 'a' || id == 'L' ? 'A' : id);
	if (id == 'a')
		b[150] = 1;
	if (id == 'L')
		len++;
	return len;
}

struct step {
	char frame;
	uint8_t port;		/* received on; the peer is port ^ 1 */
	uint32_t t_us;		/* after T0 */
	enum vb_dup_verdict expect;
};

struct dcase {
	const char *name;
	uint32_t hash_len;	/* 0: the default */
	struct step steps[6];
};

#define N VB_DUP_NEW
#define D VB_DUP_DUPLICATE
#define R VB_DUP_REFLECTED
#define L VB_DUP_LOOPED

static const struct dcase cases[] = {
	{ "duplicate on the same port", 0, { { 'A', 1, 0, N }, { 'A', 1, 10, D } } },
	{ "duplicate at the window's edge", 0, { { 'A', 1, 0, N }, { 'A', 1, 50000, D } } },
	{ "same port after the window", 0, { { 'A', 1, 0, N }, { 'A', 1, 50001, N } } },
	{ "reflected after 111 us (the scenario)", 0, { { 'A', 1, 0, N }, { 'A', 0, 111, R } } },
	{ "reflected from the VM side", 0, { { 'A', 0, 0, N }, { 'A', 1, 200, R } } },
	{ "back on the sending port after the window", 0,
	  { { 'A', 1, 0, N }, { 'A', 0, 50001, N } } },
	{ "looped: back from both sides", 0,
	  { { 'A', 1, 0, N }, { 'A', 0, 100, R }, { 'A', 1, 200, L }, { 'A', 0, 300, L } } },
	{ "duplicated after its reflection", 0,
	  { { 'A', 1, 0, N }, { 'A', 0, 100, R }, { 'A', 0, 150, D } } },
	{ "loop broken by the window", 0,
	  { { 'A', 1, 0, N }, { 'A', 0, 100, R }, { 'A', 1, 60000, N }, { 'A', 0, 60100, R } } },
	{ "each sighting restarts the window", 0,
	  { { 'A', 1, 0, N }, { 'A', 1, 40000, D }, { 'A', 1, 80000, D } } },
	{ "different frames do not match", 0,
	  { { 'A', 1, 0, N }, { 'B', 0, 10, N }, { 'B', 0, 20, D }, { 'A', 0, 30, R } } },
	{ "difference past hash_len is not seen", 128,
	  { { 'A', 1, 0, N }, { 'a', 1, 10, D } } },
	{ "difference within hash_len is seen", 256,
	  { { 'A', 1, 0, N }, { 'a', 1, 10, N } } },
	{ "the frame length is part of the key", 0,
	  { { 'A', 1, 0, N }, { 'L', 1, 10, N }, { 'L', 0, 20, R } } },
	{ "pairs are apart", 0,
	  { { 'A', 1, 0, N }, { 'A', 2, 10, N }, { 'A', 3, 20, R }, { 'A', 0, 30, R } } },
};

#undef N
#undef D
#undef R
#undef L

static void
test_sequences(void)
{
	uint8_t b[FLEN + 1];
	unsigned int i, j;

	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct dcase *c = &cases[i];
		void *t = table_new(64, c->hash_len ? c->hash_len : VB_DUPTAB_DEF_HASH_LEN,
				    WINDOW);
		struct vb_tab_ctrs ev = { 0 };

		for (j = 0; j < RTE_DIM(c->steps) && c->steps[j].frame != 0; j++) {
			const struct step *s = &c->steps[j];
			uint32_t len = frame_of(s->frame, b);
			enum vb_dup_verdict v;

			v = vb_duptab_check(t, b, len, len, s->port, s->port ^ 1, T0 + US(s->t_us),
					    &ev);
			CHECK(v == s->expect, "%s, step %u ('%c' on port %u at +%u us): saw %s,"
			      " expected %s", c->name, j + 1, s->frame, s->port, s->t_us,
			      vb_dup_verdict_name(v), vb_dup_verdict_name(s->expect));
		}
		CHECK(ev.evictions == 0 && ev.torn == 0, "%s: evictions %" PRIu64 " torn %"
		      PRIu64 ", expected 0", c->name, ev.evictions, ev.torn);
		free(t);
	}
	printf("duptab: %zu sequences\n", RTE_DIM(cases));
}

/* One bucket: the fifth live frame evicts the oldest; expired entries are reused freely. */
static void
test_full(void)
{
	void *t = table_new(VB_DUPTAB_WAYS, VB_DUPTAB_DEF_HASH_LEN, WINDOW);
	struct vb_tab_ctrs ev = { 0 };
	uint8_t b[FLEN + 1];
	enum vb_dup_verdict v;
	uint32_t len, occ;
	char id;

	for (id = 'A'; id <= 'D'; id++) {
		len = frame_of(id, b);
		v = vb_duptab_check(t, b, len, len, 1, 0, T0 + US(id), &ev);
		CHECK(v == VB_DUP_NEW, "fill '%c': saw %s", id, vb_dup_verdict_name(v));
	}
	occ = vb_duptab_occupancy(t, T0 + US(100));
	CHECK(occ == 4 && ev.inserts == 4 && ev.evictions == 0,
	      "full: occupancy %u inserts %" PRIu64 " evictions %" PRIu64 ", expected 4 4 0",
	      occ, ev.inserts, ev.evictions);
	len = frame_of('E', b);
	vb_duptab_check(t, b, len, len, 1, 0, T0 + US(200), &ev);
	CHECK(ev.evictions == 1, "fifth frame: evictions saw %" PRIu64 ", expected 1",
	      ev.evictions);
	/* 'A' was the oldest: forgotten, so its reflection is not recognised */
	len = frame_of('A', b);
	v = vb_duptab_check(t, b, len, len, 0, 1, T0 + US(300), &ev);
	CHECK(v == VB_DUP_NEW, "evicted 'A' back on port 0: saw %s, expected new",
	      vb_dup_verdict_name(v));
	/* 'C' survived ('A' took 'B's entry back) */
	len = frame_of('C', b);
	v = vb_duptab_check(t, b, len, len, 0, 1, T0 + US(400), &ev);
	CHECK(v == VB_DUP_REFLECTED, "'C' back on port 0: saw %s, expected reflected",
	      vb_dup_verdict_name(v));
	CHECK(ev.evictions == 2, "evictions saw %" PRIu64 ", expected 2", ev.evictions);

	occ = vb_duptab_occupancy(t, T0 + US(100000));
	CHECK(occ == 0, "after the window: occupancy saw %u, expected 0", occ);
	for (id = 'F'; id <= 'I'; id++) {
		len = frame_of(id, b);
		vb_duptab_check(t, b, len, len, 1, 0, T0 + US(100000), &ev);
	}
	CHECK(ev.evictions == 2 && ev.inserts == 10,
	      "expired entries reused: evictions %" PRIu64 " inserts %" PRIu64
	      ", expected 2 10", ev.evictions, ev.inserts);
	free(t);
}

/* A torn entry (words of two writes) fails its check: a miss, never a verdict. */
static void
test_torn(void)
{
	void *t = table_new(VB_DUPTAB_WAYS, VB_DUPTAB_DEF_HASH_LEN, WINDOW);
	uint64_t *w = (uint64_t *)((uint8_t *)t + 64);
	struct vb_tab_ctrs ev = { 0 };
	uint8_t b[FLEN + 1];
	enum vb_dup_verdict v;
	uint32_t len = frame_of('A', b);
	unsigned int i, found = 0;

	vb_duptab_check(t, b, len, len, 1, 0, T0, &ev);
	for (i = 0; i < 2 * VB_DUPTAB_WAYS; i += 2) {
		if (w[i] != 0) {
			w[i] ^= 1;	/* crossings 0 -> 1: as if half of another write */
			found++;
		}
	}
	CHECK(found == 1, "entries written saw %u, expected 1", found);
	CHECK(vb_duptab_occupancy(t, T0) == 0, "torn entry counted as live");
	v = vb_duptab_check(t, b, len, len, 0, 1, T0 + US(111), &ev);
	CHECK(v == VB_DUP_NEW && ev.torn == 1, "after tearing: saw %s torn %" PRIu64
	      ", expected new 1", vb_dup_verdict_name(v), ev.torn);
	free(t);
}

/*
 * The key whose tag and length bits are all zero (a hash whose high half is 0, a length of 0
 * mod 2^16) is the one that an empty way's zero words match: it must still be a plain new
 * entry, not a torn one, and its copies must be recognised.
 */
static void
test_zero_key(void)
{
	void *t = table_new(VB_DUPTAB_WAYS, VB_DUPTAB_DEF_HASH_LEN, WINDOW);
	struct vb_tab_ctrs ev = { 0 };
	enum vb_dup_verdict v[3];

	v[0] = vb_duptab_check_hashed(t, 0, 0, 0, 1, T0, &ev);
	v[1] = vb_duptab_check_hashed(t, 0, 0, 0, 1, T0 + US(10), &ev);
	v[2] = vb_duptab_check_hashed(t, 0, 65536, 1, 0, T0 + US(20), &ev);
	CHECK(v[0] == VB_DUP_NEW && v[1] == VB_DUP_DUPLICATE && v[2] == VB_DUP_REFLECTED,
	      "zero key: saw %s %s %s, expected new duplicate reflected",
	      vb_dup_verdict_name(v[0]), vb_dup_verdict_name(v[1]), vb_dup_verdict_name(v[2]));
	CHECK(ev.torn == 0 && ev.inserts == 1 && ev.evictions == 0,
	      "zero key: torn %" PRIu64 " inserts %" PRIu64 " evictions %" PRIu64
	      ", expected 0 1 0", ev.torn, ev.inserts, ev.evictions);
	free(t);
}

static void
test_init(void)
{
	static const struct {
		uint32_t entries, hash_len;
		uint64_t window;
		int misalign, rc;
	} c[] = {
		{ 1024, 128, WINDOW, 0, 0 },
		{ 4, 1, 1, 0, 0 },
		{ 1000, 128, WINDOW, 0, -EINVAL },	/* not a power of two */
		{ 2, 128, WINDOW, 0, -EINVAL },		/* smaller than a bucket */
		{ 1024, 0, WINDOW, 0, -EINVAL },
		{ 1024, 65536, WINDOW, 0, -EINVAL },
		{ 1024, 128, 0, 0, -EINVAL },
		{ 1024, 128, UINT64_C(1) << 46, 0, -EINVAL },
		{ 1024, 128, WINDOW, 8, -EINVAL },	/* not 64-byte aligned */
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(c); i++) {
		uint8_t *p = NULL;
		int rc;

		if (posix_memalign((void **)&p, 64, vb_duptab_mem_size(1024) + 64) != 0)
			exit(1);
		rc = vb_duptab_init(p + c[i].misalign, c[i].entries, c[i].hash_len, c[i].window);
		CHECK(rc == c[i].rc, "init case %u: saw %d, expected %d", i, rc, c[i].rc);
		if (rc == 0)
			CHECK(vb_duptab_entries(p) == c[i].entries, "entries saw %u, expected %u",
			      vb_duptab_entries(p), c[i].entries);
		free(p);
	}
	CHECK(vb_duptab_entries(NULL) == 0, "entries of NULL");
}

/*
 * Two threads, as two lcores: A receives frames F_i on port 1 (forwarded to port 0) plus
 * noise frames that nobody else sees; B receives each F_i on port 0 after A did (the
 * reflection) plus its own noise. Expected: A's frames all new, B's all reflected except
 * for bounded misses (lost updates, evictions), never duplicate or looped, and noise never
 * anything but new: no verdict is ever invented.
 */
#define MT_N		200000
#define MT_LAG		64
#define MT_ENTRIES	16384

struct mt_res {
	uint64_t v[4];
	uint64_t noise_bad;
	struct vb_tab_ctrs ev;
};

static void *mt_tab;
static uint64_t mt_done_a, mt_done_b;
static struct mt_res mt_a, mt_b;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
mt_frame(uint8_t *b, uint8_t kind, uint32_t i)
{
	memset(b, 0, 64);
	memset(b, 0xff, 6);
	b[12] = 0x08;
	b[13] = 0x06;
	b[14] = kind;
	memcpy(b + 15, &i, sizeof(i));
}

static void *
mt_thread_a(void *arg)
{
	uint8_t b[64];
	uint32_t i;

	RTE_SET_USED(arg);
	for (i = 0; i < MT_N; i++) {
		enum vb_dup_verdict v;

		while (i > __atomic_load_n(&mt_done_b, __ATOMIC_ACQUIRE) + MT_LAG)
			sched_yield();
		mt_frame(b, 0, i);
		v = vb_duptab_check(mt_tab, b, 64, 64, 1, 0, now_ns(), &mt_a.ev);
		mt_a.v[v]++;
		mt_frame(b, 1, i);
		if (vb_duptab_check(mt_tab, b, 64, 64, 1, 0, now_ns(), &mt_a.ev) != VB_DUP_NEW)
			mt_a.noise_bad++;
		__atomic_store_n(&mt_done_a, i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void *
mt_thread_b(void *arg)
{
	uint8_t b[64];
	uint32_t i;

	RTE_SET_USED(arg);
	for (i = 0; i < MT_N; i++) {
		enum vb_dup_verdict v;

		while (__atomic_load_n(&mt_done_a, __ATOMIC_ACQUIRE) <= i)
			sched_yield();
		mt_frame(b, 0, i);
		v = vb_duptab_check(mt_tab, b, 64, 64, 0, 1, now_ns(), &mt_b.ev);
		mt_b.v[v]++;
		mt_frame(b, 2, i);
		if (vb_duptab_check(mt_tab, b, 64, 64, 0, 1, now_ns(), &mt_b.ev) != VB_DUP_NEW)
			mt_b.noise_bad++;
		__atomic_store_n(&mt_done_b, i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void
test_threads(void)
{
	pthread_t a, b;
	uint64_t t0;

	/* the window (1 s, in ns as ticks) is longer than the run: only evictions forget */
	mt_tab = table_new(MT_ENTRIES, 64, 1000000000ULL);
	t0 = now_ns();
	if (pthread_create(&a, NULL, mt_thread_a, NULL) != 0 ||
	    pthread_create(&b, NULL, mt_thread_b, NULL) != 0) {
		perror("pthread_create");
		exit(1);
	}
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("duptab threads: %u frames in %.1f ms; A new %" PRIu64 "; B reflected %" PRIu64
	       " missed %" PRIu64 "; evictions %" PRIu64 "; torn %" PRIu64 "\n",
	       MT_N, (now_ns() - t0) / 1e6, mt_a.v[VB_DUP_NEW], mt_b.v[VB_DUP_REFLECTED],
	       mt_b.v[VB_DUP_NEW], mt_a.ev.evictions + mt_b.ev.evictions,
	       mt_a.ev.torn + mt_b.ev.torn);
	CHECK(mt_a.v[VB_DUP_NEW] == MT_N, "A: new saw %" PRIu64 ", expected %u",
	      mt_a.v[VB_DUP_NEW], MT_N);
	CHECK(mt_b.v[VB_DUP_DUPLICATE] == 0 && mt_b.v[VB_DUP_LOOPED] == 0,
	      "B: duplicate %" PRIu64 " looped %" PRIu64 ", expected 0 0",
	      mt_b.v[VB_DUP_DUPLICATE], mt_b.v[VB_DUP_LOOPED]);
	/* the bound: at most 1% of reflections missed to races and evictions */
	CHECK(mt_b.v[VB_DUP_NEW] <= MT_N / 100, "B: missed %" PRIu64 ", expected <= %u",
	      mt_b.v[VB_DUP_NEW], MT_N / 100);
	CHECK(mt_a.noise_bad == 0 && mt_b.noise_bad == 0,
	      "noise given a verdict: A %" PRIu64 " B %" PRIu64 ", expected 0 0",
	      mt_a.noise_bad, mt_b.noise_bad);
	free(mt_tab);
}

static void
test_hash(void)
{
	uint8_t b[300];
	uint32_t i;
	uint64_t h0;

	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i * 7);
	h0 = vb_hash_bytes(b, 100, 0);
	CHECK(h0 == vb_hash_bytes(b, 100, 0), "hash not deterministic");
	CHECK(h0 != vb_hash_bytes(b, 100, 1), "seed ignored");
	CHECK(h0 != vb_hash_bytes(b, 99, 0), "length ignored");
	b[99] ^= 1;
	CHECK(h0 != vb_hash_bytes(b, 100, 0), "last byte ignored");
	CHECK(vb_hash_bytes(b, 0, 0) != vb_hash_bytes(b, 0, 1), "empty input ignores seed");
}

int
main(void)
{
	test_hash();
	test_init();
	test_sequences();
	test_full();
	test_torn();
	test_zero_key();
	test_threads();
	if (failures != 0) {
		printf("test_duptab: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_duptab: ok\n");
	return 0;
}
