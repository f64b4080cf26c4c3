/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The duplicate table's datapath, inline, for lib/duptab.c and the classifier's burst loop
 * (lib/classify.c) only: one call less per frame, and the compiler schedules a burst's
 * lookups together. duptab.h has the contract; duptab.c the rest.
 *
 * Entry layout (two 64-bit words, stored together and loaded each whole, bucket_dp.h):
 *   w0: tag (32, high hash bits) | pkt_len (16) | last rx port (8) | crossings (8)
 *   w1: check (16) | TSC of the last sighting, low 48 bits
 * The check covers w0 and the time, so an entry whose words come from two different writes
 * is (almost always) seen as torn.
 */
#ifndef VB_DUPTAB_DP_H
#define VB_DUPTAB_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

#include "bucket_dp.h"
#include "duptab.h"

#define VB_DUP_T48_MASK		((UINT64_C(1) << 48) - 1)
#define VB_DUP_T48_HALF		(UINT64_C(1) << 47)

_Static_assert(sizeof(struct vb_duptab_hdr) == 64, "header is one cache line");
_Static_assert(VB_DUPTAB_WAYS == VB_BUCKET_WAYS, "a bucket of bucket_dp.h");

/* 16 check bits over the key word and the time: a torn pair of words fails it. */
static inline uint64_t
dup_ent_check(uint64_t w0, uint64_t t48)
{
	return vb_crc64(t48, vb_crc64(w0, 0x2d358dccu)) >> 16;
}

/* Age in ticks of a 48-bit time; a time slightly ahead (another lcore's TSC) is age 0. */
static inline uint64_t
dup_age48(uint64_t now, uint64_t t48)
{
	uint64_t a = (now - t48) & VB_DUP_T48_MASK;

	return a >= VB_DUP_T48_HALF ? 0 : a;
}

static inline bool
dup_ent_valid(uint64_t w0, uint64_t w1)
{
	/* all zero is an empty entry, whatever its check would be */
	return (w0 | w1) != 0 && (w1 >> 48) == dup_ent_check(w0, w1 & VB_DUP_T48_MASK);
}

static inline struct vb_way *
dup_ents_of(void *mem)
{
	return (struct vb_way *)((uint8_t *)mem + sizeof(struct vb_duptab_hdr));
}

/*
 * The lookup of the table whose entries are ents, its header read from hdr: a copy that the
 * caller made once per burst can stay in registers, where the table's own header would be
 * read again after every write to the table (the compiler cannot tell they do not overlap).
 */
static inline enum vb_dup_verdict
vb_duptab_lookup_in(const struct vb_duptab_hdr *hdr, struct vb_way *ents, uint64_t h,
		    uint32_t pkt_len, uint8_t rx_port, uint8_t tx_port, uint64_t now,
		    struct vb_tab_ctrs *ev)
{
	const uint64_t window = hdr->window;
	struct vb_way *b;
	struct vb_bucket v;
	uint64_t key, w0, w1, t48 = now & VB_DUP_T48_MASK;
	enum vb_dup_verdict verdict = VB_DUP_NEW;
	unsigned int victim, cross = 0, match;

	key = (h >> 32) << 32 | (uint64_t)(pkt_len & 0xffff) << 16;
	b = ents + (size_t)(h & hdr->bucket_mask) * VB_DUPTAB_WAYS;

	vb_bucket_read(b, &v);
	match = vb_bucket_match(&v, key, 16);
	if (match != 0) {
		victim = (unsigned int)__builtin_ctz(match);
		w0 = vb_bucket_w0(&v, victim);
		w1 = __atomic_load_n(&b[victim].w1, __ATOMIC_RELAXED);
		if (!dup_ent_valid(w0, w1)) {
			ev->torn++;	/* treated as empty: this sighting is a new one */
			ev->inserts++;
		} else if (dup_age48(now, w1 & VB_DUP_T48_MASK) > window) {
			ev->inserts++;	/* expired: new again */
		} else {
			unsigned int port = (w0 >> 8) & 0xff;

			cross = w0 & 0xff;
			if (port == rx_port) {
				verdict = VB_DUP_DUPLICATE;
			} else if (port == tx_port) {
				verdict = cross == 0 ? VB_DUP_REFLECTED : VB_DUP_LOOPED;
				if (cross < 255)
					cross++;
			} else {
				/* a hash collision across pairs: start over */
				cross = 0;
			}
		}
	} else {
		/*
		 * A new key takes an empty way, else an expired one, else the oldest. The time of
		 * an entry is trusted without its check here: a torn entry can only be evicted a
		 * little early or late, and it gives no verdict, since its key did not match.
		 */
		bool evict;

		/* the time: w1's low 48 bits */
		victim = vb_bucket_victim(&v, now, 16, window, &evict);
		ev->inserts++;
		if (evict)
			ev->evictions++;
	}
	w0 = key | (uint64_t)rx_port << 8 | cross;
	vb_way_store(&b[victim], w0, dup_ent_check(w0, t48) << 48 | t48);
	return verdict;
}

static inline enum vb_dup_verdict
vb_duptab_lookup(void *mem, uint64_t h, uint32_t pkt_len, uint8_t rx_port, uint8_t tx_port,
		 uint64_t now, struct vb_tab_ctrs *ev)
{
	return vb_duptab_lookup_in(mem, dup_ents_of(mem), h, pkt_len, rx_port, tx_port, now, ev);
}

#endif /* VB_DUPTAB_DP_H */
