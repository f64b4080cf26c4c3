/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bucket probe both tables share (lib/bucket_dp.h) against its rule written out way by
 * way: random buckets made of the cases that decide (empty ways, keys equal but for their low
 * bits, ages tied, at the ttl, just past it, ahead of now, time words that wrap), for the
 * duplicate table's 48-bit times and the MAC table's 32-bit ones.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "bucket_dp.h"

#include "check.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Age of a way as the tables define it: its time's signed distance below now, in bits bits. */
static int64_t
ref_age(uint64_t now, uint64_t w1, unsigned int bits)
{
	uint64_t m = (UINT64_C(1) << bits) - 1, d = (now - w1) & m;

	return d >= (UINT64_C(1) << (bits - 1)) ? (int64_t)d - (int64_t)(m + 1) : (int64_t)d;
}

/* The rule: the first empty way, else the first expired, else the first oldest (age < 0: 0). */
static unsigned int
ref_victim(const struct vb_way *b, uint64_t now, unsigned int bits, uint64_t ttl, bool *evict)
{
	int64_t best = 0;
	unsigned int i, v = 0;

	*evict = false;
	for (i = 0; i < VB_BUCKET_WAYS; i++)
		if ((b[i].w0 | b[i].w1) == 0)
			return i;
	for (i = 0; i < VB_BUCKET_WAYS; i++)
		if (ref_age(now, b[i].w1, bits) > (int64_t)ttl)
			return i;
	*evict = true;
	for (i = 0; i < VB_BUCKET_WAYS; i++)
		if (ref_age(now, b[i].w1, bits) > best) {
			best = ref_age(now, b[i].w1, bits);
			v = i;
		}
	return v;
}

static unsigned int
ref_match(const struct vb_way *b, uint64_t key, unsigned int shift)
{
	unsigned int i, m = 0;

	for (i = 0; i < VB_BUCKET_WAYS; i++)
		if (((b[i].w0 ^ key) >> shift) == 0 && (b[i].w0 | b[i].w1) != 0)
			m |= 1u << i;
	return m;
}

int
main(void)
{
	static struct vb_way b[VB_BUCKET_WAYS] __attribute__((aligned(64)));
	static const unsigned int tshifts[] = { 16, 32 };
	unsigned int n, t, i, bad = 0, evicted = 0, tied = 0;

	for (t = 0; t < 2; t++) {
		const unsigned int tshift = tshifts[t], bits = 64 - tshift;
		const uint64_t tmask = (UINT64_C(1) << bits) - 1;

		for (n = 0; n < 2000000; n++) {
			uint64_t now = rnd(), ttl = 1 + rnd() % 1000, key = rnd() % 4 == 0 ? 0 : rnd();
			uint64_t now_t = now & tmask, deltas[6];
			struct vb_bucket v;
			unsigned int vi, ri, shift = rnd() % 2 == 0 ? 0 : 16;
			bool ve, re;

			if (rnd() % 8 == 0)
				ttl = (UINT64_C(1) << (61 - tshift)) - rnd() % 16;	/* the largest */
			deltas[0] = 0;
			deltas[1] = ttl;
			deltas[2] = ttl + 1;
			deltas[3] = rnd() % (ttl + 2);
			deltas[4] = -(rnd() % 8);	/* ahead of now */
			deltas[5] = rnd();
			for (i = 0; i < VB_BUCKET_WAYS; i++) {
				uint64_t r = rnd();

				b[i].w0 = r % 4 == 0 ? key ^ (rnd() & 0xffff) : r % 4 == 1 ? key : rnd();
				b[i].w1 = (rnd() & ~tmask) | ((now_t - deltas[rnd() % 6]) & tmask);
				if (rnd() % 8 == 0)
					b[i].w0 = b[i].w1 = 0;
				else if (rnd() % 16 == 0)
					b[i].w0 = 0;
			}
			if (rnd() % 4 == 0)	/* ties: one way's time copied to another */
				b[rnd() % 4].w1 = b[rnd() % 4].w1;
			vb_bucket_read(b, &v);
			vi = vb_bucket_victim(&v, now, tshift, ttl, &ve);
			ri = ref_victim(b, now, bits, ttl, &re);
			if ((vi != ri || ve != re) && bad++ < 5)
				printf("FAIL: victim %u evict %d, the rule %u %d (tshift %u ttl %" PRIu64
				       " now %" PRIx64 " w1 %" PRIx64 " %" PRIx64 " %" PRIx64 " %" PRIx64
				       ")\n", vi, ve, ri, re, tshift, ttl, now, b[0].w1, b[1].w1,
				       b[2].w1, b[3].w1);
			if ((vb_bucket_match(&v, key, shift) != ref_match(b, key, shift)) && bad++ < 5)
				printf("FAIL: match %x, the rule %x (key %" PRIx64 " shift %u)\n",
				       vb_bucket_match(&v, key, shift), ref_match(b, key, shift), key,
				       shift);
			for (i = 0; i < VB_BUCKET_WAYS; i++)
				if (vb_bucket_w0(&v, i) != b[i].w0 && bad++ < 5)
					printf("FAIL: way %u key word %" PRIx64 ", the bucket's %" PRIx64
					       "\n", i, vb_bucket_w0(&v, i), b[i].w0);
			evicted += re;
			if (re) {
				unsigned int same = 0;

				for (i = 0; i < VB_BUCKET_WAYS; i++)
					same += ref_age(now, b[i].w1, bits) ==
						ref_age(now, b[ri].w1, bits);
				tied += same > 1;
			}
		}
	}
	CHECK(bad == 0, "%u buckets where the probe and the rule differ", bad);
	/* the cases that decide, all of them met */
	CHECK(evicted > 100000 && evicted < 3900000, "evictions %u of 4000000", evicted);
	CHECK(tied > 1000, "the oldest age tied %u times", tied);
	printf("bucket: %u checks, %u failures (%u evictions, %u ties)\n", checks, failures,
	       evicted, tied);
	return failures != 0;
}
