/* SPDX-License-Identifier: BSD-3-Clause */
/* MAC observation table; see mactab.h for what it says and the races accepted. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>

#include "mactab.h"

#define VB_MACTAB_MAGIC		0x56424d4143544231ULL	/* "VBMACTB1" */
#define T32_HALF		(UINT32_C(1) << 31)

struct vb_mac_ent {
	uint64_t w0;
	uint64_t w1;
};

_Static_assert(sizeof(struct vb_mactab_hdr) == 64, "header is one cache line");
_Static_assert(sizeof(struct vb_mac_ent) * VB_MACTAB_WAYS == 64, "bucket is one cache line");

/* 16 check bits over the key and the rest of the entry: a torn pair of words fails it. */
static inline uint64_t
ent_check(uint64_t w0, uint64_t w1_low)
{
	return vb_crc64(w1_low, vb_crc64(w0, 0x94d049bbu)) >> 16;
}

static inline bool
ent_valid(uint64_t w0, uint64_t w1)
{
	const uint64_t low = (UINT64_C(1) << 48) - 1;

	/* all zero is an empty entry, whatever its check would be */
	return (w0 | w1) != 0 && (w1 >> 48) == ent_check(w0, w1 & low);
}

static inline uint64_t
ent_w1(uint64_t w0, uint32_t t, unsigned int port, unsigned int moves)
{
	uint64_t low = (uint64_t)moves << 40 | (uint64_t)port << 32 | t;

	return ent_check(w0, low) << 48 | low;
}

/* Age in time units; a time slightly ahead (another lcore's TSC) is age 0. */
static inline uint32_t
age32(uint32_t now, uint32_t t)
{
	uint32_t a = now - t;

	return a >= T32_HALF ? 0 : a;
}

static inline struct vb_mac_ent *
bucket_of(void *mem, uint64_t key)
{
	return (struct vb_mac_ent *)((uint8_t *)mem + vb_mactab_bucket_off(mem, key));
}

size_t
vb_mactab_mem_size(uint32_t entries)
{
	return sizeof(struct vb_mactab_hdr) + (size_t)entries * sizeof(struct vb_mac_ent);
}

int
vb_mactab_init(void *mem, uint32_t entries, uint64_t ageing)
{
	struct vb_mactab_hdr *hdr = mem;

	if (mem == NULL || ((uintptr_t)mem & 63) != 0 || !rte_is_power_of_2(entries) ||
	    entries < VB_MACTAB_MIN_ENTRIES || entries > VB_MACTAB_MAX_ENTRIES ||
	    ageing < (UINT64_C(1) << VB_MAC_TSHIFT) || ageing > (UINT64_C(1) << 42))
		return -EINVAL;
	memset(mem, 0, vb_mactab_mem_size(entries));
	hdr->entries = entries;
	hdr->bucket_mask = entries / VB_MACTAB_WAYS - 1;
	hdr->ageing = (uint32_t)(ageing >> VB_MAC_TSHIFT);
	hdr->refresh = hdr->ageing / 8;
	__atomic_store_n(&hdr->magic, VB_MACTAB_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

uint32_t
vb_mactab_entries(const void *mem)
{
	const struct vb_mactab_hdr *hdr = mem;

	if (mem == NULL || __atomic_load_n(&hdr->magic, __ATOMIC_ACQUIRE) != VB_MACTAB_MAGIC)
		return 0;
	return hdr->entries;
}

/* A way's worth replacing for a new MAC: empty, then aged out, then seen longest ago. */
#define SCORE_EMPTY	(UINT64_C(3) << 62)
#define SCORE_AGED	(UINT64_C(2) << 62)

static inline uint64_t
way_score(uint64_t w0, uint64_t w1, uint32_t now, uint32_t ageing)
{
	uint32_t age = age32(now, (uint32_t)w1);

	if ((w0 | w1) == 0)
		return SCORE_EMPTY;
	return age > ageing ? SCORE_AGED : age;
}

/* Learn the source; returns VB_MAC_MOVED when it changed port. */
static uint32_t
learn(void *mem, uint64_t key, uint8_t rx_port, uint32_t now, struct vb_tab_ctrs *ev)
{
	const struct vb_mactab_hdr *hdr = mem;
	struct vb_mac_ent *b = bucket_of(mem, key);
	uint64_t k[VB_MACTAB_WAYS], w1;
	uint32_t age, ret = 0;
	unsigned int victim, moves = 0, match;

	/* The keys first, all four: only the MAC's own entry is worth its check. */
	k[0] = __atomic_load_n(&b[0].w0, __ATOMIC_RELAXED);
	k[1] = __atomic_load_n(&b[1].w0, __ATOMIC_RELAXED);
	k[2] = __atomic_load_n(&b[2].w0, __ATOMIC_RELAXED);
	k[3] = __atomic_load_n(&b[3].w0, __ATOMIC_RELAXED);
	_Static_assert(VB_MACTAB_WAYS == 4, "the key test covers four ways");
	match = (unsigned int)(k[0] == key) | (unsigned int)(k[1] == key) << 1 |
		(unsigned int)(k[2] == key) << 2 | (unsigned int)(k[3] == key) << 3;
	if (match != 0) {
		victim = (unsigned int)__builtin_ctz(match);
		w1 = __atomic_load_n(&b[victim].w1, __ATOMIC_RELAXED);
		age = age32(now, (uint32_t)w1);
		/*
		 * Steady traffic: same port, fresh. Nothing changes and nothing is reported, so
		 * the check is not worth its cost here; a torn entry is caught on the next write.
		 */
		if (((w1 >> 32) & 0xff) == rx_port && age <= hdr->refresh)
			return 0;
		if (!ent_valid(key, w1)) {
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
		uint64_t s, best;
		unsigned int i;

		best = way_score(k[0], __atomic_load_n(&b[0].w1, __ATOMIC_RELAXED), now,
				 hdr->ageing);
		victim = 0;
		for (i = 1; i < VB_MACTAB_WAYS; i++) {
			s = way_score(k[i], __atomic_load_n(&b[i].w1, __ATOMIC_RELAXED), now,
				      hdr->ageing);
			if (s > best) {
				best = s;
				victim = i;
			}
		}
		ev->inserts++;
		if (best < SCORE_AGED)
			ev->evictions++;
	}
	__atomic_store_n(&b[victim].w0, key, __ATOMIC_RELAXED);
	__atomic_store_n(&b[victim].w1, ent_w1(key, now, rx_port, moves), __ATOMIC_RELAXED);
	return ret;
}

/* Is key live on rx_port? */
static bool
seen_on(void *mem, uint64_t key, uint8_t rx_port, uint32_t now)
{
	const struct vb_mactab_hdr *hdr = mem;
	const struct vb_mac_ent *b = bucket_of(mem, key);
	unsigned int i;

	for (i = 0; i < VB_MACTAB_WAYS; i++) {
		uint64_t w0 = __atomic_load_n(&b[i].w0, __ATOMIC_RELAXED);
		uint64_t w1;

		if (w0 != key)
			continue;
		w1 = __atomic_load_n(&b[i].w1, __ATOMIC_RELAXED);
		if (ent_valid(w0, w1) && age32(now, (uint32_t)w1) <= hdr->ageing)
			return ((w1 >> 32) & 0xff) == rx_port;
	}
	return false;
}

uint32_t
vb_mactab_observe_keys(void *mem, uint64_t dst_key, uint64_t src_key, uint8_t rx_port,
		       uint64_t now, struct vb_tab_ctrs *ev)
{
	uint32_t t = (uint32_t)(now >> VB_MAC_TSHIFT);
	uint32_t ret = 0;

	if (src_key != VB_MAC_NO_KEY)
		ret = learn(mem, src_key, rx_port, t, ev);
	if (dst_key != VB_MAC_NO_KEY && seen_on(mem, dst_key, rx_port, t))
		ret |= VB_MAC_WOULD_FILTER;
	return ret;
}

uint32_t
vb_mactab_observe(void *mem, const uint8_t *dst, const uint8_t *src, uint16_t vlan,
		  uint8_t pair, uint8_t rx_port, uint64_t now, struct vb_tab_ctrs *ev)
{
	return vb_mactab_observe_keys(mem, vb_mactab_key(dst, vlan, pair),
				      vb_mactab_key(src, vlan, pair), rx_port, now, ev);
}

uint32_t
vb_mactab_read(const void *mem, uint32_t *pos, struct vb_mac_entry *out, uint32_t max,
	       uint64_t now, uint32_t *torn)
{
	const struct vb_mactab_hdr *hdr = mem;
	const struct vb_mac_ent *e;
	uint32_t entries = vb_mactab_entries(mem);
	uint32_t t = (uint32_t)(now >> VB_MAC_TSHIFT);
	uint32_t n = 0, i;

	if (entries == 0) {
		*pos = 0;
		return 0;
	}
	e = (const struct vb_mac_ent *)((const uint8_t *)mem + sizeof(*hdr));
	for (i = *pos; i < entries && n < max; i++) {
		uint64_t w0 = __atomic_load_n(&e[i].w0, __ATOMIC_RELAXED);
		uint64_t w1 = __atomic_load_n(&e[i].w1, __ATOMIC_RELAXED);
		struct vb_mac_entry *o = &out[n];
		uint32_t age;

		if (w0 == 0 && w1 == 0)
			continue;
		if (!ent_valid(w0, w1)) {
			if (torn != NULL)
				(*torn)++;
			continue;
		}
		age = age32(t, (uint32_t)w1);
		if (age > hdr->ageing)
			continue;
		o->mac[0] = w0 >> 40;
		o->mac[1] = w0 >> 32;
		o->mac[2] = w0 >> 24;
		o->mac[3] = w0 >> 16;
		o->mac[4] = w0 >> 8;
		o->mac[5] = w0;
		o->vlan = (w0 >> 48) & 0xfff;
		o->pair = w0 >> 60;
		o->port = (w1 >> 32) & 0xff;
		o->moves = (w1 >> 40) & 0xff;
		o->reserved = 0;
		o->age = (uint64_t)age << VB_MAC_TSHIFT;
		n++;
	}
	*pos = i;
	return n;
}

uint32_t
vb_mactab_occupancy(const void *mem, uint64_t now)
{
	struct vb_mac_entry tmp[64];
	uint32_t pos = 0, n = 0, got, entries = vb_mactab_entries(mem);

	while (pos < entries) {
		got = vb_mactab_read(mem, &pos, tmp, RTE_DIM(tmp), now, NULL);
		n += got;
	}
	return n;
}
