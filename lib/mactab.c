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

/* Written once by vb_mactab_init, read-only afterwards. */
struct vb_mactab_hdr {
	uint64_t magic;
	uint32_t entries;
	uint32_t bucket_mask;
	uint32_t ageing;	/* in time units (TSC >> VB_MAC_TSHIFT) */
	uint32_t refresh;	/* rewrite a steady entry after this many units */
	uint64_t reserved[5];
};

_Static_assert(sizeof(struct vb_mactab_hdr) == 64, "header is one cache line");
_Static_assert(sizeof(struct vb_mac_ent) * VB_MACTAB_WAYS == 64, "bucket is one cache line");

static inline uint64_t
vb_mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t
mac_key(const uint8_t *mac, uint16_t vlan, uint8_t pair)
{
	return (uint64_t)(pair & 0xf) << 60 | (uint64_t)(vlan & 0xfff) << 48 |
	       (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 | (uint64_t)mac[2] << 24 |
	       (uint64_t)mac[3] << 16 | (uint64_t)mac[4] << 8 | mac[5];
}

static inline uint64_t
ent_check(uint64_t w0, uint64_t w1_low)
{
	return vb_mum(w0 ^ 0x94d049bb133111ebULL, w1_low ^ 0xbf58476d1ce4e5b9ULL) >> 48;
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
	const struct vb_mactab_hdr *hdr = mem;
	struct vb_mac_ent *e = (struct vb_mac_ent *)((uint8_t *)mem + sizeof(*hdr));

	/*
	 * Both factors depend on the key: a constant factor leaves consecutive MACs (a VM
	 * farm) in few buckets, which then evict each other in a table far from full
	 * (bench_classify: 47,937 evictions per 2M frames from 1000 MACs in 16384 entries).
	 */
	return e + (size_t)(vb_mum(key ^ 0x9e3779b97f4a7c15ULL, key ^ 0xff51afd7ed558ccdULL) &
			    hdr->bucket_mask) * VB_MACTAB_WAYS;
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

/* Learn the source; returns VB_MAC_MOVED when it changed port. */
static uint32_t
learn(void *mem, uint64_t key, uint8_t rx_port, uint32_t now, struct vb_tab_ctrs *ev)
{
	const struct vb_mactab_hdr *hdr = mem;
	struct vb_mac_ent *b = bucket_of(mem, key);
	uint64_t w0, w1;
	uint32_t age, oldest_age = 0, ret = 0;
	unsigned int i, victim = 0, moves = 0;
	int victim_rank = -1;	/* 4 match, 3 torn, 2 empty, 1 aged, 0 live (oldest) */

	for (i = 0; i < VB_MACTAB_WAYS; i++) {
		w0 = __atomic_load_n(&b[i].w0, __ATOMIC_RELAXED);
		w1 = __atomic_load_n(&b[i].w1, __ATOMIC_RELAXED);
		if (w0 == 0 && w1 == 0) {
			if (victim_rank < 2) {
				victim = i;
				victim_rank = 2;
			}
			continue;
		}
		if (!ent_valid(w0, w1)) {
			if (victim_rank < 3) {
				victim = i;
				victim_rank = 3;
			}
			continue;
		}
		age = age32(now, (uint32_t)w1);
		if (age > hdr->ageing) {
			if (w0 == key) {
				/* forgotten by a learning bridge: relearn, no move */
				victim = i;
				victim_rank = 4;
				break;
			}
			if (victim_rank < 1) {
				victim = i;
				victim_rank = 1;
			}
			continue;
		}
		if (w0 == key) {
			unsigned int port = (w1 >> 32) & 0xff;

			moves = (w1 >> 40) & 0xff;
			if (port != rx_port) {
				ret = VB_MAC_MOVED;
				if (moves < 255)
					moves++;
			} else if (age <= hdr->refresh) {
				return 0;	/* fresh enough: leave the line clean */
			}
			victim = i;
			victim_rank = 4;
			break;
		}
		if (victim_rank < 0 || (victim_rank == 0 && age > oldest_age)) {
			victim = i;
			victim_rank = 0;
			oldest_age = age;
		}
	}
	if (victim_rank < 4) {
		ev->inserts++;
		if (victim_rank == 0)
			ev->evictions++;
		else if (victim_rank == 3)
			ev->torn++;
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
vb_mactab_observe(void *mem, const uint8_t *dst, const uint8_t *src, uint16_t vlan,
		  uint8_t pair, uint8_t rx_port, uint64_t now, struct vb_tab_ctrs *ev)
{
	uint32_t t = (uint32_t)(now >> VB_MAC_TSHIFT);
	uint32_t ret = 0;

	if ((src[0] & 1) == 0)
		ret = learn(mem, mac_key(src, vlan, pair), rx_port, t, ev);
	if ((dst[0] & 1) == 0 && seen_on(mem, mac_key(dst, vlan, pair), rx_port, t))
		ret |= VB_MAC_WOULD_FILTER;
	return ret;
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
