/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MAC observation table: where each source MAC was last seen, per VLAN and per pair, the
 * way a learning bridge would learn it. It never steers forwarding (vbridge forwards every
 * frame to the peer port); it only says what a learning bridge would have concluded:
 *   MOVED         the frame's source MAC (key: MAC, outer VLAN id, pair) was last seen, not
 *                 aged out, on the other port of the pair: a learning bridge would move it;
 *   WOULD_FILTER  the frame's unicast destination MAC was last seen, not aged out, on the port
 *                 the frame arrived on: a learning bridge would believe the destination is
 *                 on the ingress side and drop the frame (the scenario's lost ARP reply).
 * As a learning bridge does, the source is learned first, then the destination looked up;
 * every frame teaches, reflected copies included (which is exactly how a learning bridge is
 * misled). Source MACs with the I/G bit set are invalid and not learned.
 *
 * Layout: a header and a flat array of 4-way buckets (one cache line each) of 16-byte
 * entries, no pointers, in shared memory, written by all worker lcores without locks:
 *   w0: pair (4) | VLAN id (12) | MAC (48)            - the key
 *   w1: check (16) | moves (8) | port (8) | last seen (32, TSC >> VB_MAC_TSHIFT)
 * Lossy: a new MAC takes an empty, aged-out or torn entry of its bucket, else evicts the one
 * seen longest ago. Size it at 4x the hosts expected or more: at half full about 5% of the
 * 4-way buckets overflow, and their MACs evict each other (counted, see test_mactab's threads).
 * A known MAC on the same port is rewritten only when its time is stale by
 * more than ageing/8, so steady traffic does not bounce the cache line between lcores.
 *
 * Races accepted: as in duptab.h. Two 64-bit words per update; a torn entry fails
 * its 16-bit check (probability 1 - 2^-16) and is treated as absent (a move or a
 * would-be-filtered frame missed, never invented from a torn entry, since the port and key
 * are checked together). Concurrent updates of one bucket may lose one (last writer wins):
 * a MAC's side may be one frame stale, so a move may be missed or counted one frame late.
 */
#ifndef VB_MACTAB_H
#define VB_MACTAB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

#include <rte_prefetch.h>

#include "duptab.h"	/* struct vb_tab_ctrs */

#define VB_MACTAB_WAYS		4
#define VB_MACTAB_MIN_ENTRIES	VB_MACTAB_WAYS
#define VB_MACTAB_MAX_ENTRIES	(1u << 24)
#define VB_MAC_MAX_PAIRS	16	/* pair index is 4 bits of the key */
#define VB_MAC_TSHIFT		12	/* time unit: 4096 TSC ticks (~1.4 us at 3 GHz) */

/* vb_mactab_observe result bits */
#define VB_MAC_MOVED		(1u << 0)
#define VB_MAC_WOULD_FILTER	(1u << 1)

/* What vb_mactab_key gives for a MAC with the I/G bit set: never learned nor looked up. */
#define VB_MAC_NO_KEY		UINT64_MAX

/*
 * The table's header, written once by vb_mactab_init, read-only afterwards. In the header
 * only so that the key's bucket can be found inline (vb_mactab_prefetch).
 */
struct vb_mactab_hdr {
	uint64_t magic;
	uint32_t entries;
	uint32_t bucket_mask;
	uint32_t ageing;	/* in time units (TSC >> VB_MAC_TSHIFT) */
	uint32_t refresh;	/* rewrite a steady entry after this many units */
	uint64_t reserved[5];
};

/* One entry as copied out for a reader. */
struct vb_mac_entry {
	uint8_t mac[6];
	uint16_t vlan;		/* outer VLAN id, 0 when untagged */
	uint8_t pair;
	uint8_t port;		/* bridge port last seen on */
	uint8_t moves;		/* times it changed port, saturating at 255 */
	uint8_t reserved;
	uint64_t age;		/* TSC ticks since last seen (to VB_MAC_TSHIFT precision) */
};

/* Bytes needed for a table of `entries` entries (a power of two), header included. */
size_t vb_mactab_mem_size(uint32_t entries);

/*
 * Initialise a table in mem (64-byte aligned, vb_mactab_mem_size(entries) bytes) before any
 * lcore uses it. entries: power of two in [VB_MACTAB_MIN_ENTRIES, VB_MACTAB_MAX_ENTRIES];
 * ageing: TSC ticks after which an entry is forgotten, in [2^VB_MAC_TSHIFT, 2^42] (2^42 is
 * ~25 min at 3 GHz). Returns 0 or -EINVAL.
 */
int vb_mactab_init(void *mem, uint32_t entries, uint64_t ageing);

/*
 * Datapath, any lcore, concurrently: learn src (6 bytes) on rx_port and look dst (6 bytes)
 * up, in VLAN vlan (0..4095) of pair (< VB_MAC_MAX_PAIRS), at TSC now. Returns VB_MAC_*
 * bits. Events go to *ev (not NULL). No allocation, no lock.
 */
uint32_t vb_mactab_observe(void *mem, const uint8_t *dst, const uint8_t *src, uint16_t vlan,
			   uint8_t pair, uint8_t rx_port, uint64_t now, struct vb_tab_ctrs *ev);

/*
 * The key of a MAC (6 bytes) in VLAN vlan of pair: pair (4 bits) | VLAN id (12) | MAC (48);
 * VB_MAC_NO_KEY for a group MAC (I/G bit set), which a learning bridge neither learns nor
 * looks up. (The pair nibble is < 16, so no real key is all ones.)
 */
static inline uint64_t
vb_mactab_key(const uint8_t *mac, uint16_t vlan, uint8_t pair)
{
	uint32_t hi;
	uint16_t lo;

	if ((mac[0] & 1) != 0)
		return VB_MAC_NO_KEY;
	/* two loads and two byte swaps rather than six bytes shifted into place */
	memcpy(&hi, mac, sizeof(hi));
	memcpy(&lo, mac + 4, sizeof(lo));
	return (uint64_t)(pair & 0xf) << 60 | (uint64_t)(vlan & 0xfff) << 48 |
	       (uint64_t)rte_be_to_cpu_32(hi) << 16 | rte_be_to_cpu_16(lo);
}

/*
 * Byte offset of key's bucket from the start of the table. One CRC32-C of the key: every
 * key bit reaches the bucket index, so consecutive MACs (a VM farm) spread (a product with
 * a constant factor once put 1000 of them in 610 of 4096 buckets; tests/unit test_spread).
 */
static inline size_t
vb_mactab_bucket_off(const void *mem, uint64_t key)
{
	const struct vb_mactab_hdr *hdr = mem;

	return sizeof(*hdr) + (size_t)(vb_crc64(key, 0x9e3779b9u) & hdr->bucket_mask) *
	       VB_MACTAB_WAYS * 16;
}

/* Start loading key's bucket; nothing for VB_MAC_NO_KEY. */
static inline void
vb_mactab_prefetch(const void *mem, uint64_t key)
{
	if (key != VB_MAC_NO_KEY)
		rte_prefetch0((const uint8_t *)mem + vb_mactab_bucket_off(mem, key));
}

/*
 * vb_mactab_observe on keys made by vb_mactab_key (VB_MAC_NO_KEY: that side is skipped), for
 * a burst whose buckets were prefetched first (classify.c).
 */
uint32_t vb_mactab_observe_keys(void *mem, uint64_t dst_key, uint64_t src_key, uint8_t rx_port,
				uint64_t now, struct vb_tab_ctrs *ev);

/*
 * Reader (another lcore or process, read-only): copy out up to max live entries starting at
 * table index *pos, advancing *pos; entries that fail their check are skipped and counted in
 * *torn (may be NULL). Returns the number copied; 0 with *pos == table size at the end.
 */
uint32_t vb_mactab_read(const void *mem, uint32_t *pos, struct vb_mac_entry *out, uint32_t max,
			uint64_t now, uint32_t *torn);

/* Reader: live (not aged, not torn) entries at `now`; walks the whole table. */
uint32_t vb_mactab_occupancy(const void *mem, uint64_t now);

/* Reader: the table's size in entries, 0 if mem does not hold an initialised table. */
uint32_t vb_mactab_entries(const void *mem);

/*
 * The order readers show entries in, for qsort: most moves first, then the most recently
 * seen, then by MAC: the MACs worth a look come first.
 */
int vb_mactab_cmp(const void *a, const void *b);

/*
 * Reader: walk the table once and keep its max first entries in vb_mactab_cmp order in
 * top[] (sorted). *live (may be NULL) gets the number of live entries seen. Returns how many
 * were kept (<= max).
 */
unsigned int vb_mactab_top(const void *mem, uint64_t now, struct vb_mac_entry *top,
			   unsigned int max, uint32_t *live);

#endif /* VB_MACTAB_H */
