/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MAC table's datapath, inline, for lib/mactab.c and the classifier's burst loop
 * (lib/classify.c) only, as duptab_dp.h. mactab.h has the contract and the entry layout.
 */
#ifndef VB_MACTAB_DP_H
#define VB_MACTAB_DP_H

#include <stdbool.h>
#include <stdint.h>

#include "bucket_dp.h"
#include "mactab.h"

#define VB_MAC_T32_HALF		(UINT32_C(1) << 31)

_Static_assert(sizeof(struct vb_mactab_hdr) == 64, "header is one cache line");
_Static_assert(VB_MACTAB_WAYS == VB_BUCKET_WAYS, "a bucket of bucket_dp.h");

/* 16 check bits over the key and the rest of the entry: a torn pair of words fails it. */
static inline uint64_t
mac_ent_check(uint64_t w0, uint64_t w1_low)
{
	return vb_crc64(w1_low, vb_crc64(w0, 0x94d049bbu)) >> 16;
}

static inline bool
mac_ent_valid(uint64_t w0, uint64_t w1)
{
	const uint64_t low = (UINT64_C(1) << 48) - 1;

	/* all zero is an empty entry, whatever its check would be */
	return (w0 | w1) != 0 && (w1 >> 48) == mac_ent_check(w0, w1 & low);
}

static inline uint64_t
mac_ent_w1(uint64_t w0, uint32_t t, unsigned int port, unsigned int moves)
{
	uint64_t low = (uint64_t)moves << 40 | (uint64_t)port << 32 | t;

	return mac_ent_check(w0, low) << 48 | low;
}

/* Age in time units; a time slightly ahead (another lcore's TSC) is age 0. */
static inline uint32_t
mac_age32(uint32_t now, uint32_t t)
{
	uint32_t a = now - t;

	return a >= VB_MAC_T32_HALF ? 0 : a;
}

static inline struct vb_way *
mac_bucket_of(void *mem, uint64_t key)
{
	return (struct vb_way *)((uint8_t *)mem + vb_mactab_bucket_off(mem, key));
}

/* Learn the source; returns VB_MAC_MOVED when it changed port. */
static inline uint32_t
mac_learn(void *mem, uint64_t key, uint8_t rx_port, uint32_t now, struct vb_tab_ctrs *ev)
{
	const struct vb_mactab_hdr *hdr = mem;
	struct vb_way *b = mac_bucket_of(mem, key);
	struct vb_bucket v;
	uint64_t w1 = 0;
	uint32_t age, ret = 0;
	unsigned int victim, moves = 0, match;

	vb_bucket_read(b, &v);
	match = vb_bucket_match(&v, key, 0);
	if (match != 0) {
		victim = (unsigned int)__builtin_ctz(match);
		w1 = __atomic_load_n(&b[victim].w1, __ATOMIC_RELAXED);
		age = mac_age32(now, (uint32_t)w1);
		/*
		 * Steady traffic: same port, fresh. Nothing changes and nothing is reported, so
		 * the check is not worth its cost here; a torn entry is caught on the next write.
		 */
		if (((w1 >> 32) & 0xff) == rx_port && age <= hdr->refresh)
			return 0;
		if (!mac_ent_valid(key, w1)) {
			ev->torn++;	/* treated as absent: learned anew, no move */
			ev->inserts++;
		} else if (age <= hdr->ageing) {
			unsigned int port = (w1 >> 32) & 0xff;

			moves = (w1 >> 40) & 0xff;
			if (port != rx_port) {
				ret = VB_MAC_MOVED;
				if (moves < 255)
					moves++;
			}
		}
		/* else forgotten by a learning bridge: relearn, no move, no insert counted */
	} else {
		/*
		 * A new MAC takes an empty way, else an aged one, else the one seen longest ago.
		 * Times are trusted without their check here: a torn entry of another MAC can
		 * only be replaced a little early or late.
		 */
		bool evict;

		/* the time: w1's low 32 bits */
		victim = vb_bucket_victim(&v, now, 32, hdr->ageing, &evict);
		ev->inserts++;
		if (evict)
			ev->evictions++;
	}
	vb_way_store(&b[victim], key, mac_ent_w1(key, now, rx_port, moves));
	return ret;
}

/* Is key live on rx_port? */
static inline bool
mac_seen_on(void *mem, uint64_t key, uint8_t rx_port, uint32_t now)
{
	const struct vb_mactab_hdr *hdr = mem;
	const struct vb_way *b = mac_bucket_of(mem, key);
	unsigned int i;

	for (i = 0; i < VB_MACTAB_WAYS; i++) {
		uint64_t w0 = __atomic_load_n(&b[i].w0, __ATOMIC_RELAXED);
		uint64_t w1;

		if (w0 != key)
			continue;
		w1 = __atomic_load_n(&b[i].w1, __ATOMIC_RELAXED);
		if (mac_ent_valid(w0, w1) && mac_age32(now, (uint32_t)w1) <= hdr->ageing)
			return ((w1 >> 32) & 0xff) == rx_port;
	}
	return false;
}

static inline uint32_t
vb_mactab_lookup(void *mem, uint64_t dst_key, uint64_t src_key, uint8_t rx_port, uint64_t now,
		 struct vb_tab_ctrs *ev)
{
	uint32_t t = (uint32_t)(now >> VB_MAC_TSHIFT);
	uint32_t ret = 0;

	if (src_key != VB_MAC_NO_KEY)
		ret = mac_learn(mem, src_key, rx_port, t, ev);
	if (dst_key != VB_MAC_NO_KEY && mac_seen_on(mem, dst_key, rx_port, t))
		ret |= VB_MAC_WOULD_FILTER;
	return ret;
}

#endif /* VB_MACTAB_DP_H */
