/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Duplicate table; see duptab.h for the verdicts and the races accepted, duptab_dp.h for
 * the entry layout and the lookup.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cpuflags.h>

#include "duptab.h"
#include "duptab_dp.h"

#define VB_DUPTAB_MAGIC		0x5642445550544231ULL	/* "VBDUPTB1" */

enum vb_dup_verdict
vb_duptab_check_hashed(void *mem, uint64_t h, uint32_t pkt_len, uint8_t rx_port,
		       uint8_t tx_port, uint64_t now, struct vb_tab_ctrs *ev)
{
	return vb_duptab_lookup(mem, h, pkt_len, rx_port, tx_port, now, ev);
}

uint64_t
vb_hash_bytes_crc(const uint8_t *p, uint32_t len, uint64_t seed)
{
	return vb_dup_hash_crc(p, len, seed);
}

#ifdef VB_DUP_HAVE_AES
VB_DUP_TARGET_AES uint64_t
vb_hash_bytes_aes(const uint8_t *p, uint32_t len, uint64_t seed)
{
	return vb_dup_hash_aes(p, len, seed);
}
#endif

enum vb_dup_hash
vb_dup_hash_best(void)
{
#ifdef VB_DUP_HAVE_AES
	if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_AES) > 0 &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_SSE4_2) > 0)
		return VB_DUP_HASH_AES;
#endif
	return VB_DUP_HASH_CRC;
}

uint64_t
vb_hash_bytes(const uint8_t *p, uint32_t len, uint64_t seed)
{
#ifdef VB_DUP_HAVE_AES
	if (vb_dup_hash_best() == VB_DUP_HASH_AES)
		return vb_hash_bytes_aes(p, len, seed);
#endif
	return vb_hash_bytes_crc(p, len, seed);
}

const char *
vb_dup_hash_name(enum vb_dup_hash hash)
{
	static const char *const names[] = {
		[VB_DUP_HASH_CRC] = "crc32c",
		[VB_DUP_HASH_AES] = "aes",
	};

	if ((unsigned int)hash >= RTE_DIM(names))
		return "?";
	return names[hash];
}

size_t
vb_duptab_mem_size(uint32_t entries)
{
	return sizeof(struct vb_duptab_hdr) + (size_t)entries * sizeof(struct vb_way);
}

int
vb_duptab_init_hash(void *mem, uint32_t entries, uint32_t hash_len, uint64_t window,
		    enum vb_dup_hash hash)
{
	struct vb_duptab_hdr *hdr = mem;

	if (hash != VB_DUP_HASH_CRC && hash != VB_DUP_HASH_AES)
		return -EINVAL;
	if (hash == VB_DUP_HASH_AES && vb_dup_hash_best() != VB_DUP_HASH_AES)
		return -ENOTSUP;
	if (mem == NULL || ((uintptr_t)mem & 63) != 0 || !rte_is_power_of_2(entries) ||
	    entries < VB_DUPTAB_MIN_ENTRIES || entries > VB_DUPTAB_MAX_ENTRIES ||
	    hash_len == 0 || hash_len > VB_DUPTAB_HASH_LEN_MAX ||
	    window == 0 || window >= (UINT64_C(1) << 46))
		return -EINVAL;
	memset(mem, 0, vb_duptab_mem_size(entries));
	hdr->entries = entries;
	hdr->bucket_mask = entries / VB_DUPTAB_WAYS - 1;
	hdr->hash_len = hash_len;
	hdr->hash = hash;
	hdr->window = window;
	/* last, so that a reader seeing the magic sees the rest */
	__atomic_store_n(&hdr->magic, VB_DUPTAB_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

int
vb_duptab_init(void *mem, uint32_t entries, uint32_t hash_len, uint64_t window)
{
	return vb_duptab_init_hash(mem, entries, hash_len, window, vb_dup_hash_best());
}

uint32_t
vb_duptab_entries(const void *mem)
{
	const struct vb_duptab_hdr *hdr = mem;

	if (mem == NULL || __atomic_load_n(&hdr->magic, __ATOMIC_ACQUIRE) != VB_DUPTAB_MAGIC)
		return 0;
	return hdr->entries;
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
	const struct vb_way *e;
	uint32_t i, n = 0, entries = vb_duptab_entries(mem);

	e = (const struct vb_way *)((const uint8_t *)mem + sizeof(*hdr));
	for (i = 0; i < entries; i++) {
		uint64_t w0 = __atomic_load_n(&e[i].w0, __ATOMIC_RELAXED);
		uint64_t w1 = __atomic_load_n(&e[i].w1, __ATOMIC_RELAXED);

		if (dup_ent_valid(w0, w1) && dup_age48(now, w1 & VB_DUP_T48_MASK) <= hdr->window)
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
