/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bucket probe that the duplicate and MAC tables share (duptab_dp.h, mactab_dp.h): a
 * bucket is one cache line of four 16-byte ways, each a key word w0 and a word w1 whose high
 * 16 bits are a check and whose low bits hold a time; all zero is an empty way. Datapath
 * only, inline; the tables say what their words mean.
 */
#ifndef VB_BUCKET_DP_H
#define VB_BUCKET_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

#define VB_BUCKET_WAYS		4

/* One way, as both tables lay it out. */
struct vb_way {
	uint64_t w0;
	uint64_t w1;
};

_Static_assert(sizeof(struct vb_way) * VB_BUCKET_WAYS == 64, "a bucket is one cache line");

/*
 * The ways whose key word equals key above its low `shift` bits, as bits 0-3; k[] gets the
 * four key words. The keys first, all four: only the key's own entry is worth its check.
 * An empty way is nobody's entry, even for the key that its zero words would match.
 */
static inline unsigned int
vb_bucket_match(const struct vb_way *b, uint64_t key, unsigned int shift, uint64_t k[4])
{
	unsigned int match, i;

	k[0] = __atomic_load_n(&b[0].w0, __ATOMIC_RELAXED);
	k[1] = __atomic_load_n(&b[1].w0, __ATOMIC_RELAXED);
	k[2] = __atomic_load_n(&b[2].w0, __ATOMIC_RELAXED);
	k[3] = __atomic_load_n(&b[3].w0, __ATOMIC_RELAXED);
	match = (unsigned int)(((k[0] ^ key) >> shift) == 0) |
		(unsigned int)(((k[1] ^ key) >> shift) == 0) << 1 |
		(unsigned int)(((k[2] ^ key) >> shift) == 0) << 2 |
		(unsigned int)(((k[3] ^ key) >> shift) == 0) << 3;
	if (unlikely((key >> shift) == 0))
		for (i = 0; i < VB_BUCKET_WAYS; i++)
			if (k[i] == 0 && __atomic_load_n(&b[i].w1, __ATOMIC_RELAXED) == 0)
				match &= ~(1u << i);
	return match;
}

/* A way's claim to be replaced: an empty way's is the highest of all. */
#define VB_BUCKET_EMPTY		INT64_MAX

/*
 * The way a new key takes, from each way's score (VB_BUCKET_EMPTY, else its age, negative
 * when its time is ahead of now: another lcore's later TSC): an empty way first, else an
 * expired one (age > ttl; all alike, so the first), else the oldest, an age below 0 counting
 * as 0 (the first of the highest). *evict: the way holds a live entry, lost now. The common
 * case (every way live, one oldest) is a tournament of pairs without a branch per way.
 */
static inline unsigned int
vb_bucket_victim(int64_t s0, int64_t s1, int64_t s2, int64_t s3, int64_t ttl, bool *evict)
{
	unsigned int v01 = s1 > s0, v23 = s3 > s2, victim;
	int64_t b01 = v01 ? s1 : s0, b23 = v23 ? s3 : s2;

	if (b23 > b01) {
		victim = 2 + v23;
		b01 = b23;
	} else {
		victim = v01;
	}
	*evict = b01 <= ttl;
	if (unlikely(b01 > ttl) && b01 != VB_BUCKET_EMPTY)
		victim = (unsigned int)__builtin_ctz((unsigned int)(s0 > ttl) |
						     (unsigned int)(s1 > ttl) << 1 |
						     (unsigned int)(s2 > ttl) << 2 |
						     (unsigned int)(s3 > ttl) << 3);
	else if (unlikely(b01 <= 0))
		victim = 0;
	return victim;
}

#endif /* VB_BUCKET_DP_H */
