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
 * - each entry is two 64-bit words, written by one 16-byte store (two 8-byte stores without
 *   SSE4.2) and read as two words that are each whole (bucket_dp.h); the second carries a
 *   16-bit check over both, so a torn entry (words of two different writes) is detected, with
 *   probability 1 - 2^-16, and treated as empty: a missed detection (NEW instead of a verdict);
 * - the port and crossing count are in the same word as the key, so a verdict other than NEW
 *   always comes from a real earlier sighting of that key; an undetected torn entry can only
 *   give a wrong time (a verdict outside the window or a miss inside it);
 * - two lcores updating the same bucket at once may lose one update (last writer wins): that
 *   sighting is forgotten, a later copy reads NEW, or DUPLICATE instead of REFLECTED/LOOPED;
 * - a false match needs two different frames with the same length and equal hash bits (the
 *   32-bit tag plus the bucket index: AES rounds, or two independent CRC32-C chains, see
 *   vb_dup_hash_aes) within the window;
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
#if defined(RTE_ARCH_X86)
#include <wmmintrin.h>
#include <tmmintrin.h>
/* The AES-NI hash is built on every x86 build and used where the CPU has AES (at run time). */
#define VB_DUP_HAVE_AES		1
#define VB_DUP_TARGET_AES	__attribute__((target("aes,sse4.2")))
#endif

#define VB_DUPTAB_WAYS		4	/* entries per bucket: 4 x 16 bytes = one cache line */
#define VB_DUPTAB_MIN_ENTRIES	VB_DUPTAB_WAYS
#define VB_DUPTAB_MAX_ENTRIES	(1u << 24)
#define VB_DUPTAB_HASH_LEN_MAX	65535
#define VB_DUPTAB_DEF_HASH_LEN	128	/* bytes hashed by default: enough to tell ARPs apart */

/*
 * The function that hashes a table's frames, chosen by vb_duptab_init for the CPU it runs on
 * and kept in the table's header: every lcore of the process hashes alike, and the choice is
 * made once, not per frame.
 */
enum vb_dup_hash {
	VB_DUP_HASH_CRC = 0,	/* four CRC32-C chains: any CPU (SSE4.2 or rte_hash_crc) */
	VB_DUP_HASH_AES,	/* AES rounds, x86 with AES-NI: a quarter of the instructions */
};

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
	uint32_t hash;		/* enum vb_dup_hash: the function that makes the table's keys */
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
 * The same with the hash named (tests, benchmarks): -ENOTSUP for VB_DUP_HASH_AES on a CPU or
 * build without it. vb_duptab_init uses vb_dup_hash_best().
 */
int vb_duptab_init_hash(void *mem, uint32_t entries, uint32_t hash_len, uint64_t window,
			enum vb_dup_hash hash);

/* The hash vb_duptab_init chooses here: AES where the CPU has AES-NI, else CRC. Asks CPUID. */
enum vb_dup_hash vb_dup_hash_best(void);


/* Name of a hash ("crc32c", "aes"). */
const char *vb_dup_hash_name(enum vb_dup_hash hash);

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

/* The hash of an initialised table (any process, any time: the header is read-only). */
static inline enum vb_dup_hash
vb_duptab_hash_kind(const void *mem)
{
	const struct vb_duptab_hdr *hdr = mem;

	return (enum vb_dup_hash)hdr->hash;
}

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
 * The hash of the key (exposed for tests and tools): 64 bits over len bytes, seeded. Not
 * cryptographic. vb_hash_bytes is the hash that vb_duptab_init chooses on this CPU
 * (vb_dup_hash_best(), asked on every call: not for the datapath), so that a tool computing a
 * frame's key agrees with the tables of a vbridge on the same machine; vb_hash_bytes_crc and
 * vb_hash_bytes_aes are each function itself (vb_hash_bytes_aes only where
 * vb_dup_hash_best() is VB_DUP_HASH_AES). vb_dup_hash_crc and vb_dup_hash_aes are the same,
 * inline, for a burst's hashes to overlap in the pipeline.
 */
uint64_t vb_hash_bytes(const uint8_t *p, uint32_t len, uint64_t seed);
uint64_t vb_hash_bytes_crc(const uint8_t *p, uint32_t len, uint64_t seed);
#ifdef VB_DUP_HAVE_AES
uint64_t vb_hash_bytes_aes(const uint8_t *p, uint32_t len, uint64_t seed);
#endif

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
vb_dup_hash_crc(const uint8_t *p, uint32_t len, uint64_t seed)
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


#ifdef VB_DUP_HAVE_AES
/*
 * The hash by AES rounds (the construction of aHash, gxhash, Meow): the 128-bit state starts
 * from the seed and the length, takes each 16-byte block b as s = R(s) ^ b, R one keyless AES
 * round (aesenc: SubBytes, ShiftRows, MixColumns; a permutation), then three rounds more,
 * and the low 64 bits are the hash. The tail (1-15 bytes) is read as the 16 bytes that end at
 * the input's end, shifted down with zeros above: no byte past the end, and no byte in two
 * blocks; a shorter input is copied (rare: hash_len < 16).
 *
 * Why differences do not cancel (the frames differ in a MAC, an IP, a counter):
 * - in one block only: the states after that block differ, and stay different through every
 *   later step, a permutation; only the final 64 of 128 bits can collide, after three rounds
 *   (two give every output bit every input bit);
 * - in two blocks i < j: block i's difference passes at least one round before block j's
 *   meets it, and cancels only if block j's difference is that round's output difference
 *   exactly. One round sends a byte's difference at row r, column c to the whole column
 *   (c - r) mod 4 (ShiftRows, then MixColumns, branch number 5: a active bytes of a column in,
 *   at least 5 - a out), with values the S-box draws from the state. So block j must differ
 *   in at least 5 - a bytes of every column block i's difference reaches, and in no other,
 *   with those values. Checked over every such set of bytes: a field of up to 11 bytes at
 *   the same offset of two blocks (the Ethernet and ARP source MACs, 16 bytes apart) never
 *   can; a counter of up to 8 bytes carried over a block boundary only as 1 + 4 bytes, where
 *   the 4 would need MixColumns' ratios 2:1:1:3 and a carry gives 4 equal bytes (0xff).
 *   Other differences cancel with a probability of at most 2^-6 per active S-box, and two
 *   or more rounds apart at most 2^-30 (five active S-boxes in two rounds);
 * - in the seed (length, pair): the seed is block -1, under the same argument.
 * The CRC hash is linear: differences within 32 bits never collide, but any two blocks' can.
 */
static inline VB_DUP_TARGET_AES uint64_t
vb_dup_hash_aes(const uint8_t *p, uint32_t len, uint64_t seed)
{
	/* the tail's shuffle: bytes 16 - n .. 15 of the last 16 down to 0 .. n - 1, zeros above */
	static const uint8_t tail_shuffle[32] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
		0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
		0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	};
	__m128i s = _mm_set_epi64x((int64_t)(len ^ UINT64_C(0x243f6a8885a308d3)),
				   (int64_t)(seed ^ UINT64_C(0x13198a2e03707344)));
	uint32_t n = len;

	/* two blocks a step: half the loop's own instructions for a frame's few blocks */
	while (n >= 32) {
		s = _mm_aesenc_si128(s, _mm_loadu_si128((const __m128i *)(const void *)p));
		s = _mm_aesenc_si128(s, _mm_loadu_si128((const __m128i *)(const void *)(p + 16)));
		p += 32;
		n -= 32;
	}
	if (n >= 16) {
		s = _mm_aesenc_si128(s, _mm_loadu_si128((const __m128i *)(const void *)p));
		p += 16;
		n -= 16;
	}
	if (n > 0) {
		__m128i t;

		if (len >= 16) {
			t = _mm_loadu_si128((const __m128i *)(const void *)(p + n - 16));
			t = _mm_shuffle_epi8(t, _mm_loadu_si128((const __m128i *)(const void *)
								(tail_shuffle + 16 - n)));
		} else {
			uint8_t b[16] = { 0 };

			memcpy(b, p, n);
			t = _mm_loadu_si128((const __m128i *)(const void *)b);
		}
		s = _mm_aesenc_si128(s, t);
	}
	s = _mm_aesenc_si128(s, _mm_set_epi64x(INT64_C(0x452821e638d01377),
					       INT64_C(0x2ffd72dbd01adfb7)));
	s = _mm_aesenc_si128(s, _mm_set_epi64x(INT64_C(0x0801f2e2858efc16),
					       INT64_C(0x636920d871574e69)));
	s = _mm_aesenc_si128(s, _mm_set_epi64x(INT64_C(0x3f84d5b5b5470917),
					       INT64_C(0x9216d5d98979fb1b)));
	return (uint64_t)_mm_cvtsi128_si64(s);
}
#endif

/* The seed of a frame's hash: its length and its pair, unordered (both directions of a pair
 * share the frame's entry). */
static inline uint64_t
vb_duptab_seed(uint32_t pkt_len, uint8_t rx_port, uint8_t tx_port)
{
	return (uint64_t)pkt_len << 16 | (uint64_t)RTE_MIN(rx_port, tx_port) << 8 |
	       RTE_MAX(rx_port, tx_port);
}

/* The CRC hash of a frame for table mem, inline (the burst loop's CRC variant). */
static inline uint64_t
vb_duptab_hash_crc(const void *mem, const uint8_t *frame, uint32_t len, uint32_t pkt_len,
		   uint8_t rx_port, uint8_t tx_port)
{
	const struct vb_duptab_hdr *hdr = mem;

	return vb_dup_hash_crc(frame, RTE_MIN(len, hdr->hash_len),
			       vb_duptab_seed(pkt_len, rx_port, tx_port));
}

#ifdef VB_DUP_HAVE_AES
/* The AES hash of a frame for table mem, inline into callers built for AES (VB_DUP_TARGET_AES,
 * after checking vb_duptab_hash_kind). */
static inline VB_DUP_TARGET_AES uint64_t
vb_duptab_hash_aes(const void *mem, const uint8_t *frame, uint32_t len, uint32_t pkt_len,
		   uint8_t rx_port, uint8_t tx_port)
{
	const struct vb_duptab_hdr *hdr = mem;

	return vb_dup_hash_aes(frame, RTE_MIN(len, hdr->hash_len),
			       vb_duptab_seed(pkt_len, rx_port, tx_port));
}
#endif

static inline uint64_t
vb_duptab_hash(const void *mem, const uint8_t *frame, uint32_t len, uint32_t pkt_len,
	       uint8_t rx_port, uint8_t tx_port)
{
	const struct vb_duptab_hdr *hdr = mem;

#ifdef VB_DUP_HAVE_AES
	/* a call: AES code is not inlined into code built without it */
	if (hdr->hash == VB_DUP_HASH_AES)
		return vb_hash_bytes_aes(frame, RTE_MIN(len, hdr->hash_len),
					 vb_duptab_seed(pkt_len, rx_port, tx_port));
#endif
	return vb_duptab_hash_crc(mem, frame, len, pkt_len, rx_port, tx_port);
}

#endif /* VB_DUPTAB_H */
