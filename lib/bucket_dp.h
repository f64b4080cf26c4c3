/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bucket probe that the duplicate and MAC tables share (duptab_dp.h, mactab_dp.h): a
 * bucket is one cache line of four 16-byte ways, each a key word w0 and a word w1 whose high
 * bits are a check and whose low bits hold a time; all zero is an empty way. Datapath
 * only, inline; the tables say what their words mean.
 *
 * Where the build has SSE4.2 (Debian's DPDK: -march=corei7) a bucket is read with four
 * 16-byte loads and its four keys compared, and its four ages scored, two ways per
 * instruction: the oldest way of a full bucket is found without a branch on the ages, which
 * are as random as the traffic (a tournament of pairs mispredicted about one frame in two).
 * Each 8-byte word of an aligned vector load is read whole, as the scalar loads read it;
 * a torn entry is what the tables' checks are for.
 */
#ifndef VB_BUCKET_DP_H
#define VB_BUCKET_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

#if defined(RTE_ARCH_X86) && defined(__SSE4_2__)
#include <nmmintrin.h>
#define VB_BUCKET_SSE		1
#endif

#define VB_BUCKET_WAYS		4

/* One way, as both tables lay it out. */
struct vb_way {
	uint64_t w0;
	uint64_t w1;
};

_Static_assert(sizeof(struct vb_way) * VB_BUCKET_WAYS == 64, "a bucket is one cache line");

/* A bucket as read once (vb_bucket_read): its four key words and its four w1 words. */
struct vb_bucket {
#ifdef VB_BUCKET_SSE
	__m128i k01, k23;	/* w0 of ways 0 and 1, of ways 2 and 3 */
	__m128i t01, t23;	/* w1 of the same */
#else
	uint64_t k[VB_BUCKET_WAYS];
	uint64_t t[VB_BUCKET_WAYS];
#endif
};

/* Read bucket b (64-byte aligned) once. */
static inline void
vb_bucket_read(const struct vb_way *b, struct vb_bucket *v)
{
#ifdef VB_BUCKET_SSE
	const __m128i *p = (const __m128i *)(const void *)b;
	__m128i x0 = _mm_load_si128(p), x1 = _mm_load_si128(p + 1);
	__m128i x2 = _mm_load_si128(p + 2), x3 = _mm_load_si128(p + 3);

	v->k01 = _mm_unpacklo_epi64(x0, x1);
	v->k23 = _mm_unpacklo_epi64(x2, x3);
	v->t01 = _mm_unpackhi_epi64(x0, x1);
	v->t23 = _mm_unpackhi_epi64(x2, x3);
#else
	unsigned int i;

	for (i = 0; i < VB_BUCKET_WAYS; i++) {
		v->k[i] = __atomic_load_n(&b[i].w0, __ATOMIC_RELAXED);
		v->t[i] = __atomic_load_n(&b[i].w1, __ATOMIC_RELAXED);
	}
#endif
}

/* The key word of way i as vb_bucket_read read it. */
static inline uint64_t
vb_bucket_w0(const struct vb_bucket *v, unsigned int i)
{
#ifdef VB_BUCKET_SSE
	uint64_t k[VB_BUCKET_WAYS];

	_mm_storeu_si128((__m128i *)(void *)k, v->k01);
	_mm_storeu_si128((__m128i *)(void *)(k + 2), v->k23);
	return k[i];
#else
	return v->k[i];
#endif
}

/*
 * Write way b: both words in one 16-byte store where vectors are used, so that the next
 * frame's vb_bucket_read of the same bucket (a duplicate, a storm from one host) takes the
 * way from the store as it is, where two 8-byte stores would make its load wait until they
 * reach the cache. A reader may still see the words of two different writes (another lcore
 * reads between them on another CPU): the tables' checks catch it as before.
 */
static inline void
vb_way_store(struct vb_way *b, uint64_t w0, uint64_t w1)
{
#ifdef VB_BUCKET_SSE
	_mm_store_si128((__m128i *)(void *)b, _mm_set_epi64x((int64_t)w1, (int64_t)w0));
#else
	__atomic_store_n(&b->w0, w0, __ATOMIC_RELAXED);
	__atomic_store_n(&b->w1, w1, __ATOMIC_RELAXED);
#endif
}

/*
 * The ways whose key word equals key above its low `shift` bits, as bits 0-3. The keys
 * first, all four: only the key's own entry is worth its check. An empty way is nobody's
 * entry, even for the key that its zero words would match.
 */
static inline unsigned int
vb_bucket_match(const struct vb_bucket *v, uint64_t key, unsigned int shift)
{
	const uint64_t mask = UINT64_MAX << shift;
	unsigned int match;

#ifdef VB_BUCKET_SSE
	const __m128i m = _mm_set1_epi64x((int64_t)mask), kv = _mm_set1_epi64x((int64_t)(key & mask));

	match = (unsigned int)_mm_movemask_pd(_mm_castsi128_pd(
			_mm_cmpeq_epi64(_mm_and_si128(v->k01, m), kv))) |
		(unsigned int)_mm_movemask_pd(_mm_castsi128_pd(
			_mm_cmpeq_epi64(_mm_and_si128(v->k23, m), kv))) << 2;
	if (unlikely((key & mask) == 0)) {
		const __m128i z = _mm_setzero_si128();
		unsigned int empty =
			(unsigned int)_mm_movemask_pd(_mm_castsi128_pd(
				_mm_cmpeq_epi64(_mm_or_si128(v->k01, v->t01), z))) |
			(unsigned int)_mm_movemask_pd(_mm_castsi128_pd(
				_mm_cmpeq_epi64(_mm_or_si128(v->k23, v->t23), z))) << 2;

		match &= ~empty;
	}
#else
	unsigned int i;

	match = 0;
	for (i = 0; i < VB_BUCKET_WAYS; i++)
		if (((v->k[i] ^ key) & mask) == 0 && (v->k[i] | v->t[i]) != 0)
			match |= 1u << i;
#endif
	return match;
}

/*
 * The way a new key takes. A way's age is the time in the low 64 - tshift bits of its w1,
 * subtracted from now's in the same bits, signed (negative: its time is ahead of now, another
 * lcore's later TSC); ttl is in the same unit and below 2^(62 - tshift). The way: an empty one
 * first, else an expired one (age > ttl; all alike, so the first), else the oldest, an age
 * below 0 counting as 0 (the first of the oldest). *evict: the way holds a live entry, lost
 * now. Ages are compared shifted up by tshift, which keeps their order and drops the check.
 */
static inline unsigned int
vb_bucket_victim(const struct vb_bucket *v, uint64_t now, unsigned int tshift, uint64_t ttl,
		 bool *evict)
{
#ifdef VB_BUCKET_SSE
	const __m128i now_v = _mm_set1_epi64x((int64_t)(now << tshift));
	const __m128i ttl_v = _mm_set1_epi64x((int64_t)(ttl << tshift));
	const __m128i z = _mm_setzero_si128();
	__m128i s01 = _mm_sub_epi64(now_v, _mm_slli_epi64(v->t01, (int)tshift));
	__m128i s23 = _mm_sub_epi64(now_v, _mm_slli_epi64(v->t23, (int)tshift));
	__m128i e01 = _mm_cmpeq_epi64(_mm_or_si128(v->k01, v->t01), z);
	__m128i e23 = _mm_cmpeq_epi64(_mm_or_si128(v->k23, v->t23), z);
	unsigned int free_ways =
		(unsigned int)_mm_movemask_pd(_mm_castsi128_pd(
			_mm_or_si128(_mm_cmpgt_epi64(s01, ttl_v), e01))) |
		(unsigned int)_mm_movemask_pd(_mm_castsi128_pd(
			_mm_or_si128(_mm_cmpgt_epi64(s23, ttl_v), e23))) << 2;
	unsigned int empty, oldest;
	__m128i m, sw;

	if (unlikely(free_ways != 0)) {
		empty = (unsigned int)_mm_movemask_pd(_mm_castsi128_pd(e01)) |
			(unsigned int)_mm_movemask_pd(_mm_castsi128_pd(e23)) << 2;
		*evict = false;
		return (unsigned int)__builtin_ctz(empty != 0 ? empty : free_ways);
	}
	/* every way live: the highest age into both lanes, then the first way that has it */
	m = _mm_blendv_epi8(s01, s23, _mm_cmpgt_epi64(s23, s01));
	sw = _mm_shuffle_epi32(m, 0x4e);
	m = _mm_blendv_epi8(m, sw, _mm_cmpgt_epi64(sw, m));
	oldest = (unsigned int)_mm_movemask_pd(_mm_castsi128_pd(_mm_cmpeq_epi64(s01, m))) |
		 (unsigned int)_mm_movemask_pd(_mm_castsi128_pd(_mm_cmpeq_epi64(s23, m))) << 2;
	*evict = true;
	return _mm_cvtsi128_si64(m) > 0 ? (unsigned int)__builtin_ctz(oldest) : 0;
#else
	int64_t age[VB_BUCKET_WAYS], oldest_age = INT64_MIN;
	unsigned int i, oldest = 0;

	for (i = 0; i < VB_BUCKET_WAYS; i++)
		if ((v->k[i] | v->t[i]) == 0) {
			*evict = false;
			return i;
		}
	for (i = 0; i < VB_BUCKET_WAYS; i++) {
		age[i] = (int64_t)((now << tshift) - (v->t[i] << tshift));
		if (age[i] > (int64_t)(ttl << tshift)) {
			*evict = false;
			return i;
		}
	}
	for (i = 0; i < VB_BUCKET_WAYS; i++)
		if (age[i] > oldest_age) {
			oldest_age = age[i];
			oldest = i;
		}
	*evict = true;
	return oldest_age > 0 ? oldest : 0;
#endif
}

#endif /* VB_BUCKET_DP_H */
