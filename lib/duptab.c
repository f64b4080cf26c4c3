/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Duplicate table; see duptab.h for the verdicts and the races accepted.
 *
 * Entry layout (two 64-bit words, each stored and loaded with one relaxed atomic access):
 *   w0: tag (32, high hash bits) | pkt_len (16) | last rx port (8) | crossings (8)
 *   w1: check (16) | TSC of the last sighting, low 48 bits
 * The check covers w0 and the time, so an entry whose words come from two different writes
 * is (almost always) seen as torn.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>

#include "duptab.h"

#define VB_DUPTAB_MAGIC		0x5642445550544231ULL	/* "VBDUPTB1" */
#define T48_MASK		((UINT64_C(1) << 48) - 1)
#define T48_HALF		(UINT64_C(1) << 47)

struct vb_dup_ent {
	uint64_t w0;
	uint64_t w1;
};

_Static_assert(sizeof(struct vb_duptab_hdr) == 64, "header is one cache line");
_Static_assert(sizeof(struct vb_dup_ent) * VB_DUPTAB_WAYS == 64, "bucket is one cache line");

uint64_t
vb_hash_bytes(const uint8_t *p, uint32_t len, uint64_t seed)
{
	return vb_dup_hash_bytes(p, len, seed);
}

/* 16 check bits over the key word and the time: a torn pair of words fails it. */
static inline uint64_t
ent_check(uint64_t w0, uint64_t t48)
{
	return vb_crc64(t48, vb_crc64(w0, 0x2d358dccu)) >> 16;
}

/* Age in ticks of a 48-bit time; a time slightly ahead (another lcore's TSC) is age 0. */
static inline uint64_t
age48(uint64_t now, uint64_t t48)
{
	uint64_t a = (now - t48) & T48_MASK;

	return a >= T48_HALF ? 0 : a;
}

static inline bool
ent_valid(uint64_t w0, uint64_t w1)
{
	/* all zero is an empty entry, whatever its check would be */
	return (w0 | w1) != 0 && (w1 >> 48) == ent_check(w0, w1 & T48_MASK);
}

static inline struct vb_dup_ent *
ents_of(void *mem)
{
	return (struct vb_dup_ent *)((uint8_t *)mem + sizeof(struct vb_duptab_hdr));
}

size_t
vb_duptab_mem_size(uint32_t entries)
{
	return sizeof(struct vb_duptab_hdr) + (size_t)entries * sizeof(struct vb_dup_ent);
}

int
vb_duptab_init(void *mem, uint32_t entries, uint32_t hash_len, uint64_t window)
{
	struct vb_duptab_hdr *hdr = mem;

	if (mem == NULL || ((uintptr_t)mem & 63) != 0 || !rte_is_power_of_2(entries) ||
	    entries < VB_DUPTAB_MIN_ENTRIES || entries > VB_DUPTAB_MAX_ENTRIES ||
	    hash_len == 0 || hash_len > VB_DUPTAB_HASH_LEN_MAX ||
	    window == 0 || window >= (UINT64_C(1) << 46))
		return -EINVAL;
	memset(mem, 0, vb_duptab_mem_size(entries));
	hdr->entries = entries;
	hdr->bucket_mask = entries / VB_DUPTAB_WAYS - 1;
	hdr->hash_len = hash_len;
	hdr->window = window;
	/* last, so that a reader seeing the magic sees the rest */
	__atomic_store_n(&hdr->magic, VB_DUPTAB_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

uint32_t
vb_duptab_entries(const void *mem)
{
	const struct vb_duptab_hdr *hdr = mem;

	if (mem == NULL || __atomic_load_n(&hdr->magic, __ATOMIC_ACQUIRE) != VB_DUPTAB_MAGIC)
		return 0;
	return hdr->entries;
}

/*
 * How much a way is worth replacing: an empty way most, then an expired one, then the live
 * one seen longest ago (its age). The first way of the highest score is taken.
 */
#define SCORE_EMPTY	(UINT64_C(3) << 62)
#define SCORE_EXPIRED	(UINT64_C(2) << 62)

static inline uint64_t
way_score(uint64_t w0, uint64_t w1, uint64_t now, uint64_t window)
{
	uint64_t age = age48(now, w1 & T48_MASK);

	if ((w0 | w1) == 0)
		return SCORE_EMPTY;
	return age > window ? SCORE_EXPIRED : age;
}

enum vb_dup_verdict
vb_duptab_check_hashed(void *mem, uint64_t h, uint32_t pkt_len, uint8_t rx_port,
		       uint8_t tx_port, uint64_t now, struct vb_tab_ctrs *ev)
{
	const struct vb_duptab_hdr *hdr = mem;
	const uint64_t window = hdr->window;
	struct vb_dup_ent *b;
	uint64_t key, k[VB_DUPTAB_WAYS], w0, w1, t48 = now & T48_MASK;
	enum vb_dup_verdict verdict = VB_DUP_NEW;
	unsigned int victim, cross = 0, match;

	key = (h >> 32) << 32 | (uint64_t)(pkt_len & 0xffff) << 16;
	b = ents_of(mem) + (size_t)(h & hdr->bucket_mask) * VB_DUPTAB_WAYS;

	/* The keys first, all four: only the frame's own entry is worth its check. */
	k[0] = __atomic_load_n(&b[0].w0, __ATOMIC_RELAXED);
	k[1] = __atomic_load_n(&b[1].w0, __ATOMIC_RELAXED);
	k[2] = __atomic_load_n(&b[2].w0, __ATOMIC_RELAXED);
	k[3] = __atomic_load_n(&b[3].w0, __ATOMIC_RELAXED);
	_Static_assert(VB_DUPTAB_WAYS == 4, "the key test covers four ways");
	match = (unsigned int)(((k[0] ^ key) >> 16) == 0) |
		(unsigned int)(((k[1] ^ key) >> 16) == 0) << 1 |
		(unsigned int)(((k[2] ^ key) >> 16) == 0) << 2 |
		(unsigned int)(((k[3] ^ key) >> 16) == 0) << 3;
	if (match != 0) {
		victim = (unsigned int)__builtin_ctz(match);
		w0 = k[victim];
		w1 = __atomic_load_n(&b[victim].w1, __ATOMIC_RELAXED);
		if (!ent_valid(w0, w1)) {
			ev->torn++;	/* treated as empty: this sighting is a new one */
			ev->inserts++;
		} else if (age48(now, w1 & T48_MASK) > window) {
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
		uint64_t s, best;
		unsigned int i;

		best = way_score(k[0], __atomic_load_n(&b[0].w1, __ATOMIC_RELAXED), now, window);
		victim = 0;
		for (i = 1; i < VB_DUPTAB_WAYS; i++) {
			s = way_score(k[i], __atomic_load_n(&b[i].w1, __ATOMIC_RELAXED), now,
				      window);
			if (s > best) {
				best = s;
				victim = i;
			}
		}
		ev->inserts++;
		if (best < SCORE_EXPIRED)
			ev->evictions++;
	}
	w0 = key | (uint64_t)rx_port << 8 | cross;
	__atomic_store_n(&b[victim].w0, w0, __ATOMIC_RELAXED);
	__atomic_store_n(&b[victim].w1, ent_check(w0, t48) << 48 | t48, __ATOMIC_RELAXED);
	return verdict;
}

enum vb_dup_verdict
vb_duptab_check(void *mem, const uint8_t *frame, uint32_t len, uint32_t pkt_len,
		uint8_t rx_port, uint8_t tx_port, uint64_t now, struct vb_tab_ctrs *ev)
{
	uint64_t h = vb_duptab_hash(mem, frame, len, pkt_len, rx_port, tx_port);

	return vb_duptab_check_hashed(mem, h, pkt_len, rx_port, tx_port, now, ev);
}

uint32_t
vb_duptab_occupancy(const void *mem, uint64_t now)
{
	const struct vb_duptab_hdr *hdr = mem;
	const struct vb_dup_ent *e;
	uint32_t i, n = 0, entries = vb_duptab_entries(mem);

	e = (const struct vb_dup_ent *)((const uint8_t *)mem + sizeof(*hdr));
	for (i = 0; i < entries; i++) {
		uint64_t w0 = __atomic_load_n(&e[i].w0, __ATOMIC_RELAXED);
		uint64_t w1 = __atomic_load_n(&e[i].w1, __ATOMIC_RELAXED);

		if (ent_valid(w0, w1) && age48(now, w1 & T48_MASK) <= hdr->window)
			n++;
	}
	return n;
}

const char *
vb_dup_verdict_name(enum vb_dup_verdict v)
{
	static const char *const names[] = {
		[VB_DUP_NEW] = "new",
		[VB_DUP_DUPLICATE] = "duplicate",
		[VB_DUP_REFLECTED] = "reflected",
		[VB_DUP_LOOPED] = "looped",
	};

	if ((unsigned int)v >= RTE_DIM(names))
		return "?";
	return names[v];
}
