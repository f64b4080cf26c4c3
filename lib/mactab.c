/* SPDX-License-Identifier: BSD-3-Clause */
/* MAC observation table; see mactab.h for what it says and the races accepted. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>

#include "mactab.h"
#include "mactab_dp.h"

#define VB_MACTAB_MAGIC		0x56424d4143544231ULL	/* "VBMACTB1" */

size_t
vb_mactab_mem_size(uint32_t entries)
{
	return sizeof(struct vb_mactab_hdr) + (size_t)entries * sizeof(struct vb_way);
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

uint32_t
vb_mactab_observe_keys(void *mem, uint64_t dst_key, uint64_t src_key, uint8_t rx_port,
		       uint64_t now, struct vb_tab_ctrs *ev)
{
	return vb_mactab_lookup(mem, dst_key, src_key, rx_port, now, ev);
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
	const struct vb_way *e;
	uint32_t entries = vb_mactab_entries(mem);
	uint32_t t = (uint32_t)(now >> VB_MAC_TSHIFT);
	uint32_t n = 0, i;

	if (entries == 0) {
		*pos = 0;
		return 0;
	}
	e = (const struct vb_way *)((const uint8_t *)mem + sizeof(*hdr));
	for (i = *pos; i < entries && n < max; i++) {
		uint64_t w0 = __atomic_load_n(&e[i].w0, __ATOMIC_RELAXED);
		uint64_t w1 = __atomic_load_n(&e[i].w1, __ATOMIC_RELAXED);
		struct vb_mac_entry *o = &out[n];
		uint32_t age;

		if (w0 == 0 && w1 == 0)
			continue;
		if (!mac_ent_valid(w0, w1)) {
			if (torn != NULL)
				(*torn)++;
			continue;
		}
		age = mac_age32(t, (uint32_t)w1);
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

int
vb_mactab_cmp(const void *a, const void *b)
{
	const struct vb_mac_entry *x = a, *y = b;

	if (x->moves != y->moves)
		return x->moves > y->moves ? -1 : 1;
	if (x->age != y->age)
		return x->age < y->age ? -1 : 1;
	return memcmp(x->mac, y->mac, sizeof(x->mac));
}

unsigned int
vb_mactab_top(const void *mem, uint64_t now, struct vb_mac_entry *top, unsigned int max,
	      uint32_t *live)
{
	struct vb_mac_entry e[64];
	unsigned int nb = 0, k;
	uint32_t pos = 0, got, i, n = 0;

	while ((got = vb_mactab_read(mem, &pos, e, RTE_DIM(e), now, NULL)) != 0) {
		n += got;
		/* Insertion into the sorted top[]: max is small (tens). */
		for (i = 0; i < got && max > 0; i++) {
			k = nb;
			if (k == max) {
				if (vb_mactab_cmp(&e[i], &top[k - 1]) >= 0)
					continue;
				k--;
			} else {
				nb++;
			}
			for (; k > 0 && vb_mactab_cmp(&e[i], &top[k - 1]) < 0; k--)
				top[k] = top[k - 1];
			top[k] = e[i];
		}
	}
	if (live != NULL)
		*live = n;
	return nb;
}
