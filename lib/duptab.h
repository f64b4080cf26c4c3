/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The duplicate table: which broadcast/multicast frames the bridge has seen recently, on which
 * port, so that a frame coming back can be told apart from a new one.
 *
 * A frame's key is a 64-bit hash of its first hash_len bytes, its total length and its pair
 * (the two ports it travels between). The table is a flat array of 4-way buckets (one cache
 * line each), bounded and lossy: a new key replaces an empty, expired or torn entry of its
 * bucket, else the oldest one (an eviction). Entries live for `window` TSC ticks after their
 * last sighting. The table holds no pointers and lives in shared memory; all worker lcores
 * read and write it without locks or locked instructions.
 *
 * Verdicts, for a frame received on port P whose peer is Q (the bridge sends it out of Q):
 *   NEW        no live entry: first sighting in the window;
 *   DUPLICATE  last seen received on P as well: P's side delivered it twice (two uplinks
 *              flooding the same broadcast, a sender repeating itself);
 *   REFLECTED  last seen received on Q, so the bridge sent it out of P, and this is its first
 *              crossing back: P's side sends our broadcasts back to us (the scenario's fault,
 *              a vSwitch with two uplinks). A second path between the two sides also looks
 *              like this on its first crossing;
 *   LOOPED     last seen received on Q, and it had already crossed back before: the frame has
 *              now come back from both sides and circulates through the bridge and the
 *              network (a loop, a broadcast storm in the making).
 * A sequence "Q, P, Q, P" therefore reads NEW, REFLECTED, LOOPED, LOOPED.
 * Each call then records the frame as last received on P at `now`.
 *
 * Races accepted (no locks, no locked instructions):
 * - each entry is two 64-bit words written with two relaxed stores; the second word carries a
 *   16-bit check over both, so a torn entry (words of two different writes) is detected, with
 *   probability 1 - 2^-16, and treated as empty: a missed detection (NEW instead of a verdict);
 * - the port and crossing count are in the same word as the key, so a verdict other than NEW
 *   always comes from a real earlier sighting of that key; an undetected torn entry can only
 *   give a wrong time (a verdict outside the window or a miss inside it);
 * - two lcores updating the same bucket at once may lose one update (last writer wins): that
 *   sighting is forgotten, a later copy reads NEW, or DUPLICATE instead of REFLECTED/LOOPED;
 * - a false match needs two different frames with the same length and equal hash bits (the
 *   32-bit tag plus the bucket index, from two independent CRC32-C chains) within the window;
 * - only an entry whose key matches is checked for tearing (keys are compared first): a torn
 *   entry of another key is evicted by the time it claims, a little early or late at worst.
 * tests/unit/test_duptab.c bounds these with two threads hammering one table.
 */
#ifndef VB_DUPTAB_H
#define VB_DUPTAB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_prefetch.h>
#if defined(RTE_ARCH_X86) && defined(__SSE4_2__)
#include <nmmintrin.h>
#endif

#define VB_DUPTAB_WAYS		4	/* entries per bucket: 4 x 16 bytes = one cache line */
#define VB_DUPTAB_MIN_ENTRIES	VB_DUPTAB_WAYS
#define VB_DUPTAB_MAX_ENTRIES	(1u << 24)
#define VB_DUPTAB_HASH_LEN_MAX	65535
#define VB_DUPTAB_DEF_HASH_LEN	128	/* bytes hashed by default: enough to tell ARPs apart */

enum vb_dup_verdict {
	VB_DUP_NEW = 0,
	VB_DUP_DUPLICATE,
	VB_DUP_REFLECTED,
	VB_DUP_LOOPED,
};

/*
 * Events of one call, counted by the caller (per lcore, one writer): the table itself keeps
 * no counters, since every lcore writes it.
 */
struct vb_tab_ctrs {
	uint64_t inserts;	/* a new key was written */
	uint64_t evictions;	/* ... over a live entry (its window not over): detection lost */
	uint64_t torn;		/* an entry failed its check and was treated as empty */
};

/*
 * The table's header, written once by vb_duptab_init and read-only afterwards (lcores read it
 * without care). In the header only so that vb_duptab_prefetch can be inline.
 */
struct vb_duptab_hdr {
	uint64_t magic;
	uint32_t entries;
	uint32_t bucket_mask;
	uint32_t hash_len;
	uint32_t reserved0;
	uint64_t window;
	uint64_t reserved[4];	/* keeps the entries on their own cache lines */
};

/* Bytes needed for a table of `entries` entries (a power of two), header included. */
size_t vb_duptab_mem_size(uint32_t entries);

/*
 * Initialise a table in mem (64-byte aligned, vb_duptab_mem_size(entries) bytes, e.g. in
 * the stats segment), before any lcore uses it. entries: a power of two in
 * [VB_DUPTAB_MIN_ENTRIES, VB_DUPTAB_MAX_ENTRIES]; hash_len: bytes of each frame hashed
 * (1..VB_DUPTAB_HASH_LEN_MAX); window: TSC ticks a sighting stays live (> 0, < 2^46).
 * Returns 0, or -EINVAL naming no field (the caller validated its config already).
 */
int vb_duptab_init(void *mem, uint32_t entries, uint32_t hash_len, uint64_t window);

/*
 * Datapath, any lcore, concurrently: the verdict for a broadcast/multicast frame received on
 * rx_port and forwarded to tx_port at TSC `now`, then record it. frame/len: readable bytes;
 * pkt_len: the frame's total length. Events go to *ev (not NULL). No allocation, no lock.
 */
enum vb_dup_verdict vb_duptab_check(void *mem, const uint8_t *frame, uint32_t len,
				    uint32_t pkt_len, uint8_t rx_port, uint8_t tx_port,
				    uint64_t now, struct vb_tab_ctrs *ev);

/*
 * The same in two steps, so that a burst's cache misses overlap (classify.c): the frame's
 * hash (vb_duptab_hash; reads the frame, not the table), then, after vb_duptab_prefetch of
 * every hash of the burst, the lookup and update (vb_duptab_check_hashed). The pair of calls
 * is exactly vb_duptab_check.
 */
static inline uint64_t vb_duptab_hash(const void *mem, const uint8_t *frame, uint32_t len,
				      uint32_t pkt_len, uint8_t rx_port, uint8_t tx_port);
enum vb_dup_verdict vb_duptab_check_hashed(void *mem, uint64_t h, uint32_t pkt_len,
					   uint8_t rx_port, uint8_t tx_port, uint64_t now,
					   struct vb_tab_ctrs *ev);

/* Start loading the bucket of hash h (one cache line). */
static inline void
vb_duptab_prefetch(const void *mem, uint64_t h)
{
	const struct vb_duptab_hdr *hdr = mem;

	rte_prefetch0((const uint8_t *)mem + sizeof(*hdr) + (size_t)(h & hdr->bucket_mask) * 64);
}

/* Reader: live (not expired, not torn) entries at `now`; walks the whole table. */
uint32_t vb_duptab_occupancy(const void *mem, uint64_t now);

/* Reader: the table's size in entries, 0 if mem does not hold an initialised table. */
uint32_t vb_duptab_entries(const void *mem);

/* Name of a verdict ("new", "duplicate", "reflected", "looped"). */
const char *vb_dup_verdict_name(enum vb_dup_verdict v);

/*
 * The hash used for the key (exposed for tests and tools): 64 bits over len bytes, seeded.
 * Not cryptographic; fast: two CRC32-C instructions per 8 bytes (rte_hash_crc), in parallel.
 * vb_dup_hash_bytes is the same, inline, for a burst's hashes to overlap in the pipeline.
 */
uint64_t vb_hash_bytes(const uint8_t *p, uint32_t len, uint64_t seed);

/*
 * One CRC32-C step over 8 bytes, as rte_hash_crc_8byte computes it. Where the build targets
 * SSE4.2 (Debian's DPDK: -march=corei7) the instruction itself, without rte_hash_crc's test
 * of the algorithm on every call (a third of the hash's instructions); elsewhere
 * rte_hash_crc_8byte, which picks the instruction or the tables at run time. Same values.
 */
static inline uint32_t
vb_crc64(uint64_t data, uint32_t crc)
{
#if defined(RTE_ARCH_X86) && defined(__SSE4_2__)
	return (uint32_t)_mm_crc32_u64(crc, data);
#else
	return rte_hash_crc_8byte(data, crc);
#endif
}

static inline uint64_t
vb_dup_load64_(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t
vb_dup_hash_bytes(const uint8_t *p, uint32_t len, uint64_t seed)
{
	/*
	 * CRC32-C chains, one instruction per 8 bytes each: a and c over alternate words, b and
	 * d over the same words with their halves swapped, folded at the end (a with c, b with
	 * d). CRC is linear, so a second seed alone would give b = a ^ constant; the swap makes
	 * b a different linear map of the bytes, and the two 32-bit halves independent for the
	 * frames we see. Any difference within 32 consecutive bits changes both (a CRC catches
	 * every such burst). Four chains, not two: a chain waits 3 cycles per step, so a frame's
	 * hash takes half the time, and a burst's hashes overlap better.
	 */
	uint32_t a = (uint32_t)seed ^ 0x9e3779b9u, b = (uint32_t)(seed >> 32) ^ 0x7f4a7c15u;
	uint32_t c = 0x85ebca6bu, d = 0xc2b2ae35u;
	uint32_t n = len;
	uint64_t w, x;

	b = vb_crc64(seed, b);
	while (n >= 16) {
		w = vb_dup_load64_(p);
		x = vb_dup_load64_(p + 8);
		a = vb_crc64(w, a);
		c = vb_crc64(x, c);
		b = vb_crc64(w >> 32 | w << 32, b);
		d = vb_crc64(x >> 32 | x << 32, d);
		p += 16;
		n -= 16;
	}
	if (n >= 8) {
		w = vb_dup_load64_(p);
		a = vb_crc64(w, a);
		b = vb_crc64(w >> 32 | w << 32, b);
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		/*
		 * The last n bytes, never a byte past the end of the frame: the 8 bytes ending at
		 * the end, shifted (a byte-wise copy to memory and a wide load would stall on
		 * store forwarding: a quarter of the hash's time); short inputs byte by byte.
		 */
		if (len >= 8) {
			x = vb_dup_load64_(p + n - 8) >> (8 * (8 - n));
		} else {
			x = 0;
			while (n-- > 0)
				x = x << 8 | p[n];
		}
		c = vb_crc64(x, c);
		d = vb_crc64(x >> 32 | x << 32, d);
	}
	a = vb_crc64((uint64_t)c << 32 | len, a);
	b = vb_crc64((uint64_t)d << 32 | (len ^ 0x5bd1e995u), b);
	return (uint64_t)b << 32 | a;
}

static inline uint64_t
vb_duptab_hash(const void *mem, const uint8_t *frame, uint32_t len, uint32_t pkt_len,
	       uint8_t rx_port, uint8_t tx_port)
{
	const struct vb_duptab_hdr *hdr = mem;
	uint64_t seed;

	/* the pair is unordered: both directions of one pair share the frame's entry */
	seed = (uint64_t)pkt_len << 16 | (uint64_t)RTE_MIN(rx_port, tx_port) << 8 |
	       RTE_MAX(rx_port, tx_port);
	return vb_dup_hash_bytes(frame, RTE_MIN(len, hdr->hash_len), seed);
}

#endif /* VB_DUPTAB_H */
