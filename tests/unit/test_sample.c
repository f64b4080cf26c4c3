/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sample ring unit tests, no EAL: fields and truncation, wrap and lost samples, incremental
 * reads, torn and overwritten slots (simulated writer mid-write), a torn length that must not
 * overrun the reader, the rate limit, init checks, and a reader thread racing the writer
 * that must never accept an inconsistent sample.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "sample.h"

#include "check.h"

#define TSC_HZ		UINT64_C(1000000000)	/* 1 tick = 1 ns, to read the numbers */

/* Layout facts the torn tests poke at (sample.c): 128-byte header, slots of 32 + snap. */
#define HDR_SIZE	128
#define SLOT_HDR	32

static void *
ring_new(uint32_t slots, uint32_t snap, uint32_t rate, uint32_t burst)
{
	void *p = NULL;
	int rc;

	if (posix_memalign(&p, 64, vb_sample_mem_size(slots, snap)) != 0) {
		perror("posix_memalign");
		exit(1);
	}
	rc = vb_sample_init(p, slots, snap, rate, burst, TSC_HZ);
	if (rc != 0) {
		printf("FAIL: vb_sample_init(%u, %u) = %d\n", slots, snap, rc);
		exit(1);
	}
	return p;
}

static uint64_t *
slot_seq(void *ring, uint32_t snap, uint32_t idx)
{
	uint32_t size = RTE_ALIGN_CEIL(SLOT_HDR + snap, 64);

	return (uint64_t *)((uint8_t *)ring + HDR_SIZE + (size_t)idx * size);
}

/* Frame n: every byte n, length 60 + n. */
static void
put_n(void *ring, uint64_t n)
{
	uint8_t b[400];

	memset(b, (int)(n & 0xff), sizeof(b));
	vb_sample_put(ring, n * 10, (uint32_t)n, (uint16_t)(n % 4), (uint16_t)(n % 3), b,
		      (uint32_t)(60 + n % 300), (uint32_t)(60 + n % 300));
}

static bool
sample_ok(const struct vb_sample *s, uint32_t snap)
{
	uint32_t i, want = RTE_MIN(60 + s->seq % 300, snap);

	if (s->tsc != s->seq * 10 || s->reason != (uint32_t)s->seq || s->port != s->seq % 4 ||
	    s->queue != s->seq % 3 || s->orig_len != 60 + s->seq % 300 || s->cap_len != want)
		return false;
	for (i = 0; i < s->cap_len; i++)
		if (s->data[i] != (uint8_t)s->seq)
			return false;
	return true;
}

static void
test_basic(void)
{
	void *r = ring_new(8, VB_SAMPLE_SNAP_DEF, 0, 1);
	struct vb_sample s[16];
	struct vb_sample_read_stats st;
	struct vb_sample_ctrs c;
	uint32_t n, i;

	n = vb_sample_read(r, 0, s, RTE_DIM(s), &st);
	CHECK(n == 0 && st.next == 0 && st.lost == 0, "empty ring: saw %u next %" PRIu64, n,
	      st.next);
	for (i = 0; i < 3; i++)
		put_n(r, i);
	put_n(r, 3);
	n = vb_sample_read(r, 0, s, RTE_DIM(s), &st);
	CHECK(n == 4 && st.next == 4 && st.lost == 0 && st.torn == 0,
	      "4 written: saw %u next %" PRIu64 " lost %" PRIu64 " torn %u", n, st.next, st.lost,
	      st.torn);
	for (i = 0; i < n; i++)
		CHECK(s[i].seq == i && sample_ok(&s[i], VB_SAMPLE_SNAP_DEF),
		      "sample %u: seq %" PRIu64 " cap %u orig %u", i, s[i].seq, s[i].cap_len,
		      s[i].orig_len);
	/* a frame longer than the snap length is cut */
	for (i = 4; i < 70; i++)
		put_n(r, i);
	n = vb_sample_read(r, 69, s, RTE_DIM(s), &st);
	CHECK(n == 1 && s[0].cap_len == VB_SAMPLE_SNAP_DEF && s[0].orig_len == 129 &&
	      sample_ok(&s[0], VB_SAMPLE_SNAP_DEF), "sample 69: cap %u orig %u, expected %u 129",
	      s[0].cap_len, s[0].orig_len, VB_SAMPLE_SNAP_DEF);
	/* wrap: only the last 8 of 70 remain; from 0, 62 are lost */
	n = vb_sample_read(r, 0, s, RTE_DIM(s), &st);
	CHECK(n == 8 && st.lost == 62 && st.next == 70 && s[0].seq == 62,
	      "after wrap: saw %u (first %" PRIu64 ") lost %" PRIu64 " next %" PRIu64
	      ", expected 8 (62) 62 70", n, s[0].seq, st.lost, st.next);
	/* incremental: nothing new, then two */
	n = vb_sample_read(r, st.next, s, RTE_DIM(s), &st);
	CHECK(n == 0 && st.next == 70, "nothing new: saw %u", n);
	put_n(r, 70);
	put_n(r, 71);
	n = vb_sample_read(r, 70, s, 1, &st);
	CHECK(n == 1 && s[0].seq == 70 && st.next == 71, "max 1: saw %u next %" PRIu64, n,
	      st.next);
	n = vb_sample_read(r, st.next, s, RTE_DIM(s), &st);
	CHECK(n == 1 && s[0].seq == 71 && st.next == 72, "then: saw %u next %" PRIu64, n,
	      st.next);
	/* a reader from another run of the ring (from > head) starts over */
	n = vb_sample_read(r, 1000, s, RTE_DIM(s), &st);
	CHECK(n == 8 && st.next == 72, "from beyond head: saw %u next %" PRIu64, n, st.next);
	vb_sample_ctrs_read(r, &c);
	CHECK(c.written == 72 && c.overwritten == 64 && c.suppressed == 0,
	      "counters: written %" PRIu64 " overwritten %" PRIu64 " suppressed %" PRIu64
	      ", expected 72 64 0", c.written, c.overwritten, c.suppressed);
	CHECK(vb_sample_nb_slots(r) == 8 && vb_sample_snap_len(r) == VB_SAMPLE_SNAP_DEF,
	      "geometry %u %u", vb_sample_nb_slots(r), vb_sample_snap_len(r));
	free(r);
}

static void
test_torn(void)
{
	const uint32_t snap = 64;
	void *r = ring_new(8, snap, 0, 1);
	struct vb_sample s[16];
	struct vb_sample_read_stats st;
	uint64_t *seq;
	uint16_t *cap;
	uint32_t n, i;

	for (i = 0; i < 20; i++)
		put_n(r, i);	/* slots hold 12..19 */
	/* the writer "in the middle" of slot 15 (index 7): odd sequence */
	seq = slot_seq(r, snap, 15 % 8);
	CHECK(*seq == 2 * 15 + 2, "slot 15 sequence saw %" PRIu64 ", expected 32", *seq);
	*seq = 2 * 15 + 1;
	n = vb_sample_read(r, 12, s, RTE_DIM(s), &st);
	CHECK(n == 7 && st.torn == 1 && st.lost == 0, "odd sequence: saw %u torn %u lost %"
	      PRIu64 ", expected 7 1 0", n, st.torn, st.lost);
	for (i = 0; i < n; i++)
		CHECK(s[i].seq != 15 && sample_ok(&s[i], snap), "accepted sample %" PRIu64,
		      s[i].seq);
	/* slot 13 already overwritten by sample 21 (even, larger): lost, not torn */
	*seq = 2 * 15 + 2;
	seq = slot_seq(r, snap, 13 % 8);
	*seq = 2 * 21 + 2;
	n = vb_sample_read(r, 12, s, RTE_DIM(s), &st);
	CHECK(n == 7 && st.torn == 0 && st.lost == 1, "overwritten: saw %u torn %u lost %"
	      PRIu64 ", expected 7 0 1", n, st.torn, st.lost);
	/* being overwritten by sample 21 (odd, larger): torn */
	*seq = 2 * 21 + 1;
	n = vb_sample_read(r, 12, s, RTE_DIM(s), &st);
	CHECK(n == 7 && st.torn == 1, "being overwritten: saw %u torn %u", n, st.torn);
	*seq = 2 * 13 + 2;
	/* a garbage length in a slot must be clamped, not copied past the reader's buffer */
	cap = (uint16_t *)((uint8_t *)slot_seq(r, snap, 14 % 8) + 28);
	*cap = 0xffff;
	n = vb_sample_read(r, 14, s, 1, &st);
	CHECK(n == 1 && s[0].cap_len == snap, "garbage length: cap saw %u, expected %u",
	      s[0].cap_len, snap);
	free(r);
}

static void
test_rate(void)
{
	/* 1000 samples/s = one per 1e6 ticks, bucket of 4 */
	void *r = ring_new(64, 64, 1000, 4);
	struct vb_sample_ctrs c;
	uint8_t b[60] = { 0 };
	uint64_t t = 5000000000ULL;
	uint32_t i, ok = 0;

	for (i = 0; i < 100; i++)
		ok += vb_sample_put(r, t, 1, 0, 0, b, 60, 60);
	CHECK(ok == 4, "burst at one instant: saw %u stored, expected 4", ok);
	ok = 0;
	for (i = 0; i < 10; i++)
		ok += vb_sample_put(r, t + 999999, 1, 0, 0, b, 60, 60);
	CHECK(ok == 0, "just under 1 ms later: saw %u, expected 0", ok);
	ok = 0;
	for (i = 0; i < 10; i++)
		ok += vb_sample_put(r, t + 1000000, 1, 0, 0, b, 60, 60);
	CHECK(ok == 1, "1 ms later: saw %u, expected 1", ok);
	ok = 0;
	for (i = 0; i < 10; i++)
		ok += vb_sample_put(r, t + 10000000000ULL, 1, 0, 0, b, 60, 60);
	CHECK(ok == 4, "10 s later (bucket full, capped): saw %u, expected 4", ok);
	/* steady 1 per 100 us for 1 s: about 1000 + the burst pass */
	ok = 0;
	for (i = 1; i <= 10000; i++)
		ok += vb_sample_put(r, t + 20000000000ULL + (uint64_t)i * 100000, 1, 0, 0, b, 60,
				    60);
	CHECK(ok >= 1000 && ok <= 1004, "10000 offered over 1 s: saw %u stored, expected"
	      " 1000..1004", ok);
	vb_sample_ctrs_read(r, &c);
	CHECK(c.written + c.suppressed == 100 + 30 + 10000 && c.written == 9 + ok,
	      "counters: written %" PRIu64 " suppressed %" PRIu64, c.written, c.suppressed);
	free(r);
}

static void
test_init(void)
{
	static const struct {
		uint32_t slots, snap, rate, burst;
		uint64_t hz;
		int misalign, rc;
	} c[] = {
		{ 512, 128, 1000, 32, TSC_HZ, 0, 0 },
		{ 2, 1, 0, 1, 0, 0, 0 },
		{ 512, VB_SAMPLE_SNAP_MAX, 1000, 32, TSC_HZ, 0, 0 },
		{ 1, 128, 1000, 32, TSC_HZ, 0, -EINVAL },
		{ 500, 128, 1000, 32, TSC_HZ, 0, -EINVAL },
		{ 512, 0, 1000, 32, TSC_HZ, 0, -EINVAL },
		{ 512, VB_SAMPLE_SNAP_MAX + 1, 1000, 32, TSC_HZ, 0, -EINVAL },
		{ 512, 128, 1000, 0, TSC_HZ, 0, -EINVAL },
		{ 512, 128, 1000, 32, 0, 0, -EINVAL },
		{ 512, 128, 1000, 32, TSC_HZ, 16, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(c); i++) {
		uint8_t *p = NULL;
		int rc;

		if (posix_memalign((void **)&p, 64,
				   vb_sample_mem_size(512, VB_SAMPLE_SNAP_MAX) + 64) != 0)
			exit(1);
		rc = vb_sample_init(p + c[i].misalign, c[i].slots, c[i].snap, c[i].rate,
				    c[i].burst, c[i].hz);
		CHECK(rc == c[i].rc, "init case %u: saw %d, expected %d", i, rc, c[i].rc);
		free(p);
	}
	CHECK(vb_sample_nb_slots(NULL) == 0, "geometry of NULL");
}

/* A reader racing the writer on a small ring: whatever it accepts must be consistent. */
#define MT_N	300000

static void *mt_ring;
static uint64_t mt_stop;

static void *
mt_reader(void *arg)
{
	static struct vb_sample s[16];
	uint64_t *bad = arg, from = 0, got = 0, torn = 0, lost = 0;
	struct vb_sample_read_stats st;

	while (!__atomic_load_n(&mt_stop, __ATOMIC_ACQUIRE)) {
		uint32_t n = vb_sample_read(mt_ring, from, s, RTE_DIM(s), &st);
		uint32_t i;

		for (i = 0; i < n; i++)
			if (!sample_ok(&s[i], 96) || (i > 0 && s[i].seq <= s[i - 1].seq))
				(*bad)++;
		from = st.next;
		got += n;
		torn += st.torn;
		lost += st.lost;
	}
	printf("sample threads: reader copied %" PRIu64 ", torn %" PRIu64 ", lost %" PRIu64
	       "\n", got, torn, lost);
	return NULL;
}

static void
test_threads(void)
{
	uint64_t bad = 0, i;
	pthread_t t;

	mt_ring = ring_new(8, 96, 0, 1);
	if (pthread_create(&t, NULL, mt_reader, &bad) != 0) {
		perror("pthread_create");
		exit(1);
	}
	for (i = 0; i < MT_N; i++)
		put_n(mt_ring, i);
	__atomic_store_n(&mt_stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	CHECK(bad == 0, "reader accepted %" PRIu64 " inconsistent samples, expected 0", bad);
	free(mt_ring);
}

int
main(void)
{
	test_init();
	test_basic();
	test_torn();
	test_rate();
	test_threads();
	if (failures != 0) {
		printf("test_sample: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_sample: ok\n");
	return 0;
}
