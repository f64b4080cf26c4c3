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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>

#include "duptab.h"

#include "check.h"

#define TSC_HZ		UINT64_C(3000000000)
#define US(n)		((uint64_t)(n) * (uint64_t)(TSC_HZ / 1000000))
#define WINDOW		US(50000)	/* the default 50 ms */
#define T0		(UINT64_C(1) << 50)	/* far from 0, so wrap handling is exercised */
#define FLEN		200

/* The hash of the tables table_new makes: each test of a table runs with every hash. */
static enum vb_dup_hash table_hash = VB_DUP_HASH_CRC;

static void *
table_new(uint32_t entries, uint32_t hash_len, uint64_t window)
{
	void *p = NULL;
	int rc;

	if (posix_memalign(&p, 64, vb_duptab_mem_size(entries)) != 0) {
		perror("posix_memalign");
		exit(1);
	}
	rc = vb_duptab_init_hash(p, entries, hash_len, window, table_hash);
	if (rc != 0) {
		printf("FAIL: vb_duptab_init_hash(%u, %u, %s) = %d\n", entries, hash_len,
		       vb_dup_hash_name(table_hash), rc);
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
	memset(&mt_a, 0, sizeof(mt_a));
	memset(&mt_b, 0, sizeof(mt_b));
	mt_done_a = 0;
	mt_done_b = 0;
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

/* ---- the frame hash: both functions, the same checks ---- */

typedef uint64_t (*hash_fn)(const uint8_t *p, uint32_t len, uint64_t seed);

struct hash_impl {
	enum vb_dup_hash kind;
	const char *name;
	hash_fn fn;
	bool linear;	/* over GF(2): an input bit flips the same output bits always */
};

static const struct hash_impl hash_impls[] = {
	{ VB_DUP_HASH_CRC, "crc32c", vb_hash_bytes_crc, true },
#ifdef VB_DUP_HAVE_AES
	{ VB_DUP_HASH_AES, "aes", vb_hash_bytes_aes, false },
#endif
};

/* Whether this CPU can run a hash (the AES one needs AES-NI). */
static bool
hash_runs_here(enum vb_dup_hash kind)
{
	return kind == VB_DUP_HASH_CRC || vb_dup_hash_best() == VB_DUP_HASH_AES;
}

static uint64_t
xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
fill_random(uint8_t *b, uint32_t n, uint64_t *x)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(xorshift(x) >> 24);
}

/*
 * Seed, length and every byte count, at every length of each tail path (0-15: copied;
 * 16 and up: the last 16 bytes shifted), reading nothing past the end: the input ends
 * where a page that cannot be read begins.
 */
static void
hash_basics(const struct hash_impl *h)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	uint8_t *end, b[300];
	uint64_t x = 0x9e3779b97f4a7c15ULL, h0;
	uint32_t len, i, same = 0;

	if (map == MAP_FAILED || mprotect(map + pg, pg, PROT_NONE) != 0) {
		perror("guard page");
		exit(1);
	}
	end = map + pg;
	fill_random(b, sizeof(b), &x);
	for (len = 0; len <= 200; len++) {
		uint8_t *p = end - len;

		memcpy(p, b, len);
		h0 = h->fn(p, len, 0x3c0102);
		CHECK(h0 == h->fn(p, len, 0x3c0102), "%s: len %u: not deterministic", h->name, len);
		CHECK(h0 != h->fn(p, len, 0x3c0103), "%s: len %u: seed ignored", h->name, len);
		CHECK(h0 != h->fn(p, len, 0x3d0102), "%s: len %u: pkt_len ignored", h->name, len);
		if (len > 0)
			CHECK(h0 != h->fn(p + 1, len - 1, 0x3c0102), "%s: len %u: length ignored",
			      h->name, len);
		for (i = 0; i < len; i++) {
			p[i] ^= 0x01;
			same += h0 == h->fn(p, len, 0x3c0102);
			p[i] ^= 0x81;
			same += h0 == h->fn(p, len, 0x3c0102);
			p[i] ^= 0x80;
		}
	}
	CHECK(same == 0, "%s: %u one-byte changes left the hash as it was", h->name, same);
	/* a zero tail is not the absence of one: the length tells them apart */
	memset(b, 0, sizeof(b));
	CHECK(h->fn(b, 60, 7) != h->fn(b, 64, 7) && h->fn(b, 0, 7) != h->fn(b, 16, 7),
	      "%s: zero bytes at the end ignored", h->name);
	munmap(map, 2 * pg);
}

/*
 * SMHasher's avalanche and bit balance: over random inputs of len bytes, flip each input bit
 * (and each of the seed's 48 bits) in turn. Every output bit must flip in half of all those
 * flips (both hashes), and be 1 in half of the hashes. For a non-linear hash every pair
 * (input bit, output bit) must flip in half of the inputs too; a linear one (CRC) flips a
 * pair always or never by construction, and is only reported.
 */
static double
abs_dev(double rate)
{
	return rate > 0.5 ? rate - 0.5 : 0.5 - rate;
}

/* tol: the deviation allowed; 7 sigma of a rate over `samples` inputs is 3.5 / sqrt(samples) */
static void
hash_avalanche(const struct hash_impl *h, uint32_t len, uint32_t samples, double tol)
{
	const uint32_t in_bits = 8 * len + 48;
	uint32_t *cell = calloc((size_t)in_bits * 64, sizeof(*cell));
	uint64_t ones[64] = { 0 }, per_out[64] = { 0 };
	uint64_t x = 0x2545f4914f6cdd1dULL ^ len;
	double worst_cell = 0, worst_out = 0, worst_ones = 0;
	uint32_t s, i, j, worst_i = 0, worst_j = 0;
	uint8_t b[256];

	if (cell == NULL) {
		CHECK(false, "out of memory");
		return;
	}
	for (s = 0; s < samples; s++) {
		uint64_t seed = xorshift(&x) & ((UINT64_C(1) << 48) - 1), h0, d;

		fill_random(b, len, &x);
		h0 = h->fn(b, len, seed);
		for (j = 0; j < 64; j++)
			ones[j] += (h0 >> j) & 1;
		for (i = 0; i < in_bits; i++) {
			if (i < 8 * len) {
				b[i / 8] ^= (uint8_t)(1u << (i % 8));
				d = h0 ^ h->fn(b, len, seed);
				b[i / 8] ^= (uint8_t)(1u << (i % 8));
			} else {
				d = h0 ^ h->fn(b, len, seed ^ UINT64_C(1) << (i - 8 * len));
			}
			for (j = 0; j < 64; j++)
				cell[i * 64 + j] += (uint32_t)(d >> j) & 1;
		}
	}
	for (i = 0; i < in_bits; i++)
		for (j = 0; j < 64; j++) {
			double dev = abs_dev((double)cell[i * 64 + j] / samples);

			per_out[j] += cell[i * 64 + j];
			if (dev > worst_cell) {
				worst_cell = dev;
				worst_i = i;
				worst_j = j;
			}
		}
	for (j = 0; j < 64; j++) {
		double out = abs_dev((double)per_out[j] / samples / in_bits);
		double one = abs_dev((double)ones[j] / samples);

		worst_out = out > worst_out ? out : worst_out;
		worst_ones = one > worst_ones ? one : worst_ones;
	}
	printf("hash %s, %u bytes, %u inputs: worst output bit flips %.2f %% off 50 %%, is 1 "
	       "%.2f %% off; worst (input, output) bit pair %.1f %% off (%u, %u)\n",
	       h->name, len, samples, 100 * worst_out, 100 * worst_ones, 100 * worst_cell,
	       worst_i, worst_j);
	/*
	 * A linear hash's output bit flips for a fixed share of the input bits (its row of the
	 * matrix): the CRC one's rows are 36-64 % full at 17 bytes, 44-56 % at 60 and 128.
	 */
	CHECK(worst_out < (h->linear ? 0.15 : 0.01),
	      "%s, %u bytes: an output bit flips %.2f %% off 50 %%", h->name, len,
	      100 * worst_out);
	CHECK(worst_ones < tol, "%s, %u bytes: an output bit is 1 %.2f %% off "
	      "50 %%", h->name, len, 100 * worst_ones);
	if (!h->linear)
		CHECK(worst_cell < tol, "%s, %u bytes: input bit %u flips output "
		      "bit %u %.1f %% off 50 %%", h->name, len, worst_i, worst_j,
		      100 * worst_cell);
	free(cell);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Collisions in a set of ARP requests as a storm has them: 2^20 frames differing in the
 * source MAC (the Ethernet and the ARP header's, the same difference in two blocks 16 bytes
 * apart) and the target IP (a third block). No two may share 64 bits, and the 32-bit tags
 * may not collide more often than random ones would (128 expected, 2^40 / 2^33).
 */
static void
hash_collisions(const struct hash_impl *h)
{
	enum { N = 1 << 20 };
	uint64_t *v = malloc(N * sizeof(*v));
	uint32_t i, full = 0, tags = 0;
	uint8_t f[60];

	if (v == NULL) {
		CHECK(false, "out of memory");
		return;
	}
	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	f[6] = 0x02, f[12] = 0x08, f[13] = 0x06, f[15] = 1, f[16] = 0x08, f[18] = 6, f[19] = 4;
	f[21] = 1, f[28] = 198, f[29] = 18, f[31] = 1, f[38] = 198, f[39] = 19;
	for (i = 0; i < N; i++) {
		f[10] = f[26] = (uint8_t)(i >> 12);
		f[11] = f[27] = (uint8_t)(i >> 4);
		f[40] = (uint8_t)(i >> 20);
		f[41] = (uint8_t)(i & 15);
		v[i] = h->fn(f, sizeof(f), vb_duptab_seed(60, 0, 1));
	}
	qsort(v, N, sizeof(*v), cmp_u64);
	for (i = 1; i < N; i++)
		full += v[i] == v[i - 1];
	for (i = 0; i < N; i++)
		v[i] = v[i] >> 32 << 32 | i;	/* the tag, ties kept apart */
	qsort(v, N, sizeof(*v), cmp_u64);
	for (i = 1; i < N; i++)
		tags += v[i] >> 32 == v[i - 1] >> 32;
	printf("hash %s: %u ARP frames: %u equal hashes, %u equal tags (random: 128)\n",
	       h->name, N, full, tags);
	CHECK(full == 0, "%s: %u frames of %u with another's 64-bit hash", h->name, full, N);
	CHECK(tags <= 2 * 128 + 16, "%s: %u equal 32-bit tags, random hashes have ~128",
	      h->name, tags);
	free(v);
}

/* The table hashes with the function it was made with, and the seed is as duptab.h says. */
static void
hash_table_key(const struct hash_impl *h)
{
	void *t;
	uint8_t f[FLEN + 1];
	uint32_t len = frame_of('A', f);

	table_hash = h->kind;
	t = table_new(64, 100, WINDOW);
	CHECK(vb_duptab_hash_kind(t) == h->kind, "%s: table made with %s", h->name,
	      vb_dup_hash_name(vb_duptab_hash_kind(t)));
	CHECK(vb_duptab_hash(t, f, len, 1500, 3, 2) == h->fn(f, 100, vb_duptab_seed(1500, 2, 3)),
	      "%s: the table's hash is not vb_hash_bytes_%s over hash_len bytes", h->name,
	      h->name);
	CHECK(vb_duptab_seed(1500, 3, 2) == vb_duptab_seed(1500, 2, 3) &&
	      vb_duptab_seed(1500, 2, 3) == (UINT64_C(1500) << 16 | 2 << 8 | 3),
	      "seed: pkt_len << 16 | lower port << 8 | higher port");
	free(t);
}

/*
 * The dispatch: vb_duptab_init and vb_hash_bytes use the AES hash exactly where the CPU has
 * AES-NI, as /proc/cpuinfo (not DPDK) says.
 */
static void
test_hash_dispatch(void)
{
	FILE *fp = fopen("/proc/cpuinfo", "r");
	char line[8192];
	bool cpu_aes = false, x86 = false, seen = false;
	enum vb_dup_hash want;
	uint8_t b[100];
	uint64_t x = 1;
	void *t;

	if (fp == NULL) {
		printf("hash dispatch: no /proc/cpuinfo, not checked\n");
		return;
	}
	while (!seen && fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "flags", 5) == 0) {
			seen = true;
			x86 = true;
			cpu_aes = strstr(line, " aes ") != NULL || strstr(line, " aes\n") != NULL;
		}
	fclose(fp);
#ifdef VB_DUP_HAVE_AES
	want = x86 && cpu_aes ? VB_DUP_HASH_AES : VB_DUP_HASH_CRC;
#else
	want = VB_DUP_HASH_CRC;
#endif
	printf("hash dispatch: cpu %s AES-NI; chosen: %s\n", cpu_aes ? "has" : "has no",
	       vb_dup_hash_name(vb_dup_hash_best()));
	CHECK(vb_dup_hash_best() == want, "chosen hash %s, expected %s",
	      vb_dup_hash_name(vb_dup_hash_best()), vb_dup_hash_name(want));
	table_hash = vb_dup_hash_best();
	if (posix_memalign(&t, 64, vb_duptab_mem_size(64)) != 0) {
		perror("posix_memalign");
		exit(1);
	}
	CHECK(vb_duptab_init(t, 64, 128, WINDOW) == 0 && vb_duptab_hash_kind(t) == want,
	      "vb_duptab_init made a %s table, expected %s",
	      vb_dup_hash_name(vb_duptab_hash_kind(t)), vb_dup_hash_name(want));
	if (want == VB_DUP_HASH_CRC)
		CHECK(vb_duptab_init_hash(t, 64, 128, WINDOW, VB_DUP_HASH_AES) == -ENOTSUP,
		      "an AES table on a CPU without AES");
	free(t);
	fill_random(b, sizeof(b), &x);
	CHECK(vb_hash_bytes(b, 60, 5) == (want == VB_DUP_HASH_CRC ?
					  vb_hash_bytes_crc(b, 60, 5) :
					  hash_impls[RTE_DIM(hash_impls) - 1].fn(b, 60, 5)),
	      "vb_hash_bytes is not the %s hash", vb_dup_hash_name(want));
	CHECK(vb_hash_bytes_crc(b, 60, 5) != hash_impls[RTE_DIM(hash_impls) - 1].fn(b, 60, 5) ||
	      RTE_DIM(hash_impls) == 1, "the two hashes are one");
	CHECK(strcmp(vb_dup_hash_name(VB_DUP_HASH_CRC), "crc32c") == 0 &&
	      strcmp(vb_dup_hash_name(VB_DUP_HASH_AES), "aes") == 0 &&
	      strcmp(vb_dup_hash_name((enum vb_dup_hash)9), "?") == 0, "hash names");
}

static void
test_hash(void)
{
	unsigned int k;

	for (k = 0; k < RTE_DIM(hash_impls); k++) {
		const struct hash_impl *h = &hash_impls[k];

		if (!hash_runs_here(h->kind)) {
			printf("hash %s: this CPU cannot run it, not checked\n", h->name);
			continue;
		}
		hash_basics(h);
		hash_avalanche(h, 60, 2000, 0.08);
		hash_avalanche(h, 17, 2000, 0.08);
		hash_avalanche(h, 128, 1000, 0.111);
		hash_collisions(h);
		hash_table_key(h);
	}
}

int
main(void)
{
	unsigned int k;

	test_hash_dispatch();
	test_hash();
	for (k = 0; k < RTE_DIM(hash_impls); k++) {
		if (!hash_runs_here(hash_impls[k].kind))
			continue;
		/* the tables' behaviour does not depend on their hash */
		table_hash = hash_impls[k].kind;
		printf("tables with the %s hash\n", hash_impls[k].name);
		test_init();
		test_sequences();
		test_full();
		test_torn();
		test_zero_key();
		test_threads();
	}
	if (failures != 0) {
		printf("test_duptab: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_duptab: ok\n");
	return 0;
}
